//! One plain struct per NGAP message, grouped by procedure family (TS 38.413 §8, §9.2).
//!
//! Every struct implements [`NgapMessage`]: `to_pdu` / `from_pdu` between the struct and
//! an [`NgapPdu`], `encode` / `decode` between the struct and octets. Reading decodes
//! every IE the struct has, and the transfers nested in them.

use crate::{Error, NgapPdu, NgapPduRef};

pub mod context;
pub mod interface;
pub(crate) mod lists;
pub mod mobility;
pub mod nas_transport;
pub mod paging;
pub mod session;

pub use context::*;
pub use interface::*;
pub use mobility::*;
pub use nas_transport::*;
pub use paging::*;
pub use session::*;

/// A typed NGAP message.
pub trait NgapMessage: Sized {
    /// The ASN.1 name of the message, e.g. `"InitialUEMessage"`.
    const NAME: &'static str;

    /// Builds the NGAP-PDU.
    ///
    /// # Errors
    /// [`Error::Encode`] for a value outside its range (e.g. an AMF Set ID over 10 bits).
    fn to_pdu(&self) -> Result<NgapPdu, Error>;

    /// Reads the message, every IE of the struct and the transfers inside them.
    ///
    /// # Errors
    /// [`Error::WrongMessage`], [`Error::MissingIe`], [`Error::UndecodableIe`],
    /// [`Error::Semantic`].
    fn from_pdu(pdu: &NgapPduRef<'_>) -> Result<Self, Error>;

    /// Builds and encodes the NGAP-PDU.
    ///
    /// # Errors
    /// As [`NgapMessage::to_pdu`].
    fn encode(&self) -> Result<Vec<u8>, Error> {
        crate::encode(&self.to_pdu()?)
    }

    /// Decodes octets as this message.
    ///
    /// # Errors
    /// [`Error::TransferSyntax`], then as [`NgapMessage::from_pdu`].
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_pdu(&crate::decode_borrowed(bytes)?)
    }
}

/// Implements [`NgapMessage`] for `$ty` through the generated message `$asn`: `$ty` has
/// `fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw>` and
/// `fn read(m: &NgapPduRef<'_>) -> Result<Self, Raw>` (reading the IEs of `$asn` from the PDU).
/// With `fast = f`, `decode` first tries `f(&[u8]) -> Option<$ty>`, a hand-written reader
/// of the whole PDU's common shape (`crate::fast`), and decodes generically when it declines.
macro_rules! ngap_message {
    ($ty:ident, $asn:ident, fast = $fast:path) => {
        $crate::msg::ngap_message!(@impl $ty, $asn,
            fn decode(bytes: &[u8]) -> Result<Self, $crate::Error> {
                match $fast(bytes) {
                    Some(m) => Ok(m),
                    None => Self::from_pdu(&$crate::decode_borrowed(bytes)?),
                }
            }
        );
    };
    ($ty:ident, $asn:ident) => {
        $crate::msg::ngap_message!(@impl $ty, $asn,);
    };
    (@impl $ty:ident, $asn:ident, $($decode:item)?) => {
        impl $crate::msg::NgapMessage for $ty {
            const NAME: &'static str = stringify!($asn);

            fn to_pdu(&self) -> Result<$crate::NgapPdu, $crate::Error> {
                let ies = self.ies().map_err(|e| e.building(Self::NAME))?;
                // The message's octets in one buffer of their size (what
                // `NgapPdu::of_message` does with a growing one): the container's count,
                // then per IE its id, criticality, length and value.
                let size = 4 + ies.iter().map(|f| 6 + f.value.len()).sum::<usize>();
                let m = $crate::asn::$asn::new($crate::asn::ProtocolIEContainer(ies));
                let mut octets = Vec::with_capacity(size);
                oxirush_ngap::aper::encode_into(&m, &mut octets)
                    .map_err(|e| $crate::Error::building(Self::NAME, e))?;
                Ok($crate::pdu::of_octets::<$crate::asn::$asn<'_>>(octets))
            }

            fn from_pdu(pdu: &$crate::NgapPduRef<'_>) -> Result<Self, $crate::Error> {
                // The IEs are read where they are in the PDU's octets (one pass over the
                // container, decoding only the IEs the struct has), not through
                // `decode_value`, which would first decode the whole container into a
                // vector of fields.
                Self::read(pdu).map_err(|e| match e {
                    $crate::ies::Raw::Lib(e)
                        if e.kind() == oxirush_ngap::ErrorKind::WrongMessage =>
                    {
                        $crate::Error::WrongMessage {
                            expected: Self::NAME,
                            found: pdu.procedure_name(),
                            direction: pdu.direction(),
                        }
                    }
                    e => e.reading(Self::NAME),
                })
            }

            $($decode)?
        }
    };
}
pub(crate) use ngap_message;

/// One PDU session id with the octets of a transfer this crate keeps opaque.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SessionOctets {
    pub pdu_session_id: u8,
    pub transfer: Vec<u8>,
}
