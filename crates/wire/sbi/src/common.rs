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
