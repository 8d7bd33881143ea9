//! The flat TEID / UE IPv4 tables and the batch API (issue #6): generation-checked
//! TEIDs, growth, many sessions, and batches deciding exactly as single packets do.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use common::*;
use ferrocore_pfcp::Cause;
use ferrocore_pfcp::ie::*;
use ferrocore_upf::dataplane::BATCH;
use ferrocore_upf::pool::SLOT_BITS;
use ferrocore_upf::{DL_HEADROOM, DropReason, N3Packet, N6Packet, Verdict};
use proptest::prelude::*;

/// A TEID of a deleted session never reaches the session that reuses its slot.
#[test]
fn stale_teid_never_matches_a_new_session() {
    let mut upf = Upf::new();
    upf.associate();
    let a = Ipv4Addr::new(10, 45, 0, 1);
    let (seid, old) = upf.session(with_ue(establishment(1), a));
    assert_eq!(old, 1);
    assert_eq!(upf.delete(seid).cause, Cause::REQUEST_ACCEPTED);
    let b = Ipv4Addr::new(10, 45, 0, 2);
    let (_, new) = upf.session(with_ue(establishment(2), b));
    // Same slot, next generation.
    assert_eq!(new, 1 + (1 << SLOT_BITS));
    let ul = ipv4_udp(b, Ipv4Addr::new(1, 1, 1, 1), 1, 2, 20);
    assert!(matches!(upf.uplink(new, 9, &ul).0, Verdict::N6 { .. }));
    // The stale TEID: unknown (answered with an Error Indication), never forwarded.
    let (v, _) = upf.uplink(old, 9, &ul);
    assert!(matches!(v, Verdict::Reply { .. }), "{v:?}");
    assert_eq!(upf.dp.stats().dropped(DropReason::UnknownTeid), 1);
    assert!(upf.table.by_teid(old).is_none());
    // In a batch too.
    let mut bufs = [gpdu_ul(old, 9, &ul), gpdu_ul(new, 9, &ul)];
    let lens = bufs.clone().map(|b| b.len());
    for b in &mut bufs {
        b.resize(2048, 0);
    }
    let [x, y] = &mut bufs;
    let mut pkts = [
        N3Packet::new(gnb(), x, lens[0]),
        N3Packet::new(gnb(), y, lens[1]),
    ];
    upf.dp.handle_n3_batch(&upf.table, upf.now, &mut pkts);
    assert!(matches!(pkts[0].verdict, Verdict::Reply { .. }));
    assert!(matches!(pkts[1].verdict, Verdict::N6 { .. }));
}

/// UPF-chosen TEIDs are dense, the tables grow with them (load at most 1/2), freed
/// slots are reused at a new generation, and everything stays found.
#[test]
fn dense_teids_and_table_growth() {
    let mut upf = Upf::new();
    upf.associate();
    let n = 3000u32;
    let ue = |i: u32| Ipv4Addr::from_bits(0x0a2d_0000 + i);
    let mut live: Vec<(u64, u32, Ipv4Addr)> = (0..n)
        .map(|i| {
            let (s, t) = upf.session(with_ue(establishment(u64::from(i) + 1), ue(i)));
            (s, t, ue(i))
        })
        .collect();
    let teids: Vec<u32> = live.iter().map(|l| l.1).collect();
    assert_eq!(teids, (1..=n).collect::<Vec<_>>(), "dense");
    let (ts, us) = upf.table.slots();
    assert_eq!(ts, 8192, "3000 keys at load <= 1/2");
    assert_eq!(us, 8192);
    // Delete every third session, re-create as many.
    let mut stale = Vec::new();
    let mut k = 0;
    live.retain(|&(s, t, _)| {
        k += 1;
        if k % 3 == 0 {
            stale.push(t);
            assert_eq!(upf.delete(s).cause, Cause::REQUEST_ACCEPTED);
            false
        } else {
            true
        }
    });
    for i in 0..stale.len() as u32 {
        let a = ue(n + i);
        let (s, t) = upf.session(with_ue(establishment(u64::from(n + i) + 1), a));
        assert!(
            t >> SLOT_BITS == 1 && t < 1 + (1 << SLOT_BITS) + n,
            "a reused slot: {t:#x}"
        );
        live.push((s, t, a));
    }
    assert_eq!(upf.table.len().0, n as usize);
    assert_eq!(upf.table.slots().0, 8192, "no growth for reused slots");
    for &(s, t, a) in &live {
        assert_eq!(upf.table.by_teid(t).unwrap().up_seid, s);
        assert_eq!(upf.table.by_ue_ipv4(a.to_bits()).unwrap().up_seid, s);
        let ul = ipv4_udp(a, Ipv4Addr::new(1, 1, 1, 1), 1, 2, 10);
        assert!(matches!(upf.uplink(t, 9, &ul).0, Verdict::N6 { .. }));
    }
    for &t in &stale {
        assert!(upf.table.by_teid(t).is_none());
    }
}

