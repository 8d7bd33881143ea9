//! GTP-U message types (TS 29.281 §6.1, Table 6.1-1) and extension header types
//! (TS 29.281 §5.2.1, Figure 5.2.1-3).

/// Echo Request (TS 29.281 §7.2.1).
pub const ECHO_REQUEST: u8 = 1;
/// Echo Response (TS 29.281 §7.2.2).
pub const ECHO_RESPONSE: u8 = 2;
/// Error Indication (TS 29.281 §7.3.1).
pub const ERROR_INDICATION: u8 = 26;
/// Supported Extension Headers Notification (TS 29.281 §7.2.3).
pub const SUPPORTED_EXTENSION_HEADERS_NOTIFICATION: u8 = 31;
/// End Marker (TS 29.281 §7.3.2).
pub const END_MARKER: u8 = 254;
/// G-PDU: a T-PDU (user packet) in a tunnel (TS 29.281 §6.1).
pub const G_PDU: u8 = 255;

/// The name of a message type, or `None` for types this crate does not model.
pub fn name(message_type: u8) -> Option<&'static str> {
    Some(match message_type {
        ECHO_REQUEST => "Echo Request",
        ECHO_RESPONSE => "Echo Response",
        ERROR_INDICATION => "Error Indication",
        SUPPORTED_EXTENSION_HEADERS_NOTIFICATION => "Supported Extension Headers Notification",
        END_MARKER => "End Marker",
        G_PDU => "G-PDU",
        _ => return None,
    })
}

/// Extension header types (TS 29.281 §5.2.1, Figure 5.2.1-3).
pub mod ext {
    /// No more extension headers.
    pub const NONE: u8 = 0x00;
    /// Service Class Indicator (TS 29.281 §5.2.2.5).
    pub const SERVICE_CLASS_INDICATOR: u8 = 0x20;
    /// UDP Port (TS 29.281 §5.2.2.1).
    pub const UDP_PORT: u8 = 0x40;
    /// RAN Container (TS 29.281 §5.2.2.4).
    pub const RAN_CONTAINER: u8 = 0x81;
    /// Long PDCP PDU Number (TS 29.281 §5.2.2.2A).
    pub const LONG_PDCP_PDU_NUMBER: u8 = 0x82;
    /// Xw RAN Container (TS 29.281 §5.2.2.5).
    pub const XW_RAN_CONTAINER: u8 = 0x83;
    /// NR RAN Container (TS 29.281 §5.2.2.6).
    pub const NR_RAN_CONTAINER: u8 = 0x84;
    /// PDU Session Container (TS 29.281 §5.2.2.7, content in TS 38.415 §5.5.2).
    pub const PDU_SESSION_CONTAINER: u8 = 0x85;
    /// PDCP PDU Number (TS 29.281 §5.2.2.2).
    pub const PDCP_PDU_NUMBER: u8 = 0xc0;

    /// The name of an extension header type, or `None` when unknown.
    pub fn name(ext_type: u8) -> Option<&'static str> {
        Some(match ext_type {
            SERVICE_CLASS_INDICATOR => "Service Class Indicator",
            UDP_PORT => "UDP Port",
            RAN_CONTAINER => "RAN Container",
            LONG_PDCP_PDU_NUMBER => "Long PDCP PDU Number",
            XW_RAN_CONTAINER => "Xw RAN Container",
            NR_RAN_CONTAINER => "NR RAN Container",
            PDU_SESSION_CONTAINER => "PDU Session Container",
            PDCP_PDU_NUMBER => "PDCP PDU Number",
            _ => return None,
        })
    }

    /// Whether a receiver must understand this type (TS 29.281 §5.2.1: bits 8-7 of the
    /// type, `10` = required by the endpoint receiver, `11` = required by every receiver).
    pub fn comprehension_required(ext_type: u8) -> bool {
        ext_type & 0x80 != 0
    }
}
