//! Nsmf_PDUSession (TS 29.502, `TS29502_Nsmf_PDUSession.yaml`, API `nsmf-pdusession` v1):
//! the SM-context service the AMF consumes (Create, Update, Release SM Context).
//!
//! N1 SM messages and N2 SM information travel as binary parts of a `multipart/related`
//! message (TS 29.502 §6.1.6.4); the JSON part refers to them by `RefToBinaryData`. The
//! Rust request and answer types carry the octets beside the JSON model
//! ([`SmContextCreate`] = [`SmContextCreateData`] + N1 + N2) and implement
//! [`WithBinaryParts`]: the references in the JSON model are derived from which octets
//! are present (content IDs [`CID_N1_SM`], [`CID_N2_SM`]), never the other way round.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::binary::{BinaryParts, NAS_5G, NGAP, WithBinaryParts};
use crate::common::{
    AccessType, DateTime, Dnn, Gpsi, Guami, NfInstanceId, NgApCause, PduSessionId, Pei, PlmnIdNid,
    ProblemDetails, RatType, RefToBinaryData, Snssai, Supi, SupportedFeatures, Uinteger, Uri,
    UserLocation,
};
use crate::{Created, SbiError};

/// API name and version: every URI is `{apiRoot}/nsmf-pdusession/v1/...`.
pub const API_BASE: &str = "/nsmf-pdusession/v1";

/// `Content-ID` our encoders give the N1 SM message part.
pub const CID_N1_SM: &str = "n1SmMsg";
/// `Content-ID` our encoders give the N2 SM information part.
pub const CID_N2_SM: &str = "n2SmInfo";

/// URIs relative to `{apiRoot}`.
pub mod paths {
    use super::API_BASE;

    /// `/sm-contexts` (collection).
    pub fn sm_contexts() -> String {
        format!("{API_BASE}/sm-contexts")
    }

    /// `/sm-contexts/{smContextRef}` (the `Location` of a created context).
    pub fn sm_context(sm_context_ref: &str) -> String {
        format!("{API_BASE}/sm-contexts/{sm_context_ref}")
    }

    /// `/sm-contexts/{smContextRef}/modify`.
    pub fn modify(sm_context_ref: &str) -> String {
        format!("{API_BASE}/sm-contexts/{sm_context_ref}/modify")
    }

    /// `/sm-contexts/{smContextRef}/release`.
    pub fn release(sm_context_ref: &str) -> String {
        format!("{API_BASE}/sm-contexts/{sm_context_ref}/release")
    }
}

/// TS 29.502 §6.1.7.3 application errors (beyond TS 29.500's).
pub mod cause {
    /// 400: the N1 SM message from the UE is not valid.
    pub const N1_SM_ERROR: &str = "N1_SM_ERROR";
    /// 400: the N2 SM information from the AN is not valid.
    pub const N2_SM_ERROR: &str = "N2_SM_ERROR";
    /// 403: the DNN is not subscribed / not allowed.
    pub const DNN_DENIED: &str = "DNN_DENIED";
    /// 403: the DNN is not supported by the SMF.
    pub const DNN_NOT_SUPPORTED: &str = "DNN_NOT_SUPPORTED";
    /// 403: no subscription allows the request.
    pub const SUBSCRIPTION_DENIED: &str = "SUBSCRIPTION_DENIED";
    /// 504: the UPF did not answer.
    pub const UPF_NOT_RESPONDING: &str = "UPF_NOT_RESPONDING";
}

open_enum! {
    /// `UpCnxState`: user plane connection state of the PDU session.
    pub enum UpCnxState {
        /// N3 tunnel set up.
        Activated = "ACTIVATED",
        /// No N3 tunnel.
        Deactivated = "DEACTIVATED",
        /// Being activated.
        Activating = "ACTIVATING",
        /// Suspended (CIoT).
        Suspended = "SUSPENDED",
    }
}

