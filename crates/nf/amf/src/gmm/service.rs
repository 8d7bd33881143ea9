//! Service request (TS 24.501 §5.6.1; TS 23.502 §4.2.3.2): a CM-IDLE UE comes back for
//! signalling, uplink data, or in answer to paging; the SMFs re-activate the user plane
//! of the sessions with uplink data, and the SERVICE ACCEPT goes in the INITIAL CONTEXT
//! SETUP REQUEST with their PDU Session Resource Setup List.

use std::time::Instant;

use ferrocore_nas::NasMessage;
use ferrocore_nas::ies::{pdu_session_status, uplink_data_status};
use ferrocore_nas::types::{
    Nas5gmmMessage, NasFGmmCause, NasPduSessionReactivationResult, NasPduSessionStatus,
    NasServiceAccept, NasServiceReject, NasServiceRequest, ServiceType,
};
use ferrocore_nas_security::NasCount;
use ferrocore_ngap::msg::InitialContextSetupRequest;
use ferrocore_sbi::nsmf_pdusession::{
    N2SmInfoType, SmContextError, SmContextUpdate, SmContextUpdateData, SmContextUpdated,
    UpCnxState,
};

use super::{cause, ngap_security_capabilities};
use crate::TxnId;
use crate::config::Slice;
use crate::context::{N2Kind, Procedure, RegStep, Registration, Retransmit, ServiceRequest, UeKey};
use crate::engine::Amf;
use crate::gmm::sm::SmPurpose;
use crate::metrics::{RegKind, gmm_cause_label};
use crate::nas::{Uplink, decipher_container};
use crate::ngap_interface::ngap_snssai;
use crate::ngap_sm::{self, SetupItem};

impl Amf {
    /// SERVICE REQUEST (TS 24.501 §5.6.1.4). Integrity checked: one that fails (it is on
    /// the §4.4.4.3 list) starts authentication and security mode control first. A UE
    /// the AMF does not know is rejected with #9, one it does not hold registered with
    /// #10 (§5.6.1.5).
    pub(crate) fn service_request(
        &mut self,
        now: Instant,
        key: UeKey,
        up: &Uplink,
        sr: NasServiceRequest,
    ) {
        self.metrics.service.req.inc();
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        tracing::info!(
            service_type = ?sr.service_type.service_type(),
            verified = up.verified,
            "SERVICE REQUEST"
        );
        if ue.supi.is_none() || ue.security.is_none() {
            self.service_reject(key, cause::UE_IDENTITY_CANNOT_BE_DERIVED);
            return;
        }
        if !ue.registered() {
            self.service_reject(key, cause::IMPLICITLY_DEREGISTERED);
            return;
        }
        ue.secured = up.verified;
        if !up.verified {
            // §4.4.4.3: processed, but the UE is authenticated again first; the request
            // is taken up once the new context is in use (with the full message from the
            // SECURITY MODE COMPLETE).
            let supi = ue.supi.as_deref().map(str::to_owned).unwrap_or_default();
            ue.procedure = Some(Box::new(Procedure::Registration(Registration {
                kind: RegKind::Initial,
                step: RegStep::AusfAuthenticate,
                request: Vec::new(),
                suci: None,
                awaiting: None,
                aka: None,
                kgnb_count: None,
                rinmr: true,
                requested_nssai: Vec::new(),
                follow_on: false,
                pdu_session_status: false,
                new_tmsi: None,
                retransmit: Retransmit::default(),
                service_request: Some(up.plain.clone()),
                ue_pdu_sessions: None,
            })));
            self.start_authentication(now, key, supi, None);
            return;
        }
        let mut sr = sr;
        // Initial NAS message protection (§4.4.6): the full message may be in the NAS
        // message container, ciphered.
        if let Some(c) = &sr.nas_message_container
            && let (Some(ctx), Some(count)) = (ue.security.as_ref(), up.count)
        {
            let inner = decipher_container(ctx, count, &c.value);
            if let Ok(NasMessage::Mm(Nas5gmmMessage::ServiceRequest(full))) =
                ferrocore_nas::decode(&inner)
            {
                sr = *full;
            }
        }
        let Some(count) = up.count else {
            return;
        };
        self.service_request_verified(now, key, sr, count);
    }

