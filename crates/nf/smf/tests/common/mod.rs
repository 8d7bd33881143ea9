//! A test bench for the SMF engine: a virtual clock, the UPF engine (`ferrocore-upf`'s
//! `UpfControl`) as the PFCP peer in process, a session management subscription double
//! (the data the UDM would give), and a fake AMF that collects N1N2MessageTransfers.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use ferrocore_nas::NasMessage;
use ferrocore_nas::ies::epco_ie;
use ferrocore_nas::types::*;
use ferrocore_ngap::transfer::{SetupResponseTransfer, Transfer};
use ferrocore_pfcp::Body;
use ferrocore_pfcp::message::SessionModificationRequest;
use ferrocore_sbi::SbiError;
use ferrocore_sbi::common::{
    AccessType, Ambr, Arp, PduSessionType, PlmnIdNid, PreemptionCapability,
    PreemptionVulnerability, Snssai, SscMode, SubscribedDefaultQos,
};
use ferrocore_sbi::namf_communication::{
    N1N2MessageTransfer, N1N2MessageTransferCause, N1N2MessageTransferResult,
    N1N2MessageTransferRspData,
};
use ferrocore_sbi::nsmf_pdusession::{
    N2SmInfoType, SmContextCreate, SmContextCreateData, SmContextRelease, SmContextUpdate,
    SmContextUpdateData, SmContextUpdated, UpCnxState,
};
use ferrocore_sbi::nudm_sdm::{
    DnnConfiguration, PduSessionTypes, SessionManagementSubscriptionData, SmSubsData, SscModes,
};
use ferrocore_smf::{
    Action, Event, RequestId, SbiReply, SbiRequest, Smf, SmfConfig, SmfRequest, SmfResponse,
};
use ferrocore_upf::state::{FarState, SessionState};
use ferrocore_upf::{UpfConfig, UpfControl};

pub const SUPI: &str = "imsi-001010000000001";
/// PFCP message types (TS 29.244 §7.3).
pub const SESSION_MODIFICATION_REQUEST: u8 = 52;
pub const SESSION_REPORT_RESPONSE: u8 = 57;
/// Apply Action flags (TS 29.244 §8.2.26).
pub const FORW: u16 = 0x02;
pub const BUFF: u16 = 0x04;
pub const NOCP: u16 = 0x08;
pub const UPF_TS: u32 = 3_900_000_000;

pub fn smf_addr() -> SocketAddr {
    "127.0.0.1:8805".parse().unwrap()
}

pub fn upf_addr() -> SocketAddr {
    "127.0.0.2:8805".parse().unwrap()
}

pub fn slice() -> Snssai {
    Snssai { sst: 1, sd: None }
}

/// The subscription a provisioned subscriber gets: slice 1, DNN internet, IPv4/IPv6/
/// IPv4v6 allowed, 5QI 9 / ARP 8, AMBR 100 / 200 Mbps.
pub fn subscription(types: &[PduSessionType]) -> SmSubsData {
    let dc = DnnConfiguration {
        pdu_session_types: PduSessionTypes {
            default_session_type: Some(types[0].clone()),
            allowed_session_types: Some(types.to_vec()),
        },
        ssc_modes: SscModes {
            default_ssc_mode: SscMode::SscMode1,
            allowed_ssc_modes: None,
        },
        iwk_eps_ind: None,
        five_g_qos_profile: Some(SubscribedDefaultQos {
            five_qi: 9,
            arp: Arp {
                priority_level: 8,
                preempt_cap: PreemptionCapability::NotPreempt,
                preempt_vuln: PreemptionVulnerability::NotPreemptable,
            },
            priority_level: None,
        }),
        session_ambr: Some(Ambr {
            uplink: "100 Mbps".into(),
            downlink: "200 Mbps".into(),
        }),
        charging_characteristics: None,
    };
    let mut m = BTreeMap::new();
    m.insert("internet".to_string(), dc.clone());
    m.insert("ims".to_string(), dc);
    SmSubsData::List(vec![SessionManagementSubscriptionData {
        single_nssai: slice(),
        dnn_configurations: Some(m),
        internal_group_ids: None,
        supported_features: None,
    }])
}

