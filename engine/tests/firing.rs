//! The firing rule and its errors, parameter overrides, and seeded simulation.

use sesphr_engine::coloured::fire::{Binding, enabled_bindings, fire, successors};
use sesphr_engine::coloured::simulate::{StopReason, simulate};
use sesphr_engine::load::error::{LoadError, LoadErrorKind};
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::{Pos, Source};
use sesphr_engine::net::code::{EvalError, Site};
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::model::Net;
use sesphr_engine::net::value::Value;

fn try_load(text: &str, overrides: &[(&str, &str)]) -> Result<Net, LoadError> {
    let overrides: Vec<(String, String)> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    load_net_str(&Source::new("test.yaml", text), &overrides, &NoFunctions)
}

fn load(text: &str) -> Net {
    try_load(text, &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn bindings(net: &Net, marking: &sesphr_engine::net::marking::Marking) -> Vec<Binding> {
    let mut out = Vec::new();
    enabled_bindings(net, marking, &mut out).expect("evaluates");
    out
}

const MUTEX: &str = "places:\n  idle: { type: Int, init: [\"1\", \"2\"] }\n  critical: { type: Int }\n  lock: { type: Unit, init: [\"()\"] }\ntransitions:\n  enter:\n    in: { idle: [p], lock: [\"()\"] }\n    out: { critical: [p] }\n  leave:\n    in: { critical: [p] }\n    out: { idle: [p], lock: [\"()\"] }\n";

#[test]
fn firing_removes_and_adds_its_multisets_and_leaves_the_old_marking_alone() {
    let net = load(MUTEX);
    let before = net.initial.clone();
    let enabled = bindings(&net, &before);
    assert_eq!(enabled.len(), 2);
    let after = fire(&net, &before, &enabled[1]).expect("fires");
    assert_eq!(before, net.initial, "firing does not touch its input");
    assert_eq!(net.show_marking(&after), "idle: {1}\ncritical: {2}");
    // Only `leave` is enabled now, and it restores the initial marking.
    let next = bindings(&net, &after);
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].show(&net).to_string(), "leave (p=2)");
    assert_eq!(fire(&net, &after, &next[0]).expect("fires"), before);
}

#[test]
fn multiplicities_and_all_on_output_arcs() {
    let net = load(
        "types:\n  C: { enum: [r, g, b] }\nplaces:\n  go: { type: Unit, init: [\"()\"] }\n  paint: { type: C }\n  twice: { type: Int }\ntransitions:\n  t:\n    in: { go: [\"()\"] }\n    out: { paint: [\"all(C)\"], twice: [\"2'7\", \"3\"] }\n",
    );
    let b = &bindings(&net, &net.initial)[0];
    let after = fire(&net, &net.initial, b).expect("fires");
    assert_eq!(
        net.show_marking(&after),
        "paint: {b, g, r}\ntwice: {3, 2'7}"
    );
    assert_eq!(after.total(), 6);
}

#[test]
fn a_token_outside_the_place_type_is_an_error_naming_the_transition() {
    let net = load(
        "types:\n  Slot: { range: [1, 3] }\nplaces:\n  at: { type: Slot, init: [\"3\"] }\ntransitions:\n  advance:\n    in: { at: [i] }\n    out: { at: [\"i + 1\"] }\n",
    );
    let b = &bindings(&net, &net.initial)[0];
    let err = fire(&net, &net.initial, b).expect_err("4 is not a Slot");
    // Placed at the output arc's item (line 8, after the quote).
    assert_eq!(
        err,
        EvalError::At {
            pos: Pos { line: 8, col: 18 },
            error: Box::new(EvalError::OutOfType {
                transition: "advance".into(),
                place: "at".into(),
                value: "4".into(),
                ty: "Slot".into(),
            }),
        }
    );
    assert_eq!(err.site(), Some(Site::Transition("advance")));
    assert!(err.to_string().contains("transition `advance`"));
}

/// Regression: a count overflow did not say which transition caused it.
#[test]
fn a_count_overflow_is_an_error_naming_the_transition_and_place() {
    let net = load(
        "places:\n  full: { type: Unit, init: [\"4294967295'()\"] }\n  go: { type: Unit, init: [\"()\"] }\ntransitions:\n  more:\n    in: { go: [\"()\"] }\n    out: { full: [\"()\"] }\n",
    );
    let b = &bindings(&net, &net.initial)[0];
    let err = fire(&net, &net.initial, b).expect_err("overflows");
    let text = err.to_string();
    assert!(
        matches!(&err, EvalError::InTransition { transition, source }
            if transition == "more" && matches!(**source, EvalError::CountOverflow { .. })),
        "{text}"
    );
    assert!(
        text.contains("transition `more`") && text.contains("place `full`"),
        "{text}"
    );
}

