//! SBI errors: an HTTP status and a `ProblemDetails` (TS 29.500 §5.2.7).

use crate::common::{InvalidParam, ProblemDetails};

/// Application error causes used by the modelled services: the protocol-level ones of
/// TS 29.500 Table 5.2.7.2-1 and the service-specific ones of TS 29.503 / TS 29.509.
pub mod cause {
    /// 400: the request is not valid JSON or not of the expected shape.
    pub const INVALID_MSG_FORMAT: &str = "INVALID_MSG_FORMAT";
    /// 400: a mandatory IE is missing.
    pub const MANDATORY_IE_MISSING: &str = "MANDATORY_IE_MISSING";
    /// 400: a mandatory (or present conditional) IE is incorrect.
    pub const MANDATORY_IE_INCORRECT: &str = "MANDATORY_IE_INCORRECT";
    /// 400: a query parameter is incorrect.
    pub const INVALID_QUERY_PARAM: &str = "INVALID_QUERY_PARAM";
    /// 403: the modification is not allowed.
    pub const MODIFICATION_NOT_ALLOWED: &str = "MODIFICATION_NOT_ALLOWED";
    /// 404: the URI does not name a resource of this API.
    pub const RESOURCE_URI_STRUCTURE_NOT_FOUND: &str = "RESOURCE_URI_STRUCTURE_NOT_FOUND";
    /// 404: the context or resource does not exist.
    pub const CONTEXT_NOT_FOUND: &str = "CONTEXT_NOT_FOUND";
    /// 404: no subscription data for this user (TS 29.503, TS 29.504).
    pub const USER_NOT_FOUND: &str = "USER_NOT_FOUND";
    /// 404: no data of the requested kind for this user (TS 29.503).
    pub const DATA_NOT_FOUND: &str = "DATA_NOT_FOUND";
    /// 403: the serving network may not authenticate this UE (TS 29.503, TS 29.509).
    pub const SERVING_NETWORK_NOT_AUTHORIZED: &str = "SERVING_NETWORK_NOT_AUTHORIZED";
    /// 403: the authentication was rejected (TS 29.503, TS 29.509).
    pub const AUTHENTICATION_REJECTED: &str = "AUTHENTICATION_REJECTED";
    /// 405: the method is not allowed on this resource.
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    /// 415: the content type is not supported.
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "UNSUPPORTED_MEDIA_TYPE";
    /// 500: an internal failure.
    pub const SYSTEM_FAILURE: &str = "SYSTEM_FAILURE";
    /// 504: the target NF could not be reached (no HTTP answer at all).
    pub const TARGET_NF_NOT_REACHABLE: &str = "TARGET_NF_NOT_REACHABLE";
}

/// An SBI error answer: the HTTP status and the `ProblemDetails` body sent as
/// `application/problem+json`. Returned by every service-trait method, in-process or
/// over HTTP alike.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {}: {}", .problem.cause.as_deref().unwrap_or("-"), .problem.detail.as_deref().unwrap_or(""))]
pub struct SbiError {
    /// HTTP status code (4xx or 5xx).
    pub status: u16,
    /// The problem description; `problem.status` equals `status`. Boxed to keep
    /// `Result<T, SbiError>` small.
    pub problem: Box<ProblemDetails>,
}

impl SbiError {
    /// An error with a status, a cause and a human-readable detail.
    pub fn new(status: u16, cause: &str, detail: impl Into<String>) -> Self {
        Self {
            status,
            problem: Box::new(ProblemDetails {
                status: Some(status),
                cause: Some(cause.to_owned()),
                detail: Some(detail.into()),
                ..ProblemDetails::default()
            }),
        }
    }

    /// Wraps a received `ProblemDetails`. The HTTP status line is authoritative; the
    /// body's `status` is filled in from it when absent.
    pub fn from_problem(status: u16, mut problem: ProblemDetails) -> Self {
        problem.status.get_or_insert(status);
        Self {
            status,
            problem: Box::new(problem),
        }
    }

    /// Adds an `invalidParams` entry.
    pub fn with_invalid_param(mut self, param: impl Into<String>, reason: Option<String>) -> Self {
        self.problem
            .invalid_params
            .get_or_insert_with(Vec::new)
            .push(InvalidParam {
                param: param.into(),
                reason,
            });
        self
    }

