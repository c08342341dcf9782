//! A memo of multiset sums on interned ids: the id of "the multiset with id
//! `base` plus the tokens with id `added`" in one place's table.
//!
//! A transition only adds to the places it has no input arc from (the
//! ledger, the ghost records, a user's received answers), and what it adds
//! depends on its binding alone. The effect memo ([`super::effects`]) keeps
//! those tokens as a multiset id of the place and leaves the place out of
//! its key, so that markings differing only in such places share one entry;
//! the successor's id for the place is then this memo's sum.
//!
//! It is a cache: a missing sum is computed from the tables and gives the
//! same id, so dropping a place's entries (when they pass
//! [`MAX_SUMS_PER_PLACE`]) changes the time, never a result.

use super::shared_cache::SharedCache;

/// Sums kept per place before its map is emptied and refilled.
pub const MAX_SUMS_PER_PLACE: usize = 1 << 20;

/// Per place, `(base id, added id)` to the id of their sum.
pub struct AdditionMemo {
    places: Vec<SharedCache<(u32, u32), u32>>,
}

impl AdditionMemo {
    /// An empty memo for `places` places.
    pub fn new(places: usize) -> Self {
        AdditionMemo {
            places: (0..places)
                .map(|_| SharedCache::new(MAX_SUMS_PER_PLACE))
                .collect(),
        }
    }

    /// The remembered id of `base` plus `added` in `place`, if any.
    pub fn get(&self, place: usize, base: u32, added: u32) -> Option<u32> {
        self.places[place].get(&(base, added))
    }

    /// Remembers that `base` plus `added` is `sum` in `place`.
    pub fn insert(&self, place: usize, base: u32, added: u32, sum: u32) {
        self.places[place].insert((base, added), sum);
    }

    /// Forgets every sum (their memory is freed).
    pub fn clear(&self) {
        self.places.iter().for_each(SharedCache::clear);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_remembered_per_place_and_pair() {
        let memo = AdditionMemo::new(2);
        memo.insert(0, 3, 4, 9);
        assert_eq!(memo.get(0, 3, 4), Some(9));
        assert_eq!(
            memo.get(0, 4, 3),
            None,
            "the base and the added tokens are not symmetric"
        );
        assert_eq!(memo.get(1, 3, 4), None, "another place's table");
        memo.clear();
        assert_eq!(memo.get(0, 3, 4), None);
    }
}
