//! The one error type of the wire layer.

/// Why a byte string is not a valid SCTP packet, chunk, parameter or error cause.
/// Every variant names what was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Fewer octets than the named field needs.
    #[error("truncated: {0} does not fit")]
    Truncated(&'static str),
    /// The CRC32c in the common header does not match the packet.
    #[error("checksum mismatch: packet says {stated:#010x}, computed {computed:#010x}")]
    Checksum {
        /// The value carried in the packet.
        stated: u32,
        /// The value computed over the packet.
        computed: u32,
    },
    /// A chunk's length field is below 4 or runs past the packet.
    #[error("chunk type {chunk_type}: length {length} is invalid")]
    ChunkLength {
        /// The chunk type octet.
        chunk_type: u8,
        /// The stated length.
        length: u16,
    },
    /// A chunk's value has the wrong size for its type.
    #[error("{0}: value has the wrong length")]
    ChunkValue(&'static str),
    /// A parameter's length field is below 4 or runs past its chunk.
    #[error("parameter type {param_type}: length {length} is invalid")]
    ParamLength {
        /// The parameter type.
        param_type: u16,
        /// The stated length.
        length: u16,
    },
    /// A parameter's value has the wrong size for its type.
    #[error("{0} parameter: value has the wrong length")]
    ParamValue(&'static str),
    /// An error cause's length field is below 4 or runs past its chunk.
    #[error("error cause {code}: length {length} is invalid")]
    CauseLength {
        /// The cause code.
        code: u16,
        /// The stated length.
        length: u16,
    },
    /// A HEARTBEAT / HEARTBEAT ACK lacks its Heartbeat Info parameter.
    #[error("heartbeat: missing Heartbeat Info parameter")]
    MissingHeartbeatInfo,
    /// The packet carries no chunk at all.
    #[error("packet carries no chunk")]
    NoChunks,
}
