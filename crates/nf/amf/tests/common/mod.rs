//! A test bench for the AMF engine: a virtual clock, a gNB and UEs built from hand-made
//! NGAP / NAS messages, a USIM (Milenage), and the real AUSF + UDM + UDR (SQLite in a
//! temporary folder) answering the engine's SBI requests in process.

#![allow(dead_code)]

/// The AUSF tests' USIM model (K, OPc, SQN_MS, AUTS), shared rather than copied.
#[path = "../../../ausf/tests/common/usim.rs"]
pub mod usim;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferrocore_amf::{
    Action, Amf, AmfConfig, AmfServices, AssocId, Event, N1N2Id, SbiReply, SbiRequest,
};
use ferrocore_ausf::{Ausf, AusfConfig};
use ferrocore_crypto::kdf;
use ferrocore_crypto::secret::Kamf;
use ferrocore_crypto::{NasCipheringAlgorithm, NasIntegrityAlgorithm};
use ferrocore_nas::identity::MobileIdentity;
use ferrocore_nas::ies::{UeSecurityCapability, nas_message_container_ie};
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, SecurityHeaderType};
use ferrocore_nas_security::{NasCount, SecurityContext, Side};
use ferrocore_ngap::msg::*;
use ferrocore_ngap::{
    FiveGSTmsi, GnbId, Message, NgapMessage, NrCgi, PagingDrx, Plmn, PlmnSlices,
    RrcEstablishmentCause, Snssai, SupportedTa, Tai, UserLocation,
};
use ferrocore_sbi::namf_communication::{N1N2MessageTransfer, N1N2MessageTransferResult};
use ferrocore_sbi::nsmf_pdusession::{
    N2SmInfoType, PduSessionService, SmContextCreate, SmContextCreated, SmContextError,
    SmContextRelease, SmContextUpdate, SmContextUpdated, SmContextUpdatedData, UpCnxState,
};
use ferrocore_sbi::{Created, SbiError, async_trait};
use ferrocore_udm::{Udm, UdmConfig};
use ferrocore_udr::SubscriberStore;
use ferrocore_udr::model::{Key128, OperatorKey, Subscriber, Supi};
use ferrocore_udr::nudr::Nudr;

pub use usim::{Refusal, Usim};

pub const K: [u8; 16] = [
    0x46, 0x5b, 0x5c, 0xe8, 0xb1, 0x99, 0xb4, 0x9f, 0xaa, 0x5f, 0x0a, 0x2e, 0xe2, 0x38, 0xa6, 0xbc,
];
pub const OPC: [u8; 16] = [
    0xcd, 0x63, 0xcb, 0x71, 0x95, 0x4a, 0x9f, 0x4e, 0x48, 0xa5, 0x99, 0x4e, 0x37, 0xa0, 0x2b, 0xaf,
];

pub fn snn() -> String {
    kdf::serving_network_name("001", "01").unwrap()
}

pub fn plmn() -> Plmn {
    Plmn::new("001", "01").unwrap()
}

/// AUSF -> UDM -> UDR -> SQLite, in process, on a runtime of its own.
pub struct Home {
    pub rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    pub store: Arc<dyn SubscriberStore>,
    pub udm: Arc<Udm>,
    pub ausf: Arc<Ausf>,
    /// The SMF double.
    pub smf: Arc<SmfDouble>,
    /// The AUSF, UDM and SMF as the AMF calls them.
    pub services: AmfServices,
}

impl Home {
    pub fn new() -> Self {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ferrocore.db");
        let store = rt
            .block_on(ferrocore_udr::open(&format!("sqlite://{}", path.display())))
            .unwrap();
        let nudr = Arc::new(Nudr::new(store.clone()));
        let udm = Arc::new(Udm::new(UdmConfig::default(), nudr));
        let ausf = Arc::new(Ausf::new(AusfConfig::default(), udm.clone()));
        let smf = Arc::new(SmfDouble::default());
        let services = AmfServices {
            ausf: ausf.clone(),
            uecm: udm.clone(),
            sdm: udm.clone(),
            smf: smf.clone(),
        };
        Home {
            rt,
            _dir: dir,
            store,
            udm,
            ausf,
            smf,
            services,
        }
    }

