//! The explored graph of a coloured net, labelled with atomic propositions.
//!
//! One node per reachable marking (node 0 is the initial one, the others in
//! breadth-first order), one edge per enabled binding, in the order of
//! [`crate::coloured::fire::enabled_bindings`] (the order of the space's labelled
//! successors). Each node carries the truth of every state atom and every
//! `enabled` atom of the properties checked; each edge the truth of every
//! `fired` atom, its transition and (for per-binding fairness) the number of
//! its binding. Levels are expanded in parallel; nodes are numbered
//! sequentially in a fixed order, so the graph is the same whatever the
//! thread count.

use std::collections::HashMap;
use std::time::Instant;

use rayon::prelude::*;

use super::{Atom, Fairness};
use crate::coloured::verdicts::VerdictMemo;
use crate::coloured::{ColouredError, ColouredSpace};
use crate::explore::StateSpace;
use crate::net::code::{Env, EvalError};
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
    /// Give up at this instant.
    pub deadline: Option<Instant>,
}

/// The labelled graph of reachable markings.
pub struct MarkingGraph {
    width: usize,
    states: Vec<u32>,
    offsets: Vec<usize>,
    targets: Vec<u32>,
    transitions: Vec<u32>,
    bindings: Vec<u32>,
    words: usize,
    edge_words: usize,
    state_bits: Vec<u64>,
    edge_bits: Vec<u64>,
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
}

impl MarkingGraph {
    /// Explores `space` (reduced by symmetry or not: nodes are the stored
    /// representatives), evaluating `atoms`
    /// (numbered globally); bindings of transitions with per-binding fairness
    /// are numbered.
    pub fn build(
        space: &ColouredSpace<'_>,
        atoms: &[Atom],
        fairness: &[Fairness],
        limits: Limits,
    ) -> Result<MarkingGraph, GraphError> {
        let net = space.net();
        let words = atoms.len().div_ceil(64).max(1);
        let per_binding: Vec<bool> = (0..net.transitions.len())
            .map(|t| fairness.iter().any(|f| f.transition == t && f.per_binding))
            .collect();
        let reads = atoms
            .iter()
            .map(|a| {
                let mut places = Vec::new();
                if let Atom::State { code, .. } = a {
                    code.places_read(&mut places);
                }
                places
            })
            .collect();
        let memo = VerdictMemo::new(reads);
        let initial = space.initial()?;
        let built = Self::build_with(initial, words, words, limits, |state| {
            expand(space, state, atoms, &per_binding, &memo, words)
        });
        built.map_err(|stop| match stop {
            Stop::Failed(e) => e,
            Stop::TooLarge(m) => GraphError::TooLarge(m),
            Stop::Timeout => GraphError::Timeout,
        })
    }

