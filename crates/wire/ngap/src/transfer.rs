//! PDU session transfers (TS 38.413 §9.3.4): the octet-string IEs that the AMF relays
//! between the SMF and the NG-RAN node, each an APER-encoded value of its own type.

use crate::Error;
use crate::asn;
use crate::ies::{Raw, need, qfi_of, semantic};
use crate::values::{Cause, GtpTunnel, PduSessionType};
use oxirush_ngap::{build_ngap_ie, extract_ngap_ies};

/// A transfer: encode to / decode from the octets its IE carries.
pub trait Transfer: Sized {
    /// The ASN.1 name of the transfer.
    const NAME: &'static str;
    /// The octets of the transfer.
    ///
    /// # Errors
    /// [`Error::Encode`] for a value outside its range.
    fn encode(&self) -> Result<Vec<u8>, Error>;
    /// Reads the octets of the transfer.
    ///
    /// # Errors
    /// [`Error::UndecodableIe`] or [`Error::Semantic`], naming the transfer.
    fn decode(bytes: &[u8]) -> Result<Self, Error>;
}

/// Implements [`Transfer`] through `to_asn(&self) -> Result<asn::$asn, Raw>` and
/// `of(&asn::$asn) -> Result<Self, Raw>`; also gives crate-internal `to_octets` /
/// `from_octets` that report [`Raw`] for the message carrying the transfer.
macro_rules! transfer {
    ($ty:ident, $asn:ident) => {
        transfer!($ty, $asn, |_| None, |_| None);
    };
    // `$fast(bytes) -> Option<Self>` reads the common shape or declines (`None`); the
    // generated decoder reads what it declines. `$fast_write(&self) -> Option<Vec<u8>>`
    // writes the common shape or declines; the generated encoder writes what it declines.
    ($ty:ident, $asn:ident, $fast:expr, $fast_write:expr) => {
        impl $ty {
            pub(crate) fn to_octets(&self) -> Result<Vec<u8>, Raw> {
                let fast_write: fn(&Self) -> Option<Vec<u8>> = $fast_write;
                if let Some(o) = fast_write(self) {
                    return Ok(o);
                }
                self.to_octets_generic()
            }
            /// The generated encoder's octets (the fast writer's reference in the tests).
            #[allow(dead_code)]
            pub(crate) fn to_octets_generic(&self) -> Result<Vec<u8>, Raw> {
                let v = self.to_asn()?;
                // One buffer sized for a typical transfer, so the writer seldom grows.
                let mut out = Vec::with_capacity(64);
                oxirush_ngap::aper::encode_into(&v, &mut out)?;
                Ok(out)
            }
            pub(crate) fn from_octets(bytes: &[u8]) -> Result<Self, Raw> {
                let fast: fn(&[u8]) -> Option<Self> = $fast;
                if let Some(t) = fast(bytes) {
                    return Ok(t);
                }
                let v: asn::$asn = asn::decode_open_type(bytes).map_err(|e| Raw::Transfer {
                    name: stringify!($asn),
                    detail: e.to_string(),
                })?;
                Self::of(&v)
            }
        }
        impl Transfer for $ty {
            const NAME: &'static str = stringify!($asn);
            fn encode(&self) -> Result<Vec<u8>, Error> {
                self.to_octets().map_err(|e| e.building(Self::NAME))
            }
            fn decode(bytes: &[u8]) -> Result<Self, Error> {
                Self::from_octets(bytes).map_err(|e| e.reading(Self::NAME))
            }
        }
    };
}

/// PDU Session Aggregate Maximum Bit Rate (TS 38.413 §9.3.1.102), bit/s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ambr {
    pub downlink: u64,
    pub uplink: u64,
}

/// One QoS flow to set up or modify (TS 38.413 §9.3.4.1 QoS Flow Setup Request List):
/// non-dynamic 5QI (§9.3.1.28), ARP (§9.3.1.19; may not pre-empt, not pre-emptable) and,
/// for a GBR flow, its GBR QoS Flow Information (§9.3.1.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct QosFlowRequest {
    /// QoS Flow Identifier, 0..=63.
    pub qfi: u8,
    pub five_qi: u8,
    /// ARP priority level, 1..=15.
    pub arp_priority: u8,
    /// GBR QoS Flow Information: present for a GBR flow (TS 38.413 §9.3.1.10: "This IE
    /// shall be present for GBR QoS flows"), absent otherwise.
    pub gbr: Option<GbrQosInfo>,
}

