//! The retransmission of 5GSM commands the UE has not answered (TS 24.501 §10.3: T3591
//! and T3592, 16 s): on each expiry the command goes again through N1N2MessageTransfer
//! (N1 only), four times; the fifth expiry ends the procedure (TS 24.501 §6.3.2.5 a,
//! §6.3.3.5 a).

use std::time::Instant;

use ferrocore_sbi::namf_communication::N1N2MessageTransfer;

use crate::SbiRequest;
use crate::context::{PendingCommand, Phase};
use crate::engine::{SbiPurpose, Smf};
use crate::metrics::TimerLabel;
use crate::timers::Timer;

/// Transmissions of a command: the first and four retransmissions.
const TRANSMISSIONS: u8 = 5;

impl Smf {
    /// T3591 expired: PDU SESSION MODIFICATION COMMAND again, or after the fifth expiry
    /// the modification is aborted.
    pub(crate) fn t3591_expired(&mut self, now: Instant, key: u64) {
        let t3591 = self.cfg.t3591;
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        let span = Self::span(ctx);
        let _e = span.enter();
        let Some(c) = ctx.modification.as_mut().and_then(|m| m.command.as_mut()) else {
            return;
        };
        if let Some(n1) = again(c) {
            self.timers.start(now + t3591, Timer::T3591(key));
            self.resend(key, "t3591", n1);
            return;
        }
        tracing::info!("T3591 expired a fifth time: PDU session modification aborted");
        self.nas_timeout("t3591");
        self.abort_modification(now, key, "t3591_expired");
    }

    /// T3592 expired: PDU SESSION RELEASE COMMAND again, or after the fifth expiry the
    /// PDU session is released locally.
    pub(crate) fn t3592_expired(&mut self, now: Instant, key: u64) {
        let t3592 = self.cfg.t3592;
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return;
        };
        if ctx.phase != Phase::ReleaseCommanded {
            return;
        }
        let span = Self::span(ctx);
        let _e = span.enter();
        if let Some(n1) = ctx.release_command.as_mut().and_then(again) {
            self.timers.start(now + t3592, Timer::T3592(key));
            self.resend(key, "t3592", n1);
            return;
        }
        tracing::info!("T3592 expired a fifth time: PDU session released locally");
        self.nas_timeout("t3592");
        self.remove_context(key);
    }

    /// Sends the command through N1N2MessageTransfer, N1 only.
    fn resend(&mut self, key: u64, timer: &'static str, n1: Vec<u8>) {
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        tracing::info!(timer, "5GSM command sent again");
        self.metrics
            .nas_retransmissions
            .get_or_create(&TimerLabel { timer })
            .inc();
        let transfer = N1N2MessageTransfer::sm(ctx.psi, Some(n1), None);
        let supi = ctx.supi.clone();
        self.sbi(
            key,
            SbiPurpose::Retransmission,
            SbiRequest::N1N2Transfer {
                ue_context_id: supi,
                transfer,
            },
        );
    }

    fn nas_timeout(&self, timer: &'static str) {
        self.metrics
            .nas_timeouts
            .get_or_create(&TimerLabel { timer })
            .inc();
    }
}

/// The command to send again, counted, or `None` when it has been sent as often as
/// allowed.
fn again(c: &mut PendingCommand) -> Option<Vec<u8>> {
    (c.transmissions < TRANSMISSIONS).then(|| {
        c.transmissions += 1;
        c.n1.clone()
    })
}
