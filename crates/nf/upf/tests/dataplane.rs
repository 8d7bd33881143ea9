//! The packet path through sessions installed over N4.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use common::*;
use ferrocore_gtpu::{Message, PduSessionContainer, Repr, decap};
use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Cause, Message as Pfcp};
use ferrocore_upf::{DropReason, Signal, Verdict};

/// A UPF associated with the SMF, with the session `req`: (UP SEID, uplink TEID).
fn session(upf: &mut Upf, req: SessionEstablishmentRequest) -> (u64, u32) {
    upf.associate();
    upf.session(req)
}

#[test]
fn uplink_and_downlink_through_a_session() {
    let mut upf = Upf::new();
    let (_, teid) = session(&mut upf, establishment(1));
    let dns = Ipv4Addr::new(8, 8, 8, 8);

    // Uplink: the inner packet, byte for byte, out of N6.
    let ul = ipv4_udp(UE, dns, 40000, 53, 1372);
    let (v, buf) = upf.uplink(teid, 9, &ul);
    assert_eq!(
        v,
        Verdict::N6 {
            range: 16..16 + ul.len()
        }
    );
    assert_eq!(&buf[16..16 + ul.len()], &ul[..]);

    // Downlink: G-PDU to the gNB's F-TEID with a DL PDU Session Container, QFI 9.
    let dl = ipv4_udp(dns, UE, 53, 40000, 1372);
    let (v, frame) = upf.downlink(&dl);
    let Verdict::N3 { dst, range } = v else {
        panic!("{v:?}")
    };
    assert_eq!(dst, gnb());
    assert_eq!(range, 0..frame.len(), "header fills the headroom exactly");
    let g = &frame[range];
    let repr = Repr::parse_bytes(g).unwrap();
    assert_eq!(repr.message, Message::GPdu);
    assert_eq!(repr.teid, GNB_TEID);
    match repr.pdu_session {
        Some(PduSessionContainer::Downlink(d)) => assert_eq!(d.qfi.value(), 9),
        p => panic!("{p:?}"),
    }
    let d = decap(g).unwrap();
    assert_eq!(&g[d.payload], &dl[..]);
    let s = upf.dp.stats();
    assert_eq!((s.ul_packets, s.dl_packets), (1, 1));
    assert_eq!(
        (s.ul_octets, s.dl_octets),
        (ul.len() as u64, dl.len() as u64)
    );

    // Wrong QFI: the uplink PDR asks for QFI 9.
    assert_eq!(upf.uplink(teid, 5, &ul).0, Verdict::Drop(DropReason::NoPdr));
    // Downlink for another address.
    let other = ipv4_udp(dns, Ipv4Addr::new(10, 45, 0, 8), 53, 1, 10);
    assert_eq!(upf.downlink(&other).0, Verdict::Drop(DropReason::UnknownUe));
    assert_eq!(
        upf.downlink(&[0x45, 0, 0]).0,
        Verdict::Drop(DropReason::Malformed)
    );
}