/// GBR QoS Flow Information (TS 38.413 §9.3.1.10): the flow's bit rates in bit/s
/// (BitRate, §9.3.1.4), whether the NG-RAN node is to notify when the GFBR can no
/// longer (or can again) be guaranteed, and the maximum packet loss rates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct GbrQosInfo {
    pub mfbr_dl: u64,
    pub mfbr_ul: u64,
    pub gfbr_dl: u64,
    pub gfbr_ul: u64,
    /// Notification Control "notification requested" present.
    pub notification_control: bool,
    /// Maximum Packet Loss Rate DL, in tenths of a percent, 0..=1000 (§9.3.1.79).
    pub max_packet_loss_dl: Option<u16>,
    /// Maximum Packet Loss Rate UL, in tenths of a percent, 0..=1000 (§9.3.1.79).
    pub max_packet_loss_ul: Option<u16>,
}

impl GbrQosInfo {
    fn to_asn(self) -> asn::GBRQosInformation {
        let loss = |l: Option<u16>| l.map(|v| asn::PacketLossRate(v.into()));
        asn::GBRQosInformation {
            maximum_flow_bit_rate_dl: asn::BitRate(self.mfbr_dl),
            maximum_flow_bit_rate_ul: asn::BitRate(self.mfbr_ul),
            guaranteed_flow_bit_rate_dl: asn::BitRate(self.gfbr_dl),
            guaranteed_flow_bit_rate_ul: asn::BitRate(self.gfbr_ul),
            notification_control: self
                .notification_control
                .then_some(asn::NotificationControl::notification_requested),
            maximum_packet_loss_rate_dl: loss(self.max_packet_loss_dl),
            maximum_packet_loss_rate_ul: loss(self.max_packet_loss_ul),
            ie_extensions: None,
        }
    }

    fn of(g: &asn::GBRQosInformation) -> Result<Self, Raw> {
        let loss = |l: Option<&asn::PacketLossRate>| {
            l.map(|v| {
                u16::try_from(v.0)
                    .ok()
                    .filter(|v| *v <= 1000)
                    .ok_or_else(|| semantic("PacketLossRate", "over 1000"))
            })
            .transpose()
        };
        Ok(GbrQosInfo {
            mfbr_dl: g.maximum_flow_bit_rate_dl.0,
            mfbr_ul: g.maximum_flow_bit_rate_ul.0,
            gfbr_dl: g.guaranteed_flow_bit_rate_dl.0,
            gfbr_ul: g.guaranteed_flow_bit_rate_ul.0,
            notification_control: g.notification_control.is_some(),
            max_packet_loss_dl: loss(g.maximum_packet_loss_rate_dl.as_ref())?,
            max_packet_loss_ul: loss(g.maximum_packet_loss_rate_ul.as_ref())?,
        })
    }
}

/// Whether a standardized 5QI is of the GBR or delay-critical GBR resource type
/// (TS 23.501 Table 5.7.4-1); other values are taken as non-GBR. A QoS flow of such a
/// 5QI needs GBR QoS Flow Information on N2 (TS 38.413 §9.3.1.10).
pub fn is_gbr_5qi(five_qi: u8) -> bool {
    matches!(five_qi, 1..=4 | 65..=67 | 71..=76 | 82..=90)
}

impl QosFlowRequest {
    fn params(self) -> asn::QosFlowLevelQosParameters {
        asn::QosFlowLevelQosParameters {
            qos_characteristics: asn::QosCharacteristics::nonDynamic5QI(
                asn::NonDynamic5QIDescriptor {
                    five_qi: asn::FiveQI(self.five_qi.into()),
                    priority_level_qos: None,
                    averaging_window: None,
                    maximum_data_burst_volume: None,
                    ie_extensions: None,
                },
            ),
            allocation_and_retention_priority: asn::AllocationAndRetentionPriority {
                priority_level_arp: asn::PriorityLevelARP(self.arp_priority),
                pre_emption_capability: asn::PreEmptionCapability::shall_not_trigger_pre_emption,
                pre_emption_vulnerability: asn::PreEmptionVulnerability::not_pre_emptable,
                ie_extensions: None,
            },
            gbr_qos_information: self.gbr.map(GbrQosInfo::to_asn),
            reflective_qos_attribute: None,
            additional_qos_flow_information: None,
            ie_extensions: None,
        }
    }

