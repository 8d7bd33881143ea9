//! Interop with an independent encoder/decoder: scapy's PFCP (`scapy.contrib.pfcp`),
//! driven by `tests/interop/scapy_pfcp.py` with JSON in and out.

mod common;

/// The SDF filter list of a PDI (`ferrocore_pfcp::List`) from `vec!`-style items.
macro_rules! list {
    ($($t:tt)*) => {
        ferrocore_pfcp::List::from(vec![$($t)*])
    };
}

use std::net::Ipv4Addr;
use std::path::Path;

use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Message, decode, encode};
use ferrocore_testkit::python::run_json;
use serde_json::{Value, json};

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/scapy_pfcp.py")
}

fn bytes_of(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("hex")
}

/// What scapy's builder in the script encodes, as ferrocore's typed value.
fn expected_establishment() -> SessionEstablishmentRequest {
    let internet = NetworkInstance::dnn("internet");
    SessionEstablishmentRequest {
        node_id: NodeId::Ipv4(Ipv4Addr::new(10, 0, 0, 1)),
        cp_fseid: Fseid {
            seid: 0x0102_0304_0506_0708,
            ipv4: Some(Ipv4Addr::new(10, 0, 0, 1)),
            ipv6: None,
        },
        create_pdrs: vec![
            CreatePdr {
                pdr_id: 1,
                precedence: 255,
                pdi: Pdi {
                    source_interface: Interface::Access,
                    local_fteid: Some(Fteid::Choose {
                        ipv4: true,
                        ipv6: false,
                        choose_id: Some(7),
                    }),
                    network_instance: Some(internet),
                    ue_ip_address: None,
                    sdf_filters: list![],
                    qfis: [9].into(),
                },
                outer_header_removal: Some(OuterHeaderRemoval {
                    description: 0,
                    extension_header_deletion: None,
                }),
                far_id: Some(1),
                urr_ids: Default::default(),
                qer_ids: [1].into(),
            },
            CreatePdr {
                pdr_id: 2,
                precedence: 200,
                pdi: Pdi {
                    source_interface: Interface::Core,
                    local_fteid: None,
                    network_instance: None,
                    ue_ip_address: Some(UeIpAddress {
                        ipv4: Some(UeAddr::Address(Ipv4Addr::new(10, 45, 0, 7))),
                        destination: true,
                        ..Default::default()
                    }),
                    sdf_filters: list![SdfFilter {
                        flow_description: Some("permit out ip from any to assigned".into()),
                        ..Default::default()
                    }],
                    qfis: Default::default(),
                },
                outer_header_removal: None,
                far_id: Some(2),
                urr_ids: [1].into(),
                qer_ids: Default::default(),
            },
        ],
        create_fars: vec![
            CreateFar {
                far_id: 1,
                apply_action: ApplyAction::FORW,
                forwarding_parameters: Some(ForwardingParameters {
                    destination_interface: Interface::Core,
                    network_instance: None,
                    outer_header_creation: None,
                    transport_level_marking: None,
                }),
                bar_id: None,
            },
            CreateFar {
                far_id: 2,
                apply_action: ApplyAction::FORW,
                forwarding_parameters: Some(ForwardingParameters {
                    destination_interface: Interface::Access,
                    network_instance: None,
                    outer_header_creation: Some(OuterHeaderCreation::gtpu_ipv4(
                        0x1234,
                        Ipv4Addr::new(10, 0, 1, 9),
                    )),
                    transport_level_marking: None,
                }),
                bar_id: None,
            },
        ],
        create_urrs: vec![CreateUrr {
            urr_id: 1,
            measurement_method: MeasurementMethod {
                duration: false,
                volume: true,
                event: false,
            },
            reporting_triggers: ReportingTriggers(ReportingTriggers::VOLTH),
            measurement_period: None,
            volume_threshold: Some(Volume {
                total: Some(10_000_000),
                uplink: None,
                downlink: None,
            }),
            volume_quota: None,
            time_threshold: None,
            time_quota: None,
            quota_holding_time: None,
            measurement_information: None,
        }],
        create_qers: vec![CreateQer {
            qer_id: 1,
            qer_correlation_id: None,
            gate_status: GateStatus {
                uplink: Gate::Open,
                downlink: Gate::Closed,
            },
            mbr: Some(Bitrate {
                uplink: 100_000,
                downlink: 200_000,
            }),
            gbr: None,
            qfi: Some(9),
        }],
        create_bar: None,
        pdn_type: None,
    }
}

