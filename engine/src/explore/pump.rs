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
//! The report takes the verdicts found here
//! ([`super::report::settle_along_growth`]).

use super::{PropertyKind, StateSpace, Step};

/// The most steps fired past the end of the proof.
pub const MAX_PUMPED_STEPS: usize = 10_000;

/// A property settled on the way: its verdict and the run that settles it.
pub struct Settled {
    /// The property's index in the space's property list.
    pub property: usize,
    /// Whether it holds (a goal met) or not (an invariant or bound broken).
    pub holds: bool,
    /// The run, from the initial state.
    pub run: Fired,
}

/// The properties among `open` (indices of the space's invariants, bounds
/// and goals) that the growth settles: the proof's `steps` replayed, then
/// those after the first `repeat_from` fired again and again (at most
/// [`MAX_PUMPED_STEPS`] steps), each property with the first marking on
/// the way that breaks it (or meets it, for a goal).
pub fn settled_along_growth<S: StateSpace>(
    space: &S,
    steps: &[Step],
    repeat_from: usize,
    open: &[usize],
) -> Result<Vec<Settled>, S::Error> {
    let mut settled = Vec::new();
    let mut pending: Vec<usize> = (open.iter().copied())
        .filter(|&i| settles_on_the_way(space.properties()[i].kind))
        .collect();
    if pending.is_empty() {
        return Ok(settled);
    }
    let Some(mut run) = Fired::replay(space, steps)? else {
        return Ok(settled);
    };
    let growth = &steps[repeat_from.min(steps.len())..];
    for step in growth.iter().cycle().take(MAX_PUMPED_STEPS) {
        if pending.is_empty() || !run.fire(space, step)? {
            break;
        }
        let mut targets = vec![false; space.properties().len()];
        space.property_targets(&run.current, false, &mut targets)?;
        pending.retain(|&property| {
            if !targets[property] {
                return true;
            }
            settled.push(Settled {
                property,
                holds: space.properties()[property].kind.target_is_witness(),
                run: run.clone(),
            });
            false
        });
    }
    Ok(settled)
}

/// Whether a property of this kind can be settled by a marking on the way
/// (a deadlock is never met there: every marking has a successor).
fn settles_on_the_way(kind: PropertyKind) -> bool {
    matches!(
        kind,
        PropertyKind::Invariant | PropertyKind::Bound | PropertyKind::Reachable
    )
}

/// A run fired step by step on the unreduced space.
#[derive(Clone)]
pub struct Fired {
    /// The initial state.
    pub initial: Vec<u32>,
    /// The steps fired so far.
    pub steps: Vec<Step>,
    /// The state they reach.
    pub current: Vec<u32>,
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
}
