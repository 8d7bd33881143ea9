//! PDU sessions, idle mode and the N3 user plane against a scripted network side: the
//! AMF of tests/common relays 5GSM as an SMF would answer, and plays the UPF's GTP-U.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use common::session::*;
use common::*;
use ferrocore_gtpu::{PduSessionContainer, Qfi, Repr};
use ferrocore_nas::NasMessage;
use ferrocore_nas::ies::epco;
use ferrocore_nas::types::*;
use ferrocore_ngap::msg::*;
use ferrocore_ngap::{Cause, Message, NgapMessage, RrcEstablishmentCause};
use ferrocore_sim::{Gnb, SessionFailure, SessionType, SimEvent, UPLINK_HEADROOM};

#[test]
fn establishment_request_carries_type_dnn_slice_and_epco() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    gnb.establish_session(now, ue, request(5, SessionType::Ipv4v6));
    let (t, sm) = uplink_sm(&mut amf, &mut gnb);
    assert_eq!(t.pdu_session_id.unwrap().pdu_session_id(), 5);
    assert!(t.request_type.unwrap().is_initial());
    assert_eq!(t.dnn.unwrap().as_string().as_deref(), Some("internet"));
    let slice = ferrocore_nas::ies::Snssai::parse(t.s_nssai.as_ref().unwrap()).unwrap();
    assert_eq!(slice, ferrocore_nas::ies::Snssai::new(1, Some(0x010203)));
    assert_eq!(sm.pdu_session_id, 5);
    assert_ne!(sm.pti, 0);
    let Nas5gsmMessage::PduSessionEstablishmentRequest(req) = sm.message else {
        panic!("PDU SESSION ESTABLISHMENT REQUEST")
    };
    assert_eq!(
        req.pdu_session_type.unwrap().session_type(),
        Some(PduSessionTypeValue::Ipv4v6)
    );
    let pco = epco(
        req.extended_protocol_configuration_options
            .as_ref()
            .unwrap(),
        true,
    )
    .unwrap();
    let ids: Vec<u16> = pco.entries.iter().map(|e| e.identifier).collect();
    for want in [0x000a, 0x000d, 0x0010, 0x0003] {
        assert!(ids.contains(&want), "ePCO asks for {want:#06x}: {ids:?}");
    }
}

#[test]
fn ipv4_session_is_established_with_the_accepts_values() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    gnb.establish_session(now, ue, request(1, SessionType::Ipv4));
    let (_, sm) = uplink_sm(&mut amf, &mut gnb);
    let nas = dl_transport(&mut amf, 1, sm.pti, accept(SessionType::Ipv4));
    resource_setup(&amf, &mut gnb, now, 1, nas);
    let sent = transmits(&mut gnb);
    let [(stream, Message::PduSessionResourceSetupResponse(rsp))] = &sent[..] else {
        panic!("one PDU SESSION RESOURCE SETUP RESPONSE: {sent:?}")
    };
    assert_ne!(*stream, 0);
    assert_eq!(rsp.setup.len(), 1);
    let t = &rsp.setup[0].transfer;
    assert_eq!(rsp.setup[0].pdu_session_id, 1);
    assert_eq!(t.dl_tunnel.addr, IpAddr::V4(GNB_N3));
    assert_eq!(Some(t.dl_tunnel.teid), gnb.dl_teid(ue, 1));
    assert_eq!(t.qfis, vec![1]);
    let ev = events(&mut gnb);
    let [
        SimEvent::SessionEstablished {
            ue: u,
            psi,
            ipv4,
            ipv6_interface_id,
            dns,
            mtu,
            ..
        },
    ] = &ev[..]
    else {
        panic!("SessionEstablished: {ev:?}")
    };
    assert_eq!((*u, *psi), (ue, 1));
    assert_eq!(*ipv4, Some(UE_V4));
    assert_eq!(*ipv6_interface_id, None);
    assert_eq!(dns, &vec![IpAddr::V4(Ipv4Addr::new(8, 8, 8, 8))]);
    assert_eq!(*mtu, Some(1400));
    let info = gnb.ue(ue).session(1).unwrap().info().unwrap().clone();
    assert_eq!(info.default_qfi, Some(1));
    assert_eq!(info.ambr_kbps, Some((100_000, 50_000)));
    assert!(gnb.user_plane_up(ue, 1));
}

