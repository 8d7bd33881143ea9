//! Protocol parameters (RFC 9260 §16) and endpoint settings.

use std::time::Duration;

/// Association parameters. Defaults follow RFC 9260 §16 where it gives a value.
#[derive(Debug, Clone)]
pub struct Config {
    /// RTO.Initial (1 s).
    pub rto_initial: Duration,
    /// RTO.Min (1 s).
    pub rto_min: Duration,
    /// RTO.Max (60 s).
    pub rto_max: Duration,
    /// Valid.Cookie.Life (60 s): how long an issued state cookie stays valid.
    pub valid_cookie_life: Duration,
    /// Association.Max.Retrans (10): consecutive T3/T2/heartbeat failures before the
    /// association is declared dead.
    pub max_assoc_retrans: u32,
    /// Max.Init.Retransmits (8): INIT / COOKIE ECHO retransmissions before giving up.
    pub max_init_retrans: u32,
    /// HB.interval (30 s), added to the RTO between heartbeats on an idle path.
    pub heartbeat_interval: Duration,
    /// Delayed SACK timeout (§6.2: at most 500 ms; 200 ms here).
    pub delayed_ack: Duration,
    /// Largest SCTP packet (common header plus chunks) this side sends. Default 1200:
    /// fits a 1280-octet IPv6 minimum MTU with the IPv6 and UDP (RFC 6951) headers.
    pub max_packet_size: usize,
    /// Advertised receive window (a_rwnd) and bound of the reassembly / reordering
    /// buffer, in octets (chunk payloads plus a fixed per-chunk overhead).
    pub receive_window: u32,
    /// Largest message accepted from the peer; a longer one aborts the association.
    pub max_message_size: usize,
    /// Octets of user data that may wait for transmission per association;
    /// [`crate::Endpoint::send`] refuses beyond that.
    pub send_buffer: usize,
    /// Outbound streams requested (OS).
    pub outbound_streams: u16,
    /// Inbound streams allowed (MIS).
    pub inbound_streams: u16,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            rto_initial: Duration::from_secs(1),
            rto_min: Duration::from_secs(1),
            rto_max: Duration::from_secs(60),
            valid_cookie_life: Duration::from_secs(60),
            max_assoc_retrans: 10,
            max_init_retrans: 8,
            heartbeat_interval: Duration::from_secs(30),
            delayed_ack: Duration::from_millis(200),
            max_packet_size: 1200,
            receive_window: 256 * 1024,
            max_message_size: 64 * 1024,
            send_buffer: 1024 * 1024,
            outbound_streams: 16,
            inbound_streams: 16,
        }
    }
}

impl Config {
    /// The path MTU-derived bound on a DATA chunk's user data.
    pub(crate) fn max_fragment(&self) -> usize {
        self.max_packet_size
            .saturating_sub(crate::wire::HEADER_LEN + crate::wire::chunk::DATA_HEADER_LEN)
            .max(16)
    }

    /// Initial congestion window (§7.2.1): min(4 MTU, max(2 MTU, 4404)).
    pub(crate) fn initial_cwnd(&self) -> usize {
        let mtu = self.max_packet_size;
        (4 * mtu).min((2 * mtu).max(4404))
    }
}

/// Settings of one endpoint (one local SCTP port).
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    /// The local SCTP port (38412 for an AMF's N2, RFC 9260 / TS 38.412).
    pub port: u16,
    /// Whether INITs from unknown peers are answered (a server, such as the AMF).
    /// A connecting-only endpoint (the gNB simulator) answers them with ABORT.
    pub listen: bool,
    /// Secret keying the state cookie's HMAC-SHA-256 and the tag / TSN generator.
    /// Drivers fill it from the OS random source; it never leaves the endpoint.
    pub secret: [u8; 32],
    /// Bound on packets queued for transmission by the endpoint itself (INIT ACKs,
    /// ABORTs for out-of-the-blue packets); beyond it such replies are dropped.
    pub max_endpoint_transmits: usize,
}

impl EndpointConfig {
    /// A listening endpoint on `port`.
    pub fn server(port: u16, secret: [u8; 32]) -> Self {
        Self {
            port,
            listen: true,
            secret,
            max_endpoint_transmits: 4096,
        }
    }

    /// A connecting-only endpoint on `port`.
    pub fn client(port: u16, secret: [u8; 32]) -> Self {
        Self {
            listen: false,
            ..Self::server(port, secret)
        }
    }
}