#[test]
fn sdf_filters_pick_the_pdr_by_precedence() {
    let mut upf = Upf::new();
    let mut req = establishment(1);
    // Precedence 10: UDP to port 53 is dropped; 20: anything TCP to 10.9.0.0/16 is
    // dropped; 255 (catch-all): forwarded.
    req.create_pdrs.push(ul_pdr(
        11,
        10,
        Some("permit out 17 from any 53 to assigned"),
    ));
    req.create_pdrs.push(ul_pdr(
        12,
        20,
        Some("permit out 6 from 10.9.0.0/16 to assigned"),
    ));
    req.create_pdrs[2].far_id = Some(9);
    req.create_pdrs[3].far_id = Some(9);
    req.create_fars.push(drop_far(9));
    let (_, teid) = session(&mut upf, req);
    let tcp = |dst: Ipv4Addr, dport| {
        let mut p = ipv4_udp(UE, dst, 3333, dport, 20);
        p[9] = 6;
        p
    };
    let far = Ipv4Addr::new(1, 2, 3, 4);
    assert_eq!(
        upf.uplink(teid, 9, &ipv4_udp(UE, far, 1000, 53, 10)).0,
        Verdict::Drop(DropReason::FarDrop)
    );
    assert!(matches!(
        upf.uplink(teid, 9, &ipv4_udp(UE, far, 1000, 54, 10)).0,
        Verdict::N6 { .. }
    ));
    assert_eq!(
        upf.uplink(teid, 9, &tcp(Ipv4Addr::new(10, 9, 3, 3), 80)).0,
        Verdict::Drop(DropReason::FarDrop)
    );
    assert!(matches!(
        upf.uplink(teid, 9, &tcp(Ipv4Addr::new(10, 8, 3, 3), 80)).0,
        Verdict::N6 { .. }
    ));
    // A packet from another UE address does not match `assigned`: catch-all.
    let spoof = ipv4_udp(Ipv4Addr::new(10, 45, 9, 9), far, 1000, 53, 10);
    assert!(matches!(upf.uplink(teid, 9, &spoof).0, Verdict::N6 { .. }));

    // Raising the catch-all above the filters (Update PDR precedence) forwards all.
    let mut m = empty_modification();
    m.update_pdrs.push(UpdatePdr {
        pdr_id: 1,
        outer_header_removal: None,
        precedence: Some(1),
        pdi: None,
        far_id: None,
        urr_ids: Default::default(),
        qer_ids: Default::default(),
    });
    let seid = upf.cp.sessions().next().unwrap().up_seid;
    assert_eq!(upf.modify(seid, m).1.cause, Cause::REQUEST_ACCEPTED);
    assert!(matches!(
        upf.uplink(teid, 9, &ipv4_udp(UE, far, 1000, 53, 10)).0,
        Verdict::N6 { .. }
    ));
}

#[test]
fn downlink_sdf_filters_and_ipv6() {
    let mut upf = Upf::new();
    let mut req = establishment(1);
    let ue6: std::net::Ipv6Addr = "2001:db8:1:2::7".parse().unwrap();
    let pdr = &mut req.create_pdrs[1];
    pdr.pdi.ue_ip_address.as_mut().unwrap().ipv6 = Some(UeAddr::Address(ue6));
    pdr.pdi.sdf_filters = vec![SdfFilter {
        flow_description: Some("permit out 17 from 2001:db8:ffff::/48 to assigned".into()),
        ..Default::default()
    }]
    .into();
    session(&mut upf, req);
    let dn: std::net::Ipv6Addr = "2001:db8:ffff::1".parse().unwrap();
    // Another address in the UE's /64.
    let other = "2001:db8:1:2::99".parse().unwrap();
    let mut p = ipv6(dn, other, 17, 53, 4000, &[]);
    let (v, frame) = upf.downlink(&p);
    let Verdict::N3 { range, .. } = v else {
        panic!("{v:?}")
    };
    assert_eq!(&frame[range][16..], &p[..]);
    p[6] = 6;
    assert_eq!(upf.downlink(&p).0, Verdict::Drop(DropReason::NoPdr));
}

#[test]
fn unknown_teid_gets_an_error_indication() {
    let mut upf = Upf::new();
    session(&mut upf, establishment(1));
    let inner = ipv4_udp(UE, Ipv4Addr::new(1, 1, 1, 1), 1, 2, 30);
    let (v, buf) = upf.uplink(0xdead_beef, 9, &inner);
    let Verdict::Reply { dst, range } = v else {
        panic!("{v:?}")
    };
    assert_eq!(dst, gnb());
    let r = Repr::parse_bytes(&buf[range]).unwrap();
    assert_eq!(
        r.message,
        Message::ErrorIndication {
            teid_data_i: 0xdead_beef,
            peer_address: IpAddr::V4(N3),
        }
    );
    assert_eq!(r.teid, 0);
    assert!(r.sequence_number.is_some(), "TS 29.281 §5.1: S = 1");
    // TEID 0: discarded silently.
    assert_eq!(
        upf.uplink(0, 9, &inner).0,
        Verdict::Drop(DropReason::UnknownTeid)
    );
    assert_eq!(upf.dp.stats().dropped(DropReason::UnknownTeid), 2);
    assert_eq!(upf.dp.stats().error_indications, 1);
}

