//! UE Context Management (TS 38.413 §8.3): Initial Context Setup, UE Context Release,
//! and UE Radio Capability Info Indication (§8.14.1).

use crate::asn;
use crate::ies::Raw;
use crate::msg::lists::{build_items, read_items};
use crate::msg::ngap_message;
use crate::msg::session::{SessionSetupItem, SessionSetupResult};
use crate::transfer::SetupRequestTransfer;
use crate::values::{
    Cause, Guami, SecurityCapabilities, Snssai, UserLocation, allowed_nssai, allowed_nssai_of,
    key_of, security_key,
};
use oxirush_ngap::{build_ngap_ie, extract_ngap_ies};

/// UE Aggregate Maximum Bit Rate (TS 38.413 §9.3.1.58), bit/s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UeAmbr {
    pub downlink: u64,
    pub uplink: u64,
}

impl UeAmbr {
    pub(crate) fn to_asn(self) -> asn::UEAggregateMaximumBitRate {
        asn::UEAggregateMaximumBitRate {
            ue_aggregate_maximum_bit_rate_dl: asn::BitRate(self.downlink),
            ue_aggregate_maximum_bit_rate_ul: asn::BitRate(self.uplink),
            ie_extensions: None,
        }
    }
    pub(crate) fn of(a: &asn::UEAggregateMaximumBitRate) -> Self {
        UeAmbr {
            downlink: a.ue_aggregate_maximum_bit_rate_dl.0,
            uplink: a.ue_aggregate_maximum_bit_rate_ul.0,
        }
    }
}

/// INITIAL CONTEXT SETUP REQUEST (TS 38.413 §9.2.2.1), AMF → NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialContextSetupRequest {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    /// Conditional: present when `sessions` is not empty.
    pub ue_ambr: Option<UeAmbr>,
    pub guami: Guami,
    pub sessions: Vec<SessionSetupItem>,
    pub allowed_nssai: Vec<Snssai>,
    pub security_capabilities: SecurityCapabilities,
    /// KgNB (§9.3.1.87).
    pub security_key: [u8; 32],
    pub nas_pdu: Option<Vec<u8>>,
}

impl InitialContextSetupRequest {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![
            build_ngap_ie!(
                InitialContextSetupRequest,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                InitialContextSetupRequest,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
        ];
        if let Some(a) = self.ue_ambr {
            ies.push(build_ngap_ie!(
                InitialContextSetupRequest,
                UEAggregateMaximumBitRate(a.to_asn())
            )?);
        }
        ies.push(build_ngap_ie!(
            InitialContextSetupRequest,
            GUAMI(self.guami.to_asn()?)
        )?);
        if !self.sessions.is_empty() {
            let items = self
                .sessions
                .iter()
                .map(|s| {
                    Ok(asn::PDUSessionResourceSetupItemCxtReq {
                        pdu_session_id: asn::PDUSessionID(s.pdu_session_id),
                        nas_pdu: s.nas_pdu.clone().map(asn::NASPDU::from),
                        s_nssai: s.snssai.to_asn(),
                        pdu_session_resource_setup_request_transfer: s.transfer.to_octets()?.into(),
                        ie_extensions: None,
                    })
                })
                .collect::<Result<_, Raw>>()?;
            ies.push(build_ngap_ie!(
                InitialContextSetupRequest,
                PDUSessionResourceSetupListCxtReq(asn::PDUSessionResourceSetupListCxtReq(items))
            )?);
        }
        ies.push(build_ngap_ie!(
            InitialContextSetupRequest,
            AllowedNSSAI(allowed_nssai(&self.allowed_nssai))
        )?);
        ies.push(build_ngap_ie!(
            InitialContextSetupRequest,
            UESecurityCapabilities(self.security_capabilities.to_asn()?)
        )?);
        ies.push(build_ngap_ie!(
            InitialContextSetupRequest,
            SecurityKey(security_key(&self.security_key)?)
        )?);
        if let Some(n) = &self.nas_pdu {
            ies.push(build_ngap_ie!(
                InitialContextSetupRequest,
                NAS_PDU(n.clone())
            )?);
        }
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, InitialContextSetupRequest,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            opt ue_ambr: UeAmbr = UEAggregateMaximumBitRate(a) => UeAmbr::of(&a),
            req guami: Guami = GUAMI(g) => Guami::of(&g),
            opt list: asn::PDUSessionResourceSetupListCxtReq<'_> = PDUSessionResourceSetupListCxtReq(l) => l,
            req allowed: Vec<Snssai> = AllowedNSSAI(a) => allowed_nssai_of(&a),
            req caps: asn::UESecurityCapabilities<'_> = UESecurityCapabilities(c) => c,
            req key: asn::SecurityKey<'_> = SecurityKey(k) => k,
            opt nas_pdu: Vec<u8> = NAS_PDU(n) => n.0.to_vec(),
        );
        let sessions = match list {
            None => Vec::new(),
            Some(l) => {
                l.0.iter()
                    .map(|i| {
                        Ok(SessionSetupItem {
                            pdu_session_id: i.pdu_session_id.0,
                            nas_pdu: i.nas_pdu.as_ref().map(|n| n.0.to_vec()),
                            snssai: Snssai::of(&i.s_nssai),
                            transfer: SetupRequestTransfer::from_octets(
                                &i.pdu_session_resource_setup_request_transfer,
                            )?,
                        })
                    })
                    .collect::<Result<_, Raw>>()?
            }
        };
        Ok(InitialContextSetupRequest {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            ue_ambr,
            guami,
            sessions,
            allowed_nssai: allowed,
            security_capabilities: SecurityCapabilities::of(&caps)?,
            security_key: key_of(&key)?,
            nas_pdu,
        })
    }
}
ngap_message!(InitialContextSetupRequest, InitialContextSetupRequest);

