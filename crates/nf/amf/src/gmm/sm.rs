//! The AMF's part in session management: transport of 5GSM messages (TS 24.501 §5.4.5),
//! routing by PDU session ID to the SMF over Nsmf_PDUSession (TS 29.502, TS 23.502
//! §4.3.2.2.1), the relay of N2 SM information to and from the NG-RAN (TS 38.413 §8.2)
//! and the PDU session routing contexts kept per UE ([`crate::context::PduSession`]).

use std::time::Instant;

use ferrocore_nas::NasMessage;
use ferrocore_nas::ies::Snssai as NasSnssai;
use ferrocore_nas::types::{
    NasDlNasTransport, NasFGmmCause, NasPayloadContainer, NasPayloadContainerType,
    NasPduSessionIdentity2, NasUlNasTransport, PayloadContainerKind, RequestTypeValue,
};
use ferrocore_sbi::common::{AccessType, Guami, PlmnIdNid, RatType, Snssai as SbiSnssai};
use ferrocore_sbi::hex::Hex;
use ferrocore_sbi::nsmf_pdusession::{
    self as nsmf, N2SmInfoType, RequestType, SmContextCreate, SmContextCreateData, SmContextError,
    SmContextRelease, SmContextReleaseData, SmContextUpdate, SmContextUpdateData, SmContextUpdated,
    UpCnxState,
};

use super::cause;
use crate::config::Slice;
use crate::context::{N2Kind, PduSession, PendingSm, UeKey};
use crate::engine::Amf;
use crate::metrics::{CauseLabel, gmm_cause_label};
use crate::ngap_interface::ngap_snssai;
use crate::ngap_sm::{self, ModifyItem, SetupItem};
use crate::{SbiReply, SbiRequest, TxnId};

/// 5GMM causes of the transport of 5GSM messages (TS 24.501 §9.11.3.2).
pub mod sm_cause {
    /// #90 Payload was not forwarded.
    pub const PAYLOAD_NOT_FORWARDED: u8 = 90;
    /// #91 DNN not supported or not subscribed in the slice.
    pub const DNN_NOT_SUPPORTED: u8 = 91;
}

/// 5GSM message type of PDU SESSION RELEASE COMPLETE (TS 24.501 §9.7).
const PDU_SESSION_RELEASE_COMPLETE: u8 = 0xd4;

/// What an SM context transaction is for.
#[derive(Debug, Clone)]
pub(crate) struct SmTxn {
    pub psi: u8,
    pub purpose: SmPurpose,
}

#[derive(Debug, Clone)]
pub(crate) enum SmPurpose {
    /// Create SM Context for a UE-requested session; the 5GSM message goes back to the
    /// UE if the SMF does not take it.
    Create { n1: Vec<u8> },
    /// Update SM Context with a 5GSM message of the UE.
    UplinkN1 { n1: Vec<u8> },
    /// Update SM Context with N2 SM information from the NG-RAN.
    N2Report,
    /// Update SM Context, upCnxState ACTIVATING, for a service request.
    Activate,
    /// Update SM Context, upCnxState DEACTIVATED, at AN release.
    Deactivate,
    /// Release SM Context.
    Release,
}

/// The slice of a NAS S-NSSAI, "no SD" normalised.
fn slice_of(s: &NasSnssai) -> Slice {
    Slice {
        sst: s.sst,
        sd: s.sd.value(),
    }
    .normalised()
}

/// The SBI S-NSSAI of a slice.
pub(crate) fn sbi_snssai(s: Slice) -> SbiSnssai {
    SbiSnssai {
        sst: s.sst,
        sd: s.sd.map(|sd| {
            let b = sd.to_be_bytes();
            Hex([b[1], b[2], b[3]])
        }),
    }
}

/// The N2 kind of the SMF's `n2SmInfoType`, for the ones the AMF sends to the NG-RAN.
fn n2_kind(t: Option<&N2SmInfoType>) -> Option<N2Kind> {
    match t? {
        N2SmInfoType::PduResSetupReq => Some(N2Kind::SetupRequest),
        N2SmInfoType::PduResRelCmd => Some(N2Kind::ReleaseCommand),
        N2SmInfoType::PduResModReq => Some(N2Kind::ModifyRequest),
        _ => None,
    }
}

impl Amf {
    /// The GUAMI in its SBI form.
    pub(crate) fn sbi_guami(&self) -> Guami {
        let c = &self.cfg.config;
        Guami {
            plmn_id: PlmnIdNid::new(c.mcc.clone(), c.mnc.clone()),
            amf_id: format!(
                "{:02x}{:04x}",
                c.amf_region_id,
                (c.amf_set_id << 6) | u16::from(c.amf_pointer)
            ),
        }
    }

