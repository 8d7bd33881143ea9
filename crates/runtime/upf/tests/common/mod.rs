//! Network namespaces, an SMF built from ferrocore-pfcp, a gNB's G-PDUs built with
//! ferrocore-gtpu, and hand-made IPv4 packets.
#![allow(dead_code)]

/// The SMF requests the PFCP codec's and the UPF engine's tests share.
#[path = "../../../../wire/pfcp/tests/common/requests.rs"]
mod requests;

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use ferrocore_gtpu::{PduSessionContainer, Qfi, Repr, UlPduSessionInfo, encap_repr_in_place};
use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Cause, Message, decode, encode};
use ferrocore_testkit::netns::{self, Namespace};
#[allow(unused_imports)] // not every user of this module calls each
pub use ferrocore_testkit::netns::{enter, ip, sysctl};

pub const UE_POOL: (Ipv4Addr, u8) = (Ipv4Addr::new(10, 45, 0, 0), 16);
pub const QFI: u8 = 9;

/// Root is needed for namespaces and TUN; `FERROCORE_SKIP_NETNS=1` skips instead.
pub fn skip() -> bool {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    netns::skip_unless_root("the UPF runtime test (netns and TUN)")
}

/// Namespaces deleted on drop.
pub struct Namespaces(pub Vec<Namespace>);

impl Namespaces {
    /// One namespace per role, named after the role, `tag` and our pid; loopback up.
    pub fn new(tag: &str, roles: &[&str]) -> Self {
        let id = std::process::id() % 100_000;
        let mut v = Vec::with_capacity(roles.len());
        for r in roles {
            let name = format!("fc{tag}{r}{id}");
            netns::delete(&name);
            v.push(Namespace::new(name));
        }
        Namespaces(v)
    }

    pub fn name(&self, i: usize) -> &str {
        &self.0[i]
    }

    /// A veth pair between namespaces `a` and `b` with `/24` addresses.
    pub fn link(&self, a: usize, a_ip: Ipv4Addr, b: usize, b_ip: Ipv4Addr, tag: &str) {
        let id = std::process::id() % 100_000;
        let (va, vb) = (format!("v{tag}a{id}"), format!("v{tag}b{id}"));
        netns::veth(
            &self.0[a],
            &va,
            &format!("{a_ip}/24"),
            &self.0[b],
            &vb,
            &format!("{b_ip}/24"),
        );
    }
}

/// Runs `f` on a new thread inside namespace `ns` (sockets it opens stay there).
pub fn on<T: Send + 'static>(ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let ns = ns.to_string();
    std::thread::spawn(move || {
        enter(&ns);
        f()
    })
    .join()
    .expect("namespace thread")
}

/// A PFCP peer playing the SMF, on a blocking UDP socket.
pub struct Smf {
    pub sock: UdpSocket,
    pub upf: SocketAddr,
    pub ip: Ipv4Addr,
    seq: u32,
    /// Requests from the UPF seen while waiting for a response.
    pub requests: VecDeque<Message>,
}

impl Smf {
    pub fn new(bind: SocketAddr, upf: SocketAddr) -> Self {
        let sock = UdpSocket::bind(bind).expect("SMF bind");
        let ip = match bind.ip() {
            IpAddr::V4(a) => a,
            IpAddr::V6(_) => panic!("IPv4 SMF"),
        };
        Smf {
            sock,
            upf,
            ip,
            seq: 0,
            requests: VecDeque::new(),
        }
    }

