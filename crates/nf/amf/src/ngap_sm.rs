//! The NGAP messages of PDU session management (TS 38.413 §8.2, §8.3.1) with the SMF's
//! transfers carried as the opaque octets the AMF relays (TS 23.502 §4.2.3, the AMF does
//! not interpret N2 SM information). `ferrocore-ngap`'s typed builders decode and
//! re-encode each transfer, which would drop what they do not model (security
//! indication, ...) and cannot read the Failed to Setup lists; these work on the ASN.1
//! types of the codec directly.

use ferrocore_ngap::asn;
use ferrocore_ngap::msg::InitialContextSetupRequest;
use ferrocore_ngap::{NgapMessage, NgapPdu, Snssai};
use oxirush_ngap::{build_ngap_ie, extract_ngap_ies};

/// Why a message could not be built or read.
pub(crate) type Error = oxirush_ngap::Error;

/// One PDU session to set up: S-NSSAI, the NAS-PDU for the UE (a DL NAS TRANSPORT
/// with the 5GSM message), and the SMF's PDU Session Resource Setup Request Transfer.
#[derive(Debug, Clone)]
pub(crate) struct SetupItem {
    pub psi: u8,
    pub snssai: Snssai,
    pub nas_pdu: Option<Vec<u8>>,
    pub transfer: Vec<u8>,
}

/// One PDU session id and the octets of a transfer.
pub(crate) type SessionTransfer = (u8, Vec<u8>);

/// Id of the GUAMI IE (TS 38.413 §9.4.7: id-GUAMI 28).
const ID_GUAMI: u16 = 28;

fn snssai(s: Snssai) -> asn::SNSSAI {
    asn::SNSSAI {
        sst: asn::SST([s.sst]),
        sd: s.sd.map(asn::SD),
        ie_extensions: None,
    }
}

fn pdu<'m, M: oxirush_ngap::Message<'m, Protocol = oxirush_ngap::Ngap>>(
    m: &M,
) -> Result<Vec<u8>, Error> {
    NgapPdu::of_message(m, M::CRITICALITY)?.encode()
}

/// PDU SESSION RESOURCE SETUP REQUEST (TS 38.413 §9.2.1.1).
pub(crate) fn setup_request(
    amf_ue_ngap_id: u64,
    ran_ue_ngap_id: u32,
    items: &[SetupItem],
) -> Result<Vec<u8>, Error> {
    let list = items
        .iter()
        .map(|s| asn::PDUSessionResourceSetupItemSUReq {
            pdu_session_id: asn::PDUSessionID(s.psi),
            pdu_session_nas_pdu: s.nas_pdu.clone().map(|n| asn::NASPDU(n.into())),
            s_nssai: snssai(s.snssai),
            pdu_session_resource_setup_request_transfer: s.transfer.clone().into(),
            ie_extensions: None,
        })
        .collect();
    let ies = vec![
        build_ngap_ie!(
            PDUSessionResourceSetupRequest,
            AMF_UE_NGAP_ID(amf_ue_ngap_id)
        )?,
        build_ngap_ie!(
            PDUSessionResourceSetupRequest,
            RAN_UE_NGAP_ID(ran_ue_ngap_id)
        )?,
        build_ngap_ie!(
            PDUSessionResourceSetupRequest,
            PDUSessionResourceSetupListSUReq(asn::PDUSessionResourceSetupListSUReq(list))
        )?,
    ];
    pdu(&asn::PDUSessionResourceSetupRequest::new(
        asn::ProtocolIEContainer(ies),
    ))
}

