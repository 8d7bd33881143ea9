//! The UDM's settings.

use ferrocore_crypto::suci::HomeNetworkKeys;
use ferrocore_sbi::common::PlmnId;

/// Default SQN block size: small, so that the SQNs a crash skips stay far below the
/// UE's freshness window Δ (TS 33.102 Annex C.2.1, 2^28).
pub const DEFAULT_SQN_BLOCK: u64 = 32;

/// What a [`Udm`](crate::Udm) is configured with.
#[derive(Debug, Clone)]
pub struct UdmConfig {
    /// This UDM's `apiRoot` (`http://host:port`), used in `Location` headers.
    pub api_root: String,
    /// Home network private keys by home network public key identifier, for SUCI
    /// Profile A / B de-concealment (TS 33.501 §6.12.2).
    pub home_network_keys: HomeNetworkKeys,
    /// The home PLMN: the serving PLMN assumed by SDM queries without `plmn-id`.
    pub home_plmn: PlmnId,
    /// Serving networks allowed to authenticate our subscribers; `None` accepts any
    /// well-formed serving network name (the AUSF has checked it already).
    pub authorized_serving_plmns: Option<Vec<PlmnId>>,
    /// SQNs reserved per subscriber per trip to the UDR.
    pub sqn_block: u64,
}

impl Default for UdmConfig {
    fn default() -> Self {
        Self {
            api_root: "http://127.0.0.1:7002".to_owned(),
            home_network_keys: HomeNetworkKeys::new(),
            home_plmn: PlmnId {
                mcc: "001".to_owned(),
                mnc: "01".to_owned(),
            },
            authorized_serving_plmns: None,
            sqn_block: DEFAULT_SQN_BLOCK,
        }
    }
}
