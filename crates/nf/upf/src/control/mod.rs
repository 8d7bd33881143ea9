//! N4 control: the UPF side of PFCP (TS 29.244) as a sans-IO engine.
//!
//! Inputs: [`UpfControl::handle_input`] (a PFCP datagram from an SMF),
//! [`UpfControl::handle_notification`] (from the data plane),
//! [`UpfControl::handle_timeout`]. Outputs: [`UpfControl::poll_transmit`] (PFCP
//! datagrams on N4, released buffered G-PDUs and End Markers on N3),
//! [`UpfControl::poll_event`], [`UpfControl::poll_timeout`], and
//! [`UpfControl::publish`], the new forwarding table snapshot for the packet workers.
//!
//! Procedures: Heartbeat (§6.2.2) both ways with SMF restart detection by Recovery Time
//! Stamp; Association Setup / Update / Release (§6.2.6-6.2.8) from the CP function;
//! Session Establishment / Modification / Deletion (§6.3.2-6.3.4) with Create / Update
//! / Remove PDR, FAR, QER, URR, BAR and Query URR; Session Report (§6.3.5) for downlink
//! data, usage (volume and time thresholds and quotas, periodic reports: see
//! `usage`) and GTP-U Error Indications (`error_indication`). Retransmitted requests
//! get the cached response (§6.4).
//! Malformed requests are answered with the Cause and Offending IE of TS 29.244 §7.6
//! where the header can be read, otherwise discarded and counted.

mod error_indication;
mod malformed;
mod rules;
mod usage;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ferrocore_pfcp::ie::{
    CreatedPdr, DownlinkDataReport, Features, Fseid, Fteid, UeAddr, UeIpAddress, UsageReport,
    UsageReportTrigger,
};
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Cause, Header, IeType, Message, decode, encode};
use tracing::{debug, info, warn};

use crate::config::UpfConfig;
use crate::dataplane::{
    DL_HEADROOM, Downlink, GTPU_PORT, Notification, default_downlink, release, unsolicited_ra,
};
use crate::pool::{Ipv4Pool, TeidPool};
use crate::state::{NodeKey, SessionState, UrrState};
use crate::table::{
    FarAction, ForwardingTable, RuleError, RuleRuntime, SessionRules, TableWriter, Usage, compile,
};
use crate::urr::UrrCounters;
use error_indication::{RemoteFteid, RemoteTunnels};
use usage::UrrClock;

/// The PFCP port (TS 29.244 §4.2.2).
pub const PFCP_PORT: u16 = 8805;

/// Which interface a [`Transmit`] goes out of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// PFCP on N4 (UDP 8805).
    N4,
    /// GTP-U on N3 / N9 (UDP 2152): released buffered packets, End Markers.
    N3,
}

/// A datagram to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    pub channel: Channel,
    pub dst: SocketAddr,
    pub payload: Vec<u8>,
}

/// What happened, for the runtime's logs, metrics and policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    AssociationSetUp {
        node: NodeKey,
        peer: SocketAddr,
    },
    AssociationReleased {
        node: NodeKey,
        sessions_deleted: usize,
    },
    /// The SMF's Recovery Time Stamp changed: it restarted (TS 29.244 §6.2.6.2.2).
    PeerRestarted {
        node: NodeKey,
        previous: u32,
        current: u32,
        sessions_deleted: usize,
    },
    /// No Heartbeat Response after N1 retransmissions (TS 29.244 §6.2.2).
    PeerUnreachable {
        node: NodeKey,
    },
    SessionEstablished {
        up_seid: u64,
        cp_seid: u64,
        node: NodeKey,
    },
    SessionModified {
        up_seid: u64,
    },
    SessionDeleted {
        up_seid: u64,
    },
    /// A Session Report Request went unanswered, or was rejected with `cause`.
    ReportFailed {
        up_seid: u64,
        cause: Option<u8>,
    },
}

/// Counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ControlStats {
    pub received: u64,
    /// Requests answered with a rejection Cause.
    pub rejected: u64,
    /// Undecodable datagrams that could not be answered.
    pub discarded: u64,
    /// Retransmitted requests answered from the cache.
    pub duplicates: u64,
    /// Responses that matched no request of ours.
    pub unexpected_responses: u64,
    pub reports_sent: u64,
    pub retransmissions: u64,
    /// Buffered downlink packets sent on after the FAR stopped buffering.
    pub released: u64,
}

#[derive(Debug)]
struct Association {
    peer: SocketAddr,
    recovery: u32,
    cp_features: Option<Features>,
    next_heartbeat: Instant,
    heartbeat_outstanding: bool,
}

#[derive(Debug)]
struct Session {
    state: SessionState,
    rt: RuleRuntime,
    rules: Arc<SessionRules>,
    /// Time-based usage triggers, by URR ID.
    clocks: HashMap<u32, UrrClock>,
    /// Remote F-TEIDs reported with ERIR since the last modification.
    ei_reported: Vec<RemoteFteid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PendingKind {
    Heartbeat,
    Report { up_seid: u64 },
}

#[derive(Debug)]
struct Pending {
    node: NodeKey,
    kind: PendingKind,
    dst: SocketAddr,
    bytes: Vec<u8>,
    deadline: Instant,
    sent: u32,
}

/// The UPF's N4 engine. One per UPF; not on the packet path.
pub struct UpfControl {
    cfg: UpfConfig,
    start: Instant,
    associations: HashMap<NodeKey, Association>,
    sessions: HashMap<u64, Session>,
    by_cp: HashMap<(NodeKey, u64), u64>,
    teids: TeidPool,
    ue4: Option<Ipv4Pool>,
    next_seid: u64,
    next_seq: u32,
    writer: TableWriter,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
    pending: HashMap<u32, Pending>,
    cache: HashMap<(SocketAddr, u32, u8), Vec<u8>>,
    cache_order: VecDeque<(Instant, (SocketAddr, u32, u8))>,
    /// Sessions whose buffer may still receive packets from an older snapshot after a
    /// release: swept once more at this time.
    sweep: Option<(Instant, Vec<u64>)>,
    /// URRs' next time-based events: (due, UP SEID, URR ID); stale entries are skipped.
    usage_timers: BinaryHeap<Reverse<(Instant, u64, u32)>>,
    /// Heap size past which it is compacted.
    usage_timers_bound: usize,
    remote_tunnels: RemoteTunnels,
    stats: ControlStats,
}

impl std::fmt::Debug for UpfControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpfControl")
            .field("associations", &self.associations.len())
            .field("sessions", &self.sessions.len())
            .field("stats", &self.stats)
            .finish()
    }
}