/// PDU SESSION RESOURCE RELEASE COMMAND (TS 38.413 §9.2.1.3), with the NAS-PDU for the
/// UE (the PDU SESSION RELEASE COMMAND in a DL NAS TRANSPORT) when there is one.
pub(crate) fn release_command(
    amf_ue_ngap_id: u64,
    ran_ue_ngap_id: u32,
    nas_pdu: Option<Vec<u8>>,
    items: &[SessionTransfer],
) -> Result<Vec<u8>, Error> {
    let list = items
        .iter()
        .map(|(psi, t)| asn::PDUSessionResourceToReleaseItemRelCmd {
            pdu_session_id: asn::PDUSessionID(*psi),
            pdu_session_resource_release_command_transfer: t.clone().into(),
            ie_extensions: None,
        })
        .collect();
    let mut ies = vec![
        build_ngap_ie!(
            PDUSessionResourceReleaseCommand,
            AMF_UE_NGAP_ID(amf_ue_ngap_id)
        )?,
        build_ngap_ie!(
            PDUSessionResourceReleaseCommand,
            RAN_UE_NGAP_ID(ran_ue_ngap_id)
        )?,
    ];
    if let Some(n) = nas_pdu {
        ies.push(build_ngap_ie!(
            PDUSessionResourceReleaseCommand,
            NAS_PDU(n)
        )?);
    }
    ies.push(build_ngap_ie!(
        PDUSessionResourceReleaseCommand,
        PDUSessionResourceToReleaseListRelCmd(asn::PDUSessionResourceToReleaseListRelCmd(list))
    )?);
    pdu(&asn::PDUSessionResourceReleaseCommand::new(
        asn::ProtocolIEContainer(ies),
    ))
}

/// One PDU session to modify: the NAS-PDU for the UE (a DL NAS TRANSPORT with the PDU
/// SESSION MODIFICATION COMMAND) and the SMF's PDU Session Resource Modify Request
/// Transfer, relayed as it came.
#[derive(Debug, Clone)]
pub(crate) struct ModifyItem {
    pub psi: u8,
    pub nas_pdu: Option<Vec<u8>>,
    pub transfer: Vec<u8>,
}

/// PDU SESSION RESOURCE MODIFY REQUEST (TS 38.413 §9.2.1.5).
pub(crate) fn modify_request(
    amf_ue_ngap_id: u64,
    ran_ue_ngap_id: u32,
    items: &[ModifyItem],
) -> Result<Vec<u8>, Error> {
    let list = items
        .iter()
        .map(|s| asn::PDUSessionResourceModifyItemModReq {
            pdu_session_id: asn::PDUSessionID(s.psi),
            nas_pdu: s.nas_pdu.clone().map(|n| asn::NASPDU(n.into())),
            pdu_session_resource_modify_request_transfer: s.transfer.clone().into(),
            ie_extensions: None,
        })
        .collect();
    let ies = vec![
        build_ngap_ie!(
            PDUSessionResourceModifyRequest,
            AMF_UE_NGAP_ID(amf_ue_ngap_id)
        )?,
        build_ngap_ie!(
            PDUSessionResourceModifyRequest,
            RAN_UE_NGAP_ID(ran_ue_ngap_id)
        )?,
        build_ngap_ie!(
            PDUSessionResourceModifyRequest,
            PDUSessionResourceModifyListModReq(asn::PDUSessionResourceModifyListModReq(list))
        )?,
    ];
    pdu(&asn::PDUSessionResourceModifyRequest::new(
        asn::ProtocolIEContainer(ies),
    ))
}

/// INITIAL CONTEXT SETUP REQUEST (TS 38.413 §9.2.2.1) of `ics` with the PDU Session
/// Resource Setup List of `items` (placed after the GUAMI, the order of §9.2.2.1).
pub(crate) fn initial_context_setup(
    ics: &InitialContextSetupRequest,
    items: &[SetupItem],
) -> Result<Vec<u8>, Error> {
    let bytes = ics
        .encode()
        .map_err(|e| oxirush_ngap::Error::new(oxirush_ngap::ErrorKind::Encode, e.to_string()))?;
    if items.is_empty() {
        return Ok(bytes);
    }
    let decoded = NgapPdu::decode(&bytes)?;
    let m: asn::InitialContextSetupRequest<'_> = decoded.decode_value()?;
    let list = items
        .iter()
        .map(|s| asn::PDUSessionResourceSetupItemCxtReq {
            pdu_session_id: asn::PDUSessionID(s.psi),
            nas_pdu: s.nas_pdu.clone().map(|n| asn::NASPDU(n.into())),
            s_nssai: snssai(s.snssai),
            pdu_session_resource_setup_request_transfer: s.transfer.clone().into(),
            ie_extensions: None,
        })
        .collect();
    let ie = build_ngap_ie!(
        InitialContextSetupRequest,
        PDUSessionResourceSetupListCxtReq(asn::PDUSessionResourceSetupListCxtReq(list))
    )?;
    let mut ies = m.protocol_ies.0;
    let at = ies
        .iter()
        .position(|f| f.id.0 == ID_GUAMI)
        .map_or(ies.len(), |i| i + 1);
    ies.insert(at, ie);
    pdu(&asn::InitialContextSetupRequest::new(
        asn::ProtocolIEContainer(ies),
    ))
}

