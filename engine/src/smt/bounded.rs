//! `check` by the SMT route: solve the bounded unrolling ([`super::solve`]),
//! then replay each run the solver found on the net's own state space, so that
//! a counterexample is shown (and explained) exactly as the explicit checker
//! shows its own, and is confirmed by the explicit firing rule.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{SmtError, prepare_encodable, solve};
use crate::budget::{Budget, time_left};
use crate::coloured::ColouredSpace;
use crate::explore::{PropertyResult, StateSpace, Step, Trace, safety_result};
use crate::load::LoadedNet;
use crate::ptnet::PackedNet;
use crate::standard::{StandardProperty, pt_properties, with_standard_properties};

/// What the SMT route found within `depth` steps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundedReport {
    /// The net's name.
    pub net: String,
    /// The unrolling depth K asked for.
    pub depth: usize,
    /// The depth every property was searched to: runs of at most this many
    /// steps have no violation beyond those reported. `depth` unless the
    /// timeout stopped the solver first (`None`: before it answered for the
    /// initial marking).
    pub searched: Option<usize>,
    /// The solver that was run.
    pub solver: String,
    /// Wall-clock seconds: writing the script, solving, replaying.
    pub seconds: f64,
    /// One verdict per encoded property, in the explicit checker's order.
    /// `holds` is `Some(false)` for a violation found within the depth,
    /// `Some(true)` for a `reachable` goal reached within it, and `None`
    /// (not violated, or not reached, within the depth) otherwise.
    pub properties: Vec<PropertyResult>,
    /// The properties the SMT route does not encode (CTL and LTL ones, and
    /// those using what the encoding cannot express), with the reason.
    pub not_encoded: Vec<NotEncoded>,
}

/// A property left unchecked by the SMT route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotEncoded {
    /// The property's name.
    pub name: String,
    /// Why it has no encoding.
    pub reason: String,
}

impl BoundedReport {
    /// Whether some property is violated within the depth.
    pub fn violated(&self) -> bool {
        self.properties.iter().any(|p| p.holds == Some(false))
    }

    /// Whether some property has no verdict: undecided within the depth, or
    /// skipped, as the encoding cannot express it.
    pub fn incomplete(&self) -> bool {
        !self.not_encoded.is_empty() || self.properties.iter().any(|p| p.holds.is_none())
    }
}

/// Checks `net`'s properties and `standard` on every run of at most `depth`
/// steps with the SMT solver `solver` (e.g. `z3`), stopping the solver after
/// `timeout` if one is set.
pub fn check_bounded(
    net: &LoadedNet,
    standard: &[StandardProperty],
    depth: usize,
    solver: &str,
    timeout: Option<Duration>,
) -> Result<BoundedReport, SmtError> {
    let started = Instant::now();
    // The unfolding is found within the time limit too (one marking's
    // bindings can be too many to enumerate), and the solver has what is left.
    let budget = Arc::new(Budget::starting_at(started, timeout, None));
    let (pt, encoded, refused) = budget.install(|| prepare_encodable(net, standard))?;
    let timeout = time_left(timeout, started);
    let solved = solve(solver, &pt, &encoded, depth, timeout)?;
    // Each run names transitions of the unrolled net: its (unfolded) names
    // are the labels the net's own space gives its steps.
    let runs: Vec<(String, Option<Vec<String>>)> = solved
        .verdicts
        .into_iter()
        .map(|v| (v.name, v.run))
        .collect();
    let not_encoded: Vec<NotEncoded> = refused
        .into_iter()
        .map(|e| match e {
            SmtError::Property { property, reason } => NotEncoded {
                name: property,
                reason,
            },
            other => NotEncoded {
                name: String::new(),
                reason: other.to_string(),
            },
        })
        .collect();
    let properties = match net {
        LoadedNet::PlaceTransition(net) => {
            let space = PackedNet::with_lane_bits(net, pt_properties(standard), 32)
                .map_err(|e| replay_error("the net", e))?;
            results(&space, &runs)?
        }
        LoadedNet::Coloured(net) => {
            let mut net = with_standard_properties(net, standard);
            net.properties
                .retain(|p| !not_encoded.iter().any(|n| n.name == p.name));
            results(&ColouredSpace::new(&net), &runs)?
        }
    };
    Ok(BoundedReport {
        net: net.name().to_string(),
        depth,
        searched: solved.searched,
        solver: solver.to_string(),
        seconds: started.elapsed().as_secs_f64(),
        properties,
        not_encoded,
    })
}

fn replay_error(property: &str, reason: impl ToString) -> SmtError {
    SmtError::Replay {
        property: property.to_string(),
        reason: reason.to_string(),
    }
}

/// The verdict on each property of `space` from the solver's `runs`, each
/// run replayed into a trace.
fn results<S: StateSpace>(
    space: &S,
    runs: &[(String, Option<Vec<String>>)],
) -> Result<Vec<PropertyResult>, SmtError> {
    let mut out = Vec::new();
    for (index, spec) in space.properties().iter().enumerate() {
        let (_, run) = runs
            .iter()
            .find(|(name, _)| *name == spec.name)
            .ok_or_else(|| replay_error(&spec.name, "the SMT route did not encode it"))?;
        let reached = run
            .as_ref()
            .map(|run| replay(space, index, run))
            .transpose()
            .map_err(|reason| replay_error(&spec.name, reason))?;
        let holds = reached.is_some().then(|| spec.kind.target_is_witness());
        let result =
            safety_result(space, index, holds, reached).map_err(|e| replay_error(&spec.name, e))?;
        out.push(result);
    }
    Ok(out)
}

/// `t` or `t (x=1, y=2)`: a step as the unrolled net names its transition.
fn label(step: &Step) -> String {
    if step.binding.is_empty() {
        return step.transition.clone();
    }
    let values: Vec<String> = step
        .binding
        .iter()
        .map(|(var, value)| format!("{var}={value}"))
        .collect();
    format!("{} ({})", step.transition, values.join(", "))
}

/// Fires `run` on `space` from its initial state and checks that its last
/// state is a target of property `index`; returns the trace and that state.
fn replay<S: StateSpace>(
    space: &S,
    index: usize,
    run: &[String],
) -> Result<(Trace, Vec<u32>), String> {
    let initial = space.initial_unreduced().map_err(|e| e.to_string())?;
    let mut current = initial.clone();
    let mut steps = Vec::with_capacity(run.len());
    for (k, name) in run.iter().enumerate() {
        let successors = space
            .labelled_successors(&current)
            .map_err(|e| e.to_string())?;
        let (step, next) = successors
            .into_iter()
            .find(|(step, _)| label(step) == *name)
            .ok_or_else(|| format!("step {}: `{name}` is not enabled", k + 1))?;
        steps.push(step);
        current = next;
    }
    let dead = space
        .labelled_successors(&current)
        .map_err(|e| e.to_string())?
        .is_empty();
    let mut targets = vec![false; space.properties().len()];
    space
        .property_targets(&current, dead, &mut targets)
        .map_err(|e| e.to_string())?;
    if !targets[index] {
        return Err(format!(
            "the run of {} step(s) ends in a marking the property does not single out",
            run.len()
        ));
    }
    let trace = Trace {
        initial: space.describe_state(&initial),
        initial_places: space.marked_places(&initial),
        steps,
        last: space.describe_state(&current),
        last_places: space.marked_places(&current),
    };
    Ok((trace, current))
}
