//! The N4 rules of one PDU session (TS 29.244 §5.2, TS 23.501 §5.8.2.11):
//!
//! | rule | what |
//! |---|---|
//! | PDR 1 (uplink) | from Access, local F-TEID chosen by the UPF (CH), UE address as source, QFI 1; GTP-U removed; FAR 1, QER 1, URR 1 |
//! | PDR 2 (downlink) | from Core, UE address as destination; FAR 2, QER 1, URR 1 |
//! | FAR 1 | forward to Core (N6) in the DNN's network instance |
//! | FAR 2 | buffer until the gNB's F-TEID is known, then forward to Access with GTP-U outer header creation; buffer + notify the CP while the UE is idle |
//! | QER 1 | gates open, MBR = Session-AMBR, QFI 1 |
//! | URR 1 | volume measurement, reports at the volume threshold (and periodically if configured) |
//! | BAR 1 | the buffering of FAR 2 |
//!
//! Non-default QoS flows and rules add their own QERs and PDRs: see [`qos`].

use std::net::IpAddr;

use ferrocore_ngap::GtpTunnel;
use ferrocore_pfcp::ie::{
    ApplyAction, Bar, Bitrate, CreateFar, CreatePdr, CreateQer, CreateUrr, ForwardingParameters,
    Fseid, Fteid, Gate, GateStatus, Interface, MAX_BITRATE, MeasurementMethod, NetworkInstance,
    NodeId, OuterHeaderCreation, OuterHeaderRemoval, Pdi, ReportingTriggers, UeAddr, UeIpAddress,
    UpdateFar, UpdateForwardingParameters, Volume,
};
use ferrocore_pfcp::message::{SessionEstablishmentRequest, SessionModificationRequest};

use crate::context::SmContext;
use crate::qos::DEFAULT_QFI;

pub(crate) mod qos;

pub(crate) const PDR_UL: u16 = 1;
pub(crate) const PDR_DL: u16 = 2;
pub(crate) const FAR_UL: u32 = 1;
pub(crate) const FAR_DL: u32 = 2;
pub(crate) const QER_SESSION: u32 = 1;
pub(crate) const URR_SESSION: u32 = 1;
pub(crate) const BAR_DL: u8 = 1;

/// Report Type flags (TS 29.244 §8.2.21).
pub(crate) const REPORT_DLDR: u8 = 0x01;
pub(crate) const REPORT_USAR: u8 = 0x02;
pub(crate) const REPORT_ERIR: u8 = 0x04;

/// What the SMF's N4 node says about itself.
pub(crate) struct Local {
    pub node_id: NodeId,
    pub addr: IpAddr,
}

impl Local {
    pub fn fseid(&self, seid: u64) -> Fseid {
        let (ipv4, ipv6) = match self.addr {
            IpAddr::V4(a) => (Some(a), None),
            IpAddr::V6(a) => (None, Some(a)),
        };
        Fseid { seid, ipv4, ipv6 }
    }
}

fn ue_ip(ctx: &SmContext, destination: bool) -> UeIpAddress {
    UeIpAddress {
        ipv4: ctx.ipv4.map(UeAddr::Address),
        ipv6: ctx.ipv6_prefix.map(UeAddr::Address),
        destination,
        ipv6_prefix_delegation_bits: None,
        ipv6_prefix_length: ctx.ipv6_prefix.map(|_| 64),
    }
}

fn kbps(bps: u64) -> u64 {
    bps.div_ceil(1000).min(MAX_BITRATE)
}

