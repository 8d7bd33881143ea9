//! What the routers answer on the wire to requests no well-behaved client of ours sends:
//! malformed JSON, missing or wrong mandatory attributes, wrong content types, bad query
//! parameters, unknown URIs and methods. Every answer is `application/problem+json`.

mod common;

use std::sync::Arc;

use axum::Router;
use common::*;
use ferrocore_sbi::cause;
use ferrocore_sbi::common::ProblemDetails;
use ferrocore_sbi_http::{nausf_ueau, nudm_sdm, nudm_ueau, nudm_uecm, nudr_dr};
use reqwest::{Method, StatusCode, Version};
use serde_json::json;

fn all_services() -> Router {
    let udm = Arc::new(TestUdm::default());
    nausf_ueau::router(Arc::new(TestAusf::default()))
        .merge(nudm_ueau::router(udm.clone()))
        .merge(nudm_sdm::router(udm.clone()))
        .merge(nudm_uecm::router(udm))
        .merge(nudr_dr::router(Arc::new(TestUdr::default())))
}

fn h2() -> reqwest::Client {
    reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap()
}

struct Answer {
    status: StatusCode,
    version: Version,
    content_type: String,
    problem: ProblemDetails,
}

async fn send(
    client: &reqwest::Client,
    method: Method,
    url: String,
    content_type: Option<&str>,
    body: impl Into<String>,
) -> Answer {
    let mut req = client.request(method, url);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let resp = req.body(body.into()).send().await.unwrap();
    let status = resp.status();
    let version = resp.version();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = resp.bytes().await.unwrap();
    let problem = serde_json::from_slice(&bytes).unwrap_or_default();
    Answer {
        status,
        version,
        content_type,
        problem,
    }
}

fn assert_problem(a: &Answer, status: u16, cause: &str) {
    assert_eq!(a.status.as_u16(), status, "{:?}", a.problem);
    assert_eq!(a.version, Version::HTTP_2);
    assert_eq!(a.content_type, "application/problem+json");
    assert_eq!(a.problem.status, Some(status));
    assert_eq!(a.problem.cause.as_deref(), Some(cause), "{:?}", a.problem);
}

fn first_param(a: &Answer) -> &str {
    &a.problem.invalid_params.as_ref().expect("invalidParams")[0].param
}

