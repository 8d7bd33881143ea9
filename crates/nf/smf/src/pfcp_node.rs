//! The SMF's PFCP node (TS 29.244 §6): associations with the UPFs (§6.2.6), heartbeats
//! (§6.2.2), peer restart detection by Recovery Time Stamp (§6.2.6.2.2, TS 23.527
//! §4.2.4), request retransmission with T1 / N1 and sequence-number matching (§6.4), and
//! a short-lived cache of our answers to the peers' requests so that a retransmitted
//! request gets the same answer without being processed twice.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::time::Instant;

use ferrocore_pfcp::ie::{Features, NodeId};
use ferrocore_pfcp::message::{
    AssociationReleaseResponse, AssociationSetupRequest, AssociationSetupResponse,
    HeartbeatRequest, HeartbeatResponse, NodeReportResponse,
};
use ferrocore_pfcp::{Body, Cause, Message};

use crate::Action;
use crate::config::UpfConfig;
use crate::engine::Smf;
use crate::timers::Timer;

/// The state of the association with one UPF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssociationState {
    /// None (not yet tried, refused, or lost: retried after `association_retry_secs`).
    Down,
    /// Association Setup Request out.
    SettingUp,
    /// Associated: sessions can be placed, heartbeats run.
    Up,
}

/// One UPF as the SMF sees it.
#[derive(Debug, Clone)]
pub struct UpfPeer {
    pub config: UpfConfig,
    pub state: AssociationState,
    /// Its Recovery Time Stamp as last seen (survives losing the association, so that a
    /// restart during the outage is seen at re-association).
    pub recovery_time_stamp: Option<u32>,
    /// SM contexts placed on it.
    pub sessions: HashSet<u64>,
    heartbeat_out: bool,
}

/// Why a request was sent: what its answer (or its giving up) goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    AssociationSetup(usize),
    Heartbeat(usize),
    Session { key: u64, op: SessionOp },
}

/// The session request of a [`Purpose::Session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionOp {
    Establish,
    /// User plane activation / deactivation.
    Modify,
    Delete,
    /// One step of a PDU session modification's QoS.
    Qos(QosStep),
}

/// The N4 steps of a PDU session modification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QosStep {
    /// Additions and changes, before the command.
    Install,
    /// Removals, after the UE's completion.
    Commit,
    /// Back to the QoS before, the procedure having failed.
    Revert,
}

#[derive(Debug)]
struct Txn {
    to: SocketAddr,
    bytes: Vec<u8>,
    retransmissions: u32,
    purpose: Purpose,
}

/// The node's state.
#[derive(Debug, Default)]
pub(crate) struct PfcpNode {
    pub upfs: Vec<UpfPeer>,
    txns: HashMap<u32, Txn>,
    next_seq: u32,
    cache: HashMap<(SocketAddr, u32), Vec<u8>>,
}

impl PfcpNode {
    pub fn new(upfs: &[UpfConfig]) -> Self {
        PfcpNode {
            upfs: upfs
                .iter()
                .map(|c| UpfPeer {
                    config: c.clone(),
                    state: AssociationState::Down,
                    recovery_time_stamp: None,
                    sessions: HashSet::new(),
                    heartbeat_out: false,
                })
                .collect(),
            ..Default::default()
        }
    }

    fn seq(&mut self) -> u32 {
        loop {
            self.next_seq = (self.next_seq + 1) & 0x00ff_ffff;
            if self.next_seq != 0 && !self.txns.contains_key(&self.next_seq) {
                return self.next_seq;
            }
        }
    }

    /// The UPF a datagram came from (by address: UPFs may send from another port).
    pub fn upf_of(&self, from: SocketAddr) -> Option<usize> {
        self.upfs
            .iter()
            .position(|u| u.config.address == from)
            .or_else(|| {
                self.upfs
                    .iter()
                    .position(|u| u.config.address.ip() == from.ip())
            })
    }

    /// PFCP requests waiting for an answer.
    pub fn outstanding(&self) -> usize {
        self.txns.len()
    }
}