impl UpfControl {
    /// A UPF started at `now` (the origin of the table's clock and of report times).
    pub fn new(cfg: UpfConfig, now: Instant) -> Self {
        UpfControl {
            teids: TeidPool::new(cfg.teid_first.max(1), cfg.teid_last),
            ue4: cfg.ue_ipv4_pool.map(|(n, b)| Ipv4Pool::new(n, b)),
            cfg,
            start: now,
            associations: HashMap::new(),
            sessions: HashMap::new(),
            by_cp: HashMap::new(),
            next_seid: 1,
            next_seq: 1,
            writer: TableWriter::new(now),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            pending: HashMap::new(),
            cache: HashMap::new(),
            cache_order: VecDeque::new(),
            sweep: None,
            usage_timers: BinaryHeap::new(),
            usage_timers_bound: usage::MIN_TIMERS_BOUND,
            remote_tunnels: RemoteTunnels::default(),
            stats: ControlStats::default(),
        }
    }

    pub fn config(&self) -> &UpfConfig {
        &self.cfg
    }

    pub fn stats(&self) -> &ControlStats {
        &self.stats
    }

    /// A new forwarding table snapshot when anything changed since the last call; the
    /// runtime stores it where the packet workers load it (e.g. an `ArcSwap`).
    pub fn publish(&mut self) -> Option<Arc<ForwardingTable>> {
        self.writer.publish()
    }

    /// The working copy of the table (what the next [`UpfControl::publish`] returns).
    pub fn table(&self) -> &ForwardingTable {
        self.writer.table()
    }

    /// The installed state of a session, by our SEID.
    pub fn session(&self, up_seid: u64) -> Option<&SessionState> {
        self.sessions.get(&up_seid).map(|s| &s.state)
    }

    /// Every session's state (e.g. to persist them).
    pub fn sessions(&self) -> impl Iterator<Item = &SessionState> {
        self.sessions.values().map(|s| &s.state)
    }

    /// The compiled rules of a session.
    pub fn session_rules(&self, up_seid: u64) -> Option<&Arc<SessionRules>> {
        self.sessions.get(&up_seid).map(|s| &s.rules)
    }

    /// Current volume counted per URR of a session (not reset).
    pub fn usage(&self, up_seid: u64) -> Vec<(u32, Usage)> {
        self.sessions.get(&up_seid).map_or_else(Vec::new, |s| {
            s.rt.urrs.iter().map(|(id, c)| (*id, c.peek())).collect()
        })
    }

    /// Nodes with a PFCP association.
    pub fn associations(&self) -> impl Iterator<Item = (&NodeKey, SocketAddr)> {
        self.associations.iter().map(|(k, a)| (k, a.peer))
    }

