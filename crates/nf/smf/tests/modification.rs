//! PDU session modification of the SMF engine against the UPF engine in process, on a
//! virtual clock: a UE asks for a GBR QoS flow with its packet filters (the PFCP rules,
//! the command and the N2 transfer read field by field), refusals with their 5GSM cause
//! and no N4 change, the UE's command reject undone, deletion of the UE's rule, a
//! network-requested Session-AMBR change through N4, N1 and N2, T3591 retransmission
//! and abort, garbled requests.

mod common;

use std::time::Duration;

use common::*;
use ferrocore_nas::types::*;
use ferrocore_ngap::transfer::{
    GbrQosInfo, ModifyRequestTransfer, ModifyResponseTransfer, SetupRequestTransfer, Transfer,
};
use ferrocore_sbi::namf_communication::NgapIeType;
use ferrocore_sbi::nsmf_pdusession::{
    N2SmInfoType, SmContextUpdate, SmContextUpdateData, SmContextUpdated, UpCnxState,
};
use ferrocore_smf::{QosChange, SmfConfig, SmfError, SmfResponse};
use ferrocore_upf::state::SessionState;

/// The uplink / downlink PDRs and the QER the SMF gives the first non-default rule
/// (id 2) and flow (QFI 2).
const UL_PDR: u16 = 0x102;
const DL_PDR: u16 = 0x202;
const FLOW_QER: u32 = 0x102;

fn kbps(v: u16) -> QosFlowBitRate {
    QosFlowBitRate {
        unit: 0x01,
        value: v,
    }
}

/// Conversational voice: 5QI 1 with GFBR 64 / MFBR 128 kbit/s both ways.
fn voice_flow() -> QosFlowDescription {
    QosFlowDescription::new(
        0,
        QosFlowOpCode::Create,
        true,
        vec![
            QosFlowParameter::FiveQi(1),
            QosFlowParameter::GfbrUl(kbps(64)),
            QosFlowParameter::GfbrDl(kbps(64)),
            QosFlowParameter::MfbrUl(kbps(128)),
            QosFlowParameter::MfbrDl(kbps(128)),
        ],
    )
}

/// The UE-requested modifications that failed with `cause`, as the metrics count them.
fn ue_failures(b: &Bench, cause: &str) -> u64 {
    b.smf.metrics().value(&format!(
        "smf_sm_pdu_sess_modification_ue_fail_total{{cause=\"{cause}\"}}"
    ))
}

/// RTP to and from 198.51.100.10 ports 5000-5010, onto the new flow (QFI 0: "no QoS
/// flow identifier assigned", the flow of the request).
fn voice_filter() -> Vec<QosPacketFilterComponent> {
    vec![
        QosPacketFilterComponent::Ipv4RemoteAddress {
            address: [198, 51, 100, 10],
            mask: [255, 255, 255, 255],
        },
        QosPacketFilterComponent::ProtocolIdentifierOrNextHeader(17),
        QosPacketFilterComponent::RemotePortRange {
            low: 5000,
            high: 5010,
        },
    ]
}

fn new_rule(precedence: u8, qfi: u8, components: Vec<QosPacketFilterComponent>) -> QosRule {
    QosRule::new(0, QosRuleOpCode::Create)
        .with_packet_filters(vec![QosPacketFilter::Match {
            direction: QosPacketFilterDirection::Bidirectional,
            identifier: 0,
            components,
        }])
        .with_precedence(precedence)
        .with_qfi(qfi)
}

fn voice_rule() -> QosRule {
    new_rule(10, 0, voice_filter())
}

/// PDU SESSION MODIFICATION REQUEST (TS 24.501 §8.3.7).
fn modification_request(
    psi: u8,
    pti: u8,
    rules: &[QosRule],
    flows: &[QosFlowDescription],
) -> Vec<u8> {
    let mut r = NasPduSessionModificationRequest::new();
    if !rules.is_empty() {
        r.requested_qos_rules = Some(NasQosRules::from_rules(rules).unwrap());
    }
    if !flows.is_empty() {
        r.requested_qos_flow_descriptions =
            Some(NasQosFlowDescriptions::from_descriptions(flows).unwrap());
    }
    sm(r, psi, pti)
}

fn n2_update(t: N2SmInfoType, n2: Vec<u8>) -> SmContextUpdate {
    SmContextUpdate::new(
        SmContextUpdateData {
            n2_sm_info_type: Some(t),
            ..Default::default()
        },
        None,
        Some(n2),
    )
}

fn command(n1: &[u8]) -> (u8, u8, NasPduSessionModificationCommand) {
    match decode_sm(n1) {
        (psi, pti, Nas5gsmMessage::PduSessionModificationCommand(c)) => (psi, pti, *c),
        (_, _, m) => panic!("not a modification command: {m:?}"),
    }
}

/// The 5GSM cause of the PDU SESSION MODIFICATION REJECT in an Update answer.
fn reject_cause(u: Option<SmContextUpdated>) -> u8 {
    let u = u.expect("an answer with N1");
    assert!(u.n2_sm_info.is_none());
    match decode_sm(u.n1_sm_msg.as_deref().expect("N1")) {
        (_, _, Nas5gsmMessage::PduSessionModificationReject(r)) => r.fgsm_cause.value,
        (_, _, m) => panic!("not a modification reject: {m:?}"),
    }
}

