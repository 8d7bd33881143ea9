//! A `ferrocore up` child process on loopback with free ports and a throw-away store, and
//! `ferrocore sim` runs against it. Shared by the end-to-end tests.
//!
//! The core's stderr goes to `up.log` in its temporary folder; its last lines are printed
//! when a test fails. With `FERROCORE_KEEP_PCAP` set the folder (captures included) is kept.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A running `ferrocore up`, killed (by its own handle) when dropped.
pub struct Core {
    child: Child,
    dir: Option<tempfile::TempDir>,
    /// The UDR's address (Nudr and the provisioning REST API).
    pub udr: SocketAddr,
    /// Where `/metrics` is served.
    pub metrics: SocketAddr,
    /// The N2 SCTP port (UDP encapsulation on `n2_udp_port`).
    pub n2_port: u16,
    /// UDP port of SCTP over UDP encapsulation.
    pub n2_udp_port: u16,
}

/// How many lines of the core's stderr a failing test prints.
const TAIL_LINES: usize = 60;

impl Drop for Core {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- ferrocore up, last lines of its stderr ---");
            eprintln!("{}", self.stderr_tail(TAIL_LINES));
        }
        let Some(dir) = self.dir.take() else { return };
        if std::env::var_os("FERROCORE_KEEP_PCAP").is_some() {
            eprintln!("kept {}", dir.keep().display());
        }
    }
}

/// The core's stderr, in its temporary folder.
const LOG: &str = "up.log";

fn free_tcp() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Core {
    /// Starts `ferrocore up` with N2 over SCTP/UDP encapsulation on free ports; `amf_extra`
    /// is appended to the `[amf]` section (e.g. `ciphering_order = ["NEA0"]`).
    pub fn start(amf_extra: &str) -> Core {
        let dir = tempfile::Builder::new()
            .prefix("ferrocore-core-")
            .tempdir()
            .unwrap();
        let (udr, udm, ausf, metrics) = (free_tcp(), free_tcp(), free_tcp(), free_tcp());
        let (amf, smf) = (free_tcp(), free_tcp());
        let n2_port = 30_000 + (std::process::id() % 20_000) as u16;
        let (n2_udp_port, pfcp_port) = (free_udp_port(), free_udp_port());
        let config = format!(
            "[store]\ndb = \"sqlite://{db}\"\n\n[sbi]\nudr = \"{udr}\"\nudm = \"{udm}\"\nausf = \"{ausf}\"\n\
             amf = \"{amf}\"\nsmf = \"{smf}\"\n\n\
             [n2]\naddress = \"127.0.0.1\"\nport = {n2_port}\ntransport = \"udp\"\nudp_port = {n2_udp_port}\n\n\
             [metrics]\nlisten = \"{metrics}\"\n\n[smf]\npfcp_listen = \"127.0.0.1:{pfcp_port}\"\n\n\
             [amf]\n{amf_extra}\n",
            db = dir.path().join("ferrocore.db").display(),
        );
        let path = dir.path().join("ferrocore.toml");
        std::fs::write(&path, config).unwrap();
        let log = std::fs::File::create(dir.path().join(LOG)).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_ferrocore"))
            .args(["up", "--config"])
            .arg(&path)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("starting ferrocore up");
        let mut core = Core {
            child,
            dir: Some(dir),
            udr,
            metrics,
            n2_port,
            n2_udp_port,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while core.metrics_text().is_none() {
            if let Ok(Some(status)) = core.child.try_wait() {
                panic!("ferrocore up exited ({status}) before serving /metrics");
            }
            assert!(
                Instant::now() < deadline,
                "ferrocore up did not answer on http://{}/metrics within 60 s",
                core.metrics
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        core
    }

    /// A scratch path in the core's temporary folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir
            .as_ref()
            .expect("the core's folder")
            .path()
            .join(name)
    }

    /// The last `lines` lines of the core's stderr so far.
    pub fn stderr_tail(&self, lines: usize) -> String {
        let log = std::fs::read_to_string(self.path(LOG)).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(lines).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// Runs `ferrocore sim` against this core over UDP encapsulation (its UEs provisioned
    /// first), with `args` added.
    pub fn sim(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_ferrocore"))
            .args(["sim", "--transport", "udp", "--json", "--timeout", "60"])
            .args(["--amf", &format!("127.0.0.1:{}", self.n2_port)])
            .args(["--amf-udp-port", &self.n2_udp_port.to_string()])
            .args(["--provision", &format!("http://{}", self.udr)])
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("running ferrocore sim")
    }

    /// The JSON summary of a sim run (panics with its stderr when there is none).
    pub fn sim_json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.sim(args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "ferrocore sim ({}) printed no JSON summary ({e}):\nstdout: {stdout}\nstderr: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        })
    }

    /// `GET /metrics`, or `None` while nothing answers.
    pub fn metrics_text(&self) -> Option<String> {
        let mut s = TcpStream::connect_timeout(&self.metrics, Duration::from_secs(1)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        write!(
            s,
            "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut text = String::new();
        s.read_to_string(&mut text).ok()?;
        text.starts_with("HTTP/1.1 200").then_some(text)
    }

    /// The value of one metric line (`name` with its labels, as printed), 0 if absent.
    pub fn metric(&self, series: &str) -> f64 {
        let text = self.metrics_text().expect("metrics");
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .find_map(|l| {
                let (name, value) = l.rsplit_once(' ')?;
                (name == series).then(|| value.parse().ok()).flatten()
            })
            .unwrap_or(0.0)
    }
}
