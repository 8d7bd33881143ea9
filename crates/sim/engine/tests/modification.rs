//! PDU session modification against the scripted network side (TS 24.501 §6.3.2, §6.4.2;
//! TS 38.413 §8.2.3): the UE asks for a QoS flow, the network's command is checked and
//! applied, uplink packets take the flow their QoS rule says; the gNB answers PDU Session
//! Resource Modify Requests.

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;

use common::session::*;
use common::*;
use ferrocore_gtpu::decap;
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, SmMessage};
use ferrocore_ngap::samples;
use ferrocore_ngap::{Cause, CauseRadioNetwork, Message, NgapMessage};
use ferrocore_sim::qos::QosRules;
use ferrocore_sim::ue::SessionState;
use ferrocore_sim::{
    FlowFilter, Gnb, ModificationRequest, SessionFailure, SessionType, SimEvent, UPLINK_HEADROOM,
    UeId,
};

/// The data network host whose traffic the new flow carries.
const SERVER: Ipv4Addr = Ipv4Addr::new(10, 201, 2, 2);

fn ask(psi: u8) -> ModificationRequest {
    ModificationRequest {
        psi,
        five_qi: 9,
        precedence: 10,
        filter: FlowFilter {
            remote: Some(IpAddr::V4(SERVER)),
            ..FlowFilter::default()
        },
    }
}

/// PDU SESSION RESOURCE MODIFY REQUEST for session `psi`, flow 2 added, with `nas`.
fn resource_modify(amf: &TestAmf, gnb: &mut Gnb, now: Instant, psi: u8, nas: Vec<u8>) {
    let m = samples::modify_request(
        amf.amf_id,
        amf.ran_id,
        psi,
        nas,
        vec![samples::non_gbr_flow(2, 9)],
    );
    gnb.handle_ngap(now, 1, &m.encode().unwrap());
}

/// A UE with session 1 established; it sent its PDU SESSION MODIFICATION REQUEST, which
/// is returned.
fn requested(now: Instant) -> (Gnb, UeId, TestAmf, SmMessage) {
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    gnb.modify_session(now, ue, ask(1));
    let (t, sm) = uplink_sm(&mut amf, &mut gnb);
    assert!(
        t.request_type.is_none(),
        "no request type for a modification"
    );
    (gnb, ue, amf, sm)
}

/// The 5GSM message of the UE's one UL NAS TRANSPORT, and the other NGAP it sent.
fn answer(amf: &mut TestAmf, gnb: &mut Gnb) -> (SmMessage, Vec<Message>) {
    let (nas, other) = amf.uplinks(gnb);
    let [nas] = &nas[..] else {
        panic!("one uplink NAS message: {nas:?}")
    };
    let NasMessage::Mm(Nas5gmmMessage::UlNasTransport(t)) = amf.open(nas).1 else {
        panic!("UL NAS TRANSPORT")
    };
    let NasMessage::Sm(sm) = ferrocore_nas::decode(&t.payload_container.value).unwrap() else {
        panic!("5GSM")
    };
    (sm, other)
}

/// An IPv4 UDP packet from the UE to `dst`:`port`.
fn udp_to(dst: Ipv4Addr, port: u16) -> Vec<u8> {
    let mut p = vec![0x45, 0, 0, 36, 0, 1, 0, 0, 64, 17, 0, 0];
    p.extend(UE_V4.octets());
    p.extend(dst.octets());
    p.extend(40000u16.to_be_bytes());
    p.extend(port.to_be_bytes());
    p.extend([0, 16, 0, 0]);
    p.extend([0xab; 8]);
    p
}

/// The QFI of the UL PDU Session Container `gnb` puts on `packet` of session 1.
fn uplink_qfi(gnb: &mut Gnb, now: Instant, ue: UeId, packet: &[u8]) -> u8 {
    let mut buf = vec![0u8; UPLINK_HEADROOM];
    buf.extend(packet);
    let out = gnb.uplink_packet(now, ue, 1, &mut buf).expect("a G-PDU");
    decap(&buf[out.start..]).unwrap().qfi.unwrap().value()
}