fn status_cause(u: Option<SmContextUpdated>) -> u8 {
    match decode_sm(u.unwrap().n1_sm_msg.as_deref().unwrap()) {
        (_, _, Nas5gsmMessage::FiveGsmStatus(s)) => s.fgsm_cause.value,
        (_, _, m) => panic!("not 5GSM STATUS: {m:?}"),
    }
}

fn rule_ids(s: &SessionState) -> (Vec<u16>, Vec<u32>) {
    let mut p: Vec<u16> = s.pdrs.iter().map(|p| p.id).collect();
    let mut q: Vec<u32> = s.qers.iter().map(|q| q.id).collect();
    p.sort_unstable();
    q.sort_unstable();
    (p, q)
}

/// Asks for the voice flow and returns the Update answer carrying the command.
fn ask_for_voice(b: &mut Bench, sm_ref: &str, psi: u8, pti: u8) -> SmContextUpdated {
    let n1 = modification_request(psi, pti, &[voice_rule()], &[voice_flow()]);
    updated(b.update(sm_ref, n1_update(n1))).expect("the command")
}

/// The voice flow asked for and its command completed by the UE.
fn voice_flow_added(b: &mut Bench, sm_ref: &str, psi: u8, pti: u8) {
    ask_for_voice(b, sm_ref, psi, pti);
    let complete = sm(NasPduSessionModificationComplete::new(), psi, pti);
    updated(b.update(sm_ref, n1_update(complete)));
}

