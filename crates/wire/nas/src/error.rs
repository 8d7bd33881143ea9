//! The one error type of the crate, and the 5GMM / 5GSM cause each error is answered with
//! (TS 24.501 §7 "Handling of unknown, unforeseen, and erroneous protocol data", Annex A).

use oxirush_nas::common::{IeFault, NasError};

/// What is wrong with a mandatory IE (TS 24.501 §7.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MandatoryFault {
    /// The message ends before the IE.
    Missing,
    /// The message ends inside the IE.
    Truncated,
    /// The IE is shorter than the message table allows.
    TooShort,
    /// The value is syntactically incorrect.
    Syntax,
}

impl std::fmt::Display for MandatoryFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Missing => "is missing",
            Self::Truncated => "is cut short",
            Self::TooShort => "is shorter than its message allows",
            Self::Syntax => "is syntactically incorrect",
        })
    }
}

/// Which sublayer a message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sublayer {
    /// 5GS mobility management, EPD 0x7e (TS 24.501 §8.2).
    Mm,
    /// 5GS session management, EPD 0x2e (TS 24.501 §8.3).
    Sm,
}

/// A NAS message that cannot be decoded, encoded or accepted.
///
/// Every variant names the field or IE at fault; [`Error::gmm_cause`] gives the 5GMM cause
/// of the 5GMM STATUS the AMF answers with (TS 24.501 §8.2.29), `None` when §7 says the
/// message is silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The message ends inside its header (TS 24.501 §7.2).
    #[error("message too short: {field} needs {needed} octets, {len} present")]
    TooShort {
        /// The header field that does not fit.
        field: &'static str,
        /// Octets present.
        len: usize,
        /// Octets needed.
        needed: usize,
    },
    /// The first octet is no 5GS extended protocol discriminator (TS 24.007 §11.2.3.1.1A).
    #[error("unknown extended protocol discriminator {0:#04x}")]
    UnknownProtocolDiscriminator(u8),
    /// The security header type is reserved (TS 24.501 §9.3.1, Table 9.3.1).
    #[error("reserved security header type {0}")]
    ReservedSecurityHeaderType(u8),
    /// The message type is not one of the sublayer (TS 24.501 §7.4, §9.7).
    #[error("unknown {sublayer:?} message type {message_type:#04x}")]
    UnknownMessageType {
        /// 5GMM or 5GSM.
        sublayer: Sublayer,
        /// The message type octet.
        message_type: u8,
    },
    /// A 5GSM message with a reserved PDU session identity (TS 24.501 §7.3.2, §9.4).
    #[error("reserved PDU session identity {psi} (PTI {pti}, message type {message_type:#04x})")]
    ReservedPduSessionIdentity {
        /// PDU session identity octet.
        psi: u8,
        /// Procedure transaction identity.
        pti: u8,
        /// Message type octet.
        message_type: u8,
    },
    /// A 5GSM message with the reserved procedure transaction identity 255
    /// (TS 24.007 §11.2.3.1a, TS 24.501 §7.3.1): answered with 5GSM cause #81.
    #[error("reserved procedure transaction identity {pti} (PDU session {psi})")]
    ReservedPti {
        /// PDU session identity octet.
        psi: u8,
        /// The PTI octet.
        pti: u8,
    },
    /// A mandatory IE is missing or syntactically incorrect (TS 24.501 §7.5).
    #[error("mandatory IE `{ie}` {fault}{}", reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    InvalidMandatoryIe {
        /// The IE, by its field name in the message struct (e.g. `fgs_mobile_identity`).
        ie: &'static str,
        /// What is wrong with it.
        fault: MandatoryFault,
        /// Why, when the decoder says.
        reason: Option<String>,
    },
    /// An IE that is not known, or not allowed in this message (TS 24.501 §7.6.1). One
    /// encoded "comprehension required" (TS 24.007 §11.2.5) is treated as a mandatory IE
    /// error; the others are reported with #99.
    #[error("unknown IE {iei:#04x}{}", if *comprehension_required { " (comprehension required)" } else { "" })]
    UnknownIe {
        /// The IEI.
        iei: u8,
        /// Whether the IEI is of the "comprehension required" range.
        comprehension_required: bool,
    },
    /// A conditional IE is missing or present against its condition (TS 24.501 §7.6.2).
    #[error("conditional IE error in `{ie}`: {reason}")]
    ConditionalIe {
        /// The IE.
        ie: &'static str,
        /// The rule it breaks.
        reason: String,
    },
    /// Syntactically correct, semantically incorrect (TS 24.501 §7.8).
    #[error("semantically incorrect `{field}`: {reason}")]
    SemanticallyIncorrect {
        /// The IE or field.
        field: &'static str,
        /// The rule it breaks.
        reason: String,
    },
    /// A security protected message inside a security protected message (TS 24.501 §9.1.1).
    #[error("a security protected message may only carry a plain 5GS NAS message")]
    NestedSecurityHeader,
    /// The octets are malformed in a way the other variants do not name.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// The message cannot be encoded (a value its field cannot hold).
    #[error("cannot encode: {0}")]
    Encode(String),
}

