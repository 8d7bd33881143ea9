//! Full typed decode and encode of InitialUEMessage and PDUSessionResourceSetupRequest:
//! the PDU, every IE of the message, the nested Setup Request Transfer, and the nested
//! NAS-PDU(s) decoded by ferrocore-nas.
//!
//! `cargo bench -p ferrocore-ngap -- --warm-up-time 1 --measurement-time 3`

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use ferrocore_ngap::*;

mod samples;
use samples::{full_decode, initial_ue_message, setup_request};

fn bench(c: &mut Criterion) {
    let cases: [(&str, Message); 2] = [
        ("InitialUEMessage", initial_ue_message().into()),
        ("PDUSessionResourceSetupRequest", setup_request().into()),
    ];
    let mut g = c.benchmark_group("ngap");
    g.throughput(Throughput::Elements(1));
    for (name, m) in &cases {
        let bytes = m.encode().unwrap();
        full_decode(&bytes);
        g.bench_function(format!("decode_full/{name}"), |b| {
            b.iter(|| full_decode(black_box(&bytes)))
        });
        // The split: NGAP alone (message, IEs, transfers), without the NAS decode.
        g.bench_function(format!("decode_ngap_only/{name}"), |b| {
            b.iter(|| decode_message(black_box(&bytes)).unwrap())
        });
        g.bench_function(format!("encode/{name}"), |b| {
            b.iter(|| black_box(m).encode().unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
