//! PDU session establishment (TS 23.502 §4.3.2.2.1, TS 24.501 §6.4.1): Create SM
//! Context, the subscription check, the PDU session type, addresses, UPF selection, the
//! N4 session and the accept.

mod n4;
mod subscription;

use std::time::Instant;

use ferrocore_nas::NasMessage;
use ferrocore_nas::ies::epco;
use ferrocore_nas::types::{
    Nas5gsmMessage, NasPduSessionEstablishmentRequest, PduSessionTypeValue, SscModeValue,
};
use ferrocore_sbi::SbiError;
use ferrocore_sbi::nsmf_pdusession::{SmContextCreate, SmContextError, cause as nsmf_cause};
use ferrocore_sbi::nudm_sdm::SmDataQuery;

use crate::context::{PcoWants, PduType, Phase, SmContext, UpState};
use crate::engine::{SbiPurpose, Smf};
use crate::metrics::gsm_cause_label;
use crate::n1n2::{self, cause, pco};
use crate::qos::SessionQos;
use crate::{RequestId, SbiRequest, SmfResponse};

/// A rejection of an establishment: the 5GSM cause for the UE, the HTTP status and
/// application error for the AMF, and the metric label.
struct Reject {
    gsm: u8,
    status: u16,
    app: &'static str,
    detail: String,
}

impl Reject {
    fn new(gsm: u8, status: u16, app: &'static str, detail: impl Into<String>) -> Self {
        Reject {
            gsm,
            status,
            app,
            detail: detail.into(),
        }
    }

    /// #27 "missing or unknown DNN" (TS 24.501 §6.4.1.4.1) with 403 and the
    /// application error `app` (TS 29.502 §6.1.7.3).
    fn dnn(app: &'static str, detail: impl Into<String>) -> Self {
        Reject::new(cause::MISSING_OR_UNKNOWN_DNN, 403, app, detail)
    }
}

/// An interface identifier for the UE's IPv6 link-local address (TS 23.501 §5.8.2.2.3):
/// not all zero, unique per session.
fn interface_identifier(key: u64) -> [u8; 8] {
    let v = key.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    v.to_be_bytes()
}

/// What the UE's extended PCO asks for (TS 24.008 §10.5.6.3 container identifiers).
fn pco_wants(est: &NasPduSessionEstablishmentRequest) -> PcoWants {
    let mut w = PcoWants::default();
    let Some(p) = est
        .extended_protocol_configuration_options
        .as_ref()
        .and_then(|ie| epco(ie, true))
    else {
        return w;
    };
    for e in &p.entries {
        match e.identifier {
            pco::DNS_V4 => w.dns_v4 = true,
            pco::DNS_V6 => w.dns_v6 = true,
            pco::IPV4_LINK_MTU => w.ipv4_mtu = true,
            _ => {}
        }
    }
    w
}

