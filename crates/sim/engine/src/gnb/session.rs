//! PDU session resources (TS 38.413 §8.2: setup, modify, release), paging (§8.5) and the
//! gNB-initiated UE context release that takes a UE to CM-IDLE (§8.3.2).

use std::time::Instant;

use ferrocore_ngap::msg::{
    Paging, PduSessionResourceModifyRequest, PduSessionResourceModifyResponse,
    PduSessionResourceReleaseCommand, PduSessionResourceReleaseResponse,
    PduSessionResourceSetupRequest, PduSessionResourceSetupResponse, SessionModifyFailure,
    SessionModifyResult, SessionSetupItem, SessionSetupResult, UeContextReleaseRequest,
};
use ferrocore_ngap::transfer::{
    ModifyResponseTransfer, ModifyUnsuccessfulTransfer, QosFlowRequest, SetupResponseTransfer,
    is_gbr_5qi,
};
use ferrocore_ngap::{Cause, CauseProtocol, CauseRadioNetwork, NgapMessage};
use tracing::{debug, info, warn};

use super::Gnb;
use crate::{SimEvent, UeId, UeState};

/// The QoS flows of a setup or modify request this gNB takes, and those it refuses: a
/// flow of a GBR 5QI without GBR QoS Flow Information (TS 38.413 §9.3.1.10: "shall be
/// present for GBR QoS flows") is reported as failed (§8.2.1.4, §8.2.3.4: "with an
/// appropriate cause value"; here protocol "semantic error", §9.3.1.2).
fn admit(flows: &[QosFlowRequest]) -> (Vec<u8>, Vec<(u8, Cause)>) {
    let mut taken = Vec::with_capacity(flows.len());
    let mut refused = Vec::new();
    for f in flows {
        if is_gbr_5qi(f.five_qi) && f.gbr.is_none() {
            warn!(
                qfi = f.qfi,
                five_qi = f.five_qi,
                "GBR QoS flow without GBR QoS Flow Information: refused"
            );
            refused.push((f.qfi, Cause::protocol(CauseProtocol::semantic_error)));
        } else {
            taken.push(f.qfi);
        }
    }
    (taken, refused)
}

impl Gnb {
    /// Sets up the user plane of each session of a PDU Session Resource Setup List (of
    /// PDU SESSION RESOURCE SETUP REQUEST or INITIAL CONTEXT SETUP REQUEST): reads the
    /// Setup Request Transfer (UL NG-U UP TNL information, QoS flows; TS 38.413
    /// §9.3.4.1), allocates a DL TEID, and answers with the Setup Response Transfer (the
    /// gNB's N3 address and TEID, the QoS flows set up, and in the QoS Flow Failed to
    /// Setup List those refused by [`admit`]; §9.3.4.2).
    pub(super) fn setup_sessions(
        &mut self,
        ue: UeId,
        items: &[SessionSetupItem],
    ) -> Vec<SessionSetupResult> {
        items
            .iter()
            .map(|item| {
                let (qfis, failed) = admit(&item.transfer.qos_flows);
                let dl = self.setup_tunnel(
                    ue,
                    item.pdu_session_id,
                    item.transfer.ul_tunnel,
                    qfis.clone(),
                );
                SessionSetupResult {
                    pdu_session_id: item.pdu_session_id,
                    transfer: SetupResponseTransfer {
                        dl_tunnel: dl,
                        qfis,
                        failed,
                    },
                }
            })
            .collect()
    }

