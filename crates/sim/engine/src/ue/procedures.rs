//! The UE's handlers, one per downlink 5GMM message (TS 24.501 §5.4, §5.5).

use std::time::{Duration, Instant};

use ferrocore_crypto::{NasCipheringAlgorithm, NasIntegrityAlgorithm, kdf};
use ferrocore_nas::NasMessage;
use ferrocore_nas::identity::MobileIdentity;
use ferrocore_nas::ies::{UeSecurityCapability, nssai};
use ferrocore_nas::types::{
    MobileIdentityType, Nas5gmmMessage, NasAuthenticationFailure,
    NasAuthenticationFailureParameter, NasAuthenticationRequest, NasAuthenticationResponse,
    NasAuthenticationResponseParameter, NasConfigurationUpdateCommand,
    NasConfigurationUpdateComplete, NasDeregistrationAcceptUeTerminated,
    NasDeregistrationRequestUeTerminated, NasFGmmCause, NasFGsMobileIdentity,
    NasFGsTrackingAreaIdentityList, NasIdentityRequest, NasIdentityResponse, NasNssai,
    NasRegistrationAccept, NasRegistrationComplete, NasRegistrationReject, NasSecurityModeCommand,
    NasSecurityModeComplete, NasSecurityModeReject,
};
use ferrocore_nas_security::{SecurityContext, SecurityHeaderType, Side};
use tracing::{debug, info, warn};

use super::build::Protection;
use super::receive::Integrity;
use super::{MAX_AUTHENTICATION_FAILURES, Timer, TrackingArea, Ue, UeOutput, UeState};
use crate::FailureReason;
use crate::usim::Refusal;

/// #23 "UE security capabilities mismatch" (TS 24.501 §9.11.3.2).
const CAUSE_CAPABILITIES_MISMATCH: u8 = 23;
/// #24 "security mode rejected, unspecified".
const CAUSE_SMC_UNSPECIFIED: u8 = 24;
/// #71 "ngKSI already in use".
const CAUSE_NGKSI_IN_USE: u8 = 71;
/// #96 "invalid mandatory information".
const CAUSE_INVALID_MANDATORY: u8 = 96;
/// REGISTRATION REJECT causes after which the UE deletes its 5G-GUTI and security
/// context (§5.5.1.2.5): #3, #6, #7 (SIM invalid / not allowed) and #9, #10 (identity
/// cannot be derived / implicitly de-registered).
const REJECT_DELETES_IDENTITY: &[u8] = &[3, 6, 7, 9, 10];

impl Ue {
    /// AUTHENTICATION REQUEST (TS 24.501 §5.4.1.3.2, §5.4.1.3.7; TS 33.501 §6.1.3.2.0):
    /// the USIM checks AUTN; RES* in AUTHENTICATION RESPONSE, or AUTHENTICATION FAILURE
    /// #20 / #21 (with AUTS) / #26, or #71 for an ngKSI the current context uses.
    pub(crate) fn on_authentication_request(
        &mut self,
        now: Instant,
        req: &NasAuthenticationRequest,
        integrity: Integrity,
    ) {
        self.timers.stop(Timer::T3520);
        let ng_ksi = req.ngksi.value & 0x0f;
        let (Some(rand), Some(autn)) = (
            req.authentication_parameter_rand
                .as_ref()
                .and_then(|r| <[u8; 16]>::try_from(r.value.as_slice()).ok()),
            req.authentication_parameter_autn
                .as_ref()
                .and_then(|a| <[u8; 16]>::try_from(a.value.as_slice()).ok()),
        ) else {
            // EAP-AKA' is not simulated: RAND and AUTN are needed for 5G AKA.
            self.send_status(CAUSE_INVALID_MANDATORY, integrity.answer());
            return;
        };
        if self.current.as_ref().is_some_and(|c| c.ng_ksi() == ng_ksi) {
            self.authentication_failure(now, CAUSE_NGKSI_IN_USE, None, integrity);
            return;
        }
        let snn = match kdf::serving_network_name(&self.serving_mcc, &self.serving_mnc) {
            Ok(s) => s,
            Err(e) => {
                warn!(error = %e, "serving PLMN unusable");
                return;
            }
        };
        match self
            .usim
            .authenticate(&rand, &autn, &snn, req.abba.value.as_slice())
        {
            Ok(challenge) => {
                debug!(ng_ksi, "AUTN verified");
                self.pending = Some((ng_ksi, challenge.kamf));
                self.auth_failures = 0;
                self.last_auth_failure = None;
                let mut rsp = NasAuthenticationResponse::new();
                rsp.authentication_response_parameter = Some(
                    NasAuthenticationResponseParameter::new(challenge.res_star.to_vec()),
                );
                self.send(NasMessage::mm(rsp), integrity.answer());
            }
            Err(refusal) => {
                let auts = match &refusal {
                    Refusal::SynchFailure { auts } => Some(*auts),
                    _ => None,
                };
                info!(cause = refusal.cause(), "AUTN refused");
                self.authentication_failure(now, refusal.cause(), auts, integrity);
            }
        }
    }

