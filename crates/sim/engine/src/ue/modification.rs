//! PDU session modification at the UE (TS 24.501 §6.3.2, §6.4.2): the UE's PDU SESSION
//! MODIFICATION REQUEST for one more QoS flow (T3581), the network's PDU SESSION
//! MODIFICATION COMMAND (answering that request, or of its own with PTI 0) checked and
//! applied to the session's QoS rules, then COMPLETE or COMMAND REJECT, and PDU SESSION
//! MODIFICATION REJECT.

use std::net::IpAddr;
use std::time::Instant;

use ferrocore_nas::NasMessage;
use ferrocore_nas::types::{
    NasFGsmCause, NasPduSessionModificationCommand, NasPduSessionModificationCommandReject,
    NasPduSessionModificationComplete, NasPduSessionModificationRequest, NasQosFlowDescriptions,
    NasQosRules, QosFlowDescription, QosFlowOpCode, QosFlowParameter, QosPacketFilter,
    QosPacketFilterComponent, QosPacketFilterDirection, QosRule, QosRuleOpCode,
};
use tracing::{info, warn};

use super::build::Protection;
use super::sm::{CAUSE_INVALID_PSI, CAUSE_PTI_MISMATCH, SessionState, T358X, ul_transport};
use super::{Ue, UeOutput};
use crate::session::{FlowFilter, Modification, ModificationRequest, SessionFailure};

/// "No QoS rule identifier assigned" / "no QoS flow identifier assigned" / the packet
/// filter identifier of a UE's new rule (TS 24.501 Table 9.11.4.13.1, §9.11.4.12).
const NONE_ASSIGNED: u8 = 0;

/// The packet filter components of `f` (TS 24.501 Table 9.11.4.13.1): remote address
/// (a host: /32 or /128), protocol, remote port; match-all when none is set.
fn components(f: &FlowFilter) -> Vec<QosPacketFilterComponent> {
    let mut c = Vec::new();
    match f.remote {
        Some(IpAddr::V4(a)) => c.push(QosPacketFilterComponent::Ipv4RemoteAddress {
            address: a.octets(),
            mask: [0xff; 4],
        }),
        Some(IpAddr::V6(a)) => c.push(QosPacketFilterComponent::Ipv6RemoteAddressPrefix {
            address: a.octets(),
            prefix_length: 128,
        }),
        None => {}
    }
    if let Some(p) = f.protocol {
        c.push(QosPacketFilterComponent::ProtocolIdentifierOrNextHeader(p));
    }
    if let Some(p) = f.remote_port {
        c.push(QosPacketFilterComponent::SingleRemotePort(p));
    }
    if c.is_empty() {
        c.push(QosPacketFilterComponent::MatchAll);
    }
    c
}

/// The PDU SESSION MODIFICATION REQUEST of `r` (TS 24.501 §8.3.7, §6.4.2.2): requested
/// QoS rules with one new rule (no rule identifier or QFI assigned yet, its precedence,
/// one bidirectional packet filter) and requested QoS flow descriptions with the new flow's
/// 5QI.
fn modification_request(
    r: &ModificationRequest,
    pti: u8,
) -> Result<NasMessage, crate::error::SimError> {
    fn value(e: impl std::fmt::Display) -> crate::error::SimError {
        crate::error::SimError::Config(format!("requested QoS: {e}"))
    }
    let rule = QosRule::new(NONE_ASSIGNED, QosRuleOpCode::Create)
        .with_packet_filters(vec![QosPacketFilter::Match {
            direction: QosPacketFilterDirection::Bidirectional,
            identifier: NONE_ASSIGNED,
            components: components(&r.filter),
        }])
        .with_precedence(r.precedence)
        .with_qfi(NONE_ASSIGNED)
        .with_segregation(false);
    let flow = QosFlowDescription::new(
        NONE_ASSIGNED,
        QosFlowOpCode::Create,
        true,
        vec![QosFlowParameter::FiveQi(r.five_qi)],
    );
    let m = NasPduSessionModificationRequest::new()
        .with_requested_qos_rules(NasQosRules::from_rules(&[rule]).map_err(value)?)
        .with_requested_qos_flow_descriptions(
            NasQosFlowDescriptions::from_descriptions(&[flow]).map_err(value)?,
        );
    Ok(NasMessage::sm(m, r.psi, pti))
}

impl Ue {
    /// UE-requested PDU session modification (TS 24.501 §6.4.2.2): PDU SESSION
    /// MODIFICATION REQUEST for an active session, T3581; an idle UE comes back with a
    /// service request first. A session that is not active, or already being modified,
    /// is refused without signalling.
    pub(crate) fn modify_session(&mut self, now: Instant, request: ModificationRequest) {
        let span = self.span.clone();
        let _g = span.enter();
        let psi = request.psi;
        let refuse = |ue: &mut Ue, why: String| {
            ue.outputs.push_back(UeOutput::ModificationFailed {
                psi,
                cause: SessionFailure::Refused(why),
            });
        };
        match self.session(psi).map(|s| s.state()) {
            Some(SessionState::Active) => {}
            other => return refuse(self, format!("PSI {psi} is {other:?}")),
        }
        let pti = self.allocate_pti();
        let sm = match modification_request(&request, pti) {
            Ok(m) => m,
            Err(e) => return refuse(self, e.to_string()),
        };
        let Some(transport) = ul_transport(sm, psi) else {
            return refuse(self, "UL NAS TRANSPORT does not encode".into());
        };
        let Some(s) = self.sessions.iter_mut().find(|s| s.psi() == psi) else {
            return;
        };
        s.state = SessionState::ModificationPending;
        s.pti = pti;
        s.pending = Some(transport.clone());
        s.deadline = Some(now + T358X);
        s.attempts = 1;
        info!(
            psi,
            pti,
            five_qi = request.five_qi,
            "PDU SESSION MODIFICATION REQUEST"
        );
        self.send_transport(now, transport);
    }

