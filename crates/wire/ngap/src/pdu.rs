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

/// The PDU of a message of type `M` whose octets are `octets`: its direction, procedure
/// code and criticality are those of `M` (as `NgapPdu::of_message` gives them).
pub(crate) fn of_octets<'m, M: oxirush_ngap::Message<'m, Protocol = oxirush_ngap::Ngap>>(
    octets: Vec<u8>,
) -> NgapPdu {
    use crate::asn;
    let procedure_code = asn::ProcedureCode(M::PROCEDURE_CODE);
    let criticality = M::CRITICALITY;
    let value = oxirush_ngap::Octets::owned(octets);
    match M::DIRECTION {
        "InitiatingMessage" => {
            asn::InitiatingMessage::new(procedure_code, criticality, value).into()
        }
        "SuccessfulOutcome" => {
            asn::SuccessfulOutcome::new(procedure_code, criticality, value).into()
        }
        // The third direction of the three.
        _ => asn::UnsuccessfulOutcome::new(procedure_code, criticality, value).into(),
    }
}

/// Encodes an NGAP-PDU in aligned PER.
///
/// # Errors
/// [`Error::Encode`] for a value outside its ASN.1 constraint.
pub fn encode(pdu: &NgapPdu) -> Result<Vec<u8>, Error> {
    // Sized for the PDU (header, length, message octets), so the writer does not grow.
    let value = match pdu {
        NgapPdu::initiatingMessage(m) => m.value.len(),
        NgapPdu::successfulOutcome(m) => m.value.len(),
        NgapPdu::unsuccessfulOutcome(m) => m.value.len(),
        _ => 248,
    };
    let mut out = Vec::with_capacity(8 + value);
    oxirush_ngap::aper::encode_into(pdu, &mut out)
        .map(|()| out)
        .map_err(|e| Error::Encode {
            message: pdu.procedure_name(),
            detail: e.to_string(),
        })
}
