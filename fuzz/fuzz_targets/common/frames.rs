//! The frame splitter of the engine targets: one fuzz input as a sequence of network
//! events. Shared by `common` (`amf_ngap`, `sim_gnb`) and `upf` (`upf_n4`,
//! `upf_dataplane`, which include this file with `#[path]`).

/// One step of a fuzz input: `kind` octet, big-endian u16 length, that many octets (the
/// length is cut to what is left). At most `MAX_FRAMES` frames are taken.
pub struct Frame<'a> {
    pub kind: u8,
    pub bytes: &'a [u8],
}

pub const MAX_FRAMES: usize = 32;

pub fn frames(mut data: &[u8]) -> Vec<Frame<'_>> {
    let mut out = Vec::new();
    while data.len() >= 3 && out.len() < MAX_FRAMES {
        let kind = data[0];
        let len = usize::from(u16::from_be_bytes([data[1], data[2]])).min(data.len() - 3);
        out.push(Frame {
            kind,
            bytes: &data[3..3 + len],
        });
        data = &data[3 + len..];
    }
    out
}

/// One frame the way [`frames`] reads it (for seeds).
pub fn frame(kind: u8, bytes: &[u8]) -> Vec<u8> {
    let mut v = vec![kind];
    v.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    v.extend_from_slice(bytes);
    v
}

/// Frames the way [`frames`] reads them (for seeds).
pub fn encode_frames(frames: &[(u8, &[u8])]) -> Vec<u8> {
    frames
        .iter()
        .flat_map(|(kind, bytes)| frame(*kind, bytes))
        .collect()
}
