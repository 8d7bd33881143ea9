//! Fuzzes the UPF's N4 engine (`ferrocore_upf::UpfControl`) with PFCP from the network.
//! Each input starts from the same state: the SMF (10.0.0.1) associated and one session
//! established by a valid exchange (CH F-TEID, CHV4 UE address, QER, and three URRs: a
//! volume threshold on both PDRs; volume and time quotas on the uplink PDR; a periodic
//! report, a time threshold and time metered from creation (ISTM) on the downlink PDR).
//! The input is then split into frames (`upf::frames`: kind octet, u16 length, octets),
//! `kind & 7` choosing:
//!
//! 0. the octets as a datagram from the SMF (10.0.0.1:8805);
//! 1. the octets from elsewhere: another node (10.0.0.9:8805) or the SMF's address on
//!    another port (bit 3 of the kind);
//! 2. the octets from the SMF, the header's SEID (when the S flag is set) replaced by a
//!    live session's UP SEID (`kind >> 3` picks which), so that modifications and
//!    deletions reach real sessions;
//! 3. the octets from the SMF, the header's sequence number replaced by the one of the
//!    last request the UPF sent (Heartbeat, Session Report): a forged response to it;
//! 4. the clock moved on by the first two octets x 10 ms (timers run: heartbeats, T1
//!    retransmissions, the response cache, the buffer sweep, the URRs' periodic reports,
//!    time thresholds and time quotas); bit 3 of the kind: the timers run at each instant
//!    they fall due on the way, else once at the end (an N4 task that stalled);
//! 5. a data plane notification for a live session, octet 0 choosing the kind (downlink
//!    data, volume threshold, volume quota, first packet, GTP-U Error Indication) and the
//!    session, the ids (or the Error Indication's F-TEID) from the next octets;
//! 6. a downlink packet for a live session's UE address through a data plane worker on
//!    the current snapshot (buffering, then released by a later modification; URRs
//!    counted, quotas enforced), its notifications handed to the control part;
//! 7. an N3 datagram through the same worker, its notifications handed on: bit 3 of the
//!    kind, an uplink G-PDU to a live session's TEID around a packet from its UE address
//!    with the octets as payload; else a GTP-U Error Indication from the gNB naming a
//!    remote F-TEID of a live session's FARs (`kind >> 4` picks), or the TEID in the
//!    first four octets.
//!
//! Asserted after every frame: no panic; every datagram the UPF sends on N4 decodes with
//! `ferrocore_pfcp::decode` (answers to garbage included) and every N3 one parses as
//! GTP-U; every Session Report Request (first transmissions) is for a live session and
//! agrees with it: Report Type flags match the reports carried, usage reports name URRs
//! of the session, an Error Indication Report names one F-TEID its FARs tunnel to; the
//! live TEIDs (`live_teids`) are exactly the union of the sessions' TEIDs, no TEID is
//! held by two sessions, the working table holds exactly those TEIDs, each pointing at
//! its session; each session's UE IPv4 address leads to it in the table; no timer stays
//! due after `handle_timeout`. At the end, liveness: after a fresh Association Setup if
//! the input released or lost the association, a valid Session Establishment Request
//! (fresh CP SEID and sequence number) is answered Request Accepted, and the new session
//! forwards an uplink G-PDU.
#![no_main]

mod upf;

use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Message, decode, encode};
use ferrocore_upf::state::UrrState;
use ferrocore_upf::{Channel, Dataplane, Notification, UpfControl, Verdict};
use libfuzzer_sys::fuzz_target;
use upf::*;

/// Known finding tolerated while true, so a campaign looks further (see docs/fuzzing.md):
/// two sessions end up with the same UE IPv4 address (a CHV4 choice equal to an address
/// the SMF gave another session), so one session's address leads to the other.
const TOLERATE_SHARED_UE_ADDRESS: bool = false;

/// Measurement Information with ISTM: time metered from the URR's creation.
const ISTM: u8 = UrrState::ISTM;

