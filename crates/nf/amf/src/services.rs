//! The SBI services the AMF consumes, as trait objects, and the one mapping of an engine
//! [`SbiRequest`] to the operation that answers it: in one process the services are the
//! NFs themselves, deployed apart HTTP/2 clients of the same traits. Pure async
//! dispatch: no I/O of its own, whatever the services do.

use std::sync::Arc;

use ferrocore_sbi::nausf_ueau::UeAuthenticationService;
use ferrocore_sbi::nsmf_pdusession::{
    PduSessionService, SmContextCreate, SmContextCreated, SmContextError, SmContextRelease,
    SmContextUpdate, SmContextUpdated,
};
use ferrocore_sbi::nudm_sdm::{SdmQuery, SdmService};
use ferrocore_sbi::nudm_uecm::UecmService;

use ferrocore_sbi::{Created, SbiError, async_trait};

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
    /// Nsmf_PDUSession (TS 29.502 §5.2.2): the one SMF this AMF selects for every PDU
    /// session (no NRF discovery yet). [`NoSmf`] when there is none.
    pub smf: Arc<dyn PduSessionService>,
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
            SbiRequest::CreateSmContext(c) => {
                SbiReply::CreateSmContext(self.smf.create_sm_context(c).await)
            }
            SbiRequest::UpdateSmContext {
                sm_context_ref,
                update,
            } => {
                SbiReply::UpdateSmContext(self.smf.update_sm_context(&sm_context_ref, update).await)
            }
            SbiRequest::ReleaseSmContext {
                sm_context_ref,
                release,
            } => SbiReply::ReleaseSmContext(
                self.smf.release_sm_context(&sm_context_ref, release).await,
            ),
        }
    }
}

/// No SMF: every SM context operation fails with 504 `TARGET_NF_NOT_REACHABLE`, so a
/// UE's 5GSM requests are answered with "payload was not forwarded" (TS 24.501
/// §5.4.5.2.5). For deployments without session management.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSmf;

fn no_smf() -> SbiError {
    SbiError::target_not_reachable("no SMF is configured")
}

#[async_trait]
impl PduSessionService for NoSmf {
    async fn create_sm_context(
        &self,
        _request: SmContextCreate,
    ) -> Result<Created<SmContextCreated>, SmContextError> {
        Err(no_smf().into())
    }

    async fn update_sm_context(
        &self,
        _sm_context_ref: &str,
        _request: SmContextUpdate,
    ) -> Result<Option<SmContextUpdated>, SmContextError> {
        Err(no_smf().into())
    }

    async fn release_sm_context(
        &self,
        _sm_context_ref: &str,
        _request: SmContextRelease,
    ) -> Result<(), SbiError> {
        Err(no_smf())
    }
}