#[test]
fn ue_requested_gbr_flow_installs_rules_commands_the_ue_and_completes() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    let before = modifications_sent(&b).len();
    let u = ask_for_voice(&mut b, &sm_ref, 5, 9);

    // N4 first: one Session Modification Request with the flow's QER and the rule's
    // uplink and downlink PDRs.
    let sent = modifications_sent(&b);
    assert_eq!(sent.len(), before + 1);
    let m = sent.last().unwrap();
    assert_eq!(m.create_qers.len(), 1);
    let qer = &m.create_qers[0];
    assert_eq!((qer.qer_id, qer.qfi), (FLOW_QER, Some(2)));
    let mbr = qer.mbr.unwrap();
    let gbr = qer.gbr.unwrap();
    assert_eq!((mbr.uplink, mbr.downlink), (128, 128), "MBR = MFBR, kbit/s");
    assert_eq!((gbr.uplink, gbr.downlink), (64, 64), "GBR = GFBR, kbit/s");
    assert_eq!(m.create_pdrs.len(), 2);
    let ul = m.create_pdrs.iter().find(|p| p.pdr_id == UL_PDR).unwrap();
    let dl = m.create_pdrs.iter().find(|p| p.pdr_id == DL_PDR).unwrap();
    for p in [ul, dl] {
        assert_eq!(
            p.precedence, 10,
            "the rule's precedence, before the default 255"
        );
        assert_eq!(p.pdi.sdf_filters.len(), 1);
        let f = p.pdi.sdf_filters.iter().next().unwrap();
        assert_eq!(
            f.flow_description.as_deref(),
            Some("permit out 17 from 198.51.100.10/32 5000-5010 to assigned")
        );
        assert_eq!(f.filter_id, Some(2));
        // A GBR flow is not under the Session-AMBR: its own QER only.
        assert_eq!(p.qer_ids.to_vec(), vec![FLOW_QER]);
    }
    assert_eq!(ul.pdi.qfis.to_vec(), vec![2]);
    assert_eq!(ul.far_id, Some(1));
    assert_eq!(
        dl.far_id,
        Some(2),
        "the DL FAR of the session: buffers when idle"
    );
    assert!(m.remove_pdrs.is_empty() && m.remove_qers.is_empty());
    // The UPF took them.
    let s = upf_session(&b, &sm_ref);
    assert_eq!(
        rule_ids(&s),
        (vec![1, 2, UL_PDR, DL_PDR], vec![1, FLOW_QER])
    );
    let q = s.qers.iter().find(|q| q.id == FLOW_QER).unwrap();
    assert_eq!((q.qfi, q.gbr_dl, q.mbr_dl), (Some(2), Some(64), Some(128)));

    // The command on the Update answer (TS 23.502 §4.3.3.2 step 3a), with the request's
    // PTI, the authorized rule and flow with the network's identifiers.
    let (psi, pti, c) = command(u.n1_sm_msg.as_deref().unwrap());
    assert_eq!((psi, pti), (5, 9));
    assert!(c.session_ambr.is_none(), "Session-AMBR unchanged");
    let rules = c.authorized_qos_rules.as_ref().unwrap().parse_rules();
    assert_eq!(rules.len(), 1);
    let r = rules[0].as_ref().unwrap();
    assert_eq!(
        (r.rule_id, r.op_code, r.dqr, r.precedence, r.qfi),
        (2, QosRuleOpCode::Create, false, Some(10), Some(2))
    );
    let QosPacketFilter::Match {
        direction,
        identifier,
        components,
    } = &r.packet_filters[0]
    else {
        panic!()
    };
    assert_eq!(
        (*direction, *identifier),
        (QosPacketFilterDirection::Bidirectional, 2)
    );
    assert_eq!(components, &voice_filter());
    let flows = c
        .authorized_qos_flow_descriptions
        .as_ref()
        .unwrap()
        .try_descriptions()
        .unwrap();
    assert_eq!(flows.len(), 1);
    assert_eq!((flows[0].qfi, flows[0].op_code), (2, QosFlowOpCode::Create));
    let mut params = flows[0].params.clone();
    params.sort_by_key(|p| p.param_id());
    let mut want = voice_flow().params;
    want.sort_by_key(|p| p.param_id());
    assert_eq!(params, want);

    // N2: the new flow for the gNB.
    assert_eq!(u.data.n2_sm_info_type, Some(N2SmInfoType::PduResModReq));
    let n2 = ModifyRequestTransfer::decode(u.n2_sm_info.as_deref().unwrap()).unwrap();
    assert!(n2.session_ambr.is_none() && n2.release.is_empty());
    assert_eq!(n2.add_or_modify.len(), 1);
    let f = n2.add_or_modify[0];
    assert_eq!((f.qfi, f.five_qi, f.arp_priority), (2, 1, 8));
    // A GBR 5QI: its GBR QoS Flow Information (TS 38.413 §9.3.1.10), the UE's rates in
    // bit/s, without which the gNB refuses the flow.
    assert_eq!(f.gbr, Some(voice_gbr()));

    // The gNB's answer, then the UE's completion.
    let rsp = ModifyResponseTransfer {
        dl_tunnel: None,
        qfis: vec![2],
        failed: vec![],
    }
    .encode()
    .unwrap();
    assert!(updated(b.update(&sm_ref, n2_update(N2SmInfoType::PduResModRsp, rsp))).is_none());
    let done = sm(NasPduSessionModificationComplete::new(), 5, 9);
    assert!(updated(b.update(&sm_ref, n1_update(done))).is_none());
    let ctx = b.smf.context(&sm_ref).unwrap();
    assert!(ctx.modification.is_none());
    assert_eq!(ctx.qos.flows.len(), 1);
    assert_eq!(ctx.qos.rules[0].id, 2);
    let mt = b.smf.metrics();
    assert_eq!(mt.value("smf_sm_pdu_sess_modification_ue_req_total"), 1);
    assert_eq!(mt.value("smf_sm_pdu_sess_modification_ue_succ_total"), 1);
    // T3591 stopped: nothing is sent again.
    let n1n2 = b.n1n2.len();
    b.advance(Duration::from_secs(100));
    assert_eq!(b.n1n2.len(), n1n2);

    // After an AN release, the Service Request's setup transfer brings the flow back.
    updated(b.update(&sm_ref, up_state(UpCnxState::Deactivated)));
    let u = updated(b.update(&sm_ref, up_state(UpCnxState::Activating))).unwrap();
    let setup = SetupRequestTransfer::decode(u.n2_sm_info.as_deref().unwrap()).unwrap();
    let qfis: Vec<u8> = setup.qos_flows.iter().map(|f| f.qfi).collect();
    assert_eq!(qfis, vec![1, 2]);
    assert_eq!(setup.qos_flows[1].five_qi, 1);
    assert_eq!(setup.qos_flows[0].gbr, None, "the default flow is non-GBR");
    assert_eq!(setup.qos_flows[1].gbr, Some(voice_gbr()));
}

/// The GBR QoS Flow Information of [`voice_flow`] on N2: bit/s.
fn voice_gbr() -> GbrQosInfo {
    GbrQosInfo {
        mfbr_dl: 128_000,
        mfbr_ul: 128_000,
        gfbr_dl: 64_000,
        gfbr_ul: 64_000,
        notification_control: false,
        max_packet_loss_dl: None,
        max_packet_loss_ul: None,
    }
}

#[test]
fn the_ue_deletes_its_rule_and_the_flow_goes_with_it() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    voice_flow_added(&mut b, &sm_ref, 5, 9);

    let delete = QosRule::new(2, QosRuleOpCode::Delete);
    let n1 = modification_request(5, 10, &[delete], &[]);
    let u = updated(b.update(&sm_ref, n1_update(n1))).unwrap();
    let (_, pti, c) = command(u.n1_sm_msg.as_deref().unwrap());
    assert_eq!(pti, 10);
    let rules = c.authorized_qos_rules.unwrap().rules();
    assert_eq!(
        (rules[0].rule_id, rules[0].op_code),
        (2, QosRuleOpCode::Delete)
    );
    let flows = c
        .authorized_qos_flow_descriptions
        .unwrap()
        .try_descriptions()
        .unwrap();
    assert_eq!((flows[0].qfi, flows[0].op_code), (2, QosFlowOpCode::Delete));
    let n2 = ModifyRequestTransfer::decode(u.n2_sm_info.as_deref().unwrap()).unwrap();
    assert_eq!(n2.release.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2]);
    // The rules stay on the UPF until the UE has completed.
    assert_eq!(rule_ids(&upf_session(&b, &sm_ref)).0.len(), 4);
    updated(b.update(
        &sm_ref,
        n1_update(sm(NasPduSessionModificationComplete::new(), 5, 10)),
    ));
    assert_eq!(rule_ids(&upf_session(&b, &sm_ref)), (vec![1, 2], vec![1]));
    let m = modifications_sent(&b);
    let last = m.last().unwrap();
    let mut removed: Vec<u16> = last.remove_pdrs.iter().map(|p| p.pdr_id).collect();
    removed.sort_unstable();
    assert_eq!(removed, vec![UL_PDR, DL_PDR]);
    assert_eq!(last.remove_qers[0].qer_id, FLOW_QER);
    assert!(b.smf.context(&sm_ref).unwrap().qos.flows.is_empty());
    assert_eq!(
        b.smf
            .metrics()
            .value("smf_sm_pdu_sess_modification_ue_succ_total"),
        2
    );
}

