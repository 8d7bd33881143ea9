//! PDU session procedures of the SMF engine against the UPF engine in process, on a
//! virtual clock: establishment (IPv4, IPv6, IPv4v6), the N1 accept and N2 transfer
//! decoded with the wire crates, user plane activation / deactivation, paging after a
//! downlink data report, service request, releases, rejections, pools, UPF restart,
//! PFCP retransmission.

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use common::*;
use ferrocore_nas::ies::{Snssai as NasSnssai, epco};
use ferrocore_nas::types::*;
use ferrocore_ngap::PduSessionType as NgapType;
use ferrocore_ngap::transfer::{ReleaseCommandTransfer, SetupRequestTransfer, Transfer};
use ferrocore_sbi::SbiError;
use ferrocore_sbi::common::PduSessionType;
use ferrocore_sbi::namf_communication::NgapIeType;
use ferrocore_sbi::nsmf_pdusession::{N2SmInfoType, UpCnxState};
use ferrocore_smf::SmfResponse;
use ferrocore_upf::Notification;

fn rejected(r: SmfResponse) -> (u16, u8) {
    match r {
        SmfResponse::Created(Err(e)) => {
            let n1 = e.n1_sm_msg.as_deref().expect("a reject for the UE");
            let (_, _, m) = decode_sm(n1);
            match m {
                Nas5gsmMessage::PduSessionEstablishmentReject(r) => {
                    (e.status(), r.fgsm_cause.value)
                }
                other => panic!("{other:?}"),
            }
        }
        other => panic!("not rejected: {other:?}"),
    }
}

/// The PDU SESSION ESTABLISHMENT ACCEPT carried by the `i`-th N1N2MessageTransfer.
fn accept_sent(b: &Bench, i: usize) -> NasPduSessionEstablishmentAccept {
    let (_, _, m) = decode_sm(b.n1n2[i].n1_message.as_deref().unwrap());
    let Nas5gsmMessage::PduSessionEstablishmentAccept(a) = m else {
        panic!("{m:?}")
    };
    *a
}

/// The accept's extended PCO (downlink).
fn accept_pco(a: &NasPduSessionEstablishmentAccept) -> Pco {
    epco(
        a.extended_protocol_configuration_options.as_ref().unwrap(),
        false,
    )
    .unwrap()
}

