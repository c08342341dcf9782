//! The explored graph of a coloured net, labelled with atomic propositions.
//!
//! One node per reachable marking (node 0 is the initial one, the others in
//! breadth-first order), one edge per enabled binding, in the order of
//! [`crate::coloured::fire::enabled_bindings`] (the order of the space's labelled
//! successors). Each node carries the truth of every state atom and every
//! `enabled` atom of the properties checked; each edge the truth of every
//! `fired` atom (kept once per transition where no atom has a condition over
//! the binding), its transition and (for per-binding fairness) the number of
//! its binding. Levels are expanded in parallel; nodes are numbered
//! sequentially in a fixed order, so the graph is the same whatever the
//! thread count. Each marking is stored once: the index that finds a
//! marking's node holds node numbers only and reads the markings from the
//! graph itself.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use foldhash::quality::FixedState;
use rayon::prelude::*;
use std::hash::BuildHasher;

use super::{Atom, Fairness};
use crate::budget::{Budget, resident_bytes};
use crate::coloured::shared_cache::SharedCache;
use crate::coloured::verdicts::VerdictMemo;
use crate::coloured::{ColouredError, ColouredSpace, with_ids_of};
use crate::explore::{
    Exploration, NodeGraph, RecordedEdges, StateId, StateSpace, release_free_memory,
};
use crate::net::code::{Env, EvalError, PlaceId};
use crate::net::marking::Marking;
use crate::net::value::Value;

/// Why the graph could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// Evaluating the net or an atom failed.
    #[error(transparent)]
    Space(#[from] ColouredError),
    /// More reachable markings than the limit.
    #[error("the graph has more than {0} markings (the state limit)")]
    TooLarge(u64),
    /// The deadline passed.
    #[error("the time limit was reached before the graph was complete")]
    Timeout,
    /// The process's resident memory reached the ceiling.
    #[error("the memory limit was reached before the graph was complete")]
    OutOfMemory,
}

impl From<EvalError> for GraphError {
    fn from(e: EvalError) -> Self {
        GraphError::Space(ColouredError::Eval(e))
    }
}

/// Where the graph's exploration must stop.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// At most this many markings.
    pub max_states: Option<u64>,
    /// Give up once the process's resident memory reaches this many bytes.
    pub max_memory: Option<u64>,
    /// Give up at this instant.
    pub deadline: Option<Instant>,
}

impl Limits {
    /// A budget with these limits' deadline and memory ceiling, for the
    /// work over a finished graph to tick ([`crate::budget`]).
    pub fn budget(&self) -> Arc<Budget> {
        Arc::new(Budget::new(self.deadline, self.max_memory))
    }

    /// The limit reached now, if any: the deadline, or the memory ceiling.
    fn reached<E>(&self) -> Option<Stop<E>> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(Stop::Timeout);
        }
        let full =
            (self.max_memory).is_some_and(|max| resident_bytes().is_some_and(|rss| rss >= max));
        full.then_some(Stop::OutOfMemory)
    }
}

/// A snapshot of the graph being built, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphProgress {
    /// Markings in the graph so far.
    pub markings: u64,
    /// Markings whose edges are in the graph so far.
    pub expanded: u64,
    /// Edges so far.
    pub edges: u64,
    /// Time since the graph was started.
    pub elapsed: Duration,
    /// Once the graph is complete: how many of the properties on it are
    /// checked, of how many (`None` while the graph is built).
    pub properties: Option<(usize, usize)>,
}

/// A callback told of the graph's progress after each chunk of markings,
/// then as the properties on it are checked (it only observes: the graph
/// does not depend on it).
pub type GraphProgressHook = Arc<dyn Fn(&GraphProgress) + Send + Sync>;

/// The labelled graph of reachable markings (equal to another when they
/// have the same markings, edges and labels, numbered alike).
pub struct MarkingGraph {
    width: usize,
    markings: Markings,
    count: usize,
    offsets: Vec<usize>,
    targets: Vec<u32>,
    transitions: Vec<u32>,
    /// Empty while no edge has a binding number (no per-binding fairness).
    bindings: Vec<u32>,
    words: usize,
    edge_words: usize,
    state_bits: Vec<u64>,
    fired_bits: FiredBits,
}

/// Marking `id` of `states`, markings of `width` words node after node.
fn row(states: &[u32], width: usize, id: usize) -> &[u32] {
    &states[id * width..(id + 1) * width]
}

