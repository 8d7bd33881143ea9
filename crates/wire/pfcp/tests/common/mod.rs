//! Realistic sample messages, one per message type, shared by tests and benches.
#![allow(dead_code)]

pub mod arb;
pub mod hostile;
pub mod requests;

use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Cause, IeType, Message};
use std::net::{Ipv4Addr, Ipv6Addr};

pub use requests::GNB;
pub const SMF: Ipv4Addr = requests::SMF_IP;
pub const UPF: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
pub const CP_SEID: u64 = 0x0000_0001_0000_0001;
pub const UP_SEID: u64 = 0x0000_0002_0000_00aa;
pub const RECOVERY: u32 = requests::SMF_RTS;

pub fn usage_report(urr_id: u32) -> UsageReport {
    UsageReport {
        urr_id,
        ur_seqn: 3,
        trigger: UsageReportTrigger(UsageReportTrigger::VOLTH),
        start_time: Some(RECOVERY + 10),
        end_time: Some(RECOVERY + 70),
        volume_measurement: Some(VolumeMeasurement {
            total: Some(3_000_000),
            uplink: Some(1_000_000),
            downlink: Some(2_000_000),
            ..Default::default()
        }),
        duration_measurement: Some(60),
        time_of_first_packet: Some(RECOVERY + 11),
        time_of_last_packet: Some(RECOVERY + 69),
    }
}

/// Uplink PDR 1 (N3, UPF chooses the F-TEID) and downlink PDR 2 (N6, UE address): the
/// shared session of [`requests::establishment`], with more IEs filled in.
pub fn establishment() -> SessionEstablishmentRequest {
    let mut e = requests::establishment(CP_SEID);
    let ul = &mut e.create_pdrs[0];
    ul.pdi.local_fteid = Some(Fteid::Choose {
        ipv4: true,
        ipv6: false,
        choose_id: Some(5),
    });
    ul.pdi.network_instance = Some(NetworkInstance::new("internet"));
    ul.outer_header_removal = Some(OuterHeaderRemoval {
        description: OuterHeaderRemoval::GTPU_UDP_IPV4,
        extension_header_deletion: Some(1),
    });
    e.create_pdrs[1] = requests::dl_pdr(2, 255, Some("permit out ip from any to assigned"));
    e.create_fars[0]
        .forwarding_parameters
        .as_mut()
        .expect("FAR 1 forwards")
        .network_instance = Some(NetworkInstance::new("internet"));
    e.create_urrs = vec![CreateUrr {
        volume_threshold: Some(requests::total_volume(10_000_000)),
        time_threshold: Some(3600),
        ..requests::urr(
            1,
            true,
            true,
            ReportingTriggers::VOLTH | ReportingTriggers::TIMTH,
        )
    }];
    e.create_qers[0].mbr = Some(Bitrate {
        uplink: 100_000,
        downlink: 200_000,
    });
    e
}

pub fn modification() -> SessionModificationRequest {
    SessionModificationRequest {
        cp_fseid: None,
        remove_pdrs: vec![RemovePdr { pdr_id: 3 }],
        remove_fars: vec![RemoveFar { far_id: 3 }],
        remove_urrs: vec![],
        remove_qers: vec![RemoveQer { qer_id: 2 }],
        remove_bar: None,
        create_pdrs: vec![],
        create_fars: vec![],
        create_urrs: vec![],
        create_qers: vec![],
        create_bar: Some(Bar {
            bar_id: 1,
            dl_data_notification_delay: Some(2),
            suggested_buffering_packets_count: Some(10),
        }),
        update_pdrs: vec![],
        update_fars: vec![UpdateFar {
            far_id: 2,
            apply_action: Some(ApplyAction::FORW),
            update_forwarding_parameters: Some(Box::new(UpdateForwardingParameters {
                destination_interface: Some(Interface::Access),
                network_instance: None,
                outer_header_creation: Some(OuterHeaderCreation::gtpu_ipv4(0x0000_5678, GNB)),
                transport_level_marking: None,
                smreq_flags: Some(0x02),
            })),
            bar_id: None,
        }],
        update_urrs: vec![UpdateUrr {
            urr_id: 1,
            measurement_method: None,
            reporting_triggers: None,
            measurement_period: None,
            volume_threshold: None,
            volume_quota: Some(Volume {
                total: Some(50_000_000),
                uplink: None,
                downlink: None,
            }),
            time_threshold: None,
            time_quota: Some(7200),
            quota_holding_time: None,
            measurement_information: None,
        }],
        update_qers: vec![UpdateQer {
            qer_id: 1,
            qer_correlation_id: None,
            gate_status: Some(GateStatus {
                uplink: Gate::Open,
                downlink: Gate::Closed,
            }),
            mbr: None,
            gbr: None,
            qfi: None,
        }],
        update_bar: None,
        smreq_flags: None,
        query_urrs: vec![QueryUrr { urr_id: 1 }],
    }
}

