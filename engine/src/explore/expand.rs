//! The expand phase of a level: a chunk of frontier states, on any thread,
//! gives its successors bucketed by shard, each with its discovery key, and
//! the properties, statistics and edges of its states ([`ChunkOut`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use super::options::{Heartbeat, Progress};
use super::store::{SHARDS, StateId, Store, append_words, hash_state, same_state, shard_of};
use super::{Expansion, StateBuf, StateLayout, StateSpace, TargetHints};
use crate::budget::{self, Budget, Exhausted};

/// Entries of the per-chunk cache of recent successors (a power of two).
const RECENT: usize = 8192;

/// Entries of that cache per state of the chunk, up to [`RECENT`].
const RECENT_PER_STATE: usize = 8;

/// States a worker expands between two looks at the heartbeat's clock.
const STATES_PER_BEAT_CHECK: u32 = 32;

/// Discovery-key flag of a successor of a partially expanded state.
pub(super) const PARTIAL: u64 = 1 << 30;

/// Discovery-key flag of a successor found by expanding a state again in full.
const FULL_AGAIN: u64 = 1 << 31;

/// Successors of one chunk headed for one shard.
#[derive(Default)]
pub(super) struct Bucket {
    words: Vec<u32>,
    ends: Vec<usize>,
    pub(super) hashes: Vec<u64>,
    /// Discovery keys: parent's frontier position << 32 | successor rank.
    pub(super) keys: Vec<u64>,
}

impl Bucket {
    pub(super) fn push(&mut self, layout: StateLayout, state: &[u32], hash: u64, key: u64) {
        append_words(&mut self.words, state);
        if layout == StateLayout::Variable {
            self.ends.push(self.words.len());
        }
        self.hashes.push(hash);
        self.keys.push(key);
    }

    pub(super) fn state(&self, layout: StateLayout, i: usize) -> &[u32] {
        match layout {
            StateLayout::Fixed(w) => &self.words[i * w..(i + 1) * w],
            StateLayout::Variable => {
                let start = if i == 0 { 0 } else { self.ends[i - 1] };
                &self.words[start..self.ends[i]]
            }
        }
    }

    pub(super) fn clear(&mut self) {
        self.words.clear();
        self.ends.clear();
        self.hashes.clear();
        self.keys.clear();
    }

    pub(super) fn bytes(&self) -> usize {
        self.words.capacity() * 4
            + self.ends.capacity() * 8
            + self.hashes.capacity() * 8
            + self.keys.capacity() * 8
    }
}

/// What expanding one chunk produced.
pub(super) struct ChunkOut {
    pub(super) buckets: Vec<Bucket>,
    pub(super) edges: u64,
    pub(super) deadlocks: u64,
    pub(super) represented: u64,
    pub(super) max_total: u64,
    pub(super) max_place: u64,
    pub(super) first_targets: Vec<Option<StateId>>,
    pub(super) first_deadlock: Option<StateId>,
    /// (frontier position, successors) of the partially expanded states.
    pub(super) partial: Vec<(u32, u32)>,
    /// When edges are recorded: each state's number of successors and the
    /// successors' labels, in order; `unrecordable` if a state was expanded
    /// only partly or its successors had no labels.
    pub(super) degrees: Vec<u32>,
    pub(super) labels: Vec<u32>,
    pub(super) unrecordable: bool,
}

impl ChunkOut {
    /// Nothing yet, with the (empty) `buckets` to fill, for a space with
    /// `properties` properties.
    fn empty(buckets: Vec<Bucket>, properties: usize) -> Self {
        ChunkOut {
            buckets,
            edges: 0,
            deadlocks: 0,
            represented: 0,
            max_total: 0,
            max_place: 0,
            first_targets: vec![None; properties],
            first_deadlock: None,
            partial: Vec::new(),
            degrees: Vec::new(),
            labels: Vec::new(),
            unrecordable: false,
        }
    }
}

