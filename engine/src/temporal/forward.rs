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

use super::branching::is_state;
use super::formula::{Formula, PathQuantifier};
use super::kripke::Kripke;

/// Whether `f` holds at the initial node (node 0) of `kripke`, when `f` has
/// the shape `AG g` of the module's description; `None` for any other shape.
pub fn holds_at_initial(
    kripke: &Kripke<'_>,
    atom: &dyn Fn(usize, usize) -> bool,
    f: &Formula<usize>,
) -> Option<bool> {
    let Formula::Path(PathQuantifier::All, path) = f else {
        return None;
    };
    let Formula::Globally(g) = path.as_ref() else {
        return None;
    };
    let mut goals = Vec::new();
    let g = goals_named(g, &mut goals)?;
    // Per `AF s` of `g`, in order: the nodes where it holds.
    let finally: Vec<Vec<bool>> = goals
        .iter()
        .map(|s| {
            let outside: Vec<bool> = (0..kripke.len()).map(|n| !state(s, n, atom)).collect();
            let stays_outside = on_infinite_path(kripke, &outside);
            outside
                .iter()
                .zip(stays_outside)
                .map(|(o, e)| !o || !e)
                .collect()
        })
        .collect();
    let node = |n: usize, term: &Term| match term {
        Term::Atom(a) => atom(n, *a),
        Term::Finally(i) => finally[*i][n],
    };
    Some((0..kripke.len()).all(|n| holds_at(&g, &|term| node(n, term))))
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
/// only (`EG inside`), by Tarjan's algorithm over the `inside` nodes.
fn on_infinite_path(kripke: &Kripke<'_>, inside: &[bool]) -> Vec<bool> {
    const UNSEEN: u32 = u32::MAX;
    let n = kripke.len();
    let mut number = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    // Set for a node with a loop, or an edge to a node already known to be
    // on an infinite path; for a completed node, the verdict.
    let mut infinite = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut counter = 0u32;
    for start in 0..n {
        if !inside[start] || number[start] != UNSEEN {
            continue;
        }
        number[start] = counter;
        low[start] = counter;
        counter += 1;
        on_stack[start] = true;
        stack.push(start);
        let mut frames = vec![(start, kripke.successors(start))];
        while let Some((v, successors)) = frames.last_mut() {
            let v = *v;
            if let Some((w, _)) = successors.next() {
                if !inside[w] {
                    continue;
                }
                if w == v {
                    infinite[v] = true;
                } else if number[w] == UNSEEN {
                    number[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    on_stack[w] = true;
                    stack.push(w);
                    frames.push((w, kripke.successors(w)));
                } else if on_stack[w] {
                    low[v] = low[v].min(number[w]);
                } else if infinite[w] {
                    infinite[v] = true;
                }
                continue;
            }
            frames.pop();
            if low[v] == number[v] {
                let from = stack.iter().rposition(|&m| m == v).unwrap_or(0);
                let component = stack.split_off(from);
                let verdict = component.len() > 1 || component.iter().any(|&m| infinite[m]);
                for m in component {
                    on_stack[m] = false;
                    infinite[m] = verdict;
                }
            }
            if let Some((parent, _)) = frames.last() {
                if on_stack[v] {
                    low[*parent] = low[*parent].min(low[v]);
                } else if infinite[v] {
                    infinite[*parent] = true;
                }
            }
        }
    }
    infinite
}
