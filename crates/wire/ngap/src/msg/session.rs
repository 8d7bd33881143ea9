//! PDU Session Management (TS 38.413 §8.2): Resource Setup, Modify and Release.

use crate::asn;
use crate::ies::Raw;
use crate::msg::lists::{build_items, read_items, session_entry};
use crate::msg::ngap_message;
use crate::transfer::{
    ModifyRequestTransfer, ModifyResponseTransfer, ModifyUnsuccessfulTransfer,
    ReleaseCommandTransfer, ReleaseResponseTransfer, SetupRequestTransfer, SetupResponseTransfer,
};
use crate::values::Snssai;
use oxirush_ngap::{build_ngap_ie, extract_ngap_ies};

/// One PDU session to set up (PDU Session Resource Setup Request List item, TS 38.413
/// §9.2.1.1; the same shape serves the Initial Context Setup list of §9.2.2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSetupItem {
    pub pdu_session_id: u8,
    /// The PDU SESSION ESTABLISHMENT ACCEPT for the UE, if any.
    pub nas_pdu: Option<Vec<u8>>,
    pub snssai: Snssai,
    pub transfer: SetupRequestTransfer,
}

/// One PDU session set up (PDU Session Resource Setup Response List item).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSetupResult {
    pub pdu_session_id: u8,
    pub transfer: SetupResponseTransfer,
}
session_entry!(SessionSetupResult, SetupResponseTransfer);

/// PDU SESSION RESOURCE SETUP REQUEST (TS 38.413 §9.2.1.1), AMF → NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PduSessionResourceSetupRequest {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub nas_pdu: Option<Vec<u8>>,
    pub sessions: Vec<SessionSetupItem>,
}

impl PduSessionResourceSetupRequest {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![
            build_ngap_ie!(
                PDUSessionResourceSetupRequest,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                PDUSessionResourceSetupRequest,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
        ];
        if let Some(n) = &self.nas_pdu {
            ies.push(build_ngap_ie!(
                PDUSessionResourceSetupRequest,
                NAS_PDU(n.clone())
            )?);
        }
        let items = self
            .sessions
            .iter()
            .map(|s| {
                Ok(asn::PDUSessionResourceSetupItemSUReq {
                    pdu_session_id: asn::PDUSessionID(s.pdu_session_id),
                    // Borrowed: the item is encoded into the IE's octets right below.
                    pdu_session_nas_pdu: s
                        .nas_pdu
                        .as_deref()
                        .map(|n| asn::NASPDU(oxirush_ngap::Octets::borrowed(n))),
                    s_nssai: s.snssai.to_asn(),
                    pdu_session_resource_setup_request_transfer: s.transfer.to_octets()?.into(),
                    ie_extensions: None,
                })
            })
            .collect::<Result<_, Raw>>()?;
        ies.push(build_ngap_ie!(
            PDUSessionResourceSetupRequest,
            PDUSessionResourceSetupListSUReq(asn::PDUSessionResourceSetupListSUReq(items))
        )?);
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, PDUSessionResourceSetupRequest,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            opt nas_pdu: Vec<u8> = NAS_PDU(n) => n.0.to_vec(),
            req list: asn::PDUSessionResourceSetupListSUReq<'_> = PDUSessionResourceSetupListSUReq(l) => l,
        );
        let sessions = list
            .0
            .iter()
            .map(|i| {
                Ok(SessionSetupItem {
                    pdu_session_id: i.pdu_session_id.0,
                    nas_pdu: i.pdu_session_nas_pdu.as_ref().map(|n| n.0.to_vec()),
                    snssai: Snssai::of(&i.s_nssai),
                    transfer: SetupRequestTransfer::from_octets(
                        &i.pdu_session_resource_setup_request_transfer,
                    )?,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(PduSessionResourceSetupRequest {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            nas_pdu,
            sessions,
        })
    }
}
ngap_message!(
    PduSessionResourceSetupRequest,
    PDUSessionResourceSetupRequest
);

/// PDU SESSION RESOURCE SETUP RESPONSE (TS 38.413 §9.2.1.2), NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PduSessionResourceSetupResponse {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub setup: Vec<SessionSetupResult>,
}

impl PduSessionResourceSetupResponse {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![
            build_ngap_ie!(
                PDUSessionResourceSetupResponse,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                PDUSessionResourceSetupResponse,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
        ];
        if !self.setup.is_empty() {
            let items = build_items(&self.setup, |pdu_session_id, t| {
                asn::PDUSessionResourceSetupItemSURes {
                    pdu_session_id,
                    pdu_session_resource_setup_response_transfer: t.into(),
                    ie_extensions: None,
                }
            })?;
            ies.push(build_ngap_ie!(
                PDUSessionResourceSetupResponse,
                PDUSessionResourceSetupListSURes(asn::PDUSessionResourceSetupListSURes(items))
            )?);
        }
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, PDUSessionResourceSetupResponse,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            opt list: asn::PDUSessionResourceSetupListSURes<'_> = PDUSessionResourceSetupListSURes(l) => l,
        );
        let setup = read_items(list.as_ref().map(|l| &l.0[..]), |i| {
            (
                i.pdu_session_id.0,
                &i.pdu_session_resource_setup_response_transfer[..],
            )
        })?;
        Ok(PduSessionResourceSetupResponse {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            setup,
        })
    }
}
ngap_message!(
    PduSessionResourceSetupResponse,
    PDUSessionResourceSetupResponse
);

/// One PDU session to modify (TS 38.413 §9.2.1.5 list item).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionModifyItem {
    pub pdu_session_id: u8,
    pub nas_pdu: Option<Vec<u8>>,
    pub transfer: ModifyRequestTransfer,
}