/// The shared CHV4 session with two more URRs: URR 2 on the uplink PDR with a volume
/// quota and a time quota, URR 3 on the downlink PDR with a periodic report, a time
/// threshold and time metered from its creation.
fn usage_establishment(cp_seid: u64) -> SessionEstablishmentRequest {
    let mut req = chv4_establishment(cp_seid);
    req.create_urrs.push(CreateUrr {
        volume_quota: Some(total_volume(3_000)),
        time_quota: Some(5),
        ..urr(
            2,
            true,
            true,
            ReportingTriggers::VOLQU | ReportingTriggers::TIMQU,
        )
    });
    req.create_urrs.push(CreateUrr {
        measurement_period: Some(2),
        time_threshold: Some(3),
        measurement_information: Some(ISTM),
        ..urr(
            3,
            true,
            true,
            ReportingTriggers::PERIO | ReportingTriggers::TIMTH,
        )
    });
    req.create_pdrs[0].urr_ids = [1, 2].into();
    req.create_pdrs[1].urr_ids = [1, 3].into();
    req
}

/// The big-endian u16 at `at` in `b`, 0 past its end.
fn port(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([
        b.get(at).copied().unwrap_or(0),
        b.get(at + 1).copied().unwrap_or(0),
    ])
}

struct N4 {
    cp: UpfControl,
    dp: Dataplane,
    now: Instant,
    /// Sequence number of the last request the UPF sent (Heartbeat / Session Report).
    last_request: Option<u32>,
    /// Sequence numbers (both possible header offsets) of what reached the UPF from the
    /// SMF's address: the response cache may hold answers to them.
    smf_seqs: HashSet<u32>,
    /// Sequence numbers of the Session Report Requests the UPF sent (retransmissions
    /// are not checked again: their session may be gone since).
    reports: HashSet<u32>,
    /// Their Report Types, in order (for `UPF_FUZZ_DEBUG`).
    report_types: Vec<u8>,
}

fn other_peer(kind: u8) -> SocketAddr {
    if kind & 0x08 == 0 {
        SocketAddr::new(IpAddr::V4(OTHER_IP), 8805)
    } else {
        SocketAddr::new(IpAddr::V4(SMF_IP), 18805)
    }
}

/// Offset of the 3-octet sequence number in a PFCP header (S flag: after the SEID).
fn seq_offset(b: &[u8]) -> usize {
    if b.first().is_some_and(|f| f & 0x01 != 0) {
        12
    } else {
        4
    }
}

impl N4 {
    fn new() -> N4 {
        let now = Instant::now();
        let cfg = config();
        let dp = Dataplane::new(cfg.dataplane());
        let mut cp = UpfControl::new(cfg, now);
        associate(&mut cp, now, 1);
        let r = establish(&mut cp, now, 2, usage_establishment(0x100));
        created_teid(&r, 1);
        assert!(created_ue(&r).is_some(), "a chosen UE address");
        while cp.poll_event().is_some() {}
        let n4 = N4 {
            cp,
            dp,
            now,
            last_request: None,
            smf_seqs: HashSet::from([1, 2]),
            reports: HashSet::new(),
            report_types: Vec::new(),
        };
        n4.check();
        n4
    }

    /// Live sessions by UP SEID.
    fn seids(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self.cp.sessions().map(|s| s.up_seid).collect();
        v.sort_unstable();
        v
    }

    fn input(&mut self, peer: SocketAddr, bytes: &[u8]) {
        if peer == smf() {
            for off in [4, 12] {
                if let Some(s) = bytes.get(off..off + 3) {
                    self.smf_seqs
                        .insert(u32::from_be_bytes([0, s[0], s[1], s[2]]));
                }
            }
        }
        self.cp.handle_input(self.now, peer, bytes);
        self.drain();
    }

    /// Everything the UPF sends, checked; the snapshot published; invariants.
    fn drain(&mut self) {
        while let Some(t) = self.cp.poll_transmit() {
            check_transmit(&t);
            if t.channel == Channel::N4
                && let Ok(m) = decode(&t.payload)
                && matches!(
                    m.body,
                    Body::HeartbeatRequest(_) | Body::SessionReportRequest(_)
                )
            {
                self.last_request = Some(m.header.sequence);
                if let Body::SessionReportRequest(r) = &m.body
                    && self.reports.insert(m.header.sequence)
                {
                    self.check_report(m.header.seid, r);
                    self.report_types.push(r.report_type);
                }
            }
        }
        while self.cp.poll_event().is_some() {}
        self.cp.publish();
        self.check();
    }

