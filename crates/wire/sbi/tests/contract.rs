//! Contract tests: every request and response body our models produce for the modelled
//! operations validates against the Rel-17 OpenAPI files in `openapi/`, checked by
//! openapi-core (`tests/contract/validate.py`) with `additionalProperties: false`
//! forced on every object schema, so an attribute the spec does not define fails.

use std::collections::BTreeMap;
use std::path::Path;

use ferrocore_sbi::SbiError;
use ferrocore_sbi::common::*;
use ferrocore_sbi::hex::Hex;
use ferrocore_sbi::nausf_ueau::*;
use ferrocore_sbi::nudm_sdm::*;
use ferrocore_sbi::nudm_ueau::*;
use ferrocore_sbi::nudm_uecm::*;
use ferrocore_sbi::nudr_dr::*;
use serde::Serialize;
use serde_json::{Value, json};

const AUSF: &str = "TS29509_Nausf_UEAuthentication.yaml";
const UEAU: &str = "TS29503_Nudm_UEAU.yaml";
const SDM: &str = "TS29503_Nudm_SDM.yaml";
const UECM: &str = "TS29503_Nudm_UECM.yaml";
const DR: &str = "TS29504_Nudr_DR.yaml";

const SUPI: &str = "imsi-001010000000001";
const SUCI: &str = "suci-0-001-01-0000-0-0-0000000001";
const SNN: &str = "5G:mnc001.mcc001.3gppnetwork.org";
const NF_ID: &str = "9e4c1a52-8f0e-4d5b-9b8e-1f2a3b4c5d6e";

fn v<T: Serialize>(x: &T) -> Value {
    serde_json::to_value(x).expect("serialize")
}

fn h<const N: usize>(seed: u8) -> Hex<N> {
    Hex(std::array::from_fn(|i| seed.wrapping_add(i as u8)))
}

struct Case {
    name: String,
    spec: &'static str,
    template: &'static str,
    method: &'static str,
    path: String,
    query: Value,
    request: Option<(&'static str, Value)>,
    response: Option<(u16, &'static str, Option<Value>, Value)>,
}

impl Case {
    fn new(
        name: &str,
        spec: &'static str,
        template: &'static str,
        method: &'static str,
        path: String,
    ) -> Self {
        Self {
            name: name.to_owned(),
            spec,
            template,
            method,
            path,
            query: json!({}),
            request: None,
            response: None,
        }
    }
    fn query(mut self, q: Value) -> Self {
        self.query = q;
        self
    }
    fn body(mut self, content_type: &'static str, body: Value) -> Self {
        self.request = Some((content_type, body));
        self
    }
    fn answer(mut self, status: u16, content_type: &'static str, body: Option<Value>) -> Self {
        self.response = Some((status, content_type, body, json!({})));
        self
    }
    fn created(mut self, content_type: &'static str, location: &str, body: Value) -> Self {
        self.response = Some((
            201,
            content_type,
            Some(body),
            json!({ "Location": location }),
        ));
        self
    }
    fn problem(self, e: &SbiError) -> Self {
        let name = format!("{} -> {} {}", self.name, e.status, e.cause().unwrap_or(""));
        let mut c = self.answer(e.status, "application/problem+json", Some(v(&e.problem)));
        c.name = name;
        c
    }
    fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "spec": self.spec,
            "template": self.template,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "request": self.request.as_ref().map(|(ct, b)| json!({"content_type": ct, "body": b})),
            "response": self.response.as_ref().map(|(s, ct, b, hd)| {
                json!({"status": s, "content_type": ct, "body": b, "headers": hd})
            }),
        })
    }
}

fn run(cases: &[Case]) -> BTreeMap<String, Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = json!({
        "openapi_dir": dir.join("openapi"),
        "cases": cases.iter().map(Case::to_json).collect::<Vec<_>>(),
    });
    let out = ferrocore_testkit::python::run_json(&dir.join("tests/contract/validate.py"), &input);
    let results = out["results"].as_array().expect("results");
    assert_eq!(results.len(), cases.len());
    results
        .iter()
        .map(|r| {
            let errors = r["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap().to_owned());
            (r["name"].as_str().unwrap().to_owned(), errors.collect())
        })
        .collect()
}

fn snssai(sst: u8, sd: Option<[u8; 3]>) -> Snssai {
    Snssai {
        sst,
        sd: sd.map(Hex),
    }
}

fn plmn() -> PlmnId {
    PlmnId {
        mcc: "001".into(),
        mnc: "01".into(),
    }
}

