//! The CTL translations of the usual LTL properties, decided at the initial
//! node without predecessor lists.
//!
//! [`super::ctl`] evaluates any CTL formula by fixpoints over the
//! predecessor lists of the Kripke structure, 4 bytes an edge. The
//! translations ([`super::branching`]) of the usual LTL properties, `G s`
//! and `G (p => F q)`, have the shape `AG g`, where `g` combines state
//! formulas with `AF s` of state formulas `s`; they are decided here going
//! forward only:
//!
//! * `AG g` holds at the initial node iff `g` holds at every node: the
//!   structure has only nodes reachable from the initial one (its graph
//!   holds the reachable markings, and [`Kripke::new`] makes a node when a
//!   step reaches it).
//! * `AF s` holds at a node unless `EG !s` does: there is an infinite path
//!   through `!s` nodes (the structure has no dead end: a dead marking
//!   stutters). One pass of Tarjan's algorithm over the `!s` nodes decides
//!   each strongly connected component as it completes, after every
//!   component it has an edge to: it is on such a path if it has an inner
//!   edge (more than one node, or a loop) or an edge to one that is.
//!
//! About 10 bytes a node instead of 4 an edge; any other shape is left to
//! [`super::ctl`].

use std::ops::ControlFlow;

use super::branching::is_state;
use super::formula::{Formula, PathQuantifier};
use super::kripke::Kripke;
use crate::budget::{self, Exhausted};
use crate::scc::{Tarjan, Visitor};

/// Whether `f` holds at the initial node (node 0) of `kripke`, when `f` has
/// the shape `AG g` of the module's description; `None` for any other shape.
/// `Err` when the budget installed on the thread ([`budget`]) ran out.
pub fn holds_at_initial(
    kripke: &Kripke<'_>,
    atom: &dyn Fn(usize, usize) -> bool,
    f: &Formula<usize>,
) -> Result<Option<bool>, Exhausted> {
    let Formula::Path(PathQuantifier::All, path) = f else {
        return Ok(None);
    };
    let Formula::Globally(g) = path.as_ref() else {
        return Ok(None);
    };
    let mut goals = Vec::new();
    let Some(g) = goals_named(g, &mut goals) else {
        return Ok(None);
    };
    // Per `AF s` of `g`, in order: the nodes where it holds.
    let finally: Vec<Vec<bool>> = goals
        .iter()
        .map(|s| {
            let outside: Vec<bool> = (0..kripke.len()).map(|n| !state(s, n, atom)).collect();
            let stays_outside = on_infinite_path(kripke, &outside)?;
            Ok(outside
                .iter()
                .zip(stays_outside)
                .map(|(o, e)| !o || !e)
                .collect())
        })
        .collect::<Result<_, Exhausted>>()?;
    let node = |n: usize, term: &Term| match term {
        Term::Atom(a) => atom(n, *a),
        Term::Finally(i) => finally[*i][n],
    };
    Ok(Some(
        (0..kripke.len()).all(|n| holds_at(&g, &|term| node(n, term))),
    ))
}

/// What a leaf of `g` stands for once its `AF`s are numbered.
enum Term {
    /// An atom of the property.
    Atom(usize),
    /// The `i`-th `AF s` of `g`.
    Finally(usize),
}

/// A binary connective, as a constructor.
type Join = fn(Box<Formula<Term>>, Box<Formula<Term>>) -> Formula<Term>;

