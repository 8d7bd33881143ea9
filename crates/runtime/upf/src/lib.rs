//! ferrocore-upf-io: runs the sans-IO UPF ([`ferrocore_upf`]) on Linux.
//!
//! - **N4**: one tokio task owns [`ferrocore_upf::UpfControl`] and a UDP socket (PFCP,
//!   [`UpfIoConfig::n4_listen`], by default `127.0.0.2:8805`). After each batch of
//!   input it publishes the forwarding table into an `ArcSwap` and only then sends the
//!   answers.
//! - **N3 / N6**: `workers` plain threads (optionally pinned), each with its own N3
//!   socket (`SO_REUSEPORT` on [`UpfIoConfig::n3_listen`], GTP-U) and its own queue of
//!   the TUN device ([`TunConfig`], `upf0`, multi-queue when there are several
//!   workers). They move packets in batches (`recvmmsg` / `sendmmsg` on N3; on N6 a
//!   batch of TUN packets per `io_uring_enter` from a multishot read, or per `read(2)`
//!   where io_uring is missing: [`n6_read`]) through preallocated buffers, downlink
//!   ones with [`ferrocore_upf::DL_HEADROOM`] in front so the G-PDU header is written
//!   in place; nothing is allocated per packet. They read the table once per batch and never
//!   wait for N4. Their notifications (downlink data, volume thresholds) reach the N4
//!   task over a bounded queue.
//! - **Metrics**: [`Metrics`] (prometheus-client): `upf_n3_rx_packets_total`,
//!   `upf_n6_tx_packets_total`, `upf_drops_total{reason}`, ...
//!
//! ```no_run
//! # async fn run() -> Result<(), ferrocore_upf_io::Error> {
//! let cfg = ferrocore_upf_io::UpfIoConfig::loopback();
//! let upf = ferrocore_upf_io::UpfHandle::start(cfg)?; // inside a tokio runtime
//! println!("{}", upf.metrics().render());
//! upf.stop().await;
//! # Ok(()) }
//! ```
//!
//! [`batch`] holds the batched UDP primitives and [`n6_read`] the batched TUN reads,
//! both also used by the benchmark's forwarders.

pub mod batch;
mod buffers;
mod config;
mod metrics;
mod n4;
pub mod n6_read;
mod uring;
mod worker;

use std::io;
use std::net::{SocketAddr, UdpSocket as StdUdpSocket};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use arc_swap::ArcSwap;
use ferrocore_upf::{Dataplane, ForwardingTable, UpfControl};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::sync::{mpsc, watch};

pub use config::{
    DEFAULT_ADDR, DEFAULT_TUN_QUEUE_LEN, TunConfig, UpfIoConfig, recovery_time_stamp_now,
};
pub use metrics::{IoDrop, KindLabel, Metrics, ReasonLabel};
pub use n6_read::{N6ReadMode, N6ReadPath};

/// Why the UPF could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
    #[error("TUN device {name}: {source}")]
    Tun {
        name: String,
        #[source]
        source: io::Error,
    },
    #[error("route {route}: {detail}")]
    Route { route: String, detail: String },
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
    let what = what.into();
    move |source| Error::Io { what, source }
}

/// A running UPF.
pub struct UpfHandle {
    metrics: Metrics,
    table: Arc<ArcSwap<ForwardingTable>>,
    stop: Arc<AtomicBool>,
    shutdown: watch::Sender<bool>,
    n4_task: Option<tokio::task::JoinHandle<()>>,
    workers: Vec<std::thread::JoinHandle<()>>,
    n4_addr: SocketAddr,
    n3_addr: SocketAddr,
    tun_name: String,
    n6_read: N6ReadPath,
}

impl UpfHandle {
    /// Opens the sockets and the TUN device (in the calling thread's network
    /// namespace), installs the routes, starts the workers and the N4 task. Must be
    /// called inside a tokio runtime.
    pub fn start(cfg: UpfIoConfig) -> Result<Self, Error> {
        Self::start_with_metrics(cfg, Metrics::new())
    }