#[test]
fn refused_requests_get_their_cause_and_touch_no_rule() {
    let cfg = SmfConfig {
        dnns: vec![ferrocore_smf::DnnConfig {
            ue_qos_max_flows: 1,
            ..Default::default()
        }],
        ..smf_config()
    };
    let mut b = Bench::with(cfg);
    let sm_ref = active_session(&mut b, 5);
    let sent = modifications_sent(&b).len();
    let mut pti = 20;
    let mut ask = |b: &mut Bench, psi: u8, rules: &[QosRule], flows: &[QosFlowDescription]| {
        pti += 1;
        let n1 = modification_request(psi, pti, rules, flows);
        reject_cause(updated(b.update(&sm_ref, n1_update(n1))))
    };
    let flow = |five_qi: u8, params: Vec<QosFlowParameter>| {
        let mut p = vec![QosFlowParameter::FiveQi(five_qi)];
        p.extend(params);
        QosFlowDescription::new(0, QosFlowOpCode::Create, true, p)
    };
    // A 5QI the DNN does not offer (#59).
    assert_eq!(ask(&mut b, 5, &[voice_rule()], &[flow(65, vec![])]), 59);
    // A GBR 5QI without its bit rates (#83).
    assert_eq!(ask(&mut b, 5, &[voice_rule()], &[flow(1, vec![])]), 83);
    // MFBR below GFBR (#83).
    let low_mfbr = vec![
        QosFlowParameter::GfbrUl(kbps(64)),
        QosFlowParameter::GfbrDl(kbps(64)),
        QosFlowParameter::MfbrUl(kbps(32)),
        QosFlowParameter::MfbrDl(kbps(128)),
    ];
    assert_eq!(ask(&mut b, 5, &[voice_rule()], &[flow(1, low_mfbr)]), 83);
    // More than the DNN grants (#37): 100 Mbit/s.
    let big = QosFlowBitRate {
        unit: 0x06,
        value: 100,
    };
    let greedy = vec![
        QosFlowParameter::GfbrUl(big),
        QosFlowParameter::GfbrDl(big),
        QosFlowParameter::MfbrUl(big),
        QosFlowParameter::MfbrDl(big),
    ];
    assert_eq!(ask(&mut b, 5, &[voice_rule()], &[flow(2, greedy)]), 37);
    // A match-all filter outside the default rule (#44); an IPv6 filter in an IPv4
    // session (#44).
    let all = new_rule(10, 0, vec![QosPacketFilterComponent::MatchAll]);
    assert_eq!(ask(&mut b, 5, &[all], &[voice_flow()]), 44);
    let v6 = new_rule(
        10,
        0,
        vec![QosPacketFilterComponent::Ipv6RemoteAddressPrefix {
            address: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            prefix_length: 32,
        }],
    );
    assert_eq!(ask(&mut b, 5, &[v6], &[voice_flow()]), 44);
    // A rule onto a flow that does not exist; a new flow no rule uses; the default
    // rule's precedence; deleting the default rule (#83).
    assert_eq!(ask(&mut b, 5, &[new_rule(10, 7, voice_filter())], &[]), 83);
    assert_eq!(ask(&mut b, 5, &[], &[voice_flow()]), 83);
    assert_eq!(
        ask(
            &mut b,
            5,
            &[new_rule(255, 0, voice_filter())],
            &[voice_flow()]
        ),
        83
    );
    assert_eq!(
        ask(&mut b, 5, &[QosRule::new(1, QosRuleOpCode::Delete)], &[]),
        83
    );
    // The header's PDU session ID is not the context's (#43).
    assert_eq!(ask(&mut b, 6, &[voice_rule()], &[voice_flow()]), 43);
    // Two new flows where the DNN allows one (#26).
    let second = QosFlowDescription::new(
        9,
        QosFlowOpCode::Create,
        true,
        vec![QosFlowParameter::FiveQi(9)],
    );
    assert_eq!(
        ask(
            &mut b,
            5,
            &[voice_rule(), new_rule(11, 9, voice_filter())],
            &[voice_flow(), second]
        ),
        26
    );

    // None of them reached the UPF, none left a procedure behind.
    assert_eq!(modifications_sent(&b).len(), sent);
    assert_eq!(rule_ids(&upf_session(&b, &sm_ref)), (vec![1, 2], vec![1]));
    let ctx = b.smf.context(&sm_ref).unwrap();
    assert!(ctx.modification.is_none() && ctx.qos.flows.is_empty());
    let m = b.smf.metrics();
    assert_eq!(m.value("smf_sm_pdu_sess_modification_ue_req_total"), 12);
    assert_eq!(m.value("smf_sm_pdu_sess_modification_ue_succ_total"), 0);
    assert_eq!(
        m.value("smf_sm_pdu_sess_modification_ue_fail_total{cause=\"semantic_error_in_the_qos_operation\"}"),
        6
    );
    assert_eq!(
        m.value("smf_sm_pdu_sess_modification_ue_fail_total{cause=\"unsupported_5qi_value\"}"),
        1
    );
    // A PTI the UE may not use: 5GSM STATUS #81 (TS 24.501 §7.3.1).
    let n1 = modification_request(5, 0, &[voice_rule()], &[voice_flow()]);
    assert_eq!(status_cause(updated(b.update(&sm_ref, n1_update(n1)))), 81);
    // A syntactically wrong QoS rule (its length runs past the IE): #84.
    let mut r = NasPduSessionModificationRequest::new();
    r.requested_qos_rules = Some(NasQosRules::new(vec![0x00, 0x00, 0x09, 0x21]));
    r.requested_qos_flow_descriptions =
        Some(NasQosFlowDescriptions::from_descriptions(&[voice_flow()]).unwrap());
    let answer = updated(b.update(&sm_ref, n1_update(sm(r, 5, 40))));
    assert_eq!(reject_cause(answer), 84);
    assert_eq!(modifications_sent(&b).len(), sent);
}

