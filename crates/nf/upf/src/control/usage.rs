//! Usage reporting, the control side (TS 29.244 §5.2.2): each URR's clock for the
//! time-based triggers (periodic reports, time threshold, time quota), quota
//! provisioning, and the Usage Reports themselves (§7.5.8.3).
//!
//! Two kinds of count, as the SMF expects them:
//! - the measurement (volume in [`crate::urr::UrrCounters`], duration here) runs from
//!   the last usage report: every report restarts it, and the thresholds (VOLTH, TIMTH)
//!   apply to it;
//! - a quota (volume, time) counts from when the SMF provisioned it (Create or Update
//!   URR) and is not refilled by reports: only a new Volume / Time Quota IE lifts a
//!   block.
//!
//! Time is metered from the URR's first packet ([`Notification::FirstPacket`]), or at
//! once with ISTM (§8.2.68), and then without pause (no Inactivity Detection Time).
//! Durations are whole seconds, rounded; times of a report are 3GPP NTP seconds.
//!
//! [`Notification::FirstPacket`]: crate::dataplane::Notification::FirstPacket

use std::cmp::Reverse;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ferrocore_pfcp::ie::{
    ReportingTriggers, UpdateUrr, UsageReport, UsageReportTrigger, VolumeMeasurement,
};
use ferrocore_pfcp::message::SessionReportRequest;
use tracing::debug;

use super::UpfControl;
use crate::state::UrrState;
use crate::table::Usage;
use crate::urr::UrrCounters;

/// The control part's clock of one URR (not persisted: it restarts with the UPF).
#[derive(Debug, Clone)]
pub(super) struct UrrClock {
    /// Start of the current measurement: the last usage report, or the URR's creation.
    since: Instant,
    /// When time metering started (first packet, or creation with ISTM).
    metering: Option<Instant>,
    /// The next periodic report (PERIO with a Measurement Period).
    next_period: Option<Instant>,
    /// When the time quota was provisioned, and whether it is spent.
    quota_since: Instant,
    quota_spent: bool,
    /// The deadline queued in the timer heap for this URR.
    armed: Option<Instant>,
}

/// Heap entries allowed before the first compaction (and on top of twice the live ones).
pub(super) const MIN_TIMERS_BOUND: usize = 4096;

fn secs(s: u32) -> Duration {
    Duration::from_secs(u64::from(s))
}

impl UrrClock {
    fn new(u: &UrrState, now: Instant) -> Self {
        UrrClock {
            since: now,
            metering: u.immediate_start().then_some(now),
            next_period: u
                .measurement_period
                .filter(|&p| p > 0)
                .map(|p| now + secs(p)),
            quota_since: now,
            quota_spent: u.time_quota == Some(0),
            armed: None,
        }
    }

    /// Time metered in `[from, to]`.
    fn metered(&self, from: Instant, to: Instant) -> Duration {
        self.metering.map_or(Duration::ZERO, |m| {
            to.saturating_duration_since(m.max(from))
        })
    }

    /// When the time threshold is reached (TIMTH), if it runs.
    fn threshold_at(&self, u: &UrrState) -> Option<Instant> {
        let t = u.time_threshold.filter(|&t| t > 0)?;
        if u.reporting_triggers & ReportingTriggers::TIMTH == 0 {
            return None;
        }
        Some(self.metering?.max(self.since) + secs(t))
    }

    /// When the time quota runs out, if it runs.
    fn quota_at(&self, u: &UrrState) -> Option<Instant> {
        if self.quota_spent {
            return None;
        }
        Some(self.metering?.max(self.quota_since) + secs(u.time_quota?))
    }

    /// The next periodic report, if PERIO is asked for.
    fn period_at(&self, u: &UrrState) -> Option<Instant> {
        (u.reporting_triggers & ReportingTriggers::PERIO != 0)
            .then_some(self.next_period)
            .flatten()
    }

    /// The earliest time-based event of the URR.
    fn deadline(&self, u: &UrrState) -> Option<Instant> {
        [self.period_at(u), self.threshold_at(u), self.quota_at(u)]
            .into_iter()
            .flatten()
            .min()
    }
}

