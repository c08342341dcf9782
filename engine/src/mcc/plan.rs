//! An examination's plan: how each answer is found (a check judged by the
//! explorer, a bound, a statistic, a temporal formula), and its run.

use std::time::Instant;

use super::answer::{Answer, AnswerKind, Value};
use super::error::MccError;
use super::examination::Examination;
use super::formula::{Formula, McProperty, Query};
use super::names::Names;
use super::observe::{Check, Checked, Condition, Count, Observable};
use super::temporal::{self, Style, TemporalFormulas};
use crate::explore::{Exploration, ExploreError, ExploreOptions, StateSpace, StopReason, explore};
use crate::temporal::graph::{Limits, Stop};

/// How each answer of an examination is found.
enum Task {
    /// Verdict of check `i` (of [`Plan::checks`]); a witness answers TRUE.
    Reachable(usize),
    /// Verdict of check `i`; a violation answers FALSE.
    Invariant(usize),
    /// The most tokens the places hold together in a reachable marking.
    Bound(Vec<usize>),
    /// One of the `StateSpace` statistics.
    Statistics,
    /// Verdict of temporal formula `i` (of [`Plan::temporal`]).
    Temporal(usize),
    /// Outside what is evaluated, for this reason.
    Unanswered(&'static str),
}

/// Why a CTL examination's formula is not evaluated.
const NOT_CTL: &str = "not a CTL formula: a path operator (X, F, G, U) without a path \
    quantifier (A, E) right above it";
/// Why an LTL examination's formula is not evaluated.
const NOT_LTL: &str = "not an LTL formula: a path quantifier (A, E) inside it, where only \
    one may stand at the top";
/// Why a reachability examination's formula is not evaluated.
const NOT_REACHABILITY: &str = "not a reachability formula: only EF φ and AG φ, φ without \
    path operators, are evaluated";
/// Why a query of another examination's kind is not evaluated.
const NOT_THIS_EXAMINATION: &str =
    "a query of another examination (a place-bound outside UpperBounds, or a formula in it)";

pub(super) struct Plan {
    examination: Examination,
    /// (answer id, task), in output order.
    tasks: Vec<(String, Task)>,
    checks: Vec<(String, Check)>,
    temporal: TemporalFormulas,
}

impl Plan {
    pub(super) fn new(
        examination: Examination,
        properties: &[McProperty],
        names: &Names,
    ) -> Result<Plan, MccError> {
        let mut plan = Plan {
            examination,
            tasks: Vec::new(),
            checks: Vec::new(),
            temporal: TemporalFormulas::default(),
        };
        match examination {
            Examination::StateSpace => plan.tasks.push((String::new(), Task::Statistics)),
            Examination::ReachabilityDeadlock => {
                plan.add_check(
                    "ReachabilityDeadlock",
                    Check::Reachable(Condition::Dead),
                    Task::Reachable,
                );
            }
            Examination::OneSafe => {
                let at_most_one = (0..names.place_count)
                    .map(|p| Condition::Le(Count::Tokens(vec![p]), Count::Constant(1)))
                    .collect();
                plan.add_check(
                    "OneSafe",
                    Check::Invariant(Condition::And(at_most_one)),
                    Task::Invariant,
                );
            }
            _ => {
                for property in properties {
                    plan.add_property(property, names)?;
                }
            }
        }
        Ok(plan)
    }

    fn add_check(&mut self, id: &str, check: Check, task: fn(usize) -> Task) {
        self.tasks.push((id.to_string(), task(self.checks.len())));
        self.checks.push((id.to_string(), check));
    }

