//! Namf_Communication (TS 29.518) N1N2MessageTransfer over HTTP/2: router and client,
//! with N1 / N2 binary parts in `multipart/related` bodies.

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use ferrocore_sbi::binary::{BinaryParts, WithBinaryParts};
use ferrocore_sbi::codec::from_json;
use ferrocore_sbi::namf_communication::{
    CommunicationService, N1N2MessageTransfer, N1N2MessageTransferError, N1N2MessageTransferResult,
    N1N2MessageTransferRspData, paths,
};
use ferrocore_sbi::{Created, SbiError};
use reqwest::Method;

use crate::client::{HttpClient, encode_segment, invalid_answer};
use crate::multipart::{SbiRelated, read_error_parts, related_answer, related_body};
use crate::problem::{PathVars, Problem};

type Svc = Arc<dyn CommunicationService>;

/// Serves N1N2MessageTransfer under `{apiRoot}/namf-comm/v1` from `service`.
pub fn router(service: Svc) -> Router {
    Router::new()
        .route(
            &paths::n1_n2_messages("{ueContextId}"),
            post(n1_n2_message_transfer),
        )
        .with_state(service)
}

/// TS 29.518 §6.1.3.5.3.1: POST `/ue-contexts/{ueContextId}/n1-n2-messages`; 200, or 202
/// with `Location` while the UE is paged. 409 and 504 go out as
/// `N1N2MessageTransferError` (the spec lists no problem+json for 409), the rest as
/// problem+json.
async fn n1_n2_message_transfer(
    State(svc): State<Svc>,
    PathVars(ue_context_id): PathVars<String>,
    SbiRelated(req): SbiRelated<N1N2MessageTransfer>,
) -> Response {
    let none = BinaryParts::default();
    match svc.n1_n2_message_transfer(&ue_context_id, req).await {
        Ok(N1N2MessageTransferResult::Initiated(body)) => {
            related_answer(StatusCode::OK, &body, &none, None)
        }
        Ok(N1N2MessageTransferResult::Accepted(c)) => {
            related_answer(StatusCode::ACCEPTED, &c.body, &none, Some(&c.location))
        }
        Err(e) if e.status == 409 || e.status == 504 => {
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::CONFLICT);
            let mut problem = *e.problem;
            problem.status = Some(status.as_u16());
            let body = N1N2MessageTransferError {
                error: problem,
                err_info: None,
            };
            related_answer(status, &body, &none, None)
        }
        Err(e) => Problem(e).into_response(),
    }
}

/// Namf_Communication consumer (the SMF side) over HTTP/2.
#[derive(Debug, Clone)]
pub struct CommunicationClient(pub HttpClient);

#[async_trait]
impl CommunicationService for CommunicationClient {
    async fn n1_n2_message_transfer(
        &self,
        ue_context_id: &str,
        request: N1N2MessageTransfer,
    ) -> Result<N1N2MessageTransferResult, SbiError> {
        let (json, parts) = request.into_parts();
        let body = related_body(&json, &parts, false)?;
        let path = paths::n1_n2_messages(&encode_segment(ue_context_id));
        let raw = self.0.send(Method::POST, &path, &[], Some(body)).await?;
        let rsp =
            || from_json::<N1N2MessageTransferRspData>(&raw.body).map_err(|e| invalid_answer(&e));
        match raw.status.as_u16() {
            200 => Ok(N1N2MessageTransferResult::Initiated(rsp()?)),
            202 => {
                let location = raw
                    .location
                    .clone()
                    .ok_or_else(|| SbiError::system_failure("202 without Location"))?;
                Ok(N1N2MessageTransferResult::Accepted(Created {
                    location,
                    body: rsp()?,
                }))
            }
            s if s >= 400 => Err(
                match read_error_parts::<N1N2MessageTransferError>(&raw).await {
                    Some((e, _)) => SbiError::from_problem(s, e.error),
                    None => raw.problem(),
                },
            ),
            _ => Err(SbiError::system_failure(format!(
                "unexpected status {}",
                raw.status
            ))),
        }
    }
}
