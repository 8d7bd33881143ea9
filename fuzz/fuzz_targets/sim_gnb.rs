//! Fuzzes the simulator engine (`ferrocore_sim::Gnb`) with bytes from the AMF side. Each
//! input starts from the same state, played by a scripted AMF: NG Setup done, one UE
//! mid-registration (5G AKA and Security Mode Control done, NIA2 / NEA2 context in use,
//! REGISTRATION ACCEPT awaited). The input is split into frames (`common::frames`),
//! `kind % 4` choosing:
//!
//! 0. the octets as an NGAP PDU on stream `(kind >> 2) % 4`;
//! 1. a DOWNLINK NAS TRANSPORT for the UE carrying the octets as a plain NAS PDU;
//! 2. the octets protected (integrity protected and ciphered) with the network's real
//!    security context, so they reach the UE's 5GMM decoder past the MAC check, inside a
//!    DOWNLINK NAS TRANSPORT or, when `kind & 4`, an INITIAL CONTEXT SETUP REQUEST;
//! 3. the clock moved on by the first two octets in seconds (timers run).
//!
//! Asserted: no panic; every PDU the gNB sends decodes as NGAP and UE-associated ones are
//! never on stream 0 (TS 38.412 §7); draining `poll_transmit` / `poll_event` ends; after
//! `handle_timeout(now)` no timer is still due at `now` for more than a few rounds.
#![no_main]

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{AMF_FIELD, KEY, OPC, frames, imsi, snn, sqn_bytes};
use ferrocore_crypto::auth;
use ferrocore_crypto::kdf;
use ferrocore_crypto::secret::{K, Opc};
use ferrocore_crypto::{Milenage, NasCipheringAlgorithm, NasIntegrityAlgorithm};
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, SecurityHeaderType};
use ferrocore_nas_security::{SecurityContext, Side};
use ferrocore_ngap::msg::*;
use ferrocore_ngap::{Guami, Message, NgapMessage, Plmn, PlmnSlices, SecurityCapabilities, Snssai};
use ferrocore_sim::{Gnb, GnbConfig, UeProfile, UeState};
use libfuzzer_sys::fuzz_target;

const AMF_UE_ID: u64 = 77;
const RAN_UE_ID: u32 = 1;
/// Items one drain may take before it is called endless.
const MAX_ITEMS: usize = 4096;

fn gnb_config() -> GnbConfig {
    GnbConfig {
        gnb_id: 0x102,
        gnb_id_bits: 22,
        name: "fuzz-sim".into(),
        mcc: "001".into(),
        mnc: "01".into(),
        tac: 1,
        slices: vec![(1, None)],
        nr_cell_id: 0x000102001,
    }
}

fn plain(m: impl Into<Nas5gmmMessage>) -> Vec<u8> {
    ferrocore_nas::encode(&NasMessage::mm(m)).expect("test NAS encodes")
}

fn downlink(nas: Vec<u8>) -> Vec<u8> {
    DownlinkNasTransport {
        amf_ue_ngap_id: AMF_UE_ID,
        ran_ue_ngap_id: RAN_UE_ID,
        nas_pdu: nas,
    }
    .encode()
    .expect("DL NAS TRANSPORT encodes")
}

/// The scripted AMF's messages, built once: NG SETUP RESPONSE, AUTHENTICATION REQUEST and
/// SECURITY MODE COMMAND (as NGAP octets), and the network security context after them.
struct Script {
    ng_setup_response: Vec<u8>,
    authentication: Vec<u8>,
    security_mode: Vec<u8>,
    ctx: SecurityContext,
}

fn script() -> &'static Script {
    static S: OnceLock<Script> = OnceLock::new();
    S.get_or_init(|| {
        let plmn = Plmn::new("001", "01").expect("test PLMN");
        let ng_setup_response = NgSetupResponse {
            amf_name: "fuzz-amf".into(),
            guamis: vec![Guami {
                plmn,
                region_id: 0xca,
                set_id: 0x3fe,
                pointer: 1,
            }],
            relative_capacity: 255,
            plmn_support: vec![PlmnSlices {
                plmn,
                slices: vec![Snssai { sst: 1, sd: None }],
            }],
        }
        .encode()
        .expect("NG SETUP RESPONSE encodes");
        let milenage = Milenage::new(&K::new(KEY), &Opc::new(OPC));
        let rand = [0x5a; 16];
        let av = auth::generate_he_av(&milenage, &rand, &sqn_bytes(0x40), &AMF_FIELD, &snn());
        let req = NasAuthenticationRequest::new(NasKeySetIdentifier::new(0), NasAbba::new(vec![0, 0]))
            .with_authentication_parameter_rand(NasAuthenticationParameterRand::from_rand(rand))
            .with_authentication_parameter_autn(NasAuthenticationParameterAutn::from_autn(av.autn));
        let kamf = kdf::kamf(&kdf::kseaf(&av.kausf, &snn()), &imsi(1), &[0, 0]);
        let mut ctx = SecurityContext::new(
            Side::Network,
            0,
            kamf,
            NasIntegrityAlgorithm::Nia2,
            NasCipheringAlgorithm::Nea2,
        )
        .expect("NIA2 / NEA2 context");
        let smc = NasSecurityModeCommand::new(
            NasSecurityAlgorithms::from_algorithms(CipheringAlgorithm::NEA2, IntegrityAlgorithm::NIA2),
            NasKeySetIdentifier::new(0),
            NasUeSecurityCapability::from_capabilities(0xf0, 0xf0),
        )
        .with_imeisv_request(NasImeisvRequest::new(1));
        let smc = ctx
            .protect(&plain(smc), SecurityHeaderType::IntegrityProtectedNewContext)
            .expect("SMC protects");
        Script {
            ng_setup_response,
            authentication: downlink(plain(req)),
            security_mode: downlink(smc),
            ctx,
        }
    })
}