    /// The integrity-checked service request: PDU session status synchronised, user
    /// plane activation asked for each session with uplink data (Update SM Context,
    /// upCnxState ACTIVATING, TS 23.502 §4.2.3.2 step 4), sessions from paging joined.
    pub(crate) fn service_request_verified(
        &mut self,
        now: Instant,
        key: UeKey,
        sr: NasServiceRequest,
        kgnb_count: u32,
    ) {
        let ue_status = sr.pdu_session_status.as_ref().map(pdu_session_status);
        if let Some(list) = &ue_status {
            self.sync_pdu_session_status(key, list);
        }
        let uplink = sr
            .uplink_data_status
            .as_ref()
            .map(uplink_data_status)
            .unwrap_or_default();
        let paging_response =
            sr.service_type.service_type() == Some(ServiceType::MobileTerminatedServices);
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        // Paging answered: N2 SM information held for the UE goes in the ICS. A session
        // the UE was paged for with a modification gets its user plane back first (the
        // PDU Session Resource Modify Request follows the ICS; TS 23.502 §4.2.3.2 step 4,
        // §4.3.3.2 step 3).
        let mut setup = Vec::new();
        let mut rest = Vec::new();
        let mut modified = Vec::new();
        for t in std::mem::take(&mut ue.pending_sm) {
            match t.n2 {
                Some((N2Kind::SetupRequest, transfer)) => setup.push((t.psi, t.n1, transfer)),
                n2 => {
                    if matches!(n2, Some((N2Kind::ModifyRequest, _)))
                        && ue.session(t.psi).is_some_and(|s| !s.up_active)
                    {
                        modified.push(t.psi);
                    }
                    rest.push(crate::context::PendingSm { n2, ..t });
                }
            }
        }
        ue.pending_sm = rest;
        let mut failed = Vec::new();
        let mut activate = Vec::new();
        let mut wanted = uplink;
        for psi in modified {
            if !wanted.contains(&psi) {
                wanted.push(psi);
            }
        }
        for psi in wanted {
            if setup.iter().any(|(p, _, _)| *p == psi) {
                continue;
            }
            match ue.session(psi) {
                Some(s) if s.sm_context_ref.is_some() => activate.push(psi),
                _ => failed.push(psi),
            }
        }
        ue.procedure = Some(Box::new(Procedure::ServiceRequest(ServiceRequest {
            kgnb_count,
            paging_response,
            awaiting: Vec::new(),
            setup,
            failed,
            pdu_session_status: ue_status.is_some(),
            uplink_data_status: sr.uplink_data_status.is_some(),
        })));
        let mut awaiting = Vec::new();
        for psi in activate {
            let update = SmContextUpdate::new(
                SmContextUpdateData {
                    up_cnx_state: Some(UpCnxState::Activating),
                    ..SmContextUpdateData::default()
                },
                None,
                None,
            );
            if let Some(txn) = self.update_sm_context(key, psi, SmPurpose::Activate, update) {
                awaiting.push((txn, psi));
            }
        }
        let waiting = !awaiting.is_empty();
        if let Some(Procedure::ServiceRequest(s)) = self
            .ues
            .get_mut(&key)
            .and_then(|u| u.procedure.as_deref_mut())
        {
            s.awaiting = awaiting;
        }
        if !waiting {
            self.service_accept(now, key);
        }
    }

    /// An SMF's answer to ACTIVATING (TS 29.502 §5.2.2.3.2.2): the N2 SM information
    /// (PDU Session Resource Setup Request Transfer) joins the ICS; without one the
    /// session's user plane is not re-established.
    pub(crate) fn service_activation_reply(
        &mut self,
        now: Instant,
        key: UeKey,
        txn: TxnId,
        psi: u8,
        r: Result<Option<SmContextUpdated>, SmContextError>,
    ) {
        let Some(Procedure::ServiceRequest(s)) = self
            .ues
            .get_mut(&key)
            .and_then(|u| u.procedure.as_deref_mut())
        else {
            tracing::debug!(psi, "activation answer after the service request: ignored");
            return;
        };
        let Some(i) = s.awaiting.iter().position(|(t, _)| *t == txn) else {
            return;
        };
        s.awaiting.remove(i);
        match r {
            Ok(Some(u))
                if u.data.n2_sm_info_type == Some(N2SmInfoType::PduResSetupReq)
                    && u.n2_sm_info.is_some() =>
            {
                self.metrics.sm_update.succ.inc();
                if let Some(n2) = u.n2_sm_info {
                    s.setup.push((psi, u.n1_sm_msg, n2));
                }
            }
            Ok(_) => {
                self.metrics.sm_update.succ.inc();
                s.failed.push(psi);
            }
            Err(e) => {
                self.metrics.sm_update.fail("activation_refused");
                tracing::warn!(psi, status = e.status(), "user plane activation refused");
                s.failed.push(psi);
            }
        }
        if s.awaiting.is_empty() {
            self.service_accept(now, key);
        }
    }

