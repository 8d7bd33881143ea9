//! The PDU session procedures: establishment (TS 23.502 §4.3.2.2.1), user plane
//! activation and deactivation (§4.2.3.2, §4.2.6), downlink data notification
//! (§4.2.3.3), release (§4.3.4.2), with the 5GSM side of TS 24.501 §6.3-§6.4 and the
//! Nsmf_PDUSession answers of TS 29.502 §5.2.2.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use ferrocore_nas::NasMessage;
use ferrocore_nas::ies::epco;
use ferrocore_nas::types::{
    Nas5gsmMessage, NasPduSessionEstablishmentRequest, PduSessionTypeValue, SscModeValue,
};
use ferrocore_ngap::GtpTunnel;
use ferrocore_ngap::transfer::{SetupResponseTransfer, Transfer};
use ferrocore_pfcp::ie::Fteid;
use ferrocore_pfcp::message::{SessionDeletionRequest, SessionReportRequest};
use ferrocore_pfcp::{Body, Cause as PfcpCause, Message};
use ferrocore_sbi::common::{PduSessionType as SbiPduType, Snssai, parse_bit_rate};
use ferrocore_sbi::namf_communication::{N1N2MessageTransfer, NgapIeType};
use ferrocore_sbi::nsmf_pdusession::{
    N2SmInfoType, SmContextCreate, SmContextCreated, SmContextCreatedData, SmContextError,
    SmContextRelease, SmContextUpdate, SmContextUpdated, SmContextUpdatedData, UpCnxState,
    cause as nsmf_cause, paths,
};
use ferrocore_sbi::nudm_sdm::{DnnConfiguration, SmDataQuery, SmSubsData};
use ferrocore_sbi::{Created, SbiError};

use crate::context::{PcoWants, PduType, Phase, SmContext, UpState};
use crate::engine::{SbiPurpose, Smf};
use crate::metrics::gsm_cause_label;
use crate::n1n2::{self, cause, pco};
use crate::pfcp_node::{AssociationState, Purpose, SessionOp};
use crate::rules::{self, REPORT_DLDR, REPORT_USAR};
use crate::timers::Timer;
use crate::{Action, RequestId, SbiReply, SbiRequest, SmfResponse};

/// How long a context waits for PDU SESSION RELEASE COMPLETE after the command: T3592
/// (16 s, TS 24.501 §10.3) times its 5 transmissions.
const RELEASE_GUARD: Duration = Duration::from_secs(16 * 5);

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
}

fn sbi_pdu_type(t: &SbiPduType) -> Option<PduType> {
    match t {
        SbiPduType::Ipv4 => Some(PduType::Ipv4),
        SbiPduType::Ipv6 => Some(PduType::Ipv6),
        SbiPduType::Ipv4v6 => Some(PduType::Ipv4v6),
        _ => None,
    }
}

/// The same S-NSSAI (an absent SD and FFFFFF both mean "no SD").
fn same_slice(a: &Snssai, b: &Snssai) -> bool {
    let sd = |s: &Snssai| {
        s.sd.as_ref()
            .map(|h| h.0)
            .filter(|v| *v != [0xff, 0xff, 0xff])
    };
    a.sst == b.sst && sd(a) == sd(b)
}

/// An interface identifier for the UE's IPv6 link-local address (TS 23.501 §5.8.2.2.3):
/// not all zero, unique per session.
fn interface_identifier(key: u64) -> [u8; 8] {
    let v = key.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    v.to_be_bytes()
}

impl Smf {
    fn respond(&mut self, id: RequestId, response: SmfResponse) {
        self.out.push_back(Action::Respond { id, response });
    }

    fn span(ctx: &SmContext) -> tracing::Span {
        tracing::info_span!("pdu_session", supi = %ctx.supi, psi = ctx.psi)
    }

