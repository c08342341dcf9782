//! Parameters: defaults, overrides, and constants of indexed enumerations.

use sesphr_engine::load::error::{LoadError, LoadErrorKind};
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::model::{Net, PropertyKind};
use sesphr_engine::net::value::Value;

const INDEXED: &str = "params:\n  users: 3\n  victim: u2\ntypes:\n  User: { enum: { prefix: u, count: users } }\nplaces:\n  p: { type: User, init: [\"victim\"] }\ntransitions:\n  t: { in: { p: [\"x\"] }, out: { p: [\"x\"] } }\n";

/// Loads `text` (named `name`) with these parameter overrides.
fn load(name: &str, text: &str, overrides: &[(&str, &str)]) -> Result<Net, LoadError> {
    let overrides: Vec<(String, String)> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    load_net_str(&Source::new(name, text), &overrides, &NoFunctions)
}

fn params(overrides: &[(&str, &str)]) -> Result<Vec<(String, Value)>, LoadErrorKind> {
    load("indexed.yaml", INDEXED, overrides)
        .map(|net| net.params)
        .map_err(|e| e.kind().clone())
}

/// Regression: a parameter whose default is a constant of an indexed
/// enumeration was reported as unknown (parameters were resolved before types).
#[test]
fn a_parameter_may_name_a_constant_of_an_indexed_enumeration() {
    assert_eq!(
        params(&[]),
        Ok(vec![
            ("users".into(), Value::Int(3)),
            ("victim".into(), Value::sym("u2"))
        ])
    );
    assert_eq!(
        params(&[("victim", "u3")]).map(|p| p[1].1.clone()),
        Ok(Value::sym("u3"))
    );
}

#[test]
fn an_override_outside_the_enumeration_lists_the_constants() {
    let err = params(&[("users", "2"), ("victim", "u3")]).expect_err("u3 no longer exists");
    assert_eq!(
        err,
        LoadErrorKind::Param("`victim=u3`: `victim` takes one of: u1, u2".into())
    );
}

#[test]
fn a_parameter_may_not_share_a_name_with_an_indexed_constant() {
    let text = INDEXED.replace("victim: u2", "u1: 5");
    let err = load("clash.yaml", &text, &[]).expect_err("u1 is both a parameter and a constant");
    assert!(
        matches!(err.kind(), LoadErrorKind::Duplicate { name, .. } if name == "u1"),
        "{err}"
    );
}

const DECIDED: &str = "params:\n  colludes: false\n  limit: 2\ntypes:\n  User: { enum: [a, b] }\nplaces:\n  p: { type: User, init: [\"a\"] }\n  q: { type: Int, init: [\"0\"] }\ntransitions:\n  t:\n    in: { p: [\"x\"], q: [\"n\"] }\n    guard: \"n < limit + 1 && (colludes || true)\"\n    out: { p: [\"x\"], q: [\"n + 1\"] }\nproperties:\n  bounded: { invariant: \"!colludes || forall n in q: n <= limit\" }\n  counted: { invariant: \"colludes || forall n in q: n <= limit + 1\" }\n";

fn decided(overrides: &[(&str, &str)]) -> Net {
    load("decided.yaml", DECIDED, overrides).expect("the net loads")
}

/// What parameters and literals decide is computed at load: a property a
/// parameter settles is its answer, and a guard keeps only what a binding
/// can change.
#[test]
fn what_a_parameter_decides_is_computed_at_load() {
    use sesphr_engine::net::code::Code;
    let invariant = |net: &Net, i: usize| match &net.properties[i].kind {
        PropertyKind::Invariant(code) => code.clone(),
        _ => panic!("an invariant"),
    };
    let net = decided(&[]);
    assert!(matches!(invariant(&net, 0), Code::Const(Value::Bool(true))));
    assert!(matches!(invariant(&net, 1), Code::Quantifier { .. }));
    // `n < limit + 1` (the sum computed) and nothing of `colludes || true`.
    assert_eq!(net.transitions[0].guards.len(), 1);
    let net = decided(&[("colludes", "true")]);
    assert!(matches!(invariant(&net, 0), Code::Quantifier { .. }));
    assert!(matches!(invariant(&net, 1), Code::Const(Value::Bool(true))));
}

/// A net whose `users` may be given 1 to 4, and `spare` any value from 0.
const BOUNDED: &str = "params:\n  users: { default: 2, min: 1, max: 4 }\n  spare: { default: 0, min: 0 }\ntypes:\n  User: { range: [1, users] }\nplaces:\n  p: { type: User, init: [\"1\"] }\ntransitions: {}\n";

#[test]
fn overrides_within_declared_bounds_are_taken_and_others_refused_at_the_declaration() {
    let users = |overrides: &[(&str, &str)]| {
        load("bounded.yaml", BOUNDED, overrides).map(|net| net.params[0].1.clone())
    };
    assert_eq!(users(&[]).ok(), Some(Value::Int(2)));
    for edge in ["1", "4"] {
        assert_eq!(
            users(&[("users", edge)]).ok(),
            Some(Value::Int(edge.parse().unwrap()))
        );
    }
    for outside in ["0", "5", "-3"] {
        let err = users(&[("users", outside)]).expect_err("outside the bounds");
        assert_eq!(err.line(), Some(2), "{err}");
        assert!(
            err.to_string().contains(&format!(
                "the override `users={outside}`: `users` must be between 1 and 4"
            )),
            "{err}"
        );
    }
    let spare =
        load("bounded.yaml", BOUNDED, &[("spare", "1000000")]).map(|n| n.params[1].1.clone());
    assert_eq!(spare.ok(), Some(Value::Int(1_000_000)));
    let err = load("bounded.yaml", BOUNDED, &[("spare", "-1")]).expect_err("below 0");
    assert!(
        err.to_string().contains("`spare` must be at least 0"),
        "{err}"
    );
}

/// A net whose `first` may start a window of `width` ranks inside 1..5.
const WINDOW: &str = "params:\n  width: { default: 2, min: 1, max: 5 }\n  first: { default: 1, min: 1, max: 6 - width }\nplaces:\n  p: { type: Int, init: [\"first\"] }\ntransitions: {}\n";

#[test]
fn a_bound_may_be_an_expression_over_the_parameters_before_it() {
    let first = |overrides: &[(&str, &str)]| {
        load("window.yaml", WINDOW, overrides)
            .map(|net| (net.params[1].1.clone(), net.param_bounds))
    };
    let (value, bounds) = first(&[("first", "4")]).expect("4 + 2 - 1 is within 5");
    assert_eq!(value, Value::Int(4));
    assert_eq!(
        bounds,
        vec![
            ("width".to_string(), Some(1), Some(5)),
            ("first".to_string(), Some(1), Some(4)),
        ]
    );
    let err = first(&[("first", "5")]).expect_err("5 + 2 - 1 is past 5");
    assert_eq!(
        (
            err.line(),
            err.to_string().contains("between 1 and 4 (`6 - width`)")
        ),
        (Some(3), true),
        "{err}"
    );
    // The bound follows an overridden parameter before it.
    let err = first(&[("width", "5"), ("first", "2")]).expect_err("one window only");
    assert!(
        err.to_string().contains("`first` must be 1 (`6 - width`)"),
        "{err}"
    );
    assert!(first(&[("width", "5")]).is_ok());
}
