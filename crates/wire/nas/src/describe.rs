//! A human rendering of one message, for `ferrocore decode nas <hex>` and logs.

use crate::error::Error;
use crate::message::NasMessage;
use crate::names;
use crate::types::Nas5gmmMessage;
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
            if nested_too_deep(m) {
                let _ = writeln!(out, "{pad}  (containers nested too deep: IEs not shown)");
            } else {
                let _ = writeln!(out, "{pad}  {m}");
            }
            render_containers(m, indent + 1, out);
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

/// Containers inside containers are shown this deep at most.
const MAX_DEPTH: usize = 8;

const N1_SM_INFORMATION: u8 = 1;

/// The message octets a 5GMM message carries: the N1 SM information of UL / DL NAS
/// TRANSPORT (§9.11.3.39) or a NAS message container (§9.11.3.33).
fn container(m: &Nas5gmmMessage) -> Option<(&'static str, &[u8])> {
    let payload = "payload container";
    let nas = "NAS message container";
    match m {
        Nas5gmmMessage::UlNasTransport(t)
            if t.payload_container_type.value == N1_SM_INFORMATION =>
        {
            Some((payload, &t.payload_container.value))
        }
        Nas5gmmMessage::DlNasTransport(t)
            if t.payload_container_type.value == N1_SM_INFORMATION =>
        {
            Some((payload, &t.payload_container.value))
        }
        Nas5gmmMessage::SecurityModeComplete(c) => c
            .nas_message_container
            .as_ref()
            .map(|c| (nas, &c.value[..])),
        Nas5gmmMessage::RegistrationRequest(r) => r
            .nas_message_container
            .as_ref()
            .map(|c| (nas, &c.value[..])),
        Nas5gmmMessage::ServiceRequest(r) => r
            .nas_message_container
            .as_ref()
            .map(|c| (nas, &c.value[..])),
        _ => None,
    }
}

/// Whether containers nest deeper than [`MAX_DEPTH`] under `m`, found without recursion
/// (the wrapped codec's `Display` renders containers recursively).
fn nested_too_deep(m: &Nas5gmmMessage) -> bool {
    let Some((_, mut bytes)) = container(m) else {
        return false;
    };
    let mut held;
    for _ in 0..MAX_DEPTH {
        held = match crate::decode(bytes) {
            Ok(inner) => inner,
            Err(_) => return false,
        };
        let Some(next) = held.as_mm().and_then(container) else {
            return false;
        };
        bytes = next.1;
    }
    true
}

/// Renders the message a 5GMM message carries, if any.
fn render_containers(m: &Nas5gmmMessage, indent: usize, out: &mut String) {
    let Some((label, bytes)) = container(m) else {
        return;
    };
    let pad = "  ".repeat(indent);
    if indent > MAX_DEPTH {
        let _ = writeln!(out, "{pad}{label}: nested too deep, not shown");
        return;
    }
    let _ = writeln!(out, "{pad}{label}:");
    match crate::decode(bytes) {
        Ok(inner) => render(&inner, indent + 1, out),
        Err(e) => {
            let _ = writeln!(out, "{pad}  undecodable: {e}");
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
    fn describes_the_5gsm_message_in_ul_nas_transport() {
        let text = describe(&hex("7e00670100062e0501c1ffff120581250908696e7465726e6574")).unwrap();
        assert!(text.contains("payload container:"), "{text}");
        assert!(
            text.contains("5GSM PDU session establishment request"),
            "{text}"
        );
    }

    #[test]
    fn names_the_faulty_ie() {
        let err = describe(&hex("7e004179000af202f839cafe001122332e02a020")).unwrap_err();
        assert!(err.to_string().contains("fgs_mobile_identity"), "{err}");
        assert_eq!(err.gmm_cause(), Some(96));
    }
}