/// Where the graph's markings are kept.
enum Markings {
    /// Node after node, `width` words each (a graph built by its own search).
    Flat(Vec<u32>),
    /// In the visited set of the exploration the graph was read from, which
    /// the graph took over: node `n` is its state `order[n]`. Read in place,
    /// never copied: a copy would hold every marking twice until the visited
    /// set was freed (1.9 GB more while a two-patient check made its graph).
    Explored {
        exploration: Box<Exploration>,
        order: Vec<StateId>,
    },
}

impl PartialEq for MarkingGraph {
    fn eq(&self, other: &Self) -> bool {
        self.width == other.width
            && self.count == other.count
            && (0..self.count).all(|node| self.state(node) == other.state(node))
            && self.offsets == other.offsets
            && self.targets == other.targets
            && self.transitions == other.transitions
            && self.bindings == other.bindings
            && self.words == other.words
            && self.edge_words == other.edge_words
            && self.state_bits == other.state_bits
            && self.fired_bits == other.fired_bits
    }
}

impl Eq for MarkingGraph {}

/// The `fired` atoms' bits (`edge_words` words a row).
#[derive(PartialEq, Eq)]
enum FiredBits {
    /// A row per edge.
    PerEdge(Vec<u64>),
    /// A row per transition, where no atom has a condition over the binding,
    /// so that an edge's bits are its transition's.
    PerTransition(Vec<u64>),
}

/// A successor: its encoding, transition, binding key (per-binding
/// fairness) and `fired` atoms (one bit per atom).
pub type Successor = (Vec<u32>, u32, Option<(u32, Vec<Value>)>, Vec<u64>);

/// What expanding one marking gives.
pub struct Expansion {
    /// The successors, in a fixed order.
    pub successors: Vec<Successor>,
    /// The state atoms and `enabled` atoms that hold (one bit per atom).
    pub bits: Vec<u64>,
}

/// Why [`MarkingGraph::build_with`] stopped.
#[derive(Debug)]
pub enum Stop<E> {
    /// Expanding a state failed.
    Failed(E),
    /// More markings than the limit (the limit).
    TooLarge(u64),
    /// The deadline passed.
    Timeout,
    /// The process's resident memory reached the limit.
    OutOfMemory,
}

impl Stop<GraphError> {
    /// The error that says why the graph was not built.
    fn into_error(self) -> GraphError {
        match self {
            Stop::Failed(e) => e,
            Stop::TooLarge(m) => GraphError::TooLarge(m),
            Stop::Timeout => GraphError::Timeout,
            Stop::OutOfMemory => GraphError::OutOfMemory,
        }
    }
}

/// States expanded in parallel at a time: a level is expanded chunk by
/// chunk so that its successors are not all held at once and the limits are
/// looked at often.
const CHUNK: usize = 4096;

/// An open-addressing table of node numbers (`EMPTY` marks a free slot),
/// hashed by the markings they stand for, which stay in the graph.
struct Index {
    slots: Vec<u32>,
    len: usize,
}

const EMPTY: u32 = u32::MAX;

fn hash(state: &[u32]) -> usize {
    FixedState::with_seed(0).hash_one(state) as usize
}

impl Index {
    fn new() -> Self {
        Index {
            slots: vec![EMPTY; 1024],
            len: 0,
        }
    }

    /// The node whose marking (read by `marking`) is `state`, or the free
    /// slot where it goes.
    fn probe<'a>(&self, state: &[u32], marking: impl Fn(u32) -> &'a [u32]) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut at = hash(state) & mask;
        loop {
            match self.slots[at] {
                EMPTY => return Err(at),
                id if marking(id) == state => return Ok(id),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Records node `id` in the free slot `slot`, growing the table (which
    /// rehashes every marking) when it is half full.
    fn insert<'a>(&mut self, slot: usize, id: u32, marking: impl Fn(u32) -> &'a [u32]) {
        self.slots[slot] = id;
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            let mut slots = vec![EMPTY; self.slots.len() * 2];
            let mask = slots.len() - 1;
            for &id in self.slots.iter().filter(|&&id| id != EMPTY) {
                let mut at = hash(marking(id)) & mask;
                while slots[at] != EMPTY {
                    at = (at + 1) & mask;
                }
                slots[at] = id;
            }
            self.slots = slots;
        }
    }
}

