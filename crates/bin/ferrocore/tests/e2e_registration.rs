//! Issue #5 end to end: `ferrocore up` and `ferrocore sim` as separate processes on
//! loopback (N2 = NGAP over SCTP over UDP encapsulation), the UEs provisioned through the
//! UDR's REST API by the simulator.

mod common;

use common::core::Core;

/// 100 UEs register, deregister and register again with their 5G-GUTI; the AMF's
/// counters agree.
#[test]
fn hundred_ues_register_deregister_and_reregister_with_their_guti() {
    let core = Core::start("");
    let s = core.sim_json(&["--ues", "100", "--rate", "200", "--reregister"]);
    assert_eq!(s["ues"], 100);
    assert_eq!(s["registered"], 100, "summary: {s}");
    assert_eq!(s["failed"], 0, "summary: {s}");
    assert_eq!(s["deregistered"], 100, "summary: {s}");
    assert_eq!(s["reregistered"], 100, "summary: {s}");
    let p50 = s["registration_ms"]["p50"].as_f64().unwrap();
    let max = s["registration_ms"]["max"].as_f64().unwrap();
    assert!(
        p50 > 0.0 && p50 <= max,
        "latency percentiles are ordered: {s}"
    );

    assert_eq!(core.metric("amf_rm_reg_init_succ_total"), 200.0);
    assert_eq!(core.metric("amf_rm_registered_subscribers"), 100.0);
    assert_eq!(
        core.metric("amf_connected_gnbs"),
        0.0,
        "the simulator closed its association"
    );
}

/// A UE whose USIM holds a wrong K answers AUTHENTICATION FAILURE #20 (MAC failure) and
/// gets AUTHENTICATION REJECT; the UEs registering around it are not affected.
#[test]
fn a_ue_with_a_wrong_k_is_rejected_and_nobody_else_is_affected() {
    let core = Core::start("");
    let s = core.sim_json(&["--ues", "10", "--wrong-k", "1", "--rate", "0"]);
    assert_eq!(s["registered"], 9, "summary: {s}");
    assert_eq!(s["failed"], 1, "summary: {s}");
    assert_eq!(s["failures"]["authentication_reject"], 1, "summary: {s}");
    assert_eq!(core.metric("amf_rm_reg_init_succ_total"), 9.0);
    assert!(core.metric("amf_amf_auth_reject_total") >= 1.0);
}
