//! A UE's PDU SESSION MODIFICATION REQUEST (TS 24.501 §8.3.7) read as QoS operations on
//! the session (TS 24.501 §6.4.2.1, TS 23.502 §4.3.3.2) and authorized by the DNN's
//! local policy, in place of a PCF: the [`SessionQos`] the network would install, or the
//! 5GSM cause of the PDU SESSION MODIFICATION REJECT (§6.4.2.4).
//!
//! What a UE may ask for:
//! - a new QoS flow: a QoS flow description "create new" (its QFI 0, "no QoS flow
//!   identifier assigned", or a QFI of the UE's choosing that only ties it to the
//!   request's rules) with a 5QI the DNN allows, and GFBR and MFBR both ways for a GBR
//!   5QI; the network assigns the QFI;
//! - new QoS rules ("create new QoS rule") with packet filters onto a new or existing
//!   flow; the network assigns the rule and packet filter identifiers;
//! - changed parameters of a non-default flow ("modify"), and the deletion of
//!   non-default flows and rules. A flow left without rules goes with them.
//!
//! The default QoS rule and flow are the network's: operations on them are semantic
//! errors (#83), like references to flows or rules that do not exist.

use ferrocore_nas::types::{
    NasPduSessionModificationRequest, QosFlowDescription, QosFlowOpCode, QosFlowParameter,
    QosPacketFilter, QosRule, QosRuleOpCode,
};

use super::filter::PacketFilter;
use super::{
    DEFAULT_FILTER_ID, DEFAULT_PRECEDENCE, DEFAULT_QFI, DEFAULT_RULE_ID, GbrRates, QosFlow,
    SessionQos, SessionRule, is_gbr_5qi,
};
use crate::n1n2::cause;

/// The local policy of a DNN for UE-requested QoS.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy<'a> {
    /// 5QIs a UE may ask for.
    pub five_qis: &'a [u8],
    /// Non-default QoS flows a session may have.
    pub max_flows: usize,
    /// Highest GFBR / MFBR per flow and direction, bit/s.
    pub max_bit_rate: u64,
}

/// A request the network does not carry out: the 5GSM cause for the UE and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub cause: u8,
    pub why: &'static str,
}

fn refuse<T>(cause: u8, why: &'static str) -> Result<T, Refusal> {
    Err(Refusal { cause, why })
}

/// The highest QFI (6 bits).
const MAX_QFI: u8 = 63;
/// The highest packet filter identifier (4 bits).
const MAX_FILTER_ID: u8 = 15;

/// The session's QoS after the UE's request, or why not. `v4` / `v6`: the session's
/// address families (what its packet filters may name).
pub(crate) fn authorize(
    current: &SessionQos,
    req: &NasPduSessionModificationRequest,
    v4: bool,
    v6: bool,
    policy: &Policy<'_>,
) -> Result<SessionQos, Refusal> {
    let descriptions = match &req.requested_qos_flow_descriptions {
        None => Vec::new(),
        Some(ie) => ie
            .parse_descriptions()
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .or_else(|e| {
                refuse(
                    e.gsm_cause() as u8,
                    "a requested QoS flow description does not decode",
                )
            })?,
    };
    let rules = match &req.requested_qos_rules {
        None => Vec::new(),
        Some(ie) => ie
            .parse_rules()
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .or_else(|e| {
                refuse(
                    e.error.gsm_cause() as u8,
                    "a requested QoS rule does not decode",
                )
            })?,
    };
    let mut target = current.clone();
    // The QFI each new flow got, by the QFI the UE gave it in its request.
    let mut new_flows: Vec<(u8, u8)> = Vec::new();
    for d in &descriptions {
        flow_operation(current, &mut target, &mut new_flows, d, policy)?;
    }
    for r in &rules {
        rule_operation(current, &mut target, &new_flows, r, v4, v6)?;
    }
    for (_, qfi) in &new_flows {
        if !target.rules.iter().any(|r| r.qfi == *qfi) {
            return refuse(
                cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
                "a new QoS flow that no QoS rule uses",
            );
        }
    }
    // A flow whose rules are all gone goes with them.
    let used: Vec<u8> = target.rules.iter().map(|r| r.qfi).collect();
    target.flows.retain(|f| used.contains(&f.qfi));
    if target.flows.len() > policy.max_flows && target.flows.len() > current.flows.len() {
        return refuse(
            cause::INSUFFICIENT_RESOURCES,
            "the session has as many QoS flows as the DNN allows",
        );
    }
    target.flows.sort_by_key(|f| f.qfi);
    target.rules.sort_by_key(|r| r.id);
    Ok(target)
}

