//! What the packet path and the control part share of one Usage Reporting Rule (TS 29.244
//! §5.2.2): the volume counted since the last usage report, the volume quota left, and
//! a few state flags, on one cache line ([`UrrCounters`]).
//!
//! The packet path counts every packet of the URR (`UrrCounters::account`) and learns
//! from the result when the control part must hear of it (a volume threshold crossed,
//! the volume quota used up, the first packet of a time measurement); it drops the URR's
//! packets while a quota is spent ([`UrrCounters::blocked`]). The control part reads and
//! resets the counters for a usage report (`UrrCounters::take`), installs quotas and
//! marks a time quota spent. Everything is atomic: no lock, nothing allocated.
//!
//! Quota granularity: the packet that uses up a volume quota is still forwarded (and
//! counted), every later packet of the URR is dropped; with several workers, each may
//! forward the one packet it had in hand when another used the quota up. A time quota is
//! spent when the control part's timer fires (its `handle_timeout`), the packets after
//! that are dropped.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};

use crate::sdf::Direction;
use crate::state::VolumeLimit;

/// [`UrrCounters::account`] result bits: the volume threshold was reached (the first
/// time since the last report).
pub(crate) const EV_THRESHOLD: u8 = 1;
/// The volume quota is used up (this packet blocked the URR).
pub(crate) const EV_QUOTA: u8 = 2;
/// The first packet since time metering was armed.
pub(crate) const EV_FIRST: u8 = 4;

/// State flags: a quota is spent, the URR's packets are dropped.
const BLOCKED: u32 = 1;
/// Time metering starts with the next packet.
const AWAIT_FIRST: u32 = 2;
/// The time quota is spent (set by the control part).
const TIME_SPENT: u32 = 4;
/// Volume quota parts in force: total, uplink, downlink (`quota[0..3]`).
const Q_TOTAL: u32 = 8;
const Q_UL: u32 = 16;
const Q_DL: u32 = 32;
const Q_ANY: u32 = Q_TOTAL | Q_UL | Q_DL;

/// Volume counted for one URR since its last report (TS 29.244 §5.2.2.2), its volume quota
/// left and its state. On a cache line of its own: the packet path touches nothing else
/// of the URR, and workers updating different sessions do not share lines.
#[derive(Debug, Default)]
#[repr(align(64))]
pub struct UrrCounters {
    pub(crate) ul_octets: AtomicU64,
    pub(crate) dl_octets: AtomicU64,
    pub(crate) ul_packets: AtomicU64,
    pub(crate) dl_packets: AtomicU64,
    /// Volume quota left (TS 29.244 §8.2.50), octets: total, uplink, downlink; only the
    /// parts flagged in `state` are in force. At or below zero: used up.
    quota: [AtomicI64; 3],
    state: AtomicU32,
    /// A threshold report is on its way to the control part.
    pub(crate) report_pending: AtomicBool,
}

const _: () = assert!(std::mem::size_of::<UrrCounters>() == 64);

/// Volumes taken out of a URR's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub ul_octets: u64,
    pub dl_octets: u64,
    pub ul_packets: u64,
    pub dl_packets: u64,
}

