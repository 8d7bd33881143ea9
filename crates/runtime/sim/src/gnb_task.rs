//! One simulated gNB: its association, its UEs' arrivals, its engine's timers.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrocore_sctp_io::{AssocEvent, NGAP_PPID, SctpAssociation, SctpConnector};
use ferrocore_sim::{
    FlowFilter, Gnb, GnbConfig, ModificationRequest, SessionFailure, SessionRequest, SimEvent,
    UPLINK_HEADROOM, UeId, UeProfile, ipv6,
};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tracing::{debug, warn};

use crate::capture::Capture;
use crate::icmp;
use crate::options::{AfterRegistration, ModifyOptions, SessionOptions, SimOptions};
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
const IDLE_SETTLE: Duration = Duration::from_secs(2);
/// With `--release`, the wait for the release command before the UE counts as done
/// anyway (its T3582 goes on in the engine).
const RELEASE_WAIT: Duration = Duration::from_secs(10);

/// The user plane of a gNB task: its N3 socket and, with `--tun`, the shared TUN.
pub(crate) struct UserPlane {
    pub(crate) socket: UdpSocket,
    pub(crate) tun: Option<(Arc<TunShared>, UplinkRx)>,
}

/// Where a UE is in the run, in this order ([`Up::advance`] skips what the options or
/// the session leave out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Phase {
    #[default]
    Registering,
    Session,
    /// PDU SESSION MODIFICATION REQUEST sent (`--modify`), the command awaited.
    Modify,
    /// IPv4 ping.
    Ping,
    /// Router Solicitation sent, the Router Advertisement awaited (the IPv6 prefix).
    Solicit,
    /// IPv6 ping.
    Ping6,
    /// UE CONTEXT RELEASE REQUEST sent, CM-IDLE awaited.
    Idling,
    IdlePing,
    /// Sessions kept up for `--hold`.
    Hold,
    /// PDU SESSION RELEASE REQUEST sent (`--release`).
    Releasing,
    Done,
}

