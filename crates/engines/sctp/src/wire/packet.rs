//! The SCTP common header (RFC 9260 §3.1) as a zero-copy view, and whole packets.

use super::crc32c::packet_checksum;
use super::{Chunk, ChunkIter, Error};

mod field {
    use std::ops::Range;
    pub const SRC_PORT: Range<usize> = 0..2;
    pub const DST_PORT: Range<usize> = 2..4;
    pub const VTAG: Range<usize> = 4..8;
    pub const CHECKSUM: Range<usize> = 8..12;
    pub const BODY: usize = 12;
}

/// Octets of the common header.
pub const HEADER_LEN: usize = field::BODY;

/// A view of an SCTP packet in a buffer (smoltcp style).
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps a buffer without checks; accessors may panic on short buffers.
    pub fn new_unchecked(buffer: T) -> Self {
        Self { buffer }
    }

    /// Wraps a buffer holding at least a common header.
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        if buffer.as_ref().len() < HEADER_LEN {
            return Err(Error::Truncated("common header"));
        }
        Ok(Self { buffer })
    }

    fn be16(&self, r: std::ops::Range<usize>) -> u16 {
        let b = &self.buffer.as_ref()[r];
        u16::from_be_bytes([b[0], b[1]])
    }

    /// Source port.
    pub fn src_port(&self) -> u16 {
        self.be16(field::SRC_PORT)
    }

    /// Destination port.
    pub fn dst_port(&self) -> u16 {
        self.be16(field::DST_PORT)
    }

    /// Verification tag.
    pub fn verification_tag(&self) -> u32 {
        let b = &self.buffer.as_ref()[field::VTAG];
        u32::from_be_bytes([b[0], b[1], b[2], b[3]])
    }

    /// The checksum as carried (CRC32c, stored least significant octet first, as the
    /// reflected CRC's natural byte image; RFC 9260 Appendix A).
    pub fn checksum(&self) -> u32 {
        let b = &self.buffer.as_ref()[field::CHECKSUM];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// Checks the CRC32c.
    pub fn verify_checksum(&self) -> Result<(), Error> {
        let computed = packet_checksum(self.buffer.as_ref());
        let stated = self.checksum();
        if computed == stated {
            Ok(())
        } else {
            Err(Error::Checksum { stated, computed })
        }
    }

    /// The chunks after the common header.
    pub fn body(&self) -> &[u8] {
        &self.buffer.as_ref()[field::BODY..]
    }

    /// Walks the chunks.
    pub fn chunks(&self) -> ChunkIter<'_> {
        ChunkIter::new(self.body())
    }

    /// The common header's meaning.
    pub fn header(&self) -> Header {
        Header {
            src_port: self.src_port(),
            dst_port: self.dst_port(),
            verification_tag: self.verification_tag(),
        }
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Computes and stores the checksum over the whole buffer.
    pub fn fill_checksum(&mut self) {
        let c = packet_checksum(self.buffer.as_ref());
        self.buffer.as_mut()[field::CHECKSUM].copy_from_slice(&c.to_le_bytes());
    }
}

/// The meaning of a common header (the checksum is computed, not carried).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Verification tag.
    pub verification_tag: u32,
}

impl Header {
    /// Starts a packet: the header with a zero checksum.
    pub fn start(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.src_port.to_be_bytes());
        out.extend_from_slice(&self.dst_port.to_be_bytes());
        out.extend_from_slice(&self.verification_tag.to_be_bytes());
        out.extend_from_slice(&[0; 4]);
    }
}

/// Fills in the checksum of a packet built by [`Header::start`] plus chunks.
pub fn finish(packet: &mut [u8]) {
    if packet.len() >= HEADER_LEN {
        Packet::new_unchecked(packet).fill_checksum();
    }
}

/// A whole packet parsed into typed chunks (for tests, tools and fuzzing; the engine
/// walks chunks lazily so that §3.2 "stop processing" is honoured).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repr {
    /// The common header.
    pub header: Header,
    /// The chunks, in order.
    pub chunks: Vec<Chunk>,
}

impl Repr {
    /// Verifies the checksum and parses every chunk.
    pub fn parse(bytes: &[u8]) -> Result<Repr, Error> {
        let p = Packet::new_checked(bytes)?;
        p.verify_checksum()?;
        let mut chunks = Vec::new();
        for raw in p.chunks() {
            chunks.push(Chunk::parse(&raw?)?);
        }
        if chunks.is_empty() {
            return Err(Error::NoChunks);
        }
        Ok(Repr {
            header: p.header(),
            chunks,
        })
    }

    /// Octets of the emitted packet.
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.chunks.iter().map(Chunk::buffer_len).sum::<usize>()
    }

    /// Emits the packet with its checksum.
    pub fn emit(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.buffer_len());
        self.header.start(&mut out);
        for c in &self.chunks {
            c.emit(&mut out);
        }
        finish(&mut out);
        out
    }
}