    pub fn add(&self, imsi: &str) {
        let s = Subscriber::new(
            Supi::parse(imsi).unwrap(),
            Key128::new(K),
            OperatorKey::Opc(Key128::new(OPC)),
        );
        self.rt.block_on(self.store.create(&s)).unwrap();
    }

    /// What the runtime does with one SBI request: the same dispatch.
    pub fn answer(&self, request: SbiRequest) -> SbiReply {
        self.rt.block_on(self.services.call(request))
    }
}

/// One NGAP message the AMF sent.
#[derive(Debug, Clone)]
pub struct Sent {
    pub assoc: AssocId,
    pub stream: u16,
    pub message: Message,
}

/// The AMF with a virtual clock, the home network and the NGAP it sent.
pub struct Bench {
    pub amf: Amf,
    pub home: Home,
    pub now: Instant,
    pub sent: VecDeque<Sent>,
    /// SBI requests held back instead of answered (when `hold_sbi`).
    pub held: Vec<(ferrocore_amf::TxnId, SbiRequest)>,
    pub hold_sbi: bool,
    /// N1N2MessageTransfer answers of the engine.
    pub n1n2: VecDeque<(N1N2Id, Result<N1N2MessageTransferResult, SbiError>)>,
    next_n1n2: u64,
}

pub const GNB: AssocId = 1;

impl Bench {
    pub fn new(config: AmfConfig) -> Self {
        Bench {
            amf: Amf::new(config).unwrap(),
            home: Home::new(),
            now: Instant::now(),
            sent: VecDeque::new(),
            held: Vec::new(),
            hold_sbi: false,
            n1n2: VecDeque::new(),
            next_n1n2: 0,
        }
    }

    /// A bench with a default AMF, one gNB set up on [`GNB`] and subscribers.
    pub fn with_gnb(imsis: &[&str]) -> Self {
        let mut b = Bench::new(AmfConfig::default());
        for i in imsis {
            b.home.add(i);
        }
        b.up(GNB);
        let r = b.ngap(GNB, 0, &ng_setup_request(plmn(), [0, 0, 1]));
        assert!(matches!(r.message, Message::NgSetupResponse(_)), "{r:?}");
        b
    }

    pub fn up(&mut self, assoc: AssocId) {
        self.event(Event::AssociationUp {
            assoc,
            outbound_streams: 4,
        });
    }

    pub fn event(&mut self, e: Event) {
        self.amf.handle_event(self.now, e);
        self.pump();
    }

    /// Runs the engine's actions: NGAP into `sent`, SBI answered by the home network.
    pub fn pump(&mut self) {
        while let Some(a) = self.amf.poll_action() {
            match a {
                Action::SendNgap {
                    assoc,
                    stream,
                    bytes,
                } => {
                    let message = ferrocore_ngap::decode_message(&bytes)
                        .expect("the AMF sends decodable NGAP");
                    self.sent.push_back(Sent {
                        assoc,
                        stream,
                        message,
                    });
                }
                Action::N1N2Response { id, result } => self.n1n2.push_back((id, result)),
                Action::Sbi { txn, request } => {
                    if self.hold_sbi {
                        self.held.push((txn, request));
                    } else {
                        let reply = self.home.answer(request);
                        self.amf
                            .handle_event(self.now, Event::SbiReply { txn, reply });
                    }
                }
            }
        }
    }

    /// Sends bytes; returns nothing.
    pub fn raw(&mut self, assoc: AssocId, stream: u16, bytes: Vec<u8>) {
        self.event(Event::Ngap {
            assoc,
            stream,
            bytes,
        });
    }

    /// Sends a message and returns the first NGAP message the AMF sent in answer.
    pub fn ngap<M: NgapMessage>(&mut self, assoc: AssocId, stream: u16, m: &M) -> Sent {
        self.send(assoc, stream, m);
        self.next().expect("an answer")
    }

    pub fn send<M: NgapMessage>(&mut self, assoc: AssocId, stream: u16, m: &M) {
        let bytes = m.encode().unwrap();
        self.raw(assoc, stream, bytes);
    }

    pub fn next(&mut self) -> Option<Sent> {
        self.sent.pop_front()
    }

