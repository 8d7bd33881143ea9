//! Interface Management (TS 38.413 §8.7): NG Setup, NG Reset, RAN / AMF Configuration
//! Update, Overload Start / Stop, Error Indication.

use crate::asn;
use crate::ies::{Raw, semantic};
use crate::msg::ngap_message;
use crate::values::{
    Cause, GnbId, Guami, PagingDrx, Plmn, PlmnSlices, SupportedTa, slice_list, slices_of,
    supported_ta_list, supported_tas_of,
};
use oxirush_ngap::{build_ngap_ie, extract_ngap_ies};
use std::borrow::Cow;

/// NG SETUP REQUEST (TS 38.413 §9.2.6.1), NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NgSetupRequest {
    pub gnb: GnbId,
    pub ran_node_name: Option<String>,
    pub supported_tas: Vec<SupportedTa>,
    pub paging_drx: PagingDrx,
}

impl NgSetupRequest {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![build_ngap_ie!(
            NGSetupRequest,
            GlobalRANNodeID(self.gnb.to_asn()?)
        )?];
        if let Some(n) = &self.ran_node_name {
            ies.push(build_ngap_ie!(
                NGSetupRequest,
                RANNodeName(asn::RANNodeName(Cow::Owned(n.clone())))
            )?);
        }
        ies.push(build_ngap_ie!(
            NGSetupRequest,
            SupportedTAList(supported_ta_list(&self.supported_tas))
        )?);
        ies.push(build_ngap_ie!(
            NGSetupRequest,
            DefaultPagingDRX(self.paging_drx)
        )?);
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, NGSetupRequest,
            req gnb: asn::GlobalRANNodeID = GlobalRANNodeID(g) => g,
            opt ran_node_name: String = RANNodeName(n) => n.0.into_owned(),
            req supported_tas: Vec<SupportedTa> = SupportedTAList(l) => supported_tas_of(&l),
            req paging_drx: PagingDrx = DefaultPagingDRX(d) => d,
        );
        Ok(NgSetupRequest {
            gnb: GnbId::of(&gnb)?,
            ran_node_name,
            supported_tas,
            paging_drx,
        })
    }
}
ngap_message!(NgSetupRequest, NGSetupRequest);

fn guami_list(g: &[Guami]) -> Result<asn::ServedGUAMIList<'static>, Raw> {
    Ok(asn::ServedGUAMIList(
        g.iter()
            .map(|g| {
                Ok(asn::ServedGUAMIItem {
                    guami: g.to_asn()?,
                    backup_amf_name: None,
                    ie_extensions: None,
                })
            })
            .collect::<Result<_, Raw>>()?,
    ))
}

fn guamis_of(l: &asn::ServedGUAMIList<'_>) -> Vec<Guami> {
    l.0.iter().map(|i| Guami::of(&i.guami)).collect()
}

fn plmn_support(p: &[PlmnSlices]) -> asn::PLMNSupportList {
    asn::PLMNSupportList(
        p.iter()
            .map(|p| asn::PLMNSupportItem {
                plmn_identity: p.plmn.to_asn(),
                slice_support_list: slice_list(&p.slices),
                ie_extensions: None,
            })
            .collect(),
    )
}

fn plmn_support_of(l: &asn::PLMNSupportList) -> Vec<PlmnSlices> {
    l.0.iter()
        .map(|p| PlmnSlices {
            plmn: Plmn::of(&p.plmn_identity),
            slices: slices_of(&p.slice_support_list),
        })
        .collect()
}

/// NG SETUP RESPONSE (TS 38.413 §9.2.6.2), AMF → NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NgSetupResponse {
    pub amf_name: String,
    pub guamis: Vec<Guami>,
    pub relative_capacity: u8,
    pub plmn_support: Vec<PlmnSlices>,
}

