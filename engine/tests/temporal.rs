//! CTL and LTL checking against brute-force evaluators, on random formulas
//! over small random nets (with random fairness), and on hand-written nets.
//!
//! * LTL: a counterexample lasso must violate the formula when evaluated
//!   directly on its word, and be fair; when the checker says the formula
//!   holds, no fair lasso of the structure up to a length bound violates it.
//! * CTL: the fixpoint evaluation must agree with a recursive evaluation by
//!   explicit searches, and witnesses/counterexamples must be runs of the structure.
//! * An LTL formula with an equivalent CTL formula (without fairness): the
//!   CTL fixpoints of the translation give the LTL checker's verdict.

use std::sync::Arc;
use std::time::Instant;

use proptest::prelude::*;
use sesphr_engine::budget::{Budget, Exhausted};
use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::model::Net;
use sesphr_engine::temporal::branching::equivalent_ctl;
use sesphr_engine::temporal::ctl::{Ctl, Path};
use sesphr_engine::temporal::forward::holds_at_initial;
use sesphr_engine::temporal::graph::{Limits, MarkingGraph};
use sesphr_engine::temporal::kripke::{Kripke, STUTTER};
use sesphr_engine::temporal::ltl::Ltl;
use sesphr_engine::temporal::{Atom, Fairness, Formula, Logic, PathQuantifier, Strength};

const PLACES: usize = 3;
const TRANSITIONS: usize = 3;

/// The atoms every random formula may use, by number.
fn atom_text(a: usize) -> String {
    match a {
        0..PLACES => format!("count(p{a}) > 0"),
        3 => "fired(t0)".into(),
        4 => "fired(t1)".into(),
        5 => "enabled(t2)".into(),
        _ => "count(p0) + count(p1) >= 2".into(),
    }
}
const ATOMS: usize = 7;

/// The formula with its atoms numbered by occurrence, as the loader numbers them.
fn renumbered(f: &Formula<usize>) -> Formula<usize> {
    let mut next = 0;
    f.map_atoms(&mut |_: &usize| -> Result<usize, ()> {
        next += 1;
        Ok(next - 1)
    })
    .unwrap_or(Formula::Const(false))
}

fn show(f: &Formula<usize>) -> String {
    let b = |x: &Formula<usize>| format!("({})", show(x));
    match f {
        Formula::Const(v) => v.to_string(),
        Formula::Atom(a) => format!("({})", atom_text(*a)),
        Formula::Not(x) => format!("!{}", b(x)),
        Formula::And(x, y) => format!("{} && {}", b(x), b(y)),
        Formula::Or(x, y) => format!("{} || {}", b(x), b(y)),
        Formula::Implies(x, y) => format!("{} => {}", b(x), b(y)),
        Formula::Next(x) => format!("X {}", b(x)),
        Formula::Finally(x) => format!("F {}", b(x)),
        Formula::Globally(x) => format!("G {}", b(x)),
        Formula::Until(x, y) => format!("{} U {}", b(x), b(y)),
        Formula::Release(x, y) => format!("{} R {}", b(x), b(y)),
        Formula::Path(q, inner) => {
            let e = if *q == PathQuantifier::Exists {
                "E"
            } else {
                "A"
            };
            match inner.as_ref() {
                Formula::Next(x) => format!("{e}X {}", b(x)),
                Formula::Finally(x) => format!("{e}F {}", b(x)),
                Formula::Globally(x) => format!("{e}G {}", b(x)),
                Formula::Until(x, y) => format!("{e}({} U {})", b(x), b(y)),
                Formula::Release(x, y) => format!("{e}({} R {})", b(x), b(y)),
                other => show(other),
            }
        }
    }
}

/// An atom or a constant.
fn leaf() -> impl Strategy<Value = Formula<usize>> {
    prop_oneof![
        (0..ATOMS).prop_map(Formula::Atom),
        any::<bool>().prop_map(Formula::Const),
    ]
}