pub struct Bench {
    pub now: Instant,
    /// The SUPI of the next Create SM Context (and the one SBI requests must name).
    pub supi: String,
    pub smf: Smf,
    pub upf: UpfControl,
    /// The UPF answers (false: datagrams to it are lost).
    pub upf_up: bool,
    /// The subscription the UDM double gives.
    pub sm_data: Result<SmSubsData, SbiError>,
    /// Every N1N2MessageTransfer the fake AMF received.
    pub n1n2: Vec<N1N2MessageTransfer>,
    /// What the fake AMF answers to N1N2MessageTransfer.
    pub amf_answer: Result<N1N2MessageTransferResult, SbiError>,
    pub responses: HashMap<RequestId, SmfResponse>,
    /// PFCP datagrams the SMF sent, in order (type, to).
    pub pfcp_sent: Vec<(u8, SocketAddr)>,
    /// The same datagrams' octets.
    pub pfcp_log: Vec<Vec<u8>>,
    next_id: u64,
}

pub fn smf_config() -> SmfConfig {
    SmfConfig {
        recovery_time_stamp: 3_800_000_000,
        ..SmfConfig::default()
    }
}

pub fn upf(now: Instant, ts: u32) -> UpfControl {
    let cfg = UpfConfig::new(upf_addr().ip(), Ipv4Addr::new(127, 0, 0, 2), ts);
    UpfControl::new(cfg, now)
}

impl Bench {
    pub fn new() -> Self {
        Self::with(smf_config())
    }

    /// A bench whose SMF is associated with the UPF.
    pub fn with(cfg: SmfConfig) -> Self {
        let now = Instant::now();
        let mut b = Bench {
            now,
            supi: SUPI.to_string(),
            smf: Smf::new(cfg).unwrap(),
            upf: upf(now, UPF_TS),
            upf_up: true,
            sm_data: Ok(subscription(&[
                PduSessionType::Ipv4v6,
                PduSessionType::Ipv4,
                PduSessionType::Ipv6,
            ])),
            n1n2: Vec::new(),
            amf_answer: Ok(N1N2MessageTransferResult::Initiated(
                N1N2MessageTransferRspData {
                    cause: N1N2MessageTransferCause::N1N2TransferInitiated,
                    supported_features: None,
                },
            )),
            responses: HashMap::new(),
            pfcp_sent: Vec::new(),
            pfcp_log: Vec::new(),
            next_id: 0,
        };
        b.smf.handle_timeout(now);
        b.pump();
        b
    }

    /// Delivers every action until nothing moves.
    pub fn pump(&mut self) {
        for _ in 0..10_000 {
            let mut moved = false;
            while let Some(a) = self.smf.poll_action() {
                moved = true;
                match a {
                    Action::Respond { id, response } => {
                        self.responses.insert(id, response);
                    }
                    Action::Sbi { txn, request } => {
                        let reply = match request {
                            SbiRequest::GetSmData { supi, .. } => {
                                let _ = supi;
                                SbiReply::SmData(self.sm_data.clone())
                            }
                            SbiRequest::N1N2Transfer {
                                ue_context_id,
                                transfer,
                            } => {
                                let _ = ue_context_id;
                                self.n1n2.push(transfer);
                                SbiReply::N1N2(self.amf_answer.clone())
                            }
                        };
                        self.smf
                            .handle_event(self.now, Event::SbiReply { txn, reply });
                    }
                    Action::SendPfcp { to, bytes } => {
                        if std::env::var_os("BENCH_DEBUG").is_some() {
                            eprintln!(
                                "SMF -> {to}: {}",
                                ferrocore_pfcp::describe(&bytes).unwrap_or_default()
                            );
                        }
                        self.pfcp_sent.push((bytes[1], to));
                        self.pfcp_log.push(bytes.clone());
                        if self.upf_up && to == upf_addr() {
                            self.upf.handle_input(self.now, smf_addr(), &bytes);
                        }
                    }
                }
            }
            while let Some(t) = self.upf.poll_transmit() {
                moved = true;
                if std::env::var_os("BENCH_DEBUG").is_some() {
                    eprintln!(
                        "UPF -> {}: {}",
                        t.dst,
                        ferrocore_pfcp::describe(&t.payload).unwrap_or_default()
                    );
                }
                if t.dst.ip() == smf_addr().ip() {
                    self.smf.handle_event(
                        self.now,
                        Event::Pfcp {
                            from: upf_addr(),
                            bytes: t.payload,
                        },
                    );
                }
            }
            while let Some(e) = self.upf.poll_event() {
                if std::env::var_os("BENCH_DEBUG").is_some() {
                    eprintln!("UPF event {e:?}");
                }
            }
            if !moved {
                return;
            }
        }
        panic!("the bench does not settle");
    }

