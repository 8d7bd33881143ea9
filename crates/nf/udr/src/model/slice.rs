//! Subscribed S-NSSAIs and their DNN configurations (TS 29.503 `Nssai`, `DnnConfiguration`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::bitrate::{Ambr, Bitrate};
use crate::error::ValidationError;

/// Slice Differentiator: 24 bits. "No SD" is `Option::None` on [`Snssai`], distinct from
/// the value `FFFFFF`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sd(u32);

impl Sd {
    pub fn new(v: u32) -> Result<Self, ValidationError> {
        if v > 0xFF_FFFF {
            return Err(ValidationError::BadSd(format!("{v:x}")));
        }
        Ok(Self(v))
    }

    pub fn value(self) -> u32 {
        self.0
    }
}

impl FromStr for Sd {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ValidationError::BadSd(s.to_owned()));
        }
        u32::from_str_radix(t, 16)
            .map(Self)
            .map_err(|_| ValidationError::BadSd(s.to_owned()))
    }
}

impl fmt::Display for Sd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06X}", self.0)
    }
}

impl fmt::Debug for Sd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sd({self})")
    }
}

impl Serialize for Sd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Sd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Slice/Service Type: 1..=255 (0 is not a valid subscribed SST here).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
pub struct Sst(u8);

impl Sst {
    pub fn new(v: u32) -> Result<Self, ValidationError> {
        match u8::try_from(v) {
            Ok(b) if b >= 1 => Ok(Self(b)),
            _ => Err(ValidationError::BadSst(v)),
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Sst {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(u32::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// S-NSSAI: SST and optional SD.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snssai {
    pub sst: Sst,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<Sd>,
}

impl fmt::Display for Snssai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sd {
            Some(sd) => write!(f, "{}-{sd}", self.sst.0),
            None => write!(f, "{}", self.sst.0),
        }
    }
}

/// PDU session type (TS 29.571 `PduSessionType`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PduSessionType {
    Ipv4,
    Ipv6,
    Ipv4v6,
    Unstructured,
    Ethernet,
}

impl FromStr for PduSessionType {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_uppercase().as_str() {
            "IPV4" => Self::Ipv4,
            "IPV6" => Self::Ipv6,
            "IPV4V6" => Self::Ipv4v6,
            "UNSTRUCTURED" => Self::Unstructured,
            "ETHERNET" => Self::Ethernet,
            _ => return Err(ValidationError::BadPduSessionType(s.to_owned())),
        })
    }
}

/// SSC mode 1, 2 or 3 (TS 23.501 §5.6.9).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
pub struct SscMode(u8);

impl SscMode {
    pub const MODE_1: Self = Self(1);

