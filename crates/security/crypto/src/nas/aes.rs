//! 128-EEA2 / 128-NEA2 (AES-128-CTR, TS 33.401 Annex B.1.3) and 128-EIA2 / 128-NIA2
//! (AES-128-CMAC, TS 33.401 Annex B.2.3), as reused by TS 33.501 Annex D.2.3 / D.3.3.

use aes::Aes128;
use cmac::{Cmac, Mac};
use ctr::cipher::{KeyIvInit, StreamCipher};

/// COUNT || BEARER || DIRECTION || 0^26, the 64-bit prefix both modes start from.
fn prefix(count: u32, bearer: u8, direction: u8) -> [u8; 8] {
    let mut p = [0u8; 8];
    p[..4].copy_from_slice(&count.to_be_bytes());
    p[4] = ((bearer & 0x1F) << 3) | ((direction & 1) << 2);
    p
}

/// 128-EEA2: AES-128-CTR with the initial counter block T1 = COUNT || BEARER ||
/// DIRECTION || 0^26 || 0^64 (TS 33.401 Annex B.1.3), xored onto `data` in place.
pub fn eea2(key: &[u8; 16], count: u32, bearer: u8, direction: u8, data: &mut [u8]) {
    let mut t1 = [0u8; 16];
    t1[..8].copy_from_slice(&prefix(count, bearer, direction));
    ctr::Ctr128BE::<Aes128>::new(key.into(), &t1.into()).apply_keystream(data);
}

/// 128-EIA2: the 32 most significant bits of AES-128-CMAC over
/// M = COUNT || BEARER || DIRECTION || 0^26 || MESSAGE (TS 33.401 Annex B.2.3).
pub fn eia2(key: &[u8; 16], count: u32, bearer: u8, direction: u8, message: &[u8]) -> [u8; 4] {
    let mut mac = <Cmac<Aes128> as Mac>::new(key.into());
    mac.update(&prefix(count, bearer, direction));
    mac.update(message);
    mac.finalize().into_bytes()[..4]
        .try_into()
        .expect("4 octets")
}

#[cfg(test)]
mod tests;
