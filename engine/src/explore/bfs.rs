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
//! [`Expansion::PartialDeadlocksOnly`](super::Expansion::PartialDeadlocksOnly) needs no proviso and is not noted.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::expand::{Bucket, ChunkOut, LevelBeat, LevelCtx, expand_again, expand_chunk};
use super::exploration::Exploration;
use super::insert::{Batch, Checks, LevelInserts, NewLevel, any_new, insert_batch};
use super::options::{ExploreError, ExploreOptions, Progress, StopReason};
use super::store::{NO_PARENT, SHARDS, StateId, Store, hash_state, shard_of};
use super::{StateLayout, StateSpace};
use super::{drift, growth};
use crate::budget::Budget;

/// States per expansion chunk. Fixed so that results do not depend on threads.
const CHUNK: usize = 1024;

/// Chunks expanded before their successors are inserted: the successor
/// buckets hold one batch, whatever the size of a level.
const BATCH_CHUNKS: usize = 8;

/// The least time between two reads of the resident memory at the start of
/// a level (the expansion's own ticks read it every
/// [`crate::budget::TICKS_PER_MEMORY_CHECK`] steps besides).
const RSS_READ_INTERVAL: Duration = Duration::from_millis(10);

/// Successors in a batch below which its insertion runs on the calling
/// thread, shard after shard: waking the other workers for a few states
/// costs more than inserting them (a net whose levels are a state or two
/// wide would spend most of its time in wake-ups).
const INSERT_IN_PARALLEL_FROM: usize = 256;

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

/// The cycle proviso: expands again, in full, the partially expanded states
/// of the level with a successor stored before it, and inserts their other
/// successors after the level's first ones (their keys sort after them).
fn expand_revisits<S: StateSpace>(
    ctx: &LevelCtx<'_, S>,
    ex: &mut Exploration,
    reduced: &HashMap<u32, u32>,
    tuning: Tuning,
    inserts: &mut LevelInserts,
) -> Result<(), ExploreError<S::Error>> {
    let revisit = inserts.revisits();
    let store = &ex.store;
    let again: Vec<ChunkOut> = revisit
        .par_chunks(CHUNK)
        .map(|positions| expand_again(ctx, store, positions, reduced))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| ExploreError::Space { source })?
        .into_iter()
        .flatten()
        .collect();
    ex.edges += again.iter().map(|out| out.edges).sum::<u64>();
    if ctx.budget.exhausted().is_none() {
        let batch = Batch {
            layout: ctx.layout,
            frontier: ctx.frontier,
            outs: &again,
            checks: Checks {
                proviso: false,
                record: false,
            },
        };
        insert_batch(
            &mut ex.store,
            &batch,
            ctx.budget,
            tuning.insert_in_parallel_from,
            inserts,
        );
    }
    Ok(())
}

/// [`explore`], with the division of work of `tuning`.
fn explore_tuned<S: StateSpace>(
    space: &S,
    options: &ExploreOptions,
    tuning: Tuning,
) -> Result<Exploration, ExploreError<S::Error>> {
    let mut search = Search::start(space, options, tuning)?;
    while !search.frontier.is_empty() {
        let start = match search.level_start() {
            ControlFlow::Continue(start) => start,
            ControlFlow::Break(reason) => {
                search.ex.stopped = Some(reason);
                break;
            }
        };
        let level = search.expand_level(start)?;
        if let ControlFlow::Break(reason) = search.close_level(level) {
            search.ex.stopped = Some(reason);
            break;
        }
    }
    Ok(search.finish())
}

/// One run of the search: what lasts from level to level.
struct Search<'a, S> {
    space: &'a S,
    options: &'a ExploreOptions,
    tuning: Tuning,
    started: Instant,
    layout: StateLayout,
    /// Whether the targets of the space's properties use a state's parent.
    parents_help: bool,
    max_memory: Option<usize>,
    budget: Arc<Budget>,
    /// When the resident memory was last read at the start of a level.
    rss_read_at: Option<Instant>,
    /// When the next heartbeat is due, in milliseconds since `started`.
    beat_due_ms: AtomicU64,
    /// Bucket buffers of the previous batch, reused to spare allocations.
    spare: Vec<Vec<Bucket>>,
    /// Whether the hook of integers that keep changing has been called.
    drift_told: bool,
    /// The result so far.
    ex: Exploration,
    /// The level to expand next: the ids of its states, in frontier order.
    frontier: Vec<StateId>,
}

