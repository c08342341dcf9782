//! CTL by fixpoints over a [`Kripke`] structure, with witnesses and counterexamples.
//!
//! `EX` is a step back, `E(f U g)` a backward search from the `g` nodes
//! through the `f` nodes, `EG f` the greatest fixpoint that drops, one by
//! one, the `f` nodes left without an `f` successor; the universal operators
//! are their duals. Each fixpoint is linear in the size of the structure.
//!
//! Under fairness ([`Ctl::with_fairness`]) the path quantifiers range over
//! fair runs only (Clarke, Emerson and Sistla's fair CTL): `EG f` holds
//! where, staying in `f`, a fair cycle ([`fair::fair_parts`], the
//! Emerson-Lei refinement for strong fairness) can be reached; the nodes
//! where a fair run starts are `fair = EG true`, and `EX f`, `E(f U g)` read
//! `EX (f and fair)`, `E(f U (g and fair))`. A dead marking's stuttering
//! loop is fair (nothing is enabled there).

use std::cell::Cell;
use std::collections::VecDeque;

use super::Fairness;
use super::fair::{self, Structure};
use super::formula::{Formula, PathQuantifier};
use super::graph::MarkingGraph;
pub use super::kripke::Path;
use super::kripke::{Kripke, Predecessors, STUTTER};
use super::ltl::Ltl;
use crate::budget::{self, Exhausted};

/// The truth of CTL formulas over one Kripke structure.
pub struct Ctl<'k, 'g> {
    kripke: &'k Kripke<'g>,
    atom: &'k dyn Fn(usize, usize) -> bool,
    pred: Predecessors,
    next_at_deadlocks: NextAtDeadlocks,
    fairness: &'k [Fairness],
    /// The nodes where a fair run starts, when there is fairness.
    fair: Option<Vec<bool>>,
    /// Why the budget installed on the thread ([`budget`]) stopped a
    /// fixpoint: what was computed since is incomplete, and the public
    /// methods return this instead.
    exhausted: Cell<Option<Exhausted>>,
}

/// The Kripke structure of a [`Ctl`] seen as a [`Structure`] for [`fair`]:
/// once the budget ran out, no node has a successor, so the searches over
/// it end at once (their results are not used).
struct Nodes<'a, 'k, 'g>(&'a Ctl<'k, 'g>);

impl Structure for Nodes<'_, '_, '_> {
    fn successors(&mut self, p: u32) -> Vec<(u32, u32)> {
        if self.0.stopping() {
            return Vec::new();
        }
        (self.0.kripke.successors(p as usize))
            .map(|(m, via)| (m as u32, via))
            .collect()
    }

    fn marking(&self, p: u32) -> usize {
        self.0.kripke.marking(p as usize)
    }

    fn graph(&self) -> &MarkingGraph {
        self.0.kripke.graph
    }
}

/// What `EX`/`AX` see at a dead marking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextAtDeadlocks {
    /// The dead marking again (the stuttering self-loop): `EX f` and `AX f` are `f`.
    Stutter,
    /// Nothing (the run ends there, as in the Model Checking Contest): `EX f`
    /// is false and `AX f` true. `EG`, `EU` and their duals still read the
    /// run as maximal, ending at the dead marking.
    Nothing,
}

/// What a path must show to explain a verdict.
enum Shape {
    Next(Vec<bool>),
    Until(Vec<bool>, Vec<bool>),
    Globally(Vec<bool>),
}

impl<'k, 'g> Ctl<'k, 'g> {
    /// An evaluator over `kripke`; `atom(node, atom)` is the truth of an
    /// atom. Its fixpoints tick the budget installed on the thread
    /// ([`budget`]): `Err` here or from [`Ctl::sat`] and [`Ctl::explain`]
    /// once it ran out.
    pub fn new(
        kripke: &'k Kripke<'g>,
        atom: &'k dyn Fn(usize, usize) -> bool,
    ) -> Result<Self, Exhausted> {
        Ok(Ctl {
            kripke,
            atom,
            pred: kripke.predecessors()?,
            next_at_deadlocks: NextAtDeadlocks::Stutter,
            fairness: &[],
            fair: None,
            exhausted: Cell::new(None),
        })
    }

    /// Counts one step of a fixpoint: `true` once the installed budget ran
    /// out (remembered, so every later step stops at once).
    fn stopping(&self) -> bool {
        if self.exhausted.get().is_some() {
            return true;
        }
        match budget::tick() {
            Ok(()) => false,
            Err(why) => {
                self.exhausted.set(Some(why));
                true
            }
        }
    }