#[test]
fn ipv6_and_ipv4v6_sessions_surface_the_interface_identifier() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    let SimEvent::SessionEstablished {
        ipv4,
        ipv6_interface_id,
        dns,
        mtu,
        ..
    } = establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv6)
    else {
        unreachable!()
    };
    assert_eq!((ipv4, ipv6_interface_id, mtu), (None, Some(IID), None));
    assert_eq!(dns, vec![IpAddr::V6(DNS_V6)]);

    let (mut gnb, ue, mut amf) = ready(now);
    let SimEvent::SessionEstablished {
        ipv4,
        ipv6_interface_id,
        dns,
        ..
    } = establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4v6)
    else {
        unreachable!()
    };
    assert_eq!((ipv4, ipv6_interface_id), (Some(UE_V4), Some(IID)));
    assert_eq!(dns.len(), 2);
}

#[test]
fn reject_is_reported_with_its_cause() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    gnb.establish_session(now, ue, request(1, SessionType::Ipv4));
    let (_, sm) = uplink_sm(&mut amf, &mut gnb);
    // #27 missing or unknown DNN (TS 24.501 §9.11.4.2).
    let reject = NasPduSessionEstablishmentReject::new(NasFGsmCause::new(27));
    let nas = dl_transport(&mut amf, 1, sm.pti, reject);
    amf.downlink(&mut gnb, now, nas);
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::SessionFailed {
            ue,
            psi: 1,
            cause: SessionFailure::Rejected { cause: 27 }
        }]
    );
    assert!(gnb.ue(ue).session(1).is_none());
}

#[test]
fn a_request_the_amf_cannot_forward_fails_with_the_5gmm_cause() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    gnb.establish_session(now, ue, request(1, SessionType::Ipv4));
    let (t, _) = uplink_sm(&mut amf, &mut gnb);
    // §5.4.5.3.3: the 5GSM message comes back with #90 payload was not forwarded.
    let back = NasDlNasTransport::new(t.payload_container_type, t.payload_container.clone())
        .with_pdu_session_id(NasPduSessionIdentity2::from_pdu_session_id(1))
        .with_fgmm_cause(NasFGmmCause::new(90));
    let nas = amf.protect(back);
    amf.downlink(&mut gnb, now, nas);
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::SessionFailed {
            ue,
            psi: 1,
            cause: SessionFailure::NotForwarded { cause: 90 }
        }]
    );
}

#[test]
fn unregistered_ue_and_psi_in_use_are_refused_locally() {
    let now = Instant::now();
    let mut gnb = ready_gnb(now);
    let ue = gnb.add_ue(profile());
    gnb.establish_session(now, ue, request(1, SessionType::Ipv4));
    assert!(transmits(&mut gnb).is_empty());
    assert!(matches!(
        &events(&mut gnb)[..],
        [SimEvent::SessionFailed {
            cause: SessionFailure::Refused(_),
            ..
        }]
    ));

    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    gnb.establish_session(now, ue, request(1, SessionType::Ipv4));
    assert!(transmits(&mut gnb).is_empty());
    assert!(matches!(
        &events(&mut gnb)[..],
        [SimEvent::SessionFailed {
            cause: SessionFailure::Refused(_),
            ..
        }]
    ));
}

#[test]
fn t3580_retransmits_then_gives_up() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    gnb.establish_session(now, ue, request(1, SessionType::Ipv4));
    let (_, first) = uplink_sm(&mut amf, &mut gnb);
    let mut t = now;
    for _ in 0..4 {
        t = gnb.poll_timeout().unwrap();
        gnb.handle_timeout(t);
        let (_, again) = uplink_sm(&mut amf, &mut gnb);
        assert_eq!(again.pti, first.pti, "same PTI on retransmission");
    }
    gnb.handle_timeout(gnb.poll_timeout().unwrap());
    assert!(transmits(&mut gnb).is_empty());
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::SessionFailed {
            ue,
            psi: 1,
            cause: SessionFailure::Timeout
        }]
    );
    assert!(t > now);
}

/// PDU SESSION RESOURCE RELEASE COMMAND for session 1 carrying `nas`.
fn resource_release(amf: &TestAmf, gnb: &mut Gnb, now: Instant, nas: Vec<u8>) {
    let m = PduSessionResourceReleaseCommand {
        amf_ue_ngap_id: amf.amf_id,
        ran_ue_ngap_id: amf.ran_id,
        nas_pdu: Some(nas),
        sessions: vec![SessionReleaseItem {
            pdu_session_id: 1,
            transfer: ferrocore_ngap::transfer::ReleaseCommandTransfer {
                cause: Cause::nas(ferrocore_ngap::CauseNas::normal_release),
            },
        }],
    };
    gnb.handle_ngap(now, 1, &m.encode().unwrap());
}

