//! Nsmf_PDUSession (TS 29.502) SM-context operations over HTTP/2: router and client,
//! with N1 / N2 binary parts in `multipart/related` bodies.

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use ferrocore_sbi::binary::WithBinaryParts;
use ferrocore_sbi::nsmf_pdusession::{
    PduSessionService, SmContextCreate, SmContextCreateError, SmContextCreated, SmContextError,
    SmContextRelease, SmContextUpdate, SmContextUpdateError, SmContextUpdated, paths,
};
use ferrocore_sbi::{Created, SbiError};
use reqwest::Method;

use crate::client::{HttpClient, RawAnswer, encode_segment};
use crate::multipart::{
    OptionalSbiRelated, SbiRelated, read_answer, read_error_parts, related_answer, related_body,
};
use crate::problem::{PathVars, Problem};

type Svc = Arc<dyn PduSessionService>;

/// Serves `{apiRoot}/nsmf-pdusession/v1` (the SM-context resources) from `service`.
pub fn router(service: Svc) -> Router {
    Router::new()
        .route(&paths::sm_contexts(), post(create_sm_context))
        .route(&paths::modify("{smContextRef}"), post(update_sm_context))
        .route(&paths::release("{smContextRef}"), post(release_sm_context))
        .with_state(service)
}

/// TS 29.502 §6.1.3.2.3.1: POST `/sm-contexts`; 201 with `Location`, `application/json`
/// or `multipart/related` when N2 SM information comes back.
async fn create_sm_context(
    State(svc): State<Svc>,
    SbiRelated(req): SbiRelated<SmContextCreate>,
) -> Response {
    match svc.create_sm_context(req).await {
        Ok(c) => {
            let (json, parts) = c.body.into_parts();
            related_answer(StatusCode::CREATED, &json, &parts, Some(&c.location))
        }
        Err(e) => sm_error(e, false),
    }
}

/// TS 29.502 §6.1.3.3.4.2: POST `/sm-contexts/{smContextRef}/modify`; 200 with content
/// or 204.
async fn update_sm_context(
    State(svc): State<Svc>,
    PathVars(sm_context_ref): PathVars<String>,
    SbiRelated(req): SbiRelated<SmContextUpdate>,
) -> Response {
    match svc.update_sm_context(&sm_context_ref, req).await {
        Ok(Some(u)) => {
            let (json, parts) = u.into_parts();
            related_answer(StatusCode::OK, &json, &parts, None)
        }
        Ok(None) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => sm_error(e, true),
    }
}

/// TS 29.502 §6.1.3.3.4.3: POST `/sm-contexts/{smContextRef}/release` (body optional);
/// 204.
async fn release_sm_context(
    State(svc): State<Svc>,
    PathVars(sm_context_ref): PathVars<String>,
    OptionalSbiRelated(req): OptionalSbiRelated<SmContextRelease>,
) -> Response {
    match svc
        .release_sm_context(&sm_context_ref, req.unwrap_or_default())
        .await
    {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => Problem(e).into_response(),
    }
}

/// An error of Create / Update SM Context on the wire: `application/problem+json` when
/// it carries no N1 / N2 and the spec lists problem+json for the status (all but 404);
/// otherwise `SmContextCreateError` / `SmContextUpdateError`, as `application/json` or,
/// with binary parts, `multipart/related`.
fn sm_error(e: SmContextError, update: bool) -> Response {
    if !e.has_binaries() && e.status() != 404 {
        return Problem(e.error).into_response();
    }
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut e = e;
    e.error.problem.status = Some(status.as_u16());
    if update {
        let (json, parts) = e.into_update_parts();
        related_answer(status, &json, &parts, None)
    } else {
        let (json, parts) = e.into_create_parts();
        related_answer(status, &json, &parts, None)
    }
}

/// Nsmf_PDUSession consumer (the AMF side) over HTTP/2.
#[derive(Debug, Clone)]
pub struct PduSessionClient(pub HttpClient);

async fn sm_error_from(raw: RawAnswer, update: bool) -> SmContextError {
    let status = raw.status.as_u16();
    let joined = if update {
        read_error_parts::<SmContextUpdateError>(&raw)
            .await
            .map(|(json, parts)| SmContextError::from_update_parts(status, json, parts))
    } else {
        read_error_parts::<SmContextCreateError>(&raw)
            .await
            .map(|(json, parts)| SmContextError::from_create_parts(status, json, parts))
    };
    match joined {
        Some(Ok(e)) => e,
        Some(Err(_)) | None => raw.problem().into(),
    }
}

fn unexpected(raw: &RawAnswer) -> SbiError {
    SbiError::system_failure(format!("unexpected status {}", raw.status))
}

#[async_trait]
impl PduSessionService for PduSessionClient {
    async fn create_sm_context(
        &self,
        request: SmContextCreate,
    ) -> Result<Created<SmContextCreated>, SmContextError> {
        let (json, parts) = request.into_parts();
        // The spec lists only multipart/related for this request.
        let body = related_body(&json, &parts, true)?;
        let raw = self
            .0
            .send(Method::POST, &paths::sm_contexts(), &[], Some(body))
            .await?;
        match raw.status.as_u16() {
            201 => {
                let location = raw
                    .location
                    .clone()
                    .ok_or_else(|| SbiError::system_failure("201 without Location"))?;
                Ok(Created {
                    location,
                    body: read_answer(raw).await?,
                })
            }
            s if s >= 400 => Err(sm_error_from(raw, false).await),
            _ => Err(unexpected(&raw).into()),
        }
    }

    async fn update_sm_context(
        &self,
        sm_context_ref: &str,
        request: SmContextUpdate,
    ) -> Result<Option<SmContextUpdated>, SmContextError> {
        let (json, parts) = request.into_parts();
        let body = related_body(&json, &parts, false)?;
        let path = paths::modify(&encode_segment(sm_context_ref));
        let raw = self.0.send(Method::POST, &path, &[], Some(body)).await?;
        match raw.status.as_u16() {
            200 => Ok(Some(read_answer(raw).await?)),
            204 => Ok(None),
            s if s >= 400 => Err(sm_error_from(raw, true).await),
            _ => Err(unexpected(&raw).into()),
        }
    }

    async fn release_sm_context(
        &self,
        sm_context_ref: &str,
        request: SmContextRelease,
    ) -> Result<(), SbiError> {
        let (json, parts) = request.into_parts();
        let body = related_body(&json, &parts, false)?;
        let path = paths::release(&encode_segment(sm_context_ref));
        let raw = self.0.send(Method::POST, &path, &[], Some(body)).await?;
        match raw.status.as_u16() {
            // 200 (SmContextReleasedData: rate-control status only) counts as done.
            200 | 204 => Ok(()),
            s if s >= 400 => Err(raw.problem()),
            _ => Err(unexpected(&raw)),
        }
    }
}