    /// Moves the clock and runs the timers.
    pub fn advance(&mut self, d: Duration) {
        self.now += d;
        self.amf.handle_timeout(self.now);
        self.pump();
    }

    pub fn counter(&self, sample: &str) -> u64 {
        self.amf.metrics().value(sample)
    }

    /// An SMF's N1N2MessageTransfer for `supi`; returns the engine's answer.
    pub fn n1n2_transfer(
        &mut self,
        supi: &str,
        transfer: N1N2MessageTransfer,
    ) -> Result<N1N2MessageTransferResult, SbiError> {
        self.next_n1n2 += 1;
        let id = N1N2Id(self.next_n1n2);
        self.event(Event::N1N2Transfer {
            id,
            ue_context_id: supi.into(),
            transfer,
        });
        let (got, result) = self.n1n2.pop_front().expect("an N1N2 answer");
        assert_eq!(got, id);
        result
    }
}

/// One request the SMF double received.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SmfCall {
    Create(SmContextCreate),
    Update(String, SmContextUpdate),
    Release(String, SmContextRelease),
}

/// An SMF in a few lines: records every request; creates contexts `ctx-1`, `ctx-2`...;
/// refuses the DNN `"nowhere"` (403 DNN_NOT_SUPPORTED); answers ACTIVATING with a
/// PDU Session Resource Setup Request Transfer and a PDU SESSION MODIFICATION REQUEST
/// with the command and a Modify Request Transfer; 404 for an unknown context.
#[derive(Default)]
pub struct SmfDouble {
    pub calls: Mutex<Vec<SmfCall>>,
    contexts: Mutex<Vec<String>>,
}

impl SmfDouble {
    pub fn calls(&self) -> Vec<SmfCall> {
        self.calls.lock().unwrap().clone()
    }
    pub fn take_calls(&self) -> Vec<SmfCall> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

/// The PDU Session Resource Setup Request Transfer the double's UPF would have (TS 38.413
/// §9.3.4.1): UPF N3 endpoint 10.100.200.1 TEID 0x1001, IPv4, default flow 5QI 9.
pub fn setup_request_transfer() -> Vec<u8> {
    use ferrocore_ngap::transfer::{Ambr, SetupRequestTransfer, Transfer};
    SetupRequestTransfer {
        session_ambr: Some(Ambr {
            downlink: 1_000_000_000,
            uplink: 500_000_000,
        }),
        ul_tunnel: ferrocore_ngap::GtpTunnel {
            addr: std::net::IpAddr::V4(std::net::Ipv4Addr::new(10, 100, 200, 1)),
            teid: 0x1001,
        },
        session_type: ferrocore_ngap::PduSessionType::ipv4,
        qos_flows: vec![ferrocore_ngap::samples::non_gbr_flow(1, 9)],
    }
    .encode()
    .unwrap()
}

/// The gNB's PDU Session Resource Setup Response Transfer: its N3 endpoint.
pub fn setup_response_transfer() -> Vec<u8> {
    use ferrocore_ngap::transfer::{SetupResponseTransfer, Transfer};
    SetupResponseTransfer {
        dl_tunnel: ferrocore_ngap::GtpTunnel {
            addr: std::net::IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 7)),
            teid: 0x77,
        },
        qfis: vec![1],
        failed: vec![],
    }
    .encode()
    .unwrap()
}

/// The PDU Session Resource Modify Request Transfer of the double (TS 38.413 §9.3.4.3):
/// a new session-AMBR and QoS flow 2 (5QI 9) added.
pub fn modify_request_transfer() -> Vec<u8> {
    use ferrocore_ngap::transfer::{Ambr, ModifyRequestTransfer, Transfer};
    ModifyRequestTransfer {
        session_ambr: Some(Ambr {
            downlink: 2_000_000,
            uplink: 1_000_000,
        }),
        add_or_modify: vec![ferrocore_ngap::samples::non_gbr_flow(2, 9)],
        release: vec![],
    }
    .encode()
    .unwrap()
}

/// The gNB's PDU Session Resource Modify Response Transfer: flow 2 added.
pub fn modify_response_transfer() -> Vec<u8> {
    use ferrocore_ngap::transfer::{ModifyResponseTransfer, Transfer};
    ModifyResponseTransfer {
        dl_tunnel: None,
        qfis: vec![2],
        failed: vec![],
    }
    .encode()
    .unwrap()
}

