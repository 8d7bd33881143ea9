//! The driver side: the part every driver shares ([`Core`]: handles, per-association
//! queues, accept backlog, pending connects) and the driver of our own engine over
//! packet sockets (UDP encapsulation and / or raw IP).

use crate::api::{AssocEvent, Message, PeerAddr, SctpAssociation, Shared};
use crate::config::{SctpConfig, Transport};
use crate::error::Error;
use crate::select::{self, Plan};
use crate::{raw, udp};
use ferrocore_sctp::{AssocId, CloseReason, Endpoint, EndpointConfig, Event, Transmit};
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// What handles ask of their driver.
#[derive(Debug)]
pub(crate) enum Command {
    Send {
        key: u64,
        stream: u16,
        ppid: u32,
        unordered: bool,
        data: Vec<u8>,
    },
    Close {
        key: u64,
    },
    Abort {
        key: u64,
    },
    Connect {
        peer: PeerAddr,
        reply: oneshot::Sender<Result<SctpAssociation, Error>>,
    },
}

/// What a started driver is bound to.
#[derive(Debug, Clone)]
pub(crate) struct Bound {
    pub transports: Vec<Transport>,
    pub udp_addr: Option<SocketAddr>,
    pub port: u16,
}

type Spawned = (
    mpsc::Sender<Command>,
    Option<mpsc::Receiver<SctpAssociation>>,
    Bound,
);

/// Picks the transport, binds the sockets and spawns the driver task.
pub(crate) fn spawn(config: SctpConfig, listen: bool) -> Result<Spawned, Error> {
    let plan = select::plan(config.transport, listen)?;
    let (cmd_tx, cmd_rx) = mpsc::channel(config.command_queue.max(1));
    let (accept_tx, accept_rx) = if listen {
        let (t, r) = mpsc::channel(config.accept_backlog.max(1));
        (Some(t), Some(r))
    } else {
        (None, None)
    };
    let core = Core::new(&config, cmd_tx.downgrade(), accept_tx);
    let bound = match plan {
        #[cfg(target_os = "linux")]
        Plan::Kernel => crate::kernel::spawn(config, listen, core, cmd_rx)?,
        #[cfg(not(target_os = "linux"))]
        Plan::Kernel => return Err(Error::Unavailable("kernel SCTP needs Linux".into())),
        Plan::Engine { raw, udp } => EngineDriver::spawn(config, listen, raw, udp, core, cmd_rx)?,
    };
    Ok((cmd_tx, accept_rx, bound))
}

/// A 32-octet secret from the OS random source.
fn secret() -> Result<[u8; 32], Error> {
    let mut s = [0u8; 32];
    getrandom::getrandom(&mut s)
        .map_err(|e| Error::io("getrandom", std::io::Error::other(e.to_string())))?;
    Ok(s)
}

/// A random port in the dynamic range (RFC 6335) for a connector without one.
fn ephemeral_port() -> Result<u16, Error> {
    let mut b = [0u8; 2];
    getrandom::getrandom(&mut b)
        .map_err(|e| Error::io("getrandom", std::io::Error::other(e.to_string())))?;
    Ok(49152 + u16::from_le_bytes(b) % 16384)
}

// ---- the shared part ------------------------------------------------------------------

/// A message `send` handed over that the transport could not take yet.
#[derive(Debug)]
pub(crate) struct Pending {
    pub stream: u16,
    pub ppid: u32,
    pub unordered: bool,
    pub data: Vec<u8>,
}

struct Slot {
    tx: mpsc::Sender<AssocEvent>,
    shared: Arc<Shared>,
    pending: VecDeque<Pending>,
    /// Events the queue had no room for, oldest first.
    held: VecDeque<AssocEvent>,
    /// Closed: removed (its queue's sender dropped) once `held` is empty.
    dead: bool,
}

/// Handles, queues and bookkeeping every driver shares.
pub(crate) struct Core {
    cmds: mpsc::WeakSender<Command>,
    accept: Option<mpsc::Sender<SctpAssociation>>,
    slots: HashMap<u64, Slot>,
    blocked: HashSet<u64>,
    holding: HashSet<u64>,
    room: Arc<tokio::sync::Notify>,
    connecting: HashMap<u64, oneshot::Sender<Result<SctpAssociation, Error>>>,
    recv_queue: usize,
    recv_queue_bytes: usize,
    send_window: usize,
}

