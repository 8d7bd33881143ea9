//! The SMF's configuration (serde; every field has a default, and `SmfConfig::default()`
//! runs on loopback beside a UPF on 127.0.0.2).
//!
//! ```toml
//! pfcp_listen = "127.0.0.1:8805"
//! api_root = "http://127.0.0.1:7005"
//!
//! [[upfs]]
//! address = "127.0.0.2:8805"
//! dnns = ["internet"]
//! slices = [{ sst = 1 }]
//!
//! [[dnns]]
//! dnn = "internet"
//! ipv4_pool = "10.45.0.0/16"
//! ipv6_prefix_pool = "2001:db8:45::/48"
//! dns_v4 = ["10.45.0.1"]
//! ipv4_mtu = 1400
//! ue_qos_5qis = [1, 2, 5, 7, 9]
//! ue_qos_max_flows = 4
//! ue_qos_max_bit_rate = 50000000
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::pool::{Ipv4Pool, Ipv6PrefixPool};

/// Largest IPv4 link MTU to announce for a 1500-octet N3 path: the gNB and UPF carry each
/// UE packet in outer IPv4 (20) + UDP (8) + GTP-U (8) + the optional fields (4) and the
/// PDU Session Container extension header (4) of TS 29.281 §5.2 / TS 38.415: 44 octets,
/// 1500 - 44 = 1456. A bigger UE MTU means fragmentation of the GTP-U packets on N3 (or
/// drops where DF is set). The default, 1400, leaves room for an IPv6 transport (+20) or
/// IPsec on N3.
pub const MAX_IPV4_MTU_ON_1500_N3: u16 = 1456;

/// One S-NSSAI (TS 23.003 §28.4.2): SST and an optional SD as 6 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SliceConfig {
    pub sst: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<String>,
}

impl SliceConfig {
    /// The SD as a number (`None` when absent or FFFFFF, "no SD").
    pub fn sd_value(&self) -> Option<u32> {
        self.sd
            .as_deref()
            .and_then(|s| u32::from_str_radix(s, 16).ok())
            .filter(|v| *v != 0x00ff_ffff)
    }
}

/// One UPF the SMF associates with over N4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UpfConfig {
    /// Its PFCP address (port 8805 normally).
    pub address: SocketAddr,
    /// The DNNs it serves (empty: every configured DNN).
    pub dnns: Vec<String>,
    /// The slices it serves (empty: every slice).
    pub slices: Vec<SliceConfig>,
}

impl Default for UpfConfig {
    fn default() -> Self {
        UpfConfig {
            address: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), 8805),
            dnns: Vec::new(),
            slices: Vec::new(),
        }
    }
}

/// One data network the SMF serves: its address pools and what the UE is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DnnConfig {
    /// The DNN (network identifier, e.g. `internet`).
    pub dnn: String,
    /// UE IPv4 addresses, `a.b.c.d/len`; none: no IPv4 sessions on this DNN. The network
    /// address, the first host (the UPF's N6 gateway side) and the broadcast address are
    /// never handed out.
    pub ipv4_pool: Option<String>,
    /// UE IPv6 prefixes: one /64 per session out of this, `prefix/len` with len 40..=64;
    /// none: no IPv6 sessions.
    pub ipv6_prefix_pool: Option<String>,
    /// DNS servers announced in extended PCO (TS 24.008 §10.5.6.3, containers 000DH / 0003H).
    pub dns_v4: Vec<Ipv4Addr>,
    pub dns_v6: Vec<Ipv6Addr>,
    /// IPv4 link MTU announced in extended PCO (container 0010H) when the UE asks:
    /// at most [`MAX_IPV4_MTU_ON_1500_N3`] on a 1500-octet N3 path.
    pub ipv4_mtu: u16,
    /// Local policy for UE-requested QoS (PDU session modification, TS 24.501 §6.4.2),
    /// there being no PCF: the 5QIs a UE may ask for in a new QoS flow (others: #59);
    /// empty: none.
    pub ue_qos_5qis: Vec<u8>,
    /// QoS flows a UE may add to one session beyond the default flow (more: #26).
    pub ue_qos_max_flows: u8,
    /// Highest GFBR / MFBR a UE may ask for, per flow and direction, bit/s (more: #37).
    pub ue_qos_max_bit_rate: u64,
}

