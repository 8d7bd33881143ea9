//! ferrocore's AMF as a sans-IO engine (quinn-proto style): [`Event`]s in,
//! [`Action`]s out, time passed in as [`Instant`]. No socket, no clock, no task.
//!
//! - N2: NGAP (TS 38.413) interface management and UE-associated signalling
//!   ([`ngap_interface`]); the runtime owns the SCTP associations and hands in their bytes.
//! - N1: 5GMM (TS 24.501 §5) in [`gmm`]: registration (initial, mobility, periodic),
//!   identification, 5G AKA, security mode control, de-registration, configuration
//!   update, service request (§5.6.1), transport of 5GSM messages (§5.4.5); NAS
//!   security through `ferrocore-nas-security` (TS 24.501 §4.4).
//! - PDU sessions ([`gmm::sm`]): UL NAS TRANSPORT routed to the SMF by PDU session ID
//!   (Nsmf_PDUSession Create / Update / Release SM Context), N1N2MessageTransfer served
//!   ([`Event::N1N2Transfer`] / [`Action::N1N2Response`], TS 29.518 §5.2.2.3.1), paging
//!   of CM-IDLE UEs (TS 23.502 §4.2.3.3), user plane (de)activation at service request
//!   and AN release.
//! - SBI: the engine asks for Nausf / Nudm operations with [`Action::Sbi`] and the
//!   runtime answers with [`Event::SbiReply`] carrying the same [`TxnId`];
//!   [`AmfServices::call`] maps a request to the service operation and its reply.
//! - Timers are deadlines in one ordered map ([`timers`]): the runtime sleeps until
//!   [`Amf::poll_timeout`] and calls [`Amf::handle_timeout`].
//!
//! ```
//! use ferrocore_amf::{Amf, AmfConfig};
//! let amf = Amf::new(AmfConfig::default()).unwrap();
//! assert_eq!(amf.connected_gnbs(), 0);
//! assert!(amf.metrics().render().contains("amf_rm_reg_init_req_total 0"));
//! ```

pub mod config;
pub mod context;
mod engine;
pub mod gmm;
pub mod ids;
pub mod metrics;
mod n1n2;
mod nas;
pub mod ngap_interface;
mod ngap_sm;
mod outbox;
mod services;
pub mod timers;

use ferrocore_sbi::namf_communication::{N1N2MessageTransfer, N1N2MessageTransferResult};
use ferrocore_sbi::nausf_ueau::{
    AuthenticationInfo, ConfirmationData, ConfirmationDataResponse, UeAuthenticationCtx,
};
use ferrocore_sbi::nsmf_pdusession::{
    SmContextCreate, SmContextCreated, SmContextError, SmContextRelease, SmContextUpdate,
    SmContextUpdated,
};
use ferrocore_sbi::nudm_sdm::AccessAndMobilitySubscriptionData;
use ferrocore_sbi::nudm_uecm::Amf3GppAccessRegistration;
use ferrocore_sbi::{Created, SbiError};

pub use config::{AmfConfig, ConfigError, Slice};
pub use engine::Amf;
pub use metrics::Metrics;
pub use services::{AmfServices, NoSmf};

/// An SCTP association with one gNB, named by the runtime.
pub type AssocId = u64;

/// One SBI transaction: the id of an [`Action::Sbi`] that its [`Event::SbiReply`] echoes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct TxnId(pub u64);

/// One N1N2MessageTransfer served by the engine: the id of an [`Event::N1N2Transfer`]
/// that its [`Action::N1N2Response`] echoes. The runtime chooses it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct N1N2Id(pub u64);

