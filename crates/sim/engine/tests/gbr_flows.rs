//! The gNB and GBR QoS flows (TS 38.413 §9.3.1.10): a flow of a GBR 5QI is set up only
//! with its GBR QoS Flow Information; without it the flow is reported as failed in the
//! Setup / Modify Response Transfer (§8.2.1.4, §8.2.3.4), the session's other flows
//! unharmed.

mod common;

use std::time::Instant;

use common::session::*;
use common::*;
use ferrocore_ngap::msg::*;
use ferrocore_ngap::transfer::{GbrQosInfo, QosFlowRequest};
use ferrocore_ngap::{Cause, CauseProtocol, Message, NgapMessage};
use ferrocore_sim::SessionType;

/// Conversational voice (5QI 1): GFBR 64 kbit/s, MFBR 128 kbit/s.
fn voice(qfi: u8, gbr: Option<GbrQosInfo>) -> QosFlowRequest {
    QosFlowRequest {
        qfi,
        five_qi: 1,
        arp_priority: 8,
        gbr,
    }
}

fn rates() -> GbrQosInfo {
    GbrQosInfo {
        mfbr_dl: 128_000,
        mfbr_ul: 128_000,
        gfbr_dl: 64_000,
        gfbr_ul: 64_000,
        ..GbrQosInfo::default()
    }
}

fn refused(qfi: u8) -> (u8, Cause) {
    (qfi, Cause::protocol(CauseProtocol::semantic_error))
}

#[test]
fn setup_refuses_a_gbr_flow_without_its_bit_rates_and_keeps_the_others() {
    let now = Instant::now();
    let (mut gnb, ue, amf) = ready(now);
    let mut item = setup_item(1, None);
    item.transfer
        .qos_flows
        .extend([voice(2, None), voice(3, Some(rates()))]);
    let m = PduSessionResourceSetupRequest {
        amf_ue_ngap_id: amf.amf_id,
        ran_ue_ngap_id: amf.ran_id,
        nas_pdu: None,
        sessions: vec![item],
    };
    gnb.handle_ngap(now, 1, &m.encode().unwrap());
    let sent = transmits(&mut gnb);
    let [(_, Message::PduSessionResourceSetupResponse(rsp))] = &sent[..] else {
        panic!("one PDU SESSION RESOURCE SETUP RESPONSE: {sent:?}")
    };
    let [s] = &rsp.setup[..] else {
        panic!("session 1 set up: {rsp:?}")
    };
    assert_eq!(s.transfer.qfis, vec![1, 3]);
    assert_eq!(s.transfer.failed, vec![refused(2)]);
    assert_eq!(Some(s.transfer.dl_tunnel.teid), gnb.dl_teid(ue, 1));
}

#[test]
fn modify_refuses_a_gbr_flow_without_its_bit_rates_and_adds_the_others() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    let nas = dl_transport(&mut amf, 1, 0, modification_command(&[]));
    let m = ferrocore_ngap::samples::modify_request(
        amf.amf_id,
        amf.ran_id,
        1,
        nas,
        vec![voice(2, None), voice(3, Some(rates()))],
    );
    gnb.handle_ngap(now, 1, &m.encode().unwrap());
    let (_, other) = amf.uplinks(&mut gnb);
    let [Message::PduSessionResourceModifyResponse(rsp)] = &other[..] else {
        panic!("PDU SESSION RESOURCE MODIFY RESPONSE: {other:?}")
    };
    assert!(rsp.failed.is_empty(), "the session itself is modified");
    let [s] = &rsp.modified[..] else {
        panic!("session 1 modified: {rsp:?}")
    };
    assert_eq!(s.transfer.qfis, vec![3]);
    assert_eq!(s.transfer.failed, vec![refused(2)]);
}
