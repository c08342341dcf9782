//! The level-synchronous parallel breadth-first search.
//!
//! Each level runs in two phases:
//! 1. *expand*: the frontier (the states found by the previous level, in shard
//!    order) is cut into fixed-size chunks; each chunk, on any thread, computes
//!    the successors of its states, evaluates the properties and statistics of
//!    its states, and buckets the successors by shard;
//! 2. *insert*: each shard, on any thread, takes its bucket from every chunk in
//!    chunk order and inserts the successors it has not seen.
//!
//! Chunks and their order do not depend on the thread count, so neither do the
//! state ids, the parent links, nor the first target of each property.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use super::store::{Insert, NO_PARENT, SHARDS, StateId, Store, append_words, hash_state, shard_of};
use super::{StateBuf, StateLayout, StateSpace};

/// Insertions whose table slots are loaded together before inserting.
const WARM_BATCH: usize = 16;

/// States per expansion chunk. Fixed so that results do not depend on threads.
const CHUNK: usize = 1024;

/// A progress callback, called after every level.
pub type ProgressHook = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Limits and hooks of an exploration.
#[derive(Clone, Default)]
pub struct ExploreOptions {
    /// Stop after the level at which this many states are stored.
    pub max_states: Option<u64>,
    /// Stop before the explorer's tables and buffers exceed this many bytes.
    pub max_memory: Option<u64>,
    /// Stop after this much time.
    pub timeout: Option<Duration>,
    /// Called after every level, e.g. to draw a progress bar.
    pub progress: Option<ProgressHook>,
}

impl std::fmt::Debug for ExploreOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExploreOptions")
            .field("max_states", &self.max_states)
            .field("max_memory", &self.max_memory)
            .field("timeout", &self.timeout)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// A snapshot of a running exploration.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// States stored so far.
    pub states: u64,
    /// Edges found so far.
    pub edges: u64,
    /// States waiting to be expanded.
    pub frontier: u64,
    /// Levels so far.
    pub depth: u32,
    /// Bytes held by the explorer's tables.
    pub memory_bytes: u64,
    /// Time since the start.
    pub elapsed: Duration,
}

/// Why an exploration stopped before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum StopReason {
    /// `max_states` was reached.
    MaxStates,
    /// `max_memory` would have been exceeded.
    MaxMemory,
    /// `timeout` passed.
    Timeout,
    /// A shard ran out of state ids (more than about 4 billion states).
    IdSpace,
}

impl StopReason {
    fn code(self) -> u8 {
        match self {
            StopReason::MaxStates => 1,
            StopReason::MaxMemory => 2,
            StopReason::Timeout => 3,
            StopReason::IdSpace => 4,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(StopReason::MaxStates),
            2 => Some(StopReason::MaxMemory),
            3 => Some(StopReason::Timeout),
            4 => Some(StopReason::IdSpace),
            _ => None,
        }
    }
}

/// Why an exploration failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExploreError<E: std::error::Error + 'static> {
    /// The space failed to compute a state's successors or properties.
    #[error("state space error: {source}")]
    Space {
        /// The space's error.
        #[source]
        source: E,
    },
    /// The space's labelled successors lack a successor its plain successors
    /// have: the two methods disagree (a bug in the space).
    #[error("step {index} of a trace has no labelled successor")]
    UnlabelledStep {
        /// The step's position in the trace.
        index: usize,
    },
}

/// The result of an exploration: the visited set and the statistics.
#[derive(Debug)]
pub struct Exploration {
    pub(crate) store: Store,
    /// `level_starts[d][s]`: index in shard `s` of the first state of level `d`.
    pub(crate) level_starts: Vec<[usize; SHARDS]>,
    /// Reachable states found.
    pub states: u64,
    /// (state, enabled binding) pairs of the expanded states.
    pub edges: u64,
    /// Expanded states without successor.
    pub deadlocks: u64,
    /// Largest token count of an expanded state.
    pub max_tokens_per_marking: u64,
    /// Largest token count of a place in an expanded state.
    pub max_tokens_in_place: u64,
    /// Breadth-first levels (the initial state is level 1).
    pub depth: u32,
    /// Why the exploration stopped early, if it did.
    pub stopped: Option<StopReason>,
    /// Per property, the first target in breadth-first canonical order.
    pub first_targets: Vec<Option<StateId>>,
    /// The first dead state in canonical order.
    pub first_deadlock: Option<StateId>,
    /// Wall-clock time of the exploration.
    pub elapsed: Duration,
    /// Peak bytes held by the explorer's tables and buffers.
    pub peak_bytes: u64,
}

