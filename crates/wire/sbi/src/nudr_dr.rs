//! Nudr_DataRepository (TS 29.504, `TS29504_Nudr_DR.yaml`, API `nudr-dr` v2), subscription
//! data subset (resources of TS 29.505, `TS29505_Subscription_Data.yaml`): what the UDM
//! reads and writes.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::SbiError;
use crate::common::{PatchItem, PlmnId, Snssai, Supi};
use crate::hex::Hex;
use crate::nudm_sdm::{
    AccessAndMobilitySubscriptionData, SmSubsData, SmfSelectionSubscriptionData,
};
use crate::nudm_ueau::AuthEvent;

/// API name and version: every URI is `{apiRoot}/nudr-dr/v2/...`.
pub const API_BASE: &str = "/nudr-dr/v2";

/// URIs relative to `{apiRoot}`.
pub mod paths {
    use super::API_BASE;

    /// `/subscription-data/{ueId}/authentication-data/authentication-subscription`.
    pub fn authentication_subscription(ue_id: &str) -> String {
        format!(
            "{API_BASE}/subscription-data/{ue_id}/authentication-data/authentication-subscription"
        )
    }

    /// `/subscription-data/{ueId}/authentication-data/authentication-status`.
    pub fn authentication_status(ue_id: &str) -> String {
        format!("{API_BASE}/subscription-data/{ue_id}/authentication-data/authentication-status")
    }

    /// `/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/am-data`;
    /// `serving_plmn_id` in `VarPlmnId` form ([`PlmnId::to_var_plmn_id`](crate::common::PlmnId::to_var_plmn_id)).
    pub fn am_data(ue_id: &str, serving_plmn_id: &str) -> String {
        provisioned(ue_id, serving_plmn_id, "am-data")
    }

    /// `/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/smf-selection-subscription-data`.
    pub fn smf_selection_subscription_data(ue_id: &str, serving_plmn_id: &str) -> String {
        provisioned(ue_id, serving_plmn_id, "smf-selection-subscription-data")
    }

    /// `/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/sm-data`.
    pub fn sm_data(ue_id: &str, serving_plmn_id: &str) -> String {
        provisioned(ue_id, serving_plmn_id, "sm-data")
    }

    fn provisioned(ue_id: &str, plmn: &str, data_set: &str) -> String {
        format!("{API_BASE}/subscription-data/{ue_id}/{plmn}/provisioned-data/{data_set}")
    }
}

/// Parses a `VarPlmnId` path segment (`^[0-9]{5,6}$`; the SNPN `-NID` form is not
/// supported): three MCC digits, then two or three MNC digits.
pub fn parse_var_plmn_id(s: &str) -> Option<PlmnId> {
    if !(5..=6).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(PlmnId {
        mcc: s[..3].to_owned(),
        mnc: s[3..].to_owned(),
    })
}

open_enum! {
    /// `AuthMethod` (TS 29.505).
    pub enum AuthMethod {
        /// 5G AKA.
        FiveGAka = "5G_AKA",
        /// EAP-AKA'.
        EapAkaPrime = "EAP_AKA_PRIME",
        /// EAP-TLS.
        EapTls = "EAP_TLS",
        /// EAP-TTLS.
        EapTtls = "EAP_TTLS",
        /// None.
        None = "NONE",
    }
}

open_enum! {
    /// `SqnScheme` (TS 29.505): how SQNs are generated (TS 33.102 Annex C).
    pub enum SqnScheme {
        /// General.
        General = "GENERAL",
        /// Not time based.
        NonTimeBased = "NON_TIME_BASED",
        /// Time based.
        TimeBased = "TIME_BASED",
    }
}

/// `SequenceNumber` (TS 29.505): the SQN state of a subscriber.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SequenceNumber {
    /// Generation scheme.
    pub sqn_scheme: Option<SqnScheme>,
    /// SQN, 6 octets.
    pub sqn: Option<Hex<6>>,
    /// Last used indexes, keyed by node type (e.g. `ausf`).
    pub last_indexes: Option<BTreeMap<String, u64>>,
    /// Length of IND in bits.
    pub ind_length: Option<u32>,
}

