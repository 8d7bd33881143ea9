//! The 5G key hierarchy (TS 33.501 Annex A) on the generic key derivation function of
//! TS 33.220 Annex B.2: `HMAC-SHA-256(Key, FC || P0 || L0 || P1 || L1 || ...)`, where each
//! Li is the length of Pi as two octets, big-endian.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use crate::Error;
use crate::secret::{Ck, Ik, Kamf, Kausf, Key128, Kgnb, Kseaf, Nh};

type HmacSha256 = Hmac<Sha256>;

/// FC values of TS 33.501 Annex A.1 / TS 33.220 Annex B.
pub mod fc {
    /// KAUSF (A.2).
    pub const KAUSF: u8 = 0x6A;
    /// RES* / XRES* (A.4).
    pub const RES_STAR: u8 = 0x6B;
    /// KSEAF (A.6).
    pub const KSEAF: u8 = 0x6C;
    /// KAMF (A.7).
    pub const KAMF: u8 = 0x6D;
    /// KgNB and KN3IWF (A.9).
    pub const KGNB: u8 = 0x6E;
    /// NH (A.10).
    pub const NH: u8 = 0x6F;
    /// Algorithm key derivation (A.8).
    pub const ALGORITHM_KEY: u8 = 0x69;
}

/// The generic KDF of TS 33.220 Annex B.2.2: HMAC-SHA-256 over
/// `FC || P0 || L0 || ... || Pn || Ln`, 256 bits out.
pub fn kdf(key: &[u8], fc: u8, params: &[&[u8]]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&[fc]);
    for p in params {
        mac.update(p);
        // Pi is never longer than 65535 octets in TS 33.501 derivations.
        mac.update(&(p.len() as u16).to_be_bytes());
    }
    mac.finalize().into_bytes().into()
}

/// The serving network name of TS 24.501 §9.12.1 / TS 33.501 §6.1.1.4:
/// `5G:mnc<MNC>.mcc<MCC>.3gppnetwork.org`, the MNC zero-padded to three digits.
pub fn serving_network_name(mcc: &str, mnc: &str) -> Result<String, Error> {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if mcc.len() != 3 || !digits(mcc) {
        return Err(Error::InvalidDigits("MCC"));
    }
    if !(2..=3).contains(&mnc.len()) || !digits(mnc) {
        return Err(Error::InvalidDigits("MNC"));
    }
    Ok(format!("5G:mnc{mnc:0>3}.mcc{mcc}.3gppnetwork.org"))
}

fn ck_ik(ck: &Ck, ik: &Ik) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..16].copy_from_slice(ck.as_bytes());
    key[16..].copy_from_slice(ik.as_bytes());
    key
}

/// KAUSF from CK, IK (TS 33.501 Annex A.2): FC = 0x6A, P0 = serving network name,
/// P1 = SQN xor AK.
pub fn kausf(ck: &Ck, ik: &Ik, serving_network_name: &str, sqn_xor_ak: &[u8; 6]) -> Kausf {
    let mut key = ck_ik(ck, ik);
    let out = kdf(
        &key,
        fc::KAUSF,
        &[serving_network_name.as_bytes(), sqn_xor_ak],
    );
    key.zeroize();
    Kausf::new(out)
}

/// RES* (UE) or XRES* (home network) (TS 33.501 Annex A.4): FC = 0x6B, P0 = serving network
/// name, P1 = RAND, P2 = RES; the 128 least significant bits of the KDF output.
pub fn res_star(
    ck: &Ck,
    ik: &Ik,
    serving_network_name: &str,
    rand: &[u8; 16],
    res: &[u8],
) -> [u8; 16] {
    let mut key = ck_ik(ck, ik);
    let out = kdf(
        &key,
        fc::RES_STAR,
        &[serving_network_name.as_bytes(), rand, res],
    );
    key.zeroize();
    out[16..].try_into().expect("16 octets")
}

/// HRES* / HXRES* (TS 33.501 Annex A.5): the 128 least significant bits of
/// SHA-256(RAND || RES*).
pub fn hres_star(rand: &[u8; 16], res_star: &[u8; 16]) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(rand);
    h.update(res_star);
    let out: [u8; 32] = h.finalize().into();
    out[16..].try_into().expect("16 octets")
}

/// KSEAF from KAUSF (TS 33.501 Annex A.6): FC = 0x6C, P0 = serving network name.
pub fn kseaf(kausf: &Kausf, serving_network_name: &str) -> Kseaf {
    Kseaf::new(kdf(
        kausf.as_bytes(),
        fc::KSEAF,
        &[serving_network_name.as_bytes()],
    ))
}

