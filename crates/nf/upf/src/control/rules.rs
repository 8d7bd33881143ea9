//! From Create / Update IEs (TS 29.244 §7.5.2, §7.5.4) to [`crate::state`] rules, with
//! F-TEID (§5.2.3.1) and UE IP address (§5.21) allocation.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use ferrocore_pfcp::ie::{
    ApplyAction, Bar, CreateFar, CreatePdr, CreateQer, CreateUrr, Fteid, Gate, OuterHeaderCreation,
    Pdi, UeAddr, UpdateFar, UpdateQer, UpdateUrr, Volume,
};
use ferrocore_pfcp::{Cause, IeType};

use super::UpfControl;
use crate::dataplane::GTPU_PORT;
use crate::state::{
    BarState, FarState, Iface, OuterHeader, PdrState, QerState, SessionState, UeIp, UrrState,
    VolumeLimit,
};
use crate::table::RuleError;

/// What one request allocated, to give back if it fails.
#[derive(Debug, Default)]
pub(super) struct Alloc {
    pub teids: Vec<u32>,
    pub ue4: Vec<Ipv4Addr>,
    /// UE IPv4 addresses the SMF gave, inside the pool, claimed there by this request.
    pub ue4_claimed: Vec<Ipv4Addr>,
    /// CHOOSE ID -> TEID within this request (TS 29.244 §5.2.3.1).
    pub chosen: HashMap<u8, u32>,
}

fn failure(ie: IeType, what: impl Into<String>) -> RuleError {
    RuleError::new(Cause::RULE_CREATION_MODIFICATION_FAILURE, ie, what)
}

/// Adds a rule unless its ID is taken.
pub(super) fn push_unique<T, K: PartialEq + std::fmt::Debug>(
    v: &mut Vec<T>,
    item: T,
    id: impl Fn(&T) -> K,
    ie: IeType,
) -> Result<(), RuleError> {
    let k = id(&item);
    if v.iter().any(|x| id(x) == k) {
        return Err(failure(ie, format!("rule ID {k:?} already in the session")));
    }
    v.push(item);
    Ok(())
}

fn outer_header(o: &OuterHeaderCreation) -> Result<OuterHeader, RuleError> {
    let bad = |what: &str| {
        RuleError::new(
            Cause::MANDATORY_IE_INCORRECT,
            IeType::OUTER_HEADER_CREATION,
            what.to_owned(),
        )
    };
    let teid = o
        .teid
        .ok_or_else(|| bad("GTP-U outer header without TEID"))?;
    let ip = if o.description & OuterHeaderCreation::GTPU_UDP_IPV4 != 0 {
        o.ipv4.map(IpAddr::V4)
    } else if o.description & OuterHeaderCreation::GTPU_UDP_IPV6 != 0 {
        o.ipv6.map(IpAddr::V6)
    } else {
        return Err(failure(
            IeType::OUTER_HEADER_CREATION,
            "only GTP-U/UDP/IP outer headers are supported",
        ));
    };
    let ip = ip.ok_or_else(|| bad("GTP-U outer header without address"))?;
    Ok(OuterHeader {
        teid,
        peer: SocketAddr::new(ip, GTPU_PORT),
    })
}

pub(super) fn far(c: &CreateFar) -> Result<FarState, RuleError> {
    let fp = c.forwarding_parameters.as_ref();
    if c.apply_action.contains(ApplyAction::FORW) && fp.is_none() {
        return Err(RuleError::new(
            Cause::CONDITIONAL_IE_MISSING,
            IeType::FORWARDING_PARAMETERS,
            format!("FAR {} forwards without Forwarding Parameters", c.far_id),
        ));
    }
    Ok(FarState {
        id: c.far_id,
        apply_action: c.apply_action.0,
        destination: fp.map(|f| f.destination_interface.into()),
        outer_header: match fp.and_then(|f| f.outer_header_creation.as_ref()) {
            Some(o) => Some(outer_header(o)?),
            None => None,
        },
        bar_id: c.bar_id,
    })
}

pub(super) fn update_far(f: &mut FarState, u: &UpdateFar) -> Result<(), RuleError> {
    if let Some(a) = u.apply_action {
        f.apply_action = a.0;
    }
    if let Some(p) = &u.update_forwarding_parameters {
        if let Some(d) = p.destination_interface {
            f.destination = Some(d.into());
        }
        if let Some(o) = &p.outer_header_creation {
            f.outer_header = Some(outer_header(o)?);
        }
    }
    if u.bar_id.is_some() {
        f.bar_id = u.bar_id;
    }
    if ApplyAction(f.apply_action).contains(ApplyAction::FORW) && f.destination.is_none() {
        return Err(RuleError::new(
            Cause::CONDITIONAL_IE_MISSING,
            IeType::UPDATE_FORWARDING_PARAMETERS,
            format!("FAR {} forwards without a destination", f.id),
        ));
    }
    Ok(())
}