#[test]
fn a_command_reject_takes_the_upf_back() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    ask_for_voice(&mut b, &sm_ref, 5, 9);
    assert_eq!(rule_ids(&upf_session(&b, &sm_ref)).0.len(), 4);
    // A COMPLETE with another PTI is not this procedure's: 5GSM STATUS #47.
    let wrong = sm(NasPduSessionModificationComplete::new(), 5, 8);
    assert_eq!(
        status_cause(updated(b.update(&sm_ref, n1_update(wrong)))),
        47
    );
    let reject = sm(
        NasPduSessionModificationCommandReject::new(NasFGsmCause::new(83)),
        5,
        9,
    );
    assert!(updated(b.update(&sm_ref, n1_update(reject))).is_none());
    assert_eq!(rule_ids(&upf_session(&b, &sm_ref)), (vec![1, 2], vec![1]));
    let ctx = b.smf.context(&sm_ref).unwrap();
    assert!(ctx.modification.is_none() && ctx.qos.flows.is_empty());
    assert_eq!(ue_failures(&b, "command_rejected"), 1);
    // A late COMPLETE finds no procedure: #98.
    let late = sm(NasPduSessionModificationComplete::new(), 5, 9);
    assert_eq!(
        status_cause(updated(b.update(&sm_ref, n1_update(late)))),
        98
    );
    // And the UE may ask again.
    let u = ask_for_voice(&mut b, &sm_ref, 5, 11);
    assert_eq!(command(u.n1_sm_msg.as_deref().unwrap()).1, 11);
}

#[test]
fn a_repeated_request_gets_the_same_command_and_an_idle_session_no_n2() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    updated(b.update(&sm_ref, up_state(UpCnxState::Deactivated)));
    let sent = modifications_sent(&b).len();
    let first = ask_for_voice(&mut b, &sm_ref, 5, 9);
    assert!(
        first.n2_sm_info.is_none(),
        "no N3: the gNB learns at activation"
    );
    assert!(first.data.n2_sm_info_type.is_none());
    // The UE's T3581 sent it again: the same command, no second N4 change.
    let again = ask_for_voice(&mut b, &sm_ref, 5, 9);
    assert_eq!(again.n1_sm_msg, first.n1_sm_msg);
    assert_eq!(modifications_sent(&b).len(), sent + 1);
    // Another PTI while it runs: refused (#31).
    let n1 = modification_request(5, 12, &[voice_rule()], &[voice_flow()]);
    assert_eq!(reject_cause(updated(b.update(&sm_ref, n1_update(n1)))), 31);
}

#[test]
fn the_gnb_refusing_aborts_and_the_ue_gets_26() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    ask_for_voice(&mut b, &sm_ref, 5, 9);
    let fail = n2_update(N2SmInfoType::PduResModFail, vec![0x00]);
    assert_eq!(reject_cause(updated(b.update(&sm_ref, fail))), 26);
    assert_eq!(rule_ids(&upf_session(&b, &sm_ref)), (vec![1, 2], vec![1]));
    assert!(b.smf.context(&sm_ref).unwrap().modification.is_none());
}

