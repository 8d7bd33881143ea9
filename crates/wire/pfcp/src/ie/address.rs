//! Addressing IEs: Node ID, F-SEID, F-TEID, UE IP Address, Remote GTP-U Peer, Network
//! Instance and the Source / Destination Interface values.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::error::Error;
use crate::ie_type::IeType;
use crate::small::Small;
use crate::tlv::{Value, Writer, take};

fn ipv4(ie: IeType, v: &mut &[u8], total: usize) -> Result<Ipv4Addr, Error> {
    let b = take(ie, v, 4, "IPv4 address", total)?;
    Ok(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
}

fn ipv6(ie: IeType, v: &mut &[u8], total: usize) -> Result<Ipv6Addr, Error> {
    let b = take(ie, v, 16, "IPv6 address", total)?;
    let mut a = [0u8; 16];
    a.copy_from_slice(b);
    Ok(Ipv6Addr::from(a))
}

fn flags(ie: IeType, v: &mut &[u8], total: usize) -> Result<u8, Error> {
    Ok(take(ie, v, 1, "flags", total)?[0])
}

/// Node ID (TS 29.244 §8.2.38): the PFCP entity's address or FQDN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeId {
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    /// Dotted form of the FQDN; on the wire as DNS labels (TS 29.244 §8.2.38, RFC 1035).
    Fqdn(String),
}

impl Value for NodeId {
    const MIN: usize = 1;
    #[inline]
    fn decode(ie: IeType, mut v: &[u8]) -> Result<Self, Error> {
        let total = v.len();
        let kind = flags(ie, &mut v, total)? & 0x0f;
        match kind {
            0 => Ok(NodeId::Ipv4(ipv4(ie, &mut v, total)?)),
            1 => Ok(NodeId::Ipv6(ipv6(ie, &mut v, total)?)),
            2 => Ok(NodeId::Fqdn(labels_to_fqdn(ie, v)?)),
            _ => Err(Error::InvalidField {
                ie,
                field: "Node ID Type",
            }),
        }
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        match self {
            NodeId::Ipv4(a) => {
                w.u8(0);
                w.bytes(&a.octets());
            }
            NodeId::Ipv6(a) => {
                w.u8(1);
                w.bytes(&a.octets());
            }
            NodeId::Fqdn(name) => {
                w.u8(2);
                for label in name.split('.').filter(|l| !l.is_empty()) {
                    let l = &label.as_bytes()[..label.len().min(63)];
                    w.u8(l.len() as u8);
                    w.bytes(l);
                }
            }
        }
    }
}

/// Decodes DNS labels into a dotted name, rejecting what would not survive re-encoding.
fn labels_to_fqdn(ie: IeType, mut v: &[u8]) -> Result<String, Error> {
    let bad = Error::InvalidField { ie, field: "FQDN" };
    let mut out = String::with_capacity(v.len());
    while let Some((&n, rest)) = v.split_first() {
        let n = usize::from(n);
        if n == 0 || n > 63 || rest.len() < n {
            return Err(bad);
        }
        let label = &rest[..n];
        if !label.iter().all(|c| c.is_ascii_graphic() && *c != b'.') {
            return Err(bad);
        }
        if !out.is_empty() {
            out.push('.');
        }
        out.extend(label.iter().map(|&c| char::from(c)));
        v = &rest[n..];
    }
    if out.is_empty() {
        return Err(bad);
    }
    Ok(out)
}

/// F-SEID (TS 29.244 §8.2.37): a session endpoint identifier and its node's address(es).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fseid {
    pub seid: u64,
    pub ipv4: Option<Ipv4Addr>,
    pub ipv6: Option<Ipv6Addr>,
}

