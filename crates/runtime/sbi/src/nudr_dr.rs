//! Nudr_DataRepository (TS 29.504; subscription data resources of TS 29.505) over
//! HTTP/2: router and client.

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use ferrocore_sbi::SbiError;
use ferrocore_sbi::common::{PatchItem, PlmnId, Snssai};
use ferrocore_sbi::nudm_sdm::{
    AccessAndMobilitySubscriptionData, SmSubsData, SmfSelectionSubscriptionData,
};
use ferrocore_sbi::nudm_ueau::AuthEvent;
use ferrocore_sbi::nudr_dr::{
    AuthenticationSubscription, DataRepositoryService, PatchResult, parse_var_plmn_id, paths,
};
use reqwest::{Method, StatusCode};

use crate::client::{HttpClient, REQUEST_JSON, encode_segment};
use crate::problem::{Answer, JSON_PATCH, PathVars, SbiJson, no_content, ok};
use crate::query::{QueryBuilder, QueryParams};

type Svc = Arc<dyn DataRepositoryService>;

/// Serves the modelled part of `{apiRoot}/nudr-dr/v2` from `service`.
pub fn router(service: Svc) -> Router {
    let plmn = "{servingPlmnId}";
    Router::new()
        .route(
            &paths::authentication_subscription("{ueId}"),
            get(query_authentication_subscription).patch(modify_authentication_subscription),
        )
        .route(
            &paths::authentication_status("{ueId}"),
            axum::routing::put(create_authentication_status),
        )
        .route(&paths::am_data("{ueId}", plmn), get(query_am_data))
        .route(
            &paths::smf_selection_subscription_data("{ueId}", plmn),
            get(query_smf_selection_data),
        )
        .route(&paths::sm_data("{ueId}", plmn), get(query_sm_data))
        .with_state(service)
}

fn serving_plmn(s: &str) -> Result<PlmnId, SbiError> {
    parse_var_plmn_id(s).ok_or_else(|| {
        SbiError::mandatory_ie_incorrect("{servingPlmnId}", "expected MCC and MNC digits")
    })
}

/// TS 29.505 §5.2.2.3.1: GET `/subscription-data/{ueId}/authentication-data/authentication-subscription`, 200.
async fn query_authentication_subscription(
    State(svc): State<Svc>,
    PathVars(ue_id): PathVars<String>,
) -> Answer {
    ok(&svc.query_authentication_subscription(&ue_id).await?)
}

/// TS 29.505 §5.2.2.3.2: PATCH `.../authentication-subscription`
/// (`application/json-patch+json`), 204, or 200 with a `PatchResult`.
async fn modify_authentication_subscription(
    State(svc): State<Svc>,
    PathVars(ue_id): PathVars<String>,
    SbiJson(patch): SbiJson<Vec<PatchItem>>,
) -> Answer {
    match svc
        .modify_authentication_subscription(&ue_id, patch)
        .await?
    {
        None => no_content(),
        Some(report) => ok(&report),
    }
}

/// TS 29.505 AuthenticationStatus resource (Table 5.2.1-1): PUT
/// `/subscription-data/{ueId}/authentication-data/authentication-status`, 204.
async fn create_authentication_status(
    State(svc): State<Svc>,
    PathVars(ue_id): PathVars<String>,
    SbiJson(event): SbiJson<AuthEvent>,
) -> Answer {
    svc.create_authentication_status(&ue_id, event).await?;
    no_content()
}

/// TS 29.505 §5.2.3.3.1: GET `/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/am-data`, 200.
async fn query_am_data(
    State(svc): State<Svc>,
    PathVars((ue_id, plmn)): PathVars<(String, String)>,
) -> Answer {
    ok(&svc.query_am_data(&ue_id, &serving_plmn(&plmn)?).await?)
}

/// TS 29.505 §5.2.4.3.1: GET `.../provisioned-data/smf-selection-subscription-data`, 200.
async fn query_smf_selection_data(
    State(svc): State<Svc>,
    PathVars((ue_id, plmn)): PathVars<(String, String)>,
) -> Answer {
    ok(&svc
        .query_smf_selection_data(&ue_id, &serving_plmn(&plmn)?)
        .await?)
}

/// TS 29.505 §5.2.5.3.1: GET `.../provisioned-data/sm-data?single-nssai=&dnn=`, 200.
async fn query_sm_data(
    State(svc): State<Svc>,
    PathVars((ue_id, plmn)): PathVars<(String, String)>,
    RawQuery(q): RawQuery,
) -> Answer {
    let q = QueryParams::parse(q.as_deref());
    let single_nssai = q.json("single-nssai")?;
    let dnn = q.string("dnn");
    ok(&svc
        .query_sm_data(&ue_id, &serving_plmn(&plmn)?, single_nssai, dnn)
        .await?)
}

/// Nudr_DR (subscription data) consumer over HTTP/2.
#[derive(Debug, Clone)]
pub struct DataRepositoryClient(pub HttpClient);

#[async_trait]
impl DataRepositoryService for DataRepositoryClient {
    async fn query_authentication_subscription(
        &self,
        ue_id: &str,
    ) -> Result<AuthenticationSubscription, SbiError> {
        self.0
            .get_json(
                paths::authentication_subscription(&encode_segment(ue_id)),
                QueryBuilder::default(),
            )
            .await
    }

    async fn modify_authentication_subscription(
        &self,
        ue_id: &str,
        patch: Vec<PatchItem>,
    ) -> Result<Option<PatchResult>, SbiError> {
        let path = paths::authentication_subscription(&encode_segment(ue_id));
        let answer = self
            .0
            .call(Method::PATCH, &path, &[], Some((JSON_PATCH, &patch)))
            .await?
            .expect(&[StatusCode::NO_CONTENT, StatusCode::OK])?;
        if answer.status == StatusCode::OK {
            Ok(Some(answer.json()?))
        } else {
            Ok(None)
        }
    }

    async fn create_authentication_status(
        &self,
        ue_id: &str,
        event: AuthEvent,
    ) -> Result<(), SbiError> {
        let path = paths::authentication_status(&encode_segment(ue_id));
        self.0
            .call(Method::PUT, &path, &[], Some((REQUEST_JSON, &event)))
            .await?
            .expect(&[StatusCode::NO_CONTENT])?;
        Ok(())
    }

    async fn query_am_data(
        &self,
        ue_id: &str,
        serving_plmn: &PlmnId,
    ) -> Result<AccessAndMobilitySubscriptionData, SbiError> {
        self.0
            .get_json(
                paths::am_data(&encode_segment(ue_id), &serving_plmn.to_var_plmn_id()),
                QueryBuilder::default(),
            )
            .await
    }

    async fn query_smf_selection_data(
        &self,
        ue_id: &str,
        serving_plmn: &PlmnId,
    ) -> Result<SmfSelectionSubscriptionData, SbiError> {
        let path = paths::smf_selection_subscription_data(
            &encode_segment(ue_id),
            &serving_plmn.to_var_plmn_id(),
        );
        self.0.get_json(path, QueryBuilder::default()).await
    }

    async fn query_sm_data(
        &self,
        ue_id: &str,
        serving_plmn: &PlmnId,
        single_nssai: Option<Snssai>,
        dnn: Option<String>,
    ) -> Result<SmSubsData, SbiError> {
        let q = QueryBuilder::default()
            .json("single-nssai", single_nssai.as_ref())
            .string("dnn", dnn.as_deref());
        self.0
            .get_json(
                paths::sm_data(&encode_segment(ue_id), &serving_plmn.to_var_plmn_id()),
                q,
            )
            .await
    }
}
