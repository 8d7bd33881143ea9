//! Fixed-size secret values: zeroized on drop, compared in constant time, and never
//! printed by `Debug`.

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, Zeroize, ZeroizeOnDrop)]
        pub struct $name([u8; $len]);

        impl $name {
            /// Length in octets.
            pub const LEN: usize = $len;

            /// Wraps the given octets.
            pub const fn new(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }

            /// Copies the value from a slice of exactly [`Self::LEN`] octets.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, crate::Error> {
                let arr: [u8; $len] = bytes.try_into().map_err(|_| crate::Error::Length {
                    what: stringify!($name),
                    expected: $len,
                    got: bytes.len(),
                })?;
                Ok(Self(arr))
            }

            /// The secret octets.
            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }
        }

        impl From<[u8; $len]> for $name {
            fn from(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.ct_eq(&other.0).into()
            }
        }

        impl Eq for $name {}
    };
}

secret!(
    /// The subscriber's long-term key K (TS 33.501 §3.1, 128 bits).
    K, 16
);
secret!(
    /// The operator variant algorithm configuration field OP (TS 35.206 §2.3).
    Op, 16
);
secret!(
    /// OPc = OP xor E_K(OP) (TS 35.206 §4.1).
    Opc, 16
);
secret!(
    /// Cipher key CK, output of f3 (TS 35.206 §4.1).
    Ck, 16
);
secret!(
    /// Integrity key IK, output of f4 (TS 35.206 §4.1).
    Ik, 16
);
secret!(
    /// Anonymity key AK, output of f5 or f5* (TS 35.206 §4.1).
    Ak, 6
);
secret!(
    /// KAUSF (TS 33.501 Annex A.2), 256 bits.
    Kausf, 32
);
secret!(
    /// KSEAF (TS 33.501 Annex A.6), 256 bits.
    Kseaf, 32
);
secret!(
    /// KAMF (TS 33.501 Annex A.7), 256 bits.
    Kamf, 32
);
secret!(
    /// KgNB (TS 33.501 Annex A.9), 256 bits.
    Kgnb, 32
);
secret!(
    /// Next Hop parameter NH (TS 33.501 Annex A.10), 256 bits.
    Nh, 32
);
secret!(
    /// A 128-bit algorithm key: KNASint, KNASenc (TS 33.501 Annex A.8).
    Key128, 16
);
secret!(
    /// A home network private key for SUCI de-concealment (TS 33.501 Annex C.3.4), 256 bits.
    HnPrivateKey, 32
);
secret!(
    /// A UE ephemeral private key for SUCI concealment (TS 33.501 Annex C.3.2), 256 bits.
    EphemeralKey, 32
);
