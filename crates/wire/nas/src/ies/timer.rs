//! GPRS timer 3 (TS 24.008 §10.5.7.4a; TS 24.501 §9.11.2.5), as T3512 and the other
//! 5GS timers of that format carry it.

use crate::error::Error;
use crate::types::NasT3512Value;

/// The unit of a GPRS timer 3: bits 8 to 6 of its octet (TS 24.008 Table 10.5.163a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GprsTimer3Unit {
    /// 011: 2 seconds.
    TwoSeconds,
    /// 100: 30 seconds.
    ThirtySeconds,
    /// 101: 1 minute.
    OneMinute,
    /// 000: 10 minutes.
    TenMinutes,
    /// 001: 1 hour.
    OneHour,
    /// 010: 10 hours.
    TenHours,
    /// 110: 320 hours (1 hour for a UE reading it in a message that is not integrity
    /// protected, Table 10.5.163a NOTE 1).
    ThreeHundredTwentyHours,
    /// 111: the timer is deactivated.
    Deactivated,
}

impl GprsTimer3Unit {
    /// The units from the finest to the coarsest.
    const ASCENDING: [GprsTimer3Unit; 7] = [
        Self::TwoSeconds,
        Self::ThirtySeconds,
        Self::OneMinute,
        Self::TenMinutes,
        Self::OneHour,
        Self::TenHours,
        Self::ThreeHundredTwentyHours,
    ];

    /// Seconds per unit; `None` when deactivated.
    pub fn secs(self) -> Option<u32> {
        Some(match self {
            Self::TwoSeconds => 2,
            Self::ThirtySeconds => 30,
            Self::OneMinute => 60,
            Self::TenMinutes => 600,
            Self::OneHour => 3_600,
            Self::TenHours => 36_000,
            Self::ThreeHundredTwentyHours => 1_152_000,
            Self::Deactivated => return None,
        })
    }

    /// The three unit bits.
    pub fn bits(self) -> u8 {
        match self {
            Self::TenMinutes => 0b000,
            Self::OneHour => 0b001,
            Self::TenHours => 0b010,
            Self::TwoSeconds => 0b011,
            Self::ThirtySeconds => 0b100,
            Self::OneMinute => 0b101,
            Self::ThreeHundredTwentyHours => 0b110,
            Self::Deactivated => 0b111,
        }
    }

    /// The unit of three bits (the upper five bits of `bits` are ignored).
    pub fn from_bits(bits: u8) -> Self {
        match bits & 0b111 {
            0b000 => Self::TenMinutes,
            0b001 => Self::OneHour,
            0b010 => Self::TenHours,
            0b011 => Self::TwoSeconds,
            0b100 => Self::ThirtySeconds,
            0b101 => Self::OneMinute,
            0b110 => Self::ThreeHundredTwentyHours,
            _ => Self::Deactivated,
        }
    }
}

/// A GPRS timer 3 value: a unit and a multiple of it from 0 to 31, in one octet.
///
/// Not every duration is encodable: [`GprsTimer3::from_secs`] rounds up to the nearest
/// one and says whether it had to. For example a T3512 of 3240 s (54 min) is not
/// encodable (54 is more than 31 minutes, 3240 is no multiple of 10 min) and becomes
/// 6 × 10 min = 60 min.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GprsTimer3 {
    unit: GprsTimer3Unit,
    value: u8,
}

impl GprsTimer3 {
    /// The largest multiple of a unit (five bits).
    pub const MAX_VALUE: u8 = 31;

    /// The deactivated timer (unit 111, value 0).
    pub const DEACTIVATED: GprsTimer3 = GprsTimer3 {
        unit: GprsTimer3Unit::Deactivated,
        value: 0,
    };

    /// `value` of `unit`; `None` when `value` is more than 31.
    pub fn new(unit: GprsTimer3Unit, value: u8) -> Option<Self> {
        (value <= Self::MAX_VALUE).then_some(GprsTimer3 { unit, value })
    }

    /// The encoding of `secs`, and whether it is exact.
    ///
    /// Exact when a unit divides `secs` at most 31 times: the finest such unit is taken.
    /// Otherwise the smallest encodable duration above `secs` (the finest unit whose
    /// 31 multiples reach it, value rounded up): 3240 s becomes 6 × 10 min = 3600 s.
    /// Beyond 31 × 320 h the timer saturates there. 0 s is 0 × 2 s, which a UE takes
    /// as "deactivated" for T3512 (TS 24.501 §5.3.7).
    pub fn from_secs(secs: u32) -> (Self, bool) {
        let units = GprsTimer3Unit::ASCENDING
            .iter()
            .map(|u| (*u, u.secs().unwrap_or(1)));
        if let Some((unit, s)) = units
            .clone()
            .find(|(_, s)| secs.is_multiple_of(*s) && secs / s <= u32::from(Self::MAX_VALUE))
        {
            return (
                GprsTimer3 {
                    unit,
                    value: (secs / s) as u8,
                },
                true,
            );
        }
        let rounded = units
            .map(|(unit, s)| (unit, secs.div_ceil(s)))
            .find(|(_, n)| *n <= u32::from(Self::MAX_VALUE));
        match rounded {
            Some((unit, n)) => (
                GprsTimer3 {
                    unit,
                    value: n as u8,
                },
                false,
            ),
            None => (
                GprsTimer3 {
                    unit: GprsTimer3Unit::ThreeHundredTwentyHours,
                    value: Self::MAX_VALUE,
                },
                false,
            ),
        }
    }

