//! Judging a mutant: load it, explore its state space within limits, and
//! say which properties kill it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::Mutant;
use crate::coloured::ColouredSpace;
use crate::explore::{
    Exploration, ExploreError, ExploreOptions, MarkedPlaces, PropertySpec, StateBuf, StateLayout,
    StateSpace, Step, StopReason, TargetHints, TokenStats, Unbounded, explore,
};
use crate::load::error::LoadError;
use crate::load::load_net_str;
use crate::load::source::Source;
use crate::net::code::EvalError;
use crate::net::functions::FunctionLibrary;
use crate::net::model::Net;
use crate::net::pos::Pos;
use crate::temporal::graph::Limits as GraphLimits;
use crate::temporal::run::check_temporal;

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
    /// Store one marking per orbit of the net's symmetric types, as
    /// `sesphr check` does by default (verdicts are the same).
    pub reduction: bool,
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
        /// What is wrong: the first line of the load error, or the error the
        /// exploration failed with.
        message: String,
        /// Where, in the mutant's text (the net's own for the net itself):
        /// the item that does not load, or the guard conjunct, arc item or
        /// part of a property whose evaluation failed; none where the error
        /// names no place.
        #[serde(skip_serializing_if = "Option::is_none")]
        at: Option<Pos>,
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
    /// With several configurations ([`check_mutant_under`]): the index of
    /// the one that decided the verdict (killed, invalid or undecided);
    /// none when it survived every configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration: Option<usize>,
}

/// One configuration of a mutation run: the parameter overrides the net and
/// its mutants are loaded with, and the limits of each exploration.
#[derive(Debug, Clone, Default)]
pub struct Configuration {
    /// `(name, value)` overrides of the net's parameters.
    pub overrides: Vec<(String, String)>,
    /// The limits of one exploration under these parameters.
    pub limits: Limits,
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
    /// It is unbounded: a run reaches a marking that holds every token of
    /// one it passed, and more, so its state space has no end.
    #[error("{path}{}: the net is unbounded: {} grow for ever", at.map_or(String::new(), |at| format!(":{at}")), places(unbounded))]
    Unbounded {
        /// The file.
        path: String,
        /// Where the first place that grows is declared.
        at: Option<Pos>,
        /// The run that proves it, as `sesphr check` reports it.
        unbounded: Box<Unbounded>,
    },
    /// Its exploration stops at a limit (`--timeout`, `--max-memory`)
    /// before its check is complete: the run is incomplete, not bad input.
    #[error(
        "{path}: the net itself could not be checked within the limits: its exploration stopped at \
         --{} after {states} states (raise it)",
        stopped.name()
    )]
    Limit {
        /// The file.
        path: String,
        /// The limit reached.
        stopped: StopReason,
        /// The states stored when it stopped.
        states: u64,
    },
    /// Its exploration fails.
    #[error("{path}{}: the net itself cannot be checked: {reason}", at.map_or(String::new(), |at| format!(":{at}")))]
    Unchecked {
        /// The file.
        path: String,
        /// Where in it the failed evaluation lies, when the error says.
        at: Option<Pos>,
        /// The limit reached or the error.
        reason: String,
    },
}

/// The places that grow in `unbounded`, as `a, b`.
fn places(unbounded: &Unbounded) -> String {
    let names: Vec<&str> = (unbounded.growth.iter())
        .map(|g| g.place.as_str())
        .collect();
    names.join(", ")
}