    fn of(qfi: &asn::QosFlowIdentifier, p: &asn::QosFlowLevelQosParameters) -> Result<Self, Raw> {
        let asn::QosCharacteristics::nonDynamic5QI(d) = &p.qos_characteristics else {
            return Err(semantic(
                "QosCharacteristics",
                "only non-dynamic 5QI is supported",
            ));
        };
        Ok(QosFlowRequest {
            qfi: qfi_of(qfi)?,
            five_qi: u8::try_from(d.five_qi.0).map_err(|_| semantic("FiveQI", "over 255"))?,
            arp_priority: p.allocation_and_retention_priority.priority_level_arp.0,
            gbr: p
                .gbr_qos_information
                .as_ref()
                .map(GbrQosInfo::of)
                .transpose()?,
        })
    }
}

fn ambr_asn(a: Ambr) -> asn::PDUSessionAggregateMaximumBitRate {
    asn::PDUSessionAggregateMaximumBitRate {
        pdu_session_aggregate_maximum_bit_rate_dl: asn::BitRate(a.downlink),
        pdu_session_aggregate_maximum_bit_rate_ul: asn::BitRate(a.uplink),
        ie_extensions: None,
    }
}

fn ambr_of(a: &asn::PDUSessionAggregateMaximumBitRate) -> Ambr {
    Ambr {
        downlink: a.pdu_session_aggregate_maximum_bit_rate_dl.0,
        uplink: a.pdu_session_aggregate_maximum_bit_rate_ul.0,
    }
}

fn associated(qfis: &[u8]) -> asn::AssociatedQosFlowList {
    asn::AssociatedQosFlowList(
        qfis.iter()
            .map(|q| asn::AssociatedQosFlowItem {
                qos_flow_identifier: asn::QosFlowIdentifier((*q).into()),
                qos_flow_mapping_indication: None,
                ie_extensions: None,
            })
            .collect(),
    )
}

fn associated_of(l: &asn::AssociatedQosFlowList) -> Result<Vec<u8>, Raw> {
    l.0.iter().map(|i| qfi_of(&i.qos_flow_identifier)).collect()
}

/// A QoS Flow List with Cause (TS 38.413 §9.3.1.13): `None` when empty, as the lists
/// that carry it are optional.
fn with_cause(flows: &[(u8, Cause)]) -> Option<asn::QosFlowListWithCause> {
    (!flows.is_empty()).then(|| {
        asn::QosFlowListWithCause(
            flows
                .iter()
                .map(|(q, c)| asn::QosFlowWithCauseItem {
                    qos_flow_identifier: asn::QosFlowIdentifier((*q).into()),
                    cause: c.clone(),
                    ie_extensions: None,
                })
                .collect(),
        )
    })
}

fn with_cause_of(l: Option<&asn::QosFlowListWithCause>) -> Result<Vec<(u8, Cause)>, Raw> {
    l.map_or(&[][..], |l| &l.0[..])
        .iter()
        .map(|i| Ok((qfi_of(&i.qos_flow_identifier)?, i.cause.clone())))
        .collect()
}

/// PDU Session Resource Setup Request Transfer (TS 38.413 §9.3.4.1), SMF → NG-RAN node
/// (also the Handover Request Transfer of §9.2.3.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupRequestTransfer {
    pub session_ambr: Option<Ambr>,
    /// UL NG-U UP TNL Information: the UPF's N3 endpoint.
    pub ul_tunnel: GtpTunnel,
    pub session_type: PduSessionType,
    pub qos_flows: Vec<QosFlowRequest>,
}

