//! NGAP (TS 38.413): interface management (§8.7: NG Setup, NG Reset, RAN Configuration
//! Update, Error Indication), the transport of NAS (§8.6), UE context management
//! (§8.3) and UE radio capability (§8.14), as seen by the AMF.

use std::sync::Arc;
use std::time::Instant;

use ferrocore_ngap::msg::{
    ErrorIndication, InitialContextSetupFailure, InitialContextSetupResponse, NgReset,
    NgResetAcknowledge, NgSetupFailure, NgSetupRequest, NgSetupResponse, RanConfigurationUpdate,
    RanConfigurationUpdateAcknowledge, ResetType, UeConnection, UeContextReleaseComplete,
    UeContextReleaseRequest, UeRadioCapabilityInfoIndication, UplinkNasTransport,
};
use ferrocore_ngap::{
    Cause, CauseMisc, CauseProtocol, CauseRadioNetwork, GnbId, Message, PlmnSlices, Snssai,
    SupportedTa,
};

use crate::AssocId;
use crate::context::UeKey;
use crate::engine::Amf;

/// The stream of non-UE-associated signalling (TS 38.412 §7).
const NON_UE_STREAM: u16 = 0;

/// One gNB association.
#[derive(Debug, Clone)]
pub struct Gnb {
    pub outbound_streams: u16,
    /// Set by a successful NG Setup.
    pub setup: Option<GnbSetup>,
}

/// What the gNB told in NG SETUP REQUEST.
#[derive(Debug, Clone)]
pub struct GnbSetup {
    pub id: GnbId,
    pub name: Option<String>,
    pub supported_tas: Vec<SupportedTa>,
}

fn tac_u32(t: [u8; 3]) -> u32 {
    u32::from_be_bytes([0, t[0], t[1], t[2]])
}

/// The NGAP S-NSSAI of a configured slice.
pub(crate) fn ngap_snssai(s: crate::Slice) -> Snssai {
    Snssai {
        sst: s.sst,
        sd: s.sd.map(|sd| {
            let b = sd.to_be_bytes();
            [b[1], b[2], b[3]]
        }),
    }
}

fn slice_of(s: &Snssai) -> crate::Slice {
    crate::Slice {
        sst: s.sst,
        sd: s.sd.map(tac_u32),
    }
    .normalised()
}

impl Amf {
    pub(crate) fn association_up(&mut self, assoc: AssocId, outbound_streams: u16) {
        tracing::info!(assoc, outbound_streams, "association up");
        self.gnbs.insert(
            assoc,
            Gnb {
                outbound_streams,
                setup: None,
            },
        );
    }

    /// The association is gone: its UEs lose their NG connection (CM-IDLE); registered
    /// UEs keep their context.
    pub(crate) fn association_down(&mut self, now: Instant, assoc: AssocId) {
        tracing::info!(assoc, "association down");
        self.drop_bindings(now, assoc, None);
        self.gnbs.remove(&assoc);
        self.metrics
            .connected_gnbs
            .set(self.connected_gnbs() as i64);
    }

    /// Drops the NG connections of `assoc` (all, or those listed).
    fn drop_bindings(&mut self, now: Instant, assoc: AssocId, only: Option<&[UeConnection]>) {
        let keys: Vec<UeKey> = match only {
            None => self
                .ids
                .by_ran
                .iter()
                .filter(|((a, _), _)| *a == assoc)
                .map(|(_, k)| *k)
                .collect(),
            Some(list) => list
                .iter()
                .filter_map(|c| {
                    let by_amf = c
                        .amf_ue_ngap_id
                        .and_then(|id| self.ids.by_amf_ue_id.get(&id).copied());
                    let by_ran = c
                        .ran_ue_ngap_id
                        .and_then(|id| self.ids.by_ran.get(&(assoc, id)).copied());
                    by_amf.or(by_ran)
                })
                .filter(|k| {
                    self.ues
                        .get(k)
                        .and_then(|u| u.ran)
                        .is_some_and(|b| b.assoc == assoc)
                })
                .collect(),
        };
        for key in keys {
            self.unbind(now, key);
        }
    }

