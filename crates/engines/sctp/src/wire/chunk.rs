//! Chunks (RFC 9260 §3.2, §3.3): the raw chunk walk and the typed [`Chunk`].

use super::bytes::{be16, be32, pad4, put_pad};
use super::{Cause, Error, Param};

/// Chunk type codes (RFC 9260 §3.2).
pub mod ty {
    /// Payload Data.
    pub const DATA: u8 = 0;
    /// Initiation.
    pub const INIT: u8 = 1;
    /// Initiation Acknowledgement.
    pub const INIT_ACK: u8 = 2;
    /// Selective Acknowledgement.
    pub const SACK: u8 = 3;
    /// Heartbeat Request.
    pub const HEARTBEAT: u8 = 4;
    /// Heartbeat Acknowledgement.
    pub const HEARTBEAT_ACK: u8 = 5;
    /// Abort.
    pub const ABORT: u8 = 6;
    /// Shutdown.
    pub const SHUTDOWN: u8 = 7;
    /// Shutdown Acknowledgement.
    pub const SHUTDOWN_ACK: u8 = 8;
    /// Operation Error.
    pub const ERROR: u8 = 9;
    /// State Cookie.
    pub const COOKIE_ECHO: u8 = 10;
    /// Cookie Acknowledgement.
    pub const COOKIE_ACK: u8 = 11;
    /// Shutdown Complete.
    pub const SHUTDOWN_COMPLETE: u8 = 14;
}

/// Octets of a DATA chunk before its user data.
pub const DATA_HEADER_LEN: usize = 16;

/// One chunk as it sits in a packet: type, flags and value, not yet interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawChunk<'a> {
    /// Chunk type.
    pub chunk_type: u8,
    /// Chunk flags.
    pub flags: u8,
    /// The value: the octets after the 4-octet chunk header, padding excluded.
    pub value: &'a [u8],
    /// The whole chunk, header included and padding excluded (for error reports).
    pub bytes: &'a [u8],
}

/// Walks the chunks of a packet's body. Yields an error and stops at the first chunk
/// whose length is invalid. The last chunk may lack its padding.
#[derive(Debug, Clone)]
pub struct ChunkIter<'a> {
    rest: &'a [u8],
}

impl<'a> ChunkIter<'a> {
    /// Walks `body`, the octets after the 12-octet common header.
    pub fn new(body: &'a [u8]) -> Self {
        Self { rest: body }
    }
}

impl<'a> Iterator for ChunkIter<'a> {
    type Item = Result<RawChunk<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.rest;
        if b.is_empty() {
            return None;
        }
        if b.len() < 4 {
            self.rest = &[];
            return Some(Err(Error::Truncated("chunk header")));
        }
        let length = u16::from_be_bytes([b[2], b[3]]);
        let l = length as usize;
        if l < 4 || l > b.len() {
            self.rest = &[];
            return Some(Err(Error::ChunkLength {
                chunk_type: b[0],
                length,
            }));
        }
        self.rest = &b[(l + pad4(l)).min(b.len())..];
        Some(Ok(RawChunk {
            chunk_type: b[0],
            flags: b[1],
            value: &b[4..l],
            bytes: &b[..l],
        }))
    }
}

/// What the upper two bits of an unrecognised chunk type ask for (§3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownChunkAction {
    /// 00: stop processing the packet, discard it.
    Stop,
    /// 01: stop, discard, and report it in an ERROR chunk.
    StopAndReport,
    /// 10: skip this chunk and go on.
    Skip,
    /// 11: skip, go on, and report it.
    SkipAndReport,
}

impl UnknownChunkAction {
    /// The action coded in a chunk type's upper two bits.
    pub fn of(chunk_type: u8) -> Self {
        match chunk_type >> 6 {
            0 => Self::Stop,
            1 => Self::StopAndReport,
            2 => Self::Skip,
            _ => Self::SkipAndReport,
        }
    }
}

/// A DATA chunk (§3.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Data {
    /// Transmission sequence number.
    pub tsn: u32,
    /// Stream identifier.
    pub stream: u16,
    /// Stream sequence number (meaningless when `unordered`).
    pub ssn: u16,
    /// Payload protocol identifier, passed through untouched (NGAP uses 60).
    pub ppid: u32,
    /// U bit: deliver as soon as reassembled, regardless of order.
    pub unordered: bool,
    /// B bit: first fragment of a message.
    pub begin: bool,
    /// E bit: last fragment of a message.
    pub end: bool,
    /// I bit: the sender asks for a SACK without delay.
    pub immediate: bool,
    /// The user data.
    pub payload: Vec<u8>,
}

