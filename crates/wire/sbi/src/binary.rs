//! Binary body parts (TS 29.500 §6.1.2.2, TS 29.502 §6.1.6.4, TS 29.518 §6.1.6.4):
//! N1 and N2 containers travel beside the JSON part of a `multipart/related` message,
//! referenced from it by `RefToBinaryData { contentId }`.
//!
//! The service traits carry the octets themselves next to the JSON model (e.g.
//! [`crate::nsmf_pdusession::SmContextCreate`]); [`WithBinaryParts`] splits such a value
//! into the JSON part, whose references it fills in, and its binary parts, and joins them
//! back. The HTTP layer only moves bytes.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::common::RefToBinaryData;
use crate::error::SbiError;

/// `application/vnd.3gpp.5gnas` (TS 29.500 §6.1.2.2.x): an N1 (NAS) message.
pub const NAS_5G: &str = "application/vnd.3gpp.5gnas";
/// `application/vnd.3gpp.ngap`: an N2 (NGAP IE) container.
pub const NGAP: &str = "application/vnd.3gpp.ngap";

/// One binary body part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryPart {
    /// Its `Content-ID` (without angle brackets).
    pub content_id: String,
    /// Its `Content-Type` ([`NAS_5G`], [`NGAP`], ...).
    pub content_type: String,
    /// The octets.
    pub data: Vec<u8>,
}

/// The binary parts of one message, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BinaryParts(pub Vec<BinaryPart>);

impl BinaryParts {
    /// Adds a part and returns the reference to put in the JSON part.
    pub fn push(&mut self, content_id: &str, content_type: &str, data: Vec<u8>) -> RefToBinaryData {
        self.0.push(BinaryPart {
            content_id: content_id.to_owned(),
            content_type: content_type.to_owned(),
            data,
        });
        RefToBinaryData::new(content_id)
    }

    /// Adds `data` when present; the reference when added.
    pub fn push_opt(
        &mut self,
        content_id: &str,
        content_type: &str,
        data: Option<Vec<u8>>,
    ) -> Option<RefToBinaryData> {
        data.map(|d| self.push(content_id, content_type, d))
    }

    /// Takes the part a reference names. No reference: `None`. A reference to a part that
    /// is not there: 400 `MANDATORY_IE_INCORRECT` naming `pointer` (the JSON pointer of
    /// the `contentId`), since the IE that refers to it cannot be read.
    pub fn take(
        &mut self,
        reference: Option<&RefToBinaryData>,
        pointer: &str,
    ) -> Result<Option<Vec<u8>>, SbiError> {
        let Some(r) = reference else {
            return Ok(None);
        };
        match self.0.iter().position(|p| p.content_id == r.content_id) {
            Some(i) => Ok(Some(self.0.remove(i).data)),
            None => Err(SbiError::mandatory_ie_incorrect(
                pointer,
                format!(
                    "no binary body part with Content-ID {:?} in the multipart/related message",
                    r.content_id
                ),
            )),
        }
    }

    /// No parts.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A message made of a JSON part and binary parts that the JSON part references.
pub trait WithBinaryParts: Sized {
    /// The JSON part's model.
    type Json: Serialize + DeserializeOwned;

    /// The JSON part, with its `RefToBinaryData` attributes set to exactly the parts
    /// returned beside it (stale references are cleared), and the binary parts.
    fn into_parts(self) -> (Self::Json, BinaryParts);

    /// Joins a received JSON part with the received binary parts. A reference to a part
    /// that is missing is 400 `MANDATORY_IE_INCORRECT`; parts nothing refers to are ignored.
    fn from_parts(json: Self::Json, parts: BinaryParts) -> Result<Self, SbiError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause;

    #[test]
    fn take_finds_and_reports_missing() {
        let mut parts = BinaryParts::default();
        let r = parts.push("n1", NAS_5G, vec![0x2e, 1]);
        assert_eq!(parts.take(None, "/x").unwrap(), None);
        assert_eq!(
            parts.take(Some(&r), "/n1SmMsg/contentId").unwrap(),
            Some(vec![0x2e, 1])
        );
        let e = parts.take(Some(&r), "/n1SmMsg/contentId").unwrap_err();
        assert_eq!(
            (e.status, e.cause()),
            (400, Some(cause::MANDATORY_IE_INCORRECT))
        );
        assert_eq!(
            e.problem.invalid_params.unwrap()[0].param,
            "/n1SmMsg/contentId"
        );
    }
}
