//! Test implementations of the service traits (the real AUSF/UDM/UDR come later) and the
//! harness that runs one test body in-process and over HTTP/2.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::Version;
use ferrocore_sbi::common::*;
use ferrocore_sbi::hex::Hex;
use ferrocore_sbi::nausf_ueau::*;
use ferrocore_sbi::nudm_sdm::*;
use ferrocore_sbi::nudm_ueau::*;
use ferrocore_sbi::nudm_uecm::*;
use ferrocore_sbi::nudr_dr::*;
use ferrocore_sbi::{Created, SbiError, Upserted, async_trait};
use ferrocore_sbi::{namf_communication as namf, nsmf_pdusession as nsmf};
use ferrocore_sbi_http::RunningServer;

pub const SUPI: &str = "imsi-001010000000001";
pub const SUCI: &str = "suci-0-001-01-0000-0-0-0000000001";
pub const SNN: &str = "5G:mnc001.mcc001.3gppnetwork.org";
pub const NF_ID: &str = "9e4c1a52-8f0e-4d5b-9b8e-1f2a3b4c5d6e";
pub const ROOT: &str = "http://nf.example";

pub fn h<const N: usize>(seed: u8) -> Hex<N> {
    Hex(std::array::from_fn(|i| seed.wrapping_add(i as u8)))
}

pub fn plmn() -> PlmnId {
    PlmnId {
        mcc: "001".into(),
        mnc: "01".into(),
    }
}

/// A toy AUSF: one subscriber, one serving network.
#[derive(Default)]
pub struct TestAusf {
    contexts: Mutex<BTreeMap<String, Hex<16>>>,
}

#[async_trait]
impl UeAuthenticationService for TestAusf {
    async fn authenticate(
        &self,
        info: AuthenticationInfo,
    ) -> Result<Created<UeAuthenticationCtx>, SbiError> {
        if info.serving_network_name != SNN {
            return Err(SbiError::serving_network_not_authorized("not this PLMN"));
        }
        if info.supi_or_suci != SUCI && info.supi_or_suci != SUPI {
            return Err(SbiError::user_not_found("unknown subscriber"));
        }
        let mut ctxs = self.contexts.lock().unwrap();
        let id = format!("ctx-{}", ctxs.len() + 1);
        ctxs.insert(id.clone(), h(3));
        let location = format!("{ROOT}/nausf-auth/v1/ue-authentications/{id}");
        let links = BTreeMap::from([(
            "5g-aka".to_owned(),
            LinksValueSchema::One(Link {
                href: format!("{location}/5g-aka-confirmation"),
            }),
        )]);
        Ok(Created {
            location,
            body: UeAuthenticationCtx {
                auth_type: AuthType::FiveGAka,
                auth_data: AuthData5g::Av5gAka(Av5gAka {
                    rand: h(1),
                    hxres_star: h(2),
                    autn: h(4),
                }),
                links,
                serving_network_name: Some(SNN.into()),
            },
        })
    }

    async fn confirm_5g_aka(
        &self,
        auth_ctx_id: &str,
        data: ConfirmationData,
    ) -> Result<ConfirmationDataResponse, SbiError> {
        let expected = *self
            .contexts
            .lock()
            .unwrap()
            .get(auth_ctx_id)
            .ok_or_else(|| SbiError::context_not_found(format!("no context {auth_ctx_id}")))?;
        Ok(if data.res_star == Some(expected) {
            ConfirmationDataResponse {
                auth_result: AuthResult::AuthenticationSuccess,
                supi: Some(SUPI.into()),
                kseaf: Some(h(9)),
            }
        } else {
            ConfirmationDataResponse {
                auth_result: AuthResult::AuthenticationFailure,
                supi: None,
                kseaf: None,
            }
        })
    }
}

/// A toy UDM serving UEAU, SDM and UECM for one subscriber.
#[derive(Default)]
pub struct TestUdm {
    events: Mutex<u32>,
    registered: Mutex<Option<Amf3GppAccessRegistration>>,
}

fn known(id: &str) -> Result<(), SbiError> {
    if id == SUPI || id == SUCI {
        Ok(())
    } else {
        Err(SbiError::user_not_found(format!(
            "{id} is not a subscriber"
        )))
    }
}

