//! A human rendering of one NGAP-PDU, for `ferrocore decode ngap <hex>`.

use crate::{Error, Message};
use std::fmt::Write;

/// Renders a PDU: one header line (message, procedure, direction, criticality), then
/// the typed message with every IE and nested transfer (octet strings in hex), or, for a
/// procedure this crate does not type, the id, criticality and size of each IE.
///
/// # Errors
/// [`Error::TransferSyntax`] when the octets are no NGAP-PDU; a typed message's error
/// (naming the message and IE) when one of its IEs does not decode.
pub fn describe(bytes: &[u8]) -> Result<String, Error> {
    let pdu = crate::decode_borrowed(bytes)?;
    let typed = match Message::from_pdu(&pdu) {
        Ok(m) => Some(m),
        Err(Error::UnsupportedMessage { .. }) => None,
        Err(e) => return Err(e),
    };
    let mut out = format!(
        "NGAP {} (procedure {} {}, {}, criticality {:?}), {} octets\n",
        typed.as_ref().map_or("message", Message::name),
        pdu.procedure_code(),
        pdu.procedure_name(),
        pdu.direction(),
        pdu.criticality(),
        bytes.len()
    );
    match typed {
        Some(m) => out.push_str(&indent(&hex_octets(&format!("{m:?}")))),
        None => {
            let ies = pdu
                .protocol_ies()
                .map_err(|e| Error::reading(pdu.procedure_name(), e))?;
            for ie in &ies.0 {
                let _ = writeln!(
                    out,
                    "  IE {} ({:?}): {} octets",
                    ie.id.0,
                    ie.criticality,
                    ie.value.len()
                );
            }
        }
    }
    Ok(out)
}

/// Replaces every `[n, n, ...]` of numbers 0..=255 in a Debug rendering by `0x<hex>`.
fn hex_octets(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find(']');
        let octets = close.and_then(|c| {
            let inner = &after[..c];
            let v: Option<Vec<u8>> = inner.split(", ").map(|t| t.parse().ok()).collect();
            v.filter(|v| !v.is_empty()).map(|v| (c, v))
        });
        match octets {
            Some((c, v)) => {
                out.push_str("0x");
                for b in v {
                    let _ = write!(out, "{b:02x}");
                }
                rest = &after[c + 1..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Breaks a one-line Debug rendering into indented lines at `{`, `(`, `[` and `,`,
/// leaving quoted strings alone.
fn indent(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    let mut depth = 0usize;
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth + 1));
    };
    out.push_str("  ");
    while let Some(c) = chars.next() {
        if quoted {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                quoted = false;
            }
            continue;
        }
        match c {
            '"' => {
                quoted = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                depth += 1;
                newline(&mut out, depth - 1);
                out.push_str("  ");
                if chars.peek() == Some(&' ') {
                    chars.next();
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                while out.ends_with(' ') {
                    out.pop();
                }
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                if chars.peek() == Some(&' ') {
                    chars.next();
                }
                newline(&mut out, depth);
            }
            _ => out.push(c),
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octet_lists_become_hex() {
        assert_eq!(
            hex_octets("a: [126, 0, 65], b: [1000], c: []"),
            "a: 0x7e0041, b: [1000], c: []"
        );
    }

    #[test]
    fn debug_is_indented() {
        let s = indent("A { b: 1, c: S { d: \"x, {y}\" } }");
        assert_eq!(
            s,
            "  A {\n    b: 1,\n    c: S {\n      d: \"x, {y}\"\n    }\n  }\n"
        );
    }
}
