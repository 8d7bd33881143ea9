//! Namf_Communication N1N2MessageTransfer served (TS 29.518 §5.2.2.3.1; TS 23.502
//! §4.2.3.3) and the paging of CM-IDLE UEs (TS 38.413 §8.5.1, TS 24.501 §5.6.2).

use std::time::Instant;

use ferrocore_ngap::msg::Paging;
use ferrocore_ngap::{FiveGSTmsi, Tai};
use ferrocore_sbi::namf_communication::{
    N1N2MessageTransfer, N1N2MessageTransferCause, N1N2MessageTransferResult,
    N1N2MessageTransferRspData, NgapIeType, cause as comm_cause,
};
use ferrocore_sbi::{Created, SbiError};

use crate::context::{N2Kind, PendingSm, Procedure, UeKey};
use crate::engine::Amf;
use crate::timers::TimerKind;
use crate::{Action, N1N2Id};

fn rsp(cause: N1N2MessageTransferCause) -> N1N2MessageTransferRspData {
    N1N2MessageTransferRspData {
        cause,
        supported_features: None,
    }
}

impl Amf {
    fn n1n2_respond(&mut self, id: N1N2Id, result: Result<N1N2MessageTransferResult, SbiError>) {
        match &result {
            Ok(_) => {
                self.metrics.n1n2.succ.inc();
            }
            Err(e) => self.metrics.n1n2.fail(match e.status {
                400 => "bad_request",
                404 => "context_not_found",
                409 => "conflict",
                _ => "other",
            }),
        }
        self.out.push(Action::N1N2Response { id, result });
    }