pub fn nssai() -> Nssai {
    Nssai {
        supported_features: None,
        default_single_nssais: vec![Snssai { sst: 1, sd: None }],
        single_nssais: Some(vec![Snssai {
            sst: 1,
            sd: Some(Hex([0, 0, 1])),
        }]),
    }
}

pub fn am_data() -> AccessAndMobilitySubscriptionData {
    AccessAndMobilitySubscriptionData {
        gpsis: Some(vec!["msisdn-33600000001".into()]),
        subscribed_ue_ambr: Some(Ambr {
            uplink: "1 Gbps".into(),
            downlink: "2 Gbps".into(),
        }),
        nssai: Some(nssai()),
        ..Default::default()
    }
}

pub fn sm_data(dnn: &str) -> SmSubsData {
    let cfg = DnnConfiguration {
        pdu_session_types: PduSessionTypes {
            default_session_type: Some(PduSessionType::Ipv4),
            allowed_session_types: Some(vec![PduSessionType::Ipv4]),
        },
        ssc_modes: SscModes {
            default_ssc_mode: SscMode::SscMode1,
            allowed_ssc_modes: None,
        },
        iwk_eps_ind: None,
        five_g_qos_profile: None,
        session_ambr: Some(Ambr {
            uplink: "100 Mbps".into(),
            downlink: "200 Mbps".into(),
        }),
        charging_characteristics: None,
    };
    SmSubsData::List(vec![SessionManagementSubscriptionData {
        single_nssai: Snssai { sst: 1, sd: None },
        dnn_configurations: Some(BTreeMap::from([(dnn.to_owned(), cfg)])),
        internal_group_ids: None,
        supported_features: None,
    }])
}

#[async_trait]
impl UeauService for TestUdm {
    async fn generate_auth_data(
        &self,
        supi_or_suci: &str,
        request: AuthenticationInfoRequest,
    ) -> Result<AuthenticationInfoResult, SbiError> {
        known(supi_or_suci)?;
        if request.serving_network_name != SNN {
            return Err(SbiError::serving_network_not_authorized(
                "roaming not allowed",
            ));
        }
        let seed = if request.resynchronization_info.is_some() {
            0x40
        } else {
            0
        };
        Ok(AuthenticationInfoResult {
            auth_type: AuthType::FiveGAka,
            supported_features: None,
            authentication_vector: Some(AuthenticationVector::Av5GHeAka(Av5GHeAka {
                rand: h(seed + 1),
                xres_star: h(seed + 2),
                autn: h(seed + 3),
                kausf: h(seed + 4),
            })),
            supi: Some(SUPI.into()),
        })
    }

    async fn confirm_auth(
        &self,
        supi: &str,
        event: AuthEvent,
    ) -> Result<Created<AuthEvent>, SbiError> {
        known(supi)?;
        let mut n = self.events.lock().unwrap();
        *n += 1;
        Ok(Created {
            location: format!("{ROOT}/nudm-ueau/v1/{supi}/auth-events/{n}"),
            body: event,
        })
    }
}

#[async_trait]
impl SdmService for TestUdm {
    async fn get_am_data(
        &self,
        supi: &str,
        query: SdmQuery,
    ) -> Result<AccessAndMobilitySubscriptionData, SbiError> {
        known(supi)?;
        if query.plmn_id.is_some_and(|p| p != plmn()) {
            return Err(SbiError::data_not_found("no data for that PLMN"));
        }
        Ok(am_data())
    }

    async fn get_smf_select_data(
        &self,
        supi: &str,
        _query: SdmQuery,
    ) -> Result<SmfSelectionSubscriptionData, SbiError> {
        known(supi)?;
        Ok(SmfSelectionSubscriptionData::default())
    }

    async fn get_sm_data(&self, supi: &str, query: SmDataQuery) -> Result<SmSubsData, SbiError> {
        known(supi)?;
        match (&query.single_nssai, query.dnn.as_deref()) {
            (Some(s), _) if s.sst != 1 => Err(SbiError::data_not_found("no such slice")),
            (_, dnn) => Ok(sm_data(dnn.unwrap_or("internet"))),
        }
    }

