//! One simulated gNB: its association, its UEs' arrivals, its engine's timers.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrocore_sctp_io::{AssocEvent, NGAP_PPID, SctpAssociation, SctpConnector};
use ferrocore_sim::{Gnb, GnbConfig, SimEvent, UeId, UeProfile};
use tokio::sync::mpsc;
use tracing::{debug, warn};

use crate::capture::Capture;
use crate::options::{AfterRegistration, SimOptions};
use crate::summary::{Report, failure_label};

/// What one gNB task does.
pub(crate) struct Plan {
    config: GnbConfig,
    /// UEs in arrival order with their start times.
    arrivals: VecDeque<(UeProfile, Instant)>,
    after: AfterRegistration,
}

impl Plan {
    /// gNB number `g`: every UE whose index is `g` modulo the gNB count, each starting at
    /// `started + index / rate`.
    pub(crate) fn new(options: &SimOptions, g: usize, started: Instant) -> Self {
        let arrivals = (g..options.ues)
            .step_by(options.gnbs)
            .map(|i| {
                let offset = if options.rate > 0.0 {
                    Duration::from_secs_f64(i as f64 / options.rate)
                } else {
                    Duration::ZERO
                };
                (options.ue_profile(i), started + offset)
            })
            .collect();
        Self {
            config: options.gnb_config(g),
            arrivals,
            after: options.after,
        }
    }
}

/// Per-UE bookkeeping of the task.
#[derive(Default)]
struct UeRun {
    started: Option<Instant>,
    registrations: u32,
}

/// Runs the gNB until all its UEs are done or the association closes. The connector is
/// kept alive for as long as its association.
pub(crate) async fn run(
    plan: Plan,
    _connector: SctpConnector,
    mut assoc: SctpAssociation,
    reports: mpsc::UnboundedSender<Report>,
    capture: Option<Arc<Capture>>,
) {
    let Plan {
        config,
        mut arrivals,
        after,
    } = plan;
    let name = config.name.clone();
    let mut gnb = Gnb::new(config);
    gnb.start(Instant::now());
    let mut ready = false;
    let mut runs: HashMap<UeId, UeRun> = HashMap::new();
    let mut remaining = arrivals.len();
    let mut reregister: Vec<UeId> = Vec::new();
    loop {
        flush(&mut gnb, &assoc, capture.as_deref()).await;
        while let Some(event) = gnb.poll_event() {
            match event {
                SimEvent::NgSetupDone => ready = true,
                SimEvent::NgSetupFailed { cause } => {
                    warn!(gnb = %name, "NG Setup failed: {cause}");
                    for _ in 0..remaining {
                        let _ = reports.send(Report::Failed {
                            reason: "ng_setup_failure".into(),
                        });
                        let _ = reports.send(Report::Done);
                    }
                    return;
                }
                SimEvent::Registered { ue, at } => {
                    let run = runs.entry(ue).or_default();
                    run.registrations += 1;
                    let again = run.registrations > 1;
                    let latency = run
                        .started
                        .map(|s| at.saturating_duration_since(s))
                        .unwrap_or_default();
                    let _ = reports.send(Report::Registered { latency, again });
                    if after == AfterRegistration::Reregister && !again {
                        gnb.deregister(Instant::now(), ue, false);
                    } else {
                        remaining -= 1;
                        let _ = reports.send(Report::Done);
                    }
                }
                SimEvent::Deregistered { ue } => {
                    let _ = reports.send(Report::Deregistered);
                    if after == AfterRegistration::Reregister {
                        // Registers again once the AMF has released the signalling connection.
                        reregister.push(ue);
                    }
                }
                SimEvent::RegistrationFailed { ue, reason } => {
                    debug!(gnb = %name, ue, ?reason, "registration failed");
                    let _ = reports.send(Report::Failed {
                        reason: failure_label(&reason),
                    });
                    runs.remove(&ue);
                    remaining -= 1;
                    let _ = reports.send(Report::Done);
                }
                SimEvent::ErrorIndication { cause } => {
                    warn!(gnb = %name, "Error Indication from the AMF: {cause}");
                }
                SimEvent::ProtocolError { detail } => {
                    warn!(gnb = %name, "unusable message from the AMF: {detail}");
                }
            }
        }
        let now = Instant::now();
        reregister.retain(|&ue| {
            if gnb.ue(ue).is_connected() {
                return true;
            }
            runs.entry(ue).or_default().started = Some(now);
            gnb.register(now, ue);
            false
        });
        flush(&mut gnb, &assoc, capture.as_deref()).await;
        if remaining == 0 {
            break;
        }
        let next_arrival = if ready {
            arrivals.front().map(|a| a.1)
        } else {
            None
        };
        let deadline = [next_arrival, gnb.poll_timeout()]
            .into_iter()
            .flatten()
            .min();
        tokio::select! {
            event = assoc.next_event() => match event {
                Some(AssocEvent::Message(m)) => {
                    if let Some(c) = &capture {
                        c.record(&m.data);
                    }
                    gnb.handle_ngap(Instant::now(), m.stream, &m.data);
                }
                Some(AssocEvent::Closed(reason)) => {
                    warn!(gnb = %name, ?reason, "association to the AMF closed");
                    return;
                }
                Some(_) => {}
                None => return,
            },
            _ = sleep_until(deadline) => {
                let now = Instant::now();
                while ready && arrivals.front().is_some_and(|a| a.1 <= now) {
                    if let Some((profile, _)) = arrivals.pop_front() {
                        let ue = gnb.add_ue(profile);
                        runs.insert(ue, UeRun { started: Some(now), registrations: 0 });
                        gnb.register(now, ue);
                    }
                }
                if gnb.poll_timeout().is_some_and(|t| t <= now) {
                    gnb.handle_timeout(now);
                }
            }
        }
    }
    // A graceful SHUTDOWN, so that the AMF sees the gNB leave before this process ends.
    assoc.close().await;
    let closed =
        async { while !matches!(assoc.next_event().await, Some(AssocEvent::Closed(_)) | None) {} };
    let _ = tokio::time::timeout(Duration::from_secs(2), closed).await;
}

/// Sends everything the gNB has queued.
async fn flush(gnb: &mut Gnb, assoc: &SctpAssociation, capture: Option<&Capture>) {
    while let Some((stream, bytes)) = gnb.poll_transmit() {
        if let Some(c) = capture {
            c.record(&bytes);
        }
        if let Err(e) = assoc.send(stream, NGAP_PPID, bytes).await {
            warn!("NGAP send failed: {e}");
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(tokio::time::Instant::from_std(d)).await,
        None => std::future::pending().await,
    }
}
