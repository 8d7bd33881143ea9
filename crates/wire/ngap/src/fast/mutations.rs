//! Test-only: the ways the fast-path proptests damage valid octets (flipped bits, changed
//! octets, truncation, trailing octets), shared by every fast path's "a decline or the
//! same value" test.

use proptest::prelude::*;

/// One draw of damage to apply to a valid encoding.
#[derive(Debug, Clone)]
pub(super) struct Mutations {
    flips: Vec<(prop::sample::Index, u8)>,
    sets: Vec<(prop::sample::Index, u8)>,
    cut: Option<prop::sample::Index>,
    tail: Vec<u8>,
}

/// 1-3 bit flips, then 0-2 overwritten octets, an optional truncation and 0-2 trailing octets.
pub(super) fn mutations() -> impl Strategy<Value = Mutations> {
    (
        proptest::collection::vec((any::<prop::sample::Index>(), 0u8..8), 1..4),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
        proptest::option::of(any::<prop::sample::Index>()),
        proptest::collection::vec(any::<u8>(), 0..3),
    )
        .prop_map(|(flips, sets, cut, tail)| Mutations {
            flips,
            sets,
            cut,
            tail,
        })
}

impl Mutations {
    /// The damaged versions of `octets`, each step building on the one before: after the
    /// bit flips, after the overwrites, truncated (if drawn), and with the trailing octets.
    pub(super) fn variants(&self, mut octets: Vec<u8>) -> Vec<Vec<u8>> {
        let mut out = Vec::with_capacity(4);
        for (i, bit) in &self.flips {
            let i = i.index(octets.len());
            octets[i] ^= 1 << bit;
        }
        out.push(octets.clone());
        for (i, v) in &self.sets {
            let i = i.index(octets.len());
            octets[i] = *v;
        }
        out.push(octets.clone());
        if let Some(c) = &self.cut {
            out.push(octets[..c.index(octets.len())].to_vec());
        }
        octets.extend_from_slice(&self.tail);
        out.push(octets);
        out
    }
}
