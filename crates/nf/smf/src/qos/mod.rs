//! The QoS of a PDU session as plain data (TS 23.501 §5.7): the default QoS flow and
//! Session-AMBR, the non-default QoS flows and the QoS rules that map packets onto them
//! (TS 24.501 §9.11.4.12, §9.11.4.13). [`SessionQos`] is what the UE, the gNB and the
//! UPF were told; a modification goes from one `SessionQos` to another, and [`Delta`]
//! says what differs, for the N1, N2 and N4 messages alike.
//!
//! - [`filter`]: packet filters between their NAS form, this model and PFCP SDF filters.
//! - [`request`]: a UE's requested QoS rules and flow descriptions checked against the
//!   DNN's local policy.

pub mod filter;
pub(crate) mod request;

use serde::{Deserialize, Serialize};

pub use filter::{FilterDirection, IpPrefix, PacketFilter};

/// The QFI of the default QoS flow.
pub const DEFAULT_QFI: u8 = 1;
/// The identifier of the default QoS rule.
pub const DEFAULT_RULE_ID: u8 = 1;
/// The identifier of the default rule's match-all packet filter.
pub const DEFAULT_FILTER_ID: u8 = 1;
/// The precedence of the default QoS rule: every other rule comes first.
pub const DEFAULT_PRECEDENCE: u8 = 255;

/// Guaranteed and maximum flow bit rates of a GBR QoS flow (TS 23.501 §5.7.2.5), bit/s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GbrRates {
    pub gfbr_ul: u64,
    pub gfbr_dl: u64,
    pub mfbr_ul: u64,
    pub mfbr_dl: u64,
}

/// A non-default QoS flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QosFlow {
    /// QoS Flow Identifier, 2..=63.
    pub qfi: u8,
    pub five_qi: u8,
    pub arp_priority: u8,
    /// Present for a GBR 5QI.
    pub gbr: Option<GbrRates>,
}

/// A non-default QoS rule: packet filters onto one QoS flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRule {
    /// QoS rule identifier, 2..=255 (1 is the default rule).
    pub id: u8,
    /// Lower values first; below [`DEFAULT_PRECEDENCE`].
    pub precedence: u8,
    pub qfi: u8,
    pub filters: Vec<PacketFilter>,
}

impl SessionRule {
    /// The filters that see uplink packets (uplink or bidirectional).
    pub fn uplink_filters(&self) -> impl Iterator<Item = &PacketFilter> {
        self.filters.iter().filter(|f| f.direction.uplink())
    }

    /// The filters that see downlink packets (downlink or bidirectional).
    pub fn downlink_filters(&self) -> impl Iterator<Item = &PacketFilter> {
        self.filters.iter().filter(|f| f.direction.downlink())
    }
}

/// The QoS of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionQos {
    /// 5QI and ARP priority level of the default QoS flow (QFI 1).
    pub five_qi: u8,
    pub arp_priority: u8,
    /// Session-AMBR, bit/s.
    pub ambr_ul: u64,
    pub ambr_dl: u64,
    /// Non-default QoS flows.
    pub flows: Vec<QosFlow>,
    /// Non-default QoS rules (the default rule, match-all onto QFI 1, is implicit).
    pub rules: Vec<SessionRule>,
}

impl SessionQos {
    /// Only the default flow and rule.
    pub fn new(five_qi: u8, arp_priority: u8, ambr_ul: u64, ambr_dl: u64) -> Self {
        SessionQos {
            five_qi,
            arp_priority,
            ambr_ul,
            ambr_dl,
            flows: Vec::new(),
            rules: Vec::new(),
        }
    }

    pub fn flow(&self, qfi: u8) -> Option<&QosFlow> {
        self.flows.iter().find(|f| f.qfi == qfi)
    }

    pub fn rule(&self, id: u8) -> Option<&SessionRule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Everything in `self` and in `other`, `other`'s values where both have a flow or
    /// Session-AMBR: what the network holds while a modification from `self` to `other`
    /// waits for the UE (additions installed, removals not yet).
    pub fn union(&self, other: &SessionQos) -> SessionQos {
        let mut u = other.clone();
        for f in &self.flows {
            if u.flow(f.qfi).is_none() {
                u.flows.push(f.clone());
            }
        }
        for r in &self.rules {
            if u.rule(r.id).is_none() {
                u.rules.push(r.clone());
            }
        }
        u.flows.sort_by_key(|f| f.qfi);
        u.rules.sort_by_key(|r| r.id);
        u
    }
}

/// A network-requested change of a session's QoS (TS 23.502 §4.3.3.2 step 1e): what is
/// `None` stays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QosChange {
    /// Session-AMBR (uplink, downlink), bit/s.
    pub session_ambr: Option<(u64, u64)>,
    /// 5QI of the default QoS flow.
    pub default_5qi: Option<u8>,
    /// ARP priority level of the default QoS flow.
    pub default_arp_priority: Option<u8>,
}

impl QosChange {
    /// `q` with the change, or why the change cannot be made.
    pub fn apply(&self, q: &SessionQos) -> Result<SessionQos, &'static str> {
        let mut t = q.clone();
        if let Some((ul, dl)) = self.session_ambr {
            if ul == 0 || dl == 0 {
                return Err("a Session-AMBR of 0");
            }
            (t.ambr_ul, t.ambr_dl) = (ul, dl);
        }
        if let Some(v) = self.default_5qi {
            // The default QoS flow is a non-GBR flow (TS 23.501 §5.7.2.7).
            if !(1..=254).contains(&v) || is_gbr_5qi(v) {
                return Err("the default QoS flow takes a non-GBR 5QI");
            }
            t.five_qi = v;
        }
        if let Some(v) = self.default_arp_priority {
            if !(1..=15).contains(&v) {
                return Err("an ARP priority level outside 1..=15");
            }
            t.arp_priority = v;
        }
        Ok(t)
    }
}

