//! The uplink 5GMM messages the UE builds (TS 24.501 §8.2), and how it protects them.

use std::time::Instant;

use ferrocore_nas::identity::MobileIdentity;
use ferrocore_nas::ies::{Snssai, UeSecurityCapability, nas_message_container_ie, nssai_ie};
use ferrocore_nas::types::{
    NasDeRegistrationType, NasDeregistrationRequestUeOriginating, NasFGmmCapability, NasFGmmCause,
    NasFGmmStatus, NasFGsRegistrationType, NasKeySetIdentifier, NasMessageContainer,
    NasRegistrationRequest, RegistrationType,
};
use ferrocore_nas::{NasMessage, SecurityHeaderType};
use ferrocore_nas_security::{BEARER_3GPP, Direction};
use tracing::{debug, warn};

use super::{Timer, Ue, UeState};
use crate::error::SimError;
use crate::usim;

/// ngKSI value "no key is available" (TS 24.501 §9.11.3.32).
pub(crate) const NO_KEY: u8 = 7;
/// De-registration type, access type "3GPP access" (TS 24.501 §9.11.3.20).
const ACCESS_3GPP: u8 = 0x01;
/// De-registration type, switch off bit.
const SWITCH_OFF: u8 = 0x08;

/// How an uplink message is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protection {
    /// With the current context if there is one: integrity protected and ciphered.
    Current,
    /// In clear: the message answers one that came without integrity protection, or
    /// there is no context it could be protected with.
    Plain,
}

impl Ue {
    /// The UE's own NAS identity for an initial message: the 5G-GUTI if it holds one,
    /// else a fresh SUCI (TS 24.501 §5.5.1.2.2).
    fn identity(&self) -> Result<MobileIdentity, SimError> {
        match self.guti {
            Some(g) => Ok(MobileIdentity::Guti(g)),
            None => usim::suci(&self.profile),
        }
    }

    pub(super) fn ng_ksi(&self) -> u8 {
        self.current.as_ref().map_or(NO_KEY, |c| c.ng_ksi())
    }

    pub(crate) fn security_capability(&self) -> UeSecurityCapability {
        UeSecurityCapability {
            ea: self.sent_capability.0,
            ia: self.sent_capability.1,
            eea: None,
            eia: None,
        }
    }

    /// The whole REGISTRATION REQUEST for an initial registration (TS 24.501 §8.2.6).
    fn registration_request(&self) -> Result<NasRegistrationRequest, SimError> {
        let kind =
            NasFGsRegistrationType::from_registration_type(RegistrationType::InitialRegistration);
        let mut req = NasRegistrationRequest::new(
            kind,
            NasKeySetIdentifier::new(self.ng_ksi()),
            self.identity()?.to_ie()?,
        );
        req.ue_security_capability = Some(self.security_capability().to_ie());
        // 5GMM capability: no optional feature (§9.11.3.1).
        req.fgmm_capability = Some(NasFGmmCapability::new(vec![0x00]));
        if !self.profile.requested_nssai.is_empty() {
            let slices: Vec<Snssai> = self
                .profile
                .requested_nssai
                .iter()
                .map(|(sst, sd)| Snssai::new(*sst, *sd))
                .collect();
            req.requested_nssai = Some(nssai_ie(&slices)?);
        }
        Ok(req)
    }

    /// The cleartext IEs of a REGISTRATION REQUEST (TS 24.501 §4.4.6): registration type,
    /// ngKSI, 5GS mobile identity and UE security capability.
    fn cleartext(full: &NasRegistrationRequest) -> NasRegistrationRequest {
        let mut clear = NasRegistrationRequest::new(
            full.fgs_registration_type,
            full.ngksi,
            full.fgs_mobile_identity.clone(),
        );
        clear.ue_security_capability = full.ue_security_capability.clone();
        clear
    }

    /// Sends the initial REGISTRATION REQUEST (TS 24.501 §5.5.1.2.2) with the initial NAS
    /// message protection of §4.4.6:
    /// - without a security context: the cleartext IEs only, in clear; the whole message
    ///   follows in SECURITY MODE COMPLETE;
    /// - with one: the cleartext IEs plus, when there are others, the whole message
    ///   ciphered in the NAS message container, integrity protected.
    pub(crate) fn start_registration(&mut self, now: Instant) {
        match self.try_start_registration(now) {
            Ok(()) => {}
            Err(e) => {
                warn!(error = %e, "cannot build REGISTRATION REQUEST");
                self.fail_registration(crate::FailureReason::Protocol(e.to_string()));
            }
        }
    }

