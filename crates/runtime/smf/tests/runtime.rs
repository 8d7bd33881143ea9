//! The SMF on tokio: the N4 socket sends the Association Setup Request at start and
//! answers heartbeats; `SmfHandle` serves Nsmf_PDUSession (a rejection carrying the
//! PDU SESSION ESTABLISHMENT REJECT for an unknown DNN) with SBI doubles, and the
//! operator's modification and release requests.

use std::sync::Arc;
use std::time::Duration;

use ferrocore_nas::NasMessage;
use ferrocore_nas::types::{
    Nas5gsmMessage, NasIntegrityProtectionMaximumDataRate, NasPduSessionEstablishmentRequest,
};
use ferrocore_pfcp::message::HeartbeatRequest;
use ferrocore_pfcp::{Body, Message};
use ferrocore_sbi::common::{AccessType, PlmnIdNid, Snssai};
use ferrocore_sbi::namf_communication::{
    CommunicationService, N1N2MessageTransfer, N1N2MessageTransferResult,
};
use ferrocore_sbi::nsmf_pdusession::{PduSessionService, SmContextCreate, SmContextCreateData};
use ferrocore_sbi::nudm_sdm::{
    AccessAndMobilitySubscriptionData, Nssai, SdmQuery, SdmService, SmDataQuery, SmSubsData,
    SmfSelectionSubscriptionData,
};
use ferrocore_sbi::{SbiError, async_trait};
use ferrocore_smf::{QosChange, Smf, SmfConfig, SmfError, UpfConfig};
use ferrocore_smf_io::{SmfServices, spawn};
use tokio::net::UdpSocket;

struct NoUdm;

#[async_trait]
impl SdmService for NoUdm {
    async fn get_am_data(
        &self,
        _: &str,
        _: SdmQuery,
    ) -> Result<AccessAndMobilitySubscriptionData, SbiError> {
        Err(SbiError::user_not_found("double"))
    }
    async fn get_smf_select_data(
        &self,
        _: &str,
        _: SdmQuery,
    ) -> Result<SmfSelectionSubscriptionData, SbiError> {
        Err(SbiError::user_not_found("double"))
    }
    async fn get_sm_data(&self, _: &str, _: SmDataQuery) -> Result<SmSubsData, SbiError> {
        Err(SbiError::user_not_found("double"))
    }
    async fn get_nssai(&self, _: &str, _: SdmQuery) -> Result<Nssai, SbiError> {
        Err(SbiError::user_not_found("double"))
    }
}

struct NoAmf;

#[async_trait]
impl CommunicationService for NoAmf {
    async fn n1_n2_message_transfer(
        &self,
        _: &str,
        _: N1N2MessageTransfer,
    ) -> Result<N1N2MessageTransferResult, SbiError> {
        Err(SbiError::system_failure("double"))
    }
}

fn create(dnn: &str) -> SmContextCreate {
    let r =
        NasPduSessionEstablishmentRequest::new(NasIntegrityProtectionMaximumDataRate::new(0xffff));
    let n1 = ferrocore_nas::encode(&NasMessage::sm(r, 1, 1)).unwrap();
    let data: SmContextCreateData = serde_json_like(dnn);
    SmContextCreate::new(data, Some(n1), None)
}

fn serde_json_like(dnn: &str) -> SmContextCreateData {
    SmContextCreateData {
        supi: Some("imsi-001010000000001".into()),
        pdu_session_id: Some(1),
        dnn: Some(dnn.into()),
        s_nssai: Some(Snssai { sst: 1, sd: None }),
        ..SmContextCreateData::new(
            "9f3b0a2c-0000-4000-8000-000000000001",
            PlmnIdNid::new("001", "01"),
            AccessType::ThreeGppAccess,
            "http://127.0.0.1:7003/status",
        )
    }
}

#[tokio::test]
async fn n4_socket_and_nsmf_handle() {
    let upf = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let n4 = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let cfg = SmfConfig {
        pfcp_listen: n4.local_addr().unwrap(),
        upfs: vec![UpfConfig {
            address: upf.local_addr().unwrap(),
            ..Default::default()
        }],
        ..SmfConfig::default()
    };
    let services = SmfServices {
        sdm: Arc::new(NoUdm),
        amf: Arc::new(NoAmf),
    };
    let smf = spawn(Smf::new(cfg).unwrap(), n4, services).unwrap();

    let mut buf = [0u8; 2048];
    let (n, from) = tokio::time::timeout(Duration::from_secs(10), upf.recv_from(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(from, smf.pfcp_addr());
    let m = ferrocore_pfcp::decode(&buf[..n]).unwrap();
    let Body::AssociationSetupRequest(a) = m.body else {
        panic!("{m:?}")
    };
    assert!(
        a.recovery_time_stamp > 3_900_000_000,
        "the runtime's start time (NTP)"
    );

    // A heartbeat from the UPF is answered with our Recovery Time Stamp.
    let hb = ferrocore_pfcp::encode(&Message::node(
        77,
        HeartbeatRequest {
            recovery_time_stamp: 1,
        },
    ))
    .unwrap();
    upf.send_to(&hb, from).await.unwrap();
    loop {
        let (n, _) = tokio::time::timeout(Duration::from_secs(10), upf.recv_from(&mut buf))
            .await
            .unwrap()
            .unwrap();
        let m = ferrocore_pfcp::decode(&buf[..n]).unwrap();
        if let Body::HeartbeatResponse(r) = m.body {
            assert_eq!(
                (m.header.sequence, r.recovery_time_stamp),
                (77, a.recovery_time_stamp)
            );
            break;
        }
    }

    // Nsmf_PDUSession through the handle: an unknown DNN is rejected with #27.
    let handle: Arc<dyn PduSessionService> = Arc::new(smf.clone());
    let e = handle.create_sm_context(create("nope")).await.unwrap_err();
    assert_eq!(e.status(), 403);
    let NasMessage::Sm(sm) = ferrocore_nas::decode(e.n1_sm_msg.as_deref().unwrap()).unwrap() else {
        panic!()
    };
    let Nas5gsmMessage::PduSessionEstablishmentReject(r) = sm.message else {
        panic!()
    };
    assert_eq!(r.fgsm_cause.value, 27);
    // The UDM double knows nobody: #29.
    let e = handle
        .create_sm_context(create("internet"))
        .await
        .unwrap_err();
    let NasMessage::Sm(sm) = ferrocore_nas::decode(e.n1_sm_msg.as_deref().unwrap()).unwrap() else {
        panic!()
    };
    let Nas5gsmMessage::PduSessionEstablishmentReject(r) = sm.message else {
        panic!()
    };
    assert_eq!(r.fgsm_cause.value, 29);
    assert!(
        smf.metrics()
            .render()
            .contains("smf_sm_pdu_sess_creation_req_total 2")
    );
    // The operator's side: a session the SMF does not hold is named in the error.
    let ambr = QosChange {
        session_ambr: Some((1_000_000, 2_000_000)),
        ..Default::default()
    };
    let supi = "imsi-001010000000001";
    assert_eq!(
        smf.modify_session(supi, 1, ambr).await,
        Err(SmfError::UnknownContext(format!("{supi} PDU session 1")))
    );
    assert_eq!(
        smf.release_session(supi, 1, 36).await,
        Err(SmfError::UnknownContext(format!("{supi} PDU session 1")))
    );
    smf.stop().await;
    assert!(
        handle
            .update_sm_context("1", Default::default())
            .await
            .is_err()
    );
    assert_eq!(
        smf.modify_session(supi, 1, ambr).await,
        Err(SmfError::Stopped)
    );
}
