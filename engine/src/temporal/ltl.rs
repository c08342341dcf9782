//! LTL by the automata-theoretic approach, with fairness.
//!
//! The automaton of the negated formula ([`buchi::translate`]) runs in
//! lockstep with the Kripke structure: a product state is (node, automaton
//! state) where the node satisfies the state's literals. The product is
//! explored on the fly by Tarjan's algorithm from its initial states; as
//! each strongly connected component is completed it is tested for a fair
//! accepting cycle (it has an inner edge, meets every acceptance set, and
//! meets the fairness assumptions: [`fair::fair_parts`]).
//!
//! [`Ltl::holds`] stops at the first such component (the verdict is known);
//! without fairness it stops earlier, as soon as the part of a component
//! found so far meets every acceptance set (Couvreur's roots, `Roots`),
//! which on a net whose graph is one large component is long before the
//! component is complete.
//! [`Ltl::counterexample`] explores the whole product, collects every fair
//! accepting part, and builds the lasso with the shortest stem of all: a
//! breadth-first search from the initial states to the nearest state of any
//! part, then, inside that part, a cycle through every acceptance set and
//! every transition fairness requires. Successors are visited in a fixed
//! order, so the verdict and the lasso do not depend on the thread count.

use std::collections::{HashMap, VecDeque};
use std::ops::ControlFlow;

use super::fair::{self, Set, Structure};
use super::graph::MarkingGraph;

use super::buchi::{self, Automaton};
use super::formula::Formula;
use super::kripke::Kripke;
use super::kripke::Path;
use super::{Fairness, Strength};
use crate::budget::{self, Exhausted};
use crate::scc::{Tarjan, Visitor};

impl Structure for Ltl<'_, '_> {
    fn successors(&mut self, p: u32) -> Vec<(u32, u32)> {
        Ltl::successors(self, p)
    }

    fn marking(&self, p: u32) -> usize {
        self.kripke.marking(self.states[p as usize].0 as usize)
    }

    fn graph(&self) -> &MarkingGraph {
        self.kripke.graph
    }
}

/// The LTL checker of one formula over one Kripke structure.
pub struct Ltl<'k, 'g> {
    kripke: &'k Kripke<'g>,
    automaton: Automaton,
    atom: &'k dyn Fn(usize, usize) -> bool,
    fairness: &'k [Fairness],
    states: Vec<(u32, u32)>,
    /// The number + 1 of product state (node `n`, automaton state `q`) at
    /// `n * automaton states + q`, 0 while not visited: a zeroed array,
    /// whose pages the kernel provides as they are first written.
    ids: Vec<u32>,
    letters: Option<Letters>,
    /// Why the budget installed on the thread ([`budget`]) stopped the
    /// search, if it did.
    stopped: Option<Exhausted>,
    /// The node the runs start from (the initial one unless [`Ltl::starting_at`]).
    start: usize,
}

/// The labels as bit masks, when the formula has at most 64 atoms: node
/// `n` reads letter `letters[n]` (bit `i`: the `i`-th atom holds), and
/// automaton state `q` accepts it when `letter & mask == value`.
struct Letters {
    letters: Vec<u64>,
    labels: Vec<(u64, u64)>,
}

impl Letters {
    fn new(
        kripke: &Kripke<'_>,
        automaton: &Automaton,
        atom: &dyn Fn(usize, usize) -> bool,
    ) -> Option<Letters> {
        let mut atoms: Vec<usize> = automaton
            .states
            .iter()
            .flat_map(|q| q.literals.iter().map(|&(a, _)| a))
            .collect();
        atoms.sort_unstable();
        atoms.dedup();
        if atoms.len() > 64 {
            return None;
        }
        let bit = |a: usize| 1u64 << atoms.binary_search(&a).unwrap_or(0);
        let labels = automaton
            .states
            .iter()
            .map(|q| {
                q.literals.iter().fold((0, 0), |(mask, value), &(a, p)| {
                    (mask | bit(a), if p { value | bit(a) } else { value })
                })
            })
            .collect();
        let letters = (0..kripke.len())
            .map(|n| {
                atoms
                    .iter()
                    .enumerate()
                    .filter(|&(_, &a)| atom(n, a))
                    .fold(0u64, |l, (i, _)| l | 1 << i)
            })
            .collect();
        Some(Letters { letters, labels })
    }
}

/// A product edge: (target product state, marking-graph edge or
/// [`STUTTER`](super::kripke::STUTTER)).
type Edge = (u32, u32);

