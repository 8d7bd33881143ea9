//! Whole conversations between the simulator and a scripted AMF (tests/common).

mod common;

use std::time::Instant;

use common::*;
use ferrocore_crypto::auth;
use ferrocore_nas::identity::MobileIdentity;
use ferrocore_nas::ies::{self, nas_message_container};
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, SecurityHeaderType};
use ferrocore_ngap::msg::*;
use ferrocore_ngap::{Message, NgapMessage, RrcEstablishmentCause};
use ferrocore_sim::{FailureReason, Gnb, SimEvent, UeState};

#[test]
fn ng_setup_request_carries_the_configuration() {
    let now = Instant::now();
    let mut gnb = Gnb::new(gnb_config());
    gnb.start(now);
    let sent = transmits(&mut gnb);
    let [(0, Message::NgSetupRequest(req))] = &sent[..] else {
        panic!("one NG SETUP REQUEST on stream 0: {sent:?}")
    };
    assert_eq!(req.gnb.id, 0x000102);
    assert_eq!(req.gnb.bits, 22);
    assert_eq!(req.ran_node_name.as_deref(), Some("ferrocore-sim"));
    assert_eq!(req.supported_tas.len(), 1);
    assert_eq!(req.supported_tas[0].tac, [0, 0, 1]);
    let plmns = &req.supported_tas[0].plmns;
    assert_eq!(plmns[0].plmn.mcc_mnc(), Some(("001".into(), "01".into())));
    assert_eq!(plmns[0].slices.len(), 2);
    assert_eq!(plmns[0].slices[1].sd, Some([1, 2, 3]));
    assert_eq!(req.paging_drx, ferrocore_ngap::PagingDrx::v128);
}

#[test]
fn ng_setup_failure_is_reported() {
    let now = Instant::now();
    let mut gnb = Gnb::new(gnb_config());
    gnb.start(now);
    transmits(&mut gnb);
    let f = NgSetupFailure {
        cause: ferrocore_ngap::Cause::misc(ferrocore_ngap::CauseMisc::unknown_PLMN_or_SNPN),
    };
    gnb.handle_ngap(now, 0, &f.encode().unwrap());
    let ev = events(&mut gnb);
    assert!(
        matches!(&ev[..], [SimEvent::NgSetupFailed { cause }] if cause.contains("unknown_PLMN"))
    );
}