    /// The stream for a UE's signalling (TS 38.412 §7): a non-zero stream when the
    /// association has more than one.
    pub(crate) fn ue_stream(&self, assoc: AssocId, ran_ue_id: u32) -> u16 {
        let n = self.gnbs.get(&assoc).map_or(1, |g| g.outbound_streams);
        if n <= 1 {
            0
        } else {
            1 + (ran_ue_id % u32::from(n - 1)) as u16
        }
    }

    /// Sends ERROR INDICATION (TS 38.413 §8.7.5) and counts it by cause.
    pub(crate) fn error_indication(
        &mut self,
        assoc: AssocId,
        stream: u16,
        amf: Option<u64>,
        ran: Option<u32>,
        cause: Cause,
    ) {
        let label = cause_label(&cause);
        self.metrics
            .ngap_error_indication_sent
            .get_or_create(&crate::metrics::CauseLabel { cause: label })
            .inc();
        tracing::warn!(assoc, amf_ue_ngap_id = ?amf, ran_ue_ngap_id = ?ran, cause = label, "ERROR INDICATION sent");
        let m = ErrorIndication {
            amf_ue_ngap_id: amf,
            ran_ue_ngap_id: ran,
            cause: Some(cause),
        };
        // Never echo the inbound stream: the gNB may have more streams towards us than we
        // may use towards it. UE-associated on the UE's stream, else stream 0 (TS 38.412 §7).
        let _ = stream;
        let stream = ran.map_or(NON_UE_STREAM, |r| self.ue_stream(assoc, r));
        self.send_ngap(assoc, stream, &m);
    }

