//! A coloured net explored through its unfolding ([`Unfold::Auto`]) gives
//! the coloured engine's report: on random small coloured nets, the same
//! states, edges, depth, deadlocks, token bounds, verdicts, counterexamples
//! (step by step, with their markings) and explanations, whatever the thread
//! count; only the timings and the size of the unfolding differ.

mod support;

use proptest::prelude::*;
use sesphr_engine::check::{CheckOptions, StandardProperty, Unfold};
use sesphr_engine::explore::CheckReport;
use sesphr_engine::load::LoadedNet;
use support::{chosen_transitions, load};

/// Transitions a generated net may have (at least one is chosen).
const MENU: [&str; 8] = [
    "go: { in: { A: [x] }, out: { B: [x] } }",
    "back: { in: { B: [x] }, out: { A: [x] } }",
    "pair: { in: { A: [x], B: [y] }, guard: \"x != y\", out: { Pair: [\"(x, y)\"] } }",
    "unpair: { in: { Pair: [\"(x, y)\"] }, out: { A: [y], B: [x] } }",
    "next: { in: { A: [x] }, out: { A: [\"x % n + 1\"] } }",
    "spend: { in: { C: [x], Budget: [b] }, guard: \"b > 0\", out: { A: [x], Budget: [\"b - 1\"] } }",
    "twice: { in: { B: [\"x\", \"x\"] }, out: { C: [x] } }",
    "drop: { in: { A: [x], B: [y] }, guard: \"x < y\", out: { C: [y] } }",
];

/// A generated net: `a_full` puts every colour in `A`, otherwise only the
/// largest (so the unfolding meets the bindings of `next` out of order).
fn net_text(n: usize, a_full: bool, b_full: bool, menu: u8, budget: u8) -> String {
    let a = if a_full {
        "all(S)".to_string()
    } else {
        n.to_string()
    };
    format!(
        "name: generated\nparams:\n  n: {n}\ntypes:\n  S: {{ range: [1, n] }}\n  SS: {{ tuple: [S, S] }}\nplaces:\n  A: {{ type: S, init: [\"{a}\"] }}\n  B: {{ type: S{} }}\n  C: {{ type: S }}\n  Pair: {{ type: SS }}\n  Budget: {{ type: Int, init: [\"{budget}\"] }}\ntransitions:\n  {}\nproperties:\n  at_most_one_pair: {{ invariant: \"count(Pair) <= 1\" }}\n  one_partner_each: {{ invariant: \"forall (x, y) in Pair: forall (u, v) in Pair: u == x => v == y\" }}\n  c_stays_small: {{ invariant: \"count(C) < 2\" }}\n  shared: {{ reachable: \"exists x in A: x in B\" }}\n  no_deadlock: {{ deadlock-free: true }}\n",
        if b_full { ", init: [\"all(S)\"]" } else { "" },
        chosen_transitions(&MENU, menu)
    )
}

