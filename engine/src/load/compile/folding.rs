//! Constant folding: what a compiled expression computes from constants
//! alone is computed once, at load.
//!
//! Parameters are constants once a net is loaded, and a net written for
//! several configurations tests them inside its properties: in
//! `!srs_colludes_with_users || forall ...` or `key_mode != hardened ||
//! forall ...` the whole quantifier is decided by the parameter, yet without
//! this pass it is evaluated at every marking. This pass evaluates each
//! operator whose operands are all constants (arithmetic, comparisons,
//! tuples, fields, negation, conditionals) and drops the sides of `&&`,
//! `||` and `=>` that a constant makes irrelevant, so that the evaluation
//! reads only what can change.
//!
//! Only what keeps the expression's outcome is folded: an operand that
//! short-circuiting would never evaluate may go, but one it evaluates stays
//! (`x && false` keeps `x`, which could fail), an operator whose evaluation
//! fails on its constants stays to fail at run time with its message, and
//! function calls are never computed here (a host function may be costly,
//! and a net loaded with real cryptography draws randomness).

use crate::net::code::{Code, Env};
use crate::net::value::Value;

/// `code` with its constant parts computed (see the module's documentation).
pub(super) fn fold_constants(code: Code) -> Code {
    match code {
        Code::And(a, b) => match (fold_constants(*a), fold_constants(*b)) {
            (f @ Code::Const(Value::Bool(false)), _) => f,
            (Code::Const(Value::Bool(true)), b) | (b, Code::Const(Value::Bool(true)))
                if is_boolean(&b) =>
            {
                b
            }
            (a, b) => Code::And(Box::new(a), Box::new(b)),
        },
        Code::Or(a, b) => match (fold_constants(*a), fold_constants(*b)) {
            (t @ Code::Const(Value::Bool(true)), _) => t,
            (Code::Const(Value::Bool(false)), b) | (b, Code::Const(Value::Bool(false)))
                if is_boolean(&b) =>
            {
                b
            }
            (a, b) => Code::Or(Box::new(a), Box::new(b)),
        },
        Code::Implies(a, b) => match (fold_constants(*a), fold_constants(*b)) {
            (Code::Const(Value::Bool(false)), _) => Code::Const(Value::Bool(true)),
            (Code::Const(Value::Bool(true)), b) if is_boolean(&b) => b,
            (a, Code::Const(Value::Bool(false))) => Code::Not(Box::new(a)),
            (a, b) => Code::Implies(Box::new(a), Box::new(b)),
        },
        Code::If(c, a, b) => match fold_constants(*c) {
            Code::Const(Value::Bool(true)) => fold_constants(*a),
            Code::Const(Value::Bool(false)) => fold_constants(*b),
            c => Code::If(
                Box::new(c),
                Box::new(fold_constants(*a)),
                Box::new(fold_constants(*b)),
            ),
        },
        Code::Quantifier { .. } => match code.map_children(fold_constants) {
            // `forall` with a true body, `exists` with a false one: the
            // answer whatever the place holds.
            Code::Quantifier { forall, body, .. } if matches!(*body, Code::Const(Value::Bool(b)) if b == forall) => {
                Code::Const(Value::Bool(forall))
            }
            quantifier => quantifier,
        },
        Code::Tuple(_)
        | Code::Field(..)
        | Code::Neg(..)
        | Code::Not(_)
        | Code::Arith(..)
        | Code::Cmp(..) => computed(code.map_children(fold_constants)),
        Code::Const(_)
        | Code::Var(_)
        | Code::Count(_)
        | Code::CountOf(..)
        | Code::Call { .. }
        | Code::Cached(..)
        | Code::Forget(..)
        | Code::Sum { .. } => code.map_children(fold_constants),
    }
}

/// Whether `code` can only evaluate to a boolean (or fail): a connective
/// may stand for it without the connective's own check that its operand is
/// a boolean. In a net that type-checks every operand of a connective is
/// one; the evaluator checks anyway, and so does this pass.
fn is_boolean(code: &Code) -> bool {
    matches!(
        code,
        Code::Const(Value::Bool(_))
            | Code::Not(_)
            | Code::Cmp(..)
            | Code::And(..)
            | Code::Or(..)
            | Code::Implies(..)
            | Code::Quantifier { .. }
    )
}

