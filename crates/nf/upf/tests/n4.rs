//! N4 procedures against `UpfControl`, the SMF side built with ferrocore-pfcp.

mod common;

use std::net::Ipv4Addr;
use std::time::Duration;

use common::*;
use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Cause, IeType, Message, decode, encode};
use ferrocore_upf::{Channel, Event, Notification, Verdict};

#[test]
fn association_setup_answers_with_our_node_recovery_and_features() {
    let mut upf = Upf::new();
    let r = upf.associate();
    assert_eq!(r.cause, Cause::REQUEST_ACCEPTED);
    assert_eq!(r.node_id, NodeId::Ipv4(Ipv4Addr::new(10, 0, 0, 2)));
    assert_eq!(r.recovery_time_stamp, UPF_RTS);
    let f = r.up_function_features.expect("UP function features").0;
    assert_eq!(f[0] & 0x10, 0x10, "FTUP");
    assert_eq!(f[2] & 0x04, 0x04, "UEIP (a pool is configured)");
    assert!(matches!(
        upf.cp.poll_event(),
        Some(Event::AssociationSetUp { .. })
    ));
}

#[test]
fn session_establishment_needs_an_association() {
    let mut upf = Upf::new();
    let (h, r) = upf.establish(establishment(77));
    assert_eq!(r.cause, Cause::NO_ESTABLISHED_PFCP_ASSOCIATION);
    assert_eq!(h.seid, Some(77));
    assert!(upf.table.is_empty());
}

