//! decode(encode(x)) == x: every sample, then generated builder inputs (proptest).

mod common;

use ferrocore_ngap::msg::*;
use ferrocore_ngap::transfer::*;
use ferrocore_ngap::*;
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[test]
fn every_sample_round_trips_and_is_canonical() {
    for m in common::samples() {
        let bytes = m.encode().unwrap_or_else(|e| panic!("{}: {e}", m.name()));
        let back = decode_message(&bytes).unwrap_or_else(|e| panic!("{}: {e}", m.name()));
        assert_eq!(back, m, "{}", m.name());
        assert_eq!(
            back.encode().unwrap(),
            bytes,
            "{} re-encodes identically",
            m.name()
        );
        // No deviation from the object sets of the ASN.1 (IE ids, order, criticality).
        let pdu = decode(&bytes).unwrap();
        assert!(
            pdu.check().unwrap().is_empty(),
            "{}: {:?}",
            m.name(),
            pdu.check()
        );
        assert!(describe(&bytes).unwrap().contains(m.name()));
    }
}

#[test]
fn the_readme_pdu_decodes() {
    // UEContextReleaseRequest from README.md, TS 38.413 §9.2.2.4.
    let b = ferrocore_testkit::hex("002a4015000003000a0002002a005500020007000f40020500");
    let Message::UeContextReleaseRequest(m) = decode_message(&b).unwrap() else {
        panic!("wrong message");
    };
    assert_eq!((m.amf_ue_ngap_id, m.ran_ue_ngap_id), (42, 7));
    assert_eq!(
        m.cause,
        Cause::radioNetwork(CauseRadioNetwork::user_inactivity)
    );
}

#[test]
fn wrong_message_is_named() {
    let b = common::samples()[0].encode().unwrap();
    let e = InitialUeMessage::decode(&b).unwrap_err();
    assert_eq!(
        e,
        Error::WrongMessage {
            expected: "InitialUEMessage",
            found: "NGSetup",
            direction: "InitiatingMessage",
        }
    );
    assert_eq!(
        e.cause(),
        Some(ProtocolCause::message_not_compatible_with_receiver_state)
    );
}

fn plmn() -> impl Strategy<Value = Plmn> {
    (0u16..1000, 0u16..100, any::<bool>()).prop_map(|(mcc, mnc, three)| {
        let mnc = if three {
            format!("{:03}", mnc)
        } else {
            format!("{:02}", mnc)
        };
        Plmn::new(&format!("{mcc:03}"), &mnc).unwrap()
    })
}

fn tai() -> impl Strategy<Value = Tai> {
    (plmn(), any::<[u8; 3]>()).prop_map(|(plmn, tac)| Tai { plmn, tac })
}

fn location() -> impl Strategy<Value = UserLocation> {
    (plmn(), 0u64..(1 << 36), tai()).prop_map(|(plmn, cell_id, tai)| UserLocation {
        cgi: NrCgi { plmn, cell_id },
        tai,
    })
}

fn snssai() -> impl Strategy<Value = Snssai> {
    (any::<u8>(), proptest::option::of(any::<[u8; 3]>())).prop_map(|(sst, sd)| Snssai { sst, sd })
}

fn tunnel() -> impl Strategy<Value = GtpTunnel> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|a| IpAddr::V4(Ipv4Addr::from(a))),
        any::<[u8; 16]>().prop_map(|a| IpAddr::V6(Ipv6Addr::from(a))),
    ]
    .prop_flat_map(|addr| any::<u32>().prop_map(move |teid| GtpTunnel { addr, teid }))
}

fn nas_pdu() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 1..300)
}

/// GBR QoS Flow Information (TS 38.413 §9.3.1.10): bit rates in BitRate's root, packet
/// loss rates in 0..=1000.
fn gbr() -> impl Strategy<Value = GbrQosInfo> {
    let rate = 0u64..=4_000_000_000_000;
    let loss = proptest::option::of(0u16..=1000);
    (
        [rate.clone(), rate.clone(), rate.clone(), rate],
        any::<bool>(),
        loss.clone(),
        loss,
    )
        .prop_map(
            |([mfbr_dl, mfbr_ul, gfbr_dl, gfbr_ul], notify, dl, ul)| GbrQosInfo {
                mfbr_dl,
                mfbr_ul,
                gfbr_dl,
                gfbr_ul,
                notification_control: notify,
                max_packet_loss_dl: dl,
                max_packet_loss_ul: ul,
            },
        )
}