#[test]
fn error_indications_are_rate_limited() {
    let mut cfg = config();
    cfg.error_indications_per_sec = 5;
    let mut upf = Upf::with(cfg);
    let inner = ipv4_udp(UE, Ipv4Addr::new(1, 1, 1, 1), 1, 2, 30);
    let replies = (0..20)
        .filter(|_| matches!(upf.uplink(7, 9, &inner).0, Verdict::Reply { .. }))
        .count();
    assert_eq!(replies, 5);
    upf.now += Duration::from_secs(1);
    let replies = (0..20)
        .filter(|_| matches!(upf.uplink(7, 9, &inner).0, Verdict::Reply { .. }))
        .count();
    assert_eq!(replies, 5);
}

#[test]
fn echo_request_signalling() {
    let mut upf = Upf::new();
    let gnb = SocketAddr::new(IpAddr::V4(GNB), 40000);
    let mut buf = vec![0u8; 64];
    let req = Repr::echo_request(0x4242);
    let n = req.buffer_len(0);
    req.emit(&mut buf[..n]).unwrap();
    let v = upf.dp.handle_n3(&upf.table, upf.now, gnb, &mut buf, n);
    let Verdict::Reply { dst, range } = v else {
        panic!("{v:?}")
    };
    assert_eq!(
        dst, gnb,
        "to the request's source port (TS 29.281 §4.4.2.2)"
    );
    let r = Repr::parse_bytes(&buf[range]).unwrap();
    assert_eq!(r.message, Message::EchoResponse { recovery: 0 });
    assert_eq!(r.sequence_number, Some(0x4242));
    // Too small a buffer for the response: dropped, not a panic.
    let mut tiny = buf[..n].to_vec();
    req.emit(&mut tiny).unwrap();
    assert_eq!(
        upf.dp.handle_n3(&upf.table, upf.now, gnb, &mut tiny, n),
        Verdict::Drop(DropReason::BufferTooSmall)
    );
    // Echo Response and Error Indication go to the runtime.
    let resp = Repr::echo_response(3);
    let n = resp.buffer_len(0);
    resp.emit(&mut buf[..n]).unwrap();
    assert_eq!(
        upf.dp.handle_n3(&upf.table, upf.now, gnb, &mut buf, n),
        Verdict::Signal(Signal::EchoResponse {
            from: gnb,
            sequence: Some(3)
        })
    );
    let ei = Repr::error_indication(0x99, IpAddr::V4(GNB));
    let n = ei.buffer_len(0);
    ei.emit(&mut buf[..n]).unwrap();
    assert_eq!(
        upf.dp.handle_n3(&upf.table, upf.now, gnb, &mut buf, n),
        Verdict::Signal(Signal::ErrorIndication {
            from: gnb,
            teid: 0x99,
            peer: IpAddr::V4(GNB)
        })
    );
    // Garbage.
    for len in 0..buf.len() {
        let _ = upf
            .dp
            .handle_n3(&upf.table, upf.now, gnb, &mut buf.clone(), len);
    }
}

