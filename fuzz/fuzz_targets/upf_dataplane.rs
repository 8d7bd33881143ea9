//! Fuzzes the UPF's packet path (`ferrocore_upf::Dataplane`) on a published table with
//! four sessions installed over N4 (TEIDs chosen by the UPF):
//!
//! - S1 forwards both ways, QER with QFI 9 and an 8 Mbit/s MBR each way (a 20,000-octet
//!   bucket), URR with a 10,000-octet volume threshold;
//! - S2 has SDF filters: uplink UDP from port 53 dropped (precedence 10), uplink TCP to
//!   10.9.0.0/16 re-encapsulated towards an N9 peer (20), downlink UDP to ports
//!   5000-5100 dropped (10); its default uplink PDR accepts QFI 9 and 5;
//! - S3 buffers downlink (BUFF + NOCP, the BAR suggests 3 packets; the UPF's bound is
//!   4 packets / 1,000 octets) and has its uplink gate closed;
//! - S4 is IPv4v6 (prefix 2001:db8:4::/64): Router Solicitations are answered.
//!
//! Frames (`upf::frames`), `kind & 7` (6 and 7 as 5):
//! 0. the octets as an N3 datagram from the gNB (bit 3 of the kind: a buffer of exactly
//!    the datagram, else 2,048 octets);
//! 1. a G-PDU to session `(kind >> 3) & 3`'s TEID, UL PDU Session Container with QFI
//!    octet 0, the rest as the inner packet;
//! 2. the same around an IPv4 packet from the session's UE address (bit 6: IPv6 from its
//!    prefix when it has one): octets 0..=9 QFI, protocol, destination, ports, then the
//!    payload;
//! 3. the octets as an N6 frame (bit 3: behind `DL_HEADROOM` free octets, else as is);
//! 4. an IPv4 (bit 6: IPv6) packet to session `(kind >> 3) & 3`'s UE address: protocol,
//!    source, ports, payload;
//! 5. the clock moved on by the first two octets x 10 us (MBR buckets, Error
//!    Indication rate limit).
//!
//! Three UPFs are built alike: A handles each packet alone, B the same packets in
//! batches (`handle_n3_batch` / `handle_n6_batch`, one batch per run of packets in one
//! direction between clock steps), C has one more URR (no threshold) on every PDR, which
//! keeps every packet off the hot-record fast path (`Hot::FAST`) and on the full PDR
//! match. Asserted: no panic; A, B and C give the same verdicts, the same octets in the
//! buffers, the same notifications and the same per-worker counters (C's URR counting
//! apart); verdict ranges lie in the buffer and what goes to N3 parses as GTP-U; no
//! session ever holds more than its buffer bound; at most one downlink data and one
//! volume threshold notification per session (nothing re-arms them here); finally S3's
//! buffer, released by a modification (FAR to FORW), comes out as at most 3 G-PDUs
//! carrying at most 1,000 octets of packets.
#![no_main]

