//! Issue #6, PDU session modification end to end: `ferrocore up` and `ferrocore sim` as
//! processes on loopback (the core of tests/common). Five UEs establish IPv4 PDU sessions,
//! then each asks for one more QoS flow (PDU SESSION MODIFICATION REQUEST, 5QI 9, one
//! packet filter: the ping target, the UE pool's gateway on the UPF's TUN). The SMF
//! authorizes it and installs the flow at the UPF, the AMF relays the command with the
//! PDU Session Resource Modify Request, the gNB sets the flow up and the UE completes;
//! the pings that follow travel on the new flow, which a capture of N3 shows (their
//! PDU Session Container's QFI).
//!
//! Needs root (the UPF's TUN) and `tshark` with its `dumpcap`; fails without them unless
//! `FERROCORE_SKIP_NETNS=1`.

mod common;

use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::core::Core;
use ferrocore_testkit::netns;
use ferrocore_testkit::tshark::Dissection;

/// The UE pool's gateway, on the UPF's TUN: what every UE pings.
const PING_TARGET: &str = "10.45.0.1";
const UES: u64 = 5;

/// A capture of N3 (GTP-U, on loopback) by `dumpcap`; killed if the test fails first.
///
/// `dumpcap` hands packets to its file in blocks, on a timer: it writes the file's header
/// before it captures, and what it holds when stopped can be lost. So a marker (a GTP-U
/// Echo Request to a port-2152 address nobody uses) is sent until one shows in the file:
/// at the start the capture is then live, at the end everything before the marker is in
/// the file.
struct Capture {
    child: Option<Child>,
    path: std::path::PathBuf,
    probe: UdpSocket,
}

/// Echo Request, sequence number 0 (TS 29.281 §7.2.1).
const ECHO: [u8; 12] = [0x32, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0];

impl Capture {
    fn start(path: &std::path::Path) -> Capture {
        let child = Command::new("dumpcap")
            .args(["-q", "-i", "any", "-f", "udp port 2152", "-w"])
            .arg(path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dumpcap (tshark's, installed by .ci/setup)");
        let capture = Capture {
            child: Some(child),
            path: path.to_owned(),
            probe: UdpSocket::bind("127.0.0.1:0").unwrap(),
        };
        capture.marker();
        capture
    }

    fn size(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }

    /// Sends markers until the file grows past what it held (its header, at the start).
    fn marker(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut before = self.size();
        while before == 0 {
            assert!(
                Instant::now() < deadline,
                "dumpcap did not start within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
            before = self.size();
        }
        while self.size() <= before {
            assert!(
                Instant::now() < deadline,
                "dumpcap wrote nothing within 30 s"
            );
            let _ = self.probe.send_to(&ECHO, "127.0.0.9:2152");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop(mut self) {
        self.marker();
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-INT", &c.id().to_string()])
                .status();
            let _ = c.wait();
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[test]
fn every_ue_gets_its_extra_qos_flow_and_its_pings_travel_on_it() {
    if netns::skip_unless_root("the PDU session modification test (the UPF's TUN)") {
        return;
    }
    let core = Core::start("");
    let pcap = core.path("n3.pcap");
    let capture = Capture::start(&pcap);

    let ues = UES.to_string();
    let s = core.sim_json(&[
        "--ues",
        &ues,
        "--rate",
        "0",
        "--session",
        "--ping",
        PING_TARGET,
        "--modify",
    ]);
    assert_eq!(s["registered"], UES, "{s}");
    assert_eq!(s["pdu_sessions"], UES, "{s}");
    assert_eq!(s["modified"], UES, "every UE got its extra QoS flow: {s}");
    assert_eq!(s["modify_rejected"], 0, "{s}");
    assert_eq!(s["modify_failures"], serde_json::json!({}), "{s}");
    assert_eq!(s["modify_commands_rejected"], 0, "{s}");
    assert_eq!(s["ping_sent"], UES, "{s}");
    assert_eq!(s["ping_ok"], UES, "{s}");

    // The SMF counted each UE-requested modification from request to complete (the last
    // COMPLETEs may still be on their way when the simulator ends).
    let n = UES as f64;
    assert_eq!(
        settled(&core, "smf_sm_pdu_sess_modification_ue_succ_total", n),
        n
    );
    assert_eq!(core.metric("smf_sm_pdu_sess_modification_ue_req_total"), n);
    assert_eq!(core.metric("upf_drops_total{reason=\"NoPdr\"}"), 0.0);

    capture.stop();
    let d = Dissection::of_file(&pcap, &[]);
    d.assert_clean();
    let rows = d.fields(&[
        "ip.dst",
        "icmp.type",
        "gtp.ext_hdr.pdu_ses_con.pdu_type",
        "gtp.ext_hdr.pdu_ses_con.qos_flow_id",
    ]);
    // The echo requests to the target inside uplink G-PDUs (PDU type 1, UL PDU SESSION
    // INFORMATION): one per UE, each on the new flow, QFI 2 (the default flow is 1).
    let uplink_pings: Vec<Vec<String>> = rows
        .into_iter()
        .filter(|r| {
            r["icmp.type"] == ["8"]
                && r["ip.dst"].last().map(String::as_str) == Some(PING_TARGET)
                && r["gtp.ext_hdr.pdu_ses_con.pdu_type"] == ["1"]
        })
        .map(|mut r| r.remove("gtp.ext_hdr.pdu_ses_con.qos_flow_id").unwrap())
        .collect();
    assert_eq!(uplink_pings.len() as u64, UES, "{uplink_pings:?}");
    assert!(
        uplink_pings.iter().all(|q| q == &["2"]),
        "QFIs of the pings: {uplink_pings:?}"
    );
}

/// Metric `series` once it reads `want`, read every 100 ms for at most 10 s: the value
/// read last.
fn settled(core: &Core, series: &str, want: f64) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut value = core.metric(series);
    while value != want && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        value = core.metric(series);
    }
    value
}
