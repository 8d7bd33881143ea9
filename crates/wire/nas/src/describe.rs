//! A human rendering of one message, for `ferrocore decode nas <hex>` and logs.

use crate::error::Error;
use crate::message::NasMessage;
use crate::names;
use std::fmt::Write;

/// Decodes `bytes` and renders the message: one line naming it with its clause of
/// TS 24.501 §8, then its IEs. Protected messages show their header, then the plain
/// message indented (or the ciphertext length). Errors name the field at fault.
pub fn describe(bytes: &[u8]) -> Result<String, Error> {
    let message = crate::decode(bytes)?;
    let mut out = String::new();
    render(&message, 0, &mut out);
    Ok(out)
}

/// Renders an already decoded message.
pub fn render(message: &NasMessage, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    match message {
        NasMessage::Mm(m) => {
            let t = m.message_type().as_u8();
            let _ = writeln!(
                out,
                "{pad}5GMM {} (type {t:#04x}, TS 24.501 §{})",
                names::mm_name(t),
                names::clause(false, t).unwrap_or("?")
            );
            let _ = writeln!(out, "{pad}  {m}");
        }
        NasMessage::Sm(s) => {
            let t = s.message.message_type().as_u8();
            let _ = writeln!(
                out,
                "{pad}5GSM {} (type {t:#04x}, TS 24.501 §{}), PDU session {}, PTI {}",
                names::sm_name(t),
                names::clause(true, t).unwrap_or("?"),
                s.pdu_session_id,
                s.pti
            );
            let _ = writeln!(out, "{pad}  {}", s.message);
        }
        NasMessage::Protected(p) => {
            let _ = writeln!(
                out,
                "{pad}Security protected 5GS NAS message (TS 24.501 §9.1.1): {:?}, MAC {:#010x}, SN {}",
                p.header_type(),
                p.mac(),
                p.sequence_number()
            );
            match p.plain() {
                Some(inner) => render(inner, indent + 1, out),
                None => {
                    let _ = writeln!(out, "{pad}  ciphered payload, {} octets", p.payload().len());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrocore_testkit::hex;

    #[test]
    fn describes_a_registration_request() {
        let text = describe(&hex(
            "7e004179000d0102f8390000000000000010022e08a020000000000000",
        ))
        .unwrap();
        assert!(text.starts_with("5GMM Registration request (type 0x41, TS 24.501 §8.2.6)"));
        assert!(text.contains("suci-0-208-93"), "{text}");
    }

    #[test]
    fn names_the_faulty_ie() {
        let err = describe(&hex("7e004179000af202f839cafe001122332e02a020")).unwrap_err();
        assert!(err.to_string().contains("fgs_mobile_identity"), "{err}");
        assert_eq!(err.gmm_cause(), Some(96));
    }
}
