//! A UE-side USIM model for tests: K, OPc and SQN_MS, with the SQN freshness check of
//! TS 33.102 Annex C.2.1 (accept SQN iff SQN > SQN_MS and SQN - SQN_MS <= Δ) and the AUTS
//! of a synchronisation failure (§6.3.3, §6.3.5).

#![allow(dead_code)]

use ferrocore_crypto::Milenage;
use ferrocore_crypto::auth::{UeAuthResult, auts, ue_authenticate};
use ferrocore_crypto::secret::{K, Opc};

/// Δ of TS 33.102 Annex C.2.1 (the recommended 2^28).
pub const DELTA: u64 = 1 << 28;

pub struct Usim {
    milenage: Milenage,
    /// The highest SQN accepted so far.
    pub sqn_ms: u64,
}

/// Why the USIM refused a challenge.
#[derive(Debug)]
pub enum Refusal {
    /// MAC-A wrong (TS 24.501 cause #20).
    MacFailure,
    /// SQN not fresh (cause #21), with the AUTS to send back.
    SyncFailure { auts: [u8; 14] },
}

pub fn sqn_of(b: &[u8; 6]) -> u64 {
    b.iter().fold(0, |a, &x| (a << 8) | u64::from(x))
}

fn bytes_of(sqn: u64) -> [u8; 6] {
    sqn.to_be_bytes()[2..].try_into().unwrap()
}

impl Usim {
    pub fn new(k: [u8; 16], opc: [u8; 16], sqn_ms: u64) -> Self {
        Self {
            milenage: Milenage::new(&K::new(k), &Opc::new(opc)),
            sqn_ms,
        }
    }

    /// MAC-A check, then freshness; on success SQN_MS moves up to SQN.
    pub fn authenticate(
        &mut self,
        rand: &[u8; 16],
        autn: &[u8; 16],
        snn: &str,
    ) -> Result<UeAuthResult, Refusal> {
        let res =
            ue_authenticate(&self.milenage, rand, autn, snn).map_err(|_| Refusal::MacFailure)?;
        let sqn = sqn_of(&res.sqn);
        if sqn <= self.sqn_ms || sqn - self.sqn_ms > DELTA {
            return Err(Refusal::SyncFailure {
                auts: auts(&self.milenage, rand, &bytes_of(self.sqn_ms)),
            });
        }
        self.sqn_ms = sqn;
        Ok(res)
    }

    /// The MAC-A check alone (for parallel runs where challenges arrive out of order).
    pub fn verify_only(&self, rand: &[u8; 16], autn: &[u8; 16], snn: &str) -> UeAuthResult {
        ue_authenticate(&self.milenage, rand, autn, snn).expect("MAC-A verifies")
    }
}