/// Checks the net of `source` itself, as `sesphr check` does: every
/// property must hold within `limits`, and a net that a run proves
/// unbounded is refused at once. Returns its judgement (states and time),
/// the yardstick for the limits of its mutants.
pub fn check_original(
    source: &Source,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
    limits: &Limits,
) -> Result<Judgement, OriginalError> {
    let started = Instant::now();
    let net = load_net_str(source, overrides, library)?;
    let path = source.path().display().to_string();
    let (mut judgement, unbounded) = judge(&net, limits, started, true);
    if let (Verdict::Undecided { .. }, Some(unbounded)) = (&judgement.verdict, unbounded) {
        let first = unbounded.growth.first().map(|g| g.place.as_str());
        let at = (net.places.iter())
            .find(|p| Some(p.name.as_str()) == first)
            .map(|p| p.pos);
        return Err(OriginalError::Unbounded {
            path,
            at,
            unbounded: Box::new(unbounded),
        });
    }
    if judgement.verdict == Verdict::Survived {
        let temporal = judge_temporal(&net, limits, started);
        judgement.verdict = temporal.verdict;
        judgement.seconds = temporal.seconds;
    }
    match judgement.verdict {
        Verdict::Survived => Ok(judgement),
        Verdict::Killed { properties } => Err(OriginalError::Violated { path, properties }),
        Verdict::Invalid { message, at } => Err(OriginalError::Unchecked {
            path,
            at,
            reason: message,
        }),
        Verdict::Undecided { stopped } => Err(OriginalError::Limit {
            path,
            stopped,
            states: judgement.states,
        }),
    }
}

/// Which properties a check of a mutant looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Invariants, bounds, `reachable` goals and deadlock freedom, on one
    /// exploration that stops at the first violation.
    States,
    /// The CTL and LTL properties, on the graph of reachable markings.
    Temporal,
    /// Both: the state properties, then the temporal ones if those hold.
    All,
}

/// Loads `mutant` of the net in `source` and checks every property of it
/// (the state properties, then the CTL/LTL ones if those hold).
pub fn check_mutant(
    source: &Source,
    mutant: &Mutant,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
    limits: &Limits,
) -> Judgement {
    check_mutant_pass(source, mutant, overrides, library, limits, Pass::All)
}

/// Loads `mutant` and checks the properties of `pass`.
fn check_mutant_pass(
    source: &Source,
    mutant: &Mutant,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
    limits: &Limits,
    pass: Pass,
) -> Judgement {
    let started = Instant::now();
    let text = Source::new(source.path(), mutant.apply(source.text()));
    let net = match load_net_str(&text, overrides, library) {
        Ok(net) => net,
        Err(e) => {
            return Judgement {
                verdict: Verdict::Invalid {
                    message: format!("does not load: {}", e.kind()),
                    at: e.pos(),
                },
                states: 0,
                seconds: started.elapsed().as_secs_f64(),
                configuration: None,
            };
        }
    };
    match pass {
        Pass::States => judge_states(&net, limits, started),
        Pass::Temporal => judge_temporal(&net, limits, started),
        Pass::All => {
            let states = judge_states(&net, limits, started);
            if states.verdict != Verdict::Survived {
                return states;
            }
            Judgement {
                states: states.states,
                ..judge_temporal(&net, limits, started)
            }
        }
    }
}

/// Checks `mutant` under each configuration in turn, stopping at the first
/// that decides: one that kills it, in which it is invalid, or in which its
/// exploration reaches a limit (a mutant that makes the net unbounded under
/// one configuration almost always does under the others, and each try
/// would cost a whole limit). A mutant survives when it survives every
/// configuration. Cheap configurations first make killed mutants cheap.
///
/// The configurations are tried twice: first with the state properties
/// (invariants and the like, whose exploration stops at the first
/// violation), then, for a mutant that survived them all, with the CTL and
/// LTL properties, which need the whole graph of reachable markings. So a
/// mutant that a state property kills never pays for a temporal check.
/// `states` and `seconds` add up every exploration made.
pub fn check_mutant_under(
    source: &Source,
    mutant: &Mutant,
    configurations: &[Configuration],
    library: &dyn FunctionLibrary,
) -> Judgement {
    let (mut states, mut seconds) = (0, 0.0);
    for pass in [Pass::States, Pass::Temporal] {
        for (i, c) in configurations.iter().enumerate() {
            let j = check_mutant_pass(source, mutant, &c.overrides, library, &c.limits, pass);
            states += j.states;
            seconds += j.seconds;
            if j.verdict != Verdict::Survived {
                return Judgement {
                    verdict: j.verdict,
                    states,
                    seconds,
                    configuration: Some(i),
                };
            }
        }
    }
    Judgement {
        verdict: Verdict::Survived,
        states,
        seconds,
        configuration: None,
    }
}

