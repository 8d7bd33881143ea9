//! Common data types of TS 29.571 (`TS29571_CommonData.yaml`) used by the modelled services.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::hex::Hex;

/// `Supi`: `imsi-<digits>`, `nai-...` (TS 29.571).
pub type Supi = String;
/// `SupiOrSuci`: a SUPI, or a SUCI as `suci-<scheme fields>`.
pub type SupiOrSuci = String;
/// `Gpsi`: `msisdn-<digits>` or `extid-<id>@<domain>`.
pub type Gpsi = String;
/// `NfInstanceId`: a UUID (RFC 4122) as a string.
pub type NfInstanceId = String;
/// `Dnn`: labels separated by dots.
pub type Dnn = String;
/// `DateTime`: RFC 3339 `date-time`.
pub type DateTime = String;
/// `Uri`: RFC 3986.
pub type Uri = String;
/// `SupportedFeatures`: hex string (TS 29.500 §6.6).
pub type SupportedFeatures = String;
/// `BitRate`: e.g. `"100 Mbps"`.
pub type BitRate = String;

/// A [`BitRate`] (`"100 Mbps"`, `"1.5 Gbps"`; units bps, Kbps, Mbps, Gbps, Tbps) in
/// bit/s, rounded to the nearest bit/s (`"1.005 Kbps"` is 1005). `None` for another
/// unit, a number that does not parse, or a negative or non-finite one.
pub fn parse_bit_rate(s: &str) -> Option<u64> {
    let (num, unit) = s.trim().split_once(' ')?;
    let mult: f64 = match unit.trim() {
        "bps" => 1.0,
        "Kbps" => 1e3,
        "Mbps" => 1e6,
        "Gbps" => 1e9,
        "Tbps" => 1e12,
        _ => return None,
    };
    let v: f64 = num.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * mult).round() as u64)
}

/// `Snssai` (TS 29.571): SST and optional 3-octet SD.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Snssai {
    /// Slice/Service Type, 0..=255.
    pub sst: u8,
    /// Slice Differentiator, 6 hex digits.
    pub sd: Option<Hex<3>>,
}

impl Snssai {
    /// The map-key form: `sst` or `sst-sd` (TS 29.571 `Snssai` description).
    pub fn to_key(&self) -> String {
        match &self.sd {
            Some(sd) => format!("{}-{sd}", self.sst),
            None => self.sst.to_string(),
        }
    }
}

/// `Ambr` (TS 29.571): aggregate uplink and downlink bit rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ambr {
    /// e.g. `"1 Gbps"`.
    pub uplink: BitRate,
    /// e.g. `"2 Gbps"`.
    pub downlink: BitRate,
}

/// `PlmnId` (TS 29.571): MCC (3 digits) and MNC (2 or 3 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PlmnId {
    /// Mobile Country Code.
    pub mcc: String,
    /// Mobile Network Code.
    pub mnc: String,
}

impl PlmnId {
    /// The `VarPlmnId` path form of TS 29.505: MCC followed by MNC, e.g. `00101`.
    pub fn to_var_plmn_id(&self) -> String {
        format!("{}{}", self.mcc, self.mnc)
    }
}

/// `PlmnIdNid` (TS 29.571): a PLMN and, for an SNPN, the NID.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlmnIdNid {
    /// Mobile Country Code.
    pub mcc: String,
    /// Mobile Network Code.
    pub mnc: String,
    /// Network Identifier, 11 hex digits.
    pub nid: Option<String>,
}

impl PlmnIdNid {
    /// A PLMN (no NID).
    pub fn new(mcc: impl Into<String>, mnc: impl Into<String>) -> Self {
        Self {
            mcc: mcc.into(),
            mnc: mnc.into(),
            nid: None,
        }
    }
}

/// `Guami` (TS 29.571).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Guami {
    /// The AMF's PLMN.
    pub plmn_id: PlmnIdNid,
    /// AMF Region ID, Set ID, Pointer: 6 hex digits.
    pub amf_id: String,
}

/// `ProblemDetails` (TS 29.571, RFC 7807), the body of every SBI error answer.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProblemDetails {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub problem_type: Option<Uri>,
    /// Short summary.
    pub title: Option<String>,
    /// The HTTP status code.
    pub status: Option<u16>,
    /// Explanation of this occurrence.
    pub detail: Option<String>,
    /// URI of this occurrence.
    pub instance: Option<Uri>,
    /// Application error cause (TS 29.500 Table 5.2.7.2-1 or the service's own).
    pub cause: Option<String>,
    /// The attributes or parameters that were wrong.
    pub invalid_params: Option<Vec<InvalidParam>>,
    /// Features the sender supports.
    pub supported_features: Option<SupportedFeatures>,
}

