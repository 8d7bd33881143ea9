//! SDF filters: the flow description subset of TS 29.244 §8.2.5 / TS 29.212 §5.4.2
//! (an IPFilterRule, RFC 6733 §4.3) and the IPv4 / IPv6 5-tuple they match.
//!
//! Accepted: `permit out <proto> from <addr> [ports] to <addr> [ports]`, where
//! `<proto>` is `ip`, a number or `tcp` / `udp` / `icmp` / `sctp`; `<addr>` is `any`,
//! `assigned` (the UE's address) or an IPv4 / IPv6 address with an optional `/bits`;
//! ports are `p`, `lo-hi`, or a comma list of those (up to 4).
//!
//! Direction (TS 29.212 §5.4.2): a flow description is written for the downlink, `from`
//! the remote side `to` the UE. A downlink packet matches with `from` = its source; an
//! uplink packet with `from` = its destination (source and destination swapped). `in`
//! rules (from the UE) are accepted too and normalised to that form.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Why a flow description was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("flow description {text:?}: {why}")]
pub struct SdfError {
    pub text: String,
    pub why: &'static str,
}

/// An address match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Net {
    Any,
    V4 {
        addr: u32,
        mask: u32,
    },
    V6 {
        addr: u128,
        mask: u128,
    },
    /// `assigned`: the UE's IPv4 address or its IPv6 /64 prefix (TS 23.501 §5.8.2.2),
    /// whichever family the packet has.
    Ue {
        v4: Option<u32>,
        v6_prefix: Option<u64>,
    },
}

impl Net {
    #[inline]
    fn matches(&self, a: Addr) -> bool {
        match (*self, a) {
            (Net::Any, _) => true,
            (Net::V4 { addr, mask }, Addr::V4(x)) => x & mask == addr,
            (Net::V6 { addr, mask }, Addr::V6(x)) => x & mask == addr,
            (Net::Ue { v4, .. }, Addr::V4(x)) => v4 == Some(x),
            (Net::Ue { v6_prefix, .. }, Addr::V6(x)) => v6_prefix == Some((x >> 64) as u64),
            _ => false,
        }
    }
}

/// Up to 4 inclusive port ranges; empty = any port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ports {
    ranges: [(u16, u16); 4],
    len: u8,
}

impl Ports {
    #[inline]
    fn matches(&self, p: Option<u16>) -> bool {
        if self.len == 0 {
            return true;
        }
        let Some(p) = p else { return false };
        self.ranges[..usize::from(self.len)]
            .iter()
            .any(|&(lo, hi)| lo <= p && p <= hi)
    }
}

/// A compiled SDF filter, in downlink orientation (remote -> UE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SdfRule {
    pub proto: Option<u8>,
    pub remote: Net,
    pub remote_ports: Ports,
    pub ue: Net,
    pub ue_ports: Ports,
}

/// The part of an IP packet SDF filters look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FiveTuple {
    pub src: Addr,
    pub dst: Addr,
    pub proto: u8,
    /// Ports of TCP / UDP / SCTP in an unfragmented (or first-fragment) packet.
    pub sport: Option<u16>,
    pub dport: Option<u16>,
}

/// An IPv4 or IPv6 address as an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addr {
    V4(u32),
    V6(u128),
}

/// Which way a packet travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Uplink,
    Downlink,
}

impl SdfRule {
    /// Whether the packet matches.
    #[inline]
    pub fn matches(&self, t: &FiveTuple, dir: Direction) -> bool {
        if let Some(p) = self.proto
            && p != t.proto
        {
            return false;
        }
        let (remote, rport, ue, uport) = match dir {
            Direction::Downlink => (t.src, t.sport, t.dst, t.dport),
            Direction::Uplink => (t.dst, t.dport, t.src, t.sport),
        };
        self.remote.matches(remote)
            && self.ue.matches(ue)
            && self.remote_ports.matches(rport)
            && self.ue_ports.matches(uport)
    }