    /// Asks the SMF for an SM context operation of `key`'s session `psi`.
    fn sm_sbi(&mut self, key: UeKey, psi: u8, purpose: SmPurpose, request: SbiRequest) -> TxnId {
        let txn = self.sbi(key, request);
        self.sm_txns.insert(txn, SmTxn { psi, purpose });
        self.sm_order.sent(key, psi);
        txn
    }

    /// Update SM Context of `psi` (which must have an SMF context) with `update`. A relay
    /// of the UE's 5GSM message or of N2 SM information waits while an operation of the
    /// session is unanswered ([`super::sm_order`]); `None` then, as when there is no SMF
    /// context.
    pub(crate) fn update_sm_context(
        &mut self,
        key: UeKey,
        psi: u8,
        purpose: SmPurpose,
        update: SmContextUpdate,
    ) -> Option<TxnId> {
        let r = self
            .ues
            .get(&key)?
            .session(psi)?
            .sm_context_ref
            .as_deref()?
            .to_owned();
        if self.sm_order.must_wait(key, psi, &purpose) {
            tracing::debug!(
                psi,
                "waits for the session's SM context operation in flight"
            );
            self.sm_order.hold(key, psi, (r, purpose, update));
            return None;
        }
        Some(self.send_update(key, psi, r, purpose, update))
    }

    fn send_update(
        &mut self,
        key: UeKey,
        psi: u8,
        sm_context_ref: String,
        purpose: SmPurpose,
        update: SmContextUpdate,
    ) -> TxnId {
        self.metrics.sm_update.req.inc();
        self.sm_sbi(
            key,
            psi,
            purpose,
            SbiRequest::UpdateSmContext {
                sm_context_ref,
                update,
            },
        )
    }

    /// An SM context operation of session `psi` was answered: the relay that waited for
    /// it goes.
    pub(crate) fn sm_answered(&mut self, key: UeKey, psi: u8) {
        self.sm_order.answered(key, psi);
        if let Some((r, purpose, update)) = self.sm_order.next(key, psi)
            && self.ues.contains_key(&key)
        {
            self.send_update(key, psi, r, purpose, update);
        }
    }

    /// UL NAS TRANSPORT (TS 24.501 §5.4.5.2.2): a 5GSM message routed by its PDU session
    /// ID — a new session (request type "initial request") to Create SM Context with the
    /// DNN and S-NSSAI the UE gave or the defaults (the configured default DNN, the first
    /// allowed S-NSSAI), an existing one to Update SM Context; what cannot be routed goes
    /// back in DL NAS TRANSPORT with #90 / #91 (§5.4.5.2.5).
    pub(crate) fn ul_nas_transport(&mut self, _now: Instant, key: UeKey, m: NasUlNasTransport) {
        let Some(ue) = self.ues.get(&key) else {
            return;
        };
        if !ue.registered() {
            self.send_gmm_status(key, cause::MESSAGE_NOT_COMPATIBLE_WITH_STATE);
            return;
        }
        if !m.payload_container_type.is_n1_sm() {
            // SMS, LPP, UE policy...: no such function behind this AMF.
            tracing::warn!(
                kind = ?m.payload_container_type.kind(),
                "UL NAS TRANSPORT payload not supported"
            );
            self.send_gmm_status(key, cause::MESSAGE_TYPE_NON_EXISTENT);
            return;
        }
        let n1 = m.payload_container.value.to_vec();
        let Some(psi) = m.pdu_session_id.as_ref().map(|p| p.pdu_session_id()) else {
            // §5.4.5.2.5: N1 SM information without a PDU session ID is not forwarded.
            self.metrics
                .sm_not_forwarded
                .get_or_create(&CauseLabel {
                    cause: "invalid_mandatory_information",
                })
                .inc();
            self.send_gmm_status(key, cause::INVALID_MANDATORY_INFORMATION);
            return;
        };
        let request_type = m.request_type.as_ref().and_then(|r| r.request_type());
        let existing = ue.session(psi).cloned();
        tracing::info!(psi, ?request_type, "UL NAS TRANSPORT (5GSM)");
        match (request_type, existing) {
            (Some(RequestTypeValue::InitialRequest), old) => {
                if let Some(old) = old {
                    // A new session with the PSI of one the AMF has: the old one is gone
                    // at the UE (§5.4.5.2.5 case of a duplicate PSI).
                    self.release_session(key, &old, nsmf::Cause::RelDueToDuplicateSessionId);
                }
                self.create_session(key, psi, &m, n1);
            }
            (
                None
                | Some(RequestTypeValue::ModificationRequest | RequestTypeValue::ExistingPduSession),
                Some(s),
            ) if s.sm_context_ref.is_some() => {
                let release_complete = n1.get(3) == Some(&PDU_SESSION_RELEASE_COMPLETE);
                let update =
                    SmContextUpdate::new(SmContextUpdateData::default(), Some(n1.clone()), None);
                self.metrics.sm_ul_routed.inc();
                self.update_sm_context(key, psi, SmPurpose::UplinkN1 { n1 }, update);
                if release_complete {
                    // The UE has released the session (TS 24.501 §6.3.3.3): so does the
                    // AMF's routing context.
                    if let Some(ue) = self.ues.get_mut(&key) {
                        ue.sessions.retain(|s| s.psi != psi);
                    }
                }
            }
            _ => {
                // No routing context for the PSI (or a request type this AMF does not
                // serve: emergency, MA PDU): §5.4.5.2.5, "payload was not forwarded".
                self.sm_not_forwarded(key, psi, n1, sm_cause::PAYLOAD_NOT_FORWARDED);
            }
        }
    }

