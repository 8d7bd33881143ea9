//! decode -> (if OK) encode -> decode again: the two decodings are equal, and nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = ferrocore_nas::decode(data) {
        let bytes = ferrocore_nas::encode(&message).expect("a decoded message encodes");
        let again = ferrocore_nas::decode(&bytes).expect("an encoded message decodes");
        assert_eq!(again, message);
        let _ = message.check();
    }
    let _ = ferrocore_nas::describe(data);
});
