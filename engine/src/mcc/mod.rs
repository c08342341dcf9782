//! The Model Checking Contest's examinations: read the contest's property
//! files ([`formula`]), answer them by exploring the net ([`examine`]), and
//! print the answers in the contest's line format ([`Answer`]).
//!
//! Reachability formulas (`EF φ`, `AG φ` with φ a state formula) become
//! properties of the explorer, which stops as soon as every one is decided
//! (a witness of `EF φ` or a violation of `AG φ` found: on the fly); the
//! others need the whole state space. Bounds (`UpperBounds`) and the
//! `StateSpace` statistics are read from the complete set of states.
//! Formulas of the CTL and LTL examinations are decided on the graph of
//! every reachable marking by the temporal checkers (see `temporal.rs`:
//! CTL fixpoints, LTL Büchi product); a run stopped by a limit answers
//! them `CANNOT_COMPUTE`.
//!
//! ```
//! use sesphr_engine::explore::ExploreOptions;
//! use sesphr_engine::load::LoadedNet;
//! use sesphr_engine::mcc::{Examination, examine};
//! use sesphr_engine::ptnet::PtNet;
//!
//! // p -t-> q with one token: two markings, the second one dead.
//! let net = PtNet::new(
//!     "one-step",
//!     vec!["p".into(), "q".into()],
//!     vec![1, 0],
//!     vec![("t".into(), vec![(0, 1)], vec![(1, 1)])],
//! );
//! let net = LoadedNet::PlaceTransition(Box::new(net));
//! let answers =
//!     examine(&net, Examination::ReachabilityDeadlock, &[], &ExploreOptions::default()).unwrap();
//! assert_eq!(answers[0].to_string(), "FORMULA ReachabilityDeadlock TRUE TECHNIQUES EXPLICIT");
//! ```

pub mod formula;
pub mod observe;
mod temporal;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::time::Instant;

use crate::coloured::{ColouredError, ColouredSpace};
use crate::explore::{Exploration, ExploreError, ExploreOptions, explore};
use crate::load::error::{LoadError, LoadErrorKind};
use crate::load::{LoadedNet, read_source};
use crate::net::code::EvalError;
use crate::ptnet::{PtError, with_widening_lanes};
use crate::temporal::graph::{Limits, Stop};
use formula::{Formula, IntExpr, McProperty, Query};
use observe::{Check, Checked, Condition, Count, Observable};
use temporal::{Style, TemporalFormulas};

/// The examinations of the contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Examination {
    /// Reachable states, edges and token bounds.
    StateSpace,
    /// Is a dead marking reachable?
    ReachabilityDeadlock,
    /// Does every place hold at most one token?
    OneSafe,
    /// `EF`/`AG` formulas over token counts.
    ReachabilityCardinality,
    /// `EF`/`AG` formulas over enabled transitions.
    ReachabilityFireability,
    /// The most tokens of sets of places.
    UpperBounds,
    /// CTL formulas over token counts.
    CtlCardinality,
    /// CTL formulas over enabled transitions.
    CtlFireability,
    /// LTL formulas over token counts.
    LtlCardinality,
    /// LTL formulas over enabled transitions.
    LtlFireability,
}

impl Examination {
    /// Every examination, in the contest's order.
    pub const ALL: [Examination; 10] = [
        Examination::StateSpace,
        Examination::ReachabilityDeadlock,
        Examination::OneSafe,
        Examination::ReachabilityCardinality,
        Examination::ReachabilityFireability,
        Examination::UpperBounds,
        Examination::CtlCardinality,
        Examination::CtlFireability,
        Examination::LtlCardinality,
        Examination::LtlFireability,
    ];

    /// The contest's name of the examination (and of its property file, `<name>.xml`).
    pub fn name(self) -> &'static str {
        match self {
            Examination::StateSpace => "StateSpace",
            Examination::ReachabilityDeadlock => "ReachabilityDeadlock",
            Examination::OneSafe => "OneSafe",
            Examination::ReachabilityCardinality => "ReachabilityCardinality",
            Examination::ReachabilityFireability => "ReachabilityFireability",
            Examination::UpperBounds => "UpperBounds",
            Examination::CtlCardinality => "CTLCardinality",
            Examination::CtlFireability => "CTLFireability",
            Examination::LtlCardinality => "LTLCardinality",
            Examination::LtlFireability => "LTLFireability",
        }
    }

    /// Whether the examination's formulas come from a property file.
    pub fn has_property_file(self) -> bool {
        !matches!(
            self,
            Examination::StateSpace | Examination::ReachabilityDeadlock | Examination::OneSafe
        )
    }
}