/// Shared state of one level's expansion.
pub(super) struct LevelCtx<'a, S> {
    pub(super) space: &'a S,
    /// The frontier's state ids, in frontier order (the states themselves
    /// are read from the store: the frontier keeps no copy of them).
    pub(super) frontier: &'a [StateId],
    pub(super) layout: StateLayout,
    pub(super) found: &'a [bool],
    /// Whether the space's property targets use the state's parent
    /// ([`StateSpace::targets_use_parent`]).
    pub(super) parents_help: bool,
    pub(super) found_deadlock: bool,
    pub(super) budget: &'a Arc<Budget>,
    pub(super) max_memory: Option<usize>,
    pub(super) store_bytes: usize,
    pub(super) candidate_bytes: &'a AtomicUsize,
    pub(super) beat: Option<&'a LevelBeat<'a>>,
    /// Whether edges are recorded (every successor then reaches the insert phase).
    pub(super) record: bool,
}

/// The heartbeat of one level: workers count the states they expand, and the
/// first to see that the next beat is due reports it.
pub(super) struct LevelBeat<'a> {
    pub(super) heartbeat: &'a Heartbeat,
    pub(super) started: Instant,
    /// The progress at the start of the level (`frontier`: the level's size).
    pub(super) base: Progress,
    /// States of this level expanded so far.
    pub(super) expanded: AtomicU64,
    /// When the next beat is due, in milliseconds since `started`.
    pub(super) due_ms: &'a AtomicU64,
    pub(super) candidate_bytes: &'a AtomicUsize,
}

impl LevelBeat<'_> {
    /// Counts `states` more expanded states and beats if one is due.
    fn count(&self, states: u32) {
        let done = self
            .expanded
            .fetch_add(u64::from(states), Ordering::Relaxed)
            + u64::from(states);
        let elapsed = self.started.elapsed();
        let now_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        let due = self.due_ms.load(Ordering::Relaxed);
        let every = u64::try_from(self.heartbeat.every.as_millis()).unwrap_or(u64::MAX);
        let next = now_ms.saturating_add(every);
        if now_ms < due
            || self
                .due_ms
                .compare_exchange(due, next, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let candidates = self.candidate_bytes.load(Ordering::Relaxed) as u64;
        (self.heartbeat.hook)(&Progress {
            expanded: self.base.expanded + done,
            frontier: self.base.frontier.saturating_sub(done),
            memory_bytes: self.base.memory_bytes + candidates,
            elapsed,
            ..self.base
        });
    }
}

/// Expands the frontier states `ids`, the first at frontier position `first`,
/// reading them from `store`.
pub(super) fn expand_chunk<S: StateSpace>(
    ctx: &LevelCtx<'_, S>,
    store: &Store,
    first: usize,
    ids: &[StateId],
    buckets: Vec<Bucket>,
) -> Result<Option<ChunkOut>, S::Error> {
    if ctx.budget.check(false).is_err() {
        return Ok(None);
    }
    match ctx
        .budget
        .install(|| expand_states(ctx, store, first, ids, buckets))
    {
        // A limit stopped the space mid-state: its error only says so.
        Err(_) | Ok(None) if ctx.budget.exhausted().is_some() => Ok(None),
        result => result,
    }
}

