//! The UE's IPv6 on a PDU session, as packets the driver sends and reads: Router
//! Solicitation and Advertisement (RFC 4861) and ICMPv6 echo (RFC 4443).
//!
//! TS 23.501 §5.8.2.2.2 / TS 24.501 §9.11.4.10: an IPv6 or IPv4v6 PDU SESSION
//! ESTABLISHMENT ACCEPT carries only an interface identifier. The UE forms its
//! link-local address fe80::IID ([`link_local`]), sends a Router Solicitation from it
//! ([`router_solicitation`]), takes the /64 from the Prefix Information option of the
//! Router Advertisement ([`parse_router_advertisement`]) and forms its address as
//! prefix + IID ([`RouterAdvertisement::address`], RFC 4862 §5.5.3; TS 29.061 §11.2.1.3:
//! the identifier the network gave, not one of the UE's own making).
//!
//! Everything writes into the caller's buffer and reads from a slice; nothing allocates.

use std::net::Ipv6Addr;

/// All-routers multicast (RFC 4291 §2.7.1): where Router Solicitations go.
pub const ALL_ROUTERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 2);
/// ICMPv6 (IANA protocol number 58).
const ICMPV6: u8 = 58;
/// Octets of the Router Solicitation: IPv6 header and the 8-octet RS, no options (a
/// PDU session has no link-layer address to announce).
pub const RS_LEN: usize = 40 + 8;
/// Octets of the echo payload.
const ECHO_PAYLOAD: usize = 32;
/// Octets of an ICMPv6 echo request: IPv6 header, ICMPv6 header, payload.
pub const ECHO_LEN: usize = 40 + 8 + ECHO_PAYLOAD;

/// The link-local address fe80::IID of a session (RFC 4291 §2.5.6).
pub fn link_local(iid: [u8; 8]) -> Ipv6Addr {
    let mut a = [0u8; 16];
    a[0] = 0xfe;
    a[1] = 0x80;
    a[8..].copy_from_slice(&iid);
    Ipv6Addr::from(a)
}

/// The ICMPv6 checksum (RFC 8200 §8.1, RFC 1071) of `msg` from `src` to `dst`; over a
/// message carrying a correct checksum it is 0.
pub fn checksum(src: &Ipv6Addr, dst: &Ipv6Addr, msg: &[u8]) -> u16 {
    let mut sum: u64 = 0;
    let mut add = |b: &[u8]| {
        let mut chunks = b.chunks_exact(2);
        for c in &mut chunks {
            sum += u64::from(u16::from_be_bytes([c[0], c[1]]));
        }
        if let [last] = chunks.remainder() {
            sum += u64::from(*last) << 8;
        }
    };
    add(&src.octets());
    add(&dst.octets());
    add(&(msg.len() as u32).to_be_bytes());
    add(&[0, 0, 0, ICMPV6]);
    add(msg);
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Writes the IPv6 header of an ICMPv6 message of `len` octets into `out[..40]`.
fn ipv6_header(out: &mut [u8], src: &Ipv6Addr, dst: &Ipv6Addr, len: usize, hop_limit: u8) {
    out[..4].copy_from_slice(&[0x60, 0, 0, 0]);
    out[4..6].copy_from_slice(&(len as u16).to_be_bytes());
    out[6] = ICMPV6;
    out[7] = hop_limit;
    out[8..24].copy_from_slice(&src.octets());
    out[24..40].copy_from_slice(&dst.octets());
}

/// Writes a Router Solicitation (RFC 4861 §4.1) from `src` (the session's link-local
/// address) to all-routers into `out[..RS_LEN]`: hop limit 255, as §6.1.1 makes the
/// router check. `None` if `out` is too short.
pub fn router_solicitation(out: &mut [u8], src: Ipv6Addr) -> Option<usize> {
    let p = out.get_mut(..RS_LEN)?;
    ipv6_header(p, &src, &ALL_ROUTERS, 8, 255);
    p[40..48].copy_from_slice(&[133, 0, 0, 0, 0, 0, 0, 0]);
    let c = checksum(&src, &ALL_ROUTERS, &p[40..]);
    p[42..44].copy_from_slice(&c.to_be_bytes());
    Some(RS_LEN)
}

/// What a Router Advertisement told the UE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouterAdvertisement {
    /// The router's link-local address.
    pub router: Ipv6Addr,
    /// Cur Hop Limit (0: unspecified).
    pub cur_hop_limit: u8,
    /// M and O flags: addresses / other configuration by DHCPv6.
    pub managed: bool,
    pub other: bool,
    /// Router Lifetime, seconds.
    pub router_lifetime: u16,
    /// The first Prefix Information option: prefix, length, L, A, valid lifetime.
    pub prefix: Option<PrefixInformation>,
    /// The MTU option.
    pub mtu: Option<u32>,
}

/// A Prefix Information option (RFC 4861 §4.6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixInformation {
    /// The prefix, bits past its length cleared.
    pub prefix: Ipv6Addr,
    pub length: u8,
    pub on_link: bool,
    pub autonomous: bool,
    pub valid_lifetime: u32,
    pub preferred_lifetime: u32,
}