impl fmt::Display for Examination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Examination {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Examination::ALL
            .into_iter()
            .find(|e| e.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Examination::ALL.iter().map(|e| e.name()).collect();
                format!("unknown examination {s:?} (one of {})", names.join(", "))
            })
    }
}

/// The value of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// The formula holds.
    True,
    /// The formula does not hold.
    False,
    /// A number (a bound, a count).
    Number(u64),
    /// Not decided (a limit stopped the run, or the formula is outside
    /// what is evaluated).
    CannotCompute,
}

/// Whether an answer is a formula's or a `StateSpace` statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    /// `FORMULA <id> ...`.
    Formula,
    /// `STATE_SPACE <what> ...`.
    StateSpace,
}

/// One line of output.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// A formula or a statistic.
    pub kind: AnswerKind,
    /// The formula's id, or the statistic's name (`STATES`, ...).
    pub id: String,
    /// The answer.
    pub value: Value,
    /// For a CTL or LTL formula, the seconds taken to decide it on the
    /// examination's graph (built once for all formulas, and not counted).
    pub seconds: Option<f64>,
}

/// The techniques named in answers.
pub const TECHNIQUES: &str = "EXPLICIT";

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = match self.kind {
            AnswerKind::Formula => "FORMULA",
            AnswerKind::StateSpace => "STATE_SPACE",
        };
        match self.value {
            Value::True => write!(f, "{head} {} TRUE TECHNIQUES {TECHNIQUES}", self.id),
            Value::False => write!(f, "{head} {} FALSE TECHNIQUES {TECHNIQUES}", self.id),
            Value::Number(n) => write!(f, "{head} {} {n} TECHNIQUES {TECHNIQUES}", self.id),
            Value::CannotCompute => write!(f, "{head} {} CANNOT_COMPUTE", self.id),
        }
    }
}

