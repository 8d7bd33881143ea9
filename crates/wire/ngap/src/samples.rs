//! Sample messages for the tests of the crates above (the AMF's, the simulator's): one
//! place for the NGAP they all build, so that a change of a struct here is made once.
//! Not part of the codec's API.

use crate::msg::{PduSessionResourceModifyRequest, SessionModifyItem};
use crate::transfer::{ModifyRequestTransfer, QosFlowRequest};

/// A non-GBR QoS flow `qfi` with `five_qi` and ARP priority level 8 (QoS Flow Level QoS
/// Parameters, TS 38.413 §9.3.1.12).
pub fn non_gbr_flow(qfi: u8, five_qi: u8) -> QosFlowRequest {
    QosFlowRequest {
        qfi,
        five_qi,
        arp_priority: 8,
        gbr: None,
    }
}

/// PDU SESSION RESOURCE MODIFY REQUEST (TS 38.413 §9.2.1.5) for one session `psi` with
/// its 5GSM `nas` and the flows `add_or_modify` (no session-AMBR, nothing released).
pub fn modify_request(
    amf_ue_ngap_id: u64,
    ran_ue_ngap_id: u32,
    psi: u8,
    nas: Vec<u8>,
    add_or_modify: Vec<QosFlowRequest>,
) -> PduSessionResourceModifyRequest {
    PduSessionResourceModifyRequest {
        amf_ue_ngap_id,
        ran_ue_ngap_id,
        sessions: vec![SessionModifyItem {
            pdu_session_id: psi,
            nas_pdu: Some(nas),
            transfer: ModifyRequestTransfer {
                session_ambr: None,
                add_or_modify,
                release: vec![],
            },
        }],
    }
}