    /// N1N2MessageTransfer (TS 29.518 §5.2.2.3.1) for the UE `ue_context_id` (its SUPI).
    /// CM-CONNECTED: delivered at once (N1 in DL NAS TRANSPORT, N2 in PDU SESSION
    /// RESOURCE SETUP REQUEST / RELEASE COMMAND) and answered 200
    /// `N1_N2_TRANSFER_INITIATED`. CM-IDLE: the UE is paged and the answer is 202
    /// `ATTEMPTING_TO_REACH_UE`; the service request that answers the paging delivers
    /// (TS 23.502 §4.2.3.3 steps 3-4). A registration under way gets 409
    /// `TEMPORARY_REJECT_REGISTRATION_ONGOING`.
    pub(crate) fn n1n2_transfer(
        &mut self,
        now: Instant,
        id: N1N2Id,
        ue_context_id: &str,
        t: N1N2MessageTransfer,
    ) {
        self.metrics.n1n2.req.inc();
        let _span = tracing::info_span!("n1n2", ue = ue_context_id).entered();
        let key = self.ids.by_supi.get(ue_context_id).copied();
        let Some((key, ue)) = key.and_then(|k| Some((k, self.ues.get(&k)?))) else {
            let e = SbiError::context_not_found(format!("no UE context {ue_context_id}"));
            self.n1n2_respond(id, Err(e));
            return;
        };
        if !ue.registered() {
            let e = SbiError::context_not_found(format!("{ue_context_id} is not registered"));
            self.n1n2_respond(id, Err(e));
            return;
        }
        let sm_info = t
            .data
            .n2_info_container
            .as_ref()
            .and_then(|c| c.sm_info.as_ref());
        let Some(psi) = t
            .data
            .pdu_session_id
            .or_else(|| sm_info.map(|s| s.pdu_session_id))
        else {
            self.n1n2_respond(id, Err(SbiError::mandatory_ie_missing("/pduSessionId")));
            return;
        };
        let n2 = match t.n2_info {
            None => None,
            Some(b) => {
                let ie_type = sm_info
                    .and_then(|s| s.n2_info_content.as_ref())
                    .and_then(|c| c.ngap_ie_type.as_ref());
                let kind = match ie_type {
                    Some(NgapIeType::PduResSetupReq) => N2Kind::SetupRequest,
                    Some(NgapIeType::PduResRelCmd) => N2Kind::ReleaseCommand,
                    Some(NgapIeType::PduResModReq) => N2Kind::ModifyRequest,
                    _ => {
                        let e = SbiError::mandatory_ie_incorrect(
                            "/n2InfoContainer/smInfo/n2InfoContent/ngapIeType",
                            "not an N2 SM information the AMF relays",
                        );
                        self.n1n2_respond(id, Err(e));
                        return;
                    }
                };
                Some((kind, b))
            }
        };
        if t.n1_message.is_none() && n2.is_none() {
            let e = SbiError::mandatory_ie_missing("/n1MessageContainer");
            self.n1n2_respond(id, Err(e));
            return;
        }
        if matches!(ue.procedure.as_deref(), Some(Procedure::Registration(_))) {
            let e = SbiError::new(
                409,
                comm_cause::TEMPORARY_REJECT_REGISTRATION_ONGOING,
                "a registration procedure is ongoing",
            );
            self.n1n2_respond(id, Err(e));
            return;
        }
        let pending = PendingSm {
            psi,
            n1: t.n1_message,
            n2,
        };
        let connected = ue.ran.is_some_and(|b| !b.releasing);
        if connected {
            tracing::info!(psi, "N1N2 transfer to a CM-CONNECTED UE");
            self.deliver_sm(key, pending);
            let ok = N1N2MessageTransferResult::Initiated(rsp(
                N1N2MessageTransferCause::N1N2TransferInitiated,
            ));
            self.n1n2_respond(id, Ok(ok));
            return;
        }
        if t.data.skip_ind == Some(true) && pending.n2.is_none() {
            // §5.2.2.3.1.1: an N1-only message is not worth paging for.
            let ok = N1N2MessageTransferResult::Initiated(rsp(
                N1N2MessageTransferCause::N1MsgNotTransferred,
            ));
            self.n1n2_respond(id, Ok(ok));
            return;
        }
        let paging = ue.paging.is_some();
        if ue.tmsi.is_none() {
            let e = SbiError::new(504, comm_cause::UE_NOT_REACHABLE, "no 5G-S-TMSI to page");
            self.n1n2_respond(id, Err(e));
            return;
        }
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.pending_sm.push(pending);
        }
        if !paging {
            self.metrics.paging.req.inc();
            if let Some(ue) = self.ues.get_mut(&key) {
                ue.paging = Some(0);
            }
            self.page(now, key);
        }
        let location = format!(
            "{}/namf-comm/v1/ue-contexts/{ue_context_id}/n1-n2-messages/{}",
            self.cfg.config.api_root, id.0
        );
        let accepted = N1N2MessageTransferResult::Accepted(Created {
            location,
            body: rsp(N1N2MessageTransferCause::AttemptingToReachUe),
        });
        self.n1n2_respond(id, Ok(accepted));
    }

    /// PAGING (TS 38.413 §8.5.1) with the UE's 5G-S-TMSI to every gNB serving a TA of
    /// the UE's TAI list (the configured TACs), T3513 started.
    fn page(&mut self, now: Instant, key: UeKey) {
        let Some(tmsi) = self.ues.get(&key).and_then(|u| u.tmsi) else {
            return;
        };
        let c = &self.cfg.config;
        let plmn = self.cfg.plmn;
        let tacs: Vec<[u8; 3]> = c
            .tacs
            .iter()
            .take(16)
            .map(|t| {
                let b = t.to_be_bytes();
                [b[1], b[2], b[3]]
            })
            .collect();
        let m = Paging {
            five_g_s_tmsi: FiveGSTmsi {
                set_id: c.amf_set_id,
                pointer: c.amf_pointer,
                tmsi,
            },
            paging_drx: None,
            tais: tacs.iter().map(|tac| Tai { plmn, tac: *tac }).collect(),
        };
        let gnbs: Vec<_> = self
            .gnbs
            .iter()
            .filter(|(_, g)| {
                g.setup.as_ref().is_some_and(|s| {
                    s.supported_tas
                        .iter()
                        .any(|ta| tacs.contains(&ta.tac) && ta.plmns.iter().any(|p| p.plmn == plmn))
                })
            })
            .map(|(a, _)| *a)
            .collect();
        tracing::info!(tmsi, gnbs = gnbs.len(), "PAGING");
        for assoc in gnbs {
            self.send_ngap(assoc, 0, &m);
        }
        self.start_timer(now, key, TimerKind::T3513);
    }

    /// T3513 expiry (TS 24.501 §5.6.2.2.1): paging again, until `max_retransmissions`;
    /// then the held messages are dropped.
    pub(crate) fn paging_timer(&mut self, now: Instant, key: UeKey) {
        let max = self.cfg.config.max_retransmissions;
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let Some(n) = ue.paging else {
            return;
        };
        if ue.ran.is_some() || !ue.registered() {
            ue.paging = None;
            return;
        }
        if n < max {
            ue.paging = Some(n + 1);
            self.page(now, key);
            return;
        }
        ue.paging = None;
        let dropped = std::mem::take(&mut ue.pending_sm).len();
        tracing::warn!(dropped, "paging failed: the UE did not answer");
        self.metrics.paging.fail("t3513_expiry");
    }
}
