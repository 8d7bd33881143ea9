//! decode(encode(x)) == x for generated messages: registration requests with every kind
//! of identity, PDU session establishment requests, and protected wrappers.

mod common;

use ferrocore_nas::identity::{ImsiSuci, MobileIdentity, ProtectionScheme, SchemeOutput};
use ferrocore_nas::ies::{Snssai, UeSecurityCapability, nssai_ie};
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, Protected, SecurityHeaderType, decode, encode};
use proptest::prelude::*;

fn digits(n: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, n)
        .prop_map(|d| d.into_iter().map(|x| char::from(b'0' + x)).collect())
}

fn suci() -> impl Strategy<Value = MobileIdentity> {
    let plmn = (digits(3..=3), prop_oneof![digits(2..=2), digits(3..=3)]);
    // the IMSI has 15 digits at most: the MSIN has 10 with a 2-digit MNC, 9 with 3
    let plmn_msin = plmn.prop_flat_map(|(mcc, mnc)| {
        let n = 15 - 3 - mnc.len();
        (Just((mcc, mnc)), digits(n..=n))
    });
    let output = prop_oneof![
        Just(()).prop_map(|_| (
            ProtectionScheme::Null,
            0u8,
            SchemeOutput::Msin(String::new())
        )),
        (
            1u8..=254,
            any::<[u8; 32]>(),
            any::<[u8; 5]>(),
            any::<[u8; 8]>()
        )
            .prop_map(|(k, key, ct, tag)| (
                ProtectionScheme::ProfileA,
                k,
                SchemeOutput::Ecies {
                    ephemeral_public_key: key.to_vec(),
                    ciphertext: ct.to_vec(),
                    mac_tag: tag
                }
            )),
        (
            1u8..=254,
            any::<[u8; 32]>(),
            any::<[u8; 5]>(),
            any::<[u8; 8]>()
        )
            .prop_map(|(k, key, ct, tag)| {
                let mut key33 = vec![0x02];
                key33.extend(key);
                (
                    ProtectionScheme::ProfileB,
                    k,
                    SchemeOutput::Ecies {
                        ephemeral_public_key: key33,
                        ciphertext: ct.to_vec(),
                        mac_tag: tag,
                    },
                )
            }),
    ];
    (plmn_msin, digits(1..=4), output).prop_map(
        |(((mcc, mnc), msin), ri, (scheme, key, output))| {
            let output = match output {
                SchemeOutput::Msin(_) => SchemeOutput::Msin(msin),
                other => other,
            };
            MobileIdentity::Suci(ImsiSuci {
                mcc,
                mnc,
                routing_indicator: ri,
                scheme,
                home_network_public_key_id: key,
                output,
            })
        },
    )
}

fn identity() -> impl Strategy<Value = NasFGsMobileIdentity> {
    prop_oneof![
        suci().prop_map(|s| s.to_ie().unwrap()),
        (any::<u8>(), 0u16..1024, 0u8..64, any::<u32>()).prop_map(|(r, s, p, t)| {
            let plmn = Plmn::new("208", "93").unwrap();
            NasFGsMobileIdentity::from_guti(Guti::new(plmn, r, s, p, t).unwrap())
        }),
        (0u16..1024, 0u8..64, any::<u32>()).prop_map(|(s, p, t)| {
            NasFGsMobileIdentity::from_s_tmsi(STmsi::new(s, p, t).unwrap())
        }),
        digits(15..=15).prop_map(|d| NasFGsMobileIdentity::from_imei(&d).unwrap()),
        digits(16..=16).prop_map(|d| NasFGsMobileIdentity::from_imeisv(&d).unwrap()),
    ]
}

fn slices() -> impl Strategy<Value = Vec<Snssai>> {
    proptest::collection::vec(
        (any::<u8>(), proptest::option::of(0u32..=0xffffff))
            .prop_map(|(sst, sd)| Snssai::new(sst, sd)),
        1..8,
    )
}

