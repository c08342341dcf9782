//! A memo from the multiset ids of one place to a 32-bit word, read without
//! taking a lock.
//!
//! Multiset ids are dense (0, 1, 2, ... in the order a place's table met
//! them, see [`super::table`]), so a memo keyed by them is an array. It grows
//! in segments of doubling size, each allocated on first use and never moved,
//! so readers need no lock: a look-up is two loads. A lock, even one only
//! read-locked, writes its own word on every look-up, and two threads that
//! look up the same memo then pass that cache line back and forth; on the
//! symmetry's memos, consulted once per place for every successor, that cost
//! more than the look-ups themselves.
//!
//! Entries are set at most once in effect: two threads that compute the same
//! entry at once store the same word (it is a function of the id), so a race
//! changes nothing.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The word no entry may hold: it marks an entry not yet set.
pub const UNSET: u32 = u32::MAX;

/// Ids in the first segment; segment `k` holds `FIRST << k` ids.
const FIRST: usize = 256;

/// Enough segments for every 32-bit id: they hold `FIRST * (2^25 - 1)` ids.
const SEGMENTS: usize = 25;

/// A word per multiset id of one place, each set once.
pub struct IdMemo {
    segments: [OnceLock<Box<[AtomicU32]>>; SEGMENTS],
}

impl Default for IdMemo {
    fn default() -> Self {
        IdMemo {
            segments: std::array::from_fn(|_| OnceLock::new()),
        }
    }
}

impl IdMemo {
    /// The word set for `id`, if one was.
    pub fn get(&self, id: u32) -> Option<u32> {
        let (segment, offset) = locate(id);
        let word = self.segments[segment].get()?[offset].load(Ordering::Acquire);
        (word != UNSET).then_some(word)
    }

    /// Sets the word of `id` (never [`UNSET`]).
    pub fn set(&self, id: u32, word: u32) {
        debug_assert_ne!(word, UNSET);
        let (segment, offset) = locate(id);
        self.segments[segment].get_or_init(|| {
            (0..FIRST << segment)
                .map(|_| AtomicU32::new(UNSET))
                .collect()
        })[offset]
            .store(word, Ordering::Release);
    }
}

/// The segment holding `id` and its offset there.
fn locate(id: u32) -> (usize, usize) {
    // Segment k holds the ids from FIRST * (2^k - 1) on: those whose
    // `id / FIRST + 1` has its highest bit at k.
    let n = id as usize / FIRST + 1;
    let segment = (usize::BITS - 1 - n.leading_zeros()) as usize;
    (segment, id as usize - FIRST * ((1 << segment) - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_tile_the_ids() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(255), (0, 255));
        assert_eq!(locate(256), (1, 0));
        assert_eq!(locate(767), (1, 511));
        assert_eq!(locate(768), (2, 0));
        let (last, offset) = locate(u32::MAX);
        assert!(last < SEGMENTS && offset < FIRST << last);
        // Consecutive ids are consecutive slots, moving to the next segment
        // exactly when one is full.
        let mut previous = locate(0);
        for id in 1..100_000u32 {
            let here = locate(id);
            match here.0 == previous.0 {
                true => assert_eq!(here.1, previous.1 + 1, "{id}"),
                false => {
                    assert_eq!(previous.1 + 1, FIRST << previous.0, "{id}");
                    assert_eq!(here, (previous.0 + 1, 0), "{id}");
                }
            }
            previous = here;
        }
    }

    #[test]
    fn what_is_set_is_got_back_and_nothing_else() {
        let memo = IdMemo::default();
        let ids = [0u32, 1, 255, 256, 10_000, 1 << 20];
        assert!(ids.iter().all(|&id| memo.get(id).is_none()));
        for (i, &id) in ids.iter().enumerate() {
            memo.set(id, i as u32 * 7);
        }
        for (i, &id) in ids.iter().enumerate() {
            assert_eq!(memo.get(id), Some(i as u32 * 7), "{id}");
        }
        assert_eq!(memo.get(2), None);
        assert_eq!(memo.get(257), None);
    }

    #[test]
    fn threads_share_what_each_sets() {
        let memo = IdMemo::default();
        std::thread::scope(|s| {
            for t in 0..4u32 {
                let memo = &memo;
                s.spawn(move || {
                    for id in (t..20_000).step_by(4) {
                        memo.set(id, id * 2);
                    }
                });
            }
        });
        assert!((0..20_000u32).all(|id| memo.get(id) == Some(id * 2)));
    }
}
