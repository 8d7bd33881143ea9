//! ferrocore-ngap: NGAP (TS 38.413) for ferrocore, in ASN.1 aligned PER.
//!
//! The codec underneath is `oxirush-ngap` 0.5.0, kept behind this crate so that it can
//! be swapped: the AMF and the simulator use only what this crate exports.
//!
//! - [`decode`] / [`encode`]: one [`NgapPdu`] from / to octets (TS 38.413 §9.4).
//! - [`msg`]: one plain Rust struct per message the AMF and the simulator use, with
//!   `to_pdu` / `from_pdu` (and `encode` / `decode` shortcuts) through [`NgapMessage`],
//!   grouped by procedure family; [`transfer`] holds the PDU session transfer IEs.
//! - [`Message`]: any of those messages, decoded fully and typed ([`decode_message`]).
//! - [`describe`]: a human rendering, for `ferrocore decode ngap <hex>`.
//! - [`Error`]: one error enum; [`Error::cause`] is the protocol Cause (TS 38.413 §10)
//!   the AMF puts in an ERROR INDICATION.
//!
//! # Release
//!
//! Our authority is TS 38.413 V17.3.0 (Rel-17, `38413-h30.asn`). The generated types are
//! from the Rel-19 ASN.1; every Rel-18/19 addition sits behind an extension marker
//! (`...`), so in aligned PER a Rel-17 peer and this codec read each other's PDUs: what
//! a later release adds is skipped by a Rel-17 receiver, and a Rel-17 PDU simply lacks it.
//! The builders here emit only Rel-17 IEs.

pub mod error;
pub mod message;
pub mod msg;
pub mod pdu;
#[doc(hidden)]
pub mod samples;
pub mod transfer;
pub mod values;

mod describe;
mod fast;
mod ies;

pub use describe::describe;
pub use error::{Error, ProtocolCause};
pub use message::{Message, decode_message};
pub use msg::NgapMessage;
pub use pdu::{NgapPdu, NgapPduRef, decode, decode_borrowed, encode};
pub use values::*;

/// The generated ASN.1 types (TS 38.413 §9.4), for values this crate has no plain type
/// of. Using them ties a caller to the codec underneath: prefer the plain structs.
pub use oxirush_ngap::ngap as asn;
