//! The messages the AMF, SMF and UE emit, built with ferrocore-nas' API, with their
//! mandatory IEs and several optional ones set to non-default values.

use ferrocore_nas::identity::{ImsiSuci, MobileIdentity, ProtectionScheme, SchemeOutput};
use ferrocore_nas::ies::{Snssai, UeSecurityCapability, nssai_ie};
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, Protected, SecurityHeaderType};
use ferrocore_testkit::hex;

pub fn suci_null() -> NasFGsMobileIdentity {
    MobileIdentity::Suci(ImsiSuci {
        mcc: "208".into(),
        mnc: "93".into(),
        routing_indicator: "1234".into(),
        scheme: ProtectionScheme::Null,
        home_network_public_key_id: 0,
        output: SchemeOutput::Msin("0000000001".into()),
    })
    .to_ie()
    .unwrap()
}

pub fn suci_profile_a() -> NasFGsMobileIdentity {
    MobileIdentity::Suci(ImsiSuci {
        mcc: "001".into(),
        mnc: "01".into(),
        routing_indicator: "0".into(),
        scheme: ProtectionScheme::ProfileA,
        home_network_public_key_id: 3,
        output: SchemeOutput::Ecies {
            ephemeral_public_key: (1..=32).collect(),
            ciphertext: vec![0xa1, 0xa2, 0xa3, 0xa4, 0xa5],
            mac_tag: [1, 2, 3, 4, 5, 6, 7, 8],
        },
    })
    .to_ie()
    .unwrap()
}

pub fn guti() -> NasFGsMobileIdentity {
    NasFGsMobileIdentity::new(hex("f202f839ca01fe11223344"))
}

fn ksi(v: u8) -> NasKeySetIdentifier {
    NasKeySetIdentifier::new(v)
}

fn seccap() -> NasUeSecurityCapability {
    UeSecurityCapability {
        ea: 0xf0,
        ia: 0x70,
        eea: None,
        eia: None,
    }
    .to_ie()
}

fn requested_nssai() -> NasNssai {
    nssai_ie(&[
        Snssai::new(1, None),
        Snssai::new(1, Some(0xffffff)),
        Snssai::new(2, Some(0x0a0b0c)),
    ])
    .unwrap()
}

fn dnn() -> NasDnn {
    NasDnn::new(b"\x08internet".to_vec())
}

fn epco() -> NasExtendedProtocolConfigurationOptions {
    NasExtendedProtocolConfigurationOptions::new(hex("80000d00000a00"))
}

pub fn pdu_session_establishment_request() -> NasMessage {
    NasMessage::sm(
        NasPduSessionEstablishmentRequest::new(NasIntegrityProtectionMaximumDataRate::new(0xffff))
            .with_pdu_session_type(NasPduSessionType::new(1))
            .with_ssc_mode(NasSscMode::new(1))
            .with_extended_protocol_configuration_options(epco()),
        5,
        1,
    )
}

pub fn registration_request(identity: NasFGsMobileIdentity, follow_on: bool) -> NasMessage {
    NasMessage::mm(
        NasRegistrationRequest::new(
            NasFGsRegistrationType::new(if follow_on { 0x09 } else { 0x01 }),
            ksi(7),
            identity,
        )
        .with_fgmm_capability(NasFGmmCapability::new(hex("07")))
        .with_ue_security_capability(seccap())
        .with_requested_nssai(requested_nssai())
        .with_uplink_data_status(NasUplinkDataStatus::new(hex("2000")))
        .with_pdu_session_status(NasPduSessionStatus::new(hex("2000"))),
    )
}

fn sm_bytes() -> Vec<u8> {
    ferrocore_nas::encode(&pdu_session_establishment_request()).unwrap()
}

