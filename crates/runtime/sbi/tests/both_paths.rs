//! One test body per service, run against the implementation called in-process and
//! through its router and HTTP/2 client on 127.0.0.1: both give the same results,
//! error answers (status, cause, invalidParams) included.

mod common;

use std::fmt::Debug;
use std::sync::Arc;

use common::*;
use ferrocore_sbi::common::*;
use ferrocore_sbi::nausf_ueau::*;
use ferrocore_sbi::nudm_sdm::*;
use ferrocore_sbi::nudm_ueau::*;
use ferrocore_sbi::nudm_uecm::*;
use ferrocore_sbi::nudr_dr::*;
use ferrocore_sbi::{SbiError, Upserted, cause};
use ferrocore_sbi::{namf_communication as namf, nsmf_pdusession as nsmf};
use ferrocore_sbi_http::{
    HttpClient, namf_communication, nausf_ueau, nsmf_pdusession, nudm_sdm, nudm_ueau, nudm_uecm,
    nudr_dr,
};

/// One call's outcome, comparable across the two paths.
type Outcome = Result<String, SbiError>;

fn out<T: Debug>(r: Result<T, SbiError>) -> Outcome {
    r.map(|v| format!("{v:?}"))
}

fn status_cause(o: &Outcome) -> (u16, Option<&str>) {
    let e = o.as_ref().expect_err("expected an error");
    (e.status, e.cause())
}

fn client(root: &str) -> HttpClient {
    HttpClient::new(root).unwrap()
}

/// Runs `body` against `local` called in-process, then against the same kind of producer
/// behind `router` through the HTTP/2 client `remote` makes: both give the same outcomes,
/// and every request went over HTTP/2.
async fn in_process_equals_http2<S, O, F>(
    body: impl Fn(Arc<S>) -> F,
    local: Arc<S>,
    router: axum::Router,
    remote: impl FnOnce(HttpClient) -> Arc<S>,
) where
    S: ?Sized,
    O: PartialEq + Debug,
    F: std::future::Future<Output = O>,
{
    let local = body(local).await;
    let (server, versions) = start(router).await;
    let remote = body(remote(client(&server.api_root()))).await;
    assert_eq!(local, remote);
    assert_all_h2(&versions);
}

async fn ausf_body(svc: Arc<dyn UeAuthenticationService>) -> Vec<Outcome> {
    let info = |id: &str, snn: &str| AuthenticationInfo {
        supi_or_suci: id.into(),
        serving_network_name: snn.into(),
        resynchronization_info: None,
        pei: None,
        routing_indicator: None,
        supported_features: None,
    };
    let created = svc.authenticate(info(SUCI, SNN)).await.unwrap();
    let ctx = created.resource_id().to_owned();
    let confirm = |res: Option<ferrocore_sbi::hex::Hex<16>>| ConfirmationData {
        res_star: res,
        supported_features: None,
    };
    let o = vec![
        Ok(format!("{created:?}")),
        out(svc
            .authenticate(info(SUCI, "5G:mnc099.mcc999.3gppnetwork.org"))
            .await),
        out(svc.authenticate(info("imsi-999990000000000", SNN)).await),
        out(svc.confirm_5g_aka(&ctx, confirm(Some(h(3)))).await),
        out(svc.confirm_5g_aka(&ctx, confirm(None)).await),
        out(svc.confirm_5g_aka("ctx-none", confirm(Some(h(3)))).await),
    ];
    assert_eq!(
        status_cause(&o[1]),
        (403, Some(cause::SERVING_NETWORK_NOT_AUTHORIZED))
    );
    assert_eq!(status_cause(&o[2]), (404, Some(cause::USER_NOT_FOUND)));
    assert!(o[3].as_ref().unwrap().contains("AuthenticationSuccess"));
    assert!(o[4].as_ref().unwrap().contains("AuthenticationFailure"));
    assert_eq!(status_cause(&o[5]), (404, Some(cause::CONTEXT_NOT_FOUND)));
    o
}

fn auth_request(snn: &str) -> AuthenticationInfoRequest {
    AuthenticationInfoRequest {
        supported_features: None,
        serving_network_name: snn.into(),
        resynchronization_info: None,
        ausf_instance_id: NF_ID.into(),
        n5gc_ind: None,
    }
}