/// 5GSM message type of PDU SESSION MODIFICATION REQUEST (TS 24.501 §9.7).
pub const MODIFICATION_REQUEST: u8 = 0xc9;

/// PDU SESSION MODIFICATION REQUEST of session `psi` (a cause only: the AMF does not
/// read it).
pub fn modification_request(psi: u8, pti: u8) -> Vec<u8> {
    let r = NasPduSessionModificationRequest::new().with_fgsm_cause(NasFGsmCause::new(0x1f));
    ferrocore_nas::encode(&NasMessage::sm(r, psi, pti)).unwrap()
}

/// PDU SESSION MODIFICATION COMMAND of session `psi`: a new session-AMBR (2/1 Mbit/s).
pub fn modification_command(psi: u8, pti: u8) -> Vec<u8> {
    let c = NasPduSessionModificationCommand::new().with_session_ambr(NasSessionAmbr::new(vec![
        0x06, 0x00, 0x02, 0x06, 0x00, 0x01,
    ]));
    ferrocore_nas::encode(&NasMessage::sm(c, psi, pti)).unwrap()
}

/// PDU SESSION MODIFICATION COMPLETE of session `psi`.
pub fn modification_complete(psi: u8, pti: u8) -> Vec<u8> {
    let c = NasPduSessionModificationComplete::new();
    ferrocore_nas::encode(&NasMessage::sm(c, psi, pti)).unwrap()
}

/// PDU SESSION ESTABLISHMENT REQUEST of session `psi` (IPv4).
pub fn establishment_request(psi: u8) -> Vec<u8> {
    let r =
        NasPduSessionEstablishmentRequest::new(NasIntegrityProtectionMaximumDataRate::new(0xffff))
            .with_pdu_session_type(NasPduSessionType::new(1));
    ferrocore_nas::encode(&NasMessage::sm(r, psi, 1)).unwrap()
}

/// PDU SESSION ESTABLISHMENT ACCEPT of session `psi`, as an SMF builds it.
pub fn establishment_accept(psi: u8) -> Vec<u8> {
    let a = NasPduSessionEstablishmentAccept::new(
        NasPduSessionType::new(1),
        NasSscMode::new(1),
        NasQosRules::new(vec![0x01, 0x00, 0x06, 0x31, 0x31, 0x01, 0x01, 0xff, 0x01]),
        NasSessionAmbr::new(vec![0x06, 0x00, 0x64, 0x06, 0x00, 0x32]),
    )
    .with_pdu_address(NasPduAddress::new(vec![0x01, 10, 45, 0, 2]));
    ferrocore_nas::encode(&NasMessage::sm(a, psi, 1)).unwrap()
}

#[async_trait]
impl PduSessionService for SmfDouble {
    async fn create_sm_context(
        &self,
        request: SmContextCreate,
    ) -> Result<Created<SmContextCreated>, SmContextError> {
        self.calls
            .lock()
            .unwrap()
            .push(SmfCall::Create(request.clone()));
        if request.data.dnn.as_deref() == Some("nowhere") {
            return Err(SbiError::new(
                403,
                ferrocore_sbi::nsmf_pdusession::cause::DNN_NOT_SUPPORTED,
                "no such DNN",
            )
            .into());
        }
        let mut contexts = self.contexts.lock().unwrap();
        let r = format!("ctx-{}", contexts.len() + 1);
        contexts.push(r.clone());
        Ok(Created {
            location: format!("http://smf.test/nsmf-pdusession/v1/sm-contexts/{r}"),
            body: SmContextCreated::default(),
        })
    }

