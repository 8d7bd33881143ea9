//! 128-bit secrets (K, OP, OPc): zeroized on drop, never shown by `Debug`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::ValidationError;

/// A 16-byte secret. `Debug` prints `<redacted>`; the bytes are wiped when dropped.
/// Serialized as 32 hex digits (provisioning files and the store need the value).
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Key128([u8; 16]);

impl Key128 {
    pub fn new(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// Parses 32 hex digits; `field` names the field in the error ("K", "OPc", "OP").
    pub fn from_hex(field: &'static str, s: &str) -> Result<Self, ValidationError> {
        let bad = || ValidationError::BadKey {
            field,
            got: describe_bad_key(s),
        };
        let s = s.trim();
        if s.len() != 32 {
            return Err(bad());
        }
        let mut bytes = [0u8; 16];
        hex::decode_to_slice(s, &mut bytes).map_err(|_| bad())?;
        Ok(Self(bytes))
    }

    /// Parses bytes read back from the store.
    pub fn from_slice(field: &'static str, b: &[u8]) -> Result<Self, ValidationError> {
        let bytes: [u8; 16] = b.try_into().map_err(|_| ValidationError::BadKey {
            field,
            got: format!("{} bytes", b.len()),
        })?;
        Ok(Self(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// 32 lowercase hex digits. Only for provisioning output the user asked for.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// Says what is wrong with a key without echoing it (it may be a real key with a typo).
fn describe_bad_key(s: &str) -> String {
    let s = s.trim();
    if s.chars().all(|c| c.is_ascii_hexdigit()) {
        format!("{} hex digits", s.len())
    } else {
        format!("{} characters, not all hex digits", s.chars().count())
    }
}

impl fmt::Debug for Key128 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for Key128 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut h = self.to_hex();
        let r = s.serialize_str(&h);
        h.zeroize();
        r
    }
}

impl<'de> Deserialize<'de> for Key128 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut s = String::deserialize(d)?;
        let r = Self::from_hex("key", &s).map_err(serde::de::Error::custom);
        s.zeroize();
        r
    }
}

/// The operator key: OPc (derived per subscriber) or OP (from which the UDM derives OPc).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum OperatorKey {
    Opc(Key128),
    Op(Key128),
}

impl OperatorKey {
    /// Builds from optional OPc and OP; exactly one must be given.
    pub fn from_options(opc: Option<Key128>, op: Option<Key128>) -> Result<Self, ValidationError> {
        match (opc, op) {
            (Some(c), None) => Ok(Self::Opc(c)),
            (None, Some(o)) => Ok(Self::Op(o)),
            (Some(_), Some(_)) => Err(ValidationError::BothOpAndOpc),
            (None, None) => Err(ValidationError::NeitherOpNorOpc),
        }
    }

    pub fn opc(&self) -> Option<&Key128> {
        match self {
            Self::Opc(k) => Some(k),
            Self::Op(_) => None,
        }
    }

    pub fn op(&self) -> Option<&Key128> {
        match self {
            Self::Op(k) => Some(k),
            Self::Opc(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_bytes() {
        let k = Key128::from_hex("K", "465b5ce8b199b49faa5f0a2ee238a6bc").unwrap();
        let shown = format!("{k:?} {:?}", OperatorKey::Opc(k.clone()));
        assert!(
            !shown.contains("465b") && !shown.to_lowercase().contains("46 5b"),
            "{shown}"
        );
    }

    #[test]
    fn wrong_length_and_non_hex_are_refused_without_echo() {
        let e = Key128::from_hex("K", "465b5ce8b199b49faa5f0a2ee238a6").unwrap_err();
        assert_eq!(
            e.to_string(),
            "bad K: expected 32 hex digits (16 bytes), got 30 hex digits"
        );
        let e = Key128::from_hex("OPc", "zz5b5ce8b199b49faa5f0a2ee238a6bc").unwrap_err();
        assert!(!e.to_string().contains("5b5c"), "{e}");
    }

    #[test]
    fn exactly_one_operator_key() {
        let k = || Some(Key128::new([1; 16]));
        assert_eq!(
            OperatorKey::from_options(k(), k()),
            Err(ValidationError::BothOpAndOpc)
        );
        assert_eq!(
            OperatorKey::from_options(None, None),
            Err(ValidationError::NeitherOpNorOpc)
        );
        assert!(matches!(
            OperatorKey::from_options(None, k()),
            Ok(OperatorKey::Op(_))
        ));
    }
}
