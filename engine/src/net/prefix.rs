//! Which tokens a quantifier has to look at.
//!
//! Properties name the token they look for by equalities at the head of the
//! body: `exists (j, p2, since) in Joined: j == u && p2 == p && ...`, or
//! `forall (r, p2, at) in Revoked: (r == u && p2 == p) => ...`. A token whose
//! leading components differ from `u` and `p` makes such an `exists` body
//! false and such a `forall` body true: it cannot settle the quantifier.
//! [`scan_prefix`] finds these leading components, so that evaluation visits
//! only the tokens that start with them (a range of the place's ordered
//! multiset) instead of every token. The tokens visited are those that could
//! settle the quantifier, in the same order, so the verdict, the first
//! witness and the errors are those of a scan of every token.

use super::code::{CmpOp, Code, Pattern};

/// The expressions giving the leading tuple components of every token that
/// can settle `forall` (else `exists`) `pattern in place: body`; empty when
/// none is known. Each reads no variable the pattern binds and cannot fail
/// (variables, constants, their fields, tuples of these), so it is evaluated
/// once before the tokens are visited.
pub fn scan_prefix(forall: bool, pattern: &Pattern, body: &Code) -> Vec<Code> {
    let Pattern::Tuple(items) = pattern else {
        return Vec::new();
    };
    // The equalities the body checks before anything else.
    let guard = match (forall, body) {
        (true, Code::Implies(condition, _)) => condition,
        (false, body) => body,
        _ => return Vec::new(),
    };
    let mut equalities = Vec::new();
    leading_equalities(guard, &mut equalities);
    let mut bound = Vec::new();
    bound_slots(pattern, &mut bound);
    equalities.retain(|(_, value)| simple(value) && !reads_any(value, &bound));
    items
        .iter()
        .map_while(|item| determined(item, &equalities))
        .collect()
}

/// The `slot == value` (or `value == slot`) pairs of the equalities at the
/// head of the conjunction `code`, up to its first other conjunct; `false`
/// once that conjunct is met.
fn leading_equalities<'c>(code: &'c Code, out: &mut Vec<(usize, &'c Code)>) -> bool {
    match code {
        Code::And(a, b) => leading_equalities(a, out) && leading_equalities(b, out),
        Code::Cmp(CmpOp::Eq, a, b) => {
            // Either side may be the pattern's variable.
            for (side, other) in [(a, b), (b, a)] {
                if let Code::Var(slot) = **side {
                    out.push((slot, &**other));
                }
            }
            true
        }
        _ => false,
    }
}

/// The value every settling token has where `pattern` stands, if the
/// equalities fix it.
fn determined(pattern: &Pattern, equalities: &[(usize, &Code)]) -> Option<Code> {
    match pattern {
        Pattern::Const(value) => Some(Code::Const(value.clone())),
        Pattern::Bind(slot) => equalities
            .iter()
            .find(|(s, _)| s == slot)
            .map(|(_, value)| (*value).clone()),
        Pattern::Tuple(items) => items
            .iter()
            .map(|item| determined(item, equalities))
            .collect::<Option<Vec<_>>>()
            .map(Code::Tuple),
        Pattern::Check(_) | Pattern::Wild => None,
    }
}

/// Whether `code` is a variable, a constant, a field of one or a tuple of
/// these: its evaluation cannot fail once the net type-checked.
fn simple(code: &Code) -> bool {
    match code {
        Code::Var(_) | Code::Const(_) => true,
        Code::Field(inner, _) => simple(inner),
        Code::Tuple(items) => items.iter().all(simple),
        _ => false,
    }
}

fn reads_any(code: &Code, slots: &[usize]) -> bool {
    let mut read = Vec::new();
    code.read_slots(&mut read);
    read.iter().any(|s| slots.contains(s))
}

