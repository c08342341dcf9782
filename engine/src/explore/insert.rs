//! The insert phase of a level: each shard, on any thread, takes its
//! successors from every chunk of a batch in chunk order and stores those it
//! has not seen; the new states, sorted by discovery key, form the next
//! frontier ([`LevelInserts::finish`]).

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::StateLayout;
use super::expand::{ChunkOut, PARTIAL};
use super::store::{Insert, SHARDS, Shard, StateId, Store, hash_state, split_id};
use crate::budget::{self, Budget};

/// Insertions whose table slots are loaded together before inserting.
const WARM_BATCH: usize = 16;

/// New states of one shard in this level, in discovery order (chunks are
/// inserted in order).
#[derive(Default)]
struct NewStates {
    keys: Vec<(u64, StateId)>,
    full: bool,
    /// Frontier positions of partially expanded states with a successor
    /// stored before this level.
    revisit: Vec<u32>,
    /// Hash -> the state's index in its shard, kept from the first batch
    /// that needs the cycle proviso on (built then from the states already
    /// found).
    fresh: Option<HashMap<u64, u32>>,
    /// When edges are recorded: (discovery key, id) of every successor
    /// headed for this shard, new or known.
    edges: Vec<(u64, StateId)>,
}

impl NewStates {
    /// Whether `state` (with `hash`), stored in `shard`, was stored by this level.
    fn is_fresh(&mut self, shard: &Shard, state: &[u32], hash: u64) -> bool {
        let keys = &self.keys;
        let fresh = self.fresh.get_or_insert_with(|| {
            let mut map = HashMap::new();
            for &(_, id) in keys {
                let local = split_id(id).1;
                map.entry(hash_state(shard.state(local)))
                    .or_insert(local as u32);
            }
            map
        });
        fresh
            .get(&hash)
            .is_some_and(|&local| shard.state(local as usize) == state)
    }

    /// Records a state this level stored.
    fn push(&mut self, key: u64, id: StateId, hash: u64) {
        if let Some(fresh) = &mut self.fresh {
            fresh.entry(hash).or_insert(split_id(id).1 as u32);
        }
        self.keys.push((key, id));
    }

    fn bytes(&self) -> usize {
        (self.keys.capacity() + self.edges.capacity()) * 16
    }
}

/// The states a level stores, shard by shard, over its batches.
pub(super) struct LevelInserts {
    shards: Vec<NewStates>,
}

impl LevelInserts {
    pub(super) fn new() -> Self {
        LevelInserts {
            shards: (0..SHARDS).map(|_| NewStates::default()).collect(),
        }
    }

    /// Whether a shard ran out of ids.
    pub(super) fn full(&self) -> bool {
        self.shards.iter().any(|new| new.full)
    }

    /// Whether no state was stored.
    pub(super) fn is_empty(&self) -> bool {
        self.shards.iter().all(|new| new.keys.is_empty())
    }

    pub(super) fn has_revisits(&self) -> bool {
        self.shards.iter().any(|new| !new.revisit.is_empty())
    }

    /// Frontier positions to expand again in full (sorted, no repeats).
    pub(super) fn revisits(&self) -> Vec<u32> {
        let mut revisit: Vec<u32> = self
            .shards
            .iter()
            .flat_map(|new| new.revisit.iter().copied())
            .collect();
        revisit.sort_unstable();
        revisit.dedup();
        revisit
    }

    pub(super) fn bytes(&self) -> usize {
        self.shards.iter().map(NewStates::bytes).sum()
    }

    /// The targets of the level's recorded edges, in discovery-key order
    /// (parent by parent in frontier order, each parent's successors in
    /// the space's order).
    pub(super) fn edges(&mut self) -> Vec<StateId> {
        let mut edges: Vec<(u64, StateId)> = self
            .shards
            .iter_mut()
            .flat_map(|new| std::mem::take(&mut new.edges))
            .collect();
        edges.par_sort_unstable_by_key(|&(key, _)| key);
        edges.into_iter().map(|(_, id)| id).collect()
    }

    /// The level's new states in discovery-key order.
    pub(super) fn finish(self) -> NewLevel {
        let full = self.full();
        let found = self.shards;
        // (key, shard, rank in the shard's list), sorted by key.
        let mut order: Vec<(u64, u32, u32)> = found
            .iter()
            .enumerate()
            .flat_map(|(s, new)| {
                (0..new.keys.len()).map(move |i| (new.keys[i].0, s as u32, i as u32))
            })
            .collect();
        order.par_sort_unstable_by_key(|&(key, _, _)| key);
        let ids = order
            .into_iter()
            .map(|(_, s, i)| found[s as usize].keys[i as usize].1)
            .collect();
        NewLevel { ids, full }
    }
}

/// The states a level added, in discovery-key order.
pub(super) struct NewLevel {
    pub(super) ids: Vec<StateId>,
    /// Whether a shard ran out of ids.
    pub(super) full: bool,
}

/// What [`insert_batch`] notes besides the new states.
#[derive(Clone, Copy)]
pub(super) struct Checks {
    /// List the partially expanded parents of successors stored before
    /// this level (the cycle proviso).
    pub(super) proviso: bool,
    /// Note every successor's id, for the recorded edges.
    pub(super) record: bool,
}