#[test]
fn ipv4v6_session_life_cycle_against_the_upf() {
    let mut b = Bench::new();
    assert_eq!(b.smf.metrics().value("smf_pfcp_associations"), 1);
    let sm_ref = created(b.create(
        5,
        "internet",
        establishment_request(5, Some(PduSessionTypeValue::Ipv4v6)),
    ));
    let ctx = b.smf.context(&sm_ref).unwrap().clone();
    let v4 = ctx.ipv4.unwrap();
    let prefix = ctx.ipv6_prefix.unwrap();
    assert!(u32::from(v4) >> 16 == u32::from(Ipv4Addr::new(10, 45, 0, 0)) >> 16);
    assert_eq!(
        u128::from(prefix) >> 80,
        u128::from("2001:db8:45::".parse::<Ipv6Addr>().unwrap()) >> 80
    );
    assert_eq!(b.smf.pool_usage("internet").unwrap().0.0, 1);
    assert_eq!(b.smf.pool_usage("internet").unwrap().1.0, 1);

    // The UPF holds the session: DL FAR buffering until the gNB's tunnel is known.
    assert_eq!(dl_far(&b, key(&sm_ref)).apply_action & BUFF, BUFF);
    let upf_session = b
        .upf
        .sessions()
        .find(|s| s.cp_seid == key(&sm_ref))
        .unwrap()
        .clone();
    let ul_teid = upf_session.teids()[0];
    assert!(upf_session.ue_addrs().contains(&IpAddr::V4(v4)));

    // N1N2MessageTransfer: the accept and the setup request transfer.
    assert_eq!(b.n1n2.len(), 1);
    let t = b.n1n2[0].clone();
    assert_eq!(t.data.pdu_session_id, Some(5));
    let (psi, pti, m) = decode_sm(t.n1_message.as_deref().unwrap());
    assert_eq!((psi, pti), (5, 1));
    let Nas5gsmMessage::PduSessionEstablishmentAccept(a) = m else {
        panic!("{m:?}")
    };
    assert_eq!(
        a.selected_pdu_session_type.session_type(),
        Some(PduSessionTypeValue::Ipv4v6)
    );
    assert_eq!(a.selected_ssc_mode.mode(), Some(SscModeValue::Ssc1));
    assert!(a.fgsm_cause.is_none());
    let addr = a.pdu_address.as_ref().unwrap();
    assert_eq!(addr.ipv4(), Some(v4.octets()));
    assert_eq!(addr.ipv6_interface_id(), Some(ctx.ipv6_iid));
    assert_ne!(ctx.ipv6_iid, [0; 8]);
    let rules = a.authorized_qos_rules.rules();
    assert_eq!(rules.len(), 1);
    assert!(rules[0].dqr);
    assert_eq!(
        (rules[0].rule_id, rules[0].qfi, rules[0].precedence),
        (1, Some(1), Some(255))
    );
    let ambr = a.session_ambr.parse().unwrap();
    assert_eq!((ambr.ul_kbps, ambr.dl_kbps), (100_000, 200_000));
    assert_eq!(
        NasSnssai::parse(a.s_nssai.as_ref().unwrap()).unwrap(),
        NasSnssai::new(1, None)
    );
    assert_eq!(
        a.dnn.as_ref().unwrap().as_string().as_deref(),
        Some("internet")
    );
    let flows = a
        .authorized_qos_flow_descriptions
        .as_ref()
        .unwrap()
        .try_descriptions()
        .unwrap();
    assert_eq!(flows[0].qfi, 1);
    assert!(flows[0].params.contains(&QosFlowParameter::FiveQi(9)));
    let pco = accept_pco(&a);
    let dns4: Vec<_> = pco
        .entries
        .iter()
        .filter(|e| e.identifier == 0x000d)
        .map(|e| e.contents.clone())
        .collect();
    assert_eq!(dns4, vec![vec![8, 8, 8, 8], vec![1, 1, 1, 1]]);
    assert_eq!(pco.entry(0x0003).unwrap().contents.len(), 16);
    assert_eq!(pco.entry(0x0010).unwrap().contents, 1400u16.to_be_bytes());

    let n2 = t.n2_info.as_deref().unwrap();
    let info = t
        .data
        .n2_info_container
        .as_ref()
        .unwrap()
        .sm_info
        .as_ref()
        .unwrap();
    assert_eq!(
        info.n2_info_content.as_ref().unwrap().ngap_ie_type,
        Some(NgapIeType::PduResSetupReq)
    );
    let req = SetupRequestTransfer::decode(n2).unwrap();
    assert_eq!(req.ul_tunnel.teid, ul_teid);
    assert_eq!(req.ul_tunnel.addr, IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
    assert_eq!(req.session_type, NgapType::ipv4v6);
    assert_eq!(
        (
            req.qos_flows[0].qfi,
            req.qos_flows[0].five_qi,
            req.qos_flows[0].arp_priority
        ),
        (1, 9, 8)
    );
    let ambr = req.session_ambr.unwrap();
    assert_eq!((ambr.uplink, ambr.downlink), (100_000_000, 200_000_000));

    // The gNB's answer: the DL FAR forwards to its tunnel.
    let u = updated(b.update(&sm_ref, setup_response(gnb_tunnel()))).unwrap();
    assert_eq!(u.data.up_cnx_state, Some(UpCnxState::Activated));
    let far = dl_far(&b, key(&sm_ref));
    assert_eq!(far.apply_action & FORW, FORW);
    assert!(
        format!("{:?}", far.outer_header).contains("48879"),
        "{:?}",
        far.outer_header
    );

    // AN release: buffer and notify.
    let u = updated(b.update(&sm_ref, up_state(UpCnxState::Deactivated))).unwrap();
    assert_eq!(u.data.up_cnx_state, Some(UpCnxState::Deactivated));
    assert_eq!(
        dl_far(&b, key(&sm_ref)).apply_action & (BUFF | NOCP),
        BUFF | NOCP
    );

    // Downlink data for the idle UE: N1N2MessageTransfer with N2 only, to page it.
    let up_seid = upf_session.up_seid;
    b.upf
        .handle_notification(b.now, Notification::DownlinkData { up_seid, pdr_id: 2 });
    b.pump();
    assert_eq!(b.n1n2.len(), 2);
    assert!(b.n1n2[1].n1_message.is_none());
    let req = SetupRequestTransfer::decode(b.n1n2[1].n2_info.as_deref().unwrap()).unwrap();
    assert_eq!(req.ul_tunnel.teid, ul_teid);
    assert_eq!(b.smf.metrics().value("smf_dl_data_reports_total"), 1);
    // A second report while paging does not page again.
    b.upf
        .handle_notification(b.now, Notification::DownlinkData { up_seid, pdr_id: 2 });
    b.pump();
    assert_eq!(b.n1n2.len(), 2);

    // Service request: the N2 transfer again, then the gNB's answer reactivates.
    let u = updated(b.update(&sm_ref, up_state(UpCnxState::Activating))).unwrap();
    assert_eq!(u.data.up_cnx_state, Some(UpCnxState::Activating));
    assert_eq!(u.data.n2_sm_info_type, Some(N2SmInfoType::PduResSetupReq));
    SetupRequestTransfer::decode(u.n2_sm_info.as_deref().unwrap()).unwrap();
    let other = ferrocore_ngap::GtpTunnel {
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 1, 10)),
        teid: 77,
    };
    let u = updated(b.update(&sm_ref, setup_response(other))).unwrap();
    assert_eq!(u.data.up_cnx_state, Some(UpCnxState::Activated));
    assert!(format!("{:?}", dl_far(&b, key(&sm_ref)).outer_header).contains("10.0.1.10"));

    // UE-requested release: command (with the request's PTI) and N2 release command.
    let u = updated(b.update(
        &sm_ref,
        n1_update(sm(NasPduSessionReleaseRequest::new(), 5, 7)),
    ))
    .unwrap();
    let (psi, pti, m) = decode_sm(u.n1_sm_msg.as_deref().unwrap());
    assert_eq!((psi, pti), (5, 7));
    let Nas5gsmMessage::PduSessionReleaseCommand(c) = m else {
        panic!()
    };
    assert_eq!(c.fgsm_cause.value, 36);
    assert_eq!(u.data.n2_sm_info_type, Some(N2SmInfoType::PduResRelCmd));
    ReleaseCommandTransfer::decode(u.n2_sm_info.as_deref().unwrap()).unwrap();
    assert!(b.upf.sessions().next().is_none(), "N4 session deleted");
    assert_eq!(
        b.smf.pool_usage("internet").unwrap(),
        ((0, 65_533), (0, 65_535))
    );
    assert!(updated(b.update(&sm_ref, release_response())).is_none());
    assert!(
        updated(b.update(
            &sm_ref,
            n1_update(sm(NasPduSessionReleaseComplete::new(), 5, 7))
        ))
        .is_none()
    );
    assert_eq!(b.smf.sessions(), 0);
    let m = b.smf.metrics();
    assert_eq!(m.value("smf_sm_pdu_sess_creation_req_total"), 1);
    assert_eq!(m.value("smf_sm_pdu_sess_creation_succ_total"), 1);
    assert_eq!(m.value("smf_sm_pdu_sess_release_ue_total"), 1);
    assert_eq!(m.value("smf_sm_sess_nbr"), 0);
    assert_eq!(m.value("smf_ipv4_addresses_allocated"), 0);
}