impl MarkingGraph {
    /// Explores `space` (reduced by symmetry or not: nodes are the stored
    /// representatives), evaluating `atoms`
    /// (numbered globally); bindings of transitions with per-binding fairness
    /// are numbered. `progress` is told after each chunk of markings.
    pub fn build(
        space: &ColouredSpace<'_>,
        atoms: &[Atom],
        fairness: &[Fairness],
        limits: Limits,
        progress: Option<&GraphProgressHook>,
    ) -> Result<MarkingGraph, GraphError> {
        let net = space.net();
        let words = atom_words(atoms);
        let per_binding: Vec<bool> = (0..net.transitions.len())
            .map(|t| fairness.iter().any(|f| f.transition == t && f.per_binding))
            .collect();
        let memo = AtomMemos::new(space, atoms);
        let initial = space.initial()?;
        // Where the `fired` bits depend only on the transition, they are
        // kept per transition, as the graph read from a record keeps them.
        let by_transition = !fired_over_bindings(atoms);
        let edge_words = if by_transition { 0 } else { words };
        let built = Self::build_with(initial, words, edge_words, limits, progress, |state| {
            expand(space, state, atoms, &per_binding, &memo, words)
        });
        let mut graph = built.map_err(Stop::into_error)?;
        if by_transition {
            graph.label_by_transition(atoms, net.transitions.len())?;
        }
        Ok(graph)
    }

    /// The graph of `space` read from an exploration of it that recorded its
    /// edges ([`crate::explore::ExploreOptions::record_edges`]): the graph
    /// [`MarkingGraph::build`] gives, node for node and edge for edge (both
    /// number the markings in breadth-first discovery order and keep each
    /// marking's edges in the space's order), without computing successors
    /// and their canonical forms again: only the state atoms are evaluated,
    /// in parallel. The exploration is consumed: the graph reads its
    /// markings in its visited set. `None` where the
    /// record cannot give that graph: the exploration recorded no edges, an atom has a
    /// condition over the binding, or a fairness constraint is per binding
    /// (both need the bindings, which are not recorded).
    pub fn from_exploration(
        space: &ColouredSpace<'_>,
        atoms: &[Atom],
        fairness: &[Fairness],
        mut explored: Exploration,
        limits: Limits,
        progress: Option<&GraphProgressHook>,
    ) -> Option<Result<MarkingGraph, GraphError>> {
        if !Self::readable(&explored, atoms, fairness) {
            return None;
        }
        let recorded = explored.recorded.take()?;
        Some(Self::read_recorded(
            space, atoms, explored, recorded, limits, progress,
        ))
    }

    /// Whether [`MarkingGraph::from_exploration`] gives the graph of
    /// `explored` (rather than `None`).
    pub fn readable(explored: &Exploration, atoms: &[Atom], fairness: &[Fairness]) -> bool {
        explored.recorded.is_some()
            && !fired_over_bindings(atoms)
            && !fairness.iter().any(|f| f.per_binding)
    }

    /// [`MarkingGraph::from_exploration`]'s work, once it is known to apply.
    fn read_recorded(
        space: &ColouredSpace<'_>,
        atoms: &[Atom],
        explored: Exploration,
        recorded: RecordedEdges,
        limits: Limits,
        progress: Option<&GraphProgressHook>,
    ) -> Result<MarkingGraph, GraphError> {
        let started = Instant::now();
        let nodes = recorded.len();
        if let Some(max) = limits.max_states.filter(|&max| nodes as u64 > max) {
            return Err(GraphError::TooLarge(max));
        }
        let words = atom_words(atoms);
        let width = explored.state(recorded.state(0)).len();
        let NodeGraph {
            order,
            offsets,
            targets,
            labels,
        } = recorded.into_edges();
        // What was freed before (the exploration's memos, the map from
        // state ids to nodes) goes back to the kernel before the labels are
        // built beside the graph.
        release_free_memory();
        let mut graph = MarkingGraph {
            width,
            markings: Markings::Explored {
                exploration: Box::new(explored),
                order,
            },
            count: nodes,
            offsets,
            targets,
            transitions: labels,
            bindings: Vec::new(),
            words,
            edge_words: words,
            state_bits: Vec::with_capacity(nodes * words),
            fired_bits: FiredBits::PerTransition(Vec::new()),
        };
        let memo = AtomMemos::new(space, atoms);
        for first in (0..nodes).step_by(CHUNK) {
            if let Some(stop) = limits.reached() {
                return Err(stop.into_error());
            }
            let chunk = first..nodes.min(first + CHUNK);
            let bits: Vec<Vec<u64>> = chunk
                .clone()
                .into_par_iter()
                .map(|node| {
                    // Every enabled binding is an edge of the record (an
                    // exploration reduced by stubborn sets records none), so
                    // a transition without an edge here is not enabled.
                    let leaves = |t: usize| graph.edges(node).any(|e| graph.transition(e) == t);
                    state_atoms(
                        space,
                        graph.state(node),
                        atoms,
                        &memo,
                        words,
                        &leaves,
                        &mut None,
                    )
                })
                .collect::<Result<_, _>>()?;
            graph.state_bits.extend(bits.into_iter().flatten());
            if let Some(hook) = progress {
                hook(&GraphProgress {
                    markings: nodes as u64,
                    expanded: chunk.end as u64,
                    edges: graph.offsets[chunk.end] as u64,
                    elapsed: started.elapsed(),
                    properties: None,
                });
            }
        }
        graph.label_by_transition(atoms, space.net().transitions.len())?;
        Ok(graph)
    }

