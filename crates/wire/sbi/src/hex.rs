//! Fixed-length octet strings carried as hexadecimal JSON strings (RAND, AUTN, XRES*,
//! K_AUSF, ...: `pattern: "^[A-Fa-f0-9]{2N}$"` in the YAMLs).

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `N` octets, serialized as `2N` lower-case hex digits; either case is accepted.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hex<const N: usize>(pub [u8; N]);

impl<const N: usize> Hex<N> {
    /// The octets.
    pub fn as_bytes(&self) -> &[u8; N] {
        &self.0
    }

    /// Parses exactly `2N` hex digits.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.len() != 2 * N {
            return Err(format!("expected {} hex digits, got {}", 2 * N, s.len()));
        }
        let mut out = [0u8; N];
        ::hex::decode_to_slice(s, &mut out).map_err(|e| format!("not hexadecimal: {e}"))?;
        Ok(Self(out))
    }
}

impl<const N: usize> From<[u8; N]> for Hex<N> {
    fn from(b: [u8; N]) -> Self {
        Self(b)
    }
}

impl<const N: usize> fmt::Display for Hex<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&::hex::encode(self.0))
    }
}

impl<const N: usize> fmt::Debug for Hex<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hex({self})")
    }
}

impl<const N: usize> Serialize for Hex<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&::hex::encode(self.0))
    }
}

impl<'de, const N: usize> Deserialize<'de> for Hex<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const N: usize>;
        impl<const N: usize> Visitor<'_> for V<N> {
            type Value = Hex<N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a string of {} hex digits", 2 * N)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Hex<N>, E> {
                Hex::parse(s).map_err(E::custom)
            }
        }
        d.deserialize_str(V::<N>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_case() {
        let h: Hex<2> = serde_json::from_str("\"AbCd\"").unwrap();
        assert_eq!(h.0, [0xab, 0xcd]);
        assert_eq!(serde_json::to_string(&h).unwrap(), "\"abcd\"");
        assert!(serde_json::from_str::<Hex<2>>("\"abc\"").is_err());
        assert!(serde_json::from_str::<Hex<2>>("\"abzz\"").is_err());
        assert!(serde_json::from_str::<Hex<2>>("12").is_err());
    }
}
