//! Parameters: defaults, overrides, and constants of indexed enumerations.

use sesphr_engine::load::error::LoadErrorKind;
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::value::Value;

const INDEXED: &str = "params:\n  users: 3\n  victim: u2\ntypes:\n  User: { enum: { prefix: u, count: users } }\nplaces:\n  p: { type: User, init: [\"victim\"] }\ntransitions:\n  t: { in: { p: [\"x\"] }, out: { p: [\"x\"] } }\n";

fn params(overrides: &[(&str, &str)]) -> Result<Vec<(String, Value)>, LoadErrorKind> {
    let overrides: Vec<(String, String)> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    load_net_str(
        &Source::new("indexed.yaml", INDEXED),
        &overrides,
        &NoFunctions,
    )
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
    let err = load_net_str(&Source::new("clash.yaml", text), &[], &NoFunctions)
        .expect_err("u1 is both a parameter and a constant");
    assert!(
        matches!(err.kind(), LoadErrorKind::Duplicate { name, .. } if name == "u1"),
        "{err}"
    );
}