    async fn update_sm_context(
        &self,
        sm_context_ref: &str,
        request: SmContextUpdate,
    ) -> Result<Option<SmContextUpdated>, SmContextError> {
        self.calls
            .lock()
            .unwrap()
            .push(SmfCall::Update(sm_context_ref.into(), request.clone()));
        if !self
            .contexts
            .lock()
            .unwrap()
            .iter()
            .any(|c| c == sm_context_ref)
        {
            return Err(SbiError::context_not_found(sm_context_ref.to_owned()).into());
        }
        if request.data.up_cnx_state == Some(UpCnxState::Activating) {
            let data = SmContextUpdatedData {
                up_cnx_state: Some(UpCnxState::Activating),
                n2_sm_info_type: Some(N2SmInfoType::PduResSetupReq),
                ..SmContextUpdatedData::default()
            };
            return Ok(Some(SmContextUpdated::new(
                data,
                None,
                Some(setup_request_transfer()),
            )));
        }
        if let Some(n1) = &request.n1_sm_msg
            && n1.get(3) == Some(&MODIFICATION_REQUEST)
        {
            // UE-requested modification (TS 29.502 §5.2.2.3.2): the command and the
            // NG-RAN's part in one answer.
            let data = SmContextUpdatedData {
                n2_sm_info_type: Some(N2SmInfoType::PduResModReq),
                ..SmContextUpdatedData::default()
            };
            return Ok(Some(SmContextUpdated::new(
                data,
                Some(modification_command(n1[1], n1[2])),
                Some(modify_request_transfer()),
            )));
        }
        Ok(None)
    }

    async fn release_sm_context(
        &self,
        sm_context_ref: &str,
        request: SmContextRelease,
    ) -> Result<(), SbiError> {
        self.calls
            .lock()
            .unwrap()
            .push(SmfCall::Release(sm_context_ref.into(), request));
        self.contexts
            .lock()
            .unwrap()
            .retain(|c| c != sm_context_ref);
        Ok(())
    }
}

pub fn ng_setup_request(plmn: Plmn, tac: [u8; 3]) -> NgSetupRequest {
    NgSetupRequest {
        gnb: GnbId {
            plmn,
            id: 0x1234,
            bits: 22,
        },
        ran_node_name: Some("gnb-test".into()),
        supported_tas: vec![SupportedTa {
            tac,
            plmns: vec![PlmnSlices {
                plmn,
                slices: vec![Snssai { sst: 1, sd: None }],
            }],
        }],
        paging_drx: PagingDrx::v128,
    }
}

pub fn location() -> UserLocation {
    UserLocation {
        cgi: NrCgi {
            plmn: plmn(),
            cell_id: 0x10,
        },
        tai: Tai {
            plmn: plmn(),
            tac: [0, 0, 1],
        },
    }
}

/// A UE: USIM, NAS security context (UE side), identities.
pub struct Ue {
    pub imsi: String,
    pub usim: Usim,
    pub ran_ue_id: u32,
    pub amf_ue_id: Option<u64>,
    pub sec: Option<SecurityContext>,
    pub guti: Option<Guti>,
    pub caps: UeSecurityCapability,
    /// KAMF of the last AKA, until the SECURITY MODE COMMAND takes it into use.
    pending_kamf: Option<(u8, [u8; 32])>,
    /// The initial REGISTRATION REQUEST (for the container of SECURITY MODE COMPLETE).
    pub initial: Vec<u8>,
    pub requested_nssai: Option<Vec<ferrocore_nas::ies::Snssai>>,
}

impl Ue {
    pub fn new(imsi: &str, ran_ue_id: u32) -> Self {
        Ue::with_k(imsi, ran_ue_id, K)
    }

    pub fn with_k(imsi: &str, ran_ue_id: u32, k: [u8; 16]) -> Self {
        Ue {
            imsi: imsi.into(),
            usim: Usim::new(k, OPC, 0),
            ran_ue_id,
            amf_ue_id: None,
            sec: None,
            guti: None,
            caps: UeSecurityCapability {
                ea: 0xf0,
                ia: 0xf0,
                eea: None,
                eia: None,
            },
            pending_kamf: None,
            initial: Vec::new(),
            requested_nssai: None,
        }
    }

    pub fn supi(&self) -> String {
        format!("imsi-{}", self.imsi)
    }