/// Establishment, then FAR forward -> buffer -> forward with the buffered packets
/// released, then deletion with the final usage report.
#[test]
fn session_lifecycle_with_buffering() {
    let mut upf = Upf::new();
    upf.associate();
    let (h, r) = upf.establish(establishment(0xAA));
    assert_eq!(r.cause, Cause::REQUEST_ACCEPTED, "{r:?}");
    assert_eq!(h.seid, Some(0xAA), "response carries the CP SEID");
    let up = r.up_fseid.as_ref().expect("UP F-SEID");
    assert_eq!(up.ipv4, Some(Ipv4Addr::new(10, 0, 0, 2)));
    let up_seid = up.seid;
    assert_eq!(
        r.created_pdrs.len(),
        1,
        "only the CH PDR: {:?}",
        r.created_pdrs
    );
    let teid = created_teid(&r, 1);
    assert!(matches!(
        r.created_pdrs[0].local_fteid,
        Some(Fteid::Assigned { ipv4: Some(N3), .. })
    ));
    assert_eq!(upf.table.len(), (1, 1, 0));
    let state = upf.cp.session(up_seid).expect("state");
    assert_eq!(
        (state.cp_seid, state.pdrs.len(), state.fars.len()),
        (0xAA, 2, 2)
    );
    // The state is plain data.
    let json = serde_json::to_string(state).unwrap();
    assert!(json.contains("\"cp_seid\":170"));

    // Forwarding both ways.
    let ul = ipv4_udp(UE, Ipv4Addr::new(8, 8, 8, 8), 4000, 53, 100);
    let (v, buf) = upf.uplink(teid, 9, &ul);
    let Verdict::N6 { range } = v else {
        panic!("{v:?}")
    };
    assert_eq!(&buf[range], &ul[..]);
    let dl = ipv4_udp(Ipv4Addr::new(8, 8, 8, 8), UE, 53, 4000, 100);
    assert!(matches!(upf.downlink(&dl).0, Verdict::N3 { .. }));

    // FAR 2 buffers (idle UE) and notifies the CP function.
    let buffer = UpdateFar {
        far_id: 2,
        apply_action: Some(ApplyAction(ApplyAction::BUFF.0 | ApplyAction::NOCP.0)),
        update_forwarding_parameters: None,
        bar_id: None,
    };
    let (n3, m) = upf.modify(
        up_seid,
        SessionModificationRequest {
            update_fars: vec![buffer],
            ..empty_modification()
        },
    );
    assert_eq!(m.cause, Cause::REQUEST_ACCEPTED, "{m:?}");
    assert!(n3.is_empty());
    let mut sent = Vec::new();
    for i in 0..3 {
        let p = ipv4_udp(
            Ipv4Addr::new(8, 8, 8, 8),
            UE,
            53,
            4000 + i,
            50 + usize::from(i),
        );
        assert_eq!(upf.downlink(&p).0, Verdict::Buffered);
        sent.push(p);
    }
    // One downlink data report for the three packets.
    let n = upf.dp.poll_notification().expect("notification");
    assert_eq!(n, Notification::DownlinkData { up_seid, pdr_id: 2 });
    assert_eq!(upf.dp.poll_notification(), None);
    upf.cp.handle_notification(upf.now, n);
    let out = upf.drain();
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0].dst,
        "10.0.0.1:8805".parse().unwrap(),
        "to the CP F-SEID address"
    );
    let rep = decode(&out[0].payload).unwrap();
    assert_eq!(rep.header.seid, Some(0xAA));
    let Body::SessionReportRequest(rr) = &rep.body else {
        panic!("{rep:?}")
    };
    assert_eq!(rr.report_type, 0x01, "DLDR");
    assert_eq!(
        rr.downlink_data_report.as_ref().unwrap().pdr_ids.as_slice(),
        &[2]
    );
    // The SMF acknowledges.
    let ack = report_accepted(up_seid, rep.header.sequence);
    assert!(upf.raw(&encode(&ack).unwrap()).is_empty());
    assert_eq!(upf.cp.stats().unexpected_responses, 0);

    // The UE is back: FAR 2 forwards to a new gNB TEID; the three packets come out.
    let forward = UpdateFar {
        apply_action: Some(ApplyAction::FORW),
        ..update_far_tunnel(2, 0x5678, GNB)
    };
    let (n3, m) = upf.modify(
        up_seid,
        SessionModificationRequest {
            update_fars: vec![forward],
            ..empty_modification()
        },
    );
    assert_eq!(m.cause, Cause::REQUEST_ACCEPTED);
    assert_eq!(n3.len(), 3, "buffered packets released");
    for (t, p) in n3.iter().zip(&sent) {
        assert_eq!(t.dst, gnb());
        let d = ferrocore_gtpu::decap(&t.payload).unwrap();
        assert_eq!((d.teid, d.qfi.map(|q| q.value())), (0x5678, Some(9)));
        assert_eq!(&t.payload[d.payload], &p[..]);
    }
    assert_eq!(upf.cp.stats().released, 3);
    // And new packets flow directly.
    let (v, frame) = upf.downlink(&dl);
    let Verdict::N3 { range, .. } = v else {
        panic!("{v:?}")
    };
    assert_eq!(ferrocore_gtpu::decap(&frame[range]).unwrap().teid, 0x5678);

    // Deletion: final usage report (TERMR) with what URR 1 counted, TEID freed.
    let d = upf.delete(up_seid);
    assert_eq!(d.cause, Cause::REQUEST_ACCEPTED);
    assert_eq!(d.usage_reports.len(), 1);
    let u = &d.usage_reports[0];
    assert_eq!(
        u.trigger.0 & UsageReportTrigger::TERMR,
        UsageReportTrigger::TERMR
    );
    let vm = u.volume_measurement.unwrap();
    // Uplink 128 + downlink 128 twice + the three released (78, 79, 80).
    assert_eq!(vm.uplink, Some(128));
    assert_eq!(vm.downlink, Some(128 * 2 + 78 + 79 + 80));
    assert_eq!(vm.total_packets, Some(6));
    assert!(upf.table.is_empty());
    assert_eq!(upf.cp.live_teids(), 0);
    assert!(
        matches!(upf.uplink(teid, 9, &ul).0, Verdict::Reply { .. }),
        "unknown TEID now"
    );
    // Deleting again: context not found.
    assert_eq!(upf.delete(up_seid).cause, Cause::SESSION_CONTEXT_NOT_FOUND);
}