#[test]
fn mbr_polices_with_the_virtual_clock_and_gates_close() {
    let mut upf = Upf::new();
    let mut req = establishment(1);
    // 8 Mbit/s uplink (1 octet/us) and an 8 Mbit/s downlink, bucket depth 500 ms.
    req.create_qers[0].mbr = Some(Bitrate {
        uplink: 8_000,
        downlink: 8_000,
    });
    let (seid, teid) = session(&mut upf, req);
    let ul = ipv4_udp(UE, Ipv4Addr::new(1, 1, 1, 1), 1, 2, 972); // 1000 octets
    // The 500,000-octet burst: 500 packets at one instant, then the bucket is empty.
    let passed = (0..600)
        .filter(|_| matches!(upf.uplink(teid, 9, &ul).0, Verdict::N6 { .. }))
        .count();
    assert_eq!(passed, 500);
    assert_eq!(upf.uplink(teid, 9, &ul).0, Verdict::Drop(DropReason::Mbr));
    // 10 ms of virtual time: 10,000 octets more.
    upf.now += Duration::from_millis(10);
    let passed = (0..40)
        .filter(|_| matches!(upf.uplink(teid, 9, &ul).0, Verdict::N6 { .. }))
        .count();
    assert_eq!(passed, 10);
    // Over a virtual second at twice the rate, the rate gets through.
    let mut octets = 0;
    for _ in 0..2000 {
        upf.now += Duration::from_micros(500);
        if matches!(upf.uplink(teid, 9, &ul).0, Verdict::N6 { .. }) {
            octets += 1000;
        }
    }
    assert!((990_000..=1_020_000).contains(&octets), "{octets}");
    // The downlink bucket is separate and still full.
    let dl = ipv4_udp(Ipv4Addr::new(1, 1, 1, 1), UE, 2, 1, 972);
    assert!(matches!(upf.downlink(&dl).0, Verdict::N3 { .. }));

    // Closing the uplink gate (Update QER).
    let mut m = empty_modification();
    m.update_qers.push(UpdateQer {
        qer_id: 1,
        qer_correlation_id: None,
        gate_status: Some(GateStatus {
            uplink: Gate::Closed,
            downlink: Gate::Open,
        }),
        mbr: None,
        gbr: None,
        qfi: None,
    });
    assert_eq!(upf.modify(seid, m).1.cause, Cause::REQUEST_ACCEPTED);
    upf.now += Duration::from_secs(1);
    assert_eq!(
        upf.uplink(teid, 9, &ul).0,
        Verdict::Drop(DropReason::GateClosed)
    );
    assert!(matches!(upf.downlink(&dl).0, Verdict::N3 { .. }));
}

#[test]
fn downlink_buffer_is_bounded_and_counted() {
    let mut cfg = config();
    cfg.buffer_packets = 8;
    cfg.buffer_octets = 100_000;
    let mut upf = Upf::with(cfg);
    let mut req = establishment(1);
    req.create_fars[1] = dl_far(2, ApplyAction(ApplyAction::BUFF.0 | ApplyAction::NOCP.0));
    // The BAR suggests 5 packets: the lower bound wins.
    req.create_bar = Some(Bar {
        bar_id: 1,
        dl_data_notification_delay: None,
        suggested_buffering_packets_count: Some(5),
    });
    let (seid, _) = session(&mut upf, req);
    let dl = ipv4_udp(Ipv4Addr::new(1, 1, 1, 1), UE, 2, 1, 100);
    let v: Vec<Verdict> = (0..9).map(|_| upf.downlink(&dl).0).collect();
    assert_eq!(v.iter().filter(|v| **v == Verdict::Buffered).count(), 5);
    assert_eq!(v[5..], [const { Verdict::Drop(DropReason::BufferFull) }; 4]);
    assert_eq!(upf.dp.stats().buffered, 5);
    assert_eq!(upf.dp.stats().dropped(DropReason::BufferFull), 4);
    assert_eq!(upf.cp.session_rules(seid).unwrap().shared().buffered(), 5);
    // One notification for the whole period.
    assert!(upf.dp.poll_notification().is_some());
    assert!(upf.dp.poll_notification().is_none());

    // DROBU: the modification drops the buffer.
    let mut m = empty_modification();
    m.smreq_flags = Some(0x01);
    m.update_fars.push(UpdateFar {
        far_id: 2,
        apply_action: Some(ApplyAction::FORW),
        update_forwarding_parameters: None,
        bar_id: None,
    });
    let (n3, r) = upf.modify(seid, m);
    assert_eq!(r.cause, Cause::REQUEST_ACCEPTED);
    assert!(n3.is_empty());
    assert_eq!(upf.cp.session_rules(seid).unwrap().shared().buffered(), 0);

    // An octet bound too.
    let mut cfg = config();
    cfg.buffer_octets = 300;
    let mut upf = Upf::with(cfg);
    let mut req = establishment(1);
    req.create_fars[1] = dl_far(2, ApplyAction::BUFF);
    session(&mut upf, req);
    let v: Vec<Verdict> = (0..4).map(|_| upf.downlink(&dl).0).collect();
    assert_eq!(
        v,
        [
            Verdict::Buffered,
            Verdict::Buffered,
            Verdict::Drop(DropReason::BufferFull),
            Verdict::Drop(DropReason::BufferFull)
        ]
    );
    assert!(
        upf.dp.poll_notification().is_none(),
        "no NOCP, no notification"
    );
}

