//! The subscriber record the UDR stores and the UDM reads.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::bitrate::{Ambr, Bitrate};
use super::secret::{Key128, OperatorKey};
use super::slice::{Dnn, DnnConfiguration, Snssai, Sst, SubscribedSlice, validate_slices};
use super::supi::Supi;
use crate::error::ValidationError;

/// Largest SQN + 1: SQN is 48 bits (TS 33.102 §6.3.2).
pub const SQN_LIMIT: u64 = 1 << 48;

/// The authentication management field. Default `0x8000`: the AMF separation bit (bit 0)
/// set, which 5G authentication requires (TS 33.501 §6.1.3.2, Annex A); phones reject
/// a 5G challenge without it (5GMM cause #26, non-5G authentication unacceptable).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Amf(pub u16);

impl Default for Amf {
    fn default() -> Self {
        Self(0x8000)
    }
}

impl Amf {
    /// Whether the AMF separation bit (the most significant bit) is set.
    pub fn separation_bit(self) -> bool {
        self.0 & 0x8000 != 0
    }
}

impl FromStr for Amf {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t.strip_prefix("0x").unwrap_or(t);
        if t.len() != 4 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ValidationError::BadAmf(s.to_owned()));
        }
        u16::from_str_radix(t, 16)
            .map(Self)
            .map_err(|_| ValidationError::BadAmf(s.to_owned()))
    }
}

impl fmt::Display for Amf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04x}", self.0)
    }
}

impl fmt::Debug for Amf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amf({self})")
    }
}

/// Validates a 48-bit SQN.
pub fn check_sqn(sqn: u64) -> Result<u64, ValidationError> {
    if sqn < SQN_LIMIT {
        Ok(sqn)
    } else {
        Err(ValidationError::BadSqn(sqn))
    }
}

/// How the subscriber authenticates (TS 29.503 `AuthMethod`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, Serialize, Deserialize)]
pub enum AuthMethod {
    #[default]
    #[serde(rename = "5G_AKA")]
    FiveGAka,
    #[serde(rename = "EAP_AKA_PRIME")]
    EapAkaPrime,
}

impl AuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FiveGAka => "5G_AKA",
            Self::EapAkaPrime => "EAP_AKA_PRIME",
        }
    }
}

impl FromStr for AuthMethod {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().replace('-', "_").as_str() {
            "5G_AKA" => Ok(Self::FiveGAka),
            "EAP_AKA_PRIME" | "EAP_AKA'" => Ok(Self::EapAkaPrime),
            _ => Err(ValidationError::BadAuthMethod(s.to_owned())),
        }
    }
}

/// A validated MSISDN: 1 to 15 digits (TS 23.003 §3.3), stored without `msisdn-`.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize)]
pub struct Msisdn(String);

