//! Nudm_UEContextManagement (TS 29.503 §5.3): the serving AMF for 3GPP access.
//!
//! Registrations are kept in memory in this UDM instance (a restarted UDM forgets them and
//! the AMF registers again at its next registration); moving them into the UDR's
//! `context-data` (TS 29.505 §5.2.6) comes with the AMF.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use ferrocore_sbi::nudm_uecm::{Amf3GppAccessRegistration, UecmService, paths};
use ferrocore_sbi::{Created, SbiError, Upserted};

use crate::Udm;

/// The AMF registrations for 3GPP access, by UE identity.
#[derive(Default)]
pub(crate) struct Registrations(Mutex<HashMap<String, Amf3GppAccessRegistration>>);

#[async_trait]
impl UecmService for Udm {
    /// Registration, AMF for 3GPP access (TS 29.503 §5.3.2.2.2): PUT
    /// `/{ueId}/registrations/amf-3gpp-access`; 201 with `Location` for a new
    /// registration, 200 with the stored one when it replaces an earlier AMF's.
    async fn register_amf_3gpp_access(
        &self,
        ue_id: &str,
        registration: Amf3GppAccessRegistration,
    ) -> Result<Upserted<Amf3GppAccessRegistration>, SbiError> {
        let _span = tracing::info_span!("udm_uecm", supi = %ue_id).entered();
        let previous = {
            let mut map = self
                .registrations
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            map.insert(ue_id.to_owned(), registration.clone())
        };
        tracing::info!(amf = %registration.amf_instance_id, replaced = previous.is_some(), "AMF registered");
        Ok(match previous {
            None => Upserted::Created(Created {
                location: format!("{}{}", self.config.api_root, paths::amf_3gpp_access(ue_id)),
                body: registration,
            }),
            Some(_) => Upserted::Updated(registration),
        })
    }
}
