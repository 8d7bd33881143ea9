//! proptest strategies producing canonical values (ones that encode and decode back equal).

use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Cause, Message};
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;
use std::net::{Ipv4Addr, Ipv6Addr};

pub fn ipv4() -> impl Strategy<Value = Ipv4Addr> {
    any::<[u8; 4]>().prop_map(Ipv4Addr::from)
}

pub fn ipv6() -> impl Strategy<Value = Ipv6Addr> {
    any::<[u8; 16]>().prop_map(Ipv6Addr::from)
}

pub fn node_id() -> impl Strategy<Value = NodeId> {
    prop_oneof![
        ipv4().prop_map(NodeId::Ipv4),
        ipv6().prop_map(NodeId::Ipv6),
        "[a-z0-9-]{1,12}(\\.[a-z0-9-]{1,12}){0,3}".prop_map(NodeId::Fqdn),
    ]
}

pub fn fseid() -> impl Strategy<Value = Fseid> {
    (any::<u64>(), of(ipv4()), of(ipv6())).prop_map(|(seid, ipv4, ipv6)| Fseid { seid, ipv4, ipv6 })
}

pub fn fteid() -> impl Strategy<Value = Fteid> {
    prop_oneof![
        (any::<u32>(), of(ipv4()), of(ipv6())).prop_map(|(teid, ipv4, ipv6)| Fteid::Assigned {
            teid,
            ipv4,
            ipv6
        }),
        (any::<bool>(), any::<bool>(), of(any::<u8>())).prop_map(|(ipv4, ipv6, choose_id)| {
            Fteid::Choose {
                ipv4,
                ipv6,
                choose_id,
            }
        }),
    ]
}

pub fn ue_ip() -> impl Strategy<Value = UeIpAddress> {
    let v4 = of(prop_oneof![
        Just(UeAddr::Choose),
        ipv4().prop_map(UeAddr::Address)
    ]);
    let v6 = of(prop_oneof![
        Just(UeAddr::Choose),
        ipv6().prop_map(UeAddr::Address)
    ]);
    (v4, v6, any::<bool>(), of(any::<u8>()), of(any::<u8>())).prop_map(
        |(ipv4, ipv6, destination, d, l)| UeIpAddress {
            ipv4,
            ipv6,
            destination,
            ipv6_prefix_delegation_bits: d,
            ipv6_prefix_length: l,
        },
    )
}

pub fn interface() -> impl Strategy<Value = Interface> {
    prop_oneof![
        Just(Interface::Access),
        Just(Interface::Core),
        Just(Interface::SgiLanN6Lan),
        Just(Interface::CpFunction),
        Just(Interface::VnInternal),
        (5u8..16).prop_map(Interface::Other),
    ]
}

pub fn network_instance() -> impl Strategy<Value = NetworkInstance> {
    vec(any::<u8>(), 0..40).prop_map(|v| NetworkInstance::from_bytes(&v))
}

pub fn sdf_filter() -> impl Strategy<Value = SdfFilter> {
    (
        of("[ -~]{0,40}"),
        of(any::<u16>()),
        of(any::<u32>()),
        of(0u32..1 << 24),
        of(any::<u32>()),
    )
        .prop_map(
            |(
                flow_description,
                tos_traffic_class,
                security_parameter_index,
                flow_label,
                filter_id,
            )| SdfFilter {
                flow_description: flow_description.map(Into::into),
                tos_traffic_class,
                security_parameter_index,
                flow_label,
                filter_id,
            },
        )
}

pub fn pdi() -> impl Strategy<Value = Pdi> {
    (
        interface(),
        of(fteid()),
        of(network_instance()),
        of(ue_ip()),
        vec(sdf_filter(), 0..3),
        vec(0u8..64, 0..2),
    )
        .prop_map(
            |(
                source_interface,
                local_fteid,
                network_instance,
                ue_ip_address,
                sdf_filters,
                qfis,
            )| Pdi {
                source_interface,
                local_fteid,
                network_instance,
                ue_ip_address,
                sdf_filters: sdf_filters.into(),
                qfis: qfis.into(),
            },
        )
}

pub fn ohr() -> impl Strategy<Value = OuterHeaderRemoval> {
    (0u8..9, of(any::<u8>())).prop_map(|(description, extension_header_deletion)| {
        OuterHeaderRemoval {
            description,
            extension_header_deletion,
        }
    })
}

