//! Function calls computed once per binding of the variables they read.
//!
//! A property quantifies over tokens and calls the host's functions in its
//! innermost bodies. In `forall (u1, p, k1) in UserKnows: forall (u2, pb, k2)
//! in UserKnows: forall (q, key) in Uploads: !derivable(merge(merge(ki, k1),
//! k2), key) && !derivable(merge(merge(ki, k1), k2), plain(q))`, the merged
//! knowledge depends on the pair alone, yet is computed twice per upload. Net
//! functions are deterministic ([`crate::net::functions::NetFunction`]), so a
//! call's value can be kept: this pass wraps each call worth keeping in
//! [`Code::Cached`] and forgets the kept value ([`Code::Forget`]) where the
//! variables it reads are bound anew: at each token of the innermost
//! quantifier binding one of them or, for a call reading none, each time the
//! outermost quantifier around it is evaluated. A call is worth keeping when
//! a quantifier lies between it and that point (it would be computed once
//! per token of that quantifier), or when the same call occurs twice there.
//!
//! A kept call is still computed where it is written, the first time
//! evaluation reaches it, so what short-circuits and what fails is what it
//! was. Calls that read the marking in their arguments (a quantifier, a
//! count, a membership test), and calls outside every quantifier, are left
//! as they are: a kept value must depend on the variables alone, as the
//! evaluation beside a parent marking (`crate::net::settled`) notes the
//! places an evaluation reads.

use std::sync::Arc;

use crate::net::code::{Code, Pattern};

/// Where the kept value of a call is forgotten.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Point {
    /// At each token of the quantifier with this number.
    EachToken(usize),
    /// Each time the quantifier with this number is evaluated.
    Entry(usize),
}

/// A quantifier around the expression being looked at (a sum binds its
/// pattern's variables token by token as a quantifier does, and counts as
/// one here).
struct Frame {
    /// Its number: quantifiers are numbered in the order the pass meets them.
    number: usize,
    /// The slots its pattern binds.
    binds: Vec<usize>,
}

impl Frame {
    fn new(number: usize, pattern: &Pattern) -> Frame {
        let mut binds = Vec::new();
        pattern.bound_slots(&mut binds);
        Frame { number, binds }
    }
}

/// A call met at a point, with how often.
struct Occurrence {
    point: Point,
    call: Code,
    uses: usize,
    /// Whether a quantifier lies between the call and its point.
    across: bool,
}

impl Occurrence {
    fn worth_keeping(&self) -> bool {
        self.across || self.uses > 1
    }
}

/// `code` with its calls worth keeping kept (see the module's documentation).
pub(super) fn keep_calls(code: Code) -> Code {
    let mut survey = Survey::default();
    survey.visit(&code, &mut Vec::new());
    let mut numbers = Vec::new();
    let mut next = 0;
    for occurrence in &survey.occurrences {
        numbers.push(occurrence.worth_keeping().then(|| {
            next += 1;
            next - 1
        }));
    }
    if next == 0 {
        return code;
    }
    Rewrite {
        occurrences: &survey.occurrences,
        numbers: &numbers,
        quantifiers: 0,
    }
    .visit(code, &mut Vec::new())
}

/// The first pass: every call that could be kept, by point.
#[derive(Default)]
struct Survey {
    occurrences: Vec<Occurrence>,
    quantifiers: usize,
}

impl Survey {
    fn visit(&mut self, code: &Code, stack: &mut Vec<Frame>) {
        match code {
            Code::Quantifier { pattern, body, .. } | Code::Sum { pattern, body, .. } => {
                stack.push(Frame::new(self.quantifiers, pattern));
                self.quantifiers += 1;
                self.visit(body, stack);
                stack.pop();
            }
            Code::Call { args, .. } => {
                if let Some((point, across)) = point_of(code, stack) {
                    match self
                        .occurrences
                        .iter_mut()
                        .find(|o| o.point == point && same(&o.call, code))
                    {
                        Some(o) => {
                            o.uses += 1;
                            o.across |= across;
                        }
                        None => self.occurrences.push(Occurrence {
                            point,
                            call: code.clone(),
                            uses: 1,
                            across,
                        }),
                    }
                }
                args.iter().for_each(|a| self.visit(a, stack));
            }
            other => other.for_each_child(|c| self.visit(c, stack)),
        }
    }
}

/// The second pass: the calls worth keeping wrapped, and the points where
/// they are forgotten marked.
struct Rewrite<'a> {
    occurrences: &'a [Occurrence],
    /// Per occurrence, its number among the kept values if it is kept.
    numbers: &'a [Option<usize>],
    quantifiers: usize,
}

