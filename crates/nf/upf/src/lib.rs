//! ferrocore's UPF core as sans-IO code: no sockets, no TUN, no clock. A runtime feeds
//! it datagrams and the time and sends what it returns.
//!
//! - [`control`]: N4, the UPF side of PFCP (TS 29.244): associations, heartbeats,
//!   sessions with their PDR / FAR / QER / URR / BAR rules, F-TEID and UE address
//!   allocation, session reports. [`control::UpfControl`] is a quinn-proto style engine
//!   (`handle_input`, `handle_timeout`, `poll_transmit`, `poll_event`, `poll_timeout`).
//! - [`dataplane`]: the packet path for N3 / N9 (GTP-U, TS 29.281) and N6, one
//!   [`dataplane::Dataplane`] per worker thread, working in the caller's buffers and
//!   returning a [`dataplane::Verdict`]; nothing allocated per forwarded packet.
//! - [`table`]: the [`table::ForwardingTable`] snapshot between them. Control compiles
//!   each session into an immutable `Arc<SessionRules>` and publishes copy-on-write
//!   snapshots ([`control::UpfControl::publish`]); workers read one snapshot per batch
//!   (through an `ArcSwap` in the runtime) and never wait for N4.
//! - [`urr`]: what both sides share of a Usage Reporting Rule (volume counted, quota
//!   left, state flags), atomics on one cache line.
//!
//! A runtime loop, in outline:
//!
//! ```
//! use std::net::{Ipv4Addr, SocketAddr};
//! use std::time::Instant;
//! use ferrocore_upf::{Dataplane, UpfConfig, UpfControl, Verdict};
//!
//! let now = Instant::now();
//! let cfg = UpfConfig::new("10.0.0.2".parse().unwrap(), Ipv4Addr::new(10, 0, 1, 2), 3_900_000_000);
//! let mut dp = Dataplane::new(cfg.dataplane());
//! let mut cp = UpfControl::new(cfg, now);
//! let table = cp.publish().expect("first snapshot"); // ArcSwap::store(table) in a runtime
//!
//! // N3 receive: an Echo Request is answered in place.
//! let mut buf = [0u8; 2048];
//! buf[..12].copy_from_slice(&[0x32, 1, 0, 4, 0, 0, 0, 0, 0, 7, 0, 0]);
//! let gnb: SocketAddr = "10.0.1.9:2152".parse().unwrap();
//! match dp.handle_n3(&table, now, gnb, &mut buf, 12) {
//!     Verdict::Reply { dst, range } => assert_eq!((dst, buf[range][1]), (gnb, 2)),
//!     v => panic!("{v:?}"),
//! }
//! // N4 receive: cp.handle_input(now, smf, &datagram); then drain cp.poll_transmit(),
//! // cp.poll_event(), store cp.publish() if Some; hand dp.poll_notification() to
//! // cp.handle_notification(); sleep until cp.poll_timeout().
//! ```
#![forbid(unsafe_code)]

pub mod bucket;
pub mod config;
pub mod control;
pub mod dataplane;
pub mod flat;
pub mod pool;
pub mod ra;
pub mod sdf;
pub mod state;
pub mod table;
pub mod urr;

pub use config::UpfConfig;
pub use control::{Channel, ControlStats, Event, Transmit, UpfControl};
pub use dataplane::{
    DL_HEADROOM, Dataplane, DataplaneConfig, DataplaneStats, DropReason, N3Packet, N6Packet,
    Notification, Signal, Verdict,
};
pub use state::{NodeKey, SessionState};
pub use table::{ForwardingTable, SessionRules};