#[test]
fn full_registration_with_a_scripted_amf() {
    let now = Instant::now();
    let mut gnb = ready_gnb(now);
    let ue = gnb.add_ue(profile());
    let mut amf = TestAmf::new();

    // Initial UE Message: cleartext IEs only, SUCI, no requested NSSAI yet (§4.4.6).
    gnb.register(now, ue);
    let init = amf.initial(&mut gnb);
    assert_eq!(
        init.rrc_establishment_cause,
        RrcEstablishmentCause::mo_Signalling
    );
    assert_eq!(init.five_g_s_tmsi, None);
    assert_eq!(init.location.cgi.cell_id, 0x000102001);
    assert_eq!(init.location.tai.tac, [0, 0, 1]);
    let Nas5gmmMessage::RegistrationRequest(req) = mm(&init.nas_pdu) else {
        panic!("REGISTRATION REQUEST")
    };
    assert_eq!(req.ngksi.value, 7, "no key available");
    assert!(req.requested_nssai.is_none(), "non-cleartext IE held back");
    let MobileIdentity::Suci(suci) = MobileIdentity::parse(&req.fgs_mobile_identity).unwrap()
    else {
        panic!("SUCI")
    };
    assert_eq!(suci.imsi().as_deref(), Some(IMSI));
    let cap = ies::UeSecurityCapability::parse(req.ue_security_capability.as_ref().unwrap());
    assert_eq!((cap.ea, cap.ia), (0xf0, 0xf0));

    // 5G AKA: the UE's RES* equals XRES*.
    let Nas5gmmMessage::AuthenticationResponse(rsp) = mm(&amf.run_authentication(&mut gnb, now))
    else {
        panic!("AUTHENTICATION RESPONSE")
    };
    let res_star = rsp.authentication_response_parameter.unwrap().value;
    assert_eq!(res_star.as_slice(), amf.av.as_ref().unwrap().xres_star);
    assert_eq!(gnb.ue(ue).sqn(), amf.sqn);

    // Security mode: the MAC of the complete verifies with the network's context.
    let reply = amf.run_security_mode(&mut gnb, now, (0xf0, 0xf0));
    let (header, complete) = amf.open(&reply);
    assert_eq!(
        header,
        SecurityHeaderType::IntegrityProtectedAndCipheredNewContext
    );
    let NasMessage::Mm(Nas5gmmMessage::SecurityModeComplete(complete)) = complete else {
        panic!("SECURITY MODE COMPLETE")
    };
    let imeisv = MobileIdentity::parse(complete.imeisv.as_ref().unwrap()).unwrap();
    assert_eq!(imeisv, MobileIdentity::Imeisv(profile().imeisv));
    let inner = nas_message_container(complete.nas_message_container.as_ref().unwrap()).unwrap();
    let NasMessage::Mm(Nas5gmmMessage::RegistrationRequest(full)) = inner else {
        panic!("the whole REGISTRATION REQUEST in the container")
    };
    assert_eq!(full.fgs_mobile_identity, req.fgs_mobile_identity);
    let nssai = ies::nssai(full.requested_nssai.as_ref().unwrap()).unwrap();
    assert_eq!(nssai, vec![ies::Snssai::new(1, None)]);

    // Registration Accept in the Initial Context Setup Request.
    let accept = amf.registration_accept(0x1234);
    amf.initial_context_setup(&mut gnb, now, accept);
    let sent = transmits(&mut gnb);
    let names: Vec<_> = sent.iter().map(|(_, m)| m.name()).collect();
    assert_eq!(
        names,
        [
            "InitialContextSetupResponse",
            "UplinkNASTransport",
            "UERadioCapabilityInfoIndication"
        ]
    );
    let Message::InitialContextSetupResponse(ics) = &sent[0].1 else {
        unreachable!()
    };
    assert_eq!(
        (ics.amf_ue_ngap_id, ics.ran_ue_ngap_id),
        (AMF_UE_NGAP_ID, amf.ran_id)
    );
    assert!(ics.setup.is_empty());
    let Message::UplinkNasTransport(ul) = &sent[1].1 else {
        unreachable!()
    };
    let (header, done) = amf.open(&ul.nas_pdu);
    assert_eq!(header, SecurityHeaderType::IntegrityProtectedAndCiphered);
    assert!(matches!(
        done,
        NasMessage::Mm(Nas5gmmMessage::RegistrationComplete(_))
    ));
    let Message::UeRadioCapabilityInfoIndication(cap) = &sent[2].1 else {
        unreachable!()
    };
    assert!(!cap.radio_capability.is_empty());
    assert!(sent.iter().all(|(s, _)| *s != 0));

    assert_eq!(events(&mut gnb), vec![SimEvent::Registered { ue, at: now }]);
    let u = gnb.ue(ue);
    assert_eq!(u.state(), UeState::Registered);
    assert_eq!(u.guti(), Some(guti(0x1234)));
    assert_eq!(u.allowed_nssai(), &[(1, None)]);
    assert_eq!(u.tai_list().len(), 1);
    assert_eq!(u.t3512().map(|d| d.as_secs()), Some(3600));
    let ctx = u.security_context().unwrap();
    assert_eq!(ctx.kamf(), amf.ctx.as_ref().unwrap().kamf());
    assert_eq!(gnb.poll_timeout(), None, "no UE timer left running");
}

