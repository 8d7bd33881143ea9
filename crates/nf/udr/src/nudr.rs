//! Nudr_DataRepository (TS 29.504; subscription data of TS 29.505) on top of the
//! subscriber store: what the UDM reads and writes, as
//! [`DataRepositoryService`](ferrocore_sbi::nudr_dr::DataRepositoryService).
//!
//! - `authentication-subscription`: GET builds the TS 29.505 `AuthenticationSubscription`
//!   from the subscriber (K and OPc in hex; OPc computed when OP is provisioned; AMF;
//!   `sequenceNumber` with the next SQN); PATCH changes only `/sequenceNumber/sqn`, see
//!   [`sqn_patch`] for the compare-and-set block reservation.
//! - `authentication-status`: kept in memory per subscriber (latest event).
//! - `am-data`, `smf-selection-subscription-data`, `sm-data`: from the subscribed slices
//!   and DNNs ([`convert`]). The serving PLMN is accepted but does not change the answer
//!   (no per-PLMN data is provisioned yet).

pub mod convert;
pub mod sqn_patch;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use ferrocore_sbi::SbiError;
use ferrocore_sbi::common::{PatchItem, PlmnId, Snssai};
use ferrocore_sbi::nudm_sdm::{
    AccessAndMobilitySubscriptionData, SmSubsData, SmfSelectionSubscriptionData,
};
use ferrocore_sbi::nudm_ueau::AuthEvent;
use ferrocore_sbi::nudr_dr::{AuthenticationSubscription, DataRepositoryService, PatchResult};
use tracing::Instrument;

use crate::error::StoreError;
use crate::model::{Subscriber, Supi};
use crate::store::SubscriberStore;

/// The UDR's Nudr_DR producer over a [`SubscriberStore`].
pub struct Nudr {
    store: Arc<dyn SubscriberStore>,
    statuses: Mutex<HashMap<Supi, AuthEvent>>,
}

impl Nudr {
    /// Serves `store`.
    pub fn new(store: Arc<dyn SubscriberStore>) -> Self {
        Self {
            store,
            statuses: Mutex::new(HashMap::new()),
        }
    }

    /// The last authentication event stored for `supi`, if any.
    pub fn authentication_status(&self, supi: &Supi) -> Option<AuthEvent> {
        self.statuses
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(supi)
            .cloned()
    }

    async fn subscriber(&self, ue_id: &str) -> Result<Subscriber, SbiError> {
        let supi = parse_ue_id(ue_id)?;
        self.store.get(&supi).await.map_err(store_error)
    }
}

/// The `{ueId}` path variable as a SUPI (`imsi-<15 digits>`); 404 `USER_NOT_FOUND`
/// for anything else, since no such user can exist here.
pub(crate) fn parse_ue_id(ue_id: &str) -> Result<Supi, SbiError> {
    Supi::parse(ue_id).map_err(|_| SbiError::user_not_found(format!("no subscriber {ue_id}")))
}

/// Store errors as SBI answers: unknown subscriber 404 `USER_NOT_FOUND`, an exhausted
/// SQN space 403 `MODIFICATION_NOT_ALLOWED`, anything else 500 (cause logged only).
pub(crate) fn store_error(e: StoreError) -> SbiError {
    match e {
        StoreError::NotFound(supi) => SbiError::user_not_found(format!("no subscriber {supi}")),
        StoreError::SqnExhausted(supi) => {
            SbiError::modification_not_allowed(format!("the SQN space of {supi} is exhausted"))
        }
        StoreError::BadBlockSize(n) => {
            SbiError::modification_not_allowed(format!("an SQN step of {n} is too large"))
        }
        other => {
            tracing::error!(error = %other, "subscriber store failure");
            SbiError::system_failure("subscriber store failure")
        }
    }
}

#[async_trait]
impl DataRepositoryService for Nudr {
    /// Query authentication subscription (TS 29.505 §5.2.2.3.1): GET
    /// `.../authentication-data/authentication-subscription`, 200.
    async fn query_authentication_subscription(
        &self,
        ue_id: &str,
    ) -> Result<AuthenticationSubscription, SbiError> {
        let span = tracing::debug_span!("udr_auth_subscription", supi = %ue_id);
        async {
            Ok(convert::authentication_subscription(
                &self.subscriber(ue_id).await?,
            ))
        }
        .instrument(span)
        .await
    }

    /// Modify authentication subscription (TS 29.505 §5.2.2.3.2): PATCH of
    /// `/sequenceNumber/sqn` only, applied atomically ([`sqn_patch`]); 204, 409 when a
    /// `test` fails, 403 `MODIFICATION_NOT_ALLOWED` for any other change.
    async fn modify_authentication_subscription(
        &self,
        ue_id: &str,
        patch: Vec<PatchItem>,
    ) -> Result<Option<PatchResult>, SbiError> {
        let span = tracing::debug_span!("udr_auth_subscription_patch", supi = %ue_id);
        async {
            let supi = parse_ue_id(ue_id)?;
            let change = sqn_patch::SqnChange::parse(&patch)?;
            change.apply(&*self.store, &supi).await?;
            Ok(None)
        }
        .instrument(span)
        .await
    }

    /// Store authentication status (TS 29.505 AuthenticationStatus, Table 5.2.1-1): PUT
    /// `.../authentication-data/authentication-status`, 204; kept in memory.
    async fn create_authentication_status(
        &self,
        ue_id: &str,
        event: AuthEvent,
    ) -> Result<(), SbiError> {
        let supi = self.subscriber(ue_id).await?.supi;
        self.statuses
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(supi, event);
        Ok(())
    }

    /// Query access and mobility subscription data (TS 29.505 §5.2.3.3.1), 200.
    async fn query_am_data(
        &self,
        ue_id: &str,
        _serving_plmn: &PlmnId,
    ) -> Result<AccessAndMobilitySubscriptionData, SbiError> {
        Ok(convert::am_data(&self.subscriber(ue_id).await?))
    }

    /// Query SMF selection subscription data (TS 29.505 §5.2.4.3.1), 200.
    async fn query_smf_selection_data(
        &self,
        ue_id: &str,
        _serving_plmn: &PlmnId,
    ) -> Result<SmfSelectionSubscriptionData, SbiError> {
        Ok(convert::smf_selection(&self.subscriber(ue_id).await?))
    }

    /// Query session management subscription data (TS 29.505 §5.2.5.3.1), 200; 404
    /// `DATA_NOT_FOUND` when the filters leave nothing.
    async fn query_sm_data(
        &self,
        ue_id: &str,
        _serving_plmn: &PlmnId,
        single_nssai: Option<Snssai>,
        dnn: Option<String>,
    ) -> Result<SmSubsData, SbiError> {
        let sub = self.subscriber(ue_id).await?;
        let list = convert::sm_data(&sub, single_nssai.as_ref(), dnn.as_deref());
        if list.is_empty() {
            return Err(SbiError::data_not_found(format!(
                "no session management data for {ue_id} with these filters"
            )));
        }
        Ok(SmSubsData::List(list))
    }
}
