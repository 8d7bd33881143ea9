//! Every message ferrocore emits, dissected by Wireshark's `nas-5gs` dissector: no
//! malformed packet, no expert error, and the key field values as Wireshark reads them.

mod common;

use ferrocore_nas::encode;
use ferrocore_testkit::pcap::Framing;
use ferrocore_testkit::tshark::Dissection;

const FIELDS: &[&str] = &[
    "nas_5gs.mm.message_type",
    "nas_5gs.sm.message_type",
    "nas_5gs.security_header_type",
    "nas_5gs.msg_auth_code",
    "nas_5gs.seq_no",
    "nas_5gs.mm.5gmm_cause",
    "nas_5gs.sm.5gsm_cause",
    "nas_5gs.pdu_session_id",
    "nas_5gs.proc_trans_id",
    "nas_5gs.mm.suci.msin",
    "nas_5gs.mm.suci.routing_indicator",
    "nas_5gs.mm.suci.scheme_id",
    "nas_5gs.mm.suci.pki",
    "nas_5gs.mm.suci.scheme_output.mac_tag",
    "nas_5gs.5g_tmsi",
    "nas_5gs.amf_set_id",
    "nas_5gs.mm.imei",
    "nas_5gs.mm.imeisv",
    "nas_5gs.mm.sst",
    "nas_5gs.mm.mm_sd",
    "nas_5gs.cmn.dnn",
    "nas_5gs.mm.nas_key_set_id",
    "nas_5gs.mm.abba_contents",
    "nas_5gs.mm.pld_cont_type",
    "nas_5gs.sm.pdu_session_type",
    "nas_5gs.sm.session_ambr_dl",
];

/// Field values Wireshark must show, per emitted message (first occurrence unless noted).
const EXPECT: &[(&str, &[(&str, &str)])] = &[
    (
        "registration_request_suci_null",
        &[
            ("nas_5gs.mm.suci.msin", "0000000001"),
            ("nas_5gs.mm.suci.routing_indicator", "1234"),
            ("nas_5gs.mm.suci.scheme_id", "0"),
            ("nas_5gs.mm.sst", "1,1,2"),
            // SD absent, FFFFFF and 0a0b0c: Wireshark lists only the present ones
            ("nas_5gs.mm.mm_sd", "16777215,658188"),
        ],
    ),
    (
        "registration_request_suci_profile_a",
        &[
            ("nas_5gs.mm.suci.scheme_id", "1"),
            ("nas_5gs.mm.suci.pki", "3"),
            (
                "nas_5gs.mm.suci.scheme_output.mac_tag",
                "0x0102030405060708",
            ),
        ],
    ),
    (
        "registration_request_guti",
        &[
            ("nas_5gs.5g_tmsi", "287454020"),
            ("nas_5gs.amf_set_id", "7"),
        ],
    ),
    (
        "registration_accept",
        &[("nas_5gs.5g_tmsi", "287454020"), ("nas_5gs.mm.sst", "1")],
    ),
    ("registration_reject", &[("nas_5gs.mm.5gmm_cause", "22")]),
    (
        "authentication_request",
        &[
            ("nas_5gs.mm.abba_contents", "0000"),
            ("nas_5gs.mm.nas_key_set_id", "2"),
        ],
    ),
    ("authentication_failure", &[("nas_5gs.mm.5gmm_cause", "21")]),
    (
        "security_mode_command",
        &[("nas_5gs.mm.nas_key_set_id", "2")],
    ),
    (
        "security_mode_complete",
        &[
            ("nas_5gs.mm.imeisv", "4901542032375816"),
            // the NAS message container's registration request is dissected too
            ("nas_5gs.mm.message_type", "0x5e,0x41"),
        ],
    ),
    ("security_mode_reject", &[("nas_5gs.mm.5gmm_cause", "23")]),
    (
        "identity_response",
        &[("nas_5gs.mm.imei", "490154203237518")],
    ),
    (
        "service_request",
        &[
            ("nas_5gs.5g_tmsi", "287454020"),
            ("nas_5gs.mm.nas_key_set_id", "2"),
        ],
    ),
    ("service_reject", &[("nas_5gs.mm.5gmm_cause", "22")]),
    (
        "deregistration_request_ue_terminated",
        &[("nas_5gs.mm.5gmm_cause", "9")],
    ),
    (
        "configuration_update_command",
        &[("nas_5gs.5g_tmsi", "287454020")],
    ),
    (
        "ul_nas_transport",
        &[
            ("nas_5gs.mm.pld_cont_type", "1"),
            ("nas_5gs.cmn.dnn", "internet"),
            ("nas_5gs.pdu_session_id", "5,5"),
            ("nas_5gs.sm.message_type", "0xc1"),
        ],
    ),
    (
        "dl_nas_transport",
        &[
            ("nas_5gs.mm.5gmm_cause", "90"),
            ("nas_5gs.sm.message_type", "0xc1"),
        ],
    ),
    ("fgmm_status", &[("nas_5gs.mm.5gmm_cause", "98")]),
    (
        "pdu_session_establishment_request",
        &[("nas_5gs.sm.pdu_session_type", "1")],
    ),
    (
        "pdu_session_establishment_accept",
        &[
            ("nas_5gs.cmn.dnn", "internet"),
            ("nas_5gs.sm.session_ambr_dl", "100"),
        ],
    ),
    (
        "pdu_session_establishment_reject",
        &[("nas_5gs.sm.5gsm_cause", "27")],
    ),
    (
        "pdu_session_modification_request",
        &[("nas_5gs.sm.5gsm_cause", "36")],
    ),
    (
        "pdu_session_modification_reject",
        &[("nas_5gs.sm.5gsm_cause", "26")],
    ),
    (
        "pdu_session_modification_command",
        &[("nas_5gs.sm.session_ambr_dl", "100")],
    ),
    (
        "pdu_session_modification_command_reject",
        &[("nas_5gs.sm.5gsm_cause", "43")],
    ),
    (
        "pdu_session_release_reject",
        &[("nas_5gs.sm.5gsm_cause", "43")],
    ),
    (
        "pdu_session_release_command",
        &[("nas_5gs.sm.5gsm_cause", "36")],
    ),
    ("fgsm_status", &[("nas_5gs.sm.5gsm_cause", "98")]),
    (
        "protected_integrity_service_request",
        &[
            ("nas_5gs.security_header_type", "1,0"),
            ("nas_5gs.msg_auth_code", "0xdeadbeef"),
            ("nas_5gs.seq_no", "7"),
        ],
    ),
    (
        "protected_smc_new_context",
        &[
            ("nas_5gs.security_header_type", "3,0"),
            ("nas_5gs.mm.message_type", "0x5d"),
        ],
    ),
    (
        "protected_ciphered",
        &[
            ("nas_5gs.security_header_type", "2"),
            ("nas_5gs.seq_no", "3"),
        ],
    ),
];

