//! Hostile input: every failure is a typed error, never a panic.

use ferrocore_gtpu::{Error, Packet, Qfi, Repr, decap, describe, encap_in_place};
use ferrocore_testkit::hex;
use proptest::prelude::*;

/// Runs every decoder over `bytes`; returns what `new_checked` said.
fn decode_all(bytes: &[u8]) -> Result<(), Error> {
    let view = Packet::new_checked(bytes);
    let fast = decap(bytes);
    assert_eq!(
        view.is_ok(),
        fast.is_ok() || matches!(fast, Err(Error::BadPduType(_)))
    );
    let _ = describe(bytes);
    if let Ok(p) = &view {
        let _ = Repr::parse(p);
        let _ = p.extensions().count();
        let _ = (
            p.payload(),
            p.sequence_number(),
            p.npdu_number(),
            p.pdu_session_container(),
        );
    }
    view.map(|_| ())
}

fn valid_packets() -> Vec<Vec<u8>> {
    vec![
        hex("34ff0010 00000001 00000085 01004900 45000008 00000000"),
        hex(
            "361a0020 00000000 00000040 01 0868 00 10 04cec0bb 85 0010 22222222000000000000000000000002",
        ),
        hex("32020006 00000000 1234 0000 0e00"),
        hex("34ff0015 00000007 00000085 04 0c e5 60 0102030405060708 00abcd 00 aa"),
        hex("30fe0000 0000abcd"),
    ]
}

#[test]
fn truncated_at_every_length() {
    for full in valid_packets() {
        decode_all(&full).expect("the full packet is fine");
        for n in 0..full.len() {
            // Cut with the length field left as is: it lies.
            assert!(decode_all(&full[..n]).is_err(), "prefix {n} of {full:02x?}");
            // Cut with the length field fixed up: the chain or IEs run past the end.
            let mut cut = full[..n].to_vec();
            if n >= 8 {
                let len = (n - 8) as u16;
                cut[2..4].copy_from_slice(&len.to_be_bytes());
                let _ = decode_all(&cut);
            }
        }
    }
}

#[test]
fn short_inputs_name_the_field() {
    assert_eq!(
        Packet::new_checked(&[0x30u8, 0xff][..]).unwrap_err(),
        Error::Truncated {
            field: "mandatory header",
            needed: 8,
            available: 2
        }
    );
    // E set but Length 0: the optional octets are missing.
    let e = Packet::new_checked(&hex("34ff0000 00000001")[..]).unwrap_err();
    assert!(matches!(e, Error::Truncated { needed: 12, .. }), "{e:?}");
}

#[test]
fn lying_length_fields() {
    for declared in [0u16, 1, 7, 9, 0xffff] {
        let mut b = hex("30ff0008 00000001 45000008");
        b[2..4].copy_from_slice(&declared.to_be_bytes());
        let e = Packet::new_checked(&b[..]).unwrap_err();
        assert_eq!(
            e,
            Error::LengthMismatch {
                declared: usize::from(declared),
                actual: 4
            }
        );
    }
}

#[test]
fn version_and_protocol_type() {
    assert_eq!(
        Packet::new_checked(&hex("50ff0000 00000001")[..]).unwrap_err(),
        Error::BadVersion(2)
    );
    assert_eq!(
        Packet::new_checked(&hex("20ff0000 00000001")[..]).unwrap_err(),
        Error::BadProtocolType
    );
}

