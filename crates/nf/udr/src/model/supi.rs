//! SUPI of type IMSI (TS 23.003 §2.2, TS 29.571 `Supi`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ValidationError;

/// A SUPI of type IMSI: exactly 15 decimal digits (3-digit MCC, 2- or 3-digit MNC, MSIN).
///
/// Parsed from `001010000000001` or `imsi-001010000000001`; shown as `imsi-...`, the SBI form.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Supi([u8; 15]);

impl Supi {
    /// Validates an IMSI given with or without the `imsi-` prefix.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let digits = s.strip_prefix("imsi-").unwrap_or(s);
        let bad = || ValidationError::BadImsi(s.to_owned());
        let bytes: [u8; 15] = digits.as_bytes().try_into().map_err(|_| bad())?;
        if !bytes.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        Ok(Self(bytes))
    }

    /// The 15 digits, without prefix.
    pub fn imsi(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The mobile country code (first three digits).
    pub fn mcc(&self) -> &str {
        &self.imsi()[..3]
    }
}

impl fmt::Display for Supi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "imsi-{}", self.imsi())
    }
}

impl fmt::Debug for Supi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Supi({self})")
    }
}

impl FromStr for Supi {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Supi {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Supi {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_forms_and_shows_the_sbi_form() {
        let a = Supi::parse("001010000000001").unwrap();
        let b = Supi::parse("imsi-001010000000001").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "imsi-001010000000001");
        assert_eq!(a.mcc(), "001");
    }

    #[test]
    fn rejects_wrong_length_and_non_digits() {
        for bad in [
            "",
            "00101000000000",
            "0010100000000011",
            "00101000000000a",
            "imsi-",
            "nai-001010000000001",
        ] {
            assert!(
                matches!(Supi::parse(bad), Err(ValidationError::BadImsi(_))),
                "{bad}"
            );
        }
    }
}
