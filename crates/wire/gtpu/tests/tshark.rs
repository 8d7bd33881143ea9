//! Every kind of message this crate emits, dissected by Wireshark (tshark must be
//! installed: `bash .ci/setup`; these tests never skip).

use ferrocore_gtpu::{
    DlPduSessionInfo, ExtensionTypeList, PduSessionContainer, Qfi, Repr, UlPduSessionInfo,
    UlTimeStamps,
};
use ferrocore_testkit::pcap::Framing;
use ferrocore_testkit::tshark::Dissection;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A small, valid IPv4/UDP packet of `len` octets (>= 28) as the T-PDU.
fn inner_ipv4(len: usize) -> Vec<u8> {
    let mut p = vec![0u8; len];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(len as u16).to_be_bytes());
    p[8] = 64;
    p[9] = 17;
    p[12..16].copy_from_slice(&[10, 45, 0, 2]);
    p[16..20].copy_from_slice(&[8, 8, 8, 8]);
    let mut sum: u32 = p[..20]
        .chunks(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    p[10..12].copy_from_slice(&(!(sum as u16)).to_be_bytes());
    p[20..22].copy_from_slice(&40000u16.to_be_bytes());
    p[22..24].copy_from_slice(&53u16.to_be_bytes());
    p[24..26].copy_from_slice(&((len - 20) as u16).to_be_bytes());
    p
}

fn emit(repr: &Repr, payload: &[u8]) -> Vec<u8> {
    let mut buf = vec![0; repr.buffer_len(payload.len())];
    let start = repr.header_len() + repr.body_len();
    buf[start..].copy_from_slice(payload);
    repr.emit(&mut buf).expect("emit");
    buf
}

fn qfi(v: u8) -> Qfi {
    Qfi::new(v).expect("qfi")
}

fn dissect(packets: &[Vec<u8>]) -> Dissection {
    let d = Dissection::of(&Framing::gtpu(), packets, &[]);
    d.assert_clean();
    d
}

fn one(d: &Dissection, packet: usize, field: &str) -> String {
    let v = d.field(packet, field);
    assert_eq!(v.len(), 1, "{field} in packet {packet}: {v:?}");
    v[0].clone()
}

#[test]
fn g_pdus_with_pdu_session_containers() {
    let dl_min = Repr::g_pdu(0x1234_5678, Some(PduSessionContainer::downlink(qfi(9))));
    let dl_full = Repr {
        sequence_number: Some(0x0102),
        npdu_number: Some(7),
        ..Repr::g_pdu(
            0xdead_beef,
            Some(PduSessionContainer::Downlink(DlPduSessionInfo {
                qfi: qfi(63),
                rqi: true,
                ppi: Some(5),
                sending_time_stamp: Some(0x0102_0304_0506_0708),
                qfi_sequence_number: Some(77),
            })),
        )
    };
    let ul_min = Repr::g_pdu(0x42, Some(PduSessionContainer::uplink(qfi(1))));
    let ul_full = Repr::g_pdu(
        0x43,
        Some(PduSessionContainer::Uplink(UlPduSessionInfo {
            qfi: qfi(5),
            qos_monitoring: Some(UlTimeStamps {
                dl_sending_repeated: 1,
                dl_received: 2,
                ul_sending: 3,
            }),
            dl_delay_result: Some(4),
            ul_delay_result: Some(5),
            qfi_sequence_number: Some(6),
            n3n9_delay_result: Some(7),
            d1_ul_pdcp_delay_result: Some(8),
        })),
    );
    let plain = Repr::g_pdu(0x99, None);
    let inner = inner_ipv4(64);
    let mut encapped = vec![0u8; ferrocore_gtpu::ENCAP_HEADROOM + 1400];
    encapped[ferrocore_gtpu::ENCAP_HEADROOM..].copy_from_slice(&inner_ipv4(1400));
    let start = ferrocore_gtpu::encap_in_place(
        &mut encapped,
        ferrocore_gtpu::ENCAP_HEADROOM,
        0x0a0b_0c0d,
        qfi(33),
    )
    .expect("encap");
    let packets = vec![
        emit(&dl_min, &inner),
        emit(&dl_full, &inner),
        emit(&ul_min, &inner),
        emit(&ul_full, &inner),
        emit(&plain, &inner),
        encapped[start..].to_vec(),
    ];
    let d = dissect(&packets);
    let teids = [
        "0x12345678",
        "0xdeadbeef",
        "0x00000042",
        "0x00000043",
        "0x00000099",
        "0x0a0b0c0d",
    ];
    let lengths = [
        packets[0].len(),
        packets[1].len(),
        packets[2].len(),
        packets[3].len(),
        packets[4].len(),
        1408 + 8,
    ];
    for (i, teid) in teids.iter().enumerate() {
        assert_eq!(one(&d, i, "gtp.message"), "0xff");
        assert_eq!(one(&d, i, "gtp.teid"), *teid);
        assert_eq!(one(&d, i, "gtp.length"), (lengths[i] - 8).to_string());
        // The T-PDU is handed to the IPv4 dissector: outer and inner source addresses.
        assert_eq!(
            d.field(i, "ip.src"),
            ["127.0.0.1", "10.45.0.2"],
            "packet {i}"
        );
    }
    let qfis = ["9", "63", "1", "5"];
    let pdu_types = ["0", "0", "1", "1"];
    for i in 0..4 {
        // The header's next type, then the container's own (none).
        assert_eq!(d.field(i, "gtp.ext_hdr.next"), ["0x85", "0x00"]);
        assert_eq!(one(&d, i, "gtp.ext_hdr.pdu_ses_con.qos_flow_id"), qfis[i]);
        assert_eq!(one(&d, i, "gtp.ext_hdr.pdu_ses_con.pdu_type"), pdu_types[i]);
    }
    assert_eq!(one(&d, 5, "gtp.ext_hdr.pdu_ses_con.qos_flow_id"), "33");
    assert_eq!(one(&d, 5, "gtp.ext_hdr.pdu_ses_con.pdu_type"), "0");
    assert_eq!(one(&d, 0, "gtp.ext_hdr.length"), "1");
    assert_eq!(one(&d, 0, "gtp.ext_hdr.pdu_ses_cont.rqi"), "0");
    assert_eq!(one(&d, 1, "gtp.ext_hdr.length"), "4");
    assert_eq!(one(&d, 1, "gtp.ext_hdr.pdu_ses_cont.rqi"), "1");
    assert_eq!(one(&d, 1, "gtp.ext_hdr.pdu_ses_cont.ppp"), "1");
    assert_eq!(one(&d, 1, "gtp.ext_hdr.pdu_ses_cont.ppi"), "5");
    assert_eq!(one(&d, 1, "gtp.seq_number"), "0x0102");
    assert_eq!(one(&d, 1, "gtp.npdu_number"), "0x07");
    assert_eq!(one(&d, 3, "gtp.ext_hdr.length"), "12");
    // Wireshark 4.0 does not dissect the QMP / SNP / delay fields; it shows their flag
    // bits as "spare", which at least confirms where we put them: DL octet 1 QMP|SNP,
    // UL octet 1 QMP|DL Delay|UL Delay|SNP, UL octet 2 N3/N9 Delay|New IE.
    assert_eq!(one(&d, 1, "gtp.spare.h1"), "0x0c");
    assert_eq!(one(&d, 3, "gtp.spare.h1"), "0x0f");
    assert_eq!(one(&d, 3, "gtp.spare.b7b6"), "0x03");
    assert!(d.field(4, "gtp.ext_hdr.next").is_empty());
}