/// Why an examination could not be run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MccError {
    /// A formula names a place or transition the net does not have.
    #[error("property {property}: the net has no {kind} {name:?}")]
    UnknownName {
        /// The property's id.
        property: String,
        /// `place` or `transition`.
        kind: &'static str,
        /// The name as written.
        name: String,
    },
    /// Exploring a place/transition net failed.
    #[error(transparent)]
    PlaceTransition(#[from] ExploreError<PtError>),
    /// Exploring a coloured net failed.
    #[error(transparent)]
    Coloured(#[from] ExploreError<ColouredError>),
}

impl MccError {
    /// The failed evaluation of a guard or an arc behind this error, if it
    /// is one ([`LoadedNet::position_of_failure`] locates it).
    pub fn evaluation(&self) -> Option<&EvalError> {
        match self {
            MccError::Coloured(ExploreError::Space { source }) => source.evaluation(),
            _ => None,
        }
    }
}

/// Reads a property file of the contest; errors name the file, the line and
/// the column, and quote the line.
pub fn read_property_file(path: &Path) -> Result<Vec<McProperty>, LoadError> {
    let source = read_source(path)?;
    formula::parse_properties(source.text()).map_err(|e| {
        let kind = if e.message.starts_with("malformed XML") {
            LoadErrorKind::Syntax(e.message)
        } else {
            LoadErrorKind::Structure(e.message)
        };
        LoadError::at(&source, e.at, kind)
    })
}

/// Answers `examination` on `net`: one [`Answer`] per property of
/// `properties` (the examination's property file; empty for StateSpace,
/// ReachabilityDeadlock and OneSafe), in file order.
pub fn examine(
    net: &LoadedNet,
    examination: Examination,
    properties: &[McProperty],
    options: &ExploreOptions,
) -> Result<Vec<Answer>, MccError> {
    let names = Names::of(net);
    let plan = Plan::new(examination, properties, &names)?;
    match net {
        LoadedNet::PlaceTransition(pt) => Ok(with_widening_lanes(pt, &[], |space| {
            plan.run(space, options)
        })?),
        LoadedNet::Coloured(coloured) => Ok(plan.run(&ColouredSpace::new(coloured), options)?),
    }
}

/// Place and transition numbers by the names formulas use.
struct Names {
    places: HashMap<String, usize>,
    transitions: HashMap<String, usize>,
    place_count: usize,
}

impl Names {
    /// Identifiers first (what PNML formulas name), then names.
    fn of(net: &LoadedNet) -> Names {
        let index = |ids: &[String], names: &[String]| {
            let mut map = HashMap::new();
            for (i, name) in names.iter().enumerate() {
                map.insert(name.clone(), i);
            }
            for (i, id) in ids.iter().enumerate() {
                map.insert(id.clone(), i);
            }
            map
        };
        match net {
            LoadedNet::PlaceTransition(pt) => {
                let transition_names: Vec<String> =
                    pt.transitions.iter().map(|t| t.name.clone()).collect();
                Names {
                    places: index(&pt.place_ids, &pt.places),
                    transitions: index(&pt.transition_ids, &transition_names),
                    place_count: pt.places.len(),
                }
            }
            LoadedNet::Coloured(net) => {
                let places: Vec<String> = net.places.iter().map(|p| p.name.clone()).collect();
                let transitions: Vec<String> =
                    net.transitions.iter().map(|t| t.name.clone()).collect();
                Names {
                    places: index(&[], &places),
                    transitions: index(&[], &transitions),
                    place_count: places.len(),
                }
            }
        }
    }

    fn resolve(
        map: &HashMap<String, usize>,
        names: &[String],
        kind: &'static str,
        property: &str,
    ) -> Result<Vec<usize>, MccError> {
        names
            .iter()
            .map(|name| {
                map.get(name).copied().ok_or_else(|| MccError::UnknownName {
                    property: property.to_string(),
                    kind,
                    name: name.clone(),
                })
            })
            .collect()
    }

    fn count(&self, e: &IntExpr, property: &str) -> Result<Count, MccError> {
        let all = |parts: &[IntExpr]| {
            parts
                .iter()
                .map(|p| self.count(p, property))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(match e {
            IntExpr::Constant(c) => Count::Constant(*c),
            IntExpr::TokensCount(places) => {
                Count::Tokens(Self::resolve(&self.places, places, "place", property)?)
            }
            IntExpr::Sum(parts) => Count::Sum(all(parts)?),
            IntExpr::Difference(parts) => Count::Difference(all(parts)?),
            IntExpr::Product(parts) => Count::Product(all(parts)?),
        })
    }

    /// The condition of a state formula (`None` for a path formula).
    fn condition(&self, f: &Formula, property: &str) -> Result<Option<Condition>, MccError> {
        let all = |parts: &[Formula]| -> Result<Option<Vec<Condition>>, MccError> {
            parts
                .iter()
                .map(|p| self.condition(p, property))
                .collect::<Result<Option<Vec<_>>, _>>()
        };
        Ok(Some(match f {
            Formula::True => Condition::True,
            Formula::False => Condition::False,
            Formula::Deadlock => Condition::Dead,
            Formula::Not(inner) => match self.condition(inner, property)? {
                Some(c) => Condition::Not(Box::new(c)),
                None => return Ok(None),
            },
            Formula::And(parts) => match all(parts)? {
                Some(cs) => Condition::And(cs),
                None => return Ok(None),
            },
            Formula::Or(parts) => match all(parts)? {
                Some(cs) => Condition::Or(cs),
                None => return Ok(None),
            },
            Formula::Le(a, b) => Condition::Le(self.count(a, property)?, self.count(b, property)?),
            Formula::IsFireable(ts) => Condition::Fireable(Self::resolve(
                &self.transitions,
                ts,
                "transition",
                property,
            )?),
            Formula::AllPaths(_)
            | Formula::ExistsPath(_)
            | Formula::Globally(_)
            | Formula::Finally(_)
            | Formula::Next(_)
            | Formula::Until { .. } => return Ok(None),
        }))
    }
}

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
    /// Outside what is evaluated.
    Unanswered,
}

struct Plan {
    examination: Examination,
    /// (answer id, task), in output order.
    tasks: Vec<(String, Task)>,
    checks: Vec<(String, Check)>,
    temporal: TemporalFormulas,
}

impl Plan {
    fn new(
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
                    None => Task::Unanswered,
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
                    None => self.tasks.push((id.to_string(), Task::Unanswered)),
                },
                _ => self.tasks.push((id.to_string(), Task::Unanswered)),
            },
            Query::Boolean(Formula::AllPaths(path)) if reachability => match &**path {
                Formula::Globally(f) => match names.condition(f, id)? {
                    Some(c) => self.add_check(id, Check::Invariant(c), Task::Invariant),
                    None => self.tasks.push((id.to_string(), Task::Unanswered)),
                },
                _ => self.tasks.push((id.to_string(), Task::Unanswered)),
            },
            _ => self.tasks.push((id.to_string(), Task::Unanswered)),
        }
        Ok(())
    }

    /// Whether an answer needs every reachable state (not only the checks' verdicts).
    fn needs_all_states(&self) -> bool {
        self.tasks
            .iter()
            .any(|(_, t)| matches!(t, Task::Bound(_) | Task::Statistics))
    }

    fn run<S: Observable>(
        &self,
        space: &S,
        options: &ExploreOptions,
    ) -> Result<Vec<Answer>, ExploreError<S::Error>> {
        if !self.temporal.questions.is_empty() {
            return self.run_temporal(space, options);
        }
        if self.checks.is_empty() && !self.needs_all_states() {
            // Nothing here is evaluated: no exploration.
            return Ok(self
                .tasks
                .iter()
                .map(|(id, _)| Answer {
                    kind: AnswerKind::Formula,
                    id: id.clone(),
                    value: Value::CannotCompute,
                    seconds: None,
                })
                .collect());
        }
        let mut checked = Checked::new(space, self.checks.clone());
        if self.needs_all_states() {
            // The state space of an unbounded net is never complete:
            // CANNOT_COMPUTE at the proof rather than at a limit.
            checked = checked.stopping_at_growth();
        }
        let mut options = options.clone();
        options.stop_when_decided = !self.needs_all_states();
        let ex = explore(&checked, &options)?;
        let complete = ex.complete();
        let bounds = self.bounds(space, &ex, complete)?;
        let mut answers = Vec::new();
        let formula = |id: &str, value| Answer {
            kind: AnswerKind::Formula,
            id: id.to_string(),
            value,
            seconds: None,
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
                        answers.push(Answer {
                            kind: AnswerKind::StateSpace,
                            id: what.to_string(),
                            value: known(value),
                            seconds: None,
                        });
                    }
                }
                Task::Unanswered | Task::Temporal(_) => {
                    answers.push(formula(id, Value::CannotCompute));
                }
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
        let limits = Limits {
            max_states: options.max_states,
            max_memory: options.max_memory,
            deadline: options.timeout.map(|t| Instant::now() + t),
        };
        let verdicts = match temporal::graph(space, &self.temporal.atoms, limits) {
            Ok(graph) => Some(temporal::decide(&graph, &self.temporal.questions, limits)),
            Err(Stop::Failed(source)) => return Err(ExploreError::Space { source }),
            Err(Stop::TooLarge(_) | Stop::Timeout | Stop::OutOfMemory) => None,
        };
        Ok(self
            .tasks
            .iter()
            .map(|(id, task)| {
                let decided = match (task, &verdicts) {
                    (Task::Temporal(i), Some(v)) => Some(v[*i]),
                    _ => None,
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
                }
            })
            .collect())
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

