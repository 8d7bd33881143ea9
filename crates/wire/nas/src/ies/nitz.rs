//! Network identity and time zone (NITZ) IEs of CONFIGURATION UPDATE COMMAND (TS 24.501
//! §8.2.19): network name (TS 24.008 §10.5.3.5a), time zone (§10.5.3.8), time zone and
//! time (§10.5.3.9).

use crate::error::Error;
use crate::types::{NasNetworkName, NasTimeZone, NasTimeZoneAndTime};

/// Full or short network name (TS 24.008 §10.5.3.5a; TS 24.501 §9.11.3.35).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkName {
    /// The name.
    pub text: String,
    /// Whether the UE should add the country's initials (bit 4 of octet 3).
    pub add_country_initials: bool,
}

/// Coding scheme UCS2 (001, bits 7 to 5 of octet 3).
const UCS2: u8 = 0b001;

impl NetworkName {
    /// A name without country initials.
    pub fn new(text: impl Into<String>) -> Self {
        NetworkName {
            text: text.into(),
            add_country_initials: false,
        }
    }

    /// The IE, always in UCS2 (TS 23.038 §6.2.3, UTF-16 big endian), whatever the
    /// characters: octet 3 is ext 1, coding scheme 001, the CI bit, no spare bits
    /// (`0x90` without CI). The GSM 7-bit default alphabet is not used.
    pub fn to_ie(&self) -> NasNetworkName {
        let mut v = Vec::with_capacity(1 + 2 * self.text.len());
        v.push(0x80 | UCS2 << 4 | u8::from(self.add_country_initials) << 3);
        v.extend(self.text.encode_utf16().flat_map(u16::to_be_bytes));
        NasNetworkName::new(v)
    }

    /// Reads the IE, in UCS2 or the GSM 7-bit default alphabet. Malformed when empty,
    /// of a reserved coding scheme, or not decodable text.
    pub fn parse(ie: &NasNetworkName) -> Result<Self, Error> {
        if ie.value.is_empty() {
            return Err(Error::Malformed("network name: no octet".into()));
        }
        let text = ie.name().ok_or_else(|| {
            Error::Malformed(format!(
                "network name: coding scheme {} or its text is not readable",
                ie.coding_scheme_raw()
            ))
        })?;
        Ok(NetworkName {
            text,
            add_country_initials: ie.add_ci(),
        })
    }
}

/// A time zone: the offset of local time from universal time in quarter hours, -79 to
/// +79 (TS 24.008 §10.5.3.8, coded as TS 23.040 §9.2.3.11: two BCD digits, semi-octets
/// swapped, bit 4 of the octet for a negative offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(i8);

impl TimeZone {
    /// The largest offset either way, in quarter hours.
    pub const MAX_QUARTER_HOURS: i8 = 79;

    /// The zone `quarter_hours` from UTC, clamped to ±79.
    pub fn from_quarter_hours(quarter_hours: i8) -> Self {
        TimeZone(quarter_hours.clamp(-Self::MAX_QUARTER_HOURS, Self::MAX_QUARTER_HOURS))
    }

    /// The offset in quarter hours.
    pub fn quarter_hours(self) -> i8 {
        self.0
    }

    /// The octet.
    pub fn octet(self) -> u8 {
        let q = self.0.unsigned_abs();
        let sign = if self.0 < 0 { 0x08 } else { 0 };
        ((q % 10) << 4) | (q / 10) | sign
    }

    /// Reads the octet; malformed when the units digit (bits 8 to 5) is not BCD.
    pub fn from_octet(octet: u8) -> Result<Self, Error> {
        let units = octet >> 4;
        if units > 9 {
            return Err(Error::Malformed(format!(
                "time zone {octet:#04x}: units digit {units} is not BCD"
            )));
        }
        let q = (octet & 0x07) as i8 * 10 + units as i8;
        Ok(TimeZone(if octet & 0x08 != 0 { -q } else { q }))
    }

    /// The local time zone IE (TS 24.501 §9.11.3.52).
    pub fn to_ie(self) -> NasTimeZone {
        NasTimeZone::new(self.octet())
    }

    /// Reads a local time zone IE.
    pub fn parse(ie: &NasTimeZone) -> Result<Self, Error> {
        Self::from_octet(ie.value)
    }
}

/// Universal time and local time zone (TS 24.008 §10.5.3.9; TS 24.501 §9.11.3.53):
/// the universal time when the network sent it, and the local time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZoneAndTime {
    /// Year within the century, 0 to 99.
    pub year: u8,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day, 1 to 31.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 59.
    pub second: u8,
    /// Local time zone.
    pub time_zone: TimeZone,
}

/// Two decimal digits, semi-octets swapped (TS 23.040 §9.2.3.11).
fn swapped_bcd(v: u8) -> u8 {
    ((v % 10) << 4) | (v / 10)
}

fn from_swapped_bcd(field: &str, o: u8) -> Result<u8, Error> {
    let (tens, units) = (o & 0x0f, o >> 4);
    if tens > 9 || units > 9 {
        return Err(Error::Malformed(format!(
            "time zone and time: {field} {o:#04x} is not BCD"
        )));
    }
    Ok(tens * 10 + units)
}

