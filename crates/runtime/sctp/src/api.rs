//! The async API: listener, connector and association handles. They talk to their
//! driver task through one bounded command queue; each association has its own bounded
//! event queue and send window.

use crate::config::{SctpConfig, Transport};
use crate::driver::{self, Command};
use crate::error::{Error, SendError};
use ferrocore_sctp::CloseReason;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// One user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Stream identifier (NGAP: 0 for non-UE-associated signalling).
    pub stream: u16,
    /// Payload protocol identifier (NGAP: 60).
    pub ppid: u32,
    /// Whether it was sent unordered.
    pub unordered: bool,
    /// The message.
    pub data: Vec<u8>,
}

/// Something that happened on an association after it came up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssocEvent {
    /// A user message.
    Message(Message),
    /// The peer restarted (RFC 9260 §5.2.2); the association continues with fresh
    /// sequence numbers and these stream counts.
    Restarted {
        /// Streams this side may now send on.
        outbound_streams: u16,
        /// Streams the peer may now send on.
        inbound_streams: u16,
    },
    /// The peer reported an error (ERROR chunk); the association continues.
    PeerError(String),
    /// The association is gone; nothing follows.
    Closed(CloseReason),
}

/// Where the peer of an association is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeerAddr {
    /// The peer's IP address.
    pub ip: IpAddr,
    /// The peer's SCTP port.
    pub sctp_port: u16,
    /// The peer's UDP port when the association runs over UDP encapsulation.
    pub udp_port: Option<u16>,
}

impl PeerAddr {
    /// The transport address our engine uses for this peer (raw IP: port 0).
    pub(crate) fn transport(&self) -> SocketAddr {
        SocketAddr::new(self.ip, self.udp_port.unwrap_or(0))
    }
}

/// State shared between an association's handle and its driver.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Set once the association is closed or closing.
    pub closed: AtomicBool,
    /// Why it closed.
    pub reason: Mutex<Option<CloseReason>>,
    /// Octets of messages queued towards the handle and not yet read.
    pub backlog: AtomicUsize,
    /// Send window, in octets.
    pub window: Semaphore,
    /// Set while the driver holds messages the queue had no room for.
    pub overflow: AtomicBool,
    /// Wakes the driver to move held messages into the queue.
    pub room: Arc<tokio::sync::Notify>,
    /// Outbound stream count (changes on restart).
    pub outbound_streams: std::sync::atomic::AtomicU16,
}

impl Shared {
    pub(crate) fn new(
        window: usize,
        outbound_streams: u16,
        room: Arc<tokio::sync::Notify>,
    ) -> Self {
        Self {
            overflow: AtomicBool::new(false),
            room,
            closed: AtomicBool::new(false),
            reason: Mutex::new(None),
            backlog: AtomicUsize::new(0),
            window: Semaphore::new(window),
            outbound_streams: std::sync::atomic::AtomicU16::new(outbound_streams),
        }
    }

    pub(crate) fn close(&self, reason: CloseReason) {
        let mut r = self.reason.lock().unwrap_or_else(|e| e.into_inner());
        r.get_or_insert(reason);
        self.closed.store(true, Ordering::Release);
        self.window.close();
    }

    fn reason(&self) -> CloseReason {
        self.reason
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .unwrap_or(CloseReason::LocalAbort)
    }
}

/// One established association. Dropping it shuts the association down gracefully.
#[derive(Debug)]
pub struct SctpAssociation {
    pub(crate) key: u64,
    pub(crate) peer: PeerAddr,
    pub(crate) inbound_streams: u16,
    pub(crate) shared: Arc<Shared>,
    pub(crate) events: mpsc::Receiver<AssocEvent>,
    pub(crate) cmds: mpsc::Sender<Command>,
    pub(crate) window: usize,
    pub(crate) close_seen: bool,
}

impl SctpAssociation {
    /// The association's identifier within its listener or connector.
    pub fn id(&self) -> u64 {
        self.key
    }

    /// The peer's address.
    pub fn peer(&self) -> PeerAddr {
        self.peer
    }

    /// Streams this side may send on (`0..outbound_streams`).
    pub fn outbound_streams(&self) -> u16 {
        self.shared.outbound_streams.load(Ordering::Relaxed)
    }

    /// Streams the peer may send on.
    pub fn inbound_streams(&self) -> u16 {
        self.inbound_streams
    }

