//! ferrocore-nas-security: the NAS-5GS security layer (TS 24.501 §4.4, TS 33.501 §6.4)
//! shared by the AMF and the UE simulator. Sans-IO and pure: a [`SecurityContext`] is plain
//! data, [`SecurityContext::protect`] turns a plain NAS message into a security protected
//! one and [`SecurityContext::unprotect`] checks and opens one.
//!
//! - [`count`]: the 24-bit NAS COUNT, its estimation from the 8-bit SN (§4.4.3.1).
//! - [`context`]: ngKSI, KAMF, NIA / NEA, KNASint / KNASenc (TS 33.501 Annex A.8), the
//!   uplink and downlink NAS COUNTs; serde, secrets zeroized and never printed.
//! - `protect` / `unprotect`: header types 1-4 (§9.3.1), MAC over SN || message
//!   (§4.4.3.3), ciphering of the message only, replay protection (TS 33.501 §6.4.3.2).
//! - [`exemptions`]: what the AMF (§4.4.4.3) and the UE (§4.4.4.2) process without
//!   integrity protection.
//! - [`keys`]: KgNB (TS 33.501 Annex A.9) and the NH chain (Annex A.10).
//!
//! ```
//! use ferrocore_crypto::secret::Kamf;
//! use ferrocore_crypto::{NasCipheringAlgorithm as Nea, NasIntegrityAlgorithm as Nia};
//! use ferrocore_nas::SecurityHeaderType;
//! use ferrocore_nas_security::{SecurityContext, Side};
//!
//! let kamf = [7u8; 32];
//! let mut amf = SecurityContext::new(Side::Network, 1, Kamf::new(kamf), Nia::Nia2, Nea::Nea2).unwrap();
//! let mut ue = SecurityContext::new(Side::Ue, 1, Kamf::new(kamf), Nia::Nia2, Nea::Nea2).unwrap();
//! let plain = [0x7e, 0x00, 0x44, 0x16]; // REGISTRATION REJECT, cause #22
//! let bytes = amf.protect(&plain, SecurityHeaderType::IntegrityProtectedAndCiphered).unwrap();
//! let got = ue.unprotect(&bytes).unwrap();
//! assert_eq!(got.message, plain);
//! assert_eq!(ue.downlink_count().value(), 1);
//! assert!(ue.unprotect(&bytes).is_err()); // a replay
//! ```

pub mod context;
pub mod count;
mod error;
pub mod exemptions;
pub mod keys;
mod protect;
mod unprotect;

pub use context::{BEARER_3GPP, SecurityContext, Side};
pub use count::{Direction, NasCount};
pub use error::SecurityError;
pub use exemptions::{processed_without_integrity, ue_processed_without_integrity};
pub use ferrocore_nas::SecurityHeaderType;
pub use keys::NhChain;
pub use unprotect::{Received, Unprotected, receive};