fn auth_event() -> AuthEvent {
    AuthEvent {
        nf_instance_id: NF_ID.into(),
        success: true,
        time_stamp: "2026-01-01T12:00:00Z".into(),
        auth_type: AuthType::FiveGAka,
        serving_network_name: SNN.into(),
        auth_removal_ind: None,
        nf_set_id: None,
        reset_ids: None,
        data_restoration_callback_uri: None,
        udr_restart_ind: None,
    }
}

async fn ueau_body(svc: Arc<dyn UeauService>) -> Vec<Outcome> {
    let mut resync = auth_request(SNN);
    resync.resynchronization_info = Some(ResynchronizationInfo {
        rand: h(1),
        auts: h(5),
    });
    let o = vec![
        out(svc.generate_auth_data(SUCI, auth_request(SNN)).await),
        out(svc.generate_auth_data(SUCI, resync).await),
        out(svc
            .generate_auth_data(SUCI, auth_request("5G:mnc099.mcc999.3gppnetwork.org"))
            .await),
        out(svc
            .generate_auth_data("suci-0-999-99-0000-0-0-0000000001", auth_request(SNN))
            .await),
        out(svc.confirm_auth(SUPI, auth_event()).await),
        out(svc.confirm_auth("imsi-999990000000000", auth_event()).await),
    ];
    assert!(o[0].as_ref().unwrap().contains("Av5GHeAka"));
    assert_ne!(o[0], o[1]);
    assert_eq!(
        status_cause(&o[2]),
        (403, Some(cause::SERVING_NETWORK_NOT_AUTHORIZED))
    );
    assert_eq!(status_cause(&o[3]), (404, Some(cause::USER_NOT_FOUND)));
    assert!(o[4].as_ref().unwrap().contains("/auth-events/1"));
    assert_eq!(status_cause(&o[5]), (404, Some(cause::USER_NOT_FOUND)));
    o
}

async fn sdm_body(svc: Arc<dyn SdmService>) -> Vec<Outcome> {
    let home = SdmQuery {
        plmn_id: Some(plmn()),
        supported_features: None,
    };
    let away = SdmQuery {
        plmn_id: Some(PlmnId {
            mcc: "208".into(),
            mnc: "93".into(),
        }),
        supported_features: None,
    };
    let slice = |sst| SmDataQuery {
        single_nssai: Some(Snssai { sst, sd: None }),
        dnn: Some("ims".into()),
        ..Default::default()
    };
    let o = vec![
        out(svc.get_am_data(SUPI, home.clone()).await),
        out(svc.get_am_data(SUPI, away).await),
        out(svc
            .get_am_data("imsi-999990000000000", SdmQuery::default())
            .await),
        out(svc.get_smf_select_data(SUPI, home.clone()).await),
        out(svc.get_sm_data(SUPI, slice(1)).await),
        out(svc.get_sm_data(SUPI, slice(2)).await),
        out(svc.get_nssai(SUPI, SdmQuery::default()).await),
    ];
    assert_eq!(o[0], out::<_>(Ok(am_data())));
    assert_eq!(status_cause(&o[1]), (404, Some(cause::DATA_NOT_FOUND)));
    assert_eq!(status_cause(&o[2]), (404, Some(cause::USER_NOT_FOUND)));
    assert_eq!(o[4], out::<_>(Ok(sm_data("ims"))));
    assert_eq!(status_cause(&o[5]), (404, Some(cause::DATA_NOT_FOUND)));
    assert_eq!(o[6], out::<_>(Ok(nssai())));
    o
}

fn registration(initial: Option<bool>) -> Amf3GppAccessRegistration {
    let guami = Guami {
        plmn_id: PlmnIdNid::new("001", "01"),
        amf_id: "cafe00".into(),
    };
    Amf3GppAccessRegistration {
        initial_registration_ind: initial,
        ..Amf3GppAccessRegistration::new(NF_ID, "http://amf.example/dereg", guami, RatType::Nr)
    }
}

