//! The crate's one error type.

/// Everything that can be wrong with a GTP-U packet, or with a request to build one.
///
/// Every variant names the field at fault so that `ferrocore decode gtpu` can say
/// which octet lied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The buffer ends before `field` does.
    #[error("truncated: {field} needs {needed} octets, {available} available")]
    Truncated {
        /// The field that does not fit.
        field: &'static str,
        /// Octets the field needs from the start of the packet (or of its container).
        needed: usize,
        /// Octets actually there.
        available: usize,
    },
    /// Version field other than 1 (TS 29.281 §5.1: GTP-U is GTPv1).
    #[error("bad version {0}: GTP-U is version 1 (TS 29.281 §5.1)")]
    BadVersion(u8),
    /// Protocol Type 0 is GTP' (charging), not GTP (TS 29.281 §5.1).
    #[error("protocol type 0 (GTP'): GTP-U needs PT=1 (TS 29.281 §5.1)")]
    BadProtocolType,
    /// The Length field disagrees with the buffer (TS 29.281 §5.1: octets after the
    /// mandatory 8-octet header).
    #[error(
        "length field says {declared} octets after the mandatory header, buffer holds {actual}"
    )]
    LengthMismatch {
        /// What the Length field says.
        declared: usize,
        /// What the buffer holds after the first 8 octets.
        actual: usize,
    },
    /// An extension header with Length 0 (TS 29.281 §5.2.1: the length is in 4-octet
    /// units and never 0).
    #[error("extension header 0x{ext_type:02x} has length 0 (TS 29.281 §5.2.1)")]
    ExtensionLength {
        /// The type of the offending extension header.
        ext_type: u8,
    },
    /// PDU Type of a PDU Session Container other than DL (0) or UL (1) (TS 38.415 §5.5.3.1).
    #[error(
        "PDU Session Container: PDU type {0} is neither DL (0) nor UL (1) (TS 38.415 §5.5.3.1)"
    )]
    BadPduType(u8),
    /// A QFI above 63 (TS 38.415 §5.5.3.3: 6 bits).
    #[error("QFI {0} does not fit in 6 bits (TS 38.415 §5.5.3.3)")]
    QfiOutOfRange(u8),
    /// A PPI above 7 (TS 38.415 §5.5.3.7: 3 bits).
    #[error("PPI {0} does not fit in 3 bits (TS 38.415 §5.5.3.7)")]
    PpiOutOfRange(u8),
    /// A 24-bit QFI sequence number above 2^24 - 1 (TS 38.415 §5.5.3.18).
    #[error("QFI sequence number {0} does not fit in 24 bits (TS 38.415 §5.5.3.18)")]
    SequenceOutOfRange(u32),
    /// A message type this crate does not model (TS 29.281 §6.1).
    #[error("message type {0} is not a GTP-U message (TS 29.281 §6.1)")]
    UnknownMessage(u8),
    /// A TV information element whose length cannot be known (TS 29.281 §8.1).
    #[error("information element type {0} is unknown and has no length field (TS 29.281 §8.1)")]
    UnknownIe(u8),
    /// A mandatory information element is absent.
    #[error("{message} lacks its mandatory {ie} IE")]
    MissingIe {
        /// The message being parsed.
        message: &'static str,
        /// The missing IE.
        ie: &'static str,
    },
    /// An information element whose Length field is wrong for its type.
    #[error("{ie} IE has length {len}")]
    IeLength {
        /// The IE at fault.
        ie: &'static str,
        /// The length it declared.
        len: usize,
    },
    /// More extension header types in a Supported Extension Headers Notification than
    /// [`crate::ExtensionTypeList`] holds.
    #[error("{0} extension header types listed, at most {max} supported", max = crate::ie::MAX_EXTENSION_TYPES)]
    TooManyExtensionTypes(usize),
    /// The buffer given to an emitter is too small.
    #[error("buffer too small: {needed} octets needed, {available} available")]
    BufferTooSmall {
        /// Octets needed.
        needed: usize,
        /// Octets given.
        available: usize,
    },
    /// The packet would not fit the 16-bit Length field.
    #[error("{0} octets after the mandatory header do not fit the 16-bit length field")]
    TooLong(usize),
}
