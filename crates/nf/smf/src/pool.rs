//! UE address pools (TS 23.501 §5.8.2.2): IPv4 addresses and IPv6 /64 prefixes, one
//! bit per address or prefix, next-fit allocation from a cursor. Releasing returns the
//! address at once; releasing one that is not allocated (or not in the pool) is refused,
//! so double frees show up instead of corrupting the count.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A bitmap of `len` slots with a next-fit cursor.
#[derive(Debug, Clone)]
struct Bitmap {
    words: Vec<u64>,
    len: u64,
    used: u64,
    cursor: u64,
}

impl Bitmap {
    fn new(len: u64) -> Self {
        let words = len.div_ceil(64) as usize;
        let mut b = Bitmap {
            words: vec![0; words],
            len,
            used: 0,
            cursor: 0,
        };
        // The bits past `len` in the last word are never free.
        let tail = len % 64;
        if tail != 0
            && let Some(last) = b.words.last_mut()
        {
            *last = !0u64 << tail;
        }
        b
    }

    fn reserve(&mut self, i: u64) {
        if i < self.len && !self.is_set(i) {
            self.words[(i / 64) as usize] |= 1 << (i % 64);
            self.used += 1;
        }
    }

    fn is_set(&self, i: u64) -> bool {
        self.words[(i / 64) as usize] & (1 << (i % 64)) != 0
    }

    fn alloc(&mut self) -> Option<u64> {
        let n = self.words.len();
        if n == 0 {
            return None;
        }
        let start = (self.cursor / 64) as usize;
        for k in 0..=n {
            let w = (start + k) % n;
            let word = self.words[w];
            if word != !0 {
                let bit = u64::from((!word).trailing_zeros());
                let i = w as u64 * 64 + bit;
                self.words[w] |= 1 << bit;
                self.used += 1;
                self.cursor = i + 1;
                if self.cursor >= self.len {
                    self.cursor = 0;
                }
                return Some(i);
            }
        }
        None
    }

    fn free(&mut self, i: u64) -> bool {
        if i >= self.len || !self.is_set(i) {
            return false;
        }
        self.words[(i / 64) as usize] &= !(1 << (i % 64));
        self.used -= 1;
        true
    }
}

/// An IPv4 pool `network/len`: the network address, the first host (the gateway, on the
/// UPF's N6 side) and the broadcast address are reserved.
#[derive(Debug, Clone)]
pub struct Ipv4Pool {
    network: u32,
    prefix_len: u8,
    bits: Bitmap,
    reserved: u64,
}

impl Ipv4Pool {
    /// `a.b.c.d/len` with 8 <= len <= 30.
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let (addr, len) = s.split_once('/').ok_or("not address/prefix-length")?;
        let addr: Ipv4Addr = addr.trim().parse().map_err(|_| "not an IPv4 address")?;
        let len: u8 = len.trim().parse().map_err(|_| "bad prefix length")?;
        if !(8..=30).contains(&len) {
            return Err("prefix length must be 8..=30");
        }
        let mask = u32::MAX << (32 - len);
        let network = u32::from(addr) & mask;
        if network != u32::from(addr) {
            return Err("host bits set");
        }
        let size = 1u64 << (32 - len);
        let mut bits = Bitmap::new(size);
        bits.reserve(0);
        bits.reserve(1);
        bits.reserve(size - 1);
        let reserved = bits.used;
        Ok(Ipv4Pool {
            network,
            prefix_len: len,
            bits,
            reserved,
        })
    }

    /// A free address, or `None` when the pool is exhausted.
    pub fn allocate(&mut self) -> Option<Ipv4Addr> {
        self.bits
            .alloc()
            .map(|i| Ipv4Addr::from(self.network + i as u32))
    }

    /// Returns `addr`; false if it is not in the pool or not allocated.
    pub fn release(&mut self, addr: Ipv4Addr) -> bool {
        match self.index(addr) {
            Some(i) if i > 1 && i + 1 < self.bits.len => self.bits.free(i),
            _ => false,
        }
    }

    fn index(&self, addr: Ipv4Addr) -> Option<u64> {
        let a = u32::from(addr);
        let mask = u32::MAX << (32 - self.prefix_len);
        (a & mask == self.network).then(|| u64::from(a - self.network))
    }

    /// Whether `addr` is in the pool's range.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        self.index(addr).is_some()
    }

    /// The gateway address (first host).
    pub fn gateway(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.network + 1)
    }

    /// Addresses handed out now.
    pub fn allocated(&self) -> u64 {
        self.bits.used - self.reserved
    }

    /// Addresses that can be handed out in all.
    pub fn capacity(&self) -> u64 {
        self.bits.len - self.reserved
    }

    pub(crate) fn overlaps(&self, o: &Ipv4Pool) -> bool {
        let len = self.prefix_len.min(o.prefix_len);
        let mask = u32::MAX << (32 - len);
        self.network & mask == o.network & mask
    }
}

/// An IPv6 prefix pool `prefix/len` handing out /64 prefixes (TS 23.501 §5.8.2.2.3: one
/// /64 per PDU session, advertised by the UPF in Router Advertisements).
#[derive(Debug, Clone)]
pub struct Ipv6PrefixPool {
    prefix: u128,
    prefix_len: u8,
    bits: Bitmap,
}

