//! The decoded form of one NAS-5GS message: plain 5GMM, 5GSM, or security protected
//! (TS 24.501 §9.1).

use crate::Error;
use crate::types::{Nas5gmmMessage, Nas5gsmMessage};

/// Security header type, bits 4 to 1 of octet 2 of a 5GMM message (TS 24.501 §9.3.1,
/// Table 9.3.1). The plain value 0 is represented by [`NasMessage::Mm`] itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum SecurityHeaderType {
    /// 1: integrity protected.
    IntegrityProtected = 1,
    /// 2: integrity protected and ciphered.
    IntegrityProtectedAndCiphered = 2,
    /// 3: integrity protected with new 5G NAS security context (SECURITY MODE COMMAND).
    IntegrityProtectedNewContext = 3,
    /// 4: integrity protected and ciphered with new 5G NAS security context
    /// (SECURITY MODE COMPLETE).
    IntegrityProtectedAndCipheredNewContext = 4,
}

impl SecurityHeaderType {
    /// The type of a header value 1 to 4; `None` for 0 (plain) and for reserved values.
    pub fn from_u8(v: u8) -> Option<Self> {
        Some(match v {
            1 => Self::IntegrityProtected,
            2 => Self::IntegrityProtectedAndCiphered,
            3 => Self::IntegrityProtectedNewContext,
            4 => Self::IntegrityProtectedAndCipheredNewContext,
            _ => return None,
        })
    }

    /// Whether the payload is ciphered (types 2 and 4).
    pub fn is_ciphered(self) -> bool {
        matches!(
            self,
            Self::IntegrityProtectedAndCiphered | Self::IntegrityProtectedAndCipheredNewContext
        )
    }
}

/// A 5GSM message with its header fields (TS 24.501 §9.4, §9.6).
#[derive(Debug, Clone, PartialEq)]
pub struct SmMessage {
    /// PDU session identity (TS 24.501 §9.4), 1..=15 for a session, 0 unassigned.
    pub pdu_session_id: u8,
    /// Procedure transaction identity (TS 24.501 §9.6).
    pub pti: u8,
    /// The message body.
    pub message: Nas5gsmMessage,
}

/// A security protected 5GS NAS message (TS 24.501 §9.1.1, §8.2.28): 7 octets of header,
/// then the plain message, ciphered for types 2 and 4.
///
/// Fields are private so that the decoded inner message always matches its octets.
#[derive(Debug, Clone, PartialEq)]
pub struct Protected {
    header_type: SecurityHeaderType,
    mac: u32,
    sequence_number: u8,
    payload: Vec<u8>,
    plain: Option<Box<NasMessage>>,
}

impl Protected {
    /// Wraps a plain message under a header type that does not cipher (1 or 3): the payload
    /// is the plain message's encoding. The MAC is the caller's (computed over SN and the
    /// payload, TS 33.501 §6.4.3).
    pub fn integrity_protected(
        header_type: SecurityHeaderType,
        mac: u32,
        sequence_number: u8,
        plain: NasMessage,
    ) -> Result<Self, Error> {
        if header_type.is_ciphered() {
            return Err(Error::Encode(format!(
                "{header_type:?} carries ciphertext: use Protected::ciphered"
            )));
        }
        if matches!(plain, NasMessage::Protected(_)) {
            return Err(Error::NestedSecurityHeader);
        }
        let payload = crate::encode(&plain)?;
        Ok(Self {
            header_type,
            mac,
            sequence_number,
            payload,
            plain: Some(Box::new(plain)),
        })
    }

    /// A ciphered message (header type 2 or 4): the payload is opaque ciphertext.
    pub fn ciphered(
        header_type: SecurityHeaderType,
        mac: u32,
        sequence_number: u8,
        ciphertext: Vec<u8>,
    ) -> Result<Self, Error> {
        if !header_type.is_ciphered() {
            return Err(Error::Encode(format!(
                "{header_type:?} carries a plain message: use Protected::integrity_protected"
            )));
        }
        if ciphertext.is_empty() {
            return Err(Error::Encode("empty ciphertext".into()));
        }
        Ok(Self {
            header_type,
            mac,
            sequence_number,
            payload: ciphertext,
            plain: None,
        })
    }

    /// Used by the decoder: the payload octets and, for types 1 and 3, their decoding.
    pub(crate) fn from_parts(
        header_type: SecurityHeaderType,
        mac: u32,
        sequence_number: u8,
        payload: Vec<u8>,
        plain: Option<NasMessage>,
    ) -> Self {
        Self {
            header_type,
            mac,
            sequence_number,
            payload,
            plain: plain.map(Box::new),
        }
    }

