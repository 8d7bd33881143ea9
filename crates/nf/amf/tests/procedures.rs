//! 5GMM and NGAP procedures beyond the first registration: identities, failures,
//! security rules, timers, idle mode, interface management.

mod common;

use std::time::Duration;

use common::*;
use ferrocore_nas::SecurityHeaderType;
use ferrocore_nas::identity::MobileIdentity;
use ferrocore_nas::types::*;
use ferrocore_ngap::msg::*;
use ferrocore_ngap::{Cause, CauseProtocol, CauseRadioNetwork, Message};

const A: &str = "001010000000001";
const B: &str = "001010000000002";

fn registered(imsis: &[&str]) -> (Bench, Vec<Ue>) {
    let mut b = Bench::with_gnb(imsis);
    let mut ues = Vec::new();
    for (i, imsi) in imsis.iter().enumerate() {
        let mut ue = Ue::new(imsi, 100 + i as u32);
        register(&mut b, &mut ue, false);
        ues.push(ue);
    }
    b.sent.clear();
    (b, ues)
}

#[test]
fn deregistration_then_re_registration_with_the_5g_guti() {
    let (mut b, mut ues) = registered(&[A]);
    let ue = &mut ues[0];
    let g = ue.guti.unwrap();
    let d = NasDeregistrationRequestUeOriginating::new(
        NasDeRegistrationType::new(0x01),
        NasKeySetIdentifier::new(ue.sec.as_ref().unwrap().ng_ksi()),
        MobileIdentity::Guti(g).to_ie().unwrap(),
    );
    let nas = ue.mm(d);
    let s = b.ngap(GNB, 1, &ue.uplink(nas));
    let nas = dl_nas(&s, ue);
    assert!(matches!(
        ue.open(&nas),
        Nas5gmmMessage::DeregistrationAcceptUeOriginating(_)
    ));
    let s = b.next().unwrap();
    assert!(
        matches!(s.message, Message::UeContextReleaseCommand(_)),
        "{:?}",
        s.message
    );
    release_complete(&mut b, ue);
    assert_eq!(b.amf.registered_ues(), 0);
    assert_eq!(b.counter("amf_dereg_ue_init_total"), 1);
    // The UE comes back with its 5G-GUTI, integrity protected: no new authentication.
    ue.ran_ue_id = 200;
    let auth_before = b.counter("amf_amf_auth_req_total");
    let ics = register(&mut b, ue, true);
    assert_eq!(b.counter("amf_amf_auth_req_total"), auth_before);
    assert_eq!(ics.ran_ue_ngap_id, 200);
    assert_eq!(b.amf.registered_ues(), 1);
    assert_eq!(b.counter("amf_rm_reg_init_succ_total"), 2);
}

#[test]
fn unknown_5g_guti_gets_an_identity_request() {
    let mut b = Bench::with_gnb(&[A]);
    let mut ue = Ue::new(A, 5);
    // A 5G-GUTI of this AMF's set that it never allocated.
    let plmn = Plmn::new("001", "01").unwrap();
    ue.guti = Some(Guti::new(plmn, 2, 1, 0, 0xdead_beef).unwrap());
    let nas = ue.registration_request(RegistrationType::InitialRegistration, true);
    let s = b.ngap(GNB, 0, &ue.initial_ue_message(nas));
    let nas = dl_nas(&s, &mut ue);
    let Nas5gmmMessage::IdentityRequest(r) = ue.open(&nas) else {
        panic!("expected IDENTITY REQUEST");
    };
    assert_eq!(r.identity_type.value & 0x07, 1, "SUCI");
    assert_eq!(b.counter("amf_identity_req_total"), 1);
    // Then the whole registration goes on with the SUCI.
    ue.guti = None;
    let r = NasIdentityResponse::new(ue.suci_ie());
    let nas = ue.mm(r);
    let s = b.ngap(GNB, 1, &ue.uplink(nas));
    let nas = dl_nas(&s, &mut ue);
    assert!(matches!(
        ue.open(&nas),
        Nas5gmmMessage::AuthenticationRequest(_)
    ));
}

