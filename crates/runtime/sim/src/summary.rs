//! What a run reports: counts, failure causes, registration latency, rate.

use std::collections::BTreeMap;
use std::time::Duration;

use ferrocore_sim::FailureReason;
use serde::Serialize;

/// One outcome, sent by a gNB task to the run.
#[derive(Debug, Clone)]
pub(crate) enum Report {
    /// A UE completed a registration after `latency` (first registration or re-registration).
    Registered { latency: Duration, again: bool },
    /// A UE's registration failed.
    Failed { reason: String },
    /// A UE completed a deregistration.
    Deregistered,
    /// A PDU session came up `latency` after its request.
    SessionEstablished { latency: Duration },
    /// A PDU session did not come up.
    SessionFailed { reason: String },
    /// A ping (echo request, retried until answered) went out from a session; `v6` for
    /// ICMPv6 (counted from the Router Solicitation that precedes it).
    PingSent { v6: bool },
    /// Its answer came back; `idle` for the ping sent while the UE was in CM-IDLE.
    PingOk { idle: bool, v6: bool },
    /// The UE's PDU session modification (`--modify`) completed `latency` after its
    /// request; `extra_flow` when the session then has a QoS flow besides the default.
    Modified { latency: Duration, extra_flow: bool },
    /// It did not: `reason` is the failure label; `rejected` for a PDU SESSION
    /// MODIFICATION REJECT.
    ModifyFailed { reason: String, rejected: bool },
    /// A network-requested PDU SESSION MODIFICATION COMMAND was completed.
    NetworkModified,
    /// A UE refused a PDU SESSION MODIFICATION COMMAND (COMMAND REJECT).
    CommandRejected,
    /// A PDU session was released at the end of the run (`--release`).
    Released,
    /// An idle UE was paged.
    Paged,
    /// A service request was accepted.
    ServiceAccepted,
    /// A UE has nothing more to do in this run.
    Done,
}

/// The cause label of a failure, as the summary counts it.
pub(crate) fn failure_label(reason: &FailureReason) -> String {
    match reason {
        FailureReason::Rejected { cause } => format!("registration_reject_{cause}"),
        FailureReason::AuthenticationRejected => "authentication_reject".into(),
        FailureReason::AuthenticationFailed { cause } => format!("authentication_failure_{cause}"),
        FailureReason::Timeout => "timeout".into(),
        FailureReason::Protocol(_) => "protocol_error".into(),
    }
}

/// Registration latency percentiles, in milliseconds.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest.
    pub max: f64,
}

impl Latency {
    fn of(sorted_ms: &[f64]) -> Self {
        let at = |q: f64| {
            if sorted_ms.is_empty() {
                return 0.0;
            }
            // Nearest rank.
            let rank = (q * sorted_ms.len() as f64).ceil() as usize;
            sorted_ms[rank.clamp(1, sorted_ms.len()) - 1]
        };
        Self {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: sorted_ms.last().copied().unwrap_or(0.0),
        }
    }
}

/// The result of a run (`ferrocore sim --json` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// UEs in the run.
    pub ues: usize,
    /// UEs whose (first) registration completed.
    pub registered: usize,
    /// UEs whose registration failed or did not finish.
    pub failed: usize,
    /// Failures by cause (`authentication_reject`, `registration_reject_<5GMM cause>`, ...).
    pub failures: BTreeMap<String, usize>,
    /// Latency of first registrations, Registration Request to Registration Accept.
    pub registration_ms: Latency,
    /// Completed registrations per second over the run.
    pub rate_per_s: f64,
    /// UEs that deregistered (with `--reregister`).
    pub deregistered: usize,
    /// UEs that registered again with their 5G-GUTI (with `--reregister`).
    pub reregistered: usize,
    /// Run time in seconds.
    pub elapsed_s: f64,
    /// PDU sessions established (with `--session`).
    pub pdu_sessions: usize,
    /// PDU sessions that did not come up, by cause (`session_reject_<5GSM cause>`,
    /// `not_forwarded_<5GMM cause>`, `session_timeout`, `refused`).
    pub session_failures: BTreeMap<String, usize>,
    /// Latency of PDU session establishments, request to accept.
    pub session_ms: Latency,
    /// Pings sent (one per session, and one more per session with `--idle`; each
    /// retried until answered or given up).
    pub ping_sent: usize,
    /// Pings answered.
    pub ping_ok: usize,
    /// Of these, the pings sent while the UE was in CM-IDLE (`--idle`).
    pub idle_ping_ok: usize,
    /// IPv6 pings (`--ping6`, or an IPv6 `--ping`): each starts with the Router
    /// Solicitation that gets the session its /64.
    pub ping6_sent: usize,
    /// IPv6 pings answered (the Router Advertisement came, then the echo reply).
    pub ping6_ok: usize,
    /// UE-requested PDU session modifications (`--modify`) completed with the extra QoS
    /// flow in place (the command's QoS rules applied, the gNB's resources modified).
    pub modified: usize,
    /// UE-requested modifications the network refused (PDU SESSION MODIFICATION REJECT).
    pub modify_rejected: usize,
    /// UE-requested modifications that did not give the extra flow, by cause
    /// (`session_reject_<5GSM cause>`, `not_forwarded_<5GMM cause>`, `session_timeout`
    /// for T3581, `refused`, `no_extra_flow`).
    pub modify_failures: BTreeMap<String, usize>,
    /// Latency of the UE-requested modifications, request to command.
    pub modify_ms: Latency,
    /// Network-requested modification commands the UEs completed.
    pub network_modified: usize,
    /// Modification commands the UEs refused (COMMAND REJECT).
    pub modify_commands_rejected: usize,
    /// PDU sessions released at the end (`--release`: release command received and
    /// completed).
    pub released: usize,
    /// UEs paged (`--idle`).
    pub paged: usize,
    /// Service requests accepted (`--idle`).
    pub service_accepted: usize,
    #[serde(skip)]
    latencies_ms: Vec<f64>,
    #[serde(skip)]
    session_latencies_ms: Vec<f64>,
    #[serde(skip)]
    modify_latencies_ms: Vec<f64>,
    #[serde(skip)]
    done: usize,
}