/// The report of `net` by `unfold` on `threads` threads, its timings and
/// unfolding size cleared.
fn report(net: &LoadedNet, unfold: Unfold, threads: usize) -> CheckReport {
    let options = CheckOptions {
        unfold,
        symmetry: false,
        properties: vec![StandardProperty::OneSafe],
        ..CheckOptions::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    let mut report = pool.install(|| net.check(&options)).expect("checks");
    report.seconds = 0.0;
    report.states_per_second = 0.0;
    report.bytes_per_state = 0.0;
    report.threads = 0;
    report.unfolding = None;
    report
}

proptest! {
    #![proptest_config(support::cases(256))]

    #[test]
    fn the_unfolded_route_gives_the_coloured_engines_report(
        n in 2usize..=3,
        a_full in any::<bool>(),
        b_full in any::<bool>(),
        menu in 1u8..=255,
        budget in 0u8..3,
        threads in 1usize..=3,
    ) {
        let text = net_text(n, a_full, b_full, menu, budget);
        let net = LoadedNet::Coloured(Box::new(load(&text)));
        let options = CheckOptions { unfold: Unfold::Auto, symmetry: false, ..CheckOptions::default() };
        let taken = net.check(&options).expect("checks").unfolding;
        prop_assert!(taken.is_some(), "the small net was not unfolded:\n{}", text);
        prop_assert_eq!(report(&net, Unfold::Never, 2), report(&net, Unfold::Auto, threads), "{}", text);
    }
}

/// A net with a symmetric type, under its symmetry reduction, keeps the
/// coloured engine (the unfolding would store every marking of an orbit);
/// without the reduction it is unfolded.
#[test]
fn a_reduction_in_force_keeps_the_coloured_engine() {
    let text = net_text(3, true, false, 0b11, 0)
        .replace("range: [1, n] }", "range: [1, n], symmetric: true }");
    let net = LoadedNet::Coloured(Box::new(load(&text)));
    let auto = CheckOptions {
        unfold: Unfold::Auto,
        ..CheckOptions::default()
    };
    let reduced = net.check(&auto).expect("checks");
    assert!(reduced.unfolding.is_none());
    assert!(reduced.reduction.is_some());
    let full = net
        .check(&CheckOptions {
            symmetry: false,
            ..auto
        })
        .expect("checks");
    assert!(full.unfolding.is_some());
    assert!(full.states > reduced.states);
}

/// A ring of `places` places of black tokens, one token going round, and
/// `toggles` independent switches that flip back and forth.
fn ring_and_toggles(places: usize, toggles: usize) -> String {
    let mut text = String::from("name: ring\nplaces:\n  p0: { type: Unit, init: [\"()\"] }\n");
    for i in 1..places {
        text.push_str(&format!("  p{i}: {{ type: Unit }}\n"));
    }
    for i in 0..toggles {
        text.push_str(&format!(
            "  off{i}: {{ type: Unit, init: [\"()\"] }}\n  on{i}: {{ type: Unit }}\n"
        ));
    }
    text.push_str("transitions:\n");
    for i in 0..places {
        let next = (i + 1) % places;
        text.push_str(&format!(
            "  t{i}: {{ in: {{ p{i}: [\"()\"] }}, out: {{ p{next}: [\"()\"] }} }}\n"
        ));
    }
    for i in 0..toggles {
        text.push_str(&format!(
            "  up{i}: {{ in: {{ off{i}: [\"()\"] }}, out: {{ on{i}: [\"()\"] }} }}\n  \
             down{i}: {{ in: {{ on{i}: [\"()\"] }}, out: {{ off{i}: [\"()\"] }} }}\n"
        ));
    }
    text
}

/// Where the partial-order reduction applies, its trial decides the route:
/// on a ring its stubborn sets leave nothing out, the trial gives them up
/// and the net is explored through its unfolding, with the report the
/// coloured engine gives after the same trial (the reduction named, every
/// marking standing for itself); where they leave out most bindings
/// (independent switches) the coloured engine keeps them.
#[test]
fn a_partial_order_its_trial_gives_up_leaves_the_net_to_the_unfolding() {
    let options = |unfold| CheckOptions {
        unfold,
        partial_order: true,
        ..CheckOptions::default()
    };
    let untimed = |mut report: CheckReport| {
        report.seconds = 0.0;
        report.states_per_second = 0.0;
        report.bytes_per_state = 0.0;
        report
    };
    let ring = LoadedNet::Coloured(Box::new(load(&ring_and_toggles(1100, 0))));
    let on_threads = |threads: usize, unfold| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        let mut report = untimed(
            pool.install(|| ring.check(&options(unfold)))
                .expect("checks"),
        );
        report.threads = 0;
        report
    };
    let mut auto = on_threads(2, Unfold::Auto);
    assert_eq!(
        on_threads(1, Unfold::Auto),
        auto,
        "the same with one thread"
    );
    let coloured = on_threads(2, Unfold::Never);
    assert!(
        auto.unfolding.take().is_some(),
        "explored through its unfolding"
    );
    let reduction = auto.reduction.clone().expect("the trial is named");
    assert!(reduction.contains("given up"), "{reduction}");
    assert_eq!(auto, coloured);
    assert_eq!(auto.states, 1100);

    let switches = LoadedNet::Coloured(Box::new(load(&ring_and_toggles(3, 12))));
    let reduced = switches.check(&options(Unfold::Auto)).expect("checks");
    assert!(reduced.unfolding.is_none(), "{:?}", reduced.reduction);
    let full = switches
        .check(&CheckOptions {
            partial_order: false,
            ..options(Unfold::Auto)
        })
        .expect("checks");
    assert!(full.unfolding.is_some());
    assert_eq!(full.states, 3 << 12);
    assert!(reduced.states < full.states, "{} markings", reduced.states);
}

/// A place that fills beyond the narrowest counters (up to 40 tokens of one
/// colour, no P-invariant bounding it): the unfolded run widens its lanes and
/// starts again, and gives the coloured engine's report.
#[test]
fn counters_that_outgrow_their_lanes_are_widened() {
    // `drain` takes tokens from `C` and gives none: no P-invariant covers `C`.
    let text = "name: filling\ntypes:\n  S: { range: [1, 2] }\nplaces:\n  Budget: { type: Int, init: [\"20\"] }\n  C: { type: S }\n  Gate: { type: S, init: [\"2\"] }\ntransitions:\n  fill: { in: { Budget: [b] }, guard: \"b > 0\", out: { Budget: [\"b - 1\"], C: [\"1\", \"1\"] } }\n  drain: { in: { C: [x], Gate: [g] }, out: { Gate: [g] } }\nproperties:\n  few: { invariant: \"count(C) <= 40\" }\n";
    let net = LoadedNet::Coloured(Box::new(load(text)));
    let auto = report(&net, Unfold::Auto, 2);
    assert_eq!(auto, report(&net, Unfold::Never, 2));
    assert_eq!(auto.max_tokens_in_place, Some(40));
    let options = CheckOptions {
        unfold: Unfold::Auto,
        ..CheckOptions::default()
    };
    assert!(net.check(&options).expect("checks").unfolding.is_some());
}
