//! The service request procedure (TS 24.501 §5.6.1) from the UE side: a registered UE in
//! 5GMM-IDLE brings its NAS signalling connection back for signalling, for uplink data,
//! or because it was paged.

use std::time::Instant;

use ferrocore_nas::identity::MobileIdentity;
use ferrocore_nas::ies::pdu_session_status;
use ferrocore_nas::types::{
    NasKeySetIdentifier, NasMessageContainer, NasPduSessionStatus, NasServiceAccept,
    NasServiceReject, NasServiceRequest, NasServiceType, NasUplinkDataStatus,
};
use ferrocore_nas::{NasMessage, SecurityHeaderType};
use ferrocore_nas_security::{BEARER_3GPP, Direction};
use tracing::{debug, info, warn};

use super::{Timer, Ue, UeOutput, UeState};
use crate::error::SimError;

/// Why the UE sets up its connection: the service type of TS 24.501 §9.11.3.50 (and the
/// RRC establishment cause the gNB puts in INITIAL UE MESSAGE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceType {
    /// Signalling (mo-Signalling).
    Signalling,
    /// Uplink user data (mo-Data).
    Data,
    /// Answer to paging (mt-Access).
    MobileTerminated,
}

/// SERVICE REJECT causes after which the UE forgets its 5G-GUTI and context and counts
/// as de-registered (§5.6.1.5): #3, #6, #7, #9, #10.
const REJECT_DEREGISTERS: &[u8] = &[3, 6, 7, 9, 10];

impl Ue {
    /// Whether a service request is under way (T3517 running).
    pub fn service_pending(&self) -> bool {
        self.timers.is_running(Timer::T3517)
    }

    /// SERVICE REQUEST (TS 24.501 §5.6.1.2) as the initial message of a new NAS signalling
    /// connection: ngKSI, service type and 5G-S-TMSI in clear; the whole message, with the
    /// uplink data status (the PSIs in `uplink`) and the PDU session status, ciphered in
    /// the NAS message container (§4.4.6); integrity protected with the current context.
    /// T3517. Ignored unless the UE is registered, idle and holds a 5G-GUTI and a context.
    pub(crate) fn start_service_request(&mut self, now: Instant, kind: ServiceType, uplink: &[u8]) {
        if self.state != UeState::Registered || self.connected || self.service_pending() {
            debug!(state = ?self.state, connected = self.connected, "no service request now");
            return;
        }
        match self.service_request_pdu(kind, uplink) {
            Ok((pdu, s_tmsi)) => {
                info!(?kind, ?uplink, "SERVICE REQUEST");
                self.timers.start(Timer::T3517, now);
                self.emit_nas_for(pdu, Some(s_tmsi), kind);
            }
            Err(e) => {
                warn!(error = %e, "cannot build SERVICE REQUEST");
                self.service_failed(None);
            }
        }
    }

    fn service_request_pdu(
        &mut self,
        kind: ServiceType,
        uplink: &[u8],
    ) -> Result<(Vec<u8>, ferrocore_nas::types::STmsi), SimError> {
        let guti = self
            .guti
            .ok_or_else(|| SimError::Config("no 5G-GUTI for a service request".into()))?;
        let s_tmsi = guti.s_tmsi();
        let active = self.active_psis();
        let ng_ksi = self.ng_ksi();
        let ctx = self
            .current
            .as_mut()
            .ok_or_else(|| SimError::Config("no security context".into()))?;
        let service_type = NasServiceType::from_service_type(match kind {
            ServiceType::Signalling => ferrocore_nas::types::ServiceType::Signalling,
            ServiceType::Data => ferrocore_nas::types::ServiceType::Data,
            ServiceType::MobileTerminated => {
                ferrocore_nas::types::ServiceType::MobileTerminatedServices
            }
        });
        let mut clear = NasServiceRequest::new(
            NasKeySetIdentifier::new(ng_ksi),
            service_type,
            MobileIdentity::STmsi(s_tmsi).to_ie()?,
        );
        let mut full = clear.clone();
        let bad = |e: ferrocore_nas::types::ValueError| SimError::Config(e.to_string());
        if !uplink.is_empty() {
            full.uplink_data_status =
                Some(NasUplinkDataStatus::from_sessions(uplink).map_err(bad)?);
        }
        full.pdu_session_status = Some(NasPduSessionStatus::from_sessions(&active).map_err(bad)?);
        let mut container = ferrocore_nas::encode(&NasMessage::mm(full))?;
        ctx.nea().apply(
            ctx.knas_enc(),
            ctx.uplink_count().value(),
            BEARER_3GPP,
            Direction::Uplink.bit(),
            &mut container,
        );
        clear.nas_message_container = Some(NasMessageContainer::new(container));
        let plain = ferrocore_nas::encode(&NasMessage::mm(clear))?;
        let pdu = ctx.protect(&plain, SecurityHeaderType::IntegrityProtected)?;
        Ok((pdu, s_tmsi))
    }

    /// PAGING reached the UE (TS 24.501 §5.6.2.2.1): a service request with service type
    /// "mobile terminated services".
    pub(crate) fn paged(&mut self, now: Instant, uplink: &[u8]) {
        let span = self.span.clone();
        let _g = span.enter();
        self.start_service_request(now, ServiceType::MobileTerminated, uplink);
    }

    /// Uplink data for sessions whose user plane is down (TS 24.501 §5.6.1.1 b)).
    pub(crate) fn uplink_data_pending(&mut self, now: Instant, psis: &[u8]) {
        let span = self.span.clone();
        let _g = span.enter();
        self.start_service_request(now, ServiceType::Data, psis);
    }

    /// SERVICE ACCEPT (TS 24.501 §5.6.1.4.1): T3517 stops; sessions the network's PDU
    /// session status lists as inactive are released locally; held 5GSM messages go.
    pub(crate) fn on_service_accept(&mut self, now: Instant, accept: &NasServiceAccept) {
        if !self.service_pending() {
            debug!("SERVICE ACCEPT without a service request: ignored");
            return;
        }
        self.timers.stop(Timer::T3517);
        if let Some(status) = &accept.pdu_session_status {
            self.sync_session_status(&pdu_session_status(status));
        }
        info!("service accepted");
        self.outputs
            .push_back(UeOutput::ServiceAccepted { at: now });
        self.flush_held_sm();
    }

    /// SERVICE REJECT (TS 24.501 §5.6.1.5): the procedure ends; #3/#6/#7/#9/#10 take the
    /// UE's registration with them.
    pub(crate) fn on_service_reject(&mut self, reject: &NasServiceReject) {
        let cause = reject.fgmm_cause.value;
        info!(cause, "SERVICE REJECT");
        self.timers.stop(Timer::T3517);
        if REJECT_DEREGISTERS.contains(&cause) {
            self.forget_identity();
            self.service_failed(Some(cause));
            self.finish_deregistration();
        } else {
            self.service_failed(Some(cause));
        }
    }

    /// The procedure failed: what waited for it is dropped, 5GSM requests time out on
    /// their own timers.
    pub(crate) fn service_failed(&mut self, cause: Option<u8>) {
        self.held_sm.clear();
        self.outputs.push_back(UeOutput::ServiceFailed { cause });
    }
}
