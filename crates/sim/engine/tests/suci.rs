//! SUCI concealment by the simulated USIM, de-concealed by ferrocore-crypto's SIDF side.

use ferrocore_crypto::secret::HnPrivateKey;
use ferrocore_crypto::suci::{
    self, HomeNetworkKeys, HomeNetworkPrivateKey, HomeNetworkPublicKey, ProtectionScheme,
};
use ferrocore_nas::identity::{MobileIdentity, SchemeOutput};
use ferrocore_nas::types::Suci;
use ferrocore_sim::{SuciProtection, UeProfile, usim};

fn profile(suci: SuciProtection) -> UeProfile {
    let mut p = UeProfile::new("001010123456789", [1; 16], [2; 16]);
    p.suci = suci;
    p.routing_indicator = "0012".into();
    p
}

fn round_trip(scheme: ProtectionScheme, key_id: u8, private: HomeNetworkPrivateKey) {
    let public = private.public_key().unwrap();
    let protection = match public {
        HomeNetworkPublicKey::ProfileA(pk) => SuciProtection::ProfileA {
            hn_key_id: key_id,
            hn_public_key: pk,
        },
        HomeNetworkPublicKey::ProfileB(pk) => SuciProtection::ProfileB {
            hn_key_id: key_id,
            hn_public_key: pk,
        },
    };
    let p = profile(protection);
    let mut keys = HomeNetworkKeys::new();
    keys.insert(key_id, private);
    let first = usim::suci(&p).unwrap();
    // Through the NAS IE and back, as the AMF would read it.
    let ie = first.to_ie().unwrap();
    let MobileIdentity::Suci(s) = MobileIdentity::parse(&ie).unwrap() else {
        panic!("SUCI")
    };
    assert_eq!((s.mcc.as_str(), s.mnc.as_str()), ("001", "01"));
    assert_eq!(s.routing_indicator, "0012");
    assert_eq!(s.home_network_public_key_id, key_id);
    assert!(
        matches!(s.output, SchemeOutput::Ecies { .. }),
        "ECIES output: {:?}",
        s.output
    );
    // The scheme output octets as they stand in the IE, for the SIDF.
    let Some(Suci::Imsi(raw)) = ie.as_suci() else {
        panic!("SUCI of an IMSI")
    };
    let out = raw.concealed_output().expect("a concealed MSIN");
    let msin = suci::deconceal_msin(scheme, key_id, out, &keys).unwrap();
    assert_eq!(msin, "0123456789");
    // A fresh ephemeral key each time.
    assert_ne!(usim::suci(&p).unwrap(), first);
}

#[test]
fn profile_a_conceals_for_the_home_network() {
    let private = HomeNetworkPrivateKey::ProfileA(HnPrivateKey::new([0x42; 32]));
    round_trip(ProtectionScheme::ProfileA, 1, private);
}

#[test]
fn profile_b_conceals_for_the_home_network() {
    let mut k = [0x17; 32];
    k[0] = 0x01;
    let private = HomeNetworkPrivateKey::ProfileB(HnPrivateKey::new(k));
    round_trip(ProtectionScheme::ProfileB, 2, private);
}

#[test]
fn null_scheme_carries_the_msin() {
    let p = profile(SuciProtection::Null);
    let MobileIdentity::Suci(s) = usim::suci(&p).unwrap() else {
        panic!()
    };
    assert_eq!(s.imsi().as_deref(), Some("001010123456789"));
}