open_enum! {
    /// `HoState`: handover state.
    pub enum HoState {
        /// No handover.
        None = "NONE",
        /// Preparing.
        Preparing = "PREPARING",
        /// Prepared.
        Prepared = "PREPARED",
        /// Completed.
        Completed = "COMPLETED",
        /// Cancelled.
        Cancelled = "CANCELLED",
    }
}

open_enum! {
    /// `RequestType` of Create SM Context (from the UL NAS Transport, TS 24.501).
    pub enum RequestType {
        /// A new PDU session.
        InitialRequest = "INITIAL_REQUEST",
        /// Handover of an existing session (e.g. from non-3GPP or EPS).
        ExistingPduSession = "EXISTING_PDU_SESSION",
        /// A new emergency session.
        InitialEmergencyRequest = "INITIAL_EMERGENCY_REQUEST",
        /// Existing emergency session.
        ExistingEmergencyPduSession = "EXISTING_EMERGENCY_PDU_SESSION",
    }
}

open_enum! {
    /// `N2SmInfoType`: which NGAP SM transfer IE an N2 SM information part holds.
    pub enum N2SmInfoType {
        /// PDU Session Resource Setup Request Transfer.
        PduResSetupReq = "PDU_RES_SETUP_REQ",
        /// PDU Session Resource Setup Response Transfer.
        PduResSetupRsp = "PDU_RES_SETUP_RSP",
        /// PDU Session Resource Setup Unsuccessful Transfer.
        PduResSetupFail = "PDU_RES_SETUP_FAIL",
        /// PDU Session Resource Release Command Transfer.
        PduResRelCmd = "PDU_RES_REL_CMD",
        /// PDU Session Resource Release Response Transfer.
        PduResRelRsp = "PDU_RES_REL_RSP",
        /// PDU Session Resource Modify Request Transfer.
        PduResModReq = "PDU_RES_MOD_REQ",
        /// PDU Session Resource Modify Response Transfer.
        PduResModRsp = "PDU_RES_MOD_RSP",
        /// PDU Session Resource Modify Unsuccessful Transfer.
        PduResModFail = "PDU_RES_MOD_FAIL",
        /// PDU Session Resource Notify Transfer.
        PduResNty = "PDU_RES_NTY",
        /// PDU Session Resource Notify Released Transfer.
        PduResNtyRel = "PDU_RES_NTY_REL",
        /// PDU Session Resource Modify Indication Transfer.
        PduResModInd = "PDU_RES_MOD_IND",
        /// PDU Session Resource Modify Confirm Transfer.
        PduResModCfm = "PDU_RES_MOD_CFM",
        /// Path Switch Request Transfer.
        PathSwitchReq = "PATH_SWITCH_REQ",
        /// Path Switch Request Setup Failed Transfer.
        PathSwitchSetupFail = "PATH_SWITCH_SETUP_FAIL",
        /// Path Switch Request Acknowledge Transfer.
        PathSwitchReqAck = "PATH_SWITCH_REQ_ACK",
        /// Path Switch Request Unsuccessful Transfer.
        PathSwitchReqFail = "PATH_SWITCH_REQ_FAIL",
        /// Handover Required Transfer.
        HandoverRequired = "HANDOVER_REQUIRED",
        /// Handover Command Transfer.
        HandoverCmd = "HANDOVER_CMD",
        /// Handover Preparation Unsuccessful Transfer.
        HandoverPrepFail = "HANDOVER_PREP_FAIL",
        /// Handover Request Acknowledge Transfer.
        HandoverReqAck = "HANDOVER_REQ_ACK",
        /// Handover Resource Allocation Unsuccessful Transfer.
        HandoverResAllocFail = "HANDOVER_RES_ALLOC_FAIL",
        /// Secondary RAT Data Usage Report Transfer.
        SecondaryRatUsage = "SECONDARY_RAT_USAGE",
        /// PDU Session Resource Modify Indication Unsuccessful Transfer.
        PduResModIndFail = "PDU_RES_MOD_IND_FAIL",
        /// UE Context Resume Request Transfer.
        UeContextResumeReq = "UE_CONTEXT_RESUME_REQ",
        /// UE Context Resume Response Transfer.
        UeContextResumeRsp = "UE_CONTEXT_RESUME_RSP",
        /// UE Context Suspend Request Transfer.
        UeContextSuspendReq = "UE_CONTEXT_SUSPEND_REQ",
    }
}

