//! Plain values shared by the messages: identities, locations, tunnels (TS 38.413 §9.3).

use crate::asn;
use crate::ies::{Raw, semantic};
use oxirush_ngap::{BitString, Bits};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub use asn::{
    Cause, CauseMisc, CauseNas, CauseProtocol, CauseRadioNetwork, CauseTransport, HandoverType,
    PDUSessionType as PduSessionType, PagingDRX as PagingDrx,
    RRCEstablishmentCause as RrcEstablishmentCause,
};

/// PLMN Identity (TS 38.413 §9.3.3.5): MCC and MNC in BCD, as TS 24.008 §10.5.1.13.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Plmn(pub [u8; 3]);

impl std::fmt::Debug for Plmn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.mcc_mnc() {
            Some((mcc, mnc)) => write!(f, "Plmn({mcc}-{mnc})"),
            None => write!(
                f,
                "Plmn(0x{:02x}{:02x}{:02x})",
                self.0[0], self.0[1], self.0[2]
            ),
        }
    }
}

impl Plmn {
    /// From decimal digits: `Plmn::new("208", "93")`.
    ///
    /// # Errors
    /// A MCC of other than 3 digits, a MNC of other than 2 or 3.
    pub fn new(mcc: &str, mnc: &str) -> Result<Self, crate::Error> {
        oxirush_ngap::helpers::plmn(mcc, mnc)
            .map(|p| Plmn(p.0))
            .map_err(|e| crate::Error::Semantic {
                message: "PLMN Identity",
                field: "MCC/MNC",
                detail: e.to_string(),
            })
    }
    /// MCC and MNC as decimal strings; `None` when the octets are not BCD digits.
    pub fn mcc_mnc(&self) -> Option<(String, String)> {
        oxirush_ngap::helpers::plmn_from(&asn::PLMNIdentity(self.0))
    }
    pub(crate) fn to_asn(self) -> asn::PLMNIdentity {
        asn::PLMNIdentity(self.0)
    }
    pub(crate) fn of(p: &asn::PLMNIdentity) -> Self {
        Plmn(p.0)
    }
}

/// Tracking Area Identity (TS 38.413 §9.3.3.11): PLMN and 3-octet TAC (§9.3.3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tai {
    pub plmn: Plmn,
    pub tac: [u8; 3],
}

impl Tai {
    pub(crate) fn to_asn(self) -> asn::TAI {
        asn::TAI {
            plmn_identity: self.plmn.to_asn(),
            tac: asn::TAC(self.tac),
            ie_extensions: None,
        }
    }
    pub(crate) fn of(t: &asn::TAI) -> Self {
        Tai {
            plmn: Plmn::of(&t.plmn_identity),
            tac: t.tac.0,
        }
    }
}

/// NR CGI (TS 38.413 §9.3.1.7): PLMN and 36-bit NR Cell Identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NrCgi {
    pub plmn: Plmn,
    /// 36 bits: gNB ID in the high bits, the cell in the low ones.
    pub cell_id: u64,
}

impl NrCgi {
    pub(crate) fn to_asn(self) -> Result<asn::NRCGI, Raw> {
        Ok(asn::NRCGI {
            plmn_identity: self.plmn.to_asn(),
            nr_cell_identity: asn::NRCellIdentity(Bits::new(self.cell_id, 36)?),
            ie_extensions: None,
        })
    }
    pub(crate) fn of(c: &asn::NRCGI) -> Self {
        NrCgi {
            plmn: Plmn::of(&c.plmn_identity),
            cell_id: c.nr_cell_identity.0.value(),
        }
    }
}

/// User Location Information (TS 38.413 §9.3.1.16), NR variant: the cell and its TAI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UserLocation {
    pub cgi: NrCgi,
    pub tai: Tai,
}

