//! PDU sessions through the AMF (TS 23.502 §4.3.2, §4.2.3; TS 24.501 §5.4.5, §5.6.1,
//! §5.6.2): UL NAS TRANSPORT to the SMF, N1N2MessageTransfer to the UE and gNB, the N2
//! answers back to the SMF, AN release, paging and service request, de-registration.
//! The bench plays the gNB and the UE; the SMF double records what it is asked.

mod common;

use common::*;
use ferrocore_nas::ies::Snssai as NasSnssai;
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, SecurityHeaderType};
use ferrocore_ngap::msg::*;
use ferrocore_ngap::transfer::{
    ModifyRequestTransfer, ModifyResponseTransfer, ModifyUnsuccessfulTransfer,
    SetupRequestTransfer, SetupResponseTransfer, Transfer,
};
use ferrocore_ngap::{Cause, CauseRadioNetwork, Message, Snssai};
use ferrocore_sbi::Created;
use ferrocore_sbi::namf_communication::{
    N1N2MessageTransfer, N1N2MessageTransferCause, N1N2MessageTransferResult,
    N1N2MessageTransferRspData, NgapIeType,
};
use ferrocore_sbi::nsmf_pdusession::{N2SmInfoType, RequestType, SmContextUpdate, UpCnxState};

const IMSI: &str = "001010000000001";
const PSI: u8 = 5;

fn registered() -> (Bench, Ue) {
    let mut b = Bench::with_gnb(&[IMSI]);
    let mut ue = Ue::new(IMSI, 1);
    register(&mut b, &mut ue, false);
    b.home.smf.take_calls();
    (b, ue)
}

/// UL NAS TRANSPORT carrying `n1` for `psi`.
fn ul_sm(
    ue: &mut Ue,
    psi: u8,
    n1: Vec<u8>,
    request: Option<RequestTypeValue>,
    dnn: Option<&str>,
    snssai: Option<NasSnssai>,
) -> Vec<u8> {
    let mut t = NasUlNasTransport::new(
        NasPayloadContainerType::from_kind(PayloadContainerKind::N1SmInformation),
        NasPayloadContainer::new(n1),
    )
    .with_pdu_session_id(NasPduSessionIdentity2::from_pdu_session_id(psi));
    if let Some(r) = request {
        t = t.with_request_type(NasRequestType::from_request_type(r));
    }
    if let Some(d) = dnn {
        t = t.with_dnn(NasDnn::from_string(d).unwrap());
    }
    if let Some(s) = snssai {
        t = t.with_s_nssai(s.to_ie().unwrap());
    }
    ue.mm(t)
}

/// The 5GSM payload and 5GMM cause of a DL NAS TRANSPORT.
fn dl_transport(m: Nas5gmmMessage) -> (u8, Vec<u8>, Option<u8>) {
    let Nas5gmmMessage::DlNasTransport(d) = m else {
        panic!("expected DL NAS TRANSPORT, got {m:?}");
    };
    assert!(d.payload_container_type.is_n1_sm());
    (
        d.pdu_session_id.unwrap().pdu_session_id(),
        d.payload_container.value.to_vec(),
        d.fgmm_cause.map(|c| c.value),
    )
}