/// What the driver must do after the core saw an event.
#[must_use]
pub(crate) enum Verdict {
    Keep,
    /// Abort the association (its reader is gone or too far behind).
    Abort,
}

impl Core {
    pub(crate) fn new(
        cfg: &SctpConfig,
        cmds: mpsc::WeakSender<Command>,
        accept: Option<mpsc::Sender<SctpAssociation>>,
    ) -> Self {
        Self {
            cmds,
            accept,
            slots: HashMap::new(),
            blocked: HashSet::new(),
            holding: HashSet::new(),
            room: Arc::new(tokio::sync::Notify::new()),
            connecting: HashMap::new(),
            recv_queue: cfg.recv_queue.max(1),
            recv_queue_bytes: cfg.recv_queue_bytes,
            send_window: cfg.send_window.max(1),
        }
    }

    /// Remembers a pending connect for `key`.
    pub(crate) fn connecting(
        &mut self,
        key: u64,
        reply: oneshot::Sender<Result<SctpAssociation, Error>>,
    ) {
        self.connecting.insert(key, reply);
    }

    /// The association is up: hands it to `accept` or to the pending connect.
    pub(crate) fn up(&mut self, key: u64, peer: PeerAddr, outbound: u16, inbound: u16) -> Verdict {
        let Some(cmds) = self.cmds.upgrade() else {
            return Verdict::Abort;
        };
        let (tx, rx) = mpsc::channel(self.recv_queue);
        let shared = Arc::new(Shared::new(self.send_window, outbound, self.room.clone()));
        let handle = SctpAssociation {
            key,
            peer,
            inbound_streams: inbound,
            shared: shared.clone(),
            events: rx,
            cmds,
            window: self.send_window,
            close_seen: false,
        };
        let delivered = if let Some(reply) = self.connecting.remove(&key) {
            reply.send(Ok(handle)).is_ok()
        } else if let Some(accept) = &self.accept {
            match accept.try_send(handle) {
                Ok(()) => true,
                Err(_) => {
                    tracing::warn!(
                        key,
                        ?peer,
                        "SCTP accept backlog full; aborting new association"
                    );
                    false
                }
            }
        } else {
            false
        };
        if !delivered {
            return Verdict::Abort;
        }
        self.slots.insert(
            key,
            Slot {
                tx,
                shared,
                pending: VecDeque::new(),
                held: VecDeque::new(),
                dead: false,
            },
        );
        Verdict::Keep
    }

    /// Queues an event for the association's reader.
    pub(crate) fn deliver(&mut self, key: u64, ev: AssocEvent) -> Verdict {
        let Some(slot) = self.slots.get_mut(&key) else {
            return Verdict::Keep;
        };
        let len = match &ev {
            AssocEvent::Message(m) => m.data.len(),
            AssocEvent::Restarted {
                outbound_streams, ..
            } => {
                slot.shared
                    .outbound_streams
                    .store(*outbound_streams, Ordering::Relaxed);
                0
            }
            _ => 0,
        };
        let backlog = slot.shared.backlog.fetch_add(len, Ordering::Relaxed) + len;
        if backlog > self.recv_queue_bytes {
            tracing::warn!(
                key,
                backlog,
                "SCTP reader too far behind; aborting association"
            );
            return Verdict::Abort;
        }
        if !slot.held.is_empty() {
            slot.held.push_back(ev);
            return Verdict::Keep;
        }
        match slot.tx.try_send(ev) {
            Ok(()) => Verdict::Keep,
            Err(mpsc::error::TrySendError::Full(ev)) => {
                slot.held.push_back(ev);
                slot.shared.overflow.store(true, Ordering::Relaxed);
                self.holding.insert(key);
                Verdict::Keep
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Verdict::Abort,
        }
    }

    /// Wakes when a reader made room in a queue whose association has held events.
    pub(crate) fn room(&self) -> Arc<tokio::sync::Notify> {
        self.room.clone()
    }

    /// Moves held events into queues that have room again.
    pub(crate) fn drain_held(&mut self) {
        let keys: Vec<u64> = self.holding.iter().copied().collect();
        for key in keys {
            let Some(slot) = self.slots.get_mut(&key) else {
                self.holding.remove(&key);
                continue;
            };
            while let Some(ev) = slot.held.pop_front() {
                match slot.tx.try_send(ev) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(ev)) => {
                        slot.held.push_front(ev);
                        break;
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => slot.held.clear(),
                }
            }
            if slot.held.is_empty() {
                slot.shared.overflow.store(false, Ordering::Relaxed);
                self.holding.remove(&key);
                if slot.dead {
                    self.slots.remove(&key);
                }
            }
        }
    }

