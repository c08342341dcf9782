//! The SMT encoding's properties as observers of an explicit exploration:
//! a coloured net's unfolding ([`super::unfold`]) explored by the P/T
//! explorer, with each property checked on the unfolded places' token counts
//! ([`crate::mcc::observe::Checked`]). The conditions are the ones the
//! solver gets, so the two engines read a property the same way.

use super::{Goal, SmtError, SmtProperty, Term};
use crate::mcc::observe::{Check, Condition, Count};

impl SmtProperty {
    /// The property as a check of each explored marking.
    pub fn observer(&self) -> Result<Check, SmtError> {
        // The reason quotes the property as written, where it has a text.
        let refuse = |reason: String| SmtError::Property {
            property: self.name.clone(),
            reason: match &self.source {
                Some(source) => format!("`{source}`: {reason}"),
                None => reason,
            },
        };
        let goal = match &self.goal {
            Goal::Dead => Condition::Dead,
            Goal::AboveOne(groups) => Condition::Or(
                groups
                    .iter()
                    .map(|g| {
                        Condition::Not(Box::new(Condition::Le(
                            Count::Tokens(g.clone()),
                            Count::Constant(1),
                        )))
                    })
                    .collect(),
            ),
            Goal::Term(term) => condition(term).map_err(refuse)?,
        };
        if !within_i64(&goal) {
            return Err(refuse(
                "its arithmetic on token counts could leave 64-bit integers, where the \
                 coloured engine stops with an overflow"
                    .into(),
            ));
        }
        Ok(if self.witness {
            Check::Reachable(goal)
        } else {
            Check::Invariant(Condition::Not(Box::new(goal)))
        })
    }
}

/// A boolean term as a condition on token counts.
fn condition(term: &Term) -> Result<Condition, String> {
    let args = |args: &[Term]| args.iter().map(condition).collect::<Result<Vec<_>, _>>();
    Ok(match term {
        Term::Bool(true) => Condition::True,
        Term::Bool(false) => Condition::False,
        Term::Apply("not", a) if a.len() == 1 => not(condition(&a[0])?),
        Term::Apply("and", a) => Condition::And(args(a)?),
        Term::Apply("or", a) => Condition::Or(args(a)?),
        Term::Apply("=>", a) if a.len() == 2 => {
            Condition::Or(vec![not(condition(&a[0])?), condition(&a[1])?])
        }
        Term::Apply("ite", a) if a.len() == 3 => {
            either(condition(&a[0])?, condition(&a[1])?, condition(&a[2])?)
        }
        // Two conditions equal: both hold or neither does.
        Term::Apply("=", a) if a.len() == 2 && is_condition(&a[0]) => {
            let (x, y) = (condition(&a[0])?, condition(&a[1])?);
            Condition::Or(vec![
                Condition::And(vec![x.clone(), y.clone()]),
                Condition::And(vec![not(x), not(y)]),
            ])
        }
        Term::Apply(op @ ("<=" | ">=" | "<" | ">" | "="), a) if a.len() == 2 => {
            comparison(op, &a[0], &a[1], MAX_LIFTED)?
        }
        _ => return Err("a number stands where a condition is expected".into()),
    })
}

/// `!c`.
fn not(c: Condition) -> Condition {
    Condition::Not(Box::new(c))
}

/// `if c then a else b`, on conditions.
fn either(c: Condition, a: Condition, b: Condition) -> Condition {
    Condition::Or(vec![
        Condition::And(vec![c.clone(), a]),
        Condition::And(vec![not(c), b]),
    ])
}

/// Whether `term` is a condition rather than a number.
fn is_condition(term: &Term) -> bool {
    match term {
        Term::Bool(_) => true,
        Term::Int(_) | Term::Sum(_) => false,
        Term::Apply("ite", a) => a.get(1).is_some_and(is_condition),
        Term::Apply(name, _) => !matches!(*name, "+" | "-" | "*"),
    }
}

/// The most conditionals (`if ... then ... else`) one comparison may hold
/// among its numbers: each one lifted out doubles the comparison.
const MAX_LIFTED: usize = 12;

/// The comparison `x op y` of two numbers as a condition. A conditional
/// among them, `if c then a else b`, is lifted out: the comparison holds
/// where `c` holds and it holds with `a`, or `c` does not and it holds with
/// `b` (`lifts` more may be lifted).
fn comparison(op: &str, x: &Term, y: &Term, lifts: usize) -> Result<Condition, String> {
    let split = match split_conditional(x) {
        Some((c, a, b)) => Some((c, (a, y.clone()), (b, y.clone()))),
        None => split_conditional(y).map(|(c, a, b)| (c, (x.clone(), a), (x.clone(), b))),
    };
    if let Some((c, (xa, ya), (xb, yb))) = split {
        if lifts == 0 {
            return Err(format!(
                "one comparison holds more than {MAX_LIFTED} conditionals (`if ... then ... else`) \
                 over token counts"
            ));
        }
        return Ok(either(
            condition(&c)?,
            comparison(op, &xa, &ya, lifts - 1)?,
            comparison(op, &xb, &yb, lifts - 1)?,
        ));
    }
    let (x, y) = (count(x)?, count(y)?);
    Ok(match op {
        "<=" => Condition::Le(x, y),
        ">=" => Condition::Le(y, x),
        "<" => not(Condition::Le(y, x)),
        ">" => not(Condition::Le(x, y)),
        _ => Condition::And(vec![
            Condition::Le(x.clone(), y.clone()),
            Condition::Le(y, x),
        ]),
    })
}