#[test]
fn ferrocore_decodes_what_scapy_builds() {
    let built = run_json(&script(), &json!({"op": "build"}));

    let ser = bytes_of(&built["session_establishment"]);
    let m = decode(&ser).expect("scapy's Session Establishment Request decodes");
    assert_eq!(m.header.seid, Some(0x1122_3344_5566_7788));
    assert_eq!(m.header.sequence, 42);
    assert_eq!(m.body, Body::from(expected_establishment()));
    // Same IEs in the same order with the same encodings: byte-identical re-encoding.
    assert_eq!(hex::encode(encode(&m).unwrap()), hex::encode(&ser));

    let asr = bytes_of(&built["association_setup"]);
    let m = decode(&asr).expect("scapy's Association Setup Request decodes");
    assert_eq!(
        m.header,
        Header {
            seid: None,
            sequence: 7,
            priority: None
        }
    );
    assert_eq!(
        m.body,
        Body::from(AssociationSetupRequest {
            node_id: NodeId::Fqdn("smf.ferrocore.test".into()),
            recovery_time_stamp: 3_900_000_000,
            up_function_features: None,
            cp_function_features: None,
        })
    );
    assert_eq!(encode(&m).unwrap(), asr);
}

/// Every IE scapy saw in one message, in wire order, with its nesting depth.
struct Seen(Value);

impl Seen {
    fn ies(&self) -> &Vec<Value> {
        self.0["ies"].as_array().expect("ies")
    }
    /// Field `name` of every IE of type `ty`, as scapy renders it.
    fn values(&self, ty: u64, name: &str) -> Vec<String> {
        self.ies()
            .iter()
            .filter(|ie| ie["type"] == ty)
            .map(|ie| ie["fields"][name].as_str().unwrap_or("<absent>").to_owned())
            .collect()
    }
}

