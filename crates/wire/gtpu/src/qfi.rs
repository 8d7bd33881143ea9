//! The QoS Flow Identifier (TS 38.415 §5.5.3.3).

use crate::error::Error;

/// A QoS Flow Identifier: 6 bits, 0..=63 (TS 38.415 §5.5.3.3, TS 23.501 §5.7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Qfi(u8);

impl Qfi {
    /// The largest QFI.
    pub const MAX: u8 = 63;

    /// A QFI, or [`Error::QfiOutOfRange`] above 63.
    pub const fn new(value: u8) -> Result<Self, Error> {
        if value > Self::MAX {
            Err(Error::QfiOutOfRange(value))
        } else {
            Ok(Qfi(value))
        }
    }

    /// The low 6 bits of an octet (how the QFI sits on the wire).
    pub(crate) const fn from_octet(octet: u8) -> Self {
        Qfi(octet & Self::MAX)
    }

    /// Its value, 0..=63.
    pub const fn value(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Qfi {
    type Error = Error;
    fn try_from(value: u8) -> Result<Self, Error> {
        Qfi::new(value)
    }
}

impl core::fmt::Display for Qfi {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt(f)
    }
}
