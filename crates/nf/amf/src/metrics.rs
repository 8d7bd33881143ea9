//! Counters and gauges (TS 28.552 measurement names where one exists, lowercased, with
//! `_total` for counters), rendered as Prometheus / OpenMetrics text.
//!
//! [`Metrics`] is cheap to clone: every counter is shared (`Arc` inside), so a task other
//! than the one that pumps the engine can render them.

use std::sync::Arc;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

pub use ferrocore_metrics::{CauseLabel, Procedure};

/// A `reason` label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct ReasonLabel {
    pub reason: &'static str,
}

/// The registration types of TS 24.501 §9.11.3.7, each counted on its own (TS 28.552
/// §5.2.2.x: RM.RegInitReq, RM.RegMobReq, RM.RegPeriodReq, RM.RegEmergReq).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum RegKind {
    Initial,
    Mobility,
    Periodic,
    Emergency,
}

#[derive(Debug)]
pub struct Inner {
    registry: Registry,
    pub reg_init: Procedure,
    pub reg_mob: Procedure,
    pub reg_period: Procedure,
    pub reg_emerg: Procedure,
    pub auth_req: Counter,
    pub auth_reject: Counter,
    pub auth_fail: Family<CauseLabel, Counter>,
    pub smc: Procedure,
    pub identity_req: Counter,
    pub nas_integrity_fail: Counter,
    pub nas_replay: Counter,
    pub nas_dropped: Family<ReasonLabel, Counter>,
    pub gmm_status_sent: Family<CauseLabel, Counter>,
    pub gmm_status_received: Counter,
    pub ngap_error_indication_sent: Family<CauseLabel, Counter>,
    pub ngap_error_indication_received: Counter,
    pub ng_setup: Procedure,
    pub ng_reset: Counter,
    pub dereg_ue_init: Counter,
    pub dereg_nw_init: Counter,
    pub dereg_implicit: Counter,
    pub guti_realloc: Procedure,
    pub ue_context_release: Counter,
    pub sbi_errors: Family<CauseLabel, Counter>,
    pub paging: Procedure,
    pub service: Procedure,
    pub sm_create: Procedure,
    pub sm_update: Procedure,
    pub sm_release: Counter,
    pub sm_ul_routed: Counter,
    pub sm_dl_routed: Counter,
    pub sm_not_forwarded: Family<CauseLabel, Counter>,
    pub n1n2: Procedure,
    pub connected_gnbs: Gauge,
    pub registered_subscribers: Gauge,
    pub cm_connected_ues: Gauge,
    pub radio_capabilities_stored: Gauge,
}

