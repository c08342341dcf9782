//! Strongly connected components by Tarjan's algorithm, iteratively.
//!
//! One depth-first search serves every part of the checker that needs
//! components: the LTL product search ([`crate::temporal::ltl`]), the forward
//! decision of `AF` ([`crate::temporal::forward`]), the fairness parts of a
//! component ([`crate::temporal::fair`]) and the stubborn set's least closure
//! ([`crate::coloured::least_closure`]). The search keeps its own path and
//! stack (graphs of millions of nodes would overflow a recursive one), asks a
//! [`Visitor`] for each node's successors once, when it first reaches the
//! node, and tells it what it finds: nodes reached, edges back into the
//! stack, edges into completed components, and each component as it
//! completes, in reverse topological order. Any of these may stop the search.

use std::ops::ControlFlow;

/// A graph searched depth first, and what it does with what the search finds.
///
/// Nodes are `u32` ids (4 bytes an edge on the search's path); the search's
/// arrays hold one entry per id up to the largest seen ([`Tarjan::new`]) or
/// given ([`Tarjan::with_nodes`]), so ids should be dense.
pub trait Visitor {
    /// Appends the successors of `v` to `out`, in the order to visit them.
    /// Asked once per node, right after [`Visitor::entered`].
    fn successors(&mut self, v: u32, out: &mut Vec<u32>);

    /// `v` is reached for the first time, numbered `number` (0, 1, ... in
    /// the order reached). Breaking stops the search.
    fn entered(&mut self, _v: u32, _number: u32) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }

    /// An edge from `v` to `w`, reached before and still on Tarjan's stack
    /// (`stack`, the oldest first): it closes a cycle, so `w`'s component
    /// will hold `v` (`w == v` for a self-loop). `w` is numbered `number`.
    /// Breaking stops the search.
    fn closes_cycle(&mut self, _v: u32, _w: u32, _number: u32, _stack: &[u32]) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }

    /// An edge from `v` to `w`, a node of a completed component (a tree
    /// edge too, once the child's component is complete).
    fn edge_to_completed(&mut self, _v: u32, _w: u32) {}

    /// A component is complete: its `nodes` (its root, numbered
    /// `root_number`, first), and whether it has a cycle (more than one
    /// node, or a self-loop). Breaking stops the search.
    fn completed(&mut self, nodes: &[u32], root_number: u32, cyclic: bool) -> ControlFlow<()>;
}

/// The number of a node not reached yet.
const UNREACHED: u32 = u32::MAX;

/// One node on the depth-first path.
struct Frame {
    node: u32,
    self_loop: bool,
    /// Its successors are `edges[s..end]`, where `s` is the frame below's
    /// `end` (0 for the first); `next` is the one to visit next.
    next: usize,
    end: usize,
}

/// Tarjan's search, which may be started from several roots in turn; a node
/// reached from one root is not searched again from the next.
#[derive(Default)]
pub struct Tarjan {
    number: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<u32>,
    /// The successors of the nodes on the path, one run per frame.
    edges: Vec<u32>,
    path: Vec<Frame>,
    reached: u32,
}

impl Tarjan {
    /// A search that has reached nothing yet; its arrays grow with the
    /// largest node id reached (by doubling, as a vector does).
    pub fn new() -> Self {
        Self::default()
    }

    /// A search over the nodes `0..nodes`, its arrays allocated once at
    /// their size (9 bytes a node).
    pub fn with_nodes(nodes: usize) -> Self {
        Tarjan {
            number: vec![UNREACHED; nodes],
            low: vec![0; nodes],
            on_stack: vec![false; nodes],
            ..Self::default()
        }
    }

    /// Whether `v` has been reached.
    pub fn is_reached(&self, v: u32) -> bool {
        self.number.get(v as usize).is_some_and(|&n| n != UNREACHED)
    }

