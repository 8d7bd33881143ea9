//! Namf_Communication (TS 29.518, `TS29518_Namf_Communication.yaml`, API `namf-comm` v1):
//! N1N2MessageTransfer, as the SMF invokes it to send N1 SM messages to the UE and N2 SM
//! information to the AN.
//!
//! The N1 message and the N2 information are binary parts beside the JSON part
//! (TS 29.518 §6.1.6.4); [`N1N2MessageTransfer`] carries the octets and derives the
//! references (content IDs [`CID_N1`], [`CID_N2`]) as [`WithBinaryParts`] describes.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::binary::{BinaryParts, NAS_5G, NGAP, WithBinaryParts};
use crate::common::{
    AccessType, Arp, Guami, NfInstanceId, PduSessionId, ProblemDetails, RefToBinaryData, Snssai,
    SupportedFeatures, Uinteger, Uri,
};
use crate::{Created, SbiError};

/// API name and version: every URI is `{apiRoot}/namf-comm/v1/...`.
pub const API_BASE: &str = "/namf-comm/v1";

/// `Content-ID` our encoders give the N1 message part.
pub const CID_N1: &str = "n1Msg";
/// `Content-ID` our encoders give the N2 information part.
pub const CID_N2: &str = "n2Info";

/// URIs relative to `{apiRoot}`.
pub mod paths {
    use super::API_BASE;

    /// `/ue-contexts/{ueContextId}/n1-n2-messages`.
    pub fn n1_n2_messages(ue_context_id: &str) -> String {
        format!("{API_BASE}/ue-contexts/{ue_context_id}/n1-n2-messages")
    }
}

/// TS 29.518 §6.1.7.3 application errors of N1N2MessageTransfer.
pub mod cause {
    /// 409: a registration procedure is ongoing; retry later.
    pub const TEMPORARY_REJECT_REGISTRATION_ONGOING: &str = "TEMPORARY_REJECT_REGISTRATION_ONGOING";
    /// 409: an N2 handover is ongoing; retry later.
    pub const TEMPORARY_REJECT_HANDOVER_ONGOING: &str = "TEMPORARY_REJECT_HANDOVER_ONGOING";
    /// 409: paging for a request of higher priority is ongoing.
    pub const HIGHER_PRIORITY_REQUEST_ONGOING: &str = "HIGHER_PRIORITY_REQUEST_ONGOING";
    /// 504: the UE could not be reached.
    pub const UE_NOT_REACHABLE: &str = "UE_NOT_REACHABLE";
}

open_enum! {
    /// `N1MessageClass`.
    pub enum N1MessageClass {
        /// 5G mobility management.
        FiveGMm = "5GMM",
        /// Session management.
        Sm = "SM",
        /// LTE positioning protocol.
        Lpp = "LPP",
        /// SMS.
        Sms = "SMS",
        /// UE policy delivery.
        Updp = "UPDP",
        /// Location services.
        Lcs = "LCS",
    }
}

open_enum! {
    /// `N2InformationClass`.
    pub enum N2InformationClass {
        /// Session management.
        Sm = "SM",
        /// NRPPa.
        Nrppa = "NRPPa",
        /// Public warning.
        Pws = "PWS",
        /// PWS broadcast completed area list.
        PwsBcal = "PWS-BCAL",
        /// PWS restart / failure.
        PwsRf = "PWS-RF",
        /// RAN.
        Ran = "RAN",
        /// V2X.
        V2x = "V2X",
        /// ProSe.
        Prose = "PROSE",
    }
}

