//! Lists of (PDU session id, transfer) items shared by several messages (e.g. the PDU
//! Session Resource Setup Response lists of §9.2.1.2 and §9.2.2.2, and the Modify
//! Response list of §9.2.1.6): the generated item types differ per message, the mapping
//! to and from the typed entries does not.

use crate::asn;
use crate::ies::Raw;

/// A typed list entry: a PDU session id and its transfer.
pub(crate) trait SessionEntry: Sized {
    /// The session id and the transfer's octets.
    fn to_parts(&self) -> Result<(asn::PDUSessionID, Vec<u8>), Raw>;
    /// The entry from a session id and the transfer's octets.
    fn from_parts(pdu_session_id: u8, transfer: &[u8]) -> Result<Self, Raw>;
}

/// The generated items of `entries`; `item` builds one from a session id and the
/// transfer's octets.
pub(crate) fn build_items<E: SessionEntry, I>(
    entries: &[E],
    item: impl Fn(asn::PDUSessionID, Vec<u8>) -> I,
) -> Result<Vec<I>, Raw> {
    entries
        .iter()
        .map(|e| {
            let (id, octets) = e.to_parts()?;
            Ok(item(id, octets))
        })
        .collect()
}

/// The typed entries of an optional list (absent: none); `parts` gives an item's session
/// id and transfer octets.
pub(crate) fn read_items<'a, E: SessionEntry, I: 'a>(
    items: Option<&'a [I]>,
    parts: impl Fn(&'a I) -> (u8, &'a [u8]),
) -> Result<Vec<E>, Raw> {
    items
        .unwrap_or_default()
        .iter()
        .map(|i| {
            let (id, octets) = parts(i);
            E::from_parts(id, octets)
        })
        .collect()
}

/// Implements [`SessionEntry`] for a struct `{ pdu_session_id: u8, transfer: $transfer }`.
macro_rules! session_entry {
    ($ty:ident, $transfer:ident) => {
        impl $crate::msg::lists::SessionEntry for $ty {
            fn to_parts(&self) -> Result<($crate::asn::PDUSessionID, Vec<u8>), $crate::ies::Raw> {
                Ok((
                    $crate::asn::PDUSessionID(self.pdu_session_id),
                    self.transfer.to_octets()?,
                ))
            }
            fn from_parts(pdu_session_id: u8, transfer: &[u8]) -> Result<Self, $crate::ies::Raw> {
                Ok($ty {
                    pdu_session_id,
                    transfer: $transfer::from_octets(transfer)?,
                })
            }
        }
    };
}
pub(crate) use session_entry;
