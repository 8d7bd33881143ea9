//! The NAS security layer as the AMF applies it (TS 24.501 §4.4.4.3, §4.4.3.2): every
//! protected uplink message is integrity checked; a message that fails, or comes
//! without protection, is processed only if it is on the §4.4.4.3 list; replays are
//! dropped. Downlink messages are protected once secure exchange is established.

use ferrocore_nas::{EPD_5GMM, SecurityHeaderType};
use ferrocore_nas_security::{SecurityContext, SecurityError, processed_without_integrity};

use crate::context::UeKey;
use crate::engine::Amf;
use crate::metrics::ReasonLabel;

/// An uplink NAS message that may be processed.
#[derive(Debug)]
pub(crate) struct Uplink {
    /// The plain message.
    pub plain: Vec<u8>,
    /// Its integrity check passed with the UE's current context.
    pub verified: bool,
    /// The uplink NAS COUNT it was protected with, when verified.
    pub count: Option<u32>,
    /// Security header type 3 or 4 (new context).
    pub new_context: bool,
}

/// The NAS message container of an initial NAS message deciphered (TS 24.501 §4.4.6):
/// the full message, ciphered with the UE's current context and the uplink COUNT of the
/// message that carries it.
pub(crate) fn decipher_container(ctx: &SecurityContext, count: u32, container: &[u8]) -> Vec<u8> {
    let mut inner = container.to_vec();
    ctx.nea().apply(
        ctx.knas_enc(),
        count,
        ferrocore_nas_security::BEARER_3GPP,
        0,
        &mut inner,
    );
    inner
}

fn mm_type(plain: &[u8]) -> Option<u8> {
    match plain {
        [EPD_5GMM, 0, t, ..] => Some(*t),
        _ => None,
    }
}

impl Amf {
    fn drop_nas(&self, reason: &'static str) {
        tracing::warn!(reason, "uplink NAS message dropped");
        self.metrics
            .nas_dropped
            .get_or_create(&ReasonLabel { reason })
            .inc();
    }

    /// Applies TS 24.501 §4.4.4.3 to one uplink NAS message of `key`.
    pub(crate) fn receive_nas(&mut self, key: UeKey, bytes: &[u8]) -> Option<Uplink> {
        let header = match ferrocore_nas::security_header(bytes) {
            Ok(h) => h,
            Err(e) => {
                // Too short or an unknown protocol discriminator: ignored (§7.2); a
                // reserved security header type gets a 5GMM STATUS.
                if let Some(cause) = e.gmm_cause() {
                    self.send_gmm_status(key, cause);
                }
                self.drop_nas("bad_header");
                return None;
            }
        };
        let Some(header) = header else {
            // Plain (security header type 0).
            return match mm_type(bytes) {
                Some(t) if processed_without_integrity(t) => Some(Uplink {
                    plain: bytes.to_vec(),
                    verified: false,
                    count: None,
                    new_context: false,
                }),
                _ => {
                    self.drop_nas("not_integrity_protected");
                    None
                }
            };
        };
        let unverified = |amf: &Amf, payload: &[u8], ciphered: bool| -> Option<Uplink> {
            match mm_type(payload) {
                Some(t) if !ciphered && processed_without_integrity(t) => Some(Uplink {
                    plain: payload.to_vec(),
                    verified: false,
                    count: None,
                    new_context: false,
                }),
                _ => {
                    amf.drop_nas("integrity_check_failed");
                    None
                }
            }
        };
        let ciphered = header.header_type.is_ciphered();
        let new_context = matches!(
            header.header_type,
            SecurityHeaderType::IntegrityProtectedNewContext
                | SecurityHeaderType::IntegrityProtectedAndCipheredNewContext
        );
        let ctx = self.ues.get_mut(&key).and_then(|u| u.security.as_mut());
        let Some(ctx) = ctx else {
            return unverified(self, header.payload, ciphered);
        };
        match ctx.unprotect(bytes) {
            Ok(u) => Some(Uplink {
                plain: u.message,
                verified: true,
                count: Some(u.count.value()),
                new_context,
            }),
            Err(SecurityError::Replay {
                count, expected, ..
            }) => {
                self.metrics.nas_replay.inc();
                tracing::warn!(count, expected, "replayed uplink NAS COUNT");
                self.drop_nas("replay");
                None
            }
            Err(SecurityError::MacMismatch { count, .. }) => {
                self.metrics.nas_integrity_fail.inc();
                tracing::warn!(count, "uplink NAS integrity check failed");
                unverified(self, header.payload, ciphered)
            }
            Err(e) => {
                tracing::warn!(error = %e, "uplink NAS message not accepted");
                self.drop_nas("security");
                None
            }
        }
    }

    /// The NAS octets of a downlink 5GMM message: protected (integrity and ciphering,
    /// header type 2) once secure exchange is established, plain before.
    pub(crate) fn downlink_nas(&mut self, key: UeKey, plain: &[u8]) -> Option<Vec<u8>> {
        let ue = self.ues.get_mut(&key)?;
        match (&mut ue.security, ue.secured) {
            (Some(ctx), true) => {
                match ctx.protect(plain, SecurityHeaderType::IntegrityProtectedAndCiphered) {
                    Ok(b) => Some(b),
                    Err(e) => {
                        tracing::error!(error = %e, "downlink NAS message not protected");
                        None
                    }
                }
            }
            _ => Some(plain.to_vec()),
        }
    }
}
