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
use super::branching::is_state;
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

/// What a path must show to explain a verdict, from the node it starts at.
enum Shape<'f> {
    /// One step into the set, then the explanation of one of the goals there.
    Next(Vec<bool>, Goals<'f>),
    /// Through the first set to a node of the second, then the explanation
    /// of one of the goals there.
    Until(Vec<bool>, Vec<bool>, Goals<'f>),
    /// A lasso staying in the set.
    Globally(Vec<bool>),
}

/// Subformulas with the verdict each has where a finite path ends; the
/// path goes on with the first of them that a path explains.
type Goals<'f> = Vec<(&'f Formula<usize>, bool)>;

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
    /// counterexample of a universal one that fails, continued where it ends
    /// by the explanation of the nested subformula that decides there
    /// (`path_from`); `None` where no single path explains it (e.g.
    /// `EF g` failing). Paths are shortest; a lasso has the shortest stem to
    /// a node on a cycle it may take, then the shortest such cycle through
    /// that node (`shortest_lasso`). Under fairness a finite path
    /// ends where a fair run starts, and a lasso's cycle is fair. `Err` when
    /// the installed budget ran out.
    pub fn explain(&self, f: &Formula<usize>, holds: bool) -> Result<Option<Path>, Exhausted> {
        let path = self.path(f, holds);
        self.unless_stopped(path)
    }

    /// [`Ctl::explain`], meaningless once a fixpoint stopped.
    fn path(&self, f: &Formula<usize>, holds: bool) -> Option<Path> {
        self.path_from(0, f, holds)
    }

    /// A path from node `from` explaining why `f` has the verdict `holds`
    /// there, its steps from `from`: the path of `f`'s outermost operator,
    /// continued where it ends by the path of the subformula whose verdict
    /// there makes it a witness or counterexample (`AG AF p` failing: a
    /// path to a node where `AF p` fails, then the lasso avoiding `p` from
    /// it).
    fn path_from(&self, from: usize, f: &Formula<usize>, holds: bool) -> Option<Path> {
        match f {
            Formula::Not(x) => self.path_from(from, x, !holds),
            Formula::And(x, y) | Formula::Or(x, y) | Formula::Implies(x, y) => {
                (self.operands(from, f, x, y, holds)).find_map(|(g, v)| self.path_from(from, g, v))
            }
            Formula::Path(q, inner) if (*q == PathQuantifier::Exists) == holds => {
                self.quantified_path(from, inner, holds)
            }
            _ => None,
        }
    }

    /// [`Ctl::path_from`] for `E inner` (`holds`) or `A inner` (failing).
    fn quantified_path(&self, from: usize, inner: &Formula<usize>, holds: bool) -> Option<Path> {
        let (stem, goals) = match self.path_shape(from, inner, holds) {
            Shape::Next(s, goals) => {
                let s = self.and_fair(&s);
                let step = (self.kripke.successors(from))
                    .find(|&(m, via)| s[m] && self.ex_follows(via))?;
                (vec![step], goals)
            }
            Shape::Until(a, b, goals) => (self.until_path(from, &a, &self.and_fair(&b))?, goals),
            Shape::Globally(g) => return self.globally_path(from, g),
        };
        let end = stem.last().map_or(from, |step| step.0);
        let rest = goals.iter().find_map(|&(g, v)| self.path_from(end, g, v));
        let shown_by_end = goals.iter().any(|&(g, v)| self.by_state(end, g, v));
        if stem.is_empty() && rest.is_none() && !shown_by_end {
            // No step, and nothing the node itself shows.
            return None;
        }
        let rest = rest.unwrap_or_default();
        Some(Path {
            stem: stem.into_iter().chain(rest.stem).collect(),
            cycle: rest.cycle,
        })
    }

    /// A lasso from `from` staying in `g` (the nodes where the subformula
    /// `EG` quantifies over holds); under fairness its cycle is fair.
    fn globally_path(&self, from: usize, g: Vec<bool>) -> Option<Path> {
        if self.fairness.is_empty() {
            return self.shortest_lasso(from, &self.eg(&g));
        }
        // A fair run that stays in `g`: a counterexample of `F !g` (the
        // atom 0 standing for `g`) from `from`, with the shortest stem.
        let in_g = move |n: usize, _: usize| g[n];
        let stays = Formula::Not(Box::new(Formula::Globally(Box::new(Formula::Atom(0)))));
        let mut ltl = Ltl::new(self.kripke, &stays, &in_g, self.fairness).starting_at(from);
        match ltl.counterexample() {
            Ok(lasso) => lasso,
            Err(why) => {
                self.exhausted.set(Some(why));
                None
            }
        }
    }

    /// Whether the verdict `holds` of `f` at `node` follows from formulas
    /// without path quantifier read at `node` (the node alone shows it).
    fn by_state(&self, node: usize, f: &Formula<usize>, holds: bool) -> bool {
        match f {
            Formula::Not(x) => self.by_state(node, x, !holds),
            Formula::And(x, y) | Formula::Or(x, y) | Formula::Implies(x, y) => {
                (self.operands(node, f, x, y, holds)).any(|(g, v)| self.by_state(node, g, v))
            }
            f => is_state(f),
        }
    }

    /// The operands `x` and `y` of the boolean `f` whose verdicts at `node`
    /// give `f` its verdict `holds` (both, or the ones that decide), each
    /// with its verdict.
    fn operands<'f>(
        &self,
        node: usize,
        f: &Formula<usize>,
        x: &'f Formula<usize>,
        y: &'f Formula<usize>,
        holds: bool,
    ) -> impl Iterator<Item = (&'f Formula<usize>, bool)> {
        let implies = matches!(f, Formula::Implies(..));
        let (vx, vy) = (self.values(x)[node], self.values(y)[node]);
        [(x, vx, vx != implies), (y, vy, vy)]
            .into_iter()
            .filter(move |&(_, _, counts)| counts == holds)
            .map(|(g, v, _)| (g, v))
    }

    /// The shape of the path explaining `E inner` (`holds`) or `E not
    /// inner` (the `A` formula fails) from `from`.
    fn path_shape<'f>(&self, from: usize, inner: &'f Formula<usize>, holds: bool) -> Shape<'f> {
        // The nodes where `x` has the verdict the path needs.
        let s = |x: &Formula<usize>| {
            let v = self.values(x);
            if holds {
                v
            } else {
                v.into_iter().map(|b| !b).collect()
            }
        };
        let all = vec![true; self.kripke.len()];
        match (inner, holds) {
            (Formula::Next(x), _) => Shape::Next(s(x), vec![(x, holds)]),
            (Formula::Finally(x), true) | (Formula::Globally(x), false) => {
                Shape::Until(all, s(x), vec![(x, holds)])
            }
            (Formula::Globally(x), true) | (Formula::Finally(x), false) => Shape::Globally(s(x)),
            (Formula::Until(x, y), true) | (Formula::Release(x, y), false) => {
                // E(x U y), or E(!x U !y) refuting x R y.
                Shape::Until(s(x), s(y), vec![(y, holds)])
            }
            (Formula::Until(x, y) | Formula::Release(x, y), _) => {
                // E(x R y) = E(y U (x and y)) or EG y, with x and y in their
                // explained forms (negated refuting x U y).
                let (sx, sy) = (s(x), s(y));
                let both = zip(sx, sy.clone(), |a, b| a && b);
                if self.eu(&sy, &both)[from] {
                    Shape::Until(sy, both, vec![(x, holds), (y, holds)])
                } else {
                    Shape::Globally(sy)
                }
            }
            // Not CTL (the parser lets no other formula follow a quantifier).
            (state, _) => Shape::Until(all.clone(), all, vec![(state, holds)]),
        }
    }

    /// A shortest path from `from` through `a` nodes to a `b` node (no step
    /// when `from` is one).
    fn until_path(&self, from: usize, a: &[bool], b: &[bool]) -> Option<Vec<(usize, u32)>> {
        let mut parent: Vec<Option<(usize, u32)>> = vec![None; self.kripke.len()];
        let mut seen = vec![false; self.kripke.len()];
        seen[from] = true;
        let mut queue = VecDeque::from([from]);
        while let Some(s) = queue.pop_front() {
            if self.stopping() {
                return None;
            }
            if b[s] {
                return Some(steps_to(&parent, s));
            }
            if !a[s] {
                continue;
            }
            for (m, via) in self.kripke.successors(s) {
                if !std::mem::replace(&mut seen[m], true) {
                    parent[m] = Some((s, via));
                    queue.push_back(m);
                }
            }
        }
        None
    }

    /// A lasso from `from` staying in `g` (a set closed under "has a
    /// successor in the set"), if `from` is in it: the shortest stem to the
    /// nearest node on a cycle inside `g`, then the shortest such cycle
    /// through that node.
    fn shortest_lasso(&self, from: usize, g: &[bool]) -> Option<Path> {
        if !g[from] {
            return None;
        }
        let on_cycle = self.on_cycle_within(g);
        let stem = self.until_path(from, g, &on_cycle)?;
        let entry = stem.last().map_or(from, |step| step.0);
        let cycle = self.shortest_cycle(entry, g)?;
        Some(Path { stem, cycle })
    }

    /// The nodes of `g` that lie on a cycle inside `g`.
    fn on_cycle_within(&self, g: &[bool]) -> Vec<bool> {
        let set: Vec<u32> = (0..g.len()).filter(|&n| g[n]).map(|n| n as u32).collect();
        let mut on_cycle = vec![false; g.len()];
        for component in fair::components_within(&mut Nodes(self), &set) {
            let first = component[0] as usize;
            let cyclic =
                component.len() > 1 || self.kripke.successors(first).any(|(m, _)| m == first);
            for n in component.into_iter().filter(|_| cyclic) {
                on_cycle[n as usize] = true;
            }
        }
        on_cycle
    }

    /// A shortest cycle inside `g` from `entry` back to it, by a
    /// breadth-first search.
    fn shortest_cycle(&self, entry: usize, g: &[bool]) -> Option<Vec<(usize, u32)>> {
        let mut parent: Vec<Option<(usize, u32)>> = vec![None; self.kripke.len()];
        let mut seen = vec![false; self.kripke.len()];
        let mut queue = VecDeque::from([entry]);
        while let Some(s) = queue.pop_front() {
            if self.stopping() {
                return None;
            }
            for (m, via) in self.kripke.successors(s) {
                if m == entry {
                    let mut cycle = steps_to(&parent, s);
                    cycle.push((m, via));
                    return Some(cycle);
                }
                if g[m] && !std::mem::replace(&mut seen[m], true) {
                    parent[m] = Some((s, via));
                    queue.push_back(m);
                }
            }
        }
        None
    }
}

/// The steps of a breadth-first search's tree (`parent` of each node
/// reached: the node before and the edge) from its root to `to`.
fn steps_to(parent: &[Option<(usize, u32)>], to: usize) -> Vec<(usize, u32)> {
    let mut steps = Vec::new();
    let mut at = to;
    while let Some((p, via)) = parent[at] {
        steps.push((at, via));
        at = p;
    }
    steps.reverse();
    steps
}

fn zip(a: Vec<bool>, b: Vec<bool>, f: impl Fn(bool, bool) -> bool) -> Vec<bool> {
    a.into_iter().zip(b).map(|(x, y)| f(x, y)).collect()
}
