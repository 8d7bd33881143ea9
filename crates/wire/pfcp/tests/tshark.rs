//! Every message type, as ferrocore encodes it, dissected by Wireshark: nothing
//! malformed, no expert error, and the key fields read back as we wrote them.

mod common;

use ferrocore_pfcp::encode;
use ferrocore_testkit::pcap::Framing;
use ferrocore_testkit::tshark::Dissection;

fn dissect_all() -> (Vec<ferrocore_pfcp::Message>, Dissection) {
    let msgs = common::all_messages();
    let bytes: Vec<Vec<u8>> = msgs.iter().map(|m| encode(m).expect("encode")).collect();
    (msgs, Dissection::of(&Framing::pfcp(), &bytes, &[]))
}

#[test]
fn every_message_type_dissects_cleanly() {
    let (msgs, d) = dissect_all();
    d.assert_clean();
    let rows = d.fields(&["pfcp.msg_type", "pfcp.seqno", "pfcp.seid"]);
    for (m, row) in msgs.iter().zip(&rows) {
        assert_eq!(
            row["pfcp.msg_type"],
            [m.body.message_type().to_string()],
            "{}",
            m.body.name()
        );
        assert_eq!(row["pfcp.seqno"], [m.header.sequence.to_string()]);
        match m.header.seid {
            Some(seid) => assert_eq!(row["pfcp.seid"][0], format!("0x{seid:016x}")),
            None => assert!(row["pfcp.seid"].is_empty()),
        }
    }
}

/// (packet index, field, every expected occurrence in order).
const EXPECTED: &[(usize, &str, &[&str])] = &[
    (
        0,
        "pfcp.recovery_time_stamp",
        &["Aug  2, 2023 21:20:00.000000000 UTC"],
    ),
    (2, "pfcp.node_id_ipv4", &["10.0.0.1"]),
    (2, "pfcp.cp_function_features.load", &["1"]),
    (3, "pfcp.cause", &["1"]),
    (3, "pfcp.up_function_features.ftup", &["1"]),
    (4, "pfcp.node_id_fqdn", &["upf1.ferrocore.test"]),
    (4, "pfcp.assoc_rel_req.sarr", &["1"]),
    (9, "pfcp.node_report_type.upfr", &["1"]),
    (9, "pfcp.network_instance", &["access"]),
    (10, "pfcp.node_id_ipv6", &["2001:db8::1"]),
    // Session Establishment Request: 2 PDRs, 2 FARs, 1 URR, 1 QER.
    (11, "pfcp.f_seid.ipv4", &["10.0.0.1"]),
    (11, "pfcp.pdr_id", &["1", "2"]),
    (11, "pfcp.precedence", &["255", "255"]),
    (11, "pfcp.source_interface", &["0", "1"]),
    (11, "pfcp.f_teid_flags.ch", &["1"]),
    (11, "pfcp.f_teid_flags.ch_id", &["1"]),
    (11, "pfcp.f_teid.choose_id", &["05"]),
    (
        11,
        "pfcp.network_instance",
        &["internet", "internet", "internet"],
    ),
    (11, "pfcp.ue_ip_addr_ipv4", &["10.45.0.7", "10.45.0.7"]),
    (11, "pfcp.ue_ip_address_flag.sd", &["0", "1"]),
    (
        11,
        "pfcp.flow_desc",
        &["permit out ip from any to assigned"],
    ),
    (11, "pfcp.qfi_value", &["0x09", "0x09"]),
    (11, "pfcp.out_hdr_desc", &["0"]),
    (11, "pfcp.far_id", &["1", "2", "1", "2"]),
    (11, "pfcp.apply_action.forw", &["1", "1"]),
    (11, "pfcp.dst_interface", &["1", "0"]),
    (11, "pfcp.outer_hdr_desc", &["256"]),
    (11, "pfcp.outer_hdr_creation.teid", &["0x00001234"]),
    (11, "pfcp.outer_hdr_creation.ipv4", &["10.0.1.9"]),
    (11, "pfcp.urr_id", &["1", "1", "1"]),
    (11, "pfcp.volume_threshold.tovol", &["10000000"]),
    (11, "pfcp.time_threshold", &["3600"]),
    (11, "pfcp.reporting_triggers_flags.volth", &["1"]),
    (11, "pfcp.measurement_method_flags.volume", &["1"]),
    (11, "pfcp.qer_id", &["1", "1", "1"]),
    (11, "pfcp.gate_status.ulgate", &["0"]),
    (11, "pfcp.ul_mbr", &["100000"]),
    (11, "pfcp.dl_mbr", &["200000"]),
    (11, "pfcp.pdn_type", &["1"]),
    // Session Establishment Response.
    (12, "pfcp.f_seid.ipv4", &["10.0.0.2"]),
    (12, "pfcp.f_teid.teid", &["0x01000001"]),
    (12, "pfcp.f_teid.ipv4_addr", &["10.0.0.2"]),
    // Session Modification Request.
    (13, "pfcp.pdr_id", &["3"]),
    (13, "pfcp.bar_id", &["1"]),
    (13, "pfcp.dl_data_notification_delay", &["2"]),
    (
        13,
        "pfcp.suggested_buffering_packets_count.packet_count",
        &["10"],
    ),
    (13, "pfcp.outer_hdr_creation.teid", &["0x00005678"]),
    (13, "pfcp.volume_quota.tovol", &["50000000"]),
    (13, "pfcp.time_quota", &["7200"]),
    (13, "pfcp.gate_status.dlgate", &["1"]),
    // Usage reports in Modification / Deletion responses and the Report request.
    (14, "pfcp.ur_seqn", &["3"]),
    (14, "pfcp.volume_measurement.ulvol", &["1000000"]),
    (16, "pfcp.volume_measurement.dlvol", &["2000000"]),
    (16, "pfcp.duration_measurement", &["60"]),
    (17, "pfcp.report_type.dldr", &["1"]),
    (17, "pfcp.report_type.usar", &["1"]),
    (17, "pfcp.volume_measurement.tovol", &["3000000"]),
    (17, "pfcp.usage_report_trigger_flags.volth", &["1"]),
    (18, "pfcp.cause", &["66"]),
    (18, "pfcp.offending_ie", &["39"]),
    // Error Indication Report with two remote F-TEIDs.
    (19, "pfcp.report_type.erir", &["1"]),
    (19, "pfcp.report_type.usar", &["0"]),
    (19, "pfcp.f_teid.teid", &["0x00001234", "0x00005678"]),
    (19, "pfcp.f_teid.ipv4_addr", &["10.0.1.9"]),
    (19, "pfcp.f_teid.ipv6_addr", &["2001:db8::9"]),
];

#[test]
fn fields_read_back_as_written() {
    let (_msgs, d) = dissect_all();
    let mut names: Vec<&str> = EXPECTED.iter().map(|(_, n, _)| *n).collect();
    names.sort_unstable();
    names.dedup();
    let rows = d.fields(&names);
    let mut wrong = Vec::new();
    for (packet, name, want) in EXPECTED {
        let got = &rows[*packet][*name];
        if got != want {
            wrong.push(format!(
                "packet {packet} {name}: tshark {got:?}, expected {want:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
