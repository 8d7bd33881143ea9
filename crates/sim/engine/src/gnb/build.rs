//! The NGAP messages the gNB originates (TS 38.413 §9.2).

use ferrocore_ngap::msg::{
    ErrorIndication, NgSetupRequest, UeContextReleaseRequest, UeRadioCapabilityInfoIndication,
};
use ferrocore_ngap::{
    Cause, CauseRadioNetwork, GnbId, NgapMessage, NrCgi, PagingDrx, PlmnSlices, Snssai,
    SupportedTa, Tai, UserLocation,
};
use tracing::{debug, warn};

use super::{Gnb, NON_UE_STREAM, radio_capability};
use crate::UeId;
use crate::error::SimError;

/// A 24-bit value as three big-endian octets.
pub(crate) fn be3(v: u32) -> [u8; 3] {
    let b = v.to_be_bytes();
    [b[1], b[2], b[3]]
}

impl Gnb {
    /// NG SETUP REQUEST (TS 38.413 §9.2.6.1): Global gNB ID, RAN node name, the supported
    /// TA with its PLMN and slices, default paging DRX v128.
    pub(super) fn ng_setup_request(&self) -> Result<Vec<u8>, SimError> {
        let plmn = self
            .plmn
            .ok_or_else(|| SimError::Config("MCC / MNC".into()))?;
        let slices = self
            .config
            .slices
            .iter()
            .map(|(sst, sd)| Snssai {
                sst: *sst,
                sd: sd.map(be3),
            })
            .collect();
        let msg = NgSetupRequest {
            gnb: GnbId {
                plmn,
                id: self.config.gnb_id,
                bits: self.config.gnb_id_bits,
            },
            ran_node_name: Some(self.config.name.clone()),
            supported_tas: vec![SupportedTa {
                tac: be3(self.config.tac),
                plmns: vec![PlmnSlices { plmn, slices }],
            }],
            paging_drx: PagingDrx::v128,
        };
        Ok(msg.encode()?)
    }

    /// NR user location information: the cell and its TAI (TS 38.413 §9.3.1.16).
    pub(super) fn location(&self) -> Option<UserLocation> {
        let plmn = self.plmn?;
        Some(UserLocation {
            cgi: NrCgi {
                plmn,
                cell_id: self.config.nr_cell_id,
            },
            tai: Tai {
                plmn,
                tac: be3(self.config.tac),
            },
        })
    }

    /// The UE left its connection: UE CONTEXT RELEASE REQUEST (TS 38.413 §8.3.2) when the
    /// AMF knows the connection; the connection stays until the AMF's release command.
    pub(super) fn release_locally(&mut self, id: UeId) {
        let Some(ran_id) = self.ues.get_mut(id).and_then(|s| s.conn.take()) else {
            return;
        };
        let Some(conn) = self.connections.get(&ran_id) else {
            return;
        };
        let Some(amf_id) = conn.amf_id else {
            // The AMF never answered: nothing to release on its side.
            self.connections.remove(&ran_id);
            return;
        };
        let msg = UeContextReleaseRequest {
            amf_ue_ngap_id: amf_id,
            ran_ue_ngap_id: ran_id,
            pdu_session_ids: Vec::new(),
            cause: Cause::radioNetwork(CauseRadioNetwork::radio_connection_with_ue_lost),
        };
        match msg.encode() {
            Ok(bytes) => {
                debug!(ran_ue_ngap_id = ran_id, "UE CONTEXT RELEASE REQUEST");
                self.transmits.push_back((self.stream_of(ran_id), bytes));
            }
            Err(e) => warn!(error = %e, "cannot encode UE CONTEXT RELEASE REQUEST"),
        }
    }

    /// UE RADIO CAPABILITY INFO INDICATION (TS 38.413 §8.14.1), once per connection,
    /// after the UE registered.
    pub(super) fn send_radio_capability(&mut self, id: UeId) {
        let Some(ran_id) = self.ues.get(id).and_then(|s| s.conn) else {
            return;
        };
        let stream = self.stream_of(ran_id);
        let Some(conn) = self.connections.get_mut(&ran_id) else {
            return;
        };
        let Some(amf_id) = conn.amf_id.filter(|_| !conn.capability_sent) else {
            return;
        };
        conn.capability_sent = true;
        let msg = UeRadioCapabilityInfoIndication {
            amf_ue_ngap_id: amf_id,
            ran_ue_ngap_id: ran_id,
            radio_capability: radio_capability::UE_RADIO_CAPABILITY.to_vec(),
        };
        match msg.encode() {
            Ok(bytes) => self.transmits.push_back((stream, bytes)),
            Err(e) => warn!(error = %e, "cannot encode UE RADIO CAPABILITY INFO INDICATION"),
        }
    }

    /// ERROR INDICATION (TS 38.413 §8.7.5) with the IDs that are known; on the
    /// connection's stream when there is one, else stream 0.
    pub(super) fn error_indication(
        &mut self,
        amf_id: Option<u64>,
        ran_id: Option<u32>,
        cause: Option<Cause>,
    ) {
        let msg = ErrorIndication {
            amf_ue_ngap_id: amf_id,
            ran_ue_ngap_id: ran_id,
            cause,
        };
        let stream = match (amf_id, ran_id) {
            (Some(_), Some(r)) => self.stream_of(r),
            _ => NON_UE_STREAM,
        };
        match msg.encode() {
            Ok(bytes) => self.transmits.push_back((stream, bytes)),
            Err(e) => warn!(error = %e, "cannot encode ERROR INDICATION"),
        }
    }
}
