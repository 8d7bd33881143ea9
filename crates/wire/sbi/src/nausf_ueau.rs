//! Nausf_UEAuthentication (TS 29.509, `TS29509_Nausf_UEAuthentication.yaml`, API
//! `nausf-auth` v1): 5G AKA as the AMF consumes it.

use async_trait::async_trait;
use serde::{Deserialize, Deserializer, Serialize};
use serde_with::skip_serializing_none;

use crate::common::{Links, Supi, SupiOrSuci, SupportedFeatures};
use crate::hex::Hex;
use crate::nudm_ueau::{ResynchronizationInfo, ServingNetworkName};
use crate::{Created, SbiError};

/// API name and version: every URI is `{apiRoot}/nausf-auth/v1/...`.
pub const API_BASE: &str = "/nausf-auth/v1";

/// URIs relative to `{apiRoot}`.
pub mod paths {
    use super::API_BASE;

    /// `/ue-authentications` (collection).
    pub fn ue_authentications() -> String {
        format!("{API_BASE}/ue-authentications")
    }

    /// `/ue-authentications/{authCtxId}/5g-aka-confirmation`.
    pub fn five_g_aka_confirmation(auth_ctx_id: &str) -> String {
        format!("{API_BASE}/ue-authentications/{auth_ctx_id}/5g-aka-confirmation")
    }
}

/// HXRES* (16 octets).
pub type HxresStar = Hex<16>;
/// RES* (16 octets).
pub type ResStar = Hex<16>;
/// K_SEAF (32 octets).
pub type Kseaf = Hex<32>;

open_enum! {
    /// `AuthType` (TS 29.509, TS 29.503): the authentication method.
    pub enum AuthType {
        /// 5G AKA.
        FiveGAka = "5G_AKA",
        /// EAP-AKA'.
        EapAkaPrime = "EAP_AKA_PRIME",
        /// EAP-TLS.
        EapTls = "EAP_TLS",
        /// No authentication (TS 29.503 only).
        None = "NONE",
        /// EAP-TTLS.
        EapTtls = "EAP_TTLS",
    }
}

open_enum! {
    /// `AuthResult` (TS 29.509).
    pub enum AuthResult {
        /// The UE is authenticated.
        AuthenticationSuccess = "AUTHENTICATION_SUCCESS",
        /// It is not.
        AuthenticationFailure = "AUTHENTICATION_FAILURE",
        /// More EAP round trips follow.
        AuthenticationOngoing = "AUTHENTICATION_ONGOING",
    }
}

/// `AuthenticationInfo`: the AMF's request to authenticate a UE.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationInfo {
    /// SUCI from the UE, or the SUPI.
    pub supi_or_suci: SupiOrSuci,
    /// `5G:mnc<MNC>.mcc<MCC>.3gppnetwork.org`.
    pub serving_network_name: ServingNetworkName,
    /// Present after the UE reported a synchronisation failure (AUTS).
    pub resynchronization_info: Option<ResynchronizationInfo>,
    /// The UE's PEI.
    pub pei: Option<String>,
    /// Routing indicator from the SUCI, 1 to 4 digits.
    pub routing_indicator: Option<String>,
    /// Features the AMF supports.
    pub supported_features: Option<SupportedFeatures>,
}

/// `Av5gAka`: what the AMF/SEAF gets for 5G AKA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Av5gAka {
    /// RAND.
    pub rand: Hex<16>,
    /// HXRES*.
    pub hxres_star: HxresStar,
    /// AUTN.
    pub autn: Hex<16>,
}

/// The `5gAuthData` member: a 5G AKA vector or an EAP packet (base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AuthData5g {
    /// 5G AKA.
    Av5gAka(Av5gAka),
    /// `EapPayload`: a base64 EAP packet.
    EapPayload(String),
}

/// `UEAuthenticationCtx`: the body of the 201 answer.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UeAuthenticationCtx {
    /// The method the AUSF chose.
    pub auth_type: AuthType,
    /// The challenge.
    #[serde(rename = "5gAuthData")]
    pub auth_data: AuthData5g,
    /// HAL links; for 5G AKA the `5g-aka` relation points at the confirmation resource.
    #[serde(rename = "_links")]
    pub links: Links,
    /// Echo of the serving network name.
    pub serving_network_name: Option<ServingNetworkName>,
}

/// `ConfirmationData`: RES* as received from the UE (`null` when the UE sent none).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmationData {
    /// RES*; mandatory and nullable.
    #[serde(deserialize_with = "required_nullable")]
    #[serialize_always]
    pub res_star: Option<ResStar>,
    /// Features the AMF supports.
    pub supported_features: Option<SupportedFeatures>,
}

/// `ConfirmationDataResponse`: the verdict, and on success SUPI and K_SEAF.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmationDataResponse {
    /// Success or failure.
    pub auth_result: AuthResult,
    /// The SUPI, on success.
    pub supi: Option<Supi>,
    /// K_SEAF, on success.
    pub kseaf: Option<Kseaf>,
}

/// A mandatory attribute whose value may be `null`: absent is an error, `null` is `None`.
pub(crate) fn required_nullable<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)
}

/// Nausf_UEAuthentication as the AMF sees it (TS 29.509 §5.2.2).
#[async_trait]
pub trait UeAuthenticationService: Send + Sync {
    /// Authenticate, step 1 (TS 29.509 §5.2.2.2.2, POST on the `ue-authentications`
    /// collection, §6.1.3.2.3.1): 201 with the challenge and a `Location` naming the
    /// authentication context.
    async fn authenticate(
        &self,
        info: AuthenticationInfo,
    ) -> Result<Created<UeAuthenticationCtx>, SbiError>;

    /// Authenticate, step 2 (TS 29.509 §5.2.2.2.2, PUT on `5g-aka-confirmation`,
    /// §6.1.3.3.3.1): 200 with the result, SUPI and K_SEAF.
    async fn confirm_5g_aka(
        &self,
        auth_ctx_id: &str,
        data: ConfirmationData,
    ) -> Result<ConfirmationDataResponse, SbiError>;
}
