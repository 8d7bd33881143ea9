//! A scripted network side for the simulator's tests: it plays the AMF with the same
//! wire crates, computing 5G AKA vectors with ferrocore-crypto and protecting NAS with a
//! network-side ferrocore-nas-security context.

#![allow(dead_code)]

pub mod session;

use std::time::{Duration, Instant};

use ferrocore_crypto::auth::{self, HeAuthVector};
use ferrocore_crypto::kdf;
use ferrocore_crypto::milenage::{K, Milenage, Opc};
use ferrocore_crypto::{NasCipheringAlgorithm, NasIntegrityAlgorithm};
use ferrocore_nas::ies::{Snssai, nssai_ie};
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, SecurityHeaderType};
use ferrocore_nas_security::{SecurityContext, Side};
use ferrocore_ngap::msg::*;
use ferrocore_ngap::{Guami, Message, NgapMessage, Plmn, SecurityCapabilities, decode_message};
use ferrocore_sim::{Gnb, GnbConfig, SimEvent, UeId, UeProfile};

pub const K_HEX: &str = "465b5ce8b199b49faa5f0a2ee238a6bc";
pub const OPC_HEX: &str = "cd63cb71954a9f4e48a5994e37a02baf";
pub const IMSI: &str = "001010000000001";
pub const AMF_UE_NGAP_ID: u64 = 77;
/// AMF field of AUTN with the separation bit set (TS 33.501 Annex A.7.1).
pub const AMF_FIELD: [u8; 2] = [0x80, 0x00];

pub fn k() -> [u8; 16] {
    hex::decode(K_HEX).unwrap().try_into().unwrap()
}

pub fn opc() -> [u8; 16] {
    hex::decode(OPC_HEX).unwrap().try_into().unwrap()
}

pub fn gnb_config() -> GnbConfig {
    GnbConfig {
        gnb_id: 0x000102,
        gnb_id_bits: 22,
        name: "ferrocore-sim".into(),
        mcc: "001".into(),
        mnc: "01".into(),
        tac: 1,
        slices: vec![(1, None), (1, Some(0x010203))],
        nr_cell_id: 0x000102001,
    }
}

pub fn profile() -> UeProfile {
    let mut p = UeProfile::new(IMSI, k(), opc());
    p.sqn = 0x20;
    p.requested_nssai = vec![(1, None)];
    p
}

pub fn serving_network_name() -> String {
    kdf::serving_network_name("001", "01").unwrap()
}

pub fn sqn_bytes(sqn: u64) -> [u8; 6] {
    let b = sqn.to_be_bytes();
    [b[2], b[3], b[4], b[5], b[6], b[7]]
}

/// Drains every transmit into typed NGAP messages with their streams.
pub fn transmits(gnb: &mut Gnb) -> Vec<(u16, Message)> {
    let mut out = Vec::new();
    while let Some((stream, bytes)) = gnb.poll_transmit() {
        out.push((
            stream,
            decode_message(&bytes).expect("the gNB sends valid NGAP"),
        ));
    }
    out
}

pub fn events(gnb: &mut Gnb) -> Vec<SimEvent> {
    std::iter::from_fn(|| gnb.poll_event()).collect()
}

/// A gNB after a scripted NG Setup.
pub fn ready_gnb(now: Instant) -> Gnb {
    let mut gnb = Gnb::new(gnb_config());
    gnb.start(now);
    let sent = transmits(&mut gnb);
    assert_eq!(sent.len(), 1);
    assert!(matches!(sent[0], (0, Message::NgSetupRequest(_))));
    complete_ng_setup(&mut gnb, now, "test-amf", 255);
    assert_eq!(events(&mut gnb), vec![SimEvent::NgSetupDone]);
    gnb
}

/// Answers the gNB's NG SETUP REQUEST with an NG SETUP RESPONSE from `amf_name`.
pub fn complete_ng_setup(gnb: &mut Gnb, now: Instant, amf_name: &str, relative_capacity: u8) {
    let rsp = NgSetupResponse {
        amf_name: amf_name.into(),
        guamis: vec![guami()],
        relative_capacity,
        plmn_support: plmn_support(),
    };
    gnb.handle_ngap(now, 0, &rsp.encode().unwrap());
}