impl Exploration {
    /// Whether every reachable state was expanded.
    pub fn complete(&self) -> bool {
        self.stopped.is_none()
    }

    /// The encoded state with id `id`.
    pub fn state(&self, id: StateId) -> &[u32] {
        self.store.state(id)
    }

    /// The id of `state`, if it was reached.
    pub fn find(&self, state: &[u32]) -> Option<StateId> {
        self.store.find(state)
    }

    /// The ids of a shortest path from the initial state to `id`, both included.
    pub fn path_to(&self, id: StateId) -> Vec<StateId> {
        let mut path = vec![id];
        let mut current = id;
        while let Some(parent) = self.store.parent(current) {
            path.push(parent);
            current = parent;
        }
        path.reverse();
        path
    }

    /// Every stored state id in canonical order: by level, then shard, then index.
    pub fn ids(&self) -> impl Iterator<Item = StateId> + '_ {
        let lens: [usize; SHARDS] = std::array::from_fn(|s| self.store.shards[s].len());
        self.level_starts
            .iter()
            .enumerate()
            .flat_map(move |(d, starts)| {
                let ends = *self.level_starts.get(d + 1).unwrap_or(&lens);
                (0..SHARDS).flat_map(move |s| (starts[s]..ends[s]).map(move |l| Store::id(s, l)))
            })
    }
}

/// Successors of one chunk headed for one shard.
#[derive(Default)]
struct Bucket {
    words: Vec<u32>,
    ends: Vec<usize>,
    hashes: Vec<u64>,
    parents: Vec<StateId>,
}

impl Bucket {
    fn push(&mut self, layout: StateLayout, state: &[u32], hash: u64, parent: StateId) {
        append_words(&mut self.words, state);
        if layout == StateLayout::Variable {
            self.ends.push(self.words.len());
        }
        self.hashes.push(hash);
        self.parents.push(parent);
    }

    fn state(&self, layout: StateLayout, i: usize) -> &[u32] {
        match layout {
            StateLayout::Fixed(w) => &self.words[i * w..(i + 1) * w],
            StateLayout::Variable => {
                let start = if i == 0 { 0 } else { self.ends[i - 1] };
                &self.words[start..self.ends[i]]
            }
        }
    }

    fn clear(&mut self) {
        self.words.clear();
        self.ends.clear();
        self.hashes.clear();
        self.parents.clear();
    }

    fn bytes(&self) -> usize {
        self.words.capacity() * 4
            + self.ends.capacity() * 8
            + self.hashes.capacity() * 8
            + self.parents.capacity() * 4
    }
}

/// What expanding one chunk produced.
struct ChunkOut {
    buckets: Vec<Bucket>,
    edges: u64,
    deadlocks: u64,
    max_total: u64,
    max_place: u64,
    first_targets: Vec<Option<StateId>>,
    first_deadlock: Option<StateId>,
}

/// A run of frontier states of one shard: (shard, first index, end index).
type Piece = (usize, usize, usize);

