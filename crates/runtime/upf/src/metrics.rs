//! The UPF's counters and gauges, rendered as Prometheus / OpenMetrics text.
//!
//! Packet workers keep plain per-thread counters and add their increments to these
//! shared ones at most every few milliseconds (and when idle), so a scrape never
//! touches the packet path. [`Metrics`] is cheap to clone.

use std::sync::Arc;

use ferrocore_upf::DropReason;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// A `reason` label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct ReasonLabel {
    pub reason: &'static str,
}

/// A `kind` label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct KindLabel {
    pub kind: &'static str,
}

/// Drop reasons of the runtime itself, beside the data plane's [`DropReason`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoDrop {
    /// An N3 datagram longer than a receive slot.
    Truncated,
    /// `sendmmsg` on N3 refused the datagram (no route, message too long...) or the
    /// socket stayed full.
    N3Send,
    /// The TUN device refused a packet.
    TunWrite,
}

impl IoDrop {
    pub const ALL: [IoDrop; 3] = [IoDrop::Truncated, IoDrop::N3Send, IoDrop::TunWrite];

    pub fn name(self) -> &'static str {
        match self {
            IoDrop::Truncated => "Truncated",
            IoDrop::N3Send => "N3SendError",
            IoDrop::TunWrite => "TunWriteError",
        }
    }
}

#[derive(Debug)]
pub struct Inner {
    registry: Registry,
    /// Datagrams / octets received on N3 (GTP-U, all message types).
    pub n3_rx_packets: Counter,
    pub n3_rx_bytes: Counter,
    /// Datagrams / octets sent on N3 / N9 (G-PDUs, echo responses, error indications,
    /// released buffered packets).
    pub n3_tx_packets: Counter,
    pub n3_tx_bytes: Counter,
    /// IP packets read from / written to the N6 TUN device.
    pub n6_rx_packets: Counter,
    pub n6_rx_bytes: Counter,
    pub n6_tx_packets: Counter,
    pub n6_tx_bytes: Counter,
    /// Packets dropped, by [`DropReason::name`] or [`IoDrop::name`].
    pub drops: Family<ReasonLabel, Counter>,
    /// Downlink packets put in a session buffer, and those released from one.
    pub buffered_packets: Counter,
    pub released_packets: Counter,
    pub echo_replies: Counter,
    /// Router Advertisements answering IPv6 sessions' Router Solicitations.
    pub router_advertisements: Counter,
    pub error_indications_sent: Counter,
    /// GTP-U signalling received for path management (echo responses, error
    /// indications, end markers), by kind.
    pub gtpu_signals: Family<KindLabel, Counter>,
    /// Data plane notifications lost because the queue to the N4 task was full.
    pub notifications_dropped: Counter,
    pub pfcp_rx_messages: Counter,
    pub pfcp_tx_messages: Counter,
    /// Forwarding table snapshots published to the workers.
    pub table_publishes: Counter,
    pub pfcp_associations: Gauge,
    pub sessions: Gauge,
}

