//! Zero-copy view over a GTP-U packet (TS 29.281 §5.1, §5.2).

use crate::error::Error;
use crate::field;
use crate::message::ext;

/// What [`check`] learns while validating a header: where the header ends and where the
/// first PDU Session Container's content starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Octets of header: mandatory part, optional octets and every extension header.
    pub header_len: usize,
    /// Offset of the first PDU Session Container's content (after its length octet).
    pub psc: Option<usize>,
}

fn truncated(field: &'static str, needed: usize, available: usize) -> Error {
    Error::Truncated {
        field,
        needed,
        available,
    }
}

/// Validates the header of `buf` (TS 29.281 §5.1): version 1, PT 1, the Length field
/// equal to the octets after the mandatory header, the optional octets present when E, S
/// or PN is set, and the chain of extension headers (§5.2.1) inside the packet, none with
/// length 0.
pub(crate) fn check(buf: &[u8]) -> Result<Layout, Error> {
    if buf.len() < field::MANDATORY_LEN {
        return Err(truncated(
            "mandatory header",
            field::MANDATORY_LEN,
            buf.len(),
        ));
    }
    let flags = buf[field::FLAGS];
    let version = flags >> field::VERSION_SHIFT;
    if version != 1 {
        return Err(Error::BadVersion(version));
    }
    if flags & field::PT == 0 {
        return Err(Error::BadProtocolType);
    }
    let declared = usize::from(u16::from_be_bytes([buf[field::LENGTH.start], buf[3]]));
    let actual = buf.len() - field::MANDATORY_LEN;
    if declared != actual {
        return Err(Error::LengthMismatch { declared, actual });
    }
    if flags & field::OPTIONAL == 0 {
        return Ok(Layout {
            header_len: field::MANDATORY_LEN,
            psc: None,
        });
    }
    if buf.len() < field::OPTIONAL_LEN {
        return Err(truncated(
            "sequence number, N-PDU number and next extension header type",
            field::OPTIONAL_LEN,
            buf.len(),
        ));
    }
    let mut offset = field::OPTIONAL_LEN;
    let mut psc = None;
    if flags & field::E == 0 {
        // TS 29.281 §5.1: without E the next-type octet is present but not interpreted.
        return Ok(Layout {
            header_len: offset,
            psc,
        });
    }
    let mut next = buf[field::NEXT_EXT];
    while next != ext::NONE {
        let Some(&units) = buf.get(offset) else {
            return Err(truncated("extension header length", offset + 1, buf.len()));
        };
        if units == 0 {
            return Err(Error::ExtensionLength { ext_type: next });
        }
        let end = offset + 4 * usize::from(units);
        if end > buf.len() {
            return Err(truncated("extension header", end, buf.len()));
        }
        if next == ext::PDU_SESSION_CONTAINER && psc.is_none() {
            psc = Some(offset + 1);
        }
        next = buf[end - 1];
        offset = end;
    }
    Ok(Layout {
        header_len: offset,
        psc,
    })
}

/// A GTP-U packet over a buffer: validated once by [`Packet::new_checked`], read (and,
/// for mutable buffers, written) afterwards without further checks or panics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
    layout: Layout,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Validates `buffer` as one whole GTP-U packet (see TS 29.281 §5.1, §5.2.1).
    ///
    /// The buffer must be exactly the packet: the Length field must equal
    /// `buffer.len() - 8`.
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let layout = check(buffer.as_ref())?;
        Ok(Packet { buffer, layout })
    }

    /// The buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn buf(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    fn flags(&self) -> u8 {
        self.buf()[field::FLAGS]
    }

    /// Version (always 1 once checked).
    pub fn version(&self) -> u8 {
        self.flags() >> field::VERSION_SHIFT
    }

    /// Message type (TS 29.281 §6.1).
    pub fn message_type(&self) -> u8 {
        self.buf()[field::MESSAGE_TYPE]
    }

    /// The Length field: octets after the mandatory 8-octet header.
    pub fn length(&self) -> u16 {
        let b = self.buf();
        u16::from_be_bytes([b[2], b[3]])
    }

    /// Tunnel Endpoint Identifier.
    pub fn teid(&self) -> u32 {
        let b = self.buf();
        u32::from_be_bytes([b[4], b[5], b[6], b[7]])
    }

    /// Whether the E flag (extension headers follow) is set.
    pub fn has_extensions(&self) -> bool {
        self.flags() & field::E != 0
    }

    /// Sequence number, when the S flag is set (TS 29.281 §5.1).
    pub fn sequence_number(&self) -> Option<u16> {
        (self.flags() & field::S != 0).then(|| {
            let b = self.buf();
            u16::from_be_bytes([b[8], b[9]])
        })
    }

    /// N-PDU number, when the PN flag is set.
    pub fn npdu_number(&self) -> Option<u8> {
        (self.flags() & field::PN != 0).then(|| self.buf()[field::NPDU])
    }

    /// Type of the first extension header, when the E flag is set (0 = none).
    pub fn next_extension_type(&self) -> Option<u8> {
        self.has_extensions().then(|| self.buf()[field::NEXT_EXT])
    }

    /// The extension headers, in order.
    pub fn extensions(&self) -> Extensions<'_> {
        let b = self.buf();
        let end = self.layout.header_len;
        match self.next_extension_type() {
            Some(next) => Extensions {
                rest: &b[field::OPTIONAL_LEN..end],
                next,
            },
            None => Extensions {
                rest: &[],
                next: ext::NONE,
            },
        }
    }

    /// The content of the first PDU Session Container extension header (TS 38.415 §5.5.2),
    /// without its length and next-type octets (at least 2 octets, padding included).
    pub fn pdu_session_container(&self) -> Option<&[u8]> {
        let start = self.layout.psc?;
        let b = self.buf();
        let len = 4 * usize::from(b[start - 1]);
        b.get(start..start - 1 + len - 1)
    }

    /// Octets of header: mandatory, optional and extension headers.
    pub fn header_len(&self) -> usize {
        self.layout.header_len
    }

    /// Everything after the headers: the T-PDU of a G-PDU, the IEs of other messages.
    pub fn payload(&self) -> &[u8] {
        let b = self.buf();
        b.get(self.layout.header_len..).unwrap_or_default()
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn buf_mut(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    /// Sets the message type.
    pub fn set_message_type(&mut self, message_type: u8) {
        self.buf_mut()[field::MESSAGE_TYPE] = message_type;
    }

    /// Sets the TEID.
    pub fn set_teid(&mut self, teid: u32) {
        self.buf_mut()[field::TEID].copy_from_slice(&teid.to_be_bytes());
    }

    /// Overwrites the sequence number when the S flag is set; returns whether it was.
    pub fn set_sequence_number(&mut self, seq: u16) -> bool {
        let present = self.sequence_number().is_some();
        if present {
            self.buf_mut()[field::SEQUENCE].copy_from_slice(&seq.to_be_bytes());
        }
        present
    }

    /// Overwrites the N-PDU number when the PN flag is set; returns whether it was.
    pub fn set_npdu_number(&mut self, npdu: u8) -> bool {
        let present = self.npdu_number().is_some();
        if present {
            self.buf_mut()[field::NPDU] = npdu;
        }
        present
    }

    /// Rewrites the QFI of the first PDU Session Container, if any (TS 38.415 §5.5.3.3);
    /// returns whether there was one.
    pub fn set_qfi(&mut self, qfi: crate::Qfi) -> bool {
        match self.layout.psc {
            Some(start) => {
                let octet = &mut self.buf_mut()[start + 1];
                *octet = (*octet & 0xc0) | qfi.value();
                true
            }
            None => false,
        }
    }

    /// The payload, writable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let start = self.layout.header_len;
        self.buf_mut().get_mut(start..).unwrap_or_default()
    }
}