    /// Parses a flow description; `assigned` means the UE's addresses (any when the
    /// session has none).
    pub fn parse(
        text: &str,
        ue4: Option<Ipv4Addr>,
        ue6: Option<Ipv6Addr>,
    ) -> Result<SdfRule, SdfError> {
        let ue = (ue4, ue6);
        let err = |why| SdfError {
            text: text.chars().take(80).collect(),
            why,
        };
        let mut w = text.split_ascii_whitespace().peekable();
        if w.next() != Some("permit") {
            return Err(err("action is not `permit`"));
        }
        let inbound = match w.next() {
            Some("out") => false,
            Some("in") => true,
            _ => return Err(err("direction is not `out` or `in`")),
        };
        let proto = match w.next() {
            Some("ip") => None,
            Some("icmp") => Some(1),
            Some("tcp") => Some(6),
            Some("udp") => Some(17),
            Some("sctp") => Some(132),
            Some("icmpv6" | "ipv6-icmp") => Some(58),
            Some(n) => Some(n.parse::<u8>().map_err(|_| err("bad protocol"))?),
            None => return Err(err("no protocol")),
        };
        if w.next() != Some("from") {
            return Err(err("`from` missing"));
        }
        let from = net(w.next().ok_or_else(|| err("no source"))?, ue)
            .ok_or_else(|| err("bad source address"))?;
        let from_ports = match w.peek() {
            Some(&t) if t != "to" => {
                w.next();
                ports(t).ok_or_else(|| err("bad source ports"))?
            }
            _ => Ports::default(),
        };
        if w.next() != Some("to") {
            return Err(err("`to` missing"));
        }
        let to = net(w.next().ok_or_else(|| err("no destination"))?, ue)
            .ok_or_else(|| err("bad destination address"))?;
        let to_ports = match w.next() {
            Some(t) => ports(t).ok_or_else(|| err("bad destination ports or options"))?,
            None => Ports::default(),
        };
        if w.next().is_some() {
            return Err(err("options are not supported"));
        }
        let (remote, remote_ports, uen, ue_ports) = if inbound {
            (to, to_ports, from, from_ports)
        } else {
            (from, from_ports, to, to_ports)
        };
        Ok(SdfRule {
            proto,
            remote,
            remote_ports,
            ue: uen,
            ue_ports,
        })
    }
}

fn net(s: &str, ue: (Option<Ipv4Addr>, Option<Ipv6Addr>)) -> Option<Net> {
    match s {
        "any" => return Some(Net::Any),
        "assigned" if ue.0.is_none() && ue.1.is_none() => return Some(Net::Any),
        "assigned" => {
            return Some(Net::Ue {
                v4: ue.0.map(|a| a.to_bits()),
                v6_prefix: ue.1.map(|a| (a.to_bits() >> 64) as u64),
            });
        }
        _ => {}
    }
    let (a, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b.parse::<u8>().ok()?)),
        None => (s, None),
    };
    if let Ok(v4) = a.parse::<Ipv4Addr>() {
        let bits = bits.unwrap_or(32);
        if bits > 32 {
            return None;
        }
        let mask = if bits == 0 {
            0
        } else {
            u32::MAX << (32 - bits)
        };
        return Some(Net::V4 {
            addr: v4.to_bits() & mask,
            mask,
        });
    }
    let v6 = a.parse::<Ipv6Addr>().ok()?;
    let bits = bits.unwrap_or(128);
    if bits > 128 {
        return None;
    }
    let mask = if bits == 0 {
        0
    } else {
        u128::MAX << (128 - bits)
    };
    Some(Net::V6 {
        addr: v6.to_bits() & mask,
        mask,
    })
}