fn nssai() -> Nssai {
    Nssai {
        supported_features: None,
        default_single_nssais: vec![snssai(1, None)],
        single_nssais: Some(vec![snssai(1, Some([0, 0, 1])), snssai(2, None)]),
    }
}

fn am_data() -> AccessAndMobilitySubscriptionData {
    AccessAndMobilitySubscriptionData {
        gpsis: Some(vec!["msisdn-33600000001".into()]),
        internal_group_ids: None,
        subscribed_ue_ambr: Some(Ambr {
            uplink: "1 Gbps".into(),
            downlink: "2 Gbps".into(),
        }),
        nssai: Some(nssai()),
        rat_restrictions: Some(vec![RatType::Eutra]),
        subs_reg_timer: Some(3240),
        ue_usage_type: Some(0),
        mico_allowed: Some(false),
        routing_indicator: Some("0000".into()),
        subscribed_dnn_list: Some(vec!["internet".into()]),
        supported_features: None,
    }
}

fn smf_select() -> SmfSelectionSubscriptionData {
    let info = SnssaiInfo {
        dnn_infos: vec![DnnInfo {
            dnn: "internet".into(),
            default_dnn_indicator: Some(true),
            lbo_roaming_allowed: Some(false),
            iwk_eps_ind: Some(false),
            dnn_barred: None,
            invoke_nef_ind: None,
            smf_list: Some(vec![NF_ID.into()]),
            same_smf_ind: None,
        }],
    };
    SmfSelectionSubscriptionData {
        supported_features: None,
        subscribed_snssai_infos: Some(BTreeMap::from([(
            snssai(1, Some([0, 0, 1])).to_key(),
            info,
        )])),
        shared_snssai_infos_id: None,
    }
}

fn sm_data() -> SmSubsData {
    let cfg = DnnConfiguration {
        pdu_session_types: PduSessionTypes {
            default_session_type: Some(PduSessionType::Ipv4),
            allowed_session_types: Some(vec![PduSessionType::Ipv4, PduSessionType::Ipv4v6]),
        },
        ssc_modes: SscModes {
            default_ssc_mode: SscMode::SscMode1,
            allowed_ssc_modes: Some(vec![SscMode::SscMode1, SscMode::SscMode2]),
        },
        iwk_eps_ind: Some(false),
        five_g_qos_profile: Some(SubscribedDefaultQos {
            five_qi: 9,
            arp: Arp {
                priority_level: 8,
                preempt_cap: PreemptionCapability::NotPreempt,
                preempt_vuln: PreemptionVulnerability::Preemptable,
            },
            priority_level: Some(90),
        }),
        session_ambr: Some(Ambr {
            uplink: "100 Mbps".into(),
            downlink: "200 Mbps".into(),
        }),
        charging_characteristics: Some("0800".into()),
    };
    SmSubsData::List(vec![SessionManagementSubscriptionData {
        single_nssai: snssai(1, Some([0, 0, 1])),
        dnn_configurations: Some(BTreeMap::from([("internet".to_owned(), cfg)])),
        internal_group_ids: None,
        supported_features: None,
    }])
}

fn auth_event(success: bool) -> AuthEvent {
    AuthEvent {
        nf_instance_id: NF_ID.into(),
        success,
        time_stamp: "2026-01-01T12:00:00Z".into(),
        auth_type: AuthType::FiveGAka,
        serving_network_name: SNN.into(),
        auth_removal_ind: Some(false),
        nf_set_id: None,
        reset_ids: None,
        data_restoration_callback_uri: None,
        udr_restart_ind: None,
    }
}

fn registration() -> Amf3GppAccessRegistration {
    Amf3GppAccessRegistration {
        amf_instance_id: NF_ID.into(),
        supported_features: None,
        purge_flag: None,
        pei: Some("imeisv-4370816125816151".into()),
        dereg_callback_uri: "http://amf.example/namf-callback/v1/dereg".into(),
        pcscf_restoration_callback_uri: None,
        initial_registration_ind: Some(true),
        emergency_registration_ind: None,
        guami: Guami {
            plmn_id: PlmnIdNid {
                mcc: "001".into(),
                mnc: "01".into(),
                nid: None,
            },
            amf_id: "cafe00".into(),
        },
        dr_flag: None,
        rat_type: RatType::Nr,
        urrp_indicator: None,
        registration_time: Some("2026-01-01T12:00:00Z".into()),
        no_ee_subscription_ind: None,
        supi: Some(SUPI.into()),
        re_registration_required: None,
    }
}

