//! One simulated gNB: its association, its UEs' arrivals, its engine's timers.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrocore_sctp_io::{AssocEvent, NGAP_PPID, SctpAssociation, SctpConnector};
use ferrocore_sim::{Gnb, GnbConfig, SessionRequest, SimEvent, UPLINK_HEADROOM, UeId, UeProfile};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tracing::{debug, warn};

use crate::capture::Capture;
use crate::icmp;
use crate::options::{AfterRegistration, SessionOptions, SimOptions};
use crate::summary::{Report, failure_label};
use crate::tun::{TunShared, UplinkRx};

/// The PSI of the one session each UE establishes.
const PSI: u8 = 1;
/// Echo requests per ping before it counts as unanswered.
const PING_ATTEMPTS: u8 = 3;
/// Wait for an answer before the next attempt.
const PING_WAIT: Duration = Duration::from_secs(2);
/// With `--idle`, the wait for the buffered answer (paging, service request, delivery).
const IDLE_PING_WAIT: Duration = Duration::from_secs(6);
/// How long a UE stays idle before the downlink-triggering ping: the core's side of the
/// release (UE Context Release Complete, the SMF deactivating the user plane at the UPF)
/// takes a few milliseconds after the UE is told.
const IDLE_SETTLE: Duration = Duration::from_millis(500);

/// The user plane of a gNB task: its N3 socket and, with `--tun`, the shared TUN.
pub(crate) struct UserPlane {
    pub(crate) socket: UdpSocket,
    pub(crate) tun: Option<(Arc<TunShared>, UplinkRx)>,
}

/// Where a UE is in the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Phase {
    #[default]
    Registering,
    Session,
    Ping,
    /// UE CONTEXT RELEASE REQUEST sent, CM-IDLE awaited.
    Idling,
    IdlePing,
    Done,
}

/// What one gNB task does.
pub(crate) struct Plan {
    config: GnbConfig,
    /// UEs in arrival order with their start times.
    arrivals: VecDeque<(UeProfile, Instant)>,
    after: AfterRegistration,
    sessions: Option<SessionOptions>,
    ping: Option<IpAddr>,
    idle: bool,
    n3_ip: IpAddr,
    upf_port: u16,
    index: usize,
}

impl Plan {
    /// gNB number `g`: every UE whose index is `g` modulo the gNB count, each starting at
    /// `started + index / rate`.
    pub(crate) fn new(options: &SimOptions, g: usize, started: Instant) -> Self {
        let arrivals = (g..options.ues)
            .step_by(options.gnbs)
            .map(|i| {
                let offset = if options.rate > 0.0 {
                    Duration::from_secs_f64(i as f64 / options.rate)
                } else {
                    Duration::ZERO
                };
                (options.ue_profile(i), started + offset)
            })
            .collect();
        Self {
            config: options.gnb_config(g),
            arrivals,
            after: options.after,
            sessions: options.sessions.clone(),
            ping: options.ping,
            idle: options.idle,
            n3_ip: options.n3_ip(g),
            upf_port: options.upf_port,
            index: g,
        }
    }
}

/// Per-UE bookkeeping of the task.
#[derive(Default)]
struct UeRun {
    started: Option<Instant>,
    registrations: u32,
    phase: Phase,
    session_started: Option<Instant>,
    ipv4: Option<Ipv4Addr>,
    /// Echo requests of the current ping so far, and its timer.
    attempts: u8,
    ping_deadline: Option<Instant>,
}

