//! A flat, open-addressing, copy-on-write map from a `u32` key (a local TEID, a UE IPv4
//! address) to a compact record stored inline, for the packet path.
//!
//! - **One probe, one cache line.** The slot of a key is `key & mask`: no hashing. The
//!   keys the UPF hands out itself are dense (TEIDs from [`crate::pool::TeidPool`]:
//!   a slot number in the low bits and a generation above; UE addresses from one
//!   prefix), so each lands in its own slot and a lookup reads exactly one record. Keys
//!   chosen by the SMF land wherever their low bits say; collisions probe linearly.
//! - **Generation check.** A slot holds the whole key, compared on lookup: a stale TEID
//!   of a deleted session (same slot, older generation) never matches the session that
//!   reuses the slot.
//! - **Copy-on-write in chunks.** The slots are split into [`CHUNK`]-slot chunks behind
//!   `Arc`s: a snapshot clone costs one `Arc` clone per chunk, and the first write to a
//!   chunk after a publish copies that chunk only. Readers never wait.
//! - Load factor at most 1/2; the table doubles (and rebuilds) when it is reached.
//!   Deletion shifts the following cluster back (no tombstones).

use std::sync::Arc;

/// Slots per copy-on-write chunk (a power of two). 256 slots of one 64-octet line =
/// 16 KiB.
pub const CHUNK: usize = 256;
const CHUNK_BITS: u32 = CHUNK.trailing_zeros();
const MIN_SLOTS: usize = CHUNK;

/// A record the table can hold: it knows its key.
pub trait Keyed: Clone {
    fn key(&self) -> u32;
}

/// See the module documentation.
#[derive(Clone)]
pub struct FlatTable<T: Keyed> {
    chunks: Box<[Arc<[Option<T>]>]>,
    mask: u32,
    len: usize,
}

impl<T: Keyed> Default for FlatTable<T> {
    fn default() -> Self {
        Self::with_slots(MIN_SLOTS)
    }
}

impl<T: Keyed> FlatTable<T> {
    fn with_slots(slots: usize) -> Self {
        debug_assert!(slots.is_power_of_two() && slots >= CHUNK);
        FlatTable {
            chunks: (0..slots / CHUNK)
                .map(|_| (0..CHUNK).map(|_| None).collect())
                .collect(),
            mask: (slots - 1) as u32,
            len: 0,
        }
    }

    /// Keys held.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Slots (a power of two).
    pub fn slots(&self) -> usize {
        self.mask as usize + 1
    }

    #[inline(always)]
    fn slot(&self, i: u32) -> &Option<T> {
        &self.chunks[(i >> CHUNK_BITS) as usize][i as usize & (CHUNK - 1)]
    }

    #[inline(always)]
    fn slot_mut(&mut self, i: u32) -> &mut Option<T> {
        let c = &mut self.chunks[(i >> CHUNK_BITS) as usize];
        &mut Arc::make_mut(c)[i as usize & (CHUNK - 1)]
    }

    /// The record of `key`.
    #[inline(always)]
    pub fn get(&self, key: u32) -> Option<&T> {
        let mut i = key & self.mask;
        loop {
            match self.slot(i) {
                Some(r) if r.key() == key => return Some(r),
                Some(_) => i = (i + 1) & self.mask,
                None => return None,
            }
        }
    }

    /// Reads the home slot of `key` and returns a word of it, without following the
    /// probe sequence: issued for a whole batch first, so that the misses overlap
    /// (software pipelining without prefetch intrinsics).
    #[inline(always)]
    pub fn touch(&self, key: u32) -> u32 {
        match self.slot(key & self.mask) {
            Some(r) => r.key(),
            None => 0,
        }
    }

    /// Inserts or replaces the record of `r.key()`.
    pub fn insert(&mut self, r: T) {
        if (self.len + 1) * 2 > self.slots() {
            self.grow();
        }
        let key = r.key();
        let mut i = key & self.mask;
        loop {
            match self.slot(i) {
                Some(x) if x.key() == key => break,
                Some(_) => i = (i + 1) & self.mask,
                None => {
                    self.len += 1;
                    break;
                }
            }
        }
        *self.slot_mut(i) = Some(r);
    }