fn ports(s: &str) -> Option<Ports> {
    let mut p = Ports::default();
    for part in s.split(',') {
        if usize::from(p.len) == p.ranges.len() {
            return None;
        }
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
            None => {
                let v = part.parse().ok()?;
                (v, v)
            }
        };
        if lo > hi {
            return None;
        }
        p.ranges[usize::from(p.len)] = (lo, hi);
        p.len += 1;
    }
    Some(p)
}

/// Reads the 5-tuple of an IPv4 or IPv6 packet; `None` when it is not one or too short.
/// IPv6 extension headers (hop-by-hop, routing, fragment, destination options) are
/// walked; a non-first fragment has no ports.
#[inline]
pub fn five_tuple(p: &[u8]) -> Option<FiveTuple> {
    match p.first()? >> 4 {
        4 => {
            if p.len() < 20 {
                return None;
            }
            let ihl = usize::from(p[0] & 0x0f) * 4;
            if ihl < 20 || p.len() < ihl {
                return None;
            }
            let proto = p[9];
            let frag_offset = u16::from_be_bytes([p[6], p[7]]) & 0x1fff;
            let src = Addr::V4(u32::from_be_bytes([p[12], p[13], p[14], p[15]]));
            let dst = Addr::V4(u32::from_be_bytes([p[16], p[17], p[18], p[19]]));
            let (sport, dport) = if frag_offset == 0 {
                l4_ports(proto, &p[ihl..])
            } else {
                (None, None)
            };
            Some(FiveTuple {
                src,
                dst,
                proto,
                sport,
                dport,
            })
        }
        6 => {
            if p.len() < 40 {
                return None;
            }
            let src = Addr::V6(u128::from_be_bytes(p[8..24].try_into().ok()?));
            let dst = Addr::V6(u128::from_be_bytes(p[24..40].try_into().ok()?));
            let mut next = p[6];
            let mut off = 40;
            let mut first_fragment = true;
            // Bounded walk: at most 8 extension headers.
            for _ in 0..8 {
                match next {
                    0 | 43 | 60 => {
                        let h = p.get(off..off + 2)?;
                        next = h[0];
                        off += (usize::from(h[1]) + 1) * 8;
                    }
                    44 => {
                        let h = p.get(off..off + 8)?;
                        next = h[0];
                        first_fragment = u16::from_be_bytes([h[2], h[3]]) >> 3 == 0;
                        off += 8;
                    }
                    _ => break,
                }
            }
            let (sport, dport) = match (first_fragment, p.get(off..)) {
                (true, Some(l4)) => l4_ports(next, l4),
                _ => (None, None),
            };
            Some(FiveTuple {
                src,
                dst,
                proto: next,
                sport,
                dport,
            })
        }
        _ => None,
    }
}