impl Summary {
    pub(crate) fn new(ues: usize) -> Self {
        Self {
            ues,
            registered: 0,
            failed: 0,
            failures: BTreeMap::new(),
            registration_ms: Latency::default(),
            rate_per_s: 0.0,
            deregistered: 0,
            reregistered: 0,
            elapsed_s: 0.0,
            pdu_sessions: 0,
            session_failures: BTreeMap::new(),
            session_ms: Latency::default(),
            ping_sent: 0,
            ping_ok: 0,
            idle_ping_ok: 0,
            ping6_sent: 0,
            ping6_ok: 0,
            modified: 0,
            modify_rejected: 0,
            modify_failures: BTreeMap::new(),
            modify_ms: Latency::default(),
            network_modified: 0,
            modify_commands_rejected: 0,
            released: 0,
            paged: 0,
            service_accepted: 0,
            latencies_ms: Vec::new(),
            session_latencies_ms: Vec::new(),
            modify_latencies_ms: Vec::new(),
            done: 0,
        }
    }

    pub(crate) fn record(&mut self, report: Report) {
        match report {
            Report::Registered {
                latency,
                again: false,
            } => {
                self.registered += 1;
                self.latencies_ms.push(latency.as_secs_f64() * 1e3);
            }
            Report::Registered { again: true, .. } => self.reregistered += 1,
            Report::Failed { reason } => {
                self.failed += 1;
                *self.failures.entry(reason).or_default() += 1;
            }
            Report::Deregistered => self.deregistered += 1,
            Report::SessionEstablished { latency } => {
                self.pdu_sessions += 1;
                self.session_latencies_ms.push(latency.as_secs_f64() * 1e3);
            }
            Report::SessionFailed { reason } => {
                *self.session_failures.entry(reason).or_default() += 1;
            }
            Report::PingSent { v6: false } => self.ping_sent += 1,
            Report::PingSent { v6: true } => self.ping6_sent += 1,
            Report::PingOk { idle, v6 } => {
                if v6 {
                    self.ping6_ok += 1;
                } else {
                    self.ping_ok += 1;
                }
                if idle {
                    self.idle_ping_ok += 1;
                }
            }
            Report::Modified {
                latency,
                extra_flow: true,
            } => {
                self.modified += 1;
                self.modify_latencies_ms.push(latency.as_secs_f64() * 1e3);
            }
            Report::Modified {
                extra_flow: false, ..
            } => {
                *self
                    .modify_failures
                    .entry("no_extra_flow".into())
                    .or_default() += 1;
            }
            Report::ModifyFailed { reason, rejected } => {
                if rejected {
                    self.modify_rejected += 1;
                }
                *self.modify_failures.entry(reason).or_default() += 1;
            }
            Report::NetworkModified => self.network_modified += 1,
            Report::CommandRejected => self.modify_commands_rejected += 1,
            Report::Released => self.released += 1,
            Report::Paged => self.paged += 1,
            Report::ServiceAccepted => self.service_accepted += 1,
            Report::Done => self.done += 1,
        }
    }

    /// Whether every UE is done.
    pub(crate) fn all_done(&self) -> bool {
        self.done >= self.ues
    }

    pub(crate) fn set_elapsed(&mut self, elapsed: Duration) {
        self.elapsed_s = elapsed.as_secs_f64();
        self.rate_per_s = if self.elapsed_s > 0.0 {
            self.registered as f64 / self.elapsed_s
        } else {
            0.0
        };
    }