/// A ready gNB with one UE of `profile` whose REGISTRATION REQUEST the AMF has taken
/// (from its INITIAL UE MESSAGE): the conversation goes on with the AMF's first answer.
pub fn registering_ue(now: Instant, profile: UeProfile) -> (Gnb, UeId, TestAmf) {
    let mut gnb = ready_gnb(now);
    let ue = gnb.add_ue(profile);
    let amf = TestAmf::start_registration(&mut gnb, now, ue);
    (gnb, ue, amf)
}

/// A ready gNB with one UE of the default profile, registered, its events drained.
pub fn registered_ue(now: Instant) -> (Gnb, UeId, TestAmf) {
    let mut gnb = ready_gnb(now);
    let ue = gnb.add_ue(profile());
    let amf = register(&mut gnb, now, ue);
    events(&mut gnb);
    (gnb, ue, amf)
}

pub fn plmn_support() -> Vec<ferrocore_ngap::PlmnSlices> {
    vec![ferrocore_ngap::PlmnSlices {
        plmn: Plmn::new("001", "01").unwrap(),
        slices: vec![ferrocore_ngap::Snssai { sst: 1, sd: None }],
    }]
}

pub fn guami() -> Guami {
    Guami {
        plmn: Plmn::new("001", "01").unwrap(),
        region_id: 0xca,
        set_id: 0x3fe,
        pointer: 1,
    }
}

pub fn guti(tmsi: u32) -> Guti {
    Guti::new(NasPlmn::new("001", "01").unwrap(), 0xca, 0x3fe, 1, tmsi).unwrap()
}

pub use ferrocore_nas::types::Plmn as NasPlmn;

/// The network side of one UE's N1/N2 conversation.
pub struct TestAmf {
    pub milenage: Milenage,
    pub sqn: u64,
    pub ran_id: u32,
    pub amf_id: u64,
    pub ctx: Option<SecurityContext>,
    pub av: Option<HeAuthVector>,
    pub ng_ksi: u8,
}

impl TestAmf {
    pub fn new() -> Self {
        TestAmf {
            milenage: Milenage::new(&K::new(k()), &Opc::new(opc())),
            sqn: 0x40,
            ran_id: 0,
            amf_id: AMF_UE_NGAP_ID,
            ctx: None,
            av: None,
            ng_ksi: 0,
        }
    }

    /// Starts the registration of `ue` and takes its INITIAL UE MESSAGE.
    pub fn start_registration(gnb: &mut Gnb, now: Instant, ue: UeId) -> TestAmf {
        let mut amf = TestAmf::new();
        gnb.register(now, ue);
        amf.initial(gnb);
        amf
    }

    /// Takes the INITIAL UE MESSAGE from the transmits; returns it.
    pub fn initial(&mut self, gnb: &mut Gnb) -> InitialUeMessage {
        let sent = transmits(gnb);
        let found = sent.into_iter().find_map(|(stream, m)| match m {
            Message::InitialUeMessage(m) => {
                assert_ne!(stream, 0, "UE-associated signalling on a non-zero stream");
                Some(m)
            }
            _ => None,
        });
        let m = found.expect("an INITIAL UE MESSAGE");
        self.ran_id = m.ran_ue_ngap_id;
        m
    }

    /// The NAS PDUs of the UPLINK NAS TRANSPORTs sent so far (other messages returned too).
    pub fn uplinks(&mut self, gnb: &mut Gnb) -> (Vec<Vec<u8>>, Vec<Message>) {
        let mut nas = Vec::new();
        let mut other = Vec::new();
        for (stream, m) in transmits(gnb) {
            match m {
                Message::UplinkNasTransport(u) => {
                    assert_ne!(stream, 0);
                    assert_eq!(u.ran_ue_ngap_id, self.ran_id);
                    assert_eq!(u.amf_ue_ngap_id, self.amf_id);
                    nas.push(u.nas_pdu);
                }
                m => other.push(m),
            }
        }
        (nas, other)
    }

    /// The one uplink NAS PDU.
    pub fn uplink(&mut self, gnb: &mut Gnb) -> Vec<u8> {
        let (mut nas, _) = self.uplinks(gnb);
        assert_eq!(nas.len(), 1, "one uplink NAS message");
        nas.remove(0)
    }

    pub fn downlink(&self, gnb: &mut Gnb, now: Instant, nas: Vec<u8>) {
        let m = DownlinkNasTransport {
            amf_ue_ngap_id: self.amf_id,
            ran_ue_ngap_id: self.ran_id,
            nas_pdu: nas,
        };
        gnb.handle_ngap(now, 1, &m.encode().unwrap());
    }

