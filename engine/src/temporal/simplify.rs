//! LTL rewriting before the translation to a Büchi automaton: rules that
//! keep the set of runs a formula accepts and shrink the automaton (as in
//! Etessami and Holzmann, "Optimizing Büchi automata", 2000, and Somenzi and
//! Bloem, "Efficient Büchi automata from LTL formulae", 2000).
//!
//! The rules that matter most concern *suspendable* formulas, whose truth does
//! not depend on any finite prefix of the run (`G F a`, `F G a`, and boolean
//! combinations of them): such a formula holds at one position of a run
//! exactly when it holds at every one, so `X φ`, `F φ` and `G φ` are `φ`,
//! `φ U ψ` is `ψ || (φ && F ψ)`, `ψ U φ` and `ψ R φ` are `φ`, and `φ R ψ` is
//! `G ψ || (φ && ψ)`. `X` moves out of `F` and `G` (`F X a` is `X F a`), so
//! `G F X a` becomes `G F a`; `G F !a` is written `!F G a`, so a formula and
//! its negation meet as `f && !f` and fold to `false`.
//!
//! Every rule holds on infinite runs, which is how the checker reads every
//! run (a dead marking repeats for ever); `engine/tests/temporal.rs` compares
//! the verdicts with a brute-force evaluation of the original formula.

use super::formula::Formula;

type F<A> = Formula<A>;

/// An equivalent formula, smaller or with a smaller automaton. Path
/// quantifiers are kept as they are (with their operand simplified).
pub fn simplify<A: Clone + PartialEq>(f: &F<A>) -> F<A> {
    match f {
        Formula::Const(_) | Formula::Atom(_) => f.clone(),
        Formula::Not(x) => not(simplify(x)),
        Formula::And(x, y) => and(simplify(x), simplify(y)),
        Formula::Or(x, y) => or(simplify(x), simplify(y)),
        Formula::Implies(x, y) => or(not(simplify(x)), simplify(y)),
        Formula::Next(x) => next(simplify(x)),
        Formula::Finally(x) => finally(simplify(x)),
        Formula::Globally(x) => globally(simplify(x)),
        Formula::Until(x, y) => until(simplify(x), simplify(y)),
        Formula::Release(x, y) => release(simplify(x), simplify(y)),
        Formula::Path(q, x) => Formula::Path(*q, Box::new(simplify(x))),
    }
}

/// Whether `f` holds at a position of a run exactly when it holds at every
/// position (a sufficient, syntactic test).
fn suspendable<A>(f: &F<A>) -> bool {
    match f {
        Formula::Const(_) => true,
        Formula::Finally(x) => matches!(**x, Formula::Globally(_)) || suspendable(x),
        Formula::Globally(x) => matches!(**x, Formula::Finally(_)) || suspendable(x),
        Formula::Next(x) | Formula::Not(x) => suspendable(x),
        Formula::And(x, y) | Formula::Or(x, y) | Formula::Implies(x, y) => {
            suspendable(x) && suspendable(y)
        }
        Formula::Atom(_) | Formula::Until(..) | Formula::Release(..) | Formula::Path(..) => false,
    }
}

/// Whether `a` is `!b` or `b` is `!a`.
fn opposite<A: PartialEq>(a: &F<A>, b: &F<A>) -> bool {
    matches!(a, Formula::Not(x) if **x == *b) || matches!(b, Formula::Not(y) if **y == *a)
}

fn not<A>(x: F<A>) -> F<A> {
    match x {
        Formula::Const(v) => Formula::Const(!v),
        Formula::Not(y) => *y,
        x => Formula::Not(Box::new(x)),
    }
}

fn and<A: PartialEq>(x: F<A>, y: F<A>) -> F<A> {
    match (x, y) {
        (Formula::Const(false), _) | (_, Formula::Const(false)) => Formula::Const(false),
        (Formula::Const(true), y) => y,
        (x, Formula::Const(true)) => x,
        (x, y) if x == y => x,
        (x, y) if opposite(&x, &y) => Formula::Const(false),
        (x, y) => Formula::And(Box::new(x), Box::new(y)),
    }
}

