//! Values that carry a symbolic term and its real bytes side by side.
//!
//! A real value is the term `real(symbolic, bytes)`: the symbolic part is what
//! [`SymbolicFunctions`](crate::symbolic::SymbolicFunctions) computes for the
//! same call, the bytes are what the real library computes. Values the net
//! builds itself (identifiers, tuples, integers) carry no bytes and are their
//! own symbolic form.

use std::sync::Arc;

use sesphr_engine::net::value::Value;

/// The functor of a real value.
pub const REAL: &str = "real";

/// The real value `real(symbolic, bytes)`.
pub fn pair(symbolic: Value, bytes: Vec<u8>) -> Value {
    Value::term(REAL, [symbolic, Value::Bytes(Arc::from(bytes))])
}

/// The symbolic part and the bytes of a real value, if `value` is one.
pub fn split(value: &Value) -> Option<(&Value, &Arc<[u8]>)> {
    let term = value.as_term()?;
    match (&*term.functor, &term.args[..]) {
        (REAL, [symbolic, Value::Bytes(bytes)]) => Some((symbolic, bytes)),
        _ => None,
    }
}

/// The symbolic form of a value: every real value inside replaced by its symbolic part.
pub fn symbolic(value: &Value) -> Value {
    if let Some((sym, _)) = split(value) {
        return sym.clone();
    }
    match value {
        Value::Tuple(items) if items.iter().any(has_real) => {
            Value::tuple(items.iter().map(symbolic))
        }
        Value::Term(term) if term.args.iter().any(has_real) => {
            Value::term(&term.functor, term.args.iter().map(symbolic))
        }
        _ => value.clone(),
    }
}

/// Whether a value holds a real value anywhere inside.
pub fn has_real(value: &Value) -> bool {
    if split(value).is_some() {
        return true;
    }
    match value {
        Value::Tuple(items) => items.iter().any(has_real),
        Value::Term(term) => term.args.iter().any(has_real),
        _ => false,
    }
}

/// Calls `visit` on every real value inside `value` (outermost first).
pub fn for_each_real(value: &Value, visit: &mut impl FnMut(&Value, &Arc<[u8]>)) {
    if let Some((sym, bytes)) = split(value) {
        visit(sym, bytes);
        return;
    }
    match value {
        Value::Tuple(items) => items.iter().for_each(|v| for_each_real(v, visit)),
        Value::Term(term) => term.args.iter().for_each(|v| for_each_real(v, visit)),
        _ => {}
    }
}

/// A value with every byte string replaced by its identity (address and length):
/// a cheap key for hashing. Whoever keys by it must keep the original alive,
/// so that no other byte string can take the same address.
pub fn identity(value: &Value) -> Value {
    match value {
        Value::Bytes(bytes) => Value::tuple([
            Value::Int(bytes.as_ptr() as usize as i64),
            Value::Int(bytes.len() as i64),
        ]),
        Value::Tuple(items) if items.iter().any(contains_bytes) => {
            Value::tuple(items.iter().map(identity))
        }
        Value::Term(term) if term.args.iter().any(contains_bytes) => {
            Value::term(&term.functor, term.args.iter().map(identity))
        }
        _ => value.clone(),
    }
}

fn contains_bytes(value: &Value) -> bool {
    match value {
        Value::Bytes(_) => true,
        Value::Tuple(items) => items.iter().any(contains_bytes),
        Value::Term(term) => term.args.iter().any(contains_bytes),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbolic_strips_nested_real_values() {
        let k = pair(Value::term("key", [Value::sym("a")]), vec![1, 2, 3]);
        let tuple = Value::tuple([Value::sym("p1"), k.clone(), Value::Int(2)]);
        assert_eq!(
            symbolic(&tuple),
            Value::tuple([
                Value::sym("p1"),
                Value::term("key", [Value::sym("a")]),
                Value::Int(2)
            ])
        );
        assert!(has_real(&tuple));
        assert!(!has_real(&symbolic(&tuple)));
        let mut seen = Vec::new();
        for_each_real(&tuple, &mut |s, b| seen.push((s.clone(), b.to_vec())));
        assert_eq!(
            seen,
            vec![(Value::term("key", [Value::sym("a")]), vec![1, 2, 3])]
        );
        assert_eq!(split(&Value::term(REAL, [Value::Int(1)])), None);
    }
}