/// 5GMM cause values the AMF answers an erroneous message with (TS 24.501 §9.11.3.2,
/// Annex A.5/A.6).
pub mod gmm_cause {
    /// #95 Semantically incorrect message.
    pub const SEMANTICALLY_INCORRECT: u8 = 95;
    /// #96 Invalid mandatory information.
    pub const INVALID_MANDATORY_INFORMATION: u8 = 96;
    /// #97 Message type non-existent or not implemented.
    pub const MESSAGE_TYPE_NON_EXISTENT: u8 = 97;
    /// #99 Information element non-existent or not implemented.
    pub const IE_NON_EXISTENT: u8 = 99;
    /// #100 Conditional IE error.
    pub const CONDITIONAL_IE_ERROR: u8 = 100;
    /// #111 Protocol error, unspecified.
    pub const PROTOCOL_ERROR: u8 = 111;
}

impl Error {
    /// The 5GMM cause of the 5GMM STATUS that answers this error, or `None` when the
    /// message is to be ignored (too short, §7.2; unknown protocol discriminator,
    /// TS 24.007 §11.2.3.1.1A; reserved PDU session identity, answered in 5GSM, §7.3.2) or
    /// when the error is one of encoding.
    pub fn gmm_cause(&self) -> Option<u8> {
        use gmm_cause::*;
        match self {
            Error::TooShort { .. }
            | Error::UnknownProtocolDiscriminator(_)
            | Error::ReservedPduSessionIdentity { .. }
            | Error::ReservedPti { .. }
            | Error::Encode(_) => None,
            Error::UnknownMessageType { .. } => Some(MESSAGE_TYPE_NON_EXISTENT),
            Error::InvalidMandatoryIe { .. } => Some(INVALID_MANDATORY_INFORMATION),
            Error::UnknownIe {
                comprehension_required: true,
                ..
            } => Some(INVALID_MANDATORY_INFORMATION),
            Error::UnknownIe { .. } => Some(IE_NON_EXISTENT),
            Error::ConditionalIe { .. } => Some(CONDITIONAL_IE_ERROR),
            Error::SemanticallyIncorrect { .. } => Some(SEMANTICALLY_INCORRECT),
            Error::ReservedSecurityHeaderType(_)
            | Error::NestedSecurityHeader
            | Error::Malformed(_) => Some(PROTOCOL_ERROR),
        }
    }

    /// The 5GSM cause for the same error in a 5GSM message (TS 24.501 §9.11.4.2): the same
    /// numbers as 5GMM for #95-#111, #43 "invalid PDU session identity" for a reserved
    /// PDU session identity (§7.3.2) and #81 "invalid PTI value" for PTI 255 (§7.3.1).
    pub fn gsm_cause(&self) -> Option<u8> {
        match self {
            Error::ReservedPduSessionIdentity { .. } => Some(43),
            Error::ReservedPti { .. } => Some(81),
            other => other.gmm_cause(),
        }
    }
}

