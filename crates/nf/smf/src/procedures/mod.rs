//! The PDU session procedures, one module each: establishment (TS 23.502 §4.3.2.2.1),
//! Update SM Context dispatch (TS 29.502 §5.2.2.3), user plane activation and
//! deactivation (§4.2.3.2, §4.2.6), modification (§4.3.3.2), release (§4.3.4.2), session
//! reports (§4.2.3.3), error indication reports (TS 23.527 §5.3), the retransmission of
//! 5GSM commands (T3591, T3592), with the 5GSM side of TS 24.501 §6.3-§6.4. This module
//! holds what they share: answers to the AMF, the routing of SBI replies and PFCP
//! answers to their procedure, and the cutting short of a pending procedure.

mod error_indication;
mod establishment;
mod modification;
mod release;
mod reports;
mod retransmission;
mod update;
mod user_plane;

use std::time::Instant;

use ferrocore_pfcp::{Body, Cause as PfcpCause, Message};
use ferrocore_sbi::SbiError;
use ferrocore_sbi::nsmf_pdusession::{
    SmContextError, SmContextUpdated, SmContextUpdatedData, UpCnxState,
};

use crate::context::{Phase, SmContext};
use crate::engine::{SbiPurpose, Smf};
use crate::n1n2;
use crate::pfcp_node::{AssociationState, Purpose, SessionOp};
use crate::{Action, RequestId, SbiReply, SmfResponse};

impl Smf {
    fn respond(&mut self, id: RequestId, response: SmfResponse) {
        self.out.push_back(Action::Respond { id, response });
    }

    fn span(ctx: &SmContext) -> tracing::Span {
        tracing::info_span!("pdu_session", supi = %ctx.supi, psi = ctx.psi)
    }