/// A PDU session `psi` up: UL NAS TRANSPORT -> Create SM Context -> N1N2 transfer ->
/// PDU SESSION RESOURCE SETUP REQUEST -> RESPONSE -> Update SM Context.
fn establish(b: &mut Bench, ue: &mut Ue, psi: u8) {
    let nas = ul_sm(
        ue,
        psi,
        establishment_request(psi),
        Some(RequestTypeValue::InitialRequest),
        None,
        None,
    );
    b.send(GNB, 1, &ue.uplink(nas));
    let calls = b.home.smf.take_calls();
    let [SmfCall::Create(c)] = &calls[..] else {
        panic!("expected one Create SM Context, got {calls:?}");
    };
    // The defaults: DNN "internet", the first allowed S-NSSAI (SST 1, no SD).
    assert_eq!(c.data.supi.as_deref(), Some(ue.supi().as_str()));
    assert_eq!(c.data.pdu_session_id, Some(psi));
    assert_eq!(c.data.dnn.as_deref(), Some("internet"));
    assert_eq!(
        c.data.s_nssai.as_ref().map(|s| (s.sst, s.sd.is_none())),
        Some((1, true))
    );
    assert_eq!(c.data.request_type, Some(RequestType::InitialRequest));
    assert_eq!(
        c.n1_sm_msg.as_deref(),
        Some(&establishment_request(psi)[..])
    );
    assert!(
        c.data.n1_sm_msg.is_some(),
        "the JSON part refers to the N1 part"
    );

    // The SMF's N1N2MessageTransfer: accept + N2 setup request transfer.
    let t = N1N2MessageTransfer::sm(
        psi,
        Some(establishment_accept(psi)),
        Some((NgapIeType::PduResSetupReq, setup_request_transfer())),
    );
    transfer_initiated(b, ue, t);
    let s = b.next().expect("PDU SESSION RESOURCE SETUP REQUEST");
    let Message::PduSessionResourceSetupRequest(req) = s.message else {
        panic!(
            "expected PDUSessionResourceSetupRequest, got {:?}",
            s.message
        );
    };
    assert_eq!(req.amf_ue_ngap_id, ue.amf_ue_id.unwrap());
    let [item] = &req.sessions[..] else {
        panic!("one session");
    };
    assert_eq!(item.pdu_session_id, psi);
    assert_eq!(item.snssai, Snssai { sst: 1, sd: None });
    assert_eq!(
        item.transfer,
        SetupRequestTransfer::decode(&setup_request_transfer()).unwrap()
    );
    let (p, payload, cause) = dl_transport(ue.open(item.nas_pdu.as_ref().unwrap()));
    assert_eq!((p, cause), (psi, None));
    assert_eq!(payload, establishment_accept(psi));

    // The gNB's answer goes to the SMF.
    let rsp = PduSessionResourceSetupResponse {
        amf_ue_ngap_id: req.amf_ue_ngap_id,
        ran_ue_ngap_id: req.ran_ue_ngap_id,
        setup: set_up(psi),
    };
    b.send(GNB, 1, &rsp);
    let (r, u) = one_update(b);
    assert_eq!(r, format!("ctx-{}", psi - 4));
    assert_eq!(u.data.n2_sm_info_type, Some(N2SmInfoType::PduResSetupRsp));
    assert_eq!(
        u.n2_sm_info.as_deref(),
        Some(&setup_response_transfer()[..])
    );
    assert!(b.next().is_none());
}

#[test]
fn session_established_then_an_release_deactivates_it() {
    let (mut b, mut ue) = registered();
    establish(&mut b, &mut ue, PSI);
    let ctx = b.amf.ue_by_supi(&ue.supi()).unwrap();
    assert_eq!(ctx.sessions.len(), 1);
    assert!(ctx.sessions[0].up_active);
    assert_eq!(&*ctx.sessions[0].dnn, "internet");

    an_release(&mut b, &mut ue);
    let (r, u) = one_update(&mut b);
    assert_eq!(r, "ctx-1");
    assert_eq!(u.data.up_cnx_state, Some(UpCnxState::Deactivated));
    assert!(!b.amf.ue_by_supi(&ue.supi()).unwrap().sessions[0].up_active);
    assert_eq!(b.counter("amf_sm_create_sm_context_succ_total"), 1);
    assert_eq!(b.counter("amf_sm_ul_msg_routed_total"), 1);
    assert_eq!(b.counter("amf_n1n2_transfer_succ_total"), 1);
}

/// The SERVICE REQUEST of `ue` (integrity protected, header type 1) as an initial UE
/// message with its 5G-S-TMSI.
fn service_request(ue: &mut Ue, t: ServiceType, uplink: &[u8], status: &[u8]) -> InitialUeMessage {
    let g = ue.guti.unwrap();
    let set = (g.amf_set_id() << 6) | u16::from(g.amf_pointer());
    let mut id = vec![0xf4, (set >> 8) as u8, set as u8];
    id.extend_from_slice(&g.tmsi().to_be_bytes());
    let ksi = ue.sec.as_ref().unwrap().ng_ksi();
    let mut sr = NasServiceRequest::new(
        NasKeySetIdentifier::new(ksi),
        NasServiceType::from_service_type(t),
        NasFGsMobileIdentity::new(id),
    );
    if !uplink.is_empty() {
        sr = sr.with_uplink_data_status(NasUplinkDataStatus::from_sessions(uplink).unwrap());
    }
    sr = sr.with_pdu_session_status(NasPduSessionStatus::from_sessions(status).unwrap());
    let plain = ferrocore_nas::encode(&NasMessage::mm(sr)).unwrap();
    let nas = ue.protect(&plain, SecurityHeaderType::IntegrityProtected);
    let mut m = ue.initial_ue_message(nas);
    ue.ran_ue_id += 100;
    m.ran_ue_ngap_id = ue.ran_ue_id;
    m
}

