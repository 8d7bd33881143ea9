//! An SMF built from ferrocore-pfcp, packets built by hand, and a UPF to drive.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Message, decode, encode};
use ferrocore_upf::{Channel, Dataplane, ForwardingTable, Transmit, UpfConfig, UpfControl};

pub const SMF: &str = "10.0.0.1:8805";
pub const GNB: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 9);
pub const N3: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 2);
pub const UE: Ipv4Addr = Ipv4Addr::new(10, 45, 0, 7);
pub const SMF_RTS: u32 = 3_900_000_000;
pub const UPF_RTS: u32 = 3_900_000_100;
pub const GNB_TEID: u32 = 0x1234;

pub fn smf() -> SocketAddr {
    SMF.parse().unwrap()
}

pub fn smf_node() -> NodeId {
    NodeId::Ipv4(Ipv4Addr::new(10, 0, 0, 1))
}

pub fn config() -> UpfConfig {
    let mut c = UpfConfig::new("10.0.0.2".parse().unwrap(), N3, UPF_RTS);
    c.ue_ipv4_pool = Some((Ipv4Addr::new(10, 46, 0, 0), 16));
    c
}

/// A UPF, its data plane worker and the current snapshot.
pub struct Upf {
    pub cp: UpfControl,
    pub dp: Dataplane,
    pub table: Arc<ForwardingTable>,
    pub now: Instant,
    seq: u32,
    /// Session Report Requests answered by [`Upf::collect_reports`], not yet taken.
    reported: Vec<(u64, SessionReportRequest)>,
}

impl Upf {
    pub fn new() -> Self {
        Self::with(config())
    }

    pub fn with(cfg: UpfConfig) -> Self {
        let now = Instant::now();
        let dp = Dataplane::new(cfg.dataplane());
        let mut cp = UpfControl::new(cfg, now);
        let table = cp.publish().expect("first table");
        Upf {
            cp,
            dp,
            table,
            now,
            seq: 100,
            reported: Vec::new(),
        }
    }

    pub fn next_seq(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }

    /// Sends raw bytes from the SMF; returns what the UPF sent on N4 (decoded) and
    /// publishes the table.
    pub fn raw(&mut self, bytes: &[u8]) -> Vec<Transmit> {
        self.cp.handle_input(self.now, smf(), bytes);
        self.drain()
    }

    pub fn drain(&mut self) -> Vec<Transmit> {
        if let Some(t) = self.cp.publish() {
            self.table = t;
        }
        std::iter::from_fn(|| self.cp.poll_transmit()).collect()
    }

    /// Sends a message from the SMF and returns the one N4 answer.
    pub fn ask(&mut self, msg: Message) -> Message {
        let out = self.raw(&encode(&msg).unwrap());
        let n4: Vec<&Transmit> = out.iter().filter(|t| t.channel == Channel::N4).collect();
        assert_eq!(n4.len(), 1, "one response expected, got {out:?}");
        assert_eq!(n4[0].dst, smf());
        decode(&n4[0].payload).expect("our response decodes")
    }

    pub fn associate(&mut self) -> AssociationSetupResponse {
        let seq = self.next_seq();
        let resp = self.ask(Message::node(
            seq,
            AssociationSetupRequest {
                node_id: smf_node(),
                recovery_time_stamp: SMF_RTS,
                up_function_features: None,
                cp_function_features: Some(Features(vec![0x01])),
            },
        ));
        match resp.body {
            Body::AssociationSetupResponse(r) => r,
            b => panic!("{b:?}"),
        }
    }

    pub fn establish(
        &mut self,
        req: SessionEstablishmentRequest,
    ) -> (ferrocore_pfcp::Header, SessionEstablishmentResponse) {
        let seq = self.next_seq();
        let resp = self.ask(Message::session(0, seq, req));
        assert_eq!(resp.header.sequence, seq);
        match resp.body {
            Body::SessionEstablishmentResponse(r) => (resp.header, r),
            b => panic!("{b:?}"),
        }
    }

    pub fn modify(
        &mut self,
        up_seid: u64,
        req: SessionModificationRequest,
    ) -> (Vec<Transmit>, SessionModificationResponse) {
        let seq = self.next_seq();
        let out = self.raw(&encode(&Message::session(up_seid, seq, req)).unwrap());
        let resp = out
            .iter()
            .find(|t| t.channel == Channel::N4)
            .map(|t| decode(&t.payload).unwrap())
            .expect("a response");
        let n3 = out
            .into_iter()
            .filter(|t| t.channel == Channel::N3)
            .collect();
        match resp.body {
            Body::SessionModificationResponse(r) => (n3, r),
            b => panic!("{b:?}"),
        }
    }