open_enum! {
    /// `NgapIeType`: which NGAP IE an N2 information part holds.
    pub enum NgapIeType {
        /// PDU Session Resource Setup Request Transfer.
        PduResSetupReq = "PDU_RES_SETUP_REQ",
        /// PDU Session Resource Release Command Transfer.
        PduResRelCmd = "PDU_RES_REL_CMD",
        /// PDU Session Resource Modify Request Transfer.
        PduResModReq = "PDU_RES_MOD_REQ",
        /// Handover Command Transfer.
        HandoverCmd = "HANDOVER_CMD",
        /// Handover Required Transfer.
        HandoverRequired = "HANDOVER_REQUIRED",
        /// Handover Preparation Unsuccessful Transfer.
        HandoverPrepFail = "HANDOVER_PREP_FAIL",
        /// Source to Target Transparent Container.
        SrcToTarContainer = "SRC_TO_TAR_CONTAINER",
        /// Target to Source Transparent Container.
        TarToSrcContainer = "TAR_TO_SRC_CONTAINER",
        /// Target to Source Failure Transparent Container.
        TarToSrcFailContainer = "TAR_TO_SRC_FAIL_CONTAINER",
        /// RAN Status Transfer Transparent Container.
        RanStatusTransContainer = "RAN_STATUS_TRANS_CONTAINER",
        /// SON Configuration Transfer.
        SonConfigTransfer = "SON_CONFIG_TRANSFER",
        /// NRPPa PDU.
        NrppaPdu = "NRPPA_PDU",
        /// UE Radio Capability.
        UeRadioCapability = "UE_RADIO_CAPABILITY",
        /// RIM Information Transfer.
        RimInfoTransfer = "RIM_INFO_TRANSFER",
        /// Secondary RAT Usage Information.
        SecondaryRatUsage = "SECONDARY_RAT_USAGE",
        /// PC5 QoS Parameters.
        Pc5QosPara = "PC5_QOS_PARA",
        /// Early Status Transfer Transparent Container.
        EarlyStatusTransContainer = "EARLY_STATUS_TRANS_CONTAINER",
        /// UE Radio Capability for Paging.
        UeRadioCapabilityForPaging = "UE_RADIO_CAPABILITY_FOR_PAGING",
    }
}

open_enum! {
    /// `N1N2MessageTransferCause`.
    pub enum N1N2MessageTransferCause {
        /// The UE is in CM-IDLE and is being paged (202).
        AttemptingToReachUe = "ATTEMPTING_TO_REACH_UE",
        /// Sent to the UE / AN (200).
        N1N2TransferInitiated = "N1_N2_TRANSFER_INITIATED",
        /// Held until the UE is reachable (asynchronous type communication).
        WaitingForAsynchronousTransfer = "WAITING_FOR_ASYNCHRONOUS_TRANSFER",
        /// Paging got no answer.
        UeNotResponding = "UE_NOT_RESPONDING",
        /// The N1 message was not transferred.
        N1MsgNotTransferred = "N1_MSG_NOT_TRANSFERRED",
        /// The N2 information was not transferred.
        N2MsgNotTransferred = "N2_MSG_NOT_TRANSFERRED",
        /// UE not reachable for this session (MICO, ...).
        UeNotReachableForSession = "UE_NOT_REACHABLE_FOR_SESSION",
        /// Registration ongoing.
        TemporaryRejectRegistrationOngoing = "TEMPORARY_REJECT_REGISTRATION_ONGOING",
        /// Handover ongoing.
        TemporaryRejectHandoverOngoing = "TEMPORARY_REJECT_HANDOVER_ONGOING",
        /// Paging restricted.
        RejectionDueToPagingRestriction = "REJECTION_DUE_TO_PAGING_RESTRICTION",
        /// The AN did not respond.
        AnNotResponding = "AN_NOT_RESPONDING",
        /// Unspecified.
        FailureCauseUnspecified = "FAILURE_CAUSE_UNSPECIFIED",
    }
}

/// `N1MessageContainer`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct N1MessageContainer {
    /// `SM` for an SMF.
    pub n1_message_class: N1MessageClass,
    /// The N1 message (binary part).
    pub n1_message_content: RefToBinaryData,
    /// The sending NF.
    pub nf_id: Option<NfInstanceId>,
    /// The sending service instance.
    pub service_instance_id: Option<String>,
}

/// `N2InfoContent`: an NGAP IE for the AMF to relay.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct N2InfoContent {
    /// NGAP message type.
    pub ngap_message_type: Option<Uinteger>,
    /// NGAP IE type.
    pub ngap_ie_type: Option<NgapIeType>,
    /// The NGAP IE (binary part).
    pub ngap_data: RefToBinaryData,
}

/// `N2SmInformation`: N2 information of one PDU session.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct N2SmInformation {
    /// The PDU session.
    pub pdu_session_id: PduSessionId,
    /// The NGAP IE.
    pub n2_info_content: Option<N2InfoContent>,
    /// Its S-NSSAI.
    pub s_nssai: Option<Snssai>,
    /// Home S-NSSAI (roaming).
    pub home_plmn_snssai: Option<Snssai>,
    /// Interworking S-NSSAI.
    pub iwk_snssai: Option<Snssai>,
    /// The session is subject to handover.
    pub subject_to_ho: Option<bool>,
}

/// `N2InfoContainer`; only the SM class is modelled.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct N2InfoContainer {
    /// `SM` for an SMF.
    pub n2_information_class: N2InformationClass,
    /// SM information.
    pub sm_info: Option<N2SmInformation>,
}