    fn add_property(&mut self, property: &McProperty, names: &Names) -> Result<(), MccError> {
        let id = property.id.as_str();
        let reachability = matches!(
            self.examination,
            Examination::ReachabilityCardinality | Examination::ReachabilityFireability
        );
        let style = match self.examination {
            Examination::CtlCardinality | Examination::CtlFireability => Some(Style::Ctl),
            Examination::LtlCardinality | Examination::LtlFireability => Some(Style::Ltl),
            _ => None,
        };
        match &property.query {
            Query::Boolean(f) if style.is_some() => {
                let style = style.unwrap_or(Style::Ctl);
                let task = match self.temporal.add(f, style, names, id)? {
                    Some(i) => Task::Temporal(i),
                    None if style == Style::Ltl => Task::Unanswered(NOT_LTL),
                    None => Task::Unanswered(NOT_CTL),
                };
                self.tasks.push((id.to_string(), task));
            }
            Query::PlaceBound(places) if self.examination == Examination::UpperBounds => {
                let places = Names::resolve(&names.places, places, "place", id)?;
                self.tasks.push((id.to_string(), Task::Bound(places)));
            }
            Query::Boolean(Formula::ExistsPath(path)) if reachability => match &**path {
                Formula::Finally(f) => match names.condition(f, id)? {
                    Some(c) => self.add_check(id, Check::Reachable(c), Task::Reachable),
                    None => self.unanswered_task(id, NOT_REACHABILITY),
                },
                _ => self.unanswered_task(id, NOT_REACHABILITY),
            },
            Query::Boolean(Formula::AllPaths(path)) if reachability => match &**path {
                Formula::Globally(f) => match names.condition(f, id)? {
                    Some(c) => self.add_check(id, Check::Invariant(c), Task::Invariant),
                    None => self.unanswered_task(id, NOT_REACHABILITY),
                },
                _ => self.unanswered_task(id, NOT_REACHABILITY),
            },
            Query::Boolean(_) if reachability => self.unanswered_task(id, NOT_REACHABILITY),
            _ => self.unanswered_task(id, NOT_THIS_EXAMINATION),
        }
        Ok(())
    }

    /// Answers formula `id` CANNOT_COMPUTE, for `reason`.
    fn unanswered_task(&mut self, id: &str, reason: &'static str) {
        self.tasks.push((id.to_string(), Task::Unanswered(reason)));
    }

    /// Whether an answer needs every reachable state (not only the checks' verdicts).
    fn needs_all_states(&self) -> bool {
        self.tasks
            .iter()
            .any(|(_, t)| matches!(t, Task::Bound(_) | Task::Statistics))
    }

    pub(super) fn run<S: Observable>(
        &self,
        space: &S,
        options: &ExploreOptions,
    ) -> Result<Vec<Answer>, ExploreError<S::Error>> {
        if !self.temporal.questions.is_empty() {
            return self.run_temporal(space, options);
        }
        if self.checks.is_empty() && !self.needs_all_states() {
            // Nothing here is evaluated: no exploration.
            return Ok(self.unanswered(None));
        }
        let mut checked = Checked::new(space, self.checks.clone());
        if self.needs_all_states() || !bounded_by_user(options) {
            // The state space of an unbounded net is never complete:
            // CANNOT_COMPUTE at the proof rather than at a limit (or never).
            checked = checked.stopping_at_growth();
        }
        let mut options = options.clone();
        options.stop_when_decided = !self.needs_all_states();
        let ex = explore(&checked, &options)?;
        let complete = ex.complete();
        let bounds = self.bounds(space, &ex, complete)?;
        let stopped = ex.stopped.map(stopped_because);
        let mut answers = Vec::new();
        let formula = |id: &str, value| {
            Answer {
                kind: AnswerKind::Formula,
                id: id.to_string(),
                value,
                seconds: None,
                reason: None,
            }
            .explained(stopped)
        };
        for (k, (id, task)) in self.tasks.iter().enumerate() {
            match task {
                Task::Reachable(i) => answers.push(formula(
                    id,
                    match (ex.first_targets[*i].is_some(), complete) {
                        (true, _) => Value::True,
                        (false, true) => Value::False,
                        (false, false) => Value::CannotCompute,
                    },
                )),
                Task::Invariant(i) => answers.push(formula(
                    id,
                    match (ex.first_targets[*i].is_some(), complete) {
                        (true, _) => Value::False,
                        (false, true) => Value::True,
                        (false, false) => Value::CannotCompute,
                    },
                )),
                Task::Bound(_) => answers.push(formula(
                    id,
                    bounds
                        .as_ref()
                        .map_or(Value::CannotCompute, |b| Value::Number(b.places[k])),
                )),
                Task::Statistics => {
                    let known = |n: u64| {
                        if complete {
                            Value::Number(n)
                        } else {
                            Value::CannotCompute
                        }
                    };
                    let unfolded = bounds.as_ref().map_or(0, |b| b.unfolded_place);
                    for (what, value) in [
                        ("STATES", ex.states),
                        ("TRANSITIONS", ex.edges),
                        ("MAX_TOKEN_IN_PLACE", unfolded),
                        ("MAX_TOKEN_PER_MARKING", ex.max_tokens_per_marking),
                    ] {
                        answers.push(
                            Answer {
                                kind: AnswerKind::StateSpace,
                                id: what.to_string(),
                                value: known(value),
                                seconds: None,
                                reason: None,
                            }
                            .explained(stopped),
                        );
                    }
                }
                Task::Unanswered(reason) => {
                    answers.push(formula(id, Value::CannotCompute).explained(Some(reason)));
                }
                Task::Temporal(_) => answers.push(formula(id, Value::CannotCompute)),
            }
        }
        Ok(answers)
    }