impl Data {
    /// The flags octet.
    pub fn flags(&self) -> u8 {
        (self.immediate as u8) << 3
            | (self.unordered as u8) << 2
            | (self.begin as u8) << 1
            | self.end as u8
    }
}

/// The common body of INIT and INIT ACK (§3.3.2, §3.3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Init {
    /// The tag the peer must place in packets to the sender.
    pub initiate_tag: u32,
    /// Advertised receiver window credit.
    pub a_rwnd: u32,
    /// Number of outbound streams the sender wishes to open.
    pub outbound_streams: u16,
    /// Maximum number of inbound streams the sender allows.
    pub inbound_streams: u16,
    /// The sender's first TSN.
    pub initial_tsn: u32,
    /// Optional / variable-length parameters.
    pub params: Vec<Param>,
}

/// A gap ack block: TSNs `cum_ack + start ..= cum_ack + end` were received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GapBlock {
    /// Offset of the first received TSN from the cumulative ack.
    pub start: u16,
    /// Offset of the last received TSN from the cumulative ack.
    pub end: u16,
}

/// A SACK chunk (§3.3.4).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sack {
    /// Cumulative TSN ack.
    pub cum_tsn_ack: u32,
    /// Advertised receiver window credit.
    pub a_rwnd: u32,
    /// Gap ack blocks.
    pub gaps: Vec<GapBlock>,
    /// Duplicate TSNs received since the last SACK.
    pub dups: Vec<u32>,
}

/// A typed chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    /// DATA.
    Data(Data),
    /// INIT.
    Init(Init),
    /// INIT ACK.
    InitAck(Init),
    /// SACK.
    Sack(Sack),
    /// HEARTBEAT, carrying its Heartbeat Info value.
    Heartbeat(Vec<u8>),
    /// HEARTBEAT ACK, echoing the Heartbeat Info value.
    HeartbeatAck(Vec<u8>),
    /// ABORT; `t` is the T bit (verification tag reflected).
    Abort {
        /// T bit.
        t: bool,
        /// Error causes.
        causes: Vec<Cause>,
    },
    /// SHUTDOWN with the sender's cumulative TSN ack.
    Shutdown(u32),
    /// SHUTDOWN ACK.
    ShutdownAck,
    /// ERROR.
    Error(Vec<Cause>),
    /// COOKIE ECHO with the cookie.
    CookieEcho(Vec<u8>),
    /// COOKIE ACK.
    CookieAck,
    /// SHUTDOWN COMPLETE; `t` is the T bit.
    ShutdownComplete {
        /// T bit.
        t: bool,
    },
    /// A chunk type this implementation does not know (ECNE, CWR, extensions, ...).
    Unknown {
        /// Chunk type.
        chunk_type: u8,
        /// Chunk flags.
        flags: u8,
        /// Value.
        value: Vec<u8>,
    },
}

fn parse_init(v: &[u8], what: &'static str) -> Result<Init, Error> {
    if v.len() < 16 {
        return Err(Error::ChunkValue(what));
    }
    Ok(Init {
        initiate_tag: be32(v, 0, "Initiate Tag")?,
        a_rwnd: be32(v, 4, "a_rwnd")?,
        outbound_streams: be16(v, 8, "Number of Outbound Streams")?,
        inbound_streams: be16(v, 10, "Number of Inbound Streams")?,
        initial_tsn: be32(v, 12, "Initial TSN")?,
        params: Param::parse_all(&v[16..])?,
    })
}

fn parse_sack(v: &[u8]) -> Result<Sack, Error> {
    if v.len() < 12 {
        return Err(Error::ChunkValue("SACK"));
    }
    let ngaps = be16(v, 8, "Number of Gap Ack Blocks")? as usize;
    let ndups = be16(v, 10, "Number of Duplicate TSNs")? as usize;
    if v.len() != 12 + 4 * ngaps + 4 * ndups {
        return Err(Error::ChunkValue("SACK"));
    }
    let gaps = v[12..12 + 4 * ngaps]
        .chunks_exact(4)
        .map(|g| GapBlock {
            start: u16::from_be_bytes([g[0], g[1]]),
            end: u16::from_be_bytes([g[2], g[3]]),
        })
        .collect();
    let dups = v[12 + 4 * ngaps..]
        .chunks_exact(4)
        .map(|d| u32::from_be_bytes([d[0], d[1], d[2], d[3]]))
        .collect();
    Ok(Sack {
        cum_tsn_ack: be32(v, 0, "Cumulative TSN Ack")?,
        a_rwnd: be32(v, 4, "a_rwnd")?,
        gaps,
        dups,
    })
}

