//! The QoS rules and QoS flow descriptions of one PDU session at the UE (TS 24.501
//! §6.2.5.1.1): taken from the PDU SESSION ESTABLISHMENT ACCEPT, changed by the
//! operations of a PDU SESSION MODIFICATION COMMAND (§6.3.2.3, its errors per §6.3.2.4),
//! and used to pick the QoS flow of each uplink packet: the packet filters of the rules
//! are evaluated in increasing order of precedence until one matches (TS 23.501 §5.7.1.5).
//!
//! Classification reads the IP header in place: no allocation per packet.

use ferrocore_nas::types::{
    NasQosFlowDescriptions, NasQosRules, QosError, QosFlowOpCode, QosFlowParameter,
    QosPacketFilter, QosPacketFilterComponent, QosPacketFilterDirection, QosRule, QosRuleOpCode,
};

/// 5GSM causes of QoS errors (TS 24.501 §9.11.4.2).
pub mod cause {
    /// #44 Semantic errors in packet filter(s).
    pub const SEMANTIC_PACKET_FILTER: u8 = 44;
    /// #45 Syntactical errors in packet filter(s).
    pub const SYNTACTIC_PACKET_FILTER: u8 = 45;
    /// #83 Semantic error in the QoS operation.
    pub const SEMANTIC_QOS_OPERATION: u8 = 83;
    /// #84 Syntactical error in the QoS operation.
    pub const SYNTACTIC_QOS_OPERATION: u8 = 84;
}

/// One packet filter of a QoS rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub id: u8,
    pub direction: QosPacketFilterDirection,
    pub components: Vec<QosPacketFilterComponent>,
}

impl Filter {
    fn applies_uplink(&self) -> bool {
        matches!(
            self.direction,
            QosPacketFilterDirection::Uplink | QosPacketFilterDirection::Bidirectional
        )
    }
}

/// One QoS rule (TS 24.501 §9.11.4.13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: u8,
    /// The default QoS rule (DQR).
    pub default: bool,
    pub precedence: u8,
    pub qfi: u8,
    pub filters: Vec<Filter>,
}

/// One QoS flow description (TS 24.501 §9.11.4.12): the flow and its 5QI, if given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    pub qfi: u8,
    pub five_qi: Option<u8>,
}

/// The QoS rules (kept in increasing order of precedence) and QoS flow descriptions of a
/// PDU session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QosRules {
    rules: Vec<Rule>,
    flows: Vec<Flow>,
}

fn filters_of(r: &QosRule) -> Vec<Filter> {
    r.packet_filters
        .iter()
        .filter_map(|f| match f {
            QosPacketFilter::Match {
                direction,
                identifier,
                components,
            } => Some(Filter {
                id: *identifier,
                direction: *direction,
                components: components.clone(),
            }),
            QosPacketFilter::Delete { .. } => None,
        })
        .collect()
}

fn five_qi_of(params: &[QosFlowParameter]) -> Option<u8> {
    params.iter().find_map(|p| match p {
        QosFlowParameter::FiveQi(q) => Some(*q),
        _ => None,
    })
}

fn syntax_cause(e: QosError) -> u8 {
    match e {
        QosError::SyntacticalPacketFilter => cause::SYNTACTIC_PACKET_FILTER,
        _ => cause::SYNTACTIC_QOS_OPERATION,
    }
}

impl QosRules {
    /// The rules and flows of a PDU SESSION ESTABLISHMENT ACCEPT (TS 24.501 §6.4.1.3):
    /// its "create new QoS rule" operations that are well formed.
    pub fn from_accept(rules: &NasQosRules, flows: Option<&NasQosFlowDescriptions>) -> Self {
        let mut q = QosRules::default();
        for r in rules.parse_rules().into_iter().flatten() {
            if let (QosRuleOpCode::Create, Some(precedence), Some(qfi)) =
                (r.op_code, r.precedence, r.qfi)
            {
                q.rules.retain(|x| x.id != r.rule_id);
                q.rules.push(Rule {
                    id: r.rule_id,
                    default: r.dqr,
                    precedence,
                    qfi,
                    filters: filters_of(&r),
                });
            }
        }
        for d in flows
            .map(NasQosFlowDescriptions::parse_descriptions)
            .unwrap_or_default()
            .into_iter()
            .flatten()
        {
            if d.op_code == QosFlowOpCode::Create {
                q.create_flow(d.qfi, &d.params);
            }
        }
        q.sort();
        q
    }

    /// "Create new QoS flow description": replaces any description of the same QFI.
    fn create_flow(&mut self, qfi: u8, params: &[QosFlowParameter]) {
        self.flows.retain(|f| f.qfi != qfi);
        self.flows.push(Flow {
            qfi,
            five_qi: five_qi_of(params),
        });
    }

    fn sort(&mut self) {
        self.rules.sort_by_key(|r| (r.precedence, r.id));
    }

    /// The rules, in increasing order of precedence.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The QoS flow descriptions.
    pub fn flows(&self) -> &[Flow] {
        &self.flows
    }