    /// Removes the record of `key` if it satisfies `pred`; returns it.
    pub fn remove_if(&mut self, key: u32, pred: impl FnOnce(&T) -> bool) -> Option<T> {
        let mut i = key & self.mask;
        loop {
            match self.slot(i) {
                Some(x) if x.key() == key => {
                    if !pred(x) {
                        return None;
                    }
                    break;
                }
                Some(_) => i = (i + 1) & self.mask,
                None => return None,
            }
        }
        let out = self.slot_mut(i).take();
        self.len -= 1;
        // Backward shift: move later members of the cluster into the hole when their
        // home slot is at or before it (cyclically).
        let mut hole = i;
        let mut j = (i + 1) & self.mask;
        while let Some(x) = self.slot(j) {
            let home = x.key() & self.mask;
            if j.wrapping_sub(home) & self.mask >= j.wrapping_sub(hole) & self.mask {
                let moved = self.slot_mut(j).take();
                *self.slot_mut(hole) = moved;
                hole = j;
            }
            j = (j + 1) & self.mask;
        }
        out
    }

    fn grow(&mut self) {
        let mut t = Self::with_slots(self.slots() * 2);
        for c in self.chunks.iter() {
            for r in c.iter().flatten() {
                t.insert(r.clone());
            }
        }
        *self = t;
    }

    /// Every record, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flat_map(|c| c.iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct R(u32, u64);
    impl Keyed for R {
        fn key(&self) -> u32 {
            self.0
        }
    }

    fn rng(s: &mut u64) -> u64 {
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        *s
    }

    #[test]
    fn grows_and_finds_100k_random_keys() {
        let mut t = FlatTable::<R>::default();
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        let mut keys = std::collections::HashSet::new();
        while keys.len() < 100_000 {
            keys.insert(rng(&mut s) as u32);
        }
        let keys: Vec<u32> = keys.into_iter().collect();
        for (n, &k) in keys.iter().enumerate() {
            t.insert(R(k, n as u64));
            assert!(t.slots() >= 2 * t.len());
        }
        assert_eq!(t.len(), 100_000);
        assert_eq!(t.slots(), 1 << 18);
        for (n, &k) in keys.iter().enumerate().rev() {
            assert_eq!(t.get(k), Some(&R(k, n as u64)));
        }
        // Remove every other key in random order; the rest are still found.
        for &k in keys.iter().step_by(2) {
            assert!(t.remove_if(k, |_| true).is_some());
        }
        for (n, &k) in keys.iter().enumerate() {
            assert_eq!(t.get(k).is_some(), n % 2 == 1, "{k:#x}");
        }
        assert_eq!(t.len(), 50_000);
        assert_eq!(t.iter().count(), 50_000);
    }

    #[test]
    fn dense_keys_take_one_slot_each() {
        let mut t = FlatTable::<R>::default();
        for k in 1..=1000u32 {
            t.insert(R(k, 0));
        }
        for k in 1..=1000u32 {
            assert_eq!(t.touch(k), k, "home slot of {k}");
        }
    }

    #[test]
    fn colliding_keys_and_backward_shift() {
        // All in home slot 5 of 256 (and wrapping around the end).
        let mut t = FlatTable::<R>::default();
        let ks: Vec<u32> = (0..6).map(|i| 5 + i * 256).collect();
        for &k in &ks {
            t.insert(R(k, 1));
        }
        t.insert(R(255, 2));
        t.insert(R(511, 3)); // home 255, wraps to 0
        assert_eq!(t.get(511), Some(&R(511, 3)));
        assert!(t.remove_if(ks[0], |r| r.1 == 2).is_none(), "predicate");
        assert!(t.remove_if(ks[0], |_| true).is_some());
        assert!(t.remove_if(255, |_| true).is_some());
        for &k in &ks[1..] {
            assert_eq!(t.get(k), Some(&R(k, 1)));
        }
        assert_eq!(t.get(511), Some(&R(511, 3)));
        assert_eq!(t.get(ks[0]), None);
        // A replaced key keeps one slot.
        t.insert(R(ks[1], 9));
        assert_eq!(t.len(), 6);
        assert_eq!(t.get(ks[1]), Some(&R(ks[1], 9)));
    }

    #[test]
    fn snapshots_are_copy_on_write() {
        let mut t = FlatTable::<R>::default();
        for k in 0..600u32 {
            t.insert(R(k, 0));
        }
        let snap = t.clone();
        t.insert(R(7, 1));
        t.remove_if(8, |_| true);
        assert_eq!(snap.get(7), Some(&R(7, 0)));
        assert_eq!(snap.get(8), Some(&R(8, 0)));
        assert_eq!(t.get(7), Some(&R(7, 1)));
        assert_eq!(t.get(8), None);
        // Only the written chunk was copied.
        let shared = t
            .chunks
            .iter()
            .zip(snap.chunks.iter())
            .filter(|(a, b)| Arc::ptr_eq(a, b))
            .count();
        assert_eq!(shared, t.chunks.len() - 1);
    }
}