fn auth_subscription() -> AuthenticationSubscription {
    AuthenticationSubscription {
        authentication_method: AuthMethod::FiveGAka,
        enc_permanent_key: Some("465b5ce8b199b49faa5f0a2ee238a6bc".into()),
        protection_parameter_id: Some("none".into()),
        sequence_number: Some(SequenceNumber {
            sqn_scheme: Some(SqnScheme::NonTimeBased),
            sqn: Some(h(0)),
            last_indexes: Some(BTreeMap::from([("ausf".to_owned(), 0)])),
            ind_length: Some(5),
        }),
        authentication_management_field: Some(Hex([0x80, 0x00])),
        algorithm_id: Some("milenage".into()),
        enc_opc_key: Some("cd63cb71954a9f4e48a5994e37a02baf".into()),
        enc_topc_key: None,
        vector_generation_in_hss: Some(false),
        n5gc_auth_method: None,
        rg_authentication_ind: None,
        supi: Some(SUPI.into()),
        akma_allowed: None,
        routing_id: None,
    }
}

fn cases() -> Vec<Case> {
    let mut c = Vec::new();
    // --- Nausf_UEAuthentication
    let t = "/ue-authentications";
    let info = AuthenticationInfo {
        supi_or_suci: SUCI.into(),
        serving_network_name: SNN.into(),
        resynchronization_info: Some(ResynchronizationInfo {
            rand: h(1),
            auts: h(2),
        }),
        pei: None,
        routing_indicator: Some("0".into()),
        supported_features: None,
    };
    let loc = "http://ausf.example/nausf-auth/v1/ue-authentications/ctx1";
    let ctx = UeAuthenticationCtx {
        auth_type: AuthType::FiveGAka,
        auth_data: AuthData5g::Av5gAka(Av5gAka {
            rand: h(1),
            hxres_star: h(3),
            autn: h(4),
        }),
        links: BTreeMap::from([(
            "5g-aka".to_owned(),
            LinksValueSchema::One(Link {
                href: format!("{loc}/5g-aka-confirmation"),
            }),
        )]),
        serving_network_name: Some(SNN.into()),
    };
    let post = || {
        Case::new(
            "nausf authenticate",
            AUSF,
            t,
            "POST",
            "/nausf-auth/v1/ue-authentications".into(),
        )
        .body("application/json", v(&info))
    };
    c.push(post().created("application/3gppHal+json", loc, v(&ctx)));
    c.push(post().problem(&SbiError::serving_network_not_authorized(
        "not for this PLMN",
    )));
    c.push(post().problem(&SbiError::user_not_found("no such SUPI")));
    c.push(post().problem(&SbiError::mandatory_ie_missing("/servingNetworkName")));
    let t = "/ue-authentications/{authCtxId}/5g-aka-confirmation";
    let put = |res_star: Option<Hex<16>>| {
        Case::new(
            "nausf 5g-aka-confirmation",
            AUSF,
            t,
            "PUT",
            ferrocore_sbi::nausf_ueau::paths::five_g_aka_confirmation("ctx1"),
        )
        .body(
            "application/json",
            v(&ConfirmationData {
                res_star,
                supported_features: None,
            }),
        )
    };
    c.push(put(Some(h(5))).answer(
        200,
        "application/json",
        Some(v(&ConfirmationDataResponse {
            auth_result: AuthResult::AuthenticationSuccess,
            supi: Some(SUPI.into()),
            kseaf: Some(h(6)),
        })),
    ));
    c.push(put(None).answer(
        200,
        "application/json",
        Some(v(&ConfirmationDataResponse {
            auth_result: AuthResult::AuthenticationFailure,
            supi: None,
            kseaf: None,
        })),
    ));
    // The Rel-17 YAML lists no 404 for this PUT (only 400 and 500).
    c.push(put(Some(h(5))).problem(&SbiError::mandatory_ie_incorrect("/resStar", "bad length")));

    // --- Nudm_UEAU
    let t = "/{supiOrSuci}/security-information/generate-auth-data";
    let req = AuthenticationInfoRequest {
        supported_features: None,
        serving_network_name: SNN.into(),
        resynchronization_info: Some(ResynchronizationInfo {
            rand: h(1),
            auts: h(2),
        }),
        ausf_instance_id: NF_ID.into(),
        n5gc_ind: None,
    };
    let gen_ = || {
        Case::new(
            "nudm-ueau generate-auth-data",
            UEAU,
            t,
            "POST",
            paths_ueau(SUCI),
        )
        .body("application/json", v(&req))
    };
    c.push(gen_().answer(
        200,
        "application/json",
        Some(v(&AuthenticationInfoResult {
            auth_type: AuthType::FiveGAka,
            supported_features: None,
            authentication_vector: Some(AuthenticationVector::Av5GHeAka(Av5GHeAka {
                rand: h(1),
                xres_star: h(7),
                autn: h(4),
                kausf: h(8),
            })),
            supi: Some(SUPI.into()),
        })),
    ));
    c.push(gen_().answer(
        200,
        "application/json",
        Some(v(&AuthenticationInfoResult {
            auth_type: AuthType::EapAkaPrime,
            supported_features: None,
            authentication_vector: Some(AuthenticationVector::AvEapAkaPrime(AvEapAkaPrime {
                rand: h(1),
                xres: "0011223344556677".into(),
                autn: h(4),
                ck_prime: h(9),
                ik_prime: h(10),
            })),
            supi: Some(SUPI.into()),
        })),
    ));
    c.push(gen_().problem(&SbiError::serving_network_not_authorized(
        "roaming not allowed",
    )));
    c.push(gen_().problem(&SbiError::user_not_found("unknown SUCI")));
    let t = "/{supi}/auth-events";
    c.push(
        Case::new(
            "nudm-ueau auth-events",
            UEAU,
            t,
            "POST",
            ferrocore_sbi::nudm_ueau::paths::auth_events(SUPI),
        )
        .body("application/json", v(&auth_event(true)))
        .created(
            "application/json",
            "http://udm.example/nudm-ueau/v1/imsi-001010000000001/auth-events/1",
            v(&auth_event(true)),
        ),
    );

    // --- Nudm_SDM
    use ferrocore_sbi::nudm_sdm::paths as sdm;
    let plmn_q = json!({ "plmn-id": v(&plmn()).to_string() });
    c.push(
        Case::new(
            "nudm-sdm am-data",
            SDM,
            "/{supi}/am-data",
            "GET",
            sdm::am_data(SUPI),
        )
        .query(plmn_q.clone())
        .answer(200, "application/json", Some(v(&am_data()))),
    );
    c.push(
        Case::new(
            "nudm-sdm am-data",
            SDM,
            "/{supi}/am-data",
            "GET",
            sdm::am_data(SUPI),
        )
        .problem(&SbiError::data_not_found("no am-data")),
    );
    c.push(
        Case::new(
            "nudm-sdm smf-select-data",
            SDM,
            "/{supi}/smf-select-data",
            "GET",
            sdm::smf_select_data(SUPI),
        )
        .query(plmn_q.clone())
        .answer(200, "application/json", Some(v(&smf_select()))),
    );
    c.push(
        Case::new("nudm-sdm sm-data", SDM, "/{supi}/sm-data", "GET", sdm::sm_data(SUPI))
            .query(json!({ "single-nssai": v(&snssai(1, Some([0, 0, 1]))).to_string(), "dnn": "internet" }))
            .answer(200, "application/json", Some(v(&sm_data()))),
    );
    c.push(
        Case::new(
            "nudm-sdm nssai",
            SDM,
            "/{supi}/nssai",
            "GET",
            sdm::nssai(SUPI),
        )
        .answer(200, "application/json", Some(v(&nssai()))),
    );
    c.push(
        Case::new(
            "nudm-sdm nssai",
            SDM,
            "/{supi}/nssai",
            "GET",
            sdm::nssai(SUPI),
        )
        .problem(&SbiError::user_not_found("unknown")),
    );

    // --- Nudm_UECM
    let t = "/{ueId}/registrations/amf-3gpp-access";
    let reg = || {
        Case::new(
            "nudm-uecm amf-3gpp-access",
            UECM,
            t,
            "PUT",
            ferrocore_sbi::nudm_uecm::paths::amf_3gpp_access(SUPI),
        )
        .body("application/json", v(&registration()))
    };
    c.push(reg().created(
        "application/json",
        "http://udm.example/nudm-uecm/v1/imsi-001010000000001/registrations/amf-3gpp-access",
        v(&registration()),
    ));
    c.push(reg().answer(200, "application/json", Some(v(&registration()))));
    c.push(reg().answer(204, "application/json", None));
    c.push(reg().problem(&SbiError::user_not_found("unknown")));

    // --- Nudr_DR
    use ferrocore_sbi::nudr_dr::paths as dr;
    let t = "/subscription-data/{ueId}/authentication-data/authentication-subscription";
    c.push(
        Case::new(
            "nudr-dr authentication-subscription",
            DR,
            t,
            "GET",
            dr::authentication_subscription(SUPI),
        )
        .answer(200, "application/json", Some(v(&auth_subscription()))),
    );
    c.push(
        Case::new(
            "nudr-dr authentication-subscription",
            DR,
            t,
            "GET",
            dr::authentication_subscription(SUPI),
        )
        .problem(&SbiError::user_not_found("unknown")),
    );
    let patch = vec![PatchItem {
        op: PatchOperation::Replace,
        path: "/sequenceNumber".into(),
        from: None,
        value: Some(v(&SequenceNumber {
            sqn_scheme: Some(SqnScheme::NonTimeBased),
            sqn: Some(h(0x20)),
            last_indexes: None,
            ind_length: None,
        })),
    }];
    let pat = || {
        Case::new(
            "nudr-dr authentication-subscription PATCH",
            DR,
            t,
            "PATCH",
            dr::authentication_subscription(SUPI),
        )
        .body("application/json-patch+json", v(&patch))
    };
    c.push(pat().answer(204, "application/json", None));
    c.push(pat().answer(
        200,
        "application/json",
        Some(v(&PatchResult {
            report: vec![ReportItem {
                path: "/encPermanentKey".into(),
                reason: Some("read-only".into()),
            }],
        })),
    ));
    c.push(pat().problem(&SbiError::modification_not_allowed("only sequenceNumber")));
    let t = "/subscription-data/{ueId}/authentication-data/authentication-status";
    c.push(
        Case::new(
            "nudr-dr authentication-status",
            DR,
            t,
            "PUT",
            dr::authentication_status(SUPI),
        )
        .body("application/json", v(&auth_event(false)))
        .answer(204, "application/json", None),
    );
    let p = plmn();
    c.push(
        Case::new(
            "nudr-dr am-data",
            DR,
            "/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/am-data",
            "GET",
            dr::am_data(SUPI, &p.to_var_plmn_id()),
        )
        .answer(200, "application/json", Some(v(&am_data()))),
    );
    c.push(Case::new("nudr-dr smf-selection", DR, "/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/smf-selection-subscription-data", "GET", dr::smf_selection_subscription_data(SUPI, &p.to_var_plmn_id())).answer(200, "application/json", Some(v(&smf_select()))));
    c.push(
        Case::new(
            "nudr-dr sm-data",
            DR,
            "/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/sm-data",
            "GET",
            dr::sm_data(SUPI, &p.to_var_plmn_id()),
        )
        .query(json!({ "single-nssai": v(&snssai(1, None)).to_string(), "dnn": "internet" }))
        .answer(200, "application/json", Some(v(&sm_data()))),
    );
    c.push(
        Case::new(
            "nudr-dr sm-data",
            DR,
            "/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/sm-data",
            "GET",
            dr::sm_data(SUPI, &p.to_var_plmn_id()),
        )
        .problem(&SbiError::data_not_found("none")),
    );
    c
}