impl Smf {
    /// Sends a PFCP request; its answer or giving up goes to `purpose`. Returns false if
    /// it could not be encoded (logged).
    pub(crate) fn pfcp_request(
        &mut self,
        now: Instant,
        to: SocketAddr,
        seid: Option<u64>,
        body: impl Into<Body>,
        purpose: Purpose,
    ) -> bool {
        let seq = self.pfcp.seq();
        let msg = match seid {
            Some(s) => Message::session(s, seq, body),
            None => Message::node(seq, body),
        };
        let bytes = match ferrocore_pfcp::encode(&msg) {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(message = msg.body.name(), error = %e, "PFCP request does not encode");
                return false;
            }
        };
        self.send_pfcp(to, bytes.clone());
        self.pfcp.txns.insert(
            seq,
            Txn {
                to,
                bytes,
                retransmissions: 0,
                purpose,
            },
        );
        self.timers
            .start(now + self.cfg.t1, Timer::PfcpRetransmit(seq));
        true
    }

    pub(crate) fn send_pfcp(&mut self, to: SocketAddr, bytes: Vec<u8>) {
        self.metrics.pfcp_tx.inc();
        self.out.push_back(Action::SendPfcp { to, bytes });
    }

    /// T1 expired for `seq`: retransmit, or after N1 retransmissions give up.
    pub(crate) fn pfcp_retransmit(&mut self, now: Instant, seq: u32) {
        let n1 = self.cfg.config.pfcp_n1;
        let Some(txn) = self.pfcp.txns.get_mut(&seq) else {
            return;
        };
        if txn.retransmissions < n1 {
            txn.retransmissions += 1;
            let (to, bytes) = (txn.to, txn.bytes.clone());
            self.metrics.pfcp_retransmissions.inc();
            self.send_pfcp(to, bytes);
            self.timers
                .start(now + self.cfg.t1, Timer::PfcpRetransmit(seq));
            return;
        }
        let Some(txn) = self.pfcp.txns.remove(&seq) else {
            return;
        };
        self.metrics.pfcp_timeouts.inc();
        tracing::warn!(peer = %txn.to, seq, purpose = ?txn.purpose, "PFCP request unanswered after N1 retransmissions");
        self.pfcp_answer(now, txn.purpose, None);
    }

    /// One datagram from the N4 socket.
    pub(crate) fn on_pfcp(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) {
        self.metrics.pfcp_rx.inc();
        let msg = match ferrocore_pfcp::decode(bytes) {
            Ok(m) => m,
            Err(e) => {
                // A request we cannot read cannot be answered with its sequence number
                // reliably; the peer retransmits or gives up (TS 29.244 §7.6).
                self.metrics.pfcp_malformed.inc();
                tracing::debug!(%from, error = %e, "undecodable PFCP datagram dropped");
                return;
            }
        };
        let seq = msg.header.sequence;
        if is_response(&msg.body) {
            let matches = self
                .pfcp
                .txns
                .get(&seq)
                .is_some_and(|t| t.to.ip() == from.ip());
            if !matches {
                tracing::debug!(%from, seq, message = msg.body.name(), "PFCP response to no request of ours");
                return;
            }
            if let Some(txn) = self.pfcp.txns.remove(&seq) {
                self.timers.stop(Timer::PfcpRetransmit(seq));
                self.pfcp_answer(now, txn.purpose, Some(msg));
            }
            return;
        }
        if let Some(cached) = self.pfcp.cache.get(&(from, seq)) {
            let cached = cached.clone();
            self.send_pfcp(from, cached);
            return;
        }
        let answer = self.on_pfcp_request(now, from, msg);
        if let Some(answer) = answer {
            match ferrocore_pfcp::encode(&answer) {
                Ok(b) => {
                    self.pfcp.cache.insert((from, seq), b.clone());
                    let keep = self.cfg.t1 * (self.cfg.config.pfcp_n1 + 1);
                    self.timers
                        .start(now + keep, Timer::CachedResponse(from, seq));
                    self.send_pfcp(from, b);
                }
                Err(e) => tracing::error!(error = %e, "PFCP response does not encode"),
            }
        }
    }

    pub(crate) fn drop_cached(&mut self, from: SocketAddr, seq: u32) {
        self.pfcp.cache.remove(&(from, seq));
    }

    /// A request from a peer; the answer to send, if any.
    fn on_pfcp_request(&mut self, now: Instant, from: SocketAddr, msg: Message) -> Option<Message> {
        let seq = msg.header.sequence;
        let upf = self.pfcp.upf_of(from);
        match msg.body {
            Body::HeartbeatRequest(hb) => {
                if let Some(i) = upf {
                    self.seen_recovery_time_stamp(now, i, hb.recovery_time_stamp);
                }
                Some(Message::node(
                    seq,
                    HeartbeatResponse {
                        recovery_time_stamp: self.cfg.config.recovery_time_stamp,
                    },
                ))
            }
            Body::AssociationSetupRequest(req) => {
                // A UPF-initiated association (TS 29.244 §6.2.6.2.1): accepted from a
                // configured UPF only.
                let cause = match upf {
                    Some(i) => {
                        self.seen_recovery_time_stamp(now, i, req.recovery_time_stamp);
                        self.association_up(now, i, req.recovery_time_stamp);
                        Cause::REQUEST_ACCEPTED
                    }
                    None => {
                        tracing::warn!(%from, "Association Setup Request from an unknown UPF refused");
                        Cause::REQUEST_REJECTED
                    }
                };
                Some(Message::node(
                    seq,
                    AssociationSetupResponse {
                        node_id: self.local.node_id.clone(),
                        cause,
                        recovery_time_stamp: self.cfg.config.recovery_time_stamp,
                        up_function_features: None,
                        cp_function_features: Some(Features(vec![0])),
                    },
                ))
            }
            Body::AssociationReleaseRequest(_) => {
                if let Some(i) = upf {
                    tracing::info!(upf = %from, "UPF released the association");
                    self.association_lost(now, i);
                }
                Some(Message::node(
                    seq,
                    AssociationReleaseResponse {
                        node_id: self.local.node_id.clone(),
                        cause: Cause::REQUEST_ACCEPTED,
                    },
                ))
            }
            Body::NodeReportRequest(r) => {
                tracing::info!(upf = %from, report_type = r.node_report_type, "node report");
                Some(Message::node(
                    seq,
                    NodeReportResponse {
                        node_id: self.local.node_id.clone(),
                        cause: Cause::REQUEST_ACCEPTED,
                        offending_ie: None,
                    },
                ))
            }
            Body::SessionReportRequest(r) => {
                let seid = msg.header.seid.unwrap_or(0);
                let (peer_seid, answer) = self.on_session_report(now, seid, r);
                Some(Message::session(peer_seid, seq, answer))
            }
            other => {
                tracing::debug!(%from, message = other.name(), "PFCP request not served by a CP function: ignored");
                None
            }
        }
    }

    /// Sends Association Setup Request to UPF `i`.
    pub(crate) fn associate(&mut self, now: Instant, i: usize) {
        let Some(u) = self.pfcp.upfs.get_mut(i) else {
            return;
        };
        u.state = AssociationState::SettingUp;
        let to = u.config.address;
        let req = AssociationSetupRequest {
            node_id: self.local.node_id.clone(),
            recovery_time_stamp: self.cfg.config.recovery_time_stamp,
            up_function_features: None,
            cp_function_features: Some(Features(vec![0])),
        };
        tracing::info!(upf = %to, "PFCP Association Setup Request");
        self.pfcp_request(now, to, None, req, Purpose::AssociationSetup(i));
    }

    fn association_up(&mut self, now: Instant, i: usize, recovery_time_stamp: u32) {
        let Some(u) = self.pfcp.upfs.get_mut(i) else {
            return;
        };
        u.recovery_time_stamp = Some(recovery_time_stamp);
        if u.state != AssociationState::Up {
            u.state = AssociationState::Up;
            u.heartbeat_out = false;
            tracing::info!(upf = %u.config.address, recovery_time_stamp, "PFCP association up");
        }
        self.timers.stop(Timer::AssociationRetry(i));
        self.timers
            .start(now + self.cfg.heartbeat, Timer::Heartbeat(i));
        self.update_association_gauge();
    }

    /// The association with UPF `i` is gone (released, or the UPF stopped answering):
    /// its sessions stay (a restart shows at re-association), setup is retried.
    pub(crate) fn association_lost(&mut self, now: Instant, i: usize) {
        if let Some(u) = self.pfcp.upfs.get_mut(i) {
            u.state = AssociationState::Down;
            u.heartbeat_out = false;
        }
        self.timers.stop(Timer::Heartbeat(i));
        self.timers
            .start(now + self.cfg.association_retry, Timer::AssociationRetry(i));
        self.update_association_gauge();
    }

    fn update_association_gauge(&self) {
        let up = self
            .pfcp
            .upfs
            .iter()
            .filter(|u| u.state == AssociationState::Up)
            .count();
        self.metrics.pfcp_associations.set(up as i64);
    }

    /// A Recovery Time Stamp from UPF `i`: a different one than known means it restarted
    /// and lost every session (TS 29.244 §6.2.6.2.2): they are released.
    fn seen_recovery_time_stamp(&mut self, now: Instant, i: usize, ts: u32) {
        let Some(u) = self.pfcp.upfs.get_mut(i) else {
            return;
        };
        match u.recovery_time_stamp {
            Some(old) if old != ts => {
                tracing::warn!(upf = %u.config.address, old, new = ts, "UPF restarted: its PFCP sessions are gone");
                u.recovery_time_stamp = Some(ts);
                self.metrics.upf_restarts.inc();
                let lost: Vec<u64> = u.sessions.drain().collect();
                for key in lost {
                    self.upf_lost_session(now, key);
                }
                if self.pfcp.upfs[i].state == AssociationState::Up {
                    // Its association state is gone with it: set it up again.
                    self.associate(now, i);
                }
            }
            Some(_) => {}
            None => u.recovery_time_stamp = Some(ts),
        }
    }

    /// Heartbeat timer of UPF `i`.
    pub(crate) fn heartbeat(&mut self, now: Instant, i: usize) {
        let Some(u) = self.pfcp.upfs.get_mut(i) else {
            return;
        };
        if u.state != AssociationState::Up {
            return;
        }
        if !u.heartbeat_out {
            u.heartbeat_out = true;
            let to = u.config.address;
            let req = HeartbeatRequest {
                recovery_time_stamp: self.cfg.config.recovery_time_stamp,
            };
            self.pfcp_request(now, to, None, req, Purpose::Heartbeat(i));
        }
        self.timers
            .start(now + self.cfg.heartbeat, Timer::Heartbeat(i));
    }

    /// The answer to a request, or `None` when it was given up.
    fn pfcp_answer(&mut self, now: Instant, purpose: Purpose, answer: Option<Message>) {
        match purpose {
            Purpose::AssociationSetup(i) => match answer.map(|m| m.body) {
                Some(Body::AssociationSetupResponse(r)) if r.cause.is_accepted() => {
                    self.seen_recovery_time_stamp(now, i, r.recovery_time_stamp);
                    self.association_up(now, i, r.recovery_time_stamp);
                }
                Some(Body::AssociationSetupResponse(r)) => {
                    tracing::warn!(upf = i, cause = %r.cause, "PFCP association refused");
                    self.association_lost(now, i);
                }
                _ => self.association_lost(now, i),
            },
            Purpose::Heartbeat(i) => {
                if let Some(u) = self.pfcp.upfs.get_mut(i) {
                    u.heartbeat_out = false;
                }
                match answer.map(|m| m.body) {
                    Some(Body::HeartbeatResponse(r)) => {
                        self.seen_recovery_time_stamp(now, i, r.recovery_time_stamp)
                    }
                    _ => {
                        tracing::warn!(upf = i, "UPF does not answer heartbeats: association lost");
                        self.association_lost(now, i);
                    }
                }
            }
            Purpose::Session { key, op } => self.on_session_answer(now, key, op, answer),
        }
    }

    /// The UPFs and their association state, for inspection.
    pub fn upfs(&self) -> impl Iterator<Item = (SocketAddr, AssociationState)> + '_ {
        self.pfcp.upfs.iter().map(|u| (u.config.address, u.state))
    }

    /// PFCP requests waiting for an answer.
    pub fn pfcp_outstanding(&self) -> usize {
        self.pfcp.outstanding()
    }
}

fn is_response(b: &Body) -> bool {
    matches!(
        b,
        Body::HeartbeatResponse(_)
            | Body::AssociationSetupResponse(_)
            | Body::AssociationUpdateResponse(_)
            | Body::AssociationReleaseResponse(_)
            | Body::NodeReportResponse(_)
            | Body::SessionEstablishmentResponse(_)
            | Body::SessionModificationResponse(_)
            | Body::SessionDeletionResponse(_)
            | Body::SessionReportResponse(_)
    )
}

/// Our Node ID from the N4 address.
pub(crate) fn node_id(addr: std::net::IpAddr) -> NodeId {
    match addr {
        std::net::IpAddr::V4(a) => NodeId::Ipv4(a),
        std::net::IpAddr::V6(a) => NodeId::Ipv6(a),
    }
}