    /// The application cause, if any.
    pub fn cause(&self) -> Option<&str> {
        self.problem.cause.as_deref()
    }

    /// 400 `MANDATORY_IE_MISSING` naming the attribute (a JSON pointer, e.g. `/rand`).
    pub fn mandatory_ie_missing(param: impl Into<String>) -> Self {
        let param = param.into();
        Self::new(
            400,
            cause::MANDATORY_IE_MISSING,
            format!("{param} is missing"),
        )
        .with_invalid_param(param, Some("mandatory attribute is missing".to_owned()))
    }

    /// 400 `MANDATORY_IE_INCORRECT` naming the attribute and why.
    pub fn mandatory_ie_incorrect(param: impl Into<String>, reason: impl Into<String>) -> Self {
        let (param, reason) = (param.into(), reason.into());
        Self::new(
            400,
            cause::MANDATORY_IE_INCORRECT,
            format!("{param}: {reason}"),
        )
        .with_invalid_param(param, Some(reason))
    }

    /// 400 `INVALID_MSG_FORMAT`: the body is not JSON at all.
    pub fn invalid_msg_format(reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Self::new(400, cause::INVALID_MSG_FORMAT, reason.clone())
            .with_invalid_param("/", Some(reason))
    }

    /// 400 `INVALID_QUERY_PARAM` for query parameter `name`.
    pub fn invalid_query_param(name: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Self::new(
            400,
            cause::INVALID_QUERY_PARAM,
            format!("query {name}: {reason}"),
        )
        .with_invalid_param(format!("query {name}"), Some(reason))
    }

    /// 404 `USER_NOT_FOUND`.
    pub fn user_not_found(detail: impl Into<String>) -> Self {
        Self::new(404, cause::USER_NOT_FOUND, detail)
    }

    /// 404 `DATA_NOT_FOUND`.
    pub fn data_not_found(detail: impl Into<String>) -> Self {
        Self::new(404, cause::DATA_NOT_FOUND, detail)
    }

    /// 404 `CONTEXT_NOT_FOUND`.
    pub fn context_not_found(detail: impl Into<String>) -> Self {
        Self::new(404, cause::CONTEXT_NOT_FOUND, detail)
    }

    /// 404 `RESOURCE_URI_STRUCTURE_NOT_FOUND`: no such resource in this API.
    pub fn resource_uri_structure_not_found(path: &str) -> Self {
        Self::new(
            404,
            cause::RESOURCE_URI_STRUCTURE_NOT_FOUND,
            format!("no resource at {path}"),
        )
    }

    /// 403 `SERVING_NETWORK_NOT_AUTHORIZED`.
    pub fn serving_network_not_authorized(detail: impl Into<String>) -> Self {
        Self::new(403, cause::SERVING_NETWORK_NOT_AUTHORIZED, detail)
    }

    /// 403 `AUTHENTICATION_REJECTED`.
    pub fn authentication_rejected(detail: impl Into<String>) -> Self {
        Self::new(403, cause::AUTHENTICATION_REJECTED, detail)
    }

    /// 403 `MODIFICATION_NOT_ALLOWED`.
    pub fn modification_not_allowed(detail: impl Into<String>) -> Self {
        Self::new(403, cause::MODIFICATION_NOT_ALLOWED, detail)
    }

    /// 500 `SYSTEM_FAILURE`.
    pub fn system_failure(detail: impl Into<String>) -> Self {
        Self::new(500, cause::SYSTEM_FAILURE, detail)
    }

    /// 504 `TARGET_NF_NOT_REACHABLE`: the producer gave no HTTP answer (a consumer-side
    /// error, the HTTP client's counterpart of a lost connection).
    pub fn target_not_reachable(detail: impl Into<String>) -> Self {
        Self::new(504, cause::TARGET_NF_NOT_REACHABLE, detail)
    }
}

impl From<ProblemDetails> for SbiError {
    fn from(problem: ProblemDetails) -> Self {
        let status = problem.status.unwrap_or(500);
        Self {
            status,
            problem: Box::new(problem),
        }
    }
}
