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

/// Local TEIDs that index the data plane's flat TEID table directly
/// ([`crate::flat::FlatTable`]): a TEID is `first + (generation << SLOT_BITS | slot)`.
///
/// Slots are dense (a freed slot is reused, oldest freed first, before a new one is
/// opened), so the live TEIDs' low bits are distinct and each TEID has its table slot to
/// itself: one lookup, one cache line. Each reuse of a slot bumps its generation, so a
/// TEID of a deleted session differs from the one that reuses its slot (for the next
/// `generations - 1` reuses of that slot): a stale packet meets Unknown TEID, never the
/// new session. TEIDs the SMF chooses itself are only marked live.
///
/// Ranges too small for 16 generations of [`SLOT_BITS`] slots fall back to the
/// round-robin [`Pool`].
#[derive(Debug, Clone)]
pub enum TeidPool {
    Dense(DenseTeids),
    RoundRobin(Pool),
}

/// Slot bits of a dense TEID: up to 16 M live TEIDs.
pub const SLOT_BITS: u32 = 24;

/// See [`TeidPool`].
#[derive(Debug, Clone)]
pub struct DenseTeids {
    first: u32,
    generations: u32,
    /// Generation of each opened slot.
    generation: Vec<u8>,
    /// Freed slots, oldest first.
    free: std::collections::VecDeque<u32>,
    /// Live TEIDs; `true` for those allocated here (their slot is ours).
    live: std::collections::HashMap<u32, bool, RandomState>,
}

impl TeidPool {
    /// A pool of `first..=last` (empty if `first > last`).
    pub fn new(first: u32, last: u32) -> Self {
        let range = if first > last {
            0
        } else {
            u64::from(last - first) + 1
        };
        let generations = range >> SLOT_BITS;
        if generations >= 16 {
            TeidPool::Dense(DenseTeids {
                first,
                generations: generations.min(256) as u32,
                generation: Vec::new(),
                free: Default::default(),
                live: Default::default(),
            })
        } else {
            TeidPool::RoundRobin(Pool::new(first, last))
        }
    }

    pub fn live(&self) -> usize {
        match self {
            TeidPool::Dense(d) => d.live.len(),
            TeidPool::RoundRobin(p) => p.live(),
        }
    }

    pub fn is_live(&self, v: u32) -> bool {
        match self {
            TeidPool::Dense(d) => d.live.contains_key(&v),
            TeidPool::RoundRobin(p) => p.is_live(v),
        }
    }

    /// A free TEID, or `None` when all are live.
    pub fn allocate(&mut self) -> Option<u32> {
        let d = match self {
            TeidPool::Dense(d) => d,
            TeidPool::RoundRobin(p) => return p.allocate(),
        };
        // A freed slot at its next generation, else a new slot; a value the SMF claimed
        // meanwhile is skipped (that slot moves on to its next generation).
        for _ in 0..d.free.len() {
            let Some(slot) = d.free.pop_front() else {
                break;
            };
            if let Some(t) = d.take(slot) {
                return Some(t);
            }
        }
        while d.generation.len() < 1 << SLOT_BITS {
            d.generation.push(0);
            if let Some(t) = d.take((d.generation.len() - 1) as u32) {
                return Some(t);
            }
        }
        None
    }

    /// Marks `v` live (a value the peer chose); false if it already was.
    pub fn claim(&mut self, v: u32) -> bool {
        match self {
            TeidPool::Dense(d) => {
                if d.live.contains_key(&v) {
                    return false;
                }
                d.live.insert(v, false);
                true
            }
            TeidPool::RoundRobin(p) => p.claim(v),
        }
    }

    /// Frees `v`.
    pub fn release(&mut self, v: u32) {
        match self {
            TeidPool::Dense(d) => {
                if d.live.remove(&v) == Some(true) {
                    let slot = v.wrapping_sub(d.first) & ((1 << SLOT_BITS) - 1);
                    d.bump(slot);
                }
            }
            TeidPool::RoundRobin(p) => p.release(v),
        }
    }
}

impl DenseTeids {
    /// The TEID of `slot` at its generation, made live; `None` if the SMF claimed it.
    fn take(&mut self, slot: u32) -> Option<u32> {
        let g = u32::from(self.generation[slot as usize]);
        let teid = self.first.wrapping_add(g << SLOT_BITS | slot);
        if self.live.contains_key(&teid) {
            self.bump(slot);
            return None;
        }
        self.live.insert(teid, true);
        Some(teid)
    }

    /// Next generation of `slot`, which goes to the back of the free queue.
    fn bump(&mut self, slot: u32) {
        let g = &mut self.generation[slot as usize];
        *g = ((u32::from(*g) + 1) % self.generations) as u8;
        self.free.push_back(slot);
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

    #[test]
    fn dense_teids_reuse_slots_with_a_new_generation() {
        let mut p = TeidPool::new(1, u32::MAX);
        assert!(matches!(p, TeidPool::Dense(_)));
        let a: Vec<u32> = (0..4).map(|_| p.allocate().unwrap()).collect();
        assert_eq!(a, [1, 2, 3, 4]);
        p.release(2);
        p.release(4);
        // Slot 1 again (oldest freed), at generation 1: never the stale value.
        let b = p.allocate().unwrap();
        assert_eq!(b, 1 + (1 << SLOT_BITS | 1));
        assert_eq!(p.allocate().unwrap(), 1 + (1 << SLOT_BITS | 3));
        // Then a new slot.
        assert_eq!(p.allocate().unwrap(), 5);
        assert_eq!(p.live(), 5);
        assert!(!p.is_live(2) && p.is_live(b));
        // A claimed value is skipped by the allocator; a double claim fails.
        p.release(3);
        assert!(p.claim(1 + (1 << SLOT_BITS | 2)));
        assert!(!p.claim(1 + (1 << SLOT_BITS | 2)));
        assert_eq!(p.allocate().unwrap(), 6);
        assert_eq!(p.allocate().unwrap(), 1 + (2 << SLOT_BITS | 2));
        // Releasing a claimed value frees no slot.
        p.release(1 + (1 << SLOT_BITS | 2));
        assert_eq!(p.allocate().unwrap(), 7);
    }

    #[test]
    fn dense_teids_generations_wrap_and_small_ranges_round_robin() {
        let mut p = TeidPool::new(1, u32::MAX);
        let t0 = p.allocate().unwrap();
        let mut seen = HashSet::new();
        seen.insert(t0);
        let mut t = t0;
        for _ in 0..254 {
            p.release(t);
            t = p.allocate().unwrap();
            assert!(seen.insert(t), "a slot's 255 generations are distinct");
        }
        p.release(t);
        assert_eq!(p.allocate(), Some(t0), "then the generation wraps");
        assert!(matches!(TeidPool::new(1, 1 << 20), TeidPool::RoundRobin(_)));
        let mut q = TeidPool::new(5, 6);
        assert_eq!(
            (q.allocate(), q.allocate(), q.allocate()),
            (Some(5), Some(6), None)
        );
    }
}
