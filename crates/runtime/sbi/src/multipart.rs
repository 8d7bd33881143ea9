//! `multipart/related` (RFC 2387) as TS 29.500 §6.1.2.2 uses it: a JSON root part, then
//! binary parts (`application/vnd.3gpp.5gnas`, `application/vnd.3gpp.ngap`), each with a
//! `Content-Id` that the JSON part references (`RefToBinaryData`).
//!
//! Encoding is done here; parsing uses `multer` (part framing and headers), with the
//! boundary and root part rules of RFC 2387 on top.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use ferrocore_sbi::binary::{BinaryPart, BinaryParts, WithBinaryParts};
use ferrocore_sbi::codec::from_json;
use ferrocore_sbi::{SbiError, cause};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::{RawAnswer, invalid_answer};
use crate::problem::{JSON, Problem, essence};

/// `multipart/related`.
pub const MULTIPART_RELATED: &str = "multipart/related";

/// Encodes a JSON root part and binary parts. Returns the `Content-Type` header value
/// (`multipart/related; boundary=...; type="application/json"`) and the body.
pub fn encode(json: &[u8], parts: &BinaryParts) -> (String, Vec<u8>) {
    let boundary = boundary_for(json, parts);
    let size = json.len() + parts.0.iter().map(|p| p.data.len() + 96).sum::<usize>() + 160;
    let mut out = Vec::with_capacity(size);
    let open = |out: &mut Vec<u8>| {
        out.extend_from_slice(b"--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"\r\n");
    };
    open(&mut out);
    out.extend_from_slice(format!("Content-Type: {JSON}\r\n\r\n").as_bytes());
    out.extend_from_slice(json);
    out.extend_from_slice(b"\r\n");
    for p in &parts.0 {
        open(&mut out);
        out.extend_from_slice(
            format!(
                "Content-Type: {}\r\nContent-Id: {}\r\n\r\n",
                p.content_type, p.content_id
            )
            .as_bytes(),
        );
        out.extend_from_slice(&p.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--\r\n");
    let content_type = format!("{MULTIPART_RELATED}; boundary={boundary}; type=\"{JSON}\"");
    (content_type, out)
}

/// A boundary that occurs in no part (RFC 2046 §5.1.1).
fn boundary_for(json: &[u8], parts: &BinaryParts) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0x5f3759df);
    loop {
        let n = NEXT.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
        let b = format!("----ferrocore-sbi-{n:016x}");
        let found = |hay: &[u8]| hay.windows(b.len()).any(|w| w == b.as_bytes());
        if !found(json) && !parts.0.iter().any(|p| found(&p.data)) {
            return b;
        }
    }
}

/// A decoded `multipart/related` message: the JSON root part and the other parts.
#[derive(Debug)]
pub struct Related {
    /// The root part (`application/json`).
    pub json: Bytes,
    /// The other parts, in order; a part without `Content-Id` is kept with an empty one.
    pub parts: BinaryParts,
}

/// Decodes a `multipart/related` body. The root part is the one the `start` parameter
/// names, else the first (RFC 2387 §3.2); it must be `application/json`. A malformed
/// message is 400 `INVALID_MSG_FORMAT`.
pub async fn decode(content_type: &str, body: Bytes) -> Result<Related, SbiError> {
    let mime: mime::Mime = content_type
        .parse()
        .map_err(|e| bad(format!("Content-Type {content_type:?}: {e}")))?;
    if mime.essence_str() != MULTIPART_RELATED {
        return Err(bad(format!(
            "expected {MULTIPART_RELATED}, got {content_type}"
        )));
    }
    let boundary = mime
        .get_param(mime::BOUNDARY)
        .ok_or_else(|| bad("multipart/related without a boundary parameter"))?
        .to_string();
    let start = mime
        .get_param("start")
        .map(|s| strip_angle(s.as_str()).to_owned());
    let stream =
        futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut all: Vec<(Option<String>, String, Bytes)> = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(format!("multipart/related body: {e}")))?
    {
        let headers = field.headers();
        let id = headers
            .get("content-id")
            .and_then(|v| v.to_str().ok())
            .map(|v| strip_angle(v.trim()).to_owned());
        let ct = essence(
            headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
        );
        let data = field
            .bytes()
            .await
            .map_err(|e| bad(format!("multipart/related part: {e}")))?;
        all.push((id, ct, data));
    }
    let root = match &start {
        Some(s) => all
            .iter()
            .position(|(id, _, _)| id.as_deref() == Some(s.as_str()))
            .ok_or_else(|| bad(format!("no part with the start Content-Id {s:?}")))?,
        None if all.is_empty() => return Err(bad("multipart/related body without parts")),
        None => 0,
    };
    let (_, root_type, json) = all.remove(root);
    if root_type != JSON {
        return Err(SbiError::new(
            415,
            cause::UNSUPPORTED_MEDIA_TYPE,
            format!("the root part of multipart/related must be {JSON}, not {root_type:?}"),
        ));
    }
    let parts = all
        .into_iter()
        .map(|(id, ct, data)| BinaryPart {
            content_id: id.unwrap_or_default(),
            content_type: ct,
            data: data.to_vec(),
        })
        .collect();
    Ok(Related {
        json,
        parts: BinaryParts(parts),
    })
}

