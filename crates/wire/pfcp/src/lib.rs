//! PFCP, the N4 protocol between SMF and UPF (3GPP TS 29.244 Rel-17): node and session
//! messages with the IEs ferrocore's SMF and UPF use, decoded fully into typed values.
//!
//! - [`decode`] / [`encode`]: bytes to [`Message`] and back;
//! - [`describe`]: a human rendering for the CLI;
//! - [`Error`] names the IE at fault, and [`Error::cause`] gives the Cause a UPF
//!   answers a malformed request with (TS 29.244 §7.6, §8.2.1).
//!
//! The codec is ferrocore's own (no third-party PFCP types leak through this API).

#[macro_use]
mod grouped;

mod cause;
mod describe;
mod error;
pub mod ie;
mod ie_type;
pub mod message;
mod small;
mod tlv;

pub use cause::Cause;
pub use describe::describe;
pub use error::Error;
pub use ie_type::IeType;
pub use message::{Body, Header, Message, decode, encode};
pub use small::{List, Small};