#[test]
fn ipv4_only_and_ipv6_only_sessions() {
    let mut b = Bench::new();
    let r4 = created(b.create(
        1,
        "internet",
        establishment_request(1, Some(PduSessionTypeValue::Ipv4)),
    ));
    let a = accept_sent(&b, 0);
    assert_eq!(
        a.selected_pdu_session_type.session_type(),
        Some(PduSessionTypeValue::Ipv4)
    );
    assert_eq!(
        a.pdu_address.as_ref().unwrap().ipv4(),
        Some(b.smf.context(&r4).unwrap().ipv4.unwrap().octets())
    );
    assert!(b.smf.context(&r4).unwrap().ipv6_prefix.is_none());
    let pco = accept_pco(&a);
    assert!(
        pco.entry(0x0003).is_none(),
        "no IPv6 DNS on an IPv4 session"
    );

    let r6 = created(b.create(
        2,
        "internet",
        establishment_request(2, Some(PduSessionTypeValue::Ipv6)),
    ));
    let a = accept_sent(&b, 1);
    assert_eq!(
        a.selected_pdu_session_type.session_type(),
        Some(PduSessionTypeValue::Ipv6)
    );
    let c6 = b.smf.context(&r6).unwrap();
    assert!(c6.ipv4.is_none());
    assert_eq!(
        a.pdu_address.as_ref().unwrap().ipv6_interface_id(),
        Some(c6.ipv6_iid)
    );
    let pco = accept_pco(&a);
    assert!(pco.entry(0x000d).is_none() && pco.entry(0x0010).is_none());
    let req = SetupRequestTransfer::decode(b.n1n2[1].n2_info.as_deref().unwrap()).unwrap();
    assert_eq!(req.session_type, NgapType::ipv6);
    assert_eq!(b.smf.pool_usage("internet").unwrap().0.0, 1);
    assert_eq!(b.smf.pool_usage("internet").unwrap().1.0, 1);
}