#[test]
fn ue_requested_flow_is_set_up_and_uplink_to_its_host_takes_it() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf, sm) = requested(now);
    assert_ne!(sm.pti, 0);
    assert_eq!(sm.pdu_session_id, 1);
    let Nas5gsmMessage::PduSessionModificationRequest(req) = sm.message else {
        panic!("PDU SESSION MODIFICATION REQUEST: {:?}", sm.message)
    };
    // One new rule, nothing assigned by the UE (TS 24.501 §6.4.2.2), for the server.
    let [rule] = &req.requested_qos_rules.as_ref().unwrap().rules()[..] else {
        panic!("one requested QoS rule")
    };
    assert_eq!(
        (
            rule.rule_id,
            rule.op_code,
            rule.dqr,
            rule.precedence,
            rule.qfi
        ),
        (0, QosRuleOpCode::Create, false, Some(10), Some(0))
    );
    assert_eq!(rule.packet_filters, vec![to_host(0, SERVER)]);
    let flows = req
        .requested_qos_flow_descriptions
        .as_ref()
        .unwrap()
        .descriptions();
    assert_eq!(
        flows,
        vec![QosFlowDescription::new(
            0,
            QosFlowOpCode::Create,
            true,
            vec![QosFlowParameter::FiveQi(9)]
        )]
    );
    assert_eq!(
        gnb.ue(ue).session(1).unwrap().state(),
        SessionState::ModificationPending
    );
    // Until the command, everything goes on the default flow.
    assert_eq!(uplink_qfi(&mut gnb, now, ue, &udp_to(SERVER, 5201)), 1);

    // The network's answer: PDU SESSION RESOURCE MODIFY REQUEST with the command.
    let nas = dl_transport(
        &mut amf,
        1,
        sm.pti,
        modification_command(&[host_rule(SERVER)]),
    );
    resource_modify(&amf, &mut gnb, now, 1, nas);
    let (done, other) = answer(&mut amf, &mut gnb);
    let [Message::PduSessionResourceModifyResponse(rsp)] = &other[..] else {
        panic!("PDU SESSION RESOURCE MODIFY RESPONSE: {other:?}")
    };
    assert_eq!(
        (rsp.amf_ue_ngap_id, rsp.ran_ue_ngap_id),
        (amf.amf_id, amf.ran_id)
    );
    let [m] = &rsp.modified[..] else {
        panic!("session 1 modified: {rsp:?}")
    };
    assert_eq!((m.pdu_session_id, &m.transfer.qfis[..]), (1, &[2][..]));
    assert!(rsp.failed.is_empty());
    assert!(matches!(
        done.message,
        Nas5gsmMessage::PduSessionModificationComplete(_)
    ));
    assert_eq!((done.pdu_session_id, done.pti), (1, sm.pti));

    let ev = events(&mut gnb);
    let [
        SimEvent::SessionModified {
            ue: u,
            modification,
        },
    ] = &ev[..]
    else {
        panic!("SessionModified: {ev:?}")
    };
    assert_eq!(*u, ue);
    assert!(modification.ue_requested);
    assert_eq!(modification.qfis, vec![1, 2]);
    assert_eq!(modification.ambr_kbps, Some((20_000, 10_000)));
    let s = gnb.ue(ue).session(1).unwrap();
    assert_eq!(s.state(), SessionState::Active);
    assert_eq!(s.qos_rules().five_qi(2), Some(9));

    // Uplink to the server takes flow 2, the rest the default flow.
    assert_eq!(uplink_qfi(&mut gnb, now, ue, &udp_to(SERVER, 5201)), 2);
    assert_eq!(
        uplink_qfi(&mut gnb, now, ue, &udp_to(Ipv4Addr::new(9, 9, 9, 9), 53)),
        1
    );
}

#[test]
fn network_requested_modification_changes_the_session_ambr() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    // PTI 0: the network's own modification (TS 24.501 §6.3.2.2), N1 only.
    let nas = dl_transport(&mut amf, 1, 0, modification_command(&[]));
    amf.downlink(&mut gnb, now, nas);
    let (done, _) = answer(&mut amf, &mut gnb);
    assert!(matches!(
        done.message,
        Nas5gsmMessage::PduSessionModificationComplete(_)
    ));
    assert_eq!(done.pti, 0);
    let ev = events(&mut gnb);
    let [SimEvent::SessionModified { modification, .. }] = &ev[..] else {
        panic!("SessionModified: {ev:?}")
    };
    assert!(!modification.ue_requested);
    assert_eq!(modification.qfis, vec![1]);
    let info = gnb.ue(ue).session(1).unwrap().info().unwrap().clone();
    assert_eq!(info.ambr_kbps, Some((20_000, 10_000)));
}

/// Sends `c` as a network-requested command; returns the UE's answer.
fn refused(c: NasPduSessionModificationCommand) -> (SmMessage, Vec<SimEvent>, QosRules, QosRules) {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    let before = gnb.ue(ue).session(1).unwrap().qos_rules().clone();
    let nas = dl_transport(&mut amf, 1, 0, c);
    amf.downlink(&mut gnb, now, nas);
    let (sm, _) = answer(&mut amf, &mut gnb);
    let after = gnb.ue(ue).session(1).unwrap().qos_rules().clone();
    (sm, events(&mut gnb), before, after)
}

