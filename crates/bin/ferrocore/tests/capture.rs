//! Issue #5 acceptance, the capture half: `ferrocore up` (NEA0, 128-NIA2) and
//! `ferrocore sim --pcap` as separate processes on loopback, then
//!
//! - the simulator's capture decodes in tshark with `nas-5gs.null_decipher:TRUE`: no
//!   malformed packet, no expert error;
//! - one UE's NAS-5GS messages come in the order of a 5G-AKA initial registration, with the
//!   field values the configuration implies (SUCI 001/01 null scheme, ABBA 0000, NEA0 +
//!   128-NIA2 in the SMC, a 5G-GUTI of AMF Region 2 / Set 1 / Pointer 0, ...);
//! - for every UE, RES*, the keys down to KAMF / KNASint and the MAC of every
//!   security-protected NAS message (uplink and downlink) are recomputed by
//!   `tests/python/recompute_5g_keys.py` (MILENAGE, the TS 33.220 KDF and 128-NIA2 written
//!   in Python on `cryptography`, never calling ferrocore's Rust code) from the provisioned
//!   K / OPc and the values tshark reads from the capture, and they match.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use common::core::Core;
use ferrocore_testkit::pcap::Framing;
use ferrocore_testkit::tshark::Dissection;
use ferrocore_testkit::{python, to_hex};
use serde_json::{Value, json};

/// The simulator's default USIM: TS 35.208 test set 1.
const K: &str = "465b5ce8b199b49faa5f0a2ee238a6bc";
const OPC: &str = "cd63cb71954a9f4e48a5994e37a02baf";
/// TS 33.501 §6.1.1.4 for PLMN 001/01.
const SERVING_NETWORK_NAME: &str = "5G:mnc001.mcc001.3gppnetwork.org";
/// The NEA0 payload of protected NAS messages is dissected as plain text.
const NULL_DECIPHER: &str = "nas-5gs.null_decipher:TRUE";
/// The AMF's algorithm choice: 128-NIA2 and NEA0, so that tshark reads every message.
const AMF_NIA2_NEA0: &str = "integrity_order = [\"NIA2\"]\nciphering_order = [\"NEA0\"]";
const UES: usize = 3;

// 5GMM message types (TS 24.501 §9.7, Table 9.7.1).
const REGISTRATION_REQUEST: u8 = 0x41;
const REGISTRATION_ACCEPT: u8 = 0x42;
const REGISTRATION_COMPLETE: u8 = 0x43;
const AUTHENTICATION_REQUEST: u8 = 0x56;
const AUTHENTICATION_RESPONSE: u8 = 0x57;
const SECURITY_MODE_COMMAND: u8 = 0x5d;
const SECURITY_MODE_COMPLETE: u8 = 0x5e;

// NGAP procedure codes that carry a NAS-PDU (TS 38.413 §9.4.7).
const ID_DOWNLINK_NAS_TRANSPORT: u32 = 4;
const ID_INITIAL_CONTEXT_SETUP: u32 = 14;
const ID_INITIAL_UE_MESSAGE: u32 = 15;
const ID_UPLINK_NAS_TRANSPORT: u32 = 46;

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/recompute_5g_keys.py")
}

// ------------------------------------------------------------------------------------
// The capture
// ------------------------------------------------------------------------------------