impl Value for Fseid {
    /// Flags and SEID.
    const MIN: usize = 9;
    #[inline]
    fn decode(ie: IeType, mut v: &[u8]) -> Result<Self, Error> {
        let total = v.len();
        let f = flags(ie, &mut v, total)?;
        let seid = u64::from_be_bytes(
            take(ie, &mut v, 8, "SEID", total)?
                .try_into()
                .unwrap_or_default(),
        );
        let ipv4 = if f & 0x02 != 0 {
            Some(ipv4(ie, &mut v, total)?)
        } else {
            None
        };
        let ipv6 = if f & 0x01 != 0 {
            Some(ipv6(ie, &mut v, total)?)
        } else {
            None
        };
        Ok(Fseid { seid, ipv4, ipv6 })
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        w.u8(u8::from(self.ipv4.is_some()) << 1 | u8::from(self.ipv6.is_some()));
        w.bytes(&self.seid.to_be_bytes());
        if let Some(a) = self.ipv4 {
            w.bytes(&a.octets());
        }
        if let Some(a) = self.ipv6 {
            w.bytes(&a.octets());
        }
    }
}

/// F-TEID (TS 29.244 §8.2.3): either a TEID with address(es), or a request that the UP
/// function choose one (CH flag), possibly shared across PDRs by a CHOOSE ID (CHID flag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fteid {
    Assigned {
        teid: u32,
        ipv4: Option<Ipv4Addr>,
        ipv6: Option<Ipv6Addr>,
    },
    Choose {
        ipv4: bool,
        ipv6: bool,
        choose_id: Option<u8>,
    },
}

impl Value for Fteid {
    const MIN: usize = 1;
    #[inline]
    fn decode(ie: IeType, mut v: &[u8]) -> Result<Self, Error> {
        let total = v.len();
        let f = flags(ie, &mut v, total)?;
        let (v4, v6, ch, chid) = (f & 0x01 != 0, f & 0x02 != 0, f & 0x04 != 0, f & 0x08 != 0);
        if ch {
            let choose_id = if chid {
                Some(take(ie, &mut v, 1, "CHOOSE ID", total)?[0])
            } else {
                None
            };
            return Ok(Fteid::Choose {
                ipv4: v4,
                ipv6: v6,
                choose_id,
            });
        }
        let teid = u32::from_be_bytes(
            take(ie, &mut v, 4, "TEID", total)?
                .try_into()
                .unwrap_or_default(),
        );
        let ipv4 = if v4 {
            Some(ipv4(ie, &mut v, total)?)
        } else {
            None
        };
        let ipv6 = if v6 {
            Some(ipv6(ie, &mut v, total)?)
        } else {
            None
        };
        Ok(Fteid::Assigned { teid, ipv4, ipv6 })
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        match self {
            Fteid::Assigned { teid, ipv4, ipv6 } => {
                w.u8(u8::from(ipv4.is_some()) | u8::from(ipv6.is_some()) << 1);
                w.bytes(&teid.to_be_bytes());
                if let Some(a) = ipv4 {
                    w.bytes(&a.octets());
                }
                if let Some(a) = ipv6 {
                    w.bytes(&a.octets());
                }
            }
            Fteid::Choose {
                ipv4,
                ipv6,
                choose_id,
            } => {
                w.u8(u8::from(*ipv4)
                    | u8::from(*ipv6) << 1
                    | 0x04
                    | u8::from(choose_id.is_some()) << 3);
                if let Some(id) = choose_id {
                    w.u8(*id);
                }
            }
        }
    }
}

/// One address family of a UE IP Address: a given address or "UP function, choose".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UeAddr<T> {
    Choose,
    Address(T),
}

/// UE IP Address (TS 29.244 §8.2.62).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UeIpAddress {
    pub ipv4: Option<UeAddr<Ipv4Addr>>,
    pub ipv6: Option<UeAddr<Ipv6Addr>>,
    /// S/D flag: the address is a destination address (downlink PDI).
    pub destination: bool,
    /// IPv6 Prefix Delegation Bits (IPv6D flag).
    pub ipv6_prefix_delegation_bits: Option<u8>,
    /// IPv6 Prefix Length (IP6PL flag).
    pub ipv6_prefix_length: Option<u8>,
}

