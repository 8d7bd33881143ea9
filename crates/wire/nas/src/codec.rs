//! `decode` and `encode`: octets <-> [`NasMessage`] (TS 24.501 §9.1 message layout).

use crate::error::{Error, Sublayer};
use crate::message::{NasMessage, Protected, SecurityHeaderType, SmMessage};
use oxirush_nas::common::Encode;
use oxirush_nas::nas_5gs::Nas5gsMessage;

/// Extended protocol discriminator of 5GMM (TS 24.007 §11.2.3.1.1A).
pub const EPD_5GMM: u8 = 0x7e;
/// Extended protocol discriminator of 5GSM.
pub const EPD_5GSM: u8 = 0x2e;
/// The reserved procedure transaction identity (TS 24.007 §11.2.3.1a).
const RESERVED_PTI: u8 = 0xff;
/// Length of the security protected header: EPD, SHT, MAC (4), SN (TS 24.501 §9.1.1).
pub const SECURITY_HEADER_LEN: usize = 7;

/// Decodes one whole NAS-5GS message, plain or security protected (header types 0-4).
///
/// For integrity-only types (1, 3) the inner plain message is decoded too; for ciphered
/// types (2, 4) only the header and the ciphertext are available (see
/// [`Protected::decode_null_ciphered`] for NEA0). Octets after the message are an error.
pub fn decode(bytes: &[u8]) -> Result<NasMessage, Error> {
    match bytes.first() {
        None => Err(too_short("extended protocol discriminator", 0, 1)),
        Some(&EPD_5GMM) => {
            let Some(&sht) = bytes.get(1) else {
                return Err(too_short("security header type", bytes.len(), 2));
            };
            match sht & 0x0f {
                0 => decode_plain(bytes),
                _ => decode_protected(bytes),
            }
        }
        Some(_) => decode_plain(bytes),
    }
}

/// The security header of a protected message, read without decoding its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityHeader<'a> {
    /// Security header type (TS 24.501 §9.3.1).
    pub header_type: SecurityHeaderType,
    /// Message authentication code (TS 24.501 §9.8).
    pub mac: u32,
    /// Sequence number (TS 24.501 §9.10).
    pub sequence_number: u8,
    /// The octets the MAC covers after the sequence number: plain message or ciphertext.
    pub payload: &'a [u8],
}

/// Reads only the security header (TS 24.501 §9.1.1), so that the AMF can verify the MAC
/// (§4.4.4) before decoding a payload that may be malformed. `Ok(None)` for a plain
/// message.
pub fn security_header(bytes: &[u8]) -> Result<Option<SecurityHeader<'_>>, Error> {
    match bytes {
        [] => Err(too_short("extended protocol discriminator", 0, 1)),
        [EPD_5GMM] => Err(too_short("security header type", 1, 2)),
        [EPD_5GMM, sht, ..] if sht & 0x0f != 0 => {
            let sht = sht & 0x0f;
            let header_type =
                SecurityHeaderType::from_u8(sht).ok_or(Error::ReservedSecurityHeaderType(sht))?;
            if bytes.len() <= SECURITY_HEADER_LEN {
                return Err(too_short(
                    "security protected header",
                    bytes.len(),
                    SECURITY_HEADER_LEN + 1,
                ));
            }
            Ok(Some(SecurityHeader {
                header_type,
                mac: u32::from_be_bytes([bytes[2], bytes[3], bytes[4], bytes[5]]),
                sequence_number: bytes[6],
                payload: &bytes[SECURITY_HEADER_LEN..],
            }))
        }
        [EPD_5GMM | EPD_5GSM, ..] => Ok(None),
        [other, ..] => Err(Error::UnknownProtocolDiscriminator(*other)),
    }
}

fn too_short(field: &'static str, len: usize, needed: usize) -> Error {
    Error::TooShort { field, len, needed }
}

