//! A counting global allocator: how many bytes the current thread allocated in a closure.
//!
//! Install it in an integration test binary:
//! ```ignore
//! #[global_allocator]
//! static ALLOC: ferrocore_testkit::alloc::CountingAllocator = ferrocore_testkit::alloc::CountingAllocator;
//! let (result, bytes) = ferrocore_testkit::alloc::count_bytes(|| decode(input));
//! ```
//! Counting is per thread, so parallel tests do not disturb each other.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    static ALLOCATED: Cell<u64> = const { Cell::new(0) };
}

/// Forwards to the system allocator and adds every allocation's size to a thread-local sum.
pub struct CountingAllocator;

fn add(n: usize) {
    // `try_with` so that allocations during thread teardown still succeed.
    let _ = ALLOCATED.try_with(|c| c.set(c.get().saturating_add(n as u64)));
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Runs `f` and returns its result with the bytes the current thread allocated meanwhile
/// (the sum of all allocation sizes, not the peak). Only meaningful when
/// [`CountingAllocator`] is the global allocator.
pub fn count_bytes<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = ALLOCATED.with(Cell::get);
    let r = f();
    let after = ALLOCATED.with(Cell::get);
    (r, after - before)
}