/// What one gNB task does.
pub(crate) struct Plan {
    config: GnbConfig,
    /// UEs in arrival order with their start times.
    arrivals: VecDeque<(UeProfile, Instant)>,
    after: AfterRegistration,
    sessions: Option<SessionOptions>,
    ping: Option<Ipv4Addr>,
    ping6: Option<Ipv6Addr>,
    modify: Option<ModifyOptions>,
    idle: bool,
    hold: Duration,
    release: bool,
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
            ping: options.ping4(),
            ping6: options.ping6(),
            modify: options.modify,
            idle: options.idle,
            hold: options.hold,
            release: options.release,
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
    modify_started: Option<Instant>,
    ipv4: Option<Ipv4Addr>,
    /// The interface identifier of an IPv6 / IPv4v6 session, and the address formed
    /// with the prefix of the Router Advertisement.
    ipv6_iid: Option<[u8; 8]>,
    ipv6: Option<Ipv6Addr>,
    /// The ping under way is ICMPv6.
    v6: bool,
    /// Echo requests (or Router Solicitations) of the current step so far, and the
    /// step's timer.
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
        ping6,
        modify,
        idle,
        hold,
        release,
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
        ping6,
        modify,
        idle,
        hold,
        release,
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
                SimEvent::SessionEstablished {
                    ue,
                    psi,
                    ipv4,
                    ipv6_interface_id,
                    ..
                } if psi == PSI => {
                    let now = Instant::now();
                    let run = runs.entry(ue).or_default();
                    let latency = run
                        .session_started
                        .map(|s| now.saturating_duration_since(s))
                        .unwrap_or_default();
                    let _ = reports.send(Report::SessionEstablished { latency });
                    run.ipv4 = ipv4;
                    run.ipv6_iid = ipv6_interface_id;
                    if let (Some(t), Some(a)) = (up.tun, ipv4) {
                        t.route(IpAddr::V4(a), index, ue);
                    }
                    if up.advance(&mut gnb, now, ue, run).await {
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
                        // The IPv4 target if the session has IPv4, else the IPv6 one.
                        run.v6 = !(up.ping.is_some() && run.ipv4.is_some());
                        let _ = reports.send(Report::PingSent { v6: run.v6 });
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
                    if psi == PSI
                        && let Some(run) = runs.get_mut(&ue)
                        && run.phase == Phase::Releasing
                    {
                        let _ = reports.send(Report::Released);
                        if up.advance(&mut gnb, Instant::now(), ue, run).await {
                            remaining -= 1;
                            let _ = reports.send(Report::Done);
                        }
                    }
                }
                SimEvent::SessionEstablished { .. } => {}
                SimEvent::SessionModified { ue, modification } => {
                    debug!(gnb = %name, ue, ?modification, "PDU session modified");
                    let run = runs.entry(ue).or_default();
                    if !modification.ue_requested {
                        let _ = reports.send(Report::NetworkModified);
                    } else if modification.psi == PSI && run.phase == Phase::Modify {
                        let now = Instant::now();
                        let latency = run
                            .modify_started
                            .map(|s| now.saturating_duration_since(s))
                            .unwrap_or_default();
                        let extra_flow = modification.qfis.len() > 1;
                        let _ = reports.send(Report::Modified {
                            latency,
                            extra_flow,
                        });
                        if up.advance(&mut gnb, now, ue, run).await {
                            remaining -= 1;
                            let _ = reports.send(Report::Done);
                        }
                    }
                }
                SimEvent::ModificationFailed { ue, psi, cause } => {
                    debug!(gnb = %name, ue, psi, ?cause, "PDU session modification failed");
                    let run = runs.entry(ue).or_default();
                    if psi == PSI && run.phase == Phase::Modify {
                        let rejected = matches!(cause, SessionFailure::Rejected { .. });
                        let _ = reports.send(Report::ModifyFailed {
                            reason: cause.label(),
                            rejected,
                        });
                        if up.advance(&mut gnb, Instant::now(), ue, run).await {
                            remaining -= 1;
                            let _ = reports.send(Report::Done);
                        }
                    }
                }
                SimEvent::ModificationCommandRejected { ue, psi, cause } => {
                    warn!(gnb = %name, ue, psi, cause, "modification command refused");
                    let _ = reports.send(Report::CommandRejected);
                }
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
                        let run = runs.get_mut(&d.ue);
                        // The Router Advertisement is the UE's own business (the TUN's
                        // kernel would configure itself from it): not written there.
                        let step = match run {
                            Some(run) => {
                                if up.router_advertisement(run, index, d.ue, packet) {
                                    (run.phase == Phase::Solicit).then_some(run)
                                } else {
                                    if let Some(t) = up.tun {
                                        t.write(packet);
                                    }
                                    up.answered(run, d.ue, packet).then_some(run)
                                }
                            }
                            None => {
                                if let Some(t) = up.tun {
                                    t.write(packet);
                                }
                                None
                            }
                        };
                        if let Some(run) = step
                            && up.advance(&mut gnb, now, d.ue, run).await
                        {
                            remaining -= 1;
                            let _ = reports.send(Report::Done);
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
                    let retry = run.attempts < PING_ATTEMPTS;
                    match run.phase {
                        Phase::Ping | Phase::Ping6 | Phase::IdlePing if retry => {
                            up.ping(&mut gnb, now, ue, run).await;
                            continue;
                        }
                        Phase::Solicit if retry => {
                            up.solicit(&mut gnb, now, ue, run).await;
                            continue;
                        }
                        Phase::Hold | Phase::Releasing => {}
                        phase => debug!(gnb = %name, ue, ?phase, "unanswered"),
                    }
                    if up.advance(&mut gnb, now, ue, run).await {
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
    ping: Option<Ipv4Addr>,
    ping6: Option<Ipv6Addr>,
    modify: Option<ModifyOptions>,
    idle: bool,
    hold: Duration,
    release: bool,
    reports: &'a mpsc::UnboundedSender<Report>,
    /// Ping deadlines.
    timers: BTreeSet<(Instant, UeId)>,
    buf: Vec<u8>,
}

impl Up<'_> {
    /// Moves `run` to its next step and starts it, skipping the steps the options or
    /// the session leave out: modification, IPv4 ping, Router Solicitation and IPv6 ping,
    /// CM-IDLE and the idle ping, hold, release. True when the UE has nothing left to do.
    async fn advance(&mut self, gnb: &mut Gnb, now: Instant, ue: UeId, run: &mut UeRun) -> bool {
        if let Some(d) = run.ping_deadline.take() {
            self.timers.remove(&(d, ue));
        }
        let n3 = self.socket.is_some();
        loop {
            run.phase = match run.phase {
                Phase::Registering | Phase::Session => Phase::Modify,
                Phase::Modify => Phase::Ping,
                Phase::Ping => Phase::Solicit,
                Phase::Solicit => Phase::Ping6,
                Phase::Ping6 => Phase::Idling,
                Phase::Idling | Phase::IdlePing => Phase::Hold,
                Phase::Hold => Phase::Releasing,
                Phase::Releasing | Phase::Done => Phase::Done,
            };
            run.attempts = 0;
            // The modification request went out: the command (or a failure) is awaited.
            if run.phase == Phase::Modify && self.modify_session(gnb, now, ue, run) {
                return false;
            }
            match run.phase {
                Phase::Ping if n3 && self.ping.is_some() && run.ipv4.is_some() => {
                    run.v6 = false;
                    let _ = self.reports.send(Report::PingSent { v6: false });
                    self.ping(gnb, now, ue, run).await;
                    return false;
                }
                Phase::Solicit if n3 && self.ping6.is_some() && run.ipv6_iid.is_some() => {
                    let _ = self.reports.send(Report::PingSent { v6: true });
                    // Solicited even when the UPF's unsolicited Router Advertisement came
                    // first (RFC 4861 §6.3.7: a host solicits when its interface comes
                    // up); then there is no need to wait for the answer.
                    self.solicit(gnb, now, ue, run).await;
                    if run.ipv6.is_none() {
                        return false;
                    }
                }
                Phase::Ping6 if n3 && self.ping6.is_some() && run.ipv6.is_some() => {
                    run.v6 = true;
                    self.ping(gnb, now, ue, run).await;
                    return false;
                }
                Phase::Idling
                    if self.idle
                        && ((self.ping.is_some() && run.ipv4.is_some())
                            || (self.ping6.is_some() && run.ipv6.is_some())) =>
                {
                    gnb.release_ue(now, ue);
                    return false;
                }
                Phase::Hold if !self.hold.is_zero() => {
                    self.arm(run, ue, now + self.hold);
                    return false;
                }
                Phase::Releasing if self.release => {
                    gnb.release_session(now, ue, PSI);
                    self.arm(run, ue, now + RELEASE_WAIT);
                    return false;
                }
                Phase::Done => return true,
                _ => {}
            }
        }
    }

    /// Asks for the extra QoS flow of `--modify` (TS 24.501 §6.4.2.2): its packet filter
    /// is the configured one, else the ping target of the session's IP version. False
    /// when there is nothing to filter on (counted as a failure).
    fn modify_session(&mut self, gnb: &mut Gnb, now: Instant, ue: UeId, run: &mut UeRun) -> bool {
        let Some(m) = self.modify else {
            return false;
        };
        let remote = match (self.ping, run.ipv4, self.ping6, run.ipv6_iid) {
            (Some(p), Some(_), _, _) => Some(IpAddr::V4(p)),
            (_, _, Some(p), Some(_)) => Some(IpAddr::V6(p)),
            _ => None,
        };
        let Some(filter) = m.filter.or(remote.map(|r| FlowFilter {
            remote: Some(r),
            ..FlowFilter::default()
        })) else {
            let _ = self.reports.send(Report::ModifyFailed {
                reason: "no_filter".into(),
                rejected: false,
            });
            return false;
        };
        run.modify_started = Some(now);
        gnb.modify_session(
            now,
            ue,
            ModificationRequest {
                psi: PSI,
                five_qi: m.five_qi,
                precedence: m.precedence,
                filter,
            },
        );
        true
    }

    /// Sets `run`'s one timer to `at`.
    fn arm(&mut self, run: &mut UeRun, ue: UeId, at: Instant) {
        if let Some(old) = run.ping_deadline.replace(at) {
            self.timers.remove(&(old, ue));
        }
        self.timers.insert((at, ue));
    }

    /// Sends a Router Solicitation from the session's link-local address fe80::IID
    /// (TS 23.501 §5.8.2.2.2: the prefix comes by Router Advertisement) and arms the
    /// retry timer.
    async fn solicit(&mut self, gnb: &mut Gnb, now: Instant, ue: UeId, run: &mut UeRun) {
        let (Some(iid), Some(socket)) = (run.ipv6_iid, self.socket) else {
            return;
        };
        run.attempts += 1;
        let packet = &mut self.buf[..UPLINK_HEADROOM + ipv6::RS_LEN];
        if ipv6::router_solicitation(&mut packet[UPLINK_HEADROOM..], ipv6::link_local(iid))
            .is_some()
            && let Some(o) = gnb.uplink_packet(now, ue, PSI, packet)
            && let Err(e) = socket.send_to(&packet[o.start..], o.to).await
        {
            debug!("N3 send: {e}");
        }
        self.arm(run, ue, now + PING_WAIT);
    }

    /// A downlink packet for `ue`: true if it is a Router Advertisement giving the
    /// session its address (prefix + identifier, RFC 4862 §5.5.3), which is then taken
    /// (and put on the TUN).
    fn router_advertisement(&self, run: &mut UeRun, gnb: usize, ue: UeId, packet: &[u8]) -> bool {
        let Some(iid) = run.ipv6_iid else {
            return false;
        };
        let Some(addr) = ipv6::parse_router_advertisement(packet).and_then(|ra| ra.address(iid))
        else {
            return false;
        };
        if run.ipv6 != Some(addr) {
            debug!(ue, %addr, "IPv6 address from the Router Advertisement");
            run.ipv6 = Some(addr);
            if let Some(t) = self.tun {
                t.route(IpAddr::V6(addr), gnb, ue);
            }
        }
        true
    }

    /// Sends the next echo request of `run`'s ping (ICMPv6 when `run.v6`) and arms its
    /// timer. In the idle phase the first attempt goes straight to the UPF on the parked
    /// tunnel (the answer then pages the UE); later ones go the UE's way (a service
    /// request if still idle).
    async fn ping(&mut self, gnb: &mut Gnb, now: Instant, ue: UeId, run: &mut UeRun) {
        let Some(socket) = self.socket else {
            return;
        };
        let idle_phase = run.phase == Phase::IdlePing;
        let seq = if idle_phase { 100 } else { 0 } + u16::from(run.attempts + 1);
        let out = &mut self.buf[UPLINK_HEADROOM..];
        let len = match (run.v6, self.ping, run.ipv4, self.ping6, run.ipv6) {
            (false, Some(dst), Some(src), _, _) => {
                icmp::echo_request_v4(out, src, dst, ping_id(ue), seq);
                icmp::ECHO_LEN
            }
            (true, _, _, Some(dst), Some(src)) => {
                match ipv6::echo_request(out, src, dst, ping_id(ue), seq) {
                    Some(n) => n,
                    None => return,
                }
            }
            _ => return,
        };
        run.attempts += 1;
        let packet = &mut self.buf[..UPLINK_HEADROOM + len];
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
        self.arm(run, ue, now + wait);
    }

    /// A downlink packet for `ue`: true if it answers the ping under way (which is then
    /// done).
    fn answered(&mut self, run: &mut UeRun, ue: UeId, packet: &[u8]) -> bool {
        if !matches!(run.phase, Phase::Ping | Phase::Ping6 | Phase::IdlePing) {
            return false;
        }
        let id = match (run.v6, run.ipv4, run.ipv6) {
            (false, Some(a), _) => icmp::echo_reply_v4(packet, a).map(|r| r.0),
            (true, _, Some(a)) => ipv6::echo_reply(packet, a).map(|r| r.0),
            _ => None,
        };
        if id != Some(ping_id(ue)) {
            return false;
        }
        let idle = run.phase == Phase::IdlePing;
        let _ = self.reports.send(Report::PingOk { idle, v6: run.v6 });
        true
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