    /// The UE's SUCI (null scheme, routing indicator 0000).
    pub fn suci_ie(&self) -> NasFGsMobileIdentity {
        let msin = &self.imsi[5..];
        MobileIdentity::Suci(ferrocore_nas::identity::ImsiSuci {
            mcc: "001".into(),
            mnc: "01".into(),
            routing_indicator: "0000".into(),
            scheme: ferrocore_nas::identity::ProtectionScheme::Null,
            home_network_public_key_id: 0,
            output: ferrocore_nas::identity::SchemeOutput::Msin(msin.into()),
        })
        .to_ie()
        .unwrap()
    }

    /// A plain REGISTRATION REQUEST of `kind` with the SUCI, or the 5G-GUTI when `guti`.
    pub fn registration_request(&mut self, kind: RegistrationType, guti: bool) -> Vec<u8> {
        let identity = match (&self.guti, guti) {
            (Some(g), true) => MobileIdentity::Guti(*g).to_ie().unwrap(),
            _ => self.suci_ie(),
        };
        let ksi = self.sec.as_ref().map_or(7, |c| c.ng_ksi());
        let mut r = NasRegistrationRequest::new(
            NasFGsRegistrationType::from_registration_type(kind).with_follow_on_request(false),
            NasKeySetIdentifier::new(ksi),
            identity,
        )
        .with_ue_security_capability(self.caps.to_ie());
        if let Some(n) = &self.requested_nssai {
            r = r.with_requested_nssai(ferrocore_nas::ies::nssai_ie(n).unwrap());
        }
        let b = ferrocore_nas::encode(&NasMessage::mm(r)).unwrap();
        self.initial = b.clone();
        b
    }

    /// Protects an uplink message with the UE's context (header type 2, or 1 for an
    /// initial message).
    pub fn protect(&mut self, plain: &[u8], t: SecurityHeaderType) -> Vec<u8> {
        self.sec
            .as_mut()
            .expect("a security context")
            .protect(plain, t)
            .unwrap()
    }

    pub fn mm(&mut self, m: impl Into<Nas5gmmMessage>) -> Vec<u8> {
        let plain = ferrocore_nas::encode(&NasMessage::mm(m)).unwrap();
        match self.sec {
            Some(_) => self.protect(&plain, SecurityHeaderType::IntegrityProtectedAndCiphered),
            None => plain,
        }
    }

    pub fn initial_ue_message(&self, nas: Vec<u8>) -> InitialUeMessage {
        InitialUeMessage {
            ran_ue_ngap_id: self.ran_ue_id,
            nas_pdu: nas,
            location: location(),
            rrc_establishment_cause: RrcEstablishmentCause::mo_Signalling,
            five_g_s_tmsi: self.guti.map(|g| FiveGSTmsi {
                set_id: g.amf_set_id(),
                pointer: g.amf_pointer(),
                tmsi: g.tmsi(),
            }),
            ue_context_requested: false,
        }
    }

    pub fn uplink(&self, nas: Vec<u8>) -> UplinkNasTransport {
        UplinkNasTransport {
            amf_ue_ngap_id: self.amf_ue_id.expect("an AMF-UE-NGAP-ID"),
            ran_ue_ngap_id: self.ran_ue_id,
            nas_pdu: nas,
            location: location(),
        }
    }

    /// Opens a downlink NAS PDU: plain, or verified with the UE's context.
    pub fn open(&mut self, nas: &[u8]) -> Nas5gmmMessage {
        let plain = match ferrocore_nas::security_header(nas).unwrap() {
            None => nas.to_vec(),
            Some(_) => {
                self.sec
                    .as_mut()
                    .expect("a context")
                    .unprotect(nas)
                    .unwrap()
                    .message
            }
        };
        match ferrocore_nas::decode(&plain).unwrap() {
            NasMessage::Mm(m) => m,
            _ => panic!("not 5GMM"),
        }
    }

