//! IPv6 stateless address autoconfiguration of a PDU session: the UPF's Router
//! Advertisement.
//!
//! TS 23.501 §5.8.2.2.2 and TS 29.061 §11.2.1.3: an IPv6 or IPv4v6 PDU session gets a
//! /64 prefix; the UE learns only an interface identifier in the PDU SESSION ESTABLISHMENT
//! ACCEPT, forms its link-local address from it, and obtains the prefix from a Router
//! Advertisement (RFC 4861 §4.2) on the session, solicited (RFC 4861 §6.3.7) or not.
//!
//! Where the RA is made is an implementation choice: TS 23.501 lets the SMF send it
//! through the UPF (a PDR relaying Router Solicitations to the CP function). This UPF
//! answers the Router Solicitation itself from the session's rules instead: the /64 is
//! the UE IP address of the session's PDRs (TS 29.244 §8.2.62, the SMF puts the prefix
//! there), and the answer goes down the session's tunnel like any downlink packet. The
//! SMF needs no user-plane path and N4 carries nothing for it. The RA says (TS 29.061
//! §11.2.1.3.4): M = 0 and O = 0 (no DHCPv6: the address is prefix + identifier), one
//! Prefix Information option with A = 1 (autonomous) and L = 0 (the /64 is not on-link:
//! everything goes to the router), infinite lifetimes (the prefix lives as long as the
//! session), and an MTU option.
//!
//! The packet is written into the caller's buffer (no allocation on the packet path).

use std::net::Ipv6Addr;

/// The UPF's link-local address on every PDU session (the source of its RAs; the UE's
/// link-local address is fe80:: + the identifier the SMF gave it, which is never ::1).
pub const UPF_LINK_LOCAL: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
/// All-routers multicast (RFC 4291 §2.7.1), where Router Solicitations go.
pub const ALL_ROUTERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 2);
/// All-nodes multicast, where unsolicited RAs (and answers to a source-less RS) go.
pub const ALL_NODES: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);

/// ICMPv6 (IANA protocol number 58).
const ICMPV6: u8 = 58;
/// ICMPv6 types (RFC 4861 §4.1, §4.2).
const ROUTER_SOLICITATION: u8 = 133;
const ROUTER_ADVERTISEMENT: u8 = 134;
/// Neighbor Discovery option types (RFC 4861 §4.6).
const OPT_PREFIX_INFORMATION: u8 = 3;
const OPT_MTU: u8 = 5;

/// Octets of the RA this UPF sends: IPv6 header, RA header (16), Prefix Information
/// option (32), MTU option (8).
pub const RA_LEN: usize = 40 + 16 + 32 + 8;
/// Router Lifetime of the RA, seconds (RFC 4861 §6.2.1: at most 9000).
pub const ROUTER_LIFETIME_S: u16 = 9000;
/// Hop limit the UE should use (the RA's Cur Hop Limit).
pub const CUR_HOP_LIMIT: u8 = 64;

/// Whether `ip` is a valid Router Solicitation (RFC 4861 §6.1.1): IPv6, ICMPv6 type 133
/// code 0 to all-routers, hop limit 255, at least 8 octets of ICMP, a correct checksum,
/// from a link-local address or the unspecified address (which then carries no Source
/// Link-Layer Address option; a PDU session has no link layer, so options are ignored).
/// The caller has checked `ip[0] >> 4 == 6`; the first tests reject other traffic
/// quickly.
#[inline]
pub fn is_router_solicitation(ip: &[u8]) -> bool {
    if ip.len() < 48 || ip[6] != ICMPV6 || ip[40] != ROUTER_SOLICITATION {
        return false;
    }
    let payload = usize::from(u16::from_be_bytes([ip[4], ip[5]]));
    if ip[7] != 255 || ip[41] != 0 || payload < 8 || ip.len() < 40 + payload {
        return false;
    }
    if ip[24..40] != ALL_ROUTERS.octets() {
        return false;
    }
    let src: [u8; 16] = ip[8..24].try_into().unwrap_or_default();
    let link_local = src[0] == 0xfe && src[1] & 0xc0 == 0x80;
    if !link_local && src != [0; 16] {
        return false;
    }
    let dst: [u8; 16] = ip[24..40].try_into().unwrap_or_default();
    checksum(&src, &dst, &ip[40..40 + payload]) == 0
}

