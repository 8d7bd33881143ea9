//! GTP-U (TS 29.281) for the UPF's N3/N9 user plane, with the PDU Session Container
//! extension header (TS 29.281 §5.2.2.7) whose content is defined in TS 38.415 §5.5.2.
//!
//! Three levels, from hottest to most convenient:
//! - [`decap`] / [`encap_in_place`]: validate a received packet and find its T-PDU, or
//!   write a G-PDU header into headroom in front of a T-PDU, without allocating or
//!   copying the payload.
//! - [`Packet`]: a zero-copy view (smoltcp style) over `&[u8]` / `&mut [u8]`, validated
//!   once by [`Packet::new_checked`], then read and written through infallible accessors.
//! - [`Repr`]: the owned, `Copy` meaning of a header and of the signalling IEs, with
//!   [`Repr::parse`] and [`Repr::emit`].
//!
//! [`describe`] renders one packet in a paragraph for `ferrocore decode gtpu`.
//! Nothing here panics on any input; every failure is an [`Error`] naming its field.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod cursor;
mod describe;
mod error;
mod fast;
mod field;
pub mod ie;
pub mod message;
mod packet;
mod psc;
mod qfi;
mod repr;

pub use describe::describe;
pub use error::Error;
pub use fast::{Decap, ENCAP_HEADROOM, decap, encap_in_place, encap_repr_in_place};
pub use ie::ExtensionTypeList;
pub use packet::{Extension, Extensions, Packet};
pub use psc::{
    DlPduSessionInfo, PDU_TYPE_DL, PDU_TYPE_UL, PduSessionContainer, UlPduSessionInfo, UlTimeStamps,
};
pub use qfi::Qfi;
pub use repr::{Message, Repr};

/// The UDP port of GTP-U (TS 29.281 §4.4.2).
pub const UDP_PORT: u16 = 2152;