/// `code`, an operator over folded operands, as a constant when every
/// operand is one and its evaluation succeeds.
fn computed(code: Code) -> Code {
    let mut constant = true;
    code.for_each_child(|child| constant &= matches!(child, Code::Const(_)));
    if !constant {
        return code;
    }
    let mut slots = Vec::new();
    match code.eval(&mut Env::new(&mut slots, None)) {
        Ok(value) => Code::Const(value),
        Err(_) => code,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::net::code::{ArithOp, CmpOp, Pattern};
    use crate::net::marking::{Marking, Multiset};
    use crate::net::pos::Pos;

    /// Where the test's arithmetic is written.
    fn at() -> Pos {
        Pos { line: 1, col: 1 }
    }

    fn int(i: i64) -> Code {
        Code::Const(Value::Int(i))
    }

    fn boolean(b: bool) -> Code {
        Code::Const(Value::Bool(b))
    }

    fn var(slot: usize) -> Box<Code> {
        Box::new(Code::Var(slot))
    }

    /// The expression written out whole (`Code`'s `Debug` abbreviates).
    fn render(code: &Code) -> String {
        let mut children = Vec::new();
        code.for_each_child(|c| children.push(render(c)));
        let head = match code {
            Code::Const(v) => return format!("{v}"),
            Code::Var(s) => return format!("${s}"),
            Code::Count(p) => return format!("count({p})"),
            Code::Tuple(_) => "tuple".to_string(),
            Code::Field(_, i) => format!("field{i}"),
            Code::Neg(..) => "neg".to_string(),
            Code::Not(_) => "not".to_string(),
            Code::Arith(op, ..) => format!("{op:?}"),
            Code::Cmp(op, ..) => format!("{op:?}"),
            Code::And(..) => "and".to_string(),
            Code::Or(..) => "or".to_string(),
            Code::Implies(..) => "implies".to_string(),
            Code::If(..) => "if".to_string(),
            Code::Quantifier { forall, .. } => format!("quantifier{forall}"),
            other => format!("{other:?}"),
        };
        format!("{head}({})", children.join(", "))
    }

    fn is(code: &Code, expected: &Code) -> bool {
        render(code) == render(expected)
    }

    #[test]
    fn operators_over_constants_become_constants() {
        let sum = Code::Arith(ArithOp::Add, Box::new(int(1)), Box::new(int(2)), at());
        let test = Code::Cmp(CmpOp::Lt, var(0), Box::new(sum));
        let folded = fold_constants(test);
        assert!(is(&folded, &Code::Cmp(CmpOp::Lt, var(0), Box::new(int(3)))));
        let tuple = Code::Field(Box::new(Code::Tuple(vec![int(4), boolean(true)])), 1);
        assert!(is(&fold_constants(tuple), &boolean(true)));
    }

    #[test]
    fn a_failing_constant_operation_stays_to_fail_at_run_time() {
        let division = Code::Arith(ArithOp::Div, Box::new(int(1)), Box::new(int(0)), at());
        assert!(matches!(
            fold_constants(division),
            Code::Arith(ArithOp::Div, ..)
        ));
    }

    #[test]
    fn a_constant_side_of_a_connective_decides_or_drops_out() {
        let x = || Box::new(Code::Cmp(CmpOp::Eq, var(0), var(1)));
        let or = Code::Or(Box::new(boolean(false)), x());
        assert!(is(&fold_constants(or), &x()));
        let or = Code::Or(x(), Box::new(boolean(true)));
        // `x` is evaluated first and could fail: it stays.
        assert!(matches!(fold_constants(or), Code::Or(..)));
        let and = Code::And(Box::new(boolean(false)), x());
        assert!(is(&fold_constants(and), &boolean(false)));
        let implies = Code::Implies(x(), Box::new(boolean(false)));
        assert!(is(&fold_constants(implies), &Code::Not(x())));
        let implies = Code::Implies(Box::new(boolean(false)), x());
        assert!(is(&fold_constants(implies), &boolean(true)));
        let choice = Code::If(Box::new(boolean(false)), var(0), var(1));
        assert!(is(&fold_constants(choice), &Code::Var(1)));
    }

    #[test]
    fn a_quantifier_decided_by_its_body_alone_is_that_answer() {
        let quantifier = |forall, body| Code::Quantifier {
            forall,
            place: 0,
            pattern: Pattern::Wild,
            prefix: Vec::new(),
            body: Box::new(body),
        };
        let always = Code::Or(Box::new(boolean(true)), var(0));
        assert!(is(
            &fold_constants(quantifier(true, always)),
            &boolean(true)
        ));
        // `forall _ in P: false` holds when P is empty: not folded.
        assert!(matches!(
            fold_constants(quantifier(true, boolean(false))),
            Code::Quantifier { .. }
        ));
    }

    /// Random expressions over integer and boolean constants, the count of
    /// place 0 and the variables of the quantifiers around (a quantifier at
    /// depth `d` binds slot `d` to each token of place 0), mixing types on
    /// purpose: a badly typed operation must fail alike folded or not.
    fn expression(depth: usize, fuel: u32) -> BoxedStrategy<Code> {
        let mut leaves = vec![
            (-2i64..3).prop_map(int).boxed(),
            any::<bool>().prop_map(boolean).boxed(),
            Just(Code::Count(0)).boxed(),
        ];
        if depth > 0 {
            leaves.push((0..depth).prop_map(Code::Var).boxed());
        }
        let leaf = proptest::strategy::Union::new(leaves);
        if fuel == 0 {
            return leaf.boxed();
        }
        let inner = || expression(depth, fuel - 1);
        let pair = || (inner(), inner());
        let arith = prop_oneof![Just(ArithOp::Add), Just(ArithOp::Div), Just(ArithOp::Rem)];
        let cmp = prop_oneof![Just(CmpOp::Eq), Just(CmpOp::Lt)];
        prop_oneof![
            2 => leaf,
            1 => (arith, pair()).prop_map(|(op, (a, b))| Code::Arith(op, Box::new(a), Box::new(b), at())),
            1 => (cmp, pair()).prop_map(|(op, (a, b))| Code::Cmp(op, Box::new(a), Box::new(b))),
            1 => inner().prop_map(|a| Code::Not(Box::new(a))),
            1 => inner().prop_map(|a| Code::Neg(Box::new(a), at())),
            1 => pair().prop_map(|(a, b)| Code::And(Box::new(a), Box::new(b))),
            1 => pair().prop_map(|(a, b)| Code::Or(Box::new(a), Box::new(b))),
            1 => pair().prop_map(|(a, b)| Code::Implies(Box::new(a), Box::new(b))),
            1 => (inner(), pair())
                .prop_map(|(c, (a, b))| Code::If(Box::new(c), Box::new(a), Box::new(b))),
            1 => pair().prop_map(|(a, b)| Code::Field(Box::new(Code::Tuple(vec![a, b])), 1)),
            1 => (any::<bool>(), expression(depth + 1, fuel - 1)).prop_map(move |(forall, body)| {
                Code::Quantifier {
                    forall,
                    place: 0,
                    pattern: Pattern::Bind(depth),
                    prefix: Vec::new(),
                    body: Box::new(body),
                }
            }),
        ]
        .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        #[test]
        fn folding_keeps_every_value_and_every_error(
            code in expression(0, 4),
            tokens in proptest::collection::vec(-1i64..3, 0..3),
        ) {
            let mut place = Multiset::new();
            for t in tokens {
                place.add(Value::Int(t), 1);
            }
            let marking = Marking { places: vec![place] };
            let eval = |code: &Code| {
                let mut slots = vec![Value::Int(1); 5];
                code.eval(&mut Env::new(&mut slots, Some(&marking)))
            };
            let folded = fold_constants(code.clone());
            prop_assert_eq!(eval(&folded), eval(&code), "{} folded to {}", render(&code), render(&folded));
        }
    }
}