#[test]
fn an_unanswering_upf_ends_the_request_with_26() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    b.upf_up = false;
    let n1 = modification_request(5, 9, &[voice_rule()], &[voice_flow()]);
    let id = b.send(ferrocore_smf::SmfRequest::Update {
        sm_context_ref: sm_ref.clone(),
        update: n1_update(n1),
    });
    assert!(!b.responses.contains_key(&id), "waits for the UPF");
    b.advance(Duration::from_secs(3 * 4 + 1));
    let r = b
        .responses
        .remove(&id)
        .expect("answered after N1 retransmissions");
    assert_eq!(reject_cause(updated(r)), 26);
    assert!(b.smf.context(&sm_ref).unwrap().modification.is_none());
    assert_eq!(ue_failures(&b, "upf_not_responding"), 1);
}

#[test]
fn network_requested_ambr_change_reaches_n4_n1_and_n2() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    let transfers = b.n1n2.len();
    let change = QosChange {
        session_ambr: Some((50_000_000, 80_000_000)),
        ..Default::default()
    };
    b.smf.modify_session(b.now, SUPI, 5, change).unwrap();
    b.pump();
    // N4: QER 1 with the new MBR.
    let m = modifications_sent(&b);
    let u = &m.last().unwrap().update_qers;
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].qer_id, 1);
    let mbr = u[0].mbr.unwrap();
    assert_eq!((mbr.uplink, mbr.downlink), (50_000, 80_000));
    let q = upf_session(&b, &sm_ref).qers[0].clone();
    assert_eq!((q.mbr_ul, q.mbr_dl), (Some(50_000), Some(80_000)));
    // N1 and N2 through N1N2MessageTransfer, PTI 0.
    assert_eq!(b.n1n2.len(), transfers + 1);
    let t = b.n1n2.last().unwrap();
    let (psi, pti, c) = command(t.n1_message.as_deref().unwrap());
    assert_eq!((psi, pti), (5, 0));
    let ambr = c.session_ambr.unwrap().parse().unwrap();
    assert_eq!((ambr.ul_kbps, ambr.dl_kbps), (50_000, 80_000));
    assert!(c.authorized_qos_rules.is_none());
    let info = t.data.n2_info_container.as_ref().unwrap().sm_info.as_ref();
    assert_eq!(
        info.unwrap().n2_info_content.as_ref().unwrap().ngap_ie_type,
        Some(NgapIeType::PduResModReq)
    );
    let n2 = ModifyRequestTransfer::decode(t.n2_info.as_deref().unwrap()).unwrap();
    let a = n2.session_ambr.unwrap();
    assert_eq!((a.uplink, a.downlink), (50_000_000, 80_000_000));
    assert!(n2.add_or_modify.is_empty());
    // A second change waits for this one.
    assert_eq!(
        b.smf.modify_session(b.now, SUPI, 5, change),
        Err(SmfError::Busy(format!("{SUPI} PDU session 5")))
    );
    updated(b.update(
        &sm_ref,
        n1_update(sm(NasPduSessionModificationComplete::new(), 5, 0)),
    ));
    let ctx = b.smf.context(&sm_ref).unwrap();
    assert_eq!((ctx.qos.ambr_ul, ctx.qos.ambr_dl), (50_000_000, 80_000_000));
    assert_eq!(
        b.smf
            .metrics()
            .value("smf_sm_pdu_sess_modification_nw_succ_total"),
        1
    );
    // Nothing to change, nothing done; bad values and unknown sessions refused.
    let n = b.n1n2.len();
    b.smf.modify_session(b.now, SUPI, 5, change).unwrap();
    b.pump();
    assert_eq!(b.n1n2.len(), n);
    let zero = QosChange {
        session_ambr: Some((0, 1)),
        ..Default::default()
    };
    assert!(matches!(
        b.smf.modify_session(b.now, SUPI, 5, zero),
        Err(SmfError::Invalid(_))
    ));
    let gbr_default = QosChange {
        default_5qi: Some(1),
        ..Default::default()
    };
    assert!(matches!(
        b.smf.modify_session(b.now, SUPI, 5, gbr_default),
        Err(SmfError::Invalid(_))
    ));
    assert!(matches!(
        b.smf.modify_session(b.now, SUPI, 9, change),
        Err(SmfError::UnknownContext(_))
    ));
}

#[test]
fn default_flow_5qi_change_goes_to_the_ue_and_the_gnb() {
    let mut b = Bench::new();
    active_session(&mut b, 5);
    let change = QosChange {
        default_5qi: Some(8),
        default_arp_priority: Some(4),
        ..Default::default()
    };
    let n4 = modifications_sent(&b).len();
    b.smf.modify_session(b.now, SUPI, 5, change).unwrap();
    b.pump();
    assert_eq!(modifications_sent(&b).len(), n4, "the UPF holds no 5QI");
    let t = b.n1n2.last().unwrap();
    let (_, _, c) = command(t.n1_message.as_deref().unwrap());
    let flows = c
        .authorized_qos_flow_descriptions
        .unwrap()
        .try_descriptions()
        .unwrap();
    assert_eq!((flows[0].qfi, flows[0].op_code), (1, QosFlowOpCode::Modify));
    assert_eq!(flows[0].params, vec![QosFlowParameter::FiveQi(8)]);
    let n2 = ModifyRequestTransfer::decode(t.n2_info.as_deref().unwrap()).unwrap();
    let f = n2.add_or_modify[0];
    assert_eq!((f.qfi, f.five_qi, f.arp_priority), (1, 8, 4));
}

