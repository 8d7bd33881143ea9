//! Shared test helpers: a UE-side and a network-side context from one KAMF.

#![allow(dead_code)]

use ferrocore_crypto::secret::Kamf;
use ferrocore_crypto::{NasCipheringAlgorithm, NasIntegrityAlgorithm};
use ferrocore_nas_security::{SecurityContext, SecurityHeaderType, Side};

pub const KAMF: [u8; 32] = [
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
    0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81,
];

pub const HEADER_TYPES: [SecurityHeaderType; 4] = [
    SecurityHeaderType::IntegrityProtected,
    SecurityHeaderType::IntegrityProtectedAndCiphered,
    SecurityHeaderType::IntegrityProtectedNewContext,
    SecurityHeaderType::IntegrityProtectedAndCipheredNewContext,
];

/// (network side, UE side) for NIA `nia` / NEA `nea`.
pub fn pair(nia: u8, nea: u8) -> (SecurityContext, SecurityContext) {
    pair_with(KAMF, nia, nea)
}

pub fn pair_with(kamf: [u8; 32], nia: u8, nea: u8) -> (SecurityContext, SecurityContext) {
    let nia = NasIntegrityAlgorithm::try_from(nia).unwrap();
    let nea = NasCipheringAlgorithm::try_from(nea).unwrap();
    let amf = SecurityContext::new(Side::Network, 2, Kamf::new(kamf), nia, nea).unwrap();
    let ue = SecurityContext::new(Side::Ue, 2, Kamf::new(kamf), nia, nea).unwrap();
    (amf, ue)
}

/// Plain 5GMM messages that decode (and that Wireshark dissects cleanly).
pub const DOWNLINK: &[&[u8]] = &[
    &[0x7e, 0x00, 0x44, 0x16], // REGISTRATION REJECT #22
    &[0x7e, 0x00, 0x58],       // AUTHENTICATION REJECT
    &[0x7e, 0x00, 0x46],       // DEREGISTRATION ACCEPT (UE originating)
    &[0x7e, 0x00, 0x64, 0x6f], // 5GMM STATUS #111
    &[0x7e, 0x00, 0x4e],       // SERVICE ACCEPT
    &[0x7e, 0x00, 0x5b, 0x01], // IDENTITY REQUEST (SUCI)
];

pub const UPLINK: &[&[u8]] = &[
    &[0x7e, 0x00, 0x43],       // REGISTRATION COMPLETE
    &[0x7e, 0x00, 0x5e],       // SECURITY MODE COMPLETE
    &[0x7e, 0x00, 0x64, 0x60], // 5GMM STATUS #96
    &[0x7e, 0x00, 0x55],       // CONFIGURATION UPDATE COMPLETE
];