    /// PDU SESSION RESOURCE SETUP REQUEST (TS 38.413 §8.2.1.2): the tunnels go up, the
    /// NAS-PDUs (PDU SESSION ESTABLISHMENT ACCEPT) go to the UE, PDU SESSION RESOURCE
    /// SETUP RESPONSE with a Setup Response Transfer per session. Packets the UE held
    /// for these sessions go out.
    pub(super) fn on_session_setup(&mut self, now: Instant, m: PduSessionResourceSetupRequest) {
        let (amf_id, ran_id) = (m.amf_ue_ngap_id, m.ran_ue_ngap_id);
        let Some(ue) = self.connection_for(amf_id, ran_id) else {
            return;
        };
        let setup = self.setup_sessions(ue, &m.sessions);
        info!(ue, sessions = setup.len(), "PDU session resources set up");
        let rsp = PduSessionResourceSetupResponse {
            amf_ue_ngap_id: amf_id,
            ran_ue_ngap_id: ran_id,
            setup,
        };
        match rsp.encode() {
            Ok(b) => self.transmits.push_back((self.stream_of(ran_id), b)),
            Err(e) => warn!(error = %e, "cannot encode PDU SESSION RESOURCE SETUP RESPONSE"),
        }
        if let Some(nas) = &m.nas_pdu {
            self.deliver(now, ue, ran_id, nas);
        }
        for item in &m.sessions {
            if let Some(nas) = &item.nas_pdu {
                self.deliver(now, ue, ran_id, nas);
            }
        }
        self.flush_pending_uplink(ue);
    }

    /// PDU SESSION RESOURCE MODIFY REQUEST (TS 38.413 §8.2.3.2): each session with a
    /// tunnel here takes the Modify Request Transfer's flows (added or modified flows
    /// accepted but those [`admit`] refuses, flows to release dropped; §9.3.4.3) and is
    /// answered in the Modify Response List with a Modify Response Transfer listing the
    /// flows added or modified and, in the QoS Flow Failed to Add or Modify List, those
    /// refused (§9.3.4.4); a session without resources here goes in the Failed to Modify List,
    /// cause "unknown PDU session ID" (§9.3.4.16). Then the NAS-PDUs (PDU SESSION
    /// MODIFICATION COMMAND) go to the UE.
    pub(super) fn on_session_modify(&mut self, now: Instant, m: PduSessionResourceModifyRequest) {
        let (amf_id, ran_id) = (m.amf_ue_ngap_id, m.ran_ue_ngap_id);
        let Some(ue) = self.connection_for(amf_id, ran_id) else {
            return;
        };
        let mut modified = Vec::new();
        let mut failed = Vec::new();
        for item in &m.sessions {
            let psi = item.pdu_session_id;
            let (add, refused) = admit(&item.transfer.add_or_modify);
            let release: Vec<u8> = item.transfer.release.iter().map(|(q, _)| *q).collect();
            if self.modify_tunnel(ue, psi, &add, &release) {
                modified.push(SessionModifyResult {
                    pdu_session_id: psi,
                    transfer: ModifyResponseTransfer {
                        dl_tunnel: None,
                        qfis: add,
                        failed: refused,
                    },
                });
            } else {
                warn!(
                    ue,
                    psi, "MODIFY REQUEST for a session without resources here"
                );
                failed.push(SessionModifyFailure {
                    pdu_session_id: psi,
                    transfer: ModifyUnsuccessfulTransfer {
                        cause: Cause::radioNetwork(CauseRadioNetwork::unknown_PDU_session_ID),
                    },
                });
            }
        }
        info!(
            ue,
            modified = modified.len(),
            failed = failed.len(),
            "PDU session resources modified"
        );
        let rsp = PduSessionResourceModifyResponse {
            amf_ue_ngap_id: amf_id,
            ran_ue_ngap_id: ran_id,
            modified,
            failed,
        };
        match rsp.encode() {
            Ok(b) => self.transmits.push_back((self.stream_of(ran_id), b)),
            Err(e) => warn!(error = %e, "cannot encode PDU SESSION RESOURCE MODIFY RESPONSE"),
        }
        for item in &m.sessions {
            if let Some(nas) = &item.nas_pdu {
                self.deliver(now, ue, ran_id, nas);
            }
        }
    }

