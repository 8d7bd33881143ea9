//! PDU session conversations of the scripted network side: the AMF relays 5GSM as an SMF
//! would answer (establishment accept, resource setup, modification commands with a QoS
//! flow for one host), plays the UPF's GTP-U endpoint, takes the UE to CM-IDLE and back.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;

use ferrocore_nas::ies::epco_ie;
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, SecurityHeaderType, SmMessage};
use ferrocore_nas_security::BEARER_3GPP;
use ferrocore_ngap::msg::*;
use ferrocore_ngap::transfer::{Ambr, SetupRequestTransfer};
use ferrocore_ngap::{Cause, CauseRadioNetwork, GtpTunnel, Message, NgapMessage};
use ferrocore_sim::{Gnb, SessionRequest, SessionType, SimEvent, UeId};

use super::*;

pub const UPF: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 9);
pub const UL_TEID: u32 = 0x0011_2233;
pub const GNB_N3: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
pub const UE_V4: Ipv4Addr = Ipv4Addr::new(10, 45, 0, 2);
pub const IID: [u8; 8] = [0, 0, 0, 0, 0, 0, 0, 2];
pub const DNS_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888);

pub fn request(psi: u8, kind: SessionType) -> SessionRequest {
    SessionRequest {
        psi,
        pdu_session_type: kind,
        dnn: Some("internet".into()),
        snssai: Some((1, Some(0x010203))),
    }
}

/// A registered UE whose gNB has an N3 address.
pub fn ready(now: Instant) -> (Gnb, UeId, TestAmf) {
    let (mut gnb, ue, amf) = registered_ue(now);
    gnb.set_n3_address(IpAddr::V4(GNB_N3));
    transmits(&mut gnb);
    (gnb, ue, amf)
}

/// The UE's UL NAS TRANSPORT, opened, and the 5GSM message inside.
pub fn uplink_sm(amf: &mut TestAmf, gnb: &mut Gnb) -> (NasUlNasTransport, SmMessage) {
    let (header, msg) = amf.open_uplink(gnb);
    assert_eq!(header, SecurityHeaderType::IntegrityProtectedAndCiphered);
    let NasMessage::Mm(Nas5gmmMessage::UlNasTransport(t)) = msg else {
        panic!("UL NAS TRANSPORT: {msg:?}")
    };
    assert!(t.payload_container_type.is_n1_sm());
    let NasMessage::Sm(sm) = ferrocore_nas::decode(&t.payload_container.value).unwrap() else {
        panic!("5GSM in the payload container")
    };
    (*t, sm)
}

/// `sm` of session `psi` in a DL NAS TRANSPORT, protected with the AMF's context.
pub fn dl_transport(amf: &mut TestAmf, psi: u8, pti: u8, sm: impl Into<Nas5gsmMessage>) -> Vec<u8> {
    let inner = ferrocore_nas::encode(&NasMessage::sm(sm, psi, pti)).unwrap();
    let t = NasDlNasTransport::new(
        NasPayloadContainerType::from_kind(PayloadContainerKind::N1SmInformation),
        NasPayloadContainer::new(inner),
    )
    .with_pdu_session_id(NasPduSessionIdentity2::from_pdu_session_id(psi));
    amf.protect(t)
}

/// PDU SESSION ESTABLISHMENT ACCEPT as an SMF sends it: PDU address, the default QoS
/// rule (QFI 1), session-AMBR 100/50 Mbit/s, DNS and MTU in the ePCO.
pub fn accept(kind: SessionType) -> NasPduSessionEstablishmentAccept {
    let (value, addr) = match kind {
        SessionType::Ipv4 => (PduSessionTypeValue::Ipv4, {
            let mut v = vec![0x01];
            v.extend(UE_V4.octets());
            v
        }),
        SessionType::Ipv6 => (PduSessionTypeValue::Ipv6, {
            let mut v = vec![0x02];
            v.extend(IID);
            v
        }),
        SessionType::Ipv4v6 => (PduSessionTypeValue::Ipv4v6, {
            let mut v = vec![0x03];
            v.extend(IID);
            v.extend(UE_V4.octets());
            v
        }),
    };
    let rule = default_rule();
    let mut entries = Vec::new();
    if kind.has_v4() {
        entries.push(PcoEntry {
            identifier: 0x000d,
            contents: vec![8, 8, 8, 8],
        });
        entries.push(PcoEntry {
            identifier: 0x0010,
            contents: 1400u16.to_be_bytes().to_vec(),
        });
    }
    if kind.has_v6() {
        entries.push(PcoEntry {
            identifier: 0x0003,
            contents: DNS_V6.octets().to_vec(),
        });
    }
    NasPduSessionEstablishmentAccept::new(
        NasPduSessionType::from_session_type(value),
        NasSscMode::new(1),
        NasQosRules::from_rules(&[rule]).unwrap(),
        NasSessionAmbr::new(vec![6, 0, 100, 6, 0, 50]),
    )
    .with_pdu_address(NasPduAddress::new(addr))
    .with_extended_protocol_configuration_options(epco_ie(&Pco::new(0, entries), false).unwrap())
}

