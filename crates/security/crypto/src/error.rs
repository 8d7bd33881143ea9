//! The one error type of this crate.

/// Everything that can go wrong in ferrocore-crypto.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// An input had the wrong length (e.g. a SUCI scheme output shorter than its
    /// ephemeral key plus MAC tag).
    #[error("{what}: expected {expected} octets, got {got}")]
    Length {
        /// What was being parsed.
        what: &'static str,
        /// The length that was expected (a minimum where that applies).
        expected: usize,
        /// The length that was given.
        got: usize,
    },
    /// A MAC did not verify: MAC-A (AUTN), MAC-S (AUTS) or the SUCI MAC tag.
    #[error("{0} verification failed")]
    MacMismatch(&'static str),
    /// An elliptic-curve public or private key was not a valid point / scalar.
    #[error("invalid {0} key")]
    InvalidKey(&'static str),
    /// The home network public key identifier has no private key configured.
    #[error("no home network key with identifier {0}")]
    UnknownKeyId(u8),
    /// The protection scheme identifier is not one we implement (TS 33.501 Annex C.1).
    #[error("unsupported protection scheme {0}")]
    UnsupportedScheme(u8),
    /// The key configured for a key identifier belongs to another protection scheme.
    #[error("home network key {key_id} is not a profile {expected} key")]
    SchemeMismatch {
        /// The home network public key identifier.
        key_id: u8,
        /// "A" or "B".
        expected: &'static str,
    },
    /// A digit string (MCC, MNC, MSIN, BCD) was malformed.
    #[error("invalid digits in {0}")]
    InvalidDigits(&'static str),
    /// An algorithm identifier outside the 4-bit NAS security algorithm range.
    #[error("unknown NAS security algorithm identifier {0}")]
    UnknownAlgorithm(u8),
}