    pub(crate) fn on_sbi_reply(
        &mut self,
        now: Instant,
        key: u64,
        purpose: SbiPurpose,
        reply: SbiReply,
    ) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let span = Self::span(ctx);
        let _e = span.enter();
        match (purpose, reply) {
            (SbiPurpose::SmData, SbiReply::SmData(r)) => self.on_sm_data(now, key, r),
            (SbiPurpose::Accept, SbiReply::N1N2(Err(e))) => {
                tracing::warn!(error = %e, "N1N2MessageTransfer of the establishment accept failed: session released");
                self.n1n2_failed(&e);
                self.release_locally(now, key);
            }
            (SbiPurpose::Paging, SbiReply::N1N2(r)) => {
                if let Err(e) = r {
                    tracing::info!(error = %e, "paging request not carried out");
                    self.n1n2_failed(&e);
                    if let Some(c) = self.contexts.get_mut(&key) {
                        c.paging = false;
                    }
                }
            }
            (SbiPurpose::AnRelease, SbiReply::N1N2(Err(e))) => {
                // E.g. the UE is CM-IDLE: the gNB has nothing of the session to release.
                tracing::info!(error = %e, "AN resources of the dead tunnel not released through the AMF");
                self.n1n2_failed(&e);
            }
            (SbiPurpose::Release, SbiReply::N1N2(Err(e))) => {
                // The UE cannot be told: the session is gone on the network side anyway.
                self.n1n2_failed(&e);
                self.remove_context(key);
            }
            (SbiPurpose::Modification, SbiReply::N1N2(Err(e))) => {
                tracing::info!(error = %e, "modification command not delivered: procedure aborted");
                self.n1n2_failed(&e);
                self.abort_modification(now, key, "n1n2_failed");
            }
            (SbiPurpose::Retransmission, SbiReply::N1N2(Err(e))) => {
                // The timer runs on: the next expiry tries again or gives up.
                self.n1n2_failed(&e);
            }
            (_, SbiReply::N1N2(Ok(_))) => {}
            (p, r) => {
                tracing::error!(purpose = ?p, reply = ?r, "SBI reply of another kind than asked")
            }
        }
    }

    fn n1n2_failed(&self, e: &SbiError) {
        let label = match e.cause() {
            Some("UE_NOT_REACHABLE") => "ue_not_reachable",
            Some("CONTEXT_NOT_FOUND") => "context_not_found",
            Some("TEMPORARY_REJECT_REGISTRATION_ONGOING") => "registration_ongoing",
            Some("TEMPORARY_REJECT_HANDOVER_ONGOING") => "handover_ongoing",
            _ if e.status >= 500 => "amf_failure",
            _ => "other",
        };
        self.metrics
            .n1n2_fail
            .get_or_create(&crate::metrics::CauseLabel { cause: label })
            .inc();
    }

    /// The answer to a session request of context `key`, or `None` when given up.
    pub(crate) fn on_session_answer(
        &mut self,
        now: Instant,
        key: u64,
        op: SessionOp,
        answer: Option<Message>,
    ) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let span = Self::span(ctx);
        let _e = span.enter();
        let body = answer.map(|m| m.body);
        match op {
            SessionOp::Establish => self.on_established(now, key, body),
            SessionOp::Modify => self.on_modified(key, body),
            SessionOp::Qos(step) => self.on_qos_answer(now, key, step, body),
            SessionOp::Delete => {
                match &body {
                    Some(Body::SessionDeletionResponse(r)) => {
                        self.account_usage(key, &r.usage_reports);
                        if !r.cause.is_accepted() {
                            self.pfcp_rejected(r.cause);
                        }
                    }
                    _ => tracing::warn!(
                        "no PFCP Session Deletion Response: the session is considered gone"
                    ),
                }
                if let Some(c) = self.contexts.get_mut(&key) {
                    c.up_seid = None;
                }
                self.on_deleted(now, key);
            }
        }
    }

    /// Sends a PFCP session request for context `key` to its UPF; false when there is no
    /// N4 session, no association with the UPF, or the request does not encode.
    fn session_request(
        &mut self,
        now: Instant,
        key: u64,
        body: impl Into<Body>,
        op: SessionOp,
    ) -> bool {
        let Some(ctx) = self.contexts.get(&key) else {
            return false;
        };
        let (Some(seid), Some(upf)) = (ctx.up_seid, ctx.upf) else {
            return false;
        };
        let Some(to) = self
            .pfcp
            .upfs
            .get(upf)
            .filter(|u| u.state == AssociationState::Up)
            .map(|u| u.config.address)
        else {
            return false;
        };
        self.pfcp_request(now, to, Some(seid), body, Purpose::Session { key, op })
    }

    fn pfcp_rejected(&self, c: PfcpCause) {
        let label = match c {
            PfcpCause::SESSION_CONTEXT_NOT_FOUND => "session_context_not_found",
            PfcpCause::NO_RESOURCES_AVAILABLE => "no_resources_available",
            PfcpCause::ALL_DYNAMIC_ADDRESSES_OCCUPIED => "all_dynamic_addresses_occupied",
            PfcpCause::NO_ESTABLISHED_PFCP_ASSOCIATION => "no_established_pfcp_association",
            PfcpCause::RULE_CREATION_MODIFICATION_FAILURE => "rule_creation_modification_failure",
            PfcpCause::MANDATORY_IE_MISSING => "mandatory_ie_missing",
            PfcpCause::MANDATORY_IE_INCORRECT => "mandatory_ie_incorrect",
            _ => "other",
        };
        self.metrics
            .pfcp_rejected
            .get_or_create(&crate::metrics::CauseLabel { cause: label })
            .inc();
    }

    /// Answers a held Nsmf request of the context with an error (its procedure is cut
    /// short by a release or a lost UPF); a PDU session modification under way ends
    /// with it.
    fn abort_pending(&mut self, key: u64) {
        self.drop_modification(key);
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let e = || SbiError::system_failure("the PDU session was released meanwhile");
        match ctx.phase.clone() {
            Phase::SubscriptionCheck { request } | Phase::Establishing { request } => {
                self.metrics.creation.fail("released_during_establishment");
                self.respond(request, SmfResponse::Created(Err(e().into())));
            }
            Phase::Modifying {
                request: Some(request),
                ..
            }
            | Phase::ReleasingForUpdate { request, .. }
            | Phase::InstallingQos {
                request: Some(request),
            } => {
                self.respond(request, SmfResponse::Updated(Err(e().into())));
            }
            Phase::ReleasingForAmf { request } => {
                self.respond(request, SmfResponse::Released(Ok(())))
            }
            Phase::Ready
            | Phase::ReleasingByNetwork { .. }
            | Phase::ReleaseCommanded
            | Phase::Modifying { request: None, .. }
            | Phase::InstallingQos { request: None } => {}
        }
        if let Some(c) = self.contexts.get_mut(&key) {
            c.phase = Phase::Ready;
        }
    }

    /// Answers `id` with 5GSM STATUS `gsm` (TS 24.501 §7.3, §7.4).
    fn gsm_status_answer(&mut self, id: RequestId, key: u64, pti: u8, gsm: u8) {
        let Some(psi) = self.contexts.get(&key).map(|c| c.psi) else {
            return;
        };
        tracing::info!(cause = gsm, "5GSM STATUS");
        let n1 = n1n2::gsm_status(psi, pti, gsm).ok();
        self.update_answer(
            id,
            Ok(Some(SmContextUpdated::new(
                SmContextUpdatedData::default(),
                n1,
                None,
            ))),
        );
    }

    fn update_answer(
        &mut self,
        id: RequestId,
        r: Result<Option<SmContextUpdated>, SmContextError>,
    ) {
        self.respond(id, SmfResponse::Updated(r));
    }

    fn updated(state: UpCnxState) -> SmContextUpdated {
        SmContextUpdated::new(
            SmContextUpdatedData {
                up_cnx_state: Some(state),
                ..Default::default()
            },
            None,
            None,
        )
    }
}

/// 404 `CONTEXT_NOT_FOUND` for an `smContextRef` the SMF does not hold (Update and
/// Release SM Context).
fn unknown_sm_context(sm_context_ref: &str) -> SbiError {
    SbiError::context_not_found(format!("no SM context {sm_context_ref}"))
}
