//! Timers as deadlines in one ordered set (no timer object lives in a UE context): the
//! engine's [`crate::Amf::poll_timeout`] is the first deadline.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use crate::context::UeKey;

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

    /// Stops every timer of `ue`.
    pub fn stop_all(&mut self, ue: UeKey) {
        for kind in [
            TimerKind::T3550,
            TimerKind::T3560,
            TimerKind::T3570,
            TimerKind::T3522,
            TimerKind::T3555,
            TimerKind::MobileReachable,
            TimerKind::ImplicitDeregistration,
            TimerKind::Purge,
        ] {
            self.stop(ue, kind);
        }
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