open_enum! {
    /// `Cause` (TS 29.502 §6.1.6.3.2), the values the AMF and SMF use first.
    pub enum Cause {
        /// Released due to handover.
        RelDueToHo = "REL_DUE_TO_HO",
        /// EPS fallback.
        EpsFallback = "EPS_FALLBACK",
        /// Released due to UP security.
        RelDueToUpSec = "REL_DUE_TO_UP_SEC",
        /// DNN congestion.
        DnnCongestion = "DNN_CONGESTION",
        /// S-NSSAI congestion.
        SNssaiCongestion = "S_NSSAI_CONGESTION",
        /// Released for reactivation.
        RelDueToReactivation = "REL_DUE_TO_REACTIVATION",
        /// The 5G-AN did not respond.
        AnNotResponding = "5G_AN_NOT_RESPONDING",
        /// The slice is not available.
        RelDueToSliceNotAvailable = "REL_DUE_TO_SLICE_NOT_AVAILABLE",
        /// Duplicate PDU session ID.
        RelDueToDuplicateSessionId = "REL_DUE_TO_DUPLICATE_SESSION_ID",
        /// PDU session status mismatch between UE and network.
        PduSessionStatusMismatch = "PDU_SESSION_STATUS_MISMATCH",
        /// Handover failure.
        HoFailure = "HO_FAILURE",
        /// Insufficient UP resources.
        InsufficientUpResources = "INSUFFICIENT_UP_RESOURCES",
        /// Handed over.
        PduSessionHandedOver = "PDU_SESSION_HANDED_OVER",
        /// Resumed.
        PduSessionResumed = "PDU_SESSION_RESUMED",
        /// Subscription change.
        RelDueToSubscriptionChange = "REL_DUE_TO_SUBSCRIPTION_CHANGE",
        /// Handover cancelled.
        HoCancel = "HO_CANCEL",
        /// Slice not authorized.
        RelDueToSliceNotAuthorized = "REL_DUE_TO_SLICE_NOT_AUTHORIZED",
        /// Unspecified reason.
        RelDueToUnspecifiedReason = "REL_DUE_TO_UNSPECIFIED_REASON",
    }
}

open_enum! {
    /// `DnnSelectionMode`.
    pub enum DnnSelectionMode {
        /// The UE or network provided a subscribed DNN.
        Verified = "VERIFIED",
        /// UE-provided, not verified against the subscription.
        UeDnnNotVerified = "UE_DNN_NOT_VERIFIED",
        /// Network-provided, not verified.
        NwDnnNotVerified = "NW_DNN_NOT_VERIFIED",
    }
}

open_enum! {
    /// `PresenceState` (TS 29.571): the UE in or out of the LADN service area.
    pub enum PresenceState {
        /// Inside.
        InArea = "IN_AREA",
        /// Outside.
        OutOfArea = "OUT_OF_AREA",
        /// Unknown.
        Unknown = "UNKNOWN",
        /// Area inactive.
        Inactive = "INACTIVE",
    }
}