#[test]
fn deregistration_then_registration_with_the_guti() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = registered_ue(now);

    // Normal de-registration on the existing connection, ciphered.
    let (header, req) = amf.ue_deregisters(&mut gnb, now, ue, false);
    assert_eq!(header, SecurityHeaderType::IntegrityProtectedAndCiphered);
    assert!(!req.de_registration_type.switch_off());
    assert_eq!(
        MobileIdentity::parse(&req.fgs_mobile_identity).unwrap(),
        MobileIdentity::Guti(guti(0x1234))
    );
    assert!(gnb.poll_timeout().is_some(), "T3521 runs");
    let accept = amf.protect(NasDeregistrationAcceptUeOriginating::new());
    amf.downlink(&mut gnb, now, accept);
    assert_eq!(events(&mut gnb), vec![SimEvent::Deregistered { ue }]);
    amf.release(&mut gnb, now);
    let sent = transmits(&mut gnb);
    assert!(
        matches!(&sent[..], [(_, Message::UeContextReleaseComplete(c))]
        if c.ran_ue_ngap_id == amf.ran_id && c.amf_ue_ngap_id == AMF_UE_NGAP_ID)
    );

    // Registration again: 5G-GUTI, 5G-S-TMSI, integrity protected with the kept context,
    // the whole message ciphered in the NAS message container (§4.4.6).
    let later = later(now, 60);
    gnb.register(later, ue);
    let old_ran = amf.ran_id;
    let init = amf.initial(&mut gnb);
    assert_ne!(init.ran_ue_ngap_id, old_ran);
    let s_tmsi = init.five_g_s_tmsi.expect("5G-S-TMSI");
    assert_eq!(
        (s_tmsi.set_id, s_tmsi.pointer, s_tmsi.tmsi),
        (0x3fe, 1, 0x1234)
    );
    let ctx = amf.ctx.as_mut().unwrap();
    let count = ctx.uplink_count().value();
    let (header, clear) = amf.open(&init.nas_pdu);
    assert_eq!(header, SecurityHeaderType::IntegrityProtected);
    let NasMessage::Mm(Nas5gmmMessage::RegistrationRequest(clear)) = clear else {
        panic!("REGISTRATION REQUEST")
    };
    assert_eq!(clear.ngksi.value, 0);
    assert!(clear.requested_nssai.is_none());
    let mut container = clear.nas_message_container.unwrap().value.to_vec();
    let ctx = amf.ctx.as_ref().unwrap();
    ctx.nea().apply(
        ctx.knas_enc(),
        count,
        ferrocore_nas_security::BEARER_3GPP,
        1 - 1, // uplink
        &mut container,
    );
    let Nas5gmmMessage::RegistrationRequest(full) = mm(&container) else {
        panic!("the whole REGISTRATION REQUEST")
    };
    assert!(full.requested_nssai.is_some());

    // The AMF takes the context as it is: Registration Accept with a new GUTI.
    let accept = amf.registration_accept(0x5678);
    amf.downlink(&mut gnb, later, accept);
    let done = amf.uplink(&mut gnb);
    assert!(matches!(
        amf.open(&done).1,
        NasMessage::Mm(Nas5gmmMessage::RegistrationComplete(_))
    ));
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::Registered { ue, at: later }]
    );
    assert_eq!(gnb.ue(ue).guti(), Some(guti(0x5678)));

    // Configuration update with a new GUTI, acknowledged.
    let cuc = NasConfigurationUpdateCommand::new()
        .with_configuration_update_indication(NasConfigurationUpdateIndication::from_flags(
            true, false,
        ))
        .with_fg_guti(NasFGsMobileIdentity::from_guti(guti(0x9abc)));
    assert!(matches!(
        amf.exchange_protected(&mut gnb, later, cuc),
        NasMessage::Mm(Nas5gmmMessage::ConfigurationUpdateComplete(_))
    ));
    assert_eq!(gnb.ue(ue).guti(), Some(guti(0x9abc)));

    // Network-initiated de-registration.
    let dereg = NasDeregistrationRequestUeTerminated::new(NasDeRegistrationType::new(0x01));
    assert!(matches!(
        amf.exchange_protected(&mut gnb, later, dereg),
        NasMessage::Mm(Nas5gmmMessage::DeregistrationAcceptUeTerminated(_))
    ));
    assert_eq!(events(&mut gnb), vec![SimEvent::Deregistered { ue }]);
    assert_eq!(gnb.ue(ue).state(), UeState::Deregistered);
}

#[test]
fn switch_off_needs_no_accept() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = registered_ue(now);
    let (_, req) = amf.ue_deregisters(&mut gnb, now, ue, true);
    assert!(req.de_registration_type.switch_off());
    assert_eq!(events(&mut gnb), vec![SimEvent::Deregistered { ue }]);
    assert_eq!(gnb.poll_timeout(), None);
}

#[test]
fn wrong_k_gives_mac_failure_20() {
    let now = Instant::now();
    let mut p = profile();
    p.k[0] ^= 0xff;
    let (mut gnb, ue, mut amf) = registering_ue(now, p);
    let Nas5gmmMessage::AuthenticationFailure(f) = mm(&amf.run_authentication(&mut gnb, now))
    else {
        panic!("AUTHENTICATION FAILURE")
    };
    assert_eq!(f.fgmm_cause.value, 20);
    assert!(f.authentication_failure_parameter.is_none());
    assert!(events(&mut gnb).is_empty());
    // No answer from the network: T3520 ends the attempt.
    let t = gnb.poll_timeout().expect("T3520");
    gnb.handle_timeout(t);
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::RegistrationFailed {
            ue,
            reason: FailureReason::AuthenticationFailed { cause: 20 }
        }]
    );
    let sent = transmits(&mut gnb);
    assert!(matches!(
        &sent[..],
        [(_, Message::UeContextReleaseRequest(_))]
    ));
}

#[test]
fn authentication_reject_fails_the_registration() {
    let now = Instant::now();
    let (mut gnb, ue, amf) = registering_ue(now, profile());
    amf.downlink(
        &mut gnb,
        now,
        TestAmf::plain(NasAuthenticationReject::new()),
    );
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::RegistrationFailed {
            ue,
            reason: FailureReason::AuthenticationRejected
        }]
    );
}

