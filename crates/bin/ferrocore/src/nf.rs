//! `ferrocore nf <name>`: runs one network function, serving its SBI services over HTTP/2
//! (h2c) and HTTP/1.1. Built so far: `udr` (Nudr_DR on the subscriber store), `udm`
//! (Nudm_UEAU, Nudm_SDM, Nudm_UECM, using the UDR over HTTP/2) and `ausf`
//! (Nausf_UEAuthentication, using the UDM over HTTP/2).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use ferrocore_ausf::{Ausf, AusfConfig};
use ferrocore_crypto::secret::HnPrivateKey;
use ferrocore_crypto::suci::{HomeNetworkKeys, HomeNetworkPrivateKey};
use ferrocore_sbi::common::PlmnId;
use ferrocore_sbi_http::{HttpClient, nausf_ueau, nudm_sdm, nudm_ueau, nudm_uecm, nudr_dr};
use ferrocore_udm::{Udm, UdmConfig};

/// Default listen addresses: loopback, one port per NF.
pub const UDR_ADDR: &str = "127.0.0.1:7001";
pub const UDM_ADDR: &str = "127.0.0.1:7002";
pub const AUSF_ADDR: &str = "127.0.0.1:7003";

#[derive(clap::Args)]
pub struct NfArgs {
    /// The network function: udr, udm, ausf or amf (smf, upf, nrf, pcf, nssf come later).
    pub name: String,
    /// AMF: the configuration file of `ferrocore up` ([amf], [n2] and [metrics] are used).
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// AMF: the AUSF's apiRoot.
    #[arg(long, default_value = "http://127.0.0.1:7003")]
    pub ausf: String,
    /// Address to serve on [default: udr 127.0.0.1:7001, udm 127.0.0.1:7002, ausf 127.0.0.1:7003].
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// This NF's apiRoot as its consumers reach it [default: http://<listen>].
    #[arg(long)]
    pub api_root: Option<String>,
    /// UDR: the subscriber database (as for `ferrocore subscriber --db`).
    #[arg(long, default_value = "sqlite://ferrocore.db")]
    pub db: String,
    /// UDM: the UDR's apiRoot.
    #[arg(long, default_value = "http://127.0.0.1:7001")]
    pub udr: String,
    /// AUSF and AMF: the UDM's apiRoot.
    #[arg(long, default_value = "http://127.0.0.1:7002")]
    pub udm: String,
    /// AUSF: a serving PLMN allowed to authenticate (MCC+MNC, e.g. 00101); repeatable.
    /// UDM: the first one is the home PLMN.
    #[arg(long = "plmn", default_value = "00101")]
    pub plmns: Vec<String>,
    /// UDM: a file of home network private keys for SUCI de-concealment, one per line:
    /// `<key id> <A|B> <64 hex digits>` (`#` starts a comment). Keep it readable by the
    /// UDM's user only.
    #[arg(long)]
    pub hn_keys: Option<PathBuf>,
    /// UDM: SQNs reserved per subscriber per trip to the UDR.
    #[arg(long, default_value_t = ferrocore_udm::DEFAULT_SQN_BLOCK)]
    pub sqn_block: u64,
}