    fn check(&self) {
        let mut union = BTreeMap::new();
        for s in self.cp.sessions() {
            for t in s.teids() {
                if let Some(other) = union.insert(t, s.up_seid) {
                    panic!("TEID {t:#x} held by sessions {other} and {}", s.up_seid);
                }
            }
        }
        assert_eq!(
            self.cp.live_teids(),
            union.len(),
            "live TEIDs differ from the sessions' TEIDs {union:x?}"
        );
        let table = self.cp.table();
        assert_eq!(
            table.len().0,
            union.len(),
            "table TEIDs differ from the sessions'"
        );
        for (&t, &seid) in &union {
            let found = table.by_teid(t).map(|r| r.up_seid);
            assert_eq!(
                found,
                Some(seid),
                "TEID {t:#x} of session {seid} leads elsewhere"
            );
        }
        for s in self.cp.sessions() {
            let ue = s.pdrs.iter().filter_map(|p| p.ue_ip).find_map(|u| u.ipv4);
            if let Some(a) = ue {
                let found = table.by_ue_ipv4(a.to_bits()).map(|r| r.up_seid);
                assert!(
                    found == Some(s.up_seid) || TOLERATE_SHARED_UE_ADDRESS,
                    "UE address {a} of session {} leads to {found:?}",
                    s.up_seid
                );
            }
        }
    }

    /// A Session Report Request just sent: for a live session (by the CP SEID of its
    /// header; the SMF may have given several sessions the same one), and agreeing with
    /// one of them.
    fn check_report(&self, cp_seid: Option<u64>, r: &SessionReportRequest) {
        let cp_seid = cp_seid.expect("a session message");
        let sessions: Vec<_> = self
            .cp
            .sessions()
            .filter(|s| s.cp_seid == cp_seid)
            .collect();
        assert!(
            !sessions.is_empty(),
            "Session Report Request for no session: {r:?}"
        );
        if let [s] = sessions[..] {
            check_report(s, r);
        }
    }

    fn notify(&mut self, n: Notification) {
        self.cp.handle_notification(self.now, n);
        self.drain();
    }

    /// The UE IPv4 address of live session number `pick` (modulo their count).
    fn ue_of(&self, pick: usize) -> Option<(u64, Ipv4Addr)> {
        let seids = self.seids();
        let seid = *seids.get(pick % seids.len().max(1))?;
        let ue = self
            .cp
            .session(seid)?
            .pdrs
            .iter()
            .filter_map(|p| p.ue_ip)
            .find_map(|u| u.ipv4)?;
        Some((seid, ue))
    }

    fn downlink(&mut self, pick: usize, bytes: &[u8]) {
        let Some((_, ue)) = self.ue_of(pick) else {
            return;
        };
        let ip = ipv4(
            Ipv4Addr::new(8, 8, 8, 8),
            ue,
            17,
            port(bytes, 0),
            port(bytes, 2),
            bytes,
        );
        let mut frame = vec![0u8; ferrocore_upf::DL_HEADROOM];
        frame.extend_from_slice(&ip);
        let table = self.cp.table().clone();
        let v = self.dp.handle_n6(&table, self.now, &mut frame);
        if let Verdict::N3 { range, .. } = v {
            ferrocore_gtpu::decap(&frame[range]).expect("downlink G-PDU parses");
        }
        self.data_plane_notifications();
    }

    /// An N3 datagram from the gNB through the data plane worker.
    fn n3(&mut self, mut buf: Vec<u8>) {
        let len = buf.len();
        buf.resize(len.max(2048), 0);
        let table = self.cp.table().clone();
        let v = self.dp.handle_n3(&table, self.now, gnb(), &mut buf, len);
        if let Verdict::N3 { range, .. } | Verdict::Reply { range, .. } = v {
            ferrocore_gtpu::decap(&buf[range]).expect("N3 output parses");
        }
        self.data_plane_notifications();
    }

    /// An uplink G-PDU (QFI 9) to live session number `pick`'s TEID, from its UE address.
    fn uplink(&mut self, pick: usize, bytes: &[u8]) {
        let Some((seid, ue)) = self.ue_of(pick) else {
            return;
        };
        let Some(teid) = self
            .cp
            .session(seid)
            .and_then(|s| s.teids().first().copied())
        else {
            return;
        };
        let ip = ipv4(
            ue,
            Ipv4Addr::new(8, 8, 8, 8),
            17,
            port(bytes, 0),
            port(bytes, 2),
            bytes,
        );
        self.n3(gpdu_ul(teid, 9, &ip));
    }