impl Rewrite<'_> {
    fn visit(&mut self, code: Code, stack: &mut Vec<Frame>) -> Code {
        match code {
            Code::Quantifier { ref pattern, .. } | Code::Sum { ref pattern, .. } => {
                let number = self.quantifiers;
                self.quantifiers += 1;
                stack.push(Frame::new(number, pattern));
                let quantifier = code.map_children(|body| {
                    let body = self.visit(body, stack);
                    self.forgetting(Point::EachToken(number), body)
                });
                stack.pop();
                self.forgetting(Point::Entry(number), quantifier)
            }
            Code::Call { .. } => {
                let kept = point_of(&code, stack).and_then(|(point, _)| {
                    let i = self
                        .occurrences
                        .iter()
                        .position(|o| o.point == point && same(&o.call, &code))?;
                    self.numbers[i]
                });
                let code = code.map_children(|c| self.visit(c, stack));
                match kept {
                    Some(number) => Code::Cached(number, Box::new(code)),
                    None => code,
                }
            }
            other => other.map_children(|c| self.visit(c, stack)),
        }
    }

    /// `code` preceded by forgetting the values kept until `point`, if any.
    fn forgetting(&self, point: Point, code: Code) -> Code {
        let numbers: Vec<usize> = (self.occurrences.iter().zip(self.numbers))
            .filter(|(o, _)| o.point == point)
            .filter_map(|(_, n)| *n)
            .collect();
        if numbers.is_empty() {
            code
        } else {
            Code::Forget(numbers, Box::new(code))
        }
    }
}

/// Where a call's kept value would be forgotten, and whether a quantifier
/// lies between the call and that point; `None` for a call outside every
/// quantifier or reading the marking.
fn point_of(call: &Code, stack: &[Frame]) -> Option<(Point, bool)> {
    let innermost = stack.last()?;
    if reads_marking(call) {
        return None;
    }
    let mut read = Vec::new();
    call.read_slots(&mut read);
    Some(
        match stack
            .iter()
            .rev()
            .find(|f| f.binds.iter().any(|s| read.contains(s)))
        {
            Some(frame) => (
                Point::EachToken(frame.number),
                frame.number != innermost.number,
            ),
            None => (Point::Entry(stack[0].number), true),
        },
    )
}

fn reads_marking(code: &Code) -> bool {
    let mut found = matches!(
        code,
        Code::Quantifier { .. } | Code::Sum { .. } | Code::Count(_) | Code::CountOf(..)
    );
    code.for_each_child(|c| found |= reads_marking(c));
    found
}