    /// Moves the clock on and runs both engines' timers.
    pub fn advance(&mut self, d: Duration) {
        let end = self.now + d;
        loop {
            let upf = if self.upf_up {
                self.upf.poll_timeout()
            } else {
                None
            };
            let next = [self.smf.poll_timeout(), upf]
                .into_iter()
                .flatten()
                .filter(|t| *t <= end)
                .min();
            let Some(t) = next else { break };
            self.now = t.max(self.now);
            self.smf.handle_timeout(self.now);
            if self.upf_up {
                self.upf.handle_timeout(self.now);
            }
            self.pump();
        }
        self.now = end;
    }

    pub fn request(&mut self, request: SmfRequest) -> SmfResponse {
        let id = self.send(request);
        self.responses
            .remove(&id)
            .expect("the SMF answered the request")
    }

    /// Hands a request in and pumps; the answer may come later (in `responses`).
    pub fn send(&mut self, request: SmfRequest) -> RequestId {
        self.next_id += 1;
        let id = RequestId(self.next_id);
        self.smf
            .handle_event(self.now, Event::Request { id, request });
        self.pump();
        id
    }

    /// Create SM Context whose answer may come later.
    pub fn create_pending(&mut self, psi: u8, dnn: &str, n1: Vec<u8>) -> RequestId {
        let c = self.create_request(psi, dnn, n1);
        self.send(SmfRequest::Create(c))
    }

    /// Create SM Context for PDU session `psi` carrying `n1`.
    pub fn create(&mut self, psi: u8, dnn: &str, n1: Vec<u8>) -> SmfResponse {
        let c = self.create_request(psi, dnn, n1);
        self.request(SmfRequest::Create(c))
    }

    pub fn create_request(&mut self, psi: u8, dnn: &str, n1: Vec<u8>) -> SmContextCreate {
        let data = SmContextCreateData {
            supi: Some(self.supi.clone()),
            pdu_session_id: Some(psi),
            dnn: Some(dnn.into()),
            s_nssai: Some(slice()),
            ..SmContextCreateData::new(
                "9f3b0a2c-0000-4000-8000-000000000001",
                PlmnIdNid::new("001", "01"),
                AccessType::ThreeGppAccess,
                "http://127.0.0.1:7003/status",
            )
        };
        SmContextCreate::new(data, Some(n1), None)
    }

    pub fn update(&mut self, sm_ref: &str, update: SmContextUpdate) -> SmfResponse {
        self.request(SmfRequest::Update {
            sm_context_ref: sm_ref.to_string(),
            update,
        })
    }

    pub fn release(&mut self, sm_ref: &str) -> SmfResponse {
        self.request(SmfRequest::Release {
            sm_context_ref: sm_ref.to_string(),
            release: SmContextRelease::default(),
        })
    }
}

/// PDU SESSION ESTABLISHMENT REQUEST (TS 24.501 §8.3.1) of `psi`, PTI 1, with the given
/// type and extended PCO asking for DNS (v4, v6) and the IPv4 link MTU.
pub fn establishment_request(psi: u8, t: Option<PduSessionTypeValue>) -> Vec<u8> {
    let mut r =
        NasPduSessionEstablishmentRequest::new(NasIntegrityProtectionMaximumDataRate::new(0xffff));
    r.pdu_session_type = t.map(NasPduSessionType::from_session_type);
    r.ssc_mode = Some(NasSscMode::from_mode(SscModeValue::Ssc1));
    let ask = |id| PcoEntry {
        identifier: id,
        contents: vec![],
    };
    let pco = Pco::new(0, vec![ask(0x000d), ask(0x0003), ask(0x0010)]);
    r.extended_protocol_configuration_options = Some(epco_ie(&pco, true).unwrap());
    ferrocore_nas::encode(&NasMessage::sm(r, psi, 1)).unwrap()
}

pub fn sm(message: impl Into<Nas5gsmMessage>, psi: u8, pti: u8) -> Vec<u8> {
    ferrocore_nas::encode(&NasMessage::sm(message, psi, pti)).unwrap()
}

/// The 5GSM message in `bytes`.
pub fn decode_sm(bytes: &[u8]) -> (u8, u8, Nas5gsmMessage) {
    match ferrocore_nas::decode(bytes).unwrap() {
        NasMessage::Sm(m) => (m.pdu_session_id, m.pti, m.message),
        other => panic!("not 5GSM: {other:?}"),
    }
}

