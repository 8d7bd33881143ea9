//! Timers as deadlines in one ordered set: [`crate::Smf::poll_timeout`] is the first.

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::time::Instant;

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Timer {
    /// T1 of the PFCP request with this sequence number (TS 29.244 §6.4).
    PfcpRetransmit(u32),
    /// Next Heartbeat Request towards UPF `n` (TS 29.244 §6.2.2).
    Heartbeat(usize),
    /// Next Association Setup attempt towards UPF `n` (TS 29.244 §6.2.6).
    AssociationRetry(usize),
    /// Drop the kept response to a peer's request (answers retransmissions, §6.4).
    CachedResponse(SocketAddr, u32),
    /// T3591 of context `key`: PDU SESSION MODIFICATION COMMAND unanswered (TS 24.501
    /// §6.3.2.5).
    T3591(u64),
    /// T3592 of context `key`: PDU SESSION RELEASE COMMAND unanswered (§6.3.3.5).
    T3592(u64),
}

#[derive(Debug, Default)]
pub(crate) struct Timers {
    order: BTreeSet<(Instant, Timer)>,
    deadlines: HashMap<Timer, Instant>,
}

impl Timers {
    /// Starts (or restarts) `t` to expire at `at`.
    pub fn start(&mut self, at: Instant, t: Timer) {
        self.stop(t);
        self.order.insert((at, t));
        self.deadlines.insert(t, at);
    }

    pub fn stop(&mut self, t: Timer) {
        if let Some(at) = self.deadlines.remove(&t) {
            self.order.remove(&(at, t));
        }
    }

    pub fn next(&self) -> Option<Instant> {
        self.order.first().map(|(at, _)| *at)
    }

    pub fn pop_expired(&mut self, now: Instant) -> Option<Timer> {
        let (at, t) = *self.order.first()?;
        if at > now {
            return None;
        }
        self.order.remove(&(at, t));
        self.deadlines.remove(&t);
        Some(t)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ordered_and_restartable() {
        let t0 = Instant::now();
        let mut t = Timers::default();
        t.start(t0 + Duration::from_secs(5), Timer::Heartbeat(0));
        t.start(t0 + Duration::from_secs(3), Timer::PfcpRetransmit(7));
        t.start(t0 + Duration::from_secs(9), Timer::Heartbeat(0));
        assert_eq!(t.len(), 2);
        assert_eq!(t.next(), Some(t0 + Duration::from_secs(3)));
        assert_eq!(t.pop_expired(t0), None);
        assert_eq!(
            t.pop_expired(t0 + Duration::from_secs(10)),
            Some(Timer::PfcpRetransmit(7))
        );
        assert_eq!(
            t.pop_expired(t0 + Duration::from_secs(10)),
            Some(Timer::Heartbeat(0))
        );
        assert_eq!(t.next(), None);
    }
}
