//! Why a marking violates an invariant: the quantifier instance at fault and
//! the sub-formula that is false there.
//!
//! A property keeps, besides its compiled [`Code`], a [`Formula`]: its
//! boolean skeleton (quantifiers, `&&`, `||`, `=>`, `!`) with the source text
//! of each part. [`Formula::explain`] walks it down from a false root: a false
//! `forall` names the first token (in canonical order) for which its body is
//! false and goes on into the body; a false `&&` goes into its first false
//! side; a false `a => b` records that `a` holds and goes into `b`; a false
//! `a || b` records that `!(a)` holds and goes into `b`; anything else
//! (`exists`, `!`, a comparison, a function call) is the false part, with
//! the values of the token counts and sums it reads.

use serde::Serialize;

use super::code::{Code, Env, EvalError, Pattern, PlaceId, marking_of, quantify};
use super::marking::Marking;
use super::pos::Pos;
use crate::net::value::Value;

/// A property's boolean skeleton, with the source text of every part.
#[derive(Debug, Clone)]
pub struct Formula {
    /// The part's text as written in the net file.
    pub text: String,
    /// Where the part begins in the net file.
    pub pos: Pos,
    /// Its shape.
    pub kind: FormulaKind,
}

/// The shapes of a [`Formula`].
#[derive(Debug, Clone)]
pub enum FormulaKind {
    /// `forall pattern in place: body` (`forall: true`) or `exists ...`.
    Quantifier {
        /// Which quantifier.
        forall: bool,
        /// The place ranged over.
        place: PlaceId,
        /// The place's name.
        place_name: String,
        /// The pattern as written.
        pattern_text: String,
        /// The compiled pattern (binds the formula's slots).
        pattern: Pattern,
        /// The predicate.
        body: Box<Formula>,
    },
    /// `a && b`.
    And(Box<Formula>, Box<Formula>),
    /// `a || b`.
    Or(Box<Formula>, Box<Formula>),
    /// `a => b`.
    Implies(Box<Formula>, Box<Formula>),
    /// `!a`.
    Not(Box<Formula>),
    /// Any other boolean expression.
    Atom {
        /// The expression.
        code: Code,
        /// The token counts and sums it reads outside any quantifier of its
        /// own (`count(P)`, `count(P, v)`, `sum(...)`), whose values an
        /// explanation shows.
        readings: Vec<(String, Code)>,
    },
}

/// One quantifier instance of an explanation: the token a `forall` fails for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instance {
    /// The quantifier's pattern as written, e.g. `(u, p, at)`.
    pub pattern: String,
    /// The place it ranges over.
    pub place: String,
    /// The token it fails for, printed, e.g. `((doctor, 1), p1, 0)`.
    pub token: String,
}

/// The value of a token count or a sum in the false part of a formula.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reading {
    /// The expression as written, e.g. `count(critical)`.
    pub expression: String,
    /// Its value in the marking, printed, e.g. `2`.
    pub value: String,
}

/// Why a marking violates an invariant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The quantifier instances, outermost first.
    pub instances: Vec<Instance>,
    /// Premises found true on the way (the left sides of `=>`, the negated
    /// left sides of `||`).
    pub given: Vec<String>,
    /// The sub-formula that is false under those instances, as written.
    pub failing: String,
    /// The values of the token counts and sums the false part reads.
    pub readings: Vec<Reading>,
}

impl Formula {
    /// The formula's truth value under `env`.
    pub fn holds(&self, env: &mut Env<'_>) -> Result<bool, EvalError> {
        self.holds_noting_failure(env, &mut None)
    }

    /// Where evaluating the formula in `marking` fails: the innermost part
    /// whose evaluation raised the error (`None` if the evaluation succeeds).
    pub fn failure_position(&self, marking: &Marking, slots: usize) -> Option<Pos> {
        let mut values = vec![Value::Bool(false); slots];
        let mut env = Env::new(&mut values, Some(marking));
        let mut at = None;
        self.holds_noting_failure(&mut env, &mut at).err().and(at)
    }

