//! Place/transition nets: plain token counters, weighted arcs.
//!
//! [`PtNet`] is the plain description (from PNML, or built in code);
//! [`PackedNet`] is its fast path for the explorer: a marking packs the counters
//! into `u32` words, and enabling and firing a transition are a few word
//! operations per word it touches. [`structural_bounds`] proves place bounds
//! from P-invariants, so that a bounded place's counter takes only the bits
//! its bound needs (two for a one-safe place instead of four).

mod bounds;
mod packed;
mod watch;

pub use bounds::{PlaceBounds, structural_bounds};
pub use packed::{
    LaneOverflow, MAX_COUNT, PackedNet, PtError, PtProperty, check_pt, with_widening_lanes,
};

use crate::net::pos::Pos;

/// A transition of a P/T net: the tokens it takes from and puts into places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtTransition {
    /// The transition's name.
    pub name: String,
    /// (place index, weight) of its input arcs, one per place, sorted by place.
    pub pre: Vec<(usize, u32)>,
    /// (place index, weight) of its output arcs, one per place, sorted by place.
    pub post: Vec<(usize, u32)>,
}

/// A place/transition net with its initial marking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtNet {
    /// The net's name.
    pub name: String,
    /// Place names, indexed by place.
    pub places: Vec<String>,
    /// Place identifiers (PNML `id`s, which formulas name), indexed by place;
    /// the names for a net built in code.
    pub place_ids: Vec<String>,
    /// Initial token count of each place.
    pub initial: Vec<u32>,
    /// The transitions, in the order successors are enumerated.
    pub transitions: Vec<PtTransition>,
    /// Transition identifiers (PNML `id`s), indexed by transition; the names
    /// for a net built in code.
    pub transition_ids: Vec<String>,
    /// Where each place is declared in its source file (the PNML `<place>`
    /// element), indexed by place; empty for a net built in code.
    pub place_positions: Vec<Pos>,
}

/// A transition given as (name, input arcs, output arcs), arcs as (place, weight).
pub type TransitionArcs = (String, Vec<(usize, u32)>, Vec<(usize, u32)>);

impl PtNet {
    /// A net from its parts. Arcs between the same place and transition are
    /// merged by adding their weights; arcs of weight 0 are dropped.
    pub fn new(
        name: impl Into<String>,
        places: Vec<String>,
        initial: Vec<u32>,
        transitions: Vec<TransitionArcs>,
    ) -> Self {
        let transitions: Vec<PtTransition> = transitions
            .into_iter()
            .map(|(name, pre, post)| PtTransition {
                name,
                pre: merge_arcs(pre),
                post: merge_arcs(post),
            })
            .collect();
        PtNet {
            name: name.into(),
            place_ids: places.clone(),
            places,
            initial,
            transition_ids: transitions.iter().map(|t| t.name.clone()).collect(),
            transitions,
            place_positions: Vec::new(),
        }
    }

    /// The same net with identifiers distinct from the names (one per place,
    /// one per transition, in order). Reports name places and transitions:
    /// where two places, or two transitions, share a name, they are named
    /// by their identifiers instead.
    pub fn with_ids(mut self, place_ids: Vec<String>, transition_ids: Vec<String>) -> Self {
        debug_assert_eq!(place_ids.len(), self.places.len());
        debug_assert_eq!(transition_ids.len(), self.transitions.len());
        self.places = distinct_labels(&self.places, &place_ids);
        let names: Vec<String> = self.transitions.iter().map(|t| t.name.clone()).collect();
        for (transition, label) in
            (self.transitions.iter_mut()).zip(distinct_labels(&names, &transition_ids))
        {
            transition.name = label;
        }
        self.place_ids = place_ids;
        self.transition_ids = transition_ids;
        self
    }

    /// The same net with the source position of each place's declaration
    /// (one per place, in order).
    pub fn with_positions(mut self, place_positions: Vec<Pos>) -> Self {
        debug_assert_eq!(place_positions.len(), self.places.len());
        self.place_positions = place_positions;
        self
    }

    /// Where place `place` is declared in the source file, if it was read
    /// from one.
    pub fn place_pos(&self, place: usize) -> Option<Pos> {
        self.place_positions.get(place).copied()
    }
}

/// `names`, or `ids` (one per name, in order) where two names are the
/// same: labels that tell every place, or every transition, apart in
/// reports.
fn distinct_labels(names: &[String], ids: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    if names.iter().all(|n| seen.insert(n.as_str())) {
        names.to_vec()
    } else {
        ids.to_vec()
    }
}

fn merge_arcs(mut arcs: Vec<(usize, u32)>) -> Vec<(usize, u32)> {
    arcs.sort_by_key(|&(place, _)| place);
    let mut merged: Vec<(usize, u32)> = Vec::with_capacity(arcs.len());
    for (place, weight) in arcs {
        match merged.last_mut() {
            Some((last, w)) if *last == place => *w = w.saturating_add(weight),
            _ => merged.push((place, weight)),
        }
    }
    merged.retain(|&(_, weight)| weight > 0);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_arcs_add_up() {
        assert_eq!(
            merge_arcs(vec![(2, 1), (0, 3), (2, 4), (1, 0)]),
            vec![(0, 3), (2, 5)]
        );
    }
}
