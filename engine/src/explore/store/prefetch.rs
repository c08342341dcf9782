//! Software prefetch: the engine's only `unsafe` code.
//!
//! Before a batch of insertions, the explorer asks the processor to start
//! loading the table slots the batch will probe ([`super::InlineShard::warm`]).
//! A prefetch instruction is a hint: it never faults, never changes memory
//! and returns at once, so that the cache misses of a whole batch are in
//! flight together instead of one after the other. Safe Rust can only
//! approximate it with plain loads, which occupy a load-queue entry each
//! until their line arrives and stall the processor once the queue is full.

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
}
