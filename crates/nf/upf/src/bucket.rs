//! MBR policing (TS 29.244 §5.4.1: the UP function enforces the QER's MBR; TS 23.501
//! §5.7.2.5 for the Session-AMBR, which the SMF installs as a session-wide QER).
//!
//! A token bucket in its GCRA form (the "virtual scheduling" of ITU-T I.371): one
//! atomic, the theoretical arrival time `tat`, so that every worker thread can police
//! the same session without a lock. A packet of `len` octets costs `len / rate` of
//! time; it conforms when `tat - now <= burst / rate`, and then `tat` advances by the
//! cost. Equivalent to a bucket of depth `burst` octets refilled at `rate`.
//! Time is nanoseconds on the caller's clock (tests pass a virtual one).

use std::sync::atomic::{AtomicU64, Ordering};

/// A shared token bucket. Non-conforming packets leave it unchanged (they are dropped).
#[derive(Debug)]
pub struct TokenBucket {
    /// Nanoseconds per octet, scaled by 2^8 (fixed point, so high rates stay exact).
    cost_per_octet: u64,
    /// The bucket depth expressed as time, in the same scaled nanoseconds.
    tolerance: u64,
    /// Theoretical arrival time, scaled nanoseconds.
    tat: AtomicU64,
}

const SCALE: u32 = 8;

impl TokenBucket {
    /// A bucket for `kbps` kbit/s (the unit of MBR, TS 29.244 §8.2.8) holding `burst`
    /// octets, full at time 0. `kbps` of 0 lets nothing through.
    pub fn new(kbps: u64, burst: u64) -> Self {
        // octets/s = kbps * 125; ns per octet = 1e9 / (kbps * 125) = 8e6 / kbps.
        let cost_per_octet = if kbps == 0 {
            u64::MAX
        } else {
            ((8_000_000u128 << SCALE) / u128::from(kbps)).max(1) as u64
        };
        let tolerance = cost_per_octet.saturating_mul(burst).min(u64::MAX / 4);
        TokenBucket {
            cost_per_octet,
            tolerance,
            tat: AtomicU64::new(0),
        }
    }

    /// The bucket depth for a rate: 500 ms worth of traffic, at least two 1500-octet
    /// packets. 3GPP defines bit rates over an averaging window (2000 ms by default, TS
    /// 23.501 §5.7.3) rather than a burst size; a quarter of it lets TCP, which sends in
    /// window-sized bursts, reach the rate (with 20 ms, a TCP flow policed at 20 Mbit/s
    /// reached about 2 Mbit/s: whole windows were dropped).
    pub fn default_burst(kbps: u64) -> u64 {
        (kbps * 125 / 2).max(3000)
    }

    /// Whether a packet of `len` octets at `now_ns` conforms; if so it is charged.
    /// Time wraps after 2^56 ns (2.3 years); comparisons are modular, so only a bucket
    /// left idle for over a year would misjudge once.
    #[inline]
    pub fn allow(&self, now_ns: u64, len: usize) -> bool {
        if self.cost_per_octet == u64::MAX {
            return false;
        }
        let now = now_ns.wrapping_mul(1 << SCALE);
        let cost = self.cost_per_octet.saturating_mul(len as u64);
        let mut tat = self.tat.load(Ordering::Relaxed);
        loop {
            let start = if (tat.wrapping_sub(now) as i64) > 0 {
                tat
            } else {
                now
            };
            let next = start.wrapping_add(cost);
            if next.wrapping_sub(now) > self.tolerance {
                return false;
            }
            match self
                .tat
                .compare_exchange_weak(tat, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return true,
                Err(t) => tat = t,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    #[test]
    fn full_bucket_passes_the_burst_then_polices_to_the_rate() {
        // 8 Mbit/s = 1,000,000 octets/s = 1 octet/us; depth 10,000 octets.
        let b = TokenBucket::new(8_000, 10_000);
        let t0 = 1000 * MS;
        let passed = (0..20).filter(|_| b.allow(t0, 1000)).count();
        assert_eq!(passed, 10, "the burst");
        assert!(!b.allow(t0, 1000));
        // 1 ms later: 1,000 octets of credit, one more packet.
        assert!(b.allow(t0 + MS, 1000));
        assert!(!b.allow(t0 + MS, 1000));
        // Over one virtual second at 2x the rate, about half passes.
        let mut ok = 0u64;
        for i in 0..2000u64 {
            if b.allow(t0 + 2 * MS + i * 500_000, 1000) {
                ok += 1000;
            }
        }
        assert!(
            (990_000..=1_011_000).contains(&ok),
            "{ok} octets in 1 s at 1 MB/s"
        );
    }

    #[test]
    fn idle_time_refills_only_up_to_the_depth() {
        let b = TokenBucket::new(8_000, 5_000);
        assert!(b.allow(0, 5_000));
        assert!(!b.allow(0, 1));
        // An hour idle gives no more than the depth.
        let t = 3600 * 1000 * MS; // modular time: fine far below 2^55 ns
        assert!(b.allow(t, 5_000));
        assert!(!b.allow(t, 1));
    }

    #[test]
    fn high_rates_stay_accurate() {
        // 10 Gbit/s with 64-octet packets: 1.25e9 octets/s.
        let b = TokenBucket::new(10_000_000, 64);
        let mut ok = 0u64;
        let mut t = 0;
        // Offer 2x the rate for 1 ms: 64 octets every 25.6 ns (2.5e9 o/s).
        for i in 0..39_062u64 {
            t = i * 256 / 10;
            if b.allow(t, 64) {
                ok += 64;
            }
        }
        let expected = 1_250_000u64 * t / MS; // octets at the rate over the span
        assert!(ok.abs_diff(expected) < expected / 100, "{ok} vs {expected}");
    }

    #[test]
    fn zero_rate_blocks() {
        let b = TokenBucket::new(0, 3000);
        assert!(!b.allow(0, 1));
        assert!(!b.allow(u64::MAX / 2, 1));
    }
}