    /// A GTP-U Error Indication from the gNB: for a remote F-TEID of live session number
    /// `pick`, or (four octets or more) for the TEID they give at the gNB's address.
    fn error_indication(&mut self, pick: usize, bytes: &[u8]) {
        let fteid = match bytes {
            [a, b, c, d, ..] => Some((IpAddr::V4(GNB), u32::from_be_bytes([*a, *b, *c, *d]))),
            _ => {
                let seids = self.seids();
                seids
                    .get(pick % seids.len().max(1))
                    .and_then(|&s| self.cp.session(s))
                    .and_then(|s| remote_fteids(s).first().copied())
            }
        };
        if let Some((peer, teid)) = fteid {
            self.n3(error_indication(teid, peer));
        }
    }

    fn data_plane_notifications(&mut self) {
        while let Some(n) = self.dp.poll_notification() {
            self.notify(n);
        }
    }

    /// A notification as the data plane raises them, for live session number
    /// `octet 0 / 5`, of kind `octet 0 % 5`.
    fn forged_notification(&mut self, bytes: &[u8]) {
        let seids = self.seids();
        let pick = bytes.first().copied().unwrap_or(0);
        let up_seid = seids
            .get(usize::from(pick / 5) % seids.len().max(1))
            .copied()
            .unwrap_or(1);
        let id = bytes
            .iter()
            .skip(1)
            .take(4)
            .fold(0u32, |a, &x| a << 8 | u32::from(x));
        let n = match pick % 5 {
            0 => Notification::DownlinkData {
                up_seid,
                pdr_id: id as u16,
            },
            1 => Notification::VolumeThreshold {
                up_seid,
                urr_id: id,
            },
            2 => Notification::VolumeQuota {
                up_seid,
                urr_id: id,
            },
            3 => Notification::FirstPacket {
                up_seid,
                urr_id: id,
            },
            _ => {
                let tunnel = self
                    .cp
                    .session(up_seid)
                    .and_then(|s| remote_fteids(s).get(id as usize % 4).copied());
                let (peer, teid) = tunnel.unwrap_or((IpAddr::V4(GNB), id));
                Notification::ErrorIndication {
                    from: gnb(),
                    teid,
                    peer,
                }
            }
        };
        self.notify(n);
    }

    /// Liveness: a fresh session is still accepted and forwards.
    fn liveness(&mut self) {
        let mut seq = 0x00ab_cdef;
        let mut next_seq = |n4: &N4| loop {
            seq = (seq + 1) & 0x00ff_ffff;
            if !n4.smf_seqs.contains(&seq) {
                return seq;
            }
        };
        if !self
            .cp
            .associations()
            .any(|(k, _)| k.to_node_id() == smf_node())
        {
            let s = next_seq(self);
            associate(&mut self.cp, self.now, s);
            self.drain();
        }
        let used: HashSet<u64> = self.cp.sessions().map(|s| s.cp_seid).collect();
        let cp_seid = (0xF00D_0000..)
            .find(|c| !used.contains(c))
            .expect("a free CP SEID");
        let s = next_seq(self);
        let req = Message::session(0, s, chv4_establishment(cp_seid));
        let bytes = encode(&req).expect("encodes");
        self.cp.handle_input(self.now, smf(), &bytes);
        let mut answer = None;
        while let Some(t) = self.cp.poll_transmit() {
            check_transmit(&t);
            if t.channel == Channel::N4
                && t.dst == smf()
                && let Ok(m) = decode(&t.payload)
                && m.header.sequence == s
                && let Body::SessionEstablishmentResponse(r) = m.body
            {
                answer = Some(r);
            }
        }
        let r = answer.expect("no answer to a valid Session Establishment Request");
        assert!(
            r.cause.is_accepted(),
            "a valid Session Establishment Request is rejected after the input: {r:?}"
        );
        self.cp.publish();
        self.check();
        let teid = created_teid(&r, 1);
        let ue = created_ue(&r).expect("a chosen UE address");
        let table = self.cp.table().clone();
        let ul = ipv4(ue, Ipv4Addr::new(8, 8, 8, 8), 17, 4000, 53, &[0; 20]);
        let mut buf = gpdu_ul(teid, 9, &ul);
        let len = buf.len();
        buf.resize(2048, 0);
        let v = self.dp.handle_n3(&table, self.now, gnb(), &mut buf, len);
        assert!(
            matches!(v, Verdict::N6 { .. }),
            "the new session does not forward uplink: {v:?}"
        );
    }
}

