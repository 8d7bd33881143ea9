//! Decodes arbitrary bytes as a typed NGAP message (every IE and nested transfer); what
//! decodes must encode, and decode again to the same message.
#![no_main]

use ferrocore_ngap::{decode_message, describe};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = describe(data);
    let Ok(message) = decode_message(data) else {
        return;
    };
    let bytes = message.encode().expect("a decoded message encodes");
    let again = decode_message(&bytes).expect("an encoded message decodes");
    assert_eq!(again, message);
});
