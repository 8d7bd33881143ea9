//! A human rendering of one NGAP-PDU, for `ferrocore decode ngap <hex>`.

use crate::{Error, Message};
use std::fmt::Write;

/// Renders a PDU: one header line (message, procedure, direction, criticality), then
/// the typed message with every IE and nested transfer, or, for a procedure this crate
/// does not type, the id, criticality and size of each IE.
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
        Some(m) => {
            let _ = writeln!(out, "{m:#?}");
        }
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
