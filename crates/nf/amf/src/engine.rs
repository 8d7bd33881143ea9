//! The engine: state and the sans-IO surface (`handle_event`, `poll_action`,
//! `poll_timeout`, `handle_timeout`), plus the bookkeeping every procedure shares.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use ferrocore_ngap::NgapMessage;
use ferrocore_ngap::msg::{UeContextReleaseCommand, UeNgapIds};
use ferrocore_ngap::{Cause, CauseNas};

use crate::config::{AmfConfig, Checked, ConfigError};
use crate::context::{RanBinding, RmState, UeContext, UeKey};
use crate::ids::Ids;
use crate::ngap_interface::Gnb;
use crate::outbox::Outbox;
use crate::timers::{TimerKind, Timers};
use crate::{Action, AssocId, Event, Metrics, SbiRequest, TxnId};

/// The AMF engine. See the crate documentation.
pub struct Amf {
    pub(crate) cfg: Checked,
    pub(crate) metrics: Metrics,
    pub(crate) out: Outbox,
    pub(crate) gnbs: HashMap<AssocId, Gnb>,
    pub(crate) ues: HashMap<UeKey, UeContext>,
    pub(crate) ids: Ids,
    pub(crate) timers: Timers,
    /// SBI transactions in flight and the UE each belongs to.
    pub(crate) txns: HashMap<TxnId, UeKey>,
    /// What the SM context transactions among them are for.
    pub(crate) sm_txns: HashMap<TxnId, crate::gmm::sm::SmTxn>,
    /// Relays to the SMF kept in order per PDU session.
    pub(crate) sm_order: crate::gmm::sm_order::SmOrder,
    next_txn: u64,
    /// Interned UE radio capabilities (TS 38.413 §9.3.1.74), shared by content.
    pub(crate) radio_capabilities: HashSet<Arc<[u8]>>,
    registered: usize,
}

impl Amf {
    /// An AMF with `config`, checked first.
    pub fn new(config: AmfConfig) -> Result<Amf, ConfigError> {
        let cfg = config.validate()?;
        let t3512 = cfg.t3512.to_secs();
        if t3512 != Some(cfg.config.t3512_secs) {
            // GPRS timer 3 has no unit for it (TS 24.008 §10.5.7.4a): 3240 s becomes 3600 s.
            tracing::info!(
                configured_secs = cfg.config.t3512_secs,
                sent_secs = t3512,
                "T3512 is not encodable in GPRS timer 3: UEs are sent the next value up"
            );
        }
        Ok(Amf {
            cfg,
            metrics: Metrics::new(),
            out: Outbox::default(),
            gnbs: HashMap::new(),
            ues: HashMap::new(),
            ids: Ids::default(),
            timers: Timers::default(),
            txns: HashMap::new(),
            sm_txns: HashMap::new(),
            sm_order: Default::default(),
            next_txn: 0,
            radio_capabilities: HashSet::new(),
            registered: 0,
        })
    }

    /// The measurements (shared: clone to render them elsewhere).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The configuration in use.
    pub fn config(&self) -> &AmfConfig {
        &self.cfg.config
    }

    /// Takes in one event at `now`.
    pub fn handle_event(&mut self, now: Instant, event: Event) {
        match event {
            Event::AssociationUp {
                assoc,
                outbound_streams,
            } => self.association_up(assoc, outbound_streams),
            Event::AssociationDown { assoc } => self.association_down(now, assoc),
            Event::Ngap {
                assoc,
                stream,
                bytes,
            } => self.on_ngap(now, assoc, stream, &bytes),
            Event::SbiReply { txn, reply } => {
                let Some(key) = self.txns.remove(&txn) else {
                    tracing::debug!(txn = txn.0, "SBI reply for no transaction: ignored");
                    return;
                };
                if let Some(sm) = self.sm_txns.remove(&txn) {
                    let psi = sm.psi;
                    self.on_sm_reply(now, key, txn, sm, reply);
                    self.sm_answered(key, psi);
                } else {
                    self.on_sbi_reply(now, key, txn, reply);
                }
            }
            Event::N1N2Transfer {
                id,
                ue_context_id,
                transfer,
            } => self.n1n2_transfer(now, id, &ue_context_id, transfer),
        }
    }

