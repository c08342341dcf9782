//! Tuples built only to be looked up, in an allocation kept for the next one.
//!
//! A property's membership test `(a, b) in P` and a quantifier's leading
//! components (`super::prefix`) build a tuple value, look it up in a
//! multiset and drop it: an allocation and a free for every look-up, in the
//! loops that evaluating a property is made of. Here each thread keeps one
//! tuple of each length, and a look-up refills it in place when no one else
//! holds it (else it makes a new one, so a caller that keeps a clone changes
//! nothing but the cost).

use std::cell::RefCell;
use std::sync::Arc;

use super::value::Value;

/// The longest tuple kept between look-ups.
const KEPT_LENGTHS: usize = 16;

thread_local! {
    /// Per length, the tuple of the last look-up, if it was handed back.
    static KEPT: RefCell<Vec<Option<Arc<[Value]>>>> = RefCell::new(vec![None; KEPT_LENGTHS + 1]);
}

/// A tuple built to be looked up, whose allocation goes back to the thread
/// when it is dropped.
pub(crate) struct LookupTuple(Value);

impl LookupTuple {
    /// The tuple whose component `i` is `component(i)`, for `i` in
    /// `0..len`, computed in order; the first error is returned instead.
    pub(crate) fn new<E>(
        len: usize,
        mut component: impl FnMut(usize) -> Result<Value, E>,
    ) -> Result<Self, E> {
        let kept = if len <= KEPT_LENGTHS {
            KEPT.with(|kept| kept.borrow_mut()[len].take())
        } else {
            None
        };
        let mut items = kept.unwrap_or_else(|| Arc::from(vec![Value::Bool(false); len]));
        if let Some(slots) = Arc::get_mut(&mut items) {
            for (i, slot) in slots.iter_mut().enumerate() {
                *slot = component(i)?;
            }
        } else {
            items = (0..len).map(component).collect::<Result<_, E>>()?;
        }
        Ok(LookupTuple(Value::Tuple(items)))
    }

    /// The tuple.
    pub(crate) fn value(&self) -> &Value {
        &self.0
    }

    /// Its components.
    pub(crate) fn items(&self) -> &[Value] {
        match &self.0 {
            Value::Tuple(items) => items,
            _ => &[],
        }
    }

    /// Whether `token` is a tuple whose leading components are these (a
    /// token a quantifier with this prefix visits).
    pub(crate) fn leads(&self, token: &Value) -> bool {
        matches!(token, Value::Tuple(items) if items.starts_with(self.items()))
    }
}

impl Drop for LookupTuple {
    fn drop(&mut self) {
        if let Value::Tuple(items) = std::mem::replace(&mut self.0, Value::Bool(false))
            && items.len() <= KEPT_LENGTHS
        {
            // A thread being torn down has no store left: the tuple is freed.
            let len = items.len();
            let _ = KEPT.try_with(|kept| kept.borrow_mut()[len] = Some(items));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(len: usize, step: i64) -> LookupTuple {
        LookupTuple::new(len, |i| Ok::<_, ()>(Value::Int(step * i as i64))).expect("no error")
    }

    fn address(t: &LookupTuple) -> usize {
        t.items().as_ptr() as usize
    }

    #[test]
    fn the_tuple_is_what_was_asked_for_and_its_allocation_is_reused() {
        let first = numbers(3, 7);
        assert_eq!(first.value(), &Value::tuple([0, 7, 14].map(Value::Int)));
        let at = address(&first);
        drop(first);
        let second = numbers(3, 1);
        assert_eq!(second.value().to_string(), "(0, 1, 2)");
        assert_eq!(address(&second), at, "the allocation is reused");
        // While `second` is alive, another tuple of that length is another allocation.
        let third = numbers(3, 2);
        assert_ne!(address(&third), at);
        assert_eq!(third.value().to_string(), "(0, 2, 4)");
    }

    #[test]
    fn a_clone_kept_by_a_caller_is_never_overwritten() {
        let kept = numbers(2, 5).value().clone();
        let next = numbers(2, 9);
        assert_eq!(kept.to_string(), "(0, 5)");
        assert_eq!(next.value().to_string(), "(0, 9)");
    }

    #[test]
    fn errors_and_long_tuples() {
        let failed = LookupTuple::new(3, |i| {
            if i == 1 {
                Err("bad")
            } else {
                Ok(Value::Int(0))
            }
        });
        assert_eq!(failed.err(), Some("bad"));
        let long = numbers(KEPT_LENGTHS + 2, 1);
        assert_eq!(long.items().len(), KEPT_LENGTHS + 2);
        assert_eq!(numbers(0, 1).value().to_string(), "()");
    }
}