    /// Labels the edges and markings with the atoms over transitions where
    /// none has a condition over the binding: `fired(T)` on every edge of T
    /// (a row of bits per transition), `enabled(T)` where an edge of T leaves.
    fn label_by_transition(&mut self, atoms: &[Atom], transitions: usize) -> Result<(), EvalError> {
        let words = self.words;
        let mut fired = vec![0; transitions * words];
        let mut enabled = vec![0; transitions * words];
        for t in 0..transitions {
            let row = t * words..(t + 1) * words;
            transition_atoms(
                atoms,
                t,
                &[],
                None,
                &mut fired[row.clone()],
                &mut enabled[row],
            )?;
        }
        for node in 0..self.len() {
            for e in self.edges(node) {
                let t = self.transitions[e] as usize;
                let bits = &mut self.state_bits[node * words..(node + 1) * words];
                for (bit, &on) in bits.iter_mut().zip(&enabled[t * words..(t + 1) * words]) {
                    *bit |= on;
                }
            }
        }
        self.edge_words = words;
        self.fired_bits = FiredBits::PerTransition(fired);
        Ok(())
    }

    /// Explores breadth-first from `initial`, `expand` giving each state's
    /// successors and labels (`state_words` words of state atoms,
    /// `edge_words` of `fired` atoms per edge). Each level is expanded in
    /// parallel and numbered sequentially, so the graph does not depend on
    /// the thread count. `progress` is told after each chunk of states.
    pub fn build_with<E, F>(
        initial: Vec<u32>,
        state_words: usize,
        edge_words: usize,
        limits: Limits,
        progress: Option<&GraphProgressHook>,
        expand: F,
    ) -> Result<MarkingGraph, Stop<E>>
    where
        E: Send,
        F: Fn(&[u32]) -> Result<Expansion, E> + Sync,
    {
        let width = initial.len();
        let mut states = Vec::new();
        let mut graph = MarkingGraph {
            width,
            markings: Markings::Flat(Vec::new()),
            count: 0,
            offsets: vec![0],
            targets: Vec::new(),
            transitions: Vec::new(),
            bindings: Vec::new(),
            words: state_words,
            edge_words,
            state_bits: Vec::new(),
            fired_bits: FiredBits::PerEdge(Vec::new()),
        };
        let mut index = Index::new();
        graph
            .node(&mut states, &mut index, &initial, None)
            .map_err(|()| Stop::TooLarge(0))?;
        let started = Instant::now();
        let mut binding_ids: HashMap<(u32, Vec<Value>), u32> = HashMap::new();
        let mut edge_bits = Vec::new();
        let mut next = 0usize;
        while next < graph.len() {
            if let Some(stop) = limits.reached() {
                return Err(stop);
            }
            let chunk: Vec<usize> = (next..graph.len().min(next + CHUNK)).collect();
            next = chunk.last().map_or(next, |&last| last + 1);
            let expanded: Vec<Expansion> = chunk
                .par_iter()
                .map(|&id| expand(row(&states, width, id)))
                .collect::<Result<_, E>>()
                .map_err(Stop::Failed)?;
            for e in expanded {
                graph.state_bits.extend(&e.bits);
                for (state, transition, binding, bits) in e.successors {
                    let id = graph
                        .node(&mut states, &mut index, &state, limits.max_states)
                        .map_err(|()| Stop::TooLarge(limits.max_states.unwrap_or(0)))?;
                    graph.targets.push(id);
                    graph.transitions.push(transition);
                    if let Some(key) = binding {
                        let edge = graph.targets.len() - 1;
                        graph.bindings.resize(edge, u32::MAX);
                        let fresh = binding_ids.len() as u32;
                        graph
                            .bindings
                            .push(*binding_ids.entry(key).or_insert(fresh));
                    }
                    edge_bits.extend(&bits[..edge_words.min(bits.len())]);
                }
                graph.offsets.push(graph.targets.len());
            }
            if let Some(hook) = progress {
                hook(&GraphProgress {
                    markings: graph.len() as u64,
                    expanded: next as u64,
                    edges: graph.edge_count() as u64,
                    elapsed: started.elapsed(),
                    properties: None,
                });
            }
        }
        graph.fired_bits = FiredBits::PerEdge(edge_bits);
        graph.markings = Markings::Flat(states);
        Ok(graph)
    }

