//! The partial-order reduction (stubborn sets) against the full exploration:
//! on random small nets, the reduced run gives the same verdicts, finds every
//! dead marking, stores no more markings, gives the same results with one
//! thread or two, and its traces replay on the unreduced net. A net of
//! independent components shows that it does reduce.

mod support;

use proptest::prelude::*;
use sesphr_engine::check::CheckOptions;
use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::load::LoadedNet;
use support::{load, replay, run_on, traces, verdicts};

const PLACES: usize = 5;

/// One generated transition: input places, output places (each takes or
/// puts one token; output `k` puts the token of input `k % inputs`), and
/// whether it only reads its first input (puts the same token back).
#[derive(Debug, Clone)]
struct Spec {
    inputs: Vec<usize>,
    outputs: Vec<usize>,
    read_first: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(0..PLACES, 1..=2),
        prop::collection::vec(0..PLACES, 0..=2),
        any::<bool>(),
    )
        .prop_map(|(inputs, mut outputs, read_first)| {
            // At most as many tokens out as in (the token read counts as
            // one out): the nets stay finite.
            outputs.truncate(inputs.len() - usize::from(read_first));
            Spec {
                inputs,
                outputs,
                read_first,
            }
        })
}

fn net_text(initial: &[u8], specs: &[Spec], watched: &[usize], limit: u8) -> String {
    let mut text = String::from("name: generated\nplaces:\n");
    for (p, &n) in initial.iter().enumerate() {
        let tokens: Vec<String> = (0..n).map(|i| format!("\"{}\"", i % 2 + 1)).collect();
        text += &format!("  P{p}: {{ type: Int, init: [{}] }}\n", tokens.join(", "));
    }
    text += "transitions:\n";
    for (t, spec) in specs.iter().enumerate() {
        let vars = ["x", "y"];
        let mut ins: Vec<Vec<&str>> = vec![Vec::new(); PLACES];
        for (k, &p) in spec.inputs.iter().enumerate() {
            ins[p].push(vars[k]);
        }
        let mut outs: Vec<Vec<&str>> = vec![Vec::new(); PLACES];
        if spec.read_first {
            outs[spec.inputs[0]].push("x");
        }
        for (k, &p) in spec.outputs.iter().enumerate() {
            outs[p].push(vars[k % spec.inputs.len()]);
        }
        let arcs = |arcs: &[Vec<&str>]| {
            arcs.iter()
                .enumerate()
                .filter(|(_, v)| !v.is_empty())
                .map(|(p, v)| format!("P{p}: [{}]", v.join(", ")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        text += &format!(
            "  t{t}: {{ in: {{ {} }}, out: {{ {} }} }}\n",
            arcs(&ins),
            arcs(&outs)
        );
    }
    let a = watched[0];
    let b = watched[1];
    text += &format!(
        "properties:\n  bounded: {{ invariant: \"count(P{a}) <= {limit}\" }}\n  \
         both: {{ reachable: \"count(P{b}) >= 2 && exists x in P{a}: x == 2\" }}\n  \
         no_deadlock: {{ deadlock-free: true }}\n"
    );
    text
}

proptest! {
    #![proptest_config(support::cases(256))]

    #[test]
    fn reduced_runs_give_the_verdicts_and_dead_markings_of_full_runs(
        initial in prop::collection::vec(0u8..=2, PLACES),
        specs in prop::collection::vec(spec(), 1..=5),
        watched in prop::collection::vec(0..PLACES, 2),
        limit in 0u8..=3,
    ) {
        let text = net_text(&initial, &specs, &watched, limit);
        let net = load(&text);
        let full = run_on(&ColouredSpace::new(&net), 1);
        let reduced = run_on(&ColouredSpace::with_partial_order(&net), 1);
        prop_assert_eq!(verdicts(&reduced), verdicts(&full), "{}", text);
        prop_assert_eq!(reduced.deadlocks, full.deadlocks, "{}", text);
        prop_assert!(reduced.states <= full.states, "{}", text);
        replay(&net, &reduced);
        // The same run, state for state, with two threads.
        let two = run_on(&ColouredSpace::with_partial_order(&net), 2);
        prop_assert_eq!((two.states, two.edges, two.depth), (reduced.states, reduced.edges, reduced.depth));
        prop_assert_eq!(traces(&two), traces(&reduced));
    }
}

/// Three independent token chains, `a -> b -> c`, with `properties`.
fn chains(properties: &str) -> String {
    let mut text = String::from("name: chains\nplaces:\n");
    for r in 0..3 {
        text += &format!(
            "  a{r}: {{ type: Int, init: [\"1\"] }}\n  b{r}: {{ type: Int }}\n  c{r}: {{ type: Int }}\n"
        );
    }
    text += "transitions:\n";
    for r in 0..3 {
        text += &format!(
            "  ab{r}: {{ in: {{ a{r}: [x] }}, out: {{ b{r}: [x] }} }}\n  bc{r}: {{ in: {{ b{r}: [x] }}, out: {{ c{r}: [x] }} }}\n"
        );
    }
    text + "properties:\n" + properties
}

/// Properties on the first chain only.
const FIRST_CHAIN: &str = "  first_chain_ends: { reachable: \"count(c0) == 1\" }\n  never_two: { invariant: \"count(b0) <= 1\" }\n";

/// Three independent token chains and properties on the first: the other two
/// chains' moves are invisible and independent, so most markings are skipped.
/// (On rings instead of chains the cycle proviso expands so many markings in
/// full that nothing is saved.)
#[test]
fn independent_components_are_not_interleaved() {
    let text = chains(FIRST_CHAIN);
    let net = load(&text);
    let full = run_on(&ColouredSpace::new(&net), 1);
    let reduced = run_on(&ColouredSpace::with_partial_order(&net), 1);
    assert_eq!(full.states, 27);
    assert!(reduced.states < 27, "{} states", reduced.states);
    assert_eq!((reduced.deadlocks, full.deadlocks), (1, 1));
    assert_eq!(verdicts(&reduced), verdicts(&full));
    assert_eq!(
        reduced.reduction.as_deref(),
        Some("partial order (stubborn sets of bindings)")
    );
    // The token bounds are left unknown: the reduction skips markings.
    assert_eq!(
        (reduced.max_tokens_in_place, reduced.one_safe),
        (None, None)
    );
    replay(&net, &reduced);
}

/// CTL and LTL properties need every edge: a check with one explores the
/// graph unreduced (and their graph is read from that exploration) instead
/// of exploring it reduced and then building it again in full.
#[test]
fn a_check_with_temporal_properties_explores_every_edge() {
    let options = CheckOptions {
        partial_order: true,
        ..CheckOptions::default()
    };
    let check = |properties: &str| {
        let net = LoadedNet::Coloured(Box::new(load(&chains(properties))));
        net.check(&options).expect("a check")
    };
    let safety = check(FIRST_CHAIN);
    assert!(safety.states < 27, "{} states", safety.states);
    assert_eq!(
        safety.reduction.as_deref(),
        Some("partial order (stubborn sets of bindings)")
    );
    let temporal = check(&format!(
        "{FIRST_CHAIN}  can_end: {{ ctl: \"AG EF count(c0) == 1\" }}\n"
    ));
    assert_eq!((temporal.states, temporal.reduction.as_deref()), (27, None));
    let holds: Vec<Option<bool>> = temporal.properties.iter().map(|p| p.holds).collect();
    assert_eq!(holds, vec![Some(true), Some(true), Some(true)]);
}

/// The example net of the contest's dining philosophers, `n` of them, with
/// deadlock freedom as its only property.
fn philosophers_deadlock_freedom_only(n: usize) -> sesphr_engine::net::model::Net {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../nets/examples/philosophers-mcc.yaml"
    ))
    .expect("the example net");
    let (head, _) = text
        .split_once("properties:")
        .expect("a properties section");
    load(
        &format!("{head}properties:\n  no_deadlock: {{ deadlock-free: true }}\n")
            .replace("n: 10", &format!("n: {n}")),
    )
}

/// The contest's dining philosophers (five of them) with deadlock freedom
/// only: no binding is visible, and one philosopher's steps are independent
/// of those of philosophers who share no fork with it. Every transition
/// stands for every philosopher, so only sets of bindings (not of
/// transitions) can skip markings; both dead markings are still found.
#[test]
fn independent_bindings_of_one_transition_are_not_interleaved() {
    let net = philosophers_deadlock_freedom_only(5);
    let full = run_on(&ColouredSpace::new(&net), 1);
    let reduced = run_on(&ColouredSpace::with_partial_order(&net), 1);
    assert_eq!((full.states, full.deadlocks), (243, 2));
    assert_eq!(reduced.deadlocks, 2);
    assert!(reduced.states < 243, "{} states", reduced.states);
    replay(&net, &reduced);
    let two = run_on(&ColouredSpace::with_partial_order(&net), 2);
    assert_eq!(
        (two.states, two.edges, two.depth),
        (reduced.states, reduced.edges, reduced.depth)
    );
}

/// Four counters that every step reads a shared clock to move, and a tick
/// of the clock that no property reads: the tick's stubborn set always
/// reaches a visible step, so the sets leave nothing out. After its trial
/// the reduction is given up, and the run is the unreduced one, state for
/// state and edge for edge, with its token bounds, whatever the threads.
#[test]
fn a_reduction_that_leaves_nothing_out_is_given_up() {
    let mut text = String::from(
        "name: shared-clock\ntypes:\n  Level: { range: [0, 5] }\n  Hour: { range: [0, 7] }\n\
         places:\n  clock: { type: Hour, init: [\"0\"] }\n",
    );
    for c in 1..=4 {
        text += &format!("  c{c}: {{ type: Level, init: [\"0\"] }}\n");
    }
    text += "transitions:\n  tick: { in: { clock: [h] }, out: { clock: [\"(h + 1) % 8\"] } }\n";
    for c in 1..=4 {
        text += &format!(
            "  step{c}:\n    in: {{ clock: [h], c{c}: [x] }}\n    guard: \"x < 5\"\n    \
             out: {{ clock: [h], c{c}: [\"x + 1\"] }}\n"
        );
    }
    text += "properties:\n  one_token_each: { invariant: \"count(c1) + count(c2) + count(c3) + count(c4) == 4\" }\n";
    let net = load(&text);
    let full = run_on(&ColouredSpace::new(&net), 1);
    let reduced = run_on(&ColouredSpace::with_partial_order(&net), 1);
    assert_eq!(full.states, 6 * 6 * 6 * 6 * 8);
    let reduction = reduced.reduction.as_deref().unwrap_or_default();
    assert!(
        reduction.starts_with("partial order (stubborn sets of bindings), given up after "),
        "{reduction}"
    );
    assert!(reduction.contains("they left out 0 of "), "{reduction}");
    assert_eq!(
        (
            reduced.states,
            reduced.edges,
            reduced.depth,
            reduced.deadlocks
        ),
        (full.states, full.edges, full.depth, full.deadlocks)
    );
    assert_eq!(
        (reduced.max_tokens_in_place, reduced.max_tokens_per_marking),
        (Some(1), Some(5)),
        "no marking was skipped, so the bounds are known"
    );
    assert_eq!(verdicts(&reduced), verdicts(&full));
    let two = run_on(&ColouredSpace::with_partial_order(&net), 2);
    assert_eq!(
        (two.states, two.edges, two.reduction),
        (reduced.states, reduced.edges, reduced.reduction)
    );
}

/// The ten philosophers with deadlock freedom only: well past the trial,
/// the stubborn sets leave out many bindings, so the reduction is kept.
#[test]
fn a_reduction_that_leaves_bindings_out_is_kept_after_its_trial() {
    let net = philosophers_deadlock_freedom_only(10);
    let reduced = run_on(&ColouredSpace::with_partial_order(&net), 2);
    assert!(
        reduced.states > 2 * sesphr_engine::coloured::stubborn_trial::TRIAL_MARKINGS,
        "{} states: past the trial",
        reduced.states
    );
    assert!(reduced.states < 59_049, "{} states", reduced.states);
    assert_eq!(reduced.deadlocks, 2);
    let reduction = reduced.reduction.as_deref().unwrap_or_default();
    assert!(
        reduction.starts_with("partial order (stubborn sets of bindings), kept after "),
        "{reduction}"
    );
}