/// Runs the gNB until all its UEs are done or the association closes. The connector is
/// kept alive for as long as its association.
pub(crate) async fn run(
    plan: Plan,
    _connector: SctpConnector,
    mut assoc: SctpAssociation,
    reports: mpsc::UnboundedSender<Report>,
    capture: Option<Arc<Capture>>,
    user_plane: Option<UserPlane>,
) {
    let Plan {
        config,
        mut arrivals,
        after,
        sessions,
        ping,
        idle,
        n3_ip,
        upf_port,
        index,
    } = plan;
    let name = config.name.clone();
    let mut gnb = Gnb::new(config);
    gnb.set_n3_address(n3_ip);
    gnb.set_upf_port(upf_port);
    let (socket, tun, mut tun_rx) = match user_plane {
        Some(UserPlane { socket, tun }) => match tun {
            Some((shared, rx)) => (Some(socket), Some(shared), Some(rx)),
            None => (Some(socket), None, None),
        },
        None => (None, None, None),
    };
    let mut up = Up {
        socket: socket.as_ref(),
        tun: tun.as_deref(),
        gnb_index: index,
        ping,
        idle,
        reports: &reports,
        timers: BTreeSet::new(),
        buf: vec![0u8; UPLINK_HEADROOM + 2048],
    };
    let mut rbuf = vec![0u8; 65536];
    gnb.start(Instant::now());
    let mut ready = false;
    let mut runs: HashMap<UeId, UeRun> = HashMap::new();
    let mut remaining = arrivals.len();
    let mut reregister: Vec<UeId> = Vec::new();
    loop {
        flush(&mut gnb, &assoc, capture.as_deref()).await;
        while let Some(event) = gnb.poll_event() {
            match event {
                SimEvent::NgSetupDone => ready = true,
                SimEvent::NgSetupFailed { cause } => {
                    warn!(gnb = %name, "NG Setup failed: {cause}");
                    for _ in 0..remaining {
                        let _ = reports.send(Report::Failed {
                            reason: "ng_setup_failure".into(),
                        });
                        let _ = reports.send(Report::Done);
                    }
                    return;
                }
                SimEvent::Registered { ue, at } => {
                    let run = runs.entry(ue).or_default();
                    run.registrations += 1;
                    let again = run.registrations > 1;
                    let latency = run
                        .started
                        .map(|s| at.saturating_duration_since(s))
                        .unwrap_or_default();
                    let _ = reports.send(Report::Registered { latency, again });
                    if after == AfterRegistration::Reregister && !again {
                        gnb.deregister(Instant::now(), ue, false);
                    } else if let Some(s) = &sessions
                        && run.phase == Phase::Registering
                    {
                        let now = Instant::now();
                        run.phase = Phase::Session;
                        run.session_started = Some(now);
                        gnb.establish_session(
                            now,
                            ue,
                            SessionRequest {
                                psi: PSI,
                                pdu_session_type: s.pdu_session_type,
                                dnn: s.dnn.clone(),
                                snssai: s.snssai,
                            },
                        );
                    } else if run.phase == Phase::Registering {
                        run.phase = Phase::Done;
                        remaining -= 1;
                        let _ = reports.send(Report::Done);
                    }
                }
                SimEvent::SessionEstablished { ue, psi, ipv4, .. } if psi == PSI => {
                    let now = Instant::now();
                    let run = runs.entry(ue).or_default();
                    let latency = run
                        .session_started
                        .map(|s| now.saturating_duration_since(s))
                        .unwrap_or_default();
                    let _ = reports.send(Report::SessionEstablished { latency });
                    run.ipv4 = ipv4;
                    if let (Some(t), Some(a)) = (up.tun, ipv4) {
                        t.route(a, index, ue);
                    }
                    if up.pingable(run) {
                        run.phase = Phase::Ping;
                        run.attempts = 0;
                        let _ = reports.send(Report::PingSent);
                        up.ping(&mut gnb, now, ue, run).await;
                    } else {
                        run.phase = Phase::Done;
                        remaining -= 1;
                        let _ = reports.send(Report::Done);
                    }
                }
                SimEvent::SessionFailed { ue, psi, cause } => {
                    debug!(gnb = %name, ue, psi, ?cause, "PDU session failed");
                    let _ = reports.send(Report::SessionFailed {
                        reason: cause.label(),
                    });
                    let run = runs.entry(ue).or_default();
                    if run.phase == Phase::Session {
                        run.phase = Phase::Done;
                        remaining -= 1;
                        let _ = reports.send(Report::Done);
                    }
                }
                SimEvent::Idle { ue } => {
                    let run = runs.entry(ue).or_default();
                    if run.phase == Phase::Idling {
                        run.phase = Phase::IdlePing;
                        run.attempts = 0;
                        let _ = reports.send(Report::PingSent);
                        // The idle ping waits until the core has moved the session to
                        // CM-IDLE (release complete -> SMF -> UPF buffering): the ping
                        // timer's first expiry sends it.
                        let at = Instant::now() + IDLE_SETTLE;
                        if let Some(old) = run.ping_deadline.replace(at) {
                            up.timers.remove(&(old, ue));
                        }
                        up.timers.insert((at, ue));
                    }
                }
                SimEvent::Paged { .. } => {
                    let _ = reports.send(Report::Paged);
                }
                SimEvent::ServiceAccepted { .. } => {
                    let _ = reports.send(Report::ServiceAccepted);
                }
                SimEvent::ServiceFailed { ue, cause } => {
                    warn!(gnb = %name, ue, ?cause, "service request failed");
                }
                SimEvent::SessionReleased { ue, psi } => {
                    debug!(gnb = %name, ue, psi, "PDU session released");
                }
                SimEvent::SessionEstablished { .. } => {}
                SimEvent::GtpuErrorIndication { teid, peer } => {
                    warn!(gnb = %name, teid, %peer, "GTP-U Error Indication");
                }
                SimEvent::Deregistered { ue } => {
                    let _ = reports.send(Report::Deregistered);
                    if after == AfterRegistration::Reregister {
                        // Registers again once the AMF has released the signalling connection.
                        reregister.push(ue);
                    }
                }
                SimEvent::RegistrationFailed { ue, reason } => {
                    debug!(gnb = %name, ue, ?reason, "registration failed");
                    let _ = reports.send(Report::Failed {
                        reason: failure_label(&reason),
                    });
                    if runs.remove(&ue).is_none_or(|r| r.phase != Phase::Done) {
                        remaining -= 1;
                        let _ = reports.send(Report::Done);
                    }
                }
                SimEvent::ErrorIndication { cause } => {
                    warn!(gnb = %name, "Error Indication from the AMF: {cause}");
                }
                SimEvent::ProtocolError { detail } => {
                    warn!(gnb = %name, "unusable message from the AMF: {detail}");
                }
            }
        }
        let now = Instant::now();
        reregister.retain(|&ue| {
            if gnb.ue(ue).is_connected() {
                return true;
            }
            runs.entry(ue).or_default().started = Some(now);
            gnb.register(now, ue);
            false
        });
        flush(&mut gnb, &assoc, capture.as_deref()).await;
        up.flush(&mut gnb).await;
        if remaining == 0 {
            break;
        }
        let next_arrival = if ready {
            arrivals.front().map(|a| a.1)
        } else {
            None
        };
        let deadline = [
            next_arrival,
            gnb.poll_timeout(),
            up.timers.first().map(|t| t.0),
        ]
        .into_iter()
        .flatten()
        .min();
        tokio::select! {
            event = assoc.next_event() => match event {
                Some(AssocEvent::Message(m)) => {
                    if let Some(c) = &capture {
                        c.record(&m.data);
                    }
                    gnb.handle_ngap(Instant::now(), m.stream, &m.data);
                }
                Some(AssocEvent::Closed(reason)) => {
                    warn!(gnb = %name, ?reason, "association to the AMF closed");
                    return;
                }
                Some(_) => {}
                None => return,
            },
            r = recv(socket.as_ref(), &mut rbuf) => match r {
                Ok((n, from)) => {
                    let now = Instant::now();
                    if let Some(d) = gnb.handle_gtpu(now, from, &rbuf[..n]) {
                        let packet = &rbuf[d.payload.clone()];
                        if let Some(t) = up.tun {
                            t.write(packet);
                        }
                        if let Some(run) = runs.get_mut(&d.ue)
                            && let Some(done) = up.answered(run, d.ue, packet)
                        {
                            if done {
                                remaining -= 1;
                                let _ = reports.send(Report::Done);
                            } else {
                                gnb.release_ue(now, d.ue);
                            }
                        }
                    }
                }
                Err(e) => warn!(gnb = %name, "N3 receive: {e}"),
            },
            Some((ue, mut packet)) = tun_recv(tun_rx.as_mut()) => {
                if let Some(o) = gnb.uplink_packet(Instant::now(), ue, PSI, &mut packet)
                    && let Some(s) = up.socket
                    && let Err(e) = s.send_to(&packet[o.start..], o.to).await
                {
                    debug!("N3 send: {e}");
                }
            }
            _ = sleep_until(deadline) => {
                let now = Instant::now();
                while let Some(&(t, ue)) = up.timers.first() {
                    if t > now {
                        break;
                    }
                    up.timers.pop_first();
                    let Some(run) = runs.get_mut(&ue) else { continue };
                    if run.ping_deadline != Some(t) {
                        continue;
                    }
                    run.ping_deadline = None;
                    if run.attempts < PING_ATTEMPTS {
                        up.ping(&mut gnb, now, ue, run).await;
                        continue;
                    }
                    debug!(gnb = %name, ue, phase = ?run.phase, "ping unanswered");
                    if run.phase == Phase::Ping && up.idle {
                        run.phase = Phase::Idling;
                        gnb.release_ue(now, ue);
                    } else {
                        run.phase = Phase::Done;
                        remaining -= 1;
                        let _ = reports.send(Report::Done);
                    }
                }
                while ready && arrivals.front().is_some_and(|a| a.1 <= now) {
                    if let Some((profile, _)) = arrivals.pop_front() {
                        let ue = gnb.add_ue(profile);
                        runs.insert(ue, UeRun { started: Some(now), ..UeRun::default() });
                        gnb.register(now, ue);
                    }
                }
                if gnb.poll_timeout().is_some_and(|t| t <= now) {
                    gnb.handle_timeout(now);
                }
            }
        }
    }
    // A graceful SHUTDOWN, so that the AMF sees the gNB leave before this process ends.
    assoc.close().await;
    let closed =
        async { while !matches!(assoc.next_event().await, Some(AssocEvent::Closed(_)) | None) {} };
    let _ = tokio::time::timeout(Duration::from_secs(2), closed).await;
}