/// 100k sessions with UPF-chosen TEIDs, visited in random order through the batch API:
/// every one is found on both paths.
#[test]
fn hundred_thousand_ch_sessions_in_random_order() {
    let mut upf = Upf::new();
    upf.associate();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let n = 100_000u32;
    let mut sessions = pipeline_sessions(&mut upf, n, true, &mut rng);
    assert_eq!(upf.table.len(), (n as usize, n as usize, 0));
    // Shuffle (Fisher-Yates).
    for i in (1..sessions.len()).rev() {
        sessions.swap(i, (rng.next() % (i as u64 + 1)) as usize);
    }
    let ul = ipv4_udp(UE, Ipv4Addr::new(1, 1, 1, 1), 1, 2, 10);
    let pkt = gpdu_ul(1, 9, &ul);
    let len = pkt.len();
    let mut bufs = vec![pkt; BATCH];
    let dl = ipv4_udp(Ipv4Addr::new(1, 1, 1, 1), UE, 2, 1, 10);
    let mut frames = vec![[vec![0u8; DL_HEADROOM], dl].concat(); BATCH];
    let mut ok = 0;
    for chunk in sessions.chunks(BATCH) {
        let mut ups: Vec<N3Packet> = chunk
            .iter()
            .zip(bufs.iter_mut())
            .map(|(&(t, _), b)| {
                b[4..8].copy_from_slice(&t.to_be_bytes());
                N3Packet::new(gnb(), b, len)
            })
            .collect();
        upf.dp.handle_n3_batch(&upf.table, upf.now, &mut ups);
        ok += ups
            .iter()
            .filter(|p| matches!(p.verdict, Verdict::N6 { .. }))
            .count();
        let mut downs: Vec<N6Packet> = chunk
            .iter()
            .zip(frames.iter_mut())
            .map(|(&(_, a), f)| {
                f[DL_HEADROOM + 16..DL_HEADROOM + 20].copy_from_slice(&a.octets());
                N6Packet::new(f)
            })
            .collect();
        upf.dp.handle_n6_batch(&upf.table, upf.now, &mut downs);
        ok += downs
            .iter()
            .filter(|p| matches!(p.verdict, Verdict::N3 { .. }))
            .count();
    }
    assert_eq!(ok, 2 * n as usize);
    assert_eq!(upf.dp.stats().drops.iter().sum::<u64>(), 0);
}

// --- batch == per packet -----------------------------------------------------------

const KINDS: u32 = 8;

/// Sessions of every kind the hot records treat differently; built identically twice.
fn mixed_upf() -> (Upf, Vec<(u32, Ipv4Addr)>) {
    let mut upf = Upf::new();
    upf.associate();
    let mut out = Vec::new();
    for i in 0..2 * KINDS {
        let ue = Ipv4Addr::from_bits(0x0a2d_0100 + i);
        let mut req = establishment(u64::from(i) + 1);
        match i % KINDS {
            0 => {}
            // An SDF filter PDR in front (full match), the default behind it.
            1 => {
                req.create_pdrs.push(ul_pdr(
                    3,
                    10,
                    Some("permit out 17 from 1.1.1.1 to assigned"),
                ));
                req.create_pdrs.push(dl_pdr(
                    4,
                    10,
                    Some("permit out 17 from 1.1.1.1 2 to assigned"),
                ));
            }
            // Downlink dropped, uplink gate closed.
            2 => {
                req.create_fars[1] = dl_far(2, ApplyAction::DROP);
                req.create_qers[0].gate_status = GateStatus {
                    uplink: Gate::Closed,
                    downlink: Gate::Open,
                };
            }
            // A small MBR: the buckets run dry within a case.
            3 => {
                req.create_qers[0].mbr = Some(Bitrate {
                    uplink: 80,
                    downlink: 80,
                })
            }
            // N9 uplink.
            4 => req.create_fars[0] = ul_far(1, Some((0xABCD, Ipv4Addr::new(10, 0, 9, 9)))),
            // A low volume threshold (notifications).
            5 => {
                req.create_urrs[0].volume_threshold = Some(Volume {
                    total: Some(3000),
                    uplink: Some(1500),
                    downlink: None,
                })
            }
            // Downlink buffering with NOCP.
            6 => {
                req.create_fars[1] =
                    dl_far(2, ApplyAction(ApplyAction::BUFF.0 | ApplyAction::NOCP.0))
            }
            // No QFI in the PDI, no QER.
            _ => {
                req.create_pdrs[0].pdi.qfis = [].into();
                req.create_pdrs
                    .iter_mut()
                    .for_each(|p| p.qer_ids = [].into());
                req.create_qers.clear();
            }
        }
        let (_, teid) = upf.session(with_ue(req, ue));
        out.push((teid, ue));
    }
    (upf, out)
}

