//! One-paragraph human rendering of a packet, for `ferrocore decode gtpu <hex>`.

use crate::error::Error;
use crate::message::{self, ext};
use crate::packet::Packet;
use crate::psc::PduSessionContainer;
use crate::repr::{Message, Repr};
use core::fmt::Write;

/// Describes one GTP-U packet in a paragraph: message, TEID, optional fields, every
/// extension header (the PDU Session Container's fields spelt out), the IEs of
/// signalling messages and the size of the payload. Errors name the field at fault.
pub fn describe(bytes: &[u8]) -> Result<String, Error> {
    let packet = Packet::new_checked(bytes)?;
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = render(&packet, &mut out);
    if message::name(packet.message_type()).is_some() {
        let repr = Repr::parse(&packet)?;
        let _ = render_body(&repr, packet.payload(), &mut out);
    } else {
        let _ = write!(out, "; body of {} octets", packet.payload().len());
    }
    out.push('.');
    Ok(out)
}

fn render(packet: &Packet<&[u8]>, out: &mut String) -> core::fmt::Result {
    let t = packet.message_type();
    match message::name(t) {
        Some(name) => write!(out, "GTP-U {name} ({t})")?,
        None => write!(out, "GTP-U message type {t} (not modelled)")?,
    }
    write!(
        out,
        ", TEID 0x{:08x}, length {}",
        packet.teid(),
        packet.length()
    )?;
    if let Some(seq) = packet.sequence_number() {
        write!(out, ", sequence number {seq}")?;
    }
    if let Some(n) = packet.npdu_number() {
        write!(out, ", N-PDU number {n}")?;
    }
    for (i, e) in packet.extensions().enumerate() {
        out.push_str(if i == 0 {
            "; extension headers: "
        } else {
            ", "
        });
        match ext::name(e.ext_type) {
            Some(name) => write!(out, "{name} (0x{:02x})", e.ext_type)?,
            None => write!(out, "unknown type 0x{:02x}", e.ext_type)?,
        }
        if e.ext_type == ext::PDU_SESSION_CONTAINER {
            match PduSessionContainer::parse(e.content) {
                Ok(psc) => render_psc(&psc, out)?,
                Err(err) => write!(out, " [{err}]")?,
            }
        } else {
            write!(out, " of {} octets", e.content.len())?;
        }
    }
    Ok(())
}

fn render_psc(psc: &PduSessionContainer, out: &mut String) -> core::fmt::Result {
    match psc {
        PduSessionContainer::Downlink(dl) => {
            write!(out, " [DL, QFI {}", dl.qfi)?;
            if dl.rqi {
                out.push_str(", RQI");
            }
            if let Some(ppi) = dl.ppi {
                write!(out, ", PPI {ppi}")?;
            }
            if let Some(ts) = dl.sending_time_stamp {
                write!(out, ", DL sending time stamp 0x{ts:016x}")?;
            }
            if let Some(sn) = dl.qfi_sequence_number {
                write!(out, ", DL QFI SN {sn}")?;
            }
        }
        PduSessionContainer::Uplink(ul) => {
            write!(out, " [UL, QFI {}", ul.qfi)?;
            if let Some(ts) = ul.qos_monitoring {
                write!(
                    out,
                    ", QMP time stamps 0x{:016x}/0x{:016x}/0x{:016x}",
                    ts.dl_sending_repeated, ts.dl_received, ts.ul_sending
                )?;
            }
            for (name, v) in [
                ("DL delay", ul.dl_delay_result),
                ("UL delay", ul.ul_delay_result),
                ("UL QFI SN", ul.qfi_sequence_number),
                ("N3/N9 delay", ul.n3n9_delay_result),
                ("D1 UL PDCP delay", ul.d1_ul_pdcp_delay_result),
            ] {
                if let Some(v) = v {
                    write!(out, ", {name} {v}")?;
                }
            }
        }
    }
    out.push(']');
    Ok(())
}

fn render_body(repr: &Repr, payload: &[u8], out: &mut String) -> core::fmt::Result {
    match &repr.message {
        Message::GPdu => {
            let kind = match payload.first().map(|b| b >> 4) {
                Some(4) => " (IPv4)",
                Some(6) => " (IPv6)",
                _ => "",
            };
            write!(out, "; T-PDU of {} octets{kind}", payload.len())
        }
        Message::EchoRequest | Message::EndMarker => Ok(()),
        Message::EchoResponse { recovery } => write!(out, "; Recovery {recovery}"),
        Message::ErrorIndication {
            teid_data_i,
            peer_address,
        } => write!(
            out,
            "; TEID Data I 0x{teid_data_i:08x}, GTP-U Peer Address {peer_address}"
        ),
        Message::SupportedExtensionHeadersNotification(list) => {
            out.push_str("; supported extension headers:");
            for t in list.as_slice() {
                write!(out, " 0x{t:02x}")?;
            }
            Ok(())
        }
    }
}
