//! Fuzzes the UPF's packet path (`ferrocore_upf::Dataplane`) on a published table with
//! four sessions installed over N4 (TEIDs chosen by the UPF), with the control part in
//! the loop for what the packets start (usage reports, quotas, Error Indications):
//!
//! - S1 forwards both ways, QER with QFI 9 and an 8 Mbit/s MBR each way (a 20,000-octet
//!   bucket), URR 1 with a 10,000-octet volume threshold and a 20,000-octet volume quota
//!   (one URR: the hot record checks both);
//! - S2 has SDF filters: uplink UDP from port 53 dropped (precedence 10), uplink TCP to
//!   10.9.0.0/16 re-encapsulated towards an N9 peer (20), downlink UDP to ports
//!   5000-5100 dropped (10); its default uplink PDR accepts QFI 9 and 5; besides URR 1
//!   (the threshold) every PDR has URR 2, time metered from its first packet, a 2 s time
//!   threshold and a 4 s time quota;
//! - S3 buffers downlink (BUFF + NOCP, the BAR suggests 3 packets; the UPF's bound is
//!   4 packets / 1,000 octets) and has its uplink gate closed; its URR has a 3 s time
//!   quota metered from its creation (ISTM);
//! - S4 is IPv4v6 (prefix 2001:db8:4::/64): Router Solicitations are answered; its URR
//!   reports every 5 s (PERIO) with volume and duration.
//!
//! Frames (`upf::frames`), `kind & 7` (7 as 5):
//! 0. the octets as an N3 datagram from the gNB (bit 3 of the kind: a buffer of exactly
//!    the datagram, else 2,048 octets);
//! 1. a G-PDU to session `(kind >> 3) & 3`'s TEID, UL PDU Session Container with QFI
//!    octet 0, the rest as the inner packet;
//! 2. the same around an IPv4 packet from the session's UE address (bit 6: IPv6 from its
//!    prefix when it has one): octets 0..=9 QFI, protocol, destination, ports, then the
//!    payload (bit 7: padded with zeros to 1,200 octets);
//! 3. the octets as an N6 frame (bit 3: behind `DL_HEADROOM` free octets, else as is);
//! 4. an IPv4 (bit 6: IPv6) packet to session `(kind >> 3) & 3`'s UE address: protocol,
//!    source, ports, payload (bit 7: padded to 1,200 octets);
//! 5. the clock moved on by the first two octets x 10 us (bit 3: x 10 ms): MBR buckets,
//!    the Error Indication rate limit, and the control part's turn (below);
//! 6. a GTP-U Error Indication: octet 0 picks the F-TEID it names (bits 0-1: the gNB's
//!    tunnel of every session, S2's N9 tunnel, or the TEID in octets 1..=4 at the gNB or
//!    the N9 peer; bit 3: an unknown GTP-U Peer Address, so the sender's address
//!    counts) and the sender (bit 2: the N9 peer, else the gNB).
//!
//! The control part's turn, at each clock step (and at the end): the notifications the
//! data plane raised since the last turn are handed to it, then its timers run up to the
//! new time (at each instant one falls due on the way; bit 4 of the clock frame: once at
//! the end, as an N4 task that stalled); what it sends is answered as an SMF does
//! (Heartbeat and Session Report Responses).
//!
//! Three UPFs are built alike: A handles each packet alone, B the same packets in
//! batches (`handle_n3_batch` / `handle_n6_batch`, one batch per run of packets in one
//! direction between clock steps), C has one more URR (no threshold) on every PDR, which
//! keeps every packet off the hot-record fast path (`Hot::FAST`) and on the full PDR
//! match. Asserted: no panic; A, B and C give the same verdicts, the same octets in the
//! buffers, the same notifications, the same per-worker counters (C's URR counting
//! apart) and send the same N4 messages; verdict ranges lie in the buffer and what goes
//! to N3 parses as GTP-U; no session ever holds more than its buffer bound; no
//! notification is raised twice between two turns of the control part, and volume quota,
//! first packet, downlink data and Error Indication ones never twice (nothing re-arms
//! them here); once a session's quota is spent (a VolumeQuota notification, a VOLQU or
//! TIMQU report), none of its packets is forwarded (A and C, packet by packet); every
//! Session Report Request agrees with its session (`upf::check_report`), its usage
//! reports count UR-SEQN 0, 1, 2 ... per URR, a duration measured never exceeds the
//! report's span by more than rounding, S4's periodic reports span exactly 5 s while the
//! timers ran at each instant, S3's time quota report measures exactly 3 s; every
//! session tunnelling to the F-TEID an Error Indication names is reported once with
//! ERIR, no other; finally S3's buffer, released by a modification (FAR to FORW), comes
//! out as at most 3 G-PDUs carrying at most 1,000 octets of packets, or none when its
//! quota is spent.
#![no_main]

