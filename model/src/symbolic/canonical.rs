//! The canonical form of symbolic values after the symmetry reduction renamed
//! constants inside them.
//!
//! Two kinds of symbolic values are sets kept in value order: a knowledge set
//! `know(t1, t2, ...)` and the exponent of a group element `g1(a, b, inv(c))`
//! (scalars in increasing order). Renaming a patient or a seat may reorder
//! them; [`SymbolicCanonical`] sorts them again, so that a renamed value is the
//! very value the functions would have built for the renamed arguments.

use sesphr_engine::net::functions::Canonicalise;
use sesphr_engine::net::value::Value;

use super::exponent::Monomial;

/// Restores the canonical form of knowledge sets and group elements.
#[derive(Debug, Default, Clone, Copy)]
pub struct SymbolicCanonical;

impl Canonicalise for SymbolicCanonical {
    fn canonical(&self, value: &Value) -> Value {
        canonical(value)
    }
}

fn canonical(value: &Value) -> Value {
    match value {
        Value::Tuple(items) => Value::tuple(items.iter().map(canonical)),
        Value::Term(term) => {
            let mut args: Vec<Value> = term.args.iter().map(canonical).collect();
            match &*term.functor {
                "know" => {
                    args.sort();
                    args.dedup();
                    Value::term("know", args)
                }
                functor @ ("g1" | "g2" | "gt") => {
                    let exponent =
                        args.iter()
                            .fold(Monomial::one(), |m, arg| match arg.as_term() {
                                Some(t) if &*t.functor == "inv" && t.args.len() == 1 => {
                                    m.div(&Monomial::scalar(t.args[0].clone()))
                                }
                                _ => m.mul(&Monomial::scalar(arg.clone())),
                            });
                    Value::term(functor, exponent.to_args())
                }
                functor => Value::term(functor, args),
            }
        }
        Value::Bool(_) | Value::Int(_) | Value::Sym(_) | Value::Bytes(_) => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::terms::{Group, secret};
    use super::*;

    #[test]
    fn renamed_sets_and_exponents_are_sorted_again() {
        let (a, b) = (secret(&Value::sym("p1")), secret(&Value::sym("p2")));
        let knows = Value::term("know", [b.clone(), a.clone(), a.clone()]);
        assert_eq!(
            canonical(&knows),
            Value::term("know", [a.clone(), b.clone()])
        );
        let swapped = Value::term("g1", [b.clone(), Value::term("inv", [a.clone()])]);
        let built =
            Group::G1.element(&Monomial::scalar(b.clone()).div(&Monomial::scalar(a.clone())));
        assert_eq!(canonical(&swapped), built);
        assert_eq!(
            canonical(&built),
            built,
            "canonical values stay as they are"
        );
    }
}
