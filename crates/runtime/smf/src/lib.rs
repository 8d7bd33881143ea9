//! ferrocore-smf-io: runs the sans-IO SMF engine ([`ferrocore_smf::Smf`]) on tokio.
//!
//! One task owns the engine. It owns the N4 (PFCP) UDP socket too: datagrams go in as
//! events and the engine's datagrams go out on it. Every SBI request the engine asks for
//! (Nudm_SDM, Namf_Communication) runs as its own task on [`SmfServices`] (in-process
//! NFs or HTTP/2 clients: the same traits), its reply coming back as an event. The AMF
//! reaches the SMF through [`SmfHandle`], which implements
//! [`PduSessionService`]: each call becomes an [`Event::Request`] and waits for the
//! engine's [`Action::Respond`] with the same id. Timers are the engine's earliest deadline.
//! The operator's side of the engine, network-requested modification and release of a
//! PDU session, is [`SmfHandle::modify_session`] and [`SmfHandle::release_session`].

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use ferrocore_sbi::nsmf_pdusession::{
    PduSessionService, SmContextCreate, SmContextCreated, SmContextError, SmContextRelease,
    SmContextUpdate, SmContextUpdated,
};
use ferrocore_sbi::{Created, SbiError, async_trait};
use ferrocore_smf::{
    Action, Event, Metrics, QosChange, RequestId, Smf, SmfError, SmfRequest, SmfResponse,
};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tracing::{debug, warn};

pub use ferrocore_smf::SmfServices;

/// Requests and SBI replies queued to the engine task.
const QUEUE: usize = 65_536;
/// Operator requests queued to the engine task.
const CONTROL_QUEUE: usize = 64;
/// Events handled per wake-up before actions are flushed.
const BATCH: usize = 256;
/// Largest PFCP datagram read.
const MAX_DATAGRAM: usize = 65_535;
/// Seconds from 1900-01-01 (NTP era 0) to 1970-01-01.
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

type Reply = oneshot::Sender<SmfResponse>;

/// An operator's request to the engine.
enum Control {
    Modify {
        supi: String,
        psi: u8,
        change: QosChange,
    },
    Release {
        supi: String,
        psi: u8,
        cause: u8,
    },
}

type ControlReply = oneshot::Sender<Result<(), SmfError>>;

/// A running SMF. Clones share it; [`SmfHandle::stop`] ends it.
#[derive(Clone)]
pub struct SmfHandle {
    inner: Arc<Inner>,
}

struct Inner {
    requests: mpsc::Sender<(SmfRequest, Reply)>,
    control: mpsc::Sender<(Control, ControlReply)>,
    metrics: Metrics,
    local: SocketAddr,
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl SmfHandle {
    /// The SMF's counters and gauges (shared with the engine).
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The N4 socket's address.
    pub fn pfcp_addr(&self) -> SocketAddr {
        self.inner.local
    }

    /// Stops the engine task and waits for it.
    pub async fn stop(&self) {
        let _ = self.inner.stop.send(true);
        let task = self.inner.task.lock().ok().and_then(|mut t| t.take());
        if let Some(t) = task {
            let _ = t.await;
        }
    }

    /// Network-requested PDU session modification of the SUPI's session `psi` (TS 24.501
    /// §6.3.2): a new Session-AMBR and / or default-flow QoS. `Ok` once the procedure has
    /// started (its outcome shows in `smf_sm_pdu_sess_modification_nw_*`).
    pub async fn modify_session(
        &self,
        supi: &str,
        psi: u8,
        change: QosChange,
    ) -> Result<(), SmfError> {
        self.control(Control::Modify {
            supi: supi.to_string(),
            psi,
            change,
        })
        .await
    }

    /// Network-requested PDU session release of the SUPI's session `psi` with 5GSM cause
    /// `cause` (TS 24.501 §6.3.3).
    pub async fn release_session(&self, supi: &str, psi: u8, cause: u8) -> Result<(), SmfError> {
        self.control(Control::Release {
            supi: supi.to_string(),
            psi,
            cause,
        })
        .await
    }

    async fn control(&self, c: Control) -> Result<(), SmfError> {
        let (tx, rx) = oneshot::channel();
        self.inner
            .control
            .send((c, tx))
            .await
            .map_err(|_| SmfError::Stopped)?;
        rx.await.map_err(|_| SmfError::Stopped)?
    }

    async fn ask(&self, request: SmfRequest) -> Result<SmfResponse, SbiError> {
        let (tx, rx) = oneshot::channel();
        self.inner
            .requests
            .send((request, tx))
            .await
            .map_err(|_| SbiError::system_failure("the SMF has stopped"))?;
        rx.await
            .map_err(|_| SbiError::system_failure("the SMF stopped before answering"))
    }
}

fn mismatched() -> SbiError {
    SbiError::system_failure("the SMF answered with another operation's response")
}

#[async_trait]
impl PduSessionService for SmfHandle {
    async fn create_sm_context(
        &self,
        request: SmContextCreate,
    ) -> Result<Created<SmContextCreated>, SmContextError> {
        match self.ask(SmfRequest::Create(request)).await? {
            SmfResponse::Created(r) => r,
            _ => Err(mismatched().into()),
        }
    }

