//! UPF settings (plain data, serde).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::state::NodeKey;

/// UP Function Features (TS 29.244 §8.2.25), octet 5: FTUP (F-TEID allocation by the UP
/// function).
pub const FEATURE_FTUP: u8 = 0x10;
/// UP Function Features octet 7: UEIP (UE IP address allocation by the UP function).
pub const FEATURE_UEIP: u8 = 0x04;

/// What [`crate::control::UpfControl`] needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpfConfig {
    /// Our Node ID (TS 29.244 §8.2.38).
    pub node_id: NodeKey,
    /// Our N4 address: goes in the UP F-SEID.
    pub n4_addr: IpAddr,
    /// Our N3 address: goes in chosen F-TEIDs and Error Indications.
    pub n3_ipv4: Ipv4Addr,
    pub n3_ipv6: Option<Ipv6Addr>,
    /// Our Recovery Time Stamp (TS 29.244 §8.2.65): 3GPP NTP seconds when this UPF
    /// started. Also the wall-clock origin of usage report times.
    pub recovery_time_stamp: u32,
    /// Local TEIDs handed out for CH (TS 29.244 §5.2.3.1), inclusive.
    pub teid_first: u32,
    pub teid_last: u32,
    /// UE IPv4 pool for CHV4 (TS 29.244 §5.21), `(network, prefix length)`.
    pub ue_ipv4_pool: Option<(Ipv4Addr, u8)>,
    /// Most sessions at once (Cause 75 beyond).
    pub max_sessions: usize,
    /// Downlink buffer bound per session (TS 29.244 §5.2.4): packets and octets. A BAR's
    /// Suggested Buffering Packets Count may lower the packet bound.
    pub buffer_packets: usize,
    pub buffer_octets: usize,
    /// Heartbeat period towards each associated SMF (TS 29.244 §6.2.2).
    pub heartbeat_interval: Duration,
    /// Request retransmission timer T1 and count N1 (TS 29.244 §6.4); also how long a
    /// response is kept to answer a retransmitted request (T1 x N1).
    pub t1: Duration,
    pub n1: u32,
    /// Delete an SMF's sessions when its Recovery Time Stamp changes (TS 29.244
    /// §6.2.6.2.2, TS 23.527 §4.2.4); the event is reported either way.
    pub purge_on_peer_restart: bool,
    /// Error Indications per second per data plane worker.
    pub error_indications_per_sec: u32,
    /// Link MTU announced to UEs in the Router Advertisement of IPv6 sessions
    /// ([`crate::ra`]): 1400 fits a 1500-octet N3 path with room to spare.
    pub ipv6_link_mtu: u32,
}

impl UpfConfig {
    /// Sensible defaults around the given addresses.
    pub fn new(n4_addr: IpAddr, n3_ipv4: Ipv4Addr, recovery_time_stamp: u32) -> Self {
        let node_id = match n4_addr {
            IpAddr::V4(a) => NodeKey::Ipv4(a),
            IpAddr::V6(a) => NodeKey::Ipv6(a),
        };
        UpfConfig {
            node_id,
            n4_addr,
            n3_ipv4,
            n3_ipv6: None,
            recovery_time_stamp,
            teid_first: 1,
            teid_last: u32::MAX,
            ue_ipv4_pool: None,
            max_sessions: 1 << 20,
            buffer_packets: 64,
            buffer_octets: 64 * 1500,
            heartbeat_interval: Duration::from_secs(10),
            t1: Duration::from_secs(3),
            n1: 3,
            purge_on_peer_restart: true,
            error_indications_per_sec: 1000,
            ipv6_link_mtu: 1400,
        }
    }

    /// The UP Function Features bitmap we advertise.
    pub fn up_function_features(&self) -> Vec<u8> {
        let ueip = if self.ue_ipv4_pool.is_some() {
            FEATURE_UEIP
        } else {
            0
        };
        vec![FEATURE_FTUP, 0, ueip]
    }

    /// The data plane settings that go with this configuration.
    pub fn dataplane(&self) -> crate::dataplane::DataplaneConfig {
        crate::dataplane::DataplaneConfig {
            n3_addr: IpAddr::V4(self.n3_ipv4),
            error_indications_per_sec: self.error_indications_per_sec,
            ipv6_link_mtu: self.ipv6_link_mtu,
        }
    }
}