/// `InvalidParam` (TS 29.571).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidParam {
    /// A JSON pointer into the body, `query <name>`, `header <name>` or `{pathVar}`.
    pub param: String,
    /// Why.
    pub reason: Option<String>,
}

/// `Link` (TS 29.571).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The linked resource.
    pub href: Uri,
}

/// `LinksValueSchema` (TS 29.571): one link or a non-empty list of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LinksValueSchema {
    /// A list of links.
    Many(Vec<Link>),
    /// One link.
    One(Link),
}

/// A HAL `_links` map: relation name to link(s).
pub type Links = BTreeMap<String, LinksValueSchema>;

open_enum! {
    /// `PatchOperation` (TS 29.571, RFC 6902).
    pub enum PatchOperation {
        /// `add`
        Add = "add",
        /// `copy`
        Copy = "copy",
        /// `move`
        Move = "move",
        /// `remove`
        Remove = "remove",
        /// `replace`
        Replace = "replace",
        /// `test`
        Test = "test",
    }
}

/// `PatchItem` (TS 29.571): one RFC 6902 JSON Patch operation.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchItem {
    /// The operation.
    pub op: PatchOperation,
    /// JSON pointer of the target.
    pub path: String,
    /// Source pointer for `move` and `copy`.
    pub from: Option<String>,
    /// The value for `add`, `replace`, `test`.
    pub value: Option<serde_json::Value>,
}

open_enum! {
    /// `RatType` (TS 29.571), the values the core uses first.
    pub enum RatType {
        /// NR
        Nr = "NR",
        /// E-UTRA
        Eutra = "EUTRA",
        /// WLAN
        Wlan = "WLAN",
        /// Virtual
        Virtual = "VIRTUAL",
        /// NB-IoT
        Nbiot = "NBIOT",
    }
}

open_enum! {
    /// `PduSessionType` (TS 29.571).
    pub enum PduSessionType {
        /// IPv4
        Ipv4 = "IPV4",
        /// IPv6
        Ipv6 = "IPV6",
        /// IPv4v6
        Ipv4v6 = "IPV4V6",
        /// Unstructured
        Unstructured = "UNSTRUCTURED",
        /// Ethernet
        Ethernet = "ETHERNET",
    }
}

open_enum! {
    /// `SscMode` (TS 29.571).
    pub enum SscMode {
        /// SSC mode 1
        SscMode1 = "SSC_MODE_1",
        /// SSC mode 2
        SscMode2 = "SSC_MODE_2",
        /// SSC mode 3
        SscMode3 = "SSC_MODE_3",
    }
}

open_enum! {
    /// `PreemptionCapability` (TS 29.571).
    pub enum PreemptionCapability {
        /// Shall not pre-empt.
        NotPreempt = "NOT_PREEMPT",
        /// May pre-empt.
        MayPreempt = "MAY_PREEMPT",
    }
}

open_enum! {
    /// `PreemptionVulnerability` (TS 29.571).
    pub enum PreemptionVulnerability {
        /// Cannot be pre-empted.
        NotPreemptable = "NOT_PREEMPTABLE",
        /// Can be pre-empted.
        Preemptable = "PREEMPTABLE",
    }
}

/// `Arp` (TS 29.571): allocation and retention priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Arp {
    /// 1 (highest) ..= 15.
    pub priority_level: u8,
    /// Pre-emption capability.
    pub preempt_cap: PreemptionCapability,
    /// Pre-emption vulnerability.
    pub preempt_vuln: PreemptionVulnerability,
}

/// `SubscribedDefaultQos` (TS 29.571): the default QoS flow's 5QI and ARP.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscribedDefaultQos {
    /// 5G QoS Identifier.
    #[serde(rename = "5qi")]
    pub five_qi: u8,
    /// Allocation and retention priority.
    pub arp: Arp,
    /// 5QI priority level, 1..=127.
    pub priority_level: Option<u8>,
}

/// `PduSessionId` (TS 29.571): 0..=255 (TS 24.007 §11.2.3.1b).
pub type PduSessionId = u8;
/// `Pei`: `imei-<15 digits>`, `imeisv-<16 digits>`, `mac-...`, `eui-...`.
pub type Pei = String;
/// `Uinteger` (TS 29.571).
pub type Uinteger = u32;

