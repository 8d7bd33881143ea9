//! Error Indication Reports (TS 29.244 §7.5.8.4): the gNB answered downlink G-PDUs with a
//! GTP-U Error Indication (TS 29.281 §7.3.1), it has no context for the session's N3
//! tunnel. Restoration as TS 23.527 §5.3 for an Error Indication received from the
//! 5G-AN: the DL FAR buffers and notifies, as after an AN release; with the user plane
//! seen as active, the AN resources of the session are released through the AMF (the
//! CN-initiated deactivation of TS 23.502 §4.3.7). Downlink data then brings a
//! downlink data report, paging or a new setup, and the UE's next Service Request a new
//! tunnel.
//!
//! Only the session's current tunnel counts: a report naming a tunnel the session has
//! since left changes nothing. While another procedure of the session is under way the
//! report is left to it: the UPF reports again once that procedure has modified the
//! session (it reports an F-TEID once per modification).

use std::net::IpAddr;
use std::time::Instant;

use ferrocore_pfcp::ie::{ErrorIndicationReport, Fteid};
use ferrocore_sbi::namf_communication::{N1N2MessageTransfer, NgapIeType};

use crate::SbiRequest;
use crate::context::{Phase, UpState};
use crate::engine::{SbiPurpose, Smf};
use crate::metrics::OutcomeLabel;
use crate::n1n2;

/// Whether a remote F-TEID of the report is the tunnel (TEID, address).
fn names(f: &Fteid, (teid, addr): (u32, IpAddr)) -> bool {
    match *f {
        Fteid::Assigned {
            teid: t,
            ipv4,
            ipv6,
        } => {
            t == teid
                && match addr {
                    IpAddr::V4(a) => ipv4 == Some(a),
                    IpAddr::V6(a) => ipv6 == Some(a),
                }
        }
        Fteid::Choose { .. } => false,
    }
}

impl Smf {
    pub(super) fn count_error_indication(&self, outcome: &'static str) {
        self.metrics
            .error_indication_reports
            .get_or_create(&OutcomeLabel { outcome })
            .inc();
    }

    /// Error Indication Report of context `key` (TS 29.244 §7.5.8.4; TS 23.527 §5.3 step
    /// 4): the session's current N3 tunnel named, its user plane active and no other
    /// procedure under way: PFCP Session Modification, DL FAR buffer + notify the CP.
    pub(super) fn on_error_indication_report(
        &mut self,
        now: Instant,
        key: u64,
        report: &ErrorIndicationReport,
    ) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let current = ctx
            .an_tunnel
            .filter(|&t| report.remote_fteids.iter().any(|f| names(f, t)));
        let Some((teid, addr)) = current else {
            tracing::info!(
                reported = ?report.remote_fteids,
                tunnel = ?ctx.an_tunnel,
                "error indication report for a tunnel the session no longer uses: ignored"
            );
            return self.count_error_indication("stale_tunnel");
        };
        if ctx.phase != Phase::Ready {
            tracing::info!(teid, %addr, phase = ?ctx.phase, "error indication report during another procedure: left to it");
            return self.count_error_indication("procedure_ongoing");
        }
        if ctx.up != UpState::Activated {
            tracing::info!(teid, %addr, up = ?ctx.up, "error indication report with the user plane not active: ignored");
            return self.count_error_indication("stale_tunnel");
        }
        tracing::warn!(
            teid,
            %addr,
            "the gNB has no context for the N3 tunnel (GTP-U Error Indication): user plane deactivated"
        );
        self.count_error_indication("deactivated");
        self.deactivate_on_upf(now, key, None);
    }

    /// The UPF has taken (`ok`) the deactivation of an Error Indication Report: the AN
    /// resources are released through the AMF, N2 SM information only (TS 23.527 §5.3
    /// step 5, TS 23.502 §4.3.7). An AN release that came meanwhile took this path's
    /// place (see `join_deactivation`).
    pub(super) fn deactivated_by_smf(&mut self, key: u64, ok: bool) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        if !ok {
            tracing::warn!(
                "the UPF did not take the deactivation: downlink data still goes to the dead tunnel"
            );
            return;
        }
        match n1n2::tunnel_lost_release_transfer() {
            Ok(n2) => {
                tracing::info!(
                    "N1N2MessageTransfer (PDU Session Resource Release Command Transfer): AN resources released"
                );
                let transfer =
                    N1N2MessageTransfer::sm(ctx.psi, None, Some((NgapIeType::PduResRelCmd, n2)));
                let supi = ctx.supi.clone();
                self.sbi(
                    key,
                    SbiPurpose::AnRelease,
                    SbiRequest::N1N2Transfer {
                        ue_context_id: supi,
                        transfer,
                    },
                );
            }
            Err(e) => tracing::error!(error = %e, "N2 release command transfer does not build"),
        }
    }
}
