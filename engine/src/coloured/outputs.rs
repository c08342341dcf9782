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
//! The memo also hands out one shared copy of each binding's values, which
//! the effect memo's entries hold instead of a copy each (the same binding
//! of `join` or `D_R_S` is enabled in many keys).
//!
//! It is a cache: a missing entry is evaluated again and gives the same
//! tokens, so dropping a transition's entries (when they pass
//! [`MAX_OUTPUTS_PER_TRANSITION`]) changes the time and memory, never a
//! result.

use std::sync::Arc;

use super::shared_cache::SharedCache;
use crate::net::code::PlaceId;
use crate::net::value::Value;

/// Tokens put, `(place, value, copies)`.
pub type Put = Arc<[(PlaceId, Value, u32)]>;

/// Bindings remembered per transition before its map is emptied and refilled.
pub const MAX_OUTPUTS_PER_TRANSITION: usize = 1 << 18;

/// A binding's values, shared by the entries that hold them.
pub type Values = Arc<[Value]>;

/// One transition's bindings: values to their shared copy and the tokens
/// the binding puts.
type TransitionOutputs = SharedCache<Box<[Value]>, (Values, Put)>;

/// Per transition, its remembered bindings.
pub struct OutputMemo {
    transitions: Vec<TransitionOutputs>,
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

    /// The shared copy of the binding `values` of transition `t` and the
    /// tokens it puts: remembered, or computed by `put` and remembered.
    pub fn get_or<E>(
        &self,
        t: usize,
        values: &[Value],
        put: impl FnOnce() -> Result<Vec<(PlaceId, Value, u32)>, E>,
    ) -> Result<(Values, Put), E> {
        let memo = &self.transitions[t];
        if let Some(found) = memo.get(values) {
            return Ok(found);
        }
        let computed: (Values, Put) = (values.into(), put()?.into());
        memo.insert(values.into(), computed.clone());
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
        let (values, first) = put(0, 1).expect("computed");
        assert_eq!(
            (&values[..], &first[..]),
            (&[Value::Int(1)][..], &[(0, Value::Int(2), 1)][..])
        );
        let (again, remembered) = put(0, 1).expect("remembered");
        assert_eq!(remembered, first);
        assert!(
            Arc::ptr_eq(&again, &values),
            "one shared copy of the values"
        );
        put(1, 1).expect("another transition");
        put(0, 2).expect("another binding");
        assert_eq!(calls, 3);
        // An error is passed on and nothing is remembered for it.
        assert_eq!(memo.get_or(0, &[Value::Int(9)], || Err(())), Err(()));
        memo.clear();
        assert!(memo.get_or(0, &[Value::Int(1)], || Err(())).is_err());
    }
}