impl Default for DnnConfig {
    fn default() -> Self {
        DnnConfig {
            dnn: "internet".into(),
            ipv4_pool: Some("10.45.0.0/16".into()),
            ipv6_prefix_pool: Some("2001:db8:45::/48".into()),
            dns_v4: vec![Ipv4Addr::new(8, 8, 8, 8), Ipv4Addr::new(1, 1, 1, 1)],
            dns_v6: vec![Ipv6Addr::new(0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888)],
            ipv4_mtu: 1400,
            ue_qos_5qis: vec![1, 2, 3, 4, 5, 6, 7, 8, 9],
            ue_qos_max_flows: 4,
            ue_qos_max_bit_rate: 50_000_000,
        }
    }
}

/// The SMF's configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmfConfig {
    /// The N4 (PFCP) socket. Its address is also the Node ID and the CP F-SEID address.
    pub pfcp_listen: SocketAddr,
    /// The SMF's `apiRoot` (`Location` of created SM contexts).
    pub api_root: String,
    /// Our Recovery Time Stamp (TS 29.244 §8.2.65, NTP seconds); the runtime puts its
    /// start time here when it is 0.
    pub recovery_time_stamp: u32,
    pub upfs: Vec<UpfConfig>,
    pub dnns: Vec<DnnConfig>,
    /// 5QI of the default QoS flow when the subscription gives none (TS 23.501 §5.7.2.7).
    pub default_5qi: u8,
    /// ARP priority level of the default QoS flow when the subscription gives none.
    pub default_arp_priority: u8,
    /// Session-AMBR when the subscription gives none, bit/s.
    pub default_session_ambr_ul: u64,
    pub default_session_ambr_dl: u64,
    /// PFCP request retransmission (TS 29.244 §6.4): T1 and N1 (retries after the first).
    pub pfcp_t1_ms: u64,
    pub pfcp_n1: u32,
    /// Heartbeat period per associated UPF (TS 29.244 §6.2.2).
    pub heartbeat_secs: u64,
    /// Retry period of an Association Setup that got no answer or a rejection.
    pub association_retry_secs: u64,
    /// URR volume threshold (usage report every so many octets), 0: none.
    pub usage_volume_threshold: u64,
    /// URR measurement period in seconds (periodic usage reports), 0: none.
    pub usage_period_secs: u32,
    /// T3591, PDU SESSION MODIFICATION COMMAND retransmission, and T3592, PDU SESSION
    /// RELEASE COMMAND retransmission (TS 24.501 §10.3: 16 s each; 4 retransmissions).
    pub t3591_secs: u64,
    pub t3592_secs: u64,
}

impl Default for SmfConfig {
    fn default() -> Self {
        SmfConfig {
            pfcp_listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8805),
            api_root: "http://127.0.0.1:7005".into(),
            recovery_time_stamp: 0,
            upfs: vec![UpfConfig::default()],
            dnns: vec![DnnConfig::default()],
            default_5qi: 9,
            default_arp_priority: 8,
            default_session_ambr_ul: 100_000_000,
            default_session_ambr_dl: 200_000_000,
            pfcp_t1_ms: 3_000,
            pfcp_n1: 3,
            heartbeat_secs: 10,
            association_retry_secs: 5,
            usage_volume_threshold: 1 << 30,
            usage_period_secs: 0,
            t3591_secs: 16,
            t3592_secs: 16,
        }
    }
}

