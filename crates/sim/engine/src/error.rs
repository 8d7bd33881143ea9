//! The one error type of the simulator.

/// What went wrong while building or handling a message. These never escape the public
/// API as panics: a handler turns them into an event, an ERROR INDICATION or a 5GMM STATUS.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// NGAP encoding or decoding (TS 38.413).
    #[error("NGAP: {0}")]
    Ngap(#[from] ferrocore_ngap::Error),
    /// NAS encoding or decoding (TS 24.501).
    #[error("NAS: {0}")]
    Nas(#[from] ferrocore_nas::Error),
    /// NAS security (TS 24.501 §4.4).
    #[error("NAS security: {0}")]
    Security(#[from] ferrocore_nas_security::SecurityError),
    /// Cryptography (Milenage, SUCI).
    #[error("crypto: {0}")]
    Crypto(#[from] ferrocore_crypto::Error),
    /// A profile or configuration value that cannot be used.
    #[error("configuration: {0}")]
    Config(String),
}
