//! Hostile input: truncation at every length, lying IE lengths, bit flips and random
//! bytes. Every outcome is a typed error or a message that re-encodes and decodes to
//! itself; never a panic.

mod common;

use ferrocore_nas::{Error, NasMessage, decode, describe, encode};
use proptest::prelude::*;

fn fixtures() -> Vec<Vec<u8>> {
    common::build::emitted()
        .iter()
        .map(|(_, m)| encode(m).unwrap())
        .collect()
}

/// What every decode result must satisfy.
fn check(bytes: &[u8]) -> Result<NasMessage, Error> {
    let r = decode(bytes);
    match &r {
        Ok(m) => {
            let again = encode(m).unwrap_or_else(|e| panic!("{bytes:02x?}: decoded but {e}"));
            assert_eq!(&decode(&again).as_ref(), &Ok(m), "{bytes:02x?}");
        }
        Err(e) => {
            // Every error renders, and maps to a cause or to "ignore".
            assert!(!e.to_string().is_empty());
            let _ = e.gmm_cause();
        }
    }
    let _ = describe(bytes);
    r
}

#[test]
fn truncated_at_every_length() {
    for f in fixtures() {
        for len in 0..f.len() {
            let r = check(&f[..len]);
            if len < 3 {
                assert!(matches!(r, Err(Error::TooShort { .. })), "{len}: {r:?}");
            }
        }
    }
}

#[test]
fn lying_lengths_and_flipped_octets() {
    for f in fixtures() {
        for i in 0..f.len() {
            for v in [
                0x00,
                0x01,
                0x7f,
                0x80,
                0xff,
                f[i].wrapping_add(1),
                f[i].wrapping_sub(1),
            ] {
                let mut g = f.clone();
                g[i] = v;
                let _ = check(&g);
            }
        }
    }
}

#[test]
fn header_errors_are_named() {
    assert!(matches!(decode(&[]), Err(Error::TooShort { .. })));
    assert_eq!(
        decode(&[0x7e, 0x00, 0x40]),
        Err(Error::UnknownMessageType {
            sublayer: ferrocore_nas::Sublayer::Mm,
            message_type: 0x40
        })
    );
    assert_eq!(
        decode(&[0x2e, 0x05, 0x01, 0xff]),
        Err(Error::UnknownMessageType {
            sublayer: ferrocore_nas::Sublayer::Sm,
            message_type: 0xff
        })
    );
    assert_eq!(
        decode(&[0x42, 0, 0]),
        Err(Error::UnknownProtocolDiscriminator(0x42))
    );
    assert_eq!(
        decode(&[0x7e, 0x05, 0, 0, 0, 0, 0, 0x7e, 0, 0x43]),
        Err(Error::ReservedSecurityHeaderType(5))
    );
    // a protected message inside a protected message
    assert_eq!(
        decode(&[
            0x7e, 0x01, 0, 0, 0, 0, 0, 0x7e, 0x01, 0, 0, 0, 0, 0, 0x7e, 0, 0x43
        ]),
        Err(Error::NestedSecurityHeader)
    );
    // registration reject without its cause: mandatory IE missing, #96
    let e = decode(&[0x7e, 0x00, 0x44]).unwrap_err();
    assert_eq!(e.gmm_cause(), Some(96), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = check(&bytes);
    }

    #[test]
    fn mutated_valid_messages_never_panic(
        pick in any::<proptest::sample::Index>(),
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let all = fixtures();
        let mut bytes = pick.get(&all).clone();
        for (at, v, op) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = v,
                1 => bytes.insert(i, v),
                _ if i < bytes.len() => { bytes.remove(i); }
                _ => {}
            }
        }
        let _ = check(&bytes);
    }

    #[test]
    fn random_bodies_behind_valid_headers_never_panic(
        mm in any::<bool>(),
        t in any::<u8>(),
        body in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let mut bytes = if mm { vec![0x7e, 0x00, t] } else { vec![0x2e, 0x05, 0x01, t] };
        bytes.extend(body);
        let _ = check(&bytes);
    }
}

#[test]
fn reserved_pti_is_named_and_answered_with_81() {
    let e = decode(&[0x2e, 0x05, 0xff, 0xc1, 0xff, 0xff]).unwrap_err();
    assert_eq!(e, Error::ReservedPti { psi: 5, pti: 0xff });
    assert_eq!((e.gmm_cause(), e.gsm_cause()), (None, Some(81)));
}

#[test]
fn check_reports_comprehension_required_unknown_ie() {
    // REGISTRATION REJECT, cause #22, then unknown IE 0x04 (comprehension required, §7.6.1)
    let m = decode(&[0x7e, 0x00, 0x44, 0x16, 0x04, 0x00]).unwrap();
    let e = m.check().unwrap_err();
    assert_eq!(
        e,
        Error::UnknownIe {
            iei: 0x04,
            comprehension_required: true
        }
    );
    assert_eq!(e.gmm_cause(), Some(96));
    // a well-formed message passes
    let m = decode(&[0x7e, 0x00, 0x44, 0x16]).unwrap();
    assert_eq!(m.check(), Ok(()));
}

#[test]
fn security_header_is_readable_when_the_payload_is_not() {
    // integrity protected, MAC 01020304, SN 9, payload a registration reject without cause
    let bytes = [0x7e, 0x01, 1, 2, 3, 4, 9, 0x7e, 0x00, 0x44];
    assert!(decode(&bytes).is_err());
    let h = ferrocore_nas::security_header(&bytes).unwrap().unwrap();
    assert_eq!((h.mac, h.sequence_number), (0x01020304, 9));
    assert_eq!(h.payload, &[0x7e, 0x00, 0x44]);
    assert_eq!(ferrocore_nas::security_header(&[0x7e, 0, 0x43]), Ok(None));
}

#[test]
fn deeply_nested_containers_do_not_exhaust_the_stack() {
    use ferrocore_nas::types::*;
    // SECURITY MODE COMPLETE whose NAS message container holds one, and so on, 4000 deep
    let mut bytes = encode(&NasMessage::mm(NasRegistrationComplete::new())).unwrap();
    for _ in 0..4000 {
        let m = NasSecurityModeComplete::new()
            .with_nas_message_container(NasMessageContainer::new(bytes.clone()));
        match encode(&NasMessage::mm(m)) {
            Ok(b) => bytes = b,
            Err(_) => break, // the container is full (65535 octets)
        }
    }
    assert!(bytes.len() > 20_000, "{} octets", bytes.len());
    let m = decode(&bytes).unwrap();
    let _ = format!("{m:?}");
    let _ = m.check();
    // the wrapped codec's Display recurses into containers: describe must not use it here
    let text = describe(&bytes).unwrap();
    assert!(text.contains("nested too deep"));
}
