//! Receiving: NAS COUNT estimation, integrity check, deciphering and replay protection
//! (TS 24.501 §4.4.3, §4.4.4; TS 33.501 §6.4.3.2).

use crate::context::BEARER_3GPP;
use crate::count::NasCount;
use crate::{SecurityContext, SecurityError};
use ferrocore_nas::{EPD_5GMM, NasMessage, SECURITY_HEADER_LEN, SecurityHeaderType};

/// A security protected message whose MAC verified, deciphered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unprotected {
    /// The security header type it arrived with (TS 24.501 §9.3.1).
    pub header_type: SecurityHeaderType,
    /// The full NAS COUNT it was protected with; for an uplink message this is the "uplink
    /// NAS COUNT" input of KgNB (TS 33.501 Annex A.9).
    pub count: NasCount,
    /// The plain NAS message.
    pub message: Vec<u8>,
}

impl Unprotected {
    /// Header type 3 or 4: the sender used a new 5G NAS security context (TS 24.501
    /// §4.4.2.1.1).
    pub fn new_context(&self) -> bool {
        matches!(
            self.header_type,
            SecurityHeaderType::IntegrityProtectedNewContext
                | SecurityHeaderType::IntegrityProtectedAndCipheredNewContext
        )
    }

    /// The 5GMM message type of the plain message (TS 24.501 §9.7), or `None` for a 5GSM or
    /// too short one.
    pub fn mm_message_type(&self) -> Option<u8> {
        match self.message.as_slice() {
            [EPD_5GMM, _, t, ..] => Some(*t),
            _ => None,
        }
    }

    /// Decodes the plain message with `ferrocore-nas`.
    pub fn decode(&self) -> Result<NasMessage, ferrocore_nas::Error> {
        ferrocore_nas::decode(&self.message)
    }
}

impl SecurityContext {
    /// Checks and opens a security protected NAS message received by this side.
    ///
    /// 1. The full NAS COUNT is estimated from the 8-bit SN (TS 24.501 §4.4.3.1): the
    ///    receive overflow counter, plus one when SN is below the expected sequence number.
    /// 2. The NAS-MAC over SN || message is verified with that COUNT (§4.4.3.3, §4.4.4;
    ///    TS 33.501 §6.4.3.1).
    /// 3. If it does not verify but does with the COUNT one overflow lower, the message is
    ///    genuine and was protected with a COUNT below the receive COUNT: a replay
    ///    ([`SecurityError::Replay`]; each COUNT is accepted at most once and the receive
    ///    COUNT only grows, TS 33.501 §6.4.3.2, TS 24.501 §4.4.3.2). Otherwise
    ///    [`SecurityError::MacMismatch`].
    /// 4. Types 2 and 4 are deciphered with NEA (§4.4.5, TS 33.501 §6.4.4.1).
    /// 5. Only then does the receive COUNT move to one above the accepted one.
    ///
    /// On any error the context is unchanged. With NIA0 every all-zero MAC verifies, so
    /// nothing can be told from a replay: TS 33.501 Annex D.1 provides no replay
    /// protection with NIA0 (unauthenticated emergency sessions).
    pub fn unprotect(&mut self, bytes: &[u8]) -> Result<Unprotected, SecurityError> {
        let header = ferrocore_nas::security_header(bytes)
            .map_err(SecurityError::from_header)?
            .ok_or(SecurityError::NotProtected)?;
        let direction = self.side().receiving();
        let expected = self.count(direction);
        let count = expected
            .estimate(header.sequence_number)
            .filter(|c| c.next().is_some())
            .ok_or(SecurityError::CountExhausted { direction })?;
        let covered = &bytes[SECURITY_HEADER_LEN - 1..];
        let mac = header.mac.to_be_bytes();
        let verifies = |c: NasCount| {
            self.nia()
                .verify(
                    self.knas_int(),
                    c.value(),
                    BEARER_3GPP,
                    direction.bit(),
                    covered,
                    &mac,
                )
                .is_ok()
        };
        if !verifies(count) {
            let previous = count.value().checked_sub(256).and_then(NasCount::new);
            if let Some(previous) = previous.filter(|p| verifies(*p)) {
                return Err(SecurityError::Replay {
                    direction,
                    count: previous.value(),
                    expected: expected.value(),
                });
            }
            return Err(SecurityError::MacMismatch {
                direction,
                count: count.value(),
            });
        }
        let mut message = header.payload.to_vec();
        if header.header_type.is_ciphered() {
            self.nea().apply(
                self.knas_enc(),
                count.value(),
                BEARER_3GPP,
                direction.bit(),
                &mut message,
            );
        }
        // `count.next()` fits: checked above.
        *self.count_mut(direction) = count.next().unwrap_or(count);
        Ok(Unprotected {
            header_type: header.header_type,
            count,
            message,
        })
    }
}

/// What [`receive`] makes of one received NAS message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received<'a> {
    /// A plain message (security header type 0): whether it may be processed is for
    /// [`crate::exemptions`] to say.
    Plain(&'a [u8]),
    /// A protected message that verified.
    Protected(Unprotected),
}

/// Receives one NAS message with the current context, if there is one: plain messages
/// pass through, protected ones go through [`SecurityContext::unprotect`];
/// a protected message without a context is [`SecurityError::NoContext`] (TS 24.501
/// §4.4.4.3: the AMF may then still process an exempted message in it, e.g. the
/// REGISTRATION REQUEST of a UE it has no context for, after re-authenticating).
pub fn receive<'a>(
    context: Option<&mut SecurityContext>,
    bytes: &'a [u8],
) -> Result<Received<'a>, SecurityError> {
    let protected = ferrocore_nas::security_header(bytes)
        .map_err(SecurityError::from_header)?
        .is_some();
    match (protected, context) {
        (false, _) => Ok(Received::Plain(bytes)),
        (true, None) => Err(SecurityError::NoContext),
        (true, Some(ctx)) => ctx.unprotect(bytes).map(Received::Protected),
    }
}
