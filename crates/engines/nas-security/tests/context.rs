//! Key derivation (TS 33.501 Annex A.8-A.10), serde round trip, no secrets in Debug.

mod common;

use common::{DOWNLINK, KAMF, UPLINK, pair};
use ferrocore_crypto::kdf;
use ferrocore_crypto::secret::Kamf;
use ferrocore_nas_security::{NasCount, SecurityContext, SecurityError, SecurityHeaderType, Side};

#[test]
fn nas_keys_are_annex_a8() {
    for nia in 0..4u8 {
        for nea in 0..4u8 {
            let (amf, ue) = pair(nia, nea);
            let kamf = Kamf::new(KAMF);
            for ctx in [&amf, &ue] {
                assert_eq!(*ctx.knas_int(), kdf::knas_int(&kamf, nia));
                assert_eq!(*ctx.knas_enc(), kdf::knas_enc(&kamf, nea));
            }
        }
    }
}

#[test]
fn kgnb_and_nh_chain() {
    let (amf, ue) = pair(2, 2);
    let kamf = Kamf::new(KAMF);
    let count = NasCount::new(0x0102).unwrap();
    let kgnb = amf.kgnb(count);
    assert_eq!(kgnb, kdf::kgnb(&kamf, 0x0102, kdf::AccessType::ThreeGpp));
    assert_eq!(kgnb, ue.kgnb(count));
    let mut chain = amf.nh_chain(&kgnb);
    assert_eq!(chain.ncc(), 0);
    let (ncc1, nh1) = chain.advance(&amf);
    assert_eq!(ncc1, 1);
    assert_eq!(nh1, kdf::nh(&kamf, kgnb.as_bytes()));
    let (ncc2, nh2) = chain.advance(&amf);
    assert_eq!(ncc2, 2);
    assert_eq!(nh2, kdf::nh(&kamf, nh1.as_bytes()));
    for _ in 0..6 {
        chain.advance(&amf);
    }
    assert_eq!(chain.ncc(), 0, "NCC is 3 bits");
    // the chain survives a store / load
    let json = serde_json::to_string(&chain).unwrap();
    let mut restored: ferrocore_nas_security::NhChain = serde_json::from_str(&json).unwrap();
    assert_eq!(restored.advance(&amf), chain.advance(&amf));
    assert!(!format!("{chain:?}").contains(&hex::encode(nh2.as_bytes())));
}

#[test]
fn serde_round_trip_keeps_counts_and_keys() {
    let (mut amf, mut ue) = pair(1, 3);
    for plain in &DOWNLINK[..5] {
        let b = amf
            .protect(plain, SecurityHeaderType::IntegrityProtectedAndCiphered)
            .unwrap();
        ue.unprotect(&b).unwrap();
    }
    let json = serde_json::to_value(&ue).unwrap();
    assert_eq!(json["side"], "ue");
    assert_eq!(json["nia"], 1);
    assert_eq!(json["nea"], 3);
    assert_eq!(json["downlink_count"], 5);
    assert_eq!(json["kamf"], hex::encode(KAMF));
    let text = json.to_string();
    assert!(
        !text.contains(&hex::encode(ue.knas_int().as_bytes())),
        "derived keys are not stored"
    );
    let mut restored: SecurityContext = serde_json::from_value(json).unwrap();
    assert_eq!(restored.downlink_count().value(), 5);
    let b = amf
        .protect(
            DOWNLINK[0],
            SecurityHeaderType::IntegrityProtectedAndCiphered,
        )
        .unwrap();
    assert_eq!(restored.unprotect(&b).unwrap().count.value(), 5);
    let ul = restored
        .protect(UPLINK[0], SecurityHeaderType::IntegrityProtected)
        .unwrap();
    amf.unprotect(&ul).unwrap();

    let mut bad = serde_json::to_value(&restored).unwrap();
    bad["nia"] = 9.into();
    assert!(serde_json::from_value::<SecurityContext>(bad).is_err());
    let mut bad = serde_json::to_value(&restored).unwrap();
    bad["downlink_count"] = 0x0100_0000.into();
    assert!(serde_json::from_value::<SecurityContext>(bad).is_err());
}

#[test]
fn debug_shows_no_secret() {
    let (amf, _) = pair(2, 2);
    let d = format!("{amf:?}");
    assert!(d.contains("Network") && d.contains("Nia2"), "{d}");
    for secret in [
        hex::encode(KAMF),
        hex::encode(amf.knas_int().as_bytes()),
        hex::encode(amf.knas_enc().as_bytes()),
    ] {
        assert!(!d.contains(&secret));
        assert!(!d.to_lowercase().contains(&secret[..8]));
    }
    assert!(!d.contains("43, 126") && !d.contains(&format!("{:?}", &KAMF[..4])));
}

#[test]
fn invalid_ng_ksi() {
    use ferrocore_crypto::{NasCipheringAlgorithm as Nea, NasIntegrityAlgorithm as Nia};
    for bad in [7u8, 15, 16] {
        assert_eq!(
            SecurityContext::new(Side::Ue, bad, Kamf::new(KAMF), Nia::Nia2, Nea::Nea0).unwrap_err(),
            SecurityError::InvalidNgKsi(bad)
        );
    }
    // mapped context (TSC = 1), KSI 6
    assert!(SecurityContext::new(Side::Ue, 0x0e, Kamf::new(KAMF), Nia::Nia2, Nea::Nea0).is_ok());
}

#[test]
fn changing_algorithms_rederives_keys() {
    use ferrocore_crypto::{NasCipheringAlgorithm as Nea, NasIntegrityAlgorithm as Nia};
    let (mut amf, mut ue) = pair(1, 1);
    amf.select_algorithms(Nia::Nia3, Nea::Nea2);
    ue.select_algorithms(Nia::Nia3, Nea::Nea2);
    assert_eq!(*amf.knas_int(), kdf::knas_int(&Kamf::new(KAMF), 3));
    let b = amf
        .protect(
            DOWNLINK[0],
            SecurityHeaderType::IntegrityProtectedNewContext,
        )
        .unwrap();
    assert_eq!(ue.unprotect(&b).unwrap().message, DOWNLINK[0]);
}