    async fn get_nssai(&self, supi: &str, _query: SdmQuery) -> Result<Nssai, SbiError> {
        known(supi)?;
        Ok(nssai())
    }
}

#[async_trait]
impl UecmService for TestUdm {
    async fn register_amf_3gpp_access(
        &self,
        ue_id: &str,
        registration: Amf3GppAccessRegistration,
    ) -> Result<Upserted<Amf3GppAccessRegistration>, SbiError> {
        known(ue_id)?;
        let mut slot = self.registered.lock().unwrap();
        let first = slot.is_none();
        *slot = Some(registration.clone());
        Ok(if first {
            Upserted::Created(Created {
                location: format!("{ROOT}/nudm-uecm/v1/{ue_id}/registrations/amf-3gpp-access"),
                body: registration,
            })
        } else if registration.initial_registration_ind == Some(true) {
            Upserted::Updated(registration)
        } else {
            Upserted::UpdatedNoContent
        })
    }
}

/// A toy UDR.
pub struct TestUdr {
    subscription: Mutex<AuthenticationSubscription>,
    statuses: Mutex<Vec<AuthEvent>>,
}

impl Default for TestUdr {
    fn default() -> Self {
        Self {
            subscription: Mutex::new(AuthenticationSubscription {
                authentication_method: AuthMethod::FiveGAka,
                enc_permanent_key: Some("465b5ce8b199b49faa5f0a2ee238a6bc".into()),
                protection_parameter_id: None,
                sequence_number: Some(SequenceNumber {
                    sqn_scheme: Some(SqnScheme::NonTimeBased),
                    sqn: Some(Hex([0, 0, 0, 0, 0, 0x20])),
                    last_indexes: None,
                    ind_length: None,
                }),
                authentication_management_field: Some(Hex([0x80, 0])),
                algorithm_id: Some("milenage".into()),
                enc_opc_key: Some("cd63cb71954a9f4e48a5994e37a02baf".into()),
                enc_topc_key: None,
                vector_generation_in_hss: None,
                n5gc_auth_method: None,
                rg_authentication_ind: None,
                supi: Some(SUPI.into()),
                akma_allowed: None,
                routing_id: None,
            }),
            statuses: Mutex::new(Vec::new()),
        }
    }
}

#[async_trait]
impl DataRepositoryService for TestUdr {
    async fn query_authentication_subscription(
        &self,
        ue_id: &str,
    ) -> Result<AuthenticationSubscription, SbiError> {
        known(ue_id)?;
        Ok(self.subscription.lock().unwrap().clone())
    }

    async fn modify_authentication_subscription(
        &self,
        ue_id: &str,
        patch: Vec<PatchItem>,
    ) -> Result<Option<PatchResult>, SbiError> {
        known(ue_id)?;
        let mut sub = self.subscription.lock().unwrap();
        let mut report = Vec::new();
        for item in patch {
            if item.op == PatchOperation::Replace && item.path == "/sequenceNumber" {
                let seq: SequenceNumber = serde_json::from_value(item.value.unwrap_or_default())
                    .map_err(|e| SbiError::mandatory_ie_incorrect("/0/value", e.to_string()))?;
                sub.sequence_number = Some(seq);
            } else if item.path.starts_with("/sequenceNumber") {
                return Err(SbiError::modification_not_allowed(
                    "only replace of /sequenceNumber",
                ));
            } else {
                report.push(ReportItem {
                    path: item.path,
                    reason: Some("read-only".into()),
                });
            }
        }
        Ok(if report.is_empty() {
            None
        } else {
            Some(PatchResult { report })
        })
    }

    async fn create_authentication_status(
        &self,
        ue_id: &str,
        event: AuthEvent,
    ) -> Result<(), SbiError> {
        known(ue_id)?;
        self.statuses.lock().unwrap().push(event);
        Ok(())
    }

    async fn query_am_data(
        &self,
        ue_id: &str,
        serving_plmn: &PlmnId,
    ) -> Result<AccessAndMobilitySubscriptionData, SbiError> {
        known(ue_id)?;
        if *serving_plmn != plmn() {
            return Err(SbiError::data_not_found("no data for that PLMN"));
        }
        Ok(am_data())
    }

