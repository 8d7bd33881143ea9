//! A network-side and a UE-side context from the same KAMF exchange protected messages
//! both ways, for every NIA / NEA pair; 600 messages each way so that the SN wraps twice.

mod common;

use common::{DOWNLINK, HEADER_TYPES, UPLINK, pair};
use ferrocore_nas_security::{NasCount, SecurityError, SecurityHeaderType};

const MESSAGES: u32 = 600;

#[test]
fn every_algorithm_pair_round_trips_600_messages_each_way() {
    for nia in 0..4u8 {
        for nea in 0..4u8 {
            let (mut amf, mut ue) = pair(nia, nea);
            for i in 0..MESSAGES {
                let ht = HEADER_TYPES[i as usize % 4];

                let dl = DOWNLINK[i as usize % DOWNLINK.len()];
                let bytes = amf.protect(dl, ht).unwrap();
                assert_eq!(bytes[0], 0x7e);
                assert_eq!(bytes[1], ht as u8);
                assert_eq!(bytes[6], i as u8, "SN is the low 8 bits of the COUNT");
                if ht.is_ciphered() && nea != 0 {
                    assert_ne!(&bytes[7..], dl, "NIA{nia}/NEA{nea}: ciphered");
                } else {
                    assert_eq!(&bytes[7..], dl, "NIA{nia}/NEA{nea}: in clear");
                }
                if nia == 0 {
                    assert_eq!(&bytes[2..6], &[0; 4], "NIA0 MAC is zero");
                }
                let got = ue
                    .unprotect(&bytes)
                    .unwrap_or_else(|e| panic!("NIA{nia}/NEA{nea} DL {i}: {e}"));
                assert_eq!(got.message, dl);
                assert_eq!(got.header_type, ht);
                assert_eq!(got.count.value(), i);
                assert_eq!(got.new_context(), (ht as u8) >= 3);
                assert_eq!(got.decode().unwrap().message_type(), Some(dl[2]), "decodes");

                let ul = UPLINK[i as usize % UPLINK.len()];
                let bytes = ue.protect(ul, ht).unwrap();
                let got = amf
                    .unprotect(&bytes)
                    .unwrap_or_else(|e| panic!("NIA{nia}/NEA{nea} UL {i}: {e}"));
                assert_eq!(got.message, ul);
                assert_eq!(got.count.value(), i);
                assert_eq!(got.mm_message_type(), Some(ul[2]));

                assert_eq!(amf.downlink_count().value(), i + 1);
                assert_eq!(ue.downlink_count().value(), i + 1);
                assert_eq!(amf.uplink_count().value(), i + 1);
                assert_eq!(ue.uplink_count().value(), i + 1);
            }
            // 600 = 2 * 256 + 88: the overflow counter went up twice
            for c in [
                amf.downlink_count(),
                amf.uplink_count(),
                ue.downlink_count(),
                ue.uplink_count(),
            ] {
                assert_eq!(c, NasCount::from_parts(2, 88));
            }
        }
    }
}

#[test]
fn lost_messages_up_to_255_are_skipped_over() {
    for nia in 1..4u8 {
        let (mut amf, mut ue) = pair(nia, 2);
        // 255 messages lost in a row, across the SN wrap
        for _ in 0..300 {
            amf.protect(
                DOWNLINK[0],
                SecurityHeaderType::IntegrityProtectedAndCiphered,
            )
            .unwrap();
        }
        ue.set_downlink_count(NasCount::new(45).unwrap());
        let bytes = amf
            .protect(
                DOWNLINK[1],
                SecurityHeaderType::IntegrityProtectedAndCiphered,
            )
            .unwrap();
        let got = ue.unprotect(&bytes).unwrap();
        assert_eq!(got.count.value(), 300);
        assert_eq!(got.message, DOWNLINK[1]);
        assert_eq!(ue.downlink_count().value(), 301);
    }
}

#[test]
fn a_context_does_not_accept_what_it_sent_itself() {
    // DIRECTION differs, so the MAC does not verify (NIA1-3).
    for nia in 1..4u8 {
        let (mut amf, _) = pair(nia, 0);
        let bytes = amf
            .protect(DOWNLINK[0], SecurityHeaderType::IntegrityProtected)
            .unwrap();
        assert!(matches!(
            amf.unprotect(&bytes),
            Err(SecurityError::MacMismatch { .. })
        ));
    }
}

#[test]
fn different_kamf_does_not_verify() {
    let (mut amf, _) = pair(2, 2);
    let (_, mut ue) = common::pair_with([9; 32], 2, 2);
    let bytes = amf
        .protect(
            DOWNLINK[0],
            SecurityHeaderType::IntegrityProtectedAndCiphered,
        )
        .unwrap();
    assert!(matches!(
        ue.unprotect(&bytes),
        Err(SecurityError::MacMismatch { count: 0, .. })
    ));
    assert_eq!(ue.downlink_count().value(), 0);
}