mod upf;

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Cause, Message, decode, encode};
use ferrocore_upf::state::UrrState;
use ferrocore_upf::{
    Channel, DL_HEADROOM, Dataplane, ForwardingTable, N3Packet, N6Packet, Notification, UpfControl,
    Verdict,
};
use libfuzzer_sys::fuzz_target;
use upf::*;

const BUFFER_PACKETS: usize = 4;
const BUFFER_OCTETS: usize = 1000;
const BAR_PACKETS: u8 = 3;
const UES: [Ipv4Addr; 4] = [
    Ipv4Addr::new(10, 45, 0, 1),
    Ipv4Addr::new(10, 45, 0, 2),
    Ipv4Addr::new(10, 45, 0, 3),
    Ipv4Addr::new(10, 45, 0, 4),
];
const PREFIX4: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 4, 0, 0, 0, 0, 0);
const EXTRA_URR: u32 = 99;
/// S2's N9 tunnel.
const N9_TEID: u32 = 0xABCD;
/// S3's time quota (ISTM) and S4's measurement period, seconds.
const S3_TIME_QUOTA: u32 = 3;
const S4_PERIOD: u32 = 5;
/// Padded payloads (bit 7 of the packet kinds).
const PADDED: usize = 1200;

fn requests(slow: bool) -> Vec<SessionEstablishmentRequest> {
    let mut s1 = with_ue(establishment(1), UES[0]);
    s1.create_qers[0].mbr = Some(Bitrate {
        uplink: 8_000,
        downlink: 8_000,
    });
    s1.create_urrs[0].volume_quota = Some(total_volume(20_000));
    s1.create_urrs[0].reporting_triggers =
        ReportingTriggers(ReportingTriggers::VOLTH | ReportingTriggers::VOLQU);

    let mut s2 = establishment(2);
    s2.create_pdrs[0].pdi.qfis = [9, 5].into();
    s2.create_pdrs.push(ul_pdr(
        11,
        10,
        Some("permit out 17 from any 53 to assigned"),
    ));
    s2.create_pdrs.push(ul_pdr(
        12,
        20,
        Some("permit out 6 from 10.9.0.0/16 to assigned"),
    ));
    s2.create_pdrs.push(dl_pdr(
        13,
        10,
        Some("permit out 17 from any to assigned 5000-5100"),
    ));
    s2.create_pdrs[2].far_id = Some(9);
    s2.create_pdrs[3].far_id = Some(3);
    s2.create_pdrs[4].far_id = Some(9);
    s2.create_fars.push(drop_far(9));
    s2.create_fars.push(ul_far(3, Some((N9_TEID, N9_PEER))));
    s2.create_urrs.push(CreateUrr {
        time_threshold: Some(2),
        time_quota: Some(4),
        ..urr(
            2,
            true,
            true,
            ReportingTriggers::TIMTH | ReportingTriggers::TIMQU,
        )
    });
    for p in &mut s2.create_pdrs {
        p.urr_ids = [1, 2].into();
    }
    let s2 = with_ue(s2, UES[1]);

    let mut s3 = with_ue(establishment(3), UES[2]);
    s3.create_fars[1] = dl_far(2, ApplyAction(ApplyAction::BUFF.0 | ApplyAction::NOCP.0));
    s3.create_bar = Some(Bar {
        bar_id: 1,
        dl_data_notification_delay: None,
        suggested_buffering_packets_count: Some(BAR_PACKETS),
    });
    s3.create_qers[0].gate_status = GateStatus {
        uplink: Gate::Closed,
        downlink: Gate::Open,
    };
    s3.create_urrs[0] = CreateUrr {
        time_quota: Some(S3_TIME_QUOTA),
        measurement_information: Some(UrrState::ISTM),
        ..urr(1, true, true, ReportingTriggers::TIMQU)
    };

    let mut s4 = with_ue(establishment(4), UES[3]);
    for p in &mut s4.create_pdrs {
        let ue = p.pdi.ue_ip_address.as_mut().expect("UE IP");
        ue.ipv6 = Some(UeAddr::Address(PREFIX4));
        ue.ipv6_prefix_length = Some(64);
    }
    s4.create_urrs[0] = CreateUrr {
        measurement_period: Some(S4_PERIOD),
        ..urr(1, true, true, ReportingTriggers::PERIO)
    };

    let mut all = vec![s1, s2, s3, s4];
    if slow {
        for r in &mut all {
            r.create_urrs.push(urr(EXTRA_URR, true, false, 0));
            for p in &mut r.create_pdrs {
                let mut ids = p.urr_ids.to_vec();
                ids.push(EXTRA_URR);
                p.urr_ids = ids.into();
            }
        }
    }
    all
}

/// The F-TEIDs the sessions' FARs tunnel to: the gNB's (all four), S2's N9 peer.
fn tunnels_of(i: usize) -> Vec<(IpAddr, u32)> {
    let mut v = vec![(IpAddr::V4(GNB), GNB_TEID)];
    if i == 1 {
        v.push((IpAddr::V4(N9_PEER), N9_TEID));
    }
    v
}