/// One message of every type this crate handles, in message-type order.
pub fn all_messages() -> Vec<Message> {
    let node = NodeId::Ipv4(UPF);
    vec![
        Message::node(
            1,
            HeartbeatRequest {
                recovery_time_stamp: RECOVERY,
            },
        ),
        Message::node(
            1,
            HeartbeatResponse {
                recovery_time_stamp: RECOVERY,
            },
        ),
        Message::node(
            2,
            AssociationSetupRequest {
                node_id: NodeId::Ipv4(SMF),
                recovery_time_stamp: RECOVERY,
                up_function_features: None,
                cp_function_features: Some(Features(vec![0x01])),
            },
        ),
        Message::node(
            2,
            AssociationSetupResponse {
                node_id: node.clone(),
                cause: Cause::REQUEST_ACCEPTED,
                recovery_time_stamp: RECOVERY,
                up_function_features: Some(Features(vec![0x10, 0x02])),
                cp_function_features: None,
            },
        ),
        Message::node(
            3,
            AssociationUpdateRequest {
                node_id: NodeId::Fqdn("upf1.ferrocore.test".into()),
                up_function_features: Some(Features(vec![0x10, 0x02])),
                cp_function_features: None,
                release_request: Some(0x01),
                graceful_release_period: Some(0x21),
            },
        ),
        Message::node(
            3,
            AssociationUpdateResponse {
                node_id: NodeId::Ipv4(SMF),
                cause: Cause::REQUEST_ACCEPTED,
                up_function_features: None,
                cp_function_features: None,
            },
        ),
        Message::node(
            4,
            AssociationReleaseRequest {
                node_id: NodeId::Ipv4(SMF),
            },
        ),
        Message::node(
            4,
            AssociationReleaseResponse {
                node_id: node.clone(),
                cause: Cause::REQUEST_ACCEPTED,
            },
        ),
        Message::node(4, VersionNotSupportedResponse {}),
        Message::node(
            5,
            NodeReportRequest {
                node_id: node.clone(),
                node_report_type: 0x01,
                path_failure_report: Some(UserPlanePathFailureReport {
                    remote_peers: vec![RemoteGtpuPeer {
                        ipv4: Some(GNB),
                        ipv6: None,
                        destination_interface: Some(Interface::Access),
                        network_instance: Some(NetworkInstance::new("access")),
                    }],
                }),
            },
        ),
        Message::node(
            5,
            NodeReportResponse {
                node_id: NodeId::Ipv6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
                cause: Cause::REQUEST_ACCEPTED,
                offending_ie: None,
            },
        ),
        Message::session(0, 6, establishment()),
        Message::session(
            CP_SEID,
            6,
            SessionEstablishmentResponse {
                node_id: node.clone(),
                cause: Cause::REQUEST_ACCEPTED,
                offending_ie: None,
                up_fseid: Some(Fseid {
                    seid: UP_SEID,
                    ipv4: Some(UPF),
                    ipv6: None,
                }),
                created_pdrs: vec![CreatedPdr {
                    pdr_id: 1,
                    local_fteid: Some(Fteid::Assigned {
                        teid: 0x0100_0001,
                        ipv4: Some(UPF),
                        ipv6: None,
                    }),
                    ue_ip_address: None,
                }],
            },
        ),
        Message::session(UP_SEID, 7, modification()),
        Message::session(
            CP_SEID,
            7,
            SessionModificationResponse {
                cause: Cause::REQUEST_ACCEPTED,
                offending_ie: None,
                created_pdrs: vec![],
                usage_reports: vec![usage_report(1)],
            },
        ),
        Message::session(UP_SEID, 8, SessionDeletionRequest),
        Message::session(
            CP_SEID,
            8,
            SessionDeletionResponse {
                cause: Cause::REQUEST_ACCEPTED,
                offending_ie: None,
                usage_reports: vec![usage_report(1)],
            },
        ),
        Message::session(
            CP_SEID,
            9,
            SessionReportRequest {
                report_type: 0x03,
                downlink_data_report: Some(DownlinkDataReport {
                    pdr_ids: [2].into(),
                }),
                usage_reports: vec![usage_report(1)],
                error_indication_report: None,
            },
        ),
        Message::session(
            UP_SEID,
            9,
            SessionReportResponse {
                cause: Cause::MANDATORY_IE_MISSING,
                offending_ie: Some(IeType::REPORT_TYPE),
                update_bar: None,
                srrsp_flags: None,
            },
        ),
        // A gNB answered two downlink tunnels with GTP-U Error Indications.
        Message::session(
            CP_SEID,
            10,
            SessionReportRequest {
                report_type: SessionReportRequest::ERIR,
                downlink_data_report: None,
                usage_reports: vec![],
                error_indication_report: Some(ErrorIndicationReport {
                    remote_fteids: vec![
                        Fteid::Assigned {
                            teid: 0x0000_1234,
                            ipv4: Some(GNB),
                            ipv6: None,
                        },
                        Fteid::Assigned {
                            teid: 0x0000_5678,
                            ipv4: None,
                            ipv6: Some(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 9)),
                        },
                    ],
                }),
            },
        ),
    ]
}
