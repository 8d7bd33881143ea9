//! Contract tests: every request and response body our models produce for the modelled
//! operations validates against the Rel-17 OpenAPI files in `openapi/`, checked by
//! openapi-core (`tests/contract/validate.py`) with `additionalProperties: false`
//! forced on every object schema, so an attribute the spec does not define fails.

use std::collections::BTreeMap;
use std::path::Path;

use ferrocore_sbi::SbiError;
use ferrocore_sbi::binary::WithBinaryParts;
use ferrocore_sbi::common::*;
use ferrocore_sbi::hex::Hex;
use ferrocore_sbi::namf_communication as namf;
use ferrocore_sbi::nausf_ueau::*;
use ferrocore_sbi::nsmf_pdusession as nsmf;
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
const SMF: &str = "TS29502_Nsmf_PDUSession.yaml";
const AMF: &str = "TS29518_Namf_Communication.yaml";
const MULTIPART: &str = "multipart/related";

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
    fn get(name: &str, spec: &'static str, template: &'static str, path: String) -> Self {
        Self::new(name, spec, template, "GET", path)
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
    /// An `application/json` answer.
    fn json(self, status: u16, body: Value) -> Self {
        self.answer(status, "application/json", Some(body))
    }
    /// 204 No Content.
    fn no_content(self) -> Self {
        self.answer(204, "application/json", None)
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
    fn named(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
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
        pei: Some("imeisv-4370816125816151".into()),
        initial_registration_ind: Some(true),
        registration_time: Some("2026-01-01T12:00:00Z".into()),
        supi: Some(SUPI.into()),
        ..Amf3GppAccessRegistration::new(
            NF_ID,
            "http://amf.example/namf-callback/v1/dereg",
            guami(),
            RatType::Nr,
        )
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
    c.push(put(Some(h(5))).json(
        200,
        v(&ConfirmationDataResponse {
            auth_result: AuthResult::AuthenticationSuccess,
            supi: Some(SUPI.into()),
            kseaf: Some(h(6)),
        }),
    ));
    c.push(put(None).json(
        200,
        v(&ConfirmationDataResponse {
            auth_result: AuthResult::AuthenticationFailure,
            supi: None,
            kseaf: None,
        }),
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
    c.push(gen_().json(
        200,
        v(&AuthenticationInfoResult {
            auth_type: AuthType::FiveGAka,
            supported_features: None,
            authentication_vector: Some(AuthenticationVector::Av5GHeAka(Av5GHeAka {
                rand: h(1),
                xres_star: h(7),
                autn: h(4),
                kausf: h(8),
            })),
            supi: Some(SUPI.into()),
        }),
    ));
    c.push(gen_().json(
        200,
        v(&AuthenticationInfoResult {
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
        }),
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
    let am = || {
        Case::get(
            "nudm-sdm am-data",
            SDM,
            "/{supi}/am-data",
            sdm::am_data(SUPI),
        )
    };
    c.push(am().query(plmn_q.clone()).json(200, v(&am_data())));
    c.push(am().problem(&SbiError::data_not_found("no am-data")));
    c.push(
        Case::get(
            "nudm-sdm smf-select-data",
            SDM,
            "/{supi}/smf-select-data",
            sdm::smf_select_data(SUPI),
        )
        .query(plmn_q.clone())
        .json(200, v(&smf_select())),
    );
    c.push(
        Case::get("nudm-sdm sm-data", SDM, "/{supi}/sm-data", sdm::sm_data(SUPI))
            .query(json!({ "single-nssai": v(&snssai(1, Some([0, 0, 1]))).to_string(), "dnn": "internet" }))
            .json(200, v(&sm_data())),
    );
    let nssai_get = || Case::get("nudm-sdm nssai", SDM, "/{supi}/nssai", sdm::nssai(SUPI));
    c.push(nssai_get().json(200, v(&nssai())));
    c.push(nssai_get().problem(&SbiError::user_not_found("unknown")));

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
    c.push(reg().json(200, v(&registration())));
    c.push(reg().no_content());
    c.push(reg().problem(&SbiError::user_not_found("unknown")));

    // --- Nudr_DR
    use ferrocore_sbi::nudr_dr::paths as dr;
    let t = "/subscription-data/{ueId}/authentication-data/authentication-subscription";
    let auth_sub =
        |name, method| Case::new(name, DR, t, method, dr::authentication_subscription(SUPI));
    let get_sub = || auth_sub("nudr-dr authentication-subscription", "GET");
    c.push(get_sub().json(200, v(&auth_subscription())));
    c.push(get_sub().problem(&SbiError::user_not_found("unknown")));
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
        auth_sub("nudr-dr authentication-subscription PATCH", "PATCH")
            .body("application/json-patch+json", v(&patch))
    };
    c.push(pat().no_content());
    c.push(pat().json(
        200,
        v(&PatchResult {
            report: vec![ReportItem {
                path: "/encPermanentKey".into(),
                reason: Some("read-only".into()),
            }],
        }),
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
        .no_content(),
    );
    let p = plmn().to_var_plmn_id();
    c.push(
        Case::get(
            "nudr-dr am-data",
            DR,
            "/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/am-data",
            dr::am_data(SUPI, &p),
        )
        .json(200, v(&am_data())),
    );
    c.push(
        Case::get(
            "nudr-dr smf-selection",
            DR,
            "/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/smf-selection-subscription-data",
            dr::smf_selection_subscription_data(SUPI, &p),
        )
        .json(200, v(&smf_select())),
    );
    let sm = || {
        Case::get(
            "nudr-dr sm-data",
            DR,
            "/subscription-data/{ueId}/{servingPlmnId}/provisioned-data/sm-data",
            dr::sm_data(SUPI, &p),
        )
    };
    c.push(
        sm().query(json!({ "single-nssai": v(&snssai(1, None)).to_string(), "dnn": "internet" }))
            .json(200, v(&sm_data())),
    );
    c.push(sm().problem(&SbiError::data_not_found("none")));
    pdu_session_cases(&mut c);
    n1_n2_cases(&mut c);
    c
}

fn guami() -> Guami {
    Guami {
        plmn_id: PlmnIdNid::new("001", "01"),
        amf_id: "cafe00".into(),
    }
}

fn ue_location() -> UserLocation {
    UserLocation {
        nr_location: Some(NrLocation {
            tai: Tai {
                plmn_id: plmn(),
                tac: "000001".into(),
                nid: None,
            },
            ncgi: Ncgi {
                plmn_id: plmn(),
                nr_cell_id: "000000010".into(),
                nid: None,
            },
            age_of_location_information: Some(0),
            ue_location_timestamp: Some("2026-01-01T12:00:00Z".into()),
            global_gnb_id: Some(GlobalRanNodeId {
                plmn_id: plmn(),
                gnb_id: GNbId {
                    bit_length: 22,
                    gnb_value: "000001".into(),
                },
            }),
        }),
    }
}

fn sm_context_create_data() -> nsmf::SmContextCreateData {
    nsmf::SmContextCreateData {
        supi: Some(SUPI.into()),
        unauthenticated_supi: Some(false),
        pei: Some("imeisv-4370816125816151".into()),
        gpsi: Some("msisdn-33600000001".into()),
        pdu_session_id: Some(1),
        dnn: Some("internet".into()),
        s_nssai: Some(snssai(1, Some([0, 0, 1]))),
        guami: Some(guami()),
        service_name: Some("namf-comm".into()),
        request_type: Some(nsmf::RequestType::InitialRequest),
        rat_type: Some(RatType::Nr),
        ue_location: Some(ue_location()),
        ue_time_zone: Some("+01:00".into()),
        sel_mode: Some(nsmf::DnnSelectionMode::Verified),
        routing_indicator: Some("0000".into()),
        ..nsmf::SmContextCreateData::new(
            NF_ID,
            PlmnIdNid::new("001", "01"),
            AccessType::ThreeGppAccess,
            "http://amf.example/namf-callback/v1/sm-context-status/1/1",
        )
    }
}

/// The JSON part and whether binary parts go with it, as the router would send it.
fn part<T: WithBinaryParts>(x: T) -> (Value, bool) {
    let (json, parts) = x.into_parts();
    (v(&json), !parts.is_empty())
}

fn media(binary: bool) -> &'static str {
    if binary {
        MULTIPART
    } else {
        "application/json"
    }
}

fn pdu_session_cases(c: &mut Vec<Case>) {
    use nsmf::*;
    const N1: &[u8] = &[0x2e, 0x01, 0x01, 0xc1, 0xff, 0xff, 0x91];
    const N2: &[u8] = &[0x00, 0x03, 0xe0];
    let loc = "http://smf.example/nsmf-pdusession/v1/sm-contexts/1";
    // Create SM Context: multipart/related only, whatever the parts.
    let (req, _) = part(SmContextCreate::new(
        sm_context_create_data(),
        Some(N1.to_vec()),
        None,
    ));
    assert_eq!(req["n1SmMsg"]["contentId"], CID_N1_SM);
    let create = || {
        Case::new(
            "nsmf create sm-context",
            SMF,
            "/sm-contexts",
            "POST",
            paths::sm_contexts(),
        )
        .body(MULTIPART, req.clone())
    };
    let created = SmContextCreatedData {
        pdu_session_id: Some(1),
        s_nssai: Some(snssai(1, Some([0, 0, 1]))),
        up_cnx_state: Some(UpCnxState::Activating),
        gpsi: Some("msisdn-33600000001".into()),
        selected_smf_id: Some(NF_ID.into()),
        ..Default::default()
    };
    let (body, bin) = part(SmContextCreated::new(created.clone(), None));
    c.push(create().created(media(bin), loc, body));
    let (body, bin) = part(SmContextCreated::new(
        SmContextCreatedData {
            n2_sm_info_type: Some(N2SmInfoType::PduResSetupReq),
            ..created
        },
        Some(N2.to_vec()),
    ));
    assert!(bin);
    c.push(create().created(MULTIPART, loc, body));
    // A reject for the UE rides along the error.
    let reject = SmContextError::with_n1_sm_msg(
        SbiError::new(403, cause::DNN_NOT_SUPPORTED, "no such DNN here"),
        N1.to_vec(),
    );
    let (json, parts) = reject.into_create_parts();
    assert!(!parts.is_empty());
    c.push(
        create()
            .answer(403, MULTIPART, Some(v(&json)))
            .named("nsmf create sm-context -> 403 DNN_NOT_SUPPORTED + N1 reject"),
    );
    // 404 has no problem+json in the spec: SmContextCreateError.
    let (json, _) =
        SmContextError::from(SbiError::user_not_found("no such SUPI")).into_create_parts();
    c.push(
        create()
            .json(404, v(&json))
            .named("nsmf create sm-context -> 404 USER_NOT_FOUND"),
    );
    c.push(create().problem(&SbiError::mandatory_ie_incorrect(
        "/n1SmMsg/contentId",
        "no binary body part with Content-ID \"n1SmMsg\"",
    )));
    c.push(create().problem(&SbiError::system_failure("UPF down")));

    // Update SM Context.
    let t = "/sm-contexts/{smContextRef}/modify";
    let update = |u: SmContextUpdate| {
        let (body, bin) = part(u);
        Case::new("nsmf update sm-context", SMF, t, "POST", paths::modify("1"))
            .body(media(bin), body)
    };
    let setup_rsp = SmContextUpdate::new(
        SmContextUpdateData {
            n2_sm_info_type: Some(N2SmInfoType::PduResSetupRsp),
            ue_location: Some(ue_location()),
            an_type: Some(AccessType::ThreeGppAccess),
            ..Default::default()
        },
        None,
        Some(N2.to_vec()),
    );
    c.push(update(setup_rsp.clone()).no_content());
    let deactivate = SmContextUpdate::new(
        SmContextUpdateData {
            up_cnx_state: Some(UpCnxState::Deactivated),
            ng_ap_cause: Some(NgApCause {
                group: 0,
                value: 20,
            }),
            cause: Some(Cause::RelDueToUnspecifiedReason),
            ..Default::default()
        },
        None,
        None,
    );
    let (body, _) = part(SmContextUpdated::new(
        SmContextUpdatedData {
            up_cnx_state: Some(UpCnxState::Deactivated),
            ..Default::default()
        },
        None,
        None,
    ));
    c.push(update(deactivate.clone()).json(200, body));
    let release_req = SmContextUpdate::new(
        SmContextUpdateData {
            release: Some(true),
            cause: Some(Cause::RelDueToUnspecifiedReason),
            five_g_mm_cause_value: Some(0),
            ..Default::default()
        },
        Some(N1.to_vec()),
        None,
    );
    let (body, bin) = part(SmContextUpdated::new(
        SmContextUpdatedData {
            n2_sm_info_type: Some(N2SmInfoType::PduResRelCmd),
            ..Default::default()
        },
        Some(N1.to_vec()),
        Some(N2.to_vec()),
    ));
    assert!(bin);
    c.push(update(release_req).answer(200, MULTIPART, Some(body)));
    let (json, _) =
        SmContextError::from(SbiError::context_not_found("no SM context 1")).into_update_parts();
    c.push(
        update(deactivate.clone())
            .json(404, v(&json))
            .named("nsmf update sm-context -> 404 CONTEXT_NOT_FOUND"),
    );
    let mut rej = SmContextError::with_n1_sm_msg(
        SbiError::new(403, cause::N1_SM_ERROR, "bad modification request"),
        N1.to_vec(),
    );
    rej.up_cnx_state = Some(UpCnxState::Activated);
    let (json, _) = rej.into_update_parts();
    c.push(
        update(setup_rsp)
            .answer(403, MULTIPART, Some(v(&json)))
            .named("nsmf update sm-context -> 403 N1_SM_ERROR + N1"),
    );
    c.push(update(deactivate).problem(&SbiError::mandatory_ie_incorrect("/upCnxState", "bad")));

    // Release SM Context.
    let t = "/sm-contexts/{smContextRef}/release";
    let release = |r: SmContextRelease| {
        let (body, bin) = part(r);
        Case::new(
            "nsmf release sm-context",
            SMF,
            t,
            "POST",
            paths::release("1"),
        )
        .body(media(bin), body)
    };
    let plain = SmContextRelease::new(
        SmContextReleaseData {
            cause: Some(Cause::RelDueToUnspecifiedReason),
            ue_location: Some(ue_location()),
            ue_time_zone: Some("+01:00".into()),
            ..Default::default()
        },
        None,
    );
    c.push(release(plain.clone()).no_content());
    c.push(
        release(SmContextRelease::new(
            SmContextReleaseData {
                n2_sm_info_type: Some(N2SmInfoType::PduResRelRsp),
                ..Default::default()
            },
            Some(N2.to_vec()),
        ))
        .no_content(),
    );
    c.push(release(plain).problem(&SbiError::context_not_found("no SM context 1")));
}

fn n1_n2_cases(c: &mut Vec<Case>) {
    use namf::*;
    let t = "/ue-contexts/{ueContextId}/n1-n2-messages";
    let mut req = N1N2MessageTransfer::sm(
        1,
        Some(vec![0x2e, 0x01, 0x01, 0xc2]),
        Some((NgapIeType::PduResSetupReq, vec![0, 0, 4])),
    );
    req.data
        .n2_info_container
        .as_mut()
        .unwrap()
        .sm_info
        .as_mut()
        .unwrap()
        .s_nssai = Some(snssai(1, Some([0, 0, 1])));
    req.data.n1n2_failure_txf_notif_uri = Some("http://smf.example/n1n2-failure/1".into());
    req.data.arp = Some(Arp {
        priority_level: 8,
        preempt_cap: PreemptionCapability::NotPreempt,
        preempt_vuln: PreemptionVulnerability::Preemptable,
    });
    req.data.five_qi = Some(9);
    req.data.last_msg_indication = Some(false);
    let (body, bin) = part(req);
    assert!(bin);
    assert_eq!(
        body["n2InfoContainer"]["smInfo"]["n2InfoContent"]["ngapData"]["contentId"],
        CID_N2
    );
    let post = || {
        Case::new(
            "namf-comm n1-n2-messages",
            AMF,
            t,
            "POST",
            paths::n1_n2_messages(SUPI),
        )
        .body(MULTIPART, body.clone())
    };
    let rsp = |cause| {
        v(&N1N2MessageTransferRspData {
            cause,
            supported_features: None,
        })
    };
    c.push(post().json(200, rsp(N1N2MessageTransferCause::N1N2TransferInitiated)));
    c.push(post().created(
        "application/json",
        "http://amf.example/namf-comm/v1/ue-contexts/imsi-001010000000001/n1-n2-messages/1",
        rsp(N1N2MessageTransferCause::AttemptingToReachUe),
    ));
    // 202, not 201: `created` fills Location; fix the status.
    if let Some(r) = c.last_mut().and_then(|c| c.response.as_mut()) {
        r.0 = 202;
    }
    let (json_only, bin) = part(N1N2MessageTransfer::sm(1, Some(vec![0x2e]), None));
    assert!(bin);
    c.push(
        Case::new(
            "namf-comm n1-n2-messages (N1 only)",
            AMF,
            t,
            "POST",
            paths::n1_n2_messages(SUPI),
        )
        .body(MULTIPART, json_only)
        .json(200, rsp(N1N2MessageTransferCause::N1N2TransferInitiated)),
    );
    let wrapped = |e: SbiError| {
        v(&N1N2MessageTransferError {
            error: *e.problem,
            err_info: Some(N1N2MsgTxfrErrDetail {
                retry_after: Some(5),
                ..Default::default()
            }),
        })
    };
    c.push(
        post()
            .json(
                409,
                wrapped(SbiError::new(
                    409,
                    cause::TEMPORARY_REJECT_REGISTRATION_ONGOING,
                    "registering",
                )),
            )
            .named("namf-comm n1-n2-messages -> 409 TEMPORARY_REJECT_REGISTRATION_ONGOING"),
    );
    c.push(
        post()
            .json(
                504,
                wrapped(SbiError::new(504, cause::UE_NOT_REACHABLE, "paging failed")),
            )
            .named("namf-comm n1-n2-messages -> 504 UE_NOT_REACHABLE"),
    );
    c.push(post().problem(&SbiError::context_not_found("no UE context")));
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
    // ExtProblemDetails (an allOf) and a multipart/related JSON part are closed too.
    let (create_error, _) =
        nsmf::SmContextError::from(SbiError::user_not_found("x")).into_create_parts();
    let mut create_error = v(&create_error);
    create_error["error"]["notInSpec"] = json!(1);
    let sm_create = || Case::new("x", SMF, "/sm-contexts", "POST", nsmf::paths::sm_contexts());
    let mut create_req = v(&sm_context_create_data());
    create_req["notInSpec"] = json!(1);
    let mut cases = vec![
        sm_create()
            .body(MULTIPART, v(&sm_context_create_data()))
            .json(404, create_error),
        sm_create().body(MULTIPART, create_req),
        // Create SM Context has no application/json request body.
        sm_create().body("application/json", v(&sm_context_create_data())),
        ok().body("application/json", extra),
        ok().body("application/json", bad_snn),
        ok().body("application/json", missing),
        ok().json(201, v(&auth_event(true))), // no Location
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