    /// Whether the association is closed or closing.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::Acquire)
    }

    /// Sends an ordered message. Waits while the association's send window is used up.
    pub async fn send(
        &self,
        stream: u16,
        ppid: u32,
        data: impl Into<Vec<u8>>,
    ) -> Result<(), SendError> {
        self.send_with(stream, ppid, false, data.into()).await
    }

    /// Sends a message, ordered or not.
    pub async fn send_with(
        &self,
        stream: u16,
        ppid: u32,
        unordered: bool,
        data: Vec<u8>,
    ) -> Result<(), SendError> {
        if data.is_empty() {
            return Err(SendError::Empty);
        }
        if stream >= self.outbound_streams() {
            return Err(SendError::InvalidStream(stream));
        }
        if data.len() > self.window {
            return Err(SendError::TooLarge(data.len()));
        }
        if self.is_closed() {
            return Err(SendError::Closed);
        }
        let permits = self
            .shared
            .window
            .acquire_many(data.len() as u32)
            .await
            .map_err(|_| SendError::Closed)?;
        permits.forget();
        self.cmds
            .send(Command::Send {
                key: self.key,
                stream,
                ppid,
                unordered,
                data,
            })
            .await
            .map_err(|_| SendError::Closed)
    }

    /// The next event: a message, a peer restart, a peer error, or the close (after
    /// which `None`). The application must keep reading: an association with more than
    /// `SctpConfig::recv_queue_bytes` unread is aborted.
    pub async fn next_event(&mut self) -> Option<AssocEvent> {
        match self.events.recv().await {
            Some(ev) => {
                match &ev {
                    AssocEvent::Message(m) => {
                        self.shared
                            .backlog
                            .fetch_sub(m.data.len(), Ordering::Relaxed);
                        if self.shared.overflow.load(Ordering::Relaxed) {
                            self.shared.room.notify_one();
                        }
                    }
                    AssocEvent::Closed(_) => self.close_seen = true,
                    _ => {}
                }
                Some(ev)
            }
            // The driver had no room for the close: report it once from the shared state.
            None if !self.close_seen => {
                self.close_seen = true;
                Some(AssocEvent::Closed(self.shared.reason()))
            }
            None => None,
        }
    }

    /// The next message, skipping restart and error notices;
    /// `Err(Error::Closed(reason))` once the association is gone.
    pub async fn recv(&mut self) -> Result<Message, Error> {
        loop {
            match self.next_event().await {
                Some(AssocEvent::Message(m)) => return Ok(m),
                Some(AssocEvent::Closed(reason)) => return Err(Error::Closed(reason)),
                Some(_) => continue,
                None => return Err(Error::Closed(self.shared.reason())),
            }
        }
    }

    /// Starts a graceful shutdown (queued data is delivered first). `next_event` then
    /// yields `Closed(Shutdown)` when it completes.
    pub async fn close(&self) {
        if !self.shared.closed.swap(true, Ordering::AcqRel) {
            let _ = self.cmds.send(Command::Close { key: self.key }).await;
        }
    }

    /// Aborts the association at once.
    pub async fn abort(&self) {
        self.shared.closed.store(true, Ordering::Release);
        let _ = self.cmds.send(Command::Abort { key: self.key }).await;
    }
}

impl Drop for SctpAssociation {
    fn drop(&mut self) {
        if !self.shared.closed.swap(true, Ordering::AcqRel) {
            // Best effort; if the queue is full the driver notices the dropped receiver.
            let _ = self.cmds.try_send(Command::Close { key: self.key });
        }
    }
}

/// A listening endpoint: one local SCTP port, any number of associations.
#[derive(Debug)]
pub struct SctpListener {
    accept: mpsc::Receiver<SctpAssociation>,
    _cmds: mpsc::Sender<Command>,
    info: driver::Bound,
}

impl SctpListener {
    /// Binds and starts the driver task (on the current tokio runtime).
    pub async fn bind(config: SctpConfig) -> Result<Self, Error> {
        let (cmds, accept, info) = driver::spawn(config, true)?;
        let accept = accept.ok_or(Error::DriverGone)?;
        Ok(Self {
            accept,
            _cmds: cmds,
            info,
        })
    }

    /// The next association that came up. `None` if the driver stopped.
    pub async fn accept(&mut self) -> Option<SctpAssociation> {
        self.accept.recv().await
    }

    /// The transport(s) in use.
    pub fn transports(&self) -> &[Transport] {
        &self.info.transports
    }

    /// The local UDP address when UDP encapsulation is in use.
    pub fn udp_local_addr(&self) -> Option<SocketAddr> {
        self.info.udp_addr
    }

    /// The local SCTP port.
    pub fn port(&self) -> u16 {
        self.info.port
    }
}

/// A connecting endpoint (a gNB simulator): one local port, associations to peers.
#[derive(Debug, Clone)]
pub struct SctpConnector {
    cmds: mpsc::Sender<Command>,
    info: Arc<driver::Bound>,
    remote_udp_port: u16,
}

impl SctpConnector {
    /// Binds and starts the driver task (on the current tokio runtime).
    pub async fn bind(config: SctpConfig) -> Result<Self, Error> {
        let remote_udp_port = config.remote_udp_port;
        let (cmds, _, info) = driver::spawn(config, false)?;
        Ok(Self {
            cmds,
            info: Arc::new(info),
            remote_udp_port,
        })
    }

    /// Opens an association to `remote` (IP address and SCTP port); over UDP
    /// encapsulation the peer's UDP port is `SctpConfig::remote_udp_port`.
    pub async fn connect(&self, remote: SocketAddr) -> Result<SctpAssociation, Error> {
        let udp = self.info.transports.contains(&Transport::Udp);
        self.connect_peer(PeerAddr {
            ip: remote.ip(),
            sctp_port: remote.port(),
            udp_port: udp.then_some(self.remote_udp_port),
        })
        .await
    }

    /// Opens an association over UDP encapsulation to a peer at `udp_remote`
    /// (IP address and UDP port) and SCTP port `sctp_port`.
    pub async fn connect_udp(
        &self,
        udp_remote: SocketAddr,
        sctp_port: u16,
    ) -> Result<SctpAssociation, Error> {
        self.connect_peer(PeerAddr {
            ip: udp_remote.ip(),
            sctp_port,
            udp_port: Some(udp_remote.port()),
        })
        .await
    }

    async fn connect_peer(&self, peer: PeerAddr) -> Result<SctpAssociation, Error> {
        let (tx, rx) = oneshot::channel();
        self.cmds
            .send(Command::Connect { peer, reply: tx })
            .await
            .map_err(|_| Error::DriverGone)?;
        rx.await.map_err(|_| Error::DriverGone)?
    }

    /// The transport in use.
    pub fn transport(&self) -> Transport {
        self.info.transports[0]
    }

    /// The local UDP address when UDP encapsulation is in use.
    pub fn udp_local_addr(&self) -> Option<SocketAddr> {
        self.info.udp_addr
    }

    /// The local SCTP port.
    pub fn port(&self) -> u16 {
        self.info.port
    }
}