#[inline]
fn l4_ports(proto: u8, l4: &[u8]) -> (Option<u16>, Option<u16>) {
    match (proto, l4) {
        (6 | 17 | 132, [a, b, c, d, ..]) => (
            Some(u16::from_be_bytes([*a, *b])),
            Some(u16::from_be_bytes([*c, *d])),
        ),
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(a: [u8; 4]) -> Addr {
        Addr::V4(u32::from_be_bytes(a))
    }

    #[test]
    fn parses_the_common_forms() {
        let ue: Ipv4Addr = "10.45.0.7".parse().unwrap();
        let r = SdfRule::parse("permit out ip from any to assigned", Some(ue), None).unwrap();
        assert_eq!(r.proto, None);
        assert_eq!(r.remote, Net::Any);
        assert_eq!(
            r.ue,
            Net::Ue {
                v4: Some(0x0a2d0007),
                v6_prefix: None
            }
        );
        assert!(r.ue.matches(Addr::V4(0x0a2d0007)) && !r.ue.matches(Addr::V4(0x0a2d0008)));
        assert!(!r.ue.matches(Addr::V6(1)));
        let r = SdfRule::parse("permit out ip from any to assigned", None, None).unwrap();
        assert_eq!(r.ue, Net::Any);
        let r = SdfRule::parse(
            "permit out 17 from 8.8.8.0/24 53 to assigned 1000-2000,3000",
            None,
            None,
        )
        .unwrap();
        assert_eq!(r.proto, Some(17));
        assert_eq!(
            r.remote,
            Net::V4 {
                addr: 0x08080800,
                mask: 0xffffff00
            }
        );
        assert!(r.remote_ports.matches(Some(53)) && !r.remote_ports.matches(Some(54)));
        assert!(r.ue_ports.matches(Some(1500)) && r.ue_ports.matches(Some(3000)));
        assert!(!r.ue_ports.matches(Some(2500)) && !r.ue_ports.matches(None));
        let r = SdfRule::parse("permit out tcp from 2001:db8::/32 to any 443", None, None).unwrap();
        assert_eq!(r.proto, Some(6));
        assert!(matches!(r.remote, Net::V6 { mask, .. } if mask == u128::MAX << 96));
    }

    #[test]
    fn rejects_what_it_cannot_honour() {
        for bad in [
            "",
            "deny out ip from any to any",
            "permit sideways ip from any to any",
            "permit out ip from any",
            "permit out ip from 1.2.3.4/33 to any",
            "permit out ip from any to any frag",
            "permit out 300 from any to any",
            "permit out ip from any 5-4 to any",
            "permit out ip from any 1,2,3,4,5 to any",
        ] {
            assert!(SdfRule::parse(bad, None, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn matches_both_directions() {
        let r = SdfRule::parse("permit out 17 from 8.8.8.8 53 to 10.45.0.7", None, None).unwrap();
        let dl = FiveTuple {
            src: v4([8, 8, 8, 8]),
            dst: v4([10, 45, 0, 7]),
            proto: 17,
            sport: Some(53),
            dport: Some(4000),
        };
        assert!(r.matches(&dl, Direction::Downlink));
        assert!(!r.matches(&dl, Direction::Uplink));
        let ul = FiveTuple {
            src: dl.dst,
            dst: dl.src,
            proto: 17,
            sport: Some(4000),
            dport: Some(53),
        };
        assert!(r.matches(&ul, Direction::Uplink));
        assert!(!r.matches(&FiveTuple { proto: 6, ..ul }, Direction::Uplink));
        assert!(!r.matches(
            &FiveTuple {
                dport: Some(54),
                ..ul
            },
            Direction::Uplink
        ));
        // `in`: written from the UE.
        let r = SdfRule::parse("permit in 17 from 10.45.0.7 to 8.8.8.8 53", None, None).unwrap();
        assert!(r.matches(&ul, Direction::Uplink));
    }

    #[test]
    fn reads_five_tuples() {
        let mut p = [0u8; 28];
        p[0] = 0x45;
        p[9] = 17;
        p[12..16].copy_from_slice(&[10, 45, 0, 7]);
        p[16..20].copy_from_slice(&[8, 8, 8, 8]);
        p[20..24].copy_from_slice(&[0x0f, 0xa0, 0, 53]);
        let t = five_tuple(&p).unwrap();
        assert_eq!((t.proto, t.sport, t.dport), (17, Some(4000), Some(53)));
        p[6] = 0x00;
        p[7] = 0x10; // fragment offset: no ports
        assert_eq!(five_tuple(&p).unwrap().sport, None);
        let mut q = [0u8; 56];
        q[0] = 0x60;
        q[6] = 0; // hop-by-hop
        q[40] = 6; // -> TCP
        q[41] = 0;
        q[48..52].copy_from_slice(&[0, 80, 0x1f, 0x90]);
        let t = five_tuple(&q).unwrap();
        assert_eq!((t.proto, t.sport, t.dport), (6, Some(80), Some(8080)));
        for n in 0..q.len() {
            let _ = five_tuple(&q[..n]);
            let _ = five_tuple(&p[..n.min(p.len())]);
        }
    }
}