/// The ICS of a service request: its SERVICE ACCEPT and sessions; the gNB answers.
fn accept_in_ics(ue: &mut Ue, s: Sent) -> (NasServiceAccept, InitialContextSetupRequest) {
    let Message::InitialContextSetupRequest(ics) = s.message else {
        panic!("expected InitialContextSetupRequest, got {:?}", s.message);
    };
    ue.amf_ue_id = Some(ics.amf_ue_ngap_id);
    let Nas5gmmMessage::ServiceAccept(acc) = ue.open(ics.nas_pdu.as_ref().unwrap()) else {
        panic!("expected SERVICE ACCEPT");
    };
    (*acc, ics)
}

#[test]
fn idle_ue_is_paged_and_its_service_request_sets_the_session_up() {
    let (mut b, mut ue) = registered();
    establish(&mut b, &mut ue, PSI);
    an_release(&mut b, &mut ue);
    b.home.smf.take_calls();

    // Downlink data: the SMF sends the N2 setup request transfer to an idle UE.
    let t = N1N2MessageTransfer::sm(
        PSI,
        None,
        Some((NgapIeType::PduResSetupReq, setup_request_transfer())),
    );
    let created = reaching_ue(&mut b, &ue, t);
    assert!(
        created
            .location
            .contains("/namf-comm/v1/ue-contexts/imsi-001010000000001/n1-n2-messages/")
    );
    let s = b.next().expect("PAGING");
    let Message::Paging(p) = s.message else {
        panic!("expected Paging, got {:?}", s.message);
    };
    assert_eq!(s.stream, 0);
    assert_eq!(p.five_g_s_tmsi.tmsi, ue.guti.unwrap().tmsi());
    assert_eq!(p.tais.len(), 1);
    // T3513: paged again.
    b.advance(std::time::Duration::from_secs(4));
    assert!(matches!(b.next().unwrap().message, Message::Paging(_)));
    assert_eq!(b.counter("amf_mm_paging_5g_req_total"), 1);

    // The UE answers with a service request (mobile terminated services).
    let m = service_request(&mut ue, ServiceType::MobileTerminatedServices, &[], &[PSI]);
    let s = b.ngap(GNB, 0, &m);
    let (acc, ics) = accept_in_ics(&mut ue, s);
    assert_eq!(
        acc.pdu_session_status.as_ref().unwrap().active_sessions(),
        vec![PSI]
    );
    let [item] = &ics.sessions[..] else {
        panic!("the session in the ICS");
    };
    assert_eq!(item.pdu_session_id, PSI);
    assert_eq!(b.counter("amf_mm_paging_5g_succ_total"), 1);
    assert_eq!(b.counter("amf_mm_service_succ_total"), 1);
    // No ACTIVATING asked: the SMF gave the N2 already.
    assert!(b.home.smf.take_calls().is_empty());
    // T3513 is off.
    b.advance(std::time::Duration::from_secs(10));
    assert!(b.next().is_none());

    // The gNB sets the session up: the SMF hears of it.
    let resp = InitialContextSetupResponse {
        amf_ue_ngap_id: ics.amf_ue_ngap_id,
        ran_ue_ngap_id: ics.ran_ue_ngap_id,
        setup: set_up(PSI),
    };
    b.send(GNB, 1, &resp);
    let (_, u) = one_update(&mut b);
    assert_eq!(u.data.n2_sm_info_type, Some(N2SmInfoType::PduResSetupRsp));
}

#[test]
fn service_request_with_uplink_data_reactivates_the_session() {
    let (mut b, mut ue) = registered();
    establish(&mut b, &mut ue, PSI);
    an_release(&mut b, &mut ue);
    b.home.smf.take_calls();

    let m = service_request(&mut ue, ServiceType::Data, &[PSI, 9], &[PSI]);
    let s = b.ngap(GNB, 0, &m);
    let (r, u) = one_update(&mut b);
    assert_eq!(r, "ctx-1");
    assert_eq!(u.data.up_cnx_state, Some(UpCnxState::Activating));
    let (acc, ics) = accept_in_ics(&mut ue, s);
    assert_eq!(ics.sessions.len(), 1);
    assert_eq!(ics.sessions[0].pdu_session_id, PSI);
    // Session 9 is unknown: its user plane is not re-established.
    let result = acc
        .pdu_session_reactivation_result
        .expect("reactivation result");
    assert_eq!(result.failed_sessions(), vec![9]);
}

