//! The NGAP-PDU envelope: decode and encode (TS 38.413 §9.4.2, §9.4.3).

use crate::Error;

/// One NGAP-PDU (TS 38.413 §9.4.2): its direction, procedure code, criticality and the
/// octets of its message. IEs are decoded when a typed message reads them.
pub type NgapPdu = oxirush_ngap::ngap::NGAP_PDU;

/// An NGAP-PDU that borrows its message octets from the buffer it was decoded from
/// ([`decode_borrowed`]); [`NgapPdu`] is the one that owns them.
pub type NgapPduRef<'a> = oxirush_ngap::ngap::NGAPPDU<'a>;

/// Decodes the NGAP-PDU envelope without copying: the PDU borrows from `bytes`.
///
/// # Errors
/// [`Error::TransferSyntax`] when the octets are not an NGAP-PDU in aligned PER.
pub fn decode_borrowed(bytes: &[u8]) -> Result<NgapPduRef<'_>, Error> {
    NgapPduRef::decode_borrowed(bytes).map_err(|e| Error::TransferSyntax {
        detail: e.to_string(),
    })
}

/// Decodes the NGAP-PDU envelope. The IEs are read by [`crate::decode_message`] or a
/// message's `from_pdu`.
///
/// # Errors
/// [`Error::TransferSyntax`] when the octets are not an NGAP-PDU in aligned PER.
pub fn decode(bytes: &[u8]) -> Result<NgapPdu, Error> {
    NgapPdu::decode(bytes).map_err(|e| Error::TransferSyntax {
        detail: e.to_string(),
    })
}

/// Encodes an NGAP-PDU in aligned PER.
///
/// # Errors
/// [`Error::Encode`] for a value outside its ASN.1 constraint.
pub fn encode(pdu: &NgapPdu) -> Result<Vec<u8>, Error> {
    // Sized for a typical PDU, so the writer seldom grows.
    let mut out = Vec::with_capacity(256);
    oxirush_ngap::aper::encode_into(pdu, &mut out)
        .map(|()| out)
        .map_err(|e| Error::Encode {
            message: pdu.procedure_name(),
            detail: e.to_string(),
        })
}