    /// `value`, unless the budget ran out while it, or anything it was
    /// built on, was computed.
    fn unless_stopped<T>(&self, value: T) -> Result<T, Exhausted> {
        self.exhausted.get().map_or(Ok(value), Err)
    }

    /// The same evaluator with its path quantifiers over the runs that meet
    /// `fairness` (every run when it is empty).
    pub fn with_fairness(mut self, fairness: &'k [Fairness]) -> Self {
        self.fairness = fairness;
        self.fair = None;
        if !fairness.is_empty() {
            let all = vec![true; self.kripke.len()];
            self.fair = Some(self.eg(&all));
        }
        self
    }

    /// `s` restricted to the nodes where a fair run starts.
    fn and_fair(&self, s: &[bool]) -> Vec<bool> {
        match &self.fair {
            Some(fair) => s.iter().zip(fair).map(|(a, b)| *a && *b).collect(),
            None => s.to_vec(),
        }
    }

    /// The same evaluator with `EX`/`AX` reading dead markings as `next`.
    pub fn with_next_at_deadlocks(mut self, next: NextAtDeadlocks) -> Self {
        self.next_at_deadlocks = next;
        self
    }

    /// The nodes where `f` holds; `Err` when the installed budget ran out.
    pub fn sat(&self, f: &Formula<usize>) -> Result<Vec<bool>, Exhausted> {
        let values = self.values(f);
        self.unless_stopped(values)
    }

    /// The nodes where `f` holds, incomplete once a fixpoint stopped.
    fn values(&self, f: &Formula<usize>) -> Vec<bool> {
        let n = self.kripke.len();
        match f {
            Formula::Const(v) => vec![*v; n],
            Formula::Atom(a) => (0..n).map(|s| (self.atom)(s, *a)).collect(),
            Formula::Not(x) => self.values(x).into_iter().map(|v| !v).collect(),
            Formula::And(x, y) => zip(self.values(x), self.values(y), |a, b| a && b),
            Formula::Or(x, y) => zip(self.values(x), self.values(y), |a, b| a || b),
            Formula::Implies(x, y) => zip(self.values(x), self.values(y), |a, b| !a || b),
            Formula::Path(q, inner) => {
                let e = self.exists(inner, *q == PathQuantifier::All);
                if *q == PathQuantifier::All {
                    e.into_iter().map(|v| !v).collect()
                } else {
                    e
                }
            }
            // Path operators outside a quantifier do not pass the parser for
            // CTL; read them as universally quantified.
            other => self.exists(other, true).into_iter().map(|v| !v).collect(),
        }
    }

    /// `E inner`, or with `dual`, `E` of the negation of `inner` (so that
    /// `A inner` is its complement).
    fn exists(&self, inner: &Formula<usize>, dual: bool) -> Vec<bool> {
        let not = |v: Vec<bool>| v.into_iter().map(|b| !b).collect::<Vec<_>>();
        let pos = |f: &Formula<usize>| self.values(f);
        let neg = |f: &Formula<usize>| not(self.values(f));
        let all = vec![true; self.kripke.len()];
        match (inner, dual) {
            (Formula::Next(x), false) => self.ex(&pos(x)),
            (Formula::Next(x), true) => self.ex(&neg(x)),
            (Formula::Finally(x), false) => self.eu(&all, &pos(x)),
            (Formula::Finally(x), true) => self.eg(&neg(x)),
            (Formula::Globally(x), false) => self.eg(&pos(x)),
            (Formula::Globally(x), true) => self.eu(&all, &neg(x)),
            (Formula::Until(x, y), false) => self.eu(&pos(x), &pos(y)),
            (Formula::Until(x, y), true) => {
                // not (x U y) = (not y) U (not x and not y)  or  G not y
                let (nx, ny) = (neg(x), neg(y));
                let both = zip(nx, ny.clone(), |a, b| a && b);
                zip(self.eu(&ny, &both), self.eg(&ny), |a, b| a || b)
            }
            (Formula::Release(x, y), false) => {
                let (px, py) = (pos(x), pos(y));
                let both = zip(px, py.clone(), |a, b| a && b);
                zip(self.eu(&py, &both), self.eg(&py), |a, b| a || b)
            }
            (Formula::Release(x, y), true) => self.eu(&neg(x), &neg(y)),
            (state, false) => pos(state),
            (state, true) => neg(state),
        }
    }

    fn ex(&self, s: &[bool]) -> Vec<bool> {
        let s = &self.and_fair(s);
        (0..self.kripke.len())
            .map(|n| {
                !self.stopping()
                    && self
                        .kripke
                        .successors(n)
                        .any(|(m, via)| s[m] && self.ex_follows(via))
            })
            .collect()
    }

