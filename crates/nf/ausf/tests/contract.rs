//! Contract check of what our NFs actually put on the wire: one HTTP/2 run of the home
//! network (AUSF -> UDM -> UDR, plus SDM and UECM calls) is captured server-side, and
//! every request and response is validated against the Rel-17 OpenAPI files with the
//! contract checker of `crates/wire/sbi/tests/contract/` (openapi-core, closed objects).

mod common;

use std::path::Path;

use common::usim::Usim;
use common::{Exchange, K, OPC, SUPI, Wiring, confirmation, core, info, provisioned_store, snn};
use ferrocore_sbi::common::{Guami, PlmnIdNid, RatType, Snssai};
use ferrocore_sbi::hex::Hex;
use ferrocore_sbi::nudm_sdm::{SdmQuery, SdmService, SmDataQuery};
use ferrocore_sbi::nudm_ueau::ResynchronizationInfo;
use ferrocore_sbi::nudm_uecm::{Amf3GppAccessRegistration, UecmService};
use ferrocore_sbi_http::{HttpClient, nudm_sdm, nudm_uecm};
use ferrocore_udm::UdmConfig;
use serde_json::{Value, json};

const TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "/nausf-auth/v1",
        "TS29509_Nausf_UEAuthentication.yaml",
        "/ue-authentications/{authCtxId}/5g-aka-confirmation",
    ),
    (
        "/nausf-auth/v1",
        "TS29509_Nausf_UEAuthentication.yaml",
        "/ue-authentications",
    ),
    (
        "/nudm-ueau/v1",
        "TS29503_Nudm_UEAU.yaml",
        "/{supiOrSuci}/security-information/generate-auth-data",
    ),
    (
        "/nudm-ueau/v1",
        "TS29503_Nudm_UEAU.yaml",
        "/{supi}/auth-events",
    ),
    ("/nudm-sdm/v2", "TS29503_Nudm_SDM.yaml", "/{supi}/am-data"),
    (
        "/nudm-sdm/v2",
        "TS29503_Nudm_SDM.yaml",
        "/{supi}/smf-select-data",
    ),
    ("/nudm-sdm/v2", "TS29503_Nudm_SDM.yaml", "/{supi}/sm-data"),
    ("/nudm-sdm/v2", "TS29503_Nudm_SDM.yaml", "/{supi}/nssai"),
    (
        "/nudm-uecm/v1",
        "TS29503_Nudm_UECM.yaml",
        "/{ueId}/registrations/amf-3gpp-access",
    ),
    (
        "/nudr-dr/v2",
        "TS29504_Nudr_DR.yaml",
        "/subscription-data/{ueId}/authentication-data/authentication-subscription",
    ),
    (
        "/nudr-dr/v2",
        "TS29504_Nudr_DR.yaml",
        "/subscription-data/{ueId}/authentication-data/authentication-status",
    ),
    (
        "/nudr-dr/v2",
        "TS29504_Nudr_DR.yaml",
        "/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/am-data",
    ),
    (
        "/nudr-dr/v2",
        "TS29504_Nudr_DR.yaml",
        "/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/smf-selection-subscription-data",
    ),
    (
        "/nudr-dr/v2",
        "TS29504_Nudr_DR.yaml",
        "/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/sm-data",
    ),
];

/// The spec and path template a concrete path belongs to (segments in braces match any one).
fn template(path: &str) -> (&'static str, &'static str) {
    for (base, spec, t) in TEMPLATES {
        let Some(rest) = path.strip_prefix(base) else {
            continue;
        };
        let (a, b): (Vec<_>, Vec<_>) = (rest.split('/').collect(), t.split('/').collect());
        if a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| y.starts_with('{') || x == y) {
            return (spec, t);
        }
    }
    panic!("no template for {path}");
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

