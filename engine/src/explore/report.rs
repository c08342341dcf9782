//! The check report: statistics, a verdict per property, shortest traces.

use std::time::Duration;

use serde::Serialize;

use super::bfs::explore;
use super::exploration::Exploration;
use super::growth::Growth;
use super::options::{ExploreError, ExploreOptions, StopReason};
use super::pump::settled_along_growth;
use super::store::StateId;
use super::{MarkedPlaces, PropertyKind, StateSpace, Step};
use crate::net::explain::Explanation;

/// A path from the initial state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// The initial state, rendered by the space.
    pub initial: String,
    /// The initial state's marked places (for structured outputs).
    #[serde(skip)]
    pub initial_places: MarkedPlaces,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The last state, rendered by the space.
    #[serde(rename = "final")]
    pub last: String,
    /// The last state's marked places (for structured outputs).
    #[serde(skip)]
    pub last_places: MarkedPlaces,
}

/// An infinite run: a stem from the initial state, then a cycle repeated for
/// ever (a lasso), the counterexample of an LTL property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lasso {
    /// The initial state, rendered by the space.
    pub initial: String,
    /// The initial state's marked places (for structured outputs).
    #[serde(skip)]
    pub initial_places: MarkedPlaces,
    /// The steps from the initial state to the start of the cycle.
    pub stem: Vec<Step>,
    /// The state where the cycle starts and ends.
    pub cycle_start: String,
    /// The cycle's start's marked places (for structured outputs).
    #[serde(skip)]
    pub cycle_start_places: MarkedPlaces,
    /// The steps of the cycle; empty when the run ends in a deadlock, where the
    /// marking repeats for ever.
    pub cycle: Vec<Step>,
    /// Whether the run ends in a deadlock (the cycle is the marking repeating).
    pub deadlock: bool,
}

/// The verdict on one property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PropertyResult {
    /// The property's name.
    pub name: String,
    /// Its kind.
    pub kind: PropertyKind,
    /// `Some(true)` holds, `Some(false)` violated, `None` undecided (incomplete run).
    pub holds: Option<bool>,
    /// The shortest trace to a violation, or to a witness for `reachable`
    /// (for CTL, the path that explains the verdict, where there is one).
    pub trace: Option<Trace>,
    /// For LTL and CTL, the run that explains the verdict when it is infinite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lasso: Option<Lasso>,
    /// For LTL and CTL, the formula and what the verdict means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<String>,
    /// Why the trace's last state violates the property, where the space can tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

/// Everything `check` found, in the units of the Model Checking Contest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// The net's name.
    pub net: String,
    /// Whether every reachable state was explored.
    pub complete: bool,
    /// Why the run stopped early, if it did.
    pub stopped: Option<StopReason>,
    /// Reachable states (markings).
    pub states: u64,
    /// (state, enabled binding) pairs.
    pub edges: u64,
    /// Breadth-first levels, the initial state being level 1.
    pub depth: u32,
    /// Reachable states with no enabled binding.
    pub deadlocks: u64,
    /// Largest number of tokens in a reachable marking; `None` (`null`)
    /// when the run is incomplete or under a partial-order reduction (which
    /// skips markings) and the answer therefore unknown.
    pub max_tokens_per_marking: Option<u64>,
    /// Largest number of tokens in one place of a reachable marking; `None`
    /// when the run is incomplete or under a partial-order reduction.
    pub max_tokens_in_place: Option<u64>,
    /// Whether a dead marking is reachable (MCC ReachabilityDeadlock);
    /// `None` when no dead marking was found by an incomplete run.
    pub deadlock_reachable: Option<bool>,
    /// Whether no place ever holds more than one token (MCC OneSafe); `None`
    /// when no place above one was found by an incomplete run or under a
    /// partial-order reduction.
    pub one_safe: Option<bool>,
    /// Wall-clock seconds of the exploration.
    pub seconds: f64,
    /// Reachable states per second of exploration.
    pub states_per_second: f64,
    /// Threads of the rayon pool that ran it.
    pub threads: usize,
    /// Explorer bytes (tables and buffers, at their peak) per state.
    pub bytes_per_state: f64,
    /// The reduction in force (e.g. a symmetry), if any: `states` then counts
    /// the stored representatives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reduction: Option<String>,
    /// Under a reduction, the reachable states the stored ones stand for (the
    /// orbit sizes summed over the expanded states).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub represented_states: Option<u64>,
    /// Whether every counterexample of an invariant, reachability or
    /// deadlock property is a shortest one: false once a partial-order
    /// reduction has left a binding out, since the reduced graph may reach a
    /// marking only by a longer path (a symmetry keeps every length).
    pub shortest_traces: bool,
    /// Set when a coloured net was explored through its unfolding to a P/T
    /// net (same states, edges and verdicts, reported in the net's terms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unfolding: Option<UnfoldingSize>,
    /// Why the net is unbounded, where the run stopped for it
    /// ([`StopReason::Unbounded`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unbounded: Option<Unbounded>,
    /// The verdicts, in the space's property order.
    pub properties: Vec<PropertyResult>,
}

