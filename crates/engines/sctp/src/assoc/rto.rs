//! Retransmission timeout estimation (RFC 9260 §6.3.1).

use crate::Config;
use std::time::Duration;

#[derive(Debug, Clone)]
pub(crate) struct Rto {
    srtt: Option<Duration>,
    rttvar: Duration,
    rto: Duration,
    min: Duration,
    max: Duration,
}

impl Rto {
    pub(crate) fn new(cfg: &Config) -> Self {
        Self {
            srtt: None,
            rttvar: Duration::ZERO,
            rto: cfg.rto_initial.clamp(cfg.rto_min, cfg.rto_max),
            min: cfg.rto_min,
            max: cfg.rto_max,
        }
    }

    pub(crate) fn get(&self) -> Duration {
        self.rto
    }

    /// Feeds one RTT measurement R (C2, C3 of §6.3.1; α = 1/8, β = 1/4).
    pub(crate) fn measure(&mut self, r: Duration) {
        match self.srtt {
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2;
            }
            Some(srtt) => {
                let diff = srtt.abs_diff(r);
                self.rttvar = self.rttvar * 3 / 4 + diff / 4;
                self.srtt = Some(srtt * 7 / 8 + r / 8);
            }
        }
        let srtt = self.srtt.unwrap_or(r);
        self.rto = (srtt + 4 * self.rttvar).clamp(self.min, self.max);
    }

    /// Doubles the RTO after a timer expiry (§6.3.3 E2), up to RTO.Max.
    pub(crate) fn back_off(&mut self) {
        self.rto = (self.rto * 2).min(self.max);
    }

    pub(crate) fn srtt(&self) -> Option<Duration> {
        self.srtt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_formulas() {
        let cfg = Config {
            rto_min: Duration::from_millis(10),
            ..Config::default()
        };
        let mut r = Rto::new(&cfg);
        assert_eq!(r.get(), Duration::from_secs(1));
        r.measure(Duration::from_millis(100));
        // SRTT = 100, RTTVAR = 50, RTO = 300.
        assert_eq!(r.get(), Duration::from_millis(300));
        r.measure(Duration::from_millis(100));
        // RTTVAR = 37.5, SRTT = 100, RTO = 250.
        assert_eq!(r.get(), Duration::from_millis(250));
        r.back_off();
        assert_eq!(r.get(), Duration::from_millis(500));
        for _ in 0..20 {
            r.back_off();
        }
        assert_eq!(r.get(), Duration::from_secs(60));
    }
}