    async fn query_smf_selection_data(
        &self,
        ue_id: &str,
        _serving_plmn: &PlmnId,
    ) -> Result<SmfSelectionSubscriptionData, SbiError> {
        known(ue_id)?;
        Ok(SmfSelectionSubscriptionData::default())
    }

    async fn query_sm_data(
        &self,
        ue_id: &str,
        _serving_plmn: &PlmnId,
        single_nssai: Option<Snssai>,
        dnn: Option<String>,
    ) -> Result<SmSubsData, SbiError> {
        known(ue_id)?;
        if single_nssai.is_some_and(|s| s.sst != 1) {
            return Err(SbiError::data_not_found("no such slice"));
        }
        Ok(sm_data(dnn.as_deref().unwrap_or("internet")))
    }
}

/// A PDU Session Establishment Request as the AMF forwards it (N1 SM).
pub const N1_EST_REQ: &[u8] = &[0x2e, 0x01, 0x01, 0xc1, 0xff, 0xff, 0x91, 0xa1];
/// A PDU Session Resource Setup Response Transfer (N2 SM).
pub const N2_SETUP_RSP: &[u8] = &[0x00, 0x03, 0xe0, 0x0a, 0x00, 0x00, 0x01];
/// The test SMF's PDU Session Establishment Reject (#27 missing or unknown DNN).
pub const N1_EST_REJ: &[u8] = &[0x2e, 0x01, 0x01, 0xc3, 0x1b];

/// A toy SMF: SM contexts numbered from 1; DNN `internet` only.
#[derive(Default)]
pub struct TestSmf {
    contexts: Mutex<BTreeMap<String, nsmf::SmContextCreateData>>,
    next: Mutex<u32>,
}

#[async_trait]
impl nsmf::PduSessionService for TestSmf {
    async fn create_sm_context(
        &self,
        req: nsmf::SmContextCreate,
    ) -> Result<Created<nsmf::SmContextCreated>, nsmf::SmContextError> {
        let n1 = req
            .n1_sm_msg
            .ok_or_else(|| SbiError::new(400, nsmf::cause::N1_SM_ERROR, "no N1 SM message"))?;
        if req.data.dnn.as_deref() != Some("internet") {
            return Err(nsmf::SmContextError::with_n1_sm_msg(
                SbiError::new(403, nsmf::cause::DNN_NOT_SUPPORTED, "DNN not served"),
                N1_EST_REJ.to_vec(),
            ));
        }
        let mut next = self.next.lock().unwrap();
        *next += 1;
        let id = next.to_string();
        let body = nsmf::SmContextCreated::new(
            nsmf::SmContextCreatedData {
                pdu_session_id: req.data.pdu_session_id,
                s_nssai: req.data.s_nssai.clone(),
                up_cnx_state: Some(nsmf::UpCnxState::Activating),
                n2_sm_info_type: Some(nsmf::N2SmInfoType::PduResSetupReq),
                ..Default::default()
            },
            // The test SMF echoes the N1 message as its N2 information.
            Some(n1),
        );
        self.contexts.lock().unwrap().insert(id.clone(), req.data);
        Ok(Created {
            location: format!("{ROOT}/nsmf-pdusession/v1/sm-contexts/{id}"),
            body,
        })
    }

    async fn update_sm_context(
        &self,
        sm_context_ref: &str,
        req: nsmf::SmContextUpdate,
    ) -> Result<Option<nsmf::SmContextUpdated>, nsmf::SmContextError> {
        if !self.contexts.lock().unwrap().contains_key(sm_context_ref) {
            return Err(
                SbiError::context_not_found(format!("no SM context {sm_context_ref}")).into(),
            );
        }
        if req.data.release == Some(true) {
            return Ok(Some(nsmf::SmContextUpdated::new(
                nsmf::SmContextUpdatedData {
                    n2_sm_info_type: Some(nsmf::N2SmInfoType::PduResRelCmd),
                    ..Default::default()
                },
                req.n1_sm_msg,
                Some(vec![0x00, 0x01]),
            )));
        }
        if req.data.n2_sm_info_type == Some(nsmf::N2SmInfoType::PduResSetupRsp) {
            return match req.n2_sm_info.as_deref() {
                Some(N2_SETUP_RSP) => Ok(None),
                _ => Err(SbiError::new(400, nsmf::cause::N2_SM_ERROR, "unexpected N2").into()),
            };
        }
        Ok(Some(nsmf::SmContextUpdated::new(
            nsmf::SmContextUpdatedData {
                up_cnx_state: req.data.up_cnx_state,
                ..Default::default()
            },
            None,
            None,
        )))
    }