    /// Answers the temporal formulas on the graph of every reachable
    /// marking (`CANNOT_COMPUTE` for all when a limit stops its construction).
    fn run_temporal<S: Observable>(
        &self,
        space: &S,
        options: &ExploreOptions,
    ) -> Result<Vec<Answer>, ExploreError<S::Error>> {
        let deadline = options.timeout.map(|t| Instant::now() + t);
        if proven_unbounded(space, options)? {
            return Ok(self.unanswered(Some(UNBOUNDED)));
        }
        let limits = Limits {
            max_states: options.max_states,
            max_memory: options.max_memory,
            deadline,
        };
        let verdicts = match temporal::graph(space, &self.temporal.atoms, limits) {
            Ok(graph) => Ok(temporal::decide(&graph, &self.temporal.questions, limits)),
            Err(Stop::Failed(source)) => return Err(ExploreError::Space { source }),
            Err(Stop::TooLarge(_)) => Err(StopReason::MaxStates),
            Err(Stop::Timeout) => Err(StopReason::Timeout),
            Err(Stop::OutOfMemory) => Err(StopReason::MaxMemory),
        };
        Ok(self
            .tasks
            .iter()
            .map(|(id, task)| {
                let (decided, reason) = match (task, &verdicts) {
                    (Task::Temporal(i), Ok(v)) => (Some(v[*i]), UNDECIDED),
                    (Task::Unanswered(reason), _) => (None, *reason),
                    (_, Err(stop)) => (None, stopped_because(*stop)),
                    _ => (None, UNDECIDED),
                };
                Answer {
                    kind: AnswerKind::Formula,
                    id: id.clone(),
                    value: match decided {
                        Some((Some(true), _)) => Value::True,
                        Some((Some(false), _)) => Value::False,
                        _ => Value::CannotCompute,
                    },
                    seconds: decided.map(|(_, took)| took.as_secs_f64()),
                    reason: None,
                }
                .explained(Some(reason))
            })
            .collect())
    }

    /// Every answer CANNOT_COMPUTE, in output order: for its own reason
    /// where it is outside what is evaluated, else for `reason`.
    fn unanswered(&self, reason: Option<&'static str>) -> Vec<Answer> {
        self.tasks
            .iter()
            .map(|(id, task)| {
                let reason = match task {
                    Task::Unanswered(own) => Some(*own),
                    _ => reason,
                };
                Answer {
                    kind: AnswerKind::Formula,
                    id: id.clone(),
                    value: Value::CannotCompute,
                    seconds: None,
                    reason: None,
                }
                .explained(reason)
            })
            .collect()
    }

