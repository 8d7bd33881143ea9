//! Packet handling IEs: SDF Filter, Apply Action, Outer Header Creation / Removal.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::error::Error;
use crate::ie_type::IeType;
use crate::small::Small;
use crate::tlv::{Value, Writer, take};

fn be(b: &[u8]) -> u32 {
    b.iter().fold(0u32, |acc, &x| acc << 8 | u32::from(x))
}

/// The Flow Description of an SDF Filter: an IPFilterRule (RFC 6733 §4.3), e.g.
/// `permit out ip from any to assigned`. Always UTF-8; up to 54 octets are kept inline
/// (so decoding one costs no allocation), longer ones on the heap. Derefs to `str`.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct FlowDescription(Small<u8, 54>);

impl FlowDescription {
    pub fn new(text: &str) -> Self {
        FlowDescription(Small::from(text.as_bytes()))
    }

    #[inline]
    pub fn as_str(&self) -> &str {
        // Built only from `&str` (here and in `decode`, after validation), so this
        // never fails; checked rather than `unsafe`.
        std::str::from_utf8(self.0.as_slice()).unwrap_or_default()
    }
}

impl std::ops::Deref for FlowDescription {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for FlowDescription {
    fn from(text: &str) -> Self {
        FlowDescription::new(text)
    }
}

impl From<String> for FlowDescription {
    fn from(text: String) -> Self {
        FlowDescription::new(&text)
    }
}

impl PartialEq<str> for FlowDescription {
    fn eq(&self, other: &str) -> bool {
        self.0.as_slice() == other.as_bytes()
    }
}

impl PartialEq<&str> for FlowDescription {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_slice() == other.as_bytes()
    }
}

impl std::fmt::Debug for FlowDescription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for FlowDescription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// SDF Filter (TS 29.244 §8.2.5).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SdfFilter {
    /// Flow Description (FD flag): an IPFilterRule (RFC 6733 §4.3).
    pub flow_description: Option<FlowDescription>,
    /// ToS / Traffic Class and mask (TTC flag).
    pub tos_traffic_class: Option<u16>,
    /// Security Parameter Index (SPI flag).
    pub security_parameter_index: Option<u32>,
    /// Flow Label, 20 bits in 3 octets (FL flag).
    pub flow_label: Option<u32>,
    /// SDF Filter ID (BID flag).
    pub filter_id: Option<u32>,
}

impl Value for SdfFilter {
    #[inline]
    fn decode(ie: IeType, mut v: &[u8]) -> Result<Self, Error> {
        let total = v.len();
        let f = take(ie, &mut v, 2, "flags", total)?[0];
        let flow_description = if f & 0x01 != 0 {
            let l = take(ie, &mut v, 2, "Length of Flow Description", total)?;
            let l = usize::from(u16::from_be_bytes([l[0], l[1]]));
            let text = take(ie, &mut v, l, "Flow Description", total)?;
            // Flow descriptions are ASCII in practice: check that first, cheaply.
            if !text.is_ascii() && std::str::from_utf8(text).is_err() {
                return Err(Error::InvalidField {
                    ie,
                    field: "Flow Description",
                });
            }
            Some(FlowDescription(Small::from(text)))
        } else {
            None
        };
        let tos_traffic_class = if f & 0x02 != 0 {
            Some(be(take(ie, &mut v, 2, "ToS Traffic Class", total)?) as u16)
        } else {
            None
        };
        let security_parameter_index = if f & 0x04 != 0 {
            Some(be(take(ie, &mut v, 4, "Security Parameter Index", total)?))
        } else {
            None
        };
        let flow_label = if f & 0x08 != 0 {
            Some(be(take(ie, &mut v, 3, "Flow Label", total)?))
        } else {
            None
        };
        let filter_id = if f & 0x10 != 0 {
            Some(be(take(ie, &mut v, 4, "SDF Filter ID", total)?))
        } else {
            None
        };
        Ok(SdfFilter {
            flow_description,
            tos_traffic_class,
            security_parameter_index,
            flow_label,
            filter_id,
        })
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        let f = u8::from(self.flow_description.is_some())
            | u8::from(self.tos_traffic_class.is_some()) << 1
            | u8::from(self.security_parameter_index.is_some()) << 2
            | u8::from(self.flow_label.is_some()) << 3
            | u8::from(self.filter_id.is_some()) << 4;
        w.bytes(&[f, 0]);
        if let Some(d) = &self.flow_description {
            let len = u16::try_from(d.0.len()).unwrap_or(u16::MAX);
            w.bytes(&len.to_be_bytes());
            w.bytes(&d.0.as_slice()[..usize::from(len)]);
        }
        if let Some(t) = self.tos_traffic_class {
            w.bytes(&t.to_be_bytes());
        }
        if let Some(s) = self.security_parameter_index {
            w.bytes(&s.to_be_bytes());
        }
        if let Some(l) = self.flow_label {
            w.bytes(&l.to_be_bytes()[1..]);
        }
        if let Some(id) = self.filter_id {
            w.bytes(&id.to_be_bytes());
        }
    }
}