/// The default QoS rule of the session (TS 24.501 §9.11.4.13): rule 1, match-all,
/// precedence 255, onto QoS flow 1.
pub fn default_rule() -> QosRule {
    QosRule::new(1, QosRuleOpCode::Create)
        .with_default_rule(true)
        .with_packet_filters(vec![QosPacketFilter::Match {
            direction: QosPacketFilterDirection::Bidirectional,
            identifier: 1,
            components: vec![QosPacketFilterComponent::MatchAll],
        }])
        .with_precedence(255)
        .with_qfi(1)
}

pub fn setup_item(psi: u8, nas: Option<Vec<u8>>) -> SessionSetupItem {
    SessionSetupItem {
        pdu_session_id: psi,
        nas_pdu: nas,
        snssai: ferrocore_ngap::Snssai {
            sst: 1,
            sd: Some([1, 2, 3]),
        },
        transfer: SetupRequestTransfer {
            session_ambr: Some(Ambr {
                downlink: 100_000_000,
                uplink: 50_000_000,
            }),
            ul_tunnel: GtpTunnel {
                addr: IpAddr::V4(UPF),
                teid: UL_TEID,
            },
            session_type: ferrocore_ngap::PduSessionType::ipv4,
            qos_flows: vec![ferrocore_ngap::samples::non_gbr_flow(1, 9)],
        },
    }
}

/// The network answers the UE's request with PDU SESSION RESOURCE SETUP REQUEST carrying
/// `nas`; returns the gNB's answers.
pub fn resource_setup(amf: &TestAmf, gnb: &mut Gnb, now: Instant, psi: u8, nas: Vec<u8>) {
    let m = PduSessionResourceSetupRequest {
        amf_ue_ngap_id: amf.amf_id,
        ran_ue_ngap_id: amf.ran_id,
        nas_pdu: None,
        sessions: vec![setup_item(psi, Some(nas))],
    };
    gnb.handle_ngap(now, 1, &m.encode().unwrap());
}

/// Runs a whole establishment of session 1 of type `kind`; returns the SessionEstablished
/// event.
pub fn establish(
    gnb: &mut Gnb,
    amf: &mut TestAmf,
    now: Instant,
    ue: UeId,
    kind: SessionType,
) -> SimEvent {
    gnb.establish_session(now, ue, request(1, kind));
    let (_, sm) = uplink_sm(amf, gnb);
    let nas = dl_transport(amf, 1, sm.pti, accept(kind));
    resource_setup(amf, gnb, now, 1, nas);
    let sent = transmits(gnb);
    assert!(
        sent.iter()
            .any(|(_, m)| matches!(m, Message::PduSessionResourceSetupResponse(_))),
        "{sent:?}"
    );
    let ev = events(gnb);
    ev.into_iter()
        .find(|e| matches!(e, SimEvent::SessionEstablished { .. }))
        .expect("SessionEstablished")
}

/// A small IPv4 packet (ICMP-like payload) from the UE.
pub fn ip_packet() -> Vec<u8> {
    let mut p = vec![0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0];
    p.extend(UE_V4.octets());
    p.extend([8, 8, 8, 8]);
    p.extend([8, 0, 0xf7, 0xfe, 0, 1, 0, 0]);
    p
}

/// Takes the UE to CM-IDLE through UE CONTEXT RELEASE REQUEST / COMMAND.
pub fn go_idle(gnb: &mut Gnb, amf: &TestAmf, now: Instant, ue: UeId) {
    gnb.release_ue(now, ue);
    let sent = transmits(gnb);
    let [(_, Message::UeContextReleaseRequest(req))] = &sent[..] else {
        panic!("UE CONTEXT RELEASE REQUEST: {sent:?}")
    };
    assert_eq!(
        req.cause,
        Cause::radioNetwork(CauseRadioNetwork::user_inactivity)
    );
    assert_eq!(req.pdu_session_ids, vec![1]);
    amf.release(gnb, now);
    let sent = transmits(gnb);
    assert!(matches!(
        &sent[..],
        [(_, Message::UeContextReleaseComplete(_))]
    ));
    assert_eq!(events(gnb), vec![SimEvent::Idle { ue }]);
    assert!(!gnb.ue(ue).is_connected());
    assert!(!gnb.user_plane_up(ue, 1));
    assert!(
        gnb.ue(ue).session(1).is_some(),
        "the session outlives the AN release"
    );
}

