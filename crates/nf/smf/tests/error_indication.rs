//! Error Indication Reports (TS 29.244 §7.5.8.4) acted on by the SMF engine, against the
//! UPF engine in process: the gNB's GTP-U Error Indication for a session's N3 tunnel
//! turns the user plane off (DL FAR buffer + notify), the AN resources are released
//! through the AMF, downlink data then brings the N2 setup transfer again and a Service
//! Request a new tunnel. A report for a tunnel the session has left, for an unknown
//! SEID, or without its IE, and the other sessions of the UPF.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use common::*;
use ferrocore_ngap::transfer::{ReleaseCommandTransfer, SetupRequestTransfer, Transfer};
use ferrocore_ngap::{Cause, CauseTransport, GtpTunnel};
use ferrocore_pfcp::ie::{ErrorIndicationReport, Fteid};
use ferrocore_pfcp::message::{SessionReportRequest, SessionReportResponse};
use ferrocore_pfcp::{Body, Cause as PfcpCause, IeType, Message};
use ferrocore_sbi::namf_communication::NgapIeType;
use ferrocore_sbi::nsmf_pdusession::UpCnxState;
use ferrocore_smf::context::{Phase, UpState};
use ferrocore_smf::{RequestId, SmfResponse};
use ferrocore_upf::Notification;

/// The gNB's second tunnel (another TEID at the same address).
fn second_tunnel() -> GtpTunnel {
    GtpTunnel {
        addr: gnb_tunnel().addr,
        teid: 0x0000_cafe,
    }
}

/// The gNB sends the UPF a GTP-U Error Indication for `tunnel` (TS 29.281 §7.3.1), as the
/// data plane hands it to the control part; the UPF reports it to the SMF.
fn gnb_error_indication(b: &mut Bench, tunnel: GtpTunnel) {
    b.upf.handle_notification(
        b.now,
        Notification::ErrorIndication {
            from: SocketAddr::new(tunnel.addr, 2152),
            teid: tunnel.teid,
            peer: tunnel.addr,
        },
    );
    b.pump();
}

/// An Error Indication Report naming `fteids` from the UPF to the SMF, header SEID
/// `seid`, sequence number `seq`.
fn send_erir(b: &mut Bench, seid: u64, seq: u32, report: Option<Vec<GtpTunnel>>) {
    let fteid = |t: GtpTunnel| match t.addr {
        IpAddr::V4(a) => Fteid::Assigned {
            teid: t.teid,
            ipv4: Some(a),
            ipv6: None,
        },
        IpAddr::V6(a) => Fteid::Assigned {
            teid: t.teid,
            ipv4: None,
            ipv6: Some(a),
        },
    };
    let body = SessionReportRequest {
        report_type: SessionReportRequest::ERIR,
        downlink_data_report: None,
        usage_reports: vec![],
        error_indication_report: report.map(|ts| ErrorIndicationReport {
            remote_fteids: ts.into_iter().map(fteid).collect(),
        }),
    };
    let bytes = ferrocore_pfcp::encode(&Message::session(seid, seq, body)).unwrap();
    b.smf.handle_event(
        b.now,
        ferrocore_smf::Event::Pfcp {
            from: upf_addr(),
            bytes,
        },
    );
    b.pump();
}

/// The SMF's Session Report Responses, with their header SEID and sequence number.
fn report_responses(b: &Bench) -> Vec<(u64, u32, SessionReportResponse)> {
    b.pfcp_log
        .iter()
        .filter(|p| p[1] == SESSION_REPORT_RESPONSE)
        .map(|p| {
            let m = ferrocore_pfcp::decode(p).unwrap();
            match m.body {
                Body::SessionReportResponse(r) => (m.header.seid.unwrap(), m.header.sequence, r),
                other => panic!("{other:?}"),
            }
        })
        .collect()
}

fn erir_count(b: &Bench, outcome: &str) -> u64 {
    b.smf.metrics().value(&format!(
        "smf_error_indication_reports_total{{outcome=\"{outcome}\"}}"
    ))
}

