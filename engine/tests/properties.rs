//! Properties are compiled with correct scoping of quantifier variables.

use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::marking::Marking;
use sesphr_engine::net::model::{Net, PropertyKind};
use sesphr_engine::net::value::Value;

fn net(a: &[i64], properties: &str) -> Net {
    let init: Vec<String> = a.iter().map(|v| format!("\"{v}\"")).collect();
    let text = format!(
        "places:\n  a: {{ type: Int, init: [{}] }}\n  b: {{ type: Int, init: [\"3\"] }}\ntransitions: {{}}\nproperties:\n{properties}",
        init.join(", ")
    );
    load_net_str(&Source::new("props.yaml", text), &[], &NoFunctions)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Whether each invariant holds in the initial marking.
fn verdicts(net: &Net) -> Vec<bool> {
    let marking: &Marking = &net.initial;
    net.properties
        .iter()
        .map(|p| {
            let PropertyKind::Invariant(code) = &p.kind else {
                panic!("invariants only");
            };
            let mut slots = vec![Value::Bool(false); p.slots];
            code.holds(&mut sesphr_engine::net::code::Env::new(
                &mut slots,
                Some(marking),
            ))
            .expect("evaluates")
        })
        .collect()
}

/// Regression: after an inner quantifier that shadowed `p`, the outer `p`
/// was "unknown" for the rest of the body.
#[test]
fn a_shadowed_variable_is_visible_again_after_the_inner_quantifier() {
    let props = "  shadow: { invariant: \"forall p in a: (exists p in b: p > 2) && p < 3\" }\n  nested: { invariant: \"forall p in a: exists q in b: q > p\" }\n  siblings: { invariant: \"(forall p in a: p > 0) && (exists p in b: p == 3)\" }\n";
    assert_eq!(verdicts(&net(&[1, 2], props)), [true, true, true]);
    // 5 breaks `p < 3` (the outer p) and `q > p`, not the inner `p > 2`.
    assert_eq!(verdicts(&net(&[1, 5], props)), [false, false, true]);
}

#[test]
fn quantifier_variables_go_out_of_scope() {
    let text = "places:\n  a: { type: Int }\ntransitions: {}\nproperties:\n  p: { invariant: \"(forall x in a: x > 0) && x > 0\" }\n";
    let err = load_net_str(&Source::new("props.yaml", text), &[], &NoFunctions)
        .expect_err("x is out of scope");
    assert!(err.to_string().contains("unknown name `x`"), "{err}");
}

/// A place named where a value is expected is refused with how a formula
/// reads a place's tokens.
#[test]
fn a_place_named_as_a_value_is_refused_with_how_to_read_it() {
    let text = "places:\n  paid: { type: Bool, init: [\"false\"] }\ntransitions: {}\nproperties:\n  p: { ltl: \"F paid == true\" }\n";
    let err = load_net_str(&Source::new("props.yaml", text), &[], &NoFunctions)
        .expect_err("a place is no value");
    let message = err.to_string();
    assert!(
        message.contains(
            "unknown name `paid` (`paid` is a place: a formula reads its tokens with `count(paid)`"
        ),
        "{message}"
    );
    assert_eq!(err.line(), Some(5));
}

/// `sum(e for pattern in P)` adds `e` once per copy of each token the
/// pattern matches; its variables are its own, as a quantifier's.
#[test]
fn a_sum_adds_each_copy_of_each_matching_token() {
    let props = concat!(
        "  all: { invariant: \"sum(x for x in a) == 9\" }\n",
        "  weighted: { invariant: \"sum(x * x for x in a) == 23\" }\n",
        "  filtered: { invariant: \"sum(1 for 3 in a) == 2\" }\n",
        "  nested: { invariant: \"sum(sum(x * y for y in b) for x in a) == 27\" }\n",
        "  empty: { invariant: \"sum(x for x in a) == 0\" }\n",
        "  shadow: { invariant: \"forall x in b: sum(x for x in a) == 9 && x == 3\" }\n",
    );
    // a = {1, 2, 3, 3}, b = {3}: 1 + 2 + 3 + 3, 1 + 4 + 9 + 9, two 3s, 9 * 3.
    assert_eq!(
        verdicts(&net(&[1, 2, 3, 3], props)),
        [true, true, true, true, false, true]
    );
    assert_eq!(
        verdicts(&net(&[], props)),
        [false, false, false, false, true, false]
    );
}

/// What a sum gets wrong is refused or reported where it is written.
#[test]
fn a_sum_is_refused_or_fails_where_it_is_written() {
    let load = |property: &str| {
        let text = format!(
            "places:\n  a: {{ type: Int, init: [\"4611686018427387904\", \"4611686018427387904\"] }}\ntransitions: {{}}\nproperties:\n  p: {{ invariant: \"{property}\" }}\n"
        );
        load_net_str(&Source::new("sum.yaml", text), &[], &NoFunctions)
    };
    for (property, message, col) in [
        (
            "sum(x > 0 for x in a) == 1",
            "expected an integer, found Bool",
            24,
        ),
        (
            "sum(x) == 1",
            "write `sum(expression for pattern in Place)`",
            20,
        ),
        ("sum(x for x a) == 1", "expected `in`, found `a`", 32),
    ] {
        let err = load(property).expect_err(property).to_string();
        assert!(err.contains(message), "{property}: {err}");
        assert!(err.starts_with(&format!("sum.yaml:5:{col}: ")), "{err}");
    }
    // 2^62 + 2^62 overflows: an error at the `sum`, not a wrapped total.
    let net = load("sum(x for x in a) > 0").expect("loads");
    let PropertyKind::Invariant(code) = &net.properties[0].kind else {
        panic!("an invariant");
    };
    let mut slots = vec![Value::Bool(false); net.properties[0].slots];
    let env = &mut sesphr_engine::net::code::Env::new(&mut slots, Some(&net.initial));
    let err = code.holds(env).expect_err("overflows");
    assert!(err.to_string().contains("overflow"), "{err}");
    let at = net.position_of_failure(&err).expect("a position");
    assert_eq!((at.line, at.col), (5, 20), "{err}");
}

/// A marking violates an invariant or a bound it breaks; no single marking
/// violates a reachability goal.
#[test]
fn a_marking_violates_the_invariants_and_bounds_it_breaks() {
    let props = "  small: { invariant: \"forall x in a: x < 3\" }\n  few: { bound: { place: a, max: 2 } }\n  goal: { reachable: \"5 in a\" }\n";
    let violated = |net: &Net| -> Vec<Option<bool>> {
        (net.properties.iter())
            .map(|p| p.violated_in(&net.initial).expect("evaluates"))
            .collect()
    };
    assert_eq!(
        violated(&net(&[1, 2], props)),
        [Some(false), Some(false), None]
    );
    assert_eq!(
        violated(&net(&[1, 3, 4], props)),
        [Some(true), Some(true), None]
    );
}
