//! Property tests: ciphering is an involution, SUCI conceal/de-conceal round-trips, AUTS
//! re-synchronisation recovers SQN_MS, and a UE accepts the network's AUTN.

use ferrocore_crypto::auth;
use ferrocore_crypto::kdf;
use ferrocore_crypto::milenage::{K, Milenage, Opc};
use ferrocore_crypto::nas::{NasCipheringAlgorithm, NasIntegrityAlgorithm};
use ferrocore_crypto::secret::{EphemeralKey, HnPrivateKey, Key128};
use ferrocore_crypto::suci::{self, HomeNetworkKeys, HomeNetworkPrivateKey, ProtectionScheme};
use proptest::prelude::*;

fn cipher() -> impl Strategy<Value = NasCipheringAlgorithm> {
    (0u8..4).prop_map(|v| NasCipheringAlgorithm::try_from(v).unwrap())
}

fn integrity() -> impl Strategy<Value = NasIntegrityAlgorithm> {
    (0u8..4).prop_map(|v| NasIntegrityAlgorithm::try_from(v).unwrap())
}

proptest! {
    #[test]
    fn cipher_apply_twice_is_identity(
        alg in cipher(),
        key in any::<[u8; 16]>(),
        count in any::<u32>(),
        bearer in 0u8..32,
        direction in 0u8..2,
        data in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let key = Key128::new(key);
        let mut buf = data.clone();
        alg.apply(&key, count, bearer, direction, &mut buf);
        if alg != NasCipheringAlgorithm::Nea0 && data.len() >= 8 {
            prop_assert_ne!(&buf, &data);
        }
        alg.apply(&key, count, bearer, direction, &mut buf);
        prop_assert_eq!(buf, data);
    }

    #[test]
    fn mac_verifies_and_detects_a_flipped_bit(
        alg in integrity(),
        key in any::<[u8; 16]>(),
        count in any::<u32>(),
        bearer in 0u8..32,
        direction in 0u8..2,
        mut msg in proptest::collection::vec(any::<u8>(), 1..200),
        flip in any::<prop::sample::Index>(),
    ) {
        let key = Key128::new(key);
        let mac = alg.mac(&key, count, bearer, direction, &msg);
        prop_assert!(alg.verify(&key, count, bearer, direction, &msg, &mac).is_ok());
        if alg != NasIntegrityAlgorithm::Nia0 {
            let i = flip.index(msg.len());
            msg[i] ^= 0x01;
            prop_assert!(alg.verify(&key, count, bearer, direction, &msg, &mac).is_err());
        }
    }

    #[test]
    fn suci_round_trip(
        profile_b in any::<bool>(),
        hn in any::<[u8; 32]>(),
        eph in any::<[u8; 32]>(),
        key_id in any::<u8>(),
        msin in "[0-9]{9,10}",
    ) {
        let hn = HnPrivateKey::new(hn);
        let (scheme, private) = if profile_b {
            (ProtectionScheme::ProfileB, HomeNetworkPrivateKey::ProfileB(hn))
        } else {
            (ProtectionScheme::ProfileA, HomeNetworkPrivateKey::ProfileA(hn))
        };
        // A random 32-octet string is a valid P-256 scalar with overwhelming probability.
        let public = private.public_key();
        prop_assume!(public.is_ok());
        let public = public.unwrap();
        let output = suci::conceal_msin(&msin, &public, &EphemeralKey::new(eph));
        prop_assume!(output.is_ok());
        let output = output.unwrap();
        let mut keys = HomeNetworkKeys::new();
        keys.insert(key_id, private);
        prop_assert_eq!(suci::deconceal_msin(scheme, key_id, &output, &keys).unwrap(), msin);
    }

    #[test]
    fn auts_resync_recovers_sqn(
        k in any::<[u8; 16]>(),
        opc in any::<[u8; 16]>(),
        rand in any::<[u8; 16]>(),
        sqn_ms in any::<[u8; 6]>(),
    ) {
        let m = Milenage::new(&K::new(k), &Opc::new(opc));
        let auts = auth::auts(&m, &rand, &sqn_ms);
        prop_assert_eq!(auth::resync_sqn(&m, &rand, &auts).unwrap(), sqn_ms);
        let mut bad = auts;
        bad[13] ^= 0x80;
        prop_assert!(auth::resync_sqn(&m, &rand, &bad).is_err());
    }

    #[test]
    fn ue_accepts_the_home_network_vector(
        k in any::<[u8; 16]>(),
        opc in any::<[u8; 16]>(),
        rand in any::<[u8; 16]>(),
        sqn in any::<[u8; 6]>(),
        amf in any::<[u8; 2]>(),
    ) {
        let m = Milenage::new(&K::new(k), &Opc::new(opc));
        let snn = kdf::serving_network_name("001", "01").unwrap();
        let av = auth::generate_he_av(&m, &rand, &sqn, &amf, &snn);
        let ue = auth::ue_authenticate(&m, &rand, &av.autn, &snn).unwrap();
        prop_assert_eq!(ue.sqn, sqn);
        prop_assert_eq!(ue.res_star, av.xres_star);
        prop_assert_eq!(kdf::hres_star(&rand, &ue.res_star), av.hxres_star);
        prop_assert_eq!(&ue.kausf, &av.kausf);
        let mut autn = av.autn;
        autn[15] ^= 1;
        prop_assert!(auth::ue_authenticate(&m, &rand, &autn, &snn).is_err());
    }
}
