//! The result of an exploration: the visited set, its breadth-first levels
//! and the statistics.

use std::time::Duration;

use super::edges::RecordedEdges;
use super::expand::ChunkOut;
use super::growth::Growth;
use super::levels::LevelEnds;
use super::options::StopReason;
use super::store::{StateId, Store};

/// The result of an exploration: the visited set and the statistics.
#[derive(Debug)]
pub struct Exploration {
    pub(crate) store: Store,
    /// Where each breadth-first level ends in the shards.
    pub(super) level_ends: LevelEnds,
    /// Reachable states found.
    pub states: u64,
    /// (state, enabled binding) pairs of the expanded states.
    pub edges: u64,
    /// Expanded states without successor.
    pub deadlocks: u64,
    /// The states the expanded ones stand for under the space's reduction
    /// ([`StateSpace::orbit_size`](super::StateSpace::orbit_size) summed); equal to the expanded states without one.
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
    /// Every edge, if [`ExploreOptions::record_edges`](super::ExploreOptions::record_edges) asked for them and
    /// the whole graph was explored without partial-order reduction.
    pub recorded: Option<RecordedEdges>,
    /// Why the net is unbounded, where the exploration stopped for it
    /// ([`StopReason::Unbounded`]).
    pub growth: Option<Growth>,
}

impl Exploration {
    /// An exploration whose store holds the initial state alone, for a space
    /// with `properties` properties; `record_edges` starts an edge record.
    pub(super) fn starting_with(store: Store, properties: usize, record_edges: bool) -> Self {
        Exploration {
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
            recorded: record_edges.then(RecordedEdges::new),
            growth: None,
        }
    }

    /// Adds a level's edges to the record: the frontier's states in order,
    /// each state's number of successors (`degrees`) and their labels, and
    /// the successors' ids in the same order (`targets`). Drops the record
    /// instead if not every edge was found again: no record rather than a
    /// wrong one.
    pub(super) fn record_level(
        &mut self,
        frontier: &[StateId],
        degrees: &[u32],
        labels: &[u32],
        targets: Vec<StateId>,
    ) {
        let edges: u64 = degrees.iter().map(|&d| u64::from(d)).sum();
        match &mut self.recorded {
            Some(recorded) if targets.len() as u64 == edges && degrees.len() == frontier.len() => {
                recorded.add_level(frontier, degrees, labels, targets);
            }
            _ => self.recorded = None,
        }
    }

    /// Adds what a chunk's expansion counted and found; a first target or
    /// deadlock found by an earlier chunk stays (chunks come in frontier
    /// order).
    pub(super) fn absorb(&mut self, out: &ChunkOut) {
        self.edges += out.edges;
        self.deadlocks += out.deadlocks;
        self.represented_states += out.represented;
        self.max_tokens_per_marking = self.max_tokens_per_marking.max(out.max_total);
        self.max_tokens_in_place = self.max_tokens_in_place.max(out.max_place);
        for (first, hit) in self.first_targets.iter_mut().zip(&out.first_targets) {
            if first.is_none() {
                *first = *hit;
            }
        }
        if self.first_deadlock.is_none() {
            self.first_deadlock = out.first_deadlock;
        }
    }

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
    pub(super) fn bytes(&self) -> usize {
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