    fn recv(&mut self, deadline: Instant) -> Option<Message> {
        let mut buf = [0u8; 65_536];
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            self.sock
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            let Ok((n, _)) = self.sock.recv_from(&mut buf) else {
                continue;
            };
            let m = decode(&buf[..n]).expect("UPF message decodes");
            if let Body::HeartbeatRequest(_) = m.body {
                let r = Message::node(
                    m.header.sequence,
                    HeartbeatResponse {
                        recovery_time_stamp: 3_900_000_000,
                    },
                );
                self.sock.send_to(&encode(&r).unwrap(), self.upf).unwrap();
                continue;
            }
            return Some(m);
        }
    }

    /// Sends `msg` (its sequence number is set here) and waits for its response.
    pub fn ask(&mut self, mut msg: Message) -> Message {
        self.seq += 1;
        msg.header.sequence = self.seq;
        self.sock.send_to(&encode(&msg).unwrap(), self.upf).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let m = self.recv(deadline).expect("a PFCP response in time");
            if m.body.name().ends_with("Request") {
                self.requests.push_back(m);
            } else if m.header.sequence == self.seq {
                return m;
            }
        }
    }

    /// The next request from the UPF (other than heartbeats, answered here).
    pub fn next_request(&mut self, timeout: Duration) -> Option<Message> {
        if let Some(m) = self.requests.pop_front() {
            return Some(m);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let m = self.recv(deadline)?;
            if m.body.name().ends_with("Request") {
                return Some(m);
            }
        }
    }

    pub fn associate(&mut self) -> AssociationSetupResponse {
        let m = self.ask(Message::node(
            0,
            AssociationSetupRequest {
                node_id: NodeId::Ipv4(self.ip),
                recovery_time_stamp: 3_900_000_000,
                up_function_features: None,
                cp_function_features: None,
            },
        ));
        match m.body {
            Body::AssociationSetupResponse(r) => r,
            b => panic!("{b:?}"),
        }
    }

    /// A session for `ue` with a CH F-TEID uplink PDR (QFI 9) and a downlink FAR with
    /// `dl_action` towards `gnb` / `gnb_teid`. Returns the UP SEID and our TEID.
    pub fn establish(
        &mut self,
        cp_seid: u64,
        ue: Ipv4Addr,
        gnb: Ipv4Addr,
        gnb_teid: u32,
        dl_action: ApplyAction,
    ) -> (u64, u32) {
        let req = establishment(self.ip, cp_seid, ue, gnb, gnb_teid, dl_action);
        let m = self.ask(Message::session(0, 0, req));
        let Body::SessionEstablishmentResponse(r) = m.body else {
            panic!("{m:?}")
        };
        assert_eq!(r.cause, Cause::REQUEST_ACCEPTED, "{r:?}");
        let up_seid = r.up_fseid.as_ref().expect("UP F-SEID").seid;
        let teid = r
            .created_pdrs
            .iter()
            .find_map(|c| match c.local_fteid {
                Some(Fteid::Assigned { teid, .. }) if c.pdr_id == 1 => Some(teid),
                _ => None,
            })
            .expect("created PDR 1 with its F-TEID");
        (up_seid, teid)
    }

    pub fn modify(
        &mut self,
        up_seid: u64,
        update_fars: Vec<UpdateFar>,
    ) -> SessionModificationResponse {
        let req = SessionModificationRequest {
            update_fars,
            ..requests::empty_modification()
        };
        let m = self.ask(Message::session(up_seid, 0, req));
        match m.body {
            Body::SessionModificationResponse(r) => r,
            b => panic!("{b:?}"),
        }
    }

    /// Answers a UPF request (a Session Report Request) with Request accepted.
    pub fn accept_report(&mut self, req: &Message, up_seid: u64) {
        let ack = Message::session(
            up_seid,
            req.header.sequence,
            SessionReportResponse {
                cause: Cause::REQUEST_ACCEPTED,
                offending_ie: None,
                update_bar: None,
                srrsp_flags: None,
            },
        );
        self.sock.send_to(&encode(&ack).unwrap(), self.upf).unwrap();
    }
}

