//! SM contexts (TS 23.502 §4.3.2, TS 29.502 §5.2.2.2): one per PDU session, plain data.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ferrocore_sbi::common::Snssai;
use serde::{Deserialize, Serialize};

use crate::RequestId;
use crate::qos::SessionQos;

/// The PDU session types the SMF serves (TS 24.501 §9.11.4.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PduType {
    Ipv4,
    Ipv6,
    Ipv4v6,
}

impl PduType {
    pub fn has_v4(self) -> bool {
        matches!(self, PduType::Ipv4 | PduType::Ipv4v6)
    }
    pub fn has_v6(self) -> bool {
        matches!(self, PduType::Ipv6 | PduType::Ipv4v6)
    }
    /// PDN Type IE value (TS 29.244 §8.2.79).
    pub fn pdn_type(self) -> u8 {
        match self {
            PduType::Ipv4 => 1,
            PduType::Ipv6 => 2,
            PduType::Ipv4v6 => 3,
        }
    }
}

/// User plane connection state (TS 29.502 `UpCnxState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UpState {
    /// N3 tunnel to the gNB in place: DL FAR forwards.
    Activated,
    /// The N2 setup request transfer is out (establishment or service request).
    Activating,
    /// No N3 tunnel: DL FAR buffers and notifies.
    Deactivated,
}

/// What the extended PCO of the establishment request asked for (TS 24.008 §10.5.6.3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcoWants {
    pub dns_v4: bool,
    pub dns_v6: bool,
    pub ipv4_mtu: bool,
}

/// Where a context is in its procedures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Create SM Context received; Nudm_SDM get sm-data out.
    SubscriptionCheck { request: RequestId },
    /// PFCP Session Establishment out.
    Establishing { request: RequestId },
    /// Established; nothing outstanding.
    Ready,
    /// PFCP Session Modification out to change the user plane to `target`: for the
    /// Update SM Context `request`, or for the SMF itself (`None`: an Error Indication
    /// Report took the N3 tunnel down).
    Modifying {
        request: Option<RequestId>,
        target: UpState,
    },
    /// PFCP Session Deletion out for a UE-requested (or AMF-requested in an update)
    /// release: the Update SM Context answer carries the Release Command.
    ReleasingForUpdate { request: RequestId, pti: u8 },
    /// PFCP Session Deletion out for Release SM Context.
    ReleasingForAmf { request: RequestId },
    /// PFCP Session Deletion out for a network-requested release: then N1N2 to the AMF.
    ReleasingByNetwork { cause: u8 },
    /// PDU SESSION RELEASE COMMAND sent: waits for RELEASE COMPLETE (T3592 runs).
    ReleaseCommanded,
    /// PFCP Session Modification out for a PDU session modification's QoS; `request`:
    /// the UE's request, answered with the command once the UPF has the rules.
    InstallingQos { request: Option<RequestId> },
}

/// Who asked for a PDU session modification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModificationOrigin {
    /// The UE (TS 24.501 §6.4.2): the command carries its PTI.
    Ue,
    /// The network (TS 24.501 §6.3.2): PTI 0.
    Network,
}

/// A 5GSM command sent to the UE and sent again on each expiry of its timer until the
/// UE answers (T3591, T3592; TS 24.501 §6.3.2.5, §6.3.3.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCommand {
    pub n1: Vec<u8>,
    /// Times sent so far (1 after the first).
    pub transmissions: u8,
}

/// A PDU session modification under way (TS 23.502 §4.3.3.2): additions and changes
/// are on the UPF before the command goes out; removals follow the UE's completion;
/// a failure takes the UPF back to `before`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modification {
    pub origin: ModificationOrigin,
    pub pti: u8,
    /// The QoS before the procedure.
    pub before: SessionQos,
    /// The QoS it leads to.
    pub target: SessionQos,
    /// The PDU SESSION MODIFICATION COMMAND, once sent.
    pub command: Option<PendingCommand>,
    /// N2 SM information (PDU Session Resource Modify Request Transfer) went with it.
    pub n2_sent: bool,
}

/// One PDU session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SmContext {
    /// Internal key; also our CP SEID on N4.
    pub key: u64,
    pub sm_context_ref: String,
    pub supi: String,
    pub psi: u8,
    /// PTI of the establishment request.
    pub pti: u8,
    pub dnn: String,
    pub snssai: Snssai,
    /// Index of the DNN in the configuration.
    pub dnn_index: usize,
    pub requested_type: Option<PduType>,
    pub pdu_type: Option<PduType>,
    /// #50 / #51 when the requested IPv4v6 was narrowed (TS 24.501 §6.4.1.3).
    pub type_cause: Option<u8>,
    pub pco: PcoWants,
    pub ipv4: Option<Ipv4Addr>,
    /// The session's /64 (low 64 bits zero).
    pub ipv6_prefix: Option<Ipv6Addr>,
    /// Interface identifier for the UE's link-local address (TS 24.501 §9.11.4.10).
    pub ipv6_iid: [u8; 8],
    /// QoS flows, rules and Session-AMBR as the UE, the gNB and the UPF were told.
    pub qos: SessionQos,
    /// The UPF (index in the configuration).
    pub upf: Option<usize>,
    pub up_seid: Option<u64>,
    /// UL F-TEID the UPF chose (N3, towards the UPF).
    pub ul_teid: Option<(u32, IpAddr)>,
    /// DL tunnel of the gNB: (TEID, address).
    pub an_tunnel: Option<(u32, IpAddr)>,
    pub up: UpState,
    pub phase: Phase,
    /// A downlink data notification is out to the AMF (paging).
    pub paging: bool,
    /// Octets reported by the UPF.
    pub usage_ul: u64,
    pub usage_dl: u64,
    /// A PDU session modification under way.
    pub modification: Option<Modification>,
    /// The PDU SESSION RELEASE COMMAND while T3592 runs.
    pub release_command: Option<PendingCommand>,
}

impl SmContext {
    /// The UE's IPv6 address built from its prefix and interface identifier.
    pub fn ipv6_address(&self) -> Option<Ipv6Addr> {
        self.ipv6_prefix
            .map(|p| Ipv6Addr::from(u128::from(p) | u128::from(u64::from_be_bytes(self.ipv6_iid))))
    }
}
