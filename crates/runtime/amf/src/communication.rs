//! Namf_Communication served by the engine task: [`AmfCommunication`] implements
//! [`CommunicationService`] by forwarding each N1N2MessageTransfer into the task that
//! owns the engine ([`ferrocore_amf::Event::N1N2Transfer`]) and awaiting the engine's
//! [`ferrocore_amf::Action::N1N2Response`]. Serve it over HTTP/2 with
//! `ferrocore_sbi_http::namf_communication::router(Arc::new(handle))`, or hand it to an
//! SMF in the same process.

use ferrocore_sbi::namf_communication::{
    CommunicationService, N1N2MessageTransfer, N1N2MessageTransferResult,
};
use ferrocore_sbi::{SbiError, async_trait};
use tokio::sync::{mpsc, oneshot};

/// Calls queued towards the engine task.
const QUEUE: usize = 4096;

/// One N1N2MessageTransfer on its way to the engine, and where its answer goes.
pub(crate) struct Call {
    pub ue_context_id: String,
    pub transfer: N1N2MessageTransfer,
    pub answer: oneshot::Sender<Result<N1N2MessageTransferResult, SbiError>>,
}

/// The AMF's Namf_Communication (TS 29.518 §5.2.2.3.1) as a cheap, cloneable handle.
#[derive(Clone)]
pub struct AmfCommunication {
    tx: mpsc::Sender<Call>,
}

/// The engine task's end of an [`AmfCommunication`]: give it to
/// [`crate::spawn_with_communication`].
pub struct CommunicationInbox {
    pub(crate) rx: mpsc::Receiver<Call>,
    pub(crate) tx: mpsc::Sender<Call>,
}

impl AmfCommunication {
    /// A handle and the inbox the engine task will read, made before the AMF starts so
    /// that an SMF can hold the handle while the AMF holds the SMF.
    pub fn channel() -> (AmfCommunication, CommunicationInbox) {
        let (tx, rx) = mpsc::channel(QUEUE);
        (
            AmfCommunication { tx: tx.clone() },
            CommunicationInbox { rx, tx },
        )
    }
}

impl CommunicationInbox {
    /// Another handle on this inbox.
    pub fn handle(&self) -> AmfCommunication {
        AmfCommunication {
            tx: self.tx.clone(),
        }
    }
}

fn gone() -> SbiError {
    SbiError::new(503, "NF_SERVICE_UNAVAILABLE", "the AMF is not running")
}

#[async_trait]
impl CommunicationService for AmfCommunication {
    async fn n1_n2_message_transfer(
        &self,
        ue_context_id: &str,
        request: N1N2MessageTransfer,
    ) -> Result<N1N2MessageTransferResult, SbiError> {
        let (answer, answered) = oneshot::channel();
        let call = Call {
            ue_context_id: ue_context_id.to_owned(),
            transfer: request,
            answer,
        };
        self.tx.send(call).await.map_err(|_| gone())?;
        answered.await.unwrap_or_else(|_| Err(gone()))
    }
}