/// The user-plane side of a gNB task: N3 socket, TUN, pings.
struct Up<'a> {
    socket: Option<&'a UdpSocket>,
    tun: Option<&'a TunShared>,
    gnb_index: usize,
    ping: Option<IpAddr>,
    idle: bool,
    reports: &'a mpsc::UnboundedSender<Report>,
    /// Ping deadlines.
    timers: BTreeSet<(Instant, UeId)>,
    buf: Vec<u8>,
}

impl Up<'_> {
    /// Whether the session of `run` can be pinged (an IPv4 target and an IPv4 address).
    fn pingable(&self, run: &UeRun) -> bool {
        matches!(self.ping, Some(IpAddr::V4(_))) && run.ipv4.is_some() && self.socket.is_some()
    }

    /// Sends the next echo request of `run`'s ping and arms its timer. In the idle phase
    /// the first attempt goes straight to the UPF on the parked tunnel (the answer then
    /// pages the UE); later ones go the UE's way (a service request if still idle).
    async fn ping(&mut self, gnb: &mut Gnb, now: Instant, ue: UeId, run: &mut UeRun) {
        let (Some(IpAddr::V4(dst)), Some(src), Some(socket)) = (self.ping, run.ipv4, self.socket)
        else {
            return;
        };
        let idle_phase = run.phase == Phase::IdlePing;
        run.attempts += 1;
        let seq = if idle_phase { 100 } else { 0 } + u16::from(run.attempts);
        let packet = &mut self.buf[..UPLINK_HEADROOM + icmp::ECHO_LEN];
        icmp::echo_request_v4(&mut packet[UPLINK_HEADROOM..], src, dst, ping_id(ue), seq);
        let out = if idle_phase && run.attempts == 1 {
            gnb.inject_uplink(ue, PSI, packet)
        } else {
            gnb.uplink_packet(now, ue, PSI, packet)
        };
        if let Some(o) = out
            && let Err(e) = socket.send_to(&packet[o.start..], o.to).await
        {
            debug!("N3 send: {e}");
        }
        let wait = if idle_phase {
            IDLE_PING_WAIT
        } else {
            PING_WAIT
        };
        let deadline = now + wait;
        if let Some(old) = run.ping_deadline.replace(deadline) {
            self.timers.remove(&(old, ue));
        }
        self.timers.insert((deadline, ue));
    }

    /// A downlink packet for `ue`: if it answers the ping under way, the ping is done and
    /// `Some(true)` says the UE is done, `Some(false)` that it goes idle next.
    fn answered(&mut self, run: &mut UeRun, ue: UeId, packet: &[u8]) -> Option<bool> {
        let src = run.ipv4?;
        let (id, _seq) = icmp::echo_reply_v4(packet, src)?;
        if id != ping_id(ue) || !matches!(run.phase, Phase::Ping | Phase::IdlePing) {
            return None;
        }
        let idle = run.phase == Phase::IdlePing;
        let _ = self.reports.send(Report::PingOk { idle });
        if let Some(d) = run.ping_deadline.take() {
            self.timers.remove(&(d, ue));
        }
        if !idle && self.idle {
            run.phase = Phase::Idling;
            Some(false)
        } else {
            run.phase = Phase::Done;
            Some(true)
        }
    }

    /// Sends the GTP-U datagrams the gNB queued.
    async fn flush(&mut self, gnb: &mut Gnb) {
        while let Some((to, bytes)) = gnb.poll_user_plane() {
            if let Some(s) = self.socket
                && let Err(e) = s.send_to(&bytes, to).await
            {
                debug!("N3 send: {e}");
            }
        }
        let _ = self.gnb_index;
    }
}

/// The ICMP identifier of `ue`'s pings.
fn ping_id(ue: UeId) -> u16 {
    (ue as u16).wrapping_add(1)
}

async fn recv(socket: Option<&UdpSocket>, buf: &mut [u8]) -> std::io::Result<(usize, SocketAddr)> {
    match socket {
        Some(s) => s.recv_from(buf).await,
        None => std::future::pending().await,
    }
}

async fn tun_recv(rx: Option<&mut UplinkRx>) -> Option<(UeId, Vec<u8>)> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Sends everything the gNB has queued.
async fn flush(gnb: &mut Gnb, assoc: &SctpAssociation, capture: Option<&Capture>) {
    while let Some((stream, bytes)) = gnb.poll_transmit() {
        if let Some(c) = capture {
            c.record(&bytes);
        }
        if let Err(e) = assoc.send(stream, NGAP_PPID, bytes).await {
            warn!("NGAP send failed: {e}");
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(tokio::time::Instant::from_std(d)).await,
        None => std::future::pending().await,
    }
}
