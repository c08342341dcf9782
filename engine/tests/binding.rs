//! Binding enumeration: which bindings enable a transition, found place by
//! place (prefix look-ups, exact look-ups, early guard conjuncts).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sesphr_engine::coloured::fire::{Binding, enabled_bindings, transition_bindings};
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::{FunctionLibrary, FunctionTable, NoFunctions};
use sesphr_engine::net::model::{Matcher, Net};
use sesphr_engine::net::value::Value;

fn load_with(text: &str, overrides: &[(&str, &str)], library: &dyn FunctionLibrary) -> Net {
    let overrides: Vec<(String, String)> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    load_net_str(&Source::new("test.yaml", text), &overrides, library)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn load(text: &str) -> Net {
    load_with(text, &[], &NoFunctions)
}

/// The enabled bindings of the net's initial marking, shown with names.
fn shown(net: &Net) -> Vec<String> {
    let mut out = Vec::new();
    enabled_bindings(net, &net.initial, &mut out).expect("evaluates");
    out.iter().map(|b| b.show(net).to_string()).collect()
}

#[test]
fn a_variable_repeated_in_a_pattern_matches_equal_components() {
    let net = load(
        "types:\n  Pair: { tuple: [Int, Int] }\nplaces:\n  p: { type: Pair, init: [\"(1, 1)\", \"(1, 2)\", \"(2, 2)\", \"(3, 1)\"] }\ntransitions:\n  same:\n    in: { p: [\"(x, x)\"] }\n",
    );
    assert_eq!(shown(&net), ["same (x=1)", "same (x=2)"]);
}

#[test]
fn a_variable_shared_by_two_places_joins_them() {
    let net = load(
        "places:\n  a: { type: Int, init: [\"1\", \"2\", \"3\"] }\n  b: { type: Int, init: [\"2\", \"3\", \"4\"] }\ntransitions:\n  both:\n    in: { a: [x], b: [x] }\n",
    );
    assert_eq!(shown(&net), ["both (x=2)", "both (x=3)"]);
    // The second `x` is known when `b` is reached: it is looked up, not scanned.
    assert!(matches!(
        net.transitions[0].inputs[1].matcher,
        Matcher::Exact(_)
    ));
}

#[test]
fn a_multiplicity_needs_that_many_copies() {
    let net = load(
        "places:\n  p: { type: Int, init: [\"1\", \"2'2\", \"3'3\"] }\ntransitions:\n  pair:\n    in: { p: [\"2'x\"] }\n",
    );
    assert_eq!(shown(&net), ["pair (x=2)", "pair (x=3)"]);
    let mut bindings = Vec::new();
    enabled_bindings(&net, &net.initial, &mut bindings).expect("evaluates");
    assert_eq!(bindings[0].consumed, vec![(0, Value::Int(2), 2)]);
}

#[test]
fn two_items_taking_the_same_value_need_two_tokens() {
    let net = load(
        "places:\n  p: { type: Int, init: [\"1\", \"2'2\"] }\ntransitions:\n  two:\n    in: { p: [x, y] }\n  twice:\n    in: { p: [x, x] }\n",
    );
    assert_eq!(
        shown(&net),
        [
            "two (x=1, y=2)",
            "two (x=2, y=1)",
            "two (x=2, y=2)",
            "twice (x=2)"
        ]
    );
}

#[test]
fn a_constant_multiplicity_on_an_exact_item_counts_earlier_items() {
    // `x` takes one copy, then `2'x` needs two more: three in all.
    let net = load(
        "places:\n  p: { type: Int, init: [\"2'1\", \"3'2\"] }\ntransitions:\n  three:\n    in: { p: [x, \"2'x\"] }\n",
    );
    assert_eq!(shown(&net), ["three (x=2)"]);
}

#[test]
fn tuple_patterns_with_known_leading_components_use_a_prefix_look_up() {
    let net = load(
        "types:\n  User: { enum: [alice, bob, carol] }\n  Rec: { tuple: [User, Int] }\nplaces:\n  asking: { type: User, init: [bob] }\n  records: { type: Rec, init: [\"(alice, 1)\", \"(bob, 2)\", \"(bob, 3)\", \"(carol, 4)\"] }\ntransitions:\n  read:\n    in: { asking: [u], records: [\"(u, v)\"] }\n    out: { asking: [u], records: [\"(u, v)\"] }\n",
    );
    let Matcher::Scan { prefix, .. } = &net.transitions[0].inputs[1].matcher else {
        panic!("`(u, v)` binds `v`: it is a scan");
    };
    assert_eq!(*prefix, 1, "`u` is known before `records` is scanned");
    assert_eq!(shown(&net), ["read (u=bob, v=2)", "read (u=bob, v=3)"]);
}

#[test]
fn constants_in_tuple_patterns_select_tokens() {
    let net = load(
        "types:\n  Kind: { enum: [medical, billing] }\n  Doc: { tuple: [Kind, Int, Bool] }\nplaces:\n  docs: { type: Doc, init: [\"(medical, 1, true)\", \"(billing, 2, true)\", \"(medical, 3, false)\"] }\ntransitions:\n  open:\n    in: { docs: [\"(medical, n, _)\"] }\n",
    );
    assert_eq!(shown(&net), ["open (n=1)", "open (n=3)"]);
}

#[test]
fn exact_items_compute_their_token_from_bound_variables() {
    let net = load(
        "params:\n  n: 5\ntypes:\n  Phil: { range: [1, n] }\nplaces:\n  thinking: { type: Phil, init: [\"all(Phil)\"] }\n  forks: { type: Phil, init: [\"1\", \"2\", \"4\", \"5\"] }\ntransitions:\n  eat:\n    in: { thinking: [p], forks: [p, \"p % n + 1\"] }\n",
    );
    // Fork 3 is missing: philosophers 2 and 3 cannot eat.
    assert_eq!(shown(&net), ["eat (p=1)", "eat (p=4)", "eat (p=5)"]);
    assert!(matches!(
        net.transitions[0].inputs[2].matcher,
        Matcher::Exact(_)
    ));
}

#[test]
fn guard_conjuncts_filter_bindings() {
    let net = load(
        "places:\n  a: { type: Int, init: [\"1\", \"2\", \"3\"] }\n  b: { type: Int, init: [\"1\", \"2\", \"3\"] }\ntransitions:\n  lt:\n    in: { a: [x], b: [y] }\n    guard: \"x > 1 && y > x\"\n",
    );
    assert_eq!(shown(&net), ["lt (x=2, y=3)"]);
    let after: Vec<usize> = net.transitions[0].guards.iter().map(|g| g.after).collect();
    assert_eq!(after, [1, 2], "`x > 1` right after `a`, `y > x` after `b`");
}

/// A conjunct over `x` alone is tested before `b` is scanned: a counting
/// function in it is called once per token of `a`, not once per pair.
#[test]
fn guard_conjuncts_are_tested_as_soon_as_their_variables_are_bound() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let library = FunctionTable::new().bind("small", move |args: &[Value]| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(Value::Bool(args[0].as_int().is_some_and(|i| i < 3)))
    });
    let net = load_with(
        "functions:\n  small: { args: [Int], returns: Bool }\nplaces:\n  a: { type: Int, init: [\"1\", \"2\", \"3\", \"4\"] }\n  b: { type: Int, init: [\"all(Slot)\"] }\ntypes:\n  Slot: { range: [1, 50] }\ntransitions:\n  t:\n    in: { a: [x], b: [y] }\n    guard: \"y == 50 && small(x)\"\n",
        &[],
        &library,
    );
    let mut bindings = Vec::new();
    transition_bindings(&net, 0, &net.initial, &mut bindings).expect("evaluates");
    let values: Vec<Vec<Value>> = bindings.into_iter().map(|b: Binding| b.values).collect();
    assert_eq!(
        values,
        [
            vec![Value::Int(1), Value::Int(50)],
            vec![Value::Int(2), Value::Int(50)]
        ]
    );
    assert_eq!(calls.load(Ordering::SeqCst), 4, "once per token of `a`");
}

