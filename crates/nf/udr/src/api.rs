//! REST provisioning API: an axum router under `/api/v1/subscribers`, JSON bodies in the
//! serde form of [`Subscriber`], errors as `application/problem+json` (RFC 9457).
//!
//! | method and path | body | answer |
//! |---|---|---|
//! | `GET /api/v1/subscribers?after=IMSI&limit=N` | | 200 `{subscribers, next}`, no secrets |
//! | `POST /api/v1/subscribers` | subscriber | 201, `Location` |
//! | `GET /api/v1/subscribers/{supi}` | | 200 subscriber, no secrets |
//! | `PUT /api/v1/subscribers/{supi}` | subscriber | 204 |
//! | `DELETE /api/v1/subscribers/{supi}` | | 204 |
//! | `POST /api/v1/subscribers/import` | CSV (`text/csv`), YAML or a JSON array | 200 `{imported}`, all or nothing |

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::StoreError;
use crate::model::{Subscriber, Supi};
use crate::provision::{ProvisionError, parse_csv, parse_yaml};
use crate::store::SubscriberStore;

type Store = Arc<dyn SubscriberStore>;

/// The provisioning routes, ready to be merged into a server's router.
pub fn router(store: Store) -> Router {
    Router::new()
        .route("/api/v1/subscribers", get(list).post(create))
        .route("/api/v1/subscribers/import", post(import))
        .route(
            "/api/v1/subscribers/{supi}",
            get(show).put(replace).delete(remove),
        )
        .with_state(store)
}

/// An RFC 9457 problem.
#[derive(Debug)]
struct Problem {
    status: StatusCode,
    title: &'static str,
    detail: String,
}

impl Problem {
    fn bad_request(detail: impl ToString) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            title: "Bad Request",
            detail: detail.to_string(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        let (status, title) = match &e {
            StoreError::Duplicate(_) => (StatusCode::CONFLICT, "Conflict"),
            StoreError::NotFound(_) => (StatusCode::NOT_FOUND, "Not Found"),
            StoreError::Invalid(_) | StoreError::BadBlockSize(_) => {
                (StatusCode::BAD_REQUEST, "Bad Request")
            }
            StoreError::SqnExhausted(_) => (StatusCode::CONFLICT, "Conflict"),
            StoreError::Corrupt { .. }
            | StoreError::UnsupportedUrl(_)
            | StoreError::Database(_)
            | StoreError::Backend(_) => {
                tracing::error!(error = %e, "subscriber store");
                return Self {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    title: "Internal Server Error",
                    detail: "the subscriber store failed; see the server log".into(),
                };
            }
        };
        Self {
            status,
            title,
            detail: e.to_string(),
        }
    }
}

impl From<ProvisionError> for Problem {
    fn from(e: ProvisionError) -> Self {
        Self::bad_request(e)
    }
}

fn json_response(status: StatusCode, v: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

/// The JSON of a subscriber without K, OP and OPc.
fn public(s: &Subscriber) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    if let Some(m) = v.as_object_mut() {
        for key in ["k", "opc", "op"] {
            m.remove(key);
        }
    }
    v
}

fn supi(path: &str) -> Result<Supi, Problem> {
    Supi::parse(path).map_err(Problem::bad_request)
}

fn subscriber(body: &[u8]) -> Result<Subscriber, Problem> {
    serde_json::from_slice(body).map_err(Problem::bad_request)
}

#[derive(Deserialize)]
struct ListQuery {
    after: Option<String>,
    limit: Option<u32>,
}

async fn list(State(store): State<Store>, Query(q): Query<ListQuery>) -> Result<Response, Problem> {
    let after = q.after.as_deref().map(supi).transpose()?;
    let page = store
        .list(after.as_ref(), q.limit.unwrap_or(100).clamp(1, 1000))
        .await?;
    let subs: Vec<Value> = page.subscribers.iter().map(public).collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({ "subscribers": subs, "next": page.next }),
    ))
}

async fn create(State(store): State<Store>, body: Bytes) -> Result<Response, Problem> {
    let s = subscriber(&body)?;
    store.create(&s).await?;
    let location = format!("/api/v1/subscribers/{}", s.supi);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)]).into_response())
}

async fn show(State(store): State<Store>, Path(id): Path<String>) -> Result<Response, Problem> {
    let s = store.get(&supi(&id)?).await?;
    Ok(json_response(StatusCode::OK, &public(&s)))
}

async fn replace(
    State(store): State<Store>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    let id = supi(&id)?;
    let s = subscriber(&body)?;
    if s.supi != id {
        return Err(Problem::bad_request(format!(
            "the body is for {}, the path names {id}",
            s.supi
        )));
    }
    store.update(&s).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove(State(store): State<Store>, Path(id): Path<String>) -> Result<StatusCode, Problem> {
    store.delete(&supi(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn import(
    State(store): State<Store>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let text =
        std::str::from_utf8(&body).map_err(|_| Problem::bad_request("the body is not UTF-8"))?;
    let subs = if kind.starts_with("text/csv") {
        parse_csv(text)?
    } else if kind.starts_with("application/json") {
        serde_json::from_str(text).map_err(Problem::bad_request)?
    } else if kind.contains("yaml") {
        parse_yaml(text)?
    } else {
        return Err(Problem {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            title: "Unsupported Media Type",
            detail: "send text/csv, application/yaml or application/json".into(),
        });
    };
    let n = store.import(&subs).await?;
    Ok(json_response(StatusCode::OK, &json!({ "imported": n })))
}
