//! Tokio drivers for the sans-IO SCTP engine (`ferrocore-sctp`), behind one async API.
//!
//! - [`SctpListener`]: one local SCTP port, many associations (the AMF's N2 side).
//!   [`SctpListener::accept`] yields each [`SctpAssociation`] once it is up.
//! - [`SctpConnector`]: opens associations (the gNB simulator).
//! - [`SctpAssociation`]: `send(stream, ppid, bytes)`, `recv() -> Message`,
//!   `next_event()` (messages, peer restart, close), `close()`, `abort()`.
//!
//! Transports ([`Transport`]): UDP encapsulation (RFC 6951), raw IP protocol 132 (a
//! raw socket, only where the kernel has no SCTP) and the kernel's own SCTP
//! (one-to-many socket). `Auto` picks the kernel where it works, otherwise raw and UDP
//! together (listener) or raw, else UDP (connector); see [`select`].
//!
//! One driver task per listener / connector owns the socket(s), the engine and one
//! timer. Every queue between it and the application is bounded; see `docs/sctp.md`.
#![warn(missing_docs)]

mod api;
mod config;
mod driver;
mod error;
#[cfg(target_os = "linux")]
mod kernel;
mod raw;
pub mod select;
mod udp;

pub use api::{AssocEvent, Message, PeerAddr, SctpAssociation, SctpConnector, SctpListener};
pub use config::{SctpConfig, Transport};
pub use error::{Error, SendError};
pub use ferrocore_sctp::{
    CloseReason, Config as EngineConfig, NGAP_NON_UE_STREAM, NGAP_PORT, NGAP_PPID,
    UDP_ENCAPSULATION_PORT,
};
