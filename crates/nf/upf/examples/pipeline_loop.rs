//! The bench's pipeline as a plain loop, for `perf stat` / callgrind on a busy machine:
//! `cargo build --release -p ferrocore-upf --example pipeline_loop`
//! `target/release/examples/pipeline_loop <packets> [sessions] [smf]`; prints ns/packet
//! (wall clock, so only meaningful on an idle core) for the uplink and downlink loops,
//! one packet at a time and in batches of 32. TEIDs are chosen by the UPF (CH) unless
//! `smf` is given (random TEIDs assigned by the SMF).

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use common::*;
use ferrocore_upf::dataplane::BATCH;
use ferrocore_upf::{DL_HEADROOM, N3Packet, N6Packet, Verdict};

fn main() {
    let mut args = std::env::args().skip(1);
    let packets: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let upf_teids = args.next().as_deref() != Some("smf");
    let mut upf = Upf::new();
    upf.associate();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let sessions = pipeline_sessions(&mut upf, n, upf_teids, &mut rng);
    let order: Vec<(u32, Ipv4Addr)> = (0..1 << 16)
        .map(|_| sessions[(rng.next() % u64::from(n)) as usize])
        .collect();
    let gnb = SocketAddr::new(IpAddr::V4(GNB), 2152);
    let ip = ipv4_udp(UE, Ipv4Addr::new(8, 8, 8, 8), 4000, 53, 36);
    let pkt = gpdu_ul(1, 9, &ip);
    let len = pkt.len();
    let mut bufs = vec![vec![0u8; 2048]; BATCH];
    for b in &mut bufs {
        b[..len].copy_from_slice(&pkt);
    }
    let now = upf.now;
    let mut ok = 0usize;

    let t = Instant::now();
    let buf = &mut bufs[0];
    for i in 0..packets {
        let (teid, ue) = order[i & 0xffff];
        buf[4..8].copy_from_slice(&teid.to_be_bytes());
        buf[28..32].copy_from_slice(&ue.octets());
        ok += usize::from(matches!(
            black_box(upf.dp.handle_n3(&upf.table, now, gnb, buf, len)),
            Verdict::N6 { .. }
        ));
    }
    let ul = t.elapsed();

    let t = Instant::now();
    let mut i = 0;
    while i < packets {
        let mut pkts: [N3Packet; BATCH] = std::array::from_fn(|_| N3Packet::new(gnb, &mut [], 0));
        for (p, buf) in pkts.iter_mut().zip(bufs.iter_mut()) {
            let (teid, ue) = order[i & 0xffff];
            i += 1;
            buf[4..8].copy_from_slice(&teid.to_be_bytes());
            buf[28..32].copy_from_slice(&ue.octets());
            *p = N3Packet::new(gnb, buf, len);
        }
        upf.dp
            .handle_n3_batch(&upf.table, now, black_box(&mut pkts));
        ok += pkts
            .iter()
            .filter(|p| matches!(p.verdict, Verdict::N6 { .. }))
            .count();
    }
    let ul_batch = t.elapsed();
    let batched = i;

    let ip = ipv4_udp(Ipv4Addr::new(8, 8, 8, 8), UE, 53, 4000, 36);
    let mut frames = vec![vec![0u8; DL_HEADROOM + ip.len()]; BATCH];
    for f in &mut frames {
        f[DL_HEADROOM..].copy_from_slice(&ip);
    }
    let t = Instant::now();
    let frame = &mut frames[0];
    for i in 0..packets {
        let (_, ue) = order[i & 0xffff];
        frame[DL_HEADROOM + 16..DL_HEADROOM + 20].copy_from_slice(&ue.octets());
        ok += usize::from(matches!(
            black_box(upf.dp.handle_n6(&upf.table, now, frame)),
            Verdict::N3 { .. }
        ));
    }
    let dl = t.elapsed();

    let t = Instant::now();
    let mut i = 0;
    while i < packets {
        let mut pkts: [N6Packet; BATCH] = std::array::from_fn(|_| N6Packet::new(&mut []));
        for (p, f) in pkts.iter_mut().zip(frames.iter_mut()) {
            let (_, ue) = order[i & 0xffff];
            i += 1;
            f[DL_HEADROOM + 16..DL_HEADROOM + 20].copy_from_slice(&ue.octets());
            *p = N6Packet::new(f);
        }
        upf.dp
            .handle_n6_batch(&upf.table, now, black_box(&mut pkts));
        ok += pkts
            .iter()
            .filter(|p| matches!(p.verdict, Verdict::N3 { .. }))
            .count();
    }
    let dl_batch = t.elapsed();

    assert_eq!(ok, 2 * packets + 2 * batched);
    let per = |d: std::time::Duration, n: usize| d.as_nanos() as f64 / n as f64;
    println!(
        "sessions {n}{}: uplink {:.1} ns/pkt, batch32 {:.1}; downlink {:.1} ns/pkt, batch32 {:.1}",
        if upf_teids { "" } else { " (SMF TEIDs)" },
        per(ul, packets),
        per(ul_batch, batched),
        per(dl, packets),
        per(dl_batch, batched),
    );
}
