//! The gNB (TS 38.413, NG-RAN node side): NG Setup, one UE-associated logical
//! NG-connection per UE connection, NAS transport between the AMF and the [`Ue`]s.
//!
//! - [`build`]: the NGAP messages the gNB sends.
//! - [`receive`]: one handler per NGAP message from the AMF.
//! - [`radio_capability`]: the UE radio capability every simulated UE reports.
//!
//! Non-UE-associated signalling goes on SCTP stream 0, UE-associated signalling on the
//! streams 1..=n (TS 38.412 §7), one stream per connection.

mod build;
pub mod radio_capability;
mod receive;
mod session;
mod user_plane;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use ferrocore_ngap::NgapMessage;
use ferrocore_ngap::msg::{InitialUeMessage, UplinkNasTransport};
use ferrocore_ngap::{FiveGSTmsi, Plmn, RrcEstablishmentCause};
use tracing::{debug, info_span, warn};

use crate::ue::{ServiceType, UeOutput};
use crate::{GnbConfig, ModificationRequest, SessionRequest, SimEvent, Ue, UeId, UeProfile};

use user_plane::Tunnel;

/// The stream of non-UE-associated signalling (TS 38.412 §7).
pub const NON_UE_STREAM: u16 = 0;
/// How long the gNB waits for an answer to NG SETUP REQUEST before sending it again.
const NG_SETUP_WAIT: Duration = Duration::from_secs(5);
/// NG SETUP REQUEST transmissions before giving up.
const NG_SETUP_ATTEMPTS: u8 = 3;

/// The state of the NG interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NgState {
    Idle,
    SetupSent { attempts: u8, deadline: Instant },
    Ready,
    Failed,
}

/// One UE-associated logical NG-connection (TS 38.413 §3.1).
#[derive(Debug)]
struct Connection {
    ue: UeId,
    ran_id: u32,
    amf_id: Option<u64>,
    /// Uplink NAS waiting for the AMF UE NGAP ID (the AMF has not spoken yet).
    held: VecDeque<Vec<u8>>,
    /// UE RADIO CAPABILITY INFO INDICATION sent on this connection.
    capability_sent: bool,
}

struct UeSlot {
    ue: Ue,
    /// RAN UE NGAP ID of the UE's current connection.
    conn: Option<u32>,
    /// The deadline this UE has in the timer index.
    deadline: Option<Instant>,
    /// N3 tunnels of the sessions whose user plane is up, by PSI.
    tunnels: Vec<Tunnel>,
    /// The tunnels of the last connection, kept in CM-IDLE for [`Gnb::inject_uplink`].
    parked: Vec<Tunnel>,
    /// Uplink packets (with their headroom) waiting for the user plane: PSI, packet.
    pending_ul: VecDeque<(u8, Vec<u8>)>,
}

/// A gNB with its UEs: one sans-IO engine. Feed it NGAP octets and time, drain what it
/// sends and reports.
pub struct Gnb {
    config: GnbConfig,
    plmn: Option<Plmn>,
    ng: NgState,
    ues: Vec<UeSlot>,
    connections: HashMap<u32, Connection>,
    next_ran_id: u32,
    /// Initial NAS messages waiting for NG Setup to finish.
    waiting: VecDeque<(UeId, Vec<u8>, Option<FiveGSTmsi>, ServiceType)>,
    timers: BTreeSet<(Instant, UeId)>,
    ue_streams: u16,
    transmits: VecDeque<(u16, Vec<u8>)>,
    events: VecDeque<SimEvent>,
    /// The gNB's N3 address: the DL F-TEID it gives the core.
    n3_addr: IpAddr,
    /// UDP port of the UPFs' GTP-U endpoints.
    upf_port: u16,
    /// DL TEID -> (UE, PSI).
    teids: HashMap<u32, (UeId, u8)>,
    next_teid: u32,
    /// GTP-U datagrams to send: echo responses, error indications, packets that waited.
    user_plane: VecDeque<(SocketAddr, Vec<u8>)>,
    span: tracing::Span,
}

impl Gnb {
    /// A gNB with `config`; nothing is sent before [`Gnb::start`].
    pub fn new(config: GnbConfig) -> Gnb {
        let span = info_span!("gnb", gnb_id = config.gnb_id);
        let plmn = Plmn::new(&config.mcc, &config.mnc).ok();
        Gnb {
            config,
            plmn,
            ng: NgState::Idle,
            ues: Vec::new(),
            connections: HashMap::new(),
            next_ran_id: 1,
            waiting: VecDeque::new(),
            timers: BTreeSet::new(),
            ue_streams: 1,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            n3_addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
            upf_port: ferrocore_gtpu::UDP_PORT,
            teids: HashMap::new(),
            next_teid: 1,
            user_plane: VecDeque::new(),
            span,
        }
    }