    /// The association ended (or never came up).
    pub(crate) fn closed(&mut self, key: u64, reason: CloseReason) {
        if let Some(reply) = self.connecting.remove(&key) {
            let _ = reply.send(Err(Error::ConnectFailed(reason.clone())));
        }
        self.blocked.remove(&key);
        if let Some(slot) = self.slots.get_mut(&key) {
            slot.shared.close(reason.clone());
            slot.pending.clear();
            if slot.held.is_empty() {
                let _ = slot.tx.try_send(AssocEvent::Closed(reason));
                self.slots.remove(&key);
            } else {
                // The reader sees the close (from the shared state) after the held
                // messages, when the queue's sender is dropped.
                slot.dead = true;
            }
        }
    }

    /// Takes a send for the driver: `Some(pending)` to pass to the transport now,
    /// `None` if it was queued behind earlier ones or the association is gone.
    pub(crate) fn take_send(&mut self, key: u64, p: Pending) -> Option<Pending> {
        let slot = self.slots.get_mut(&key)?;
        if slot.pending.is_empty() {
            Some(p)
        } else {
            slot.pending.push_back(p);
            self.blocked.insert(key);
            None
        }
    }

    /// The transport took `len` octets: `send` may use them again.
    pub(crate) fn sent(&mut self, key: u64, len: usize) {
        if let Some(slot) = self.slots.get(&key) {
            slot.shared.window.add_permits(len);
        }
    }

    /// The transport could not take `p` yet (buffer full): keep it, first in line.
    pub(crate) fn defer(&mut self, key: u64, p: Pending) {
        if let Some(slot) = self.slots.get_mut(&key) {
            slot.pending.push_front(p);
            self.blocked.insert(key);
        }
    }

    /// Associations that have deferred sends.
    pub(crate) fn blocked(&self) -> Vec<u64> {
        self.blocked.iter().copied().collect()
    }

    /// The oldest deferred send of `key`.
    pub(crate) fn next_pending(&mut self, key: u64) -> Option<Pending> {
        let p = self.slots.get_mut(&key).and_then(|s| s.pending.pop_front());
        if p.is_none() {
            self.blocked.remove(&key);
        }
        p
    }

    /// Marks an association as closing (no more sends accepted by its handle).
    pub(crate) fn closing(&mut self, key: u64) {
        if let Some(slot) = self.slots.get(&key) {
            slot.shared.closed.store(true, Ordering::Release);
        }
    }

    /// Keys of every live association.
    pub(crate) fn keys(&self) -> Vec<u64> {
        self.slots
            .keys()
            .chain(self.connecting.keys())
            .copied()
            .collect()
    }
}

// ---- our engine over packet sockets ---------------------------------------------------

/// The packet sockets of one engine: UDP (transport addresses with a port) and raw IP
/// (transport addresses with port 0).
struct PacketIo {
    udp: Option<udp::UdpIo>,
    raw: Option<raw::RawIo>,
}

impl PacketIo {
    async fn send(&self, t: &Transmit) {
        let r = if t.remote.port() == 0 {
            match &self.raw {
                Some(raw) => raw.send(&t.payload, t.remote.ip()).await,
                None => Ok(()),
            }
        } else {
            match &self.udp {
                Some(udp) => udp.send(&t.payload, t.remote).await,
                None => Ok(()),
            }
        };
        if let Err(e) = r {
            tracing::debug!(remote = %t.remote, "SCTP send failed: {e}");
        }
    }
}

enum Wake {
    Room,
    Udp,
    Raw,
    Cmd(Option<Command>),
    Timer,
}

/// Packets read per wake-up before the engine's output is flushed.
const RX_BATCH: usize = 64;
/// Commands taken per wake-up before the engine's output is flushed.
const CMD_BATCH: usize = 512;
const MAX_PACKET: usize = 65536;

struct EngineDriver {
    ep: Endpoint,
    io: PacketIo,
    core: Core,
    cmds: mpsc::Receiver<Command>,
    buf: Vec<u8>,
    send_buffer: usize,
}

