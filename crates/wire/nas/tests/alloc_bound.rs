//! Decoding allocates at most a small multiple of the input length: a lying length
//! cannot make the decoder reserve memory it was never sent.

mod common;

use ferrocore_nas::{decode, encode};
use ferrocore_testkit::alloc::{CountingAllocator, count_bytes};
use proptest::prelude::*;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fn bound(len: usize) -> u64 {
    16 * len as u64 + 4096
}

fn assert_bounded(bytes: &[u8]) {
    let (_, used) = count_bytes(|| decode(bytes));
    assert!(
        used <= bound(bytes.len()),
        "{} octets allocated {used} bytes: {bytes:02x?}",
        bytes.len()
    );
}

#[test]
fn fixtures_and_their_mutations_are_bounded() {
    for (_, m) in common::build::emitted() {
        let f = encode(&m).unwrap();
        assert_bounded(&f);
        for i in 0..f.len() {
            for v in [0x00, 0xff, 0x80] {
                let mut g = f.clone();
                g[i] = v;
                assert_bounded(&g);
            }
            assert_bounded(&f[..i]);
        }
    }
}

#[test]
fn huge_claimed_lengths_are_bounded() {
    // NAS message container (TLV-E 0x71) claiming 65535 octets, 4 present
    let mut b = vec![0x7e, 0x00, 0x5e, 0x71, 0xff, 0xff, 1, 2, 3, 4];
    assert_bounded(&b);
    // payload container in UL NAS transport claiming 65535
    b = vec![0x7e, 0x00, 0x67, 0x01, 0xff, 0xff, 0x2e];
    assert_bounded(&b);
}

proptest! {
    #[test]
    fn random_input_is_bounded(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        assert_bounded(&bytes);
    }
}