/// A state a lasso's cycle must visit.
type Goal<'k, 'g> = Box<dyn Fn(&Ltl<'k, 'g>, u32) -> bool>;

impl<'k, 'g> Ltl<'k, 'g> {
    /// A checker of `formula` over `kripke`; `atom(node, atom)` is the truth of an atom.
    pub fn new(
        kripke: &'k Kripke<'g>,
        formula: &Formula<usize>,
        atom: &'k dyn Fn(usize, usize) -> bool,
        fairness: &'k [Fairness],
    ) -> Self {
        let negated = Formula::Not(Box::new(formula.clone()));
        let automaton = buchi::translate(&negated);
        let letters = Letters::new(kripke, &automaton, atom);
        let ids = vec![0; kripke.len() * automaton.states.len()];
        Ltl {
            kripke,
            automaton,
            atom,
            fairness,
            states: Vec::new(),
            ids,
            letters,
            stopped: None,
            start: 0,
        }
    }

    /// The same checker, for the runs from node `node` rather than the initial one.
    pub fn starting_at(mut self, node: usize) -> Self {
        self.start = node;
        self
    }

    /// The number of automaton states (for reports).
    pub fn automaton_states(&self) -> usize {
        self.automaton.states.len()
    }

    /// The number of product states visited so far.
    pub fn product_states(&self) -> usize {
        self.states.len()
    }

    fn id(&mut self, node: usize, q: usize) -> u32 {
        let slot = node * self.automaton.states.len() + q;
        if let Some(id) = self.ids[slot].checked_sub(1) {
            return id;
        }
        self.states.push((node as u32, q as u32));
        let id = (self.states.len() - 1) as u32;
        self.ids[slot] = id + 1;
        id
    }

    fn label_holds(&self, node: usize, q: usize) -> bool {
        if let Some(l) = &self.letters {
            let (mask, value) = l.labels[q];
            return l.letters[node] & mask == value;
        }
        self.automaton.states[q].accepts(|a| (self.atom)(node, a))
    }

    fn initial(&mut self) -> Vec<u32> {
        let qs: Vec<usize> = (0..self.automaton.states.len())
            .filter(|&q| self.automaton.states[q].initial && self.label_holds(self.start, q))
            .collect();
        qs.into_iter().map(|q| self.id(self.start, q)).collect()
    }

    fn successors(&mut self, p: u32) -> Vec<Edge> {
        let (node, q) = self.states[p as usize];
        let mut out = Vec::new();
        let kripke = self.kripke;
        for (m, via) in kripke.successors(node as usize) {
            for i in 0..self.automaton.states[q as usize].successors.len() {
                let q2 = self.automaton.states[q as usize].successors[i];
                if self.label_holds(m, q2) {
                    out.push((self.id(m, q2), via));
                }
            }
        }
        out
    }

    /// Whether the formula holds on every fair run; the search stops at the
    /// first fair accepting cycle. Each product state ticks the budget
    /// installed on the thread ([`budget`]): `Err` when it ran out before
    /// the verdict was known (a violation found before that still counts).
    pub fn holds(&mut self) -> Result<bool, Exhausted> {
        let initial = self.initial();
        let holds = self.search(&initial, true).is_empty();
        match self.stopped {
            Some(why) if holds => Err(why),
            _ => Ok(holds),
        }
    }

    /// A fair run violating the formula, as a lasso with the shortest stem
    /// of all such lassos, or `None` if the formula holds. This explores
    /// the whole product (every fair accepting cycle is a candidate); `Err`
    /// when the installed budget ran out before it was explored.
    pub fn counterexample(&mut self) -> Result<Option<Path>, Exhausted> {
        let initial = self.initial();
        let parts = self.search(&initial, false);
        match self.stopped {
            Some(why) => Err(why),
            None => Ok(self.lasso_through(&initial, &parts)),
        }
    }

    /// The lasso with the shortest stem from `initial` into one of the fair
    /// accepting `parts`, if there is one.
    fn lasso_through(&mut self, initial: &[u32], parts: &[Vec<u32>]) -> Option<Path> {
        if parts.is_empty() {
            // The formula holds: no need to search the product again for a way in.
            return None;
        }
        let part_of: HashMap<u32, usize> = parts
            .iter()
            .enumerate()
            .flat_map(|(i, part)| part.iter().map(move |&p| (p, i)))
            .collect();
        let (start, stem) = self.shortest(initial, None, &|_, p| part_of.contains_key(&p))?;
        let entry = stem.last().map_or(start, |s| s.0);
        let mut path = self.lasso(stem, entry, &parts[part_of[&entry]]);
        roll(&mut path, self.start);
        Some(path)
    }