    /// PDU SESSION RESOURCE RELEASE COMMAND (TS 38.413 §8.2.2.2): the tunnels go, the
    /// NAS-PDU (PDU SESSION RELEASE COMMAND) goes to the UE, PDU SESSION RESOURCE RELEASE
    /// RESPONSE lists every session of the command.
    pub(super) fn on_session_release(&mut self, now: Instant, m: PduSessionResourceReleaseCommand) {
        let (amf_id, ran_id) = (m.amf_ue_ngap_id, m.ran_ue_ngap_id);
        let Some(ue) = self.connection_for(amf_id, ran_id) else {
            return;
        };
        let released: Vec<u8> = m.sessions.iter().map(|s| s.pdu_session_id).collect();
        for psi in &released {
            self.remove_tunnel(ue, *psi);
        }
        let rsp = PduSessionResourceReleaseResponse {
            amf_ue_ngap_id: amf_id,
            ran_ue_ngap_id: ran_id,
            released,
        };
        match rsp.encode() {
            Ok(b) => self.transmits.push_back((self.stream_of(ran_id), b)),
            Err(e) => warn!(error = %e, "cannot encode PDU SESSION RESOURCE RELEASE RESPONSE"),
        }
        if let Some(nas) = &m.nas_pdu {
            self.deliver(now, ue, ran_id, nas);
        }
    }

    /// PAGING (TS 38.413 §8.5.1.2): the UE whose 5G-GUTI has this 5G-S-TMSI, if it camps
    /// here in CM-IDLE, answers with a service request (TS 24.501 §5.6.2.2.1). Paging
    /// for a UE that is not here, or that is connected, is ignored.
    pub(super) fn on_paging(&mut self, now: Instant, m: Paging) {
        let want = m.five_g_s_tmsi;
        let found = self.ues.iter().position(|s| {
            s.ue.guti().is_some_and(|g| {
                let t = g.s_tmsi();
                t.tmsi() == want.tmsi
                    && t.amf_set_id() == want.set_id
                    && t.amf_pointer() == want.pointer
            })
        });
        let Some(ue) = found else {
            debug!(tmsi = want.tmsi, "PAGING for no UE of this gNB");
            return;
        };
        let Some(slot) = self.ues.get_mut(ue) else {
            return;
        };
        if slot.ue.is_connected() || slot.ue.state() != UeState::Registered {
            debug!(
                ue,
                "PAGING for a UE that is connected or not registered: ignored"
            );
            return;
        }
        info!(ue, "paged");
        self.events.push_back(SimEvent::Paged { ue });
        let mut psis: Vec<u8> = slot.pending_ul.iter().map(|(p, _)| *p).collect();
        psis.sort_unstable();
        psis.dedup();
        slot.ue.paged(now, &psis);
        self.drain_ue(now, ue);
    }

    /// Takes `ue` to CM-IDLE: UE CONTEXT RELEASE REQUEST, cause "user inactivity", with
    /// the sessions whose user plane is up (TS 38.413 §8.3.2.2). The connection, and the
    /// tunnels, stay until the AMF's UE CONTEXT RELEASE COMMAND. Nothing happens for a
    /// UE without a connection the AMF knows.
    pub fn release_ue(&mut self, _now: Instant, ue: UeId) {
        let Some(slot) = self.ues.get(ue) else {
            return;
        };
        let Some(ran_id) = slot.conn else {
            return;
        };
        let mut pdu_session_ids: Vec<u8> = slot.tunnels.iter().map(|t| t.psi).collect();
        pdu_session_ids.sort_unstable();
        let Some(amf_id) = self.connections.get(&ran_id).and_then(|c| c.amf_id) else {
            return;
        };
        let msg = UeContextReleaseRequest {
            amf_ue_ngap_id: amf_id,
            ran_ue_ngap_id: ran_id,
            pdu_session_ids,
            cause: Cause::radioNetwork(CauseRadioNetwork::user_inactivity),
        };
        match msg.encode() {
            Ok(b) => {
                debug!(
                    ue,
                    ran_ue_ngap_id = ran_id,
                    "UE CONTEXT RELEASE REQUEST (inactivity)"
                );
                self.transmits.push_back((self.stream_of(ran_id), b));
            }
            Err(e) => warn!(error = %e, "cannot encode UE CONTEXT RELEASE REQUEST"),
        }
    }
}
