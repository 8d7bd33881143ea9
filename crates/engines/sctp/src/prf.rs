//! Verification tags and initial TSNs from HMAC-SHA-256 in counter mode, keyed by the
//! endpoint secret: unpredictable to peers, with no system randomness inside the engine.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub(crate) struct Prf {
    key: [u8; 32],
    counter: u64,
    buf: [u8; 32],
    used: usize,
}

impl Prf {
    pub(crate) fn new(secret: &[u8; 32]) -> Self {
        // Derive a separate key so tags never reveal anything about the cookie key.
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
        mac.update(b"ferrocore-sctp tag generator");
        let key = mac.finalize().into_bytes().into();
        Self {
            key,
            counter: 0,
            buf: [0; 32],
            used: 32,
        }
    }

    pub(crate) fn next_u32(&mut self) -> u32 {
        if self.used + 4 > self.buf.len() {
            let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
            mac.update(&self.counter.to_be_bytes());
            self.counter += 1;
            self.buf = mac.finalize().into_bytes().into();
            self.used = 0;
        }
        let b = &self.buf[self.used..self.used + 4];
        self.used += 4;
        u32::from_be_bytes([b[0], b[1], b[2], b[3]])
    }

    /// A nonzero value, as verification tags must be (§5.3.1).
    pub(crate) fn tag(&mut self) -> u32 {
        loop {
            let t = self.next_u32();
            if t != 0 {
                return t;
            }
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        (self.next_u32() as u64) << 32 | self.next_u32() as u64
    }
}
