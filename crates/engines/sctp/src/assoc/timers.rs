//! The association's timers, as deadlines.

use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timer {
    /// T1-init or T1-cookie (§5.1), by state.
    T1,
    /// T2-shutdown (§9.2).
    T2,
    /// T3-rtx (§6.3.2).
    T3,
    /// Heartbeat (§8.3).
    Heartbeat,
    /// Delayed SACK (§6.2).
    DelayedAck,
}

const ALL: [Timer; 5] = [
    Timer::T1,
    Timer::T2,
    Timer::T3,
    Timer::Heartbeat,
    Timer::DelayedAck,
];

#[derive(Debug, Clone, Default)]
pub(crate) struct Timers {
    at: [Option<Instant>; 5],
}

impl Timers {
    pub(crate) fn set(&mut self, t: Timer, when: Instant) {
        self.at[t as usize] = Some(when);
    }

    pub(crate) fn stop(&mut self, t: Timer) {
        self.at[t as usize] = None;
    }

    pub(crate) fn is_running(&self, t: Timer) -> bool {
        self.at[t as usize].is_some()
    }

    pub(crate) fn clear(&mut self) {
        self.at = [None; 5];
    }

    pub(crate) fn next(&self) -> Option<Instant> {
        self.at.iter().flatten().min().copied()
    }

    /// Takes the timers that are due at `now`, in a fixed order.
    pub(crate) fn expired(&mut self, now: Instant) -> impl Iterator<Item = Timer> + use<> {
        let mut due = Vec::new();
        for t in ALL {
            if self.at[t as usize].is_some_and(|d| d <= now) {
                self.at[t as usize] = None;
                due.push(t);
            }
        }
        due.into_iter()
    }
}
