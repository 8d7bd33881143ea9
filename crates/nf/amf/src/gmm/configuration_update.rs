//! Generic UE configuration update (TS 24.501 §5.4.4): 5G-GUTI reallocation and NITZ
//! (full network name, local time zone) in CONFIGURATION UPDATE COMMAND.

use std::time::Instant;

use ferrocore_nas::ies::{NetworkName, TimeZone};
use ferrocore_nas::types::{NasConfigurationUpdateCommand, NasConfigurationUpdateIndication};

use super::cause;
use crate::AmfError;
use crate::context::{Procedure, Retransmit, UeKey};
use crate::engine::Amf;
use crate::timers::TimerKind;

impl Amf {
    /// 5G-GUTI reallocation for a registered, connected UE (TS 24.501 §5.4.4.2):
    /// CONFIGURATION UPDATE COMMAND with a new 5G-GUTI (acknowledgement requested) and
    /// NITZ when configured; T3555.
    pub fn reallocate_guti(&mut self, now: Instant, supi: &str) -> Result<u32, AmfError> {
        let (key, ue) = self.registered_ue(supi)?;
        if ue.ran.is_none() {
            return Err(AmfError::Idle(supi.to_owned()));
        }
        if ue.procedure.is_some() {
            return Err(AmfError::Busy(supi.to_owned()));
        }
        self.metrics.guti_realloc.req.inc();
        let tmsi = self.ids.new_tmsi();
        let Some(guti) = self.guti_ie(tmsi) else {
            return Err(AmfError::UnknownUe(supi.to_owned()));
        };
        self.ids.by_tmsi.insert(tmsi, key);
        let c = &self.cfg.config;
        let mut m = NasConfigurationUpdateCommand::new()
            .with_configuration_update_indication(NasConfigurationUpdateIndication::from_flags(
                true, false,
            ))
            .with_fg_guti(guti);
        if let Some(name) = &c.full_network_name {
            m = m.with_full_name_for_network(NetworkName::new(name.as_str()).to_ie());
        }
        if let Some(tz) = c.time_zone_quarter_hours {
            m = m.with_local_time_zone(TimeZone::from_quarter_hours(tz).to_ie());
        }
        let Some(nas) = self.send_mm(key, m) else {
            self.ids.by_tmsi.remove(&tmsi);
            return Err(AmfError::Busy(supi.to_owned()));
        };
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.procedure = Some(Box::new(Procedure::ConfigurationUpdate {
                new_tmsi: tmsi,
                retransmit: Retransmit { nas, count: 0 },
            }));
        }
        self.start_timer(now, key, TimerKind::T3555);
        Ok(tmsi)
    }

    /// CONFIGURATION UPDATE COMPLETE (TS 24.501 §5.4.4.3): the new 5G-GUTI replaces the old.
    pub(crate) fn configuration_update_complete(&mut self, _now: Instant, key: UeKey) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let Some(Procedure::ConfigurationUpdate { new_tmsi, .. }) = ue.procedure.as_deref() else {
            self.send_gmm_status(key, cause::MESSAGE_NOT_COMPATIBLE_WITH_STATE);
            return;
        };
        let new = *new_tmsi;
        ue.procedure = None;
        if let Some(old) = ue.tmsi.replace(new)
            && old != new
        {
            self.ids.by_tmsi.remove(&old);
        }
        self.timers.stop(key, TimerKind::T3555);
        self.metrics.guti_realloc.succ.inc();
        tracing::info!("5G-GUTI reallocated");
    }

    /// T3555 expiry (TS 24.501 §5.4.4.5): retransmission, then the old 5G-GUTI stays.
    pub(crate) fn configuration_update_timer(&mut self, now: Instant, key: UeKey) {
        let max = self.cfg.config.max_retransmissions;
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let Some(Procedure::ConfigurationUpdate {
            new_tmsi,
            retransmit,
        }) = ue.procedure.as_deref_mut()
        else {
            return;
        };
        if let Some(nas) = retransmit.again(max) {
            self.retransmit(now, key, nas, TimerKind::T3555);
            return;
        }
        let new = *new_tmsi;
        ue.procedure = None;
        self.ids.by_tmsi.remove(&new);
        self.metrics.guti_realloc.fail("t3555_expiry");
    }
}
