//! Primary authentication, 5G AKA (TS 24.501 §5.4.1.3; TS 33.501 §6.1.3.2) through the
//! AUSF: the AMF (SEAF) checks HRES* against HXRES*, then asks the AUSF to confirm, and
//! derives KAMF from KSEAF (TS 33.501 Annex A.7, ABBA 0x0000).

use std::time::Instant;

use ferrocore_crypto::kdf;
use ferrocore_crypto::secret::Kseaf;
use ferrocore_nas::types::{
    NasAbba, NasAuthenticationFailure, NasAuthenticationParameterAutn,
    NasAuthenticationParameterRand, NasAuthenticationReject, NasAuthenticationRequest,
    NasAuthenticationResponse, NasKeySetIdentifier,
};
use ferrocore_nas_security::{SecurityContext, Side};
use ferrocore_sbi::common::LinksValueSchema;
use ferrocore_sbi::nausf_ueau::{
    AuthData5g, AuthResult, AuthenticationInfo, ConfirmationData, ConfirmationDataResponse,
    UeAuthenticationCtx,
};
use ferrocore_sbi::nudm_ueau::ResynchronizationInfo;
use ferrocore_sbi::{Created, SbiError};

use super::cause;
use crate::SbiRequest;
use crate::context::{Aka, RegStep, UeKey};
use crate::engine::Amf;
use crate::metrics::{CauseLabel, gmm_cause_label};
use crate::timers::TimerKind;

/// ABBA for 3GPP access, Rel-15 on (TS 33.501 Annex A.7.1).
pub const ABBA: [u8; 2] = [0x00, 0x00];

/// The authentication context id of a Nausf answer: from the `5g-aka` link
/// (`.../ue-authentications/{authCtxId}/5g-aka-confirmation`), else the `Location`.
pub(crate) fn auth_ctx_id(created: &Created<UeAuthenticationCtx>) -> String {
    let href = created.body.links.get("5g-aka").and_then(|l| match l {
        LinksValueSchema::One(l) => Some(l.href.as_str()),
        LinksValueSchema::Many(v) => v.first().map(|l| l.href.as_str()),
    });
    if let Some(id) = href
        .and_then(|h| h.trim_end_matches('/').strip_suffix("/5g-aka-confirmation"))
        .and_then(|h| h.rsplit('/').next())
        .filter(|id| !id.is_empty())
    {
        return id.to_owned();
    }
    created.resource_id().to_owned()
}

impl Amf {
    /// Nausf_UEAuthentication_Authenticate (TS 29.509 §5.2.2.2.2) for the SUCI or SUPI.
    pub(crate) fn start_authentication(
        &mut self,
        _now: Instant,
        key: UeKey,
        supi_or_suci: String,
        routing_indicator: Option<String>,
    ) {
        let info = AuthenticationInfo {
            supi_or_suci,
            serving_network_name: self.cfg.serving_network_name.clone(),
            resynchronization_info: None,
            pei: None,
            routing_indicator,
            supported_features: None,
        };
        self.send_authenticate(key, info);
    }

    fn send_authenticate(&mut self, key: UeKey, info: AuthenticationInfo) {
        let request = SbiRequest::Authenticate(info);
        self.registration_sbi(key, RegStep::AusfAuthenticate, request);
    }