#[test]
fn modification_creates_removes_and_queries_rules() {
    let mut upf = Upf::new();
    upf.associate();
    let (_, r) = upf.establish(establishment(1));
    let up_seid = r.up_fseid.as_ref().unwrap().seid;
    let teid = created_teid(&r, 1);
    let ul = ipv4_udp(UE, Ipv4Addr::new(1, 1, 1, 1), 1, 2, 72);
    assert!(matches!(upf.uplink(teid, 9, &ul).0, Verdict::N6 { .. }));

    // A second uplink PDR sharing CHOOSE ID 1 gets the same TEID; query URR 1.
    let mut m = empty_modification();
    m.create_pdrs = vec![ul_pdr(3, 10, Some("permit out 6 from any to assigned"))];
    m.query_urrs = vec![QueryUrr { urr_id: 1 }];
    let (_, resp) = upf.modify(up_seid, m);
    assert_eq!(resp.cause, Cause::REQUEST_ACCEPTED, "{resp:?}");
    assert_eq!(resp.created_pdrs.len(), 1);
    assert!(
        matches!(resp.created_pdrs[0].local_fteid, Some(Fteid::Assigned { teid: t, .. }) if t == teid)
    );
    assert_eq!(resp.usage_reports.len(), 1);
    assert_eq!(
        resp.usage_reports[0].volume_measurement.unwrap().uplink,
        Some(100)
    );
    assert_eq!(resp.usage_reports[0].trigger.0, UsageReportTrigger::IMMER);
    assert_eq!(upf.cp.live_teids(), 1);

    // Naming a FAR the session lacks: rule creation failure, nothing changes.
    let mut m = empty_modification();
    m.update_pdrs = vec![UpdatePdr {
        pdr_id: 1,
        outer_header_removal: None,
        precedence: None,
        pdi: None,
        far_id: Some(99),
        urr_ids: Default::default(),
        qer_ids: Default::default(),
    }];
    let (_, resp) = upf.modify(up_seid, m);
    assert_eq!(resp.cause, Cause::RULE_CREATION_MODIFICATION_FAILURE);
    assert_eq!(resp.offending_ie, Some(IeType::FAR_ID));
    assert!(matches!(upf.uplink(teid, 9, &ul).0, Verdict::N6 { .. }));

    // Removing an unknown rule is refused; removing the URR reports its usage.
    let mut m = empty_modification();
    m.remove_qers = vec![RemoveQer { qer_id: 42 }];
    assert_eq!(
        upf.modify(up_seid, m).1.offending_ie,
        Some(IeType::REMOVE_QER)
    );
    let mut m = empty_modification();
    m.remove_urrs = vec![RemoveUrr { urr_id: 1 }];
    let mut upd = |id| UpdatePdr {
        pdr_id: id,
        outer_header_removal: None,
        precedence: None,
        pdi: None,
        far_id: None,
        urr_ids: Default::default(),
        qer_ids: Default::default(),
    };
    m.update_pdrs = vec![upd(1)];
    let _ = &mut upd;
    // PDRs 1-3 still name URR 1: refused.
    assert_eq!(upf.modify(up_seid, m).1.offending_ie, Some(IeType::URR_ID));
    // Removing PDR 3 and the FAR-less rules keeps the TEID (PDR 1 holds it).
    let mut m = empty_modification();
    m.remove_pdrs = vec![RemovePdr { pdr_id: 3 }];
    assert_eq!(upf.modify(up_seid, m).1.cause, Cause::REQUEST_ACCEPTED);
    assert_eq!(upf.cp.live_teids(), 1);
    // Unknown SEID.
    let (_, resp) = upf.modify(0xdead, empty_modification());
    assert_eq!(resp.cause, Cause::SESSION_CONTEXT_NOT_FOUND);
}

