//! The engine: state and the sans-IO surface (`handle_event`, `poll_action`,
//! `poll_timeout`, `handle_timeout`), plus the bookkeeping the procedures share.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use crate::config::{Checked, ConfigError};
use crate::context::{Phase, SmContext};
use crate::pfcp_node::{PfcpNode, node_id};
use crate::qos::QosChange;
use crate::rules::Local;
use crate::timers::{Timer, Timers};
use crate::{Action, Event, Metrics, SbiRequest, SmfConfig, SmfError, SmfRequest, TxnId};

/// What an SBI transaction is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SbiPurpose {
    /// Nudm_SDM get sm-data of an establishment.
    SmData,
    /// N1N2MessageTransfer of the establishment accept.
    Accept,
    /// N1N2MessageTransfer of N2 only, after a downlink data report (paging).
    Paging,
    /// N1N2MessageTransfer of N2 only releasing the AN resources of a dead N3 tunnel.
    AnRelease,
    /// N1N2MessageTransfer of a network-requested release.
    Release,
    /// N1N2MessageTransfer of a network-requested modification's command.
    Modification,
    /// N1N2MessageTransfer of a 5GSM command sent again (T3591, T3592).
    Retransmission,
}

/// The SMF engine. See the crate documentation.
pub struct Smf {
    pub(crate) cfg: Checked,
    pub(crate) metrics: Metrics,
    pub(crate) out: VecDeque<Action>,
    pub(crate) timers: Timers,
    pub(crate) pfcp: PfcpNode,
    pub(crate) local: Local,
    pub(crate) contexts: HashMap<u64, SmContext>,
    pub(crate) by_ref: HashMap<String, u64>,
    pub(crate) by_session: HashMap<(String, u8), u64>,
    pub(crate) txns: HashMap<TxnId, (u64, SbiPurpose)>,
    next_txn: u64,
    next_key: u64,
    started: bool,
}

impl Smf {
    /// An SMF with `config`, checked first.
    pub fn new(config: SmfConfig) -> Result<Smf, ConfigError> {
        let cfg = config.validate()?;
        let addr = cfg.config.pfcp_listen.ip();
        let pfcp = PfcpNode::new(&cfg.config.upfs);
        Ok(Smf {
            local: Local {
                node_id: node_id(addr),
                addr,
            },
            cfg,
            metrics: Metrics::new(),
            out: VecDeque::new(),
            timers: Timers::default(),
            pfcp,
            contexts: HashMap::new(),
            by_ref: HashMap::new(),
            by_session: HashMap::new(),
            txns: HashMap::new(),
            next_txn: 0,
            next_key: 0,
            started: false,
        })
    }

    /// The measurements (shared: clone to render them elsewhere).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The configuration in use.
    pub fn config(&self) -> &SmfConfig {
        &self.cfg.config
    }

    /// Sets our Recovery Time Stamp (TS 29.244 §8.2.65); only before the first
    /// [`Smf::handle_timeout`] (the runtime does it when the configuration has 0).
    pub fn set_recovery_time_stamp(&mut self, ts: u32) {
        if !self.started {
            self.cfg.config.recovery_time_stamp = ts;
        }
    }

    /// Sends the Association Setup Requests the first time the engine sees the time.
    fn start(&mut self, now: Instant) {
        if self.started {
            return;
        }
        self.started = true;
        for i in 0..self.pfcp.upfs.len() {
            self.associate(now, i);
        }
    }

    /// Takes in one event at `now`.
    pub fn handle_event(&mut self, now: Instant, event: Event) {
        self.start(now);
        match event {
            Event::Request { id, request } => match request {
                SmfRequest::Create(c) => self.on_create(now, id, c),
                SmfRequest::Update {
                    sm_context_ref,
                    update,
                } => self.on_update(now, id, &sm_context_ref, update),
                SmfRequest::Release {
                    sm_context_ref,
                    release,
                } => self.on_release(now, id, &sm_context_ref, release),
            },
            Event::SbiReply { txn, reply } => {
                let Some((key, purpose)) = self.txns.remove(&txn) else {
                    tracing::debug!(txn = txn.0, "SBI reply for no transaction: ignored");
                    return;
                };
                self.on_sbi_reply(now, key, purpose, reply);
            }
            Event::Pfcp { from, bytes } => self.on_pfcp(now, from, &bytes),
        }
    }