impl Value for UeIpAddress {
    const MIN: usize = 1;
    #[inline]
    fn decode(ie: IeType, mut v: &[u8]) -> Result<Self, Error> {
        let total = v.len();
        let f = flags(ie, &mut v, total)?;
        let (v6, v4, sd, v6d, chv4, chv6, pl) = (
            f & 0x01 != 0,
            f & 0x02 != 0,
            f & 0x04 != 0,
            f & 0x08 != 0,
            f & 0x10 != 0,
            f & 0x20 != 0,
            f & 0x40 != 0,
        );
        let ipv4 = if chv4 {
            Some(UeAddr::Choose)
        } else if v4 {
            Some(UeAddr::Address(ipv4(ie, &mut v, total)?))
        } else {
            None
        };
        let ipv6 = if chv6 {
            Some(UeAddr::Choose)
        } else if v6 {
            Some(UeAddr::Address(ipv6(ie, &mut v, total)?))
        } else {
            None
        };
        let ipv6_prefix_delegation_bits = if v6d {
            Some(take(ie, &mut v, 1, "IPv6 Prefix Delegation Bits", total)?[0])
        } else {
            None
        };
        let ipv6_prefix_length = if pl {
            Some(take(ie, &mut v, 1, "IPv6 Prefix Length", total)?[0])
        } else {
            None
        };
        Ok(UeIpAddress {
            ipv4,
            ipv6,
            destination: sd,
            ipv6_prefix_delegation_bits,
            ipv6_prefix_length,
        })
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        let mut f = 0u8;
        if self.ipv6.is_some() {
            f |= 0x01;
        }
        if self.ipv4.is_some() {
            f |= 0x02;
        }
        if self.destination {
            f |= 0x04;
        }
        if self.ipv6_prefix_delegation_bits.is_some() {
            f |= 0x08;
        }
        if self.ipv4 == Some(UeAddr::Choose) {
            f |= 0x10;
        }
        if self.ipv6 == Some(UeAddr::Choose) {
            f |= 0x20;
        }
        if self.ipv6_prefix_length.is_some() {
            f |= 0x40;
        }
        w.u8(f);
        if let Some(UeAddr::Address(a)) = self.ipv4 {
            w.bytes(&a.octets());
        }
        if let Some(UeAddr::Address(a)) = self.ipv6 {
            w.bytes(&a.octets());
        }
        if let Some(b) = self.ipv6_prefix_delegation_bits {
            w.u8(b);
        }
        if let Some(b) = self.ipv6_prefix_length {
            w.u8(b);
        }
    }
}

/// Source Interface (TS 29.244 §8.2.2) and Destination Interface (§8.2.24) values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interface {
    Access,
    Core,
    /// SGi-LAN / N6-LAN.
    SgiLanN6Lan,
    CpFunction,
    /// 5G VN Internal.
    VnInternal,
    /// A value this crate does not name (5..=15).
    Other(u8),
}

impl Interface {
    #[inline]
    fn from_bits(b: u8) -> Self {
        match b & 0x0f {
            0 => Interface::Access,
            1 => Interface::Core,
            2 => Interface::SgiLanN6Lan,
            3 => Interface::CpFunction,
            4 => Interface::VnInternal,
            n => Interface::Other(n),
        }
    }
    #[inline]
    fn bits(self) -> u8 {
        match self {
            Interface::Access => 0,
            Interface::Core => 1,
            Interface::SgiLanN6Lan => 2,
            Interface::CpFunction => 3,
            Interface::VnInternal => 4,
            Interface::Other(n) => n & 0x0f,
        }
    }
}

impl Value for Interface {
    const MIN: usize = 1;
    #[inline]
    fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error> {
        let b = v.first().ok_or(Error::IeTooShort {
            ie,
            field: "Interface value",
            len: 0,
        })?;
        Ok(Interface::from_bits(*b))
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        w.u8(self.bits());
    }
}

