//! Receiving a downlink NAS message (TS 24.501 §4.4.4.2): integrity check with the current
//! context, the exempted messages a UE processes without it, and dispatch to the handlers.

use std::time::Instant;

use ferrocore_nas::types::{MobileIdentityType, Nas5gmmMessage};
use ferrocore_nas::{NasMessage, SecurityHeaderType};
use ferrocore_nas_security::ue_processed_without_integrity;
use tracing::{debug, warn};

use super::Ue;
use super::build::Protection;

/// 5GMM cause #98 "message type not compatible with the protocol state" (§9.11.3.2).
const MESSAGE_NOT_COMPATIBLE: u8 = 98;

/// How a downlink message arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Integrity {
    /// Its MAC verified with the current context.
    Verified,
    /// Plain, or protected with a context the UE does not have / a MAC that failed.
    Unverified,
}

impl Integrity {
    /// Answers go out in kind: protected when the request was.
    pub(crate) fn answer(self) -> Protection {
        match self {
            Integrity::Verified => Protection::Current,
            Integrity::Unverified => Protection::Plain,
        }
    }
}

impl Ue {
    /// One downlink NAS PDU from the gNB. Never panics: what cannot be decoded is
    /// answered with a 5GMM STATUS where §7 says so, or dropped.
    pub(crate) fn receive_nas(&mut self, now: Instant, bytes: &[u8]) {
        let span = self.span.clone();
        let _g = span.enter();
        let header = match ferrocore_nas::security_header(bytes) {
            Ok(h) => h,
            Err(e) => {
                debug!(error = %e, "undecodable NAS header: ignored (§7.2)");
                return;
            }
        };
        match header {
            None => self.receive_plain(now, bytes, Integrity::Unverified),
            Some(h) if h.header_type == SecurityHeaderType::IntegrityProtectedNewContext => {
                self.on_security_mode_command(now, bytes);
            }
            Some(h) => {
                let opened = self.current.as_mut().map(|ctx| ctx.unprotect(bytes));
                match opened {
                    Some(Ok(u)) => self.receive_plain(now, &u.message, Integrity::Verified),
                    Some(Err(e)) if h.header_type.is_ciphered() => {
                        warn!(error = %e, "downlink integrity check failed: discarded");
                    }
                    None if h.header_type.is_ciphered() => {
                        warn!("ciphered downlink message without a context: discarded");
                    }
                    // Integrity only: the plain message can still be one of the
                    // exempted ones (§4.4.4.2).
                    _ => self.receive_plain(now, h.payload, Integrity::Unverified),
                }
            }
        }
    }

    fn receive_plain(&mut self, now: Instant, bytes: &[u8], integrity: Integrity) {
        let message = match ferrocore_nas::decode(bytes) {
            Ok(m) => m,
            Err(e) => {
                warn!(error = %e, "malformed downlink NAS message");
                if let Some(cause) = e.gmm_cause() {
                    self.send_status(cause, integrity.answer());
                }
                return;
            }
        };
        let NasMessage::Mm(mm) = message else {
            // §5.4.5: 5GSM messages travel inside DL NAS TRANSPORT only.
            debug!("plain 5GSM or nested message outside DL NAS TRANSPORT: ignored");
            return;
        };
        if integrity == Integrity::Unverified && !exempt(&mm) {
            warn!(
                message = ferrocore_nas::names::mm_name(mm.message_type().as_u8()),
                "not integrity protected: discarded (§4.4.4.2)"
            );
            return;
        }
        self.dispatch(now, mm, integrity);
    }

    fn dispatch(&mut self, now: Instant, mm: Nas5gmmMessage, integrity: Integrity) {
        use Nas5gmmMessage as M;
        match mm {
            M::AuthenticationRequest(m) => self.on_authentication_request(now, &m, integrity),
            M::AuthenticationReject(_) => self.on_authentication_reject(),
            M::IdentityRequest(m) => self.on_identity_request(&m, integrity),
            M::RegistrationAccept(m) => self.on_registration_accept(now, &m),
            M::RegistrationReject(m) => self.on_registration_reject(&m),
            M::ConfigurationUpdateCommand(m) => self.on_configuration_update(&m),
            M::DeregistrationRequestUeTerminated(m) => self.on_network_deregistration(&m),
            M::DeregistrationAcceptUeOriginating(_) => self.on_deregistration_accept(),
            M::FiveGmmStatus(m) => {
                warn!(cause = m.fgmm_cause.value, "5GMM STATUS from the network");
            }
            M::SecurityModeCommand(_) => {
                // Only header type 3 carries a SECURITY MODE COMMAND (§4.4.2.1.1).
                warn!("SECURITY MODE COMMAND without a new-context header: ignored");
            }
            M::DlNasTransport(m) => self.on_dl_nas_transport(now, &m),
            M::ServiceAccept(m) => self.on_service_accept(now, &m),
            M::ServiceReject(m) => self.on_service_reject(&m),
            other => {
                debug!(
                    message = ferrocore_nas::names::mm_name(other.message_type().as_u8()),
                    "not compatible with the protocol state"
                );
                self.send_status(MESSAGE_NOT_COMPATIBLE, integrity.answer());
            }
        }
    }
}

/// §4.4.4.2: the messages the UE processes without integrity protection, with their
/// conditions (IDENTITY REQUEST for the SUCI only; REJECTs unless cause #76 / #78).
fn exempt(mm: &Nas5gmmMessage) -> bool {
    let t = mm.message_type().as_u8();
    match mm {
        Nas5gmmMessage::IdentityRequest(r) => {
            r.identity_type.identity_type() == Some(MobileIdentityType::Suci)
        }
        Nas5gmmMessage::RegistrationReject(r) => {
            ue_processed_without_integrity(t, Some(r.fgmm_cause.value))
        }
        Nas5gmmMessage::ServiceReject(r) => {
            ue_processed_without_integrity(t, Some(r.fgmm_cause.value))
        }
        _ => ue_processed_without_integrity(t, None),
    }
}