impl SetupRequestTransfer {
    pub(crate) fn to_asn(
        &self,
    ) -> Result<asn::PDUSessionResourceSetupRequestTransfer<'static>, Raw> {
        let mut ies = Vec::with_capacity(4);
        if let Some(a) = self.session_ambr {
            ies.push(build_ngap_ie!(
                PDUSessionResourceSetupRequestTransfer,
                PDUSessionAggregateMaximumBitRate(ambr_asn(a))
            )?);
        }
        ies.push(build_ngap_ie!(
            PDUSessionResourceSetupRequestTransfer,
            UL_NGU_UP_TNLInformation(self.ul_tunnel.to_asn()?)
        )?);
        ies.push(build_ngap_ie!(
            PDUSessionResourceSetupRequestTransfer,
            PDUSessionType(self.session_type)
        )?);
        let flows = self
            .qos_flows
            .iter()
            .map(|f| asn::QosFlowSetupRequestItem {
                qos_flow_identifier: asn::QosFlowIdentifier(f.qfi.into()),
                qos_flow_level_qos_parameters: f.params(),
                e_rab_id: None,
                ie_extensions: None,
            })
            .collect();
        ies.push(build_ngap_ie!(
            PDUSessionResourceSetupRequestTransfer,
            QosFlowSetupRequestList(asn::QosFlowSetupRequestList(flows))
        )?);
        Ok(asn::PDUSessionResourceSetupRequestTransfer::new(
            asn::ProtocolIEContainer(ies),
        ))
    }

    pub(crate) fn of(t: &asn::PDUSessionResourceSetupRequestTransfer<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(t, PDUSessionResourceSetupRequestTransfer,
            opt session_ambr: Ambr = PDUSessionAggregateMaximumBitRate(a) => ambr_of(&a),
            req ul: asn::UPTransportLayerInformation<'_> = UL_NGU_UP_TNLInformation(u) => u,
            req session_type: PduSessionType = PDUSessionType(t) => t,
            req flows: asn::QosFlowSetupRequestList = QosFlowSetupRequestList(l) => l,
        );
        Ok(SetupRequestTransfer {
            session_ambr,
            ul_tunnel: GtpTunnel::of(&ul)?,
            session_type,
            qos_flows: flows
                .0
                .iter()
                .map(|f| {
                    QosFlowRequest::of(&f.qos_flow_identifier, &f.qos_flow_level_qos_parameters)
                })
                .collect::<Result<_, _>>()?,
        })
    }
}
transfer!(
    SetupRequestTransfer,
    PDUSessionResourceSetupRequestTransfer,
    crate::fast::setup_request_transfer,
    crate::fast::write_setup_request_transfer
);

/// PDU Session Resource Setup Response Transfer (TS 38.413 §9.3.4.2), NG-RAN node → SMF:
/// DL QoS Flow per TNL Information (the gNB's N3 endpoint and the flows on it) and the
/// QoS Flow Failed to Setup List.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupResponseTransfer {
    pub dl_tunnel: GtpTunnel,
    pub qfis: Vec<u8>,
    /// QoS Flow Failed to Setup List: QFI and cause.
    pub failed: Vec<(u8, Cause)>,
}

impl SetupResponseTransfer {
    fn to_asn(&self) -> Result<asn::PDUSessionResourceSetupResponseTransfer<'static>, Raw> {
        Ok(asn::PDUSessionResourceSetupResponseTransfer {
            dl_qos_flow_per_tnl_information: asn::QosFlowPerTNLInformation {
                up_transport_layer_information: self.dl_tunnel.to_asn()?,
                associated_qos_flow_list: associated(&self.qfis),
                ie_extensions: None,
            },
            additional_dl_qos_flow_per_tnl_information: None,
            security_result: None,
            qos_flow_failed_to_setup_list: with_cause(&self.failed),
            ie_extensions: None,
        })
    }

    fn of(t: &asn::PDUSessionResourceSetupResponseTransfer<'_>) -> Result<Self, Raw> {
        let dl = &t.dl_qos_flow_per_tnl_information;
        Ok(SetupResponseTransfer {
            dl_tunnel: GtpTunnel::of(&dl.up_transport_layer_information)?,
            qfis: associated_of(&dl.associated_qos_flow_list)?,
            failed: with_cause_of(t.qos_flow_failed_to_setup_list.as_ref())?,
        })
    }
}
transfer!(
    SetupResponseTransfer,
    PDUSessionResourceSetupResponseTransfer
);

/// PDU Session Resource Release Command Transfer (TS 38.413 §9.3.4.12): the cause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseCommandTransfer {
    pub cause: Cause,
}

