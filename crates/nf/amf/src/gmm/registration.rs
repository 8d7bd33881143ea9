//! Registration (TS 24.501 §5.5.1; TS 23.502 §4.2.2.2.2): initial, mobility and periodic
//! registration updating, from the REGISTRATION REQUEST to the REGISTRATION COMPLETE.

use std::time::Instant;

use ferrocore_nas::NasMessage;
use ferrocore_nas::identity::MobileIdentity;
use ferrocore_nas::ies::{
    NetworkFeatures, Snssai as NasSnssai, UeSecurityCapability, nssai, nssai_ie,
};
use ferrocore_nas::types::{
    Nas5gmmMessage, NasFGmmCause, NasFGsRegistrationResult, NasPduSessionStatus,
    NasRegistrationAccept, NasRegistrationReject, NasRegistrationRequest, RegistrationResult,
    RegistrationType,
};
use ferrocore_nas_security::NasCount;
use ferrocore_ngap::msg::InitialContextSetupRequest;
use ferrocore_sbi::SbiError;
use ferrocore_sbi::common::{RatType, parse_bit_rate};
use ferrocore_sbi::nudm_sdm::AccessAndMobilitySubscriptionData;
use ferrocore_sbi::nudm_uecm::Amf3GppAccessRegistration;

use super::{cause, ngap_security_capabilities, suci_string};
use crate::SbiRequest;
use crate::config::Slice;
use crate::context::{Procedure, RegStep, Registration, Retransmit, RmState, UeKey};
use crate::engine::Amf;
use crate::metrics::{RegKind, gmm_cause_label};
use crate::nas::{Uplink, decipher_container};
use crate::ngap_interface::ngap_snssai;
use crate::timers::TimerKind;

fn slice_of(s: &NasSnssai) -> Slice {
    Slice {
        sst: s.sst,
        sd: s.sd.value(),
    }
}

fn sbi_slice(s: &ferrocore_sbi::common::Snssai) -> Slice {
    Slice {
        sst: s.sst,
        sd: s
            .sd
            .as_ref()
            .map(|h| u32::from_be_bytes([0, h.0[0], h.0[1], h.0[2]])),
    }
    .normalised()
}

fn nas_slice(s: Slice) -> NasSnssai {
    NasSnssai::new(s.sst, s.sd)
}

impl Amf {
    /// The cause of a registration reject for an SBI failure of the AUSF (`ausf`) or UDM.
    fn sbi_reject_cause(&self, e: &SbiError, ausf: bool) -> u8 {
        self.metrics
            .sbi_errors
            .get_or_create(&crate::metrics::CauseLabel {
                cause: match e.status {
                    403 => "forbidden",
                    404 => "not_found",
                    400..=499 => "client_error",
                    _ => "server_error",
                },
            })
            .inc();
        match (e.status, ausf) {
            (403 | 404, true) => cause::ILLEGAL_UE,
            (403 | 404, false) => cause::SERVICES_NOT_ALLOWED,
            _ => cause::PROTOCOL_ERROR,
        }
    }

