//! Errors of the async API.

use ferrocore_sctp::CloseReason;

/// Why a listener or connector could not start, or a connect failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A socket operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The transport asked for cannot be used on this host.
    #[error("SCTP transport unavailable: {0}")]
    Unavailable(String),
    /// The association did not come up.
    #[error("association failed: {0:?}")]
    ConnectFailed(CloseReason),
    /// The driver task has stopped.
    #[error("SCTP driver stopped")]
    DriverGone,
    /// The association is closed.
    #[error("association closed: {0:?}")]
    Closed(CloseReason),
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}

/// Why [`crate::SctpAssociation::send`] refused a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The stream is not below the negotiated outbound stream count.
    #[error("stream {0} is not open")]
    InvalidStream(u16),
    /// Empty messages cannot be sent.
    #[error("empty message")]
    Empty,
    /// Larger than the association's send window.
    #[error("message of {0} octets exceeds the send window")]
    TooLarge(usize),
    /// The association is closed or closing.
    #[error("association closed")]
    Closed,
}
