//! Packet buffers the kernel writes into while the program runs: one allocation of
//! `count` buffers of `len` octets, held through a raw pointer. A Rust reference is
//! only ever made to a buffer the program owns at that moment (`owned`), never to one
//! lent to the kernel (an io_uring provided buffer), so a kernel write can never land
//! under a live reference.

use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::ptr::NonNull;

pub(crate) struct Buffers {
    ptr: NonNull<u8>,
    layout: Layout,
    count: usize,
    len: usize,
    owned: Vec<bool>,
    /// Per buffer, the last `disjoint_mut` call that lent it out (each buffer is lent
    /// at most once per call).
    lent: Vec<u64>,
    epoch: u64,
    leak: bool,
}

impl Buffers {
    /// `count` zeroed buffers of `len` octets, all owned by the program.
    pub fn new(count: usize, len: usize) -> Self {
        let (count, len) = (count.max(1), len.max(1));
        let layout = Layout::from_size_align(count * len, 64).expect("buffer layout");
        // SAFETY: the layout has a non-zero size.
        let raw = unsafe { alloc_zeroed(layout) };
        let Some(ptr) = NonNull::new(raw) else {
            std::alloc::handle_alloc_error(layout)
        };
        Buffers {
            ptr,
            layout,
            count,
            len,
            owned: vec![true; count],
            lent: vec![0; count],
            epoch: 0,
            leak: false,
        }
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// Where buffer `i` starts plus `offset`, for the kernel (`i < count`,
    /// `offset <= len`).
    pub fn addr(&self, i: usize, offset: usize) -> u64 {
        debug_assert!(i < self.count && offset <= self.len);
        self.ptr.as_ptr() as u64 + (i * self.len + offset.min(self.len)) as u64
    }

    /// Lends buffer `i` to the kernel (`false`) or takes it back (`true`).
    pub fn set_owned(&mut self, i: usize, owned: bool) {
        if let Some(o) = self.owned.get_mut(i) {
            *o = owned;
        }
    }

    pub fn is_owned(&self, i: usize) -> bool {
        self.owned.get(i).copied().unwrap_or(false)
    }

    /// Buffer `i` while the program owns it; empty otherwise.
    pub fn owned(&self, i: usize) -> &[u8] {
        if !self.is_owned(i) {
            return &[];
        }
        // SAFETY: `i < count` (is_owned), so the range is inside the allocation; the
        // buffer is not lent to the kernel, and `&self` excludes `&mut` borrows.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().add(i * self.len), self.len) }
    }

    /// Buffer `i` while the program owns it; empty otherwise.
    pub fn slot_mut(&mut self, i: usize) -> &mut [u8] {
        if !self.is_owned(i) {
            return &mut [];
        }
        // SAFETY: as in `owned`, with `&mut self` for exclusivity.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr().add(i * self.len), self.len) }
    }

    /// The buffers named in `list` as `(index, buffer, length)`, all borrowed at once.
    /// An index not owned, out of range or already lent by this call is skipped, so
    /// the borrows never overlap.
    pub fn disjoint_mut<'a>(
        &'a mut self,
        list: &'a [(u32, u32)],
    ) -> impl Iterator<Item = (usize, &'a mut [u8], usize)> + 'a {
        self.epoch += 1;
        let epoch = self.epoch;
        let (ptr, len) = (self.ptr, self.len);
        let (owned, lent) = (&self.owned, &mut self.lent);
        list.iter().filter_map(move |&(i, n)| {
            let i = i as usize;
            if !owned.get(i).copied().unwrap_or(false) || lent[i] == epoch {
                return None;
            }
            lent[i] = epoch;
            // SAFETY: `i < count` and owned (checked above); each index is handed out
            // once per call (`lent`), so the slices are disjoint; they live as long as
            // the `&mut self` borrow.
            let b = unsafe { std::slice::from_raw_parts_mut(ptr.as_ptr().add(i * len), len) };
            Some((i, b, (n as usize).min(len)))
        })
    }

    /// Never frees the memory: for when the kernel might still write into it.
    pub fn leak(&mut self) {
        self.leak = true;
    }
}

impl Drop for Buffers {
    fn drop(&mut self) {
        if !self.leak {
            // SAFETY: allocated in `new` with this layout, freed once.
            unsafe { dealloc(self.ptr.as_ptr(), self.layout) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_only_owned_buffers_and_each_once() {
        let mut b = Buffers::new(4, 32);
        b.set_owned(2, false);
        assert!(b.owned(2).is_empty() && b.slot_mut(2).is_empty());
        assert_eq!(b.owned(1).len(), 32);
        assert!(b.owned(9).is_empty());
        let list = [(1, 10), (2, 5), (1, 7), (3, 99), (7, 1)];
        let got: Vec<(usize, usize)> = b
            .disjoint_mut(&list)
            .map(|(i, buf, n)| {
                buf[0] = i as u8;
                (i, n)
            })
            .collect();
        assert_eq!(
            got,
            [(1, 10), (3, 32)],
            "lent, duplicate, out of range skipped"
        );
        assert_eq!((b.owned(1)[0], b.owned(3)[0]), (1, 3));
        // A new call may lend the same buffers again.
        assert_eq!(b.disjoint_mut(&list).count(), 2);
        assert_eq!(b.addr(1, 4) - b.addr(0, 0), 36);
    }
}