pub fn gnb_tunnel() -> ferrocore_ngap::GtpTunnel {
    ferrocore_ngap::GtpTunnel {
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 1, 9)),
        teid: 0x0000_beef,
    }
}

pub fn created(r: SmfResponse) -> String {
    match r {
        SmfResponse::Created(Ok(c)) => {
            assert!(
                c.location
                    .starts_with("http://127.0.0.1:7005/nsmf-pdusession/v1/sm-contexts/"),
                "{}",
                c.location
            );
            c.resource_id().to_string()
        }
        other => panic!("not created: {other:?}"),
    }
}

pub fn updated(r: SmfResponse) -> Option<SmContextUpdated> {
    match r {
        SmfResponse::Updated(Ok(u)) => u,
        other => panic!("update failed: {other:?}"),
    }
}

pub fn setup_response(tunnel: ferrocore_ngap::GtpTunnel) -> SmContextUpdate {
    let n2 = SetupResponseTransfer {
        dl_tunnel: tunnel,
        qfis: vec![1],
        failed: vec![],
    }
    .encode()
    .unwrap();
    SmContextUpdate::new(
        SmContextUpdateData {
            n2_sm_info_type: Some(N2SmInfoType::PduResSetupRsp),
            ..Default::default()
        },
        None,
        Some(n2),
    )
}

pub fn up_state(s: UpCnxState) -> SmContextUpdate {
    SmContextUpdate::new(
        SmContextUpdateData {
            up_cnx_state: Some(s),
            ..Default::default()
        },
        None,
        None,
    )
}

/// The gNB's PDU Session Resource Release Response, through the AMF (N2 SM information
/// PDU_RES_REL_RSP, TS 29.502 N2SmInfoType; the content of its transfer is not read).
pub fn release_response() -> SmContextUpdate {
    SmContextUpdate::new(
        SmContextUpdateData {
            n2_sm_info_type: Some(N2SmInfoType::PduResRelRsp),
            ..Default::default()
        },
        None,
        Some(vec![0]),
    )
}

pub fn n1_update(n1: Vec<u8>) -> SmContextUpdate {
    SmContextUpdate::new(SmContextUpdateData::default(), Some(n1), None)
}

pub fn key(sm_ref: &str) -> u64 {
    sm_ref.parse().unwrap()
}

/// A session of PDU session ID `psi` with its user plane up on `tunnel`.
pub fn active_session_on(b: &mut Bench, psi: u8, tunnel: ferrocore_ngap::GtpTunnel) -> String {
    let sm_ref = created(b.create(
        psi,
        "internet",
        establishment_request(psi, Some(PduSessionTypeValue::Ipv4)),
    ));
    let u = updated(b.update(&sm_ref, setup_response(tunnel))).unwrap();
    assert_eq!(u.data.up_cnx_state, Some(UpCnxState::Activated));
    sm_ref
}

/// A session of PDU session ID `psi` with its user plane up on [`gnb_tunnel`].
pub fn active_session(b: &mut Bench, psi: u8) -> String {
    active_session_on(b, psi, gnb_tunnel())
}

/// The UPF's session of `sm_ref`.
pub fn upf_session(b: &Bench, sm_ref: &str) -> SessionState {
    b.upf
        .sessions()
        .find(|s| s.cp_seid == key(sm_ref))
        .expect("the UPF has the session")
        .clone()
}

/// The DL FAR (id 2) of the UPF's session of `cp_seid`.
pub fn dl_far(b: &Bench, cp_seid: u64) -> FarState {
    let s = b
        .upf
        .sessions()
        .find(|s| s.cp_seid == cp_seid)
        .expect("the UPF has the session");
    s.fars.iter().find(|f| f.id == 2).unwrap().clone()
}

/// PFCP Session Modification Requests the SMF sent, with their header SEID.
pub fn modifications_sent_to(b: &Bench) -> Vec<(u64, SessionModificationRequest)> {
    b.pfcp_log
        .iter()
        .filter(|p| p[1] == SESSION_MODIFICATION_REQUEST)
        .map(|p| {
            let m = ferrocore_pfcp::decode(p).unwrap();
            match m.body {
                Body::SessionModificationRequest(r) => (m.header.seid.unwrap(), r),
                other => panic!("{other:?}"),
            }
        })
        .collect()
}

/// PFCP Session Modification Requests the SMF sent.
pub fn modifications_sent(b: &Bench) -> Vec<SessionModificationRequest> {
    modifications_sent_to(b)
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}