#[test]
fn ue_address_chosen_from_the_pool_once_per_session() {
    let mut upf = Upf::new();
    upf.associate();
    let mut req = establishment(5);
    for p in &mut req.create_pdrs {
        p.pdi.ue_ip_address = Some(UeIpAddress {
            ipv4: Some(UeAddr::Choose),
            destination: p.pdi.source_interface == Interface::Core,
            ..Default::default()
        });
    }
    let (_, r) = upf.establish(req);
    assert_eq!(r.cause, Cause::REQUEST_ACCEPTED, "{r:?}");
    let addrs: Vec<Ipv4Addr> = r
        .created_pdrs
        .iter()
        .filter_map(|c| match c.ue_ip_address.as_ref()?.ipv4 {
            Some(UeAddr::Address(a)) => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(addrs, [Ipv4Addr::new(10, 46, 0, 1); 2]);
    let dl = ipv4_udp(Ipv4Addr::new(8, 8, 8, 8), addrs[0], 1, 2, 10);
    assert!(matches!(upf.downlink(&dl).0, Verdict::N3 { .. }));
}

#[test]
fn teids_are_unique_while_live_and_freed_on_deletion() {
    let mut upf = Upf::new();
    upf.associate();
    let mut teids = std::collections::HashSet::new();
    let mut seids = Vec::new();
    for i in 0..200u64 {
        // Distinct UE addresses.
        let ue = Ipv4Addr::from_bits(UE.to_bits() + i as u32);
        let req = with_ue(establishment(1000 + i), ue);
        let (_, r) = upf.establish(req);
        assert_eq!(r.cause, Cause::REQUEST_ACCEPTED);
        assert!(teids.insert(created_teid(&r, 1)), "TEID reused while live");
        seids.push(r.up_fseid.unwrap().seid);
    }
    assert_eq!(upf.cp.live_teids(), 200);
    for s in seids {
        assert_eq!(upf.delete(s).cause, Cause::REQUEST_ACCEPTED);
    }
    assert_eq!(upf.cp.live_teids(), 0);
    assert!(upf.table.is_empty());
}

#[test]
fn conflicting_rules_are_refused_with_the_offending_ie() {
    let mut upf = Upf::new();
    upf.associate();
    // FORW without Forwarding Parameters: conditional IE missing.
    let mut req = establishment(9);
    req.create_fars[0].forwarding_parameters = None;
    let (_, r) = upf.establish(req);
    assert_eq!(r.cause, Cause::CONDITIONAL_IE_MISSING);
    assert_eq!(r.offending_ie, Some(IeType::FORWARDING_PARAMETERS));
    // An SDF filter outside the supported syntax.
    let mut req = establishment(9);
    req.create_pdrs[0] = ul_pdr(1, 255, Some("permit out ip from any to any frag"));
    let (_, r) = upf.establish(req);
    assert_eq!(r.cause, Cause::RULE_CREATION_MODIFICATION_FAILURE);
    assert_eq!(r.offending_ie, Some(IeType::SDF_FILTER));
    // The UE address held by another session.
    assert_eq!(
        upf.establish(establishment(10)).1.cause,
        Cause::REQUEST_ACCEPTED
    );
    let (_, r) = upf.establish(establishment(11));
    assert_eq!(r.cause, Cause::RULE_CREATION_MODIFICATION_FAILURE);
    assert_eq!(r.offending_ie, Some(IeType::UE_IP_ADDRESS));
    // Nothing leaked from the refused attempts.
    assert_eq!(upf.cp.live_teids(), 1);
}

#[test]
fn retransmitted_request_gets_the_same_response_once_processed() {
    let mut upf = Upf::new();
    upf.associate();
    let bytes = encode(&Message::session(0, 555, establishment(3))).unwrap();
    let a = upf.raw(&bytes);
    let b = upf.raw(&bytes);
    assert_eq!(a, b);
    assert_eq!(upf.cp.sessions().count(), 1);
    assert_eq!(upf.cp.stats().duplicates, 1);
    // After T1 x N1 the cache forgets it.
    upf.now += Duration::from_secs(10);
    upf.cp.handle_timeout(upf.now);
    let _ = upf.drain();
    let c = upf.raw(&bytes);
    assert_eq!(decode(&c[0].payload).unwrap().header.sequence, 555);
    assert_eq!(
        upf.cp.sessions().count(),
        1,
        "same CP F-SEID: the old session was replaced"
    );
}

#[test]
fn heartbeats_both_ways_and_smf_restart_detection() {
    let mut upf = Upf::new();
    upf.associate();
    let (_, r) = upf.establish(establishment(1));
    let up_seid = r.up_fseid.as_ref().unwrap().seid;
    while upf.cp.poll_event().is_some() {}

    // SMF -> UPF heartbeat, same recovery time stamp.
    let resp = upf.ask(Message::node(
        7,
        HeartbeatRequest {
            recovery_time_stamp: SMF_RTS,
        },
    ));
    assert_eq!(
        resp.body,
        Body::HeartbeatResponse(HeartbeatResponse {
            recovery_time_stamp: UPF_RTS
        })
    );
    assert_eq!(upf.cp.poll_event(), None);

    // UPF -> SMF heartbeat when due; the SMF answers with a new recovery time stamp.
    let due = upf.cp.poll_timeout().expect("a timer");
    assert!(due <= upf.now + Duration::from_secs(10));
    upf.now += Duration::from_secs(10);
    upf.cp.handle_timeout(upf.now);
    let out = upf.drain();
    assert_eq!(out.len(), 1);
    let hb = decode(&out[0].payload).unwrap();
    assert!(matches!(
        hb.body,
        Body::HeartbeatRequest(HeartbeatRequest {
            recovery_time_stamp: UPF_RTS
        })
    ));
    let answer = Message::node(
        hb.header.sequence,
        HeartbeatResponse {
            recovery_time_stamp: SMF_RTS + 60,
        },
    );
    assert!(upf.raw(&encode(&answer).unwrap()).is_empty());
    let mut events: Vec<Event> = std::iter::from_fn(|| upf.cp.poll_event()).collect();
    events.sort_by_key(|e| format!("{e:?}"));
    assert!(events.contains(&Event::PeerRestarted {
        node: ferrocore_upf::NodeKey::Ipv4(Ipv4Addr::new(10, 0, 0, 1)),
        previous: SMF_RTS,
        current: SMF_RTS + 60,
        sessions_deleted: 1,
    }));
    assert!(events.contains(&Event::SessionDeleted { up_seid }));
    assert!(upf.cp.session(up_seid).is_none());
    assert!(upf.table.is_empty());

    // No answers at all: N1 retransmissions, then the peer is unreachable.
    upf.now += Duration::from_secs(10);
    upf.cp.handle_timeout(upf.now);
    let first = upf.drain();
    assert_eq!(first.len(), 1);
    let mut retrans = 0;
    for _ in 0..10 {
        upf.now += Duration::from_secs(3);
        upf.cp.handle_timeout(upf.now);
        retrans += upf
            .drain()
            .iter()
            .filter(|t| t.payload == first[0].payload)
            .count();
        if let Some(e) = upf.cp.poll_event() {
            assert!(matches!(e, Event::PeerUnreachable { .. }), "{e:?}");
            break;
        }
    }
    assert_eq!(retrans, 3, "N1 retransmissions of the same bytes");
}

#[test]
fn restart_seen_in_a_new_association_setup_purges_old_sessions() {
    let mut upf = Upf::new();
    upf.associate();
    upf.establish(establishment(1));
    let resp = upf.ask(Message::node(
        9,
        AssociationSetupRequest {
            node_id: smf_node(),
            recovery_time_stamp: SMF_RTS + 1,
            up_function_features: None,
            cp_function_features: None,
        },
    ));
    assert!(
        matches!(resp.body, Body::AssociationSetupResponse(ref r) if r.cause == Cause::REQUEST_ACCEPTED)
    );
    assert_eq!(upf.cp.sessions().count(), 0);
}

#[test]
fn association_release_deletes_the_nodes_sessions() {
    let mut upf = Upf::new();
    upf.associate();
    upf.establish(establishment(1));
    let resp = upf.ask(Message::node(
        9,
        AssociationReleaseRequest {
            node_id: smf_node(),
        },
    ));
    assert!(
        matches!(resp.body, Body::AssociationReleaseResponse(ref r) if r.cause == Cause::REQUEST_ACCEPTED)
    );
    assert_eq!(upf.cp.sessions().count(), 0);
    let resp = upf.ask(Message::node(
        10,
        AssociationReleaseRequest {
            node_id: smf_node(),
        },
    ));
    assert!(
        matches!(resp.body, Body::AssociationReleaseResponse(ref r) if r.cause == Cause::NO_ESTABLISHED_PFCP_ASSOCIATION)
    );
    let resp = upf.ask(Message::node(
        11,
        AssociationUpdateRequest {
            node_id: smf_node(),
            up_function_features: None,
            cp_function_features: None,
            release_request: None,
            graceful_release_period: None,
        },
    ));
    assert!(
        matches!(resp.body, Body::AssociationUpdateResponse(ref r) if r.cause == Cause::NO_ESTABLISHED_PFCP_ASSOCIATION)
    );
}

#[test]
fn volume_threshold_sends_a_usage_report() {
    let mut upf = Upf::new();
    upf.associate();
    let (_, r) = upf.establish(establishment(0x42));
    let up_seid = r.up_fseid.as_ref().unwrap().seid;
    let teid = created_teid(&r, 1);
    // Threshold 10,000 octets: 9 x 1028 below, the 10th crosses it.
    let ul = ipv4_udp(UE, Ipv4Addr::new(1, 1, 1, 1), 1, 2, 1000);
    for _ in 0..9 {
        upf.uplink(teid, 9, &ul);
    }
    assert_eq!(upf.dp.poll_notification(), None);
    upf.uplink(teid, 9, &ul);
    upf.uplink(teid, 9, &ul);
    let n = upf.dp.poll_notification().expect("threshold reached");
    assert_eq!(n, Notification::VolumeThreshold { up_seid, urr_id: 1 });
    assert_eq!(upf.dp.poll_notification(), None, "one report per crossing");
    upf.cp.handle_notification(upf.now, n);
    let out = upf.drain();
    let rep = decode(&out[0].payload).unwrap();
    let Body::SessionReportRequest(rr) = rep.body else {
        panic!()
    };
    assert_eq!(rr.report_type, 0x02, "USAR");
    let u = &rr.usage_reports[0];
    assert_eq!(
        (u.urr_id, u.ur_seqn, u.trigger.0),
        (1, 0, UsageReportTrigger::VOLTH)
    );
    assert_eq!(u.volume_measurement.unwrap().uplink, Some(11 * 1028));
    // The counters restarted: the next crossing is a new report, UR-SEQN 1.
    for _ in 0..10 {
        upf.uplink(teid, 9, &ul);
    }
    let n = upf.dp.poll_notification().expect("second crossing");
    upf.cp.handle_notification(upf.now, n);
    let rep = decode(&upf.drain()[0].payload).unwrap();
    let Body::SessionReportRequest(rr) = rep.body else {
        panic!()
    };
    assert_eq!(rr.usage_reports[0].ur_seqn, 1);
    // Unanswered: retransmitted, then reported as failed.
    for _ in 0..6 {
        upf.now += Duration::from_secs(3);
        upf.cp.handle_timeout(upf.now);
    }
    let events: Vec<Event> = std::iter::from_fn(|| upf.cp.poll_event()).collect();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ReportFailed { cause: None, .. })),
        "{events:?}"
    );
    let _ = Channel::N4;
}

