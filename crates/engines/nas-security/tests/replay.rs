//! Replay protection (TS 33.501 §6.4.3.2, TS 24.501 §4.4.3.2), MAC failures and malformed
//! input: the receive COUNT never moves on a rejected message.

mod common;

use common::{DOWNLINK, HEADER_TYPES, UPLINK, pair};
use ferrocore_nas_security::{
    Direction, NasCount, Received, SecurityError, SecurityHeaderType, receive,
};

const CIPHERED: SecurityHeaderType = SecurityHeaderType::IntegrityProtectedAndCiphered;

#[test]
fn the_same_bytes_twice_are_a_replay_and_leave_the_count() {
    for nia in 1..4u8 {
        for nea in 0..4u8 {
            for ht in HEADER_TYPES {
                let (mut amf, mut ue) = pair(nia, nea);
                let bytes = ue.protect(UPLINK[0], ht).unwrap();
                amf.unprotect(&bytes).unwrap();
                assert_eq!(amf.uplink_count().value(), 1);
                assert_eq!(
                    amf.unprotect(&bytes),
                    Err(SecurityError::Replay {
                        direction: Direction::Uplink,
                        count: 0,
                        expected: 1
                    }),
                    "NIA{nia}/NEA{nea} {ht:?}"
                );
                assert_eq!(amf.uplink_count().value(), 1);
                // and the next genuine one is still fine
                let next = ue.protect(UPLINK[1], ht).unwrap();
                assert_eq!(amf.unprotect(&next).unwrap().count.value(), 1);
            }
        }
    }
}

#[test]
fn older_and_out_of_order_messages_are_replays() {
    let (mut amf, mut ue) = pair(2, 2);
    let m: Vec<Vec<u8>> = (0..3)
        .map(|i| amf.protect(DOWNLINK[i], CIPHERED).unwrap())
        .collect();
    // COUNT 1 arrives first: accepted (COUNT 0 is skipped over)
    assert_eq!(ue.unprotect(&m[1]).unwrap().count.value(), 1);
    // COUNT 0 is now lower than the receive COUNT: rejected
    assert!(matches!(
        ue.unprotect(&m[0]),
        Err(SecurityError::Replay {
            count: 0,
            expected: 2,
            ..
        })
    ));
    assert_eq!(ue.unprotect(&m[2]).unwrap().count.value(), 2);
    assert!(matches!(
        ue.unprotect(&m[1]),
        Err(SecurityError::Replay {
            count: 1,
            expected: 3,
            ..
        })
    ));
    assert_eq!(ue.downlink_count().value(), 3);
}

#[test]
fn a_replay_across_the_sn_wrap_is_caught() {
    let (mut amf, mut ue) = pair(3, 1);
    let mut first = None;
    for i in 0..256 {
        let bytes = amf.protect(DOWNLINK[0], CIPHERED).unwrap();
        ue.unprotect(&bytes).unwrap();
        if i == 0 {
            first = Some(bytes);
        }
    }
    assert_eq!(ue.downlink_count(), NasCount::from_parts(1, 0));
    // SN 0 again: estimated as COUNT 256, which does not verify; COUNT 0 does.
    assert!(matches!(
        ue.unprotect(&first.unwrap()),
        Err(SecurityError::Replay {
            count: 0,
            expected: 256,
            ..
        })
    ));
    assert_eq!(ue.downlink_count(), NasCount::from_parts(1, 0));
}

#[test]
fn corrupted_mac_or_message_is_rejected_and_the_next_genuine_one_accepted() {
    for nia in 1..4u8 {
        for octet in [2usize, 5, 6, 7, 9] {
            let (mut amf, mut ue) = pair(nia, 2);
            let good = ue.protect(UPLINK[2], CIPHERED).unwrap();
            let mut bad = good.clone();
            bad[octet] ^= 0x10;
            let err = amf.unprotect(&bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    SecurityError::MacMismatch {
                        direction: Direction::Uplink,
                        ..
                    }
                ),
                "NIA{nia} octet {octet}: {err:?}"
            );
            assert_eq!(amf.uplink_count().value(), 0, "COUNT unchanged");
            let got = amf.unprotect(&good).unwrap();
            assert_eq!(got.message, UPLINK[2]);
            assert_eq!(amf.uplink_count().value(), 1);
        }
    }
}

#[test]
fn malformed_input() {
    let (mut amf, _) = pair(2, 2);
    assert_eq!(amf.unprotect(UPLINK[0]), Err(SecurityError::NotProtected));
    assert!(matches!(
        amf.unprotect(&[0x7e, 0x02, 0, 0, 0, 0, 0]),
        Err(SecurityError::Truncated { .. })
    ));
    assert!(matches!(
        amf.unprotect(&[]),
        Err(SecurityError::Truncated { .. })
    ));
    assert_eq!(
        amf.unprotect(&[0x7e, 0x05, 0, 0, 0, 0, 0, 0x7e, 0x00, 0x43]),
        Err(SecurityError::UnknownSecurityHeaderType(5))
    );
    assert_eq!(
        amf.unprotect(&[0x12, 0x00, 0x43]),
        Err(SecurityError::UnknownProtocolDiscriminator(0x12))
    );
    assert_eq!(amf.uplink_count().value(), 0);
    assert_eq!(
        amf.protect(&[0x7e, 0x01, 0, 0, 0, 0, 0, 0x7e, 0, 0x43], CIPHERED),
        Err(SecurityError::NestedProtection)
    );
    assert!(matches!(
        amf.protect(&[], CIPHERED),
        Err(SecurityError::Truncated { .. })
    ));
    assert_eq!(amf.downlink_count().value(), 0);
}

#[test]
fn receive_without_context() {
    let (mut amf, mut ue) = pair(2, 2);
    let bytes = ue.protect(UPLINK[0], CIPHERED).unwrap();
    assert_eq!(receive(None, &bytes), Err(SecurityError::NoContext));
    assert_eq!(receive(None, UPLINK[0]), Ok(Received::Plain(UPLINK[0])));
    match receive(Some(&mut amf), &bytes).unwrap() {
        Received::Protected(u) => assert_eq!(u.message, UPLINK[0]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn count_exhaustion() {
    let (mut amf, mut ue) = pair(2, 0);
    amf.set_downlink_count(NasCount::new(NasCount::MAX - 2).unwrap());
    ue.set_downlink_count(NasCount::new(NasCount::MAX - 2).unwrap());
    let bytes = amf.protect(DOWNLINK[0], CIPHERED).unwrap();
    assert_eq!(
        ue.unprotect(&bytes).unwrap().count.value(),
        NasCount::MAX - 2
    );
    assert_eq!(
        amf.protect(DOWNLINK[0], CIPHERED),
        Err(SecurityError::CountExhausted {
            direction: Direction::Downlink
        })
    );
    assert_eq!(amf.downlink_count().value(), NasCount::MAX - 1);
}