/// One extension header (TS 29.281 §5.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    /// Its type, as announced by the previous header's next-type octet.
    pub ext_type: u8,
    /// Its content, without the length octet and the next-type octet.
    pub content: &'a [u8],
}

impl Extension<'_> {
    /// Whether a receiver must understand it (TS 29.281 §5.2.1).
    pub fn comprehension_required(&self) -> bool {
        ext::comprehension_required(self.ext_type)
    }
}

/// Iterator over the extension headers of a checked [`Packet`].
#[derive(Debug, Clone)]
pub struct Extensions<'a> {
    rest: &'a [u8],
    next: u8,
}

impl<'a> Iterator for Extensions<'a> {
    type Item = Extension<'a>;

    fn next(&mut self) -> Option<Extension<'a>> {
        if self.next == ext::NONE {
            return None;
        }
        // The chain was walked by `check`; the `get`s only keep this panic-free.
        let len = 4 * usize::from(*self.rest.first()?);
        let whole = self.rest.get(..len)?;
        let (&next, body) = whole.split_last()?;
        let item = Extension {
            ext_type: self.next,
            content: body.get(1..)?,
        };
        self.next = next;
        self.rest = &self.rest[len..];
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_a_chain_of_two_extension_headers() {
        // UDP Port (0x40, port 2152) then PDU Session Container (DL, QFI 5), then a T-PDU.
        let bytes = [
            0x34, 0xff, 0, 13, 0, 0, 0, 9, 0, 0, 0, 0x40, 1, 0x08, 0x68, 0x85, 1, 0x00, 5, 0, 0xaa,
        ];
        let p = Packet::new_checked(&bytes[..]).expect("check");
        let exts: Vec<_> = p.extensions().collect();
        assert_eq!(exts.len(), 2);
        assert_eq!(
            (exts[0].ext_type, exts[0].content),
            (0x40, &[0x08, 0x68][..])
        );
        assert_eq!((exts[1].ext_type, exts[1].content), (0x85, &[0x00, 5][..]));
        assert_eq!(p.pdu_session_container(), Some(&[0x00, 5][..]));
        assert_eq!(p.header_len(), 20);
        assert_eq!(p.payload(), [0xaa]);
    }

    #[test]
    fn setters_write_in_place() {
        let mut bytes = [0x36, 0xff, 0, 8, 0, 0, 0, 1, 0, 1, 2, 0x85, 1, 0x00, 5, 0];
        let mut p = Packet::new_checked(&mut bytes[..]).expect("check");
        p.set_teid(0x0102_0304);
        assert!(p.set_sequence_number(0xbeef));
        assert!(!p.set_npdu_number(3));
        assert!(p.set_qfi(crate::Qfi::new(63).expect("qfi")));
        p.set_message_type(crate::message::END_MARKER);
        assert_eq!(p.teid(), 0x0102_0304);
        assert_eq!(p.sequence_number(), Some(0xbeef));
        assert_eq!(p.message_type(), 254);
        assert_eq!(p.pdu_session_container(), Some(&[0x00, 63][..]));
        assert!(p.payload_mut().is_empty());
    }
}