struct World {
    cp: UpfControl,
    dp: Dataplane,
    table: Arc<ForwardingTable>,
    now: Instant,
    /// (UP SEID, local TEID) of S1..S4 (CP SEIDs 1..=4).
    sessions: Vec<(u64, u32)>,
    /// Every notification the data plane raised, in order.
    notifications: Vec<Notification>,
    /// Those raised since the control part's last turn.
    pending: Vec<Notification>,
    /// Every N4 datagram the control part sent.
    n4: Vec<Vec<u8>>,
    /// Sessions whose quota is spent: none of their packets may be forwarded.
    spent: [bool; 4],
    /// Whether the timers ever ran late (a stalled turn).
    stalled: bool,
    /// Sequence numbers of the Session Report Requests seen.
    reports: HashSet<u32>,
    /// The next UR-SEQN per (session, URR).
    ur_seqn: HashMap<(usize, u32), u32>,
    /// (session, F-TEID) reported with ERIR.
    erir: HashSet<(usize, (IpAddr, u32))>,
    /// The F-TEIDs of the Error Indications handed to the control part.
    error_indications: Vec<(IpAddr, u32)>,
}

impl World {
    fn new(now: Instant, slow: bool) -> World {
        let mut cfg = config();
        cfg.buffer_packets = BUFFER_PACKETS;
        cfg.buffer_octets = BUFFER_OCTETS;
        let dp = Dataplane::new(cfg.dataplane());
        let mut cp = UpfControl::new(cfg, now);
        associate(&mut cp, now, 1);
        let sessions = requests(slow)
            .into_iter()
            .enumerate()
            .map(|(i, req)| {
                let r = establish(&mut cp, now, 10 + i as u32, req);
                let seid = r.up_fseid.as_ref().expect("UP F-SEID").seid;
                (seid, created_teid(&r, 1))
            })
            .collect();
        let table = cp.publish().expect("a table");
        World {
            cp,
            dp,
            table,
            now,
            sessions,
            notifications: Vec::new(),
            pending: Vec::new(),
            n4: Vec::new(),
            spent: [false; 4],
            stalled: false,
            reports: HashSet::new(),
            ur_seqn: HashMap::new(),
            erir: HashSet::new(),
            error_indications: Vec::new(),
        }
    }

    fn index_of(&self, up_seid: u64) -> Option<usize> {
        self.sessions.iter().position(|s| s.0 == up_seid)
    }

    /// The data plane's notifications since the last call: none twice since the control
    /// part's last turn; a volume quota spends its session's quota.
    fn drain_notifications(&mut self) {
        while let Some(n) = self.dp.poll_notification() {
            assert!(
                !self.pending.contains(&n),
                "{n:?} raised twice between two turns"
            );
            if let Notification::VolumeQuota { up_seid, .. } = n
                && let Some(i) = self.index_of(up_seid)
            {
                self.spent[i] = true;
            }
            self.notifications.push(n);
            self.pending.push(n);
        }
    }

    fn check_buffers(&self) {
        for (i, &(seid, _)) in self.sessions.iter().enumerate() {
            let limit = if i == 2 {
                usize::from(BAR_PACKETS)
            } else {
                BUFFER_PACKETS
            };
            let n = self
                .cp
                .session_rules(seid)
                .expect("session")
                .shared()
                .buffered();
            assert!(
                n <= limit,
                "session {seid} buffers {n} packets, bound {limit}"
            );
        }
    }

    /// The control part's turn: the pending notifications handed over, then the clock
    /// moved on by `d` with the timers run at each instant they fall due (or, `stalled`,
    /// once at the end).
    fn control_turn(&mut self, d: Duration, stalled: bool) {
        for n in std::mem::take(&mut self.pending) {
            if let Notification::ErrorIndication { from, teid, peer } = n {
                let named = (peer, teid);
                let known = (0..4).any(|i| tunnels_of(i).contains(&named));
                self.error_indications
                    .push(if known { named } else { (from.ip(), teid) });
            }
            self.cp.handle_notification(self.now, n);
            self.answer();
        }
        let end = self.now + d;
        self.stalled |= stalled && self.cp.poll_timeout().is_some_and(|t| t < end);
        self.advance(d, !stalled);
    }

    /// What the control part sent, checked and answered as an SMF does.
    fn answer(&mut self) {
        while let Some(t) = self.cp.poll_transmit() {
            check_transmit(&t);
            assert_eq!(t.channel, Channel::N4, "no N3 from the control part here");
            let m = decode(&t.payload).expect("checked");
            self.n4.push(t.payload);
            let reply = match &m.body {
                Body::HeartbeatRequest(_) => encode(&Message::node(
                    m.header.sequence,
                    HeartbeatResponse {
                        recovery_time_stamp: SMF_RTS,
                    },
                ))
                .expect("encodes"),
                Body::SessionReportRequest(r) => {
                    let cp_seid = m.header.seid.expect("a session message");
                    let i = usize::try_from(cp_seid).ok().and_then(|c| c.checked_sub(1));
                    let i = i.filter(|&i| i < 4).expect("a report for S1..S4");
                    if self.reports.insert(m.header.sequence) {
                        self.check_report(i, r);
                    }
                    encode(&report_accepted(self.sessions[i].0, m.header.sequence))
                        .expect("encodes")
                }
                b => panic!("the UPF sent the SMF {b:?}"),
            };
            self.cp.handle_input(self.now, smf(), &reply);
        }
    }

