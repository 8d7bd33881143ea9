//! SUCI concealment and de-concealment (TS 33.501 §6.12 and Annex C): the null scheme and
//! the ECIES Profiles A and B, with home network public key identifiers mapped to private
//! keys. The scheme input for an IMSI-based SUPI is the MSIN in BCD (TS 24.501
//! §9.11.3.4); [`encode_msin_bcd`] and [`decode_msin_bcd`] convert it.

mod ecies;
pub mod profile_a;
pub mod profile_b;
pub mod x963;

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use crate::Error;
use crate::secret::{EphemeralKey, HnPrivateKey};

/// Protection scheme identifiers (TS 33.501 Annex C.1, TS 24.501 §9.11.3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ProtectionScheme {
    /// The null scheme (C.2): scheme output = scheme input.
    Null = 0,
    /// ECIES Profile A (C.3.4.1).
    ProfileA = 1,
    /// ECIES Profile B (C.3.4.2).
    ProfileB = 2,
}

impl TryFrom<u8> for ProtectionScheme {
    type Error = Error;
    fn try_from(v: u8) -> Result<Self, Error> {
        match v {
            0 => Ok(Self::Null),
            1 => Ok(Self::ProfileA),
            2 => Ok(Self::ProfileB),
            other => Err(Error::UnsupportedScheme(other)),
        }
    }
}

/// A home network private key, tagged with the profile it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomeNetworkPrivateKey {
    /// An X25519 private key (Profile A).
    ProfileA(HnPrivateKey),
    /// A P-256 private scalar, big-endian (Profile B).
    ProfileB(HnPrivateKey),
}

/// A home network public key as provisioned on the USIM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomeNetworkPublicKey {
    /// An X25519 public key (Profile A).
    ProfileA([u8; 32]),
    /// A P-256 SEC1 point, compressed (33 octets) or uncompressed (65 octets) (Profile B).
    ProfileB(Vec<u8>),
}

impl HomeNetworkPrivateKey {
    /// The matching public key (compressed for Profile B).
    pub fn public_key(&self) -> Result<HomeNetworkPublicKey, Error> {
        Ok(match self {
            Self::ProfileA(k) => HomeNetworkPublicKey::ProfileA(profile_a::public_key(k)),
            Self::ProfileB(k) => HomeNetworkPublicKey::ProfileB(profile_b::public_key(k)?.to_vec()),
        })
    }
}

/// The home network's private keys by home network public key identifier (0..=255,
/// TS 24.501 §9.11.3.4).
#[derive(Debug, Clone, Default)]
pub struct HomeNetworkKeys {
    keys: BTreeMap<u8, HomeNetworkPrivateKey>,
}

impl HomeNetworkKeys {
    /// No keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the key for `key_id`.
    pub fn insert(&mut self, key_id: u8, key: HomeNetworkPrivateKey) {
        self.keys.insert(key_id, key);
    }

    /// The key for `key_id`.
    pub fn get(&self, key_id: u8) -> Option<&HomeNetworkPrivateKey> {
        self.keys.get(&key_id)
    }
}

/// UE side: conceals `scheme_input` with the home network public key and the caller's fresh
/// ephemeral private key (TS 33.501 Annex C.3.2). Returns the scheme output.
pub fn conceal(
    scheme_input: &[u8],
    hn_public: &HomeNetworkPublicKey,
    ephemeral: &EphemeralKey,
) -> Result<Vec<u8>, Error> {
    match hn_public {
        HomeNetworkPublicKey::ProfileA(pk) => Ok(profile_a::conceal(scheme_input, pk, ephemeral)),
        HomeNetworkPublicKey::ProfileB(pk) => profile_b::conceal(scheme_input, pk, ephemeral),
    }
}

/// Home network side (TS 33.501 Annex C.3.3, §6.12.2 SIDF): recovers the scheme input from
/// the scheme output of a SUCI with the given protection scheme and home network public key
/// identifier. The null scheme returns the output unchanged.
pub fn deconceal(
    scheme: ProtectionScheme,
    key_id: u8,
    scheme_output: &[u8],
    keys: &HomeNetworkKeys,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    if scheme == ProtectionScheme::Null {
        return Ok(Zeroizing::new(scheme_output.to_vec()));
    }
    let key = keys.get(key_id).ok_or(Error::UnknownKeyId(key_id))?;
    match (scheme, key) {
        (ProtectionScheme::ProfileA, HomeNetworkPrivateKey::ProfileA(k)) => {
            profile_a::deconceal(k, scheme_output)
        }
        (ProtectionScheme::ProfileB, HomeNetworkPrivateKey::ProfileB(k)) => {
            profile_b::deconceal(k, scheme_output)
        }
        (ProtectionScheme::ProfileA, _) => Err(Error::SchemeMismatch {
            key_id,
            expected: "A",
        }),
        _ => Err(Error::SchemeMismatch {
            key_id,
            expected: "B",
        }),
    }
}

/// The MSIN as BCD with the first digit in the low nibble and an `F` filler for an odd
/// count (TS 24.501 §9.11.3.4, TS 33.501 Annex C.4: MSIN '001002086' -> '00012080F6').
pub fn encode_msin_bcd(msin: &str) -> Result<Vec<u8>, Error> {
    if msin.is_empty() || !msin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidDigits("MSIN"));
    }
    Ok(msin
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            let lo = pair[0] - b'0';
            let hi = pair.get(1).map_or(0x0F, |d| d - b'0');
            (hi << 4) | lo
        })
        .collect())
}

/// The inverse of [`encode_msin_bcd`].
pub fn decode_msin_bcd(bcd: &[u8]) -> Result<String, Error> {
    let mut out = String::with_capacity(bcd.len() * 2);
    for (i, b) in bcd.iter().enumerate() {
        let (lo, hi) = (b & 0x0F, b >> 4);
        if lo > 9 {
            return Err(Error::InvalidDigits("MSIN BCD"));
        }
        out.push(char::from(b'0' + lo));
        match hi {
            0..=9 => out.push(char::from(b'0' + hi)),
            0x0F if i + 1 == bcd.len() => {}
            _ => return Err(Error::InvalidDigits("MSIN BCD")),
        }
    }
    if out.is_empty() {
        return Err(Error::InvalidDigits("MSIN BCD"));
    }
    Ok(out)
}

/// UE side for an IMSI-based SUPI: BCD-encodes the MSIN and conceals it.
pub fn conceal_msin(
    msin: &str,
    hn_public: &HomeNetworkPublicKey,
    ephemeral: &EphemeralKey,
) -> Result<Vec<u8>, Error> {
    let input = Zeroizing::new(encode_msin_bcd(msin)?);
    conceal(&input, hn_public, ephemeral)
}

/// Home network side for an IMSI-based SUPI: de-conceals and decodes the MSIN.
pub fn deconceal_msin(
    scheme: ProtectionScheme,
    key_id: u8,
    scheme_output: &[u8],
    keys: &HomeNetworkKeys,
) -> Result<String, Error> {
    let input = deconceal(scheme, key_id, scheme_output, keys)?;
    decode_msin_bcd(&input)
}

#[cfg(test)]
mod tests;