    async fn update_sm_context(
        &self,
        sm_context_ref: &str,
        update: SmContextUpdate,
    ) -> Result<Option<SmContextUpdated>, SmContextError> {
        let request = SmfRequest::Update {
            sm_context_ref: sm_context_ref.to_string(),
            update,
        };
        match self.ask(request).await? {
            SmfResponse::Updated(r) => r,
            _ => Err(mismatched().into()),
        }
    }

    async fn release_sm_context(
        &self,
        sm_context_ref: &str,
        release: SmContextRelease,
    ) -> Result<(), SbiError> {
        let request = SmfRequest::Release {
            sm_context_ref: sm_context_ref.to_string(),
            release,
        };
        match self.ask(request).await? {
            SmfResponse::Released(r) => r,
            _ => Err(mismatched()),
        }
    }
}

/// The current time as a PFCP Recovery Time Stamp (NTP seconds, TS 29.244 §8.2.65).
pub fn recovery_time_stamp_now() -> u32 {
    let unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    (unix + NTP_UNIX_OFFSET) as u32
}

/// Binds the N4 socket on the configured `pfcp_listen` and starts the SMF.
pub async fn bind(smf: Smf, services: SmfServices) -> io::Result<SmfHandle> {
    let socket = UdpSocket::bind(smf.config().pfcp_listen).await?;
    spawn(smf, socket, services)
}

/// Starts the SMF on an already bound N4 socket; `services` answers its SBI requests.
/// A zero Recovery Time Stamp in the configuration becomes the current time.
pub fn spawn(mut smf: Smf, socket: UdpSocket, services: SmfServices) -> io::Result<SmfHandle> {
    let local = socket.local_addr()?;
    if smf.config().recovery_time_stamp == 0 {
        smf.set_recovery_time_stamp(recovery_time_stamp_now());
    }
    let metrics = smf.metrics().clone();
    let (requests, requests_rx) = mpsc::channel(QUEUE);
    let (control, control_rx) = mpsc::channel(CONTROL_QUEUE);
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(run(
        smf,
        socket,
        services,
        Inbound {
            requests: requests_rx,
            control: control_rx,
        },
        stopped,
    ));
    Ok(SmfHandle {
        inner: Arc::new(Inner {
            requests,
            control,
            metrics,
            local,
            stop,
            task: Mutex::new(Some(task)),
        }),
    })
}

/// What the engine task receives besides datagrams and SBI replies.
struct Inbound {
    requests: mpsc::Receiver<(SmfRequest, Reply)>,
    control: mpsc::Receiver<(Control, ControlReply)>,
}

/// Carries out an operator's request on the engine.
fn on_control(smf: &mut Smf, c: Control) -> Result<(), SmfError> {
    let now = std::time::Instant::now();
    match c {
        Control::Modify { supi, psi, change } => smf.modify_session(now, &supi, psi, change),
        Control::Release { supi, psi, cause } => {
            let sm_ref = smf
                .context_of(&supi, psi)
                .map(|c| c.sm_context_ref.clone())
                .ok_or_else(|| SmfError::UnknownContext(format!("{supi} PDU session {psi}")))?;
            smf.release_session(now, &sm_ref, cause)
        }
    }
}

async fn run(
    mut smf: Smf,
    socket: UdpSocket,
    services: SmfServices,
    inbound: Inbound,
    mut stopped: watch::Receiver<bool>,
) {
    let Inbound {
        mut requests,
        mut control,
    } = inbound;
    let (events_tx, mut events) = mpsc::channel::<Event>(QUEUE);
    let mut waiting: HashMap<RequestId, Reply> = HashMap::new();
    let mut next_id = 0u64;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let mut batch = Vec::with_capacity(BATCH);
    let mut request_batch = Vec::with_capacity(BATCH);
    // The start: Association Setup Requests towards the configured UPFs.
    smf.handle_timeout(std::time::Instant::now());
    loop {
        perform_actions(&mut smf, &socket, &services, &events_tx, &mut waiting).await;
        let deadline = smf.poll_timeout();
        tokio::select! {
            n = requests.recv_many(&mut request_batch, BATCH) => {
                if n == 0 {
                    break;
                }
                let now = std::time::Instant::now();
                for (request, reply) in request_batch.drain(..) {
                    next_id += 1;
                    let id = RequestId(next_id);
                    waiting.insert(id, reply);
                    smf.handle_event(now, Event::Request { id, request });
                }
            }
            Some((c, reply)) = control.recv() => {
                let _ = reply.send(on_control(&mut smf, c));
            }
            n = events.recv_many(&mut batch, BATCH) => {
                if n == 0 {
                    break;
                }
                let now = std::time::Instant::now();
                for event in batch.drain(..) {
                    smf.handle_event(now, event);
                }
            }
            received = socket.recv_from(&mut buf) => match received {
                Ok((len, from)) => {
                    let bytes = buf[..len].to_vec();
                    smf.handle_event(std::time::Instant::now(), Event::Pfcp { from, bytes });
                }
                // ICMP port unreachable of an earlier send shows up here on Linux.
                Err(e) => debug!(error = %e, "N4 receive error"),
            },
            _ = sleep_until(deadline), if deadline.is_some() => {
                smf.handle_timeout(std::time::Instant::now());
            }
            _ = stopped.changed() => break,
        }
    }
}

/// Carries out everything the engine has queued.
async fn perform_actions(
    smf: &mut Smf,
    socket: &UdpSocket,
    services: &SmfServices,
    events: &mpsc::Sender<Event>,
    waiting: &mut HashMap<RequestId, Reply>,
) {
    while let Some(action) = smf.poll_action() {
        match action {
            Action::Respond { id, response } => match waiting.remove(&id) {
                Some(reply) => {
                    let _ = reply.send(response);
                }
                None => warn!(id = id.0, "response for no waiting request"),
            },
            Action::Sbi { txn, request } => {
                let services = services.clone();
                let events = events.clone();
                tokio::spawn(async move {
                    let reply = services.call(request).await;
                    let _ = events.send(Event::SbiReply { txn, reply }).await;
                });
            }
            Action::SendPfcp { to, bytes } => {
                if let Err(e) = socket.send_to(&bytes, to).await {
                    debug!(%to, error = %e, "N4 send failed");
                }
            }
        }
    }
}

async fn sleep_until(deadline: Option<std::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(tokio::time::Instant::from_std(d)).await,
        None => std::future::pending().await,
    }
}
