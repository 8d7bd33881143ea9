//! A sans-IO SCTP (RFC 9260) engine for ferrocore's N2 interface (NGAP over SCTP,
//! TS 38.412), usable over raw IP (protocol 132), UDP encapsulation (RFC 6951) or
//! anything else that carries SCTP packets.
//!
//! - [`wire`]: the packet format: common header, CRC32c, every RFC 9260 chunk with its
//!   parameters and error causes. Parsing is total.
//! - [`Endpoint`]: one local port, many associations (an AMF's listener or a gNB
//!   simulator's connector). No sockets and no clocks: the driver feeds packets and
//!   time in and takes packets, deadlines and events out:
//!
//! ```text
//! loop {
//!     endpoint.handle_packet(now, remote, &bytes);      // for each datagram received
//!     endpoint.handle_timeout(now);                      // when poll_timeout() passes
//!     while let Some(t) = endpoint.poll_transmit() { socket.send_to(&t.payload, t.remote) }
//!     while let Some((assoc, event)) = endpoint.poll_event() { /* Connected, Message, ... */ }
//!     sleep_until(endpoint.poll_timeout());
//! }
//! ```
//!
//! See `docs/sctp.md` for the state machine, coverage and limits.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod assoc;
mod config;
mod cookie;
mod endpoint;
mod event;
mod prf;
mod seq;
pub mod wire;

pub use assoc::State;
pub use config::{Config, EndpointConfig};
pub use endpoint::{AssociationInfo, Endpoint, Stats};
pub use event::{AssocId, CloseReason, Event, SendError, Transmit};

/// The SCTP port of NGAP (TS 38.412 §7).
pub const NGAP_PORT: u16 = 38412;
/// The payload protocol identifier of NGAP (TS 38.412 §7; IANA).
pub const NGAP_PPID: u32 = 60;
/// The UDP port of SCTP over UDP encapsulation (RFC 6951).
pub const UDP_ENCAPSULATION_PORT: u16 = 9899;
/// The stream NGAP reserves for non-UE-associated signalling (TS 38.412 §7).
pub const NGAP_NON_UE_STREAM: u16 = 0;
