//! What a decode of hostile input allocates is bounded by a small multiple of its length:
//! an APER length determinant or count that claims more than the octets hold must not
//! make the decoder reserve memory for it.

mod common;

use ferrocore_ngap::decode_message;
use ferrocore_testkit::alloc::{CountingAllocator, count_bytes};

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fn bound(len: usize) -> u64 {
    64 * len as u64 + 8192
}

fn check(b: &[u8]) -> u64 {
    let (_, bytes) = count_bytes(|| {
        let _ = decode_message(b);
    });
    assert!(
        bytes <= bound(b.len()),
        "{} allocated for {} octets: {}",
        bytes,
        b.len(),
        ferrocore_testkit::to_hex(b)
    );
    bytes
}

#[test]
fn valid_messages_stay_within_the_bound() {
    let mut total = 0;
    for m in common::samples() {
        total += check(&m.encode().unwrap());
    }
    // The counter sees the decoder's allocations (a typed message owns its values).
    assert!(total > 0, "nothing counted");
}

#[test]
fn huge_claims_stay_within_the_bound() {
    for h in [
        "000f40050000ffff00",
        "000f4005000fffff00",
        "000f400a0000010026c4000000",
        "000f40bfff000001",
        "0015400c000001006640050000ff0000",
        "001540c4",
        "0015408fff0000ff",
    ] {
        let _ = check(&ferrocore_testkit::hex(h));
    }
}

#[test]
fn truncations_and_mutations_stay_within_the_bound() {
    for m in common::samples() {
        let bytes = m.encode().unwrap();
        for n in 0..bytes.len() {
            let _ = check(&bytes[..n]);
        }
        for i in 0..bytes.len() {
            for v in [0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xff] {
                let mut b = bytes.clone();
                b[i] = v;
                let _ = check(&b);
            }
        }
    }
}

#[test]
fn random_inputs_stay_within_the_bound() {
    // A small deterministic generator (xorshift) so that failures reproduce.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..5000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 300) as usize;
        let b: Vec<u8> = (0..len)
            .map(|i| {
                let y = x.rotate_left(i as u32 % 64) ^ (i as u64).wrapping_mul(0x2545_f491);
                (y >> 24) as u8
            })
            .collect();
        let _ = check(&b);
    }
}
