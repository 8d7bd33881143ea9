//! A human rendering of one message, for `ferrocore decode pfcp <hex>`.

use std::fmt::Write;

use crate::error::Error;
use crate::message::decode;

/// Decodes `bytes` and renders the message: a summary line (name, type, SEID, sequence
/// number) followed by every decoded IE, indented by grouping.
pub fn describe(bytes: &[u8]) -> Result<String, Error> {
    let msg = decode(bytes)?;
    let mut out = String::new();
    let _ = write!(
        out,
        "PFCP {} (type {}), seq {}",
        msg.body.name(),
        msg.body.message_type(),
        msg.header.sequence
    );
    if let Some(seid) = msg.header.seid {
        let _ = write!(out, ", SEID {seid:#018x}");
    }
    if let Some(p) = msg.header.priority {
        let _ = write!(out, ", priority {p}");
    }
    out.push('\n');
    let body = match &msg.body {
        crate::message::Body::SessionDeletionRequest(_) => String::from("(no IEs)"),
        other => format!("{other:#?}"),
    };
    out.push_str(&body);
    out.push('\n');
    Ok(out)
}