impl ReleaseCommandTransfer {
    fn to_asn(&self) -> Result<asn::PDUSessionResourceReleaseCommandTransfer, Raw> {
        Ok(asn::PDUSessionResourceReleaseCommandTransfer {
            cause: self.cause.clone(),
            ie_extensions: None,
        })
    }
    fn of(t: &asn::PDUSessionResourceReleaseCommandTransfer) -> Result<Self, Raw> {
        Ok(ReleaseCommandTransfer {
            cause: t.cause.clone(),
        })
    }
}
transfer!(
    ReleaseCommandTransfer,
    PDUSessionResourceReleaseCommandTransfer
);

/// PDU Session Resource Release Response Transfer (TS 38.413 §9.3.4.21): no Rel-17 IE
/// is used; it encodes as an empty SEQUENCE.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReleaseResponseTransfer;

impl ReleaseResponseTransfer {
    fn to_asn(&self) -> Result<asn::PDUSessionResourceReleaseResponseTransfer, Raw> {
        Ok(asn::PDUSessionResourceReleaseResponseTransfer {
            ie_extensions: None,
        })
    }
    fn of(_t: &asn::PDUSessionResourceReleaseResponseTransfer) -> Result<Self, Raw> {
        Ok(ReleaseResponseTransfer)
    }
}
transfer!(
    ReleaseResponseTransfer,
    PDUSessionResourceReleaseResponseTransfer
);

/// PDU Session Resource Modify Request Transfer (TS 38.413 §9.3.4.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModifyRequestTransfer {
    pub session_ambr: Option<Ambr>,
    /// QoS Flow Add or Modify Request List.
    pub add_or_modify: Vec<QosFlowRequest>,
    /// QoS Flow to Release List: QFI and cause.
    pub release: Vec<(u8, Cause)>,
}

impl ModifyRequestTransfer {
    fn to_asn(&self) -> Result<asn::PDUSessionResourceModifyRequestTransfer<'static>, Raw> {
        let mut ies = Vec::with_capacity(3);
        if let Some(a) = self.session_ambr {
            ies.push(build_ngap_ie!(
                PDUSessionResourceModifyRequestTransfer,
                PDUSessionAggregateMaximumBitRate(ambr_asn(a))
            )?);
        }
        if !self.add_or_modify.is_empty() {
            let items = self
                .add_or_modify
                .iter()
                .map(|f| asn::QosFlowAddOrModifyRequestItem {
                    qos_flow_identifier: asn::QosFlowIdentifier(f.qfi.into()),
                    qos_flow_level_qos_parameters: Some(f.params()),
                    e_rab_id: None,
                    ie_extensions: None,
                })
                .collect();
            ies.push(build_ngap_ie!(
                PDUSessionResourceModifyRequestTransfer,
                QosFlowAddOrModifyRequestList(asn::QosFlowAddOrModifyRequestList(items))
            )?);
        }
        if let Some(l) = with_cause(&self.release) {
            ies.push(build_ngap_ie!(
                PDUSessionResourceModifyRequestTransfer,
                QosFlowToReleaseList(l)
            )?);
        }
        Ok(asn::PDUSessionResourceModifyRequestTransfer::new(
            asn::ProtocolIEContainer(ies),
        ))
    }

    fn of(t: &asn::PDUSessionResourceModifyRequestTransfer<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(t, PDUSessionResourceModifyRequestTransfer,
            opt session_ambr: Ambr = PDUSessionAggregateMaximumBitRate(a) => ambr_of(&a),
            opt add: asn::QosFlowAddOrModifyRequestList = QosFlowAddOrModifyRequestList(l) => l,
            opt release: asn::QosFlowListWithCause = QosFlowToReleaseList(l) => l,
        );
        let add_or_modify = match add {
            None => Vec::new(),
            Some(l) => {
                l.0.iter()
                    .map(|i| {
                        let p = need(
                            i.qos_flow_level_qos_parameters.as_ref(),
                            "QosFlowLevelQosParameters",
                        )?;
                        QosFlowRequest::of(&i.qos_flow_identifier, p)
                    })
                    .collect::<Result<_, _>>()?
            }
        };
        Ok(ModifyRequestTransfer {
            session_ambr,
            add_or_modify,
            release: with_cause_of(release.as_ref())?,
        })
    }
}
transfer!(
    ModifyRequestTransfer,
    PDUSessionResourceModifyRequestTransfer
);