/// Apply Action (TS 29.244 §8.2.26): flag bits, octet 5 in the low byte, octet 6 above.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyAction(pub u16);

impl std::fmt::Debug for ApplyAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NAMES: [&str; 11] = [
            "DROP", "FORW", "BUFF", "NOCP", "DUPL", "IPMA", "IPMD", "DFRT", "EDRT", "BDPN", "DDPN",
        ];
        super::flags::write(f, "ApplyAction", u32::from(self.0), &NAMES)
    }
}

impl ApplyAction {
    pub const DROP: ApplyAction = ApplyAction(0x0001);
    pub const FORW: ApplyAction = ApplyAction(0x0002);
    pub const BUFF: ApplyAction = ApplyAction(0x0004);
    pub const NOCP: ApplyAction = ApplyAction(0x0008);
    pub const DUPL: ApplyAction = ApplyAction(0x0010);
    pub const IPMA: ApplyAction = ApplyAction(0x0020);
    pub const IPMD: ApplyAction = ApplyAction(0x0040);
    pub const DFRT: ApplyAction = ApplyAction(0x0080);
    pub const EDRT: ApplyAction = ApplyAction(0x0100);
    pub const BDPN: ApplyAction = ApplyAction(0x0200);
    pub const DDPN: ApplyAction = ApplyAction(0x0400);

    pub fn contains(self, other: ApplyAction) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for ApplyAction {
    type Output = ApplyAction;
    fn bitor(self, rhs: Self) -> Self {
        ApplyAction(self.0 | rhs.0)
    }
}

impl Value for ApplyAction {
    const MIN: usize = 1;
    #[inline]
    fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error> {
        match v {
            [] => Err(Error::IeTooShort {
                ie,
                field: "flags",
                len: 0,
            }),
            [a] => Ok(ApplyAction(u16::from(*a))),
            [a, b, ..] => Ok(ApplyAction(u16::from(*a) | u16::from(*b) << 8)),
        }
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        w.u8(self.0 as u8);
        if self.0 > 0xff {
            w.u8((self.0 >> 8) as u8);
        }
    }
}

/// Outer Header Creation (TS 29.244 §8.2.56). Which fields are present follows from
/// `description` alone: decoding fills exactly those, encoding writes exactly those (a
/// field the description needs but left `None` is written as zeros).
/// [`OuterHeaderCreation::gtpu_ipv4`] builds the common N3/N9 case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OuterHeaderCreation {
    /// Outer Header Creation Description, octet 5 in the high byte, octet 6 in the low.
    pub description: u16,
    pub teid: Option<u32>,
    pub ipv4: Option<Ipv4Addr>,
    pub ipv6: Option<Ipv6Addr>,
    pub port: Option<u16>,
    pub c_tag: Option<[u8; 3]>,
    pub s_tag: Option<[u8; 3]>,
}

impl OuterHeaderCreation {
    pub const GTPU_UDP_IPV4: u16 = 0x0100;
    pub const GTPU_UDP_IPV6: u16 = 0x0200;
    pub const UDP_IPV4: u16 = 0x0400;
    pub const UDP_IPV6: u16 = 0x0800;
    pub const IPV4: u16 = 0x1000;
    pub const IPV6: u16 = 0x2000;
    pub const C_TAG: u16 = 0x4000;
    pub const S_TAG: u16 = 0x8000;
    pub const N19_INDICATION: u16 = 0x0001;
    pub const N6_INDICATION: u16 = 0x0002;

    /// GTP-U/UDP/IPv4 towards `peer` with `teid`.
    pub fn gtpu_ipv4(teid: u32, peer: Ipv4Addr) -> Self {
        OuterHeaderCreation {
            description: Self::GTPU_UDP_IPV4,
            teid: Some(teid),
            ipv4: Some(peer),
            ..Default::default()
        }
    }

    fn has(&self, bits: u16) -> bool {
        self.description & bits != 0
    }
}