    /// REGISTRATION REQUEST (TS 24.501 §5.5.1.2.2, §5.5.1.3.2).
    pub(crate) fn registration_request(
        &mut self,
        now: Instant,
        key: UeKey,
        up: &Uplink,
        req: NasRegistrationRequest,
        _initial: bool,
    ) {
        let kind = match req.fgs_registration_type.registration_type() {
            Some(RegistrationType::MobilityRegistrationUpdating) => RegKind::Mobility,
            Some(RegistrationType::PeriodicRegistrationUpdating) => RegKind::Periodic,
            Some(RegistrationType::EmergencyRegistration) => RegKind::Emergency,
            _ => RegKind::Initial,
        };
        self.metrics.registration(kind).req.inc();
        tracing::info!(?kind, verified = up.verified, "REGISTRATION REQUEST");
        // A new request replaces a registration under way (§5.5.1.2.8 c, d).
        self.timers.stop_each(key, &TimerKind::REGISTRATION);
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        ue.procedure = None;
        // Without a verified message the current context is not trusted on this
        // connection: downlink goes plain until a new security mode control.
        ue.secured = up.verified;
        let mut plain = up.plain.clone();
        let mut req = req;
        // Initial NAS message protection (§4.4.6): the full message is in the
        // ciphered NAS message container.
        if up.verified
            && let Some(c) = &req.nas_message_container
            && let (Some(ctx), Some(count)) = (ue.security.as_ref(), up.count)
        {
            let inner = decipher_container(ctx, count, &c.value);
            if let Ok(NasMessage::Mm(Nas5gmmMessage::RegistrationRequest(full))) =
                ferrocore_nas::decode(&inner)
            {
                req = *full;
                plain = inner;
            }
        }
        if let Some(c) = &req.ue_security_capability {
            ue.ue_caps = Some(UeSecurityCapability::parse(c).into());
        }
        let requested_nssai = req
            .requested_nssai
            .as_ref()
            .and_then(|n| nssai(n).ok())
            .map(|v| v.iter().map(slice_of).collect())
            .unwrap_or_default();
        let mut reg = Registration {
            kind,
            step: RegStep::Identity,
            request: plain,
            suci: None,
            awaiting: None,
            aka: None,
            kgnb_count: up.count,
            rinmr: !up.verified,
            requested_nssai,
            follow_on: req.fgs_registration_type.follow_on_request(),
            pdu_session_status: req.pdu_session_status.is_some(),
            new_tmsi: None,
            retransmit: Retransmit::default(),
            service_request: None,
            ue_pdu_sessions: req
                .pdu_session_status
                .as_ref()
                .map(ferrocore_nas::ies::pdu_session_status),
        };
        if kind == RegKind::Emergency {
            // No emergency services in this AMF (§5.5.1.2.5).
            ue.procedure = Some(Box::new(Procedure::Registration(reg)));
            self.registration_reject(key, cause::SERVICES_NOT_ALLOWED);
            return;
        }
        let identity = match MobileIdentity::parse(&req.fgs_mobile_identity) {
            Ok(i) => i,
            Err(e) => {
                ue.procedure = Some(Box::new(Procedure::Registration(reg)));
                let c = e
                    .gmm_cause()
                    .unwrap_or(cause::INVALID_MANDATORY_INFORMATION);
                self.registration_reject(key, c);
                return;
            }
        };
        let known = ue.supi.is_some() && ue.security.is_some();
        match identity {
            MobileIdentity::Suci(s) => {
                let suci = suci_string(&s);
                reg.suci = Some(suci.clone());
                ue.procedure = Some(Box::new(Procedure::Registration(reg)));
                self.start_authentication(now, key, suci, Some(s.routing_indicator));
            }
            MobileIdentity::Guti(_) | MobileIdentity::STmsi(_) if known => {
                let supi = ue.supi.as_deref().map(str::to_owned).unwrap_or_default();
                let verified = up.verified;
                ue.procedure = Some(Box::new(Procedure::Registration(reg)));
                if verified {
                    // The UE's context is valid: no new authentication (§5.5.1.2.2).
                    self.after_security(now, key);
                } else {
                    // Integrity failed or missing: authenticate again (§4.4.4.3).
                    self.start_authentication(now, key, supi, None);
                }
            }
            _ => {
                // Unknown 5G-GUTI or another identity: ask for the SUCI (§5.4.3).
                ue.procedure = Some(Box::new(Procedure::Registration(reg)));
                self.send_identity_request(now, key);
            }
        }
    }

