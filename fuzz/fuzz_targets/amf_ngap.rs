//! Fuzzes the AMF engine (`ferrocore_amf::Amf`) with bytes from the N2 side. Each input
//! starts from the same state: one gNB (the simulator engine `ferrocore_sim::Gnb`) after
//! a real NG Setup and one UE (A) registered through it, every SBI request answered by
//! the deterministic home network double of `common`. The input is then split into frames
//! (`common::frames`: kind octet, u16 length, octets), `kind % 5` choosing:
//!
//! 0. the octets as an NGAP PDU on stream 0;
//! 1. the octets as an NGAP PDU on UE stream `(kind >> 3) % 5` (stream 4 is outside the
//!    4 the association has);
//! 2. an UPLINK NAS TRANSPORT with UE A's current AMF / RAN UE NGAP IDs carrying the
//!    octets as its NAS PDU (on UE A's stream);
//! 3. an INITIAL UE MESSAGE with a fresh RAN UE NGAP ID carrying the octets as NAS PDU;
//! 4. the clock moved on by the first two octets in seconds (timers run).
//!
//! After every frame whatever the AMF sends goes to the simulated gNB and UE A, whose
//! answers go back (a bounded exchange: a ping-pong that never ends fails the target).
//!
//! Asserted afterwards: no panic; UE A is still registered unless the AMF counted a
//! procedure that may legitimately end its registration (a registration or
//! de-registration attempt, implicit de-registration); and liveness: a second UE (B)
//! completes an initial registration through the same association (after a fresh NG
//! Setup when the input undid it: a valid NG Setup must then succeed).
#![no_main]

mod common;

use std::time::{Duration, Instant};

use common::{HomeDouble, KEY, OPC, frames, imsi};
use ferrocore_amf::{Action, Amf, AmfConfig, AssocId, Event};
use ferrocore_ngap::msg::{InitialUeMessage, UplinkNasTransport};
use ferrocore_ngap::{NgapMessage, NrCgi, Plmn, RrcEstablishmentCause, Tai, UserLocation};
use ferrocore_sim::{Gnb, GnbConfig, SimEvent, UeProfile, UeState};
use libfuzzer_sys::fuzz_target;

const ASSOC: AssocId = 1;
const STREAMS: u16 = 4;
/// Messages one pump may move before it is called a livelock.
const MAX_MESSAGES: usize = 4096;
/// Known finding (fuzz/regressions/amf_ngap/error_indication_on_inbound_stream_4, see
/// docs/fuzzing.md): the AMF answers a PDU received on stream `s` (ERROR INDICATION, NG
/// SETUP RESPONSE / FAILURE, NG RESET ACKNOWLEDGE, RAN CONFIGURATION UPDATE ACKNOWLEDGE)
/// on that same `s`, even when `s` is not one of its outbound streams, so SCTP refuses
/// the send and the answer is lost. Tolerated while true, so the campaign looks further;
/// set to false once fixed and the regression input must pass.
const TOLERATE_ECHOED_INBOUND_STREAM: bool = false;

struct Net {
    amf: Amf,
    gnb: Gnb,
    home: HomeDouble,
    now: Instant,
    events: Vec<SimEvent>,
    /// The stream of the fuzzed PDU being handled, if any.
    inbound: Option<u16>,
}

fn gnb_config() -> GnbConfig {
    GnbConfig {
        gnb_id: 0x102,
        gnb_id_bits: 22,
        name: "fuzz-gnb".into(),
        mcc: "001".into(),
        mnc: "01".into(),
        tac: 1,
        slices: vec![(1, None)],
        nr_cell_id: 0x000102001,
    }
}

fn location() -> UserLocation {
    let plmn = Plmn::new("001", "01").expect("test PLMN");
    UserLocation {
        cgi: NrCgi {
            plmn,
            cell_id: 0x000102001,
        },
        tai: Tai {
            plmn,
            tac: [0, 0, 1],
        },
    }
}

impl Net {
    fn new() -> Net {
        let now = Instant::now();
        let mut amf = Amf::new(AmfConfig::default()).expect("default configuration");
        amf.handle_event(
            now,
            Event::AssociationUp {
                assoc: ASSOC,
                outbound_streams: STREAMS,
            },
        );
        let mut gnb = Gnb::new(gnb_config());
        gnb.set_ue_streams(STREAMS - 1);
        gnb.start(now);
        let mut net = Net {
            amf,
            gnb,
            home: HomeDouble::default(),
            now,
            events: Vec::new(),
            inbound: None,
        };
        net.pump();
        assert_eq!(net.amf.connected_gnbs(), 1, "NG Setup");
        net
    }

    /// Moves messages between the AMF, the home network and the gNB until all are quiet.
    fn pump(&mut self) {
        let mut moved = 0usize;
        loop {
            let mut any = false;
            while let Some(action) = self.amf.poll_action() {
                any = true;
                moved += 1;
                assert!(moved < MAX_MESSAGES, "the AMF and the gNB never go quiet");
                match action {
                    Action::SendNgap {
                        assoc,
                        stream,
                        bytes,
                    } => {
                        let echoed = TOLERATE_ECHOED_INBOUND_STREAM && self.inbound == Some(stream);
                        assert!(
                            stream < STREAMS || echoed,
                            "AMF sent on stream {stream} of {STREAMS}"
                        );
                        if assoc == ASSOC {
                            self.gnb.handle_ngap(self.now, stream, &bytes);
                        }
                    }
                    Action::Sbi { txn, request } => {
                        let reply = self.home.answer(request);
                        self.amf
                            .handle_event(self.now, Event::SbiReply { txn, reply });
                    }
                    // No SMF here: nothing asks the AMF for N1N2 transfers.
                    Action::N1N2Response { .. } => {}
                }
            }
            while let Some((stream, bytes)) = self.gnb.poll_transmit() {
                any = true;
                moved += 1;
                assert!(moved < MAX_MESSAGES, "the AMF and the gNB never go quiet");
                self.amf.handle_event(
                    self.now,
                    Event::Ngap {
                        assoc: ASSOC,
                        stream,
                        bytes,
                    },
                );
            }
            while let Some(e) = self.gnb.poll_event() {
                moved += 1;
                assert!(moved < MAX_MESSAGES, "the gNB never stops reporting");
                self.events.push(e);
            }
            if !any {
                return;
            }
        }
    }

