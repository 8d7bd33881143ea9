//! The REST provisioning API, driven in-process through the router.

mod common;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use common::subscriber;
use serde_json::Value;
use tower::ServiceExt;

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    ctype: Option<&str>,
    body: String,
) -> (StatusCode, String, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(c) = ctype {
        req = req.header(header::CONTENT_TYPE, c);
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let kind = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = to_bytes(resp.into_body(), 1 << 20).await.unwrap();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, kind, json)
}

/// A request without a body.
async fn bodyless(app: &axum::Router, method: &str, uri: &str) -> (StatusCode, String, Value) {
    call(app, method, uri, None, String::new()).await
}

/// A request with a JSON body.
async fn json(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: String,
) -> (StatusCode, String, Value) {
    call(app, method, uri, Some("application/json"), body).await
}

/// A POST to the import endpoint.
async fn import(app: &axum::Router, ctype: &str, body: String) -> (StatusCode, String, Value) {
    call(app, "POST", "/api/v1/subscribers/import", Some(ctype), body).await
}

#[tokio::test]
async fn crud_over_http_with_problem_details() {
    let store = ferrocore_udr::open("sqlite::memory:").await.unwrap();
    let app = ferrocore_udr::api::router(store);
    let s = subscriber(1);
    let body = serde_json::to_string(&s).unwrap();

    let (st, _, _) = json(&app, "POST", "/api/v1/subscribers", body.clone()).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, kind, p) = json(&app, "POST", "/api/v1/subscribers", body.clone()).await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(kind, "application/problem+json");
    assert_eq!(p["status"], 409);
    assert!(p["detail"].as_str().unwrap().contains("already exists"));

    let (st, _, got) = bodyless(&app, "GET", "/api/v1/subscribers/imsi-001010000000001").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(got["supi"], "imsi-001010000000001");
    assert!(
        got.get("k").is_none() && got.get("opc").is_none(),
        "secrets leaked: {got}"
    );

    let mut changed = s.clone();
    changed.sqn = 64;
    let (st, _, _) = json(
        &app,
        "PUT",
        "/api/v1/subscribers/001010000000001",
        serde_json::to_string(&changed).unwrap(),
    )
    .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _, p) = json(
        &app,
        "PUT",
        "/api/v1/subscribers/001010000000002",
        body.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{p}");

    let (st, _, list) = bodyless(&app, "GET", "/api/v1/subscribers?limit=10").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(list["subscribers"][0]["sqn"], 64);
    assert!(list["next"].is_null());

    let (st, _, p) = bodyless(&app, "GET", "/api/v1/subscribers/12345").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(p["detail"].as_str().unwrap().contains("bad IMSI"));
    let bad_key = body.replace(&s.k.to_hex(), "00");
    let (st, _, p) = json(&app, "POST", "/api/v1/subscribers", bad_key).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{p}");

    let (st, _, _) = bodyless(&app, "DELETE", "/api/v1/subscribers/001010000000001").await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _, p) = bodyless(&app, "DELETE", "/api/v1/subscribers/001010000000001").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(p["title"], "Not Found");
}

#[tokio::test]
async fn import_over_http_is_all_or_nothing() {
    let store = ferrocore_udr::open("sqlite::memory:").await.unwrap();
    let app = ferrocore_udr::api::router(store.clone());
    let k = "465b5ce8b199b49faa5f0a2ee238a6bc";
    let opc = "cd63cb71954a9f4e48a5994e37a02baf";
    let good = format!("imsi,k,opc\n001010000000001,{k},{opc}\n001010000000002,{k},{opc}\n");
    let (st, _, v) = import(&app, "text/csv", good).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["imported"], 2);
    let bad = format!("imsi,k,opc\n001010000000003,{k},{opc}\n0010100000000,{k},{opc}\n");
    let (st, _, p) = import(&app, "text/csv", bad).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(p["detail"].as_str().unwrap().contains("line 3"), "{p}");
    assert_eq!(store.count().await.unwrap(), 2);
    let (st, _, _) = import(&app, "text/plain", String::new()).await;
    assert_eq!(st, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}