fn flow_operation(
    current: &SessionQos,
    target: &mut SessionQos,
    new_flows: &mut Vec<(u8, u8)>,
    d: &QosFlowDescription,
    policy: &Policy<'_>,
) -> Result<(), Refusal> {
    let existing = (d.qfi != DEFAULT_QFI)
        .then(|| current.flow(d.qfi))
        .flatten();
    match d.op_code {
        QosFlowOpCode::Create => {
            if d.qfi == DEFAULT_QFI || existing.is_some() {
                return refuse(
                    cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
                    "creates a QoS flow that exists",
                );
            }
            if new_flows.iter().any(|(label, _)| *label == d.qfi) {
                return refuse(
                    cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
                    "two new QoS flows with one QFI",
                );
            }
            let (five_qi, gbr) = flow_parameters(&d.params, None, policy)?;
            let Some(qfi) = (DEFAULT_QFI + 1..=MAX_QFI).find(|q| target.flow(*q).is_none()) else {
                return refuse(cause::INSUFFICIENT_RESOURCES, "no QFI left");
            };
            target.flows.push(QosFlow {
                qfi,
                five_qi,
                arp_priority: current.arp_priority,
                gbr,
            });
            new_flows.push((d.qfi, qfi));
        }
        QosFlowOpCode::Modify => {
            let Some(old) = existing.filter(|_| target.flow(d.qfi).is_some()) else {
                return refuse(
                    cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
                    "modifies a QoS flow that is not a non-default flow of the session",
                );
            };
            let base = (!d.e_flag).then_some(old);
            let (five_qi, gbr) = flow_parameters(&d.params, base, policy)?;
            if let Some(f) = target.flows.iter_mut().find(|f| f.qfi == d.qfi) {
                f.five_qi = five_qi;
                f.gbr = gbr;
            }
        }
        QosFlowOpCode::Delete => {
            if existing.is_none() {
                return refuse(
                    cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
                    "deletes a QoS flow that is not a non-default flow of the session",
                );
            }
            target.flows.retain(|f| f.qfi != d.qfi);
            target.rules.retain(|r| r.qfi != d.qfi);
        }
        _ => {
            return refuse(
                cause::SYNTACTICAL_ERROR_IN_QOS_OPERATION,
                "a reserved QoS flow operation",
            );
        }
    }
    Ok(())
}

/// 5QI and GBR rates of a flow from its parameters (`base`: the flow they extend).
fn flow_parameters(
    params: &[QosFlowParameter],
    base: Option<&QosFlow>,
    policy: &Policy<'_>,
) -> Result<(u8, Option<GbrRates>), Refusal> {
    let mut five_qi = base.map(|f| f.five_qi);
    let b = base.and_then(|f| f.gbr);
    let mut rates = [
        b.map(|g| g.gfbr_ul),
        b.map(|g| g.gfbr_dl),
        b.map(|g| g.mfbr_ul),
        b.map(|g| g.mfbr_dl),
    ];
    for p in params {
        let (slot, rate) = match p {
            QosFlowParameter::FiveQi(v) => {
                five_qi = Some(*v);
                continue;
            }
            QosFlowParameter::GfbrUl(r) => (0, r),
            QosFlowParameter::GfbrDl(r) => (1, r),
            QosFlowParameter::MfbrUl(r) => (2, r),
            QosFlowParameter::MfbrDl(r) => (3, r),
            // Averaging window, EPS bearer identity and unknown parameters: not used.
            _ => continue,
        };
        let Some(kbps) = rate.kbps() else {
            return refuse(
                cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
                "a flow bit rate in an unknown unit",
            );
        };
        rates[slot] = Some(kbps.saturating_mul(1000));
    }
    let Some(five_qi) = five_qi else {
        return refuse(
            cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
            "a new QoS flow without a 5QI",
        );
    };
    if !policy.five_qis.contains(&five_qi) {
        return refuse(cause::UNSUPPORTED_5QI_VALUE, "a 5QI the DNN does not offer");
    }
    if !is_gbr_5qi(five_qi) {
        // GFBR and MFBR are not parameters of a non-GBR flow (TS 23.501 §5.7.2.5).
        return Ok((five_qi, None));
    }
    let [Some(gfbr_ul), Some(gfbr_dl), Some(mfbr_ul), Some(mfbr_dl)] = rates else {
        return refuse(
            cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
            "a GBR QoS flow without GFBR and MFBR both ways",
        );
    };
    if mfbr_ul < gfbr_ul || mfbr_dl < gfbr_dl {
        return refuse(
            cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
            "an MFBR below the GFBR",
        );
    }
    if [gfbr_ul, gfbr_dl, mfbr_ul, mfbr_dl]
        .iter()
        .any(|r| *r > policy.max_bit_rate)
    {
        return refuse(
            cause::QOS_NOT_ACCEPTED,
            "a flow bit rate above what the DNN grants",
        );
    }
    Ok((
        five_qi,
        Some(GbrRates {
            gfbr_ul,
            gfbr_dl,
            mfbr_ul,
            mfbr_dl,
        }),
    ))
}

