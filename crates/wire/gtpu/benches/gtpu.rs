//! G-PDU decap + encap with a PDU Session Container, 64- and 1400-octet T-PDUs.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ferrocore_gtpu::{ENCAP_HEADROOM, Qfi, decap, encap_in_place};
use std::hint::black_box;

fn decap_encap(c: &mut Criterion) {
    let mut group = c.benchmark_group("gtpu");
    group.throughput(Throughput::Elements(1));
    for inner in [64usize, 1400] {
        // An uplink G-PDU as a gNB sends it: 16-octet header with a UL PDU Session Container.
        let mut uplink = vec![0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85, 1, 0x10, 9, 0];
        uplink.extend(std::iter::repeat_n(0x45, inner));
        let len = (uplink.len() - 8) as u16;
        uplink[2..4].copy_from_slice(&len.to_be_bytes());
        // A downlink buffer with headroom, reused per packet as a UPF would.
        let mut downlink = vec![0u8; ENCAP_HEADROOM + inner];
        let qfi = Qfi::new(9).expect("qfi");

        group.bench_with_input(BenchmarkId::new("decap", inner), &uplink, |b, pkt| {
            b.iter(|| decap(black_box(pkt)).expect("decap"))
        });
        group.bench_function(BenchmarkId::new("encap", inner), |b| {
            b.iter(|| {
                encap_in_place(black_box(&mut downlink), ENCAP_HEADROOM, 0x1234_5678, qfi)
                    .expect("encap")
            })
        });
        group.bench_function(BenchmarkId::new("decap+encap", inner), |b| {
            b.iter(|| {
                let d = decap(black_box(&uplink)).expect("decap");
                let teid = d.teid ^ 1;
                let qfi = d.qfi.unwrap_or_default();
                encap_in_place(black_box(&mut downlink), ENCAP_HEADROOM, teid, qfi).expect("encap")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, decap_encap);
criterion_main!(benches);
