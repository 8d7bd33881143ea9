//! An SMF's requests built with ferrocore-pfcp: the rules of one PDU session with the
//! values the tests of every layer share (SMF 10.0.0.1, gNB 10.0.1.9 with TEID 0x1234,
//! UE 10.45.0.7, QFI 9, DNN "internet"), and rules with every optional IE left out, to
//! fill in with struct update syntax (the codec's grouped IEs have no `Default`).
//!
//! One source file for the PFCP codec's tests (`common::requests`), the UPF engine's
//! tests (`crates/nf/upf/tests/common`), the UPF fuzz targets (`fuzz/fuzz_targets/upf`)
//! and the UPF runtime's tests, which include it with `#[path]`: it may use nothing but
//! `std` and `ferrocore_pfcp`.

use std::net::Ipv4Addr;

use ferrocore_pfcp::Message;
use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;

pub const SMF_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
/// The gNB's N3 address and the TEID of its downlink tunnel.
pub const GNB: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 9);
pub const GNB_TEID: u32 = 0x1234;
pub const UE: Ipv4Addr = Ipv4Addr::new(10, 45, 0, 7);
/// The SMF's Recovery Time Stamp.
pub const SMF_RTS: u32 = 3_900_000_000;

pub fn smf_node() -> NodeId {
    NodeId::Ipv4(SMF_IP)
}

/// Association Setup Request (TS 29.244 §7.4.4.1) from the SMF, CP function features
/// octet 0x01 (BUNDL).
pub fn association_setup(seq: u32, recovery_time_stamp: u32) -> Message {
    Message::node(
        seq,
        AssociationSetupRequest {
            node_id: smf_node(),
            recovery_time_stamp,
            up_function_features: None,
            cp_function_features: Some(Features(vec![0x01])),
        },
    )
}

/// Session Establishment Request (TS 29.244 §7.5.2): uplink PDR 1 (CH F-TEID, CHOOSE
/// ID 1, QFI 9) and downlink PDR 2 for UE address [`UE`], FAR 1 to N6 and FAR 2 to the
/// gNB, QER 1 with QFI 9, URR 1 with a 10,000-octet volume threshold; PDN type IPv4.
pub fn establishment(cp_seid: u64) -> SessionEstablishmentRequest {
    SessionEstablishmentRequest {
        node_id: smf_node(),
        cp_fseid: Fseid {
            seid: cp_seid,
            ipv4: Some(SMF_IP),
            ipv6: None,
        },
        create_pdrs: vec![ul_pdr(1, 255, None), dl_pdr(2, 255, None)],
        create_fars: vec![ul_far(1, None), dl_far(2, ApplyAction::FORW)],
        create_urrs: vec![CreateUrr {
            volume_threshold: Some(total_volume(10_000)),
            ..urr(1, true, false, ReportingTriggers::VOLTH)
        }],
        create_qers: vec![qer(1, 9)],
        create_bar: None,
        pdn_type: Some(1),
    }
}

/// `req` with UE IPv4 address `ue` in all its PDRs.
pub fn with_ue(req: SessionEstablishmentRequest, ue: Ipv4Addr) -> SessionEstablishmentRequest {
    with_ue_addr(req, UeAddr::Address(ue))
}

/// `req` with `ue` (an address, or CHV4: the UPF chooses) as the UE IPv4 address of all
/// its PDRs.
pub fn with_ue_addr(
    mut req: SessionEstablishmentRequest,
    ue: UeAddr<Ipv4Addr>,
) -> SessionEstablishmentRequest {
    for p in &mut req.create_pdrs {
        p.pdi.ue_ip_address.as_mut().expect("UE IP").ipv4 = Some(ue);
    }
    req
}

/// An SDF filter list of one flow description, or none.
fn sdf(flow: Option<&str>) -> Vec<SdfFilter> {
    flow.map(|f| {
        vec![SdfFilter {
            flow_description: Some(f.into()),
            ..Default::default()
        }]
    })
    .unwrap_or_default()
}