    /// Whether `EX` may follow an edge taken `via` (not a dead marking's loop when next is nothing there).
    fn ex_follows(&self, via: u32) -> bool {
        via != STUTTER || self.next_at_deadlocks == NextAtDeadlocks::Stutter
    }

    fn eu(&self, a: &[bool], b: &[bool]) -> Vec<bool> {
        self.backward_within(self.and_fair(b), a)
    }

    /// `out` (the seeds) with every node of `within` from which, through nodes of
    /// `within`, a seed can be reached (a breadth-first search backward).
    fn backward_within(&self, mut out: Vec<bool>, within: &[bool]) -> Vec<bool> {
        let mut queue: VecDeque<usize> = (0..out.len()).filter(|&n| out[n]).collect();
        while let Some(n) = queue.pop_front() {
            if self.stopping() {
                break;
            }
            for &p in self.pred.of(n) {
                let p = p as usize;
                if !out[p] && within[p] {
                    out[p] = true;
                    queue.push_back(p);
                }
            }
        }
        out
    }

    fn eg(&self, g: &[bool]) -> Vec<bool> {
        if !self.fairness.is_empty() {
            return self.fair_eg(g);
        }
        let mut out = g.to_vec();
        let mut count: Vec<usize> = (0..out.len())
            .map(|n| {
                if self.stopping() {
                    0
                } else {
                    self.kripke.successors(n).filter(|(m, _)| g[*m]).count()
                }
            })
            .collect();
        let mut queue: VecDeque<usize> = (0..out.len())
            .filter(|&n| out[n] && count[n] == 0)
            .collect();
        for &n in &queue {
            out[n] = false;
        }
        while let Some(n) = queue.pop_front() {
            if self.stopping() {
                break;
            }
            for &p in self.pred.of(n) {
                let p = p as usize;
                if out[p] {
                    count[p] -= 1;
                    if count[p] == 0 {
                        out[p] = false;
                        queue.push_back(p);
                    }
                }
            }
        }
        out
    }

    /// `EG g` over fair runs: the `g` nodes from which, within `g`, a node
    /// of a fair cycle inside `g` can be reached.
    fn fair_eg(&self, g: &[bool]) -> Vec<bool> {
        let set: Vec<u32> = (0..g.len()).filter(|&n| g[n]).map(|n| n as u32).collect();
        let mut nodes = Nodes(self);
        let mut on_fair_cycle = vec![false; g.len()];
        for component in fair::components_within(&mut nodes, &set) {
            for part in fair::fair_parts(&mut nodes, self.fairness, component, &|_, _| true) {
                for n in part {
                    on_fair_cycle[n as usize] = true;
                }
            }
        }
        // Backward from the fair cycles through `g` (not `eu`, which would
        // intersect with `fair`, itself computed here).
        self.backward_within(on_fair_cycle, g)
    }

    /// A path from the initial node explaining why `f` has the verdict
    /// `holds` there: a witness of an existential formula that holds, a
    /// counterexample of a universal one that fails; `None` where no single
    /// path explains it (e.g. `EF g` failing). Under fairness a finite path
    /// ends where a fair run starts, and a lasso's cycle is fair. `Err` when
    /// the installed budget ran out.
    pub fn explain(&self, f: &Formula<usize>, holds: bool) -> Result<Option<Path>, Exhausted> {
        let path = self.path(f, holds);
        self.unless_stopped(path)
    }

    /// [`Ctl::explain`], meaningless once a fixpoint stopped.
    fn path(&self, f: &Formula<usize>, holds: bool) -> Option<Path> {
        let shape = self.shape(f, holds)?;
        match shape {
            Shape::Next(s) => {
                let s = self.and_fair(&s);
                self.kripke
                    .successors(0)
                    .find(|&(m, via)| s[m] && self.ex_follows(via))
                    .map(|step| Path {
                        stem: vec![step],
                        cycle: Vec::new(),
                    })
            }
            Shape::Until(a, b) => self.until_path(&a, &self.and_fair(&b)).map(|stem| Path {
                stem,
                cycle: Vec::new(),
            }),
            Shape::Globally(g) if self.fairness.is_empty() => self.globally_path(&self.eg(&g)),
            Shape::Globally(g) => {
                // A fair run that stays in `g`: a counterexample of `F !g`
                // (the atom 0 standing for `g`), with the shortest stem.
                let in_g = move |n: usize, _: usize| g[n];
                let stays = Formula::Not(Box::new(Formula::Globally(Box::new(Formula::Atom(0)))));
                match Ltl::new(self.kripke, &stays, &in_g, self.fairness).counterexample() {
                    Ok(lasso) => lasso,
                    Err(why) => {
                        self.exhausted.set(Some(why));
                        None
                    }
                }
            }
        }
    }

