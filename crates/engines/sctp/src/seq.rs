//! Serial number arithmetic (RFC 9260 §1.6) by widening to 64 bits around a reference.

/// Widens a 32-bit TSN to the 64-bit value nearest `reference`.
pub(crate) fn widen32(reference: u64, tsn: u32) -> u64 {
    let delta = tsn.wrapping_sub(reference as u32) as i32 as i64;
    (reference as i64).wrapping_add(delta).max(0) as u64
}

/// Widens a 16-bit SSN to the 64-bit value nearest `reference`.
pub(crate) fn widen16(reference: u64, ssn: u16) -> u64 {
    let delta = ssn.wrapping_sub(reference as u16) as i16 as i64;
    (reference as i64).wrapping_add(delta).max(0) as u64
}

/// `a < b` in serial arithmetic for TSNs.
pub(crate) fn tsn_lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps() {
        let r = (1u64 << 32) + 5; // 32-bit value 5, one wrap in
        assert_eq!(widen32(r, 6), r + 1);
        assert_eq!(widen32(r, 4), r - 1);
        assert_eq!(widen32(r, u32::MAX), r - 6);
        assert!(tsn_lt(u32::MAX, 0));
        assert!(!tsn_lt(0, u32::MAX));
        assert_eq!(widen16(1 << 16, u16::MAX), (1 << 16) - 1);
    }
}