    /// Tarjan's algorithm from `roots`; returns the fair accepting parts of
    /// the components, only the first one found when `first` is set.
    fn search(&mut self, roots: &[u32], first: bool) -> Vec<Vec<u32>> {
        // Without fairness an accepting cycle is known before its component
        // is complete (the component's states found so far already meet every
        // acceptance set): Couvreur's roots tell.
        let early = if first && self.fairness.is_empty() {
            Roots::new(&self.automaton)
        } else {
            None
        };
        let mut search = ProductSearch {
            ltl: self,
            first,
            early,
            found: Vec::new(),
        };
        let mut tarjan = Tarjan::new();
        for &root in roots {
            if tarjan.search(&mut search, root).is_break() {
                break;
            }
        }
        search.found
    }

    /// Whether the component meets every acceptance set.
    fn accepting(&self, component: &[u32]) -> bool {
        (0..self.automaton.sets).all(|set| {
            component
                .iter()
                .any(|&p| self.automaton.states[self.states[p as usize].1 as usize].accepting[set])
        })
    }

    /// The shortest path from `from` (or from any of `starts`) to a state
    /// satisfying `goal`, moving inside `inside` when given.
    fn shortest(
        &mut self,
        starts: &[u32],
        inside: Option<&Set>,
        goal: &dyn Fn(&Self, u32) -> bool,
    ) -> Option<(u32, Vec<Edge>)> {
        let mut parent: HashMap<u32, Option<(u32, u32)>> = HashMap::new();
        let mut queue = VecDeque::new();
        for &s in starts {
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(s) {
                e.insert(None);
                queue.push_back(s);
            }
        }
        while let Some(p) = queue.pop_front() {
            if goal(self, p) {
                let mut steps = Vec::new();
                let mut at = p;
                while let Some(Some((from, via))) = parent.get(&at).copied() {
                    steps.push((at, via));
                    at = from;
                }
                steps.reverse();
                return Some((at, steps));
            }
            let succ = match inside {
                Some(inside) => fair::inner_edges(self, p, inside),
                None => Ltl::successors(self, p),
            };
            for (s, via) in succ {
                if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(s) {
                    e.insert(Some((p, via)));
                    queue.push_back(s);
                }
            }
        }
        None
    }

    /// A lasso: the shortest stem from the initial states into `component`,
    /// then a cycle inside it through every acceptance set and every firing fairness asks for.
    fn lasso(&mut self, stem: Vec<Edge>, entry: u32, component: &[u32]) -> Path {
        let inside: Set = component.iter().copied().collect();
        let mut cycle: Vec<Edge> = Vec::new();
        let mut at = entry;
        // States to visit.
        let mut goals: Vec<Goal<'k, 'g>> = Vec::new();
        for set in 0..self.automaton.sets {
            goals.push(Box::new(move |me: &Self, p: u32| {
                me.automaton.states[me.states[p as usize].1 as usize].accepting[set]
            }));
        }
        // Edges to take: (transition, binding).
        let mut firings: Vec<(usize, Option<u32>)> = Vec::new();
        for (t, b, strength) in fair::constraints(self, self.fairness, component) {
            let disabled = component.iter().any(|&p| !fair::enabled(self, p, t, b));
            match strength {
                Strength::Weak if disabled => {
                    goals.push(Box::new(move |me: &Self, p: u32| {
                        !fair::enabled(me, p, t, b)
                    }));
                }
                Strength::Strong if !component.iter().any(|&p| fair::enabled(self, p, t, b)) => {}
                _ => firings.push((t, b)),
            }
        }
        for goal in &goals {
            if let Some((_, steps)) = self.shortest(&[at], Some(&inside), goal.as_ref()) {
                at = steps.last().map_or(at, |s| s.0);
                cycle.extend(steps);
            }
        }
        for (t, b) in firings {
            let fires = |me: &mut Self, p: u32| -> Option<Edge> {
                fair::inner_edges(me, p, &inside)
                    .into_iter()
                    .find(|&(_, via)| fair::fires(me, via, t, b))
            };
            let sources: Vec<u32> = component
                .iter()
                .copied()
                .filter(|&p| fires(self, p).is_some())
                .collect();
            let found = self.shortest(&[at], Some(&inside), &|_, p| sources.contains(&p));
            if let Some((_, steps)) = found {
                at = steps.last().map_or(at, |s| s.0);
                cycle.extend(steps);
                if let Some(edge) = fires(self, at) {
                    cycle.push(edge);
                    at = edge.0;
                }
            }
        }
        if cycle.is_empty() || at != entry {
            if cycle.is_empty()
                && let Some(&edge) = fair::inner_edges(self, at, &inside).first()
            {
                cycle.push(edge);
                at = edge.0;
            }
            if at != entry {
                let back = self.shortest(&[at], Some(&inside), &|_, p| p == entry);
                if let Some((_, steps)) = back {
                    cycle.extend(steps);
                }
            }
        }
        let project = |me: &Self, steps: &[Edge]| -> Vec<(usize, u32)> {
            steps
                .iter()
                .map(|&(p, via)| (me.states[p as usize].0 as usize, via))
                .collect()
        };
        Path {
            stem: project(self, &stem),
            cycle: project(self, &cycle),
        }
    }
}