pub(super) fn qer(c: &CreateQer) -> QerState {
    QerState {
        id: c.qer_id,
        gate_ul_open: c.gate_status.uplink == Gate::Open,
        gate_dl_open: c.gate_status.downlink == Gate::Open,
        mbr_ul: c.mbr.map(|m| m.uplink),
        mbr_dl: c.mbr.map(|m| m.downlink),
        gbr_ul: c.gbr.map(|m| m.uplink),
        gbr_dl: c.gbr.map(|m| m.downlink),
        qfi: c.qfi,
    }
}

pub(super) fn update_qer(q: &mut QerState, u: &UpdateQer) {
    if let Some(g) = u.gate_status {
        q.gate_ul_open = g.uplink == Gate::Open;
        q.gate_dl_open = g.downlink == Gate::Open;
    }
    if let Some(m) = u.mbr {
        q.mbr_ul = Some(m.uplink);
        q.mbr_dl = Some(m.downlink);
    }
    if let Some(m) = u.gbr {
        q.gbr_ul = Some(m.uplink);
        q.gbr_dl = Some(m.downlink);
    }
    if u.qfi.is_some() {
        q.qfi = u.qfi;
    }
}

fn limit(v: &Volume) -> VolumeLimit {
    VolumeLimit {
        total: v.total,
        uplink: v.uplink,
        downlink: v.downlink,
    }
}

pub(super) fn urr(c: &CreateUrr, start_time: u32) -> UrrState {
    UrrState {
        id: c.urr_id,
        measure_volume: c.measurement_method.volume,
        measure_duration: c.measurement_method.duration,
        reporting_triggers: c.reporting_triggers.0,
        volume_threshold: c.volume_threshold.as_ref().map(limit),
        volume_quota: c.volume_quota.as_ref().map(limit),
        measurement_period: c.measurement_period,
        time_threshold: c.time_threshold,
        time_quota: c.time_quota,
        measurement_information: c.measurement_information.unwrap_or(0),
        next_seqn: 0,
        start_time,
    }
}

pub(super) fn update_urr(x: &mut UrrState, u: &UpdateUrr) {
    if let Some(m) = u.measurement_method {
        x.measure_volume = m.volume;
        x.measure_duration = m.duration;
    }
    if let Some(t) = u.reporting_triggers {
        x.reporting_triggers = t.0;
    }
    if let Some(v) = &u.volume_threshold {
        x.volume_threshold = Some(limit(v));
    }
    if let Some(v) = &u.volume_quota {
        x.volume_quota = Some(limit(v));
    }
    if u.measurement_period.is_some() {
        x.measurement_period = u.measurement_period;
    }
    if u.time_threshold.is_some() {
        x.time_threshold = u.time_threshold;
    }
    if u.time_quota.is_some() {
        x.time_quota = u.time_quota;
    }
    if let Some(m) = u.measurement_information {
        x.measurement_information = m;
    }
}

pub(super) fn bar(b: &Bar) -> BarState {
    BarState {
        id: b.bar_id,
        suggested_buffering_packets: b.suggested_buffering_packets_count,
    }
}

/// The PDI fields that need no allocation.
pub(super) fn apply_pdi(p: &mut PdrState, pdi: &Pdi) {
    p.source = pdi.source_interface.into();
    p.sdf_filters = pdi
        .sdf_filters
        .iter()
        .filter_map(|f| f.flow_description.as_ref().map(|d| d.as_str().to_owned()))
        .collect();
    p.qfis = pdi.qfis.to_vec();
}

impl UpfControl {
    /// A PDR from its Create PDR, allocating its F-TEID / UE address if asked to.
    pub(super) fn pdr(
        &mut self,
        c: &CreatePdr,
        s: &SessionState,
        alloc: &mut Alloc,
    ) -> Result<PdrState, RuleError> {
        let mut p = PdrState {
            id: c.pdr_id,
            precedence: c.precedence,
            source: Iface::Access,
            local_teid: None,
            teid_chosen: false,
            choose_id: None,
            ue_ip: None,
            sdf_filters: vec![],
            qfis: vec![],
            outer_header_removal: c.outer_header_removal.map(|o| o.description),
            far_id: c.far_id,
            urr_ids: c.urr_ids.to_vec(),
            qer_ids: c.qer_ids.to_vec(),
        };
        apply_pdi(&mut p, &c.pdi);
        self.resolve_pdi(&mut p, &c.pdi, s, alloc)?;
        Ok(p)
    }

