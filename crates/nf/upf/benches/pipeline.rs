//! The in-memory packet pipeline: uplink (decap -> session by TEID -> PDR ->
//! FAR/QER/URR -> N6 range) and downlink (UE address -> session -> PDR -> FAR/QER/URR ->
//! G-PDU header in place), 64- and 1400-octet inner packets, among 1, 10k and 100k
//! sessions visited in random order; one packet at a time (`handle_n3` / `handle_n6`)
//! and in batches of 32 (`handle_n3_batch` / `handle_n6_batch`). TEIDs chosen by the UPF
//! (CH), plus one uplink case with 100k random TEIDs assigned by the SMF. Criterion's
//! elements/s are packets/s on one core. No socket I/O.
//!
//! `cargo bench -p ferrocore-upf --bench pipeline -- --warm-up-time 1 --measurement-time 3`
//! (a filter such as `100000` selects cases).

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use common::*;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ferrocore_upf::dataplane::BATCH;
use ferrocore_upf::{DL_HEADROOM, N3Packet, N6Packet, Verdict};

/// Packets visit sessions in this many random steps before repeating.
const ORDER: usize = 1 << 16;

fn setup(n: u32, upf_teids: bool) -> (Upf, Vec<(u32, Ipv4Addr)>) {
    let mut upf = Upf::new();
    upf.associate();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let sessions = pipeline_sessions(&mut upf, n, upf_teids, &mut rng);
    let order = (0..ORDER)
        .map(|_| sessions[(rng.next() % u64::from(n)) as usize])
        .collect();
    (upf, order)
}

fn run(c: &mut Criterion, n: u32, upf_teids: bool) {
    let (mut upf, order) = setup(n, upf_teids);
    let gnb = SocketAddr::new(IpAddr::V4(GNB), 2152);
    let name = if upf_teids {
        format!("upf_pipeline/{n}_sessions")
    } else {
        format!("upf_pipeline/{n}_sessions_smf_teids")
    };
    let mut group = c.benchmark_group(name);
    let now = upf.now;
    for inner in [64usize, 1400] {
        // Uplink: receive buffers; each packet gets the next session's TEID and UE
        // source address (what the NIC would have written).
        let ip = ipv4_udp(UE, Ipv4Addr::new(8, 8, 8, 8), 4000, 53, inner - 28);
        let pkt = gpdu_ul(1, 9, &ip);
        let len = pkt.len();
        let mut bufs = vec![vec![0u8; 2048]; BATCH];
        for b in &mut bufs {
            b[..len].copy_from_slice(&pkt);
        }
        let mut i = 0usize;
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::new("uplink", inner), |b| {
            let buf = &mut bufs[0];
            b.iter(|| {
                let (teid, ue) = order[i & (ORDER - 1)];
                i = i.wrapping_add(1);
                buf[4..8].copy_from_slice(&teid.to_be_bytes());
                buf[16 + 12..16 + 16].copy_from_slice(&ue.octets());
                let v = upf
                    .dp
                    .handle_n3(&upf.table, now, gnb, black_box(&mut buf[..]), len);
                debug_assert!(matches!(v, Verdict::N6 { .. }), "{v:?}");
                black_box(v)
            })
        });
        group.throughput(Throughput::Elements(BATCH as u64));
        group.bench_function(BenchmarkId::new("uplink_batch32", inner), |b| {
            b.iter(|| {
                let mut pkts: [N3Packet; BATCH] =
                    std::array::from_fn(|_| N3Packet::new(gnb, &mut [], 0));
                for (p, buf) in pkts.iter_mut().zip(bufs.iter_mut()) {
                    let (teid, ue) = order[i & (ORDER - 1)];
                    i = i.wrapping_add(1);
                    buf[4..8].copy_from_slice(&teid.to_be_bytes());
                    buf[16 + 12..16 + 16].copy_from_slice(&ue.octets());
                    *p = N3Packet::new(gnb, &mut buf[..], len);
                }
                upf.dp
                    .handle_n3_batch(&upf.table, now, black_box(&mut pkts));
                debug_assert!(pkts.iter().all(|p| matches!(p.verdict, Verdict::N6 { .. })));
                black_box(pkts[BATCH - 1].verdict.clone())
            })
        });
        if !upf_teids {
            continue;
        }

        // Downlink: frames with headroom; each packet gets the next UE address.
        let ip = ipv4_udp(Ipv4Addr::new(8, 8, 8, 8), UE, 53, 4000, inner - 28);
        let mut frames = vec![vec![0u8; DL_HEADROOM + ip.len()]; BATCH];
        for f in &mut frames {
            f[DL_HEADROOM..].copy_from_slice(&ip);
        }
        let mut j = 0usize;
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::new("downlink", inner), |b| {
            let frame = &mut frames[0];
            b.iter(|| {
                let (_, ue) = order[j & (ORDER - 1)];
                j = j.wrapping_add(1);
                frame[DL_HEADROOM + 16..DL_HEADROOM + 20].copy_from_slice(&ue.octets());
                let v = upf.dp.handle_n6(&upf.table, now, black_box(&mut frame[..]));
                debug_assert!(matches!(v, Verdict::N3 { .. }), "{v:?}");
                black_box(v)
            })
        });
        group.throughput(Throughput::Elements(BATCH as u64));
        group.bench_function(BenchmarkId::new("downlink_batch32", inner), |b| {
            b.iter(|| {
                let mut pkts: [N6Packet; BATCH] = std::array::from_fn(|_| N6Packet::new(&mut []));
                for (p, f) in pkts.iter_mut().zip(frames.iter_mut()) {
                    let (_, ue) = order[j & (ORDER - 1)];
                    j = j.wrapping_add(1);
                    f[DL_HEADROOM + 16..DL_HEADROOM + 20].copy_from_slice(&ue.octets());
                    *p = N6Packet::new(&mut f[..]);
                }
                upf.dp
                    .handle_n6_batch(&upf.table, now, black_box(&mut pkts));
                debug_assert!(pkts.iter().all(|p| matches!(p.verdict, Verdict::N3 { .. })));
                black_box(pkts[BATCH - 1].verdict.clone())
            })
        });
    }
    group.finish();
    let s = upf.dp.stats();
    assert_eq!(
        s.drops.iter().sum::<u64>(),
        0,
        "every packet forwarded: {s:?}"
    );
}

fn pipeline(c: &mut Criterion) {
    for n in [1, 10_000, 100_000] {
        run(c, n, true);
    }
    run(c, 100_000, false);
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
