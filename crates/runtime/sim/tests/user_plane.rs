//! The runtime end to end against a scripted core on loopback: an AMF/SMF over SCTP
//! (UDP encapsulation, no privileges) and a UPF on a UDP socket that answers pings (and
//! checks the QoS flow they come on), buffers the answer for an idle UE and has the AMF
//! page it; the SMF answers a PDU session modification request with a QoS flow for the
//! ping target.

#[path = "../../../sim/engine/tests/common/mod.rs"]
mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use common::TestAmf;
use common::session::{host_rule, modification_command};
use ferrocore_gtpu::{PduSessionContainer, Qfi, Repr};
use ferrocore_nas::NasMessage;
use ferrocore_nas::ies::epco_ie;
use ferrocore_nas::types::*;
use ferrocore_ngap::msg::*;
use ferrocore_ngap::samples;
use ferrocore_ngap::transfer::SetupRequestTransfer;
use ferrocore_ngap::{GtpTunnel, Message, NgapMessage, decode_message};
use ferrocore_sctp_io::{AssocEvent, NGAP_PPID, SctpConfig, SctpListener, Transport};
use ferrocore_sim::SessionType;
use ferrocore_sim_io::{ModifyOptions, SessionOptions, SimOptions};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

const UPF_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
const UL_TEID: u32 = 0x77;
const UE_IP: Ipv4Addr = Ipv4Addr::new(10, 45, 0, 7);
const PING_TARGET: Ipv4Addr = Ipv4Addr::new(8, 8, 8, 8);