fn or<A: PartialEq>(x: F<A>, y: F<A>) -> F<A> {
    match (x, y) {
        (Formula::Const(true), _) | (_, Formula::Const(true)) => Formula::Const(true),
        (Formula::Const(false), y) => y,
        (x, Formula::Const(false)) => x,
        (x, y) if x == y => x,
        (x, y) if opposite(&x, &y) => Formula::Const(true),
        (x, y) => Formula::Or(Box::new(x), Box::new(y)),
    }
}

fn next<A>(x: F<A>) -> F<A> {
    if suspendable(&x) {
        x
    } else {
        Formula::Next(Box::new(x))
    }
}

fn finally<A: Clone + PartialEq>(x: F<A>) -> F<A> {
    if suspendable(&x) {
        return x;
    }
    match x {
        // F X a = X F a.
        Formula::Next(y) => next(finally(*y)),
        // F F a = F a.
        Formula::Finally(y) => Formula::Finally(y),
        // F G !a = !G F a.
        Formula::Globally(y) if matches!(*y, Formula::Not(_)) => {
            let Formula::Not(a) = *y else { unreachable!() };
            not(globally(finally(*a)))
        }
        x => Formula::Finally(Box::new(x)),
    }
}

fn globally<A: Clone + PartialEq>(x: F<A>) -> F<A> {
    if suspendable(&x) {
        return x;
    }
    match x {
        // G X a = X G a.
        Formula::Next(y) => next(globally(*y)),
        // G G a = G a.
        Formula::Globally(y) => Formula::Globally(y),
        // G F !a = !F G a.
        Formula::Finally(y) if matches!(*y, Formula::Not(_)) => {
            let Formula::Not(a) = *y else { unreachable!() };
            not(finally(globally(*a)))
        }
        x => Formula::Globally(Box::new(x)),
    }
}

fn until<A: Clone + PartialEq>(x: F<A>, y: F<A>) -> F<A> {
    match (x, y) {
        (_, Formula::Const(v)) => Formula::Const(v),
        (Formula::Const(false), y) => y,
        (Formula::Const(true), y) => finally(y),
        (_, y) if suspendable(&y) => y,
        (x, y) if x == y => y,
        (x, y) if suspendable(&x) => or(y.clone(), and(x, finally(y))),
        (x, y) => Formula::Until(Box::new(x), Box::new(y)),
    }
}

fn release<A: Clone + PartialEq>(x: F<A>, y: F<A>) -> F<A> {
    match (x, y) {
        (_, Formula::Const(v)) => Formula::Const(v),
        (Formula::Const(true), y) => y,
        (Formula::Const(false), y) => globally(y),
        (_, y) if suspendable(&y) => y,
        (x, y) if x == y => y,
        (x, y) if suspendable(&x) => or(globally(y.clone()), and(x, y)),
        (x, y) => Formula::Release(Box::new(x), Box::new(y)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(i: usize) -> F<usize> {
        Formula::Atom(i)
    }
    fn b(f: F<usize>) -> Box<F<usize>> {
        Box::new(f)
    }

    #[test]
    fn suspendable_parts_leave_until_and_next() {
        // (G F X !t) U (G t)  ->  G t  (the other branch is G F !t && F G t: false).
        let gfx = Formula::Globally(b(Formula::Finally(b(Formula::Next(b(Formula::Not(b(
            a(0),
        ))))))));
        let f = Formula::Until(b(gfx), b(Formula::Globally(b(a(0)))));
        assert_eq!(simplify(&f), Formula::Globally(b(a(0))));
        // X (F G a) = F G a; F F a = F a; a U a = a.
        let fg = Formula::Finally(b(Formula::Globally(b(a(1)))));
        assert_eq!(simplify(&Formula::Next(b(fg.clone()))), fg);
        let ff = Formula::Finally(b(Formula::Finally(b(a(2)))));
        assert_eq!(simplify(&ff), Formula::Finally(b(a(2))));
        assert_eq!(simplify(&Formula::Until(b(a(3)), b(a(3)))), a(3));
    }

    #[test]
    fn what_does_not_match_a_rule_stays() {
        let f = Formula::Until(b(a(0)), b(Formula::Next(b(a(1)))));
        assert_eq!(simplify(&f), f);
        let g = Formula::Release(b(a(0)), b(Formula::Finally(b(a(1)))));
        assert_eq!(simplify(&g), g);
    }
}