    /// Security is in place: register with the UDM and fetch the subscription when the
    /// UE is new here (TS 23.502 §4.2.2.2.2 steps 14, 14b), else accept.
    pub(crate) fn after_security(&mut self, now: Instant, key: UeKey) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let registered = ue.registered();
        let supi = ue.supi.as_deref().map(str::to_owned);
        let imeisv = ue.imeisv.as_deref().map(|i| format!("imeisv-{i}"));
        let Some(reg) = ue.registration() else {
            return;
        };
        if reg.service_request.is_some() {
            // Authentication for a service request (TS 24.501 §4.4.4.3) is done.
            self.service_request_after_security(now, key);
            return;
        }
        let Some(supi) = supi else {
            self.registration_reject(key, cause::UE_IDENTITY_CANNOT_BE_DERIVED);
            return;
        };
        if registered && reg.kind != RegKind::Initial {
            self.registration_accept(now, key);
            return;
        }
        let c = &self.cfg.config;
        let registration = Amf3GppAccessRegistration {
            amf_instance_id: c.instance_id.clone(),
            supported_features: None,
            purge_flag: None,
            pei: imeisv,
            dereg_callback_uri: c.dereg_callback_uri.clone(),
            pcscf_restoration_callback_uri: None,
            initial_registration_ind: Some(reg.kind == RegKind::Initial),
            emergency_registration_ind: None,
            guami: self.sbi_guami(),
            dr_flag: None,
            rat_type: RatType::Nr,
            urrp_indicator: None,
            registration_time: None,
            no_ee_subscription_ind: None,
            supi: Some(supi.clone()),
            re_registration_required: None,
        };
        let request = SbiRequest::RegisterAmf { supi, registration };
        self.registration_sbi(key, RegStep::UdmRegister, request);
    }

    /// Nudm_UECM_Registration answered (TS 29.503 §5.3.2.2.2).
    pub(crate) fn register_amf_reply(
        &mut self,
        _now: Instant,
        key: UeKey,
        r: Result<(), SbiError>,
    ) {
        if let Err(e) = r {
            tracing::warn!(status = e.status, "Nudm_UECM registration failed");
            let c = self.sbi_reject_cause(&e, false);
            self.registration_reject(key, c);
            return;
        }
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let Some(supi) = ue.supi.as_deref().map(str::to_owned) else {
            return;
        };
        self.registration_sbi(key, RegStep::UdmAmData, SbiRequest::GetAmData { supi });
    }

    /// Nudm_SDM am-data answered (TS 29.503 §5.2.2.2.2): UE-AMBR and the allowed NSSAI.
    pub(crate) fn am_data_reply(
        &mut self,
        now: Instant,
        key: UeKey,
        r: Result<AccessAndMobilitySubscriptionData, SbiError>,
    ) {
        let am = match r {
            Ok(am) => am,
            Err(e) => {
                tracing::warn!(status = e.status, "Nudm_SDM am-data failed");
                let c = self.sbi_reject_cause(&e, false);
                self.registration_reject(key, c);
                return;
            }
        };
        let configured = self.cfg.slices.clone();
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        ue.ue_ambr = am
            .subscribed_ue_ambr
            .as_ref()
            .and_then(|a| Some((parse_bit_rate(&a.downlink)?, parse_bit_rate(&a.uplink)?)));
        let (subscribed, defaults): (Option<Vec<Slice>>, Vec<Slice>) = match &am.nssai {
            Some(n) => {
                let defaults: Vec<Slice> = n.default_single_nssais.iter().map(sbi_slice).collect();
                let mut all = defaults.clone();
                all.extend(n.single_nssais.iter().flatten().map(sbi_slice));
                (Some(all), defaults)
            }
            None => (None, Vec::new()),
        };
        let allowed_by_sub = |s: &Slice| subscribed.as_ref().is_none_or(|all| all.contains(s));
        let Some(reg) = ue.registration() else {
            return;
        };
        let mut allowed: Vec<Slice> = reg
            .requested_nssai
            .iter()
            .map(|s| s.normalised())
            .filter(|s| configured.contains(s) && allowed_by_sub(s))
            .collect();
        if allowed.is_empty() {
            // None requested (or none allowed): the default S-NSSAIs (TS 23.501 §5.15.5.2.1).
            allowed = if allowed_by_sub(&configured[0]) {
                vec![configured[0]]
            } else {
                defaults
                    .into_iter()
                    .filter(|s| configured.contains(s))
                    .collect()
            };
        }
        allowed.dedup();
        if allowed.is_empty() {
            self.registration_reject(key, cause::NO_NETWORK_SLICES_AVAILABLE);
            return;
        }
        ue.allowed_nssai = allowed;
        self.registration_accept(now, key);
    }

    /// REGISTRATION ACCEPT (TS 24.501 §5.5.1.2.4, §8.2.7): in the INITIAL CONTEXT SETUP
    /// REQUEST when the connection has no AS context yet (TS 23.502 §4.2.2.2.2 step 21),
    /// else in DOWNLINK NAS TRANSPORT. T3550 runs when a new 5G-GUTI is in it.
    pub(crate) fn registration_accept(&mut self, now: Instant, key: UeKey) {
        let new_tmsi = {
            let Some(ue) = self.ues.get(&key) else {
                return;
            };
            let Some(Procedure::Registration(reg)) = ue.procedure.as_deref() else {
                return;
            };
            (reg.kind != RegKind::Periodic || ue.tmsi.is_none()).then_some(())
        }
        .map(|()| self.ids.new_tmsi());
        if let Some(t) = new_tmsi {
            self.ids.by_tmsi.insert(t, key);
        }
        // PDU sessions synchronised with the UE's (TS 24.501 §5.5.1.2.4, §5.5.1.3.4): at
        // initial registration the UE has none but those it lists.
        let sync = self
            .ues
            .get_mut(&key)
            .and_then(|u| u.registration())
            .and_then(|r| match (r.kind, r.ue_pdu_sessions.take()) {
                (RegKind::Initial, l) => Some(l.unwrap_or_default()),
                (_, l) => l,
            });
        if let Some(list) = sync {
            self.sync_pdu_session_status(key, &list);
        }
        let psis = self.ues.get(&key).map(|u| u.psis()).unwrap_or_default();
        let c = &self.cfg;
        let tai_list = c.tai_list.clone();
        let configured: Vec<NasSnssai> = c.slices.iter().map(|s| nas_slice(*s)).collect();
        let features = NetworkFeatures {
            ims_vops_3gpp: c.config.ims_voice_over_ps,
            ..NetworkFeatures::default()
        };
        let t3512 = c.t3512.to_t3512_ie();
        let guami = c.guami;
        let guti_ie = new_tmsi.and_then(|t| self.guti_ie(t));
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let allowed: Vec<NasSnssai> = ue.allowed_nssai.iter().map(|s| nas_slice(*s)).collect();
        let Some(reg) = ue.registration() else {
            return;
        };
        reg.new_tmsi = new_tmsi;
        let mut accept = NasRegistrationAccept::new(NasFGsRegistrationResult::from_result(
            RegistrationResult::ThreeGppAccess,
        ))
        .with_tai_list(tai_list)
        .with_t3512_value(t3512);
        if let Some(g) = guti_ie {
            accept = accept.with_fg_guti(g);
        }
        if let Ok(ie) = nssai_ie(&allowed) {
            accept = accept.with_allowed_nssai(ie);
        }
        if let Ok(ie) = nssai_ie(&configured) {
            accept = accept.with_configured_nssai(ie);
        }
        if let Ok(ie) = features.to_ie() {
            accept = accept.with_fgs_network_feature_support(ie);
        }
        if reg.pdu_session_status {
            // The sessions the AMF keeps for the UE.
            let ie = NasPduSessionStatus::from_sessions(&psis)
                .unwrap_or_else(|_| NasPduSessionStatus::new(vec![0, 0]));
            accept = accept.with_pdu_session_status(ie);
        }
        let kgnb_count = reg.kgnb_count;
        let plain = match ferrocore_nas::encode(&NasMessage::mm(accept)) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "REGISTRATION ACCEPT does not encode");
                self.registration_reject(key, cause::PROTOCOL_ERROR);
                return;
            }
        };
        let Some(nas) = self.downlink_nas(key, &plain) else {
            self.registration_reject(key, cause::PROTOCOL_ERROR);
            return;
        };
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let binding = ue.ran;
        let with_ics = binding.is_some_and(|b| !b.context_setup);
        if with_ics && let Some(b) = binding {
            let (Some(ctx), Some(caps), Some(count)) = (
                ue.security.as_ref(),
                ue.ue_caps,
                kgnb_count.and_then(NasCount::new),
            ) else {
                self.registration_reject(key, cause::PROTOCOL_ERROR);
                return;
            };
            let kgnb = ctx.kgnb(count);
            let ics = InitialContextSetupRequest {
                amf_ue_ngap_id: b.amf_ue_id,
                ran_ue_ngap_id: b.ran_ue_id,
                ue_ambr: ue
                    .ue_ambr
                    .map(|(downlink, uplink)| ferrocore_ngap::msg::UeAmbr { downlink, uplink }),
                guami,
                sessions: Vec::new(),
                allowed_nssai: ue.allowed_nssai.iter().map(|s| ngap_snssai(*s)).collect(),
                security_capabilities: ngap_security_capabilities(caps),
                security_key: *kgnb.as_bytes(),
                nas_pdu: Some(nas.clone()),
            };
            self.send_ngap(b.assoc, b.stream, &ics);
        } else {
            self.send_dl_nas(key, nas.clone());
        }
        let registering = self.ues.get_mut(&key).and_then(|u| u.registration());
        if registering.is_none() {
            return;
        }
        if new_tmsi.is_some() {
            self.await_answer(now, key, RegStep::Accepted, nas, TimerKind::T3550);
        } else {
            self.registration_done(key, true);
        }
    }

    /// Asks for an SBI operation that the UE's registration waits for at `step`.
    pub(crate) fn registration_sbi(&mut self, key: UeKey, step: RegStep, request: SbiRequest) {
        let txn = self.sbi(key, request);
        if let Some(reg) = self.ues.get_mut(&key).and_then(|u| u.registration()) {
            reg.step = step;
            reg.awaiting = Some(txn);
        }
    }

    /// A registration's downlink request `nas` is out: the step that waits for its
    /// answer, the message kept for retransmission, and `timer` started.
    pub(crate) fn await_answer(
        &mut self,
        now: Instant,
        key: UeKey,
        step: RegStep,
        nas: Vec<u8>,
        timer: TimerKind,
    ) {
        if let Some(reg) = self.ues.get_mut(&key).and_then(|u| u.registration()) {
            reg.step = step;
            reg.retransmit = Retransmit { nas, count: 0 };
        }
        self.start_timer(now, key, timer);
    }

    /// REGISTRATION COMPLETE (TS 24.501 §5.5.1.2.4): the new 5G-GUTI is in use.
    pub(crate) fn registration_complete(&mut self, _now: Instant, key: UeKey) {
        if !self.expect_step(key, RegStep::Accepted) {
            return;
        }
        self.timers.stop(key, TimerKind::T3550);
        self.registration_done(key, true);
    }

    /// The registration succeeded (or ended with the accept sent): RM-REGISTERED with the
    /// new 5G-GUTI, counted as success if `success`.
    pub(crate) fn registration_done(&mut self, key: UeKey, success: bool) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let Some(reg) = ue.take_registration() else {
            return;
        };
        if let Some(t) = reg.new_tmsi
            && let Some(old) = ue.tmsi.replace(t)
            && old != t
            && self.ids.by_tmsi.get(&old) == Some(&key)
        {
            self.ids.by_tmsi.remove(&old);
        }
        let supi = ue.supi.clone();
        self.set_rm(key, RmState::Registered);
        if success {
            self.metrics.registration(reg.kind).succ.inc();
        }
        tracing::info!(supi = ?supi, kind = ?reg.kind, "registered");
    }

    /// The registration fails with 5GMM `cause`: counted, procedure dropped.
    pub(crate) fn registration_failed(&mut self, key: UeKey, label: &'static str) {
        self.timers.stop_each(key, &TimerKind::REGISTRATION);
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        if let Some(reg) = ue.take_registration() {
            if let Some(t) = reg.new_tmsi
                && ue.tmsi != Some(t)
            {
                self.ids.by_tmsi.remove(&t);
            }
            if reg.service_request.is_some() {
                self.metrics.service.fail(label);
                return;
            }
            self.metrics.registration(reg.kind).fail(label);
            tracing::warn!(cause = label, kind = ?reg.kind, "registration failed");
        }
    }

    /// REGISTRATION REJECT (TS 24.501 §5.5.1.2.5) with `c`, then the NG connection is
    /// released.
    pub(crate) fn registration_reject(&mut self, key: UeKey, c: u8) {
        let for_service = self
            .ues
            .get_mut(&key)
            .and_then(|u| u.registration())
            .is_some_and(|r| r.service_request.is_some());
        if for_service {
            // The authentication of a service request failed: SERVICE REJECT (§5.6.1.5).
            if let Some(ue) = self.ues.get_mut(&key) {
                ue.procedure = None;
            }
            self.timers.stop_each(key, &TimerKind::REGISTRATION);
            self.service_reject(key, c);
            return;
        }
        self.registration_failed(key, gmm_cause_label(c));
        self.send_mm(key, NasRegistrationReject::new(NasFGmmCause::new(c)));
        if matches!(c, cause::ILLEGAL_UE | cause::SERVICES_NOT_ALLOWED)
            && let Some(ue) = self.ues.get_mut(&key)
        {
            // The UE considers its 5G-GUTI and security context invalid (§5.5.1.2.5).
            ue.security = None;
            ue.secured = false;
            self.set_rm(key, RmState::Deregistered);
        }
        self.release_nas(key, ferrocore_ngap::CauseNas::normal_release);
    }

    /// T3550, T3560, T3570 expiry (TS 24.501 §5.5.1.2.8, §5.4.1.3.7, §5.4.2.7,
    /// §5.4.3.7): the message again, until `max_retransmissions`, then the procedure is
    /// aborted.
    pub(crate) fn registration_timer(&mut self, now: Instant, key: UeKey, kind: TimerKind) {
        let max = self.cfg.config.max_retransmissions;
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let Some(reg) = ue.registration() else {
            return;
        };
        if let Some(nas) = reg.retransmit.again(max) {
            tracing::info!(timer = ?kind, n = reg.retransmit.count, "retransmission");
            self.retransmit(now, key, nas, kind);
            return;
        }
        let step = reg.step;
        tracing::warn!(timer = ?kind, ?step, "procedure aborted after the last retransmission");
        match kind {
            TimerKind::T3550 => {
                // §5.5.1.2.8: the UE may have the new 5G-GUTI; both stay valid.
                let new = reg.new_tmsi.take();
                let kind = reg.kind;
                if let Some(t) = new {
                    ue.tmsi.get_or_insert(t);
                }
                ue.procedure = None;
                self.set_rm(key, RmState::Registered);
                self.metrics.registration(kind).fail("t3550_expiry");
            }
            TimerKind::T3560 => {
                if step == RegStep::SecurityMode {
                    self.metrics.smc.fail("t3560_expiry");
                    if let Some(ue) = self.ues.get_mut(&key)
                        && !ue.registered()
                    {
                        ue.security = None;
                    }
                }
                self.registration_failed(key, "t3560_expiry");
                self.release_nas(key, ferrocore_ngap::CauseNas::unspecified);
            }
            _ => {
                self.registration_failed(key, "t3570_expiry");
                self.release_nas(key, ferrocore_ngap::CauseNas::unspecified);
            }
        }
    }

    /// A procedure cut short by the loss of the NG connection.
    pub(crate) fn procedure_aborted_by_release(&mut self, _now: Instant, key: UeKey, p: Procedure) {
        match p {
            Procedure::Registration(reg) => {
                if reg.step == RegStep::Accepted {
                    // The accept was sent: the UE may use the new 5G-GUTI.
                    if let Some(ue) = self.ues.get_mut(&key)
                        && let Some(t) = reg.new_tmsi
                    {
                        ue.tmsi.get_or_insert(t);
                    }
                    self.set_rm(key, RmState::Registered);
                }
                if let Some(t) = reg.new_tmsi
                    && self.ues.get(&key).is_some_and(|u| u.tmsi != Some(t))
                {
                    self.ids.by_tmsi.remove(&t);
                }
                self.metrics.registration(reg.kind).fail("an_release");
            }
            Procedure::NetworkDeregistration(_) => self.set_rm(key, RmState::Deregistered),
            Procedure::ServiceRequest(_) => self.metrics.service.fail("an_release"),
            Procedure::ConfigurationUpdate { new_tmsi, .. } => {
                if self.ues.get(&key).is_some_and(|u| u.tmsi != Some(new_tmsi)) {
                    self.ids.by_tmsi.remove(&new_tmsi);
                }
                self.metrics.guti_realloc.fail("an_release");
            }
        }
    }
}