/// `AuthenticationSubscription` (TS 29.505): the long-term credentials of a subscriber.
/// The key fields hold what the UDR stores (encrypted at rest, TS 29.505 §5.2.2.1).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationSubscription {
    /// Authentication method.
    pub authentication_method: AuthMethod,
    /// K, as stored.
    pub enc_permanent_key: Option<String>,
    /// Which protection (key) encrypts K and OPc.
    pub protection_parameter_id: Option<String>,
    /// SQN state.
    pub sequence_number: Option<SequenceNumber>,
    /// AMF field of AUTN, 2 octets.
    pub authentication_management_field: Option<Hex<2>>,
    /// Algorithm (e.g. `milenage`) or a reference to one.
    pub algorithm_id: Option<String>,
    /// OPc, as stored.
    pub enc_opc_key: Option<String>,
    /// TOPc, as stored.
    pub enc_topc_key: Option<String>,
    /// Vectors are generated in the HSS.
    pub vector_generation_in_hss: Option<bool>,
    /// Method for N5GC devices.
    pub n5gc_auth_method: Option<AuthMethod>,
    /// RG authentication.
    pub rg_authentication_ind: Option<bool>,
    /// The SUPI.
    pub supi: Option<Supi>,
    /// AKMA allowed.
    pub akma_allowed: Option<bool>,
    /// Routing identifier, 1 to 4 digits.
    pub routing_id: Option<String>,
}

/// `ReportItem` (TS 29.571): one failed modification.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportItem {
    /// JSON pointer of the attribute.
    pub path: String,
    /// Why it failed.
    pub reason: Option<String>,
}

/// `PatchResult` (TS 29.571): the 200 answer to a PATCH that partly failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchResult {
    /// At least one item.
    pub report: Vec<ReportItem>,
}

/// Nudr_DataRepository (subscription data) as the UDM sees it (TS 29.504 §5.2,
/// resources of TS 29.505 §5.2). 404 `USER_NOT_FOUND` / `DATA_NOT_FOUND` when absent.
#[async_trait]
pub trait DataRepositoryService: Send + Sync {
    /// Query authentication subscription (TS 29.505 §5.2.2.3.1): GET, 200.
    async fn query_authentication_subscription(
        &self,
        ue_id: &str,
    ) -> Result<AuthenticationSubscription, SbiError>;

    /// Modify authentication subscription (TS 29.505 §5.2.2.3.2): PATCH with a JSON
    /// Patch, limited to `sequenceNumber`; 204 (`None`) or 200 with a report of failed
    /// items (`Some`).
    async fn modify_authentication_subscription(
        &self,
        ue_id: &str,
        patch: Vec<PatchItem>,
    ) -> Result<Option<PatchResult>, SbiError>;

    /// Store authentication status (TS 29.505 AuthenticationStatus resource, Table
    /// 5.2.1-1): PUT the AUSF's `AuthEvent`, 204.
    async fn create_authentication_status(
        &self,
        ue_id: &str,
        event: AuthEvent,
    ) -> Result<(), SbiError>;

    /// Query access and mobility subscription data (TS 29.505 §5.2.3.3.1): GET, 200.
    async fn query_am_data(
        &self,
        ue_id: &str,
        serving_plmn: &PlmnId,
    ) -> Result<AccessAndMobilitySubscriptionData, SbiError>;

    /// Query SMF selection subscription data (TS 29.505 §5.2.4.3.1): GET, 200.
    async fn query_smf_selection_data(
        &self,
        ue_id: &str,
        serving_plmn: &PlmnId,
    ) -> Result<SmfSelectionSubscriptionData, SbiError>;

    /// Query session management subscription data (TS 29.505 §5.2.5.3.1): GET, 200;
    /// `single_nssai` (sst alone matches any sd) and `dnn` narrow the answer.
    async fn query_sm_data(
        &self,
        ue_id: &str,
        serving_plmn: &PlmnId,
        single_nssai: Option<Snssai>,
        dnn: Option<String>,
    ) -> Result<SmSubsData, SbiError>;
}