    /// The duration in seconds, `None` when deactivated. The 320-hour unit counts as
    /// 320 hours, as a UE reads it in an integrity protected message (REGISTRATION
    /// ACCEPT is one).
    pub fn to_secs(self) -> Option<u32> {
        Some(self.unit.secs()? * u32::from(self.value))
    }

    /// The unit.
    pub fn unit(self) -> GprsTimer3Unit {
        self.unit
    }

    /// The multiple of the unit, 0 to 31.
    pub fn value(self) -> u8 {
        self.value
    }

    /// The octet: unit in bits 8 to 6, value in bits 5 to 1.
    pub fn octet(self) -> u8 {
        (self.unit.bits() << 5) | self.value
    }

    /// Reads the octet (every octet is a GPRS timer 3).
    pub fn from_octet(octet: u8) -> Self {
        GprsTimer3 {
            unit: GprsTimer3Unit::from_bits(octet >> 5),
            value: octet & 0x1f,
        }
    }

    /// The T3512 value IE (TS 24.501 §9.11.2.5) of this timer.
    pub fn to_t3512_ie(self) -> NasT3512Value {
        NasT3512Value::new(vec![self.octet()])
    }

    /// Reads a T3512 value IE; its first value octet (further octets are ignored, TS
    /// 24.007 §11.4.2).
    pub fn parse_t3512(ie: &NasT3512Value) -> Result<Self, Error> {
        ie.value
            .first()
            .map(|o| Self::from_octet(*o))
            .ok_or_else(|| Error::Malformed("T3512 value: no value octet".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exact_values_take_the_finest_unit() {
        // TS 24.008 Table 10.5.163a: 011 00101 = 5 × 2 s.
        assert_eq!(
            GprsTimer3::from_secs(10),
            (GprsTimer3::from_octet(0x65), true)
        );
        // An hour is 60 × 1 min (too many) but 6 × 10 min (000 00110).
        assert_eq!(GprsTimer3::from_secs(3600).0.octet(), 0x06);
        assert!(GprsTimer3::from_secs(3600).1);
        // 31 min = 31 × 1 min (101 11111).
        assert_eq!(GprsTimer3::from_secs(31 * 60).0.octet(), 0xbf);
        // 2 h = 12 × 10 min (000 01100), the finer unit before 2 × 1 h.
        assert_eq!(GprsTimer3::from_secs(7200).0.octet(), 0x0c);
        // 24 h = 24 × 1 h (001 11000).
        assert_eq!(GprsTimer3::from_secs(86_400).0.octet(), 0x38);
        assert_eq!(GprsTimer3::from_secs(0).0.octet(), 0x60);
    }

    #[test]
    fn t3512_of_3240_s_rounds_up_to_an_hour() {
        let (t, exact) = GprsTimer3::from_secs(3240);
        assert!(!exact);
        assert_eq!(t.unit(), GprsTimer3Unit::TenMinutes);
        assert_eq!(t.value(), 6);
        assert_eq!(t.to_secs(), Some(3600));
        assert_eq!(t.to_t3512_ie().value, [0x06]);
    }

    #[test]
    fn saturates_and_deactivates() {
        let (t, exact) = GprsTimer3::from_secs(u32::MAX);
        assert!(!exact);
        assert_eq!(t.octet(), 0b110_11111);
        assert_eq!(t.to_secs(), Some(31 * 1_152_000));
        assert_eq!(GprsTimer3::from_octet(0xe0), GprsTimer3::DEACTIVATED);
        assert_eq!(GprsTimer3::DEACTIVATED.to_secs(), None);
        assert_eq!(GprsTimer3::new(GprsTimer3Unit::OneHour, 32), None);
        assert!(GprsTimer3::parse_t3512(&NasT3512Value::new(vec![])).is_err());
    }

    #[test]
    fn agrees_with_the_codec() {
        for octet in 0..=u8::MAX {
            let ie = NasT3512Value::new(vec![octet]);
            let t = GprsTimer3::parse_t3512(&ie).unwrap();
            assert_eq!(t.to_t3512_ie().value, [octet]);
            let secs = t.to_secs().filter(|s| *s > 0).map(u64::from);
            assert_eq!(secs, ie.to_seconds(), "{octet:#04x}");
        }
    }

    proptest! {
        #[test]
        fn from_secs_is_never_below_and_exact_only_when_equal(secs in 0u32..=35_712_000) {
            let (t, exact) = GprsTimer3::from_secs(secs);
            let back = t.to_secs().unwrap();
            prop_assert!(back >= secs);
            prop_assert_eq!(exact, back == secs);
            prop_assert_eq!(GprsTimer3::from_octet(t.octet()), t);
            // The smallest encodable duration that is not shorter.
            let best = (0..=u8::MAX)
                .filter_map(|o| GprsTimer3::from_octet(o).to_secs())
                .filter(|s| *s >= secs)
                .min();
            prop_assert_eq!(Some(back), best);
        }
    }
}