/// Checks the CTL and LTL properties of `net` within `limits` (states,
/// memory and time). Killed names every
/// temporal property that fails; a graph that reaches a limit leaves the
/// net undecided.
fn judge_temporal(net: &Net, limits: &Limits, started: Instant) -> Judgement {
    let deadline = limits.timeout.map(|t| started + t);
    let graph_limits = GraphLimits {
        max_states: limits.max_states,
        max_memory: limits.max_memory,
        deadline,
    };
    let (verdict, states) = match check_temporal(net, graph_limits, limits.reduction) {
        Err(e) => (run_time_error(net, &e, e.evaluation()), 0),
        Ok((results, size)) => {
            let failing: Vec<String> = results
                .iter()
                .filter(|r| r.holds == Some(false))
                .map(|r| r.name.clone())
                .collect();
            let states = size.map_or(0, |s| s.states as u64);
            if !failing.is_empty() {
                (
                    Verdict::Killed {
                        properties: failing,
                    },
                    states,
                )
            } else if results.iter().any(|r| r.holds.is_none()) {
                let stopped = match deadline {
                    Some(d) if Instant::now() >= d => StopReason::Timeout,
                    _ => StopReason::MaxStates,
                };
                (Verdict::Undecided { stopped }, states)
            } else {
                (Verdict::Survived, states)
            }
        }
    };
    Judgement {
        verdict,
        states,
        seconds: started.elapsed().as_secs_f64(),
        configuration: None,
    }
}

/// Judges the state properties of a mutant's `net` within `limits`. A run
/// that proves the net unbounded before any property fails is run again
/// without stopping at the proof, since a violation further on still kills
/// the mutant; if none comes within the limits, the mutant is undecided
/// with the reason `unbounded` (not the limit it reached), as it could
/// never be decided.
fn judge_states(net: &Net, limits: &Limits, started: Instant) -> Judgement {
    let (first, _) = judge(net, limits, started, true);
    let proved_unbounded = matches!(
        first.verdict,
        Verdict::Undecided {
            stopped: StopReason::Unbounded
        }
    );
    if !proved_unbounded {
        return first;
    }
    let (again, _) = judge(net, limits, started, false);
    match again.verdict {
        Verdict::Undecided { .. } => Judgement {
            verdict: Verdict::Undecided {
                stopped: StopReason::Unbounded,
            },
            ..again
        },
        _ => again,
    }
}