/// What differs from one [`SessionQos`] to another.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Delta<'a> {
    pub ambr: bool,
    /// The default flow's 5QI or ARP.
    pub default_flow: bool,
    pub added_flows: Vec<&'a QosFlow>,
    pub changed_flows: Vec<&'a QosFlow>,
    pub removed_flows: Vec<u8>,
    pub added_rules: Vec<&'a SessionRule>,
    pub removed_rules: Vec<&'a SessionRule>,
}

impl Delta<'_> {
    pub fn is_empty(&self) -> bool {
        *self == Delta::default()
    }

    /// Whether the gNB has something to change (TS 38.413 §9.3.4.3): Session-AMBR or QoS
    /// flows; rules alone are the UE's and the UPF's business.
    pub fn touches_ran(&self) -> bool {
        self.ambr
            || self.default_flow
            || !self.added_flows.is_empty()
            || !self.changed_flows.is_empty()
            || !self.removed_flows.is_empty()
    }
}

/// What changes from `from` to `to` (rules are compared by identifier: a rule is never
/// changed in place).
pub fn delta<'a>(from: &'a SessionQos, to: &'a SessionQos) -> Delta<'a> {
    Delta {
        ambr: (from.ambr_ul, from.ambr_dl) != (to.ambr_ul, to.ambr_dl),
        default_flow: (from.five_qi, from.arp_priority) != (to.five_qi, to.arp_priority),
        added_flows: to
            .flows
            .iter()
            .filter(|f| from.flow(f.qfi).is_none())
            .collect(),
        changed_flows: to
            .flows
            .iter()
            .filter(|f| from.flow(f.qfi).is_some_and(|o| o != *f))
            .collect(),
        removed_flows: from
            .flows
            .iter()
            .filter(|f| to.flow(f.qfi).is_none())
            .map(|f| f.qfi)
            .collect(),
        added_rules: to
            .rules
            .iter()
            .filter(|r| from.rule(r.id).is_none())
            .collect(),
        removed_rules: from
            .rules
            .iter()
            .filter(|r| to.rule(r.id).is_none())
            .collect(),
    }
}

/// Whether a standardized 5QI is of the GBR or delay-critical GBR resource type
/// (TS 23.501 Table 5.7.4-1): the table the gNB side reads too.
pub use ferrocore_ngap::transfer::is_gbr_5qi;

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(qfi: u8) -> QosFlow {
        QosFlow {
            qfi,
            five_qi: 7,
            arp_priority: 8,
            gbr: None,
        }
    }

    fn rule(id: u8, qfi: u8) -> SessionRule {
        SessionRule {
            id,
            precedence: 10 + id,
            qfi,
            filters: vec![],
        }
    }

    #[test]
    fn delta_and_union() {
        let mut a = SessionQos::new(9, 8, 1_000, 2_000);
        a.flows = vec![flow(2), flow(3)];
        a.rules = vec![rule(2, 2), rule(3, 3)];
        let mut b = a.clone();
        b.ambr_dl = 4_000;
        b.flows.retain(|f| f.qfi != 3);
        b.rules.retain(|r| r.id != 3);
        b.flows[0].five_qi = 6;
        b.flows.push(flow(4));
        b.rules.push(rule(4, 4));
        let d = delta(&a, &b);
        assert!(d.ambr && !d.default_flow);
        assert_eq!(d.added_flows.iter().map(|f| f.qfi).collect::<Vec<_>>(), [4]);
        assert_eq!(
            d.changed_flows.iter().map(|f| f.qfi).collect::<Vec<_>>(),
            [2]
        );
        assert_eq!(d.removed_flows, [3]);
        assert_eq!(d.added_rules.iter().map(|r| r.id).collect::<Vec<_>>(), [4]);
        assert_eq!(
            d.removed_rules.iter().map(|r| r.id).collect::<Vec<_>>(),
            [3]
        );
        assert!(d.touches_ran());

        // The union holds both sides with b's values; from it, b is removals only and
        // a is removals of b's additions plus a's values back.
        let u = a.union(&b);
        assert_eq!(u.flows.iter().map(|f| f.qfi).collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!(u.flow(2).unwrap().five_qi, 6);
        let d = delta(&u, &b);
        assert!(d.added_flows.is_empty() && d.changed_flows.is_empty() && !d.ambr);
        assert_eq!(d.removed_flows, [3]);
        let d = delta(&u, &a);
        assert_eq!(d.removed_flows, [4]);
        assert_eq!(
            d.changed_flows.iter().map(|f| f.qfi).collect::<Vec<_>>(),
            [2]
        );
        assert!(d.ambr);
        assert!(delta(&a, &a).is_empty());
    }

    #[test]
    fn gbr_5qis() {
        assert!(is_gbr_5qi(1) && is_gbr_5qi(4) && is_gbr_5qi(82));
        assert!(!is_gbr_5qi(5) && !is_gbr_5qi(9) && !is_gbr_5qi(69));
    }
}
