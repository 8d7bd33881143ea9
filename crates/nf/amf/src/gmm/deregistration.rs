//! De-registration (TS 24.501 §5.5.2): UE-originated (switch off or normal),
//! network-initiated ([`Amf::deregister`]), and implicit (§5.3.7).

use std::time::Instant;

use ferrocore_nas::types::{
    NasDeRegistrationType, NasDeregistrationAcceptUeOriginating,
    NasDeregistrationRequestUeOriginating, NasDeregistrationRequestUeTerminated,
};

use super::cause;
use crate::AmfError;
use crate::context::{Procedure, Retransmit, RmState, UeKey};
use crate::engine::Amf;
use crate::timers::TimerKind;

/// De-registration type for a network-initiated de-registration: 3GPP access,
/// re-registration not required (TS 24.501 §9.11.3.20).
const NW_DEREG_3GPP: u8 = 0x01;

impl Amf {
    /// DEREGISTRATION REQUEST, UE originating (TS 24.501 §5.5.2.2): de-registered at once;
    /// DEREGISTRATION ACCEPT unless switched off; the NG connection is released.
    pub(crate) fn ue_deregistration(
        &mut self,
        _now: Instant,
        key: UeKey,
        d: NasDeregistrationRequestUeOriginating,
    ) {
        self.metrics.dereg_ue_init.inc();
        let switch_off = d.de_registration_type.switch_off();
        tracing::info!(switch_off, "UE-initiated de-registration");
        self.timers.stop_each(key, &TimerKind::NAS_TRANSACTION);
        if let Some(p) = self.ues.get_mut(&key).and_then(|u| u.procedure.take())
            && let Procedure::Registration(r) = *p
        {
            self.metrics.registration(r.kind).fail("deregistered");
        }
        self.set_rm(key, RmState::Deregistered);
        // Every SM context goes (TS 23.502 §4.2.2.3.2 step 2).
        self.release_all_sessions(key);
        if !switch_off {
            self.send_mm(key, NasDeregistrationAcceptUeOriginating::new());
        }
        self.release_nas(key, ferrocore_ngap::CauseNas::deregister);
    }

    /// Network-initiated de-registration of `supi` (TS 24.501 §5.5.2.3): DEREGISTRATION
    /// REQUEST with T3522 when the UE is CM-CONNECTED; locally when it is CM-IDLE (no
    /// paging in this AMF yet).
    pub fn deregister(&mut self, now: Instant, supi: &str) -> Result<(), AmfError> {
        let (key, _) = self.registered_ue(supi)?;
        self.metrics.dereg_nw_init.inc();
        // TS 23.502 §4.2.2.3.3 step 4: the SM contexts are released.
        self.release_all_sessions(key);
        let Some(ue) = self.ues.get(&key) else {
            return Ok(());
        };
        if ue.ran.is_none() {
            tracing::info!(
                supi,
                "network-initiated de-registration of an idle UE: local"
            );
            self.set_rm(key, RmState::Deregistered);
            self.timers.stop_each(key, &TimerKind::IDLE);
            self.start_timer(now, key, TimerKind::Purge);
            return Ok(());
        }
        if let Some(p) = self.ues.get_mut(&key).and_then(|u| u.procedure.take()) {
            self.procedure_aborted_by_release(now, key, *p);
        }
        let m =
            NasDeregistrationRequestUeTerminated::new(NasDeRegistrationType::new(NW_DEREG_3GPP));
        let Some(nas) = self.send_mm(key, m) else {
            return Ok(());
        };
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.procedure = Some(Box::new(Procedure::NetworkDeregistration(Retransmit {
                nas,
                count: 0,
            })));
        }
        self.start_timer(now, key, TimerKind::T3522);
        Ok(())
    }

    /// DEREGISTRATION ACCEPT, UE terminated (TS 24.501 §5.5.2.3.2).
    pub(crate) fn network_deregistration_accept(&mut self, _now: Instant, key: UeKey) {
        let waiting = self.ues.get(&key).is_some_and(|u| {
            matches!(
                u.procedure.as_deref(),
                Some(Procedure::NetworkDeregistration(_))
            )
        });
        if !waiting {
            self.send_gmm_status(key, cause::MESSAGE_NOT_COMPATIBLE_WITH_STATE);
            return;
        }
        self.timers.stop(key, TimerKind::T3522);
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.procedure = None;
        }
        self.set_rm(key, RmState::Deregistered);
        self.release_nas(key, ferrocore_ngap::CauseNas::deregister);
    }

    /// T3522 expiry (TS 24.501 §5.5.2.3.5): retransmission, then local de-registration.
    pub(crate) fn deregistration_timer(&mut self, now: Instant, key: UeKey) {
        let max = self.cfg.config.max_retransmissions;
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let Some(Procedure::NetworkDeregistration(r)) = ue.procedure.as_deref_mut() else {
            return;
        };
        if let Some(nas) = r.again(max) {
            self.retransmit(now, key, nas, TimerKind::T3522);
            return;
        }
        ue.procedure = None;
        self.set_rm(key, RmState::Deregistered);
        self.release_nas(key, ferrocore_ngap::CauseNas::deregister);
    }

    /// Implicit de-registration timer expiry (TS 24.501 §5.3.7).
    pub(crate) fn implicit_deregistration(&mut self, now: Instant, key: UeKey) {
        let Some(ue) = self.ues.get(&key) else {
            return;
        };
        if !ue.registered() || ue.ran.is_some() {
            return;
        }
        self.metrics.dereg_implicit.inc();
        tracing::info!(ue = %ue.label(), "implicitly de-registered");
        self.release_all_sessions(key);
        self.set_rm(key, RmState::Deregistered);
        self.start_timer(now, key, TimerKind::Purge);
    }
}
