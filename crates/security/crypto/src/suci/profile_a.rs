//! ECIES Profile A (TS 33.501 Annex C.3.4.1): Curve25519 (X25519), ephemeral public key of
//! 32 octets in the scheme output.

use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::ecies;
use crate::Error;
use crate::secret::{EphemeralKey, HnPrivateKey};

/// Length of the ephemeral public key in the scheme output.
pub const EPH_KEY_LEN: usize = 32;

/// The X25519 public key for a private key.
pub fn public_key(private: &HnPrivateKey) -> [u8; 32] {
    PublicKey::from(&StaticSecret::from(*private.as_bytes())).to_bytes()
}

/// UE side: scheme output = ephemeral public key || ciphertext || MAC tag (C.3.2).
pub fn conceal(scheme_input: &[u8], hn_public: &[u8; 32], ephemeral: &EphemeralKey) -> Vec<u8> {
    let eph = StaticSecret::from(*ephemeral.as_bytes());
    let eph_public = PublicKey::from(&eph);
    let shared = eph.diffie_hellman(&PublicKey::from(*hn_public));
    ecies::seal(shared.as_bytes(), eph_public.as_bytes(), scheme_input)
}

/// Home network side (C.3.3): splits the scheme output, verifies the tag and decrypts.
pub fn deconceal(
    private: &HnPrivateKey,
    scheme_output: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    if scheme_output.len() < EPH_KEY_LEN + ecies::MAC_TAG_LEN {
        return Err(Error::Length {
            what: "Profile A scheme output",
            expected: EPH_KEY_LEN + ecies::MAC_TAG_LEN,
            got: scheme_output.len(),
        });
    }
    let (eph_public, rest) = scheme_output.split_at(EPH_KEY_LEN);
    let (ciphertext, tag) = rest.split_at(rest.len() - ecies::MAC_TAG_LEN);
    let hn = StaticSecret::from(*private.as_bytes());
    let eph: [u8; 32] = eph_public.try_into().expect("32 octets");
    let shared = hn.diffie_hellman(&PublicKey::from(eph));
    if !shared.was_contributory() {
        return Err(Error::InvalidKey("X25519 ephemeral public"));
    }
    ecies::open(shared.as_bytes(), eph_public, ciphertext, tag)
}
