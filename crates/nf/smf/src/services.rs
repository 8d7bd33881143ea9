//! The SBI services the SMF consumes, as trait objects, and the one mapping of an engine
//! [`SbiRequest`] to the operation that answers it (in one process the NFs themselves,
//! deployed apart the HTTP/2 clients of the same traits).

use std::sync::Arc;

use ferrocore_sbi::namf_communication::CommunicationService;
use ferrocore_sbi::nudm_sdm::SdmService;

use crate::{SbiReply, SbiRequest};

/// Where the SMF's SBI requests go.
#[derive(Clone)]
pub struct SmfServices {
    /// Nudm_SDM (TS 29.503 §5.2): session management subscription data.
    pub sdm: Arc<dyn SdmService>,
    /// Namf_Communication (TS 29.518): N1N2MessageTransfer.
    pub amf: Arc<dyn CommunicationService>,
}

impl SmfServices {
    /// Performs one request of the engine and gives the reply it waits for (to hand back
    /// as [`crate::Event::SbiReply`]).
    pub async fn call(&self, request: SbiRequest) -> SbiReply {
        match request {
            SbiRequest::GetSmData { supi, query } => {
                SbiReply::SmData(self.sdm.get_sm_data(&supi, query).await)
            }
            SbiRequest::N1N2Transfer {
                ue_context_id,
                transfer,
            } => SbiReply::N1N2(
                self.amf
                    .n1_n2_message_transfer(&ue_context_id, transfer)
                    .await,
            ),
        }
    }
}