#[test]
fn ue_requested_release() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    gnb.release_session(now, ue, 1);
    let (_, sm) = uplink_sm(&mut amf, &mut gnb);
    let Nas5gsmMessage::PduSessionReleaseRequest(req) = sm.message else {
        panic!("PDU SESSION RELEASE REQUEST")
    };
    assert_eq!(req.fgsm_cause.unwrap().value, 36);
    let cmd = NasPduSessionReleaseCommand::new(NasFGsmCause::new(36));
    let nas = dl_transport(&mut amf, 1, sm.pti, cmd);
    resource_release(&amf, &mut gnb, now, nas);
    let (nas, other) = amf.uplinks(&mut gnb);
    let [Message::PduSessionResourceReleaseResponse(rsp)] = &other[..] else {
        panic!("PDU SESSION RESOURCE RELEASE RESPONSE: {other:?}")
    };
    assert_eq!(rsp.released, vec![1]);
    let NasMessage::Mm(Nas5gmmMessage::UlNasTransport(t)) = amf.open(&nas[0]).1 else {
        panic!("UL NAS TRANSPORT")
    };
    let NasMessage::Sm(done) = ferrocore_nas::decode(&t.payload_container.value).unwrap() else {
        panic!()
    };
    assert!(matches!(
        done.message,
        Nas5gsmMessage::PduSessionReleaseComplete(_)
    ));
    assert_eq!(done.pti, sm.pti);
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::SessionReleased { ue, psi: 1 }]
    );
    assert!(!gnb.user_plane_up(ue, 1));
    assert!(gnb.ue(ue).session(1).is_none());
}

#[test]
fn network_requested_release() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    // Network-requested: PTI 0 (TS 24.501 §6.3.3.2).
    let cmd = NasPduSessionReleaseCommand::new(NasFGsmCause::new(36));
    let nas = dl_transport(&mut amf, 1, 0, cmd);
    resource_release(&amf, &mut gnb, now, nas);
    let (nas, _) = amf.uplinks(&mut gnb);
    let NasMessage::Mm(Nas5gmmMessage::UlNasTransport(t)) = amf.open(&nas[0]).1 else {
        panic!("UL NAS TRANSPORT")
    };
    let NasMessage::Sm(done) = ferrocore_nas::decode(&t.payload_container.value).unwrap() else {
        panic!()
    };
    assert!(matches!(
        done.message,
        Nas5gsmMessage::PduSessionReleaseComplete(_)
    ));
    assert_eq!((done.pdu_session_id, done.pti), (1, 0));
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::SessionReleased { ue, psi: 1 }]
    );
}

