//! The UPF's hot path: decapsulate and encapsulate G-PDUs without building a [`Repr`]
//! and without copying the T-PDU.
//!
//! [`Repr`]: crate::Repr

use crate::error::Error;
use crate::field;
use crate::message::{self, ext};
use crate::packet::check;
use crate::psc::{PDU_TYPE_DL, PDU_TYPE_UL};
use crate::qfi::Qfi;
use crate::repr::Repr;
use core::ops::Range;

/// What the hot path needs from a received packet's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decap {
    /// Message type (255 for a G-PDU).
    pub message_type: u8,
    /// TEID.
    pub teid: u32,
    /// Sequence number, when the S flag is set.
    pub sequence_number: Option<u16>,
    /// PDU Type of the first PDU Session Container (0 DL, 1 UL), when there is one.
    pub pdu_type: Option<u8>,
    /// Its QFI.
    pub qfi: Option<Qfi>,
    /// Where the payload (the T-PDU of a G-PDU) sits in the input.
    pub payload: Range<usize>,
}

/// Validates `bytes` as one GTP-U packet (the checks of [`crate::Packet::new_checked`],
/// plus the PDU Type of a PDU Session Container, TS 38.415 §5.5.3.1) and returns its
/// header fields and the payload's range. Never allocates.
pub fn decap(bytes: &[u8]) -> Result<Decap, Error> {
    let layout = check(bytes)?;
    let flags = bytes[field::FLAGS];
    let (pdu_type, qfi) = match layout.psc {
        Some(start) => {
            // `check` guarantees at least 2 octets of content.
            let pdu_type = bytes[start] >> 4;
            if pdu_type != PDU_TYPE_DL && pdu_type != PDU_TYPE_UL {
                return Err(Error::BadPduType(pdu_type));
            }
            (Some(pdu_type), Some(Qfi::from_octet(bytes[start + 1])))
        }
        None => (None, None),
    };
    Ok(Decap {
        message_type: bytes[field::MESSAGE_TYPE],
        teid: u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]),
        sequence_number: (flags & field::S != 0).then(|| u16::from_be_bytes([bytes[8], bytes[9]])),
        pdu_type,
        qfi,
        payload: layout.header_len..bytes.len(),
    })
}

/// Headroom [`encap_in_place`] needs: 8 mandatory + 4 optional octets + a 4-octet
/// PDU Session Container.
pub const ENCAP_HEADROOM: usize = 16;

/// Turns `buf[headroom..]` (a T-PDU) into a downlink G-PDU for `teid` with a minimal DL
/// PDU Session Container carrying `qfi` (TS 29.281 §5.1, TS 38.415 §5.5.2.1), by writing
/// the 16-octet header into `buf[headroom - 16..headroom]`. Returns where the packet
/// starts: the G-PDU is `buf[start..]`. The T-PDU is neither read nor moved.
pub fn encap_in_place(
    buf: &mut [u8],
    headroom: usize,
    teid: u32,
    qfi: Qfi,
) -> Result<usize, Error> {
    let (start, length) = frame(buf.len(), headroom, ENCAP_HEADROOM)?;
    let [l0, l1] = length.to_be_bytes();
    let [t0, t1, t2, t3] = teid.to_be_bytes();
    let header = [
        field::V1_PT | field::E,
        message::G_PDU,
        l0,
        l1,
        t0,
        t1,
        t2,
        t3,
        0,
        0,
        0,
        ext::PDU_SESSION_CONTAINER,
        1,
        PDU_TYPE_DL << 4,
        qfi.value(),
        ext::NONE,
    ];
    buf[start..headroom].copy_from_slice(&header);
    Ok(start)
}

/// Like [`encap_in_place`] for any header: writes `repr`'s header (and IEs) right
/// before `buf[headroom..]` and returns where the packet starts.
pub fn encap_repr_in_place(buf: &mut [u8], headroom: usize, repr: &Repr) -> Result<usize, Error> {
    let (start, _) = frame(buf.len(), headroom, repr.header_len() + repr.body_len())?;
    repr.emit(&mut buf[start..])?;
    Ok(start)
}

/// Start of a packet whose `header_len`-octet header ends at `headroom`, and its Length
/// field.
fn frame(buf_len: usize, headroom: usize, header_len: usize) -> Result<(usize, u16), Error> {
    if headroom < header_len || headroom > buf_len {
        return Err(Error::BufferTooSmall {
            needed: header_len,
            available: headroom.min(buf_len),
        });
    }
    let start = headroom - header_len;
    let after = buf_len - start - field::MANDATORY_LEN;
    let length = u16::try_from(after).map_err(|_| Error::TooLong(after))?;
    Ok((start, length))
}