#[test]
fn mac_failure_gets_authentication_reject_and_another_ue_is_unaffected() {
    let mut b = Bench::with_gnb(&[A, B]);
    let mut bad = Ue::with_k(A, 1, [0x11; 16]);
    let nas = bad.registration_request(RegistrationType::InitialRegistration, false);
    let s = b.ngap(GNB, 0, &bad.initial_ue_message(nas));
    let nas = dl_nas(&s, &mut bad);
    let Nas5gmmMessage::AuthenticationRequest(req) = bad.open(&nas) else {
        panic!("expected AUTHENTICATION REQUEST");
    };
    assert!(matches!(
        bad.answer_authentication(&req),
        Err(Refusal::MacFailure)
    ));
    // Meanwhile another UE registers.
    let mut good = Ue::new(B, 2);
    register(&mut b, &mut good, false);
    b.sent.clear();
    let f = NasAuthenticationFailure::new(NasFGmmCause::new(20));
    let nas = bad.mm(f);
    let s = b.ngap(GNB, 1, &bad.uplink(nas));
    let nas = dl_nas(&s, &mut bad);
    assert!(matches!(
        bad.open(&nas),
        Nas5gmmMessage::AuthenticationReject(_)
    ));
    let s = b.next().unwrap();
    assert!(matches!(s.message, Message::UeContextReleaseCommand(_)));
    assert_eq!(b.counter("amf_amf_auth_reject_total"), 1);
    assert_eq!(
        b.counter("amf_rm_reg_init_fail_total{cause=\"mac_failure\"}"),
        1
    );
    assert_eq!(b.amf.registered_ues(), 1);
    assert!(b.amf.ue_by_supi(&good.supi()).unwrap().registered());
}

#[test]
fn corrupted_mac_outside_the_exemption_list_is_dropped() {
    let (mut b, mut ues) = registered(&[A]);
    let ue = &mut ues[0];
    let mut nas = ue.mm(NasConfigurationUpdateComplete::new());
    nas[3] ^= 0xff;
    b.send(GNB, 1, &ue.uplink(nas));
    assert!(
        b.next().is_none(),
        "nothing answers a message that fails integrity"
    );
    assert_eq!(b.counter("amf_nas_integrity_fail_total"), 1);
    assert_eq!(
        b.counter("amf_nas_dropped_total{reason=\"integrity_check_failed\"}"),
        1
    );
    assert_eq!(b.amf.registered_ues(), 1);
}

#[test]
fn corrupted_mac_on_a_registration_request_means_new_authentication() {
    let (mut b, mut ues) = registered(&[A]);
    let ue = &mut ues[0];
    an_release(&mut b, ue);
    ue.ran_ue_id = 300;
    let plain = ue.registration_request(RegistrationType::MobilityRegistrationUpdating, true);
    let mut nas = ue.protect(&plain, SecurityHeaderType::IntegrityProtected);
    nas[2] ^= 0x01;
    let s = b.ngap(GNB, 0, &ue.initial_ue_message(nas));
    let nas = dl_nas(&s, ue);
    assert!(matches!(
        ue.open_plain(&nas),
        Nas5gmmMessage::AuthenticationRequest(_)
    ));
    assert_eq!(b.counter("amf_nas_integrity_fail_total"), 1);
    assert_eq!(b.counter("amf_amf_auth_req_total"), 2);
}

#[test]
fn replayed_nas_count_is_dropped() {
    let (mut b, mut ues) = registered(&[A]);
    let ue = &mut ues[0];
    let t = b.amf.reallocate_guti(b.now, &ue.supi()).unwrap();
    b.pump();
    b.pump();
    assert!(matches!(
        next_downlink(&mut b, ue),
        Nas5gmmMessage::ConfigurationUpdateCommand(_)
    ));
    let nas = ue.mm(NasConfigurationUpdateComplete::new());
    b.send(GNB, 1, &ue.uplink(nas.clone()));
    assert_eq!(b.counter("amf_mm_conf_update_succ_total"), 1);
    assert_eq!(b.amf.ue_by_supi(&ue.supi()).unwrap().tmsi, Some(t));
    b.send(GNB, 1, &ue.uplink(nas));
    assert!(b.next().is_none());
    assert_eq!(b.counter("amf_nas_replay_total"), 1);
    assert_eq!(b.counter("amf_mm_conf_update_succ_total"), 1);
}

#[test]
fn unknown_amf_ue_ngap_id_gets_an_error_indication() {
    let mut b = Bench::with_gnb(&[]);
    let m = UplinkNasTransport {
        amf_ue_ngap_id: 4242,
        ran_ue_ngap_id: 9,
        nas_pdu: vec![0x7e, 0x00, 0x43],
        location: location(),
    };
    let s = b.ngap(GNB, 1, &m);
    let Message::ErrorIndication(e) = s.message else {
        panic!("{:?}", s.message)
    };
    assert_eq!(e.amf_ue_ngap_id, Some(4242));
    assert_eq!(e.ran_ue_ngap_id, Some(9));
    assert_eq!(
        e.cause,
        Some(Cause::radioNetwork(
            CauseRadioNetwork::unknown_local_UE_NGAP_ID
        ))
    );
    assert_eq!(
        b.counter("amf_ngap_error_indication_sent_total{cause=\"unknown_local_ue_ngap_id\"}"),
        1
    );
}