fn registration_request() -> impl Strategy<Value = NasMessage> {
    (
        identity(),
        1u8..=4,
        any::<bool>(),
        0u8..8,
        proptest::option::of((any::<u8>(), any::<u8>())),
        proptest::option::of(slices()),
        proptest::option::of(proptest::collection::btree_set(1u8..16, 0..4)),
    )
        .prop_map(|(id, kind, follow_on, ksi, seccap, nssai, status)| {
            let reg_type = NasFGsRegistrationType::new(kind | if follow_on { 8 } else { 0 });
            let mut r = NasRegistrationRequest::new(reg_type, NasKeySetIdentifier::new(ksi), id);
            if let Some((ea, ia)) = seccap {
                r = r.with_ue_security_capability(
                    UeSecurityCapability {
                        ea,
                        ia,
                        eea: None,
                        eia: None,
                    }
                    .to_ie(),
                );
            }
            if let Some(n) = nssai {
                r = r.with_requested_nssai(nssai_ie(&n).unwrap());
            }
            if let Some(s) = status {
                let psis: Vec<u8> = s.into_iter().collect();
                r = r.with_pdu_session_status(NasPduSessionStatus::from_sessions(&psis).unwrap());
            }
            NasMessage::mm(r)
        })
}

fn pdu_session_establishment_request() -> impl Strategy<Value = NasMessage> {
    (
        1u8..16,
        0u8..255,
        any::<u16>(),
        proptest::option::of(1u8..=5),
        proptest::option::of(1u8..=3),
    )
        .prop_map(|(psi, pti, rate, kind, ssc)| {
            let mut m = NasPduSessionEstablishmentRequest::new(
                NasIntegrityProtectionMaximumDataRate::new(rate),
            );
            if let Some(k) = kind {
                m = m.with_pdu_session_type(NasPduSessionType::new(k));
            }
            if let Some(s) = ssc {
                m = m.with_ssc_mode(NasSscMode::new(s));
            }
            NasMessage::sm(m, psi, pti)
        })
}

fn protected() -> impl Strategy<Value = NasMessage> {
    prop_oneof![
        (registration_request(), any::<u32>(), any::<u8>()).prop_map(|(m, mac, sn)| {
            NasMessage::Protected(
                Protected::integrity_protected(SecurityHeaderType::IntegrityProtected, mac, sn, m)
                    .unwrap(),
            )
        }),
        (
            prop_oneof![
                Just(SecurityHeaderType::IntegrityProtectedAndCiphered),
                Just(SecurityHeaderType::IntegrityProtectedAndCipheredNewContext)
            ],
            any::<u32>(),
            any::<u8>(),
            proptest::collection::vec(any::<u8>(), 1..64)
        )
            .prop_map(|(t, mac, sn, c)| NasMessage::Protected(
                Protected::ciphered(t, mac, sn, c).unwrap()
            )),
    ]
}

proptest! {
    #[test]
    fn registration_requests_round_trip(m in registration_request()) {
        let bytes = encode(&m).unwrap();
        prop_assert_eq!(decode(&bytes).unwrap(), m);
    }

    #[test]
    fn pdu_session_establishment_requests_round_trip(m in pdu_session_establishment_request()) {
        let bytes = encode(&m).unwrap();
        prop_assert_eq!(decode(&bytes).unwrap(), m);
    }

    #[test]
    fn protected_messages_round_trip(m in protected()) {
        let bytes = encode(&m).unwrap();
        prop_assert_eq!(decode(&bytes).unwrap(), m);
    }

    #[test]
    fn typed_identities_round_trip(id in suci()) {
        prop_assert_eq!(MobileIdentity::parse(&id.to_ie().unwrap()).unwrap(), id);
    }
}

#[test]
fn every_emitted_message_round_trips() {
    for (name, m) in common::build::emitted() {
        let bytes = encode(&m).unwrap();
        assert_eq!(decode(&bytes).unwrap(), m, "{name}");
    }
}
