//! Nudm_UEAuthentication (TS 29.503 §5.4): 5G HE authentication vectors and the
//! authentication result confirmation.

use async_trait::async_trait;
use ferrocore_crypto::auth::{generate_he_av, resync_sqn};
use ferrocore_crypto::kdf::serving_network_name;
use ferrocore_sbi::nausf_ueau::AuthType;
use ferrocore_sbi::nudm_ueau::{
    AuthEvent, AuthenticationInfoRequest, AuthenticationInfoResult, AuthenticationVector,
    Av5GHeAka, ResynchronizationInfo, UeauService, paths,
};
use ferrocore_sbi::{Created, SbiError};
use tracing::Instrument;

use crate::Udm;
use crate::credentials::{Credentials, sqn_from_bytes, sqn_to_bytes};
use crate::random::rand16;

#[async_trait]
impl UeauService for Udm {
    /// Get (TS 29.503 §5.4.2.2), the UDM's part of TS 33.501 §6.1.3.2.0 steps 1-2:
    /// de-conceals a SUCI (§6.12.2), checks the serving network name (§6.1.1.4), and,
    /// after a synchronisation failure, verifies AUTS and re-synchronises SQN
    /// (TS 33.102 §6.3.5); then builds a 5G HE AV with MILENAGE, the subscriber's AMF
    /// field and a fresh SQN from the reserved block (TS 33.102 Annex C).
    async fn generate_auth_data(
        &self,
        supi_or_suci: &str,
        request: AuthenticationInfoRequest,
    ) -> Result<AuthenticationInfoResult, SbiError> {
        let supi = crate::suci::resolve(supi_or_suci, &self.config.home_network_keys)?;
        let span = tracing::info_span!("udm_ueau", supi = %supi);
        self.generate(supi, request).instrument(span).await
    }

    /// ResultConfirmation (TS 29.503 §5.4.2.3, TS 33.501 §6.1.4.1): stores the AUSF's
    /// authentication event in the UDR as the authentication status and answers 201.
    async fn confirm_auth(
        &self,
        supi: &str,
        event: AuthEvent,
    ) -> Result<Created<AuthEvent>, SbiError> {
        let span = tracing::info_span!("udm_auth_event", supi = %supi);
        async {
            tracing::info!(success = event.success, "authentication result");
            self.dr
                .create_authentication_status(supi, event.clone())
                .await?;
            let id = self
                .auth_events
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(Created {
                location: format!("{}{}/{id}", self.config.api_root, paths::auth_events(supi)),
                body: event,
            })
        }
        .instrument(span)
        .await
    }
}

impl Udm {
    async fn generate(
        &self,
        supi: String,
        request: AuthenticationInfoRequest,
    ) -> Result<AuthenticationInfoResult, SbiError> {
        let snn = request.serving_network_name.as_str();
        self.check_serving_network(snn)?;
        let sub = self.dr.query_authentication_subscription(&supi).await?;
        let creds = Credentials::take(sub)?;
        let mut known_next = creds.next_sqn;
        if let Some(info) = &request.resynchronization_info
            && self.resynchronise(&supi, &creds, info).await?
        {
            known_next = None;
        }
        let sqn = self.sqn.next(&*self.dr, &supi, known_next).await?;
        let rand = rand16()?;
        let av = generate_he_av(&creds.milenage, &rand, &sqn_to_bytes(sqn), &creds.amf, snn);
        tracing::debug!(sqn, "5G HE AV generated");
        Ok(AuthenticationInfoResult {
            auth_type: AuthType::FiveGAka,
            supported_features: None,
            authentication_vector: Some(AuthenticationVector::Av5GHeAka(Av5GHeAka {
                rand: av.rand.into(),
                xres_star: av.xres_star.into(),
                autn: av.autn.into(),
                kausf: (*av.kausf.as_bytes()).into(),
            })),
            supi: Some(supi),
        })
    }

    /// TS 33.102 §6.3.5: verifies MAC-S of AUTS; when it verifies, SQN_HE is reset so
    /// that the next vector carries an SQN above SQN_MS. When it does not, no reset
    /// happens and a new vector is sent anyway (step iv). Returns whether it reset.
    async fn resynchronise(
        &self,
        supi: &str,
        creds: &Credentials,
        info: &ResynchronizationInfo,
    ) -> Result<bool, SbiError> {
        match resync_sqn(&creds.milenage, &info.rand.0, &info.auts.0) {
            Ok(sqn_ms) => {
                let sqn_ms = sqn_from_bytes(&sqn_ms);
                tracing::info!(sqn_ms, "SQN re-synchronisation");
                self.sqn.resync(&*self.dr, supi, sqn_ms).await?;
                Ok(true)
            }
            Err(e) => {
                tracing::warn!(error = %e, "AUTS does not verify; no re-synchronisation");
                Ok(false)
            }
        }
    }

    /// TS 33.501 §6.1.2 / §6.1.3.2.0 step 2: the serving network name must be well formed
    /// and, when a list is configured, name an authorised PLMN. 403
    /// `SERVING_NETWORK_NOT_AUTHORIZED` otherwise.
    fn check_serving_network(&self, snn: &str) -> Result<(), SbiError> {
        let ok = match &self.config.authorized_serving_plmns {
            Some(plmns) => plmns
                .iter()
                .any(|p| serving_network_name(&p.mcc, &p.mnc).is_ok_and(|n| n == snn)),
            None => well_formed_snn(snn),
        };
        if ok {
            Ok(())
        } else {
            Err(SbiError::serving_network_not_authorized(format!(
                "serving network {snn:?} is not authorised"
            )))
        }
    }
}

/// `5G:mnc<3 digits>.mcc<3 digits>.3gppnetwork.org` (TS 24.501 §9.12.1).
fn well_formed_snn(snn: &str) -> bool {
    let Some(rest) = snn
        .strip_prefix("5G:mnc")
        .and_then(|r| r.strip_suffix(".3gppnetwork.org"))
    else {
        return false;
    };
    let Some((mnc, mcc)) = rest.split_once(".mcc") else {
        return false;
    };
    let digits = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit());
    digits(mnc) && digits(mcc)
}

#[cfg(test)]
mod tests {
    #[test]
    fn snn_shape() {
        assert!(super::well_formed_snn("5G:mnc001.mcc001.3gppnetwork.org"));
        assert!(!super::well_formed_snn("5G:mnc01.mcc001.3gppnetwork.org"));
        assert!(!super::well_formed_snn("mnc001.mcc001.3gppnetwork.org"));
    }
}