async fn uecm_body(svc: Arc<dyn UecmService>) -> Vec<Outcome> {
    let o = vec![
        out(svc
            .register_amf_3gpp_access(SUPI, registration(Some(true)))
            .await),
        out(svc
            .register_amf_3gpp_access(SUPI, registration(Some(true)))
            .await),
        out(svc.register_amf_3gpp_access(SUPI, registration(None)).await),
        out(svc
            .register_amf_3gpp_access("imsi-999990000000000", registration(None))
            .await),
    ];
    assert!(o[0].as_ref().unwrap().starts_with("Created("));
    assert!(o[1].as_ref().unwrap().starts_with("Updated("));
    assert_eq!(o[2], out::<Upserted<()>>(Ok(Upserted::UpdatedNoContent)));
    assert_eq!(status_cause(&o[3]), (404, Some(cause::USER_NOT_FOUND)));
    o
}

async fn dr_body(svc: Arc<dyn DataRepositoryService>) -> Vec<Outcome> {
    let seq = SequenceNumber {
        sqn_scheme: Some(SqnScheme::NonTimeBased),
        sqn: Some(ferrocore_sbi::hex::Hex([0, 0, 0, 0, 0, 0x41])),
        last_indexes: None,
        ind_length: None,
    };
    let replace = |path: &str, value: serde_json::Value| PatchItem {
        op: PatchOperation::Replace,
        path: path.into(),
        from: None,
        value: Some(value),
    };
    let away = PlmnId {
        mcc: "208".into(),
        mnc: "93".into(),
    };
    let o = vec![
        out(svc.query_authentication_subscription(SUPI).await),
        out(svc
            .modify_authentication_subscription(
                SUPI,
                vec![replace(
                    "/sequenceNumber",
                    serde_json::to_value(&seq).unwrap(),
                )],
            )
            .await),
        out(svc.query_authentication_subscription(SUPI).await),
        out(svc
            .modify_authentication_subscription(
                SUPI,
                vec![replace("/encPermanentKey", "00".into())],
            )
            .await),
        out(svc
            .modify_authentication_subscription(
                SUPI,
                vec![PatchItem {
                    op: PatchOperation::Remove,
                    path: "/sequenceNumber/sqn".into(),
                    from: None,
                    value: None,
                }],
            )
            .await),
        out(svc
            .query_authentication_subscription("imsi-999990000000000")
            .await),
        out(svc.create_authentication_status(SUPI, auth_event()).await),
        out(svc.query_am_data(SUPI, &plmn()).await),
        out(svc.query_am_data(SUPI, &away).await),
        out(svc.query_smf_selection_data(SUPI, &plmn()).await),
        out(svc
            .query_sm_data(
                SUPI,
                &plmn(),
                Some(Snssai { sst: 1, sd: None }),
                Some("ims".into()),
            )
            .await),
        out(svc
            .query_sm_data(SUPI, &plmn(), Some(Snssai { sst: 3, sd: None }), None)
            .await),
    ];
    assert_eq!(o[1], Ok("None".into()));
    assert!(
        o[2].as_ref().unwrap().contains("0x41") || o[2].as_ref().unwrap().contains("000000000041")
    );
    assert!(o[3].as_ref().unwrap().contains("read-only"));
    assert_eq!(
        status_cause(&o[4]),
        (403, Some(cause::MODIFICATION_NOT_ALLOWED))
    );
    assert_eq!(status_cause(&o[5]), (404, Some(cause::USER_NOT_FOUND)));
    assert_eq!(o[6], Ok("()".into()));
    assert_eq!(status_cause(&o[8]), (404, Some(cause::DATA_NOT_FOUND)));
    assert_eq!(o[10], out::<_>(Ok(sm_data("ims"))));
    assert_eq!(status_cause(&o[11]), (404, Some(cause::DATA_NOT_FOUND)));
    o
}

fn sm_create(dnn: &str, n1: Option<&[u8]>) -> nsmf::SmContextCreate {
    let data = nsmf::SmContextCreateData {
        supi: Some(SUPI.into()),
        pdu_session_id: Some(1),
        dnn: Some(dnn.into()),
        s_nssai: Some(Snssai { sst: 1, sd: None }),
        request_type: Some(nsmf::RequestType::InitialRequest),
        rat_type: Some(RatType::Nr),
        ..nsmf::SmContextCreateData::new(
            NF_ID,
            PlmnIdNid::new("001", "01"),
            AccessType::ThreeGppAccess,
            "http://amf.example/sm-status/1",
        )
    };
    nsmf::SmContextCreate::new(data, n1.map(<[u8]>::to_vec), None)
}

