//! NAS security mode control (TS 24.501 §5.4.2; TS 33.501 §6.7.2): algorithms from the
//! configured order and the UE's capabilities, replayed capabilities, IMEISV request,
//! and the request for the entire initial message (§4.4.6).

use std::time::Instant;

use ferrocore_crypto::secret::Kamf;
use ferrocore_crypto::{NasCipheringAlgorithm, NasIntegrityAlgorithm};
use ferrocore_nas::NasMessage;
use ferrocore_nas::identity::MobileIdentity;
use ferrocore_nas::ies::{UeSecurityCapability, nas_message_container, nssai};
use ferrocore_nas::types::{
    Nas5gmmMessage, NasAdditional5gSecurityInformation, NasImeisvRequest, NasKeySetIdentifier,
    NasSecurityAlgorithms, NasSecurityModeCommand, NasSecurityModeComplete, NasSecurityModeReject,
};
use ferrocore_nas_security::SecurityHeaderType;

use super::authentication::new_context;
use super::cause;
use crate::context::{RegStep, UeKey, UeSecurityCaps};
use crate::engine::Amf;
use crate::metrics::gmm_cause_label;
use crate::nas::Uplink;
use crate::timers::TimerKind;

impl Amf {
    /// The first algorithms of the configured orders that the UE supports (NIA0 only
    /// for emergency, so never here: TS 33.501 §5.5.2).
    fn select_algorithms(
        &self,
        caps: UeSecurityCaps,
    ) -> Option<(NasIntegrityAlgorithm, NasCipheringAlgorithm)> {
        let c: UeSecurityCapability = caps.into();
        let nia = self
            .cfg
            .integrity
            .iter()
            .copied()
            .find(|a| *a != NasIntegrityAlgorithm::Nia0 && c.supports_ia(*a as u8))?;
        let nea = self
            .cfg
            .ciphering
            .iter()
            .copied()
            .find(|a| c.supports_ea(*a as u8))?;
        Some((nia, nea))
    }