/// (name, message) for each message ferrocore emits.
pub fn emitted() -> Vec<(&'static str, NasMessage)> {
    let inner_reg = ferrocore_nas::encode(&registration_request(guti(), true)).unwrap();
    let tai_list = NasFGsTrackingAreaIdentityList::new(hex("0002f839000001"));
    let allowed = NasNssai::new(hex("0101"));
    let est_accept = NasPduSessionEstablishmentAccept::new(
        NasPduSessionType::new(1),
        NasSscMode::new(1),
        NasQosRules::new(hex("0100063131010 1ff01".replace(' ', "").as_str())),
        NasSessionAmbr::new(hex("060064060032")),
    )
    .with_pdu_address(NasPduAddress::new(hex("010a2d0002")))
    .with_s_nssai(NasSNssai::new(hex("01")))
    .with_dnn(dnn());
    vec![
        (
            "registration_request_suci_null",
            registration_request(suci_null(), true),
        ),
        (
            "registration_request_suci_profile_a",
            registration_request(suci_profile_a(), false),
        ),
        (
            "registration_request_guti",
            registration_request(guti(), true),
        ),
        (
            "registration_accept",
            NasMessage::mm(
                NasRegistrationAccept::new(NasFGsRegistrationResult::new(vec![0x09]))
                    .with_fg_guti(guti())
                    .with_tai_list(tai_list.clone())
                    .with_allowed_nssai(allowed.clone())
                    .with_fgs_network_feature_support(NasFGsNetworkFeatureSupport::new(hex("01")))
                    .with_pdu_session_status(NasPduSessionStatus::new(hex("2000")))
                    .with_t3512_value(NasT3512Value::new(vec![0x21])),
            ),
        ),
        (
            "registration_complete",
            NasMessage::mm(NasRegistrationComplete::new()),
        ),
        (
            "registration_reject",
            NasMessage::mm(
                NasRegistrationReject::new(NasFGmmCause::new(22))
                    .with_t3346_value(NasGprsTimer2::new(vec![0x2a]))
                    .with_t3502_value(NasGprsTimer2::new(vec![0x2c])),
            ),
        ),
        (
            "authentication_request",
            NasMessage::mm(
                NasAuthenticationRequest::new(ksi(2), NasAbba::new(hex("0000")))
                    .with_authentication_parameter_rand(NasAuthenticationParameterRand::new(
                        (0..16).collect::<Vec<u8>>(),
                    ))
                    .with_authentication_parameter_autn(NasAuthenticationParameterAutn::new(
                        (16..32).collect::<Vec<u8>>(),
                    )),
            ),
        ),
        (
            "authentication_response",
            NasMessage::mm(
                NasAuthenticationResponse::new().with_authentication_response_parameter(
                    NasAuthenticationResponseParameter::new((100..116).collect::<Vec<u8>>()),
                ),
            ),
        ),
        (
            "authentication_reject",
            NasMessage::mm(
                NasAuthenticationReject::new()
                    .with_eap_message(NasEapMessage::new(hex("04010004"))),
            ),
        ),
        (
            "authentication_failure",
            NasMessage::mm(
                NasAuthenticationFailure::new(NasFGmmCause::new(21))
                    .with_authentication_failure_parameter(NasAuthenticationFailureParameter::new(
                        (0..14).collect::<Vec<u8>>(),
                    )),
            ),
        ),
        (
            "security_mode_command",
            NasMessage::mm(
                NasSecurityModeCommand::new(NasSecurityAlgorithms::new(0x22), ksi(2), seccap())
                    .with_imeisv_request(NasImeisvRequest::new(1))
                    .with_abba(NasAbba::new(hex("0000"))),
            ),
        ),
        (
            "security_mode_complete",
            NasMessage::mm(
                NasSecurityModeComplete::new()
                    .with_imeisv(NasFGsMobileIdentity::from_imeisv("4901542032375816").unwrap())
                    .with_nas_message_container(NasMessageContainer::new(inner_reg)),
            ),
        ),
        (
            "security_mode_reject",
            NasMessage::mm(NasSecurityModeReject::new(NasFGmmCause::new(23))),
        ),
        (
            "identity_request",
            NasMessage::mm(NasIdentityRequest::new(NasFGsIdentityType::new(5))),
        ),
        (
            "identity_response",
            NasMessage::mm(NasIdentityResponse::new(
                NasFGsMobileIdentity::from_imei("490154203237518").unwrap(),
            )),
        ),
        (
            "service_request",
            NasMessage::mm(
                NasServiceRequest::new(
                    ksi(2),
                    NasServiceType::new(1),
                    NasFGsMobileIdentity::new(hex("f401fe11223344")),
                )
                .with_uplink_data_status(NasUplinkDataStatus::new(hex("2000")))
                .with_pdu_session_status(NasPduSessionStatus::new(hex("2000"))),
            ),
        ),
        (
            "service_accept",
            NasMessage::mm(
                NasServiceAccept::new()
                    .with_pdu_session_status(NasPduSessionStatus::new(hex("2000"))),
            ),
        ),
        (
            "service_reject",
            NasMessage::mm(
                NasServiceReject::new(NasFGmmCause::new(22))
                    .with_pdu_session_status(NasPduSessionStatus::new(hex("2000")))
                    .with_t3346_value(NasGprsTimer2::new(vec![0x21])),
            ),
        ),
        (
            "deregistration_request_ue_originating",
            NasMessage::mm(NasDeregistrationRequestUeOriginating::new(
                NasDeRegistrationType::new(0x09),
                ksi(2),
                guti(),
            )),
        ),
        (
            "deregistration_accept_ue_originating",
            NasMessage::mm(NasDeregistrationAcceptUeOriginating::new()),
        ),
        (
            "deregistration_request_ue_terminated",
            NasMessage::mm(
                NasDeregistrationRequestUeTerminated::new(NasDeRegistrationType::new(0x05))
                    .with_fgmm_cause(NasFGmmCause::new(9))
                    .with_t3346_value(NasGprsTimer2::new(vec![0x21])),
            ),
        ),
        (
            "deregistration_accept_ue_terminated",
            NasMessage::mm(NasDeregistrationAcceptUeTerminated::new()),
        ),
        (
            "configuration_update_command",
            NasMessage::mm(
                NasConfigurationUpdateCommand::new()
                    .with_configuration_update_indication(NasConfigurationUpdateIndication::new(1))
                    .with_fg_guti(guti())
                    .with_tai_list(tai_list)
                    .with_allowed_nssai(allowed),
            ),
        ),
        (
            "configuration_update_complete",
            NasMessage::mm(NasConfigurationUpdateComplete::new()),
        ),
        (
            "ul_nas_transport",
            NasMessage::mm(
                NasUlNasTransport::new(
                    NasPayloadContainerType::new(1),
                    NasPayloadContainer::new(sm_bytes()),
                )
                .with_pdu_session_id(NasPduSessionIdentity2::new(5))
                .with_request_type(NasRequestType::new(1))
                .with_s_nssai(NasSNssai::new(hex("01")))
                .with_dnn(dnn()),
            ),
        ),
        (
            "dl_nas_transport",
            NasMessage::mm(
                NasDlNasTransport::new(
                    NasPayloadContainerType::new(1),
                    NasPayloadContainer::new(sm_bytes()),
                )
                .with_pdu_session_id(NasPduSessionIdentity2::new(5))
                .with_fgmm_cause(NasFGmmCause::new(90)),
            ),
        ),
        (
            "fgmm_status",
            NasMessage::mm(NasFGmmStatus::new(NasFGmmCause::new(98))),
        ),
        (
            "pdu_session_establishment_request",
            pdu_session_establishment_request(),
        ),
        (
            "pdu_session_establishment_accept",
            NasMessage::sm(est_accept, 5, 1),
        ),
        (
            "pdu_session_establishment_reject",
            NasMessage::sm(
                NasPduSessionEstablishmentReject::new(NasFGsmCause::new(27))
                    .with_back_off_timer_value(NasGprsTimer3::new(vec![0x21])),
                5,
                1,
            ),
        ),
        (
            "pdu_session_modification_request",
            NasMessage::sm(
                NasPduSessionModificationRequest::new()
                    .with_fgsm_capability(NasFGsmCapability::new(hex("00")))
                    .with_fgsm_cause(NasFGsmCause::new(36)),
                5,
                1,
            ),
        ),
        (
            "pdu_session_modification_reject",
            NasMessage::sm(
                NasPduSessionModificationReject::new(NasFGsmCause::new(26))
                    .with_back_off_timer_value(NasGprsTimer3::new(vec![0x21])),
                5,
                1,
            ),
        ),
        (
            "pdu_session_modification_command",
            NasMessage::sm(
                NasPduSessionModificationCommand::new()
                    .with_fgsm_cause(NasFGsmCause::new(36))
                    .with_session_ambr(NasSessionAmbr::new(hex("060064060032"))),
                5,
                1,
            ),
        ),
        (
            "pdu_session_modification_complete",
            NasMessage::sm(
                NasPduSessionModificationComplete::new()
                    .with_extended_protocol_configuration_options(epco()),
                5,
                1,
            ),
        ),
        (
            "pdu_session_modification_command_reject",
            NasMessage::sm(
                NasPduSessionModificationCommandReject::new(NasFGsmCause::new(43)),
                5,
                1,
            ),
        ),
        (
            "pdu_session_release_request",
            NasMessage::sm(
                NasPduSessionReleaseRequest::new().with_fgsm_cause(NasFGsmCause::new(36)),
                5,
                1,
            ),
        ),
        (
            "pdu_session_release_reject",
            NasMessage::sm(NasPduSessionReleaseReject::new(NasFGsmCause::new(43)), 5, 1),
        ),
        (
            "pdu_session_release_command",
            NasMessage::sm(
                NasPduSessionReleaseCommand::new(NasFGsmCause::new(36))
                    .with_back_off_timer_value(NasGprsTimer3::new(vec![0x21])),
                5,
                1,
            ),
        ),
        (
            "pdu_session_release_complete",
            NasMessage::sm(
                NasPduSessionReleaseComplete::new().with_fgsm_cause(NasFGsmCause::new(36)),
                5,
                1,
            ),
        ),
        (
            "fgsm_status",
            NasMessage::sm(NasFGsmStatus::new(NasFGsmCause::new(98)), 5, 1),
        ),
        (
            "protected_integrity_service_request",
            NasMessage::Protected(
                Protected::integrity_protected(
                    SecurityHeaderType::IntegrityProtected,
                    0xdeadbeef,
                    7,
                    NasMessage::mm(NasRegistrationComplete::new()),
                )
                .unwrap(),
            ),
        ),
        (
            "protected_smc_new_context",
            NasMessage::Protected(
                Protected::integrity_protected(
                    SecurityHeaderType::IntegrityProtectedNewContext,
                    0x01020304,
                    0,
                    NasMessage::mm(NasSecurityModeCommand::new(
                        NasSecurityAlgorithms::new(0x22),
                        ksi(2),
                        seccap(),
                    )),
                )
                .unwrap(),
            ),
        ),
        (
            "protected_ciphered",
            NasMessage::Protected(
                Protected::ciphered(
                    SecurityHeaderType::IntegrityProtectedAndCiphered,
                    0xcafef00d,
                    3,
                    hex("a1b2c3d4e5f60718"),
                )
                .unwrap(),
            ),
        ),
    ]
}