/// PDU SESSION RESOURCE MODIFY REQUEST (TS 38.413 §9.2.1.5), AMF → NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PduSessionResourceModifyRequest {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub sessions: Vec<SessionModifyItem>,
}

impl PduSessionResourceModifyRequest {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let items = self
            .sessions
            .iter()
            .map(|s| {
                Ok(asn::PDUSessionResourceModifyItemModReq {
                    pdu_session_id: asn::PDUSessionID(s.pdu_session_id),
                    nas_pdu: s.nas_pdu.clone().map(asn::NASPDU::from),
                    pdu_session_resource_modify_request_transfer: s.transfer.to_octets()?.into(),
                    ie_extensions: None,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(vec![
            build_ngap_ie!(
                PDUSessionResourceModifyRequest,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                PDUSessionResourceModifyRequest,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
            build_ngap_ie!(
                PDUSessionResourceModifyRequest,
                PDUSessionResourceModifyListModReq(asn::PDUSessionResourceModifyListModReq(items))
            )?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, PDUSessionResourceModifyRequest,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req list: asn::PDUSessionResourceModifyListModReq<'_> = PDUSessionResourceModifyListModReq(l) => l,
        );
        let sessions = list
            .0
            .iter()
            .map(|i| {
                Ok(SessionModifyItem {
                    pdu_session_id: i.pdu_session_id.0,
                    nas_pdu: i.nas_pdu.as_ref().map(|n| n.0.to_vec()),
                    transfer: ModifyRequestTransfer::from_octets(
                        &i.pdu_session_resource_modify_request_transfer,
                    )?,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(PduSessionResourceModifyRequest {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            sessions,
        })
    }
}
ngap_message!(
    PduSessionResourceModifyRequest,
    PDUSessionResourceModifyRequest
);

/// One PDU session modified (TS 38.413 §9.2.1.6 list item).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionModifyResult {
    pub pdu_session_id: u8,
    pub transfer: ModifyResponseTransfer,
}
session_entry!(SessionModifyResult, ModifyResponseTransfer);

/// One PDU session not modified (TS 38.413 §9.2.1.6 PDU Session Resource Failed to
/// Modify List item).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionModifyFailure {
    pub pdu_session_id: u8,
    pub transfer: ModifyUnsuccessfulTransfer,
}
session_entry!(SessionModifyFailure, ModifyUnsuccessfulTransfer);

/// PDU SESSION RESOURCE MODIFY RESPONSE (TS 38.413 §9.2.1.6), NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PduSessionResourceModifyResponse {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub modified: Vec<SessionModifyResult>,
    /// PDU Session Resource Failed to Modify List.
    pub failed: Vec<SessionModifyFailure>,
}

impl PduSessionResourceModifyResponse {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![
            build_ngap_ie!(
                PDUSessionResourceModifyResponse,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                PDUSessionResourceModifyResponse,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
        ];
        if !self.modified.is_empty() {
            let items = build_items(&self.modified, |pdu_session_id, t| {
                asn::PDUSessionResourceModifyItemModRes {
                    pdu_session_id,
                    pdu_session_resource_modify_response_transfer: t.into(),
                    ie_extensions: None,
                }
            })?;
            ies.push(build_ngap_ie!(
                PDUSessionResourceModifyResponse,
                PDUSessionResourceModifyListModRes(asn::PDUSessionResourceModifyListModRes(items))
            )?);
        }
        if !self.failed.is_empty() {
            let items = build_items(&self.failed, |pdu_session_id, t| {
                asn::PDUSessionResourceFailedToModifyItemModRes {
                    pdu_session_id,
                    pdu_session_resource_modify_unsuccessful_transfer: t.into(),
                    ie_extensions: None,
                }
            })?;
            ies.push(build_ngap_ie!(
                PDUSessionResourceModifyResponse,
                PDUSessionResourceFailedToModifyListModRes(
                    asn::PDUSessionResourceFailedToModifyListModRes(items)
                )
            )?);
        }
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, PDUSessionResourceModifyResponse,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            opt list: asn::PDUSessionResourceModifyListModRes<'_> = PDUSessionResourceModifyListModRes(l) => l,
            opt failed: asn::PDUSessionResourceFailedToModifyListModRes<'_> = PDUSessionResourceFailedToModifyListModRes(l) => l,
        );
        let modified = read_items(list.as_ref().map(|l| &l.0[..]), |i| {
            (
                i.pdu_session_id.0,
                &i.pdu_session_resource_modify_response_transfer[..],
            )
        })?;
        let failed = read_items(failed.as_ref().map(|l| &l.0[..]), |i| {
            (
                i.pdu_session_id.0,
                &i.pdu_session_resource_modify_unsuccessful_transfer[..],
            )
        })?;
        Ok(PduSessionResourceModifyResponse {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            modified,
            failed,
        })
    }
}
ngap_message!(
    PduSessionResourceModifyResponse,
    PDUSessionResourceModifyResponse
);

/// One PDU session to release (TS 38.413 §9.2.1.3 list item).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionReleaseItem {
    pub pdu_session_id: u8,
    pub transfer: ReleaseCommandTransfer,
}

/// PDU SESSION RESOURCE RELEASE COMMAND (TS 38.413 §9.2.1.3), AMF → NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PduSessionResourceReleaseCommand {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub nas_pdu: Option<Vec<u8>>,
    pub sessions: Vec<SessionReleaseItem>,
}

impl PduSessionResourceReleaseCommand {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![
            build_ngap_ie!(
                PDUSessionResourceReleaseCommand,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                PDUSessionResourceReleaseCommand,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
        ];
        if let Some(n) = &self.nas_pdu {
            ies.push(build_ngap_ie!(
                PDUSessionResourceReleaseCommand,
                NAS_PDU(n.clone())
            )?);
        }
        let items = self
            .sessions
            .iter()
            .map(|s| {
                Ok(asn::PDUSessionResourceToReleaseItemRelCmd {
                    pdu_session_id: asn::PDUSessionID(s.pdu_session_id),
                    pdu_session_resource_release_command_transfer: s.transfer.to_octets()?.into(),
                    ie_extensions: None,
                })
            })
            .collect::<Result<_, Raw>>()?;
        ies.push(build_ngap_ie!(
            PDUSessionResourceReleaseCommand,
            PDUSessionResourceToReleaseListRelCmd(asn::PDUSessionResourceToReleaseListRelCmd(
                items
            ))
        )?);
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, PDUSessionResourceReleaseCommand,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            opt nas_pdu: Vec<u8> = NAS_PDU(n) => n.0.to_vec(),
            req list: asn::PDUSessionResourceToReleaseListRelCmd<'_> = PDUSessionResourceToReleaseListRelCmd(l) => l,
        );
        let sessions = list
            .0
            .iter()
            .map(|i| {
                Ok(SessionReleaseItem {
                    pdu_session_id: i.pdu_session_id.0,
                    transfer: ReleaseCommandTransfer::from_octets(
                        &i.pdu_session_resource_release_command_transfer,
                    )?,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(PduSessionResourceReleaseCommand {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            nas_pdu,
            sessions,
        })
    }
}
ngap_message!(
    PduSessionResourceReleaseCommand,
    PDUSessionResourceReleaseCommand
);

/// PDU SESSION RESOURCE RELEASE RESPONSE (TS 38.413 §9.2.1.4), NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PduSessionResourceReleaseResponse {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    /// The released sessions (each with an empty Release Response Transfer).
    pub released: Vec<u8>,
}

impl PduSessionResourceReleaseResponse {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let empty = ReleaseResponseTransfer.to_octets()?;
        let items = self
            .released
            .iter()
            .map(|id| asn::PDUSessionResourceReleasedItemRelRes {
                pdu_session_id: asn::PDUSessionID(*id),
                pdu_session_resource_release_response_transfer: empty.clone().into(),
                ie_extensions: None,
            })
            .collect();
        Ok(vec![
            build_ngap_ie!(
                PDUSessionResourceReleaseResponse,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                PDUSessionResourceReleaseResponse,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
            build_ngap_ie!(
                PDUSessionResourceReleaseResponse,
                PDUSessionResourceReleasedListRelRes(asn::PDUSessionResourceReleasedListRelRes(
                    items
                ))
            )?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, PDUSessionResourceReleaseResponse,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req list: asn::PDUSessionResourceReleasedListRelRes<'_> = PDUSessionResourceReleasedListRelRes(l) => l,
        );
        let released = list
            .0
            .iter()
            .map(|i| {
                ReleaseResponseTransfer::from_octets(
                    &i.pdu_session_resource_release_response_transfer,
                )?;
                Ok(i.pdu_session_id.0)
            })
            .collect::<Result<_, Raw>>()?;
        Ok(PduSessionResourceReleaseResponse {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            released,
        })
    }
}
ngap_message!(
    PduSessionResourceReleaseResponse,
    PDUSessionResourceReleaseResponse
);
