//! The Kripke structure of one property: (marking, last step) pairs.
//!
//! A node is a marking of the [`MarkingGraph`] together with the set of the
//! property's `fired` atoms that the step into it satisfied (empty for the
//! initial node), so that `fired` is a proposition of states like the others.
//! A property without `fired` atoms has exactly one node per marking. A dead
//! marking gets a stuttering self-loop, which fires nothing.
//!
//! Every node of one marking has the same successors: one per edge of the
//! marking, to the node of the edge's target and the atoms the edge fires.
//! So the structure stores, besides its nodes, only the node each graph edge
//! leads to (4 bytes an edge), not a successor list per node.

use super::graph::MarkingGraph;
use crate::budget::{self, Exhausted};

/// A path through a Kripke structure from its initial node: `stem` steps,
/// then, when `cycle` is not empty, `cycle` steps that come back to the node
/// where the stem ends, for ever. Each step is (node reached, marking-graph
/// edge taken, or [`STUTTER`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path {
    /// The steps from the initial node.
    pub stem: Vec<(usize, u32)>,
    /// The steps of the cycle (empty for a finite path).
    pub cycle: Vec<(usize, u32)>,
}

/// Marks an edge of the Kripke structure that stutters at a dead marking.
pub const STUTTER: u32 = u32::MAX;

/// At most this many `fired` atoms per property.
pub const MAX_FIRED_ATOMS: usize = 64;

/// No node (the end of a marking's list of nodes).
const NONE: u32 = u32::MAX;

/// The Kripke structure of one property.
pub struct Kripke<'g> {
    /// The marking graph underneath.
    pub graph: &'g MarkingGraph,
    /// Per node (when the property has `fired` atoms), its marking.
    markings: Vec<u32>,
    /// Per node, the mask of the `fired` atoms the step into it satisfied.
    masks: Vec<u64>,
    /// Per marking, its most recent node (then `next_node`).
    first_node: Vec<u32>,
    /// Per node, the node of the same marking made before it.
    next_node: Vec<u32>,
    /// Per graph edge, the node it leads to.
    heads: Vec<u32>,
    /// The global numbers of the property's `fired` atoms (bit `i` of a node's mask is `fired[i]`).
    fired: Vec<usize>,
}

impl<'g> Kripke<'g> {
    /// The structure over `graph` for a property whose `fired` atoms have the
    /// global numbers `fired` (at most [`MAX_FIRED_ATOMS`]). Nodes are
    /// numbered breadth-first from the initial one, successors in the order
    /// of the graph's edges. `Err` when the budget installed on the thread
    /// ([`budget`]) ran out while the nodes were made.
    pub fn new(graph: &'g MarkingGraph, fired: Vec<usize>) -> Result<Self, Exhausted> {
        let mut k = Kripke {
            graph,
            markings: Vec::new(),
            masks: Vec::new(),
            first_node: Vec::new(),
            next_node: Vec::new(),
            heads: Vec::new(),
            fired,
        };
        if !k.copied() {
            // One node per marking, in the graph's numbering (breadth-first
            // from the initial marking, as below): nothing to store.
            return Ok(k);
        }
        k.first_node = vec![NONE; graph.len()];
        k.heads = vec![NONE; graph.edge_count()];
        k.node(0, 0);
        // A marking's edges get their heads when its first node is reached;
        // its later nodes have the same successors, all made by then.
        let mut expanded = vec![false; graph.len()];
        let mut next = 0;
        while next < k.markings.len() {
            budget::tick()?;
            let marking = k.markings[next] as usize;
            if !std::mem::replace(&mut expanded[marking], true) {
                let edges = graph.edges(marking);
                if edges.is_empty() {
                    k.node(marking, 0);
                }
                for e in edges {
                    let mask = k
                        .fired
                        .iter()
                        .enumerate()
                        .filter(|(_, a)| graph.edge_atom(e, **a))
                        .fold(0u64, |m, (i, _)| m | 1 << i);
                    k.heads[e] = k.node(graph.target(e), mask) as u32;
                }
            }
            next += 1;
        }
        Ok(k)
    }