    /// A Session Report Request for session `i`, seen for the first time.
    fn check_report(&mut self, i: usize, r: &SessionReportRequest) {
        let s = self.cp.session(self.sessions[i].0).expect("a live session");
        check_report(s, r);
        for u in &r.usage_reports {
            let next = self.ur_seqn.entry((i, u.urr_id)).or_insert(0);
            assert_eq!(u.ur_seqn, *next, "UR-SEQN of S{} URR {}", i + 1, u.urr_id);
            *next += 1;
            let (start, end) = (u.start_time.expect("start"), u.end_time.expect("end"));
            let span = end
                .checked_sub(start)
                .expect("a report ends after it starts");
            if let Some(d) = u.duration_measurement {
                assert!(
                    d <= span + 1,
                    "S{} measured {d} s in {span} s: {u:?}",
                    i + 1
                );
            }
            let trigger = u.trigger.0;
            if trigger & (UsageReportTrigger::VOLQU | UsageReportTrigger::TIMQU) != 0 {
                self.spent[i] = true;
            }
            if !self.stalled {
                if i == 3 && trigger == UsageReportTrigger::PERIO {
                    assert_eq!(span, S4_PERIOD, "S4's period: {u:?}");
                }
                if i == 2 && trigger == UsageReportTrigger::TIMQU {
                    assert_eq!(u.duration_measurement, Some(S3_TIME_QUOTA), "{u:?}");
                }
            }
        }
        if let Some(e) = &r.error_indication_report {
            let f = reported_fteid(&e.remote_fteids[0]).expect("checked");
            assert!(self.erir.insert((i, f)), "S{} reported {f:?} twice", i + 1);
        }
    }

    /// S3's buffer released by a modification: G-PDUs on N3, within the bounds.
    fn release(&mut self) -> Vec<Vec<u8>> {
        let (seid, _) = self.sessions[2];
        let mut m = empty_modification();
        m.update_fars.push(UpdateFar {
            far_id: 2,
            apply_action: Some(ApplyAction::FORW),
            update_forwarding_parameters: None,
            bar_id: None,
        });
        let bytes = encode(&Message::session(seid, 100, m)).expect("encodes");
        self.cp.handle_input(self.now, smf(), &bytes);
        let mut out = Vec::new();
        let mut accepted = false;
        while let Some(t) = self.cp.poll_transmit() {
            check_transmit(&t);
            match t.channel {
                Channel::N3 => out.push(t.payload),
                Channel::N4 => {
                    if let Ok(Message {
                        body: Body::SessionModificationResponse(r),
                        ..
                    }) = decode(&t.payload)
                    {
                        accepted = r.cause == Cause::REQUEST_ACCEPTED;
                    }
                }
            }
        }
        assert!(accepted, "the release modification is accepted");
        out
    }
}

impl Clocked for World {
    fn control(&mut self) -> &mut UpfControl {
        &mut self.cp
    }
    fn clock(&mut self) -> &mut Instant {
        &mut self.now
    }
    fn after_timeout(&mut self) {
        self.answer();
    }
}

/// One packet or clock step, as built from a frame.
#[derive(Clone)]
enum Step {
    N3 {
        src: SocketAddr,
        buf: Vec<u8>,
        len: usize,
    },
    N6 {
        frame: Vec<u8>,
    },
    Advance {
        by: Duration,
        stalled: bool,
    },
}

fn ue6(i: usize) -> Option<Ipv6Addr> {
    (i == 3)
        .then(|| Ipv6Addr::from(u128::from(PREFIX4) | 0x0000_0000_0000_0000_0a0b_0c0d_0e0f_1011))
}

/// The F-TEID (peer, TEID) and sender of the Error Indication a kind 6 frame builds.
fn error_indication_step(b: &[u8]) -> Step {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let teid = u32::from_be_bytes([at(1), at(2), at(3), at(4)]);
    let (mut peer, teid) = match at(0) & 3 {
        0 => (IpAddr::V4(GNB), GNB_TEID),
        1 => (IpAddr::V4(N9_PEER), N9_TEID),
        2 => (IpAddr::V4(GNB), teid),
        _ => (IpAddr::V4(N9_PEER), teid),
    };
    if at(0) & 8 != 0 {
        peer = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 77));
    }
    let src = if at(0) & 4 != 0 {
        SocketAddr::new(IpAddr::V4(N9_PEER), 2152)
    } else {
        gnb()
    };
    let buf = error_indication(teid, peer);
    let len = buf.len();
    Step::N3 { src, buf, len }
}