    pub fn plain(msg: impl Into<Nas5gmmMessage>) -> Vec<u8> {
        ferrocore_nas::encode(&NasMessage::mm(msg)).unwrap()
    }

    /// A 5G AKA challenge for SQN `sqn` (TS 33.501 §6.1.3.2).
    pub fn authentication_request(&mut self, sqn: u64) -> Vec<u8> {
        let rand: [u8; 16] = core::array::from_fn(|i| i as u8 * 7 + sqn as u8);
        let av = auth::generate_he_av(
            &self.milenage,
            &rand,
            &sqn_bytes(sqn),
            &AMF_FIELD,
            &serving_network_name(),
        );
        let req = NasAuthenticationRequest::new(
            NasKeySetIdentifier::new(self.ng_ksi),
            NasAbba::new(vec![0, 0]),
        )
        .with_authentication_parameter_rand(NasAuthenticationParameterRand::from_rand(rand))
        .with_authentication_parameter_autn(NasAuthenticationParameterAutn::from_autn(av.autn));
        self.av = Some(av);
        Self::plain(req)
    }

    /// Challenges the UE with the AMF's SQN; returns the UE's answer (one uplink NAS PDU).
    pub fn run_authentication(&mut self, gnb: &mut Gnb, now: Instant) -> Vec<u8> {
        let challenge = self.authentication_request(self.sqn);
        self.downlink(gnb, now, challenge);
        self.uplink(gnb)
    }

    /// Sends the SECURITY MODE COMMAND replaying `capability`; returns the UE's answer
    /// (one uplink NAS PDU).
    pub fn run_security_mode(
        &mut self,
        gnb: &mut Gnb,
        now: Instant,
        capability: (u8, u8),
    ) -> Vec<u8> {
        let smc = self.security_mode_command(capability);
        self.downlink(gnb, now, smc);
        self.uplink(gnb)
    }

    /// KAMF of the last challenge (TS 33.501 Annex A.6, A.7).
    pub fn take_context(&mut self) {
        let av = self.av.as_ref().unwrap();
        let snn = serving_network_name();
        let kseaf = kdf::kseaf(&av.kausf, &snn);
        let kamf = kdf::kamf(&kseaf, IMSI, &[0, 0]);
        self.ctx = Some(
            SecurityContext::new(
                Side::Network,
                self.ng_ksi,
                kamf,
                NasIntegrityAlgorithm::Nia2,
                NasCipheringAlgorithm::Nea2,
            )
            .unwrap(),
        );
    }

    /// SECURITY MODE COMMAND, NIA2 / NEA2, replaying `capability`, IMEISV requested.
    pub fn security_mode_command(&mut self, capability: (u8, u8)) -> Vec<u8> {
        self.take_context();
        let smc = NasSecurityModeCommand::new(
            NasSecurityAlgorithms::from_algorithms(
                CipheringAlgorithm::NEA2,
                IntegrityAlgorithm::NIA2,
            ),
            NasKeySetIdentifier::new(self.ng_ksi),
            NasUeSecurityCapability::from_capabilities(capability.0, capability.1),
        )
        .with_imeisv_request(NasImeisvRequest::new(1));
        self.seal(smc, SecurityHeaderType::IntegrityProtectedNewContext)
    }

    /// Opens an uplink message with the network context.
    pub fn open(&mut self, bytes: &[u8]) -> (SecurityHeaderType, NasMessage) {
        let u = self
            .ctx
            .as_mut()
            .unwrap()
            .unprotect(bytes)
            .expect("uplink MAC verifies");
        (u.header_type, ferrocore_nas::decode(&u.message).unwrap())
    }

    /// The one uplink NAS PDU, opened.
    pub fn open_uplink(&mut self, gnb: &mut Gnb) -> (SecurityHeaderType, NasMessage) {
        let bytes = self.uplink(gnb);
        self.open(&bytes)
    }

    /// `msg` integrity protected and ciphered with the current context.
    pub fn protect(&mut self, msg: impl Into<Nas5gmmMessage>) -> Vec<u8> {
        self.seal(msg, SecurityHeaderType::IntegrityProtectedAndCiphered)
    }