/// PDU Session Resource Modify Response Transfer (TS 38.413 §9.3.4.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModifyResponseTransfer {
    /// DL NG-U UP TNL Information, when the gNB changes its endpoint.
    pub dl_tunnel: Option<GtpTunnel>,
    /// QoS Flow Add or Modify Response List.
    pub qfis: Vec<u8>,
    /// QoS Flow Failed to Add or Modify List: QFI and cause.
    pub failed: Vec<(u8, Cause)>,
}

impl ModifyResponseTransfer {
    fn to_asn(&self) -> Result<asn::PDUSessionResourceModifyResponseTransfer<'static>, Raw> {
        let list = (!self.qfis.is_empty()).then(|| {
            asn::QosFlowAddOrModifyResponseList(
                self.qfis
                    .iter()
                    .map(|q| asn::QosFlowAddOrModifyResponseItem {
                        qos_flow_identifier: asn::QosFlowIdentifier((*q).into()),
                        ie_extensions: None,
                    })
                    .collect(),
            )
        });
        Ok(asn::PDUSessionResourceModifyResponseTransfer {
            dl_ngu_up_tnl_information: self.dl_tunnel.map(GtpTunnel::to_asn).transpose()?,
            ul_ngu_up_tnl_information: None,
            qos_flow_add_or_modify_response_list: list,
            additional_dl_qos_flow_per_tnl_information: None,
            qos_flow_failed_to_add_or_modify_list: with_cause(&self.failed),
            ie_extensions: None,
        })
    }
    fn of(t: &asn::PDUSessionResourceModifyResponseTransfer<'_>) -> Result<Self, Raw> {
        Ok(ModifyResponseTransfer {
            dl_tunnel: t
                .dl_ngu_up_tnl_information
                .as_ref()
                .map(GtpTunnel::of)
                .transpose()?,
            qfis: match &t.qos_flow_add_or_modify_response_list {
                None => Vec::new(),
                Some(l) => {
                    l.0.iter()
                        .map(|i| qfi_of(&i.qos_flow_identifier))
                        .collect::<Result<_, _>>()?
                }
            },
            failed: with_cause_of(t.qos_flow_failed_to_add_or_modify_list.as_ref())?,
        })
    }
}
transfer!(
    ModifyResponseTransfer,
    PDUSessionResourceModifyResponseTransfer
);

/// PDU Session Resource Modify Unsuccessful Transfer (TS 38.413 §9.3.4.16), NG-RAN node →
/// SMF: why the session's resources were not modified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModifyUnsuccessfulTransfer {
    pub cause: Cause,
}

impl ModifyUnsuccessfulTransfer {
    fn to_asn(&self) -> Result<asn::PDUSessionResourceModifyUnsuccessfulTransfer, Raw> {
        Ok(asn::PDUSessionResourceModifyUnsuccessfulTransfer {
            cause: self.cause.clone(),
            criticality_diagnostics: None,
            ie_extensions: None,
        })
    }
    fn of(t: &asn::PDUSessionResourceModifyUnsuccessfulTransfer) -> Result<Self, Raw> {
        Ok(ModifyUnsuccessfulTransfer {
            cause: t.cause.clone(),
        })
    }
}
transfer!(
    ModifyUnsuccessfulTransfer,
    PDUSessionResourceModifyUnsuccessfulTransfer
);

/// Path Switch Request Transfer (TS 38.413 §9.3.4.8): the target gNB's DL endpoint and
/// the QoS flows it accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathSwitchRequestTransfer {
    pub dl_tunnel: GtpTunnel,
    pub accepted_qfis: Vec<u8>,
}

impl PathSwitchRequestTransfer {
    fn to_asn(&self) -> Result<asn::PathSwitchRequestTransfer<'static>, Raw> {
        Ok(asn::PathSwitchRequestTransfer {
            dl_ngu_up_tnl_information: self.dl_tunnel.to_asn()?,
            dl_ngu_tnl_information_reused: None,
            user_plane_security_information: None,
            qos_flow_accepted_list: asn::QosFlowAcceptedList(
                self.accepted_qfis
                    .iter()
                    .map(|q| asn::QosFlowAcceptedItem {
                        qos_flow_identifier: asn::QosFlowIdentifier((*q).into()),
                        ie_extensions: None,
                    })
                    .collect(),
            ),
            ie_extensions: None,
        })
    }
    fn of(t: &asn::PathSwitchRequestTransfer<'_>) -> Result<Self, Raw> {
        Ok(PathSwitchRequestTransfer {
            dl_tunnel: GtpTunnel::of(&t.dl_ngu_up_tnl_information)?,
            accepted_qfis: t
                .qos_flow_accepted_list
                .0
                .iter()
                .map(|i| qfi_of(&i.qos_flow_identifier))
                .collect::<Result<_, _>>()?,
        })
    }
}
transfer!(PathSwitchRequestTransfer, PathSwitchRequestTransfer);

