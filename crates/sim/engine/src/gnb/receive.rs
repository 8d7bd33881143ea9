//! The gNB's handlers, one per NGAP message from the AMF (TS 38.413 §8).

use std::time::Instant;

use ferrocore_ngap::msg::{
    AmfConfigurationUpdateAcknowledge, DownlinkNasTransport, InitialContextSetupRequest,
    InitialContextSetupResponse, NgReset, NgResetAcknowledge, ResetType, UeConnection,
    UeContextReleaseCommand, UeContextReleaseComplete, UeNgapIds,
};
use ferrocore_ngap::{Cause, CauseRadioNetwork, Message, NgapMessage, decode_message};
use tracing::{debug, info, warn};

use super::{Gnb, NON_UE_STREAM, NgState};
use crate::SimEvent;

impl Gnb {
    pub(super) fn receive(&mut self, now: Instant, stream: u16, bytes: &[u8]) {
        let message = match decode_message(bytes) {
            Ok(m) => m,
            Err(e) => {
                // TS 38.413 §10: answer with ERROR INDICATION and the protocol cause.
                warn!(stream, error = %e, "undecodable NGAP");
                self.events.push_back(SimEvent::ProtocolError {
                    detail: e.to_string(),
                });
                self.error_indication(None, None, e.ngap_cause());
                return;
            }
        };
        debug!(stream, message = message.name(), "NGAP in");
        match message {
            Message::NgSetupResponse(r) => {
                if matches!(self.ng, NgState::SetupSent { .. }) {
                    info!(amf = %r.amf_name, "NG Setup done");
                    self.ng = NgState::Ready;
                    self.events.push_back(SimEvent::NgSetupDone);
                    let waiting: Vec<_> = self.waiting.drain(..).collect();
                    for (ue, pdu, s_tmsi, cause) in waiting {
                        self.initial_message(ue, pdu, s_tmsi, cause);
                    }
                }
            }
            Message::NgSetupFailure(f) => {
                if matches!(self.ng, NgState::SetupSent { .. }) {
                    self.ng = NgState::Failed;
                    self.events.push_back(SimEvent::NgSetupFailed {
                        cause: format!("{:?}", f.cause),
                    });
                }
            }
            Message::DownlinkNasTransport(m) => self.on_downlink_nas(now, m),
            Message::InitialContextSetupRequest(m) => self.on_initial_context_setup(now, m),
            Message::UeContextReleaseCommand(m) => self.on_release_command(now, m),
            Message::ErrorIndication(e) => {
                let cause = e
                    .cause
                    .map_or_else(|| "no cause".to_owned(), |c| format!("{c:?}"));
                warn!(%cause, "ERROR INDICATION from the AMF");
                self.events.push_back(SimEvent::ErrorIndication { cause });
            }
            Message::NgReset(r) => self.on_ng_reset(now, r),
            Message::AmfConfigurationUpdate(_) => {
                // §8.7.3: acknowledge; the simulator keeps no AMF configuration.
                if let Ok(b) = AmfConfigurationUpdateAcknowledge.encode() {
                    self.transmits.push_back((NON_UE_STREAM, b));
                }
            }
            Message::Paging(m) => self.on_paging(now, m),
            Message::PduSessionResourceSetupRequest(m) => self.on_session_setup(now, m),
            Message::PduSessionResourceReleaseCommand(m) => self.on_session_release(now, m),
            Message::PduSessionResourceModifyRequest(m) => self.on_session_modify(now, m),
            other => {
                let detail = format!("{} not handled by the simulator", other.name());
                debug!(%detail);
                self.events.push_back(SimEvent::ProtocolError { detail });
            }
        }
    }

    /// Finds the connection of a UE-associated message; an unknown RAN UE NGAP ID is
    /// answered with ERROR INDICATION, cause unknown-local-UE-NGAP-ID (§10.6).
    pub(super) fn connection_for(&mut self, amf_id: u64, ran_id: u32) -> Option<crate::UeId> {
        match self.connections.get_mut(&ran_id) {
            Some(conn) => {
                if conn.amf_id.is_none() {
                    conn.amf_id = Some(amf_id);
                    let ue = conn.ue;
                    self.flush_held(ran_id);
                    return Some(ue);
                }
                Some(conn.ue)
            }
            None => {
                warn!(ran_ue_ngap_id = ran_id, "unknown RAN UE NGAP ID");
                self.events.push_back(SimEvent::ProtocolError {
                    detail: format!("unknown RAN UE NGAP ID {ran_id}"),
                });
                self.error_indication(
                    Some(amf_id),
                    Some(ran_id),
                    Some(Cause::radioNetwork(
                        CauseRadioNetwork::unknown_local_UE_NGAP_ID,
                    )),
                );
                None
            }
        }
    }

    /// Delivers a NAS PDU to the UE of connection `ran_id`, if it is still its current one.
    pub(super) fn deliver(&mut self, now: Instant, ue: crate::UeId, ran_id: u32, nas: &[u8]) {
        let Some(slot) = self.ues.get_mut(ue) else {
            return;
        };
        if slot.conn != Some(ran_id) {
            debug!(
                ran_ue_ngap_id = ran_id,
                "NAS for a connection the UE left: dropped"
            );
            return;
        }
        slot.ue.receive_nas(now, nas);
        self.drain_ue(now, ue);
    }

    /// DOWNLINK NAS TRANSPORT (TS 38.413 §8.6.2).
    fn on_downlink_nas(&mut self, now: Instant, m: DownlinkNasTransport) {
        if let Some(ue) = self.connection_for(m.amf_ue_ngap_id, m.ran_ue_ngap_id) {
            self.deliver(now, ue, m.ran_ue_ngap_id, &m.nas_pdu);
        }
    }