    /// [`Formula::holds`], noting in `at` the innermost part that failed.
    fn holds_noting_failure(
        &self,
        env: &mut Env<'_>,
        at: &mut Option<Pos>,
    ) -> Result<bool, EvalError> {
        let result = (|| {
            Ok(match &self.kind {
                FormulaKind::Atom { code, .. } => code.holds(env)?,
                FormulaKind::Not(a) => !a.holds_noting_failure(env, at)?,
                FormulaKind::And(a, b) => {
                    a.holds_noting_failure(env, at)? && b.holds_noting_failure(env, at)?
                }
                FormulaKind::Or(a, b) => {
                    a.holds_noting_failure(env, at)? || b.holds_noting_failure(env, at)?
                }
                FormulaKind::Implies(a, b) => {
                    !a.holds_noting_failure(env, at)? || b.holds_noting_failure(env, at)?
                }
                FormulaKind::Quantifier {
                    forall,
                    place,
                    pattern,
                    body,
                    ..
                } => quantify(env, *forall, *place, pattern, &[], |env, _| {
                    body.holds_noting_failure(env, at)
                })?,
            })
        })();
        if result.is_err() && at.is_none() {
            *at = Some(self.pos);
        }
        result
    }

    /// Why the formula is false in `marking` (`None` if it holds there).
    pub fn explain(
        &self,
        marking: &Marking,
        slots: usize,
    ) -> Result<Option<Explanation>, EvalError> {
        let mut values = vec![Value::Bool(false); slots];
        let mut env = Env::new(&mut values, Some(marking));
        if self.holds(&mut env)? {
            return Ok(None);
        }
        let mut explanation = Explanation {
            instances: Vec::new(),
            given: Vec::new(),
            failing: String::new(),
            readings: Vec::new(),
        };
        self.explain_false(&mut env, &mut explanation)?;
        Ok(Some(explanation))
    }

    /// Fills `out` for this formula, known to be false under `env`.
    fn explain_false(&self, env: &mut Env<'_>, out: &mut Explanation) -> Result<(), EvalError> {
        match &self.kind {
            FormulaKind::And(a, b) => {
                if a.holds(env)? {
                    b.explain_false(env, out)
                } else {
                    a.explain_false(env, out)
                }
            }
            FormulaKind::Implies(a, b) => {
                out.given.push(a.text.clone());
                b.explain_false(env, out)
            }
            // Both sides are false: the first is a premise, the second is explained.
            FormulaKind::Or(a, b) => {
                out.given.push(format!("!({})", a.text));
                b.explain_false(env, out)
            }
            FormulaKind::Quantifier {
                forall: true,
                place,
                place_name,
                pattern_text,
                pattern,
                body,
            } => {
                let marking = marking_of(env)?;
                for (token, _) in marking.places[*place].iter() {
                    if pattern.matches(token, env.slots) && !body.holds(env)? {
                        // Match again: evaluating the body may have rebound inner slots only.
                        pattern.matches(token, env.slots);
                        out.instances.push(Instance {
                            pattern: pattern_text.clone(),
                            place: place_name.clone(),
                            token: token.to_string(),
                        });
                        return body.explain_false(env, out);
                    }
                }
                out.failing = self.text.clone();
                Ok(())
            }
            FormulaKind::Atom { readings, .. } => {
                out.failing = self.text.clone();
                read(readings, env, out);
                Ok(())
            }
            // `!(count(P) > 1)`: the values its atom reads.
            FormulaKind::Not(inner) => {
                out.failing = self.text.clone();
                if let FormulaKind::Atom { readings, .. } = &inner.kind {
                    read(readings, env, out);
                }
                Ok(())
            }
            _ => {
                out.failing = self.text.clone();
                Ok(())
            }
        }
    }
}

