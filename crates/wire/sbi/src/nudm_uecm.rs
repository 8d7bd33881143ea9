//! Nudm_UEContextManagement (TS 29.503, `TS29503_Nudm_UECM.yaml`, API `nudm-uecm` v1):
//! the AMF registers itself as the serving AMF for 3GPP access.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::common::{DateTime, Guami, NfInstanceId, RatType, Supi, SupportedFeatures, Uri};
use crate::{SbiError, Upserted};

/// API name and version: every URI is `{apiRoot}/nudm-uecm/v1/...`.
pub const API_BASE: &str = "/nudm-uecm/v1";

/// URIs relative to `{apiRoot}`.
pub mod paths {
    use super::API_BASE;

    /// `/{ueId}/registrations/amf-3gpp-access`.
    pub fn amf_3gpp_access(ue_id: &str) -> String {
        format!("{API_BASE}/{ue_id}/registrations/amf-3gpp-access")
    }
}

/// `Amf3GppAccessRegistration`: the subset the AMF sends first.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Amf3GppAccessRegistration {
    /// The registering AMF.
    pub amf_instance_id: NfInstanceId,
    /// Features the AMF supports.
    pub supported_features: Option<SupportedFeatures>,
    /// Set in a purge.
    pub purge_flag: Option<bool>,
    /// The UE's PEI.
    pub pei: Option<String>,
    /// Where the UDM sends the deregistration notification.
    pub dereg_callback_uri: Uri,
    /// Where the UDM sends P-CSCF restoration.
    pub pcscf_restoration_callback_uri: Option<Uri>,
    /// Initial registration.
    pub initial_registration_ind: Option<bool>,
    /// Emergency registration.
    pub emergency_registration_ind: Option<bool>,
    /// The AMF's GUAMI.
    pub guami: Guami,
    /// Dual registration (EPS interworking).
    pub dr_flag: Option<bool>,
    /// The RAT in use.
    pub rat_type: RatType,
    /// URRP requested.
    pub urrp_indicator: Option<bool>,
    /// When the AMF registered.
    pub registration_time: Option<DateTime>,
    /// The AMF will not create an EE subscription.
    pub no_ee_subscription_ind: Option<bool>,
    /// The UE's SUPI.
    pub supi: Option<Supi>,
    /// Re-registration required.
    pub re_registration_required: Option<bool>,
}

impl Amf3GppAccessRegistration {
    /// The attributes TS 29.503 §6.2.6.2.2 makes mandatory (the AMF, where deregistration
    /// notifications go, its GUAMI and the RAT); every other one absent, to be set with
    /// struct update syntax.
    pub fn new(
        amf_instance_id: impl Into<NfInstanceId>,
        dereg_callback_uri: impl Into<Uri>,
        guami: Guami,
        rat_type: RatType,
    ) -> Self {
        Self {
            amf_instance_id: amf_instance_id.into(),
            supported_features: None,
            purge_flag: None,
            pei: None,
            dereg_callback_uri: dereg_callback_uri.into(),
            pcscf_restoration_callback_uri: None,
            initial_registration_ind: None,
            emergency_registration_ind: None,
            guami,
            dr_flag: None,
            rat_type,
            urrp_indicator: None,
            registration_time: None,
            no_ee_subscription_ind: None,
            supi: None,
            re_registration_required: None,
        }
    }
}

/// Nudm_UECM as the AMF sees it (TS 29.503 §5.3).
#[async_trait]
pub trait UecmService: Send + Sync {
    /// Registration, AMF registration for 3GPP access (TS 29.503 §5.3.2.2.2): PUT
    /// `/{ueId}/registrations/amf-3gpp-access`; 201 with `Location` when new, 200 or 204
    /// when it replaced an earlier registration.
    async fn register_amf_3gpp_access(
        &self,
        ue_id: &str,
        registration: Amf3GppAccessRegistration,
    ) -> Result<Upserted<Amf3GppAccessRegistration>, SbiError>;
}
