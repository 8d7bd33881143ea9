//! `ferrocore sim`: gNBs and UEs against an AMF (ferrocore's, or any core's N2 address),
//! optionally provisioning its own test subscribers first.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use ferrocore_sim::{SessionType, SuciProtection};
use ferrocore_sim_io::{AfterRegistration, ModifyOptions, SessionOptions, SimOptions, Summary};
use ferrocore_udr::model::{Key128, OperatorKey, PduSessionType};
use ferrocore_udr::{Subscriber, Supi};

#[derive(clap::Args)]
pub struct SimArgs {
    /// The AMF's N2 address (NGAP over SCTP).
    #[arg(long, default_value = "127.0.0.1:38412")]
    pub amf: SocketAddr,
    /// SCTP transport: auto | kernel | raw | udp (UDP encapsulation, RFC 6951, port 9899).
    #[arg(long, default_value = "auto")]
    pub transport: String,
    /// The AMF's UDP port for SCTP over UDP encapsulation.
    #[arg(long, default_value_t = 9899)]
    pub amf_udp_port: u16,
    /// Local address of the simulated gNBs.
    #[arg(long, default_value = "127.0.0.1")]
    pub local: IpAddr,
    /// Number of gNBs (one SCTP association each).
    #[arg(long, default_value_t = 1)]
    pub gnbs: usize,
    /// Number of UEs.
    #[arg(long, default_value_t = 10)]
    pub ues: usize,
    /// Registrations started per second (0: all at once).
    #[arg(long, default_value_t = 100.0)]
    pub rate: f64,
    /// Mobile country code.
    #[arg(long, default_value = "001")]
    pub mcc: String,
    /// Mobile network code.
    #[arg(long, default_value = "01")]
    pub mnc: String,
    /// Tracking area code.
    #[arg(long, default_value_t = 1)]
    pub tac: u32,
    /// MSIN of the first UE; the others follow.
    #[arg(long, default_value_t = 1)]
    pub msin: u64,
    /// K of every UE (32 hex digits) [default: TS 35.208 test set 1].
    #[arg(long)]
    pub k: Option<String>,
    /// OPc of every UE (32 hex digits) [default: TS 35.208 test set 1].
    #[arg(long)]
    pub opc: Option<String>,
    /// SUCI protection scheme: null, a (Profile A) or b (Profile B).
    #[arg(long, default_value = "null")]
    pub suci: String,
    /// Home network public key for Profiles A/B (hex: 32 octets for A, 33 compressed for B).
    #[arg(long)]
    pub hn_public_key: Option<String>,
    /// Home network public key identifier for Profiles A/B.
    #[arg(long, default_value_t = 1)]
    pub hn_key_id: u8,
    /// The last N UEs hold a wrong K (their authentication fails: cause #20).
    #[arg(long, default_value_t = 0)]
    pub wrong_k: usize,
    /// After registering, deregister and register again with the 5G-GUTI.
    #[arg(long)]
    pub reregister: bool,
    /// Give up on UEs not done after this many seconds.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// Write every NGAP message sent and received to this pcap file.
    #[arg(long)]
    pub pcap: Option<PathBuf>,
    /// Provision the UEs as subscribers first, through the UDR's REST API at this address.
    #[arg(long, num_args = 0..=1, default_missing_value = "http://127.0.0.1:7001")]
    pub provision: Option<String>,
    /// Start the all-in-one core (as `ferrocore up`, with --config or the defaults) in
    /// this process first, and provision the UEs into it: the one-command demo.
    #[arg(long)]
    pub with_core: bool,
    /// The core's configuration file, with --with-core.
    #[arg(long, requires = "with_core")]
    pub config: Option<PathBuf>,
    /// Print one JSON object (the summary) instead of human output.
    #[arg(long)]
    pub json: bool,
    /// Once registered, each UE establishes a PDU session (PSI 1) of this type: ipv4,
    /// ipv6 or ipv4v6.
    #[arg(long, num_args = 0..=1, default_missing_value = "ipv4", value_name = "TYPE")]
    pub session: Option<String>,
    /// DNN of the PDU sessions [default: the network's choice].
    #[arg(long, requires = "session")]
    pub dnn: Option<String>,
    /// S-NSSAI of the PDU sessions as SST or SST:SD (SD in hex) [default: the network's
    /// choice].
    #[arg(long, requires = "session")]
    pub slice: Option<String>,
    /// Ping this address from every PDU session (ICMP built by the simulator, sent on
    /// N3; no TUN or root needed). An IPv6 address counts as --ping6. Implies --session.
    #[arg(long)]
    pub ping: Option<IpAddr>,
    /// Ping this IPv6 address from every IPv6 / IPv4v6 session: Router Solicitation,
    /// the address from the Router Advertisement's prefix, then ICMPv6 echo. Implies
    /// --session (ipv4v6 unless given).
    #[arg(long)]
    pub ping6: Option<Ipv6Addr>,
    /// Once its PDU session is up, each UE asks for one more QoS flow of this 5QI (9 when
    /// bare: non-GBR) with a PDU Session Modification Request: one QoS rule whose packet
    /// filter is the ping target, so the pings that follow travel on the new flow (their
    /// GTP-U carries its QFI). `modified` in the summary; needs --ping or --ping6.
    #[arg(long, num_args = 0..=1, default_missing_value = "9", value_name = "5QI")]
    pub modify: Option<u8>,
    /// Keep the sessions up this many seconds after the pings (e.g. for iperf3 through
    /// --tun).
    #[arg(long, default_value_t = 0, value_name = "SECS")]
    pub hold: u64,
    /// At the end, release every PDU session (UE-requested release: PDU Session Release
    /// Request, Command, Complete); `released` in the summary.
    #[arg(long)]
    pub release: bool,
    /// After the sessions are up and pinged, release every UE to CM-IDLE and ping again:
    /// the answer makes the UPF buffer and the core page the UE (needs --ping).
    #[arg(long, requires = "ping")]
    pub idle: bool,
    /// N3 (GTP-U) address of the first gNB; gNB N uses this address + N.
    #[arg(long, default_value = "127.0.0.1")]
    pub n3: IpAddr,
    /// Local UDP port of the gNBs' N3 sockets.
    #[arg(long, default_value_t = 2152)]
    pub n3_port: u16,
    /// UDP port of the UPFs' N3 endpoints.
    #[arg(long, default_value_t = 2152)]
    pub upf_port: u16,
    /// One TUN device (default name fcsim0) for all UEs: each session's IPv4 address is
    /// added to it with a source routing rule, so `curl --interface <UE address>` or
    /// `iperf3 -B <UE address>` runs through the UE. Linux, root or CAP_NET_ADMIN.
    #[arg(long, num_args = 0..=1, default_missing_value = "fcsim0", value_name = "NAME")]
    pub tun: Option<String>,
}

