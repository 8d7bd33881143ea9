//! ferrocore-sim-io: runs the sans-IO gNB/UE simulator ([`ferrocore_sim::Gnb`]) against
//! an AMF over SCTP: ferrocore's, or any other core's N2 address.
//!
//! - [`SimOptions`]: how many gNBs and UEs, the arrival rate, the USIM data, what to do
//!   after registering (stay, or deregister and register again with the 5G-GUTI).
//! - [`run`]: one task per gNB (its own association), UE arrivals spread evenly over time,
//!   a [`Summary`] at the end (JSON with `--json`).
//! - A capture of every NGAP message sent and received can be written as pcap
//!   (exported-PDU framing, decoded by Wireshark's NGAP and NAS-5GS dissectors).

mod capture;
mod gnb_task;
mod options;
mod summary;

pub use options::{AfterRegistration, SimOptions};
pub use summary::{Latency, Summary};

use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrocore_sctp_io::{SctpConfig, SctpConnector};
use tokio::sync::mpsc;

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// No SCTP association to the AMF.
    #[error("cannot reach the AMF at {addr}: {source}")]
    Connect {
        /// The AMF's N2 address.
        addr: std::net::SocketAddr,
        /// What SCTP said.
        source: ferrocore_sctp_io::Error,
    },
    /// The capture file could not be written.
    #[error("capture file: {0}")]
    Capture(#[from] std::io::Error),
    /// The options are inconsistent.
    #[error("{0}")]
    Options(String),
}

/// Runs the simulation to the end (every UE done, or `options.timeout`) and summarises it.
/// `progress` is called about once a second with the summary so far.
pub async fn run(
    options: SimOptions,
    mut progress: impl FnMut(&Summary),
) -> Result<Summary, SimError> {
    options.validate().map_err(SimError::Options)?;
    let capture = match &options.pcap {
        Some(path) => Some(Arc::new(capture::Capture::create(path)?)),
        None => None,
    };
    let started = Instant::now();
    let (reports_tx, mut reports) = mpsc::unbounded_channel();
    let mut tasks = tokio::task::JoinSet::new();
    for g in 0..options.gnbs {
        let config = SctpConfig {
            remote_udp_port: options.amf_udp_port,
            ..SctpConfig::connector(options.transport, options.local_ip)
        };
        let connector = SctpConnector::bind(config)
            .await
            .map_err(|source| SimError::Connect {
                addr: options.amf,
                source,
            })?;
        let assoc = connector
            .connect(options.amf)
            .await
            .map_err(|source| SimError::Connect {
                addr: options.amf,
                source,
            })?;
        let plan = gnb_task::Plan::new(&options, g, started);
        tasks.spawn(gnb_task::run(
            plan,
            connector,
            assoc,
            reports_tx.clone(),
            capture.clone(),
        ));
    }
    drop(reports_tx);
    let mut summary = Summary::new(options.ues);
    let deadline = tokio::time::Instant::now() + options.timeout;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    loop {
        tokio::select! {
            report = reports.recv() => match report {
                Some(r) => summary.record(r),
                None => break,
            },
            _ = tick.tick() => {
                summary.set_elapsed(started.elapsed());
                progress(&summary);
            }
            _ = tokio::time::sleep_until(deadline) => break,
        }
        if summary.all_done() {
            break;
        }
    }
    // gNB tasks end by shutting their associations down; give them a moment.
    let ended = async { while tasks.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(Duration::from_secs(3), ended).await;
    tasks.abort_all();
    summary.finish(started.elapsed());
    if let Some(c) = capture {
        c.flush()?;
    }
    Ok(summary)
}
