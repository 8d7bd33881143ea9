//! Issue #6 end to end across three network namespaces joined by veth pairs:
//!
//! ```text
//!  ran (ferrocore sim)  --10.201.1.0/24--  core (ferrocore up: AMF SMF UPF ...)  --10.201.2.0/24--  dn (a host)
//!      gNB N2 / N3 10.201.1.2                 N2, N3 10.201.1.1; upf0 (UE pool)            10.201.2.2
//! ```
//!
//! 20 UEs register, establish IPv4 PDU sessions and ping the data network host through
//! the UPF; then each goes idle, the host's answer to a ping makes the UPF buffer, the core
//! pages the UE, the Service Request brings the buffered answer. A capture on the core's
//! interfaces is clean in tshark and shows PFCP session messages (a Downlink Data Report
//! for every session among them) and GTP-U with the PDU Session Container. Needs root and
//! `ip`, `tshark` (with its `dumpcap`); fails without them unless `FERROCORE_SKIP_NETNS=1`.
//! With `FERROCORE_KEEP_PCAP` set, or when a test fails, its folder (capture, core log and
//! configuration) is kept and its path printed.
//!
//! A second run (IPv4v6): the UEs get their /64 by Router Advertisement and ping the data
//! network host over IPv6 as well, iperf3 runs TCP through one session (the simulator's
//! TUN in ran, an iperf3 server in dn), and at the end every session is released: the
//! core's metrics show no address and no UPF session left. Needs `iperf3` as well.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use ferrocore_testkit::capture::Capture;
use ferrocore_testkit::netns::{self, Namespace, ip};
use ferrocore_testkit::tshark::Dissection;

/// A test's scratch folder, kept (and its path printed) when the test fails or
/// `FERROCORE_KEEP_PCAP` is set.
struct Scratch(Option<tempfile::TempDir>);

impl Scratch {
    fn new() -> Self {
        Scratch(Some(
            tempfile::Builder::new()
                .prefix("ferrocore-e2e-")
                .tempdir()
                .unwrap(),
        ))
    }

    fn path(&self) -> &std::path::Path {
        self.0.as_ref().expect("the folder").path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let Some(dir) = self.0.take() else { return };
        if std::thread::panicking() || std::env::var_os("FERROCORE_KEEP_PCAP").is_some() {
            eprintln!("kept {}", dir.keep().display());
        }
    }
}

/// The three namespaces, deleted (with everything in them) on drop.
struct Topology {
    ran: Namespace,
    core: Namespace,
    dn: Namespace,
    children: Vec<Child>,
}

impl Topology {
    fn new() -> Self {
        // Unique per test of this process too (the tests run in parallel).
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let id = (std::process::id() % 10_000) * 10 + NEXT.fetch_add(1, Ordering::Relaxed) % 10;
        let name = |n: &str| format!("fc{n}{id}");
        let t = Topology {
            ran: Namespace::new(name("ran")),
            core: Namespace::new(name("core")),
            dn: Namespace::new(name("dn")),
            children: vec![],
        };
        netns::veth(
            &t.ran,
            &format!("r{id}"),
            "10.201.1.2/24",
            &t.core,
            &format!("c{id}"),
            "10.201.1.1/24",
        );
        netns::veth(
            &t.core,
            &format!("n{id}"),
            "10.201.2.1/24",
            &t.dn,
            &format!("d{id}"),
            "10.201.2.2/24",
        );
        // The data network reaches the UE pool through the core; the core forwards N6.
        ip(&[
            "-n",
            &t.dn,
            "route",
            "add",
            "10.45.0.0/16",
            "via",
            "10.201.2.1",
        ]);
        netns::sysctl(&t.core, "net.ipv4.ip_forward=1");
        t
    }

    /// IPv6 on the core - dn link (fd00:201:2::/64), the UE prefixes routed from dn
    /// through the core, the core forwarding IPv6.
    fn ipv6(&self) {
        let id = self.core.trim_start_matches("fccore");
        for (ns, dev, addr) in [
            (&self.core, format!("n{id}"), "fd00:201:2::1/64"),
            (&self.dn, format!("d{id}"), "fd00:201:2::2/64"),
        ] {
            ip(&["-n", ns, "-6", "addr", "add", addr, "dev", &dev, "nodad"]);
        }
        ip(&[
            "-n",
            &self.dn,
            "-6",
            "route",
            "add",
            "2001:db8:45::/48",
            "via",
            "fd00:201:2::1",
        ]);
        netns::sysctl(&self.core, "net.ipv6.conf.all.forwarding=1");
    }

