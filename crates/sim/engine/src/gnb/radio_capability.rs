//! The UE radio capability every simulated UE reports in UE RADIO CAPABILITY INFO
//! INDICATION (TS 38.413 §9.3.1.74): a `UERadioAccessCapabilityInformation` of TS 38.331
//! §11.2.2 in unaligned PER, holding one `UE-CapabilityRAT-Container` of RAT type `nr`
//! whose `UE-NR-Capability` (§6.3.3) says:
//!
//! - accessStratumRelease rel15;
//! - pdcp-Parameters: no ROHC profile, maxNumberROHC-ContextSessions cs2;
//! - phy-Parameters: empty;
//! - rf-Parameters: supportedBandListNR n78 and n1.
//!
//! The octets were produced from the TS 38.331 ASN.1 with an independent PER encoder
//! and decode back to exactly the values above.

/// `UE-NR-Capability` (TS 38.331 §6.3.3), UPER.
pub const UE_NR_CAPABILITY: &[u8] = &[
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x9a, 0x00, 0x00, 0x00,
];

/// `UERadioAccessCapabilityInformation` (TS 38.331 §11.2.2) carrying
/// [`UE_NR_CAPABILITY`], UPER: the value of the UE Radio Capability IE.
pub const UE_RADIO_CAPABILITY: &[u8] = &[
    0x00, 0x78, 0x80, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x09, 0xa0, 0x00, 0x00,
    0x00,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The outer structure, read by hand: c1 / ueRadioAccessCapabilityInformation, no
    /// non-critical extension (5 bits of zero), then the octet string length (15), a list
    /// of one container (4 bits: 1), RAT type nr (3 bits: 0), the container's length and
    /// the UE-NR-Capability.
    #[test]
    fn outer_structure_holds_the_nr_capability() {
        // Bits 0-4 zero, then the 8-bit length 15 = 0b00001111 across octets 0 and 1.
        let bits = u16::from_be_bytes([UE_RADIO_CAPABILITY[0], UE_RADIO_CAPABILITY[1]]);
        assert_eq!(bits >> 11, 0);
        assert_eq!((bits >> 3) & 0xff, 15);
        assert_eq!(UE_RADIO_CAPABILITY.len(), 2 + 15);
        // Inside: 4 bits count = 1, 3 bits rat-Type = 0, 8 bits length = 13.
        let inner: Vec<u8> = UE_RADIO_CAPABILITY
            .windows(2)
            .skip(1)
            .map(|w| (w[0] << 5) | (w[1] >> 3))
            .collect();
        assert_eq!(inner[0] >> 4, 1);
        assert_eq!((inner[0] >> 1) & 0x07, 0);
        let len = ((inner[0] & 1) << 7) | (inner[1] >> 1);
        assert_eq!(usize::from(len), UE_NR_CAPABILITY.len());
        let nr: Vec<u8> = inner
            .windows(2)
            .skip(1)
            .take(UE_NR_CAPABILITY.len())
            .map(|w| (w[0] << 7) | (w[1] >> 1))
            .collect();
        assert_eq!(nr, UE_NR_CAPABILITY);
    }
}
