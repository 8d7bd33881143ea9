//! Timers as deadlines in one ordered set (no timer object lives in a UE context): the
//! engine's [`crate::Amf::poll_timeout`] is the first deadline.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use crate::context::UeKey;
use crate::engine::Amf;

/// The NAS and reachability timers of TS 24.501 §10.2 the AMF runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimerKind {
    /// REGISTRATION ACCEPT sent with a 5G-GUTI: waits for REGISTRATION COMPLETE.
    T3550,
    /// AUTHENTICATION REQUEST or SECURITY MODE COMMAND sent.
    T3560,
    /// IDENTITY REQUEST sent.
    T3570,
    /// Network-initiated DEREGISTRATION REQUEST sent.
    T3522,
    /// CONFIGURATION UPDATE COMMAND sent with acknowledgement requested.
    T3555,
    /// Mobile reachable timer (§5.3.7), while CM-IDLE and registered.
    MobileReachable,
    /// Implicit de-registration timer (§5.3.7).
    ImplicitDeregistration,
    /// Removal of a de-registered UE's context.
    Purge,
    /// PAGING sent (TS 24.501 §10.2, network side: paging for 5GS services).
    T3513,
}

impl TimerKind {
    /// The timers of a registration's NAS transactions (T3550, T3560, T3570).
    pub const REGISTRATION: [TimerKind; 3] = [Self::T3550, Self::T3560, Self::T3570];

    /// Every NAS transaction timer: they run only while the UE has an NG connection.
    pub const NAS_TRANSACTION: [TimerKind; 5] = [
        Self::T3550,
        Self::T3560,
        Self::T3570,
        Self::T3522,
        Self::T3555,
    ];

    /// The timers of a UE without an NG connection.
    pub const IDLE: [TimerKind; 4] = [
        Self::MobileReachable,
        Self::ImplicitDeregistration,
        Self::Purge,
        Self::T3513,
    ];
}

/// All running timers.
#[derive(Debug, Default)]
pub struct Timers {
    order: BTreeSet<(Instant, UeKey, TimerKind)>,
    deadlines: HashMap<(UeKey, TimerKind), Instant>,
}

impl Timers {
    /// Starts (or restarts) `kind` for `ue`, to expire `after` from `now`.
    pub fn start(&mut self, now: Instant, after: Duration, ue: UeKey, kind: TimerKind) {
        self.stop(ue, kind);
        let at = now + after;
        self.order.insert((at, ue, kind));
        self.deadlines.insert((ue, kind), at);
    }

    /// Stops `kind` for `ue` if it runs.
    pub fn stop(&mut self, ue: UeKey, kind: TimerKind) {
        if let Some(at) = self.deadlines.remove(&(ue, kind)) {
            self.order.remove(&(at, ue, kind));
        }
    }

    /// Stops each of `kinds` for `ue`.
    pub fn stop_each(&mut self, ue: UeKey, kinds: &[TimerKind]) {
        for kind in kinds {
            self.stop(ue, *kind);
        }
    }

    /// Stops every timer of `ue`.
    pub fn stop_all(&mut self, ue: UeKey) {
        self.stop_each(ue, &TimerKind::NAS_TRANSACTION);
        self.stop_each(ue, &TimerKind::IDLE);
    }

    /// Whether `kind` runs for `ue`.
    pub fn running(&self, ue: UeKey, kind: TimerKind) -> bool {
        self.deadlines.contains_key(&(ue, kind))
    }

    /// The earliest deadline.
    pub fn next(&self) -> Option<Instant> {
        self.order.first().map(|(at, _, _)| *at)
    }

    /// Removes and returns one timer that has expired at `now`.
    pub fn pop_expired(&mut self, now: Instant) -> Option<(UeKey, TimerKind)> {
        let (at, ue, kind) = *self.order.first()?;
        if at > now {
            return None;
        }
        self.order.remove(&(at, ue, kind));
        self.deadlines.remove(&(ue, kind));
        Some((ue, kind))
    }

    /// How many timers run.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// No timer runs.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

impl Amf {
    /// How long `kind` runs, as configured.
    fn timer_duration(&self, kind: TimerKind) -> Duration {
        let c = &self.cfg.config;
        let secs = match kind {
            TimerKind::T3550 => c.t3550_secs,
            TimerKind::T3560 => c.t3560_secs,
            TimerKind::T3570 => c.t3570_secs,
            TimerKind::T3522 => c.t3522_secs,
            TimerKind::T3555 => c.t3555_secs,
            TimerKind::MobileReachable => self.cfg.mobile_reachable_secs,
            TimerKind::ImplicitDeregistration => c.implicit_deregistration_secs,
            TimerKind::Purge => c.deregistered_context_secs,
            TimerKind::T3513 => c.t3513_secs,
        };
        Duration::from_secs(u64::from(secs))
    }

    /// Starts (or restarts) `kind` for `key` with its configured duration.
    pub(crate) fn start_timer(&mut self, now: Instant, key: UeKey, kind: TimerKind) {
        let after = self.timer_duration(kind);
        self.timers.start(now, after, key, kind);
    }

    /// Sends a kept downlink NAS message again and restarts its timer.
    pub(crate) fn retransmit(&mut self, now: Instant, key: UeKey, nas: Vec<u8>, kind: TimerKind) {
        self.send_dl_nas(key, nas);
        self.start_timer(now, key, kind);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_replaces_and_order_is_by_deadline() {
        let t0 = Instant::now();
        let mut t = Timers::default();
        t.start(t0, Duration::from_secs(6), 1, TimerKind::T3560);
        t.start(t0, Duration::from_secs(3), 2, TimerKind::T3570);
        t.start(t0, Duration::from_secs(9), 1, TimerKind::T3560);
        assert_eq!(t.len(), 2);
        assert_eq!(t.next(), Some(t0 + Duration::from_secs(3)));
        assert_eq!(t.pop_expired(t0 + Duration::from_secs(2)), None);
        assert_eq!(
            t.pop_expired(t0 + Duration::from_secs(10)),
            Some((2, TimerKind::T3570))
        );
        assert_eq!(
            t.pop_expired(t0 + Duration::from_secs(10)),
            Some((1, TimerKind::T3560))
        );
        assert!(t.is_empty());
    }
}