    fn try_start_registration(&mut self, now: Instant) -> Result<(), SimError> {
        let full = self.registration_request()?;
        let full_bytes = ferrocore_nas::encode(&NasMessage::mm(full.clone()))?;
        let mut clear = Self::cleartext(&full);
        let s_tmsi = self.guti.map(|g| g.s_tmsi());
        let pdu = match self.current.as_mut() {
            None => {
                self.initial_cleartext_only = true;
                ferrocore_nas::encode(&NasMessage::mm(clear))?
            }
            Some(ctx) => {
                self.initial_cleartext_only = false;
                let clear_bytes = ferrocore_nas::encode(&NasMessage::mm(clear.clone()))?;
                if clear_bytes != full_bytes {
                    let mut container = full_bytes.clone();
                    ctx.nea().apply(
                        ctx.knas_enc(),
                        ctx.uplink_count().value(),
                        BEARER_3GPP,
                        Direction::Uplink.bit(),
                        &mut container,
                    );
                    clear.nas_message_container = Some(NasMessageContainer::new(container));
                }
                let plain = ferrocore_nas::encode(&NasMessage::mm(clear))?;
                ctx.protect(&plain, SecurityHeaderType::IntegrityProtected)?
            }
        };
        self.initial_full = Some(full_bytes);
        self.state = UeState::RegisteredInitiated;
        self.pending = None;
        self.auth_failures = 0;
        self.last_auth_failure = None;
        self.timers.stop_all();
        self.timers.start(Timer::T3510, now);
        if self.connected {
            // A registration on an existing connection is not an initial message.
            self.emit_nas(pdu, None);
        } else {
            self.emit_nas(pdu, s_tmsi);
        }
        debug!(guti = self.guti.is_some(), "REGISTRATION REQUEST sent");
        Ok(())
    }

    /// Sends (or re-sends) the DEREGISTRATION REQUEST (UE originating) of TS 24.501
    /// §5.5.2.2.1: switch off or normal, 3GPP access, 5G-GUTI or SUCI. Integrity
    /// protected as an initial message, ciphered too on an existing connection.
    pub(crate) fn send_deregistration_request(&mut self, now: Instant) {
        if let Err(e) = self.try_deregistration_request(now) {
            warn!(error = %e, "cannot build DEREGISTRATION REQUEST");
            self.finish_deregistration();
        }
    }

    fn try_deregistration_request(&mut self, now: Instant) -> Result<(), SimError> {
        let kind = ACCESS_3GPP | if self.switch_off { SWITCH_OFF } else { 0 };
        let req = NasDeregistrationRequestUeOriginating::new(
            NasDeRegistrationType::new(kind),
            NasKeySetIdentifier::new(self.ng_ksi()),
            self.identity()?.to_ie()?,
        );
        let plain = ferrocore_nas::encode(&NasMessage::mm(req))?;
        let s_tmsi = self.guti.map(|g| g.s_tmsi());
        let pdu = match self.current.as_mut() {
            Some(ctx) if self.connected => {
                ctx.protect(&plain, SecurityHeaderType::IntegrityProtectedAndCiphered)?
            }
            Some(ctx) => ctx.protect(&plain, SecurityHeaderType::IntegrityProtected)?,
            None => plain.clone(),
        };
        self.initial_full = Some(plain);
        self.initial_cleartext_only = false;
        self.deregistration_attempts += 1;
        self.emit_nas(pdu, s_tmsi);
        if self.switch_off {
            // §5.5.2.2.2: switched off, the UE does not wait for an accept.
            self.finish_deregistration();
        } else {
            self.state = UeState::DeregisteredInitiated;
            self.timers.start(Timer::T3521, now);
        }
        Ok(())
    }

    /// Sends a plain 5GMM message, protected as `protection` says.
    pub(crate) fn send(&mut self, message: NasMessage, protection: Protection) {
        let plain = match ferrocore_nas::encode(&message) {
            Ok(p) => p,
            Err(e) => {
                warn!(error = %e, message = message.name(), "cannot encode");
                return;
            }
        };
        let pdu = match (protection, self.current.as_mut()) {
            (Protection::Current, Some(ctx)) => {
                match ctx.protect(&plain, SecurityHeaderType::IntegrityProtectedAndCiphered) {
                    Ok(p) => p,
                    Err(e) => {
                        warn!(error = %e, "cannot protect");
                        return;
                    }
                }
            }
            _ => plain,
        };
        debug!(message = message.name(), "uplink");
        self.emit_nas(pdu, None);
    }

    /// Sends an encoded plain 5GMM message, protected as `protection` says, on the
    /// connection.
    pub(crate) fn send_encoded(&mut self, plain: Vec<u8>, protection: Protection) {
        let pdu = match (protection, self.current.as_mut()) {
            (Protection::Current, Some(ctx)) => {
                match ctx.protect(&plain, SecurityHeaderType::IntegrityProtectedAndCiphered) {
                    Ok(p) => p,
                    Err(e) => {
                        warn!(error = %e, "cannot protect");
                        return;
                    }
                }
            }
            _ => plain,
        };
        self.emit_nas(pdu, None);
    }

    /// 5GMM STATUS with `cause` (TS 24.501 §5.4.5.2, §7).
    pub(crate) fn send_status(&mut self, cause: u8, protection: Protection) {
        let status = NasFGmmStatus::new(NasFGmmCause::new(cause));
        self.send(NasMessage::mm(status), protection);
    }

    /// The NAS message container of SECURITY MODE COMPLETE: the whole initial message.
    pub(crate) fn initial_message_container(&self) -> Option<NasMessageContainer> {
        let bytes = self.initial_full.as_ref()?;
        let msg = ferrocore_nas::decode(bytes).ok()?;
        nas_message_container_ie(&msg).ok()
    }
}
