//! Runtime settings around [`ferrocore_upf::UpfConfig`].

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use ferrocore_upf::UpfConfig;
use ferrocore_upf::control::PFCP_PORT;
use ferrocore_upf::dataplane::GTPU_PORT;

use crate::n6_read::N6ReadMode;

/// The default loopback address of the UPF (N4 and N3): not 127.0.0.1, so that an SMF
/// and a gNB simulator on the same host can bind the standard ports on their own.
pub const DEFAULT_ADDR: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

/// Default [`TunConfig::queue_len`]: about the N3 socket buffer's 4 MiB in full-size
/// packets.
pub const DEFAULT_TUN_QUEUE_LEN: u32 = 4096;

/// The N6 side: a TUN device and the routes that send the UE pools' traffic into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TunConfig {
    /// Device name (at most 15 octets).
    pub name: String,
    pub mtu: u16,
    /// Packets each queue holds for the UPF to read (the device's `txqueuelen`; the
    /// kernel's own default is 500). A deeper queue rides out the moments the worker
    /// is off its CPU, as the N3 socket buffer does on the other side; `None` keeps
    /// the kernel's.
    pub queue_len: Option<u32>,
    /// Prefixes routed into the device, e.g. the UE pools.
    pub routes: Vec<(IpAddr, u8)>,
    /// The iproute2 program that installs `routes` (`ip route replace P dev NAME`);
    /// `None` leaves routing to the operator.
    pub route_tool: Option<PathBuf>,
}

impl Default for TunConfig {
    fn default() -> Self {
        TunConfig {
            name: "upf0".into(),
            mtu: 1500,
            queue_len: Some(DEFAULT_TUN_QUEUE_LEN),
            routes: Vec::new(),
            route_tool: Some("ip".into()),
        }
    }
}

/// Everything [`crate::UpfHandle::start`] needs.
#[derive(Clone, Debug)]
pub struct UpfIoConfig {
    /// The UPF core: node ID, N3 address for F-TEIDs, pools, timers.
    pub upf: UpfConfig,
    /// Where PFCP is served.
    pub n4_listen: SocketAddr,
    /// Where GTP-U is served (every worker binds it with `SO_REUSEPORT`).
    pub n3_listen: SocketAddr,
    pub tun: TunConfig,
    /// Packet worker threads, each with its own N3 socket and TUN queue.
    pub workers: usize,
    /// Datagrams per `recvmmsg` / `sendmmsg`, and TUN packets per wake-up.
    pub batch: usize,
    /// Octets per receive slot (the largest datagram taken whole); downlink slots get
    /// [`ferrocore_upf::DL_HEADROOM`] more.
    pub slot_len: usize,
    /// `SO_RCVBUF` / `SO_SNDBUF` of the N3 sockets (the kernel may cap it).
    pub socket_buffer: Option<usize>,
    /// Bound of the notification queue from the workers to the N4 task.
    pub notification_queue: usize,
    /// Worker `i` is pinned to CPU `cpu_affinity[i % len]`; empty: not pinned.
    pub cpu_affinity: Vec<usize>,
    /// How workers read their TUN queue: io_uring multishot reads where the kernel
    /// allows them (default), or `read(2)` per packet.
    pub n6_read: N6ReadMode,
}

impl UpfIoConfig {
    /// Defaults around `upf`: N4 and N3 on its addresses with the standard ports, one
    /// worker, the UE IPv4 pool (if any) routed into `upf0`.
    pub fn new(upf: UpfConfig) -> Self {
        let mut tun = TunConfig::default();
        if let Some((net, len)) = upf.ue_ipv4_pool {
            tun.routes.push((IpAddr::V4(net), len));
        }
        UpfIoConfig {
            n4_listen: SocketAddr::new(upf.n4_addr, PFCP_PORT),
            n3_listen: SocketAddr::new(IpAddr::V4(upf.n3_ipv4), GTPU_PORT),
            upf,
            tun,
            workers: 1,
            batch: 64,
            slot_len: 2048,
            socket_buffer: Some(4 << 20),
            notification_queue: 1024,
            cpu_affinity: Vec::new(),
            n6_read: N6ReadMode::Auto,
        }
    }

    /// Everything on [`DEFAULT_ADDR`], started now.
    pub fn loopback() -> Self {
        Self::new(UpfConfig::new(
            IpAddr::V4(DEFAULT_ADDR),
            DEFAULT_ADDR,
            recovery_time_stamp_now(),
        ))
    }
}

impl Default for UpfIoConfig {
    fn default() -> Self {
        Self::loopback()
    }
}

/// Seconds since 1900-01-01 (3GPP NTP time, TS 29.244 §8.2.65) now, for a Recovery
/// Time Stamp.
pub fn recovery_time_stamp_now() -> u32 {
    let unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    (unix + 2_208_988_800) as u32
}
