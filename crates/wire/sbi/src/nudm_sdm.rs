//! Nudm_SubscriberDataManagement (TS 29.503, `TS29503_Nudm_SDM.yaml`, API `nudm-sdm`
//! v2): the subscription data the AMF and SMF read.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::SbiError;
use crate::common::{
    Ambr, Dnn, Gpsi, NfInstanceId, PduSessionType, PlmnId, RatType, Snssai, SscMode,
    SubscribedDefaultQos, SupportedFeatures,
};

/// API name and version: every URI is `{apiRoot}/nudm-sdm/v2/...`.
pub const API_BASE: &str = "/nudm-sdm/v2";

/// URIs relative to `{apiRoot}`.
pub mod paths {
    use super::API_BASE;

    /// `/{supi}/am-data`.
    pub fn am_data(supi: &str) -> String {
        format!("{API_BASE}/{supi}/am-data")
    }

    /// `/{supi}/smf-select-data`.
    pub fn smf_select_data(supi: &str) -> String {
        format!("{API_BASE}/{supi}/smf-select-data")
    }

    /// `/{supi}/sm-data`.
    pub fn sm_data(supi: &str) -> String {
        format!("{API_BASE}/{supi}/sm-data")
    }

    /// `/{supi}/nssai`.
    pub fn nssai(supi: &str) -> String {
        format!("{API_BASE}/{supi}/nssai")
    }
}

/// `Nssai`: the subscribed S-NSSAIs.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Nssai {
    /// Features the UDM supports.
    pub supported_features: Option<SupportedFeatures>,
    /// Default S-NSSAIs (at least one).
    pub default_single_nssais: Vec<Snssai>,
    /// Other subscribed S-NSSAIs.
    pub single_nssais: Option<Vec<Snssai>>,
}

/// `AccessAndMobilitySubscriptionData`: the subset the AMF uses first.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessAndMobilitySubscriptionData {
    /// Features the UDM supports.
    pub supported_features: Option<SupportedFeatures>,
    /// MSISDNs and external identifiers.
    pub gpsis: Option<Vec<Gpsi>>,
    /// Internal group identifiers.
    pub internal_group_ids: Option<Vec<String>>,
    /// Subscribed UE-AMBR (`AmbrRm`).
    pub subscribed_ue_ambr: Option<Ambr>,
    /// Subscribed S-NSSAIs.
    pub nssai: Option<Nssai>,
    /// RATs the UE may not use.
    pub rat_restrictions: Option<Vec<RatType>>,
    /// Periodic registration timer, seconds (`DurationSecRm`).
    pub subs_reg_timer: Option<u32>,
    /// UE usage type.
    pub ue_usage_type: Option<u32>,
    /// MICO mode allowed.
    pub mico_allowed: Option<bool>,
    /// Routing indicator, 1 to 4 digits.
    pub routing_indicator: Option<String>,
    /// DNNs the UE is subscribed to.
    pub subscribed_dnn_list: Option<Vec<Dnn>>,
}

/// `DnnInfo`: one DNN within an S-NSSAI, for SMF selection.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnnInfo {
    /// The DNN (or `*`).
    pub dnn: Dnn,
    /// This is the default DNN.
    pub default_dnn_indicator: Option<bool>,
    /// Local breakout allowed when roaming.
    pub lbo_roaming_allowed: Option<bool>,
    /// Interworking with EPS supported.
    pub iwk_eps_ind: Option<bool>,
    /// The DNN is barred.
    pub dnn_barred: Option<bool>,
    /// NEF to be invoked.
    pub invoke_nef_ind: Option<bool>,
    /// SMFs to use.
    pub smf_list: Option<Vec<NfInstanceId>>,
    /// All PDU sessions to this DNN and slice on the same SMF.
    pub same_smf_ind: Option<bool>,
}

/// `SnssaiInfo`: the DNNs subscribed within one S-NSSAI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnssaiInfo {
    /// At least one.
    pub dnn_infos: Vec<DnnInfo>,
}

/// `SmfSelectionSubscriptionData`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SmfSelectionSubscriptionData {
    /// Features the UDM supports.
    pub supported_features: Option<SupportedFeatures>,
    /// Keyed by S-NSSAI in its string form ([`Snssai::to_key`]).
    pub subscribed_snssai_infos: Option<BTreeMap<String, SnssaiInfo>>,
    /// Shared data holding further S-NSSAI infos.
    pub shared_snssai_infos_id: Option<String>,
}

