//! The AUSF's settings.

use std::time::Duration;

use ferrocore_sbi::common::PlmnId;

/// What an [`Ausf`](crate::Ausf) is configured with.
#[derive(Debug, Clone)]
pub struct AusfConfig {
    /// This AUSF's `apiRoot` (`http://host:port`), used in `Location` and `_links`.
    pub api_root: String,
    /// This AUSF's NF instance id (a UUID), sent to the UDM.
    pub instance_id: String,
    /// The PLMNs whose serving networks may authenticate our subscribers
    /// (TS 33.501 §6.1.2: the AUSF checks the serving network name).
    pub serving_plmns: Vec<PlmnId>,
    /// How long an authentication context waits for its confirmation.
    pub context_ttl: Duration,
    /// At most this many pending contexts; the oldest is dropped to make room.
    pub max_contexts: usize,
}

impl Default for AusfConfig {
    fn default() -> Self {
        Self {
            api_root: "http://127.0.0.1:7003".to_owned(),
            instance_id: "00000000-0000-4000-8000-00000000a05f".to_owned(),
            serving_plmns: vec![PlmnId {
                mcc: "001".to_owned(),
                mnc: "01".to_owned(),
            }],
            context_ttl: Duration::from_secs(30),
            max_contexts: 100_000,
        }
    }
}