/// `N1N2MessageTransferReqData`: the JSON part of N1N2MessageTransfer.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct N1N2MessageTransferReqData {
    /// The N1 message.
    pub n1_message_container: Option<N1MessageContainer>,
    /// The N2 information.
    pub n2_info_container: Option<N2InfoContainer>,
    /// Do not page the UE if it is CM-IDLE (skip the transfer instead).
    pub skip_ind: Option<bool>,
    /// This is the last message of the procedure.
    pub last_msg_indication: Option<bool>,
    /// The PDU session (mandatory for SM messages).
    pub pdu_session_id: Option<PduSessionId>,
    /// Paging policy indicator.
    pub ppi: Option<u8>,
    /// ARP of the triggering QoS flow (paging priority).
    pub arp: Option<Arp>,
    /// 5QI of the triggering QoS flow.
    #[serde(rename = "5qi")]
    pub five_qi: Option<u8>,
    /// Where the AMF reports a failed transfer after paging.
    #[serde(rename = "n1n2FailureTxfNotifURI")]
    pub n1n2_failure_txf_notif_uri: Option<Uri>,
    /// SMF reallocation.
    pub smf_reallocation_ind: Option<bool>,
    /// Features the SMF supports.
    pub supported_features: Option<SupportedFeatures>,
    /// The old GUAMI (AMF change).
    pub old_guami: Option<Guami>,
    /// MA PDU session accepted.
    pub ma_accepted_ind: Option<bool>,
    /// Extended buffering supported.
    pub ext_buf_support: Option<bool>,
    /// Target access.
    pub target_access: Option<AccessType>,
    /// The sending NF.
    pub nf_id: Option<NfInstanceId>,
}

/// `N1N2MessageTransferRspData`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct N1N2MessageTransferRspData {
    /// Outcome.
    pub cause: N1N2MessageTransferCause,
    /// Features the AMF supports.
    pub supported_features: Option<SupportedFeatures>,
}

/// `N1N2MsgTxfrErrDetail`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct N1N2MsgTxfrErrDetail {
    /// Seconds after which the SMF may retry.
    pub retry_after: Option<Uinteger>,
    /// ARP of the higher-priority request ongoing.
    pub highest_prio_arp: Option<Arp>,
    /// Maximum waiting time, seconds.
    pub max_waiting_time: Option<u32>,
}

/// `N1N2MessageTransferError`: the body of 409 and of the AMF's own 504.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct N1N2MessageTransferError {
    /// The problem.
    pub error: ProblemDetails,
    /// Details.
    pub err_info: Option<N1N2MsgTxfrErrDetail>,
}

/// N1N2MessageTransfer request: the JSON part and the binary parts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct N1N2MessageTransfer {
    /// The JSON part; the content references follow the fields below.
    pub data: N1N2MessageTransferReqData,
    /// The N1 message (e.g. PDU Session Establishment Accept).
    pub n1_message: Option<Vec<u8>>,
    /// The N2 information (e.g. PDU Session Resource Setup Request Transfer).
    pub n2_info: Option<Vec<u8>>,
}

impl N1N2MessageTransfer {
    /// An SM transfer for `pdu_session_id`: an N1 SM message, and N2 SM information of
    /// the given NGAP IE type, either or both.
    pub fn sm(
        pdu_session_id: PduSessionId,
        n1_sm: Option<Vec<u8>>,
        n2_sm: Option<(NgapIeType, Vec<u8>)>,
    ) -> Self {
        let (ie_type, n2_info) = match n2_sm {
            Some((t, b)) => (Some(t), Some(b)),
            None => (None, None),
        };
        let data = N1N2MessageTransferReqData {
            n1_message_container: n1_sm.as_ref().map(|_| N1MessageContainer {
                n1_message_class: N1MessageClass::Sm,
                n1_message_content: RefToBinaryData::new(CID_N1),
                nf_id: None,
                service_instance_id: None,
            }),
            n2_info_container: n2_info.as_ref().map(|_| N2InfoContainer {
                n2_information_class: N2InformationClass::Sm,
                sm_info: Some(N2SmInformation {
                    pdu_session_id,
                    n2_info_content: Some(N2InfoContent {
                        ngap_message_type: None,
                        ngap_ie_type: ie_type,
                        ngap_data: RefToBinaryData::new(CID_N2),
                    }),
                    s_nssai: None,
                    home_plmn_snssai: None,
                    iwk_snssai: None,
                    subject_to_ho: None,
                }),
            }),
            pdu_session_id: Some(pdu_session_id),
            ..Default::default()
        };
        Self {
            data,
            n1_message: n1_sm,
            n2_info,
        }
    }
}