    /// One NGAP-PDU from `assoc`.
    pub(crate) fn on_ngap(&mut self, now: Instant, assoc: AssocId, stream: u16, bytes: &[u8]) {
        if !self.gnbs.contains_key(&assoc) {
            // Data before AssociationUp: take the association as up with one stream.
            self.association_up(assoc, 1);
        }
        let message = match ferrocore_ngap::decode_message(bytes) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(assoc, error = %e, "undecodable NGAP-PDU");
                let cause = e
                    .ngap_cause()
                    .unwrap_or(Cause::protocol(CauseProtocol::unspecified));
                self.error_indication(assoc, stream, None, None, cause);
                return;
            }
        };
        let set_up = self.gnbs.get(&assoc).is_some_and(|g| g.setup.is_some());
        match message {
            Message::NgSetupRequest(m) => self.ng_setup(now, assoc, m),
            Message::ErrorIndication(m) => {
                self.metrics.ngap_error_indication_received.inc();
                tracing::warn!(assoc, amf_ue_ngap_id = ?m.amf_ue_ngap_id, ran_ue_ngap_id = ?m.ran_ue_ngap_id, cause = ?m.cause, "ERROR INDICATION received");
            }
            _ if !set_up => {
                // TS 38.413 §8.7.1: NG Setup comes first.
                self.error_indication(
                    assoc,
                    stream,
                    None,
                    None,
                    Cause::protocol(CauseProtocol::message_not_compatible_with_receiver_state),
                );
            }
            Message::NgReset(m) => self.ng_reset(now, assoc, m),
            Message::RanConfigurationUpdate(m) => self.ran_configuration_update(assoc, m),
            Message::InitialUeMessage(m) => self.initial_ue_message(now, assoc, stream, m),
            Message::UplinkNasTransport(m) => self.uplink_nas_transport(now, assoc, stream, m),
            Message::InitialContextSetupResponse(m) => {
                self.initial_context_setup_response(assoc, stream, m, bytes)
            }
            Message::PduSessionResourceSetupResponse(m) => {
                self.pdu_session_resource_setup_response(assoc, stream, m, bytes)
            }
            Message::PduSessionResourceReleaseResponse(m) => {
                self.pdu_session_resource_release_response(assoc, stream, m, bytes)
            }
            Message::PduSessionResourceModifyResponse(m) => {
                self.pdu_session_resource_modify_response(assoc, stream, m, bytes)
            }
            Message::InitialContextSetupFailure(m) => {
                self.initial_context_setup_failure(now, assoc, stream, m)
            }
            Message::UeContextReleaseRequest(m) => {
                self.ue_context_release_request(assoc, stream, m)
            }
            Message::UeContextReleaseComplete(m) => {
                self.ue_context_release_complete(now, assoc, stream, m)
            }
            Message::UeRadioCapabilityInfoIndication(m) => self.radio_capability(assoc, stream, m),
            other => {
                tracing::warn!(
                    assoc,
                    message = other.name(),
                    "NGAP message not handled by the AMF"
                );
                self.error_indication(
                    assoc,
                    stream,
                    None,
                    None,
                    Cause::protocol(CauseProtocol::message_not_compatible_with_receiver_state),
                );
            }
        }
    }

    /// NG SETUP REQUEST (TS 38.413 §8.7.1.2): accepted when one supported TA is a TAI this
    /// AMF serves and shares a slice with it; else NG SETUP FAILURE.
    fn ng_setup(&mut self, now: Instant, assoc: AssocId, m: NgSetupRequest) {
        let _span = tracing::info_span!("ng_setup", assoc, gnb_id = m.gnb.id).entered();
        self.metrics.ng_setup.req.inc();
        let plmn = self.cfg.plmn;
        let ours: Vec<&ferrocore_ngap::PlmnSlices> = m
            .supported_tas
            .iter()
            .filter(|ta| self.cfg.config.tacs.contains(&tac_u32(ta.tac)))
            .flat_map(|ta| ta.plmns.iter())
            .filter(|p| p.plmn == plmn)
            .collect();
        let failure = if ours.is_empty() {
            Some((
                Cause::misc(CauseMisc::unknown_PLMN_or_SNPN),
                "unknown_plmn_or_snpn",
            ))
        } else if !ours
            .iter()
            .flat_map(|p| p.slices.iter())
            .any(|s| self.cfg.slices.contains(&slice_of(s)))
        {
            Some((
                Cause::radioNetwork(CauseRadioNetwork::slice_not_supported),
                "slice_not_supported",
            ))
        } else {
            None
        };
        if let Some((cause, label)) = failure {
            tracing::warn!(cause = label, "NG Setup refused");
            self.metrics.ng_setup.fail(label);
            self.send_ngap(assoc, NON_UE_STREAM, &NgSetupFailure { cause });
            return;
        }
        // A repeated NG Setup restarts the interface: drop the old NG connections.
        if self.gnbs.get(&assoc).is_some_and(|g| g.setup.is_some()) {
            self.drop_bindings(now, assoc, None);
        }
        if let Some(g) = self.gnbs.get_mut(&assoc) {
            g.setup = Some(GnbSetup {
                id: m.gnb,
                name: m.ran_node_name.clone(),
                supported_tas: m.supported_tas.clone(),
            });
        }
        let response = NgSetupResponse {
            amf_name: self.cfg.config.amf_name.clone(),
            guamis: vec![self.cfg.guami],
            relative_capacity: self.cfg.config.relative_capacity,
            plmn_support: vec![PlmnSlices {
                plmn,
                slices: self.cfg.slices.iter().map(|s| ngap_snssai(*s)).collect(),
            }],
        };
        self.send_ngap(assoc, NON_UE_STREAM, &response);
        self.metrics.ng_setup.succ.inc();
        self.metrics
            .connected_gnbs
            .set(self.connected_gnbs() as i64);
        tracing::info!(name = ?m.ran_node_name, "NG Setup done");
    }

    /// NG RESET (TS 38.413 §8.7.4.2.2): the listed NG connections (or all) are released
    /// locally and acknowledged.
    fn ng_reset(&mut self, now: Instant, assoc: AssocId, m: NgReset) {
        self.metrics.ng_reset.inc();
        tracing::info!(assoc, cause = ?m.cause, "NG Reset");
        let ack = match &m.reset {
            ResetType::All => {
                self.drop_bindings(now, assoc, None);
                NgResetAcknowledge::default()
            }
            ResetType::Partial(list) => {
                self.drop_bindings(now, assoc, Some(list));
                NgResetAcknowledge {
                    connections: list.clone(),
                }
            }
        };
        self.send_ngap(assoc, NON_UE_STREAM, &ack);
    }

    /// RAN CONFIGURATION UPDATE (TS 38.413 §8.7.2): the supported TAs are taken over.
    fn ran_configuration_update(&mut self, assoc: AssocId, m: RanConfigurationUpdate) {
        if let Some(setup) = self.gnbs.get_mut(&assoc).and_then(|g| g.setup.as_mut()) {
            if let Some(tas) = m.supported_tas {
                setup.supported_tas = tas;
            }
            if m.ran_node_name.is_some() {
                setup.name = m.ran_node_name;
            }
        }
        self.send_ngap(assoc, NON_UE_STREAM, &RanConfigurationUpdateAcknowledge);
    }

    /// The UE of a UE-associated message, checked (TS 38.413 §10.6): an unknown
    /// AMF-UE-NGAP-ID, or one bound to another RAN-UE-NGAP-ID or association, gets an
    /// ERROR INDICATION echoing both IDs.
    pub(crate) fn ue_of(
        &mut self,
        assoc: AssocId,
        stream: u16,
        amf_ue_id: u64,
        ran_ue_id: u32,
    ) -> Option<UeKey> {
        let key = self.ids.by_amf_ue_id.get(&amf_ue_id).copied();
        let consistent = key
            .and_then(|k| self.ues.get(&k))
            .and_then(|u| u.ran)
            .is_some_and(|b| b.assoc == assoc && b.ran_ue_id == ran_ue_id);
        if consistent {
            return key;
        }
        let cause = if key.is_none() {
            CauseRadioNetwork::unknown_local_UE_NGAP_ID
        } else {
            CauseRadioNetwork::inconsistent_remote_UE_NGAP_ID
        };
        self.error_indication(
            assoc,
            stream,
            Some(amf_ue_id),
            Some(ran_ue_id),
            Cause::radioNetwork(cause),
        );
        None
    }

    /// UPLINK NAS TRANSPORT (TS 38.413 §8.6.3).
    fn uplink_nas_transport(
        &mut self,
        now: Instant,
        assoc: AssocId,
        stream: u16,
        m: UplinkNasTransport,
    ) {
        let Some(key) = self.ue_of(assoc, stream, m.amf_ue_ngap_id, m.ran_ue_ngap_id) else {
            return;
        };
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.tai = Some((m.location.tai.plmn.0, m.location.tai.tac));
        }
        let _span = tracing::info_span!(
            "ue",
            amf_ue_ngap_id = m.amf_ue_ngap_id,
            ran_ue_ngap_id = m.ran_ue_ngap_id
        )
        .entered();
        self.on_nas(now, key, &m.nas_pdu, false);
    }

    /// INITIAL CONTEXT SETUP RESPONSE (TS 38.413 §8.3.1.2): the AS context is up; the
    /// sessions set up or not go to their SMF (TS 23.502 §4.2.3.2 step 15), and SM
    /// messages held for the UE are delivered.
    fn initial_context_setup_response(
        &mut self,
        assoc: AssocId,
        stream: u16,
        m: InitialContextSetupResponse,
        bytes: &[u8],
    ) {
        let Some(key) = self.ue_of(assoc, stream, m.amf_ue_ngap_id, m.ran_ue_ngap_id) else {
            return;
        };
        if let Some(b) = self.ues.get_mut(&key).and_then(|u| u.ran.as_mut()) {
            b.context_setup = true;
        }
        self.session_results(key, crate::ngap_sm::initial_context_setup_response(bytes));
        self.flush_pending_sm(key);
    }

    /// The Setup Response / Unsuccessful Transfers of a response, to the SMFs.
    fn session_results(&mut self, key: UeKey, r: crate::ngap_sm::Outcomes) {
        use ferrocore_sbi::nsmf_pdusession::N2SmInfoType;
        self.session_outcomes(
            key,
            r,
            N2SmInfoType::PduResSetupRsp,
            N2SmInfoType::PduResSetupFail,
        );
    }

    /// The transfers of the succeeded and the failed sessions of a response, each to
    /// its SMF as N2 SM information of type `ok` / `failed`.
    fn session_outcomes(
        &mut self,
        key: UeKey,
        r: crate::ngap_sm::Outcomes,
        ok: ferrocore_sbi::nsmf_pdusession::N2SmInfoType,
        failed: ferrocore_sbi::nsmf_pdusession::N2SmInfoType,
    ) {
        let (done, not_done) = match r {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "PDU session lists not readable");
                return;
            }
        };
        for (psi, t) in done {
            self.sm_n2_report(key, psi, ok.clone(), t);
        }
        for (psi, t) in not_done {
            tracing::warn!(psi, kind = ?failed, "PDU session resources not set up or modified");
            self.sm_n2_report(key, psi, failed.clone(), t);
        }
    }

    /// PDU SESSION RESOURCE SETUP RESPONSE (TS 38.413 §8.2.1.2): each session's Setup
    /// Response Transfer (or Setup Unsuccessful Transfer) to its SMF in Update SM
    /// Context, n2SmInfoType PDU_RES_SETUP_RSP / PDU_RES_SETUP_FAIL (TS 23.502
    /// §4.3.2.2.1 step 14).
    fn pdu_session_resource_setup_response(
        &mut self,
        assoc: AssocId,
        stream: u16,
        m: ferrocore_ngap::msg::PduSessionResourceSetupResponse,
        bytes: &[u8],
    ) {
        let Some(key) = self.ue_of(assoc, stream, m.amf_ue_ngap_id, m.ran_ue_ngap_id) else {
            return;
        };
        self.session_results(key, crate::ngap_sm::setup_response(bytes));
    }

    /// PDU SESSION RESOURCE RELEASE RESPONSE (TS 38.413 §8.2.3.2): each session's Release
    /// Response Transfer to its SMF, n2SmInfoType PDU_RES_REL_RSP (TS 23.502 §4.3.4.2
    /// step 8).
    fn pdu_session_resource_release_response(
        &mut self,
        assoc: AssocId,
        stream: u16,
        m: ferrocore_ngap::msg::PduSessionResourceReleaseResponse,
        bytes: &[u8],
    ) {
        use ferrocore_sbi::nsmf_pdusession::N2SmInfoType;
        let Some(key) = self.ue_of(assoc, stream, m.amf_ue_ngap_id, m.ran_ue_ngap_id) else {
            return;
        };
        match crate::ngap_sm::release_response(bytes) {
            Ok(released) => {
                for (psi, t) in released {
                    self.sm_n2_report(key, psi, N2SmInfoType::PduResRelRsp, t);
                }
            }
            Err(e) => tracing::warn!(error = %e, "released sessions not readable"),
        }
    }

    /// PDU SESSION RESOURCE MODIFY RESPONSE (TS 38.413 §8.2.3.2): each modified session's
    /// Modify Response Transfer to its SMF in Update SM Context, n2SmInfoType
    /// PDU_RES_MOD_RSP; each session of the Failed to Modify List with its Modify
    /// Unsuccessful Transfer, PDU_RES_MOD_FAIL (TS 23.502 §4.3.3.2 step 5, TS 29.502
    /// §5.2.2.3.2).
    fn pdu_session_resource_modify_response(
        &mut self,
        assoc: AssocId,
        stream: u16,
        m: ferrocore_ngap::msg::PduSessionResourceModifyResponse,
        bytes: &[u8],
    ) {
        use ferrocore_sbi::nsmf_pdusession::N2SmInfoType;
        let Some(key) = self.ue_of(assoc, stream, m.amf_ue_ngap_id, m.ran_ue_ngap_id) else {
            return;
        };
        self.session_outcomes(
            key,
            crate::ngap_sm::modify_response(bytes),
            N2SmInfoType::PduResModRsp,
            N2SmInfoType::PduResModFail,
        );
    }

    /// INITIAL CONTEXT SETUP FAILURE (TS 38.413 §8.3.1.3): the connection is released.
    fn initial_context_setup_failure(
        &mut self,
        _now: Instant,
        assoc: AssocId,
        stream: u16,
        m: InitialContextSetupFailure,
    ) {
        let Some(key) = self.ue_of(assoc, stream, m.amf_ue_ngap_id, m.ran_ue_ngap_id) else {
            return;
        };
        tracing::warn!(amf_ue_ngap_id = m.amf_ue_ngap_id, cause = ?m.cause, "Initial Context Setup failed");
        self.release_connection(key, Cause::radioNetwork(CauseRadioNetwork::unspecified));
    }

    /// UE CONTEXT RELEASE REQUEST (TS 38.413 §8.3.2): answered with the command.
    fn ue_context_release_request(
        &mut self,
        assoc: AssocId,
        stream: u16,
        m: UeContextReleaseRequest,
    ) {
        let Some(key) = self.ue_of(assoc, stream, m.amf_ue_ngap_id, m.ran_ue_ngap_id) else {
            return;
        };
        tracing::info!(amf_ue_ngap_id = m.amf_ue_ngap_id, cause = ?m.cause, "AN release requested");
        self.release_connection(key, m.cause);
    }

    /// UE CONTEXT RELEASE COMPLETE (TS 38.413 §8.3.3.2): the UE is in CM-IDLE.
    fn ue_context_release_complete(
        &mut self,
        now: Instant,
        assoc: AssocId,
        stream: u16,
        m: UeContextReleaseComplete,
    ) {
        let Some(key) = self.ue_of(assoc, stream, m.amf_ue_ngap_id, m.ran_ue_ngap_id) else {
            return;
        };
        self.metrics.ue_context_release.inc();
        tracing::info!(
            amf_ue_ngap_id = m.amf_ue_ngap_id,
            "UE context released: CM-IDLE"
        );
        self.unbind(now, key);
    }

    /// UE RADIO CAPABILITY INFO INDICATION (TS 38.413 §8.14.1): stored interned, so that
    /// UEs of one model share one copy.
    fn radio_capability(
        &mut self,
        assoc: AssocId,
        stream: u16,
        m: UeRadioCapabilityInfoIndication,
    ) {
        let Some(key) = self.ue_of(assoc, stream, m.amf_ue_ngap_id, m.ran_ue_ngap_id) else {
            return;
        };
        let shared = match self.radio_capabilities.get(m.radio_capability.as_slice()) {
            Some(a) => a.clone(),
            None => {
                let a: Arc<[u8]> = Arc::from(m.radio_capability.into_boxed_slice());
                self.radio_capabilities.insert(a.clone());
                a
            }
        };
        let old = self
            .ues
            .get_mut(&key)
            .and_then(|u| u.radio_capability.replace(shared));
        self.release_radio_capability(old);
        self.metrics
            .radio_capabilities_stored
            .set(self.radio_capabilities.len() as i64);
    }

    /// Drops one reference to an interned capability; the last UE's drop frees it.
    pub(crate) fn release_radio_capability(&mut self, cap: Option<Arc<[u8]>>) {
        if let Some(cap) = cap {
            // The set's reference and this one.
            if Arc::strong_count(&cap) == 2 {
                self.radio_capabilities.remove(&*cap);
            }
            self.metrics
                .radio_capabilities_stored
                .set(self.radio_capabilities.len() as i64);
        }
    }
}