#[test]
fn ipv4v6_narrowed_by_the_subscription_is_accepted_with_cause_50() {
    let mut b = Bench::new();
    b.sm_data = Ok(subscription(&[PduSessionType::Ipv4]));
    created(b.create(
        1,
        "internet",
        establishment_request(1, Some(PduSessionTypeValue::Ipv4v6)),
    ));
    let a = accept_sent(&b, 0);
    assert_eq!(
        a.selected_pdu_session_type.session_type(),
        Some(PduSessionTypeValue::Ipv4)
    );
    assert_eq!(a.fgsm_cause.as_ref().map(|c| c.value), Some(50));
    // IPv6 asked for where only IPv4 is allowed: rejected with #50.
    assert_eq!(
        rejected(b.create(
            2,
            "internet",
            establishment_request(2, Some(PduSessionTypeValue::Ipv6))
        ))
        .1,
        50
    );
    // Ethernet is not served: #28.
    assert_eq!(
        rejected(b.create(
            3,
            "internet",
            establishment_request(3, Some(PduSessionTypeValue::Ethernet))
        ))
        .1,
        28
    );
}

#[test]
fn unknown_or_unsubscribed_dnn_is_rejected_with_27() {
    let mut cfg = smf_config();
    cfg.dnns.push(ferrocore_smf::DnnConfig {
        dnn: "enterprise".into(),
        ipv4_pool: Some("10.46.0.0/24".into()),
        ipv6_prefix_pool: None,
        ..Default::default()
    });
    let mut b = Bench::with(cfg);
    let (status, cause) = rejected(b.create(1, "nope", establishment_request(1, None)));
    assert_eq!((status, cause), (403, 27));
    // Served by the SMF but not in the subscription.
    let (status, cause) = rejected(b.create(1, "enterprise", establishment_request(1, None)));
    assert_eq!((status, cause), (403, 27));
    assert_eq!(b.smf.sessions(), 0);
    assert!(b.n1n2.is_empty());
    assert_eq!(
        b.smf
            .metrics()
            .value("smf_sm_pdu_sess_creation_fail_total{cause=\"missing_or_unknown_dnn\"}"),
        2
    );
    // Unknown subscriber: #29.
    b.sm_data = Err(SbiError::user_not_found("no such subscriber"));
    assert_eq!(
        rejected(b.create(1, "internet", establishment_request(1, None))).1,
        29
    );
    // SSC mode 3: #68.
    b.sm_data = Ok(subscription(&[PduSessionType::Ipv4]));
    let mut r =
        NasPduSessionEstablishmentRequest::new(NasIntegrityProtectionMaximumDataRate::new(0xffff));
    r.ssc_mode = Some(NasSscMode::from_mode(SscModeValue::Ssc3));
    assert_eq!(rejected(b.create(1, "internet", sm(r, 1, 1))).1, 68);
    assert_eq!(b.smf.pool_usage("internet").unwrap().0.0, 0);
}