    fn advance(&mut self, d: Duration) {
        self.now += d;
        for _ in 0..64 {
            let due = |t: Option<Instant>| t.is_some_and(|t| t <= self.now);
            if !due(self.amf.poll_timeout()) && !due(self.gnb.poll_timeout()) {
                return;
            }
            self.amf.handle_timeout(self.now);
            self.gnb.handle_timeout(self.now);
            self.pump();
        }
        panic!("timers still due after 64 rounds at the same instant");
    }

    fn ngap(&mut self, stream: u16, bytes: Vec<u8>) {
        self.inbound = Some(stream);
        self.amf.handle_event(
            self.now,
            Event::Ngap {
                assoc: ASSOC,
                stream,
                bytes,
            },
        );
        self.pump();
        self.inbound = None;
    }

    /// Registers simulated UE number `n` (IMSI 00101000000000n); true when both ends
    /// agree it is registered.
    fn register(&mut self, n: u64) -> bool {
        let ue = self.gnb.add_ue(UeProfile::new(&imsi(n), KEY, OPC));
        self.gnb.register(self.now, ue);
        self.pump();
        for _ in 0..4 {
            if self.gnb.ue(ue).state() == UeState::Registered {
                break;
            }
            // Retransmissions, if a message was lost on the way.
            self.advance(Duration::from_secs(7));
        }
        self.gnb.ue(ue).state() == UeState::Registered && self.registered(n)
    }

    fn registered(&self, n: u64) -> bool {
        self.amf
            .ue_by_supi(&format!("imsi-{}", imsi(n)))
            .is_some_and(|u| u.registered())
    }

    /// Counters of the procedures that may end a registration legitimately.
    fn excuses(&self) -> [u64; 7] {
        let m = self.amf.metrics();
        [
            m.reg_init.req.get(),
            m.reg_mob.req.get(),
            m.reg_period.req.get(),
            m.reg_emerg.req.get(),
            m.dereg_ue_init.get(),
            m.dereg_nw_init.get(),
            m.dereg_implicit.get(),
        ]
    }
}

fuzz_target!(|data: &[u8]| {
    let mut net = Net::new();
    assert!(net.register(1), "UE A registers");
    let a = net
        .amf
        .ue_by_supi(&format!("imsi-{}", imsi(1)))
        .and_then(|u| u.ran)
        .expect("UE A is connected");
    let before = net.excuses();

    for (i, f) in frames(data).into_iter().enumerate() {
        match f.kind % 5 {
            0 => net.ngap(0, f.bytes.to_vec()),
            1 => net.ngap(u16::from(f.kind >> 3) % 5, f.bytes.to_vec()),
            2 => {
                let b = net
                    .amf
                    .ue_by_supi(&format!("imsi-{}", imsi(1)))
                    .and_then(|u| u.ran)
                    .unwrap_or(a);
                let m = UplinkNasTransport {
                    amf_ue_ngap_id: b.amf_ue_id,
                    ran_ue_ngap_id: b.ran_ue_id,
                    nas_pdu: f.bytes.to_vec(),
                    location: location(),
                };
                if let Ok(bytes) = m.encode() {
                    net.ngap(b.stream, bytes);
                }
            }
            3 => {
                let m = InitialUeMessage {
                    ran_ue_ngap_id: 1000 + i as u32,
                    nas_pdu: f.bytes.to_vec(),
                    location: location(),
                    rrc_establishment_cause: RrcEstablishmentCause::mo_Signalling,
                    five_g_s_tmsi: None,
                    ue_context_requested: false,
                };
                if let Ok(bytes) = m.encode() {
                    net.ngap(1, bytes);
                }
            }
            _ => {
                let secs = u64::from(f.bytes.first().copied().unwrap_or(1)) << 8
                    | u64::from(f.bytes.get(1).copied().unwrap_or(0));
                net.advance(Duration::from_secs(secs));
            }
        }
    }

    // No other harm: UE A loses its registration only through a procedure that may end it.
    if !net.registered(1) {
        assert_ne!(
            net.excuses(),
            before,
            "UE A lost its registration without a registration or de-registration procedure"
        );
    }

    // Liveness: a new UE still registers through the same association.
    if !net.gnb.is_ready() || net.amf.connected_gnbs() == 0 {
        net.gnb.start(net.now);
        net.pump();
        assert_eq!(net.amf.connected_gnbs(), 1, "a valid NG Setup is refused after the input");
    }
    assert!(
        net.register(2),
        "a new UE cannot register after the input: sim {:?}, events {:?}",
        net.gnb.ue(net.gnb.ue_count() - 1).state(),
        net.events.iter().rev().take(4).collect::<Vec<_>>()
    );
});