    /// Local TEIDs in use.
    pub fn live_teids(&self) -> usize {
        self.teids.live()
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`UpfControl::handle_timeout`] is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let hb = self
            .associations
            .values()
            .filter(|a| !a.heartbeat_outstanding)
            .map(|a| a.next_heartbeat);
        let pend = self.pending.values().map(|p| p.deadline);
        let cache = self.cache_order.front().map(|(t, _)| *t);
        let sweep = self.sweep.as_ref().map(|(t, _)| *t);
        let usage = self.usage_timeout();
        hb.chain(pend).chain(cache).chain(sweep).chain(usage).min()
    }

    /// 3GPP NTP seconds at `now` (TS 29.244 §8.2.75 time format).
    fn ntp(&self, now: Instant) -> u32 {
        self.cfg
            .recovery_time_stamp
            .wrapping_add(now.saturating_duration_since(self.start).as_secs() as u32)
    }

    fn seq(&mut self) -> u32 {
        let s = self.next_seq;
        self.next_seq = (self.next_seq + 1) & 0x00ff_ffff;
        if self.next_seq == 0 {
            self.next_seq = 1;
        }
        s
    }

    fn send(&mut self, dst: SocketAddr, msg: &Message) -> Option<Vec<u8>> {
        match encode(msg) {
            Ok(bytes) => {
                self.transmits.push_back(Transmit {
                    channel: Channel::N4,
                    dst,
                    payload: bytes.clone(),
                });
                Some(bytes)
            }
            Err(e) => {
                warn!(error = %e, "PFCP message too long to encode");
                None
            }
        }
    }

    /// Sends a response and keeps it for retransmitted requests (TS 29.244 §6.4).
    fn respond(&mut self, now: Instant, peer: SocketAddr, msg: Message) {
        if let Some(bytes) = self.send(peer, &msg) {
            // Keyed by the request's type too (the response's type - 1).
            let key = (peer, msg.header.sequence, msg.body.message_type() - 1);
            self.cache.insert(key, bytes);
            self.cache_order
                .push_back((now + self.cfg.t1 * self.cfg.n1.max(1), key));
        }
    }

    fn request(
        &mut self,
        now: Instant,
        node: NodeKey,
        kind: PendingKind,
        dst: SocketAddr,
        msg: Message,
    ) {
        let seq = msg.header.sequence;
        if let Some(bytes) = self.send(dst, &msg) {
            self.pending.insert(
                seq,
                Pending {
                    node,
                    kind,
                    dst,
                    bytes,
                    deadline: now + self.cfg.t1,
                    sent: 1,
                },
            );
        }
    }

    /// A PFCP datagram from `peer`.
    pub fn handle_input(&mut self, now: Instant, peer: SocketAddr, bytes: &[u8]) {
        self.stats.received += 1;
        self.expire_cache(now);
        if let Some(h) = malformed::peek(bytes)
            && malformed::is_request(h.message_type)
            && let Some(cached) = self.cache.get(&(peer, h.sequence, h.message_type))
        {
            self.stats.duplicates += 1;
            self.transmits.push_back(Transmit {
                channel: Channel::N4,
                dst: peer,
                payload: cached.clone(),
            });
            return;
        }
        let msg = match decode(bytes) {
            Ok(m) => m,
            Err(e) => return self.malformed(now, peer, bytes, e),
        };
        let Message { header, body } = msg;
        match body {
            Body::HeartbeatRequest(r) => {
                self.check_recovery(now, peer, None, r.recovery_time_stamp);
                let resp = HeartbeatResponse {
                    recovery_time_stamp: self.cfg.recovery_time_stamp,
                };
                self.respond(now, peer, Message::node(header.sequence, resp));
            }
            Body::HeartbeatResponse(r) => match self.pending.remove(&header.sequence) {
                Some(p) if p.kind == PendingKind::Heartbeat => {
                    if let Some(a) = self.associations.get_mut(&p.node) {
                        a.heartbeat_outstanding = false;
                        a.next_heartbeat = now + self.cfg.heartbeat_interval;
                    }
                    self.check_recovery(now, peer, Some(p.node), r.recovery_time_stamp);
                }
                Some(p) => {
                    self.pending.insert(header.sequence, p);
                    self.stats.unexpected_responses += 1;
                }
                None => self.stats.unexpected_responses += 1,
            },
            Body::AssociationSetupRequest(r) => self.association_setup(now, peer, header, r),
            Body::AssociationUpdateRequest(r) => {
                let node = NodeKey::from(&r.node_id);
                let cause = match self.associations.get_mut(&node) {
                    Some(a) => {
                        if r.cp_function_features.is_some() {
                            a.cp_features = r.cp_function_features;
                        }
                        Cause::REQUEST_ACCEPTED
                    }
                    None => Cause::NO_ESTABLISHED_PFCP_ASSOCIATION,
                };
                let resp = AssociationUpdateResponse {
                    node_id: self.cfg.node_id.to_node_id(),
                    cause,
                    up_function_features: Some(Features(self.cfg.up_function_features())),
                    cp_function_features: None,
                };
                self.count_cause(cause);
                self.respond(now, peer, Message::node(header.sequence, resp));
            }
            Body::AssociationReleaseRequest(r) => {
                let node = NodeKey::from(&r.node_id);
                let cause = if self.associations.remove(&node).is_some() {
                    let n = self.delete_sessions_of(now, &node);
                    info!(%node, sessions = n, "PFCP association released");
                    self.events.push_back(Event::AssociationReleased {
                        node,
                        sessions_deleted: n,
                    });
                    Cause::REQUEST_ACCEPTED
                } else {
                    Cause::NO_ESTABLISHED_PFCP_ASSOCIATION
                };
                self.count_cause(cause);
                let resp = AssociationReleaseResponse {
                    node_id: self.cfg.node_id.to_node_id(),
                    cause,
                };
                self.respond(now, peer, Message::node(header.sequence, resp));
            }
            Body::SessionEstablishmentRequest(r) => self.establishment(now, peer, header, r),
            Body::SessionModificationRequest(r) => self.modification(now, peer, header, r),
            Body::SessionDeletionRequest(_) => self.deletion(now, peer, header),
            Body::SessionReportResponse(r) => match self.pending.remove(&header.sequence) {
                Some(Pending {
                    kind: PendingKind::Report { up_seid },
                    ..
                }) => {
                    if !r.cause.is_accepted() {
                        debug!(
                            up_seid,
                            cause = r.cause.0,
                            "Session Report rejected by the SMF"
                        );
                        self.events.push_back(Event::ReportFailed {
                            up_seid,
                            cause: Some(r.cause.0),
                        });
                    }
                }
                Some(p) => {
                    self.pending.insert(header.sequence, p);
                    self.stats.unexpected_responses += 1;
                }
                None => self.stats.unexpected_responses += 1,
            },
            // Responses to requests this UPF never sends, and UP->CP requests.
            _ => self.stats.unexpected_responses += 1,
        }
    }

    fn count_cause(&mut self, c: Cause) {
        if !c.is_accepted() {
            self.stats.rejected += 1;
        }
    }

    fn expire_cache(&mut self, now: Instant) {
        while let Some(&(t, key)) = self.cache_order.front() {
            if t > now {
                break;
            }
            self.cache_order.pop_front();
            self.cache.remove(&key);
        }
    }

    /// Timers: retransmissions (T1 / N1), heartbeats, the response cache, the sweep of
    /// buffers released while older snapshots were still in use, the URRs' time-based
    /// triggers.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.expire_cache(now);
        self.usage_timeouts(now);
        let due: Vec<u32> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(s, _)| *s)
            .collect();
        for seq in due {
            let Some(mut p) = self.pending.remove(&seq) else {
                continue;
            };
            if p.sent <= self.cfg.n1 {
                p.sent += 1;
                p.deadline = now + self.cfg.t1;
                self.stats.retransmissions += 1;
                self.transmits.push_back(Transmit {
                    channel: Channel::N4,
                    dst: p.dst,
                    payload: p.bytes.clone(),
                });
                self.pending.insert(seq, p);
                continue;
            }
            match p.kind {
                PendingKind::Heartbeat => {
                    if let Some(a) = self.associations.get_mut(&p.node) {
                        a.heartbeat_outstanding = false;
                        a.next_heartbeat = now + self.cfg.heartbeat_interval;
                    }
                    warn!(node = %p.node, "SMF does not answer heartbeats");
                    self.events
                        .push_back(Event::PeerUnreachable { node: p.node });
                }
                PendingKind::Report { up_seid } => {
                    self.events.push_back(Event::ReportFailed {
                        up_seid,
                        cause: None,
                    });
                }
            }
        }
        let due: Vec<NodeKey> = self
            .associations
            .iter()
            .filter(|(_, a)| !a.heartbeat_outstanding && a.next_heartbeat <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for node in due {
            let Some(a) = self.associations.get_mut(&node) else {
                continue;
            };
            a.heartbeat_outstanding = true;
            let dst = a.peer;
            let seq = self.seq();
            let msg = Message::node(
                seq,
                HeartbeatRequest {
                    recovery_time_stamp: self.cfg.recovery_time_stamp,
                },
            );
            self.request(now, node, PendingKind::Heartbeat, dst, msg);
        }
        if let Some((t, seids)) = self.sweep.take() {
            if t <= now {
                for s in seids {
                    self.release_buffer(now, s);
                }
            } else {
                self.sweep = Some((t, seids));
            }
        }
    }

    /// A Recovery Time Stamp from `peer` (heartbeat) compared with the association's.
    fn check_recovery(&mut self, now: Instant, peer: SocketAddr, node: Option<NodeKey>, rts: u32) {
        let node = node.or_else(|| {
            self.associations
                .iter()
                .find(|(_, a)| a.peer.ip() == peer.ip())
                .map(|(k, _)| k.clone())
        });
        let Some(node) = node else { return };
        let Some(a) = self.associations.get_mut(&node) else {
            return;
        };
        if a.recovery == rts {
            return;
        }
        let previous = std::mem::replace(&mut a.recovery, rts);
        self.peer_restarted(now, node, previous, rts);
    }

    fn peer_restarted(&mut self, now: Instant, node: NodeKey, previous: u32, current: u32) {
        let n = if self.cfg.purge_on_peer_restart {
            self.delete_sessions_of(now, &node)
        } else {
            0
        };
        warn!(%node, previous, current, sessions_deleted = n, "SMF restarted");
        self.events.push_back(Event::PeerRestarted {
            node,
            previous,
            current,
            sessions_deleted: n,
        });
    }

    fn association_setup(
        &mut self,
        now: Instant,
        peer: SocketAddr,
        header: Header,
        r: AssociationSetupRequest,
    ) {
        let node = NodeKey::from(&r.node_id);
        let restarted = self
            .associations
            .get(&node)
            .filter(|a| a.recovery != r.recovery_time_stamp)
            .map(|a| a.recovery);
        if let Some(previous) = restarted {
            self.peer_restarted(now, node.clone(), previous, r.recovery_time_stamp);
        }
        self.associations.insert(
            node.clone(),
            Association {
                peer,
                recovery: r.recovery_time_stamp,
                cp_features: r.cp_function_features,
                next_heartbeat: now + self.cfg.heartbeat_interval,
                heartbeat_outstanding: false,
            },
        );
        info!(%node, %peer, "PFCP association set up");
        self.events
            .push_back(Event::AssociationSetUp { node, peer });
        let resp = AssociationSetupResponse {
            node_id: self.cfg.node_id.to_node_id(),
            cause: Cause::REQUEST_ACCEPTED,
            recovery_time_stamp: self.cfg.recovery_time_stamp,
            up_function_features: Some(Features(self.cfg.up_function_features())),
            cp_function_features: None,
        };
        self.respond(now, peer, Message::node(header.sequence, resp));
    }

    fn alloc_seid(&mut self) -> u64 {
        loop {
            let s = self.next_seid;
            self.next_seid = self.next_seid.wrapping_add(1).max(1);
            if !self.sessions.contains_key(&s) {
                return s;
            }
        }
    }

    fn establishment(
        &mut self,
        now: Instant,
        peer: SocketAddr,
        header: Header,
        r: SessionEstablishmentRequest,
    ) {
        let node = NodeKey::from(&r.node_id);
        let cp_seid = r.cp_fseid.seid;
        let reject = |this: &mut Self, e: RuleError| {
            debug!(%node, cp_seid, cause = e.cause.0, what = %e.what, "Session Establishment rejected");
            this.stats.rejected += 1;
            let resp = SessionEstablishmentResponse {
                node_id: this.cfg.node_id.to_node_id(),
                cause: e.cause,
                offending_ie: e.offending_ie,
                up_fseid: None,
                created_pdrs: vec![],
            };
            this.respond(now, peer, Message::session(cp_seid, header.sequence, resp));
        };
        if !self.associations.contains_key(&node) {
            return reject(
                self,
                RuleError {
                    cause: Cause::NO_ESTABLISHED_PFCP_ASSOCIATION,
                    offending_ie: None,
                    what: "no PFCP association with this node".into(),
                },
            );
        }
        // The same CP F-SEID again: the SMF lost the session; replace it.
        if let Some(old) = self.by_cp.get(&(node.clone(), cp_seid)).copied() {
            self.delete_session(now, old);
        }
        if self.sessions.len() >= self.cfg.max_sessions {
            return reject(
                self,
                RuleError {
                    cause: Cause::NO_RESOURCES_AVAILABLE,
                    offending_ie: None,
                    what: "session limit".into(),
                },
            );
        }
        let up_seid = self.alloc_seid();
        let cp_addr = match (r.cp_fseid.ipv4, r.cp_fseid.ipv6) {
            (Some(a), _) => SocketAddr::new(IpAddr::V4(a), PFCP_PORT),
            (None, Some(a)) => SocketAddr::new(IpAddr::V6(a), PFCP_PORT),
            _ => peer,
        };
        let mut state = SessionState {
            up_seid,
            cp_seid,
            cp_node: node.clone(),
            cp_addr,
            pdrs: vec![],
            fars: vec![],
            qers: vec![],
            urrs: vec![],
            bar: None,
            pdn_type: r.pdn_type,
        };
        let mut alloc = rules::Alloc::default();
        let start_time = self.ntp(now);
        let built = (|| -> Result<(), RuleError> {
            for f in &r.create_fars {
                rules::push_unique(
                    &mut state.fars,
                    rules::far(f)?,
                    |x| x.id,
                    IeType::CREATE_FAR,
                )?;
            }
            for q in &r.create_qers {
                rules::push_unique(&mut state.qers, rules::qer(q), |x| x.id, IeType::CREATE_QER)?;
            }
            for u in &r.create_urrs {
                rules::push_unique(
                    &mut state.urrs,
                    rules::urr(u, start_time),
                    |x| x.id,
                    IeType::CREATE_URR,
                )?;
            }
            state.bar = r.create_bar.as_ref().map(rules::bar);
            for p in &r.create_pdrs {
                let pdr = self.pdr(p, &state, &mut alloc)?;
                rules::push_unique(&mut state.pdrs, pdr, |x| x.id, IeType::CREATE_PDR)?;
            }
            Ok(())
        })();
        let mut rt = RuleRuntime::default();
        let compiled = built.and_then(|()| compile(&state, &mut rt, self.buffer_limit()));
        let rules = match compiled {
            Ok(r) => Arc::new(r),
            Err(e) => {
                self.free(&alloc);
                return reject(self, e);
            }
        };
        self.writer.install(&rules);
        let created = self.created_pdrs(&state, |id| r.create_pdrs.iter().any(|p| p.pdr_id == id));
        self.by_cp.insert((node.clone(), cp_seid), up_seid);
        self.remote_tunnels.add(&state);
        let urr_ids: Vec<u32> = state.urrs.iter().map(|u| u.id).collect();
        self.sessions.insert(
            up_seid,
            Session {
                state,
                rt,
                rules,
                clocks: HashMap::new(),
                ei_reported: Vec::new(),
            },
        );
        for id in urr_ids {
            self.urr_created(now, up_seid, id);
        }
        debug!(up_seid, cp_seid, %node, "PFCP session established");
        self.events.push_back(Event::SessionEstablished {
            up_seid,
            cp_seid,
            node,
        });
        let resp = SessionEstablishmentResponse {
            node_id: self.cfg.node_id.to_node_id(),
            cause: Cause::REQUEST_ACCEPTED,
            offending_ie: None,
            up_fseid: Some(self.up_fseid(up_seid)),
            created_pdrs: created,
        };
        self.respond(now, peer, Message::session(cp_seid, header.sequence, resp));
    }

    fn up_fseid(&self, seid: u64) -> Fseid {
        let (ipv4, ipv6) = match self.cfg.n4_addr {
            IpAddr::V4(a) => (Some(a), None),
            IpAddr::V6(a) => (None, Some(a)),
        };
        Fseid { seid, ipv4, ipv6 }
    }

    fn buffer_limit(&self) -> (usize, usize) {
        (self.cfg.buffer_packets, self.cfg.buffer_octets)
    }

    /// Created PDR IEs (TS 29.244 §7.5.3.2) for the PDRs `which` selects that got a
    /// TEID or UE address from us.
    fn created_pdrs(&self, s: &SessionState, which: impl Fn(u16) -> bool) -> Vec<CreatedPdr> {
        s.pdrs
            .iter()
            .filter(|p| which(p.id))
            .filter(|p| p.teid_chosen || p.ue_ip.is_some_and(|u| u.ipv4_chosen))
            .map(|p| CreatedPdr {
                pdr_id: p.id,
                local_fteid: p
                    .local_teid
                    .filter(|_| p.teid_chosen)
                    .map(|teid| Fteid::Assigned {
                        teid,
                        ipv4: Some(self.cfg.n3_ipv4),
                        ipv6: self.cfg.n3_ipv6,
                    }),
                ue_ip_address: p.ue_ip.filter(|u| u.ipv4_chosen).map(|u| UeIpAddress {
                    ipv4: u.ipv4.map(UeAddr::Address),
                    destination: u.destination,
                    ..Default::default()
                }),
            })
            .collect()
    }

    /// Releases what a failed request allocated.
    fn free(&mut self, a: &rules::Alloc) {
        for &t in &a.teids {
            self.teids.release(t);
        }
        if let Some(p) = self.ue4.as_mut() {
            for &ip in a.ue4.iter().chain(&a.ue4_claimed) {
                p.release(ip);
            }
        }
    }

    fn modification(
        &mut self,
        now: Instant,
        peer: SocketAddr,
        header: Header,
        r: SessionModificationRequest,
    ) {
        let up_seid = header.seid.unwrap_or(0);
        let Some(sess) = self.sessions.get(&up_seid) else {
            self.stats.rejected += 1;
            let resp = SessionModificationResponse {
                cause: Cause::SESSION_CONTEXT_NOT_FOUND,
                offending_ie: None,
                created_pdrs: vec![],
                usage_reports: vec![],
            };
            return self.respond(now, peer, Message::session(0, header.sequence, resp));
        };
        let cp_seid = sess.state.cp_seid;
        let mut state = sess.state.clone();
        let old_state = sess.state.clone();
        let mut alloc = rules::Alloc::default();
        let start_time = self.ntp(now);
        let result = self.apply_modification(&mut state, &r, &mut alloc, start_time);
        let reject = |this: &mut Self, e: RuleError| {
            debug!(up_seid, cause = e.cause.0, what = %e.what, "Session Modification rejected");
            this.stats.rejected += 1;
            let resp = SessionModificationResponse {
                cause: e.cause,
                offending_ie: e.offending_ie,
                created_pdrs: vec![],
                usage_reports: vec![],
            };
            this.respond(now, peer, Message::session(cp_seid, header.sequence, resp));
        };
        if let Err(e) = result {
            self.free(&alloc);
            return reject(self, e);
        }
        let Some(sess) = self.sessions.get_mut(&up_seid) else {
            return;
        };
        // URRs being removed report their last usage (TS 29.244 §7.5.5.2); their
        // counters are kept from the recompilation, which drops them.
        let removed_urrs: Vec<(UrrState, Arc<UrrCounters>, Option<UrrClock>)> = r
            .remove_urrs
            .iter()
            .filter_map(|x| {
                let u = old_state.urrs.iter().find(|u| u.id == x.urr_id)?.clone();
                let c = sess.rt.urrs.get(&x.urr_id)?.clone();
                Some((u, c, sess.clocks.get(&x.urr_id).cloned()))
            })
            .collect();
        // Compiled against a copy of the runtime parts (URR counters, MBR buckets): the
        // compilation drops those of removed rules before it may still fail (e.g. a PDR
        // naming a removed URR), and a rejected modification leaves the session whole.
        let mut rt = sess.rt.clone();
        let compiled = compile(
            &state,
            &mut rt,
            (self.cfg.buffer_packets, self.cfg.buffer_octets),
        );
        let rules = match compiled {
            Ok(x) => Arc::new(x),
            Err(e) => {
                self.free(&alloc);
                return reject(self, e);
            }
        };
        sess.rt = rt;
        let old_rules = std::mem::replace(&mut sess.rules, rules.clone());
        sess.state = state;
        let Session {
            state,
            clocks,
            ei_reported,
            ..
        } = sess;
        clocks.retain(|id, _| state.urrs.iter().any(|u| u.id == *id));
        // The SMF acted on the session: Error Indications are reported again.
        ei_reported.clear();
        self.remote_tunnels.remove(&old_state);
        self.remote_tunnels.add(state);
        for u in &r.create_urrs {
            self.urr_created(now, up_seid, u.urr_id);
        }
        for u in &r.update_urrs {
            self.urr_updated(now, up_seid, u);
        }
        self.writer.uninstall(&old_rules);
        self.writer.install(&rules);
        // Resources the new state no longer holds.
        let new_teids = rules.teids.clone();
        for t in old_state.teids() {
            if !new_teids.contains(&t) {
                self.teids.release(t);
            }
        }
        self.release_unused_ue(&old_state, up_seid);
        // The downlink tunnel of an IPv6 session came up (the gNB's F-TEID after N2):
        // one unsolicited Router Advertisement (RFC 4861 §6.2.4, see `crate::ra`), so the
        // UE has its prefix without soliciting.
        let tunnel_up = |r: &SessionRules| {
            default_downlink(r)
                .is_some_and(|p| p.action == Some(FarAction::Forward) && p.outer.is_some())
        };
        if rules.ue_ipv6.is_some()
            && !tunnel_up(&old_rules)
            && tunnel_up(&rules)
            && let Some((dst, payload)) = unsolicited_ra(&rules, self.cfg.ipv6_link_mtu)
        {
            self.transmits.push_back(Transmit {
                channel: Channel::N3,
                dst,
                payload,
            });
        }

        let end = self.ntp(now);
        let mut usage_reports: Vec<UsageReport> = removed_urrs
            .into_iter()
            .map(|(mut u, c, mut clock)| {
                usage::take_usage(
                    &mut u,
                    &c,
                    clock.as_mut(),
                    UsageReportTrigger::TERMR,
                    end,
                    now,
                )
            })
            .collect();
        // Query URR (TS 29.244 §6.3.3): immediate reports; QAURR (bit 3) asks for all.
        let query_all = r.smreq_flags.is_some_and(|f| f & 0x04 != 0);
        let queried: Vec<u32> = if query_all {
            self.sessions[&up_seid]
                .state
                .urrs
                .iter()
                .map(|u| u.id)
                .collect()
        } else {
            r.query_urrs.iter().map(|q| q.urr_id).collect()
        };
        for id in queried {
            if let Some(rep) = self.take_report(now, up_seid, id, UsageReportTrigger::IMMER) {
                usage_reports.push(rep);
            }
        }
        let created = {
            let s = &self.sessions[&up_seid].state;
            self.created_pdrs(s, |id| r.create_pdrs.iter().any(|p| p.pdr_id == id))
        };
        // Buffered downlink packets: dropped on DROBU (bit 1), released once no FAR buffers.
        let drobu = r.smreq_flags.is_some_and(|f| f & 0x01 != 0);
        let buffering = rules.fars.iter().any(|f| f.action == FarAction::Buffer);
        if !r.update_fars.is_empty() || !r.create_fars.is_empty() || !r.remove_fars.is_empty() {
            // A new buffering period starts with the next buffered packet.
            rules.shared.dl_reported.store(false, Ordering::Release);
        }
        if drobu {
            rules.shared.drain();
        } else if !buffering {
            self.release_buffer(now, up_seid);
            self.sweep = Some(match self.sweep.take() {
                Some((t, mut v)) => {
                    v.push(up_seid);
                    (t, v)
                }
                None => (now + Duration::from_millis(50), vec![up_seid]),
            });
        }
        // End Markers (TS 29.244 §5.2.2.x SNDEM; TS 29.281 §7.3.2) on the old path.
        for f in &r.update_fars {
            let sndem = f
                .update_forwarding_parameters
                .as_ref()
                .and_then(|p| p.smreq_flags)
                .is_some_and(|x| x & 0x02 != 0);
            let old = old_state
                .fars
                .iter()
                .find(|x| x.id == f.far_id)
                .and_then(|x| x.outer_header);
            let new = self.sessions[&up_seid]
                .state
                .fars
                .iter()
                .find(|x| x.id == f.far_id)
                .and_then(|x| x.outer_header);
            if let (true, Some(old)) = (sndem, old)
                && Some(old) != new
            {
                let repr = ferrocore_gtpu::Repr::end_marker(old.teid);
                let mut b = vec![0u8; repr.buffer_len(0)];
                if repr.emit(&mut b).is_ok() {
                    self.transmits.push_back(Transmit {
                        channel: Channel::N3,
                        dst: old.peer,
                        payload: b,
                    });
                }
            }
        }
        debug!(up_seid, "PFCP session modified");
        self.events.push_back(Event::SessionModified { up_seid });
        let resp = SessionModificationResponse {
            cause: Cause::REQUEST_ACCEPTED,
            offending_ie: None,
            created_pdrs: created,
            usage_reports,
        };
        self.respond(now, peer, Message::session(cp_seid, header.sequence, resp));
    }

    /// Applies a modification to a copy of the session's state.
    fn apply_modification(
        &mut self,
        s: &mut SessionState,
        r: &SessionModificationRequest,
        alloc: &mut rules::Alloc,
        start_time: u32,
    ) -> Result<(), RuleError> {
        let missing = |ie, kind: &str, id: u64| {
            RuleError::new(
                Cause::RULE_CREATION_MODIFICATION_FAILURE,
                ie,
                format!("{kind} {id} is not in the session"),
            )
        };
        if let Some(f) = &r.cp_fseid {
            s.cp_seid = f.seid;
            if let Some(a) = f.ipv4 {
                s.cp_addr = SocketAddr::new(IpAddr::V4(a), PFCP_PORT);
            } else if let Some(a) = f.ipv6 {
                s.cp_addr = SocketAddr::new(IpAddr::V6(a), PFCP_PORT);
            }
        }
        for x in &r.remove_pdrs {
            let n = s.pdrs.len();
            s.pdrs.retain(|p| p.id != x.pdr_id);
            if s.pdrs.len() == n {
                return Err(missing(IeType::REMOVE_PDR, "PDR", x.pdr_id.into()));
            }
        }
        for x in &r.remove_fars {
            let n = s.fars.len();
            s.fars.retain(|p| p.id != x.far_id);
            if s.fars.len() == n {
                return Err(missing(IeType::REMOVE_FAR, "FAR", x.far_id.into()));
            }
        }
        for x in &r.remove_qers {
            let n = s.qers.len();
            s.qers.retain(|p| p.id != x.qer_id);
            if s.qers.len() == n {
                return Err(missing(IeType::REMOVE_QER, "QER", x.qer_id.into()));
            }
        }
        for x in &r.remove_urrs {
            let n = s.urrs.len();
            s.urrs.retain(|p| p.id != x.urr_id);
            if s.urrs.len() == n {
                return Err(missing(IeType::REMOVE_URR, "URR", x.urr_id.into()));
            }
        }
        if let Some(b) = &r.remove_bar
            && s.bar.is_some_and(|x| x.id == b.bar_id)
        {
            s.bar = None;
        }
        for f in &r.create_fars {
            rules::push_unique(&mut s.fars, rules::far(f)?, |x| x.id, IeType::CREATE_FAR)?;
        }
        for q in &r.create_qers {
            rules::push_unique(&mut s.qers, rules::qer(q), |x| x.id, IeType::CREATE_QER)?;
        }
        for u in &r.create_urrs {
            rules::push_unique(
                &mut s.urrs,
                rules::urr(u, start_time),
                |x| x.id,
                IeType::CREATE_URR,
            )?;
        }
        if let Some(b) = &r.create_bar {
            s.bar = Some(rules::bar(b));
        }
        if let Some(b) = &r.update_bar {
            s.bar = Some(rules::bar(b));
        }
        for f in &r.update_fars {
            let far = s
                .fars
                .iter_mut()
                .find(|x| x.id == f.far_id)
                .ok_or_else(|| missing(IeType::UPDATE_FAR, "FAR", f.far_id.into()))?;
            rules::update_far(far, f)?;
        }
        for q in &r.update_qers {
            let qer = s
                .qers
                .iter_mut()
                .find(|x| x.id == q.qer_id)
                .ok_or_else(|| missing(IeType::UPDATE_QER, "QER", q.qer_id.into()))?;
            rules::update_qer(qer, q);
        }
        for u in &r.update_urrs {
            let urr = s
                .urrs
                .iter_mut()
                .find(|x| x.id == u.urr_id)
                .ok_or_else(|| missing(IeType::UPDATE_URR, "URR", u.urr_id.into()))?;
            rules::update_urr(urr, u);
        }
        for p in &r.create_pdrs {
            let pdr = self.pdr(p, s, alloc)?;
            rules::push_unique(&mut s.pdrs, pdr, |x| x.id, IeType::CREATE_PDR)?;
        }
        for u in &r.update_pdrs {
            let i = s
                .pdrs
                .iter()
                .position(|x| x.id == u.pdr_id)
                .ok_or_else(|| missing(IeType::UPDATE_PDR, "PDR", u.pdr_id.into()))?;
            if let Some(pdi) = &u.pdi {
                let mut fresh = s.pdrs[i].clone();
                rules::apply_pdi(&mut fresh, pdi);
                self.resolve_pdi(&mut fresh, pdi, s, alloc)?;
                s.pdrs[i] = fresh;
            }
            let p = &mut s.pdrs[i];
            if let Some(x) = u.precedence {
                p.precedence = x;
            }
            if let Some(x) = u.far_id {
                p.far_id = Some(x);
            }
            if let Some(x) = &u.outer_header_removal {
                p.outer_header_removal = Some(x.description);
            }
            if !u.urr_ids.is_empty() {
                p.urr_ids = u.urr_ids.to_vec();
            }
            if !u.qer_ids.is_empty() {
                p.qer_ids = u.qer_ids.to_vec();
            }
        }
        Ok(())
    }

    /// Frees the pool's UE addresses (chosen here or given by the SMF and claimed) that
    /// `old` held and the current state no longer does.
    fn release_unused_ue(&mut self, old: &SessionState, up_seid: u64) {
        let Some(pool) = self.ue4.as_mut() else {
            return;
        };
        let now_held: Vec<IpAddr> = self
            .sessions
            .get(&up_seid)
            .map_or_else(Vec::new, |s| s.state.ue_addrs());
        for p in &old.pdrs {
            if let Some(u) = p.ue_ip
                && let Some(a) = u.ipv4
                && pool.contains(a)
                && !now_held.contains(&IpAddr::V4(a))
            {
                pool.release(a);
            }
        }
    }

    fn deletion(&mut self, now: Instant, peer: SocketAddr, header: Header) {
        let up_seid = header.seid.unwrap_or(0);
        let Some(cp_seid) = self.sessions.get(&up_seid).map(|s| s.state.cp_seid) else {
            self.stats.rejected += 1;
            let resp = SessionDeletionResponse {
                cause: Cause::SESSION_CONTEXT_NOT_FOUND,
                offending_ie: None,
                usage_reports: vec![],
            };
            return self.respond(now, peer, Message::session(0, header.sequence, resp));
        };
        let usage_reports = self.delete_session(now, up_seid);
        let resp = SessionDeletionResponse {
            cause: Cause::REQUEST_ACCEPTED,
            offending_ie: None,
            usage_reports,
        };
        self.respond(now, peer, Message::session(cp_seid, header.sequence, resp));
    }

    /// Removes a session, frees its TEIDs and addresses, drops its buffer; returns the
    /// final usage reports (trigger TERMR, TS 29.244 §7.5.7.2).
    fn delete_session(&mut self, now: Instant, up_seid: u64) -> Vec<UsageReport> {
        let ids: Vec<u32> = self
            .sessions
            .get(&up_seid)
            .map_or_else(Vec::new, |s| s.state.urrs.iter().map(|u| u.id).collect());
        let reports: Vec<UsageReport> = ids
            .into_iter()
            .filter_map(|id| self.take_report(now, up_seid, id, UsageReportTrigger::TERMR))
            .collect();
        let Some(sess) = self.sessions.remove(&up_seid) else {
            return reports;
        };
        self.remote_tunnels.remove(&sess.state);
        self.writer.uninstall(&sess.rules);
        for t in sess.state.teids() {
            self.teids.release(t);
        }
        self.release_unused_ue(&sess.state, up_seid);
        sess.rules.shared.drain();
        self.by_cp
            .remove(&(sess.state.cp_node.clone(), sess.state.cp_seid));
        self.pending
            .retain(|_, p| p.kind != PendingKind::Report { up_seid });
        debug!(up_seid, "PFCP session deleted");
        self.events.push_back(Event::SessionDeleted { up_seid });
        reports
    }

    fn delete_sessions_of(&mut self, now: Instant, node: &NodeKey) -> usize {
        let seids: Vec<u64> = self
            .sessions
            .values()
            .filter(|s| &s.state.cp_node == node)
            .map(|s| s.state.up_seid)
            .collect();
        for &s in &seids {
            self.delete_session(now, s);
        }
        seids.len()
    }

    /// Something the data plane saw that the SMF must hear about (TS 29.244 §6.3.5), or
    /// that starts a URR's time metering.
    pub fn handle_notification(&mut self, now: Instant, n: Notification) {
        match n {
            Notification::DownlinkData { up_seid, pdr_id } => {
                let body = SessionReportRequest {
                    report_type: SessionReportRequest::DLDR,
                    downlink_data_report: Some(DownlinkDataReport {
                        pdr_ids: [pdr_id].into(),
                    }),
                    usage_reports: vec![],
                    error_indication_report: None,
                };
                self.send_report(now, up_seid, body);
            }
            Notification::VolumeThreshold { up_seid, urr_id } => {
                self.volume_event(now, up_seid, urr_id, UsageReportTrigger::VOLTH);
            }
            Notification::VolumeQuota { up_seid, urr_id } => {
                self.volume_event(now, up_seid, urr_id, UsageReportTrigger::VOLQU);
            }
            Notification::FirstPacket { up_seid, urr_id } => {
                self.urr_first_packet(now, up_seid, urr_id);
            }
            Notification::ErrorIndication { from, teid, peer } => {
                self.error_indication(now, from, teid, peer);
            }
        }
    }

    /// Sends a Session Report Request (TS 29.244 §7.5.8) to the session's SMF.
    fn send_report(&mut self, now: Instant, up_seid: u64, body: SessionReportRequest) {
        let Some(s) = self.sessions.get(&up_seid) else {
            return;
        };
        let (dst, cp_seid, node) = (s.state.cp_addr, s.state.cp_seid, s.state.cp_node.clone());
        let seq = self.seq();
        self.stats.reports_sent += 1;
        self.request(
            now,
            node,
            PendingKind::Report { up_seid },
            dst,
            Message::session(cp_seid, seq, body),
        );
    }

    /// Sends on what a session buffered, through its current rules (and its URRs:
    /// counted, and dropped when a quota is spent).
    fn release_buffer(&mut self, now: Instant, up_seid: u64) {
        let Some(sess) = self.sessions.get(&up_seid) else {
            return;
        };
        let rules = sess.rules.clone();
        if rules.fars.iter().any(|f| f.action == FarAction::Buffer) {
            return;
        }
        let mut notes = Vec::new();
        for (pdr_id, mut frame) in rules.shared.drain() {
            if frame.len() < DL_HEADROOM {
                continue;
            }
            if let Downlink::Sent(crate::dataplane::Verdict::N3 { dst, range }) =
                release(&rules, pdr_id, &mut frame, &mut |n| notes.push(n))
            {
                frame.truncate(range.end);
                frame.drain(..range.start);
                self.stats.released += 1;
                self.transmits.push_back(Transmit {
                    channel: Channel::N3,
                    dst,
                    payload: frame,
                });
            }
        }
        for n in notes {
            self.handle_notification(now, n);
        }
    }

    /// Deletes every session of `node` (e.g. after [`Event::PeerRestarted`] when
    /// `purge_on_peer_restart` is off and the runtime decides so).
    pub fn delete_sessions_of_node(&mut self, now: Instant, node: &NodeKey) -> usize {
        self.delete_sessions_of(now, node)
    }

    /// Local N3 GTP-U port.
    pub fn gtpu_port(&self) -> u16 {
        GTPU_PORT
    }
}