#[test]
fn exhausted_pool_rejects_with_26_and_release_gives_back() {
    let mut cfg = smf_config();
    cfg.dnns[0].ipv4_pool = Some("10.45.0.0/29".into());
    cfg.dnns[0].ipv6_prefix_pool = None;
    let mut b = Bench::with(cfg);
    b.sm_data = Ok(subscription(&[PduSessionType::Ipv4]));
    let refs: Vec<String> = (1..=5)
        .map(|psi| {
            created(b.create(
                psi,
                "internet",
                establishment_request(psi, Some(PduSessionTypeValue::Ipv4)),
            ))
        })
        .collect();
    let (status, cause) = rejected(b.create(
        6,
        "internet",
        establishment_request(6, Some(PduSessionTypeValue::Ipv4)),
    ));
    assert_eq!((status, cause), (500, 26));
    assert_eq!(
        b.smf
            .metrics()
            .value("smf_sm_pdu_sess_creation_fail_total{cause=\"insufficient_resources\"}"),
        1
    );
    assert_eq!(
        b.upf.sessions().count(),
        5,
        "no N4 session for the rejected one"
    );
    // The AMF releases one (e.g. deregistration): 204, N4 deletion, address back.
    assert!(matches!(b.release(&refs[0]), SmfResponse::Released(Ok(()))));
    assert_eq!(b.upf.sessions().count(), 4);
    created(b.create(
        6,
        "internet",
        establishment_request(6, Some(PduSessionTypeValue::Ipv4)),
    ));
    assert_eq!(b.smf.pool_usage("internet").unwrap().0, (5, 5));
    assert!(matches!(b.release("999"), SmfResponse::Released(Err(e)) if e.status == 404));
}

#[test]
fn ten_thousand_sessions_release_every_address() {
    let mut b = Bench::new();
    let mut refs = Vec::new();
    for i in 0..10_000u32 {
        let psi = (i % 15) as u8 + 1;
        b.supi = format!("imsi-0010100{:08}", i / 15);
        refs.push(created(b.create(
            psi,
            "internet",
            establishment_request(psi, None),
        )));
    }
    assert_eq!(b.smf.sessions(), 10_000);
    assert_eq!(b.upf.sessions().count(), 10_000);
    assert_eq!(
        b.smf.pool_usage("internet").unwrap(),
        ((10_000, 65_533), (10_000, 65_535))
    );
    for r in &refs {
        assert!(matches!(b.release(r), SmfResponse::Released(Ok(()))));
    }
    assert_eq!(b.smf.sessions(), 0);
    assert_eq!(b.upf.sessions().count(), 0);
    assert_eq!(
        b.smf.pool_usage("internet").unwrap(),
        ((0, 65_533), (0, 65_535))
    );
    assert_eq!(b.smf.metrics().value("smf_ipv6_prefixes_allocated"), 0);
    assert_eq!(
        b.smf.metrics().value("smf_sm_pdu_sess_release_amf_total"),
        10_000
    );
}

#[test]
fn upf_restart_releases_its_sessions() {
    let mut b = Bench::new();
    let sm_ref = created(b.create(5, "internet", establishment_request(5, None)));
    updated(b.update(&sm_ref, setup_response(gnb_tunnel())));
    // The UPF restarts: a new engine, a new Recovery Time Stamp, no sessions.
    b.upf = upf(b.now, UPF_TS + 100);
    b.advance(Duration::from_secs(11));
    assert_eq!(b.smf.metrics().value("smf_upf_restarts_total"), 1);
    let t = b.n1n2.last().unwrap();
    let (psi, pti, m) = decode_sm(t.n1_message.as_deref().unwrap());
    assert_eq!((psi, pti), (5, 0), "network-requested: PTI 0");
    let Nas5gsmMessage::PduSessionReleaseCommand(c) = m else {
        panic!()
    };
    assert_eq!(c.fgsm_cause.value, 39, "reactivation requested");
    ReleaseCommandTransfer::decode(t.n2_info.as_deref().unwrap()).unwrap();
    assert_eq!(b.smf.pool_usage("internet").unwrap().0.0, 0);
    // The association is set up again and new sessions go to the new UPF.
    assert_eq!(b.smf.metrics().value("smf_pfcp_associations"), 1);
    assert!(
        updated(b.update(
            &sm_ref,
            n1_update(sm(NasPduSessionReleaseComplete::new(), 5, 0))
        ))
        .is_none()
    );
    assert_eq!(b.smf.sessions(), 0);
    created(b.create(5, "internet", establishment_request(5, None)));
    assert_eq!(b.upf.sessions().count(), 1);
}