fn strip_angle(s: &str) -> &str {
    s.strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(s)
}

fn bad(reason: impl Into<String>) -> SbiError {
    SbiError::invalid_msg_format(reason)
}

/// Reads a request or answer body that may be `application/json` (no binary parts) or
/// `multipart/related`. `Ok(None)` for an empty body without `Content-Type` (an optional
/// body left out); another content type is 415.
pub(crate) async fn read_message<J: DeserializeOwned>(
    content_type: Option<&str>,
    body: Bytes,
) -> Result<Option<(J, BinaryParts)>, SbiError> {
    let essence = essence(content_type);
    if essence == JSON {
        return Ok(Some((from_json(&body)?, BinaryParts::default())));
    }
    if essence == MULTIPART_RELATED {
        let r = decode(content_type.unwrap_or_default(), body).await?;
        return Ok(Some((from_json(&r.json)?, r.parts)));
    }
    if essence.is_empty() && body.is_empty() {
        return Ok(None);
    }
    Err(SbiError::new(
        415,
        cause::UNSUPPORTED_MEDIA_TYPE,
        format!("expected {JSON} or {MULTIPART_RELATED}"),
    ))
}

/// A request body of a type with binary parts ([`WithBinaryParts`]), sent as
/// `application/json` or `multipart/related`: 415 for another content type, 400
/// `INVALID_MSG_FORMAT` for a malformed multipart message, 400 `MANDATORY_IE_*` for the
/// JSON part as [`crate::problem::SbiJson`] and for a reference to a missing part.
pub struct SbiRelated<T>(pub T);

impl<S: Send + Sync, T: WithBinaryParts> FromRequest<S> for SbiRelated<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let (json, parts) = read_request::<T::Json, S>(req, state)
            .await?
            .ok_or_else(|| {
                SbiError::new(
                    415,
                    cause::UNSUPPORTED_MEDIA_TYPE,
                    "the request needs a body",
                )
            })?;
        Ok(Self(T::from_parts(json, parts)?))
    }
}

/// As [`SbiRelated`] for an optional body: `None` when it is empty and untyped.
pub struct OptionalSbiRelated<T>(pub Option<T>);

impl<S: Send + Sync, T: WithBinaryParts> FromRequest<S> for OptionalSbiRelated<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        match read_request::<T::Json, S>(req, state).await? {
            Some((json, parts)) => Ok(Self(Some(T::from_parts(json, parts)?))),
            None => Ok(Self(None)),
        }
    }
}

async fn read_request<J: DeserializeOwned, S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<Option<(J, BinaryParts)>, SbiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = Bytes::from_request(req, state)
        .await
        .map_err(|e| SbiError::invalid_msg_format(format!("cannot read body: {e}")))?;
    read_message(content_type.as_deref(), body).await
}