impl Clocked for N4 {
    fn control(&mut self) -> &mut UpfControl {
        &mut self.cp
    }
    fn clock(&mut self) -> &mut Instant {
        &mut self.now
    }
    fn after_timeout(&mut self) {
        self.drain();
    }
}

fn write_seeds(dir: &str) {
    let req = |m: Message| encode(&m).expect("encodes");
    // Up SEID of the established session: the first one the UPF allocates.
    let up = 1u64;
    let heartbeat = |seq, recovery_time_stamp| {
        req(Message::node(
            seq,
            HeartbeatRequest {
                recovery_time_stamp,
            },
        ))
    };
    let hb = heartbeat(10, SMF_RTS);
    let hb_restart = heartbeat(11, SMF_RTS + 5);
    let assoc = req(association_setup(12, SMF_RTS));
    let release = req(Message::node(
        13,
        AssociationReleaseRequest {
            node_id: smf_node(),
        },
    ));
    let update = req(Message::node(
        14,
        AssociationUpdateRequest {
            node_id: smf_node(),
            up_function_features: None,
            cp_function_features: Some(Features(vec![0x01])),
            release_request: None,
            graceful_release_period: None,
        },
    ));
    let est_ch = req(Message::session(0, 15, chv4_establishment(0x200)));
    let est_fixed = req(Message::session(
        0,
        16,
        with_ue(establishment(0x201), Ipv4Addr::new(10, 46, 0, 9)),
    ));
    let mut assigned = with_ue(establishment(0x202), Ipv4Addr::new(10, 45, 0, 2));
    assigned.create_pdrs[0].pdi.local_fteid = Some(Fteid::Assigned {
        teid: 0x0100_0001,
        ipv4: Some(N3),
        ipv6: None,
    });
    let est_assigned = req(Message::session(0, 17, assigned));
    let est_usage = req(Message::session(0, 22, usage_establishment(0x203)));
    let mut buffer = empty_modification();
    buffer.update_fars.push(UpdateFar {
        far_id: 2,
        apply_action: Some(ApplyAction(ApplyAction::BUFF.0 | ApplyAction::NOCP.0)),
        update_forwarding_parameters: None,
        bar_id: None,
    });
    let mod_buffer = req(Message::session(up, 18, buffer));
    let mut forward = empty_modification();
    let mut to_gnb = update_far_tunnel(2, 0x5678, GNB);
    to_gnb.apply_action = Some(ApplyAction::FORW);
    to_gnb
        .update_forwarding_parameters
        .as_mut()
        .expect("tunnel")
        .smreq_flags = Some(0x02);
    forward.update_fars.push(to_gnb);
    forward.query_urrs.push(QueryUrr { urr_id: 1 });
    let mod_forward = req(Message::session(up, 19, forward));
    let mut add = empty_modification();
    let mut pdr = ul_pdr(3, 10, Some("permit out 17 from any 53 to assigned"));
    pdr.pdi.local_fteid = Some(Fteid::Choose {
        ipv4: true,
        ipv6: false,
        choose_id: Some(2),
    });
    pdr.pdi.ue_ip_address.as_mut().expect("UE IP").ipv4 = Some(UeAddr::Choose);
    pdr.far_id = Some(3);
    add.create_pdrs.push(pdr);
    add.create_fars.push(drop_far(3));
    add.remove_urrs.push(RemoveUrr { urr_id: 1 });
    add.update_pdrs.push(UpdatePdr {
        pdr_id: 1,
        outer_header_removal: None,
        precedence: Some(5),
        pdi: None,
        far_id: None,
        urr_ids: Default::default(),
        qer_ids: Default::default(),
    });
    let mod_add = req(Message::session(up, 20, add));
    // New quotas and a new period for URRs 2 and 3, a new URR 4 on the downlink PDR
    // (time quota from its first packet), a query of all.
    let mut quotas = empty_modification();
    quotas.update_urrs.push(UpdateUrr {
        volume_quota: Some(total_volume(10_000)),
        time_quota: Some(60),
        ..update_urr(2)
    });
    quotas.update_urrs.push(UpdateUrr {
        measurement_period: Some(1),
        reporting_triggers: Some(ReportingTriggers(
            ReportingTriggers::PERIO | ReportingTriggers::VOLTH,
        )),
        volume_threshold: Some(total_volume(500)),
        ..update_urr(3)
    });
    quotas.create_urrs.push(CreateUrr {
        time_quota: Some(2),
        time_threshold: Some(1),
        ..urr(
            4,
            false,
            true,
            ReportingTriggers::TIMQU | ReportingTriggers::TIMTH,
        )
    });
    quotas.update_pdrs.push(UpdatePdr {
        pdr_id: 2,
        outer_header_removal: None,
        precedence: None,
        pdi: None,
        far_id: None,
        urr_ids: [1, 3, 4].into(),
        qer_ids: Default::default(),
    });
    quotas.smreq_flags = Some(0x04); // QAURR
    let mod_quotas = req(Message::session(up, 23, quotas));
    let mut zero = empty_modification();
    zero.update_urrs.push(UpdateUrr {
        volume_quota: Some(total_volume(0)),
        time_quota: Some(0),
        ..update_urr(2)
    });
    let mod_zero_quota = req(Message::session(up, 24, zero));
    let mut remove = empty_modification();
    remove.remove_urrs.push(RemoveUrr { urr_id: 3 });
    remove.remove_urrs.push(RemoveUrr { urr_id: 2 });
    let mod_remove_urrs = req(Message::session(up, 25, remove));
    let delete = req(Message::session(up, 21, SessionDeletionRequest));
    let report_ok = req(report_accepted(0x100, 0));
    let hb_resp = req(Message::node(
        0,
        HeartbeatResponse {
            recovery_time_stamp: SMF_RTS,
        },
    ));
    // Clock steps of 1 s and 3 s, each instant's timers run (kind 4 | 8).
    let second = frame(4 | 8, &[0, 100]);
    let three = frame(4 | 8, &[1, 44]);
    let uplink = |payload: &[u8]| frame(7 | 8, payload);
    let big_downlink = [&[0u8, 53, 0x0f, 0xa0][..], &[0u8; 600]].concat();

    let seeds: Vec<(&str, Vec<Vec<u8>>)> = vec![
        ("heartbeat", vec![frame(0, &hb)]),
        ("heartbeat_restart", vec![frame(0, &hb_restart)]),
        ("association_setup_again", vec![frame(0, &assoc)]),
        ("association_setup_from_other", vec![frame(1, &assoc)]),
        ("association_update", vec![frame(0, &update)]),
        (
            "association_release",
            vec![frame(0, &release), frame(0, &est_ch)],
        ),
        ("establish_ch", vec![frame(0, &est_ch)]),
        (
            "establish_usage",
            vec![frame(0, &est_usage), three.clone(), three.clone()],
        ),
        (
            "establish_fixed_ue_in_pool",
            vec![frame(0, &est_fixed), frame(0, &est_ch)],
        ),
        (
            "establish_assigned_teid",
            vec![frame(0, &est_assigned), frame(0, &est_assigned)],
        ),
        (
            "buffer_downlink_release",
            vec![
                frame(2, &mod_buffer),
                frame(6, &[0, 53, 0x0f, 0xa0, 1, 2, 3, 4]),
                frame(6, &[0, 53, 0x0f, 0xa0, 5, 6, 7, 8]),
                frame(3, &report_ok),
                frame(2, &mod_forward),
                frame(4, &[0, 10]),
            ],
        ),
        (
            "modify_add_remove",
            vec![frame(2, &mod_add), frame(2, &mod_forward)],
        ),
        ("delete", vec![frame(2, &delete), frame(2, &delete)]),
        (
            "heartbeat_timers",
            vec![
                frame(4, &[0x03, 0xe8]),
                frame(3, &hb_resp),
                frame(4, &[0x10, 0x00]),
                frame(4, &[0x10, 0x00]),
            ],
        ),
        (
            "reports",
            vec![
                frame(5, &[0, 0, 2]),
                frame(5, &[1, 0, 0, 0, 1]),
                frame(4, &[0x01, 0x2c]),
                frame(3, &report_ok),
            ],
        ),
        // URR 2's volume quota (3,000 octets) spent by uplink traffic, then its time
        // quota; URR 3's periods and time threshold on the way.
        (
            "quota_spent_by_traffic",
            vec![
                uplink(&[0; 1000]),
                uplink(&[0; 1000]),
                frame(3, &report_ok),
                uplink(&[0; 1000]),
                uplink(&[0; 10]),
                second.clone(),
                three.clone(),
                frame(3, &report_ok),
                frame(2, &mod_quotas),
                uplink(&[0; 10]),
                frame(6, &big_downlink),
                three.clone(),
            ],
        ),
        (
            "quota_zero_then_removed",
            vec![
                frame(2, &mod_zero_quota),
                uplink(&[1; 100]),
                second.clone(),
                frame(2, &mod_remove_urrs),
                uplink(&[1; 100]),
            ],
        ),
        (
            "stalled_timers",
            vec![
                frame(4, &[0x0b, 0xb8]),
                frame(3, &report_ok),
                frame(4 | 8, &[0x0b, 0xb8]),
            ],
        ),
        (
            "error_indications",
            vec![
                frame(7, &[]),
                frame(7, &[]),
                frame(7, &[0, 0, 0x12, 0x34]),
                frame(7, &[0, 0, 0x56, 0x78]),
                frame(5, &[4, 0, 0, 0, 0]),
                frame(2, &mod_forward),
                frame(7, &[0, 0, 0x56, 0x78]),
            ],
        ),
        (
            "forged_usage_notifications",
            vec![
                frame(5, &[2, 0, 0, 0, 2]),
                frame(5, &[3, 0, 0, 0, 2]),
                frame(5, &[3, 0, 0, 0, 9]),
                second.clone(),
            ],
        ),
        (
            "retransmission",
            vec![
                frame(0, &est_ch),
                frame(0, &est_ch),
                frame(0, &hb),
                frame(0, &hb),
            ],
        ),
        (
            "garbage_header",
            vec![
                frame(0, &[0x21, 0x32, 0, 4, 0, 0, 1, 0]),
                frame(0, &hb[..hb.len() - 1]),
            ],
        ),
    ];
    for (name, frames) in seeds {
        write_seed(dir, name, &frames.concat());
    }
}

