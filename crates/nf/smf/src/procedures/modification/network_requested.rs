//! Network-requested PDU session modification (TS 24.501 §6.3.2, TS 23.502 §4.3.3.2
//! step 1e): a new Session-AMBR or default-flow QoS decided by the operator
//! ([`Smf::modify_session`]), carried out by the common steps with PTI 0.

use std::time::Instant;

use crate::context::ModificationOrigin;
use crate::engine::Smf;
use crate::qos::SessionQos;

impl Smf {
    /// Starts the modification of context `key` to `target` (checked by the caller).
    pub(crate) fn network_modification(&mut self, now: Instant, key: u64, target: SessionQos) {
        self.metrics.modification_nw.req.inc();
        let span = self.contexts.get(&key).map(Self::span);
        let _e = span.as_ref().map(|s| s.enter());
        tracing::info!(
            ambr_ul = target.ambr_ul,
            ambr_dl = target.ambr_dl,
            five_qi = target.five_qi,
            "network-requested PDU session modification"
        );
        // No PTI: the procedure is the network's (TS 24.501 §6.3.2.2).
        self.start_modification(now, key, ModificationOrigin::Network, 0, target, None);
    }
}
