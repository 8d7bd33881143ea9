//! ECIES Profile B (TS 33.501 Annex C.3.4.2): secp256r1 (P-256), ephemeral public key
//! point-compressed (33 octets) in the scheme output; the shared secret is the x-coordinate.

use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use zeroize::Zeroizing;

use super::ecies;
use crate::Error;
use crate::secret::{EphemeralKey, HnPrivateKey};

/// Length of the (compressed) ephemeral public key in the scheme output.
pub const EPH_KEY_LEN: usize = 33;

fn secret(bytes: &[u8; 32], what: &'static str) -> Result<SecretKey, Error> {
    SecretKey::from_slice(bytes).map_err(|_| Error::InvalidKey(what))
}

/// The compressed SEC1 public key for a private key.
pub fn public_key(private: &HnPrivateKey) -> Result<[u8; 33], Error> {
    let sk = secret(private.as_bytes(), "P-256 home network private")?;
    let point = sk.public_key().to_encoded_point(true);
    Ok(point.as_bytes().try_into().expect("33 octets"))
}

/// UE side: scheme output = compressed ephemeral public key || ciphertext || MAC tag.
/// `hn_public` is a SEC1 point, compressed or not.
pub fn conceal(
    scheme_input: &[u8],
    hn_public: &[u8],
    ephemeral: &EphemeralKey,
) -> Result<Vec<u8>, Error> {
    let hn = PublicKey::from_sec1_bytes(hn_public)
        .map_err(|_| Error::InvalidKey("P-256 home network public"))?;
    let eph = secret(ephemeral.as_bytes(), "P-256 ephemeral private")?;
    let eph_public = eph.public_key().to_encoded_point(true);
    let shared = p256::ecdh::diffie_hellman(eph.to_nonzero_scalar(), hn.as_affine());
    Ok(ecies::seal(
        shared.raw_secret_bytes(),
        eph_public.as_bytes(),
        scheme_input,
    ))
}

/// Home network side: splits the scheme output, verifies the tag and decrypts.
pub fn deconceal(
    private: &HnPrivateKey,
    scheme_output: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    if scheme_output.len() < EPH_KEY_LEN + ecies::MAC_TAG_LEN {
        return Err(Error::Length {
            what: "Profile B scheme output",
            expected: EPH_KEY_LEN + ecies::MAC_TAG_LEN,
            got: scheme_output.len(),
        });
    }
    let (eph_public, rest) = scheme_output.split_at(EPH_KEY_LEN);
    let (ciphertext, tag) = rest.split_at(rest.len() - ecies::MAC_TAG_LEN);
    let eph = PublicKey::from_sec1_bytes(eph_public)
        .map_err(|_| Error::InvalidKey("P-256 ephemeral public"))?;
    let hn = secret(private.as_bytes(), "P-256 home network private")?;
    let shared = p256::ecdh::diffie_hellman(hn.to_nonzero_scalar(), eph.as_affine());
    ecies::open(shared.raw_secret_bytes(), eph_public, ciphertext, tag)
}