mod upf;

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Cause, Message, encode};
use ferrocore_upf::{
    Channel, DL_HEADROOM, Dataplane, ForwardingTable, N3Packet, N6Packet, Notification,
    UpfControl, Verdict,
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

fn requests(slow: bool) -> Vec<SessionEstablishmentRequest> {
    let mut s1 = establishment(1, Some(UES[0]));
    s1.create_qers[0].mbr = Some(Bitrate {
        uplink: 8_000,
        downlink: 8_000,
    });

    let mut s2 = establishment(2, Some(UES[1]));
    let a2 = UeAddr::Address(UES[1]);
    s2.create_pdrs[0].pdi.qfis = [9, 5].into();
    s2.create_pdrs.push(ul_pdr(11, 10, a2, Some("permit out 17 from any 53 to assigned")));
    s2.create_pdrs.push(ul_pdr(12, 20, a2, Some("permit out 6 from 10.9.0.0/16 to assigned")));
    s2.create_pdrs.push(dl_pdr(13, 10, a2, Some("permit out 17 from any to assigned 5000-5100")));
    s2.create_pdrs[2].far_id = Some(9);
    s2.create_pdrs[3].far_id = Some(3);
    s2.create_pdrs[4].far_id = Some(9);
    s2.create_fars.push(drop_far(9));
    s2.create_fars.push(ul_far(3, Some((0xABCD, N9_PEER))));

    let mut s3 = establishment(3, Some(UES[2]));
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

    let mut s4 = establishment(4, Some(UES[3]));
    for p in &mut s4.create_pdrs {
        let ue = p.pdi.ue_ip_address.as_mut().expect("UE IP");
        ue.ipv6 = Some(UeAddr::Address(PREFIX4));
        ue.ipv6_prefix_length = Some(64);
    }

    let mut all = vec![s1, s2, s3, s4];
    if slow {
        for r in &mut all {
            r.create_urrs.push(CreateUrr {
                urr_id: EXTRA_URR,
                measurement_method: MeasurementMethod {
                    duration: false,
                    volume: true,
                    event: false,
                },
                reporting_triggers: ReportingTriggers(0),
                measurement_period: None,
                volume_threshold: None,
                volume_quota: None,
                time_threshold: None,
                time_quota: None,
                quota_holding_time: None,
                measurement_information: None,
            });
            for p in &mut r.create_pdrs {
                let mut ids = p.urr_ids.to_vec();
                ids.push(EXTRA_URR);
                p.urr_ids = ids.into();
            }
        }
    }
    all
}

struct World {
    cp: UpfControl,
    dp: Dataplane,
    table: Arc<ForwardingTable>,
    now: Instant,
    /// (UP SEID, local TEID) of S1..S4.
    sessions: Vec<(u64, u32)>,
    notifications: Vec<Notification>,
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
                (seid, created_teid(&r, 1).expect("chosen TEID"))
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
        }
    }

    fn drain_notifications(&mut self) {
        while let Some(n) = self.dp.poll_notification() {
            self.notifications.push(n);
        }
    }

    fn check_buffers(&self) {
        for (i, &(seid, _)) in self.sessions.iter().enumerate() {
            let limit = if i == 2 { usize::from(BAR_PACKETS) } else { BUFFER_PACKETS };
            let n = self.cp.session_rules(seid).expect("session").shared().buffered();
            assert!(n <= limit, "session {seid} buffers {n} packets, bound {limit}");
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
                    }) = ferrocore_pfcp::decode(&t.payload)
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

/// One packet or clock step, as built from a frame.
#[derive(Clone)]
enum Step {
    N3 { buf: Vec<u8>, len: usize },
    N6 { frame: Vec<u8> },
    Advance(Duration),
}

fn ue6(i: usize) -> Option<Ipv6Addr> {
    (i == 3).then(|| Ipv6Addr::from(u128::from(PREFIX4) | 0x0000_0000_0000_0000_0a0b_0c0d_0e0f_1011))
}