/// INITIAL CONTEXT SETUP RESPONSE (TS 38.413 §9.2.2.2), NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialContextSetupResponse {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub setup: Vec<SessionSetupResult>,
}

impl InitialContextSetupResponse {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![
            build_ngap_ie!(
                InitialContextSetupResponse,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                InitialContextSetupResponse,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
        ];
        if !self.setup.is_empty() {
            let items = build_items(&self.setup, |pdu_session_id, t| {
                asn::PDUSessionResourceSetupItemCxtRes {
                    pdu_session_id,
                    pdu_session_resource_setup_response_transfer: t.into(),
                    ie_extensions: None,
                }
            })?;
            ies.push(build_ngap_ie!(
                InitialContextSetupResponse,
                PDUSessionResourceSetupListCxtRes(asn::PDUSessionResourceSetupListCxtRes(items))
            )?);
        }
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, InitialContextSetupResponse,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            opt list: asn::PDUSessionResourceSetupListCxtRes<'_> = PDUSessionResourceSetupListCxtRes(l) => l,
        );
        let setup = read_items(list.as_ref().map(|l| &l.0[..]), |i| {
            (
                i.pdu_session_id.0,
                &i.pdu_session_resource_setup_response_transfer[..],
            )
        })?;
        Ok(InitialContextSetupResponse {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            setup,
        })
    }
}
ngap_message!(InitialContextSetupResponse, InitialContextSetupResponse);

/// INITIAL CONTEXT SETUP FAILURE (TS 38.413 §9.2.2.3), NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialContextSetupFailure {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub cause: Cause,
}

impl InitialContextSetupFailure {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        Ok(vec![
            build_ngap_ie!(
                InitialContextSetupFailure,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                InitialContextSetupFailure,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
            build_ngap_ie!(InitialContextSetupFailure, Cause(self.cause.clone()))?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, InitialContextSetupFailure,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req cause: Cause = Cause(c) => c,
        );
        Ok(InitialContextSetupFailure {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            cause,
        })
    }
}
ngap_message!(InitialContextSetupFailure, InitialContextSetupFailure);

/// UE CONTEXT RELEASE REQUEST (TS 38.413 §9.2.2.4), NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UeContextReleaseRequest {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    /// PDU Session Resource List (sessions with active resources).
    pub pdu_session_ids: Vec<u8>,
    pub cause: Cause,
}

impl UeContextReleaseRequest {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![
            build_ngap_ie!(UEContextReleaseRequest, AMF_UE_NGAP_ID(self.amf_ue_ngap_id))?,
            build_ngap_ie!(UEContextReleaseRequest, RAN_UE_NGAP_ID(self.ran_ue_ngap_id))?,
        ];
        if !self.pdu_session_ids.is_empty() {
            let items = self
                .pdu_session_ids
                .iter()
                .map(|id| asn::PDUSessionResourceItemCxtRelReq {
                    pdu_session_id: asn::PDUSessionID(*id),
                    ie_extensions: None,
                })
                .collect();
            ies.push(build_ngap_ie!(
                UEContextReleaseRequest,
                PDUSessionResourceListCxtRelReq(asn::PDUSessionResourceListCxtRelReq(items))
            )?);
        }
        ies.push(build_ngap_ie!(
            UEContextReleaseRequest,
            Cause(self.cause.clone())
        )?);
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, UEContextReleaseRequest,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            opt list: Vec<u8> = PDUSessionResourceListCxtRelReq(l) => l.0.iter().map(|i| i.pdu_session_id.0).collect(),
            req cause: Cause = Cause(c) => c,
        );
        Ok(UeContextReleaseRequest {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            pdu_session_ids: list.unwrap_or_default(),
            cause,
        })
    }
}
ngap_message!(UeContextReleaseRequest, UEContextReleaseRequest);

