//! Receiver checks after a successful decode (TS 24.501 §7.6-§7.8).

use crate::error::Error;
use crate::message::NasMessage;
use oxirush_nas::common::{Severity, Validate};

/// See [`NasMessage::check`].
pub(crate) fn check(message: &NasMessage) -> Result<(), Error> {
    let Some(plain) = message.plain() else {
        return Ok(());
    };
    let (unknown, findings) = match plain {
        NasMessage::Mm(m) => (m.unknown_ies(), m.validate()),
        NasMessage::Sm(s) => (s.message.unknown_ies(), s.message.validate()),
        NasMessage::Protected(_) => return Ok(()),
    };
    // §7.6.1: an unknown IE encoded "comprehension required" is a mandatory IE error.
    if let Some(ie) = unknown.iter().find(|ie| ie.is_comprehension_required()) {
        return Err(Error::UnknownIe {
            iei: ie.iei,
            comprehension_required: true,
        });
    }
    let finding = findings
        .into_iter()
        .find(|f| f.severity == Severity::Error && f.field != "unknown_ies");
    match finding {
        None => Ok(()),
        Some(f) if f.message.contains("condition") => Err(Error::ConditionalIe {
            ie: f.field,
            reason: f.message,
        }),
        Some(f) => Err(Error::SemanticallyIncorrect {
            field: f.field,
            reason: f.message,
        }),
    }
}