/// Explores `net` within `limits` and judges its properties. The
/// exploration stops after the first breadth-first level where some
/// invariant, bound or deadlock-freedom fails (every property failing on a
/// state up to that level is named, so the verdict does not depend on the
/// threads); a `reachable` goal fails only on a complete run. With `grow`
/// it also stops at the end of a level where a run proves the net
/// unbounded (as `sesphr check` does), and returns that proof when no
/// property failed.
fn judge(
    net: &Net,
    limits: &Limits,
    started: Instant,
    grow: bool,
) -> (Judgement, Option<Unbounded>) {
    let space = if limits.reduction {
        match ColouredSpace::with_symmetry(net) {
            Ok(space) => space,
            Err(e) => {
                let judgement = Judgement {
                    verdict: Verdict::Invalid {
                        message: format!("symmetry reduction: {e}"),
                        at: None,
                    },
                    states: 0,
                    seconds: started.elapsed().as_secs_f64(),
                    configuration: None,
                };
                return (judgement, None);
            }
        }
    } else {
        ColouredSpace::new(net)
    };
    let space = StopAtViolation::new(space, grow);
    let flags = Arc::clone(&space.flags);
    let options = ExploreOptions {
        max_states: limits.max_states,
        max_memory: limits.max_memory,
        // What is left of the mutant's time: a second run does not start afresh.
        timeout: limits.timeout.map(|t| t.saturating_sub(started.elapsed())),
        // Called between levels: a violation seen in this level stops the next.
        progress: Some(Arc::new(move |p: &crate::explore::Progress| {
            if flags.hit.iter().any(|h| h.load(Ordering::Relaxed)) {
                flags.stored.store(p.states, Ordering::Relaxed);
                flags.armed.store(true, Ordering::Relaxed);
            }
        })),
        ..ExploreOptions::default()
    };
    let mut proof = None;
    let (complete, stopped, states, first_targets) = match explore(&space, &options) {
        Ok(ex) => {
            proof = growth_proof(&space, &ex);
            (ex.complete(), ex.stopped, ex.states, ex.first_targets)
        }
        Err(ExploreError::Space {
            source: Stop::Violated,
        }) => (
            false,
            None,
            space.flags.stored.load(Ordering::Relaxed),
            vec![None; space.specs().len()],
        ),
        Err(e) => {
            let evaluation = match &e {
                ExploreError::Space {
                    source: Stop::Space(source),
                } => source.evaluation(),
                _ => None,
            };
            let judgement = Judgement {
                verdict: run_time_error(net, &e, evaluation),
                states: 0,
                seconds: started.elapsed().as_secs_f64(),
                configuration: None,
            };
            return (judgement, None);
        }
    };
    let properties: Vec<String> = space
        .specs()
        .iter()
        .zip(&first_targets)
        .zip(&space.flags.hit)
        .filter(|((spec, first), hit)| match spec.kind.target_is_witness() {
            true => complete && first.is_none(),
            false => first.is_some() || hit.load(Ordering::Relaxed),
        })
        .map(|((spec, _), _)| spec.name.clone())
        .collect();
    let verdict = match (properties.is_empty(), stopped) {
        (false, _) => Verdict::Killed { properties },
        (true, Some(stopped)) => Verdict::Undecided { stopped },
        (true, None) => Verdict::Survived,
    };
    let unbounded = match verdict {
        Verdict::Undecided { .. } => proof,
        _ => None,
    };
    let judgement = Judgement {
        verdict,
        states,
        seconds: started.elapsed().as_secs_f64(),
        configuration: None,
    };
    (judgement, unbounded)
}

/// The run proving the net unbounded, where `ex` stopped at one. A proof
/// whose run cannot be replayed is none: the net is then reported as
/// stopped at a limit.
fn growth_proof(space: &StopAtViolation<'_>, ex: &Exploration) -> Option<Unbounded> {
    let growth = ex.growth.as_ref()?;
    let path: Vec<&[u32]> = (ex.path_to(growth.later)[1..].iter())
        .map(|&id| ex.state(id))
        .collect();
    let repeat_from = ex.path_to(growth.earlier).len() - 1;
    Unbounded::along(space, &path, repeat_from, &growth.places).ok()
}

/// What [`StopAtViolation`] shares with the explorer's level hook.
struct Flags {
    /// Per property: whether a state violating it (not a `reachable`
    /// witness) has been seen.
    hit: Vec<AtomicBool>,
    /// Set between levels once something is hit: every later expansion stops.
    armed: AtomicBool,
    /// States stored when the stop was armed, for the report of a stopped run.
    stored: AtomicU64,
}

/// A coloured space that ends the exploration one level after a property
/// fails: a mutant is killed by its first counterexample, and exploring the
/// rest of its space would only cost time.
struct StopAtViolation<'n> {
    inner: ColouredSpace<'n>,
    flags: Arc<Flags>,
    /// Whether the explorer may stop at a proof that the net is unbounded.
    grow: bool,
}

