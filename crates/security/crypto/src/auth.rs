//! 5G AKA authentication vectors and the AK/SQN handling of TS 33.102 §6.3 and
//! TS 33.501 §6.1.3.2: AUTN = (SQN xor AK) || AMF || MAC-A, and the AUTS of the
//! re-synchronisation procedure, AUTS = (SQN_MS xor AK*) || MAC-S.

use zeroize::Zeroize;

use crate::Error;
use crate::kdf;
use crate::milenage::Milenage;
use crate::secret::{Ck, Ik, Kausf};

/// The home environment 5G authentication vector (5G HE AV) that the UDM hands to the AUSF
/// (TS 33.501 §6.1.3.2.0 step 1), plus HXRES* that the AUSF computes from it (step 4).
/// `Debug` shows RAND and AUTN only.
#[derive(Clone, PartialEq, Eq)]
pub struct HeAuthVector {
    /// RAND.
    pub rand: [u8; 16],
    /// AUTN = (SQN xor AK) || AMF || MAC-A.
    pub autn: [u8; 16],
    /// XRES* (TS 33.501 Annex A.4).
    pub xres_star: [u8; 16],
    /// HXRES* (TS 33.501 Annex A.5).
    pub hxres_star: [u8; 16],
    /// KAUSF (TS 33.501 Annex A.2).
    pub kausf: Kausf,
}

/// What the UE learns from a verified AUTN (TS 33.102 §6.3.3). `Debug` shows SQN only.
#[derive(Clone, PartialEq, Eq)]
pub struct UeAuthResult {
    /// SQN recovered from AUTN.
    pub sqn: [u8; 6],
    /// RES (f2).
    pub res: [u8; 8],
    /// RES* (TS 33.501 Annex A.4).
    pub res_star: [u8; 16],
    /// CK.
    pub ck: Ck,
    /// IK.
    pub ik: Ik,
    /// KAUSF (TS 33.501 Annex A.2).
    pub kausf: Kausf,
}

impl core::fmt::Debug for HeAuthVector {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HeAuthVector")
            .field("rand", &self.rand)
            .field("autn", &self.autn)
            .finish_non_exhaustive()
    }
}

impl core::fmt::Debug for UeAuthResult {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("UeAuthResult")
            .field("sqn", &self.sqn)
            .finish_non_exhaustive()
    }
}

/// AUTN = (SQN xor AK) || AMF || MAC-A (TS 33.102 §6.3.2).
pub fn autn(sqn_xor_ak: &[u8; 6], amf: &[u8; 2], mac_a: &[u8; 8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..6].copy_from_slice(sqn_xor_ak);
    out[6..8].copy_from_slice(amf);
    out[8..].copy_from_slice(mac_a);
    out
}

fn xor6(a: &[u8; 6], b: &[u8; 6]) -> [u8; 6] {
    core::array::from_fn(|i| a[i] ^ b[i])
}

/// Builds the 5G HE AV for `rand` and `sqn` (TS 33.501 §6.1.3.2.0): MILENAGE, then
/// XRES* (A.4), HXRES* (A.5) and KAUSF (A.2). `rand` comes from the caller's RNG.
pub fn generate_he_av(
    milenage: &Milenage,
    rand: &[u8; 16],
    sqn: &[u8; 6],
    amf: &[u8; 2],
    serving_network_name: &str,
) -> HeAuthVector {
    let mac_a = milenage.f1(rand, sqn, amf);
    let out = milenage.f2345(rand);
    let conc = xor6(sqn, out.ak.as_bytes());
    let xres_star = kdf::res_star(&out.ck, &out.ik, serving_network_name, rand, &out.res);
    HeAuthVector {
        rand: *rand,
        autn: autn(&conc, amf, &mac_a),
        xres_star,
        hxres_star: kdf::hres_star(rand, &xres_star),
        kausf: kdf::kausf(&out.ck, &out.ik, serving_network_name, &conc),
    }
}

/// The UE (USIM + ME) side of 5G AKA (TS 33.102 §6.3.3, TS 33.501 §6.1.3.2.0 step 6):
/// recovers SQN from AUTN, verifies MAC-A and derives RES* and KAUSF. Checking that SQN is
/// fresh is left to the caller (it holds SQN_MS).
pub fn ue_authenticate(
    milenage: &Milenage,
    rand: &[u8; 16],
    autn: &[u8; 16],
    serving_network_name: &str,
) -> Result<UeAuthResult, Error> {
    let out = milenage.f2345(rand);
    let conc: [u8; 6] = autn[..6].try_into().expect("6 octets");
    let amf: [u8; 2] = autn[6..8].try_into().expect("2 octets");
    let sqn = xor6(&conc, out.ak.as_bytes());
    let xmac = milenage.f1(rand, &sqn, &amf);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(&xmac[..], &autn[8..])) {
        return Err(Error::MacMismatch("MAC-A"));
    }
    let res_star = kdf::res_star(&out.ck, &out.ik, serving_network_name, rand, &out.res);
    let kausf = kdf::kausf(&out.ck, &out.ik, serving_network_name, &conc);
    Ok(UeAuthResult {
        sqn,
        res: out.res,
        res_star,
        ck: out.ck.clone(),
        ik: out.ik.clone(),
        kausf,
    })
}

/// The dummy AMF used for MAC-S in AUTS (TS 33.102 §6.3.3: "AMF* ... a dummy value of all
/// zeros").
pub const RESYNC_AMF: [u8; 2] = [0, 0];

/// UE side: AUTS = (SQN_MS xor AK*) || MAC-S with AK* = f5*(RAND) and
/// MAC-S = f1*(SQN_MS || RAND || AMF*) (TS 33.102 §6.3.3).
pub fn auts(milenage: &Milenage, rand: &[u8; 16], sqn_ms: &[u8; 6]) -> [u8; 14] {
    let ak_star = milenage.f5_star(rand);
    let mac_s = milenage.f1_star(rand, sqn_ms, &RESYNC_AMF);
    let mut out = [0u8; 14];
    out[..6].copy_from_slice(&xor6(sqn_ms, ak_star.as_bytes()));
    out[6..].copy_from_slice(&mac_s);
    out
}

/// Home network side of re-synchronisation (TS 33.102 §6.3.5): recovers SQN_MS from AUTS and
/// verifies MAC-S. Returns SQN_MS.
pub fn resync_sqn(milenage: &Milenage, rand: &[u8; 16], auts: &[u8; 14]) -> Result<[u8; 6], Error> {
    let ak_star = milenage.f5_star(rand);
    let conc: [u8; 6] = auts[..6].try_into().expect("6 octets");
    let mut sqn_ms = xor6(&conc, ak_star.as_bytes());
    let xmac_s = milenage.f1_star(rand, &sqn_ms, &RESYNC_AMF);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(&xmac_s[..], &auts[6..])) {
        sqn_ms.zeroize();
        return Err(Error::MacMismatch("MAC-S"));
    }
    Ok(sqn_ms)
}
