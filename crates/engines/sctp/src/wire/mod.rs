//! The SCTP wire format (RFC 9260 §3): common header, chunks, parameters, error causes,
//! and the CRC32c checksum. Every parser is total: any input gives a value or an
//! [`Error`], never a panic, and allocates at most a small multiple of its input.

mod bytes;
pub mod cause;
pub mod chunk;
mod crc32c;
mod error;
pub mod packet;
pub mod param;

pub use cause::Cause;
pub use chunk::{
    Chunk, ChunkIter, Data, GapBlock, Init, RawChunk, Sack, UnknownChunkAction, chunk_padding,
};
pub use crc32c::crc32c;
pub use error::Error;
pub use packet::{HEADER_LEN, Header, Packet, Repr};
pub use param::{Param, UnknownParamAction};