impl NgSetupResponse {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        Ok(vec![
            build_ngap_ie!(
                NGSetupResponse,
                AMFName(asn::AMFName(Cow::Owned(self.amf_name.clone())))
            )?,
            build_ngap_ie!(NGSetupResponse, ServedGUAMIList(guami_list(&self.guamis)?))?,
            build_ngap_ie!(
                NGSetupResponse,
                RelativeAMFCapacity(asn::RelativeAMFCapacity(self.relative_capacity))
            )?,
            build_ngap_ie!(
                NGSetupResponse,
                PLMNSupportList(plmn_support(&self.plmn_support))
            )?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, NGSetupResponse,
            req amf_name: String = AMFName(n) => n.0.into_owned(),
            req guamis: Vec<Guami> = ServedGUAMIList(l) => guamis_of(&l),
            req relative_capacity: u8 = RelativeAMFCapacity(c) => c.0,
            req plmn_support: Vec<PlmnSlices> = PLMNSupportList(l) => plmn_support_of(&l),
        );
        Ok(NgSetupResponse {
            amf_name,
            guamis,
            relative_capacity,
            plmn_support,
        })
    }
}
ngap_message!(NgSetupResponse, NGSetupResponse);

/// NG SETUP FAILURE (TS 38.413 §9.2.6.3), AMF → NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NgSetupFailure {
    pub cause: Cause,
}

impl NgSetupFailure {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        Ok(vec![build_ngap_ie!(
            NGSetupFailure,
            Cause(self.cause.clone())
        )?])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, NGSetupFailure, req cause: Cause = Cause(c) => c,);
        Ok(NgSetupFailure { cause })
    }
}
ngap_message!(NgSetupFailure, NGSetupFailure);

/// One UE-associated logical NG-connection (TS 38.413 §9.2.6.11): either ID may be absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UeConnection {
    pub amf_ue_ngap_id: Option<u64>,
    pub ran_ue_ngap_id: Option<u32>,
}

fn connections(c: &[UeConnection]) -> asn::UEAssociatedLogicalNGConnectionList {
    asn::UEAssociatedLogicalNGConnectionList(
        c.iter()
            .map(|c| asn::UEAssociatedLogicalNGConnectionItem {
                amf_ue_ngap_id: c.amf_ue_ngap_id.map(asn::AMFUENGAPID),
                ran_ue_ngap_id: c.ran_ue_ngap_id.map(asn::RANUENGAPID),
                ie_extensions: None,
            })
            .collect(),
    )
}

fn connections_of(l: &asn::UEAssociatedLogicalNGConnectionList) -> Vec<UeConnection> {
    l.0.iter()
        .map(|c| UeConnection {
            amf_ue_ngap_id: c.amf_ue_ngap_id.map(|i| i.0),
            ran_ue_ngap_id: c.ran_ue_ngap_id.map(|i| i.0),
        })
        .collect()
}

/// The Reset Type IE of an NG RESET (TS 38.413 §9.2.6.11): the whole interface or part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResetType {
    All,
    Partial(Vec<UeConnection>),
}

/// NG RESET (TS 38.413 §9.2.6.11), either direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NgReset {
    pub cause: Cause,
    pub reset: ResetType,
}

impl NgReset {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let reset = match &self.reset {
            ResetType::All => asn::ResetType::nG_Interface(asn::ResetAll::reset_all),
            ResetType::Partial(c) => asn::ResetType::partOfNG_Interface(connections(c)),
        };
        Ok(vec![
            build_ngap_ie!(NGReset, Cause(self.cause.clone()))?,
            build_ngap_ie!(NGReset, ResetType(reset))?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, NGReset,
            req cause: Cause = Cause(c) => c,
            req reset: asn::ResetType = ResetType(r) => r,
        );
        let reset = match reset {
            asn::ResetType::nG_Interface(_) => ResetType::All,
            asn::ResetType::partOfNG_Interface(l) => ResetType::Partial(connections_of(&l)),
            _ => return Err(semantic("ResetType", "unknown alternative")),
        };
        Ok(NgReset { cause, reset })
    }
}
ngap_message!(NgReset, NGReset);

/// NG RESET ACKNOWLEDGE (TS 38.413 §9.2.6.12), either direction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NgResetAcknowledge {
    /// The connections reset, for a partial reset.
    pub connections: Vec<UeConnection>,
}

