//! Partial-order reduction: stubborn sets of transitions.
//!
//! In a marking, a *stubborn set* is a set of transitions such that firing
//! transitions outside it can neither enable nor disable its members nor stop
//! commuting with them (Valmari's conditions D1 and D2), and that holds an
//! enabled transition when the marking has one. Firing only the enabled
//! transitions of a stubborn set preserves every dead marking; with two more
//! conditions it also preserves whether a state violating an invariant (or
//! witnessing a `reachable` goal) is reachable:
//!
//! - *visibility* (Peled's C2): the set is used only if none of its enabled
//!   transitions is *visible*, i.e. may change a place some property reads;
//!   otherwise the marking is expanded in full;
//! - *no ignoring* (C3): every cycle of the reduced graph has a fully expanded
//!   marking. The breadth-first explorer ensures it: a marking whose reduced
//!   successors include a state stored before the current level (the only way
//!   to close a cycle in a breadth-first graph) is expanded again in full.
//!
//! The analysis is at the level of transitions, not bindings, and works on
//! places: transition `t` *reads* its input places, *takes* tokens from those
//! where what it puts back may differ from what it took, and *gives* tokens
//! to its output places other than those it only reads. Enabling is monotone
//! (guards read bindings only, never places), so for a stubborn set `S`:
//!
//! - an enabled `t` in `S` brings in every transition that takes from a place
//!   `t` reads (it could disable `t`: D2), every transition that reads a place
//!   `t` takes from (`t` could disable it: D1), and every transition that gives
//!   to a place `t` reads (it could enable another binding of `t`: D1);
//! - a disabled `t` in `S` brings in the transitions that give to one of its
//!   input places that is empty (nothing else can enable it), or, if none is
//!   empty, to any of its input places.
//!
//! The set is computed from every enabled transition as a seed, and the one
//! with the fewest enabled transitions is kept (the first such in transition
//! order, so the result does not depend on threads).

use crate::net::code::PlaceId;
use crate::net::marking::Marking;
use crate::net::model::{Net, PropertyKind};

/// What each transition does to each place, for stubborn sets.
#[derive(Debug, Clone)]
pub struct Stubborn {
    /// Per transition: its input places.
    reads: Vec<Vec<PlaceId>>,
    /// Per transition: the input places it may change.
    takes: Vec<Vec<PlaceId>>,
    /// Per transition: the input places it takes at least one token from.
    needs: Vec<Vec<PlaceId>>,
    /// Per transition: whether it may change a place a property reads.
    visible: Vec<bool>,
    /// Per place: the transitions that read it.
    readers: Vec<Vec<usize>>,
    /// Per place: the transitions that take from it.
    takers: Vec<Vec<usize>>,
    /// Per place: the transitions that give to it.
    givers: Vec<Vec<usize>>,
}

