//! Packet filters of QoS rules (TS 24.501 §9.11.4.13, Table 9.11.4.13.1) in the three
//! forms the SMF meets: the NAS components a UE asks for, [`PacketFilter`] (what the
//! SMF keeps), and the PFCP SDF Filter of a PDR (TS 29.244 §8.2.5) whose Flow
//! Description is an IPFilterRule (RFC 6733 §4.3) written for the downlink, from the
//! remote side to the UE (TS 29.212 §5.4.2).

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ferrocore_nas::types::{QosPacketFilter, QosPacketFilterComponent, QosPacketFilterDirection};
use ferrocore_pfcp::ie::{FlowDescription, SdfFilter};
use serde::{Deserialize, Serialize};

/// Which packets a filter applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilterDirection {
    Downlink,
    Uplink,
    Bidirectional,
}

impl FilterDirection {
    pub fn uplink(self) -> bool {
        matches!(
            self,
            FilterDirection::Uplink | FilterDirection::Bidirectional
        )
    }
    pub fn downlink(self) -> bool {
        matches!(
            self,
            FilterDirection::Downlink | FilterDirection::Bidirectional
        )
    }
}

/// An address and the number of leading bits that matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpPrefix {
    pub addr: IpAddr,
    pub len: u8,
}

/// A packet filter of an IP PDU session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PacketFilter {
    /// Packet filter identifier, 1..=15, unique in the session.
    pub id: u8,
    pub direction: FilterDirection,
    /// Protocol number (IPv4) or next header (IPv6).
    pub protocol: Option<u8>,
    /// The far end's address (the UE's peer).
    pub remote: Option<IpPrefix>,
    /// The UE's own address; `None`: whatever the session was given.
    pub local: Option<IpPrefix>,
    /// Inclusive port ranges.
    pub local_ports: Option<(u16, u16)>,
    pub remote_ports: Option<(u16, u16)>,
    /// Type of service / traffic class and its mask.
    pub tos: Option<(u8, u8)>,
    pub spi: Option<u32>,
    /// IPv6 flow label, 20 bits.
    pub flow_label: Option<u32>,
}

/// Why a requested packet filter cannot be installed: a semantic error in the packet
/// filters (5GSM cause #44, TS 24.501 §6.4.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("a match-all filter belongs to the default QoS rule only")]
    MatchAll,
    #[error("an {0} component in a session without that address family")]
    Family(&'static str),
    #[error("an IPv4 mask that is not a prefix")]
    Mask,
    #[error("a component of Ethernet or media filters, not of an IP session")]
    NotIp,
    #[error("IPv4 and IPv6 components in one filter")]
    MixedFamilies,
}

fn prefix_of_mask(mask: [u8; 4]) -> Option<u8> {
    let m = u32::from_be_bytes(mask);
    let len = m.leading_ones();
    (m.checked_shl(len).unwrap_or(0) == 0).then_some(len as u8)
}

fn mask_of_prefix(len: u8) -> [u8; 4] {
    let m = if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len.min(32)))
    };
    m.to_be_bytes()
}

