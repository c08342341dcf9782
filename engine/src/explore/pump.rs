//! Verdicts an unboundedness proof settles: the steps that grow the net
//! ([`super::Unbounded`]) fired again and again, concretely, from where the proof
//! ends, until an undecided invariant or bound fails on the way, or an
//! undecided goal is met.
//!
//! A run stopped by an unboundedness proof leaves undecided every property
//! it had not settled; yet a bound on a place that grows for ever cannot
//! hold, and the markings the growth passes through are reachable. Each
//! marking met here is reached by firing the net's own steps (each step
//! found among the marking's successors, under the same transition and
//! binding), so a verdict found this way is backed by a trace that replays
//! on the net; where a step is not enabled again (the proof held only up to
//! a permutation of symmetric values, say), the search stops and the
//! properties stay undecided. The trace is not necessarily a shortest one.

use super::options::ExploreError;
use super::report::{CheckReport, Trace, safety_result};
use super::{PropertyKind, StateSpace, Step};

/// The most steps fired past the end of the proof.
pub const MAX_PUMPED_STEPS: usize = 10_000;

/// Settles the undecided invariants and bounds of `report` that fail, and
/// the undecided goals that are met, on the growth of its unboundedness
/// proof repeated (at most [`MAX_PUMPED_STEPS`] steps); returns how many it
/// settled. Traces found this way mark the report's traces as not
/// necessarily shortest.
pub fn settle_along_growth<S: StateSpace>(
    space: &S,
    report: &mut CheckReport,
) -> Result<usize, ExploreError<S::Error>> {
    let Some(unbounded) = &report.unbounded else {
        return Ok(0);
    };
    let open = open_properties(space, report);
    if open.is_empty() {
        return Ok(0);
    }
    let space_error = |source| ExploreError::Space { source };
    let Some(mut path) = Fired::replay(space, &unbounded.trace.steps).map_err(space_error)? else {
        return Ok(0);
    };
    let growth = unbounded.trace.steps[unbounded.repeat_from..].to_vec();
    let mut pending = open;
    let mut settled = 0;
    'pump: for step in growth.iter().cycle().take(MAX_PUMPED_STEPS) {
        if !path.fire(space, step).map_err(space_error)? {
            break;
        }
        let mut targets = vec![false; space.properties().len()];
        (space.property_targets(&path.current, false, &mut targets)).map_err(space_error)?;
        for index in pending.clone() {
            if !targets[index] {
                continue;
            }
            let holds = space.properties()[index].kind.target_is_witness();
            let reached = Some((path.trace(space), path.current.clone()));
            report.properties[index] =
                safety_result(space, index, Some(holds), reached).map_err(space_error)?;
            report.shortest_traces = false;
            pending.retain(|&i| i != index);
            settled += 1;
            if pending.is_empty() {
                break 'pump;
            }
        }
    }
    Ok(settled)
}

/// The properties of `report` the growth may settle: the undecided
/// invariants, bounds and goals (a deadlock is never met on the way: every
/// marking there has a successor).
fn open_properties<S: StateSpace>(space: &S, report: &CheckReport) -> Vec<usize> {
    (space.properties().iter().zip(&report.properties))
        .enumerate()
        .filter(|(_, (spec, result))| {
            result.holds.is_none()
                && matches!(
                    spec.kind,
                    PropertyKind::Invariant | PropertyKind::Bound | PropertyKind::Reachable
                )
        })
        .map(|(index, _)| index)
        .collect()
}

/// A run fired step by step on the unreduced space.
struct Fired {
    /// The initial state.
    initial: Vec<u32>,
    /// The steps fired so far.
    steps: Vec<Step>,
    /// The state they reach.
    current: Vec<u32>,
}

impl Fired {
    /// The run of `steps` from the initial state; `None` where one of them
    /// is not enabled where it comes.
    fn replay<S: StateSpace>(space: &S, steps: &[Step]) -> Result<Option<Fired>, S::Error> {
        let initial = space.initial_unreduced()?;
        let mut fired = Fired {
            current: initial.clone(),
            initial,
            steps: Vec::with_capacity(steps.len()),
        };
        for step in steps {
            if !fired.fire(space, step)? {
                return Ok(None);
            }
        }
        Ok(Some(fired))
    }

    /// Fires `step`'s transition under its binding in the current state;
    /// false where it is not enabled there.
    fn fire<S: StateSpace>(&mut self, space: &S, step: &Step) -> Result<bool, S::Error> {
        let next = (space.labelled_successors(&self.current)?)
            .into_iter()
            .find(|(taken, _)| {
                taken.transition == step.transition && taken.binding == step.binding
            });
        let Some((taken, successor)) = next else {
            return Ok(false);
        };
        self.steps.push(taken);
        self.current = successor;
        Ok(true)
    }

    /// The run so far as a trace.
    fn trace<S: StateSpace>(&self, space: &S) -> Trace {
        Trace {
            initial: space.describe_state(&self.initial),
            initial_places: space.marked_places(&self.initial),
            steps: self.steps.clone(),
            last: space.describe_state(&self.current),
            last_places: space.marked_places(&self.current),
        }
    }
}
