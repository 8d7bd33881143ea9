//! Bad input from the network: never a panic; an event and an ERROR INDICATION for
//! NGAP, a 5GMM STATUS for NAS.

mod common;

use std::time::Instant;

use common::*;
use ferrocore_nas::types::Nas5gmmMessage;
use ferrocore_ngap::msg::*;
use ferrocore_ngap::{Message, NgapMessage};
use ferrocore_sim::SimEvent;

#[test]
fn garbage_ngap_gives_an_event_and_an_error_indication() {
    let now = Instant::now();
    let mut gnb = ready_gnb(now);
    gnb.handle_ngap(now, 0, &[0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]);
    let ev = events(&mut gnb);
    assert!(
        matches!(&ev[..], [SimEvent::ProtocolError { .. }]),
        "{ev:?}"
    );
    let sent = transmits(&mut gnb);
    assert!(matches!(&sent[..], [(0, Message::ErrorIndication(e))] if e.cause.is_some()));
}

#[test]
fn random_bytes_never_panic() {
    let now = Instant::now();
    let (mut gnb, _, amf) = registering_ue(now, profile());
    let mut seed = 0x1234_5678_u32;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for len in 0..300 {
        let bytes: Vec<u8> = (0..len % 64).map(|_| next() as u8).collect();
        gnb.handle_ngap(now, (len % 3) as u16, &bytes);
        // And as NAS inside a well-formed DOWNLINK NAS TRANSPORT.
        let mut nas = bytes.clone();
        if len % 2 == 0 && !nas.is_empty() {
            nas[0] = 0x7e;
        }
        if !nas.is_empty() {
            amf.downlink(&mut gnb, now, nas);
        }
    }
    while gnb.poll_transmit().is_some() {}
    while gnb.poll_event().is_some() {}
}

#[test]
fn unknown_ran_ue_ngap_id_gives_an_error_indication() {
    let now = Instant::now();
    let mut gnb = ready_gnb(now);
    let m = DownlinkNasTransport {
        amf_ue_ngap_id: 5,
        ran_ue_ngap_id: 999,
        nas_pdu: vec![0x7e, 0x00, 0x56],
    };
    gnb.handle_ngap(now, 1, &m.encode().unwrap());
    assert!(matches!(
        &events(&mut gnb)[..],
        [SimEvent::ProtocolError { .. }]
    ));
    let sent = transmits(&mut gnb);
    let [(_, Message::ErrorIndication(e))] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(e.ran_ue_ngap_id, Some(999));
}

#[test]
fn malformed_nas_gives_5gmm_status() {
    let now = Instant::now();
    let (mut gnb, _, mut amf) = registering_ue(now, profile());
    // AUTHENTICATION REQUEST cut after its message type: mandatory ngKSI and ABBA missing.
    amf.downlink(&mut gnb, now, vec![0x7e, 0x00, 0x56, 0x00]);
    let Nas5gmmMessage::FiveGmmStatus(s) = mm(&amf.uplink(&mut gnb)) else {
        panic!("5GMM STATUS")
    };
    assert!(s.fgmm_cause.value >= 95, "a protocol error cause");
}

#[test]
fn error_indication_is_reported() {
    let now = Instant::now();
    let mut gnb = ready_gnb(now);
    let e = ErrorIndication {
        amf_ue_ngap_id: None,
        ran_ue_ngap_id: None,
        cause: Some(ferrocore_ngap::Cause::protocol(
            ferrocore_ngap::CauseProtocol::semantic_error,
        )),
    };
    gnb.handle_ngap(now, 0, &e.encode().unwrap());
    let ev = events(&mut gnb);
    assert!(matches!(&ev[..], [SimEvent::ErrorIndication { cause }] if cause.contains("semantic")));
    assert!(
        transmits(&mut gnb).is_empty(),
        "no answer to an ERROR INDICATION"
    );
}
