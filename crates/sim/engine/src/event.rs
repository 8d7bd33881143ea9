//! What the simulator reports to its driver.

use std::time::Instant;

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
    /// Something the AMF sent could not be used (malformed NGAP, unknown UE NGAP ID);
    /// the gNB answered it with an ERROR INDICATION where TS 38.413 §10 says so.
    ProtocolError { detail: String },
}