#[test]
fn uplink_is_encapsulated_in_place_and_downlink_decapsulated() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    let packet = ip_packet();
    let mut buf = vec![0u8; UPLINK_HEADROOM];
    buf.extend(&packet);
    let out = gnb.uplink_packet(now, ue, 1, &mut buf).expect("a G-PDU");
    assert_eq!(out.to, SocketAddr::new(IpAddr::V4(UPF), 2152));
    let gpdu = &buf[out.start..];
    let d = ferrocore_gtpu::decap(gpdu).unwrap();
    assert_eq!(d.message_type, 255);
    assert_eq!(d.teid, UL_TEID);
    assert_eq!(d.pdu_type, Some(ferrocore_gtpu::PDU_TYPE_UL));
    assert_eq!(d.qfi.map(Qfi::value), Some(1));
    assert_eq!(&gpdu[d.payload.clone()], &packet[..]);
    // Octet by octet: flags E, G-PDU, length, TEID, seq 0, N-PDU 0, next ext 0x85,
    // container length 1, PDU type 1 (UL), QFI 1, no next extension.
    let len = (packet.len() + 8) as u16;
    let mut header = vec![0x34, 0xff];
    header.extend(len.to_be_bytes());
    header.extend(UL_TEID.to_be_bytes());
    header.extend([0, 0, 0, 0x85, 1, 0x10, 1, 0]);
    assert_eq!(&gpdu[..16], &header[..]);

    // Downlink: the UPF's G-PDU to our DL TEID.
    let dl_teid = gnb.dl_teid(ue, 1).unwrap();
    let repr = Repr::g_pdu(
        dl_teid,
        Some(PduSessionContainer::downlink(Qfi::new(1).unwrap())),
    );
    let mut dl = vec![0u8; repr.buffer_len(packet.len())];
    let h = repr.header_len();
    dl[h..].copy_from_slice(&packet);
    repr.emit(&mut dl).unwrap();
    let upf = SocketAddr::new(IpAddr::V4(UPF), 2152);
    let got = gnb.handle_gtpu(now, upf, &dl).expect("a downlink packet");
    assert_eq!((got.ue, got.psi, got.qfi), (ue, 1, Some(1)));
    assert_eq!(&dl[got.payload], &packet[..]);
    assert!(gnb.poll_user_plane().is_none());

    // Unknown TEID: ERROR INDICATION back to the sender (TS 29.281 §7.3.1).
    let mut bad = dl.clone();
    bad[4..8].copy_from_slice(&0xdead_beefu32.to_be_bytes());
    assert!(gnb.handle_gtpu(now, upf, &bad).is_none());
    let (to, ind) = gnb.poll_user_plane().expect("an ERROR INDICATION");
    assert_eq!(to, upf);
    let r = Repr::parse_bytes(&ind).unwrap();
    assert_eq!(
        r.message,
        ferrocore_gtpu::Message::ErrorIndication {
            teid_data_i: 0xdead_beef,
            peer_address: IpAddr::V4(GNB_N3)
        }
    );

    // Echo.
    let echo = Repr::echo_request(77);
    let mut e = vec![0u8; echo.buffer_len(0)];
    echo.emit(&mut e).unwrap();
    assert!(gnb.handle_gtpu(now, upf, &e).is_none());
    let (to, rsp) = gnb.poll_user_plane().expect("an ECHO RESPONSE");
    assert_eq!(to, upf);
    assert_eq!(Repr::parse_bytes(&rsp).unwrap(), Repr::echo_response(77));

    // Error indication from the UPF is reported.
    let ind = Repr::error_indication(UL_TEID, IpAddr::V4(UPF));
    let mut e = vec![0u8; ind.buffer_len(0)];
    ind.emit(&mut e).unwrap();
    gnb.handle_gtpu(now, upf, &e);
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::GtpuErrorIndication {
            teid: UL_TEID,
            peer: IpAddr::V4(UPF)
        }]
    );
    // Garbage is dropped quietly.
    assert!(gnb.handle_gtpu(now, upf, &[0x30, 0xff, 0, 9]).is_none());
    assert!(gnb.poll_user_plane().is_none());
}

#[test]
fn paging_brings_an_idle_ue_back_with_its_session() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    go_idle(&mut gnb, &amf, now, ue);

    // Paging for someone else: nothing.
    let other = Paging {
        five_g_s_tmsi: ferrocore_ngap::FiveGSTmsi {
            set_id: 0x3fe,
            pointer: 1,
            tmsi: 0x9999,
        },
        paging_drx: None,
        tais: vec![ferrocore_ngap::Tai {
            plmn: ferrocore_ngap::Plmn::new("001", "01").unwrap(),
            tac: [0, 0, 1],
        }],
    };
    gnb.handle_ngap(now, 0, &other.encode().unwrap());
    assert!(transmits(&mut gnb).is_empty());
    assert!(events(&mut gnb).is_empty());

    let paging = Paging {
        five_g_s_tmsi: ferrocore_ngap::FiveGSTmsi {
            tmsi: 0x1234,
            ..other.five_g_s_tmsi
        },
        ..other
    };
    gnb.handle_ngap(now, 0, &paging.encode().unwrap());
    assert_eq!(events(&mut gnb), vec![SimEvent::Paged { ue }]);
    let (init, sr) = service_request(&mut amf, &mut gnb);
    assert_eq!(
        init.rrc_establishment_cause,
        RrcEstablishmentCause::mt_Access
    );
    assert_eq!(
        init.five_g_s_tmsi,
        Some(ferrocore_ngap::FiveGSTmsi {
            set_id: 0x3fe,
            pointer: 1,
            tmsi: 0x1234
        })
    );
    assert_eq!(
        sr.service_type.service_type(),
        Some(ServiceType::MobileTerminatedServices)
    );
    assert_eq!(
        ferrocore_nas::ies::pdu_session_status(sr.pdu_session_status.as_ref().unwrap()),
        vec![1]
    );

    ics_with_session(&mut amf, &mut gnb, now);
    let sent = transmits(&mut gnb);
    let [(_, Message::InitialContextSetupResponse(rsp))] = &sent[..] else {
        panic!("INITIAL CONTEXT SETUP RESPONSE: {sent:?}")
    };
    assert_eq!(rsp.setup.len(), 1);
    assert_eq!(rsp.setup[0].transfer.dl_tunnel.addr, IpAddr::V4(GNB_N3));
    let ev = events(&mut gnb);
    assert!(
        matches!(&ev[..], [SimEvent::ServiceAccepted { ue: u, .. }] if *u == ue),
        "{ev:?}"
    );
    assert!(gnb.user_plane_up(ue, 1));
    assert!(!gnb.ue(ue).service_pending());
}