impl Ipv6PrefixPool {
    /// `prefix/len` with 40 <= len <= 64 (at most 2^24 prefixes).
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let (addr, len) = s.split_once('/').ok_or("not prefix/prefix-length")?;
        let addr: Ipv6Addr = addr.trim().parse().map_err(|_| "not an IPv6 address")?;
        let len: u8 = len.trim().parse().map_err(|_| "bad prefix length")?;
        if !(40..=64).contains(&len) {
            return Err("prefix length must be 40..=64");
        }
        let mask = u128::MAX << (128 - u32::from(len));
        let prefix = u128::from(addr) & mask;
        if prefix != u128::from(addr) {
            return Err("bits set past the prefix length");
        }
        let mut bits = Bitmap::new(1u64 << (64 - len));
        // The all-zero subnet is kept back (often the operator's own).
        bits.reserve(0);
        if bits.len == 1 {
            return Err("a /64 pool has no prefix left to hand out");
        }
        Ok(Ipv6PrefixPool {
            prefix,
            prefix_len: len,
            bits,
        })
    }

    /// A free /64 prefix (its address with the low 64 bits zero).
    pub fn allocate(&mut self) -> Option<Ipv6Addr> {
        self.bits
            .alloc()
            .map(|i| Ipv6Addr::from(self.prefix | (u128::from(i) << 64)))
    }

    /// Returns a /64 prefix; false if it is not in the pool or not allocated.
    pub fn release(&mut self, prefix: Ipv6Addr) -> bool {
        match self.index(prefix) {
            Some(i) if i > 0 => self.bits.free(i),
            _ => false,
        }
    }

    fn index(&self, prefix: Ipv6Addr) -> Option<u64> {
        let a = u128::from(prefix);
        let mask = u128::MAX << (128 - u32::from(self.prefix_len));
        if a & mask != self.prefix || a as u64 != 0 {
            return None;
        }
        Some(((a >> 64) as u64) & ((1u64 << (64 - self.prefix_len)) - 1))
    }

    /// Prefixes handed out now.
    pub fn allocated(&self) -> u64 {
        self.bits.used - 1
    }

    /// Prefixes that can be handed out in all.
    pub fn capacity(&self) -> u64 {
        self.bits.len - 1
    }

    pub(crate) fn overlaps(&self, o: &Ipv6PrefixPool) -> bool {
        let len = self.prefix_len.min(o.prefix_len);
        let mask = u128::MAX << (128 - u32::from(len));
        self.prefix & mask == o.prefix & mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_reserves_network_gateway_broadcast() {
        let mut p = Ipv4Pool::parse("10.45.0.0/29").unwrap();
        assert_eq!(p.capacity(), 5);
        let got: Vec<_> = std::iter::from_fn(|| p.allocate()).collect();
        assert_eq!(got.len(), 5);
        assert_eq!(got[0], Ipv4Addr::new(10, 45, 0, 2));
        assert_eq!(got[4], Ipv4Addr::new(10, 45, 0, 6));
        assert!(!got.contains(&Ipv4Addr::new(10, 45, 0, 7)));
        assert_eq!(p.allocated(), 5);
        assert!(p.release(got[2]));
        assert!(!p.release(got[2]), "double free refused");
        assert!(
            !p.release(Ipv4Addr::new(10, 45, 0, 1)),
            "gateway is not a UE address"
        );
        assert!(!p.release(Ipv4Addr::new(10, 46, 0, 2)));
        assert_eq!(p.allocate(), Some(got[2]));
        assert_eq!(p.allocate(), None);
    }

    #[test]
    fn ipv4_ten_thousand_round_trips_back_to_full() {
        let mut p = Ipv4Pool::parse("10.45.0.0/16").unwrap();
        let cap = p.capacity();
        for round in 0..3 {
            let got: Vec<_> = (0..10_000).map(|_| p.allocate().unwrap()).collect();
            let mut uniq = got.clone();
            uniq.sort();
            uniq.dedup();
            assert_eq!(uniq.len(), 10_000, "round {round}");
            assert_eq!(p.allocated(), 10_000);
            for a in got {
                assert!(p.release(a));
            }
            assert_eq!(p.allocated(), 0);
        }
        let all: Vec<_> = std::iter::from_fn(|| p.allocate()).collect();
        assert_eq!(all.len() as u64, cap);
    }

    #[test]
    fn ipv6_prefixes_are_64s_inside_the_pool() {
        let mut p = Ipv6PrefixPool::parse("2001:db8:45::/48").unwrap();
        assert_eq!(p.capacity(), 65_535);
        let a = p.allocate().unwrap();
        assert_eq!(a, "2001:db8:45:1::".parse::<Ipv6Addr>().unwrap());
        let b = p.allocate().unwrap();
        assert_eq!(b, "2001:db8:45:2::".parse::<Ipv6Addr>().unwrap());
        assert!(p.release(a));
        assert!(!p.release(a));
        assert!(!p.release("2001:db8:45:2::1".parse().unwrap()));
        assert!(!p.release("2001:db8:46:2::".parse().unwrap()));
        assert_eq!(p.allocated(), 1);
        assert!(Ipv6PrefixPool::parse("2001:db8::/32").is_err());
        assert!(Ipv6PrefixPool::parse("2001:db8::/64").is_err());
    }
}
