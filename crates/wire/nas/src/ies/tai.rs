//! 5GS tracking area identity list (TS 24.501 §9.11.3.9).

use crate::error::Error;
use crate::types::{NasFGsTrackingAreaIdentityList, Plmn};

/// A tracking area identity (TS 24.501 §9.11.3.8): PLMN and 24-bit TAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrackingArea {
    /// MCC and MNC.
    pub plmn: Plmn,
    /// Tracking area code, 0 to `FFFFFF`.
    pub tac: u32,
}

/// A 5GS tracking area identity list: 1 to 16 tracking areas (TS 24.501 §9.11.3.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaiList {
    tais: Vec<TrackingArea>,
}

impl TaiList {
    /// The most tracking areas the IE holds.
    pub const MAX: usize = 16;

    /// The largest TAC.
    pub const MAX_TAC: u32 = 0x00ff_ffff;

    /// The tracking areas of `tacs` in `plmn`: the first [`TaiList::MAX`] of them, the
    /// rest left out.
    pub fn new(plmn: Plmn, tacs: &[u32]) -> Self {
        Self::from_tais(tacs.iter().map(|&tac| TrackingArea { plmn, tac }))
    }

    /// A list of the first [`TaiList::MAX`] of `tais`.
    pub fn from_tais(tais: impl IntoIterator<Item = TrackingArea>) -> Self {
        TaiList {
            tais: tais.into_iter().take(Self::MAX).collect(),
        }
    }

    /// The tracking areas, in order.
    pub fn tais(&self) -> &[TrackingArea] {
        &self.tais
    }

    /// Whether `tai` is in the list.
    pub fn contains(&self, tai: &TrackingArea) -> bool {
        self.tais.contains(tai)
    }

    /// The IE: one partial list, of type 00 (one PLMN, TACs not consecutive) when all
    /// tracking areas share a PLMN, else of type 10 (a PLMN per TAC). Refused when
    /// empty or a TAC is above `FFFFFF`.
    pub fn to_ie(&self) -> Result<NasFGsTrackingAreaIdentityList, Error> {
        let Some(first) = self.tais.first() else {
            return Err(Error::Encode("TAI list: no tracking area".into()));
        };
        if let Some(t) = self.tais.iter().find(|t| t.tac > Self::MAX_TAC) {
            return Err(Error::Encode(format!(
                "TAI list: TAC {:#x} is above FFFFFF",
                t.tac
            )));
        }
        let tac = |t: &TrackingArea| {
            let b = t.tac.to_be_bytes();
            [b[1], b[2], b[3]]
        };
        // Number of elements minus one in bits 5 to 1, the list type in bits 7 and 6.
        let count = (self.tais.len() - 1) as u8;
        let mut v = Vec::with_capacity(4 + 6 * self.tais.len());
        if self.tais.iter().all(|t| t.plmn == first.plmn) {
            v.push(count);
            v.extend_from_slice(&first.plmn.to_nas_octets());
            for t in &self.tais {
                v.extend_from_slice(&tac(t));
            }
        } else {
            v.push(0b10 << 5 | count);
            for t in &self.tais {
                v.extend_from_slice(&t.plmn.to_nas_octets());
                v.extend_from_slice(&tac(t));
            }
        }
        Ok(NasFGsTrackingAreaIdentityList::new(v))
    }

    /// Reads the IE, every type of partial list; what follows the sixteenth tracking
    /// area is ignored. Malformed when no tracking area reads in full.
    pub fn parse(ie: &NasFGsTrackingAreaIdentityList) -> Result<Self, Error> {
        if !ie.receiver_syntax_is_valid() {
            return Err(Error::Malformed(
                "TAI list: no tracking area reads in full".into(),
            ));
        }
        Ok(Self::from_tais(ie.tais().iter().map(|t| TrackingArea {
            plmn: t.plmn(),
            tac: t.tac(),
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrocore_testkit::hex;
    use proptest::prelude::*;

    fn plmn(mcc: &str, mnc: &str) -> Plmn {
        Plmn::new(mcc, mnc).unwrap()
    }

    #[test]
    fn one_plmn_tacs_not_consecutive() {
        // TS 24.501 Figure 9.11.3.9.2, type 00: 2 elements (count 1), PLMN 208/93
        // (02 f8 39), TACs 000001 and 000007.
        let l = TaiList::new(plmn("208", "93"), &[1, 7]);
        let ie = l.to_ie().unwrap();
        assert_eq!(ie.value, hex("0102f839000001000007"));
        assert_eq!(TaiList::parse(&ie).unwrap(), l);
    }

    #[test]
    fn different_plmns() {
        // Type 10 (Figure 9.11.3.9.4): 0x41 = type 10, 2 elements.
        let l = TaiList::from_tais([
            TrackingArea {
                plmn: plmn("001", "01"),
                tac: 1,
            },
            TrackingArea {
                plmn: plmn("208", "93"),
                tac: 0xabcdef,
            },
        ]);
        let ie = l.to_ie().unwrap();
        assert_eq!(ie.value, hex("4100f11000000102f839abcdef"));
        assert_eq!(TaiList::parse(&ie).unwrap(), l);
    }

    #[test]
    fn consecutive_tacs_are_read() {
        // Type 01 (Figure 9.11.3.9.3): 3 consecutive TACs from 000010.
        let ie = NasFGsTrackingAreaIdentityList::new(hex("2200f110000010"));
        let l = TaiList::parse(&ie).unwrap();
        let tacs: Vec<u32> = l.tais().iter().map(|t| t.tac).collect();
        assert_eq!(tacs, [0x10, 0x11, 0x12]);
    }

    #[test]
    fn at_most_sixteen_and_refusals() {
        let tacs: Vec<u32> = (1..=20).collect();
        let l = TaiList::new(plmn("001", "01"), &tacs);
        assert_eq!(l.tais().len(), 16);
        assert_eq!(l.to_ie().unwrap().value[0], 0x0f);
        assert!(TaiList::new(plmn("001", "01"), &[]).to_ie().is_err());
        assert!(
            TaiList::new(plmn("001", "01"), &[0x0100_0000])
                .to_ie()
                .is_err()
        );
        assert!(TaiList::parse(&NasFGsTrackingAreaIdentityList::new(vec![0x00, 0x00])).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(
            entries in proptest::collection::vec((0usize..3, 0u32..=0xff_ffff), 1..=16)
        ) {
            let plmns = [plmn("001", "01"), plmn("208", "93"), plmn("310", "410")];
            let l = TaiList::from_tais(
                entries.iter().map(|(p, tac)| TrackingArea { plmn: plmns[*p], tac: *tac }),
            );
            let ie = l.to_ie().unwrap();
            prop_assert!(ie.is_well_formed());
            prop_assert_eq!(TaiList::parse(&ie).unwrap(), l);
        }
    }
}
