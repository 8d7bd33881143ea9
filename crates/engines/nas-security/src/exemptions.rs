//! The 5GMM messages a receiver processes although integrity protection is missing or its
//! check failed: TS 24.501 §4.4.4.3 for the AMF, §4.4.4.2 for the UE. Every other message
//! is processed only after it was successfully integrity checked (and, once secure exchange
//! of NAS messages is established, not even the listed ones if they are not protected,
//! except as the procedures of clause 5 allow).
//!
//! Lists as of Rel-17; the Rel-15 text has AMF items a)-g) only and, for the UE, the
//! cause condition without #78.

/// One exempted message: its type (TS 24.501 §9.7, Table 9.7.1), the item of the clause
/// that lists it, and the condition the caller still has to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exemption {
    /// 5GMM message type.
    pub message_type: u8,
    /// Message name.
    pub name: &'static str,
    /// Clause and list item.
    pub clause: &'static str,
    /// A condition on the content, if the clause puts one.
    pub condition: Option<&'static str>,
}

const fn ex(
    message_type: u8,
    name: &'static str,
    clause: &'static str,
    condition: Option<&'static str>,
) -> Exemption {
    Exemption {
        message_type,
        name,
        clause,
        condition,
    }
}

/// TS 24.501 §4.4.4.3 (integrity checking of NAS signalling messages in the AMF): the
/// uplink messages the AMF processes without successful integrity check, because the UE
/// may send them before security is active or with a context the AMF does not have.
pub const AMF: &[Exemption] = &[
    // The initial message; without a (matching) context the AMF authenticates (§5.5.1.2.2).
    ex(0x41, "REGISTRATION REQUEST", "4.4.4.3 a)", None),
    ex(
        0x5c,
        "IDENTITY RESPONSE",
        "4.4.4.3 b)",
        Some("the requested identification parameter is the SUCI"),
    ),
    ex(0x57, "AUTHENTICATION RESPONSE", "4.4.4.3 c)", None),
    ex(0x59, "AUTHENTICATION FAILURE", "4.4.4.3 d)", None),
    ex(0x5f, "SECURITY MODE REJECT", "4.4.4.3 e)", None),
    ex(
        0x45,
        "DEREGISTRATION REQUEST (UE originating)",
        "4.4.4.3 f)",
        None,
    ),
    // The UE's answer to a network-initiated de-registration (§5.5.2.3).
    ex(
        0x48,
        "DEREGISTRATION ACCEPT (UE terminated)",
        "4.4.4.3 g)",
        None,
    ),
    ex(0x4c, "SERVICE REQUEST", "4.4.4.3 h) (Rel-16 on)", None),
    ex(
        0x4f,
        "CONTROL PLANE SERVICE REQUEST",
        "4.4.4.3 i) (Rel-16 on)",
        None,
    ),
];

/// TS 24.501 §4.4.4.2 (integrity checking of NAS signalling messages in the UE): the
/// downlink messages the UE processes without successful integrity check.
pub const UE: &[Exemption] = &[
    ex(
        0x5b,
        "IDENTITY REQUEST",
        "4.4.4.2 a)",
        Some("the requested identification parameter is the SUCI"),
    ),
    ex(0x56, "AUTHENTICATION REQUEST", "4.4.4.2 b)", None),
    ex(0x5a, "AUTHENTICATION RESULT", "4.4.4.2 c)", None),
    ex(0x58, "AUTHENTICATION REJECT", "4.4.4.2 d)", None),
    ex(
        0x44,
        "REGISTRATION REJECT",
        "4.4.4.2 e)",
        Some("the 5GMM cause is not #76 or #78"),
    ),
    // The answer to the UE's own non-switch-off DEREGISTRATION REQUEST (§5.5.2.2).
    ex(
        0x46,
        "DEREGISTRATION ACCEPT (UE originating)",
        "4.4.4.2 f)",
        Some("for a de-registration that was not a switch off"),
    ),
    ex(
        0x4d,
        "SERVICE REJECT",
        "4.4.4.2 g)",
        Some("the 5GMM cause is not #76 or #78"),
    ),
];

/// 5GMM causes that take REGISTRATION REJECT and SERVICE REJECT out of the UE's list
/// (§4.4.4.2 e), g)): #76 "not authorized for this CAG or authorized for CAG cells only",
/// #78 "PLMN not allowed to operate at the present UE location".
pub const UE_REJECT_CAUSES_NEEDING_INTEGRITY: &[u8] = &[76, 78];

/// The AMF's exemption for `message_type`, with the condition left to check.
pub fn amf_exemption(message_type: u8) -> Option<&'static Exemption> {
    AMF.iter().find(|e| e.message_type == message_type)
}

/// The UE's exemption for `message_type`, with the condition left to check.
pub fn ue_exemption(message_type: u8) -> Option<&'static Exemption> {
    UE.iter().find(|e| e.message_type == message_type)
}

/// Whether the AMF processes an uplink 5GMM message of `message_type` when integrity
/// protection is missing or fails (TS 24.501 §4.4.4.3). For IDENTITY RESPONSE the caller
/// must also check that it asked for the SUCI ([`Exemption::condition`]).
pub fn processed_without_integrity(message_type: u8) -> bool {
    amf_exemption(message_type).is_some()
}

/// Whether the UE processes a downlink 5GMM message of `message_type` when integrity
/// protection is missing or fails (TS 24.501 §4.4.4.2). `gmm_cause` is the 5GMM cause of a
/// REGISTRATION REJECT / SERVICE REJECT (without it they are not exempted); the SUCI
/// condition of IDENTITY REQUEST is the caller's.
pub fn ue_processed_without_integrity(message_type: u8, gmm_cause: Option<u8>) -> bool {
    match message_type {
        0x44 | 0x4d => gmm_cause.is_some_and(|c| !UE_REJECT_CAUSES_NEEDING_INTEGRITY.contains(&c)),
        t => ue_exemption(t).is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_nas_crate() {
        for e in AMF.iter().chain(UE) {
            let ours = e.name.to_lowercase();
            let theirs = ferrocore_nas::names::mm_name(e.message_type).to_lowercase();
            assert_eq!(ours, theirs, "{:#x}", e.message_type);
        }
    }

    #[test]
    fn amf_list() {
        for t in [0x41, 0x5c, 0x57, 0x59, 0x5f, 0x45, 0x48, 0x4c, 0x4f] {
            assert!(processed_without_integrity(t), "{t:#x}");
        }
        // security mode complete, registration complete, UL NAS transport, ...
        for t in [0x5e, 0x43, 0x67, 0x55, 0x64, 0x66, 0x46, 0x47] {
            assert!(!processed_without_integrity(t), "{t:#x}");
        }
    }

    #[test]
    fn ue_list() {
        for t in [0x5b, 0x56, 0x5a, 0x58, 0x46] {
            assert!(ue_processed_without_integrity(t, None), "{t:#x}");
        }
        assert!(ue_processed_without_integrity(0x44, Some(22)));
        assert!(!ue_processed_without_integrity(0x44, Some(76)));
        assert!(!ue_processed_without_integrity(0x4d, Some(78)));
        assert!(ue_processed_without_integrity(0x4d, Some(9)));
        assert!(!ue_processed_without_integrity(0x4d, None));
        // security mode command, registration accept, DL NAS transport, configuration update
        for t in [0x5d, 0x42, 0x68, 0x54, 0x47, 0x65] {
            assert!(!ue_processed_without_integrity(t, Some(22)), "{t:#x}");
        }
    }
}
