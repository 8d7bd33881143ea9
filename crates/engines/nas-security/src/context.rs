//! The 5G NAS security context (TS 24.501 §4.4.2, TS 33.501 §6.4): ngKSI, KAMF, the selected
//! algorithms, the NAS keys derived from them and the two NAS COUNTs. Plain data: it can be
//! cloned, stored and restored (serde); it owns no socket, timer or clock.

use crate::SecurityError;
use crate::count::{Direction, NasCount};
use ferrocore_crypto::kdf;
use ferrocore_crypto::secret::{Kamf, Key128};
use ferrocore_crypto::{NasCipheringAlgorithm, NasIntegrityAlgorithm};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The BEARER input of NIA / NEA for NAS over 3GPP access: the NAS connection identifier,
/// 0x01 for 3GPP access (TS 33.501 §6.4.2, §6.4.3.1, §6.4.4.1).
pub const BEARER_3GPP: u8 = 0x01;

/// Which end of N1 a context belongs to; fixes the DIRECTION of what it sends and receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The AMF: sends downlink, receives uplink.
    Network,
    /// The UE: sends uplink, receives downlink.
    Ue,
}

impl Side {
    /// Direction of the messages this side sends.
    pub fn sending(self) -> Direction {
        match self {
            Side::Network => Direction::Downlink,
            Side::Ue => Direction::Uplink,
        }
    }

    /// Direction of the messages this side receives.
    pub fn receiving(self) -> Direction {
        match self {
            Side::Network => Direction::Uplink,
            Side::Ue => Direction::Downlink,
        }
    }
}

/// A 5G NAS security context for 3GPP access (TS 24.501 §4.4.2.1).
///
/// The uplink and downlink NAS COUNTs are both kept as "the NAS COUNT of the next
/// message" in that direction: for the direction this side sends, the COUNT its next
/// message will use; for the direction it receives, the lowest COUNT it will still
/// accept (one above the last accepted, TS 33.501 §6.4.3.2). After a lossless exchange
/// both sides therefore hold equal values.
///
/// Secrets (KAMF, KNASint, KNASenc) zeroize on drop and never appear in `Debug`.
#[derive(Clone)]
pub struct SecurityContext {
    side: Side,
    ng_ksi: u8,
    kamf: Kamf,
    nia: NasIntegrityAlgorithm,
    nea: NasCipheringAlgorithm,
    knas_int: Key128,
    knas_enc: Key128,
    uplink: NasCount,
    downlink: NasCount,
}

impl SecurityContext {
    /// A new context from KAMF with both NAS COUNTs at zero, as for a KAMF fresh from
    /// primary authentication, before its first SECURITY MODE COMMAND.
    /// KNASint and KNASenc are derived per TS 33.501 Annex A.8.
    ///
    /// `ng_ksi` is the 4-bit ngKSI of TS 24.501 §9.11.3.32 (TSC in bit 4, KSI in bits
    /// 3-1); KSI 7 ("no key is available") is refused.
    pub fn new(
        side: Side,
        ng_ksi: u8,
        kamf: Kamf,
        nia: NasIntegrityAlgorithm,
        nea: NasCipheringAlgorithm,
    ) -> Result<Self, SecurityError> {
        if ng_ksi > 0x0f || ng_ksi & 0x07 == 0x07 {
            return Err(SecurityError::InvalidNgKsi(ng_ksi));
        }
        let knas_int = kdf::knas_int(&kamf, nia as u8);
        let knas_enc = kdf::knas_enc(&kamf, nea as u8);
        Ok(Self {
            side,
            ng_ksi,
            kamf,
            nia,
            nea,
            knas_int,
            knas_enc,
            uplink: NasCount::ZERO,
            downlink: NasCount::ZERO,
        })
    }

    /// Selects other NAS algorithms for the same KAMF and re-derives KNASint / KNASenc
    /// (a SECURITY MODE COMMAND changing algorithms, TS 24.501 §5.4.2.1; TS 33.501 §6.7.2).
    /// The NAS COUNTs are kept.
    pub fn select_algorithms(&mut self, nia: NasIntegrityAlgorithm, nea: NasCipheringAlgorithm) {
        self.nia = nia;
        self.nea = nea;
        self.knas_int = kdf::knas_int(&self.kamf, nia as u8);
        self.knas_enc = kdf::knas_enc(&self.kamf, nea as u8);
    }