/// An answer with a JSON part and binary parts: `application/json` when there are no
/// binary parts, `multipart/related` otherwise.
pub(crate) fn related_answer<J: Serialize>(
    status: StatusCode,
    json: &J,
    parts: &BinaryParts,
    location: Option<&str>,
) -> Response {
    let body = match serde_json::to_vec(json) {
        Ok(b) => b,
        Err(e) => {
            return Problem(SbiError::system_failure(format!(
                "encoding the answer: {e}"
            )))
            .into_response();
        }
    };
    let (content_type, body) = if parts.is_empty() {
        (JSON.to_owned(), body)
    } else {
        encode(&body, parts)
    };
    let mut resp = (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Some(loc) = location {
        match HeaderValue::from_str(loc) {
            Ok(v) => {
                resp.headers_mut().insert(header::LOCATION, v);
            }
            Err(_) => {
                return Problem(SbiError::system_failure(
                    "Location is not a valid header value",
                ))
                .into_response();
            }
        }
    }
    resp
}

/// A request body with binary parts: `multipart/related` when there are parts or
/// `always_multipart` (an operation whose spec lists only that), else `application/json`.
pub(crate) fn related_body<J: Serialize>(
    json: &J,
    parts: &BinaryParts,
    always_multipart: bool,
) -> Result<(String, Vec<u8>), SbiError> {
    let body = serde_json::to_vec(json)
        .map_err(|e| SbiError::system_failure(format!("encoding the request: {e}")))?;
    Ok(if parts.is_empty() && !always_multipart {
        (JSON.to_owned(), body)
    } else {
        encode(&body, parts)
    })
}

/// A success answer with binary parts, as the client reads it; what does not decode is
/// 500 `SYSTEM_FAILURE` (the producer's answer is broken, not our request).
pub(crate) async fn read_answer<T: WithBinaryParts>(raw: RawAnswer) -> Result<T, SbiError> {
    let invalid = |e: SbiError| invalid_answer(&e);
    let (json, parts) = read_message::<T::Json>(raw.content_type.as_deref(), raw.body)
        .await
        .map_err(invalid)?
        .ok_or_else(|| SbiError::system_failure("the answer has no body"))?;
    T::from_parts(json, parts).map_err(invalid)
}

/// An error answer's JSON part and binary parts when it is `application/json` or
/// `multipart/related` (a service-specific error structure), `None` when it is
/// `application/problem+json` or anything else.
pub(crate) async fn read_error_parts<J: DeserializeOwned>(
    raw: &RawAnswer,
) -> Option<(J, BinaryParts)> {
    let essence = raw.essence();
    if essence != JSON && essence != MULTIPART_RELATED {
        return None;
    }
    read_message::<J>(raw.content_type.as_deref(), raw.body.clone())
        .await
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrocore_sbi::binary::{NAS_5G, NGAP};

    #[tokio::test]
    async fn round_trip_with_boundary_like_data() {
        let mut parts = BinaryParts::default();
        parts.push("n1", NAS_5G, b"\r\n--not-a-boundary\r\n\x00\xff".to_vec());
        parts.push("n2", NGAP, vec![0; 3]);
        let json = br#"{"a":1}"#;
        let (ct, body) = encode(json, &parts);
        assert!(ct.starts_with("multipart/related; boundary="));
        let r = decode(&ct, body.into()).await.unwrap();
        assert_eq!(&r.json[..], json);
        assert_eq!(r.parts, parts);
    }

    #[tokio::test]
    async fn start_parameter_and_angle_brackets() {
        let body = "--b\r\nContent-Type: application/vnd.3gpp.5gnas\r\nContent-ID: <n1>\r\n\r\n\x7e\x00\r\n\
                    --b\r\nContent-Type: application/json; charset=utf-8\r\nContent-ID: <root>\r\n\r\n{}\r\n--b--\r\n";
        let r = decode(
            "multipart/related; boundary=b; start=\"<root>\"; type=\"application/json\"",
            Bytes::from(body),
        )
        .await
        .unwrap();
        assert_eq!(&r.json[..], b"{}");
        assert_eq!(r.parts.0[0].content_id, "n1");
        assert_eq!(r.parts.0[0].data, vec![0x7e, 0]);
    }

    #[tokio::test]
    async fn malformed() {
        for (ct, body) in [
            ("multipart/related", "--b\r\n\r\n{}\r\n--b--\r\n"),
            ("multipart/related; boundary=b", "garbage"),
            ("multipart/related; boundary=b", ""),
        ] {
            let e = decode(ct, Bytes::from(body)).await.unwrap_err();
            assert_eq!(
                (e.status, e.cause()),
                (400, Some(cause::INVALID_MSG_FORMAT)),
                "{ct} {body:?}"
            );
        }
        let e = decode(
            "multipart/related; boundary=b",
            Bytes::from("--b\r\nContent-Type: application/vnd.3gpp.ngap\r\n\r\n\x00\r\n--b--\r\n"),
        )
        .await
        .unwrap_err();
        assert_eq!(e.status, 415);
    }
}