#[test]
fn garbage_gets_an_error_indication_and_harms_no_other_ue() {
    let (mut b, mut ues) = registered(&[A]);
    for junk in [
        vec![],
        vec![0xff; 3],
        vec![0x00, 0x0f, 0x40, 0x02, 0x00],
        (0..200u8).collect(),
    ] {
        b.raw(GNB, 0, junk);
        let s = b.next().expect("an ERROR INDICATION");
        let Message::ErrorIndication(e) = s.message else {
            panic!("{:?}", s.message)
        };
        assert!(e.cause.is_some());
        assert_eq!(e.amf_ue_ngap_id, None);
    }
    // Garbage NAS inside a valid NGAP message for the UE: a 5GMM STATUS or a drop.
    let ue = &mut ues[0];
    b.send(GNB, 1, &ue.uplink(vec![0x7e, 0x00, 0xee]));
    b.sent.clear();
    assert_eq!(
        b.counter("amf_ngap_error_indication_sent_total{cause=\"transfer_syntax_error\"}"),
        4
    );
    // The UE is still registered and reachable.
    assert!(b.amf.ue_by_supi(&ue.supi()).unwrap().registered());
    b.amf.reallocate_guti(b.now, &ue.supi()).unwrap();
    b.pump();
    assert!(matches!(
        next_downlink(&mut b, ue),
        Nas5gmmMessage::ConfigurationUpdateCommand(_)
    ));
}

#[test]
fn t3560_retransmits_then_aborts() {
    let mut b = Bench::with_gnb(&[A]);
    let mut ue = Ue::new(A, 1);
    let nas = ue.registration_request(RegistrationType::InitialRegistration, false);
    let s = b.ngap(GNB, 0, &ue.initial_ue_message(nas));
    let first = dl_nas(&s, &mut ue);
    for _ in 0..4 {
        b.advance(Duration::from_secs(6));
        let s = b.next().expect("a retransmission");
        assert_eq!(dl_nas(&s, &mut ue), first);
    }
    b.advance(Duration::from_secs(6));
    let s = b.next().unwrap();
    assert!(
        matches!(s.message, Message::UeContextReleaseCommand(_)),
        "{:?}",
        s.message
    );
    assert_eq!(
        b.counter("amf_rm_reg_init_fail_total{cause=\"t3560_expiry\"}"),
        1
    );
    assert!(b.amf.poll_timeout().is_none());
}

#[test]
fn an_release_then_periodic_registration_from_idle() {
    let (mut b, mut ues) = registered(&[A]);
    let ue = &mut ues[0];
    an_release(&mut b, ue);
    let ctx = b.amf.ue_by_supi(&ue.supi()).unwrap();
    assert!(ctx.ran.is_none(), "CM-IDLE");
    assert!(ctx.registered());
    ue.ran_ue_id = 400;
    let plain = ue.registration_request(RegistrationType::PeriodicRegistrationUpdating, true);
    let count = ue.sec.as_ref().unwrap().uplink_count();
    let nas = ue.protect(&plain, SecurityHeaderType::IntegrityProtected);
    let s = b.ngap(GNB, 0, &ue.initial_ue_message(nas));
    let Message::InitialContextSetupRequest(ics) = s.message else {
        panic!("{:?}", s.message)
    };
    // KgNB bound to the REGISTRATION REQUEST's uplink COUNT.
    assert_eq!(
        &ics.security_key,
        ue.sec.as_ref().unwrap().kgnb(count).as_bytes()
    );
    let Nas5gmmMessage::RegistrationAccept(acc) = ue.open(ics.nas_pdu.as_ref().unwrap()) else {
        panic!("expected REGISTRATION ACCEPT");
    };
    assert!(acc.fg_guti.is_none(), "periodic updating keeps the 5G-GUTI");
    assert_eq!(b.counter("amf_rm_reg_period_succ_total"), 1);
    assert_eq!(b.counter("amf_amf_auth_req_total"), 1);
}

#[test]
fn mobile_reachable_expiry_means_implicit_deregistration() {
    let (mut b, mut ues) = registered(&[A]);
    an_release(&mut b, &mut ues[0]);
    // The UE was sent T3512 = 60 min (3240 s rounded up to what GPRS timer 3 carries):
    // not before that plus 4 minutes is it unreachable (TS 24.501 §5.3.7).
    b.advance(Duration::from_secs(3600 + 239));
    assert_eq!(b.counter("amf_dereg_implicit_total"), 0);
    b.advance(Duration::from_secs(1));
    assert_eq!(
        b.amf.registered_ues(),
        1,
        "implicit de-registration timer runs"
    );
    b.advance(Duration::from_secs(240));
    assert_eq!(b.amf.registered_ues(), 0);
    assert_eq!(b.counter("amf_dereg_implicit_total"), 1);
}

