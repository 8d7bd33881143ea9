//! Nudm_UEAuthentication (TS 29.503, `TS29503_Nudm_UEAU.yaml`, API `nudm-ueau` v1):
//! authentication vectors and authentication results, as the AUSF consumes them.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::common::{DateTime, NfInstanceId, Supi, SupportedFeatures, Uri};
use crate::hex::Hex;
use crate::nausf_ueau::AuthType;
use crate::{Created, SbiError};

/// API name and version: every URI is `{apiRoot}/nudm-ueau/v1/...`.
pub const API_BASE: &str = "/nudm-ueau/v1";

/// URIs relative to `{apiRoot}`.
pub mod paths {
    use super::API_BASE;

    /// `/{supiOrSuci}/security-information/generate-auth-data` (custom operation).
    pub fn generate_auth_data(supi_or_suci: &str) -> String {
        format!("{API_BASE}/{supi_or_suci}/security-information/generate-auth-data")
    }

    /// `/{supi}/auth-events` (collection).
    pub fn auth_events(supi: &str) -> String {
        format!("{API_BASE}/{supi}/auth-events")
    }
}

/// `ServingNetworkName`: `5G:mnc<MNC>.mcc<MCC>.3gppnetwork.org` (TS 33.501 §6.1.1.4).
pub type ServingNetworkName = String;

/// `ResynchronizationInfo`: RAND of the failed challenge and the UE's AUTS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResynchronizationInfo {
    /// RAND.
    pub rand: Hex<16>,
    /// AUTS (14 octets).
    pub auts: Hex<14>,
}

/// `AuthenticationInfoRequest`: what the AUSF asks the UDM for.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationInfoRequest {
    /// Features the AUSF supports.
    pub supported_features: Option<SupportedFeatures>,
    /// The serving network the vector is for.
    pub serving_network_name: ServingNetworkName,
    /// Present after a synchronisation failure.
    pub resynchronization_info: Option<ResynchronizationInfo>,
    /// The requesting AUSF.
    pub ausf_instance_id: NfInstanceId,
    /// Authentication over N5CW (non-5G-capable device).
    pub n5gc_ind: Option<bool>,
}

/// `Av5GHeAka`: a 5G home-environment AV (TS 33.501 §6.1.3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Av5GHeAka {
    /// RAND.
    pub rand: Hex<16>,
    /// XRES*.
    pub xres_star: Hex<16>,
    /// AUTN.
    pub autn: Hex<16>,
    /// K_AUSF.
    pub kausf: Hex<32>,
}

/// `AvEapAkaPrime`: an EAP-AKA' vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvEapAkaPrime {
    /// RAND.
    pub rand: Hex<16>,
    /// XRES, 4 to 16 octets as hex.
    pub xres: String,
    /// AUTN.
    pub autn: Hex<16>,
    /// CK'.
    pub ck_prime: Hex<16>,
    /// IK'.
    pub ik_prime: Hex<16>,
}

/// `AuthenticationVector`: one of the two vector kinds, told apart by `avType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "avType")]
pub enum AuthenticationVector {
    /// `avType: 5G_HE_AKA`.
    #[serde(rename = "5G_HE_AKA")]
    Av5GHeAka(Av5GHeAka),
    /// `avType: EAP_AKA_PRIME`.
    #[serde(rename = "EAP_AKA_PRIME")]
    AvEapAkaPrime(AvEapAkaPrime),
}

/// `AuthenticationInfoResult`: the UDM's answer.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationInfoResult {
    /// The method the UDM selected.
    pub auth_type: AuthType,
    /// Features the UDM supports.
    pub supported_features: Option<SupportedFeatures>,
    /// The vector.
    pub authentication_vector: Option<AuthenticationVector>,
    /// The SUPI (always present when the request carried a SUCI).
    pub supi: Option<Supi>,
}

/// `AuthEvent`: the outcome of an authentication, reported by the AUSF.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthEvent {
    /// The AUSF that authenticated.
    pub nf_instance_id: NfInstanceId,
    /// Whether the UE was authenticated.
    pub success: bool,
    /// When (RFC 3339).
    pub time_stamp: DateTime,
    /// The method used.
    pub auth_type: AuthType,
    /// The serving network.
    pub serving_network_name: ServingNetworkName,
    /// Set when this event removes an earlier one.
    pub auth_removal_ind: Option<bool>,
    /// The AUSF's NF set.
    pub nf_set_id: Option<String>,
    /// Reset identifiers (TS 23.527).
    pub reset_ids: Option<Vec<String>>,
    /// Where to notify after a data restoration.
    pub data_restoration_callback_uri: Option<Uri>,
    /// Set when the UDR restarted.
    pub udr_restart_ind: Option<bool>,
}

/// Nudm_UEAuthentication as the AUSF sees it (TS 29.503 §5.4).
#[async_trait]
pub trait UeauService: Send + Sync {
    /// Get (TS 29.503 §5.4.2.2): POST `.../security-information/generate-auth-data`,
    /// 200 with an authentication vector; 403 `SERVING_NETWORK_NOT_AUTHORIZED`,
    /// 404 `USER_NOT_FOUND` on failure.
    async fn generate_auth_data(
        &self,
        supi_or_suci: &str,
        request: AuthenticationInfoRequest,
    ) -> Result<AuthenticationInfoResult, SbiError>;

    /// ResultConfirmation (TS 29.503 §5.4.2.3): POST `.../auth-events`, 201 with the
    /// stored event and its `Location`.
    async fn confirm_auth(
        &self,
        supi: &str,
        event: AuthEvent,
    ) -> Result<Created<AuthEvent>, SbiError>;
}
