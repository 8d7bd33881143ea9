//! NAS transport (TS 38.413 §8.6): Initial UE Message, Downlink / Uplink NAS Transport.

use crate::asn;
use crate::ies::Raw;
use crate::msg::ngap_message;
use crate::values::{FiveGSTmsi, RrcEstablishmentCause, UserLocation};
use oxirush_ngap::{build_ngap_ie, extract_ngap_ies};

/// INITIAL UE MESSAGE (TS 38.413 §9.2.5.1), NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialUeMessage {
    pub ran_ue_ngap_id: u32,
    pub nas_pdu: Vec<u8>,
    pub location: UserLocation,
    pub rrc_establishment_cause: RrcEstablishmentCause,
    pub five_g_s_tmsi: Option<FiveGSTmsi>,
    /// UE Context Request IE present with value `requested`.
    pub ue_context_requested: bool,
}

impl InitialUeMessage {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![
            build_ngap_ie!(InitialUEMessage, RAN_UE_NGAP_ID(self.ran_ue_ngap_id))?,
            build_ngap_ie!(InitialUEMessage, NAS_PDU(self.nas_pdu.clone()))?,
            build_ngap_ie!(
                InitialUEMessage,
                UserLocationInformation(self.location.to_asn()?)
            )?,
            build_ngap_ie!(
                InitialUEMessage,
                RRCEstablishmentCause(self.rrc_establishment_cause)
            )?,
        ];
        if let Some(s) = self.five_g_s_tmsi {
            ies.push(build_ngap_ie!(InitialUEMessage, FiveG_S_TMSI(s.to_asn()?))?);
        }
        if self.ue_context_requested {
            ies.push(build_ngap_ie!(
                InitialUEMessage,
                UEContextRequest(asn::UEContextRequest::requested)
            )?);
        }
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, InitialUEMessage,
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req nas_pdu: Vec<u8> = NAS_PDU(n) => n.0.to_vec(),
            req location: asn::UserLocationInformation<'_> = UserLocationInformation(u) => u,
            req rrc_establishment_cause: RrcEstablishmentCause = RRCEstablishmentCause(c) => c,
            opt five_g_s_tmsi: FiveGSTmsi = FiveG_S_TMSI(s) => FiveGSTmsi::of(&s),
            opt ue_context_requested: () = UEContextRequest(_r) => (),
        );
        Ok(InitialUeMessage {
            ran_ue_ngap_id,
            nas_pdu,
            location: UserLocation::of(&location)?,
            rrc_establishment_cause,
            five_g_s_tmsi,
            ue_context_requested: ue_context_requested.is_some(),
        })
    }
}
ngap_message!(
    InitialUeMessage,
    InitialUEMessage,
    fast = crate::fast::initial_ue_message
);

/// DOWNLINK NAS TRANSPORT (TS 38.413 §9.2.5.2), AMF → NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownlinkNasTransport {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub nas_pdu: Vec<u8>,
}

impl DownlinkNasTransport {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        Ok(vec![
            build_ngap_ie!(DownlinkNASTransport, AMF_UE_NGAP_ID(self.amf_ue_ngap_id))?,
            build_ngap_ie!(DownlinkNASTransport, RAN_UE_NGAP_ID(self.ran_ue_ngap_id))?,
            build_ngap_ie!(DownlinkNASTransport, NAS_PDU(self.nas_pdu.clone()))?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, DownlinkNASTransport,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req nas_pdu: Vec<u8> = NAS_PDU(n) => n.0.to_vec(),
        );
        Ok(DownlinkNasTransport {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            nas_pdu,
        })
    }
}
ngap_message!(DownlinkNasTransport, DownlinkNASTransport);

/// UPLINK NAS TRANSPORT (TS 38.413 §9.2.5.3), NG-RAN node → AMF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UplinkNasTransport {
    pub amf_ue_ngap_id: u64,
    pub ran_ue_ngap_id: u32,
    pub nas_pdu: Vec<u8>,
    pub location: UserLocation,
}

impl UplinkNasTransport {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        Ok(vec![
            build_ngap_ie!(UplinkNASTransport, AMF_UE_NGAP_ID(self.amf_ue_ngap_id))?,
            build_ngap_ie!(UplinkNASTransport, RAN_UE_NGAP_ID(self.ran_ue_ngap_id))?,
            build_ngap_ie!(UplinkNASTransport, NAS_PDU(self.nas_pdu.clone()))?,
            build_ngap_ie!(
                UplinkNASTransport,
                UserLocationInformation(self.location.to_asn()?)
            )?,
        ])
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, UplinkNASTransport,
            req amf_ue_ngap_id: u64 = AMF_UE_NGAP_ID(id),
            req ran_ue_ngap_id: u32 = RAN_UE_NGAP_ID(id),
            req nas_pdu: Vec<u8> = NAS_PDU(n) => n.0.to_vec(),
            req location: asn::UserLocationInformation<'_> = UserLocationInformation(u) => u,
        );
        Ok(UplinkNasTransport {
            amf_ue_ngap_id,
            ran_ue_ngap_id,
            nas_pdu,
            location: UserLocation::of(&location)?,
        })
    }
}
ngap_message!(UplinkNasTransport, UplinkNASTransport);