    /// Searches from `root`, unless it was reached before; breaks when the
    /// visitor does (the search cannot be resumed then).
    pub fn search(&mut self, visitor: &mut impl Visitor, root: u32) -> ControlFlow<()> {
        if self.is_reached(root) {
            return ControlFlow::Continue(());
        }
        self.enter(visitor, root)?;
        while let Some(frame) = self.path.last_mut() {
            let v = frame.node;
            if frame.next < frame.end {
                let w = self.edges[frame.next];
                frame.next += 1;
                frame.self_loop |= w == v;
                if !self.is_reached(w) {
                    self.enter(visitor, w)?;
                } else if self.on_stack[w as usize] {
                    let number = self.number[w as usize];
                    self.low[v as usize] = self.low[v as usize].min(number);
                    visitor.closes_cycle(v, w, number, &self.stack)?;
                } else {
                    visitor.edge_to_completed(v, w);
                }
                continue;
            }
            let Some(frame) = self.path.pop() else { break };
            self.edges
                .truncate(self.path.last().map_or(0, |below| below.end));
            let (i, number) = (v as usize, self.number[v as usize]);
            if self.low[i] == number {
                let from = self.stack.iter().rposition(|&m| m == v).unwrap_or(0);
                for &m in &self.stack[from..] {
                    self.on_stack[m as usize] = false;
                }
                let cyclic = self.stack.len() - from > 1 || frame.self_loop;
                let done = visitor.completed(&self.stack[from..], number, cyclic);
                self.stack.truncate(from);
                done?;
            }
            if let Some(parent) = self.path.last() {
                let p = parent.node as usize;
                if self.on_stack[i] {
                    self.low[p] = self.low[p].min(self.low[i]);
                } else {
                    visitor.edge_to_completed(parent.node, v);
                }
            }
        }
        ControlFlow::Continue(())
    }