#[test]
fn end_marker_on_path_switch_with_sndem() {
    let mut upf = Upf::new();
    let (seid, _) = session(&mut upf, establishment(1));
    let mut m = empty_modification();
    let mut path_switch = update_far_tunnel(2, 0x9999, Ipv4Addr::new(10, 0, 1, 10));
    path_switch
        .update_forwarding_parameters
        .as_mut()
        .expect("forwarding parameters")
        .smreq_flags = Some(0x02); // SNDEM
    m.update_fars.push(path_switch);
    let (n3, r) = upf.modify(seid, m);
    assert_eq!(r.cause, Cause::REQUEST_ACCEPTED);
    assert_eq!(n3.len(), 1);
    assert_eq!(n3[0].dst, gnb());
    let em = Repr::parse_bytes(&n3[0].payload).unwrap();
    assert_eq!((em.message, em.teid), (Message::EndMarker, GNB_TEID));
    let (v, _) = upf.downlink(&ipv4_udp(Ipv4Addr::new(1, 1, 1, 1), UE, 2, 1, 10));
    assert!(
        matches!(v, Verdict::N3 { dst, .. } if dst.ip() == IpAddr::V4(Ipv4Addr::new(10, 0, 1, 10)))
    );
}

#[test]
fn n9_forwarding_reencapsulates_in_place() {
    let mut upf = Upf::new();
    let mut req = establishment(1);
    req.create_fars[0] = ul_far(1, Some((0xABCD, Ipv4Addr::new(10, 0, 9, 9))));
    let (_, teid) = session(&mut upf, req);
    let ul = ipv4_udp(UE, Ipv4Addr::new(1, 1, 1, 1), 1, 2, 40);
    let (v, buf) = upf.uplink(teid, 9, &ul);
    let Verdict::N3 { dst, range } = v else {
        panic!("{v:?}")
    };
    assert_eq!(
        dst,
        SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 9, 9)), 2152)
    );
    let d = decap(&buf[range.clone()]).unwrap();
    assert_eq!(d.teid, 0xABCD);
    assert_eq!(&buf[range][d.payload], &ul[..]);
}

/// 100k sessions with random (SMF-assigned) TEIDs and sequential UE addresses: every
/// one is found on both paths.
#[test]
fn hundred_thousand_sessions_all_found() {
    let mut upf = Upf::new();
    upf.associate();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut teids = std::collections::HashSet::new();
    let n = 100_000u32;
    let mut sessions = Vec::with_capacity(n as usize);
    for i in 0..n {
        let teid = loop {
            let t = rng.next() as u32;
            if t != 0 && teids.insert(t) {
                break t;
            }
        };
        let ue = Ipv4Addr::from_bits(0x0a00_0000 + i);
        let mut req = with_ue(establishment(u64::from(i) + 1), ue);
        req.create_pdrs[0].pdi.local_fteid = Some(Fteid::Assigned {
            teid,
            ipv4: Some(N3),
            ipv6: None,
        });
        upf.cp.handle_input(
            upf.now,
            smf(),
            &ferrocore_pfcp::encode(&Pfcp::session(0, i + 1000, req)).unwrap(),
        );
        while upf.cp.poll_transmit().is_some() {}
        sessions.push((teid, ue));
    }
    upf.table = upf.cp.publish().unwrap();
    assert_eq!(upf.table.len(), (n as usize, n as usize, 0));
    for &(teid, ue) in &sessions {
        let r = upf.table.by_teid(teid).expect("TEID found");
        assert_eq!(
            upf.table.by_ue_ipv4(ue.to_bits()).unwrap().up_seid,
            r.up_seid
        );
    }
    // Through the pipeline for a sample.
    for &(teid, ue) in sessions.iter().step_by(997) {
        let ul = ipv4_udp(ue, Ipv4Addr::new(1, 1, 1, 1), 1, 2, 10);
        assert!(matches!(upf.uplink(teid, 9, &ul).0, Verdict::N6 { .. }));
        let dl = ipv4_udp(Ipv4Addr::new(1, 1, 1, 1), ue, 2, 1, 10);
        assert!(matches!(upf.downlink(&dl).0, Verdict::N3 { .. }));
    }
}