/// Maxima over the reachable states.
struct Bounds {
    /// Per task (bound tasks only): the most tokens of its places together.
    places: Vec<u64>,
    /// The most tokens of one colour in one place.
    unfolded_place: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::StopReason;
    use crate::ptnet::{PackedNet, PtNet};

    /// t: p -> p + q counts for ever; u: p -> r ends in a dead marking.
    fn endless_with_an_exit() -> PtNet {
        PtNet::new(
            "endless",
            vec!["p".into(), "q".into(), "r".into()],
            vec![1, 0, 0],
            vec![
                ("t".into(), vec![(0, 1)], vec![(0, 1), (1, 1)]),
                ("u".into(), vec![(0, 1)], vec![(2, 1)]),
            ],
        )
    }

    /// StateSpace needs every state, which an unbounded net never gives:
    /// the run stops at the proof (64 steps in), not at a limit, and
    /// every answer is CANNOT_COMPUTE. Explored for formulas, the same
    /// space goes on past the proof.
    #[test]
    fn the_state_space_of_an_unbounded_net_stops_at_the_proof() {
        let net = endless_with_an_exit();
        let options = ExploreOptions {
            max_states: Some(100_000),
            ..ExploreOptions::default()
        };
        let loaded = LoadedNet::PlaceTransition(Box::new(net.clone()));
        let answers = examine(&loaded, Examination::StateSpace, &[], &options).expect("examines");
        assert_eq!(answers.len(), 4);
        assert!(answers.iter().all(|a| a.value == Value::CannotCompute));
        let stopped = with_widening_lanes(&net, &[], |space| {
            let checked = Checked::new(space, Vec::new()).stopping_at_growth();
            explore(&checked, &options)
        })
        .expect("explores");
        assert_eq!(stopped.stopped, Some(StopReason::Unbounded));
        assert_eq!(stopped.depth, 64);
        // Without the stop, the same exploration runs to the limit.
        let unstopped = with_widening_lanes(&net, &[], |space| {
            explore(&Checked::new(space, Vec::new()), &options)
        })
        .expect("explores");
        assert_eq!(unstopped.stopped, Some(StopReason::MaxStates));
    }

