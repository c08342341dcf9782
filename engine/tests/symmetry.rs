//! Symmetry reduction against the full exploration: on random small nets with
//! a symmetric type, the reduced run stores exactly one marking per orbit (the
//! orbits counted here by brute force, independently of the engine's
//! canonicalisation), gives the same verdicts, stands for as many markings as
//! the full run finds, and its traces replay on the unreduced net. The loader
//! refuses nets that break a declared symmetry, with the position.

mod support;

use proptest::prelude::*;
use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::{StateSpace, WalkOptions, random_walks};
use sesphr_engine::net::model::Net;
use sesphr_engine::net::value::Value;
use support::{
    Renaming, assert_one_marking_per_orbit, chosen_transitions, full_and_symmetric, load,
    load_error, orbits_by_brute_force, permutations, replay, replay_traces, run_on, trace_lengths,
    traces, verdicts,
};

/// Transitions a generated net may have (at least one is chosen).
const MENU: [&str; 6] = [
    "go: { in: { A: [x] }, out: { B: [x] } }",
    "back: { in: { B: [x] }, out: { A: [x] } }",
    "pair: { in: { A: [x], B: [y] }, guard: \"x != y\", out: { Pair: [\"(x, y)\"] } }",
    "unpair: { in: { Pair: [\"(x, y)\"] }, out: { A: [y], B: [x] } }",
    "same: { in: { A: [x], B: [y] }, guard: \"x == y\", out: { Pair: [\"(x, x)\"] } }",
    "spend: { in: { A: [x], Budget: [b] }, guard: \"b > 0\", out: { A: [x], C: [x], Budget: [\"b - 1\"] } }",
];

fn net_text(range: bool, n: usize, b_full: bool, menu: u8, budget: u8) -> String {
    let ty = if range {
        format!("{{ range: [1, {n}], symmetric: true }}")
    } else {
        let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        format!("{{ enum: [{}], symmetric: true }}", names.join(", "))
    };
    format!(
        "name: generated\ntypes:\n  S: {ty}\n  SS: {{ tuple: [S, S] }}\nplaces:\n  A: {{ type: S, init: [\"all(S)\"] }}\n  B: {{ type: S{} }}\n  C: {{ type: S }}\n  Pair: {{ type: SS }}\n  Budget: {{ type: Int, init: [\"{budget}\"] }}\ntransitions:\n  {}\nproperties:\n  at_most_one_pair: {{ invariant: \"count(Pair) <= 1\" }}\n  one_partner_each: {{ invariant: \"forall (x, y) in Pair: forall (u, v) in Pair: u == x => v == y\" }}\n  shared: {{ reachable: \"exists x in A: x in B\" }}\n  no_deadlock: {{ deadlock-free: true }}\n",
        if b_full { ", init: [\"all(S)\"]" } else { "" },
        chosen_transitions(&MENU, menu)
    )
}

fn rename(value: &Value, from: &[Value], to: &[Value]) -> Value {
    match value {
        Value::Tuple(items) => Value::tuple(items.iter().map(|v| rename(v, from, to))),
        v => from
            .iter()
            .position(|f| f == v)
            .map_or_else(|| v.clone(), |i| to[i].clone()),
    }
}

