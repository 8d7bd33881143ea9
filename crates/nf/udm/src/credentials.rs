//! The long-term credentials of one subscriber, read from the UDR's
//! `AuthenticationSubscription` (TS 29.505 §5.2.2): K, OPc, the AMF field and SQN.

use ferrocore_crypto::Milenage;
use ferrocore_crypto::secret::{K, Opc};
use ferrocore_sbi::SbiError;
use ferrocore_sbi::nudr_dr::{AuthMethod, AuthenticationSubscription};
use zeroize::Zeroize;

/// The default AMF field: the separation bit set (TS 33.501 Annex A).
const DEFAULT_AMF: [u8; 2] = [0x80, 0x00];

/// What vector generation needs. `Debug` is not implemented: it holds K and OPc.
pub(crate) struct Credentials {
    pub(crate) milenage: Milenage,
    pub(crate) amf: [u8; 2],
    /// The UDR's next SQN when it was read, if it said.
    pub(crate) next_sqn: Option<u64>,
}

impl Credentials {
    /// Takes the key material out of `sub` (wiping its hex copies). 403
    /// `AUTHENTICATION_REJECTED` for a method other than 5G AKA (EAP-AKA' is not
    /// implemented yet); 500 for a record without K or OPc.
    pub(crate) fn take(mut sub: AuthenticationSubscription) -> Result<Self, SbiError> {
        let result = Self::read(&mut sub);
        for key in [&mut sub.enc_permanent_key, &mut sub.enc_opc_key] {
            if let Some(k) = key.as_mut() {
                k.zeroize();
            }
        }
        result
    }

    fn read(sub: &mut AuthenticationSubscription) -> Result<Self, SbiError> {
        if sub.authentication_method != AuthMethod::FiveGAka {
            return Err(SbiError::authentication_rejected(format!(
                "authentication method {:?} is not supported by this UDM (5G_AKA only)",
                sub.authentication_method
            )));
        }
        let k = K::new(key16(sub.enc_permanent_key.as_deref(), "encPermanentKey")?);
        let opc = Opc::new(key16(sub.enc_opc_key.as_deref(), "encOpcKey")?);
        let amf = sub
            .authentication_management_field
            .map_or(DEFAULT_AMF, |h| h.0);
        let next_sqn = sub
            .sequence_number
            .as_ref()
            .and_then(|s| s.sqn)
            .map(|h| sqn_from_bytes(&h.0));
        Ok(Self {
            milenage: Milenage::new(&k, &opc),
            amf,
            next_sqn,
        })
    }
}

fn key16(hex_key: Option<&str>, what: &str) -> Result<[u8; 16], SbiError> {
    let mut out = [0u8; 16];
    match hex_key {
        Some(h) if hex::decode_to_slice(h, &mut out).is_ok() => Ok(out),
        _ => Err(SbiError::system_failure(format!(
            "the authentication subscription has no usable {what}"
        ))),
    }
}

/// A 48-bit SQN from its 6 octets (big-endian).
pub fn sqn_from_bytes(b: &[u8; 6]) -> u64 {
    b.iter().fold(0, |acc, &x| (acc << 8) | u64::from(x))
}

/// The 6 octets of a 48-bit SQN.
pub fn sqn_to_bytes(sqn: u64) -> [u8; 6] {
    let be = sqn.to_be_bytes();
    be[2..].try_into().unwrap_or([0; 6])
}
