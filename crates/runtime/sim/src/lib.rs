//! ferrocore-sim-io: runs the sans-IO gNB/UE simulator ([`ferrocore_sim::Gnb`]) against
//! an AMF over SCTP: ferrocore's, or any other core's N2 address.
//!
//! - [`SimOptions`]: how many gNBs and UEs, the arrival rate, the USIM data, what to do
//!   after registering (stay, or deregister and register again with the 5G-GUTI).
//! - [`run`]: one task per gNB (its own association), UE arrivals spread evenly over time,
//!   a [`Summary`] at the end (JSON with `--json`).
//! - A capture of every NGAP message sent and received can be written as pcap
//!   (exported-PDU framing, decoded by Wireshark's NGAP and NAS-5GS dissectors).
//! - With [`SimOptions::sessions`], each gNB task has an N3 UDP socket (GTP-U) and every
//!   registered UE establishes a PDU session; [`SimOptions::ping`] pings from each
//!   session with ICMP the simulator builds itself, [`SimOptions::modify`] first asks for
//!   one more QoS flow (PDU session modification), [`SimOptions::idle`] then takes the
//!   UEs to CM-IDLE and has the core page them, [`SimOptions::tun`] opens one TUN device
//!   for all UEs (see the `tun` module).

mod capture;
mod gnb_task;
mod icmp;
mod options;
mod summary;
mod tun;

pub use options::{AfterRegistration, ModifyOptions, SessionOptions, SimOptions};
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
    /// A gNB's N3 socket could not be bound.
    #[error("N3 socket on {addr}: {source}")]
    N3 {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The TUN device could not be set up.
    #[error("TUN device: {0}")]
    Tun(std::io::Error),
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
    let (tun, mut tun_rx) = match &options.tun {
        Some(name) => {
            let (tx, rx) = tun::channels(options.gnbs);
            let shared = tun::TunShared::create(name, tx).map_err(SimError::Tun)?;
            (Some(shared), rx.into_iter().map(Some).collect())
        }
        None => (None, Vec::new()),
    };
    let mut sockets = Vec::new();
    if options.sessions.is_some() {
        for g in 0..options.gnbs {
            let addr = std::net::SocketAddr::new(options.n3_ip(g), options.n3_port);
            let socket = tokio::net::UdpSocket::bind(addr)
                .await
                .map_err(|source| SimError::N3 { addr, source })?;
            sockets.push(Some(socket));
        }
    }
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
        let user_plane =
            sockets
                .get_mut(g)
                .and_then(Option::take)
                .map(|socket| gnb_task::UserPlane {
                    socket,
                    tun: tun.clone().zip(tun_rx.get_mut(g).and_then(Option::take)),
                });
        tasks.spawn(gnb_task::run(
            plan,
            connector,
            assoc,
            reports_tx.clone(),
            capture.clone(),
            user_plane,
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
