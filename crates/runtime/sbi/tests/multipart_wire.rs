//! `multipart/related` on the wire (TS 29.500 §6.1.2.2): hand-built bodies with N1 and N2
//! parts reach the producer intact, answers carry their binary parts, and a JSON part
//! that references a missing part, a malformed body or a non-JSON root part are answered
//! with problem+json and the right cause.

mod common;

use std::sync::Arc;

use axum::Router;
use bytes::Bytes;
use common::*;
use ferrocore_sbi::binary::{NAS_5G, NGAP};
use ferrocore_sbi::cause;
use ferrocore_sbi::common::ProblemDetails;
use ferrocore_sbi_http::{RunningServer, multipart, namf_communication, nsmf_pdusession};
use reqwest::{StatusCode, Version};
use serde_json::{Value, json};

async fn server() -> RunningServer {
    let app: Router = nsmf_pdusession::router(Arc::new(TestSmf::default()))
        .merge(namf_communication::router(Arc::new(TestAmf)));
    start(app).await.0
}

struct Reply {
    status: StatusCode,
    content_type: String,
    location: Option<String>,
    body: Bytes,
}

impl Reply {
    fn problem(&self) -> ProblemDetails {
        assert_eq!(
            self.content_type, "application/problem+json",
            "{:?}",
            self.body
        );
        serde_json::from_slice(&self.body).unwrap()
    }
}

async fn post(server: &RunningServer, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
    let http = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let resp = http
        .post(format!("{}{path}", server.api_root()))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.version(), Version::HTTP_2);
    let header = |n: &str| {
        resp.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    Reply {
        status: resp.status(),
        content_type: header("content-type").unwrap_or_default(),
        location: header("location"),
        body: resp.bytes().await.unwrap(),
    }
}

fn create_json(n1: Option<&str>, n2: Option<&str>, dnn: &str) -> Value {
    let mut j = json!({
        "supi": SUPI, "pduSessionId": 1, "dnn": dnn, "sNssai": {"sst": 1},
        "servingNfId": NF_ID, "servingNetwork": {"mcc": "001", "mnc": "01"},
        "anType": "3GPP_ACCESS", "ratType": "NR", "requestType": "INITIAL_REQUEST",
        "smContextStatusUri": "http://amf.example/sm-status/1"
    });
    if let Some(id) = n1 {
        j["n1SmMsg"] = json!({ "contentId": id });
    }
    if let Some(id) = n2 {
        j["n2SmInfo"] = json!({ "contentId": id });
        j["n2SmInfoType"] = json!("PDU_RES_SETUP_RSP");
    }
    j
}

