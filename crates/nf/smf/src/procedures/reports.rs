//! PFCP Session Reports (TS 29.244 §7.5.8): usage reports counted, downlink data
//! reports of idle sessions turned into paging (TS 23.502 §4.2.3.3).

use std::time::Instant;

use ferrocore_pfcp::Cause as PfcpCause;
use ferrocore_pfcp::message::SessionReportRequest;
use ferrocore_sbi::namf_communication::{N1N2MessageTransfer, NgapIeType};

use crate::SbiRequest;
use crate::context::{Phase, UpState};
use crate::engine::{SbiPurpose, Smf};
use crate::n1n2;
use crate::rules::{REPORT_DLDR, REPORT_USAR};

impl Smf {
    /// PFCP Session Report Request (TS 29.244 §7.5.8; TS 23.502 §4.2.3.3 steps 2-3): usage
    /// reports counted; a downlink data report of an idle session becomes an
    /// N1N2MessageTransfer with the N2 SM information only, so that the AMF pages the UE.
    /// Gives the Cause and the UPF's SEID for the answer.
    pub(crate) fn on_session_report(
        &mut self,
        _now: Instant,
        seid: u64,
        r: SessionReportRequest,
    ) -> (PfcpCause, u64) {
        let Some(ctx) = self.contexts.get(&seid) else {
            return (PfcpCause::SESSION_CONTEXT_NOT_FOUND, 0);
        };
        let span = Self::span(ctx);
        let _e = span.enter();
        let peer = ctx.up_seid.unwrap_or(0);
        if r.report_type & REPORT_USAR != 0 {
            self.account_usage(seid, &r.usage_reports);
        }
        if r.report_type & REPORT_DLDR != 0 {
            self.metrics.dl_data_reports.inc();
            let Some(ctx) = self.contexts.get_mut(&seid) else {
                return (PfcpCause::REQUEST_ACCEPTED, peer);
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
        (PfcpCause::REQUEST_ACCEPTED, peer)
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
