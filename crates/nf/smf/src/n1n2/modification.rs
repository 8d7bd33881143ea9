//! The messages of a PDU session modification, built from the QoS before and after it
//! ([`crate::qos::delta`]): PDU SESSION MODIFICATION COMMAND (TS 24.501 §8.3.9) and
//! REJECT (§8.3.8) for the UE, PDU Session Resource Modify Request Transfer (TS 38.413
//! §9.3.4.3) for the gNB.

use ferrocore_nas::types::{
    NasPduSessionModificationCommand, NasPduSessionModificationReject, NasQosFlowDescriptions,
    NasQosRules, QosFlowBitRate, QosFlowDescription, QosFlowOpCode, QosFlowParameter, QosRule,
    QosRuleOpCode,
};
use ferrocore_ngap::transfer::{Ambr, GbrQosInfo, ModifyRequestTransfer, QosFlowRequest, Transfer};
use ferrocore_ngap::{Cause, CauseNas};

use super::{BuildError, cause_ie, rate_units, session_ambr_ie, sm, value_err};
use crate::qos::{DEFAULT_QFI, QosFlow, SessionQos, SessionRule, delta};

fn bit_rate(bps: u64) -> QosFlowBitRate {
    let (unit, value) = rate_units(bps);
    QosFlowBitRate { unit, value }
}

/// The parameters of a QoS flow description (TS 24.501 §9.11.4.12): 5QI, and GFBR /
/// MFBR of a GBR flow.
fn flow_parameters(five_qi: u8, f: Option<&QosFlow>) -> Vec<QosFlowParameter> {
    let mut p = vec![QosFlowParameter::FiveQi(five_qi)];
    if let Some(g) = f.and_then(|f| f.gbr) {
        p.extend([
            QosFlowParameter::GfbrUl(bit_rate(g.gfbr_ul)),
            QosFlowParameter::GfbrDl(bit_rate(g.gfbr_dl)),
            QosFlowParameter::MfbrUl(bit_rate(g.mfbr_ul)),
            QosFlowParameter::MfbrDl(bit_rate(g.mfbr_dl)),
        ]);
    }
    p
}

fn created_rule(r: &SessionRule) -> QosRule {
    QosRule::new(r.id, QosRuleOpCode::Create)
        .with_packet_filters(r.filters.iter().map(|f| f.to_nas()).collect())
        .with_precedence(r.precedence)
        .with_qfi(r.qfi)
}

/// PDU SESSION MODIFICATION COMMAND (TS 24.501 §8.3.9, procedure §6.3.2.2) taking the UE
/// from `before` to `after`: the Session-AMBR if it changes, the authorized QoS rules
/// created and deleted, the authorized QoS flow descriptions created, modified (with
/// all their parameters: E bit set) and deleted. `pti` 0 for a network-requested
/// modification, the request's for a UE-requested one.
pub(crate) fn command(
    psi: u8,
    pti: u8,
    before: &SessionQos,
    after: &SessionQos,
) -> Result<Vec<u8>, BuildError> {
    let d = delta(before, after);
    let mut c = NasPduSessionModificationCommand::new();
    if d.ambr {
        c.session_ambr = Some(session_ambr_ie(after.ambr_ul, after.ambr_dl));
    }
    let rules: Vec<QosRule> = d
        .added_rules
        .iter()
        .map(|r| created_rule(r))
        .chain(
            d.removed_rules
                .iter()
                .map(|r| QosRule::new(r.id, QosRuleOpCode::Delete)),
        )
        .collect();
    if !rules.is_empty() {
        c.authorized_qos_rules = Some(NasQosRules::from_rules(&rules).map_err(value_err)?);
    }
    let mut flows = Vec::new();
    if d.default_flow {
        flows.push(QosFlowDescription::new(
            DEFAULT_QFI,
            QosFlowOpCode::Modify,
            true,
            flow_parameters(after.five_qi, None),
        ));
    }
    for (op, list) in [
        (QosFlowOpCode::Create, &d.added_flows),
        (QosFlowOpCode::Modify, &d.changed_flows),
    ] {
        flows.extend(list.iter().map(|f| {
            QosFlowDescription::new(f.qfi, op, true, flow_parameters(f.five_qi, Some(f)))
        }));
    }
    flows.extend(
        d.removed_flows
            .iter()
            .map(|q| QosFlowDescription::new(*q, QosFlowOpCode::Delete, false, vec![])),
    );
    if !flows.is_empty() {
        c.authorized_qos_flow_descriptions =
            Some(NasQosFlowDescriptions::from_descriptions(&flows).map_err(value_err)?);
    }
    sm(c, psi, pti)
}