pub fn establishment(
    smf: Ipv4Addr,
    cp_seid: u64,
    ue: Ipv4Addr,
    gnb: Ipv4Addr,
    gnb_teid: u32,
    dl_action: ApplyAction,
) -> SessionEstablishmentRequest {
    let ue_ip = |destination| UeIpAddress {
        ipv4: Some(UeAddr::Address(ue)),
        destination,
        ..Default::default()
    };
    SessionEstablishmentRequest {
        node_id: NodeId::Ipv4(smf),
        cp_fseid: Fseid {
            seid: cp_seid,
            ipv4: Some(smf),
            ipv6: None,
        },
        create_pdrs: vec![
            CreatePdr {
                pdr_id: 1,
                precedence: 255,
                pdi: Pdi {
                    source_interface: Interface::Access,
                    local_fteid: Some(Fteid::Choose {
                        ipv4: true,
                        ipv6: false,
                        choose_id: Some(1),
                    }),
                    network_instance: Some(NetworkInstance::dnn("internet")),
                    ue_ip_address: Some(ue_ip(false)),
                    sdf_filters: Default::default(),
                    qfis: [QFI].into(),
                },
                outer_header_removal: Some(OuterHeaderRemoval {
                    description: 0,
                    extension_header_deletion: None,
                }),
                far_id: Some(1),
                urr_ids: Default::default(),
                qer_ids: [1].into(),
            },
            CreatePdr {
                pdr_id: 2,
                precedence: 255,
                pdi: Pdi {
                    source_interface: Interface::Core,
                    local_fteid: None,
                    network_instance: Some(NetworkInstance::dnn("internet")),
                    ue_ip_address: Some(ue_ip(true)),
                    sdf_filters: Default::default(),
                    qfis: Default::default(),
                },
                outer_header_removal: None,
                far_id: Some(2),
                urr_ids: Default::default(),
                qer_ids: [1].into(),
            },
        ],
        create_fars: vec![
            CreateFar {
                far_id: 1,
                apply_action: ApplyAction::FORW,
                forwarding_parameters: Some(ForwardingParameters {
                    destination_interface: Interface::Core,
                    network_instance: None,
                    outer_header_creation: None,
                    transport_level_marking: None,
                }),
                bar_id: None,
            },
            CreateFar {
                far_id: 2,
                apply_action: dl_action,
                forwarding_parameters: Some(ForwardingParameters {
                    destination_interface: Interface::Access,
                    network_instance: None,
                    outer_header_creation: Some(OuterHeaderCreation::gtpu_ipv4(gnb_teid, gnb)),
                    transport_level_marking: None,
                }),
                bar_id: None,
            },
        ],
        create_urrs: vec![],
        create_qers: vec![CreateQer {
            qer_id: 1,
            qer_correlation_id: None,
            gate_status: GateStatus::default(),
            mbr: None,
            gbr: None,
            qfi: Some(QFI),
        }],
        create_bar: None,
        pdn_type: Some(1),
    }
}

/// FAR 2 forwards to `gnb` / `teid`.
pub fn far_forward(gnb: Ipv4Addr, teid: u32) -> UpdateFar {
    UpdateFar {
        far_id: 2,
        apply_action: Some(ApplyAction::FORW),
        update_forwarding_parameters: Some(Box::new(UpdateForwardingParameters {
            destination_interface: None,
            network_instance: None,
            outer_header_creation: Some(OuterHeaderCreation::gtpu_ipv4(teid, gnb)),
            transport_level_marking: None,
            smreq_flags: None,
        })),
        bar_id: None,
    }
}

/// An uplink G-PDU as a gNB sends it: UL PDU Session Container with `qfi`.
pub fn gpdu_ul(teid: u32, qfi: u8, inner: &[u8]) -> Vec<u8> {
    let repr = Repr::g_pdu(
        teid,
        Some(PduSessionContainer::Uplink(UlPduSessionInfo {
            qfi: Qfi::new(qfi).unwrap(),
            ..Default::default()
        })),
    );
    let h = repr.header_len();
    let mut buf = vec![0u8; h];
    buf.extend_from_slice(inner);
    let start = encap_repr_in_place(&mut buf, h, &repr).expect("G-PDU header");
    buf.drain(..start);
    buf
}

/// RFC 1071 checksum.
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum = 0u32;
    for c in data.chunks(2) {
        let w = if c.len() == 2 {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], 0])
        };
        sum += u32::from(w);
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, payload: &[u8]) -> Vec<u8> {
    let total = 20 + payload.len();
    let mut p = vec![0u8; 20];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    p[4..6].copy_from_slice(&0x1234u16.to_be_bytes());
    p[8] = 64;
    p[9] = proto;
    p[12..16].copy_from_slice(&src.octets());
    p[16..20].copy_from_slice(&dst.octets());
    let c = checksum(&p);
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// An ICMP Echo Request.
pub fn icmp_echo(src: Ipv4Addr, dst: Ipv4Addr, id: u16, seq: u16, data: &[u8]) -> Vec<u8> {
    let mut icmp = vec![8, 0, 0, 0];
    icmp.extend_from_slice(&id.to_be_bytes());
    icmp.extend_from_slice(&seq.to_be_bytes());
    icmp.extend_from_slice(data);
    let c = checksum(&icmp);
    icmp[2..4].copy_from_slice(&c.to_be_bytes());
    ipv4(src, dst, 1, &icmp)
}

/// A UDP datagram (checksum 0: none, allowed over IPv4).
pub fn udp(src: Ipv4Addr, dst: Ipv4Addr, sport: u16, dport: u16, data: &[u8]) -> Vec<u8> {
    let mut u = Vec::with_capacity(8 + data.len());
    u.extend_from_slice(&sport.to_be_bytes());
    u.extend_from_slice(&dport.to_be_bytes());
    u.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(data);
    ipv4(src, dst, 17, &u)
}
