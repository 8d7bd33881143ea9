//! PDU session modification (TS 23.502 §4.3.3.2; TS 24.501 §6.3.2 network-requested,
//! §6.4.2 UE-requested), the steps both share:
//!
//! 1. N4 (QoS step `Install`): the UPF gets the new and changed QERs and PDRs and the
//!    new Session-AMBR first, so that a refusal by the UPF ends the procedure before
//!    the UE or the gNB hear of it.
//! 2. The PDU SESSION MODIFICATION COMMAND with, when the user plane is up, the PDU
//!    Session Resource Modify Request Transfer: on the Update SM Context answer for the
//!    UE's request (TS 23.502 §4.3.3.2 step 3a), through N1N2MessageTransfer for the
//!    network's (step 3b). T3591 runs (retransmission: [`super::retransmission`]).
//! 3. PDU SESSION MODIFICATION COMPLETE: N4 (`Commit`) removes what the modification
//!    takes away; the session's QoS is the new one. The gNB's PDU Session Resource
//!    Modify Response Transfer is read when it comes.
//!
//! A COMMAND REJECT, the gNB's Modify Unsuccessful Transfer, a failed N1N2 transfer or
//! the last expiry of T3591 abort the procedure: N4 (`Revert`) takes the UPF back to the
//! QoS before.

mod network_requested;
mod ue_requested;

use std::time::Instant;

use ferrocore_ngap::transfer::{ModifyResponseTransfer, Transfer};
use ferrocore_pfcp::Body;
use ferrocore_pfcp::message::SessionModificationRequest;
use ferrocore_sbi::SbiError;
use ferrocore_sbi::namf_communication::{N1N2MessageTransfer, NgapIeType};
use ferrocore_sbi::nsmf_pdusession::{
    N2SmInfoType, SmContextUpdated, SmContextUpdatedData, cause as nsmf_cause,
};

use crate::RequestId;
use crate::SbiRequest;
use crate::context::{Modification, ModificationOrigin, PendingCommand, Phase, UpState};
use crate::engine::{SbiPurpose, Smf};
use crate::metrics::gsm_cause_label;
use crate::n1n2::{self, cause};
use crate::pfcp_node::{QosStep, SessionOp};
use crate::qos::SessionQos;
use crate::rules;
use crate::timers::Timer;

impl Smf {
    fn modification_metrics(&self, origin: ModificationOrigin) -> &crate::metrics::Procedure {
        match origin {
            ModificationOrigin::Ue => &self.metrics.modification_ue,
            ModificationOrigin::Network => &self.metrics.modification_nw,
        }
    }