impl EngineDriver {
    fn spawn(
        config: SctpConfig,
        listen: bool,
        raw: bool,
        udp: bool,
        core: Core,
        cmds: mpsc::Receiver<Command>,
    ) -> Result<Bound, Error> {
        let mut transports = Vec::new();
        let raw_io = if raw {
            transports.push(Transport::Raw);
            Some(raw::RawIo::bind(config.local_ip)?)
        } else {
            None
        };
        let udp_io = if udp {
            transports.push(Transport::Udp);
            Some(udp::UdpIo::bind(SocketAddr::new(
                config.local_ip,
                config.udp_port,
            ))?)
        } else {
            None
        };
        let udp_addr = udp_io.as_ref().map(|u| u.local_addr()).transpose()?;
        // Without a configured port: over UDP only, the UDP port the kernel gave us (so
        // connectors on one host never share one); otherwise a random dynamic port.
        let port = match (config.port, udp_addr) {
            (0, Some(a)) if !raw => a.port(),
            (0, _) => ephemeral_port()?,
            (p, _) => p,
        };
        let secret = secret()?;
        let ecfg = if listen {
            EndpointConfig::server(port, secret)
        } else {
            EndpointConfig::client(port, secret)
        };
        tracing::info!(
            ?transports,
            port,
            ?udp_addr,
            local_ip = %config.local_ip,
            listen,
            "SCTP endpoint (ferrocore engine) started"
        );
        let driver = EngineDriver {
            ep: Endpoint::new(ecfg, config.engine.clone()),
            io: PacketIo {
                udp: udp_io,
                raw: raw_io,
            },
            core,
            cmds,
            buf: vec![0; MAX_PACKET],
            send_buffer: config.engine.send_buffer,
        };
        tokio::spawn(driver.run());
        Ok(Bound {
            transports,
            udp_addr,
            port,
        })
    }

    async fn run(mut self) {
        let far = || tokio::time::Instant::now() + Duration::from_secs(3600);
        let sleep = tokio::time::sleep_until(far());
        tokio::pin!(sleep);
        let room = self.core.room();
        loop {
            self.flush().await;
            let deadline = self
                .ep
                .poll_timeout()
                .map_or_else(far, tokio::time::Instant::from_std);
            if sleep.deadline() != deadline {
                sleep.as_mut().reset(deadline);
            }
            let wake = {
                let udp = async {
                    match &self.io.udp {
                        Some(u) => u.readable().await,
                        None => std::future::pending().await,
                    }
                };
                let raw = async {
                    match &self.io.raw {
                        Some(r) => r.readable().await,
                        None => std::future::pending().await,
                    }
                };
                // Unbiased: a socket that is always readable cannot starve commands.
                tokio::select! {
                    _ = udp => Wake::Udp,
                    _ = raw => Wake::Raw,
                    c = self.cmds.recv() => Wake::Cmd(c),
                    () = &mut sleep => Wake::Timer,
                    () = room.notified() => Wake::Room,
                }
            };
            match wake {
                Wake::Room => self.core.drain_held(),
                Wake::Udp => self.read_udp(),
                Wake::Raw => self.read_raw(),
                Wake::Timer => {
                    self.ep.handle_timeout(Instant::now());
                    sleep.as_mut().reset(far());
                }
                Wake::Cmd(None) => break,
                Wake::Cmd(Some(c)) => {
                    let now = Instant::now();
                    self.command(now, c);
                    for _ in 1..CMD_BATCH {
                        match self.cmds.try_recv() {
                            Ok(c) => self.command(now, c),
                            Err(_) => break,
                        }
                    }
                }
            }
        }
        // Every handle is gone: abort what is left and say so on the wire.
        for key in self.core.keys() {
            self.ep.abort(AssocId(key));
        }
        self.flush().await;
        tracing::debug!(port = self.ep.port(), "SCTP endpoint stopped");
    }

