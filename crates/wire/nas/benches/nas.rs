//! Decode and encode of a realistic REGISTRATION REQUEST (TS 24.501 §8.2.6): SUCI with
//! ECIES profile A, 5GMM capability, UE security capability, requested NSSAI of three
//! slices, UL data / PDU session status, and a NAS message container holding the
//! registration request again (as a phone does in its initial message).

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use ferrocore_nas::identity::{ImsiSuci, MobileIdentity, ProtectionScheme, SchemeOutput};
use ferrocore_nas::ies::{Snssai, UeSecurityCapability, nssai_ie};
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, Protected, SecurityHeaderType, decode, encode};

fn registration_request() -> NasMessage {
    let suci = MobileIdentity::Suci(ImsiSuci {
        mcc: "001".into(),
        mnc: "01".into(),
        routing_indicator: "0".into(),
        scheme: ProtectionScheme::ProfileA,
        home_network_public_key_id: 1,
        output: SchemeOutput::Ecies {
            ephemeral_public_key: (1..=32).collect(),
            ciphertext: vec![0x11, 0x22, 0x33, 0x44, 0x55],
            mac_tag: [1, 2, 3, 4, 5, 6, 7, 8],
        },
    })
    .to_ie()
    .unwrap();
    let base = || {
        NasRegistrationRequest::new(
            NasFGsRegistrationType::new(0x09),
            NasKeySetIdentifier::new(7),
            suci.clone(),
        )
        .with_fgmm_capability(NasFGmmCapability::new(vec![0x07, 0x00]))
        .with_ue_security_capability(
            UeSecurityCapability {
                ea: 0xf0,
                ia: 0x70,
                eea: Some(0xf0),
                eia: Some(0x70),
            }
            .to_ie(),
        )
        .with_requested_nssai(
            nssai_ie(&[
                Snssai::new(1, None),
                Snssai::new(1, Some(0x000001)),
                Snssai::new(2, Some(0xffffff)),
            ])
            .unwrap(),
        )
        .with_uplink_data_status(NasUplinkDataStatus::new(vec![0x20, 0x00]))
        .with_pdu_session_status(NasPduSessionStatus::new(vec![0x20, 0x00]))
    };
    let inner = encode(&NasMessage::mm(base())).unwrap();
    NasMessage::mm(base().with_nas_message_container(NasMessageContainer::new(inner)))
}

fn bench(c: &mut Criterion) {
    let msg = registration_request();
    let bytes = encode(&msg).unwrap();
    let protected = encode(&NasMessage::Protected(
        Protected::integrity_protected(SecurityHeaderType::IntegrityProtected, 1, 2, msg.clone())
            .unwrap(),
    ))
    .unwrap();
    let mut g = c.benchmark_group(format!("registration_request_{}B", bytes.len()));
    g.bench_function("decode", |b| b.iter(|| decode(black_box(&bytes)).unwrap()));
    g.bench_function("encode", |b| b.iter(|| encode(black_box(&msg)).unwrap()));
    g.bench_function("decode_integrity_protected", |b| {
        b.iter(|| decode(black_box(&protected)).unwrap())
    });
    g.bench_function("describe", |b| {
        b.iter(|| ferrocore_nas::describe(black_box(&bytes)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
