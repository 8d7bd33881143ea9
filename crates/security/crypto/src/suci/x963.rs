//! The ANSI X9.63 key derivation function with SHA-256 (SEC 1 v2 §3.6.1), as used by the
//! ECIES profiles of TS 33.501 Annex C.3.4.

use sha2::{Digest, Sha256};

/// `K = Hash(Z || Counter || SharedInfo)` for Counter = 1, 2, ... (32 bits, big-endian),
/// concatenated and cut to `out.len()` octets.
pub fn kdf(z: &[u8], shared_info: &[u8], out: &mut [u8]) {
    for (i, chunk) in out.chunks_mut(32).enumerate() {
        let mut h = Sha256::new();
        h.update(z);
        h.update(((i + 1) as u32).to_be_bytes());
        h.update(shared_info);
        let block = h.finalize();
        chunk.copy_from_slice(&block[..chunk.len()]);
    }
}
