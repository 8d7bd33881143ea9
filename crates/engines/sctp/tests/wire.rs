//! Wire codec: byte fixtures, round trips (proptest), total parsing, bounded allocation.

use ferrocore_sctp::wire::{
    Cause, Chunk, ChunkIter, Data, Error, GapBlock, Header, Init, Packet, Param, Repr, Sack,
    UnknownChunkAction,
};
use ferrocore_testkit::alloc::{CountingAllocator, count_bytes};
use ferrocore_testkit::hex;
use proptest::prelude::*;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

/// Scapy's SCTP regression tests (`test/scapy/layers/sctp.uts`, "SCTP - Chunk Init -
/// build"): `IP()/SCTP()/SCTPChunkInit(params=[SCTPChunkParamIPv4Addr()])`, with the
/// dissection asserting `chksum == 0x402c0b5f`. The IPv4 header is stripped here.
const SCAPY_INIT: &str =
    "0000 0000 00000000 402c0b5f 0100001c 00000000 00000000 0000 0000 00000000 00050008 7f000001";

fn parse_one(chunk_hex: &str) -> Chunk {
    let b = hex(chunk_hex);
    let mut it = ChunkIter::new(&b);
    let raw = it.next().expect("one chunk").expect("valid length");
    assert!(it.next().is_none());
    let c = Chunk::parse(&raw).expect("parses");
    let mut out = Vec::new();
    c.emit(&mut out);
    assert_eq!(out, b, "re-emits byte-identically");
    c
}

#[test]
fn scapy_init_packet_and_checksum_byte_order() {
    let bytes = hex(SCAPY_INIT);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    p.verify_checksum().expect("scapy's checksum verifies");
    let r = Repr::parse(&bytes).unwrap();
    assert_eq!(
        r.header,
        Header {
            src_port: 0,
            dst_port: 0,
            verification_tag: 0
        }
    );
    assert_eq!(
        r.chunks,
        vec![Chunk::Init(Init {
            initiate_tag: 0,
            a_rwnd: 0,
            outbound_streams: 0,
            inbound_streams: 0,
            initial_tsn: 0,
            params: vec![Param::Ipv4("127.0.0.1".parse().unwrap())],
        })]
    );
    assert_eq!(r.emit(), bytes);
    let mut bad = bytes.clone();
    bad[8] ^= 1;
    assert!(matches!(Repr::parse(&bad), Err(Error::Checksum { .. })));
}

// The remaining fixtures are written out by hand from the chunk layouts of RFC 9260 §3.3.

#[test]
fn data_fixture() {
    // TSN 0x11223344, stream 1, SSN 2, PPID 60 (NGAP), U=0 B=1 E=1, 5 octets + 3 padding.
    let c = parse_one("0003 0015 11223344 0001 0002 0000003c 0102030405 000000");
    assert_eq!(
        c,
        Chunk::Data(Data {
            tsn: 0x1122_3344,
            stream: 1,
            ssn: 2,
            ppid: 60,
            unordered: false,
            begin: true,
            end: true,
            immediate: false,
            payload: vec![1, 2, 3, 4, 5],
        })
    );
    let c = parse_one("000c 0010 00000001 0000 0000 ffffffff");
    let Chunk::Data(d) = c else { panic!() };
    assert!(d.immediate && d.unordered && !d.begin && !d.end);
    assert_eq!(d.ppid, u32::MAX, "any PPID passes through untouched");
}

