//! Nausf_UEAuthentication (TS 29.509 §5.2.2) for 5G AKA.

use std::collections::BTreeMap;

use async_trait::async_trait;
use ferrocore_crypto::kdf::{hres_star, kseaf, serving_network_name};
use ferrocore_crypto::secret::Kausf;
use ferrocore_sbi::common::{Link, LinksValueSchema};
use ferrocore_sbi::nausf_ueau::{
    AuthData5g, AuthResult, AuthType, AuthenticationInfo, Av5gAka, ConfirmationData,
    ConfirmationDataResponse, UeAuthenticationCtx, UeAuthenticationService, paths,
};
use ferrocore_sbi::nudm_ueau::{AuthEvent, AuthenticationInfoRequest, AuthenticationVector};
use ferrocore_sbi::{Created, SbiError};
use subtle::ConstantTimeEq;
use tracing::Instrument;

use crate::Ausf;
use crate::clock::now_rfc3339;
use crate::contexts::AuthContext;

#[async_trait]
impl UeAuthenticationService for Ausf {
    /// Authenticate, step 1 (TS 29.509 §5.2.2.2.2; TS 33.501 §6.1.3.2.0 steps 2-5):
    /// checks that the serving network is authorised (TS 33.501 §6.1.2), asks the UDM for
    /// a 5G HE AV (Nudm_UEAU Get, passing any `resynchronizationInfo` on), computes
    /// HXRES*, keeps XRES* and K_AUSF under a new `authCtxId`, and answers 201 with
    /// RAND, AUTN, HXRES* and the `5g-aka` link to the confirmation resource.
    async fn authenticate(
        &self,
        info: AuthenticationInfo,
    ) -> Result<Created<UeAuthenticationCtx>, SbiError> {
        let span = tracing::info_span!("ausf_auth", ue = %info.supi_or_suci);
        self.start(info).instrument(span).await
    }

    /// Authenticate, step 2 (TS 29.509 §5.2.2.2.2 steps 4-6; TS 33.501 §6.1.3.2.0 steps
    /// 10-12): compares RES* with the stored XRES* in constant time; on a match answers
    /// `AUTHENTICATION_SUCCESS` with the SUPI and K_SEAF (Annex A.6), otherwise
    /// `AUTHENTICATION_FAILURE`. Either way the UDM is told (Nudm_UEAU ResultConfirmation)
    /// and the context is consumed. 404 `CONTEXT_NOT_FOUND` for an unknown or expired one.
    async fn confirm_5g_aka(
        &self,
        auth_ctx_id: &str,
        data: ConfirmationData,
    ) -> Result<ConfirmationDataResponse, SbiError> {
        let ctx = self.contexts.take(auth_ctx_id).ok_or_else(|| {
            SbiError::context_not_found(format!("no authentication context {auth_ctx_id}"))
        })?;
        let span = tracing::info_span!("ausf_confirm", supi = %ctx.supi);
        self.confirm(ctx, data).instrument(span).await
    }
}

impl Ausf {
    async fn start(
        &self,
        info: AuthenticationInfo,
    ) -> Result<Created<UeAuthenticationCtx>, SbiError> {
        let snn = info.serving_network_name.clone();
        self.check_serving_network(&snn)?;
        let request = AuthenticationInfoRequest {
            supported_features: None,
            serving_network_name: snn.clone(),
            resynchronization_info: info.resynchronization_info,
            ausf_instance_id: self.config.instance_id.clone(),
            n5gc_ind: None,
        };
        let result = self
            .udm
            .generate_auth_data(&info.supi_or_suci, request)
            .await?;
        let Some(AuthenticationVector::Av5GHeAka(av)) = result.authentication_vector else {
            return Err(SbiError::system_failure(
                "the UDM did not return a 5G HE AKA vector",
            ));
        };
        let supi = result.supi.unwrap_or_else(|| info.supi_or_suci.clone());
        let hxres = hres_star(&av.rand.0, &av.xres_star.0);
        let id = new_ctx_id()?;
        self.contexts.insert(
            id.clone(),
            AuthContext::new(
                supi.clone(),
                snn.clone(),
                av.xres_star.0,
                Kausf::new(av.kausf.0),
            ),
        );
        tracing::info!(%supi, auth_ctx_id = %id, "5G AKA challenge issued");
        let location = format!(
            "{}{}/{id}",
            self.config.api_root,
            paths::ue_authentications()
        );
        let confirm = format!(
            "{}{}",
            self.config.api_root,
            paths::five_g_aka_confirmation(&id)
        );
        Ok(Created {
            location,
            body: UeAuthenticationCtx {
                auth_type: AuthType::FiveGAka,
                auth_data: AuthData5g::Av5gAka(Av5gAka {
                    rand: av.rand,
                    hxres_star: hxres.into(),
                    autn: av.autn,
                }),
                links: BTreeMap::from([(
                    "5g-aka".to_owned(),
                    LinksValueSchema::One(Link { href: confirm }),
                )]),
                serving_network_name: Some(snn),
            },
        })
    }

    async fn confirm(
        &self,
        ctx: AuthContext,
        data: ConfirmationData,
    ) -> Result<ConfirmationDataResponse, SbiError> {
        let matched = data
            .res_star
            .is_some_and(|r| bool::from(r.0.ct_eq(&ctx.xres_star)));
        let event = AuthEvent {
            nf_instance_id: self.config.instance_id.clone(),
            success: matched,
            time_stamp: now_rfc3339(),
            auth_type: AuthType::FiveGAka,
            serving_network_name: ctx.serving_network_name.clone(),
            auth_removal_ind: None,
            nf_set_id: None,
            reset_ids: None,
            data_restoration_callback_uri: None,
            udr_restart_ind: None,
        };
        self.udm.confirm_auth(&ctx.supi, event).await?;
        if matched {
            tracing::info!("5G AKA confirmed");
            let key = kseaf(&ctx.kausf, &ctx.serving_network_name);
            Ok(ConfirmationDataResponse {
                auth_result: AuthResult::AuthenticationSuccess,
                supi: Some(ctx.supi.clone()),
                kseaf: Some((*key.as_bytes()).into()),
            })
        } else {
            tracing::warn!("RES* does not match XRES*");
            Ok(ConfirmationDataResponse {
                auth_result: AuthResult::AuthenticationFailure,
                supi: None,
                kseaf: None,
            })
        }
    }

    /// TS 33.501 §6.1.2: the serving network name must be one of the configured PLMNs'.
    fn check_serving_network(&self, snn: &str) -> Result<(), SbiError> {
        let ok = self
            .config
            .serving_plmns
            .iter()
            .any(|p| serving_network_name(&p.mcc, &p.mnc).is_ok_and(|n| n == snn));
        if ok {
            Ok(())
        } else {
            Err(SbiError::serving_network_not_authorized(format!(
                "serving network {snn:?} may not authenticate our subscribers"
            )))
        }
    }
}

/// A fresh `authCtxId`: 128 random bits in hex.
fn new_ctx_id() -> Result<String, SbiError> {
    let mut id = [0u8; 16];
    getrandom::getrandom(&mut id)
        .map_err(|e| SbiError::system_failure(format!("no randomness: {e}")))?;
    Ok(hex::encode(id))
}