    /// The bounds over every stored state, when the exploration is complete.
    fn bounds<S: Observable>(
        &self,
        space: &S,
        ex: &Exploration,
        complete: bool,
    ) -> Result<Option<Bounds>, ExploreError<S::Error>> {
        if !complete || !self.needs_all_states() {
            return Ok(None);
        }
        let mut bounds = Bounds {
            places: vec![0; self.tasks.len()],
            unfolded_place: 0,
        };
        for id in ex.ids() {
            let marking = space
                .observe(ex.state(id))
                .map_err(|source| ExploreError::Space { source })?;
            bounds.unfolded_place = bounds
                .unfolded_place
                .max(space.max_in_unfolded_place(&marking));
            for (k, (_, task)) in self.tasks.iter().enumerate() {
                if let Task::Bound(places) = task {
                    let sum: u64 = places.iter().map(|&p| space.tokens(&marking, p)).sum();
                    bounds.places[k] = bounds.places[k].max(sum);
                }
            }
        }
        Ok(Some(bounds))
    }
}

/// Why a temporal formula whose decision was cut short is not answered.
const UNDECIDED: &str = "its decision on the graph was stopped by --timeout or --max-memory";

/// Why nothing that needs every reachable marking is answered on an
/// unbounded net.
const UNBOUNDED: &str = "the net is unbounded: its reachable markings never end";

/// Why an exploration that stopped for `reason` left an answer undecided.
fn stopped_because(reason: StopReason) -> &'static str {
    match reason {
        StopReason::MaxStates => "the run stopped at --max-states before deciding it",
        StopReason::MaxMemory => "the run stopped at --max-memory before deciding it",
        StopReason::Timeout => "the run stopped at --timeout before deciding it",
        StopReason::Unbounded => UNBOUNDED,
        _ => "the run stopped before deciding it",
    }
}

/// Whether the user bounded the run (`--timeout`, `--max-states`): only
/// then does an exploration for formulas go on past the proof that the net
/// is unbounded, since a witness or counterexample found further on still
/// decides a formula; without a bound it would never end.
fn bounded_by_user(options: &ExploreOptions) -> bool {
    options.timeout.is_some() || options.max_states.is_some()
}

/// The states a first exploration of a CTL or LTL examination's net may
/// store while it looks for a proof that the net is unbounded.
pub(super) const PROBE_STATES: u64 = 100_000;

/// Whether a first exploration of `space`, of at most [`PROBE_STATES`]
/// states (and within `options`' limits), proves it unbounded: then the
/// graph of every reachable marking, which CTL and LTL formulas are decided
/// on, can never be built. A net that cannot grow (its bindings do not fire
/// monotonically, or a structural bound holds every place) is not explored
/// twice; one that may grow but does not pays an exploration of at most
/// that many states.
fn proven_unbounded<S: Observable>(
    space: &S,
    options: &ExploreOptions,
) -> Result<bool, ExploreError<S::Error>> {
    let checked = Checked::new(space, Vec::new()).stopping_at_growth();
    if !checked.may_grow() {
        return Ok(false);
    }
    let probe = ExploreOptions {
        max_states: Some(
            options
                .max_states
                .map_or(PROBE_STATES, |n| n.min(PROBE_STATES)),
        ),
        max_memory: options.max_memory,
        timeout: options.timeout,
        ..ExploreOptions::default()
    };
    Ok(explore(&checked, &probe)?.stopped == Some(StopReason::Unbounded))
}

/// Maxima over the reachable states.
struct Bounds {
    /// Per task (bound tasks only): the most tokens of its places together.
    places: Vec<u64>,
    /// The most tokens of one colour in one place.
    unfolded_place: u64,
}