/// The Apply Action the modification `m` gives FAR 2 (the downlink FAR).
fn dl_apply_action(m: &ferrocore_pfcp::message::SessionModificationRequest) -> u16 {
    let far = m
        .update_fars
        .iter()
        .find(|f| f.far_id == 2)
        .expect("an Update FAR for the DL FAR");
    far.apply_action.expect("an Apply Action").0
}

#[test]
fn error_indication_for_the_current_tunnel_deactivates_then_downlink_data_reactivates() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    let up = upf_session(&b, &sm_ref);
    let (mods, transfers) = (modifications_sent(&b).len(), b.n1n2.len());
    let activations = b
        .smf
        .metrics()
        .value("smf_sm_pdu_sess_modification_succ_total");

    gnb_error_indication(&mut b, gnb_tunnel());

    // The report is answered Request accepted with the UPF's SEID.
    let rsp = report_responses(&b);
    assert_eq!(rsp.len(), 1);
    assert_eq!(rsp[0].0, up.up_seid);
    assert_eq!(rsp[0].2.cause, PfcpCause::REQUEST_ACCEPTED);
    assert_eq!(rsp[0].2.offending_ie, None);

    // One PFCP Session Modification: DL FAR buffer + notify the CP.
    let sent = modifications_sent_to(&b);
    assert_eq!(sent.len(), mods + 1);
    let (seid, m) = sent.last().unwrap();
    assert_eq!(*seid, up.up_seid);
    assert_eq!(dl_apply_action(m), BUFF | NOCP);
    assert_eq!(
        dl_far(&b, key(&sm_ref)).apply_action & (FORW | BUFF | NOCP),
        BUFF | NOCP
    );
    let ctx = b.smf.context(&sm_ref).unwrap();
    assert_eq!(ctx.up, UpState::Deactivated);
    assert_eq!(ctx.an_tunnel, None);
    assert_eq!(ctx.phase, Phase::Ready);
    let m = b.smf.metrics();
    assert_eq!(erir_count(&b, "deactivated"), 1);
    assert_eq!(
        m.value("smf_sm_pdu_sess_modification_succ_total"),
        activations + 1
    );

    // The AN resources are released through the AMF: N2 only, Release Command Transfer.
    assert_eq!(b.n1n2.len(), transfers + 1);
    let t = b.n1n2.last().unwrap().clone();
    assert!(t.n1_message.is_none());
    let info = t.data.n2_info_container.unwrap().sm_info.unwrap();
    assert_eq!(info.pdu_session_id, 5);
    assert_eq!(
        info.n2_info_content.unwrap().ngap_ie_type,
        Some(NgapIeType::PduResRelCmd)
    );
    let rel = ReleaseCommandTransfer::decode(t.n2_info.as_deref().unwrap()).unwrap();
    assert_eq!(
        rel.cause,
        Cause::transport(CauseTransport::transport_resource_unavailable)
    );
    // The gNB's answer, through the AMF.
    assert!(updated(b.update(&sm_ref, release_response())).is_none());

    // Downlink data: reported by the UPF, the N2 setup transfer goes to the AMF (paging,
    // or the setup at once for a CM-CONNECTED UE).
    b.upf.handle_notification(
        b.now,
        Notification::DownlinkData {
            up_seid: up.up_seid,
            pdr_id: 2,
        },
    );
    b.pump();
    assert_eq!(b.n1n2.len(), transfers + 2);
    let t = b.n1n2.last().unwrap();
    assert!(t.n1_message.is_none());
    let setup = SetupRequestTransfer::decode(t.n2_info.as_deref().unwrap()).unwrap();
    assert_eq!(setup.ul_tunnel.teid, up.teids()[0]);

    // The UE's Service Request and the gNB's new tunnel: the DL FAR forwards there.
    let u = updated(b.update(&sm_ref, up_state(UpCnxState::Activating))).unwrap();
    assert_eq!(u.data.up_cnx_state, Some(UpCnxState::Activating));
    let u = updated(b.update(&sm_ref, setup_response(second_tunnel()))).unwrap();
    assert_eq!(u.data.up_cnx_state, Some(UpCnxState::Activated));
    let far = dl_far(&b, key(&sm_ref));
    assert_eq!(far.apply_action & FORW, FORW);
    assert!(
        format!("{:?}", far.outer_header).contains("51966"),
        "{far:?}"
    );
    let ctx = b.smf.context(&sm_ref).unwrap();
    assert_eq!(ctx.an_tunnel, Some((0xcafe, gnb_tunnel().addr)));

    // The new tunnel fails as well: the UPF reports it (its earlier report was cleared by
    // the modifications) and the SMF deactivates again.
    gnb_error_indication(&mut b, second_tunnel());
    assert_eq!(erir_count(&b, "deactivated"), 2);
    assert_eq!(b.smf.context(&sm_ref).unwrap().up, UpState::Deactivated);
}