fn reject_cause(sm: &SmMessage) -> u8 {
    let Nas5gsmMessage::PduSessionModificationCommandReject(r) = &sm.message else {
        panic!("PDU SESSION MODIFICATION COMMAND REJECT: {:?}", sm.message)
    };
    r.fgsm_cause.value
}

#[test]
fn commands_with_wrong_qos_operations_are_refused_and_change_nothing() {
    // Deleting the default QoS rule: semantic error, #83 (TS 24.501 §6.3.2.4 a)).
    let delete_default = QosRule::new(1, QosRuleOpCode::Delete);
    let (sm, ev, before, after) =
        refused(modification_command(&[host_rule(SERVER), delete_default]));
    assert_eq!(reject_cause(&sm), 83);
    assert_eq!(
        before, after,
        "all or nothing: the new rule is not taken either"
    );
    assert!(matches!(
        &ev[..],
        [SimEvent::ModificationCommandRejected {
            psi: 1,
            cause: 83,
            ..
        }]
    ));

    // A second default rule: #83.
    let second_default = host_rule(SERVER).with_default_rule(true);
    let (sm, _, before, after) = refused(modification_command(&[second_default]));
    assert_eq!(reject_cause(&sm), 83);
    assert_eq!(before, after);

    // A rule that says it has one packet filter and has none: syntactical, #84.
    let c = NasPduSessionModificationCommand::new()
        .with_authorized_qos_rules(NasQosRules::new(vec![0x02, 0x00, 0x01, 0x21]));
    let (sm, _, before, after) = refused(c);
    assert_eq!(reject_cause(&sm), 84);
    assert_eq!(before, after);

    // Modifying a rule the UE does not have: #83.
    let unknown = QosRule::new(7, QosRuleOpCode::ModifyNoFilters)
        .with_precedence(3)
        .with_qfi(1);
    let (sm, _, _, _) = refused(modification_command(&[unknown]));
    assert_eq!(reject_cause(&sm), 83);
}

#[test]
fn modification_reject_ends_the_request_and_t3581_gives_up_on_the_fifth_expiry() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf, sm) = requested(now);
    // #26 insufficient resources (TS 24.501 §6.4.2.4).
    let reject = NasPduSessionModificationReject::new(NasFGsmCause::new(26));
    let nas = dl_transport(&mut amf, 1, sm.pti, reject);
    amf.downlink(&mut gnb, now, nas);
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::ModificationFailed {
            ue,
            psi: 1,
            cause: SessionFailure::Rejected { cause: 26 }
        }]
    );
    assert_eq!(gnb.ue(ue).session(1).unwrap().state(), SessionState::Active);

    // Asked again, never answered: T3581 retransmits four times with the same PTI.
    gnb.modify_session(now, ue, ask(1));
    let (_, first) = uplink_sm(&mut amf, &mut gnb);
    assert_ne!(first.pti, sm.pti, "a new PTI for a new procedure");
    for _ in 0..4 {
        let t = gnb.poll_timeout().unwrap();
        gnb.handle_timeout(t);
        let (_, again) = uplink_sm(&mut amf, &mut gnb);
        assert_eq!(again.pti, first.pti);
        assert!(matches!(
            again.message,
            Nas5gsmMessage::PduSessionModificationRequest(_)
        ));
    }
    gnb.handle_timeout(gnb.poll_timeout().unwrap());
    assert!(transmits(&mut gnb).is_empty());
    assert_eq!(
        events(&mut gnb),
        vec![SimEvent::ModificationFailed {
            ue,
            psi: 1,
            cause: SessionFailure::Timeout
        }]
    );
    assert_eq!(gnb.ue(ue).session(1).unwrap().state(), SessionState::Active);
    assert!(gnb.user_plane_up(ue, 1), "the session stays up");
}

#[test]
fn a_command_for_no_request_gets_5gsm_status_and_a_session_not_here_is_refused() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    // A PTI the UE never used (TS 24.501 §7.3.1): 5GSM STATUS #47, nothing applied.
    let nas = dl_transport(&mut amf, 1, 77, modification_command(&[host_rule(SERVER)]));
    amf.downlink(&mut gnb, now, nas);
    let (sm, _) = answer(&mut amf, &mut gnb);
    let Nas5gsmMessage::FiveGsmStatus(st) = sm.message else {
        panic!("5GSM STATUS: {:?}", sm.message)
    };
    assert_eq!(st.fgsm_cause.value, 47);
    assert_eq!(gnb.ue(ue).session(1).unwrap().qos_rules().qfis(), vec![1]);

    // A command for a session the UE does not have: COMMAND REJECT #43.
    let nas = dl_transport(&mut amf, 4, 0, modification_command(&[]));
    amf.downlink(&mut gnb, now, nas);
    let (sm, _) = answer(&mut amf, &mut gnb);
    assert_eq!(reject_cause(&sm), 43);

    // The UE refuses locally to modify a session it does not have.
    gnb.modify_session(now, ue, ask(3));
    assert!(transmits(&mut gnb).is_empty());
    assert!(matches!(
        &events(&mut gnb)[..],
        [SimEvent::ModificationFailed {
            psi: 3,
            cause: SessionFailure::Refused(_),
            ..
        }]
    ));
}

