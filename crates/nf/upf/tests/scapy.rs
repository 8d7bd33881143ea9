//! scapy (`scapy.contrib.pfcp`) as the SMF: it builds the requests, `UpfControl` answers,
//! scapy dissects the answers. Driven by `tests/interop/scapy_smf.py`.

mod common;

use std::net::Ipv4Addr;
use std::path::Path;

use common::*;
use ferrocore_testkit::python::run_json;
use ferrocore_upf::{Channel, Verdict};
use serde_json::{Value, json};

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/scapy_smf.py")
}

fn hex_of(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("hex")
}

/// Feeds one scapy-built request to the UPF and has scapy dissect the one answer.
fn exchange(upf: &mut Upf, request: &[u8]) -> Value {
    let out = upf.raw(request);
    assert_eq!(out.len(), 1, "one answer: {out:?}");
    assert_eq!(out[0].channel, Channel::N4);
    let parsed = run_json(
        &script(),
        &json!({"op": "parse", "messages": [hex::encode(&out[0].payload)]}),
    );
    parsed[0].clone()
}

/// The first IE of `ty` at `depth`.
fn ie(msg: &Value, ty: u64, depth: u64) -> Option<&Value> {
    msg["ies"]
        .as_array()?
        .iter()
        .find(|i| i["type"] == ty && i["depth"] == depth)
        .map(|i| &i["fields"])
}

fn field(msg: &Value, ty: u64, name: &str) -> String {
    ie(msg, ty, 0).unwrap_or_else(|| panic!("IE {ty} in {msg}"))[name]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

const CAUSE: u64 = 19;
const OFFENDING_IE: u64 = 40;

#[test]
fn scapy_smf_sets_up_a_session_and_reads_our_answers() {
    let built = run_json(&script(), &json!({"op": "build"}));
    let mut upf = Upf::new();

    // Association Setup Response (type 6): accepted, our Node ID and Recovery Time Stamp.
    let a = exchange(&mut upf, &hex_of(&built["association_setup"]));
    assert_eq!(a["msg_type"], 6);
    assert_eq!(a["seq"], 1);
    assert_eq!(field(&a, CAUSE, "cause"), "1");
    assert_eq!(field(&a, 60, "ipv4"), "10.0.0.2");
    assert_eq!(field(&a, 96, "timestamp"), UPF_RTS.to_string());
    assert_eq!(field(&a, 43, "FTUP"), "1");

    // Session Establishment Response (type 51) to the SMF's SEID: accepted, UP F-SEID,
    // and a Created PDR for PDR 1 with the F-TEID we chose.
    let e = exchange(&mut upf, &hex_of(&built["session_establishment"]));
    assert_eq!(e["msg_type"], 51);
    assert_eq!(e["seq"], 2);
    assert_eq!(e["seid"], 0x0102_0304_0506_0708u64);
    assert_eq!(field(&e, CAUSE, "cause"), "1");
    assert!(ie(&e, OFFENDING_IE, 0).is_none());
    let up_seid: u64 = field(&e, 57, "seid").parse().expect("UP SEID");
    assert_eq!(field(&e, 57, "ipv4"), "10.0.0.2");
    let created = ie(&e, 8, 0).expect("Created PDR");
    let _ = created;
    let pdr_id = ie(&e, 56, 1).expect("PDR ID in Created PDR")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(pdr_id, "1");
    let fteid = ie(&e, 21, 1).expect("F-TEID in Created PDR");
    assert_eq!(fteid["CH"], "0");
    assert_eq!(fteid["V4"], "1");
    assert_eq!(fteid["ipv4"], N3.to_string());
    let teid: u32 = fteid["TEID"].as_str().unwrap().parse().expect("TEID");
    let state = upf
        .cp
        .session(up_seid)
        .expect("the session scapy was told about");
    assert_eq!(
        state.pdrs.iter().find(|p| p.id == 1).unwrap().local_teid,
        Some(teid)
    );
    assert_eq!(state.cp_seid, 0x0102_0304_0506_0708);

    // The TEID scapy read works on the data plane, and the downlink FAR scapy wrote.
    let ul = ipv4_udp(UE, Ipv4Addr::new(8, 8, 8, 8), 1, 53, 20);
    assert!(matches!(upf.uplink(teid, 9, &ul).0, Verdict::N6 { .. }));
    let dl = ipv4_udp(Ipv4Addr::new(8, 8, 8, 8), UE, 53, 1, 20);
    let (v, frame) = upf.downlink(&dl);
    let Verdict::N3 { dst, range } = v else {
        panic!("{v:?}")
    };
    assert_eq!(dst, "10.0.1.9:2152".parse().unwrap());
    let d = ferrocore_gtpu::decap(&frame[range]).unwrap();
    assert_eq!((d.teid, d.qfi.map(|q| q.value())), (0x1234, Some(9)));
}

#[test]
fn scapy_made_malformed_requests_get_the_right_causes() {
    let built = run_json(&script(), &json!({"op": "build"}));
    let mut upf = Upf::new();
    exchange(&mut upf, &hex_of(&built["association_setup"]));
    // (name, response type, cause, offending IE)
    let cases: [(&str, u64, &str, Option<&str>); 6] = [
        ("missing_node_id", 51, "66", Some("60")),
        ("bad_node_id_type", 51, "69", Some("60")),
        ("short_fseid", 51, "68", Some("57")),
        ("no_seid", 51, "64", None),
        ("unknown_seid_modification", 53, "65", None),
        ("unknown_seid_deletion", 55, "65", None),
    ];
    // All answers dissected in one scapy run.
    let answers: Vec<String> = cases
        .iter()
        .map(|(name, ..)| {
            let out = upf.raw(&hex_of(&built[*name]));
            assert_eq!(out.len(), 1, "{name}: one answer");
            hex::encode(&out[0].payload)
        })
        .collect();
    let parsed = run_json(&script(), &json!({"op": "parse", "messages": answers}));
    for ((name, ty, cause, offending), r) in cases.iter().zip(parsed.as_array().unwrap()) {
        assert_eq!(r["msg_type"], *ty, "{name}: {r}");
        assert_eq!(field(r, CAUSE, "cause"), *cause, "{name}: {r}");
        let off = ie(r, OFFENDING_IE, 0).map(|f| f["type"].as_str().unwrap().to_owned());
        assert_eq!(off.as_deref(), *offending, "{name}: {r}");
        assert!(ie(r, 57, 0).is_none(), "{name}: no UP F-SEID on rejection");
    }
    assert_eq!(upf.cp.sessions().count(), 0);
    assert_eq!(upf.cp.stats().rejected, 6);
}