/// `g` with each `AF s` replaced by a leaf naming it, its state formula
/// `s` pushed to `goals`; `None` if `g` has another temporal operator.
fn goals_named<'f>(
    g: &'f Formula<usize>,
    goals: &mut Vec<&'f Formula<usize>>,
) -> Option<Formula<Term>> {
    let mut both = |x, y, join: Join| {
        let x = goals_named(x, goals)?;
        let y = goals_named(y, goals)?;
        Some(join(Box::new(x), Box::new(y)))
    };
    Some(match g {
        Formula::Const(v) => Formula::Const(*v),
        Formula::Atom(a) => Formula::Atom(Term::Atom(*a)),
        Formula::Not(x) => Formula::Not(Box::new(goals_named(x, goals)?)),
        Formula::And(x, y) => both(x, y, Formula::And)?,
        Formula::Or(x, y) => both(x, y, Formula::Or)?,
        Formula::Implies(x, y) => both(x, y, Formula::Implies)?,
        Formula::Path(PathQuantifier::All, path) => match path.as_ref() {
            Formula::Finally(s) if is_state(s) => {
                goals.push(s);
                Formula::Atom(Term::Finally(goals.len() - 1))
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// The truth of the formula without temporal operators `f`, its leaves read
/// by `leaf`.
fn holds_at<L>(f: &Formula<L>, leaf: &dyn Fn(&L) -> bool) -> bool {
    match f {
        Formula::Const(v) => *v,
        Formula::Atom(a) => leaf(a),
        Formula::Not(x) => !holds_at(x, leaf),
        Formula::And(x, y) => holds_at(x, leaf) && holds_at(y, leaf),
        Formula::Or(x, y) => holds_at(x, leaf) || holds_at(y, leaf),
        Formula::Implies(x, y) => !holds_at(x, leaf) || holds_at(y, leaf),
        // Never reached: the formulas given have no temporal operator.
        _ => false,
    }
}

/// The truth of the state formula `s` at node `n`.
fn state(s: &Formula<usize>, n: usize, atom: &dyn Fn(usize, usize) -> bool) -> bool {
    holds_at(s, &|a| atom(n, *a))
}

/// Per node: whether an infinite path starts there through `inside` nodes
/// only (`EG inside`), by Tarjan's algorithm over the `inside` nodes; `Err`
/// when the installed budget ran out.
fn on_infinite_path(kripke: &Kripke<'_>, inside: &[bool]) -> Result<Vec<bool>, Exhausted> {
    /// The search over the `inside` nodes; `infinite` is set for a node with
    /// an edge to a completed node on an infinite path, and, once its
    /// component is complete, is the verdict.
    struct Inside<'a, 'g> {
        kripke: &'a Kripke<'g>,
        inside: &'a [bool],
        infinite: Vec<bool>,
        exhausted: Option<Exhausted>,
    }
    impl Visitor for Inside<'_, '_> {
        fn entered(&mut self, _: u32, _: u32) -> ControlFlow<()> {
            match budget::tick() {
                Ok(()) => ControlFlow::Continue(()),
                Err(why) => {
                    self.exhausted = Some(why);
                    ControlFlow::Break(())
                }
            }
        }
        fn successors(&mut self, v: u32, out: &mut Vec<u32>) {
            let inside = self.inside;
            let successors = self.kripke.successors(v as usize).map(|(w, _)| w);
            out.extend(successors.filter(|&w| inside[w]).map(|w| w as u32));
        }
        fn edge_to_completed(&mut self, v: u32, w: u32) {
            self.infinite[v as usize] |= self.infinite[w as usize];
        }
        fn completed(&mut self, nodes: &[u32], _: u32, cyclic: bool) -> ControlFlow<()> {
            let verdict = cyclic || nodes.iter().any(|&m| self.infinite[m as usize]);
            for &m in nodes {
                self.infinite[m as usize] = verdict;
            }
            ControlFlow::Continue(())
        }
    }
    let mut search = Inside {
        kripke,
        inside,
        infinite: vec![false; kripke.len()],
        exhausted: None,
    };
    let mut tarjan = Tarjan::with_nodes(kripke.len());
    for start in (0..kripke.len()).filter(|&v| inside[v]) {
        // The visitor breaks only when the budget ran out.
        if tarjan.search(&mut search, start as u32).is_break() {
            break;
        }
    }
    search.exhausted.map_or(Ok(search.infinite), Err)
}