fn steps(data: &[u8], teids: &[u32]) -> Vec<Step> {
    let n3 = |v: Vec<u8>, exact: bool| {
        let len = v.len();
        let mut buf = v;
        if !exact {
            buf.resize(len.max(2048), 0);
        }
        Step::N3 {
            src: gnb(),
            buf,
            len,
        }
    };
    let mut out = Vec::new();
    for f in frames(data) {
        let b = f.bytes;
        let i = usize::from(f.kind >> 3) & 3;
        let v6 = f.kind & 0x40 != 0;
        let at = |k: usize| b.get(k).copied().unwrap_or(0);
        let port = |k: usize| u16::from_be_bytes([at(k), at(k + 1)]);
        let payload = |from: usize| {
            let mut p = b.get(from..).unwrap_or(&[]).to_vec();
            if f.kind & 0x80 != 0 {
                p.resize(p.len().max(PADDED), 0);
            }
            p
        };
        match f.kind & 7 {
            0 => out.push(n3(b.to_vec(), f.kind & 0x08 != 0)),
            1 => out.push(n3(
                gpdu_ul(teids[i], at(0), b.get(1..).unwrap_or(&[])),
                false,
            )),
            2 => {
                let payload = payload(10);
                let inner = match ue6(i).filter(|_| v6) {
                    Some(src) => {
                        let mut dst = [0u8; 16];
                        dst[..4].copy_from_slice(&[0x20, 0x01, at(2), at(3)]);
                        dst[12..].copy_from_slice(&[at(4), at(5), at(2), at(3)]);
                        ipv6(src, dst.into(), at(1), port(6), port(8), &payload)
                    }
                    None => {
                        let dst = Ipv4Addr::new(at(2), at(3), at(4), at(5));
                        ipv4(UES[i], dst, at(1), port(6), port(8), &payload)
                    }
                };
                out.push(n3(gpdu_ul(teids[i], at(0), &inner), false));
            }
            3 => {
                let mut frame = Vec::new();
                if f.kind & 0x08 != 0 {
                    frame.resize(DL_HEADROOM, 0);
                }
                frame.extend_from_slice(b);
                out.push(Step::N6 { frame });
            }
            4 => {
                let payload = payload(9);
                let ip = match ue6(i).filter(|_| v6) {
                    Some(dst) => {
                        let src = Ipv6Addr::new(
                            0x2001,
                            0x4860,
                            u16::from(at(1)),
                            0,
                            0,
                            0,
                            0,
                            u16::from(at(2)),
                        );
                        ipv6(src, dst, at(0), port(5), port(7), &payload)
                    }
                    None => {
                        let src = Ipv4Addr::new(at(1), at(2), at(3), at(4));
                        ipv4(src, UES[i], at(0), port(5), port(7), &payload)
                    }
                };
                let mut frame = vec![0u8; DL_HEADROOM];
                frame.extend_from_slice(&ip);
                out.push(Step::N6 { frame });
            }
            6 => out.push(error_indication_step(b)),
            _ => {
                let unit = if f.kind & 0x08 != 0 { 10_000 } else { 10 };
                out.push(Step::Advance {
                    by: Duration::from_micros(unit * u64::from(port(0))),
                    stalled: f.kind & 0x10 != 0,
                });
            }
        }
    }
    out
}

/// The session a packet is for: a G-PDU to its TEID, a downlink packet to its UE
/// address (IPv4, or IPv6 in S4's prefix).
fn target(step: &Step, teids: &[u32]) -> Option<usize> {
    match step {
        Step::N3 { buf, len, .. } => {
            let d = ferrocore_gtpu::decap(buf.get(..*len)?).ok()?;
            (d.message_type == 0xff).then(|| teids.iter().position(|&t| t == d.teid))?
        }
        Step::N6 { frame } => {
            let ip = frame.get(DL_HEADROOM..)?;
            match ip.first()? >> 4 {
                4 => {
                    let dst = Ipv4Addr::from(<[u8; 4]>::try_from(ip.get(16..20)?).ok()?);
                    UES.iter().position(|&u| u == dst)
                }
                6 => {
                    let dst = <[u8; 16]>::try_from(ip.get(24..40)?).ok()?;
                    (dst[..8] == PREFIX4.octets()[..8]).then_some(3)
                }
                _ => None,
            }
        }
        Step::Advance { .. } => None,
    }
}

/// Checks a verdict against the buffer it refers to.
fn check_verdict(v: &Verdict, buf: &[u8]) {
    match v {
        Verdict::N6 { range } => assert!(
            range.start <= range.end && range.end <= buf.len(),
            "{v:?} in {}",
            buf.len()
        ),
        Verdict::N3 { range, .. } | Verdict::Reply { range, .. } => {
            assert!(
                range.start <= range.end && range.end <= buf.len(),
                "{v:?} in {}",
                buf.len()
            );
            if let Err(e) = ferrocore_gtpu::decap(&buf[range.clone()]) {
                panic!(
                    "{v:?} does not parse as GTP-U: {e:?} {:02x?}",
                    &buf[range.clone()]
                );
            }
        }
        _ => {}
    }
}

