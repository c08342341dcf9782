//! Compiled expressions and patterns, and their evaluation.
//!
//! The net compiler resolves every name of an [`crate::expr::ast::Expr`]:
//! parameters and constants become values, variables become slots of the
//! binding, places become place numbers, and functions become the host's
//! implementations. Evaluation then needs no look-up by name.

use std::fmt;
use std::sync::Arc;

pub use super::eval_error::{EvalError, Site};
use super::lookup_tuple::LookupTuple;
use super::marking::{Marking, Multiset};
use super::pos::Pos;
use super::types::Ty;
use crate::net::functions::{FunctionError, NetFunction};
use crate::net::value::Value;

/// Arguments of a function call evaluated into an array on the stack (more
/// go to the heap).
const INLINE_ARGS: usize = 4;

/// A place number: its index in the net's place list.
pub type PlaceId = usize;

/// A compiled expression.
#[derive(Clone)]
pub enum Code {
    /// A constant (literals, parameters, enumeration constants).
    Const(Value),
    /// The value bound to a variable slot.
    Var(usize),
    /// A tuple.
    Tuple(Vec<Code>),
    /// Component of a tuple.
    Field(Box<Code>, usize),
    /// Integer negation, its `-` written at the position (where an overflow
    /// is reported).
    Neg(Box<Code>, Pos),
    /// Boolean negation.
    Not(Box<Code>),
    /// Integer arithmetic, its operator written at the position (where a
    /// division by zero or an overflow is reported).
    Arith(ArithOp, Box<Code>, Box<Code>, Pos),
    /// Comparison.
    Cmp(CmpOp, Box<Code>, Box<Code>),
    /// Short-circuit conjunction.
    And(Box<Code>, Box<Code>),
    /// Short-circuit disjunction.
    Or(Box<Code>, Box<Code>),
    /// Implication.
    Implies(Box<Code>, Box<Code>),
    /// Conditional.
    If(Box<Code>, Box<Code>, Box<Code>),
    /// A host function call.
    Call {
        /// The function's declared name and where the call is written.
        site: Arc<CallSite>,
        /// The implementation.
        function: Arc<dyn NetFunction>,
        /// The arguments.
        args: Vec<Code>,
        /// The declared result type, checked on each result.
        returns: Ty,
    },
    /// The number of tokens in a place.
    Count(PlaceId),
    /// The multiplicity of a value in a place.
    CountOf(PlaceId, Box<Code>),
    /// A bounded quantifier over the distinct tokens of a place.
    Quantifier {
        /// `true` for forall, `false` for exists.
        forall: bool,
        /// The place ranged over.
        place: PlaceId,
        /// The pattern each token is matched against (binds slots).
        pattern: Pattern,
        /// The leading components of every token that can settle the
        /// quantifier ([`super::prefix::scan_prefix`]): only tokens starting
        /// with their values are visited (every token when empty).
        prefix: Vec<Code>,
        /// The predicate.
        body: Box<Code>,
    },
    /// The sum of an integer over the tokens of a place that a pattern
    /// matches, each token counted with its multiplicity.
    Sum {
        /// The place summed over.
        place: PlaceId,
        /// The pattern each token is matched against (binds slots).
        pattern: Pattern,
        /// The integer added for each token.
        body: Box<Code>,
        /// Where `sum` is written (where an overflow is reported).
        pos: Pos,
    },
    /// A function call whose value is kept, under its number, until a
    /// [`Code::Forget`] naming that number: computed once per binding of the
    /// variables it reads ([`crate::load`] places them).
    Cached(usize, Box<Code>),
    /// Forgets the kept values of these numbers, then evaluates the
    /// expression: wraps a quantifier's body (forgotten at each token) or a
    /// quantifier (forgotten each time it is evaluated).
    Forget(Vec<usize>, Box<Code>),
}

/// Where a host function is called: its declared name (for messages) and
/// where the call is written in the net's file (where its failure is
/// reported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// The function's declared name.
    pub name: Box<str>,
    /// Where the call is written.
    pub pos: Pos,
}