fn flows() -> impl Strategy<Value = Vec<QosFlowRequest>> {
    proptest::collection::vec(
        (0u8..64, any::<u8>(), 1u8..16, proptest::option::of(gbr())).prop_map(
            |(qfi, five_qi, arp_priority, gbr)| QosFlowRequest {
                qfi,
                five_qi,
                arp_priority,
                gbr,
            },
        ),
        1..4,
    )
}

fn setup_transfer() -> impl Strategy<Value = SetupRequestTransfer> {
    (
        proptest::option::of((0u64..4_000_000_000_000, 0u64..4_000_000_000_000)),
        tunnel(),
        flows(),
    )
        .prop_map(|(ambr, ul_tunnel, qos_flows)| SetupRequestTransfer {
            session_ambr: ambr.map(|(downlink, uplink)| Ambr { downlink, uplink }),
            ul_tunnel,
            session_type: PduSessionType::ipv4v6,
            qos_flows,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn initial_ue_message(ran in any::<u32>(), nas in nas_pdu(), loc in location(),
                          tmsi in proptest::option::of((0u16..1024, 0u8..64, any::<u32>())),
                          req in any::<bool>()) {
        let m = InitialUeMessage {
            ran_ue_ngap_id: ran,
            nas_pdu: nas,
            location: loc,
            rrc_establishment_cause: RrcEstablishmentCause::mo_Data,
            five_g_s_tmsi: tmsi.map(|(set_id, pointer, tmsi)| FiveGSTmsi { set_id, pointer, tmsi }),
            ue_context_requested: req,
        };
        prop_assert_eq!(InitialUeMessage::decode(&m.encode().unwrap()).unwrap(), m);
    }

    #[test]
    fn nas_transports(amf in 0u64..(1 << 40), ran in any::<u32>(), nas in nas_pdu(), loc in location()) {
        let d = DownlinkNasTransport { amf_ue_ngap_id: amf, ran_ue_ngap_id: ran, nas_pdu: nas.clone() };
        prop_assert_eq!(DownlinkNasTransport::decode(&d.encode().unwrap()).unwrap(), d);
        let u = UplinkNasTransport { amf_ue_ngap_id: amf, ran_ue_ngap_id: ran, nas_pdu: nas, location: loc };
        prop_assert_eq!(UplinkNasTransport::decode(&u.encode().unwrap()).unwrap(), u);
    }

    #[test]
    fn pdu_session_setup(amf in 0u64..(1 << 40), ran in any::<u32>(),
                         items in proptest::collection::vec((1u8..16, proptest::option::of(nas_pdu()), snssai(), setup_transfer()), 1..4),
                         dl in tunnel(), qfis in proptest::collection::vec(0u8..64, 1..4),
                         failed in proptest::collection::vec(0u8..64, 0..3)) {
        let failed = failed.into_iter().map(|q| (q, Cause::protocol(CauseProtocol::semantic_error))).collect();
        let m = PduSessionResourceSetupRequest {
            amf_ue_ngap_id: amf,
            ran_ue_ngap_id: ran,
            nas_pdu: None,
            sessions: items.into_iter().map(|(id, nas_pdu, snssai, transfer)| SessionSetupItem {
                pdu_session_id: id, nas_pdu, snssai, transfer,
            }).collect(),
        };
        prop_assert_eq!(PduSessionResourceSetupRequest::decode(&m.encode().unwrap()).unwrap(), m);
        let r = PduSessionResourceSetupResponse {
            amf_ue_ngap_id: amf,
            ran_ue_ngap_id: ran,
            setup: vec![SessionSetupResult { pdu_session_id: 1, transfer: SetupResponseTransfer { dl_tunnel: dl, qfis, failed } }],
        };
        prop_assert_eq!(PduSessionResourceSetupResponse::decode(&r.encode().unwrap()).unwrap(), r);
    }

    #[test]
    fn ng_setup(plmn in plmn(), id in 0u32..(1 << 22), name in "[a-z0-9-]{1,20}",
                tas in proptest::collection::vec((any::<[u8; 3]>(), proptest::collection::vec(snssai(), 1..4)), 1..4),
                region in any::<u8>(), set in 0u16..1024, pointer in 0u8..64, cap in any::<u8>()) {
        let m = NgSetupRequest {
            gnb: GnbId { plmn, id, bits: 22 },
            ran_node_name: Some(name.clone()),
            supported_tas: tas.into_iter().map(|(tac, slices)| SupportedTa { tac, plmns: vec![PlmnSlices { plmn, slices }] }).collect(),
            paging_drx: PagingDrx::v32,
        };
        prop_assert_eq!(NgSetupRequest::decode(&m.encode().unwrap()).unwrap(), m);
        let r = NgSetupResponse {
            amf_name: name,
            guamis: vec![Guami { plmn, region_id: region, set_id: set, pointer }],
            relative_capacity: cap,
            plmn_support: vec![PlmnSlices { plmn, slices: vec![Snssai { sst: 1, sd: None }] }],
        };
        prop_assert_eq!(NgSetupResponse::decode(&r.encode().unwrap()).unwrap(), r);
    }

    #[test]
    fn initial_context_setup(amf in 0u64..(1 << 40), ran in any::<u32>(), key in any::<[u8; 32]>(),
                             caps in any::<[u16; 4]>(), slices in proptest::collection::vec(snssai(), 1..8),
                             t in setup_transfer()) {
        let m = InitialContextSetupRequest {
            amf_ue_ngap_id: amf,
            ran_ue_ngap_id: ran,
            ue_ambr: Some(UeAmbr { downlink: 1, uplink: 2 }),
            guami: Guami { plmn: Plmn([0x02, 0xf8, 0x39]), region_id: 1, set_id: 1, pointer: 1 },
            sessions: vec![SessionSetupItem { pdu_session_id: 1, nas_pdu: None, snssai: slices[0], transfer: t }],
            allowed_nssai: slices,
            security_capabilities: SecurityCapabilities {
                nr_encryption: caps[0], nr_integrity: caps[1], eutra_encryption: caps[2], eutra_integrity: caps[3],
            },
            security_key: key,
            nas_pdu: Some(vec![0x7e, 0x00, 0x42]),
        };
        prop_assert_eq!(InitialContextSetupRequest::decode(&m.encode().unwrap()).unwrap(), m);
    }

    #[test]
    fn paging(set in 0u16..1024, pointer in 0u8..64, tmsi in any::<u32>(), tais in proptest::collection::vec(tai(), 1..16)) {
        let m = Paging { five_g_s_tmsi: FiveGSTmsi { set_id: set, pointer, tmsi }, paging_drx: None, tais };
        prop_assert_eq!(Paging::decode(&m.encode().unwrap()).unwrap(), m);
    }

    #[test]
    fn path_switch(ran in any::<u32>(), amf in 0u64..(1 << 40), loc in location(), dl in tunnel(), ul in proptest::option::of(tunnel())) {
        let m = PathSwitchRequest {
            ran_ue_ngap_id: ran,
            source_amf_ue_ngap_id: amf,
            location: loc,
            security_capabilities: SecurityCapabilities { nr_encryption: 1, nr_integrity: 2, eutra_encryption: 3, eutra_integrity: 4 },
            sessions: vec![SessionTransfer { pdu_session_id: 3, transfer: PathSwitchRequestTransfer { dl_tunnel: dl, accepted_qfis: vec![1, 2] } }],
        };
        prop_assert_eq!(PathSwitchRequest::decode(&m.encode().unwrap()).unwrap(), m);
        let t = PathSwitchRequestAcknowledgeTransfer { ul_tunnel: ul };
        prop_assert_eq!(PathSwitchRequestAcknowledgeTransfer::decode(&t.encode().unwrap()).unwrap(), t);
    }
}

#[test]
fn describe_is_readable() {
    let b = ferrocore_testkit::hex("002a4015000003000a0002002a005500020007000f40020500");
    let text = describe(&b).unwrap();
    assert!(
        text.starts_with("NGAP UEContextReleaseRequest (procedure 42 UEContextReleaseRequest"),
        "{text}"
    );
    assert!(text.contains("amf_ue_ngap_id: 42"), "{text}");
    assert!(text.contains("user_inactivity"), "{text}");
    let m = common::samples().remove(5);
    let text = describe(&m.encode().unwrap()).unwrap();
    assert!(text.contains("Plmn(208-93)"), "{text}");
    println!("{text}");
}