#[test]
fn no_binding_without_tokens_and_unit_arcs_count_black_tokens() {
    let net = load(
        "places:\n  lock: { type: Unit, init: [\"()\"] }\n  idle: { type: Int }\ntransitions:\n  grab:\n    in: { lock: [\"()\"] }\n  wait:\n    in: { idle: [x] }\n  pair:\n    in: { lock: [\"2'()\"] }\n",
    );
    assert_eq!(shown(&net), ["grab"]);
}

#[test]
fn bindings_come_in_a_deterministic_order() {
    let text = "types:\n  P: { range: [1, 4] }\nplaces:\n  p: { type: P, init: [\"all(P)\"] }\n  q: { type: P, init: [\"all(P)\"] }\ntransitions:\n  t:\n    in: { p: [x], q: [y] }\n    guard: \"x != y\"\n";
    let first = shown(&load(text));
    assert_eq!(first.len(), 12);
    assert_eq!(first, shown(&load(text)));
    assert_eq!(first[0], "t (x=1, y=2)");
}

/// Regression: `in: { p: [_, _] }` found each pair of tokens twice (once per
/// order), so the token game listed the same firing twice and simulation
/// favoured it.
#[test]
fn wildcards_taking_the_same_tokens_in_another_order_give_one_binding() {
    let net = load(
        "types:\n  Pair: { tuple: [Int, Int] }\nplaces:\n  p: { type: Int, init: [\"1\", \"2\", \"2'3\"] }\n  q: { type: Pair, init: [\"(1, 1)\", \"(1, 2)\"] }\ntransitions:\n  two:\n    in: { p: [_, _] }\n  pairs:\n    in: { q: [\"(x, _)\", \"(x, _)\"] }\n  one:\n    in: { p: [_] }\n",
    );
    let mut bindings = Vec::new();
    enabled_bindings(&net, &net.initial, &mut bindings).expect("evaluates");
    let taken = |t: usize| -> Vec<Vec<(usize, Value, u32)>> {
        bindings
            .iter()
            .filter(|b| b.transition == t)
            .map(|b| b.consumed.clone())
            .collect()
    };
    let int = Value::Int;
    // {1,2}, {1,3}, {2,3}, {3,3}: each once.
    assert_eq!(
        taken(0),
        [
            vec![(0, int(1), 1), (0, int(2), 1)],
            vec![(0, int(1), 1), (0, int(3), 1)],
            vec![(0, int(2), 1), (0, int(3), 1)],
            vec![(0, int(3), 2)],
        ]
    );
    let pair = |a, b| Value::tuple([int(a), int(b)]);
    assert_eq!(taken(1), [vec![(1, pair(1, 1), 1), (1, pair(1, 2), 1)]]);
    // One wildcard item: one binding per token value, as before.
    assert_eq!(taken(2).len(), 3);
    // Every listed binding fires to a different marking.
    let mut next: Vec<_> = bindings
        .iter()
        .map(|b| sesphr_engine::coloured::fire::fire(&net, &net.initial, b).expect("fires"))
        .collect();
    let n = next.len();
    next.sort();
    next.dedup();
    assert_eq!(next.len(), n);
}