    async fn release_sm_context(
        &self,
        sm_context_ref: &str,
        _req: nsmf::SmContextRelease,
    ) -> Result<(), SbiError> {
        self.contexts
            .lock()
            .unwrap()
            .remove(sm_context_ref)
            .map(|_| ())
            .ok_or_else(|| SbiError::context_not_found(format!("no SM context {sm_context_ref}")))
    }
}

/// A PDU Session Establishment Accept (N1 SM) as an SMF sends it.
pub const N1_EST_ACC: &[u8] = &[0x2e, 0x01, 0x01, 0xc2, 0x11, 0x00];
/// A PDU Session Resource Setup Request Transfer (N2 SM).
pub const N2_SETUP_REQ: &[u8] = &[0x00, 0x00, 0x04, 0x00, 0x82, 0x00, 0x0a];

/// A toy AMF for N1N2MessageTransfer: one UE; session 5 is paged (202), session 9 meets a
/// registration in progress (409); the N1 / N2 octets must be the test constants.
#[derive(Default)]
pub struct TestAmf;

#[async_trait]
impl namf::CommunicationService for TestAmf {
    async fn n1_n2_message_transfer(
        &self,
        ue_context_id: &str,
        req: namf::N1N2MessageTransfer,
    ) -> Result<namf::N1N2MessageTransferResult, SbiError> {
        use namf::{N1N2MessageTransferCause as C, N1N2MessageTransferResult as R};
        if ue_context_id != SUPI {
            return Err(SbiError::context_not_found(format!(
                "no UE {ue_context_id}"
            )));
        }
        if req.n1_message.as_deref().is_some_and(|b| b != N1_EST_ACC)
            || req.n2_info.as_deref().is_some_and(|b| b != N2_SETUP_REQ)
        {
            return Err(SbiError::mandatory_ie_incorrect(
                "/n1MessageContainer",
                "octets differ",
            ));
        }
        let rsp = |cause| namf::N1N2MessageTransferRspData {
            cause,
            supported_features: None,
        };
        match req.data.pdu_session_id {
            Some(9) => Err(SbiError::new(
                409,
                namf::cause::TEMPORARY_REJECT_REGISTRATION_ONGOING,
                "registration in progress",
            )),
            Some(5) => Ok(R::Accepted(Created {
                location: format!("{ROOT}/namf-comm/v1/ue-contexts/{SUPI}/n1-n2-messages/1"),
                body: rsp(C::AttemptingToReachUe),
            })),
            _ => Ok(R::Initiated(rsp(C::N1N2TransferInitiated))),
        }
    }
}

/// The HTTP versions of every request a server received.
pub type Versions = Arc<Mutex<Vec<Version>>>;

/// Serves `router` on 127.0.0.1 (ephemeral port), recording request versions.
pub async fn start(router: Router) -> (RunningServer, Versions) {
    let versions: Versions = Arc::default();
    let seen = versions.clone();
    let router = router.layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| {
            seen.lock().unwrap().push(req.version());
            next.run(req)
        },
    ));
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let server = ferrocore_sbi_http::spawn(addr, router).await.expect("bind");
    (server, versions)
}

/// Every recorded request was HTTP/2, and there was at least one.
pub fn assert_all_h2(versions: &Versions) {
    let v = versions.lock().unwrap();
    assert!(!v.is_empty(), "no request reached the server");
    assert!(
        v.iter().all(|v| *v == Version::HTTP_2),
        "versions on the wire: {v:?}"
    );
}