    fn authentication_failure(
        &mut self,
        now: Instant,
        cause: u8,
        auts: Option<[u8; 14]>,
        integrity: Integrity,
    ) {
        let mut failure = NasAuthenticationFailure::new(NasFGmmCause::new(cause));
        failure.authentication_failure_parameter =
            auts.map(|a| NasAuthenticationFailureParameter::new(a.to_vec()));
        self.send(NasMessage::mm(failure), integrity.answer());
        self.auth_failures += 1;
        self.last_auth_failure = Some(cause);
        if self.auth_failures >= MAX_AUTHENTICATION_FAILURES {
            // §5.4.1.3.7: the network failed the authentication check three times.
            self.outputs.push_back(UeOutput::Release);
            self.connected = false;
            self.fail_registration(FailureReason::AuthenticationFailed { cause });
        } else {
            self.timers.start(Timer::T3520, now);
        }
    }

    /// AUTHENTICATION REJECT (TS 24.501 §5.4.1.3.5): the USIM is invalid for 5GS; the UE
    /// deletes its 5G-GUTI, TAI list and ngKSI and is de-registered.
    pub(crate) fn on_authentication_reject(&mut self) {
        info!("AUTHENTICATION REJECT");
        self.forget_identity();
        self.fail_registration(FailureReason::AuthenticationRejected);
    }

    pub(super) fn forget_identity(&mut self) {
        self.guti = None;
        self.tai_list.clear();
        self.current = None;
        self.pending = None;
    }

    /// IDENTITY REQUEST (TS 24.501 §5.4.3.2): SUCI (fresh), IMEI, IMEISV or 5G-GUTI.
    pub(crate) fn on_identity_request(&mut self, req: &NasIdentityRequest, integrity: Integrity) {
        let identity = match req.identity_type.identity_type() {
            Some(MobileIdentityType::Suci) | None => crate::usim::suci(&self.profile),
            Some(MobileIdentityType::Imeisv) => {
                Ok(MobileIdentity::Imeisv(self.profile.imeisv.clone()))
            }
            Some(MobileIdentityType::Imei) => Ok(imei_of(&self.profile.imeisv)
                .map(MobileIdentity::Imei)
                .unwrap_or(MobileIdentity::NoIdentity)),
            Some(MobileIdentityType::Guti) => Ok(self
                .guti
                .map(MobileIdentity::Guti)
                .unwrap_or(MobileIdentity::NoIdentity)),
            Some(_) => Ok(MobileIdentity::NoIdentity),
        };
        let ie = identity.and_then(|i| Ok(i.to_ie()?));
        match ie {
            Ok(ie) => {
                let rsp = NasIdentityResponse::new(ie);
                self.send(NasMessage::mm(rsp), integrity.answer());
            }
            Err(e) => warn!(error = %e, "cannot build IDENTITY RESPONSE"),
        }
    }

    /// SECURITY MODE COMMAND, header type 3 (TS 24.501 §5.4.2.3, §5.4.2.5): takes the
    /// context of the authentication just run (or the current one) into use with the
    /// selected algorithms, checks the MAC and the replayed UE security capabilities,
    /// and answers SECURITY MODE COMPLETE (type 4, IMEISV if requested, the whole
    /// initial message if RINMR is set or the initial message carried cleartext IEs
    /// only) or SECURITY MODE REJECT #23 / #24.
    pub(crate) fn on_security_mode_command(&mut self, _now: Instant, bytes: &[u8]) {
        let smc = match ferrocore_nas::decode(bytes) {
            Ok(m) => match m.as_mm() {
                Some(Nas5gmmMessage::SecurityModeCommand(smc)) => (**smc).clone(),
                _ => {
                    warn!("header type 3 without a SECURITY MODE COMMAND: discarded");
                    return;
                }
            },
            Err(e) => {
                warn!(error = %e, "malformed SECURITY MODE COMMAND");
                self.security_mode_reject(CAUSE_SMC_UNSPECIFIED);
                return;
            }
        };
        match self.accept_security_mode(&smc, bytes) {
            Ok(ctx) => self.security_mode_complete(&smc, ctx),
            Err(cause) => self.security_mode_reject(cause),
        }
    }