impl Value for OuterHeaderCreation {
    #[inline]
    fn decode(ie: IeType, mut v: &[u8]) -> Result<Self, Error> {
        let total = v.len();
        let d = be(take(
            ie,
            &mut v,
            2,
            "Outer Header Creation Description",
            total,
        )?) as u16;
        let mut o = OuterHeaderCreation {
            description: d,
            ..Default::default()
        };
        if o.has(Self::GTPU_UDP_IPV4 | Self::GTPU_UDP_IPV6) {
            o.teid = Some(be(take(ie, &mut v, 4, "TEID", total)?));
        }
        if o.has(Self::GTPU_UDP_IPV4 | Self::UDP_IPV4 | Self::IPV4) {
            let b = take(ie, &mut v, 4, "IPv4 Address", total)?;
            o.ipv4 = Some(Ipv4Addr::new(b[0], b[1], b[2], b[3]));
        }
        if o.has(Self::GTPU_UDP_IPV6 | Self::UDP_IPV6 | Self::IPV6) {
            let mut a = [0u8; 16];
            a.copy_from_slice(take(ie, &mut v, 16, "IPv6 Address", total)?);
            o.ipv6 = Some(Ipv6Addr::from(a));
        }
        if o.has(Self::UDP_IPV4 | Self::UDP_IPV6) {
            o.port = Some(be(take(ie, &mut v, 2, "Port Number", total)?) as u16);
        }
        let tag = |v: &mut &[u8], name| -> Result<[u8; 3], Error> {
            let b = take(ie, v, 3, name, total)?;
            Ok([b[0], b[1], b[2]])
        };
        if o.has(Self::C_TAG) {
            o.c_tag = Some(tag(&mut v, "C-TAG")?);
        }
        if o.has(Self::S_TAG) {
            o.s_tag = Some(tag(&mut v, "S-TAG")?);
        }
        Ok(o)
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        w.bytes(&self.description.to_be_bytes());
        if self.has(Self::GTPU_UDP_IPV4 | Self::GTPU_UDP_IPV6) {
            w.bytes(&self.teid.unwrap_or_default().to_be_bytes());
        }
        if self.has(Self::GTPU_UDP_IPV4 | Self::UDP_IPV4 | Self::IPV4) {
            w.bytes(&self.ipv4.unwrap_or(Ipv4Addr::UNSPECIFIED).octets());
        }
        if self.has(Self::GTPU_UDP_IPV6 | Self::UDP_IPV6 | Self::IPV6) {
            w.bytes(&self.ipv6.unwrap_or(Ipv6Addr::UNSPECIFIED).octets());
        }
        if self.has(Self::UDP_IPV4 | Self::UDP_IPV6) {
            w.bytes(&self.port.unwrap_or_default().to_be_bytes());
        }
        if self.has(Self::C_TAG) {
            w.bytes(&self.c_tag.unwrap_or_default());
        }
        if self.has(Self::S_TAG) {
            w.bytes(&self.s_tag.unwrap_or_default());
        }
    }
}

/// Outer Header Removal (TS 29.244 §8.2.64).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OuterHeaderRemoval {
    /// 0 GTP-U/UDP/IPv4, 1 GTP-U/UDP/IPv6, 2 UDP/IPv4, 3 UDP/IPv6, 4 IPv4, 5 IPv6,
    /// 6 GTP-U/UDP/IP, 7 VLAN S-TAG, 8 S-TAG and C-TAG.
    pub description: u8,
    /// GTP-U Extension Header Deletion (bit 1: PDU Session Container), when present.
    pub extension_header_deletion: Option<u8>,
}

impl OuterHeaderRemoval {
    pub const GTPU_UDP_IPV4: u8 = 0;
    pub const GTPU_UDP_IPV6: u8 = 1;
    pub const GTPU_UDP_IP: u8 = 6;
}

impl Value for OuterHeaderRemoval {
    #[inline]
    fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error> {
        match v {
            [] => Err(Error::IeTooShort {
                ie,
                field: "Outer Header Removal Description",
                len: 0,
            }),
            [d] => Ok(OuterHeaderRemoval {
                description: *d,
                extension_header_deletion: None,
            }),
            [d, e, ..] => Ok(OuterHeaderRemoval {
                description: *d,
                extension_header_deletion: Some(*e),
            }),
        }
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        w.u8(self.description);
        if let Some(e) = self.extension_header_deletion {
            w.u8(e);
        }
    }
}
