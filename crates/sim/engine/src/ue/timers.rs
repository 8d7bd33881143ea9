//! The UE's 5GMM timers (TS 24.501 §10.2, Table 10.2.1) as deadlines on the caller's clock.

use std::time::{Duration, Instant};

/// The timers the simulated UE runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// Registration request sent; 15 s.
    T3510,
    /// Wait before retrying a registration; 10 s.
    T3511,
    /// Authentication failure sent; 15 s.
    T3520,
    /// Deregistration request sent; 15 s.
    T3521,
    /// Service request sent; 15 s (TS 24.501 §5.6.1.2).
    T3517,
}

impl Timer {
    const ALL: [Timer; 5] = [
        Timer::T3510,
        Timer::T3511,
        Timer::T3520,
        Timer::T3521,
        Timer::T3517,
    ];

    /// The default value of Table 10.2.1.
    pub fn duration(self) -> Duration {
        Duration::from_secs(match self {
            Timer::T3510 | Timer::T3520 | Timer::T3521 | Timer::T3517 => 15,
            Timer::T3511 => 10,
        })
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The running timers' deadlines.
#[derive(Debug, Clone, Default)]
pub(crate) struct Timers {
    deadlines: [Option<Instant>; 5],
}

impl Timers {
    pub(crate) fn start(&mut self, timer: Timer, now: Instant) {
        self.deadlines[timer.index()] = Some(now + timer.duration());
    }

    pub(crate) fn stop(&mut self, timer: Timer) {
        self.deadlines[timer.index()] = None;
    }

    pub(crate) fn stop_all(&mut self) {
        self.deadlines = [None; 5];
    }

    pub(crate) fn is_running(&self, timer: Timer) -> bool {
        self.deadlines[timer.index()].is_some()
    }

    pub(crate) fn earliest(&self) -> Option<Instant> {
        self.deadlines.iter().flatten().min().copied()
    }

    /// Stops and returns one timer whose deadline is at or before `now`.
    pub(crate) fn take_expired(&mut self, now: Instant) -> Option<Timer> {
        let timer = Timer::ALL
            .into_iter()
            .filter(|t| self.deadlines[t.index()].is_some_and(|d| d <= now))
            .min_by_key(|t| self.deadlines[t.index()])?;
        self.stop(timer);
        Some(timer)
    }
}