/// [`expand_chunk`]'s work, with the run's budget installed on this thread.
fn expand_states<S: StateSpace>(
    ctx: &LevelCtx<'_, S>,
    store: &Store,
    first: usize,
    ids: &[StateId],
    buckets: Vec<Bucket>,
) -> Result<Option<ChunkOut>, S::Error> {
    let properties = ctx.found.len();
    let mut out = ChunkOut::empty(buckets, properties);
    // The chunk's states, gathered first: independent loads that overlap,
    // where reading each state just before expanding it would wait for it.
    let mut states = StateBuf::new();
    for &id in ids {
        states.push(store.state(id));
    }
    let mut successors = StateBuf::new();
    let mut targets = vec![false; properties];
    // (high hash bits, index in its bucket) of recent successors, to drop
    // duplicates early; 8 bytes an entry to stay in the first cache levels.
    // Sized to the chunk (a few successors a state): a level of one state
    // does not clear 64 KB.
    let recent_len = (ids.len() * RECENT_PER_STATE)
        .next_power_of_two()
        .min(RECENT);
    let mut recent = vec![(0u32, 0u32); recent_len];
    let mut unreported = 0;
    for (offset, &id) in ids.iter().enumerate() {
        if budget::tick().is_err() {
            return Ok(None);
        }
        let state = states.get(offset).unwrap_or_default();
        successors.clear();
        let expansion = ctx.space.reduced_successors(state, &mut successors)?;
        let partial = expansion == Expansion::Partial;
        let dead = successors.is_empty();
        if ctx.record {
            let labels = successors.labels();
            out.unrecordable |= expansion != Expansion::Full || labels.len() != successors.len();
            out.degrees.push(successors.len() as u32);
            out.labels.extend_from_slice(labels);
        }
        out.edges += successors.len() as u64;
        if dead {
            out.deadlocks += 1;
            if !ctx.found_deadlock && out.first_deadlock.is_none() {
                out.first_deadlock = Some(id);
            }
        }
        out.represented += ctx.space.orbit_size(state)?;
        let stats = ctx.space.token_stats(state);
        out.max_total = out.max_total.max(stats.total);
        out.max_place = out.max_place.max(stats.max_in_place);
        if properties > 0 {
            targets.fill(false);
            let hints = TargetHints {
                parent: (ctx.parents_help)
                    .then(|| store.parent(id).map(|parent| store.state(parent)))
                    .flatten(),
                decided: ctx.found,
            };
            ctx.space
                .property_targets_with(state, dead, hints, &mut targets)?;
            for (i, &hit) in targets.iter().enumerate() {
                if hit && !ctx.found[i] && out.first_targets[i].is_none() {
                    out.first_targets[i] = Some(id);
                }
            }
        }
        let position = ((first + offset) as u64) << 32;
        let flag = if partial {
            out.partial
                .push(((first + offset) as u32, successors.len() as u32));
            PARTIAL
        } else {
            0
        };
        for (rank, successor) in successors.iter().enumerate() {
            let hash = hash_state(successor);
            let bucket = &mut out.buckets[shard_of(hash)];
            // A successor met earlier in this chunk has a smaller key: drop it
            // (unless the insert phase must see it for the cycle proviso).
            let seen = &mut recent[hash as usize & (recent_len - 1)];
            let tag = (hash >> 32) as u32;
            if !partial
                && !ctx.record
                && seen.0 == tag
                && (seen.1 as usize) < bucket.hashes.len()
                && same_state(bucket.state(ctx.layout, seen.1 as usize), successor)
            {
                continue;
            }
            *seen = (tag, bucket.hashes.len() as u32);
            bucket.push(ctx.layout, successor, hash, position | flag | rank as u64);
        }
        if let Some(beat) = ctx.beat {
            unreported += 1;
            if unreported == STATES_PER_BEAT_CHECK {
                beat.count(unreported);
                unreported = 0;
            }
        }
    }
    if let Some(beat) = ctx.beat {
        beat.count(unreported);
    }
    let bytes: usize = out.buckets.iter().map(Bucket::bytes).sum();
    let total = ctx.candidate_bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
    if ctx
        .max_memory
        .is_some_and(|max| ctx.store_bytes + total > max)
    {
        ctx.budget.exhaust(Exhausted::Memory);
    }
    Ok(Some(out))
}

/// Expands the partially expanded frontier states at `positions` again, in
/// full; `reduced` gives the number of successors they already pushed.
pub(super) fn expand_again<S: StateSpace>(
    ctx: &LevelCtx<'_, S>,
    store: &Store,
    positions: &[u32],
    reduced: &HashMap<u32, u32>,
) -> Result<Option<ChunkOut>, S::Error> {
    let buckets = (0..SHARDS).map(|_| Bucket::default()).collect();
    let mut out = ChunkOut {
        // Expanded again in full after a partial expansion: a reduced graph.
        unrecordable: true,
        ..ChunkOut::empty(buckets, 0)
    };
    let mut successors = StateBuf::new();
    let result = ctx.budget.install(|| -> Result<(), S::Error> {
        for &position in positions {
            if budget::tick().is_err() {
                return Ok(());
            }
            let state = store.state(ctx.frontier[position as usize]);
            successors.clear();
            ctx.space.successors(state, &mut successors)?;
            let before = reduced.get(&position).copied().unwrap_or(0) as u64;
            out.edges += (successors.len() as u64).saturating_sub(before);
            for (rank, successor) in successors.iter().enumerate() {
                let hash = hash_state(successor);
                let key = (u64::from(position) << 32) | FULL_AGAIN | rank as u64;
                out.buckets[shard_of(hash)].push(ctx.layout, successor, hash, key);
            }
        }
        Ok(())
    });
    match result {
        Err(_) if ctx.budget.exhausted().is_some() => Ok(None),
        Err(e) => Err(e),
        Ok(()) => Ok(Some(out)),
    }
}
