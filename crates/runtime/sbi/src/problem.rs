//! Server side plumbing shared by the routers: errors as `application/problem+json`,
//! JSON body and path extraction with TS 29.500 causes, success answers.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use ferrocore_sbi::codec::from_json;
use ferrocore_sbi::{Created, SbiError, cause};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// `application/json`.
pub const JSON: &str = "application/json";
/// `application/problem+json` (RFC 7807), for every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";
/// `application/3gppHal+json` (TS 29.501 §6.2), the AUSF's 201 answer.
pub const HAL_JSON: &str = "application/3gppHal+json";
/// `application/json-patch+json` (RFC 6902).
pub const JSON_PATCH: &str = "application/json-patch+json";

/// An [`SbiError`] as an HTTP answer: its status and `ProblemDetails` as
/// `application/problem+json`.
#[derive(Debug)]
pub struct Problem(pub SbiError);

impl From<SbiError> for Problem {
    fn from(e: SbiError) -> Self {
        Self(e)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut problem = self.0.problem;
        problem.status = Some(status.as_u16());
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, PROBLEM_JSON)], body).into_response()
    }
}

/// The result of every handler.
pub type Answer = Result<Response, Problem>;

/// A JSON request body of type `T`: 415 when the content type is not JSON, 400
/// `INVALID_MSG_FORMAT` / `MANDATORY_IE_MISSING` / `MANDATORY_IE_INCORRECT` with
/// `invalidParams` when it does not decode.
pub struct SbiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for SbiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let essence = essence(
            req.headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
        );
        let ok_type = essence == JSON || essence == JSON_PATCH;
        if !ok_type {
            return Err(SbiError::new(
                415,
                cause::UNSUPPORTED_MEDIA_TYPE,
                "expected application/json",
            )
            .into());
        }
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|e| SbiError::invalid_msg_format(format!("cannot read body: {e}")))?;
        Ok(Self(from_json(&body)?))
    }
}

/// The media type of a `Content-Type` value without its parameters, lower case; `""`
/// when absent.
pub(crate) fn essence(content_type: Option<&str>) -> String {
    content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Path variables, URL-decoded; a bad one is 400 `MANDATORY_IE_INCORRECT`.
pub struct PathVars<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathVars<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(Self(v)),
            Err(e) => Err(path_problem(&e).into()),
        }
    }
}

fn path_problem(e: &PathRejection) -> SbiError {
    SbiError::mandatory_ie_incorrect("{path}", e.body_text())
}

/// 200 with a JSON body.
pub fn ok<T: Serialize>(body: &T) -> Answer {
    json_answer(StatusCode::OK, JSON, body)
}

/// 201 with `Location` and a body of the given content type.
pub fn created<T: Serialize>(created: &Created<T>, content_type: &'static str) -> Answer {
    let mut resp = json_answer(StatusCode::CREATED, content_type, &created.body)?;
    let location = HeaderValue::from_str(&created.location)
        .map_err(|_| SbiError::system_failure("Location is not a valid header value"))?;
    resp.headers_mut().insert(header::LOCATION, location);
    Ok(resp)
}

/// 204 No Content.
pub fn no_content() -> Answer {
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn json_answer<T: Serialize>(status: StatusCode, content_type: &'static str, body: &T) -> Answer {
    let body = serde_json::to_vec(body)
        .map_err(|e| SbiError::system_failure(format!("encoding the answer: {e}")))?;
    Ok((status, [(header::CONTENT_TYPE, content_type)], body).into_response())
}
