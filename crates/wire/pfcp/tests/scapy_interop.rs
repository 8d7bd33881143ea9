//! Interop with an independent encoder/decoder: scapy's PFCP (`scapy.contrib.pfcp`),
//! driven by `tests/interop/scapy_pfcp.py` with JSON in and out.

mod common;

use std::path::Path;

use common::requests;
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

/// What scapy's builder in the script encodes, as ferrocore's typed value: the shared
/// session of `common::requests`, with the differences the script spells out.
fn expected_establishment() -> SessionEstablishmentRequest {
    let mut e = requests::establishment(0x0102_0304_0506_0708);
    // Uplink PDR: CHOOSE ID 7, no UE address, no URR.
    let ul = &mut e.create_pdrs[0];
    ul.pdi.local_fteid = Some(Fteid::Choose {
        ipv4: true,
        ipv6: false,
        choose_id: Some(7),
    });
    ul.pdi.ue_ip_address = None;
    ul.urr_ids = Default::default();
    // Downlink PDR: precedence 200, an SDF filter, no network instance, no QER.
    let mut dl = requests::dl_pdr(2, 200, Some("permit out ip from any to assigned"));
    dl.pdi.network_instance = None;
    dl.qer_ids = Default::default();
    e.create_pdrs[1] = dl;
    e.create_urrs[0].volume_threshold = Some(requests::total_volume(10_000_000));
    e.create_qers[0] = CreateQer {
        gate_status: GateStatus {
            uplink: Gate::Open,
            downlink: Gate::Closed,
        },
        mbr: Some(Bitrate {
            uplink: 100_000,
            downlink: 200_000,
        }),
        ..requests::qer(1, 9)
    };
    e.pdn_type = None;
    e
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