/// The proof that a net is unbounded: a run to a marking that holds every
/// token of a marking it passed, and more. The steps between the two are
/// enabled again at the end and add the same tokens again, for ever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unbounded {
    /// The run, from the initial state to the marking that holds more.
    pub trace: Trace,
    /// How many of its first steps lead to the marking it passed: the
    /// steps after them can be repeated for ever (under a symmetry
    /// reduction, up to a permutation of the symmetric values).
    pub repeat_from: usize,
    /// The places that hold more at the end, each with how many more tokens.
    pub growth: Vec<PlaceGrowth>,
    /// Whether the run's last marking holds every token of the marking
    /// after `repeat_from` steps only up to a permutation of symmetric
    /// values (the run went through a symmetry reduction's canonical forms).
    pub up_to_permutation: bool,
}

impl Unbounded {
    /// The proof along the stored states `path` (the initial state
    /// excluded) of `space`: the steps after the first `repeat_from` can be
    /// repeated, adding the tokens `places` names (each place with how many
    /// more it holds at the end). The run is replayed concretely, once, as
    /// [`trace_along`] does, and its markings are compared as they are.
    pub fn along<S: StateSpace>(
        space: &S,
        path: &[&[u32]],
        repeat_from: usize,
        places: &[(String, u64)],
    ) -> Result<Self, ExploreError<S::Error>> {
        let replayed = replay(space, path.iter().copied(), repeat_from)?;
        Ok(Unbounded {
            trace: replayed.trace,
            repeat_from,
            growth: (places.iter())
                .map(|(place, more)| PlaceGrowth {
                    place: place.clone(),
                    more: *more,
                })
                .collect(),
            up_to_permutation: space.growth(&replayed.last, &replayed.marked).is_empty(),
        })
    }
}

/// A place that holds more tokens at the end of an [`Unbounded`] run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceGrowth {
    /// The place's name.
    pub place: String,
    /// How many more tokens it holds.
    pub more: u64,
}

/// The size of the P/T unfolding a coloured net was explored through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UnfoldingSize {
    /// Places: one per coloured place and colour it may hold.
    pub places: usize,
    /// Transitions: one per binding that may fire.
    pub transitions: usize,
}

impl CheckReport {
    /// Whether some property is violated.
    pub fn violated(&self) -> bool {
        self.properties.iter().any(|p| p.holds == Some(false))
    }
}

/// What one exploration counted, whichever explorer ran it (the
/// single-machine one or the distributed one).
#[derive(Debug, Clone)]
pub struct RunFigures {
    /// Why the run stopped early, if it did.
    pub stopped: Option<StopReason>,
    /// States stored.
    pub states: u64,
    /// Edges of the expanded states.
    pub edges: u64,
    /// Breadth-first levels, the initial state being level 1.
    pub depth: u32,
    /// Expanded states without successor.
    pub deadlocks: u64,
    /// Largest token count of an expanded marking.
    pub max_tokens_per_marking: u64,
    /// Largest token count of one place in an expanded marking.
    pub max_tokens_in_place: u64,
    /// States the expanded ones stand for (under a reduction).
    pub represented_states: u64,
    /// Peak bytes of the explorer's tables and buffers.
    pub peak_bytes: u64,
    /// Wall-clock time of the exploration.
    pub elapsed: Duration,
    /// Threads that ran it.
    pub threads: usize,
}

