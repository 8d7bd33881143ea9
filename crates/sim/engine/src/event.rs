//! What the simulator reports to its driver.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use crate::session::{Modification, SessionFailure};

/// A UE's index in its [`crate::Gnb`].
pub type UeId = usize;

/// Why a registration did not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureReason {
    /// REGISTRATION REJECT with this 5GMM cause (TS 24.501 §5.5.1.2.5).
    Rejected { cause: u8 },
    /// AUTHENTICATION REJECT (TS 24.501 §5.4.1.3.5).
    AuthenticationRejected,
    /// The UE refused the network's challenge (AUTHENTICATION FAILURE with this cause:
    /// #20 MAC failure, #21 synch failure, #26 non-5G authentication unacceptable) and
    /// the network did not authenticate it afterwards (TS 24.501 §5.4.1.3.7).
    AuthenticationFailed { cause: u8 },
    /// T3510 expired on the last allowed attempt (TS 24.501 §5.5.1.2.7).
    Timeout,
    /// The network broke the protocol (e.g. released the connection mid-procedure).
    Protocol(String),
}

/// An event for the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimEvent {
    /// NG SETUP RESPONSE received (TS 38.413 §8.7.1.2).
    NgSetupDone,
    /// NG SETUP FAILURE received (TS 38.413 §8.7.1.3), or no answer.
    NgSetupFailed { cause: String },
    /// The UE processed REGISTRATION ACCEPT.
    Registered { ue: UeId, at: Instant },
    /// The registration failed.
    RegistrationFailed { ue: UeId, reason: FailureReason },
    /// The UE is deregistered (its own request accepted, switched off, or the network's
    /// request accepted).
    Deregistered { ue: UeId },
    /// ERROR INDICATION received from the AMF (TS 38.413 §8.7.5).
    ErrorIndication { cause: String },
    /// PDU SESSION ESTABLISHMENT ACCEPT processed (TS 24.501 §6.4.1.3); the gNB's tunnel
    /// for the session is up by then when the network set one up. More in
    /// [`crate::Ue::session`].
    SessionEstablished {
        ue: UeId,
        psi: u8,
        ipv4: Option<Ipv4Addr>,
        ipv6_interface_id: Option<[u8; 8]>,
        dns: Vec<IpAddr>,
        mtu: Option<u16>,
        at: Instant,
    },
    /// The PDU session did not come up.
    SessionFailed {
        ue: UeId,
        psi: u8,
        cause: SessionFailure,
    },
    /// The PDU session is released (either side asked, TS 24.501 §6.4.3, or locally).
    SessionReleased { ue: UeId, psi: u8 },
    /// A PDU SESSION MODIFICATION COMMAND was applied and completed (TS 24.501 §6.3.2.3):
    /// the answer to the UE's request, or the network's own.
    SessionModified {
        ue: UeId,
        modification: Modification,
    },
    /// The UE's PDU SESSION MODIFICATION REQUEST did not lead to a modification: rejected
    /// (§6.4.2.4), not forwarded by the AMF, T3581 expiry (§6.4.2.6), refused locally, or
    /// its command refused by the UE.
    ModificationFailed {
        ue: UeId,
        psi: u8,
        cause: SessionFailure,
    },
    /// The UE answered a PDU SESSION MODIFICATION COMMAND with PDU SESSION MODIFICATION
    /// COMMAND REJECT and this 5GSM cause (TS 24.501 §6.3.2.4).
    ModificationCommandRejected { ue: UeId, psi: u8, cause: u8 },
    /// SERVICE ACCEPT processed (TS 24.501 §5.6.1.4.1).
    ServiceAccepted { ue: UeId, at: Instant },
    /// The service request failed: SERVICE REJECT with this 5GMM cause (§5.6.1.5), or
    /// `None` when T3517 expired or the connection went first (§5.6.1.7).
    ServiceFailed { ue: UeId, cause: Option<u8> },
    /// PAGING for this idle UE (TS 38.413 §8.5.1): it starts a service request.
    Paged { ue: UeId },
    /// The UE's connection was released while it stays registered: CM-IDLE.
    Idle { ue: UeId },
    /// GTP-U ERROR INDICATION from a UPF (TS 29.281 §7.3.1) about one of our uplink
    /// TEIDs.
    GtpuErrorIndication { teid: u32, peer: IpAddr },
    /// Something the AMF sent could not be used (malformed NGAP, unknown UE NGAP ID);
    /// the gNB answered it with an ERROR INDICATION where TS 38.413 §10 says so.
    ProtocolError { detail: String },
}