/// A snapshot taken before a change keeps serving the old rules; the new one the new.
#[test]
fn snapshots_are_isolated_from_later_changes() {
    let mut upf = Upf::new();
    let (seid, teid) = session(&mut upf, establishment(1));
    let old = upf.table.clone();
    assert_eq!(upf.delete(seid).cause, Cause::REQUEST_ACCEPTED);
    assert!(old.by_teid(teid).is_some());
    assert!(upf.table.by_teid(teid).is_none());
    assert!(upf.table.generation() > old.generation());
}

/// The /64 of the IPv6 session below, and the UE's interface identifier.
const PREFIX: &str = "2001:db8:45:7::";
const IID: [u8; 8] = [0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55];

/// An IPv4v6 session as the SMF sets it up: the UE IP address of both PDRs carries the
/// IPv4 address and the /64 prefix (TS 29.244 §8.2.62, IPv6 Prefix Length 64).
fn ipv4v6_establishment() -> SessionEstablishmentRequest {
    let mut req = establishment(1);
    for p in &mut req.create_pdrs {
        let ue = p.pdi.ue_ip_address.as_mut().unwrap();
        ue.ipv6 = Some(UeAddr::Address(PREFIX.parse().unwrap()));
        ue.ipv6_prefix_length = Some(64);
    }
    req
}

fn link_local(iid: [u8; 8]) -> std::net::Ipv6Addr {
    let mut a = [0u8; 16];
    a[0] = 0xfe;
    a[1] = 0x80;
    a[8..].copy_from_slice(&iid);
    a.into()
}

/// Checks `ra` octet by octet: the RA of TS 29.061 §11.2.1.3 / RFC 4861 §4.2 for PREFIX
/// from fe80::1 to `dst`.
fn assert_router_advertisement(ra: &[u8], dst: std::net::Ipv6Addr) {
    assert_eq!(ra.len(), 96, "IPv6 header + RA 16 + PIO 32 + MTU 8");
    assert_eq!(
        &ra[..8],
        &[0x60, 0, 0, 0, 0, 56, 58, 255],
        "IPv6, ICMPv6, hop limit 255"
    );
    let upf_ll: std::net::Ipv6Addr = "fe80::1".parse().unwrap();
    assert_eq!(
        &ra[8..24],
        &upf_ll.octets(),
        "from the UPF's link-local address"
    );
    assert_eq!(&ra[24..40], &dst.octets());
    let m = &ra[40..];
    assert_eq!(icmpv6_sum(&ra[8..24], &ra[24..40], m), 0, "ICMPv6 checksum");
    assert_eq!((m[0], m[1]), (134, 0), "Router Advertisement, code 0");
    assert_eq!(m[4], 64, "Cur Hop Limit");
    assert_eq!(m[5], 0, "M = 0, O = 0");
    assert_eq!(u16::from_be_bytes([m[6], m[7]]), 9000, "router lifetime");
    assert_eq!(
        &m[8..16],
        &[0; 8],
        "reachable time, retrans timer unspecified"
    );
    let pio = &m[16..48];
    assert_eq!(
        &pio[..4],
        &[3, 4, 64, 0x40],
        "Prefix Information, /64, L = 0, A = 1"
    );
    assert_eq!(
        &pio[4..12],
        &[0xff; 8],
        "valid and preferred lifetimes infinite"
    );
    assert_eq!(&pio[12..16], &[0; 4]);
    assert_eq!(
        &pio[16..32],
        &PREFIX.parse::<std::net::Ipv6Addr>().unwrap().octets()
    );
    assert_eq!(&m[48..56], &[5, 1, 0, 0, 0, 0, 0x05, 0x78], "MTU 1400");
}

