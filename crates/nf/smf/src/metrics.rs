//! Counters and gauges, TS 28.552 §5.3 measurement names where one exists (lowercased,
//! `_total` for counters), rendered as Prometheus / OpenMetrics text like the AMF's.
//!
//! [`Metrics`] is cheap to clone: every counter is shared, so another task can render.

use std::sync::Arc;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

pub use ferrocore_metrics::{CauseLabel, Procedure};

/// A `timer` label (`t3591`, `t3592`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, prometheus_client::encoding::EncodeLabelSet)]
pub struct TimerLabel {
    pub timer: &'static str,
}

/// An `outcome` label: what the SMF did with a report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, prometheus_client::encoding::EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: &'static str,
}

#[derive(Debug)]
pub struct Inner {
    registry: Registry,
    /// SM.PduSessionCreationReq / Succ / Fail.cause (TS 28.552 §5.3.1.1-3).
    pub creation: Procedure,
    /// SM.PduSessionModificationReq / Succ / Fail (user plane activation and deactivation).
    pub modification: Procedure,
    /// UE-requested PDU session modifications (TS 24.501 §6.4.2), failures by 5GSM cause
    /// of the reject or by what ended them.
    pub modification_ue: Procedure,
    /// Network-requested PDU session modifications (TS 24.501 §6.3.2).
    pub modification_nw: Procedure,
    /// 5GSM commands sent again on the expiry of T3591 / T3592.
    pub nas_retransmissions: Family<TimerLabel, Counter>,
    /// 5GSM procedures given up after the last expiry of T3591 / T3592.
    pub nas_timeouts: Family<TimerLabel, Counter>,
    /// PDU session releases by who asked.
    pub release_ue: Counter,
    pub release_nw: Counter,
    pub release_amf: Counter,
    /// Sessions now (SM.SessionNbr).
    pub sessions: Gauge,
    pub ipv4_allocated: Gauge,
    pub ipv6_prefixes_allocated: Gauge,
    pub pfcp_associations: Gauge,
    pub pfcp_tx: Counter,
    pub pfcp_rx: Counter,
    pub pfcp_retransmissions: Counter,
    pub pfcp_timeouts: Counter,
    pub pfcp_rejected: Family<CauseLabel, Counter>,
    pub pfcp_malformed: Counter,
    pub upf_restarts: Counter,
    pub dl_data_reports: Counter,
    /// Error Indication Reports (TS 29.244 §7.5.8.4) by outcome: `deactivated`,
    /// `stale_tunnel`, `procedure_ongoing`, `unknown_session`.
    pub error_indication_reports: Family<OutcomeLabel, Counter>,
    pub usage_reports: Counter,
    pub usage_ul_octets: Counter,
    pub usage_dl_octets: Counter,
    pub n1n2_fail: Family<CauseLabel, Counter>,
    pub sbi_errors: Family<CauseLabel, Counter>,
}