#[test]
fn service_request_of_an_unknown_ue_is_rejected() {
    let (mut b, mut ue) = registered();
    an_release(&mut b, &mut ue);
    // Another AMF's 5G-S-TMSI, plain: nobody here knows it.
    let mut other = Ue::new("001010000000002", 7);
    other.guti = ue.guti;
    let g = ue.guti.unwrap();
    other.guti = Some(
        Guti::new(
            g.plmn(),
            g.amf_region_id(),
            g.amf_set_id(),
            g.amf_pointer(),
            g.tmsi() ^ 1,
        )
        .unwrap(),
    );
    let set = (g.amf_set_id() << 6) | u16::from(g.amf_pointer());
    let mut id = vec![0xf4, (set >> 8) as u8, set as u8];
    id.extend_from_slice(&(g.tmsi() ^ 1).to_be_bytes());
    let sr = NasServiceRequest::new(
        NasKeySetIdentifier::new(0),
        NasServiceType::from_service_type(ServiceType::Signalling),
        NasFGsMobileIdentity::new(id),
    );
    let nas = ferrocore_nas::encode(&NasMessage::mm(sr)).unwrap();
    let s = b.ngap(GNB, 0, &other.initial_ue_message(nas));
    let nas = dl_nas(&s, &mut other);
    let Nas5gmmMessage::ServiceReject(r) = other.open_plain(&nas) else {
        panic!("expected SERVICE REJECT");
    };
    assert_eq!(r.fgmm_cause.value, 9);
    assert!(matches!(
        b.next().unwrap().message,
        Message::UeContextReleaseCommand(_)
    ));
}

#[test]
fn what_cannot_be_routed_comes_back_to_the_ue() {
    let (mut b, mut ue) = registered();
    // Unknown PSI, no request type (e.g. a modification request): #90, nothing sent on.
    let n1 = establishment_request(7);
    let nas = ul_sm(&mut ue, 7, n1.clone(), None, None, None);
    b.send(GNB, 1, &ue.uplink(nas));
    let (psi, payload, cause) = dl_transport(next_downlink(&mut b, &mut ue));
    assert_eq!((psi, cause), (7, Some(90)));
    assert_eq!(payload, n1);
    assert!(b.home.smf.calls().is_empty());

    // A slice that is not allowed: #90.
    let nas = ul_sm(
        &mut ue,
        8,
        establishment_request(8),
        Some(RequestTypeValue::InitialRequest),
        None,
        Some(NasSnssai::new(2, None)),
    );
    b.send(GNB, 1, &ue.uplink(nas));
    let (_, _, cause) = dl_transport(next_downlink(&mut b, &mut ue));
    assert_eq!(cause, Some(90));
    assert!(b.home.smf.calls().is_empty());

    // A DNN the SMF does not serve: #91, the session forgotten.
    let nas = ul_sm(
        &mut ue,
        9,
        establishment_request(9),
        Some(RequestTypeValue::InitialRequest),
        Some("nowhere"),
        None,
    );
    b.send(GNB, 1, &ue.uplink(nas));
    let calls = b.home.smf.take_calls();
    let [SmfCall::Create(c)] = &calls[..] else {
        panic!("expected Create, got {calls:?}");
    };
    assert_eq!(c.data.dnn.as_deref(), Some("nowhere"));
    let (psi, payload, cause) = dl_transport(next_downlink(&mut b, &mut ue));
    assert_eq!((psi, cause), (9, Some(91)));
    assert_eq!(payload, establishment_request(9));
    assert!(b.amf.ue_by_supi(&ue.supi()).unwrap().sessions.is_empty());
    assert_eq!(
        b.counter("amf_sm_msg_not_forwarded_total{cause=\"payload_was_not_forwarded\"}"),
        2
    );

    // N1N2MessageTransfer for nobody: 404.
    let t = N1N2MessageTransfer::sm(5, Some(establishment_accept(5)), None);
    let e = b.n1n2_transfer("imsi-001019999999999", t).unwrap_err();
    assert_eq!(e.status, 404);
}