impl CallSite {
    /// The call of `name` written at `pos`.
    pub fn new(name: &str, pos: Pos) -> Arc<CallSite> {
        Arc::new(CallSite {
            name: name.into(),
            pos,
        })
    }
}

/// Integer operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (truncating; by zero is an error)
    Div,
    /// `%` (Euclidean remainder; by zero is an error)
    Rem,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A compiled pattern, matched against one token value.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// Binds the slot to the value.
    Bind(usize),
    /// The value must equal what the slot already holds.
    Check(usize),
    /// The value must equal this constant.
    Const(Value),
    /// Any value.
    Wild,
    /// A tuple of patterns.
    Tuple(Vec<Pattern>),
}

/// What an expression may read: the variable slots and, for properties, a marking.
pub struct Env<'a> {
    /// Variable slots (transition variables, then quantifier variables).
    pub slots: &'a mut Vec<Value>,
    /// The marking, for `count`, `in` and quantifiers.
    pub marking: Option<&'a Marking>,
    /// The values [`Code::Cached`] keeps, by number (`None`: not computed
    /// since last forgotten).
    kept: Vec<Option<Value>>,
    /// The places read since [`Env::take_reads`] was last called, as bits
    /// (see [`place_bit`]).
    reads: u128,
}

/// The bit standing for `place` in a set of places read: places past the
/// 127th share the last bit, so a set may say more was read, never less.
pub(crate) fn place_bit(place: PlaceId) -> u128 {
    1u128 << place.min(127)
}

impl<'a> Env<'a> {
    /// An environment with these slots and, for a property, this marking.
    pub fn new(slots: &'a mut Vec<Value>, marking: Option<&'a Marking>) -> Self {
        Env {
            slots,
            marking,
            kept: Vec::new(),
            reads: 0,
        }
    }

    /// The places read since the last call (see [`place_bit`]), forgotten.
    pub(crate) fn take_reads(&mut self) -> u128 {
        std::mem::take(&mut self.reads)
    }

    /// The tokens of `place`, noted as read.
    fn read_place(&mut self, place: PlaceId) -> Result<&'a Multiset, EvalError> {
        self.reads |= place_bit(place);
        Ok(&marking_of(self)?.places[place])
    }

    /// Forgets the kept values numbered `numbers`.
    pub(crate) fn forget(&mut self, numbers: &[usize]) {
        for &n in numbers {
            if let Some(kept) = self.kept.get_mut(n) {
                *kept = None;
            }
        }
    }

    /// The value kept under `number`, computed by `compute` unless kept.
    fn kept_or(
        &mut self,
        number: usize,
        compute: impl FnOnce(&mut Self) -> Result<Value, EvalError>,
    ) -> Result<Value, EvalError> {
        if let Some(Some(value)) = self.kept.get(number) {
            return Ok(value.clone());
        }
        let value = compute(self)?;
        if self.kept.len() <= number {
            self.kept.resize(number + 1, None);
        }
        self.kept[number] = Some(value.clone());
        Ok(value)
    }
}

fn shape(expected: &'static str, found: &Value) -> EvalError {
    EvalError::Shape {
        expected,
        found: found.to_string(),
    }
}

fn int(v: Value) -> Result<i64, EvalError> {
    v.as_int().ok_or_else(|| shape("an integer", &v))
}

fn boolean(v: Value) -> Result<bool, EvalError> {
    v.as_bool().ok_or_else(|| shape("a boolean", &v))
}

