//! # mediarec-alloc-counter
//!
//! A global allocator that forwards to the system allocator and counts every allocation,
//! for tests that prove a hot path (per frame, per packet) allocates nothing. A test binary
//! installs it, warms up, and compares the counts before and after the steady state:
//!
//! ```
//! use mediarec_alloc_counter::{CountingAllocator, allocations_on_this_thread};
//!
//! #[global_allocator]
//! static GLOBAL: CountingAllocator = CountingAllocator;
//!
//! let before = allocations_on_this_thread();
//! let v = vec![1u8; 16];
//! assert_eq!(allocations_on_this_thread(), before + 1);
//! # drop(v);
//! ```
//!
//! [`allocations_on_this_thread`] ignores other threads (the test harness's own);
//! [`allocations_in_process`] counts all of them, for pipelines that use worker threads.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Forwards to [`System`] and counts allocations and reallocations.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAllocator;

static IN_PROCESS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static ON_THIS_THREAD: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    IN_PROCESS.fetch_add(1, Ordering::SeqCst);
    // `try_with`: a thread being torn down may still free or allocate.
    let _ = ON_THIS_THREAD.try_with(|c| c.set(c.get() + 1));
}

/// Allocations made by the calling thread since it started.
pub fn allocations_on_this_thread() -> usize {
    ON_THIS_THREAD.try_with(Cell::get).unwrap_or(0)
}

/// Allocations made by every thread of the process since it started.
pub fn allocations_in_process() -> usize {
    IN_PROCESS.load(Ordering::SeqCst)
}

// SAFETY: every call is forwarded unchanged to the system allocator; only counters change.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` with this layout, through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