    /// The N3 address the gNB gives the core as its DL F-TEID address (TS 38.413
    /// §9.3.2.2); 127.0.0.1 until set. The driver sets it to the address its GTP-U socket
    /// is bound to.
    pub fn set_n3_address(&mut self, addr: IpAddr) {
        self.n3_addr = addr;
    }

    /// The N3 address.
    pub fn n3_address(&self) -> IpAddr {
        self.n3_addr
    }

    /// The UDP port of the UPFs' GTP-U endpoints (the F-TEID carries an address only);
    /// 2152 (TS 29.281 §4.4.2) unless set, e.g. for a test UPF on another port.
    pub fn set_upf_port(&mut self, port: u16) {
        self.upf_port = port;
    }

    /// The configuration.
    pub fn config(&self) -> &GnbConfig {
        &self.config
    }

    /// Spreads UE-associated signalling over streams 1..=`streams` (at least 1); the
    /// driver sets this to the outbound stream count of the SCTP association minus one.
    pub fn set_ue_streams(&mut self, streams: u16) {
        self.ue_streams = streams.max(1);
    }

    /// Whether NG Setup has completed.
    pub fn is_ready(&self) -> bool {
        self.ng == NgState::Ready
    }

    /// Queues the NG SETUP REQUEST on stream 0 (TS 38.413 §8.7.1.2).
    pub fn start(&mut self, now: Instant) {
        let _g = self.span.clone().entered();
        self.send_ng_setup(now, 1);
    }

    fn send_ng_setup(&mut self, now: Instant, attempts: u8) {
        match self.ng_setup_request() {
            Ok(bytes) => {
                self.transmits.push_back((NON_UE_STREAM, bytes));
                self.ng = NgState::SetupSent {
                    attempts,
                    deadline: now + NG_SETUP_WAIT,
                };
            }
            Err(e) => {
                warn!(error = %e, "cannot build NG SETUP REQUEST");
                self.ng = NgState::Failed;
                self.events.push_back(SimEvent::NgSetupFailed {
                    cause: format!("configuration: {e}"),
                });
            }
        }
    }

    /// Adds a UE camping on this gNB's cell.
    pub fn add_ue(&mut self, profile: UeProfile) -> UeId {
        let ue = Ue::new(profile, &self.config.mcc, &self.config.mnc);
        self.ues.push(UeSlot {
            ue,
            conn: None,
            deadline: None,
            tunnels: Vec::new(),
            parked: Vec::new(),
            pending_ul: VecDeque::new(),
        });
        self.ues.len() - 1
    }

    /// The number of UEs.
    pub fn ue_count(&self) -> usize {
        self.ues.len()
    }

    /// Starts an initial registration of `ue`: 5G-GUTI if the UE holds one, else SUCI.
    /// An unknown `ue` is ignored.
    pub fn register(&mut self, now: Instant, ue: UeId) {
        if let Some(slot) = self.ues.get_mut(ue) {
            slot.ue.register(now);
            self.drain_ue(now, ue);
        }
    }

    /// Starts a UE-originating de-registration of `ue`, switch off or normal.
    pub fn deregister(&mut self, now: Instant, ue: UeId, switch_off: bool) {
        if let Some(slot) = self.ues.get_mut(ue) {
            slot.ue.deregister(now, switch_off);
            self.drain_ue(now, ue);
        }
    }

    /// Starts a UE-requested PDU session establishment (TS 24.501 §6.4.1.2) of a
    /// registered `ue`; an idle UE comes back with a service request first. The outcome
    /// is a [`SimEvent::SessionEstablished`] or [`SimEvent::SessionFailed`].
    pub fn establish_session(&mut self, now: Instant, ue: UeId, request: SessionRequest) {
        if let Some(slot) = self.ues.get_mut(ue) {
            slot.ue.establish_session(now, request);
            self.drain_ue(now, ue);
        }
    }

    /// Starts a UE-requested PDU session modification asking for one more QoS flow (TS
    /// 24.501 §6.4.2.2). The outcome is a [`SimEvent::SessionModified`] or
    /// [`SimEvent::ModificationFailed`].
    pub fn modify_session(&mut self, now: Instant, ue: UeId, request: ModificationRequest) {
        if let Some(slot) = self.ues.get_mut(ue) {
            slot.ue.modify_session(now, request);
            self.drain_ue(now, ue);
        }
    }