/// `establishment(cp_seid)` with the UE IPv4 address `ue` (`None`: CHV4) and `dl_teid`
/// as the gNB's downlink TEID.
fn establishment_ue(
    cp_seid: u64,
    ue: Option<Ipv4Addr>,
    dl_teid: u32,
) -> SessionEstablishmentRequest {
    let mut req = establishment(cp_seid);
    for p in &mut req.create_pdrs {
        p.pdi.ue_ip_address = Some(UeIpAddress {
            ipv4: Some(ue.map_or(UeAddr::Choose, UeAddr::Address)),
            destination: p.pdi.source_interface == Interface::Core,
            ..Default::default()
        });
    }
    req.create_fars[1] = CreateFar {
        forwarding_parameters: Some(ForwardingParameters {
            destination_interface: Interface::Access,
            network_instance: None,
            outer_header_creation: Some(OuterHeaderCreation::gtpu_ipv4(dl_teid, GNB)),
            transport_level_marking: None,
        }),
        ..dl_far(2, ApplyAction::FORW)
    };
    req
}

fn chosen_ue(r: &SessionEstablishmentResponse) -> Ipv4Addr {
    r.created_pdrs
        .iter()
        .find_map(|c| match c.ue_ip_address.as_ref()?.ipv4 {
            Some(UeAddr::Address(a)) => Some(a),
            _ => None,
        })
        .expect("a chosen UE address")
}