/// `RefToBinaryData` (TS 29.571): names a binary body part of a `multipart/related`
/// message by its `Content-ID` (TS 29.500 §6.1.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefToBinaryData {
    /// The `Content-ID` header value of the referenced part.
    pub content_id: String,
}

impl RefToBinaryData {
    /// A reference to the part with this `Content-ID`.
    pub fn new(content_id: impl Into<String>) -> Self {
        Self {
            content_id: content_id.into(),
        }
    }
}

/// `AccessType` (TS 29.571), a closed enumeration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccessType {
    /// 3GPP access (NR, E-UTRA).
    #[serde(rename = "3GPP_ACCESS")]
    ThreeGppAccess,
    /// Non-3GPP access.
    #[serde(rename = "NON_3GPP_ACCESS")]
    Non3GppAccess,
}

/// `Tai` (TS 29.571): PLMN and TAC (4 or 6 hex digits).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tai {
    /// The PLMN.
    pub plmn_id: PlmnId,
    /// Tracking area code, 2 or 3 octets in hex.
    pub tac: String,
    /// SNPN network identifier, 11 hex digits.
    pub nid: Option<String>,
}

/// `Ncgi` (TS 29.571): PLMN and the 36-bit NR cell identity (9 hex digits).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ncgi {
    /// The PLMN.
    pub plmn_id: PlmnId,
    /// NR cell identity, 9 hex digits.
    pub nr_cell_id: String,
    /// SNPN network identifier.
    pub nid: Option<String>,
}

/// `GNbId` (TS 29.571): a gNB ID of 22 to 32 bits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GNbId {
    /// 22..=32.
    pub bit_length: u8,
    /// The value, 6 to 8 hex digits.
    #[serde(rename = "gNBValue")]
    pub gnb_value: String,
}

/// `GlobalRanNodeId` (TS 29.571), the gNB form only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlobalRanNodeId {
    /// The PLMN.
    pub plmn_id: PlmnId,
    /// The gNB ID.
    #[serde(rename = "gNbId")]
    pub gnb_id: GNbId,
}

/// `NrLocation` (TS 29.571): TAI and NCGI of an NR cell.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NrLocation {
    /// Tracking area.
    pub tai: Tai,
    /// Cell.
    pub ncgi: Ncgi,
    /// Minutes since the last contact, 0..=32767.
    pub age_of_location_information: Option<u16>,
    /// When the location was obtained.
    pub ue_location_timestamp: Option<DateTime>,
    /// The serving gNB.
    pub global_gnb_id: Option<GlobalRanNodeId>,
}

/// `UserLocation` (TS 29.571); only the NR form is modelled.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserLocation {
    /// NR location.
    pub nr_location: Option<NrLocation>,
}

/// `NgApCause` (TS 29.571): the NGAP cause group and value (TS 38.413 §9.3.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NgApCause {
    /// Cause group (radio network, transport, NAS, protocol, misc).
    pub group: Uinteger,
    /// Value within the group.
    pub value: Uinteger,
}

#[cfg(test)]
mod tests {
    use super::parse_bit_rate;

    #[test]
    fn bit_rates_in_bits_per_second() {
        assert_eq!(parse_bit_rate("1 Gbps"), Some(1_000_000_000));
        assert_eq!(parse_bit_rate("100 Mbps"), Some(100_000_000));
        assert_eq!(parse_bit_rate("1.5 Gbps"), Some(1_500_000_000));
        assert_eq!(parse_bit_rate("64 Kbps"), Some(64_000));
        assert_eq!(parse_bit_rate("2 Tbps"), Some(2_000_000_000_000));
        assert_eq!(parse_bit_rate("0 bps"), Some(0));
        assert_eq!(parse_bit_rate(" 10 bps "), Some(10));
        // 1.005 * 1e3 is 1004.999... in f64: rounded, not truncated.
        assert_eq!(parse_bit_rate("1.005 Kbps"), Some(1005));
    }

    #[test]
    fn bad_bit_rates() {
        for s in [
            "", "fast", "100", "100Mbps", "1 Xbps", "1 mbps", "-1 Mbps", "x Mbps", "NaN bps",
            "inf Gbps",
        ] {
            assert_eq!(parse_bit_rate(s), None, "{s:?}");
        }
    }
}
