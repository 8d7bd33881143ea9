//! One sample of every typed message, shared by the tshark, pycrate and round-trip tests.
//! Values are made up for these tests (PLMN 208-93 of the 3GPP test range; NAS-PDUs are
//! valid plain 5GMM messages so that Wireshark's nested NAS dissection stays clean).
#![allow(dead_code)]

use ferrocore_ngap::msg::*;
use ferrocore_ngap::transfer::*;
use ferrocore_ngap::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A plain REGISTRATION REQUEST (TS 24.501 §8.2.6), SUCI with null scheme.
pub const REGISTRATION_REQUEST: &str = "7e004179000d0102f8390000000000000010022e08a020000000000000";
/// A plain AUTHENTICATION REQUEST (TS 24.501 §8.2.1): ngKSI 0, ABBA 0000, RAND, AUTN.
pub const AUTHENTICATION_REQUEST: &str =
    "7e0056000200002123553cbe9637a89d218ae64dae47bf35201055f328b43577b9b94a9ffac354dfafb3";
/// A plain REGISTRATION COMPLETE (TS 24.501 §8.2.8).
pub const REGISTRATION_COMPLETE: &str = "7e0043";

/// NR RRC UERadioAccessCapabilityInformation (TS 38.331), `criticalExtensionsFuture`, UPER.
pub const RRC_UE_CAPABILITY: [u8; 1] = [0x80];
/// NR RRC HandoverPreparationInformation / HandoverCommand (TS 38.331),
/// `criticalExtensionsFuture`, UPER.
pub const RRC_HANDOVER: [u8; 1] = [0x80];

pub fn source_to_target() -> Vec<u8> {
    let target = NrCgi {
        plmn: plmn(),
        cell_id: 0x0_5432_1001,
    };
    source_to_target_container(&RRC_HANDOVER, target, location().cgi, 30).unwrap()
}

pub fn target_to_source() -> Vec<u8> {
    target_to_source_container(&RRC_HANDOVER).unwrap()
}

pub fn nas(hex: &str) -> Vec<u8> {
    ferrocore_testkit::hex(hex)
}

pub fn plmn() -> Plmn {
    Plmn([0x02, 0xf8, 0x39]) // 208-93
}

pub fn tai() -> Tai {
    Tai {
        plmn: plmn(),
        tac: [0x00, 0x00, 0x01],
    }
}

pub fn location() -> UserLocation {
    UserLocation {
        cgi: NrCgi {
            plmn: plmn(),
            cell_id: 0x0_1234_5601,
        },
        tai: tai(),
    }
}

pub fn guami() -> Guami {
    Guami {
        plmn: plmn(),
        region_id: 0xca,
        set_id: 0x3f8,
        pointer: 0x01,
    }
}

pub fn snssai() -> Snssai {
    Snssai {
        sst: 1,
        sd: Some([0x01, 0x02, 0x03]),
    }
}

pub fn gnb() -> GnbId {
    GnbId {
        plmn: plmn(),
        id: 0x12345,
        bits: 22,
    }
}

pub fn caps() -> SecurityCapabilities {
    SecurityCapabilities {
        nr_encryption: 0xe000,
        nr_integrity: 0xe000,
        eutra_encryption: 0xc000,
        eutra_integrity: 0x4000,
    }
}

pub fn ul_tunnel() -> GtpTunnel {
    GtpTunnel {
        addr: IpAddr::V4(Ipv4Addr::new(10, 100, 200, 1)),
        teid: 0x0000_1001,
    }
}

pub fn dl_tunnel() -> GtpTunnel {
    GtpTunnel {
        addr: IpAddr::V4(Ipv4Addr::new(10, 100, 200, 2)),
        teid: 0x0000_2002,
    }
}

pub fn setup_transfer() -> SetupRequestTransfer {
    SetupRequestTransfer {
        session_ambr: Some(transfer::Ambr {
            downlink: 1_000_000_000,
            uplink: 500_000_000,
        }),
        ul_tunnel: ul_tunnel(),
        session_type: PduSessionType::ipv4,
        qos_flows: vec![
            QosFlowRequest {
                qfi: 1,
                five_qi: 9,
                arp_priority: 8,
                gbr: None,
            },
            QosFlowRequest {
                qfi: 3,
                five_qi: 1,
                arp_priority: 2,
                gbr: Some(gbr_info()),
            },
        ],
    }
}

/// GBR QoS Flow Information with every optional field (TS 38.413 §9.3.1.10).
pub fn gbr_info() -> transfer::GbrQosInfo {
    transfer::GbrQosInfo {
        mfbr_dl: 2_000_000,
        mfbr_ul: 1_000_000,
        gfbr_dl: 128_000,
        gfbr_ul: 64_000,
        notification_control: true,
        max_packet_loss_dl: Some(5),
        max_packet_loss_ul: Some(1000),
    }
}

pub fn cause() -> Cause {
    Cause::radioNetwork(CauseRadioNetwork::user_inactivity)
}