impl UserLocation {
    pub(crate) fn to_asn(self) -> Result<asn::UserLocationInformation<'static>, Raw> {
        Ok(asn::UserLocationInformation::userLocationInformationNR(
            asn::UserLocationInformationNR {
                nr_cgi: self.cgi.to_asn()?,
                tai: self.tai.to_asn(),
                time_stamp: None,
                ie_extensions: None,
            },
        ))
    }
    pub(crate) fn of(u: &asn::UserLocationInformation<'_>) -> Result<Self, Raw> {
        match u {
            asn::UserLocationInformation::userLocationInformationNR(nr) => Ok(UserLocation {
                cgi: NrCgi::of(&nr.nr_cgi),
                tai: Tai::of(&nr.tai),
            }),
            _ => Err(semantic(
                "UserLocationInformation",
                "only the NR alternative is supported",
            )),
        }
    }
}

/// S-NSSAI (TS 38.413 §9.3.1.24): SST and optional 3-octet SD.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Snssai {
    pub sst: u8,
    pub sd: Option<[u8; 3]>,
}

impl Snssai {
    pub(crate) fn to_asn(self) -> asn::SNSSAI {
        asn::SNSSAI {
            sst: asn::SST([self.sst]),
            sd: self.sd.map(asn::SD),
            ie_extensions: None,
        }
    }
    pub(crate) fn of(s: &asn::SNSSAI) -> Self {
        Snssai {
            sst: s.sst.0[0],
            sd: s.sd.as_ref().map(|sd| sd.0),
        }
    }
}

/// GUAMI (TS 38.413 §9.3.3.3): PLMN, AMF Region ID (8 bits), Set ID (10), Pointer (6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Guami {
    pub plmn: Plmn,
    pub region_id: u8,
    pub set_id: u16,
    pub pointer: u8,
}

impl Guami {
    pub(crate) fn to_asn(self) -> Result<asn::GUAMI, Raw> {
        Ok(asn::GUAMI {
            plmn_identity: self.plmn.to_asn(),
            amf_region_id: asn::AMFRegionID(Bits::new(self.region_id.into(), 8)?),
            amf_set_id: asn::AMFSetID(Bits::new(self.set_id.into(), 10)?),
            amf_pointer: asn::AMFPointer(Bits::new(self.pointer.into(), 6)?),
            ie_extensions: None,
        })
    }
    pub(crate) fn of(g: &asn::GUAMI) -> Self {
        Guami {
            plmn: Plmn::of(&g.plmn_identity),
            region_id: g.amf_region_id.0.value() as u8,
            set_id: g.amf_set_id.0.value() as u16,
            pointer: g.amf_pointer.0.value() as u8,
        }
    }
}

/// Global gNB ID (TS 38.413 §9.3.1.6): PLMN and a gNB ID of 22 to 32 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GnbId {
    pub plmn: Plmn,
    pub id: u32,
    /// Length of `id` in bits, 22..=32.
    pub bits: u8,
}

impl GnbId {
    pub(crate) fn to_asn(self) -> Result<asn::GlobalRANNodeID, Raw> {
        if !(22..=32).contains(&self.bits) {
            return Err(semantic("gNB-ID", "length must be 22..=32 bits"));
        }
        Ok(asn::GlobalRANNodeID::globalGNB_ID(asn::GlobalGNBID {
            plmn_identity: self.plmn.to_asn(),
            gnb_id: asn::GNBID::gNB_ID(Bits::new(self.id.into(), self.bits.into())?),
            ie_extensions: None,
        }))
    }
    pub(crate) fn of(g: &asn::GlobalRANNodeID) -> Result<Self, Raw> {
        let asn::GlobalRANNodeID::globalGNB_ID(g) = g else {
            return Err(semantic("GlobalRANNodeID", "only a gNB is supported"));
        };
        let asn::GNBID::gNB_ID(id) = &g.gnb_id else {
            return Err(semantic("gNB-ID", "unknown alternative"));
        };
        Ok(GnbId {
            plmn: Plmn::of(&g.plmn_identity),
            id: id.value() as u32,
            bits: id.len() as u8,
        })
    }
}

/// 5G-S-TMSI (TS 38.413 §9.3.3.20): AMF Set ID (10 bits), AMF Pointer (6), 5G-TMSI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FiveGSTmsi {
    pub set_id: u16,
    pub pointer: u8,
    pub tmsi: u32,
}

