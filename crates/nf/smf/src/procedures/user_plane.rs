//! User plane activation and deactivation (TS 23.502 §4.2.3.2, §4.2.6, and the end of
//! §4.3.2.2.1): the downlink FAR towards the gNB's tunnel, or buffering while idle.

use std::time::Instant;

use ferrocore_ngap::GtpTunnel;
use ferrocore_pfcp::Body;
use ferrocore_sbi::SbiError;
use ferrocore_sbi::nsmf_pdusession::{
    N2SmInfoType, SmContextUpdated, SmContextUpdatedData, UpCnxState, cause as nsmf_cause,
};

use crate::RequestId;
use crate::context::{Phase, UpState};
use crate::engine::Smf;
use crate::n1n2;
use crate::pfcp_node::SessionOp;
use crate::rules;

impl Smf {
    /// The gNB's DL tunnel is known (TS 23.502 §4.3.2.2.1 steps 14-16, §4.2.3.2 steps
    /// 15-17): the DL FAR forwards to it.
    pub(super) fn activate(&mut self, now: Instant, id: RequestId, key: u64, tunnel: GtpTunnel) {
        self.metrics.modification.req.inc();
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        ctx.an_tunnel = Some((tunnel.teid, tunnel.addr));
        ctx.paging = false;
        ctx.phase = Phase::Modifying {
            request: Some(id),
            target: UpState::Activated,
        };
        self.modify(now, key, rules::activate(&tunnel));
    }

    /// AN release (TS 23.502 §4.2.6 steps 5-7): the DL FAR buffers and notifies.
    pub(super) fn deactivate(&mut self, now: Instant, id: RequestId, key: u64) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        if ctx.up == UpState::Deactivated {
            return self.update_answer(id, Ok(Some(Self::updated(UpCnxState::Deactivated))));
        }
        self.deactivate_on_upf(now, key, Some(id));
    }

    /// PFCP Session Modification: the DL FAR buffers and notifies the CP, for the Update
    /// SM Context `request`, or for the SMF itself (`None`: the N3 tunnel is dead, an
    /// Error Indication Report, TS 23.527 §5.3).
    pub(super) fn deactivate_on_upf(&mut self, now: Instant, key: u64, request: Option<RequestId>) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        self.metrics.modification.req.inc();
        ctx.phase = Phase::Modifying {
            request,
            target: UpState::Deactivated,
        };
        self.modify(now, key, rules::deactivate());
    }

    /// An AN release (Update SM Context DEACTIVATED) while the SMF deactivates the user
    /// plane on its own: the request is answered when the UPF has done it. False when no
    /// such deactivation is under way.
    pub(super) fn join_deactivation(&mut self, id: RequestId, key: u64) -> bool {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return false;
        };
        let Phase::Modifying {
            request: request @ None,
            target: UpState::Deactivated,
        } = &mut ctx.phase
        else {
            return false;
        };
        *request = Some(id);
        tracing::info!("AN release during the SMF's own deactivation: answered with it");
        true
    }

    fn modify(
        &mut self,
        now: Instant,
        key: u64,
        req: ferrocore_pfcp::message::SessionModificationRequest,
    ) {
        let sent = self.session_request(now, key, req, SessionOp::Modify);
        if !sent {
            self.on_modified(key, None);
        }
    }

    pub(super) fn on_modified(&mut self, key: u64, body: Option<Body>) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let Phase::Modifying { request, target } = ctx.phase.clone() else {
            return;
        };
        ctx.phase = Phase::Ready;
        let outcome = match body {
            Some(Body::SessionModificationResponse(r)) if r.cause.is_accepted() => {
                ctx.up = target;
                if target == UpState::Deactivated {
                    ctx.an_tunnel = None;
                }
                self.account_usage(key, &r.usage_reports);
                self.metrics.modification.succ.inc();
                let state = match target {
                    UpState::Activated => UpCnxState::Activated,
                    UpState::Activating => UpCnxState::Activating,
                    UpState::Deactivated => UpCnxState::Deactivated,
                };
                tracing::info!(up = ?target, "user plane updated");
                Ok(Some(Self::updated(state)))
            }
            Some(Body::SessionModificationResponse(r)) => {
                self.pfcp_rejected(r.cause);
                self.metrics.modification.fail("upf_rejected");
                Err(
                    SbiError::system_failure(format!("UPF refused the modification: {}", r.cause))
                        .into(),
                )
            }
            _ => {
                self.metrics.modification.fail("upf_not_responding");
                Err(SbiError::new(
                    504,
                    nsmf_cause::UPF_NOT_RESPONDING,
                    "the UPF did not answer",
                )
                .into())
            }
        };
        match request {
            Some(id) => self.update_answer(id, outcome),
            None => self.deactivated_by_smf(key, outcome.is_ok()),
        }
    }

    /// Service Request (TS 23.502 §4.2.3.2 step 4; TS 29.502 §5.2.2.3.2.2): the N2 SM
    /// information for the gNB again, the state ACTIVATING.
    pub(super) fn activating(&mut self, id: RequestId, key: u64) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        match n1n2::setup_request_transfer(ctx) {
            Ok(n2) => {
                ctx.up = UpState::Activating;
                ctx.paging = false;
                let mut u = SmContextUpdatedData {
                    up_cnx_state: Some(UpCnxState::Activating),
                    ..Default::default()
                };
                u.n2_sm_info_type = Some(N2SmInfoType::PduResSetupReq);
                self.update_answer(id, Ok(Some(SmContextUpdated::new(u, None, Some(n2)))));
            }
            Err(e) => self.update_answer(id, Err(SbiError::system_failure(e.to_string()).into())),
        }
    }
}