impl Error {
    /// The plain 5GMM STATUS (TS 24.501 §8.2.29) that answers this error, for the AMF or
    /// UE to protect and send; `None` when the message is to be ignored.
    pub fn gmm_status(&self) -> Option<crate::NasMessage> {
        use crate::types::{NasFGmmCause, NasFGmmStatus};
        let cause = self.gmm_cause()?;
        Some(crate::NasMessage::mm(NasFGmmStatus::new(
            NasFGmmCause::new(cause),
        )))
    }
}

impl From<NasError> for Error {
    fn from(e: NasError) -> Self {
        match e {
            // `decode` checks header lengths itself, so this only comes from a header the
            // wrapped codec reads on its own: the 5GMM header is the shortest, 3 octets.
            NasError::MessageTooShort => Error::TooShort {
                field: "header",
                len: 0,
                needed: 3,
            },
            NasError::BufferTooShort => Error::Malformed("an IE is cut short".into()),
            NasError::UnknownMessageType(t) => Error::UnknownMessageType {
                sublayer: Sublayer::Mm,
                message_type: t,
            },
            NasError::UnknownSessionMessageType { message_type, .. } => Error::UnknownMessageType {
                sublayer: Sublayer::Sm,
                message_type,
            },
            NasError::ReservedPduSessionIdentity {
                identity,
                pti,
                message_type,
            } => Error::ReservedPduSessionIdentity {
                psi: identity,
                pti,
                message_type,
            },
            NasError::UnknownProtocolDiscriminator(p) => Error::UnknownProtocolDiscriminator(p),
            NasError::ReservedSecurityHeaderType(t) => Error::ReservedSecurityHeaderType(t),
            NasError::InvalidMandatoryIe { ie, fault, reason } => Error::InvalidMandatoryIe {
                ie: ie.field(),
                fault: match fault {
                    IeFault::Missing => MandatoryFault::Missing,
                    IeFault::Truncated => MandatoryFault::Truncated,
                    IeFault::TooShort => MandatoryFault::TooShort,
                    _ => MandatoryFault::Syntax,
                },
                reason: reason.map(|r| *r),
            },
            NasError::UnknownIeCutShort { iei, .. } => Error::UnknownIe {
                iei,
                comprehension_required: true,
            },
            NasError::EncodingError(s) => Error::Encode(s),
            NasError::AuthenticMessageRefused { error, .. } => Error::from(*error),
            other => Error::Malformed(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_follow_clause_7() {
        let e = Error::InvalidMandatoryIe {
            ie: "fgs_mobile_identity",
            fault: MandatoryFault::Truncated,
            reason: None,
        };
        assert_eq!(e.gmm_cause(), Some(96));
        let e = Error::UnknownMessageType {
            sublayer: Sublayer::Mm,
            message_type: 0x40,
        };
        assert_eq!(e.gmm_cause(), Some(97));
        let e = Error::UnknownIe {
            iei: 0x99,
            comprehension_required: false,
        };
        assert_eq!(e.gmm_cause(), Some(99));
        let e = Error::TooShort {
            field: "header",
            len: 1,
            needed: 3,
        };
        assert_eq!(e.gmm_cause(), None);
        let e = Error::ReservedPduSessionIdentity {
            psi: 200,
            pti: 1,
            message_type: 0xc1,
        };
        assert_eq!((e.gmm_cause(), e.gsm_cause()), (None, Some(43)));
        assert!(e.gmm_status().is_none());
    }

    #[test]
    fn status_message_carries_the_cause() {
        let e = Error::UnknownMessageType {
            sublayer: Sublayer::Mm,
            message_type: 0x40,
        };
        let status = crate::encode(&e.gmm_status().unwrap()).unwrap();
        assert_eq!(status, [0x7e, 0x00, 0x64, 97]);
    }
}