fuzz_target!(
    init: {
        if let Ok(dir) = std::env::var("UPF_FUZZ_WRITE_SEEDS") {
            write_seeds(&dir);
            std::process::exit(0);
        }
    },
    |data: &[u8]| {
        let mut n4 = N4::new();
        for f in frames(data) {
            match f.kind & 7 {
                0 => n4.input(smf(), f.bytes),
                1 => n4.input(other_peer(f.kind), f.bytes),
                2 => {
                    let mut b = f.bytes.to_vec();
                    let seids = n4.seids();
                    if b.len() >= 12 && b[0] & 0x01 != 0 && !seids.is_empty() {
                        let s = seids[usize::from(f.kind >> 3) % seids.len()];
                        b[4..12].copy_from_slice(&s.to_be_bytes());
                    }
                    n4.input(smf(), &b);
                }
                3 => {
                    let mut b = f.bytes.to_vec();
                    let off = seq_offset(&b);
                    if let (Some(s), Some(dst)) = (n4.last_request, b.get_mut(off..off + 3)) {
                        dst.copy_from_slice(&s.to_be_bytes()[1..]);
                    }
                    n4.input(smf(), &b);
                }
                4 => {
                    let t = match f.bytes {
                        [a, b, ..] => u64::from(u16::from_be_bytes([*a, *b])),
                        [a] => u64::from(*a),
                        [] => 1,
                    };
                    n4.advance(Duration::from_millis(10 * t), f.kind & 0x08 != 0);
                }
                5 => n4.forged_notification(f.bytes),
                6 => n4.downlink(usize::from(f.kind >> 3), f.bytes),
                _ if f.kind & 0x08 != 0 => n4.uplink(usize::from(f.kind >> 4), f.bytes),
                _ => n4.error_indication(usize::from(f.kind >> 4), f.bytes),
            }
        }
        n4.liveness();
        if debug() {
            eprintln!("report types {:?}, {} sessions", n4.report_types, n4.seids().len());
        }
    }
);
