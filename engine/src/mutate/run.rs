//! Judging a mutant: load it, explore its state space within limits, and
//! say which properties kill it.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::Mutant;
use crate::coloured::ColouredSpace;
use crate::error::LoadError;
use crate::explore::{ExploreOptions, StateSpace, StopReason, explore};
use crate::functions::FunctionLibrary;
use crate::load::load_net_str;
use crate::net::model::Net;
use crate::source::Source;

/// Limits on the exploration of one net, so that a mutant whose state space
/// explodes is reported as undecided instead of running for ever.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// Stop once this many states are stored (deterministic).
    pub max_states: Option<u64>,
    /// Stop before the explorer holds more than this many bytes.
    pub max_memory: Option<u64>,
    /// Stop after this much time (depends on the machine and its load).
    pub timeout: Option<Duration>,
}

/// What checking a mutant found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// Some property fails: the properties detect the fault.
    Killed {
        /// The properties that fail, in the net's order.
        properties: Vec<String>,
    },
    /// Every property holds: the properties miss the fault (or the mutant
    /// behaves as the net does: an equivalent mutant).
    Survived,
    /// The mutant does not load, or fails while it is explored (a value
    /// outside its type, a failing function): not a net whose properties
    /// say anything, so neither killed nor survived.
    Invalid {
        /// The first line of the error, positions in the mutant's text.
        message: String,
    },
    /// The exploration stopped at a limit before any property failed.
    Undecided {
        /// The limit reached.
        stopped: StopReason,
    },
}

/// A verdict with the size and time of the exploration behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    /// The verdict.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// States explored (0 when the mutant does not load).
    pub states: u64,
    /// Wall-clock seconds spent loading and exploring.
    pub seconds: f64,
}

/// Why the net itself cannot serve as the reference of a mutation run.
#[derive(Debug, thiserror::Error)]
pub enum OriginalError {
    /// It does not load.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A property fails on it: a mutant's failure would say nothing.
    #[error(
        "{path}: property {} fails on the net itself; mutants are judged against a net whose properties hold",
        properties.join(", ")
    )]
    Violated {
        /// The file.
        path: String,
        /// The properties that fail.
        properties: Vec<String>,
    },
    /// Its exploration stops at a limit or fails.
    #[error("{path}: the net itself cannot be checked: {reason}")]
    Unchecked {
        /// The file.
        path: String,
        /// The limit reached or the error.
        reason: String,
    },
}

/// Checks the net of `source` itself: every property must hold within
/// `limits`. Returns its judgement (states and time), the yardstick for the
/// limits of its mutants.
pub fn check_original(
    source: &Source,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
    limits: &Limits,
) -> Result<Judgement, OriginalError> {
    let started = Instant::now();
    let net = load_net_str(source, overrides, library)?;
    let path = source.path().display().to_string();
    let judgement = judge(&net, limits, started);
    match judgement.verdict {
        Verdict::Survived => Ok(judgement),
        Verdict::Killed { properties } => Err(OriginalError::Violated { path, properties }),
        Verdict::Invalid { message } => Err(OriginalError::Unchecked {
            path,
            reason: message,
        }),
        Verdict::Undecided { stopped } => Err(OriginalError::Unchecked {
            path,
            reason: format!(
                "the exploration stopped at a limit ({}) after {} states",
                stop_name(stopped),
                judgement.states
            ),
        }),
    }
}

/// Loads `mutant` of the net in `source` and checks every property of it.
pub fn check_mutant(
    source: &Source,
    mutant: &Mutant,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
    limits: &Limits,
) -> Judgement {
    let started = Instant::now();
    let text = Source::new(source.path(), mutant.apply(source.text()));
    match load_net_str(&text, overrides, library) {
        Ok(net) => judge(&net, limits, started),
        Err(e) => Judgement {
            verdict: Verdict::Invalid {
                message: match e.pos() {
                    Some(pos) => format!("does not load: {pos}: {}", e.kind()),
                    None => format!("does not load: {}", e.kind()),
                },
            },
            states: 0,
            seconds: started.elapsed().as_secs_f64(),
        },
    }
}

/// The name of a stop reason as the JSON output spells it.
pub(crate) fn stop_name(reason: StopReason) -> String {
    serde_json::to_value(reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{reason:?}"))
}

/// Explores `net` within `limits` and judges its properties. A property is
/// violated as soon as a counterexample is found, even if the exploration
/// then stops at a limit; a `reachable` goal fails only on a complete run.
fn judge(net: &Net, limits: &Limits, started: Instant) -> Judgement {
    let space = ColouredSpace::new(net);
    let options = ExploreOptions {
        max_states: limits.max_states,
        max_memory: limits.max_memory,
        timeout: limits.timeout,
        progress: None,
    };
    let ex = match explore(&space, &options) {
        Ok(ex) => ex,
        Err(e) => {
            return Judgement {
                verdict: Verdict::Invalid {
                    message: format!("run-time error: {e}"),
                },
                states: 0,
                seconds: started.elapsed().as_secs_f64(),
            };
        }
    };
    let complete = ex.complete();
    let properties: Vec<String> = space
        .properties()
        .iter()
        .zip(&ex.first_targets)
        .filter(|(spec, first)| match spec.kind.target_is_witness() {
            true => complete && first.is_none(),
            false => first.is_some(),
        })
        .map(|(spec, _)| spec.name.clone())
        .collect();
    let verdict = match (properties.is_empty(), ex.stopped) {
        (false, _) => Verdict::Killed { properties },
        (true, Some(stopped)) => Verdict::Undecided { stopped },
        (true, None) => Verdict::Survived,
    };
    Judgement {
        verdict,
        states: ex.states,
        seconds: started.elapsed().as_secs_f64(),
    }
}