/// Reads the SERVICE REQUEST of an INITIAL UE MESSAGE: integrity protected (type 1),
/// cleartext IEs, the whole message ciphered in the NAS message container.
pub fn service_request(amf: &mut TestAmf, gnb: &mut Gnb) -> (InitialUeMessage, NasServiceRequest) {
    let init = amf.initial(gnb);
    let u = amf
        .ctx
        .as_mut()
        .unwrap()
        .unprotect(&init.nas_pdu)
        .expect("SERVICE REQUEST MAC verifies");
    assert_eq!(u.header_type, SecurityHeaderType::IntegrityProtected);
    let NasMessage::Mm(Nas5gmmMessage::ServiceRequest(clear)) =
        ferrocore_nas::decode(&u.message).unwrap()
    else {
        panic!("SERVICE REQUEST")
    };
    assert!(clear.uplink_data_status.is_none() && clear.pdu_session_status.is_none());
    let ctx = amf.ctx.as_ref().unwrap();
    let mut inner = clear.nas_message_container.as_ref().unwrap().value.clone();
    ctx.nea()
        .apply(ctx.knas_enc(), u.count.value(), BEARER_3GPP, 0, &mut inner);
    let NasMessage::Mm(Nas5gmmMessage::ServiceRequest(full)) =
        ferrocore_nas::decode(&inner).unwrap()
    else {
        panic!("the whole SERVICE REQUEST in the container")
    };
    assert_eq!(full.fg_s_tmsi, clear.fg_s_tmsi);
    (init, *full)
}

/// INITIAL CONTEXT SETUP REQUEST with session 1's resources and SERVICE ACCEPT.
pub fn ics_with_session(amf: &mut TestAmf, gnb: &mut Gnb, now: Instant) {
    let accept = NasServiceAccept::new()
        .with_pdu_session_status(NasPduSessionStatus::from_sessions(&[1]).unwrap());
    let nas = amf.protect(accept);
    let m = InitialContextSetupRequest {
        amf_ue_ngap_id: amf.amf_id,
        ran_ue_ngap_id: amf.ran_id,
        ue_ambr: Some(UeAmbr {
            downlink: 1_000_000_000,
            uplink: 1_000_000_000,
        }),
        guami: guami(),
        sessions: vec![setup_item(1, None)],
        allowed_nssai: vec![ferrocore_ngap::Snssai { sst: 1, sd: None }],
        security_capabilities: ferrocore_ngap::SecurityCapabilities {
            nr_encryption: 0xe000,
            nr_integrity: 0xe000,
            eutra_encryption: 0,
            eutra_integrity: 0,
        },
        security_key: [0x22; 32],
        nas_pdu: Some(nas),
    };
    gnb.handle_ngap(now, 1, &m.encode().unwrap());
}

/// A filter matching traffic to or from `remote` (IPv4 host).
pub fn to_host(id: u8, remote: Ipv4Addr) -> QosPacketFilter {
    QosPacketFilter::Match {
        direction: QosPacketFilterDirection::Bidirectional,
        identifier: id,
        components: vec![QosPacketFilterComponent::Ipv4RemoteAddress {
            address: remote.octets(),
            mask: [0xff; 4],
        }],
    }
}

/// The network's new rule: identifier 2, QFI 2, precedence 10, for `remote`.
pub fn host_rule(remote: Ipv4Addr) -> QosRule {
    QosRule::new(2, QosRuleOpCode::Create)
        .with_packet_filters(vec![to_host(1, remote)])
        .with_precedence(10)
        .with_qfi(2)
}

/// Flow 2, 5QI 9.
pub fn flow_2() -> NasQosFlowDescriptions {
    NasQosFlowDescriptions::from_descriptions(&[QosFlowDescription::new(
        2,
        QosFlowOpCode::Create,
        true,
        vec![QosFlowParameter::FiveQi(9)],
    )])
    .unwrap()
}

/// PDU SESSION MODIFICATION COMMAND with `rules` (none: no QoS rules IE) and flow 2.
pub fn modification_command(rules: &[QosRule]) -> NasPduSessionModificationCommand {
    let mut c = NasPduSessionModificationCommand::new()
        .with_session_ambr(NasSessionAmbr::new(vec![6, 0, 20, 6, 0, 10]));
    if !rules.is_empty() {
        c = c
            .with_authorized_qos_rules(NasQosRules::from_rules(rules).unwrap())
            .with_authorized_qos_flow_descriptions(flow_2());
    }
    c
}