const P_N1: &str = "/n1MessageContainer/n1MessageContent/contentId";
const P_N2: &str = "/n2InfoContainer/smInfo/n2InfoContent/ngapData/contentId";

impl WithBinaryParts for N1N2MessageTransfer {
    type Json = N1N2MessageTransferReqData;

    /// An N1 message without a container gets an `SM` container; a container without
    /// an N1 message is dropped (its content reference is mandatory). Likewise for N2:
    /// the information goes in `smInfo.n2InfoContent` (created for `pduSessionId` when
    /// absent), and a stale `n2InfoContent` is removed.
    fn into_parts(mut self) -> (N1N2MessageTransferReqData, BinaryParts) {
        let mut p = BinaryParts::default();
        let d = &mut self.data;
        d.n1_message_container = match (self.n1_message, d.n1_message_container.take()) {
            (None, _) => None,
            (Some(b), c) => {
                let r = p.push(CID_N1, NAS_5G, b);
                Some(match c {
                    Some(c) => N1MessageContainer {
                        n1_message_content: r,
                        ..c
                    },
                    None => N1MessageContainer {
                        n1_message_class: N1MessageClass::Sm,
                        n1_message_content: r,
                        nf_id: None,
                        service_instance_id: None,
                    },
                })
            }
        };
        match self.n2_info {
            None => {
                if let Some(sm) = d
                    .n2_info_container
                    .as_mut()
                    .and_then(|c| c.sm_info.as_mut())
                {
                    sm.n2_info_content = None;
                }
            }
            Some(b) => {
                let r = p.push(CID_N2, NGAP, b);
                let pdu_session_id = d.pdu_session_id.unwrap_or_default();
                let c = d.n2_info_container.get_or_insert(N2InfoContainer {
                    n2_information_class: N2InformationClass::Sm,
                    sm_info: None,
                });
                let sm = c.sm_info.get_or_insert(N2SmInformation {
                    pdu_session_id,
                    n2_info_content: None,
                    s_nssai: None,
                    home_plmn_snssai: None,
                    iwk_snssai: None,
                    subject_to_ho: None,
                });
                match &mut sm.n2_info_content {
                    Some(content) => content.ngap_data = r,
                    None => {
                        sm.n2_info_content = Some(N2InfoContent {
                            ngap_message_type: None,
                            ngap_ie_type: None,
                            ngap_data: r,
                        })
                    }
                }
            }
        }
        (self.data, p)
    }

    fn from_parts(data: N1N2MessageTransferReqData, mut p: BinaryParts) -> Result<Self, SbiError> {
        let n1 = data
            .n1_message_container
            .as_ref()
            .map(|c| &c.n1_message_content);
        let n2 = data
            .n2_info_container
            .as_ref()
            .and_then(|c| c.sm_info.as_ref())
            .and_then(|s| s.n2_info_content.as_ref())
            .map(|c| &c.ngap_data);
        Ok(Self {
            n1_message: p.take(n1, P_N1)?,
            n2_info: p.take(n2, P_N2)?,
            data,
        })
    }
}

/// The successful outcomes of N1N2MessageTransfer.
#[derive(Debug, Clone, PartialEq)]
pub enum N1N2MessageTransferResult {
    /// 200: sent to the UE / AN (`N1_N2_TRANSFER_INITIATED`).
    Initiated(N1N2MessageTransferRspData),
    /// 202 with `Location` (the transfer's status resource): the UE is being paged
    /// (`ATTEMPTING_TO_REACH_UE`) or the message is held.
    Accepted(Created<N1N2MessageTransferRspData>),
}

/// Namf_Communication as the SMF sees it (TS 29.518 §5.2.2.3.1).
#[async_trait]
pub trait CommunicationService: Send + Sync {
    /// N1N2MessageTransfer (TS 29.518 §5.2.2.3.1, POST
    /// `/ue-contexts/{ueContextId}/n1-n2-messages`, §6.1.3.5.3.1). `ue_context_id` is
    /// the SUPI (`imsi-...`). Errors: 404 `CONTEXT_NOT_FOUND`, 409 (`cause::TEMPORARY_*`,
    /// sent as `N1N2MessageTransferError`), 504 `UE_NOT_REACHABLE`, ...
    async fn n1_n2_message_transfer(
        &self,
        ue_context_id: &str,
        request: N1N2MessageTransfer,
    ) -> Result<N1N2MessageTransferResult, SbiError>;
}
