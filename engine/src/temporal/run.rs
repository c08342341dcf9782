//! Checks the CTL and LTL properties of a coloured net.

use super::ctl::{Ctl, Path};
use super::graph::{GraphError, Limits, MarkingGraph};
use super::kripke::{Kripke, MAX_FIRED_ATOMS, STUTTER};
use super::ltl::Ltl;
use super::{Atom, Logic, TemporalProperty};
use crate::coloured::{ColouredError, ColouredSpace};
use crate::explore::{Lasso, PropertyKind, PropertyResult, StateSpace, Step, Trace};
use crate::net::model::Net;

/// The size of the graph the temporal properties were checked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphSize {
    /// Reachable markings.
    pub states: usize,
    /// Edges (enabled bindings).
    pub edges: usize,
}

/// Checks every CTL and LTL property of `net` on its explored graph
/// (without symmetry reduction). Incomplete runs (a limit reached) give
/// undecided verdicts.
pub fn check_temporal(
    net: &Net,
    limits: Limits,
) -> Result<(Vec<PropertyResult>, Option<GraphSize>), ColouredError> {
    if net.temporal.is_empty() {
        return Ok((Vec::new(), None));
    }
    let space = ColouredSpace::new(net);
    let mut atoms: Vec<Atom> = Vec::new();
    let mut bases = Vec::new();
    for p in &net.temporal {
        bases.push(atoms.len());
        atoms.extend(p.atoms.iter().cloned());
    }
    let graph = match MarkingGraph::build(&space, &atoms, &net.fairness, limits) {
        Ok(g) => g,
        Err(GraphError::Space(e)) => return Err(e),
        Err(e) => {
            let why = e.to_string();
            let results = net
                .temporal
                .iter()
                .map(|p| result(p, None, None, None, format!("undecided: {why}")))
                .collect();
            return Ok((results, None));
        }
    };
    let size = GraphSize {
        states: graph.len(),
        edges: graph.edge_count(),
    };
    let results = net
        .temporal
        .iter()
        .zip(bases)
        .map(|(p, base)| check_one(&space, &graph, net, p, base))
        .collect::<Result<_, _>>()?;
    Ok((results, Some(size)))
}

fn is_fired(atom: &Atom) -> bool {
    matches!(atom, Atom::Transition { fired: true, .. })
}

fn check_one(
    space: &ColouredSpace<'_>,
    graph: &MarkingGraph,
    net: &Net,
    p: &TemporalProperty,
    base: usize,
) -> Result<PropertyResult, ColouredError> {
    let fired: Vec<usize> = (0..p.atoms.len())
        .filter(|&i| is_fired(&p.atoms[i]))
        .map(|i| base + i)
        .collect();
    if fired.len() > MAX_FIRED_ATOMS {
        return Ok(result(
            p,
            None,
            None,
            None,
            format!("undecided: more than {MAX_FIRED_ATOMS} `fired` atoms in one formula"),
        ));
    }
    let kripke = Kripke::new(graph, fired);
    let atom = |node: usize, a: usize| kripke.holds(node, base + a, is_fired(&p.atoms[a]));
    let (holds, path, meaning) = match p.logic {
        Logic::Ctl => {
            let ctl = Ctl::new(&kripke, &atom);
            let holds = ctl.sat(&p.formula)[0];
            let path = ctl.explain(&p.formula, holds);
            let meaning = match (holds, path.is_some()) {
                (true, true) => "holds in the initial state; a witness run below",
                (true, false) => "holds in the initial state",
                (false, true) => "fails in the initial state; the run below shows why",
                (false, false) => "fails in the initial state (no single run shows why)",
            };
            (holds, path, meaning.to_string())
        }
        Logic::Ltl => {
            let mut ltl = Ltl::new(&kripke, &p.formula, &atom, &net.fairness);
            let counterexample = ltl.counterexample();
            let runs = if net.fairness.is_empty() {
                "run"
            } else {
                "fair run"
            };
            let meaning = match &counterexample {
                None => format!("holds on every {runs}"),
                Some(_) => format!(
                    "fails: a {runs} violates it, the lasso below (its cycle repeats for ever)"
                ),
            };
            (counterexample.is_none(), counterexample, meaning)
        }
    };
    let (trace, lasso) = match path {
        None => (None, None),
        Some(path) if path.cycle.is_empty() => (Some(trace_of(space, &kripke, &path.stem)?), None),
        Some(path) => (None, Some(lasso_of(space, &kripke, &path)?)),
    };
    Ok(result(p, Some(holds), trace, lasso, meaning))
}

fn result(
    p: &TemporalProperty,
    holds: Option<bool>,
    trace: Option<Trace>,
    lasso: Option<Lasso>,
    meaning: String,
) -> PropertyResult {
    let kind = match p.logic {
        Logic::Ctl => PropertyKind::Ctl,
        Logic::Ltl => PropertyKind::Ltl,
    };
    PropertyResult {
        name: p.name.clone(),
        kind,
        holds,
        trace,
        lasso,
        explanation: Some(format!(
            "{}: {meaning}",
            p.text.split_whitespace().collect::<Vec<_>>().join(" ")
        )),
    }
}

/// The readable steps of Kripke steps from node `from`; stutters are skipped.
fn steps(
    space: &ColouredSpace<'_>,
    kripke: &Kripke<'_>,
    mut from: usize,
    path: &[(usize, u32)],
) -> Result<Vec<Step>, ColouredError> {
    let graph = kripke.graph;
    let mut out = Vec::new();
    for &(node, via) in path {
        if via != STUTTER {
            let marking = kripke.marking(from);
            let k = via as usize - graph.edges(marking).start;
            let mut labelled = space.labelled_successors(graph.state(marking))?;
            if k < labelled.len() {
                out.push(labelled.swap_remove(k).0);
            }
        }
        from = node;
    }
    Ok(out)
}

fn describe(space: &ColouredSpace<'_>, kripke: &Kripke<'_>, node: usize) -> String {
    space.describe_state(kripke.graph.state(kripke.marking(node)))
}

fn trace_of(
    space: &ColouredSpace<'_>,
    kripke: &Kripke<'_>,
    stem: &[(usize, u32)],
) -> Result<Trace, ColouredError> {
    let last = stem.last().map_or(0, |s| s.0);
    Ok(Trace {
        initial: describe(space, kripke, 0),
        steps: steps(space, kripke, 0, stem)?,
        last: describe(space, kripke, last),
    })
}

fn lasso_of(
    space: &ColouredSpace<'_>,
    kripke: &Kripke<'_>,
    path: &Path,
) -> Result<Lasso, ColouredError> {
    let start = path.stem.last().map_or(0, |s| s.0);
    Ok(Lasso {
        initial: describe(space, kripke, 0),
        stem: steps(space, kripke, 0, &path.stem)?,
        cycle_start: describe(space, kripke, start),
        cycle: steps(space, kripke, start, &path.cycle)?,
        deadlock: path.cycle.iter().all(|s| s.1 == STUTTER),
    })
}
