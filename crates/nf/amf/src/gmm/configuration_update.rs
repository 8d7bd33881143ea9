//! Generic UE configuration update (TS 24.501 §5.4.4): 5G-GUTI reallocation and NITZ
//! (full network name, local time zone) in CONFIGURATION UPDATE COMMAND.

use std::time::Instant;

use ferrocore_nas::types::{
    NasConfigurationUpdateCommand, NasConfigurationUpdateIndication, NasNetworkName, NasTimeZone,
};

use super::cause;
use crate::AmfError;
use crate::context::{Procedure, Retransmit, UeKey};
use crate::engine::Amf;
use crate::timers::TimerKind;

/// Network name (TS 24.008 §10.5.3.5a) in UCS2: octet 3 = ext 1, coding scheme 001
/// (UCS2), no country initials, no spare bits; then the text in UTF-16 big endian.
pub(crate) fn network_name(name: &str) -> Vec<u8> {
    let mut v = vec![0x90];
    for u in name.encode_utf16() {
        v.extend_from_slice(&u.to_be_bytes());
    }
    v
}

/// Time zone (TS 24.008 §10.5.3.8, TS 23.040 §9.2.3.11): quarter hours in two swapped
/// BCD digits, bit 4 of the first semi-octet... set for a negative offset.
pub(crate) fn time_zone(quarter_hours: i8) -> u8 {
    let q = quarter_hours.unsigned_abs().min(79);
    let (tens, units) = (q / 10, q % 10);
    let sign = if quarter_hours < 0 { 0x08 } else { 0 };
    (units << 4) | tens | sign
}

impl Amf {
    /// 5G-GUTI reallocation for a registered, connected UE (TS 24.501 §5.4.4.2):
    /// CONFIGURATION UPDATE COMMAND with a new 5G-GUTI (acknowledgement requested) and
    /// NITZ when configured; T3555.
    pub fn reallocate_guti(&mut self, now: Instant, supi: &str) -> Result<u32, AmfError> {
        let key = *self
            .ids
            .by_supi
            .get(supi)
            .ok_or_else(|| AmfError::UnknownUe(supi.to_owned()))?;
        let ue = self
            .ues
            .get(&key)
            .ok_or_else(|| AmfError::UnknownUe(supi.to_owned()))?;
        if !ue.registered() {
            return Err(AmfError::NotRegistered(supi.to_owned()));
        }
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
            m = m.with_full_name_for_network(NasNetworkName::new(network_name(name)));
        }
        if let Some(tz) = c.time_zone_quarter_hours {
            m = m.with_local_time_zone(NasTimeZone::new(time_zone(tz)));
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
        let t = self.cfg.config.t3555_secs;
        self.timers.start(now, Amf::secs(t), key, TimerKind::T3555);
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
        if retransmit.count < max {
            retransmit.count += 1;
            let nas = retransmit.nas.clone();
            self.send_dl_nas(key, nas);
            let t = self.cfg.config.t3555_secs;
            self.timers.start(now, Amf::secs(t), key, TimerKind::T3555);
            return;
        }
        let new = *new_tmsi;
        ue.procedure = None;
        self.ids.by_tmsi.remove(&new);
        self.metrics.guti_realloc.fail("t3555_expiry");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nitz_encodings() {
        assert_eq!(network_name("ab"), [0x90, 0, b'a', 0, b'b']);
        // +1 hour = 4 quarter hours: digits 0 and 4, swapped.
        assert_eq!(time_zone(4), 0x40);
        // -5:30 = 22 quarter hours, negative.
        assert_eq!(time_zone(-22), 0x2a);
    }
}
