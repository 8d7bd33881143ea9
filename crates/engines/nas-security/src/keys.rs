//! AS keys from the NAS security context: KgNB for the Initial Context Setup (TS 33.501
//! Annex A.9) and the NH chain for mobility (Annex A.10, §6.9.2.1.1).

use crate::SecurityContext;
use crate::count::NasCount;
use ferrocore_crypto::kdf::{self, AccessType};
use ferrocore_crypto::secret::{Kgnb, Nh};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

impl SecurityContext {
    /// KgNB for 3GPP access (TS 33.501 Annex A.9: FC 0x6E, P0 = uplink NAS COUNT, P1 =
    /// access type distinguisher 0x01). `uplink_count` is the COUNT of the uplink message
    /// the key is bound to, e.g. [`crate::Unprotected::count`] of the SECURITY MODE
    /// COMPLETE or of the REGISTRATION / SERVICE REQUEST that starts the connection
    /// (TS 33.501 §6.8.1.2.2).
    pub fn kgnb(&self, uplink_count: NasCount) -> Kgnb {
        kdf::kgnb(self.kamf(), uplink_count.value(), AccessType::ThreeGpp)
    }

    /// The first NH chain of this context, anchored at the initial KgNB (NCC 0).
    pub fn nh_chain(&self, initial_kgnb: &Kgnb) -> NhChain {
        NhChain::new(initial_kgnb)
    }
}

/// The {NH, NCC} chain of TS 33.501 §6.9.2.1.1 and Annex A.10: NCC 0 belongs to the
/// initial KgNB; each step derives NH = KDF(KAMF, SYNC-input) where the SYNC-input is the
/// initial KgNB for the first NH and the previous NH afterwards, and increments NCC
/// (3 bits, wrapping).
#[derive(Clone)]
pub struct NhChain {
    ncc: u8,
    sync_input: Zeroizing<[u8; 32]>,
}

impl NhChain {
    /// A chain at NCC 0, anchored at the initial KgNB.
    pub fn new(initial_kgnb: &Kgnb) -> Self {
        Self {
            ncc: 0,
            sync_input: Zeroizing::new(*initial_kgnb.as_bytes()),
        }
    }

    /// The current NCC (0-7).
    pub fn ncc(&self) -> u8 {
        self.ncc
    }

    /// Derives the next NH with `context`'s KAMF and returns it with its NCC.
    pub fn advance(&mut self, context: &SecurityContext) -> (u8, Nh) {
        let nh = kdf::nh(context.kamf(), &self.sync_input);
        *self.sync_input = *nh.as_bytes();
        self.ncc = (self.ncc + 1) & 0x07;
        (self.ncc, nh)
    }
}

impl core::fmt::Debug for NhChain {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("NhChain")
            .field("ncc", &self.ncc)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize, Deserialize)]
struct StoredChain {
    ncc: u8,
    sync_input: Zeroizing<String>,
}

impl Serialize for NhChain {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        StoredChain {
            ncc: self.ncc,
            sync_input: Zeroizing::new(hex::encode(*self.sync_input)),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for NhChain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stored = StoredChain::deserialize(d)?;
        let mut sync_input = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(stored.sync_input.as_bytes(), &mut sync_input[..])
            .map_err(serde::de::Error::custom)?;
        if stored.ncc > 7 {
            return Err(serde::de::Error::custom("NCC above 7"));
        }
        Ok(Self {
            ncc: stored.ncc,
            sync_input,
        })
    }
}
