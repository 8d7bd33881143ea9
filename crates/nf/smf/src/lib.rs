//! ferrocore's SMF as a sans-IO engine (quinn-proto style, the AMF's shape): [`Event`]s
//! in, [`Action`]s out, time passed in as [`Instant`]. No socket, no clock, no task.
//!
//! - Nsmf_PDUSession (TS 29.502): the AMF's Create / Update / Release SM Context arrive
//!   as [`Event::Request`] and are answered with [`Action::Respond`] carrying the same
//!   [`RequestId`].
//! - 5GSM (TS 24.501 §6.3, §6.4, §8.3): PDU session establishment, modification
//!   (UE-requested QoS flows and rules, network-requested Session-AMBR and default-flow
//!   QoS, [`Smf::modify_session`]) and release, with T3591 / T3592; the N1 SM messages
//!   travel inside the SBI messages (binary parts).
//! - N2 SM information (TS 38.413 §9.3.4): the PDU Session Resource transfers for the
//!   gNB, relayed by the AMF.
//! - N4 (TS 29.244): the SMF is a PFCP CP function; datagrams in as [`Event::Pfcp`], out
//!   as [`Action::SendPfcp`]. Associations, heartbeats, retransmission (T1 / N1) and
//!   restart detection by Recovery Time Stamp are the engine's ([`pfcp_node`]).
//! - SBI consumer: Nudm_SDM (session management subscription data) and
//!   Namf_Communication (N1N2MessageTransfer) are [`Action::Sbi`] whose replies come
//!   back as [`Event::SbiReply`] with the same [`TxnId`]; [`SmfServices::call`] maps one
//!   onto the service traits.
//!
//! The runtime calls [`Smf::handle_timeout`] once at start: that is when the
//! Association Setup Requests towards the configured UPFs are sent.
//!
//! ```
//! use ferrocore_smf::{Smf, SmfConfig};
//! let smf = Smf::new(SmfConfig::default()).unwrap();
//! assert_eq!(smf.sessions(), 0);
//! assert!(smf.metrics().render().contains("smf_sm_pdu_sess_creation_req_total 0"));
//! ```

pub mod config;
pub mod context;
mod engine;
pub mod metrics;
mod n1n2;
pub mod pfcp_node;
pub mod pool;
mod procedures;
pub mod qos;
mod rules;
mod services;
mod timers;

use std::net::SocketAddr;

use ferrocore_sbi::Created;
use ferrocore_sbi::SbiError;
use ferrocore_sbi::namf_communication::{N1N2MessageTransfer, N1N2MessageTransferResult};
use ferrocore_sbi::nsmf_pdusession::{
    SmContextCreate, SmContextCreated, SmContextError, SmContextRelease, SmContextUpdate,
    SmContextUpdated,
};
use ferrocore_sbi::nudm_sdm::{SmDataQuery, SmSubsData};

pub use config::{ConfigError, DnnConfig, SliceConfig, SmfConfig, UpfConfig};
pub use engine::Smf;
pub use metrics::Metrics;
pub use qos::QosChange;
pub use services::SmfServices;

/// One Nsmf_PDUSession request from the AMF: the id its [`Action::Respond`] echoes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct RequestId(pub u64);

/// One SBI transaction: the id of an [`Action::Sbi`] that its [`Event::SbiReply`] echoes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct TxnId(pub u64);

/// What the runtime tells the engine.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Event {
    /// An Nsmf_PDUSession request; answer with [`Action::Respond`] and the same `id`.
    Request { id: RequestId, request: SmfRequest },
    /// The answer to the [`Action::Sbi`] with the same `txn`.
    SbiReply { txn: TxnId, reply: SbiReply },
    /// One PFCP datagram received on the N4 socket.
    Pfcp { from: SocketAddr, bytes: Vec<u8> },
}

/// The Nsmf_PDUSession operations (TS 29.502 §5.2.2).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SmfRequest {
    /// Create SM Context (§5.2.2.2).
    Create(SmContextCreate),
    /// Update SM Context (§5.2.2.3).
    Update {
        sm_context_ref: String,
        update: SmContextUpdate,
    },
    /// Release SM Context (§5.2.2.4).
    Release {
        sm_context_ref: String,
        release: SmContextRelease,
    },
}

/// The answers to [`SmfRequest`]s, one variant per request, typed as
/// [`ferrocore_sbi::nsmf_pdusession::PduSessionService`] returns them.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SmfResponse {
    /// 201 with `Location`, or an error that may carry a PDU Session Establishment Reject.
    Created(Result<Created<SmContextCreated>, SmContextError>),
    /// 200 (`Some`) or 204 (`None`), or an error.
    Updated(Result<Option<SmContextUpdated>, SmContextError>),
    /// 204, or an error.
    Released(Result<(), SbiError>),
}

/// What the engine asks the runtime to do.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Action {
    /// Answer the request `id`.
    Respond {
        id: RequestId,
        response: SmfResponse,
    },
    /// Call an SBI operation; answer with [`Event::SbiReply`].
    Sbi { txn: TxnId, request: SbiRequest },
    /// Send one PFCP datagram from the N4 socket.
    SendPfcp { to: SocketAddr, bytes: Vec<u8> },
}

/// The SBI operations the SMF consumes.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SbiRequest {
    /// Nudm_SDM_Get, session management subscription data (TS 29.503 §5.2.2.2.5).
    GetSmData { supi: String, query: SmDataQuery },
    /// Namf_Communication_N1N2MessageTransfer (TS 29.518 §5.2.2.3.1); `ue_context_id` is
    /// the SUPI.
    N1N2Transfer {
        ue_context_id: String,
        transfer: N1N2MessageTransfer,
    },
}

/// The answers to [`SbiRequest`]s, one variant per request.
#[derive(Debug, Clone)]
pub enum SbiReply {
    SmData(Result<SmSubsData, SbiError>),
    N1N2(Result<N1N2MessageTransferResult, SbiError>),
}

/// Why an API call on the engine could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmfError {
    #[error("no SM context {0}")]
    UnknownContext(String),
    #[error("SM context {0} is in another procedure")]
    Busy(String),
    #[error("{0}")]
    Invalid(&'static str),
    /// The runtime's engine task is gone.
    #[error("the SMF has stopped")]
    Stopped,
}