/// What the runtime tells the engine.
// The shapes are the runtime's contract: SBI answers travel inline.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Event {
    /// An SCTP association with a gNB came up.
    AssociationUp {
        assoc: AssocId,
        outbound_streams: u16,
    },
    /// It went down (or was aborted).
    AssociationDown { assoc: AssocId },
    /// One NGAP-PDU received on `stream` of `assoc`.
    Ngap {
        assoc: AssocId,
        stream: u16,
        bytes: Vec<u8>,
    },
    /// The answer to the [`Action::Sbi`] with the same `txn`.
    SbiReply { txn: TxnId, reply: SbiReply },
    /// Namf_Communication N1N2MessageTransfer from an SMF (TS 29.518 §5.2.2.3.1):
    /// `ue_context_id` is the SUPI (`imsi-...`); answer with [`Action::N1N2Response`]
    /// carrying the same `id`.
    N1N2Transfer {
        id: N1N2Id,
        ue_context_id: String,
        transfer: N1N2MessageTransfer,
    },
}

/// What the engine asks the runtime to do.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Action {
    /// Send one NGAP-PDU: stream 0 for non-UE-associated signalling, a non-zero stream
    /// per UE (TS 38.412 §7).
    SendNgap {
        assoc: AssocId,
        stream: u16,
        bytes: Vec<u8>,
    },
    /// Call an SBI operation; answer with [`Event::SbiReply`].
    Sbi { txn: TxnId, request: SbiRequest },
    /// The answer to the [`Event::N1N2Transfer`] with the same `id`: 200
    /// `N1_N2_TRANSFER_INITIATED`, 202 `ATTEMPTING_TO_REACH_UE` (paging), or an error
    /// (404 `CONTEXT_NOT_FOUND`, 409 `TEMPORARY_REJECT_REGISTRATION_ONGOING`, 400 ...).
    N1N2Response {
        id: N1N2Id,
        result: Result<N1N2MessageTransferResult, SbiError>,
    },
}

/// The SBI operations the AMF consumes.
// Requests travel inline, once each: no boxing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SbiRequest {
    /// Nausf_UEAuthentication_Authenticate, step 1 (TS 29.509 §5.2.2.2.2).
    Authenticate(AuthenticationInfo),
    /// Nausf_UEAuthentication_Authenticate, 5G AKA confirmation (TS 29.509 §5.2.2.2.2).
    Confirm5gAka {
        auth_ctx_id: String,
        data: ConfirmationData,
    },
    /// Nudm_UECM_Registration for 3GPP access (TS 29.503 §5.3.2.2.2).
    RegisterAmf {
        supi: String,
        registration: Amf3GppAccessRegistration,
    },
    /// Nudm_SDM_Get, access and mobility subscription data (TS 29.503 §5.2.2.2.2).
    GetAmData { supi: String },
    /// Nsmf_PDUSession_CreateSMContext (TS 29.502 §5.2.2.2).
    CreateSmContext(SmContextCreate),
    /// Nsmf_PDUSession_UpdateSMContext (TS 29.502 §5.2.2.3).
    UpdateSmContext {
        sm_context_ref: String,
        update: SmContextUpdate,
    },
    /// Nsmf_PDUSession_ReleaseSMContext (TS 29.502 §5.2.2.4).
    ReleaseSmContext {
        sm_context_ref: String,
        release: SmContextRelease,
    },
}

/// The answers to [`SbiRequest`]s, one variant per request.
#[derive(Debug, Clone)]
pub enum SbiReply {
    Authenticate(Result<Created<UeAuthenticationCtx>, SbiError>),
    Confirm5gAka(Result<ConfirmationDataResponse, SbiError>),
    RegisterAmf(Result<(), SbiError>),
    GetAmData(Result<AccessAndMobilitySubscriptionData, SbiError>),
    CreateSmContext(Result<Created<SmContextCreated>, SmContextError>),
    /// `Ok(None)` is 204.
    UpdateSmContext(Result<Option<SmContextUpdated>, SmContextError>),
    ReleaseSmContext(Result<(), SbiError>),
}

/// Why an API call on the engine could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmfError {
    #[error("no UE context for {0}")]
    UnknownUe(String),
    #[error("UE {0} is not registered")]
    NotRegistered(String),
    #[error("UE {0} has no NAS signalling connection (CM-IDLE)")]
    Idle(String),
    #[error("UE {0} is in another procedure")]
    Busy(String),
}
