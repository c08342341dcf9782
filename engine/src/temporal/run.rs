//! Checks the CTL and LTL properties of a coloured net.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use rayon::prelude::*;

use super::branching::equivalent_ctl;
use super::ctl::{Ctl, Path};
use super::forward;
use super::graph::{GraphError, GraphProgress, GraphProgressHook, Limits, MarkingGraph};
use super::kripke::{Kripke, MAX_FIRED_ATOMS, STUTTER};
use super::ltl::Ltl;
use super::{Atom, Formula, Logic, TemporalProperty};
use crate::budget::{Exhausted, resident_bytes};
use crate::coloured::{ColouredError, ColouredSpace};
use crate::explore::{
    Exploration, Lasso, PropertyKind, PropertyResult, StateSpace, Step, StopReason, Trace,
};
use crate::net::model::Net;

/// The size of the graph the temporal properties were checked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphSize {
    /// Reachable markings.
    pub states: usize,
    /// Edges (enabled bindings).
    pub edges: usize,
}

/// Checks every CTL and LTL property of `net` on its explored graph.
/// Incomplete runs (a limit reached) give undecided verdicts.
///
/// With `symmetry`, the graph is the quotient by the net's symmetric types
/// unless some fairness is per binding (a binding names values the quotient
/// merges). The quotient is bisimilar to the full graph for the atoms a net
/// can write (the loader refuses constants of symmetric types in them, so
/// every atom, `fired`/`enabled` conditions included, is invariant under the
/// permutations), and fairness per transition is too; verdicts are the same.
/// Counterexamples are replayed on the unreduced net: each step is the
/// concrete successor whose representative the path visits, and a lasso's
/// cycle is unrolled until it returns to the very marking it started from.
pub fn check_temporal(
    net: &Net,
    limits: Limits,
    symmetry: bool,
) -> Result<(Vec<PropertyResult>, Option<GraphSize>), ColouredError> {
    if net.temporal.is_empty() {
        return Ok((Vec::new(), None));
    }
    let space = match symmetry {
        true => ColouredSpace::with_symmetry(net).unwrap_or_else(|_| ColouredSpace::new(net)),
        false => ColouredSpace::new(net),
    };
    check_temporal_in(&space, limits, None, None)
}

/// Checks every CTL and LTL property of the net of `space` on the graph of
/// `space` (the quotient by its symmetry, if it has one, as for
/// [`check_temporal`]), reusing what `space` remembers: its interned
/// multisets, transition effects and symmetry images. An exploration that
/// has just run on `space` has met every marking of the graph, so the graph
/// is built without decoding a token. A space's partial-order reduction
/// plays no part (the graph has every successor); with per-binding fairness
/// a symmetric space is set aside for an unreduced one. `explored`, an
/// exploration of `space` that recorded its edges, gives the graph without
/// computing a successor again (it is consumed) (see [`MarkingGraph::from_exploration`] for
/// when it cannot). `progress` is told how far the graph is built, after
/// each chunk of markings.
pub fn check_temporal_in(
    space: &ColouredSpace<'_>,
    limits: Limits,
    progress: Option<&GraphProgressHook>,
    explored: Option<Exploration>,
) -> Result<(Vec<PropertyResult>, Option<GraphSize>), ColouredError> {
    let net = space.net();
    if net.temporal.is_empty() {
        return Ok((Vec::new(), None));
    }
    if space.symmetry().is_some() && net.fairness.iter().any(|f| f.per_binding) {
        return check_on(&ColouredSpace::new(net), limits, progress, None);
    }
    check_on(space, limits, progress, explored)
}