/// PDU SESSION MODIFICATION REJECT (TS 24.501 §8.3.8, procedure §6.4.2.4).
pub(crate) fn reject(psi: u8, pti: u8, cause: u8) -> Result<Vec<u8>, BuildError> {
    sm(
        NasPduSessionModificationReject::new(cause_ie(cause)),
        psi,
        pti,
    )
}

/// The QoS Flow Setup / Add or Modify Request items of every flow of `q` (TS 38.413
/// §9.3.4.1, §9.3.4.3), the default flow first.
pub(crate) fn flow_requests(q: &SessionQos) -> Vec<QosFlowRequest> {
    std::iter::once(default_flow_request(q))
        .chain(q.flows.iter().map(flow_request))
        .collect()
}

/// The default QoS flow: a non-GBR 5QI (the DNN's policy admits no other).
fn default_flow_request(q: &SessionQos) -> QosFlowRequest {
    QosFlowRequest {
        qfi: DEFAULT_QFI,
        five_qi: q.five_qi,
        arp_priority: q.arp_priority,
        gbr: None,
    }
}

/// A non-default flow; a GBR one with its GBR QoS Flow Information (TS 38.413
/// §9.3.1.10: MFBR and GFBR per direction, no notification control, no maximum packet
/// loss rate).
fn flow_request(f: &QosFlow) -> QosFlowRequest {
    QosFlowRequest {
        qfi: f.qfi,
        five_qi: f.five_qi,
        arp_priority: f.arp_priority,
        gbr: f.gbr.map(|g| GbrQosInfo {
            mfbr_dl: g.mfbr_dl,
            mfbr_ul: g.mfbr_ul,
            gfbr_dl: g.gfbr_dl,
            gfbr_ul: g.gfbr_ul,
            notification_control: false,
            max_packet_loss_dl: None,
            max_packet_loss_ul: None,
        }),
    }
}

/// PDU Session Resource Modify Request Transfer (TS 38.413 §9.3.4.3) taking the gNB from
/// `before` to `after`: the PDU Session Aggregate Maximum Bit Rate if it changes, the
/// QoS flows added or modified, those released (cause: NAS normal release). `None`
/// when the gNB has nothing to change.
pub(crate) fn modify_request_transfer(
    before: &SessionQos,
    after: &SessionQos,
) -> Result<Option<Vec<u8>>, BuildError> {
    let d = delta(before, after);
    if !d.touches_ran() {
        return Ok(None);
    }
    let mut add_or_modify: Vec<QosFlowRequest> = Vec::new();
    if d.default_flow {
        add_or_modify.push(default_flow_request(after));
    }
    add_or_modify.extend(d.added_flows.iter().map(|f| flow_request(f)));
    add_or_modify.extend(d.changed_flows.iter().map(|f| flow_request(f)));
    let t = ModifyRequestTransfer {
        session_ambr: d.ambr.then_some(Ambr {
            downlink: after.ambr_dl,
            uplink: after.ambr_ul,
        }),
        add_or_modify,
        release: d
            .removed_flows
            .iter()
            .map(|q| (*q, Cause::nas(CauseNas::normal_release)))
            .collect(),
    };
    Ok(Some(t.encode()?))
}
