//! serde round trips: the `anyOf [enum, string]` pattern and `ProblemDetails`.

use ferrocore_sbi::common::{InvalidParam, PduSessionType, ProblemDetails, RatType};
use ferrocore_sbi::nausf_ueau::{AuthResult, AuthType, ConfirmationData};
use ferrocore_sbi::nudm_ueau::AuthenticationVector;
use ferrocore_sbi::{SbiError, cause};
use proptest::prelude::*;
use serde_json::json;

#[test]
fn known_values_map_to_variants() {
    assert_eq!(
        serde_json::from_str::<AuthType>("\"5G_AKA\"").unwrap(),
        AuthType::FiveGAka
    );
    assert_eq!(
        serde_json::to_string(&AuthType::EapAkaPrime).unwrap(),
        "\"EAP_AKA_PRIME\""
    );
    assert_eq!(
        serde_json::from_str::<AuthResult>("\"AUTHENTICATION_SUCCESS\"").unwrap(),
        AuthResult::AuthenticationSuccess
    );
    for s in AuthType::KNOWN {
        assert!(!matches!(AuthType::from(*s), AuthType::Other(_)), "{s}");
    }
}

#[test]
fn unknown_values_survive() {
    let t: AuthType = serde_json::from_str("\"EAP_QUANTUM\"").unwrap();
    assert_eq!(t, AuthType::Other("EAP_QUANTUM".into()));
    assert_eq!(serde_json::to_string(&t).unwrap(), "\"EAP_QUANTUM\"");
    let r: RatType = serde_json::from_str("\"NR_LEO\"").unwrap();
    assert_eq!(r.as_str(), "NR_LEO");
    assert!(serde_json::from_str::<PduSessionType>("7").is_err());
}

#[test]
fn av_type_discriminates_vectors() {
    let he = json!({"avType": "5G_HE_AKA", "rand": "00".repeat(16), "xresStar": "11".repeat(16),
        "autn": "22".repeat(16), "kausf": "33".repeat(32)});
    let av: AuthenticationVector = serde_json::from_value(he.clone()).unwrap();
    assert!(matches!(av, AuthenticationVector::Av5GHeAka(_)));
    assert_eq!(serde_json::to_value(&av).unwrap(), he);
}

#[test]
fn res_star_is_mandatory_and_nullable() {
    let c: ConfirmationData = serde_json::from_str(r#"{"resStar": null}"#).unwrap();
    assert_eq!(c.res_star, None);
    assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"resStar":null}"#);
    assert!(serde_json::from_str::<ConfirmationData>("{}").is_err());
}

#[test]
fn problem_details_wire_names() {
    let e = SbiError::mandatory_ie_missing("/servingNetworkName");
    let v = serde_json::to_value(&e.problem).unwrap();
    assert_eq!(v["status"], 400);
    assert_eq!(v["cause"], cause::MANDATORY_IE_MISSING);
    assert_eq!(v["invalidParams"][0]["param"], "/servingNetworkName");
    assert!(
        v.get("type").is_none(),
        "absent optionals are left out, not null"
    );
    let p: ProblemDetails =
        serde_json::from_value(json!({"type": "about:blank", "status": 404})).unwrap();
    assert_eq!(p.problem_type.as_deref(), Some("about:blank"));
}

fn any_auth_type() -> impl Strategy<Value = AuthType> {
    prop_oneof![
        prop::sample::select(AuthType::KNOWN).prop_map(AuthType::from),
        "[A-Z0-9_]{0,20}".prop_map(AuthType::from),
        any::<String>().prop_map(AuthType::from),
    ]
}

fn any_problem() -> impl Strategy<Value = ProblemDetails> {
    let params = prop::collection::vec(
        (any::<String>(), prop::option::of(any::<String>()))
            .prop_map(|(param, reason)| InvalidParam { param, reason }),
        1..4,
    );
    (
        (
            prop::option::of(any::<String>()),
            prop::option::of(any::<String>()),
            prop::option::of(100u16..600),
        ),
        (
            prop::option::of(any::<String>()),
            prop::option::of(any::<String>()),
            prop::option::of("[A-Z_]{1,30}"),
        ),
        (prop::option::of(params), prop::option::of("[0-9A-F]{0,8}")),
    )
        .prop_map(
            |(
                (problem_type, title, status),
                (detail, instance, cause),
                (invalid_params, supported_features),
            )| {
                ProblemDetails {
                    problem_type,
                    title,
                    status,
                    detail,
                    instance,
                    cause,
                    invalid_params,
                    supported_features,
                }
            },
        )
}

proptest! {
    #[test]
    fn open_enum_round_trips(t in any_auth_type()) {
        let s = serde_json::to_string(&t).unwrap();
        prop_assert_eq!(serde_json::from_str::<AuthType>(&s).unwrap(), t.clone());
        prop_assert_eq!(AuthType::from(t.as_str()), t);
    }

    #[test]
    fn open_enum_keeps_any_string(s in any::<String>()) {
        let t = AuthResult::from(s.as_str());
        prop_assert_eq!(t.as_str(), s.as_str());
        let back: AuthResult = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        prop_assert_eq!(back, t);
    }

    #[test]
    fn problem_details_round_trips(p in any_problem()) {
        let s = serde_json::to_string(&p).unwrap();
        prop_assert_eq!(serde_json::from_str::<ProblemDetails>(&s).unwrap(), p);
    }
}