/// [`check_temporal_in`], on the graph of `space` as it is.
fn check_on(
    space: &ColouredSpace<'_>,
    limits: Limits,
    progress: Option<&GraphProgressHook>,
    explored: Option<Exploration>,
) -> Result<(Vec<PropertyResult>, Option<GraphSize>), ColouredError> {
    let net = space.net();
    let started = Instant::now();
    let mut atoms: Vec<Atom> = Vec::new();
    let mut bases = Vec::new();
    for p in &net.temporal {
        bases.push(atoms.len());
        atoms.extend(p.atoms.iter().cloned());
    }
    if (explored.as_ref()).is_some_and(|e| MarkingGraph::readable(e, &atoms, &net.fairness)) {
        // The graph will be read from the record: no successor will be
        // computed again (the memos are freed before the graph is made).
        space.forget_memos();
    }
    let recorded = explored.and_then(|explored| {
        MarkingGraph::from_exploration(space, &atoms, &net.fairness, explored, limits, progress)
    });
    let built = recorded
        .unwrap_or_else(|| MarkingGraph::build(space, &atoms, &net.fairness, limits, progress));
    let graph = match built {
        Ok(g) => g,
        Err(GraphError::Space(e)) => return Err(e),
        Err(e) => return Ok((undecided(net, &e.to_string()), None)),
    };
    let size = GraphSize {
        states: graph.len(),
        edges: graph.edge_count(),
    };
    // Told before the first property and after each one, in order: the
    // count is raised and told under one lock, so two properties finishing
    // at once cannot report their counts the wrong way round.
    let checked = Mutex::new(0usize);
    let tell = |done: usize| {
        if let Some(hook) = progress {
            hook(&GraphProgress {
                markings: graph.len() as u64,
                expanded: graph.len() as u64,
                edges: graph.edge_count() as u64,
                elapsed: started.elapsed(),
                properties: Some((done, net.temporal.len())),
            });
        }
    };
    tell(0);
    // One property per task: each searches the graph on its own (results in
    // the properties' order whatever the thread count), as many at once as
    // the memory limit leaves room for.
    let room = limits
        .max_memory
        .map(|max| max.saturating_sub(resident_bytes().unwrap_or(0)));
    let threads = rayon::current_num_threads();
    let at_once = searches_at_once(threads, room, search_bytes(size));
    let properties: Vec<_> = net.temporal.iter().zip(bases).collect();
    // The time and memory limits, ticked by the Kripke structures, the CTL
    // fixpoints and the LTL product's search.
    let budget = limits.budget();
    let mut results = Vec::with_capacity(properties.len());
    for group in properties.chunks(group_size(properties.len(), threads, at_once)) {
        let checked_group: Vec<PropertyResult> = group
            .par_iter()
            .map(|&(p, base)| {
                let result = budget.install(|| check_one(space, &graph, net, p, base));
                let mut done = checked.lock().unwrap_or_else(PoisonError::into_inner);
                *done += 1;
                tell(*done);
                result
            })
            .collect::<Result<_, _>>()?;
        results.extend(checked_group);
    }
    Ok((results, Some(size)))
}

/// What one property's search of a graph of `size` may hold besides the
/// graph, in bytes, estimated: its Kripke structure (a node per marking and
/// per distinct `fired` mask, 20 bytes each, 4 bytes a graph edge), an LTL
/// product's numbers and the search's stacks (44 bytes a marking). On the
/// two-patient SeSPHR check (14.8 million markings, 170 million edges) that
/// is 1.63 GB, where each search was seen to add 1.5 to 1.7 GB of resident
/// memory.
fn search_bytes(size: GraphSize) -> u64 {
    size.edges as u64 * 4 + size.states as u64 * 64
}

/// How many of `properties` to hand the pool together: all of them where
/// every one of its `threads` may search at once (the pool shares them out
/// as threads come free), otherwise `at_once`, group after group.
fn group_size(properties: usize, threads: usize, at_once: usize) -> usize {
    match at_once < threads {
        true => at_once.max(1),
        false => properties.max(1),
    }
}

/// How many properties to check at once: one per thread, unless `room`
/// (the bytes the memory limit leaves, if there is one) holds fewer
/// searches of `per_search` bytes; at least one.
fn searches_at_once(threads: usize, room: Option<u64>, per_search: u64) -> usize {
    let fits = room.map_or(usize::MAX, |room| {
        usize::try_from(room / per_search.max(1)).unwrap_or(usize::MAX)
    });
    fits.min(threads).max(1)
}

/// Every CTL and LTL property of `net` undecided, for the reason `why` (a
/// limit that stopped the graph, or the exploration before it).
pub fn undecided(net: &Net, why: &str) -> Vec<PropertyResult> {
    (net.temporal.iter())
        .map(|p| result(p, None, None, None, format!("undecided: {why}")))
        .collect()
}

