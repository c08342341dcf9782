//! The edges of an exploration, recorded when asked
//! ([`super::ExploreOptions::record_edges`]), so that a later pass over the
//! graph (the CTL and LTL properties of a coloured net) need not compute the
//! successors and their canonical forms again.

use super::store::StateId;

/// The graph an exploration stored: its states in breadth-first discovery
/// order (the order of a sequential search, whatever the thread count), each
/// with its successors' ids and labels in the space's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordedEdges {
    /// The states in discovery order: node `n` is state `order[n]`.
    order: Vec<StateId>,
    /// Per node, where its edges start in `targets`; one more entry at the end.
    offsets: Vec<usize>,
    targets: Vec<StateId>,
    labels: Vec<u32>,
}

/// A record's edges between node numbers ([`RecordedEdges::into_edges`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeGraph {
    /// The state id of each node, in discovery order.
    pub order: Vec<StateId>,
    /// Per node, where its edges start in `targets`; one more entry at the end.
    pub offsets: Vec<usize>,
    /// Each edge's target node.
    pub targets: Vec<u32>,
    /// Each edge's label.
    pub labels: Vec<u32>,
}

impl RecordedEdges {
    /// An empty record.
    pub(super) fn new() -> Self {
        RecordedEdges {
            offsets: vec![0],
            ..RecordedEdges::default()
        }
    }

    /// Appends the nodes of one level, `frontier` in discovery order, with
    /// their numbers of successors `degrees`, the successors' labels
    /// `labels` and their ids `targets`, both node by node in the space's order.
    pub(super) fn add_level(
        &mut self,
        frontier: &[StateId],
        degrees: &[u32],
        labels: &[u32],
        targets: Vec<StateId>,
    ) {
        self.order.extend_from_slice(frontier);
        for &degree in degrees {
            let last = self.offsets.last().copied().unwrap_or(0);
            self.offsets.push(last + degree as usize);
        }
        self.labels.extend_from_slice(labels);
        self.targets.extend(targets);
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no node was recorded.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The number of edges.
    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }

    /// The state id of node `node`.
    pub fn state(&self, node: usize) -> StateId {
        self.order[node]
    }

    /// The edges as a graph of node numbers: per node, where its edges
    /// start (one more entry at the end); each edge's target node and label,
    /// in edge order; and each node's state id.
    pub fn into_edges(self) -> NodeGraph {
        // A state id packs its shard and its index there: a dense array
        // indexed by id maps ids to nodes.
        let slots = self
            .order
            .iter()
            .map(|&id| id as usize + 1)
            .max()
            .unwrap_or(0);
        let mut node_of = vec![u32::MAX; slots];
        for (node, &id) in self.order.iter().enumerate() {
            node_of[id as usize] = node as u32;
        }
        let mut targets = self.targets;
        for target in &mut targets {
            *target = node_of[*target as usize];
        }
        NodeGraph {
            order: self.order,
            offsets: self.offsets,
            targets,
            labels: self.labels,
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.order.capacity() * 4
            + self.offsets.capacity() * 8
            + self.targets.capacity() * 4
            + self.labels.capacity() * 4
    }
}