    /// PDU SESSION MODIFICATION COMMAND (TS 24.501 §6.3.2.3, and §6.4.2.3 in answer to the
    /// UE's request, same PTI): the authorized QoS rules and flow descriptions are checked
    /// and applied, the session-AMBR taken; PDU SESSION MODIFICATION COMPLETE. A command
    /// whose QoS operations are wrong is refused with PDU SESSION MODIFICATION COMMAND
    /// REJECT and the cause of §6.3.2.4, the session unchanged. A command for no session
    /// is answered with #43, one with a PTI of no request of the UE with 5GSM STATUS #47
    /// (§7.3.1).
    pub(super) fn on_modification_command(
        &mut self,
        now: Instant,
        psi: u8,
        pti: u8,
        c: &NasPduSessionModificationCommand,
    ) {
        let Some(s) = self.sessions.iter_mut().find(|s| s.psi() == psi) else {
            self.send_command_reject(psi, pti, CAUSE_INVALID_PSI);
            return;
        };
        let ue_requested = pti != 0;
        if ue_requested && !(s.state == SessionState::ModificationPending && s.pti == pti) {
            warn!(psi, pti, "MODIFICATION COMMAND for no request of the UE");
            self.sm_status(psi, pti, CAUSE_PTI_MISMATCH);
            return;
        }
        if let Err(cause) = s.qos.apply(
            c.authorized_qos_rules.as_ref(),
            c.authorized_qos_flow_descriptions.as_ref(),
        ) {
            warn!(psi, pti, cause, "MODIFICATION COMMAND refused");
            if ue_requested {
                s.state = SessionState::Active;
                s.deadline = None;
                s.pending = None;
            }
            self.send_command_reject(psi, pti, cause);
            self.outputs
                .push_back(UeOutput::ModificationCommandRejected { psi, cause });
            if ue_requested {
                self.outputs.push_back(UeOutput::ModificationFailed {
                    psi,
                    cause: SessionFailure::Refused(format!("command refused with #{cause}")),
                });
            }
            return;
        }
        let ambr = c
            .session_ambr
            .as_ref()
            .and_then(|a| a.downlink_kbps().zip(a.uplink_kbps()));
        let default_qfi = s.qos.default_qfi();
        if let Some(info) = s.info.as_mut() {
            if ambr.is_some() {
                info.ambr_kbps = ambr;
            }
            if default_qfi.is_some() {
                info.default_qfi = default_qfi;
            }
        }
        if ue_requested {
            s.state = SessionState::Active;
            s.deadline = None;
            s.pending = None;
        }
        let modification = Modification {
            psi,
            ue_requested,
            qfis: s.qos.qfis(),
            ambr_kbps: s.info.as_ref().and_then(|i| i.ambr_kbps),
            at: now,
        };
        info!(psi, pti, qfis = ?modification.qfis, "PDU session modified");
        let complete = NasPduSessionModificationComplete::new();
        if let Some(t) = ul_transport(NasMessage::sm(complete, psi, pti), psi) {
            self.send_encoded(t, Protection::Current);
        }
        self.outputs
            .push_back(UeOutput::SessionModified(modification));
    }

    /// PDU SESSION MODIFICATION REJECT (TS 24.501 §6.4.2.4): the request is over, the
    /// session stays as it was. One for no request of the UE gets 5GSM STATUS #47.
    pub(super) fn on_modification_reject(&mut self, psi: u8, pti: u8, cause: u8) {
        let Some(s) = self.sessions.iter_mut().find(|s| {
            s.psi() == psi && s.state == SessionState::ModificationPending && s.pti == pti
        }) else {
            self.sm_status(psi, pti, CAUSE_PTI_MISMATCH);
            return;
        };
        info!(psi, cause, "PDU SESSION MODIFICATION REJECT");
        s.state = SessionState::Active;
        s.deadline = None;
        s.pending = None;
        self.outputs.push_back(UeOutput::ModificationFailed {
            psi,
            cause: SessionFailure::Rejected { cause },
        });
    }

    /// PDU SESSION MODIFICATION COMMAND REJECT (TS 24.501 §8.3.11) with `cause`.
    fn send_command_reject(&mut self, psi: u8, pti: u8, cause: u8) {
        let reject = NasPduSessionModificationCommandReject::new(NasFGsmCause::new(cause));
        if let Some(t) = ul_transport(NasMessage::sm(reject, psi, pti), psi) {
            self.send_encoded(t, Protection::Current);
        }
    }
}
