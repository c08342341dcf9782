//! Remembered property verdicts.
//!
//! A property's truth in a marking depends only on the places it reads, and a
//! coloured marking is encoded as one multiset id per place, so the verdict can
//! be remembered per (property, ids of the places it reads): markings that
//! differ only elsewhere share it. On the SeSPHR net, where properties quantify
//! over knowledge sets and call the deduction functions, most states need no
//! evaluation at all.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Mutex, PoisonError};

use foldhash::quality::FixedState;

use crate::net::code::PlaceId;

/// Independent tables, so that threads rarely wait for each other.
const SHARDS: usize = 32;

/// A table is emptied when it reaches this many entries (bounds the memory).
const SHARD_CAPACITY: usize = 1 << 16;

/// Verdicts keyed by property and the multiset ids of the places it reads.
pub struct VerdictMemo {
    reads: Vec<Vec<PlaceId>>,
    hasher: FixedState,
    shards: Vec<Mutex<HashMap<Vec<u32>, bool, FixedState>>>,
}

impl VerdictMemo {
    /// A memo for properties reading `reads[i]` (property `i`).
    pub fn new(reads: Vec<Vec<PlaceId>>) -> Self {
        VerdictMemo {
            reads,
            hasher: FixedState::with_seed(0x7e7d_1c75),
            shards: (0..SHARDS)
                .map(|_| Mutex::new(HashMap::with_hasher(FixedState::with_seed(0))))
                .collect(),
        }
    }

    /// The verdict of property `property` in the encoded marking `state`,
    /// computed by `compute` unless remembered.
    pub fn get_or<E>(
        &self,
        property: usize,
        state: &[u32],
        compute: impl FnOnce() -> Result<bool, E>,
    ) -> Result<bool, E> {
        let mut key = Vec::with_capacity(self.reads[property].len() + 1);
        key.push(property as u32);
        key.extend(self.reads[property].iter().map(|&p| state[p]));
        let shard = &self.shards[(self.hasher.hash_one(&key) >> 32) as usize % SHARDS];
        if let Some(&verdict) = shard
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Ok(verdict);
        }
        let verdict = compute()?;
        let mut table = shard.lock().unwrap_or_else(PoisonError::into_inner);
        if table.len() >= SHARD_CAPACITY {
            table.clear();
        }
        table.insert(key, verdict);
        Ok(verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_depend_only_on_the_places_read() {
        let memo = VerdictMemo::new(vec![vec![1], vec![0, 2]]);
        let calls = std::cell::Cell::new(0);
        let compute = |v: bool| {
            calls.set(calls.get() + 1);
            Ok::<_, ()>(v)
        };
        assert_eq!(memo.get_or(0, &[5, 7, 9], || compute(true)), Ok(true));
        // Place 1 unchanged: remembered, whatever the other places hold.
        assert_eq!(memo.get_or(0, &[6, 7, 8], || compute(false)), Ok(true));
        assert_eq!(memo.get_or(0, &[5, 8, 9], || compute(false)), Ok(false));
        // Another property with the same ids is another entry.
        assert_eq!(memo.get_or(1, &[5, 7, 9], || compute(false)), Ok(false));
        assert_eq!(memo.get_or(1, &[5, 0, 9], || compute(true)), Ok(false));
        assert_eq!(calls.get(), 3);
    }
}
