//! A coloured net's properties as conditions on the token counts of its
//! unfolded places.
//!
//! Token counts (`count(P)`, `count(P, v)`, `v in P`) become sums of the
//! counters of the unfolded places; a quantifier over a place expands over
//! the place's unfolded colours (`forall x in P: b` is the conjunction, over
//! each colour `c` the pattern matches, of `m_c > 0 => b[c]`); every part that
//! reads no marking is evaluated now, with the net's own functions, and
//! becomes a constant. Connectives short-circuit as in the explicit checker:
//! a constant left side decides whether the right side is looked at.
//! Nested quantifiers multiply: an expansion that would visit more than
//! [`MAX_EXPANDED`] colours is refused rather than built.

use super::{Goal, SmtError, SmtProperty, Term};
use crate::net::code::{ArithOp, CmpOp, Code, Env, Pattern};
use crate::net::model::{Property, PropertyKind};
use crate::net::value::Value;

/// One property of a coloured net over its unfolded places (`colours[i]` is
/// the coloured place and colour of unfolded place `i`).
pub(super) fn net_property(
    p: &Property,
    colours: &[(usize, Value)],
) -> Result<SmtProperty, SmtError> {
    let term = |code: &Code| {
        let mut slots = vec![Value::Bool(false); p.slots];
        Encoder::new(colours)
            .term(code, &mut slots)
            .map_err(|reason| SmtError::Property {
                property: p.name.clone(),
                reason,
            })
    };
    let (goal, witness) = match &p.kind {
        PropertyKind::Invariant(code) => (Goal::Term(not(term(code)?)), false),
        PropertyKind::Reachable(code) => (Goal::Term(term(code)?), true),
        PropertyKind::DeadlockFree(None) => (Goal::Dead, false),
        PropertyKind::DeadlockFree(Some(_)) => {
            return Err(SmtError::Property {
                property: p.name.clone(),
                reason: "deadlock-freedom with exceptions is not encoded".into(),
            });
        }
        PropertyKind::Bound { places, max } => {
            let max = i64::try_from(*max).unwrap_or(i64::MAX);
            let over = |&place: &usize| {
                Term::Apply(
                    ">",
                    vec![Term::Sum(places_of(place, colours)), Term::Int(max)],
                )
            };
            let goal = match places.as_slice() {
                [] => Term::Bool(false),
                [place] => over(place),
                _ => Term::Apply("or", places.iter().map(over).collect()),
            };
            (Goal::Term(goal), false)
        }
    };
    Ok(SmtProperty {
        name: p.name.clone(),
        goal,
        witness,
        kind: crate::standard::report_kind(p),
        source: p.formula.as_ref().map(|(formula, _)| formula.text.clone()),
    })
}

/// The unfolded places of coloured place `place`.
pub(super) fn places_of(place: usize, colours: &[(usize, Value)]) -> Vec<usize> {
    (0..colours.len())
        .filter(|&i| colours[i].0 == place)
        .collect()
}

/// The most colours one property's quantifiers may visit in all.
pub const MAX_EXPANDED: usize = 1 << 20;

/// Translates property expressions over the unfolded places `colours`.
struct Encoder<'a> {
    colours: &'a [(usize, Value)],
    /// Colours the quantifiers and sums have visited so far.
    expanded: std::cell::Cell<usize>,
}

impl<'a> Encoder<'a> {
    fn new(colours: &'a [(usize, Value)]) -> Self {
        Encoder {
            colours,
            expanded: std::cell::Cell::new(0),
        }
    }
}

