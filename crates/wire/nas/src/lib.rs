//! NAS-5GS (TS 24.501 Rel-17) for ferrocore: 5GMM (§8.2) and 5GSM (§8.3) messages, plain
//! and security protected (§9.1.1, header types 0-4).
//!
//! The codec itself is the `oxirush-nas` crate, wrapped here so that it can be swapped:
//! the AMF, SMF and simulator use only this crate. Message and IE structs are re-exported
//! in [`types`]; [`decode`], [`encode`], [`describe`] and the typed helpers in
//! [`identity`] and [`ies`] are ours, as is [`Error`] with its mapping to the 5GMM cause
//! of a 5GMM STATUS (§7, Annex A).
//!
//! ```
//! use ferrocore_nas::{decode, encode, NasMessage, types::Nas5gmmMessage};
//! let bytes = [0x7e, 0x00, 0x44, 0x16]; // REGISTRATION REJECT, cause #22
//! let msg = decode(&bytes).unwrap();
//! assert!(matches!(msg, NasMessage::Mm(Nas5gmmMessage::RegistrationReject(_))));
//! assert_eq!(encode(&msg).unwrap(), bytes);
//! ```

mod check;
mod codec;
mod describe;
mod error;
pub mod identity;
pub mod ies;
mod message;
pub mod names;

pub use codec::{
    EPD_5GMM, EPD_5GSM, SECURITY_HEADER_LEN, SecurityHeader, decode, encode, encode_into,
    security_header,
};
pub use describe::{describe, render};
pub use error::{Error, MandatoryFault, Sublayer, gmm_cause};
pub use message::{NasMessage, Protected, SecurityHeaderType, SmMessage};

/// The message and IE types of the wrapped codec (TS 24.501 §8 and §9.11), re-exported:
/// `NasRegistrationRequest`, `Nas5gmmMessage`, `Nas5gsmMessage`, `NasFGsMobileIdentity`...
pub mod types {
    pub use oxirush_nas::common::Plmn;
    pub use oxirush_nas::nas_5gs::*;
    /// Protocol configuration option units (TS 24.008 §10.5.6.3), as carried by extended PCO.
    pub use oxirush_nas::nas_eps::{Pco, PcoDirection, PcoEntry};
}