impl Code {
    /// Appends the conjuncts of a conjunction, left to right (`a && (b && c)`
    /// gives `a`, `b`, `c`; any other expression is its own single
    /// conjunct). They bind no variable of each other: only quantifiers
    /// bind, and a quantifier is a conjunct whole.
    pub fn conjuncts<'a>(&'a self, out: &mut Vec<&'a Code>) {
        match self {
            Code::And(a, b) => {
                a.conjuncts(out);
                b.conjuncts(out);
            }
            other => out.push(other),
        }
    }

    /// [`Code::conjuncts`], owned.
    pub fn into_conjuncts(self, out: &mut Vec<Code>) {
        let mut parts = Vec::new();
        self.conjuncts(&mut parts);
        out.extend(parts.into_iter().cloned());
    }

    /// Calls `f` on each direct sub-expression (a quantifier's body, not
    /// its prefix).
    pub fn for_each_child<'a>(&'a self, mut f: impl FnMut(&'a Code)) {
        match self {
            Code::Const(_) | Code::Var(_) | Code::Count(_) => {}
            Code::Tuple(items) | Code::Call { args: items, .. } => items.iter().for_each(f),
            Code::Field(c, _)
            | Code::Neg(c, _)
            | Code::Not(c)
            | Code::CountOf(_, c)
            | Code::Cached(_, c)
            | Code::Forget(_, c)
            | Code::Quantifier { body: c, .. }
            | Code::Sum { body: c, .. } => f(c),
            Code::Arith(_, a, b, _)
            | Code::Cmp(_, a, b)
            | Code::And(a, b)
            | Code::Or(a, b)
            | Code::Implies(a, b) => {
                f(a);
                f(b);
            }
            Code::If(c, a, b) => {
                f(c);
                f(a);
                f(b);
            }
        }
    }

    /// The expression with each direct sub-expression replaced by `f` of it
    /// (a quantifier's body, not its prefix).
    pub fn map_children(self, mut f: impl FnMut(Code) -> Code) -> Code {
        let mut boxed = |c: Box<Code>| Box::new(f(*c));
        match self {
            Code::Const(_) | Code::Var(_) | Code::Count(_) => self,
            Code::Tuple(items) => {
                Code::Tuple(items.into_iter().map(|c| *boxed(Box::new(c))).collect())
            }
            Code::Call {
                site,
                function,
                args,
                returns,
            } => Code::Call {
                site,
                function,
                args: args.into_iter().map(|c| *boxed(Box::new(c))).collect(),
                returns,
            },
            Code::Field(c, i) => Code::Field(boxed(c), i),
            Code::Neg(c, pos) => Code::Neg(boxed(c), pos),
            Code::Not(c) => Code::Not(boxed(c)),
            Code::CountOf(p, c) => Code::CountOf(p, boxed(c)),
            Code::Cached(n, c) => Code::Cached(n, boxed(c)),
            Code::Forget(ns, c) => Code::Forget(ns, boxed(c)),
            Code::Arith(op, a, b, pos) => {
                let a = boxed(a);
                Code::Arith(op, a, boxed(b), pos)
            }
            Code::Cmp(op, a, b) => {
                let a = boxed(a);
                Code::Cmp(op, a, boxed(b))
            }
            Code::And(a, b) => {
                let a = boxed(a);
                Code::And(a, boxed(b))
            }
            Code::Or(a, b) => {
                let a = boxed(a);
                Code::Or(a, boxed(b))
            }
            Code::Implies(a, b) => {
                let a = boxed(a);
                Code::Implies(a, boxed(b))
            }
            Code::If(c, a, b) => {
                let c = boxed(c);
                let a = boxed(a);
                Code::If(c, a, boxed(b))
            }
            Code::Quantifier {
                forall,
                place,
                pattern,
                prefix,
                body,
            } => Code::Quantifier {
                forall,
                place,
                pattern,
                prefix,
                body: boxed(body),
            },
            Code::Sum {
                place,
                pattern,
                body,
                pos,
            } => Code::Sum {
                place,
                pattern,
                body: boxed(body),
                pos,
            },
        }
    }

    /// Appends the variable slots the expression reads (with repeats).
    pub fn read_slots(&self, out: &mut Vec<usize>) {
        match self {
            Code::Var(s) => out.push(*s),
            other => other.for_each_child(|c| c.read_slots(out)),
        }
    }

    /// The value of a constant, a variable or a field of one, borrowed
    /// rather than cloned; `None` for any other expression (and for a field
    /// of a value that is not a tuple with that field, which [`Code::eval`]
    /// reports).
    fn borrowed<'a>(&'a self, slots: &'a [Value]) -> Option<&'a Value> {
        match self {
            Code::Const(value) => Some(value),
            Code::Var(slot) => slots.get(*slot),
            Code::Field(e, i) => match e.borrowed(slots)? {
                Value::Tuple(items) => items.get(*i),
                _ => None,
            },
            _ => None,
        }
    }

    /// Evaluates the expression.
    pub fn eval(&self, env: &mut Env<'_>) -> Result<Value, EvalError> {
        Ok(match self {
            Code::Const(v) => v.clone(),
            Code::Var(slot) => env.slots[*slot].clone(),
            Code::Tuple(items) => {
                let mut vs = Vec::with_capacity(items.len());
                for item in items {
                    vs.push(item.eval(env)?);
                }
                Value::tuple(vs)
            }
            Code::Field(e, i) => match self.borrowed(env.slots) {
                Some(value) => value.clone(),
                None => match e.eval(env)? {
                    Value::Tuple(items) if *i < items.len() => items[*i].clone(),
                    other => return Err(shape("a tuple with that field", &other)),
                },
            },
            Code::Neg(e, pos) => Value::Int(
                int(e.eval(env)?)?
                    .checked_neg()
                    .ok_or_else(|| EvalError::Overflow.at(*pos))?,
            ),
            Code::Arith(op, a, b, pos) => {
                let (x, y) = (int(a.eval(env)?)?, int(b.eval(env)?)?);
                let r = match op {
                    ArithOp::Add => x.checked_add(y),
                    ArithOp::Sub => x.checked_sub(y),
                    ArithOp::Mul => x.checked_mul(y),
                    ArithOp::Div | ArithOp::Rem if y == 0 => {
                        return Err(EvalError::DivisionByZero.at(*pos));
                    }
                    ArithOp::Div => x.checked_div(y),
                    ArithOp::Rem => x.checked_rem_euclid(y),
                };
                Value::Int(r.ok_or_else(|| EvalError::Overflow.at(*pos))?)
            }
            Code::Cmp(op @ (CmpOp::Eq | CmpOp::Ne), a, b)
                if let (Some(x), Some(y)) = (a.borrowed(env.slots), b.borrowed(env.slots)) =>
            {
                // Variables, constants and their fields compared in place.
                Value::Bool((x == y) == (*op == CmpOp::Eq))
            }
            Code::Cmp(op, a, b) => {
                let (x, y) = (a.eval(env)?, b.eval(env)?);
                Value::Bool(match op {
                    CmpOp::Eq => x == y,
                    CmpOp::Ne => x != y,
                    CmpOp::Lt => int(x)? < int(y)?,
                    CmpOp::Le => int(x)? <= int(y)?,
                    CmpOp::Gt => int(x)? > int(y)?,
                    CmpOp::Ge => int(x)? >= int(y)?,
                })
            }
            Code::Not(_)
            | Code::And(..)
            | Code::Or(..)
            | Code::Implies(..)
            | Code::Quantifier { .. } => Value::Bool(self.holds(env)?),
            Code::Forget(numbers, e) => {
                // The body of a sum is an integer: evaluated, not judged.
                env.forget(numbers);
                e.eval(env)?
            }
            Code::Cached(number, code) => env.kept_or(*number, |env| code.eval(env))?,
            Code::If(c, a, b) => {
                if boolean(c.eval(env)?)? {
                    a.eval(env)?
                } else {
                    b.eval(env)?
                }
            }
            Code::Call {
                site,
                function,
                args,
                returns,
            } => {
                // The call's own failure is placed at the call (an
                // argument's keeps its own place).
                let failed = |e: FunctionError| EvalError::from(e).at(site.pos);
                let v = if args.len() <= INLINE_ARGS {
                    // On the stack: no allocation for a call's arguments.
                    let mut inline: [Value; INLINE_ARGS] =
                        std::array::from_fn(|_| Value::Bool(false));
                    for (slot, a) in inline.iter_mut().zip(args) {
                        *slot = a.eval(env)?;
                    }
                    function.call(&inline[..args.len()]).map_err(failed)?
                } else {
                    let values = args.iter().map(|a| a.eval(env));
                    (function.call(&values.collect::<Result<Vec<_>, _>>()?)).map_err(failed)?
                };
                if !returns.admits(&v) {
                    let bad = EvalError::BadResult {
                        function: site.name.to_string(),
                        value: v.to_string(),
                        expected: returns.to_string(),
                    };
                    return Err(bad.at(site.pos));
                }
                v
            }
            Code::Count(p) => {
                Value::Int(env.read_place(*p)?.total().try_into().unwrap_or(i64::MAX))
            }
            Code::CountOf(p, e) => {
                let tokens = env.read_place(*p)?;
                let count = match &**e {
                    // The tuple is built only to be looked up.
                    Code::Tuple(items) => {
                        tokens.count(LookupTuple::new(items.len(), |i| items[i].eval(env))?.value())
                    }
                    e => tokens.count(&e.eval(env)?),
                };
                Value::Int(i64::from(count))
            }
            Code::Sum {
                place,
                pattern,
                body,
                pos,
            } => Value::Int(sum(env, *place, pattern, body, *pos)?),
        })
    }

    /// Adds to `places` every place the expression reads (through `count`,
    /// `in` or a quantifier): its value depends on the marking of these alone.
    pub fn places_read(&self, places: &mut Vec<PlaceId>) {
        match self {
            Code::Count(p)
            | Code::CountOf(p, _)
            | Code::Quantifier { place: p, .. }
            | Code::Sum { place: p, .. } => places.push(*p),
            _ => {}
        }
        self.for_each_child(|c| c.places_read(places));
    }

    /// Evaluates a boolean expression. Connectives and quantifiers are
    /// evaluated here, as booleans, without building a [`Value`] for each
    /// step (properties are mostly made of them).
    pub fn holds(&self, env: &mut Env<'_>) -> Result<bool, EvalError> {
        match self {
            Code::And(a, b) => Ok(a.holds(env)? && b.holds(env)?),
            Code::Or(a, b) => Ok(a.holds(env)? || b.holds(env)?),
            Code::Implies(a, b) => Ok(!a.holds(env)? || b.holds(env)?),
            Code::Not(e) => Ok(!e.holds(env)?),
            Code::Quantifier {
                forall,
                place,
                pattern,
                prefix,
                body,
            } => quantify(env, *forall, *place, pattern, prefix, |env, _| {
                body.holds(env)
            }),
            Code::Forget(numbers, e) => {
                env.forget(numbers);
                e.holds(env)
            }
            _ => boolean(self.eval(env)?),
        }
    }
}

