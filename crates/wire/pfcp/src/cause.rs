//! The Cause IE's values (TS 29.244 §8.2.1, Table 8.2.1-1).

use std::fmt;

/// A PFCP Cause value (TS 29.244 §8.2.1). Values 1..=63 accept, 64.. reject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cause(pub u8);

impl Cause {
    pub const REQUEST_ACCEPTED: Cause = Cause(1);
    pub const MORE_USAGE_REPORT_TO_SEND: Cause = Cause(2);
    pub const REQUEST_PARTIALLY_ACCEPTED: Cause = Cause(3);
    pub const REQUEST_REJECTED: Cause = Cause(64);
    pub const SESSION_CONTEXT_NOT_FOUND: Cause = Cause(65);
    pub const MANDATORY_IE_MISSING: Cause = Cause(66);
    pub const CONDITIONAL_IE_MISSING: Cause = Cause(67);
    pub const INVALID_LENGTH: Cause = Cause(68);
    pub const MANDATORY_IE_INCORRECT: Cause = Cause(69);
    pub const INVALID_FORWARDING_POLICY: Cause = Cause(70);
    pub const INVALID_FTEID_ALLOCATION_OPTION: Cause = Cause(71);
    pub const NO_ESTABLISHED_PFCP_ASSOCIATION: Cause = Cause(72);
    pub const RULE_CREATION_MODIFICATION_FAILURE: Cause = Cause(73);
    pub const PFCP_ENTITY_IN_CONGESTION: Cause = Cause(74);
    pub const NO_RESOURCES_AVAILABLE: Cause = Cause(75);
    pub const SERVICE_NOT_SUPPORTED: Cause = Cause(76);
    pub const SYSTEM_FAILURE: Cause = Cause(77);
    pub const REDIRECTION_REQUESTED: Cause = Cause(78);
    pub const ALL_DYNAMIC_ADDRESSES_OCCUPIED: Cause = Cause(79);

    /// Whether the cause reports acceptance (values below 64, TS 29.244 §8.2.1).
    pub fn is_accepted(self) -> bool {
        (1..64).contains(&self.0)
    }

    /// The spec's name for known values.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Request accepted (success)",
            2 => "More Usage Report to send",
            3 => "Request partially accepted",
            64 => "Request rejected (reason not specified)",
            65 => "Session context not found",
            66 => "Mandatory IE missing",
            67 => "Conditional IE missing",
            68 => "Invalid length",
            69 => "Mandatory IE incorrect",
            70 => "Invalid Forwarding Policy",
            71 => "Invalid F-TEID allocation option",
            72 => "No established PFCP Association",
            73 => "Rule creation/modification Failure",
            74 => "PFCP entity in congestion",
            75 => "No resources available",
            76 => "Service not supported",
            77 => "System failure",
            78 => "Redirection Requested",
            79 => "All dynamic addresses are occupied",
            _ => return None,
        })
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} ({})", self.0),
            None => write!(f, "cause {}", self.0),
        }
    }
}

impl crate::tlv::Blank for Cause {
    #[inline(always)]
    fn blank() -> Self {
        Cause(0)
    }
}