    /// SERVICE ACCEPT (TS 24.501 §5.6.1.4.1) with the PDU session status and the PDU
    /// session reactivation result, in the INITIAL CONTEXT SETUP REQUEST with the sessions
    /// to set up (TS 23.502 §4.2.3.2 step 12; KgNB from the request's uplink COUNT); on a
    /// connection whose AS context is already up, in DL NAS TRANSPORT with a PDU SESSION
    /// RESOURCE SETUP REQUEST.
    pub(crate) fn service_accept(&mut self, _now: Instant, key: UeKey) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let Some(sr) = ue.take_service_request() else {
            return;
        };
        let mut accept = NasServiceAccept::new();
        if sr.pdu_session_status
            && let Ok(ie) = NasPduSessionStatus::from_sessions(&ue.psis())
        {
            accept = accept.with_pdu_session_status(ie);
        }
        if sr.uplink_data_status
            && let Ok(ie) = NasPduSessionReactivationResult::from_failed_sessions(&sr.failed)
        {
            accept = accept.with_pdu_session_reactivation_result(ie);
        }
        let plain = match ferrocore_nas::encode(&NasMessage::mm(accept)) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "SERVICE ACCEPT does not encode");
                self.service_reject(key, cause::PROTOCOL_ERROR);
                return;
            }
        };
        // The accept is protected first: its COUNT is below the sessions' NAS-PDUs.
        let Some(nas) = self.downlink_nas(key, &plain) else {
            self.service_reject(key, cause::PROTOCOL_ERROR);
            return;
        };
        let mut items = Vec::new();
        for (psi, n1, transfer) in sr.setup {
            let snssai = self
                .ues
                .get(&key)
                .and_then(|u| u.session(psi).map(|s| s.snssai))
                .unwrap_or(Slice { sst: 1, sd: None });
            let nas_pdu = n1.and_then(|n1| self.dl_sm_nas(key, psi, n1, None));
            items.push(SetupItem {
                psi,
                snssai: ngap_snssai(snssai),
                nas_pdu,
                transfer,
            });
        }
        let guami = self.cfg.guami;
        let Some(ue) = self.ues.get(&key) else {
            return;
        };
        let Some(b) = ue.ran else {
            return;
        };
        if b.context_setup {
            self.send_dl_nas(key, nas);
            if !items.is_empty() {
                let bytes = ngap_sm::setup_request(b.amf_ue_id, b.ran_ue_id, &items);
                self.send_ngap_bytes(b.assoc, b.stream, "PDUSessionResourceSetupRequest", bytes);
            }
        } else {
            let (Some(ctx), Some(caps), Some(count)) = (
                ue.security.as_ref(),
                ue.ue_caps,
                NasCount::new(sr.kgnb_count),
            ) else {
                self.service_reject(key, cause::PROTOCOL_ERROR);
                return;
            };
            let ics = InitialContextSetupRequest {
                amf_ue_ngap_id: b.amf_ue_id,
                ran_ue_ngap_id: b.ran_ue_id,
                ue_ambr: ue
                    .ue_ambr
                    .map(|(downlink, uplink)| ferrocore_ngap::msg::UeAmbr { downlink, uplink }),
                guami,
                sessions: Vec::new(),
                allowed_nssai: ue.allowed_nssai.iter().map(|s| ngap_snssai(*s)).collect(),
                security_capabilities: ngap_security_capabilities(caps),
                security_key: *ctx.kgnb(count).as_bytes(),
                nas_pdu: Some(nas),
            };
            let bytes = ngap_sm::initial_context_setup(&ics, &items);
            self.send_ngap_bytes(b.assoc, b.stream, "InitialContextSetupRequest", bytes);
        }
        self.metrics.service.succ.inc();
        tracing::info!(
            sessions = items.len(),
            failed = ?sr.failed,
            paging_response = sr.paging_response,
            "SERVICE ACCEPT"
        );
    }

    /// SERVICE REJECT (TS 24.501 §5.6.1.5) with `c`; the NG connection is released.
    pub(crate) fn service_reject(&mut self, key: UeKey, c: u8) {
        self.metrics.service.fail(gmm_cause_label(c));
        tracing::warn!(cause = c, "SERVICE REJECT");
        if let Some(ue) = self.ues.get_mut(&key)
            && matches!(ue.procedure.as_deref(), Some(Procedure::ServiceRequest(_)))
        {
            ue.procedure = None;
        }
        self.send_mm(key, NasServiceReject::new(NasFGmmCause::new(c)));
        self.release_nas(key, ferrocore_ngap::CauseNas::normal_release);
    }

    /// The authentication started for a service request is done (security mode
    /// complete): the request is processed with the new context (KgNB bound to the
    /// SECURITY MODE COMPLETE's COUNT).
    pub(crate) fn service_request_after_security(&mut self, now: Instant, key: UeKey) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let Some(reg) = ue.take_registration() else {
            return;
        };
        let (Some(plain), Some(count)) = (reg.service_request, reg.kgnb_count) else {
            return;
        };
        match ferrocore_nas::decode(&plain) {
            Ok(NasMessage::Mm(Nas5gmmMessage::ServiceRequest(sr))) => {
                self.service_request_verified(now, key, *sr, count)
            }
            _ => self.service_reject(key, cause::PROTOCOL_ERROR),
        }
    }
}
