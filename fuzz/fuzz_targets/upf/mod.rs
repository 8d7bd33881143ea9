//! Shared by the UPF targets (`upf_n4`, `upf_dataplane`): an SMF side built with
//! ferrocore-pfcp (the requests of crates/nf/upf/tests/common), a UPF driven to a state,
//! packets built by hand, and the frame splitter (kind octet, u16 length, octets; at most
//! 32 frames, as `common::frames`).

#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Instant;

use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Cause, Message, decode, encode};
use ferrocore_upf::{Channel, Transmit, UpfConfig, UpfControl};

pub const SMF_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
pub const OTHER_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 9);
pub const UPF_N4: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
pub const GNB: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 9);
pub const N3: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 2);
pub const N9_PEER: Ipv4Addr = Ipv4Addr::new(10, 0, 9, 9);
pub const SMF_RTS: u32 = 3_900_000_000;
pub const UPF_RTS: u32 = 3_900_000_100;
pub const GNB_TEID: u32 = 0x1234;
/// The UE address pool of CHV4 (10.46.0.0/16).
pub const POOL: (Ipv4Addr, u8) = (Ipv4Addr::new(10, 46, 0, 0), 16);

pub fn smf() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(SMF_IP), 8805)
}

pub fn gnb() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(GNB), 2152)
}

pub fn smf_node() -> NodeId {
    NodeId::Ipv4(SMF_IP)
}

pub fn config() -> UpfConfig {
    let mut c = UpfConfig::new(IpAddr::V4(UPF_N4), N3, UPF_RTS);
    c.ue_ipv4_pool = Some(POOL);
    c
}

/// One input frame.
pub struct Frame<'a> {
    pub kind: u8,
    pub bytes: &'a [u8],
}

pub const MAX_FRAMES: usize = 32;

/// Splits an input into frames: kind octet, u16 length (clamped to what is left), octets.
pub fn frames(mut data: &[u8]) -> Vec<Frame<'_>> {
    let mut out = Vec::new();
    while data.len() >= 3 && out.len() < MAX_FRAMES {
        let kind = data[0];
        let len = usize::from(u16::from_be_bytes([data[1], data[2]])).min(data.len() - 3);
        out.push(Frame {
            kind,
            bytes: &data[3..3 + len],
        });
        data = &data[3 + len..];
    }
    out
}

/// Encodes frames (for the seeds).
pub fn frame(kind: u8, bytes: &[u8]) -> Vec<u8> {
    let mut v = vec![kind];
    v.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    v.extend_from_slice(bytes);
    v
}

pub fn association_setup(seq: u32, rts: u32) -> Message {
    Message::node(
        seq,
        AssociationSetupRequest {
            node_id: smf_node(),
            recovery_time_stamp: rts,
            up_function_features: None,
            cp_function_features: Some(Features(vec![0x01])),
        },
    )
}

/// Uplink PDR (CH F-TEID, CHOOSE ID 1, QFI 9), downlink PDR (UE address `ue`, or CHV4
/// when `None`), their FARs, a QER with QFI 9 and a URR with a volume threshold.
pub fn establishment(cp_seid: u64, ue: Option<Ipv4Addr>) -> SessionEstablishmentRequest {
    let addr = match ue {
        Some(a) => UeAddr::Address(a),
        None => UeAddr::Choose,
    };
    SessionEstablishmentRequest {
        node_id: smf_node(),
        cp_fseid: Fseid {
            seid: cp_seid,
            ipv4: Some(SMF_IP),
            ipv6: None,
        },
        create_pdrs: vec![ul_pdr(1, 255, addr, None), dl_pdr(2, 255, addr, None)],
        create_fars: vec![ul_far(1, None), dl_far(2, ApplyAction::FORW)],
        create_urrs: vec![CreateUrr {
            urr_id: 1,
            measurement_method: MeasurementMethod {
                duration: false,
                volume: true,
                event: false,
            },
            reporting_triggers: ReportingTriggers(ReportingTriggers::VOLTH),
            measurement_period: None,
            volume_threshold: Some(Volume {
                total: Some(10_000),
                uplink: None,
                downlink: None,
            }),
            volume_quota: None,
            time_threshold: None,
            time_quota: None,
            quota_holding_time: None,
            measurement_information: None,
        }],
        create_qers: vec![CreateQer {
            qer_id: 1,
            qer_correlation_id: None,
            gate_status: GateStatus::default(),
            mbr: None,
            gbr: None,
            qfi: Some(9),
        }],
        create_bar: None,
        pdn_type: Some(1),
    }
}