    /// The node of marking `state`, found by `index` or added to both (and
    /// to `states`, the markings found so far, node after node) if new
    /// (`Err` when that would exceed `max_states`).
    fn node(
        &mut self,
        states: &mut Vec<u32>,
        index: &mut Index,
        state: &[u32],
        max_states: Option<u64>,
    ) -> Result<u32, ()> {
        let width = self.width;
        let found = {
            let states = &*states;
            index.probe(state, |id: u32| row(states, width, id as usize))
        };
        match found {
            Ok(id) => Ok(id),
            Err(slot) => {
                let id = self.len() as u32;
                if max_states.is_some_and(|m| id as u64 >= m) {
                    return Err(());
                }
                states.extend_from_slice(state);
                self.count += 1;
                let states = &*states;
                index.insert(slot, id, |id: u32| row(states, width, id as usize));
                Ok(id)
            }
        }
    }

    /// The number of markings.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the graph has no marking (never: the initial one is always there).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The number of edges.
    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }

    /// The encoded marking of node `id`.
    pub fn state(&self, id: usize) -> &[u32] {
        match &self.markings {
            Markings::Flat(states) => row(states, self.width, id),
            Markings::Explored { exploration, order } => exploration.state(order[id]),
        }
    }

    /// The edges leaving node `id`, as a range of edge numbers.
    pub fn edges(&self, id: usize) -> std::ops::Range<usize> {
        self.offsets[id]..self.offsets[id + 1]
    }

    /// The node edge `e` leads to.
    pub fn target(&self, e: usize) -> usize {
        self.targets[e] as usize
    }

    /// The transition edge `e` fires.
    pub fn transition(&self, e: usize) -> usize {
        self.transitions[e] as usize
    }

    /// The number of the binding edge `e` fires (for per-binding fairness;
    /// `u32::MAX` for transitions without it).
    pub fn binding(&self, e: usize) -> u32 {
        self.bindings.get(e).copied().unwrap_or(u32::MAX)
    }

    /// Whether state atom or `enabled` atom `atom` holds at node `id`.
    pub fn state_atom(&self, id: usize, atom: usize) -> bool {
        self.state_bits[id * self.words + atom / 64] >> (atom % 64) & 1 == 1
    }

    /// Whether `fired` atom `atom` holds for edge `e`.
    pub fn edge_atom(&self, e: usize, atom: usize) -> bool {
        let (bits, row) = match &self.fired_bits {
            FiredBits::PerEdge(bits) => (bits, e),
            FiredBits::PerTransition(bits) => (bits, self.transitions[e] as usize),
        };
        self.edge_words > 0 && bits[row * self.edge_words + atom / 64] >> (atom % 64) & 1 == 1
    }
}

fn set(bits: &mut [u64], atom: usize) {
    bits[atom / 64] |= 1 << (atom % 64);
}

/// Whether a transition atom's `condition` holds of `binding` in `marking`
/// (the marking the binding fires in, which the condition may read).
fn condition_holds(
    condition: &Option<(crate::net::code::Code, usize)>,
    binding: &[Value],
    marking: Option<&Marking>,
) -> Result<bool, EvalError> {
    let Some((code, slots)) = condition else {
        return Ok(true);
    };
    let mut values = binding.to_vec();
    values.resize(*slots.max(&values.len()), Value::Bool(false));
    code.holds(&mut Env::new(&mut values, marking))
}

fn expand(
    space: &ColouredSpace<'_>,
    state: &[u32],
    atoms: &[Atom],
    per_binding: &[bool],
    memo: &AtomMemos<'_>,
    words: usize,
) -> Result<Expansion, GraphError> {
    // Decoded only when a verdict is not remembered or a transition's
    // bindings are needed (atoms over it, per-binding fairness) or its effects
    // are not remembered.
    let mut decoded: Option<Marking> = None;
    let mut bits = state_atoms(space, state, atoms, memo, words, &|_| true, &mut decoded)?;
    // The marking the `fired` conditions read, where there are any.
    let source = match fired_over_bindings(atoms) {
        true => Some(decoded_marking(space, state, &mut decoded)?.clone()),
        false => None,
    };
    let mut successors = Vec::new();
    let mut next = Vec::with_capacity(state.len());
    for (t, &per_binding) in per_binding.iter().enumerate() {
        space.successors_by(t, state, &mut decoded, &mut next, |after, values| {
            let mut fired = vec![0u64; words];
            transition_atoms(atoms, t, values, source.as_ref(), &mut fired, &mut bits)?;
            let key = per_binding.then(|| (t as u32, values.to_vec()));
            successors.push((space.representative(after)?, t as u32, key, fired));
            Ok(())
        })?;
    }
    Ok(Expansion { successors, bits })
}