/// `SmContextCreateData`: the JSON part of Create SM Context (the subset an AMF sends).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SmContextCreateData {
    /// The UE's SUPI (absent only for an emergency session without one).
    pub supi: Option<Supi>,
    /// The SUPI was not authenticated (emergency).
    pub unauthenticated_supi: Option<bool>,
    /// The UE's PEI.
    pub pei: Option<Pei>,
    /// The UE's GPSI.
    pub gpsi: Option<Gpsi>,
    /// The PDU session ID from the UL NAS Transport.
    pub pdu_session_id: Option<PduSessionId>,
    /// The requested (or selected) DNN.
    pub dnn: Option<Dnn>,
    /// The DNN after replacement.
    pub selected_dnn: Option<Dnn>,
    /// The S-NSSAI of the serving PLMN.
    pub s_nssai: Option<Snssai>,
    /// The home S-NSSAI (roaming).
    pub hplmn_snssai: Option<Snssai>,
    /// The serving AMF.
    pub serving_nf_id: NfInstanceId,
    /// The serving AMF's GUAMI.
    pub guami: Option<Guami>,
    /// The AMF's Namf_Communication service name.
    pub service_name: Option<String>,
    /// The serving network.
    pub serving_network: PlmnIdNid,
    /// From the UL NAS Transport's Request type IE.
    pub request_type: Option<RequestType>,
    /// The PDU Session Establishment Request (binary part).
    pub n1_sm_msg: Option<RefToBinaryData>,
    /// The access type.
    pub an_type: AccessType,
    /// The RAT.
    pub rat_type: Option<RatType>,
    /// LADN presence.
    pub presence_in_ladn: Option<PresenceState>,
    /// Where the UE is.
    pub ue_location: Option<UserLocation>,
    /// The UE's time zone.
    pub ue_time_zone: Option<String>,
    /// Where the SMF sends SM context status notifications.
    pub sm_context_status_uri: Uri,
    /// H-SMF (home-routed roaming).
    pub h_smf_uri: Option<Uri>,
    /// I-SMF / V-SMF.
    pub smf_uri: Option<Uri>,
    /// The SMF instance.
    pub smf_id: Option<NfInstanceId>,
    /// The old PDU session ID (SSC mode 3).
    pub old_pdu_session_id: Option<PduSessionId>,
    /// Handover state.
    pub ho_state: Option<HoState>,
    /// The UE's PCF.
    pub pcf_id: Option<NfInstanceId>,
    /// Features the AMF supports.
    pub supported_features: Option<SupportedFeatures>,
    /// DNN selection mode.
    pub sel_mode: Option<DnnSelectionMode>,
    /// UDM group.
    pub udm_group_id: Option<String>,
    /// Routing indicator.
    pub routing_indicator: Option<String>,
    /// N2 SM information (binary part), e.g. at handover.
    pub n2_sm_info: Option<RefToBinaryData>,
    /// Its type.
    pub n2_sm_info_type: Option<N2SmInfoType>,
    /// User plane state (EPS to 5GS mobility).
    pub up_cnx_state: Option<UpCnxState>,
    /// Extended NAS SM timers (CE mode B).
    pub extended_nas_sm_timer_ind: Option<bool>,
    /// DL data waiting.
    pub dl_data_waiting_ind: Option<bool>,
}

impl SmContextCreateData {
    /// The attributes TS 29.502 §6.1.6.2.2 makes mandatory (the serving AMF, the serving
    /// network, the access type and where status notifications go); every other one
    /// absent, to be set with struct update syntax.
    pub fn new(
        serving_nf_id: impl Into<NfInstanceId>,
        serving_network: PlmnIdNid,
        an_type: AccessType,
        sm_context_status_uri: impl Into<Uri>,
    ) -> Self {
        Self {
            supi: None,
            unauthenticated_supi: None,
            pei: None,
            gpsi: None,
            pdu_session_id: None,
            dnn: None,
            selected_dnn: None,
            s_nssai: None,
            hplmn_snssai: None,
            serving_nf_id: serving_nf_id.into(),
            guami: None,
            service_name: None,
            serving_network,
            request_type: None,
            n1_sm_msg: None,
            an_type,
            rat_type: None,
            presence_in_ladn: None,
            ue_location: None,
            ue_time_zone: None,
            sm_context_status_uri: sm_context_status_uri.into(),
            h_smf_uri: None,
            smf_uri: None,
            smf_id: None,
            old_pdu_session_id: None,
            ho_state: None,
            pcf_id: None,
            supported_features: None,
            sel_mode: None,
            udm_group_id: None,
            routing_indicator: None,
            n2_sm_info: None,
            n2_sm_info_type: None,
            up_cnx_state: None,
            extended_nas_sm_timer_ind: None,
            dl_data_waiting_ind: None,
        }
    }
}