/// Every CTL and LTL property of `net` undecided because a limit (`reason`)
/// stopped the exploration whose markings their graph would hold.
pub fn undecided_after(net: &Net, reason: StopReason) -> Vec<PropertyResult> {
    undecided(
        net,
        &format!(
            "the exploration stopped first ({}), so the graph of markings would be incomplete",
            reason.name()
        ),
    )
}

fn is_fired(atom: &Atom) -> bool {
    matches!(atom, Atom::Transition { fired: true, .. })
}

/// Decides the property `p` of `net`, whose atoms are numbered from `base`
/// in `graph`, within the budget installed on the thread (undecided, naming
/// the limit, when it runs out).
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
    let kripke = match Kripke::new(graph, fired) {
        Ok(kripke) => kripke,
        Err(why) => return Ok(stopped(p, why)),
    };
    let atom = |node: usize, a: usize| kripke.holds(node, base + a, is_fired(&p.atoms[a]));
    let (holds, path, meaning) = match p.logic {
        Logic::Ctl => {
            let decided = Ctl::new(&kripke, &atom).and_then(|ctl| {
                let ctl = ctl.with_fairness(&net.fairness);
                let holds = ctl.sat(&p.formula)?[0];
                Ok((holds, ctl.explain(&p.formula, holds)?))
            });
            let (holds, path) = match decided {
                Ok(decided) => decided,
                Err(why) => return Ok(stopped(p, why)),
            };
            let meaning = match (holds, path.is_some()) {
                (true, true) => "holds in the initial state; a witness run below",
                (true, false) => "holds in the initial state",
                (false, true) => "fails in the initial state; the run below shows why",
                (false, false) => "fails in the initial state (no single run shows why)",
            };
            (holds, path, meaning.to_string())
        }
        Logic::Ltl => {
            let runs = if net.fairness.is_empty() {
                "run"
            } else {
                "fair run"
            };
            let as_ctl = match holds_as_ctl(&kripke, &atom, &p.formula) {
                Ok(holds) => holds,
                Err(why) => return Ok(stopped(p, why)),
            };
            let counterexample = if as_ctl {
                None
            } else {
                let mut ltl = Ltl::new(&kripke, &p.formula, &atom, &net.fairness);
                match ltl.counterexample() {
                    Ok(counterexample) => counterexample,
                    Err(why) => return Ok(stopped(p, why)),
                }
            };
            let meaning = match &counterexample {
                None => format!("holds on every {runs}"),
                Some(path) if path.cycle.iter().all(|step| step.1 == STUTTER) => format!(
                    "fails: a {runs} violates it, the lasso below (it ends in a deadlock and stays there for ever)"
                ),
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

/// Whether the LTL formula `formula` holds on every run of `kripke`, by the
/// CTL formula that says the same ([`equivalent_ctl`]): going forward only
/// where its shape allows ([`forward`]), else by the fixpoints of
/// [`Ctl`]. `false` when it fails or has no such formula, and the LTL
/// search then decides it. Every run is taken, fair or not: a formula every
/// run satisfies is satisfied by every fair run too. `Err` when the
/// installed budget ran out.
fn holds_as_ctl(
    kripke: &Kripke<'_>,
    atom: &dyn Fn(usize, usize) -> bool,
    formula: &Formula<usize>,
) -> Result<bool, Exhausted> {
    let Some(ctl) = equivalent_ctl(formula) else {
        return Ok(false);
    };
    match forward::holds_at_initial(kripke, atom, &ctl)? {
        Some(holds) => Ok(holds),
        None => Ok(Ctl::new(kripke, atom)?.sat(&ctl)?[0]),
    }
}

/// `p` undecided: the limit `why` stopped its decision.
fn stopped(p: &TemporalProperty, why: Exhausted) -> PropertyResult {
    result(
        p,
        None,
        None,
        None,
        format!("undecided: {why} while the property was being decided"),
    )
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
        meaning: Some(format!(
            "{}: {meaning}",
            p.text.split_whitespace().collect::<Vec<_>>().join(" ")
        )),
        explanation: None,
    }
}

/// Replays Kripke steps on the unreduced net from the concrete marking
/// `from`: each step is the concrete successor, by the same transition, whose
/// representative is the node's marking. Stutters are skipped. Returns the
/// steps and the concrete marking reached.
fn replay(
    space: &ColouredSpace<'_>,
    kripke: &Kripke<'_>,
    mut from: Vec<u32>,
    path: &[(usize, u32)],
    out: &mut Vec<Step>,
) -> Result<Vec<u32>, ColouredError> {
    for &(node, via) in path {
        if via == STUTTER {
            continue;
        }
        match matching(space, kripke, &from, (node, via))?
            .into_iter()
            .next()
        {
            Some((step, successor)) => {
                out.push(step);
                from = successor;
            }
            // The space's two successor methods disagree (a bug): stop the replay here.
            None => break,
        }
    }
    Ok(from)
}

fn trace_of(
    space: &ColouredSpace<'_>,
    kripke: &Kripke<'_>,
    stem: &[(usize, u32)],
) -> Result<Trace, ColouredError> {
    let initial = space.initial_unreduced()?;
    let mut steps = Vec::new();
    let last = replay(space, kripke, initial.clone(), stem, &mut steps)?;
    Ok(Trace {
        initial: space.describe_state(&initial),
        initial_places: space.marked_places(&initial),
        steps,
        last: space.describe_state(&last),
        last_places: space.marked_places(&last),
    })
}

/// At most this many (cycle position, concrete marking) pairs are searched
/// to close a lasso's cycle on the unreduced net.
const MAX_CLOSING_SEARCH: usize = 1 << 16;

/// The concrete successors of `from` that a Kripke step `(node, via)` stands
/// for: same transition, representative equal to the node's marking.
fn matching(
    space: &ColouredSpace<'_>,
    kripke: &Kripke<'_>,
    from: &[u32],
    (node, via): (usize, u32),
) -> Result<Vec<(Step, Vec<u32>)>, ColouredError> {
    let graph = kripke.graph;
    let target = graph.state(kripke.marking(node));
    let name = &space.net().transitions[graph.transition(via as usize)].name;
    let mut out = Vec::new();
    for (step, successor) in space.labelled_successors(from)? {
        if &step.transition == name && space.representative(&successor)? == target {
            out.push((step, successor));
        }
    }
    Ok(out)
}

/// A position of the cycle search: (index in the cycle, concrete marking).
type Position = (usize, Vec<u32>);

/// The cycle's steps on the unreduced net from `start` back to `start`:
/// a breadth-first search over (position in the cycle, concrete marking),
/// since the quotient's cycle may come back to a permutation of `start`
/// and need several turns. `None` if the search bound is reached.
fn close_cycle(
    space: &ColouredSpace<'_>,
    kripke: &Kripke<'_>,
    start: &[u32],
    cycle: &[(usize, u32)],
) -> Result<Option<Vec<Step>>, ColouredError> {
    let len = cycle.len();
    // (position, marking) -> (index in `order` of the pair it was reached from, the step).
    let mut seen: HashMap<Position, Option<(usize, Step)>> = HashMap::new();
    let mut order: Vec<(usize, Vec<u32>)> = vec![(0, start.to_vec())];
    seen.insert((0, start.to_vec()), None);
    let mut next = 0;
    while next < order.len() && order.len() < MAX_CLOSING_SEARCH {
        let (position, state) = order[next].clone();
        let here = next;
        next += 1;
        for (step, successor) in matching(space, kripke, &state, cycle[position])? {
            let key = ((position + 1) % len, successor);
            if key.0 == 0 && key.1 == start {
                // Walk back to the start.
                let mut steps = vec![step];
                let mut at = here;
                while let Some(Some((from, step))) = seen.get(&order[at]).cloned() {
                    steps.push(step);
                    at = from;
                }
                steps.reverse();
                return Ok(Some(steps));
            }
            if !seen.contains_key(&key) {
                seen.insert(key.clone(), Some((here, step)));
                order.push(key);
            }
        }
    }
    Ok(None)
}

fn lasso_of(
    space: &ColouredSpace<'_>,
    kripke: &Kripke<'_>,
    path: &Path,
) -> Result<Lasso, ColouredError> {
    let initial = space.initial_unreduced()?;
    let mut stem = Vec::new();
    let start = replay(space, kripke, initial.clone(), &path.stem, &mut stem)?;
    let moves: Vec<(usize, u32)> = path
        .cycle
        .iter()
        .copied()
        .filter(|s| s.1 != STUTTER)
        .collect();
    let cycle = if moves.is_empty() {
        Vec::new()
    } else {
        match close_cycle(space, kripke, &start, &moves)? {
            Some(steps) => steps,
            None => {
                let mut steps = Vec::new();
                replay(space, kripke, start.clone(), &moves, &mut steps)?;
                steps
            }
        }
    };
    Ok(Lasso {
        initial: space.describe_state(&initial),
        initial_places: space.marked_places(&initial),
        stem,
        cycle_start: space.describe_state(&start),
        cycle_start_places: space.marked_places(&start),
        cycle,
        deadlock: moves.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Budget;
    use std::sync::Arc;

    #[test]
    fn properties_are_checked_at_once_only_as_far_as_the_memory_limit_allows() {
        let gb = 1 << 30;
        // No limit, or room for every thread's search: one per thread.
        assert_eq!(searches_at_once(2, None, gb), 2);
        assert_eq!(searches_at_once(4, Some(10 * gb), gb), 4);
        // Room for fewer searches than threads: that many, at least one.
        assert_eq!(searches_at_once(4, Some(5 * gb / 2), gb), 2);
        assert_eq!(searches_at_once(2, Some(gb / 2), gb), 1);
        assert_eq!(searches_at_once(2, Some(0), gb), 1);
        // A graph with no edge and no marking still gives a count.
        assert_eq!(searches_at_once(2, Some(gb), 0), 2);
    }

    #[test]
    fn the_pool_gets_every_property_unless_fewer_searches_fit() {
        assert_eq!(group_size(4, 2, 2), 4);
        assert_eq!(group_size(4, 4, 4), 4);
        assert_eq!(group_size(4, 4, 3), 3);
        assert_eq!(group_size(4, 2, 1), 1);
        assert_eq!(group_size(0, 2, 2), 1);
    }

    #[test]
    fn a_search_is_estimated_from_the_graph_it_reads() {
        let size = GraphSize {
            states: 14_818_896,
            edges: 169_632_090,
        };
        let estimate = search_bytes(size);
        assert!(
            (1_500_000_000..1_800_000_000).contains(&estimate),
            "{estimate}"
        );
        let doubled = GraphSize {
            states: size.states * 2,
            edges: size.edges * 2,
        };
        assert_eq!(search_bytes(doubled), 2 * estimate);
    }

    #[test]
    fn a_property_whose_budget_ran_out_is_undecided_and_says_which_limit() {
        let text = include_str!("../../tests/support/ring.yaml");
        let source = crate::load::source::Source::new("ring.yaml", text.to_string());
        let net = crate::load::load_net_str(&source, &[], &crate::net::functions::NoFunctions)
            .expect("a valid net");
        let space = ColouredSpace::new(&net);
        let atoms: Vec<Atom> = (net.temporal.iter())
            .flat_map(|p| p.atoms.iter().cloned())
            .collect();
        let graph = MarkingGraph::build(&space, &atoms, &net.fairness, Limits::default(), None)
            .expect("a graph within no limit");
        let mut base = 0;
        for p in &net.temporal {
            let decided = check_one(&space, &graph, &net, p, base).expect("checked");
            assert_eq!(decided.holds, Some(true), "{}", p.name);
            let spent = Arc::new(Budget::new(Some(Instant::now()), None));
            let stopped = spent
                .install(|| check_one(&space, &graph, &net, p, base))
                .expect("checked");
            assert_eq!(stopped.holds, None, "{}", p.name);
            let meaning = stopped.meaning.unwrap_or_default();
            assert!(
                meaning.ends_with(
                    "undecided: the time limit was reached while the property was being decided"
                ),
                "{meaning}"
            );
            base += p.atoms.len();
        }
    }
}
