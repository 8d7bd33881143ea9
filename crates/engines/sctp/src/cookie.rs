//! The state cookie (RFC 9260 §5.1.3): everything needed to create an association,
//! carried by the peer, signed with HMAC-SHA-256 under the endpoint secret, and
//! time-limited. No state is kept between INIT ACK and COOKIE ECHO.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};

const VERSION: u8 = 1;
const MAC_LEN: usize = 32;
const BODY_LEN: usize = 1 + 8 + 4 + 4 * 7 + 2 * 4 + 1 + 16;
/// Octets of an encoded cookie.
pub(crate) const LEN: usize = BODY_LEN + MAC_LEN;

/// The contents of a state cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cookie {
    /// Milliseconds since the endpoint's epoch when the cookie was made.
    pub created_ms: u64,
    /// How long it stays valid, in milliseconds.
    pub lifespan_ms: u32,
    pub local_tag: u32,
    pub peer_tag: u32,
    pub local_tsn: u32,
    pub peer_tsn: u32,
    pub peer_rwnd: u32,
    /// Tie-tags (§5.2.2): the tags of an association that existed with this peer when
    /// the INIT arrived, zero if none.
    pub local_tie: u32,
    pub peer_tie: u32,
    pub outbound_streams: u16,
    pub inbound_streams: u16,
    pub local_port: u16,
    pub peer_port: u16,
    /// The IP address the INIT came from: a cookie only opens for that address.
    pub peer_ip: IpAddr,
}

fn mac(secret: &[u8; 32], body: &[u8]) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    m.update(b"ferrocore-sctp cookie");
    m.update(body);
    m
}

impl Cookie {
    pub(crate) fn seal(&self, secret: &[u8; 32]) -> Vec<u8> {
        let mut b = Vec::with_capacity(LEN);
        b.push(VERSION);
        b.extend_from_slice(&self.created_ms.to_be_bytes());
        for x in [
            self.lifespan_ms,
            self.local_tag,
            self.peer_tag,
            self.local_tsn,
            self.peer_tsn,
            self.peer_rwnd,
            self.local_tie,
            self.peer_tie,
        ] {
            b.extend_from_slice(&x.to_be_bytes());
        }
        for x in [
            self.outbound_streams,
            self.inbound_streams,
            self.local_port,
            self.peer_port,
        ] {
            b.extend_from_slice(&x.to_be_bytes());
        }
        match self.peer_ip {
            IpAddr::V4(a) => {
                b.push(4);
                b.extend_from_slice(&a.to_ipv6_mapped().octets());
            }
            IpAddr::V6(a) => {
                b.push(6);
                b.extend_from_slice(&a.octets());
            }
        }
        debug_assert_eq!(b.len(), BODY_LEN);
        let tag = mac(secret, &b).finalize().into_bytes();
        b.extend_from_slice(&tag);
        b
    }

    /// Checks the signature and decodes; `None` for anything forged or malformed.
    pub(crate) fn open(secret: &[u8; 32], bytes: &[u8], from: SocketAddr) -> Option<Cookie> {
        if bytes.len() != LEN || bytes[0] != VERSION {
            return None;
        }
        let (body, tag) = bytes.split_at(BODY_LEN);
        mac(secret, body).verify_slice(tag).ok()?;
        let u32_at =
            |i: usize| u32::from_be_bytes([body[i], body[i + 1], body[i + 2], body[i + 3]]);
        let u16_at = |i: usize| u16::from_be_bytes([body[i], body[i + 1]]);
        let mut created = [0u8; 8];
        created.copy_from_slice(&body[1..9]);
        let mut ip = [0u8; 16];
        ip.copy_from_slice(&body[BODY_LEN - 16..]);
        let ip6 = std::net::Ipv6Addr::from(ip);
        let peer_ip = match body[BODY_LEN - 17] {
            4 => IpAddr::V4(ip6.to_ipv4_mapped()?),
            6 => IpAddr::V6(ip6),
            _ => return None,
        };
        let c = Cookie {
            created_ms: u64::from_be_bytes(created),
            lifespan_ms: u32_at(9),
            local_tag: u32_at(13),
            peer_tag: u32_at(17),
            local_tsn: u32_at(21),
            peer_tsn: u32_at(25),
            peer_rwnd: u32_at(29),
            local_tie: u32_at(33),
            peer_tie: u32_at(37),
            outbound_streams: u16_at(41),
            inbound_streams: u16_at(43),
            local_port: u16_at(45),
            peer_port: u16_at(47),
            peer_ip,
        };
        (c.peer_ip == from.ip()).then_some(c)
    }

    /// Milliseconds past expiry at `now_ms`, or `None` while still valid.
    pub(crate) fn staleness_ms(&self, now_ms: u64) -> Option<u64> {
        let expiry = self.created_ms.saturating_add(self.lifespan_ms as u64);
        (now_ms > expiry).then(|| now_ms - expiry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Cookie {
        Cookie {
            created_ms: 123_456,
            lifespan_ms: 60_000,
            local_tag: 1,
            peer_tag: 2,
            local_tsn: 3,
            peer_tsn: 4,
            peer_rwnd: 5,
            local_tie: 6,
            peer_tie: 7,
            outbound_streams: 8,
            inbound_streams: 9,
            local_port: 38412,
            peer_port: 10,
            peer_ip: "192.0.2.1".parse().unwrap(),
        }
    }

    #[test]
    fn seal_open() {
        let k = [7u8; 32];
        let from: SocketAddr = "192.0.2.1:0".parse().unwrap();
        let c = sample();
        let b = c.seal(&k);
        assert_eq!(b.len(), LEN);
        assert_eq!(Cookie::open(&k, &b, from), Some(c.clone()));
        // Another key, another address, any flipped bit: refused.
        assert_eq!(Cookie::open(&[8u8; 32], &b, from), None);
        assert_eq!(Cookie::open(&k, &b, "192.0.2.2:0".parse().unwrap()), None);
        for i in 0..b.len() {
            let mut x = b.clone();
            x[i] ^= 1;
            assert_eq!(Cookie::open(&k, &x, from), None);
        }
        assert_eq!(c.staleness_ms(183_456), None);
        assert_eq!(c.staleness_ms(183_460), Some(4));
    }
}