    /// Sends `msg` protected and ciphered; returns the UE's one answer, opened.
    pub fn exchange_protected(
        &mut self,
        gnb: &mut Gnb,
        now: Instant,
        msg: impl Into<Nas5gmmMessage>,
    ) -> NasMessage {
        let nas = self.protect(msg);
        self.downlink(gnb, now, nas);
        self.open_uplink(gnb).1
    }

    /// `msg` protected as `header` says with the current context.
    fn seal(&mut self, msg: impl Into<Nas5gmmMessage>, header: SecurityHeaderType) -> Vec<u8> {
        let plain = Self::plain(msg);
        self.ctx.as_mut().unwrap().protect(&plain, header).unwrap()
    }

    /// Lets `ue` deregister (`switch_off` or not); returns its DEREGISTRATION REQUEST,
    /// opened, with the security header it came with.
    pub fn ue_deregisters(
        &mut self,
        gnb: &mut Gnb,
        now: Instant,
        ue: UeId,
        switch_off: bool,
    ) -> (SecurityHeaderType, NasDeregistrationRequestUeOriginating) {
        gnb.deregister(now, ue, switch_off);
        let (header, req) = self.open_uplink(gnb);
        let NasMessage::Mm(Nas5gmmMessage::DeregistrationRequestUeOriginating(req)) = req else {
            panic!("DEREGISTRATION REQUEST: {req:?}")
        };
        (header, *req)
    }

    pub fn registration_accept(&mut self, tmsi: u32) -> Vec<u8> {
        let accept = NasRegistrationAccept::new(NasFGsRegistrationResult::from_result(
            RegistrationResult::ThreeGppAccess,
        ))
        .with_fg_guti(NasFGsMobileIdentity::from_guti(guti(tmsi)))
        .with_tai_list(
            NasFGsTrackingAreaIdentityList::from_plmn_tacs(
                &NasPlmn::new("001", "01").unwrap(),
                &[1],
            )
            .unwrap(),
        )
        .with_allowed_nssai(nssai_ie(&[Snssai::new(1, None)]).unwrap())
        .with_t3512_value(NasT3512Value::from_seconds(3600).unwrap());
        self.protect(accept)
    }

    /// INITIAL CONTEXT SETUP REQUEST carrying `nas`.
    pub fn initial_context_setup(&self, gnb: &mut Gnb, now: Instant, nas: Vec<u8>) {
        let m = InitialContextSetupRequest {
            amf_ue_ngap_id: self.amf_id,
            ran_ue_ngap_id: self.ran_id,
            ue_ambr: None,
            guami: guami(),
            sessions: vec![],
            allowed_nssai: vec![ferrocore_ngap::Snssai { sst: 1, sd: None }],
            security_capabilities: SecurityCapabilities {
                nr_encryption: 0xe000,
                nr_integrity: 0xe000,
                eutra_encryption: 0,
                eutra_integrity: 0,
            },
            security_key: [0x11; 32],
            nas_pdu: Some(nas),
        };
        gnb.handle_ngap(now, 1, &m.encode().unwrap());
    }

    pub fn release(&self, gnb: &mut Gnb, now: Instant) {
        let m = UeContextReleaseCommand {
            ids: UeNgapIds::Pair {
                amf: self.amf_id,
                ran: self.ran_id,
            },
            cause: ferrocore_ngap::Cause::nas(ferrocore_ngap::CauseNas::normal_release),
        };
        gnb.handle_ngap(now, 1, &m.encode().unwrap());
    }
}

/// The 5GMM message inside a plain NAS PDU.
pub fn mm(bytes: &[u8]) -> Nas5gmmMessage {
    match ferrocore_nas::decode(bytes).unwrap() {
        NasMessage::Mm(m) => m,
        _ => panic!("not a plain 5GMM message"),
    }
}

pub fn later(now: Instant, secs: u64) -> Instant {
    now + Duration::from_secs(secs)
}

/// Runs a whole registration of `ue`; returns the AMF with its context.
pub fn register(gnb: &mut Gnb, now: Instant, ue: UeId) -> TestAmf {
    let mut amf = TestAmf::start_registration(gnb, now, ue);
    amf.run_authentication(gnb, now);
    amf.run_security_mode(gnb, now, (0xf0, 0xf0));
    let accept = amf.registration_accept(0x1234);
    amf.initial_context_setup(gnb, now, accept);
    let (nas, _) = amf.uplinks(gnb);
    assert_eq!(nas.len(), 1);
    amf.open(&nas[0]);
    amf
}
