//! Packets built by hand: IPv4 / IPv6 with a transport header, uplink G-PDUs as a gNB
//! sends them, a Router Solicitation.
//!
//! One source file for the UPF engine's tests and the UPF fuzz targets
//! (`fuzz/fuzz_targets/upf`, which include it with `#[path]`): it uses nothing but `std`.

use std::net::{Ipv4Addr, Ipv6Addr};

/// An IPv4 packet with protocol `proto` whose payload starts with the ports and length
/// of a UDP header (the checksums left 0), then `payload`.
pub fn ipv4(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    proto: u8,
    sport: u16,
    dport: u16,
    payload: &[u8],
) -> Vec<u8> {
    let total = 28 + payload.len();
    let mut p = vec![0u8; 28];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    p[8] = 64;
    p[9] = proto;
    p[12..16].copy_from_slice(&src.octets());
    p[16..20].copy_from_slice(&dst.octets());
    p[20..22].copy_from_slice(&sport.to_be_bytes());
    p[22..24].copy_from_slice(&dport.to_be_bytes());
    p[24..26].copy_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// An IPv4/UDP packet with `payload_len` octets of payload (0, 1, 2, ...).
pub fn ipv4_udp(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    sport: u16,
    dport: u16,
    payload_len: usize,
) -> Vec<u8> {
    let payload: Vec<u8> = (0..payload_len).map(|i| i as u8).collect();
    ipv4(src, dst, 17, sport, dport, &payload)
}

/// An IPv6 packet with next header `nh` whose payload starts with the ports and length
/// of a UDP header, then `payload`.
pub fn ipv6(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    nh: u8,
    sport: u16,
    dport: u16,
    payload: &[u8],
) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0, 0, 0, nh, 64];
    p.extend(src.octets());
    p.extend(dst.octets());
    p.extend(sport.to_be_bytes());
    p.extend(dport.to_be_bytes());
    p.extend(((8 + payload.len()) as u16).to_be_bytes());
    p.extend([0, 0]);
    p.extend_from_slice(payload);
    let len = (p.len() - 40) as u16;
    p[4..6].copy_from_slice(&len.to_be_bytes());
    p
}

/// An uplink G-PDU as a gNB sends it (TS 29.281 §5.1, TS 38.415 §5.5.2.2): a PDU
/// Session Container extension header of type UL PDU SESSION INFORMATION with the six
/// bits of `qfi`, around `inner`.
pub fn gpdu_ul(teid: u32, qfi: u8, inner: &[u8]) -> Vec<u8> {
    let mut v = vec![
        0x34,
        0xff,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0x85,
        1,
        0x10,
        qfi & 0x3f,
        0,
    ];
    v[4..8].copy_from_slice(&teid.to_be_bytes());
    v.extend_from_slice(inner);
    let len = (v.len() - 8).min(usize::from(u16::MAX)) as u16;
    v[2..4].copy_from_slice(&len.to_be_bytes());
    v
}

/// The ICMPv6 checksum over the pseudo-header (RFC 8200 §8.1), written out here apart
/// from the UPF's.
pub fn icmpv6_sum(src: &[u8], dst: &[u8], msg: &[u8]) -> u16 {
    let mut words: Vec<u8> = Vec::new();
    words.extend(src);
    words.extend(dst);
    words.extend((msg.len() as u32).to_be_bytes());
    words.extend([0, 0, 0, 58]);
    words.extend(msg);
    if words.len() % 2 == 1 {
        words.push(0);
    }
    let mut sum: u32 = words
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
        .sum();
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// A Router Solicitation (RFC 4861 §4.1) from `src` (the UE's link-local address) to
/// ff02::2, with `extra` option octets.
pub fn router_solicitation(src: Ipv6Addr, extra: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0, 0, 0, 58, 255];
    p.extend(src.octets());
    p.extend([0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    p.extend([133, 0, 0, 0, 0, 0, 0, 0]);
    p.extend(extra);
    let len = (p.len() - 40) as u16;
    p[4..6].copy_from_slice(&len.to_be_bytes());
    let c = icmpv6_sum(&p[8..24], &p[24..40], &p[40..]);
    p[42..44].copy_from_slice(&c.to_be_bytes());
    p
}