    /// SECURITY MODE COMMAND (TS 24.501 §5.4.2.2) with a new context from `kamf`,
    /// integrity protected with it (header type 3), T3560.
    pub(crate) fn security_mode_command(
        &mut self,
        now: Instant,
        key: UeKey,
        ng_ksi: u8,
        kamf: Kamf,
    ) {
        self.metrics.smc.req.inc();
        let caps = self.ues.get(&key).and_then(|u| u.ue_caps);
        let Some(caps) = caps else {
            self.metrics.smc.fail("no_ue_security_capability");
            self.registration_reject(key, cause::INVALID_MANDATORY_INFORMATION);
            return;
        };
        let Some((nia, nea)) = self.select_algorithms(caps) else {
            self.metrics.smc.fail("ue_security_capabilities_mismatch");
            self.registration_reject(key, cause::SECURITY_CAPABILITIES_MISMATCH);
            return;
        };
        let Some(mut ctx) = new_context(ng_ksi, kamf, nia, nea) else {
            self.registration_reject(key, cause::PROTOCOL_ERROR);
            return;
        };
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let rinmr = ue.registration().is_some_and(|r| r.rinmr);
        let m = NasSecurityModeCommand::new(
            NasSecurityAlgorithms::new(((nea as u8) << 4) | nia as u8),
            NasKeySetIdentifier::new(ng_ksi),
            UeSecurityCapability::from(caps).to_ie(),
        )
        .with_imeisv_request(NasImeisvRequest::new(1))
        .with_additional_5g_security_information(
            NasAdditional5gSecurityInformation::from_flags(rinmr, false),
        );
        let plain = match ferrocore_nas::encode(&NasMessage::mm(m)) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "SECURITY MODE COMMAND does not encode");
                return;
            }
        };
        let nas = match ctx.protect(&plain, SecurityHeaderType::IntegrityProtectedNewContext) {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = %e, "SECURITY MODE COMMAND not protected");
                return;
            }
        };
        ue.security = Some(ctx);
        ue.secured = false;
        tracing::info!(?nia, ?nea, rinmr, "SECURITY MODE COMMAND");
        self.send_dl_nas(key, nas.clone());
        self.await_answer(now, key, RegStep::SecurityMode, nas, TimerKind::T3560);
    }

    /// SECURITY MODE COMPLETE (TS 24.501 §5.4.2.3): the new context is in use; KgNB binds
    /// to this message's uplink NAS COUNT; the full initial message may be inside.
    pub(crate) fn security_mode_complete(
        &mut self,
        now: Instant,
        key: UeKey,
        up: &Uplink,
        c: NasSecurityModeComplete,
    ) {
        let in_smc = self.registration_step(key) == Some(RegStep::SecurityMode);
        // Protected with the new context (header type 4, §5.4.2.3).
        if !in_smc || !up.verified || !up.new_context {
            self.send_gmm_status(key, cause::MESSAGE_NOT_COMPATIBLE_WITH_STATE);
            return;
        }
        self.timers.stop(key, TimerKind::T3560);
        self.metrics.smc.succ.inc();
        let imeisv = c
            .imeisv
            .as_ref()
            .and_then(|i| MobileIdentity::parse(i).ok())
            .and_then(|i| match i {
                MobileIdentity::Imeisv(s) => Some(s),
                _ => None,
            });
        let container = c.nas_message_container.as_ref().map(|m| m.value.to_vec());
        let inner = c
            .nas_message_container
            .as_ref()
            .and_then(|m| nas_message_container(m).ok());
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        ue.secured = true;
        if let Some(i) = imeisv {
            ue.imeisv = Some(i.into_boxed_str());
        }
        let mut caps = None;
        if let Some(reg) = ue.registration() {
            reg.kgnb_count = up.count;
            if reg.service_request.is_some()
                && let (Some(NasMessage::Mm(Nas5gmmMessage::ServiceRequest(_))), Some(b)) =
                    (&inner, &container)
            {
                // The entire SERVICE REQUEST (§4.4.6).
                reg.service_request = Some(b.clone());
            }
            if let Some(NasMessage::Mm(Nas5gmmMessage::RegistrationRequest(full))) = &inner {
                // The entire initial message replaces the cleartext one (§4.4.6).
                if let Some(b) = container {
                    reg.request = b;
                }
                if let Some(n) = full.requested_nssai.as_ref().and_then(|n| nssai(n).ok()) {
                    reg.requested_nssai = n
                        .iter()
                        .map(|s| crate::Slice {
                            sst: s.sst,
                            sd: s.sd.value(),
                        })
                        .collect();
                }
                reg.pdu_session_status |= full.pdu_session_status.is_some();
                if let Some(s) = &full.pdu_session_status {
                    reg.ue_pdu_sessions = Some(ferrocore_nas::ies::pdu_session_status(s));
                }
                caps = full
                    .ue_security_capability
                    .as_ref()
                    .map(|c| UeSecurityCaps::from(UeSecurityCapability::parse(c)));
            }
        }
        if let Some(c) = caps {
            ue.ue_caps = Some(c);
        }
        tracing::info!("security mode complete");
        self.after_security(now, key);
    }

    /// SECURITY MODE REJECT (TS 24.501 §5.4.2.5): the registration is aborted.
    pub(crate) fn security_mode_reject(
        &mut self,
        _now: Instant,
        key: UeKey,
        r: NasSecurityModeReject,
    ) {
        if !self.expect_step(key, RegStep::SecurityMode) {
            return;
        }
        let c = r.fgmm_cause.value;
        tracing::warn!(cause = c, "SECURITY MODE REJECT");
        self.metrics.smc.fail(gmm_cause_label(c));
        self.registration_failed(key, "security_mode_rejected");
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.secured = false;
            if !ue.registered() {
                ue.security = None;
            }
        }
        self.release_nas(key, ferrocore_ngap::CauseNas::unspecified);
    }
}
