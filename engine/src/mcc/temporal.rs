//! The contest's CTL and LTL examinations, answered by the temporal checkers
//! of [`crate::temporal`] over the net's explored graph.
//!
//! The maximal state subformulas of every formula of the file become atoms
//! (numbered over the whole file, equal ones shared), evaluated once per
//! reachable marking while the graph is built (directly on the P/T net's
//! packed markings, or on a coloured net's). Each formula is then decided on
//! that one graph: a CTL formula by the fixpoints of [`Ctl`], an LTL formula
//! (`A φ`) by the Büchi product and Tarjan's algorithm of [`Ltl`], which stops
//! at the first accepting cycle.
//!
//! A dead marking repeats for ever (a stuttering self-loop, as in
//! [`crate::temporal`]): every maximal run is infinite, so `X` and `G` see the
//! dead marking again and again. This is the contest's convention, and the
//! answers agree with its reference answers on every model of the test data.

use std::time::{Duration, Instant};

use super::error::MccError;
use super::formula::Formula;
use super::names::Names;
use super::observe::{Condition, Observable, holds};
use crate::temporal::Formula as Temporal;
use crate::temporal::PathQuantifier;
use crate::temporal::ctl::{Ctl, NextAtDeadlocks};
use crate::temporal::graph::{Expansion, Limits, MarkingGraph, Stop};
use crate::temporal::kripke::Kripke;
use crate::temporal::ltl::Ltl;

/// What one formula asks of the graph.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Question {
    /// A CTL formula holds in the initial state.
    Ctl(Temporal<usize>),
    /// `A φ`: every run satisfies the LTL formula φ.
    LtlAll(Temporal<usize>),
    /// `E φ`: some run satisfies φ (not every run satisfies `!φ`).
    LtlExists(Temporal<usize>),
}

/// The temporal formulas of one examination and their shared atoms.
#[derive(Debug, Default)]
pub(super) struct TemporalFormulas {
    /// The state atoms, numbered over every formula.
    pub atoms: Vec<Condition>,
    /// The formulas, in the order they were added.
    pub questions: Vec<Question>,
}

/// Whether the formulas are read as CTL (quantifiers on every path operator)
/// or as LTL (one quantifier in front).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Ctl,
    Ltl,
}

impl TemporalFormulas {
    /// Adds `f` (property `id`) read in `style`; `None` when it is outside
    /// the logic (an LTL formula with an inner path quantifier, a CTL path
    /// operator without quantifier).
    pub fn add(
        &mut self,
        f: &Formula,
        style: Style,
        names: &Names,
        id: &str,
    ) -> Result<Option<usize>, MccError> {
        let question = match style {
            Style::Ctl => self.ctl(f, names, id)?.map(Question::Ctl),
            Style::Ltl => match f {
                Formula::AllPaths(inner) => self.ltl(inner, names, id)?.map(Question::LtlAll),
                Formula::ExistsPath(inner) => self.ltl(inner, names, id)?.map(Question::LtlExists),
                // A state formula is a formula of both logics.
                state => self.ctl(state, names, id)?.map(Question::Ctl),
            },
        };
        Ok(question.map(|q| {
            self.questions.push(q);
            self.questions.len() - 1
        }))
    }

    fn atom(&mut self, c: Condition) -> usize {
        match self.atoms.iter().position(|a| *a == c) {
            Some(i) => i,
            None => {
                self.atoms.push(c);
                self.atoms.len() - 1
            }
        }
    }

    /// The atom of a state formula, or `None` if `f` is not one.
    fn state(&mut self, f: &Formula, names: &Names, id: &str) -> Result<Option<usize>, MccError> {
        if !f.is_state_formula() {
            return Ok(None);
        }
        Ok(names.condition(f, id)?.map(|c| self.atom(c)))
    }

    /// The connectives shared by both logics; `inner` translates operands.
    fn connective(
        &mut self,
        f: &Formula,
        names: &Names,
        id: &str,
        inner: fn(&mut Self, &Formula, &Names, &str) -> Translated,
    ) -> Translated {
        if let Some(atom) = self.state(f, names, id)? {
            return Ok(Some(Temporal::Atom(atom)));
        }
        let fold = |this: &mut Self, parts: &[Formula], and: bool| -> Translated {
            let mut out: Option<Temporal<usize>> = None;
            for part in parts {
                let Some(p) = inner(this, part, names, id)? else {
                    return Ok(None);
                };
                out = Some(match out {
                    None => p,
                    Some(acc) if and => Temporal::And(Box::new(acc), Box::new(p)),
                    Some(acc) => Temporal::Or(Box::new(acc), Box::new(p)),
                });
            }
            Ok(Some(out.unwrap_or(Temporal::Const(and))))
        };
        match f {
            Formula::Not(x) => Ok(inner(self, x, names, id)?.map(|x| Temporal::Not(Box::new(x)))),
            Formula::And(parts) => fold(self, parts, true),
            Formula::Or(parts) => fold(self, parts, false),
            _ => Ok(None),
        }
    }

    fn ctl(&mut self, f: &Formula, names: &Names, id: &str) -> Translated {
        let quantifier = match f {
            Formula::AllPaths(_) => PathQuantifier::All,
            Formula::ExistsPath(_) => PathQuantifier::Exists,
            _ => return self.connective(f, names, id, Self::ctl),
        };
        let (Formula::AllPaths(path) | Formula::ExistsPath(path)) = f else {
            return Ok(None);
        };
        let Some(path) = self.path_operator(path, names, id, Self::ctl) else {
            // A quantifier over a state formula is the formula itself.
            return self.ctl(path, names, id);
        };
        Ok(path?.map(|p| Temporal::Path(quantifier, Box::new(p))))
    }