fn steps(data: &[u8], teids: &[u32]) -> Vec<Step> {
    let n3 = |v: Vec<u8>, exact: bool| {
        let len = v.len();
        let mut buf = v;
        if !exact {
            buf.resize(len.max(2048), 0);
        }
        Step::N3 { buf, len }
    };
    let mut out = Vec::new();
    for f in frames(data) {
        let b = f.bytes;
        let i = usize::from(f.kind >> 3) & 3;
        let v6 = f.kind & 0x40 != 0;
        let at = |k: usize| b.get(k).copied().unwrap_or(0);
        let port = |k: usize| u16::from_be_bytes([at(k), at(k + 1)]);
        match f.kind & 7 {
            0 => out.push(n3(b.to_vec(), f.kind & 0x08 != 0)),
            1 => out.push(n3(gpdu_ul(teids[i], at(0), b.get(1..).unwrap_or(&[])), false)),
            2 => {
                let payload = b.get(10..).unwrap_or(&[]);
                let inner = match ue6(i).filter(|_| v6) {
                    Some(src) => {
                        let mut dst = [0u8; 16];
                        dst[..4].copy_from_slice(&[0x20, 0x01, at(2), at(3)]);
                        dst[12..].copy_from_slice(&[at(4), at(5), at(2), at(3)]);
                        ipv6(src, dst.into(), at(1), port(6), port(8), payload)
                    }
                    None => {
                        let dst = Ipv4Addr::new(at(2), at(3), at(4), at(5));
                        ipv4(UES[i], dst, at(1), port(6), port(8), payload)
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
                let payload = b.get(9..).unwrap_or(&[]);
                let ip = match ue6(i).filter(|_| v6) {
                    Some(dst) => {
                        let src = Ipv6Addr::new(0x2001, 0x4860, u16::from(at(1)), 0, 0, 0, 0, u16::from(at(2)));
                        ipv6(src, dst, at(0), port(5), port(7), payload)
                    }
                    None => {
                        let src = Ipv4Addr::new(at(1), at(2), at(3), at(4));
                        ipv4(src, UES[i], at(0), port(5), port(7), payload)
                    }
                };
                let mut frame = vec![0u8; DL_HEADROOM];
                frame.extend_from_slice(&ip);
                out.push(Step::N6 { frame });
            }
            _ => out.push(Step::Advance(Duration::from_micros(10 * u64::from(port(0))))),
        }
    }
    out
}

/// Checks a verdict against the buffer it refers to.
fn check_verdict(v: &Verdict, buf: &[u8]) {
    match v {
        Verdict::N6 { range } => assert!(range.start <= range.end && range.end <= buf.len(), "{v:?} in {}", buf.len()),
        Verdict::N3 { range, .. } | Verdict::Reply { range, .. } => {
            assert!(range.start <= range.end && range.end <= buf.len(), "{v:?} in {}", buf.len());
            if let Err(e) = ferrocore_gtpu::decap(&buf[range.clone()]) {
                panic!("{v:?} does not parse as GTP-U: {e:?} {:02x?}", &buf[range.clone()]);
            }
        }
        _ => {}
    }
}

/// Each packet alone; returns the verdicts and the buffers afterwards.
fn one_by_one(w: &mut World, steps: &[Step]) -> (Vec<Verdict>, Vec<Vec<u8>>) {
    let mut verdicts = Vec::new();
    let mut bufs = Vec::new();
    let src = gnb();
    for s in steps {
        match s.clone() {
            Step::N3 { mut buf, len } => {
                let v = w.dp.handle_n3(&w.table, w.now, src, &mut buf, len);
                check_verdict(&v, &buf);
                verdicts.push(v);
                bufs.push(buf);
            }
            Step::N6 { mut frame } => {
                let v = w.dp.handle_n6(&w.table, w.now, &mut frame);
                check_verdict(&v, &frame);
                verdicts.push(v);
                bufs.push(frame);
            }
            Step::Advance(d) => w.now += d,
        }
        w.drain_notifications();
        w.check_buffers();
    }
    (verdicts, bufs)
}

/// Runs of packets in one direction as batches.
fn batched(w: &mut World, steps: &[Step]) -> (Vec<Verdict>, Vec<Vec<u8>>) {
    let mut verdicts = Vec::new();
    let mut bufs = Vec::new();
    let src = gnb();
    let mut i = 0;
    while i < steps.len() {
        match &steps[i] {
            Step::Advance(d) => {
                w.now += *d;
                i += 1;
            }
            Step::N3 { .. } => {
                let mut run: Vec<(Vec<u8>, usize)> = Vec::new();
                while let Some(Step::N3 { buf, len }) = steps.get(i) {
                    run.push((buf.clone(), *len));
                    i += 1;
                }
                let mut pkts: Vec<N3Packet<'_>> =
                    run.iter_mut().map(|(b, len)| N3Packet::new(src, b, *len)).collect();
                w.dp.handle_n3_batch(&w.table, w.now, &mut pkts);
                verdicts.extend(pkts.into_iter().map(|p| p.verdict));
                bufs.extend(run.into_iter().map(|(b, _)| b));
            }
            Step::N6 { .. } => {
                let mut run: Vec<Vec<u8>> = Vec::new();
                while let Some(Step::N6 { frame }) = steps.get(i) {
                    run.push(frame.clone());
                    i += 1;
                }
                let mut pkts: Vec<N6Packet<'_>> = run.iter_mut().map(|f| N6Packet::new(f)).collect();
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

/// The ICMPv6 checksum (RFC 8200 §8.1), for the seeds' Router Solicitation.
fn icmpv6_sum(src: &[u8], dst: &[u8], msg: &[u8]) -> u16 {
    let mut words: Vec<u8> = Vec::new();
    words.extend(src);
    words.extend(dst);
    words.extend((msg.len() as u32).to_be_bytes());
    words.extend([0, 0, 0, 58]);
    words.extend(msg);
    if words.len() % 2 == 1 {
        words.push(0);
    }
    let mut sum: u32 = words
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
        .sum();
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
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
    // Kinds: k | session << 3 (| 0x40 for IPv6).
    let k = |kind: u8, s: u8| kind | s << 3;
    let echo = [0x32, 1, 0, 4, 0, 0, 0, 0, 0, 7, 0, 0];
    let ul1 = udp(9, [8, 8, 8, 8], 4000, 53, &[0x11; 100]);
    let mut rs = vec![0x60, 0, 0, 0, 0, 8, 58, 255];
    rs.extend([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11]);
    rs.extend([0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    rs.extend([133, 0, 0, 0, 0, 0, 0, 0]);
    let sum = icmpv6_sum(&rs[8..24], &rs[24..40], &rs[40..]);
    rs[42..44].copy_from_slice(&sum.to_be_bytes());
    let mut rs_frame = vec![9];
    rs_frame.extend(&rs);
    let tcp_n9 = {
        let mut v = udp(9, [10, 9, 3, 3], 3333, 80, &[0; 20]);
        v[1] = 6;
        v
    };
    let seeds: Vec<(&str, Vec<Vec<u8>>)> = vec![
        ("echo_request", vec![frame(0, &echo), frame(0 | 0x08, &echo)]),
        ("uplink_s1", vec![frame(k(2, 0), &ul1), frame(k(1, 0), &[9, 0x45, 0, 0, 20])]),
        ("downlink_s1", vec![frame(k(4, 0), &dl(17, [8, 8, 8, 8], 53, 4000, &[0x22; 200]))]),
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
                frame(3 | 0x08, &[0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 1, 1, 1, 1, 10, 45, 0, 1]),
                frame(3, &[0; 10]),
            ],
        ),
    ];
    for (name, frames) in seeds {
        write_seed(dir, name, &frames.concat());
    }
}

/// `UPF_FUZZ_DEBUG=1`: print what each input did (for triage).
fn debug() -> bool {
    static DEBUG: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("UPF_FUZZ_DEBUG").is_some())
}

fn count_by<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = K>) -> HashMap<K, usize> {
    let mut m = HashMap::new();
    for k in keys {
        *m.entry(k).or_default() += 1;
    }
    m
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
        if debug() {
            eprintln!("verdicts {va:?}\nnotifications {:?}\nstats {:?}", a.notifications, a.dp.stats());
        }
        assert_eq!(va, vb, "batch verdicts differ from per-packet ones");
        assert!(ba == bb, "batch buffers differ from per-packet ones");
        assert_eq!(a.notifications, b.notifications, "batch notifications differ");
        assert_eq!(a.dp.stats(), b.dp.stats(), "batch counters differ");
        assert_eq!(va, vc, "the fast path and the full PDR match disagree");
        assert!(ba == bc, "the fast path and the full PDR match write different octets");
        assert_eq!(a.notifications, c.notifications, "fast / full match notifications differ");
        assert_eq!(a.dp.stats(), c.dp.stats(), "fast / full match counters differ");

        // Nothing re-arms the notifications here (no Session Report, no modification).
        for (n, count) in count_by(a.notifications.iter().map(|n| format!("{n:?}"))) {
            assert_eq!(count, 1, "{n:?} raised {count} times");
        }

        // S3's buffer comes out within its bounds.
        let buffered = a.cp.session_rules(a.sessions[2].0).expect("S3").shared().buffered();
        let released = a.release();
        assert_eq!(released.len(), buffered, "every buffered packet released once");
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
