//! QoS enforcement IEs: Gate Status and bit rates (MBR / GBR).

use crate::error::Error;
use crate::ie_type::IeType;
use crate::tlv::{Value, Writer, take};

/// One direction's gate (TS 29.244 §8.2.27).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Gate {
    #[default]
    Open,
    Closed,
}

/// Gate Status (TS 29.244 §8.2.27).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GateStatus {
    pub uplink: Gate,
    pub downlink: Gate,
}

impl Value for GateStatus {
    const MIN: usize = 1;
    #[inline]
    fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error> {
        let b = *v.first().ok_or(Error::IeTooShort {
            ie,
            field: "gates",
            len: 0,
        })?;
        let gate = |bits: u8, field| match bits & 0x03 {
            0 => Ok(Gate::Open),
            1 => Ok(Gate::Closed),
            _ => Err(Error::InvalidField { ie, field }),
        };
        Ok(GateStatus {
            uplink: gate(b >> 2, "UL Gate")?,
            downlink: gate(b, "DL Gate")?,
        })
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        let bit = |g| u8::from(g == Gate::Closed);
        w.u8(bit(self.uplink) << 2 | bit(self.downlink));
    }
}

/// MBR (TS 29.244 §8.2.8) or GBR (§8.2.9): uplink and downlink in kbit/s, 40 bits each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bitrate {
    pub uplink: u64,
    pub downlink: u64,
}

/// The largest value a 5-octet bit rate field holds.
pub const MAX_BITRATE: u64 = (1 << 40) - 1;

impl Value for Bitrate {
    #[inline]
    fn decode(ie: IeType, mut v: &[u8]) -> Result<Self, Error> {
        let total = v.len();
        let read = |b: &[u8]| b.iter().fold(0u64, |a, &x| a << 8 | u64::from(x));
        let uplink = read(take(ie, &mut v, 5, "UL bit rate", total)?);
        let downlink = read(take(ie, &mut v, 5, "DL bit rate", total)?);
        Ok(Bitrate { uplink, downlink })
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        w.bytes(&self.uplink.min(MAX_BITRATE).to_be_bytes()[3..]);
        w.bytes(&self.downlink.min(MAX_BITRATE).to_be_bytes()[3..]);
    }
}
