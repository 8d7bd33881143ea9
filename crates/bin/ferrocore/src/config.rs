//! The one configuration file of `ferrocore up` (TOML). Every field has a default that
//! works on loopback, so the file may be absent or list only what differs;
//! `config/ferrocore.toml` in the repository documents every field with its default.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ferrocore_amf::AmfConfig;
use ferrocore_smf::SmfConfig;
use serde::Deserialize;

/// The whole file.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The subscriber store.
    pub store: StoreConfig,
    /// Where each NF serves its SBI (HTTP/2 cleartext and HTTP/1.1).
    pub sbi: SbiConfig,
    /// N2: the AMF's SCTP endpoint.
    pub n2: N2Config,
    /// The AMF: PLMN, GUAMI, tracking areas, slices, NAS security, timers.
    pub amf: AmfConfig,
    /// The SMF: PFCP, UPFs, DNNs with their address pools, QoS defaults.
    pub smf: SmfConfig,
    /// The UPF run inside `ferrocore up`.
    pub upf: UpfSection,
    /// The UDM.
    pub udm: UdmSection,
    /// Prometheus metrics.
    pub metrics: MetricsConfig,
}

/// `[store]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// `sqlite://<file>` (embedded, the default) or `postgres://...`.
    pub db: String,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            db: "sqlite://ferrocore.db".into(),
        }
    }
}

/// `[sbi]`: each NF's SBI address. In `ferrocore up` the AMF calls the AUSF and UDM in
/// process; these servers are for other consumers (and provisioning on the UDR's).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SbiConfig {
    /// UDR: Nudr_DR and the provisioning REST API `/api/v1/subscribers`.
    pub udr: SocketAddr,
    /// UDM: Nudm_UEAU, Nudm_SDM, Nudm_UECM.
    pub udm: SocketAddr,
    /// AUSF: Nausf_UEAuthentication.
    pub ausf: SocketAddr,
    /// AMF: Namf_Communication (N1N2MessageTransfer, for the SMF).
    pub amf: SocketAddr,
    /// SMF: Nsmf_PDUSession (for the AMF).
    pub smf: SocketAddr,
}

impl Default for SbiConfig {
    fn default() -> Self {
        let at = |port| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        Self {
            udr: at(7001),
            udm: at(7002),
            ausf: at(7003),
            amf: at(7004),
            smf: at(7005),
        }
    }
}

/// `[n2]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct N2Config {
    /// Local address of the NGAP listener.
    pub address: IpAddr,
    /// SCTP port (TS 38.412 §7: 38412).
    pub port: u16,
    /// `auto` (kernel SCTP where the kernel has it, else ferrocore's SCTP over raw IP and
    /// UDP encapsulation), `kernel`, `raw` or `udp`.
    pub transport: String,
    /// UDP port for SCTP over UDP encapsulation (RFC 6951: 9899).
    pub udp_port: u16,
}

impl Default for N2Config {
    fn default() -> Self {
        Self {
            address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: ferrocore_sctp_io::NGAP_PORT,
            transport: "auto".into(),
            udp_port: ferrocore_sctp_io::UDP_ENCAPSULATION_PORT,
        }
    }
}

/// `[upf]`: the UPF that `ferrocore up` runs in process (N4 on `n4`, GTP-U on `n3`, N6
/// through a TUN device). It needs root or CAP_NET_ADMIN for the TUN; without them `up`
/// logs why and runs without a user plane (sessions are then refused, #26).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpfSection {
    /// Run the UPF in this process.
    pub enabled: bool,
    /// PFCP address; the SMF's `[[smf.upfs]] address` must name it.
    pub n4: SocketAddr,
    /// GTP-U address (the F-TEID the gNBs send to).
    pub n3: SocketAddr,
    /// The N6 TUN device. The UE pools of `[[smf.dnns]]` are routed into it and it gets
    /// the first host address of each IPv4 pool (the pool's gateway, never given to a UE),
    /// so that a UE can reach the host at that address.
    pub tun: String,
    /// Packet worker threads.
    pub workers: usize,
}

impl Default for UpfSection {
    fn default() -> Self {
        Self {
            enabled: true,
            n4: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), 8805),
            n3: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), 2152),
            tun: "upf0".into(),
            workers: 1,
        }
    }
}

/// `[udm]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct UdmSection {
    /// File of home network private keys for SUCI Profiles A/B (`<id> <A|B> <hex>` per
    /// line); none: only the null scheme.
    pub hn_keys: Option<PathBuf>,
}

/// `[metrics]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// Where `/metrics` is served (Prometheus text format).
    pub listen: SocketAddr,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 9090),
        }
    }
}

impl Config {
    /// Reads `path`; with `None` the built-in defaults.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        match path {
            None => Ok(Self::default()),
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("reading {}", p.display()))?;
                toml::from_str(&text).with_context(|| format!("in {}", p.display()))
            }
        }
    }

    /// The home PLMN as MCC followed by MNC, e.g. `00101`.
    pub fn plmn(&self) -> String {
        format!("{}{}", self.amf.mcc, self.amf.mnc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped, documented file states exactly the built-in defaults.
    #[test]
    fn the_documented_file_is_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../config/ferrocore.toml");
        let file = Config::load(Some(&path)).unwrap();
        assert_eq!(format!("{file:?}"), format!("{:?}", Config::default()));
    }

    #[test]
    fn a_partial_file_keeps_the_other_defaults_and_typos_are_refused() {
        let c: Config = toml::from_str("[amf]\nmcc = \"208\"\nmnc = \"93\"\n").unwrap();
        assert_eq!(c.plmn(), "20893");
        assert_eq!(c.n2.port, 38412);
        assert!(toml::from_str::<Config>("[n2]\nprot = 1\n").is_err());
    }
}