#[test]
fn wireshark_dissects_every_emitted_message_cleanly_with_our_values() {
    let msgs = common::build::emitted();
    let payloads: Vec<Vec<u8>> = msgs.iter().map(|(_, m)| encode(m).unwrap()).collect();
    let d = Dissection::of(&Framing::Exported("nas-5gs"), &payloads, &[]);
    d.assert_clean();
    let rows = d.fields(FIELDS);
    let mut failures = Vec::new();
    for ((name, msg), row) in msgs.iter().zip(&rows) {
        // the message type, always
        if let Some(t) = msg.message_type() {
            let field = match msg.plain() {
                Some(ferrocore_nas::NasMessage::Sm(_)) => "nas_5gs.sm.message_type",
                _ => "nas_5gs.mm.message_type",
            };
            let got = row[field].first().cloned().unwrap_or_default();
            if got != format!("{t:#04x}") {
                failures.push(format!("{name}: {field} = {got:?}, want {t:#04x}"));
            }
        }
        if let ferrocore_nas::NasMessage::Sm(s) = msg {
            let psi = row["nas_5gs.pdu_session_id"].first().cloned();
            let pti = row["nas_5gs.proc_trans_id"].first().cloned();
            assert_eq!(psi, Some(s.pdu_session_id.to_string()), "{name}");
            assert_eq!(pti, Some(s.pti.to_string()), "{name}");
        }
    }
    for (name, checks) in EXPECT {
        let i = msgs
            .iter()
            .position(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no message {name}"));
        for (field, want) in *checks {
            let got = rows[i][*field].join(",");
            if got != *want {
                failures.push(format!("{name}: {field} = {got:?}, want {want:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
