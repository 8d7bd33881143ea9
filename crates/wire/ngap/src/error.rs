//! One error for the crate, and the protocol Cause it maps to (TS 38.413 §10, §9.3.1.2).

use oxirush_ngap::ErrorKind;

/// The protocol causes of TS 38.413 §9.3.1.2 (CauseProtocol), as an AMF reports them in
/// an ERROR INDICATION (§8.7.5) or a failure message.
pub type ProtocolCause = oxirush_ngap::ngap::CauseProtocol;

/// What went wrong, naming the procedure (message) and the IE where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The octets are not an NGAP-PDU in aligned PER (TS 38.413 §10.2).
    #[error("NGAP-PDU does not decode: {detail}")]
    TransferSyntax { detail: String },
    /// The PDU holds another message than the one it is read as: `found` is the
    /// procedure it holds and `direction` its direction.
    #[error("expected {expected}, the PDU holds procedure {found} ({direction})")]
    WrongMessage {
        expected: &'static str,
        found: &'static str,
        direction: &'static str,
    },
    /// A procedure code and direction this crate has no typed message for.
    #[error("no typed message for procedure {code} ({direction}) {name}")]
    UnsupportedMessage {
        code: u8,
        direction: &'static str,
        name: &'static str,
    },
    /// A mandatory IE is absent (TS 38.413 §10.3.5).
    #[error("{message}: mandatory IE {ie} is missing")]
    MissingIe { message: &'static str, ie: String },
    /// An IE (or a transfer inside one) is there and does not decode (§10.3.4).
    #[error("{message}: IE {ie} does not decode: {detail}")]
    UndecodableIe {
        message: &'static str,
        ie: String,
        detail: String,
    },
    /// The IEs decode, but a value is not one this node can use (§10.4).
    #[error("{message}: {field}: {detail}")]
    Semantic {
        message: &'static str,
        field: &'static str,
        detail: String,
    },
    /// A value does not encode (outside its constraint).
    #[error("{message}: does not encode: {detail}")]
    Encode {
        message: &'static str,
        detail: String,
    },
}

impl Error {
    /// The protocol Cause (TS 38.413 §9.3.1.2) for an ERROR INDICATION about a received
    /// message that failed this way (§10.2 transfer syntax, §10.3 abstract syntax,
    /// §10.4 logical errors). `None` for errors of the local side (encoding).
    pub fn cause(&self) -> Option<ProtocolCause> {
        Some(match self {
            Error::TransferSyntax { .. } => ProtocolCause::transfer_syntax_error,
            Error::WrongMessage { .. } => ProtocolCause::message_not_compatible_with_receiver_state,
            Error::UnsupportedMessage { .. } => ProtocolCause::abstract_syntax_error_reject,
            Error::MissingIe { .. } => ProtocolCause::abstract_syntax_error_reject,
            Error::UndecodableIe { .. } => {
                ProtocolCause::abstract_syntax_error_falsely_constructed_message
            }
            Error::Semantic { .. } => ProtocolCause::semantic_error,
            Error::Encode { .. } => return None,
        })
    }

    /// The full NGAP Cause IE value (choice `protocol`) for [`Error::cause`].
    pub fn ngap_cause(&self) -> Option<oxirush_ngap::ngap::Cause> {
        self.cause().map(oxirush_ngap::ngap::Cause::protocol)
    }

    /// Converts a codec error met while reading `message`.
    pub(crate) fn reading(message: &'static str, e: oxirush_ngap::Error) -> Self {
        let ie = e
            .ie()
            .map(|ie| format!("id {}", ie.id))
            .unwrap_or_else(|| "?".to_owned());
        match e.kind() {
            ErrorKind::MissingIe => Error::MissingIe { message, ie },
            ErrorKind::UndecodableIe => Error::UndecodableIe {
                message,
                ie,
                detail: e.to_string(),
            },
            ErrorKind::Encode => Error::Encode {
                message,
                detail: e.to_string(),
            },
            ErrorKind::Decode => Error::UndecodableIe {
                message,
                ie,
                detail: e.to_string(),
            },
            _ => Error::Semantic {
                message,
                field: "message",
                detail: e.to_string(),
            },
        }
    }

    /// Converts a codec error met while building `message`.
    pub(crate) fn building(message: &'static str, e: oxirush_ngap::Error) -> Self {
        Error::Encode {
            message,
            detail: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_receive_error_has_its_protocol_cause() {
        let detail = String::new();
        let cases = [
            (
                Error::TransferSyntax {
                    detail: detail.clone(),
                },
                Some(ProtocolCause::transfer_syntax_error),
            ),
            (
                Error::MissingIe {
                    message: "InitialUEMessage",
                    ie: "id 38".into(),
                },
                Some(ProtocolCause::abstract_syntax_error_reject),
            ),
            (
                Error::UndecodableIe {
                    message: "InitialUEMessage",
                    ie: "id 121".into(),
                    detail: detail.clone(),
                },
                Some(ProtocolCause::abstract_syntax_error_falsely_constructed_message),
            ),
            (
                Error::Semantic {
                    message: "InitialUEMessage",
                    field: "UserLocationInformation",
                    detail: detail.clone(),
                },
                Some(ProtocolCause::semantic_error),
            ),
            (
                Error::Encode {
                    message: "NGSetupRequest",
                    detail,
                },
                None,
            ),
        ];
        for (e, cause) in cases {
            assert_eq!(e.cause(), cause, "{e}");
        }
    }

    #[test]
    fn errors_name_the_message() {
        let e = Error::MissingIe {
            message: "InitialUEMessage",
            ie: "id 38".into(),
        };
        assert_eq!(
            e.to_string(),
            "InitialUEMessage: mandatory IE id 38 is missing"
        );
    }
}
