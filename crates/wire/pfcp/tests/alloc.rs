//! What decoding hostile input allocates is bounded by a small multiple of its length:
//! at most 16 octets per input octet plus 4 KiB.

mod common;

use common::hostile;
use ferrocore_pfcp::decode;
use ferrocore_testkit::alloc::{CountingAllocator, count_bytes};
use proptest::prelude::*;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fn bound(len: usize) -> u64 {
    16 * len as u64 + 4096
}

fn check(input: &[u8]) -> u64 {
    let (_r, bytes) = count_bytes(|| {
        let r = decode(input);
        // Drop inside the closure is fine: only allocations are counted.
        r.is_ok()
    });
    assert!(
        bytes <= bound(input.len()),
        "{bytes} bytes allocated for {} input octets (msg type {:?})",
        input.len(),
        input.get(1)
    );
    bytes
}

#[test]
fn hostile_inputs_allocate_boundedly() {
    let mut worst = 0f64;
    let all = [
        hostile::truncations(),
        hostile::corruptions(),
        hostile::floods(),
        vec![hostile::deep_nesting(10_000)],
    ]
    .concat();
    for input in &all {
        let b = check(input);
        if input.len() > 1000 {
            worst = worst.max(b as f64 / input.len() as f64);
        }
    }
    eprintln!("worst ratio on large inputs: {worst:.2} bytes per input octet");
}

#[test]
fn samples_allocate_boundedly() {
    for m in common::all_messages() {
        check(&ferrocore_pfcp::encode(&m).unwrap());
    }
}

proptest! {
    #[test]
    fn random_ie_trees_allocate_boundedly(ies in proptest::collection::vec((0u16..130, proptest::collection::vec(any::<u8>(), 0..24)), 0..30)) {
        let body: Vec<u8> = ies.iter().flat_map(|(t, v)| hostile::ie(*t, v)).collect();
        for ty in [50u8, 52, 53, 56] {
            check(&hostile::session_message(ty, &body));
            for g in [1u16, 9, 10, 13, 14, 80] {
                check(&hostile::session_message(ty, &hostile::ie(g, &body)));
            }
        }
    }
}

#[test]
fn report_sample_allocation() {
    let m = ferrocore_pfcp::Message::session(0, 1, common::establishment());
    let bytes = ferrocore_pfcp::encode(&m).unwrap();
    let (_r, n) = count_bytes(|| decode(&bytes).map(|m| m.header.sequence));
    eprintln!(
        "establishment request: {} octets, decode allocates {n} bytes",
        bytes.len()
    );
}
