//! LTL formulas that say the same as a CTL formula, and that formula.
//!
//! An LTL formula holds in a state when every run from it satisfies it. For
//! some formulas the same can be said by a CTL formula: `G (p => F q)` holds
//! exactly where `AG (p => AF q)` does, when `p` and `q` are state formulas
//! (formulas without temporal operators; `fired` atoms are state formulas of
//! the Kripke structure, see [`super::kripke`]). CTL is decided by fixpoints
//! linear in the structure ([`super::ctl`]), where LTL explores its product
//! with a Büchi automaton, several times slower; so a formula of this
//! fragment is decided by CTL first, and the LTL search runs only when the
//! CTL formula fails (to build the lasso, and under fairness to decide).
//!
//! The fragment, where `s`, `s1`, `s2` are state formulas and `f`, `g` are
//! in the fragment (each rule with its CTL translation `A(...)`):
//!
//! | LTL | CTL | why |
//! |---|---|---|
//! | `s` | `s` | a state formula is read in the run's first state |
//! | `f && g` | `A(f) && A(g)` | every run satisfies both iff every run satisfies each |
//! | `s \|\| f`, `f \|\| s`, `!s \|\| f` as `s => f` | `s \|\| A(f)`, `s => A(f)` | `s` depends on the first state only |
//! | `X f` | `AX A(f)` | the runs from a successor are the suffixes of the runs through it |
//! | `G f` | `AG A(f)` | the same, for every state a run reaches |
//! | `F s`, `s1 U s2`, `s1 R s2` | `AF s`, `A(s1 U s2)`, `A(s1 R s2)` | the path operator over state formulas |
//!
//! `X` and `G` need the runs from a state to be exactly the suffixes of the
//! runs through it, true of the set of all runs: the CTL formula quantifies
//! over every run, fair or not. (Under fairness, a formula every run
//! satisfies is satisfied by every fair run too, so "holds" still decides
//! the LTL property; "fails" does not.) `F f` with a temporal `f` is outside
//! the fragment (`F G s` differs from `AF AG s`), and so is a disjunction of
//! two temporal formulas: the CTL formula would be stronger than the LTL one,
//! never weaker, but would fail where the LTL formula holds.

use super::formula::{Formula, PathQuantifier};

/// The CTL formula that holds in exactly the states where the LTL formula
/// `f` holds on every run (all runs, fair or not), or `None` if `f` is
/// outside the fragment of the module's table.
pub fn equivalent_ctl<A: Clone>(f: &Formula<A>) -> Option<Formula<A>> {
    if is_state(f) {
        return Some(f.clone());
    }
    let all = |inner: Formula<A>| Some(Formula::Path(PathQuantifier::All, Box::new(inner)));
    match f {
        Formula::And(x, y) => Some(Formula::And(
            Box::new(equivalent_ctl(x)?),
            Box::new(equivalent_ctl(y)?),
        )),
        Formula::Or(x, y) if is_state(x) => {
            Some(Formula::Or(x.clone(), Box::new(equivalent_ctl(y)?)))
        }
        Formula::Or(x, y) if is_state(y) => {
            Some(Formula::Or(Box::new(equivalent_ctl(x)?), y.clone()))
        }
        Formula::Implies(x, y) if is_state(x) => {
            Some(Formula::Implies(x.clone(), Box::new(equivalent_ctl(y)?)))
        }
        Formula::Next(x) => all(Formula::Next(Box::new(equivalent_ctl(x)?))),
        Formula::Globally(x) => all(Formula::Globally(Box::new(equivalent_ctl(x)?))),
        Formula::Finally(x) if is_state(x) => all(f.clone()),
        Formula::Until(x, y) | Formula::Release(x, y) if is_state(x) && is_state(y) => {
            all(f.clone())
        }
        _ => None,
    }
}

/// Whether `f` has no temporal operator and no path quantifier.
pub(super) fn is_state<A>(f: &Formula<A>) -> bool {
    match f {
        Formula::Const(_) | Formula::Atom(_) => true,
        Formula::Not(x) => is_state(x),
        Formula::And(x, y) | Formula::Or(x, y) | Formula::Implies(x, y) => {
            is_state(x) && is_state(y)
        }
        Formula::Next(_)
        | Formula::Finally(_)
        | Formula::Globally(_)
        | Formula::Until(..)
        | Formula::Release(..)
        | Formula::Path(..) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(a: usize) -> Box<Formula<usize>> {
        Box::new(Formula::Atom(a))
    }

    fn all(inner: Formula<usize>) -> Formula<usize> {
        Formula::Path(PathQuantifier::All, Box::new(inner))
    }

    #[test]
    fn a_response_property_becomes_ag_af() {
        // G (p => F q)
        let ltl = Formula::Globally(Box::new(Formula::Implies(
            atom(0),
            Box::new(Formula::Finally(atom(1))),
        )));
        let ctl = all(Formula::Globally(Box::new(Formula::Implies(
            atom(0),
            Box::new(all(Formula::Finally(atom(1)))),
        ))));
        assert_eq!(equivalent_ctl(&ltl), Some(ctl));
    }

    #[test]
    fn state_formulas_stay_as_they_are() {
        let f = Formula::Not(Box::new(Formula::And(atom(0), atom(1))));
        assert_eq!(equivalent_ctl(&f), Some(f.clone()));
    }

    #[test]
    fn formulas_outside_the_fragment_are_refused() {
        let f_g = Formula::Finally(Box::new(Formula::Globally(atom(0))));
        let g_f = Formula::Globally(Box::new(Formula::Finally(atom(0))));
        let temporal_or = Formula::Or(Box::new(f_g.clone()), Box::new(g_f.clone()));
        let temporal_premise = Formula::Implies(Box::new(g_f.clone()), atom(1));
        let negated = Formula::Not(Box::new(g_f.clone()));
        let until_of_temporal = Formula::Until(atom(0), Box::new(g_f.clone()));
        for f in [
            f_g,
            temporal_or,
            temporal_premise,
            negated,
            until_of_temporal,
        ] {
            assert_eq!(equivalent_ctl(&f), None, "{f:?}");
        }
        // G F s is in it (AG AF s).
        assert!(equivalent_ctl(&g_f).is_some());
    }
}