    /// The AUSF's challenge: AUTHENTICATION REQUEST (TS 24.501 §5.4.1.3.2), T3560.
    pub(crate) fn authenticate_reply(
        &mut self,
        now: Instant,
        key: UeKey,
        r: Result<Created<UeAuthenticationCtx>, SbiError>,
    ) {
        let created = match r {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(status = e.status, cause = ?e.cause(), "Nausf authenticate failed");
                let c = self.sbi_reject_cause_ausf(&e);
                self.registration_reject(key, c);
                return;
            }
        };
        let AuthData5g::Av5gAka(av) = &created.body.auth_data else {
            tracing::warn!("the AUSF chose EAP-AKA': not supported by this AMF");
            self.registration_reject(key, cause::NON_5G_AUTHENTICATION_UNACCEPTABLE);
            return;
        };
        let id = auth_ctx_id(&created);
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        // A new ngKSI, different from the current one (TS 24.501 §5.4.1.3.2); 7 is "no key".
        let ng_ksi = ue
            .security
            .as_ref()
            .map_or(0, |c| ((c.ng_ksi() & 0x07) + 1) % 7);
        let Some(reg) = ue.registration() else {
            return;
        };
        let resync_tried = reg.aka.as_ref().is_some_and(|a| a.resync_tried);
        reg.aka = Some(Aka {
            rand: av.rand.0,
            autn: av.autn.0,
            hxres_star: av.hxres_star.0,
            auth_ctx_id: id,
            ng_ksi,
            resync_tried,
        });
        let m = NasAuthenticationRequest::new(
            NasKeySetIdentifier::new(ng_ksi),
            NasAbba::new(ABBA.to_vec()),
        )
        .with_authentication_parameter_rand(NasAuthenticationParameterRand::new(av.rand.0.to_vec()))
        .with_authentication_parameter_autn(NasAuthenticationParameterAutn::new(
            av.autn.0.to_vec(),
        ));
        let Some(nas) = self.send_mm(key, m) else {
            return;
        };
        self.metrics.auth_req.inc();
        self.await_answer(now, key, RegStep::AuthChallenge, nas, TimerKind::T3560);
    }

    fn sbi_reject_cause_ausf(&mut self, e: &SbiError) -> u8 {
        self.metrics
            .sbi_errors
            .get_or_create(&CauseLabel {
                cause: if e.status < 500 {
                    "ausf_client_error"
                } else {
                    "ausf_server_error"
                },
            })
            .inc();
        match e.status {
            403 | 404 => cause::ILLEGAL_UE,
            _ => cause::PROTOCOL_ERROR,
        }
    }

    /// AUTHENTICATION RESPONSE (TS 24.501 §5.4.1.3.4; TS 33.501 §6.1.3.2 step 10): HRES*
    /// against HXRES*, then the AUSF confirms.
    pub(crate) fn authentication_response(
        &mut self,
        _now: Instant,
        key: UeKey,
        r: NasAuthenticationResponse,
    ) {
        if !self.expect_step(key, RegStep::AuthChallenge) {
            return;
        }
        let registration = self.ues.get_mut(&key).and_then(|u| u.registration());
        let Some(aka) = registration.and_then(|r| r.aka.clone()) else {
            return;
        };
        self.timers.stop(key, TimerKind::T3560);
        let res_star: Option<[u8; 16]> = r
            .authentication_response_parameter
            .as_ref()
            .and_then(|p| p.value.as_ref().try_into().ok());
        let matches = res_star.is_some_and(|res| {
            let h = kdf::hres_star(&aka.rand, &res);
            subtle_eq(&h, &aka.hxres_star)
        });
        let Some(res) = res_star.filter(|_| matches) else {
            tracing::warn!("HRES* does not match HXRES*");
            self.authentication_reject(key, "hres_mismatch");
            return;
        };
        let request = SbiRequest::Confirm5gAka {
            auth_ctx_id: aka.auth_ctx_id.clone(),
            data: ConfirmationData {
                res_star: Some(res.into()),
                supported_features: None,
            },
        };
        self.registration_sbi(key, RegStep::AusfConfirm, request);
    }

    /// The AUSF's verdict (TS 29.509 §5.2.2.2.2): KAMF from KSEAF, then security mode
    /// control.
    pub(crate) fn confirm_reply(
        &mut self,
        now: Instant,
        key: UeKey,
        r: Result<ConfirmationDataResponse, SbiError>,
    ) {
        let resp = match r {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(status = e.status, "Nausf 5G AKA confirmation failed");
                self.authentication_reject(key, "ausf_confirmation_error");
                return;
            }
        };
        let (AuthResult::AuthenticationSuccess, Some(kseaf), Some(supi)) =
            (&resp.auth_result, resp.kseaf, resp.supi.clone())
        else {
            self.authentication_reject(key, "ausf_authentication_failure");
            return;
        };
        let Some(ue) = self.ues.get(&key) else {
            return;
        };
        if ue.supi.as_deref().is_some_and(|s| s != supi) {
            tracing::warn!("the AUSF authenticated another SUPI than the UE's");
            self.authentication_reject(key, "supi_mismatch");
            return;
        }
        let Some(Some(aka)) = self
            .ues
            .get_mut(&key)
            .and_then(|u| u.registration())
            .map(|r| r.aka.clone())
        else {
            return;
        };
        // The SUPI is now known: another context of the same UE (an older registration
        // with an identity the UE no longer uses) gives way to this one.
        if let Some(&other) = self.ids.by_supi.get(supi.as_str())
            && other != key
        {
            if self.ues.get(&other).is_some_and(|u| u.ran.is_some()) {
                self.release_nas(other, ferrocore_ngap::CauseNas::normal_release);
            }
            self.remove_ue(other);
        }
        self.ids.by_supi.insert(supi.clone().into_boxed_str(), key);
        // TS 33.501 A.7: P0 is the IMSI digits for an IMSI-based SUPI, the NAI otherwise.
        let kdf_supi = supi.strip_prefix("imsi-").unwrap_or(&supi);
        let kamf = kdf::kamf(&Kseaf::new(kseaf.0), kdf_supi, &ABBA);
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        ue.supi = Some(supi.into_boxed_str());
        let _span =
            tracing::info_span!("ue", supi = ue.supi.as_deref().unwrap_or_default()).entered();
        tracing::info!("5G AKA confirmed");
        self.security_mode_command(now, key, aka.ng_ksi, kamf);
    }

    /// AUTHENTICATION FAILURE (TS 24.501 §5.4.1.3.7): #21 with AUTS gets one
    /// re-synchronisation; #20, #26 and the rest end in AUTHENTICATION REJECT.
    pub(crate) fn authentication_failure(
        &mut self,
        _now: Instant,
        key: UeKey,
        f: NasAuthenticationFailure,
    ) {
        let c = f.fgmm_cause.value;
        self.metrics
            .auth_fail
            .get_or_create(&CauseLabel {
                cause: gmm_cause_label(c),
            })
            .inc();
        let Some(ue) = self.ues.get(&key) else {
            return;
        };
        let supi = ue.supi.as_deref().map(str::to_owned);
        if !self.expect_step(key, RegStep::AuthChallenge) {
            return;
        }
        self.timers.stop(key, TimerKind::T3560);
        tracing::warn!(cause = c, "AUTHENTICATION FAILURE");
        let auts: Option<[u8; 14]> = f
            .authentication_failure_parameter
            .as_ref()
            .and_then(|p| p.value.as_ref().try_into().ok());
        let Some(reg) = self.ues.get_mut(&key).and_then(|u| u.registration()) else {
            return;
        };
        match (c, auts, reg.aka.as_mut()) {
            (cause::SYNCH_FAILURE, Some(auts), Some(aka)) if !aka.resync_tried => {
                aka.resync_tried = true;
                let rand = aka.rand;
                let Some(id) = reg.suci.clone().or(supi) else {
                    return;
                };
                tracing::info!("synch failure: re-synchronisation with AUTS");
                let info = AuthenticationInfo {
                    supi_or_suci: id,
                    serving_network_name: self.cfg.serving_network_name.clone(),
                    resynchronization_info: Some(ResynchronizationInfo {
                        rand: rand.into(),
                        auts: auts.into(),
                    }),
                    pei: None,
                    routing_indicator: None,
                    supported_features: None,
                };
                self.send_authenticate(key, info);
            }
            _ => self.authentication_reject(key, gmm_cause_label(c)),
        }
    }

    /// AUTHENTICATION REJECT (TS 24.501 §5.4.1.3.5): the registration fails, the UE's
    /// security context and registration are gone, the NG connection is released.
    pub(crate) fn authentication_reject(&mut self, key: UeKey, label: &'static str) {
        self.metrics.auth_reject.inc();
        self.registration_failed(key, label);
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.secured = false;
        }
        self.send_mm(key, NasAuthenticationReject::new());
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.security = None;
        }
        self.set_rm(key, crate::context::RmState::Deregistered);
        self.release_nas(key, ferrocore_ngap::CauseNas::authentication_failure);
    }
}

/// Equality of two 16-octet values without an early exit.
fn subtle_eq(a: &[u8; 16], b: &[u8; 16]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The stored form of a SecurityContext is in `ferrocore-nas-security`; this keeps the
/// constructor in one place for the security mode module.
pub(crate) fn new_context(
    ng_ksi: u8,
    kamf: ferrocore_crypto::secret::Kamf,
    nia: ferrocore_crypto::NasIntegrityAlgorithm,
    nea: ferrocore_crypto::NasCipheringAlgorithm,
) -> Option<SecurityContext> {
    SecurityContext::new(Side::Network, ng_ksi, kamf, nia, nea).ok()
}