    /// The answer to an AUTHENTICATION REQUEST, from the USIM.
    pub fn answer_authentication(
        &mut self,
        req: &NasAuthenticationRequest,
    ) -> Result<Vec<u8>, Refusal> {
        let rand = req
            .authentication_parameter_rand
            .as_ref()
            .and_then(|p| p.rand());
        let autn = req
            .authentication_parameter_autn
            .as_ref()
            .and_then(|p| p.autn());
        let (Some(rand), Some(autn)) = (rand, autn) else {
            panic!("AUTHENTICATION REQUEST without RAND and AUTN");
        };
        let res = self.usim.authenticate(rand, autn, &snn())?;
        let kseaf = kdf::kseaf(&res.kausf, &snn());
        // TS 33.501 A.7: P0 is the IMSI digits of an IMSI-based SUPI.
        let kamf = kdf::kamf(&kseaf, &self.imsi, &[0, 0]);
        self.pending_kamf = Some((req.ngksi.value & 0x0f, *kamf.as_bytes()));
        let resp = NasAuthenticationResponse::new().with_authentication_response_parameter(
            NasAuthenticationResponseParameter::new(res.res_star.to_vec()),
        );
        Ok(ferrocore_nas::encode(&NasMessage::mm(resp)).unwrap())
    }

    /// Takes the new context of a SECURITY MODE COMMAND into use (after checking its MAC)
    /// and builds the SECURITY MODE COMPLETE (header type 4) with IMEISV and, when asked,
    /// the initial message.
    pub fn answer_security_mode(&mut self, nas: &[u8]) -> (NasSecurityModeCommand, Vec<u8>) {
        let h = ferrocore_nas::security_header(nas).unwrap().unwrap();
        assert_eq!(
            h.header_type,
            SecurityHeaderType::IntegrityProtectedNewContext
        );
        let NasMessage::Mm(Nas5gmmMessage::SecurityModeCommand(smc)) =
            ferrocore_nas::decode(h.payload).unwrap()
        else {
            panic!("not a SECURITY MODE COMMAND");
        };
        let algs = smc.selected_nas_security_algorithms.value;
        let nia = NasIntegrityAlgorithm::try_from(algs & 0x0f).unwrap();
        let nea = NasCipheringAlgorithm::try_from(algs >> 4).unwrap();
        let (ksi, kamf) = self.pending_kamf.take().expect("an AKA first");
        let mut ctx = SecurityContext::new(Side::Ue, ksi, Kamf::new(kamf), nia, nea).unwrap();
        ctx.unprotect(nas).expect("SMC MAC verifies");
        self.sec = Some(ctx);
        let rinmr = smc
            .additional_5g_security_information
            .as_ref()
            .is_some_and(|a| a.rinmr());
        let mut c = NasSecurityModeComplete::new().with_imeisv(
            MobileIdentity::Imeisv("3564121100000018".into())
                .to_ie()
                .unwrap(),
        );
        if rinmr {
            let inner = ferrocore_nas::decode(&self.initial).unwrap();
            c = c.with_nas_message_container(nas_message_container_ie(&inner).unwrap());
        }
        let plain = ferrocore_nas::encode(&NasMessage::mm(c)).unwrap();
        let out = self.protect(
            &plain,
            SecurityHeaderType::IntegrityProtectedAndCipheredNewContext,
        );
        (*smc, out)
    }
}

/// The NAS PDU of a DOWNLINK NAS TRANSPORT for `ue`.
pub fn dl_nas(s: &Sent, ue: &mut Ue) -> Vec<u8> {
    match &s.message {
        Message::DownlinkNasTransport(d) => {
            assert_eq!(d.ran_ue_ngap_id, ue.ran_ue_id);
            ue.amf_ue_id = Some(d.amf_ue_ngap_id);
            d.nas_pdu.clone()
        }
        other => panic!("expected DownlinkNASTransport, got {other:?}"),
    }
}

