//! The benchmark's sample messages, shared by `benches/ngap.rs` and
//! `examples/decode_loop.rs` (which includes this file with `#[path]`).

use ferrocore_ngap::msg::*;
use ferrocore_ngap::transfer::*;
use ferrocore_ngap::*;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

/// Plain REGISTRATION REQUEST (TS 24.501 §8.2.6).
const REGISTRATION_REQUEST: &str = "7e004179000d0102f8390000000000000010022e08a020000000000000";
/// Plain DL NAS TRANSPORT (§8.2.11) carrying a PDU SESSION RELEASE COMMAND (§8.3.14).
const DL_NAS_TRANSPORT: &str = "7e00680100052e0501d3241205";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn plmn() -> Plmn {
    Plmn([0x02, 0xf8, 0x39])
}

pub fn initial_ue_message() -> InitialUeMessage {
    InitialUeMessage {
        ran_ue_ngap_id: 7,
        nas_pdu: unhex(REGISTRATION_REQUEST),
        location: UserLocation {
            cgi: NrCgi {
                plmn: plmn(),
                cell_id: 0x0_1234_5601,
            },
            tai: Tai {
                plmn: plmn(),
                tac: [0, 0, 1],
            },
        },
        rrc_establishment_cause: RrcEstablishmentCause::mo_Signalling,
        five_g_s_tmsi: None,
        ue_context_requested: true,
    }
}

pub fn setup_request() -> PduSessionResourceSetupRequest {
    PduSessionResourceSetupRequest {
        amf_ue_ngap_id: 42,
        ran_ue_ngap_id: 7,
        nas_pdu: None,
        sessions: vec![SessionSetupItem {
            pdu_session_id: 5,
            nas_pdu: Some(unhex(DL_NAS_TRANSPORT)),
            snssai: Snssai {
                sst: 1,
                sd: Some([1, 2, 3]),
            },
            transfer: SetupRequestTransfer {
                session_ambr: Some(Ambr {
                    downlink: 1_000_000_000,
                    uplink: 500_000_000,
                }),
                ul_tunnel: GtpTunnel {
                    addr: IpAddr::V4(Ipv4Addr::new(10, 100, 200, 1)),
                    teid: 0x1001,
                },
                session_type: PduSessionType::ipv4,
                qos_flows: vec![QosFlowRequest {
                    qfi: 1,
                    five_qi: 9,
                    arp_priority: 8,
                    gbr: None,
                }],
            },
        }],
    }
}

/// Decodes everything: the message, its transfers and its NAS-PDUs.
pub fn full_decode(bytes: &[u8]) -> usize {
    match decode_message(bytes).expect("decodes") {
        Message::InitialUeMessage(m) => {
            let nas = ferrocore_nas::decode(&m.nas_pdu).expect("NAS decodes");
            black_box(&nas);
            m.nas_pdu.len()
        }
        Message::PduSessionResourceSetupRequest(m) => {
            let mut n = 0;
            for s in &m.sessions {
                if let Some(p) = &s.nas_pdu {
                    black_box(ferrocore_nas::decode(p).expect("NAS decodes"));
                    n += p.len();
                }
                n += s.transfer.qos_flows.len();
            }
            n
        }
        other => panic!("unexpected {}", other.name()),
    }
}