/// Moves the lasso's loop as early as the run allows: while the stem's last
/// step equals the cycle's last one and both leave the same node, the run is
/// already periodic one step earlier (the automaton needed those steps, the
/// run did not).
fn roll(path: &mut Path, start: usize) {
    let node_before = |steps: &[(usize, u32)], i: usize| match i {
        0 => None,
        i => Some(steps[i - 1].0),
    };
    while let (Some(&last), Some(&closing)) = (path.stem.last(), path.cycle.last()) {
        let (k, m) = (path.stem.len() - 1, path.cycle.len() - 1);
        // The node the stem's last step leaves (`start` first),
        // and the one the cycle's last step leaves.
        let stem_from = node_before(&path.stem, k).unwrap_or(start);
        let cycle_from = node_before(&path.cycle, m).unwrap_or(closing.0);
        if last != closing || stem_from != cycle_from {
            break;
        }
        path.stem.pop();
        path.cycle.pop();
        path.cycle.insert(0, last);
    }
}

/// The product explored by Tarjan's search: what it does with each state
/// and component.
struct ProductSearch<'s, 'k, 'g> {
    ltl: &'s mut Ltl<'k, 'g>,
    /// Stop at the first fair accepting part.
    first: bool,
    early: Option<Roots>,
    /// The fair accepting parts found so far.
    found: Vec<Vec<u32>>,
}

