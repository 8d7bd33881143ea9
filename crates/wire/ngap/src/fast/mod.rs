//! Hand-written aligned PER (X.691) readers (and a writer) for the common shapes of the
//! messages and transfers the AMF handles most, each declining (`None`) whatever is
//! outside its shape so that the caller uses the generated codec instead; where they
//! answer, the answer is the generated codec's (proptests in each module).
//!
//! - [`transfer`]: the PDU Session Resource Setup Request Transfer (read and write).
//! - [`initial_ue`]: the whole NGAP-PDU of an INITIAL UE MESSAGE (read).

mod initial_ue;
mod transfer;

#[cfg(test)]
mod mutations;

pub(crate) use initial_ue::initial_ue_message;
pub(crate) use transfer::{setup_request_transfer, write_setup_request_transfer};

/// A bit cursor over octets; every read is `None` past the end.
pub(super) struct Bits<'a> {
    octets: &'a [u8],
    /// Position in bits.
    pos: usize,
}

impl<'a> Bits<'a> {
    pub(super) fn new(octets: &'a [u8]) -> Self {
        Bits { octets, pos: 0 }
    }

    /// `n` (<= 24) bits as an unsigned number.
    pub(super) fn bits(&mut self, n: usize) -> Option<u32> {
        debug_assert!(n <= 24);
        let end = self.pos + n;
        if end > self.octets.len() * 8 {
            return None;
        }
        let i = self.pos / 8;
        // The four octets from the one holding the first bit (zero past the end): they
        // hold all `n` bits as pos % 8 + n <= 31.
        let window = match self.octets.get(i..i + 4) {
            Some(w) => u32::from_be_bytes([w[0], w[1], w[2], w[3]]),
            None => (0..4).fold(0u32, |w, k| {
                w << 8 | u32::from(self.octets.get(i + k).copied().unwrap_or(0))
            }),
        };
        let shift = 32 - self.pos % 8 - n;
        self.pos = end;
        Some((window >> shift) & ((1u32 << n) - 1))
    }

    /// `n` (<= 24) bits that must be zero (extension bits, absent optionals, choice 0).
    pub(super) fn zeros(&mut self, n: usize) -> Option<()> {
        (self.bits(n)? == 0).then_some(())
    }

    /// Padding to the next octet, which must be zero bits.
    pub(super) fn align(&mut self) -> Option<()> {
        let used = self.pos % 8;
        if used != 0 {
            let octet = self.octets.get(self.pos / 8)?;
            if octet & (0xff >> used) != 0 {
                return None;
            }
            self.pos += 8 - used;
        }
        Some(())
    }

    /// `n` whole octets (after padding).
    pub(super) fn octets(&mut self, n: usize) -> Option<&'a [u8]> {
        self.align()?;
        let start = self.pos / 8;
        let o = self.octets.get(start..start.checked_add(n)?)?;
        self.pos += n * 8;
        Some(o)
    }

    pub(super) fn octet(&mut self) -> Option<u8> {
        Some(self.octets(1)?[0])
    }

    pub(super) fn u16(&mut self) -> Option<u16> {
        let o = self.octets(2)?;
        Some(u16::from_be_bytes([o[0], o[1]]))
    }

    /// An unconstrained length determinant (X.691 §11.9.3.6-8), canonical form, no fragments.
    pub(super) fn length(&mut self) -> Option<usize> {
        let first = self.octet()?;
        if first & 0x80 == 0 {
            return Some(usize::from(first));
        }
        if first & 0xc0 != 0x80 {
            return None;
        }
        let n = usize::from(first & 0x3f) << 8 | usize::from(self.octet()?);
        (n >= 128).then_some(n)
    }

    /// The rest is padding of the last octet only.
    pub(super) fn finish(mut self) -> Option<()> {
        self.align()?;
        (self.pos == self.octets.len() * 8).then_some(())
    }
}
