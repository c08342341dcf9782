//! The reachability graph of a small space, as a petgraph graph, DOT or JSON.

use std::collections::{HashMap, HashSet};
use std::fmt;

use petgraph::dot::{Config, Dot};
use petgraph::graph::{DiGraph, NodeIndex};
use serde_json::json;

use super::StateSpace;
use super::bfs::explore;
use super::options::{ExploreError, ExploreOptions, StopReason};

/// The output formats of a reachability graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// JSON: `{states, edges, nodes: [{id, marking, deadlock?}], arcs: [{from, to,
    /// transition, binding}]}`.
    Json,
}

/// Why a reachability graph could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError<E: std::error::Error + 'static> {
    /// The space has more reachable states than the limit allows.
    #[error("the reachability graph has more than {limit} states")]
    TooLarge {
        /// The limit in force.
        limit: u64,
    },
    /// The net is unbounded: its reachability graph is infinite.
    #[error(
        "the net is unbounded ({} can grow for ever): its reachability graph is infinite",
        places.join(" and ")
    )]
    Unbounded {
        /// The places that grow, by name.
        places: Vec<String>,
    },
    /// The memory limit stopped the exploration before the graph was complete.
    #[error("the memory limit was reached before the reachability graph was complete")]
    OutOfMemory,
    /// A labelled successor was not reached by the exploration: the space's
    /// two successor methods disagree (a bug in the space).
    #[error("a labelled successor of state {state} was not reached")]
    UnknownSuccessor {
        /// The node whose successor is unknown.
        state: usize,
    },
    /// Stored states were not reached through the labelled successors: the
    /// space's two successor methods disagree (a bug in the space).
    #[error("{missing} stored state(s) not reached through labelled successors")]
    UnreachedStates {
        /// How many stored states have no node.
        missing: usize,
    },
    /// The exploration failed.
    #[error(transparent)]
    Explore(#[from] ExploreError<E>),
}

/// A firing, the label of an edge of a [`ReachabilityGraph`]: a transition
/// under a binding, shown as `enter (p=1)` (the name alone where the
/// binding is empty, as in P/T nets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    /// The transition's name.
    pub transition: String,
    /// The binding's variables and their values, rendered.
    pub binding: Vec<(String, String)>,
}

impl fmt::Display for Firing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.transition)?;
        if !self.binding.is_empty() {
            let values: Vec<String> = (self.binding.iter())
                .map(|(variable, value)| format!("{variable}={value}"))
                .collect();
            write!(f, " ({})", values.join(", "))?;
        }
        Ok(())
    }
}

/// A reachability graph: one node per reachable state (node 0 is the initial
/// one, the others in breadth-first order), one edge per (state, enabled binding).
#[derive(Debug, Clone)]
pub struct ReachabilityGraph {
    /// Nodes carry the rendered state, edges the firing.
    pub graph: DiGraph<String, Firing>,
}

impl ReachabilityGraph {
    /// Whether `node` is a deadlock: a state without successors.
    pub fn is_deadlock(&self, node: NodeIndex) -> bool {
        self.graph.neighbors(node).next().is_none()
    }

