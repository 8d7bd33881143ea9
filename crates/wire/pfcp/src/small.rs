//! [`Small`]: a short list kept inline, spilling to the heap only past `N` items.
//! Rule IDs in a PDR, QFIs, network instance names: almost always a handful, and
//! decoding them should not cost an allocation each.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};

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

/// A list whose first value (of any type) is stored inline, the rest on the heap: for
/// IEs that usually come once, such as the SDF filter of a PDI, so that decoding them
/// costs no allocation. Derefs to a slice; compares, hashes and prints as the slice it
/// holds; builds from `Vec`s, arrays and iterators, and is built in place with
/// [`List::push`].
#[derive(Clone)]
pub struct List<T>(ListRepr<T>);

#[derive(Clone)]
enum ListRepr<T> {
    Empty,
    One([T; 1]),
    Heap(Vec<T>),
}

impl<T> List<T> {
    pub const fn new() -> Self {
        List(ListRepr::Empty)
    }

    #[inline]
    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            ListRepr::Empty => &[],
            ListRepr::One(a) => a,
            ListRepr::Heap(v) => v,
        }
    }

    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match &mut self.0 {
            ListRepr::Empty => &mut [],
            ListRepr::One(a) => a,
            ListRepr::Heap(v) => v,
        }
    }

    /// Appends `item`; when it spills to the heap, `more()` says how many further items
    /// to expect so that the one allocation is exact.
    #[inline]
    pub(crate) fn push_expecting(&mut self, item: T, more: impl FnOnce() -> usize) {
        match &mut self.0 {
            ListRepr::Empty => self.0 = ListRepr::One([item]),
            ListRepr::Heap(v) => v.push(item),
            ListRepr::One(_) => {
                let ListRepr::One([first]) = std::mem::replace(&mut self.0, ListRepr::Empty) else {
                    unreachable!("matched One above")
                };
                let mut v = Vec::with_capacity(2 + more());
                v.push(first);
                v.push(item);
                self.0 = ListRepr::Heap(v);
            }
        }
    }

    #[inline]
    pub fn push(&mut self, item: T) {
        self.push_expecting(item, || 0);
    }

    /// The items as a `Vec`.
    pub fn into_vec(self) -> Vec<T> {
        match self.0 {
            ListRepr::Empty => Vec::new(),
            ListRepr::One(a) => Vec::from(a),
            ListRepr::Heap(v) => v,
        }
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Deref for List<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> DerefMut for List<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> Self {
        if items.len() <= 1 {
            items.into_iter().collect()
        } else {
            List(ListRepr::Heap(items))
        }
    }
}

impl<T, const M: usize> From<[T; M]> for List<T> {
    fn from(items: [T; M]) -> Self {
        items.into_iter().collect()
    }
}

impl<T> From<List<T>> for Vec<T> {
    fn from(list: List<T>) -> Self {
        list.into_vec()
    }
}

impl<T> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let hint = iter.size_hint().0;
        let mut l = Self::new();
        for x in iter {
            let done = l.len();
            l.push_expecting(x, || hint.saturating_sub(done + 1));
        }
        l
    }
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: PartialEq> PartialEq for List<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for List<T> {}

impl<T: PartialEq> PartialEq<Vec<T>> for List<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Hash> Hash for List<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl<T: fmt::Debug> fmt::Debug for List<T> {
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

    #[test]
    fn list_inline_then_heap() {
        use super::List;
        let mut l: List<String> = List::new();
        assert!(l.is_empty());
        for i in 0..5 {
            l.push(i.to_string());
            assert_eq!(l.len(), i + 1);
            assert_eq!(l.last().map(String::as_str), Some(i.to_string().as_str()));
        }
        assert_eq!(l.clone().into_vec(), ["0", "1", "2", "3", "4"]);
        let two: List<u8> = vec![7, 8].into();
        assert_eq!(&*two, &[7, 8]);
        let mut one: List<u8> = [1].into();
        one[0] = 3;
        assert_eq!(one, vec![3]);
        assert_eq!(format!("{one:?}"), "[3]");
        assert_eq!(List::<u8>::from(Vec::new()), List::new());
    }
}