    fn accept_security_mode(
        &mut self,
        smc: &NasSecurityModeCommand,
        bytes: &[u8],
    ) -> Result<SecurityContext, u8> {
        let ng_ksi = smc.ngksi.value & 0x0f;
        let algos = smc.selected_nas_security_algorithms.value;
        let (nea, nia) = (algos >> 4 & 0x0f, algos & 0x0f);
        let supported =
            self.profile.ciphering.contains(&nea) && self.profile.integrity.contains(&nia);
        let (Ok(nea), Ok(nia), true) = (
            NasCipheringAlgorithm::try_from(nea),
            NasIntegrityAlgorithm::try_from(nia),
            supported,
        ) else {
            warn!(nea, nia, "unsupported algorithms selected");
            return Err(CAUSE_SMC_UNSPECIFIED);
        };
        let mut ctx = match (&self.pending, &self.current) {
            (Some((ksi, kamf)), _) if *ksi == ng_ksi => {
                SecurityContext::new(Side::Ue, ng_ksi, kamf.clone(), nia, nea)
                    .map_err(|_| CAUSE_SMC_UNSPECIFIED)?
            }
            (_, Some(cur)) if cur.ng_ksi() == ng_ksi => {
                let mut ctx = cur.clone();
                ctx.select_algorithms(nia, nea);
                ctx
            }
            _ => {
                warn!(ng_ksi, "SECURITY MODE COMMAND for an unknown ngKSI");
                return Err(CAUSE_SMC_UNSPECIFIED);
            }
        };
        if let Err(e) = ctx.unprotect(bytes) {
            warn!(error = %e, "SECURITY MODE COMMAND MAC check failed");
            return Err(CAUSE_SMC_UNSPECIFIED);
        }
        let replayed = UeSecurityCapability::parse(&smc.replayed_ue_security_capabilities);
        let sent = self.security_capability();
        if (replayed.ea, replayed.ia) != (sent.ea, sent.ia) {
            warn!(?replayed, ?sent, "replayed UE security capabilities differ");
            return Err(CAUSE_CAPABILITIES_MISMATCH);
        }
        Ok(ctx)
    }

    fn security_mode_complete(&mut self, smc: &NasSecurityModeCommand, mut ctx: SecurityContext) {
        let mut complete = NasSecurityModeComplete::new();
        // IMEISV request: value 1 "IMEISV requested" (§9.11.3.28).
        if smc.imeisv_request.is_some_and(|r| r.value & 0x07 == 1) {
            complete.imeisv = MobileIdentity::Imeisv(self.profile.imeisv.clone())
                .to_ie()
                .ok();
        }
        let rinmr = smc
            .additional_5g_security_information
            .as_ref()
            .is_some_and(|a| a.rinmr());
        if rinmr || self.initial_cleartext_only {
            complete.nas_message_container = self.initial_message_container();
        }
        let plain = match ferrocore_nas::encode(&NasMessage::mm(complete)) {
            Ok(p) => p,
            Err(e) => {
                warn!(error = %e, "cannot encode SECURITY MODE COMPLETE");
                return;
            }
        };
        match ctx.protect(
            &plain,
            SecurityHeaderType::IntegrityProtectedAndCipheredNewContext,
        ) {
            Ok(pdu) => {
                info!(nia = ?ctx.nia(), nea = ?ctx.nea(), "security mode complete");
                self.current = Some(ctx);
                self.pending = None;
                self.initial_cleartext_only = false;
                self.emit_nas(pdu, None);
            }
            Err(e) => warn!(error = %e, "cannot protect SECURITY MODE COMPLETE"),
        }
    }

    fn security_mode_reject(&mut self, cause: u8) {
        info!(cause, "SECURITY MODE REJECT");
        let reject = NasSecurityModeReject::new(NasFGmmCause::new(cause));
        self.send(NasMessage::mm(reject), Protection::Plain);
    }

    /// REGISTRATION ACCEPT (TS 24.501 §5.5.1.2.4): stores the 5G-GUTI, TAI list, allowed
    /// NSSAI and T3512; REGISTRATION COMPLETE when a 5G-GUTI was assigned.
    pub(crate) fn on_registration_accept(&mut self, now: Instant, accept: &NasRegistrationAccept) {
        if self.state != UeState::RegisteredInitiated {
            debug!(state = ?self.state, "REGISTRATION ACCEPT out of state: ignored");
            return;
        }
        let new_guti = accept.fg_guti.as_ref().and_then(guti_of);
        if let Some(g) = new_guti {
            self.guti = Some(g);
        }
        if let Some(l) = &accept.tai_list {
            self.tai_list = tai_list_of(l);
        }
        if let Some(n) = &accept.allowed_nssai {
            self.allowed_nssai = nssai_of(n);
        }
        if let Some(t) = &accept.t3512_value {
            self.t3512 = t.to_seconds().map(Duration::from_secs);
        }
        self.timers.stop_all();
        self.state = UeState::Registered;
        self.registration_attempts = 0;
        self.initial_full = None;
        self.last_auth_failure = None;
        if new_guti.is_some() {
            self.send(
                NasMessage::mm(NasRegistrationComplete::new()),
                Protection::Current,
            );
        }
        info!(guti = new_guti.is_some(), "registered");
        self.outputs.push_back(UeOutput::Registered { at: now });
    }