impl UrrCounters {
    /// Counts one packet of `octets` in `dir`. `limits`: the volume threshold in this
    /// direction and in total (`u64::MAX`: none). `watch`: the URR has a quota or waits
    /// for its first packet, so its state is looked at. Returns `EV_*` bits, each raised
    /// once until re-armed (a report, a new quota, a new time measurement).
    #[inline(always)]
    pub(crate) fn account(
        &self,
        dir: Direction,
        octets: u64,
        limits: (u64, u64),
        watch: bool,
    ) -> u8 {
        let (mine, other) = match dir {
            Direction::Uplink => {
                self.ul_packets.fetch_add(1, Ordering::Relaxed);
                (
                    self.ul_octets.fetch_add(octets, Ordering::Relaxed) + octets,
                    &self.dl_octets,
                )
            }
            Direction::Downlink => {
                self.dl_packets.fetch_add(1, Ordering::Relaxed);
                (
                    self.dl_octets.fetch_add(octets, Ordering::Relaxed) + octets,
                    &self.ul_octets,
                )
            }
        };
        let mut ev = if watch {
            self.watched_packet(dir, octets)
        } else {
            0
        };
        let (dir_limit, total_limit) = limits;
        if dir_limit != u64::MAX || total_limit != u64::MAX {
            let hit = mine >= dir_limit
                || (total_limit != u64::MAX && mine + other.load(Ordering::Relaxed) >= total_limit);
            if hit && !self.report_pending.swap(true, Ordering::AcqRel) {
                ev |= EV_THRESHOLD;
            }
        }
        ev
    }

    /// The state part of [`UrrCounters::account`]: first packet, volume quota.
    #[inline(always)]
    fn watched_packet(&self, dir: Direction, octets: u64) -> u8 {
        let st = self.state.load(Ordering::Relaxed);
        let mut ev = 0;
        if st & AWAIT_FIRST != 0
            && self.state.fetch_and(!AWAIT_FIRST, Ordering::AcqRel) & AWAIT_FIRST != 0
        {
            ev |= EV_FIRST;
        }
        if st & Q_ANY != 0 {
            let o = i64::try_from(octets).unwrap_or(i64::MAX);
            let mut spent = false;
            if st & Q_TOTAL != 0 {
                spent |= self.quota[0].fetch_sub(o, Ordering::Relaxed) <= o;
            }
            let (bit, i) = match dir {
                Direction::Uplink => (Q_UL, 1),
                Direction::Downlink => (Q_DL, 2),
            };
            if st & bit != 0 {
                spent |= self.quota[i].fetch_sub(o, Ordering::Relaxed) <= o;
            }
            if spent && self.state.fetch_or(BLOCKED, Ordering::AcqRel) & BLOCKED == 0 {
                ev |= EV_QUOTA;
            }
        }
        ev
    }

    /// Whether a quota of the URR is spent: its packets are dropped (TS 29.244 §5.2.2.2).
    #[inline(always)]
    pub fn blocked(&self) -> bool {
        self.state.load(Ordering::Relaxed) & BLOCKED != 0
    }

    /// Reads and resets the counters (for a usage report).
    pub(crate) fn take(&self) -> Usage {
        Usage {
            ul_octets: self.ul_octets.swap(0, Ordering::Relaxed),
            dl_octets: self.dl_octets.swap(0, Ordering::Relaxed),
            ul_packets: self.ul_packets.swap(0, Ordering::Relaxed),
            dl_packets: self.dl_packets.swap(0, Ordering::Relaxed),
        }
    }

    /// Reads without resetting.
    pub(crate) fn peek(&self) -> Usage {
        Usage {
            ul_octets: self.ul_octets.load(Ordering::Relaxed),
            dl_octets: self.dl_octets.load(Ordering::Relaxed),
            ul_packets: self.ul_packets.load(Ordering::Relaxed),
            dl_packets: self.dl_packets.load(Ordering::Relaxed),
        }
    }

    /// Installs a volume quota (TS 29.244 §8.2.50; `None`: none), replacing what was
    /// left of the previous one. The URR forwards again unless a quota is still spent.
    pub(crate) fn set_volume_quota(&self, q: Option<VolumeLimit>) {
        let parts = [
            q.and_then(|q| q.total),
            q.and_then(|q| q.uplink),
            q.and_then(|q| q.downlink),
        ];
        let mut bits = 0;
        for (i, (part, bit)) in parts.iter().zip([Q_TOTAL, Q_UL, Q_DL]).enumerate() {
            if let Some(v) = part {
                self.quota[i].store(i64::try_from(*v).unwrap_or(i64::MAX), Ordering::Relaxed);
                bits |= bit;
            }
        }
        self.update(|st| st & !Q_ANY | bits);
    }

