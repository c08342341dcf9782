//! The tokens each binding of a transition puts, remembered by the binding's
//! values.
//!
//! Output inscriptions read binding variables, never the marking, so what a
//! binding puts ([`super::fire::produced`]) is a function of its transition
//! and values. The effect memo ([`super::effects`]) misses whenever a place
//! the transition reads changed, though the binding found may be one met in
//! another marking: on the SeSPHR net with two patients, 94% of the bindings
//! of `join` computed on a miss had been met before, and each evaluates the
//! insiders' new knowledge through the deduction functions. This memo keeps
//! their tokens.
//!
//! It is a cache: a missing entry is evaluated again and gives the same
//! tokens, so dropping a transition's entries (when they pass
//! [`MAX_OUTPUTS_PER_TRANSITION`]) changes the time, never a result.

use std::sync::Arc;

use super::shared_cache::SharedCache;
use crate::net::code::PlaceId;
use crate::net::value::Value;

/// Tokens put, `(place, value, copies)`.
pub type Put = Arc<[(PlaceId, Value, u32)]>;

/// Bindings remembered per transition before its map is emptied and refilled.
pub const MAX_OUTPUTS_PER_TRANSITION: usize = 1 << 18;

/// Per transition, a binding's values to the tokens it puts.
pub struct OutputMemo {
    transitions: Vec<SharedCache<Box<[Value]>, Put>>,
}

impl OutputMemo {
    /// An empty memo for `transitions` transitions.
    pub fn new(transitions: usize) -> Self {
        OutputMemo {
            transitions: (0..transitions)
                .map(|_| SharedCache::new(MAX_OUTPUTS_PER_TRANSITION))
                .collect(),
        }
    }

    /// The tokens the binding `values` of transition `t` puts: remembered,
    /// or computed by `put` and remembered.
    pub fn get_or<E>(
        &self,
        t: usize,
        values: &[Value],
        put: impl FnOnce() -> Result<Vec<(PlaceId, Value, u32)>, E>,
    ) -> Result<Put, E> {
        let memo = &self.transitions[t];
        if let Some(found) = memo.get(values) {
            return Ok(found);
        }
        let computed: Put = put()?.into();
        memo.insert(values.into(), Arc::clone(&computed));
        Ok(computed)
    }

    /// Forgets every remembered binding (their memory is freed).
    pub fn clear(&self) {
        self.transitions.iter().for_each(SharedCache::clear);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binding_is_computed_once_per_transition() {
        let memo = OutputMemo::new(2);
        let mut calls = 0;
        let mut put = |t: usize, v: i64| {
            memo.get_or(t, &[Value::Int(v)], || {
                calls += 1;
                Ok::<_, ()>(vec![(0, Value::Int(v + 1), 1)])
            })
        };
        let first = put(0, 1).expect("computed");
        assert_eq!(&first[..], &[(0, Value::Int(2), 1)]);
        assert_eq!(put(0, 1).expect("remembered"), first);
        put(1, 1).expect("another transition");
        put(0, 2).expect("another binding");
        assert_eq!(calls, 3);
        // An error is passed on and nothing is remembered for it.
        assert_eq!(memo.get_or(0, &[Value::Int(9)], || Err(())), Err(()));
        memo.clear();
        assert!(memo.get_or(0, &[Value::Int(1)], || Err(())).is_err());
    }
}