#[test]
fn init_and_init_ack_fixtures() {
    let c = parse_one(
        "0100 0036 a1b2c3d4 00040000 000a 0005 00000064 \
         00050008 c0000201 00060014 20010db8000000000000000000000001 000c0006 00050000",
    );
    let Chunk::Init(i) = c else { panic!() };
    assert_eq!(
        (
            i.initiate_tag,
            i.a_rwnd,
            i.outbound_streams,
            i.inbound_streams,
            i.initial_tsn
        ),
        (0xa1b2_c3d4, 0x40000, 10, 5, 100)
    );
    assert_eq!(
        i.params,
        vec![
            Param::Ipv4("192.0.2.1".parse().unwrap()),
            Param::Ipv6("2001:db8::1".parse().unwrap()),
            Param::SupportedAddressTypes(vec![5])
        ]
    );
    let c = parse_one("0200 001b 00000001 00001000 0001 0001 00000001 0007 0007 aabbcc 00");
    let Chunk::InitAck(i) = c else { panic!() };
    assert_eq!(i.params, vec![Param::StateCookie(vec![0xaa, 0xbb, 0xcc])]);
    // Cookie Preservative, Unrecognized Parameter and an unknown parameter.
    let c = parse_one(
        "0200 002f 00000001 00001000 0001 0001 00000001 00090008 00001388 0008000c c12300070102 0300 c1230007 01020300",
    );
    let Chunk::InitAck(i) = c else { panic!() };
    assert_eq!(i.params[0], Param::CookiePreservative(5000));
    assert!(matches!(i.params[1], Param::Unrecognized(_)));
    assert_eq!(
        i.params[2],
        Param::Unknown {
            param_type: 0xc123,
            value: vec![1, 2, 3]
        }
    );
}

#[test]
fn sack_fixture() {
    let c =
        parse_one("0300 0020 00000064 0000ffff 0002 0002 0002 0003 0005 0005 00000060 00000061");
    assert_eq!(
        c,
        Chunk::Sack(Sack {
            cum_tsn_ack: 100,
            a_rwnd: 0xffff,
            gaps: vec![GapBlock { start: 2, end: 3 }, GapBlock { start: 5, end: 5 }],
            dups: vec![0x60, 0x61],
        })
    );
    assert!(
        ChunkIter::new(&hex("0300 0014 00000064 0000ffff 0002 0000 0002 0003"))
            .next()
            .unwrap()
            .and_then(|r| Chunk::parse(&r))
            .is_err()
    );
}

#[test]
fn heartbeat_fixtures() {
    assert_eq!(
        parse_one("0400 000c 0001 0008 01020304"),
        Chunk::Heartbeat(vec![1, 2, 3, 4])
    );
    assert_eq!(
        parse_one("0500 000b 0001 0007 010203 00"),
        Chunk::HeartbeatAck(vec![1, 2, 3])
    );
    let raw = hex("0400 0008 8000 0004");
    let r = ChunkIter::new(&raw).next().unwrap().unwrap();
    assert_eq!(Chunk::parse(&r), Err(Error::MissingHeartbeatInfo));
}

#[test]
fn abort_error_and_shutdown_fixtures() {
    assert_eq!(
        parse_one("0601 000c 000c 0008 6279 6521"),
        Chunk::Abort {
            t: true,
            causes: vec![Cause::UserAbort(b"bye!".to_vec())]
        }
    );
    assert_eq!(
        parse_one("0600 0004"),
        Chunk::Abort {
            t: false,
            causes: vec![]
        }
    );
    assert_eq!(
        parse_one("0700 0008 12345678"),
        Chunk::Shutdown(0x1234_5678)
    );
    assert_eq!(parse_one("0800 0004"), Chunk::ShutdownAck);
    assert_eq!(parse_one("0e01 0004"), Chunk::ShutdownComplete { t: true });
    assert_eq!(parse_one("0b00 0004"), Chunk::CookieAck);
    assert_eq!(
        parse_one("0a00 0007 010203 00"),
        Chunk::CookieEcho(vec![1, 2, 3])
    );
    assert_eq!(
        parse_one(
            "0900 0024 0003 0008 000003e8 0009 0008 00000007 000a 0004 0006 000c 7f000005 dddddddd"
        ),
        Chunk::Error(vec![
            Cause::StaleCookie(1000),
            Cause::NoUserData(7),
            Cause::CookieWhileShuttingDown,
            Cause::UnrecognizedChunk(hex("7f000005 dddddddd")),
        ])
    );
    for (code, cause) in [(4u16, Cause::OutOfResource), (7, Cause::InvalidMandatory)] {
        let mut b = vec![0x09, 0, 0, 8];
        b.extend_from_slice(&code.to_be_bytes());
        b.extend_from_slice(&[0, 4]);
        assert_eq!(parse_one(&hex::encode(&b)), Chunk::Error(vec![cause]));
    }
}