fn rule_operation(
    current: &SessionQos,
    target: &mut SessionQos,
    new_flows: &[(u8, u8)],
    r: &QosRule,
    v4: bool,
    v6: bool,
) -> Result<(), Refusal> {
    match r.op_code {
        QosRuleOpCode::Create => {
            if r.dqr {
                return refuse(
                    cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
                    "a second default QoS rule",
                );
            }
            if r.rule_id == DEFAULT_RULE_ID || current.rule(r.rule_id).is_some() {
                return refuse(
                    cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
                    "creates a QoS rule that exists",
                );
            }
            let label = r.qfi.unwrap_or(0);
            let qfi = match new_flows.iter().find(|(l, _)| *l == label) {
                Some((_, q)) => *q,
                None if label == DEFAULT_QFI || target.flow(label).is_some() => label,
                None => {
                    return refuse(
                        cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
                        "a QoS rule onto a QoS flow that does not exist",
                    );
                }
            };
            let precedence = r.precedence.unwrap_or(DEFAULT_PRECEDENCE);
            if precedence == DEFAULT_PRECEDENCE
                || target.rules.iter().any(|x| x.precedence == precedence)
            {
                return refuse(
                    cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
                    "a QoS rule precedence another rule has",
                );
            }
            if r.packet_filters.is_empty() {
                return refuse(
                    cause::SEMANTIC_ERRORS_IN_PACKET_FILTERS,
                    "a new QoS rule without packet filters",
                );
            }
            let mut filters = Vec::with_capacity(r.packet_filters.len());
            for pf in &r.packet_filters {
                let QosPacketFilter::Match {
                    direction,
                    components,
                    ..
                } = pf
                else {
                    return refuse(
                        cause::SYNTACTICAL_ERROR_IN_PACKET_FILTERS,
                        "a packet filter without components",
                    );
                };
                let taken = |id: u8| {
                    id == DEFAULT_FILTER_ID
                        || filters.iter().any(|f: &PacketFilter| f.id == id)
                        || target
                            .rules
                            .iter()
                            .any(|x| x.filters.iter().any(|f| f.id == id))
                };
                let Some(id) = (1..=MAX_FILTER_ID).find(|id| !taken(*id)) else {
                    return refuse(
                        cause::INSUFFICIENT_RESOURCES,
                        "no packet filter identifier left",
                    );
                };
                let f =
                    PacketFilter::from_nas(id, *direction, components, v4, v6).or_else(|e| {
                        tracing::debug!(error = %e, "requested packet filter refused");
                        refuse(
                            cause::SEMANTIC_ERRORS_IN_PACKET_FILTERS,
                            "a packet filter the session cannot apply",
                        )
                    })?;
                filters.push(f);
            }
            let Some(id) = (DEFAULT_RULE_ID + 1..=u8::MAX).find(|id| target.rule(*id).is_none())
            else {
                return refuse(cause::INSUFFICIENT_RESOURCES, "no QoS rule identifier left");
            };
            target.rules.push(SessionRule {
                id,
                precedence,
                qfi,
                filters,
            });
        }
        QosRuleOpCode::Delete => {
            if r.rule_id == DEFAULT_RULE_ID || current.rule(r.rule_id).is_none() {
                return refuse(
                    cause::SEMANTIC_ERROR_IN_QOS_OPERATION,
                    "deletes a QoS rule that is not a non-default rule of the session",
                );
            }
            target.rules.retain(|x| x.id != r.rule_id);
        }
        _ => {
            return refuse(
                cause::REQUEST_REJECTED_UNSPECIFIED,
                "changes to an existing QoS rule are not supported",
            );
        }
    }
    Ok(())
}
