//! Typed views of the IEs the AMF, SMF and UE read most, over the wrapped codec's IEs:
//! slices, security capabilities, containers and PCO here; GPRS timer 3 ([`GprsTimer3`]),
//! the 5GS tracking area identity list ([`TaiList`]), network name and time zones for
//! NITZ ([`NetworkName`], [`TimeZone`], [`TimeZoneAndTime`]) in submodules by topic.

mod nitz;
mod tai;
mod timer;

pub use nitz::{NetworkName, TimeZone, TimeZoneAndTime};
pub use tai::{TaiList, TrackingArea};
pub use timer::{GprsTimer3, GprsTimer3Unit};

use crate::NasMessage;
use crate::error::Error;
use crate::types::{
    NasExtendedProtocolConfigurationOptions, NasFGsNetworkFeatureSupport, NasMessageContainer,
    NasNssai, NasPayloadContainer, NasPduSessionStatus, NasSNssai, NasUeSecurityCapability,
    NasUplinkDataStatus, Pco, PcoDirection, SNssaiContents,
};

/// The "no SD value associated with the SST" value (TS 23.003 §28.4.2).
pub const SD_NONE: u32 = 0x00ff_ffff;

/// Slice differentiator as it is on the wire: absent, or present with a value; a present
/// value of `FFFFFF` means "no SD" (TS 23.003 §28.4.2) but is kept distinct from absent
/// so that it encodes back the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sd {
    /// No SD octets (length 1 or 2 S-NSSAI, TS 24.501 §9.11.2.8).
    Absent,
    /// Three SD octets.
    Present(u32),
}

impl Sd {
    /// The SD value that means something: `None` when absent or `FFFFFF`.
    pub fn value(self) -> Option<u32> {
        match self {
            Sd::Present(v) if v != SD_NONE => Some(v),
            _ => None,
        }
    }
}

/// S-NSSAI (TS 24.501 §9.11.2.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Snssai {
    /// Slice/service type.
    pub sst: u8,
    /// Slice differentiator.
    pub sd: Sd,
    /// Mapped HPLMN SST.
    pub mapped_sst: Option<u8>,
    /// Mapped HPLMN SD.
    pub mapped_sd: Option<u32>,
}

fn u24(b: [u8; 3]) -> u32 {
    u32::from_be_bytes([0, b[0], b[1], b[2]])
}

fn be3(v: u32) -> [u8; 3] {
    let b = v.to_be_bytes();
    [b[1], b[2], b[3]]
}

impl Snssai {
    /// An S-NSSAI of an SST and maybe an SD.
    pub fn new(sst: u8, sd: Option<u32>) -> Self {
        Snssai {
            sst,
            sd: sd.map_or(Sd::Absent, Sd::Present),
            mapped_sst: None,
            mapped_sd: None,
        }
    }

    fn from_contents(c: &SNssaiContents) -> Self {
        Snssai {
            sst: c.sst,
            sd: c.sd.map_or(Sd::Absent, |b| Sd::Present(u24(b))),
            mapped_sst: c.mapped_sst,
            mapped_sd: c.mapped_sd.map(u24),
        }
    }

    /// The IE of a standalone S-NSSAI (e.g. in UL NAS TRANSPORT, PDU session accept).
    pub fn to_ie(&self) -> Result<NasSNssai, Error> {
        let sd = match self.sd {
            Sd::Absent => None,
            Sd::Present(v) => Some(be3(v)),
        };
        let c = SNssaiContents::new(self.sst, sd, self.mapped_sst, self.mapped_sd.map(be3));
        NasSNssai::from_contents(c).map_err(|e| Error::Encode(e.to_string()))
    }

    /// Reads a standalone S-NSSAI IE.
    pub fn parse(ie: &NasSNssai) -> Result<Self, Error> {
        ie.parse()
            .map(|c| Self::from_contents(&c))
            .ok_or_else(|| Error::Malformed("S-NSSAI length is not 1, 2, 4, 5 or 8".into()))
    }
}

/// Reads an NSSAI IE (requested / allowed / configured, TS 24.501 §9.11.3.37).
pub fn nssai(ie: &NasNssai) -> Result<Vec<Snssai>, Error> {
    let all = ie
        .try_parse_all()
        .ok_or_else(|| Error::Malformed("NSSAI: an S-NSSAI overruns the IE".into()))?;
    Ok(all.iter().map(Snssai::from_contents).collect())
}

