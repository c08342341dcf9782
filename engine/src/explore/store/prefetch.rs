//! Software prefetch and huge-page advice: the engine's only `unsafe` code.
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
