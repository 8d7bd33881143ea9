//! The AMF answers only on streams it may send on (TS 38.412 §7): a gNB may open more
//! streams towards the AMF than the AMF may use towards it, so an answer must never echo
//! the inbound stream. Found by the `amf_ngap` fuzz target
//! (fuzz/regressions/amf_ngap/error_indication_on_inbound_stream_4).

use std::time::Instant;

use ferrocore_amf::{Action, Amf, AmfConfig, Event};
use ferrocore_ngap::msg::*;
use ferrocore_ngap::{
    GnbId, Message, NgapMessage, PagingDrx, Plmn, PlmnSlices, Snssai, SupportedTa, decode_message,
};

fn up(outbound_streams: u16) -> Amf {
    let mut amf = Amf::new(AmfConfig::default()).unwrap();
    amf.handle_event(
        Instant::now(),
        Event::AssociationUp {
            assoc: 1,
            outbound_streams,
        },
    );
    amf
}

fn sent(amf: &mut Amf) -> Vec<(u16, Message)> {
    std::iter::from_fn(|| amf.poll_action())
        .filter_map(|a| match a {
            Action::SendNgap { stream, bytes, .. } => {
                Some((stream, decode_message(&bytes).unwrap()))
            }
            _ => None,
        })
        .collect()
}

fn ng_setup_request() -> Vec<u8> {
    let plmn = Plmn::new("001", "01").unwrap();
    NgSetupRequest {
        gnb: GnbId {
            plmn,
            id: 0x1234,
            bits: 22,
        },
        ran_node_name: Some("gnb-streams".into()),
        supported_tas: vec![SupportedTa {
            tac: [0, 0, 1],
            plmns: vec![PlmnSlices {
                plmn,
                slices: vec![Snssai { sst: 1, sd: None }],
            }],
        }],
        paging_drx: PagingDrx::v128,
    }
    .encode()
    .unwrap()
}

#[test]
fn ng_setup_on_a_high_inbound_stream_is_answered_on_stream_0() {
    let mut amf = up(2);
    let bytes = ng_setup_request();
    amf.handle_event(
        Instant::now(),
        Event::Ngap {
            assoc: 1,
            stream: 4,
            bytes,
        },
    );
    let out = sent(&mut amf);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, 0);
    assert!(matches!(out[0].1, Message::NgSetupResponse(_)));
}

#[test]
fn garbage_on_a_high_inbound_stream_gets_an_error_indication_we_may_send() {
    let mut amf = up(4);
    amf.handle_event(
        Instant::now(),
        Event::Ngap {
            assoc: 1,
            stream: 4,
            bytes: vec![0x94],
        },
    );
    let out = sent(&mut amf);
    assert_eq!(out.len(), 1);
    assert!(out[0].0 < 4, "sent on stream {}", out[0].0);
    assert!(matches!(out[0].1, Message::ErrorIndication(_)));
}