fn case(i: usize, ex: &Exchange) -> Value {
    let (spec, template) = template(&ex.path);
    let query: serde_json::Map<String, Value> = ex
        .query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), Value::String(percent_decode(v)))
        })
        .collect();
    let body = |b: &[u8]| (!b.is_empty()).then(|| serde_json::from_slice::<Value>(b).unwrap());
    let mut headers = json!({});
    if let Some(loc) = &ex.location {
        headers["Location"] = json!(loc);
    }
    json!({
        "name": format!("#{i} {} {} -> {}", ex.method, ex.path, ex.status),
        "spec": spec,
        "template": template,
        "method": ex.method,
        "path": ex.path,
        "query": query,
        "request": body(&ex.request_body).map(|b| json!({
            "content_type": ex.request_type.clone().unwrap_or_default(), "body": b
        })),
        "response": {
            "status": ex.status,
            "content_type": ex.response_type.clone().unwrap_or_else(|| "application/json".into()),
            "body": body(&ex.response_body),
            "headers": headers,
        },
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_our_nfs_send_and_answer_matches_the_openapi_files() {
    let dir = tempfile::tempdir().unwrap();
    let core = core(
        Wiring::Http,
        provisioned_store(&dir).await,
        UdmConfig::default(),
    )
    .await;
    let snn = snn();
    let ausf = &*core.ausf;

    // Success, with a re-synchronisation first.
    let mut usim = Usim::new(K, OPC, 1 << 40);
    let c = ausf.authenticate(info(SUPI, &snn)).await.unwrap();
    let ferrocore_sbi::nausf_ueau::AuthData5g::Av5gAka(av) = c.body.auth_data else {
        panic!()
    };
    let Err(common::usim::Refusal::SyncFailure { auts }) =
        usim.authenticate(&av.rand.0, &av.autn.0, &snn)
    else {
        panic!()
    };
    let mut retry = info("suci-0-001-01-0000-0-0-0000000001", &snn);
    retry.resynchronization_info = Some(ResynchronizationInfo {
        rand: av.rand,
        auts: Hex(auts),
    });
    let c = ausf.authenticate(retry).await.unwrap();
    let ferrocore_sbi::nausf_ueau::AuthData5g::Av5gAka(av) = &c.body.auth_data else {
        panic!()
    };
    let res = usim.authenticate(&av.rand.0, &av.autn.0, &snn).unwrap();
    let ok = confirmation(Some(res.res_star));
    ausf.confirm_5g_aka(c.resource_id(), ok).await.unwrap();
    // Failure, unknown context, unknown user, unauthorised network.
    let c = ausf.authenticate(info(SUPI, &snn)).await.unwrap();
    let bad = confirmation(Some([1; 16]));
    ausf.confirm_5g_aka(c.resource_id(), bad.clone())
        .await
        .unwrap();
    ausf.confirm_5g_aka(c.resource_id(), bad).await.unwrap_err();
    ausf.authenticate(info("imsi-001019999999999", &snn))
        .await
        .unwrap_err();
    ausf.authenticate(info(SUPI, "5G:mnc099.mcc208.3gppnetwork.org"))
        .await
        .unwrap_err();

    // SDM and UECM, as the AMF and SMF will call them.
    let udm_root = core.servers[1].api_root();
    let sdm = nudm_sdm::SdmClient(HttpClient::new(&udm_root).unwrap());
    sdm.get_am_data(SUPI, SdmQuery::default()).await.unwrap();
    sdm.get_smf_select_data(SUPI, SdmQuery::default())
        .await
        .unwrap();
    sdm.get_nssai(SUPI, SdmQuery::default()).await.unwrap();
    let q = SmDataQuery {
        single_nssai: Some(Snssai { sst: 1, sd: None }),
        dnn: Some("internet".into()),
        ..SmDataQuery::default()
    };
    sdm.get_sm_data(SUPI, q).await.unwrap();
    sdm.get_am_data("imsi-001019999999999", SdmQuery::default())
        .await
        .unwrap_err();
    let uecm = nudm_uecm::UecmClient(HttpClient::new(&udm_root).unwrap());
    let guami = Guami {
        plmn_id: PlmnIdNid {
            mcc: "001".into(),
            mnc: "01".into(),
            nid: None,
        },
        amf_id: "cafe00".into(),
    };
    let reg = Amf3GppAccessRegistration {
        initial_registration_ind: Some(true),
        ..Amf3GppAccessRegistration::new(
            "5b6f2d2c-1e1b-4b8e-9a51-3c0e0a0f7a11",
            "http://127.0.0.1:7010/namf-callback/v1/dereg",
            guami,
            RatType::Nr,
        )
    };
    uecm.register_amf_3gpp_access(SUPI, reg.clone())
        .await
        .unwrap();
    uecm.register_amf_3gpp_access(SUPI, reg).await.unwrap();

    let exchanges = core.capture.lock().unwrap().clone();
    let cases: Vec<Value> = exchanges
        .iter()
        .enumerate()
        .map(|(i, e)| case(i, e))
        .collect();
    // Every operation of the three NFs took part, including the SQN PATCHes.
    for needle in [
        "PATCH /nudr-dr",
        "PUT /nudr-dr",
        "POST /nudm-ueau",
        "PUT /nausf-auth",
        "PUT /nudm-uecm",
    ] {
        assert!(
            cases
                .iter()
                .any(|c| c["name"].as_str().unwrap().contains(needle)),
            "{needle}"
        );
    }
    let sbi = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../wire/sbi");
    let input = json!({ "openapi_dir": sbi.join("openapi"), "cases": cases });
    let out = ferrocore_testkit::python::run_json(&sbi.join("tests/contract/validate.py"), &input);
    let mut failures = Vec::new();
    for r in out["results"].as_array().unwrap() {
        let errors = r["errors"].as_array().unwrap();
        let name = r["name"].as_str().unwrap();
        // Known gap of the Rel-17 YAML (docs/sbi.md): no 404 is listed for the
        // confirmation PUT, yet an unknown or consumed authCtxId has no better answer.
        let known_gap = name.contains("5g-aka-confirmation -> 404")
            && errors.len() == 1
            && errors[0]
                .as_str()
                .unwrap()
                .contains("Unknown response http status: 404");
        if !errors.is_empty() && !known_gap {
            failures.push(format!("{}: {errors:?}", r["name"]));
        }
    }
    println!("{} captured exchanges validated", cases.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
