//! Decodes arbitrary bytes as PFCP; whatever decodes must encode, and the encoding must
//! decode to the same message and re-encode to the same octets.
#![no_main]

use ferrocore_pfcp::{decode, describe, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let described = describe(data);
    let Ok(msg) = decode(data) else {
        assert!(described.is_err(), "describe accepted what decode rejected");
        return;
    };
    let bytes = encode(&msg).expect("a decoded message fits its lengths");
    let again = decode(&bytes).expect("our own encoding decodes");
    assert_eq!(again, msg);
    assert_eq!(encode(&again).expect("re-encode"), bytes);
    if let Err(e) = decode(&data[..data.len() / 2]) {
        let _ = (e.cause(), e.offending_ie(), e.to_string());
    }
});