    /// F-TEID and UE IP address of a PDI: taken as given, or chosen here.
    pub(super) fn resolve_pdi(
        &mut self,
        p: &mut PdrState,
        pdi: &Pdi,
        s: &SessionState,
        alloc: &mut Alloc,
    ) -> Result<(), RuleError> {
        let old_teid = p.local_teid;
        let old_ue4 = p.ue_ip.and_then(|u| u.ipv4);
        match &pdi.local_fteid {
            None => {
                p.local_teid = None;
                p.teid_chosen = false;
            }
            Some(Fteid::Choose {
                ipv4,
                ipv6,
                choose_id,
            }) => {
                if *ipv6 && !*ipv4 && self.cfg.n3_ipv6.is_none() {
                    return Err(RuleError::new(
                        Cause::INVALID_FTEID_ALLOCATION_OPTION,
                        IeType::F_TEID,
                        "IPv6 F-TEID asked for, N3 has no IPv6 address",
                    ));
                }
                // Same CHOOSE ID: the TEID chosen for it earlier in this request or
                // held by another PDR of the session (TS 29.244 §5.2.3.1).
                let shared = choose_id.and_then(|id| {
                    alloc.chosen.get(&id).copied().or_else(|| {
                        s.pdrs
                            .iter()
                            .find(|x| x.choose_id == Some(id) && x.teid_chosen)
                            .and_then(|x| x.local_teid)
                    })
                });
                let teid = match shared {
                    Some(t) => t,
                    None => {
                        let t = self.teids.allocate().ok_or_else(|| {
                            RuleError::new(
                                Cause::NO_RESOURCES_AVAILABLE,
                                IeType::F_TEID,
                                "TEID pool exhausted",
                            )
                        })?;
                        alloc.teids.push(t);
                        if let Some(id) = choose_id {
                            alloc.chosen.insert(*id, t);
                        }
                        t
                    }
                };
                p.local_teid = Some(teid);
                p.teid_chosen = true;
                p.choose_id = *choose_id;
            }
            Some(Fteid::Assigned { teid, .. }) => {
                let mine =
                    s.pdrs.iter().any(|x| x.local_teid == Some(*teid)) || old_teid == Some(*teid);
                if !mine {
                    if !self.teids.claim(*teid) {
                        return Err(failure(IeType::F_TEID, format!("TEID {teid:#x} is in use")));
                    }
                    alloc.teids.push(*teid);
                }
                p.local_teid = Some(*teid);
                p.teid_chosen = false;
                p.choose_id = None;
            }
        }
        p.ue_ip = match &pdi.ue_ip_address {
            None => None,
            Some(u) => {
                let ipv4 = match u.ipv4 {
                    None => None,
                    Some(UeAddr::Address(a)) => {
                        let other = self
                            .table()
                            .by_ue_ipv4(a.to_bits())
                            .is_some_and(|r| r.up_seid != s.up_seid);
                        let in_use =
                            || failure(IeType::UE_IP_ADDRESS, format!("UE address {a} is in use"));
                        if other {
                            return Err(in_use());
                        }
                        // An address the SMF gives inside our pool is claimed there, like
                        // one we choose, so CHV4 never hands it out while this session holds
                        // it; taken by another session, the rule fails: cause Rule
                        // creation/modification Failure with the UE IP Address as Offending
                        // IE (TS 29.244 §8.2.1 cause 73, §7.5.3.1).
                        let holds = |st: &SessionState| {
                            st.pdrs
                                .iter()
                                .any(|x| x.ue_ip.and_then(|u| u.ipv4) == Some(a))
                        };
                        let mine = holds(s)
                            || old_ue4 == Some(a)
                            || alloc.ue4.contains(&a)
                            || alloc.ue4_claimed.contains(&a)
                            || self
                                .sessions
                                .get(&s.up_seid)
                                .is_some_and(|x| holds(&x.state));
                        if let Some(pool) = self.ue4.as_mut()
                            && pool.contains(a)
                            && !mine
                        {
                            if !pool.claim(a) {
                                return Err(in_use());
                            }
                            alloc.ue4_claimed.push(a);
                        }
                        Some((a, false))
                    }
                    Some(UeAddr::Choose) => {
                        // One address per session: reuse one chosen for another PDR.
                        let held = s
                            .pdrs
                            .iter()
                            .filter_map(|x| x.ue_ip)
                            .find(|x| x.ipv4_chosen)
                            .and_then(|x| x.ipv4)
                            .or(alloc.ue4.first().copied());
                        match held {
                            Some(a) => Some((a, true)),
                            None => {
                                let pool = self.ue4.as_mut().ok_or_else(|| {
                                    RuleError::new(
                                        Cause::RULE_CREATION_MODIFICATION_FAILURE,
                                        IeType::UE_IP_ADDRESS,
                                        "CHV4 asked for, no UE address pool configured",
                                    )
                                })?;
                                let a = pool.allocate().ok_or_else(|| {
                                    RuleError::new(
                                        Cause::ALL_DYNAMIC_ADDRESSES_OCCUPIED,
                                        IeType::UE_IP_ADDRESS,
                                        "UE address pool exhausted",
                                    )
                                })?;
                                alloc.ue4.push(a);
                                Some((a, true))
                            }
                        }
                    }
                };
                let ipv6 = match u.ipv6 {
                    Some(UeAddr::Address(a)) => Some(a),
                    Some(UeAddr::Choose) => {
                        return Err(RuleError::new(
                            Cause::RULE_CREATION_MODIFICATION_FAILURE,
                            IeType::UE_IP_ADDRESS,
                            "CHV6 is not supported",
                        ));
                    }
                    None => None,
                };
                Some(UeIp {
                    ipv4: ipv4.map(|x| x.0),
                    ipv6,
                    destination: u.destination,
                    ipv4_chosen: ipv4.is_some_and(|x| x.1),
                })
            }
        };
        Ok(())
    }
}