/// Uplink PDR from the access side: CH F-TEID (CHOOSE ID 1), UE address [`UE`], QFI 9,
/// the SDF filter `flow` if any, outer GTP-U/UDP/IPv4 header removed, FAR 1, URR 1,
/// QER 1.
pub fn ul_pdr(id: u16, precedence: u32, flow: Option<&str>) -> CreatePdr {
    CreatePdr {
        pdr_id: id,
        precedence,
        pdi: Pdi {
            source_interface: Interface::Access,
            local_fteid: Some(Fteid::Choose {
                ipv4: true,
                ipv6: false,
                choose_id: Some(1),
            }),
            network_instance: Some(NetworkInstance::dnn("internet")),
            ue_ip_address: Some(UeIpAddress {
                ipv4: Some(UeAddr::Address(UE)),
                ..Default::default()
            }),
            sdf_filters: sdf(flow).into(),
            qfis: [9].into(),
        },
        outer_header_removal: Some(OuterHeaderRemoval {
            description: OuterHeaderRemoval::GTPU_UDP_IPV4,
            extension_header_deletion: None,
        }),
        far_id: Some(1),
        urr_ids: [1].into(),
        qer_ids: [1].into(),
    }
}

/// Downlink PDR from the core side: destination UE address [`UE`], the SDF filter
/// `flow` if any, FAR 2, URR 1, QER 1.
pub fn dl_pdr(id: u16, precedence: u32, flow: Option<&str>) -> CreatePdr {
    CreatePdr {
        pdr_id: id,
        precedence,
        pdi: Pdi {
            source_interface: Interface::Core,
            local_fteid: None,
            network_instance: Some(NetworkInstance::dnn("internet")),
            ue_ip_address: Some(UeIpAddress {
                ipv4: Some(UeAddr::Address(UE)),
                destination: true,
                ..Default::default()
            }),
            sdf_filters: sdf(flow).into(),
            qfis: Default::default(),
        },
        outer_header_removal: None,
        far_id: Some(2),
        urr_ids: [1].into(),
        qer_ids: [1].into(),
    }
}

/// Uplink FAR: forward to the core (N6), or re-encapsulated towards an N9 peer
/// `(TEID, address)`.
pub fn ul_far(id: u32, n9: Option<(u32, Ipv4Addr)>) -> CreateFar {
    CreateFar {
        far_id: id,
        apply_action: ApplyAction::FORW,
        forwarding_parameters: Some(ForwardingParameters {
            destination_interface: Interface::Core,
            network_instance: None,
            outer_header_creation: n9.map(|(t, a)| OuterHeaderCreation::gtpu_ipv4(t, a)),
            transport_level_marking: None,
        }),
        bar_id: None,
    }
}

/// Downlink FAR with `action`, towards the gNB's tunnel ([`GNB`], [`GNB_TEID`]).
pub fn dl_far(id: u32, action: ApplyAction) -> CreateFar {
    CreateFar {
        far_id: id,
        apply_action: action,
        forwarding_parameters: Some(ForwardingParameters {
            destination_interface: Interface::Access,
            network_instance: None,
            outer_header_creation: Some(OuterHeaderCreation::gtpu_ipv4(GNB_TEID, GNB)),
            transport_level_marking: None,
        }),
        bar_id: None,
    }
}

/// A FAR that drops.
pub fn drop_far(id: u32) -> CreateFar {
    CreateFar {
        far_id: id,
        apply_action: ApplyAction::DROP,
        forwarding_parameters: None,
        bar_id: None,
    }
}

/// A QER with both gates open, QFI `qfi`, no bit rates.
pub fn qer(id: u32, qfi: u8) -> CreateQer {
    CreateQer {
        qer_id: id,
        qer_correlation_id: None,
        gate_status: GateStatus::default(),
        mbr: None,
        gbr: None,
        qfi: Some(qfi),
    }
}