/// Whether a successor in `outs` is not stored yet.
pub(super) fn any_new(store: &Store, layout: StateLayout, outs: &[ChunkOut]) -> bool {
    (store.shards.par_iter().enumerate()).any(|(s, shard)| {
        outs.iter().any(|out| {
            let bucket = &out.buckets[s];
            (0..bucket.hashes.len())
                .any(|i| !shard.contains(bucket.state(layout, i), bucket.hashes[i]))
        })
    })
}

/// Inserts `batch` into the store's shards, one task per shard (on the
/// calling thread, shard after shard, for a batch of fewer than
/// `in_parallel_from` successors), and records the new states
/// in `inserts`, with what the batch's checks ask.
pub(super) fn insert_batch(
    store: &mut Store,
    batch: &Batch<'_>,
    budget: &Arc<Budget>,
    in_parallel_from: usize,
    inserts: &mut LevelInserts,
) {
    let successors: usize = (batch.outs.iter())
        .flat_map(|out| &out.buckets)
        .map(|bucket| bucket.hashes.len())
        .sum();
    // Each shard takes the batch's successors in the same order either way;
    // the budget is installed around the work, so that `budget::tick` checks it.
    if successors < in_parallel_from {
        budget.install(|| {
            let shards = store.shards.iter_mut().zip(inserts.shards.iter_mut());
            for (s, (shard, new)) in shards.enumerate() {
                batch.insert_into(s, shard, new);
            }
        });
        return;
    }
    store
        .shards
        .par_iter_mut()
        .zip(inserts.shards.par_iter_mut())
        .enumerate()
        .for_each(|(s, (shard, new))| budget.install(|| batch.insert_into(s, shard, new)));
}

/// A batch of chunks' successors being inserted ([`insert_batch`]).
pub(super) struct Batch<'a> {
    /// How the successors' words are laid out.
    pub(super) layout: StateLayout,
    /// The level's states, whose positions the successors' keys hold.
    pub(super) frontier: &'a [StateId],
    /// The chunks' successors, bucketed by shard.
    pub(super) outs: &'a [ChunkOut],
    /// What to note besides the new states.
    pub(super) checks: Checks,
}

impl Batch<'_> {
    /// Inserts the successors that belong to shard `s` into `shard`,
    /// recording the new ones in `new`.
    fn insert_into(&self, s: usize, shard: &mut Shard, new: &mut NewStates) {
        let Checks { proviso, record } = self.checks;
        let (layout, frontier, outs) = (self.layout, self.frontier, self.outs);
        if new.full {
            return;
        }
        for out in outs {
            let bucket = &out.buckets[s];
            let len = bucket.hashes.len();
            std::hint::black_box(shard.warm(&bucket.hashes[..len.min(WARM_BATCH)]));
            for batch in (0..len).step_by(WARM_BATCH) {
                // Load the next batch's slots while this batch is inserted.
                let next = (batch + WARM_BATCH).min(len)..(batch + 2 * WARM_BATCH).min(len);
                std::hint::black_box(shard.warm(&bucket.hashes[next]));
                // Growing tables are checked against the memory limit here.
                if budget::tick().is_err() {
                    return;
                }
                for i in batch..(batch + WARM_BATCH).min(len) {
                    let key = bucket.keys[i];
                    let parent = frontier[(key >> 32) as usize];
                    let local = shard.len();
                    let state = bucket.state(layout, i);
                    let hash = bucket.hashes[i];
                    match shard.insert(state, hash, parent) {
                        Insert::New => {
                            new.push(key, Store::id(s, local), hash);
                            if record {
                                new.edges.push((key, Store::id(s, local)));
                            }
                        }
                        Insert::Known(_) if proviso && key & PARTIAL != 0 => {
                            if !new.is_fresh(shard, state, hash) {
                                new.revisit.push((key >> 32) as u32);
                            }
                        }
                        // Recording stores the states in arenas, which
                        // give a known state's index.
                        Insert::Known(Some(known)) if record => {
                            new.edges.push((key, Store::id(s, known)));
                        }
                        Insert::Known(_) => {}
                        Insert::Full => {
                            new.full = true;
                            return;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::store::NO_PARENT;

    #[test]
    fn states_stored_before_the_proviso_was_needed_count_as_this_levels() {
        let mut store = Store::new(StateLayout::Fixed(2));
        let shard = &mut store.shards[0];
        let mut new = NewStates::default();
        let (a, b, c) = ([1u32, 2], [3u32, 4], [5u32, 6]);
        assert_eq!(shard.insert(&a, hash_state(&a), NO_PARENT), Insert::New);
        new.push(7, Store::id(0, 0), hash_state(&a));
        assert!(new.fresh.is_none(), "no map until the proviso asks");
        assert!(new.is_fresh(shard, &a, hash_state(&a)));
        assert!(!new.is_fresh(shard, &b, hash_state(&b)));
        assert_eq!(shard.insert(&b, hash_state(&b), 0), Insert::New);
        new.push(8, Store::id(0, 1), hash_state(&b));
        assert!(new.is_fresh(shard, &b, hash_state(&b)));
        // A state whose hash collides with a stored one is not taken for it.
        assert!(!new.is_fresh(shard, &c, hash_state(&a)));
    }
}
