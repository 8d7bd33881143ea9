//! NAS integrity protection and ciphering (TS 33.501 §6.4.3 / §6.4.4 and Annex D, with the
//! algorithm definitions of TS 33.401 Annex B). Inputs: the 128-bit key, the 32-bit NAS
//! COUNT, the 5-bit BEARER (the NAS connection identifier, TS 33.501 §6.4.3.1) and the
//! 1-bit DIRECTION (0 uplink, 1 downlink).

pub mod aes;
pub mod snow3g;
pub mod zuc;

#[cfg(test)]
mod known_answers;

use crate::Error;
use crate::secret::Key128;

/// DIRECTION bit: uplink (TS 33.401 Annex B.1.1).
pub const UPLINK: u8 = 0;
/// DIRECTION bit: downlink.
pub const DOWNLINK: u8 = 1;

/// 5G NAS integrity algorithms, valued as their 4-bit identities (TS 33.501 §5.11.1.2,
/// TS 24.501 §9.11.3.34).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum NasIntegrityAlgorithm {
    /// NIA0: null integrity; the MAC is all zeros (TS 33.501 Annex D.1).
    Nia0 = 0,
    /// 128-NIA1 (SNOW 3G).
    Nia1 = 1,
    /// 128-NIA2 (AES-CMAC).
    Nia2 = 2,
    /// 128-NIA3 (ZUC).
    Nia3 = 3,
}

/// 5G NAS ciphering algorithms, valued as their 4-bit identities (TS 33.501 §5.11.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum NasCipheringAlgorithm {
    /// NEA0: null ciphering; data is left as it is (TS 33.501 Annex D.1).
    Nea0 = 0,
    /// 128-NEA1 (SNOW 3G).
    Nea1 = 1,
    /// 128-NEA2 (AES-CTR).
    Nea2 = 2,
    /// 128-NEA3 (ZUC).
    Nea3 = 3,
}

impl TryFrom<u8> for NasIntegrityAlgorithm {
    type Error = Error;
    fn try_from(v: u8) -> Result<Self, Error> {
        match v {
            0 => Ok(Self::Nia0),
            1 => Ok(Self::Nia1),
            2 => Ok(Self::Nia2),
            3 => Ok(Self::Nia3),
            other => Err(Error::UnknownAlgorithm(other)),
        }
    }
}

impl TryFrom<u8> for NasCipheringAlgorithm {
    type Error = Error;
    fn try_from(v: u8) -> Result<Self, Error> {
        match v {
            0 => Ok(Self::Nea0),
            1 => Ok(Self::Nea1),
            2 => Ok(Self::Nea2),
            3 => Ok(Self::Nea3),
            other => Err(Error::UnknownAlgorithm(other)),
        }
    }
}

impl NasIntegrityAlgorithm {
    /// The 32-bit NAS-MAC over `message` (TS 33.501 §6.4.3.1; the message is the sequence
    /// number plus the NAS message, TS 24.501 §4.4.3.3).
    pub fn mac(
        self,
        key: &Key128,
        count: u32,
        bearer: u8,
        direction: u8,
        message: &[u8],
    ) -> [u8; 4] {
        let k = key.as_bytes();
        let bits = message.len() * 8;
        match self {
            Self::Nia0 => [0; 4],
            Self::Nia1 => snow3g::eia1(k, count, bearer, direction, message, bits),
            Self::Nia2 => aes::eia2(k, count, bearer, direction, message),
            Self::Nia3 => zuc::eia3(k, count, bearer, direction, message, bits),
        }
    }

    /// Checks a received NAS-MAC in constant time.
    pub fn verify(
        self,
        key: &Key128,
        count: u32,
        bearer: u8,
        direction: u8,
        message: &[u8],
        mac: &[u8; 4],
    ) -> Result<(), Error> {
        let expected = self.mac(key, count, bearer, direction, message);
        if bool::from(subtle::ConstantTimeEq::ct_eq(&expected[..], &mac[..])) {
            Ok(())
        } else {
            Err(Error::MacMismatch("NAS-MAC"))
        }
    }
}

impl NasCipheringAlgorithm {
    /// Ciphers or deciphers `data` in place (TS 33.501 §6.4.4.1); the operation is its own
    /// inverse.
    pub fn apply(self, key: &Key128, count: u32, bearer: u8, direction: u8, data: &mut [u8]) {
        let k = key.as_bytes();
        match self {
            Self::Nea0 => {}
            Self::Nea1 => snow3g::f8(k, count, bearer, direction, data),
            Self::Nea2 => aes::eea2(k, count, bearer, direction, data),
            Self::Nea3 => {
                let bits = data.len() * 8;
                zuc::eea3(k, count, bearer, direction, data, bits)
            }
        }
    }
}