/// `SmContextCreatedData`: the JSON part of the 201 answer.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SmContextCreatedData {
    /// H-SMF URI.
    pub h_smf_uri: Option<Uri>,
    /// SMF URI.
    pub smf_uri: Option<Uri>,
    /// PDU session ID (when the SMF allocated it).
    pub pdu_session_id: Option<PduSessionId>,
    /// The S-NSSAI.
    pub s_nssai: Option<Snssai>,
    /// User plane state.
    pub up_cnx_state: Option<UpCnxState>,
    /// N2 SM information (binary part).
    pub n2_sm_info: Option<RefToBinaryData>,
    /// Its type.
    pub n2_sm_info_type: Option<N2SmInfoType>,
    /// Handover state.
    pub ho_state: Option<HoState>,
    /// GPSI.
    pub gpsi: Option<Gpsi>,
    /// The SMF service instance.
    pub smf_service_instance_id: Option<String>,
    /// SMF recovery time.
    pub recovery_time: Option<DateTime>,
    /// Features the SMF supports.
    pub supported_features: Option<SupportedFeatures>,
    /// The selected SMF.
    pub selected_smf_id: Option<NfInstanceId>,
}

/// `SmContextUpdateData`: the JSON part of Update SM Context (every attribute optional).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SmContextUpdateData {
    /// PEI.
    pub pei: Option<Pei>,
    /// A new serving AMF.
    pub serving_nf_id: Option<NfInstanceId>,
    /// Its GUAMI.
    pub guami: Option<Guami>,
    /// New serving network.
    pub serving_network: Option<PlmnIdNid>,
    /// Access type.
    pub an_type: Option<AccessType>,
    /// RAT.
    pub rat_type: Option<RatType>,
    /// LADN presence.
    pub presence_in_ladn: Option<PresenceState>,
    /// Where the UE is.
    pub ue_location: Option<UserLocation>,
    /// Time zone.
    pub ue_time_zone: Option<String>,
    /// Requested user plane state (ACTIVATING on service request, DEACTIVATED on AN release).
    pub up_cnx_state: Option<UpCnxState>,
    /// Handover state.
    pub ho_state: Option<HoState>,
    /// Path switch: switch the DL tunnel.
    pub to_be_switched: Option<bool>,
    /// Path switch failed for this session.
    pub failed_to_be_switched: Option<bool>,
    /// N1 SM message from the UE (binary part).
    pub n1_sm_msg: Option<RefToBinaryData>,
    /// N2 SM information from the AN (binary part).
    pub n2_sm_info: Option<RefToBinaryData>,
    /// Its type.
    pub n2_sm_info_type: Option<N2SmInfoType>,
    /// Target AMF (inter-AMF mobility).
    pub target_serving_nf_id: Option<NfInstanceId>,
    /// New notification URI.
    pub sm_context_status_uri: Option<Uri>,
    /// Data forwarding at handover.
    pub data_forwarding: Option<bool>,
    /// Release the session.
    pub release: Option<bool>,
    /// Why.
    pub cause: Option<Cause>,
    /// NGAP cause from the AN.
    pub ng_ap_cause: Option<NgApCause>,
    /// 5GMM cause.
    #[serde(rename = "5gMmCauseValue")]
    pub five_g_mm_cause_value: Option<Uinteger>,
    /// S-NSSAI (at inter-PLMN mobility).
    pub s_nssai: Option<Snssai>,
    /// Features the AMF supports.
    pub supported_features: Option<SupportedFeatures>,
    /// The AMF will not send PDU Session Resource Release to the AN.
    pub skip_n2_pdu_session_res_rel_ind: Option<bool>,
}