#[test]
fn existing_session_gets_update_and_n1_only_transfer_goes_in_dl_nas_transport() {
    let (mut b, mut ue) = registered();
    establish(&mut b, &mut ue, PSI);
    // A 5GSM message for the existing session (no request type): Update SM Context.
    let n1 = establishment_request(PSI);
    let nas = ul_sm(&mut ue, PSI, n1.clone(), None, None, None);
    b.send(GNB, 1, &ue.uplink(nas));
    let calls = b.home.smf.take_calls();
    let [SmfCall::Update(r, u)] = &calls[..] else {
        panic!("expected Update, got {calls:?}");
    };
    assert_eq!(r, "ctx-1");
    assert_eq!(u.n1_sm_msg.as_deref(), Some(&n1[..]));
    // N1 only from the SMF: DL NAS TRANSPORT.
    let t = N1N2MessageTransfer::sm(PSI, Some(establishment_accept(PSI)), None);
    b.n1n2_transfer(&ue.supi(), t).unwrap();
    let (psi, payload, cause) = dl_transport(next_downlink(&mut b, &mut ue));
    assert_eq!((psi, cause), (PSI, None));
    assert_eq!(payload, establishment_accept(PSI));
}

#[test]
fn deregistration_releases_every_sm_context() {
    let (mut b, mut ue) = registered();
    establish(&mut b, &mut ue, PSI);
    establish(&mut b, &mut ue, PSI + 1);
    let d = NasDeregistrationRequestUeOriginating::new(
        NasDeRegistrationType::new(0x01),
        NasKeySetIdentifier::new(ue.sec.as_ref().unwrap().ng_ksi()),
        MobileIdentity_guti(&ue),
    );
    let nas = ue.mm(d);
    b.send(GNB, 1, &ue.uplink(nas));
    let mut released: Vec<String> = b
        .home
        .smf
        .take_calls()
        .into_iter()
        .filter_map(|c| match c {
            SmfCall::Release(r, _) => Some(r),
            _ => None,
        })
        .collect();
    released.sort();
    assert_eq!(released, ["ctx-1", "ctx-2"]);
    assert!(b.amf.ue_by_supi(&ue.supi()).unwrap().sessions.is_empty());
}

#[allow(non_snake_case)]
fn MobileIdentity_guti(ue: &Ue) -> NasFGsMobileIdentity {
    ferrocore_nas::identity::MobileIdentity::Guti(ue.guti.unwrap())
        .to_ie()
        .unwrap()
}

/// The one PDU SESSION RESOURCE MODIFY REQUEST the AMF sent for `ue`: checked to carry
/// the UE's NGAP IDs, session `psi`, the SMF's transfer unchanged and, as the session's
/// NAS-PDU, a DL NAS TRANSPORT with the 5GSM message `n1`.
fn modify_request_sent(
    b: &mut Bench,
    ue: &mut Ue,
    psi: u8,
    n1: &[u8],
) -> PduSessionResourceModifyRequest {
    let s = b.next().expect("PDU SESSION RESOURCE MODIFY REQUEST");
    let Message::PduSessionResourceModifyRequest(req) = s.message else {
        panic!(
            "expected PDUSessionResourceModifyRequest, got {:?}",
            s.message
        );
    };
    assert_ne!(s.stream, 0, "UE-associated signalling");
    assert_eq!(req.amf_ue_ngap_id, ue.amf_ue_id.unwrap());
    assert_eq!(req.ran_ue_ngap_id, ue.ran_ue_id);
    let [item] = &req.sessions[..] else {
        panic!("one session: {req:?}");
    };
    assert_eq!(item.pdu_session_id, psi);
    assert_eq!(
        item.transfer,
        ModifyRequestTransfer::decode(&modify_request_transfer()).unwrap()
    );
    let nas = item.nas_pdu.as_ref().expect("the command as the NAS-PDU");
    let (p, payload, cause) = dl_transport(ue.open(nas));
    assert_eq!((p, cause), (psi, None));
    assert_eq!(payload, n1);
    assert!(b.next().is_none());
    req
}

/// The gNB's PDU SESSION RESOURCE MODIFY RESPONSE to `req`: `modified` sessions with
/// the double's Modify Response Transfer, `failed` ones with a Modify Unsuccessful
/// Transfer (unknown PDU session ID).
fn modify_response(
    req: &PduSessionResourceModifyRequest,
    modified: &[u8],
    failed: &[u8],
) -> PduSessionResourceModifyResponse {
    PduSessionResourceModifyResponse {
        amf_ue_ngap_id: req.amf_ue_ngap_id,
        ran_ue_ngap_id: req.ran_ue_ngap_id,
        modified: modified
            .iter()
            .map(|psi| SessionModifyResult {
                pdu_session_id: *psi,
                transfer: ModifyResponseTransfer::decode(&modify_response_transfer()).unwrap(),
            })
            .collect(),
        failed: failed
            .iter()
            .map(|psi| SessionModifyFailure {
                pdu_session_id: *psi,
                transfer: unsuccessful(),
            })
            .collect(),
    }
}

