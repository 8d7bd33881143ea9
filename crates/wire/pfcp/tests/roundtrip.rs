//! decode(encode(x)) == x, for the sample of every message type and for generated ones.

mod common;

use ferrocore_pfcp::{decode, describe, encode};
use proptest::prelude::*;

#[test]
fn every_sample_round_trips_byte_identically() {
    for m in common::all_messages() {
        let bytes = encode(&m).expect("encode");
        let back = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", m.body.name()));
        assert_eq!(back, m);
        assert_eq!(encode(&back).expect("re-encode"), bytes);
    }
}

/// TS 29.244 §7.4.4.7: header only, as the UPF answers a request of another version.
#[test]
fn version_not_supported_response_is_header_only_and_round_trips() {
    use ferrocore_pfcp::message::VersionNotSupportedResponse;
    use ferrocore_pfcp::{Body, Message};
    let m = Message::node(0x01_0203, VersionNotSupportedResponse {});
    let bytes = encode(&m).unwrap();
    assert_eq!(bytes, [0x20, 11, 0, 4, 1, 2, 3, 0]);
    let back = decode(&bytes).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.body.name(), "VersionNotSupportedResponse");
    assert!(matches!(back.body, Body::VersionNotSupportedResponse(_)));
    assert!(!back.body.is_session());
    // Unknown IEs are skipped (TS 29.244 §7.6), as in every other message.
    let padded = [0x20, 11, 0, 9, 1, 2, 3, 0, 0x00, 0xff, 0, 1, 7];
    assert_eq!(decode(&padded).unwrap(), m);
}

#[test]
fn describe_names_the_message_and_its_ies() {
    let m = &common::all_messages()[11];
    let text = describe(&encode(m).unwrap()).unwrap();
    assert!(
        text.starts_with(
            "PFCP SessionEstablishmentRequest (type 50), seq 6, SEID 0x0000000000000000"
        )
    );
    for needle in [
        "CreatePdr",
        "pdr_id: 2",
        "Choose",
        "10.45.0.7",
        "\"internet\"",
        "permit out ip",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[test]
fn describe_renders_every_sample_without_absent_fields() {
    for m in common::all_messages() {
        let text = describe(&encode(&m).unwrap()).unwrap();
        assert!(text.contains(m.body.name()), "{text}");
        assert!(!text.contains("None") && !text.contains("Some("), "{text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_messages_round_trip(m in common::arb::any_message()) {
        let bytes = encode(&m).expect("encode");
        prop_assert_eq!(decode(&bytes).expect("decode"), m);
    }

    #[test]
    fn establishment_round_trips(e in common::arb::establishment(), seid: u64) {
        let m = ferrocore_pfcp::Message::session(seid, 1, e);
        let bytes = encode(&m).unwrap();
        prop_assert_eq!(decode(&bytes).unwrap(), m);
        // Arbitrary network instance octets and FQDNs must not upset the rendering.
        prop_assert!(describe(&bytes).is_ok());
    }

    #[test]
    fn modification_round_trips(e in common::arb::modification(), seid: u64) {
        let m = ferrocore_pfcp::Message::session(seid, 1, e);
        prop_assert_eq!(decode(&encode(&m).unwrap()).unwrap(), m);
    }
}
