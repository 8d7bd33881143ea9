//! The PDU Session Container extension header (TS 29.281 §5.2.2.7) and its content, the
//! PDU Session User Plane protocol frames of TS 38.415 §5.5.2.

use crate::cursor::{Reader, Writer};
use crate::error::Error;
use crate::qfi::Qfi;

/// PDU Type 0: DL PDU SESSION INFORMATION (TS 38.415 §5.5.2.1).
pub const PDU_TYPE_DL: u8 = 0;
/// PDU Type 1: UL PDU SESSION INFORMATION (TS 38.415 §5.5.2.2).
pub const PDU_TYPE_UL: u8 = 1;

const SN_MAX: u32 = 0x00ff_ffff;

/// The content of a PDU Session Container (TS 38.415 §5.5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PduSessionContainer {
    /// PDU Type 0, sent by the UPF towards the NG-RAN.
    Downlink(DlPduSessionInfo),
    /// PDU Type 1, sent by the NG-RAN towards the UPF.
    Uplink(UlPduSessionInfo),
}

/// DL PDU SESSION INFORMATION (TS 38.415 §5.5.2.1).
///
/// The DL MBS QFI Sequence Number (MSNP) is skipped when present and never emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DlPduSessionInfo {
    /// QoS Flow Identifier (§5.5.3.3).
    pub qfi: Qfi,
    /// Reflective QoS Indicator (§5.5.3.4).
    pub rqi: bool,
    /// Paging Policy Indicator, 0..=7; `Some` sets PPP (§5.5.3.6, §5.5.3.7).
    pub ppi: Option<u8>,
    /// DL Sending Time Stamp, 64-bit NTP format; `Some` sets QMP (§5.5.3.8, §5.5.3.16).
    pub sending_time_stamp: Option<u64>,
    /// DL QFI Sequence Number, 24 bits; `Some` sets SNP (§5.5.3.18).
    pub qfi_sequence_number: Option<u32>,
}

/// The three time stamps of an UL frame with QMP set (TS 38.415 §5.5.3.9-§5.5.3.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UlTimeStamps {
    /// DL Sending Time Stamp Repeated.
    pub dl_sending_repeated: u64,
    /// DL Received Time Stamp.
    pub dl_received: u64,
    /// UL Sending Time Stamp.
    pub ul_sending: u64,
}

/// UL PDU SESSION INFORMATION (TS 38.415 §5.5.2.2).
///
/// New IE Flags other than the D1 UL PDCP Delay Result are read and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UlPduSessionInfo {
    /// QoS Flow Identifier (§5.5.3.3).
    pub qfi: Qfi,
    /// QoS monitoring time stamps; `Some` sets QMP (§5.5.3.8).
    pub qos_monitoring: Option<UlTimeStamps>,
    /// DL Delay Result (§5.5.3.13); `Some` sets DL Delay Ind.
    pub dl_delay_result: Option<u32>,
    /// UL Delay Result (§5.5.3.15); `Some` sets UL Delay Ind.
    pub ul_delay_result: Option<u32>,
    /// UL QFI Sequence Number, 24 bits (§5.5.3.19); `Some` sets SNP.
    pub qfi_sequence_number: Option<u32>,
    /// N3/N9 Delay Result (§5.5.3.23); `Some` sets N3/N9 Delay Ind.
    pub n3n9_delay_result: Option<u32>,
    /// D1 UL PDCP Delay Result (§5.5.3.25); `Some` sets the New IE Flag and its bit 1.
    pub d1_ul_pdcp_delay_result: Option<u32>,
}

impl PduSessionContainer {
    /// A minimal downlink container: QFI only, as a UPF sends on N3.
    pub const fn downlink(qfi: Qfi) -> Self {
        PduSessionContainer::Downlink(DlPduSessionInfo {
            qfi,
            rqi: false,
            ppi: None,
            sending_time_stamp: None,
            qfi_sequence_number: None,
        })
    }

    /// A minimal uplink container: QFI only, as a gNB sends on N3.
    pub const fn uplink(qfi: Qfi) -> Self {
        PduSessionContainer::Uplink(UlPduSessionInfo {
            qfi,
            qos_monitoring: None,
            dl_delay_result: None,
            ul_delay_result: None,
            qfi_sequence_number: None,
            n3n9_delay_result: None,
            d1_ul_pdcp_delay_result: None,
        })
    }

    /// The PDU Type: 0 DL, 1 UL.
    pub const fn pdu_type(&self) -> u8 {
        match self {
            PduSessionContainer::Downlink(_) => PDU_TYPE_DL,
            PduSessionContainer::Uplink(_) => PDU_TYPE_UL,
        }
    }

