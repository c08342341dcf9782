//! The level-synchronous parallel breadth-first search.
//!
//! Each level runs in three phases:
//! 1. *expand*: the frontier (the states found by the previous level) is cut
//!    into fixed-size chunks; each chunk, on any thread, computes the successors
//!    of its states, evaluates the properties and statistics of its states, and
//!    buckets the successors by shard, each tagged with its *discovery key*
//!    (position of its parent in the frontier, rank among the parent's successors);
//! 2. *insert*: each shard, on any thread, takes its bucket from every chunk in
//!    chunk order and inserts the successors it has not seen; a new state keeps
//!    the key of its first discovery, and its first discoverer as parent;
//! 3. *order*: the new states, sorted by key, form the next frontier.
//!
//! Phases 1 and 2 alternate over batches of [`BATCH_CHUNKS`] chunks, so that
//! the successors waiting to be inserted are those of one batch, not of a
//! whole level (a level of Kanban-PT-00005 has a million of them). Each shard
//! still receives the chunks in order, so nothing else changes.
//!
//! The frontier is thus in exactly the order of a plain sequential BFS, and the
//! first target of each property, its parent chain, the state ids and all the
//! counts are those of that sequential search, whatever the thread count.
//!
//! Under a partial-order reduction ([`StateSpace::reduced_successors`]) the
//! insert phase also notes every partially expanded state with a successor
//! stored before this level (a successor that may close a cycle; in a
//! breadth-first graph every cycle has such an edge). Those states are then
//! expanded again in full, in frontier order, and their other successors
//! inserted after the first ones (their keys sort after them): every cycle of
//! the reduced graph thus has a fully expanded state (the cycle proviso), and
//! the result still does not depend on the threads. A state expanded as
//! [`Expansion::PartialDeadlocksOnly`] needs no proviso and is not noted.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use super::edges::RecordedEdges;
use super::growth::{self, Growth};
use super::levels::LevelEnds;
use super::store::{
    Insert, NO_PARENT, SHARDS, Shard, StateId, Store, append_words, hash_state, same_state,
    shard_of, split_id,
};
use super::{Expansion, StateBuf, StateLayout, StateSpace, TargetHints};
use crate::budget::{self, Budget, Exhausted};

/// Insertions whose table slots are loaded together before inserting.
const WARM_BATCH: usize = 16;

/// Entries of the per-chunk cache of recent successors (a power of two).
const RECENT: usize = 8192;

/// Entries of that cache per state of the chunk, up to [`RECENT`].
const RECENT_PER_STATE: usize = 8;

/// States per expansion chunk. Fixed so that results do not depend on threads.
const CHUNK: usize = 1024;

/// Chunks expanded before their successors are inserted: the successor
/// buckets hold one batch, whatever the size of a level.
const BATCH_CHUNKS: usize = 8;

/// The least time between two reads of the resident memory at the start of
/// a level (the expansion's own ticks read it every
/// [`budget::TICKS_PER_MEMORY_CHECK`] steps besides).
const RSS_READ_INTERVAL: Duration = Duration::from_millis(10);

/// Successors in a batch below which its insertion runs on the calling
/// thread, shard after shard: waking the other workers for a few states
/// costs more than inserting them (a net whose levels are a state or two
/// wide would spend most of its time in wake-ups).
const INSERT_IN_PARALLEL_FROM: usize = 256;

/// Discovery-key flag of a successor of a partially expanded state.
const PARTIAL: u64 = 1 << 30;

/// Discovery-key flag of a successor found by expanding a state again in full.
const FULL_AGAIN: u64 = 1 << 31;

/// A progress callback, called after every level.
pub type ProgressHook = Arc<dyn Fn(&Progress) + Send + Sync>;

/// A condition that ends an exploration ([`ExploreOptions::until`]).
pub type StopHook = Arc<dyn Fn() -> bool + Send + Sync>;

/// A progress callback called from inside a level, at most once per `every`.
#[derive(Clone)]
pub struct Heartbeat {
    /// The shortest interval between two calls.
    pub every: Duration,
    /// The callback; it is called on one worker thread at a time.
    pub hook: ProgressHook,
}

/// States a worker expands between two looks at the heartbeat's clock.
const STATES_PER_BEAT_CHECK: u32 = 32;