/// Builds an NSSAI IE.
pub fn nssai_ie(slices: &[Snssai]) -> Result<NasNssai, Error> {
    let ies = slices
        .iter()
        .map(Snssai::to_ie)
        .collect::<Result<Vec<_>, _>>()?;
    NasNssai::from_snssais(&ies).map_err(|e| Error::Encode(e.to_string()))
}

/// UE security capability (TS 24.501 §9.11.3.54): bit maps of the algorithms the UE
/// supports, bit 8 of the first octet = algorithm 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UeSecurityCapability {
    /// 5G-EA0..7 (NEA).
    pub ea: u8,
    /// 5G-IA0..7 (NIA).
    pub ia: u8,
    /// EEA0..7, if the UE sent the EPS octets.
    pub eea: Option<u8>,
    /// EIA0..7, if the UE sent the EPS octets.
    pub eia: Option<u8>,
}

impl UeSecurityCapability {
    /// Reads the IE.
    pub fn parse(ie: &NasUeSecurityCapability) -> Self {
        let eps = ie.has_eps_algorithms();
        UeSecurityCapability {
            ea: ie.ea_byte(),
            ia: ie.ia_byte(),
            eea: eps.then(|| ie.eea_byte()),
            eia: eps.then(|| ie.eia_byte()),
        }
    }

    /// Whether 5G-EA`n` is supported (n in 0..8).
    pub fn supports_ea(&self, n: u8) -> bool {
        n < 8 && self.ea & (0x80 >> n) != 0
    }

    /// Whether 5G-IA`n` is supported (n in 0..8).
    pub fn supports_ia(&self, n: u8) -> bool {
        n < 8 && self.ia & (0x80 >> n) != 0
    }

    /// The IE.
    pub fn to_ie(&self) -> NasUeSecurityCapability {
        match (self.eea, self.eia) {
            (Some(eea), Some(eia)) => {
                NasUeSecurityCapability::from_capabilities_extended(self.ea, self.ia, eea, eia)
            }
            _ => NasUeSecurityCapability::from_capabilities(self.ea, self.ia),
        }
    }
}

/// PDU session status (TS 24.501 §9.11.3.44): the PSIs whose bit is set.
pub fn pdu_session_status(ie: &NasPduSessionStatus) -> Vec<u8> {
    ie.active_sessions()
}

/// Uplink data status (TS 24.501 §9.11.3.57): the PSIs with pending uplink data.
pub fn uplink_data_status(ie: &NasUplinkDataStatus) -> Vec<u8> {
    ie.sessions_with_data()
}

/// The flags of 5GS network feature support the AMF sets (TS 24.501 §9.11.3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetworkFeatures {
    /// IMS voice over PS session over 3GPP access.
    pub ims_vops_3gpp: bool,
    /// IMS voice over PS session over non-3GPP access.
    pub ims_vops_n3gpp: bool,
    /// Emergency service support indicator (2 bits).
    pub emc: u8,
    /// Emergency service fallback indicator (2 bits).
    pub emf: u8,
    /// Interworking without N26.
    pub iwk_n26: bool,
    /// MPS indicator.
    pub mpsi: bool,
}

impl NetworkFeatures {
    /// Reads the IE.
    pub fn parse(ie: &NasFGsNetworkFeatureSupport) -> Self {
        NetworkFeatures {
            ims_vops_3gpp: ie.ims_vops_3gpp(),
            ims_vops_n3gpp: ie.ims_vops_n3gpp(),
            emc: ie.emc(),
            emf: ie.emf(),
            iwk_n26: ie.iwk_n26(),
            mpsi: ie.mpsi(),
        }
    }

    /// The IE (one octet of flags, octet 4 zero when not needed).
    pub fn to_ie(&self) -> Result<NasFGsNetworkFeatureSupport, Error> {
        let enc = |e: oxirush_nas::common::ValueError| Error::Encode(e.to_string());
        Ok(NasFGsNetworkFeatureSupport::new(vec![0])
            .with_ims_vops_3gpp(self.ims_vops_3gpp)
            .with_ims_vops_n3gpp(self.ims_vops_n3gpp)
            .with_emc(self.emc)
            .map_err(enc)?
            .with_emf(self.emf)
            .map_err(enc)?
            .with_iwk_n26(self.iwk_n26)
            .with_mpsi(self.mpsi))
    }
}

/// The plain message in a NAS message container (TS 24.501 §9.11.3.33), e.g. the whole
/// REGISTRATION REQUEST inside SECURITY MODE COMPLETE (§4.4.6).
pub fn nas_message_container(ie: &NasMessageContainer) -> Result<NasMessage, Error> {
    crate::decode(&ie.value)
}