    pub fn new(v: u8) -> Result<Self, ValidationError> {
        if (1..=3).contains(&v) {
            Ok(Self(v))
        } else {
            Err(ValidationError::BadSscMode(v))
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for SscMode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(u8::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// ARP priority level 1 (highest) ..= 15 (TS 23.501 §5.7.2.2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
pub struct ArpPriority(u8);

impl ArpPriority {
    pub fn new(v: u8) -> Result<Self, ValidationError> {
        if (1..=15).contains(&v) {
            Ok(Self(v))
        } else {
            Err(ValidationError::BadArpPriority(v))
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for ArpPriority {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(u8::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A validated DNN (APN network identifier form, TS 23.003 §9.1).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
pub struct Dnn(String);

impl Dnn {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let bad = || ValidationError::BadDnn(s.to_owned());
        if s.is_empty() || s.len() > 100 {
            return Err(bad());
        }
        for label in s.split('.') {
            let ok = !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return Err(bad());
            }
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Dnn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Dnn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

fn default_pdu_types() -> Vec<PduSessionType> {
    vec![PduSessionType::Ipv4]
}
fn default_ssc() -> SscMode {
    SscMode::MODE_1
}
fn default_session_ambr() -> Ambr {
    Ambr::symmetric(Bitrate::gbps(1))
}
fn default_5qi() -> u8 {
    9
}
fn default_arp() -> ArpPriority {
    ArpPriority(8)
}

/// The session management subscription of one DNN in one S-NSSAI.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnnConfiguration {
    pub dnn: Dnn,
    /// Allowed PDU session types; the first is the default one.
    #[serde(default = "default_pdu_types")]
    pub pdu_session_types: Vec<PduSessionType>,
    #[serde(default = "default_ssc")]
    pub ssc_mode: SscMode,
    #[serde(default = "default_session_ambr")]
    pub session_ambr: Ambr,
    /// 5QI of the default QoS flow.
    #[serde(default = "default_5qi")]
    pub five_qi: u8,
    /// ARP priority level of the default QoS flow.
    #[serde(default = "default_arp")]
    pub arp_priority: ArpPriority,
}

impl DnnConfiguration {
    /// IPv4, SSC mode 1, 1 Gbps session AMBR, 5QI 9, ARP priority 8.
    pub fn with_defaults(dnn: Dnn) -> Self {
        Self {
            dnn,
            pdu_session_types: default_pdu_types(),
            ssc_mode: default_ssc(),
            session_ambr: default_session_ambr(),
            five_qi: default_5qi(),
            arp_priority: default_arp(),
        }
    }
}

/// One subscribed S-NSSAI, whether it is a default one, and its DNNs.
/// Serialized flat: `{sst, sd, default, dnns}`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(from = "SliceDoc", into = "SliceDoc")]
pub struct SubscribedSlice {
    pub snssai: Snssai,
    pub default: bool,
    pub dnns: Vec<DnnConfiguration>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SliceDoc {
    sst: Sst,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sd: Option<Sd>,
    #[serde(default)]
    default: bool,
    #[serde(default)]
    dnns: Vec<DnnConfiguration>,
}

impl From<SliceDoc> for SubscribedSlice {
    fn from(d: SliceDoc) -> Self {
        Self {
            snssai: Snssai {
                sst: d.sst,
                sd: d.sd,
            },
            default: d.default,
            dnns: d.dnns,
        }
    }
}

impl From<SubscribedSlice> for SliceDoc {
    fn from(s: SubscribedSlice) -> Self {
        Self {
            sst: s.snssai.sst,
            sd: s.snssai.sd,
            default: s.default,
            dnns: s.dnns,
        }
    }
}

/// Checks a slice list: no S-NSSAI twice, at least one default (if any are subscribed),
/// no DNN twice per S-NSSAI, at least one PDU session type per DNN.
pub fn validate_slices(slices: &[SubscribedSlice]) -> Result<(), ValidationError> {
    for (i, s) in slices.iter().enumerate() {
        if slices[..i].iter().any(|o| o.snssai == s.snssai) {
            return Err(ValidationError::DuplicateSnssai(s.snssai.to_string()));
        }
        for (j, d) in s.dnns.iter().enumerate() {
            if s.dnns[..j].iter().any(|o| o.dnn == d.dnn) {
                return Err(ValidationError::DuplicateDnn {
                    snssai: s.snssai.to_string(),
                    dnn: d.dnn.to_string(),
                });
            }
            if d.pdu_session_types.is_empty() {
                return Err(ValidationError::NoPduSessionType(d.dnn.to_string()));
            }
        }
    }
    if !slices.is_empty() && !slices.iter().any(|s| s.default) {
        return Err(ValidationError::NoDefaultSnssai);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sd_absent_is_not_ffffff() {
        let none = Snssai {
            sst: Sst::new(1).unwrap(),
            sd: None,
        };
        let ff = Snssai {
            sst: Sst::new(1).unwrap(),
            sd: Some("FFFFFF".parse().unwrap()),
        };
        assert_ne!(none, ff);
        assert_eq!(none.to_string(), "1");
        assert_eq!(ff.to_string(), "1-FFFFFF");
        let json = serde_json::to_string(&none).unwrap();
        assert_eq!(serde_json::from_str::<Snssai>(&json).unwrap(), none);
    }

    #[test]
    fn sst_and_sd_ranges() {
        assert!(Sst::new(0).is_err() && Sst::new(256).is_err() && Sst::new(255).is_ok());
        assert!("1234567".parse::<Sd>().is_err() && "00000g".parse::<Sd>().is_err());
        assert!(Sd::new(0x100_0000).is_err());
    }

    #[test]
    fn dnn_names() {
        assert!(Dnn::parse("internet").is_ok() && Dnn::parse("ims.mnc001.mcc001.gprs").is_ok());
        for bad in ["", "a..b", "-x", "x-", "sp ace", "under_score"] {
            assert!(Dnn::parse(bad).is_err(), "{bad}");
        }
    }
}
