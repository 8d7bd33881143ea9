//! Nudm_UEContextManagement (TS 29.503) over HTTP/2: router and client.

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::routing::put;
use ferrocore_sbi::nudm_uecm::{Amf3GppAccessRegistration, UecmService, paths};
use ferrocore_sbi::{SbiError, Upserted};
use reqwest::{Method, StatusCode};

use crate::client::{HttpClient, REQUEST_JSON, encode_segment};
use crate::problem::{Answer, JSON, PathVars, SbiJson, created, no_content, ok};

type Svc = Arc<dyn UecmService>;

/// Serves `{apiRoot}/nudm-uecm/v1` from `service`.
pub fn router(service: Svc) -> Router {
    Router::new()
        .route(
            &paths::amf_3gpp_access("{ueId}"),
            put(register_amf_3gpp_access),
        )
        .with_state(service)
}

/// TS 29.503 §5.3.2.2.2 (Registration, AMF for 3GPP access): PUT
/// `/{ueId}/registrations/amf-3gpp-access`; 201 with `Location`, 200 or 204.
async fn register_amf_3gpp_access(
    State(svc): State<Svc>,
    PathVars(ue_id): PathVars<String>,
    SbiJson(reg): SbiJson<Amf3GppAccessRegistration>,
) -> Answer {
    match svc.register_amf_3gpp_access(&ue_id, reg).await? {
        Upserted::Created(c) => created(&c, JSON),
        Upserted::Updated(body) => ok(&body),
        Upserted::UpdatedNoContent => no_content(),
    }
}

/// Nudm_UECM consumer over HTTP/2.
#[derive(Debug, Clone)]
pub struct UecmClient(pub HttpClient);

#[async_trait]
impl UecmService for UecmClient {
    async fn register_amf_3gpp_access(
        &self,
        ue_id: &str,
        registration: Amf3GppAccessRegistration,
    ) -> Result<Upserted<Amf3GppAccessRegistration>, SbiError> {
        let path = paths::amf_3gpp_access(&encode_segment(ue_id));
        let answer = self
            .0
            .call(Method::PUT, &path, &[], Some((REQUEST_JSON, &registration)))
            .await?
            .expect(&[StatusCode::CREATED, StatusCode::OK, StatusCode::NO_CONTENT])?;
        match answer.status {
            StatusCode::CREATED => Ok(Upserted::Created(answer.created()?)),
            StatusCode::OK => Ok(Upserted::Updated(answer.json()?)),
            _ => Ok(Upserted::UpdatedNoContent),
        }
    }
}
