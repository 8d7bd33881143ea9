//! CRC32c (Castagnoli), the SCTP checksum (RFC 9260 §6.8 and Appendix A).
//!
//! Slice-by-8 table code, tables built at compile time from the reflected polynomial
//! 0x82F63B78.

const POLY: u32 = 0x82F6_3B78;

const TABLES: [[u32; 256]; 8] = build_tables();

const fn build_tables() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { (c >> 1) ^ POLY } else { c >> 1 };
            k += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut s = 1;
    while s < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[s - 1][i];
            t[s][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            i += 1;
        }
        s += 1;
    }
    t
}

/// Continues a CRC32c over `data`; start with `!0` and finish with `!crc`.
fn update(mut crc: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let lo = crc ^ u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        let hi = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
        crc = TABLES[7][(lo & 0xff) as usize]
            ^ TABLES[6][((lo >> 8) & 0xff) as usize]
            ^ TABLES[5][((lo >> 16) & 0xff) as usize]
            ^ TABLES[4][(lo >> 24) as usize]
            ^ TABLES[3][(hi & 0xff) as usize]
            ^ TABLES[2][((hi >> 8) & 0xff) as usize]
            ^ TABLES[1][((hi >> 16) & 0xff) as usize]
            ^ TABLES[0][(hi >> 24) as usize];
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ TABLES[0][((crc ^ b as u32) & 0xff) as usize];
    }
    crc
}

/// The CRC32c of `data`.
pub fn crc32c(data: &[u8]) -> u32 {
    !update(!0, data)
}

/// The SCTP checksum of a whole packet, computed as if its checksum field (octets 8..12)
/// were zero. The packet must be at least 12 octets long.
pub(crate) fn packet_checksum(packet: &[u8]) -> u32 {
    let mut crc = update(!0, &packet[..8]);
    crc = update(crc, &[0; 4]);
    !update(crc, &packet[12..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value() {
        // The standard CRC-32C check value (CRC catalogue, "123456789").
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
    }

    #[test]
    fn rfc3720_vectors() {
        // RFC 3720 Appendix B.4: 32 octets of zeros / of ones; the CRC as listed there is
        // the little-endian byte image of the value.
        assert_eq!(crc32c(&[0u8; 32]).to_le_bytes(), [0xaa, 0x36, 0x91, 0x8a]);
        assert_eq!(
            crc32c(&[0xffu8; 32]).to_le_bytes(),
            [0x43, 0xab, 0xa8, 0x62]
        );
        let inc: Vec<u8> = (0u8..32).collect();
        assert_eq!(crc32c(&inc).to_le_bytes(), [0x4e, 0x79, 0xdd, 0x46]);
    }

    #[test]
    fn slicing_matches_bytewise() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len().min(40) {
            let mut crc = !0u32;
            for &b in &data[..len] {
                crc = (crc >> 8) ^ TABLES[0][((crc ^ b as u32) & 0xff) as usize];
            }
            assert_eq!(!crc, crc32c(&data[..len]));
        }
    }
}
