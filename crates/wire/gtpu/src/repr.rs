//! The owned, validated meaning of a GTP-U packet's header and signalling IEs.

use crate::cursor::Writer;
use crate::error::Error;
use crate::field;
use crate::ie::{self, ExtensionTypeList, Ies};
use crate::message::{self, ext};
use crate::packet::Packet;
use crate::psc::PduSessionContainer;
use core::net::IpAddr;

/// A GTP-U message and the IEs it carries (TS 29.281 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// G-PDU (255): the payload is a T-PDU.
    GPdu,
    /// Echo Request (1, TS 29.281 §7.2.1).
    EchoRequest,
    /// Echo Response (2, TS 29.281 §7.2.2) with its Recovery IE (§8.2: sent as 0).
    EchoResponse {
        /// The Recovery IE's restart counter.
        recovery: u8,
    },
    /// Error Indication (26, TS 29.281 §7.3.1).
    ErrorIndication {
        /// TEID Data I IE (§8.3): the TEID the packet in error was sent to.
        teid_data_i: u32,
        /// GTP-U Peer Address IE (§8.4): the address that packet was sent to.
        peer_address: IpAddr,
    },
    /// Supported Extension Headers Notification (31, TS 29.281 §7.2.3).
    SupportedExtensionHeadersNotification(ExtensionTypeList),
    /// End Marker (254, TS 29.281 §7.3.2).
    EndMarker,
}

impl Message {
    /// The message type octet (TS 29.281 §6.1).
    pub const fn message_type(&self) -> u8 {
        match self {
            Message::GPdu => message::G_PDU,
            Message::EchoRequest => message::ECHO_REQUEST,
            Message::EchoResponse { .. } => message::ECHO_RESPONSE,
            Message::ErrorIndication { .. } => message::ERROR_INDICATION,
            Message::SupportedExtensionHeadersNotification(_) => {
                message::SUPPORTED_EXTENSION_HEADERS_NOTIFICATION
            }
            Message::EndMarker => message::END_MARKER,
        }
    }

    /// Octets of IEs this message carries.
    pub fn body_len(&self) -> usize {
        match self {
            Message::GPdu | Message::EchoRequest | Message::EndMarker => 0,
            Message::EchoResponse { .. } => ie::RECOVERY_LEN,
            Message::ErrorIndication { peer_address, .. } => {
                ie::TEID_DATA_I_LEN + ie::peer_address_len(peer_address)
            }
            Message::SupportedExtensionHeadersNotification(list) => ie::extension_types_len(list),
        }
    }

    fn parse(message_type: u8, body: &[u8]) -> Result<Self, Error> {
        if message_type == message::G_PDU {
            return Ok(Message::GPdu);
        }
        let name = message::name(message_type).ok_or(Error::UnknownMessage(message_type))?;
        let ies = Ies::parse(body)?;
        let missing = |ie| Error::MissingIe { message: name, ie };
        Ok(match message_type {
            message::ECHO_REQUEST => Message::EchoRequest,
            message::ECHO_RESPONSE => Message::EchoResponse {
                recovery: ies.recovery.ok_or(missing("Recovery"))?,
            },
            message::ERROR_INDICATION => Message::ErrorIndication {
                teid_data_i: ies.teid_data_i.ok_or(missing("TEID Data I"))?,
                peer_address: ies.peer_address.ok_or(missing("GTP-U Peer Address"))?,
            },
            message::SUPPORTED_EXTENSION_HEADERS_NOTIFICATION => {
                Message::SupportedExtensionHeadersNotification(
                    ies.extension_types
                        .ok_or(missing("Extension Header Type List"))?,
                )
            }
            _ => Message::EndMarker,
        })
    }

    fn emit_body(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        match self {
            Message::GPdu | Message::EchoRequest | Message::EndMarker => Ok(()),
            Message::EchoResponse { recovery } => ie::emit_recovery(w, *recovery),
            Message::ErrorIndication {
                teid_data_i,
                peer_address,
            } => {
                ie::emit_teid_data_i(w, *teid_data_i)?;
                ie::emit_peer_address(w, peer_address)
            }
            Message::SupportedExtensionHeadersNotification(list) => {
                ie::emit_extension_types(w, list)
            }
        }
    }
}

/// A GTP-U header and signalling body (TS 29.281 §5.1, §7), `Copy` and allocation-free.
///
/// Extension headers other than the first PDU Session Container are not represented:
/// [`Repr::parse`] skips them and [`Repr::emit`] writes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// The message and its IEs.
    pub message: Message,
    /// Tunnel Endpoint Identifier (0 for Echo and Supported Extension Headers
    /// Notification, TS 29.281 §5.1).
    pub teid: u32,
    /// Sequence number; `Some` sets the S flag.
    pub sequence_number: Option<u16>,
    /// N-PDU number; `Some` sets the PN flag.
    pub npdu_number: Option<u8>,
    /// PDU Session Container (TS 38.415 §5.5.2); `Some` sets the E flag.
    pub pdu_session: Option<PduSessionContainer>,
}