#[tokio::test]
async fn bad_bodies_are_400_with_invalid_params() {
    let (server, versions) = start(all_services()).await;
    let c = h2();
    let url = format!("{}/nausf-auth/v1/ue-authentications", server.api_root());
    let json_ct = Some("application/json");
    let post = |content_type, body: String| send(&c, Method::POST, url.clone(), content_type, body);

    let a = post(json_ct, r#"{"supiOrSuci": "#.into()).await;
    assert_problem(&a, 400, cause::INVALID_MSG_FORMAT);

    let a = post(json_ct, json!({"supiOrSuci": SUCI}).to_string()).await;
    assert_problem(&a, 400, cause::MANDATORY_IE_MISSING);
    assert_eq!(first_param(&a), "/servingNetworkName");

    let a = post(
        json_ct,
        json!({"supiOrSuci": 7, "servingNetworkName": SNN}).to_string(),
    )
    .await;
    assert_problem(&a, 400, cause::MANDATORY_IE_INCORRECT);
    assert_eq!(first_param(&a), "/supiOrSuci");

    // A nested attribute: the pointer names it.
    let bad_rand = json!({"supiOrSuci": SUCI, "servingNetworkName": SNN,
        "resynchronizationInfo": {"rand": "xyz", "auts": "00".repeat(14)}});
    let a = post(json_ct, bad_rand.to_string()).await;
    assert_problem(&a, 400, cause::MANDATORY_IE_INCORRECT);
    assert_eq!(first_param(&a), "/resynchronizationInfo/rand");

    let a = post(Some("text/plain"), "{}".into()).await;
    assert_problem(&a, 415, cause::UNSUPPORTED_MEDIA_TYPE);
    let a = post(None, "{}".into()).await;
    assert_problem(&a, 415, cause::UNSUPPORTED_MEDIA_TYPE);

    // The nullable-but-mandatory resStar: absent is missing.
    let url = format!(
        "{}/nausf-auth/v1/ue-authentications/ctx-1/5g-aka-confirmation",
        server.api_root()
    );
    let a = send(&c, Method::PUT, url, json_ct, "{}").await;
    assert_problem(&a, 400, cause::MANDATORY_IE_MISSING);
    assert_eq!(first_param(&a), "/resStar");

    // A JSON Patch item without "op".
    let url = format!(
        "{}/nudr-dr/v2/subscription-data/{SUPI}/authentication-data/authentication-subscription",
        server.api_root()
    );
    let a = send(
        &c,
        Method::PATCH,
        url,
        Some("application/json-patch+json"),
        r#"[{"path": "/sequenceNumber"}]"#,
    )
    .await;
    assert_problem(&a, 400, cause::MANDATORY_IE_MISSING);
    assert_eq!(first_param(&a), "/0/op");

    assert_all_h2(&versions);
}

#[tokio::test]
async fn bad_uris_and_queries() {
    let (server, _) = start(all_services()).await;
    let c = h2();
    let root = server.api_root();
    let at = |method, path: &str| send(&c, method, format!("{root}{path}"), None, "");

    let a = at(Method::GET, &format!("/nudm-sdm/v2/{SUPI}/no-such-data")).await;
    assert_problem(&a, 404, cause::RESOURCE_URI_STRUCTURE_NOT_FOUND);
    let a = at(Method::GET, &format!("/nudm-sdm/v1/{SUPI}/am-data")).await;
    assert_problem(&a, 404, cause::RESOURCE_URI_STRUCTURE_NOT_FOUND);
    let a = at(Method::GET, "/").await;
    assert_problem(&a, 404, cause::RESOURCE_URI_STRUCTURE_NOT_FOUND);

    let a = at(Method::DELETE, &format!("/nudm-sdm/v2/{SUPI}/am-data")).await;
    assert_problem(&a, 405, cause::METHOD_NOT_ALLOWED);

    let a = at(
        Method::GET,
        &format!("/nudm-sdm/v2/{SUPI}/am-data?plmn-id=00101"),
    )
    .await;
    assert_problem(&a, 400, cause::INVALID_QUERY_PARAM);
    assert_eq!(first_param(&a), "query plmn-id");

    let dr = format!("/nudr-dr/v2/subscription-data/{SUPI}/0010x/provisioned-data/am-data");
    let a = at(Method::GET, &dr).await;
    assert_problem(&a, 400, cause::MANDATORY_IE_INCORRECT);
    assert_eq!(first_param(&a), "{servingPlmnId}");

    // A percent-encoded JSON query parameter is decoded.
    let q = "plmn-id=%7B%22mcc%22%3A%22001%22%2C%22mnc%22%3A%2201%22%7D";
    let resp = c
        .get(format!("{root}/nudm-sdm/v2/{SUPI}/am-data?{q}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn created_resources_carry_location_and_hal() {
    let (server, _) = start(all_services()).await;
    let body = json!({"supiOrSuci": SUCI, "servingNetworkName": SNN}).to_string();
    let resp = h2()
        .post(format!(
            "{}/nausf-auth/v1/ue-authentications",
            server.api_root()
        ))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(resp.version(), Version::HTTP_2);
    assert_eq!(resp.headers()["content-type"], "application/3gppHal+json");
    assert_eq!(
        resp.headers()["location"],
        "http://nf.example/nausf-auth/v1/ue-authentications/ctx-1"
    );
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(v["authType"], "5G_AKA");
    assert!(v["5gAuthData"]["hxresStar"].is_string());
    assert!(
        v["_links"]["5g-aka"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/5g-aka-confirmation")
    );
}

/// The same listener also answers HTTP/1.1 (no prior knowledge).
#[tokio::test]
async fn http1_still_served() {
    let (server, versions) = start(all_services()).await;
    let resp = reqwest::Client::new()
        .get(format!("{}/nudm-sdm/v2/{SUPI}/nssai", server.api_root()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.version(), Version::HTTP_11);
    assert_eq!(*versions.lock().unwrap(), vec![Version::HTTP_11]);
}