    /// Marks the time quota spent (TS 29.244 §8.2.51) or renewed.
    pub(crate) fn set_time_spent(&self, spent: bool) {
        self.update(|st| {
            if spent {
                st | TIME_SPENT
            } else {
                st & !TIME_SPENT
            }
        });
    }

    /// Time metering starts with the URR's next packet: [`EV_FIRST`] then.
    pub(crate) fn await_first_packet(&self) {
        self.state.fetch_or(AWAIT_FIRST, Ordering::AcqRel);
    }

    /// Applies `f` to the state flags and recomputes [`BLOCKED`] from the quotas.
    fn update(&self, f: impl Fn(u32) -> u32) {
        let _ = self
            .state
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |st| {
                let st = f(st);
                let volume_spent = [Q_TOTAL, Q_UL, Q_DL]
                    .iter()
                    .zip(&self.quota)
                    .any(|(bit, q)| st & bit != 0 && q.load(Ordering::Relaxed) <= 0);
                Some(if st & TIME_SPENT != 0 || volume_spent {
                    st | BLOCKED
                } else {
                    st & !BLOCKED
                })
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: (u64, u64) = (u64::MAX, u64::MAX);

    #[test]
    fn volume_quota_blocks_after_the_packet_that_uses_it_up() {
        let c = UrrCounters::default();
        c.set_volume_quota(Some(VolumeLimit {
            total: Some(2500),
            uplink: None,
            downlink: Some(1000),
        }));
        assert_eq!(c.account(Direction::Uplink, 1000, NONE, true), 0);
        assert!(!c.blocked());
        // The downlink part: 1000 octets, used up exactly by this packet.
        assert_eq!(c.account(Direction::Downlink, 1000, NONE, true), EV_QUOTA);
        assert!(c.blocked());
        // Raised once.
        assert_eq!(c.account(Direction::Downlink, 10, NONE, true), 0);
        // A new quota lifts the block; the total part then runs out first.
        c.set_volume_quota(Some(VolumeLimit {
            total: Some(100),
            uplink: None,
            downlink: None,
        }));
        assert!(!c.blocked());
        assert_eq!(c.account(Direction::Uplink, 99, NONE, true), 0);
        assert_eq!(c.account(Direction::Uplink, 1, NONE, true), EV_QUOTA);
        // A zero quota blocks at once.
        c.set_volume_quota(Some(VolumeLimit {
            total: Some(0),
            uplink: None,
            downlink: None,
        }));
        assert!(c.blocked());
        c.set_volume_quota(None);
        assert!(!c.blocked());
    }

    #[test]
    fn time_quota_and_volume_quota_hold_the_block_together() {
        let c = UrrCounters::default();
        c.set_time_spent(true);
        assert!(c.blocked());
        c.set_volume_quota(Some(VolumeLimit {
            total: Some(10),
            uplink: None,
            downlink: None,
        }));
        assert!(c.blocked(), "the time quota is still spent");
        c.set_time_spent(false);
        assert!(!c.blocked());
    }

    #[test]
    fn first_packet_and_threshold_are_raised_once() {
        let c = UrrCounters::default();
        c.await_first_packet();
        assert_eq!(
            c.account(Direction::Uplink, 100, (u64::MAX, 150), true),
            EV_FIRST
        );
        assert_eq!(
            c.account(Direction::Downlink, 100, (u64::MAX, 150), true),
            EV_THRESHOLD
        );
        assert_eq!(
            c.account(Direction::Downlink, 100, (u64::MAX, 150), true),
            0
        );
        assert_eq!(
            c.take(),
            Usage {
                ul_octets: 100,
                dl_octets: 200,
                ul_packets: 1,
                dl_packets: 2
            }
        );
        // Not watched: the state is not looked at.
        c.await_first_packet();
        assert_eq!(c.account(Direction::Uplink, 1, NONE, false), 0);
    }
}
