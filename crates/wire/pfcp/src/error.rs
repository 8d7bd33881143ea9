//! The one error type of this crate, and the Cause a peer should receive for it
//! (TS 29.244 §7.6 error handling, §8.2.1 cause values).

use crate::cause::Cause;
use crate::ie_type::IeType;

/// What went wrong while decoding (or encoding) a PFCP message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Fewer octets than the header needs (TS 29.244 §7.2.2).
    #[error("truncated PFCP header: {available} octets, {needed} needed (TS 29.244 §7.2.2)")]
    TruncatedHeader { needed: usize, available: usize },
    /// Version field other than 1 (TS 29.244 §7.2.2.1).
    #[error("PFCP version {0} not supported (TS 29.244 §7.2.2.1)")]
    UnsupportedVersion(u8),
    /// The header's Message Length disagrees with the datagram (TS 29.244 §7.2.2.1).
    #[error("message length field says {declared} octets, datagram holds {available}")]
    MessageLength { declared: usize, available: usize },
    /// A message type this crate does not handle (TS 29.244 §7.3).
    #[error("unsupported PFCP message type {0}")]
    UnknownMessageType(u8),
    /// A session message without the S flag / SEID (TS 29.244 §7.2.2.3).
    #[error("session message type {0} without SEID (S flag clear, TS 29.244 §7.2.2.3)")]
    MissingSeid(u8),
    /// An IE's Length runs past its enclosing message or grouped IE (TS 29.244 §8.1.1).
    #[error("{ie}: length {declared} runs past the {available} octets left")]
    IeOverrun {
        ie: IeType,
        declared: usize,
        available: usize,
    },
    /// Fewer than 4 octets left where an IE header should start (TS 29.244 §8.1.1).
    #[error("truncated IE header: {available} octets left")]
    TruncatedIeHeader { available: usize },
    /// An IE too short for the fields its flags announce (TS 29.244 §8.2).
    #[error("{ie}: {field} needs more octets than the IE's length {len}")]
    IeTooShort {
        ie: IeType,
        field: &'static str,
        len: usize,
    },
    /// A field holding a value the spec does not allow.
    #[error("{ie}: invalid {field}")]
    InvalidField { ie: IeType, field: &'static str },
    /// A mandatory IE absent from a message or grouped IE.
    #[error("mandatory IE {ie} missing in {within}")]
    MissingIe { ie: IeType, within: &'static str },
    /// Encoding produced a message or grouped IE longer than 65535 octets.
    #[error("encoded {ie} is longer than a 16-bit length allows")]
    TooLong { ie: IeType },
}

impl Error {
    /// The Cause value the peer should get in the response to a request that failed
    /// to decode this way (TS 29.244 §7.6, §8.2.1).
    pub fn cause(&self) -> Cause {
        match self {
            Error::MissingIe { .. } => Cause::MANDATORY_IE_MISSING,
            Error::IeOverrun { .. }
            | Error::TruncatedIeHeader { .. }
            | Error::IeTooShort { .. } => Cause::INVALID_LENGTH,
            Error::MessageLength { .. } => Cause::INVALID_LENGTH,
            Error::InvalidField { .. } => Cause::MANDATORY_IE_INCORRECT,
            Error::TruncatedHeader { .. }
            | Error::UnsupportedVersion(_)
            | Error::UnknownMessageType(_)
            | Error::MissingSeid(_)
            | Error::TooLong { .. } => Cause::REQUEST_REJECTED,
        }
    }

    /// The IE type to put in the Offending IE of the response (TS 29.244 §8.2.22), when
    /// one IE is to blame.
    pub fn offending_ie(&self) -> Option<IeType> {
        match self {
            Error::IeOverrun { ie, .. }
            | Error::IeTooShort { ie, .. }
            | Error::InvalidField { ie, .. }
            | Error::MissingIe { ie, .. } => Some(*ie),
            _ => None,
        }
    }
}
