//! A bounded map that forgets its oldest entries a generation at a time.
//!
//! The explorer's memos see keys in waves: the markings of one breadth-first
//! level share most of their places' multisets with the level before. A map
//! emptied when it reaches its capacity forgets, at that moment, exactly the
//! entries the next markings need. This one keeps two generations: when the
//! current one is full it becomes the previous one (and the one before is
//! dropped); an entry found in the previous generation moves to the current
//! one. Entries used again stay, entries not used for a generation go: a
//! cheap approximation of least-recently-used, within twice the capacity.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use foldhash::quality::FixedState;

/// A map of at most twice `capacity` entries, in two generations.
pub struct Generations<K, V> {
    current: HashMap<K, V, FixedState>,
    previous: HashMap<K, V, FixedState>,
    capacity: usize,
}

impl<K: Hash + Eq, V: Clone> Generations<K, V> {
    /// An empty map whose generations hold at most `capacity` entries each.
    pub fn new(capacity: usize) -> Self {
        Generations {
            current: empty(),
            previous: empty(),
            capacity,
        }
    }

    /// The value kept for `key`, if any (moved into the current generation
    /// if it was in the previous one).
    pub fn get<Q: Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        if let Some(value) = self.current.get(key) {
            return Some(value.clone());
        }
        let (key, value) = self.previous.remove_entry(key)?;
        self.insert(key, value.clone());
        Some(value)
    }

    /// Keeps `value` for `key` in the current generation, which first becomes
    /// the previous one if it is full.
    pub fn insert(&mut self, key: K, value: V) {
        if self.current.len() >= self.capacity {
            self.previous = std::mem::replace(&mut self.current, empty());
        }
        self.current.insert(key, value);
    }

    /// Forgets every entry and frees their memory.
    pub fn clear(&mut self) {
        self.current = empty();
        self.previous = empty();
    }
}

fn empty<K, V>() -> HashMap<K, V, FixedState> {
    HashMap::with_hasher(FixedState::with_seed(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_used_again_outlive_their_generation() {
        let mut map = Generations::new(2);
        map.insert(1u32, 'a');
        map.insert(2, 'b');
        // The current generation is full: it becomes the previous one.
        map.insert(3, 'c');
        assert_eq!(map.get(&1), Some('a')); // moved into the current generation
        // The current generation (3, 1) is full: 2, not used, is dropped.
        map.insert(4, 'd');
        assert_eq!(
            (map.get(&2), map.get(&1), map.get(&3)),
            (None, Some('a'), Some('c'))
        );
        assert_eq!(map.get(&4), Some('d'));
        map.clear();
        assert_eq!((map.get(&1), map.get(&4)), (None, None));
    }

    #[test]
    fn at_most_twice_the_capacity_is_kept() {
        let mut map = Generations::new(8);
        for key in 0u32..1000 {
            map.insert(key, key);
            assert!(map.current.len() + map.previous.len() <= 16);
        }
        // The last full generation and the current one are kept (looked at
        // without `get`, which would move entries between them).
        let kept = |key| map.current.contains_key(&key) || map.previous.contains_key(&key);
        assert!((984..1000).all(kept));
        assert!(!kept(983));
    }
}
