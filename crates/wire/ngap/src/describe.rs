//! A human rendering of one NGAP-PDU, for `ferrocore decode ngap <hex>`.

use crate::{Error, Message};
use std::fmt::Write;

/// Renders a PDU: one header line (procedure, direction, criticality), then the typed
/// message with every IE, or, for a procedure this crate does not type, the IE ids.
///
/// # Errors
/// [`Error::TransferSyntax`] when the octets are no NGAP-PDU; a typed message's error
/// (naming the IE) when one of its IEs does not decode.
pub fn describe(bytes: &[u8]) -> Result<String, Error> {
    let pdu = crate::decode(bytes)?;
    let mut out = format!(
        "NGAP {} (procedure {}, {}, criticality {:?}), {} octets\n",
        pdu.procedure_name(),
        pdu.procedure_code(),
        pdu.direction(),
        pdu.criticality(),
        bytes.len()
    );
    match Message::from_pdu(&pdu) {
        Ok(m) => {
            let _ = writeln!(out, "{m:#?}");
        }
        Err(Error::UnsupportedMessage { .. }) => {
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
        Err(e) => return Err(e),
    }
    Ok(out)
}
