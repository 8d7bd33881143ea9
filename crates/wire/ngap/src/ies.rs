//! Internal plumbing between the plain structs and the generated ASN.1 types.

use crate::Error;

/// An error while reading or building one message, before the message name is known.
#[derive(Debug)]
pub(crate) enum Raw {
    /// From the codec underneath (missing / undecodable IE, encoding).
    Lib(oxirush_ngap::Error),
    /// A value that decodes but that this node cannot use.
    Semantic { field: &'static str, detail: String },
    /// A transfer (an open type inside an IE) that does not decode.
    Transfer { name: &'static str, detail: String },
}

impl From<oxirush_ngap::Error> for Raw {
    fn from(e: oxirush_ngap::Error) -> Self {
        Raw::Lib(e)
    }
}

impl Raw {
    pub(crate) fn reading(self, message: &'static str) -> Error {
        match self {
            Raw::Lib(e) => Error::reading(message, e),
            Raw::Semantic { field, detail } => Error::Semantic {
                message,
                field,
                detail,
            },
            Raw::Transfer { name, detail } => Error::UndecodableIe {
                message,
                ie: name.to_owned(),
                detail,
            },
        }
    }

    pub(crate) fn building(self, message: &'static str) -> Error {
        match self {
            Raw::Lib(e) => Error::building(message, e),
            Raw::Semantic { field, detail } => Error::Encode {
                message,
                detail: format!("{field}: {detail}"),
            },
            Raw::Transfer { name, detail } => Error::Encode {
                message,
                detail: format!("{name}: {detail}"),
            },
        }
    }
}

/// A semantic error about `field`.
pub(crate) fn semantic(field: &'static str, detail: impl Into<String>) -> Raw {
    Raw::Semantic {
        field,
        detail: detail.into(),
    }
}

/// Requires an IE that the ASN.1 marks optional but this procedure needs.
pub(crate) fn need<T>(value: Option<T>, field: &'static str) -> Result<T, Raw> {
    value.ok_or_else(|| semantic(field, "absent"))
}

/// A QoS Flow Identifier (TS 38.413 §9.3.1.51) as this node uses it: 0..=63.
pub(crate) fn qfi_of(q: &crate::asn::QosFlowIdentifier) -> Result<u8, Raw> {
    u8::try_from(q.0)
        .ok()
        .filter(|q| *q <= 63)
        .ok_or_else(|| semantic("QosFlowIdentifier", format!("{} is over 63", q.0)))
}