impl Encoder<'_> {
    /// `code` as a term, with the variables bound so far in `slots`.
    fn term(&self, code: &Code, slots: &mut Vec<Value>) -> Result<Term, String> {
        let mut read = Vec::new();
        code.places_read(&mut read);
        if read.is_empty() {
            return constant(code, slots);
        }
        match code {
            // Keeping a call's value changes how often it is computed, not what it is.
            Code::Cached(_, e) | Code::Forget(_, e) => self.term(e, slots),
            Code::Count(p) => Ok(Term::Sum(places_of(*p, self.colours))),
            Code::CountOf(p, value) => {
                let value = evaluate(value, slots)?;
                Ok(Term::Sum(
                    (0..self.colours.len())
                        .filter(|&i| self.colours[i].0 == *p && self.colours[i].1 == value)
                        .collect(),
                ))
            }
            Code::Quantifier {
                forall,
                place,
                pattern,
                body,
                ..
            } => self.quantifier(*forall, *place, pattern, body, slots),
            Code::Sum {
                place,
                pattern,
                body,
                ..
            } => self.sum(*place, pattern, body, slots),
            Code::Not(a) => Ok(not(self.term(a, slots)?)),
            Code::Neg(a, _) => Ok(Term::Apply("-", vec![self.term(a, slots)?])),
            Code::And(a, b) => match self.term(a, slots)? {
                Term::Bool(false) => Ok(Term::Bool(false)),
                Term::Bool(true) => self.term(b, slots),
                a => Ok(and(a, self.term(b, slots)?)),
            },
            Code::Or(a, b) => match self.term(a, slots)? {
                Term::Bool(true) => Ok(Term::Bool(true)),
                Term::Bool(false) => self.term(b, slots),
                a => Ok(Term::Apply("or", vec![a, self.term(b, slots)?])),
            },
            Code::Implies(a, b) => match self.term(a, slots)? {
                Term::Bool(false) => Ok(Term::Bool(true)),
                Term::Bool(true) => self.term(b, slots),
                a => Ok(Term::Apply("=>", vec![a, self.term(b, slots)?])),
            },
            Code::If(c, a, b) => match self.term(c, slots)? {
                Term::Bool(true) => self.term(a, slots),
                Term::Bool(false) => self.term(b, slots),
                c => Ok(Term::Apply(
                    "ite",
                    vec![c, self.term(a, slots)?, self.term(b, slots)?],
                )),
            },
            Code::Arith(op, a, b, _) => {
                let name = match op {
                    ArithOp::Add => "+",
                    ArithOp::Sub => "-",
                    ArithOp::Mul => "*",
                    ArithOp::Div | ArithOp::Rem => {
                        return Err("division of token counts is not encoded".into());
                    }
                };
                Ok(Term::Apply(
                    name,
                    vec![self.term(a, slots)?, self.term(b, slots)?],
                ))
            }
            Code::Cmp(op, a, b) => {
                let (a, b) = (self.term(a, slots)?, self.term(b, slots)?);
                Ok(match op {
                    CmpOp::Eq => Term::Apply("=", vec![a, b]),
                    CmpOp::Ne => not(Term::Apply("=", vec![a, b])),
                    CmpOp::Lt => Term::Apply("<", vec![a, b]),
                    CmpOp::Le => Term::Apply("<=", vec![a, b]),
                    CmpOp::Gt => Term::Apply(">", vec![a, b]),
                    CmpOp::Ge => Term::Apply(">=", vec![a, b]),
                })
            }
            Code::Tuple(_)
            | Code::Field(..)
            | Code::Call { .. }
            | Code::Const(_)
            | Code::Var(_) => {
                Err("a token count inside a tuple or a function call is not encoded".into())
            }
        }
    }

    /// `forall` (else `exists`) `pattern in place: body`, expanded over the
    /// place's colours that the pattern matches.
    fn quantifier(
        &self,
        forall: bool,
        place: usize,
        pattern: &Pattern,
        body: &Code,
        slots: &[Value],
    ) -> Result<Term, String> {
        let mut parts = Vec::new();
        self.each_matching(place, pattern, slots, |i, bound| {
            let present = Term::Apply(">", vec![Term::Sum(vec![i]), Term::Int(0)]);
            match (forall, self.term(body, bound)?) {
                (true, Term::Bool(true)) | (false, Term::Bool(false)) => {}
                (true, Term::Bool(false)) => parts.push(not(present)),
                (false, Term::Bool(true)) => parts.push(present),
                (true, b) => parts.push(Term::Apply("=>", vec![present, b])),
                (false, b) => parts.push(and(present, b)),
            }
            Ok(())
        })?;
        Ok(match parts.len() {
            0 => Term::Bool(forall),
            1 => parts.pop().unwrap_or(Term::Bool(forall)),
            _ => Term::Apply(if forall { "and" } else { "or" }, parts),
        })
    }

    /// Calls `each` with every unfolded place of `place` whose colour
    /// `pattern` matches, and the slots with the pattern's variables bound;
    /// every colour visited counts against [`MAX_EXPANDED`], past which the
    /// property is refused.
    fn each_matching(
        &self,
        place: usize,
        pattern: &Pattern,
        slots: &[Value],
        mut each: impl FnMut(usize, &mut Vec<Value>) -> Result<(), String>,
    ) -> Result<(), String> {
        for i in places_of(place, self.colours) {
            self.expanded.set(self.expanded.get() + 1);
            if self.expanded.get() > MAX_EXPANDED {
                return Err(format!(
                    "its quantifiers and sums expand over more than {MAX_EXPANDED} colours"
                ));
            }
            let mut bound = slots.to_vec();
            if pattern.matches(&self.colours[i].1, &mut bound) {
                each(i, &mut bound)?;
            }
        }
        Ok(())
    }

    /// `sum(body for pattern in place)`, expanded over the place's colours
    /// that the pattern matches: each colour's count times its body.
    fn sum(
        &self,
        place: usize,
        pattern: &Pattern,
        body: &Code,
        slots: &[Value],
    ) -> Result<Term, String> {
        let mut parts = Vec::new();
        self.each_matching(place, pattern, slots, |i, bound| {
            let count = Term::Sum(vec![i]);
            match self.term(body, bound)? {
                Term::Int(0) => {}
                Term::Int(1) => parts.push(count),
                weight => parts.push(Term::Apply("*", vec![weight, count])),
            }
            Ok(())
        })?;
        Ok(match parts.len() {
            0 => Term::Int(0),
            1 => parts.pop().unwrap_or(Term::Int(0)),
            _ => Term::Apply("+", parts),
        })
    }
}

