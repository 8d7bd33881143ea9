//! UE Mobility Management (TS 38.413 §8.4): Handover Preparation / Resource Allocation /
//! Notification, Path Switch Request.

use crate::asn;
use crate::ies::{Raw, semantic};
use crate::msg::context::UeAmbr;
use crate::msg::ngap_message;
use crate::transfer::{
    HandoverCommandTransfer, HandoverRequestAcknowledgeTransfer, HandoverRequiredTransfer,
    PathSwitchRequestAcknowledgeTransfer, PathSwitchRequestTransfer, SetupRequestTransfer,
};
use crate::values::{
    Cause, GnbId, Guami, HandoverType, SecurityCapabilities, SecurityContext, Snssai, Tai,
    UserLocation, allowed_nssai, allowed_nssai_of,
};
use oxirush_ngap::{build_ngap_ie, extract_ngap_ies};

/// Target ID (TS 38.413 §9.3.1.25), NG-RAN alternative: the target gNB and selected TAI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TargetRan {
    pub gnb: GnbId,
    pub tai: Tai,
}

/// A PDU session id with a transfer of type `T` (the items of the handover lists).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionTransfer<T> {
    pub pdu_session_id: u8,
    pub transfer: T,
}

/// HANDOVER REQUIRED (TS 38.413 §9.2.3.1), source NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverRequired {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub handover_type: HandoverType,
    pub cause: Cause,
    pub target: TargetRan,
    pub sessions: Vec<SessionTransfer<HandoverRequiredTransfer>>,
    /// Source to Target Transparent Container (§9.3.1.20), kept as octets.
    pub source_to_target: Vec<u8>,
}