/// What a level starts from: the store's size, and whether the depth bound
/// makes it the last level expanded.
struct LevelStart {
    store_bytes: usize,
    last: bool,
}

/// What expanding a level gave, to be closed by [`Search::close_level`].
struct Level {
    inserts: LevelInserts,
    /// The level's recorded degrees and labels, in frontier order.
    degrees: Vec<u32>,
    labels: Vec<u32>,
    /// Why the level stopped before its end, if it did.
    stop: Option<StopReason>,
    /// Whether this is the last level the depth bound lets expand.
    last: bool,
    /// At the bound: whether a successor of the level is a new state.
    beyond: bool,
}

impl<'a, S: StateSpace> Search<'a, S> {
    /// A search whose first level is the initial state of `space`.
    fn start(
        space: &'a S,
        options: &'a ExploreOptions,
        tuning: Tuning,
    ) -> Result<Self, ExploreError<S::Error>> {
        let started = Instant::now();
        let layout = space.layout();
        let properties = space.properties().len();
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
        let mut ex = Exploration::starting_with(store, properties, options.record_edges);
        ex.level_ends.push(&ex.store.shard_lens());
        let max_memory = options
            .max_memory
            .map(|m| usize::try_from(m).unwrap_or(usize::MAX));
        let budget = Arc::new(Budget::starting_at(
            started,
            options.timeout,
            max_memory.map(|m| m as u64),
        ));
        let beat_due_ms = AtomicU64::new(options.heartbeat.as_ref().map_or(0, |h| {
            u64::try_from(h.every.as_millis()).unwrap_or(u64::MAX)
        }));
        Ok(Search {
            space,
            options,
            tuning,
            started,
            layout,
            parents_help: properties > 0 && space.targets_use_parent(),
            max_memory,
            budget,
            rss_read_at: None,
            beat_due_ms,
            spare: Vec::new(),
            drift_told: false,
            ex,
            frontier: vec![Store::id(shard, 0)],
        })
    }

    /// Whether the next level may start: the state, memory and time limits.
    fn level_start(&mut self) -> ControlFlow<StopReason, LevelStart> {
        let ex = &mut self.ex;
        let store_bytes = ex.bytes();
        ex.peak_bytes = ex.peak_bytes.max(store_bytes as u64);
        if self.options.max_states.is_some_and(|max| ex.states >= max) {
            return ControlFlow::Break(StopReason::MaxStates);
        }
        if self.max_memory.is_some_and(|max| store_bytes > max) {
            return ControlFlow::Break(StopReason::MaxMemory);
        }
        // The resident memory is read from the system (a few microseconds),
        // so at most every `RSS_READ_INTERVAL` here: a net whose levels are a
        // state or two wide would spend most of its time reading it.
        let read_rss = self
            .rss_read_at
            .is_none_or(|at: Instant| at.elapsed() >= RSS_READ_INTERVAL);
        if read_rss {
            self.rss_read_at = Some(Instant::now());
        }
        if let Err(reason) = self.budget.check(read_rss) {
            return ControlFlow::Break(reason.into());
        }
        ControlFlow::Continue(LevelStart {
            store_bytes,
            // The frontier lies `depth - 1` steps from the initial state: at
            // the bound it is the last level expanded.
            last: self.options.max_depth.is_some_and(|max| ex.depth > max),
        })
    }