/// The NGAP PDUs of a classic pcap file of link type 252 (exported PDU): each record's
/// tags are read up to End-of-options and must name the `ngap` dissector.
fn exported_ngap_pdus(path: &Path) -> Vec<Vec<u8>> {
    let file = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(file.len() >= 24, "{} has no pcap header", path.display());
    let u32le = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().unwrap());
    assert_eq!(
        u32le(0),
        0xa1b2_c3d4,
        "classic pcap, microsecond, little endian"
    );
    assert_eq!(u32le(20), 252, "link type WIRESHARK_UPPER_PDU");
    let mut pdus = Vec::new();
    let mut at = 24;
    while at < file.len() {
        assert!(at + 16 <= file.len(), "truncated record header at {at}");
        let caplen = u32le(at + 8) as usize;
        assert_eq!(
            caplen,
            u32le(at + 12) as usize,
            "record {} cut short",
            pdus.len()
        );
        let record = &file[at + 16..at + 16 + caplen];
        at += 16 + caplen;
        let (mut off, mut dissector) = (0, None);
        loop {
            let tag = u16::from_be_bytes([record[off], record[off + 1]]);
            let len = u16::from_be_bytes([record[off + 2], record[off + 3]]) as usize;
            if tag == 0 {
                off += 4;
                break;
            }
            if tag == 12 {
                let name = &record[off + 4..off + 4 + len];
                let end = name.iter().position(|b| *b == 0).unwrap_or(len);
                dissector = Some(String::from_utf8_lossy(&name[..end]).into_owned());
            }
            off += 4 + len;
        }
        assert_eq!(dissector.as_deref(), Some("ngap"), "record {}", pdus.len());
        pdus.push(record[off..].to_vec());
    }
    pdus
}

/// Hex as tshark prints byte fields (plain or `aa:bb:..`), lowercased, separators removed.
fn hex_of(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_hexdigit())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn bytes_of(s: &str) -> Vec<u8> {
    ferrocore_testkit::hex(&hex_of(s))
}

/// A number as tshark prints it: decimal or `0x..`.
fn number(s: &str) -> u64 {
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16),
        None => s.parse(),
    }
    .unwrap_or_else(|e| panic!("not a number: {s:?} ({e})"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Uplink,
    Downlink,
}

impl Direction {
    fn name(self) -> &'static str {
        match self {
            Direction::Uplink => "uplink",
            Direction::Downlink => "downlink",
        }
    }
}

/// One NAS message of the capture, as tshark dissected it.
#[derive(Debug)]
struct Nas {
    /// Frame index (0-based) in the capture.
    frame: usize,
    direction: Direction,
    ran_ue_ngap_id: u64,
    /// The 5GMM message type (of the plain message inside, for a protected one).
    message_type: u8,
    /// The NAS-PDU octets (from `ngap.NAS_PDU`).
    pdu: Vec<u8>,
    /// Security header type (0: plain).
    header_type: u8,
    /// tshark's fields of the whole frame.
    fields: HashMap<String, Vec<String>>,
}

impl Nas {
    fn one(&self, name: &str) -> &str {
        match self.fields.get(name).map(Vec::as_slice) {
            Some([v, ..]) => v,
            _ => panic!(
                "frame {}: no {name} in {:#x} ({:?})",
                self.frame + 1,
                self.message_type,
                self.fields.get("_ws.col.Info")
            ),
        }
    }

    /// The first value of a numeric field (decimal or `0x..`).
    fn number(&self, name: &str) -> u64 {
        number(self.one(name))
    }

    /// The first value of a byte field, as lowercase hex.
    fn hex(&self, name: &str) -> String {
        hex_of(self.one(name))
    }