fn unsuccessful() -> ModifyUnsuccessfulTransfer {
    ModifyUnsuccessfulTransfer {
        cause: Cause::radioNetwork(CauseRadioNetwork::unknown_PDU_session_ID),
    }
}

/// The N1N2MessageTransfer `t` to the connected UE, initiated at once (200).
fn transfer_initiated(b: &mut Bench, ue: &Ue, t: N1N2MessageTransfer) {
    let r = b.n1n2_transfer(&ue.supi(), t).unwrap();
    let N1N2MessageTransferResult::Initiated(rsp) = r else {
        panic!("expected 200, got {r:?}");
    };
    assert_eq!(rsp.cause, N1N2MessageTransferCause::N1N2TransferInitiated);
}

/// The N1N2MessageTransfer `t` to the idle UE, accepted while it is paged (202,
/// TS 29.518 §5.2.2.3.1): the answer, with the transfer's location.
fn reaching_ue(
    b: &mut Bench,
    ue: &Ue,
    t: N1N2MessageTransfer,
) -> Created<N1N2MessageTransferRspData> {
    let r = b.n1n2_transfer(&ue.supi(), t).unwrap();
    let N1N2MessageTransferResult::Accepted(created) = r else {
        panic!("expected 202, got {r:?}");
    };
    assert_eq!(
        created.body.cause,
        N1N2MessageTransferCause::AttemptingToReachUe
    );
    created
}

/// The gNB's result for session `psi` set up, with its Setup Response Transfer.
fn set_up(psi: u8) -> Vec<SessionSetupResult> {
    vec![SessionSetupResult {
        pdu_session_id: psi,
        transfer: SetupResponseTransfer::decode(&setup_response_transfer()).unwrap(),
    }]
}

/// The one Update SM Context the SMF got: its context and the request.
fn one_update(b: &mut Bench) -> (String, SmContextUpdate) {
    let calls = b.home.smf.take_calls();
    let [SmfCall::Update(r, u)] = &calls[..] else {
        panic!("expected one Update SM Context, got {calls:?}");
    };
    (r.clone(), u.clone())
}

/// The SMF's N1N2MessageTransfer of a network-requested modification of `psi`: the
/// MODIFICATION COMMAND and the double's Modify Request Transfer (TS 23.502 §4.3.3.2).
fn modification_transfer(psi: u8, command: Vec<u8>) -> N1N2MessageTransfer {
    N1N2MessageTransfer::sm(
        psi,
        Some(command),
        Some((NgapIeType::PduResModReq, modify_request_transfer())),
    )
}

/// The one Update SM Context the SMF got: its context and the N2 SM information.
fn n2_update(b: &mut Bench) -> (String, Option<N2SmInfoType>, Vec<u8>) {
    let (r, u) = one_update(b);
    assert!(u.n1_sm_msg.is_none());
    (
        r,
        u.data.n2_sm_info_type.clone(),
        u.n2_sm_info.clone().expect("the transfer"),
    )
}

#[test]
fn network_requested_modification_reaches_the_gnb_and_its_answer_the_smf() {
    let (mut b, mut ue) = registered();
    establish(&mut b, &mut ue, PSI);
    // The SMF changes the session (TS 23.502 §4.3.3.2 step 3): command + Modify Request.
    let command = modification_command(PSI, 0);
    let t = modification_transfer(PSI, command.clone());
    transfer_initiated(&mut b, &ue, t);
    let req = modify_request_sent(&mut b, &mut ue, PSI, &command);

    // The gNB modified the session: PDU_RES_MOD_RSP with its transfer, to the session's
    // SM context; the user plane stays up.
    b.send(GNB, 1, &modify_response(&req, &[PSI], &[]));
    let (r, kind, transfer) = n2_update(&mut b);
    assert_eq!(r, "ctx-1");
    assert_eq!(kind, Some(N2SmInfoType::PduResModRsp));
    assert_eq!(transfer, modify_response_transfer());
    assert!(b.amf.ue_by_supi(&ue.supi()).unwrap().sessions[0].up_active);
    assert!(b.next().is_none(), "no Error Indication");

    // The UE's PDU SESSION MODIFICATION COMPLETE goes to the same context.
    let complete = modification_complete(PSI, 0);
    let nas = ul_sm(&mut ue, PSI, complete.clone(), None, None, None);
    b.send(GNB, 1, &ue.uplink(nas));
    let (r, u) = one_update(&mut b);
    assert_eq!(r, "ctx-1");
    assert_eq!(u.n1_sm_msg.as_deref(), Some(&complete[..]));
    assert!(b.next().is_none());
}