/// The gNB TEID a downlink packet for `ue` is tunnelled to, if any.
fn downlink_teid(upf: &mut Upf, ue: Ipv4Addr) -> Option<u32> {
    let dl = ipv4_udp(Ipv4Addr::new(8, 8, 8, 8), ue, 1, 2, 10);
    match upf.downlink(&dl) {
        (Verdict::N3 { range, .. }, frame) => {
            let g = &frame[range];
            Some(u32::from_be_bytes(g[4..8].try_into().unwrap()))
        }
        _ => None,
    }
}

/// Regression for the fuzz finding `chv4_address_already_given_by_the_smf`: an address
/// the SMF gives inside the CHV4 pool is claimed there, never chosen for another session
/// while held, refused to a second session, and freed with its session only.
#[test]
fn smf_assigned_address_in_the_pool_is_claimed_and_released_with_its_session() {
    let mut upf = Upf::new();
    upf.associate();
    // A CHV4 session first: the pool's cursor is now on 10.46.0.2.
    let (_, r) = upf.establish(establishment_ue(20, None, 0x1000));
    assert_eq!(r.cause, Cause::REQUEST_ACCEPTED, "{r:?}");
    assert_eq!(chosen_ue(&r), Ipv4Addr::new(10, 46, 0, 1));
    // Session 1: the SMF gives 10.46.0.2, inside the pool.
    let given = Ipv4Addr::new(10, 46, 0, 2);
    let (_, r1) = upf.establish(establishment_ue(21, Some(given), 0x1001));
    assert_eq!(r1.cause, Cause::REQUEST_ACCEPTED, "{r1:?}");
    let s1 = r1.up_fseid.unwrap().seid;
    // Session 2 asks for CHV4: never the address session 1 holds.
    let (_, r2) = upf.establish(establishment_ue(22, None, 0x1002));
    assert_eq!(r2.cause, Cause::REQUEST_ACCEPTED, "{r2:?}");
    let s2 = r2.up_fseid.as_ref().unwrap().seid;
    let chosen = chosen_ue(&r2);
    assert_ne!(chosen, given);
    assert_eq!(downlink_teid(&mut upf, given), Some(0x1001));
    assert_eq!(downlink_teid(&mut upf, chosen), Some(0x1002));
    // Another session given the same address is refused, naming the UE IP Address IE
    // (TS 29.244 §8.2.1, §7.5.3.1), and leaks nothing.
    let teids = upf.cp.live_teids();
    let (_, r) = upf.establish(establishment_ue(23, Some(given), 0x1003));
    assert_eq!(r.cause, Cause::RULE_CREATION_MODIFICATION_FAILURE);
    assert_eq!(r.offending_ie, Some(IeType::UE_IP_ADDRESS));
    assert_eq!(upf.cp.live_teids(), teids);
    // Deleting session 2 leaves session 1's address routed to session 1.
    assert_eq!(upf.delete(s2).cause, Cause::REQUEST_ACCEPTED);
    assert_eq!(downlink_teid(&mut upf, given), Some(0x1001));
    assert_eq!(downlink_teid(&mut upf, chosen), None);
    // A modification that keeps the address keeps the claim.
    let mut req = empty_modification();
    req.update_pdrs.push(UpdatePdr {
        pdr_id: 2,
        outer_header_removal: None,
        precedence: None,
        pdi: Some(Box::new(
            establishment_ue(21, Some(given), 0x1001).create_pdrs[1]
                .pdi
                .clone(),
        )),
        far_id: None,
        urr_ids: Default::default(),
        qer_ids: Default::default(),
    });
    let (_, m) = upf.modify(s1, req);
    assert_eq!(m.cause, Cause::REQUEST_ACCEPTED, "{m:?}");
    let (_, r) = upf.establish(establishment_ue(24, Some(given), 0x1004));
    assert_eq!(r.cause, Cause::RULE_CREATION_MODIFICATION_FAILURE);
    assert_eq!(downlink_teid(&mut upf, given), Some(0x1001));
    // Deleting session 1 frees the address: given again, it is accepted.
    assert_eq!(upf.delete(s1).cause, Cause::REQUEST_ACCEPTED);
    assert_eq!(downlink_teid(&mut upf, given), None);
    let (_, r) = upf.establish(establishment_ue(25, Some(given), 0x1005));
    assert_eq!(r.cause, Cause::REQUEST_ACCEPTED, "{r:?}");
    assert_eq!(downlink_teid(&mut upf, given), Some(0x1005));
}