/// The bits of the state atoms that hold in `state` (`decoded` as for
/// [`ColouredSpace::successors_by`]), the transition atoms' bits clear but
/// those of `enabled(T, condition)`, looked for only where `may_be_enabled(T)`.
fn state_atoms(
    space: &ColouredSpace<'_>,
    state: &[u32],
    atoms: &[Atom],
    memo: &AtomMemos<'_>,
    words: usize,
    may_be_enabled: &dyn Fn(usize) -> bool,
    decoded: &mut Option<Marking>,
) -> Result<Vec<u64>, GraphError> {
    let mut bits = vec![0u64; words];
    for (i, atom) in atoms.iter().enumerate() {
        if let Atom::State {
            slots,
            property,
            pos,
            ..
        } = atom
        {
            let holds =
                memo.states
                    .holds(i, state, None, |conjunct, _| -> Result<bool, GraphError> {
                        let marking = decoded_marking(space, state, decoded)?;
                        let mut values = vec![Value::Bool(false); *slots];
                        Ok(conjunct
                            .holds(&mut Env::new(&mut values, Some(marking)))
                            .map_err(|e| e.at(*pos).in_property(property))?)
                    })?;
            if holds {
                set(&mut bits, i);
            }
        }
    }
    conditional_enabled_atoms(
        space,
        state,
        atoms,
        &memo.enabled,
        may_be_enabled,
        &mut bits,
        decoded,
    )?;
    Ok(bits)
}

/// `state` decoded, once.
fn decoded_marking<'m>(
    space: &ColouredSpace<'_>,
    state: &[u32],
    decoded: &'m mut Option<Marking>,
) -> Result<&'m Marking, ColouredError> {
    match decoded {
        Some(marking) => Ok(marking),
        None => Ok(decoded.insert(space.decode(state)?)),
    }
}

/// Sets in `bits` the `enabled(T, condition)` atoms that hold in `state`:
/// some enabled binding of `T` satisfies the condition, which may read the
/// marking. They are state labels, found here from the bindings alone, so a
/// graph read from an exploration's record has them too; `memo` remembers
/// them. A transition for which `may_be_enabled` is false is known to have
/// no enabled binding.
fn conditional_enabled_atoms(
    space: &ColouredSpace<'_>,
    state: &[u32],
    atoms: &[Atom],
    memo: &EnabledAtomMemo,
    may_be_enabled: &dyn Fn(usize) -> bool,
    bits: &mut [u64],
    decoded: &mut Option<Marking>,
) -> Result<(), GraphError> {
    for (i, atom) in atoms.iter().enumerate() {
        let Atom::Transition {
            fired: false,
            transition,
            condition: condition @ Some(_),
            property,
            pos,
        } = atom
        else {
            continue;
        };
        if !may_be_enabled(*transition) {
            continue;
        }
        let holds = memo.holds(i, state, || -> Result<bool, GraphError> {
            let bindings = memo.bindings(*transition, state, || {
                space.enabled_binding_values(*transition, state, decoded)
            })?;
            if bindings.is_empty() {
                return Ok(false);
            }
            let marking = decoded_marking(space, state, decoded)?;
            for values in bindings.iter() {
                if condition_holds(condition, values, Some(marking))
                    .map_err(|e| e.at(*pos).in_property(property))?
                {
                    return Ok(true);
                }
            }
            Ok(false)
        })?;
        if holds {
            set(bits, i);
        }
    }
    Ok(())
}

/// The memos of a graph's atoms, shared by the threads labelling it.
struct AtomMemos<'n> {
    /// The state atoms' verdicts.
    states: VerdictMemo<'n>,
    /// The `enabled(T, condition)` atoms' verdicts.
    enabled: EnabledAtomMemo,
}

impl<'n> AtomMemos<'n> {
    fn new(space: &ColouredSpace<'_>, atoms: &'n [Atom]) -> Self {
        AtomMemos {
            states: state_atom_memo(atoms),
            enabled: EnabledAtomMemo::new(space, atoms),
        }
    }
}

/// Entries kept per `enabled(T, condition)` atom before its memo is emptied.
const ENABLED_ATOM_ENTRIES: usize = 1 << 18;