/// Seconds, rounded.
fn whole_secs(d: Duration) -> u32 {
    u32::try_from((d.as_millis() + 500) / 1000).unwrap_or(u32::MAX)
}

/// A Usage Report (TS 29.244 §7.5.8.3): the volume if the URR measures volume, the
/// duration if it measures duration (Measurement Method, §8.2.40).
fn usage_report(
    u: &UrrState,
    seqn: u32,
    trigger: u32,
    (start, end): (u32, u32),
    usage: Usage,
    duration: Duration,
) -> UsageReport {
    UsageReport {
        urr_id: u.id,
        ur_seqn: seqn,
        trigger: UsageReportTrigger(trigger),
        start_time: Some(start),
        end_time: Some(end),
        volume_measurement: u.measure_volume.then_some(VolumeMeasurement {
            total: Some(usage.ul_octets + usage.dl_octets),
            uplink: Some(usage.ul_octets),
            downlink: Some(usage.dl_octets),
            total_packets: Some(usage.ul_packets + usage.dl_packets),
            uplink_packets: Some(usage.ul_packets),
            downlink_packets: Some(usage.dl_packets),
        }),
        duration_measurement: u.measure_duration.then_some(whole_secs(duration)),
        time_of_first_packet: None,
        time_of_last_packet: None,
    }
}

/// The usage report of URR `u` at `now` (`end` in 3GPP NTP seconds): its counters and
/// its clock's measurement restart from zero, its UR-SEQN advances.
pub(super) fn take_usage(
    u: &mut UrrState,
    counters: &UrrCounters,
    clock: Option<&mut UrrClock>,
    trigger: u32,
    end: u32,
    now: Instant,
) -> UsageReport {
    let usage = counters.take();
    counters.report_pending.store(false, Ordering::Release);
    let seqn = u.next_seqn;
    u.next_seqn = u.next_seqn.wrapping_add(1);
    let start = std::mem::replace(&mut u.start_time, end);
    let duration = match clock {
        Some(c) => {
            let d = c.metered(c.since, now);
            c.since = now;
            d
        }
        None => Duration::ZERO,
    };
    usage_report(u, seqn, trigger, (start, end), usage, duration)
}

/// A Session Report Request carrying usage reports (Report Type USAR).
pub(super) fn usage_report_request(usage_reports: Vec<UsageReport>) -> SessionReportRequest {
    SessionReportRequest {
        report_type: SessionReportRequest::USAR,
        downlink_data_report: None,
        usage_reports,
        error_indication_report: None,
    }
}

impl UpfControl {
    /// Starts the measurement of a URR just created (TS 29.244 §7.5.2.4): its clock, its
    /// volume quota, whether time metering waits for the first packet.
    pub(super) fn urr_created(&mut self, now: Instant, up_seid: u64, urr_id: u32) {
        let Some(sess) = self.sessions.get_mut(&up_seid) else {
            return;
        };
        let (Some(u), Some(c)) = (
            sess.state.urrs.iter().find(|u| u.id == urr_id),
            sess.rt.urrs.get(&urr_id),
        ) else {
            return;
        };
        let clock = UrrClock::new(u, now);
        c.set_volume_quota(u.volume_quota);
        c.set_time_spent(clock.quota_spent);
        if u.meters_time() && clock.metering.is_none() {
            c.await_first_packet();
        }
        sess.clocks.insert(urr_id, clock);
        self.arm(up_seid, urr_id);
    }