    #[test]
    fn reachability_stops_once_decided() {
        let net = endless_with_an_exit();
        let space = PackedNet::new(&net, Vec::new()).expect("packs");
        let checked = Checked::new(
            &space,
            vec![("dead".into(), Check::Reachable(Condition::Dead))],
        );
        let options = ExploreOptions {
            max_states: Some(10_000),
            stop_when_decided: true,
            ..ExploreOptions::default()
        };
        let ex = explore(&checked, &options).expect("explores");
        assert_eq!(ex.stopped, Some(StopReason::Decided));
        assert!(ex.states < 10, "{} states", ex.states);
        let answers = examine(
            &LoadedNet::PlaceTransition(Box::new(net)),
            Examination::ReachabilityDeadlock,
            &[],
            &options,
        )
        .expect("examines");
        assert_eq!(answers[0].value, Value::True);
    }

    #[test]
    fn an_unbounded_net_leaves_bounds_undecided() {
        let net = LoadedNet::PlaceTransition(Box::new(endless_with_an_exit()));
        let properties = formula::parse_properties(
            "<property-set><property><id>b</id><formula><place-bound><place>q</place>\
             </place-bound></formula></property></property-set>",
        )
        .expect("parses");
        let options = ExploreOptions {
            max_states: Some(100),
            ..ExploreOptions::default()
        };
        let answers =
            examine(&net, Examination::UpperBounds, &properties, &options).expect("examines");
        assert_eq!(answers[0].to_string(), "FORMULA b CANNOT_COMPUTE");
    }

    /// p -t-> q, then dead at q.
    fn one_step() -> LoadedNet {
        LoadedNet::PlaceTransition(Box::new(PtNet::new(
            "one-step",
            vec!["p".into(), "q".into()],
            vec![1, 0],
            vec![("t".into(), vec![(0, 1)], vec![(1, 1)])],
        )))
    }

    fn answer(examination: Examination, formula: &str) -> Value {
        let xml = format!(
            "<property-set><property><id>f</id><formula>{formula}</formula></property></property-set>"
        );
        let properties = formula::parse_properties(&xml).expect("parses");
        let answers = examine(
            &one_step(),
            examination,
            &properties,
            &ExploreOptions::default(),
        )
        .expect("examines");
        answers[0].value
    }

    #[test]
    fn ctl_next_sees_nothing_after_a_dead_marking() {
        // AX AX false: at the dead q, AX false holds (no successor).
        let ax_ax_false = "<all-paths><next><all-paths><next><false/></next></all-paths>\
                           </next></all-paths>";
        assert_eq!(
            answer(Examination::CtlCardinality, ax_ax_false),
            Value::True
        );
        // EX EX true: q has no successor.
        let ex_ex_true = "<exists-path><next><exists-path><next><true/></next></exists-path>\
                          </next></exists-path>";
        assert_eq!(
            answer(Examination::CtlFireability, ex_ex_true),
            Value::False
        );
        // EG of "q empty" fails: every maximal path ends at q, marked.
        let eg = "<exists-path><globally><integer-le><tokens-count><place>q</place>\
                  </tokens-count><integer-constant>0</integer-constant></integer-le>\
                  </globally></exists-path>";
        assert_eq!(answer(Examination::CtlCardinality, eg), Value::False);
    }

    #[test]
    fn ltl_runs_stutter_at_a_dead_marking() {
        // X X "q marked": the run p, q, q, ... reaches q and stays.
        let xx = "<all-paths><next><next><integer-le><integer-constant>1</integer-constant>\
                  <tokens-count><place>q</place></tokens-count></integer-le></next></next>\
                  </all-paths>";
        assert_eq!(answer(Examination::LtlCardinality, xx), Value::True);
        // F G "t is not fireable".
        let fg = "<all-paths><finally><globally><negation><is-fireable>\
                  <transition>t</transition></is-fireable></negation></globally></finally>\
                  </all-paths>";
        assert_eq!(answer(Examination::LtlFireability, fg), Value::True);
        // An inner path quantifier is outside LTL: not answered.
        let nested = "<all-paths><finally><exists-path><next><true/></next></exists-path>\
                      </finally></all-paths>";
        assert_eq!(
            answer(Examination::LtlCardinality, nested),
            Value::CannotCompute
        );
    }
}
