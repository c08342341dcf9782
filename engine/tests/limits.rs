//! Regression tests for inputs that used to exhaust the stack or the memory
//! of the loader: each must now load (at the limit) or be a typed error.

use sesphr_engine::coloured::fire::{enabled_bindings, fire};
use sesphr_engine::load::error::{LoadError, LoadErrorKind};
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::model::Net;

fn load(text: &str) -> Result<Net, LoadError> {
    load_net_str(&Source::new("limits.yaml", text), &[], &NoFunctions)
}

fn net_with_guard(guard: &str) -> String {
    format!(
        "places:\n  p: {{ type: Int, init: [\"1\"] }}\ntransitions:\n  t:\n    in: {{ p: [\"x\"] }}\n    guard: \"{guard}\"\n    out: {{ p: [\"x\"] }}\n"
    )
}

/// A guard as deep as the parser allows compiles, evaluates and is dropped
/// on a stack the size of a main thread's (8 MiB), even without optimisation.
#[test]
fn guard_at_the_depth_limit_compiles_and_fires() {
    let run = || {
        // `x * 0 + x * 0 + ...`: a left-deep tree of 255 levels under `==`.
        let sum = vec!["x * 0"; 253].join(" + ");
        let net = load(&net_with_guard(&format!("{sum} == 0"))).expect("loads");
        let mut bindings = Vec::new();
        enabled_bindings(&net, &net.initial, &mut bindings).expect("evaluates");
        assert_eq!(bindings.len(), 1);
        let next = fire(&net, &net.initial, &bindings[0]).expect("fires");
        assert_eq!(next, net.initial);
    };
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(run)
        .expect("spawns")
        .join()
        .expect("no panic");
}

/// Regression: a 100 000-term guard overflowed the stack of `sesphr validate`.
#[test]
fn guard_beyond_the_depth_limit_is_an_expression_error() {
    let sum = vec!["x"; 100_000].join(" + ");
    let err = load(&net_with_guard(&format!("{sum} > 0"))).expect_err("too deep");
    assert!(matches!(err.kind(), LoadErrorKind::Expression(m) if m.contains("nested too deeply")));
    assert_eq!(err.line(), Some(6));
}

/// Regression: `T0: {tuple: [T1, T1]}, T1: {tuple: [T2, T2]}, ...` built a type
/// of 2^40 components and never finished loading.
#[test]
fn exponentially_large_tuple_types_are_refused() {
    let mut text = String::from("types:\n");
    for i in 0..40 {
        text.push_str(&format!("  T{i}: {{ tuple: [T{}, T{}] }}\n", i + 1, i + 1));
    }
    text.push_str("  T40: Bool\nplaces:\n  p: { type: T0 }\ntransitions: {}\n");
    let err = load(&text).expect_err("too large");
    assert!(
        matches!(err.kind(), LoadErrorKind::Type(m) if m.contains("components")),
        "{err}"
    );
}

/// Regression: a long chain of type aliases recursed once per alias.
#[test]
fn long_alias_chains_are_refused() {
    let mut text = String::from("types:\n");
    for i in 0..5_000 {
        text.push_str(&format!("  T{i}: T{}\n", i + 1));
    }
    text.push_str("  T5000: Bool\nplaces:\n  p: { type: T0 }\ntransitions: {}\n");
    let err = load(&text).expect_err("too deep");
    assert!(
        matches!(err.kind(), LoadErrorKind::Type(m) if m.contains("nested more than")),
        "{err}"
    );
    // A chain of a few aliases is fine.
    let short = "types:\n  A: B\n  B: C\n  C: Bool\nplaces:\n  p: { type: A, init: [\"true\"] }\ntransitions: {}\n";
    assert_eq!(load(short).expect("loads").initial.total(), 1);
}