#[test]
fn unknown_chunk_actions() {
    assert_eq!(UnknownChunkAction::of(0x3f), UnknownChunkAction::Stop);
    assert_eq!(
        UnknownChunkAction::of(0x40),
        UnknownChunkAction::StopAndReport
    );
    assert_eq!(UnknownChunkAction::of(0x80), UnknownChunkAction::Skip);
    assert_eq!(
        UnknownChunkAction::of(0xc0),
        UnknownChunkAction::SkipAndReport
    );
    assert_eq!(
        parse_one("c0ff 0006 abcd 0000"),
        Chunk::Unknown {
            chunk_type: 0xc0,
            flags: 0xff,
            value: vec![0xab, 0xcd]
        }
    );
}

#[test]
fn truncations_of_every_fixture_fail_cleanly() {
    let bytes = hex(SCAPY_INIT);
    for n in 0..bytes.len() {
        let mut b = bytes[..n].to_vec();
        if n >= 12 {
            Packet::new_unchecked(&mut b[..]).fill_checksum();
        }
        let _ = Repr::parse(&b);
    }
    for (t, l) in [
        (0u8, 4u16),
        (1, 8),
        (3, 8),
        (4, 4),
        (7, 4),
        (9, 6),
        (0, 0),
        (0, 0xffff),
    ] {
        let mut b = vec![t, 0];
        b.extend_from_slice(&l.to_be_bytes());
        b.extend_from_slice(&[0u8; 4]);
        for r in ChunkIter::new(&b).flatten() {
            let _ = Chunk::parse(&r);
        }
    }
}

// ---- property tests --------------------------------------------------------------------

const KNOWN_PARAMS: [u16; 7] = [1, 5, 6, 7, 8, 9, 12];
const KNOWN_CHUNKS: [u8; 13] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14];

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max)
}

fn param() -> impl Strategy<Value = Param> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|o| Param::Ipv4(o.into())),
        any::<[u8; 16]>().prop_map(|o| Param::Ipv6(o.into())),
        bytes(40).prop_map(Param::StateCookie),
        any::<u32>().prop_map(Param::CookiePreservative),
        bytes(20).prop_map(Param::Unrecognized),
        prop::collection::vec(any::<u16>(), 0..4).prop_map(Param::SupportedAddressTypes),
        bytes(20).prop_map(Param::HeartbeatInfo),
        (
            any::<u16>().prop_filter("unknown", |t| !KNOWN_PARAMS.contains(t)),
            bytes(20)
        )
            .prop_map(|(param_type, value)| Param::Unknown { param_type, value }),
    ]
}

fn cause() -> impl Strategy<Value = Cause> {
    prop_oneof![
        any::<u16>().prop_map(Cause::InvalidStream),
        prop::collection::vec(any::<u16>(), 0..4).prop_map(Cause::MissingMandatory),
        any::<u32>().prop_map(Cause::StaleCookie),
        Just(Cause::OutOfResource),
        bytes(12).prop_map(Cause::UnresolvableAddress),
        bytes(12).prop_map(Cause::UnrecognizedChunk),
        Just(Cause::InvalidMandatory),
        bytes(12).prop_map(Cause::UnrecognizedParams),
        any::<u32>().prop_map(Cause::NoUserData),
        Just(Cause::CookieWhileShuttingDown),
        bytes(12).prop_map(Cause::RestartNewAddresses),
        bytes(12).prop_map(Cause::UserAbort),
        bytes(12).prop_map(Cause::ProtocolViolation),
        (14u16.., bytes(12)).prop_map(|(code, value)| Cause::Unknown { code, value }),
    ]
}

fn init() -> impl Strategy<Value = Init> {
    (
        any::<u32>(),
        any::<u32>(),
        any::<u16>(),
        any::<u16>(),
        any::<u32>(),
        prop::collection::vec(param(), 0..5),
    )
        .prop_map(
            |(initiate_tag, a_rwnd, outbound_streams, inbound_streams, initial_tsn, params)| Init {
                initiate_tag,
                a_rwnd,
                outbound_streams,
                inbound_streams,
                initial_tsn,
                params,
            },
        )
}