impl Visitor for ProductSearch<'_, '_, '_> {
    fn successors(&mut self, p: u32, out: &mut Vec<u32>) {
        out.extend(self.ltl.successors(p).into_iter().map(|(s, _)| s));
    }

    fn entered(&mut self, p: u32, number: u32) -> ControlFlow<()> {
        if let Err(why) = budget::tick() {
            self.ltl.stopped = Some(why);
            return ControlFlow::Break(());
        }
        if let Some(early) = &mut self.early {
            early.visit(number, self.ltl.states[p as usize].1);
        }
        ControlFlow::Continue(())
    }

    fn closes_cycle(&mut self, _: u32, s: u32, number: u32, stack: &[u32]) -> ControlFlow<()> {
        let Some(early) = &mut self.early else {
            return ControlFlow::Continue(());
        };
        if !early.back_edge(number) {
            return ControlFlow::Continue(());
        }
        // The states from s up on the stack lie on a cycle through s.
        let from = stack.iter().rposition(|&t| t == s).unwrap_or(0);
        self.found.push(stack[from..].to_vec());
        ControlFlow::Break(())
    }

    fn completed(&mut self, nodes: &[u32], root_number: u32, cyclic: bool) -> ControlFlow<()> {
        if let Some(early) = &mut self.early {
            early.finish(root_number);
        }
        // A single state without a self-loop has no cycle.
        if !cyclic {
            return ControlFlow::Continue(());
        }
        let mut component = nodes.to_vec();
        component.sort_unstable();
        let fairness = self.ltl.fairness;
        let parts = fair::fair_parts(self.ltl, fairness, component, &Ltl::accepting);
        self.found.extend(parts);
        if self.first && !self.found.is_empty() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// Couvreur's detection of accepting cycles on the fly ("On-the-fly
/// verification of linear temporal logic", 1999), beside Tarjan's search: a
/// stack of the roots of the partial components on Tarjan's stack, each with
/// the acceptance sets its states meet. An edge back to a state on Tarjan's
/// stack closes a cycle: the roots above that state's merge into one
/// component, and once a component meets every acceptance set it has an
/// accepting cycle, before it is complete.
struct Roots {
    /// The acceptance sets of each automaton state, as bits.
    sets_of: Vec<u64>,
    /// Every acceptance set.
    all: u64,
    /// (Tarjan number of the root, acceptance sets met).
    stack: Vec<(u32, u64)>,
}

impl Roots {
    /// The roots for `automaton`; `None` if it has more than 64 acceptance sets.
    fn new(automaton: &Automaton) -> Option<Roots> {
        if automaton.sets > 64 {
            return None;
        }
        let bits = |accepting: &[bool]| {
            accepting
                .iter()
                .enumerate()
                .filter(|&(_, &a)| a)
                .fold(0u64, |m, (i, _)| m | 1 << i)
        };
        Some(Roots {
            sets_of: automaton
                .states
                .iter()
                .map(|q| bits(&q.accepting))
                .collect(),
            all: if automaton.sets == 64 {
                u64::MAX
            } else {
                (1u64 << automaton.sets) - 1
            },
            stack: Vec::new(),
        })
    }

    /// A new state numbered `number`, of automaton state `q`: its own root.
    fn visit(&mut self, number: u32, q: u32) {
        self.stack.push((number, self.sets_of[q as usize]));
    }

    /// An edge back to the state numbered `target`, on Tarjan's stack:
    /// whether the component it closes meets every acceptance set.
    fn back_edge(&mut self, target: u32) -> bool {
        let mut met = 0;
        while let Some(&(root, sets)) = self.stack.last() {
            if root <= target {
                break;
            }
            met |= sets;
            self.stack.pop();
        }
        match self.stack.last_mut() {
            Some(top) => {
                top.1 |= met;
                top.1 & self.all == self.all
            }
            None => false,
        }
    }

    /// The component rooted at the state numbered `number` is complete.
    fn finish(&mut self, number: u32) {
        if self.stack.last().is_some_and(|&(root, _)| root == number) {
            self.stack.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    use crate::budget::{Budget, resident_bytes};
    use crate::temporal::graph::{Expansion, Limits, MarkingGraph};

    /// The ring `x -> x + 1 (mod n)`; atom 0 holds at odd x.
    fn ring(n: u32) -> MarkingGraph {
        let built = MarkingGraph::build_with(vec![0], 1, 0, Limits::default(), None, |s| {
            Ok::<_, ()>(Expansion {
                successors: vec![(vec![(s[0] + 1) % n], 0, None, Vec::new())],
                bits: vec![u64::from(s[0] % 2)],
            })
        });
        built.unwrap_or_else(|_| panic!("no limit was set"))
    }

    #[test]
    fn the_budget_stops_the_product_search_without_a_verdict() {
        // G F odd holds on the ring, so the whole product is searched.
        let infinitely_often =
            Formula::Globally(Box::new(Formula::Finally(Box::new(Formula::Atom(0usize)))));
        let always = Formula::Globally(Box::new(Formula::Atom(0usize)));
        let large = ring(50_000);
        let kripke = Kripke::new(&large, Vec::new()).expect("no budget installed");
        let atom = |node: usize, a: usize| kripke.holds(node, a, false);
        let holds = |f: &Formula<usize>| Ltl::new(&kripke, f, &atom, &[]).holds();
        let lasso = |f: &Formula<usize>| {
            let counterexample = Ltl::new(&kripke, f, &atom, &[]).counterexample();
            counterexample.map(|c| c.is_some())
        };
        // Without a budget, or within one.
        assert_eq!(holds(&infinitely_often), Ok(true));
        assert_eq!(holds(&always), Ok(false));
        assert_eq!(lasso(&infinitely_often), Ok(false));
        assert_eq!(lasso(&always), Ok(true));
        let ample = Arc::new(Budget::new(None, None));
        assert_eq!(ample.install(|| holds(&infinitely_often)), Ok(true));
        // Past the deadline, or out of memory: no verdict (the ring is longer
        // than the ticks between two looks at the budget).
        let past = Arc::new(Budget::new(Some(Instant::now()), None));
        let time = Err(Exhausted::Time);
        assert_eq!(past.install(|| holds(&infinitely_often)), time);
        assert_eq!(past.install(|| lasso(&always)), time);
        if resident_bytes().is_some() {
            let no_memory = Arc::new(Budget::new(None, Some(1)));
            let memory = Err(Exhausted::Memory);
            assert_eq!(no_memory.install(|| holds(&infinitely_often)), memory);
        }
    }
}