impl NgResetAcknowledge {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = Vec::new();
        if !self.connections.is_empty() {
            ies.push(build_ngap_ie!(
                NGResetAcknowledge,
                UE_associatedLogicalNG_connectionList(connections(&self.connections))
            )?);
        }
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, NGResetAcknowledge,
            opt list: Vec<UeConnection> = UE_associatedLogicalNG_connectionList(l) => connections_of(&l),
        );
        Ok(NgResetAcknowledge {
            connections: list.unwrap_or_default(),
        })
    }
}
ngap_message!(NgResetAcknowledge, NGResetAcknowledge);

/// ERROR INDICATION (TS 38.413 §9.2.7.1), either direction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorIndication {
    pub amf_ue_ngap_id: Option<u64>,
    pub ran_ue_ngap_id: Option<u32>,
    pub cause: Option<Cause>,
}

impl ErrorIndication {
    /// The ERROR INDICATION an AMF sends for a received message that failed with `e`
    /// (TS 38.413 §10): the protocol cause of [`crate::Error::cause`].
    pub fn for_error(e: &crate::Error, amf: Option<u64>, ran: Option<u32>) -> Self {
        ErrorIndication {
            amf_ue_ngap_id: amf,
            ran_ue_ngap_id: ran,
            cause: e.ngap_cause(),
        }
    }

    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = Vec::new();
        if let Some(a) = self.amf_ue_ngap_id {
            ies.push(build_ngap_ie!(ErrorIndication, AMF_UE_NGAP_ID(a))?);
        }
        if let Some(r) = self.ran_ue_ngap_id {
            ies.push(build_ngap_ie!(ErrorIndication, RAN_UE_NGAP_ID(r))?);
        }
        if let Some(c) = &self.cause {
            ies.push(build_ngap_ie!(ErrorIndication, Cause(c.clone()))?);
        }
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, ErrorIndication,
            opt amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            opt ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            opt cause: Cause = Cause(c) => c,
        );
        Ok(ErrorIndication {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            cause,
        })
    }
}
ngap_message!(ErrorIndication, ErrorIndication);

/// RAN CONFIGURATION UPDATE (TS 38.413 §9.2.6.4), NG-RAN node → AMF.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RanConfigurationUpdate {
    pub ran_node_name: Option<String>,
    pub supported_tas: Option<Vec<SupportedTa>>,
    pub paging_drx: Option<PagingDrx>,
}

impl RanConfigurationUpdate {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = Vec::new();
        if let Some(n) = &self.ran_node_name {
            ies.push(build_ngap_ie!(
                RANConfigurationUpdate,
                RANNodeName(asn::RANNodeName(Cow::Owned(n.clone())))
            )?);
        }
        if let Some(t) = &self.supported_tas {
            ies.push(build_ngap_ie!(
                RANConfigurationUpdate,
                SupportedTAList(supported_ta_list(t))
            )?);
        }
        if let Some(d) = self.paging_drx {
            ies.push(build_ngap_ie!(RANConfigurationUpdate, DefaultPagingDRX(d))?);
        }
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, RANConfigurationUpdate,
            opt ran_node_name: String = RANNodeName(n) => n.0.into_owned(),
            opt supported_tas: Vec<SupportedTa> = SupportedTAList(l) => supported_tas_of(&l),
            opt paging_drx: PagingDrx = DefaultPagingDRX(d) => d,
        );
        Ok(RanConfigurationUpdate {
            ran_node_name,
            supported_tas,
            paging_drx,
        })
    }
}
ngap_message!(RanConfigurationUpdate, RANConfigurationUpdate);

/// RAN CONFIGURATION UPDATE ACKNOWLEDGE (TS 38.413 §9.2.6.5), AMF → NG-RAN node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RanConfigurationUpdateAcknowledge;

impl RanConfigurationUpdateAcknowledge {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        Ok(Vec::new())
    }
    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        // No IEs to read: still check that the PDU holds this message, well formed.
        m.decode_value::<asn::RANConfigurationUpdateAcknowledge<'_>>()?;
        Ok(RanConfigurationUpdateAcknowledge)
    }
}
ngap_message!(
    RanConfigurationUpdateAcknowledge,
    RANConfigurationUpdateAcknowledge
);

/// AMF CONFIGURATION UPDATE (TS 38.413 §9.2.6.7), AMF → NG-RAN node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AmfConfigurationUpdate {
    pub amf_name: Option<String>,
    pub guamis: Option<Vec<Guami>>,
    pub relative_capacity: Option<u8>,
    pub plmn_support: Option<Vec<PlmnSlices>>,
}

