//! Hostile input: truncated at every length, lying lengths, flipped bytes, random bytes.
//! Always a typed error (or a valid message), never a panic.

mod common;

use ferrocore_ngap::*;
use proptest::prelude::*;

fn all_samples() -> Vec<Vec<u8>> {
    common::samples()
        .iter()
        .map(|m| m.encode().unwrap())
        .collect()
}

#[test]
fn truncated_at_every_length_is_an_error() {
    for bytes in all_samples() {
        for n in 0..bytes.len() {
            let r = decode_message(&bytes[..n]);
            assert!(r.is_err(), "{} octets of {} decoded", n, to_hex(&bytes));
            let _ = describe(&bytes[..n]);
        }
    }
}

#[test]
fn the_envelope_error_is_a_transfer_syntax_error() {
    let e = decode_message(&[0x00, 0x0f, 0x40]).unwrap_err();
    assert!(matches!(e, Error::TransferSyntax { .. }), "{e}");
    assert_eq!(e.cause(), Some(ProtocolCause::transfer_syntax_error));
    assert_eq!(
        e.ngap_cause(),
        Some(Cause::protocol(CauseProtocol::transfer_syntax_error))
    );
}

#[test]
fn a_missing_mandatory_ie_is_named() {
    // INITIAL UE MESSAGE with RAN-UE-NGAP-ID alone (TS 38.413 §9.2.5.1).
    let b = ferrocore_testkit::hex("000f4009000001005500020007");
    let e = decode_message(&b).unwrap_err();
    match &e {
        Error::MissingIe { message, ie } => {
            assert_eq!(*message, "InitialUEMessage");
            assert!(ie.contains("38"), "{ie}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.cause(), Some(ProtocolCause::abstract_syntax_error_reject));
    let ind = msg::ErrorIndication::for_error(&e, None, Some(7));
    assert_eq!(
        ind.cause,
        Some(Cause::protocol(CauseProtocol::abstract_syntax_error_reject))
    );
}

#[test]
fn an_undecodable_transfer_is_named() {
    // A PDU SESSION RESOURCE SETUP REQUEST whose transfer octets are garbage.
    let mut m = match &common::samples()[15] {
        Message::PduSessionResourceSetupRequest(m) => m.clone(),
        other => panic!("sample 15 is {}", other.name()),
    };
    m.sessions.truncate(1);
    let good = msg::NgapMessage::encode(&m).unwrap();
    let t = transfer::Transfer::encode(&m.sessions[0].transfer).unwrap();
    let at = good
        .windows(t.len())
        .position(|w| w == t.as_slice())
        .expect("transfer inside");
    let mut bad = good.clone();
    for b in &mut bad[at..at + t.len()] {
        *b = 0xff;
    }
    let e = decode_message(&bad).unwrap_err();
    assert!(
        matches!(
            &e,
            Error::UndecodableIe {
                message: "PDUSessionResourceSetupRequest",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.cause().is_some());
}

#[test]
fn lying_lengths_and_flipped_bytes_never_panic() {
    for bytes in all_samples() {
        for i in 0..bytes.len() {
            for v in [
                0x00,
                0x7f,
                0x80,
                0xbf,
                0xc0,
                0xff,
                bytes[i] ^ 0x01,
                bytes[i].wrapping_add(1),
            ] {
                let mut b = bytes.clone();
                b[i] = v;
                let _ = describe(&b);
                // As the fuzz target: whatever decodes encodes and decodes to itself.
                if let Ok(m) = decode_message(&b) {
                    let again = m.encode().unwrap_or_else(|e| panic!("{}: {e}", to_hex(&b)));
                    assert_eq!(decode_message(&again).unwrap(), m, "{}", to_hex(&b));
                }
            }
        }
    }
}

#[test]
fn huge_counts_are_refused() {
    // protocolIEs count claims 65535 IEs in a 9-octet value (TS 38.413 §9.4.4).
    for h in [
        "000f40050000ffff00",
        "000f4005000fffff00",
        // NAS-PDU length determinant claiming a 16K fragment.
        "000f400a0000010026c4000000",
        // outer open type claiming 16383 octets.
        "000f40bfff000001",
        // SupportedTAList claiming 256 items.
        "0015400c000001006640050000ff0000",
    ] {
        let r = decode_message(&ferrocore_testkit::hex(h));
        assert!(r.is_err(), "{h} decoded");
    }
}

fn to_hex(b: &[u8]) -> String {
    ferrocore_testkit::to_hex(b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_message(&b);
        let _ = describe(&b);
    }

    #[test]
    fn random_tails_after_a_valid_header_never_panic(
        i in 0usize..36,
        tail in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let s = all_samples();
        let head = &s[i % s.len()];
        let mut b = head[..head.len().min(8)].to_vec();
        b.extend(tail);
        let _ = decode_message(&b);
    }

    #[test]
    fn transfers_never_panic(b in proptest::collection::vec(any::<u8>(), 0..256)) {
        use transfer::Transfer;
        let _ = transfer::SetupRequestTransfer::decode(&b);
        let _ = transfer::SetupResponseTransfer::decode(&b);
        let _ = transfer::ModifyRequestTransfer::decode(&b);
        let _ = transfer::ModifyResponseTransfer::decode(&b);
        let _ = transfer::ReleaseCommandTransfer::decode(&b);
        let _ = transfer::PathSwitchRequestTransfer::decode(&b);
        let _ = transfer::HandoverRequestAcknowledgeTransfer::decode(&b);
    }
}
