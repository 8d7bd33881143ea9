//! The establishment's N4 step (TS 23.502 §4.3.2.2.1 steps 10-11): PFCP Session
//! Establishment, then the 201 and the accept through N1N2MessageTransfer.

use std::net::IpAddr;
use std::time::Instant;

use ferrocore_pfcp::Body;
use ferrocore_pfcp::ie::Fteid;
use ferrocore_sbi::Created;
use ferrocore_sbi::namf_communication::{N1N2MessageTransfer, NgapIeType};
use ferrocore_sbi::nsmf_pdusession::{
    SmContextCreated, SmContextCreatedData, cause as nsmf_cause, paths,
};

use crate::context::{Phase, UpState};
use crate::engine::{SbiPurpose, Smf};
use crate::n1n2::{self, cause};
use crate::pfcp_node::{Purpose, SessionOp};
use crate::rules;
use crate::{SbiRequest, SmfResponse};

use super::Reject;

impl Smf {
    /// N4 Session Establishment (TS 23.502 §4.3.2.2.1 step 10a, TS 29.244 §7.5.2).
    pub(super) fn establish(&mut self, now: Instant, key: u64, upf: usize) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let Phase::SubscriptionCheck { request } = ctx.phase else {
            return;
        };
        ctx.phase = Phase::Establishing { request };
        ctx.upf = Some(upf);
        let cfg = &self.cfg.config;
        let req = rules::establishment(
            &self.local,
            ctx,
            cfg.usage_volume_threshold,
            cfg.usage_period_secs,
        );
        self.pfcp.upfs[upf].sessions.insert(key);
        let to = self.pfcp.upfs[upf].config.address;
        let op = Purpose::Session {
            key,
            op: SessionOp::Establish,
        };
        if !self.pfcp_request(now, to, Some(0), req, op) {
            self.reject_context(
                key,
                Reject::new(
                    cause::NETWORK_FAILURE,
                    500,
                    "SYSTEM_FAILURE",
                    "N4 request does not encode",
                ),
            );
        }
    }

    /// N4 session established (step 10b): 201 to the AMF, then N1N2MessageTransfer with
    /// the PDU SESSION ESTABLISHMENT ACCEPT and the PDU Session Resource Setup Request
    /// Transfer (TS 23.502 §4.3.2.2.1 steps 11).
    pub(in crate::procedures) fn on_established(
        &mut self,
        now: Instant,
        key: u64,
        body: Option<Body>,
    ) {
        let upf_lost = || {
            Reject::new(
                cause::INSUFFICIENT_RESOURCES,
                504,
                nsmf_cause::UPF_NOT_RESPONDING,
                "the UPF did not answer",
            )
        };
        let r = match body {
            Some(Body::SessionEstablishmentResponse(r)) => r,
            _ => return self.reject_context(key, upf_lost()),
        };
        if !r.cause.is_accepted() {
            self.pfcp_rejected(r.cause);
            return self.reject_context(
                key,
                Reject::new(
                    cause::INSUFFICIENT_RESOURCES,
                    500,
                    "INSUFFICIENT_RESOURCES",
                    format!("UPF refused the session: {}", r.cause),
                ),
            );
        }
        let ul = r
            .created_pdrs
            .iter()
            .find(|p| p.pdr_id == rules::PDR_UL)
            .and_then(|p| match &p.local_fteid {
                Some(Fteid::Assigned { teid, ipv4, ipv6 }) => ipv4
                    .map(IpAddr::V4)
                    .or(ipv6.map(IpAddr::V6))
                    .map(|a| (*teid, a)),
                _ => None,
            });
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let Phase::Establishing { request } = ctx.phase else {
            return;
        };
        ctx.up_seid = r.up_fseid.as_ref().map(|f| f.seid);
        ctx.ul_teid = ul;
        if ctx.up_seid.is_none() || ul.is_none() {
            tracing::error!("UPF accepted the session without F-SEID or UL F-TEID");
            self.delete_on_upf(now, key);
            return self.reject_context(
                key,
                Reject::new(
                    cause::NETWORK_FAILURE,
                    500,
                    "SYSTEM_FAILURE",
                    "UPF answer without F-SEID or F-TEID",
                ),
            );
        }
        let dnn = &self.cfg.dnns[ctx.dnn_index].config;
        let built = n1n2::establishment_accept(ctx, dnn)
            .and_then(|n1| Ok((n1, n1n2::setup_request_transfer(ctx)?)));
        let (n1, n2) = match built {
            Ok(x) => x,
            Err(e) => {
                tracing::error!(error = %e, "establishment accept does not build");
                self.delete_on_upf(now, key);
                return self.reject_context(
                    key,
                    Reject::new(cause::NETWORK_FAILURE, 500, "SYSTEM_FAILURE", e.to_string()),
                );
            }
        };
        ctx.phase = Phase::Ready;
        ctx.up = UpState::Activating;
        let (psi, supi, snssai) = (ctx.psi, ctx.supi.clone(), ctx.snssai.clone());
        tracing::info!(ipv4 = ?ctx.ipv4, ipv6 = ?ctx.ipv6_address(), ul_teid = ?ctx.ul_teid, "PDU session established");
        let location = format!(
            "{}{}",
            self.cfg.config.api_root.trim_end_matches('/'),
            paths::sm_context(&ctx.sm_context_ref)
        );
        let created = SmContextCreated::new(
            SmContextCreatedData {
                s_nssai: Some(snssai.clone()),
                ..Default::default()
            },
            None,
        );
        self.metrics.creation.succ.inc();
        self.respond(
            request,
            SmfResponse::Created(Ok(Created {
                location,
                body: created,
            })),
        );
        let mut transfer =
            N1N2MessageTransfer::sm(psi, Some(n1), Some((NgapIeType::PduResSetupReq, n2)));
        if let Some(sm) = transfer
            .data
            .n2_info_container
            .as_mut()
            .and_then(|c| c.sm_info.as_mut())
        {
            sm.s_nssai = Some(snssai);
        }
        self.sbi(
            key,
            SbiPurpose::Accept,
            SbiRequest::N1N2Transfer {
                ue_context_id: supi,
                transfer,
            },
        );
    }
}