    fn exec(&self, ns: &str, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns, program]);
        c
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        // The namespaces go after this, with the fields.
    }
}

/// The test's turn, or `None` when it is skipped (not root, see `skip_unless_root`). The
/// two tests run one after the other: on a 2-core machine the other's iperf3 run starves
/// the capture of the first (tshark then drops packets).
fn one_at_a_time() -> Option<std::sync::MutexGuard<'static, ()>> {
    if netns::skip_unless_root("the session netns test") {
        return None;
    }
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    Some(LOCK.lock().unwrap_or_else(|e| e.into_inner()))
}

#[test]
fn twenty_ues_ping_the_data_network_through_the_core_and_are_paged_when_idle() {
    let Some(_alone) = one_at_a_time() else {
        return;
    };
    let mut t = Topology::new();
    let dir = Scratch::new();
    // The capture: every interface of the core (N2/N3 veth, PFCP on lo, N6 veth), live
    // before the core starts.
    let capture = Capture::any(&t.core, &dir.path().join("core.pcapng"));
    start_core(&mut t, &dir, "");

    let out = t
        .exec(&t.ran, env!("CARGO_BIN_EXE_ferrocore"))
        .args([
            "sim",
            "--json",
            "--transport",
            "udp",
            "--ues",
            "20",
            "--rate",
            "0",
        ])
        .args([
            "--amf",
            "10.201.1.1:38412",
            "--local",
            "10.201.1.2",
            "--n3",
            "10.201.1.2",
        ])
        .args([
            "--provision",
            "http://10.201.1.1:7001",
            "--ping",
            "10.201.2.2",
            "--idle",
        ])
        .args(["--timeout", "60"])
        .output()
        .unwrap();
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no summary ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            up_log(&dir)
        )
    });
    assert_eq!(s["registered"], 20, "{s}\n{}", up_log(&dir));
    assert_eq!(s["pdu_sessions"], 20, "{s}\n{}", up_log(&dir));
    assert_eq!(s["ping_ok"], s["ping_sent"], "{s}");
    assert!(s["ping_ok"].as_u64().unwrap() >= 20, "{s}");
    assert_eq!(
        s["paged"], 20,
        "every idle UE was paged by downlink data: {s}"
    );
    assert_eq!(
        s["idle_ping_ok"], 20,
        "and its buffered answer arrived: {s}"
    );

    assert_eq!(metric(&t, "smf_ipv4_addresses_allocated"), 20.0);
    assert_eq!(metric(&t, "smf_dl_data_reports_total"), 20.0);
    assert_eq!(metric(&t, "amf_mm_paging_5g_req_total"), 20.0);

    // Every packet that reached its receiver so far is in the file once the capture stops
    // (the reports and the paging came last, just before the simulator finished).
    let d = Dissection::of_file(&capture.stop(), &[]);
    d.assert_clean();
    let all = |name: &str| -> Vec<String> {
        d.fields(&[name])
            .into_iter()
            .flat_map(|mut row| row.remove(name).unwrap_or_default())
            .collect()
    };
    let pfcp = all("pfcp.msg_type");
    for (t, name) in [
        ("50", "Session Establishment Request"),
        ("51", "Session Establishment Response"),
        ("52", "Session Modification Request"),
        ("53", "Session Modification Response"),
        ("56", "Session Report Request"),
        ("57", "Session Report Response"),
    ] {
        assert!(
            pfcp.iter().any(|v| v == t),
            "no PFCP {name} (type {t}) in {pfcp:?}"
        );
    }
    // A Downlink Data Report (TS 29.244 §7.5.8) for each of the 20 sessions, each accepted.
    each_session_says(&d, "56", "pfcp.report_type.dldr", "1", 20);
    each_session_says(&d, "57", "pfcp.cause", "1", 20);
    let qfi = all("gtp.ext_hdr.pdu_ses_con.qos_flow_id");
    assert!(!qfi.is_empty(), "no GTP-U PDU Session Container");
    // Every packet rides the session's default QoS flow: QFI 1 (its 5QI is 9).
    assert!(qfi.iter().all(|q| q == "1"), "QFIs {qfi:?}");
}