impl FiveGSTmsi {
    pub(crate) fn to_asn(self) -> Result<asn::FiveGSTMSI, Raw> {
        Ok(asn::FiveGSTMSI {
            amf_set_id: asn::AMFSetID(Bits::new(self.set_id.into(), 10)?),
            amf_pointer: asn::AMFPointer(Bits::new(self.pointer.into(), 6)?),
            five_g_tmsi: asn::FiveGTMSI(self.tmsi.to_be_bytes()),
            ie_extensions: None,
        })
    }
    pub(crate) fn of(s: &asn::FiveGSTMSI) -> Self {
        FiveGSTmsi {
            set_id: s.amf_set_id.0.value() as u16,
            pointer: s.amf_pointer.0.value() as u8,
            tmsi: u32::from_be_bytes(s.five_g_tmsi.0),
        }
    }
}

/// GTP tunnel endpoint (TS 38.413 §9.3.2.2): Transport Layer Address (§9.3.2.4, an IPv4
/// or IPv6 address) and GTP-TEID (§9.3.2.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GtpTunnel {
    pub addr: IpAddr,
    pub teid: u32,
}

impl GtpTunnel {
    pub(crate) fn to_asn(self) -> Result<asn::UPTransportLayerInformation<'static>, Raw> {
        Ok(asn::UPTransportLayerInformation::gTPTunnel(
            asn::GTPTunnel {
                transport_layer_address: transport_address(self.addr)?,
                gtp_teid: asn::GTPTEID(self.teid.to_be_bytes()),
                ie_extensions: None,
            },
        ))
    }
    pub(crate) fn of(u: &asn::UPTransportLayerInformation<'_>) -> Result<Self, Raw> {
        let asn::UPTransportLayerInformation::gTPTunnel(t) = u else {
            return Err(semantic("UPTransportLayerInformation", "not a GTP tunnel"));
        };
        Ok(GtpTunnel {
            addr: ip_of(&t.transport_layer_address)?,
            teid: u32::from_be_bytes(t.gtp_teid.0),
        })
    }
}

/// Transport Layer Address (TS 38.413 §9.3.2.4) of one IP address.
pub(crate) fn transport_address(addr: IpAddr) -> Result<asn::TransportLayerAddress<'static>, Raw> {
    let bits = match addr {
        IpAddr::V4(a) => BitString::new(a.octets().to_vec(), 32)?,
        IpAddr::V6(a) => BitString::new(a.octets().to_vec(), 128)?,
    };
    Ok(asn::TransportLayerAddress(bits))
}

/// The IP address of a Transport Layer Address: 32 bits IPv4, 128 IPv6, 160 both (IPv4 kept).
pub(crate) fn ip_of(a: &asn::TransportLayerAddress<'_>) -> Result<IpAddr, Raw> {
    let o = a.0.as_octets();
    match a.0.len() {
        32 | 160 => Ok(IpAddr::V4(Ipv4Addr::new(o[0], o[1], o[2], o[3]))),
        128 => {
            let mut v6 = [0u8; 16];
            v6.copy_from_slice(&o[..16]);
            Ok(IpAddr::V6(Ipv6Addr::from(v6)))
        }
        n => Err(semantic(
            "TransportLayerAddress",
            format!("{n} bits is no IPv4/IPv6 address"),
        )),
    }
}

/// UE Security Capabilities (TS 38.413 §9.3.1.86): four 16-bit algorithm bitmaps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SecurityCapabilities {
    pub nr_encryption: u16,
    pub nr_integrity: u16,
    pub eutra_encryption: u16,
    pub eutra_integrity: u16,
}

fn bits16(v: u16) -> Result<BitString<'static>, Raw> {
    Ok(BitString::new(v.to_be_bytes().to_vec(), 16)?)
}