/// The AMF's measurements.
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
            reg_init: Procedure::default(),
            reg_mob: Procedure::default(),
            reg_period: Procedure::default(),
            reg_emerg: Procedure::default(),
            auth_req: Counter::default(),
            auth_reject: Counter::default(),
            auth_fail: Family::default(),
            smc: Procedure::default(),
            identity_req: Counter::default(),
            nas_integrity_fail: Counter::default(),
            nas_replay: Counter::default(),
            nas_dropped: Family::default(),
            gmm_status_sent: Family::default(),
            gmm_status_received: Counter::default(),
            ngap_error_indication_sent: Family::default(),
            ngap_error_indication_received: Counter::default(),
            ng_setup: Procedure::default(),
            ng_reset: Counter::default(),
            dereg_ue_init: Counter::default(),
            dereg_nw_init: Counter::default(),
            dereg_implicit: Counter::default(),
            guti_realloc: Procedure::default(),
            ue_context_release: Counter::default(),
            sbi_errors: Family::default(),
            paging: Procedure::default(),
            service: Procedure::default(),
            sm_create: Procedure::default(),
            sm_update: Procedure::default(),
            sm_release: Counter::default(),
            sm_ul_routed: Counter::default(),
            sm_dl_routed: Counter::default(),
            sm_not_forwarded: Family::default(),
            n1n2: Procedure::default(),
            connected_gnbs: Gauge::default(),
            registered_subscribers: Gauge::default(),
            cm_connected_ues: Gauge::default(),
            radio_capabilities_stored: Gauge::default(),
        };
        m.reg_init
            .register(&mut r, "amf_rm_reg_init", "initial registrations");
        m.reg_mob
            .register(&mut r, "amf_rm_reg_mob", "mobility registration updates");
        m.reg_period
            .register(&mut r, "amf_rm_reg_period", "periodic registration updates");
        m.reg_emerg
            .register(&mut r, "amf_rm_reg_emerg", "emergency registrations");
        r.register(
            "amf_amf_auth_req",
            "authentication requests sent",
            m.auth_req.clone(),
        );
        r.register(
            "amf_amf_auth_reject",
            "authentication rejects sent",
            m.auth_reject.clone(),
        );
        r.register(
            "amf_amf_auth_fail",
            "authentication failures by cause",
            m.auth_fail.clone(),
        );
        m.smc.register(&mut r, "amf_smc", "security mode control");
        r.register(
            "amf_identity_req",
            "identity requests sent",
            m.identity_req.clone(),
        );
        r.register(
            "amf_nas_integrity_fail",
            "uplink NAS messages failing the integrity check",
            m.nas_integrity_fail.clone(),
        );
        r.register(
            "amf_nas_replay",
            "replayed uplink NAS messages dropped",
            m.nas_replay.clone(),
        );
        r.register(
            "amf_nas_dropped",
            "uplink NAS messages dropped, by reason",
            m.nas_dropped.clone(),
        );
        r.register(
            "amf_5gmm_status_sent",
            "5GMM STATUS messages sent, by cause",
            m.gmm_status_sent.clone(),
        );
        r.register(
            "amf_5gmm_status_received",
            "5GMM STATUS messages received",
            m.gmm_status_received.clone(),
        );
        r.register(
            "amf_ngap_error_indication_sent",
            "NGAP ERROR INDICATIONs sent, by cause",
            m.ngap_error_indication_sent.clone(),
        );
        r.register(
            "amf_ngap_error_indication_received",
            "NGAP ERROR INDICATIONs received",
            m.ngap_error_indication_received.clone(),
        );
        m.ng_setup
            .register(&mut r, "amf_ngap_ng_setup", "NG setups");
        r.register(
            "amf_ngap_ng_reset",
            "NG RESETs received",
            m.ng_reset.clone(),
        );
        r.register(
            "amf_dereg_ue_init",
            "UE-initiated de-registrations",
            m.dereg_ue_init.clone(),
        );
        r.register(
            "amf_dereg_nw_init",
            "network-initiated de-registrations",
            m.dereg_nw_init.clone(),
        );
        r.register(
            "amf_dereg_implicit",
            "implicit de-registrations",
            m.dereg_implicit.clone(),
        );
        m.guti_realloc.register(
            &mut r,
            "amf_mm_conf_update",
            "configuration updates (5G-GUTI reallocation)",
        );
        r.register(
            "amf_ue_context_release",
            "UE context releases completed",
            m.ue_context_release.clone(),
        );
        r.register(
            "amf_sbi_errors",
            "SBI requests answered with an error, by cause",
            m.sbi_errors.clone(),
        );
        // TS 28.552 §5.2.10: MM.Paging5GReq / MM.Paging5GSucc.
        m.paging
            .register(&mut r, "amf_mm_paging_5g", "5G paging procedures");
        m.service.register(
            &mut r,
            "amf_mm_service",
            "service requests (TS 24.501 §5.6.1)",
        );
        m.sm_create
            .register(&mut r, "amf_sm_create_sm_context", "Nsmf Create SM Context");
        m.sm_update
            .register(&mut r, "amf_sm_update_sm_context", "Nsmf Update SM Context");
        r.register(
            "amf_sm_release_sm_context",
            "Nsmf Release SM Context requests",
            m.sm_release.clone(),
        );
        r.register(
            "amf_sm_ul_msg_routed",
            "uplink 5GSM messages forwarded to an SMF",
            m.sm_ul_routed.clone(),
        );
        r.register(
            "amf_sm_dl_msg_routed",
            "downlink 5GSM messages sent to UEs",
            m.sm_dl_routed.clone(),
        );
        r.register(
            "amf_sm_msg_not_forwarded",
            "uplink 5GSM messages returned to the UE, by 5GMM cause",
            m.sm_not_forwarded.clone(),
        );
        m.n1n2
            .register(&mut r, "amf_n1n2_transfer", "N1N2MessageTransfer served");
        r.register(
            "amf_connected_gnbs",
            "gNBs with a completed NG Setup",
            m.connected_gnbs.clone(),
        );
        r.register(
            "amf_rm_registered_subscribers",
            "UEs in RM-REGISTERED",
            m.registered_subscribers.clone(),
        );
        r.register(
            "amf_cm_connected_ues",
            "UEs in CM-CONNECTED",
            m.cm_connected_ues.clone(),
        );
        r.register(
            "amf_radio_capabilities_stored",
            "distinct UE radio capabilities stored",
            m.radio_capabilities_stored.clone(),
        );
        let m = Inner { registry: r, ..m };
        Metrics { inner: Arc::new(m) }
    }

    /// The counters of one registration type.
    pub fn registration(&self, kind: RegKind) -> &Procedure {
        match kind {
            RegKind::Initial => &self.reg_init,
            RegKind::Mobility => &self.reg_mob,
            RegKind::Periodic => &self.reg_period,
            RegKind::Emergency => &self.reg_emerg,
        }
    }

    /// Prometheus text exposition (OpenMetrics text format, TS 28.552 names).
    pub fn render(&self) -> String {
        ferrocore_metrics::render(&self.inner.registry)
    }

    /// The value of a counter or gauge sample in [`Metrics::render`], e.g.
    /// `value("amf_rm_reg_init_req_total")` or
    /// `value("amf_rm_reg_init_fail_total{cause=\"illegal_ue\"}")`; 0 when absent.
    pub fn value(&self, sample: &str) -> u64 {
        ferrocore_metrics::sample_value(&self.render(), sample)
    }
}