    /// The node of `marking` entered with the `fired` atoms `mask`, made
    /// now if there is none yet.
    fn node(&mut self, marking: usize, mask: u64) -> usize {
        if let Some(n) = self.find(marking, mask) {
            return n;
        }
        let n = self.markings.len();
        self.markings.push(marking as u32);
        self.masks.push(mask);
        self.next_node.push(self.first_node[marking]);
        self.first_node[marking] = n as u32;
        n
    }

    /// The node of `marking` entered with the `fired` atoms `mask`, if made.
    fn find(&self, marking: usize, mask: u64) -> Option<usize> {
        let mut n = self.first_node[marking];
        while n != NONE {
            if self.masks[n as usize] == mask {
                return Some(n as usize);
            }
            n = self.next_node[n as usize];
        }
        None
    }

    /// The number of nodes (node 0 is the initial one).
    pub fn len(&self) -> usize {
        match self.copied() {
            true => self.markings.len(),
            false => self.graph.len(),
        }
    }

    /// Whether there is no node (never).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the nodes are stored (the property has `fired` atoms) rather
    /// than read from the graph.
    fn copied(&self) -> bool {
        !self.fired.is_empty()
    }

    /// The marking of node `n`.
    pub fn marking(&self, n: usize) -> usize {
        match self.copied() {
            true => self.markings[n] as usize,
            false => n,
        }
    }

    /// The successors of node `n` with the marking-graph edge of each ([`STUTTER`] for a dead marking's loop).
    pub fn successors(&self, n: usize) -> impl Iterator<Item = (usize, u32)> + '_ {
        let marking = self.marking(n);
        let edges = self.graph.edges(marking);
        // A dead marking's node (marking, no atom) was made when the marking
        // was first reached, so `find` always finds it.
        let stutter = edges.is_empty().then(|| match self.copied() {
            true => (self.find(marking, 0).unwrap_or(n), STUTTER),
            false => (n, STUTTER),
        });
        edges
            .map(move |e| match self.copied() {
                true => (self.heads[e] as usize, e as u32),
                false => (self.graph.target(e), e as u32),
            })
            .chain(stutter)
    }

    /// Whether global atom `atom` holds at node `n`; `is_fired` says whether it is a `fired` atom.
    pub fn holds(&self, n: usize, atom: usize, is_fired: bool) -> bool {
        if is_fired {
            match self.fired.iter().position(|&a| a == atom) {
                Some(i) => self.masks[n] >> i & 1 == 1,
                None => false,
            }
        } else {
            self.graph.state_atom(self.marking(n), atom)
        }
    }

    /// The predecessors of every node (for backward fixpoints); `Err` when
    /// the installed budget ran out.
    pub fn predecessors(&self) -> Result<Predecessors, Exhausted> {
        let n = self.len();
        let mut offsets = vec![0usize; n + 1];
        for m in 0..n {
            budget::tick()?;
            for (s, _) in self.successors(m) {
                offsets[s + 1] += 1;
            }
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut filled = offsets.clone();
        let mut nodes = vec![0u32; offsets[n]];
        for m in 0..n {
            budget::tick()?;
            for (s, _) in self.successors(m) {
                nodes[filled[s]] = m as u32;
                filled[s] += 1;
            }
        }
        Ok(Predecessors { offsets, nodes })
    }
}

/// The predecessors of every node of a [`Kripke`] structure, in one array.
pub struct Predecessors {
    offsets: Vec<usize>,
    nodes: Vec<u32>,
}

impl Predecessors {
    /// The predecessors of node `n`, each once per edge into `n`.
    pub fn of(&self, n: usize) -> &[u32] {
        &self.nodes[self.offsets[n]..self.offsets[n + 1]]
    }
}
