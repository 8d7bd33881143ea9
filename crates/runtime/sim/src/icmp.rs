//! ICMP echo built and read by the simulator itself (RFC 792 over RFC 791), so that
//! `--ping` needs neither a TUN device nor the system's `ping`.

use std::net::Ipv4Addr;

/// Octets of the echo payload.
const PAYLOAD: usize = 32;
/// IPv4 header (no options) + ICMP header + payload.
pub(crate) const ECHO_LEN: usize = 20 + 8 + PAYLOAD;

/// The Internet checksum (RFC 1071) of `data`.
pub(crate) fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        sum += u32::from(*last) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Writes an IPv4 ICMP echo request from `src` to `dst` into `out` (which must hold
/// [`ECHO_LEN`] octets).
pub(crate) fn echo_request_v4(out: &mut [u8], src: Ipv4Addr, dst: Ipv4Addr, id: u16, seq: u16) {
    let out = &mut out[..ECHO_LEN];
    out.fill(0);
    let total = ECHO_LEN as u16;
    out[0] = 0x45;
    out[2..4].copy_from_slice(&total.to_be_bytes());
    out[4..6].copy_from_slice(&seq.to_be_bytes()); // identification
    out[8] = 64; // TTL
    out[9] = 1; // ICMP
    out[12..16].copy_from_slice(&src.octets());
    out[16..20].copy_from_slice(&dst.octets());
    let c = checksum(&out[..20]);
    out[10..12].copy_from_slice(&c.to_be_bytes());
    let icmp = &mut out[20..];
    icmp[0] = 8; // echo request
    icmp[4..6].copy_from_slice(&id.to_be_bytes());
    icmp[6..8].copy_from_slice(&seq.to_be_bytes());
    for (i, b) in icmp[8..].iter_mut().enumerate() {
        *b = 0x20 + i as u8;
    }
    let c = checksum(icmp);
    icmp[2..4].copy_from_slice(&c.to_be_bytes());
}

/// An IPv4 ICMP echo reply to `dst`: its identifier and sequence number.
pub(crate) fn echo_reply_v4(packet: &[u8], dst: Ipv4Addr) -> Option<(u16, u16)> {
    let ihl = usize::from(packet.first()? & 0x0f) * 4;
    if packet[0] >> 4 != 4 || ihl < 20 || packet.len() < ihl + 8 || packet[9] != 1 {
        return None;
    }
    if packet[16..20] != dst.octets() || packet[ihl] != 0 {
        return None;
    }
    let id = u16::from_be_bytes([packet[ihl + 4], packet[ihl + 5]]);
    let seq = u16::from_be_bytes([packet[ihl + 6], packet[ihl + 7]]);
    Some((id, seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_request_checksums_verify_and_a_reply_is_recognised() {
        let mut p = [0u8; ECHO_LEN];
        let (src, dst) = (Ipv4Addr::new(10, 45, 0, 2), Ipv4Addr::new(8, 8, 8, 8));
        echo_request_v4(&mut p, src, dst, 7, 3);
        assert_eq!(checksum(&p[..20]), 0, "IPv4 header checksum");
        assert_eq!(checksum(&p[20..]), 0, "ICMP checksum");
        assert_eq!(echo_reply_v4(&p, src), None, "a request is no reply");
        // The data network's answer: addresses swapped, type 0.
        let mut r = p;
        r[12..16].copy_from_slice(&dst.octets());
        r[16..20].copy_from_slice(&src.octets());
        r[20] = 0;
        assert_eq!(echo_reply_v4(&r, src), Some((7, 3)));
        assert_eq!(echo_reply_v4(&r, dst), None);
        assert_eq!(echo_reply_v4(&r[..10], src), None);
    }
}