    /// The QFI of the default QoS rule.
    pub fn default_qfi(&self) -> Option<u8> {
        self.rules.iter().find(|r| r.default).map(|r| r.qfi)
    }

    /// The QFIs the rules send traffic on, the default rule's first, each once.
    pub fn qfis(&self) -> Vec<u8> {
        let mut out: Vec<u8> = self.default_qfi().into_iter().collect();
        for r in &self.rules {
            if !out.contains(&r.qfi) {
                out.push(r.qfi);
            }
        }
        out
    }

    /// The 5QI of flow `qfi`, when its description gave one.
    pub fn five_qi(&self, qfi: u8) -> Option<u8> {
        self.flows
            .iter()
            .find(|f| f.qfi == qfi)
            .and_then(|f| f.five_qi)
    }

    /// Applies the authorized QoS rules and flow descriptions of a PDU SESSION
    /// MODIFICATION COMMAND (TS 24.501 §6.3.2.3), all or nothing: an error leaves the
    /// rules as they were and gives the 5GSM cause of the PDU SESSION MODIFICATION
    /// COMMAND REJECT (§6.3.2.4: #84 / #45 for syntactical errors in the QoS operations /
    /// packet filters, #83 for a semantic error in a QoS operation).
    pub fn apply(
        &mut self,
        rules: Option<&NasQosRules>,
        flows: Option<&NasQosFlowDescriptions>,
    ) -> Result<(), u8> {
        let mut next = self.clone();
        if let Some(rules) = rules {
            for r in rules.parse_rules() {
                let r = r.map_err(|e| syntax_cause(e.error))?;
                next.apply_rule(&r)?;
            }
        }
        if let Some(flows) = flows {
            for d in flows.parse_descriptions() {
                let d = d.map_err(|_| cause::SYNTACTIC_QOS_OPERATION)?;
                match d.op_code {
                    QosFlowOpCode::Create => next.create_flow(d.qfi, &d.params),
                    QosFlowOpCode::Modify => match next.flows.iter_mut().find(|f| f.qfi == d.qfi) {
                        Some(f) => {
                            if let Some(q) = five_qi_of(&d.params) {
                                f.five_qi = Some(q);
                            }
                        }
                        None => return Err(cause::SEMANTIC_QOS_OPERATION),
                    },
                    QosFlowOpCode::Delete => next.flows.retain(|f| f.qfi != d.qfi),
                    _ => return Err(cause::SYNTACTIC_QOS_OPERATION),
                }
            }
        }
        next.sort();
        *self = next;
        Ok(())
    }

    /// One rule operation (TS 24.501 Table 9.11.4.13.1) with the semantic checks of
    /// §6.3.2.4 a).
    fn apply_rule(&mut self, r: &QosRule) -> Result<(), u8> {
        let existing = self.rules.iter().position(|x| x.id == r.rule_id);
        // QFI 0 and rule identifier 0 are "none assigned": only a UE may send them.
        if r.rule_id == 0 || r.qfi == Some(0) {
            return Err(cause::SYNTACTIC_QOS_OPERATION);
        }
        match r.op_code {
            QosRuleOpCode::Create => {
                let (Some(precedence), Some(qfi)) = (r.precedence, r.qfi) else {
                    return Err(cause::SYNTACTIC_QOS_OPERATION);
                };
                let other_default = self.rules.iter().any(|x| x.default && x.id != r.rule_id);
                if r.dqr && other_default {
                    return Err(cause::SEMANTIC_QOS_OPERATION);
                }
                let filters = filters_of(r);
                if !r.dqr && filters.is_empty() {
                    return Err(cause::SEMANTIC_QOS_OPERATION);
                }
                // A rule of the same identifier is replaced (§6.3.2.4 a) 1)).
                if let Some(i) = existing {
                    self.rules.remove(i);
                }
                self.rules.push(Rule {
                    id: r.rule_id,
                    default: r.dqr,
                    precedence,
                    qfi,
                    filters,
                });
            }
            QosRuleOpCode::Delete => match existing {
                Some(i) if self.rules[i].default => return Err(cause::SEMANTIC_QOS_OPERATION),
                Some(i) => {
                    self.rules.remove(i);
                }
                None => return Err(cause::SEMANTIC_QOS_OPERATION),
            },
            QosRuleOpCode::ModifyAdd
            | QosRuleOpCode::ModifyReplace
            | QosRuleOpCode::ModifyDelete
            | QosRuleOpCode::ModifyNoFilters => {
                let Some(i) = existing else {
                    return Err(cause::SEMANTIC_QOS_OPERATION);
                };
                let rule = &mut self.rules[i];
                match r.op_code {
                    QosRuleOpCode::ModifyAdd => {
                        for f in filters_of(r) {
                            // An identifier in use is replaced (§6.3.2.4 c)).
                            rule.filters.retain(|x| x.id != f.id);
                            rule.filters.push(f);
                        }
                    }
                    QosRuleOpCode::ModifyReplace => rule.filters = filters_of(r),
                    QosRuleOpCode::ModifyDelete => {
                        for f in &r.packet_filters {
                            rule.filters.retain(|x| x.id != f.identifier());
                        }
                    }
                    _ => {}
                }
                if let Some(p) = r.precedence {
                    rule.precedence = p;
                }
                if let Some(q) = r.qfi {
                    rule.qfi = q;
                }
                if !rule.default && rule.filters.is_empty() {
                    return Err(cause::SEMANTIC_QOS_OPERATION);
                }
            }
            _ => return Err(cause::SYNTACTIC_QOS_OPERATION),
        }
        Ok(())
    }