fn free_udp_port(ip: Ipv4Addr) -> u16 {
    std::net::UdpSocket::bind((ip, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn setup_item(nas: Option<Vec<u8>>) -> SessionSetupItem {
    SessionSetupItem {
        pdu_session_id: 1,
        nas_pdu: nas,
        snssai: ferrocore_ngap::Snssai { sst: 1, sd: None },
        transfer: SetupRequestTransfer {
            session_ambr: None,
            ul_tunnel: GtpTunnel {
                addr: IpAddr::V4(UPF_IP),
                teid: UL_TEID,
            },
            session_type: ferrocore_ngap::PduSessionType::ipv4,
            qos_flows: vec![samples::non_gbr_flow(1, 9)],
        },
    }
}

fn establishment_accept(amf: &mut TestAmf, pti: u8) -> Vec<u8> {
    let rule = QosRule::new(1, QosRuleOpCode::Create)
        .with_default_rule(true)
        .with_packet_filters(vec![QosPacketFilter::Match {
            direction: QosPacketFilterDirection::Bidirectional,
            identifier: 1,
            components: vec![QosPacketFilterComponent::MatchAll],
        }])
        .with_precedence(255)
        .with_qfi(1);
    let mut addr = vec![1];
    addr.extend(UE_IP.octets());
    let pco = Pco::new(
        0,
        vec![PcoEntry {
            identifier: 0x000d,
            contents: vec![9, 9, 9, 9],
        }],
    );
    let accept = NasPduSessionEstablishmentAccept::new(
        NasPduSessionType::from_session_type(PduSessionTypeValue::Ipv4),
        NasSscMode::new(1),
        NasQosRules::from_rules(&[rule]).unwrap(),
        NasSessionAmbr::new(vec![6, 0, 10, 6, 0, 10]),
    )
    .with_pdu_address(NasPduAddress::new(addr))
    .with_extended_protocol_configuration_options(epco_ie(&pco, false).unwrap());
    let inner = ferrocore_nas::encode(&NasMessage::sm(accept, 1, pti)).unwrap();
    let t = NasDlNasTransport::new(
        NasPayloadContainerType::from_kind(PayloadContainerKind::N1SmInformation),
        NasPayloadContainer::new(inner),
    )
    .with_pdu_session_id(NasPduSessionIdentity2::from_pdu_session_id(1));
    amf.protect(t)
}

/// What the UPF tells the core and the core tells the UPF.
enum ToUpf {
    /// The gNB's DL tunnel (after setup), or none (after the AN release).
    Dl(Option<SocketAddr>, u32),
}

/// The UPF: answers echo requests from the UE, which must come on QoS flow `qfi`; with
/// no DL tunnel it buffers the answer and asks the core to page (as a Downlink Data
/// Report would).
async fn upf(
    socket: UdpSocket,
    mut rx: mpsc::UnboundedReceiver<ToUpf>,
    page: mpsc::UnboundedSender<()>,
    qfi: u8,
) {
    let mut dl: Option<(SocketAddr, u32)> = None;
    let mut buffered: Vec<Vec<u8>> = Vec::new();
    let mut buf = vec![0u8; 4096];
    loop {
        tokio::select! {
            // The core's word first: a release it saw must be in force for what follows.
            biased;
            m = rx.recv() => match m {
                Some(ToUpf::Dl(Some(to), teid)) => {
                    dl = Some((to, teid));
                    for p in buffered.drain(..) {
                        send_dl(&socket, to, teid, &p).await;
                    }
                }
                Some(ToUpf::Dl(None, _)) => dl = None,
                None => return,
            },
            r = socket.recv_from(&mut buf) => {
                let Ok((n, _)) = r else { return };
                let Ok(d) = ferrocore_gtpu::decap(&buf[..n]) else { continue };
                if d.message_type != 255 {
                    eprintln!("UPF: GTP-U message {} for TEID {:#x}", d.message_type, d.teid);
                    continue;
                }
                assert_eq!(d.teid, UL_TEID);
                assert_eq!(d.qfi.map(Qfi::value), Some(qfi));
                let mut ip = buf[d.payload.clone()].to_vec();
                if ip.len() < 28 || ip[9] != 1 || ip[20] != 8 {
                    continue;
                }
                // The data network's echo reply.
                let (src, dst): ([u8; 4], [u8; 4]) =
                    (ip[12..16].try_into().unwrap(), ip[16..20].try_into().unwrap());
                ip[12..16].copy_from_slice(&dst);
                ip[16..20].copy_from_slice(&src);
                ip[20] = 0;
                ip[22..24].fill(0);
                let c = checksum(&ip[20..]);
                ip[22..24].copy_from_slice(&c.to_be_bytes());
                match dl {
                    Some((to, teid)) => send_dl(&socket, to, teid, &ip).await,
                    None => {
                        buffered.push(ip);
                        let _ = page.send(());
                    }
                }
            }
        }
    }
}

fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

async fn send_dl(socket: &UdpSocket, to: SocketAddr, teid: u32, ip: &[u8]) {
    let repr = Repr::g_pdu(
        teid,
        Some(PduSessionContainer::downlink(Qfi::new(1).unwrap())),
    );
    let mut b = vec![0u8; repr.buffer_len(ip.len())];
    let h = repr.header_len();
    b[h..].copy_from_slice(ip);
    repr.emit(&mut b).unwrap();
    socket.send_to(&b, to).await.unwrap();
}

/// The AMF and SMF of one UE, message by message.
async fn core(
    mut listener: SctpListener,
    upf_tx: mpsc::UnboundedSender<ToUpf>,
    mut page: mpsc::UnboundedReceiver<()>,
    upf_port: u16,
) -> Vec<&'static str> {
    let mut assoc = listener.accept().await.unwrap();
    let mut amf = TestAmf::new();
    let mut seen = Vec::new();
    let dl_of = |t: &GtpTunnel| ToUpf::Dl(Some(SocketAddr::new(t.addr, upf_port)), t.teid);
    let _ = upf_port;
    loop {
        let m = tokio::select! {
            e = assoc.next_event() => match e {
                Some(AssocEvent::Message(m)) => m,
                Some(AssocEvent::Closed(_)) | None => return seen,
                Some(_) => continue,
            },
            Some(()) = page.recv() => {
                // Downlink data for an idle UE: PAGING (TS 38.413 §8.5).
                let p = Paging {
                    five_g_s_tmsi: ferrocore_ngap::FiveGSTmsi { set_id: 0x3fe, pointer: 1, tmsi: 0x1234 },
                    paging_drx: None,
                    tais: vec![ferrocore_ngap::Tai {
                        plmn: ferrocore_ngap::Plmn::new("001", "01").unwrap(),
                        tac: [0, 0, 1],
                    }],
                };
                seen.push("Paging");
                assoc.send(0, NGAP_PPID, p.encode().unwrap()).await.unwrap();
                continue;
            }
        };
        let msg = decode_message(&m.data).unwrap();
        seen.push(msg.name());
        let reply: Option<Vec<u8>> = match msg {
            Message::NgSetupRequest(_) => Some(
                NgSetupResponse {
                    amf_name: "fake".into(),
                    guamis: vec![common::guami()],
                    relative_capacity: 255,
                    plmn_support: common::plmn_support(),
                }
                .encode()
                .unwrap(),
            ),
            Message::InitialUeMessage(i) => {
                amf.ran_id = i.ran_ue_ngap_id;
                if amf.ctx.is_none() {
                    let nas = amf.authentication_request(amf.sqn);
                    Some(dl_nas(&amf, nas))
                } else {
                    // SERVICE REQUEST (after paging): ICS with the session and SERVICE ACCEPT.
                    let (_, sr) = amf.open(&i.nas_pdu);
                    assert!(matches!(
                        sr,
                        NasMessage::Mm(Nas5gmmMessage::ServiceRequest(_))
                    ));
                    let accept = amf.protect(NasServiceAccept::new());
                    Some(ics(&amf, vec![setup_item(None)], accept))
                }
            }
            Message::UplinkNasTransport(u) => {
                let bytes = u.nas_pdu;
                if amf.ctx.is_none() {
                    // AUTHENTICATION RESPONSE: the security mode command follows.
                    let smc = amf.security_mode_command((0xf0, 0xf0));
                    Some(dl_nas(&amf, smc))
                } else {
                    match amf.open(&bytes).1 {
                        NasMessage::Mm(Nas5gmmMessage::SecurityModeComplete(_)) => {
                            let accept = amf.registration_accept(0x1234);
                            Some(ics(&amf, vec![], accept))
                        }
                        NasMessage::Mm(Nas5gmmMessage::UlNasTransport(t)) => {
                            let NasMessage::Sm(sm) =
                                ferrocore_nas::decode(&t.payload_container.value).unwrap()
                            else {
                                panic!("5GSM")
                            };
                            if let Nas5gsmMessage::PduSessionModificationRequest(r) = &sm.message {
                                let rules = r.requested_qos_rules.as_ref().unwrap().rules();
                                assert_eq!(rules.len(), 1, "one requested rule");
                                let nas = modification_nas(&mut amf, sm.pti);
                                let m = samples::modify_request(
                                    amf.amf_id,
                                    amf.ran_id,
                                    1,
                                    nas,
                                    vec![samples::non_gbr_flow(2, 9)],
                                );
                                seen.push("(modification request)");
                                assoc.send(1, NGAP_PPID, m.encode().unwrap()).await.unwrap();
                                continue;
                            }
                            if let Nas5gsmMessage::PduSessionModificationComplete(_) = &sm.message {
                                seen.push("(modification complete)");
                                continue;
                            }
                            assert!(matches!(
                                sm.message,
                                Nas5gsmMessage::PduSessionEstablishmentRequest(_)
                            ));
                            let nas = establishment_accept(&mut amf, sm.pti);
                            Some(
                                PduSessionResourceSetupRequest {
                                    amf_ue_ngap_id: amf.amf_id,
                                    ran_ue_ngap_id: amf.ran_id,
                                    nas_pdu: None,
                                    sessions: vec![setup_item(Some(nas))],
                                }
                                .encode()
                                .unwrap(),
                            )
                        }
                        _ => None,
                    }
                }
            }
            Message::PduSessionResourceSetupResponse(r) => {
                upf_tx.send(dl_of(&r.setup[0].transfer.dl_tunnel)).unwrap();
                None
            }
            Message::InitialContextSetupResponse(r) => {
                if let Some(s) = r.setup.first() {
                    upf_tx.send(dl_of(&s.transfer.dl_tunnel)).unwrap();
                }
                None
            }
            Message::UeContextReleaseRequest(_) => {
                upf_tx.send(ToUpf::Dl(None, 0)).unwrap();
                Some(
                    UeContextReleaseCommand {
                        ids: UeNgapIds::Pair {
                            amf: amf.amf_id,
                            ran: amf.ran_id,
                        },
                        cause: ferrocore_ngap::Cause::nas(ferrocore_ngap::CauseNas::normal_release),
                    }
                    .encode()
                    .unwrap(),
                )
            }
            _ => None,
        };
        if let Some(b) = reply {
            let stream = if m.stream == 0 { 0 } else { 1 };
            assoc.send(stream, NGAP_PPID, b).await.unwrap();
        }
    }
}

/// The SMF's PDU SESSION MODIFICATION COMMAND answering the UE's request (`pti`): QoS
/// flow 2 for the ping target, in a DL NAS TRANSPORT.
fn modification_nas(amf: &mut TestAmf, pti: u8) -> Vec<u8> {
    let c = modification_command(&[host_rule(PING_TARGET)]);
    let inner = ferrocore_nas::encode(&NasMessage::sm(c, 1, pti)).unwrap();
    let t = NasDlNasTransport::new(
        NasPayloadContainerType::from_kind(PayloadContainerKind::N1SmInformation),
        NasPayloadContainer::new(inner),
    )
    .with_pdu_session_id(NasPduSessionIdentity2::from_pdu_session_id(1));
    amf.protect(t)
}

fn dl_nas(amf: &TestAmf, nas: Vec<u8>) -> Vec<u8> {
    DownlinkNasTransport {
        amf_ue_ngap_id: amf.amf_id,
        ran_ue_ngap_id: amf.ran_id,
        nas_pdu: nas,
    }
    .encode()
    .unwrap()
}

fn ics(amf: &TestAmf, sessions: Vec<SessionSetupItem>, nas: Vec<u8>) -> Vec<u8> {
    InitialContextSetupRequest {
        amf_ue_ngap_id: amf.amf_id,
        ran_ue_ngap_id: amf.ran_id,
        ue_ambr: (!sessions.is_empty()).then_some(UeAmbr {
            downlink: 1 << 30,
            uplink: 1 << 30,
        }),
        guami: common::guami(),
        sessions,
        allowed_nssai: vec![ferrocore_ngap::Snssai { sst: 1, sd: None }],
        security_capabilities: ferrocore_ngap::SecurityCapabilities {
            nr_encryption: 0xe000,
            nr_integrity: 0xe000,
            eutra_encryption: 0,
            eutra_integrity: 0,
        },
        security_key: [0x11; 32],
        nas_pdu: Some(nas),
    }
    .encode()
    .unwrap()
}

/// One UE against the scripted core with `options` (the core's addresses and ports
/// filled in), the UPF expecting the pings on flow `qfi`: the summary and the NGAP
/// messages the core saw.
async fn run_against_core(options: SimOptions, qfi: u8) -> (serde_json::Value, Vec<&'static str>) {
    let listener = SctpListener::bind(SctpConfig {
        udp_port: 0,
        ..SctpConfig::listener(Transport::Udp, IpAddr::V4(Ipv4Addr::LOCALHOST), 38412)
    })
    .await
    .unwrap();
    let amf_udp = listener.udp_local_addr().unwrap();
    let upf_port = free_udp_port(UPF_IP);
    let upf_socket = UdpSocket::bind((UPF_IP, upf_port)).await.unwrap();
    let (upf_tx, upf_rx) = mpsc::unbounded_channel();
    let (page_tx, page_rx) = mpsc::unbounded_channel();
    let n3_ip = match options.gnb_n3_ip {
        IpAddr::V4(a) => a,
        IpAddr::V6(_) => panic!("IPv4 N3"),
    };
    let n3_port = free_udp_port(n3_ip);
    tokio::spawn(upf(upf_socket, upf_rx, page_tx, qfi));
    let core = tokio::spawn(core(listener, upf_tx, page_rx, n3_port));

    let options = SimOptions {
        amf: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 38412),
        transport: Transport::Udp,
        amf_udp_port: amf_udp.port(),
        ues: 1,
        rate: 0.0,
        first_msin: 1,
        sessions: Some(SessionOptions {
            pdu_session_type: SessionType::Ipv4,
            dnn: Some("internet".into()),
            snssai: Some((1, None)),
        }),
        ping: Some(IpAddr::V4(PING_TARGET)),
        n3_port,
        upf_port,
        timeout: Duration::from_secs(30),
        ..options
    };
    let summary = tokio::time::timeout(
        Duration::from_secs(40),
        ferrocore_sim_io::run(options, |_| {}),
    )
    .await
    .expect("the run ends")
    .unwrap();
    let s = serde_json::to_value(&summary).unwrap();
    (s, core.await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_ping_idle_paging_and_service_request_end_to_end() {
    let options = SimOptions {
        idle: true,
        gnb_n3_ip: IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3)),
        ..SimOptions::default()
    };
    let (s, seen) = run_against_core(options, 1).await;
    assert_eq!(s["registered"], 1, "{s}");
    assert_eq!(s["pdu_sessions"], 1, "{s}");
    assert_eq!(s["ping_sent"], 2, "{s}");
    assert_eq!(s["ping_ok"], 2, "{s}");
    assert_eq!(s["idle_ping_ok"], 1, "{s}");
    assert_eq!(s["paged"], 1, "{s}");
    assert_eq!(s["service_accepted"], 1, "{s}");
    assert!(s["session_ms"]["max"].as_f64().unwrap() > 0.0, "{s}");
    assert_eq!(s["modified"], 0, "{s}");
    for want in [
        "PDUSessionResourceSetupResponse",
        "UEContextReleaseRequest",
        "Paging",
        "InitialContextSetupResponse",
    ] {
        assert!(seen.iter().any(|n| n.contains(want)), "{want} in {seen:?}");
    }
}

/// `--modify`: the UE asks for a flow, the SMF gives flow 2 for the ping target, the gNB
/// sets it up, and the ping then travels on flow 2 (the UPF checks its QFI).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modification_puts_the_pings_on_their_own_qos_flow() {
    let options = SimOptions {
        modify: Some(ModifyOptions::default()),
        gnb_n3_ip: IpAddr::V4(Ipv4Addr::new(127, 0, 0, 4)),
        ..SimOptions::default()
    };
    let (s, seen) = run_against_core(options, 2).await;
    assert_eq!(s["pdu_sessions"], 1, "{s}");
    assert_eq!(s["modified"], 1, "{s}");
    assert_eq!(s["modify_rejected"], 0, "{s}");
    assert!(s["modify_ms"]["max"].as_f64().unwrap() > 0.0, "{s}");
    assert_eq!(s["ping_ok"], 1, "{s}");
    let at = |name: &str| seen.iter().position(|n| *n == name);
    let request = at("(modification request)").expect("the UE's request");
    let response = at("PDUSessionResourceModifyResponse").expect("the gNB's response");
    let complete = at("(modification complete)").expect("the UE's complete");
    assert!(request < response && response < complete, "{seen:?}");
}
