//! The bench's pipeline as a plain loop, for `perf stat` / callgrind on a busy machine:
//! `cargo build --release -p ferrocore-upf --example pipeline_loop`
//! `target/release/examples/pipeline_loop <packets> [sessions]`; prints ns/packet
//! (wall clock, so only meaningful on an idle core) for the uplink and downlink loops.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use common::*;
use ferrocore_pfcp::ie::{Fteid, UeAddr};
use ferrocore_pfcp::{Message, encode};
use ferrocore_upf::{DL_HEADROOM, Verdict};

fn main() {
    let mut args = std::env::args().skip(1);
    let packets: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let mut upf = Upf::new();
    upf.associate();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut seen = std::collections::HashSet::new();
    let mut sessions = Vec::new();
    for i in 0..n {
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
            p.pdi.ue_ip_address.as_mut().unwrap().ipv4 = Some(UeAddr::Address(ue));
        }
        req.create_urrs[0].volume_threshold = None;
        upf.cp.handle_input(
            upf.now,
            smf(),
            &encode(&Message::session(0, 1000 + i, req)).unwrap(),
        );
        while upf.cp.poll_transmit().is_some() {}
        sessions.push((teid, ue));
    }
    upf.table = upf.cp.publish().unwrap();
    let order: Vec<(u32, Ipv4Addr)> = (0..1 << 16)
        .map(|_| sessions[(rng.next() % u64::from(n)) as usize])
        .collect();
    let gnb = SocketAddr::new(IpAddr::V4(GNB), 2152);
    let ip = ipv4_udp(UE, Ipv4Addr::new(8, 8, 8, 8), 4000, 53, 36);
    let pkt = gpdu_ul(1, 9, &ip);
    let len = pkt.len();
    let mut buf = vec![0u8; 2048];
    buf[..len].copy_from_slice(&pkt);
    let now = upf.now;
    let t = Instant::now();
    let mut ok = 0usize;
    for i in 0..packets {
        let (teid, ue) = order[i & 0xffff];
        buf[4..8].copy_from_slice(&teid.to_be_bytes());
        buf[28..32].copy_from_slice(&ue.octets());
        ok += usize::from(matches!(
            black_box(upf.dp.handle_n3(&upf.table, now, gnb, &mut buf, len)),
            Verdict::N6 { .. }
        ));
    }
    let ul = t.elapsed();
    let ip = ipv4_udp(Ipv4Addr::new(8, 8, 8, 8), UE, 53, 4000, 36);
    let mut frame = vec![0u8; DL_HEADROOM + ip.len()];
    frame[DL_HEADROOM..].copy_from_slice(&ip);
    let t = Instant::now();
    for i in 0..packets {
        let (_, ue) = order[i & 0xffff];
        frame[DL_HEADROOM + 16..DL_HEADROOM + 20].copy_from_slice(&ue.octets());
        ok += usize::from(matches!(
            black_box(upf.dp.handle_n6(&upf.table, now, &mut frame)),
            Verdict::N3 { .. }
        ));
    }
    let dl = t.elapsed();
    assert_eq!(ok, 2 * packets);
    let per = |d: std::time::Duration| d.as_nanos() as f64 / packets as f64;
    println!(
        "sessions {n}: uplink {:.1} ns/pkt, downlink {:.1} ns/pkt",
        per(ul),
        per(dl)
    );
}
