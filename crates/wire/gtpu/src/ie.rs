//! Information elements of GTP-U signalling messages (TS 29.281 §8).

use crate::cursor::{Reader, Writer};
use crate::error::Error;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Recovery, TV, 1 octet (TS 29.281 §8.2).
pub const RECOVERY: u8 = 14;
/// Tunnel Endpoint Identifier Data I, TV, 4 octets (TS 29.281 §8.3).
pub const TEID_DATA_I: u8 = 16;
/// GTP-U Peer Address, TLV, 4 or 16 octets (TS 29.281 §8.4).
pub const PEER_ADDRESS: u8 = 133;
/// Extension Header Type List, type + 1-octet length (TS 29.281 §8.5).
pub const EXTENSION_HEADER_TYPE_LIST: u8 = 141;
/// Private Extension, TLV (TS 29.281 §8.6).
pub const PRIVATE_EXTENSION: u8 = 255;

/// How many extension header types an [`ExtensionTypeList`] holds.
pub const MAX_EXTENSION_TYPES: usize = 16;

/// The Extension Header Type List of a Supported Extension Headers Notification
/// (TS 29.281 §8.5), held inline so that the [`crate::Repr`] stays `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExtensionTypeList {
    types: [u8; MAX_EXTENSION_TYPES],
    len: u8,
}

impl ExtensionTypeList {
    /// A list of up to [`MAX_EXTENSION_TYPES`] types.
    pub fn new(types: &[u8]) -> Result<Self, Error> {
        let mut list = ExtensionTypeList::default();
        let dst = list
            .types
            .get_mut(..types.len())
            .ok_or(Error::TooManyExtensionTypes(types.len()))?;
        dst.copy_from_slice(types);
        list.len = types.len() as u8;
        Ok(list)
    }

    /// The types, in order.
    pub fn as_slice(&self) -> &[u8] {
        &self.types[..usize::from(self.len)]
    }
}

/// The IEs this crate understands, as found in one message body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Ies {
    pub recovery: Option<u8>,
    pub teid_data_i: Option<u32>,
    pub peer_address: Option<IpAddr>,
    pub extension_types: Option<ExtensionTypeList>,
}

impl Ies {
    /// Reads every IE of a body (TS 29.281 §8.1): TV types (< 128) this crate knows,
    /// TLV types (>= 128) with a 2-octet length, unknown TLVs skipped; the first
    /// occurrence of a repeated IE wins.
    pub fn parse(body: &[u8]) -> Result<Self, Error> {
        let mut ies = Ies::default();
        let mut r = Reader::new(body);
        while !r.is_empty() {
            let ie_type = r.u8("IE type")?;
            match ie_type {
                RECOVERY => {
                    let v = r.u8("Recovery")?;
                    ies.recovery.get_or_insert(v);
                }
                TEID_DATA_I => {
                    let v = r.u32("TEID Data I")?;
                    ies.teid_data_i.get_or_insert(v);
                }
                EXTENSION_HEADER_TYPE_LIST => {
                    let n = usize::from(r.u8("Extension Header Type List length")?);
                    let types = r.bytes(n, "Extension Header Type List")?;
                    let list = ExtensionTypeList::new(types)?;
                    ies.extension_types.get_or_insert(list);
                }
                t if t < 128 => return Err(Error::UnknownIe(t)),
                t => {
                    let len = usize::from(r.u16("IE length")?);
                    let value = r.bytes(len, "IE value")?;
                    if t == PEER_ADDRESS {
                        let addr = peer_address(value)?;
                        ies.peer_address.get_or_insert(addr);
                    }
                }
            }
        }
        Ok(ies)
    }
}

fn peer_address(value: &[u8]) -> Result<IpAddr, Error> {
    if let Ok(v4) = <[u8; 4]>::try_from(value) {
        Ok(IpAddr::V4(Ipv4Addr::from(v4)))
    } else if let Ok(v6) = <[u8; 16]>::try_from(value) {
        Ok(IpAddr::V6(Ipv6Addr::from(v6)))
    } else {
        Err(Error::IeLength {
            ie: "GTP-U Peer Address",
            len: value.len(),
        })
    }
}

/// Octets of a Recovery IE.
pub(crate) const RECOVERY_LEN: usize = 2;
/// Octets of a TEID Data I IE.
pub(crate) const TEID_DATA_I_LEN: usize = 5;

/// Octets of a GTP-U Peer Address IE.
pub(crate) fn peer_address_len(addr: &IpAddr) -> usize {
    3 + match addr {
        IpAddr::V4(_) => 4,
        IpAddr::V6(_) => 16,
    }
}

/// Octets of an Extension Header Type List IE.
pub(crate) fn extension_types_len(list: &ExtensionTypeList) -> usize {
    2 + list.as_slice().len()
}

pub(crate) fn emit_recovery(w: &mut Writer<'_>, recovery: u8) -> Result<(), Error> {
    w.u8(RECOVERY)?;
    w.u8(recovery)
}

pub(crate) fn emit_teid_data_i(w: &mut Writer<'_>, teid: u32) -> Result<(), Error> {
    w.u8(TEID_DATA_I)?;
    w.u32(teid)
}

pub(crate) fn emit_peer_address(w: &mut Writer<'_>, addr: &IpAddr) -> Result<(), Error> {
    w.u8(PEER_ADDRESS)?;
    match addr {
        IpAddr::V4(a) => {
            w.u16(4)?;
            w.bytes(&a.octets())
        }
        IpAddr::V6(a) => {
            w.u16(16)?;
            w.bytes(&a.octets())
        }
    }
}

pub(crate) fn emit_extension_types(
    w: &mut Writer<'_>,
    list: &ExtensionTypeList,
) -> Result<(), Error> {
    w.u8(EXTENSION_HEADER_TYPE_LIST)?;
    w.u8(list.len)?;
    w.bytes(list.as_slice())
}
