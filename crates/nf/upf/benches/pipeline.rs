//! The in-memory packet pipeline among 100k sessions with random TEIDs:
//! uplink (decap -> session by TEID -> PDR -> FAR/QER/URR -> N6 range) and downlink
//! (UE address -> session -> PDR -> FAR/QER/URR -> G-PDU header in place), 64- and
//! 1400-octet inner packets. One element = one packet, so criterion's elements/s are
//! packets/s on one core. No socket I/O.
//!
//! `cargo bench -p ferrocore-upf --bench pipeline -- --warm-up-time 1 --measurement-time 3`

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use common::*;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ferrocore_pfcp::ie::{Fteid, UeAddr};
use ferrocore_pfcp::{Message, encode};
use ferrocore_upf::{DL_HEADROOM, Verdict};

const SESSIONS: u32 = 100_000;
/// Packets visit sessions in this many random steps before repeating.
const ORDER: usize = 1 << 16;

fn setup() -> (Upf, Vec<(u32, Ipv4Addr)>) {
    let mut upf = Upf::new();
    upf.associate();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut seen = std::collections::HashSet::new();
    let mut sessions = Vec::with_capacity(SESSIONS as usize);
    for i in 0..SESSIONS {
        let teid = loop {
            let t = rng.next() as u32;
            if t != 0 && seen.insert(t) {
                break t;
            }
        };
        let ue = Ipv4Addr::from_bits(0x0a00_0000 + i);
        let mut req = establishment(u64::from(i) + 1);
        req.create_pdrs[0].pdi.local_fteid = Some(Fteid::Assigned {
            teid,
            ipv4: Some(N3),
            ipv6: None,
        });
        for p in &mut req.create_pdrs {
            p.pdi.ue_ip_address.as_mut().expect("UE IP").ipv4 = Some(UeAddr::Address(ue));
        }
        // No volume threshold: counting only.
        req.create_urrs[0].volume_threshold = None;
        let bytes = encode(&Message::session(0, 1000 + i, req)).expect("encode");
        upf.cp.handle_input(upf.now, smf(), &bytes);
        while upf.cp.poll_transmit().is_some() {}
        sessions.push((teid, ue));
    }
    upf.table = upf.cp.publish().expect("table");
    assert_eq!(upf.table.len().0, SESSIONS as usize);
    // A random visiting order.
    let order = (0..ORDER)
        .map(|_| sessions[(rng.next() % u64::from(SESSIONS)) as usize])
        .collect();
    (upf, order)
}

fn pipeline(c: &mut Criterion) {
    let (mut upf, order) = setup();
    let gnb = SocketAddr::new(IpAddr::V4(GNB), 2152);
    let mut group = c.benchmark_group("upf_pipeline_100k_sessions");
    group.throughput(Throughput::Elements(1));
    for inner in [64usize, 1400] {
        // Uplink: one receive buffer; each packet gets the next session's TEID and UE
        // source address (what the NIC would have written).
        let ip = ipv4_udp(UE, Ipv4Addr::new(8, 8, 8, 8), 4000, 53, inner - 28);
        let pkt = gpdu_ul(1, 9, &ip);
        let len = pkt.len();
        let mut buf = vec![0u8; 2048];
        buf[..len].copy_from_slice(&pkt);
        let mut i = 0usize;
        let now = upf.now;
        group.bench_function(BenchmarkId::new("uplink", inner), |b| {
            b.iter(|| {
                let (teid, ue) = order[i & (ORDER - 1)];
                i = i.wrapping_add(1);
                buf[4..8].copy_from_slice(&teid.to_be_bytes());
                buf[16 + 12..16 + 16].copy_from_slice(&ue.octets());
                let v = upf
                    .dp
                    .handle_n3(&upf.table, now, gnb, black_box(&mut buf), len);
                debug_assert!(matches!(v, Verdict::N6 { .. }), "{v:?}");
                black_box(v)
            })
        });

        // Downlink: one frame with headroom; each packet gets the next UE address.
        let ip = ipv4_udp(Ipv4Addr::new(8, 8, 8, 8), UE, 53, 4000, inner - 28);
        let mut frame = vec![0u8; DL_HEADROOM + ip.len()];
        frame[DL_HEADROOM..].copy_from_slice(&ip);
        let mut j = 0usize;
        group.bench_function(BenchmarkId::new("downlink", inner), |b| {
            b.iter(|| {
                let (_, ue) = order[j & (ORDER - 1)];
                j = j.wrapping_add(1);
                frame[DL_HEADROOM + 16..DL_HEADROOM + 20].copy_from_slice(&ue.octets());
                let v = upf.dp.handle_n6(&upf.table, now, black_box(&mut frame));
                debug_assert!(matches!(v, Verdict::N3 { .. }), "{v:?}");
                black_box(v)
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

criterion_group!(benches, pipeline);
criterion_main!(benches);