/// A body as another vendor's AMF might send it: CRLF framing, `Content-ID` with angle
/// brackets, a preamble, the N2 part before the N1 part.
fn foreign_body(json: &Value, parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let b = "MIME_boundary_42";
    let mut body = b"this preamble is ignored\r\n".to_vec();
    body.extend_from_slice(format!("--{b}\r\nContent-Type: application/json\r\n\r\n").as_bytes());
    body.extend_from_slice(json.to_string().as_bytes());
    for (ct, id, data) in parts {
        body.extend_from_slice(
            format!("\r\n--{b}\r\nContent-Type: {ct}\r\nContent-ID: <{id}>\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(data);
    }
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (
        format!("multipart/related; boundary={b}; type=\"application/json\""),
        body,
    )
}

#[tokio::test]
async fn create_with_n1_and_n2_round_trips() {
    let s = server().await;
    let (ct, body) = foreign_body(
        &create_json(Some("n1-part"), Some("n2-part"), "internet"),
        &[
            (NGAP, "n2-part", N2_SETUP_RSP),
            (NAS_5G, "n1-part", N1_EST_REQ),
        ],
    );
    let r = post(&s, "/nsmf-pdusession/v1/sm-contexts", &ct, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert!(
        r.location
            .unwrap()
            .ends_with("/nsmf-pdusession/v1/sm-contexts/1")
    );
    // The test SMF answers its N1 input as N2 information: a multipart answer.
    assert!(
        r.content_type.starts_with("multipart/related;"),
        "{}",
        r.content_type
    );
    let m = multipart::decode(&r.content_type, r.body).await.unwrap();
    let json: Value = serde_json::from_slice(&m.json).unwrap();
    assert_eq!(json["n2SmInfoType"], "PDU_RES_SETUP_REQ");
    let id = json["n2SmInfo"]["contentId"].as_str().unwrap();
    assert_eq!(m.parts.0.len(), 1);
    assert_eq!(m.parts.0[0].content_id, id);
    assert_eq!(m.parts.0[0].content_type, NGAP);
    assert_eq!(m.parts.0[0].data, N1_EST_REQ);
}

#[tokio::test]
async fn missing_referenced_part_is_400() {
    let s = server().await;
    // n2SmInfo names a part that is not there.
    let (ct, body) = foreign_body(
        &create_json(Some("n1"), Some("n2"), "internet"),
        &[(NAS_5G, "n1", N1_EST_REQ)],
    );
    let r = post(&s, "/nsmf-pdusession/v1/sm-contexts", &ct, body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let p = r.problem();
    assert_eq!(p.cause.as_deref(), Some(cause::MANDATORY_IE_INCORRECT));
    assert_eq!(p.invalid_params.unwrap()[0].param, "/n2SmInfo/contentId");

    // The same in N1N2MessageTransfer, deep in the N2 container.
    let transfer = json!({
        "pduSessionId": 1,
        "n1MessageContainer": {"n1MessageClass": "SM", "n1MessageContent": {"contentId": "a"}},
        "n2InfoContainer": {"n2InformationClass": "SM", "smInfo": {"pduSessionId": 1,
            "n2InfoContent": {"ngapIeType": "PDU_RES_SETUP_REQ", "ngapData": {"contentId": "b"}}}}
    });
    let (ct, body) = foreign_body(&transfer, &[(NAS_5G, "a", N1_EST_ACC)]);
    let path = format!("/namf-comm/v1/ue-contexts/{SUPI}/n1-n2-messages");
    let r = post(&s, &path, &ct, body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let p = r.problem();
    assert_eq!(p.cause.as_deref(), Some(cause::MANDATORY_IE_INCORRECT));
    assert_eq!(
        p.invalid_params.unwrap()[0].param,
        "/n2InfoContainer/smInfo/n2InfoContent/ngapData/contentId"
    );
    // With both parts it goes through.
    let (ct, body) = foreign_body(
        &transfer,
        &[(NAS_5G, "a", N1_EST_ACC), (NGAP, "b", N2_SETUP_REQ)],
    );
    let r = post(&s, &path, &ct, body).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let rsp: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(rsp["cause"], "N1_N2_TRANSFER_INITIATED");
}

#[tokio::test]
async fn malformed_multipart() {
    let s = server().await;
    let path = "/nsmf-pdusession/v1/sm-contexts";
    let json = create_json(None, None, "internet").to_string().into_bytes();
    // No boundary parameter; a body without the boundary.
    for (ct, body) in [
        ("multipart/related", json.clone()),
        ("multipart/related; boundary=zz", json.clone()),
    ] {
        let r = post(&s, path, ct, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{ct}");
        assert_eq!(
            r.problem().cause.as_deref(),
            Some(cause::INVALID_MSG_FORMAT)
        );
    }
    // The root part is not JSON; the request is neither JSON nor multipart.
    let (ct, body) = foreign_body(&json!("x"), &[]);
    let body = String::from_utf8(body).unwrap().replacen(
        "application/json\r\n",
        "application/vnd.3gpp.5gnas\r\n",
        1,
    );
    let r = post(&s, path, &ct, body.into_bytes()).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = post(&s, path, "text/plain", json).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        r.problem().cause.as_deref(),
        Some(cause::UNSUPPORTED_MEDIA_TYPE)
    );
    // The JSON part is checked as any JSON body.
    let mut bad = create_json(Some("n1"), None, "internet");
    bad.as_object_mut().unwrap().remove("servingNfId");
    let (ct, body) = foreign_body(&bad, &[(NAS_5G, "n1", N1_EST_REQ)]);
    let r = post(&s, path, &ct, body).await;
    let p = r.problem();
    assert_eq!(p.cause.as_deref(), Some(cause::MANDATORY_IE_MISSING));
    assert_eq!(p.invalid_params.unwrap()[0].param, "/servingNfId");
}

#[tokio::test]
async fn errors_with_n1_and_404_use_the_error_structures() {
    let s = server().await;
    // A reject for the UE: 403, multipart, SmContextCreateError + the N1 part.
    let (ct, body) = foreign_body(
        &create_json(Some("n1"), None, "ims"),
        &[(NAS_5G, "n1", N1_EST_REQ)],
    );
    let r = post(&s, "/nsmf-pdusession/v1/sm-contexts", &ct, body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let m = multipart::decode(&r.content_type, r.body).await.unwrap();
    let json: Value = serde_json::from_slice(&m.json).unwrap();
    assert_eq!(json["error"]["cause"], "DNN_NOT_SUPPORTED");
    assert_eq!(json["error"]["status"], 403);
    assert_eq!(
        m.parts.0[0].content_id,
        json["n1SmMsg"]["contentId"].as_str().unwrap()
    );
    assert_eq!(m.parts.0[0].content_type, NAS_5G);
    assert_eq!(m.parts.0[0].data, N1_EST_REJ);
    // Update of an unknown context: 404 as SmContextUpdateError in plain JSON (the spec
    // lists no problem+json there); an update without binary parts is plain JSON too.
    let r = post(
        &s,
        "/nsmf-pdusession/v1/sm-contexts/9/modify",
        "application/json",
        br#"{"upCnxState":"DEACTIVATED"}"#.to_vec(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.content_type, "application/json");
    let json: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(json["error"]["cause"], "CONTEXT_NOT_FOUND");
    // Release with no body at all is allowed (the body is optional): 404 here.
    let r = post(
        &s,
        "/nsmf-pdusession/v1/sm-contexts/9/release",
        "",
        Vec::new(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.problem().cause.as_deref(), Some(cause::CONTEXT_NOT_FOUND));
    // 409 of N1N2MessageTransfer: N1N2MessageTransferError.
    let transfer = json!({"pduSessionId": 9});
    let r = post(
        &s,
        &format!("/namf-comm/v1/ue-contexts/{SUPI}/n1-n2-messages"),
        "application/json",
        transfer.to_string().into_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let json: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        json["error"]["cause"],
        "TEMPORARY_REJECT_REGISTRATION_ONGOING"
    );
}