#[test]
fn sessions_the_gnb_could_not_modify_reach_the_smf_as_pdu_res_mod_fail() {
    let (mut b, mut ue) = registered();
    establish(&mut b, &mut ue, PSI);
    establish(&mut b, &mut ue, PSI + 1);
    let t = modification_transfer(PSI + 1, modification_command(PSI + 1, 0));
    b.n1n2_transfer(&ue.supi(), t).unwrap();
    let req = modify_request_sent(&mut b, &mut ue, PSI + 1, &modification_command(PSI + 1, 0));
    b.send(GNB, 1, &modify_response(&req, &[], &[PSI + 1]));
    let (r, kind, transfer) = n2_update(&mut b);
    assert_eq!(r, "ctx-2", "the context of the session that failed");
    assert_eq!(kind, Some(N2SmInfoType::PduResModFail));
    assert_eq!(transfer, unsuccessful().encode().unwrap());

    // A Modify Response naming a session the UE does not have goes nowhere.
    b.send(GNB, 1, &modify_response(&req, &[9], &[]));
    assert!(b.home.smf.take_calls().is_empty());
    assert!(b.next().is_none());
}

#[test]
fn ue_requested_modification_goes_to_the_smf_and_its_command_to_the_gnb() {
    let (mut b, mut ue) = registered();
    establish(&mut b, &mut ue, PSI);
    // PDU SESSION MODIFICATION REQUEST (TS 24.501 §6.4.2.2) in UL NAS TRANSPORT without
    // a request type: Update SM Context with the N1 SM message.
    let request = modification_request(PSI, 3);
    let nas = ul_sm(&mut ue, PSI, request.clone(), None, None, None);
    b.send(GNB, 1, &ue.uplink(nas));
    let (r, u) = one_update(&mut b);
    assert_eq!(r, "ctx-1");
    assert_eq!(u.n1_sm_msg.as_deref(), Some(&request[..]));
    assert_eq!(b.counter("amf_sm_ul_msg_routed_total"), 2);

    // The SMF answered with the command (same PTI) and the Modify Request Transfer.
    let req = modify_request_sent(&mut b, &mut ue, PSI, &modification_command(PSI, 3));
    b.send(GNB, 1, &modify_response(&req, &[PSI], &[]));
    let (_, kind, _) = n2_update(&mut b);
    assert_eq!(kind, Some(N2SmInfoType::PduResModRsp));

    // The UE refuses the command: its COMMAND REJECT is relayed like any 5GSM message.
    let reject = NasPduSessionModificationCommandReject::new(NasFGsmCause::new(84));
    let reject = ferrocore_nas::encode(&ferrocore_nas::NasMessage::sm(reject, PSI, 3)).unwrap();
    let nas = ul_sm(&mut ue, PSI, reject.clone(), None, None, None);
    b.send(GNB, 1, &ue.uplink(nas));
    let (_, u) = one_update(&mut b);
    assert_eq!(u.n1_sm_msg.as_deref(), Some(&reject[..]));
}

#[test]
fn modification_for_an_idle_ue_pages_it_and_follows_its_service_request() {
    let (mut b, mut ue) = registered();
    establish(&mut b, &mut ue, PSI);
    an_release(&mut b, &mut ue);
    b.home.smf.take_calls();

    let command = modification_command(PSI, 0);
    let t = modification_transfer(PSI, command.clone());
    reaching_ue(&mut b, &ue, t);
    assert!(matches!(b.next().unwrap().message, Message::Paging(_)));

    // The paged UE comes back without uplink data: the session it was paged for gets its
    // user plane back (ACTIVATING), then the modification follows the ICS.
    let m = service_request(&mut ue, ServiceType::MobileTerminatedServices, &[], &[PSI]);
    let s = b.ngap(GNB, 0, &m);
    let (r, u) = one_update(&mut b);
    assert_eq!(r, "ctx-1");
    assert_eq!(u.data.up_cnx_state, Some(UpCnxState::Activating));
    let (_, ics) = accept_in_ics(&mut ue, s);
    assert_eq!(ics.sessions.len(), 1);
    assert!(b.next().is_none(), "the modification waits for the ICS");
    let resp = InitialContextSetupResponse {
        amf_ue_ngap_id: ics.amf_ue_ngap_id,
        ran_ue_ngap_id: ics.ran_ue_ngap_id,
        setup: set_up(PSI),
    };
    b.send(GNB, 1, &resp);
    let (_, kind, _) = n2_update(&mut b);
    assert_eq!(kind, Some(N2SmInfoType::PduResSetupRsp));
    let req = modify_request_sent(&mut b, &mut ue, PSI, &command);
    b.send(GNB, 1, &modify_response(&req, &[PSI], &[]));
    let (_, kind, _) = n2_update(&mut b);
    assert_eq!(kind, Some(N2SmInfoType::PduResModRsp));
}