/// Path Switch Request Acknowledge Transfer (TS 38.413 §9.3.4.9): the UPF's UL endpoint
/// when it changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathSwitchRequestAcknowledgeTransfer {
    pub ul_tunnel: Option<GtpTunnel>,
}

impl PathSwitchRequestAcknowledgeTransfer {
    fn to_asn(&self) -> Result<asn::PathSwitchRequestAcknowledgeTransfer<'static>, Raw> {
        Ok(asn::PathSwitchRequestAcknowledgeTransfer {
            ul_ngu_up_tnl_information: self.ul_tunnel.map(GtpTunnel::to_asn).transpose()?,
            security_indication: None,
            ie_extensions: None,
        })
    }
    fn of(t: &asn::PathSwitchRequestAcknowledgeTransfer<'_>) -> Result<Self, Raw> {
        Ok(PathSwitchRequestAcknowledgeTransfer {
            ul_tunnel: t
                .ul_ngu_up_tnl_information
                .as_ref()
                .map(GtpTunnel::of)
                .transpose()?,
        })
    }
}
transfer!(
    PathSwitchRequestAcknowledgeTransfer,
    PathSwitchRequestAcknowledgeTransfer
);

/// Handover Required Transfer (TS 38.413 §9.3.4.14).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandoverRequiredTransfer {
    /// Direct Forwarding Path Availability present.
    pub direct_forwarding: bool,
}

impl HandoverRequiredTransfer {
    fn to_asn(&self) -> Result<asn::HandoverRequiredTransfer, Raw> {
        Ok(asn::HandoverRequiredTransfer {
            direct_forwarding_path_availability: self
                .direct_forwarding
                .then_some(asn::DirectForwardingPathAvailability::direct_path_available),
            ie_extensions: None,
        })
    }
    fn of(t: &asn::HandoverRequiredTransfer) -> Result<Self, Raw> {
        Ok(HandoverRequiredTransfer {
            direct_forwarding: t.direct_forwarding_path_availability.is_some(),
        })
    }
}
transfer!(HandoverRequiredTransfer, HandoverRequiredTransfer);

/// Handover Request Acknowledge Transfer (TS 38.413 §9.3.4.11): the target gNB's DL
/// endpoint and the QoS flows set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverRequestAcknowledgeTransfer {
    pub dl_tunnel: GtpTunnel,
    pub qfis: Vec<u8>,
}

impl HandoverRequestAcknowledgeTransfer {
    fn to_asn(&self) -> Result<asn::HandoverRequestAcknowledgeTransfer<'static>, Raw> {
        Ok(asn::HandoverRequestAcknowledgeTransfer {
            dl_ngu_up_tnl_information: self.dl_tunnel.to_asn()?,
            dl_forwarding_up_tnl_information: None,
            security_result: None,
            qos_flow_setup_response_list: asn::QosFlowListWithDataForwarding(
                self.qfis
                    .iter()
                    .map(|q| asn::QosFlowItemWithDataForwarding {
                        qos_flow_identifier: asn::QosFlowIdentifier((*q).into()),
                        data_forwarding_accepted: None,
                        ie_extensions: None,
                    })
                    .collect(),
            ),
            qos_flow_failed_to_setup_list: None,
            data_forwarding_response_drb_list: None,
            ie_extensions: None,
        })
    }
    fn of(t: &asn::HandoverRequestAcknowledgeTransfer<'_>) -> Result<Self, Raw> {
        Ok(HandoverRequestAcknowledgeTransfer {
            dl_tunnel: GtpTunnel::of(&t.dl_ngu_up_tnl_information)?,
            qfis: t
                .qos_flow_setup_response_list
                .0
                .iter()
                .map(|i| qfi_of(&i.qos_flow_identifier))
                .collect::<Result<_, _>>()?,
        })
    }
}
transfer!(
    HandoverRequestAcknowledgeTransfer,
    HandoverRequestAcknowledgeTransfer
);