/// Runs the simulation and prints its summary. Fails (exit 1) when any UE failed.
pub fn run(args: SimArgs) -> Result<()> {
    let mut options = options(&args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let json = args.json;
    let summary = rt.block_on(async {
        let mut provision_at = args.provision.clone();
        let _core = if args.with_core {
            let config = crate::config::Config::load(args.config.as_deref())?;
            let core = crate::up::start(&config).await?;
            if !json {
                eprintln!(
                    "core up: N2 on {}:{} ({}), metrics http://{}/metrics",
                    config.n2.address, config.n2.port, core.transports, config.metrics.listen
                );
            }
            provision_at.get_or_insert_with(|| format!("http://{}", config.sbi.udr));
            options.amf = SocketAddr::new(config.n2.address, config.n2.port);
            options.amf_udp_port = config.n2.udp_port;
            Some(core)
        } else {
            None
        };
        if let Some(url) = &provision_at {
            let n = provision(url, &options).await?;
            if !json {
                eprintln!("provisioned {n} subscribers at {url}");
            }
        }
        ferrocore_sim_io::run(options, |s: &Summary| {
            if !json {
                eprintln!("{}", s.line());
            }
        })
        .await
        .map_err(anyhow::Error::from)
    })?;
    if json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        println!("{}", summary.line());
        for (cause, n) in &summary.failures {
            println!("  failed: {n} x {cause}");
        }
    }
    if summary.failed > args.wrong_k {
        bail!("{} UEs failed", summary.failed);
    }
    if args.session.is_some() || args.ping.is_some() || args.ping6.is_some() {
        let s = &summary;
        all_of(
            s.registered,
            s.pdu_sessions,
            "registered UEs have no PDU session",
        )?;
        if args.ping.is_some() {
            all_of(s.ping_sent, s.ping_ok, "pings unanswered")?;
        }
        all_of(s.ping6_sent, s.ping6_ok, "IPv6 pings unanswered")?;
        if args.modify.is_some() {
            let what = "PDU sessions did not get their extra QoS flow";
            all_of(s.pdu_sessions, s.modified, what)?;
        }
        if args.release {
            all_of(s.pdu_sessions, s.released, "PDU sessions not released")?;
        }
    }
    Ok(())
}