/// Network Instance (TS 29.244 §8.2.4): an opaque octet string, typically a DNN or VRF
/// name. Up to 30 octets are kept inline.
#[derive(Clone, PartialEq, Eq, Default, Hash)]
pub struct NetworkInstance(Small<u8, 30>);

impl NetworkInstance {
    /// A network instance carried as the plain text `name`.
    pub fn new(name: &str) -> Self {
        NetworkInstance(Small::from(name.as_bytes()))
    }

    /// A network instance holding exactly `octets`.
    #[inline]
    pub fn from_bytes(octets: &[u8]) -> Self {
        NetworkInstance(Small::from(octets))
    }

    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_slice()
    }
}

impl NetworkInstance {
    /// A network instance carrying `dnn` encoded as an APN, in length-prefixed labels
    /// (TS 29.244 §8.2.4 referring to TS 23.003 §9.1), e.g. `\x08internet`.
    pub fn dnn(dnn: &str) -> Self {
        let mut v = Vec::with_capacity(dnn.len() + 1);
        for label in dnn.split('.').filter(|l| !l.is_empty()) {
            let l = &label.as_bytes()[..label.len().min(63)];
            v.push(l.len() as u8);
            v.extend_from_slice(l);
        }
        NetworkInstance(Small::from(v))
    }

    /// The instance as text: APN labels joined by dots when it is label-encoded,
    /// otherwise the octets as (lossy) UTF-8.
    pub fn to_text(&self) -> String {
        let mut rest = self.as_bytes();
        let mut labels = Vec::new();
        while let Some((&n, tail)) = rest.split_first() {
            let n = usize::from(n);
            if n == 0 || n > 63 || tail.len() < n || !tail[..n].iter().all(u8::is_ascii_graphic) {
                return String::from_utf8_lossy(self.as_bytes()).into_owned();
            }
            labels.push(String::from_utf8_lossy(&tail[..n]));
            rest = &tail[n..];
        }
        labels.join(".")
    }
}

impl fmt::Debug for NetworkInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NetworkInstance({:?})", self.to_text())
    }
}

impl Value for NetworkInstance {
    #[inline]
    fn decode(_ie: IeType, v: &[u8]) -> Result<Self, Error> {
        Ok(NetworkInstance::from_bytes(v))
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        w.bytes(self.as_bytes());
    }
}

/// Remote GTP-U Peer (TS 29.244 §8.2.70).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RemoteGtpuPeer {
    pub ipv4: Option<Ipv4Addr>,
    pub ipv6: Option<Ipv6Addr>,
    pub destination_interface: Option<Interface>,
    pub network_instance: Option<NetworkInstance>,
}

impl Value for RemoteGtpuPeer {
    #[inline]
    fn decode(ie: IeType, mut v: &[u8]) -> Result<Self, Error> {
        let total = v.len();
        let f = flags(ie, &mut v, total)?;
        let ipv4 = if f & 0x02 != 0 {
            Some(ipv4(ie, &mut v, total)?)
        } else {
            None
        };
        let ipv6 = if f & 0x01 != 0 {
            Some(ipv6(ie, &mut v, total)?)
        } else {
            None
        };
        let mut field = |name: &'static str| -> Result<&[u8], Error> {
            let l = take(ie, &mut v, 2, name, total)?;
            let l = usize::from(u16::from_be_bytes([l[0], l[1]]));
            take(ie, &mut v, l, name, total)
        };
        let destination_interface = if f & 0x04 != 0 {
            Some(Interface::decode(ie, field("Destination Interface")?)?)
        } else {
            None
        };
        let network_instance = if f & 0x08 != 0 {
            Some(NetworkInstance::from_bytes(field("Network Instance")?))
        } else {
            None
        };
        Ok(RemoteGtpuPeer {
            ipv4,
            ipv6,
            destination_interface,
            network_instance,
        })
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        let f = u8::from(self.ipv6.is_some())
            | u8::from(self.ipv4.is_some()) << 1
            | u8::from(self.destination_interface.is_some()) << 2
            | u8::from(self.network_instance.is_some()) << 3;
        w.u8(f);
        if let Some(a) = self.ipv4 {
            w.bytes(&a.octets());
        }
        if let Some(a) = self.ipv6 {
            w.bytes(&a.octets());
        }
        if let Some(d) = self.destination_interface {
            w.bytes(&[0, 1, d.bits()]);
        }
        if let Some(n) = &self.network_instance {
            let n = n.as_bytes();
            let len = u16::try_from(n.len()).unwrap_or(u16::MAX);
            w.bytes(&len.to_be_bytes());
            w.bytes(&n[..usize::from(len)]);
        }
    }
}