/// Each packet alone; returns the verdicts and the buffers afterwards. A packet for a
/// session whose quota was spent before it is not forwarded.
fn one_by_one(w: &mut World, steps: &[Step]) -> (Vec<Verdict>, Vec<Vec<u8>>) {
    let mut verdicts = Vec::new();
    let mut bufs = Vec::new();
    let teids: Vec<u32> = w.sessions.iter().map(|s| s.1).collect();
    for s in steps {
        let spent = target(s, &teids).filter(|&i| w.spent[i]);
        let (v, buf) = match s.clone() {
            Step::N3 { src, mut buf, len } => {
                (w.dp.handle_n3(&w.table, w.now, src, &mut buf, len), buf)
            }
            Step::N6 { mut frame } => (w.dp.handle_n6(&w.table, w.now, &mut frame), frame),
            Step::Advance { by, stalled } => {
                w.control_turn(by, stalled);
                continue;
            }
        };
        check_verdict(&v, &buf);
        if let Some(i) = spent {
            assert!(
                !matches!(v, Verdict::N6 { .. } | Verdict::N3 { .. }),
                "S{} forwards after its quota was spent: {v:?}",
                i + 1
            );
        }
        verdicts.push(v);
        bufs.push(buf);
        w.drain_notifications();
        w.check_buffers();
    }
    (verdicts, bufs)
}

/// Runs of packets in one direction as batches.
fn batched(w: &mut World, steps: &[Step]) -> (Vec<Verdict>, Vec<Vec<u8>>) {
    let mut verdicts = Vec::new();
    let mut bufs = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        match &steps[i] {
            Step::Advance { by, stalled } => {
                w.control_turn(*by, *stalled);
                i += 1;
            }
            Step::N3 { .. } => {
                let mut run: Vec<(SocketAddr, Vec<u8>, usize)> = Vec::new();
                while let Some(Step::N3 { src, buf, len }) = steps.get(i) {
                    run.push((*src, buf.clone(), *len));
                    i += 1;
                }
                let mut pkts: Vec<N3Packet<'_>> = run
                    .iter_mut()
                    .map(|(src, b, len)| N3Packet::new(*src, b, *len))
                    .collect();
                w.dp.handle_n3_batch(&w.table, w.now, &mut pkts);
                verdicts.extend(pkts.into_iter().map(|p| p.verdict));
                bufs.extend(run.into_iter().map(|(_, b, _)| b));
            }
            Step::N6 { .. } => {
                let mut run: Vec<Vec<u8>> = Vec::new();
                while let Some(Step::N6 { frame }) = steps.get(i) {
                    run.push(frame.clone());
                    i += 1;
                }
                let mut pkts: Vec<N6Packet<'_>> =
                    run.iter_mut().map(|f| N6Packet::new(f)).collect();
                w.dp.handle_n6_batch(&w.table, w.now, &mut pkts);
                verdicts.extend(pkts.into_iter().map(|p| p.verdict));
                bufs.extend(run);
            }
        }
        w.drain_notifications();
        w.check_buffers();
    }
    (verdicts, bufs)
}