    /// The next action for the runtime.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.out.pop()
    }

    /// The earliest timer deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// Runs every timer that has expired at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some((key, kind)) = self.timers.pop_expired(now) {
            if self.ues.contains_key(&key) {
                self.on_timer(now, key, kind);
            }
        }
    }

    /// UEs in RM-REGISTERED.
    pub fn registered_ues(&self) -> usize {
        self.registered
    }

    /// gNBs with a completed NG Setup.
    pub fn connected_gnbs(&self) -> usize {
        self.gnbs.values().filter(|g| g.setup.is_some()).count()
    }

    /// The UE context of a SUPI, for inspection.
    pub fn ue_by_supi(&self, supi: &str) -> Option<&UeContext> {
        self.ids.by_supi.get(supi).and_then(|k| self.ues.get(k))
    }

    /// The UE context of an AMF-UE-NGAP-ID, for inspection.
    pub fn ue_by_amf_ue_id(&self, id: u64) -> Option<&UeContext> {
        self.ids.by_amf_ue_id.get(&id).and_then(|k| self.ues.get(k))
    }

    /// The UE context of a 5G-TMSI (5G-GUTI / 5G-S-TMSI of this AMF), for inspection.
    pub fn ue_by_tmsi(&self, tmsi: u32) -> Option<&UeContext> {
        self.ids.by_tmsi.get(&tmsi).and_then(|k| self.ues.get(k))
    }

    /// The UE context of a RAN-UE-NGAP-ID on an association, for inspection.
    pub fn ue_by_ran(&self, assoc: AssocId, ran_ue_id: u32) -> Option<&UeContext> {
        self.ids
            .by_ran
            .get(&(assoc, ran_ue_id))
            .and_then(|k| self.ues.get(k))
    }

    /// How many UE contexts exist (registered or not).
    pub fn ue_contexts(&self) -> usize {
        self.ues.len()
    }

    /// How many distinct UE radio capabilities are stored.
    pub fn stored_radio_capabilities(&self) -> usize {
        self.radio_capabilities.len()
    }

    // ---- shared bookkeeping -------------------------------------------------------

    /// Sends an SBI request for `key` and returns its transaction id.
    pub(crate) fn sbi(&mut self, key: UeKey, request: SbiRequest) -> TxnId {
        self.next_txn += 1;
        let txn = TxnId(self.next_txn);
        self.txns.insert(txn, key);
        self.out.push(Action::Sbi { txn, request });
        txn
    }

    /// Sends NGAP octets built elsewhere (`ngap_sm`) on `assoc`, `stream`.
    pub(crate) fn send_ngap_bytes(
        &mut self,
        assoc: AssocId,
        stream: u16,
        name: &'static str,
        bytes: Result<Vec<u8>, crate::ngap_sm::Error>,
    ) {
        match bytes {
            Ok(bytes) => self.out.push(Action::SendNgap {
                assoc,
                stream,
                bytes,
            }),
            Err(e) => tracing::error!(message = name, error = %e, "NGAP message does not encode"),
        }
    }

    /// Sends one NGAP message on `assoc`, `stream`.
    pub(crate) fn send_ngap<M: NgapMessage>(&mut self, assoc: AssocId, stream: u16, m: &M) {
        match m.encode() {
            Ok(bytes) => self.out.push(Action::SendNgap {
                assoc,
                stream,
                bytes,
            }),
            Err(e) => {
                tracing::error!(message = M::NAME, error = %e, "NGAP message does not encode")
            }
        }
    }

    /// Moves the UE to `rm`, keeping the registered gauge right.
    pub(crate) fn set_rm(&mut self, key: UeKey, rm: RmState) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        match (ue.rm, rm) {
            (RmState::Deregistered, RmState::Registered) => self.registered += 1,
            (RmState::Registered, RmState::Deregistered) => self.registered -= 1,
            _ => {}
        }
        ue.rm = rm;
        self.metrics
            .registered_subscribers
            .set(self.registered as i64);
    }

    /// Binds an NG connection to a UE.
    pub(crate) fn bind(&mut self, key: UeKey, binding: RanBinding) {
        self.ids.by_amf_ue_id.insert(binding.amf_ue_id, key);
        self.ids
            .by_ran
            .insert((binding.assoc, binding.ran_ue_id), key);
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.ran = Some(binding);
            if ue.paging.take().is_some() {
                // The paged UE is back (TS 23.502 §4.2.3.3 step 4).
                self.metrics.paging.succ.inc();
            }
        }
        self.timers.stop_each(key, &TimerKind::IDLE);
        self.update_connected_gauge();
    }

    fn update_connected_gauge(&self) {
        self.metrics
            .cm_connected_ues
            .set(self.ids.by_amf_ue_id.len() as i64);
    }

    /// Drops the UE's NG connection (CM-IDLE): indexes, NAS transaction timers, the
    /// procedure under way. A registered UE keeps its context and gets the mobile
    /// reachable timer (TS 24.501 §5.3.7); a de-registered one with a security context
    /// is kept for a while for a later registration with its 5G-GUTI; others go.
    pub(crate) fn unbind(&mut self, now: Instant, key: UeKey) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        if let Some(b) = ue.ran.take() {
            self.ids.by_amf_ue_id.remove(&b.amf_ue_id);
            self.ids.by_ran.remove(&(b.assoc, b.ran_ue_id));
        }
        ue.secured = false;
        let aborted = ue.procedure.take();
        self.timers.stop_each(key, &TimerKind::NAS_TRANSACTION);
        self.update_connected_gauge();
        // AN release: the user plane of every active session goes (TS 23.502 §4.2.6).
        self.deactivate_sessions(key);
        if let Some(p) = aborted {
            self.procedure_aborted_by_release(now, key, *p);
        }
        let Some(ue) = self.ues.get(&key) else {
            return;
        };
        if ue.registered() {
            self.start_timer(now, key, TimerKind::MobileReachable);
        } else if ue.supi.is_some() && ue.security.is_some() && ue.tmsi.is_some() {
            self.start_timer(now, key, TimerKind::Purge);
        } else {
            self.remove_ue(key);
        }
    }

    /// Removes a UE context entirely.
    pub(crate) fn remove_ue(&mut self, key: UeKey) {
        self.set_rm(key, RmState::Deregistered);
        let Some(ue) = self.ues.remove(&key) else {
            return;
        };
        if let Some(b) = ue.ran {
            self.ids.by_amf_ue_id.remove(&b.amf_ue_id);
            self.ids.by_ran.remove(&(b.assoc, b.ran_ue_id));
        }
        if let Some(s) = &ue.supi
            && self.ids.by_supi.get(s) == Some(&key)
        {
            self.ids.by_supi.remove(s);
        }
        if let Some(t) = ue.tmsi
            && self.ids.by_tmsi.get(&t) == Some(&key)
        {
            self.ids.by_tmsi.remove(&t);
        }
        if let Some(Procedure::Registration(r)) = ue.procedure.as_deref()
            && let Some(t) = r.new_tmsi
            && self.ids.by_tmsi.get(&t) == Some(&key)
        {
            self.ids.by_tmsi.remove(&t);
        }
        self.timers.stop_all(key);
        self.txns.retain(|_, k| *k != key);
        let txns = &self.txns;
        self.sm_txns.retain(|t, _| txns.contains_key(t));
        self.sm_order.forget(key);
        self.release_radio_capability(ue.radio_capability);
        self.update_connected_gauge();
    }

    /// Sends UE CONTEXT RELEASE COMMAND for the UE's NG connection (TS 38.413 §8.3.3).
    pub(crate) fn release_connection(&mut self, key: UeKey, cause: Cause) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let Some(b) = ue.ran.as_mut() else {
            return;
        };
        b.releasing = true;
        let b = *b;
        let cmd = UeContextReleaseCommand {
            ids: UeNgapIds::Pair {
                amf: b.amf_ue_id,
                ran: b.ran_ue_id,
            },
            cause,
        };
        self.send_ngap(b.assoc, b.stream, &cmd);
    }

    /// Release with NAS cause (TS 38.413 §9.3.1.2).
    pub(crate) fn release_nas(&mut self, key: UeKey, cause: CauseNas) {
        self.release_connection(key, Cause::nas(cause));
    }

    fn on_timer(&mut self, now: Instant, key: UeKey, kind: TimerKind) {
        let label = self.ues.get(&key).map(UeContext::label).unwrap_or_default();
        let _span = tracing::info_span!("timer", ue = %label, timer = ?kind).entered();
        match kind {
            TimerKind::T3550 | TimerKind::T3560 | TimerKind::T3570 => {
                self.registration_timer(now, key, kind)
            }
            TimerKind::T3522 => self.deregistration_timer(now, key),
            TimerKind::T3555 => self.configuration_update_timer(now, key),
            TimerKind::T3513 => self.paging_timer(now, key),
            TimerKind::MobileReachable => {
                tracing::info!(
                    "mobile reachable timer expired: implicit de-registration timer started"
                );
                self.start_timer(now, key, TimerKind::ImplicitDeregistration);
            }
            TimerKind::ImplicitDeregistration => self.implicit_deregistration(now, key),
            TimerKind::Purge => {
                let idle = self
                    .ues
                    .get(&key)
                    .is_some_and(|u| u.ran.is_none() && !u.registered());
                if idle {
                    tracing::info!("de-registered UE context purged");
                    self.remove_ue(key);
                }
            }
        }
    }
}

use crate::context::Procedure;