/// The Update SM Context requests held back by the bench (not yet answered): their
/// context, N2 SM information type and N1 SM message.
fn held_updates(b: &Bench) -> Vec<(String, Option<N2SmInfoType>, Option<Vec<u8>>)> {
    b.held
        .iter()
        .filter_map(|(_, r)| match r {
            ferrocore_amf::SbiRequest::UpdateSmContext {
                sm_context_ref,
                update,
            } => Some((
                sm_context_ref.clone(),
                update.data.n2_sm_info_type.clone(),
                update.n1_sm_msg.clone(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn relays_of_one_session_reach_the_smf_one_after_the_other() {
    let (mut b, mut ue) = registered();
    establish(&mut b, &mut ue, PSI);
    establish(&mut b, &mut ue, PSI + 1);
    let command = modification_command(PSI, 0);
    let t = modification_transfer(PSI, command.clone());
    b.n1n2_transfer(&ue.supi(), t).unwrap();
    let req = modify_request_sent(&mut b, &mut ue, PSI, &command);

    // The SMF is slow: the gNB's Modify Response is still unanswered when the UE's
    // COMPLETE comes. The COMPLETE waits; a message of the other session does not.
    b.hold_sbi = true;
    b.send(GNB, 1, &modify_response(&req, &[PSI], &[]));
    let complete = modification_complete(PSI, 0);
    let nas = ul_sm(&mut ue, PSI, complete.clone(), None, None, None);
    b.send(GNB, 1, &ue.uplink(nas));
    let other = modification_request(PSI + 1, 9);
    let nas = ul_sm(&mut ue, PSI + 1, other.clone(), None, None, None);
    b.send(GNB, 1, &ue.uplink(nas));
    assert_eq!(
        held_updates(&b),
        vec![
            ("ctx-1".into(), Some(N2SmInfoType::PduResModRsp), None),
            ("ctx-2".into(), None, Some(other)),
        ]
    );

    // The SMF answers the Modify Response: the COMPLETE goes, to the same context.
    let (txn, request) = b.held.remove(0);
    let reply = b.home.answer(request);
    b.event(ferrocore_amf::Event::SbiReply { txn, reply });
    assert_eq!(
        held_updates(&b).last(),
        Some(&("ctx-1".into(), None, Some(complete)))
    );
    assert_eq!(b.held.len(), 2);
}

/// An AN release right after the gNB's Setup Response (the UE's first ping answered, then
/// user inactivity): the deactivation waits until the SMF has answered the Setup
/// Response, which it does only once the UPF has the gNB's tunnel.
#[test]
fn an_release_deactivation_waits_for_the_session_operation_in_flight() {
    let (mut b, mut ue) = registered();
    establish(&mut b, &mut ue, PSI);
    b.hold_sbi = true;
    let request = modification_request(PSI, 9);
    let nas = ul_sm(&mut ue, PSI, request.clone(), None, None, None);
    b.send(GNB, 1, &ue.uplink(nas));
    an_release(&mut b, &mut ue);
    assert_eq!(
        held_updates(&b),
        vec![("ctx-1".into(), None, Some(request))],
        "the deactivation waits"
    );
    assert!(!b.amf.ue_by_supi(&ue.supi()).unwrap().sessions[0].up_active);

    let (txn, pending) = b.held.remove(0);
    let reply = b.home.answer(pending);
    b.event(ferrocore_amf::Event::SbiReply { txn, reply });
    let [
        (
            _,
            ferrocore_amf::SbiRequest::UpdateSmContext {
                sm_context_ref,
                update,
            },
        ),
    ] = &b.held[..]
    else {
        panic!("expected the deactivation, got {:?}", b.held);
    };
    assert_eq!(sm_context_ref, "ctx-1");
    assert_eq!(update.data.up_cnx_state, Some(UpCnxState::Deactivated));
}