/// Handover Command Transfer (TS 38.413 §9.3.4.10): the DL forwarding endpoint, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandoverCommandTransfer {
    pub dl_forwarding: Option<GtpTunnel>,
}

impl HandoverCommandTransfer {
    fn to_asn(&self) -> Result<asn::HandoverCommandTransfer<'static>, Raw> {
        Ok(asn::HandoverCommandTransfer {
            dl_forwarding_up_tnl_information: self
                .dl_forwarding
                .map(GtpTunnel::to_asn)
                .transpose()?,
            qos_flow_to_be_forwarded_list: None,
            data_forwarding_response_drb_list: None,
            ie_extensions: None,
        })
    }
    fn of(t: &asn::HandoverCommandTransfer<'_>) -> Result<Self, Raw> {
        Ok(HandoverCommandTransfer {
            dl_forwarding: t
                .dl_forwarding_up_tnl_information
                .as_ref()
                .map(GtpTunnel::of)
                .transpose()?,
        })
    }
}
transfer!(HandoverCommandTransfer, HandoverCommandTransfer);

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    #[test]
    fn release_response_transfer_is_one_zero_octet() {
        // An empty SEQUENCE with extension marker: one bit, padded (X.691 §11.1.4).
        assert_eq!(ReleaseResponseTransfer.encode().unwrap(), [0x00]);
        assert_eq!(
            ReleaseResponseTransfer::decode(&[0x00]).unwrap(),
            ReleaseResponseTransfer
        );
    }

    #[test]
    fn setup_request_transfer_round_trips() {
        let t = SetupRequestTransfer {
            session_ambr: None,
            ul_tunnel: GtpTunnel {
                addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
                teid: 7,
            },
            session_type: PduSessionType::ethernet,
            qos_flows: vec![
                QosFlowRequest {
                    qfi: 9,
                    five_qi: 5,
                    arp_priority: 1,
                    gbr: None,
                },
                QosFlowRequest {
                    qfi: 2,
                    five_qi: 1,
                    arp_priority: 3,
                    gbr: Some(GbrQosInfo {
                        mfbr_dl: 4_000_000_000_000,
                        mfbr_ul: 256_000,
                        gfbr_dl: 128_000,
                        gfbr_ul: 0,
                        notification_control: true,
                        max_packet_loss_dl: Some(1000),
                        max_packet_loss_ul: None,
                    }),
                },
            ],
        };
        let octets = t.encode().unwrap();
        assert_eq!(SetupRequestTransfer::decode(&octets).unwrap(), t);
        // The same through the generated decoder (the GBR flow is outside the fast path).
        let v: asn::PDUSessionResourceSetupRequestTransfer<'_> =
            asn::decode_open_type(&octets).unwrap();
        assert_eq!(SetupRequestTransfer::of(&v).unwrap(), t);
    }

    #[test]
    fn a_packet_loss_rate_past_its_root_is_refused() {
        let mut g = GbrQosInfo::default().to_asn();
        g.maximum_packet_loss_rate_ul = Some(asn::PacketLossRate(1001));
        assert!(matches!(
            GbrQosInfo::of(&g),
            Err(Raw::Semantic {
                field: "PacketLossRate",
                ..
            })
        ));
    }

    #[test]
    fn failed_flows_round_trip() {
        let tunnel = GtpTunnel {
            addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
            teid: 3,
        };
        let failed = vec![(
            2,
            Cause::protocol(crate::values::CauseProtocol::semantic_error),
        )];
        let s = SetupResponseTransfer {
            dl_tunnel: tunnel,
            qfis: vec![1],
            failed: failed.clone(),
        };
        assert_eq!(
            SetupResponseTransfer::decode(&s.encode().unwrap()).unwrap(),
            s
        );
        let m = ModifyResponseTransfer {
            dl_tunnel: None,
            qfis: vec![],
            failed,
        };
        assert_eq!(
            ModifyResponseTransfer::decode(&m.encode().unwrap()).unwrap(),
            m
        );
    }

    #[test]
    fn a_transfer_that_does_not_decode_is_named() {
        let e = SetupResponseTransfer::decode(&[0xff]).unwrap_err();
        assert!(
            matches!(
                &e,
                Error::UndecodableIe {
                    message: "PDUSessionResourceSetupResponseTransfer",
                    ..
                }
            ),
            "{e:?}"
        );
    }
}