#[test]
fn unanswered_establishment_is_retransmitted_then_rejected() {
    let mut b = Bench::new();
    b.upf_up = false;
    b.pfcp_sent.clear();
    let id = b.create_pending(5, "internet", establishment_request(5, None));
    b.advance(Duration::from_secs(3 * 4 + 1));
    let sent = b.pfcp_sent.iter().filter(|(t, _)| *t == 50).count();
    assert_eq!(sent, 4, "first send and N1 = 3 retransmissions");
    let (status, cause) = rejected(b.responses.remove(&id).expect("answered after giving up"));
    assert_eq!((status, cause), (504, 26));
    // 3 for the establishment (heartbeats, unanswered too, add theirs).
    assert!(b.smf.metrics().value("smf_pfcp_retransmissions_total") >= 3);
    assert!(b.smf.metrics().value("smf_pfcp_timeouts_total") >= 1);
    assert_eq!(b.smf.sessions(), 0);
    assert_eq!(b.smf.pool_usage("internet").unwrap().0.0, 0);
}

#[test]
fn heartbeats_lost_then_association_set_up_again() {
    let mut b = Bench::new();
    b.upf_up = false;
    b.advance(Duration::from_secs(10 + 3 * 4 + 1));
    assert_eq!(b.smf.metrics().value("smf_pfcp_associations"), 0);
    b.upf_up = true;
    b.advance(Duration::from_secs(6));
    assert_eq!(b.smf.metrics().value("smf_pfcp_associations"), 1);
    assert_eq!(
        b.smf.metrics().value("smf_upf_restarts_total"),
        0,
        "same Recovery Time Stamp"
    );
}

#[test]
fn failed_accept_delivery_releases_the_session() {
    let mut b = Bench::new();
    b.amf_answer = Err(SbiError::new(504, "UE_NOT_REACHABLE", "gone"));
    created(b.create(5, "internet", establishment_request(5, None)));
    assert_eq!(b.smf.sessions(), 0);
    assert_eq!(b.upf.sessions().count(), 0);
    assert_eq!(b.smf.pool_usage("internet").unwrap().0.0, 0);
    assert_eq!(
        b.smf
            .metrics()
            .value("smf_n1n2_fail_total{cause=\"ue_not_reachable\"}"),
        1
    );
}

#[test]
fn network_requested_release() {
    let mut b = Bench::new();
    let sm_ref = created(b.create(3, "internet", establishment_request(3, None)));
    b.smf.release_session(b.now, &sm_ref, 36).unwrap();
    b.pump();
    assert_eq!(b.upf.sessions().count(), 0);
    let t = b.n1n2.last().unwrap();
    let (_, _, m) = decode_sm(t.n1_message.as_deref().unwrap());
    assert!(matches!(m, Nas5gsmMessage::PduSessionReleaseCommand(_)));
    // No RELEASE COMPLETE: T3592 (16 s) sends the command again four times, N1 only
    // (TS 24.501 §6.3.3.5), then the session is released locally.
    let first = b.n1n2.len();
    b.advance(Duration::from_secs(16 * 4 + 1));
    assert_eq!(b.n1n2.len(), first + 4);
    for t in &b.n1n2[first..] {
        assert!(t.n2_info.is_none());
        let (psi, pti, m) = decode_sm(t.n1_message.as_deref().unwrap());
        assert_eq!((psi, pti), (3, 0));
        assert!(matches!(m, Nas5gsmMessage::PduSessionReleaseCommand(_)));
    }
    assert_eq!(b.smf.sessions(), 1, "still waiting for RELEASE COMPLETE");
    b.advance(Duration::from_secs(16));
    assert_eq!(b.smf.sessions(), 0);
    assert_eq!(b.n1n2.len(), first + 4);
    let m = b.smf.metrics();
    assert_eq!(m.value("smf_nas_retransmissions_total{timer=\"t3592\"}"), 4);
    assert_eq!(m.value("smf_nas_timeouts_total{timer=\"t3592\"}"), 1);
}

#[test]
fn release_complete_stops_t3592() {
    let mut b = Bench::new();
    let sm_ref = created(b.create(3, "internet", establishment_request(3, None)));
    b.smf.release_session(b.now, &sm_ref, 36).unwrap();
    b.pump();
    let sent = b.n1n2.len();
    b.advance(Duration::from_secs(17));
    assert_eq!(b.n1n2.len(), sent + 1, "one retransmission");
    assert!(
        updated(b.update(
            &sm_ref,
            n1_update(sm(NasPduSessionReleaseComplete::new(), 3, 0))
        ))
        .is_none()
    );
    assert_eq!(b.smf.sessions(), 0);
    b.advance(Duration::from_secs(100));
    assert_eq!(
        b.n1n2.len(),
        sent + 1,
        "no retransmission after the completion"
    );
}
