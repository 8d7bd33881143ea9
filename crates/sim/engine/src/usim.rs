//! The USIM: Milenage with the subscriber's K and OPc, the SQN it has accepted, the
//! AUTN check of TS 33.102 §6.3.3 and the 5G derivations of TS 33.501 §6.1.3.2 (RES*,
//! KAUSF, KSEAF, KAMF), and SUCI concealment (TS 33.501 §6.12.2, Annex C).

use ferrocore_crypto::auth;
use ferrocore_crypto::kdf;
use ferrocore_crypto::milenage::{K, Milenage, Opc};
use ferrocore_crypto::secret::{EphemeralKey, Kamf};
use ferrocore_crypto::suci::{self, HomeNetworkPublicKey};
use ferrocore_nas::identity::{ImsiSuci, MobileIdentity, ProtectionScheme, SchemeOutput};
use rand::RngCore;

use crate::config::{SuciProtection, UeProfile};
use crate::error::SimError;

/// 5GMM cause #20 "MAC failure" (TS 24.501 §9.11.3.2).
pub const CAUSE_MAC_FAILURE: u8 = 20;
/// 5GMM cause #21 "synch failure".
pub const CAUSE_SYNCH_FAILURE: u8 = 21;
/// 5GMM cause #26 "non-5G authentication unacceptable".
pub const CAUSE_NON_5G_AUTHENTICATION: u8 = 26;

/// The largest SQN step the USIM accepts (TS 33.102 Annex C.2.2, parameter Δ = 2^28).
const SQN_DELTA: u64 = 1 << 28;
const SQN_MASK: u64 = (1 << 48) - 1;

/// A successful 5G AKA challenge, seen from the UE.
pub struct Challenge {
    /// RES* for the AUTHENTICATION RESPONSE.
    pub res_star: [u8; 16],
    /// KAMF derived from KAUSF -> KSEAF with the SUPI and ABBA (TS 33.501 Annex A.7).
    pub kamf: Kamf,
}

/// Why the USIM / ME refused a challenge: the AUTHENTICATION FAILURE to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// #20: MAC-A does not verify.
    MacFailure,
    /// #21: SQN out of range; the AUTS that lets the home network re-synchronise.
    SynchFailure { auts: [u8; 14] },
    /// #26: the AMF separation bit is not set (TS 33.501 §6.1.3.2.0 step 6).
    Non5g,
}

impl Refusal {
    /// The 5GMM cause of the AUTHENTICATION FAILURE.
    pub fn cause(&self) -> u8 {
        match self {
            Refusal::MacFailure => CAUSE_MAC_FAILURE,
            Refusal::SynchFailure { .. } => CAUSE_SYNCH_FAILURE,
            Refusal::Non5g => CAUSE_NON_5G_AUTHENTICATION,
        }
    }
}

/// The USIM of one simulated UE.
pub struct Usim {
    milenage: Milenage,
    sqn: u64,
    imsi: String,
}

impl Usim {
    /// Loads K, OPc and SQN from the profile.
    pub fn new(profile: &UeProfile) -> Self {
        Usim {
            milenage: Milenage::new(&K::new(profile.k), &Opc::new(profile.opc)),
            sqn: profile.sqn & SQN_MASK,
            imsi: profile.imsi.clone(),
        }
    }

    /// The highest SQN accepted so far (SQN_MS).
    pub fn sqn(&self) -> u64 {
        self.sqn
    }

    /// Runs a 5G AKA challenge (TS 33.102 §6.3.3, TS 33.501 §6.1.3.2.0 step 6): verifies
    /// MAC-A, then that SQN is fresh (above SQN_MS and at most Δ ahead), then the AMF
    /// separation bit; on success stores SQN and derives RES* and KAMF.
    pub fn authenticate(
        &mut self,
        rand: &[u8; 16],
        autn: &[u8; 16],
        serving_network_name: &str,
        abba: &[u8],
    ) -> Result<Challenge, Refusal> {
        let result = auth::ue_authenticate(&self.milenage, rand, autn, serving_network_name)
            .map_err(|_| Refusal::MacFailure)?;
        let sqn = u64_of(&result.sqn);
        if sqn <= self.sqn || sqn - self.sqn > SQN_DELTA {
            let auts = auth::auts(&self.milenage, rand, &bytes_of(self.sqn));
            return Err(Refusal::SynchFailure { auts });
        }
        if autn[6] & 0x80 == 0 {
            return Err(Refusal::Non5g);
        }
        self.sqn = sqn;
        let kseaf = kdf::kseaf(&result.kausf, serving_network_name);
        Ok(Challenge {
            res_star: result.res_star,
            kamf: kdf::kamf(&kseaf, &self.imsi, abba),
        })
    }
}

fn u64_of(sqn: &[u8; 6]) -> u64 {
    sqn.iter().fold(0, |acc, b| (acc << 8) | u64::from(*b))
}

fn bytes_of(sqn: u64) -> [u8; 6] {
    let b = sqn.to_be_bytes();
    [b[2], b[3], b[4], b[5], b[6], b[7]]
}

