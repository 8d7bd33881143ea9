//! What the endpoint tells its driver and its user.

use crate::wire::Cause;
use std::net::SocketAddr;

/// Identifies one association within its [`crate::Endpoint`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AssocId(pub u64);

/// One packet for the driver to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The peer's transport address: for raw IP its IP address (port unused); for UDP
    /// encapsulation (RFC 6951) its IP address and UDP port.
    pub remote: SocketAddr,
    /// The SCTP packet, common header first, checksum filled in.
    pub payload: Vec<u8>,
}

/// Why an association ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// The SHUTDOWN sequence completed.
    Shutdown,
    /// The peer sent ABORT with these causes.
    PeerAbort(Vec<Cause>),
    /// [`crate::Endpoint::abort`] was called.
    LocalAbort,
    /// Association.Max.Retrans consecutive retransmission / heartbeat failures.
    Timeout,
    /// INIT or COOKIE ECHO went unanswered Max.Init.Retransmits times.
    InitFailed,
    /// The peer broke the protocol; the association was aborted with this cause.
    ProtocolViolation(Cause),
}

/// Something that happened on an association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The association is established.
    Connected {
        /// The peer's transport address.
        remote: SocketAddr,
        /// The peer's SCTP port.
        peer_port: u16,
        /// Streams this side may send on (`0..outbound_streams`).
        outbound_streams: u16,
        /// Streams the peer may send on.
        inbound_streams: u16,
    },
    /// A whole user message.
    Message {
        /// Stream identifier.
        stream: u16,
        /// Payload protocol identifier, as the peer sent it (NGAP: 60).
        ppid: u32,
        /// Whether it was sent unordered.
        unordered: bool,
        /// The message.
        data: Vec<u8>,
    },
    /// The peer restarted (RFC 9260 §5.2.2): the association continues under the same
    /// [`AssocId`] with fresh sequence numbers; data queued or in flight towards the old
    /// peer instance was discarded and partially received messages were dropped.
    PeerRestarted {
        /// Streams this side may now send on.
        outbound_streams: u16,
        /// Streams the peer may now send on.
        inbound_streams: u16,
    },
    /// The peer reported errors in an ERROR chunk.
    PeerError(Vec<Cause>),
    /// The association is gone; its [`AssocId`] is no longer valid.
    Closed {
        /// Why.
        reason: CloseReason,
    },
}

/// Why [`crate::Endpoint::send`] refused a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No such association (never existed or closed).
    #[error("unknown association")]
    UnknownAssociation,
    /// The stream is not below the negotiated outbound stream count.
    #[error("stream {0} is not open")]
    InvalidStream(u16),
    /// The handshake has not completed yet; wait for [`Event::Connected`].
    #[error("association not yet established")]
    NotConnected,
    /// The association is shutting down or closed.
    #[error("association is shutting down")]
    ShuttingDown,
    /// The send buffer is full; retry after events show progress.
    #[error("send buffer full")]
    BufferFull,
    /// Empty messages cannot be sent (RFC 9260 §6.2: No User Data).
    #[error("empty message")]
    Empty,
}