fn chunk() -> impl Strategy<Value = Chunk> {
    prop_oneof![
        (
            any::<u32>(),
            any::<u16>(),
            any::<u16>(),
            any::<u32>(),
            any::<[bool; 4]>(),
            bytes(64)
        )
            .prop_map(|(tsn, stream, ssn, ppid, f, payload)| Chunk::Data(Data {
                tsn,
                stream,
                ssn,
                ppid,
                unordered: f[0],
                begin: f[1],
                end: f[2],
                immediate: f[3],
                payload,
            })),
        init().prop_map(Chunk::Init),
        init().prop_map(Chunk::InitAck),
        (
            any::<u32>(),
            any::<u32>(),
            prop::collection::vec((any::<u16>(), any::<u16>()), 0..6),
            prop::collection::vec(any::<u32>(), 0..6)
        )
            .prop_map(|(cum_tsn_ack, a_rwnd, g, dups)| Chunk::Sack(Sack {
                cum_tsn_ack,
                a_rwnd,
                gaps: g
                    .into_iter()
                    .map(|(start, end)| GapBlock { start, end })
                    .collect(),
                dups,
            })),
        bytes(30).prop_map(Chunk::Heartbeat),
        bytes(30).prop_map(Chunk::HeartbeatAck),
        (any::<bool>(), prop::collection::vec(cause(), 0..4))
            .prop_map(|(t, causes)| Chunk::Abort { t, causes }),
        any::<u32>().prop_map(Chunk::Shutdown),
        Just(Chunk::ShutdownAck),
        prop::collection::vec(cause(), 0..4).prop_map(Chunk::Error),
        bytes(60).prop_map(Chunk::CookieEcho),
        Just(Chunk::CookieAck),
        any::<bool>().prop_map(|t| Chunk::ShutdownComplete { t }),
        (
            any::<u8>().prop_filter("unknown", |t| !KNOWN_CHUNKS.contains(t)),
            any::<u8>(),
            bytes(30)
        )
            .prop_map(|(chunk_type, flags, value)| Chunk::Unknown {
                chunk_type,
                flags,
                value
            }),
    ]
}

proptest! {
    #[test]
    fn chunk_round_trip(c in chunk()) {
        let mut out = Vec::new();
        c.emit(&mut out);
        prop_assert_eq!(out.len(), c.buffer_len());
        prop_assert_eq!(out.len() % 4, 0);
        let raw = ChunkIter::new(&out).next().unwrap().unwrap();
        prop_assert_eq!(Chunk::parse(&raw).unwrap(), c);
    }

    #[test]
    fn packet_round_trip(src in any::<u16>(), dst in any::<u16>(), tag in any::<u32>(), chunks in prop::collection::vec(chunk(), 1..5)) {
        let r = Repr { header: Header { src_port: src, dst_port: dst, verification_tag: tag }, chunks };
        let b = r.emit();
        prop_assert_eq!(b.len(), r.buffer_len());
        prop_assert_eq!(Repr::parse(&b).unwrap(), r);
    }

    #[test]
    fn any_bytes_parse_totally_with_bounded_allocation(mut b in bytes(400)) {
        if b.len() >= 12 {
            Packet::new_unchecked(&mut b[..]).fill_checksum();
        }
        let (_, allocated) = count_bytes(|| Repr::parse(&b));
        prop_assert!(allocated <= 64 * b.len() as u64 + 1024, "{} bytes for {}", allocated, b.len());
    }

    #[test]
    fn mutated_packets_parse_totally(c in prop::collection::vec(chunk(), 1..4), flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..6)) {
        let mut b = Repr { header: Header { src_port: 1, dst_port: 2, verification_tag: 3 }, chunks: c }.emit();
        for (at, x) in flips {
            let n = b.len();
            b[at % n] ^= x;
        }
        Packet::new_unchecked(&mut b[..]).fill_checksum();
        let (_, allocated) = count_bytes(|| Repr::parse(&b));
        prop_assert!(allocated <= 64 * b.len() as u64 + 1024);
    }
}
