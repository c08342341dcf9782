//! The Kripke structure of one property: (marking, last step) pairs.
//!
//! A node is a marking of the [`MarkingGraph`] together with the set of the
//! property's `fired` atoms that the step into it satisfied (empty for the
//! initial node), so that `fired` is a proposition of states like the others.
//! A property without `fired` atoms has exactly one node per marking. A dead
//! marking gets a stuttering self-loop, which fires nothing.

use std::collections::HashMap;

use super::graph::MarkingGraph;

/// Marks an edge of the Kripke structure that stutters at a dead marking.
pub const STUTTER: u32 = u32::MAX;

/// At most this many `fired` atoms per property.
pub const MAX_FIRED_ATOMS: usize = 64;

/// The Kripke structure of one property.
pub struct Kripke<'g> {
    /// The marking graph underneath.
    pub graph: &'g MarkingGraph,
    nodes: Vec<(u32, u64)>,
    offsets: Vec<usize>,
    succ: Vec<u32>,
    via: Vec<u32>,
    /// The global numbers of the property's `fired` atoms (bit `i` of a node's mask is `fired[i]`).
    fired: Vec<usize>,
}

impl<'g> Kripke<'g> {
    /// The structure over `graph` for a property whose `fired` atoms have the
    /// global numbers `fired` (at most [`MAX_FIRED_ATOMS`]).
    pub fn new(graph: &'g MarkingGraph, fired: Vec<usize>) -> Self {
        if fired.is_empty() {
            // One node per marking, in the graph's numbering (breadth-first
            // from the initial marking, as below): nothing to store.
            return Kripke {
                graph,
                nodes: Vec::new(),
                offsets: Vec::new(),
                succ: Vec::new(),
                via: Vec::new(),
                fired,
            };
        }
        let mut k = Kripke {
            graph,
            nodes: vec![(0, 0)],
            offsets: vec![0],
            succ: Vec::new(),
            via: Vec::new(),
            fired,
        };
        let mut index: HashMap<(u32, u64), u32> = HashMap::new();
        index.insert((0, 0), 0);
        let mut next = 0;
        while next < k.nodes.len() {
            let (marking, _) = k.nodes[next];
            let edges = graph.edges(marking as usize);
            let mut out: Vec<((u32, u64), u32)> = if edges.is_empty() {
                vec![((marking, 0), STUTTER)]
            } else {
                edges
                    .map(|e| {
                        let mask = k
                            .fired
                            .iter()
                            .enumerate()
                            .filter(|(_, a)| graph.edge_atom(e, **a))
                            .fold(0u64, |m, (i, _)| m | 1 << i);
                        ((graph.target(e) as u32, mask), e as u32)
                    })
                    .collect()
            };
            for (node, via) in out.drain(..) {
                let fresh = k.nodes.len() as u32;
                let id = *index.entry(node).or_insert_with(|| {
                    k.nodes.push(node);
                    fresh
                });
                k.succ.push(id);
                k.via.push(via);
            }
            k.offsets.push(k.succ.len());
            next += 1;
        }
        k
    }

    /// The number of nodes (node 0 is the initial one).
    pub fn len(&self) -> usize {
        match self.copied() {
            true => self.nodes.len(),
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
            true => self.nodes[n].0 as usize,
            false => n,
        }
    }

    /// The successors of node `n` with the marking-graph edge of each ([`STUTTER`] for a dead marking's loop).
    pub fn successors(&self, n: usize) -> impl Iterator<Item = (usize, u32)> + '_ {
        let copied = self.copied();
        let r = match copied {
            true => self.offsets[n]..self.offsets[n + 1],
            false => self.graph.edges(n),
        };
        let stutter = !copied && r.is_empty();
        r.map(move |i| match copied {
            true => (self.succ[i] as usize, self.via[i]),
            false => (self.graph.target(i), i as u32),
        })
        .chain(stutter.then_some((n, STUTTER)))
    }

    /// Whether global atom `atom` holds at node `n`; `is_fired` says whether it is a `fired` atom.
    pub fn holds(&self, n: usize, atom: usize, is_fired: bool) -> bool {
        if is_fired {
            match self.fired.iter().position(|&a| a == atom) {
                Some(i) => self.nodes[n].1 >> i & 1 == 1,
                None => false,
            }
        } else {
            self.graph.state_atom(self.marking(n), atom)
        }
    }

    /// The predecessors of every node (for backward fixpoints).
    pub fn predecessors(&self) -> Predecessors {
        let n = self.len();
        let mut offsets = vec![0usize; n + 1];
        for m in 0..n {
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
            for (s, _) in self.successors(m) {
                nodes[filled[s]] = m as u32;
                filled[s] += 1;
            }
        }
        Predecessors { offsets, nodes }
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
