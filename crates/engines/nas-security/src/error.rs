//! The one error type of the crate.

use crate::count::Direction;

/// Why a NAS message could not be protected or unprotected.
///
/// Every variant leaves the [`crate::SecurityContext`] exactly as it was: a NAS COUNT only
/// advances after a message was sent or accepted (TS 24.501 §4.4.3.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecurityError {
    /// The octets end before the field they must hold (TS 24.501 §9.1.1: a protected
    /// message is at least the 7-octet header plus one octet of message).
    #[error("message truncated: {field} needs {needed} octets, got {len}")]
    Truncated {
        /// The field that is cut off.
        field: &'static str,
        /// Octets available.
        len: usize,
        /// Octets needed.
        needed: usize,
    },
    /// The extended protocol discriminator is neither 5GMM nor 5GSM (TS 24.007 §11.2.3.1.1A).
    #[error("unknown extended protocol discriminator {0:#04x}")]
    UnknownProtocolDiscriminator(u8),
    /// A security header type other than 0-4 (TS 24.501 §9.3.1: the others are reserved).
    #[error("unknown security header type {0}")]
    UnknownSecurityHeaderType(u8),
    /// [`crate::SecurityContext::unprotect`] was given a plain message (security header
    /// type 0). The caller decides whether it may be processed without integrity
    /// protection ([`crate::exemptions`]).
    #[error("the message is not security protected")]
    NotProtected,
    /// The message to protect is itself security protected (TS 24.501 §9.1.1 has no nesting).
    #[error("the message to protect already has a security header")]
    NestedProtection,
    /// A security protected message arrived but there is no 5G NAS security context to check
    /// it with (TS 24.501 §4.4.4.3: the AMF then processes only the exempted messages).
    #[error("no 5G NAS security context")]
    NoContext,
    /// The NAS-MAC does not verify with the estimated NAS COUNT (TS 33.501 §6.4.3.1,
    /// TS 24.501 §4.4.4). The receive COUNT is unchanged.
    #[error("NAS-MAC mismatch ({direction:?} NAS COUNT {count:#08x})")]
    MacMismatch {
        /// Direction of the message.
        direction: Direction,
        /// The NAS COUNT the MAC was checked with.
        count: u32,
    },
    /// A genuine message whose NAS COUNT was already accepted (or lies before the current
    /// receive COUNT): replay protection, TS 33.501 §6.4.3.2 / TS 24.501 §4.4.3.2.
    #[error(
        "replayed NAS message ({direction:?} NAS COUNT {count:#08x}, expected at least {expected:#08x})"
    )]
    Replay {
        /// Direction of the message.
        direction: Direction,
        /// The NAS COUNT the message was protected with.
        count: u32,
        /// The lowest NAS COUNT still acceptable.
        expected: u32,
    },
    /// The 24-bit NAS COUNT would wrap around: a new KAMF must be taken into use first
    /// (TS 33.501 §6.4.3.1; TS 24.501 §4.4.3.1).
    #[error("{direction:?} NAS COUNT exhausted: a new 5G NAS security context is needed")]
    CountExhausted {
        /// Which of the two COUNTs.
        direction: Direction,
    },
    /// A NAS COUNT above 2^24 - 1 (TS 24.501 §4.4.3.1: 24-bit internal representation).
    #[error("NAS COUNT {0:#x} does not fit in 24 bits")]
    InvalidCount(u32),
    /// ngKSI value 7 means "no key is available" (TS 24.501 §9.11.3.32) and cannot name a
    /// context; values above 15 do not fit the IE.
    #[error("invalid ngKSI {0}")]
    InvalidNgKsi(u8),
    /// An algorithm identity other than NIA0-3 / NEA0-3 (TS 33.501 §5.11.1).
    #[error("unknown NAS security algorithm identity {0}")]
    UnknownAlgorithm(u8),
    /// A serialized context whose KAMF is not 32 octets of hex.
    #[error("invalid KAMF encoding")]
    InvalidKamf,
}

impl SecurityError {
    /// Maps a header error of `ferrocore-nas` to ours.
    pub(crate) fn from_header(e: ferrocore_nas::Error) -> Self {
        match e {
            ferrocore_nas::Error::TooShort { field, len, needed } => {
                Self::Truncated { field, len, needed }
            }
            ferrocore_nas::Error::ReservedSecurityHeaderType(t) => {
                Self::UnknownSecurityHeaderType(t)
            }
            ferrocore_nas::Error::UnknownProtocolDiscriminator(d) => {
                Self::UnknownProtocolDiscriminator(d)
            }
            // `security_header` produces only the three above.
            _ => Self::Truncated {
                field: "security protected header",
                len: 0,
                needed: ferrocore_nas::SECURITY_HEADER_LEN + 1,
            },
        }
    }
}