impl Stubborn {
    /// The analysis of `net` for its properties, or `None` when it cannot
    /// reduce anything: every transition is visible.
    pub fn new(net: &Net) -> Option<Self> {
        let places = net.places.len();
        let mut read_by_properties = vec![false; places];
        for property in &net.properties {
            let mut read = Vec::new();
            match &property.kind {
                PropertyKind::Invariant(code) | PropertyKind::Reachable(code) => {
                    code.places_read(&mut read)
                }
                PropertyKind::Bound { place, .. } => read.push(*place),
                // Every dead marking is preserved, whatever the exception reads.
                PropertyKind::DeadlockFree(_) => {}
            }
            for p in read {
                read_by_properties[p] = true;
            }
        }
        let mut analysis = Stubborn {
            reads: Vec::new(),
            takes: Vec::new(),
            needs: Vec::new(),
            visible: Vec::new(),
            readers: vec![Vec::new(); places],
            takers: vec![Vec::new(); places],
            givers: vec![Vec::new(); places],
        };
        for (t, transition) in net.transitions.iter().enumerate() {
            let arcs = |place: PlaceId, input: bool| {
                let mut texts: Vec<String> = transition
                    .inscriptions
                    .iter()
                    .filter(|(p, _, i)| *p == place && *i == input)
                    .map(|(_, text, _)| text.split_whitespace().collect::<String>())
                    .collect();
                texts.sort();
                texts
            };
            // A place whose output inscriptions are those of its input arcs,
            // word for word, gets back exactly the tokens taken.
            let only_read = |place: PlaceId| arcs(place, true) == arcs(place, false);
            let mut reads: Vec<PlaceId> = transition.inputs.iter().map(|i| i.place).collect();
            reads.sort_unstable();
            reads.dedup();
            let takes: Vec<PlaceId> = reads.iter().copied().filter(|&p| !only_read(p)).collect();
            let mut gives: Vec<PlaceId> = transition
                .outputs
                .iter()
                .map(|o| o.place)
                .filter(|&p| !reads.contains(&p) || !only_read(p))
                .collect();
            gives.sort_unstable();
            gives.dedup();
            let visible = takes.iter().chain(&gives).any(|&p| read_by_properties[p]);
            for &p in &reads {
                analysis.readers[p].push(t);
            }
            for &p in &takes {
                analysis.takers[p].push(t);
            }
            for &p in &gives {
                analysis.givers[p].push(t);
            }
            analysis.reads.push(reads);
            analysis.takes.push(takes);
            let mut needs: Vec<PlaceId> = transition
                .inputs
                .iter()
                .filter(|i| i.mult > 0)
                .map(|i| i.place)
                .collect();
            needs.sort_unstable();
            needs.dedup();
            analysis.needs.push(needs);
            analysis.visible.push(visible);
        }
        analysis.visible.contains(&false).then_some(analysis)
    }

    /// The transitions to fire in `marking`, where `enabled[t]` says whether
    /// transition `t` has an enabled binding: `Some(set)` (as flags per
    /// transition) for a proper stubborn set without visible enabled
    /// transition, `None` when the marking must be expanded in full.
    pub fn choose(&self, marking: &Marking, enabled: &[bool]) -> Option<Vec<bool>> {
        let total = enabled.iter().filter(|&&e| e).count();
        if total < 2 {
            return None;
        }
        let mut best: Option<(usize, Vec<bool>)> = None;
        for seed in (0..enabled.len()).filter(|&t| enabled[t] && !self.visible[t]) {
            if let Some((count, set)) = self.closure(seed, marking, enabled)
                && count < total
                && best.as_ref().is_none_or(|(c, _)| count < *c)
            {
                let single = count == 1;
                best = Some((count, set));
                if single {
                    break;
                }
            }
        }
        best.map(|(_, set)| set)
    }

    /// The stubborn set grown from `seed` and its number of enabled
    /// transitions, or `None` as soon as it holds a visible enabled one.
    fn closure(
        &self,
        seed: usize,
        marking: &Marking,
        enabled: &[bool],
    ) -> Option<(usize, Vec<bool>)> {
        let mut set = vec![false; enabled.len()];
        let mut stack = vec![seed];
        set[seed] = true;
        let mut count = 0;
        while let Some(t) = stack.pop() {
            let mut add = |u: usize, stack: &mut Vec<usize>| {
                if !set[u] {
                    set[u] = true;
                    stack.push(u);
                }
            };
            if enabled[t] {
                if self.visible[t] {
                    return None;
                }
                count += 1;
                for &p in &self.reads[t] {
                    self.takers[p].iter().for_each(|&u| add(u, &mut stack));
                    self.givers[p].iter().for_each(|&u| add(u, &mut stack));
                }
                for &p in &self.takes[t] {
                    self.readers[p].iter().for_each(|&u| add(u, &mut stack));
                }
            } else {
                let empty = self.needs[t]
                    .iter()
                    .find(|&&p| marking.places[p].is_empty());
                match empty {
                    Some(&p) => self.givers[p].iter().for_each(|&u| add(u, &mut stack)),
                    None => {
                        for &p in &self.reads[t] {
                            self.givers[p].iter().for_each(|&u| add(u, &mut stack));
                        }
                    }
                }
            }
        }
        Some((count, set))
    }
}