impl Repr {
    /// A G-PDU for `teid`, with an optional PDU Session Container.
    pub const fn g_pdu(teid: u32, pdu_session: Option<PduSessionContainer>) -> Self {
        Repr {
            message: Message::GPdu,
            teid,
            sequence_number: None,
            npdu_number: None,
            pdu_session,
        }
    }

    /// An Echo Request (TS 29.281 §7.2.1: TEID 0, sequence number set).
    pub const fn echo_request(seq: u16) -> Self {
        Self::signalling(Message::EchoRequest, 0, Some(seq))
    }

    /// An Echo Response (TS 29.281 §7.2.2), Recovery 0 as §8.2 asks.
    pub const fn echo_response(seq: u16) -> Self {
        Self::signalling(Message::EchoResponse { recovery: 0 }, 0, Some(seq))
    }

    /// An Error Indication (TS 29.281 §7.3.1) about a packet sent to `teid_data_i` at
    /// `peer_address`.
    pub const fn error_indication(teid_data_i: u32, peer_address: IpAddr) -> Self {
        Self::signalling(
            Message::ErrorIndication {
                teid_data_i,
                peer_address,
            },
            0,
            None,
        )
    }

    /// An End Marker on `teid` (TS 29.281 §7.3.2).
    pub const fn end_marker(teid: u32) -> Self {
        Self::signalling(Message::EndMarker, teid, None)
    }

    /// A Supported Extension Headers Notification (TS 29.281 §7.2.3).
    pub const fn supported_extension_headers(seq: u16, list: ExtensionTypeList) -> Self {
        Self::signalling(
            Message::SupportedExtensionHeadersNotification(list),
            0,
            Some(seq),
        )
    }

    const fn signalling(message: Message, teid: u32, sequence_number: Option<u16>) -> Self {
        Repr {
            message,
            teid,
            sequence_number,
            npdu_number: None,
            pdu_session: None,
        }
    }

    /// Parses a checked packet's header and IEs.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self, Error> {
        let pdu_session = match packet.pdu_session_container() {
            Some(content) => Some(PduSessionContainer::parse(content)?),
            None => None,
        };
        Ok(Repr {
            message: Message::parse(packet.message_type(), packet.payload())?,
            teid: packet.teid(),
            sequence_number: packet.sequence_number(),
            npdu_number: packet.npdu_number(),
            pdu_session,
        })
    }

    /// Checks and parses `bytes` in one go.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::parse(&Packet::new_checked(bytes)?)
    }

    fn flags(&self) -> u8 {
        let mut flags = field::V1_PT;
        if self.pdu_session.is_some() {
            flags |= field::E;
        }
        if self.sequence_number.is_some() {
            flags |= field::S;
        }
        if self.npdu_number.is_some() {
            flags |= field::PN;
        }
        flags
    }

    /// Octets of header: 8, plus 4 when any of E/S/PN is set, plus the PDU Session
    /// Container extension header.
    pub fn header_len(&self) -> usize {
        if self.flags() & field::OPTIONAL == 0 {
            field::MANDATORY_LEN
        } else {
            field::OPTIONAL_LEN + self.pdu_session.map_or(0, |p| p.extension_len())
        }
    }

    /// Octets of IEs after the header (0 for a G-PDU).
    pub fn body_len(&self) -> usize {
        self.message.body_len()
    }

    /// Octets of the whole packet with a T-PDU of `payload_len` octets.
    pub fn buffer_len(&self, payload_len: usize) -> usize {
        self.header_len() + self.body_len() + payload_len
    }

    /// Writes the header and IEs into the front of `buf`, which is the whole packet: the
    /// octets after `header_len() + body_len()` are the T-PDU, left untouched, and the
    /// Length field is set to `buf.len() - 8`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), Error> {
        let needed = self.header_len() + self.body_len();
        if buf.len() < needed {
            return Err(Error::BufferTooSmall {
                needed,
                available: buf.len(),
            });
        }
        let after = buf.len() - field::MANDATORY_LEN;
        let length = u16::try_from(after).map_err(|_| Error::TooLong(after))?;
        let flags = self.flags();
        let mut w = Writer::new(buf);
        w.u8(flags)?;
        w.u8(self.message.message_type())?;
        w.u16(length)?;
        w.u32(self.teid)?;
        if flags & field::OPTIONAL != 0 {
            w.u16(self.sequence_number.unwrap_or(0))?;
            w.u8(self.npdu_number.unwrap_or(0))?;
            match &self.pdu_session {
                Some(psc) => {
                    w.u8(ext::PDU_SESSION_CONTAINER)?;
                    psc.write(&mut w, ext::NONE)?;
                }
                None => w.u8(ext::NONE)?,
            }
        }
        self.message.emit_body(&mut w)
    }
}