    /// Numbers `v`, pushes it and asks for its successors.
    fn enter(&mut self, visitor: &mut impl Visitor, v: u32) -> ControlFlow<()> {
        let i = v as usize;
        if self.number.len() <= i {
            self.number.resize(i + 1, UNREACHED);
            self.low.resize(i + 1, 0);
            self.on_stack.resize(i + 1, false);
        }
        let number = self.reached;
        self.reached += 1;
        self.number[i] = number;
        self.low[i] = number;
        self.on_stack[i] = true;
        self.stack.push(v);
        visitor.entered(v, number)?;
        let start = self.edges.len();
        visitor.successors(v, &mut self.edges);
        self.path.push(Frame {
            node: v,
            self_loop: false,
            next: start,
            end: self.edges.len(),
        });
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::{DiGraph, NodeIndex};
    use proptest::prelude::*;

    /// Collects the components of an adjacency list, and the edges told.
    struct Lists {
        edges: Vec<Vec<u32>>,
        asked: Vec<u32>,
        components: Vec<(Vec<u32>, bool)>,
        edge_to_completed: Vec<(u32, u32)>,
    }

    impl Visitor for Lists {
        fn successors(&mut self, v: u32, out: &mut Vec<u32>) {
            self.asked[v as usize] += 1;
            out.extend(&self.edges[v as usize]);
        }
        fn edge_to_completed(&mut self, v: u32, w: u32) {
            self.edge_to_completed.push((v, w));
        }
        fn completed(&mut self, nodes: &[u32], _: u32, cyclic: bool) -> ControlFlow<()> {
            let mut nodes = nodes.to_vec();
            nodes.sort_unstable();
            self.components.push((nodes, cyclic));
            ControlFlow::Continue(())
        }
    }

    /// The components of `edges`, by a search whose arrays grow, or are
    /// allocated at the graph's size when `sized`.
    fn components_of(edges: &[Vec<u32>], sized: bool) -> Lists {
        let mut lists = Lists {
            edges: edges.to_vec(),
            asked: vec![0; edges.len()],
            components: Vec::new(),
            edge_to_completed: Vec::new(),
        };
        let mut tarjan = match sized {
            true => Tarjan::with_nodes(edges.len()),
            false => Tarjan::new(),
        };
        for v in 0..edges.len() as u32 {
            assert!(tarjan.search(&mut lists, v).is_continue());
        }
        lists
    }

    fn graphs() -> impl Strategy<Value = Vec<Vec<u32>>> {
        (1u32..14).prop_flat_map(|n| {
            proptest::collection::vec(proptest::collection::vec(0..n, 0..4), n as usize)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        /// The components are petgraph's, each completed after every
        /// component it reaches, each node's successors asked for once,
        /// cycles told right, and every edge between two components told.
        #[test]
        fn the_components_are_petgraphs_in_reverse_topological_order(edges in graphs()) {
            let found = components_of(&edges, false);
            let sized = components_of(&edges, true);
            prop_assert_eq!(&sized.components, &found.components);
            prop_assert_eq!(&sized.edge_to_completed, &found.edge_to_completed);
            let mut graph = DiGraph::<(), ()>::new();
            let ids: Vec<NodeIndex> = (0..edges.len()).map(|_| graph.add_node(())).collect();
            for (v, out) in edges.iter().enumerate() {
                for &w in out {
                    graph.add_edge(ids[v], ids[w as usize], ());
                }
            }
            let mut expected: Vec<Vec<u32>> = petgraph::algo::kosaraju_scc(&graph)
                .into_iter()
                .map(|c| {
                    let mut c: Vec<u32> = c.into_iter().map(|n| n.index() as u32).collect();
                    c.sort_unstable();
                    c
                })
                .collect();
            expected.sort();
            let mut got: Vec<Vec<u32>> = found.components.iter().map(|(c, _)| c.clone()).collect();
            got.sort();
            prop_assert_eq!(got, expected);
            prop_assert!(found.asked.iter().all(|&a| a == 1));
            let component_of =
                |v: u32| found.components.iter().position(|(c, _)| c.contains(&v));
            for (c, (nodes, cyclic)) in found.components.iter().enumerate() {
                let inner = nodes
                    .iter()
                    .any(|&v| edges[v as usize].iter().any(|&w| component_of(w) == Some(c)));
                prop_assert_eq!(*cyclic, inner, "component {:?}", nodes);
                for &v in nodes {
                    for &w in &edges[v as usize] {
                        prop_assert!(component_of(w) <= Some(c), "{} -> {} leads to a later component", v, w);
                    }
                }
            }
            let mut told = found.edge_to_completed.clone();
            told.sort_unstable();
            told.dedup();
            let mut between: Vec<(u32, u32)> = edges
                .iter()
                .enumerate()
                .flat_map(|(v, out)| out.iter().map(move |&w| (v as u32, w)))
                .filter(|&(v, w)| component_of(v) != component_of(w))
                .collect();
            between.sort_unstable();
            between.dedup();
            prop_assert_eq!(told, between);
        }
    }

    #[test]
    fn a_long_cycle_does_not_overflow_the_stack() {
        let n = 1_000_000u32;
        let edges: Vec<Vec<u32>> = (0..n).map(|v| vec![(v + 1) % n]).collect();
        let found = components_of(&edges, true);
        assert_eq!(found.components.len(), 1);
        assert_eq!(found.components[0].0.len(), n as usize);
        assert!(found.components[0].1, "the cycle is told");
    }

    #[test]
    fn breaking_stops_the_search() {
        struct StopAtTwo(Vec<u32>);
        impl Visitor for StopAtTwo {
            fn successors(&mut self, v: u32, out: &mut Vec<u32>) {
                out.push(v + 1);
            }
            fn entered(&mut self, v: u32, _: u32) -> ControlFlow<()> {
                self.0.push(v);
                if v == 2 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            }
            fn completed(&mut self, _: &[u32], _: u32, _: bool) -> ControlFlow<()> {
                ControlFlow::Continue(())
            }
        }
        let mut visitor = StopAtTwo(Vec::new());
        assert!(Tarjan::new().search(&mut visitor, 0).is_break());
        assert_eq!(visitor.0, vec![0, 1, 2]);
    }
}