/// The PFCP messages of type `msg_type` in the capture by SEID, each with the values of
/// `field` in them.
/// `sessions` distinct SEIDs carry PFCP message `msg_type`, and `field` is `value` in
/// every one of them.
fn each_session_says(d: &Dissection, msg_type: &str, field: &str, value: &str, sessions: usize) {
    let by_seid = pfcp_seids(d, msg_type, field);
    assert_eq!(
        by_seid.len(),
        sessions,
        "sessions with PFCP message type {msg_type}: {by_seid:?}"
    );
    assert!(
        by_seid
            .values()
            .all(|v| !v.is_empty() && v.iter().all(|f| f == value)),
        "{field} is not {value} in every message type {msg_type}: {by_seid:?}"
    );
}

fn pfcp_seids(
    d: &Dissection,
    msg_type: &str,
    field: &str,
) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut by_seid = std::collections::BTreeMap::<String, Vec<String>>::new();
    for mut row in d.fields(&["pfcp.msg_type", "pfcp.seid", field]) {
        let types = row.remove("pfcp.msg_type").unwrap_or_default();
        let seids = row.remove("pfcp.seid").unwrap_or_default();
        let values = row.remove(field).unwrap_or_default();
        // One PFCP message per datagram here (no piggybacking on N4).
        if types.as_slice() == [msg_type] {
            let seid = seids.into_iter().next().unwrap_or_default();
            by_seid.entry(seid).or_default().extend(values);
        }
    }
    by_seid
}