    /// The next action for the runtime.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.out.pop_front()
    }

    /// The earliest timer deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// Runs every timer that has expired at `now` (and, the first time, starts the
    /// associations with the UPFs).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.start(now);
        while let Some(t) = self.timers.pop_expired(now) {
            match t {
                Timer::PfcpRetransmit(seq) => self.pfcp_retransmit(now, seq),
                Timer::Heartbeat(i) => self.heartbeat(now, i),
                Timer::AssociationRetry(i) => self.associate(now, i),
                Timer::CachedResponse(from, seq) => self.drop_cached(from, seq),
                Timer::T3591(key) => self.t3591_expired(now, key),
                Timer::T3592(key) => self.t3592_expired(now, key),
            }
        }
    }

    /// SM contexts now.
    pub fn sessions(&self) -> usize {
        self.contexts.len()
    }

    /// The SM context of a `smContextRef`, for inspection.
    pub fn context(&self, sm_context_ref: &str) -> Option<&SmContext> {
        self.by_ref
            .get(sm_context_ref)
            .and_then(|k| self.contexts.get(k))
    }

    /// The SM context of a SUPI's PDU session, for inspection.
    pub fn context_of(&self, supi: &str, psi: u8) -> Option<&SmContext> {
        self.by_session
            .get(&(supi.to_string(), psi))
            .and_then(|k| self.contexts.get(k))
    }

    /// IPv4 addresses and IPv6 prefixes allocated in `dnn` and what the pools hold:
    /// `((v4 allocated, v4 capacity), (v6 allocated, v6 capacity))`.
    pub fn pool_usage(&self, dnn: &str) -> Option<((u64, u64), (u64, u64))> {
        let d = self
            .cfg
            .dnns
            .iter()
            .find(|d| d.config.dnn.eq_ignore_ascii_case(dnn))?;
        let v4 = d
            .ipv4
            .as_ref()
            .map_or((0, 0), |p| (p.allocated(), p.capacity()));
        let v6 = d
            .ipv6
            .as_ref()
            .map_or((0, 0), |p| (p.allocated(), p.capacity()));
        Some((v4, v6))
    }

    /// Network-requested PDU session release (TS 23.502 §4.3.4.2, SMF-initiated): PFCP
    /// deletion, then PDU SESSION RELEASE COMMAND with `cause` (5GSM) through the AMF.
    pub fn release_session(
        &mut self,
        now: Instant,
        sm_context_ref: &str,
        cause: u8,
    ) -> Result<(), SmfError> {
        self.start(now);
        let key = *self
            .by_ref
            .get(sm_context_ref)
            .ok_or_else(|| SmfError::UnknownContext(sm_context_ref.to_string()))?;
        if self.contexts.get(&key).map(|c| &c.phase) != Some(&Phase::Ready) {
            return Err(SmfError::Busy(sm_context_ref.to_string()));
        }
        self.network_release(now, key, cause, true);
        Ok(())
    }

    /// Network-requested PDU session modification (TS 23.502 §4.3.3.2, SMF-initiated;
    /// TS 24.501 §6.3.2) of the SUPI's session `psi`: the UPF's QER first, then PDU
    /// SESSION MODIFICATION COMMAND and the PDU Session Resource Modify Request Transfer
    /// through N1N2MessageTransfer; T3591 until the UE completes. A change that changes
    /// nothing does nothing.
    pub fn modify_session(
        &mut self,
        now: Instant,
        supi: &str,
        psi: u8,
        change: QosChange,
    ) -> Result<(), SmfError> {
        self.start(now);
        let name = || format!("{supi} PDU session {psi}");
        let ctx = self
            .context_of(supi, psi)
            .ok_or_else(|| SmfError::UnknownContext(name()))?;
        let key = ctx.key;
        if ctx.phase != Phase::Ready || ctx.modification.is_some() {
            return Err(SmfError::Busy(name()));
        }
        let target = change.apply(&ctx.qos).map_err(SmfError::Invalid)?;
        if target == ctx.qos {
            return Ok(());
        }
        self.network_modification(now, key, target);
        Ok(())
    }

    // ---- shared bookkeeping -------------------------------------------------------

    pub(crate) fn new_key(&mut self) -> u64 {
        loop {
            self.next_key = self.next_key.wrapping_add(1);
            if self.next_key != 0 && !self.contexts.contains_key(&self.next_key) {
                return self.next_key;
            }
        }
    }

    /// Sends an SBI request for context `key` and returns its transaction id.
    pub(crate) fn sbi(&mut self, key: u64, purpose: SbiPurpose, request: SbiRequest) -> TxnId {
        self.next_txn += 1;
        let txn = TxnId(self.next_txn);
        self.txns.insert(txn, (key, purpose));
        self.out.push_back(Action::Sbi { txn, request });
        txn
    }

    /// Returns the context's addresses to their pools (idempotent).
    pub(crate) fn free_addresses(&mut self, key: u64) {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let Some(dnn) = self.cfg.dnns.get_mut(ctx.dnn_index) else {
            return;
        };
        if let Some(a) = ctx.ipv4.take()
            && let Some(p) = dnn.ipv4.as_mut()
            && !p.release(a)
        {
            tracing::error!(%a, "IPv4 address released twice or not from its pool");
        }
        if let Some(a) = ctx.ipv6_prefix.take()
            && let Some(p) = dnn.ipv6.as_mut()
            && !p.release(a)
        {
            tracing::error!(%a, "IPv6 prefix released twice or not from its pool");
        }
        self.update_pool_gauges();
    }

    pub(crate) fn update_pool_gauges(&self) {
        let (mut v4, mut v6) = (0, 0);
        for d in &self.cfg.dnns {
            v4 += d.ipv4.as_ref().map_or(0, |p| p.allocated());
            v6 += d.ipv6.as_ref().map_or(0, |p| p.allocated());
        }
        self.metrics.ipv4_allocated.set(v4 as i64);
        self.metrics.ipv6_prefixes_allocated.set(v6 as i64);
    }

    /// Removes a context and everything it holds: addresses, indexes, its place on the
    /// UPF, its timers and SBI transactions.
    pub(crate) fn remove_context(&mut self, key: u64) {
        self.free_addresses(key);
        let Some(ctx) = self.contexts.remove(&key) else {
            return;
        };
        self.by_ref.remove(&ctx.sm_context_ref);
        if self.by_session.get(&(ctx.supi.clone(), ctx.psi)) == Some(&key) {
            self.by_session.remove(&(ctx.supi.clone(), ctx.psi));
        }
        if let Some(u) = ctx.upf.and_then(|i| self.pfcp.upfs.get_mut(i)) {
            u.sessions.remove(&key);
        }
        self.timers.stop(Timer::T3591(key));
        self.timers.stop(Timer::T3592(key));
        self.txns.retain(|_, (k, _)| *k != key);
        self.metrics.sessions.set(self.contexts.len() as i64);
    }
}