/// The marking a property reads (an error in a guard or an arc).
pub(crate) fn marking_of<'a>(env: &Env<'a>) -> Result<&'a Marking, EvalError> {
    env.marking.ok_or(EvalError::Shape {
        expected: "a marking (place contents are readable in properties only)",
        found: String::new(),
    })
}

/// Whether `forall` (else `exists`) `pattern in place: body` holds: `body`
/// decides for each token (given with it) of the place that `pattern` matches (binding its
/// variables in `env`), in canonical order, until one settles the answer.
/// Only the tokens whose leading components are the values of `prefix` are
/// visited (all of them when it is empty; see [`super::prefix`]).
pub(crate) fn quantify(
    env: &mut Env<'_>,
    forall: bool,
    place: PlaceId,
    pattern: &Pattern,
    prefix: &[Code],
    mut body: impl FnMut(&mut Env<'_>, &Value) -> Result<bool, EvalError>,
) -> Result<bool, EvalError> {
    // Nested quantifiers multiply: a formula's evaluation counts against the
    // run's time and memory limits like the search for successors.
    crate::budget::tick()?;
    let tokens = env.read_place(place)?;
    // Two loops: one range walk for both cases (from `false`, the least
    // value, when there is no prefix) cost `roles=3` 3-5% more CPU.
    if prefix.is_empty() {
        for (token, _) in tokens.iter() {
            if pattern.matches(token, env.slots) && body(env, token)? != forall {
                return Ok(!forall);
            }
        }
        return Ok(forall);
    }
    let start = LookupTuple::new(prefix.len(), |i| prefix[i].eval(env))?;
    // A tuple is ordered after its prefixes and before anything greater.
    for (token, _) in tokens
        .iter_from(start.value())
        .take_while(|(t, _)| start.leads(t))
    {
        if pattern.matches(token, env.slots) && body(env, token)? != forall {
            return Ok(!forall);
        }
    }
    Ok(forall)
}

/// The sum of `body` over the tokens of `place` that `pattern` matches
/// (binding its variables in `env`), each counted with its multiplicity;
/// an overflow is reported at `pos`.
fn sum(
    env: &mut Env<'_>,
    place: PlaceId,
    pattern: &Pattern,
    body: &Code,
    pos: Pos,
) -> Result<i64, EvalError> {
    crate::budget::tick()?;
    let overflow = || EvalError::Overflow.at(pos);
    let mut total: i64 = 0;
    for (token, count) in env.read_place(place)?.iter() {
        if pattern.matches(token, env.slots) {
            let term = int(body.eval(env)?)?.checked_mul(i64::from(count));
            total = total
                .checked_add(term.ok_or_else(overflow)?)
                .ok_or_else(overflow)?;
        }
    }
    Ok(total)
}

impl Pattern {
    /// How many leading components of a tuple pattern are known before
    /// matching (constants and variables already bound).
    pub fn fixed_prefix(&self) -> usize {
        match self {
            Pattern::Tuple(items) => items
                .iter()
                .take_while(|i| matches!(i, Pattern::Const(_) | Pattern::Check(_)))
                .count(),
            _ => 0,
        }
    }

    /// Matches `value`, writing `Bind` slots; `false` if it does not match
    /// (slots written by a failed match are garbage and must not be read).
    pub fn matches(&self, value: &Value, slots: &mut [Value]) -> bool {
        match self {
            Pattern::Bind(s) => {
                slots[*s] = value.clone();
                true
            }
            Pattern::Check(s) => slots[*s] == *value,
            Pattern::Const(c) => c == value,
            Pattern::Wild => true,
            Pattern::Tuple(ps) => match value {
                Value::Tuple(items) if items.len() == ps.len() => ps
                    .iter()
                    .zip(items.iter())
                    .all(|(p, v)| p.matches(v, slots)),
                _ => false,
            },
        }
    }

    /// Appends the slots the pattern binds.
    pub fn bound_slots(&self, out: &mut Vec<usize>) {
        match self {
            Pattern::Bind(s) => out.push(*s),
            Pattern::Tuple(ps) => ps.iter().for_each(|p| p.bound_slots(out)),
            Pattern::Check(_) | Pattern::Const(_) | Pattern::Wild => {}
        }
    }

    /// Whether the pattern has a wildcard `_` somewhere.
    pub fn has_wildcard(&self) -> bool {
        match self {
            Pattern::Wild => true,
            Pattern::Tuple(ps) => ps.iter().any(Pattern::has_wildcard),
            Pattern::Bind(_) | Pattern::Check(_) | Pattern::Const(_) => false,
        }
    }

    /// The value of a pattern without `Bind` or `Wild` parts, under the slots.
    pub fn determined_value(&self, slots: &[Value]) -> Option<Value> {
        match self {
            Pattern::Check(s) => Some(slots[*s].clone()),
            Pattern::Const(c) => Some(c.clone()),
            Pattern::Bind(_) | Pattern::Wild => None,
            Pattern::Tuple(ps) => ps
                .iter()
                .map(|p| p.determined_value(slots))
                .collect::<Option<Vec<_>>>()
                .map(Value::tuple),
        }
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Code::Const(v) => write!(f, "{v}"),
            Code::Var(s) => write!(f, "${s}"),
            Code::Call { site, args, .. } => write!(f, "{}{args:?}", site.name),
            _ => write!(f, "<expr>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A position on `line`.
    fn pos(line: usize) -> Pos {
        Pos { line, col: 3 }
    }

    #[test]
    fn an_error_in_a_property_names_it_once_and_a_stop_stays_a_stop() {
        let named = EvalError::DivisionByZero.in_property("p");
        assert_eq!(named.to_string(), "in property `p`: division by zero");
        assert_eq!(named.site(), Some(Site::Property("p")));
        assert_eq!(named.clone().in_property("q"), named);
        let stop = EvalError::Stopped(crate::budget::Exhausted::Time);
        assert_eq!(stop.clone().in_property("p"), stop);
        assert_eq!(stop.site(), None);
        let in_transition = EvalError::InTransition {
            transition: "t".into(),
            source: Box::new(EvalError::Overflow),
        };
        assert_eq!(in_transition.site(), Some(Site::Transition("t")));
        assert_eq!(in_transition.clone().in_property("p"), in_transition);
        assert_eq!(in_transition.position(), None);
    }

    #[test]
    fn an_error_placed_at_an_expression_keeps_its_first_place_and_its_message() {
        let placed = EvalError::DivisionByZero.at(pos(7));
        assert_eq!(placed.to_string(), "division by zero");
        assert_eq!(placed.clone().at(pos(9)).position(), Some(pos(7)));
        let named = EvalError::InTransition {
            transition: "t".into(),
            source: Box::new(placed),
        };
        assert_eq!(named.to_string(), "in transition `t`: division by zero");
        assert_eq!(named.position(), Some(pos(7)));
        let stop = EvalError::Stopped(crate::budget::Exhausted::Memory);
        assert_eq!(stop.clone().at(pos(7)), stop);
    }

    #[test]
    fn comparisons_in_place_agree_with_evaluation() {
        let pair = Value::tuple(vec![Value::Int(1), Value::Sym("a".into())]);
        let mut slots = vec![pair, Value::Int(1)];
        let mut env = Env::new(&mut slots, None);
        let field = |slot, i| Code::Field(Box::new(Code::Var(slot)), i);
        let cmp = |op, a, b| Code::Cmp(op, Box::new(a), Box::new(b));
        let sym_a = Code::Const(Value::Sym("a".into()));
        let eq = cmp(CmpOp::Eq, field(0, 0), Code::Var(1));
        assert!(matches!(eq.eval(&mut env), Ok(Value::Bool(true))));
        let ne = cmp(CmpOp::Ne, field(0, 1), sym_a.clone());
        assert!(matches!(ne.eval(&mut env), Ok(Value::Bool(false))));
        assert!(matches!(field(0, 1).eval(&mut env), Ok(Value::Sym(s)) if &*s == "a"));
        // A field of a non-tuple, or beyond the tuple, is still a shape error,
        // inside a comparison too.
        for bad in [field(1, 0), field(0, 2)] {
            assert!(matches!(bad.eval(&mut env), Err(EvalError::Shape { .. })));
            let compared = cmp(CmpOp::Eq, bad, sym_a.clone());
            assert!(matches!(
                compared.eval(&mut env),
                Err(EvalError::Shape { .. })
            ));
        }
    }

    #[test]
    fn arithmetic_errors_are_values_not_panics() {
        let mut slots = vec![];
        let mut env = Env::new(&mut slots, None);
        let div = Code::Arith(
            ArithOp::Div,
            Box::new(Code::Const(Value::Int(1))),
            Box::new(Code::Const(Value::Int(0))),
            pos(3),
        );
        // The error carries the operator's position.
        assert_eq!(
            div.eval(&mut env),
            Err(EvalError::DivisionByZero.at(pos(3)))
        );
        let rem = Code::Arith(
            ArithOp::Rem,
            Box::new(Code::Const(Value::Int(-1))),
            Box::new(Code::Const(Value::Int(3))),
            pos(5),
        );
        assert_eq!(rem.eval(&mut env), Ok(Value::Int(2)));
        let ovf = Code::Neg(Box::new(Code::Const(Value::Int(i64::MIN))), pos(6));
        assert_eq!(ovf.eval(&mut env), Err(EvalError::Overflow.at(pos(6))));
    }

    #[test]
    fn connectives_hold_as_they_evaluate() {
        let mut slots = vec![];
        let mut env = Env::new(&mut slots, None);
        let t = || Code::Const(Value::Bool(true));
        let f = || Code::Const(Value::Bool(false));
        let boom = || {
            Code::Arith(
                ArithOp::Div,
                Box::new(Code::Const(Value::Int(1))),
                Box::new(Code::Const(Value::Int(0))),
                pos(1),
            )
        };
        let not_bool = || Code::Const(Value::Int(3));
        let and = |a, b| Code::And(Box::new(a), Box::new(b));
        let or = |a, b| Code::Or(Box::new(a), Box::new(b));
        let implies = |a, b| Code::Implies(Box::new(a), Box::new(b));
        let not = |a| Code::Not(Box::new(a));
        let cases = [
            (and(f(), boom()), Ok(false)),
            (and(t(), boom()), Err(EvalError::DivisionByZero.at(pos(1)))),
            (or(t(), boom()), Ok(true)),
            (or(f(), f()), Ok(false)),
            (implies(f(), boom()), Ok(true)),
            (implies(t(), f()), Ok(false)),
            (not(and(t(), t())), Ok(false)),
            (not(not_bool()), Err(shape("a boolean", &Value::Int(3)))),
            (
                and(t(), not_bool()),
                Err(shape("a boolean", &Value::Int(3))),
            ),
        ];
        for (code, expected) in cases {
            assert_eq!(code.holds(&mut env), expected);
            assert_eq!(code.eval(&mut env), expected.map(Value::Bool));
        }
    }

    #[test]
    fn calls_get_their_arguments_in_order_on_the_stack_or_not() {
        let sum = |args: &[Value]| -> Result<Value, FunctionError> {
            let weighted = (args.iter().enumerate())
                .map(|(i, a)| (i as i64 + 1) * a.as_int().unwrap_or(0))
                .sum();
            Ok(Value::Int(weighted))
        };
        let call = |n: i64| Code::Call {
            site: CallSite::new("sum", pos(1)),
            function: Arc::new(sum),
            args: (0..n)
                .map(|i| Code::Const(Value::Int(10_i64.pow(i as u32))))
                .collect(),
            returns: Ty::Int,
        };
        let mut slots = vec![];
        let mut env = Env::new(&mut slots, None);
        // 1*1 + 2*10 + ...: the arguments' order shows in the digits.
        for (n, expected) in [(0, 0), (2, 21), (4, 4321), (6, 654321)] {
            assert_eq!(
                call(n).eval(&mut env),
                Ok(Value::Int(expected)),
                "{n} arguments"
            );
        }
        let failing = Code::Call {
            site: CallSite::new("sum", pos(1)),
            function: Arc::new(sum),
            args: vec![Code::Neg(
                Box::new(Code::Const(Value::Int(i64::MIN))),
                pos(2),
            )],
            returns: Ty::Int,
        };
        assert_eq!(failing.eval(&mut env), Err(EvalError::Overflow.at(pos(2))));
    }

    #[test]
    fn patterns_bind_and_check() {
        let p = Pattern::Tuple(vec![Pattern::Bind(0), Pattern::Check(0), Pattern::Wild]);
        let mut slots = vec![Value::Int(0)];
        assert!(p.matches(
            &Value::tuple([Value::Int(4), Value::Int(4), Value::Bool(true)]),
            &mut slots
        ));
        assert_eq!(slots[0], Value::Int(4));
        assert!(!p.matches(
            &Value::tuple([Value::Int(4), Value::Int(5), Value::Bool(true)]),
            &mut slots
        ));
        assert!(!p.matches(&Value::Int(4), &mut slots));
        let q = Pattern::Tuple(vec![Pattern::Check(0), Pattern::Const(Value::sym("a"))]);
        assert_eq!(
            q.determined_value(&[Value::Int(1)]).map(|v| v.to_string()),
            Some("(1, a)".into())
        );
    }
}