/// `SmContextUpdatedData`: the JSON part of the 200 answer.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SmContextUpdatedData {
    /// User plane state.
    pub up_cnx_state: Option<UpCnxState>,
    /// Handover state.
    pub ho_state: Option<HoState>,
    /// N1 SM message for the UE (binary part).
    pub n1_sm_msg: Option<RefToBinaryData>,
    /// N2 SM information for the AN (binary part).
    pub n2_sm_info: Option<RefToBinaryData>,
    /// Its type.
    pub n2_sm_info_type: Option<N2SmInfoType>,
    /// Data forwarding.
    pub data_forwarding: Option<bool>,
    /// Cause.
    pub cause: Option<Cause>,
    /// Features the SMF supports.
    pub supported_features: Option<SupportedFeatures>,
}

/// `SmContextReleaseData`: the JSON part of Release SM Context.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SmContextReleaseData {
    /// Why.
    pub cause: Option<Cause>,
    /// NGAP cause.
    pub ng_ap_cause: Option<NgApCause>,
    /// 5GMM cause.
    #[serde(rename = "5gMmCauseValue")]
    pub five_g_mm_cause_value: Option<Uinteger>,
    /// Where the UE is.
    pub ue_location: Option<UserLocation>,
    /// Time zone.
    pub ue_time_zone: Option<String>,
    /// Release only the V-SMF.
    pub vsmf_release_only: Option<bool>,
    /// N2 SM information (binary part).
    pub n2_sm_info: Option<RefToBinaryData>,
    /// Its type.
    pub n2_sm_info_type: Option<N2SmInfoType>,
    /// Release only the I-SMF.
    pub ismf_release_only: Option<bool>,
}

/// Create SM Context request: the JSON part and the binary parts.
#[derive(Debug, Clone, PartialEq)]
pub struct SmContextCreate {
    /// The JSON part; its `n1SmMsg` / `n2SmInfo` references follow the fields below.
    pub data: SmContextCreateData,
    /// PDU Session Establishment Request (NAS, TS 24.501 §8.3.1).
    pub n1_sm_msg: Option<Vec<u8>>,
    /// N2 SM information (NGAP transfer IE).
    pub n2_sm_info: Option<Vec<u8>>,
}

/// Create SM Context answer (201): the JSON part and the N2 SM information.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SmContextCreated {
    /// The JSON part.
    pub data: SmContextCreatedData,
    /// N2 SM information for the AN.
    pub n2_sm_info: Option<Vec<u8>>,
}

/// Update SM Context request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SmContextUpdate {
    /// The JSON part.
    pub data: SmContextUpdateData,
    /// N1 SM message from the UE.
    pub n1_sm_msg: Option<Vec<u8>>,
    /// N2 SM information from the AN.
    pub n2_sm_info: Option<Vec<u8>>,
}

/// Update SM Context answer with content (200).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SmContextUpdated {
    /// The JSON part.
    pub data: SmContextUpdatedData,
    /// N1 SM message for the UE (e.g. PDU Session Release Command).
    pub n1_sm_msg: Option<Vec<u8>>,
    /// N2 SM information for the AN (e.g. PDU Session Resource Release Command Transfer).
    pub n2_sm_info: Option<Vec<u8>>,
}

/// Release SM Context request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SmContextRelease {
    /// The JSON part.
    pub data: SmContextReleaseData,
    /// N2 SM information from the AN.
    pub n2_sm_info: Option<Vec<u8>>,
}

/// The error of Create and Update SM Context: an [`SbiError`] and, when the SMF has them
/// for the UE or AN, an N1 SM message (PDU Session Establishment / Modification Reject)
/// and N2 SM information. Without binaries it goes on the wire as
/// `application/problem+json` where the spec allows it (not for 404), otherwise as
/// `SmContextCreateError` / `SmContextUpdateError`. (Their `recoveryTime` is not
/// carried, to keep the error small: it is sent as absent and ignored on receipt.)
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct SmContextError {
    /// Status and `ProblemDetails`.
    pub error: SbiError,
    /// N1 SM message for the UE.
    pub n1_sm_msg: Option<Vec<u8>>,
    /// N2 SM information.
    pub n2_sm_info: Option<Vec<u8>>,
    /// Its type.
    pub n2_sm_info_type: Option<N2SmInfoType>,
    /// User plane state (Update only).
    pub up_cnx_state: Option<UpCnxState>,
}