    pub fn delete(&mut self, up_seid: u64) -> SessionDeletionResponse {
        let seq = self.next_seq();
        match self
            .ask(Message::session(up_seid, seq, SessionDeletionRequest))
            .body
        {
            Body::SessionDeletionResponse(r) => r,
            b => panic!("{b:?}"),
        }
    }

    /// Hands the data plane's notifications to the control part, as the runtime does.
    pub fn pump(&mut self) {
        while let Some(n) = self.dp.poll_notification() {
            self.cp.handle_notification(self.now, n);
        }
        self.collect_reports();
    }

    /// Moves the virtual clock on by `d`, running the control part's timers at the
    /// instants they fall due.
    pub fn advance(&mut self, d: Duration) {
        let end = self.now + d;
        for _ in 0..100_000 {
            match self.cp.poll_timeout() {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    self.cp.handle_timeout(self.now);
                    self.collect_reports();
                }
                _ => {
                    self.now = end;
                    return;
                }
            }
        }
        panic!("timers still due after 100,000 rounds");
    }

    /// The Session Report Requests the UPF sent since the last call, with the SEID of
    /// their header (the SMF's).
    pub fn reports(&mut self) -> Vec<(u64, SessionReportRequest)> {
        self.collect_reports();
        std::mem::take(&mut self.reported)
    }

    /// Takes what the UPF sent and answers each Session Report Request with Request
    /// Accepted, as an SMF does (so that none is retransmitted); keeps the requests
    /// for [`Upf::reports`]. Other datagrams are dropped.
    fn collect_reports(&mut self) {
        for t in self.drain() {
            let Ok(Message {
                header,
                body: Body::SessionReportRequest(r),
            }) = decode(&t.payload)
            else {
                continue;
            };
            let cp_seid = header.seid.expect("a session message");
            let up_seid = self
                .cp
                .sessions()
                .find(|s| s.cp_seid == cp_seid)
                .map_or(0, |s| s.up_seid);
            let answer = Message::session(
                up_seid,
                header.sequence,
                SessionReportResponse {
                    cause: ferrocore_pfcp::Cause::REQUEST_ACCEPTED,
                    offending_ie: None,
                    update_bar: None,
                    srrsp_flags: None,
                },
            );
            self.cp
                .handle_input(self.now, smf(), &encode(&answer).unwrap());
            self.reported.push((cp_seid, r));
        }
    }

    /// An uplink G-PDU through the data plane; returns the verdict and the buffer.
    pub fn uplink(
        &mut self,
        teid: u32,
        qfi: u8,
        inner: &[u8],
    ) -> (ferrocore_upf::Verdict, Vec<u8>) {
        let mut buf = gpdu_ul(teid, qfi, inner);
        let len = buf.len();
        buf.resize(2048, 0);
        let gnb = SocketAddr::new(IpAddr::V4(GNB), 2152);
        let v = self.dp.handle_n3(&self.table, self.now, gnb, &mut buf, len);
        (v, buf)
    }

    /// A downlink IP packet through the data plane; returns the verdict and the frame.
    pub fn downlink(&mut self, ip: &[u8]) -> (ferrocore_upf::Verdict, Vec<u8>) {
        let mut frame = vec![0u8; ferrocore_upf::DL_HEADROOM];
        frame.extend_from_slice(ip);
        let v = self.dp.handle_n6(&self.table, self.now, &mut frame);
        (v, frame)
    }
}