    /// REGISTRATION REJECT (TS 24.501 §5.5.1.2.5).
    pub(crate) fn on_registration_reject(&mut self, reject: &NasRegistrationReject) {
        let cause = reject.fgmm_cause.value;
        info!(cause, "REGISTRATION REJECT");
        if REJECT_DELETES_IDENTITY.contains(&cause) {
            self.forget_identity();
        }
        self.fail_registration(FailureReason::Rejected { cause });
    }

    /// CONFIGURATION UPDATE COMMAND (TS 24.501 §5.4.4.3): new 5G-GUTI, TAI list, allowed
    /// NSSAI; CONFIGURATION UPDATE COMPLETE when acknowledgement is requested.
    pub(crate) fn on_configuration_update(&mut self, cmd: &NasConfigurationUpdateCommand) {
        if let Some(g) = cmd.fg_guti.as_ref().and_then(guti_of) {
            self.guti = Some(g);
        }
        if let Some(l) = &cmd.tai_list {
            self.tai_list = tai_list_of(l);
        }
        if let Some(n) = &cmd.allowed_nssai {
            self.allowed_nssai = nssai_of(n);
        }
        if cmd.configuration_update_indication.is_some_and(|i| i.ack()) {
            self.send(
                NasMessage::mm(NasConfigurationUpdateComplete::new()),
                Protection::Current,
            );
        }
    }

    /// DEREGISTRATION REQUEST (UE terminated) (TS 24.501 §5.5.2.3.2): DEREGISTRATION
    /// ACCEPT; registers again after the release when re-registration is required.
    pub(crate) fn on_network_deregistration(&mut self, req: &NasDeregistrationRequestUeTerminated) {
        let reregister = req.de_registration_type.re_registration_required();
        info!(reregister, "network-initiated de-registration");
        self.send(
            NasMessage::mm(NasDeregistrationAcceptUeTerminated::new()),
            Protection::Current,
        );
        if req
            .fgmm_cause
            .as_ref()
            .is_some_and(|c| REJECT_DELETES_IDENTITY.contains(&c.value))
        {
            self.forget_identity();
        }
        self.reregister_after_release = reregister;
        if self.state == UeState::RegisteredInitiated {
            self.fail_registration(FailureReason::Protocol(
                "network de-registered the UE during registration".into(),
            ));
        }
        self.finish_deregistration();
    }

    /// DEREGISTRATION ACCEPT (UE originating) (TS 24.501 §5.5.2.2.2).
    pub(crate) fn on_deregistration_accept(&mut self) {
        if self.state == UeState::DeregisteredInitiated {
            info!("de-registered");
            self.finish_deregistration();
        }
    }
}

fn guti_of(ie: &NasFGsMobileIdentity) -> Option<ferrocore_nas::types::Guti> {
    match MobileIdentity::parse(ie) {
        Ok(MobileIdentity::Guti(g)) => Some(g),
        _ => None,
    }
}

fn tai_list_of(l: &NasFGsTrackingAreaIdentityList) -> Vec<TrackingArea> {
    l.tais()
        .iter()
        .map(|t| {
            let plmn = t.plmn();
            TrackingArea {
                mcc: plmn.mcc().to_owned(),
                mnc: plmn.mnc().to_owned(),
                tac: t.tac(),
            }
        })
        .collect()
}

fn nssai_of(n: &NasNssai) -> Vec<(u8, Option<u32>)> {
    nssai(n)
        .map(|v| v.iter().map(|s| (s.sst, s.sd.value())).collect())
        .unwrap_or_default()
}

/// IMEI from IMEISV: the first 14 digits (TAC + SNR) and the Luhn check digit
/// (TS 23.003 §6.2).
fn imei_of(imeisv: &str) -> Option<String> {
    let body = imeisv.get(..14)?;
    if !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                x / 10 + x % 10
            } else {
                d
            }
        })
        .sum();
    Some(format!("{body}{}", (10 - sum % 10) % 10))
}
