//! The PFCP message header (TS 29.244 §7.2.2).

use crate::error::Error;

/// What a PFCP header carries besides the message type and length (TS 29.244 §7.2.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// SEID, present (S flag) in session messages (TS 29.244 §7.2.2.3).
    pub seid: Option<u64>,
    /// Sequence Number, 24 bits (TS 29.244 §7.2.2.2).
    pub sequence: u32,
    /// Message Priority, 4 bits, when the MP flag is set (TS 29.244 §7.2.2.3).
    pub priority: Option<u8>,
}

/// A parsed header and where its message's IEs are.
pub(crate) struct Parsed<'a> {
    pub header: Header,
    pub message_type: u8,
    pub body: &'a [u8],
}

const VERSION: u8 = 1;

/// Splits one PFCP message off the front of `bytes` (TS 29.244 §7.2.2.1). A datagram
/// longer than the message is accepted only when FO (follow-on) is set.
#[inline]
pub(crate) fn parse(bytes: &[u8]) -> Result<Parsed<'_>, Error> {
    if bytes.len() < 8 {
        return Err(Error::TruncatedHeader {
            needed: 8,
            available: bytes.len(),
        });
    }
    let flags = bytes[0];
    let version = flags >> 5;
    if version != VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    let (follow_on, mp, s) = (flags & 0x04 != 0, flags & 0x02 != 0, flags & 0x01 != 0);
    let message_type = bytes[1];
    let declared = usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
    let available = bytes.len() - 4;
    let fixed = if s { 12 } else { 4 };
    if declared > available || declared < fixed || (declared < available && !follow_on) {
        return Err(Error::MessageLength {
            declared,
            available,
        });
    }
    let msg = &bytes[4..4 + declared];
    let (seid, rest) = if s {
        let mut a = [0u8; 8];
        a.copy_from_slice(&msg[..8]);
        (Some(u64::from_be_bytes(a)), &msg[8..])
    } else {
        (None, msg)
    };
    let sequence = u32::from_be_bytes([0, rest[0], rest[1], rest[2]]);
    let priority = mp.then_some(rest[3] >> 4);
    Ok(Parsed {
        header: Header {
            seid,
            sequence,
            priority,
        },
        message_type,
        body: &rest[4..],
    })
}

/// Writes a header with a zero length; [`patch_length`] fills it in.
#[inline]
pub(crate) fn emit(h: &Header, message_type: u8, out: &mut Vec<u8>) {
    let flags = VERSION << 5 | u8::from(h.priority.is_some()) << 1 | u8::from(h.seid.is_some());
    out.extend_from_slice(&[flags, message_type, 0, 0]);
    if let Some(seid) = h.seid {
        out.extend_from_slice(&seid.to_be_bytes());
    }
    out.extend_from_slice(&(h.sequence & 0x00ff_ffff).to_be_bytes()[1..]);
    out.push(h.priority.map_or(0, |p| (p & 0x0f) << 4));
}

/// Sets the Message Length of the message starting at `out[0]`; false if it overflows.
pub(crate) fn patch_length(out: &mut [u8]) -> bool {
    match u16::try_from(out.len() - 4) {
        Ok(l) => {
            out[2..4].copy_from_slice(&l.to_be_bytes());
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_header_with_priority_round_trips() {
        let h = Header {
            seid: Some(0x1122_3344_5566_7788),
            sequence: 0x00ab_cdef,
            priority: Some(7),
        };
        let mut out = Vec::new();
        emit(&h, 52, &mut out);
        assert!(patch_length(&mut out));
        assert_eq!(
            out,
            [
                0x23, 52, 0, 12, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xab, 0xcd, 0xef,
                0x70
            ]
        );
        let p = parse(&out).unwrap();
        assert_eq!((p.header, p.message_type, p.body.len()), (h, 52, 0));
    }

    #[test]
    fn follow_on_allows_trailing_messages_only_when_set() {
        let mut two = vec![0x20, 1, 0, 4, 0, 0, 1, 0, 0x20, 1, 0, 4, 0, 0, 2, 0];
        assert!(matches!(parse(&two), Err(Error::MessageLength { .. })));
        two[0] |= 0x04;
        assert_eq!(parse(&two).unwrap().header.sequence, 1);
    }
}
