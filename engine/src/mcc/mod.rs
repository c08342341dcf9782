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

mod answer;
mod error;
mod examination;
pub mod formula;
mod names;
pub mod observe;
mod plan;
mod temporal;

pub use answer::{Answer, AnswerKind, TECHNIQUES, Value};
pub use error::MccError;
pub use examination::{Examination, NOT_ANSWERED, Requested};

use std::path::Path;

use crate::coloured::ColouredSpace;
use crate::explore::ExploreOptions;
use crate::load::error::{LoadError, LoadErrorKind};
use crate::load::{LoadedNet, read_source};
use crate::ptnet::with_widening_lanes;
use formula::McProperty;
use names::Names;
use plan::Plan;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::{StopReason, explore};
    use crate::ptnet::{PackedNet, PtNet};
    use observe::{Check, Checked, Condition};

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

    /// The answers of `examination` on the endless pump, without limits.
    fn unbounded_answers(examination: Examination, formulas: &[&str]) -> Vec<Answer> {
        let properties: String = formulas
            .iter()
            .enumerate()
            .map(|(i, f)| format!("<property><id>f{i}</id><formula>{f}</formula></property>"))
            .collect();
        let xml = format!("<property-set>{properties}</property-set>");
        let properties = formula::parse_properties(&xml).expect("parses");
        let net = LoadedNet::PlaceTransition(Box::new(endless_with_an_exit()));
        examine(&net, examination, &properties, &ExploreOptions::default()).expect("examines")
    }

    /// "r holds at most one token", true everywhere; "q holds at least 50".
    const R_AT_MOST_ONE: &str = "<integer-le><tokens-count><place>r</place></tokens-count>\
                                 <integer-constant>1</integer-constant></integer-le>";
    const Q_AT_LEAST_50: &str = "<integer-le><integer-constant>50</integer-constant>\
                                 <tokens-count><place>q</place></tokens-count></integer-le>";

    /// Without a limit, formulas on an unbounded net end at the proof:
    /// what is decided by then is answered, the rest CANNOT_COMPUTE, where
    /// the run went on for ever before.
    #[test]
    fn formulas_on_an_unbounded_net_end_at_the_proof() {
        let ag = format!("<all-paths><globally>{R_AT_MOST_ONE}</globally></all-paths>");
        let ef = format!("<exists-path><finally>{Q_AT_LEAST_50}</finally></exists-path>");
        let values = |answers: Vec<Answer>| answers.iter().map(|a| a.value).collect::<Vec<_>>();
        assert_eq!(
            values(unbounded_answers(
                Examination::ReachabilityCardinality,
                &[&ef, &ag]
            )),
            [Value::True, Value::CannotCompute]
        );
        for examination in [Examination::CtlCardinality, Examination::LtlCardinality] {
            assert_eq!(
                values(unbounded_answers(examination, &[&ag])),
                [Value::CannotCompute],
                "{examination:?}"
            );
        }
    }

    /// Bounded by the user, an exploration for formulas goes on past the
    /// proof: a witness further on still decides a formula.
    #[test]
    fn a_bounded_run_goes_on_past_the_proof() {
        let net = LoadedNet::PlaceTransition(Box::new(endless_with_an_exit()));
        let deep = "<exists-path><finally><integer-le><integer-constant>100</integer-constant>\
                    <tokens-count><place>q</place></tokens-count></integer-le></finally></exists-path>";
        let xml = format!(
            "<property-set><property><id>f</id><formula>{deep}</formula></property></property-set>"
        );
        let properties = formula::parse_properties(&xml).expect("parses");
        let run = |options: &ExploreOptions| {
            examine(
                &net,
                Examination::ReachabilityCardinality,
                &properties,
                options,
            )
            .expect("examines")[0]
                .value
        };
        assert_eq!(run(&ExploreOptions::default()), Value::CannotCompute);
        let bounded = ExploreOptions {
            max_states: Some(10_000),
            ..ExploreOptions::default()
        };
        assert_eq!(run(&bounded), Value::True);
    }
}
