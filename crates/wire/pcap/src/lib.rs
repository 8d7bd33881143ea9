//! A minimal classic-pcap writer with the framings Wireshark needs to pick a dissector.
//!
//! - [`Framing::Exported`]: link type 252 (`WIRESHARK_UPPER_PDU`): each record names the
//!   dissector (`"ngap"`, `"nas-5gs"`) in an exported-PDU tag, then carries the bare PDU.
//!   This is how NGAP and NAS are checked without SCTP.
//! - [`Framing::Udp`]: link type 228 (`IPV4`): an IPv4 + UDP header in front of the
//!   payload, ports chosen by the caller (8805 PFCP, 2152 GTP-U).

use std::io::Write;
use std::net::Ipv4Addr;
use std::path::Path;

const LINKTYPE_WIRESHARK_UPPER_PDU: u32 = 252;
const LINKTYPE_IPV4: u32 = 228;
const EXP_PDU_TAG_END_OF_OPT: u16 = 0;
const EXP_PDU_TAG_DISSECTOR_NAME: u16 = 12;

/// How each record of a pcap file is framed.
#[derive(Clone, Debug)]
pub enum Framing {
    /// Exported PDU handed to the named Wireshark dissector (e.g. `"ngap"`, `"nas-5gs"`).
    Exported(&'static str),
    /// IPv4/UDP between two fixed endpoints; the payload goes to whatever the ports select.
    Udp {
        src: (Ipv4Addr, u16),
        dst: (Ipv4Addr, u16),
    },
}

impl Framing {
    /// UDP on port 8805 both ways, as PFCP runs.
    pub fn pfcp() -> Self {
        Framing::Udp {
            src: (Ipv4Addr::new(127, 0, 0, 1), 8805),
            dst: (Ipv4Addr::new(127, 0, 0, 2), 8805),
        }
    }
    /// UDP on port 2152 both ways, as GTP-U runs.
    pub fn gtpu() -> Self {
        Framing::Udp {
            src: (Ipv4Addr::new(127, 0, 0, 1), 2152),
            dst: (Ipv4Addr::new(127, 0, 0, 2), 2152),
        }
    }

    fn link_type(&self) -> u32 {
        match self {
            Framing::Exported(_) => LINKTYPE_WIRESHARK_UPPER_PDU,
            Framing::Udp { .. } => LINKTYPE_IPV4,
        }
    }

    fn frame(&self, payload: &[u8]) -> Vec<u8> {
        match self {
            Framing::Exported(name) => exported_pdu(name, payload),
            Framing::Udp { src, dst } => ipv4_udp(*src, *dst, payload),
        }
    }
}

fn exported_pdu(dissector: &str, payload: &[u8]) -> Vec<u8> {
    let padded = dissector.len().div_ceil(4) * 4;
    let mut out = Vec::with_capacity(8 + padded + payload.len());
    out.extend_from_slice(&EXP_PDU_TAG_DISSECTOR_NAME.to_be_bytes());
    out.extend_from_slice(&(padded as u16).to_be_bytes());
    out.extend_from_slice(dissector.as_bytes());
    out.resize(4 + padded, 0);
    out.extend_from_slice(&EXP_PDU_TAG_END_OF_OPT.to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

fn ipv4_udp(src: (Ipv4Addr, u16), dst: (Ipv4Addr, u16), payload: &[u8]) -> Vec<u8> {
    let udp_len = 8 + payload.len();
    let total = 20 + udp_len;
    let mut ip = vec![0u8; 20];
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    ip[8] = 64; // TTL
    ip[9] = 17; // UDP
    ip[12..16].copy_from_slice(&src.0.octets());
    ip[16..20].copy_from_slice(&dst.0.octets());
    let sum = ipv4_checksum(&ip);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    let mut out = ip;
    out.extend_from_slice(&src.1.to_be_bytes());
    out.extend_from_slice(&dst.1.to_be_bytes());
    out.extend_from_slice(&(udp_len as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0]); // no UDP checksum (allowed over IPv4)
    out.extend_from_slice(payload);
    out
}

fn ipv4_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header
        .chunks(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// A pcap file being written, one record per [`Writer::record`], flushed as it goes so
/// that a capture of a run that is interrupted still opens.
pub struct Writer<W: Write> {
    out: W,
    framing: Framing,
}

impl Writer<std::io::BufWriter<std::fs::File>> {
    /// Creates (truncates) the file at `path` and writes the pcap header.
    pub fn create(path: &Path, framing: Framing) -> std::io::Result<Self> {
        Writer::new(
            std::io::BufWriter::new(std::fs::File::create(path)?),
            framing,
        )
    }
}

impl<W: Write> Writer<W> {
    /// Writes the pcap file header (microsecond timestamps, snap length 256 KiB).
    pub fn new(mut out: W, framing: Framing) -> std::io::Result<Self> {
        let mut header = Vec::with_capacity(24);
        header.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        header.extend_from_slice(&2u16.to_le_bytes());
        header.extend_from_slice(&4u16.to_le_bytes());
        header.extend_from_slice(&0i32.to_le_bytes()); // thiszone
        header.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
        header.extend_from_slice(&262_144u32.to_le_bytes()); // snaplen
        header.extend_from_slice(&framing.link_type().to_le_bytes());
        out.write_all(&header)?;
        Ok(Self { out, framing })
    }

    /// Appends one record stamped `time` (since the Unix epoch).
    pub fn record(&mut self, time: std::time::Duration, payload: &[u8]) -> std::io::Result<()> {
        let frame = self.framing.frame(payload);
        let mut head = [0u8; 16];
        head[0..4].copy_from_slice(&(time.as_secs() as u32).to_le_bytes());
        head[4..8].copy_from_slice(&time.subsec_micros().to_le_bytes());
        head[8..12].copy_from_slice(&(frame.len() as u32).to_le_bytes());
        head[12..16].copy_from_slice(&(frame.len() as u32).to_le_bytes());
        self.out.write_all(&head)?;
        self.out.write_all(&frame)
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Writes `payloads` as one pcap file, one record each, one second apart.
pub fn write(path: &Path, framing: &Framing, payloads: &[Vec<u8>]) -> std::io::Result<()> {
    let mut w = Writer::new(Vec::new(), framing.clone())?;
    for (i, payload) in payloads.iter().enumerate() {
        w.record(
            std::time::Duration::from_secs(1_700_000_000 + i as u64),
            payload,
        )?;
    }
    std::fs::File::create(path)?.write_all(&w.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_checksum_of_a_known_header() {
        // RFC 1071 style example: header from a real capture, checksum field zeroed.
        let h: Vec<u8> = (0..20)
            .map(|i| {
                u8::from_str_radix(
                    &"4500003c1c4640004006 0000 ac100a63ac100a0c".replace(' ', "")
                        [2 * i..2 * i + 2],
                    16,
                )
                .unwrap()
            })
            .collect();
        assert_eq!(ipv4_checksum(&h), 0xb1e6);
    }

    #[test]
    fn exported_pdu_pads_the_dissector_name() {
        let f = exported_pdu("ngap", &[1, 2]);
        assert_eq!(f, [0, 12, 0, 4, b'n', b'g', b'a', b'p', 0, 0, 0, 0, 1, 2]);
        let f = exported_pdu("nas-5gs", &[]);
        assert_eq!(&f[..4], &[0, 12, 0, 8]);
        assert_eq!(f.len(), 4 + 8 + 4);
    }
}