#[test]
fn router_solicitation_of_an_ipv6_session_is_answered_down_its_tunnel() {
    let mut upf = Upf::new();
    let (_, teid) = session(&mut upf, ipv4v6_establishment());
    let ue_ll = link_local(IID);
    // With a Source Link-Layer Address option (a host may send one; ignored here).
    let rs = router_solicitation(ue_ll, &[1, 1, 0, 0, 0, 0, 0, 0]);
    let (v, buf) = upf.uplink(teid, 9, &rs);
    let Verdict::N3 { dst, range } = v else {
        panic!("{v:?}")
    };
    assert_eq!(dst, gnb(), "the gNB's F-TEID");
    let g = &buf[range];
    let repr = Repr::parse_bytes(g).unwrap();
    assert_eq!((repr.message, repr.teid), (Message::GPdu, GNB_TEID));
    match repr.pdu_session {
        Some(PduSessionContainer::Downlink(d)) => assert_eq!(d.qfi.value(), 9),
        p => panic!("{p:?}"),
    }
    let d = decap(g).unwrap();
    assert_router_advertisement(&g[d.payload], ue_ll);
    let s = upf.dp.stats();
    assert_eq!(s.router_advertisements, 1);
    assert_eq!(
        (s.ul_packets, s.dl_packets),
        (0, 0),
        "link signalling, not user data"
    );

    // From the unspecified address: the answer goes to all-nodes.
    let (v, buf) = upf.uplink(teid, 9, &router_solicitation([0u8; 16].into(), &[]));
    let Verdict::N3 { range, .. } = v else {
        panic!("{v:?}")
    };
    let d = decap(&buf[range.clone()]).unwrap();
    assert_router_advertisement(&buf[range][d.payload], "ff02::1".parse().unwrap());

    // Not a valid RS (RFC 4861 §6.1.1): hop limit below 255, a bad checksum, a global
    // source. Forwarded as any packet (nothing answers them on N6).
    let mut hop = rs.clone();
    hop[7] = 254;
    let mut sum = rs.clone();
    sum[43] ^= 1;
    let global = router_solicitation("2001:db8:45:7::1".parse().unwrap(), &[]);
    for p in [hop, sum, global] {
        assert!(matches!(upf.uplink(teid, 9, &p).0, Verdict::N6 { .. }));
    }
    assert_eq!(upf.dp.stats().router_advertisements, 2);

    // The IPv6 user plane: from prefix + IID uplink, and downlink to it.
    let mut ue6 = PREFIX.parse::<std::net::Ipv6Addr>().unwrap().octets();
    ue6[8..].copy_from_slice(&IID);
    let dn = "2001:db8:ffff::1".parse().unwrap();
    let dl = ipv6(dn, ue6.into(), 17, 53, 4000, &[]);
    assert!(matches!(upf.downlink(&dl).0, Verdict::N3 { .. }));
}

#[test]
fn ipv4_session_forwards_a_router_solicitation_unanswered() {
    let mut upf = Upf::new();
    let (_, teid) = session(&mut upf, establishment(1));
    let rs = router_solicitation(link_local(IID), &[]);
    assert!(matches!(upf.uplink(teid, 9, &rs).0, Verdict::N6 { .. }));
    assert_eq!(upf.dp.stats().router_advertisements, 0);
}

#[test]
fn unsolicited_router_advertisement_when_the_downlink_tunnel_comes_up() {
    let mut upf = Upf::new();
    let mut req = ipv4v6_establishment();
    // As the SMF establishes: the downlink FAR without the gNB's F-TEID yet.
    req.create_fars[1]
        .forwarding_parameters
        .as_mut()
        .unwrap()
        .outer_header_creation = None;
    let (seid, _) = session(&mut upf, req);
    let mut m = empty_modification();
    m.update_fars.push(update_far_tunnel(2, GNB_TEID, GNB));
    let (n3, r) = upf.modify(seid, m.clone());
    assert_eq!(r.cause, Cause::REQUEST_ACCEPTED);
    assert_eq!(n3.len(), 1, "{n3:?}");
    assert_eq!(n3[0].dst, gnb());
    let repr = Repr::parse_bytes(&n3[0].payload).unwrap();
    assert_eq!((repr.message, repr.teid), (Message::GPdu, GNB_TEID));
    let d = decap(&n3[0].payload).unwrap();
    assert_router_advertisement(&n3[0].payload[d.payload], "ff02::1".parse().unwrap());
    // Once: the same tunnel again sends nothing.
    let (n3, _) = upf.modify(seid, m);
    assert!(n3.is_empty(), "{n3:?}");
}