    fn all(&self, name: &str) -> &[String] {
        self.fields.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    fn protected(&self) -> bool {
        self.header_type != 0
    }
}

const FIELDS: &[&str] = &[
    "ngap.procedureCode",
    "ngap.RAN_UE_NGAP_ID",
    "ngap.NAS_PDU",
    "nas_5gs.security_header_type",
    "nas_5gs.msg_auth_code",
    "nas_5gs.seq_no",
    "nas_5gs.mm.message_type",
    "nas_5gs.mm.5gs_reg_type",
    "nas_5gs.mm.nas_key_set_id",
    "nas_5gs.mm.nas_key_set_id.h1",
    "nas_5gs.mm.rinmr",
    "nas_5gs.mm.reg_res.res",
    "nas_5gs.mm.suci.supi_fmt",
    "nas_5gs.mm.suci.scheme_id",
    "nas_5gs.mm.suci.msin",
    "e212.mcc",
    "e212.mnc",
    "nas_5gs.mm.abba_contents",
    "gsm_a.dtap.rand",
    "gsm_a.dtap.autn",
    "nas_eps.emm.res",
    "nas_5gs.mm.nas_sec_algo_enc",
    "nas_5gs.mm.nas_sec_algo_ip",
    "nas_5gs.amf_region_id",
    "nas_5gs.amf_set_id",
    "nas_5gs.amf_pointer",
    "nas_5gs.5g_tmsi",
    "_ws.col.Info",
];

/// Every NAS message of the capture, in capture order.
fn nas_messages(d: &Dissection) -> Vec<Nas> {
    let mut out = Vec::new();
    for (frame, fields) in d.fields(FIELDS).into_iter().enumerate() {
        let pdus = fields["ngap.NAS_PDU"].clone();
        if pdus.is_empty() {
            continue;
        }
        assert_eq!(
            pdus.len(),
            1,
            "frame {}: one NAS-PDU per NGAP message here",
            frame + 1
        );
        let procedure = number(&fields["ngap.procedureCode"][0]) as u32;
        let direction = match procedure {
            ID_INITIAL_UE_MESSAGE | ID_UPLINK_NAS_TRANSPORT => Direction::Uplink,
            ID_DOWNLINK_NAS_TRANSPORT | ID_INITIAL_CONTEXT_SETUP => Direction::Downlink,
            other => panic!("frame {}: NAS-PDU in NGAP procedure {other}", frame + 1),
        };
        let pdu = bytes_of(&pdus[0]);
        assert_eq!(pdu[0], 0x7e, "frame {}: 5GMM EPD", frame + 1);
        let message_type = number(
            fields["nas_5gs.mm.message_type"]
                .first()
                .unwrap_or_else(|| {
                    panic!(
                        "frame {}: tshark shows no 5GMM message type (is the NAS deciphered?)",
                        frame + 1
                    )
                }),
        ) as u8;
        let ran_ue_ngap_id = number(&fields["ngap.RAN_UE_NGAP_ID"][0]);
        out.push(Nas {
            frame,
            direction,
            ran_ue_ngap_id,
            message_type,
            header_type: pdu[1] & 0x0f,
            pdu,
            fields,
        });
    }
    out
}

/// The security-protected messages of one UE, for the Python script: direction, header
/// type, MAC and SN as tshark shows them, and the octets the MAC covers (TS 24.501
/// §4.4.3.3: the sequence number and the NAS message after it) cut from the NAS-PDU.
fn protected_for_python(trace: &[&Nas]) -> Vec<Value> {
    trace
        .iter()
        .filter(|m| m.protected())
        .map(|m| {
            // tshark shows the MAC as a 32-bit number (`0x...`).
            let mac = format!("{:08x}", m.number("nas_5gs.msg_auth_code"));
            let sn = m.number("nas_5gs.seq_no");
            // The NAS-PDU as sent: EPD, security header type, MAC (4), SN, message.
            assert_eq!(
                m.number("nas_5gs.security_header_type") as u8,
                m.header_type
            );
            assert_eq!(to_hex(&m.pdu[2..6]), mac, "frame {}: MAC", m.frame + 1);
            assert_eq!(u64::from(m.pdu[6]), sn, "frame {}: SN", m.frame + 1);
            json!({
                "frame": m.frame + 1,
                "direction": m.direction.name(),
                "header_type": m.header_type,
                "mac": mac,
                "sn": sn,
                "covered": to_hex(&m.pdu[6..]),
            })
        })
        .collect()
}

// ------------------------------------------------------------------------------------
// The tests
// ------------------------------------------------------------------------------------

/// The Python recomputation passes its own published vectors (TS 35.208 MILENAGE set 1
/// and 2, TS 33.401 C.2 128-EIA2, RFC 4493 AES-CMAC, RFC 4231 HMAC-SHA-256, the KDF
/// input shape); nothing from ferrocore is involved.
#[test]
fn python_recomputation_passes_its_self_test() {
    let out = python::run_json(&script(), &json!({"self_test": true}));
    assert_eq!(out["self_test"], "pass", "{out}");
}

#[test]
fn nea0_registration_capture_decodes_in_tshark_and_recomputes_outside_rust() {
    let core = Core::start(AMF_NIA2_NEA0);
    let pcap = core.path("run.pcap");
    let summary = core.sim_json(&["--ues", &UES.to_string(), "--pcap", pcap.to_str().unwrap()]);
    assert_eq!(summary["ues"], UES, "summary: {summary}");
    assert_eq!(summary["registered"], UES, "summary: {summary}");
    assert_eq!(summary["failed"], 0, "summary: {summary}");

    // (d) tshark over the file as the simulator wrote it, then over its NGAP PDUs.
    let pdus = exported_ngap_pdus(&pcap);
    let file = Dissection::of_file(&pcap, &[NULL_DECIPHER]);
    file.assert_clean();
    assert_eq!(
        file.frames(),
        pdus.len(),
        "tshark and the pcap reader count the same frames"
    );
    let d = Dissection::of(&Framing::Exported("ngap"), &pdus, &[NULL_DECIPHER]);
    d.assert_clean();

    let all = nas_messages(&d);
    let mut by_ue: BTreeMap<u64, Vec<&Nas>> = BTreeMap::new();
    for m in &all {
        by_ue.entry(m.ran_ue_ngap_id).or_default().push(m);
    }
    assert_eq!(
        by_ue.len(),
        UES,
        "one RAN UE NGAP ID per UE: {:?}",
        by_ue.keys()
    );

    // The MSIN each trace registers with (null-scheme SUCI of its Registration Request).
    let msin_of = |trace: &[&Nas]| -> String {
        let first = trace[0];
        assert_eq!(
            first.message_type, REGISTRATION_REQUEST,
            "a UE's first NAS message"
        );
        first.one("nas_5gs.mm.suci.msin").to_owned()
    };
    let mut msins: Vec<String> = by_ue.values().map(|t| msin_of(t)).collect();
    msins.sort();
    let expected: Vec<String> = (1..=UES).map(|i| format!("{i:010}")).collect();
    assert_eq!(msins, expected, "the UEs' MSINs");

    // One UE's full trace: the one with MSIN 0000000001.
    let first_ue = by_ue.values().find(|t| msin_of(t) == expected[0]).unwrap();
    check_one_trace(first_ue);

    // (e) RES*, KAMF and every MAC recomputed in Python, for every UE.
    let ues: Vec<Value> = by_ue.values().map(|t| python_input_of(t)).collect();
    let input = json!({
        "k": K,
        "opc": OPC,
        "serving_network_name": SERVING_NETWORK_NAME,
        "ues": ues,
    });
    let out = python::run_json(&script(), &input);
    let results = out["ues"].as_array().expect("ues");
    assert_eq!(results.len(), UES);
    let (mut checked, mut uplink, mut downlink) = (0, 0, 0);
    for (ue, r) in ues.iter().zip(results) {
        let supi = &ue["supi"];
        assert_eq!(r["autn_mac_ok"], true, "{supi}: MAC-A of AUTN: {r}");
        assert_eq!(
            r["res_star"], ue["res_star"],
            "{supi}: RES* in the capture vs Python"
        );
        assert_eq!(r["res_star_match"], true, "{supi}");
        let messages = r["messages"].as_array().unwrap();
        assert_eq!(messages.len(), ue["messages"].as_array().unwrap().len());
        assert!(
            messages.len() >= 4,
            "{supi}: SMC, SMC complete, accept and complete at least"
        );
        for (sent, m) in ue["messages"].as_array().unwrap().iter().zip(messages) {
            assert_eq!(
                m["match"], true,
                "{supi}: MAC of frame {} ({} SN {}): captured {} Python {} (KAMF {})",
                sent["frame"], m["direction"], m["sn"], m["mac"], m["computed_mac"], r["kamf"]
            );
            match sent["direction"].as_str() {
                Some("uplink") => uplink += 1,
                _ => downlink += 1,
            }
            checked += 1;
        }
    }
    // Control: KAMF binds the SUPI (TS 33.501 A.7), so with the SUPIs rotated among the
    // UEs the RES* still match but no MAC does: the MAC check above really covers KAMF.
    let mut rotated = input.clone();
    let supis: Vec<Value> = ues.iter().map(|u| u["supi"].clone()).collect();
    for (i, ue) in rotated["ues"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        ue["supi"] = supis[(i + 1) % supis.len()].clone();
    }
    let control = python::run_json(&script(), &rotated);
    for r in control["ues"].as_array().unwrap() {
        assert_eq!(r["res_star_match"], true);
        assert!(
            r["messages"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["match"] == false),
            "a MAC matched under another UE's SUPI: {r}"
        );
    }

    eprintln!(
        "capture: {} NGAP frames, {} NAS messages; {} UEs: RES* and KAMF recomputed, \
         {checked} NAS MACs match ({downlink} downlink, {uplink} uplink)",
        pdus.len(),
        all.len(),
        UES
    );
}

/// The NAS-5GS messages of one UE, their order and the field values of the configuration.
fn check_one_trace(trace: &[&Nas]) {
    use Direction::{Downlink as DL, Uplink as UL};
    let expected = [
        (REGISTRATION_REQUEST, UL, "Registration request"),
        (AUTHENTICATION_REQUEST, DL, "Authentication request"),
        (AUTHENTICATION_RESPONSE, UL, "Authentication response"),
        (SECURITY_MODE_COMMAND, DL, "Security mode command"),
        (SECURITY_MODE_COMPLETE, UL, "Security mode complete"),
        (REGISTRATION_ACCEPT, DL, "Registration accept"),
        (REGISTRATION_COMPLETE, UL, "Registration complete"),
    ];
    let seen: Vec<(u8, Direction)> = trace
        .iter()
        .map(|m| (m.message_type, m.direction))
        .collect();
    assert!(
        trace.len() >= expected.len(),
        "the UE's NAS messages: {seen:x?}"
    );
    for (m, (ty, dir, name)) in trace.iter().zip(expected) {
        assert_eq!(
            (m.message_type, m.direction),
            (ty, dir),
            "{name} expected; the UE's NAS messages: {seen:x?}"
        );
        let info = m.all("_ws.col.Info").join(" ");
        assert!(
            info.contains(name),
            "frame {}: Info {info:?} names {name}",
            m.frame + 1
        );
    }
    let [
        reg,
        auth_req,
        auth_resp,
        smc,
        smc_complete,
        accept,
        complete,
    ] = std::array::from_fn(|i| trace[i]);

    // Registration request: plain, initial registration, SUCI of PLMN 001/01, IMSI type,
    // null scheme.
    assert_eq!(reg.header_type, 0);
    assert_eq!(
        reg.number("nas_5gs.mm.5gs_reg_type"),
        1,
        "initial registration"
    );
    assert_eq!(
        reg.number("nas_5gs.mm.nas_key_set_id.h1"),
        7,
        "ngKSI: no key available"
    );
    assert_eq!(
        reg.number("nas_5gs.mm.suci.supi_fmt"),
        0,
        "SUPI format IMSI"
    );
    assert_eq!(reg.number("nas_5gs.mm.suci.scheme_id"), 0, "null scheme");
    assert_eq!(reg.one("e212.mcc"), "1", "SUCI MCC 001");
    assert_eq!(reg.one("e212.mnc"), "1", "SUCI MNC 01");

    // Authentication request / response: plain; ABBA 0000; RAND, AUTN, RES* of 16 octets.
    assert_eq!(auth_req.header_type, 0);
    assert_eq!(auth_req.hex("nas_5gs.mm.abba_contents"), "0000");
    let ngksi = auth_req.number("nas_5gs.mm.nas_key_set_id");
    assert!(ngksi < 7, "the AMF assigns an ngKSI: {ngksi}");
    assert_eq!(auth_req.hex("gsm_a.dtap.rand").len(), 32);
    assert_eq!(auth_req.hex("gsm_a.dtap.autn").len(), 32);
    assert_eq!(auth_resp.header_type, 0);
    assert_eq!(auth_resp.hex("nas_eps.emm.res").len(), 32);

    // Security mode command: integrity protected with the new context (3), first
    // downlink COUNT; NEA0 and 128-NIA2 selected. Complete: type 4, first uplink COUNT.
    assert_eq!(
        smc.header_type, 3,
        "SMC: integrity protected with new 5G NAS security context"
    );
    assert_eq!(smc.number("nas_5gs.seq_no"), 0);
    assert_eq!(smc.number("nas_5gs.mm.nas_sec_algo_enc"), 0, "5G-EA0");
    assert_eq!(smc.number("nas_5gs.mm.nas_sec_algo_ip"), 2, "128-5G-IA2");
    assert_eq!(
        smc.number("nas_5gs.mm.nas_key_set_id"),
        ngksi,
        "SMC: ngKSI of the AKA"
    );
    assert_eq!(
        smc_complete.header_type, 4,
        "integrity protected and ciphered, new context"
    );
    assert_eq!(smc_complete.number("nas_5gs.seq_no"), 0);
    if smc.all("nas_5gs.mm.rinmr").iter().any(|v| number(v) == 1) {
        // Retransmission of the initial NAS message requested: the complete carries the
        // whole Registration request in its NAS message container (TS 24.501 §5.4.2.3).
        let types: Vec<u64> = smc_complete
            .all("nas_5gs.mm.message_type")
            .iter()
            .map(|v| number(v))
            .collect();
        assert_eq!(
            types,
            [
                u64::from(SECURITY_MODE_COMPLETE),
                u64::from(REGISTRATION_REQUEST)
            ]
        );
    }

    // Registration accept: protected under the context; a 5G-GUTI of the AMF's GUAMI.
    assert!(
        matches!(accept.header_type, 1 | 2),
        "accept is protected: {}",
        accept.header_type
    );
    assert_eq!(accept.number("nas_5gs.seq_no"), 1);
    assert_eq!(accept.number("nas_5gs.amf_region_id"), 2);
    assert_eq!(accept.number("nas_5gs.amf_set_id"), 1);
    assert_eq!(accept.number("nas_5gs.amf_pointer"), 0);
    assert!(!accept.one("nas_5gs.5g_tmsi").is_empty());
    assert_eq!(
        accept.number("nas_5gs.mm.reg_res.res"),
        1,
        "registered for 3GPP access"
    );
    assert!(matches!(complete.header_type, 1 | 2));
    assert_eq!(complete.number("nas_5gs.seq_no"), 1);
}

/// The values one UE's trace gives the Python script.
fn python_input_of(trace: &[&Nas]) -> Value {
    let find = |ty: u8| -> &Nas {
        trace
            .iter()
            .find(|m| m.message_type == ty)
            .unwrap_or_else(|| panic!("no message {ty:#x} in the UE's trace"))
    };
    let (reg, auth_req, auth_resp, smc) = (
        find(REGISTRATION_REQUEST),
        find(AUTHENTICATION_REQUEST),
        find(AUTHENTICATION_RESPONSE),
        find(SECURITY_MODE_COMMAND),
    );
    json!({
        "supi": format!("imsi-00101{}", reg.one("nas_5gs.mm.suci.msin")),
        "rand": auth_req.hex("gsm_a.dtap.rand"),
        "autn": auth_req.hex("gsm_a.dtap.autn"),
        "abba": auth_req.hex("nas_5gs.mm.abba_contents"),
        "res_star": auth_resp.hex("nas_eps.emm.res"),
        "integrity_algorithm": smc.number("nas_5gs.mm.nas_sec_algo_ip"),
        "ciphering_algorithm": smc.number("nas_5gs.mm.nas_sec_algo_enc"),
        "messages": protected_for_python(trace),
    })
}