    /// The QFI.
    pub const fn qfi(&self) -> Qfi {
        match self {
            PduSessionContainer::Downlink(dl) => dl.qfi,
            PduSessionContainer::Uplink(ul) => ul.qfi,
        }
    }

    /// Octets of content before padding.
    pub fn content_len(&self) -> usize {
        fn opt<T>(o: &Option<T>, n: usize) -> usize {
            if o.is_some() { n } else { 0 }
        }
        match self {
            PduSessionContainer::Downlink(dl) => {
                2 + opt(&dl.ppi, 1)
                    + opt(&dl.sending_time_stamp, 8)
                    + opt(&dl.qfi_sequence_number, 3)
            }
            PduSessionContainer::Uplink(ul) => {
                2 + opt(&ul.qos_monitoring, 24)
                    + opt(&ul.dl_delay_result, 4)
                    + opt(&ul.ul_delay_result, 4)
                    + opt(&ul.qfi_sequence_number, 3)
                    + opt(&ul.n3n9_delay_result, 4)
                    + opt(&ul.d1_ul_pdcp_delay_result, 5)
            }
        }
    }

    /// Octets of the whole extension header: length octet, content, padding, next-type
    /// octet, rounded up to a multiple of 4 (TS 29.281 §5.2.1).
    pub fn extension_len(&self) -> usize {
        (self.content_len() + 2).div_ceil(4) * 4
    }

    /// Parses the content of a PDU Session Container (padding included), TS 38.415 §5.5.2.
    pub fn parse(content: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(content);
        let first = r.u8("PDU Session Container PDU type")?;
        let second = r.u8("PDU Session Container QFI")?;
        let qfi = Qfi::from_octet(second);
        match first >> 4 {
            PDU_TYPE_DL => {
                let ppi = if second & 0x80 != 0 {
                    Some(r.u8("PPI")? >> 5)
                } else {
                    None
                };
                let sending_time_stamp = if first & 0x08 != 0 {
                    Some(r.u64("DL Sending Time Stamp")?)
                } else {
                    None
                };
                let qfi_sequence_number = if first & 0x04 != 0 {
                    Some(r.u24("DL QFI Sequence Number")?)
                } else {
                    None
                };
                if first & 0x02 != 0 {
                    r.u32("DL MBS QFI Sequence Number")?;
                }
                Ok(PduSessionContainer::Downlink(DlPduSessionInfo {
                    qfi,
                    rqi: second & 0x40 != 0,
                    ppi,
                    sending_time_stamp,
                    qfi_sequence_number,
                }))
            }
            PDU_TYPE_UL => {
                let qos_monitoring = if first & 0x08 != 0 {
                    Some(UlTimeStamps {
                        dl_sending_repeated: r.u64("DL Sending Time Stamp Repeated")?,
                        dl_received: r.u64("DL Received Time Stamp")?,
                        ul_sending: r.u64("UL Sending Time Stamp")?,
                    })
                } else {
                    None
                };
                let mut optional = |flag: bool, size: usize, field| -> Result<_, Error> {
                    if !flag {
                        return Ok(None);
                    }
                    let bytes = r.bytes(size, field)?;
                    Ok(Some(
                        bytes.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b)),
                    ))
                };
                let dl_delay_result = optional(first & 0x04 != 0, 4, "DL Delay Result")?;
                let ul_delay_result = optional(first & 0x02 != 0, 4, "UL Delay Result")?;
                let qfi_sequence_number = optional(first & 0x01 != 0, 3, "UL QFI Sequence Number")?;
                let n3n9_delay_result = optional(second & 0x80 != 0, 4, "N3/N9 Delay Result")?;
                let new_ie_flags = optional(second & 0x40 != 0, 1, "New IE Flags")?.unwrap_or(0);
                let d1_ul_pdcp_delay_result =
                    optional(new_ie_flags & 0x01 != 0, 4, "D1 UL PDCP Delay Result")?;
                Ok(PduSessionContainer::Uplink(UlPduSessionInfo {
                    qfi,
                    qos_monitoring,
                    dl_delay_result,
                    ul_delay_result,
                    qfi_sequence_number,
                    n3n9_delay_result,
                    d1_ul_pdcp_delay_result,
                }))
            }
            other => Err(Error::BadPduType(other)),
        }
    }

    /// Writes the whole extension header (length octet, content, zero padding, and
    /// `next_type`) into the front of `buf`; returns the octets written.
    pub fn emit(&self, buf: &mut [u8], next_type: u8) -> Result<usize, Error> {
        self.write(&mut Writer::new(buf), next_type)
    }

    /// [`Self::emit`] at a writer's position.
    pub(crate) fn write(&self, w: &mut Writer<'_>, next_type: u8) -> Result<usize, Error> {
        let total = self.extension_len();
        let start = w.position();
        // At most 48 octets of extension: the unit count fits an octet.
        w.u8((total / 4) as u8)?;
        match self {
            PduSessionContainer::Downlink(dl) => {
                let first = PDU_TYPE_DL << 4
                    | flag(dl.sending_time_stamp.is_some(), 0x08)
                    | flag(dl.qfi_sequence_number.is_some(), 0x04);
                w.u8(first)?;
                w.u8(flag(dl.ppi.is_some(), 0x80) | flag(dl.rqi, 0x40) | dl.qfi.value())?;
                if let Some(ppi) = dl.ppi {
                    if ppi > 7 {
                        return Err(Error::PpiOutOfRange(ppi));
                    }
                    w.u8(ppi << 5)?;
                }
                if let Some(ts) = dl.sending_time_stamp {
                    w.u64(ts)?;
                }
                if let Some(sn) = dl.qfi_sequence_number {
                    w.u24(check_sn(sn)?)?;
                }
            }
            PduSessionContainer::Uplink(ul) => {
                let first = PDU_TYPE_UL << 4
                    | flag(ul.qos_monitoring.is_some(), 0x08)
                    | flag(ul.dl_delay_result.is_some(), 0x04)
                    | flag(ul.ul_delay_result.is_some(), 0x02)
                    | flag(ul.qfi_sequence_number.is_some(), 0x01);
                w.u8(first)?;
                w.u8(flag(ul.n3n9_delay_result.is_some(), 0x80)
                    | flag(ul.d1_ul_pdcp_delay_result.is_some(), 0x40)
                    | ul.qfi.value())?;
                if let Some(ts) = ul.qos_monitoring {
                    w.u64(ts.dl_sending_repeated)?;
                    w.u64(ts.dl_received)?;
                    w.u64(ts.ul_sending)?;
                }
                if let Some(v) = ul.dl_delay_result {
                    w.u32(v)?;
                }
                if let Some(v) = ul.ul_delay_result {
                    w.u32(v)?;
                }
                if let Some(sn) = ul.qfi_sequence_number {
                    w.u24(check_sn(sn)?)?;
                }
                if let Some(v) = ul.n3n9_delay_result {
                    w.u32(v)?;
                }
                if let Some(v) = ul.d1_ul_pdcp_delay_result {
                    w.u8(0x01)?;
                    w.u32(v)?;
                }
            }
        }
        w.zeros(start + total - 1 - w.position())?;
        w.u8(next_type)?;
        Ok(total)
    }
}