    /// INITIAL CONTEXT SETUP REQUEST (TS 38.413 §8.3.1.2): the PDU Session Resource
    /// Setup List's tunnels go up (e.g. after a service request, TS 23.502 §4.2.3.2),
    /// INITIAL CONTEXT SETUP RESPONSE with a Setup Response Transfer per session, then the
    /// NAS-PDUs to the UE (the message's, then the sessions'); packets the UE held go out.
    fn on_initial_context_setup(&mut self, now: Instant, m: InitialContextSetupRequest) {
        let (amf_id, ran_id) = (m.amf_ue_ngap_id, m.ran_ue_ngap_id);
        let Some(ue) = self.connection_for(amf_id, ran_id) else {
            return;
        };
        let setup = self.setup_sessions(ue, &m.sessions);
        let rsp = InitialContextSetupResponse {
            amf_ue_ngap_id: amf_id,
            ran_ue_ngap_id: ran_id,
            setup,
        };
        match rsp.encode() {
            Ok(b) => self.transmits.push_back((self.stream_of(ran_id), b)),
            Err(e) => warn!(error = %e, "cannot encode INITIAL CONTEXT SETUP RESPONSE"),
        }
        if let Some(nas) = m.nas_pdu {
            self.deliver(now, ue, ran_id, &nas);
        }
        for item in &m.sessions {
            if let Some(nas) = &item.nas_pdu {
                self.deliver(now, ue, ran_id, nas);
            }
        }
        self.flush_pending_uplink(ue);
    }

    /// UE CONTEXT RELEASE COMMAND (TS 38.413 §8.3.3): UE CONTEXT RELEASE COMPLETE, and the
    /// UE loses its NAS signalling connection.
    fn on_release_command(&mut self, now: Instant, m: UeContextReleaseCommand) {
        let found = match m.ids {
            UeNgapIds::Pair { amf, ran } => self.connections.get(&ran).map(|_| (amf, ran)),
            UeNgapIds::Amf(amf) => self
                .connections
                .values()
                .find(|c| c.amf_id == Some(amf))
                .map(|c| (amf, c.ran_id)),
        };
        let Some((amf_id, ran_id)) = found else {
            let (amf, ran) = match m.ids {
                UeNgapIds::Pair { amf, ran } => (amf, Some(ran)),
                UeNgapIds::Amf(amf) => (amf, None),
            };
            self.events.push_back(SimEvent::ProtocolError {
                detail: "UE CONTEXT RELEASE COMMAND for an unknown UE".into(),
            });
            self.error_indication(
                Some(amf),
                ran,
                Some(Cause::radioNetwork(
                    CauseRadioNetwork::unknown_local_UE_NGAP_ID,
                )),
            );
            return;
        };
        let rsp = UeContextReleaseComplete {
            amf_ue_ngap_id: amf_id,
            ran_ue_ngap_id: ran_id,
            location: self.location(),
        };
        match rsp.encode() {
            Ok(b) => self.transmits.push_back((self.stream_of(ran_id), b)),
            Err(e) => warn!(error = %e, "cannot encode UE CONTEXT RELEASE COMPLETE"),
        }
        self.drop_connection(now, ran_id);
    }

    /// Removes a connection; its UE, if it was the current one, is told, and loses its
    /// user plane (the sessions stay; TS 23.502 §4.2.6). A UE that stays registered is
    /// in CM-IDLE: [`SimEvent::Idle`].
    fn drop_connection(&mut self, now: Instant, ran_id: u32) {
        let Some(conn) = self.connections.remove(&ran_id) else {
            return;
        };
        let ue = conn.ue;
        if let Some(slot) = self.ues.get_mut(ue)
            && slot.conn == Some(ran_id)
        {
            slot.conn = None;
            slot.ue.connection_released(now);
            self.drop_user_plane(ue);
            let registered = self
                .ues
                .get(ue)
                .is_some_and(|s| s.ue.state() == crate::UeState::Registered);
            self.drain_ue(now, ue);
            if registered {
                self.events.push_back(SimEvent::Idle { ue });
            }
        }
    }

    /// NG RESET (TS 38.413 §8.7.4.2.2): the connections go; NG RESET ACKNOWLEDGE.
    fn on_ng_reset(&mut self, now: Instant, r: NgReset) {
        let connections = match &r.reset {
            ResetType::All => {
                let all: Vec<u32> = self.connections.keys().copied().collect();
                for ran_id in all {
                    self.drop_connection(now, ran_id);
                }
                Vec::new()
            }
            ResetType::Partial(list) => {
                let mut acked = Vec::new();
                for c in list {
                    let ran = c.ran_ue_ngap_id.or_else(|| {
                        self.connections
                            .values()
                            .find(|k| k.amf_id.is_some() && k.amf_id == c.amf_ue_ngap_id)
                            .map(|k| k.ran_id)
                    });
                    if let Some(ran) = ran {
                        self.drop_connection(now, ran);
                    }
                    acked.push(UeConnection {
                        amf_ue_ngap_id: c.amf_ue_ngap_id,
                        ran_ue_ngap_id: c.ran_ue_ngap_id,
                    });
                }
                acked
            }
        };
        match (NgResetAcknowledge { connections }).encode() {
            Ok(b) => self.transmits.push_back((NON_UE_STREAM, b)),
            Err(e) => warn!(error = %e, "cannot encode NG RESET ACKNOWLEDGE"),
        }
    }
}