/// A label value for a 5GMM cause (TS 24.501 §9.11.3.2, Annex A).
pub fn gmm_cause_label(cause: u8) -> &'static str {
    match cause {
        3 => "illegal_ue",
        5 => "pei_not_accepted",
        6 => "illegal_me",
        7 => "5gs_services_not_allowed",
        9 => "ue_identity_cannot_be_derived",
        10 => "implicitly_deregistered",
        11 => "plmn_not_allowed",
        12 => "tracking_area_not_allowed",
        15 => "no_suitable_cells_in_tracking_area",
        20 => "mac_failure",
        21 => "synch_failure",
        22 => "congestion",
        23 => "ue_security_capabilities_mismatch",
        24 => "security_mode_rejected_unspecified",
        26 => "non_5g_authentication_unacceptable",
        62 => "no_network_slices_available",
        90 => "payload_was_not_forwarded",
        91 => "dnn_not_supported_or_not_subscribed_in_the_slice",
        95 => "semantically_incorrect_message",
        96 => "invalid_mandatory_information",
        97 => "message_type_non_existent",
        98 => "message_type_not_compatible",
        99 => "ie_non_existent",
        100 => "conditional_ie_error",
        101 => "message_not_compatible",
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
        m.reg_init.req.inc();
        m.reg_init.fail("illegal_ue");
        m.connected_gnbs.set(2);
        let text = m.render();
        assert!(text.contains("amf_rm_reg_init_req_total 1"), "{text}");
        assert_eq!(
            m.value("amf_rm_reg_init_fail_total{cause=\"illegal_ue\"}"),
            1
        );
        assert_eq!(m.value("amf_connected_gnbs"), 2);
        let shared = m.clone();
        m.reg_init.req.inc();
        assert_eq!(shared.value("amf_rm_reg_init_req_total"), 2);
    }
}
