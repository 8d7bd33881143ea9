//! UE-requested PDU session modification (TS 24.501 §6.4.2, TS 23.502 §4.3.3.2 step 1a):
//! the PDU SESSION MODIFICATION REQUEST in an Update SM Context, checked (PTI, PDU
//! session identity, a procedure already under way) and authorized by the DNN's local
//! policy ([`crate::qos::request`]); then the common steps, or a REJECT.

use std::time::Instant;

use ferrocore_nas::types::NasPduSessionModificationRequest;

use crate::RequestId;
use crate::context::{ModificationOrigin, PduType};
use crate::engine::Smf;
use crate::n1n2::cause;
use crate::qos::request::{Policy, authorize};
use ferrocore_sbi::nsmf_pdusession::{SmContextUpdated, SmContextUpdatedData};

/// PTI values a UE may not use for its procedures (TS 24.007 §11.2.3.1a): 0, "no
/// procedure transaction identity assigned", and 255, reserved.
fn reserved_pti(pti: u8) -> bool {
    pti == 0 || pti == 255
}

impl Smf {
    /// PDU SESSION MODIFICATION REQUEST (TS 24.501 §6.4.2.2) of context `key`, its header
    /// saying PDU session `psi` and PTI `pti`.
    pub(in crate::procedures) fn on_modification_request(
        &mut self,
        now: Instant,
        id: RequestId,
        key: u64,
        psi: u8,
        pti: u8,
        req: &NasPduSessionModificationRequest,
    ) {
        self.metrics.modification_ue.req.inc();
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        if reserved_pti(pti) {
            // TS 24.501 §7.3.1: answered with 5GSM STATUS #81.
            self.ue_request_refused(cause::INVALID_PTI_VALUE);
            return self.gsm_status_answer(id, key, pti, cause::INVALID_PTI_VALUE);
        }
        if let Some(m) = &ctx.modification {
            match &m.command {
                // The UE sent its request again (T3581, §6.4.2.5): the same command.
                Some(c) if m.origin == ModificationOrigin::Ue && m.pti == pti => {
                    let n1 = c.n1.clone();
                    return self.update_answer(
                        id,
                        Ok(Some(SmContextUpdated::new(
                            SmContextUpdatedData::default(),
                            Some(n1),
                            None,
                        ))),
                    );
                }
                _ => {
                    // Another modification is under way: it goes on, this one is
                    // refused.
                    self.ue_request_refused(cause::REQUEST_REJECTED_UNSPECIFIED);
                    return self.modification_reject(
                        id,
                        key,
                        pti,
                        cause::REQUEST_REJECTED_UNSPECIFIED,
                    );
                }
            }
        }
        if psi != ctx.psi {
            self.ue_request_refused(cause::INVALID_PDU_SESSION_IDENTITY);
            return self.modification_reject(id, key, pti, cause::INVALID_PDU_SESSION_IDENTITY);
        }
        let dnn = &self.cfg.dnns[ctx.dnn_index].config;
        let policy = Policy {
            five_qis: &dnn.ue_qos_5qis,
            max_flows: usize::from(dnn.ue_qos_max_flows),
            max_bit_rate: dnn.ue_qos_max_bit_rate,
        };
        let t = ctx.pdu_type.unwrap_or(PduType::Ipv4);
        match authorize(&ctx.qos, req, t.has_v4(), t.has_v6(), &policy) {
            Ok(target) => {
                tracing::info!(
                    flows = target.flows.len(),
                    rules = target.rules.len(),
                    "PDU SESSION MODIFICATION REQUEST authorized"
                );
                self.start_modification(now, key, ModificationOrigin::Ue, pti, target, Some(id));
            }
            Err(r) => {
                tracing::info!(
                    cause = r.cause,
                    why = r.why,
                    "PDU SESSION MODIFICATION REQUEST refused"
                );
                self.ue_request_refused(r.cause);
                self.modification_reject(id, key, pti, r.cause);
            }
        }
    }
}