fn ltl_formula() -> impl Strategy<Value = Formula<usize>> {
    leaf().prop_recursive(4, 16, 2, |inner| {
        let b = |f| Box::new(f);
        prop_oneof![
            inner.clone().prop_map(move |x| Formula::Not(b(x))),
            inner.clone().prop_map(move |x| Formula::Next(b(x))),
            inner.clone().prop_map(move |x| Formula::Finally(b(x))),
            inner.clone().prop_map(move |x| Formula::Globally(b(x))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| Formula::And(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| Formula::Or(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| Formula::Implies(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| Formula::Until(b(x), b(y))),
            (inner.clone(), inner).prop_map(move |(x, y)| Formula::Release(b(x), b(y))),
        ]
    })
}

/// Formulas without temporal operators.
fn state_formula() -> BoxedStrategy<Formula<usize>> {
    leaf()
        .prop_recursive(2, 6, 2, |inner| {
            let b = |f| Box::new(f);
            prop_oneof![
                inner.clone().prop_map(move |x| Formula::Not(b(x))),
                (inner.clone(), inner.clone()).prop_map(move |(x, y)| Formula::And(b(x), b(y))),
                (inner.clone(), inner.clone()).prop_map(move |(x, y)| Formula::Or(b(x), b(y))),
                (inner.clone(), inner).prop_map(move |(x, y)| Formula::Implies(b(x), b(y))),
            ]
        })
        .boxed()
}

/// LTL formulas of the fragment that has a CTL equivalent (the table of
/// `temporal::branching`), and a few just outside it (`F` of a temporal
/// formula, a disjunction of two), which must be refused.
fn branching_formula() -> impl Strategy<Value = Formula<usize>> {
    state_formula().prop_recursive(3, 12, 2, |inner| {
        let b = |f| Box::new(f);
        let state = state_formula;
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| Formula::And(b(x), b(y))),
            (state(), inner.clone()).prop_map(move |(s, f)| Formula::Or(b(s), b(f))),
            (inner.clone(), state()).prop_map(move |(f, s)| Formula::Or(b(f), b(s))),
            (state(), inner.clone()).prop_map(move |(s, f)| Formula::Implies(b(s), b(f))),
            inner.clone().prop_map(move |x| Formula::Next(b(x))),
            inner.clone().prop_map(move |x| Formula::Globally(b(x))),
            inner.clone().prop_map(move |x| Formula::Finally(b(x))),
            (state(), state()).prop_map(move |(x, y)| Formula::Until(b(x), b(y))),
            (state(), state()).prop_map(move |(x, y)| Formula::Release(b(x), b(y))),
            (inner.clone(), inner).prop_map(move |(x, y)| Formula::Or(b(x), b(y))),
        ]
    })
}

/// Without fairness, the CTL translation of an LTL formula (when it has
/// one) holds in the initial state exactly when the LTL checker finds no
/// counterexample; with the net's random fairness, when the translation
/// holds (over every run) the LTL checker finds no fair counterexample.
fn check_branching(net: &RandomNet, formula: &Formula<usize>) -> Result<(), TestCaseError> {
    let unfair = RandomNet {
        fairness: vec![0; TRANSITIONS],
        ..net.clone()
    };
    for (net, fair) in [(&unfair, false), (net, true)] {
        let setup = Setup::new(net, "ltl", formula);
        let outcome = with_kripke(&setup, |kripke, atom, net| {
            let formula = &net.temporal[0].formula;
            let Some(ctl) = equivalent_ctl(formula) else {
                return Ok(());
            };
            let by_ctl = Ctl::new(kripke, atom).unwrap().sat(&ctl).unwrap()[0];
            if let Some(forward) = holds_at_initial(kripke, atom, &ctl).unwrap() {
                prop_assert_eq!(forward, by_ctl, "{} going forward", show(&ctl));
            }
            let by_ltl = Ltl::new(kripke, formula, atom, &net.fairness)
                .counterexample()
                .unwrap()
                .is_none();
            if fair {
                prop_assert!(
                    !by_ctl || by_ltl,
                    "{} holds as CTL {} but fails under fairness",
                    show(formula),
                    show(&ctl)
                );
            } else {
                prop_assert_eq!(by_ctl, by_ltl, "{} as CTL {}", show(formula), show(&ctl));
            }
            Ok(())
        });
        outcome.unwrap_or(Ok(()))?;
    }
    Ok(())
}

fn ctl_formula() -> impl Strategy<Value = Formula<usize>> {
    leaf().prop_recursive(4, 16, 2, |inner| {
        let b = |f| Box::new(f);
        let q = prop_oneof![Just(PathQuantifier::Exists), Just(PathQuantifier::All)];
        prop_oneof![
            inner.clone().prop_map(move |x| Formula::Not(b(x))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| Formula::And(b(x), b(y))),
            (inner.clone(), inner.clone()).prop_map(move |(x, y)| Formula::Implies(b(x), b(y))),
            (q.clone(), 0..3usize, inner.clone()).prop_map(move |(q, op, x)| {
                let x = b(x);
                let path = match op {
                    0 => Formula::Next(x),
                    1 => Formula::Finally(x),
                    _ => Formula::Globally(x),
                };
                Formula::Path(q, b(path))
            }),
            (q, any::<bool>(), inner.clone(), inner).prop_map(move |(q, until, x, y)| {
                let path = if until {
                    Formula::Until(b(x), b(y))
                } else {
                    Formula::Release(b(x), b(y))
                };
                Formula::Path(q, b(path))
            }),
        ]
    })
}

/// A random net: three black-token places, three transitions with random
/// arcs, a random initial marking, and random fairness.
#[derive(Debug, Clone)]
struct RandomNet {
    initial: Vec<u8>,
    arcs: Vec<(Vec<bool>, Vec<bool>)>,
    fairness: Vec<u8>,
}

fn random_net() -> impl Strategy<Value = RandomNet> {
    (
        proptest::collection::vec(0u8..2, PLACES),
        proptest::collection::vec(
            (
                proptest::collection::vec(any::<bool>(), PLACES),
                proptest::collection::vec(any::<bool>(), PLACES),
            ),
            TRANSITIONS,
        ),
        proptest::collection::vec(0u8..3, TRANSITIONS),
    )
        .prop_map(|(initial, arcs, fairness)| RandomNet {
            initial,
            arcs,
            fairness,
        })
}

/// A random net like [`random_net`]'s, with up to three tokens a place and
/// no fairness: more markings, and cycles through them.
fn busier_net() -> impl Strategy<Value = RandomNet> {
    (proptest::collection::vec(0u8..4, PLACES), random_net()).prop_map(|(initial, net)| RandomNet {
        initial,
        fairness: vec![0; TRANSITIONS],
        ..net
    })
}

fn yaml(net: &RandomNet, logic: &str, formula: &str) -> String {
    let mut out = String::from("name: random\nplaces:\n");
    for (i, n) in net.initial.iter().enumerate() {
        let init = vec!["\"()\""; usize::from(*n)].join(", ");
        out += &format!("  p{i}: {{ type: Unit, init: [{init}] }}\n");
    }
    out += "transitions:\n";
    for (t, (ins, outs)) in net.arcs.iter().enumerate() {
        let arcs = |on: &[bool]| {
            let items: Vec<String> = on
                .iter()
                .enumerate()
                .filter(|(_, b)| **b)
                .map(|(p, _)| format!("p{p}: [\"()\"]"))
                .collect();
            format!("{{ {} }}", items.join(", "))
        };
        out += &format!("  t{t}: {{ in: {}, out: {} }}\n", arcs(ins), arcs(outs));
    }
    out += &format!("properties:\n  phi: {{ {logic}: \"{formula}\" }}\n");
    let fair: Vec<String> = net
        .fairness
        .iter()
        .enumerate()
        .filter(|(_, f)| **f > 0)
        .map(|(t, f)| format!("  t{t}: {}\n", if *f == 1 { "weak" } else { "strong" }))
        .collect();
    if !fair.is_empty() {
        out += "fairness:\n";
        out += &fair.concat();
    }
    out
}

fn load(text: &str) -> Net {
    load_net_str(
        &Source::new("random.yaml", text.to_string()),
        &[],
        &NoFunctions,
    )
    .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Everything a brute-force evaluator needs, for the net's one temporal property.
struct Setup {
    net: Net,
}

impl Setup {
    fn new(net: &RandomNet, logic: &str, formula: &Formula<usize>) -> Self {
        Setup {
            net: load(&yaml(net, logic, &show(formula))),
        }
    }
}

fn with_kripke<R>(
    setup: &Setup,
    body: impl FnOnce(&Kripke<'_>, &dyn Fn(usize, usize) -> bool, &Net) -> R,
) -> Option<R> {
    let net = &setup.net;
    let space = ColouredSpace::new(net);
    let p = &net.temporal[0];
    let graph = MarkingGraph::build(
        &space,
        &p.atoms,
        &net.fairness,
        Limits {
            max_states: Some(40),
            max_memory: None,
            deadline: None,
        },
        None,
    )
    .ok()?;
    let fired: Vec<usize> = (0..p.atoms.len())
        .filter(|&i| matches!(p.atoms[i], Atom::Transition { fired: true, .. }))
        .collect();
    let kripke = Kripke::new(&graph, fired).expect("no budget installed");
    let is_fired = |a: usize| matches!(p.atoms[a], Atom::Transition { fired: true, .. });
    let atom = |n: usize, a: usize| kripke.holds(n, a, is_fired(a));
    Some(body(&kripke, &atom, net))
}

// ---- LTL brute force ------------------------------------------------------------

/// The truth of `f` at every position of the lasso word `nodes` (the last
/// position is followed by position `back`).
fn on_lasso(
    f: &Formula<usize>,
    nodes: &[usize],
    back: usize,
    atom: &dyn Fn(usize, usize) -> bool,
) -> Vec<bool> {
    let n = nodes.len();
    let next = |i: usize| if i + 1 < n { i + 1 } else { back };
    let rec = |g: &Formula<usize>| on_lasso(g, nodes, back, atom);
    match f {
        Formula::Const(v) => vec![*v; n],
        Formula::Atom(a) => nodes.iter().map(|&s| atom(s, *a)).collect(),
        Formula::Not(x) => rec(x).into_iter().map(|v| !v).collect(),
        Formula::And(x, y) => rec(x)
            .into_iter()
            .zip(rec(y))
            .map(|(a, b)| a && b)
            .collect(),
        Formula::Or(x, y) => rec(x)
            .into_iter()
            .zip(rec(y))
            .map(|(a, b)| a || b)
            .collect(),
        Formula::Implies(x, y) => rec(x)
            .into_iter()
            .zip(rec(y))
            .map(|(a, b)| !a || b)
            .collect(),
        Formula::Next(x) => {
            let v = rec(x);
            (0..n).map(|i| v[next(i)]).collect()
        }
        Formula::Finally(x) => fix(&vec![true; n], &rec(x), false, next),
        Formula::Globally(x) => fix(&vec![false; n], &rec(x), true, next),
        Formula::Until(x, y) => fix(&rec(x), &rec(y), false, next),
        Formula::Release(x, y) => fix(&rec(x), &rec(y), true, next),
        Formula::Path(_, x) => rec(x),
    }
}

/// `a U b` (least fixpoint) or `a R b` (greatest) on a lasso.
fn fix(a: &[bool], b: &[bool], release: bool, next: impl Fn(usize) -> usize) -> Vec<bool> {
    let n = a.len();
    let mut v = vec![release; n];
    for _ in 0..=2 * n {
        for i in (0..n).rev() {
            v[i] = if release {
                b[i] && (a[i] || v[next(i)])
            } else {
                b[i] || (a[i] && v[next(i)])
            };
        }
    }
    v
}

/// Whether the cycle of a lasso (Kripke steps) is fair.
fn fair(kripke: &Kripke<'_>, cycle: &[(usize, u32)], fairness: &[Fairness]) -> bool {
    let g = kripke.graph;
    let enabled =
        |node: usize, t: usize| g.edges(kripke.marking(node)).any(|e| g.transition(e) == t);
    fairness.iter().all(|f| {
        let fired = cycle
            .iter()
            .any(|&(_, via)| via != STUTTER && g.transition(via as usize) == f.transition);
        let nodes: Vec<usize> = cycle.iter().map(|s| s.0).collect();
        match f.strength {
            Strength::Weak => fired || nodes.iter().any(|&n| !enabled(n, f.transition)),
            Strength::Strong => fired || nodes.iter().all(|&n| !enabled(n, f.transition)),
        }
    })
}

/// Every lasso of the structure with at most `bound` positions: (steps, index where the cycle starts).
fn lassos(kripke: &Kripke<'_>, bound: usize) -> Vec<(Vec<(usize, u32)>, usize)> {
    let mut out = Vec::new();
    let mut path: Vec<(usize, u32)> = vec![(0, STUTTER)];
    fn go(
        k: &Kripke<'_>,
        path: &mut Vec<(usize, u32)>,
        bound: usize,
        out: &mut Vec<(Vec<(usize, u32)>, usize)>,
    ) {
        let last = path.last().map_or(0, |s| s.0);
        for (m, via) in k.successors(last) {
            for (j, s) in path.iter().enumerate() {
                if s.0 == m {
                    let mut closed = path.clone();
                    closed.push((m, via));
                    out.push((closed, j));
                }
            }
            if path.len() < bound {
                path.push((m, via));
                go(k, path, bound, out);
                path.pop();
            }
        }
    }
    go(kripke, &mut path, bound, &mut out);
    out
}

fn check_ltl(setup: &Setup) -> Result<(), TestCaseError> {
    let outcome = with_kripke(setup, |kripke, atom, net| {
        let formula = &net.temporal[0].formula;
        let mut ltl = Ltl::new(kripke, &net.temporal[0].formula, atom, &net.fairness);
        let counterexample = ltl.counterexample().unwrap();
        let holds = Ltl::new(kripke, formula, atom, &net.fairness)
            .holds()
            .unwrap();
        prop_assert_eq!(holds, counterexample.is_none(), "the early verdict agrees");
        match counterexample {
            Some(Path { stem, cycle }) => {
                // The loop starts as early as the run allows.
                let from = |steps: &[(usize, u32)], i: usize, first: usize| match i {
                    0 => first,
                    i => steps[i - 1].0,
                };
                let (k, m) = (stem.len().max(1) - 1, cycle.len().max(1) - 1);
                prop_assert!(
                    stem.is_empty()
                        || stem.last() != cycle.last()
                        || from(&stem, k, 0) != from(&cycle, m, cycle[m].0),
                    "the lasso is not rolled: {stem:?} then {cycle:?}"
                );
                prop_assert!(!cycle.is_empty(), "a lasso has a cycle");
                let mut nodes = vec![0];
                nodes.extend(stem.iter().map(|s| s.0));
                let back = nodes.len() - 1;
                nodes.extend(cycle[..cycle.len() - 1].iter().map(|s| s.0));
                prop_assert_eq!(
                    cycle.last().map(|s| s.0),
                    Some(nodes[back]),
                    "the cycle closes"
                );
                // Every step is an edge of the structure.
                let mut at = 0;
                for &(m, via) in stem.iter().chain(&cycle) {
                    prop_assert!(kripke.successors(at).any(|e| e == (m, via)));
                    at = m;
                }
                prop_assert!(
                    !on_lasso(formula, &nodes, back, atom)[0],
                    "the lasso violates the formula"
                );
                prop_assert!(fair(kripke, &cycle, &net.fairness), "the lasso is fair");
            }
            None => {
                for (closed, j) in lassos(kripke, 6) {
                    let nodes: Vec<usize> =
                        closed[..closed.len() - 1].iter().map(|s| s.0).collect();
                    let cycle = &closed[j + 1..];
                    if fair(kripke, cycle, &net.fairness) {
                        prop_assert!(
                            on_lasso(formula, &nodes, j, atom)[0],
                            "the checker says it holds, but the fair lasso {closed:?} (back to {j}) violates it"
                        );
                    }
                }
            }
        }
        Ok(())
    });
    outcome.unwrap_or(Ok(()))
}

// ---- CTL brute force ------------------------------------------------------------

/// The nodes that lie on a fair cycle inside `g`, by brute force: the union
/// of every subset of the `g` nodes that is strongly connected, has an inner
/// edge, and where each fair transition fires on an inner edge, or (weak) is
/// disabled at one of its nodes, or (strong) at all of them.
fn fair_cycle_nodes(k: &Kripke<'_>, g: &[bool], fairness: &[Fairness]) -> Vec<bool> {
    let graph = k.graph;
    let candidates: Vec<usize> = (0..k.len()).filter(|&m| g[m]).collect();
    let mut out = vec![false; k.len()];
    let enabled = |m: usize, t: usize| graph.edges(k.marking(m)).any(|e| graph.transition(e) == t);
    for subset in 1u32..(1 << candidates.len()) {
        let set: Vec<usize> = (0..candidates.len())
            .filter(|i| subset >> i & 1 == 1)
            .map(|i| candidates[i])
            .collect();
        let inner: Vec<(usize, u32)> = set
            .iter()
            .flat_map(|&m| k.successors(m).filter(|(x, _)| set.contains(x)))
            .collect();
        if inner.is_empty() {
            continue;
        }
        let connected = set.iter().all(|&from| {
            let mut seen = vec![from];
            let mut stack = vec![from];
            while let Some(x) = stack.pop() {
                for (y, _) in k.successors(x) {
                    if set.contains(&y) && !seen.contains(&y) {
                        seen.push(y);
                        stack.push(y);
                    }
                }
            }
            seen.len() == set.len()
        });
        let is_fair = fairness.iter().all(|f| {
            let fired = inner
                .iter()
                .any(|&(_, via)| via != STUTTER && graph.transition(via as usize) == f.transition);
            match f.strength {
                Strength::Weak => fired || set.iter().any(|&m| !enabled(m, f.transition)),
                Strength::Strong => fired || set.iter().all(|&m| !enabled(m, f.transition)),
            }
        });
        if connected && is_fair {
            for &m in &set {
                out[m] = true;
            }
        }
    }
    out
}

/// The nodes where `f` holds, by definition, over the runs fair for `fairness`.
fn ctl_brute(
    k: &Kripke<'_>,
    f: &Formula<usize>,
    atom: &dyn Fn(usize, usize) -> bool,
    fairness: &[Fairness],
) -> Vec<bool> {
    let n = k.len();
    let rec = |g: &Formula<usize>| ctl_brute(k, g, atom, fairness);
    // Nodes reachable from s through nodes of `via` (s included, whatever it is).
    let reach = |s: usize, via: &[bool]| {
        let mut seen = vec![false; n];
        let mut stack = vec![s];
        seen[s] = true;
        while let Some(x) = stack.pop() {
            if x != s && !via[x] {
                continue;
            }
            for (m, _) in k.successors(x) {
                if !seen[m] {
                    seen[m] = true;
                    stack.push(m);
                }
            }
        }
        seen
    };
    // Where a fair run starts: a fair cycle is reachable.
    let fair_cycles = fair_cycle_nodes(k, &vec![true; n], fairness);
    let fair: Vec<bool> = (0..n)
        .map(|s| {
            reach(s, &vec![true; n])
                .iter()
                .enumerate()
                .any(|(m, r)| *r && fair_cycles[m])
        })
        .collect();
    let eu = |a: &[bool], b: &[bool]| -> Vec<bool> {
        let b: Vec<bool> = b.iter().zip(&fair).map(|(x, y)| *x && *y).collect();
        (0..n)
            .map(|s| b[s] || (a[s] && reach(s, a).iter().enumerate().any(|(m, r)| *r && b[m])))
            .collect()
    };
    let eg = |g: &[bool]| -> Vec<bool> {
        // s satisfies EG g iff from s, within g, a node on a fair g-cycle is reachable.
        let on_cycle = fair_cycle_nodes(k, g, fairness);
        (0..n)
            .map(|s| {
                g[s] && reach(s, g)
                    .iter()
                    .enumerate()
                    .any(|(m, r)| *r && g[m] && on_cycle[m])
            })
            .collect()
    };
    let not = |v: Vec<bool>| v.into_iter().map(|x| !x).collect::<Vec<_>>();
    let and = |a: Vec<bool>, b: Vec<bool>| {
        a.into_iter()
            .zip(b)
            .map(|(x, y)| x && y)
            .collect::<Vec<_>>()
    };
    match f {
        Formula::Const(v) => vec![*v; n],
        Formula::Atom(a) => (0..n).map(|s| atom(s, *a)).collect(),
        Formula::Not(x) => not(rec(x)),
        Formula::And(x, y) => and(rec(x), rec(y)),
        Formula::Or(x, y) => rec(x)
            .into_iter()
            .zip(rec(y))
            .map(|(a, b)| a || b)
            .collect(),
        Formula::Implies(x, y) => rec(x)
            .into_iter()
            .zip(rec(y))
            .map(|(a, b)| !a || b)
            .collect(),
        Formula::Path(q, inner) => {
            // E path, and A path as not E not path.
            let e = |p: &Formula<usize>, negate: bool| -> Vec<bool> {
                let s = |g: &Formula<usize>| if negate { not(rec(g)) } else { rec(g) };
                match (p, negate) {
                    (Formula::Next(x), _) => {
                        let v = s(x);
                        (0..n)
                            .map(|m| k.successors(m).any(|(y, _)| v[y] && fair[y]))
                            .collect()
                    }
                    (Formula::Finally(x), false) | (Formula::Globally(x), true) => {
                        eu(&vec![true; n], &s(x))
                    }
                    (Formula::Globally(x), false) | (Formula::Finally(x), true) => eg(&s(x)),
                    (Formula::Until(x, y), false) => eu(&s(x), &s(y)),
                    (Formula::Release(x, y), true) => eu(&s(x), &s(y)),
                    (Formula::Until(x, y), true) | (Formula::Release(x, y), false) => {
                        // E(a R b) = E(b U (a && b)) || EG b, with a, b the (negated) operands.
                        let (a, b) = if negate { (s(y), s(x)) } else { (s(x), s(y)) };
                        let (a, b) = if negate { (b, a) } else { (a, b) };
                        let both: Vec<bool> = a.iter().zip(&b).map(|(x, y)| *x && *y).collect();
                        eu(&b, &both)
                            .into_iter()
                            .zip(eg(&b))
                            .map(|(x, y)| x || y)
                            .collect()
                    }
                    _ => unreachable!(),
                }
            };
            match q {
                PathQuantifier::Exists => e(inner, false),
                PathQuantifier::All => not(e(inner, true)),
            }
        }
        _ => unreachable!("not CTL"),
    }
}

fn check_ctl(setup: &Setup, formula: &Formula<usize>) -> Result<(), TestCaseError> {
    let outcome = with_kripke(setup, |kripke, atom, net| {
        let f = &net.temporal[0].formula;
        prop_assert_eq!(
            f,
            &renumbered(formula),
            "the printed formula parses back to itself"
        );
        if kripke.len() > 14 {
            // Too many subsets for the brute force.
            return Ok(());
        }
        let ctl = Ctl::new(kripke, atom).unwrap().with_fairness(&net.fairness);
        let fast = ctl.sat(f).unwrap();
        let slow = ctl_brute(kripke, f, atom, &net.fairness);
        prop_assert_eq!(&fast, &slow);
        if let Some(Path { stem, cycle }) = ctl.explain(f, fast[0]).unwrap() {
            let mut at = 0;
            for &(m, via) in stem.iter().chain(&cycle) {
                prop_assert!(kripke.successors(at).any(|e| e == (m, via)));
                at = m;
            }
            if !cycle.is_empty() {
                prop_assert_eq!(Some(at), stem.last().map(|s| s.0).or(Some(0)));
            }
        }
        Ok(())
    });
    outcome.unwrap_or(Ok(()))
}

/// Checks a Kripke structure against its definition: a node per distinct
/// (marking, fired atoms of the step into it), node 0 the initial marking
/// with none, numbered breadth-first; node `n`'s successors one per edge of
/// its marking, in the graph's order, to the node of the edge's target and
/// the atoms the edge fires, or a stuttering loop to (marking, none) at a
/// dead marking.
fn check_kripke_definition(setup: &Setup) -> Result<(), TestCaseError> {
    let result = with_kripke(setup, |kripke, atom, net| -> Result<(), TestCaseError> {
        let atoms = &net.temporal[0].atoms;
        let fired: Vec<usize> = (0..atoms.len())
            .filter(|&a| matches!(atoms[a], Atom::Transition { fired: true, .. }))
            .collect();
        let graph = kripke.graph;
        let label = |n: usize| -> (usize, Vec<bool>) {
            (
                kripke.marking(n),
                fired.iter().map(|&a| atom(n, a)).collect(),
            )
        };
        let mut seen = std::collections::HashMap::new();
        for n in 0..kripke.len() {
            prop_assert!(seen.insert(label(n), n).is_none(), "node {} twice", n);
        }
        prop_assert_eq!(label(0), (0, vec![false; fired.len()]));
        let mut order = vec![0];
        let mut reached = vec![false; kripke.len()];
        reached[0] = true;
        let mut next = 0;
        while next < order.len() {
            let n = order[next];
            let marking = kripke.marking(n);
            let successors: Vec<(usize, u32)> = kripke.successors(n).collect();
            let expected: Vec<(usize, Vec<bool>, u32)> = match graph.edges(marking).len() {
                0 => vec![(marking, vec![false; fired.len()], STUTTER)],
                _ => graph
                    .edges(marking)
                    .map(|e| {
                        let mask = fired.iter().map(|&a| graph.edge_atom(e, a)).collect();
                        (graph.target(e), mask, e as u32)
                    })
                    .collect(),
            };
            let got: Vec<(usize, Vec<bool>, u32)> = successors
                .iter()
                .map(|&(m, via)| {
                    let (marking, mask) = label(m);
                    (marking, mask, via)
                })
                .collect();
            prop_assert_eq!(got, expected, "successors of node {}", n);
            for (m, _) in successors {
                if !std::mem::replace(&mut reached[m], true) {
                    order.push(m);
                }
            }
            next += 1;
        }
        prop_assert_eq!(
            order,
            (0..kripke.len()).collect::<Vec<_>>(),
            "breadth-first numbering"
        );
        Ok(())
    });
    result.unwrap_or(Ok(()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn kripke_structures_are_their_definition(net in random_net(), formula in ltl_formula()) {
        check_kripke_definition(&Setup::new(&net, "ltl", &formula))?;
    }

    #[test]
    fn ltl_agrees_with_brute_force(net in random_net(), formula in ltl_formula()) {
        let setup = Setup::new(&net, "ltl", &formula);
        prop_assert_eq!(&setup.net.temporal[0].formula, &renumbered(&formula), "the printed formula parses back to itself");
        check_ltl(&setup)?;
    }

    #[test]
    fn simplified_formulas_hold_on_the_same_lasso_words(
        formula in ltl_formula(),
        letters in proptest::collection::vec(0u32..(1 << ATOMS), 1..7),
        back in any::<prop::sample::Index>(),
    ) {
        // Node i of the word reads letter letters[i]: bit a is atom a.
        let nodes: Vec<usize> = (0..letters.len()).collect();
        let atom = |node: usize, a: usize| letters[node] >> a & 1 == 1;
        let back = back.index(letters.len());
        let simplified = sesphr_engine::temporal::simplify::simplify(&formula);
        prop_assert_eq!(
            on_lasso(&simplified, &nodes, back, &atom),
            on_lasso(&formula, &nodes, back, &atom),
            "{} simplified to {}", show(&formula), show(&simplified)
        );
    }

    #[test]
    fn ctl_agrees_with_brute_force(net in random_net(), formula in ctl_formula()) {
        let setup = Setup::new(&net, "ctl", &formula);
        check_ctl(&setup, &formula)?;
    }
}

proptest! {
    // Cheap cases (no brute force), and the structures that tell `F G s` from
    // `AF AG s` are rare among the small random nets: many cases.
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn the_usual_shapes_are_decided_forward_as_by_the_fixpoints(
        net in busier_net(),
        s1 in state_formula(),
        s2 in state_formula(),
        shape in 0..4usize,
    ) {
        let b = Box::new;
        let formula = match shape {
            // G s1, G (s1 => F s2), G F s2, G (s1 || F s2)
            0 => Formula::Globally(b(s1)),
            1 => Formula::Globally(b(Formula::Implies(b(s1), b(Formula::Finally(b(s2)))))),
            2 => Formula::Globally(b(Formula::Finally(b(s2)))),
            _ => Formula::Globally(b(Formula::Or(b(s1), b(Formula::Finally(b(s2)))))),
        };
        let setup = Setup::new(&net, "ltl", &formula);
        let outcome = with_kripke(&setup, |kripke, atom, net| {
            let formula = &net.temporal[0].formula;
            let ctl = equivalent_ctl(formula).expect("in the fragment");
            let forward = holds_at_initial(kripke, atom, &ctl).unwrap();
            let backward = Ctl::new(kripke, atom).unwrap().sat(&ctl).unwrap()[0];
            prop_assert_eq!(forward, Some(backward), "{}", show(&ctl));
            Ok(())
        });
        outcome.unwrap_or(Ok(()))?;
    }

    #[test]
    fn ltl_formulas_decided_as_ctl_get_the_ltl_verdict(
        net in random_net(),
        formula in prop_oneof![branching_formula(), ltl_formula()],
    ) {
        check_branching(&net, &formula)?;
    }
}

// ---- hand-written nets ------------------------------------------------------------

const MUTEX: &str = r#"
name: mutex
types:
  Proc: { range: [1, 2] }
places:
  idle:     { type: Proc, init: ["all(Proc)"] }
  waiting:  { type: Proc }
  critical: { type: Proc }
  lock:     { type: Unit, init: ["()"] }
transitions:
  ask:   { in: { idle: ["p"] }, out: { waiting: ["p"] } }
  enter: { in: { waiting: ["p"], lock: ["()"] }, out: { critical: ["p"] } }
  leave: { in: { critical: ["p"] }, out: { idle: ["p"], lock: ["()"] } }
properties:
  one_gets_in: { ltl: "G (1 in waiting => F fired(enter, p == 1))" }
"#;

/// The results of the temporal properties of the net `text`, in order.
fn temporal_results(text: &str) -> Vec<sesphr_engine::explore::PropertyResult> {
    let net = load(text);
    let (results, _) =
        sesphr_engine::temporal::run::check_temporal(&net, Limits::default(), false).unwrap();
    results
}

fn verdict(text: &str) -> Option<bool> {
    temporal_results(text)[0].holds
}

#[test]
fn fairness_decides_starvation() {
    // Unfair: process 2 may take the lock for ever while 1 waits.
    assert_eq!(verdict(MUTEX), Some(false));
    // Strong fairness per transition is not enough (process 2's entries count) ...
    assert_eq!(
        verdict(&format!("{MUTEX}fairness:\n  enter: strong\n")),
        Some(false)
    );
    // ... nor weak fairness per binding (enter for 1 is disabled while 2 holds the lock) ...
    assert_eq!(
        verdict(&format!("{MUTEX}fairness:\n  enter: weak-per-binding\n")),
        Some(false)
    );
    // ... strong fairness per binding is.
    assert_eq!(
        verdict(&format!("{MUTEX}fairness:\n  enter: strong-per-binding\n")),
        Some(true)
    );
}

#[test]
fn fairness_decides_starvation_in_ctl_too() {
    let ctl = MUTEX.replace(
        r#"{ ltl: "G (1 in waiting => F fired(enter, p == 1))" }"#,
        r#"{ ctl: "AG (1 in waiting => AF 1 in critical)" }"#,
    );
    assert_ne!(ctl, MUTEX);
    assert_eq!(verdict(&ctl), Some(false));
    for (fairness, holds) in [
        ("enter: strong", false),
        ("enter: weak-per-binding", false),
        ("enter: strong-per-binding", true),
    ] {
        let text = format!("{ctl}fairness:\n  {fairness}\n");
        assert_eq!(verdict(&text), Some(holds), "{fairness}");
    }
    // Fairness changes no reachability question.
    let reachable = ctl.replace("AF 1 in critical", "EF 1 in critical");
    for fairness in ["", "fairness:\n  enter: strong-per-binding\n"] {
        assert_eq!(verdict(&format!("{reachable}{fairness}")), Some(true));
    }
}

#[test]
fn lasso_is_reported_with_steps() {
    let net = load(MUTEX);
    let (results, size) =
        sesphr_engine::temporal::run::check_temporal(&net, Limits::default(), false).unwrap();
    let lasso = results[0].lasso.as_ref().expect("a lasso");
    assert!(!lasso.cycle.is_empty());
    assert!(
        lasso
            .cycle
            .iter()
            .all(|s| s.transition != "enter"
                || s.binding != vec![("p".to_string(), "1".to_string())])
    );
    assert!(lasso.cycle.iter().any(|s| s.transition == "leave"));
    assert_eq!(size.map(|s| s.states), Some(8));
}

#[test]
fn deadlocks_stutter() {
    let text = r#"
places:
  a: { type: Unit, init: ["()"] }
  b: { type: Unit }
transitions:
  t: { in: { a: ["()"] }, out: { b: ["()"] } }
properties:
  ends_in_b: { ltl: "F G count(b) == 1" }
  never_fires_again: { ltl: "F G !fired(t)" }
  t_forever: { ltl: "G F fired(t)" }
  can_end: { ctl: "AF AG count(b) == 1" }
"#;
    let results = temporal_results(text);
    let holds: Vec<Option<bool>> = results.iter().map(|r| r.holds).collect();
    assert_eq!(holds, vec![Some(true), Some(true), Some(false), Some(true)]);
    let lasso = results[2].lasso.as_ref().expect("a lasso");
    assert!(lasso.deadlock);
    assert_eq!(lasso.stem.len(), 1);
}

/// LTL formulas whose obvious CTL reading differs get the LTL verdict, and
/// a failing response property still gets its lasso: the CTL fixpoints
/// decide only the formulas of the fragment with a CTL equivalent.
#[test]
fn ltl_is_decided_as_ctl_only_where_that_says_the_same() {
    // `a` may loop for ever or move to `b`, which moves to `c`, which is dead.
    let text = r#"
places:
  a: { type: Unit, init: ["()"] }
  b: { type: Unit }
  c: { type: Unit }
transitions:
  stay: { in: { a: ["()"] }, out: { a: ["()"] } }
  go: { in: { a: ["()"] }, out: { b: ["()"] } }
  on: { in: { b: ["()"] }, out: { c: ["()"] } }
properties:
  settles: { ltl: "F G count(b) == 0" }
  moves_or_stays: { ltl: "F count(b) > 0 || G count(b) == 0" }
  b_is_followed_by_c: { ltl: "G (count(b) > 0 => F count(c) > 0)" }
  a_is_followed_by_c: { ltl: "G (count(a) > 0 => F count(c) > 0)" }
  as_ctl_settles: { ctl: "AF AG count(b) == 0" }
  as_ctl_moves_or_stays: { ctl: "AF count(b) > 0 || AG count(b) == 0" }
"#;
    let results = temporal_results(text);
    let holds: Vec<Option<bool>> = results.iter().map(|r| r.holds).collect();
    assert_eq!(
        holds,
        vec![
            Some(true),
            Some(true),
            Some(true),
            Some(false),
            Some(false),
            Some(false)
        ]
    );
    let lasso = results[3]
        .lasso
        .as_ref()
        .expect("the failing response has a lasso");
    assert!(!lasso.cycle.is_empty(), "{lasso:?}");
}

#[test]
fn errors_are_located() {
    let bad = |formula: &str, logic: &str| {
        let text = format!(
            "places:\n  a: {{ type: Unit }}\ntransitions:\n  t: {{ in: {{ a: [\"()\"] }} }}\nproperties:\n  p: {{ {logic}: \"{formula}\" }}\n"
        );
        load_net_str(&Source::new("bad.yaml", text), &[], &NoFunctions)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let e = bad("G count(a) + 1", "ltl");
    assert!(e.contains("bad.yaml:6:") && e.contains("boolean"), "{e}");
    let e = bad("F fired(u)", "ltl");
    assert!(
        e.contains("bad.yaml:6:22") && e.contains("unknown transition `u`"),
        "{e}"
    );
    let e = bad("AG F count(a) > 0", "ctl");
    assert!(e.contains("ltl"), "{e}");
    let e = bad("F fired(t, x == 1)", "ltl");
    assert!(e.contains("bad.yaml:6:25") && e.contains("x"), "{e}");
}

#[test]
fn unknown_fairness_is_an_error() {
    let text = "places:\n  a: { type: Unit }\ntransitions:\n  t: { in: { a: [\"()\"] } }\nfairness:\n  t: sometimes\n";
    let e = load_net_str(&Source::new("f.yaml", text.to_string()), &[], &NoFunctions).unwrap_err();
    assert!(
        e.to_string().contains("f.yaml:6:6") && e.to_string().contains("weak"),
        "{e}"
    );
    let _ = Logic::Ltl;
}

#[test]
fn the_symmetry_quotient_gives_the_same_verdicts_and_concrete_lassos() {
    let text = r#"
types:
  Proc: { range: [1, 3], symmetric: true }
places:
  idle:     { type: Proc, init: ["all(Proc)"] }
  waiting:  { type: Proc }
  critical: { type: Proc }
  lock:     { type: Unit, init: ["()"] }
transitions:
  ask:   { in: { idle: ["p"] }, out: { waiting: ["p"] } }
  enter: { in: { waiting: ["p"], lock: ["()"] }, out: { critical: ["p"] } }
  leave: { in: { critical: ["p"] }, out: { idle: ["p"], lock: ["()"] } }
properties:
  someone_enters: { ltl: "G (count(waiting) > 0 => F fired(enter))" }
  all_wait_for_ever: { ltl: "F G count(waiting) == 3" }
  can_all_wait: { ctl: "EF count(waiting) == 3" }
  back_to_idle: { ltl: "G F count(idle) == 3" }
"#;
    let net = load(text);
    let run = |symmetry| {
        sesphr_engine::temporal::run::check_temporal(&net, Limits::default(), symmetry).unwrap()
    };
    let (full, full_size) = run(false);
    let (reduced, reduced_size) = run(true);
    assert!(reduced_size.unwrap().states < full_size.unwrap().states);
    let verdicts = |r: &[sesphr_engine::explore::PropertyResult]| {
        r.iter().map(|p| p.holds).collect::<Vec<_>>()
    };
    assert_eq!(verdicts(&full), verdicts(&reduced));
    assert_eq!(
        verdicts(&reduced),
        vec![Some(true), Some(false), Some(true), Some(false)]
    );
    // The lasso of the reduced check is a concrete run: its cycle comes back to its start.
    let lasso = reduced[3].lasso.as_ref().expect("a lasso");
    assert!(!lasso.cycle.is_empty());
    // Replay the cycle place by place: each step starts from what the previous left, and the
    // last step leaves every place as the cycle found it.
    let mut now: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let mut found: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for step in &lasso.cycle {
        for c in &step.changes {
            match now.get(c.place.as_str()) {
                Some(v) => assert_eq!(*v, c.before.as_str(), "{}", c.place),
                None => {
                    found.insert(&c.place, &c.before);
                }
            }
            now.insert(&c.place, &c.after);
        }
    }
    assert_eq!(
        now, found,
        "the cycle comes back to the marking it started from"
    );
}

#[test]
fn an_accepting_cycle_is_found_before_its_component_is_complete() {
    // A ring of 2,000 markings, one strongly connected component; at 0 the
    // run may also stay put. `G F c != 0` fails on the run that stays.
    let text = r#"
places:
  c: { type: Int, init: [0] }
transitions:
  stay: { in: { c: [x] }, out: { c: [x] }, guard: "x == 0" }
  step: { in: { c: [x] }, out: { c: ["(x + 1) % 2000"] } }
properties:
  leaves_zero_again: { ltl: "G F !(0 in c)" }
"#;
    let net = load(text);
    let space = ColouredSpace::new(&net);
    let p = &net.temporal[0];
    let graph =
        MarkingGraph::build(&space, &p.atoms, &net.fairness, Limits::default(), None).unwrap();
    assert_eq!(graph.len(), 2000);
    let kripke = Kripke::new(&graph, Vec::new()).unwrap();
    let atom = |n: usize, a: usize| kripke.holds(n, a, false);
    let mut early = Ltl::new(&kripke, &p.formula, &atom, &net.fairness);
    assert_eq!(early.holds(), Ok(false));
    // The self-loop at 0 is seen before the ring is walked.
    assert!(early.product_states() < 100, "{}", early.product_states());
    let mut full = Ltl::new(&kripke, &p.formula, &atom, &net.fairness);
    assert!(full.counterexample().unwrap().is_some());
    assert!(full.product_states() >= 2000, "{}", full.product_states());
}

/// Three symmetric processes taking a lock in turn, `enter` fair as
/// `fairness` says, with the property lines `properties`.
fn lock_net(fairness: &str, properties: &str) -> String {
    format!(
        r#"
types:
  Proc: {{ range: [1, 3], symmetric: true }}
places:
  idle:     {{ type: Proc, init: ["all(Proc)"] }}
  waiting:  {{ type: Proc }}
  critical: {{ type: Proc }}
  lock:     {{ type: Unit, init: ["()"] }}
transitions:
  ask:   {{ in: {{ idle: ["p"] }}, out: {{ waiting: ["p"] }} }}
  enter: {{ in: {{ waiting: ["p"], lock: ["()"] }}, out: {{ critical: ["p"] }} }}
  leave: {{ in: {{ critical: ["p"] }}, out: {{ idle: ["p"], lock: ["()"] }} }}
fairness:
  enter: {fairness}
properties:{properties}"#
    )
}

#[test]
fn the_graph_of_an_explored_space_gives_what_a_fresh_space_gives() {
    // Symmetric processes with a fairness per transition (the quotient is
    // used) and per binding (the symmetric space is set aside): the check
    // on the space an exploration has just filled (every reduction on) must
    // give the verdicts, traces and lassos of a check on a fresh space.
    let text = |fairness: &str| {
        lock_net(
            fairness,
            r#"
  mutex: { invariant: "count(critical) <= 1" }
  someone_enters: { ltl: "G (count(waiting) > 0 => F fired(enter))" }
  all_wait_for_ever: { ltl: "F G count(waiting) == 3" }
  can_all_wait: { ctl: "EF count(waiting) == 3" }
  back_to_idle: { ltl: "G F count(idle) == 3" }
"#,
        )
    };
    for fairness in ["weak", "strong", "strong-per-binding"] {
        let net = load(&text(fairness));
        let fresh =
            sesphr_engine::temporal::run::check_temporal(&net, Limits::default(), true).unwrap();
        let space = ColouredSpace::with_reductions(&net).unwrap();
        let options = sesphr_engine::explore::ExploreOptions::default();
        let explored = sesphr_engine::explore::check(&space, &options).unwrap();
        assert!(explored.complete, "{fairness}");
        let reused =
            sesphr_engine::temporal::run::check_temporal_in(&space, Limits::default(), None, None)
                .unwrap();
        assert_eq!(fresh, reused, "{fairness}");
        // The quotient is used unless the fairness is per binding.
        let (_, unreduced) =
            sesphr_engine::temporal::run::check_temporal(&net, Limits::default(), false).unwrap();
        let (graph, full) = (reused.1.unwrap().states, unreduced.unwrap().states);
        match fairness.ends_with("per-binding") {
            true => assert_eq!(graph, full, "{fairness}"),
            false => assert!(graph < full, "{fairness}: {graph} of {full}"),
        }
        assert!(fresh.0.iter().all(|p| p.holds.is_some()), "{fairness}");
        assert!(fresh.0.iter().any(|p| p.lasso.is_some()), "{fairness}");
    }
}

#[test]
fn the_graph_read_from_an_exploration_is_the_graph_built_again() {
    // Processes taking a lock, with `fired` and `enabled` atoms and a
    // fairness per transition: the graph read from an exploration that
    // recorded its edges must be the graph built by exploring again, node
    // for node and edge for edge, with and without the symmetry; where the
    // record cannot give it (fairness per binding, a condition over a
    // binding, a partial-order reduction) none is read.
    let text = |fairness: &str, atom: &str| {
        let properties = format!(
            r#"
  someone_enters: {{ ltl: "G (count(waiting) > 0 => F {atom})" }}
  may_leave: {{ ctl: "AG (enabled(leave) => EF count(idle) == 3)" }}
  all_wait_for_ever: {{ ltl: "F G count(waiting) == 3" }}
"#
        );
        lock_net(fairness, &properties)
    };
    let atoms = |net: &Net| -> Vec<Atom> {
        net.temporal
            .iter()
            .flat_map(|p| p.atoms.iter().cloned())
            .collect()
    };
    let record = sesphr_engine::explore::ExploreOptions {
        record_edges: true,
        ..Default::default()
    };
    for (fairness, atom, readable) in [
        ("weak", "fired(enter)", true),
        ("strong", "fired(enter)", true),
        ("strong-per-binding", "fired(enter)", false),
        ("weak", "fired(enter, p == p)", false),
        // An `enabled` condition, even one that reads the marking, labels
        // states only: the record gives the graph.
        ("weak", "enabled(ask, count(waiting) > 0)", true),
    ] {
        let net = load(&text(fairness, atom));
        let atoms = atoms(&net);
        for symmetry in [true, false] {
            let space = match symmetry {
                true => ColouredSpace::with_symmetry(&net).unwrap(),
                false => ColouredSpace::new(&net),
            };
            let (report, explored) =
                sesphr_engine::explore::check_keeping(&space, &record).unwrap();
            assert!(report.complete, "{fairness}");
            let recorded = explored.recorded.as_ref().unwrap();
            assert_eq!(recorded.len() as u64, report.states);
            assert_eq!(recorded.edge_count() as u64, report.edges);
            let limits = Limits::default();
            let built = MarkingGraph::build(&space, &atoms, &net.fairness, limits, None)
                .unwrap_or_else(|e| panic!("{e}"));
            let read = MarkingGraph::from_exploration(
                &space,
                &atoms,
                &net.fairness,
                explored,
                limits,
                None,
            );
            match read {
                Some(read) => {
                    assert!(readable, "{fairness} {atom}: read from the record");
                    let read = read.unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(
                        (read.len(), read.edge_count()),
                        (built.len(), built.edge_count())
                    );
                    assert!(read == built, "{fairness} {atom} symmetry {symmetry}");
                }
                None => assert!(!readable, "{fairness} {atom}: not read from the record"),
            }
            // The memos the temporal check frees once the graph is read are
            // caches: the space explores to the same report without them.
            space.forget_memos();
            let (again, _) = sesphr_engine::explore::check_keeping(&space, &record).unwrap();
            assert_eq!(
                (again.states, again.edges, again.depth),
                (report.states, report.edges, report.depth)
            );
        }
    }
    // A partial-order reduction expands states only partly: no record.
    let net = load(&text("weak", "fired(enter)"));
    let space = ColouredSpace::with_partial_order(&net);
    let (_, explored) = sesphr_engine::explore::check_keeping(&space, &record).unwrap();
    assert!(explored.recorded.is_none());
}

#[test]
fn enabled_and_fired_conditions_read_the_marking() {
    // Two refusals of a request `x`: one whatever `x` is (wrong: it also
    // refuses the granted 1), one only of the denied. Only conditions that
    // read the place `granted` beside the binding tell them apart.
    let text = r#"
places:
  asks:    { type: Int, init: ["1", "2"] }
  granted: { type: Int, init: ["1"] }
  denied:  { type: Int, init: ["2"] }
transitions:
  refuse_any:    { in: { asks: ["x"] }, out: { asks: ["x"] } }
  refuse_denied: { in: { asks: ["x"], denied: ["x"] }, out: { asks: ["x"], denied: ["x"] } }
properties:
  any_never_refuses_the_granted:    { ctl: "AG !enabled(refuse_any, x in granted)" }
  denied_never_refuses_the_granted: { ctl: "AG !enabled(refuse_denied, x in granted)" }
  any_never_fires_on_the_granted:   { ltl: "G !fired(refuse_any, x in granted)" }
  denied_never_fires_on_the_granted: { ltl: "G !fired(refuse_denied, x in granted)" }
  denied_may_refuse_the_denied:     { ctl: "EF enabled(refuse_denied, x in denied && !(x in granted))" }
"#;
    let verdicts: Vec<Option<bool>> = temporal_results(text).iter().map(|r| r.holds).collect();
    assert_eq!(
        verdicts,
        [Some(false), Some(true), Some(false), Some(true), Some(true)]
    );
}

#[test]
fn an_enabled_condition_reads_places_its_transition_does_not() {
    // `answer` reads only `asks`, which never changes; its condition reads
    // `clock`, which does: the verdict of `enabled(answer, ...)` in one
    // marking says nothing of a marking with the same `asks` and another
    // `clock`.
    let text = r#"
places:
  asks:  { type: Int, init: ["1"] }
  clock: { type: Int, init: ["0"] }
transitions:
  tick:   { in: { clock: ["c"] }, out: { clock: ["c + 1"] }, guard: "c < 2" }
  answer: { in: { asks: ["x"] }, out: { asks: ["x"] } }
properties:
  answered_late:       { ctl: "EF enabled(answer, exists c in clock: c == 2)" }
  never_answered_late: { ctl: "AG !enabled(answer, exists c in clock: c == 2)" }
  answered_early:      { ctl: "enabled(answer, exists c in clock: c == 0)" }
  always_early:        { ctl: "AG enabled(answer, exists c in clock: c == 0)" }
"#;
    let verdicts: Vec<Option<bool>> = temporal_results(text).iter().map(|r| r.holds).collect();
    assert_eq!(verdicts, [Some(true), Some(false), Some(true), Some(false)]);
}

#[test]
fn an_enabled_condition_sees_the_bindings_of_each_marking() {
    // `take` consumes what it binds: once 1 is taken, no binding with x == 1
    // is left, so bindings remembered from another marking would be wrong.
    let text = r#"
places:
  queue: { type: Int, init: ["1", "2"] }
  done:  { type: Int }
transitions:
  take: { in: { queue: ["x"] }, out: { done: ["x"] } }
properties:
  one_takeable_while_queued:   { ctl: "AG ((1 in queue => enabled(take, x == 1)) && (enabled(take, x == 1) => 1 in queue))" }
  two_takeable_while_queued:   { ctl: "AG ((2 in queue => enabled(take, x == 2)) && (enabled(take, x == 2) => 2 in queue))" }
  one_takeable_whatever_comes: { ctl: "AG (count(queue) > 0 => enabled(take, x == 1))" }
  one_can_go_before_two:       { ctl: "EF (enabled(take, x == 2) && !enabled(take, x == 1))" }
"#;
    let verdicts: Vec<Option<bool>> = temporal_results(text).iter().map(|r| r.holds).collect();
    assert_eq!(verdicts, [Some(true), Some(true), Some(false), Some(true)]);
}

#[test]
fn fired_atoms_kept_per_transition_label_every_edge_of_their_transition() {
    // `fired(enter)` has its bits kept once for the transition,
    // `fired(enter, p == p)` (a condition over the binding that always
    // holds) once per edge: the two graphs must label every edge alike, true
    // exactly on the edges of `enter`, and every marking alike.
    let text = |atom: &str| {
        let properties = format!(
            r#"
  someone_enters: {{ ltl: "G (count(waiting) > 0 => F {atom})" }}
  may_enter: {{ ctl: "AG (enabled(enter) => EF count(idle) == 3)" }}
"#
        );
        lock_net("weak", &properties)
    };
    let graph = |atom: &str, symmetry: bool| {
        let net = load(&text(atom));
        let atoms: Vec<Atom> = (net.temporal.iter())
            .flat_map(|p| p.atoms.iter().cloned())
            .collect();
        let fired = atoms
            .iter()
            .position(|a| matches!(a, Atom::Transition { fired: true, .. }))
            .unwrap();
        let space = match symmetry {
            true => ColouredSpace::with_symmetry(&net).unwrap(),
            false => ColouredSpace::new(&net),
        };
        let built = MarkingGraph::build(&space, &atoms, &net.fairness, Limits::default(), None)
            .unwrap_or_else(|e| panic!("{e}"));
        let enter = net.transitions.iter().position(|t| t.name == "enter");
        (built, atoms.len(), fired, enter.unwrap())
    };
    for symmetry in [true, false] {
        let (per_transition, atoms, fired, enter) = graph("fired(enter)", symmetry);
        let (per_edge, _, _, _) = graph("fired(enter, p == p)", symmetry);
        assert_eq!(per_transition.edge_count(), per_edge.edge_count());
        assert!(per_transition.edge_count() > 0);
        for e in 0..per_transition.edge_count() {
            let is_enter = per_transition.transition(e) == enter;
            assert_eq!(per_transition.edge_atom(e, fired), is_enter, "edge {e}");
            assert_eq!(per_edge.edge_atom(e, fired), is_enter, "edge {e}");
        }
        for node in 0..per_transition.len() {
            for atom in 0..atoms {
                assert_eq!(
                    per_transition.state_atom(node, atom),
                    per_edge.state_atom(node, atom),
                    "node {node}, atom {atom}"
                );
            }
        }
    }
}

/// The progress of the properties' checks counts up, one report per
/// property, whatever order the threads finish them in.
#[test]
fn properties_checked_are_reported_in_order() {
    use sesphr_engine::temporal::graph::GraphProgressHook;
    use std::sync::{Arc, Mutex};
    const PROPERTIES: usize = 32;
    let mut text = MUTEX.replace(
        "  one_gets_in: { ltl: \"G (1 in waiting => F fired(enter, p == 1))\" }\n",
        "",
    );
    for k in 0..PROPERTIES {
        let formula = match k % 2 {
            0 => format!("AG count(critical) <= {}", 1 + k % 3),
            _ => format!("G F count(idle) >= {}", k % 3),
        };
        let logic = if k % 2 == 0 { "ctl" } else { "ltl" };
        text.push_str(&format!("  p{k}: {{ {logic}: \"{formula}\" }}\n"));
    }
    let net = load(&text);
    assert_eq!(net.temporal.len(), PROPERTIES);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .expect("a pool");
    for _ in 0..20 {
        let told = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&told);
        let hook: GraphProgressHook = Arc::new(move |p| {
            if let Some(checked) = p.properties {
                sink.lock().unwrap().push(checked);
            }
        });
        let space = ColouredSpace::new(&net);
        let (results, _) = pool
            .install(|| {
                sesphr_engine::temporal::run::check_temporal_in(
                    &space,
                    Limits::default(),
                    Some(&hook),
                    None,
                )
            })
            .unwrap();
        assert_eq!(results.len(), PROPERTIES);
        let expected: Vec<(usize, usize)> = (0..=PROPERTIES).map(|k| (k, PROPERTIES)).collect();
        assert_eq!(*told.lock().unwrap(), expected);
    }
}

#[test]
fn the_ctl_work_stops_when_its_budget_runs_out() {
    let text = include_str!("support/ring.yaml");
    let net = load(text);
    let space = ColouredSpace::new(&net);
    let atoms: Vec<Atom> = (net.temporal.iter())
        .flat_map(|p| p.atoms.iter().cloned())
        .collect();
    let graph =
        MarkingGraph::build(&space, &atoms, &net.fairness, Limits::default(), None).unwrap();
    assert_eq!(graph.len(), 2000);
    let formula = &net.temporal[0].formula;
    let atom = |n: usize, a: usize| graph.state_atom(n, a);
    // Without a budget: decided, both ways.
    let kripke = Kripke::new(&graph, Vec::new()).unwrap();
    assert_eq!(holds_at_initial(&kripke, &atom, formula), Ok(Some(true)));
    let ctl = Ctl::new(&kripke, &atom).unwrap();
    assert!(ctl.sat(formula).unwrap()[0]);
    assert_eq!(ctl.explain(formula, true), Ok(None));
    // A budget whose deadline has passed: every pass says why it stopped.
    let spent = Arc::new(Budget::new(Some(Instant::now()), None));
    spent.install(|| {
        let time = Some(Exhausted::Time);
        assert_eq!(Kripke::new(&graph, vec![1]).err(), time);
        assert_eq!(holds_at_initial(&kripke, &atom, formula).err(), time);
        assert_eq!(Ctl::new(&kripke, &atom).err(), time);
        // Structures made before the budget ran out stop in their fixpoints.
        assert_eq!(ctl.sat(formula).err(), time);
        assert_eq!(ctl.explain(formula, true).err(), time);
    });
    // Under fairness, the search for fair cycles stops too.
    let fair = Ctl::new(&kripke, &atom).unwrap();
    assert!(fair.with_fairness(&net.fairness).sat(formula).unwrap()[0]);
    let fair = Ctl::new(&kripke, &atom).unwrap();
    let spent = Arc::new(Budget::new(Some(Instant::now()), None));
    let stopped = spent.install(|| fair.with_fairness(&net.fairness).sat(formula));
    assert_eq!(stopped.err(), Some(Exhausted::Time));
}

// ---- CTL explanations of nested formulas -------------------------------------------

/// A producer and a consumer of apples and pears over a buffer of two slots.
const PRODUCE_CONSUME: &str = r#"
name: pct
types:
  Kind: { enum: [apple, pear] }
  Item: { tuple: [Kind, Int] }
  Seq: { range: [0, 3] }
places:
  producer: { type: Seq, init: ["0"] }
  buffer:   { type: Item }
  slots:    { type: Unit, init: ["2'()"] }
  last:     { type: Kind, init: ["apple"] }
transitions:
  make_apple:
    in:  { producer: ["n"], slots: ["()"] }
    out: { producer: ["(n + 1) % 4"], buffer: ["(apple, n)"] }
  make_pear:
    in:  { producer: ["n"], slots: ["()"] }
    guard: "n % 2 == 0"
    out: { producer: ["(n + 1) % 4"], buffer: ["(pear, n)"] }
  eat:
    in:  { buffer: ["(k, n)"], last: ["_"] }
    out: { slots: ["()"], last: ["k"] }
"#;

/// A token that goes back and forth between `a` and `b` until it falls into `c`.
const TRAP: &str = r#"
name: trap
places:
  a: { type: Unit, init: ["()"] }
  b: { type: Unit }
  c: { type: Unit }
transitions:
  go:   { in: { a: ["()"] }, out: { b: ["()"] } }
  back: { in: { b: ["()"] }, out: { a: ["()"] } }
  fall: { in: { b: ["()"] }, out: { c: ["()"] } }
  stay: { in: { c: ["()"] }, out: { c: ["()"] } }
"#;

/// An explained verdict: the nodes the path visits (the initial one first)
/// and the position in it where the cycle starts (`None` for a finite path).
struct Explained {
    nodes: Vec<usize>,
    cycle_from: Option<usize>,
}

impl Explained {
    /// Whether from some position on, every node of the path is in `after`,
    /// and the node there is in `at`.
    fn stays_after_some(&self, at: &[bool], after: &[bool]) -> bool {
        (0..self.nodes.len())
            .any(|k| at[self.nodes[k]] && self.nodes[k..].iter().all(|&n| after[n]))
    }

    /// The number of steps (stem and cycle).
    fn steps(&self) -> usize {
        self.nodes.len() - 1
    }
}

/// The formula under the path quantifier and temporal operator of `f`
/// (`x` of `AG x`), or its second operand for `until`.
fn under(f: &Formula<usize>) -> &Formula<usize> {
    let Formula::Path(_, inner) = f else {
        panic!("not quantified: {f:?}")
    };
    match inner.as_ref() {
        Formula::Next(x) | Formula::Finally(x) | Formula::Globally(x) => x,
        Formula::Until(_, y) | Formula::Release(_, y) => y,
        other => panic!("not a path formula: {other:?}"),
    }
}

/// Checks the explanation of the CTL formula `ctl` over the net `text`
/// (without properties): its verdict is `holds`, its path is a run of the
/// structure from the initial node, and `check` accepts it (given the
/// formula and the nodes where any formula over its atoms holds).
fn check_explanation(
    text: &str,
    ctl: &str,
    holds: bool,
    check: impl FnOnce(Option<Explained>, &Formula<usize>, &dyn Fn(&Formula<usize>) -> Vec<bool>),
) {
    let net = load(&format!("{text}properties:\n  p: {{ ctl: \"{ctl}\" }}\n"));
    let space = ColouredSpace::new(&net);
    let p = &net.temporal[0];
    let graph = MarkingGraph::build(&space, &p.atoms, &net.fairness, Limits::default(), None)
        .expect("a small net");
    let kripke = Kripke::new(&graph, Vec::new()).unwrap();
    let atom = |n: usize, a: usize| graph.state_atom(n, a);
    let ctl_of = Ctl::new(&kripke, &atom).unwrap();
    let ctl_of = ctl_of.with_fairness(&net.fairness);
    assert_eq!(ctl_of.sat(&p.formula).unwrap()[0], holds, "{ctl}");
    let path = ctl_of.explain(&p.formula, holds).unwrap();
    let explained = path.map(|Path { stem, cycle }| {
        let mut nodes = vec![0];
        for &(m, via) in stem.iter().chain(&cycle) {
            let at = *nodes.last().unwrap();
            assert!(
                kripke.successors(at).any(|e| e == (m, via)),
                "{ctl}: not a run"
            );
            nodes.push(m);
        }
        let cycle_from = (!cycle.is_empty()).then_some(stem.len());
        if let Some(start) = cycle_from {
            assert_eq!(
                nodes[start],
                *nodes.last().unwrap(),
                "{ctl}: the cycle closes"
            );
        }
        Explained { nodes, cycle_from }
    });
    check(explained, &p.formula, &|f| ctl_of.sat(f).unwrap());
}

/// The negation of `f`'s truth at each node.
fn not(v: Vec<bool>) -> Vec<bool> {
    v.into_iter().map(|b| !b).collect()
}

#[test]
fn a_failing_ag_af_shows_the_way_to_where_af_fails_then_its_lasso() {
    check_explanation(
        PRODUCE_CONSUME,
        "AG AF pear in last",
        false,
        |run, f, sat| {
            let run = run.expect("a counterexample");
            assert!(run.cycle_from.is_some(), "a lasso");
            let af = under(f);
            let pear = under(af);
            assert!(run.stays_after_some(&not(sat(af)), &not(sat(pear))));
        },
    );
    // The same from a node further on: AX first.
    check_explanation(
        PRODUCE_CONSUME,
        "AX AF pear in last",
        false,
        |run, f, sat| {
            let run = run.expect("a counterexample");
            let af = under(f);
            assert!(!sat(af)[run.nodes[1]]);
            let pear = not(sat(under(af)));
            assert!(run.cycle_from.is_some() && run.nodes[1..].iter().all(|&n| pear[n]));
        },
    );
}

#[test]
fn a_failing_af_gets_a_lasso_no_longer_than_the_ltl_one() {
    check_explanation(PRODUCE_CONSUME, "AF pear in last", false, |run, f, sat| {
        let run = run.expect("a counterexample");
        assert!(run.nodes.iter().all(|&n| !sat(under(f))[n]));
        // G F of the same atom (number 0), by the LTL search.
        let ltl = format!("{PRODUCE_CONSUME}properties:\n  p: {{ ltl: \"G F pear in last\" }}\n");
        let lasso = &temporal_results(&ltl)[0];
        let lasso = lasso.lasso.as_ref().expect("an LTL lasso");
        let ltl_steps = lasso.stem.len() + lasso.cycle.len();
        assert!(run.steps() <= ltl_steps, "{} > {ltl_steps}", run.steps());
        assert_eq!(
            run.cycle_from,
            Some(0),
            "the initial node is on a cycle avoiding pears"
        );
    });
}

#[test]
fn failing_until_and_af_ag_show_where_their_operands_fail() {
    let until = "A(count(buffer) <= 1 U pear in last)";
    check_explanation(PRODUCE_CONSUME, until, false, |run, f, sat| {
        let run = run.expect("a counterexample");
        let Formula::Path(_, inner) = f else { panic!() };
        let Formula::Until(x, y) = inner.as_ref() else {
            panic!()
        };
        let (x, y) = (sat(x), sat(y));
        assert!(run.nodes.iter().all(|&n| !y[n]), "q never holds");
        if run.cycle_from.is_none() {
            assert!(
                !x[*run.nodes.last().unwrap()],
                "p fails where the path ends"
            );
        }
    });
    check_explanation(
        PRODUCE_CONSUME,
        "AF AG count(buffer) <= 1",
        false,
        |run, f, sat| {
            let run = run.expect("a counterexample");
            let ag = not(sat(under(f)));
            assert!(run.cycle_from.is_some() && run.nodes.iter().all(|&n| ag[n]));
        },
    );
}

#[test]
fn a_holding_ef_gets_the_witness_of_what_it_reaches() {
    let ef = "EF (pear in last && EG count(buffer) <= 1)";
    check_explanation(PRODUCE_CONSUME, ef, true, |run, f, sat| {
        let run = run.expect("a witness");
        let Formula::And(pear, eg) = under(f) else {
            panic!()
        };
        assert!(run.cycle_from.is_some());
        assert!(run.stays_after_some(&sat(pear), &sat(under(eg))));
    });
}

#[test]
fn a_failing_ag_ef_leads_to_where_ef_fails_or_shows_nothing() {
    check_explanation(TRAP, "AG EF count(a) == 1", false, |run, f, sat| {
        let run = run.expect("a counterexample");
        assert_eq!(run.cycle_from, None);
        assert_eq!(run.steps(), 2);
        assert!(!sat(under(f))[*run.nodes.last().unwrap()]);
    });
    // EF fails already in the initial state: no run shows more.
    check_explanation(TRAP, "AG EF count(c) == 2", false, |run, _, _| {
        assert!(run.is_none());
    });
    // A state formula failing there: the initial state shows it.
    check_explanation(TRAP, "AG count(b) == 1", false, |run, _, _| {
        assert_eq!(run.map(|run| run.steps()), Some(0));
    });
}

#[test]
fn a_fair_counterexample_starts_its_lasso_where_the_response_fails() {
    let fair = format!(
        "{}fairness:\n  enter: strong\n",
        MUTEX.split("properties:").next().unwrap()
    );
    let formula = "AG (1 in waiting => AF 1 in critical)";
    check_explanation(&fair, formula, false, |run, f, sat| {
        let run = run.expect("a counterexample");
        let Formula::Implies(waiting, af) = under(f) else {
            panic!()
        };
        let (waiting, critical) = (sat(waiting), sat(under(af)));
        let not_in = not(critical);
        assert!(run.cycle_from.is_some());
        assert!(run.stays_after_some(&waiting, &not_in));
    });
}
