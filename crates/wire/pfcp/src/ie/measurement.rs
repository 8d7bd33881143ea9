//! Usage measurement IEs: volumes, measurement method, reporting and usage report triggers.

use crate::error::Error;
use crate::ie_type::IeType;
use crate::tlv::{Value, Writer, take};

fn u64_at(ie: IeType, v: &mut &[u8], field: &'static str, total: usize) -> Result<u64, Error> {
    let b = take(ie, v, 8, field, total)?;
    Ok(b.iter().fold(0u64, |a, &x| a << 8 | u64::from(x)))
}

/// Volume Threshold (TS 29.244 §8.2.13) or Volume Quota (§8.2.50), in octets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Volume {
    pub total: Option<u64>,
    pub uplink: Option<u64>,
    pub downlink: Option<u64>,
}

impl Value for Volume {
    #[inline]
    fn decode(ie: IeType, mut v: &[u8]) -> Result<Self, Error> {
        let total_len = v.len();
        let f = take(ie, &mut v, 1, "flags", total_len)?[0];
        let mut get = |bit: u8, name| -> Result<Option<u64>, Error> {
            if f & bit != 0 {
                u64_at(ie, &mut v, name, total_len).map(Some)
            } else {
                Ok(None)
            }
        };
        Ok(Volume {
            total: get(0x01, "Total Volume")?,
            uplink: get(0x02, "Uplink Volume")?,
            downlink: get(0x04, "Downlink Volume")?,
        })
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        let fields = [self.total, self.uplink, self.downlink];
        let f = fields
            .iter()
            .enumerate()
            .fold(0u8, |f, (i, x)| f | u8::from(x.is_some()) << i);
        w.u8(f);
        for x in fields.into_iter().flatten() {
            w.bytes(&x.to_be_bytes());
        }
    }
}

/// Volume Measurement (TS 29.244 §8.2.44): octets and packets counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VolumeMeasurement {
    pub total: Option<u64>,
    pub uplink: Option<u64>,
    pub downlink: Option<u64>,
    pub total_packets: Option<u64>,
    pub uplink_packets: Option<u64>,
    pub downlink_packets: Option<u64>,
}

impl Value for VolumeMeasurement {
    #[inline]
    fn decode(ie: IeType, mut v: &[u8]) -> Result<Self, Error> {
        let total_len = v.len();
        let f = take(ie, &mut v, 1, "flags", total_len)?[0];
        let mut get = |bit: u8, name| -> Result<Option<u64>, Error> {
            if f & bit != 0 {
                u64_at(ie, &mut v, name, total_len).map(Some)
            } else {
                Ok(None)
            }
        };
        Ok(VolumeMeasurement {
            total: get(0x01, "Total Volume")?,
            uplink: get(0x02, "Uplink Volume")?,
            downlink: get(0x04, "Downlink Volume")?,
            total_packets: get(0x08, "Total Number of Packets")?,
            uplink_packets: get(0x10, "Uplink Number of Packets")?,
            downlink_packets: get(0x20, "Downlink Number of Packets")?,
        })
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        let fields = [
            self.total,
            self.uplink,
            self.downlink,
            self.total_packets,
            self.uplink_packets,
            self.downlink_packets,
        ];
        let f = fields
            .iter()
            .enumerate()
            .fold(0u8, |f, (i, x)| f | u8::from(x.is_some()) << i);
        w.u8(f);
        for x in fields.into_iter().flatten() {
            w.bytes(&x.to_be_bytes());
        }
    }
}

/// Measurement Method (TS 29.244 §8.2.40).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MeasurementMethod {
    pub duration: bool,
    pub volume: bool,
    pub event: bool,
}

impl Value for MeasurementMethod {
    const MIN: usize = 1;
    #[inline]
    fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error> {
        let b = *v.first().ok_or(Error::IeTooShort {
            ie,
            field: "flags",
            len: 0,
        })?;
        Ok(MeasurementMethod {
            duration: b & 0x01 != 0,
            volume: b & 0x02 != 0,
            event: b & 0x04 != 0,
        })
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        w.u8(u8::from(self.duration) | u8::from(self.volume) << 1 | u8::from(self.event) << 2);
    }
}