/// A label for an NGAP cause.
pub(crate) fn cause_label(c: &Cause) -> &'static str {
    match c {
        Cause::protocol(p) => match p {
            CauseProtocol::transfer_syntax_error => "transfer_syntax_error",
            CauseProtocol::abstract_syntax_error_reject => "abstract_syntax_error_reject",
            CauseProtocol::abstract_syntax_error_ignore_and_notify => {
                "abstract_syntax_error_ignore_and_notify"
            }
            CauseProtocol::message_not_compatible_with_receiver_state => {
                "message_not_compatible_with_receiver_state"
            }
            CauseProtocol::semantic_error => "semantic_error",
            CauseProtocol::abstract_syntax_error_falsely_constructed_message => {
                "abstract_syntax_error_falsely_constructed_message"
            }
            _ => "protocol_unspecified",
        },
        Cause::radioNetwork(CauseRadioNetwork::unknown_local_UE_NGAP_ID) => {
            "unknown_local_ue_ngap_id"
        }
        Cause::radioNetwork(CauseRadioNetwork::inconsistent_remote_UE_NGAP_ID) => {
            "inconsistent_remote_ue_ngap_id"
        }
        Cause::radioNetwork(_) => "radio_network",
        Cause::transport(_) => "transport",
        Cause::nas(_) => "nas",
        Cause::misc(_) => "misc",
        _ => "other",
    }
}
