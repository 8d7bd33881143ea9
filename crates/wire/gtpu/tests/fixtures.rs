//! Byte fixtures decoded field by field and re-emitted byte-identically.

use ferrocore_gtpu::{
    DlPduSessionInfo, ExtensionTypeList, Message, Packet, PduSessionContainer, Qfi, Repr, decap,
    describe, message,
};
use ferrocore_testkit::hex;
use std::net::{IpAddr, Ipv6Addr};

/// Emits `repr` with `payload` and returns the whole packet.
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

// Source: the GTP-U test vectors "gtpu_1".."gtpu_3" used with pycrate's GTP-U parser
// (found in a public test suite, test_mobile.py style), originally Wireshark captures.

#[test]
fn downlink_g_pdu_with_pdu_session_container() {
    // gtpu_3: G-PDU, TEID 1, DL PDU Session Container QFI 1, 56 octets of zero T-PDU.
    let bytes = hex(&format!(
        "34ff003c 00000001 00000085 01000100 {}",
        "00".repeat(52)
    ));
    let p = Packet::new_checked(&bytes[..]).expect("check");
    assert_eq!(p.version(), 1);
    assert_eq!(p.message_type(), message::G_PDU);
    assert_eq!(p.length(), 0x3c);
    assert_eq!(p.teid(), 1);
    assert_eq!(p.sequence_number(), None);
    assert_eq!(p.npdu_number(), None);
    assert_eq!(p.next_extension_type(), Some(0x85));
    let exts: Vec<_> = p.extensions().collect();
    assert_eq!(exts.len(), 1);
    assert_eq!(exts[0].ext_type, 0x85);
    assert_eq!(exts[0].content, [0x00, 0x01]);
    assert_eq!(p.header_len(), 16);
    assert_eq!(p.payload().len(), 52);
    let repr = Repr::parse(&p).expect("repr");
    assert_eq!(
        repr,
        Repr::g_pdu(1, Some(PduSessionContainer::downlink(qfi(1))))
    );
    assert_eq!(emit(&repr, p.payload()), bytes);
    let d = decap(&bytes).expect("decap");
    assert_eq!((d.teid, d.pdu_type, d.qfi), (1, Some(0), Some(qfi(1))));
    assert_eq!(d.payload, 16..bytes.len());
}

#[test]
fn uplink_g_pdu_with_pdu_session_container() {
    // gtpu_2: G-PDU, TEID 0x00800035, UL PDU Session Container QFI 1.
    let bytes = hex(&format!(
        "34ff0044 00800035 00000085 01100100 {}",
        "00".repeat(60)
    ));
    let p = Packet::new_checked(&bytes[..]).expect("check");
    assert_eq!(p.teid(), 0x0080_0035);
    assert_eq!(p.pdu_session_container(), Some(&[0x10, 0x01][..]));
    let repr = Repr::parse(&p).expect("repr");
    assert_eq!(
        repr,
        Repr::g_pdu(0x0080_0035, Some(PduSessionContainer::uplink(qfi(1))))
    );
    assert_eq!(emit(&repr, p.payload()), bytes);
}

#[test]
fn error_indication_with_udp_port_extension_and_ipv6_peer() {
    // gtpu_1: Error Indication, S set (seq 0), UDP Port extension header (port 2152),
    // TEID Data I 0x04cec0bb, GTP-U Peer Address 2222:2222::2.
    let bytes = hex(
        "361a0020 00000000 00000040 01 0868 00 10 04cec0bb 85 0010 22222222000000000000000000000002",
    );
    let p = Packet::new_checked(&bytes[..]).expect("check");
    assert_eq!(p.message_type(), message::ERROR_INDICATION);
    assert_eq!(p.sequence_number(), Some(0));
    let exts: Vec<_> = p.extensions().collect();
    assert_eq!(exts.len(), 1);
    assert_eq!(exts[0].ext_type, 0x40);
    assert_eq!(exts[0].content, [0x08, 0x68]);
    assert!(!exts[0].comprehension_required());
    let repr = Repr::parse(&p).expect("repr");
    let peer = IpAddr::V6(Ipv6Addr::new(0x2222, 0x2222, 0, 0, 0, 0, 0, 2));
    assert_eq!(
        repr.message,
        Message::ErrorIndication {
            teid_data_i: 0x04ce_c0bb,
            peer_address: peer
        }
    );
    assert_eq!(repr.sequence_number, Some(0));
    // The UDP Port extension header is not represented; without it the rest re-emits
    // byte-identically (S flag and seq kept, E flag cleared).
    let again = emit(&repr, &[]);
    assert_eq!(
        again,
        hex("321a001c 00000000 00000000 10 04cec0bb 85 0010 22222222000000000000000000000002")
    );
    assert!(
        describe(&bytes)
            .expect("describe")
            .contains("UDP Port (0x40)")
    );
}

#[test]
fn echo_request_and_response() {
    // TS 29.281 §7.2.1 / §7.2.2: TEID 0, S set; the response carries Recovery (14) = 0.
    let request = hex("32010004 00000000 1234 0000");
    let repr = Repr::parse_bytes(&request).expect("request");
    assert_eq!(repr, Repr::echo_request(0x1234));
    assert_eq!(emit(&repr, &[]), request);

    let response = hex("32020006 00000000 1234 0000 0e00");
    let repr = Repr::parse_bytes(&response).expect("response");
    assert_eq!(repr, Repr::echo_response(0x1234));
    assert_eq!(emit(&repr, &[]), response);
}

#[test]
fn end_marker_and_supported_extension_headers() {
    // End Marker (TS 29.281 §7.3.2): header only.
    let end = hex("30fe0000 0000abcd");
    let repr = Repr::parse_bytes(&end).expect("end marker");
    assert_eq!(repr, Repr::end_marker(0xabcd));
    assert_eq!(emit(&repr, &[]), end);

    // Supported Extension Headers Notification (§7.2.3) listing 0x85 and 0x40 (§8.5).
    let sehn = hex("321f0008 00000000 0007 0000 8d02 8540");
    let repr = Repr::parse_bytes(&sehn).expect("notification");
    let list = ExtensionTypeList::new(&[0x85, 0x40]).expect("list");
    assert_eq!(repr, Repr::supported_extension_headers(7, list));
    assert_eq!(emit(&repr, &[]), sehn);
}

#[test]
fn downlink_container_with_every_field() {
    // TS 38.415 §5.5.2.1: QMP, SNP, PPP, RQI all set. Hand-assembled.
    let bytes = hex("34ff0015 00000007 00000085 04 0c e5 60 0102030405060708 00abcd 00 aa");
    let repr = Repr::parse_bytes(&bytes).expect("repr");
    assert_eq!(
        repr.pdu_session,
        Some(PduSessionContainer::Downlink(DlPduSessionInfo {
            qfi: qfi(0x25),
            rqi: true,
            ppi: Some(3),
            sending_time_stamp: Some(0x0102_0304_0506_0708),
            qfi_sequence_number: Some(0xabcd),
        }))
    );
    assert_eq!(emit(&repr, &[0xaa]), bytes);
}

#[test]
fn describe_a_g_pdu() {
    let bytes = hex("34ff0010 00000001 00000085 01004900 45000008 00000000");
    let text = describe(&bytes).expect("describe");
    assert_eq!(
        text,
        "GTP-U G-PDU (255), TEID 0x00000001, length 16; extension headers: \
         PDU Session Container (0x85) [DL, QFI 9, RQI]; T-PDU of 8 octets (IPv4)."
    );
    assert!(
        describe(&hex("32"))
            .unwrap_err()
            .to_string()
            .contains("mandatory header")
    );
}