/// Limits and hooks of an exploration.
#[derive(Clone, Default)]
pub struct ExploreOptions {
    /// Stop after the level at which this many states are stored.
    pub max_states: Option<u64>,
    /// Explore only the states reachable in at most this many steps: those
    /// this many steps from the initial one are expanded (judged, their
    /// edges and dead states counted) but their successors are not stored;
    /// the run stops there with [`StopReason::MaxDepth`] unless every one of
    /// those successors is already stored. Sound only for a space that
    /// expands every state in full (no partial-order reduction: its stubborn
    /// sets may put a step off beyond the bound).
    pub max_depth: Option<u32>,
    /// Stop before the process's resident memory (RSS) exceeds this many bytes
    /// (checked inside binding enumeration and insertion, not only between
    /// levels); where the system does not report RSS, the explorer's own
    /// tables and buffers are counted instead.
    pub max_memory: Option<u64>,
    /// Stop after this much time (checked inside binding enumeration too).
    pub timeout: Option<Duration>,
    /// Called after every level, e.g. to draw a progress bar.
    pub progress: Option<ProgressHook>,
    /// Called while a level is being expanded, so that long levels are not
    /// silent. It only observes: the result does not depend on it.
    pub heartbeat: Option<Heartbeat>,
    /// Stop (with [`StopReason::Decided`]) after the level at which every
    /// property of the space has a target: their verdicts are then known.
    pub stop_when_decided: bool,
    /// Stop (with [`StopReason::Decided`]) after the level at the end of
    /// which this returns true: the run has learnt what it was for (the
    /// stubborn sets' trial, once it has decided).
    pub until: Option<StopHook>,
    /// Record every edge with its label ([`Exploration::recorded`]), for
    /// spaces that label their successors ([`StateBuf::push_labelled`]);
    /// the states are then stored in arenas whatever their width. The
    /// record is dropped if a state is expanded only partly (a partial-order
    /// reduction) or the exploration stops early.
    pub record_edges: bool,
}

impl std::fmt::Debug for ExploreOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExploreOptions")
            .field("max_states", &self.max_states)
            .field("max_depth", &self.max_depth)
            .field("max_memory", &self.max_memory)
            .field("timeout", &self.timeout)
            .field("progress", &self.progress.is_some())
            .field("heartbeat", &self.heartbeat.is_some())
            .field("stop_when_decided", &self.stop_when_decided)
            .field("until", &self.until.is_some())
            .field("record_edges", &self.record_edges)
            .finish()
    }
}

/// A snapshot of a running exploration.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// States stored so far.
    pub states: u64,
    /// States whose successors have been computed so far.
    pub expanded: u64,
    /// Edges found so far.
    pub edges: u64,
    /// States waiting to be expanded (in a heartbeat: the rest of this level).
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
    /// The states `max_depth` steps from the initial one were judged, and
    /// their successors not stored.
    MaxDepth,
    /// `max_memory` would have been exceeded.
    MaxMemory,
    /// `timeout` passed.
    Timeout,
    /// A shard ran out of state ids (more than about 4 billion states).
    IdSpace,
    /// Every property had a target (`stop_when_decided`).
    Decided,
    /// A state holds every token of one of its ancestors, and more: the
    /// net is unbounded ([`Exploration::growth`]).
    Unbounded,
}

impl StopReason {
    /// The reason as the JSON output spells it.
    pub fn name(self) -> &'static str {
        match self {
            StopReason::MaxStates => "max-states",
            StopReason::MaxDepth => "max-depth",
            StopReason::MaxMemory => "max-memory",
            StopReason::Timeout => "timeout",
            StopReason::IdSpace => "id-space",
            StopReason::Decided => "decided",
            StopReason::Unbounded => "unbounded",
        }
    }
}

impl From<Exhausted> for StopReason {
    fn from(reason: Exhausted) -> Self {
        match reason {
            Exhausted::Time => StopReason::Timeout,
            Exhausted::Memory => StopReason::MaxMemory,
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
    /// Where each breadth-first level ends in the shards.
    level_ends: LevelEnds,
    /// Reachable states found.
    pub states: u64,
    /// (state, enabled binding) pairs of the expanded states.
    pub edges: u64,
    /// Expanded states without successor.
    pub deadlocks: u64,
    /// The states the expanded ones stand for under the space's reduction
    /// ([`StateSpace::orbit_size`] summed); equal to the expanded states without one.
    pub represented_states: u64,
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
    /// Every edge, if [`ExploreOptions::record_edges`] asked for them and
    /// the whole graph was explored without partial-order reduction.
    pub recorded: Option<RecordedEdges>,
    /// Why the net is unbounded, where the exploration stopped for it
    /// ([`StopReason::Unbounded`]).
    pub growth: Option<Growth>,
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

    /// The id of `state`, if it was reached. Slow for narrow fixed-width
    /// states, stored inline (the table's slots hold no ids: the shard's index
    /// is scanned); meant for tests and small graphs.
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

    /// Bytes held by the visited set, the level ends and the recorded edges.
    fn bytes(&self) -> usize {
        self.store.bytes()
            + self.level_ends.bytes()
            + self.recorded.as_ref().map_or(0, RecordedEdges::bytes)
    }

    /// Every stored state id, level by level (the initial state first) and,
    /// within a level, shard by shard in insertion order: a breadth-first
    /// order that does not depend on the thread count.
    pub fn ids(&self) -> impl Iterator<Item = StateId> + '_ {
        self.level_ends.ids()
    }
}

/// Successors of one chunk headed for one shard.
#[derive(Default)]
struct Bucket {
    words: Vec<u32>,
    ends: Vec<usize>,
    hashes: Vec<u64>,
    /// Discovery keys: parent's frontier position << 32 | successor rank.
    keys: Vec<u64>,
}

impl Bucket {
    fn push(&mut self, layout: StateLayout, state: &[u32], hash: u64, key: u64) {
        append_words(&mut self.words, state);
        if layout == StateLayout::Variable {
            self.ends.push(self.words.len());
        }
        self.hashes.push(hash);
        self.keys.push(key);
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
        self.keys.clear();
    }