    pub(crate) fn finish(&mut self, elapsed: Duration) {
        let unfinished = self.ues.saturating_sub(self.registered + self.failed);
        if unfinished > 0 {
            self.failed += unfinished;
            *self.failures.entry("no_answer".into()).or_default() += unfinished;
        }
        self.set_elapsed(elapsed);
        self.latencies_ms.sort_by(f64::total_cmp);
        self.registration_ms = Latency::of(&self.latencies_ms);
        self.session_latencies_ms.sort_by(f64::total_cmp);
        self.session_ms = Latency::of(&self.session_latencies_ms);
        self.modify_latencies_ms.sort_by(f64::total_cmp);
        self.modify_ms = Latency::of(&self.modify_latencies_ms);
    }

    /// One human line: progress or the final result.
    pub fn line(&self) -> String {
        let mut line = format!(
            "{}/{} registered, {} failed, {:.0}/s, p50 {:.1} ms, p99 {:.1} ms ({:.1} s)",
            self.registered,
            self.ues,
            self.failed,
            self.rate_per_s,
            self.registration_ms.p50,
            self.registration_ms.p99,
            self.elapsed_s
        );
        if self.pdu_sessions > 0 || !self.session_failures.is_empty() {
            line += &format!(
                "; {} PDU sessions (p50 {:.1} ms)",
                self.pdu_sessions, self.session_ms.p50
            );
        }
        let modify_failed: usize = self.modify_failures.values().sum();
        if self.modified > 0 || modify_failed > 0 {
            line += &format!(
                "; {} modified (p50 {:.1} ms), {} not",
                self.modified, self.modify_ms.p50, modify_failed
            );
        }
        if self.ping_sent > 0 {
            line += &format!("; ping {}/{}", self.ping_ok, self.ping_sent);
        }
        if self.ping6_sent > 0 {
            line += &format!("; ping6 {}/{}", self.ping6_ok, self.ping6_sent);
        }
        if self.released > 0 {
            line += &format!("; {} released", self.released);
        }
        if self.paged > 0 || self.service_accepted > 0 {
            line += &format!(
                "; {} paged, {} service accepts",
                self.paged, self.service_accepted
            );
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let l = Latency::of(&v);
        assert_eq!((l.p50, l.p90, l.p99, l.max), (50.0, 90.0, 99.0, 100.0));
        assert_eq!(Latency::of(&[]), Latency::default());
        assert_eq!(Latency::of(&[7.0]).p99, 7.0);
    }

    #[test]
    fn unfinished_ues_count_as_failed_without_answer() {
        let mut s = Summary::new(3);
        s.record(Report::Registered {
            latency: Duration::from_millis(4),
            again: false,
        });
        s.record(Report::Failed {
            reason: "authentication_reject".into(),
        });
        s.record(Report::Done);
        s.record(Report::Done);
        assert!(!s.all_done());
        s.finish(Duration::from_secs(1));
        assert_eq!((s.registered, s.failed), (1, 2));
        assert_eq!(s.failures["no_answer"], 1);
        assert_eq!(s.registration_ms.max, 4.0);
    }

    #[test]
    fn modifications_count_only_with_their_extra_flow() {
        let mut s = Summary::new(3);
        s.record(Report::Modified {
            latency: Duration::from_millis(3),
            extra_flow: true,
        });
        s.record(Report::Modified {
            latency: Duration::from_millis(5),
            extra_flow: false,
        });
        s.record(Report::ModifyFailed {
            reason: "session_reject_26".into(),
            rejected: true,
        });
        s.record(Report::NetworkModified);
        s.finish(Duration::from_secs(1));
        assert_eq!(
            (s.modified, s.modify_rejected, s.network_modified),
            (1, 1, 1)
        );
        assert_eq!(s.modify_failures["no_extra_flow"], 1);
        assert_eq!(s.modify_failures["session_reject_26"], 1);
        assert_eq!(s.modify_ms.max, 3.0);
        assert!(s.line().contains("1 modified"), "{}", s.line());
    }

    #[test]
    fn reregistrations_are_counted_apart_from_first_registrations() {
        let mut s = Summary::new(1);
        s.record(Report::Registered {
            latency: Duration::from_millis(1),
            again: false,
        });
        s.record(Report::Deregistered);
        s.record(Report::Registered {
            latency: Duration::from_millis(9),
            again: true,
        });
        s.record(Report::Done);
        assert!(s.all_done());
        s.finish(Duration::from_secs(1));
        assert_eq!((s.registered, s.reregistered, s.deregistered), (1, 1, 1));
        assert_eq!(
            s.registration_ms.max, 1.0,
            "only first registrations are timed"
        );
    }
}
