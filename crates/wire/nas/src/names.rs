//! Message names and clause numbers by message type (TS 24.501 §9.7, Tables 9.7.1, 9.7.2).

/// 5GMM messages: type, name, clause of §8.2.
pub const MM_MESSAGES: &[(u8, &str, &str)] = &[
    (0x41, "Registration request", "8.2.6"),
    (0x42, "Registration accept", "8.2.7"),
    (0x43, "Registration complete", "8.2.8"),
    (0x44, "Registration reject", "8.2.9"),
    (0x45, "Deregistration request (UE originating)", "8.2.12"),
    (0x46, "Deregistration accept (UE originating)", "8.2.13"),
    (0x47, "Deregistration request (UE terminated)", "8.2.14"),
    (0x48, "Deregistration accept (UE terminated)", "8.2.15"),
    (0x4c, "Service request", "8.2.16"),
    (0x4d, "Service reject", "8.2.18"),
    (0x4e, "Service accept", "8.2.17"),
    (0x4f, "Control plane service request", "8.2.30"),
    (
        0x50,
        "Network slice-specific authentication command",
        "8.2.31",
    ),
    (
        0x51,
        "Network slice-specific authentication complete",
        "8.2.32",
    ),
    (
        0x52,
        "Network slice-specific authentication result",
        "8.2.33",
    ),
    (0x54, "Configuration update command", "8.2.19"),
    (0x55, "Configuration update complete", "8.2.20"),
    (0x56, "Authentication request", "8.2.1"),
    (0x57, "Authentication response", "8.2.2"),
    (0x58, "Authentication reject", "8.2.5"),
    (0x59, "Authentication failure", "8.2.4"),
    (0x5a, "Authentication result", "8.2.3"),
    (0x5b, "Identity request", "8.2.21"),
    (0x5c, "Identity response", "8.2.22"),
    (0x5d, "Security mode command", "8.2.25"),
    (0x5e, "Security mode complete", "8.2.26"),
    (0x5f, "Security mode reject", "8.2.27"),
    (0x64, "5GMM status", "8.2.29"),
    (0x65, "Notification", "8.2.23"),
    (0x66, "Notification response", "8.2.24"),
    (0x67, "UL NAS transport", "8.2.10"),
    (0x68, "DL NAS transport", "8.2.11"),
    (0x69, "Relay key request", "8.2.34"),
    (0x6a, "Relay key accept", "8.2.35"),
    (0x6b, "Relay key reject", "8.2.36"),
    (0x6c, "Relay authentication request", "8.2.37"),
    (0x6d, "Relay authentication response", "8.2.38"),
];

/// 5GSM messages: type, name, clause of §8.3.
pub const SM_MESSAGES: &[(u8, &str, &str)] = &[
    (0xc1, "PDU session establishment request", "8.3.1"),
    (0xc2, "PDU session establishment accept", "8.3.2"),
    (0xc3, "PDU session establishment reject", "8.3.3"),
    (0xc5, "PDU session authentication command", "8.3.4"),
    (0xc6, "PDU session authentication complete", "8.3.5"),
    (0xc7, "PDU session authentication result", "8.3.6"),
    (0xc9, "PDU session modification request", "8.3.7"),
    (0xca, "PDU session modification reject", "8.3.8"),
    (0xcb, "PDU session modification command", "8.3.9"),
    (0xcc, "PDU session modification complete", "8.3.10"),
    (0xcd, "PDU session modification command reject", "8.3.11"),
    (0xd1, "PDU session release request", "8.3.12"),
    (0xd2, "PDU session release reject", "8.3.13"),
    (0xd3, "PDU session release command", "8.3.14"),
    (0xd4, "PDU session release complete", "8.3.15"),
    (0xd6, "5GSM status", "8.3.16"),
    (0xd8, "Service-level authentication command", "8.3.17"),
    (0xd9, "Service-level authentication complete", "8.3.18"),
    (0xda, "Remote UE report", "8.3.19"),
    (0xdb, "Remote UE report response", "8.3.20"),
];

fn lookup(
    table: &[(u8, &'static str, &'static str)],
    t: u8,
) -> Option<(&'static str, &'static str)> {
    table
        .iter()
        .find(|(v, _, _)| *v == t)
        .map(|(_, n, c)| (*n, *c))
}

/// The name of a 5GMM message type.
pub fn mm_name(t: u8) -> &'static str {
    lookup(MM_MESSAGES, t).map_or("unknown 5GMM message", |(n, _)| n)
}

/// The name of a 5GSM message type.
pub fn sm_name(t: u8) -> &'static str {
    lookup(SM_MESSAGES, t).map_or("unknown 5GSM message", |(n, _)| n)
}

/// The clause of §8.2 / §8.3 that defines a message type of a sublayer.
pub fn clause(sm: bool, t: u8) -> Option<&'static str> {
    lookup(if sm { SM_MESSAGES } else { MM_MESSAGES }, t).map(|(_, c)| c)
}
