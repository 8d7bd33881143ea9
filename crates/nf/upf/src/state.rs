//! Session state as plain serializable data: what the SMF installed (TS 29.244 §5.2,
//! §7.5.2), after F-TEID / UE address allocation. The control part owns it; the data
//! plane never sees it directly but a compiled copy ([`crate::table::SessionRules`]).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ferrocore_pfcp::ie::{Interface, NodeId, ReportingTriggers};
use serde::{Deserialize, Serialize};

/// A PFCP peer's Node ID (TS 29.244 §8.2.38) as a map key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NodeKey {
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    Fqdn(String),
}

impl From<&NodeId> for NodeKey {
    fn from(n: &NodeId) -> Self {
        match n {
            NodeId::Ipv4(a) => NodeKey::Ipv4(*a),
            NodeId::Ipv6(a) => NodeKey::Ipv6(*a),
            NodeId::Fqdn(s) => NodeKey::Fqdn(s.to_ascii_lowercase()),
        }
    }
}

impl NodeKey {
    /// Back to the IE.
    pub fn to_node_id(&self) -> NodeId {
        match self {
            NodeKey::Ipv4(a) => NodeId::Ipv4(*a),
            NodeKey::Ipv6(a) => NodeId::Ipv6(*a),
            NodeKey::Fqdn(s) => NodeId::Fqdn(s.clone()),
        }
    }
}

impl std::fmt::Display for NodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeKey::Ipv4(a) => a.fmt(f),
            NodeKey::Ipv6(a) => a.fmt(f),
            NodeKey::Fqdn(s) => f.write_str(s),
        }
    }
}

/// Source / Destination Interface (TS 29.244 §8.2.2, §8.2.24).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Iface {
    Access,
    Core,
    SgiLanN6Lan,
    CpFunction,
    VnInternal,
    Other(u8),
}

impl From<Interface> for Iface {
    fn from(i: Interface) -> Self {
        match i {
            Interface::Access => Iface::Access,
            Interface::Core => Iface::Core,
            Interface::SgiLanN6Lan => Iface::SgiLanN6Lan,
            Interface::CpFunction => Iface::CpFunction,
            Interface::VnInternal => Iface::VnInternal,
            Interface::Other(n) => Iface::Other(n),
        }
    }
}

/// The UE address(es) of a PDI (TS 29.244 §8.2.62), after any CHV4/CHV6 allocation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UeIp {
    pub ipv4: Option<Ipv4Addr>,
    pub ipv6: Option<Ipv6Addr>,
    /// S/D: the address is the packets' destination (downlink PDI).
    pub destination: bool,
    /// IPv4 chosen by this UPF (CHV4), to be returned in a Created PDR and freed on removal.
    pub ipv4_chosen: bool,
}

/// One Packet Detection Rule (TS 29.244 §5.2.1, §7.5.2.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdrState {
    pub id: u16,
    /// Lower value, higher precedence (TS 29.244 §8.2.11).
    pub precedence: u32,
    pub source: Iface,
    /// Local TEID of the PDI's F-TEID (assigned by the SMF or chosen here).
    pub local_teid: Option<u32>,
    /// Whether this UPF chose the TEID (CH), so it goes back in a Created PDR.
    pub teid_chosen: bool,
    /// CHOOSE ID (TS 29.244 §5.2.3.1): PDRs with the same one share the chosen TEID.
    pub choose_id: Option<u8>,
    pub ue_ip: Option<UeIp>,
    /// Flow descriptions of the SDF filters (TS 29.244 §8.2.5, TS 29.212 §5.4.2).
    pub sdf_filters: Vec<String>,
    pub qfis: Vec<u8>,
    /// Outer Header Removal description (TS 29.244 §8.2.64), when present.
    pub outer_header_removal: Option<u8>,
    pub far_id: Option<u32>,
    pub urr_ids: Vec<u32>,
    pub qer_ids: Vec<u32>,
}

/// Where a FAR forwards to with GTP-U (Outer Header Creation, TS 29.244 §8.2.56).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OuterHeader {
    pub teid: u32,
    pub peer: SocketAddr,
}

/// One Forwarding Action Rule (TS 29.244 §5.2.1, §7.5.2.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarState {
    pub id: u32,
    /// Apply Action flags (TS 29.244 §8.2.26): DROP 0x1, FORW 0x2, BUFF 0x4, NOCP 0x8 ...
    pub apply_action: u16,
    pub destination: Option<Iface>,
    pub outer_header: Option<OuterHeader>,
    pub bar_id: Option<u8>,
}

