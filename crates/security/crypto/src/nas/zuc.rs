//! 128-EEA3 / 128-NEA3 and 128-EIA3 / 128-NIA3 (ZUC; ETSI/SAGE "Specification of the 3GPP
//! Confidentiality and Integrity Algorithms 128-EEA3 & 128-EIA3", TS 35.221 Documents 1
//! and 2; TS 33.501 Annex D.2.4 / D.3.4), through the `zuc` crate.

/// 128-EEA3 over the first `bit_len` bits of `data`, in place (EEA3 & EIA3 Document 1, 128-EEA3).
pub fn eea3(
    key: &[u8; 16],
    count: u32,
    bearer: u8,
    direction: u8,
    data: &mut [u8],
    bit_len: usize,
) {
    zuc::eea3::eea3_xor_inplace(count, bearer & 0x1F, direction & 1, key, data, bit_len);
}

/// 128-EIA3 over the first `bit_len` bits of `message` (EEA3 & EIA3 Document 1, 128-EIA3).
pub fn eia3(
    key: &[u8; 16],
    count: u32,
    bearer: u8,
    direction: u8,
    message: &[u8],
    bit_len: usize,
) -> [u8; 4] {
    zuc::eia3::Eia3Mac::compute(count, bearer & 0x1F, direction & 1, key, message, bit_len)
        .to_be_bytes()
}

#[cfg(test)]
mod tests;
