//! `ferrocore bench registration`: the load generator. Starts `ferrocore up` as a child
//! process (its own store in a temporary folder, N2 over SCTP/UDP encapsulation on
//! loopback), provisions N subscribers, registers them with the simulator in this
//! process, and reports the rate, the latency and the core's resident memory growth per
//! registered UE.

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use ferrocore_sctp_io::Transport;
use ferrocore_sim_io::{SimOptions, Summary};
use serde::Serialize;

#[derive(clap::Args)]
pub struct BenchArgs {
    /// What to measure: `registration`.
    pub what: String,
    /// UEs to register.
    #[arg(long, default_value_t = 10_000)]
    pub ues: usize,
    /// Registrations started per second (0: all at once, as fast as the core takes them).
    #[arg(long, default_value_t = 0.0)]
    pub rate: f64,
    /// Simulated gNBs (one SCTP association each).
    #[arg(long, default_value_t = 4)]
    pub gnbs: usize,
    /// Each UE also establishes an IPv4 PDU session (through the in-process SMF and UPF;
    /// the UPF's TUN needs root): measures registration + session establishment.
    #[arg(long)]
    pub session: bool,
    /// Print the result as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// The result of `ferrocore bench registration`.
#[derive(Serialize)]
struct Report {
    /// The simulator's summary.
    sim: Summary,
    /// Resident memory of the core process before the run, in KiB.
    core_rss_before_kib: u64,
    /// Resident memory of the core process after the run, in KiB.
    core_rss_after_kib: u64,
    /// Growth per registered UE, in bytes.
    core_rss_per_ue_bytes: f64,
    /// PDU session establishments per second (with `--session`).
    sessions_per_s: f64,
    /// NGAP messages per second through the AMF implied by the rate (a registration is 9
    /// NGAP messages: Initial UE Message, 2 x Downlink NAS Transport (Authentication
    /// Request, Security Mode Command), 3 x Uplink NAS Transport (Authentication Response,
    /// Security Mode Complete, Registration Complete), Initial Context Setup Request and
    /// Response, UE Radio Capability Info Indication).
    ngap_messages_per_s: f64,
}

/// NGAP messages through the AMF per initial registration (see [`Report`]).
const NGAP_PER_REGISTRATION: f64 = 9.0;

/// Runs the benchmark and prints its report.
pub fn run(args: BenchArgs) -> Result<()> {
    if args.what != "registration" {
        bail!("unknown benchmark {:?}: expected `registration`", args.what);
    }
    let dir = tempfile_dir()?;
    let core = ChildCore::start(&dir)?;
    let options = SimOptions {
        amf: core.n2,
        transport: Transport::Udp,
        amf_udp_port: core.n2_udp_port,
        gnbs: args.gnbs,
        ues: args.ues,
        rate: args.rate,
        timeout: Duration::from_secs(600),
        sessions: args.session.then_some(ferrocore_sim_io::SessionOptions {
            pdu_session_type: ferrocore_sim::SessionType::Ipv4,
            dnn: None,
            snssai: None,
        }),
        // The gNBs' N3 addresses (one per gNB) stay clear of the UPF's 127.0.0.2.
        gnb_n3_ip: std::net::Ipv4Addr::new(127, 0, 1, 1).into(),
        ..SimOptions::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let json = args.json;
    let (sim, before, after) = rt.block_on(async {
        let n = crate::sim::provision(&format!("http://{}", core.udr), &options).await?;
        if !json {
            eprintln!("provisioned {n} subscribers");
        }
        let before = core.rss_kib()?;
        let sim = ferrocore_sim_io::run(options, |s: &Summary| {
            if !json {
                eprintln!("{}", s.line());
            }
        })
        .await?;
        let after = core.rss_kib()?;
        anyhow::Ok((sim, before, after))
    })?;
    if args.session && sim.pdu_sessions == 0 {
        eprintln!(
            "no PDU session was established; the core said:\n{}",
            core.log()
        );
    }
    let per_ue = if sim.registered > 0 {
        (after.saturating_sub(before) * 1024) as f64 / sim.registered as f64
    } else {
        0.0
    };
    let sessions_per_s = if sim.elapsed_s > 0.0 {
        sim.pdu_sessions as f64 / sim.elapsed_s
    } else {
        0.0
    };
    let report = Report {
        sessions_per_s,
        ngap_messages_per_s: sim.rate_per_s * NGAP_PER_REGISTRATION,
        core_rss_before_kib: before,
        core_rss_after_kib: after,
        core_rss_per_ue_bytes: per_ue,
        sim,
    };
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("{}", report.sim.line());
        if args.session {
            println!(
                "{} PDU sessions, {:.0}/s, p50 {:.1} ms, p99 {:.1} ms",
                report.sim.pdu_sessions,
                report.sessions_per_s,
                report.sim.session_ms.p50,
                report.sim.session_ms.p99
            );
        }
        println!(
            "core resident memory {} -> {} KiB: {:.0} bytes per registered UE; {:.0} NGAP messages/s",
            report.core_rss_before_kib,
            report.core_rss_after_kib,
            report.core_rss_per_ue_bytes,
            report.ngap_messages_per_s
        );
    }
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("ferrocore-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// `ferrocore up` as a child process on free loopback ports, killed when dropped.
struct ChildCore {
    child: Child,
    dir: std::path::PathBuf,
    udr: SocketAddr,
    n2: SocketAddr,
    n2_udp_port: u16,
}

impl ChildCore {
    fn start(dir: &std::path::Path) -> Result<Self> {
        let free_tcp =
            || -> Result<SocketAddr> { Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?) };
        let (udr, udm, ausf, metrics) = (free_tcp()?, free_tcp()?, free_tcp()?, free_tcp()?);
        let (amf, smf) = (free_tcp()?, free_tcp()?);
        let free_udp =
            || -> Result<u16> { Ok(UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port()) };
        let (n2_udp_port, pfcp_port) = (free_udp()?, free_udp()?);
        let n2: SocketAddr = "127.0.0.1:38412".parse()?;
        let config = format!(
            "[store]\ndb = \"sqlite://{}\"\n[sbi]\nudr = \"{udr}\"\nudm = \"{udm}\"\nausf = \"{ausf}\"\n\
             amf = \"{amf}\"\nsmf = \"{smf}\"\n\
             [n2]\ntransport = \"udp\"\nudp_port = {n2_udp_port}\n[metrics]\nlisten = \"{metrics}\"\n\
             [smf]\npfcp_listen = \"127.0.0.1:{pfcp_port}\"\n",
            dir.join("ferrocore.db").display()
        );
        let path = dir.join("ferrocore.toml");
        std::fs::write(&path, config)?;
        let child = Command::new(std::env::current_exe()?)
            .arg("up")
            .arg("--config")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("up.log"))?)
            .spawn()
            .context("starting ferrocore up")?;
        let core = ChildCore {
            child,
            dir: dir.to_path_buf(),
            udr,
            n2,
            n2_udp_port,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(metrics).is_err() {
            if Instant::now() > deadline {
                bail!("ferrocore up did not start within 30 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(core)
    }

    /// What the core process wrote to stderr so far.
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("up.log")).unwrap_or_default()
    }

    /// VmRSS of the core process, in KiB.
    fn rss_kib(&self) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS in /proc/<pid>/status")
    }
}

impl Drop for ChildCore {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