    /// Expands the frontier and inserts its successors, one batch of chunks
    /// at a time, so that the successor buckets stay the size of a batch, not
    /// of a level. Each shard still receives the chunks in order, so the
    /// store, the ids and the next frontier are those of expanding the level
    /// at once.
    fn expand_level(&mut self, start: LevelStart) -> Result<Level, ExploreError<S::Error>> {
        let LevelStart { store_bytes, last } = start;
        let found: Vec<bool> = self.ex.first_targets.iter().map(Option::is_some).collect();
        let candidate_bytes = AtomicUsize::new(0);
        let beat = self.options.heartbeat.as_ref().map(|heartbeat| LevelBeat {
            heartbeat,
            started: self.started,
            base: Progress {
                states: self.ex.states,
                expanded: self.ex.states - self.frontier.len() as u64,
                edges: self.ex.edges,
                frontier: self.frontier.len() as u64,
                depth: self.ex.depth,
                memory_bytes: store_bytes as u64,
                elapsed: Duration::ZERO,
            },
            expanded: AtomicU64::new(0),
            due_ms: &self.beat_due_ms,
            candidate_bytes: &candidate_bytes,
        });
        let ctx = LevelCtx {
            space: self.space,
            frontier: &self.frontier,
            layout: self.layout,
            found: &found,
            parents_help: self.parents_help,
            found_deadlock: self.ex.first_deadlock.is_some(),
            budget: &self.budget,
            max_memory: self.max_memory,
            store_bytes,
            candidate_bytes: &candidate_bytes,
            beat: beat.as_ref(),
            record: self.ex.recorded.is_some(),
        };
        let mut level = Level {
            inserts: LevelInserts::new(),
            degrees: Vec::new(),
            labels: Vec::new(),
            stop: None,
            last,
            beyond: false,
        };
        // Frontier position -> successors of the partially expanded states.
        let mut reduced: HashMap<u32, u32> = HashMap::new();
        let batch_states = CHUNK * self.tuning.batch_chunks;
        for (b, batch) in self.frontier.chunks(batch_states).enumerate() {
            candidate_bytes.store(0, Ordering::Relaxed);
            let outs = expand_batch(
                &ctx,
                &self.ex.store,
                b * batch_states,
                batch,
                &mut self.spare,
            )?;
            self.ex.peak_bytes = self.ex.peak_bytes.max(
                (store_bytes + level.inserts.bytes() + candidate_bytes.load(Ordering::Relaxed))
                    as u64,
            );
            for out in &outs {
                self.ex.absorb(out);
                reduced.extend(out.partial.iter().copied());
                if out.unrecordable {
                    self.ex.recorded = None;
                }
                if self.ex.recorded.is_some() {
                    level.degrees.extend_from_slice(&out.degrees);
                    level.labels.extend_from_slice(&out.labels);
                }
            }
            if let Some(reason) = self.stop_within_level() {
                level.stop = Some(reason);
                break;
            }
            // At the bound, only successors already stored are inserted (their
            // edges recorded); once one is new, the rest are not looked at.
            if last && (level.beyond || any_new(&self.ex.store, self.layout, &outs)) {
                level.beyond = true;
                continue;
            }
            let batch = Batch {
                layout: self.layout,
                frontier: &self.frontier,
                outs: &outs,
                checks: Checks {
                    proviso: outs.iter().any(|out| !out.partial.is_empty()),
                    record: self.ex.recorded.is_some(),
                },
            };
            insert_batch(
                &mut self.ex.store,
                &batch,
                &self.budget,
                self.tuning.insert_in_parallel_from,
                &mut level.inserts,
            );
            self.spare = outs
                .into_iter()
                .map(|mut out| {
                    out.buckets.iter_mut().for_each(Bucket::clear);
                    out.buckets
                })
                .collect();
            if self.budget.exhausted().is_some() || level.inserts.full() {
                break;
            }
        }
        if level.stop.is_none()
            && level.inserts.has_revisits()
            && !level.inserts.full()
            && self.budget.exhausted().is_none()
        {
            expand_revisits(
                &ctx,
                &mut self.ex,
                &reduced,
                self.tuning,
                &mut level.inserts,
            )?;
        }
        Ok(level)
    }

    /// Why the level stops after a batch, if it does: a limit reached, or
    /// every property decided when that is enough.
    fn stop_within_level(&self) -> Option<StopReason> {
        if let Some(reason) = self.budget.exhausted() {
            return Some(reason.into());
        }
        let targets = &self.ex.first_targets;
        (self.options.stop_when_decided
            && !targets.is_empty()
            && targets.iter().all(Option::is_some))
        .then_some(StopReason::Decided)
    }