impl CheckReport {
    /// The report of a run of `space` with these figures and verdicts (the
    /// net's name left empty for the caller).
    pub fn from_run<S: StateSpace>(
        space: &S,
        run: RunFigures,
        properties: Vec<PropertyResult>,
    ) -> Self {
        let complete = run.stopped.is_none();
        // A partial-order reduction skips states: their token counts are unknown.
        let bounds_known = complete && space.expanded_in_full();
        let seconds = run.elapsed.as_secs_f64();
        CheckReport {
            net: String::new(),
            complete,
            stopped: run.stopped,
            states: run.states,
            edges: run.edges,
            depth: run.depth,
            deadlocks: run.deadlocks,
            max_tokens_per_marking: bounds_known.then_some(run.max_tokens_per_marking),
            max_tokens_in_place: bounds_known.then_some(run.max_tokens_in_place),
            // A found deadlock or overfull place decides the question even when
            // the run is incomplete; their absence decides it only when complete.
            deadlock_reachable: decided(run.deadlocks > 0, true, complete),
            one_safe: decided(run.max_tokens_in_place > 1, false, bounds_known),
            seconds,
            states_per_second: run.states as f64 / seconds.max(1e-9),
            threads: run.threads,
            bytes_per_state: run.peak_bytes as f64 / run.states.max(1) as f64,
            reduction: space.reduction(),
            represented_states: space.reduction().map(|_| run.represented_states),
            shortest_traces: space.expanded_in_full(),
            unfolding: None,
            unbounded: None,
            properties,
        }
    }
}

/// Explores `space` and judges its properties (see [`explore`] for the limits).
pub fn check<S: StateSpace>(
    space: &S,
    options: &ExploreOptions,
) -> Result<CheckReport, ExploreError<S::Error>> {
    check_keeping(space, options).map(|(report, _)| report)
}

/// [`check`], also returning the exploration (its visited set and, if
/// asked for, its recorded edges) for a later pass over the graph.
pub fn check_keeping<S: StateSpace>(
    space: &S,
    options: &ExploreOptions,
) -> Result<(CheckReport, Exploration), ExploreError<S::Error>> {
    let ex = explore(space, options)?;
    let complete = ex.complete();
    let mut properties = Vec::new();
    for (index, (spec, first)) in space.properties().iter().zip(&ex.first_targets).enumerate() {
        let witness = spec.kind.target_is_witness();
        let holds = decided(first.is_some(), witness, complete);
        let reached = first.map(|id| concrete_trace(space, &ex, id)).transpose()?;
        let result = safety_result(space, index, holds, reached)
            .map_err(|source| ExploreError::Space { source })?;
        properties.push(result);
    }
    let figures = RunFigures {
        stopped: ex.stopped,
        states: ex.states,
        edges: ex.edges,
        depth: ex.depth,
        deadlocks: ex.deadlocks,
        max_tokens_per_marking: ex.max_tokens_per_marking,
        max_tokens_in_place: ex.max_tokens_in_place,
        represented_states: ex.represented_states,
        peak_bytes: ex.peak_bytes,
        elapsed: ex.elapsed,
        threads: rayon::current_num_threads(),
    };
    let mut report = CheckReport::from_run(space, figures, properties);
    report.unbounded = (ex.growth.as_ref())
        .map(|growth| unbounded(space, &ex, growth))
        .transpose()?;
    settle_along_growth(space, &mut report)?;
    Ok((report, ex))
}

/// Settles the undecided invariants and bounds of `report` that fail, and
/// the undecided goals that are met, on the growth of its unboundedness
/// proof fired again and again (each step found among the successors under
/// the same transition and binding, at most 10,000 steps); returns how many
/// it settled. Their traces may not be shortest, and the report says so.
pub fn settle_along_growth<S: StateSpace>(
    space: &S,
    report: &mut CheckReport,
) -> Result<usize, ExploreError<S::Error>> {
    let Some(unbounded) = &report.unbounded else {
        return Ok(0);
    };
    let open: Vec<usize> = (report.properties.iter().enumerate())
        .filter(|(_, result)| result.holds.is_none())
        .map(|(index, _)| index)
        .collect();
    let space_error = |source| ExploreError::Space { source };
    let steps = &unbounded.trace.steps;
    let settled =
        settled_along_growth(space, steps, unbounded.repeat_from, &open).map_err(space_error)?;
    for found in &settled {
        let run = &found.run;
        let trace = Trace {
            initial: space.describe_state(&run.initial),
            initial_places: space.marked_places(&run.initial),
            steps: run.steps.clone(),
            last: space.describe_state(&run.current),
            last_places: space.marked_places(&run.current),
        };
        let reached = Some((trace, run.current.clone()));
        report.properties[found.property] =
            safety_result(space, found.property, Some(found.holds), reached)
                .map_err(space_error)?;
        report.shortest_traces = false;
    }
    Ok(settled.len())
}

/// The answer to a yes/no question about the reachable states: `if_found`
/// when a state showing it was `found`, its opposite when the run is
/// `complete`, unknown otherwise.
pub fn decided(found: bool, if_found: bool, complete: bool) -> Option<bool> {
    if found {
        Some(if_found)
    } else {
        complete.then_some(!if_found)
    }
}