fn sdf(s: Option<&str>) -> Vec<SdfFilter> {
    s.map(|s| {
        vec![SdfFilter {
            flow_description: Some(s.into()),
            ..Default::default()
        }]
    })
    .unwrap_or_default()
}

pub fn ul_pdr(id: u16, precedence: u32, ue: UeAddr<Ipv4Addr>, filter: Option<&str>) -> CreatePdr {
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
                ipv4: Some(ue),
                ..Default::default()
            }),
            sdf_filters: sdf(filter).into(),
            qfis: [9].into(),
        },
        outer_header_removal: Some(OuterHeaderRemoval {
            description: 0,
            extension_header_deletion: None,
        }),
        far_id: Some(1),
        urr_ids: [1].into(),
        qer_ids: [1].into(),
    }
}

pub fn dl_pdr(id: u16, precedence: u32, ue: UeAddr<Ipv4Addr>, filter: Option<&str>) -> CreatePdr {
    CreatePdr {
        pdr_id: id,
        precedence,
        pdi: Pdi {
            source_interface: Interface::Core,
            local_fteid: None,
            network_instance: Some(NetworkInstance::dnn("internet")),
            ue_ip_address: Some(UeIpAddress {
                ipv4: Some(ue),
                destination: true,
                ..Default::default()
            }),
            sdf_filters: sdf(filter).into(),
            qfis: Default::default(),
        },
        outer_header_removal: None,
        far_id: Some(2),
        urr_ids: [1].into(),
        qer_ids: [1].into(),
    }
}

/// Uplink FAR: to N6, or re-encapsulated towards an N9 peer.
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

pub fn drop_far(id: u32) -> CreateFar {
    CreateFar {
        far_id: id,
        apply_action: ApplyAction::DROP,
        forwarding_parameters: None,
        bar_id: None,
    }
}

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

/// The local TEID the UPF chose for a PDR.
pub fn created_teid(r: &SessionEstablishmentResponse, pdr_id: u16) -> Option<u32> {
    r.created_pdrs
        .iter()
        .find(|c| c.pdr_id == pdr_id)
        .and_then(|c| match c.local_fteid {
            Some(Fteid::Assigned { teid, .. }) => Some(teid),
            _ => None,
        })
}

/// The UE address the UPF chose for a PDR.
pub fn created_ue(r: &SessionEstablishmentResponse) -> Option<Ipv4Addr> {
    r.created_pdrs.iter().find_map(|c| {
        c.ue_ip_address.as_ref().and_then(|u| match u.ipv4 {
            Some(UeAddr::Address(a)) => Some(a),
            _ => None,
        })
    })
}

/// Sends `msg` from the SMF and returns the N4 answer to it (by sequence number), with
/// every transmit checked to decode.
pub fn ask(cp: &mut UpfControl, now: Instant, msg: &Message) -> Option<Message> {
    let bytes = encode(msg).expect("our request encodes");
    cp.handle_input(now, smf(), &bytes);
    let mut answer = None;
    while let Some(t) = cp.poll_transmit() {
        if t.channel == Channel::N4 {
            let m = decode(&t.payload).expect("UPF transmits decode");
            if t.dst == smf() && m.header.sequence == msg.header.sequence {
                answer = Some(m);
            }
        }
    }
    answer
}

/// Associates the SMF; panics unless accepted.
pub fn associate(cp: &mut UpfControl, now: Instant, seq: u32) {
    match ask(cp, now, &association_setup(seq, SMF_RTS)).map(|m| m.body) {
        Some(Body::AssociationSetupResponse(r)) => {
            assert_eq!(r.cause, Cause::REQUEST_ACCEPTED, "association setup")
        }
        b => panic!("association setup: {b:?}"),
    }
}