/// Cuts the frontier into chunks of at most [`CHUNK`] states, in shard order.
fn chunks(starts: &[usize; SHARDS], ends: &[usize; SHARDS]) -> Vec<Vec<Piece>> {
    let mut chunks = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    let mut size = 0;
    for shard in 0..SHARDS {
        let mut start = starts[shard];
        while start < ends[shard] {
            let end = ends[shard].min(start + (CHUNK - size));
            current.push((shard, start, end));
            size += end - start;
            start = end;
            if size == CHUNK {
                chunks.push(std::mem::take(&mut current));
                size = 0;
            }
        }
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// Shared state of one level's expansion.
struct LevelCtx<'a, S> {
    space: &'a S,
    store: &'a Store,
    layout: StateLayout,
    found: &'a [bool],
    found_deadlock: bool,
    stop: &'a AtomicU8,
    limits: &'a Limits,
    candidate_bytes: &'a AtomicUsize,
}

struct Limits {
    deadline: Option<Instant>,
    max_memory: Option<usize>,
    store_bytes: usize,
}

fn expand_chunk<S: StateSpace>(
    ctx: &LevelCtx<'_, S>,
    pieces: &[Piece],
    buckets: Vec<Bucket>,
) -> Result<Option<ChunkOut>, S::Error> {
    if ctx.stop.load(Ordering::Relaxed) != 0 {
        return Ok(None);
    }
    if ctx.limits.deadline.is_some_and(|d| Instant::now() >= d) {
        ctx.stop
            .store(StopReason::Timeout.code(), Ordering::Relaxed);
        return Ok(None);
    }
    let properties = ctx.found.len();
    let mut out = ChunkOut {
        buckets,
        edges: 0,
        deadlocks: 0,
        max_total: 0,
        max_place: 0,
        first_targets: vec![None; properties],
        first_deadlock: None,
    };
    let mut successors = StateBuf::new();
    let mut targets = vec![false; properties];
    for &(shard, start, end) in pieces {
        for local in start..end {
            let id = Store::id(shard, local);
            let state = ctx.store.shards[shard].state(local);
            successors.clear();
            ctx.space.successors(state, &mut successors)?;
            let dead = successors.is_empty();
            out.edges += successors.len() as u64;
            if dead {
                out.deadlocks += 1;
                if !ctx.found_deadlock && out.first_deadlock.is_none() {
                    out.first_deadlock = Some(id);
                }
            }
            let stats = ctx.space.token_stats(state);
            out.max_total = out.max_total.max(stats.total);
            out.max_place = out.max_place.max(stats.max_in_place);
            if properties > 0 {
                targets.fill(false);
                ctx.space.property_targets(state, dead, &mut targets)?;
                for (i, &hit) in targets.iter().enumerate() {
                    if hit && !ctx.found[i] && out.first_targets[i].is_none() {
                        out.first_targets[i] = Some(id);
                    }
                }
            }
            for successor in successors.iter() {
                let hash = hash_state(successor);
                out.buckets[shard_of(hash)].push(ctx.layout, successor, hash, id);
            }
        }
    }
    let bytes: usize = out.buckets.iter().map(Bucket::bytes).sum();
    let total = ctx.candidate_bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
    if ctx
        .limits
        .max_memory
        .is_some_and(|max| ctx.limits.store_bytes + total > max)
    {
        ctx.stop
            .store(StopReason::MaxMemory.code(), Ordering::Relaxed);
    }
    Ok(Some(out))
}

/// Explores every state reachable in `space`, in parallel on the current rayon
/// pool, within the limits of `options`.
pub fn explore<S: StateSpace>(
    space: &S,
    options: &ExploreOptions,
) -> Result<Exploration, ExploreError<S::Error>> {
    let started = Instant::now();
    let layout = space.layout();
    let properties = space.properties().len();
    let mut store = Store::new(layout);
    let initial = space
        .initial()
        .map_err(|source| ExploreError::Space { source })?;
    let hash = hash_state(&initial);
    store.shards[shard_of(hash)].insert(&initial, hash, NO_PARENT);

    let mut ex = Exploration {
        store,
        level_starts: vec![[0; SHARDS]],
        states: 1,
        edges: 0,
        deadlocks: 0,
        max_tokens_per_marking: 0,
        max_tokens_in_place: 0,
        depth: 1,
        stopped: None,
        first_targets: vec![None; properties],
        first_deadlock: None,
        elapsed: Duration::ZERO,
        peak_bytes: 0,
    };
    let deadline = options.timeout.map(|t| started + t);
    let max_memory = options
        .max_memory
        .map(|m| usize::try_from(m).unwrap_or(usize::MAX));
    let stop = AtomicU8::new(0);
    // Bucket buffers of the previous level, reused to spare allocations.
    let mut spare: Vec<Vec<Bucket>> = Vec::new();
    loop {
        let starts = *ex.level_starts.last().unwrap_or(&[0; SHARDS]);
        let ends: [usize; SHARDS] = std::array::from_fn(|s| ex.store.shards[s].len());
        let frontier: usize = (0..SHARDS).map(|s| ends[s] - starts[s]).sum();
        if frontier == 0 {
            break;
        }
        let store_bytes = ex.store.bytes();
        ex.peak_bytes = ex.peak_bytes.max(store_bytes as u64);
        if let Some(max) = options.max_states
            && ex.states >= max
        {
            ex.stopped = Some(StopReason::MaxStates);
            break;
        }
        if max_memory.is_some_and(|max| store_bytes > max) {
            ex.stopped = Some(StopReason::MaxMemory);
            break;
        }
        let found: Vec<bool> = ex.first_targets.iter().map(Option::is_some).collect();
        let limits = Limits {
            deadline,
            max_memory,
            store_bytes,
        };
        let candidate_bytes = AtomicUsize::new(0);
        let ctx = LevelCtx {
            space,
            store: &ex.store,
            layout,
            found: &found,
            found_deadlock: ex.first_deadlock.is_some(),
            stop: &stop,
            limits: &limits,
            candidate_bytes: &candidate_bytes,
        };
        let chunks = chunks(&starts, &ends);
        let mut buffers: Vec<Vec<Bucket>> = Vec::with_capacity(chunks.len());
        buffers.extend(spare.drain(..).take(chunks.len()));
        buffers.resize_with(chunks.len(), || {
            (0..SHARDS).map(|_| Bucket::default()).collect()
        });
        let outs: Vec<Option<ChunkOut>> = chunks
            .par_iter()
            .zip(buffers)
            .map(|(pieces, buckets)| expand_chunk(&ctx, pieces, buckets))
            .collect::<Result<_, _>>()
            .map_err(|source| ExploreError::Space { source })?;
        ex.peak_bytes = ex
            .peak_bytes
            .max((store_bytes + candidate_bytes.load(Ordering::Relaxed)) as u64);
        let outs: Vec<ChunkOut> = outs.into_iter().flatten().collect();
        for out in &outs {
            ex.edges += out.edges;
            ex.deadlocks += out.deadlocks;
            ex.max_tokens_per_marking = ex.max_tokens_per_marking.max(out.max_total);
            ex.max_tokens_in_place = ex.max_tokens_in_place.max(out.max_place);
            for (first, hit) in ex.first_targets.iter_mut().zip(&out.first_targets) {
                if first.is_none() {
                    *first = *hit;
                }
            }
            if ex.first_deadlock.is_none() {
                ex.first_deadlock = out.first_deadlock;
            }
        }
        if let Some(reason) = StopReason::from_code(stop.load(Ordering::Relaxed)) {
            ex.stopped = Some(reason);
            break;
        }
        let full = insert_level(&mut ex.store, layout, &outs);
        spare = outs
            .into_iter()
            .map(|mut out| {
                out.buckets.iter_mut().for_each(Bucket::clear);
                out.buckets
            })
            .collect();
        ex.level_starts.push(ends);
        ex.states = ex.store.len() as u64;
        if full {
            ex.stopped = Some(StopReason::IdSpace);
            break;
        }
        if ex.store.len() > ends.iter().sum::<usize>() {
            ex.depth += 1;
        }
        if let Some(progress) = &options.progress {
            progress(&Progress {
                states: ex.states,
                edges: ex.edges,
                frontier: (ex.states as usize - ends.iter().sum::<usize>()) as u64,
                depth: ex.depth,
                memory_bytes: ex.store.bytes() as u64,
                elapsed: started.elapsed(),
            });
        }
    }
    ex.peak_bytes = ex.peak_bytes.max(ex.store.bytes() as u64);
    ex.elapsed = started.elapsed();
    Ok(ex)
}

/// Inserts every chunk's successors into their shards, one task per shard.
/// Returns whether a shard ran out of ids.
fn insert_level(store: &mut Store, layout: StateLayout, outs: &[ChunkOut]) -> bool {
    store
        .shards
        .par_iter_mut()
        .enumerate()
        .map(|(s, shard)| {
            for out in outs {
                let bucket = &out.buckets[s];
                for batch in (0..bucket.hashes.len()).step_by(WARM_BATCH) {
                    let end = bucket.hashes.len().min(batch + WARM_BATCH);
                    std::hint::black_box(shard.warm(&bucket.hashes[batch..end]));
                    for i in batch..end {
                        let state = bucket.state(layout, i);
                        if shard.insert(state, bucket.hashes[i], bucket.parents[i]) == Insert::Full
                        {
                            return true;
                        }
                    }
                }
            }
            false
        })
        .reduce(|| false, |a, b| a || b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_frontier_in_order() {
        let starts = [0usize; SHARDS];
        let mut ends = [0usize; SHARDS];
        ends[0] = 1500;
        ends[3] = 700;
        let cut = chunks(&starts, &ends);
        assert_eq!(cut.len(), 3);
        assert_eq!(cut[0], vec![(0, 0, 1024)]);
        assert_eq!(cut[1], vec![(0, 1024, 1500), (3, 0, 548)]);
        assert_eq!(cut[2], vec![(3, 548, 700)]);
    }
}