impl PacketFilter {
    /// A filter from the components a UE asked for in a session with IPv4 (`v4`) and / or
    /// IPv6 (`v6`); `id` is the identifier the network gives it.
    pub fn from_nas(
        id: u8,
        direction: QosPacketFilterDirection,
        components: &[QosPacketFilterComponent],
        v4: bool,
        v6: bool,
    ) -> Result<PacketFilter, FilterError> {
        use QosPacketFilterComponent as C;
        let direction = match direction {
            QosPacketFilterDirection::Downlink => FilterDirection::Downlink,
            QosPacketFilterDirection::Uplink => FilterDirection::Uplink,
            // Reserved never gets past the NAS decoder's check; read as both.
            _ => FilterDirection::Bidirectional,
        };
        let mut f = PacketFilter {
            id,
            direction,
            protocol: None,
            remote: None,
            local: None,
            local_ports: None,
            remote_ports: None,
            tos: None,
            spi: None,
            flow_label: None,
        };
        let v4_prefix = |address: &[u8; 4], mask: &[u8; 4]| -> Result<IpPrefix, FilterError> {
            if !v4 {
                return Err(FilterError::Family("IPv4"));
            }
            Ok(IpPrefix {
                addr: IpAddr::V4(Ipv4Addr::from(*address)),
                len: prefix_of_mask(*mask).ok_or(FilterError::Mask)?,
            })
        };
        let v6_prefix = |address: &[u8; 16], len: u8| -> Result<IpPrefix, FilterError> {
            if !v6 {
                return Err(FilterError::Family("IPv6"));
            }
            Ok(IpPrefix {
                addr: IpAddr::V6(Ipv6Addr::from(*address)),
                len: len.min(128),
            })
        };
        for c in components {
            match c {
                C::MatchAll => return Err(FilterError::MatchAll),
                C::Ipv4RemoteAddress { address, mask } => {
                    f.remote = Some(v4_prefix(address, mask)?)
                }
                C::Ipv4LocalAddress { address, mask } => f.local = Some(v4_prefix(address, mask)?),
                C::Ipv6RemoteAddressPrefix {
                    address,
                    prefix_length,
                } => f.remote = Some(v6_prefix(address, *prefix_length)?),
                C::Ipv6LocalAddressPrefix {
                    address,
                    prefix_length,
                } => f.local = Some(v6_prefix(address, *prefix_length)?),
                C::ProtocolIdentifierOrNextHeader(p) => f.protocol = Some(*p),
                C::SingleLocalPort(p) => f.local_ports = Some((*p, *p)),
                C::LocalPortRange { low, high } => f.local_ports = Some((*low, *high)),
                C::SingleRemotePort(p) => f.remote_ports = Some((*p, *p)),
                C::RemotePortRange { low, high } => f.remote_ports = Some((*low, *high)),
                C::SecurityParameterIndex(s) => f.spi = Some(*s),
                C::TypeOfServiceOrTrafficClass { value, mask } => f.tos = Some((*value, *mask)),
                C::FlowLabel(l) => {
                    f.flow_label = Some(u32::from_be_bytes([0, l[0], l[1], l[2]]) & 0x000f_ffff)
                }
                _ => return Err(FilterError::NotIp),
            }
        }
        let family = |p: Option<IpPrefix>| p.map(|p| p.addr.is_ipv4());
        if let (Some(a), Some(b)) = (family(f.remote), family(f.local))
            && a != b
        {
            return Err(FilterError::MixedFamilies);
        }
        Ok(f)
    }

    /// The filter as the network sends it in an authorized QoS rule.
    pub fn to_nas(&self) -> QosPacketFilter {
        use QosPacketFilterComponent as C;
        let prefix = |p: IpPrefix, remote: bool| match p.addr {
            IpAddr::V4(a) if remote => C::Ipv4RemoteAddress {
                address: a.octets(),
                mask: mask_of_prefix(p.len),
            },
            IpAddr::V4(a) => C::Ipv4LocalAddress {
                address: a.octets(),
                mask: mask_of_prefix(p.len),
            },
            IpAddr::V6(a) if remote => C::Ipv6RemoteAddressPrefix {
                address: a.octets(),
                prefix_length: p.len,
            },
            IpAddr::V6(a) => C::Ipv6LocalAddressPrefix {
                address: a.octets(),
                prefix_length: p.len,
            },
        };
        let ports = |r: (u16, u16), local: bool| match (r.0 == r.1, local) {
            (true, true) => C::SingleLocalPort(r.0),
            (false, true) => C::LocalPortRange {
                low: r.0,
                high: r.1,
            },
            (true, false) => C::SingleRemotePort(r.0),
            (false, false) => C::RemotePortRange {
                low: r.0,
                high: r.1,
            },
        };
        let mut components = Vec::new();
        components.extend(self.remote.map(|p| prefix(p, true)));
        components.extend(self.local.map(|p| prefix(p, false)));
        components.extend(self.protocol.map(C::ProtocolIdentifierOrNextHeader));
        components.extend(self.local_ports.map(|r| ports(r, true)));
        components.extend(self.remote_ports.map(|r| ports(r, false)));
        components.extend(self.spi.map(C::SecurityParameterIndex));
        components.extend(
            self.tos
                .map(|(value, mask)| C::TypeOfServiceOrTrafficClass { value, mask }),
        );
        components.extend(self.flow_label.map(|l| {
            let b = l.to_be_bytes();
            C::FlowLabel([b[1] & 0x0f, b[2], b[3]])
        }));
        if components.is_empty() {
            // Nothing to match on but the direction: every packet of it.
            components.push(C::MatchAll);
        }
        let direction = match self.direction {
            FilterDirection::Downlink => QosPacketFilterDirection::Downlink,
            FilterDirection::Uplink => QosPacketFilterDirection::Uplink,
            FilterDirection::Bidirectional => QosPacketFilterDirection::Bidirectional,
        };
        QosPacketFilter::Match {
            direction,
            identifier: self.id,
            components,
        }
    }

