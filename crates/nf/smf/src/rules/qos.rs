//! The N4 rules of non-default QoS flows and rules (TS 29.244 §5.2, TS 23.501 §5.7,
//! §5.8.2.11) and of a Session-AMBR change:
//!
//! | rule | what |
//! |---|---|
//! | QER 0x100 + QFI | per non-default flow: gates open, its QFI, MBR = MFBR and GBR = GFBR for a GBR flow |
//! | PDR 0x100 + rule id (uplink) | the rule's uplink filters as SDF filters, its QFI, the session's N3 F-TEID; FAR 1, URR 1 |
//! | PDR 0x200 + rule id (downlink) | the rule's downlink filters, the UE address; FAR 2 (so it buffers and forwards like the default flow), URR 1 |
//! | QER 1 | the Session-AMBR: updated when it changes |
//!
//! A rule's PDRs take its QoS rule precedence (below the default PDRs' 255), and the
//! flow's QER, followed by QER 1 for a non-GBR flow (the Session-AMBR caps the non-GBR
//! flows together, TS 23.501 §5.7.2.6). The first QER with a QFI gives the QFI.

use ferrocore_pfcp::ie::{
    Bitrate, CreatePdr, CreateQer, Fteid, Gate, GateStatus, Interface, MAX_BITRATE,
    NetworkInstance, OuterHeaderRemoval, Pdi, RemovePdr, RemoveQer, UpdateQer,
};
use ferrocore_pfcp::message::SessionModificationRequest;
use std::net::IpAddr;

use super::{FAR_DL, FAR_UL, QER_SESSION, URR_SESSION, empty_modification, kbps, ue_ip};
use crate::context::SmContext;
use crate::qos::{DEFAULT_QFI, QosFlow, SessionQos, SessionRule, delta};

/// The QER of non-default flow `qfi`.
pub(crate) fn flow_qer(qfi: u8) -> u32 {
    0x100 | u32::from(qfi)
}

/// The uplink PDR of non-default rule `id`.
pub(crate) fn uplink_pdr(id: u8) -> u16 {
    0x100 | u16::from(id)
}

/// The downlink PDR of non-default rule `id`.
pub(crate) fn downlink_pdr(id: u8) -> u16 {
    0x200 | u16::from(id)
}

/// MBR and GBR of a flow's QER; a non-GBR flow: no limit and no guarantee.
fn flow_rates(f: &QosFlow) -> (Bitrate, Bitrate) {
    match f.gbr {
        Some(g) => (
            Bitrate {
                uplink: kbps(g.mfbr_ul),
                downlink: kbps(g.mfbr_dl),
            },
            Bitrate {
                uplink: kbps(g.gfbr_ul),
                downlink: kbps(g.gfbr_dl),
            },
        ),
        None => (
            Bitrate {
                uplink: MAX_BITRATE,
                downlink: MAX_BITRATE,
            },
            Bitrate::default(),
        ),
    }
}

fn create_qer(f: &QosFlow) -> CreateQer {
    let (mbr, gbr) = flow_rates(f);
    CreateQer {
        qer_id: flow_qer(f.qfi),
        qer_correlation_id: None,
        gate_status: GateStatus {
            uplink: Gate::Open,
            downlink: Gate::Open,
        },
        mbr: f.gbr.map(|_| mbr),
        gbr: f.gbr.map(|_| gbr),
        qfi: Some(f.qfi),
    }
}

fn update_qer(f: &QosFlow) -> UpdateQer {
    let (mbr, gbr) = flow_rates(f);
    UpdateQer {
        qer_id: flow_qer(f.qfi),
        qer_correlation_id: None,
        gate_status: None,
        mbr: Some(mbr),
        gbr: Some(gbr),
        qfi: Some(f.qfi),
    }
}

/// The QERs a rule's PDRs name.
fn rule_qers(q: &SessionQos, r: &SessionRule) -> Vec<u32> {
    match q.flow(r.qfi) {
        _ if r.qfi == DEFAULT_QFI => vec![QER_SESSION],
        Some(f) if f.gbr.is_some() => vec![flow_qer(f.qfi)],
        _ => vec![flow_qer(r.qfi), QER_SESSION],
    }
}