/// Remembered verdicts of the `enabled(T, condition)` atoms. Whether some
/// enabled binding of `T` satisfies the condition depends only on the
/// multisets of `T`'s input places (guards and inscriptions read the
/// binding, never the marking: they decide the bindings) and of the places
/// the condition reads, and a marking holds one multiset id per place, so
/// the verdict is kept per the ids of those places. On the SeSPHR net the
/// refusal steps read control places only, whose ids repeat in most
/// markings. Where the condition's places change but the inputs do not,
/// the transition's enabled bindings are remembered too, by the ids of its
/// input places alone.
struct EnabledAtomMemo {
    /// Per atom (numbered as the graph's), for an `enabled` atom with a
    /// condition: the places its verdict depends on, and the verdicts by
    /// their ids.
    atoms: Vec<Option<(Box<[PlaceId]>, Verdicts)>>,
    /// Per transition, for one that such an atom names: its input places,
    /// and its enabled bindings' values by their ids.
    bindings: Vec<Option<(Box<[PlaceId]>, BindingLists)>>,
}

/// Verdicts by the multiset ids of the places they depend on.
type Verdicts = SharedCache<Box<[u32]>, bool>;

/// Enabled bindings' values by the multiset ids of the input places.
type BindingLists = SharedCache<Box<[u32]>, Arc<[Vec<Value>]>>;

impl EnabledAtomMemo {
    fn new(space: &ColouredSpace<'_>, atoms: &[Atom]) -> Self {
        let net = space.net();
        let inputs = |t: usize| -> Vec<PlaceId> {
            let mut places: Vec<PlaceId> = (net.transitions[t].inputs.iter())
                .map(|arc| arc.place)
                .collect();
            places.sort_unstable();
            places.dedup();
            places
        };
        let mut bindings: Vec<Option<(Box<[PlaceId]>, BindingLists)>> =
            (0..net.transitions.len()).map(|_| None).collect();
        let atoms = atoms
            .iter()
            .map(|atom| match atom {
                Atom::Transition {
                    fired: false,
                    transition,
                    condition: Some((code, _)),
                    ..
                } => {
                    let mut places = inputs(*transition);
                    bindings[*transition].get_or_insert_with(|| {
                        let cache = SharedCache::new(ENABLED_ATOM_ENTRIES);
                        (places.clone().into_boxed_slice(), cache)
                    });
                    code.places_read(&mut places);
                    places.sort_unstable();
                    places.dedup();
                    Some((
                        places.into_boxed_slice(),
                        SharedCache::new(ENABLED_ATOM_ENTRIES),
                    ))
                }
                _ => None,
            })
            .collect();
        EnabledAtomMemo { atoms, bindings }
    }

    /// The values of transition `t`'s enabled bindings in `state`:
    /// remembered, or `compute`d and remembered (for a transition no atom
    /// with a condition names, only computed).
    fn bindings<E>(
        &self,
        t: usize,
        state: &[u32],
        compute: impl FnOnce() -> Result<Vec<Vec<Value>>, E>,
    ) -> Result<Arc<[Vec<Value>]>, E> {
        let Some((places, lists)) = &self.bindings[t] else {
            return Ok(compute()?.into());
        };
        with_ids_of(state, places, |key| {
            if let Some(found) = lists.get(key) {
                return Ok(found);
            }
            let computed: Arc<[Vec<Value>]> = compute()?.into();
            lists.insert(key.into(), Arc::clone(&computed));
            Ok(computed)
        })
    }

    /// Atom `atom`'s verdict in `state`: remembered, or `compute`d and
    /// remembered.
    fn holds<E>(
        &self,
        atom: usize,
        state: &[u32],
        compute: impl FnOnce() -> Result<bool, E>,
    ) -> Result<bool, E> {
        let Some((places, verdicts)) = &self.atoms[atom] else {
            return compute();
        };
        with_ids_of(state, places, |key| {
            if let Some(verdict) = verdicts.get(key) {
                return Ok(verdict);
            }
            let verdict = compute()?;
            verdicts.insert(key.into(), verdict);
            Ok(verdict)
        })
    }
}

/// Whether a `fired` atom has a condition over the binding of its
/// transition, which makes an edge's bits its own (`enabled` atoms with a
/// condition are state labels: [`conditional_enabled_atoms`]).
fn fired_over_bindings(atoms: &[Atom]) -> bool {
    atoms.iter().any(|a| {
        matches!(
            a,
            Atom::Transition {
                fired: true,
                condition: Some(_),
                ..
            }
        )
    })
}