/// Whether two expressions are the same expression (calls of the same
/// implementation on the same arguments). Conservative: quantifiers are
/// never the same.
fn same(a: &Code, b: &Code) -> bool {
    let all =
        |x: &[Code], y: &[Code]| x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y));
    match (a, b) {
        (Code::Const(x), Code::Const(y)) => x == y,
        (Code::Var(x), Code::Var(y)) | (Code::Count(x), Code::Count(y)) => x == y,
        (Code::Tuple(x), Code::Tuple(y)) => all(x, y),
        (Code::Field(x, i), Code::Field(y, j)) => i == j && same(x, y),
        (Code::Neg(x, _), Code::Neg(y, _)) | (Code::Not(x), Code::Not(y)) => same(x, y),
        (Code::CountOf(p, x), Code::CountOf(q, y)) => p == q && same(x, y),
        (Code::Arith(o, a1, a2, _), Code::Arith(p, b1, b2, _)) => {
            o == p && same(a1, b1) && same(a2, b2)
        }
        (Code::Cmp(o, a1, a2), Code::Cmp(p, b1, b2)) => o == p && same(a1, b1) && same(a2, b2),
        (Code::And(a1, a2), Code::And(b1, b2))
        | (Code::Or(a1, a2), Code::Or(b1, b2))
        | (Code::Implies(a1, a2), Code::Implies(b1, b2)) => same(a1, b1) && same(a2, b2),
        (Code::If(a1, a2, a3), Code::If(b1, b2, b3)) => {
            same(a1, b1) && same(a2, b2) && same(a3, b3)
        }
        (
            Code::Call {
                function: f,
                args: x,
                ..
            },
            Code::Call {
                function: g,
                args: y,
                ..
            },
        ) => Arc::ptr_eq(f, g) && all(x, y),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use proptest::prelude::*;

    use super::*;
    use crate::net::code::{CmpOp, Env, EvalError, Pattern};
    use crate::net::functions::FunctionError;
    use crate::net::marking::{Marking, Multiset};
    use crate::net::types::Ty;
    use crate::net::value::Value;

    /// `f(a, b) = (3a + b) mod 7`, failing on `a = 6`, counting its calls.
    fn counting_f(calls: Arc<AtomicUsize>) -> Code {
        let function = move |args: &[Value]| -> Result<Value, FunctionError> {
            calls.fetch_add(1, Ordering::Relaxed);
            let (a, b) = (args[0].as_int().unwrap_or(0), args[1].as_int().unwrap_or(0));
            if a == 6 {
                return Err(FunctionError::Failed {
                    function: "f".into(),
                    reason: "six".into(),
                });
            }
            Ok(Value::Int((3 * a + b).rem_euclid(7)))
        };
        Code::Call {
            site: crate::net::code::CallSite::new("f", crate::net::pos::Pos { line: 1, col: 1 }),
            function: Arc::new(function),
            args: Vec::new(),
            returns: Ty::Int,
        }
    }

    fn call(f: &Code, a: Code, b: Code) -> Code {
        let Code::Call {
            site,
            function,
            returns,
            ..
        } = f
        else {
            unreachable!()
        };
        Code::Call {
            site: site.clone(),
            function: function.clone(),
            args: vec![a, b],
            returns: returns.clone(),
        }
    }

    fn forall(slot: usize, place: usize, body: Code) -> Code {
        quantifier(true, slot, place, body)
    }

    fn quantifier(forall: bool, slot: usize, place: usize, body: Code) -> Code {
        Code::Quantifier {
            forall,
            place,
            pattern: Pattern::Bind(slot),
            prefix: Vec::new(),
            body: Box::new(body),
        }
    }

    fn cmp(op: CmpOp, a: Code, b: Code) -> Code {
        Code::Cmp(op, Box::new(a), Box::new(b))
    }

    fn int(n: i64) -> Code {
        Code::Const(Value::Int(n))
    }

    fn marking(places: &[Vec<i64>]) -> Marking {
        let places = places
            .iter()
            .map(|tokens| {
                let mut m = Multiset::new();
                for &t in tokens {
                    m.add(Value::Int(t), 1);
                }
                m
            })
            .collect();
        Marking { places }
    }

    fn holds(code: &Code, marking: &Marking, slots: usize) -> Result<bool, EvalError> {
        let mut values = vec![Value::Int(0); slots];
        code.holds(&mut Env::new(&mut values, Some(marking)))
    }

    #[test]
    fn a_call_reading_outer_variables_is_computed_once_per_their_binding() {
        let calls = Arc::new(AtomicUsize::new(0));
        let f = counting_f(calls.clone());
        // forall x in P0: forall y in P1: f(x, 1) != f(x, 1) + y, which holds
        // for y != 0: f(x, 1) is computed per x, not per (x, y) and twice.
        let fx = || call(&f, Code::Var(0), int(1));
        let sum = Code::Arith(
            crate::net::code::ArithOp::Add,
            Box::new(fx()),
            Box::new(Code::Var(1)),
            crate::net::pos::Pos { line: 1, col: 1 },
        );
        let formula = forall(0, 0, forall(1, 1, cmp(CmpOp::Ne, fx(), sum)));
        let m = marking(&[vec![0, 1, 2], vec![1, 2, 3, 4]]);
        assert_eq!(holds(&formula, &m, 2), Ok(true));
        assert_eq!(calls.swap(0, Ordering::Relaxed), 24);
        let kept = keep_calls(formula);
        assert_eq!(holds(&kept, &m, 2), Ok(true));
        assert_eq!(calls.swap(0, Ordering::Relaxed), 3);
        // Evaluated again (another marking, the same environment's values
        // forgotten at each quantifier): right again.
        let m = marking(&[vec![0, 2], vec![0, 5]]);
        assert_eq!(holds(&kept, &m, 2), Ok(false));
    }

    #[test]
    fn a_call_outside_every_quantifier_or_once_per_token_is_left_alone() {
        let f = counting_f(Arc::new(AtomicUsize::new(0)));
        let top = cmp(CmpOp::Eq, call(&f, int(1), int(2)), int(5));
        assert!(matches!(keep_calls(top), Code::Cmp(..)));
        let once = forall(0, 0, cmp(CmpOp::Eq, call(&f, Code::Var(0), int(2)), int(5)));
        let Code::Quantifier { body, .. } = keep_calls(once) else {
            panic!("a quantifier stays a quantifier")
        };
        assert!(matches!(*body, Code::Cmp(..)), "nothing to forget or keep");
    }

    #[test]
    fn a_call_reading_the_marking_is_left_alone() {
        // forall x in P0: forall y in P1: f(count(P1), y) == f(count(P1), y):
        // the call reads no variable of the outer quantifier and occurs
        // twice, yet reads a place, so its value is not kept.
        let f = counting_f(Arc::new(AtomicUsize::new(0)));
        let fc = || call(&f, Code::Count(1), Code::Var(1));
        let formula = forall(0, 0, forall(1, 1, cmp(CmpOp::Eq, fc(), fc())));
        fn cached(code: &Code) -> bool {
            let mut found = matches!(code, Code::Cached { .. });
            code.for_each_child(|c| found |= cached(c));
            found
        }
        assert!(!cached(&keep_calls(formula)));
        let by_variables = forall(
            0,
            0,
            forall(1, 1, cmp(CmpOp::Eq, call(&f, int(3), Code::Var(0)), int(5))),
        );
        assert!(
            cached(&keep_calls(by_variables)),
            "a call of variables alone is kept"
        );
    }

    /// A random formula over places 0 and 1 (integer tokens), quantifiers
    /// and sums binding slots 0, 1, 2 by depth, and calls of `f` on
    /// variables in scope, constants, sums and other calls.
    fn random_formula(f: &Code, seed: u64) -> Code {
        let mut state = seed;
        let mut next = move |n: u64| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) % n
        };
        fn term(f: &Code, depth: usize, fuel: u32, next: &mut dyn FnMut(u64) -> u64) -> Code {
            match next(if fuel == 0 { 2 } else { 4 }) {
                0 if depth > 0 => Code::Var(next(depth as u64) as usize),
                0 | 1 => int(next(7) as i64),
                // A sum binds the next slot token by token, as a quantifier does.
                3 if depth < 3 => Code::Sum {
                    place: next(2) as usize,
                    pattern: Pattern::Bind(depth),
                    body: Box::new(term(f, depth + 1, fuel - 1, next)),
                    pos: crate::net::pos::Pos { line: 1, col: 1 },
                },
                _ => call(
                    f,
                    term(f, depth, fuel - 1, next),
                    term(f, depth, fuel - 1, next),
                ),
            }
        }
        fn formula(f: &Code, depth: usize, fuel: u32, next: &mut dyn FnMut(u64) -> u64) -> Code {
            let boxed = |c: Code| Box::new(c);
            match next(if fuel == 0 { 1 } else { 6 }) {
                0 => cmp(
                    [CmpOp::Lt, CmpOp::Eq, CmpOp::Ne][next(3) as usize],
                    term(f, depth, 2, next),
                    term(f, depth, 2, next),
                ),
                1 | 2 if depth < 3 => quantifier(
                    next(2) == 0,
                    depth,
                    next(2) as usize,
                    formula(f, depth + 1, fuel - 1, next),
                ),
                3 => Code::And(
                    boxed(formula(f, depth, fuel - 1, next)),
                    boxed(formula(f, depth, fuel - 1, next)),
                ),
                4 => Code::Implies(
                    boxed(formula(f, depth, fuel - 1, next)),
                    boxed(formula(f, depth, fuel - 1, next)),
                ),
                _ => Code::Or(
                    boxed(Code::Not(boxed(formula(f, depth, fuel - 1, next)))),
                    boxed(formula(f, depth, fuel - 1, next)),
                ),
            }
        }
        formula(f, 0, 5, &mut next)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        #[test]
        fn kept_calls_give_the_same_verdict_and_errors_with_no_more_calls(
            seed in any::<u64>(),
            p0 in proptest::collection::vec(0i64..7, 0..4),
            p1 in proptest::collection::vec(0i64..7, 0..4),
        ) {
            let calls = Arc::new(AtomicUsize::new(0));
            let f = counting_f(calls.clone());
            let formula = random_formula(&f, seed);
            let m = marking(&[p0, p1]);
            let plain = holds(&formula, &m, 3);
            let plain_calls = calls.swap(0, Ordering::Relaxed);
            let kept = keep_calls(formula);
            prop_assert_eq!(holds(&kept, &m, 3), plain);
            prop_assert!(calls.load(Ordering::Relaxed) <= plain_calls);
        }
    }
}
