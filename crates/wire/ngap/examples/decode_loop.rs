//! Decodes (or encodes) the benchmark's messages in a loop, for callgrind / `perf stat`:
//! `cargo build --release -p ferrocore-ngap --example decode_loop &&
//!  valgrind --tool=callgrind target/release/examples/decode_loop initial 20000`.
//! Cases: `initial` / `setup` (full decode incl. NAS), `initial-ngap` / `setup-ngap`
//! (NGAP alone), `initial-enc` / `setup-enc` (encode).

use ferrocore_ngap::*;
use std::hint::black_box;
use std::time::Instant;

#[path = "../benches/samples.rs"]
mod samples;
use samples::{full_decode, initial_ue_message, setup_request};

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_else(|| "initial".into());
    let n: u32 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let m: Message = if case.starts_with("setup") {
        setup_request().into()
    } else {
        initial_ue_message().into()
    };
    let bytes = m.encode().unwrap();
    let start = Instant::now();
    for _ in 0..n {
        if case.ends_with("-enc") {
            black_box(black_box(&m).encode().unwrap());
        } else if case.ends_with("-ngap") {
            black_box(decode_message(black_box(&bytes)).unwrap());
        } else {
            black_box(full_decode(black_box(&bytes)));
        }
    }
    let per = start.elapsed().as_nanos() as f64 / f64::from(n.max(1));
    println!("{case}, {} octets: {per:.0} ns per op", bytes.len());
}
