//! Hostile input never panics: every failure is a typed [`Error`] with a Cause.

mod common;

use common::hostile::{self, ie, session_message};
use ferrocore_pfcp::{Cause, Error, IeType, decode};
use proptest::prelude::*;

#[test]
fn truncated_at_every_length_is_an_error_or_a_prefix() {
    for t in hostile::truncations() {
        let _ = decode(&t);
    }
    for m in common::all_messages() {
        let full = ferrocore_pfcp::encode(&m).unwrap();
        for n in 0..full.len() {
            assert!(decode(&full[..n]).is_err(), "{} cut at {n}", m.body.name());
        }
    }
}

#[test]
fn corrupted_octets_never_panic() {
    for c in hostile::corruptions() {
        if let Err(e) = decode(&c) {
            let _ = (e.cause(), e.offending_ie(), e.to_string());
        }
    }
}

#[test]
fn deep_nesting_is_handled_without_recursion() {
    for depth in [1, 100, 10_000] {
        let m = hostile::deep_nesting(depth);
        if m.len() > 65_000 {
            continue;
        }
        // The innermost Source Interface is out of reach: the outer PDI lacks one.
        let e = decode(&m).unwrap_err();
        if depth > 1 {
            assert_eq!(
                e,
                Error::MissingIe {
                    ie: IeType::SOURCE_INTERFACE,
                    within: "PDI"
                }
            );
        }
    }
    let m = hostile::deep_nesting(16_000);
    assert!(decode(&m).is_err());
}

#[test]
fn floods_of_small_ies_decode() {
    for f in hostile::floods() {
        decode(&f).expect("valid, if odd");
    }
}

#[test]
fn a_lying_ie_length_is_invalid_length() {
    let body = [ie(19, &[1]), vec![0, 40, 0, 200, 0, 1]].concat();
    let e = decode(&session_message(57, &body)).unwrap_err();
    assert_eq!(
        e,
        Error::IeOverrun {
            ie: IeType::OFFENDING_IE,
            declared: 200,
            available: 2
        }
    );
    assert_eq!(e.cause(), Cause::INVALID_LENGTH);
    assert_eq!(e.offending_ie(), Some(IeType::OFFENDING_IE));
}

#[test]
fn a_missing_mandatory_ie_is_cause_66_naming_it() {
    // Session Report Response without its Cause.
    let e = decode(&session_message(57, &ie(40, &[0, 39]))).unwrap_err();
    assert_eq!(e.cause(), Cause::MANDATORY_IE_MISSING);
    assert_eq!(e.offending_ie(), Some(IeType::CAUSE));
    assert_eq!(
        e.to_string(),
        "mandatory IE Cause (19) missing in Session Report Response"
    );
}

#[test]
fn a_short_or_invalid_ie_is_cause_68_or_69() {
    // F-TEID announcing IPv4 without the address.
    let body = [
        ie(19, &[1]),
        ie(60, &[0, 10, 0, 0, 2]),
        ie(8, &[ie(56, &[0, 1]), ie(21, &[1, 0, 0, 0, 1])].concat()),
    ]
    .concat();
    let e = decode(&session_message(51, &body)).unwrap_err();
    assert_eq!(e.cause(), Cause::INVALID_LENGTH);
    assert_eq!(e.offending_ie(), Some(IeType::F_TEID));
    // Node ID of type 7.
    let e = decode(&session_message(51, &[ie(19, &[1]), ie(60, &[7])].concat())).unwrap_err();
    assert_eq!(e.cause(), Cause::MANDATORY_IE_INCORRECT);
    assert_eq!(e.offending_ie(), Some(IeType::NODE_ID));
}

#[test]
fn header_problems_are_request_rejected() {
    assert_eq!(
        decode(&[0x41, 1, 0, 4, 0, 0, 1, 0]).unwrap_err(),
        Error::UnsupportedVersion(2)
    );
    assert_eq!(
        decode(&[0x20, 99, 0, 4, 0, 0, 1, 0]).unwrap_err(),
        Error::UnknownMessageType(99)
    );
    let e = decode(&[0x20, 54, 0, 4, 0, 0, 1, 0]).unwrap_err();
    assert_eq!(e, Error::MissingSeid(54));
    assert_eq!(e.cause(), Cause::REQUEST_REJECTED);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn random_bodies_behind_a_valid_header_never_panic(
        ty in prop_oneof![1u8..14, 50u8..58],
        body in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let _ = decode(&session_message(ty, &body));
    }

    #[test]
    fn random_ie_trees_never_panic(ies in proptest::collection::vec((0u16..130, proptest::collection::vec(any::<u8>(), 0..24)), 0..30)) {
        let body: Vec<u8> = ies.iter().flat_map(|(t, v)| ie(*t, v)).collect();
        for ty in [50u8, 51, 52, 53, 55, 56, 57] {
            let _ = decode(&session_message(ty, &body));
            // And the same IEs wrapped in each grouped IE the message may hold.
            for g in [1u16, 3, 6, 7, 9, 10, 13, 14, 8, 78, 80] {
                let _ = decode(&session_message(ty, &ie(g, &body)));
            }
        }
    }
}

/// What the fuzz target asserts: anything that decodes re-encodes to a message that
/// decodes equal, and re-encodes to the same octets.
fn reencodes_stably(input: &[u8]) {
    assert_eq!(
        ferrocore_pfcp::describe(input).is_ok(),
        decode(input).is_ok()
    );
    if let Ok(m) = decode(input) {
        let bytes = ferrocore_pfcp::encode(&m).expect("a decoded message fits");
        let again = decode(&bytes).unwrap_or_else(|e| panic!("{e}: {}", hex::encode(input)));
        assert_eq!(again, m, "input {}", hex::encode(input));
        assert_eq!(ferrocore_pfcp::encode(&again).unwrap(), bytes);
    }
}

#[test]
fn corrupted_samples_that_decode_reencode_stably() {
    for c in hostile::corruptions().iter().chain(&hostile::truncations()) {
        reencodes_stably(c);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn random_ie_trees_that_decode_reencode_stably(
        ies in proptest::collection::vec((prop_oneof![0u16..130, Just(0x8001)], proptest::collection::vec(any::<u8>(), 0..24)), 0..20),
        nest in proptest::collection::vec(prop_oneof![Just(1u16), Just(2), Just(3), Just(4), Just(6), Just(7), Just(9), Just(10), Just(11), Just(8), Just(80), Just(83), Just(102)], 0..3),
    ) {
        let mut body: Vec<u8> = ies.iter().flat_map(|(t, v)| ie(*t, v)).collect();
        for g in nest {
            body = ie(g, &body);
        }
        for ty in [1u8, 2, 5, 6, 7, 8, 9, 10, 12, 13, 50, 51, 52, 53, 54, 55, 56, 57] {
            reencodes_stably(&session_message(ty, &body));
        }
    }
}