/// KAMF from KSEAF (TS 33.501 Annex A.7): FC = 0x6D, P0 = SUPI (for an IMSI the digits
/// MCC||MNC||MSIN as an ASCII string; for a NAI the whole NAI), P1 = ABBA.
pub fn kamf(kseaf: &Kseaf, supi: &str, abba: &[u8]) -> Kamf {
    Kamf::new(kdf(kseaf.as_bytes(), fc::KAMF, &[supi.as_bytes(), abba]))
}

/// Algorithm type distinguishers of TS 33.501 Annex A.8, Table A.8-1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum AlgorithmType {
    /// N-NAS-enc-alg.
    NasEnc = 0x01,
    /// N-NAS-int-alg.
    NasInt = 0x02,
    /// N-RRC-enc-alg.
    RrcEnc = 0x03,
    /// N-RRC-int-alg.
    RrcInt = 0x04,
    /// N-UP-enc-alg.
    UpEnc = 0x05,
    /// N-UP-int-alg.
    UpInt = 0x06,
}

/// An algorithm key (KNASint, KNASenc, ...) from KAMF (TS 33.501 Annex A.8): FC = 0x69,
/// P0 = algorithm type distinguisher, P1 = algorithm identity (TS 33.501 §5.11.1.1 /
/// the 4-bit values of TS 24.501 §9.11.3.34); the 128 least significant bits.
pub fn algorithm_key(kamf: &Kamf, kind: AlgorithmType, algorithm_id: u8) -> Key128 {
    let mut out = kdf(
        kamf.as_bytes(),
        fc::ALGORITHM_KEY,
        &[&[kind as u8], &[algorithm_id]],
    );
    let key = Key128::new(out[16..].try_into().expect("16 octets"));
    out.zeroize();
    key
}

/// KNASint for the given integrity algorithm identity (A.8, N-NAS-int-alg).
pub fn knas_int(kamf: &Kamf, algorithm_id: u8) -> Key128 {
    algorithm_key(kamf, AlgorithmType::NasInt, algorithm_id)
}

/// KNASenc for the given ciphering algorithm identity (A.8, N-NAS-enc-alg).
pub fn knas_enc(kamf: &Kamf, algorithm_id: u8) -> Key128 {
    algorithm_key(kamf, AlgorithmType::NasEnc, algorithm_id)
}

/// Access type distinguisher of TS 33.501 Annex A.9, Table A.9-1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum AccessType {
    /// 3GPP access (KgNB).
    ThreeGpp = 0x01,
    /// Non-3GPP access (KN3IWF).
    Non3Gpp = 0x02,
}

/// KgNB (or KN3IWF) from KAMF (TS 33.501 Annex A.9): FC = 0x6E, P0 = uplink NAS COUNT
/// (4 octets), P1 = access type distinguisher.
pub fn kgnb(kamf: &Kamf, uplink_nas_count: u32, access: AccessType) -> Kgnb {
    Kgnb::new(kdf(
        kamf.as_bytes(),
        fc::KGNB,
        &[&uplink_nas_count.to_be_bytes(), &[access as u8]],
    ))
}

/// NH from KAMF (TS 33.501 Annex A.10): FC = 0x6F, P0 = SYNC-input, which is the initial
/// KgNB for the first NH and the previous NH afterwards.
pub fn nh(kamf: &Kamf, sync_input: &[u8; 32]) -> Nh {
    Nh::new(kdf(kamf.as_bytes(), fc::NH, &[sync_input]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serving_network_name_pads_the_mnc() {
        // TS 24.501 §9.12.1: a 2-digit MNC gets a leading zero.
        assert_eq!(
            serving_network_name("001", "01").unwrap(),
            "5G:mnc001.mcc001.3gppnetwork.org"
        );
        assert_eq!(
            serving_network_name("310", "410").unwrap(),
            "5G:mnc410.mcc310.3gppnetwork.org"
        );
        assert!(serving_network_name("01", "01").is_err());
        assert!(serving_network_name("001", "1").is_err());
        assert!(serving_network_name("001", "0a").is_err());
    }

    #[test]
    fn kdf_encodes_lengths_big_endian() {
        // FC || P0 || L0 with a 2-octet length: compare against a hand-built S.
        let key = [7u8; 32];
        let p0 = b"abc";
        let mut s = vec![0x6C];
        s.extend_from_slice(p0);
        s.extend_from_slice(&[0, 3]);
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&key).unwrap();
        mac.update(&s);
        let want: [u8; 32] = mac.finalize().into_bytes().into();
        assert_eq!(kdf(&key, 0x6C, &[p0]), want);
    }
}