    /// Applies an Update URR (TS 29.244 §7.5.4.4) to the URR's clock and quotas: a new
    /// Volume or Time Quota replaces what was left and lifts the block (§5.2.2.2.1), a
    /// new Measurement Period restarts the periods.
    pub(super) fn urr_updated(&mut self, now: Instant, up_seid: u64, x: &UpdateUrr) {
        let Some(sess) = self.sessions.get_mut(&up_seid) else {
            return;
        };
        let (Some(u), Some(c), Some(clock)) = (
            sess.state.urrs.iter().find(|u| u.id == x.urr_id),
            sess.rt.urrs.get(&x.urr_id),
            sess.clocks.get_mut(&x.urr_id),
        ) else {
            return;
        };
        if x.volume_quota.is_some() {
            c.set_volume_quota(u.volume_quota);
        }
        if x.time_quota.is_some() {
            clock.quota_since = now;
            clock.quota_spent = u.time_quota == Some(0);
            c.set_time_spent(clock.quota_spent);
        }
        if x.measurement_period.is_some() {
            clock.next_period = u
                .measurement_period
                .filter(|&p| p > 0)
                .map(|p| now + secs(p));
        }
        if u.meters_time() && clock.metering.is_none() {
            if u.immediate_start() {
                clock.metering = Some(now);
            } else {
                c.await_first_packet();
            }
        }
        self.arm(up_seid, x.urr_id);
    }

    /// The URR's first packet: its time metering starts.
    pub(super) fn urr_first_packet(&mut self, now: Instant, up_seid: u64, urr_id: u32) {
        let Some(clock) = self
            .sessions
            .get_mut(&up_seid)
            .and_then(|s| s.clocks.get_mut(&urr_id))
        else {
            return;
        };
        clock.metering.get_or_insert(now);
        self.arm(up_seid, urr_id);
    }

    /// Queues the URR's next time-based event, if it moved.
    fn arm(&mut self, up_seid: u64, urr_id: u32) {
        let Some(sess) = self.sessions.get_mut(&up_seid) else {
            return;
        };
        let (Some(u), Some(clock)) = (
            sess.state.urrs.iter().find(|u| u.id == urr_id),
            sess.clocks.get_mut(&urr_id),
        ) else {
            return;
        };
        let d = clock.deadline(u);
        if d != clock.armed {
            clock.armed = d;
            if let Some(d) = d {
                self.usage_timers.push(Reverse((d, up_seid, urr_id)));
                if self.usage_timers.len() > self.usage_timers_bound {
                    self.compact_usage_timers();
                }
            }
        }
    }

    /// Rebuilds the timer heap from the URRs' current deadlines, dropping the stale
    /// entries (of moved deadlines, removed URRs, deleted sessions) that would otherwise
    /// wait there until their time; amortised by letting the heap double in between.
    fn compact_usage_timers(&mut self) {
        let live: Vec<Reverse<(Instant, u64, u32)>> = self
            .sessions
            .iter()
            .flat_map(|(&seid, s)| {
                s.clocks
                    .iter()
                    .filter_map(move |(&id, c)| c.armed.map(|t| Reverse((t, seid, id))))
            })
            .collect();
        self.usage_timers_bound = 2 * live.len() + MIN_TIMERS_BOUND;
        self.usage_timers = live.into();
    }

    /// When the next time-based usage event is due.
    pub(super) fn usage_timeout(&self) -> Option<Instant> {
        self.usage_timers.peek().map(|Reverse((t, _, _))| *t)
    }

    /// Fires the URRs' due time-based events: periodic reports (PERIO), time thresholds
    /// (TIMTH), time quotas (TIMQU: the URR's packets are dropped from now on). The
    /// reports due at once for one session go in one Session Report Request.
    pub(super) fn usage_timeouts(&mut self, now: Instant) {
        let mut due: Vec<(u64, u32)> = Vec::new();
        while let Some(&Reverse((t, up_seid, urr_id))) = self.usage_timers.peek() {
            if t > now {
                break;
            }
            self.usage_timers.pop();
            // Only the entry of the URR's current deadline counts (earlier ones are stale).
            if let Some(c) = self
                .sessions
                .get_mut(&up_seid)
                .and_then(|s| s.clocks.get_mut(&urr_id))
                && c.armed == Some(t)
            {
                c.armed = None;
                due.push((up_seid, urr_id));
            }
        }
        due.sort_unstable();
        due.dedup();
        let mut by_session: Vec<(u64, Vec<UsageReport>)> = Vec::new();
        for (up_seid, urr_id) in due {
            let trigger = self.expire(now, up_seid, urr_id);
            let report = if trigger != 0 {
                self.take_report(now, up_seid, urr_id, trigger)
            } else {
                None
            };
            self.arm(up_seid, urr_id);
            if let Some(r) = report {
                match by_session.last_mut() {
                    Some((s, v)) if *s == up_seid => v.push(r),
                    _ => by_session.push((up_seid, vec![r])),
                }
            }
        }
        for (up_seid, reports) in by_session {
            self.send_report(now, up_seid, usage_report_request(reports));
        }
    }