fn up_log(dir: &Scratch) -> String {
    let text = std::fs::read_to_string(dir.path().join("up.log")).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// Starts `ferrocore up` in the core namespace with `extra` appended to its configuration
/// and waits for its metrics endpoint.
fn start_core(t: &mut Topology, dir: &Scratch, extra: &str) {
    let config = dir.path().join("ferrocore.toml");
    std::fs::write(
        &config,
        format!(
            "[store]\ndb = \"sqlite://{}\"\n\
             [sbi]\nudr = \"10.201.1.1:7001\"\n\
             [n2]\naddress = \"10.201.1.1\"\ntransport = \"udp\"\n\
             [upf]\nn3 = \"10.201.1.1:2152\"\n{extra}",
            dir.path().join("ferrocore.db").display()
        ),
    )
    .unwrap();
    let log = std::fs::File::create(dir.path().join("up.log")).unwrap();
    let mut up = t.exec(&t.core, env!("CARGO_BIN_EXE_ferrocore"));
    up.args(["up", "--config"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(log);
    t.children.push(up.spawn().unwrap());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let probe = t
            .exec(&t.core, "curl")
            .args(["-sf", "-o", "/dev/null", "http://127.0.0.1:9090/metrics"])
            .status();
        if probe.is_ok_and(|s| s.success()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "ferrocore up did not start: {}",
            up_log(dir)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// One value of the core's /metrics.
fn metric(t: &Topology, name: &str) -> f64 {
    let metrics = String::from_utf8(
        t.exec(&t.core, "curl")
            .args(["-s", "http://127.0.0.1:9090/metrics"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("{name} not in the metrics"))
}

/// `ferrocore sim` in ran against the core of the topology, with `extra` arguments.
fn sim(t: &Topology, ues: usize, extra: &[&str]) -> Command {
    let mut c = t.exec(&t.ran, env!("CARGO_BIN_EXE_ferrocore"));
    c.args(["sim", "--json", "--transport", "udp", "--rate", "0"])
        .args(["--ues", &ues.to_string()])
        .args([
            "--amf",
            "10.201.1.1:38412",
            "--local",
            "10.201.1.2",
            "--n3",
            "10.201.1.2",
            "--provision",
            "http://10.201.1.1:7001",
        ])
        .args(extra);
    c
}

#[test]
fn ipv4v6_sessions_ping_over_ipv6_carry_iperf3_and_release_every_address() {
    let Some(_alone) = one_at_a_time() else {
        return;
    };
    let mut t = Topology::new();
    t.ipv6();
    let dir = Scratch::new();
    start_core(&mut t, &dir, "");
    // The iperf3 server in dn: one test, then it exits.
    let mut server = t.exec(&t.dn, "iperf3");
    server
        .args(["-s", "-1", "-B", "10.201.2.2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    t.children
        .push(server.spawn().expect("iperf3 (installed by .ci/setup)"));

    const UES: usize = 5;
    let mut run = sim(
        &t,
        UES,
        &[
            "--session",
            "ipv4v6",
            "--ping",
            "10.201.2.2",
            "--ping6",
            "fd00:201:2::2",
            "--tun",
            "--hold",
            "8",
            "--release",
            "--timeout",
            "60",
        ],
    );
    let sim_run = run
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // The first UE's address on the simulator's TUN: iperf3 binds it (the source rule
    // sends its packets into the TUN, the simulator up the UE's tunnel).
    let deadline = Instant::now() + Duration::from_secs(30);
    let ue = loop {
        let out = t
            .exec(&t.ran, "ip")
            .args(["-4", "-o", "addr", "show", "dev", "fcsim0"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if let Some(a) = text
            .split_whitespace()
            .find_map(|w| w.strip_prefix("10.45.").map(|r| format!("10.45.{r}")))
        {
            break a.trim_end_matches("/32").to_string();
        }
        assert!(Instant::now() < deadline, "no UE address on fcsim0: {text}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let iperf = t
        .exec(&t.ran, "iperf3")
        .args(["-c", "10.201.2.2", "-B", &ue, "-t", "3", "-J"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&iperf.stdout).unwrap_or_else(|e| {
        panic!(
            "iperf3 -J ({e}): {}{}",
            String::from_utf8_lossy(&iperf.stdout),
            String::from_utf8_lossy(&iperf.stderr)
        )
    });
    let sent = &report["end"]["sum_sent"];
    let received = &report["end"]["sum_received"];
    let bytes = received["bytes"].as_f64().unwrap_or(0.0);
    eprintln!(
        "iperf3 TCP through UE {ue}'s PDU session: {:.1} Mbit/s sent, {:.1} Mbit/s received, \
         {} retransmits",
        sent["bits_per_second"].as_f64().unwrap_or(0.0) / 1e6,
        received["bits_per_second"].as_f64().unwrap_or(0.0) / 1e6,
        sent["retransmits"]
    );
    assert!(bytes > 0.0, "iperf3 moved nothing: {report}");

    let out = sim_run.wait_with_output().unwrap();
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no summary ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            up_log(&dir)
        )
    });
    assert_eq!(s["registered"], UES, "{s}\n{}", up_log(&dir));
    assert_eq!(s["pdu_sessions"], UES, "{s}\n{}", up_log(&dir));
    assert_eq!(s["ping_ok"], UES, "IPv4 pings: {s}");
    assert_eq!(s["ping6_sent"], UES, "{s}");
    assert_eq!(
        s["ping6_ok"], UES,
        "each UE got its /64 by Router Advertisement and pinged the dn host over IPv6: {s}"
    );
    assert_eq!(s["released"], UES, "{s}");
    assert!(
        metric(&t, "upf_router_advertisements_total") >= UES as f64,
        "answered by the UPF"
    );
    // Every address and every UPF session back (the release reaches the UPF with the
    // PFCP Session Deletion before the Release Command goes to the UE).
    for gauge in [
        "smf_ipv4_addresses_allocated",
        "smf_ipv6_prefixes_allocated",
        "upf_sessions",
    ] {
        assert_eq!(settled(&t, gauge), 0.0, "{gauge}");
    }
}

/// A gauge once the last releases have reached it: the UPF recounts its gauges at a
/// bounded rate, so they may show a moment later (read once a second until it is 0, at
/// most 10 s; the value read last is returned).
fn settled(t: &Topology, name: &str) -> f64 {
    let mut value = metric(t, name);
    for _ in 0..10 {
        if value == 0.0 {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
        value = metric(t, name);
    }
    value
}