/// The first conditional `if c then a else b` in the number `term`: `c`,
/// and `term` with it replaced by `a`, then by `b`.
fn split_conditional(term: &Term) -> Option<(Term, Term, Term)> {
    match term {
        Term::Apply("ite", a) if a.len() == 3 => Some((a[0].clone(), a[1].clone(), a[2].clone())),
        Term::Apply(name, args) => args.iter().enumerate().find_map(|(i, arg)| {
            let (c, a, b) = split_conditional(arg)?;
            let with = |branch: Term| {
                let mut args = args.clone();
                args[i] = branch;
                Term::Apply(name, args)
            };
            Some((c, with(a), with(b)))
        }),
        Term::Int(_) | Term::Bool(_) | Term::Sum(_) => None,
    }
}

/// Whether every count compared in `condition` stays within 64-bit
/// integers whatever the marking, as the coloured engine computes them
/// (checked, an overflow being an error): each unfolded place holds at most
/// `u32::MAX` tokens. The unfolded route computes in wider integers, so
/// without this bound it could judge a marking where the coloured engine
/// stops.
fn within_i64(condition: &Condition) -> bool {
    fn magnitude(count: &Count) -> u128 {
        match count {
            Count::Constant(c) => u128::from(c.unsigned_abs()),
            Count::Tokens(places) => (places.len() as u128).saturating_mul(u128::from(u32::MAX)),
            Count::Sum(parts) | Count::Difference(parts) => {
                parts.iter().map(magnitude).fold(0, u128::saturating_add)
            }
            Count::Product(parts) => parts.iter().map(magnitude).fold(1, u128::saturating_mul),
        }
    }
    let fits = |count: &Count| magnitude(count) <= i64::MAX as u128;
    match condition {
        Condition::Le(a, b) => fits(a) && fits(b),
        Condition::Not(c) => within_i64(c),
        Condition::And(cs) | Condition::Or(cs) => cs.iter().all(within_i64),
        Condition::True | Condition::False | Condition::Dead | Condition::Fireable(_) => true,
    }
}

/// An integer term as a count.
fn count(term: &Term) -> Result<Count, String> {
    let args = |args: &[Term]| args.iter().map(count).collect::<Result<Vec<_>, _>>();
    Ok(match term {
        Term::Int(n) => Count::Constant(*n),
        Term::Sum(places) => Count::Tokens(places.clone()),
        Term::Apply("+", a) => Count::Sum(args(a)?),
        Term::Apply("-", a) if a.len() == 1 => {
            Count::Difference(vec![Count::Constant(0), count(&a[0])?])
        }
        Term::Apply("-", a) => Count::Difference(args(a)?),
        Term::Apply("*", a) => Count::Product(args(a)?),
        _ => return Err("a condition stands where a number is expected".into()),
    })
}

/// Each property of the coloured `net`, in its order, as a check of the
/// token counts of its unfolding, whose places are `colours` (as
/// [`super::unfold::unfold`] lists them); refused at the first property the
/// encoding does not express.
pub fn unfolded_checks(
    net: &crate::net::model::Net,
    colours: &[(usize, crate::net::value::Value)],
) -> Result<Vec<Check>, SmtError> {
    net.properties
        .iter()
        .map(|p| super::properties::net_property(p, colours)?.observer())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::PropertyKind;

    fn property(goal: Term) -> SmtProperty {
        SmtProperty {
            name: "p".into(),
            goal: Goal::Term(goal),
            witness: true,
            kind: PropertyKind::Reachable,
            source: Some("as written".into()),
        }
    }

    #[test]
    fn a_refusal_quotes_the_property_in_words() {
        let refused = property(Term::Int(1)).observer().unwrap_err().to_string();
        assert_eq!(
            refused,
            "property `p`: `as written`: a number stands where a condition is expected"
        );
        let compared = Term::Apply("<=", vec![Term::Bool(true), Term::Int(1)]);
        let refused = property(compared).observer().unwrap_err().to_string();
        assert_eq!(
            refused,
            "property `p`: `as written`: a condition stands where a number is expected"
        );
    }

    #[test]
    fn a_conditional_number_is_lifted_out_of_its_comparison() {
        // (if m0 > 0 then 2 else 0) + 1 <= m1
        let present = Term::Apply(">", vec![Term::Sum(vec![0]), Term::Int(0)]);
        let ite = Term::Apply("ite", vec![present, Term::Int(2), Term::Int(0)]);
        let sum = Term::Apply("+", vec![ite, Term::Int(1)]);
        let term = Term::Apply("<=", vec![sum, Term::Sum(vec![1])]);
        let Ok(Check::Reachable(lifted)) = property(term).observer() else {
            panic!("lifted")
        };
        let le = |x: Count, y: Count| Condition::Le(x, y);
        let plus_one = |n: i64| Count::Sum(vec![Count::Constant(n), Count::Constant(1)]);
        let present = not(le(Count::Tokens(vec![0]), Count::Constant(0)));
        assert_eq!(
            lifted,
            either(
                present,
                le(plus_one(2), Count::Tokens(vec![1])),
                le(plus_one(0), Count::Tokens(vec![1])),
            )
        );
    }
}
