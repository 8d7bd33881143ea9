//! PDU sessions and the user plane as the driver sees them: what it asks for
//! ([`SessionRequest`]), why a session did not come up ([`SessionFailure`]), and the
//! N3 packets going in and out ([`UserPlaneOut`], [`Downlink`]).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::Range;
use std::time::Instant;

/// Octets the driver leaves free in front of an uplink IP packet so that the G-PDU header
/// (8 + 4 octets and a 4-octet UL PDU Session Container, TS 29.281 §5.1, TS 38.415
/// §5.5.2.2) is written in place: [`crate::Gnb::uplink_packet`] never moves the packet.
pub const UPLINK_HEADROOM: usize = ferrocore_gtpu::ENCAP_HEADROOM;

/// Uplink packets held per UE while it comes back from CM-IDLE (the rest are dropped).
pub const IDLE_UPLINK_BUFFER: usize = 16;

/// PDU session type the UE asks for (TS 24.501 §9.11.4.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SessionType {
    #[default]
    Ipv4,
    Ipv6,
    Ipv4v6,
}

impl SessionType {
    /// Whether the session carries IPv4.
    pub fn has_v4(self) -> bool {
        matches!(self, SessionType::Ipv4 | SessionType::Ipv4v6)
    }

    /// Whether the session carries IPv6.
    pub fn has_v6(self) -> bool {
        matches!(self, SessionType::Ipv6 | SessionType::Ipv4v6)
    }
}

impl std::str::FromStr for SessionType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "ipv4" | "v4" | "4" => Ok(SessionType::Ipv4),
            "ipv6" | "v6" | "6" => Ok(SessionType::Ipv6),
            "ipv4v6" | "v4v6" | "dual" => Ok(SessionType::Ipv4v6),
            other => Err(format!(
                "PDU session type {other}: expected ipv4, ipv6 or ipv4v6"
            )),
        }
    }
}

/// A UE-requested PDU session establishment (TS 24.501 §6.4.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRequest {
    /// PDU session identity, 1..=15.
    pub psi: u8,
    pub pdu_session_type: SessionType,
    /// DNN; `None` lets the network pick the subscription's default.
    pub dnn: Option<String>,
    /// S-NSSAI as (SST, SD); `None` lets the network pick.
    pub snssai: Option<(u8, Option<u32>)>,
}

/// Why a PDU session did not come up, or a UE-requested modification did not happen.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SessionFailure {
    /// PDU SESSION ESTABLISHMENT REJECT with this 5GSM cause (TS 24.501 §6.4.1.4), or a
    /// PDU SESSION RELEASE COMMAND before the accept; PDU SESSION MODIFICATION REJECT
    /// (§6.4.2.4).
    Rejected { cause: u8 },
    /// The AMF could not forward the request: DL NAS TRANSPORT with this 5GMM cause
    /// (TS 24.501 §5.4.5.3.3).
    NotForwarded { cause: u8 },
    /// T3580 (T3581 for a modification) expired five times (TS 24.501 §6.4.1.6,
    /// §6.4.2.6).
    Timeout,
    /// The UE was not registered, or the PSI is in use or out of range: nothing was sent.
    Refused(String),
}

impl SessionFailure {
    /// A short label for counting (`session_reject_29`, `not_forwarded_90`, ...).
    pub fn label(&self) -> String {
        match self {
            SessionFailure::Rejected { cause } => format!("session_reject_{cause}"),
            SessionFailure::NotForwarded { cause } => format!("not_forwarded_{cause}"),
            SessionFailure::Timeout => "session_timeout".into(),
            SessionFailure::Refused(_) => "refused".into(),
        }
    }
}

/// What a PDU SESSION ESTABLISHMENT ACCEPT gave the UE (TS 24.501 §8.3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub psi: u8,
    /// Selected PDU session type.
    pub session_type: SessionType,
    pub ipv4: Option<Ipv4Addr>,
    /// IPv6 interface identifier (the prefix comes by router advertisement).
    pub ipv6_interface_id: Option<[u8; 8]>,
    /// DNS servers from the extended PCO (IPv4 then IPv6, as received).
    pub dns: Vec<IpAddr>,
    /// IPv4 link MTU from the extended PCO.
    pub mtu: Option<u16>,
    /// QFI of the default QoS rule.
    pub default_qfi: Option<u8>,
    /// Session-AMBR (downlink, uplink) in kbit/s.
    pub ambr_kbps: Option<(u64, u64)>,
    /// DNN the network confirmed, if it said.
    pub dnn: Option<String>,
    /// When the accept was processed.
    pub at: Instant,
}

/// A UE-requested PDU session modification asking for one more QoS flow (TS 24.501
/// §6.4.2.2): a new QoS rule with one packet filter, on a new flow of 5QI `five_qi`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModificationRequest {
    pub psi: u8,
    /// 5QI of the QoS flow asked for (TS 23.501 Table 5.7.4-1), e.g. 9 (non-GBR).
    pub five_qi: u8,
    /// Precedence asked for the new QoS rule (lower values are evaluated first; the
    /// default rule's is usually 255).
    pub precedence: u8,
    /// The packet filter of the new rule, both directions.
    pub filter: FlowFilter,
}

/// What traffic a requested QoS rule covers: every field that is set must match; none
/// set matches everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FlowFilter {
    /// The remote (data network side) host.
    pub remote: Option<IpAddr>,
    /// IP protocol / IPv6 next header, e.g. 1 (ICMP), 6 (TCP), 17 (UDP).
    pub protocol: Option<u8>,
    /// Remote TCP / UDP port.
    pub remote_port: Option<u16>,
}

/// What a completed PDU SESSION MODIFICATION COMMAND (TS 24.501 §6.3.2.3) left the
/// session with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modification {
    pub psi: u8,
    /// The command answered the UE's PDU SESSION MODIFICATION REQUEST (its PTI); else
    /// the network started the modification (PTI 0).
    pub ue_requested: bool,
    /// The QFIs of the session's QoS rules, the default rule's first.
    pub qfis: Vec<u8>,
    /// Session-AMBR (downlink, uplink) in kbit/s.
    pub ambr_kbps: Option<(u64, u64)>,
    /// When the command was processed.
    pub at: Instant,
}

/// An encapsulated uplink G-PDU, ready to go: `buf[start..]` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserPlaneOut {
    /// The UPF's N3 endpoint (UL F-TEID address, GTP-U port).
    pub to: SocketAddr,
    /// Where the G-PDU starts in the caller's buffer.
    pub start: usize,
}

/// A downlink T-PDU for a UE: `bytes[payload]` of what [`crate::Gnb::handle_gtpu`] was
/// given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downlink {
    pub ue: crate::UeId,
    pub psi: u8,
    /// QFI of the DL PDU Session Container, if there was one.
    pub qfi: Option<u8>,
    pub payload: Range<usize>,
}