/// `PduSessionTypes`: default and allowed PDU session types.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PduSessionTypes {
    /// Default.
    pub default_session_type: Option<PduSessionType>,
    /// Allowed (at least one when present).
    pub allowed_session_types: Option<Vec<PduSessionType>>,
}

/// `SscModes`: default and allowed SSC modes.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SscModes {
    /// Default.
    pub default_ssc_mode: SscMode,
    /// Allowed (one or two).
    pub allowed_ssc_modes: Option<Vec<SscMode>>,
}

/// `DnnConfiguration`: the subscribed session parameters for one DNN.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnnConfiguration {
    /// PDU session types.
    pub pdu_session_types: PduSessionTypes,
    /// SSC modes.
    pub ssc_modes: SscModes,
    /// Interworking with EPS.
    pub iwk_eps_ind: Option<bool>,
    /// Default QoS flow's 5QI and ARP.
    #[serde(rename = "5gQosProfile")]
    pub five_g_qos_profile: Option<SubscribedDefaultQos>,
    /// Session-AMBR.
    pub session_ambr: Option<Ambr>,
    /// Charging characteristics (TS 32.255), 4 hex digits.
    #[serde(rename = "3gppChargingCharacteristics")]
    pub charging_characteristics: Option<String>,
}

/// `SessionManagementSubscriptionData`: the subscription for one S-NSSAI.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionManagementSubscriptionData {
    /// The S-NSSAI.
    pub single_nssai: Snssai,
    /// Keyed by DNN (or `*`).
    pub dnn_configurations: Option<BTreeMap<Dnn, DnnConfiguration>>,
    /// Internal group identifiers.
    pub internal_group_ids: Option<Vec<String>>,
    /// Features the UDM supports.
    pub supported_features: Option<SupportedFeatures>,
}

/// `ExtendedSmSubsData`: identifiers of shared data plus individual data.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtendedSmSubsData {
    /// Shared data identifiers (at least one).
    pub shared_sm_subs_data_ids: Vec<String>,
    /// Individual data.
    pub individual_sm_subs_data: Option<Vec<SessionManagementSubscriptionData>>,
}

/// `SmSubsData`: a list of per-slice subscriptions, or the shared-data form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SmSubsData {
    /// The plain list (at least one).
    List(Vec<SessionManagementSubscriptionData>),
    /// With shared data.
    Extended(ExtendedSmSubsData),
}

/// Query parameters common to the SDM Get operations modelled here.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SdmQuery {
    /// `plmn-id` (JSON-encoded `PlmnId`): the serving PLMN when it is not the HPLMN.
    pub plmn_id: Option<PlmnId>,
    /// `supported-features`.
    pub supported_features: Option<SupportedFeatures>,
}

/// Query parameters of `GET .../sm-data`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SmDataQuery {
    /// `single-nssai` (JSON-encoded `Snssai`).
    pub single_nssai: Option<Snssai>,
    /// `dnn`.
    pub dnn: Option<Dnn>,
    /// `plmn-id`.
    pub plmn_id: Option<PlmnId>,
    /// `supported-features`.
    pub supported_features: Option<SupportedFeatures>,
}

/// Nudm_SDM as the AMF and SMF see it (TS 29.503 §5.2). All four are the Get service
/// operation (TS 29.503 §5.2.2.2) on a different data set; each answers 200, or 404
/// `USER_NOT_FOUND` / `DATA_NOT_FOUND`.
#[async_trait]
pub trait SdmService: Send + Sync {
    /// Get access and mobility subscription data: GET `/{supi}/am-data`.
    async fn get_am_data(
        &self,
        supi: &str,
        query: SdmQuery,
    ) -> Result<AccessAndMobilitySubscriptionData, SbiError>;

    /// Get SMF selection subscription data: GET `/{supi}/smf-select-data`.
    async fn get_smf_select_data(
        &self,
        supi: &str,
        query: SdmQuery,
    ) -> Result<SmfSelectionSubscriptionData, SbiError>;

    /// Get session management subscription data: GET `/{supi}/sm-data`.
    async fn get_sm_data(&self, supi: &str, query: SmDataQuery) -> Result<SmSubsData, SbiError>;

    /// Get the subscribed NSSAI (slice selection data): GET `/{supi}/nssai`.
    async fn get_nssai(&self, supi: &str, query: SdmQuery) -> Result<Nssai, SbiError>;
}