fn rule_pdrs(ctx: &SmContext, q: &SessionQos, r: &SessionRule) -> Vec<CreatePdr> {
    let instance = NetworkInstance::dnn(&ctx.dnn);
    let qers = rule_qers(q, r);
    let mut pdrs = Vec::with_capacity(2);
    let uplink: Vec<_> = r.uplink_filters().map(|f| f.sdf_filter()).collect();
    if !uplink.is_empty() {
        let local_fteid = ctx.ul_teid.map(|(teid, addr)| {
            let (ipv4, ipv6) = match addr {
                IpAddr::V4(a) => (Some(a), None),
                IpAddr::V6(a) => (None, Some(a)),
            };
            Fteid::Assigned { teid, ipv4, ipv6 }
        });
        pdrs.push(CreatePdr {
            pdr_id: uplink_pdr(r.id),
            precedence: u32::from(r.precedence),
            pdi: Pdi {
                source_interface: Interface::Access,
                local_fteid,
                network_instance: Some(instance.clone()),
                ue_ip_address: Some(ue_ip(ctx, false)),
                sdf_filters: uplink.into(),
                qfis: [r.qfi].into(),
            },
            outer_header_removal: Some(OuterHeaderRemoval {
                description: OuterHeaderRemoval::GTPU_UDP_IP,
                extension_header_deletion: None,
            }),
            far_id: Some(FAR_UL),
            urr_ids: [URR_SESSION].into(),
            qer_ids: qers.iter().copied().collect(),
        });
    }
    let downlink: Vec<_> = r.downlink_filters().map(|f| f.sdf_filter()).collect();
    if !downlink.is_empty() {
        pdrs.push(CreatePdr {
            pdr_id: downlink_pdr(r.id),
            precedence: u32::from(r.precedence),
            pdi: Pdi {
                source_interface: Interface::Core,
                local_fteid: None,
                network_instance: Some(instance),
                ue_ip_address: Some(ue_ip(ctx, true)),
                sdf_filters: downlink.into(),
                qfis: Default::default(),
            },
            outer_header_removal: None,
            far_id: Some(FAR_DL),
            urr_ids: [URR_SESSION].into(),
            qer_ids: qers.into_iter().collect(),
        });
    }
    pdrs
}

/// PFCP Session Modification Request (TS 29.244 §7.5.4) taking the UPF's rules of the
/// session from `from` to `to`; `None` when they are the same.
pub(crate) fn modification(
    ctx: &SmContext,
    from: &SessionQos,
    to: &SessionQos,
) -> Option<SessionModificationRequest> {
    let d = delta(from, to);
    let mut m = empty_modification();
    if d.ambr {
        m.update_qers.push(UpdateQer {
            qer_id: QER_SESSION,
            qer_correlation_id: None,
            gate_status: None,
            mbr: Some(Bitrate {
                uplink: kbps(to.ambr_ul),
                downlink: kbps(to.ambr_dl),
            }),
            gbr: None,
            qfi: None,
        });
    }
    m.create_qers
        .extend(d.added_flows.iter().map(|f| create_qer(f)));
    m.update_qers
        .extend(d.changed_flows.iter().map(|f| update_qer(f)));
    m.remove_qers
        .extend(d.removed_flows.iter().map(|q| RemoveQer {
            qer_id: flow_qer(*q),
        }));
    for r in &d.added_rules {
        m.create_pdrs.extend(rule_pdrs(ctx, to, r));
    }
    for r in &d.removed_rules {
        if r.uplink_filters().next().is_some() {
            m.remove_pdrs.push(RemovePdr {
                pdr_id: uplink_pdr(r.id),
            });
        }
        if r.downlink_filters().next().is_some() {
            m.remove_pdrs.push(RemovePdr {
                pdr_id: downlink_pdr(r.id),
            });
        }
    }
    let nothing = m.update_qers.is_empty()
        && m.create_qers.is_empty()
        && m.remove_qers.is_empty()
        && m.create_pdrs.is_empty()
        && m.remove_pdrs.is_empty();
    (!nothing).then_some(m)
}
