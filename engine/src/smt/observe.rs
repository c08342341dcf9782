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
        let refuse = |reason: String| SmtError::Property {
            property: self.name.clone(),
            reason,
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
    let not = |c: Condition| Condition::Not(Box::new(c));
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
            let c = condition(&a[0])?;
            Condition::Or(vec![
                Condition::And(vec![c.clone(), condition(&a[1])?]),
                Condition::And(vec![not(c), condition(&a[2])?]),
            ])
        }
        Term::Apply(op @ ("<=" | ">=" | "<" | ">" | "="), a) if a.len() == 2 => {
            let (x, y) = (count(&a[0])?, count(&a[1])?);
            match *op {
                "<=" => Condition::Le(x, y),
                ">=" => Condition::Le(y, x),
                "<" => not(Condition::Le(y, x)),
                ">" => not(Condition::Le(x, y)),
                _ => Condition::And(vec![
                    Condition::Le(x.clone(), y.clone()),
                    Condition::Le(y, x),
                ]),
            }
        }
        other => return Err(format!("`{other:?}` is not a condition on token counts")),
    })
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
        other => {
            return Err(format!(
                "`{other:?}` is not a sum, difference or product of token counts"
            ));
        }
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