#[test]
fn evaluation_errors_name_the_transition() {
    let net = load(
        "places:\n  p: { type: Int, init: [\"0\"] }\ntransitions:\n  divide:\n    in: { p: [x] }\n    out: { p: [\"10 / x\"] }\n  check:\n    in: { p: [x] }\n    guard: \"10 % x == 0\"\n",
    );
    let b = Binding {
        transition: 0,
        values: vec![Value::Int(0)],
        consumed: vec![(0, Value::Int(0), 1)],
    };
    let err = fire(&net, &net.initial, &b).expect_err("division by zero");
    assert_eq!(err.to_string(), "in transition `divide`: division by zero");
    // The guard of `check` divides by zero while bindings are enumerated.
    let mut out = Vec::new();
    let err = enabled_bindings(&net, &net.initial, &mut out).expect_err("guard fails");
    assert_eq!(err.to_string(), "in transition `check`: division by zero");
}

#[test]
fn firing_a_binding_that_is_not_enabled_is_an_error_not_a_panic() {
    let net = load(MUTEX);
    let stale = Binding {
        transition: 1,
        values: vec![Value::Int(1)],
        consumed: vec![(1, Value::Int(1), 1)],
    };
    let err = fire(&net, &net.initial, &stale).expect_err("critical is empty");
    assert!(err.to_string().contains("in transition `leave`"), "{err}");
}

#[test]
fn successors_pair_each_binding_with_its_marking() {
    let net = load(MUTEX);
    let succ = successors(&net, &net.initial).expect("evaluates");
    assert_eq!(succ.len(), 2);
    for (b, m) in &succ {
        assert_eq!(m, &fire(&net, &net.initial, b).expect("fires"));
        assert_eq!(m.total(), 2, "enter turns two tokens into one");
    }
}

const FAMILY: &str = "params:\n  users: 3\n  strict: false\n  mode: open\ntypes:\n  Mode: { enum: [open, closed] }\n  User: { range: [1, users] }\nplaces:\n  users: { type: User, init: [\"all(User)\"] }\n  flag: { type: Bool, init: [strict] }\n  mode: { type: Mode, init: [mode] }\ntransitions: {}\n";

#[test]
fn parameter_overrides_change_the_net() {
    let net = load(FAMILY);
    assert_eq!(
        net.show_marking(&net.initial),
        "users: {1, 2, 3}\nflag: {false}\nmode: {open}"
    );
    let net = try_load(
        FAMILY,
        &[("users", "5"), ("strict", "true"), ("mode", "closed")],
    )
    .expect("valid overrides");
    assert_eq!(
        net.show_marking(&net.initial),
        "users: {1, 2, 3, 4, 5}\nflag: {true}\nmode: {closed}"
    );
    assert_eq!(
        net.params,
        vec![
            ("users".to_string(), Value::Int(5)),
            ("strict".to_string(), Value::Bool(true)),
            ("mode".to_string(), Value::sym("closed")),
        ]
    );
    // The last override of a name wins.
    let net = try_load(FAMILY, &[("users", "5"), ("users", "2")]).expect("valid");
    assert_eq!(net.initial.total(), 4);
}

#[test]
fn bad_parameter_overrides_are_param_errors() {
    let cases = [
        (
            ("user", "5"),
            "unknown parameter `user` (did you mean `users`?)",
        ),
        (("users", "five"), "`users=five`: `users` takes an integer"),
        (
            ("users", "99999999999999999999"),
            "`users` takes an integer from -9223372036854775808 to 9223372036854775807",
        ),
        (("strict", "yes"), "`strict` takes `true` or `false`"),
        (("mode", "ajar"), "`mode` takes one of: open, closed"),
        (("mode", "3"), "`mode` takes one of: open, closed"),
    ];
    for ((name, value), fragment) in cases {
        let err = try_load(FAMILY, &[(name, value)]).expect_err("bad override");
        assert!(matches!(err.kind(), LoadErrorKind::Param(_)), "{err}");
        assert!(err.to_string().contains(fragment), "{err}");
        assert_eq!(err.line(), None, "an override is not in the file");
    }
    // An override that makes a type empty is reported where the type is.
    let err = try_load(FAMILY, &[("users", "0")]).expect_err("empty range");
    assert_eq!(err.line(), Some(7), "{err}");
}

#[test]
fn simulation_stops_at_the_step_limit_or_a_dead_marking() {
    let net = load(MUTEX);
    let mut steps = Vec::new();
    let outcome = simulate(&net, 10, 7, |i, b, m| {
        steps.push((i, b.show(&net).to_string(), m.total()));
    })
    .expect("runs");
    assert_eq!(outcome.reason, StopReason::StepLimit);
    assert_eq!(outcome.steps, 10);
    assert_eq!(steps.len(), 10);
    assert_eq!(
        steps.iter().map(|s| s.0).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    // enter and leave alternate.
    for (i, name, _) in &steps {
        assert_eq!(name.starts_with("enter"), i % 2 == 1, "{steps:?}");
    }

    let dead = load(
        "places:\n  p: { type: Unit, init: [\"2'()\"] }\ntransitions:\n  eat:\n    in: { p: [\"()\"] }\n",
    );
    let outcome = simulate(&dead, 10, 1, |_, _, _| {}).expect("runs");
    assert_eq!((outcome.reason, outcome.steps), (StopReason::Dead, 2));
    // A run that ends exactly at its limit on a dead marking says it is dead.
    let outcome = simulate(&dead, 2, 1, |_, _, _| {}).expect("runs");
    assert_eq!((outcome.reason, outcome.steps), (StopReason::Dead, 2));
}