/// Fails with "`missing` of `total` `what`" unless `done` reaches `total`.
fn all_of(total: usize, done: usize, what: &str) -> Result<()> {
    if done < total {
        bail!("{} of {total} {what}", total - done);
    }
    Ok(())
}

/// `--slice SST` or `SST:SD` (SD in hex).
fn slice(s: &str) -> Result<(u8, Option<u32>)> {
    let (sst, sd) = match s.split_once(':') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let sst = sst
        .trim()
        .parse()
        .with_context(|| format!("--slice {s}: SST"))?;
    let sd = match sd {
        Some(h) => {
            let v = u32::from_str_radix(h.trim().trim_start_matches("0x"), 16)
                .with_context(|| format!("--slice {s}: SD is 6 hex digits"))?;
            if v > 0xff_ffff {
                bail!("--slice {s}: SD is 24 bits");
            }
            Some(v)
        }
        None => None,
    };
    Ok((sst, sd))
}

fn options(args: &SimArgs) -> Result<SimOptions> {
    let key = |name: &str, v: &Option<String>, default: [u8; 16]| -> Result<[u8; 16]> {
        match v {
            None => Ok(default),
            Some(h) => hex::decode(h.trim())
                .ok()
                .and_then(|b| b.try_into().ok())
                .with_context(|| format!("--{name}: expected 32 hex digits")),
        }
    };
    let defaults = SimOptions::default();
    let hn_key = || -> Result<Vec<u8>> {
        let h = args
            .hn_public_key
            .as_deref()
            .context("--suci a|b needs --hn-public-key")?;
        hex::decode(h.trim()).context("--hn-public-key: not hex")
    };
    let suci = match args.suci.as_str() {
        "null" => SuciProtection::Null,
        "a" | "A" => SuciProtection::ProfileA {
            hn_key_id: args.hn_key_id,
            hn_public_key: hn_key()?
                .try_into()
                .map_err(|_| anyhow::anyhow!("Profile A keys are 32 octets"))?,
        },
        "b" | "B" => SuciProtection::ProfileB {
            hn_key_id: args.hn_key_id,
            hn_public_key: hn_key()?,
        },
        other => bail!("--suci {other}: expected null, a or b"),
    };
    Ok(SimOptions {
        amf: args.amf,
        transport: args.transport.parse().map_err(anyhow::Error::msg)?,
        amf_udp_port: args.amf_udp_port,
        local_ip: args.local,
        gnbs: args.gnbs,
        ues: args.ues,
        rate: args.rate,
        mcc: args.mcc.clone(),
        mnc: args.mnc.clone(),
        tac: args.tac,
        first_msin: args.msin,
        k: key("k", &args.k, defaults.k)?,
        opc: key("opc", &args.opc, defaults.opc)?,
        suci,
        wrong_k: args.wrong_k,
        after: if args.reregister {
            AfterRegistration::Reregister
        } else {
            AfterRegistration::Stay
        },
        timeout: Duration::from_secs(args.timeout),
        pcap: args.pcap.clone(),
        sessions: match (&args.session, args.ping, args.ping6) {
            (None, None, None) => None,
            (kind, ping, ping6) => Some(SessionOptions {
                pdu_session_type: match kind {
                    Some(k) => k.parse::<SessionType>().map_err(anyhow::Error::msg)?,
                    None if ping6.is_some() || ping.is_some_and(|p| p.is_ipv6()) => {
                        SessionType::Ipv4v6
                    }
                    None => SessionType::Ipv4,
                },
                dnn: args.dnn.clone(),
                snssai: args.slice.as_deref().map(slice).transpose()?,
            }),
        },
        ping: args.ping,
        ping6: args.ping6,
        modify: args.modify.map(|five_qi| ModifyOptions {
            five_qi,
            ..ModifyOptions::default()
        }),
        idle: args.idle,
        hold: Duration::from_secs(args.hold),
        release: args.release,
        gnb_n3_ip: args.n3,
        n3_port: args.n3_port,
        upf_port: args.upf_port,
        tun: args.tun.clone(),
        ..defaults
    })
}