/// The destination of the answer to a Router Solicitation from `src` (RFC 4861 §6.2.6:
/// the soliciting host's address, or all-nodes when it had none).
pub fn answer_destination(rs: &[u8]) -> [u8; 16] {
    match rs.get(8..24).and_then(|s| <[u8; 16]>::try_from(s).ok()) {
        Some(s) if s != [0; 16] => s,
        _ => ALL_NODES.octets(),
    }
}

/// Writes the RA for the /64 `prefix` from [`UPF_LINK_LOCAL`] to `dst` into
/// `out[..RA_LEN]`, announcing `mtu`. `None` if `out` is shorter than [`RA_LEN`].
pub fn write_router_advertisement(
    out: &mut [u8],
    dst: &[u8; 16],
    prefix: Ipv6Addr,
    mtu: u32,
) -> Option<usize> {
    let p = out.get_mut(..RA_LEN)?;
    let src = UPF_LINK_LOCAL.octets();
    // IPv6 header (RFC 8200 §3).
    p[..4].copy_from_slice(&[0x60, 0, 0, 0]);
    p[4..6].copy_from_slice(&((RA_LEN - 40) as u16).to_be_bytes());
    p[6] = ICMPV6;
    p[7] = 255; // RFC 4861 §6.1.2: the receiver checks hop limit 255
    p[8..24].copy_from_slice(&src);
    p[24..40].copy_from_slice(dst);
    // Router Advertisement (RFC 4861 §4.2).
    let m = &mut p[40..];
    m[0] = ROUTER_ADVERTISEMENT;
    m[1] = 0; // code
    m[2..4].fill(0); // checksum, below
    m[4] = CUR_HOP_LIMIT;
    m[5] = 0; // M = 0, O = 0 (TS 29.061 §11.2.1.3.4), no other flags
    m[6..8].copy_from_slice(&ROUTER_LIFETIME_S.to_be_bytes());
    m[8..12].fill(0); // reachable time: unspecified
    m[12..16].fill(0); // retrans timer: unspecified
    // Prefix Information (RFC 4861 §4.6.2).
    let o = &mut m[16..48];
    o[0] = OPT_PREFIX_INFORMATION;
    o[1] = 4; // length in units of 8 octets
    o[2] = 64; // prefix length
    o[3] = 0x40; // L = 0, A = 1
    o[4..8].copy_from_slice(&u32::MAX.to_be_bytes()); // valid lifetime: infinity
    o[8..12].copy_from_slice(&u32::MAX.to_be_bytes()); // preferred lifetime: infinity
    o[12..16].fill(0); // reserved
    let prefix = u128::from(prefix) & !u128::from(u64::MAX);
    o[16..32].copy_from_slice(&prefix.to_be_bytes());
    // MTU (RFC 4861 §4.6.4).
    let o = &mut m[48..56];
    o[0] = OPT_MTU;
    o[1] = 1;
    o[2..4].fill(0);
    o[4..8].copy_from_slice(&mtu.to_be_bytes());
    let c = checksum(&src, dst, &p[40..RA_LEN]);
    p[42..44].copy_from_slice(&c.to_be_bytes());
    Some(RA_LEN)
}

