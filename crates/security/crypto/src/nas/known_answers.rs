//! Test-only: the record of one published known-answer test set and the helpers the
//! AES, SNOW 3G and ZUC tests share.

/// One published test set: inputs as the specs print them, output as hex.
pub(super) struct V {
    pub set: u32,
    pub key: &'static str,
    pub count: u32,
    pub bearer: u32,
    pub direction: u8,
    pub bits: usize,
    pub data: &'static str,
    pub out: &'static str,
}

pub(super) fn bytes(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

pub(super) fn key(v: &V) -> [u8; 16] {
    bytes(v.key).try_into().unwrap()
}

/// Compares the first `bits` bits only: the published outputs leave the bits past the
/// message length either zeroed or unmasked.
pub(super) fn assert_bits_eq(got: &[u8], want: &[u8], bits: usize, what: &str, set: u32) {
    let n = bits.div_ceil(8);
    assert_eq!(got[..n - 1], want[..n - 1], "{what} set {set}");
    let mask = if bits.is_multiple_of(8) {
        0xFF
    } else {
        0xFFu8 << (8 - bits % 8)
    };
    assert_eq!(
        got[n - 1] & mask,
        want[n - 1] & mask,
        "{what} set {set} (last octet)"
    );
}