#[test]
fn t3591_sends_the_command_again_then_gives_up_and_reverts() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    let change = QosChange {
        session_ambr: Some((10_000_000, 20_000_000)),
        ..Default::default()
    };
    b.smf.modify_session(b.now, SUPI, 5, change).unwrap();
    b.pump();
    let first = b.n1n2.len();
    let command_n1 = b.n1n2[first - 1].n1_message.clone();
    // T3591 is 16 s: four retransmissions, N1 only, the same command.
    b.advance(Duration::from_secs(16 * 4 + 1));
    assert_eq!(b.n1n2.len(), first + 4);
    for t in &b.n1n2[first..] {
        assert_eq!(t.n1_message, command_n1);
        assert!(t.n2_info.is_none());
    }
    assert_eq!(upf_session(&b, &sm_ref).qers[0].mbr_ul, Some(10_000));
    // The fifth expiry aborts: the UPF goes back to the Session-AMBR before.
    b.advance(Duration::from_secs(16));
    assert_eq!(b.n1n2.len(), first + 4);
    let q = upf_session(&b, &sm_ref).qers[0].clone();
    assert_eq!((q.mbr_ul, q.mbr_dl), (Some(100_000), Some(200_000)));
    let ctx = b.smf.context(&sm_ref).unwrap();
    assert!(ctx.modification.is_none());
    assert_eq!(ctx.qos.ambr_ul, 100_000_000);
    let m = b.smf.metrics();
    assert_eq!(m.value("smf_nas_retransmissions_total{timer=\"t3591\"}"), 4);
    assert_eq!(m.value("smf_nas_timeouts_total{timer=\"t3591\"}"), 1);
    assert_eq!(
        m.value("smf_sm_pdu_sess_modification_nw_fail_total{cause=\"t3591_expired\"}"),
        1
    );
    // The session lives on and can be modified again.
    b.smf.modify_session(b.now, SUPI, 5, change).unwrap();
}

#[test]
fn a_release_during_a_modification_ends_it() {
    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    ask_for_voice(&mut b, &sm_ref, 5, 9);
    let rel = sm(NasPduSessionReleaseRequest::new(), 5, 12);
    let u = updated(b.update(&sm_ref, n1_update(rel))).unwrap();
    assert!(matches!(
        decode_sm(u.n1_sm_msg.as_deref().unwrap()).2,
        Nas5gsmMessage::PduSessionReleaseCommand(_)
    ));
    assert!(b.upf.sessions().next().is_none());
    let n = b.n1n2.len();
    b.advance(Duration::from_secs(17));
    // Only T3592's retransmission of the release command; no modification command.
    assert_eq!(b.n1n2.len(), n + 1);
    assert!(matches!(
        decode_sm(b.n1n2[n].n1_message.as_deref().unwrap()).2,
        Nas5gsmMessage::PduSessionReleaseCommand(_)
    ));
    assert_eq!(ue_failures(&b, "released"), 1);
}

#[test]
fn garbled_requests_never_harm_the_engine_or_other_sessions() {
    let mut b = Bench::new();
    let other = active_session(&mut b, 6);
    voice_flow_added(&mut b, &other, 6, 3);
    let other_rules = rule_ids(&upf_session(&b, &other));
    let other_qos = b.smf.context(&other).unwrap().qos.clone();

    let sm_ref = active_session(&mut b, 5);
    let valid = modification_request(5, 9, &[voice_rule()], &[voice_flow()]);
    let mut inputs: Vec<Vec<u8>> = (0..valid.len()).map(|n| valid[..n].to_vec()).collect();
    // A message type that does not exist (5GSM STATUS #97, TS 24.501 §7.4), an IE whose
    // length runs past the message.
    inputs.push(vec![0x2e, 5, 9, 0xff]);
    inputs.push(vec![0x2e, 5, 9, 0xc9, 0x7a, 0x00, 0x40, 0x01]);
    // Lying lengths and flipped bits in the QoS IEs.
    for i in 4..valid.len() {
        for x in [0xff, 0x00, 0x80] {
            let mut v = valid.clone();
            v[i] ^= x;
            inputs.push(v);
        }
    }
    // Answers by kind: 5GSM STATUS, REJECT, COMMAND, nothing, an error to the AMF.
    let mut seen = [0usize; 5];
    for n1 in inputs {
        match b.update(&sm_ref, n1_update(n1.clone())) {
            SmfResponse::Updated(Ok(Some(u))) => {
                // Whatever the SMF says to the UE decodes.
                let (_, _, m) = decode_sm(u.n1_sm_msg.as_deref().expect("N1"));
                let kind = match m {
                    Nas5gsmMessage::FiveGsmStatus(_) => 0,
                    Nas5gsmMessage::PduSessionModificationReject(_) => 1,
                    Nas5gsmMessage::PduSessionModificationCommand(_) => 2,
                    m => panic!("{n1:02x?}: {m:?}"),
                };
                seen[kind] += 1;
            }
            SmfResponse::Updated(Ok(None)) => seen[3] += 1,
            // Too short to be a 5GSM message: refused to the AMF.
            SmfResponse::Updated(Err(e)) => {
                assert_eq!(e.status(), 400, "{n1:02x?}: {e:?}");
                seen[4] += 1;
            }
            other => panic!("{other:?}"),
        }
        // Whatever was started is ended, so that the next input meets a quiet session.
        if let Some(c) = b.smf.context(&sm_ref)
            && let Some(m) = &c.modification
        {
            let pti = m.pti;
            let rej = sm(
                NasPduSessionModificationCommandReject::new(NasFGsmCause::new(31)),
                5,
                pti,
            );
            updated(b.update(&sm_ref, n1_update(rej)));
        }
    }
    assert!(seen[0] > 0 && seen[1] > 0 && seen[2] > 0, "{seen:?}");
    assert_eq!(rule_ids(&upf_session(&b, &other)), other_rules);
    assert_eq!(b.smf.context(&other).unwrap().qos, other_qos);
    assert_eq!(b.smf.sessions(), 2);
}