    /// The QFI of an uplink IP packet: the rule of lowest precedence value with an
    /// uplink (or bidirectional) packet filter matching it; `None` when none does.
    pub fn uplink_qfi(&self, packet: &[u8]) -> Option<u8> {
        let p = Header::parse(packet)?;
        self.rules
            .iter()
            .find(|r| {
                r.filters
                    .iter()
                    .any(|f| f.applies_uplink() && f.components.iter().all(|c| p.uplink_match(c)))
            })
            .map(|r| r.qfi)
    }
}

/// The fields of an IP packet the packet filter components look at.
struct Header<'a> {
    v6: bool,
    src: &'a [u8],
    dst: &'a [u8],
    protocol: u8,
    tos: u8,
    flow_label: [u8; 3],
    /// Source and destination ports (TCP, UDP, SCTP; first fragment).
    ports: Option<(u16, u16)>,
}

impl<'a> Header<'a> {
    fn parse(p: &'a [u8]) -> Option<Self> {
        let version = p.first()? >> 4;
        let (v6, src, dst, protocol, tos, flow_label, l4) = match version {
            4 => {
                let ihl = usize::from(p[0] & 0x0f) * 4;
                if p.len() < 20 || ihl < 20 {
                    return None;
                }
                let first_fragment = u16::from_be_bytes([p[6], p[7]]) & 0x1fff == 0;
                let l4 = first_fragment.then_some(ihl);
                (false, &p[12..16], &p[16..20], p[9], p[1], [0; 3], l4)
            }
            6 => {
                if p.len() < 40 {
                    return None;
                }
                let tos = (p[0] << 4) | (p[1] >> 4);
                let flow_label = [p[1] & 0x0f, p[2], p[3]];
                (true, &p[8..24], &p[24..40], p[6], tos, flow_label, Some(40))
            }
            _ => return None,
        };
        let ports = l4
            .filter(|_| matches!(protocol, 6 | 17 | 132))
            .and_then(|at| p.get(at..at + 4))
            .map(|b| {
                (
                    u16::from_be_bytes([b[0], b[1]]),
                    u16::from_be_bytes([b[2], b[3]]),
                )
            });
        Some(Header {
            v6,
            src,
            dst,
            protocol,
            tos,
            flow_label,
            ports,
        })
    }

    /// Whether one component matches this uplink packet: "remote" is the destination,
    /// "local" the UE's source. Components the UE does not evaluate never match.
    fn uplink_match(&self, c: &QosPacketFilterComponent) -> bool {
        use QosPacketFilterComponent as C;
        let masked = |a: &[u8], addr: &[u8], mask: &[u8]| {
            a.iter()
                .zip(addr)
                .zip(mask)
                .all(|((a, b), m)| a & m == b & m)
        };
        let prefixed = |a: &[u8], addr: &[u8; 16], len: u8| {
            let len = usize::from(len.min(128));
            let (whole, rest) = (len / 8, len % 8);
            a[..whole] == addr[..whole]
                && (rest == 0 || {
                    let m = 0xffu8 << (8 - rest);
                    a[whole] & m == addr[whole] & m
                })
        };
        match c {
            C::MatchAll => true,
            C::Ipv4RemoteAddress { address, mask } => !self.v6 && masked(self.dst, address, mask),
            C::Ipv4LocalAddress { address, mask } => !self.v6 && masked(self.src, address, mask),
            C::Ipv6RemoteAddressPrefix {
                address,
                prefix_length,
            } => self.v6 && prefixed(self.dst, address, *prefix_length),
            C::Ipv6LocalAddressPrefix {
                address,
                prefix_length,
            } => self.v6 && prefixed(self.src, address, *prefix_length),
            C::ProtocolIdentifierOrNextHeader(p) => self.protocol == *p,
            C::SingleLocalPort(port) => self.ports.is_some_and(|(s, _)| s == *port),
            C::LocalPortRange { low, high } => {
                self.ports.is_some_and(|(s, _)| (*low..=*high).contains(&s))
            }
            C::SingleRemotePort(port) => self.ports.is_some_and(|(_, d)| d == *port),
            C::RemotePortRange { low, high } => {
                self.ports.is_some_and(|(_, d)| (*low..=*high).contains(&d))
            }
            C::TypeOfServiceOrTrafficClass { value, mask } => self.tos & mask == value & mask,
            C::FlowLabel(l) => self.v6 && self.flow_label == [l[0] & 0x0f, l[1], l[2]],
            _ => false,
        }
    }
}