/// The UE NGAP IDs IE of a UE CONTEXT RELEASE COMMAND (TS 38.413 §9.2.2.5): the pair,
/// or the AMF's alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UeNgapIds {
    Pair { amf: u64, ran: u32 },
    Amf(u64),
}

/// UE CONTEXT RELEASE COMMAND (TS 38.413 §9.2.2.5), AMF → NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UeContextReleaseCommand {
    pub ids: UeNgapIds,
    pub cause: Cause,
}

impl UeContextReleaseCommand {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let ids = match self.ids {
            UeNgapIds::Pair { amf, ran } => asn::UENGAPIDs::uE_NGAP_ID_pair(asn::UENGAPIDPair {
                amf_ue_ngap_id: asn::AMFUENGAPID(amf),
                ran_ue_ngap_id: asn::RANUENGAPID(ran),
                ie_extensions: None,
            }),
            UeNgapIds::Amf(amf) => asn::UENGAPIDs::aMF_UE_NGAP_ID(asn::AMFUENGAPID(amf)),
        };
        Ok(vec![
            build_ngap_ie!(UEContextReleaseCommand, UE_NGAP_IDs(ids))?,
            build_ngap_ie!(UEContextReleaseCommand, Cause(self.cause.clone()))?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, UEContextReleaseCommand,
            req ids: asn::UENGAPIDs = UE_NGAP_IDs(i) => i,
            req cause: Cause = Cause(c) => c,
        );
        let ids = match ids {
            asn::UENGAPIDs::uE_NGAP_ID_pair(p) => UeNgapIds::Pair {
                amf: p.amf_ue_ngap_id.0,
                ran: p.ran_ue_ngap_id.0,
            },
            asn::UENGAPIDs::aMF_UE_NGAP_ID(a) => UeNgapIds::Amf(a.0),
            _ => return Err(crate::ies::semantic("UE-NGAP-IDs", "unknown alternative")),
        };
        Ok(UeContextReleaseCommand { ids, cause })
    }
}
ngap_message!(UeContextReleaseCommand, UEContextReleaseCommand);

/// UE CONTEXT RELEASE COMPLETE (TS 38.413 §9.2.2.6), NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UeContextReleaseComplete {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub location: Option<UserLocation>,
}

impl UeContextReleaseComplete {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![
            build_ngap_ie!(
                UEContextReleaseComplete,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                UEContextReleaseComplete,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
        ];
        if let Some(l) = self.location {
            ies.push(build_ngap_ie!(
                UEContextReleaseComplete,
                UserLocationInformation(l.to_asn()?)
            )?);
        }
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, UEContextReleaseComplete,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            opt location: asn::UserLocationInformation<'_> = UserLocationInformation(u) => u,
        );
        Ok(UeContextReleaseComplete {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            location: location.as_ref().map(UserLocation::of).transpose()?,
        })
    }
}
ngap_message!(UeContextReleaseComplete, UEContextReleaseComplete);

/// UE RADIO CAPABILITY INFO INDICATION (TS 38.413 §9.2.13.1), NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UeRadioCapabilityInfoIndication {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    /// UE Radio Capability (§9.3.1.74): an RRC container, kept as octets.
    pub radio_capability: Vec<u8>,
}

impl UeRadioCapabilityInfoIndication {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        Ok(vec![
            build_ngap_ie!(
                UERadioCapabilityInfoIndication,
                AMF_UE_NGAP_ID(self.amf_ue_ngap_id)
            )?,
            build_ngap_ie!(
                UERadioCapabilityInfoIndication,
                RAN_UE_NGAP_ID(self.ran_ue_ngap_id)
            )?,
            build_ngap_ie!(
                UERadioCapabilityInfoIndication,
                UERadioCapability(asn::UERadioCapability(self.radio_capability.clone().into()))
            )?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, UERadioCapabilityInfoIndication,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req radio_capability: Vec<u8> = UERadioCapability(c) => c.0.to_vec(),
        );
        Ok(UeRadioCapabilityInfoIndication {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            radio_capability,
        })
    }
}
ngap_message!(
    UeRadioCapabilityInfoIndication,
    UERadioCapabilityInfoIndication
);
