//! Which transport to use on this host.
//!
//! - `kernel`: needs `socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP)` to work.
//! - `raw`: needs CAP_NET_RAW, and is **refused** when the kernel has SCTP (the
//!   `/proc/net/sctp` folder exists or a probe socket opens): the kernel would answer
//!   our associations' packets as out of the blue and ABORT them.
//! - `udp`: works everywhere.
//! - `auto`: kernel where it works; otherwise raw **and** UDP together for a listener
//!   (raw left out when it cannot open), raw else UDP for a connector.

use crate::config::Transport;
use crate::error::Error;

/// How a driver will run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// The kernel's SCTP.
    Kernel,
    /// Our engine over raw IP and / or UDP encapsulation.
    Engine {
        /// Raw IP, protocol 132.
        raw: bool,
        /// UDP encapsulation.
        udp: bool,
    },
}

/// Whether this host's kernel has SCTP (loaded, or loadable by opening a socket).
pub fn kernel_sctp_available() -> bool {
    std::path::Path::new("/proc/net/sctp").exists() || probe_kernel_socket()
}

#[cfg(target_os = "linux")]
fn probe_kernel_socket() -> bool {
    use socket2::{Domain, Protocol, Socket, Type};
    Socket::new(
        Domain::IPV4,
        Type::SEQPACKET,
        Some(Protocol::from(crate::raw::IPPROTO_SCTP)),
    )
    .is_ok()
}

#[cfg(not(target_os = "linux"))]
fn probe_kernel_socket() -> bool {
    false
}

/// Whether a raw protocol-132 socket can be opened here (CAP_NET_RAW).
pub fn raw_socket_allowed() -> bool {
    use socket2::{Domain, Protocol, Socket, Type};
    Socket::new(
        Domain::IPV4,
        Type::RAW,
        Some(Protocol::from(crate::raw::IPPROTO_SCTP)),
    )
    .is_ok()
}

/// Decides how to run `transport` on this host, and logs the choice.
pub fn plan(transport: Transport, listen: bool) -> Result<Plan, Error> {
    let kernel = || kernel_sctp_available();
    let plan = match transport {
        Transport::Kernel => {
            if !kernel() {
                return Err(Error::Unavailable(
                    "the kernel has no SCTP (EPROTONOSUPPORT)".into(),
                ));
            }
            Plan::Kernel
        }
        Transport::Raw => {
            if kernel() {
                return Err(Error::Unavailable(
                    "raw SCTP refused: the kernel has SCTP and would abort our associations; use kernel".into(),
                ));
            }
            Plan::Engine {
                raw: true,
                udp: false,
            }
        }
        Transport::Udp => Plan::Engine {
            raw: false,
            udp: true,
        },
        Transport::Auto => {
            if kernel() {
                Plan::Kernel
            } else {
                let raw = raw_socket_allowed();
                if !raw {
                    tracing::warn!(
                        "no kernel SCTP and no CAP_NET_RAW: SCTP over UDP encapsulation only"
                    );
                }
                Plan::Engine {
                    raw,
                    udp: listen || !raw,
                }
            }
        }
    };
    tracing::info!(?transport, ?plan, listen, "SCTP transport selected");
    Ok(plan)
}