/// PFCP Session Establishment Request (TS 29.244 §7.5.2) for a new session.
pub(crate) fn establishment(
    local: &Local,
    ctx: &SmContext,
    usage_volume_threshold: u64,
    usage_period_secs: u32,
) -> SessionEstablishmentRequest {
    let instance = NetworkInstance::dnn(&ctx.dnn);
    let ul = CreatePdr {
        pdr_id: PDR_UL,
        precedence: 255,
        pdi: Pdi {
            source_interface: Interface::Access,
            local_fteid: Some(Fteid::Choose {
                ipv4: true,
                ipv6: false,
                choose_id: None,
            }),
            network_instance: Some(instance.clone()),
            ue_ip_address: Some(ue_ip(ctx, false)),
            sdf_filters: Default::default(),
            qfis: [DEFAULT_QFI].into(),
        },
        outer_header_removal: Some(OuterHeaderRemoval {
            description: OuterHeaderRemoval::GTPU_UDP_IP,
            extension_header_deletion: None,
        }),
        far_id: Some(FAR_UL),
        urr_ids: [URR_SESSION].into(),
        qer_ids: [QER_SESSION].into(),
    };
    let dl = CreatePdr {
        pdr_id: PDR_DL,
        precedence: 255,
        pdi: Pdi {
            source_interface: Interface::Core,
            local_fteid: None,
            network_instance: Some(instance.clone()),
            ue_ip_address: Some(ue_ip(ctx, true)),
            sdf_filters: Default::default(),
            qfis: Default::default(),
        },
        outer_header_removal: None,
        far_id: Some(FAR_DL),
        urr_ids: [URR_SESSION].into(),
        qer_ids: [QER_SESSION].into(),
    };
    let far_ul = CreateFar {
        far_id: FAR_UL,
        apply_action: ApplyAction::FORW,
        forwarding_parameters: Some(ForwardingParameters {
            destination_interface: Interface::Core,
            network_instance: Some(instance),
            outer_header_creation: None,
            transport_level_marking: None,
        }),
        bar_id: None,
    };
    let far_dl = CreateFar {
        far_id: FAR_DL,
        apply_action: ApplyAction::BUFF,
        forwarding_parameters: None,
        bar_id: Some(BAR_DL),
    };
    let qer = CreateQer {
        qer_id: QER_SESSION,
        qer_correlation_id: None,
        gate_status: GateStatus {
            uplink: Gate::Open,
            downlink: Gate::Open,
        },
        mbr: Some(Bitrate {
            uplink: kbps(ctx.qos.ambr_ul),
            downlink: kbps(ctx.qos.ambr_dl),
        }),
        gbr: None,
        qfi: Some(DEFAULT_QFI),
    };
    let mut triggers = 0;
    if usage_volume_threshold > 0 {
        triggers |= ReportingTriggers::VOLTH;
    }
    if usage_period_secs > 0 {
        triggers |= ReportingTriggers::PERIO;
    }
    let urr = CreateUrr {
        urr_id: URR_SESSION,
        measurement_method: MeasurementMethod {
            duration: false,
            volume: true,
            event: false,
        },
        reporting_triggers: ReportingTriggers(triggers),
        measurement_period: (usage_period_secs > 0).then_some(usage_period_secs),
        volume_threshold: (usage_volume_threshold > 0).then_some(Volume {
            total: Some(usage_volume_threshold),
            uplink: None,
            downlink: None,
        }),
        volume_quota: None,
        time_threshold: None,
        time_quota: None,
        quota_holding_time: None,
        measurement_information: None,
    };
    SessionEstablishmentRequest {
        node_id: local.node_id.clone(),
        cp_fseid: local.fseid(ctx.key),
        create_pdrs: vec![ul, dl],
        create_fars: vec![far_ul, far_dl],
        create_urrs: vec![urr],
        create_qers: vec![qer],
        create_bar: Some(Bar {
            bar_id: BAR_DL,
            dl_data_notification_delay: None,
            suggested_buffering_packets_count: None,
        }),
        pdn_type: ctx.pdu_type.map(|t| t.pdn_type()),
    }
}

fn outer_header(an: &GtpTunnel) -> OuterHeaderCreation {
    match an.addr {
        IpAddr::V4(a) => OuterHeaderCreation::gtpu_ipv4(an.teid, a),
        IpAddr::V6(a) => OuterHeaderCreation {
            description: OuterHeaderCreation::GTPU_UDP_IPV6,
            teid: Some(an.teid),
            ipv4: None,
            ipv6: Some(a),
            port: None,
            c_tag: None,
            s_tag: None,
        },
    }
}

fn empty_modification() -> SessionModificationRequest {
    SessionModificationRequest {
        cp_fseid: None,
        remove_pdrs: Default::default(),
        remove_fars: Default::default(),
        remove_urrs: Default::default(),
        remove_qers: Default::default(),
        remove_bar: None,
        create_pdrs: Default::default(),
        create_fars: Default::default(),
        create_urrs: Default::default(),
        create_qers: Default::default(),
        create_bar: None,
        update_pdrs: Default::default(),
        update_fars: Default::default(),
        update_urrs: Default::default(),
        update_qers: Default::default(),
        update_bar: None,
        smreq_flags: None,
        query_urrs: Default::default(),
    }
}

/// PFCP Session Modification Request (TS 29.244 §7.5.4): the downlink FAR forwards to
/// the gNB's tunnel (TS 23.502 §4.3.2.2.1 step 16a, §4.2.3.2 step 17).
pub(crate) fn activate(an: &GtpTunnel) -> SessionModificationRequest {
    let mut m = empty_modification();
    m.update_fars = vec![UpdateFar {
        far_id: FAR_DL,
        apply_action: Some(ApplyAction::FORW),
        update_forwarding_parameters: Some(Box::new(UpdateForwardingParameters {
            destination_interface: Some(Interface::Access),
            network_instance: None,
            outer_header_creation: Some(outer_header(an)),
            transport_level_marking: None,
            smreq_flags: None,
        })),
        bar_id: None,
    }];
    m
}

/// PFCP Session Modification Request: the downlink FAR buffers and notifies the CP
/// function of the first packet (TS 23.502 §4.2.6 step 6b, TS 29.244 §5.2.4).
pub(crate) fn deactivate() -> SessionModificationRequest {
    let mut m = empty_modification();
    m.update_fars = vec![UpdateFar {
        far_id: FAR_DL,
        apply_action: Some(ApplyAction(ApplyAction::BUFF.0 | ApplyAction::NOCP.0)),
        update_forwarding_parameters: None,
        bar_id: Some(BAR_DL),
    }];
    m
}
