//! Typed errors: [`ValidationError`] for data that is wrong before it reaches the store,
//! [`StoreError`] for what the store refuses or fails at.

use crate::model::Supi;

/// A subscriber field that does not hold a valid value. Nothing is written when one occurs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("bad IMSI {0:?}: an IMSI is 15 digits (3-digit MCC, 2- or 3-digit MNC, MSIN)")]
    BadImsi(String),
    #[error("bad {field}: expected 32 hex digits (16 bytes), got {got}")]
    BadKey { field: &'static str, got: String },
    #[error("give exactly one of OPc and OP, not both")]
    BothOpAndOpc,
    #[error("give exactly one of OPc and OP (neither was given)")]
    NeitherOpNorOpc,
    #[error("bad AMF {0:?}: expected 4 hex digits (16 bits)")]
    BadAmf(String),
    #[error("bad SQN {0}: SQN is 48 bits (at most 281474976710655)")]
    BadSqn(u64),
    #[error("bad MSISDN {0:?}: expected 1 to 15 digits")]
    BadMsisdn(String),
    #[error("bad SST {0}: expected 1 to 255")]
    BadSst(u32),
    #[error("bad SD {0:?}: expected 6 hex digits (24 bits)")]
    BadSd(String),
    #[error("S-NSSAI {0} is subscribed twice")]
    DuplicateSnssai(String),
    #[error("no S-NSSAI is marked default: at least one subscribed S-NSSAI must be a default one")]
    NoDefaultSnssai,
    #[error(
        "bad DNN {0:?}: expected labels of letters, digits and '-', separated by '.', at most 100 characters"
    )]
    BadDnn(String),
    #[error("DNN {dnn} is configured twice for S-NSSAI {snssai}")]
    DuplicateDnn { snssai: String, dnn: String },
    #[error("DNN {0}: at least one PDU session type is needed")]
    NoPduSessionType(String),
    #[error("bad SSC mode {0}: expected 1, 2 or 3")]
    BadSscMode(u8),
    #[error("bad ARP priority level {0}: expected 1 to 15")]
    BadArpPriority(u8),
    #[error("bad bit rate {0:?}: expected e.g. \"100 Mbps\" (units bps, Kbps, Mbps, Gbps, Tbps)")]
    BadBitrate(String),
    #[error("unknown authentication method {0:?}: expected 5G_AKA or EAP_AKA_PRIME")]
    BadAuthMethod(String),
    #[error(
        "unknown PDU session type {0:?}: expected IPV4, IPV6, IPV4V6, UNSTRUCTURED or ETHERNET"
    )]
    BadPduSessionType(String),
}

/// What a [`crate::SubscriberStore`] refuses or fails at.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("subscriber {0} already exists")]
    Duplicate(Supi),
    #[error("no subscriber {0}")]
    NotFound(Supi),
    #[error("SQN space of {0} is exhausted: the block would pass 2^48")]
    SqnExhausted(Supi),
    #[error("bad SQN block size {0}: expected 1 to 2^32")]
    BadBlockSize(u64),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("stored record of {supi} is unreadable: {reason}")]
    Corrupt { supi: String, reason: String },
    #[error(
        "unsupported database {0:?}: use a file path, sqlite://PATH, sqlite::memory: or postgres://..."
    )]
    UnsupportedUrl(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A database failure reported through the SQN group-commit writer.
    #[error("database: {0}")]
    Backend(String),
}
