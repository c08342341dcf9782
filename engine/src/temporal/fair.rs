//! Fair cycles: which strongly connected parts of a graph carry a run that
//! meets the net's fairness assumptions. Shared by LTL (on the Büchi
//! product) and fair CTL (on the Kripke structure).
//!
//! A component has a fair cycle when every constraint is met inside it: the
//! transition (or binding) fires on an inner edge; or, for weak fairness,
//! some state of the component has it disabled (a cycle through that state
//! is not continuously enabled); or, for strong fairness, it is disabled
//! everywhere in the component. When a strong constraint is enabled
//! somewhere but never fires, only the states where it is disabled can
//! carry a fair cycle: the component is restricted to them, split into
//! components again and each is tested anew (the Emerson-Lei refinement).

use std::collections::HashSet;
use std::ops::ControlFlow;

use super::graph::MarkingGraph;
use super::kripke::STUTTER;
use super::{Fairness, Strength};
use crate::scc::{Tarjan, Visitor};

/// A set of nodes.
pub type Set = HashSet<u32>;

/// A graph whose nodes stand for markings of a [`MarkingGraph`].
pub trait Structure {
    /// The successors of node `p`, each with the marking-graph edge taken
    /// (or [`STUTTER`]), in a fixed order.
    fn successors(&mut self, p: u32) -> Vec<(u32, u32)>;
    /// The marking node `p` stands for.
    fn marking(&self, p: u32) -> usize;
    /// The marking graph.
    fn graph(&self) -> &MarkingGraph;
}

/// One fairness constraint instance: (transition, binding or none, strength).
pub type Constraint = (usize, Option<u32>, Strength);

/// The edges of `p` that stay inside `inside`.
pub fn inner_edges<S: Structure>(s: &mut S, p: u32, inside: &Set) -> Vec<(u32, u32)> {
    s.successors(p)
        .into_iter()
        .filter(|(q, _)| inside.contains(q))
        .collect()
}

/// Whether the edge taken `via` fires transition `t` (binding `b`, if any).
pub fn fires<S: Structure>(s: &S, via: u32, t: usize, b: Option<u32>) -> bool {
    via != STUTTER
        && s.graph().transition(via as usize) == t
        && b.is_none_or(|b| s.graph().binding(via as usize) == b)
}

/// Whether transition `t` (binding `b`, if any) is enabled at node `p`.
pub fn enabled<S: Structure>(s: &S, p: u32, t: usize, b: Option<u32>) -> bool {
    let g = s.graph();
    g.edges(s.marking(p))
        .any(|e| g.transition(e) == t && b.is_none_or(|b| g.binding(e) == b))
}

/// The constraints that apply to `component`: one per fair transition, or
/// one per binding of it met in the component for per-binding fairness.
pub fn constraints<S: Structure>(
    s: &S,
    fairness: &[Fairness],
    component: &[u32],
) -> Vec<Constraint> {
    let g = s.graph();
    let mut out = Vec::new();
    for f in fairness {
        if f.per_binding {
            let mut keys: Vec<u32> = component
                .iter()
                .flat_map(|&p| {
                    g.edges(s.marking(p))
                        .filter(|&e| g.transition(e) == f.transition)
                        .map(|e| g.binding(e))
                })
                .collect();
            keys.sort_unstable();
            keys.dedup();
            out.extend(
                keys.into_iter()
                    .map(|k| (f.transition, Some(k), f.strength)),
            );
        } else {
            out.push((f.transition, None, f.strength));
        }
    }
    out
}

/// The parts of `component` (a strongly connected set of nodes, sorted)
/// that carry a fair cycle on which `accepting` holds (`accepting` is asked
/// of each candidate part; it must hold of a part when it holds of a
/// cycle through every state of the part). Sorted, in a fixed order.
pub fn fair_parts<S: Structure>(
    s: &mut S,
    fairness: &[Fairness],
    component: Vec<u32>,
    accepting: &dyn Fn(&S, &[u32]) -> bool,
) -> Vec<Vec<u32>> {
    let inside: Set = component.iter().copied().collect();
    let has_cycle = component
        .iter()
        .any(|&p| !inner_edges(s, p, &inside).is_empty());
    if !has_cycle || !accepting(s, &component) {
        return Vec::new();
    }
    for (t, b, strength) in constraints(s, fairness, &component) {
        let fired = component.iter().any(|&p| {
            inner_edges(s, p, &inside)
                .iter()
                .any(|&(_, via)| fires(s, via, t, b))
        });
        if fired {
            continue;
        }
        let disabled: Vec<u32> = component
            .iter()
            .copied()
            .filter(|&p| !enabled(s, p, t, b))
            .collect();
        match strength {
            Strength::Weak if disabled.is_empty() => return Vec::new(),
            Strength::Weak => {}
            Strength::Strong if disabled.len() == component.len() => {}
            Strength::Strong => {
                return components_within(s, &disabled)
                    .into_iter()
                    .flat_map(|sub| fair_parts(s, fairness, sub, accepting))
                    .collect();
            }
        }
    }
    vec![component]
}

/// The strongly connected components of the subgraph induced by `set`,
/// each sorted, in the order completed.
pub fn components_within<S: Structure>(s: &mut S, set: &[u32]) -> Vec<Vec<u32>> {
    struct Within<'a, S> {
        s: &'a mut S,
        set: &'a [u32],
        /// Each node of `set` by its position there (the search's node).
        position: std::collections::HashMap<u32, u32>,
        out: Vec<Vec<u32>>,
    }
    impl<S: Structure> Visitor for Within<'_, S> {
        /// The successors inside `set`, as positions.
        fn successors(&mut self, v: u32, out: &mut Vec<u32>) {
            let edges = self.s.successors(self.set[v as usize]);
            out.extend(
                edges
                    .into_iter()
                    .filter_map(|(q, _)| self.position.get(&q).copied()),
            );
        }
        fn completed(&mut self, nodes: &[u32], _: u32, _: bool) -> ControlFlow<()> {
            let mut component: Vec<u32> = nodes.iter().map(|&v| self.set[v as usize]).collect();
            component.sort_unstable();
            self.out.push(component);
            ControlFlow::Continue(())
        }
    }
    let mut within = Within {
        s,
        set,
        position: (0..).zip(set).map(|(i, &p)| (p, i)).collect(),
        out: Vec::new(),
    };
    let mut tarjan = Tarjan::with_nodes(set.len());
    for start in 0..set.len() as u32 {
        // The visitor never breaks.
        let _ = tarjan.search(&mut within, start);
    }
    within.out
}