/// The slots `pattern` binds.
fn bound_slots(pattern: &Pattern, out: &mut Vec<usize>) {
    match pattern {
        Pattern::Bind(slot) => out.push(*slot),
        Pattern::Tuple(items) => items.iter().for_each(|p| bound_slots(p, out)),
        Pattern::Check(_) | Pattern::Const(_) | Pattern::Wild => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::code::Env;
    use crate::net::marking::{Marking, Multiset};
    use crate::net::value::Value;
    use proptest::prelude::*;

    fn b(code: Code) -> Box<Code> {
        Box::new(code)
    }

    fn eq(a: Code, b: Code) -> Code {
        Code::Cmp(CmpOp::Eq, Box::new(a), Box::new(b))
    }

    /// `(pattern slots 1, 2, 3) in P`, slot 0 bound outside.
    fn triple() -> Pattern {
        Pattern::Tuple(vec![Pattern::Bind(1), Pattern::Bind(2), Pattern::Bind(3)])
    }

    /// `slot 3 > 1`: a test that is not an equality.
    fn later() -> Code {
        Code::Cmp(CmpOp::Gt, b(Code::Var(3)), b(Code::Const(Value::Int(1))))
    }

    #[test]
    fn leading_equalities_give_the_prefix() {
        let x = Code::Var(0);
        let one = Code::Const(Value::Int(1));
        // exists (a, b, c): a == x && 1 == b && c > 1 -> (x, 1)
        let body = Code::And(
            b(eq(Code::Var(1), x.clone())),
            b(Code::And(b(eq(one.clone(), Code::Var(2))), b(later()))),
        );
        let shown = |codes: Vec<Code>| format!("{codes:?}");
        assert_eq!(shown(scan_prefix(false, &triple(), &body)), "[$0, 1]");
        // forall (a, b, c): (a == x && c > 1) => false -> (x)
        let condition = Code::And(b(eq(Code::Var(1), x.clone())), b(later()));
        let body = Code::Implies(b(condition), b(Code::Const(Value::Bool(false))));
        assert_eq!(shown(scan_prefix(true, &triple(), &body)), "[$0]");
    }

    #[test]
    fn no_prefix_where_a_token_could_still_settle_the_quantifier() {
        let x = Code::Var(0);
        let guard = eq(Code::Var(1), x.clone());
        let cases = [
            // forall without an implication: a token with a != x settles it.
            (true, guard.clone()),
            // The equality after another test (which may fail first).
            (false, Code::And(b(later()), b(guard.clone()))),
            // Under a negation.
            (false, Code::Not(b(guard.clone()))),
            // Only the second component is fixed.
            (false, eq(Code::Var(2), x.clone())),
            // The value reads the pattern's own variable.
            (false, eq(Code::Var(1), Code::Var(3))),
            // A value that is not simple (an arithmetic could fail).
            (
                false,
                eq(
                    Code::Var(1),
                    Code::Arith(
                        crate::net::code::ArithOp::Div,
                        b(x.clone()),
                        b(x.clone()),
                        crate::net::pos::Pos { line: 1, col: 1 },
                    ),
                ),
            ),
        ];
        for (forall, body) in cases {
            assert!(scan_prefix(forall, &triple(), &body).is_empty(), "{body:?}");
        }
        assert!(scan_prefix(false, &Pattern::Bind(1), &guard).is_empty());
    }

    /// `forall`/`exists (a, b, c) in P: a == x && y == b && c > 1` (as an
    /// implication for `forall`) with the given prefix.
    fn quantifier(forall: bool, prefix: Vec<Code>) -> Code {
        let guard = Code::And(
            b(eq(Code::Var(1), Code::Var(0))),
            b(Code::And(b(eq(Code::Var(4), Code::Var(2))), b(later()))),
        );
        let body = match forall {
            true => Code::Implies(b(guard), b(Code::Const(Value::Bool(false)))),
            false => guard,
        };
        Code::Quantifier {
            forall,
            place: 0,
            pattern: triple(),
            prefix,
            body: b(body),
        }
    }

    proptest! {
        #[test]
        fn visiting_the_prefix_alone_gives_the_same_verdict(
            tokens in proptest::collection::vec((0i64..3, 0i64..3, 0i64..3, 1u32..3), 0..12),
            x in 0i64..3,
            y in 0i64..3,
            forall in any::<bool>(),
        ) {
            let mut place = Multiset::new();
            for (a, b, c, n) in tokens {
                let token = Value::tuple([Value::Int(a), Value::Int(b), Value::Int(c)]);
                prop_assert!(place.add(token, n).is_some());
            }
            let marking = Marking { places: vec![place] };
            let full = quantifier(forall, Vec::new());
            let Code::Quantifier { pattern, body, .. } = &full else { unreachable!() };
            let prefix = scan_prefix(forall, pattern, body);
            prop_assert_eq!(prefix.len(), 2);
            let scanned = quantifier(forall, prefix);
            let verdict = |code: &Code| {
                let mut slots = vec![Value::Int(x), Value::Int(0), Value::Int(0), Value::Int(0), Value::Int(y)];
                code.holds(&mut Env::new(&mut slots, Some(&marking)))
            };
            prop_assert_eq!(verdict(&scanned), verdict(&full));
        }
    }
}
