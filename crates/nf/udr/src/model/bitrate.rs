//! Bit rates and AMBRs in the TS 29.571 `BitRate` form: `"100 Mbps"`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ValidationError;

/// A bit rate in bits per second. Written as in TS 29.571 (`"1 Gbps"`, `"512 Kbps"`);
/// a bare number in a provisioning file means bits per second.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bitrate(pub u64);

const UNITS: [(&str, u64); 5] = [
    ("Tbps", 1_000_000_000_000),
    ("Gbps", 1_000_000_000),
    ("Mbps", 1_000_000),
    ("Kbps", 1_000),
    ("bps", 1),
];

impl Bitrate {
    pub fn bps(self) -> u64 {
        self.0
    }

    pub fn mbps(n: u64) -> Self {
        Self(n * 1_000_000)
    }

    pub fn gbps(n: u64) -> Self {
        Self(n * 1_000_000_000)
    }
}

impl FromStr for Bitrate {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ValidationError::BadBitrate(s.to_owned());
        let t = s.trim();
        let (num, mult) = match UNITS
            .iter()
            .find(|(u, _)| t.to_ascii_lowercase().ends_with(&u.to_ascii_lowercase()))
        {
            Some((u, m)) => (t[..t.len() - u.len()].trim(), *m),
            None => (t, 1),
        };
        // Up to three decimals, as TS 29.571 allows ("1.5 Gbps").
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 3
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let int: u64 = int.parse().map_err(|_| bad())?;
        let frac_val: u64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        let frac_scaled =
            frac_val.checked_mul(mult).ok_or_else(bad)? / 10u64.pow(frac.len() as u32);
        int.checked_mul(mult)
            .and_then(|v| v.checked_add(frac_scaled))
            .map(Self)
            .ok_or_else(bad)
    }
}

impl fmt::Display for Bitrate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (unit, mult) = UNITS
            .iter()
            .find(|(_, m)| self.0 >= *m && self.0.is_multiple_of(*m))
            .copied()
            .unwrap_or(("bps", 1));
        write!(f, "{} {unit}", self.0 / mult)
    }
}

impl fmt::Debug for Bitrate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl Serialize for Bitrate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Bitrate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bps(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bps(n) => Ok(Self(n)),
            Raw::Text(s) => s.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// An aggregate maximum bit rate (UE-AMBR or session AMBR).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ambr {
    pub uplink: Bitrate,
    pub downlink: Bitrate,
}

impl Ambr {
    pub fn symmetric(rate: Bitrate) -> Self {
        Self {
            uplink: rate,
            downlink: rate,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_the_ts_29571_form() {
        assert_eq!("100 Mbps".parse::<Bitrate>().unwrap(), Bitrate::mbps(100));
        assert_eq!(
            "1.5 Gbps".parse::<Bitrate>().unwrap(),
            Bitrate(1_500_000_000)
        );
        assert_eq!("512kbps".parse::<Bitrate>().unwrap(), Bitrate(512_000));
        assert_eq!("42".parse::<Bitrate>().unwrap(), Bitrate(42));
        assert_eq!(Bitrate::gbps(1).to_string(), "1 Gbps");
        assert_eq!(Bitrate(1_500_000_000).to_string(), "1500 Mbps");
        assert_eq!(Bitrate(0).to_string(), "0 bps");
        for bad in [
            "",
            "Mbps",
            "1.2345 Gbps",
            "-1 bps",
            "ten Mbps",
            "99999999999 Tbps",
        ] {
            assert!(bad.parse::<Bitrate>().is_err(), "{bad}");
        }
    }
}
