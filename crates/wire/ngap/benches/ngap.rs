//! Full typed decode and encode of InitialUEMessage and PDUSessionResourceSetupRequest:
//! the PDU, every IE of the message, the nested Setup Request Transfer, and the nested
//! NAS-PDU(s) decoded by ferrocore-nas.
//!
//! `cargo bench -p ferrocore-ngap -- --warm-up-time 1 --measurement-time 3`

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use ferrocore_ngap::msg::*;
use ferrocore_ngap::transfer::*;
use ferrocore_ngap::*;
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

fn initial_ue_message() -> InitialUeMessage {
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

fn setup_request() -> PduSessionResourceSetupRequest {
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
                }],
            },
        }],
    }
}

/// Decodes everything: the message, its transfers and its NAS-PDUs.
fn full_decode(bytes: &[u8]) -> usize {
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

fn bench(c: &mut Criterion) {
    let cases: [(&str, Message); 2] = [
        ("InitialUEMessage", initial_ue_message().into()),
        ("PDUSessionResourceSetupRequest", setup_request().into()),
    ];
    let mut g = c.benchmark_group("ngap");
    g.throughput(Throughput::Elements(1));
    for (name, m) in &cases {
        let bytes = m.encode().unwrap();
        full_decode(&bytes);
        g.bench_function(format!("decode_full/{name}"), |b| {
            b.iter(|| full_decode(black_box(&bytes)))
        });
        // The split: NGAP alone (message, IEs, transfers), without the NAS decode.
        g.bench_function(format!("decode_ngap_only/{name}"), |b| {
            b.iter(|| decode_message(black_box(&bytes)).unwrap())
        });
        g.bench_function(format!("encode/{name}"), |b| {
            b.iter(|| black_box(m).encode().unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
