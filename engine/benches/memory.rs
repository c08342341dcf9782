//! The random-access limit of the machine for the explorer's tables: reads
//! of 8-byte words at random positions of a table the size of the visited
//! set of Kanban-PT-00005 (64 shards of 65,536 8-byte slots: 32 MiB), the
//! access pattern of a hash-table look-up that misses the cache.
//!
//! - `latency`: each position depends on the word read before (one miss at
//!   a time): the cost of a look-up nothing overlaps.
//! - `independent`: positions known in advance (as for a batch of pending
//!   look-ups): the processor overlaps the misses; the cost per read is the
//!   floor for a look-up in a table that does not fit the cache.
//!
//! - `latency_huge_pages`, `independent_huge_pages`: the same on a table
//!   backed by 2 MiB transparent huge pages ([`advise_huge_pages`] before the
//!   first write), which the TLB covers whole.
//!
//! Kanban-PT-00005 makes about 15.5 million look-ups (after the per-chunk
//! cache of recent successors): times the `independent` figure, the least
//! time the insert phase can take on this machine with one thread.
//! Measured in CPU time of the measuring thread (the machine is shared).

#[path = "../../model/benches/support/mod.rs"]
mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sesphr_engine::explore::advise_huge_pages;
use std::hint::black_box;
use support::ThreadCpuTime;

const WORDS: usize = 32 << 20 >> 3;
const READS: usize = 1 << 20;

/// A xorshift generator: reproducible pseudo-random numbers.
fn xorshift(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

fn positions() -> Vec<usize> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..READS)
        .map(|_| xorshift(&mut x) as usize & (WORDS - 1))
        .collect()
}

/// `table[i]` is the next position of one cycle through every word
/// (Sattolo's shuffle), so that a chain of reads never revisits the cache.
fn one_cycle(huge_pages: bool) -> Vec<u64> {
    let mut table: Vec<u64> = (0..WORDS as u64).collect();
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    for i in (1..WORDS).rev() {
        let j = xorshift(&mut x) as usize % i;
        table.swap(i, j);
    }
    // As a permutation in cycle notation: next[table[k]] = table[k + 1].
    let mut next = vec![0u64; WORDS];
    if huge_pages {
        assert!(advise_huge_pages(&next), "huge pages refused");
    }
    for k in 0..WORDS {
        next[table[k] as usize] = table[(k + 1) % WORDS];
    }
    next
}

fn random_reads(c: &mut Criterion<ThreadCpuTime>) {
    let positions = positions();
    let mut group = c.benchmark_group("random_reads_32MiB");
    for (suffix, huge_pages) in [("", false), ("_huge_pages", true)] {
        let table = one_cycle(huge_pages);
        reads(&mut group, suffix, &table, &positions);
    }
    group.finish();
}

fn reads(
    group: &mut criterion::BenchmarkGroup<'_, ThreadCpuTime>,
    suffix: &str,
    table: &[u64],
    positions: &[usize],
) {
    group.throughput(Throughput::Elements(READS as u64));
    group.sample_size(10);
    group.bench_function(format!("latency{suffix}"), |b| {
        b.iter(|| {
            let mut pos = 0usize;
            for _ in 0..READS {
                pos = table[pos] as usize;
            }
            black_box(pos)
        })
    });
    group.bench_function(format!("independent{suffix}"), |b| {
        b.iter(|| {
            positions
                .iter()
                .fold(0u64, |sum, &p| sum.wrapping_add(table[p]))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = random_reads
}
criterion_main!(benches);