    // ---- establishment ------------------------------------------------------------

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
        let (psi_nas, pti, est) = match ferrocore_nas::decode(n1) {
            Ok(NasMessage::Sm(m)) => match m.message {
                Nas5gsmMessage::PduSessionEstablishmentRequest(r) => (m.pdu_session_id, m.pti, r),
                _ => {
                    return self.create_failed(
                        id,
                        "n1_sm_error",
                        SbiError::new(
                            400,
                            nsmf_cause::N1_SM_ERROR,
                            "n1SmMsg is not a PDU SESSION ESTABLISHMENT REQUEST",
                        )
                        .into(),
                    );
                }
            },
            Ok(_) | Err(_) => {
                return self.create_failed(
                    id,
                    "n1_sm_error",
                    SbiError::new(
                        400,
                        nsmf_cause::N1_SM_ERROR,
                        "n1SmMsg is not a 5GSM message",
                    )
                    .into(),
                );
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
            return self.reject(
                id,
                psi,
                pti,
                Reject::new(
                    cause::MISSING_OR_UNKNOWN_DNN,
                    403,
                    nsmf_cause::DNN_DENIED,
                    "no DNN",
                ),
            );
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
                Reject::new(
                    cause::MISSING_OR_UNKNOWN_DNN,
                    403,
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
            five_qi: self.cfg.config.default_5qi,
            arp_priority: self.cfg.config.default_arp_priority,
            ambr_ul: self.cfg.config.default_session_ambr_ul,
            ambr_dl: self.cfg.config.default_session_ambr_dl,
            upf: None,
            up_seid: None,
            ul_teid: None,
            an_tunnel: None,
            up: UpState::Deactivated,
            phase: Phase::SubscriptionCheck { request: id },
            paging: false,
            usage_ul: 0,
            usage_dl: 0,
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

    pub(crate) fn on_sbi_reply(
        &mut self,
        now: Instant,
        key: u64,
        purpose: SbiPurpose,
        reply: SbiReply,
    ) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let span = Self::span(ctx);
        let _e = span.enter();
        match (purpose, reply) {
            (SbiPurpose::SmData, SbiReply::SmData(r)) => self.on_sm_data(now, key, r),
            (SbiPurpose::Accept, SbiReply::N1N2(Err(e))) => {
                tracing::warn!(error = %e, "N1N2MessageTransfer of the establishment accept failed: session released");
                self.n1n2_failed(&e);
                self.release_locally(now, key);
            }
            (SbiPurpose::Paging, SbiReply::N1N2(r)) => {
                if let Err(e) = r {
                    tracing::info!(error = %e, "paging request not carried out");
                    self.n1n2_failed(&e);
                    if let Some(c) = self.contexts.get_mut(&key) {
                        c.paging = false;
                    }
                }
            }
            (SbiPurpose::Release, SbiReply::N1N2(Err(e))) => {
                // The UE cannot be told: the session is gone on the network side anyway.
                self.n1n2_failed(&e);
                self.remove_context(key);
            }
            (_, SbiReply::N1N2(Ok(_))) => {}
            (p, r) => {
                tracing::error!(purpose = ?p, reply = ?r, "SBI reply of another kind than asked")
            }
        }
    }

    fn n1n2_failed(&self, e: &SbiError) {
        let label = match e.cause() {
            Some("UE_NOT_REACHABLE") => "ue_not_reachable",
            Some("CONTEXT_NOT_FOUND") => "context_not_found",
            Some("TEMPORARY_REJECT_REGISTRATION_ONGOING") => "registration_ongoing",
            Some("TEMPORARY_REJECT_HANDOVER_ONGOING") => "handover_ongoing",
            _ if e.status >= 500 => "amf_failure",
            _ => "other",
        };
        self.metrics
            .n1n2_fail
            .get_or_create(&crate::metrics::CauseLabel { cause: label })
            .inc();
    }

    /// The subscription (TS 23.502 §4.3.2.2.1 step 4): S-NSSAI and DNN subscribed, PDU
    /// session type allowed (TS 23.501 §5.8.2.2.1, TS 24.501 §6.4.1.3), default QoS and
    /// Session-AMBR; then addresses, UPF selection and the N4 session.
    fn on_sm_data(&mut self, now: Instant, key: u64, r: Result<SmSubsData, SbiError>) {
        let list = match r {
            Ok(SmSubsData::List(l)) => l,
            Ok(SmSubsData::Extended(e)) => e.individual_sm_subs_data.unwrap_or_default(),
            Err(e) => {
                self.metrics
                    .sbi_errors
                    .get_or_create(&crate::metrics::CauseLabel {
                        cause: "udm_sm_data",
                    })
                    .inc();
                let rej = match (e.status, e.cause()) {
                    (404, Some("USER_NOT_FOUND")) => Reject::new(
                        cause::USER_AUTHENTICATION_OR_AUTHORIZATION_FAILED,
                        403,
                        nsmf_cause::SUBSCRIPTION_DENIED,
                        "subscriber unknown to the UDM",
                    ),
                    (404, _) => Reject::new(
                        cause::USER_AUTHENTICATION_OR_AUTHORIZATION_FAILED,
                        403,
                        nsmf_cause::SUBSCRIPTION_DENIED,
                        "S-NSSAI not subscribed",
                    ),
                    _ => Reject::new(
                        cause::NETWORK_FAILURE,
                        500,
                        "SYSTEM_FAILURE",
                        format!("UDM: {e}"),
                    ),
                };
                return self.reject_context(key, rej);
            }
        };
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let Some(sub) = list
            .iter()
            .find(|s| same_slice(&s.single_nssai, &ctx.snssai))
        else {
            return self.reject_context(
                key,
                Reject::new(
                    cause::USER_AUTHENTICATION_OR_AUTHORIZATION_FAILED,
                    403,
                    nsmf_cause::SUBSCRIPTION_DENIED,
                    "S-NSSAI not subscribed",
                ),
            );
        };
        let configs = sub.dnn_configurations.as_ref();
        let Some(dc) = configs
            .and_then(|m| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&ctx.dnn))
                    .map(|(_, v)| v)
            })
            .or_else(|| configs.and_then(|m| m.get("*")))
            .cloned()
        else {
            return self.reject_context(
                key,
                Reject::new(
                    cause::MISSING_OR_UNKNOWN_DNN,
                    403,
                    nsmf_cause::DNN_DENIED,
                    format!("DNN {} not subscribed", ctx.dnn),
                ),
            );
        };
        match self.select_type(key, &dc) {
            Ok(()) => {}
            Err(r) => return self.reject_context(key, r),
        }
        let cfg = &self.cfg.config;
        let (d5qi, darp, dul, ddl) = (
            cfg.default_5qi,
            cfg.default_arp_priority,
            cfg.default_session_ambr_ul,
            cfg.default_session_ambr_dl,
        );
        if let Some(ctx) = self.contexts.get_mut(&key) {
            if let Some(q) = &dc.five_g_qos_profile {
                ctx.five_qi = q.five_qi;
                ctx.arp_priority = q.arp.priority_level.clamp(1, 15);
            } else {
                ctx.five_qi = d5qi;
                ctx.arp_priority = darp;
            }
            if let Some(a) = &dc.session_ambr {
                ctx.ambr_ul = parse_bit_rate(&a.uplink).unwrap_or(dul);
                ctx.ambr_dl = parse_bit_rate(&a.downlink).unwrap_or(ddl);
            }
        }
        if let Err(r) = self.allocate_addresses(key) {
            return self.reject_context(key, r);
        }
        let Some(upf) = self.select_upf(key) else {
            return self.reject_context(
                key,
                Reject::new(
                    cause::INSUFFICIENT_RESOURCES,
                    500,
                    nsmf_cause::UPF_NOT_RESPONDING,
                    "no associated UPF serves this DNN and slice",
                ),
            );
        };
        self.establish(now, key, upf);
    }

    /// The PDU session type (TS 24.501 §6.4.1.3, TS 23.501 §5.8.2.2.1): what the UE asked
    /// for (or the subscription's default), narrowed to what the subscription allows and
    /// the DNN has pools for; IPv4v6 narrowed to one family is accepted with #50 / #51.
    fn select_type(&mut self, key: u64, dc: &DnnConfiguration) -> Result<(), Reject> {
        let Some(ctx) = self.contexts.get(&key) else {
            return Ok(());
        };
        let dnn = &self.cfg.dnns[ctx.dnn_index];
        let types = &dc.pdu_session_types;
        let mut allowed: Vec<PduType> = types
            .allowed_session_types
            .iter()
            .flatten()
            .chain(types.default_session_type.iter())
            .filter_map(sbi_pdu_type)
            .collect();
        if allowed.is_empty()
            && types.allowed_session_types.is_none()
            && types.default_session_type.is_none()
        {
            allowed = vec![PduType::Ipv4, PduType::Ipv6, PduType::Ipv4v6];
        }
        let can4 = dnn.ipv4.is_some() && allowed.iter().any(|t| t.has_v4());
        let can6 = dnn.ipv6.is_some() && allowed.iter().any(|t| t.has_v6());
        let requested = ctx
            .requested_type
            .or_else(|| types.default_session_type.as_ref().and_then(sbi_pdu_type))
            .unwrap_or(PduType::Ipv4v6);
        let refuse = |why: &str| {
            Reject::new(
                cause::UNKNOWN_PDU_SESSION_TYPE,
                403,
                nsmf_cause::SUBSCRIPTION_DENIED,
                why.to_string(),
            )
        };
        let (t, c) = match requested {
            PduType::Ipv4v6 => match (can4, can6) {
                (true, true) => (PduType::Ipv4v6, None),
                (true, false) => (PduType::Ipv4, Some(cause::IPV4_ONLY_ALLOWED)),
                (false, true) => (PduType::Ipv6, Some(cause::IPV6_ONLY_ALLOWED)),
                (false, false) => return Err(refuse("no IP PDU session type allowed")),
            },
            PduType::Ipv4 if can4 => (PduType::Ipv4, None),
            PduType::Ipv4 if can6 => {
                return Err(Reject::new(
                    cause::IPV6_ONLY_ALLOWED,
                    403,
                    nsmf_cause::SUBSCRIPTION_DENIED,
                    "IPv4 not allowed",
                ));
            }
            PduType::Ipv6 if can6 => (PduType::Ipv6, None),
            PduType::Ipv6 if can4 => {
                return Err(Reject::new(
                    cause::IPV4_ONLY_ALLOWED,
                    403,
                    nsmf_cause::SUBSCRIPTION_DENIED,
                    "IPv6 not allowed",
                ));
            }
            _ => return Err(refuse("PDU session type not allowed")),
        };
        if let Some(ctx) = self.contexts.get_mut(&key) {
            ctx.pdu_type = Some(t);
            ctx.type_cause = c;
        }
        Ok(())
    }

    /// UE addresses from the DNN's pools (TS 23.501 §5.8.2.2): an IPv4 address, a /64
    /// IPv6 prefix (the UE learns it from the UPF's Router Advertisement and forms its
    /// address with the interface identifier of the PDU address), or both.
    fn allocate_addresses(&mut self, key: u64) -> Result<(), Reject> {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return Ok(());
        };
        let t = ctx.pdu_type.unwrap_or(PduType::Ipv4);
        let dnn = &mut self.cfg.dnns[ctx.dnn_index];
        let exhausted = || {
            Reject::new(
                cause::INSUFFICIENT_RESOURCES,
                500,
                "INSUFFICIENT_RESOURCES",
                "address pool exhausted",
            )
        };
        if t.has_v4() {
            match dnn.ipv4.as_mut().and_then(|p| p.allocate()) {
                Some(a) => ctx.ipv4 = Some(a),
                None => return Err(exhausted()),
            }
        }
        if t.has_v6() {
            match dnn.ipv6.as_mut().and_then(|p| p.allocate()) {
                Some(a) => ctx.ipv6_prefix = Some(a),
                None => {
                    // The IPv4 address (if any) goes back with the context.
                    return Err(exhausted());
                }
            }
        }
        self.update_pool_gauges();
        Ok(())
    }

    /// UPF selection (TS 23.501 §6.3.3): the first associated UPF serving the DNN and the
    /// S-NSSAI, fewest sessions first.
    fn select_upf(&self, key: u64) -> Option<usize> {
        let ctx = self.contexts.get(&key)?;
        let sd = ctx
            .snssai
            .sd
            .as_ref()
            .map(|h| u32::from_be_bytes([0, h.0[0], h.0[1], h.0[2]]))
            .filter(|v| *v != 0x00ff_ffff);
        self.pfcp
            .upfs
            .iter()
            .enumerate()
            .filter(|(_, u)| u.state == AssociationState::Up)
            .filter(|(_, u)| {
                u.config.dnns.is_empty()
                    || u.config
                        .dnns
                        .iter()
                        .any(|d| d.eq_ignore_ascii_case(&ctx.dnn))
            })
            .filter(|(_, u)| {
                u.config.slices.is_empty()
                    || u.config
                        .slices
                        .iter()
                        .any(|s| s.sst == ctx.snssai.sst && s.sd_value() == sd)
            })
            .min_by_key(|(_, u)| u.sessions.len())
            .map(|(i, _)| i)
    }

    /// N4 Session Establishment (TS 23.502 §4.3.2.2.1 step 10a, TS 29.244 §7.5.2).
    fn establish(&mut self, now: Instant, key: u64, upf: usize) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let Phase::SubscriptionCheck { request } = ctx.phase else {
            return;
        };
        ctx.phase = Phase::Establishing { request };
        ctx.upf = Some(upf);
        let cfg = &self.cfg.config;
        let req = rules::establishment(
            &self.local,
            ctx,
            cfg.usage_volume_threshold,
            cfg.usage_period_secs,
        );
        self.pfcp.upfs[upf].sessions.insert(key);
        let to = self.pfcp.upfs[upf].config.address;
        let op = Purpose::Session {
            key,
            op: SessionOp::Establish,
        };
        if !self.pfcp_request(now, to, Some(0), req, op) {
            self.reject_context(
                key,
                Reject::new(
                    cause::NETWORK_FAILURE,
                    500,
                    "SYSTEM_FAILURE",
                    "N4 request does not encode",
                ),
            );
        }
    }

    /// The answer to a session request of context `key`, or `None` when given up.
    pub(crate) fn on_session_answer(
        &mut self,
        now: Instant,
        key: u64,
        op: SessionOp,
        answer: Option<Message>,
    ) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let span = Self::span(ctx);
        let _e = span.enter();
        let body = answer.map(|m| m.body);
        match op {
            SessionOp::Establish => self.on_established(now, key, body),
            SessionOp::Modify => self.on_modified(key, body),
            SessionOp::Delete => {
                match &body {
                    Some(Body::SessionDeletionResponse(r)) => {
                        self.account_usage(key, &r.usage_reports);
                        if !r.cause.is_accepted() {
                            self.pfcp_rejected(r.cause);
                        }
                    }
                    _ => tracing::warn!(
                        "no PFCP Session Deletion Response: the session is considered gone"
                    ),
                }
                if let Some(c) = self.contexts.get_mut(&key) {
                    c.up_seid = None;
                }
                self.on_deleted(now, key);
            }
        }
    }

    fn pfcp_rejected(&self, c: PfcpCause) {
        let label = match c {
            PfcpCause::SESSION_CONTEXT_NOT_FOUND => "session_context_not_found",
            PfcpCause::NO_RESOURCES_AVAILABLE => "no_resources_available",
            PfcpCause::ALL_DYNAMIC_ADDRESSES_OCCUPIED => "all_dynamic_addresses_occupied",
            PfcpCause::NO_ESTABLISHED_PFCP_ASSOCIATION => "no_established_pfcp_association",
            PfcpCause::RULE_CREATION_MODIFICATION_FAILURE => "rule_creation_modification_failure",
            PfcpCause::MANDATORY_IE_MISSING => "mandatory_ie_missing",
            PfcpCause::MANDATORY_IE_INCORRECT => "mandatory_ie_incorrect",
            _ => "other",
        };
        self.metrics
            .pfcp_rejected
            .get_or_create(&crate::metrics::CauseLabel { cause: label })
            .inc();
    }

    /// N4 session established (step 10b): 201 to the AMF, then N1N2MessageTransfer with
    /// the PDU SESSION ESTABLISHMENT ACCEPT and the PDU Session Resource Setup Request
    /// Transfer (TS 23.502 §4.3.2.2.1 steps 11).
    fn on_established(&mut self, now: Instant, key: u64, body: Option<Body>) {
        let upf_lost = || {
            Reject::new(
                cause::INSUFFICIENT_RESOURCES,
                504,
                nsmf_cause::UPF_NOT_RESPONDING,
                "the UPF did not answer",
            )
        };
        let r = match body {
            Some(Body::SessionEstablishmentResponse(r)) => r,
            _ => return self.reject_context(key, upf_lost()),
        };
        if !r.cause.is_accepted() {
            self.pfcp_rejected(r.cause);
            return self.reject_context(
                key,
                Reject::new(
                    cause::INSUFFICIENT_RESOURCES,
                    500,
                    "INSUFFICIENT_RESOURCES",
                    format!("UPF refused the session: {}", r.cause),
                ),
            );
        }
        let ul = r
            .created_pdrs
            .iter()
            .find(|p| p.pdr_id == rules::PDR_UL)
            .and_then(|p| match &p.local_fteid {
                Some(Fteid::Assigned { teid, ipv4, ipv6 }) => ipv4
                    .map(IpAddr::V4)
                    .or(ipv6.map(IpAddr::V6))
                    .map(|a| (*teid, a)),
                _ => None,
            });
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let Phase::Establishing { request } = ctx.phase else {
            return;
        };
        ctx.up_seid = r.up_fseid.as_ref().map(|f| f.seid);
        ctx.ul_teid = ul;
        if ctx.up_seid.is_none() || ul.is_none() {
            tracing::error!("UPF accepted the session without F-SEID or UL F-TEID");
            self.delete_on_upf(now, key);
            return self.reject_context(
                key,
                Reject::new(
                    cause::NETWORK_FAILURE,
                    500,
                    "SYSTEM_FAILURE",
                    "UPF answer without F-SEID or F-TEID",
                ),
            );
        }
        let dnn = &self.cfg.dnns[ctx.dnn_index].config;
        let built = n1n2::establishment_accept(ctx, dnn)
            .and_then(|n1| Ok((n1, n1n2::setup_request_transfer(ctx)?)));
        let (n1, n2) = match built {
            Ok(x) => x,
            Err(e) => {
                tracing::error!(error = %e, "establishment accept does not build");
                self.delete_on_upf(now, key);
                return self.reject_context(
                    key,
                    Reject::new(cause::NETWORK_FAILURE, 500, "SYSTEM_FAILURE", e.to_string()),
                );
            }
        };
        ctx.phase = Phase::Ready;
        ctx.up = UpState::Activating;
        let (psi, supi, snssai) = (ctx.psi, ctx.supi.clone(), ctx.snssai.clone());
        tracing::info!(ipv4 = ?ctx.ipv4, ipv6 = ?ctx.ipv6_address(), ul_teid = ?ctx.ul_teid, "PDU session established");
        let location = format!(
            "{}{}",
            self.cfg.config.api_root.trim_end_matches('/'),
            paths::sm_context(&ctx.sm_context_ref)
        );
        let created = SmContextCreated::new(
            SmContextCreatedData {
                s_nssai: Some(snssai.clone()),
                ..Default::default()
            },
            None,
        );
        self.metrics.creation.succ.inc();
        self.respond(
            request,
            SmfResponse::Created(Ok(Created {
                location,
                body: created,
            })),
        );
        let mut transfer =
            N1N2MessageTransfer::sm(psi, Some(n1), Some((NgapIeType::PduResSetupReq, n2)));
        if let Some(sm) = transfer
            .data
            .n2_info_container
            .as_mut()
            .and_then(|c| c.sm_info.as_mut())
        {
            sm.s_nssai = Some(snssai);
        }
        self.sbi(
            key,
            SbiPurpose::Accept,
            SbiRequest::N1N2Transfer {
                ue_context_id: supi,
                transfer,
            },
        );
    }

    /// Sends PFCP Session Deletion for the context's N4 session, if there is one.
    fn delete_on_upf(&mut self, now: Instant, key: u64) -> bool {
        let Some(ctx) = self.contexts.get(&key) else {
            return false;
        };
        let (Some(seid), Some(upf)) = (ctx.up_seid, ctx.upf) else {
            return false;
        };
        let Some(u) = self.pfcp.upfs.get(upf) else {
            return false;
        };
        if u.state != AssociationState::Up {
            return false;
        }
        let to = u.config.address;
        self.pfcp_request(
            now,
            to,
            Some(seid),
            SessionDeletionRequest,
            Purpose::Session {
                key,
                op: SessionOp::Delete,
            },
        )
    }

    /// Answers a held Nsmf request of the context with an error (its procedure is cut
    /// short by a release or a lost UPF).
    fn abort_pending(&mut self, key: u64) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let e = || SbiError::system_failure("the PDU session was released meanwhile");
        match ctx.phase.clone() {
            Phase::SubscriptionCheck { request } | Phase::Establishing { request } => {
                self.metrics.creation.fail("released_during_establishment");
                self.respond(request, SmfResponse::Created(Err(e().into())));
            }
            Phase::Modifying { request, .. } | Phase::ReleasingForUpdate { request, .. } => {
                self.respond(request, SmfResponse::Updated(Err(e().into())));
            }
            Phase::ReleasingForAmf { request } => {
                self.respond(request, SmfResponse::Released(Ok(())))
            }
            Phase::Ready | Phase::ReleasingByNetwork { .. } | Phase::ReleaseCommanded => {}
        }
        if let Some(c) = self.contexts.get_mut(&key) {
            c.phase = Phase::Ready;
        }
    }

    /// Ends a session without telling the UE: N4 deletion (its answer finds no context)
    /// and the context removed at once.
    pub(crate) fn release_locally(&mut self, now: Instant, key: u64) {
        self.abort_pending(key);
        self.delete_on_upf(now, key);
        self.remove_context(key);
    }

    // ---- update -------------------------------------------------------------------

    fn update_answer(
        &mut self,
        id: RequestId,
        r: Result<Option<SmContextUpdated>, SmContextError>,
    ) {
        self.respond(id, SmfResponse::Updated(r));
    }

    fn updated(state: UpCnxState) -> SmContextUpdated {
        SmContextUpdated::new(
            SmContextUpdatedData {
                up_cnx_state: Some(state),
                ..Default::default()
            },
            None,
            None,
        )
    }

    /// Update SM Context (TS 29.502 §5.2.2.3): an N1 SM message from the UE, N2 SM
    /// information from the gNB, or a change of the user plane state.
    pub(crate) fn on_update(
        &mut self,
        now: Instant,
        id: RequestId,
        sm_context_ref: &str,
        upd: SmContextUpdate,
    ) {
        let Some(&key) = self.by_ref.get(sm_context_ref) else {
            return self.update_answer(id, Err(unknown_sm_context(sm_context_ref).into()));
        };
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let span = Self::span(ctx);
        let _e = span.enter();
        let releasing = ctx.phase == Phase::ReleaseCommanded;
        if ctx.phase != Phase::Ready && !releasing {
            return self.update_answer(
                id,
                Err(
                    SbiError::system_failure("another procedure of this PDU session is under way")
                        .into(),
                ),
            );
        }
        if let Some(n1) = upd.n1_sm_msg.as_deref() {
            return self.update_n1(now, id, key, n1);
        }
        if let Some(t) = upd.data.n2_sm_info_type.clone() {
            return self.update_n2(now, id, key, t, upd.n2_sm_info.as_deref());
        }
        if releasing {
            return self.update_answer(id, Ok(None));
        }
        if upd.data.release == Some(true) {
            // The AMF asks for the release (e.g. slice no longer allowed): network
            // requested, the command rides on the answer.
            self.metrics.release_nw.inc();
            return self.release_for_update(now, id, key, 0);
        }
        match upd.data.up_cnx_state {
            Some(UpCnxState::Deactivated) => self.deactivate(now, id, key),
            Some(UpCnxState::Activating) => self.activating(id, key),
            _ => self.update_answer(id, Ok(None)),
        }
    }

    fn update_n1(&mut self, now: Instant, id: RequestId, key: u64, n1: &[u8]) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let (psi, releasing) = (ctx.psi, ctx.phase == Phase::ReleaseCommanded);
        let sm = match ferrocore_nas::decode(n1) {
            Ok(NasMessage::Sm(m)) => m,
            _ => {
                return self.update_answer(
                    id,
                    Err(SbiError::new(
                        400,
                        nsmf_cause::N1_SM_ERROR,
                        "n1SmMsg is not a 5GSM message",
                    )
                    .into()),
                );
            }
        };
        match sm.message {
            Nas5gsmMessage::PduSessionReleaseRequest(_) if !releasing => {
                // UE-requested release (TS 23.502 §4.3.4.2 step 1a, TS 24.501 §6.4.3).
                tracing::info!("PDU SESSION RELEASE REQUEST");
                self.metrics.release_ue.inc();
                self.release_for_update(now, id, key, sm.pti);
            }
            Nas5gsmMessage::PduSessionReleaseComplete(_) => {
                // TS 23.502 §4.3.4.2 steps 9-10: the UE's part is done.
                tracing::info!("PDU SESSION RELEASE COMPLETE: context removed");
                self.remove_context(key);
                self.update_answer(id, Ok(None));
            }
            Nas5gsmMessage::FiveGsmStatus(s) => {
                tracing::info!(cause = s.fgsm_cause.value, "5GSM STATUS from the UE");
                self.update_answer(id, Ok(None));
            }
            other => {
                // TS 24.501 §7.4: a message this SMF does not handle here.
                tracing::info!(message = ?std::mem::discriminant(&other), "5GSM message not handled: 5GSM STATUS #98");
                let n1 = n1n2::gsm_status(psi, sm.pti, cause::MESSAGE_TYPE_NOT_COMPATIBLE).ok();
                self.update_answer(
                    id,
                    Ok(Some(SmContextUpdated::new(
                        SmContextUpdatedData::default(),
                        n1,
                        None,
                    ))),
                );
            }
        }
    }

    fn update_n2(
        &mut self,
        now: Instant,
        id: RequestId,
        key: u64,
        t: N2SmInfoType,
        n2: Option<&[u8]>,
    ) {
        match t {
            N2SmInfoType::PduResSetupRsp => {
                let Some(tr) = n2.and_then(|b| SetupResponseTransfer::decode(b).ok()) else {
                    return self.update_answer(
                        id,
                        Err(SbiError::new(
                            400,
                            nsmf_cause::N2_SM_ERROR,
                            "no readable PDU Session Resource Setup Response Transfer",
                        )
                        .into()),
                    );
                };
                self.activate(now, id, key, tr.dl_tunnel);
            }
            N2SmInfoType::PduResSetupFail => {
                tracing::info!("the gNB could not set the session up: user plane deactivated");
                self.deactivate(now, id, key);
            }
            N2SmInfoType::PduResRelRsp => self.update_answer(id, Ok(None)),
            other => {
                tracing::debug!(n2 = ?other, "N2 SM information not acted on");
                self.update_answer(id, Ok(None));
            }
        }
    }

    /// The gNB's DL tunnel is known (TS 23.502 §4.3.2.2.1 steps 14-16, §4.2.3.2 steps
    /// 15-17): the DL FAR forwards to it.
    fn activate(&mut self, now: Instant, id: RequestId, key: u64, tunnel: GtpTunnel) {
        self.metrics.modification.req.inc();
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        ctx.an_tunnel = Some((tunnel.teid, tunnel.addr));
        ctx.paging = false;
        ctx.phase = Phase::Modifying {
            request: id,
            target: UpState::Activated,
        };
        self.modify(now, key, rules::activate(&tunnel));
    }

    /// AN release (TS 23.502 §4.2.6 steps 5-7): the DL FAR buffers and notifies.
    fn deactivate(&mut self, now: Instant, id: RequestId, key: u64) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        if ctx.up == UpState::Deactivated {
            return self.update_answer(id, Ok(Some(Self::updated(UpCnxState::Deactivated))));
        }
        self.metrics.modification.req.inc();
        ctx.phase = Phase::Modifying {
            request: id,
            target: UpState::Deactivated,
        };
        self.modify(now, key, rules::deactivate());
    }

    fn modify(
        &mut self,
        now: Instant,
        key: u64,
        req: ferrocore_pfcp::message::SessionModificationRequest,
    ) {
        let target = self
            .contexts
            .get(&key)
            .and_then(|c| Some((c.up_seid?, c.upf?)));
        let to = target
            .and_then(|(_, u)| self.pfcp.upfs.get(u))
            .filter(|u| u.state == AssociationState::Up)
            .map(|u| u.config.address);
        let sent = match (target, to) {
            (Some((seid, _)), Some(to)) => self.pfcp_request(
                now,
                to,
                Some(seid),
                req,
                Purpose::Session {
                    key,
                    op: SessionOp::Modify,
                },
            ),
            _ => false,
        };
        if !sent {
            self.on_modified(key, None);
        }
    }

    fn on_modified(&mut self, key: u64, body: Option<Body>) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let Phase::Modifying { request, target } = ctx.phase.clone() else {
            return;
        };
        ctx.phase = Phase::Ready;
        match body {
            Some(Body::SessionModificationResponse(r)) if r.cause.is_accepted() => {
                ctx.up = target;
                if target == UpState::Deactivated {
                    ctx.an_tunnel = None;
                }
                self.account_usage(key, &r.usage_reports);
                self.metrics.modification.succ.inc();
                let state = match target {
                    UpState::Activated => UpCnxState::Activated,
                    UpState::Activating => UpCnxState::Activating,
                    UpState::Deactivated => UpCnxState::Deactivated,
                };
                tracing::info!(up = ?target, "user plane updated");
                self.update_answer(request, Ok(Some(Self::updated(state))));
            }
            Some(Body::SessionModificationResponse(r)) => {
                self.pfcp_rejected(r.cause);
                self.metrics.modification.fail("upf_rejected");
                self.update_answer(
                    request,
                    Err(SbiError::system_failure(format!(
                        "UPF refused the modification: {}",
                        r.cause
                    ))
                    .into()),
                );
            }
            _ => {
                self.metrics.modification.fail("upf_not_responding");
                self.update_answer(
                    request,
                    Err(SbiError::new(
                        504,
                        nsmf_cause::UPF_NOT_RESPONDING,
                        "the UPF did not answer",
                    )
                    .into()),
                );
            }
        }
    }

    /// Service Request (TS 23.502 §4.2.3.2 step 4; TS 29.502 §5.2.2.3.2.2): the N2 SM
    /// information for the gNB again, the state ACTIVATING.
    fn activating(&mut self, id: RequestId, key: u64) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        match n1n2::setup_request_transfer(ctx) {
            Ok(n2) => {
                ctx.up = UpState::Activating;
                ctx.paging = false;
                let mut u = SmContextUpdatedData {
                    up_cnx_state: Some(UpCnxState::Activating),
                    ..Default::default()
                };
                u.n2_sm_info_type = Some(N2SmInfoType::PduResSetupReq);
                self.update_answer(id, Ok(Some(SmContextUpdated::new(u, None, Some(n2)))));
            }
            Err(e) => self.update_answer(id, Err(SbiError::system_failure(e.to_string()).into())),
        }
    }

    // ---- release ------------------------------------------------------------------

    /// A release answered on the Update SM Context (UE-requested, or asked by the AMF):
    /// N4 deletion first (TS 23.502 §4.3.4.2 step 2), then the command (step 3).
    fn release_for_update(&mut self, now: Instant, id: RequestId, key: u64, pti: u8) {
        if let Some(c) = self.contexts.get_mut(&key) {
            c.phase = Phase::ReleasingForUpdate { request: id, pti };
        }
        if !self.delete_on_upf(now, key) {
            self.on_deleted(now, key);
        }
    }

    /// Release SM Context (TS 29.502 §5.2.2.4; TS 23.502 §4.3.4.2 step 1b/1c): the AMF
    /// ends the session without NAS (e.g. deregistration): N4 deletion, then 204.
    pub(crate) fn on_release(
        &mut self,
        now: Instant,
        id: RequestId,
        sm_context_ref: &str,
        _release: SmContextRelease,
    ) {
        let Some(&key) = self.by_ref.get(sm_context_ref) else {
            return self.respond(
                id,
                SmfResponse::Released(Err(unknown_sm_context(sm_context_ref))),
            );
        };
        if let Some(ctx) = self.contexts.get(&key) {
            let span = Self::span(ctx);
            let _e = span.enter();
            tracing::info!("Release SM Context");
        }
        self.metrics.release_amf.inc();
        self.abort_pending(key);
        if let Some(c) = self.contexts.get_mut(&key) {
            c.phase = Phase::ReleasingForAmf { request: id };
        }
        if !self.delete_on_upf(now, key) {
            self.on_deleted(now, key);
        }
    }

    /// Network-requested release (TS 23.502 §4.3.4.2, SMF-initiated): N4 deletion when
    /// `via_n4`, then the PDU SESSION RELEASE COMMAND through N1N2MessageTransfer.
    pub(crate) fn network_release(&mut self, now: Instant, key: u64, gsm_cause: u8, via_n4: bool) {
        self.metrics.release_nw.inc();
        self.abort_pending(key);
        if let Some(c) = self.contexts.get_mut(&key) {
            c.phase = Phase::ReleasingByNetwork { cause: gsm_cause };
        }
        if !(via_n4 && self.delete_on_upf(now, key)) {
            self.on_deleted(now, key);
        }
    }

    /// The UPF lost the session (it restarted): released towards the UE with #39
    /// reactivation requested, so that it sets the session up again (TS 23.527 §4.2.4).
    pub(crate) fn upf_lost_session(&mut self, now: Instant, key: u64) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        ctx.up_seid = None;
        let span = Self::span(ctx);
        let _e = span.enter();
        tracing::info!("session lost with its UPF: released");
        match ctx.phase {
            Phase::SubscriptionCheck { .. } | Phase::Establishing { .. } => {
                self.abort_pending(key);
                self.remove_context(key);
            }
            Phase::ReleaseCommanded | Phase::ReleasingByNetwork { .. } => {}
            _ => self.network_release(now, key, cause::REACTIVATION_REQUESTED, false),
        }
    }

    /// The N4 session is gone: what comes next depends on who asked for the release.
    fn on_deleted(&mut self, now: Instant, key: u64) {
        self.free_addresses(key);
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let with_n2 = matches!(ctx.up, UpState::Activated | UpState::Activating);
        let psi = ctx.psi;
        match ctx.phase.clone() {
            Phase::ReleasingForUpdate { request, pti } => {
                let n1 = n1n2::release_command(psi, pti, cause::REGULAR_DEACTIVATION);
                let n2 = if with_n2 {
                    n1n2::release_command_transfer().map(Some)
                } else {
                    Ok(None)
                };
                match (n1, n2) {
                    (Ok(n1), Ok(n2)) => {
                        let data = SmContextUpdatedData {
                            up_cnx_state: Some(UpCnxState::Deactivated),
                            n2_sm_info_type: n2.as_ref().map(|_| N2SmInfoType::PduResRelCmd),
                            ..Default::default()
                        };
                        self.commanded(now, key);
                        self.update_answer(
                            request,
                            Ok(Some(SmContextUpdated::new(data, Some(n1), n2))),
                        );
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        tracing::error!(error = %e, "release command does not build");
                        self.remove_context(key);
                        self.update_answer(
                            request,
                            Err(SbiError::system_failure(e.to_string()).into()),
                        );
                    }
                }
            }
            Phase::ReleasingForAmf { request } => {
                self.remove_context(key);
                self.respond(request, SmfResponse::Released(Ok(())));
            }
            Phase::ReleasingByNetwork { cause: c } => {
                let n1 = n1n2::release_command(psi, 0, c);
                let n2 = if with_n2 {
                    n1n2::release_command_transfer().map(Some)
                } else {
                    Ok(None)
                };
                match (n1, n2) {
                    (Ok(n1), Ok(n2)) => {
                        let supi = ctx.supi.clone();
                        let transfer = N1N2MessageTransfer::sm(
                            psi,
                            Some(n1),
                            n2.map(|b| (NgapIeType::PduResRelCmd, b)),
                        );
                        self.commanded(now, key);
                        self.sbi(
                            key,
                            SbiPurpose::Release,
                            SbiRequest::N1N2Transfer {
                                ue_context_id: supi,
                                transfer,
                            },
                        );
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        tracing::error!(error = %e, "release command does not build");
                        self.remove_context(key);
                    }
                }
            }
            _ => {}
        }
    }

    fn commanded(&mut self, now: Instant, key: u64) {
        if let Some(c) = self.contexts.get_mut(&key) {
            c.phase = Phase::ReleaseCommanded;
            c.up = UpState::Deactivated;
            c.an_tunnel = None;
        }
        self.timers
            .start(now + RELEASE_GUARD, Timer::ReleaseGuard(key));
    }

    // ---- reports ------------------------------------------------------------------

    /// PFCP Session Report Request (TS 29.244 §7.5.8; TS 23.502 §4.2.3.3 steps 2-3): usage
    /// reports counted; a downlink data report of an idle session becomes an
    /// N1N2MessageTransfer with the N2 SM information only, so that the AMF pages the UE.
    /// Gives the Cause and the UPF's SEID for the answer.
    pub(crate) fn on_session_report(
        &mut self,
        _now: Instant,
        seid: u64,
        r: SessionReportRequest,
    ) -> (PfcpCause, u64) {
        let Some(ctx) = self.contexts.get(&seid) else {
            return (PfcpCause::SESSION_CONTEXT_NOT_FOUND, 0);
        };
        let span = Self::span(ctx);
        let _e = span.enter();
        let peer = ctx.up_seid.unwrap_or(0);
        if r.report_type & REPORT_USAR != 0 {
            self.account_usage(seid, &r.usage_reports);
        }
        if r.report_type & REPORT_DLDR != 0 {
            self.metrics.dl_data_reports.inc();
            let Some(ctx) = self.contexts.get_mut(&seid) else {
                return (PfcpCause::REQUEST_ACCEPTED, peer);
            };
            if ctx.up == UpState::Deactivated && !ctx.paging && ctx.phase == Phase::Ready {
                match n1n2::setup_request_transfer(ctx) {
                    Ok(n2) => {
                        ctx.paging = true;
                        tracing::info!(
                            "downlink data for an idle UE: N1N2MessageTransfer (N2 only) to page it"
                        );
                        let mut transfer = N1N2MessageTransfer::sm(
                            ctx.psi,
                            None,
                            Some((NgapIeType::PduResSetupReq, n2)),
                        );
                        transfer.data.five_qi = Some(ctx.five_qi);
                        if let Some(sm) = transfer
                            .data
                            .n2_info_container
                            .as_mut()
                            .and_then(|c| c.sm_info.as_mut())
                        {
                            sm.s_nssai = Some(ctx.snssai.clone());
                        }
                        let supi = ctx.supi.clone();
                        self.sbi(
                            seid,
                            SbiPurpose::Paging,
                            SbiRequest::N1N2Transfer {
                                ue_context_id: supi,
                                transfer,
                            },
                        );
                    }
                    Err(e) => tracing::error!(error = %e, "N2 SM information does not build"),
                }
            } else {
                tracing::info!(up = ?ctx.up, paging = ctx.paging, phase = ?ctx.phase, "downlink data report: no paging needed");
            }
        }
        (PfcpCause::REQUEST_ACCEPTED, peer)
    }

    fn account_usage(&mut self, key: u64, reports: &[ferrocore_pfcp::ie::UsageReport]) {
        for u in reports {
            self.metrics.usage_reports.inc();
            let Some(v) = &u.volume_measurement else {
                continue;
            };
            let (ul, dl) = (v.uplink.unwrap_or(0), v.downlink.unwrap_or(0));
            self.metrics.usage_ul_octets.inc_by(ul);
            self.metrics.usage_dl_octets.inc_by(dl);
            if let Some(c) = self.contexts.get_mut(&key) {
                c.usage_ul = c.usage_ul.saturating_add(ul);
                c.usage_dl = c.usage_dl.saturating_add(dl);
            }
        }
    }
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

/// 404 `CONTEXT_NOT_FOUND` for an `smContextRef` the SMF does not hold (Update and
/// Release SM Context).
fn unknown_sm_context(sm_context_ref: &str) -> SbiError {
    SbiError::context_not_found(format!("no SM context {sm_context_ref}"))
}
