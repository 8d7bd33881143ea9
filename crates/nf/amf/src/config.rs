//! The AMF's configuration: plain data (serde), checked once by [`AmfConfig::validate`]
//! into the values the procedures use.

use ferrocore_crypto::{NasCipheringAlgorithm, NasIntegrityAlgorithm};
use ferrocore_nas::ies::{GprsTimer3, TaiList};
use ferrocore_nas::types::NasFGsTrackingAreaIdentityList;
use ferrocore_ngap::{Guami, Plmn};
use serde::Deserialize;

/// One S-NSSAI (TS 23.003 §28.4.2): SST and optional 24-bit SD (`None` = no SD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
pub struct Slice {
    pub sst: u8,
    #[serde(default)]
    pub sd: Option<u32>,
}

impl Slice {
    /// The slice with "no SD" normalised: an SD of `FFFFFF` means none (TS 23.003 §28.4.2).
    pub fn normalised(self) -> Self {
        Slice {
            sst: self.sst,
            sd: self.sd.filter(|&sd| sd != ferrocore_nas::ies::SD_NONE),
        }
    }
}

/// What the AMF serves and how it behaves. `Default` is PLMN 001/01, AMF Region 2, Set 1,
/// Pointer 0, TAC 1, slice SST 1 without SD.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AmfConfig {
    pub amf_name: String,
    pub mcc: String,
    /// 2 or 3 digits.
    pub mnc: String,
    pub amf_region_id: u8,
    /// 10 bits.
    pub amf_set_id: u16,
    /// 6 bits.
    pub amf_pointer: u8,
    /// 24-bit TACs served.
    pub tacs: Vec<u32>,
    /// Supported S-NSSAIs; the first is the default when the UE requests none.
    pub slices: Vec<Slice>,
    /// NIA preference, e.g. `["NIA2", "NIA1", "NIA3", "NIA0"]`.
    pub integrity_order: Vec<String>,
    /// NEA preference, e.g. `["NEA2", "NEA1", "NEA3", "NEA0"]`.
    pub ciphering_order: Vec<String>,
    /// Periodic registration update timer T3512 (TS 24.501 §10.2).
    pub t3512_secs: u32,
    /// T3550: REGISTRATION ACCEPT retransmission (TS 24.501 §10.2).
    pub t3550_secs: u32,
    /// T3560: AUTHENTICATION REQUEST / SECURITY MODE COMMAND retransmission.
    pub t3560_secs: u32,
    /// T3570: IDENTITY REQUEST retransmission.
    pub t3570_secs: u32,
    /// T3522: network-initiated DEREGISTRATION REQUEST retransmission.
    pub t3522_secs: u32,
    /// T3555: CONFIGURATION UPDATE COMMAND retransmission.
    pub t3555_secs: u32,
    /// T3513: PAGING retransmission (TS 24.501 §10.2); paging gives up after
    /// `max_retransmissions` retransmissions.
    pub t3513_secs: u32,
    /// Retransmissions before a procedure is aborted (on the fifth expiry: 4).
    pub max_retransmissions: u8,
    /// Mobile reachable timer (TS 24.501 §5.3.7); default: the T3512 sent to UEs + 240 s.
    pub mobile_reachable_secs: Option<u32>,
    /// Implicit de-registration timer started when the mobile reachable timer expires
    /// (TS 24.501 §5.3.7).
    pub implicit_deregistration_secs: u32,
    /// How long the context of a de-registered UE (SUPI, 5G-GUTI, NAS security context) is
    /// kept for a later registration with its 5G-GUTI.
    pub deregistered_context_secs: u32,
    /// IMS voice over PS session over 3GPP access (5GS network feature support).
    pub ims_voice_over_ps: bool,
    /// Full name for network in CONFIGURATION UPDATE COMMAND (NITZ).
    pub full_network_name: Option<String>,
    /// Local time zone for NITZ, in quarter hours east of UTC.
    pub time_zone_quarter_hours: Option<i8>,
    /// Relative AMF Capacity (TS 38.413 §9.3.1.32).
    pub relative_capacity: u8,
    /// AMF instance id (UUID) for Nudm_UECM.
    pub instance_id: String,
    /// Callback URI the UDM uses for deregistration notifications.
    pub dereg_callback_uri: String,
    /// Most UE contexts kept; a new UE beyond it is refused (TS 24.501 #22 congestion).
    pub max_ues: usize,
    /// The DNN of a PDU session the UE requests without one (TS 23.502 §4.3.2.2.1 step 2:
    /// the AMF selects the default DNN).
    pub default_dnn: String,
    /// This AMF's `apiRoot` on the SBI: the base of the SM context status callback URI
    /// and of the `Location` of a 202 N1N2MessageTransfer.
    pub api_root: String,
}