impl TimeZoneAndTime {
    fn fields(&self) -> [(&'static str, u8, std::ops::RangeInclusive<u8>); 6] {
        [
            ("year", self.year, 0..=99),
            ("month", self.month, 1..=12),
            ("day", self.day, 1..=31),
            ("hour", self.hour, 0..=23),
            ("minute", self.minute, 0..=59),
            ("second", self.second, 0..=59),
        ]
    }

    /// The IE (seven octets); refused when a field is out of its range.
    pub fn to_ie(&self) -> Result<NasTimeZoneAndTime, Error> {
        let mut v = Vec::with_capacity(7);
        for (field, value, range) in self.fields() {
            if !range.contains(&value) {
                return Err(Error::Encode(format!(
                    "time zone and time: {field} {value} is outside {range:?}"
                )));
            }
            v.push(swapped_bcd(value));
        }
        v.push(self.time_zone.octet());
        Ok(NasTimeZoneAndTime::new(v))
    }

    /// Reads the IE; malformed when not seven octets of BCD digits with every field in
    /// its range.
    pub fn parse(ie: &NasTimeZoneAndTime) -> Result<Self, Error> {
        let Ok(o) = <[u8; 7]>::try_from(ie.value.as_slice()) else {
            return Err(Error::Malformed(format!(
                "time zone and time: {} octets, not 7",
                ie.value.len()
            )));
        };
        let t = TimeZoneAndTime {
            year: from_swapped_bcd("year", o[0])?,
            month: from_swapped_bcd("month", o[1])?,
            day: from_swapped_bcd("day", o[2])?,
            hour: from_swapped_bcd("hour", o[3])?,
            minute: from_swapped_bcd("minute", o[4])?,
            second: from_swapped_bcd("second", o[5])?,
            time_zone: TimeZone::from_octet(o[6])?,
        };
        if let Some((field, value, _)) = t.fields().into_iter().find(|(_, v, r)| !r.contains(v)) {
            return Err(Error::Malformed(format!(
                "time zone and time: {field} {value} is out of range"
            )));
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn network_name_in_ucs2() {
        let n = NetworkName::new("ab");
        let ie = n.to_ie();
        assert_eq!(ie.value, [0x90, 0, b'a', 0, b'b']);
        assert_eq!(NetworkName::parse(&ie).unwrap(), n);
        let ci = NetworkName {
            text: "Ferrocore Ω".into(),
            add_country_initials: true,
        };
        assert_eq!(ci.to_ie().value[0], 0x98);
        assert_eq!(NetworkName::parse(&ci.to_ie()).unwrap(), ci);
    }

    #[test]
    fn network_name_in_gsm_7_bit_is_read() {
        // "Test" packed in septets (TS 23.038 §6.1.2.1.1): coding 000, 4 spare bits.
        let ie = NasNetworkName::new(vec![0x84, 0xd4, 0xf2, 0x9c, 0x0e]);
        assert_eq!(NetworkName::parse(&ie).unwrap().text, "Test");
        assert!(NetworkName::parse(&NasNetworkName::new(vec![])).is_err());
    }

    #[test]
    fn time_zone_octets() {
        // TS 23.040 §9.2.3.11: +1 h = 4 quarter hours, digits 0 and 4 swapped.
        assert_eq!(TimeZone::from_quarter_hours(4).octet(), 0x40);
        // -5:30 = 22 quarter hours, negative: 0x2a.
        assert_eq!(TimeZone::from_quarter_hours(-22).octet(), 0x2a);
        assert_eq!(TimeZone::from_octet(0x2a).unwrap().quarter_hours(), -22);
        // +9:45 = 39.
        assert_eq!(TimeZone::from_quarter_hours(39).to_ie().value, 0x93);
        assert_eq!(TimeZone::from_quarter_hours(100).quarter_hours(), 79);
        assert_eq!(TimeZone::from_quarter_hours(i8::MIN).quarter_hours(), -79);
        assert!(TimeZone::from_octet(0xa0).is_err());
    }

    #[test]
    fn time_zone_and_time_octets() {
        // 2024-03-15 13:05:59 UTC, local time zone +1 h.
        let t = TimeZoneAndTime {
            year: 24,
            month: 3,
            day: 15,
            hour: 13,
            minute: 5,
            second: 59,
            time_zone: TimeZone::from_quarter_hours(4),
        };
        let ie = t.to_ie().unwrap();
        assert_eq!(ie.value, [0x42, 0x30, 0x51, 0x31, 0x50, 0x95, 0x40]);
        assert!(ie.is_well_formed());
        assert_eq!(TimeZoneAndTime::parse(&ie).unwrap(), t);
        assert!(TimeZoneAndTime { month: 13, ..t }.to_ie().is_err());
        assert!(TimeZoneAndTime::parse(&NasTimeZoneAndTime::new(vec![0; 7])).is_err());
    }

    proptest! {
        #[test]
        fn time_zone_round_trips_and_agrees_with_the_codec(q in -79i8..=79) {
            let tz = TimeZone::from_quarter_hours(q);
            prop_assert_eq!(TimeZone::from_octet(tz.octet()).unwrap(), tz);
            prop_assert_eq!(tz.to_ie().quarter_hours(), q);
        }

        #[test]
        fn network_name_round_trips(text in "\\PC{0,20}", ci in any::<bool>()) {
            let n = NetworkName { text, add_country_initials: ci };
            prop_assert_eq!(NetworkName::parse(&n.to_ie()).unwrap(), n);
        }
    }
}