fn u16_of(b: &BitString<'_>, field: &'static str) -> Result<u16, Raw> {
    match b.as_octets() {
        [a, c, ..] => Ok(u16::from_be_bytes([*a, *c])),
        _ => Err(semantic(field, "shorter than 16 bits")),
    }
}

impl SecurityCapabilities {
    pub(crate) fn to_asn(self) -> Result<asn::UESecurityCapabilities<'static>, Raw> {
        Ok(asn::UESecurityCapabilities {
            nr_encryption_algorithms: asn::NRencryptionAlgorithms(bits16(self.nr_encryption)?),
            nr_integrity_protection_algorithms: asn::NRintegrityProtectionAlgorithms(bits16(
                self.nr_integrity,
            )?),
            eutra_encryption_algorithms: asn::EUTRAencryptionAlgorithms(bits16(
                self.eutra_encryption,
            )?),
            eutra_integrity_protection_algorithms: asn::EUTRAintegrityProtectionAlgorithms(bits16(
                self.eutra_integrity,
            )?),
            ie_extensions: None,
        })
    }
    pub(crate) fn of(s: &asn::UESecurityCapabilities<'_>) -> Result<Self, Raw> {
        Ok(SecurityCapabilities {
            nr_encryption: u16_of(&s.nr_encryption_algorithms.0, "NRencryptionAlgorithms")?,
            nr_integrity: u16_of(
                &s.nr_integrity_protection_algorithms.0,
                "NRintegrityProtectionAlgorithms",
            )?,
            eutra_encryption: u16_of(
                &s.eutra_encryption_algorithms.0,
                "EUTRAencryptionAlgorithms",
            )?,
            eutra_integrity: u16_of(
                &s.eutra_integrity_protection_algorithms.0,
                "EUTRAintegrityProtectionAlgorithms",
            )?,
        })
    }
}

/// A 256-bit security key (TS 38.413 §9.3.1.87: KgNB, NH).
pub(crate) fn security_key(k: &[u8; 32]) -> Result<asn::SecurityKey<'static>, Raw> {
    Ok(asn::SecurityKey(BitString::new(k.to_vec(), 256)?))
}

pub(crate) fn key_of(k: &asn::SecurityKey<'_>) -> Result<[u8; 32], Raw> {
    k.0.as_octets()
        .try_into()
        .map_err(|_| semantic("SecurityKey", "not 256 bits"))
}

/// Security Context (TS 38.413 §9.3.1.88): NCC and NH.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SecurityContext {
    /// Next Hop Chaining Count, 0..=7.
    pub ncc: u8,
    pub nh: [u8; 32],
}

impl SecurityContext {
    pub(crate) fn to_asn(self) -> Result<asn::SecurityContext<'static>, Raw> {
        Ok(asn::SecurityContext {
            next_hop_chaining_count: asn::NextHopChainingCount(self.ncc),
            next_hop_nh: security_key(&self.nh)?,
            ie_extensions: None,
        })
    }
    pub(crate) fn of(s: &asn::SecurityContext<'_>) -> Result<Self, Raw> {
        Ok(SecurityContext {
            ncc: s.next_hop_chaining_count.0,
            nh: key_of(&s.next_hop_nh)?,
        })
    }
}

/// A PLMN with the slices supported in it: a Broadcast PLMN Item of the Supported TA
/// List (TS 38.413 §9.2.6.1) or a PLMN Support Item (§9.2.6.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PlmnSlices {
    pub plmn: Plmn,
    pub slices: Vec<Snssai>,
}

pub(crate) fn slice_list(s: &[Snssai]) -> asn::SliceSupportList {
    asn::SliceSupportList(
        s.iter()
            .map(|s| asn::SliceSupportItem {
                s_nssai: s.to_asn(),
                ie_extensions: None,
            })
            .collect(),
    )
}

pub(crate) fn slices_of(l: &asn::SliceSupportList) -> Vec<Snssai> {
    l.0.iter().map(|i| Snssai::of(&i.s_nssai)).collect()
}

/// One Supported TA Item (TS 38.413 §9.2.6.1): TAC and the PLMNs broadcast in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SupportedTa {
    pub tac: [u8; 3],
    pub plmns: Vec<PlmnSlices>,
}

