//! PDU session release (TS 23.502 §4.3.4.2, TS 24.501 §6.3.3, §6.4.3): UE-requested,
//! network-requested, by the AMF, and after a UPF lost the session.

use std::time::Instant;

use ferrocore_pfcp::message::SessionDeletionRequest;
use ferrocore_sbi::SbiError;
use ferrocore_sbi::namf_communication::{N1N2MessageTransfer, NgapIeType};
use ferrocore_sbi::nsmf_pdusession::{
    N2SmInfoType, SmContextRelease, SmContextUpdated, SmContextUpdatedData, UpCnxState,
};

use crate::context::{PendingCommand, Phase, UpState};
use crate::engine::{SbiPurpose, Smf};
use crate::n1n2::{self, cause};
use crate::pfcp_node::SessionOp;
use crate::timers::Timer;
use crate::{RequestId, SbiRequest, SmfResponse};

use super::unknown_sm_context;

impl Smf {
    /// Sends PFCP Session Deletion for the context's N4 session, if there is one.
    pub(super) fn delete_on_upf(&mut self, now: Instant, key: u64) -> bool {
        self.session_request(now, key, SessionDeletionRequest, SessionOp::Delete)
    }

    /// Ends a session without telling the UE: N4 deletion (its answer finds no context)
    /// and the context removed at once.
    pub(crate) fn release_locally(&mut self, now: Instant, key: u64) {
        self.abort_pending(key);
        self.delete_on_upf(now, key);
        self.remove_context(key);
    }

    /// A release answered on the Update SM Context (UE-requested, or asked by the AMF):
    /// N4 deletion first (TS 23.502 §4.3.4.2 step 2), then the command (step 3).
    pub(super) fn release_for_update(&mut self, now: Instant, id: RequestId, key: u64, pti: u8) {
        self.drop_modification(key);
        if let Some(c) = self.contexts.get_mut(&key) {
            c.phase = Phase::ReleasingForUpdate { request: id, pti };
        }
        if !self.delete_on_upf(now, key) {
            self.on_deleted(now, key);
        }
    }

    /// Release SM Context (TS 29.502 §5.2.2.4; TS 23.502 §4.3.4.2 step 1b/1c): the AMF
    /// ends the session without NAS (e.g. deregistration): N4 deletion, then 204.
    pub(crate) fn on_release(
        &mut self,
        now: Instant,
        id: RequestId,
        sm_context_ref: &str,
        _release: SmContextRelease,
    ) {
        let Some(&key) = self.by_ref.get(sm_context_ref) else {
            return self.respond(
                id,
                SmfResponse::Released(Err(unknown_sm_context(sm_context_ref))),
            );
        };
        if let Some(ctx) = self.contexts.get(&key) {
            let span = Self::span(ctx);
            let _e = span.enter();
            tracing::info!("Release SM Context");
        }
        self.metrics.release_amf.inc();
        self.abort_pending(key);
        if let Some(c) = self.contexts.get_mut(&key) {
            c.phase = Phase::ReleasingForAmf { request: id };
        }
        if !self.delete_on_upf(now, key) {
            self.on_deleted(now, key);
        }
    }

    /// Network-requested release (TS 23.502 §4.3.4.2, SMF-initiated): N4 deletion when
    /// `via_n4`, then the PDU SESSION RELEASE COMMAND through N1N2MessageTransfer.
    pub(crate) fn network_release(&mut self, now: Instant, key: u64, gsm_cause: u8, via_n4: bool) {
        self.metrics.release_nw.inc();
        self.abort_pending(key);
        if let Some(c) = self.contexts.get_mut(&key) {
            c.phase = Phase::ReleasingByNetwork { cause: gsm_cause };
        }
        if !(via_n4 && self.delete_on_upf(now, key)) {
            self.on_deleted(now, key);
        }
    }