    fn shape(&self, f: &Formula<usize>, holds: bool) -> Option<Shape> {
        let not = |v: Vec<bool>| v.into_iter().map(|b| !b).collect::<Vec<_>>();
        let all = vec![true; self.kripke.len()];
        match (f, holds) {
            (Formula::Not(x), _) => self.shape(x, !holds),
            (Formula::And(x, y), false) | (Formula::Implies(x, y), true) => {
                let first_fails = !self.values(x)[0];
                if matches!(f, Formula::And(..)) {
                    if first_fails {
                        self.shape(x, false)
                    } else {
                        self.shape(y, false)
                    }
                } else if first_fails {
                    None
                } else {
                    self.shape(y, true)
                }
            }
            (Formula::Path(q, inner), _) => {
                let existential = (*q == PathQuantifier::Exists) == holds;
                if !existential {
                    return None;
                }
                // Explain `E inner` (holds) or `E not inner` (the A formula fails).
                let s = |x: &Formula<usize>| {
                    let v = self.values(x);
                    if holds { v } else { not(v) }
                };
                Some(match (inner.as_ref(), holds) {
                    (Formula::Next(x), _) => Shape::Next(s(x)),
                    (Formula::Finally(x), true) | (Formula::Globally(x), false) => {
                        Shape::Until(all, s(x))
                    }
                    (Formula::Globally(x), true) | (Formula::Finally(x), false) => {
                        Shape::Globally(s(x))
                    }
                    (Formula::Until(x, y), true) => Shape::Until(s(x), s(y)),
                    (Formula::Release(x, y), false) => Shape::Until(s(x), s(y)),
                    (Formula::Until(x, y), false) | (Formula::Release(x, y), true) => {
                        // E(x' R y') with x', y' the explained forms: y' U (x' and y'), or G y'.
                        let (sx, sy) = (s(x), s(y));
                        let (x2, y2) = if holds { (sx, sy) } else { (sy, sx) };
                        // For the failing until: not(x U y) = (not y) R (not x) = R with x2 = not y... see `exists`.
                        let (r_left, r_right) = if holds { (x2, y2) } else { (y2, x2) };
                        let both = zip(r_left, r_right.clone(), |a, b| a && b);
                        if self.eu(&r_right, &both)[0] {
                            Shape::Until(r_right, both)
                        } else {
                            Shape::Globally(r_right)
                        }
                    }
                    _ => return None,
                })
            }
            _ => None,
        }
    }

    /// The shortest path from the initial node through `a` nodes to a `b` node.
    fn until_path(&self, a: &[bool], b: &[bool]) -> Option<Vec<(usize, u32)>> {
        let n = self.kripke.len();
        let mut parent: Vec<Option<(usize, u32)>> = vec![None; n];
        let mut seen = vec![false; n];
        seen[0] = true;
        let mut queue = VecDeque::from([0usize]);
        while let Some(s) = queue.pop_front() {
            if self.stopping() {
                return None;
            }
            if b[s] {
                let mut steps = Vec::new();
                let mut at = s;
                while let Some((p, via)) = parent[at] {
                    steps.push((at, via));
                    at = p;
                }
                steps.reverse();
                return Some(steps);
            }
            if !a[s] {
                continue;
            }
            for (m, via) in self.kripke.successors(s) {
                if !seen[m] {
                    seen[m] = true;
                    parent[m] = Some((s, via));
                    queue.push_back(m);
                }
            }
        }
        None
    }

    /// A lasso from the initial node staying in `g` (a set closed under
    /// "has a successor in the set"), if the initial node is in it.
    fn globally_path(&self, g: &[bool]) -> Option<Path> {
        if !g[0] {
            return None;
        }
        let mut order: Vec<(usize, u32)> = Vec::new();
        let mut position = vec![usize::MAX; g.len()];
        let mut at = 0usize;
        position[0] = 0;
        loop {
            let (m, via) = self.kripke.successors(at).find(|(m, _)| g[*m])?;
            if position[m] != usize::MAX {
                order.push((m, via));
                let split = position[m];
                let cycle = order.split_off(split);
                return Some(Path { stem: order, cycle });
            }
            order.push((m, via));
            position[m] = order.len();
            at = m;
        }
    }
}

fn zip(a: Vec<bool>, b: Vec<bool>, f: impl Fn(bool, bool) -> bool) -> Vec<bool> {
    a.into_iter().zip(b).map(|(x, y)| f(x, y)).collect()
}