fn parse_heartbeat_info(v: &[u8]) -> Result<Vec<u8>, Error> {
    for p in Param::parse_all(v)? {
        if let Param::HeartbeatInfo(info) = p {
            return Ok(info);
        }
    }
    Err(Error::MissingHeartbeatInfo)
}

fn empty(v: &[u8], what: &'static str) -> Result<(), Error> {
    if v.is_empty() {
        Ok(())
    } else {
        Err(Error::ChunkValue(what))
    }
}

impl Chunk {
    /// Interprets a raw chunk.
    pub fn parse(raw: &RawChunk<'_>) -> Result<Chunk, Error> {
        let v = raw.value;
        Ok(match raw.chunk_type {
            ty::DATA => {
                if v.len() < DATA_HEADER_LEN - 4 {
                    return Err(Error::ChunkValue("DATA"));
                }
                let f = raw.flags;
                Chunk::Data(Data {
                    tsn: be32(v, 0, "TSN")?,
                    stream: be16(v, 4, "Stream Identifier")?,
                    ssn: be16(v, 6, "Stream Sequence Number")?,
                    ppid: be32(v, 8, "Payload Protocol Identifier")?,
                    immediate: f & 0x08 != 0,
                    unordered: f & 0x04 != 0,
                    begin: f & 0x02 != 0,
                    end: f & 0x01 != 0,
                    payload: v[12..].to_vec(),
                })
            }
            ty::INIT => Chunk::Init(parse_init(v, "INIT")?),
            ty::INIT_ACK => Chunk::InitAck(parse_init(v, "INIT ACK")?),
            ty::SACK => Chunk::Sack(parse_sack(v)?),
            ty::HEARTBEAT => Chunk::Heartbeat(parse_heartbeat_info(v)?),
            ty::HEARTBEAT_ACK => Chunk::HeartbeatAck(parse_heartbeat_info(v)?),
            ty::ABORT => Chunk::Abort {
                t: raw.flags & 1 != 0,
                causes: Cause::parse_all(v)?,
            },
            ty::SHUTDOWN => {
                if v.len() != 4 {
                    return Err(Error::ChunkValue("SHUTDOWN"));
                }
                Chunk::Shutdown(be32(v, 0, "Cumulative TSN Ack")?)
            }
            ty::SHUTDOWN_ACK => {
                empty(v, "SHUTDOWN ACK")?;
                Chunk::ShutdownAck
            }
            ty::ERROR => Chunk::Error(Cause::parse_all(v)?),
            ty::COOKIE_ECHO => Chunk::CookieEcho(v.to_vec()),
            ty::COOKIE_ACK => {
                empty(v, "COOKIE ACK")?;
                Chunk::CookieAck
            }
            ty::SHUTDOWN_COMPLETE => {
                empty(v, "SHUTDOWN COMPLETE")?;
                Chunk::ShutdownComplete {
                    t: raw.flags & 1 != 0,
                }
            }
            chunk_type => Chunk::Unknown {
                chunk_type,
                flags: raw.flags,
                value: v.to_vec(),
            },
        })
    }

    /// The chunk type code.
    pub fn chunk_type(&self) -> u8 {
        match self {
            Chunk::Data(_) => ty::DATA,
            Chunk::Init(_) => ty::INIT,
            Chunk::InitAck(_) => ty::INIT_ACK,
            Chunk::Sack(_) => ty::SACK,
            Chunk::Heartbeat(_) => ty::HEARTBEAT,
            Chunk::HeartbeatAck(_) => ty::HEARTBEAT_ACK,
            Chunk::Abort { .. } => ty::ABORT,
            Chunk::Shutdown(_) => ty::SHUTDOWN,
            Chunk::ShutdownAck => ty::SHUTDOWN_ACK,
            Chunk::Error(_) => ty::ERROR,
            Chunk::CookieEcho(_) => ty::COOKIE_ECHO,
            Chunk::CookieAck => ty::COOKIE_ACK,
            Chunk::ShutdownComplete { .. } => ty::SHUTDOWN_COMPLETE,
            Chunk::Unknown { chunk_type, .. } => *chunk_type,
        }
    }

    fn flags(&self) -> u8 {
        match self {
            Chunk::Data(d) => d.flags(),
            Chunk::Abort { t, .. } | Chunk::ShutdownComplete { t } => *t as u8,
            Chunk::Unknown { flags, .. } => *flags,
            _ => 0,
        }
    }

