//! LTL to generalised Büchi automata by the tableau of Gerth, Peled, Vardi
//! and Wolper ("Simple on-the-fly automatic verification of linear temporal
//! logic", 1995).
//!
//! The formula is first simplified ([`super::simplify`]), then put in negation normal form (`F f` is `true U f`, `G f` is
//! `false R f`); each automaton state is a consistent set of subformulas that
//! must hold now (`old`) together with those that must hold next. A run reads
//! one letter per state: state `q` accepts a letter that satisfies the
//! literals of `q`. There is one acceptance set per `a U b` subformula: the
//! states where `a U b` is not promised or `b` holds. A run is accepted when
//! it visits every acceptance set infinitely often.

use std::collections::{BTreeSet, HashMap};

use super::formula::Formula;
use super::simplify::simplify;

/// A subformula in negation normal form; operands are indices into the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Nnf {
    True,
    False,
    Lit(usize, bool),
    And(usize, usize),
    Or(usize, usize),
    Next(usize),
    Until(usize, usize),
    Release(usize, usize),
}

/// A state of the automaton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The literals a letter must satisfy: (atom, polarity).
    pub literals: Vec<(usize, bool)>,
    /// The states that may follow this one.
    pub successors: Vec<usize>,
    /// Whether a run may start here.
    pub initial: bool,
    /// The acceptance sets this state belongs to.
    pub accepting: Vec<bool>,
}

/// A generalised Büchi automaton with labels on states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Automaton {
    /// The states.
    pub states: Vec<State>,
    /// The number of acceptance sets.
    pub sets: usize,
}

struct Table {
    nodes: Vec<Nnf>,
    index: HashMap<Nnf, usize>,
}