fn write_seeds(dir: &str) {
    let udp = |qfi: u8, dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]| {
        let mut v = vec![qfi, 17];
        v.extend(dst);
        v.extend(sport.to_be_bytes());
        v.extend(dport.to_be_bytes());
        v.extend_from_slice(payload);
        v
    };
    let dl = |proto: u8, src: [u8; 4], sport: u16, dport: u16, payload: &[u8]| {
        let mut v = vec![proto];
        v.extend(src);
        v.extend(sport.to_be_bytes());
        v.extend(dport.to_be_bytes());
        v.extend_from_slice(payload);
        v
    };
    // Kinds: k | session << 3 (| 0x40 for IPv6, | 0x80 padded to 1,200 octets).
    let k = |kind: u8, s: u8| kind | s << 3;
    const PAD: u8 = 0x80;
    // Clock steps: x 10 us; x 10 ms (| 8); stalled (| 0x10).
    let centis = |n: u16| frame(5 | 8, &n.to_be_bytes());
    let echo = [0x32, 1, 0, 4, 0, 0, 0, 0, 0, 7, 0, 0];
    let ul1 = udp(9, [8, 8, 8, 8], 4000, 53, &[0x11; 100]);
    let mut rs_frame = vec![9];
    rs_frame.extend(router_solicitation(
        "fe80::a0b:c0d:e0f:1011".parse().expect("link-local"),
        &[],
    ));
    let tcp_n9 = {
        let mut v = udp(9, [10, 9, 3, 3], 3333, 80, &[0; 20]);
        v[1] = 6;
        v
    };
    let big_up = |s: u8| frame(k(2, s) | PAD, &udp(9, [1, 1, 1, 1], 1, 2, &[]));
    let big_down = |s: u8| frame(k(4, s) | PAD, &dl(17, [1, 1, 1, 1], 2, 1, &[]));
    let seeds: Vec<(&str, Vec<Vec<u8>>)> = vec![
        (
            "echo_request",
            vec![frame(0, &echo), frame(0 | 0x08, &echo)],
        ),
        (
            "uplink_s1",
            vec![frame(k(2, 0), &ul1), frame(k(1, 0), &[9, 0x45, 0, 0, 20])],
        ),
        (
            "downlink_s1",
            vec![frame(
                k(4, 0),
                &dl(17, [8, 8, 8, 8], 53, 4000, &[0x22; 200]),
            )],
        ),
        (
            "mbr_burst",
            vec![
                frame(k(2, 0), &udp(9, [1, 1, 1, 1], 1, 2, &[0; 1400])),
                frame(k(2, 0), &udp(9, [1, 1, 1, 1], 1, 2, &[0; 1400])),
                frame(5, &[0x03, 0xe8]),
                frame(k(4, 0), &dl(17, [1, 1, 1, 1], 2, 1, &[0; 1400])),
            ],
        ),
        (
            "sdf_s2",
            vec![
                frame(k(2, 1), &udp(9, [1, 2, 3, 4], 1000, 53, &[1; 10])),
                frame(k(2, 1), &tcp_n9),
                frame(k(2, 1), &udp(5, [1, 2, 3, 4], 54, 1000, &[1; 10])),
                frame(k(4, 1), &dl(17, [1, 2, 3, 4], 53, 5050, &[1; 10])),
                frame(k(4, 1), &dl(17, [1, 2, 3, 4], 53, 6000, &[1; 10])),
            ],
        ),
        (
            "buffer_s3",
            vec![
                frame(k(4, 2), &dl(17, [8, 8, 8, 8], 53, 4000, &[3; 300])),
                frame(k(4, 2), &dl(17, [8, 8, 8, 8], 53, 4000, &[3; 300])),
                frame(k(4, 2), &dl(17, [8, 8, 8, 8], 53, 4000, &[3; 300])),
                frame(k(4, 2), &dl(17, [8, 8, 8, 8], 53, 4000, &[3; 10])),
                frame(k(2, 2), &ul1),
            ],
        ),
        ("router_solicitation_s4", vec![frame(k(1, 3), &rs_frame)]),
        (
            "ipv6_s4",
            vec![
                frame(k(2, 3) | 0x40, &udp(9, [0xdb, 0x8, 1, 2], 1, 2, &[4; 50])),
                frame(k(4, 3) | 0x40, &dl(17, [1, 2, 3, 4], 53, 4000, &[4; 50])),
            ],
        ),
        (
            "unknown_teid_and_raw",
            vec![
                frame(0, &gpdu_ul(0x7777, 9, &[0x45; 28])),
                frame(
                    3 | 0x08,
                    &[
                        0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 1, 1, 1, 1, 10, 45, 0, 1,
                    ],
                ),
                frame(3, &[0; 10]),
            ],
        ),
        // S1: the volume threshold (10,000 octets) then the volume quota (20,000) in
        // 1,228-octet packets, a control turn in between.
        (
            "volume_threshold_and_quota_s1",
            [
                vec![big_up(0); 9],
                vec![centis(10)],
                vec![big_down(0); 9],
                vec![centis(10), big_up(0), big_down(0), centis(100)],
            ]
            .concat(),
        ),
        // S2: first packet, the time threshold at 2 s, the time quota at 4 s.
        (
            "time_threshold_and_quota_s2",
            vec![
                frame(k(2, 1), &udp(9, [1, 2, 3, 4], 1000, 1000, &[1; 10])),
                centis(10),
                centis(100),
                centis(150),
                frame(k(4, 1), &dl(17, [1, 2, 3, 4], 53, 6000, &[1; 10])),
                centis(200),
                frame(k(2, 1), &udp(9, [1, 2, 3, 4], 1000, 1000, &[1; 10])),
                frame(k(4, 1), &dl(17, [1, 2, 3, 4], 53, 6000, &[1; 10])),
            ],
        ),
        // S3: buffered, then its time quota (ISTM, 3 s) runs out before the release.
        (
            "time_quota_istm_s3",
            vec![
                frame(k(4, 2), &dl(17, [8, 8, 8, 8], 53, 4000, &[3; 100])),
                centis(200),
                frame(k(4, 2), &dl(17, [8, 8, 8, 8], 53, 4000, &[3; 100])),
                centis(150),
                frame(k(4, 2), &dl(17, [8, 8, 8, 8], 53, 4000, &[3; 100])),
            ],
        ),
        // S4: periodic reports every 5 s, on time and after a stalled turn.
        (
            "periodic_s4",
            vec![
                frame(k(4, 3), &dl(17, [1, 2, 3, 4], 53, 4000, &[4; 50])),
                centis(600),
                frame(k(2, 3) | 0x40, &udp(9, [0xdb, 0x8, 1, 2], 1, 2, &[4; 50])),
                frame(5 | 8 | 0x10, &1_200u16.to_be_bytes()),
                centis(600),
            ],
        ),
        // Error Indications: the gNB's tunnel (all four sessions), S2's N9 tunnel, an
        // unknown TEID, an unknown peer address (the sender's counts), repeated.
        (
            "error_indications",
            vec![
                frame(6, &[0]),
                frame(6, &[0]),
                frame(6, &[1 | 4]),
                frame(6, &[2, 0, 0, 0x77, 0x77]),
                frame(6, &[8 | 4 | 1]),
                centis(10),
                frame(6, &[0]),
                centis(10),
            ],
        ),
    ];
    for (name, frames) in seeds {
        write_seed(dir, name, &frames.concat());
    }
}