struct Bench {
    gnb: Gnb,
    ctx: SecurityContext,
    now: Instant,
}

impl Bench {
    fn new() -> Bench {
        let s = script();
        let now = Instant::now();
        let mut gnb = Gnb::new(gnb_config());
        gnb.set_ue_streams(3);
        gnb.start(now);
        let mut b = Bench {
            gnb,
            ctx: s.ctx.clone(),
            now,
        };
        b.drain();
        b.gnb.handle_ngap(now, 0, &s.ng_setup_response);
        let ue = b.gnb.add_ue(UeProfile::new(&imsi(1), KEY, OPC));
        b.gnb.register(now, ue);
        b.drain();
        b.gnb.handle_ngap(now, 1, &s.authentication);
        b.drain();
        b.gnb.handle_ngap(now, 1, &s.security_mode);
        b.drain();
        assert_eq!(b.gnb.ue(ue).state(), UeState::RegisteredInitiated);
        assert!(b.gnb.ue(ue).security_context().is_some(), "SMC taken");
        b
    }

    /// Takes everything the gNB sends and reports, checking it.
    fn drain(&mut self) {
        let mut n = 0;
        while let Some((stream, bytes)) = self.gnb.poll_transmit() {
            n += 1;
            assert!(n < MAX_ITEMS, "poll_transmit never ends");
            let m = ferrocore_ngap::decode_message(&bytes).expect("the gNB sends valid NGAP");
            let ue_associated = matches!(
                m,
                Message::InitialUeMessage(_)
                    | Message::UplinkNasTransport(_)
                    | Message::InitialContextSetupResponse(_)
                    | Message::InitialContextSetupFailure(_)
                    | Message::UeContextReleaseRequest(_)
                    | Message::UeContextReleaseComplete(_)
                    | Message::UeRadioCapabilityInfoIndication(_)
            );
            assert!(!(ue_associated && stream == 0), "UE signalling on stream 0: {}", m.name());
        }
        let mut n = 0;
        while self.gnb.poll_event().is_some() {
            n += 1;
            assert!(n < MAX_ITEMS, "poll_event never ends");
        }
    }

    fn ngap(&mut self, stream: u16, bytes: &[u8]) {
        self.gnb.handle_ngap(self.now, stream, bytes);
        self.drain();
    }

    fn advance(&mut self, d: Duration) {
        self.now += d;
        for _ in 0..64 {
            if !self.gnb.poll_timeout().is_some_and(|t| t <= self.now) {
                return;
            }
            self.gnb.handle_timeout(self.now);
            self.drain();
        }
        panic!("timers still due after 64 rounds at the same instant");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bench::new();
    for f in frames(data) {
        match f.kind % 4 {
            0 => b.ngap(u16::from(f.kind >> 2) % 4, f.bytes),
            1 => b.ngap(1, &downlink(f.bytes.to_vec())),
            2 => {
                let Ok(nas) = b
                    .ctx
                    .protect(f.bytes, SecurityHeaderType::IntegrityProtectedAndCiphered)
                else {
                    continue;
                };
                if f.kind & 4 == 0 {
                    b.ngap(1, &downlink(nas));
                } else {
                    let m = InitialContextSetupRequest {
                        amf_ue_ngap_id: AMF_UE_ID,
                        ran_ue_ngap_id: RAN_UE_ID,
                        ue_ambr: None,
                        guami: Guami {
                            plmn: Plmn::new("001", "01").expect("test PLMN"),
                            region_id: 0xca,
                            set_id: 0x3fe,
                            pointer: 1,
                        },
                        sessions: vec![],
                        allowed_nssai: vec![Snssai { sst: 1, sd: None }],
                        security_capabilities: SecurityCapabilities {
                            nr_encryption: 0xe000,
                            nr_integrity: 0xe000,
                            eutra_encryption: 0,
                            eutra_integrity: 0,
                        },
                        security_key: [0x11; 32],
                        nas_pdu: Some(nas),
                    };
                    if let Ok(bytes) = m.encode() {
                        b.ngap(1, &bytes);
                    }
                }
            }
            _ => {
                let secs = u64::from(f.bytes.first().copied().unwrap_or(1)) << 8
                    | u64::from(f.bytes.get(1).copied().unwrap_or(0));
                b.advance(Duration::from_secs(secs));
            }
        }
    }
});