/// A part that reads no marking, evaluated now: a boolean or integer constant.
fn constant(code: &Code, slots: &mut Vec<Value>) -> Result<Term, String> {
    match evaluate(code, slots)? {
        Value::Bool(b) => Ok(Term::Bool(b)),
        Value::Int(n) => Ok(Term::Int(n)),
        other => Err(format!(
            "`{other}` is compared with a token count, which is not encoded"
        )),
    }
}

/// The value of a part that reads no marking.
fn evaluate(code: &Code, slots: &mut Vec<Value>) -> Result<Value, String> {
    code.eval(&mut Env::new(slots, None))
        .map_err(|e| e.to_string())
}

fn not(term: Term) -> Term {
    match term {
        Term::Bool(b) => Term::Bool(!b),
        term => Term::Apply("not", vec![term]),
    }
}

fn and(a: Term, b: Term) -> Term {
    Term::Apply("and", vec![a, b])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::code::Pattern;

    /// Place 0 holds colours 1 and 2 (unfolded places 0 and 1); place 1 none.
    const COLOURS: [(usize, Value); 2] = [(0, Value::Int(1)), (0, Value::Int(2))];

    fn smt(code: &Code) -> Result<String, String> {
        let term = Encoder::new(&COLOURS).term(code, &mut vec![Value::Int(0)])?;
        let mut out = String::new();
        super::super::show(&term, 3, &mut out);
        Ok(out)
    }

    fn quantifier(forall: bool, place: usize, body: Code) -> Code {
        Code::Quantifier {
            forall,
            place,
            pattern: Pattern::Bind(0),
            prefix: Vec::new(),
            body: Box::new(body),
        }
    }

    fn x_is(n: i64) -> Code {
        Code::Cmp(
            CmpOp::Eq,
            Box::new(Code::Var(0)),
            Box::new(Code::Const(Value::Int(n))),
        )
    }

    #[test]
    fn nested_quantifiers_past_the_expansion_limit_are_refused() {
        // 21 nested quantifiers over two colours: 2^22 - 2 colours visited.
        let deep = |depth: usize| {
            (0..depth).fold(Code::Const(Value::Bool(true)), |body, _| {
                quantifier(true, 0, body)
            })
        };
        assert!(smt(&deep(19)).is_ok(), "2^20 - 2 colours visited");
        let refused = smt(&deep(21)).unwrap_err();
        assert!(refused.contains("more than 1048576 colours"), "{refused}");
    }

    #[test]
    fn a_quantifier_expands_over_the_colours_its_pattern_matches() {
        // forall x in P: x == 1 -- false for colour 2, so that colour is absent.
        assert_eq!(
            smt(&quantifier(true, 0, x_is(1))),
            Ok("(not (> m_3_1 0))".into())
        );
        // exists x in P: x == 2 -- colour 2 is present.
        assert_eq!(
            smt(&quantifier(false, 0, x_is(2))),
            Ok("(> m_3_1 0)".into())
        );
        // exists x in P: true -- some colour is present.
        assert_eq!(
            smt(&quantifier(false, 0, Code::Const(Value::Bool(true)))),
            Ok("(or (> m_3_0 0) (> m_3_1 0))".into())
        );
        // Over a place without colours: forall is true, exists false.
        assert_eq!(smt(&quantifier(true, 1, x_is(1))), Ok("true".into()));
        assert_eq!(smt(&quantifier(false, 1, x_is(1))), Ok("false".into()));
    }

    #[test]
    fn membership_and_counts_become_sums_of_counters() {
        let member = Code::Cmp(
            CmpOp::Gt,
            Box::new(Code::CountOf(0, Box::new(Code::Const(Value::Int(2))))),
            Box::new(Code::Const(Value::Int(0))),
        );
        assert_eq!(smt(&member), Ok("(> m_3_1 0)".into()));
        let total = Code::Cmp(
            CmpOp::Le,
            Box::new(Code::Count(0)),
            Box::new(Code::Const(Value::Int(-1))),
        );
        assert_eq!(smt(&total), Ok("(<= (+ m_3_0 m_3_1) (- 1))".into()));
    }

    #[test]
    fn evaluation_short_circuits_and_its_errors_are_reasons() {
        let divide = Code::Cmp(
            CmpOp::Eq,
            Box::new(Code::Arith(
                ArithOp::Div,
                Box::new(Code::Const(Value::Int(1))),
                Box::new(Code::Const(Value::Int(0))),
                crate::net::pos::Pos { line: 1, col: 1 },
            )),
            Box::new(Code::Const(Value::Int(0))),
        );
        // forall x in P: x == 3 => 1/0 == 0 -- no colour is 3: never divides.
        let guarded = Code::Implies(Box::new(x_is(3)), Box::new(divide.clone()));
        assert_eq!(smt(&quantifier(true, 0, guarded)), Ok("true".into()));
        // forall x in P: x == 2 => 1/0 == 0 -- colour 2 divides by zero.
        let failing = Code::Implies(Box::new(x_is(2)), Box::new(divide));
        assert_eq!(
            smt(&quantifier(true, 0, failing)),
            Err("division by zero".into())
        );
    }
}