/// The datagrams sorted (the order of retransmissions follows hash maps).
fn sorted(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort();
    v
}

fuzz_target!(
    init: {
        if let Ok(dir) = std::env::var("UPF_FUZZ_WRITE_SEEDS") {
            write_seeds(&dir);
            std::process::exit(0);
        }
    },
    |data: &[u8]| {
        let now = Instant::now();
        let mut a = World::new(now, false);
        let mut b = World::new(now, false);
        let mut c = World::new(now, true);
        assert_eq!(a.sessions, b.sessions, "the same TEIDs in both");
        assert_eq!(a.sessions, c.sessions, "the same TEIDs in all three");
        let teids: Vec<u32> = a.sessions.iter().map(|s| s.1).collect();
        let steps = steps(data, &teids);

        let (va, ba) = one_by_one(&mut a, &steps);
        let (vb, bb) = batched(&mut b, &steps);
        let (vc, bc) = one_by_one(&mut c, &steps);
        for w in [&mut a, &mut b, &mut c] {
            w.control_turn(Duration::ZERO, false);
        }
        if debug() {
            eprintln!(
                "verdicts {va:?}\nnotifications {:?}\nstats {:?}\nUR-SEQN {:?}\nERIR {:?}\nspent {:?}",
                a.notifications,
                a.dp.stats(),
                a.ur_seqn,
                a.erir,
                a.spent
            );
        }
        assert_eq!(va, vb, "batch verdicts differ from per-packet ones");
        assert!(ba == bb, "batch buffers differ from per-packet ones");
        assert_eq!(a.notifications, b.notifications, "batch notifications differ");
        assert_eq!(a.dp.stats(), b.dp.stats(), "batch counters differ");
        assert_eq!(va, vc, "the fast path and the full PDR match disagree");
        assert!(ba == bc, "the fast path and the full PDR match write different octets");
        assert_eq!(a.notifications, c.notifications, "fast / full match notifications differ");
        assert_eq!(a.dp.stats(), c.dp.stats(), "fast / full match counters differ");
        let n4 = sorted(a.n4.clone());
        assert!(n4 == sorted(b.n4.clone()), "batch N4 messages differ");
        assert!(n4 == sorted(c.n4.clone()), "fast / full match N4 messages differ");

        // Nothing re-arms these here (no Update URR, no modification).
        let mut seen = Vec::new();
        for n in &a.notifications {
            if !matches!(n, Notification::VolumeThreshold { .. }) {
                assert!(!seen.contains(n), "{n:?} raised twice");
                seen.push(*n);
            }
        }
        // Every session tunnelling to a reported F-TEID heard of it, with ERIR.
        for &f in &a.error_indications {
            for i in (0..4).filter(|&i| tunnels_of(i).contains(&f)) {
                assert!(a.erir.contains(&(i, f)), "S{} not told of {f:?}", i + 1);
            }
        }
        assert!(
            a.erir.iter().all(|(_, f)| a.error_indications.contains(f)),
            "ERIR without an Error Indication: {:?}",
            a.erir
        );

        // S3's buffer comes out within its bounds, or not at all when its quota is spent.
        let buffered = a.cp.session_rules(a.sessions[2].0).expect("S3").shared().buffered();
        let released = a.release();
        if a.spent[2] {
            assert!(released.is_empty(), "S3's quota is spent, yet {} released", released.len());
        } else {
            assert_eq!(released.len(), buffered, "every buffered packet released once");
        }
        assert!(released.len() <= usize::from(BAR_PACKETS));
        let octets: usize = released
            .iter()
            .map(|g| {
                let d = ferrocore_gtpu::decap(g).expect("released G-PDU parses");
                assert_eq!(d.teid, GNB_TEID);
                d.payload.len()
            })
            .sum();
        assert!(octets <= BUFFER_OCTETS, "released {octets} octets, bound {BUFFER_OCTETS}");
    }
);