/// Establishes a session; panics unless accepted. Returns the response.
pub fn establish(
    cp: &mut UpfControl,
    now: Instant,
    seq: u32,
    req: SessionEstablishmentRequest,
) -> SessionEstablishmentResponse {
    match ask(cp, now, &Message::session(0, seq, req)).map(|m| m.body) {
        Some(Body::SessionEstablishmentResponse(r)) => {
            assert_eq!(r.cause, Cause::REQUEST_ACCEPTED, "session establishment: {r:?}");
            r
        }
        b => panic!("session establishment: {b:?}"),
    }
}

/// An IPv4 packet (UDP or anything else by `proto`) with `payload_len` octets after the
/// 8-octet transport header.
pub fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let total = 28 + payload.len();
    let mut p = vec![0u8; 28];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    p[8] = 64;
    p[9] = proto;
    p[12..16].copy_from_slice(&src.octets());
    p[16..20].copy_from_slice(&dst.octets());
    p[20..22].copy_from_slice(&sport.to_be_bytes());
    p[22..24].copy_from_slice(&dport.to_be_bytes());
    p[24..26].copy_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// An IPv6 packet with next header `nh`, the ports first in its payload.
pub fn ipv6(src: Ipv6Addr, dst: Ipv6Addr, nh: u8, sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0, 0, 0, nh, 64];
    p.extend(src.octets());
    p.extend(dst.octets());
    p.extend(sport.to_be_bytes());
    p.extend(dport.to_be_bytes());
    p.extend(((8 + payload.len()) as u16).to_be_bytes());
    p.extend([0, 0]);
    p.extend_from_slice(payload);
    let len = (p.len() - 40) as u16;
    p[4..6].copy_from_slice(&len.to_be_bytes());
    p
}

/// An uplink G-PDU as a gNB sends it: UL PDU Session Container with `qfi`.
pub fn gpdu_ul(teid: u32, qfi: u8, inner: &[u8]) -> Vec<u8> {
    let mut v = vec![0x34, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x85, 1, 0x10, qfi & 0x3f, 0];
    v[4..8].copy_from_slice(&teid.to_be_bytes());
    v.extend_from_slice(inner);
    let len = (v.len() - 8).min(usize::from(u16::MAX)) as u16;
    v[2..4].copy_from_slice(&len.to_be_bytes());
    v
}

/// Known finding tolerated while true, so a campaign looks further (see docs/fuzzing.md,
/// fuzz/regressions/upf_n4/version_not_supported_response_undecodable): the UPF answers a
/// request of another PFCP version with the header-only Version Not Supported Response
/// (message type 11, TS 29.244 §7.4.4.7), which `ferrocore_pfcp::decode` does not know
/// (`UnknownMessageType(11)`).
pub const TOLERATE_VERSION_NOT_SUPPORTED: bool = false;

/// Whether a transmit is well-formed for its channel: PFCP that decodes on N4, GTP-U
/// that parses on N3.
pub fn check_transmit(t: &Transmit) {
    match t.channel {
        Channel::N4 => {
            let version_not_supported = |p: &[u8]| {
                matches!(p, [0x20, 11, 0, 4, _, _, _, 0])
            };
            if TOLERATE_VERSION_NOT_SUPPORTED && version_not_supported(&t.payload) {
                return;
            }
            if let Err(e) = decode(&t.payload) {
                panic!("UPF sent undecodable PFCP to {}: {e:?} {:02x?}", t.dst, t.payload);
            }
        }
        Channel::N3 => {
            if let Err(e) = ferrocore_gtpu::decap(&t.payload) {
                panic!("UPF sent unparsable GTP-U to {}: {e:?} {:02x?}", t.dst, t.payload);
            }
        }
    }
}

/// Writes `name` into `dir` (seed generation).
pub fn write_seed(dir: &str, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).expect("seed directory");
    std::fs::write(format!("{dir}/{name}"), bytes).expect("seed written");
}