#[test]
fn stale_error_indication_report_leaves_the_new_tunnel_alone() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    let up_seid = upf_session(&b, &sm_ref).up_seid;
    // AN release, Service Request, a new tunnel.
    updated(b.update(&sm_ref, up_state(UpCnxState::Deactivated)));
    updated(b.update(&sm_ref, up_state(UpCnxState::Activating)));
    updated(b.update(&sm_ref, setup_response(second_tunnel())));
    let (mods, transfers) = (modifications_sent(&b).len(), b.n1n2.len());

    // A report for the old tunnel, late.
    send_erir(&mut b, key(&sm_ref), 0x77, Some(vec![gnb_tunnel()]));

    let rsp = report_responses(&b);
    assert_eq!(rsp.len(), 1);
    assert_eq!((rsp[0].0, rsp[0].1), (up_seid, 0x77));
    assert_eq!(rsp[0].2.cause, PfcpCause::REQUEST_ACCEPTED);
    assert_eq!(modifications_sent(&b).len(), mods);
    assert_eq!(b.n1n2.len(), transfers);
    let ctx = b.smf.context(&sm_ref).unwrap();
    assert_eq!(ctx.up, UpState::Activated);
    assert_eq!(ctx.an_tunnel, Some((0xcafe, gnb_tunnel().addr)));
    assert_eq!(dl_far(&b, key(&sm_ref)).apply_action & FORW, FORW);
    assert_eq!(erir_count(&b, "stale_tunnel"), 1);
    assert_eq!(erir_count(&b, "deactivated"), 0);

    // The same TEID at another address is not the session's tunnel either.
    let elsewhere = GtpTunnel {
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 1, 77)),
        teid: second_tunnel().teid,
    };
    send_erir(&mut b, key(&sm_ref), 0x78, Some(vec![elsewhere]));
    assert_eq!(modifications_sent(&b).len(), mods);
    assert_eq!(b.smf.context(&sm_ref).unwrap().up, UpState::Activated);
    assert_eq!(erir_count(&b, "stale_tunnel"), 2);

    // A report listing the old and the current tunnel concerns the current one.
    send_erir(
        &mut b,
        key(&sm_ref),
        0x79,
        Some(vec![gnb_tunnel(), second_tunnel()]),
    );
    assert_eq!(modifications_sent(&b).len(), mods + 1);
    assert_eq!(b.smf.context(&sm_ref).unwrap().up, UpState::Deactivated);
    assert_eq!(erir_count(&b, "deactivated"), 1);
}

#[test]
fn error_indication_report_for_an_idle_session_changes_nothing() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    updated(b.update(&sm_ref, up_state(UpCnxState::Deactivated)));
    let (mods, transfers) = (modifications_sent(&b).len(), b.n1n2.len());

    send_erir(&mut b, key(&sm_ref), 0x80, Some(vec![gnb_tunnel()]));

    assert_eq!(report_responses(&b)[0].2.cause, PfcpCause::REQUEST_ACCEPTED);
    assert_eq!(modifications_sent(&b).len(), mods);
    assert_eq!(b.n1n2.len(), transfers);
    assert_eq!(erir_count(&b, "stale_tunnel"), 1);
}