    /// Starts the modification of context `key` towards `target` (step 1); `request`:
    /// the UE's Update SM Context, answered with the command.
    fn start_modification(
        &mut self,
        now: Instant,
        key: u64,
        origin: ModificationOrigin,
        pti: u8,
        target: SessionQos,
        request: Option<RequestId>,
    ) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let before = ctx.qos.clone();
        let install = rules::qos::modification(ctx, &before, &before.union(&target));
        ctx.modification = Some(Modification {
            origin,
            pti,
            before,
            target,
            command: None,
            n2_sent: false,
        });
        match install {
            None => self.send_command(now, key, request),
            Some(req) => {
                ctx.phase = Phase::InstallingQos { request };
                if !self.qos_on_upf(now, key, req, QosStep::Install) {
                    self.installed(now, key, Err("upf_not_responding"));
                }
            }
        }
    }

    fn qos_on_upf(
        &mut self,
        now: Instant,
        key: u64,
        req: SessionModificationRequest,
        step: QosStep,
    ) -> bool {
        self.session_request(now, key, req, SessionOp::Qos(step))
    }

    /// The UPF's answer to a QoS step (`None`: it did not answer).
    pub(super) fn on_qos_answer(
        &mut self,
        now: Instant,
        key: u64,
        step: QosStep,
        body: Option<Body>,
    ) {
        let result = match &body {
            Some(Body::SessionModificationResponse(r)) => {
                self.account_usage(key, &r.usage_reports);
                if r.cause.is_accepted() {
                    Ok(())
                } else {
                    self.pfcp_rejected(r.cause);
                    Err("upf_rejected")
                }
            }
            _ => Err("upf_not_responding"),
        };
        match (step, result) {
            (QosStep::Install, r) => self.installed(now, key, r),
            (_, Ok(())) => {}
            (_, Err(why)) => {
                tracing::warn!(?step, why, "the UPF did not take the QoS rules' change")
            }
        }
    }

    /// Step 1 done: on to the command, or the procedure ends, what the UPF refused being
    /// taken as not installed; the UE's request gets PDU SESSION MODIFICATION REJECT #26
    /// (TS 24.501 §6.4.2.4).
    fn installed(&mut self, now: Instant, key: u64, result: Result<(), &'static str>) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let Phase::InstallingQos { request } = ctx.phase else {
            return;
        };
        ctx.phase = Phase::Ready;
        if let Err(label) = result {
            let Some(m) = ctx.modification.take() else {
                return;
            };
            tracing::info!(why = label, "PDU session modification ended by the UPF");
            self.modification_metrics(m.origin).fail(label);
            if let Some(id) = request {
                self.modification_reject(id, key, m.pti, cause::INSUFFICIENT_RESOURCES);
            }
            return;
        }
        self.send_command(now, key, request);
    }

    /// Step 2: PDU SESSION MODIFICATION COMMAND (TS 24.501 §6.3.2.2), with N2 SM
    /// information when the user plane is active (else the gNB learns the flows at the
    /// next activation), and T3591.
    fn send_command(&mut self, now: Instant, key: u64, request: Option<RequestId>) {
        let t3591 = self.cfg.t3591;
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let (psi, supi) = (ctx.psi, ctx.supi.clone());
        let with_n2 = matches!(ctx.up, UpState::Activated | UpState::Activating);
        let Some(m) = ctx.modification.as_mut() else {
            return;
        };
        let n1 = n1n2::modification::command(psi, m.pti, &m.before, &m.target);
        let n2 = if with_n2 {
            n1n2::modification::modify_request_transfer(&m.before, &m.target)
        } else {
            Ok(None)
        };
        let (n1, n2) = match (n1, n2) {
            (Ok(n1), Ok(n2)) => (n1, n2),
            (Err(e), _) | (_, Err(e)) => {
                tracing::error!(error = %e, "modification command does not build");
                let origin = m.origin;
                self.abort_modification(now, key, "build_failed");
                if let (Some(id), ModificationOrigin::Ue) = (request, origin) {
                    self.update_answer(id, Err(SbiError::system_failure(e.to_string()).into()));
                }
                return;
            }
        };
        m.command = Some(PendingCommand {
            n1: n1.clone(),
            transmissions: 1,
        });
        m.n2_sent = n2.is_some();
        tracing::info!(
            n2 = m.n2_sent,
            pti = m.pti,
            "PDU SESSION MODIFICATION COMMAND"
        );
        self.timers.start(now + t3591, Timer::T3591(key));
        match request {
            Some(id) => {
                let data = SmContextUpdatedData {
                    n2_sm_info_type: n2.as_ref().map(|_| N2SmInfoType::PduResModReq),
                    ..Default::default()
                };
                self.update_answer(id, Ok(Some(SmContextUpdated::new(data, Some(n1), n2))));
            }
            None => {
                let transfer = N1N2MessageTransfer::sm(
                    psi,
                    Some(n1),
                    n2.map(|b| (NgapIeType::PduResModReq, b)),
                );
                self.sbi(
                    key,
                    SbiPurpose::Modification,
                    SbiRequest::N1N2Transfer {
                        ue_context_id: supi,
                        transfer,
                    },
                );
            }
        }
    }

    /// Answers Update SM Context `id` with PDU SESSION MODIFICATION REJECT (TS 24.501
    /// §6.4.2.4).
    fn modification_reject(&mut self, id: RequestId, key: u64, pti: u8, gsm: u8) {
        let Some(psi) = self.contexts.get(&key).map(|c| c.psi) else {
            return;
        };
        tracing::info!(cause = gsm, "PDU SESSION MODIFICATION REJECT");
        match n1n2::modification::reject(psi, pti, gsm) {
            Ok(n1) => self.update_answer(
                id,
                Ok(Some(SmContextUpdated::new(
                    SmContextUpdatedData::default(),
                    Some(n1),
                    None,
                ))),
            ),
            Err(e) => self.update_answer(id, Err(SbiError::system_failure(e.to_string()).into())),
        }
    }

    /// The commanded modification of `key` whose PTI is `pti`, or the 5GSM cause of the
    /// STATUS that answers a message about none (#98, §7.4) or another (#47, §7.3.1).
    fn commanded_modification(&self, key: u64, pti: u8) -> Result<(), u8> {
        match self
            .contexts
            .get(&key)
            .and_then(|c| c.modification.as_ref())
        {
            Some(m) if m.command.is_some() && m.pti == pti => Ok(()),
            Some(m) if m.command.is_some() => Err(cause::PTI_MISMATCH),
            _ => Err(cause::MESSAGE_TYPE_NOT_COMPATIBLE),
        }
    }

    /// PDU SESSION MODIFICATION COMPLETE (TS 24.501 §6.3.2.3, TS 23.502 §4.3.3.2 steps
    /// 9-12): T3591 stopped, the removals on the UPF, the new QoS is the session's.
    pub(super) fn modification_complete(&mut self, now: Instant, id: RequestId, key: u64, pti: u8) {
        if let Err(c) = self.commanded_modification(key, pti) {
            return self.gsm_status_answer(id, key, pti, c);
        }
        self.timers.stop(Timer::T3591(key));
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let Some(m) = ctx.modification.take() else {
            return;
        };
        let commit = rules::qos::modification(ctx, &m.before.union(&m.target), &m.target);
        ctx.qos = m.target;
        tracing::info!(
            flows = ctx.qos.flows.len(),
            rules = ctx.qos.rules.len(),
            "PDU SESSION MODIFICATION COMPLETE"
        );
        self.modification_metrics(m.origin).succ.inc();
        if let Some(req) = commit {
            self.qos_on_upf(now, key, req, QosStep::Commit);
        }
        self.update_answer(id, Ok(None));
    }

    /// PDU SESSION MODIFICATION COMMAND REJECT (TS 24.501 §6.3.2.4): the procedure is
    /// aborted; with #43 the UE has no such session, which is released locally.
    pub(super) fn modification_command_rejected(
        &mut self,
        now: Instant,
        id: RequestId,
        key: u64,
        pti: u8,
        gsm: u8,
    ) {
        if let Err(c) = self.commanded_modification(key, pti) {
            return self.gsm_status_answer(id, key, pti, c);
        }
        tracing::info!(cause = gsm, "PDU SESSION MODIFICATION COMMAND REJECT");
        self.abort_modification(now, key, "command_rejected");
        self.update_answer(id, Ok(None));
        if gsm == cause::INVALID_PDU_SESSION_IDENTITY {
            tracing::info!("the UE has no such PDU session: released locally");
            self.release_locally(now, key);
        }
    }

    /// PDU_RES_MOD_RSP (TS 23.502 §4.3.3.2 steps 6-7): the gNB's PDU Session Resource
    /// Modify Response Transfer (TS 38.413 §9.3.4.4).
    pub(super) fn modify_response(&mut self, id: RequestId, key: u64, n2: Option<&[u8]>) {
        let Some(t) = n2.and_then(|b| ModifyResponseTransfer::decode(b).ok()) else {
            return self.update_answer(
                id,
                Err(SbiError::new(
                    400,
                    nsmf_cause::N2_SM_ERROR,
                    "no readable PDU Session Resource Modify Response Transfer",
                )
                .into()),
            );
        };
        if let Some(m) = self
            .contexts
            .get(&key)
            .and_then(|c| c.modification.as_ref())
        {
            let d = crate::qos::delta(&m.before, &m.target);
            let missing: Vec<u8> = d
                .added_flows
                .iter()
                .chain(&d.changed_flows)
                .map(|f| f.qfi)
                .filter(|q| !t.qfis.contains(q))
                .collect();
            if missing.is_empty() {
                tracing::info!(qfis = ?t.qfis, "the gNB modified the PDU session's resources");
            } else {
                tracing::warn!(
                    ?missing,
                    failed = ?t.failed,
                    "the gNB did not set up every QoS flow asked for"
                );
            }
        }
        self.update_answer(id, Ok(None));
    }

    /// PDU_RES_MOD_FAIL: the gNB did not modify the session's resources (PDU Session
    /// Resource Modify Unsuccessful Transfer, TS 38.413 §9.3.4.16), and the command it
    /// carried is taken as not delivered: the procedure is aborted; a UE that asked gets
    /// PDU SESSION MODIFICATION REJECT #26.
    pub(super) fn modify_failed(&mut self, now: Instant, id: RequestId, key: u64) {
        let pending = self
            .contexts
            .get(&key)
            .and_then(|c| c.modification.as_ref())
            .filter(|m| m.n2_sent)
            .map(|m| (m.origin, m.pti));
        let Some((origin, pti)) = pending else {
            return self.update_answer(id, Ok(None));
        };
        tracing::info!("the gNB refused the modification: aborted");
        self.abort_modification(now, key, "ran_rejected");
        match origin {
            ModificationOrigin::Ue => {
                self.modification_reject(id, key, pti, cause::INSUFFICIENT_RESOURCES)
            }
            ModificationOrigin::Network => self.update_answer(id, Ok(None)),
        }
    }

    /// Ends the modification of `key` without the UE's agreement: T3591 stopped, the UPF
    /// taken back to the QoS before; `label`: why, for the failure counter.
    pub(super) fn abort_modification(&mut self, now: Instant, key: u64, label: &'static str) {
        self.timers.stop(Timer::T3591(key));
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let Some(m) = ctx.modification.take() else {
            return;
        };
        let revert = rules::qos::modification(ctx, &m.before.union(&m.target), &m.before);
        self.modification_metrics(m.origin).fail(label);
        if let Some(req) = revert {
            self.qos_on_upf(now, key, req, QosStep::Revert);
        }
    }

    /// Forgets a modification under way because the session goes (its N4 session with
    /// it).
    pub(super) fn drop_modification(&mut self, key: u64) {
        self.timers.stop(Timer::T3591(key));
        let Some(m) = self
            .contexts
            .get_mut(&key)
            .and_then(|c| c.modification.take())
        else {
            return;
        };
        self.modification_metrics(m.origin).fail("released");
    }

    /// Counts a refused UE request by its 5GSM cause.
    fn ue_request_refused(&self, gsm: u8) {
        self.metrics.modification_ue.fail(gsm_cause_label(gsm));
    }
}