    fn bytes(&self) -> usize {
        self.words.capacity() * 4
            + self.ends.capacity() * 8
            + self.hashes.capacity() * 8
            + self.keys.capacity() * 8
    }
}

/// What expanding one chunk produced.
struct ChunkOut {
    buckets: Vec<Bucket>,
    edges: u64,
    deadlocks: u64,
    represented: u64,
    max_total: u64,
    max_place: u64,
    first_targets: Vec<Option<StateId>>,
    first_deadlock: Option<StateId>,
    /// (frontier position, successors) of the partially expanded states.
    partial: Vec<(u32, u32)>,
    /// When edges are recorded: each state's number of successors and the
    /// successors' labels, in order; `unrecordable` if a state was expanded
    /// only partly or its successors had no labels.
    degrees: Vec<u32>,
    labels: Vec<u32>,
    unrecordable: bool,
}

/// Shared state of one level's expansion.
struct LevelCtx<'a, S> {
    space: &'a S,
    /// The frontier's state ids, in frontier order (the states themselves
    /// are read from the store: the frontier keeps no copy of them).
    frontier: &'a [StateId],
    layout: StateLayout,
    found: &'a [bool],
    /// Whether the space's property targets use the state's parent
    /// ([`StateSpace::targets_use_parent`]).
    parents_help: bool,
    found_deadlock: bool,
    budget: &'a Arc<Budget>,
    max_memory: Option<usize>,
    store_bytes: usize,
    candidate_bytes: &'a AtomicUsize,
    beat: Option<&'a LevelBeat<'a>>,
    /// Whether edges are recorded (every successor then reaches the insert phase).
    record: bool,
}