impl AmfConfigurationUpdate {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = Vec::new();
        if let Some(n) = &self.amf_name {
            ies.push(build_ngap_ie!(
                AMFConfigurationUpdate,
                AMFName(asn::AMFName(Cow::Owned(n.clone())))
            )?);
        }
        if let Some(g) = &self.guamis {
            ies.push(build_ngap_ie!(
                AMFConfigurationUpdate,
                ServedGUAMIList(guami_list(g)?)
            )?);
        }
        if let Some(c) = self.relative_capacity {
            ies.push(build_ngap_ie!(
                AMFConfigurationUpdate,
                RelativeAMFCapacity(asn::RelativeAMFCapacity(c))
            )?);
        }
        if let Some(p) = &self.plmn_support {
            ies.push(build_ngap_ie!(
                AMFConfigurationUpdate,
                PLMNSupportList(plmn_support(p))
            )?);
        }
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, AMFConfigurationUpdate,
            opt amf_name: String = AMFName(n) => n.0.into_owned(),
            opt guamis: Vec<Guami> = ServedGUAMIList(l) => guamis_of(&l),
            opt relative_capacity: u8 = RelativeAMFCapacity(c) => c.0,
            opt plmn_support: Vec<PlmnSlices> = PLMNSupportList(l) => plmn_support_of(&l),
        );
        Ok(AmfConfigurationUpdate {
            amf_name,
            guamis,
            relative_capacity,
            plmn_support,
        })
    }
}
ngap_message!(AmfConfigurationUpdate, AMFConfigurationUpdate);

/// AMF CONFIGURATION UPDATE ACKNOWLEDGE (TS 38.413 §9.2.6.8), NG-RAN node → AMF.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AmfConfigurationUpdateAcknowledge;

impl AmfConfigurationUpdateAcknowledge {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        Ok(Vec::new())
    }
    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        // No IEs to read: still check that the PDU holds this message, well formed.
        m.decode_value::<asn::AMFConfigurationUpdateAcknowledge<'_>>()?;
        Ok(AmfConfigurationUpdateAcknowledge)
    }
}
ngap_message!(
    AmfConfigurationUpdateAcknowledge,
    AMFConfigurationUpdateAcknowledge
);

pub use asn::OverloadAction;

/// OVERLOAD START (TS 38.413 §9.2.6.15), AMF → NG-RAN node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OverloadStart {
    /// AMF Overload Response (§9.3.1.105).
    pub action: Option<OverloadAction>,
    /// AMF Traffic Load Reduction Indication, percent 1..=99 (§9.3.1.106).
    pub traffic_load_reduction: Option<u8>,
}

impl OverloadStart {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = Vec::new();
        if let Some(a) = self.action {
            ies.push(build_ngap_ie!(
                OverloadStart,
                AMFOverloadResponse(asn::OverloadResponse::overloadAction(a))
            )?);
        }
        if let Some(t) = self.traffic_load_reduction {
            ies.push(build_ngap_ie!(
                OverloadStart,
                AMFTrafficLoadReductionIndication(asn::TrafficLoadReductionIndication(t))
            )?);
        }
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, OverloadStart,
            opt response: asn::OverloadResponse = AMFOverloadResponse(r) => r,
            opt traffic_load_reduction: u8 = AMFTrafficLoadReductionIndication(t) => t.0,
        );
        let action = match response {
            None => None,
            Some(asn::OverloadResponse::overloadAction(a)) => Some(a),
            Some(_) => return Err(semantic("OverloadResponse", "unknown alternative")),
        };
        Ok(OverloadStart {
            action,
            traffic_load_reduction,
        })
    }
}
ngap_message!(OverloadStart, OverloadStart);

/// OVERLOAD STOP (TS 38.413 §9.2.6.16), AMF → NG-RAN node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OverloadStop;

impl OverloadStop {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        Ok(Vec::new())
    }
    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        // No IEs to read: still check that the PDU holds this message, well formed.
        m.decode_value::<asn::OverloadStop<'_>>()?;
        Ok(OverloadStop)
    }
}
ngap_message!(OverloadStop, OverloadStop);