impl Default for AmfConfig {
    fn default() -> Self {
        AmfConfig {
            amf_name: "ferrocore-amf".into(),
            mcc: "001".into(),
            mnc: "01".into(),
            amf_region_id: 2,
            amf_set_id: 1,
            amf_pointer: 0,
            tacs: vec![1],
            slices: vec![Slice { sst: 1, sd: None }],
            integrity_order: ["NIA2", "NIA1", "NIA3", "NIA0"].map(String::from).into(),
            ciphering_order: ["NEA2", "NEA1", "NEA3", "NEA0"].map(String::from).into(),
            t3512_secs: 3240,
            t3550_secs: 6,
            t3560_secs: 6,
            t3570_secs: 6,
            t3522_secs: 6,
            t3555_secs: 6,
            t3513_secs: 4,
            max_retransmissions: 4,
            mobile_reachable_secs: None,
            implicit_deregistration_secs: 240,
            deregistered_context_secs: 3600,
            ims_voice_over_ps: false,
            full_network_name: None,
            time_zone_quarter_hours: None,
            relative_capacity: 255,
            instance_id: "6b0b5c1e-4b0a-4c2e-9f3e-000000000001".into(),
            dereg_callback_uri: "http://127.0.0.1:7004/namf-callback/v1/dereg".into(),
            max_ues: 1_000_000,
            default_dnn: "internet".into(),
            api_root: "http://127.0.0.1:7004".into(),
        }
    }
}

/// Why a configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("PLMN {mcc}/{mnc}: MCC must be 3 digits, MNC 2 or 3")]
    Plmn { mcc: String, mnc: String },
    #[error("AMF Set ID {0} does not fit 10 bits")]
    SetId(u16),
    #[error("AMF Pointer {0} does not fit 6 bits")]
    Pointer(u8),
    #[error("TAC {0:#x} does not fit 24 bits")]
    Tac(u32),
    #[error("at least one {0} must be configured")]
    Empty(&'static str),
    #[error("SD {0:#x} does not fit 24 bits")]
    Sd(u32),
    #[error("unknown algorithm {0:?} (expected NIA0-3 / NEA0-3)")]
    Algorithm(String),
    #[error("timer {0} must be at least 1 second")]
    Timer(&'static str),
}

/// The configuration, checked and in the forms the procedures use.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub config: AmfConfig,
    pub plmn: Plmn,
    /// The same PLMN as NAS IEs take it.
    pub nas_plmn: ferrocore_nas::types::Plmn,
    /// The 5GS TAI list of every REGISTRATION ACCEPT: the configured TACs (the first 16).
    pub tai_list: NasFGsTrackingAreaIdentityList,
    /// T3512 as GPRS timer 3, rounded up when `t3512_secs` is not encodable.
    pub t3512: GprsTimer3,
    pub guami: Guami,
    pub slices: Vec<Slice>,
    pub integrity: Vec<NasIntegrityAlgorithm>,
    pub ciphering: Vec<NasCipheringAlgorithm>,
    pub serving_network_name: String,
    pub mobile_reachable_secs: u32,
}

fn algorithm(name: &str, prefix: &str) -> Result<u8, ConfigError> {
    name.strip_prefix(prefix)
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| *n <= 3)
        .ok_or_else(|| ConfigError::Algorithm(name.to_owned()))
}