#[derive(Clone, Debug)]
enum Pkt {
    Up {
        s: usize,
        qfi: u8,
        size: usize,
        sport: u16,
    },
    StaleTeid(u32),
    Down {
        s: usize,
        size: usize,
        sport: u16,
    },
    UnknownUe(u8),
    Echo(u16),
    Short(usize),
}

fn pkt() -> impl Strategy<Value = Pkt> {
    let s = 0..2 * KINDS as usize;
    prop_oneof![
        4 => (s.clone(), prop_oneof![Just(9u8), Just(5u8)], 0..1400usize, 1..3u16)
            .prop_map(|(s, qfi, size, sport)| Pkt::Up { s, qfi, size, sport }),
        1 => any::<u32>().prop_map(Pkt::StaleTeid),
        4 => (s, 0..1400usize, 1..3u16).prop_map(|(s, size, sport)| Pkt::Down { s, size, sport }),
        1 => any::<u8>().prop_map(Pkt::UnknownUe),
        1 => any::<u16>().prop_map(Pkt::Echo),
        1 => (0..16usize).prop_map(Pkt::Short),
    ]
}

/// Runs `pkts` through `upf`, one at a time or in batches of `batch` (uplink and
/// downlink packets batched separately, in order); returns each packet's verdict and
/// output octets.
fn run(
    upf: &mut Upf,
    sessions: &[(u32, Ipv4Addr)],
    pkts: &[Pkt],
    batch: Option<usize>,
) -> Vec<(Verdict, Vec<u8>)> {
    let far = Ipv4Addr::new(1, 1, 1, 1);
    // Build every buffer first: (is uplink, buffer, len).
    let mut bufs: Vec<(bool, Vec<u8>, usize)> = pkts
        .iter()
        .map(|p| match *p {
            Pkt::Up {
                s,
                qfi,
                size,
                sport,
            } => {
                let (t, ue) = sessions[s];
                let g = gpdu_ul(t, qfi, &ipv4_udp(ue, far, sport, 2, size));
                (true, g.clone(), g.len())
            }
            Pkt::StaleTeid(t) => {
                let g = gpdu_ul(t, 9, &ipv4_udp(UE, far, 1, 2, 10));
                (true, g.clone(), g.len())
            }
            Pkt::Echo(seq) => {
                let mut e = vec![0x32, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0];
                e[8..10].copy_from_slice(&seq.to_be_bytes());
                (true, e, 12)
            }
            Pkt::Short(n) => (
                true,
                vec![0x34, 0xff, 0, 0, 0, 0, 0, 1][..n.min(8)].to_vec(),
                n.min(8),
            ),
            Pkt::Down { s, size, sport } => {
                let f = [
                    vec![0u8; DL_HEADROOM],
                    ipv4_udp(far, sessions[s].1, 2, sport, size),
                ]
                .concat();
                let n = f.len();
                (false, f, n)
            }
            Pkt::UnknownUe(x) => {
                let f = [
                    vec![0u8; DL_HEADROOM],
                    ipv4_udp(far, Ipv4Addr::new(10, 99, 0, x), 2, 1, 10),
                ]
                .concat();
                let n = f.len();
                (false, f, n)
            }
        })
        .collect();
    for (up, b, _) in &mut bufs {
        if *up {
            b.resize(2048, 0);
        }
    }
    let mut verdicts = vec![Verdict::Drop(DropReason::Malformed); pkts.len()];
    match batch {
        None => {
            for (i, (up, b, len)) in bufs.iter_mut().enumerate() {
                verdicts[i] = if *up {
                    upf.dp.handle_n3(&upf.table, upf.now, gnb(), b, *len)
                } else {
                    upf.dp.handle_n6(&upf.table, upf.now, b)
                };
            }
        }
        Some(n) => {
            // Consecutive runs of one direction, cut into batches of n.
            let mut i = 0;
            while i < bufs.len() {
                let up = bufs[i].0;
                let mut j = i;
                while j < bufs.len() && bufs[j].0 == up && j - i < n {
                    j += 1;
                }
                if up {
                    let mut ps: Vec<N3Packet> = bufs[i..j]
                        .iter_mut()
                        .map(|(_, b, len)| N3Packet::new(gnb(), b, *len))
                        .collect();
                    upf.dp.handle_n3_batch(&upf.table, upf.now, &mut ps);
                    for (k, p) in ps.into_iter().enumerate() {
                        verdicts[i + k] = p.verdict;
                    }
                } else {
                    let mut ps: Vec<N6Packet> = bufs[i..j]
                        .iter_mut()
                        .map(|(_, b, _)| N6Packet::new(b))
                        .collect();
                    upf.dp.handle_n6_batch(&upf.table, upf.now, &mut ps);
                    for (k, p) in ps.into_iter().enumerate() {
                        verdicts[i + k] = p.verdict;
                    }
                }
                i = j;
            }
        }
    }
    verdicts
        .into_iter()
        .zip(bufs)
        .map(|(v, (_, b, _))| {
            let out = match &v {
                Verdict::N6 { range }
                | Verdict::N3 { range, .. }
                | Verdict::Reply { range, .. } => b[range.clone()].to_vec(),
                _ => Vec::new(),
            };
            (v, out)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A batch decides, writes, counts and notifies exactly as single packets do.
    #[test]
    fn batch_equals_per_packet(pkts in prop::collection::vec(pkt(), 1..150), n in 1..40usize) {
        let (mut a, sa) = mixed_upf();
        let (mut b, sb) = mixed_upf();
        prop_assert_eq!(&sa, &sb);
        let one = run(&mut a, &sa, &pkts, None);
        let many = run(&mut b, &sb, &pkts, Some(n));
        prop_assert_eq!(one, many);
        prop_assert_eq!(a.dp.stats(), b.dp.stats());
        let notes = |u: &mut Upf| std::iter::from_fn(|| u.dp.poll_notification()).collect::<Vec<_>>();
        prop_assert_eq!(notes(&mut a), notes(&mut b));
        for s in 1..=2 * u64::from(KINDS) {
            prop_assert_eq!(a.cp.usage(s), b.cp.usage(s));
        }
    }
}

/// The hot records decide as the full rule match did: every kind of session above,
/// through both paths, gives the verdicts the rules say.
#[test]
fn hot_records_follow_the_rules() {
    let (mut upf, s) = mixed_upf();
    let far = Ipv4Addr::new(1, 1, 1, 1);
    let up = |upf: &mut Upf, k: usize, qfi: u8, sport: u16| {
        upf.uplink(s[k].0, qfi, &ipv4_udp(s[k].1, far, sport, 2, 20))
            .0
    };
    let down = |upf: &mut Upf, k: usize| upf.downlink(&ipv4_udp(far, s[k].1, 2, 1, 20)).0;
    assert!(matches!(up(&mut upf, 0, 9, 1), Verdict::N6 { .. }));
    assert_eq!(
        up(&mut upf, 0, 5, 1),
        Verdict::Drop(DropReason::NoPdr),
        "QFI 5 not in the PDI"
    );
    assert!(matches!(up(&mut upf, 1, 9, 1), Verdict::N6 { .. }));
    assert_eq!(up(&mut upf, 2, 9, 1), Verdict::Drop(DropReason::GateClosed));
    assert_eq!(down(&mut upf, 2), Verdict::Drop(DropReason::FarDrop));
    let Verdict::N3 { dst, .. } = up(&mut upf, 4, 9, 1) else {
        panic!()
    };
    assert_eq!(
        dst,
        SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 9, 9)), 2152)
    );
    assert_eq!(down(&mut upf, 6), Verdict::Buffered);
    assert!(
        matches!(up(&mut upf, 7, 5, 1), Verdict::N6 { .. }),
        "any QFI"
    );
    // Threshold: 1500 uplink octets.
    for _ in 0..40 {
        up(&mut upf, 5, 9, 1);
    }
    let notes: Vec<_> = std::iter::from_fn(|| upf.dp.poll_notification()).collect();
    assert!(
        notes.iter().any(|n| matches!(
            n,
            ferrocore_upf::Notification::VolumeThreshold { urr_id: 1, .. }
        )),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| matches!(n, ferrocore_upf::Notification::DownlinkData { .. })),
        "{notes:?}"
    );
    // MBR 80 kbit/s = 10,000 octets/s, 5,000-octet burst (500 ms).
    let big = ipv4_udp(s[3].1, far, 1, 2, 972);
    let passed = (0..20)
        .filter(|_| matches!(upf.uplink(s[3].0, 9, &big).0, Verdict::N6 { .. }))
        .count();
    assert_eq!(passed, 5);
    assert_eq!(
        upf.uplink(s[3].0, 9, &big).0,
        Verdict::Drop(DropReason::Mbr)
    );
}