pub fn ohc() -> impl Strategy<Value = OuterHeaderCreation> {
    let g4 = (any::<u32>(), ipv4()).prop_map(|(t, a)| OuterHeaderCreation::gtpu_ipv4(t, a));
    let g6 = (any::<u32>(), ipv6()).prop_map(|(t, a)| OuterHeaderCreation {
        description: OuterHeaderCreation::GTPU_UDP_IPV6,
        teid: Some(t),
        ipv6: Some(a),
        ..Default::default()
    });
    let udp4 =
        (ipv4(), any::<u16>(), of(any::<[u8; 3]>())).prop_map(|(a, p, c)| OuterHeaderCreation {
            description: OuterHeaderCreation::UDP_IPV4
                | if c.is_some() {
                    OuterHeaderCreation::C_TAG
                } else {
                    0
                },
            ipv4: Some(a),
            port: Some(p),
            c_tag: c,
            ..Default::default()
        });
    prop_oneof![g4, g6, udp4]
}

pub fn create_pdr() -> impl Strategy<Value = CreatePdr> {
    (
        any::<u16>(),
        any::<u32>(),
        pdi(),
        of(ohr()),
        of(any::<u32>()),
        vec(any::<u32>(), 0..7),
        vec(any::<u32>(), 0..3),
    )
        .prop_map(
            |(pdr_id, precedence, pdi, outer_header_removal, far_id, urr_ids, qer_ids)| CreatePdr {
                pdr_id,
                precedence,
                pdi,
                outer_header_removal,
                far_id,
                urr_ids: urr_ids.into(),
                qer_ids: qer_ids.into(),
            },
        )
}

pub fn update_pdr() -> impl Strategy<Value = UpdatePdr> {
    (
        any::<u16>(),
        of(ohr()),
        of(any::<u32>()),
        of(pdi()),
        of(any::<u32>()),
        vec(any::<u32>(), 0..3),
    )
        .prop_map(
            |(pdr_id, outer_header_removal, precedence, pdi, far_id, urr_ids)| UpdatePdr {
                pdr_id,
                outer_header_removal,
                precedence,
                pdi: pdi.map(Box::new),
                far_id,
                urr_ids: urr_ids.into(),
                qer_ids: Default::default(),
            },
        )
}

pub fn apply_action() -> impl Strategy<Value = ApplyAction> {
    any::<u16>().prop_map(ApplyAction)
}

pub fn forwarding() -> impl Strategy<Value = ForwardingParameters> {
    (
        interface(),
        of(network_instance()),
        of(ohc()),
        of(any::<u16>()),
    )
        .prop_map(|(d, n, o, t)| ForwardingParameters {
            destination_interface: d,
            network_instance: n,
            outer_header_creation: o,
            transport_level_marking: t,
        })
}

pub fn create_far() -> impl Strategy<Value = CreateFar> {
    (
        any::<u32>(),
        apply_action(),
        of(forwarding()),
        of(any::<u8>()),
    )
        .prop_map(|(far_id, apply_action, f, bar_id)| CreateFar {
            far_id,
            apply_action,
            forwarding_parameters: f,
            bar_id,
        })
}

pub fn update_far() -> impl Strategy<Value = UpdateFar> {
    let ufp = (
        of(interface()),
        of(network_instance()),
        of(ohc()),
        of(any::<u16>()),
        of(any::<u8>()),
    )
        .prop_map(|(d, n, o, t, f)| UpdateForwardingParameters {
            destination_interface: d,
            network_instance: n,
            outer_header_creation: o,
            transport_level_marking: t,
            smreq_flags: f,
        });
    (any::<u32>(), of(apply_action()), of(ufp), of(any::<u8>())).prop_map(
        |(far_id, a, u, bar_id)| UpdateFar {
            far_id,
            apply_action: a,
            update_forwarding_parameters: u.map(Box::new),
            bar_id,
        },
    )
}

pub fn gate_status() -> impl Strategy<Value = GateStatus> {
    let gate = || prop_oneof![Just(Gate::Open), Just(Gate::Closed)];
    (gate(), gate()).prop_map(|(uplink, downlink)| GateStatus { uplink, downlink })
}

pub fn bitrate() -> impl Strategy<Value = Bitrate> {
    (0..=MAX_BITRATE, 0..=MAX_BITRATE).prop_map(|(uplink, downlink)| Bitrate { uplink, downlink })
}