    /// As [`UpfHandle::start`], counting into `metrics`.
    pub fn start_with_metrics(cfg: UpfIoConfig, metrics: Metrics) -> Result<Self, Error> {
        if cfg.workers == 0 || cfg.batch == 0 {
            return Err(Error::Config("workers and batch must be at least 1".into()));
        }
        if cfg.slot_len < 64 || cfg.slot_len < usize::from(cfg.tun.mtu) {
            return Err(Error::Config(format!(
                "slot_len {} is below the TUN MTU {}",
                cfg.slot_len, cfg.tun.mtu
            )));
        }
        let now = Instant::now();
        let mut cp = UpfControl::new(cfg.upf.clone(), now);
        let first = cp.publish().unwrap_or_else(|| Arc::new(cp.table().clone()));
        let table = Arc::new(ArcSwap::new(first));

        // N3 sockets first: a port clash should not leave a TUN device behind.
        let mut n3 = Vec::with_capacity(cfg.workers);
        for _ in 0..cfg.workers {
            n3.push(n3_socket(&cfg)?);
        }
        let n3_addr = n3[0].local_addr().map_err(io_err("N3 socket address"))?;
        let n3_for_n4 = n3[0].try_clone().map_err(io_err("N3 socket clone"))?;

        let std_n4 = StdUdpSocket::bind(cfg.n4_listen)
            .map_err(io_err(format!("N4 bind {}", cfg.n4_listen)))?;
        std_n4
            .set_nonblocking(true)
            .map_err(io_err("N4 nonblocking"))?;
        let n4_addr = std_n4.local_addr().map_err(io_err("N4 socket address"))?;
        let n4_sock =
            tokio::net::UdpSocket::from_std(std_n4).map_err(io_err("N4 socket registration"))?;

        let tuns = open_tun(&cfg.tun, cfg.workers)?;
        install_routes(&cfg.tun)?;

        let stop = Arc::new(AtomicBool::new(false));
        let (note_tx, note_rx) = mpsc::channel(cfg.notification_queue.max(1));
        // Each worker makes its N6 reader on its own thread (an io_uring ring belongs
        // to one thread) and says which read path it got before it starts.
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let mut workers = Vec::with_capacity(cfg.workers);
        let mut failed = None;
        for (id, (sock, tun)) in n3.into_iter().zip(tuns).enumerate() {
            let parts = worker::WorkerParts {
                id,
                dp: Dataplane::new(cfg.upf.dataplane()),
                table: table.clone(),
                n3: sock,
                tun,
                n6_read: cfg.n6_read,
                ready: ready_tx.clone(),
                batch: cfg.batch,
                slot_len: cfg.slot_len,
                notify: note_tx.clone(),
                metrics: metrics.clone(),
                stop: stop.clone(),
                cpu: (!cfg.cpu_affinity.is_empty())
                    .then(|| cfg.cpu_affinity[id % cfg.cpu_affinity.len()]),
            };
            match std::thread::Builder::new()
                .name(format!("upf-worker-{id}"))
                .spawn(move || worker::run(parts))
                .map_err(io_err("spawn worker"))
            {
                Ok(h) => workers.push(h),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        drop(ready_tx);
        let mut paths = Vec::with_capacity(workers.len());
        while failed.is_none() && paths.len() < workers.len() {
            match ready_rx.recv() {
                Ok(Ok(path)) => paths.push(path),
                Ok(Err(e)) => failed = Some(io_err("N6 reader")(e)),
                Err(_) => failed = Some(Error::Config("a worker stopped at start".into())),
            }
        }
        if let Some(e) = failed {
            stop.store(true, Ordering::Relaxed);
            for w in workers {
                let _ = w.join();
            }
            return Err(e);
        }
        let n6_read = paths.first().copied().unwrap_or(N6ReadPath::Read);
        drop(note_tx);

        let (shutdown, shutdown_rx) = watch::channel(false);
        let n4_task = tokio::spawn(n4::run(n4::N4Parts {
            cp,
            sock: n4_sock,
            n3: n3_for_n4,
            table: table.clone(),
            notifications: note_rx,
            shutdown: shutdown_rx,
            metrics: metrics.clone(),
        }));
        tracing::info!(%n4_addr, %n3_addr, tun = %cfg.tun.name, workers = cfg.workers, %n6_read, "UPF started");
        Ok(UpfHandle {
            metrics,
            table,
            stop,
            shutdown,
            n4_task: Some(n4_task),
            workers,
            n4_addr,
            n3_addr,
            tun_name: cfg.tun.name.clone(),
            n6_read,
        })
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The PFCP address actually bound.
    pub fn n4_addr(&self) -> SocketAddr {
        self.n4_addr
    }

    /// The GTP-U address actually bound.
    pub fn n3_addr(&self) -> SocketAddr {
        self.n3_addr
    }

    pub fn tun_name(&self) -> &str {
        &self.tun_name
    }

    /// How the workers read the TUN (every worker detects the same).
    pub fn n6_read_path(&self) -> N6ReadPath {
        self.n6_read
    }

    /// The forwarding table the workers currently use.
    pub fn table(&self) -> Arc<ForwardingTable> {
        self.table.load_full()
    }

    /// Stops the workers and the N4 task and waits for them; the TUN device and its
    /// routes go away with the last queue.
    pub async fn stop(mut self) {
        self.signal_stop();
        if let Some(t) = self.n4_task.take() {
            let _ = t.await;
        }
        let workers = std::mem::take(&mut self.workers);
        let _ = tokio::task::spawn_blocking(move || {
            for w in workers {
                let _ = w.join();
            }
        })
        .await;
        tracing::info!("UPF stopped");
    }

    fn signal_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.shutdown.send(true);
    }
}

impl Drop for UpfHandle {
    /// Without [`UpfHandle::stop`], the threads are told to stop but not waited for.
    fn drop(&mut self) {
        self.signal_stop();
    }
}

fn n3_socket(cfg: &UpfIoConfig) -> Result<StdUdpSocket, Error> {
    let addr = cfg.n3_listen;
    let s = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
        .map_err(io_err("N3 socket"))?;
    s.set_reuse_port(true).map_err(io_err("N3 SO_REUSEPORT"))?;
    if let Some(b) = cfg.socket_buffer {
        // Best effort: the kernel caps these at net.core.{r,w}mem_max.
        let _ = s.set_recv_buffer_size(b);
        let _ = s.set_send_buffer_size(b);
    }
    s.set_nonblocking(true).map_err(io_err("N3 nonblocking"))?;
    s.bind(&addr.into())
        .map_err(io_err(format!("N3 bind {addr}")))?;
    Ok(s.into())
}

/// The TUN device, one queue per worker.
fn open_tun(t: &TunConfig, queues: usize) -> Result<Vec<tun_rs::SyncDevice>, Error> {
    let err = |source| Error::Tun {
        name: t.name.clone(),
        source,
    };
    let mut b = tun_rs::DeviceBuilder::new()
        .name(&t.name)
        .mtu(t.mtu)
        .packet_information(false)
        .multi_queue(queues > 1)
        .enable(true);
    if let Some(q) = t.queue_len {
        b = b.tx_queue_len(q);
    }
    let first = b.build_sync().map_err(err)?;
    first.set_nonblocking(true).map_err(err)?;
    let mut v = Vec::with_capacity(queues);
    for _ in 1..queues {
        let q = first.try_clone().map_err(err)?;
        q.set_nonblocking(true).map_err(err)?;
        v.push(q);
    }
    v.insert(0, first);
    Ok(v)
}

fn install_routes(t: &TunConfig) -> Result<(), Error> {
    let Some(tool) = &t.route_tool else {
        return Ok(());
    };
    for (net, len) in &t.routes {
        let route = format!("{net}/{len}");
        let family = if net.is_ipv4() { "-4" } else { "-6" };
        let out = Command::new(tool)
            .args([family, "route", "replace", &route, "dev", &t.name])
            .output()
            .map_err(|e| Error::Route {
                route: route.clone(),
                detail: format!("running {}: {e}", tool.display()),
            })?;
        if !out.status.success() {
            return Err(Error::Route {
                route,
                detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
    }
    Ok(())
}