    /// Starts a UE-requested PDU session release (TS 24.501 §6.4.3.2).
    pub fn release_session(&mut self, now: Instant, ue: UeId, psi: u8) {
        if let Some(slot) = self.ues.get_mut(ue) {
            slot.ue.release_session(now, psi);
            self.drain_ue(now, ue);
        }
    }

    /// One NGAP PDU from the AMF, received on SCTP stream `stream`.
    pub fn handle_ngap(&mut self, now: Instant, stream: u16, bytes: &[u8]) {
        let _g = self.span.clone().entered();
        self.receive(now, stream, bytes);
    }

    /// The next NGAP PDU to send, with its SCTP stream.
    pub fn poll_transmit(&mut self) -> Option<(u16, Vec<u8>)> {
        self.transmits.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<SimEvent> {
        self.events.pop_front()
    }

    /// When [`Gnb::handle_timeout`] is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let ng = match self.ng {
            NgState::SetupSent { deadline, .. } => Some(deadline),
            _ => None,
        };
        let ue = self.timers.first().map(|(t, _)| *t);
        match (ng, ue) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Runs the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let _g = self.span.clone().entered();
        if let NgState::SetupSent { attempts, deadline } = self.ng
            && deadline <= now
        {
            if attempts >= NG_SETUP_ATTEMPTS {
                self.ng = NgState::Failed;
                self.events.push_back(SimEvent::NgSetupFailed {
                    cause: "no answer to NG SETUP REQUEST".into(),
                });
            } else {
                self.send_ng_setup(now, attempts + 1);
            }
        }
        while let Some(&(t, id)) = self.timers.first() {
            if t > now {
                break;
            }
            self.timers.pop_first();
            if let Some(slot) = self.ues.get_mut(id) {
                slot.deadline = None;
                slot.ue.handle_timeout(now);
            }
            self.drain_ue(now, id);
        }
    }

    /// The UE `ue`. Panics on an id [`Gnb::add_ue`] did not return (a caller bug, not
    /// network input).
    pub fn ue(&self, ue: UeId) -> &Ue {
        &self.ues[ue].ue
    }

    fn stream_of(&self, ran_id: u32) -> u16 {
        1 + (ran_id % u32::from(self.ue_streams)) as u16
    }

    /// Moves what the UE produced onto the NG interface and the event queue, and
    /// re-files its timer.
    fn drain_ue(&mut self, now: Instant, id: UeId) {
        loop {
            let Some(slot) = self.ues.get_mut(id) else {
                return;
            };
            let Some(out) = slot.ue.poll_output() else {
                break;
            };
            match out {
                UeOutput::Nas {
                    pdu,
                    initial,
                    s_tmsi,
                    cause,
                } => {
                    let s_tmsi = s_tmsi.map(|s| FiveGSTmsi {
                        set_id: s.amf_set_id(),
                        pointer: s.amf_pointer(),
                        tmsi: s.tmsi(),
                    });
                    if initial || slot.conn.is_none() {
                        self.initial_message(id, pdu, s_tmsi, cause);
                    } else {
                        self.uplink(id, pdu);
                    }
                }
                UeOutput::Release => self.release_locally(id),
                UeOutput::Registered { at } => {
                    self.events.push_back(SimEvent::Registered { ue: id, at });
                    self.send_radio_capability(id);
                }
                UeOutput::RegistrationFailed(reason) => {
                    self.events
                        .push_back(SimEvent::RegistrationFailed { ue: id, reason });
                }
                UeOutput::Deregistered => {
                    self.drop_user_plane(id);
                    self.events.push_back(SimEvent::Deregistered { ue: id });
                }
                UeOutput::SessionEstablished(info) => {
                    self.events.push_back(SimEvent::SessionEstablished {
                        ue: id,
                        psi: info.psi,
                        ipv4: info.ipv4,
                        ipv6_interface_id: info.ipv6_interface_id,
                        dns: info.dns,
                        mtu: info.mtu,
                        at: info.at,
                    });
                }
                UeOutput::SessionFailed { psi, cause } => {
                    self.events
                        .push_back(SimEvent::SessionFailed { ue: id, psi, cause });
                }
                UeOutput::SessionReleased { psi } => {
                    self.remove_tunnel(id, psi);
                    self.events
                        .push_back(SimEvent::SessionReleased { ue: id, psi });
                }
                UeOutput::SessionModified(modification) => {
                    self.events.push_back(SimEvent::SessionModified {
                        ue: id,
                        modification,
                    });
                }
                UeOutput::ModificationFailed { psi, cause } => {
                    self.events
                        .push_back(SimEvent::ModificationFailed { ue: id, psi, cause });
                }
                UeOutput::ModificationCommandRejected { psi, cause } => {
                    self.events
                        .push_back(SimEvent::ModificationCommandRejected { ue: id, psi, cause });
                }
                UeOutput::ServiceAccepted { at } => {
                    self.events
                        .push_back(SimEvent::ServiceAccepted { ue: id, at });
                    self.flush_pending_uplink(id);
                }
                UeOutput::ServiceFailed { cause } => {
                    if let Some(slot) = self.ues.get_mut(id) {
                        slot.pending_ul.clear();
                    }
                    self.events
                        .push_back(SimEvent::ServiceFailed { ue: id, cause });
                }
            }
        }
        let _ = now;
        self.refile_timer(id);
    }

    fn refile_timer(&mut self, id: UeId) {
        let Some(slot) = self.ues.get_mut(id) else {
            return;
        };
        let next = slot.ue.poll_timeout();
        if next != slot.deadline {
            if let Some(old) = slot.deadline {
                self.timers.remove(&(old, id));
            }
            if let Some(new) = next {
                self.timers.insert((new, id));
            }
            slot.deadline = next;
        }
    }

    /// A new UE-associated logical NG-connection with an INITIAL UE MESSAGE (TS 38.413
    /// §8.6.1), held back until NG Setup is done.
    fn initial_message(
        &mut self,
        id: UeId,
        pdu: Vec<u8>,
        s_tmsi: Option<FiveGSTmsi>,
        cause: ServiceType,
    ) {
        if self.ng != NgState::Ready {
            debug!(ue = id, "NG Setup not done: initial message held");
            self.waiting.push_back((id, pdu, s_tmsi, cause));
            return;
        }
        // A UE starting over leaves its old connection to the AMF to release.
        self.release_locally(id);
        let ran_id = self.next_ran_id;
        self.next_ran_id = self.next_ran_id.wrapping_add(1) & 0x7fff_ffff;
        let Some(location) = self.location() else {
            warn!("no user location: PLMN misconfigured");
            return;
        };
        let msg = InitialUeMessage {
            ran_ue_ngap_id: ran_id,
            nas_pdu: pdu,
            location,
            rrc_establishment_cause: match cause {
                ServiceType::Signalling => RrcEstablishmentCause::mo_Signalling,
                ServiceType::Data => RrcEstablishmentCause::mo_Data,
                ServiceType::MobileTerminated => RrcEstablishmentCause::mt_Access,
            },
            five_g_s_tmsi: s_tmsi,
            ue_context_requested: false,
        };
        match msg.encode() {
            Ok(bytes) => {
                debug!(ue = id, ran_ue_ngap_id = ran_id, "INITIAL UE MESSAGE");
                self.transmits.push_back((self.stream_of(ran_id), bytes));
                self.connections.insert(
                    ran_id,
                    Connection {
                        ue: id,
                        ran_id,
                        amf_id: None,
                        held: VecDeque::new(),
                        capability_sent: false,
                    },
                );
                if let Some(slot) = self.ues.get_mut(id) {
                    slot.conn = Some(ran_id);
                }
            }
            Err(e) => warn!(error = %e, "cannot encode INITIAL UE MESSAGE"),
        }
    }

    /// UPLINK NAS TRANSPORT (TS 38.413 §8.6.3), or held until the AMF UE NGAP ID is known.
    fn uplink(&mut self, id: UeId, pdu: Vec<u8>) {
        let Some(ran_id) = self.ues.get(id).and_then(|s| s.conn) else {
            return;
        };
        let location = self.location();
        let stream = self.stream_of(ran_id);
        let Some(conn) = self.connections.get_mut(&ran_id) else {
            return;
        };
        let (Some(amf_id), Some(location)) = (conn.amf_id, location) else {
            conn.held.push_back(pdu);
            return;
        };
        let msg = UplinkNasTransport {
            amf_ue_ngap_id: amf_id,
            ran_ue_ngap_id: ran_id,
            nas_pdu: pdu,
            location,
        };
        match msg.encode() {
            Ok(bytes) => self.transmits.push_back((stream, bytes)),
            Err(e) => warn!(error = %e, "cannot encode UPLINK NAS TRANSPORT"),
        }
    }

    /// Sends what waited for the AMF UE NGAP ID.
    fn flush_held(&mut self, ran_id: u32) {
        let Some(conn) = self.connections.get_mut(&ran_id) else {
            return;
        };
        let held: Vec<_> = conn.held.drain(..).collect();
        let ue = conn.ue;
        for pdu in held {
            self.uplink(ue, pdu);
        }
    }
}
