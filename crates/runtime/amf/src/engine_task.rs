//! The task that owns the AMF engine: accepts associations, feeds events, performs
//! actions, keeps the engine's timer.

use std::collections::HashMap;

use ferrocore_amf::{Action, Amf, AssocId, Event, Metrics, N1N2Id};
use ferrocore_sctp_io::SctpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant as TokioInstant;
use tracing::{info, warn};

use crate::association::{self, Outbound};
use crate::communication::{AmfCommunication, Call, CommunicationInbox};
use crate::services::AmfServices;

/// N1N2 transfers in the engine, by id: where each answer goes.
type Answers = HashMap<
    N1N2Id,
    tokio::sync::oneshot::Sender<
        Result<
            ferrocore_sbi::namf_communication::N1N2MessageTransferResult,
            ferrocore_sbi::SbiError,
        >,
    >,
>;

/// Events queued from association and SBI tasks to the engine task.
const EVENT_QUEUE: usize = 65_536;
/// Events handled per wake-up before actions are flushed.
const BATCH: usize = 256;

/// A running AMF. Dropping it leaves the AMF running; [`AmfHandle::stop`] ends it.
pub struct AmfHandle {
    metrics: Metrics,
    communication: AmfCommunication,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl AmfHandle {
    /// The AMF's counters and gauges (shared with the engine; render at any time).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The AMF's Namf_Communication (N1N2MessageTransfer), for an SMF or a router.
    pub fn communication(&self) -> AmfCommunication {
        self.communication.clone()
    }

    /// Stops the engine task and its associations, and waits for it.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts the AMF: `amf` serves gNBs arriving on `listener` and calls `services`;
/// [`AmfHandle::communication`] gives its Namf_Communication.
pub fn spawn(amf: Amf, listener: SctpListener, services: AmfServices) -> AmfHandle {
    let (_, inbox) = AmfCommunication::channel();
    spawn_with_communication(amf, listener, services, inbox)
}

/// As [`spawn`], serving the N1N2 transfers of handles made beforehand with
/// [`AmfCommunication::channel`] (an SMF built before the AMF holds one).
pub fn spawn_with_communication(
    amf: Amf,
    listener: SctpListener,
    services: AmfServices,
    inbox: CommunicationInbox,
) -> AmfHandle {
    let metrics = amf.metrics().clone();
    let communication = inbox.handle();
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(run(amf, listener, services, inbox, stopped));
    AmfHandle {
        metrics,
        communication,
        stop,
        task,
    }
}

async fn run(
    mut amf: Amf,
    mut listener: SctpListener,
    services: AmfServices,
    inbox: CommunicationInbox,
    mut stopped: watch::Receiver<bool>,
) {
    let CommunicationInbox {
        rx: mut calls,
        tx: _keep,
    } = inbox;
    let mut answers: Answers = HashMap::new();
    let mut next_n1n2: u64 = 0;
    let (events_tx, mut events) = mpsc::channel::<Event>(EVENT_QUEUE);
    let mut writers: HashMap<AssocId, mpsc::UnboundedSender<Outbound>> = HashMap::new();
    let mut next_assoc: AssocId = 1;
    let mut associations = tokio::task::JoinSet::new();
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let deadline = amf.poll_timeout();
        tokio::select! {
            accepted = listener.accept() => {
                let Some(assoc) = accepted else {
                    warn!("N2 listener closed");
                    break;
                };
                let id = next_assoc;
                next_assoc += 1;
                info!(assoc = id, peer = ?assoc.peer(), "gNB association up");
                let outbound_streams = assoc.outbound_streams();
                let (tx, rx) = mpsc::unbounded_channel();
                writers.insert(id, tx);
                associations.spawn(association::run(assoc, id, events_tx.clone(), rx));
                amf.handle_event(std::time::Instant::now(), Event::AssociationUp { assoc: id, outbound_streams });
            }
            n = events.recv_many(&mut batch, BATCH) => {
                if n == 0 {
                    break;
                }
                let now = std::time::Instant::now();
                for event in batch.drain(..) {
                    if let Event::AssociationDown { assoc } = &event {
                        writers.remove(assoc);
                    }
                    amf.handle_event(now, event);
                }
            }
            Some(Call { ue_context_id, transfer, answer }) = calls.recv() => {
                next_n1n2 += 1;
                let id = N1N2Id(next_n1n2);
                answers.insert(id, answer);
                amf.handle_event(
                    std::time::Instant::now(),
                    Event::N1N2Transfer { id, ue_context_id, transfer },
                );
            }
            _ = sleep_until(deadline), if deadline.is_some() => {
                amf.handle_timeout(std::time::Instant::now());
            }
            _ = stopped.changed() => break,
        }
        perform_actions(&mut amf, &writers, &services, &events_tx, &mut answers);
    }
    associations.abort_all();
}

/// Carries out everything the engine has queued.
fn perform_actions(
    amf: &mut Amf,
    writers: &HashMap<AssocId, mpsc::UnboundedSender<Outbound>>,
    services: &AmfServices,
    events: &mpsc::Sender<Event>,
    answers: &mut Answers,
) {
    while let Some(action) = amf.poll_action() {
        match action {
            Action::SendNgap {
                assoc,
                stream,
                bytes,
            } => match writers.get(&assoc) {
                Some(w) => {
                    let _ = w.send((stream, bytes));
                }
                None => warn!(assoc, "NGAP message for a closed association dropped"),
            },
            Action::N1N2Response { id, result } => match answers.remove(&id) {
                Some(a) => {
                    let _ = a.send(result);
                }
                None => warn!(id = id.0, "N1N2 answer for no transfer"),
            },
            Action::Sbi { txn, request } => {
                let services = services.clone();
                let events = events.clone();
                tokio::spawn(async move {
                    let reply = services.call(request).await;
                    let _ = events.send(Event::SbiReply { txn, reply }).await;
                });
            }
        }
    }
}

async fn sleep_until(deadline: Option<std::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(TokioInstant::from_std(d)).await,
        None => std::future::pending().await,
    }
}
