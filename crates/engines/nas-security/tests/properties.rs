//! Property tests: protect / unprotect round trips for random messages, algorithms, header
//! types, COUNT starting points and losses of fewer than 256 messages.

mod common;

use common::{HEADER_TYPES, pair_with};
use ferrocore_nas_security::{NasCount, SecurityError};
use proptest::prelude::*;

fn plain_message() -> impl Strategy<Value = Vec<u8>> {
    // EPD 5GMM (plain header) or 5GSM, then anything
    (prop::bool::ANY, prop::collection::vec(any::<u8>(), 1..300)).prop_map(|(mm, body)| {
        if mm {
            [0x7e, 0x00].into_iter().chain(body).collect()
        } else {
            [0x2e].into_iter().chain(body).collect()
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn round_trip(
        kamf in any::<[u8; 32]>(),
        nia in 0..4u8,
        nea in 0..4u8,
        start_dl in 0..NasCount::MAX - 2000,
        start_ul in 0..NasCount::MAX - 2000,
        messages in prop::collection::vec((plain_message(), 0..4usize, 0..300u32), 1..8),
    ) {
        let (mut amf, mut ue) = pair_with(kamf, nia, nea);
        let dl = NasCount::new(start_dl).unwrap();
        let ul = NasCount::new(start_ul).unwrap();
        amf.set_downlink_count(dl);
        ue.set_downlink_count(dl);
        amf.set_uplink_count(ul);
        ue.set_uplink_count(ul);
        for (plain, ht, lost) in messages {
            let ht = HEADER_TYPES[ht];
            // messages lost on the way (< 256 in a row can be recovered, §4.4.3.1)
            for _ in 0..lost.min(255) {
                amf.protect(&plain, ht).unwrap();
            }
            let expected = amf.downlink_count();
            let bytes = amf.protect(&plain, ht).unwrap();
            let got = ue.unprotect(&bytes).unwrap();
            prop_assert_eq!(&got.message, &plain);
            prop_assert_eq!(got.count, expected);
            prop_assert_eq!(ue.downlink_count(), amf.downlink_count());
            if nia != 0 {
                let replay = ue.unprotect(&bytes);
                let is_replay = matches!(replay, Err(SecurityError::Replay { .. }));
                prop_assert!(is_replay, "{:?}", replay);
            }

            let expected = ue.uplink_count();
            let bytes = ue.protect(&plain, ht).unwrap();
            let got = amf.unprotect(&bytes).unwrap();
            prop_assert_eq!(&got.message, &plain);
            prop_assert_eq!(got.count, expected);
            prop_assert_eq!(amf.uplink_count(), ue.uplink_count());
        }
    }

    #[test]
    fn any_single_bit_flip_is_rejected_without_moving_the_count(
        kamf in any::<[u8; 32]>(),
        nia in 1..4u8,
        nea in 0..4u8,
        plain in plain_message(),
        ht in 0..4usize,
        bit in any::<prop::sample::Index>(),
    ) {
        let (mut amf, mut ue) = pair_with(kamf, nia, nea);
        let bytes = ue.protect(&plain, HEADER_TYPES[ht]).unwrap();
        let mut bad = bytes.clone();
        // anything after EPD and header type: MAC, SN, message
        let i = 16 + bit.index((bad.len() - 2) * 8);
        bad[i / 8] ^= 1 << (i % 8);
        prop_assert!(amf.unprotect(&bad).is_err());
        prop_assert_eq!(amf.uplink_count().value(), 0);
        prop_assert_eq!(amf.unprotect(&bytes).unwrap().message, plain);
    }

    #[test]
    fn unprotect_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64), nia in 0..4u8) {
        let (mut amf, _) = pair_with([3; 32], nia, 2);
        let before = amf.uplink_count();
        if amf.unprotect(&bytes).is_err() {
            prop_assert_eq!(amf.uplink_count(), before);
        }
    }
}
