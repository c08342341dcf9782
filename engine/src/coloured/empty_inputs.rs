//! Transitions that a marking cannot enable because a place they must take a
//! token from is empty.
//!
//! Expanding a marking looks up every transition's effects in the memo
//! ([`super::effects`]), a hash look-up behind a lock, and on a miss decodes
//! the whole marking. On a net of many transitions of which few are enabled
//! at a time (a ring of thousands of places) that is nearly the whole run,
//! and each new marking misses for the transition its token reached. A
//! transition with an input arc that takes a fixed number of tokens from a
//! place (a pattern or an expression, not a whole multiset) has no binding
//! while that place is empty; comparing the place's id with the id of the
//! empty multiset skips it, and since such a transition adds no successor,
//! the successors and their order are the same.

use super::table::MarkingTables;
use crate::net::marking::Multiset;
use crate::net::model::{Matcher, Net};

/// For each transition, a place whose emptiness disables it, and each place's
/// id of the empty multiset.
#[derive(Debug)]
pub struct EmptyInputs {
    /// Per place, the id of the empty multiset in its table.
    empty: Vec<u32>,
    /// Per transition, the place of its first input arc that takes a fixed
    /// number of tokens, if it has one.
    needs: Vec<Option<usize>>,
}

impl EmptyInputs {
    /// The places of `net`'s transitions that must hold a token, with the
    /// empty multiset interned in each place's table of `tables` (a full
    /// table, which a new one never is, gets `u32::MAX`, never an id: its
    /// transitions are then always looked up).
    pub fn new(net: &Net, tables: &MarkingTables) -> Self {
        let empty = (0..net.places.len())
            .map(|p| tables.intern(p, &Multiset::new()).unwrap_or(u32::MAX))
            .collect();
        let needs = net
            .transitions
            .iter()
            .map(|t| {
                t.inputs
                    .iter()
                    .find(|i| {
                        i.mult > 0 && matches!(i.matcher, Matcher::Scan { .. } | Matcher::Exact(_))
                    })
                    .map(|i| i.place)
            })
            .collect();
        EmptyInputs { empty, needs }
    }

    /// Whether transition `t` cannot be enabled in the encoded marking
    /// `state`: a place it must take a token from is empty.
    pub fn disable(&self, t: usize, state: &[u32]) -> bool {
        self.needs[t].is_some_and(|p| state.get(p).is_some_and(|&id| self.is_empty(p, id)))
    }

    /// Whether `id` is the empty multiset in the table of `place` (never
    /// for `u32::MAX`, which stands for no id).
    pub fn is_empty(&self, place: usize, id: u32) -> bool {
        id != u32::MAX && self.empty.get(place) == Some(&id)
    }
}