    /// The path operators shared by both logics (X, F, G, U), with operands
    /// translated by `inner`; `None` when `f` is not one of them.
    fn path_operator(
        &mut self,
        f: &Formula,
        names: &Names,
        id: &str,
        inner: fn(&mut Self, &Formula, &Names, &str) -> Translated,
    ) -> Option<Translated> {
        type Unary = fn(Box<Temporal<usize>>) -> Temporal<usize>;
        let unary = |this: &mut Self, x: &Formula, make: Unary| -> Translated {
            Ok(inner(this, x, names, id)?.map(|x| make(Box::new(x))))
        };
        let until = |this: &mut Self, before: &Formula, reach: &Formula| -> Translated {
            let operands = (
                inner(this, before, names, id)?,
                inner(this, reach, names, id)?,
            );
            let (Some(a), Some(b)) = operands else {
                return Ok(None);
            };
            Ok(Some(Temporal::Until(Box::new(a), Box::new(b))))
        };
        Some(match f {
            Formula::Next(x) => unary(self, x, Temporal::Next),
            Formula::Finally(x) => unary(self, x, Temporal::Finally),
            Formula::Globally(x) => unary(self, x, Temporal::Globally),
            Formula::Until { before, reach } => until(self, before, reach),
            _ => return None,
        })
    }

    fn ltl(&mut self, f: &Formula, names: &Names, id: &str) -> Translated {
        match self.path_operator(f, names, id, Self::ltl) {
            Some(path) => path,
            None => self.connective(f, names, id, Self::ltl),
        }
    }
}

/// A translated formula, `None` when outside the logic.
type Translated = Result<Option<Temporal<usize>>, MccError>;

/// The graph of `space`'s reachable markings, each labelled with the atoms
/// that hold there (no `fired` atoms: the contest's formulas have none).
pub(super) fn graph<S: Observable>(
    space: &S,
    atoms: &[Condition],
    limits: Limits,
) -> Result<MarkingGraph, Stop<S::Error>> {
    let words = atoms.len().div_ceil(64).max(1);
    let initial = space.initial().map_err(Stop::Failed)?;
    MarkingGraph::build_with(initial, words, 0, limits, None, |state| {
        let successors = space.transition_successors(state)?;
        let marking = space.observe(state)?;
        let dead = successors.is_empty();
        let mut bits = vec![0u64; words];
        for (i, c) in atoms.iter().enumerate() {
            if holds(space, &marking, dead, c)? {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        let successors = successors
            .into_iter()
            .map(|(t, s)| (s, t as u32, None, Vec::new()))
            .collect();
        Ok(Expansion { successors, bits })
    })
}

/// The verdict of every question on `graph`, in order, with the time taken
/// to decide it (the graph's construction apart); `None` where the deadline
/// or the memory limit of `limits` stopped the question's decision.
pub(super) fn decide(
    graph: &MarkingGraph,
    questions: &[Question],
    limits: Limits,
) -> Vec<(Option<bool>, Duration)> {
    let budget = limits.budget();
    budget.install(|| {
        let Ok(kripke) = Kripke::new(graph, Vec::new()) else {
            return vec![(None, Duration::ZERO); questions.len()];
        };
        let atom = |node: usize, a: usize| kripke.holds(node, a, false);
        let needs_ctl = questions.iter().any(|q| matches!(q, Question::Ctl(_)));
        let ctl = needs_ctl.then(|| {
            Ctl::new(&kripke, &atom).map(|ctl| ctl.with_next_at_deadlocks(NextAtDeadlocks::Nothing))
        });
        questions
            .iter()
            .map(|q| {
                let started = Instant::now();
                let verdict = match q {
                    Question::Ctl(f) => match &ctl {
                        Some(Ok(ctl)) => ctl.sat(f).ok().map(|sat| sat[0]),
                        _ => None,
                    },
                    Question::LtlAll(f) => Ltl::new(&kripke, f, &atom, &[]).holds().ok(),
                    Question::LtlExists(f) => {
                        let negated = Temporal::Not(Box::new(f.clone()));
                        (Ltl::new(&kripke, &negated, &atom, &[]).holds())
                            .ok()
                            .map(|holds| !holds)
                    }
                };
                (verdict, started.elapsed())
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ring of `n` markings, the atom 0 holding at the first.
    fn ring(n: u32) -> MarkingGraph {
        MarkingGraph::build_with(vec![0], 1, 0, Limits::default(), None, |state| {
            Ok::<_, ()>(Expansion {
                successors: vec![(vec![(state[0] + 1) % n], 0, None, Vec::new())],
                bits: vec![u64::from(state[0] == 0)],
            })
        })
        .expect("no limit")
    }

    #[test]
    fn a_ctl_question_the_deadline_stops_cannot_be_computed() {
        let graph = ring(2000);
        // `AG EF` the first marking.
        let back = Temporal::Path(
            PathQuantifier::Exists,
            Box::new(Temporal::Finally(Box::new(Temporal::Atom(0)))),
        );
        let question = Question::Ctl(Temporal::Path(
            PathQuantifier::All,
            Box::new(Temporal::Globally(Box::new(back))),
        ));
        let questions = [question];
        let decided = decide(&graph, &questions, Limits::default());
        assert_eq!(decided[0].0, Some(true));
        let past = Limits {
            deadline: Some(Instant::now()),
            ..Limits::default()
        };
        assert_eq!(decide(&graph, &questions, past)[0].0, None);
    }
}