/// The number of orbits of the full space's markings, by brute force: each
/// marking's least image under every permutation of the symmetric constants.
fn orbits(net: &Net) -> usize {
    let constants: Vec<Value> = net.symmetric[0]
        .ty
        .constants
        .iter()
        .map(|c| Value::sym(c))
        .collect();
    let perms = permutations(&constants);
    let renamings: Vec<Renaming<'_>> = (perms.iter())
        .map(|perm| Box::new(|v: &Value| rename(v, &constants, perm)) as Renaming<'_>)
        .collect();
    orbits_by_brute_force(net, &renamings)
}

proptest! {
    #![proptest_config(support::cases(48))]

    #[test]
    fn reduced_runs_store_one_marking_per_orbit_with_the_same_verdicts(
        range in any::<bool>(),
        n in 2usize..=3,
        b_full in any::<bool>(),
        menu in 1u8..64,
        budget in 0u8..3,
    ) {
        let text = net_text(range, n, b_full, menu, budget);
        let net = load(&text);
        assert_one_marking_per_orbit(&net, &text, orbits(&net));
    }
}

proptest! {
    #![proptest_config(support::cases(48))]

    /// Stubborn sets of bindings computed in the stored representatives,
    /// with successors replaced by their representatives: the verdicts of
    /// the full run, every dead orbit of the symmetry-only run, no more
    /// markings than orbits, the same run with one thread or two, and
    /// traces that replay on the unreduced net.
    #[test]
    fn stubborn_sets_combined_with_the_symmetry_keep_verdicts_and_dead_orbits(
        range in any::<bool>(),
        n in 2usize..=3,
        b_full in any::<bool>(),
        menu in 1u8..64,
        budget in 0u8..3,
        watch_c in any::<bool>(),
    ) {
        let mut text = net_text(range, n, b_full, menu, budget);
        if watch_c {
            // A goal that `go` and `back` cannot change: more invisible bindings.
            text = text.replace("exists x in A: x in B", "count(C) >= 2");
        }
        let net = load(&text);
        let (full, symmetry) = full_and_symmetric(&net);
        let combined = ColouredSpace::with_reductions(&net).expect("a small group");
        let reduced = run_on(&combined, 1);
        prop_assert_eq!(verdicts(&reduced), verdicts(&full), "{}", text);
        prop_assert_eq!(reduced.deadlocks, symmetry.deadlocks, "{}", text);
        prop_assert!(reduced.states <= symmetry.states, "{}", text);
        replay(&net, &reduced);
        let two = run_on(&combined, 2);
        prop_assert_eq!((two.states, two.edges, two.depth), (reduced.states, reduced.edges, reduced.depth));
        prop_assert_eq!(traces(&two), traces(&reduced));
    }
}

proptest! {
    #![proptest_config(support::cases(48))]

    /// Random walks through the representatives are a sound falsifier: every
    /// violation or witness they report is one the full run finds, their
    /// traces are no shorter than its shortest ones and replay on the
    /// unreduced net, and one thread or two give the same report.
    #[test]
    fn random_walks_report_only_what_the_full_run_finds(
        range in any::<bool>(),
        n in 2usize..=3,
        b_full in any::<bool>(),
        menu in 1u8..64,
        budget in 0u8..3,
        seed in any::<u64>(),
    ) {
        let text = net_text(range, n, b_full, menu, budget);
        let net = load(&text);
        let full = run_on(&ColouredSpace::new(&net), 2);
        let symmetric = ColouredSpace::with_symmetry(&net).expect("a small group");
        let options = WalkOptions { walks: 50, max_steps: 30, seed, ..WalkOptions::default() };
        let walk_on = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a pool");
            let mut report = pool.install(|| random_walks(&symmetric, &options)).expect("walks");
            (report.seconds, report.threads) = (0.0, 0);
            report
        };
        let walks = walk_on(1);
        for ((walked, whole), shortest) in
            walks.properties.iter().zip(verdicts(&full)).zip(trace_lengths(&full))
        {
            if walked.holds.is_some() {
                prop_assert_eq!(walked.holds, whole, "{}: {}", walked.name, text);
                let length = walked.trace.as_ref().map(|t| t.steps.len());
                prop_assert!(length >= shortest, "{}: {}", walked.name, text);
            }
        }
        replay_traces(&net, &walks.properties);
        prop_assert_eq!(walk_on(2), walks);
    }
}

const HEAD: &str = "types:\n  S: { enum: [a, b], symmetric: true }\n  R: { range: [1, 3], symmetric: true }\nplaces:\n  P: { type: S, init: [\"all(S)\"] }\n  Q: { type: R, init: [\"all(R)\"] }\n";

#[test]
fn nets_that_break_a_declared_symmetry_are_refused_with_the_position() {
    for (body, expected) in [
        (
            "transitions:\n  t: { in: { P: [x] }, guard: \"x == a\", out: { P: [x] } }\n",
            ("bad.yaml:8:", "`a` is a constant of the symmetric type S"),
        ),
        (
            "transitions:\n  t: { in: { Q: [x] }, out: { Q: [\"x + 1\"] } }\n",
            ("bad.yaml:8:", "expected an integer, found R"),
        ),
        (
            "transitions:\n  t: { in: { Q: [x, y] }, guard: \"x < y\", out: { Q: [x, y] } }\n",
            ("bad.yaml:8:", "found R"),
        ),
        (
            "properties:\n  p: { invariant: \"!(b in P)\" }\ntransitions:\n  t: { in: { P: [x] }, out: { P: [x] } }\n",
            ("bad.yaml:8:", "`b` is a constant of the symmetric type S"),
        ),
        (
            "transitions:\n  t: { in: { Q: [x] }, out: { Q: [\"2\"] } }\n",
            ("bad.yaml:8:", "R"),
        ),
    ] {
        let message = load_error(&format!("{HEAD}{body}"));
        assert!(
            message.contains(expected.0) && message.contains(expected.1),
            "{body}: {message}"
        );
    }
    let rest =
        "places:\n  P: { type: S }\ntransitions:\n  t: { in: { P: [x] }, out: { P: [x] } }\n";
    let tuple = format!(
        "types:\n  S: {{ enum: [a, b] }}\n  T: {{ tuple: [S, S], symmetric: true }}\n{rest}"
    );
    let message = load_error(&tuple);
    assert!(
        message.contains("bad.yaml:3:") && message.contains("only an enumeration or a range"),
        "{message}"
    );
    let overlap = format!(
        "types:\n  S: {{ range: [1, 3], symmetric: true }}\n  Q: {{ range: [3, 4], symmetric: true }}\n{rest}"
    );
    assert!(load_error(&overlap).contains("overlap"));
}

#[test]
fn a_symmetric_range_prints_its_numerals_and_orbits_shrink_the_space() {
    let net = load(&net_text(true, 3, false, 0b000011, 0));
    let (full, reduced) = full_and_symmetric(&net);
    // Each of 3 tokens in A or B: 8 markings; orbits by how many are in B: 4.
    assert_eq!((full.states, reduced.states), (8, 4));
    assert_eq!(reduced.represented_states, Some(8));
    assert!(
        reduced
            .reduction
            .as_deref()
            .is_some_and(|r| r.contains("6 permutations"))
    );
    let space = ColouredSpace::new(&net);
    let initial = space.initial().expect("initial");
    assert_eq!(space.describe_state(&initial), "A: {1, 2, 3}; Budget: {0}");
}
