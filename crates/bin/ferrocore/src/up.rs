//! `ferrocore up`: every network function built so far in one process: UDR on the
//! embedded store, UDM, AUSF and the AMF (N2 over SCTP), each NF's SBI served over HTTP/2
//! for other consumers, the AMF calling the AUSF and UDM in process, and `/metrics`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use ferrocore_amf::Amf;
use ferrocore_amf_io::{AmfCommunication, AmfHandle, AmfServices, CommunicationInbox};
use ferrocore_ausf::{Ausf, AusfConfig};
use ferrocore_crypto::suci::HomeNetworkKeys;
use ferrocore_sbi_http::{
    RunningServer, namf_communication, nausf_ueau, nsmf_pdusession, nudm_sdm, nudm_ueau, nudm_uecm,
    nudr_dr,
};
use ferrocore_sctp_io::{SctpConfig, SctpListener, Transport};
use ferrocore_smf::Smf;
use ferrocore_smf_io::{SmfHandle, SmfServices};
use ferrocore_udm::{Udm, UdmConfig};
use ferrocore_udr::nudr::Nudr;

use crate::config::Config;

#[derive(clap::Args)]
pub struct UpArgs {
    /// The configuration file (TOML; see config/ferrocore.toml). Without it, the built-in
    /// defaults: PLMN 001/01, everything on loopback, store in ./ferrocore.db.
    #[arg(long, short)]
    pub config: Option<PathBuf>,
}

/// Runs the core until interrupted.
pub fn run(args: UpArgs) -> Result<()> {
    let config = Config::load(args.config.as_deref())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let core = start(&config).await?;
        eprintln!(
            "ferrocore up: PLMN {}/{}, N2 (NGAP over SCTP, {}) on {}:{}, UDR {} (provisioning: /api/v1/subscribers), UDM {}, AUSF {}, metrics http://{}/metrics",
            config.amf.mcc,
            config.amf.mnc,
            core.transports,
            config.n2.address,
            config.n2.port,
            config.sbi.udr,
            config.sbi.udm,
            config.sbi.ausf,
            config.metrics.listen,
        );
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
        eprintln!("ferrocore up: stopping");
        core.stop().await;
        Ok(())
    })
}

/// The running core.
pub struct Core {
    /// The AMF's task.
    pub amf: AmfHandle,
    /// The SMF's task (PFCP towards the UPFs).
    pub smf: SmfHandle,
    /// The UPF, when it could start.
    pub upf: Option<ferrocore_upf_io::UpfHandle>,
    /// How N2 runs, for the start-up line.
    pub transports: String,
    /// The SBI and metrics servers (stopped when dropped).
    pub servers: Vec<RunningServer>,
}

impl Core {
    /// Stops the AMF (its associations close), then the servers.
    pub async fn stop(self) {
        self.amf.stop().await;
        self.smf.stop().await;
        if let Some(upf) = self.upf {
            upf.stop().await;
        }
        for server in self.servers {
            let _ = server.shutdown().await;
        }
    }
}

/// Starts every NF of `config` on the current tokio runtime.
pub async fn start(config: &Config) -> Result<Core> {
    let plmn = crate::nf::plmns(&[config.plmn()])?.remove(0);
    let store = ferrocore_udr::open(&config.store.db)
        .await
        .with_context(|| format!("opening the store {}", config.store.db))?;
    let nudr = Arc::new(Nudr::new(store.clone()));
    let home_network_keys = match &config.udm.hn_keys {
        Some(path) => crate::nf::read_hn_keys(path)?,
        None => HomeNetworkKeys::new(),
    };
    let udm = Arc::new(Udm::new(
        UdmConfig {
            api_root: format!("http://{}", config.sbi.udm),
            home_network_keys,
            home_plmn: plmn.clone(),
            ..UdmConfig::default()
        },
        nudr.clone(),
    ));
    let ausf = Arc::new(Ausf::new(
        AusfConfig {
            api_root: format!("http://{}", config.sbi.ausf),
            serving_plmns: vec![plmn],
            ..AusfConfig::default()
        },
        udm.clone(),
    ));

    let mut servers = vec![
        serve(
            config.sbi.udr,
            nudr_dr::router(nudr).merge(ferrocore_udr::api::router(store)),
        )
        .await?,
        serve(
            config.sbi.udm,
            nudm_ueau::router(udm.clone())
                .merge(nudm_sdm::router(udm.clone()))
                .merge(nudm_uecm::router(udm.clone())),
        )
        .await?,
        serve(config.sbi.ausf, nausf_ueau::router(ausf.clone())).await?,
    ];
    // Start order: the UPF first, so that the SMF's first Association Setup Request finds
    // it; the AMF (the N2 listener) last, once the SMF has its PFCP association.
    let upf = if config.upf.enabled {
        match crate::upf::start(config) {
            Ok(upf) => Some(upf),
            Err(e) => {
                tracing::warn!("no user plane: the UPF did not start: {e:#}");
                eprintln!("ferrocore up: no user plane (PDU sessions will be refused): {e:#}");
                None
            }
        }
    } else {
        None
    };
    // The AMF and the SMF call each other: the AMF's N1N2MessageTransfer handle exists
    // before the AMF runs, so that the SMF can hold it.
    let (communication, inbox) = AmfCommunication::channel();
    let smf = start_smf(config, udm.clone(), Arc::new(communication.clone())).await?;
    servers.push(
        serve(
            config.sbi.smf,
            nsmf_pdusession::router(Arc::new(smf.clone())),
        )
        .await?,
    );
    servers.push(
        serve(
            config.sbi.amf,
            namf_communication::router(Arc::new(communication)),
        )
        .await?,
    );
    let services = AmfServices {
        ausf,
        uecm: udm.clone(),
        sdm: udm,
        smf: Arc::new(smf.clone()),
    };
    if upf.is_some() {
        wait_for_pfcp_association(&smf).await;
    }
    let amf = start_amf(config, services, Some(inbox)).await?;
    let smf_metrics = smf.metrics().clone();
    amf.metrics.add(move || smf_metrics.render());
    if let Some(upf) = &upf {
        let upf_metrics = upf.metrics().clone();
        amf.metrics.add(move || upf_metrics.render());
    }
    servers.push(amf.metrics_server);
    Ok(Core {
        amf: amf.handle,
        smf,
        upf,
        transports: amf.transports,
        servers,
    })
}