    /// Makes the new states of `level` the next frontier, or says why the
    /// search stops here.
    fn close_level(&mut self, level: Level) -> ControlFlow<StopReason> {
        let ex = &mut self.ex;
        if level.last && level.stop.is_none() && level.beyond {
            // The states at the bound are judged; what follows them is not
            // explored.
            return ControlFlow::Break(StopReason::MaxDepth);
        }
        if level.inserts.is_empty()
            && let Some(reason) = level.stop
        {
            // Stopped before this level stored anything.
            return ControlFlow::Break(reason);
        }
        let mut inserts = level.inserts;
        if ex.recorded.is_some() {
            match level.stop {
                Some(_) => ex.recorded = None,
                None => ex.record_level(
                    &self.frontier,
                    &level.degrees,
                    &level.labels,
                    inserts.edges(),
                ),
            }
        }
        let NewLevel { ids: next, full } = inserts.finish();
        let new_states = next.len() as u64;
        ex.level_ends.push(&ex.store.shard_lens());
        self.frontier = next;
        ex.states = ex.store.len() as u64;
        if let Some(reason) = level.stop.or(self.budget.exhausted().map(StopReason::from)) {
            // The store holds part of the level: consistent, but not expanded.
            return ControlFlow::Break(reason);
        }
        if full {
            return ControlFlow::Break(StopReason::IdSpace);
        }
        // The new level is level `depth + 1`, `depth` steps from the initial state.
        if growth::looks_at(u64::from(ex.depth))
            && self.space.may_grow()
            && let Some(growth) = growth::find_growth(self.space, &ex.store, &self.frontier)
        {
            ex.growth = Some(growth);
            return ControlFlow::Break(StopReason::Unbounded);
        }
        self.tell_drift();
        self.space.level_expanded();
        let ex = &mut self.ex;
        if new_states > 0 {
            ex.depth += 1;
        }
        if let Some(progress) = &self.options.progress {
            progress(&Progress {
                states: ex.states,
                expanded: ex.states - new_states,
                edges: ex.edges,
                frontier: new_states,
                depth: ex.depth,
                memory_bytes: ex.bytes() as u64,
                elapsed: self.started.elapsed(),
            });
        }
        if self.options.until.as_ref().is_some_and(|done| done()) && !self.frontier.is_empty() {
            return ControlFlow::Break(StopReason::Decided);
        }
        ControlFlow::Continue(())
    }

    /// Tells the hook, once, if the new level's integers keep changing
    /// ([`drift`]); the new level lies `depth` steps from the initial state.
    fn tell_drift(&mut self) {
        let ex = &self.ex;
        if self.drift_told || ex.depth < drift::FROM_STEPS || !growth::looks_at(u64::from(ex.depth))
        {
            return;
        }
        let Some(hook) = &self.options.on_integer_drift else {
            return;
        };
        if let Some(found) = drift::find_drift(self.space, &ex.store, &self.frontier, ex.depth) {
            self.drift_told = true;
            hook(&found);
        }
    }

    /// The result, once the search has stopped.
    fn finish(self) -> Exploration {
        let mut ex = self.ex;
        if ex.stopped.is_some() {
            // The edges of a search stopped early are not the whole graph.
            ex.recorded = None;
        }
        ex.peak_bytes = ex.peak_bytes.max(ex.bytes() as u64);
        ex.elapsed = self.started.elapsed();
        ex
    }
}

/// Expands the states of `batch`, the first at frontier position `first`,
/// a chunk per task, with the bucket buffers in `spare` (taken) or new ones.
/// A chunk that a limit stopped gives nothing.
fn expand_batch<S: StateSpace>(
    ctx: &LevelCtx<'_, S>,
    store: &Store,
    first: usize,
    batch: &[StateId],
    spare: &mut Vec<Vec<Bucket>>,
) -> Result<Vec<ChunkOut>, ExploreError<S::Error>> {
    let chunks: Vec<&[StateId]> = batch.chunks(CHUNK).collect();
    let mut buffers: Vec<Vec<Bucket>> = Vec::with_capacity(chunks.len());
    buffers.extend(spare.drain(..).take(chunks.len()));
    buffers.resize_with(chunks.len(), || {
        (0..SHARDS).map(|_| Bucket::default()).collect()
    });
    let outs: Vec<Option<ChunkOut>> = chunks
        .par_iter()
        .enumerate()
        .zip(buffers)
        .map(|((k, ids), buckets)| expand_chunk(ctx, store, first + k * CHUNK, ids, buckets))
        .collect::<Result<_, _>>()
        .map_err(|source| ExploreError::Space { source })?;
    Ok(outs.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::explore::Heartbeat;
    use crate::ptnet::{PackedNet, PtNet};

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
