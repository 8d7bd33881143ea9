//! Nudm_UEAuthentication (TS 29.503) over HTTP/2: router and client.

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use ferrocore_sbi::nudm_ueau::{
    AuthEvent, AuthenticationInfoRequest, AuthenticationInfoResult, UeauService, paths,
};
use ferrocore_sbi::{Created, SbiError};
use reqwest::{Method, StatusCode};

use crate::client::{HttpClient, REQUEST_JSON, encode_segment};
use crate::problem::{Answer, JSON, PathVars, SbiJson, created, ok};

type Svc = Arc<dyn UeauService>;

/// Serves `{apiRoot}/nudm-ueau/v1` from `service`.
pub fn router(service: Svc) -> Router {
    Router::new()
        .route(
            &paths::generate_auth_data("{supiOrSuci}"),
            post(generate_auth_data),
        )
        .route(&paths::auth_events("{supi}"), post(confirm_auth))
        .with_state(service)
}

/// TS 29.503 §5.4.2.2 (Get): POST `/{supiOrSuci}/security-information/generate-auth-data`, 200.
async fn generate_auth_data(
    State(svc): State<Svc>,
    PathVars(supi_or_suci): PathVars<String>,
    SbiJson(req): SbiJson<AuthenticationInfoRequest>,
) -> Answer {
    ok(&svc.generate_auth_data(&supi_or_suci, req).await?)
}

/// TS 29.503 §5.4.2.3 (ResultConfirmation): POST `/{supi}/auth-events`, 201 with `Location`.
async fn confirm_auth(
    State(svc): State<Svc>,
    PathVars(supi): PathVars<String>,
    SbiJson(event): SbiJson<AuthEvent>,
) -> Answer {
    created(&svc.confirm_auth(&supi, event).await?, JSON)
}

/// Nudm_UEAuthentication consumer over HTTP/2.
#[derive(Debug, Clone)]
pub struct UeauClient(pub HttpClient);

#[async_trait]
impl UeauService for UeauClient {
    async fn generate_auth_data(
        &self,
        supi_or_suci: &str,
        request: AuthenticationInfoRequest,
    ) -> Result<AuthenticationInfoResult, SbiError> {
        let path = paths::generate_auth_data(&encode_segment(supi_or_suci));
        self.0
            .call(Method::POST, &path, &[], Some((REQUEST_JSON, &request)))
            .await?
            .expect(&[StatusCode::OK])?
            .json()
    }

    async fn confirm_auth(
        &self,
        supi: &str,
        event: AuthEvent,
    ) -> Result<Created<AuthEvent>, SbiError> {
        let path = paths::auth_events(&encode_segment(supi));
        self.0
            .call(Method::POST, &path, &[], Some((REQUEST_JSON, &event)))
            .await?
            .expect(&[StatusCode::CREATED])?
            .created()
    }
}