#[test]
fn echo_request_and_response() {
    let d = dissect(&[
        emit(&Repr::echo_request(0x1234), &[]),
        emit(&Repr::echo_response(0x1234), &[]),
    ]);
    assert_eq!(one(&d, 0, "gtp.message"), "0x01");
    assert_eq!(one(&d, 0, "gtp.seq_number"), "0x1234");
    assert_eq!(one(&d, 1, "gtp.message"), "0x02");
    assert_eq!(one(&d, 1, "gtp.seq_number"), "0x1234");
    assert_eq!(one(&d, 1, "gtp.recovery"), "0");
    assert_eq!(one(&d, 1, "gtp.teid"), "0x00000000");
}

#[test]
fn error_indications() {
    let v4 = Repr::error_indication(0x0000_0007, IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
    let v6 = Repr {
        sequence_number: Some(9),
        ..Repr::error_indication(
            0x04ce_c0bb,
            IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2)),
        )
    };
    let d = dissect(&[emit(&v4, &[]), emit(&v6, &[])]);
    assert_eq!(one(&d, 0, "gtp.message"), "0x1a");
    assert_eq!(one(&d, 0, "gtp.teid_data"), "0x00000007");
    assert_eq!(one(&d, 0, "gtp.gsn_ipv4"), "10.0.0.1");
    assert_eq!(one(&d, 1, "gtp.teid_data"), "0x04cec0bb");
    assert_eq!(one(&d, 1, "gtp.gsn_ipv6"), "2001:db8::2");
    assert_eq!(one(&d, 1, "gtp.seq_number"), "0x0009");
}

#[test]
fn end_marker_and_supported_extension_headers_notification() {
    let list = ExtensionTypeList::new(&[0x85, 0x40]).expect("list");
    let d = dissect(&[
        emit(&Repr::end_marker(0x0000_abcd), &[]),
        emit(&Repr::supported_extension_headers(3, list), &[]),
    ]);
    assert_eq!(one(&d, 0, "gtp.message"), "0xfe");
    assert_eq!(one(&d, 0, "gtp.teid"), "0x0000abcd");
    assert_eq!(one(&d, 0, "gtp.length"), "0");
    assert_eq!(one(&d, 1, "gtp.message"), "0x1f");
    assert_eq!(one(&d, 1, "gtp.num_ext_hdr_types"), "2");
    assert_eq!(d.field(1, "gtp.ext_hdr_type"), ["133", "64"]);
}

#[test]
fn wireshark_agrees_a_lying_length_is_wrong() {
    // Our decoder and Wireshark both reject an extension header of length 0.
    let bad = ferrocore_testkit::hex("34ff0010 00000001 00000085 00000000 45000008 00000000");
    assert!(ferrocore_gtpu::Packet::new_checked(&bad[..]).is_err());
    let d = Dissection::of(&Framing::gtpu(), &[bad], &[]);
    assert!(!d.problems().is_empty());
}