    /// Create SM Context for a new PDU session (TS 23.502 §4.3.2.2.1 steps 2-3).
    fn create_session(&mut self, key: UeKey, psi: u8, m: &NasUlNasTransport, n1: Vec<u8>) {
        let Some(ue) = self.ues.get(&key) else {
            return;
        };
        let requested = m
            .s_nssai
            .as_ref()
            .and_then(|s| NasSnssai::parse(s).ok())
            .map(|s| slice_of(&s));
        let snssai = match requested {
            Some(s) if ue.allowed_nssai.contains(&s) => s,
            Some(_) => {
                // Not in the allowed NSSAI: no SMF can be selected for it.
                self.sm_not_forwarded(key, psi, n1, sm_cause::PAYLOAD_NOT_FORWARDED);
                return;
            }
            None => match ue.allowed_nssai.first() {
                Some(s) => *s,
                None => {
                    self.sm_not_forwarded(key, psi, n1, sm_cause::PAYLOAD_NOT_FORWARDED);
                    return;
                }
            },
        };
        let dnn = m
            .dnn
            .as_ref()
            .and_then(|d| d.as_string())
            .unwrap_or_else(|| self.cfg.config.default_dnn.clone());
        let Some(supi) = ue.supi.as_deref().map(str::to_owned) else {
            return;
        };
        let pei = ue.imeisv.as_deref().map(|i| format!("imeisv-{i}"));
        let c = &self.cfg.config;
        let data = SmContextCreateData {
            supi: Some(supi.clone()),
            pei,
            pdu_session_id: Some(psi),
            dnn: Some(dnn.clone()),
            s_nssai: Some(sbi_snssai(snssai)),
            guami: Some(self.sbi_guami()),
            service_name: Some("namf-comm".into()),
            request_type: Some(RequestType::InitialRequest),
            rat_type: Some(RatType::Nr),
            ..SmContextCreateData::new(
                c.instance_id.clone(),
                PlmnIdNid::new(c.mcc.clone(), c.mnc.clone()),
                AccessType::ThreeGppAccess,
                format!(
                    "{}/namf-callback/v1/{supi}/sm-context-status/{psi}",
                    c.api_root
                ),
            )
        };
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.sessions.push(PduSession {
                psi,
                sm_context_ref: None,
                snssai,
                dnn: dnn.into_boxed_str(),
                up_active: false,
            });
        }
        self.metrics.sm_create.req.inc();
        self.metrics.sm_ul_routed.inc();
        let create = SmContextCreate::new(data, Some(n1.clone()), None);
        self.sm_sbi(
            key,
            psi,
            SmPurpose::Create { n1 },
            SbiRequest::CreateSmContext(create),
        );
    }

    /// The UE's 5GSM message goes back to it in DL NAS TRANSPORT with 5GMM cause `c`
    /// (TS 24.501 §5.4.5.2.5, §5.4.5.3.1).
    pub(crate) fn sm_not_forwarded(&mut self, key: UeKey, psi: u8, n1: Vec<u8>, c: u8) {
        self.metrics
            .sm_not_forwarded
            .get_or_create(&CauseLabel {
                cause: gmm_cause_label(c),
            })
            .inc();
        tracing::warn!(psi, cause = c, "5GSM message not forwarded");
        if let Some(nas) = self.dl_sm_nas(key, psi, n1, Some(c)) {
            self.send_dl_nas(key, nas);
        }
    }

    /// The protected octets of a DL NAS TRANSPORT carrying the 5GSM message `n1` of
    /// session `psi` (TS 24.501 §8.2.11), with a 5GMM cause when it is one returned.
    pub(crate) fn dl_sm_nas(
        &mut self,
        key: UeKey,
        psi: u8,
        n1: Vec<u8>,
        c: Option<u8>,
    ) -> Option<Vec<u8>> {
        let mut m = NasDlNasTransport::new(
            NasPayloadContainerType::from_kind(PayloadContainerKind::N1SmInformation),
            NasPayloadContainer::new(n1),
        )
        .with_pdu_session_id(NasPduSessionIdentity2::from_pdu_session_id(psi));
        if let Some(c) = c {
            m = m.with_fgmm_cause(NasFGmmCause::new(c));
        } else {
            self.metrics.sm_dl_routed.inc();
        }
        let plain = match ferrocore_nas::encode(&NasMessage::mm(m)) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "DL NAS TRANSPORT does not encode");
                return None;
            }
        };
        self.downlink_nas(key, &plain)
    }

    /// Sends an N1 SM message and / or N2 SM information to a CM-CONNECTED UE whose AS
    /// context is set up: N1 alone in DL NAS TRANSPORT; with a Setup Request Transfer in
    /// PDU SESSION RESOURCE SETUP REQUEST (the DL NAS TRANSPORT as the session's NAS-PDU);
    /// with a Release Command Transfer in PDU SESSION RESOURCE RELEASE COMMAND (TS 23.502
    /// §4.2.3.3 step 3a, §4.3.4.2 step 4); with a Modify Request Transfer in PDU SESSION
    /// RESOURCE MODIFY REQUEST, the PDU SESSION MODIFICATION COMMAND as the session's
    /// NAS-PDU (TS 23.502 §4.3.3.2 step 4, TS 38.413 §8.2.3.2). Otherwise it is held until
    /// the UE can take it.
    pub(crate) fn deliver_sm(&mut self, key: UeKey, t: PendingSm) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let Some(b) = ue.ran.filter(|b| b.context_setup && !b.releasing) else {
            ue.pending_sm.push(t);
            return;
        };
        let snssai = ue
            .session(t.psi)
            .map(|s| s.snssai)
            .or_else(|| ue.allowed_nssai.first().copied())
            .or_else(|| self.cfg.slices.first().copied())
            .unwrap_or(Slice { sst: 1, sd: None });
        let psi = t.psi;
        let nas = t.n1.and_then(|n1| self.dl_sm_nas(key, psi, n1, None));
        match t.n2 {
            Some((N2Kind::SetupRequest, transfer)) => {
                let item = SetupItem {
                    psi,
                    snssai: ngap_snssai(snssai),
                    nas_pdu: nas,
                    transfer,
                };
                let bytes = ngap_sm::setup_request(b.amf_ue_id, b.ran_ue_id, &[item]);
                self.send_ngap_bytes(b.assoc, b.stream, "PDUSessionResourceSetupRequest", bytes);
            }
            Some((N2Kind::ReleaseCommand, transfer)) => {
                let bytes =
                    ngap_sm::release_command(b.amf_ue_id, b.ran_ue_id, nas, &[(psi, transfer)]);
                self.send_ngap_bytes(b.assoc, b.stream, "PDUSessionResourceReleaseCommand", bytes);
            }
            Some((N2Kind::ModifyRequest, transfer)) => {
                let item = ModifyItem {
                    psi,
                    nas_pdu: nas,
                    transfer,
                };
                let bytes = ngap_sm::modify_request(b.amf_ue_id, b.ran_ue_id, &[item]);
                self.send_ngap_bytes(b.assoc, b.stream, "PDUSessionResourceModifyRequest", bytes);
            }
            None => {
                if let Some(nas) = nas {
                    self.send_dl_nas(key, nas);
                }
            }
        }
    }

    /// Delivers what was held for the UE, now that its AS context is set up.
    pub(crate) fn flush_pending_sm(&mut self, key: UeKey) {
        let pending = match self.ues.get_mut(&key) {
            Some(ue) if ue.ran.is_some_and(|b| b.context_setup) => {
                std::mem::take(&mut ue.pending_sm)
            }
            _ => return,
        };
        for t in pending {
            self.deliver_sm(key, t);
        }
    }

    /// N2 SM information from the NG-RAN for session `psi` (PDU Session Resource Setup
    /// Response / Unsuccessful, Modify Response / Unsuccessful, Release Response
    /// transfers) to the SMF in Update SM Context with its `n2SmInfoType` (TS 23.502
    /// §4.3.2.2.1 step 14, §4.3.3.2 step 5, §4.3.4.2 step 8). Setup and release answers
    /// say whether the session's user plane is up; a modification leaves that as it was.
    pub(crate) fn sm_n2_report(
        &mut self,
        key: UeKey,
        psi: u8,
        kind: N2SmInfoType,
        transfer: Vec<u8>,
    ) {
        let Some(s) = self.ues.get_mut(&key).and_then(|u| u.session_mut(psi)) else {
            tracing::warn!(psi, ?kind, "N2 SM information for no PDU session");
            return;
        };
        match kind {
            N2SmInfoType::PduResSetupRsp => s.up_active = true,
            N2SmInfoType::PduResSetupFail | N2SmInfoType::PduResRelRsp => s.up_active = false,
            _ => {}
        }
        let update = SmContextUpdate::new(
            SmContextUpdateData {
                n2_sm_info_type: Some(kind),
                ..SmContextUpdateData::default()
            },
            None,
            Some(transfer),
        );
        self.update_sm_context(key, psi, SmPurpose::N2Report, update);
    }

    /// The user plane of every active session is released (AN release, TS 23.502 §4.2.6
    /// step 5): Update SM Context with upCnxState DEACTIVATED.
    pub(crate) fn deactivate_sessions(&mut self, key: UeKey) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let mut active = Vec::new();
        for s in ue.sessions.iter_mut().filter(|s| s.up_active) {
            s.up_active = false;
            active.push(s.psi);
        }
        for psi in active {
            let update = SmContextUpdate::new(
                SmContextUpdateData {
                    up_cnx_state: Some(UpCnxState::Deactivated),
                    ..SmContextUpdateData::default()
                },
                None,
                None,
            );
            self.update_sm_context(key, psi, SmPurpose::Deactivate, update);
        }
    }

    /// Release SM Context of one session, and its routing context goes.
    fn release_session(&mut self, key: UeKey, s: &PduSession, why: nsmf::Cause) {
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.sessions.retain(|x| x.psi != s.psi);
        }
        let Some(r) = s.sm_context_ref.as_deref() else {
            return;
        };
        self.metrics.sm_release.inc();
        let release = SmContextRelease::new(
            SmContextReleaseData {
                cause: Some(why),
                ..SmContextReleaseData::default()
            },
            None,
        );
        self.sm_sbi(
            key,
            s.psi,
            SmPurpose::Release,
            SbiRequest::ReleaseSmContext {
                sm_context_ref: r.to_owned(),
                release,
            },
        );
    }

    /// Every SM context of the UE is released (de-registration, TS 23.502 §4.2.2.3.2 step
    /// 2); held messages and paging go too.
    pub(crate) fn release_all_sessions(&mut self, key: UeKey) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        ue.pending_sm.clear();
        ue.paging = None;
        self.timers.stop(key, crate::timers::TimerKind::T3513);
        let sessions = ue.sessions.clone();
        for s in &sessions {
            self.release_session(key, s, nsmf::Cause::RelDueToUnspecifiedReason);
        }
    }

    /// The UE told which sessions it has (PDU session status IE, TS 24.501 §5.5.1.2.4,
    /// §5.6.1.4.1): the AMF's other sessions are released locally and at the SMF.
    pub(crate) fn sync_pdu_session_status(&mut self, key: UeKey, ue_psis: &[u8]) {
        let Some(ue) = self.ues.get(&key) else {
            return;
        };
        let gone: Vec<PduSession> = ue
            .sessions
            .iter()
            .filter(|s| !ue_psis.contains(&s.psi))
            .cloned()
            .collect();
        for s in &gone {
            tracing::info!(psi = s.psi, "PDU session not at the UE: released");
            self.release_session(key, s, nsmf::Cause::PduSessionStatusMismatch);
        }
    }

    /// An SMF answer (TS 29.502 §5.2.2).
    pub(crate) fn on_sm_reply(
        &mut self,
        now: Instant,
        key: UeKey,
        txn: TxnId,
        sm: SmTxn,
        reply: SbiReply,
    ) {
        let psi = sm.psi;
        match (sm.purpose, reply) {
            (SmPurpose::Create { n1 }, SbiReply::CreateSmContext(r)) => match r {
                Ok(created) => {
                    self.metrics.sm_create.succ.inc();
                    let r = created.resource_id().to_owned();
                    tracing::info!(psi, sm_context_ref = %r, "SM context created");
                    if let Some(s) = self.ues.get_mut(&key).and_then(|u| u.session_mut(psi)) {
                        s.sm_context_ref = Some(r.into_boxed_str());
                    }
                }
                Err(e) => {
                    self.sm_error(key, psi, true, n1, e);
                }
            },
            (SmPurpose::UplinkN1 { n1 }, SbiReply::UpdateSmContext(r)) => match r {
                Ok(u) => {
                    self.metrics.sm_update.succ.inc();
                    self.deliver_updated(key, psi, u);
                }
                Err(e) => self.sm_error(key, psi, false, n1, e),
            },
            (SmPurpose::Activate, SbiReply::UpdateSmContext(r)) => {
                self.service_activation_reply(now, key, txn, psi, r)
            }
            (SmPurpose::N2Report, SbiReply::UpdateSmContext(r)) => match r {
                Ok(u) => {
                    self.metrics.sm_update.succ.inc();
                    self.deliver_updated(key, psi, u);
                }
                Err(e) => {
                    self.metrics.sm_update.fail("n2_report_refused");
                    tracing::warn!(
                        psi,
                        status = e.status(),
                        "N2 SM information refused by the SMF"
                    );
                }
            },
            (SmPurpose::Deactivate, SbiReply::UpdateSmContext(r)) => {
                if let Err(e) = r {
                    self.metrics.sm_update.fail("deactivation_refused");
                    tracing::warn!(psi, status = e.status(), "user plane deactivation refused");
                } else {
                    self.metrics.sm_update.succ.inc();
                }
            }
            (SmPurpose::Release, SbiReply::ReleaseSmContext(r)) => {
                if let Err(e) = r {
                    tracing::warn!(psi, status = e.status, "Release SM Context failed");
                }
            }
            (purpose, _) => {
                tracing::warn!(psi, ?purpose, "SMF answer of another operation ignored");
            }
        }
    }

    /// An Update SM Context answered with content: its N1 / N2 go to the UE / NG-RAN.
    fn deliver_updated(&mut self, key: UeKey, psi: u8, u: Option<SmContextUpdated>) {
        let Some(u) = u else {
            return;
        };
        let n2 = match (n2_kind(u.data.n2_sm_info_type.as_ref()), u.n2_sm_info) {
            (Some(k), Some(b)) => Some((k, b)),
            (None, Some(_)) => {
                tracing::warn!(psi, kind = ?u.data.n2_sm_info_type, "N2 SM information not relayed");
                None
            }
            _ => None,
        };
        if u.n1_sm_msg.is_none() && n2.is_none() {
            return;
        }
        self.deliver_sm(
            key,
            PendingSm {
                psi,
                n1: u.n1_sm_msg,
                n2,
            },
        );
    }

    /// The SMF refused a Create or Update with the UE's 5GSM message `n1`: its reject
    /// goes to the UE, or the message comes back with #91 / #90 (TS 24.501 §5.4.5.2.5).
    fn sm_error(&mut self, key: UeKey, psi: u8, create: bool, n1: Vec<u8>, e: SmContextError) {
        let label = match e.status() {
            404 => "context_not_found",
            400..=499 => "client_error",
            _ => "server_error",
        };
        if create {
            self.metrics.sm_create.fail(label);
        } else {
            self.metrics.sm_update.fail(label);
        }
        tracing::warn!(psi, status = e.status(), cause = ?e.cause(), "SMF refused the 5GSM message");
        let forget = create || e.status() == 404;
        if forget && let Some(ue) = self.ues.get_mut(&key) {
            ue.sessions
                .retain(|s| s.psi != psi || (!create && s.sm_context_ref.is_none()));
        }
        if let Some(reject) = e.n1_sm_msg {
            if let Some(nas) = self.dl_sm_nas(key, psi, reject, None) {
                self.send_dl_nas(key, nas);
            }
            return;
        }
        let c = match e.cause() {
            Some(nsmf::cause::DNN_NOT_SUPPORTED | nsmf::cause::DNN_DENIED) => {
                sm_cause::DNN_NOT_SUPPORTED
            }
            _ => sm_cause::PAYLOAD_NOT_FORWARDED,
        };
        self.sm_not_forwarded(key, psi, n1, c);
    }
}
