//! Decodes the benchmark's Session Establishment Request in a loop, for `perf stat`:
//! `cargo build --release -p ferrocore-pfcp --example pfcp_decode_loop &&
//!  perf stat -e instructions:u target/release/examples/pfcp_decode_loop 1000000`.

#[path = "../tests/common/mod.rs"]
#[allow(unused_imports)]
mod common;

use std::hint::black_box;
use std::time::Instant;

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let msg = ferrocore_pfcp::Message::session(0, 1, common::establishment());
    let bytes = ferrocore_pfcp::encode(&msg).unwrap();
    let start = Instant::now();
    for _ in 0..n {
        black_box(ferrocore_pfcp::decode(black_box(&bytes)).unwrap());
    }
    let per = start.elapsed().as_nanos() as f64 / f64::from(n);
    if std::env::var_os("SIZES").is_some() {
        use ferrocore_pfcp::ie::*;
        use std::mem::size_of;
        println!(
            "sizes: CreatePdr {} Pdi {} CreateFar {} CreateUrr {} CreateQer {} Message {} Error {} Fteid {} UeIp {} Ohc {} SdfFilter {}",
            size_of::<CreatePdr>(),
            size_of::<Pdi>(),
            size_of::<CreateFar>(),
            size_of::<CreateUrr>(),
            size_of::<CreateQer>(),
            size_of::<ferrocore_pfcp::Message>(),
            size_of::<ferrocore_pfcp::Error>(),
            size_of::<Fteid>(),
            size_of::<UeIpAddress>(),
            size_of::<OuterHeaderCreation>(),
            size_of::<SdfFilter>(),
        );
    }
    println!(
        "{} octets: {per:.0} ns per decode ({:.2} M/s)",
        bytes.len(),
        1e3 / per
    );
}