/// A Create URR measuring volume and / or duration with Reporting Triggers `triggers`,
/// and nothing else (no threshold, quota or period).
pub fn urr(id: u32, volume: bool, duration: bool, triggers: u32) -> CreateUrr {
    CreateUrr {
        urr_id: id,
        measurement_method: MeasurementMethod {
            duration,
            volume,
            event: false,
        },
        reporting_triggers: ReportingTriggers(triggers),
        measurement_period: None,
        volume_threshold: None,
        volume_quota: None,
        time_threshold: None,
        time_quota: None,
        quota_holding_time: None,
        measurement_information: None,
    }
}

/// A Volume Threshold or Quota of `octets` in total (no uplink or downlink part).
pub fn total_volume(octets: u64) -> Volume {
    Volume {
        total: Some(octets),
        ..Default::default()
    }
}

/// An Update URR that changes nothing yet.
pub fn update_urr(id: u32) -> UpdateUrr {
    UpdateUrr {
        urr_id: id,
        measurement_method: None,
        reporting_triggers: None,
        measurement_period: None,
        volume_threshold: None,
        volume_quota: None,
        time_threshold: None,
        time_quota: None,
        quota_holding_time: None,
        measurement_information: None,
    }
}

/// An Update FAR (TS 29.244 §7.5.4.3) sending FAR `id`'s packets down the tunnel `teid`
/// at `addr` (Outer Header Creation GTP-U/UDP/IPv4); the Apply Action left as it is.
pub fn update_far_tunnel(id: u32, teid: u32, addr: Ipv4Addr) -> UpdateFar {
    UpdateFar {
        far_id: id,
        apply_action: None,
        update_forwarding_parameters: Some(Box::new(UpdateForwardingParameters {
            destination_interface: None,
            network_instance: None,
            outer_header_creation: Some(OuterHeaderCreation::gtpu_ipv4(teid, addr)),
            transport_level_marking: None,
            smreq_flags: None,
        })),
        bar_id: None,
    }
}

/// A Session Modification Request (TS 29.244 §7.5.4) that changes nothing yet.
pub fn empty_modification() -> SessionModificationRequest {
    SessionModificationRequest {
        cp_fseid: None,
        remove_pdrs: vec![],
        remove_fars: vec![],
        remove_urrs: vec![],
        remove_qers: vec![],
        remove_bar: None,
        create_pdrs: vec![],
        create_fars: vec![],
        create_urrs: vec![],
        create_qers: vec![],
        create_bar: None,
        update_pdrs: vec![],
        update_fars: vec![],
        update_urrs: vec![],
        update_qers: vec![],
        update_bar: None,
        smreq_flags: None,
        query_urrs: vec![],
    }
}

/// The SMF's Session Report Response (TS 29.244 §7.5.9) to the request with sequence
/// number `seq`: Request Accepted, the UP SEID in the header.
pub fn report_accepted(up_seid: u64, seq: u32) -> Message {
    Message::session(
        up_seid,
        seq,
        SessionReportResponse {
            cause: ferrocore_pfcp::Cause::REQUEST_ACCEPTED,
            offending_ie: None,
            update_bar: None,
            srrsp_flags: None,
        },
    )
}

/// The local TEID the UPF chose for PDR `pdr_id` (Created PDR, TS 29.244 §7.5.3.2);
/// panics when there is none.
pub fn created_teid(r: &SessionEstablishmentResponse, pdr_id: u16) -> u32 {
    r.created_pdrs
        .iter()
        .find(|c| c.pdr_id == pdr_id)
        .and_then(|c| match c.local_fteid {
            Some(Fteid::Assigned { teid, .. }) => Some(teid),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no F-TEID created for PDR {pdr_id}: {r:?}"))
}

/// The UE IPv4 address the UPF chose (CHV4) for a PDR, if it chose one.
pub fn created_ue(r: &SessionEstablishmentResponse) -> Option<Ipv4Addr> {
    r.created_pdrs.iter().find_map(|c| {
        c.ue_ip_address.as_ref().and_then(|u| match u.ipv4 {
            Some(UeAddr::Address(a)) => Some(a),
            _ => None,
        })
    })
}