impl RouterAdvertisement {
    /// The address the UE forms with interface identifier `iid` (RFC 4862 §5.5.3): from a
    /// prefix with A = 1, of length 64 (with a 64-bit identifier), valid lifetime > 0.
    pub fn address(&self, iid: [u8; 8]) -> Option<Ipv6Addr> {
        let p = self.prefix?;
        if !p.autonomous || p.length != 64 || p.valid_lifetime == 0 {
            return None;
        }
        let mut a = p.prefix.octets();
        a[8..].copy_from_slice(&iid);
        Some(Ipv6Addr::from(a))
    }
}

/// Reads `packet` as a Router Advertisement and checks it as a host must (RFC 4861
/// §6.1.2): IPv6, ICMPv6 type 134 code 0, hop limit 255, from a link-local address,
/// correct checksum, at least 16 octets, every option of non-zero length within the
/// message. `None` for anything else.
pub fn parse_router_advertisement(packet: &[u8]) -> Option<RouterAdvertisement> {
    if packet.len() < 40 + 16 || packet[0] >> 4 != 6 || packet[6] != ICMPV6 {
        return None;
    }
    let len = usize::from(u16::from_be_bytes([packet[4], packet[5]]));
    let m = packet.get(40..40 + len)?;
    if len < 16 || m[0] != 134 || m[1] != 0 || packet[7] != 255 {
        return None;
    }
    let src = Ipv6Addr::from(<[u8; 16]>::try_from(&packet[8..24]).ok()?);
    let dst = Ipv6Addr::from(<[u8; 16]>::try_from(&packet[24..40]).ok()?);
    if src.segments()[0] & 0xffc0 != 0xfe80 || checksum(&src, &dst, m) != 0 {
        return None;
    }
    let mut ra = RouterAdvertisement {
        router: src,
        cur_hop_limit: m[4],
        managed: m[5] & 0x80 != 0,
        other: m[5] & 0x40 != 0,
        router_lifetime: u16::from_be_bytes([m[6], m[7]]),
        prefix: None,
        mtu: None,
    };
    let mut opts = &m[16..];
    while !opts.is_empty() {
        let olen = usize::from(*opts.get(1)?) * 8;
        if olen == 0 || olen > opts.len() {
            return None;
        }
        let o = &opts[..olen];
        match o[0] {
            3 if olen == 32 && ra.prefix.is_none() => {
                let length = o[2].min(128);
                let mask = if length == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(length))
                };
                let raw = u128::from_be_bytes(o[16..32].try_into().ok()?);
                ra.prefix = Some(PrefixInformation {
                    prefix: Ipv6Addr::from(raw & mask),
                    length,
                    on_link: o[3] & 0x80 != 0,
                    autonomous: o[3] & 0x40 != 0,
                    valid_lifetime: u32::from_be_bytes(o[4..8].try_into().ok()?),
                    preferred_lifetime: u32::from_be_bytes(o[8..12].try_into().ok()?),
                });
            }
            5 if olen == 8 => ra.mtu = Some(u32::from_be_bytes(o[4..8].try_into().ok()?)),
            _ => {}
        }
        opts = &opts[olen..];
    }
    Some(ra)
}

/// Writes an ICMPv6 echo request (RFC 4443 §4.1) from `src` to `dst` into
/// `out[..ECHO_LEN]`. `None` if `out` is too short.
pub fn echo_request(
    out: &mut [u8],
    src: Ipv6Addr,
    dst: Ipv6Addr,
    id: u16,
    seq: u16,
) -> Option<usize> {
    let p = out.get_mut(..ECHO_LEN)?;
    ipv6_header(p, &src, &dst, ECHO_LEN - 40, 64);
    let m = &mut p[40..];
    m[..8].copy_from_slice(&[128, 0, 0, 0, 0, 0, 0, 0]);
    m[4..6].copy_from_slice(&id.to_be_bytes());
    m[6..8].copy_from_slice(&seq.to_be_bytes());
    for (i, b) in m[8..].iter_mut().enumerate() {
        *b = 0x20 + i as u8;
    }
    let c = checksum(&src, &dst, m);
    m[2..4].copy_from_slice(&c.to_be_bytes());
    Some(ECHO_LEN)
}

/// An ICMPv6 echo reply (RFC 4443 §4.2) to `dst` with a correct checksum: its
/// identifier and sequence number.
pub fn echo_reply(packet: &[u8], dst: Ipv6Addr) -> Option<(u16, u16)> {
    if packet.len() < 48 || packet[0] >> 4 != 6 || packet[6] != ICMPV6 {
        return None;
    }
    let len = usize::from(u16::from_be_bytes([packet[4], packet[5]]));
    let m = packet.get(40..40 + len)?;
    if len < 8 || m[0] != 129 || packet[24..40] != dst.octets() {
        return None;
    }
    let src = Ipv6Addr::from(<[u8; 16]>::try_from(&packet[8..24]).ok()?);
    if checksum(&src, &dst, m) != 0 {
        return None;
    }
    Some((
        u16::from_be_bytes([m[4], m[5]]),
        u16::from_be_bytes([m[6], m[7]]),
    ))
}