impl HandoverRequired {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let target = asn::TargetID::targetRANNodeID(asn::TargetRANNodeID {
            global_ran_node_id: self.target.gnb.to_asn()?,
            selected_tai: self.target.tai.to_asn(),
            ie_extensions: None,
        });
        let items = self
            .sessions
            .iter()
            .map(|s| {
                Ok(asn::PDUSessionResourceItemHORqd {
                    pdu_session_id: asn::PDUSessionID(s.pdu_session_id),
                    handover_required_transfer: s.transfer.to_octets()?.into(),
                    ie_extensions: None,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(vec![
            build_ngap_ie!(HandoverRequired, AMF_UE_NGAP_ID(self.amf_ue_ngap_id))?,
            build_ngap_ie!(HandoverRequired, RAN_UE_NGAP_ID(self.ran_ue_ngap_id))?,
            build_ngap_ie!(HandoverRequired, HandoverType(self.handover_type))?,
            build_ngap_ie!(HandoverRequired, Cause(self.cause.clone()))?,
            build_ngap_ie!(HandoverRequired, TargetID(target))?,
            build_ngap_ie!(
                HandoverRequired,
                PDUSessionResourceListHORqd(asn::PDUSessionResourceListHORqd(items))
            )?,
            build_ngap_ie!(
                HandoverRequired,
                SourceToTarget_TransparentContainer(asn::SourceToTargetTransparentContainer(
                    self.source_to_target.clone().into()
                ))
            )?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, HandoverRequired,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req handover_type: HandoverType = HandoverType(t) => t,
            req cause: Cause = Cause(c) => c,
            req target: asn::TargetID = TargetID(t) => t,
            req list: asn::PDUSessionResourceListHORqd<'_> = PDUSessionResourceListHORqd(l) => l,
            req source_to_target: Vec<u8> = SourceToTarget_TransparentContainer(c) => c.0.to_vec(),
        );
        let asn::TargetID::targetRANNodeID(t) = target else {
            return Err(semantic("TargetID", "only an NG-RAN target is supported"));
        };
        let sessions = list
            .0
            .iter()
            .map(|i| {
                Ok(SessionTransfer {
                    pdu_session_id: i.pdu_session_id.0,
                    transfer: HandoverRequiredTransfer::from_octets(&i.handover_required_transfer)?,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(HandoverRequired {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            handover_type,
            cause,
            target: TargetRan {
                gnb: GnbId::of(&t.global_ran_node_id)?,
                tai: Tai::of(&t.selected_tai),
            },
            sessions,
            source_to_target,
        })
    }
}
ngap_message!(HandoverRequired, HandoverRequired);

/// One PDU session for the target to set up (TS 38.413 §9.2.3.4 list item).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverSessionItem {
    pub pdu_session_id: u8,
    pub snssai: Snssai,
    /// Handover Request Transfer: a PDU Session Resource Setup Request Transfer.
    pub transfer: SetupRequestTransfer,
}

/// HANDOVER REQUEST (TS 38.413 §9.2.3.4), AMF → target NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverRequest {
    pub amf_ue_ngap_id: u64,
    pub handover_type: HandoverType,
    pub cause: Cause,
    pub ue_ambr: UeAmbr,
    pub security_capabilities: SecurityCapabilities,
    pub security_context: SecurityContext,
    pub sessions: Vec<HandoverSessionItem>,
    pub allowed_nssai: Vec<Snssai>,
    pub source_to_target: Vec<u8>,
    pub guami: Guami,
}

impl HandoverRequest {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let items = self
            .sessions
            .iter()
            .map(|s| {
                Ok(asn::PDUSessionResourceSetupItemHOReq {
                    pdu_session_id: asn::PDUSessionID(s.pdu_session_id),
                    s_nssai: s.snssai.to_asn(),
                    handover_request_transfer: s.transfer.to_octets()?.into(),
                    ie_extensions: None,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(vec![
            build_ngap_ie!(HandoverRequest, AMF_UE_NGAP_ID(self.amf_ue_ngap_id))?,
            build_ngap_ie!(HandoverRequest, HandoverType(self.handover_type))?,
            build_ngap_ie!(HandoverRequest, Cause(self.cause.clone()))?,
            build_ngap_ie!(
                HandoverRequest,
                UEAggregateMaximumBitRate(self.ue_ambr.to_asn())
            )?,
            build_ngap_ie!(
                HandoverRequest,
                UESecurityCapabilities(self.security_capabilities.to_asn()?)
            )?,
            build_ngap_ie!(
                HandoverRequest,
                SecurityContext(self.security_context.to_asn()?)
            )?,
            build_ngap_ie!(
                HandoverRequest,
                PDUSessionResourceSetupListHOReq(asn::PDUSessionResourceSetupListHOReq(items))
            )?,
            build_ngap_ie!(
                HandoverRequest,
                AllowedNSSAI(allowed_nssai(&self.allowed_nssai))
            )?,
            build_ngap_ie!(
                HandoverRequest,
                SourceToTarget_TransparentContainer(asn::SourceToTargetTransparentContainer(
                    self.source_to_target.clone().into()
                ))
            )?,
            build_ngap_ie!(HandoverRequest, GUAMI(self.guami.to_asn()?))?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, HandoverRequest,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req handover_type: HandoverType = HandoverType(t) => t,
            req cause: Cause = Cause(c) => c,
            req ue_ambr: UeAmbr = UEAggregateMaximumBitRate(a) => UeAmbr::of(&a),
            req caps: asn::UESecurityCapabilities<'_> = UESecurityCapabilities(c) => c,
            req ctx: asn::SecurityContext<'_> = SecurityContext(c) => c,
            req list: asn::PDUSessionResourceSetupListHOReq<'_> = PDUSessionResourceSetupListHOReq(l) => l,
            req allowed: Vec<Snssai> = AllowedNSSAI(a) => allowed_nssai_of(&a),
            req source_to_target: Vec<u8> = SourceToTarget_TransparentContainer(c) => c.0.to_vec(),
            req guami: Guami = GUAMI(g) => Guami::of(&g),
        );
        let sessions = list
            .0
            .iter()
            .map(|i| {
                Ok(HandoverSessionItem {
                    pdu_session_id: i.pdu_session_id.0,
                    snssai: Snssai::of(&i.s_nssai),
                    transfer: SetupRequestTransfer::from_octets(&i.handover_request_transfer)?,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(HandoverRequest {
            amf_ue_ngap_id,
            handover_type,
            cause,
            ue_ambr,
            security_capabilities: SecurityCapabilities::of(&caps)?,
            security_context: SecurityContext::of(&ctx)?,
            sessions,
            allowed_nssai: allowed,
            source_to_target,
            guami,
        })
    }
}
ngap_message!(HandoverRequest, HandoverRequest);

/// HANDOVER REQUEST ACKNOWLEDGE (TS 38.413 §9.2.3.5), target NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverRequestAcknowledge {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub admitted: Vec<SessionTransfer<HandoverRequestAcknowledgeTransfer>>,
    /// Target to Source Transparent Container (§9.3.1.21), kept as octets.
    pub target_to_source: Vec<u8>,
}

impl HandoverRequestAcknowledge {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let items = self
            .admitted
            .iter()
            .map(|s| {
                Ok(asn::PDUSessionResourceAdmittedItem {
                    pdu_session_id: asn::PDUSessionID(s.pdu_session_id),
                    handover_request_acknowledge_transfer: s.transfer.to_octets()?.into(),
                    ie_extensions: None,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(vec![
            build_ngap_ie!(
                HandoverRequestAcknowledge,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                HandoverRequestAcknowledge,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
            build_ngap_ie!(
                HandoverRequestAcknowledge,
                PDUSessionResourceAdmittedList(asn::PDUSessionResourceAdmittedList(items))
            )?,
            build_ngap_ie!(
                HandoverRequestAcknowledge,
                TargetToSource_TransparentContainer(asn::TargetToSourceTransparentContainer(
                    self.target_to_source.clone().into()
                ))
            )?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, HandoverRequestAcknowledge,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req list: asn::PDUSessionResourceAdmittedList<'_> = PDUSessionResourceAdmittedList(l) => l,
            req target_to_source: Vec<u8> = TargetToSource_TransparentContainer(c) => c.0.to_vec(),
        );
        let admitted = list
            .0
            .iter()
            .map(|i| {
                Ok(SessionTransfer {
                    pdu_session_id: i.pdu_session_id.0,
                    transfer: HandoverRequestAcknowledgeTransfer::from_octets(
                        &i.handover_request_acknowledge_transfer,
                    )?,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(HandoverRequestAcknowledge {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            admitted,
            target_to_source,
        })
    }
}
ngap_message!(HandoverRequestAcknowledge, HandoverRequestAcknowledge);

/// HANDOVER COMMAND (TS 38.413 §9.2.3.2), AMF → source NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverCommand {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub handover_type: HandoverType,
    pub sessions: Vec<SessionTransfer<HandoverCommandTransfer>>,
    pub target_to_source: Vec<u8>,
}

impl HandoverCommand {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![
            build_ngap_ie!(HandoverCommand, AMF_UE_NGAP_ID(self.amf_ue_ngap_id))?,
            build_ngap_ie!(HandoverCommand, RAN_UE_NGAP_ID(self.ran_ue_ngap_id))?,
            build_ngap_ie!(HandoverCommand, HandoverType(self.handover_type))?,
        ];
        if !self.sessions.is_empty() {
            let items = self
                .sessions
                .iter()
                .map(|s| {
                    Ok(asn::PDUSessionResourceHandoverItem {
                        pdu_session_id: asn::PDUSessionID(s.pdu_session_id),
                        handover_command_transfer: s.transfer.to_octets()?.into(),
                        ie_extensions: None,
                    })
                })
                .collect::<Result<_, Raw>>()?;
            ies.push(build_ngap_ie!(
                HandoverCommand,
                PDUSessionResourceHandoverList(asn::PDUSessionResourceHandoverList(items))
            )?);
        }
        ies.push(build_ngap_ie!(
            HandoverCommand,
            TargetToSource_TransparentContainer(asn::TargetToSourceTransparentContainer(
                self.target_to_source.clone().into()
            ))
        )?);
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, HandoverCommand,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req handover_type: HandoverType = HandoverType(t) => t,
            opt list: asn::PDUSessionResourceHandoverList<'_> = PDUSessionResourceHandoverList(l) => l,
            req target_to_source: Vec<u8> = TargetToSource_TransparentContainer(c) => c.0.to_vec(),
        );
        let sessions = match list {
            None => Vec::new(),
            Some(l) => {
                l.0.iter()
                    .map(|i| {
                        Ok(SessionTransfer {
                            pdu_session_id: i.pdu_session_id.0,
                            transfer: HandoverCommandTransfer::from_octets(
                                &i.handover_command_transfer,
                            )?,
                        })
                    })
                    .collect::<Result<_, Raw>>()?
            }
        };
        Ok(HandoverCommand {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            handover_type,
            sessions,
            target_to_source,
        })
    }
}
ngap_message!(HandoverCommand, HandoverCommand);

/// HANDOVER NOTIFY (TS 38.413 §9.2.3.7), target NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverNotify {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub location: UserLocation,
}

impl HandoverNotify {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        Ok(vec![
            build_ngap_ie!(HandoverNotify, AMF_UE_NGAP_ID(self.amf_ue_ngap_id))?,
            build_ngap_ie!(HandoverNotify, RAN_UE_NGAP_ID(self.ran_ue_ngap_id))?,
            build_ngap_ie!(
                HandoverNotify,
                UserLocationInformation(self.location.to_asn()?)
            )?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, HandoverNotify,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req location: asn::UserLocationInformation<'_> = UserLocationInformation(u) => u,
        );
        Ok(HandoverNotify {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            location: UserLocation::of(&location)?,
        })
    }
}
ngap_message!(HandoverNotify, HandoverNotify);

/// PATH SWITCH REQUEST (TS 38.413 §9.2.3.8), target NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathSwitchRequest {
    pub ran_ue_ngap_id: u32,
    pub source_amf_ue_ngap_id: u64,
    pub location: UserLocation,
    pub security_capabilities: SecurityCapabilities,
    pub sessions: Vec<SessionTransfer<PathSwitchRequestTransfer>>,
}

impl PathSwitchRequest {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let items = self
            .sessions
            .iter()
            .map(|s| {
                Ok(asn::PDUSessionResourceToBeSwitchedDLItem {
                    pdu_session_id: asn::PDUSessionID(s.pdu_session_id),
                    path_switch_request_transfer: s.transfer.to_octets()?.into(),
                    ie_extensions: None,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(vec![
            build_ngap_ie!(PathSwitchRequest, RAN_UE_NGAP_ID(self.ran_ue_ngap_id))?,
            build_ngap_ie!(
                PathSwitchRequest,
                SourceAMF_UE_NGAP_ID(self.source_amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                PathSwitchRequest,
                UserLocationInformation(self.location.to_asn()?)
            )?,
            build_ngap_ie!(
                PathSwitchRequest,
                UESecurityCapabilities(self.security_capabilities.to_asn()?)
            )?,
            build_ngap_ie!(
                PathSwitchRequest,
                PDUSessionResourceToBeSwitchedDLList(asn::PDUSessionResourceToBeSwitchedDLList(
                    items
                ))
            )?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, PathSwitchRequest,
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req source_amf_ue_ngap_id: u64 = SourceAMF_UE_NGAP_ID(id),
            req location: asn::UserLocationInformation<'_> = UserLocationInformation(u) => u,
            req caps: asn::UESecurityCapabilities<'_> = UESecurityCapabilities(c) => c,
            req list: asn::PDUSessionResourceToBeSwitchedDLList<'_> = PDUSessionResourceToBeSwitchedDLList(l) => l,
        );
        let sessions = list
            .0
            .iter()
            .map(|i| {
                Ok(SessionTransfer {
                    pdu_session_id: i.pdu_session_id.0,
                    transfer: PathSwitchRequestTransfer::from_octets(
                        &i.path_switch_request_transfer,
                    )?,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(PathSwitchRequest {
            ran_ue_ngap_id,
            source_amf_ue_ngap_id,
            location: UserLocation::of(&location)?,
            security_capabilities: SecurityCapabilities::of(&caps)?,
            sessions,
        })
    }
}
ngap_message!(PathSwitchRequest, PathSwitchRequest);

/// PATH SWITCH REQUEST ACKNOWLEDGE (TS 38.413 §9.2.3.9), AMF → target NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathSwitchRequestAcknowledge {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub security_context: SecurityContext,
    pub sessions: Vec<SessionTransfer<PathSwitchRequestAcknowledgeTransfer>>,
    pub allowed_nssai: Vec<Snssai>,
}

impl PathSwitchRequestAcknowledge {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let items = self
            .sessions
            .iter()
            .map(|s| {
                Ok(asn::PDUSessionResourceSwitchedItem {
                    pdu_session_id: asn::PDUSessionID(s.pdu_session_id),
                    path_switch_request_acknowledge_transfer: s.transfer.to_octets()?.into(),
                    ie_extensions: None,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(vec![
            build_ngap_ie!(
                PathSwitchRequestAcknowledge,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                PathSwitchRequestAcknowledge,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
            build_ngap_ie!(
                PathSwitchRequestAcknowledge,
                SecurityContext(self.security_context.to_asn()?)
            )?,
            build_ngap_ie!(
                PathSwitchRequestAcknowledge,
                PDUSessionResourceSwitchedList(asn::PDUSessionResourceSwitchedList(items))
            )?,
            build_ngap_ie!(
                PathSwitchRequestAcknowledge,
                AllowedNSSAI(allowed_nssai(&self.allowed_nssai))
            )?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, PathSwitchRequestAcknowledge,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req ctx: asn::SecurityContext<'_> = SecurityContext(c) => c,
            req list: asn::PDUSessionResourceSwitchedList<'_> = PDUSessionResourceSwitchedList(l) => l,
            req allowed: Vec<Snssai> = AllowedNSSAI(a) => allowed_nssai_of(&a),
        );
        let sessions = list
            .0
            .iter()
            .map(|i| {
                Ok(SessionTransfer {
                    pdu_session_id: i.pdu_session_id.0,
                    transfer: PathSwitchRequestAcknowledgeTransfer::from_octets(
                        &i.path_switch_request_acknowledge_transfer,
                    )?,
                })
            })
            .collect::<Result<_, Raw>>()?;
        Ok(PathSwitchRequestAcknowledge {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            security_context: SecurityContext::of(&ctx)?,
            sessions,
            allowed_nssai: allowed,
        })
    }
}
ngap_message!(PathSwitchRequestAcknowledge, PathSwitchRequestAcknowledge);

/// Source NG-RAN Node to Target NG-RAN Node Transparent Container (TS 38.413 §9.3.1.29)
/// for a handover to an NR cell: the RRC HandoverPreparationInformation octets, the
/// target cell and a one-cell UE history (the serving cell, `stayed_s` seconds).
///
/// # Errors
/// [`crate::Error::Encode`] for a cell identity over 36 bits.
pub fn source_to_target_container(
    rrc_container: &[u8],
    target_cell: crate::values::NrCgi,
    serving_cell: crate::values::NrCgi,
    stayed_s: u16,
) -> Result<Vec<u8>, crate::Error> {
    const NAME: &str = "SourceNGRANNode-ToTargetNGRANNode-TransparentContainer";
    let build = || -> Result<Vec<u8>, Raw> {
        let last = asn::LastVisitedCellItem {
            last_visited_cell_information: asn::LastVisitedCellInformation::nGRANCell(
                asn::LastVisitedNGRANCellInformation {
                    global_cell_id: asn::NGRANCGI::nR_CGI(serving_cell.to_asn()?),
                    cell_type: asn::CellType {
                        cell_size: asn::CellSize::small,
                        ie_extensions: None,
                    },
                    time_ue_stayed_in_cell: asn::TimeUEStayedInCell(stayed_s.min(4095)),
                    time_ue_stayed_in_cell_enhanced_granularity: None,
                    ho_cause_value: None,
                    ie_extensions: None,
                },
            ),
            ie_extensions: None,
        };
        let c = asn::SourceNGRANNodeToTargetNGRANNodeTransparentContainer {
            rrc_container: asn::RRCContainer(rrc_container.to_vec().into()),
            pdu_session_resource_information_list: None,
            e_rab_information_list: None,
            target_cell_id: asn::NGRANCGI::nR_CGI(target_cell.to_asn()?),
            index_to_rfsp: None,
            ue_history_information: asn::UEHistoryInformation(vec![last]),
            ie_extensions: None,
        };
        Ok(asn::encode_open_type(&c)?.to_vec())
    };
    build().map_err(|e| e.building(NAME))
}

/// Target NG-RAN Node to Source NG-RAN Node Transparent Container (TS 38.413 §9.3.1.30):
/// the RRC HandoverCommand octets.
///
/// # Errors
/// [`crate::Error::Encode`] (not expected for any input).
pub fn target_to_source_container(rrc_container: &[u8]) -> Result<Vec<u8>, crate::Error> {
    let c = asn::TargetNGRANNodeToSourceNGRANNodeTransparentContainer {
        rrc_container: asn::RRCContainer(rrc_container.to_vec().into()),
        ie_extensions: None,
    };
    asn::encode_open_type(&c).map(|o| o.to_vec()).map_err(|e| {
        crate::Error::building("TargetNGRANNode-ToSourceNGRANNode-TransparentContainer", e)
    })
}
