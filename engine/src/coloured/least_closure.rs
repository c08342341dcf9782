//! The smallest closed set of a dependency graph, found in one pass of
//! Tarjan's algorithm instead of one search per seed.
//!
//! A stubborn set ([`super::stubborn`]) is the closure of a seed under "brings
//! in": every node reachable from it. Among the seeds whose closure holds no
//! *poisoned* node (a visible binding), the checker wants the one whose
//! closure counts the fewest nodes (enabled bindings), the first seed in the
//! given order on ties. Growing a closure from every seed costs one search
//! per seed; this module gets the same answer from the strongly connected
//! components:
//!
//! - every seed of a component has the same closure;
//! - if a component's closure is free of poison and holds a seed of another
//!   component, that seed's closure is a part of it that leaves out this
//!   component's counted seeds, so it counts strictly fewer nodes;
//! - so the smallest closure is that of a *candidate*: a component free of
//!   poison below it, with a seed, and no seed in any component below it.
//!
//! Components complete in reverse topological order, so whether one is
//! poisoned or has a seed below is known from the components its edges
//! reach. Only the candidates' closures are then counted, one search each.
//! The successors of each node are asked for once, when first reached; a
//! poisoned node's are never asked for (whatever reaches it is poisoned).

use std::ops::ControlFlow;

use crate::scc::{Tarjan, Visitor};

/// What a node of the graph is, for the choice of a closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeKind {
    /// The closure may be grown from it.
    pub seed: bool,
    /// It counts towards a closure's size.
    pub counted: bool,
    /// No chosen closure may hold it.
    pub poisoned: bool,
}

/// A graph whose nodes are `0..node_count()`, explored on demand.
pub trait DependencyGraph {
    /// The number of nodes.
    fn node_count(&self) -> usize;
    /// What node `v` is.
    fn kind(&mut self, v: usize) -> NodeKind;
    /// Appends to `out` the nodes `v` brings in (asked once per node).
    fn successors(&mut self, v: usize, out: &mut Vec<usize>);
}

/// The component of a node not in a completed one yet.
const NO_COMPONENT: u32 = u32::MAX;

/// The closure, with no poisoned node, that counts the fewest nodes, among
/// the closures of the seeds taken in order (`seeds` lists them; the first
/// on ties), if some closure counts fewer than `limit`: its count and one
/// flag per node.
pub fn least_closure(
    graph: &mut impl DependencyGraph,
    seeds: &[usize],
    limit: usize,
) -> Option<(usize, Vec<bool>)> {
    let n = graph.node_count();
    let mut rank = vec![usize::MAX; n];
    for (i, &s) in seeds.iter().enumerate() {
        rank[s] = rank[s].min(i);
    }
    let mut search = Search {
        graph,
        nodes: vec![Node::default(); n],
        rank,
        edges: Vec::new(),
        scratch: Vec::new(),
        components: Vec::new(),
    };
    let mut tarjan = Tarjan::with_nodes(n);
    for &seed in seeds {
        // The search never breaks.
        let _ = tarjan.search(&mut search, seed as u32);
    }
    // Candidates: free of poison, with a seed and no seed below; the
    // smallest count, then the first seed in the given order.
    let mut best: Option<(usize, usize, Vec<bool>)> = None; // (count, rank, closure)
    for c in &search.components {
        if c.poisoned || c.first_seed == usize::MAX || c.seed_below {
            continue;
        }
        let (count, flags) = search.closure(c.member);
        if count < limit
            && best
                .as_ref()
                .is_none_or(|(bc, br, _)| (count, c.first_seed) < (*bc, *br))
        {
            best = Some((count, c.first_seed, flags));
        }
    }
    best.map(|(count, _, flags)| (count, flags))
}

/// A completed strongly connected component.
struct Component {
    /// One of its nodes.
    member: usize,
    /// The best rank (position in the seed list) of its seeds, `usize::MAX`
    /// if it has none.
    first_seed: usize,
    poisoned: bool,
    /// Some other component it reaches has a seed.
    seed_below: bool,
}

/// One node's part of the search.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Its kind, asked when the search first reaches it.
    kind: NodeKind,
    /// Its successors: `Search::edges[first..last]` once reached.
    first: u32,
    last: u32,
    /// Its component, once completed (`NO_COMPONENT` before).
    component: u32,
}

impl Default for Node {
    fn default() -> Self {
        Node {
            kind: NodeKind {
                seed: false,
                counted: false,
                poisoned: false,
            },
            first: 0,
            last: 0,
            component: NO_COMPONENT,
        }
    }
}

/// The graph as Tarjan's search learns it, and its components as they complete.
struct Search<'g, G> {
    graph: &'g mut G,
    nodes: Vec<Node>,
    /// Per node: its position in the seed list (`usize::MAX` if none).
    rank: Vec<usize>,
    /// Every reached node's successors, sorted, one run per node.
    edges: Vec<u32>,
    /// One node's successors as the graph gives them, before sorting.
    scratch: Vec<usize>,
    components: Vec<Component>,
}

