//! NAS COUNT (TS 24.501 §4.4.3.1): a 16-bit NAS overflow counter and the 8-bit NAS
//! sequence number, 24 bits in all, zero-padded to 32 bits as input to NIA / NEA.

use serde::{Deserialize, Serialize};

/// Direction of a NAS message, the DIRECTION input of NIA / NEA (TS 33.501 §6.4.3.1,
/// §6.4.4.1): 0 uplink, 1 downlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Direction {
    /// UE to AMF: DIRECTION = 0.
    Uplink = 0,
    /// AMF to UE: DIRECTION = 1.
    Downlink = 1,
}

impl Direction {
    /// The DIRECTION bit.
    pub fn bit(self) -> u8 {
        self as u8
    }
}

/// A 24-bit NAS COUNT: NAS overflow counter (16 most significant bits) || NAS sequence
/// number (8 least significant bits), TS 24.501 §4.4.3.1.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "u32", into = "u32")]
pub struct NasCount(u32);

impl NasCount {
    /// The largest NAS COUNT, 2^24 - 1.
    pub const MAX: u32 = 0x00ff_ffff;
    /// NAS COUNT zero: overflow counter and sequence number both 0.
    pub const ZERO: NasCount = NasCount(0);

    /// A NAS COUNT from its 24-bit value; `None` above [`Self::MAX`].
    pub const fn new(value: u32) -> Option<Self> {
        if value <= Self::MAX {
            Some(Self(value))
        } else {
            None
        }
    }

    /// A NAS COUNT from its overflow counter and sequence number.
    pub const fn from_parts(overflow: u16, sequence_number: u8) -> Self {
        Self(((overflow as u32) << 8) | sequence_number as u32)
    }

    /// The value, as the 32-bit COUNT input of NIA / NEA (8 zero bits || 24-bit NAS COUNT).
    pub const fn value(self) -> u32 {
        self.0
    }

    /// The NAS overflow counter (16 bits).
    pub const fn overflow(self) -> u16 {
        (self.0 >> 8) as u16
    }

    /// The NAS sequence number (8 bits), the SN field of a protected message
    /// (TS 24.501 §9.10).
    pub const fn sequence_number(self) -> u8 {
        self.0 as u8
    }

    /// The next NAS COUNT; `None` when the 24-bit counter would wrap around.
    pub const fn next(self) -> Option<Self> {
        Self::new(self.0 + 1)
    }

    /// The receiver's estimate of the NAS COUNT a message with sequence number `sn` was
    /// sent with, where `self` is the lowest NAS COUNT the receiver still expects
    /// (TS 24.501 §4.4.3.1): the overflow counter is kept, and incremented when `sn` is
    /// below the expected sequence number (the sender's SN wrapped around 255 -> 0).
    /// The estimate is never below `self` and less than 256 above it; `None` if it would
    /// need a 25th bit.
    pub const fn estimate(self, sn: u8) -> Option<Self> {
        let overflow = if sn >= self.sequence_number() {
            self.overflow() as u32
        } else {
            self.overflow() as u32 + 1
        };
        Self::new((overflow << 8) | sn as u32)
    }
}

impl TryFrom<u32> for NasCount {
    type Error = crate::SecurityError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Self::new(value).ok_or(crate::SecurityError::InvalidCount(value))
    }
}

impl From<NasCount> for u32 {
    fn from(c: NasCount) -> u32 {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let c = NasCount::from_parts(0x1234, 0x56);
        assert_eq!(c.value(), 0x123456);
        assert_eq!(c.overflow(), 0x1234);
        assert_eq!(c.sequence_number(), 0x56);
        assert_eq!(NasCount::new(0x0100_0000), None);
        assert_eq!(NasCount::new(NasCount::MAX).unwrap().next(), None);
    }

    #[test]
    fn estimate_keeps_or_bumps_the_overflow_counter() {
        let expected = NasCount::from_parts(3, 200);
        assert_eq!(expected.estimate(200), Some(NasCount::from_parts(3, 200)));
        assert_eq!(expected.estimate(255), Some(NasCount::from_parts(3, 255)));
        // SN below the expected one: the sender wrapped.
        assert_eq!(expected.estimate(0), Some(NasCount::from_parts(4, 0)));
        assert_eq!(expected.estimate(199), Some(NasCount::from_parts(4, 199)));
        // at the very top the estimate would need 25 bits
        assert_eq!(NasCount::from_parts(0xffff, 10).estimate(9), None);
    }
}