impl AmfConfig {
    /// Checks every field.
    pub(crate) fn validate(self) -> Result<Checked, ConfigError> {
        let plmn_err = || ConfigError::Plmn {
            mcc: self.mcc.clone(),
            mnc: self.mnc.clone(),
        };
        let plmn = Plmn::new(&self.mcc, &self.mnc).map_err(|_| plmn_err())?;
        let nas_plmn =
            ferrocore_nas::types::Plmn::from_nas_octets(plmn.0).map_err(|_| plmn_err())?;
        let serving_network_name =
            ferrocore_crypto::kdf::serving_network_name(&self.mcc, &self.mnc)
                .map_err(|_| plmn_err())?;
        if self.amf_set_id > 0x3ff {
            return Err(ConfigError::SetId(self.amf_set_id));
        }
        if self.amf_pointer > 0x3f {
            return Err(ConfigError::Pointer(self.amf_pointer));
        }
        if self.tacs.is_empty() {
            return Err(ConfigError::Empty("TAC"));
        }
        if let Some(t) = self.tacs.iter().find(|t| **t > 0xff_ffff) {
            return Err(ConfigError::Tac(*t));
        }
        if self.slices.is_empty() {
            return Err(ConfigError::Empty("slice"));
        }
        if let Some(sd) = self
            .slices
            .iter()
            .filter_map(|s| s.sd)
            .find(|sd| *sd > 0xff_ffff)
        {
            return Err(ConfigError::Sd(sd));
        }
        let integrity = self
            .integrity_order
            .iter()
            .map(|n| {
                algorithm(n, "NIA").and_then(|v| {
                    NasIntegrityAlgorithm::try_from(v)
                        .map_err(|_| ConfigError::Algorithm(n.clone()))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ciphering = self
            .ciphering_order
            .iter()
            .map(|n| {
                algorithm(n, "NEA").and_then(|v| {
                    NasCipheringAlgorithm::try_from(v)
                        .map_err(|_| ConfigError::Algorithm(n.clone()))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if integrity.is_empty() {
            return Err(ConfigError::Empty("integrity algorithm"));
        }
        if ciphering.is_empty() {
            return Err(ConfigError::Empty("ciphering algorithm"));
        }
        for (name, v) in [
            ("t3512", self.t3512_secs),
            ("t3550", self.t3550_secs),
            ("t3560", self.t3560_secs),
            ("t3570", self.t3570_secs),
            ("t3522", self.t3522_secs),
            ("t3555", self.t3555_secs),
            ("t3513", self.t3513_secs),
        ] {
            if v == 0 {
                return Err(ConfigError::Timer(name));
            }
        }
        let guami = Guami {
            plmn,
            region_id: self.amf_region_id,
            set_id: self.amf_set_id,
            pointer: self.amf_pointer,
        };
        let slices = self.slices.iter().map(|s| s.normalised()).collect();
        // Non-empty and at most FFFFFF each, checked above.
        let tai_list = TaiList::new(nas_plmn, &self.tacs)
            .to_ie()
            .map_err(|_| ConfigError::Empty("TAC"))?;
        let (t3512, _exact) = GprsTimer3::from_secs(self.t3512_secs);
        // TS 24.501 §5.3.7: by default 4 minutes more than the T3512 the UE is sent, which
        // is the configured value rounded up to what GPRS timer 3 can carry.
        let sent_t3512 = t3512.to_secs().unwrap_or(self.t3512_secs);
        let mobile_reachable_secs = self
            .mobile_reachable_secs
            .unwrap_or(sent_t3512.saturating_add(240));
        Ok(Checked {
            config: self,
            plmn,
            nas_plmn,
            tai_list,
            t3512,
            guami,
            slices,
            integrity,
            ciphering,
            serving_network_name,
            mobile_reachable_secs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        let c = AmfConfig::default().validate().unwrap();
        assert_eq!(c.serving_network_name, "5G:mnc001.mcc001.3gppnetwork.org");
        assert_eq!(
            c.mobile_reachable_secs,
            3600 + 240,
            "T3512 as sent, plus 4 minutes"
        );
        assert_eq!(c.integrity[0], NasIntegrityAlgorithm::Nia2);
        // What every REGISTRATION ACCEPT carries: one partial list (type 00, one
        // element) of 001/01 with TAC 1; T3512 of 3240 s, not encodable, sent as
        // 6 x 10 min.
        assert_eq!(c.tai_list.value, [0x00, 0x00, 0xf1, 0x10, 0x00, 0x00, 0x01]);
        assert_eq!(c.t3512.octet(), 0x06);
        assert_eq!(c.t3512.to_secs(), Some(3600));
    }

    #[test]
    fn sixteen_tacs_at_most_in_the_tai_list() {
        let c = AmfConfig {
            tacs: (1..=20).collect(),
            ..AmfConfig::default()
        };
        let c = c.validate().unwrap();
        assert_eq!(c.tai_list.value.len(), 1 + 3 + 16 * 3);
        assert_eq!(c.tai_list.value[0], 15);
    }

    #[test]
    fn bad_values_are_named() {
        let bad = AmfConfig {
            amf_set_id: 1024,
            ..AmfConfig::default()
        };
        assert_eq!(bad.validate().unwrap_err(), ConfigError::SetId(1024));
        let bad = AmfConfig {
            integrity_order: vec!["NIA9".into()],
            ..AmfConfig::default()
        };
        assert!(matches!(bad.validate(), Err(ConfigError::Algorithm(_))));
        let bad = AmfConfig {
            mnc: "1".into(),
            ..AmfConfig::default()
        };
        assert!(matches!(bad.validate(), Err(ConfigError::Plmn { .. })));
    }

    #[test]
    fn deserializes_with_defaults() {
        let c: AmfConfig = serde_json::from_str(r#"{"mcc":"208","mnc":"93","tacs":[7]}"#).unwrap();
        assert_eq!(c.tacs, [7]);
        assert_eq!(c.t3550_secs, 6);
    }
}