/// Runs a whole initial registration of `ue` (SUCI, or the 5G-GUTI when `guti`) up to
/// the REGISTRATION COMPLETE; returns the INITIAL CONTEXT SETUP REQUEST.
pub fn register(b: &mut Bench, ue: &mut Ue, guti: bool) -> InitialContextSetupRequest {
    let nas = ue.registration_request(RegistrationType::InitialRegistration, guti);
    let nas = match (&ue.sec, guti) {
        (Some(_), true) => ue.protect(&nas, SecurityHeaderType::IntegrityProtected),
        _ => nas,
    };
    let m = ue.initial_ue_message(nas);
    let mut s = b.ngap(GNB, 0, &m);
    // Identification, when the 5G-GUTI is not known.
    if let Message::DownlinkNasTransport(_) = &s.message {
        let nas = dl_nas(&s, ue);
        if let Nas5gmmMessage::IdentityRequest(_) = ue.open(&nas) {
            let r = NasIdentityResponse::new(ue.suci_ie());
            let nas = ferrocore_nas::encode(&NasMessage::mm(r)).unwrap();
            s = b.ngap(GNB, 1, &ue.uplink(nas));
        }
    }
    // Authentication and security mode, unless the context was accepted as it is.
    if let Message::DownlinkNasTransport(_) = &s.message {
        let nas = dl_nas(&s, ue);
        let Nas5gmmMessage::AuthenticationRequest(req) = ue.open_plain(&nas) else {
            panic!("expected AUTHENTICATION REQUEST");
        };
        let resp = ue.answer_authentication(&req).expect("USIM accepts");
        let s2 = b.ngap(GNB, 1, &ue.uplink(resp));
        let nas = dl_nas(&s2, ue);
        let (_smc, complete) = ue.answer_security_mode(&nas);
        s = b.ngap(GNB, 1, &ue.uplink(complete));
    }
    let Message::InitialContextSetupRequest(ics) = s.message else {
        panic!("expected InitialContextSetupRequest, got {:?}", s.message);
    };
    ue.amf_ue_id = Some(ics.amf_ue_ngap_id);
    let accept = ue.open(ics.nas_pdu.as_ref().unwrap());
    let Nas5gmmMessage::RegistrationAccept(acc) = accept else {
        panic!("expected REGISTRATION ACCEPT");
    };
    if let Some(g) = &acc.fg_guti {
        let MobileIdentity::Guti(g) = MobileIdentity::parse(g).unwrap() else {
            panic!("not a 5G-GUTI");
        };
        ue.guti = Some(g);
        let complete = ue.mm(NasRegistrationComplete::new());
        b.send(GNB, 1, &ue.uplink(complete));
    }
    let resp = InitialContextSetupResponse {
        amf_ue_ngap_id: ics.amf_ue_ngap_id,
        ran_ue_ngap_id: ics.ran_ue_ngap_id,
        setup: Vec::new(),
    };
    b.send(GNB, 1, &resp);
    ics
}

impl Ue {
    /// Opens a downlink message that the UE takes without a context (plain), or with it.
    pub fn open_plain(&mut self, nas: &[u8]) -> Nas5gmmMessage {
        match ferrocore_nas::security_header(nas).unwrap() {
            None => match ferrocore_nas::decode(nas).unwrap() {
                NasMessage::Mm(m) => m,
                _ => panic!("not 5GMM"),
            },
            Some(_) => self.open(nas),
        }
    }
}

/// Releases the UE's NG connection from the gNB side (AN release).
pub fn an_release(b: &mut Bench, ue: &mut Ue) {
    let req = UeContextReleaseRequest {
        amf_ue_ngap_id: ue.amf_ue_id.unwrap(),
        ran_ue_ngap_id: ue.ran_ue_id,
        pdu_session_ids: Vec::new(),
        cause: ferrocore_ngap::Cause::radioNetwork(
            ferrocore_ngap::CauseRadioNetwork::user_inactivity,
        ),
    };
    let s = b.ngap(GNB, 1, &req);
    let Message::UeContextReleaseCommand(_) = s.message else {
        panic!("expected UEContextReleaseCommand, got {:?}", s.message);
    };
    release_complete(b, ue);
    ue.amf_ue_id = None;
}

/// The gNB's UE CONTEXT RELEASE COMPLETE for `ue`'s NG connection.
pub fn release_complete(b: &mut Bench, ue: &Ue) {
    b.send(
        GNB,
        1,
        &UeContextReleaseComplete {
            amf_ue_ngap_id: ue.amf_ue_id.unwrap(),
            ran_ue_ngap_id: ue.ran_ue_id,
            location: None,
        },
    );
}

/// The next message the AMF sent, a DOWNLINK NAS TRANSPORT for `ue`, opened.
pub fn next_downlink(b: &mut Bench, ue: &mut Ue) -> Nas5gmmMessage {
    let s = b.next().expect("a downlink message");
    let nas = dl_nas(&s, ue);
    ue.open(&nas)
}

pub fn nas_count(v: u32) -> NasCount {
    NasCount::new(v).unwrap()
}
