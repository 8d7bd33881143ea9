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