impl<G: DependencyGraph> Visitor for Search<'_, G> {
    /// Learns `v`'s kind and successors (none for a poisoned node).
    fn successors(&mut self, v: u32, out: &mut Vec<u32>) {
        let kind = self.graph.kind(v as usize);
        let first = self.edges.len();
        if !kind.poisoned {
            self.scratch.clear();
            self.graph.successors(v as usize, &mut self.scratch);
            self.scratch.sort_unstable();
            self.scratch.dedup();
            self.edges.extend(self.scratch.iter().map(|&w| w as u32));
            out.extend_from_slice(&self.edges[first..]);
        }
        self.nodes[v as usize] = Node {
            kind,
            first: first as u32,
            last: self.edges.len() as u32,
            component: NO_COMPONENT,
        };
    }

    /// Sums up what the component reaches.
    fn completed(&mut self, members: &[u32], _: u32, _: bool) -> ControlFlow<()> {
        let id = self.components.len() as u32;
        for &v in members {
            self.nodes[v as usize].component = id;
        }
        let mut component = Component {
            member: members[0] as usize,
            first_seed: usize::MAX,
            poisoned: false,
            seed_below: false,
        };
        for &v in members {
            let node = &self.nodes[v as usize];
            component.poisoned |= node.kind.poisoned;
            if node.kind.seed {
                component.first_seed = component.first_seed.min(self.rank[v as usize]);
            }
            for &w in self.successors_of(v as usize) {
                let below = self.nodes[w as usize].component;
                if below != id {
                    let below = &self.components[below as usize];
                    component.poisoned |= below.poisoned;
                    component.seed_below |= below.first_seed != usize::MAX || below.seed_below;
                }
            }
        }
        self.components.push(component);
        ControlFlow::Continue(())
    }
}

impl<G> Search<'_, G> {
    fn successors_of(&self, v: usize) -> &[u32] {
        let node = &self.nodes[v];
        &self.edges[node.first as usize..node.last as usize]
    }

    /// The nodes reachable from `v` (all reached by the search, none
    /// poisoned when `v`'s component is not): how many are counted, and
    /// one flag per node.
    fn closure(&self, v: usize) -> (usize, Vec<bool>) {
        let mut flags = vec![false; self.nodes.len()];
        let mut stack = vec![v];
        flags[v] = true;
        let mut count = 0;
        while let Some(u) = stack.pop() {
            count += usize::from(self.nodes[u].kind.counted);
            for &w in self.successors_of(u) {
                let w = w as usize;
                if !flags[w] {
                    flags[w] = true;
                    stack.push(w);
                }
            }
        }
        (count, flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug)]
    struct Fixed {
        kinds: Vec<NodeKind>,
        edges: Vec<Vec<usize>>,
        asked: Vec<u32>,
    }

    impl DependencyGraph for Fixed {
        fn node_count(&self) -> usize {
            self.kinds.len()
        }
        fn kind(&mut self, v: usize) -> NodeKind {
            self.kinds[v]
        }
        fn successors(&mut self, v: usize, out: &mut Vec<usize>) {
            self.asked[v] += 1;
            out.extend(&self.edges[v]);
        }
    }

    /// The closure of every seed in turn, stopped at a poisoned node.
    fn brute_force(graph: &Fixed, seeds: &[usize], limit: usize) -> Option<(usize, Vec<bool>)> {
        let mut best: Option<(usize, Vec<bool>)> = None;
        'seeds: for &seed in seeds {
            let mut flags = vec![false; graph.kinds.len()];
            let mut stack = vec![seed];
            flags[seed] = true;
            let mut count = 0;
            while let Some(u) = stack.pop() {
                if graph.kinds[u].poisoned {
                    continue 'seeds;
                }
                count += usize::from(graph.kinds[u].counted);
                for &w in &graph.edges[u] {
                    if !flags[w] {
                        flags[w] = true;
                        stack.push(w);
                    }
                }
            }
            if count < limit && best.as_ref().is_none_or(|(c, _)| count < *c) {
                best = Some((count, flags));
            }
        }
        best
    }

    fn graph() -> impl Strategy<Value = (Fixed, Vec<usize>, usize)> {
        (1usize..12).prop_flat_map(|n| {
            let kind = (0u8..4).prop_map(|k| NodeKind {
                seed: k == 0,
                counted: k <= 1,
                poisoned: k == 2,
            });
            (
                proptest::collection::vec(kind, n),
                proptest::collection::vec(proptest::collection::vec(0..n, 0..4), n),
                Just(n),
                0usize..14,
            )
                .prop_map(|(kinds, edges, n, limit)| {
                    let seeds: Vec<usize> = (0..n).rev().filter(|&v| kinds[v].seed).collect();
                    let graph = Fixed {
                        kinds,
                        edges,
                        asked: vec![0; n],
                    };
                    (graph, seeds, limit)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        #[test]
        fn one_pass_chooses_what_a_search_per_seed_chooses((mut graph, seeds, limit) in graph()) {
            let expected = brute_force(&graph, &seeds, limit);
            let got = least_closure(&mut graph, &seeds, limit);
            prop_assert_eq!(got, expected);
            prop_assert!(graph.asked.iter().all(|&a| a <= 1), "successors asked twice");
        }
    }

    #[test]
    fn a_seed_below_is_preferred_and_poison_spreads_upwards() {
        let seed = NodeKind {
            seed: true,
            counted: true,
            poisoned: false,
        };
        let poison = NodeKind {
            seed: false,
            counted: true,
            poisoned: true,
        };
        // 0 -> 1 -> 2, and 3 -> 4 (poisoned).
        let mut graph = Fixed {
            kinds: vec![seed, seed, seed, seed, poison],
            edges: vec![vec![1], vec![2], vec![], vec![4], vec![]],
            asked: vec![0; 5],
        };
        let (count, flags) = least_closure(&mut graph, &[3, 0, 1, 2], 5).expect("a set");
        assert_eq!(count, 1);
        assert_eq!(flags, vec![false, false, true, false, false]);
        assert_eq!(
            graph.asked[4], 0,
            "a poisoned node's successors are not asked"
        );
    }
}