/// The ICMPv6 checksum (RFC 8200 §8.1, RFC 1071) of `msg` between `src` and `dst`: the
/// one's complement of the one's complement sum of the pseudo-header and the message.
/// Over a message whose checksum field is set, a correct one gives 0.
pub fn checksum(src: &[u8; 16], dst: &[u8; 16], msg: &[u8]) -> u16 {
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
    add(src);
    add(dst);
    add(&(msg.len() as u32).to_be_bytes());
    add(&[0, 0, 0, ICMPV6]);
    add(msg);
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Router Solicitation from `src` as a host sends it (RFC 4861 §4.1).
    fn rs(src: Ipv6Addr) -> [u8; 48] {
        let mut p = [0u8; 48];
        p[0] = 0x60;
        p[4..6].copy_from_slice(&8u16.to_be_bytes());
        p[6] = 58;
        p[7] = 255;
        p[8..24].copy_from_slice(&src.octets());
        p[24..40].copy_from_slice(&ALL_ROUTERS.octets());
        p[40] = 133;
        let c = checksum(&src.octets(), &ALL_ROUTERS.octets(), &p[40..]);
        p[42..44].copy_from_slice(&c.to_be_bytes());
        p
    }

    #[test]
    fn router_solicitations_are_recognised_and_checked() {
        let ll: Ipv6Addr = "fe80::1234:5678:9abc:def0".parse().unwrap();
        let ok = rs(ll);
        assert!(is_router_solicitation(&ok));
        assert_eq!(answer_destination(&ok), ll.octets());
        assert!(is_router_solicitation(&rs(Ipv6Addr::UNSPECIFIED)));
        assert_eq!(
            answer_destination(&rs(Ipv6Addr::UNSPECIFIED)),
            ALL_NODES.octets()
        );
        // A global source, a hop limit below 255, a bad checksum, a truncated packet,
        // another destination, code != 0: not an RS to answer.
        assert!(!is_router_solicitation(&rs("2001:db8::1".parse().unwrap())));
        for (i, v) in [(7, 64u8), (42, 0), (41, 1), (39, 3)] {
            let mut p = ok;
            p[i] ^= v.max(1);
            assert!(!is_router_solicitation(&p), "octet {i} changed");
        }
        assert!(!is_router_solicitation(&ok[..47]));
        let mut long = ok;
        long[5] = 16; // payload length beyond the packet
        assert!(!is_router_solicitation(&long));
    }

    #[test]
    fn advertisement_octets() {
        let prefix: Ipv6Addr = "2001:db8:45:1::".parse().unwrap();
        let dst: Ipv6Addr = "fe80::2".parse().unwrap();
        let mut out = [0xaau8; 100];
        assert_eq!(
            write_router_advertisement(&mut out, &dst.octets(), prefix, 1400),
            Some(RA_LEN)
        );
        let mut expected = vec![0x60, 0, 0, 0, 0, 56, 58, 255];
        expected.extend(UPF_LINK_LOCAL.octets());
        expected.extend(dst.octets());
        // type, code, checksum (checked apart), hop limit 64, flags 0, lifetime 9000,
        // reachable time 0, retrans timer 0
        expected.extend([134, 0, 0, 0, 64, 0, 0x23, 0x28, 0, 0, 0, 0, 0, 0, 0, 0]);
        // Prefix Information: type 3, length 4, /64, A, lifetimes infinite, reserved
        expected.extend([
            3, 4, 64, 0x40, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ]);
        expected.extend([0, 0, 0, 0]);
        expected.extend(prefix.octets());
        // MTU: type 5, length 1, reserved, 1400
        expected.extend([5, 1, 0, 0, 0, 0, 0x05, 0x78]);
        let mut got = out[..RA_LEN].to_vec();
        assert_eq!(
            checksum(&UPF_LINK_LOCAL.octets(), &dst.octets(), &got[40..]),
            0
        );
        got[42..44].fill(0);
        assert_eq!(got, expected);
        assert_eq!(out[RA_LEN..], [0xaa; 4], "nothing written past the RA");
        assert_eq!(
            write_router_advertisement(&mut out[..95], &dst.octets(), prefix, 1400),
            None
        );
    }

    #[test]
    fn checksum_of_a_known_packet() {
        // An RS from fe80::1 to ff02::2: pseudo-header words fe80, 1, ff02, 2, length
        // 8, next header 58; the message's one non-zero word 8500 (type 133, code 0).
        let p = rs(UPF_LINK_LOCAL);
        let c = u16::from_be_bytes([p[42], p[43]]);
        // Independent computation, word by word.
        let words: u32 = [0xfe80u32, 1, 0xff02, 2, 8, 58, 0x8500].iter().sum::<u32>();
        let folded = (words & 0xffff) + (words >> 16);
        assert_eq!(c, !(folded as u16));
        assert_eq!(c, 0x7d36);
    }
}