    /// The time-based events of one URR due at `now`: the Usage Report Trigger bits to
    /// report (a spent time quota blocks the URR even when TIMQU is not asked for).
    fn expire(&mut self, now: Instant, up_seid: u64, urr_id: u32) -> u32 {
        let Some(sess) = self.sessions.get_mut(&up_seid) else {
            return 0;
        };
        let (Some(u), Some(clock)) = (
            sess.state.urrs.iter().find(|u| u.id == urr_id),
            sess.clocks.get_mut(&urr_id),
        ) else {
            return 0;
        };
        let mut trigger = 0;
        if clock.period_at(u).is_some_and(|t| t <= now)
            && let (Some(next), Some(p)) = (clock.next_period, u.measurement_period)
        {
            trigger |= UsageReportTrigger::PERIO;
            // The next period boundary after `now` (periods missed while stalled are
            // covered by this one report).
            let p = secs(p);
            let behind = now.saturating_duration_since(next).as_nanos() / p.as_nanos();
            let skip = u32::try_from(behind + 1).unwrap_or(u32::MAX);
            clock.next_period = p.checked_mul(skip).and_then(|d| next.checked_add(d));
        }
        if clock.threshold_at(u).is_some_and(|t| t <= now) {
            trigger |= UsageReportTrigger::TIMTH;
        }
        if clock.quota_at(u).is_some_and(|t| t <= now) {
            clock.quota_spent = true;
            if let Some(c) = sess.rt.urrs.get(&urr_id) {
                c.set_time_spent(true);
            }
            debug!(up_seid, urr_id, "time quota used up");
            if u.reporting_triggers & ReportingTriggers::TIMQU != 0 {
                trigger |= UsageReportTrigger::TIMQU;
            }
        }
        trigger
    }

    /// A usage report for one URR (TS 29.244 §5.2.2.3): the volume counted and the time
    /// metered since its last report, which restart from zero.
    pub(super) fn take_report(
        &mut self,
        now: Instant,
        up_seid: u64,
        urr_id: u32,
        trigger: u32,
    ) -> Option<UsageReport> {
        let end = self.ntp(now);
        let sess = self.sessions.get_mut(&up_seid)?;
        let counters = sess.rt.urrs.get(&urr_id)?;
        let urr = sess.state.urrs.iter_mut().find(|u| u.id == urr_id)?;
        let clock = sess.clocks.get_mut(&urr_id);
        let report = take_usage(urr, counters, clock, trigger, end, now);
        self.arm(up_seid, urr_id);
        Some(report)
    }

    /// A usage notification from the data plane: a volume threshold (VOLTH) or quota
    /// (VOLQU) reached; reported when the URR asks for that trigger.
    pub(super) fn volume_event(&mut self, now: Instant, up_seid: u64, urr_id: u32, trigger: u32) {
        let wanted = self
            .sessions
            .get(&up_seid)
            .and_then(|s| s.state.urrs.iter().find(|u| u.id == urr_id))
            .is_some_and(|u| {
                trigger != UsageReportTrigger::VOLQU
                    || u.reporting_triggers & ReportingTriggers::VOLQU != 0
            });
        if !wanted {
            return;
        }
        if let Some(r) = self.take_report(now, up_seid, urr_id, trigger) {
            self.send_report(now, up_seid, usage_report_request(vec![r]));
        }
    }
}