/// A NAS message container carrying `message`.
pub fn nas_message_container_ie(message: &NasMessage) -> Result<NasMessageContainer, Error> {
    Ok(NasMessageContainer::new(crate::encode(message)?))
}

/// The 5GSM message in a payload container of type N1 SM information (TS 24.501
/// §9.11.3.39, §9.11.3.40), as UL / DL NAS TRANSPORT carry it.
pub fn n1_sm_message(ie: &NasPayloadContainer) -> Result<NasMessage, Error> {
    match crate::decode(&ie.value)? {
        m @ NasMessage::Sm(_) => Ok(m),
        _ => Err(Error::SemanticallyIncorrect {
            field: "payload_container",
            reason: "N1 SM information that is not a 5GSM message".into(),
        }),
    }
}

/// Extended protocol configuration options (TS 24.501 §9.11.4.6): the units of
/// TS 24.008 §10.5.6.3 as sent `uplink` (UE to network) or downlink.
pub fn epco(ie: &NasExtendedProtocolConfigurationOptions, uplink: bool) -> Option<Pco> {
    ie.pco(direction(uplink))
}

/// Builds extended protocol configuration options from PCO units.
pub fn epco_ie(pco: &Pco, uplink: bool) -> Result<NasExtendedProtocolConfigurationOptions, Error> {
    NasExtendedProtocolConfigurationOptions::from_pco(pco, direction(uplink))
        .map_err(|e| Error::Encode(e.to_string()))
}

fn direction(uplink: bool) -> PcoDirection {
    if uplink {
        PcoDirection::Uplink
    } else {
        PcoDirection::Downlink
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sd_absent_and_ffffff_stay_distinct() {
        let slices = [
            Snssai::new(1, None),
            Snssai::new(1, Some(SD_NONE)),
            Snssai::new(2, Some(0x010203)),
        ];
        let ie = nssai_ie(&slices).unwrap();
        assert_eq!(ie.value, [1, 1, 4, 1, 0xff, 0xff, 0xff, 4, 2, 1, 2, 3]);
        let back = nssai(&ie).unwrap();
        assert_eq!(back, slices);
        assert_eq!(back[0].sd.value(), None);
        assert_eq!(back[1].sd.value(), None);
        assert_ne!(back[0].sd, back[1].sd);
        assert_eq!(back[2].sd.value(), Some(0x010203));
    }

    #[test]
    fn epco_dns_request_and_answer() {
        use crate::types::PcoEntry;
        // UE asks for DNS IPv4 (000d), the SMF answers 8.8.8.8
        let req = NasExtendedProtocolConfigurationOptions::new(vec![0x80, 0x00, 0x0d, 0x00]);
        let pco = epco(&req, true).unwrap();
        assert!(pco.entry(0x000d).is_some());
        let answer = Pco::new(
            0,
            vec![PcoEntry {
                identifier: 0x000d,
                contents: vec![8, 8, 8, 8],
            }],
        );
        let ie = epco_ie(&answer, false).unwrap();
        assert_eq!(&ie.value[..], &[0x80, 0x00, 0x0d, 0x04, 8, 8, 8, 8]);
        assert_eq!(epco(&ie, false).unwrap(), answer);
    }

    #[test]
    fn containers_carry_messages() {
        use crate::types::{NasPduSessionReleaseComplete, NasRegistrationComplete};
        let inner = NasMessage::mm(NasRegistrationComplete::new());
        let ie = nas_message_container_ie(&inner).unwrap();
        assert_eq!(nas_message_container(&ie).unwrap(), inner);
        let sm = NasMessage::sm(NasPduSessionReleaseComplete::new(), 5, 1);
        let payload = NasPayloadContainer::new(crate::encode(&sm).unwrap());
        assert_eq!(n1_sm_message(&payload).unwrap(), sm);
        let not_sm = NasPayloadContainer::new(crate::encode(&inner).unwrap());
        assert!(n1_sm_message(&not_sm).is_err());
    }

    #[test]
    fn ue_security_capability_bits() {
        let c = UeSecurityCapability {
            ea: 0xf0,
            ia: 0x70,
            eea: None,
            eia: None,
        };
        let back = UeSecurityCapability::parse(&c.to_ie());
        assert_eq!(back, c);
        assert!(back.supports_ea(0) && back.supports_ia(2) && !back.supports_ia(0));
    }
}