/// Flag octets 5, 6, 7 of a trigger IE, octet 5 in the low byte.
fn decode_flags3(ie: IeType, v: &[u8]) -> Result<u32, Error> {
    if v.is_empty() {
        return Err(Error::IeTooShort {
            ie,
            field: "flags",
            len: 0,
        });
    }
    Ok(v.iter()
        .take(3)
        .enumerate()
        .fold(0u32, |a, (i, &b)| a | u32::from(b) << (8 * i)))
}

fn encode_flags3(bits: u32, w: &mut Writer) {
    w.u8(bits as u8);
    w.u8((bits >> 8) as u8);
    if bits >> 16 != 0 {
        w.u8((bits >> 16) as u8);
    }
}

/// Reporting Triggers (TS 29.244 §8.2.19): octet 5 in bits 0-7, octet 6 in 8-15, octet 7 in 16-23.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportingTriggers(pub u32);

impl std::fmt::Debug for ReportingTriggers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NAMES: [&str; 18] = [
            "PERIO", "VOLTH", "TIMTH", "QUHTI", "START", "STOPT", "DROTH", "LIUSA", "VOLQU",
            "TIMQU", "ENVCL", "MACAR", "EVETH", "EVEQU", "IPMJL", "QUVTI", "REEMR", "UPINT",
        ];
        super::flags::write(f, "ReportingTriggers", self.0, &NAMES)
    }
}

impl ReportingTriggers {
    pub const PERIO: u32 = 1 << 0;
    pub const VOLTH: u32 = 1 << 1;
    pub const TIMTH: u32 = 1 << 2;
    pub const QUHTI: u32 = 1 << 3;
    pub const START: u32 = 1 << 4;
    pub const STOPT: u32 = 1 << 5;
    pub const DROTH: u32 = 1 << 6;
    pub const LIUSA: u32 = 1 << 7;
    pub const VOLQU: u32 = 1 << 8;
    pub const TIMQU: u32 = 1 << 9;
    pub const ENVCL: u32 = 1 << 10;
    pub const MACAR: u32 = 1 << 11;
    pub const EVETH: u32 = 1 << 12;
    pub const EVEQU: u32 = 1 << 13;
    pub const IPMJL: u32 = 1 << 14;
    pub const QUVTI: u32 = 1 << 15;
    pub const REEMR: u32 = 1 << 16;
    pub const UPINT: u32 = 1 << 17;
}

impl Value for ReportingTriggers {
    const MIN: usize = 1;
    #[inline]
    fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error> {
        decode_flags3(ie, v).map(ReportingTriggers)
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        encode_flags3(self.0 & 0x00ff_ffff, w);
    }
}

/// Usage Report Trigger (TS 29.244 §8.2.41): octet 5 in bits 0-7, octet 6 in 8-15, octet 7 in 16-23.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct UsageReportTrigger(pub u32);

impl std::fmt::Debug for UsageReportTrigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NAMES: [&str; 22] = [
            "PERIO", "VOLTH", "TIMTH", "QUHTI", "START", "STOPT", "DROTH", "IMMER", "VOLQU",
            "TIMQU", "LIUSA", "TERMR", "MONIT", "ENVCL", "MACAR", "EVETH", "EVEQU", "TEBUR",
            "IPMJL", "QUVTI", "EMRRE", "UPINT",
        ];
        super::flags::write(f, "UsageReportTrigger", self.0, &NAMES)
    }
}

impl UsageReportTrigger {
    pub const PERIO: u32 = 1 << 0;
    pub const VOLTH: u32 = 1 << 1;
    pub const TIMTH: u32 = 1 << 2;
    pub const QUHTI: u32 = 1 << 3;
    pub const START: u32 = 1 << 4;
    pub const STOPT: u32 = 1 << 5;
    pub const DROTH: u32 = 1 << 6;
    pub const IMMER: u32 = 1 << 7;
    pub const VOLQU: u32 = 1 << 8;
    pub const TIMQU: u32 = 1 << 9;
    pub const LIUSA: u32 = 1 << 10;
    pub const TERMR: u32 = 1 << 11;
}

impl Value for UsageReportTrigger {
    const MIN: usize = 1;
    #[inline]
    fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error> {
        decode_flags3(ie, v).map(UsageReportTrigger)
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        encode_flags3(self.0 & 0x00ff_ffff, w);
    }
}