impl Msisdn {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let t = s.trim();
        let t = t.strip_prefix("msisdn-").unwrap_or(t);
        let t = t.strip_prefix('+').unwrap_or(t);
        if t.is_empty() || t.len() > 15 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::BadMsisdn(s.to_owned()));
        }
        Ok(Self(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Msisdn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// One subscriber: identity, authentication data and subscribed slices / DNNs.
///
/// Build with [`Subscriber::new`] (defaults for everything but the keys) and set fields,
/// then [`Subscriber::validate`]; the store validates again before it writes.
/// `Debug` shows no secret; K, OP and OPc are wiped from memory on drop.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(try_from = "doc::SubscriberDoc", into = "doc::SubscriberDoc")]
pub struct Subscriber {
    pub supi: Supi,
    pub k: Key128,
    pub operator_key: OperatorKey,
    pub amf: Amf,
    /// The next SQN the home network hands out (48 bits). See `docs/subscribers.md`.
    pub sqn: u64,
    pub auth_method: AuthMethod,
    pub msisdn: Option<Msisdn>,
    pub ue_ambr: Ambr,
    pub slices: Vec<SubscribedSlice>,
}

impl Subscriber {
    /// A subscriber with defaults: AMF 8000, SQN 0, 5G-AKA, no MSISDN, UE-AMBR 1 Gbps,
    /// and one default slice SST 1 (no SD) with DNN `internet` (see [`default_slices`]).
    pub fn new(supi: Supi, k: Key128, operator_key: OperatorKey) -> Self {
        Self {
            supi,
            k,
            operator_key,
            amf: Amf::default(),
            sqn: 0,
            auth_method: AuthMethod::default(),
            msisdn: None,
            ue_ambr: default_ue_ambr(),
            slices: default_slices(),
        }
    }

    /// Checks what the field types alone cannot: SQN range and the slice list rules.
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_sqn(self.sqn)?;
        validate_slices(&self.slices)
    }
}

/// 1 Gbps both ways.
pub fn default_ue_ambr() -> Ambr {
    Ambr::symmetric(Bitrate::gbps(1))
}

/// One default S-NSSAI, SST 1 without SD, with DNN `internet` and default settings.
pub fn default_slices() -> Vec<SubscribedSlice> {
    let dnn = Dnn::parse("internet").unwrap_or_else(|_| unreachable!("a valid literal"));
    vec![SubscribedSlice {
        snssai: Snssai {
            sst: Sst::new(1).unwrap_or_else(|_| unreachable!("a valid literal")),
            sd: None,
        },
        default: true,
        dnns: vec![DnnConfiguration::with_defaults(dnn)],
    }]
}

/// The serde shape of a subscriber (YAML, JSON): `opc` / `op` as two optional fields.
mod doc {
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct SubscriberDoc {
        supi: Supi,
        k: Key128,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opc: Option<Key128>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        op: Option<Key128>,
        #[serde(default = "default_amf_text")]
        amf: String,
        #[serde(default)]
        sqn: u64,
        #[serde(default)]
        auth_method: AuthMethod,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msisdn: Option<Msisdn>,
        #[serde(default = "default_ue_ambr")]
        ue_ambr: Ambr,
        #[serde(default = "default_slices")]
        slices: Vec<SubscribedSlice>,
    }

    fn default_amf_text() -> String {
        Amf::default().to_string()
    }

    impl TryFrom<SubscriberDoc> for Subscriber {
        type Error = ValidationError;
        fn try_from(d: SubscriberDoc) -> Result<Self, Self::Error> {
            let s = Subscriber {
                supi: d.supi,
                k: d.k,
                operator_key: OperatorKey::from_options(d.opc, d.op)?,
                amf: d.amf.parse()?,
                sqn: d.sqn,
                auth_method: d.auth_method,
                msisdn: d.msisdn,
                ue_ambr: d.ue_ambr,
                slices: d.slices,
            };
            s.validate()?;
            Ok(s)
        }
    }

    impl From<Subscriber> for SubscriberDoc {
        fn from(s: Subscriber) -> Self {
            SubscriberDoc {
                supi: s.supi.clone(),
                k: s.k.clone(),
                opc: s.operator_key.opc().cloned(),
                op: s.operator_key.op().cloned(),
                amf: s.amf.to_string(),
                sqn: s.sqn,
                auth_method: s.auth_method,
                msisdn: s.msisdn.clone(),
                ue_ambr: s.ue_ambr,
                slices: s.slices.clone(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Subscriber {
        Subscriber::new(
            Supi::parse("001010000000001").unwrap(),
            Key128::from_hex("K", "465b5ce8b199b49faa5f0a2ee238a6bc").unwrap(),
            OperatorKey::Opc(Key128::from_hex("OPc", "cd63cb71954a9f4e48a5994e37a02baf").unwrap()),
        )
    }

    #[test]
    fn defaults_are_the_5g_ones() {
        let s = sample();
        assert_eq!(s.amf, Amf(0x8000));
        assert!(s.amf.separation_bit());
        assert_eq!(s.auth_method, AuthMethod::FiveGAka);
        assert!(s.validate().is_ok());
    }

    #[test]
    fn debug_hides_secrets() {
        let shown = format!("{:?}", sample());
        assert!(
            !shown.contains("465b5ce8") && !shown.contains("cd63cb71"),
            "{shown}"
        );
    }

    #[test]
    fn yaml_round_trip_and_minimal_form() {
        let s = sample();
        let y = serde_yaml_ng::to_string(&s).unwrap();
        assert_eq!(serde_yaml_ng::from_str::<Subscriber>(&y).unwrap(), s);
        let minimal = "supi: imsi-001010000000001\nk: 465b5ce8b199b49faa5f0a2ee238a6bc\nopc: cd63cb71954a9f4e48a5994e37a02baf\n";
        assert_eq!(serde_yaml_ng::from_str::<Subscriber>(minimal).unwrap(), s);
    }

    #[test]
    fn yaml_refuses_both_op_and_opc_and_unknown_fields() {
        let both = "supi: '001010000000001'\nk: 465b5ce8b199b49faa5f0a2ee238a6bc\nopc: cd63cb71954a9f4e48a5994e37a02baf\nop: cd63cb71954a9f4e48a5994e37a02baf\n";
        assert!(
            serde_yaml_ng::from_str::<Subscriber>(both)
                .unwrap_err()
                .to_string()
                .contains("exactly one")
        );
        let typo = "supi: '001010000000001'\nk: 465b5ce8b199b49faa5f0a2ee238a6bc\nopc: cd63cb71954a9f4e48a5994e37a02baf\nsqm: 3\n";
        assert!(serde_yaml_ng::from_str::<Subscriber>(typo).is_err());
        let slice_typo = "supi: '001010000000001'\nk: 465b5ce8b199b49faa5f0a2ee238a6bc\nopc: cd63cb71954a9f4e48a5994e37a02baf\nslices: [{sst: 1, default: true, sdd: '000001'}]\n";
        assert!(serde_yaml_ng::from_str::<Subscriber>(slice_typo).is_err());
    }

    #[test]
    fn amf_and_sqn_ranges() {
        assert_eq!("8000".parse::<Amf>().unwrap(), Amf(0x8000));
        assert!("800".parse::<Amf>().is_err() && "80000".parse::<Amf>().is_err());
        assert!(check_sqn(SQN_LIMIT - 1).is_ok() && check_sqn(SQN_LIMIT).is_err());
    }
}