fn decode_protected(bytes: &[u8]) -> Result<NasMessage, Error> {
    let Some(SecurityHeader {
        header_type,
        mac,
        sequence_number,
        payload,
    }) = security_header(bytes)?
    else {
        return Err(Error::Malformed("no security header".into()));
    };
    let plain = if header_type.is_ciphered() {
        None
    } else {
        Some(decode_inner(payload)?)
    };
    Ok(NasMessage::Protected(Protected::from_parts(
        header_type,
        mac,
        sequence_number,
        payload.to_vec(),
        plain,
    )))
}

/// Decodes the plain message inside a security protected one: never protected itself.
pub(crate) fn decode_inner(payload: &[u8]) -> Result<NasMessage, Error> {
    if payload.first() == Some(&EPD_5GMM) && payload.get(1).is_some_and(|o| o & 0x0f != 0) {
        return Err(Error::NestedSecurityHeader);
    }
    decode_plain(payload)
}

fn decode_plain(bytes: &[u8]) -> Result<NasMessage, Error> {
    // Header length checks first, so that the error names the header field.
    match bytes[0] {
        EPD_5GMM if bytes.len() < 3 => return Err(too_short("message type", bytes.len(), 3)),
        EPD_5GSM if bytes.len() < 4 => return Err(too_short("message type", bytes.len(), 4)),
        EPD_5GSM if bytes[2] == RESERVED_PTI => {
            return Err(Error::ReservedPti {
                psi: bytes[1],
                pti: bytes[2],
            });
        }
        EPD_5GMM | EPD_5GSM => {}
        other => return Err(Error::UnknownProtocolDiscriminator(other)),
    }
    let decoded = Nas5gsMessage::decode(bytes).map_err(|e| {
        let mut e = Error::from(e);
        if let Error::UnknownMessageType { sublayer, .. } = &mut e {
            *sublayer = if bytes[0] == EPD_5GMM {
                Sublayer::Mm
            } else {
                Sublayer::Sm
            };
        }
        e
    })?;
    match decoded {
        Nas5gsMessage::Gmm(_, m) => Ok(NasMessage::Mm(m)),
        Nas5gsMessage::Gsm(h, m) => Ok(NasMessage::Sm(SmMessage {
            pdu_session_id: h.pdu_session_identity,
            pti: h.procedure_transaction_identity,
            message: m,
        })),
        _ => Err(Error::Malformed("unexpected security envelope".into())),
    }
}

/// Encodes a message into its octets (TS 24.501 §9.1).
pub fn encode(message: &NasMessage) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(64);
    encode_into(message, &mut out)?;
    Ok(out)
}

/// Appends the encoding of `message` to `out`. On error `out` may hold a partial message.
pub fn encode_into(message: &NasMessage, out: &mut Vec<u8>) -> Result<(), Error> {
    match message {
        NasMessage::Mm(m) => {
            out.extend_from_slice(&[EPD_5GMM, 0, m.message_type().as_u8()]);
            m.encode_into(out)?;
        }
        NasMessage::Sm(s) => {
            if s.pti == RESERVED_PTI {
                return Err(Error::Encode(
                    "PTI 255 is reserved (TS 24.007 §11.2.3.1a)".into(),
                ));
            }
            if s.pdu_session_id > 15 {
                return Err(Error::Encode(format!(
                    "PDU session identity {} is reserved (TS 24.501 §9.4)",
                    s.pdu_session_id
                )));
            }
            out.extend_from_slice(&[
                EPD_5GSM,
                s.pdu_session_id,
                s.pti,
                s.message.message_type().as_u8(),
            ]);
            s.message.encode_into(out)?;
        }
        NasMessage::Protected(p) => {
            out.push(EPD_5GMM);
            out.push(p.header_type() as u8);
            out.extend_from_slice(&p.mac().to_be_bytes());
            out.push(p.sequence_number());
            out.extend_from_slice(p.payload());
        }
    }
    Ok(())
}
