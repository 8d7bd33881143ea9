//! Decodes arbitrary bytes as GTP-U; whatever decodes must re-emit and re-parse to the
//! same representation and payload, and the fast path must agree with the view.
#![no_main]

use ferrocore_gtpu::{Message, Packet, Repr, decap, describe};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = describe(data);
    let fast = decap(data);
    let Ok(packet) = Packet::new_checked(data) else {
        assert!(fast.is_err(), "decap accepted what the view rejected");
        return;
    };
    let _ = packet.extensions().count();
    let Ok(repr) = Repr::parse(&packet) else {
        return;
    };
    let fast = fast.expect("a parsed packet passes decap");
    assert_eq!(fast.teid, repr.teid);
    assert_eq!(fast.qfi, repr.pdu_session.map(|p| p.qfi()));

    // Only a G-PDU carries a T-PDU; other messages' bodies are their IEs.
    let payload: &[u8] = match repr.message {
        Message::GPdu => packet.payload(),
        _ => &[],
    };
    let mut buf = vec![0u8; repr.buffer_len(payload.len())];
    let start = repr.header_len() + repr.body_len();
    buf[start..].copy_from_slice(payload);
    repr.emit(&mut buf).expect("a parsed representation re-emits");

    let again = Packet::new_checked(&buf[..]).expect("re-emitted bytes check");
    assert_eq!(Repr::parse(&again).expect("re-emitted bytes parse"), repr);
    if repr.message == Message::GPdu {
        assert_eq!(again.payload(), payload);
    }
});