    /// Security header type (TS 24.501 §9.3.1).
    pub fn header_type(&self) -> SecurityHeaderType {
        self.header_type
    }

    /// Message authentication code (TS 24.501 §9.8).
    pub fn mac(&self) -> u32 {
        self.mac
    }

    /// Sequence number: the 8 least significant bits of the NAS COUNT (TS 24.501 §9.10).
    pub fn sequence_number(&self) -> u8 {
        self.sequence_number
    }

    /// The octets after the header: the plain message (types 1, 3) or ciphertext (2, 4).
    /// The MAC covers the sequence number and these octets.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The decoded plain message, for header types 1 and 3.
    pub fn plain(&self) -> Option<&NasMessage> {
        self.plain.as_deref()
    }

    /// Decodes a ciphered payload as if ciphered with NEA0 (the null algorithm, TS 33.501
    /// §D.2.1), where ciphertext equals plaintext; for types 1 and 3 returns the plain one.
    pub fn decode_null_ciphered(&self) -> Result<NasMessage, Error> {
        if let Some(plain) = &self.plain {
            return Ok((**plain).clone());
        }
        crate::codec::decode_inner(&self.payload)
    }
}

/// One NAS-5GS message (TS 24.501 §8).
///
/// Spare half octets of the headers are not kept: a receiver ignores them (§9.5) and
/// [`crate::encode`] writes them as zero.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum NasMessage {
    /// A plain 5GMM message (TS 24.501 §8.2).
    Mm(Nas5gmmMessage),
    /// A 5GSM message (TS 24.501 §8.3).
    Sm(SmMessage),
    /// A security protected 5GMM message (TS 24.501 §9.1.1).
    Protected(Protected),
}

impl NasMessage {
    /// A plain 5GMM message from any message struct (`NasRegistrationRequest`...).
    pub fn mm(message: impl Into<Nas5gmmMessage>) -> Self {
        NasMessage::Mm(message.into())
    }

    /// A 5GSM message of a PDU session and procedure transaction.
    pub fn sm(message: impl Into<Nas5gsmMessage>, pdu_session_id: u8, pti: u8) -> Self {
        NasMessage::Sm(SmMessage {
            pdu_session_id,
            pti,
            message: message.into(),
        })
    }

    /// The plain message: itself, or the integrity-protected content. `None` for ciphered.
    pub fn plain(&self) -> Option<&NasMessage> {
        match self {
            NasMessage::Protected(p) => p.plain(),
            other => Some(other),
        }
    }

    /// The 5GMM body, looking through an integrity-only security header.
    pub fn as_mm(&self) -> Option<&Nas5gmmMessage> {
        match self.plain()? {
            NasMessage::Mm(m) => Some(m),
            _ => None,
        }
    }

    /// The 5GSM message, looking through an integrity-only security header.
    pub fn as_sm(&self) -> Option<&SmMessage> {
        match self.plain()? {
            NasMessage::Sm(m) => Some(m),
            _ => None,
        }
    }

    /// The protected wrapper, if any.
    pub fn as_protected(&self) -> Option<&Protected> {
        match self {
            NasMessage::Protected(p) => Some(p),
            _ => None,
        }
    }

    /// The message type octet of the plain message (TS 24.501 §9.7), `None` if ciphered.
    pub fn message_type(&self) -> Option<u8> {
        match self.plain()? {
            NasMessage::Mm(m) => Some(m.message_type().as_u8()),
            NasMessage::Sm(s) => Some(s.message.message_type().as_u8()),
            NasMessage::Protected(_) => None,
        }
    }

    /// The message name as TS 24.501 §8 writes it, e.g. `"Registration request"`.
    pub fn name(&self) -> &'static str {
        match self {
            NasMessage::Mm(m) => crate::names::mm_name(m.message_type().as_u8()),
            NasMessage::Sm(s) => crate::names::sm_name(s.message.message_type().as_u8()),
            NasMessage::Protected(p) => match p.plain() {
                Some(inner) => inner.name(),
                None => "Security protected 5GS NAS message",
            },
        }
    }

    /// Checks what decoding lets through but TS 24.501 §7.6-§7.8 want answered: an unknown
    /// IE encoded "comprehension required" (§7.6.1, #96), and the rules of the message's
    /// table (conditional IEs #100, semantics #95). Unknown IEs that are not comprehension
    /// required are ignored, as §7.6.1 says.
    pub fn check(&self) -> Result<(), Error> {
        crate::check::check(self)
    }
}
