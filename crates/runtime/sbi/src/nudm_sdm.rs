//! Nudm_SubscriberDataManagement (TS 29.503) over HTTP/2: router and client.

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use ferrocore_sbi::SbiError;
use ferrocore_sbi::nudm_sdm::{
    AccessAndMobilitySubscriptionData, Nssai, SdmQuery, SdmService, SmDataQuery, SmSubsData,
    SmfSelectionSubscriptionData, paths,
};

use crate::client::{HttpClient, encode_segment};
use crate::problem::{Answer, PathVars, ok};
use crate::query::{QueryBuilder, QueryParams};

type Svc = Arc<dyn SdmService>;

/// Serves `{apiRoot}/nudm-sdm/v2` from `service`.
pub fn router(service: Svc) -> Router {
    Router::new()
        .route(&paths::am_data("{supi}"), get(get_am_data))
        .route(&paths::smf_select_data("{supi}"), get(get_smf_select_data))
        .route(&paths::sm_data("{supi}"), get(get_sm_data))
        .route(&paths::nssai("{supi}"), get(get_nssai))
        .with_state(service)
}

fn sdm_query(raw: Option<&str>) -> Result<SdmQuery, SbiError> {
    let q = QueryParams::parse(raw);
    Ok(SdmQuery {
        plmn_id: q.json("plmn-id")?,
        supported_features: q.string("supported-features"),
    })
}

/// TS 29.503 §5.2.2.2 (Get), access and mobility subscription data: GET `/{supi}/am-data`, 200.
async fn get_am_data(
    State(svc): State<Svc>,
    PathVars(supi): PathVars<String>,
    RawQuery(q): RawQuery,
) -> Answer {
    ok(&svc.get_am_data(&supi, sdm_query(q.as_deref())?).await?)
}

/// TS 29.503 §5.2.2.2 (Get), SMF selection subscription data: GET `/{supi}/smf-select-data`, 200.
async fn get_smf_select_data(
    State(svc): State<Svc>,
    PathVars(supi): PathVars<String>,
    RawQuery(q): RawQuery,
) -> Answer {
    ok(&svc
        .get_smf_select_data(&supi, sdm_query(q.as_deref())?)
        .await?)
}

/// TS 29.503 §5.2.2.2 (Get), session management subscription data: GET `/{supi}/sm-data`, 200.
async fn get_sm_data(
    State(svc): State<Svc>,
    PathVars(supi): PathVars<String>,
    RawQuery(q): RawQuery,
) -> Answer {
    let q = QueryParams::parse(q.as_deref());
    let query = SmDataQuery {
        single_nssai: q.json("single-nssai")?,
        dnn: q.string("dnn"),
        plmn_id: q.json("plmn-id")?,
        supported_features: q.string("supported-features"),
    };
    ok(&svc.get_sm_data(&supi, query).await?)
}

/// TS 29.503 §5.2.2.2 (Get), slice selection subscription data: GET `/{supi}/nssai`, 200.
async fn get_nssai(
    State(svc): State<Svc>,
    PathVars(supi): PathVars<String>,
    RawQuery(q): RawQuery,
) -> Answer {
    ok(&svc.get_nssai(&supi, sdm_query(q.as_deref())?).await?)
}

/// Nudm_SDM consumer over HTTP/2.
#[derive(Debug, Clone)]
pub struct SdmClient(pub HttpClient);

fn common_query(q: &SdmQuery) -> QueryBuilder {
    QueryBuilder::default()
        .json("plmn-id", q.plmn_id.as_ref())
        .string("supported-features", q.supported_features.as_deref())
}

#[async_trait]
impl SdmService for SdmClient {
    async fn get_am_data(
        &self,
        supi: &str,
        query: SdmQuery,
    ) -> Result<AccessAndMobilitySubscriptionData, SbiError> {
        self.0
            .get_json(paths::am_data(&encode_segment(supi)), common_query(&query))
            .await
    }

    async fn get_smf_select_data(
        &self,
        supi: &str,
        query: SdmQuery,
    ) -> Result<SmfSelectionSubscriptionData, SbiError> {
        self.0
            .get_json(
                paths::smf_select_data(&encode_segment(supi)),
                common_query(&query),
            )
            .await
    }

    async fn get_sm_data(&self, supi: &str, query: SmDataQuery) -> Result<SmSubsData, SbiError> {
        let q = QueryBuilder::default()
            .json("single-nssai", query.single_nssai.as_ref())
            .string("dnn", query.dnn.as_deref())
            .json("plmn-id", query.plmn_id.as_ref())
            .string("supported-features", query.supported_features.as_deref());
        self.0
            .get_json(paths::sm_data(&encode_segment(supi)), q)
            .await
    }

    async fn get_nssai(&self, supi: &str, query: SdmQuery) -> Result<Nssai, SbiError> {
        self.0
            .get_json(paths::nssai(&encode_segment(supi)), common_query(&query))
            .await
    }
}