/// The verdict on a net whose exploration failed with `e`: located at what
/// failed, where the error names an evaluation.
fn run_time_error(net: &Net, e: &dyn std::fmt::Display, evaluation: Option<&EvalError>) -> Verdict {
    Verdict::Invalid {
        message: e.to_string(),
        at: evaluation.and_then(|evaluation| net.position_of_failure(evaluation)),
    }
}

/// Why [`StopAtViolation`] ended an exploration, or the space's own error.
#[derive(Debug, thiserror::Error)]
enum Stop {
    /// A property failed in an earlier level.
    #[error("stopped after a violation")]
    Violated,
    /// The coloured space failed (a value outside its type, a function error).
    #[error(transparent)]
    Space(#[from] crate::coloured::ColouredError),
}

impl<'n> StopAtViolation<'n> {
    fn new(inner: ColouredSpace<'n>, grow: bool) -> Self {
        let hit = inner
            .properties()
            .iter()
            .map(|_| AtomicBool::new(false))
            .collect();
        StopAtViolation {
            inner,
            flags: Arc::new(Flags {
                hit,
                armed: AtomicBool::new(false),
                stored: AtomicU64::new(0),
            }),
            grow,
        }
    }

    fn specs(&self) -> &[PropertySpec] {
        self.inner.properties()
    }
}

impl StateSpace for StopAtViolation<'_> {
    type Error = Stop;

    fn layout(&self) -> StateLayout {
        self.inner.layout()
    }

    fn initial(&self) -> Result<Vec<u32>, Stop> {
        Ok(self.inner.initial()?)
    }

    fn initial_unreduced(&self) -> Result<Vec<u32>, Stop> {
        Ok(self.inner.initial_unreduced()?)
    }

    fn representative(&self, state: &[u32]) -> Result<Vec<u32>, Stop> {
        Ok(self.inner.representative(state)?)
    }

    fn orbit_size(&self, state: &[u32]) -> Result<u64, Stop> {
        Ok(self.inner.orbit_size(state)?)
    }

    fn reduction(&self) -> Option<String> {
        self.inner.reduction()
    }

    fn may_grow(&self) -> bool {
        self.grow && self.inner.may_grow()
    }

    fn growth(&self, later: &[u32], earlier: &[u32]) -> Vec<(String, u64)> {
        self.inner.growth(later, earlier)
    }

    fn successors(&self, state: &[u32], out: &mut StateBuf) -> Result<(), Stop> {
        if self.flags.armed.load(Ordering::Relaxed) {
            return Err(Stop::Violated);
        }
        Ok(self.inner.successors(state, out)?)
    }

    fn labelled_successors(&self, state: &[u32]) -> Result<Vec<(Step, Vec<u32>)>, Stop> {
        Ok(self.inner.labelled_successors(state)?)
    }

    fn properties(&self) -> &[PropertySpec] {
        self.inner.properties()
    }

    fn property_targets(
        &self,
        state: &[u32],
        dead: bool,
        targets: &mut [bool],
    ) -> Result<(), Stop> {
        self.property_targets_with(state, dead, TargetHints::default(), targets)
    }

    fn targets_use_parent(&self) -> bool {
        self.inner.targets_use_parent()
    }

    fn property_targets_with(
        &self,
        state: &[u32],
        dead: bool,
        hints: TargetHints<'_>,
        targets: &mut [bool],
    ) -> Result<(), Stop> {
        self.inner
            .property_targets_with(state, dead, hints, targets)?;
        for ((hit, spec), &target) in self.flags.hit.iter().zip(self.specs()).zip(&*targets) {
            if target && !spec.kind.target_is_witness() {
                hit.store(true, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    fn token_stats(&self, state: &[u32]) -> TokenStats {
        self.inner.token_stats(state)
    }

    fn describe_state(&self, state: &[u32]) -> String {
        self.inner.describe_state(state)
    }

    fn marked_places(&self, state: &[u32]) -> MarkedPlaces {
        self.inner.marked_places(state)
    }
}