#[test]
fn scapy_decodes_what_ferrocore_builds() {
    let establishment = Message::session(0x0a0b_0c0d, 99, expected_establishment());
    let samples = common::all_messages();
    let setup = samples
        .iter()
        .find(|m| m.body.message_type() == 5)
        .unwrap()
        .clone();
    let sample_ser = samples
        .iter()
        .find(|m| m.body.message_type() == 50)
        .unwrap()
        .clone();
    let msgs = [establishment, setup, sample_ser];
    let hexes: Vec<String> = msgs
        .iter()
        .map(|m| hex::encode(encode(m).unwrap()))
        .collect();
    let parsed = run_json(&script(), &json!({"op": "parse", "messages": hexes}));
    let parsed: Vec<Seen> = parsed
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .map(Seen)
        .collect();

    for (m, seen) in msgs.iter().zip(&parsed) {
        assert_eq!(seen.0["msg_type"], m.body.message_type());
        assert_eq!(seen.0["seq"], m.header.sequence);
        assert_eq!(seen.0["seid"], json!(m.header.seid));
        // scapy consumed every octet of every IE we wrote, and knew each IE type.
        for ie in seen.ies() {
            let extra = ie["fields"]["extra_data"].as_str().unwrap_or("");
            assert!(
                extra.is_empty(),
                "{}: scapy left octets in {ie}",
                m.body.name()
            );
        }
    }

    let ser = &parsed[0];
    assert_eq!(ser.values(60, "ipv4"), ["10.0.0.1"]);
    assert_eq!(
        ser.values(57, "seid"),
        [(0x0102_0304_0506_0708u64).to_string()]
    );
    assert_eq!(ser.values(56, "id"), ["1", "2"]);
    assert_eq!(ser.values(29, "precedence"), ["255", "200"]);
    assert_eq!(ser.values(20, "interface"), ["0", "1"]);
    assert_eq!(ser.values(21, "CH"), ["1"]);
    assert_eq!(ser.values(21, "choose_id"), ["7"]);
    assert_eq!(ser.values(22, "instance"), ["696e7465726e6574"]); // "internet"
    assert_eq!(ser.values(93, "ipv4"), ["10.45.0.7"]);
    assert_eq!(ser.values(93, "SD"), ["1"]);
    assert_eq!(
        ser.values(23, "flow_description"),
        [hex::encode("permit out ip from any to assigned")]
    );
    assert_eq!(ser.values(124, "QFI"), ["9", "9"]);
    assert_eq!(ser.values(108, "id"), ["1", "2", "1", "2"]);
    assert_eq!(ser.values(44, "FORW"), ["1", "1"]);
    assert_eq!(ser.values(42, "interface"), ["1", "0"]);
    assert_eq!(ser.values(84, "TEID"), [0x1234.to_string()]);
    assert_eq!(ser.values(84, "ipv4"), ["10.0.1.9"]);
    assert_eq!(ser.values(25, "dl"), ["1"]);
    assert_eq!(ser.values(26, "ul"), ["100000"]);
    assert_eq!(ser.values(26, "dl"), ["200000"]);
    assert_eq!(ser.values(31, "total"), ["10000000"]);
    assert_eq!(ser.values(37, "volume_threshold"), ["1"]);
    // Grouping: PDI inside Create PDR, Forwarding Parameters inside Create FAR.
    let depth_of = |ty: u64| -> Vec<u64> {
        ser.ies()
            .iter()
            .filter(|ie| ie["type"] == ty)
            .map(|ie| ie["depth"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(depth_of(1), [0, 0]);
    assert_eq!(depth_of(2), [1, 1]);
    assert_eq!(depth_of(21), [2]);
    assert_eq!(depth_of(84), [2]);

    let setup = &parsed[1];
    assert_eq!(setup.values(60, "ipv4"), ["10.0.0.1"]);
    assert_eq!(
        setup.values(96, "timestamp"),
        [common::RECOVERY.to_string()]
    );

    let sample = &parsed[2];
    assert_eq!(sample.values(56, "id"), ["1", "2"]);
    assert_eq!(sample.values(93, "ipv4"), ["10.45.0.7", "10.45.0.7"]);
}

/// scapy reads our Error Indication Report (TS 29.244 §7.5.8.4) as written: Report Type
/// ERIR only, and each remote F-TEID grouped in the report with its TEID and address.
#[test]
fn scapy_decodes_an_error_indication_report() {
    let sample = common::all_messages()
        .into_iter()
        .find(|m| {
            matches!(&m.body, Body::SessionReportRequest(r) if r.error_indication_report.is_some())
        })
        .expect("an ERIR sample");
    let parsed = run_json(
        &script(),
        &json!({"op": "parse", "messages": [hex::encode(encode(&sample).unwrap())]}),
    );
    let seen = Seen(parsed[0].clone());
    assert_eq!(seen.0["msg_type"], 56);
    assert_eq!(seen.values(39, "ERIR"), ["1"]);
    assert_eq!(seen.values(39, "USAR"), ["0"]);
    assert_eq!(seen.values(39, "DLDR"), ["0"]);
    let depths: Vec<(u64, u64)> = seen
        .ies()
        .iter()
        .map(|ie| (ie["type"].as_u64().unwrap(), ie["depth"].as_u64().unwrap()))
        .collect();
    assert_eq!(depths, [(39, 0), (99, 0), (21, 1), (21, 1)]);
    assert_eq!(
        seen.values(21, "TEID"),
        [0x1234.to_string(), 0x5678.to_string()]
    );
    assert_eq!(seen.values(21, "V4"), ["1", "0"]);
    assert_eq!(seen.values(21, "ipv4")[0], "10.0.1.9");
    assert_eq!(seen.values(21, "ipv6")[1], "2001:db8::9");
    for ie in seen.ies() {
        assert_eq!(
            ie["fields"]["extra_data"].as_str().unwrap_or(""),
            "",
            "{ie}"
        );
    }
}