    /// Explores breadth-first from `initial`, `expand` giving each state's
    /// successors and labels (`state_words` words of state atoms,
    /// `edge_words` of `fired` atoms per edge). Each level is expanded in
    /// parallel and numbered sequentially, so the graph does not depend on
    /// the thread count.
    pub fn build_with<E, F>(
        initial: Vec<u32>,
        state_words: usize,
        edge_words: usize,
        limits: Limits,
        expand: F,
    ) -> Result<MarkingGraph, Stop<E>>
    where
        E: Send,
        F: Fn(&[u32]) -> Result<Expansion, E> + Sync,
    {
        let width = initial.len();
        let mut graph = MarkingGraph {
            width,
            states: initial.clone(),
            offsets: vec![0],
            targets: Vec::new(),
            transitions: Vec::new(),
            bindings: Vec::new(),
            words: state_words,
            edge_words,
            state_bits: Vec::new(),
            edge_bits: Vec::new(),
        };
        let mut index: HashMap<Vec<u32>, u32> = HashMap::new();
        index.insert(initial, 0);
        let mut binding_ids: HashMap<(u32, Vec<Value>), u32> = HashMap::new();
        let mut next = 0usize;
        while next < graph.len() {
            if limits.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(Stop::Timeout);
            }
            let level: Vec<usize> = (next..graph.len()).collect();
            next = graph.len();
            let expanded: Vec<Expansion> = level
                .par_iter()
                .map(|&id| expand(graph.state(id)))
                .collect::<Result<_, E>>()
                .map_err(Stop::Failed)?;
            for e in expanded {
                graph.state_bits.extend(&e.bits);
                for (state, transition, binding, bits) in e.successors {
                    let id = match index.get(&state) {
                        Some(&id) => id,
                        None => {
                            let id = graph.len() as u32;
                            if let Some(m) = limits.max_states.filter(|&m| id as u64 >= m) {
                                return Err(Stop::TooLarge(m));
                            }
                            graph.states.extend(&state);
                            index.insert(state, id);
                            id
                        }
                    };
                    graph.targets.push(id);
                    graph.transitions.push(transition);
                    let fresh = binding_ids.len() as u32;
                    graph.bindings.push(match binding {
                        Some(key) => *binding_ids.entry(key).or_insert(fresh),
                        None => u32::MAX,
                    });
                    graph.edge_bits.extend(&bits[..edge_words.min(bits.len())]);
                }
                graph.offsets.push(graph.targets.len());
            }
        }
        Ok(graph)
    }

    /// The number of markings.
    pub fn len(&self) -> usize {
        self.states.len() / self.width.max(1)
    }

    /// Whether the graph has no marking (never: the initial one is always there).
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// The number of edges.
    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }

    /// The encoded marking of node `id`.
    pub fn state(&self, id: usize) -> &[u32] {
        &self.states[id * self.width..(id + 1) * self.width]
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
        self.bindings[e]
    }

    /// Whether state atom or `enabled` atom `atom` holds at node `id`.
    pub fn state_atom(&self, id: usize, atom: usize) -> bool {
        self.state_bits[id * self.words + atom / 64] >> (atom % 64) & 1 == 1
    }

    /// Whether `fired` atom `atom` holds for edge `e`.
    pub fn edge_atom(&self, e: usize, atom: usize) -> bool {
        self.edge_words > 0
            && self.edge_bits[e * self.edge_words + atom / 64] >> (atom % 64) & 1 == 1
    }
}

fn set(bits: &mut [u64], atom: usize) {
    bits[atom / 64] |= 1 << (atom % 64);
}

fn condition_holds(
    condition: &Option<(crate::net::code::Code, usize)>,
    binding: &[Value],
) -> Result<bool, EvalError> {
    let Some((code, slots)) = condition else {
        return Ok(true);
    };
    let mut values = binding.to_vec();
    values.resize(*slots.max(&values.len()), Value::Bool(false));
    code.holds(&mut Env {
        slots: &mut values,
        marking: None,
    })
}

fn expand(
    space: &ColouredSpace<'_>,
    state: &[u32],
    atoms: &[Atom],
    per_binding: &[bool],
    memo: &VerdictMemo,
    words: usize,
) -> Result<Expansion, GraphError> {
    // Decoded only when a verdict is not remembered or a transition's
    // bindings are needed (atoms over it, per-binding fairness) or its effects
    // are not remembered.
    let mut decoded: Option<Marking> = None;
    let mut bits = vec![0u64; words];
    for (i, atom) in atoms.iter().enumerate() {
        if let Atom::State { code, slots } = atom {
            let holds = memo.get_or(i, state, || -> Result<bool, GraphError> {
                let marking = match &decoded {
                    Some(m) => m,
                    None => decoded.insert(space.decode(state)?),
                };
                let mut values = vec![Value::Bool(false); *slots];
                Ok(code.holds(&mut Env {
                    slots: &mut values,
                    marking: Some(marking),
                })?)
            })?;
            if holds {
                set(&mut bits, i);
            }
        }
    }
    let mut successors = Vec::new();
    let mut next = Vec::with_capacity(state.len());
    for (t, &per_binding) in per_binding.iter().enumerate() {
        space.successors_by(t, state, &mut decoded, &mut next, |after, values| {
            let mut fired = vec![0u64; words];
            for (i, atom) in atoms.iter().enumerate() {
                if let Atom::Transition {
                    fired: is_fired,
                    transition,
                    condition,
                } = atom
                    && *transition == t
                    && condition_holds(condition, values)?
                {
                    set(if *is_fired { &mut fired } else { &mut bits }, i);
                }
            }
            let key = per_binding.then(|| (t as u32, values.to_vec()));
            successors.push((space.representative(after)?, t as u32, key, fired));
            Ok(())
        })?;
    }
    Ok(Expansion { successors, bits })
}