/// A running AMF with its metrics server.
pub struct AmfNode {
    /// The AMF's task.
    pub handle: AmfHandle,
    /// How N2 runs, for the start-up line.
    pub transports: String,
    /// `/metrics`.
    pub metrics_server: RunningServer,
    /// What `/metrics` shows; other NFs of the process add theirs.
    pub metrics: MetricsSources,
}

/// Starts the AMF of `config` (`[amf]`, `[n2]`, `[metrics]`) calling `services`: the NFs
/// themselves in `ferrocore up`, HTTP/2 clients in `ferrocore nf amf`.
pub async fn start_amf(
    config: &Config,
    services: AmfServices,
    communication: Option<CommunicationInbox>,
) -> Result<AmfNode> {
    let mut amf_config = config.amf.clone();
    amf_config.api_root = format!("http://{}", config.sbi.amf);
    let amf = Amf::new(amf_config).context("the [amf] section")?;
    let metrics = MetricsSources::default();
    let amf_metrics = amf.metrics().clone();
    metrics.add(move || amf_metrics.render());
    let metrics_server = serve(config.metrics.listen, metrics_router(metrics.clone())).await?;
    let transport: Transport = config
        .n2
        .transport
        .parse()
        .map_err(anyhow::Error::msg)
        .context("[n2] transport")?;
    let listener = SctpListener::bind(SctpConfig {
        udp_port: config.n2.udp_port,
        ..SctpConfig::listener(transport, config.n2.address, config.n2.port)
    })
    .await
    .with_context(|| format!("N2 listener on {}:{}", config.n2.address, config.n2.port))?;
    let transports = format!("{:?}", listener.transports()).to_lowercase();
    let handle = match communication {
        Some(inbox) => ferrocore_amf_io::spawn_with_communication(amf, listener, services, inbox),
        None => ferrocore_amf_io::spawn(amf, listener, services),
    };
    Ok(AmfNode {
        handle,
        transports,
        metrics_server,
        metrics,
    })
}

/// Starts the SMF of `config` (`[smf]`; its apiRoot from `[sbi] smf`): PFCP towards the
/// UPFs, the UDM for subscription data, the AMF for N1N2 transfers.
pub async fn start_smf(
    config: &Config,
    sdm: Arc<dyn ferrocore_sbi::nudm_sdm::SdmService>,
    amf: Arc<dyn ferrocore_sbi::namf_communication::CommunicationService>,
) -> Result<SmfHandle> {
    let mut smf_config = config.smf.clone();
    smf_config.api_root = format!("http://{}", config.sbi.smf);
    let pfcp = smf_config.pfcp_listen;
    let smf = Smf::new(smf_config).context("the [smf] section")?;
    ferrocore_smf_io::bind(smf, SmfServices { sdm, amf })
        .await
        .with_context(|| format!("SMF PFCP socket on {pfcp}"))
}

/// Waits (up to 5 s) until the SMF has its PFCP association with the UPF, so that the
/// first PDU sessions do not race the association.
async fn wait_for_pfcp_association(smf: &SmfHandle) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while smf.metrics().value("smf_pfcp_associations") == 0 {
        if tokio::time::Instant::now() > deadline {
            tracing::warn!("no PFCP association with the UPF after 5 s; going on");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Binds `addr` now (so that a port in use fails start-up) and serves `router` on it
/// (with problem+json fallbacks for unknown paths and methods).
async fn serve(addr: std::net::SocketAddr, router: axum::Router) -> Result<RunningServer> {
    ferrocore_sbi_http::spawn(addr, router)
        .await
        .with_context(|| format!("binding {addr}"))
}

/// What `/metrics` shows: each NF's registry, rendered on every scrape.
#[derive(Clone, Default)]
pub struct MetricsSources(Arc<std::sync::RwLock<Vec<Renderer>>>);

type Renderer = Arc<dyn Fn() -> String + Send + Sync>;

impl MetricsSources {
    /// Adds one NF's registry.
    pub fn add(&self, render: impl Fn() -> String + Send + Sync + 'static) {
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push(Arc::new(render));
    }

    /// One OpenMetrics text of every registry (one `# EOF` at the end).
    fn render(&self) -> String {
        let sources = self.0.read().unwrap_or_else(|e| e.into_inner()).clone();
        let mut out = String::new();
        for source in sources {
            for line in source().lines().filter(|l| *l != "# EOF") {
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push_str("# EOF\n");
        out
    }
}

/// `GET /metrics`: the OpenMetrics text of the NFs' counters and gauges.
fn metrics_router(sources: MetricsSources) -> axum::Router {
    use axum::http::header;
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let body = sources.render();
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    body,
                )
            }
        }),
    )
}