/// The heartbeat of one level: workers count the states they expand, and the
/// first to see that the next beat is due reports it.
struct LevelBeat<'a> {
    heartbeat: &'a Heartbeat,
    started: Instant,
    /// The progress at the start of the level (`frontier`: the level's size).
    base: Progress,
    /// States of this level expanded so far.
    expanded: AtomicU64,
    /// When the next beat is due, in milliseconds since `started`.
    due_ms: &'a AtomicU64,
    candidate_bytes: &'a AtomicUsize,
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
fn expand_chunk<S: StateSpace>(
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
    let mut out = ChunkOut {
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
    };
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

/// Explores every state reachable in `space`, in parallel on the current rayon
/// pool, within the limits of `options`.
pub fn explore<S: StateSpace>(
    space: &S,
    options: &ExploreOptions,
) -> Result<Exploration, ExploreError<S::Error>> {
    explore_tuned(space, options, Tuning::DEFAULT)
}

/// How the explorer divides its work; the result does not depend on it.
#[derive(Clone, Copy)]
struct Tuning {
    /// Chunks of a level expanded before their successors are inserted.
    batch_chunks: usize,
    /// Successors in a batch from which it is inserted in parallel, a task
    /// per shard.
    insert_in_parallel_from: usize,
}

impl Tuning {
    /// What [`explore`] uses.
    const DEFAULT: Tuning = Tuning {
        batch_chunks: BATCH_CHUNKS,
        insert_in_parallel_from: INSERT_IN_PARALLEL_FROM,
    };
}

/// [`explore`], with the division of work of `tuning`.
fn explore_tuned<S: StateSpace>(
    space: &S,
    options: &ExploreOptions,
    tuning: Tuning,
) -> Result<Exploration, ExploreError<S::Error>> {
    let batch_chunks = tuning.batch_chunks;
    let started = Instant::now();
    let layout = space.layout();
    let properties = space.properties().len();
    let parents_help = properties > 0 && space.targets_use_parent();
    // Recording an edge to a known successor needs its id, which an arena
    // shard's insertion gives (an inline shard knows only the slot).
    let mut store = match options.record_edges {
        true => Store::with_arenas(layout),
        false => Store::new(layout),
    };
    let initial = space
        .initial()
        .map_err(|source| ExploreError::Space { source })?;
    let hash = hash_state(&initial);
    let shard = shard_of(hash);
    store.shards[shard].insert(&initial, hash, NO_PARENT);

    let mut ex = Exploration {
        store,
        level_ends: LevelEnds::default(),
        states: 1,
        edges: 0,
        deadlocks: 0,
        represented_states: 0,
        max_tokens_per_marking: 0,
        max_tokens_in_place: 0,
        depth: 1,
        stopped: None,
        first_targets: vec![None; properties],
        first_deadlock: None,
        elapsed: Duration::ZERO,
        peak_bytes: 0,
        recorded: options.record_edges.then(RecordedEdges::new),
        growth: None,
    };
    let max_memory = options
        .max_memory
        .map(|m| usize::try_from(m).unwrap_or(usize::MAX));
    let budget = Arc::new(Budget::starting_at(
        started,
        options.timeout,
        max_memory.map(|m| m as u64),
    ));
    // Bucket buffers of the previous batch, reused to spare allocations.
    let mut spare: Vec<Vec<Bucket>> = Vec::new();
    ex.level_ends.push(&ex.store.shard_lens());
    let mut frontier_ids: Vec<StateId> = vec![Store::id(shard, 0)];
    let mut rss_read_at: Option<Instant> = None;
    let beat_due_ms = AtomicU64::new(options.heartbeat.as_ref().map_or(0, |h| {
        u64::try_from(h.every.as_millis()).unwrap_or(u64::MAX)
    }));
    loop {
        let frontier: &[StateId] = &frontier_ids;
        if frontier.is_empty() {
            break;
        }
        let store_bytes = ex.bytes();
        ex.peak_bytes = ex.peak_bytes.max(store_bytes as u64);
        if let Some(max) = options.max_states
            && ex.states >= max
        {
            ex.stopped = Some(StopReason::MaxStates);
            break;
        }
        // The frontier lies `depth - 1` steps from the initial state: at the
        // bound it is the last level expanded.
        let last = options.max_depth.is_some_and(|max| ex.depth > max);
        // Whether a successor of the level at the bound is a new state.
        let mut beyond = false;
        if max_memory.is_some_and(|max| store_bytes > max) {
            ex.stopped = Some(StopReason::MaxMemory);
            break;
        }
        // The resident memory is read from the system (a few microseconds),
        // so at most every `RSS_READ_INTERVAL` here: a net whose levels are a
        // state or two wide would spend most of its time reading it.
        let read_rss = rss_read_at.is_none_or(|at: Instant| at.elapsed() >= RSS_READ_INTERVAL);
        if read_rss {
            rss_read_at = Some(Instant::now());
        }
        if let Err(reason) = budget.check(read_rss) {
            ex.stopped = Some(reason.into());
            break;
        }
        let found: Vec<bool> = ex.first_targets.iter().map(Option::is_some).collect();
        let candidate_bytes = AtomicUsize::new(0);
        let beat = options.heartbeat.as_ref().map(|heartbeat| LevelBeat {
            heartbeat,
            started,
            base: Progress {
                states: ex.states,
                expanded: ex.states - frontier.len() as u64,
                edges: ex.edges,
                frontier: frontier.len() as u64,
                depth: ex.depth,
                memory_bytes: store_bytes as u64,
                elapsed: Duration::ZERO,
            },
            expanded: AtomicU64::new(0),
            due_ms: &beat_due_ms,
            candidate_bytes: &candidate_bytes,
        });
        let ctx = LevelCtx {
            space,
            frontier,
            layout,
            found: &found,
            parents_help,
            found_deadlock: ex.first_deadlock.is_some(),
            budget: &budget,
            max_memory,
            store_bytes,
            candidate_bytes: &candidate_bytes,
            beat: beat.as_ref(),
            record: ex.recorded.is_some(),
        };
        // The level is expanded and inserted one batch of chunks at a time, so
        // that the successor buckets stay the size of a batch, not of a level.
        // Each shard still receives the chunks in order, so the store, the ids
        // and the next frontier are those of expanding the level at once.
        let mut inserts = LevelInserts::new();
        // The level's recorded degrees and labels, in frontier order.
        let (mut degrees, mut labels) = (Vec::new(), Vec::new());
        let mut reduced: HashMap<u32, u32> = HashMap::new();
        let mut level_stop = None;
        for (b, batch) in frontier.chunks(CHUNK * batch_chunks).enumerate() {
            let first = b * CHUNK * batch_chunks;
            candidate_bytes.store(0, Ordering::Relaxed);
            let chunks: Vec<&[StateId]> = batch.chunks(CHUNK).collect();
            let mut buffers: Vec<Vec<Bucket>> = Vec::with_capacity(chunks.len());
            buffers.extend(spare.drain(..).take(chunks.len()));
            buffers.resize_with(chunks.len(), || {
                (0..SHARDS).map(|_| Bucket::default()).collect()
            });
            let store = &ex.store;
            let outs: Vec<Option<ChunkOut>> = chunks
                .par_iter()
                .enumerate()
                .zip(buffers)
                .map(|((k, ids), buckets)| {
                    expand_chunk(&ctx, store, first + k * CHUNK, ids, buckets)
                })
                .collect::<Result<_, _>>()
                .map_err(|source| ExploreError::Space { source })?;
            ex.peak_bytes = ex.peak_bytes.max(
                (store_bytes + inserts.bytes() + candidate_bytes.load(Ordering::Relaxed)) as u64,
            );
            let outs: Vec<ChunkOut> = outs.into_iter().flatten().collect();
            for out in &outs {
                ex.edges += out.edges;
                ex.deadlocks += out.deadlocks;
                ex.represented_states += out.represented;
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
                reduced.extend(out.partial.iter().copied());
                if out.unrecordable {
                    ex.recorded = None;
                }
                if ex.recorded.is_some() {
                    degrees.extend_from_slice(&out.degrees);
                    labels.extend_from_slice(&out.labels);
                }
            }
            if let Some(reason) = budget.exhausted() {
                level_stop = Some(reason.into());
                break;
            }
            if options.stop_when_decided
                && !ex.first_targets.is_empty()
                && ex.first_targets.iter().all(Option::is_some)
            {
                level_stop = Some(StopReason::Decided);
                break;
            }
            // At the bound, only successors already stored are inserted (their
            // edges recorded); once one is new, the rest are not looked at.
            if last && (beyond || any_new(&ex.store, layout, &outs)) {
                beyond = true;
                continue;
            }
            let proviso = outs.iter().any(|out| !out.partial.is_empty());
            let batch = Batch {
                layout,
                frontier,
                outs: &outs,
                checks: Checks {
                    proviso,
                    record: ex.recorded.is_some(),
                },
            };
            insert_batch(&mut ex.store, &batch, &budget, tuning, &mut inserts);
            spare = outs
                .into_iter()
                .map(|mut out| {
                    out.buckets.iter_mut().for_each(Bucket::clear);
                    out.buckets
                })
                .collect();
            if budget.exhausted().is_some() || inserts.full() {
                break;
            }
        }
        if level_stop.is_none()
            && inserts.has_revisits()
            && !inserts.full()
            && budget.exhausted().is_none()
        {
            // The cycle proviso: expand those states again, in full.
            let revisit = inserts.revisits();
            let store = &ex.store;
            let again: Vec<ChunkOut> = revisit
                .par_chunks(CHUNK)
                .map(|positions| expand_again(&ctx, store, positions, &reduced))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|source| ExploreError::Space { source })?
                .into_iter()
                .flatten()
                .collect();
            ex.edges += again.iter().map(|out| out.edges).sum::<u64>();
            if budget.exhausted().is_none() {
                let batch = Batch {
                    layout,
                    frontier,
                    outs: &again,
                    checks: Checks {
                        proviso: false,
                        record: false,
                    },
                };
                insert_batch(&mut ex.store, &batch, &budget, tuning, &mut inserts);
            }
        }
        if last && level_stop.is_none() && beyond {
            // The states at the bound are judged; what follows them is not
            // explored.
            ex.stopped = Some(StopReason::MaxDepth);
            ex.recorded = None;
            break;
        }
        if inserts.is_empty()
            && let Some(reason) = level_stop
        {
            // Stopped before this level stored anything.
            ex.stopped = Some(reason);
            break;
        }
        if let Some(recorded) = &mut ex.recorded {
            if level_stop.is_some() {
                ex.recorded = None;
            } else {
                let targets = inserts.edges();
                let edges: u64 = degrees.iter().map(|&d| u64::from(d)).sum();
                if targets.len() as u64 == edges && degrees.len() == frontier.len() {
                    recorded.add_level(frontier, &degrees, &labels, targets);
                } else {
                    // Not every edge was found again: no record rather than a wrong one.
                    ex.recorded = None;
                }
            }
        }
        let NewLevel { ids: next, full } = inserts.finish();
        let new_states = next.len() as u64;
        ex.level_ends.push(&ex.store.shard_lens());
        frontier_ids = next;
        ex.states = ex.store.len() as u64;
        if let Some(reason) = level_stop.or(budget.exhausted().map(StopReason::from)) {
            // The store holds part of the level: consistent, but not expanded.
            ex.stopped = Some(reason);
            break;
        }
        if full {
            ex.stopped = Some(StopReason::IdSpace);
            break;
        }
        // The new level is level `depth + 1`, `depth` steps from the initial state.
        if growth::looks_at(u64::from(ex.depth))
            && space.may_grow()
            && let Some(growth) = growth::find_growth(space, &ex.store, &frontier_ids)
        {
            ex.growth = Some(growth);
            ex.stopped = Some(StopReason::Unbounded);
            break;
        }
        space.level_expanded();
        if new_states > 0 {
            ex.depth += 1;
        }
        if let Some(progress) = &options.progress {
            progress(&Progress {
                states: ex.states,
                expanded: ex.states - new_states,
                edges: ex.edges,
                frontier: new_states,
                depth: ex.depth,
                memory_bytes: ex.bytes() as u64,
                elapsed: started.elapsed(),
            });
        }
        if options.until.as_ref().is_some_and(|done| done()) && !frontier_ids.is_empty() {
            ex.stopped = Some(StopReason::Decided);
            break;
        }
    }
    if ex.stopped.is_some() {
        ex.recorded = None;
    }
    ex.peak_bytes = ex.peak_bytes.max(ex.bytes() as u64);
    ex.elapsed = started.elapsed();
    Ok(ex)
}