pub(crate) fn supported_ta_list(l: &[SupportedTa]) -> asn::SupportedTAList {
    asn::SupportedTAList(
        l.iter()
            .map(|ta| asn::SupportedTAItem {
                tac: asn::TAC(ta.tac),
                broadcast_plmn_list: asn::BroadcastPLMNList(
                    ta.plmns
                        .iter()
                        .map(|p| asn::BroadcastPLMNItem {
                            plmn_identity: p.plmn.to_asn(),
                            tai_slice_support_list: slice_list(&p.slices),
                            ie_extensions: None,
                        })
                        .collect(),
                ),
                ie_extensions: None,
            })
            .collect(),
    )
}

pub(crate) fn supported_tas_of(l: &asn::SupportedTAList) -> Vec<SupportedTa> {
    l.0.iter()
        .map(|ta| SupportedTa {
            tac: ta.tac.0,
            plmns: ta
                .broadcast_plmn_list
                .0
                .iter()
                .map(|p| PlmnSlices {
                    plmn: Plmn::of(&p.plmn_identity),
                    slices: slices_of(&p.tai_slice_support_list),
                })
                .collect(),
        })
        .collect()
}

pub(crate) fn allowed_nssai(s: &[Snssai]) -> asn::AllowedNSSAI {
    asn::AllowedNSSAI(
        s.iter()
            .map(|s| asn::AllowedNSSAIItem {
                s_nssai: s.to_asn(),
                ie_extensions: None,
            })
            .collect(),
    )
}

pub(crate) fn allowed_nssai_of(a: &asn::AllowedNSSAI) -> Vec<Snssai> {
    a.0.iter().map(|i| Snssai::of(&i.s_nssai)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plmn_digits_round_trip() {
        let p = Plmn::new("208", "93").unwrap();
        assert_eq!(p.0, [0x02, 0xf8, 0x39]);
        assert_eq!(p.mcc_mnc(), Some(("208".into(), "93".into())));
        let p = Plmn::new("310", "410").unwrap();
        assert_eq!(p.mcc_mnc(), Some(("310".into(), "410".into())));
        assert!(Plmn::new("20", "93").is_err());
        assert!(Plmn::new("208", "9").is_err());
    }

    #[test]
    fn plmn_debug_shows_digits() {
        assert_eq!(format!("{:?}", Plmn([0x02, 0xf8, 0x39])), "Plmn(208-93)");
        assert_eq!(format!("{:?}", Plmn([0xff, 0xff, 0xff])), "Plmn(0xffffff)");
    }

    #[test]
    fn transport_addresses() {
        let v4 = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(ip_of(&transport_address(v4).unwrap()).unwrap(), v4);
        let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
        assert_eq!(ip_of(&transport_address(v6).unwrap()).unwrap(), v6);
        // IPv4 and IPv6 together (160 bits, TS 38.414 §5.1): the IPv4 address is kept.
        let mut both = vec![192, 168, 0, 1];
        both.extend_from_slice(&[0u8; 16]);
        let a = asn::TransportLayerAddress(BitString::new(both, 160).unwrap());
        assert_eq!(
            ip_of(&a).unwrap(),
            IpAddr::V4(Ipv4Addr::new(192, 168, 0, 1))
        );
        let odd = asn::TransportLayerAddress(BitString::new(vec![1, 2], 16).unwrap());
        assert!(ip_of(&odd).is_err());
    }

    #[test]
    fn out_of_range_identities_are_refused() {
        let plmn = Plmn([0x02, 0xf8, 0x39]);
        let g = GnbId {
            plmn,
            id: 1,
            bits: 21,
        };
        assert!(g.to_asn().is_err());
        let g = Guami {
            plmn,
            region_id: 1,
            set_id: 1024,
            pointer: 0,
        };
        assert!(g.to_asn().is_err());
        let c = NrCgi {
            plmn,
            cell_id: 1 << 36,
        };
        assert!(c.to_asn().is_err());
    }
}