    fn read_udp(&mut self) {
        let Some(udp) = &self.io.udp else { return };
        let now = Instant::now();
        for _ in 0..RX_BATCH {
            match udp.try_recv(&mut self.buf) {
                Ok((n, from)) => self.ep.handle_packet(now, from, &self.buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => {
                    tracing::debug!("UDP receive: {e}");
                    break;
                }
            }
        }
    }

    fn read_raw(&mut self) {
        let Some(raw) = &self.io.raw else { return };
        let now = Instant::now();
        let port = self.ep.port();
        for _ in 0..RX_BATCH {
            match raw.try_recv(&mut self.buf) {
                Ok(Some((from, range))) => {
                    let pkt = &self.buf[range];
                    // Every SCTP packet on the host reaches a raw socket: only those
                    // for our port go to the engine (which answers out-of-the-blue ones).
                    if pkt.len() >= 4 && u16::from_be_bytes([pkt[2], pkt[3]]) == port {
                        self.ep.handle_packet(now, SocketAddr::new(from, 0), pkt);
                    }
                }
                Ok(None) => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => {
                    tracing::debug!("raw receive: {e}");
                    break;
                }
            }
        }
    }

    fn command(&mut self, now: Instant, c: Command) {
        match c {
            Command::Send {
                key,
                stream,
                ppid,
                unordered,
                data,
            } => {
                let p = Pending {
                    stream,
                    ppid,
                    unordered,
                    data,
                };
                if let Some(p) = self.core.take_send(key, p)
                    && let Err(p) = self.engine_send(key, p)
                {
                    self.core.defer(key, p);
                }
            }
            Command::Close { key } => {
                self.core.closing(key);
                if self.ep.shutdown(AssocId(key)).is_err() {
                    self.ep.abort(AssocId(key));
                }
            }
            Command::Abort { key } => self.ep.abort(AssocId(key)),
            Command::Connect { peer, reply } => {
                let id = self.ep.connect(now, peer.transport(), peer.sctp_port);
                self.core.connecting(id.0, reply);
            }
        }
    }

    /// Passes one message to the engine; gives it back if the engine's send buffer has
    /// no room for it now (the engine would refuse it and drop the data).
    fn engine_send(&mut self, key: u64, p: Pending) -> Result<(), Pending> {
        let id = AssocId(key);
        match self.ep.association(id) {
            Some(a) if a.queued_bytes + p.data.len() > self.send_buffer => return Err(p),
            Some(_) => {}
            None => return Ok(()),
        }
        let len = p.data.len();
        if let Err(e) = self.ep.send(id, p.stream, p.ppid, p.unordered, p.data) {
            tracing::debug!(key, "SCTP send dropped: {e}");
        }
        self.core.sent(key, len);
        Ok(())
    }

    async fn flush(&mut self) {
        loop {
            let mut progress = false;
            while let Some((id, ev)) = self.ep.poll_event() {
                progress = true;
                self.event(id, ev);
            }
            self.retry_pending();
            while let Some(t) = self.ep.poll_transmit() {
                progress = true;
                self.io.send(&t).await;
            }
            if !progress {
                break;
            }
        }
    }

    fn event(&mut self, id: AssocId, ev: Event) {
        let key = id.0;
        let verdict = match ev {
            Event::Connected {
                remote,
                peer_port,
                outbound_streams,
                inbound_streams,
            } => {
                let peer = PeerAddr {
                    ip: remote.ip(),
                    sctp_port: peer_port,
                    udp_port: (remote.port() != 0).then_some(remote.port()),
                };
                tracing::debug!(key, ?peer, "SCTP association up");
                self.core.up(key, peer, outbound_streams, inbound_streams)
            }
            Event::Message {
                stream,
                ppid,
                unordered,
                data,
            } => self.core.deliver(
                key,
                AssocEvent::Message(Message {
                    stream,
                    ppid,
                    unordered,
                    data,
                }),
            ),
            Event::PeerRestarted {
                outbound_streams,
                inbound_streams,
            } => {
                tracing::info!(key, "SCTP peer restarted");
                self.core.deliver(
                    key,
                    AssocEvent::Restarted {
                        outbound_streams,
                        inbound_streams,
                    },
                )
            }
            Event::PeerError(causes) => self
                .core
                .deliver(key, AssocEvent::PeerError(format!("{causes:?}"))),
            Event::Closed { reason } => {
                tracing::debug!(key, ?reason, "SCTP association closed");
                self.core.closed(key, reason);
                Verdict::Keep
            }
        };
        if let Verdict::Abort = verdict {
            self.ep.abort(id);
        }
    }

    /// Retries deferred sends, oldest first per association, until the engine is full.
    fn retry_pending(&mut self) {
        let blocked = self.core.blocked();
        for key in blocked {
            while let Some(p) = self.core.next_pending(key) {
                if let Err(p) = self.engine_send(key, p) {
                    self.core.defer(key, p);
                    break;
                }
            }
        }
    }
}
