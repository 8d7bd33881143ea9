//! Identifier pools: local TEIDs (TS 29.244 §5.2.3.1, F-TEID allocation by the UP
//! function) and UE IPv4 addresses (§5.21, UE IP address allocation by the UP function).
//!
//! Both hand out values round-robin from a cursor and skip those in use, so a value is
//! never given out while live and a freed one is reused as late as possible (a stale
//! packet for an old session is unlikely to hit a new one).

use std::collections::HashSet;
use std::net::Ipv4Addr;

use foldhash::fast::RandomState;

/// A round-robin allocator over `first..=last` that never hands out a live value.
#[derive(Debug, Clone)]
pub struct Pool {
    first: u32,
    last: u32,
    next: u32,
    live: HashSet<u32, RandomState>,
}

impl Pool {
    /// A pool of `first..=last` (empty if `first > last`).
    pub fn new(first: u32, last: u32) -> Self {
        Pool {
            first,
            last,
            next: first,
            live: HashSet::default(),
        }
    }

    /// How many values are live.
    pub fn live(&self) -> usize {
        self.live.len()
    }

    /// How many values the pool holds in all.
    pub fn capacity(&self) -> u64 {
        if self.first > self.last {
            0
        } else {
            u64::from(self.last - self.first) + 1
        }
    }

    /// Whether `v` is live.
    pub fn is_live(&self, v: u32) -> bool {
        self.live.contains(&v)
    }

    /// The next free value, or `None` when all are live.
    pub fn allocate(&mut self) -> Option<u32> {
        if self.live.len() as u64 >= self.capacity() {
            return None;
        }
        // Terminates: at least one value in the range is free.
        loop {
            let v = self.next;
            self.next = if v >= self.last { self.first } else { v + 1 };
            if self.live.insert(v) {
                return Some(v);
            }
        }
    }

    /// Marks `v` live (a value the peer chose); false if it already was.
    pub fn claim(&mut self, v: u32) -> bool {
        self.live.insert(v)
    }

    /// Frees `v`.
    pub fn release(&mut self, v: u32) {
        self.live.remove(&v);
    }
}

/// UE IPv4 addresses from one prefix, minus its network and broadcast addresses.
#[derive(Debug, Clone)]
pub struct Ipv4Pool(Pool);

impl Ipv4Pool {
    /// The pool `net/bits` (bits 8..=30).
    pub fn new(net: Ipv4Addr, bits: u8) -> Self {
        let bits = bits.clamp(8, 30);
        let mask = u32::MAX << (32 - bits);
        let base = net.to_bits() & mask;
        Ipv4Pool(Pool::new(base + 1, (base | !mask) - 1))
    }

    pub fn allocate(&mut self) -> Option<Ipv4Addr> {
        self.0.allocate().map(Ipv4Addr::from_bits)
    }

    pub fn contains(&self, a: Ipv4Addr) -> bool {
        (self.0.first..=self.0.last).contains(&a.to_bits())
    }

    pub fn claim(&mut self, a: Ipv4Addr) -> bool {
        self.0.claim(a.to_bits())
    }

    pub fn release(&mut self, a: Ipv4Addr) {
        self.0.release(a.to_bits());
    }

    pub fn live(&self) -> usize {
        self.0.live()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_reuses_a_live_value_and_reuses_freed_ones_last() {
        let mut p = Pool::new(1, 4);
        let got: Vec<u32> = (0..4).filter_map(|_| p.allocate()).collect();
        assert_eq!(got, [1, 2, 3, 4]);
        assert_eq!(p.allocate(), None);
        p.release(2);
        assert_eq!(p.allocate(), Some(2));
        p.release(3);
        p.release(1);
        // The cursor is past 2: 3 comes before 1.
        assert_eq!(p.allocate(), Some(3));
        assert_eq!(p.allocate(), Some(1));
        assert_eq!(p.allocate(), None);
    }

    #[test]
    fn claimed_values_are_skipped() {
        let mut p = Pool::new(10, 12);
        assert!(p.claim(10));
        assert!(!p.claim(10));
        assert_eq!(p.allocate(), Some(11));
        assert_eq!(p.allocate(), Some(12));
        assert_eq!(p.allocate(), None);
        assert_eq!(Pool::new(5, 4).allocate(), None);
    }

    #[test]
    fn ipv4_pool_skips_network_and_broadcast() {
        let mut p = Ipv4Pool::new(Ipv4Addr::new(10, 45, 0, 0), 30);
        assert_eq!(p.allocate(), Some(Ipv4Addr::new(10, 45, 0, 1)));
        assert_eq!(p.allocate(), Some(Ipv4Addr::new(10, 45, 0, 2)));
        assert_eq!(p.allocate(), None);
        assert!(p.contains(Ipv4Addr::new(10, 45, 0, 2)));
        assert!(!p.contains(Ipv4Addr::new(10, 45, 0, 3)));
    }
}