impl crate::tlv::Blank for NodeId {
    #[inline(always)]
    fn blank() -> Self {
        NodeId::Ipv4(Ipv4Addr::UNSPECIFIED)
    }
}

impl crate::tlv::Blank for Fseid {
    #[inline(always)]
    fn blank() -> Self {
        Fseid {
            seid: 0,
            ipv4: None,
            ipv6: None,
        }
    }
}

impl crate::tlv::Blank for Fteid {
    #[inline(always)]
    fn blank() -> Self {
        Fteid::Assigned {
            teid: 0,
            ipv4: None,
            ipv6: None,
        }
    }
}

impl crate::tlv::Blank for Interface {
    #[inline(always)]
    fn blank() -> Self {
        Interface::Access
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc<V: Value>(v: &V) -> Vec<u8> {
        let mut w = Writer::with_capacity(32);
        v.encode(&mut w);
        w.buf
    }

    #[test]
    fn f_teid_octets_follow_figure_8_2_3_1() {
        let assigned = Fteid::Assigned {
            teid: 0x0102_0304,
            ipv4: Some(Ipv4Addr::new(10, 0, 0, 2)),
            ipv6: None,
        };
        assert_eq!(enc(&assigned), [0x01, 1, 2, 3, 4, 10, 0, 0, 2]);
        let choose = Fteid::Choose {
            ipv4: true,
            ipv6: false,
            choose_id: Some(5),
        };
        assert_eq!(enc(&choose), [0x0d, 5]);
        assert_eq!(Fteid::decode(IeType::F_TEID, &[0x0d, 5]).unwrap(), choose);
        assert_eq!(
            Fteid::decode(IeType::F_TEID, &[0x01, 1, 2, 3]),
            Err(Error::IeTooShort {
                ie: IeType::F_TEID,
                field: "TEID",
                len: 4
            })
        );
    }

    #[test]
    fn ue_ip_address_choose_sets_v4_without_an_address() {
        let ue = UeIpAddress {
            ipv4: Some(UeAddr::Choose),
            ..Default::default()
        };
        assert_eq!(enc(&ue), [0x12]);
        assert_eq!(
            UeIpAddress::decode(IeType::UE_IP_ADDRESS, &[0x12]).unwrap(),
            ue
        );
    }

    #[test]
    fn node_id_fqdn_is_dns_labels() {
        let n = NodeId::Fqdn("upf.example".into());
        assert_eq!(enc(&n), b"\x02\x03upf\x07example");
        assert_eq!(
            NodeId::decode(IeType::NODE_ID, b"\x02\x03upf\x07example").unwrap(),
            n
        );
        assert!(NodeId::decode(IeType::NODE_ID, b"\x02\x05upf").is_err());
        assert!(NodeId::decode(IeType::NODE_ID, b"\x02\x03u.f").is_err());
    }

    #[test]
    fn network_instance_text_reads_apn_labels() {
        assert_eq!(
            NetworkInstance::dnn("ims.mnc001").as_bytes(),
            b"\x03ims\x06mnc001"
        );
        assert_eq!(NetworkInstance::dnn("ims.mnc001").to_text(), "ims.mnc001");
        assert_eq!(NetworkInstance::new("internet").to_text(), "internet");
    }
}
