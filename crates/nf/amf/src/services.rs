//! The SBI services the AMF consumes, as trait objects, and the one mapping of an engine
//! [`SbiRequest`] to the operation that answers it: in one process the services are the
//! NFs themselves, deployed apart HTTP/2 clients of the same traits. Pure async
//! dispatch: no I/O of its own, whatever the services do.

use std::sync::Arc;

use ferrocore_sbi::nausf_ueau::UeAuthenticationService;
use ferrocore_sbi::nudm_sdm::{SdmQuery, SdmService};
use ferrocore_sbi::nudm_uecm::UecmService;

use crate::{SbiReply, SbiRequest};

/// Where the AMF's SBI requests go.
#[derive(Clone)]
pub struct AmfServices {
    /// Nausf_UEAuthentication (TS 29.509).
    pub ausf: Arc<dyn UeAuthenticationService>,
    /// Nudm_UECM (TS 29.503 §5.3).
    pub uecm: Arc<dyn UecmService>,
    /// Nudm_SDM (TS 29.503 §5.2).
    pub sdm: Arc<dyn SdmService>,
}

impl AmfServices {
    /// Performs one request of the engine and gives the reply it waits for (to hand back
    /// as [`crate::Event::SbiReply`]).
    pub async fn call(&self, request: SbiRequest) -> SbiReply {
        match request {
            SbiRequest::Authenticate(info) => {
                SbiReply::Authenticate(self.ausf.authenticate(info).await)
            }
            SbiRequest::Confirm5gAka { auth_ctx_id, data } => {
                SbiReply::Confirm5gAka(self.ausf.confirm_5g_aka(&auth_ctx_id, data).await)
            }
            SbiRequest::RegisterAmf { supi, registration } => SbiReply::RegisterAmf(
                self.uecm
                    .register_amf_3gpp_access(&supi, registration)
                    .await
                    .map(|_| ()),
            ),
            SbiRequest::GetAmData { supi } => {
                SbiReply::GetAmData(self.sdm.get_am_data(&supi, SdmQuery::default()).await)
            }
        }
    }
}