/// Expands the partially expanded frontier states at `positions` again, in
/// full; `reduced` gives the number of successors they already pushed.
fn expand_again<S: StateSpace>(
    ctx: &LevelCtx<'_, S>,
    store: &Store,
    positions: &[u32],
    reduced: &HashMap<u32, u32>,
) -> Result<Option<ChunkOut>, S::Error> {
    let mut out = ChunkOut {
        buckets: (0..SHARDS).map(|_| Bucket::default()).collect(),
        edges: 0,
        deadlocks: 0,
        represented: 0,
        max_total: 0,
        max_place: 0,
        first_targets: Vec::new(),
        first_deadlock: None,
        partial: Vec::new(),
        degrees: Vec::new(),
        labels: Vec::new(),
        // Expanded again in full after a partial expansion: a reduced graph.
        unrecordable: true,
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
struct LevelInserts {
    shards: Vec<NewStates>,
}

impl LevelInserts {
    fn new() -> Self {
        LevelInserts {
            shards: (0..SHARDS).map(|_| NewStates::default()).collect(),
        }
    }

    /// Whether a shard ran out of ids.
    fn full(&self) -> bool {
        self.shards.iter().any(|new| new.full)
    }

    /// Whether no state was stored.
    fn is_empty(&self) -> bool {
        self.shards.iter().all(|new| new.keys.is_empty())
    }

    fn has_revisits(&self) -> bool {
        self.shards.iter().any(|new| !new.revisit.is_empty())
    }

    /// Frontier positions to expand again in full (sorted, no repeats).
    fn revisits(&self) -> Vec<u32> {
        let mut revisit: Vec<u32> = self
            .shards
            .iter()
            .flat_map(|new| new.revisit.iter().copied())
            .collect();
        revisit.sort_unstable();
        revisit.dedup();
        revisit
    }

    fn bytes(&self) -> usize {
        self.shards.iter().map(NewStates::bytes).sum()
    }

    /// The targets of the level's recorded edges, in discovery-key order
    /// (parent by parent in frontier order, each parent's successors in
    /// the space's order).
    fn edges(&mut self) -> Vec<StateId> {
        let mut edges: Vec<(u64, StateId)> = self
            .shards
            .iter_mut()
            .flat_map(|new| std::mem::take(&mut new.edges))
            .collect();
        edges.par_sort_unstable_by_key(|&(key, _)| key);
        edges.into_iter().map(|(_, id)| id).collect()
    }

    /// The level's new states in discovery-key order.
    fn finish(self) -> NewLevel {
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
struct NewLevel {
    ids: Vec<StateId>,
    /// Whether a shard ran out of ids.
    full: bool,
}

/// What [`insert_batch`] notes besides the new states.
#[derive(Clone, Copy)]
struct Checks {
    /// List the partially expanded parents of successors stored before
    /// this level (the cycle proviso).
    proviso: bool,
    /// Note every successor's id, for the recorded edges.
    record: bool,
}

/// Whether a successor in `outs` is not stored yet.
fn any_new(store: &Store, layout: StateLayout, outs: &[ChunkOut]) -> bool {
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
/// `tuning.insert_in_parallel_from` successors), and records the new states
/// in `inserts`, with what the batch's checks ask.
fn insert_batch(
    store: &mut Store,
    batch: &Batch<'_>,
    budget: &Arc<Budget>,
    tuning: Tuning,
    inserts: &mut LevelInserts,
) {
    let successors: usize = (batch.outs.iter())
        .flat_map(|out| &out.buckets)
        .map(|bucket| bucket.hashes.len())
        .sum();
    // Each shard takes the batch's successors in the same order either way;
    // the budget is installed around the work, so that `budget::tick` checks it.
    if successors < tuning.insert_in_parallel_from {
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
struct Batch<'a> {
    /// How the successors' words are laid out.
    layout: StateLayout,
    /// The level's states, whose positions the successors' keys hold.
    frontier: &'a [StateId],
    /// The chunks' successors, bucketed by shard.
    outs: &'a [ChunkOut],
    /// What to note besides the new states.
    checks: Checks,
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
    use std::sync::Mutex;

    use super::*;
    use crate::ptnet::{PackedNet, PtNet};

    #[test]
    fn stop_reasons_are_named_as_the_json_spells_them() {
        use StopReason::*;
        for reason in [MaxStates, MaxDepth, MaxMemory, Timeout, IdSpace, Decided] {
            assert_eq!(
                serde_json::to_value(reason).ok(),
                Some(reason.name().into())
            );
        }
    }

    /// `tokens` independent tokens, each moving once: 2^tokens states in
    /// levels of up to (tokens choose tokens/2) states.
    fn wide_net(tokens: usize) -> PtNet {
        let places = (0..2 * tokens).map(|i| format!("p{i}")).collect();
        let initial = (0..2 * tokens).map(|i| u32::from(i < tokens)).collect();
        let transitions = (0..tokens)
            .map(|i| (format!("t{i}"), vec![(i, 1)], vec![(i + tokens, 1)]))
            .collect();
        PtNet::new("wide", places, initial, transitions)
    }

    /// Each stored state in breadth-first order, with its parent's state.
    fn stored(ex: &Exploration) -> Vec<(Vec<u32>, Option<Vec<u32>>)> {
        ex.ids()
            .map(|id| {
                let parent = ex.store.parent(id).map(|p| ex.state(p).to_vec());
                (ex.state(id).to_vec(), parent)
            })
            .collect()
    }

    /// Explores `space` with whole levels inserted in parallel and with one
    /// chunk per batch inserted on one thread, and checks that both store the same states with the same ids, parents and
    /// counts; returns the largest level.
    fn batches_change_nothing<S: StateSpace>(space: &S) -> usize
    where
        S::Error: std::fmt::Debug,
    {
        let options = ExploreOptions::default();
        let whole = Tuning {
            batch_chunks: 1 << 20,
            insert_in_parallel_from: 0,
        };
        let whole = explore_tuned(space, &options, whole).expect("explores");
        // One chunk a batch, each inserted shard after shard.
        let split = Tuning {
            batch_chunks: 1,
            insert_in_parallel_from: usize::MAX,
        };
        let split = explore_tuned(space, &options, split).expect("explores");
        assert!(whole.complete() && split.complete());
        assert_eq!(
            (split.states, split.edges, split.deadlocks, split.depth),
            (whole.states, whole.edges, whole.deadlocks, whole.depth)
        );
        assert_eq!(split.represented_states, whole.represented_states);
        assert_eq!(split.first_targets, whole.first_targets);
        assert_eq!(split.first_deadlock, whole.first_deadlock);
        assert_eq!(
            split.ids().collect::<Vec<_>>(),
            whole.ids().collect::<Vec<_>>()
        );
        assert_eq!(stored(&split), stored(&whole));
        whole.level_ends.sizes().max().unwrap_or(0) as usize
    }

    #[test]
    fn a_depth_bound_judges_the_states_within_it_and_stores_no_more() {
        // Ten tokens, each moving once: C(10, d) states d steps away, each
        // with 10 - d successors; the one state 10 steps away is dead.
        let net = wide_net(10);
        let space = PackedNet::new(&net, Vec::new()).expect("packs");
        let bounded = |max_depth| {
            let options = ExploreOptions {
                max_depth: Some(max_depth),
                ..ExploreOptions::default()
            };
            explore(&space, &options).expect("explores")
        };
        let three = bounded(3);
        assert_eq!(three.stopped, Some(StopReason::MaxDepth));
        assert_eq!(three.states, 1 + 10 + 45 + 120);
        assert_eq!(three.depth, 4);
        // The states 3 steps away are expanded: their edges are counted.
        assert_eq!(three.edges, 10 + 10 * 9 + 45 * 8 + 120 * 7);
        // Nine steps: the states next to the dead one are expanded, and the
        // dead one is not stored.
        let nine = bounded(9);
        assert_eq!(nine.stopped, Some(StopReason::MaxDepth));
        assert_eq!((nine.states, nine.deadlocks), (1023, 0));
        // Ten: the dead state is judged, and has nothing after it.
        let ten = bounded(10);
        let whole = explore(&space, &ExploreOptions::default()).expect("explores");
        assert!(ten.complete());
        assert_eq!(
            (ten.states, ten.edges, ten.deadlocks, ten.depth),
            (whole.states, whole.edges, whole.deadlocks, whole.depth)
        );
        assert_eq!((ten.states, ten.deadlocks), (1024, 1));
        assert_eq!(ten.first_deadlock, whole.first_deadlock);
        // A cycle of two states: one step reaches the second, whose only
        // successor is the first, already stored: the bound holds it all.
        let cycle = PtNet::new(
            "cycle",
            vec!["a".into(), "b".into()],
            vec![1, 0],
            vec![
                ("go".into(), vec![(0, 1)], vec![(1, 1)]),
                ("back".into(), vec![(1, 1)], vec![(0, 1)]),
            ],
        );
        let space = PackedNet::new(&cycle, Vec::new()).expect("packs");
        let one = ExploreOptions {
            max_depth: Some(1),
            ..ExploreOptions::default()
        };
        let one = explore(&space, &one).expect("explores");
        assert!(one.complete());
        assert_eq!((one.states, one.edges, one.depth), (2, 2, 2));
    }

    #[test]
    fn levels_expanded_in_batches_store_what_whole_levels_store() {
        let net = wide_net(15);
        let space = PackedNet::new(&net, Vec::new()).expect("packs");
        // Levels of up to 6,435 states: seven batches of one chunk.
        assert_eq!(batches_change_nothing(&space), 6435);
    }

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

    /// Nine rings of three places, one token each, under the partial-order
    /// reduction with an invariant on the first ring: the cycle proviso
    /// expands states again when a successor was stored before the level,
    /// and must not count states stored by an earlier batch of the level.
    #[test]
    fn the_cycle_proviso_is_kept_across_batches() {
        let mut text = String::from("name: rings\nplaces:\n");
        for r in 0..9 {
            text += &format!(
                "  a{r}: {{ type: Int, init: [\"1\"] }}\n  b{r}: {{ type: Int }}\n  c{r}: {{ type: Int }}\n"
            );
        }
        text += "transitions:\n";
        for r in 0..9 {
            for (from, to) in [("a", "b"), ("b", "c"), ("c", "a")] {
                text += &format!(
                    "  {from}{to}{r}: {{ in: {{ {from}{r}: [x] }}, out: {{ {to}{r}: [x] }} }}\n"
                );
            }
        }
        text += "properties:\n  never_two: { invariant: \"count(b0) <= 1\" }\n";
        let net = crate::load::load_net_str(
            &crate::load::source::Source::new("rings.yaml", &text),
            &[],
            &crate::net::functions::NoFunctions,
        )
        .expect("loads");
        let space = crate::coloured::ColouredSpace::with_partial_order(&net);
        assert!(batches_change_nothing(&space) > CHUNK);
        // The reduction applied, and the proviso expanded some states again.
        let ex = explore(&space, &ExploreOptions::default()).expect("explores");
        assert!(ex.states < 3usize.pow(9) as u64, "{} states", ex.states);
    }

    #[test]
    fn heartbeats_come_from_inside_levels_and_change_nothing() {
        let net = wide_net(12);
        let space = PackedNet::new(&net, Vec::new()).expect("packs");
        let plain = explore(&space, &ExploreOptions::default()).expect("explores");
        let levels = Arc::new(Mutex::new(Vec::new()));
        let beats = Arc::new(Mutex::new(Vec::new()));
        let (l, b) = (Arc::clone(&levels), Arc::clone(&beats));
        let options = ExploreOptions {
            progress: Some(Arc::new(move |p: &Progress| l.lock().unwrap().push(*p))),
            heartbeat: Some(Heartbeat {
                every: Duration::ZERO,
                hook: Arc::new(move |p: &Progress| b.lock().unwrap().push(*p)),
            }),
            ..ExploreOptions::default()
        };
        let watched = explore(&space, &options).expect("explores");
        assert_eq!(plain.states, 4096);
        assert_eq!(
            (watched.states, watched.edges, watched.depth),
            (plain.states, plain.edges, plain.depth)
        );
        let levels = levels.lock().unwrap();
        let beats = beats.lock().unwrap();
        // A beat at least every 32 states: more beats than levels, and some
        // in the middle of a level (states expanded, others still waiting).
        assert!(beats.len() > 4096 / 32 / 2, "{} beats", beats.len());
        assert!(beats.len() > levels.len());
        assert!(beats.iter().any(|p| p.frontier > 0 && p.expanded > 0));
        for beat in beats.iter() {
            assert_eq!(beat.expanded + beat.frontier, beat.states, "{beat:?}");
        }
        let last = levels.last().expect("a level");
        assert_eq!((last.states, last.expanded), (4096, 4096));
    }
}
