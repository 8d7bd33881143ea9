//! Decoding allocates nothing: the counting allocator sees zero bytes on the hot paths.

use ferrocore_gtpu::{ENCAP_HEADROOM, Packet, Qfi, Repr, decap, encap_in_place};
use ferrocore_testkit::alloc::{CountingAllocator, count_bytes};
use ferrocore_testkit::hex;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

#[test]
fn decoding_and_encapsulating_allocate_nothing() {
    let packets = [
        hex("34ff0010 00000001 00000085 01004900 45000008 00000000"),
        hex("34ff0015 00000007 00000085 04 0c e5 60 0102030405060708 00abcd 00 aa"),
        hex(
            "361a0020 00000000 00000040 01 0868 00 10 04cec0bb 85 0010 22222222000000000000000000000002",
        ),
        hex("32020006 00000000 1234 0000 0e00"),
        hex("321f0008 00000000 0007 0000 8d02 8540"),
        hex("34ff0008 00000001 00000085 00000000"), // an error on the way
    ];
    for bytes in &packets {
        let (sum, allocated) = count_bytes(|| {
            let mut sum = 0usize;
            if let Ok(d) = decap(bytes) {
                sum += d.payload.len();
            }
            if let Ok(p) = Packet::new_checked(&bytes[..]) {
                sum += p.extensions().map(|e| e.content.len()).sum::<usize>();
                sum += p.payload().len();
                if let Ok(r) = Repr::parse(&p) {
                    sum += r.header_len();
                }
            }
            sum
        });
        assert_eq!(allocated, 0, "decoding {bytes:02x?} allocated (sum {sum})");
    }

    let mut buf = vec![0u8; ENCAP_HEADROOM + 1400];
    let qfi = Qfi::new(9).expect("qfi");
    let (start, allocated) = count_bytes(|| encap_in_place(&mut buf, ENCAP_HEADROOM, 7, qfi));
    assert_eq!(start, Ok(0));
    assert_eq!(allocated, 0);
    let repr = Repr::g_pdu(7, None);
    let (r, allocated) = count_bytes(|| repr.emit(&mut buf));
    assert_eq!(r, Ok(()));
    assert_eq!(allocated, 0);
}
