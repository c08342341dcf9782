//! A bounded map that the explorer's threads read on every marking and
//! write on a miss: the shape of the coloured space's memos of effects
//! ([`super::effects`]), of sums ([`super::addition`]) and of the tokens a
//! binding puts ([`super::outputs`]).
//!
//! Its lock is sharded per thread (crossbeam's `ShardedLock`): a reader
//! read-locks only its own thread's shard, so a look-up writes no lock word
//! another core reads; a writer locks every shard. It is a cache: it is
//! emptied when it reaches its capacity, so what is kept in it must be what
//! a miss computes again.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::PoisonError;

use crossbeam_utils::sync::ShardedLock;
use foldhash::quality::FixedState;

/// A map of at most `capacity` entries, emptied when full.
pub struct SharedCache<K, V> {
    map: ShardedLock<HashMap<K, V, FixedState>>,
    capacity: usize,
}

impl<K: Hash + Eq, V: Clone> SharedCache<K, V> {
    /// An empty cache that keeps at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        SharedCache {
            map: ShardedLock::new(HashMap::default()),
            capacity,
        }
    }

    /// The value kept for `key`, if any.
    pub fn get<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    /// Keeps `value` for `key` (emptying the cache first if it is full).
    pub fn insert(&self, key: K, value: V) {
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= self.capacity {
            map.clear();
        }
        map.insert(key, value);
    }

    /// Forgets every entry and frees their memory. Cheap when there is
    /// nothing to free (a read lock only): the effect memo calls it on every
    /// miss of a transition it gave up on.
    pub fn clear(&self) {
        if self
            .map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .capacity()
            == 0
        {
            return;
        }
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        if map.capacity() > 0 {
            *map = HashMap::default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_cache_is_emptied_before_it_grows() {
        let cache = SharedCache::new(2);
        cache.insert(1u32, 'a');
        cache.insert(2, 'b');
        assert_eq!((cache.get(&1), cache.get(&2)), (Some('a'), Some('b')));
        cache.insert(3, 'c');
        assert_eq!((cache.get(&1), cache.get(&3)), (None, Some('c')));
        cache.clear();
        assert_eq!(cache.get(&3), None);
    }
}
