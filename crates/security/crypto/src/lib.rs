//! ferrocore-crypto: the 5G security library that the AMF, AUSF, UDM and the UE simulator
//! share. Pure functions, no I/O; randomness (RAND, ephemeral keys) comes from the caller.
//!
//! - [`milenage`]: f1..f5* and OPc (TS 35.206).
//! - [`kdf`]: the TS 33.501 Annex A key hierarchy on the TS 33.220 Annex B KDF.
//! - [`auth`]: 5G HE AVs, AUTN, UE-side verification, AUTS re-synchronisation.
//! - [`suci`]: SUCI null scheme, ECIES Profiles A and B (TS 33.501 Annex C).
//! - [`nas`]: NIA0-3 / NEA0-3 (TS 33.501 §6.4, TS 33.401 Annex B).
//!
//! Secrets live in [`secret`] types that zeroize on drop and print as `<redacted>`.

pub mod auth;
mod error;
pub mod kdf;
pub mod milenage;
pub mod nas;
pub mod secret;
pub mod suci;

pub use error::Error;
pub use milenage::Milenage;
pub use nas::{NasCipheringAlgorithm, NasIntegrityAlgorithm};
