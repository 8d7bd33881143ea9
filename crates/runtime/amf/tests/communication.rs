//! Namf_Communication through the runtime: an N1N2MessageTransfer on an
//! `AmfCommunication` handle reaches the engine task and its answer comes back.

use std::sync::Arc;

use ferrocore_amf::{Amf, AmfConfig};
use ferrocore_amf_io::{AmfCommunication, AmfServices, NoSmf};
use ferrocore_sbi::namf_communication::{CommunicationService, N1N2MessageTransfer};
use ferrocore_sbi::nausf_ueau::{
    AuthenticationInfo, ConfirmationData, ConfirmationDataResponse, UeAuthenticationCtx,
    UeAuthenticationService,
};
use ferrocore_sbi::nudm_sdm::{
    AccessAndMobilitySubscriptionData, Nssai, SdmQuery, SdmService, SmDataQuery, SmSubsData,
    SmfSelectionSubscriptionData,
};
use ferrocore_sbi::nudm_uecm::{Amf3GppAccessRegistration, UecmService};
use ferrocore_sbi::{Created, SbiError, Upserted, async_trait};
use ferrocore_sctp_io::{SctpConfig, SctpListener, Transport};

/// No home network: every call fails (this test registers no UE).
struct Nobody;

fn no() -> SbiError {
    SbiError::target_not_reachable("no home network in this test")
}

#[async_trait]
impl UeAuthenticationService for Nobody {
    async fn authenticate(
        &self,
        _: AuthenticationInfo,
    ) -> Result<Created<UeAuthenticationCtx>, SbiError> {
        Err(no())
    }
    async fn confirm_5g_aka(
        &self,
        _: &str,
        _: ConfirmationData,
    ) -> Result<ConfirmationDataResponse, SbiError> {
        Err(no())
    }
}

#[async_trait]
impl UecmService for Nobody {
    async fn register_amf_3gpp_access(
        &self,
        _: &str,
        _: Amf3GppAccessRegistration,
    ) -> Result<Upserted<Amf3GppAccessRegistration>, SbiError> {
        Err(no())
    }
}

#[async_trait]
impl SdmService for Nobody {
    async fn get_am_data(
        &self,
        _: &str,
        _: SdmQuery,
    ) -> Result<AccessAndMobilitySubscriptionData, SbiError> {
        Err(no())
    }
    async fn get_smf_select_data(
        &self,
        _: &str,
        _: SdmQuery,
    ) -> Result<SmfSelectionSubscriptionData, SbiError> {
        Err(no())
    }
    async fn get_sm_data(&self, _: &str, _: SmDataQuery) -> Result<SmSubsData, SbiError> {
        Err(no())
    }
    async fn get_nssai(&self, _: &str, _: SdmQuery) -> Result<Nssai, SbiError> {
        Err(no())
    }
}

#[tokio::test]
async fn n1n2_transfer_goes_through_the_engine_task() {
    let listener = SctpListener::bind(SctpConfig {
        udp_port: 0,
        ..SctpConfig::listener(Transport::Udp, "127.0.0.1".parse().unwrap(), 0)
    })
    .await
    .unwrap();
    let services = AmfServices {
        ausf: Arc::new(Nobody),
        uecm: Arc::new(Nobody),
        sdm: Arc::new(Nobody),
        smf: Arc::new(NoSmf),
    };
    // The handle exists before the AMF, as an SMF built first would hold it.
    let (comm, inbox) = AmfCommunication::channel();
    let amf = Amf::new(AmfConfig::default()).unwrap();
    let handle = ferrocore_amf_io::spawn_with_communication(amf, listener, services, inbox);
    let t = N1N2MessageTransfer::sm(5, Some(vec![0x2e, 5, 1, 0xc2]), None);
    let e = comm
        .n1_n2_message_transfer("imsi-001010000000001", t.clone())
        .await
        .unwrap_err();
    assert_eq!(e.status, 404, "{e:?}");
    let e = handle
        .communication()
        .n1_n2_message_transfer("imsi-001010000000001", t.clone())
        .await
        .unwrap_err();
    assert_eq!(e.status, 404);
    assert_eq!(handle.metrics().value("amf_n1n2_transfer_req_total"), 2);
    handle.stop().await;
    let e = comm
        .n1_n2_message_transfer("imsi-001010000000001", t)
        .await
        .unwrap_err();
    assert_eq!(e.status, 503);
}
