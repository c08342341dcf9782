//! Software prefetch, huge-page advice and giving freed memory back to the
//! kernel: the engine's only `unsafe` code.
//!
//! Before a batch of insertions, the explorer asks the processor to start
//! loading the table slots the batch will probe ([`super::InlineShard::warm`]).
//! A prefetch instruction is a hint: it never faults, never changes memory
//! and returns at once, so that the cache misses of a whole batch are in
//! flight together instead of one after the other. Safe Rust can only
//! approximate it with plain loads, which occupy a load-queue entry each
//! until their line arrives and stall the processor once the queue is full.

/// Size of a transparent huge page on x86-64 Linux.
pub const HUGE_PAGE: usize = 2 << 20;

/// Asks the kernel to back the whole 2 MiB pages inside `buffer` with
/// transparent huge pages (`madvise(MADV_HUGEPAGE)`), so that random
/// look-ups in a large table miss the TLB less. Best called before the
/// buffer's pages are first touched (a freshly zeroed allocation), since the
/// kernel picks the page size at the first fault. Returns whether the advice
/// was given and accepted: false off Linux, for a buffer holding no aligned
/// 2 MiB page, or where the kernel refuses (huge pages disabled).
pub fn advise_huge_pages<T>(buffer: &[T]) -> bool {
    #[cfg(target_os = "linux")]
    {
        let start = buffer.as_ptr() as usize;
        let end = start + std::mem::size_of_val(buffer);
        let first = start.next_multiple_of(HUGE_PAGE);
        let last = end / HUGE_PAGE * HUGE_PAGE;
        if last <= first {
            return false;
        }
        // SAFETY: [first, last) lies inside `buffer`, memory this process
        // owns and maps, and is aligned to the huge page size (a multiple of
        // the base page size), as madvise requires. MADV_HUGEPAGE only sets
        // a flag on the mapping that lets the kernel use larger pages for it;
        // it never changes the bytes the buffer holds, discards nothing and
        // does not touch the buffer, so no reference to it is invalidated.
        let result = unsafe {
            libc::madvise(
                first as *mut libc::c_void,
                last - first,
                libc::MADV_HUGEPAGE,
            )
        };
        result == 0
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = buffer;
        false
    }
}

/// Gives the allocator's free memory back to the kernel (glibc's
/// `malloc_trim`), so that a large structure just dropped in many small
/// pieces (the visited set's 16 KiB pages) stops counting in the resident
/// memory before large new ones are made: glibc keeps freed small chunks
/// for reuse, and large allocations never reuse them. Returns whether
/// memory was given back; false with another C library than glibc.
pub fn release_free_memory() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim takes no pointer and frees no allocation: it
        // only returns to the kernel whole pages inside the allocator's free
        // chunks (madvise on them, or lowering the heap's top), taking each
        // arena's lock, so it may run from any thread at any time.
        unsafe { libc::malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

/// Starts loading the cache line holding `value` into every cache level.
///
/// A no-op on other architectures than x86-64.
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let address = std::ptr::from_ref(value).cast::<i8>();
        // SAFETY: `_mm_prefetch` requires SSE, which is part of the x86-64
        // baseline every Rust x86-64 target enables. The instruction is only
        // a cache hint: it does not dereference the pointer in a way that
        // can fault or be observed, whatever the address (here it comes from
        // a live reference anyway), and it writes nothing.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(address) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefetch_leaves_memory_unchanged() {
        let words: Vec<u64> = (0..10_000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9))
            .collect();
        let copy = words.clone();
        for i in (0..words.len()).rev().step_by(7) {
            prefetch(&words[i]);
        }
        prefetch(&words);
        prefetch(&());
        assert_eq!(words, copy);
    }

    #[test]
    fn giving_free_memory_back_leaves_live_memory_unchanged() {
        // 64 MiB in 16 KiB pages, every other one freed: whole free pages
        // for the kernel, and live ones between them that must not change.
        let mut pages: Vec<Vec<u64>> = (0..4096u64)
            .map(|p| (0..2048).map(|i| p.wrapping_mul(0x9E37) ^ i).collect())
            .collect();
        for (p, page) in pages.iter_mut().enumerate() {
            if p % 2 == 1 {
                *page = Vec::new();
            }
        }
        let released = release_free_memory();
        if cfg!(all(target_os = "linux", target_env = "gnu")) {
            assert!(released, "no memory given back");
        }
        for (p, page) in pages.iter().enumerate().step_by(2) {
            let expected = (0..2048).map(|i| (p as u64).wrapping_mul(0x9E37) ^ i);
            assert!(page.iter().copied().eq(expected), "page {p}");
        }
    }

    #[test]
    fn huge_page_advice_leaves_memory_unchanged() {
        // 8 MiB hold at least three aligned huge pages wherever they start.
        let words: Vec<u64> = (0..(1u64 << 20)).map(|i| i.wrapping_mul(0x9E37)).collect();
        let copy = words.clone();
        let advised = advise_huge_pages(&words);
        assert_eq!(words, copy);
        if cfg!(target_os = "linux")
            && std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
                .is_ok_and(|mode| !mode.contains("[never]"))
        {
            assert!(advised, "the kernel refused the advice");
        }
        // Too small to hold an aligned huge page: no advice.
        assert!(!advise_huge_pages(&words[..1000]));
        assert!(!advise_huge_pages::<u64>(&[]));
    }
}