#[test]
fn stale_sqn_gives_synch_failure_21_with_auts_the_network_accepts() {
    let now = Instant::now();
    let mut p = profile();
    p.sqn = 0x1000;
    let (mut gnb, ue, mut amf) = registering_ue(now, p);
    let challenge = amf.authentication_request(0x800);
    let rand = amf.av.as_ref().unwrap().rand;
    amf.downlink(&mut gnb, now, challenge);
    let Nas5gmmMessage::AuthenticationFailure(f) = mm(&amf.uplink(&mut gnb)) else {
        panic!("AUTHENTICATION FAILURE")
    };
    assert_eq!(f.fgmm_cause.value, 21);
    let auts: [u8; 14] = f
        .authentication_failure_parameter
        .unwrap()
        .value
        .as_slice()
        .try_into()
        .unwrap();
    let sqn_ms = auth::resync_sqn(&amf.milenage, &rand, &auts).expect("MAC-S verifies");
    assert_eq!(sqn_ms, sqn_bytes(0x1000));
    // The network re-synchronises and challenges again with a fresh SQN.
    let challenge = amf.authentication_request(0x1001);
    amf.downlink(&mut gnb, now, challenge);
    assert!(matches!(
        mm(&amf.uplink(&mut gnb)),
        Nas5gmmMessage::AuthenticationResponse(_)
    ));
    assert_eq!(gnb.ue(ue).sqn(), 0x1001);
}

#[test]
fn mismatching_replayed_capabilities_give_security_mode_reject_23() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = registering_ue(now, profile());
    amf.run_authentication(&mut gnb, now);
    let Nas5gmmMessage::SecurityModeReject(r) =
        mm(&amf.run_security_mode(&mut gnb, now, (0xe0, 0x70)))
    else {
        panic!("SECURITY MODE REJECT in clear")
    };
    assert_eq!(r.fgmm_cause.value, 23);
    assert!(gnb.ue(ue).security_context().is_none());
}

#[test]
fn smc_with_a_bad_mac_gives_security_mode_reject_24() {
    let now = Instant::now();
    let (mut gnb, _, mut amf) = registering_ue(now, profile());
    amf.run_authentication(&mut gnb, now);
    let mut smc = amf.security_mode_command((0xf0, 0xf0));
    smc[3] ^= 0x01;
    amf.downlink(&mut gnb, now, smc);
    let Nas5gmmMessage::SecurityModeReject(r) = mm(&amf.uplink(&mut gnb)) else {
        panic!("SECURITY MODE REJECT")
    };
    assert_eq!(r.fgmm_cause.value, 24);
}

#[test]
fn registration_reject_is_reported() {
    let now = Instant::now();
    let (mut gnb, ue, amf) = registering_ue(now, profile());
    let reject = NasRegistrationReject::new(NasFGmmCause::new(7));
    amf.downlink(&mut gnb, now, TestAmf::plain(reject));
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::RegistrationFailed {
            ue,
            reason: FailureReason::Rejected { cause: 7 }
        }]
    );
}

#[test]
fn unprotected_registration_accept_is_discarded() {
    let now = Instant::now();
    let (mut gnb, ue, amf) = registering_ue(now, profile());
    let accept = NasRegistrationAccept::new(NasFGsRegistrationResult::from_result(
        RegistrationResult::ThreeGppAccess,
    ));
    amf.downlink(&mut gnb, now, TestAmf::plain(accept));
    assert!(events(&mut gnb).is_empty());
    assert_eq!(gnb.ue(ue).state(), UeState::RegisteredInitiated);
}

#[test]
fn t3510_retries_are_bounded() {
    let now = Instant::now();
    let mut gnb = ready_gnb(now);
    let ue = gnb.add_ue(profile());
    gnb.register(now, ue);
    let mut initials = 0;
    let mut t = now;
    for _ in 0..20 {
        initials += transmits(&mut gnb)
            .iter()
            .filter(|(_, m)| matches!(m, Message::InitialUeMessage(_)))
            .count();
        let Some(next) = gnb.poll_timeout() else {
            break;
        };
        t = next;
        gnb.handle_timeout(t);
    }
    assert_eq!(initials, 5);
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::RegistrationFailed {
            ue,
            reason: FailureReason::Timeout
        }]
    );
    assert!(t > now);
}

#[test]
fn initial_messages_wait_for_ng_setup() {
    let now = Instant::now();
    let mut gnb = Gnb::new(gnb_config());
    let ue = gnb.add_ue(profile());
    gnb.start(now);
    gnb.register(now, ue);
    assert_eq!(transmits(&mut gnb).len(), 1, "NG SETUP REQUEST only");
    complete_ng_setup(&mut gnb, now, "amf", 1);
    let sent = transmits(&mut gnb);
    assert!(matches!(&sent[..], [(1, Message::InitialUeMessage(_))]));
}