fn sm_update(
    data: nsmf::SmContextUpdateData,
    n1: Option<&[u8]>,
    n2: Option<&[u8]>,
) -> nsmf::SmContextUpdate {
    nsmf::SmContextUpdate::new(data, n1.map(<[u8]>::to_vec), n2.map(<[u8]>::to_vec))
}

type SmOutcome = Result<String, nsmf::SmContextError>;

fn sm_out<T: Debug>(r: Result<T, nsmf::SmContextError>) -> SmOutcome {
    r.map(|v| format!("{v:?}"))
}

async fn smf_body(svc: Arc<dyn nsmf::PduSessionService>) -> (Vec<SmOutcome>, Vec<Outcome>) {
    use nsmf::{N2SmInfoType, SmContextUpdateData, UpCnxState};
    let created = svc
        .create_sm_context(sm_create("internet", Some(N1_EST_REQ)))
        .await
        .unwrap();
    let id = created.resource_id().to_owned();
    assert_eq!(
        created.body.n2_sm_info.as_deref(),
        Some(N1_EST_REQ),
        "N2 echoes N1"
    );
    let setup_rsp = SmContextUpdateData {
        n2_sm_info_type: Some(N2SmInfoType::PduResSetupRsp),
        ..Default::default()
    };
    let deactivate = SmContextUpdateData {
        up_cnx_state: Some(UpCnxState::Deactivated),
        ..Default::default()
    };
    let release_req = SmContextUpdateData {
        release: Some(true),
        ..Default::default()
    };
    let (smf, ctx) = (&*svc, id.as_str());
    let update = move |ctx, data, n1, n2| smf.update_sm_context(ctx, sm_update(data, n1, n2));
    let o = vec![
        Ok(format!("{created:?}")),
        sm_out(
            svc.create_sm_context(sm_create("ims", Some(N1_EST_REQ)))
                .await,
        ),
        sm_out(svc.create_sm_context(sm_create("internet", None)).await),
        sm_out(update(ctx, setup_rsp.clone(), None, Some(N2_SETUP_RSP)).await),
        sm_out(update(ctx, setup_rsp, None, Some(&[1])).await),
        sm_out(update(ctx, deactivate, None, None).await),
        sm_out(update(ctx, release_req, Some(&[0x2e, 0x01, 0x01, 0xd1]), None).await),
        sm_out(update("77", Default::default(), None, None).await),
    ];
    let rejected = o[1].as_ref().unwrap_err();
    assert_eq!(
        (rejected.status(), rejected.cause()),
        (403, Some(nsmf::cause::DNN_NOT_SUPPORTED))
    );
    assert_eq!(rejected.n1_sm_msg.as_deref(), Some(N1_EST_REJ));
    assert_eq!(
        o[2].as_ref().unwrap_err().cause(),
        Some(nsmf::cause::N1_SM_ERROR)
    );
    assert_eq!(o[3], Ok("None".into()));
    assert_eq!(
        o[4].as_ref().unwrap_err().cause(),
        Some(nsmf::cause::N2_SM_ERROR)
    );
    assert!(o[5].as_ref().unwrap().contains("Deactivated"));
    assert!(o[6].as_ref().unwrap().contains("PduResRelCmd"));
    let e = o[7].as_ref().unwrap_err();
    assert_eq!(
        (e.status(), e.cause()),
        (404, Some(cause::CONTEXT_NOT_FOUND))
    );
    let release = |data| nsmf::SmContextRelease::new(data, Some(vec![0, 2]));
    let r = vec![
        out(svc
            .release_sm_context(&id, release(Default::default()))
            .await),
        out(svc
            .release_sm_context(&id, release(Default::default()))
            .await),
    ];
    assert_eq!(r[0], Ok("()".into()));
    assert_eq!(status_cause(&r[1]), (404, Some(cause::CONTEXT_NOT_FOUND)));
    (o, r)
}