/// The result of a safety property (an invariant, a goal or deadlock
/// freedom) with verdict `holds`: where a run reached the property's target,
/// `reached` holds its trace and last state, and a violation is explained by
/// the space. `check`, the SMT route and the distributed explorer share it.
pub fn safety_result<S: StateSpace>(
    space: &S,
    index: usize,
    holds: Option<bool>,
    reached: Option<(Trace, Vec<u32>)>,
) -> Result<PropertyResult, S::Error> {
    let spec = &space.properties()[index];
    let (trace, explanation) = match reached {
        Some((trace, last)) => {
            let explanation = if spec.kind.target_is_witness() {
                None
            } else {
                space.explain(index, &last)?
            };
            (Some(trace), explanation)
        }
        None => (None, None),
    };
    Ok(PropertyResult {
        name: spec.name.clone(),
        kind: spec.kind,
        holds,
        trace,
        lasso: None,
        meaning: None,
        explanation,
    })
}

/// The run that shows `growth`, concrete.
fn unbounded<S: StateSpace>(
    space: &S,
    ex: &Exploration,
    growth: &Growth,
) -> Result<Unbounded, ExploreError<S::Error>> {
    let path: Vec<&[u32]> = (ex.path_to(growth.later)[1..].iter())
        .map(|&id| ex.state(id))
        .collect();
    let repeat_from = ex.path_to(growth.earlier).len() - 1;
    Unbounded::along(space, &path, repeat_from, &growth.places)
}

/// The shortest trace to `target`, rebuilt from parent links by asking the
/// space which step leads from each state of the path to the next.
/// Returns the trace and the concrete state it ends in.
fn concrete_trace<S: StateSpace>(
    space: &S,
    ex: &Exploration,
    target: StateId,
) -> Result<(Trace, Vec<u32>), ExploreError<S::Error>> {
    let path = ex.path_to(target);
    trace_along(space, path[1..].iter().map(|&id| ex.state(id)))
}

/// The trace from the initial state through the stored states `path` (a
/// path of the explored graph, the initial state excluded), asking the space
/// which step leads from each state to the next. Returns the trace and the
/// concrete state it ends in. Used by explorers that keep their parent links
/// elsewhere (e.g. spread over the workers of a distributed run).
pub fn trace_along<'a, S: StateSpace>(
    space: &S,
    path: impl IntoIterator<Item = &'a [u32]>,
) -> Result<(Trace, Vec<u32>), ExploreError<S::Error>> {
    let replayed = replay(space, path, 0)?;
    Ok((replayed.trace, replayed.last))
}

/// A path replayed on the unreduced space ([`replay`]).
struct Replayed {
    /// The steps, from the initial state.
    trace: Trace,
    /// The concrete state the path ends in.
    last: Vec<u32>,
    /// The concrete state after the steps asked for.
    marked: Vec<u32>,
}

/// [`trace_along`], also keeping the concrete state reached after the
/// first `mark` steps (the last one where the path is shorter).
fn replay<'a, S: StateSpace>(
    space: &S,
    path: impl IntoIterator<Item = &'a [u32]>,
    mark: usize,
) -> Result<Replayed, ExploreError<S::Error>> {
    let space_error = |source| ExploreError::Space { source };
    let mut steps = Vec::new();
    // The path's stored states may be representatives (under a reduction):
    // follow it with concrete states, taking at each step a concrete successor
    // whose representative is the path's next state, so that the trace replays
    // on the unreduced space.
    let initial = space.initial_unreduced().map_err(space_error)?;
    let mut current = initial.clone();
    let mut marked = (mark == 0).then(|| initial.clone());
    for to in path {
        let mut found = None;
        for (step, successor) in space.labelled_successors(&current).map_err(space_error)? {
            if space.representative(&successor).map_err(space_error)? == to {
                found = Some((step, successor));
                break;
            }
        }
        let (step, successor) = found.ok_or(ExploreError::UnlabelledStep { index: steps.len() })?;
        steps.push(step);
        current = successor;
        if steps.len() == mark {
            marked = Some(current.clone());
        }
    }
    let trace = Trace {
        initial: space.describe_state(&initial),
        initial_places: space.marked_places(&initial),
        steps,
        last: space.describe_state(&current),
        last_places: space.marked_places(&current),
    };
    let marked = marked.unwrap_or_else(|| current.clone());
    Ok(Replayed {
        trace,
        last: current,
        marked,
    })
}