mod pdu_session {
    use ferrocore_sbi::binary::{BinaryParts, WithBinaryParts};
    use ferrocore_sbi::common::{AccessType, RefToBinaryData};
    use ferrocore_sbi::namf_communication::{
        N1N2MessageTransfer, N1N2MessageTransferReqData, NgapIeType,
    };
    use ferrocore_sbi::nsmf_pdusession::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn through_json<T: WithBinaryParts>(x: T) -> (serde_json::Value, T) {
        let (json, parts) = x.into_parts();
        let wire = serde_json::to_value(&json).unwrap();
        let back = serde_json::from_value(wire.clone()).unwrap();
        (wire, T::from_parts(back, parts).unwrap())
    }

    #[test]
    fn wire_names() {
        let u = SmContextUpdateData {
            five_g_mm_cause_value: Some(9),
            up_cnx_state: Some(UpCnxState::Activating),
            n2_sm_info_type: Some(N2SmInfoType::PduResSetupRsp),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            json!({"5gMmCauseValue": 9, "upCnxState": "ACTIVATING", "n2SmInfoType": "PDU_RES_SETUP_RSP"})
        );
        let t = N1N2MessageTransferReqData {
            five_qi: Some(9),
            n1n2_failure_txf_notif_uri: Some("http://smf/x".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            json!({"5qi": 9, "n1n2FailureTxfNotifURI": "http://smf/x"})
        );
        assert_eq!(
            serde_json::to_value(AccessType::ThreeGppAccess).unwrap(),
            "3GPP_ACCESS"
        );
        // AccessType is a closed enumeration; the anyOf ones are open.
        assert!(serde_json::from_value::<AccessType>(json!("WIRELINE")).is_err());
        assert_eq!(
            serde_json::from_value::<N2SmInfoType>(json!("PDU_RES_FUTURE")).unwrap(),
            N2SmInfoType::Other("PDU_RES_FUTURE".into())
        );
        for s in N2SmInfoType::KNOWN {
            assert!(
                !matches!(N2SmInfoType::from(*s), N2SmInfoType::Other(_)),
                "{s}"
            );
        }
    }

    #[test]
    fn references_follow_the_binaries() {
        // A stale reference without octets is dropped; octets get a reference.
        let u = SmContextUpdate {
            data: SmContextUpdateData {
                n1_sm_msg: Some(RefToBinaryData::new("stale")),
                ..Default::default()
            },
            n1_sm_msg: None,
            n2_sm_info: Some(vec![1, 2]),
        };
        let (wire, back) = through_json(u);
        assert_eq!(wire, json!({"n2SmInfo": {"contentId": CID_N2_SM}}));
        assert_eq!(back.n2_sm_info, Some(vec![1, 2]));
        assert_eq!(back.n1_sm_msg, None);
        // A received reference to a part that is absent is an error.
        let e = SmContextUpdate::from_parts(
            serde_json::from_value(json!({"n1SmMsg": {"contentId": "x"}})).unwrap(),
            BinaryParts::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.problem.invalid_params.unwrap()[0].param,
            "/n1SmMsg/contentId"
        );
    }

    #[test]
    fn n1_n2_containers_are_made_and_dropped() {
        let t = N1N2MessageTransfer {
            data: N1N2MessageTransferReqData {
                pdu_session_id: Some(3),
                ..Default::default()
            },
            n1_message: Some(vec![0x2e]),
            n2_info: Some(vec![0]),
        };
        let (wire, back) = through_json(t);
        assert_eq!(wire["n1MessageContainer"]["n1MessageClass"], "SM");
        assert_eq!(wire["n2InfoContainer"]["smInfo"]["pduSessionId"], 3);
        assert_eq!(back.n1_message, Some(vec![0x2e]));
        let mut t =
            N1N2MessageTransfer::sm(3, Some(vec![1]), Some((NgapIeType::PduResRelCmd, vec![2])));
        t.n1_message = None;
        t.n2_info = None;
        let (wire, _) = through_json(t);
        assert!(wire.get("n1MessageContainer").is_none());
        assert!(
            wire["n2InfoContainer"]["smInfo"]
                .get("n2InfoContent")
                .is_none()
        );
    }

    proptest! {
        #[test]
        fn binaries_round_trip(n1 in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
                               n2 in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
                               id in any::<u8>()) {
            let u = SmContextUpdated::new(Default::default(), n1.clone(), n2.clone());
            let (_, back) = through_json(u.clone());
            prop_assert_eq!(back, u);
            let t = N1N2MessageTransfer::sm(id, n1, n2.map(|b| (NgapIeType::PduResSetupReq, b)));
            let (_, back) = through_json(t.clone());
            prop_assert_eq!(back, t);
        }
    }
}
