//! The HTTP/2 consumer side shared by the service clients.

use ferrocore_sbi::codec::from_json;
use ferrocore_sbi::common::ProblemDetails;
use ferrocore_sbi::{Created, SbiError};
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::problem::JSON;
use crate::query::QueryBuilder;

/// An HTTP/2 (h2c, prior knowledge) connection pool to one producer's `apiRoot`
/// (`http://host:port`, TS 29.501 §4.4.1). Cheap to clone; the service clients wrap it.
#[derive(Debug, Clone)]
pub struct HttpClient {
    http: reqwest::Client,
    api_root: String,
}

/// What came back, before the service client reads it.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) body: bytes::Bytes,
}

impl HttpClient {
    /// A client for the producer at `api_root`, speaking HTTP/2 with prior knowledge.
    pub fn new(api_root: impl Into<String>) -> Result<Self, SbiError> {
        let http = reqwest::Client::builder()
            .http2_prior_knowledge()
            .build()
            .map_err(|e| SbiError::system_failure(format!("HTTP client: {e}")))?;
        Ok(Self::with_client(http, api_root))
    }

    /// A client over a caller-configured `reqwest::Client` (timeouts, pools, later TLS).
    pub fn with_client(http: reqwest::Client, api_root: impl Into<String>) -> Self {
        let api_root = api_root.into().trim_end_matches('/').to_owned();
        Self { http, api_root }
    }

    /// The producer's `apiRoot`.
    pub fn api_root(&self) -> &str {
        &self.api_root
    }

    /// Sends one request. `path` is the URI below `apiRoot` with its variables already
    /// percent-encoded ([`encode_segment`]). Error statuses become [`SbiError`] with the
    /// producer's `ProblemDetails`; no HTTP answer at all is 504 `TARGET_NF_NOT_REACHABLE`.
    pub(crate) async fn call<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<(&'static str, &B)>,
    ) -> Result<Answer, SbiError> {
        let body = match body {
            Some((content_type, body)) => {
                let bytes = serde_json::to_vec(body)
                    .map_err(|e| SbiError::system_failure(format!("encoding the request: {e}")))?;
                Some((content_type.to_owned(), bytes))
            }
            None => None,
        };
        let raw = self.send(method, path, query, body).await?;
        if raw.status.is_success() {
            Ok(Answer {
                status: raw.status,
                location: raw.location,
                body: raw.body,
            })
        } else {
            Err(raw.problem())
        }
    }

    /// GET `path` with `query`: the 200 answer's JSON body.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        path: String,
        query: QueryBuilder,
    ) -> Result<T, SbiError> {
        self.call::<()>(Method::GET, &path, query.pairs(), None)
            .await?
            .expect(&[StatusCode::OK])?
            .json()
    }

    /// Sends one request with a ready body (`(content type, bytes)`) and returns whatever
    /// HTTP answer came back, error statuses included; only no answer at all is an error
    /// (504 `TARGET_NF_NOT_REACHABLE`).
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<(String, Vec<u8>)>,
    ) -> Result<RawAnswer, SbiError> {
        let url = format!("{}{path}", self.api_root);
        let mut req = self.http.request(method, &url);
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some((content_type, bytes)) = body {
            req = req.header(CONTENT_TYPE, content_type).body(bytes);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| SbiError::target_not_reachable(format!("{url}: {e}")))?;
        let status = resp.status();
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let content_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = resp.bytes().await.map_err(|e| {
            SbiError::target_not_reachable(format!("{url}: reading the answer: {e}"))
        })?;
        Ok(RawAnswer {
            status,
            location,
            content_type,
            body,
        })
    }
}

/// Any HTTP answer, before it is read as success or error.
pub(crate) struct RawAnswer {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) body: bytes::Bytes,
}

impl RawAnswer {
    /// The media type without parameters, lower case (`""` when absent).
    pub(crate) fn essence(&self) -> String {
        crate::problem::essence(self.content_type.as_deref())
    }

    /// An error answer as [`SbiError`]: the `ProblemDetails` of a JSON body, or the
    /// body's text as `detail`.
    pub(crate) fn problem(&self) -> SbiError {
        let is_json = self.essence().contains("json");
        let problem = if is_json {
            serde_json::from_slice::<ProblemDetails>(&self.body).ok()
        } else {
            None
        };
        let problem = problem.unwrap_or_else(|| ProblemDetails {
            detail: Some(String::from_utf8_lossy(&self.body).into_owned()),
            ..ProblemDetails::default()
        });
        SbiError::from_problem(self.status.as_u16(), problem)
    }
}

impl Answer {
    /// A 200 (or other 2xx with a body) decoded as `T`.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, SbiError> {
        from_json(&self.body).map_err(|e| invalid_answer(&e))
    }

    /// A 201 with `Location`.
    pub(crate) fn created<T: DeserializeOwned>(&self) -> Result<Created<T>, SbiError> {
        let location = self
            .location
            .clone()
            .ok_or_else(|| SbiError::system_failure("201 without Location"))?;
        Ok(Created {
            location,
            body: self.json()?,
        })
    }

    /// Requires one of the given statuses.
    pub(crate) fn expect(self, statuses: &[StatusCode]) -> Result<Self, SbiError> {
        if statuses.contains(&self.status) {
            Ok(self)
        } else {
            Err(SbiError::system_failure(format!(
                "unexpected status {}",
                self.status
            )))
        }
    }
}

pub(crate) fn invalid_answer(e: &SbiError) -> SbiError {
    SbiError::system_failure(format!(
        "the producer's answer does not decode: {}",
        e.problem.detail.as_deref().unwrap_or("")
    ))
}

/// Percent-encodes one path segment (everything but RFC 3986 unreserved characters).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The content type of a JSON request body.
pub(crate) const REQUEST_JSON: &str = JSON;