/// An IPv4 / UDP packet (checksums left 0: the data plane reads the 5-tuple).
fn ipv4_udp(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16) -> Vec<u8> {
    let mut p = vec![0x45, 0, 0, 36, 0, 0, 0x40, 0, 64, 17, 0, 0];
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&[0, 16, 0, 0]);
    p.extend_from_slice(b"voice!!!");
    p
}

/// An uplink G-PDU to `teid` with a PDU Session Container (TS 38.415) of QFI `qfi`.
fn uplink_gpdu(teid: u32, qfi: u8, inner: &[u8]) -> Vec<u8> {
    let mut v = vec![0x34, 0xff, 0, 0];
    v.extend_from_slice(&teid.to_be_bytes());
    v.extend_from_slice(&[0, 0, 0, 0x85, 1, 0x10, qfi, 0]);
    v.extend_from_slice(inner);
    let len = (v.len() - 8) as u16;
    v[2..4].copy_from_slice(&len.to_be_bytes());
    v
}

#[test]
fn the_new_flow_carries_its_packets_through_the_upf() {
    use ferrocore_upf::{DL_HEADROOM, Dataplane, DropReason, UpfConfig, Verdict};
    use std::net::{IpAddr, SocketAddr};

    let mut b = Bench::new();
    let sm_ref = active_session(&mut b, 5);
    voice_flow_added(&mut b, &sm_ref, 5, 9);
    let ctx = b.smf.context(&sm_ref).unwrap().clone();
    let ue = ctx.ipv4.unwrap().octets();
    let teid = ctx.ul_teid.unwrap().0;
    let cfg = UpfConfig::new(
        upf_addr().ip(),
        std::net::Ipv4Addr::new(127, 0, 0, 2),
        UPF_TS,
    );
    let mut dp = Dataplane::new(cfg.dataplane());
    let table = b.upf.publish().expect("a table");

    // Downlink: the peer's RTP goes out on QFI 2, anything else on the default QFI 1.
    let mut qfi_of = |src: [u8; 4], sport: u16| {
        let mut frame = vec![0u8; DL_HEADROOM];
        frame.extend_from_slice(&ipv4_udp(src, ue, sport, 4000));
        match dp.handle_n6(&table, b.now, &mut frame) {
            Verdict::N3 { dst, range } => {
                assert_eq!(dst, SocketAddr::new(IpAddr::V4([10, 0, 1, 9].into()), 2152));
                // G-PDU header (8), sequence / N-PDU / next type (4), then the PDU
                // Session Container: length, PDU type, QFI.
                frame[range][14] & 0x3f
            }
            v => panic!("{v:?}"),
        }
    };
    assert_eq!(qfi_of([198, 51, 100, 10], 5004), 2);
    assert_eq!(
        qfi_of([198, 51, 100, 10], 6000),
        1,
        "port outside the filter"
    );
    assert_eq!(qfi_of([8, 8, 8, 8], 5004), 1);

    // Uplink: QFI 2 is taken for the peer's ports only; QFI 1 for anything.
    let gnb = SocketAddr::new(IpAddr::V4([10, 0, 1, 9].into()), 2152);
    let mut up = |qfi: u8, dst: [u8; 4], dport: u16| {
        let mut buf = uplink_gpdu(teid, qfi, &ipv4_udp(ue, dst, 4000, dport));
        let len = buf.len();
        buf.resize(2048, 0);
        dp.handle_n3(&table, b.now, gnb, &mut buf, len)
    };
    assert!(matches!(
        up(2, [198, 51, 100, 10], 5004),
        Verdict::N6 { .. }
    ));
    assert!(matches!(up(1, [8, 8, 8, 8], 53), Verdict::N6 { .. }));
    assert_eq!(
        up(2, [8, 8, 8, 8], 53),
        Verdict::Drop(DropReason::NoPdr),
        "QFI 2 outside its filters"
    );
}