impl From<SbiError> for SmContextError {
    fn from(error: SbiError) -> Self {
        Self {
            error,
            n1_sm_msg: None,
            n2_sm_info: None,
            n2_sm_info_type: None,
            up_cnx_state: None,
        }
    }
}

impl SmContextError {
    /// An error answer carrying an N1 SM message for the UE (e.g. a PDU Session
    /// Establishment Reject built by the SMF).
    pub fn with_n1_sm_msg(error: SbiError, n1_sm_msg: Vec<u8>) -> Self {
        Self {
            n1_sm_msg: Some(n1_sm_msg),
            ..Self::from(error)
        }
    }

    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.error.status
    }

    /// The application cause.
    pub fn cause(&self) -> Option<&str> {
        self.error.cause()
    }

    /// Whether it carries binary parts.
    pub fn has_binaries(&self) -> bool {
        self.n1_sm_msg.is_some() || self.n2_sm_info.is_some()
    }
}

const P_N1: &str = "/n1SmMsg/contentId";
const P_N2: &str = "/n2SmInfo/contentId";

/// How one binary SM field travels: the `Content-ID` and `Content-Type` of its part, and
/// the JSON pointer of its reference (for the error naming a missing part).
macro_rules! sm_binary {
    (n1_sm_msg) => {
        (CID_N1_SM, NAS_5G, P_N1)
    };
    (n2_sm_info) => {
        (CID_N2_SM, NGAP, P_N2)
    };
}

/// An SM-context carrier (the JSON model `$data` in `data` beside the binary fields
/// `$bin`, named as in the model): its normalizing `new` and its [`WithBinaryParts`].
macro_rules! sm_context_carrier {
    ($ty:ident, $data:ty, $($bin:ident),+) => {
        impl $ty {
            /// A value whose JSON references match the binaries given.
            pub fn new(data: $data, $($bin: Option<Vec<u8>>),+) -> Self {
                let (data, parts) = Self { data, $($bin),+ }.into_parts();
                Self::from_parts(data, parts).expect("references made from the parts")
            }
        }

        impl WithBinaryParts for $ty {
            type Json = $data;
            fn into_parts(mut self) -> ($data, BinaryParts) {
                let mut p = BinaryParts::default();
                $(
                    let (content_id, content_type, _) = sm_binary!($bin);
                    self.data.$bin = p.push_opt(content_id, content_type, self.$bin);
                )+
                (self.data, p)
            }
            fn from_parts(data: $data, mut p: BinaryParts) -> Result<Self, SbiError> {
                Ok(Self {
                    $($bin: p.take(data.$bin.as_ref(), sm_binary!($bin).2)?,)+
                    data,
                })
            }
        }
    };
}
sm_context_carrier!(SmContextCreate, SmContextCreateData, n1_sm_msg, n2_sm_info);
sm_context_carrier!(SmContextCreated, SmContextCreatedData, n2_sm_info);
sm_context_carrier!(SmContextUpdate, SmContextUpdateData, n1_sm_msg, n2_sm_info);
sm_context_carrier!(
    SmContextUpdated,
    SmContextUpdatedData,
    n1_sm_msg,
    n2_sm_info
);
sm_context_carrier!(SmContextRelease, SmContextReleaseData, n2_sm_info);