/// Provisions every UE of the run (with the K it should have, wrong-K UEs included): one
/// `POST /api/v1/subscribers/import` per batch; where some of a batch already exist (an
/// import is all or nothing, 409), each of it is replaced with a PUT instead. With IPv6
/// or IPv4v6 sessions, every DNN of the subscription allows all three IP types, the
/// requested one as the default.
pub(crate) async fn provision(base: &str, options: &SimOptions) -> Result<usize> {
    let types = options.sessions.as_ref().and_then(|s| {
        let first = match s.pdu_session_type {
            SessionType::Ipv4 => return None,
            SessionType::Ipv6 => PduSessionType::Ipv6,
            SessionType::Ipv4v6 => PduSessionType::Ipv4v6,
        };
        let mut all = vec![first];
        all.extend(
            [
                PduSessionType::Ipv4v6,
                PduSessionType::Ipv4,
                PduSessionType::Ipv6,
            ]
            .into_iter()
            .filter(|t| *t != first),
        );
        Some(all)
    });
    let subscribers = (0..options.ues)
        .map(|i| {
            let supi = Supi::parse(&options.imsi(i))?;
            let k = Key128::new(options.k);
            let opc = OperatorKey::Opc(Key128::new(options.opc));
            let mut s = Subscriber::new(supi, k, opc);
            if let Some(types) = &types {
                for d in s.slices.iter_mut().flat_map(|s| s.dnns.iter_mut()) {
                    d.pdu_session_types = types.clone();
                }
            }
            Ok(s)
        })
        .collect::<Result<Vec<_>, ferrocore_udr::ValidationError>>()?;
    let base = base.trim_end_matches('/');
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/subscribers/import");
    let mut done = 0;
    // Batches keep each request body well under the server's 2 MiB limit.
    for batch in subscribers.chunks(2_000) {
        let response = client
            .post(&url)
            .json(batch)
            .send()
            .await
            .with_context(|| format!("provisioning at {url}"))?;
        let status = response.status();
        if status == reqwest::StatusCode::CONFLICT {
            done += replace_each(&client, base, batch).await?;
            continue;
        }
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        if !status.is_success() {
            bail!("provisioning at {url}: {status} {body}");
        }
        done += body["imported"].as_u64().unwrap_or(0) as usize;
    }
    Ok(done)
}

/// Upserts subscribers one by one (PUT, then POST where the PUT finds none), 32 in flight.
async fn replace_each(
    client: &reqwest::Client,
    base: &str,
    subscribers: &[Subscriber],
) -> Result<usize> {
    let mut done = 0;
    for chunk in subscribers.chunks(32) {
        let mut tasks = tokio::task::JoinSet::new();
        for s in chunk {
            let update = client
                .put(format!("{base}/api/v1/subscribers/{}", s.supi))
                .json(s);
            let create = client.post(format!("{base}/api/v1/subscribers")).json(s);
            tasks.spawn(async move {
                let response = update.send().await?;
                if response.status() == reqwest::StatusCode::NOT_FOUND {
                    return create.send().await;
                }
                Ok(response)
            });
        }
        while let Some(r) = tasks.join_next().await {
            let response = r?.context("provisioning")?;
            let status = response.status();
            if !status.is_success() {
                bail!(
                    "provisioning: {status} {}",
                    response.text().await.unwrap_or_default()
                );
            }
            done += 1;
        }
    }
    Ok(done)
}