pub fn key() -> [u8; 32] {
    let mut k = [0u8; 32];
    for (i, b) in k.iter_mut().enumerate() {
        *b = i as u8;
    }
    k
}

/// One sample of each typed message, by its ASN.1 name.
pub fn samples() -> Vec<Message> {
    let sessions = vec![SessionSetupItem {
        pdu_session_id: 5,
        nas_pdu: None,
        snssai: snssai(),
        transfer: setup_transfer(),
    }];
    let setup = vec![SessionSetupResult {
        pdu_session_id: 5,
        transfer: SetupResponseTransfer {
            dl_tunnel: dl_tunnel(),
            qfis: vec![1],
            failed: vec![(3, Cause::protocol(CauseProtocol::semantic_error))],
        },
    }];
    let ta = SupportedTa {
        tac: [0, 0, 1],
        plmns: vec![PlmnSlices {
            plmn: plmn(),
            slices: vec![snssai()],
        }],
    };
    vec![
        NgSetupRequest {
            gnb: gnb(),
            ran_node_name: Some("gnb-1".into()),
            supported_tas: vec![ta.clone()],
            paging_drx: PagingDrx::v128,
        }
        .into(),
        NgSetupResponse {
            amf_name: "amf-1".into(),
            guamis: vec![guami()],
            relative_capacity: 255,
            plmn_support: vec![PlmnSlices {
                plmn: plmn(),
                slices: vec![snssai()],
            }],
        }
        .into(),
        NgSetupFailure {
            cause: Cause::misc(CauseMisc::unknown_PLMN_or_SNPN),
        }
        .into(),
        NgReset {
            cause: Cause::transport(CauseTransport::transport_resource_unavailable),
            reset: ResetType::All,
        }
        .into(),
        NgResetAcknowledge::default().into(),
        InitialUeMessage {
            ran_ue_ngap_id: 7,
            nas_pdu: nas(REGISTRATION_REQUEST),
            location: location(),
            rrc_establishment_cause: RrcEstablishmentCause::mo_Signalling,
            five_g_s_tmsi: Some(FiveGSTmsi {
                set_id: 0x3f8,
                pointer: 1,
                tmsi: 0xdeadbeef,
            }),
            ue_context_requested: true,
        }
        .into(),
        DownlinkNasTransport {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            nas_pdu: nas(AUTHENTICATION_REQUEST),
        }
        .into(),
        UplinkNasTransport {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            nas_pdu: nas(REGISTRATION_COMPLETE),
            location: location(),
        }
        .into(),
        InitialContextSetupRequest {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            ue_ambr: Some(UeAmbr {
                downlink: 2_000_000_000,
                uplink: 1_000_000_000,
            }),
            guami: guami(),
            sessions: sessions.clone(),
            allowed_nssai: vec![snssai()],
            security_capabilities: caps(),
            security_key: key(),
            nas_pdu: None,
        }
        .into(),
        InitialContextSetupResponse {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            setup: setup.clone(),
        }
        .into(),
        InitialContextSetupFailure {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            cause: Cause::radioNetwork(CauseRadioNetwork::radio_resources_not_available),
        }
        .into(),
        UeContextReleaseRequest {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            pdu_session_ids: vec![5],
            cause: cause(),
        }
        .into(),
        UeContextReleaseCommand {
            ids: UeNgapIds::Pair { amf: 42, ran: 7 },
            cause: Cause::nas(CauseNas::normal_release),
        }
        .into(),
        UeContextReleaseComplete {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            location: Some(location()),
        }
        .into(),
        UeRadioCapabilityInfoIndication {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            radio_capability: RRC_UE_CAPABILITY.to_vec(),
        }
        .into(),
        PduSessionResourceSetupRequest {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            nas_pdu: None,
            sessions,
        }
        .into(),
        PduSessionResourceSetupResponse {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            setup,
        }
        .into(),
        PduSessionResourceModifyRequest {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            sessions: vec![SessionModifyItem {
                pdu_session_id: 5,
                nas_pdu: None,
                transfer: ModifyRequestTransfer {
                    session_ambr: None,
                    add_or_modify: vec![
                        QosFlowRequest {
                            qfi: 2,
                            five_qi: 7,
                            arp_priority: 5,
                            gbr: None,
                        },
                        QosFlowRequest {
                            qfi: 4,
                            five_qi: 2,
                            arp_priority: 6,
                            gbr: Some(transfer::GbrQosInfo {
                                notification_control: false,
                                max_packet_loss_dl: None,
                                ..gbr_info()
                            }),
                        },
                    ],
                    release: vec![],
                },
            }],
        }
        .into(),
        PduSessionResourceModifyResponse {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            modified: vec![SessionModifyResult {
                pdu_session_id: 5,
                transfer: ModifyResponseTransfer {
                    dl_tunnel: None,
                    qfis: vec![2],
                    failed: vec![(
                        4,
                        Cause::radioNetwork(CauseRadioNetwork::not_supported_5QI_value),
                    )],
                },
            }],
            failed: vec![SessionModifyFailure {
                pdu_session_id: 6,
                transfer: ModifyUnsuccessfulTransfer {
                    cause: Cause::radioNetwork(CauseRadioNetwork::unknown_PDU_session_ID),
                },
            }],
        }
        .into(),
        PduSessionResourceReleaseCommand {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            nas_pdu: None,
            sessions: vec![SessionReleaseItem {
                pdu_session_id: 5,
                transfer: ReleaseCommandTransfer {
                    cause: Cause::nas(CauseNas::normal_release),
                },
            }],
        }
        .into(),
        PduSessionResourceReleaseResponse {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            released: vec![5],
        }
        .into(),
        Paging {
            five_g_s_tmsi: FiveGSTmsi {
                set_id: 0x3f8,
                pointer: 1,
                tmsi: 0xdeadbeef,
            },
            paging_drx: Some(PagingDrx::v64),
            tais: vec![tai()],
        }
        .into(),
        ErrorIndication {
            amf_ue_ngap_id: Some(42),
            ran_ue_ngap_id: Some(7),
            cause: Some(Cause::protocol(CauseProtocol::semantic_error)),
        }
        .into(),
        HandoverRequired {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            handover_type: HandoverType::intra5gs,
            cause: Cause::radioNetwork(CauseRadioNetwork::handover_desirable_for_radio_reason),
            target: TargetRan {
                gnb: GnbId {
                    plmn: plmn(),
                    id: 0x54321,
                    bits: 22,
                },
                tai: tai(),
            },
            sessions: vec![SessionTransfer {
                pdu_session_id: 5,
                transfer: HandoverRequiredTransfer::default(),
            }],
            source_to_target: source_to_target(),
        }
        .into(),
        HandoverRequest {
            amf_ue_ngap_id: 42,
            handover_type: HandoverType::intra5gs,
            cause: Cause::radioNetwork(CauseRadioNetwork::handover_desirable_for_radio_reason),
            ue_ambr: UeAmbr {
                downlink: 2_000_000_000,
                uplink: 1_000_000_000,
            },
            security_capabilities: caps(),
            security_context: SecurityContext { ncc: 2, nh: key() },
            sessions: vec![HandoverSessionItem {
                pdu_session_id: 5,
                snssai: snssai(),
                transfer: setup_transfer(),
            }],
            allowed_nssai: vec![snssai()],
            source_to_target: source_to_target(),
            guami: guami(),
        }
        .into(),
        HandoverRequestAcknowledge {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 9,
            admitted: vec![SessionTransfer {
                pdu_session_id: 5,
                transfer: HandoverRequestAcknowledgeTransfer {
                    dl_tunnel: dl_tunnel(),
                    qfis: vec![1],
                },
            }],
            target_to_source: target_to_source(),
        }
        .into(),
        HandoverCommand {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 7,
            handover_type: HandoverType::intra5gs,
            sessions: vec![SessionTransfer {
                pdu_session_id: 5,
                transfer: HandoverCommandTransfer {
                    dl_forwarding: Some(dl_tunnel()),
                },
            }],
            target_to_source: target_to_source(),
        }
        .into(),
        HandoverNotify {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 9,
            location: location(),
        }
        .into(),
        PathSwitchRequest {
            ran_ue_ngap_id: 9,
            source_amf_ue_ngap_id: 42,
            location: location(),
            security_capabilities: caps(),
            sessions: vec![SessionTransfer {
                pdu_session_id: 5,
                transfer: PathSwitchRequestTransfer {
                    dl_tunnel: GtpTunnel {
                        addr: IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2)),
                        teid: 0x3003,
                    },
                    accepted_qfis: vec![1],
                },
            }],
        }
        .into(),
        PathSwitchRequestAcknowledge {
            amf_ue_ngap_id: 42,
            ran_ue_ngap_id: 9,
            security_context: SecurityContext { ncc: 3, nh: key() },
            sessions: vec![SessionTransfer {
                pdu_session_id: 5,
                transfer: PathSwitchRequestAcknowledgeTransfer {
                    ul_tunnel: Some(ul_tunnel()),
                },
            }],
            allowed_nssai: vec![snssai()],
        }
        .into(),
        RanConfigurationUpdate {
            ran_node_name: Some("gnb-1b".into()),
            supported_tas: Some(vec![ta]),
            paging_drx: Some(PagingDrx::v256),
        }
        .into(),
        RanConfigurationUpdateAcknowledge.into(),
        AmfConfigurationUpdate {
            amf_name: Some("amf-2".into()),
            guamis: None,
            relative_capacity: Some(100),
            plmn_support: None,
        }
        .into(),
        AmfConfigurationUpdateAcknowledge.into(),
        OverloadStart {
            action: Some(OverloadAction::reject_non_emergency_mo_dt),
            traffic_load_reduction: Some(50),
        }
        .into(),
        OverloadStop.into(),
    ]
}