#[test]
fn uplink_data_of_an_idle_ue_triggers_a_service_request() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    go_idle(&mut gnb, &amf, now, ue);

    let packet = ip_packet();
    let mut buf = vec![0u8; UPLINK_HEADROOM];
    buf.extend(&packet);
    assert!(gnb.uplink_packet(now, ue, 1, &mut buf).is_none(), "held");
    let mut again = buf.clone();
    assert!(
        gnb.uplink_packet(now, ue, 1, &mut again).is_none(),
        "held too"
    );
    let (init, sr) = service_request(&mut amf, &mut gnb);
    assert_eq!(init.rrc_establishment_cause, RrcEstablishmentCause::mo_Data);
    assert_eq!(sr.service_type.service_type(), Some(ServiceType::Data));
    assert_eq!(
        ferrocore_nas::ies::uplink_data_status(sr.uplink_data_status.as_ref().unwrap()),
        vec![1]
    );
    assert!(transmits(&mut gnb).is_empty(), "one service request only");

    ics_with_session(&mut amf, &mut gnb, now);
    transmits(&mut gnb);
    let ev = events(&mut gnb);
    assert!(
        matches!(&ev[..], [SimEvent::ServiceAccepted { .. }]),
        "{ev:?}"
    );
    for _ in 0..2 {
        let (to, gpdu) = gnb.poll_user_plane().expect("the held packet");
        assert_eq!(to, SocketAddr::new(IpAddr::V4(UPF), 2152));
        let d = ferrocore_gtpu::decap(&gpdu).unwrap();
        assert_eq!(d.teid, UL_TEID);
        assert_eq!(&gpdu[d.payload], &packet[..]);
    }
    assert!(gnb.poll_user_plane().is_none());
}

#[test]
fn service_reject_and_t3517_end_the_procedure() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    go_idle(&mut gnb, &amf, now, ue);
    let mut buf = vec![0u8; UPLINK_HEADROOM];
    buf.extend(ip_packet());
    gnb.uplink_packet(now, ue, 1, &mut buf);
    service_request(&mut amf, &mut gnb);
    // #22 congestion, in clear with integrity (processed as it is).
    let reject = amf.protect(NasServiceReject::new(NasFGmmCause::new(22)));
    amf.downlink(&mut gnb, now, reject);
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::ServiceFailed {
            ue,
            cause: Some(22)
        }]
    );
    amf.release(&mut gnb, now);
    transmits(&mut gnb);
    events(&mut gnb);
    assert!(gnb.poll_user_plane().is_none(), "held packets dropped");

    // Again, and the network stays silent: T3517.
    gnb.uplink_packet(now, ue, 1, &mut buf);
    service_request(&mut amf, &mut gnb);
    let t = gnb.poll_timeout().unwrap();
    assert_eq!(t, now + std::time::Duration::from_secs(15));
    gnb.handle_timeout(t);
    let ev = events(&mut gnb);
    assert!(
        ev.contains(&SimEvent::ServiceFailed { ue, cause: None }),
        "{ev:?}"
    );
    assert!(!gnb.ue(ue).is_connected());
}

#[test]
fn establishing_from_idle_goes_through_a_signalling_service_request() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    go_idle(&mut gnb, &amf, now, ue);
    gnb.establish_session(now, ue, request(2, SessionType::Ipv4));
    let (init, sr) = service_request(&mut amf, &mut gnb);
    assert_eq!(
        init.rrc_establishment_cause,
        RrcEstablishmentCause::mo_Signalling
    );
    assert_eq!(
        sr.service_type.service_type(),
        Some(ServiceType::Signalling)
    );
    // SERVICE ACCEPT in DL NAS TRANSPORT on the new connection: the request follows.
    let accept = amf.protect(NasServiceAccept::new());
    amf.downlink(&mut gnb, now, accept);
    let (_, sm) = uplink_sm(&mut amf, &mut gnb);
    assert_eq!(sm.pdu_session_id, 2);
    assert!(matches!(
        sm.message,
        Nas5gsmMessage::PduSessionEstablishmentRequest(_)
    ));
}