pub fn create_qer() -> impl Strategy<Value = CreateQer> {
    (
        any::<u32>(),
        of(any::<u32>()),
        gate_status(),
        of(bitrate()),
        of(bitrate()),
        of(0u8..64),
    )
        .prop_map(|(qer_id, c, gate_status, mbr, gbr, qfi)| CreateQer {
            qer_id,
            qer_correlation_id: c,
            gate_status,
            mbr,
            gbr,
            qfi,
        })
}

pub fn update_qer() -> impl Strategy<Value = UpdateQer> {
    (any::<u32>(), of(gate_status()), of(bitrate()), of(0u8..64)).prop_map(
        |(qer_id, g, mbr, qfi)| UpdateQer {
            qer_id,
            qer_correlation_id: None,
            gate_status: g,
            mbr,
            gbr: None,
            qfi,
        },
    )
}

pub fn volume() -> impl Strategy<Value = Volume> {
    (of(any::<u64>()), of(any::<u64>()), of(any::<u64>())).prop_map(|(total, uplink, downlink)| {
        Volume {
            total,
            uplink,
            downlink,
        }
    })
}

pub fn method() -> impl Strategy<Value = MeasurementMethod> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(duration, volume, event)| {
        MeasurementMethod {
            duration,
            volume,
            event,
        }
    })
}

pub fn create_urr() -> impl Strategy<Value = CreateUrr> {
    (
        any::<u32>(),
        method(),
        (0u32..1 << 24).prop_map(ReportingTriggers),
        of(any::<u32>()),
        of(volume()),
        of(volume()),
        (
            of(any::<u32>()),
            of(any::<u32>()),
            of(any::<u32>()),
            of(any::<u8>()),
        ),
    )
        .prop_map(|(urr_id, m, r, p, vt, vq, (tt, tq, qht, mi))| CreateUrr {
            urr_id,
            measurement_method: m,
            reporting_triggers: r,
            measurement_period: p,
            volume_threshold: vt,
            volume_quota: vq,
            time_threshold: tt,
            time_quota: tq,
            quota_holding_time: qht,
            measurement_information: mi,
        })
}

pub fn update_urr() -> impl Strategy<Value = UpdateUrr> {
    (any::<u32>(), of(method()), of(volume()), of(any::<u32>())).prop_map(|(urr_id, m, vq, tq)| {
        UpdateUrr {
            urr_id,
            measurement_method: m,
            reporting_triggers: None,
            measurement_period: None,
            volume_threshold: None,
            volume_quota: vq,
            time_threshold: None,
            time_quota: tq,
            quota_holding_time: None,
            measurement_information: None,
        }
    })
}

pub fn bar() -> impl Strategy<Value = Bar> {
    (any::<u8>(), of(any::<u8>()), of(any::<u8>())).prop_map(|(bar_id, d, s)| Bar {
        bar_id,
        dl_data_notification_delay: d,
        suggested_buffering_packets_count: s,
    })
}

pub fn establishment() -> impl Strategy<Value = SessionEstablishmentRequest> {
    (
        node_id(),
        fseid(),
        vec(create_pdr(), 1..4),
        vec(create_far(), 1..4),
        vec(create_urr(), 0..3),
        vec(create_qer(), 0..3),
        of(bar()),
        of(0u8..8),
    )
        .prop_map(
            |(node_id, cp_fseid, pdrs, fars, urrs, qers, bar, pdn_type)| {
                SessionEstablishmentRequest {
                    node_id,
                    cp_fseid,
                    create_pdrs: pdrs,
                    create_fars: fars,
                    create_urrs: urrs,
                    create_qers: qers,
                    create_bar: bar,
                    pdn_type,
                }
            },
        )
}

