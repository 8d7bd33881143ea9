//! PFCP Session Reports (TS 29.244 §7.5.8): usage reports counted, downlink data
//! reports of idle sessions turned into paging (TS 23.502 §4.2.3.3), error indication
//! reports handed to their procedure (`error_indication`).

use std::time::Instant;

use ferrocore_pfcp::message::{SessionReportRequest, SessionReportResponse};
use ferrocore_pfcp::{Cause as PfcpCause, IeType};
use ferrocore_sbi::namf_communication::{N1N2MessageTransfer, NgapIeType};

use crate::SbiRequest;
use crate::context::{Phase, UpState};
use crate::engine::{SbiPurpose, Smf};
use crate::n1n2;
use crate::rules::{REPORT_DLDR, REPORT_ERIR, REPORT_USAR};

/// A Session Report Response with `cause` and nothing else.
fn answer(cause: PfcpCause, offending_ie: Option<IeType>) -> SessionReportResponse {
    SessionReportResponse {
        cause,
        offending_ie,
        update_bar: None,
        srrsp_flags: None,
    }
}

impl Smf {
    /// PFCP Session Report Request (TS 29.244 §7.5.8; TS 23.502 §4.2.3.3 steps 2-3): usage
    /// reports counted; a downlink data report of an idle session becomes an
    /// N1N2MessageTransfer with the N2 SM information only, so that the AMF pages the UE;
    /// an error indication report deactivates the user plane (TS 23.527 §5.3). Gives the
    /// UPF's SEID and the answer: Request accepted whatever is done with the report,
    /// Session context not found for an unknown SEID, Conditional IE missing for ERIR
    /// without its Error Indication Report (Table 7.5.8.1-1).
    pub(crate) fn on_session_report(
        &mut self,
        now: Instant,
        seid: u64,
        r: SessionReportRequest,
    ) -> (u64, SessionReportResponse) {
        let erir = r.report_type & REPORT_ERIR != 0;
        let Some(ctx) = self.contexts.get(&seid) else {
            if erir {
                self.count_error_indication("unknown_session");
            }
            return (0, answer(PfcpCause::SESSION_CONTEXT_NOT_FOUND, None));
        };
        let span = Self::span(ctx);
        let _e = span.enter();
        let peer = ctx.up_seid.unwrap_or(0);
        if erir && r.error_indication_report.is_none() {
            tracing::warn!("ERIR without an Error Indication Report: rejected");
            return (
                peer,
                answer(
                    PfcpCause::CONDITIONAL_IE_MISSING,
                    Some(IeType::ERROR_INDICATION_REPORT),
                ),
            );
        }
        if r.report_type & REPORT_USAR != 0 {
            self.account_usage(seid, &r.usage_reports);
        }
        if let Some(report) = r.error_indication_report.as_ref().filter(|_| erir) {
            self.on_error_indication_report(now, seid, report);
        }
        if r.report_type & REPORT_DLDR != 0 {
            self.metrics.dl_data_reports.inc();
            let Some(ctx) = self.contexts.get_mut(&seid) else {
                return (peer, answer(PfcpCause::REQUEST_ACCEPTED, None));
            };
            if ctx.up == UpState::Deactivated && !ctx.paging && ctx.phase == Phase::Ready {
                match n1n2::setup_request_transfer(ctx) {
                    Ok(n2) => {
                        ctx.paging = true;
                        tracing::info!(
                            "downlink data for an idle UE: N1N2MessageTransfer (N2 only) to page it"
                        );
                        let mut transfer = N1N2MessageTransfer::sm(
                            ctx.psi,
                            None,
                            Some((NgapIeType::PduResSetupReq, n2)),
                        );
                        transfer.data.five_qi = Some(ctx.qos.five_qi);
                        if let Some(sm) = transfer
                            .data
                            .n2_info_container
                            .as_mut()
                            .and_then(|c| c.sm_info.as_mut())
                        {
                            sm.s_nssai = Some(ctx.snssai.clone());
                        }
                        let supi = ctx.supi.clone();
                        self.sbi(
                            seid,
                            SbiPurpose::Paging,
                            SbiRequest::N1N2Transfer {
                                ue_context_id: supi,
                                transfer,
                            },
                        );
                    }
                    Err(e) => tracing::error!(error = %e, "N2 SM information does not build"),
                }
            } else {
                tracing::info!(up = ?ctx.up, paging = ctx.paging, phase = ?ctx.phase, "downlink data report: no paging needed");
            }
        }
        (peer, answer(PfcpCause::REQUEST_ACCEPTED, None))
    }

    pub(super) fn account_usage(&mut self, key: u64, reports: &[ferrocore_pfcp::ie::UsageReport]) {
        for u in reports {
            self.metrics.usage_reports.inc();
            let Some(v) = &u.volume_measurement else {
                continue;
            };
            let (ul, dl) = (v.uplink.unwrap_or(0), v.downlink.unwrap_or(0));
            self.metrics.usage_ul_octets.inc_by(ul);
            self.metrics.usage_dl_octets.inc_by(dl);
            if let Some(c) = self.contexts.get_mut(&key) {
                c.usage_ul = c.usage_ul.saturating_add(ul);
                c.usage_dl = c.usage_dl.saturating_add(dl);
            }
        }
    }
}