    /// The UPF lost the session (it restarted): released towards the UE with #39
    /// reactivation requested, so that it sets the session up again (TS 23.527 §4.2.4).
    pub(crate) fn upf_lost_session(&mut self, now: Instant, key: u64) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        ctx.up_seid = None;
        let span = Self::span(ctx);
        let _e = span.enter();
        tracing::info!("session lost with its UPF: released");
        match ctx.phase {
            Phase::SubscriptionCheck { .. } | Phase::Establishing { .. } => {
                self.abort_pending(key);
                self.remove_context(key);
            }
            Phase::ReleaseCommanded | Phase::ReleasingByNetwork { .. } => {}
            _ => self.network_release(now, key, cause::REACTIVATION_REQUESTED, false),
        }
    }

    /// The N4 session is gone: what comes next depends on who asked for the release.
    pub(super) fn on_deleted(&mut self, now: Instant, key: u64) {
        self.free_addresses(key);
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let with_n2 = matches!(ctx.up, UpState::Activated | UpState::Activating);
        let psi = ctx.psi;
        match ctx.phase.clone() {
            Phase::ReleasingForUpdate { request, pti } => {
                match release_messages(psi, pti, cause::REGULAR_DEACTIVATION, with_n2) {
                    Ok((n1, n2)) => {
                        let data = SmContextUpdatedData {
                            up_cnx_state: Some(UpCnxState::Deactivated),
                            n2_sm_info_type: n2.as_ref().map(|_| N2SmInfoType::PduResRelCmd),
                            ..Default::default()
                        };
                        self.commanded(now, key, &n1);
                        self.update_answer(
                            request,
                            Ok(Some(SmContextUpdated::new(data, Some(n1), n2))),
                        );
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "release command does not build");
                        self.remove_context(key);
                        self.update_answer(
                            request,
                            Err(SbiError::system_failure(e.to_string()).into()),
                        );
                    }
                }
            }
            Phase::ReleasingForAmf { request } => {
                self.remove_context(key);
                self.respond(request, SmfResponse::Released(Ok(())));
            }
            Phase::ReleasingByNetwork { cause: c } => match release_messages(psi, 0, c, with_n2) {
                Ok((n1, n2)) => {
                    let supi = ctx.supi.clone();
                    self.commanded(now, key, &n1);
                    let transfer = N1N2MessageTransfer::sm(
                        psi,
                        Some(n1),
                        n2.map(|b| (NgapIeType::PduResRelCmd, b)),
                    );
                    self.sbi(
                        key,
                        SbiPurpose::Release,
                        SbiRequest::N1N2Transfer {
                            ue_context_id: supi,
                            transfer,
                        },
                    );
                }
                Err(e) => {
                    tracing::error!(error = %e, "release command does not build");
                    self.remove_context(key);
                }
            },
            _ => {}
        }
    }

    /// PDU SESSION RELEASE COMMAND `n1` on its way: T3592 runs until RELEASE COMPLETE
    /// (TS 24.501 §6.3.3.2).
    fn commanded(&mut self, now: Instant, key: u64, n1: &[u8]) {
        if let Some(c) = self.contexts.get_mut(&key) {
            c.phase = Phase::ReleaseCommanded;
            c.up = UpState::Deactivated;
            c.an_tunnel = None;
            c.release_command = Some(PendingCommand {
                n1: n1.to_vec(),
                transmissions: 1,
            });
        }
        self.timers.start(now + self.cfg.t3592, Timer::T3592(key));
    }
}

/// The PDU SESSION RELEASE COMMAND of `psi` with `cause` (TS 24.501 §6.3.3.2) and, when
/// the session has its user plane on the gNB (`with_n2`), the PDU Session Resource
/// Release Command Transfer (TS 38.413 §9.3.4.12).
fn release_messages(
    psi: u8,
    pti: u8,
    cause: u8,
    with_n2: bool,
) -> Result<(Vec<u8>, Option<Vec<u8>>), n1n2::BuildError> {
    let n1 = n1n2::release_command(psi, pti, cause)?;
    let n2 = if with_n2 {
        Some(n1n2::release_command_transfer()?)
    } else {
        None
    };
    Ok((n1, n2))
}
