//! Error causes carried by ABORT and ERROR chunks (RFC 9260 §3.3.10).

use super::Error;
use super::bytes::{be16, be32, put_pad, put_tl, tlvs};

/// Cause codes.
pub mod code {
    /// Invalid Stream Identifier.
    pub const INVALID_STREAM: u16 = 1;
    /// Missing Mandatory Parameter.
    pub const MISSING_MANDATORY: u16 = 2;
    /// Stale Cookie Error.
    pub const STALE_COOKIE: u16 = 3;
    /// Out of Resource.
    pub const OUT_OF_RESOURCE: u16 = 4;
    /// Unresolvable Address.
    pub const UNRESOLVABLE_ADDRESS: u16 = 5;
    /// Unrecognized Chunk Type.
    pub const UNRECOGNIZED_CHUNK: u16 = 6;
    /// Invalid Mandatory Parameter.
    pub const INVALID_MANDATORY: u16 = 7;
    /// Unrecognized Parameters.
    pub const UNRECOGNIZED_PARAMS: u16 = 8;
    /// No User Data.
    pub const NO_USER_DATA: u16 = 9;
    /// Cookie Received While Shutting Down.
    pub const COOKIE_WHILE_SHUTTING_DOWN: u16 = 10;
    /// Restart of an Association with New Addresses.
    pub const RESTART_NEW_ADDRESSES: u16 = 11;
    /// User-Initiated Abort.
    pub const USER_ABORT: u16 = 12;
    /// Protocol Violation.
    pub const PROTOCOL_VIOLATION: u16 = 13;
}

/// One error cause, typed where RFC 9260 defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// DATA sent to a stream that does not exist.
    InvalidStream(u16),
    /// The listed mandatory parameter types were missing.
    MissingMandatory(Vec<u16>),
    /// A COOKIE ECHO arrived this many microseconds after its cookie expired.
    StaleCookie(u32),
    /// The sender ran out of resources.
    OutOfResource,
    /// An address the sender could not resolve, TLV included.
    UnresolvableAddress(Vec<u8>),
    /// A chunk the sender did not recognise, whole chunk included.
    UnrecognizedChunk(Vec<u8>),
    /// A mandatory parameter had an invalid value.
    InvalidMandatory,
    /// Parameters the sender did not recognise, TLVs included.
    UnrecognizedParams(Vec<u8>),
    /// A DATA chunk with this TSN carried no user data.
    NoUserData(u32),
    /// A COOKIE ECHO arrived while shutting down.
    CookieWhileShuttingDown,
    /// A restart brought new addresses; the new address TLVs.
    RestartNewAddresses(Vec<u8>),
    /// The upper layer aborted; its opaque reason.
    UserAbort(Vec<u8>),
    /// The peer broke the protocol; free-form diagnostic.
    ProtocolViolation(Vec<u8>),
    /// A cause code RFC 9260 does not define.
    Unknown {
        /// The cause code.
        code: u16,
        /// The cause-specific information.
        value: Vec<u8>,
    },
}

impl Cause {
    /// The cause code.
    pub fn code(&self) -> u16 {
        match self {
            Cause::InvalidStream(_) => code::INVALID_STREAM,
            Cause::MissingMandatory(_) => code::MISSING_MANDATORY,
            Cause::StaleCookie(_) => code::STALE_COOKIE,
            Cause::OutOfResource => code::OUT_OF_RESOURCE,
            Cause::UnresolvableAddress(_) => code::UNRESOLVABLE_ADDRESS,
            Cause::UnrecognizedChunk(_) => code::UNRECOGNIZED_CHUNK,
            Cause::InvalidMandatory => code::INVALID_MANDATORY,
            Cause::UnrecognizedParams(_) => code::UNRECOGNIZED_PARAMS,
            Cause::NoUserData(_) => code::NO_USER_DATA,
            Cause::CookieWhileShuttingDown => code::COOKIE_WHILE_SHUTTING_DOWN,
            Cause::RestartNewAddresses(_) => code::RESTART_NEW_ADDRESSES,
            Cause::UserAbort(_) => code::USER_ABORT,
            Cause::ProtocolViolation(_) => code::PROTOCOL_VIOLATION,
            Cause::Unknown { code, .. } => *code,
        }
    }

