//! Wireshark reads what `protect` emits: NIA2 / NEA0 messages of every header type,
//! dissected by `nas-5gs` with null deciphering, show the inner message type, our SN and
//! MAC, and nothing malformed.

mod common;

use common::{DOWNLINK, HEADER_TYPES, UPLINK, pair};
use ferrocore_testkit::hex;
use ferrocore_testkit::pcap::Framing;
use ferrocore_testkit::tshark::Dissection;

/// REGISTRATION REQUEST of UERANSIM (SUCI, requested NSSAI SST 1 SD 010203), as the NAS
/// crate's capture test uses it.
const UERANSIM_REGISTRATION: &str =
    "7e004171000d0102f8390000000000000000301001002e04f0f0f0f02f050401010203530101";

#[test]
fn wireshark_dissects_protected_messages_with_null_ciphering() {
    let (mut amf, mut ue) = pair(2, 0);
    let registration = hex(UERANSIM_REGISTRATION);
    let mut payloads = Vec::new();
    let mut expect = Vec::new();
    for ht in &HEADER_TYPES {
        for dl in DOWNLINK {
            let sn = amf.downlink_count().sequence_number();
            payloads.push(amf.protect(dl, *ht).unwrap());
            expect.push((*ht as u8, dl[2], sn));
        }
        let ul_messages: Vec<&[u8]> = UPLINK.iter().copied().chain([&registration[..]]).collect();
        for ul in ul_messages {
            let sn = ue.uplink_count().sequence_number();
            payloads.push(ue.protect(ul, *ht).unwrap());
            expect.push((*ht as u8, ul[2], sn));
        }
    }
    let d = Dissection::of(
        &Framing::Exported("nas-5gs"),
        &payloads,
        &["nas-5gs.null_decipher:TRUE"],
    );
    d.assert_clean();
    let rows = d.fields(&[
        "nas_5gs.security_header_type",
        "nas_5gs.mm.message_type",
        "nas_5gs.seq_no",
        "nas_5gs.msg_auth_code",
    ]);
    for ((row, (ht, mt, sn)), bytes) in rows.iter().zip(&expect).zip(&payloads) {
        let f = |n: &str| row[n].clone();
        // outer header type, then the inner plain header's 0
        assert_eq!(
            f("nas_5gs.security_header_type")[0],
            ht.to_string(),
            "{row:?}"
        );
        assert_eq!(
            f("nas_5gs.mm.message_type"),
            [format!("{mt:#04x}")],
            "{row:?}"
        );
        assert_eq!(f("nas_5gs.seq_no"), [sn.to_string()]);
        assert_eq!(
            f("nas_5gs.msg_auth_code"),
            [format!("0x{}", ferrocore_testkit::to_hex(&bytes[2..6]))]
        );
    }
    // the registration request's content is dissected too
    let reg = payloads.len() - 1;
    assert_eq!(d.field(reg, "nas_5gs.mm.suci.msin"), ["0000000003"]);
}