/// Words of atom bits a marking or an edge has: one bit per atom.
fn atom_words(atoms: &[Atom]) -> usize {
    atoms.len().div_ceil(64).max(1)
}

/// A verdict memo for the state atoms among `atoms` (numbered alike).
fn state_atom_memo(atoms: &[Atom]) -> VerdictMemo<'_> {
    VerdictMemo::new(atoms.iter().map(|a| match a {
        Atom::State { code, .. } => Some(code),
        _ => None,
    }))
}

/// Sets the bits of the atoms over transition `t` that an edge of `t` under
/// the binding `values` from `source` makes true: `fired` atoms in `fired`
/// (the edge's bits), `enabled` atoms without a condition in `enabled` (its
/// source marking's bits; those with one are [`conditional_enabled_atoms`]).
fn transition_atoms(
    atoms: &[Atom],
    t: usize,
    values: &[Value],
    source: Option<&Marking>,
    fired: &mut [u64],
    enabled: &mut [u64],
) -> Result<(), EvalError> {
    for (i, atom) in atoms.iter().enumerate() {
        if let Atom::Transition {
            fired: is_fired,
            transition,
            condition,
            property,
            pos,
        } = atom
            && *transition == t
            && (*is_fired || condition.is_none())
            && condition_holds(condition, values, source)
                .map_err(|e| e.at(*pos).in_property(property))?
        {
            set(
                if *is_fired {
                    &mut *fired
                } else {
                    &mut *enabled
                },
                i,
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The graph of `x -> x+1, 2x (mod n)` from 0.
    fn modular(n: u32, limits: Limits) -> Result<MarkingGraph, Stop<()>> {
        modular_with(n, limits, None)
    }

    /// [`modular`], telling `progress`.
    fn modular_with(
        n: u32,
        limits: Limits,
        progress: Option<&GraphProgressHook>,
    ) -> Result<MarkingGraph, Stop<()>> {
        MarkingGraph::build_with(vec![0, 7], 1, 0, limits, progress, |s| {
            let next = |x: u32| (vec![x % n, 7], 0, None, Vec::new());
            Ok(Expansion {
                successors: vec![next(s[0] + 1), next(s[0] * 2)],
                bits: vec![u64::from(s[0] % 2)],
            })
        })
    }

    #[test]
    fn every_marking_is_found_again_after_the_index_grows() {
        let n = 10_000;
        let Ok(g) = modular(n, Limits::default()) else {
            panic!("no limit was set");
        };
        assert_eq!(g.len(), n as usize);
        assert_eq!(g.edge_count(), 2 * n as usize);
        for id in 0..g.len() {
            let x = g.state(id)[0];
            let targets: Vec<u32> = g.edges(id).map(|e| g.state(g.target(e))[0]).collect();
            assert_eq!(targets, vec![(x + 1) % n, (x * 2) % n]);
            assert_eq!(g.state_atom(id, 0), x % 2 == 1);
        }
    }

    #[test]
    fn progress_is_told_after_each_chunk_up_to_the_whole_graph() {
        let reports = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = reports.clone();
        let hook: GraphProgressHook = Arc::new(move |p: &GraphProgress| {
            sink.lock().unwrap().push(*p);
        });
        let n = 3 * CHUNK as u32;
        let Ok(g) = modular_with(n, Limits::default(), Some(&hook)) else {
            panic!("no limit was set");
        };
        let reports = reports.lock().unwrap();
        // One report per chunk (at most CHUNK markings of the breadth-first
        // order), each further on, the last one the whole graph.
        assert!(reports.len() > 3, "{} reports", reports.len());
        assert!(reports.windows(2).all(|w| w[0].expanded < w[1].expanded
            && w[1].expanded - w[0].expanded <= CHUNK as u64
            && w[0].markings <= w[1].markings
            && w[0].edges < w[1].edges
            && w[0].elapsed <= w[1].elapsed));
        assert!(reports.iter().all(|p| p.expanded <= p.markings));
        let last = reports.last().unwrap();
        assert_eq!((last.expanded, last.markings), (n as u64, g.len() as u64));
        assert_eq!(last.edges, g.edge_count() as u64);
    }

    #[test]
    fn limits_stop_the_construction() {
        let small = Limits {
            max_states: Some(100),
            ..Limits::default()
        };
        assert!(matches!(modular(1000, small), Err(Stop::TooLarge(100))));
        let tiny_memory = Limits {
            max_memory: Some(1),
            ..Limits::default()
        };
        if resident_bytes().is_some() {
            assert!(matches!(modular(1000, tiny_memory), Err(Stop::OutOfMemory)));
        }
    }
}