#[test]
fn ng_reset_drops_the_ng_connections_and_keeps_registrations() {
    let (mut b, ues) = registered(&[A, B]);
    let reset = NgReset {
        cause: Cause::radioNetwork(CauseRadioNetwork::unspecified),
        reset: ResetType::Partial(vec![UeConnection {
            amf_ue_ngap_id: ues[0].amf_ue_id,
            ran_ue_ngap_id: None,
        }]),
    };
    let s = b.ngap(GNB, 0, &reset);
    let Message::NgResetAcknowledge(ack) = s.message else {
        panic!("{:?}", s.message)
    };
    assert_eq!(ack.connections.len(), 1);
    assert!(b.amf.ue_by_amf_ue_id(ues[0].amf_ue_id.unwrap()).is_none());
    assert!(b.amf.ue_by_amf_ue_id(ues[1].amf_ue_id.unwrap()).is_some());
    let all = NgReset {
        cause: Cause::radioNetwork(CauseRadioNetwork::unspecified),
        reset: ResetType::All,
    };
    let s = b.ngap(GNB, 0, &all);
    assert!(matches!(s.message, Message::NgResetAcknowledge(_)));
    assert!(b.amf.ue_by_amf_ue_id(ues[1].amf_ue_id.unwrap()).is_none());
    assert_eq!(b.amf.registered_ues(), 2);
}

#[test]
fn radio_capabilities_are_stored_once_per_content() {
    let (mut b, ues) = registered(&[A, B]);
    let cap = vec![0x5a; 600];
    for ue in &ues {
        b.send(
            GNB,
            1,
            &UeRadioCapabilityInfoIndication {
                amf_ue_ngap_id: ue.amf_ue_id.unwrap(),
                ran_ue_ngap_id: ue.ran_ue_id,
                radio_capability: cap.clone(),
            },
        );
    }
    assert_eq!(b.amf.stored_radio_capabilities(), 1);
    let a = b
        .amf
        .ue_by_supi(&ues[0].supi())
        .unwrap()
        .radio_capability
        .clone()
        .unwrap();
    let c = b
        .amf
        .ue_by_supi(&ues[1].supi())
        .unwrap()
        .radio_capability
        .clone()
        .unwrap();
    assert!(std::sync::Arc::ptr_eq(&a, &c));
    drop((a, c));
    b.send(
        GNB,
        1,
        &UeRadioCapabilityInfoIndication {
            amf_ue_ngap_id: ues[1].amf_ue_id.unwrap(),
            ran_ue_ngap_id: ues[1].ran_ue_id,
            radio_capability: vec![0x33; 10],
        },
    );
    assert_eq!(b.amf.stored_radio_capabilities(), 2);
    assert!(b.next().is_none());
}

#[test]
fn network_initiated_deregistration() {
    let (mut b, mut ues) = registered(&[A]);
    let ue = &mut ues[0];
    b.amf.deregister(b.now, &ue.supi()).unwrap();
    b.pump();
    assert!(matches!(
        next_downlink(&mut b, ue),
        Nas5gmmMessage::DeregistrationRequestUeTerminated(_)
    ));
    let nas = ue.mm(NasDeregistrationAcceptUeTerminated::new());
    let s = b.ngap(GNB, 1, &ue.uplink(nas));
    assert!(matches!(s.message, Message::UeContextReleaseCommand(_)));
    assert_eq!(b.amf.registered_ues(), 0);
    assert_eq!(b.counter("amf_dereg_nw_init_total"), 1);
}

#[test]
fn messages_before_ng_setup_are_refused() {
    let mut b = Bench::new(ferrocore_amf::AmfConfig::default());
    b.up(GNB);
    let ue = Ue::new(A, 1);
    let s = b.ngap(GNB, 0, &ue.initial_ue_message(vec![0x7e, 0x00, 0x41]));
    let Message::ErrorIndication(e) = s.message else {
        panic!("{:?}", s.message)
    };
    assert_eq!(
        e.cause,
        Some(Cause::protocol(
            CauseProtocol::message_not_compatible_with_receiver_state
        ))
    );
}

#[test]
fn stale_sbi_replies_are_ignored() {
    let mut b = Bench::with_gnb(&[A]);
    b.hold_sbi = true;
    let mut ue = Ue::new(A, 1);
    let nas = ue.registration_request(RegistrationType::InitialRegistration, false);
    b.send(GNB, 0, &ue.initial_ue_message(nas));
    assert_eq!(b.held.len(), 1);
    // The gNB loses the UE before the AUSF answers.
    b.event(ferrocore_amf::Event::AssociationDown { assoc: GNB });
    let (txn, req) = b.held.pop().unwrap();
    let reply = b.home.answer(req);
    b.amf
        .handle_event(b.now, ferrocore_amf::Event::SbiReply { txn, reply });
    assert!(b.amf.poll_action().is_none());
    assert_eq!(b.amf.ue_contexts(), 0);
}
