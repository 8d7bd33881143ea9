//! proptest: `parse(emit(x)) == x` for arbitrary representations and payloads, and the
//! fast path agrees with the view.

use ferrocore_gtpu::{
    DlPduSessionInfo, ExtensionTypeList, Message, Packet, PduSessionContainer, Qfi, Repr,
    UlPduSessionInfo, UlTimeStamps, decap, encap_in_place, encap_repr_in_place,
};
use proptest::prelude::*;
use std::net::IpAddr;

fn qfi() -> impl Strategy<Value = Qfi> {
    (0u8..=63).prop_map(|v| Qfi::new(v).expect("in range"))
}

fn sn() -> impl Strategy<Value = Option<u32>> {
    proptest::option::of(0u32..=0x00ff_ffff)
}

fn downlink() -> impl Strategy<Value = PduSessionContainer> {
    (
        qfi(),
        any::<bool>(),
        proptest::option::of(0u8..=7),
        any::<Option<u64>>(),
        sn(),
    )
        .prop_map(|(qfi, rqi, ppi, sending_time_stamp, qfi_sequence_number)| {
            PduSessionContainer::Downlink(DlPduSessionInfo {
                qfi,
                rqi,
                ppi,
                sending_time_stamp,
                qfi_sequence_number,
            })
        })
}

fn uplink() -> impl Strategy<Value = PduSessionContainer> {
    (
        qfi(),
        any::<Option<(u64, u64, u64)>>(),
        any::<(Option<u32>, Option<u32>)>(),
        sn(),
        any::<(Option<u32>, Option<u32>)>(),
    )
        .prop_map(|(qfi, ts, (dl, ul), sn, (n3n9, d1))| {
            PduSessionContainer::Uplink(UlPduSessionInfo {
                qfi,
                qos_monitoring: ts.map(|(a, b, c)| UlTimeStamps {
                    dl_sending_repeated: a,
                    dl_received: b,
                    ul_sending: c,
                }),
                dl_delay_result: dl,
                ul_delay_result: ul,
                qfi_sequence_number: sn,
                n3n9_delay_result: n3n9,
                d1_ul_pdcp_delay_result: d1,
            })
        })
}

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        Just(Message::GPdu),
        Just(Message::EchoRequest),
        any::<u8>().prop_map(|recovery| Message::EchoResponse { recovery }),
        (any::<u32>(), any::<IpAddr>()).prop_map(|(teid_data_i, peer_address)| {
            Message::ErrorIndication {
                teid_data_i,
                peer_address,
            }
        }),
        proptest::collection::vec(any::<u8>(), 0..=16).prop_map(|t| {
            Message::SupportedExtensionHeadersNotification(
                ExtensionTypeList::new(&t).expect("16 fit"),
            )
        }),
        Just(Message::EndMarker),
    ]
}

prop_compose! {
    fn repr()(
        message in message(),
        teid in any::<u32>(),
        sequence_number in any::<Option<u16>>(),
        npdu_number in any::<Option<u8>>(),
        pdu_session in proptest::option::of(prop_oneof![downlink(), uplink()]),
    ) -> Repr {
        Repr { message, teid, sequence_number, npdu_number, pdu_session }
    }
}

prop_compose! {
    /// A representation and a payload that fits it (T-PDUs only on G-PDUs).
    fn repr_and_payload()(repr in repr(), bytes in proptest::collection::vec(any::<u8>(), 0..1500))
        -> (Repr, Vec<u8>)
    {
        let payload = if repr.message == Message::GPdu { bytes } else { Vec::new() };
        (repr, payload)
    }
}

proptest! {
    #[test]
    fn parse_of_emit_is_identity((repr, payload) in repr_and_payload()) {
        let mut buf = vec![0u8; repr.buffer_len(payload.len())];
        let start = repr.header_len() + repr.body_len();
        buf[start..].copy_from_slice(&payload);
        repr.emit(&mut buf).expect("emit");

        let packet = Packet::new_checked(&buf[..]).expect("check");
        prop_assert_eq!(Repr::parse(&packet).expect("parse"), repr);
        prop_assert_eq!(packet.header_len(), repr.header_len());
        prop_assert_eq!(&packet.payload()[repr.body_len()..], &payload[..]);

        let d = decap(&buf).expect("decap");
        prop_assert_eq!(d.teid, repr.teid);
        prop_assert_eq!(d.message_type, repr.message.message_type());
        prop_assert_eq!(d.sequence_number, repr.sequence_number);
        prop_assert_eq!(d.qfi, repr.pdu_session.map(|p| p.qfi()));
        prop_assert_eq!(d.payload.start, repr.header_len());
    }

    #[test]
    fn encap_then_decap(
        headroom_extra in 0usize..8,
        payload in proptest::collection::vec(any::<u8>(), 0..1500),
        teid in any::<u32>(),
        q in qfi(),
    ) {
        let headroom = ferrocore_gtpu::ENCAP_HEADROOM + headroom_extra;
        let mut buf = vec![0xeeu8; headroom + payload.len()];
        buf[headroom..].copy_from_slice(&payload);
        let start = encap_in_place(&mut buf, headroom, teid, q).expect("encap");
        prop_assert_eq!(start, headroom_extra);
        let repr = Repr::parse_bytes(&buf[start..]).expect("parse");
        prop_assert_eq!(repr, Repr::g_pdu(teid, Some(PduSessionContainer::downlink(q))));
        let d = decap(&buf[start..]).expect("decap");
        prop_assert_eq!(&buf[start..][d.payload], &payload[..]);

        // The general path writes the same octets.
        let mut other = vec![0u8; headroom + payload.len()];
        other[headroom..].copy_from_slice(&payload);
        let s2 = encap_repr_in_place(&mut other, headroom, &repr).expect("encap repr");
        prop_assert_eq!(&other[s2..], &buf[start..]);
    }
}
