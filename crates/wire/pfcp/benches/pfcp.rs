//! Full typed decode and encode of a realistic Session Establishment Request
//! (2 PDRs, 2 FARs, 1 QER, 1 URR).

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ferrocore_pfcp::{Message, decode, encode};
use std::hint::black_box;

fn establishment(c: &mut Criterion) {
    let msg = Message::session(0, 1, common::establishment());
    let bytes = encode(&msg).unwrap();
    let mut g = c.benchmark_group("pfcp_session_establishment_request");
    g.throughput(Throughput::Elements(1));
    g.bench_function(format!("decode_{}B", bytes.len()), |b| {
        b.iter(|| decode(black_box(&bytes)).unwrap())
    });
    g.bench_function("encode", |b| b.iter(|| encode(black_box(&msg)).unwrap()));
    g.finish();
}

criterion_group!(benches, establishment);
criterion_main!(benches);