    /// The graph in the given format: in DOT the initial state drawn with
    /// a double border, deadlocks in bold red.
    pub fn render(&self, format: GraphFormat) -> String {
        match format {
            GraphFormat::Dot => {
                let node_style = |_, (node, _): (NodeIndex, &String)| match (
                    node.index(),
                    self.is_deadlock(node),
                ) {
                    (0, true) => "peripheries = 2, color = red, penwidth = 2".to_string(),
                    (0, false) => "peripheries = 2".to_string(),
                    (_, true) => "color = red, penwidth = 2".to_string(),
                    _ => String::new(),
                };
                let body = Dot::with_attr_getters(
                    &self.graph,
                    &[Config::GraphContentOnly],
                    &|_, _| String::new(),
                    &node_style,
                );
                format!("digraph reachability {{\n{body}}}\n")
            }
            GraphFormat::Json => {
                let nodes: Vec<_> = (self.graph.node_indices())
                    .map(|n| match self.is_deadlock(n) {
                        true => {
                            json!({"id": n.index(), "marking": self.graph[n], "deadlock": true})
                        }
                        false => json!({"id": n.index(), "marking": self.graph[n]}),
                    })
                    .collect();
                let arcs: Vec<_> = self
                    .graph
                    .edge_indices()
                    .filter_map(|e| {
                        let (from, to) = self.graph.edge_endpoints(e)?;
                        let firing = &self.graph[e];
                        let binding: serde_json::Map<String, serde_json::Value> =
                            (firing.binding.iter())
                                .map(|(variable, value)| (variable.clone(), json!(value)))
                                .collect();
                        Some(json!({
                            "from": from.index(),
                            "to": to.index(),
                            "transition": firing.transition,
                            "binding": binding,
                        }))
                    })
                    .collect();
                let value = json!({
                    "states": self.graph.node_count(),
                    "edges": self.graph.edge_count(),
                    "nodes": nodes,
                    "arcs": arcs,
                });
                format!("{value:#}\n")
            }
        }
    }
}

/// Builds the reachability graph of `space`, refusing when it has more than
/// `limit` states.
pub fn reachability_graph<S: StateSpace>(
    space: &S,
    limit: u64,
) -> Result<ReachabilityGraph, GraphError<S::Error>> {
    reachability_graph_within(space, limit, None)
}

/// [`reachability_graph`], also refusing when the process's resident memory
/// reaches `max_memory` bytes during the exploration.
pub fn reachability_graph_within<S: StateSpace>(
    space: &S,
    limit: u64,
    max_memory: Option<u64>,
) -> Result<ReachabilityGraph, GraphError<S::Error>> {
    let options = ExploreOptions {
        max_states: Some(limit.saturating_add(1)),
        max_memory,
        ..ExploreOptions::default()
    };
    let ex = explore(space, &options)?;
    if ex.stopped == Some(StopReason::MaxMemory) {
        return Err(GraphError::OutOfMemory);
    }
    if let Some(growth) = &ex.growth {
        return Err(GraphError::Unbounded {
            places: growth
                .places
                .iter()
                .map(|(place, _)| place.clone())
                .collect(),
        });
    }
    if !ex.complete() || ex.states > limit {
        return Err(GraphError::TooLarge { limit });
    }
    // Nodes are numbered in discovery order: a breadth-first search over the
    // stored states, following each state's labelled successors in order.
    let stored: HashSet<&[u32]> = ex.ids().map(|id| ex.state(id)).collect();
    let mut graph = DiGraph::new();
    let mut nodes: HashMap<&[u32], NodeIndex> = HashMap::new();
    let mut order: Vec<&[u32]> = Vec::with_capacity(stored.len());
    if let Some(initial) = ex.ids().next().map(|id| ex.state(id)) {
        nodes.insert(initial, graph.add_node(space.describe_state(initial)));
        order.push(initial);
    }
    let mut next = 0;
    while let Some(&state) = order.get(next) {
        let from = NodeIndex::new(next);
        next += 1;
        let labelled = space
            .labelled_successors(state)
            .map_err(|source| ExploreError::Space { source })?;
        for (step, successor) in labelled {
            // Under a reduction the graph is the quotient: edges lead to representatives.
            let successor = space
                .representative(&successor)
                .map_err(|source| ExploreError::Space { source })?;
            let to = match nodes.get(successor.as_slice()) {
                Some(&to) => to,
                None => {
                    let &known =
                        stored
                            .get(successor.as_slice())
                            .ok_or(GraphError::UnknownSuccessor {
                                state: from.index(),
                            })?;
                    let to = graph.add_node(space.describe_state(known));
                    nodes.insert(known, to);
                    order.push(known);
                    to
                }
            };
            let firing = Firing {
                transition: step.transition,
                binding: step.binding,
            };
            graph.add_edge(from, to, firing);
        }
    }
    if order.len() != stored.len() {
        return Err(GraphError::UnreachedStates {
            missing: stored.len() - order.len(),
        });
    }
    Ok(ReachabilityGraph { graph })
}