    /// The IPFilterRule of the filter (TS 29.212 §5.4.2): `permit out <proto> from
    /// <remote> [ports] to <UE> [ports]`, `assigned` standing for the UE's address.
    pub fn flow_description(&self) -> String {
        let mut s = String::from("permit out ");
        match self.protocol {
            Some(p) => {
                let _ = write!(s, "{p}");
            }
            None => s.push_str("ip"),
        }
        let side = |s: &mut String, p: Option<IpPrefix>, ports: Option<(u16, u16)>, ue: bool| {
            match p {
                Some(p) => {
                    let _ = write!(s, " {}/{}", p.addr, p.len);
                }
                None if ue => s.push_str(" assigned"),
                None => s.push_str(" any"),
            }
            match ports {
                Some((lo, hi)) if lo == hi => {
                    let _ = write!(s, " {lo}");
                }
                Some((lo, hi)) => {
                    let _ = write!(s, " {lo}-{hi}");
                }
                None => {}
            }
        };
        s.push_str(" from");
        side(&mut s, self.remote, self.remote_ports, false);
        s.push_str(" to");
        side(&mut s, self.local, self.local_ports, true);
        s
    }

    /// The PFCP SDF Filter (TS 29.244 §8.2.5): the flow description, ToS / traffic class,
    /// SPI and flow label, and the filter's identifier as SDF Filter ID.
    pub fn sdf_filter(&self) -> SdfFilter {
        SdfFilter {
            flow_description: Some(FlowDescription::from(self.flow_description())),
            tos_traffic_class: self
                .tos
                .map(|(value, mask)| u16::from(value) << 8 | u16::from(mask)),
            security_parameter_index: self.spi,
            flow_label: self.flow_label,
            filter_id: Some(u32::from(self.id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use QosPacketFilterComponent as C;

    fn udp_to_server() -> Vec<C> {
        vec![
            C::Ipv4RemoteAddress {
                address: [198, 51, 100, 0],
                mask: [255, 255, 255, 0],
            },
            C::ProtocolIdentifierOrNextHeader(17),
            C::RemotePortRange {
                low: 5000,
                high: 5010,
            },
            C::SingleLocalPort(4000),
        ]
    }

    #[test]
    fn nas_components_become_an_ipfilterrule_and_back() {
        let f = PacketFilter::from_nas(
            3,
            QosPacketFilterDirection::Bidirectional,
            &udp_to_server(),
            true,
            false,
        )
        .unwrap();
        assert_eq!(
            f.flow_description(),
            "permit out 17 from 198.51.100.0/24 5000-5010 to assigned 4000"
        );
        let sdf = f.sdf_filter();
        assert_eq!(sdf.filter_id, Some(3));
        assert_eq!(sdf.tos_traffic_class, None);
        let QosPacketFilter::Match {
            identifier,
            components,
            direction,
        } = f.to_nas()
        else {
            panic!()
        };
        assert_eq!(
            (identifier, direction),
            (3, QosPacketFilterDirection::Bidirectional)
        );
        let back = PacketFilter::from_nas(3, direction, &components, true, false).unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn ipv6_and_tos() {
        let comps = vec![
            C::Ipv6RemoteAddressPrefix {
                address: "2001:db8::".parse::<Ipv6Addr>().unwrap().octets(),
                prefix_length: 32,
            },
            C::TypeOfServiceOrTrafficClass {
                value: 0xb8,
                mask: 0xfc,
            },
        ];
        let f = PacketFilter::from_nas(2, QosPacketFilterDirection::Downlink, &comps, false, true)
            .unwrap();
        assert_eq!(
            f.flow_description(),
            "permit out ip from 2001:db8::/32 to assigned"
        );
        assert_eq!(f.sdf_filter().tos_traffic_class, Some(0xb8fc));
        assert!(!f.direction.uplink() && f.direction.downlink());
    }

    #[test]
    fn what_an_ip_session_cannot_filter_on_is_refused() {
        let d = QosPacketFilterDirection::Uplink;
        assert_eq!(
            PacketFilter::from_nas(2, d, &[C::MatchAll], true, true),
            Err(FilterError::MatchAll)
        );
        assert_eq!(
            PacketFilter::from_nas(2, d, &udp_to_server(), false, true),
            Err(FilterError::Family("IPv4"))
        );
        let holey = [C::Ipv4RemoteAddress {
            address: [10, 0, 0, 0],
            mask: [255, 0, 255, 0],
        }];
        assert_eq!(
            PacketFilter::from_nas(2, d, &holey, true, true),
            Err(FilterError::Mask)
        );
        assert_eq!(
            PacketFilter::from_nas(2, d, &[C::Ethertype(0x0800)], true, true),
            Err(FilterError::NotIp)
        );
        let mixed = [
            C::Ipv4RemoteAddress {
                address: [10, 0, 0, 0],
                mask: [255, 0, 0, 0],
            },
            C::Ipv6LocalAddressPrefix {
                address: [0x20; 16],
                prefix_length: 64,
            },
        ];
        assert_eq!(
            PacketFilter::from_nas(2, d, &mixed, true, true),
            Err(FilterError::MixedFamilies)
        );
    }
}
