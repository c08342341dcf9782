//! The knowledge sets read back from values most recently, per thread.
//!
//! A property asks `derivable(K, t)` of one knowledge value `K` for many
//! terms `t` (every key and plaintext a coalition must not derive), and the
//! memo of results keys on both, so each miss read `K` back from its value
//! again: sorting its terms and parsing its group elements, a quarter of the
//! CPU of random walks, where few results are remembered. Knowledge values
//! are hash-consed terms, so finding one here compares addresses.

use std::cell::RefCell;
use std::rc::Rc;

use sesphr_engine::net::value::Value;

use super::knowledge::Knowledge;

/// How many sets each thread keeps (the most recently used).
const KEPT: usize = 16;

thread_local! {
    /// Least recently used first.
    static RECENT: RefCell<Vec<(Value, Rc<Knowledge>)>> = const { RefCell::new(Vec::new()) };
}

/// The knowledge `value` stands for, read back unless kept; `None` if it is
/// not a knowledge value.
pub(super) fn read(value: &Value) -> Option<Rc<Knowledge>> {
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        if let Some(i) = recent.iter().position(|(kept, _)| kept == value) {
            let entry = recent.remove(i);
            let knowledge = entry.1.clone();
            recent.push(entry);
            return Some(knowledge);
        }
        let knowledge = Rc::new(Knowledge::from_value(value)?);
        keep(&mut recent, value.clone(), knowledge.clone());
        Some(knowledge)
    })
}

/// Keeps `knowledge`, just written as `value`, for the next read of `value`.
pub(super) fn remember(value: &Value, knowledge: Knowledge) {
    RECENT.with(|recent| keep(&mut recent.borrow_mut(), value.clone(), Rc::new(knowledge)));
}

fn keep(recent: &mut Vec<(Value, Rc<Knowledge>)>, value: Value, knowledge: Rc<Knowledge>) {
    recent.retain(|(kept, _)| *kept != value);
    if recent.len() == KEPT {
        recent.remove(0);
    }
    recent.push((value, knowledge));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_set_is_the_one_its_value_stands_for() {
        let mut learned = Knowledge::new();
        learned.learn(Value::term("x", [Value::sym("u1")]));
        let value = learned.to_value();
        assert_eq!(read(&value).as_deref(), Some(&learned));
        // Kept: the same set, not read again.
        let first = read(&value).expect("a knowledge value");
        assert!(Rc::ptr_eq(&first, &read(&value).expect("kept")));
        // Pushed out by KEPT newer ones, then read back alike.
        for i in 0..KEPT as i64 {
            let mut other = Knowledge::new();
            other.learn(Value::term("x", [Value::Int(i)]));
            remember(&other.to_value(), other);
        }
        let again = read(&value).expect("read back");
        assert!(!Rc::ptr_eq(&first, &again));
        assert_eq!(*again, learned);
        assert!(read(&Value::Int(1)).is_none(), "not a knowledge value");
    }
}
