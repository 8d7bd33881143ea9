//! Nausf_UEAuthentication (TS 29.509) over HTTP/2: router and client.

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::routing::{post, put};
use ferrocore_sbi::nausf_ueau::{
    AuthenticationInfo, ConfirmationData, ConfirmationDataResponse, UeAuthenticationCtx,
    UeAuthenticationService, paths,
};
use ferrocore_sbi::{Created, SbiError};
use reqwest::{Method, StatusCode};

use crate::client::{HttpClient, REQUEST_JSON, encode_segment};
use crate::problem::{Answer, HAL_JSON, PathVars, SbiJson, created, ok};

type Svc = Arc<dyn UeAuthenticationService>;

/// Serves `{apiRoot}/nausf-auth/v1` from `service`.
pub fn router(service: Svc) -> Router {
    Router::new()
        .route(&paths::ue_authentications(), post(authenticate))
        .route(
            &paths::five_g_aka_confirmation("{authCtxId}"),
            put(confirm_5g_aka),
        )
        .with_state(service)
}

/// TS 29.509 §5.2.2.2.2 step 1, §6.1.3.2.3.1: POST `/ue-authentications`, 201
/// `application/3gppHal+json` with `Location`.
async fn authenticate(
    State(svc): State<Svc>,
    SbiJson(info): SbiJson<AuthenticationInfo>,
) -> Answer {
    created(&svc.authenticate(info).await?, HAL_JSON)
}

/// TS 29.509 §5.2.2.2.2 step 2, §6.1.3.3.3.1: PUT
/// `/ue-authentications/{authCtxId}/5g-aka-confirmation`, 200.
async fn confirm_5g_aka(
    State(svc): State<Svc>,
    PathVars(auth_ctx_id): PathVars<String>,
    SbiJson(data): SbiJson<ConfirmationData>,
) -> Answer {
    ok(&svc.confirm_5g_aka(&auth_ctx_id, data).await?)
}

/// Nausf_UEAuthentication consumer over HTTP/2.
#[derive(Debug, Clone)]
pub struct UeAuthenticationClient(pub HttpClient);

#[async_trait]
impl UeAuthenticationService for UeAuthenticationClient {
    async fn authenticate(
        &self,
        info: AuthenticationInfo,
    ) -> Result<Created<UeAuthenticationCtx>, SbiError> {
        self.0
            .call(
                Method::POST,
                &paths::ue_authentications(),
                &[],
                Some((REQUEST_JSON, &info)),
            )
            .await?
            .expect(&[StatusCode::CREATED])?
            .created()
    }

    async fn confirm_5g_aka(
        &self,
        auth_ctx_id: &str,
        data: ConfirmationData,
    ) -> Result<ConfirmationDataResponse, SbiError> {
        let path = paths::five_g_aka_confirmation(&encode_segment(auth_ctx_id));
        self.0
            .call(Method::PUT, &path, &[], Some((REQUEST_JSON, &data)))
            .await?
            .expect(&[StatusCode::OK])?
            .json()
    }
}