async fn amf_body(svc: Arc<dyn namf::CommunicationService>) -> Vec<Outcome> {
    use namf::{N1N2MessageTransfer, NgapIeType};
    let transfer = |id, n1: Option<&[u8]>, n2: Option<&[u8]>| {
        N1N2MessageTransfer::sm(
            id,
            n1.map(<[u8]>::to_vec),
            n2.map(|b| (NgapIeType::PduResSetupReq, b.to_vec())),
        )
    };
    let o = vec![
        out(svc
            .n1_n2_message_transfer(SUPI, transfer(1, Some(N1_EST_ACC), Some(N2_SETUP_REQ)))
            .await),
        out(svc
            .n1_n2_message_transfer(SUPI, transfer(1, Some(N1_EST_ACC), None))
            .await),
        out(svc
            .n1_n2_message_transfer(SUPI, transfer(1, None, Some(N2_SETUP_REQ)))
            .await),
        out(svc
            .n1_n2_message_transfer(SUPI, transfer(5, None, Some(N2_SETUP_REQ)))
            .await),
        out(svc
            .n1_n2_message_transfer(SUPI, transfer(9, Some(N1_EST_ACC), None))
            .await),
        out(svc
            .n1_n2_message_transfer(SUPI, transfer(1, Some(&[0]), None))
            .await),
        out(svc
            .n1_n2_message_transfer("imsi-999990000000000", transfer(1, Some(N1_EST_ACC), None))
            .await),
    ];
    for x in &o[..3] {
        assert!(
            x.as_ref().unwrap().contains("N1N2TransferInitiated"),
            "{x:?}"
        );
    }
    assert!(o[3].as_ref().unwrap().contains("AttemptingToReachUe"));
    assert!(o[3].as_ref().unwrap().contains("/n1-n2-messages/1"));
    assert_eq!(
        status_cause(&o[4]),
        (
            409,
            Some(namf::cause::TEMPORARY_REJECT_REGISTRATION_ONGOING)
        )
    );
    assert_eq!(
        status_cause(&o[5]),
        (400, Some(cause::MANDATORY_IE_INCORRECT))
    );
    assert_eq!(status_cause(&o[6]), (404, Some(cause::CONTEXT_NOT_FOUND)));
    o
}

/// One test per service: its body against the test producer called in-process and
/// against the same producer behind the service's router, through its HTTP/2 client.
macro_rules! in_process_equals_http2 {
    ($($test:ident: $body:ident, $producer:expr, $service:ident::$client:ident;)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                in_process_equals_http2(
                    $body,
                    Arc::new($producer),
                    $service::router(Arc::new($producer)),
                    |c| Arc::new($service::$client(c)),
                )
                .await;
            }
        )*
    };
}

in_process_equals_http2! {
    nausf_ueau_in_process_equals_http2: ausf_body, TestAusf::default(), nausf_ueau::UeAuthenticationClient;
    nudm_ueau_in_process_equals_http2: ueau_body, TestUdm::default(), nudm_ueau::UeauClient;
    nudm_sdm_in_process_equals_http2: sdm_body, TestUdm::default(), nudm_sdm::SdmClient;
    nudm_uecm_in_process_equals_http2: uecm_body, TestUdm::default(), nudm_uecm::UecmClient;
    nudr_dr_in_process_equals_http2: dr_body, TestUdr::default(), nudr_dr::DataRepositoryClient;
    nsmf_pdusession_in_process_equals_http2: smf_body, TestSmf::default(), nsmf_pdusession::PduSessionClient;
    namf_communication_in_process_equals_http2: amf_body, TestAmf, namf_communication::CommunicationClient;
}

/// A consumer with no producer behind the address gets 504 TARGET_NF_NOT_REACHABLE.
#[tokio::test]
async fn unreachable_producer() {
    let (server, _) = start(nudm_sdm::router(Arc::new(TestUdm::default()))).await;
    let root = server.api_root();
    server.shutdown().await.unwrap();
    let sdm = nudm_sdm::SdmClient(client(&root));
    let e = sdm.get_nssai(SUPI, SdmQuery::default()).await.unwrap_err();
    assert_eq!(
        (e.status, e.cause()),
        (504, Some(cause::TARGET_NF_NOT_REACHABLE))
    );
}