/// Uplink PDR (CH F-TEID, CHOOSE ID 1, QFI 9), downlink PDR (UE address), their FARs,
/// a QER with QFI 9 and a URR.
pub fn establishment(cp_seid: u64) -> SessionEstablishmentRequest {
    SessionEstablishmentRequest {
        node_id: smf_node(),
        cp_fseid: Fseid {
            seid: cp_seid,
            ipv4: Some(Ipv4Addr::new(10, 0, 0, 1)),
            ipv6: None,
        },
        create_pdrs: vec![ul_pdr(1, 255, None), dl_pdr(2, 255, None)],
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
            dl_far(2, ApplyAction::FORW),
        ],
        create_urrs: vec![CreateUrr {
            volume_threshold: Some(Volume {
                total: Some(10_000),
                uplink: None,
                downlink: None,
            }),
            ..urr(1, true, false, ReportingTriggers::VOLTH)
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

/// `req` with UE IPv4 address `ue` in all its PDRs.
pub fn with_ue(mut req: SessionEstablishmentRequest, ue: Ipv4Addr) -> SessionEstablishmentRequest {
    for p in &mut req.create_pdrs {
        p.pdi.ue_ip_address.as_mut().expect("UE IP").ipv4 = Some(UeAddr::Address(ue));
    }
    req
}

pub fn ul_pdr(id: u16, precedence: u32, sdf: Option<&str>) -> CreatePdr {
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
            sdf_filters: sdf
                .map(|s| {
                    vec![SdfFilter {
                        flow_description: Some(s.into()),
                        ..Default::default()
                    }]
                })
                .unwrap_or_default()
                .into(),
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

pub fn dl_pdr(id: u16, precedence: u32, sdf: Option<&str>) -> CreatePdr {
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
            sdf_filters: sdf
                .map(|s| {
                    vec![SdfFilter {
                        flow_description: Some(s.into()),
                        ..Default::default()
                    }]
                })
                .unwrap_or_default()
                .into(),
            qfis: Default::default(),
        },
        outer_header_removal: None,
        far_id: Some(2),
        urr_ids: [1].into(),
        qer_ids: [1].into(),
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

/// An IPv4/UDP packet with `payload_len` octets of payload.
pub fn ipv4_udp(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    sport: u16,
    dport: u16,
    payload_len: usize,
) -> Vec<u8> {
    let total = 28 + payload_len;
    let mut p = vec![0u8; total];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    p[8] = 64;
    p[9] = 17;
    p[12..16].copy_from_slice(&src.octets());
    p[16..20].copy_from_slice(&dst.octets());
    p[20..22].copy_from_slice(&sport.to_be_bytes());
    p[22..24].copy_from_slice(&dport.to_be_bytes());
    p[24..26].copy_from_slice(&((8 + payload_len) as u16).to_be_bytes());
    for (i, b) in p[28..].iter_mut().enumerate() {
        *b = i as u8;
    }
    p
}

/// An uplink G-PDU as a gNB sends it: UL PDU Session Container with `qfi`.
pub fn gpdu_ul(teid: u32, qfi: u8, inner: &[u8]) -> Vec<u8> {
    let mut v = vec![0x34, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x85, 1, 0x10, qfi, 0];
    v[4..8].copy_from_slice(&teid.to_be_bytes());
    v.extend_from_slice(inner);
    let len = (v.len() - 8) as u16;
    v[2..4].copy_from_slice(&len.to_be_bytes());
    v
}

/// The local TEID the UPF chose for a PDR.
pub fn created_teid(r: &SessionEstablishmentResponse, pdr_id: u16) -> u32 {
    r.created_pdrs
        .iter()
        .find(|c| c.pdr_id == pdr_id)
        .and_then(|c| match c.local_fteid {
            Some(Fteid::Assigned { teid, .. }) => Some(teid),
            _ => None,
        })
        .expect("created PDR with F-TEID")
}

/// Installs `n` sessions for the pipeline benchmarks (no volume threshold: counting
/// only) and publishes the table; returns each session's (local TEID, UE address).
/// `upf_teids`: the UPF chooses the TEIDs (CH, as the common SMF asks); otherwise the
/// SMF assigns random ones.
pub fn pipeline_sessions(
    upf: &mut Upf,
    n: u32,
    upf_teids: bool,
    rng: &mut Rng,
) -> Vec<(u32, Ipv4Addr)> {
    let mut seen = std::collections::HashSet::new();
    let mut sessions = Vec::with_capacity(n as usize);
    for i in 0..n {
        let ue = Ipv4Addr::from_bits(0x0a00_0000 + i);
        let mut req = with_ue(establishment(u64::from(i) + 1), ue);
        let assigned = (!upf_teids).then(|| {
            loop {
                let t = rng.next() as u32;
                if t != 0 && seen.insert(t) {
                    break t;
                }
            }
        });
        if let Some(teid) = assigned {
            req.create_pdrs[0].pdi.local_fteid = Some(Fteid::Assigned {
                teid,
                ipv4: Some(N3),
                ipv6: None,
            });
        }
        req.create_urrs[0].volume_threshold = None;
        let bytes = encode(&Message::session(0, 1000 + i, req)).expect("encode");
        upf.cp.handle_input(upf.now, smf(), &bytes);
        let mut teid = assigned;
        while let Some(t) = upf.cp.poll_transmit() {
            if teid.is_none()
                && let Ok(Message {
                    body: Body::SessionEstablishmentResponse(r),
                    ..
                }) = decode(&t.payload)
            {
                teid = Some(created_teid(&r, 1));
            }
        }
        sessions.push((teid.expect("a TEID"), ue));
    }
    upf.table = upf.cp.publish().expect("table");
    assert_eq!(upf.table.len().0, n as usize);
    sessions
}

/// A small xorshift generator (no dependency, deterministic).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}