/// A configuration that cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("no DNN configured")]
    NoDnn,
    #[error("DNN {0:?} is configured twice")]
    DuplicateDnn(String),
    #[error("DNN {dnn:?}: {field} {value:?}: {reason}")]
    Pool {
        dnn: String,
        field: &'static str,
        value: String,
        reason: &'static str,
    },
    #[error("DNN {dnn:?}: neither an IPv4 pool nor an IPv6 prefix pool")]
    NoPool { dnn: String },
    #[error("DNN {dnn:?}: IPv4 link MTU {mtu} is outside 576..={max}", max = MAX_IPV4_MTU_ON_1500_N3)]
    Mtu { dnn: String, mtu: u16 },
    #[error("DNN {dnn:?}: pools overlap with DNN {other:?}")]
    Overlap { dnn: String, other: String },
    #[error("UPF {upf}: serves DNN {dnn:?} that is not configured")]
    UpfDnn { upf: SocketAddr, dnn: String },
    #[error("UPF {0} is configured twice")]
    DuplicateUpf(SocketAddr),
    #[error("slice SD {0:?} is not 6 hex digits")]
    Sd(String),
    #[error("{field} {value} is out of range: {reason}")]
    Range {
        field: &'static str,
        value: u64,
        reason: &'static str,
    },
}

/// A DNN with its pools made.
#[derive(Debug)]
pub(crate) struct Dnn {
    pub config: DnnConfig,
    pub ipv4: Option<Ipv4Pool>,
    pub ipv6: Option<Ipv6PrefixPool>,
}

/// The configuration, checked, with the pools built.
#[derive(Debug)]
pub(crate) struct Checked {
    pub config: SmfConfig,
    pub dnns: Vec<Dnn>,
    pub t1: Duration,
    pub heartbeat: Duration,
    pub association_retry: Duration,
    pub t3591: Duration,
    pub t3592: Duration,
}