/// Adds to `out` the values of `readings` under `env`.
fn read(readings: &[(String, Code)], env: &mut Env<'_>, out: &mut Explanation) {
    for (expression, code) in readings {
        // What fails to evaluate is not shown (the atom did not fail).
        if let Ok(value) = code.eval(env) {
            out.readings.push(Reading {
                expression: expression.clone(),
                value: value.to_string(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::load::load_net_str;
    use crate::load::source::Source;
    use crate::net::functions::FunctionLibrary;
    use crate::net::model::Net;

    /// A net whose place `P` holds `(a, 1)` and `(b, 5)`, with `properties`
    /// (YAML lines, the first at line 10 of the file).
    fn net_with(properties: &str) -> Net {
        let text = format!(
            "name: t\ntypes:\n  Who: {{ enum: [a, b] }}\n  Pair: {{ tuple: [Who, Int] }}\nplaces:\n  P: {{ type: Pair, init: [\"(a, 1)\", \"(b, 5)\"] }}\ntransitions:\n  keep: {{ in: {{ P: [\"x\"] }}, out: {{ P: [\"x\"] }} }}\nproperties:\n{properties}"
        );
        load_net_str(
            &Source::new("t.yaml", text),
            &[],
            &crate::net::functions::NoFunctions as &dyn FunctionLibrary,
        )
        .expect("net")
    }

    #[test]
    fn a_violation_names_its_instance_and_false_part() {
        let net = net_with(
            "  small:\n    invariant: \"forall (w, n) in P: w == a || (n > 0 => n < 3)\"\n",
        );
        let (formula, slots) = net.properties[0].formula.as_ref().expect("formula");
        let why = formula
            .explain(&net.initial, *slots)
            .expect("evaluates")
            .expect("violated");
        assert_eq!(why.instances.len(), 1);
        assert_eq!(why.instances[0].token, "(b, 5)");
        assert_eq!(why.instances[0].pattern, "(w, n)");
        assert_eq!(why.given, ["!(w == a)", "n > 0"]);
        assert_eq!(why.failing, "n < 3");
    }

    #[test]
    fn a_failed_evaluation_is_located_at_the_innermost_part() {
        let net = net_with(
            "  small:\n    invariant: \"forall (w, n) in P: n > 0 && 10 / (n - 5) < 100\"\n  fine:\n    invariant: \"forall (w, n) in P: n > 0\"\n",
        );
        let at = |i: usize| {
            let (formula, slots) = net.properties[i].formula.as_ref().expect("formula");
            formula.failure_position(&net.initial, *slots)
        };
        // `(a, 1)` passes; `(b, 5)` divides by zero in the second conjunct.
        let pos = at(0).expect("fails");
        assert_eq!((pos.line, pos.col), (11, 46));
        assert_eq!(at(1), None);
    }

    #[test]
    fn the_false_part_comes_with_the_counts_and_sums_it_reads() {
        // P = {(a, 1), (b, 5)}: 2 tokens, their numbers add up to 6.
        let net = net_with(concat!(
            "  plain:\n    invariant: \"count(P) + sum(n for (_, n) in P) < 8\"\n",
            "  negated:\n    invariant: \"!(count(P) > 1)\"\n",
            "  inside:\n    invariant: \"forall (w, n) in P: count(P, (w, n)) + n < 3\"\n",
            "  quantified:\n    invariant: \"exists (w, n) in P: count(P) > 5\"\n",
        ));
        let readings = |i: usize| {
            let (formula, slots) = net.properties[i].formula.as_ref().expect("formula");
            let why = formula.explain(&net.initial, *slots).expect("evaluates");
            let why = why.expect("violated");
            (why.readings.iter())
                .map(|r| format!("{} = {}", r.expression, r.value))
                .collect::<Vec<_>>()
        };
        assert_eq!(readings(0), ["count(P) = 2", "sum(n for (_, n) in P) = 6"]);
        assert_eq!(readings(1), ["count(P) = 2"]);
        // Under the instance `(b, 5)`: its own multiplicity.
        assert_eq!(readings(2), ["count(P, (w, n)) = 1"]);
        // Inside an `exists` of the atom, whose variables no instance binds: none.
        assert!(readings(3).is_empty());
    }
}
