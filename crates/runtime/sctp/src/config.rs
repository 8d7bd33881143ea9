//! Settings of a listener or connector.

use ferrocore_sctp::{Config as EngineConfig, UDP_ENCAPSULATION_PORT};
use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr;

/// How SCTP packets reach the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transport {
    /// The kernel's SCTP where it works; otherwise raw IP and UDP encapsulation
    /// together for a listener, raw IP (else UDP) for a connector.
    #[default]
    Auto,
    /// The kernel's SCTP (one-to-many `SOCK_SEQPACKET` socket).
    Kernel,
    /// Our engine over a raw IP socket, protocol 132. Refused when the kernel has SCTP.
    Raw,
    /// Our engine over UDP encapsulation (RFC 6951).
    Udp,
}

impl FromStr for Transport {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "kernel" => Ok(Self::Kernel),
            "raw" => Ok(Self::Raw),
            "udp" => Ok(Self::Udp),
            _ => Err(format!(
                "unknown SCTP transport {s:?} (auto | kernel | raw | udp)"
            )),
        }
    }
}

/// Settings of one [`crate::SctpListener`] or [`crate::SctpConnector`].
#[derive(Debug, Clone)]
pub struct SctpConfig {
    /// Which transport; see [`Transport`].
    pub transport: Transport,
    /// Local IP address to bind (unspecified = all). Its family picks IPv4 or IPv6.
    pub local_ip: IpAddr,
    /// Local SCTP port (38412 for an AMF; 0 for a connector = any free port: a random
    /// one for our engine, the kernel's choice for kernel SCTP).
    pub port: u16,
    /// Local UDP port for UDP encapsulation (RFC 6951: 9899; 0 = any free port).
    pub udp_port: u16,
    /// The peer's UDP port used by [`crate::SctpConnector::connect`] over UDP.
    pub remote_udp_port: u16,
    /// Protocol parameters of every association.
    pub engine: EngineConfig,
    /// Messages per association in the queue between the driver and
    /// [`crate::SctpAssociation::recv`]; beyond it the driver holds them itself.
    pub recv_queue: usize,
    /// Octets of received messages per association not yet read (queue and held
    /// together); an association whose reader falls further behind is aborted.
    pub recv_queue_bytes: usize,
    /// Octets per association that `send` may have waiting in the driver (beyond the
    /// engine's own send buffer); `send` waits while they are used up.
    pub send_window: usize,
    /// Associations that are up but not yet accepted; beyond it new ones are aborted.
    pub accept_backlog: usize,
    /// Commands (sends, closes, connects) queued to the driver from all handles.
    pub command_queue: usize,
}

impl Default for SctpConfig {
    fn default() -> Self {
        Self {
            transport: Transport::Auto,
            local_ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            port: 0,
            udp_port: UDP_ENCAPSULATION_PORT,
            remote_udp_port: UDP_ENCAPSULATION_PORT,
            engine: EngineConfig::default(),
            recv_queue: 1024,
            recv_queue_bytes: 4 << 20,
            send_window: 256 << 10,
            accept_backlog: 1024,
            command_queue: 4096,
        }
    }
}

impl SctpConfig {
    /// A listener on `local_ip`:`port`.
    pub fn listener(transport: Transport, local_ip: IpAddr, port: u16) -> Self {
        Self {
            transport,
            local_ip,
            port,
            ..Self::default()
        }
    }

    /// A connector from `local_ip` (any local port, any local UDP port).
    pub fn connector(transport: Transport, local_ip: IpAddr) -> Self {
        Self {
            transport,
            local_ip,
            port: 0,
            udp_port: 0,
            ..Self::default()
        }
    }
}