impl Smf {
    /// Create SM Context (TS 29.502 §5.2.2.2; TS 23.502 §4.3.2.2.1 steps 3-4): reads the
    /// PDU SESSION ESTABLISHMENT REQUEST (TS 24.501 §8.3.1), checks what the SMF itself
    /// can tell (DNN served, SSC mode, PDU session identity), then asks the UDM for the
    /// session management subscription of the S-NSSAI.
    pub(crate) fn on_create(&mut self, now: Instant, id: RequestId, req: SmContextCreate) {
        self.metrics.creation.req.inc();
        let d = &req.data;
        let Some(n1) = req.n1_sm_msg.as_deref() else {
            return self.create_failed(
                id,
                "n1_sm_error",
                SbiError::mandatory_ie_missing("n1SmMsg").into(),
            );
        };
        let request = match ferrocore_nas::decode(n1) {
            Ok(NasMessage::Sm(m)) => match m.message {
                Nas5gsmMessage::PduSessionEstablishmentRequest(r) => {
                    Ok((m.pdu_session_id, m.pti, r))
                }
                _ => Err("n1SmMsg is not a PDU SESSION ESTABLISHMENT REQUEST"),
            },
            Ok(_) | Err(_) => Err("n1SmMsg is not a 5GSM message"),
        };
        let (psi_nas, pti, est) = match request {
            Ok(r) => r,
            Err(detail) => {
                let e = SbiError::new(400, nsmf_cause::N1_SM_ERROR, detail);
                return self.create_failed(id, "n1_sm_error", e.into());
            }
        };
        let Some(supi) = d.supi.clone() else {
            return self.create_failed(
                id,
                "supi_missing",
                SbiError::mandatory_ie_missing("supi").into(),
            );
        };
        let psi = d.pdu_session_id.unwrap_or(psi_nas);
        let span = tracing::info_span!("pdu_session", supi = %supi, psi);
        let _e = span.enter();
        if !(1..=15).contains(&psi) {
            return self.reject(
                id,
                psi,
                pti,
                Reject::new(
                    cause::INVALID_PDU_SESSION_IDENTITY,
                    400,
                    nsmf_cause::N1_SM_ERROR,
                    "PDU session ID outside 1..=15",
                ),
            );
        }
        let Some(snssai) = d.s_nssai.clone() else {
            return self.create_failed(
                id,
                "snssai_missing",
                SbiError::mandatory_ie_missing("sNssai").into(),
            );
        };
        let Some(dnn) = d.dnn.clone().or_else(|| d.selected_dnn.clone()) else {
            return self.reject(id, psi, pti, Reject::dnn(nsmf_cause::DNN_DENIED, "no DNN"));
        };
        let Some(dnn_index) = self
            .cfg
            .dnns
            .iter()
            .position(|x| x.config.dnn.eq_ignore_ascii_case(&dnn))
        else {
            return self.reject(
                id,
                psi,
                pti,
                Reject::dnn(
                    nsmf_cause::DNN_NOT_SUPPORTED,
                    format!("DNN {dnn} is not served"),
                ),
            );
        };
        // TS 24.501 §6.4.1.3: only SSC mode 1 here.
        if let Some(m) = est.ssc_mode.as_ref()
            && m.mode() != Some(SscModeValue::Ssc1)
        {
            return self.reject(
                id,
                psi,
                pti,
                Reject::new(
                    cause::NOT_SUPPORTED_SSC_MODE,
                    403,
                    nsmf_cause::SUBSCRIPTION_DENIED,
                    "SSC mode 2 and 3 are not supported",
                ),
            );
        }
        let requested_type = match est.pdu_session_type.as_ref().map(|t| t.session_type()) {
            None => None,
            Some(Some(PduSessionTypeValue::Ipv4)) => Some(PduType::Ipv4),
            Some(Some(PduSessionTypeValue::Ipv6)) => Some(PduType::Ipv6),
            Some(Some(PduSessionTypeValue::Ipv4v6)) => Some(PduType::Ipv4v6),
            Some(_) => {
                return self.reject(
                    id,
                    psi,
                    pti,
                    Reject::new(
                        cause::UNKNOWN_PDU_SESSION_TYPE,
                        403,
                        nsmf_cause::SUBSCRIPTION_DENIED,
                        "only IP PDU session types are served",
                    ),
                );
            }
        };
        let pco = pco_wants(&est);
        // A new session with the PDU session ID of an existing one replaces it
        // (TS 23.502 §4.3.2.2.1 step 3): the old one is released locally.
        if let Some(old) = self.by_session.get(&(supi.clone(), psi)).copied() {
            tracing::info!("a new establishment replaces the SM context of this PDU session ID");
            self.release_locally(now, old);
        }
        let key = self.new_key();
        let sm_context_ref = key.to_string();
        let ctx = SmContext {
            key,
            sm_context_ref: sm_context_ref.clone(),
            supi: supi.clone(),
            psi,
            pti,
            dnn: self.cfg.dnns[dnn_index].config.dnn.clone(),
            snssai: snssai.clone(),
            dnn_index,
            requested_type,
            pdu_type: None,
            type_cause: None,
            pco,
            ipv4: None,
            ipv6_prefix: None,
            ipv6_iid: interface_identifier(key),
            qos: SessionQos::new(
                self.cfg.config.default_5qi,
                self.cfg.config.default_arp_priority,
                self.cfg.config.default_session_ambr_ul,
                self.cfg.config.default_session_ambr_dl,
            ),
            upf: None,
            up_seid: None,
            ul_teid: None,
            an_tunnel: None,
            up: UpState::Deactivated,
            phase: Phase::SubscriptionCheck { request: id },
            paging: false,
            usage_ul: 0,
            usage_dl: 0,
            modification: None,
            release_command: None,
        };
        self.contexts.insert(key, ctx);
        self.by_ref.insert(sm_context_ref, key);
        self.by_session.insert((supi.clone(), psi), key);
        self.metrics.sessions.set(self.contexts.len() as i64);
        let query = SmDataQuery {
            single_nssai: Some(snssai),
            dnn: None,
            plmn_id: None,
            supported_features: None,
        };
        self.sbi(
            key,
            SbiPurpose::SmData,
            SbiRequest::GetSmData { supi, query },
        );
    }

    fn create_failed(&mut self, id: RequestId, label: &'static str, e: SmContextError) {
        self.metrics.creation.fail(label);
        self.respond(id, SmfResponse::Created(Err(e)));
    }

    /// Answers a Create SM Context with PDU SESSION ESTABLISHMENT REJECT (TS 24.501
    /// §6.4.1.4) in the error (TS 29.502 §5.2.2.2.1: `n1SmMsg` of `SmContextCreateError`).
    fn reject(&mut self, id: RequestId, psi: u8, pti: u8, r: Reject) {
        tracing::info!(cause = r.gsm, detail = %r.detail, "PDU SESSION ESTABLISHMENT REJECT");
        self.metrics.creation.fail(gsm_cause_label(r.gsm));
        let error = SbiError::new(r.status, r.app, r.detail);
        let e = match n1n2::establishment_reject(psi, pti, r.gsm) {
            Ok(n1) => SmContextError::with_n1_sm_msg(error, n1),
            Err(e) => {
                tracing::error!(error = %e, "establishment reject does not build");
                error.into()
            }
        };
        self.respond(id, SmfResponse::Created(Err(e)));
    }

    /// Rejects the establishment of context `key` and removes the context.
    fn reject_context(&mut self, key: u64, r: Reject) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let request = match ctx.phase {
            Phase::SubscriptionCheck { request } | Phase::Establishing { request } => request,
            _ => return,
        };
        let (psi, pti) = (ctx.psi, ctx.pti);
        self.remove_context(key);
        self.reject(request, psi, pti, r);
    }
}