const fn flag(set: bool, bit: u8) -> u8 {
    if set { bit } else { 0 }
}

fn check_sn(sn: u32) -> Result<u32, Error> {
    if sn > SN_MAX {
        Err(Error::SequenceOutOfRange(sn))
    } else {
        Ok(sn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_length_rounds_up_to_four_octets() {
        let q = Qfi::new(9).expect("qfi");
        assert_eq!(PduSessionContainer::downlink(q).extension_len(), 4);
        let dl = PduSessionContainer::Downlink(DlPduSessionInfo {
            ppi: Some(1),
            ..DlPduSessionInfo::default()
        });
        // 3 octets of content + length + next type = 5, padded to 8.
        assert_eq!(dl.extension_len(), 8);
        let mut buf = [0xff; 8];
        assert_eq!(dl.emit(&mut buf, 0x40), Ok(8));
        assert_eq!(buf, [2, 0x00, 0x80, 0x20, 0, 0, 0, 0x40]);
        assert_eq!(PduSessionContainer::parse(&buf[1..7]), Ok(dl));
    }

    #[test]
    fn out_of_range_values_are_refused_on_emit() {
        let dl = PduSessionContainer::Downlink(DlPduSessionInfo {
            ppi: Some(8),
            ..DlPduSessionInfo::default()
        });
        assert_eq!(dl.emit(&mut [0; 8], 0), Err(Error::PpiOutOfRange(8)));
        let ul = PduSessionContainer::Uplink(UlPduSessionInfo {
            qfi_sequence_number: Some(1 << 24),
            ..UlPduSessionInfo::default()
        });
        assert_eq!(
            ul.emit(&mut [0; 8], 0),
            Err(Error::SequenceOutOfRange(1 << 24))
        );
        assert!(matches!(
            PduSessionContainer::downlink(Qfi::default()).emit(&mut [0; 3], 0),
            Err(Error::BufferTooSmall { .. })
        ));
    }
}
