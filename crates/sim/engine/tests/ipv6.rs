//! The UE's IPv6 packets (Router Solicitation, Router Advertisement, ICMPv6 echo) octet
//! by octet, and against the UPF's own implementation (ferrocore-upf's `ra`): the RS it
//! accepts, the RA it writes, the address the UE forms from it.

use std::net::Ipv6Addr;

use ferrocore_sim::ipv6::{
    ECHO_LEN, RS_LEN, echo_reply, echo_request, link_local, parse_router_advertisement,
    router_solicitation,
};
use ferrocore_upf::ra;

const IID: [u8; 8] = [0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55];

fn addr(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

#[test]
fn router_solicitation_octets_and_the_upf_accepts_it() {
    let ll = link_local(IID);
    assert_eq!(ll, addr("fe80::211:22ff:fe33:4455"));
    let mut buf = [0xaau8; 64];
    assert_eq!(router_solicitation(&mut buf, ll), Some(RS_LEN));
    let mut expected = vec![0x60, 0, 0, 0, 0, 8, 58, 255];
    expected.extend(ll.octets());
    expected.extend(addr("ff02::2").octets());
    expected.extend([133, 0]);
    let sum = ra::checksum(&ll.octets(), &addr("ff02::2").octets(), &buf[40..48]);
    assert_eq!(sum, 0, "checksum verified by the UPF's implementation");
    expected.extend(&buf[42..44]);
    expected.extend([0, 0, 0, 0]);
    assert_eq!(&buf[..RS_LEN], &expected[..]);
    assert_eq!(buf[RS_LEN..], [0xaa; 16]);
    assert!(ra::is_router_solicitation(&buf[..RS_LEN]));
    assert_eq!(router_solicitation(&mut buf[..47], ll), None);
}

#[test]
fn the_upfs_router_advertisement_gives_prefix_plus_identifier() {
    let prefix = addr("2001:db8:45:9::");
    let ll = link_local(IID);
    let mut buf = [0u8; ra::RA_LEN];
    ra::write_router_advertisement(&mut buf, &ll.octets(), prefix, 1400).unwrap();
    let adv = parse_router_advertisement(&buf).expect("a valid RA");
    assert_eq!(adv.router, ra::UPF_LINK_LOCAL);
    assert!(!adv.managed && !adv.other, "M = O = 0");
    assert_eq!(adv.router_lifetime, 9000);
    assert_eq!(adv.mtu, Some(1400));
    let p = adv.prefix.expect("Prefix Information");
    assert_eq!((p.prefix, p.length), (prefix, 64));
    assert!(p.autonomous && !p.on_link, "A = 1, L = 0");
    assert_eq!(
        (p.valid_lifetime, p.preferred_lifetime),
        (u32::MAX, u32::MAX)
    );
    assert_eq!(
        adv.address(IID),
        Some(addr("2001:db8:45:9:211:22ff:fe33:4455"))
    );

    // What a host must ignore (RFC 4861 §6.1.2).
    let broken = |f: &dyn Fn(&mut [u8])| {
        let mut b = buf;
        f(&mut b);
        parse_router_advertisement(&b)
    };
    assert_eq!(broken(&|b| b[7] = 64), None, "hop limit below 255");
    assert_eq!(broken(&|b| b[60] ^= 1), None, "checksum");
    assert_eq!(broken(&|b| b[8] = 0x20), None, "not link-local");
    assert_eq!(broken(&|b| b[41] = 1), None, "code 1");
    assert_eq!(broken(&|b| b[57] = 0), None, "a zero-length option");
    assert_eq!(parse_router_advertisement(&buf[..80]), None, "truncated");
    // A = 0: no address from that prefix (RFC 4862 §5.5.3 a).
    let mut b = buf;
    b[59] = 0;
    let sum = ra::checksum(
        &b[8..24].try_into().unwrap(),
        &b[24..40].try_into().unwrap(),
        &{
            let mut m = b[40..].to_vec();
            m[2..4].fill(0);
            m
        },
    );
    b[42..44].copy_from_slice(&sum.to_be_bytes());
    let adv = parse_router_advertisement(&b).expect("still a valid RA");
    assert_eq!(adv.address(IID), None);
}

#[test]
fn echo_request_and_reply_v6() {
    let ue = addr("2001:db8:45:9:211:22ff:fe33:4455");
    let dn = addr("2001:db8:ff::2");
    let mut p = [0u8; ECHO_LEN];
    assert_eq!(echo_request(&mut p, ue, dn, 7, 3), Some(ECHO_LEN));
    assert_eq!(&p[..8], &[0x60, 0, 0, 0, 0, 40, 58, 64]);
    assert_eq!(&p[8..24], &ue.octets());
    assert_eq!(&p[24..40], &dn.octets());
    assert_eq!(&p[40..41], &[128], "echo request");
    assert_eq!(&p[44..48], &[0, 7, 0, 3], "identifier, sequence number");
    assert_eq!(ra::checksum(&ue.octets(), &dn.octets(), &p[40..]), 0);
    assert_eq!(echo_reply(&p, ue), None, "a request is no reply");
    // The data network's answer: addresses swapped, type 129, checksum redone.
    let mut r = p;
    r[8..24].copy_from_slice(&dn.octets());
    r[24..40].copy_from_slice(&ue.octets());
    r[40] = 129;
    r[42..44].fill(0);
    let c = ra::checksum(&dn.octets(), &ue.octets(), &r[40..]);
    r[42..44].copy_from_slice(&c.to_be_bytes());
    assert_eq!(echo_reply(&r, ue), Some((7, 3)));
    assert_eq!(echo_reply(&r, dn), None, "for another address");
    r[50] ^= 0xff;
    assert_eq!(echo_reply(&r, ue), None, "bad checksum");
}