impl Table {
    fn add(&mut self, n: Nnf) -> usize {
        if let Some(&i) = self.index.get(&n) {
            return i;
        }
        self.nodes.push(n);
        self.index.insert(n, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    fn nnf(&mut self, f: &Formula<usize>, negate: bool) -> usize {
        let n = match f {
            Formula::Const(v) => {
                if *v != negate {
                    Nnf::True
                } else {
                    Nnf::False
                }
            }
            Formula::Atom(a) => Nnf::Lit(*a, !negate),
            Formula::Not(x) => return self.nnf(x, !negate),
            Formula::And(x, y) | Formula::Or(x, y) => {
                let (a, b) = (self.nnf(x, negate), self.nnf(y, negate));
                if matches!(f, Formula::And(..)) != negate {
                    Nnf::And(a, b)
                } else {
                    Nnf::Or(a, b)
                }
            }
            Formula::Implies(x, y) => {
                let (a, b) = (self.nnf(x, !negate), self.nnf(y, negate));
                if negate {
                    Nnf::And(a, b)
                } else {
                    Nnf::Or(a, b)
                }
            }
            Formula::Next(x) => Nnf::Next(self.nnf(x, negate)),
            Formula::Finally(x) | Formula::Globally(x) => {
                let a = self.nnf(x, negate);
                if matches!(f, Formula::Finally(..)) != negate {
                    let t = self.add(Nnf::True);
                    Nnf::Until(t, a)
                } else {
                    let n = self.add(Nnf::False);
                    Nnf::Release(n, a)
                }
            }
            Formula::Until(x, y) | Formula::Release(x, y) => {
                let (a, b) = (self.nnf(x, negate), self.nnf(y, negate));
                if matches!(f, Formula::Until(..)) != negate {
                    Nnf::Until(a, b)
                } else {
                    Nnf::Release(a, b)
                }
            }
            // LTL formulas have no path quantifiers (the parser refuses
            // them); an `A f` or `E f` nested by a program reads as `f`.
            Formula::Path(_, x) => return self.nnf(x, negate),
        };
        self.add(n)
    }
}

/// A tableau node under construction.
#[derive(Clone)]
struct Pending {
    incoming: BTreeSet<usize>,
    new: BTreeSet<usize>,
    old: BTreeSet<usize>,
    next: BTreeSet<usize>,
}

/// The incoming mark of initial states.
const INIT: usize = usize::MAX;

/// The automaton of the runs satisfying `f` (pass the negated property to
/// look for counterexamples).
pub fn translate(f: &Formula<usize>) -> Automaton {
    let mut table = Table {
        nodes: Vec::new(),
        index: HashMap::new(),
    };
    let root = table.nnf(&simplify(f), false);
    let nodes = &table.nodes;
    // Finished nodes: (incoming, old, next).
    let mut done: Vec<(BTreeSet<usize>, BTreeSet<usize>, BTreeSet<usize>)> = Vec::new();
    let mut stack = vec![Pending {
        incoming: BTreeSet::from([INIT]),
        new: BTreeSet::from([root]),
        old: BTreeSet::new(),
        next: BTreeSet::new(),
    }];
    while let Some(mut node) = stack.pop() {
        let Some(&eta) = node.new.iter().next() else {
            match done
                .iter_mut()
                .find(|(_, old, next)| *old == node.old && *next == node.next)
            {
                Some((incoming, _, _)) => incoming.extend(node.incoming),
                None => {
                    done.push((node.incoming, node.old.clone(), node.next.clone()));
                    stack.push(Pending {
                        incoming: BTreeSet::from([done.len() - 1]),
                        new: node.next,
                        old: BTreeSet::new(),
                        next: BTreeSet::new(),
                    });
                }
            }
            continue;
        };
        node.new.remove(&eta);
        if node.old.contains(&eta) {
            stack.push(node);
            continue;
        }
        let add_new = |node: &mut Pending, f: usize| {
            if !node.old.contains(&f) {
                node.new.insert(f);
            }
        };
        match nodes[eta] {
            Nnf::False => {}
            Nnf::Lit(a, p) => {
                if !node.old.iter().any(|&o| nodes[o] == Nnf::Lit(a, !p)) {
                    node.old.insert(eta);
                    stack.push(node);
                }
            }
            Nnf::True => {
                node.old.insert(eta);
                stack.push(node);
            }
            Nnf::And(a, b) => {
                add_new(&mut node, a);
                add_new(&mut node, b);
                node.old.insert(eta);
                stack.push(node);
            }
            Nnf::Next(a) => {
                node.old.insert(eta);
                node.next.insert(a);
                stack.push(node);
            }
            Nnf::Or(a, b) | Nnf::Until(a, b) | Nnf::Release(a, b) => {
                node.old.insert(eta);
                let mut first = node.clone();
                let mut second = node;
                match nodes[eta] {
                    Nnf::Or(..) => {
                        add_new(&mut first, a);
                        add_new(&mut second, b);
                    }
                    Nnf::Until(..) => {
                        add_new(&mut first, a);
                        first.next.insert(eta);
                        add_new(&mut second, b);
                    }
                    _ => {
                        add_new(&mut first, b);
                        first.next.insert(eta);
                        add_new(&mut second, a);
                        add_new(&mut second, b);
                    }
                }
                // The second is pushed first so that the first is expanded first.
                stack.push(second);
                stack.push(first);
            }
        }
    }
    let untils: Vec<(usize, usize)> = nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match n {
            Nnf::Until(_, b) => Some((i, *b)),
            _ => None,
        })
        .collect();
    let mut states: Vec<State> = done
        .iter()
        .map(|(incoming, old, _)| State {
            literals: old
                .iter()
                .filter_map(|&o| match nodes[o] {
                    Nnf::Lit(a, p) => Some((a, p)),
                    _ => None,
                })
                .collect(),
            successors: Vec::new(),
            initial: incoming.contains(&INIT),
            accepting: untils
                .iter()
                .map(|(u, b)| !old.contains(u) || old.contains(b))
                .collect(),
        })
        .collect();
    for (to, (incoming, _, _)) in done.iter().enumerate() {
        for &from in incoming {
            if from != INIT {
                states[from].successors.push(to);
            }
        }
    }
    for s in &mut states {
        s.successors.sort_unstable();
    }
    quotient(Automaton {
        states,
        sets: untils.len(),
    })
}

/// The automaton with bisimilar states merged: states with the same
/// literals and acceptance sets whose successors fall in the same classes,
/// refined until stable. Bisimilar states accept the same runs, so the
/// language is unchanged; the tableau often makes many such copies.
fn quotient(automaton: Automaton) -> Automaton {
    let states = &automaton.states;
    let mut class: Vec<usize> = number_by(states.len(), |q| {
        let mut literals = states[q].literals.clone();
        literals.sort_unstable();
        (literals, states[q].accepting.clone(), Vec::<usize>::new())
    });
    loop {
        let refined = number_by(states.len(), |q| {
            let mut next: Vec<usize> = states[q].successors.iter().map(|&s| class[s]).collect();
            next.sort_unstable();
            next.dedup();
            let key: Vec<usize> = std::iter::once(class[q]).chain(next).collect();
            (Vec::<(usize, bool)>::new(), Vec::<bool>::new(), key)
        });
        let count = |c: &[usize]| c.iter().max().map_or(0, |m| m + 1);
        let stable = count(&refined) == count(&class);
        class = refined;
        if stable {
            break;
        }
    }
    let classes = class.iter().max().map_or(0, |m| m + 1);
    let mut merged: Vec<Option<State>> = vec![None; classes];
    for (q, state) in states.iter().enumerate() {
        let c = class[q];
        let mut successors: Vec<usize> = state.successors.iter().map(|&s| class[s]).collect();
        successors.sort_unstable();
        successors.dedup();
        match &mut merged[c] {
            Some(m) => m.initial |= state.initial,
            slot => {
                *slot = Some(State {
                    literals: state.literals.clone(),
                    successors,
                    initial: state.initial,
                    accepting: state.accepting.clone(),
                });
            }
        }
    }
    Automaton {
        states: merged.into_iter().flatten().collect(),
        sets: automaton.sets,
    }
}

/// Numbers `0..n` by `key`, equal keys sharing a number, numbers given in
/// order of first occurrence.
fn number_by<K: std::hash::Hash + Eq>(n: usize, key: impl Fn(usize) -> K) -> Vec<usize> {
    let mut seen: HashMap<K, usize> = HashMap::new();
    (0..n)
        .map(|q| {
            let fresh = seen.len();
            *seen.entry(key(q)).or_insert(fresh)
        })
        .collect()
}

impl State {
    /// Whether a letter where `holds(atom)` gives the atoms' truth satisfies this state's literals.
    pub fn accepts(&self, holds: impl Fn(usize) -> bool) -> bool {
        self.literals.iter().all(|&(a, p)| holds(a) == p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(a: usize) -> Box<Formula<usize>> {
        Box::new(Formula::Atom(a))
    }

    #[test]
    fn eventually_has_one_acceptance_set() {
        let a = translate(&Formula::Finally(atom(0)));
        assert_eq!(a.sets, 1);
        assert!(a.states.iter().any(|s| s.initial));
        // Some accepting state requires the atom.
        assert!(
            a.states
                .iter()
                .any(|s| s.accepting[0] && s.literals == vec![(0, true)])
        );
    }

    #[test]
    fn false_has_no_initial_state() {
        let a = translate(&Formula::And(atom(0), Box::new(Formula::Not(atom(0)))));
        assert!(a.states.iter().all(|s| !s.initial));
    }
}