    fn value_len(&self) -> usize {
        match self {
            Chunk::Data(d) => 12 + d.payload.len(),
            Chunk::Init(i) | Chunk::InitAck(i) => 16 + tlv_run_len(i.params.iter().map(Param::len)),
            Chunk::Sack(s) => 12 + 4 * s.gaps.len() + 4 * s.dups.len(),
            Chunk::Heartbeat(info) | Chunk::HeartbeatAck(info) => 4 + info.len(),
            Chunk::Abort { causes, .. } | Chunk::Error(causes) => {
                tlv_run_len(causes.iter().map(Cause::len))
            }
            Chunk::Shutdown(_) => 4,
            Chunk::ShutdownAck | Chunk::CookieAck | Chunk::ShutdownComplete { .. } => 0,
            Chunk::CookieEcho(c) => c.len(),
            Chunk::Unknown { value, .. } => value.len(),
        }
    }

    /// The chunk's length field: header plus value, without trailing padding.
    pub fn len(&self) -> usize {
        4 + self.value_len()
    }

    /// Whether the chunk has no value (never: every chunk has a 4-octet header).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Octets this chunk occupies in a packet, padding included.
    pub fn buffer_len(&self) -> usize {
        let l = self.len();
        l + pad4(l)
    }

    /// Appends the chunk, padded to 4 octets. The caller keeps the chunk under 65,536
    /// octets (the engine keeps whole packets under the path MTU).
    pub fn emit(&self, out: &mut Vec<u8>) {
        let len = self.len();
        let start = out.len();
        out.push(self.chunk_type());
        out.push(self.flags());
        out.extend_from_slice(&(len as u16).to_be_bytes());
        match self {
            Chunk::Data(d) => {
                out.extend_from_slice(&d.tsn.to_be_bytes());
                out.extend_from_slice(&d.stream.to_be_bytes());
                out.extend_from_slice(&d.ssn.to_be_bytes());
                out.extend_from_slice(&d.ppid.to_be_bytes());
                out.extend_from_slice(&d.payload);
            }
            Chunk::Init(i) | Chunk::InitAck(i) => {
                out.extend_from_slice(&i.initiate_tag.to_be_bytes());
                out.extend_from_slice(&i.a_rwnd.to_be_bytes());
                out.extend_from_slice(&i.outbound_streams.to_be_bytes());
                out.extend_from_slice(&i.inbound_streams.to_be_bytes());
                out.extend_from_slice(&i.initial_tsn.to_be_bytes());
                for p in &i.params {
                    p.emit(out);
                }
            }
            Chunk::Sack(s) => {
                out.extend_from_slice(&s.cum_tsn_ack.to_be_bytes());
                out.extend_from_slice(&s.a_rwnd.to_be_bytes());
                out.extend_from_slice(&(s.gaps.len() as u16).to_be_bytes());
                out.extend_from_slice(&(s.dups.len() as u16).to_be_bytes());
                for g in &s.gaps {
                    out.extend_from_slice(&g.start.to_be_bytes());
                    out.extend_from_slice(&g.end.to_be_bytes());
                }
                for d in &s.dups {
                    out.extend_from_slice(&d.to_be_bytes());
                }
            }
            Chunk::Heartbeat(info) | Chunk::HeartbeatAck(info) => {
                out.extend_from_slice(&crate::wire::param::ty::HEARTBEAT_INFO.to_be_bytes());
                out.extend_from_slice(&((4 + info.len()) as u16).to_be_bytes());
                out.extend_from_slice(info);
            }
            Chunk::Abort { causes, .. } | Chunk::Error(causes) => {
                for c in causes {
                    c.emit(out);
                }
            }
            Chunk::Shutdown(cum) => out.extend_from_slice(&cum.to_be_bytes()),
            Chunk::ShutdownAck | Chunk::CookieAck | Chunk::ShutdownComplete { .. } => {}
            Chunk::CookieEcho(c) => out.extend_from_slice(c),
            Chunk::Unknown { value, .. } => out.extend_from_slice(value),
        }
        put_pad(out, out.len() - start);
    }
}

/// The length of a run of TLVs as counted in a chunk length, from their unpadded
/// lengths: every TLV's padding except the last one's (RFC 9260 §3.2).
fn tlv_run_len(lens: impl Iterator<Item = usize>) -> usize {
    let mut total = 0;
    let mut last_pad = 0;
    for l in lens {
        last_pad = pad4(l);
        total += l + last_pad;
    }
    total - last_pad
}

/// Octets of padding after a DATA chunk carrying `payload_len` octets.
pub fn chunk_padding(payload_len: usize) -> usize {
    pad4(DATA_HEADER_LEN + payload_len)
}