#[test]
fn extension_headers_with_length_zero_or_past_the_end() {
    // Length 0 (TS 29.281 §5.2.1).
    let zero = hex("34ff0008 00000001 00000085 00000000");
    assert_eq!(
        Packet::new_checked(&zero[..]).unwrap_err(),
        Error::ExtensionLength { ext_type: 0x85 }
    );
    // Length 2 (8 octets) with only 4 left.
    let past = hex("34ff0008 00000001 00000085 02000900");
    assert!(matches!(
        Packet::new_checked(&past[..]).unwrap_err(),
        Error::Truncated {
            field: "extension header",
            ..
        }
    ));
    // The chain announces another header and the packet ends.
    let dangling = hex("34ff0008 00000001 00000085 01000940");
    assert!(matches!(
        Packet::new_checked(&dangling[..]).unwrap_err(),
        Error::Truncated {
            field: "extension header length",
            ..
        }
    ));
    // PDU Type 2 is neither DL nor UL.
    let bad_type = hex("34ff0008 00000001 00000085 01200900");
    assert!(Packet::new_checked(&bad_type[..]).is_ok());
    assert_eq!(decap(&bad_type).unwrap_err(), Error::BadPduType(2));
    assert_eq!(
        Repr::parse_bytes(&bad_type).unwrap_err(),
        Error::BadPduType(2)
    );
    // PPP set but no room for the PPI inside a 4-octet container.
    let no_ppi = hex("34ff0008 00000001 00000085 01008900");
    assert!(matches!(
        Repr::parse_bytes(&no_ppi).unwrap_err(),
        Error::Truncated { field: "PPI", .. }
    ));
}

#[test]
fn signalling_with_broken_ies() {
    // Echo Response without Recovery.
    let e = Repr::parse_bytes(&hex("32020004 00000000 1234 0000")).unwrap_err();
    assert_eq!(
        e,
        Error::MissingIe {
            message: "Echo Response",
            ie: "Recovery"
        }
    );
    // Unknown TV IE: its length cannot be known.
    let e = Repr::parse_bytes(&hex("32020006 00000000 1234 0000 0300")).unwrap_err();
    assert_eq!(e, Error::UnknownIe(3));
    // Peer address of 5 octets.
    let e =
        Repr::parse_bytes(&hex("301a000d 00000000 10 00000001 85 0005 0102030405")).unwrap_err();
    assert_eq!(
        e,
        Error::IeLength {
            ie: "GTP-U Peer Address",
            len: 5
        }
    );
    // A TLV whose length runs past the end.
    let e = Repr::parse_bytes(&hex("30010004 00000000 ff 00 09 00")).unwrap_err();
    assert!(matches!(
        e,
        Error::Truncated {
            field: "IE value",
            ..
        }
    ));
    // A message type this crate does not model.
    assert_eq!(
        Repr::parse_bytes(&hex("30050000 00000000")).unwrap_err(),
        Error::UnknownMessage(5)
    );
    assert!(
        describe(&hex("30050000 00000000"))
            .expect("described")
            .contains("not modelled")
    );
}

#[test]
fn encap_rejects_short_headroom_and_oversized_payloads() {
    let q = Qfi::new(1).expect("qfi");
    let mut small = [0u8; 20];
    assert!(matches!(
        encap_in_place(&mut small, 15, 1, q),
        Err(Error::BufferTooSmall { .. })
    ));
    assert!(matches!(
        encap_in_place(&mut small, 21, 1, q),
        Err(Error::BufferTooSmall { .. })
    ));
    let mut big = vec![0u8; 16 + 65_535];
    assert_eq!(
        encap_in_place(&mut big, 16, 1, q),
        Err(Error::TooLong(65_535 + 8))
    );
    assert_eq!(Qfi::new(64), Err(Error::QfiOutOfRange(64)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        let _ = decode_all(&bytes);
    }

    /// Random bytes behind a plausible header, the Length field made consistent, so that
    /// the extension chain, the container and the IEs get exercised.
    #[test]
    fn random_bodies_never_panic(
        flags in 0u8..8,
        message_type in prop_oneof![Just(1u8), Just(2), Just(26), Just(31), Just(254), Just(255), any::<u8>()],
        body in proptest::collection::vec(any::<u8>(), 0..96),
        next in prop_oneof![Just(0x85u8), Just(0x40), any::<u8>()],
    ) {
        let mut b = vec![0x30 | flags, message_type, 0, 0, 0, 0, 0, 1];
        if flags != 0 {
            b.extend_from_slice(&[0, 1, 0, next]);
        }
        b.extend_from_slice(&body);
        let len = (b.len() - 8) as u16;
        b[2..4].copy_from_slice(&len.to_be_bytes());
        let _ = decode_all(&b);
    }
}
