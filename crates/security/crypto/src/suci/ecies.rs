//! The symmetric half shared by ECIES Profiles A and B (TS 33.501 Annex C.3.4.1/C.3.4.2):
//! ANSI X9.63 KDF (SHA-256) over the shared secret with the ephemeral public key as
//! SharedInfo1, giving a 128-bit encryption key, a 128-bit initial counter block and a
//! 256-bit MAC key; AES-128 in CTR mode; HMAC-SHA-256 tag cut to 64 bits.

use aes::Aes128;
use ctr::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use super::x963;
use crate::Error;

type Aes128Ctr = ctr::Ctr128BE<Aes128>;

/// Length of the MAC tag in the scheme output (TS 33.501 Annex C.3.4: 8 octets).
pub const MAC_TAG_LEN: usize = 8;

struct Keys {
    enc: [u8; 16],
    icb: [u8; 16],
    mac: [u8; 32],
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.enc.zeroize();
        self.icb.zeroize();
        self.mac.zeroize();
    }
}

fn derive(shared: &[u8], eph_public: &[u8]) -> Keys {
    let mut okm = Zeroizing::new([0u8; 64]);
    x963::kdf(shared, eph_public, &mut okm[..]);
    Keys {
        enc: okm[..16].try_into().expect("16 octets"),
        icb: okm[16..32].try_into().expect("16 octets"),
        mac: okm[32..].try_into().expect("32 octets"),
    }
}

fn tag(key: &[u8; 32], ciphertext: &[u8]) -> [u8; MAC_TAG_LEN] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(ciphertext);
    mac.finalize().into_bytes()[..MAC_TAG_LEN]
        .try_into()
        .expect("8 octets")
}

/// Encrypts `plaintext` and appends the tag: `eph_public || ciphertext || MAC tag`.
pub fn seal(shared: &[u8], eph_public: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let keys = derive(shared, eph_public);
    let mut out = Vec::with_capacity(eph_public.len() + plaintext.len() + MAC_TAG_LEN);
    out.extend_from_slice(eph_public);
    out.extend_from_slice(plaintext);
    Aes128Ctr::new(&keys.enc.into(), &keys.icb.into())
        .apply_keystream(&mut out[eph_public.len()..]);
    let t = tag(&keys.mac, &out[eph_public.len()..]);
    out.extend_from_slice(&t);
    out
}

/// Verifies the tag over `ciphertext` and decrypts it.
pub fn open(
    shared: &[u8],
    eph_public: &[u8],
    ciphertext: &[u8],
    mac_tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let keys = derive(shared, eph_public);
    let expected = tag(&keys.mac, ciphertext);
    if !bool::from(expected.ct_eq(mac_tag)) {
        return Err(Error::MacMismatch("SUCI MAC tag"));
    }
    let mut plain = Zeroizing::new(ciphertext.to_vec());
    Aes128Ctr::new(&keys.enc.into(), &keys.icb.into()).apply_keystream(&mut plain);
    Ok(plain)
}