impl SmfConfig {
    /// Checks the configuration and builds the pools.
    pub(crate) fn validate(self) -> Result<Checked, ConfigError> {
        if self.dnns.is_empty() {
            return Err(ConfigError::NoDnn);
        }
        let range = |field, value: u64, ok: bool, reason| {
            if ok {
                Ok(())
            } else {
                Err(ConfigError::Range {
                    field,
                    value,
                    reason,
                })
            }
        };
        range(
            "default_5qi",
            self.default_5qi.into(),
            self.default_5qi >= 1,
            "a 5QI is 1..=255",
        )?;
        range(
            "default_arp_priority",
            self.default_arp_priority.into(),
            (1..=15).contains(&self.default_arp_priority),
            "ARP priority is 1..=15",
        )?;
        range(
            "pfcp_t1_ms",
            self.pfcp_t1_ms,
            self.pfcp_t1_ms >= 1,
            "T1 must be positive",
        )?;
        range(
            "heartbeat_secs",
            self.heartbeat_secs,
            self.heartbeat_secs >= 1,
            "must be positive",
        )?;
        range(
            "t3591_secs",
            self.t3591_secs,
            self.t3591_secs >= 1,
            "must be positive",
        )?;
        range(
            "t3592_secs",
            self.t3592_secs,
            self.t3592_secs >= 1,
            "must be positive",
        )?;
        range(
            "association_retry_secs",
            self.association_retry_secs,
            self.association_retry_secs >= 1,
            "must be positive",
        )?;
        let mut dnns: Vec<Dnn> = Vec::new();
        for d in &self.dnns {
            if dnns
                .iter()
                .any(|o| o.config.dnn.eq_ignore_ascii_case(&d.dnn))
            {
                return Err(ConfigError::DuplicateDnn(d.dnn.clone()));
            }
            if let Some(q) = d.ue_qos_5qis.iter().find(|q| **q == 0 || **q == 255) {
                return Err(ConfigError::Range {
                    field: "ue_qos_5qis",
                    value: u64::from(*q),
                    reason: "a 5QI is 1..=254",
                });
            }
            if !(576..=MAX_IPV4_MTU_ON_1500_N3).contains(&d.ipv4_mtu) {
                return Err(ConfigError::Mtu {
                    dnn: d.dnn.clone(),
                    mtu: d.ipv4_mtu,
                });
            }
            let pool_err = |field, value: &str, reason| ConfigError::Pool {
                dnn: d.dnn.clone(),
                field,
                value: value.to_string(),
                reason,
            };
            let ipv4 = match &d.ipv4_pool {
                Some(s) => Some(Ipv4Pool::parse(s).map_err(|r| pool_err("ipv4_pool", s, r))?),
                None => None,
            };
            let ipv6 = match &d.ipv6_prefix_pool {
                Some(s) => {
                    Some(Ipv6PrefixPool::parse(s).map_err(|r| pool_err("ipv6_prefix_pool", s, r))?)
                }
                None => None,
            };
            if ipv4.is_none() && ipv6.is_none() {
                return Err(ConfigError::NoPool { dnn: d.dnn.clone() });
            }
            for o in &dnns {
                let v4 = matches!((&ipv4, &o.ipv4), (Some(a), Some(b)) if a.overlaps(b));
                let v6 = matches!((&ipv6, &o.ipv6), (Some(a), Some(b)) if a.overlaps(b));
                if v4 || v6 {
                    return Err(ConfigError::Overlap {
                        dnn: d.dnn.clone(),
                        other: o.config.dnn.clone(),
                    });
                }
            }
            dnns.push(Dnn {
                config: d.clone(),
                ipv4,
                ipv6,
            });
        }
        let mut seen = Vec::new();
        for u in &self.upfs {
            if seen.contains(&u.address) {
                return Err(ConfigError::DuplicateUpf(u.address));
            }
            seen.push(u.address);
            for dnn in &u.dnns {
                if !dnns.iter().any(|d| d.config.dnn.eq_ignore_ascii_case(dnn)) {
                    return Err(ConfigError::UpfDnn {
                        upf: u.address,
                        dnn: dnn.clone(),
                    });
                }
            }
            for s in &u.slices {
                if let Some(sd) = &s.sd
                    && (sd.len() != 6 || u32::from_str_radix(sd, 16).is_err())
                {
                    return Err(ConfigError::Sd(sd.clone()));
                }
            }
        }
        Ok(Checked {
            t1: Duration::from_millis(self.pfcp_t1_ms),
            heartbeat: Duration::from_secs(self.heartbeat_secs),
            association_retry: Duration::from_secs(self.association_retry_secs),
            t3591: Duration::from_secs(self.t3591_secs),
            t3592: Duration::from_secs(self.t3592_secs),
            config: self,
            dnns,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_round_trips() {
        let c = SmfConfig::default();
        let json = serde_json::to_string(&c).unwrap();
        let back: SmfConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let checked = c.validate().unwrap();
        assert_eq!(checked.dnns.len(), 1);
        // A partial document takes defaults for the rest.
        let partial: SmfConfig = serde_json::from_str(r#"{"default_5qi": 8}"#).unwrap();
        assert_eq!(partial.default_5qi, 8);
        assert_eq!(partial.dnns, vec![DnnConfig::default()]);
    }

    #[test]
    fn mtu_over_the_n3_budget_is_refused() {
        let mut c = SmfConfig::default();
        c.dnns[0].ipv4_mtu = 1500;
        assert!(matches!(c.validate(), Err(ConfigError::Mtu { .. })));
        let mut c = SmfConfig::default();
        c.dnns[0].ipv4_mtu = MAX_IPV4_MTU_ON_1500_N3;
        assert!(c.validate().is_ok());
    }

    #[test]
    fn bad_pools_and_overlaps_are_refused() {
        let mut c = SmfConfig::default();
        c.dnns[0].ipv4_pool = Some("10.45.0.0/33".into());
        assert!(matches!(c.validate(), Err(ConfigError::Pool { .. })));
        let mut c = SmfConfig::default();
        c.dnns.push(DnnConfig {
            dnn: "ims".into(),
            ipv4_pool: Some("10.45.128.0/17".into()),
            ipv6_prefix_pool: None,
            ..DnnConfig::default()
        });
        assert!(matches!(c.validate(), Err(ConfigError::Overlap { .. })));
        let mut c = SmfConfig::default();
        c.upfs[0].dnns = vec!["nope".into()];
        assert!(matches!(c.validate(), Err(ConfigError::UpfDnn { .. })));
    }
}