/// One QoS Enforcement Rule (TS 29.244 §5.2.1, §7.5.2.5). Bit rates in kbit/s.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QerState {
    pub id: u32,
    pub gate_ul_open: bool,
    pub gate_dl_open: bool,
    pub mbr_ul: Option<u64>,
    pub mbr_dl: Option<u64>,
    pub gbr_ul: Option<u64>,
    pub gbr_dl: Option<u64>,
    pub qfi: Option<u8>,
}

/// Volume limits of a URR (Volume Threshold §8.2.13 / Volume Quota §8.2.50), octets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeLimit {
    pub total: Option<u64>,
    pub uplink: Option<u64>,
    pub downlink: Option<u64>,
}

/// One Usage Reporting Rule (TS 29.244 §5.2.2, §7.5.2.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrrState {
    pub id: u32,
    pub measure_volume: bool,
    pub measure_duration: bool,
    /// Reporting Triggers flags (TS 29.244 §8.2.19).
    pub reporting_triggers: u32,
    pub volume_threshold: Option<VolumeLimit>,
    pub volume_quota: Option<VolumeLimit>,
    /// Measurement Period (TS 29.244 §8.2.20) of periodic reports, seconds.
    pub measurement_period: Option<u32>,
    /// Time Threshold (TS 29.244 §8.2.14), seconds.
    pub time_threshold: Option<u32>,
    /// Time Quota (TS 29.244 §8.2.51), seconds.
    pub time_quota: Option<u32>,
    /// Measurement Information flags (TS 29.244 §8.2.68); ISTM is the one used.
    pub measurement_information: u8,
    /// UR-SEQN of the next usage report (TS 29.244 §8.2.77).
    pub next_seqn: u32,
    /// Start of the current measurement, 3GPP NTP seconds.
    pub start_time: u32,
}

impl UrrState {
    /// Measurement Information ISTM (TS 29.244 §8.2.68): time metering starts at once
    /// rather than with the first packet.
    pub const ISTM: u8 = 0x08;

    /// Whether the URR meters time: duration measurement (TS 29.244 §8.2.40), a time
    /// threshold or a time quota.
    pub fn meters_time(&self) -> bool {
        let timth = self.reporting_triggers & ReportingTriggers::TIMTH != 0;
        self.measure_duration
            || (timth && self.time_threshold.is_some())
            || self.time_quota.is_some()
    }

    /// Whether time metering starts at once (ISTM) rather than with the first packet.
    pub fn immediate_start(&self) -> bool {
        self.measurement_information & Self::ISTM != 0
    }

    /// Whether the packet path must look at the URR's state for each packet: a quota
    /// may block it, or its first packet starts the time metering.
    pub fn watched(&self) -> bool {
        self.volume_quota.is_some()
            || self.time_quota.is_some()
            || (self.meters_time() && !self.immediate_start())
    }
}

/// Buffering Action Rule (TS 29.244 §5.2.4, §7.5.2.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarState {
    pub id: u8,
    pub suggested_buffering_packets: Option<u8>,
}

/// One PFCP session as installed, the unit a store would persist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionState {
    /// Our SEID (UP F-SEID).
    pub up_seid: u64,
    /// The SMF's SEID (CP F-SEID), put in the header of what we send it.
    pub cp_seid: u64,
    pub cp_node: NodeKey,
    /// Where reports go: the SMF's address (CP F-SEID address, PFCP port).
    pub cp_addr: SocketAddr,
    pub pdrs: Vec<PdrState>,
    pub fars: Vec<FarState>,
    pub qers: Vec<QerState>,
    pub urrs: Vec<UrrState>,
    pub bar: Option<BarState>,
    pub pdn_type: Option<u8>,
}

impl SessionState {
    /// Every TEID the session's PDRs hold (deduplicated: CHOOSE ID shares one).
    pub fn teids(&self) -> Vec<u32> {
        let mut t: Vec<u32> = self.pdrs.iter().filter_map(|p| p.local_teid).collect();
        t.sort_unstable();
        t.dedup();
        t
    }

    /// The UE addresses the session's PDRs name.
    pub fn ue_addrs(&self) -> Vec<IpAddr> {
        let mut out = Vec::new();
        for ue in self.pdrs.iter().filter_map(|p| p.ue_ip) {
            if let Some(a) = ue.ipv4 {
                out.push(IpAddr::V4(a));
            }
            if let Some(a) = ue.ipv6 {
                out.push(IpAddr::V6(a));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