/// The SMF's measurements.
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
    /// Every measurement at zero, registered under its name.
    pub fn new() -> Self {
        let mut r = Registry::default();
        let m = Inner {
            registry: Registry::default(),
            creation: Procedure::default(),
            modification: Procedure::default(),
            modification_ue: Procedure::default(),
            modification_nw: Procedure::default(),
            nas_retransmissions: Family::default(),
            nas_timeouts: Family::default(),
            release_ue: Counter::default(),
            release_nw: Counter::default(),
            release_amf: Counter::default(),
            sessions: Gauge::default(),
            ipv4_allocated: Gauge::default(),
            ipv6_prefixes_allocated: Gauge::default(),
            pfcp_associations: Gauge::default(),
            pfcp_tx: Counter::default(),
            pfcp_rx: Counter::default(),
            pfcp_retransmissions: Counter::default(),
            pfcp_timeouts: Counter::default(),
            pfcp_rejected: Family::default(),
            pfcp_malformed: Counter::default(),
            upf_restarts: Counter::default(),
            dl_data_reports: Counter::default(),
            error_indication_reports: Family::default(),
            usage_reports: Counter::default(),
            usage_ul_octets: Counter::default(),
            usage_dl_octets: Counter::default(),
            n1n2_fail: Family::default(),
            sbi_errors: Family::default(),
        };
        m.creation.register(
            &mut r,
            "smf_sm_pdu_sess_creation",
            "PDU session establishments",
        );
        m.modification.register(
            &mut r,
            "smf_sm_pdu_sess_modification",
            "user plane activations / deactivations (internal modifications)",
        );
        m.modification_ue.register(
            &mut r,
            "smf_sm_pdu_sess_modification_ue",
            "UE-requested PDU session modifications",
        );
        m.modification_nw.register(
            &mut r,
            "smf_sm_pdu_sess_modification_nw",
            "network-requested PDU session modifications",
        );
        r.register(
            "smf_nas_retransmissions",
            "5GSM commands retransmitted on the expiry of their timer",
            m.nas_retransmissions.clone(),
        );
        r.register(
            "smf_nas_timeouts",
            "5GSM procedures given up after the last expiry of their timer",
            m.nas_timeouts.clone(),
        );
        let counters: [(&str, &str, &Counter); 13] = [
            (
                "smf_sm_pdu_sess_release_ue",
                "UE-requested PDU session releases",
                &m.release_ue,
            ),
            (
                "smf_sm_pdu_sess_release_nw",
                "network-requested PDU session releases",
                &m.release_nw,
            ),
            (
                "smf_sm_pdu_sess_release_amf",
                "SM contexts released by the AMF",
                &m.release_amf,
            ),
            (
                "smf_pfcp_tx",
                "PFCP messages sent (retransmissions included)",
                &m.pfcp_tx,
            ),
            ("smf_pfcp_rx", "PFCP messages received", &m.pfcp_rx),
            (
                "smf_pfcp_retransmissions",
                "PFCP requests retransmitted after T1",
                &m.pfcp_retransmissions,
            ),
            (
                "smf_pfcp_timeouts",
                "PFCP requests given up after N1 retransmissions",
                &m.pfcp_timeouts,
            ),
            (
                "smf_pfcp_malformed",
                "PFCP datagrams that did not decode",
                &m.pfcp_malformed,
            ),
            (
                "smf_upf_restarts",
                "UPF restarts detected by a new Recovery Time Stamp",
                &m.upf_restarts,
            ),
            (
                "smf_dl_data_reports",
                "downlink data reports received (paging triggers)",
                &m.dl_data_reports,
            ),
            (
                "smf_usage_reports",
                "usage reports received",
                &m.usage_reports,
            ),
            (
                "smf_usage_ul_octets",
                "uplink octets reported by UPFs",
                &m.usage_ul_octets,
            ),
            (
                "smf_usage_dl_octets",
                "downlink octets reported by UPFs",
                &m.usage_dl_octets,
            ),
        ];
        for (name, help, c) in counters {
            r.register(name, help, c.clone());
        }
        r.register(
            "smf_pfcp_rejected",
            "PFCP requests answered with a rejection, by cause",
            m.pfcp_rejected.clone(),
        );
        r.register(
            "smf_error_indication_reports",
            "Error Indication Reports received (the gNB lost an N3 tunnel), by outcome",
            m.error_indication_reports.clone(),
        );
        r.register(
            "smf_n1n2_fail",
            "N1N2MessageTransfers that failed, by cause",
            m.n1n2_fail.clone(),
        );
        r.register(
            "smf_sbi_errors",
            "SBI requests answered with an error, by cause",
            m.sbi_errors.clone(),
        );
        let gauges: [(&str, &str, &Gauge); 4] = [
            (
                "smf_sm_sess_nbr",
                "PDU sessions (SM contexts) now",
                &m.sessions,
            ),
            (
                "smf_ipv4_addresses_allocated",
                "UE IPv4 addresses allocated",
                &m.ipv4_allocated,
            ),
            (
                "smf_ipv6_prefixes_allocated",
                "UE IPv6 /64 prefixes allocated",
                &m.ipv6_prefixes_allocated,
            ),
            (
                "smf_pfcp_associations",
                "UPFs with a PFCP association",
                &m.pfcp_associations,
            ),
        ];
        for (name, help, g) in gauges {
            r.register(name, help, g.clone());
        }
        let m = Inner { registry: r, ..m };
        Metrics { inner: Arc::new(m) }
    }

    /// Prometheus text exposition.
    pub fn render(&self) -> String {
        ferrocore_metrics::render(&self.inner.registry)
    }

    /// The value of one sample of [`Metrics::render`], e.g.
    /// `value("smf_sm_pdu_sess_creation_fail_total{cause=\"missing_or_unknown_dnn\"}")`;
    /// 0 when absent.
    pub fn value(&self, sample: &str) -> u64 {
        ferrocore_metrics::sample_value(&self.render(), sample)
    }
}

/// A label value for a 5GSM cause (TS 24.501 §9.11.4.2, Annex B).
pub fn gsm_cause_label(cause: u8) -> &'static str {
    match cause {
        8 => "operator_determined_barring",
        26 => "insufficient_resources",
        27 => "missing_or_unknown_dnn",
        28 => "unknown_pdu_session_type",
        29 => "user_authentication_or_authorization_failed",
        31 => "request_rejected_unspecified",
        32 => "service_option_not_supported",
        33 => "requested_service_option_not_subscribed",
        35 => "pti_already_in_use",
        36 => "regular_deactivation",
        37 => "5gs_qos_not_accepted",
        38 => "network_failure",
        43 => "invalid_pdu_session_identity",
        44 => "semantic_errors_in_packet_filters",
        45 => "syntactical_error_in_packet_filters",
        47 => "pti_mismatch",
        50 => "pdu_session_type_ipv4_only_allowed",
        51 => "pdu_session_type_ipv6_only_allowed",
        54 => "pdu_session_does_not_exist",
        59 => "unsupported_5qi_value",
        67 => "insufficient_resources_for_slice_and_dnn",
        68 => "not_supported_ssc_mode",
        69 => "insufficient_resources_for_slice",
        70 => "missing_or_unknown_dnn_in_a_slice",
        81 => "invalid_pti_value",
        83 => "semantic_error_in_the_qos_operation",
        84 => "syntactical_error_in_the_qos_operation",
        95 => "semantically_incorrect_message",
        96 => "invalid_mandatory_information",
        97 => "message_type_non_existent",
        98 => "message_type_not_compatible",
        111 => "protocol_error_unspecified",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_names_with_total() {
        let m = Metrics::new();
        m.creation.req.inc();
        m.creation.fail("missing_or_unknown_dnn");
        m.sessions.set(3);
        let text = m.render();
        assert!(
            text.contains("smf_sm_pdu_sess_creation_req_total 1"),
            "{text}"
        );
        assert_eq!(
            m.value("smf_sm_pdu_sess_creation_fail_total{cause=\"missing_or_unknown_dnn\"}"),
            1
        );
        assert_eq!(m.value("smf_sm_sess_nbr"), 3);
    }
}