/// The UPF's measurements.
#[derive(Debug, Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl std::ops::Deref for Metrics {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut r = Registry::default();
        let m = Inner {
            registry: Registry::default(),
            n3_rx_packets: Counter::default(),
            n3_rx_bytes: Counter::default(),
            n3_tx_packets: Counter::default(),
            n3_tx_bytes: Counter::default(),
            n6_rx_packets: Counter::default(),
            n6_rx_bytes: Counter::default(),
            n6_tx_packets: Counter::default(),
            n6_tx_bytes: Counter::default(),
            drops: Family::default(),
            buffered_packets: Counter::default(),
            released_packets: Counter::default(),
            echo_replies: Counter::default(),
            router_advertisements: Counter::default(),
            error_indications_sent: Counter::default(),
            gtpu_signals: Family::default(),
            notifications_dropped: Counter::default(),
            pfcp_rx_messages: Counter::default(),
            pfcp_tx_messages: Counter::default(),
            table_publishes: Counter::default(),
            pfcp_associations: Gauge::default(),
            sessions: Gauge::default(),
        };
        let counters: [(&str, &str, &Counter); 17] = [
            (
                "upf_n3_rx_packets",
                "GTP-U datagrams received on N3",
                &m.n3_rx_packets,
            ),
            (
                "upf_n3_rx_bytes",
                "GTP-U octets received on N3 (UDP payload)",
                &m.n3_rx_bytes,
            ),
            (
                "upf_n3_tx_packets",
                "GTP-U datagrams sent on N3 / N9",
                &m.n3_tx_packets,
            ),
            (
                "upf_n3_tx_bytes",
                "GTP-U octets sent on N3 / N9 (UDP payload)",
                &m.n3_tx_bytes,
            ),
            (
                "upf_n6_rx_packets",
                "IP packets read from the N6 TUN device",
                &m.n6_rx_packets,
            ),
            (
                "upf_n6_rx_bytes",
                "IP octets read from the N6 TUN device",
                &m.n6_rx_bytes,
            ),
            (
                "upf_n6_tx_packets",
                "IP packets written to the N6 TUN device",
                &m.n6_tx_packets,
            ),
            (
                "upf_n6_tx_bytes",
                "IP octets written to the N6 TUN device",
                &m.n6_tx_bytes,
            ),
            (
                "upf_buffered_packets",
                "downlink packets buffered for idle sessions",
                &m.buffered_packets,
            ),
            (
                "upf_released_packets",
                "buffered downlink packets sent on",
                &m.released_packets,
            ),
            (
                "upf_gtpu_echo_replies",
                "GTP-U Echo Responses sent",
                &m.echo_replies,
            ),
            (
                "upf_router_advertisements",
                "Router Advertisements sent in answer to UEs' Router Solicitations",
                &m.router_advertisements,
            ),
            (
                "upf_gtpu_error_indications_sent",
                "GTP-U Error Indications sent",
                &m.error_indications_sent,
            ),
            (
                "upf_notifications_dropped",
                "data plane notifications lost to a full queue",
                &m.notifications_dropped,
            ),
            (
                "upf_pfcp_rx_messages",
                "PFCP datagrams received on N4",
                &m.pfcp_rx_messages,
            ),
            (
                "upf_pfcp_tx_messages",
                "PFCP datagrams sent on N4",
                &m.pfcp_tx_messages,
            ),
            (
                "upf_table_publishes",
                "forwarding table snapshots published",
                &m.table_publishes,
            ),
        ];
        for (name, help, c) in counters {
            r.register(name, help, c.clone());
        }
        r.register("upf_drops", "packets dropped, by reason", m.drops.clone());
        r.register(
            "upf_gtpu_signals",
            "GTP-U path signalling received, by kind",
            m.gtpu_signals.clone(),
        );
        r.register(
            "upf_pfcp_associations",
            "PFCP associations set up",
            m.pfcp_associations.clone(),
        );
        r.register(
            "upf_sessions",
            "PFCP sessions installed",
            m.sessions.clone(),
        );
        // Every reason shows up at zero from the start.
        for d in DropReason::ALL {
            let _ = m.drops.get_or_create(&ReasonLabel { reason: d.name() });
        }
        for d in IoDrop::ALL {
            let _ = m.drops.get_or_create(&ReasonLabel { reason: d.name() });
        }
        let m = Inner { registry: r, ..m };
        Metrics { inner: Arc::new(m) }
    }

    /// The drop counter for `reason` (shared: keep it rather than look it up per packet).
    pub fn drop_counter(&self, reason: &'static str) -> Counter {
        self.drops.get_or_create(&ReasonLabel { reason }).clone()
    }

    /// Packets dropped for `reason` so far.
    pub fn dropped(&self, reason: &'static str) -> u64 {
        self.drops.get_or_create(&ReasonLabel { reason }).get()
    }

    /// OpenMetrics text of every measurement.
    pub fn render(&self) -> String {
        ferrocore_metrics::render(&self.inner.registry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_names_with_total() {
        let m = Metrics::new();
        m.n3_rx_packets.inc();
        m.drop_counter(DropReason::UnknownTeid.name()).inc_by(3);
        let t = m.render();
        assert!(t.contains("upf_n3_rx_packets_total 1"), "{t}");
        assert!(t.contains("upf_n6_tx_packets_total 0"), "{t}");
        assert!(
            t.contains("upf_drops_total{reason=\"UnknownTeid\"} 3"),
            "{t}"
        );
        assert!(
            t.contains("upf_drops_total{reason=\"TunWriteError\"} 0"),
            "{t}"
        );
    }
}