    /// Which end this context belongs to.
    pub fn side(&self) -> Side {
        self.side
    }

    /// The ngKSI identifying this context (TS 24.501 §9.11.3.32).
    pub fn ng_ksi(&self) -> u8 {
        self.ng_ksi
    }

    /// KAMF, for further derivations (TS 33.501 Annex A).
    pub fn kamf(&self) -> &Kamf {
        &self.kamf
    }

    /// The selected NAS integrity algorithm.
    pub fn nia(&self) -> NasIntegrityAlgorithm {
        self.nia
    }

    /// The selected NAS ciphering algorithm.
    pub fn nea(&self) -> NasCipheringAlgorithm {
        self.nea
    }

    /// KNASint (TS 33.501 Annex A.8).
    pub fn knas_int(&self) -> &Key128 {
        &self.knas_int
    }

    /// KNASenc (TS 33.501 Annex A.8).
    pub fn knas_enc(&self) -> &Key128 {
        &self.knas_enc
    }

    /// The uplink NAS COUNT of the next uplink message (see the type's documentation).
    pub fn uplink_count(&self) -> NasCount {
        self.uplink
    }

    /// The downlink NAS COUNT of the next downlink message.
    pub fn downlink_count(&self) -> NasCount {
        self.downlink
    }

    /// Sets the uplink NAS COUNT, e.g. when a stored context is taken into use again.
    pub fn set_uplink_count(&mut self, count: NasCount) {
        self.uplink = count;
    }

    /// Sets the downlink NAS COUNT; the AMF resets it to zero before the SECURITY MODE
    /// COMMAND that takes a new context into use (TS 24.501 §5.4.2.2).
    pub fn set_downlink_count(&mut self, count: NasCount) {
        self.downlink = count;
    }

    /// The NAS COUNT kept for `direction`.
    pub fn count(&self, direction: Direction) -> NasCount {
        match direction {
            Direction::Uplink => self.uplink,
            Direction::Downlink => self.downlink,
        }
    }

    pub(crate) fn count_mut(&mut self, direction: Direction) -> &mut NasCount {
        match direction {
            Direction::Uplink => &mut self.uplink,
            Direction::Downlink => &mut self.downlink,
        }
    }
}

impl core::fmt::Debug for SecurityContext {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SecurityContext")
            .field("side", &self.side)
            .field("ng_ksi", &self.ng_ksi)
            .field("nia", &self.nia)
            .field("nea", &self.nea)
            .field("uplink_count", &self.uplink.value())
            .field("downlink_count", &self.downlink.value())
            .finish_non_exhaustive()
    }
}

/// The stored form: KAMF in hex; KNASint / KNASenc are derived again on load.
#[derive(Deserialize)]
struct Stored {
    side: Side,
    ng_ksi: u8,
    kamf: Zeroizing<String>,
    nia: u8,
    nea: u8,
    uplink_count: NasCount,
    downlink_count: NasCount,
}

impl Serialize for SecurityContext {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let kamf = Zeroizing::new(hex::encode(self.kamf.as_bytes()));
        let mut st = s.serialize_struct("SecurityContext", 7)?;
        st.serialize_field("side", &self.side)?;
        st.serialize_field("ng_ksi", &self.ng_ksi)?;
        st.serialize_field("kamf", kamf.as_str())?;
        st.serialize_field("nia", &(self.nia as u8))?;
        st.serialize_field("nea", &(self.nea as u8))?;
        st.serialize_field("uplink_count", &self.uplink)?;
        st.serialize_field("downlink_count", &self.downlink)?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for SecurityContext {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(d)?;
        Self::try_from(stored).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<Stored> for SecurityContext {
    type Error = SecurityError;
    fn try_from(s: Stored) -> Result<Self, SecurityError> {
        let mut octets = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(s.kamf.as_bytes(), &mut octets[..])
            .map_err(|_| SecurityError::InvalidKamf)?;
        let nia = NasIntegrityAlgorithm::try_from(s.nia)
            .map_err(|_| SecurityError::UnknownAlgorithm(s.nia))?;
        let nea = NasCipheringAlgorithm::try_from(s.nea)
            .map_err(|_| SecurityError::UnknownAlgorithm(s.nea))?;
        let mut ctx = Self::new(s.side, s.ng_ksi, Kamf::new(*octets), nia, nea)?;
        ctx.uplink = s.uplink_count;
        ctx.downlink = s.downlink_count;
        Ok(ctx)
    }
}