    /// Parses one cause value of code `c`.
    pub fn parse(c: u16, v: &[u8]) -> Result<Self, Error> {
        let fixed = |n: usize, what: &'static str| {
            if v.len() == n {
                Ok(())
            } else {
                Err(Error::ChunkValue(what))
            }
        };
        Ok(match c {
            code::INVALID_STREAM => {
                // Stream identifier, then 16 reserved bits.
                fixed(4, "Invalid Stream Identifier cause")?;
                Cause::InvalidStream(be16(v, 0, "Stream Identifier")?)
            }
            code::MISSING_MANDATORY => {
                let n = be32(v, 0, "Number of missing params")? as usize;
                let list = &v[4..];
                if list.len() != n.saturating_mul(2) {
                    return Err(Error::ChunkValue("Missing Mandatory Parameter cause"));
                }
                Cause::MissingMandatory(
                    list.chunks_exact(2)
                        .map(|x| u16::from_be_bytes([x[0], x[1]]))
                        .collect(),
                )
            }
            code::STALE_COOKIE => {
                fixed(4, "Stale Cookie cause")?;
                Cause::StaleCookie(be32(v, 0, "Measure of Staleness")?)
            }
            code::OUT_OF_RESOURCE => Cause::OutOfResource,
            code::UNRESOLVABLE_ADDRESS => Cause::UnresolvableAddress(v.to_vec()),
            code::UNRECOGNIZED_CHUNK => Cause::UnrecognizedChunk(v.to_vec()),
            code::INVALID_MANDATORY => Cause::InvalidMandatory,
            code::UNRECOGNIZED_PARAMS => Cause::UnrecognizedParams(v.to_vec()),
            code::NO_USER_DATA => {
                fixed(4, "No User Data cause")?;
                Cause::NoUserData(be32(v, 0, "TSN value")?)
            }
            code::COOKIE_WHILE_SHUTTING_DOWN => Cause::CookieWhileShuttingDown,
            code::RESTART_NEW_ADDRESSES => Cause::RestartNewAddresses(v.to_vec()),
            code::USER_ABORT => Cause::UserAbort(v.to_vec()),
            code::PROTOCOL_VIOLATION => Cause::ProtocolViolation(v.to_vec()),
            _ => Cause::Unknown {
                code: c,
                value: v.to_vec(),
            },
        })
    }

    /// Parses the causes filling an ABORT or ERROR chunk.
    pub fn parse_all(b: &[u8]) -> Result<Vec<Cause>, Error> {
        let mut out = Vec::new();
        for tlv in tlvs(b, |code, length| Error::CauseLength { code, length }) {
            let (c, v) = tlv?;
            out.push(Cause::parse(c, v)?);
        }
        Ok(out)
    }

    fn value_len(&self) -> usize {
        match self {
            Cause::InvalidStream(_) | Cause::StaleCookie(_) | Cause::NoUserData(_) => 4,
            Cause::MissingMandatory(t) => 4 + 2 * t.len(),
            Cause::OutOfResource | Cause::InvalidMandatory | Cause::CookieWhileShuttingDown => 0,
            Cause::UnresolvableAddress(v)
            | Cause::UnrecognizedChunk(v)
            | Cause::UnrecognizedParams(v)
            | Cause::RestartNewAddresses(v)
            | Cause::UserAbort(v)
            | Cause::ProtocolViolation(v)
            | Cause::Unknown { value: v, .. } => v.len(),
        }
    }

    /// The TLV's length field: header plus value, without padding.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        4 + self.value_len()
    }

    /// Octets this cause occupies, padding included.
    pub fn buffer_len(&self) -> usize {
        let l = 4 + self.value_len();
        l + super::bytes::pad4(l)
    }

    /// Appends the cause, padded to 4 octets.
    pub fn emit(&self, out: &mut Vec<u8>) {
        let vl = self.value_len();
        put_tl(out, self.code(), vl);
        match self {
            Cause::InvalidStream(s) => {
                out.extend_from_slice(&s.to_be_bytes());
                out.extend_from_slice(&[0, 0]);
            }
            Cause::StaleCookie(x) | Cause::NoUserData(x) => out.extend_from_slice(&x.to_be_bytes()),
            Cause::MissingMandatory(t) => {
                out.extend_from_slice(&(t.len() as u32).to_be_bytes());
                for x in t {
                    out.extend_from_slice(&x.to_be_bytes());
                }
            }
            Cause::OutOfResource | Cause::InvalidMandatory | Cause::CookieWhileShuttingDown => {}
            Cause::UnresolvableAddress(v)
            | Cause::UnrecognizedChunk(v)
            | Cause::UnrecognizedParams(v)
            | Cause::RestartNewAddresses(v)
            | Cause::UserAbort(v)
            | Cause::ProtocolViolation(v)
            | Cause::Unknown { value: v, .. } => out.extend_from_slice(v),
        }
        put_pad(out, 4 + vl);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures() {
        // RFC 9260 §3.3.10.1 / §3.3.10.3 / §3.3.10.2 layouts, written out by hand.
        let bytes = [
            0x00, 0x01, 0x00, 0x08, 0x00, 0x07, 0x00, 0x00, // invalid stream 7
            0x00, 0x03, 0x00, 0x08, 0x00, 0x00, 0x03, 0xe8, // stale cookie 1000 us
            0x00, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x00,
            0x00, // missing: 7
        ];
        let c = Cause::parse_all(&bytes).unwrap();
        assert_eq!(
            c,
            vec![
                Cause::InvalidStream(7),
                Cause::StaleCookie(1000),
                Cause::MissingMandatory(vec![7])
            ]
        );
        let mut out = Vec::new();
        for x in &c {
            x.emit(&mut out);
        }
        assert_eq!(out, bytes);
    }

    #[test]
    fn lying_count() {
        let bytes = [0x00, 0x02, 0x00, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x00, 0x07];
        assert!(Cause::parse_all(&bytes).is_err());
    }
}