pub fn modification() -> impl Strategy<Value = SessionModificationRequest> {
    let removes = (
        vec(any::<u16>().prop_map(|pdr_id| RemovePdr { pdr_id }), 0..3),
        vec(any::<u32>().prop_map(|far_id| RemoveFar { far_id }), 0..3),
        vec(any::<u32>().prop_map(|urr_id| RemoveUrr { urr_id }), 0..2),
        vec(any::<u32>().prop_map(|qer_id| RemoveQer { qer_id }), 0..2),
        of(any::<u8>().prop_map(|bar_id| RemoveBar { bar_id })),
    );
    let creates = (
        vec(create_pdr(), 0..2),
        vec(create_far(), 0..2),
        vec(create_urr(), 0..2),
        vec(create_qer(), 0..2),
        of(bar()),
    );
    let updates = (
        vec(update_pdr(), 0..2),
        vec(update_far(), 0..2),
        vec(update_urr(), 0..2),
        vec(update_qer(), 0..2),
        of(bar()),
    );
    let rest = (
        of(fseid()),
        of(any::<u8>()),
        vec(any::<u32>().prop_map(|urr_id| QueryUrr { urr_id }), 0..2),
    );
    (removes, creates, updates, rest).prop_map(|(r, c, u, (cp_fseid, smreq_flags, query_urrs))| {
        SessionModificationRequest {
            cp_fseid,
            remove_pdrs: r.0,
            remove_fars: r.1,
            remove_urrs: r.2,
            remove_qers: r.3,
            remove_bar: r.4,
            create_pdrs: c.0,
            create_fars: c.1,
            create_urrs: c.2,
            create_qers: c.3,
            create_bar: c.4,
            update_pdrs: u.0,
            update_fars: u.1,
            update_urrs: u.2,
            update_qers: u.3,
            update_bar: u.4,
            smreq_flags,
            query_urrs,
        }
    })
}

pub fn features() -> impl Strategy<Value = Features> {
    vec(any::<u8>(), 0..8).prop_map(Features)
}

pub fn usage_report() -> impl Strategy<Value = UsageReport> {
    (
        any::<u32>(),
        any::<u32>(),
        (0u32..1 << 24).prop_map(UsageReportTrigger),
        of(any::<u32>()),
        of(any::<u32>()),
        of((
            of(any::<u64>()),
            of(any::<u64>()),
            of(any::<u64>()),
            of(any::<u64>()),
        )),
        of(any::<u32>()),
    )
        .prop_map(
            |(urr_id, ur_seqn, trigger, start_time, end_time, vm, duration)| UsageReport {
                urr_id,
                ur_seqn,
                trigger,
                start_time,
                end_time,
                volume_measurement: vm.map(|(t, u, d, p)| VolumeMeasurement {
                    total: t,
                    uplink: u,
                    downlink: d,
                    total_packets: p,
                    ..Default::default()
                }),
                duration_measurement: duration,
                time_of_first_packet: None,
                time_of_last_packet: start_time,
            },
        )
}

/// A header: 24-bit sequence number, optional priority, SEID as the body requires.
fn message(body: impl Strategy<Value = Body>) -> impl Strategy<Value = Message> {
    (body, any::<u64>(), 0u32..1 << 24, of(0u8..16)).prop_map(|(body, seid, sequence, priority)| {
        Message {
            header: Header {
                seid: body.is_session().then_some(seid),
                sequence,
                priority,
            },
            body,
        }
    })
}

pub fn any_message() -> impl Strategy<Value = Message> {
    let bodies = prop_oneof![
        any::<u32>().prop_map(|t| Body::from(HeartbeatRequest {
            recovery_time_stamp: t
        })),
        any::<u32>().prop_map(|t| Body::from(HeartbeatResponse {
            recovery_time_stamp: t
        })),
        Just(Body::from(VersionNotSupportedResponse {})),
        (node_id(), any::<u32>(), of(features()), of(features())).prop_map(|(n, t, u, c)| {
            Body::from(AssociationSetupRequest {
                node_id: n,
                recovery_time_stamp: t,
                up_function_features: u,
                cp_function_features: c,
            })
        }),
        (node_id(), any::<u8>(), any::<u32>(), of(features())).prop_map(|(n, c, t, u)| Body::from(
            AssociationSetupResponse {
                node_id: n,
                cause: Cause(c),
                recovery_time_stamp: t,
                up_function_features: u,
                cp_function_features: None,
            }
        )),
        establishment().prop_map(Body::from),
        modification().prop_map(Body::from),
        (any::<u8>(), vec(usage_report(), 0..3)).prop_map(|(c, usage_reports)| Body::from(
            SessionDeletionResponse {
                cause: Cause(c),
                offending_ie: None,
                usage_reports,
            }
        )),
        (
            any::<u8>(),
            vec(usage_report(), 0..3),
            of(vec(fteid(), 1..3))
        )
            .prop_map(|(t, usage_reports, eir)| Body::from(SessionReportRequest {
                report_type: t,
                downlink_data_report: None,
                usage_reports,
                error_indication_report: eir
                    .map(|remote_fteids| ErrorIndicationReport { remote_fteids }),
            })),
    ];
    message(bodies)
}
