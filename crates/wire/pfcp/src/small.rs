//! [`Small`]: a short list kept inline, spilling to the heap only past `N` items.
//! Rule IDs in a PDR, QFIs, network instance names: almost always a handful, and
//! decoding them should not cost an allocation each.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// A list of up to `N` `Copy` items stored inline, more on the heap. Compares,
/// hashes and prints as the slice it holds; build it with `From<&[T]>`, `From<Vec<T>>`,
/// `collect()` or [`Small::push`].
#[derive(Clone)]
pub struct Small<T: Copy + Default, const N: usize>(Repr<T, N>);

#[derive(Clone)]
enum Repr<T: Copy + Default, const N: usize> {
    Inline { len: u8, items: [T; N] },
    Heap(Vec<T>),
}

impl<T: Copy + Default, const N: usize> Small<T, N> {
    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            Repr::Inline { len, items } => &items[..usize::from(*len)],
            Repr::Heap(v) => v,
        }
    }

    /// Appends `item`; when it spills to the heap, `more()` says how many further items
    /// to expect so that the one allocation is exact.
    #[inline]
    pub(crate) fn push_expecting(&mut self, item: T, more: impl FnOnce() -> usize) {
        match &mut self.0 {
            Repr::Inline { len, items } if usize::from(*len) < N => {
                items[usize::from(*len)] = item;
                *len += 1;
            }
            Repr::Inline { len, items } => {
                let mut v = Vec::with_capacity(usize::from(*len) + 1 + more());
                v.extend_from_slice(&items[..usize::from(*len)]);
                v.push(item);
                self.0 = Repr::Heap(v);
            }
            Repr::Heap(v) => v.push(item),
        }
    }

    #[inline]
    pub fn push(&mut self, item: T) {
        self.push_expecting(item, || 0);
    }
}

impl<T: Copy + Default, const N: usize> Default for Small<T, N> {
    fn default() -> Self {
        Small(Repr::Inline {
            len: 0,
            items: [T::default(); N],
        })
    }
}

impl<T: Copy + Default, const N: usize> Deref for Small<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T: Copy + Default, const N: usize> From<&[T]> for Small<T, N> {
    fn from(items: &[T]) -> Self {
        if items.len() <= N {
            let mut buf = [T::default(); N];
            buf[..items.len()].copy_from_slice(items);
            Small(Repr::Inline {
                len: items.len() as u8,
                items: buf,
            })
        } else {
            Small(Repr::Heap(items.to_vec()))
        }
    }
}

impl<T: Copy + Default, const N: usize, const M: usize> From<[T; M]> for Small<T, N> {
    fn from(items: [T; M]) -> Self {
        Self::from(&items[..])
    }
}

impl<T: Copy + Default, const N: usize> From<Vec<T>> for Small<T, N> {
    fn from(items: Vec<T>) -> Self {
        Self::from(&items[..])
    }
}

impl<T: Copy + Default, const N: usize> FromIterator<T> for Small<T, N> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut s = Self::default();
        for x in iter {
            s.push(x);
        }
        s
    }
}

impl<T: Copy + Default + PartialEq, const N: usize> PartialEq for Small<T, N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Copy + Default + Eq, const N: usize> Eq for Small<T, N> {}

impl<T: Copy + Default + Hash, const N: usize> Hash for Small<T, N> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl<T: Copy + Default + fmt::Debug, const N: usize> fmt::Debug for Small<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::Small;

    #[test]
    fn spills_past_n_and_compares_by_content() {
        let mut s: Small<u32, 2> = Small::new();
        s.push(1);
        s.push(2);
        let inline = s.clone();
        s.push(3);
        assert_eq!(&*s, &[1, 2, 3]);
        assert_eq!(&*inline, &[1, 2]);
        assert_eq!(Small::<u32, 2>::from(vec![1, 2]), inline);
        assert_eq!(
            Small::<u32, 4>::from([1, 2, 3]),
            [1, 2, 3].into_iter().collect()
        );
        assert_eq!(format!("{s:?}"), "[1, 2, 3]");
    }
}