fn paths_ueau(id: &str) -> String {
    ferrocore_sbi::nudm_ueau::paths::generate_auth_data(id)
}

#[test]
fn every_modelled_body_validates_against_rel17() {
    let cases = cases();
    let results = run(&cases);
    let failures: Vec<String> = results
        .iter()
        .filter(|(_, e)| !e.is_empty())
        .map(|(n, e)| format!("{n}:\n  {}", e.join("\n  ")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() >= 30, "{} cases", cases.len());
}

/// The checker is strict: an attribute the spec does not define, a wrong pattern, a
/// missing mandatory attribute and a missing mandatory header each fail.
#[test]
fn checker_rejects_what_the_spec_forbids() {
    let ok = || {
        Case::new(
            "x",
            UEAU,
            "/{supi}/auth-events",
            "POST",
            ferrocore_sbi::nudm_ueau::paths::auth_events(SUPI),
        )
        .body("application/json", v(&auth_event(true)))
    };
    let mut extra = v(&auth_event(true));
    extra["notInSpec"] = json!(1);
    let mut bad_snn = v(&auth_event(true));
    bad_snn["servingNetworkName"] = json!("5G:somewhere");
    let mut missing = v(&auth_event(true));
    missing.as_object_mut().unwrap().remove("timeStamp");
    let mut problem_extra = v(&SbiError::user_not_found("x").problem);
    problem_extra["notInSpec"] = json!(true);
    let mut cases = vec![
        ok().body("application/json", extra),
        ok().body("application/json", bad_snn),
        ok().body("application/json", missing),
        ok().answer(201, "application/json", Some(v(&auth_event(true)))), // no Location
        ok().answer(404, "application/problem+json", Some(problem_extra)),
    ];
    for (i, c) in cases.iter_mut().enumerate() {
        c.name = format!("negative {i}");
    }
    let results = run(&cases);
    for (name, errors) in &results {
        assert!(!errors.is_empty(), "{name} was accepted");
    }
}