/// The sessions of a response that the gNB handled (with their response transfers) and
/// those it could not (with their unsuccessful transfers).
pub(crate) type Outcomes = Result<(Vec<SessionTransfer>, Vec<SessionTransfer>), Error>;

/// The sessions of a PDU SESSION RESOURCE SETUP RESPONSE (TS 38.413 §9.2.1.2): set up
/// (with the Setup Response Transfer) and failed (with the Setup Unsuccessful Transfer).
pub(crate) fn setup_response(bytes: &[u8]) -> Outcomes {
    let pdu = ferrocore_ngap::NgapPduRef::decode_borrowed(bytes)?;
    extract_ngap_ies!(pdu, PDUSessionResourceSetupResponse,
        opt setup: Vec<SessionTransfer> = PDUSessionResourceSetupListSURes(l) => l.0.iter()
            .map(|i| (i.pdu_session_id.0, i.pdu_session_resource_setup_response_transfer.to_vec()))
            .collect(),
        opt failed: Vec<SessionTransfer> = PDUSessionResourceFailedToSetupListSURes(l) => l.0.iter()
            .map(|i| (i.pdu_session_id.0, i.pdu_session_resource_setup_unsuccessful_transfer.to_vec()))
            .collect(),
    );
    Ok((setup.unwrap_or_default(), failed.unwrap_or_default()))
}

/// The sessions of an INITIAL CONTEXT SETUP RESPONSE (TS 38.413 §9.2.2.2), as
/// [`setup_response`].
pub(crate) fn initial_context_setup_response(bytes: &[u8]) -> Outcomes {
    let pdu = ferrocore_ngap::NgapPduRef::decode_borrowed(bytes)?;
    extract_ngap_ies!(pdu, InitialContextSetupResponse,
        opt setup: Vec<SessionTransfer> = PDUSessionResourceSetupListCxtRes(l) => l.0.iter()
            .map(|i| (i.pdu_session_id.0, i.pdu_session_resource_setup_response_transfer.to_vec()))
            .collect(),
        opt failed: Vec<SessionTransfer> = PDUSessionResourceFailedToSetupListCxtRes(l) => l.0.iter()
            .map(|i| (i.pdu_session_id.0, i.pdu_session_resource_setup_unsuccessful_transfer.to_vec()))
            .collect(),
    );
    Ok((setup.unwrap_or_default(), failed.unwrap_or_default()))
}

/// The sessions of a PDU SESSION RESOURCE MODIFY RESPONSE (TS 38.413 §9.2.1.6): modified
/// (with the Modify Response Transfer) and failed (with the Modify Unsuccessful Transfer).
pub(crate) fn modify_response(bytes: &[u8]) -> Outcomes {
    let pdu = ferrocore_ngap::NgapPduRef::decode_borrowed(bytes)?;
    extract_ngap_ies!(pdu, PDUSessionResourceModifyResponse,
        opt modified: Vec<SessionTransfer> = PDUSessionResourceModifyListModRes(l) => l.0.iter()
            .map(|i| (i.pdu_session_id.0, i.pdu_session_resource_modify_response_transfer.to_vec()))
            .collect(),
        opt failed: Vec<SessionTransfer> = PDUSessionResourceFailedToModifyListModRes(l) => l.0.iter()
            .map(|i| (i.pdu_session_id.0, i.pdu_session_resource_modify_unsuccessful_transfer.to_vec()))
            .collect(),
    );
    Ok((modified.unwrap_or_default(), failed.unwrap_or_default()))
}

/// The sessions of a PDU SESSION RESOURCE RELEASE RESPONSE (TS 38.413 §9.2.1.4) with
/// their Release Response Transfers.
pub(crate) fn release_response(bytes: &[u8]) -> Result<Vec<SessionTransfer>, Error> {
    let pdu = ferrocore_ngap::NgapPduRef::decode_borrowed(bytes)?;
    extract_ngap_ies!(pdu, PDUSessionResourceReleaseResponse,
        req released: Vec<SessionTransfer> = PDUSessionResourceReleasedListRelRes(l) => l.0.iter()
            .map(|i| (i.pdu_session_id.0, i.pdu_session_resource_release_response_transfer.to_vec()))
            .collect(),
    );
    Ok(released)
}
