//! Octet offsets and flag bits of the GTP-U header (TS 29.281 §5.1, Figure 5.1-1).

use core::ops::Range;

/// Octet 1: version (3 bits), PT, spare, E, S, PN.
pub const FLAGS: usize = 0;
/// Octet 2: message type.
pub const MESSAGE_TYPE: usize = 1;
/// Octets 3-4: length of everything after the mandatory header.
pub const LENGTH: Range<usize> = 2..4;
/// Octets 5-8: tunnel endpoint identifier.
pub const TEID: Range<usize> = 4..8;
/// Octets 9-10: sequence number (present when any of E, S, PN is set).
pub const SEQUENCE: Range<usize> = 8..10;
/// Octet 11: N-PDU number.
pub const NPDU: usize = 10;
/// Octet 12: next extension header type.
pub const NEXT_EXT: usize = 11;

/// Length of the mandatory part of the header.
pub const MANDATORY_LEN: usize = 8;
/// Length of the header with the optional sequence / N-PDU / next-type octets.
pub const OPTIONAL_LEN: usize = 12;

/// Version bits (8-6) of octet 1.
pub const VERSION_SHIFT: u8 = 5;
/// Protocol Type bit.
pub const PT: u8 = 0x10;
/// Extension header flag.
pub const E: u8 = 0x04;
/// Sequence number flag.
pub const S: u8 = 0x02;
/// N-PDU number flag.
pub const PN: u8 = 0x01;
/// Any of the flags that make the optional octets present.
pub const OPTIONAL: u8 = E | S | PN;
/// Octet 1 of a version-1 GTP header with PT=1 and no optional flags.
pub const V1_PT: u8 = (1 << VERSION_SHIFT) | PT;
