//! Update SM Context (TS 29.502 §5.2.2.3): what the AMF brings (an N1 SM message, N2 SM
//! information, a user plane state) handed to its procedure.

use std::time::Instant;

use ferrocore_nas::NasMessage;
use ferrocore_nas::types::Nas5gsmMessage;
use ferrocore_ngap::transfer::{SetupResponseTransfer, Transfer};
use ferrocore_sbi::SbiError;
use ferrocore_sbi::nsmf_pdusession::{
    N2SmInfoType, SmContextUpdate, UpCnxState, cause as nsmf_cause,
};

use crate::RequestId;
use crate::context::Phase;
use crate::engine::Smf;
use crate::n1n2::cause;

use super::unknown_sm_context;

/// The extended protocol discriminator of 5GSM (TS 24.007 §11.2.3.1.1A).
const EPD_5GSM: u8 = 0x2e;

impl Smf {
    /// Update SM Context (TS 29.502 §5.2.2.3): an N1 SM message from the UE, N2 SM
    /// information from the gNB, or a change of the user plane state.
    pub(crate) fn on_update(
        &mut self,
        now: Instant,
        id: RequestId,
        sm_context_ref: &str,
        upd: SmContextUpdate,
    ) {
        let Some(&key) = self.by_ref.get(sm_context_ref) else {
            return self.update_answer(id, Err(unknown_sm_context(sm_context_ref).into()));
        };
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let span = Self::span(ctx);
        let _e = span.enter();
        let releasing = ctx.phase == Phase::ReleaseCommanded;
        let ready = ctx.phase == Phase::Ready;
        let an_release = upd.data.up_cnx_state == Some(UpCnxState::Deactivated)
            && upd.n1_sm_msg.is_none()
            && upd.data.n2_sm_info_type.is_none();
        if an_release && self.join_deactivation(id, key) {
            return;
        }
        if !ready && !releasing {
            return self.update_answer(
                id,
                Err(
                    SbiError::system_failure("another procedure of this PDU session is under way")
                        .into(),
                ),
            );
        }
        if let Some(n1) = upd.n1_sm_msg.as_deref() {
            return self.update_n1(now, id, key, n1);
        }
        if let Some(t) = upd.data.n2_sm_info_type.clone() {
            return self.update_n2(now, id, key, t, upd.n2_sm_info.as_deref());
        }
        if releasing {
            return self.update_answer(id, Ok(None));
        }
        if upd.data.release == Some(true) {
            // The AMF asks for the release (e.g. slice no longer allowed): network
            // requested, the command rides on the answer.
            self.metrics.release_nw.inc();
            return self.release_for_update(now, id, key, 0);
        }
        match upd.data.up_cnx_state {
            Some(UpCnxState::Deactivated) => self.deactivate(now, id, key),
            Some(UpCnxState::Activating) => self.activating(id, key),
            _ => self.update_answer(id, Ok(None)),
        }
    }

    fn update_n1(&mut self, now: Instant, id: RequestId, key: u64, n1: &[u8]) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let (_psi, releasing) = (ctx.psi, ctx.phase == Phase::ReleaseCommanded);
        let sm = match ferrocore_nas::decode(n1) {
            Ok(NasMessage::Sm(m)) => m,
            Err(e) if n1.first() == Some(&EPD_5GSM) && n1.len() >= 4 => {
                // A 5GSM message with an error §7 answers (e.g. a mandatory IE that
                // does not decode: #96): 5GSM STATUS with its PTI; else it is ignored.
                return match e.gsm_cause() {
                    Some(c) => {
                        tracing::info!(error = %e, cause = c, "5GSM message in error: 5GSM STATUS");
                        self.gsm_status_answer(id, key, n1[2], c)
                    }
                    None => self.update_answer(id, Ok(None)),
                };
            }
            _ => {
                return self.update_answer(
                    id,
                    Err(SbiError::new(
                        400,
                        nsmf_cause::N1_SM_ERROR,
                        "n1SmMsg is not a 5GSM message",
                    )
                    .into()),
                );
            }
        };
        match sm.message {
            Nas5gsmMessage::PduSessionReleaseRequest(_) if !releasing => {
                // UE-requested release (TS 23.502 §4.3.4.2 step 1a, TS 24.501 §6.4.3).
                tracing::info!("PDU SESSION RELEASE REQUEST");
                self.metrics.release_ue.inc();
                self.release_for_update(now, id, key, sm.pti);
            }
            Nas5gsmMessage::PduSessionReleaseComplete(_) => {
                // TS 23.502 §4.3.4.2 steps 9-10: the UE's part is done.
                tracing::info!("PDU SESSION RELEASE COMPLETE: context removed");
                self.remove_context(key);
                self.update_answer(id, Ok(None));
            }
            Nas5gsmMessage::PduSessionModificationRequest(r) if !releasing => {
                tracing::info!(pti = sm.pti, "PDU SESSION MODIFICATION REQUEST");
                self.on_modification_request(now, id, key, sm.pdu_session_id, sm.pti, &r);
            }
            Nas5gsmMessage::PduSessionModificationComplete(_) if !releasing => {
                self.modification_complete(now, id, key, sm.pti);
            }
            Nas5gsmMessage::PduSessionModificationCommandReject(r) if !releasing => {
                self.modification_command_rejected(now, id, key, sm.pti, r.fgsm_cause.value);
            }
            Nas5gsmMessage::FiveGsmStatus(s) => {
                tracing::info!(cause = s.fgsm_cause.value, "5GSM STATUS from the UE");
                self.update_answer(id, Ok(None));
            }
            other => {
                // TS 24.501 §7.4: a message this SMF does not handle here.
                tracing::info!(message = ?std::mem::discriminant(&other), "5GSM message not handled: 5GSM STATUS #98");
                self.gsm_status_answer(id, key, sm.pti, cause::MESSAGE_TYPE_NOT_COMPATIBLE);
            }
        }
    }

    fn update_n2(
        &mut self,
        now: Instant,
        id: RequestId,
        key: u64,
        t: N2SmInfoType,
        n2: Option<&[u8]>,
    ) {
        match t {
            N2SmInfoType::PduResSetupRsp => {
                let Some(tr) = n2.and_then(|b| SetupResponseTransfer::decode(b).ok()) else {
                    return self.update_answer(
                        id,
                        Err(SbiError::new(
                            400,
                            nsmf_cause::N2_SM_ERROR,
                            "no readable PDU Session Resource Setup Response Transfer",
                        )
                        .into()),
                    );
                };
                self.activate(now, id, key, tr.dl_tunnel);
            }
            N2SmInfoType::PduResSetupFail => {
                tracing::info!("the gNB could not set the session up: user plane deactivated");
                self.deactivate(now, id, key);
            }
            N2SmInfoType::PduResRelRsp => self.update_answer(id, Ok(None)),
            N2SmInfoType::PduResModRsp => self.modify_response(id, key, n2),
            N2SmInfoType::PduResModFail => self.modify_failed(now, id, key),
            other => {
                tracing::debug!(n2 = ?other, "N2 SM information not acted on");
                self.update_answer(id, Ok(None));
            }
        }
    }
}