/// Runs the NF until interrupted.
pub fn run(args: NfArgs) -> Result<()> {
    if args.name == "amf" {
        return amf(&args);
    }
    let default_addr = match args.name.as_str() {
        "udr" => UDR_ADDR,
        "udm" => UDM_ADDR,
        "ausf" => AUSF_ADDR,
        other => bail!(
            "`ferrocore nf {other}` is not in this build yet; it arrives with the network functions (issues #5-#6)"
        ),
    };
    let listen = match args.listen {
        Some(a) => a,
        None => default_addr.parse().context("default address")?,
    };
    let api_root = args
        .api_root
        .clone()
        .unwrap_or_else(|| format!("http://{listen}"));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let router = match args.name.as_str() {
            "udr" => udr(&args).await?,
            "udm" => udm(&args, api_root)?,
            _ => ausf(&args, api_root)?,
        };
        eprintln!("ferrocore nf {} serving on {listen} (h2c and HTTP/1.1)", args.name);
        tokio::select! {
            r = ferrocore_sbi_http::serve(listen, router) => r.with_context(|| format!("serving on {listen}")),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
}

async fn udr(args: &NfArgs) -> Result<axum::Router> {
    let store = ferrocore_udr::open(&args.db)
        .await
        .with_context(|| format!("opening {}", args.db))?;
    // Nudr_DR for the UDM, and the provisioning REST API (/api/v1/subscribers) beside it.
    Ok(
        nudr_dr::router(Arc::new(ferrocore_udr::nudr::Nudr::new(store.clone())))
            .merge(ferrocore_udr::api::router(store)),
    )
}

fn udm(args: &NfArgs, api_root: String) -> Result<axum::Router> {
    let dr = nudr_dr::DataRepositoryClient(HttpClient::new(&args.udr)?);
    let home_network_keys = match &args.hn_keys {
        Some(path) => read_hn_keys(path)?,
        None => HomeNetworkKeys::new(),
    };
    let plmns = plmns(&args.plmns)?;
    let config = UdmConfig {
        api_root,
        home_network_keys,
        home_plmn: plmns[0].clone(),
        sqn_block: args.sqn_block,
        ..UdmConfig::default()
    };
    let udm = Arc::new(Udm::new(config, Arc::new(dr)));
    Ok(nudm_ueau::router(udm.clone())
        .merge(nudm_sdm::router(udm.clone()))
        .merge(nudm_uecm::router(udm)))
}

fn ausf(args: &NfArgs, api_root: String) -> Result<axum::Router> {
    let udm = nudm_ueau::UeauClient(HttpClient::new(&args.udm)?);
    let config = AusfConfig {
        api_root,
        serving_plmns: plmns(&args.plmns)?,
        ..AusfConfig::default()
    };
    Ok(nausf_ueau::router(Arc::new(Ausf::new(
        config,
        Arc::new(udm),
    ))))
}

/// `ferrocore nf amf`: the AMF alone, N2 over SCTP, calling the AUSF and UDM over HTTP/2.
fn amf(args: &NfArgs) -> Result<()> {
    let config = crate::config::Config::load(args.config.as_deref())?;
    let services = ferrocore_amf_io::AmfServices {
        ausf: Arc::new(nausf_ueau::UeAuthenticationClient(HttpClient::new(
            &args.ausf,
        )?)),
        uecm: Arc::new(nudm_uecm::UecmClient(HttpClient::new(&args.udm)?)),
        sdm: Arc::new(nudm_sdm::SdmClient(HttpClient::new(&args.udm)?)),
        smf: Arc::new(ferrocore_amf_io::NoSmf),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let node = crate::up::start_amf(&config, services, None).await?;
        eprintln!(
            "ferrocore nf amf: N2 (NGAP over SCTP, {}) on {}:{}, AUSF {}, UDM {}, metrics http://{}/metrics",
            node.transports, config.n2.address, config.n2.port, args.ausf, args.udm, config.metrics.listen
        );
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
        node.handle.stop().await;
        Ok(())
    })
}

pub(crate) fn plmns(list: &[String]) -> Result<Vec<PlmnId>> {
    let out = list
        .iter()
        .map(|p| {
            ferrocore_sbi::nudr_dr::parse_var_plmn_id(p)
                .with_context(|| format!("bad PLMN {p:?}: expected MCC and MNC digits, e.g. 00101"))
        })
        .collect::<Result<Vec<_>>>()?;
    if out.is_empty() {
        bail!("give at least one --plmn");
    }
    Ok(out)
}

/// Reads `<key id> <A|B> <64 hex>` lines. Errors name the line, never the key.
pub(crate) fn read_hn_keys(path: &PathBuf) -> Result<HomeNetworkKeys> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut keys = HomeNetworkKeys::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let bad = || {
            format!(
                "{} line {}: expected `<key id> <A|B> <64 hex digits>`",
                path.display(),
                n + 1
            )
        };
        let mut it = line.split_whitespace();
        let (Some(id), Some(profile), Some(hex_key), None) =
            (it.next(), it.next(), it.next(), it.next())
        else {
            bail!(bad());
        };
        let id: u8 = id.parse().with_context(bad)?;
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hex_key, &mut bytes).map_err(|_| anyhow::anyhow!(bad()))?;
        let key = HnPrivateKey::new(bytes);
        bytes.fill(0);
        let key = match profile {
            "A" | "a" => HomeNetworkPrivateKey::ProfileA(key),
            "B" | "b" => HomeNetworkPrivateKey::ProfileB(key),
            _ => bail!(bad()),
        };
        keys.insert(id, key);
    }
    Ok(keys)
}
