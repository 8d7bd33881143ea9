//! Big-endian reads with bounds checks, shared by the parsers.

use super::Error;

pub(crate) fn be16(b: &[u8], at: usize, field: &'static str) -> Result<u16, Error> {
    b.get(at..at + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .ok_or(Error::Truncated(field))
}

pub(crate) fn be32(b: &[u8], at: usize, field: &'static str) -> Result<u32, Error> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or(Error::Truncated(field))
}

/// Octets of padding that bring `len` to a multiple of four.
pub(crate) const fn pad4(len: usize) -> usize {
    (4 - len % 4) % 4
}

/// Appends a type-length-value header (`ty`, `4 + value_len`).
pub(crate) fn put_tl(out: &mut Vec<u8>, ty: u16, value_len: usize) {
    out.extend_from_slice(&ty.to_be_bytes());
    out.extend_from_slice(&((4 + value_len) as u16).to_be_bytes());
}

/// Appends zero padding up to a 4-octet boundary of `len`.
pub(crate) fn put_pad(out: &mut Vec<u8>, len: usize) {
    out.extend(std::iter::repeat_n(0u8, pad4(len)));
}

/// Splits a sequence of TLVs (parameters or error causes, 4-octet header, padded to 4)
/// into `(type, value)` pairs. `bad` builds the error for a malformed length.
pub(crate) fn tlvs<'a>(
    mut b: &'a [u8],
    bad: fn(u16, u16) -> Error,
) -> impl Iterator<Item = Result<(u16, &'a [u8]), Error>> + 'a {
    std::iter::from_fn(move || {
        if b.is_empty() {
            return None;
        }
        if b.len() < 4 {
            let e = bad(be16(b, 0, "tlv type").unwrap_or(0), 0);
            b = &[];
            return Some(Err(e));
        }
        let ty = u16::from_be_bytes([b[0], b[1]]);
        let len = u16::from_be_bytes([b[2], b[3]]);
        let l = len as usize;
        if l < 4 || l > b.len() {
            b = &[];
            return Some(Err(bad(ty, len)));
        }
        let value = &b[4..l];
        let padded = (l + pad4(l)).min(b.len());
        b = &b[padded..];
        Some(Ok((ty, value)))
    })
}