#[test]
fn the_gnb_lists_sessions_it_has_no_resources_for_as_failed() {
    let now = Instant::now();
    let (mut gnb, ue, mut amf) = ready(now);
    establish(&mut gnb, &mut amf, now, ue, SessionType::Ipv4);
    let nas = dl_transport(&mut amf, 6, 0, modification_command(&[]));
    resource_modify(&amf, &mut gnb, now, 6, nas);
    let (_, other) = answer(&mut amf, &mut gnb);
    let [Message::PduSessionResourceModifyResponse(rsp)] = &other[..] else {
        panic!("PDU SESSION RESOURCE MODIFY RESPONSE: {other:?}")
    };
    assert!(rsp.modified.is_empty());
    let [f] = &rsp.failed[..] else {
        panic!("session 6 failed: {rsp:?}")
    };
    assert_eq!(f.pdu_session_id, 6);
    assert_eq!(
        f.transfer.cause,
        Cause::radioNetwork(CauseRadioNetwork::unknown_PDU_session_ID)
    );
    // Session 1 kept its flows.
    assert_eq!(uplink_qfi(&mut gnb, now, ue, &udp_to(SERVER, 1)), 1);
}

#[test]
fn rules_are_evaluated_by_precedence_on_addresses_protocols_and_ports() {
    let server6: Ipv6Addr = "2001:db8:45::9".parse().unwrap();
    let rules = [
        default_rule(),
        // UDP to port 5201 of any host: flow 3, evaluated before the host rule.
        QosRule::new(3, QosRuleOpCode::Create)
            .with_packet_filters(vec![QosPacketFilter::Match {
                direction: QosPacketFilterDirection::Uplink,
                identifier: 1,
                components: vec![
                    QosPacketFilterComponent::ProtocolIdentifierOrNextHeader(17),
                    QosPacketFilterComponent::SingleRemotePort(5201),
                ],
            }])
            .with_precedence(5)
            .with_qfi(3),
        host_rule(SERVER),
        // Downlink only: never picked for uplink.
        QosRule::new(4, QosRuleOpCode::Create)
            .with_packet_filters(vec![QosPacketFilter::Match {
                direction: QosPacketFilterDirection::Downlink,
                identifier: 1,
                components: vec![QosPacketFilterComponent::Ipv4RemoteAddress {
                    address: [9, 9, 9, 9],
                    mask: [0xff; 4],
                }],
            }])
            .with_precedence(1)
            .with_qfi(4),
        // An IPv6 /64.
        QosRule::new(5, QosRuleOpCode::Create)
            .with_packet_filters(vec![QosPacketFilter::Match {
                direction: QosPacketFilterDirection::Bidirectional,
                identifier: 1,
                components: vec![QosPacketFilterComponent::Ipv6RemoteAddressPrefix {
                    address: server6.octets(),
                    prefix_length: 64,
                }],
            }])
            .with_precedence(20)
            .with_qfi(5),
    ];
    let q = QosRules::from_accept(&NasQosRules::from_rules(&rules).unwrap(), None);
    assert_eq!(q.default_qfi(), Some(1));
    assert_eq!(q.qfis(), vec![1, 4, 3, 2, 5]);
    assert_eq!(q.uplink_qfi(&udp_to(SERVER, 5201)), Some(3));
    assert_eq!(q.uplink_qfi(&udp_to(SERVER, 53)), Some(2));
    assert_eq!(
        q.uplink_qfi(&udp_to(Ipv4Addr::new(9, 9, 9, 9), 53)),
        Some(1)
    );
    let mut v6 = vec![0x60, 0, 0, 0, 0, 8, 17, 64];
    v6.extend(Ipv6Addr::LOCALHOST.octets());
    v6.extend("2001:db8:45::1".parse::<Ipv6Addr>().unwrap().octets());
    v6.extend([0x9c, 0x40, 0x00, 0x35, 0, 8, 0, 0]);
    assert_eq!(q.uplink_qfi(&v6), Some(5));
    v6[24] = 0x30;
    assert_eq!(q.uplink_qfi(&v6), Some(1), "outside the /64");
    assert_eq!(q.uplink_qfi(&[0x45, 0]), None, "truncated: no match");
}