/// An SM-context error model (`ExtProblemDetails` and references to the binaries, plus
/// the fields `$extra` only it has) and its conversions from and to [`SmContextError`]
/// (`$into` and `$from`, named after the operation).
macro_rules! sm_context_error_model {
    (
        $(#[$doc:meta])*
        $ty:ident, $into:ident, $from:ident, $op:literal
        $(, $(#[$extra_doc:meta])* $extra:ident: $extra_ty:ty)*
    ) => {
        $(#[$doc])*
        #[skip_serializing_none]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $ty {
            /// The problem (`ExtProblemDetails`).
            pub error: ProblemDetails,
            /// N1 SM message for the UE (binary part).
            pub n1_sm_msg: Option<RefToBinaryData>,
            /// N2 SM information (binary part).
            pub n2_sm_info: Option<RefToBinaryData>,
            /// Its type.
            pub n2_sm_info_type: Option<N2SmInfoType>,
            $($(#[$extra_doc])* pub $extra: $extra_ty,)*
            /// SMF recovery time.
            pub recovery_time: Option<DateTime>,
        }

        impl SmContextError {
            #[doc = concat!("The JSON part for ", $op, " SM Context, and the binary parts.")]
            pub fn $into(self) -> ($ty, BinaryParts) {
                let mut p = BinaryParts::default();
                let (n1_id, n1_type, _) = sm_binary!(n1_sm_msg);
                let (n2_id, n2_type, _) = sm_binary!(n2_sm_info);
                let json = $ty {
                    error: *self.error.problem,
                    n1_sm_msg: p.push_opt(n1_id, n1_type, self.n1_sm_msg),
                    n2_sm_info: p.push_opt(n2_id, n2_type, self.n2_sm_info),
                    n2_sm_info_type: self.n2_sm_info_type,
                    $($extra: self.$extra,)*
                    recovery_time: None,
                };
                (json, p)
            }

            #[doc = concat!("Joins a received `", stringify!($ty), "` with its parts; `status` is the HTTP status.")]
            pub fn $from(status: u16, json: $ty, mut p: BinaryParts) -> Result<Self, SbiError> {
                let received = Self {
                    n1_sm_msg: p.take(json.n1_sm_msg.as_ref(), sm_binary!(n1_sm_msg).2)?,
                    n2_sm_info: p.take(json.n2_sm_info.as_ref(), sm_binary!(n2_sm_info).2)?,
                    n2_sm_info_type: json.n2_sm_info_type,
                    up_cnx_state: None,
                    error: SbiError::from_problem(status, json.error),
                };
                Ok(Self { $($extra: json.$extra,)* ..received })
            }
        }
    };
}
sm_context_error_model!(
    /// `SmContextCreateError`: the JSON part of an error answer that carries N1/N2 (e.g. a
    /// PDU Session Establishment Reject for the UE), or of any 404.
    SmContextCreateError,
    into_create_parts,
    from_create_parts,
    "Create"
);
sm_context_error_model!(
    /// `SmContextUpdateError`: as [`SmContextCreateError`], for Update SM Context.
    SmContextUpdateError,
    into_update_parts,
    from_update_parts,
    "Update",
    /// User plane state.
    up_cnx_state: Option<UpCnxState>
);

/// Nsmf_PDUSession, the SM-context operations the AMF invokes (TS 29.502 §5.2.2.2 -
/// §5.2.2.4). Create and Update fail with [`SmContextError`], which may carry an N1 SM
/// message for the UE; `?` turns an [`SbiError`] into one.
#[async_trait]
pub trait PduSessionService: Send + Sync {
    /// Create SM Context (TS 29.502 §5.2.2.2, POST `/sm-contexts`, §6.1.3.2.3.1): 201
    /// with `Location` `{apiRoot}/nsmf-pdusession/v1/sm-contexts/{smContextRef}`.
    async fn create_sm_context(
        &self,
        request: SmContextCreate,
    ) -> Result<Created<SmContextCreated>, SmContextError>;

    /// Update SM Context (TS 29.502 §5.2.2.3, POST `/sm-contexts/{smContextRef}/modify`,
    /// §6.1.3.3.4.2): `Some` is 200 with content, `None` is 204.
    async fn update_sm_context(
        &self,
        sm_context_ref: &str,
        request: SmContextUpdate,
    ) -> Result<Option<SmContextUpdated>, SmContextError>;

    /// Release SM Context (TS 29.502 §5.2.2.4, POST `/sm-contexts/{smContextRef}/release`,
    /// §6.1.3.3.4.3): 204.
    async fn release_sm_context(
        &self,
        sm_context_ref: &str,
        request: SmContextRelease,
    ) -> Result<(), SbiError>;
}