/// Builds a fresh SUCI for the profile's IMSI (TS 24.501 §9.11.3.4, TS 33.501 §6.12.2):
/// null scheme or ECIES Profile A / B with a new ephemeral key each time.
pub fn suci(profile: &UeProfile) -> Result<MobileIdentity, SimError> {
    let (scheme, key_id, output) = match &profile.suci {
        SuciProtection::Null => (
            ProtectionScheme::Null,
            0,
            SchemeOutput::Msin(profile.msin().to_owned()),
        ),
        SuciProtection::ProfileA {
            hn_key_id,
            hn_public_key,
        } => {
            let pk = HomeNetworkPublicKey::ProfileA(*hn_public_key);
            let out = conceal(profile.msin(), &pk)?;
            (ProtectionScheme::ProfileA, *hn_key_id, split_ecies(out, 32))
        }
        SuciProtection::ProfileB {
            hn_key_id,
            hn_public_key,
        } => {
            let pk = HomeNetworkPublicKey::ProfileB(hn_public_key.clone());
            let out = conceal(profile.msin(), &pk)?;
            (ProtectionScheme::ProfileB, *hn_key_id, split_ecies(out, 33))
        }
    };
    Ok(MobileIdentity::Suci(ImsiSuci {
        mcc: profile.mcc().to_owned(),
        mnc: profile.mnc().to_owned(),
        routing_indicator: profile.routing_indicator.clone(),
        scheme,
        home_network_public_key_id: key_id,
        output,
    }))
}

/// Conceals the MSIN with a fresh ephemeral key from the thread RNG. A P-256 scalar out
/// of range (probability about 2^-32) is drawn again.
fn conceal(msin: &str, pk: &HomeNetworkPublicKey) -> Result<Vec<u8>, SimError> {
    let mut last = None;
    for _ in 0..4 {
        let mut eph = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut eph);
        match suci::conceal_msin(msin, pk, &EphemeralKey::new(eph)) {
            Ok(out) => return Ok(out),
            Err(e @ ferrocore_crypto::Error::InvalidKey(_)) => last = Some(e),
            Err(e) => return Err(e.into()),
        }
    }
    Err(last
        .map(SimError::from)
        .unwrap_or_else(|| SimError::Config("SUCI concealment".into())))
}

/// Splits an ECIES scheme output into key, ciphertext and 8-octet MAC tag (TS 33.501
/// Annex C.3.4). The same split as ferrocore-nas's `identity` module makes when it parses
/// a SUCI; that one is private to the crate.
fn split_ecies(out: Vec<u8>, key_len: usize) -> SchemeOutput {
    if out.len() < key_len + 8 {
        return SchemeOutput::Opaque(out);
    }
    let (key, rest) = out.split_at(key_len);
    let (ciphertext, tag) = rest.split_at(rest.len() - 8);
    let mut mac_tag = [0u8; 8];
    mac_tag.copy_from_slice(tag);
    SchemeOutput::Ecies {
        ephemeral_public_key: key.to_vec(),
        ciphertext: ciphertext.to_vec(),
        mac_tag,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usim(sqn: u64) -> (Usim, Milenage) {
        let mut p = UeProfile::new("001010000000001", [0x46; 16], [0xcd; 16]);
        p.sqn = sqn;
        (Usim::new(&p), Milenage::new(&K::new(p.k), &Opc::new(p.opc)))
    }

    fn autn(m: &Milenage, rand: &[u8; 16], sqn: u64, amf: [u8; 2]) -> [u8; 16] {
        let snn = kdf::serving_network_name("001", "01").unwrap();
        auth::generate_he_av(m, rand, &bytes_of(sqn), &amf, &snn).autn
    }

    #[test]
    fn sqn_must_grow_within_delta() {
        let snn = kdf::serving_network_name("001", "01").unwrap();
        let (mut u, m) = usim(100);
        let rand = [3; 16];
        let same = autn(&m, &rand, 100, [0x80, 0]);
        assert!(matches!(
            u.authenticate(&rand, &same, &snn, &[0, 0]),
            Err(Refusal::SynchFailure { .. })
        ));
        let far = autn(&m, &rand, 100 + SQN_DELTA + 1, [0x80, 0]);
        assert!(matches!(
            u.authenticate(&rand, &far, &snn, &[0, 0]),
            Err(Refusal::SynchFailure { .. })
        ));
        let next = autn(&m, &rand, 101, [0x80, 0]);
        assert!(u.authenticate(&rand, &next, &snn, &[0, 0]).is_ok());
        assert_eq!(u.sqn(), 101);
    }

    #[test]
    fn separation_bit_is_required() {
        let snn = kdf::serving_network_name("001", "01").unwrap();
        let (mut u, m) = usim(0);
        let rand = [9; 16];
        let a = autn(&m, &rand, 1, [0, 0]);
        assert_eq!(
            u.authenticate(&rand, &a, &snn, &[0, 0]).err(),
            Some(Refusal::Non5g)
        );
        assert_eq!(u.sqn(), 0, "SQN kept on refusal");
    }

    #[test]
    fn tampered_autn_is_a_mac_failure() {
        let snn = kdf::serving_network_name("001", "01").unwrap();
        let (mut u, m) = usim(0);
        let rand = [9; 16];
        let mut a = autn(&m, &rand, 1, [0x80, 0]);
        a[15] ^= 1;
        assert_eq!(
            u.authenticate(&rand, &a, &snn, &[0, 0]).err(),
            Some(Refusal::MacFailure)
        );
    }
}