#[test]
fn error_indication_report_for_an_unknown_seid_is_answered_context_not_found() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    let mods = modifications_sent(&b).len();

    send_erir(&mut b, 0xdead_beef, 9, Some(vec![gnb_tunnel()]));

    let rsp = report_responses(&b);
    assert_eq!(rsp.len(), 1);
    assert_eq!((rsp[0].0, rsp[0].1), (0, 9));
    assert_eq!(rsp[0].2.cause, PfcpCause::SESSION_CONTEXT_NOT_FOUND);
    assert_eq!(modifications_sent(&b).len(), mods);
    assert_eq!(b.smf.context(&sm_ref).unwrap().up, UpState::Activated);
    assert_eq!(erir_count(&b, "unknown_session"), 1);
}

#[test]
fn erir_without_its_error_indication_report_is_rejected() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    let mods = modifications_sent(&b).len();

    send_erir(&mut b, key(&sm_ref), 3, None);

    let rsp = report_responses(&b);
    assert_eq!(rsp[0].2.cause, PfcpCause::CONDITIONAL_IE_MISSING);
    assert_eq!(rsp[0].2.offending_ie, Some(IeType::ERROR_INDICATION_REPORT));
    assert_eq!(modifications_sent(&b).len(), mods);
    assert_eq!(b.smf.context(&sm_ref).unwrap().up, UpState::Activated);
}

#[test]
fn other_sessions_keep_their_user_plane() {
    let mut b = Bench::new();
    let first = active_session(&mut b, 5);
    let second = active_session_on(&mut b, 6, second_tunnel());
    b.supi = "imsi-001010000000002".into();
    let third = active_session_on(
        &mut b,
        5,
        GtpTunnel {
            addr: IpAddr::V4(Ipv4Addr::new(10, 0, 2, 9)),
            teid: gnb_tunnel().teid,
        },
    );
    let mods = modifications_sent(&b).len();

    gnb_error_indication(&mut b, gnb_tunnel());

    // Only the first session's N4 session is modified.
    let sent = modifications_sent_to(&b);
    assert_eq!(sent.len(), mods + 1);
    assert_eq!(sent.last().unwrap().0, upf_session(&b, &first).up_seid);
    assert_eq!(b.smf.context(&first).unwrap().up, UpState::Deactivated);
    for sm_ref in [&second, &third] {
        let ctx = b.smf.context(sm_ref).unwrap();
        assert_eq!(ctx.up, UpState::Activated, "{sm_ref}");
        assert!(ctx.an_tunnel.is_some());
        assert_eq!(dl_far(&b, key(sm_ref)).apply_action & FORW, FORW);
    }
    assert_eq!(erir_count(&b, "deactivated"), 1);
    assert_eq!(erir_count(&b, "stale_tunnel"), 0);
}

#[test]
fn an_release_during_the_deactivation_is_answered_with_it() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    let transfers = b.n1n2.len();

    // The UPF's report reaches the SMF, the SMF's modification is lost.
    b.upf_up = false;
    gnb_error_indication(&mut b, gnb_tunnel());
    assert!(matches!(
        b.smf.context(&sm_ref).unwrap().phase,
        Phase::Modifying { request: None, .. }
    ));

    // Meanwhile the AMF releases the AN: answered once the UPF has buffered.
    let id: RequestId = b.send(ferrocore_smf::SmfRequest::Update {
        sm_context_ref: sm_ref.clone(),
        update: up_state(UpCnxState::Deactivated),
    });
    assert!(!b.responses.contains_key(&id));
    b.upf_up = true;
    b.advance(Duration::from_secs(5));
    match b.responses.remove(&id) {
        Some(SmfResponse::Updated(Ok(Some(u)))) => {
            assert_eq!(u.data.up_cnx_state, Some(UpCnxState::Deactivated))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        dl_far(&b, key(&sm_ref)).apply_action & (BUFF | NOCP),
        BUFF | NOCP
    );
    assert_eq!(b.smf.context(&sm_ref).unwrap().up, UpState::Deactivated);
    // The AN is released already: nothing for the AMF.
    assert_eq!(b.n1n2.len(), transfers);
}
