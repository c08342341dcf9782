//! Helpers shared by the engine's reduction tests (not every test file uses
//! every helper).

use sesphr_engine::coloured::ColouredSpace;
use std::collections::BTreeSet;

use sesphr_engine::explore::{
    CheckReport, ExploreOptions, PropertyResult, StateSpace, Trace, check, explore,
};
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::marking::{Marking, Multiset};
use sesphr_engine::net::model::Net;
use sesphr_engine::net::value::Value;

/// The property tests' configuration: `default` cases, or as many as the
/// `PROPTEST_CASES` environment variable asks for (a longer soundness
/// campaign: `PROPTEST_CASES=2000 cargo test --release -p sesphr-engine
/// --test symmetry`); `with_cases` alone would ignore the variable.
pub fn cases(default: u32) -> proptest::prelude::ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(default);
    proptest::prelude::ProptestConfig::with_cases(cases)
}

/// A generated net, loaded; a net that does not load is a bug of the generator.
pub fn load(text: &str) -> Net {
    load_net_str(&Source::new("generated.yaml", text), &[], &NoFunctions)
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The message of the error a net that must be refused gets (as `bad.yaml`).
#[allow(dead_code)]
pub fn load_error(text: &str) -> String {
    match load_net_str(&Source::new("bad.yaml", text), &[], &NoFunctions) {
        Ok(_) => panic!("loaded a net that must be refused:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// A renaming of values by one element of a symmetry group.
#[allow(dead_code)]
pub type Renaming<'a> = Box<dyn Fn(&Value) -> Value + 'a>;

/// The number of orbits of the full space's markings, counted by brute
/// force independently of the engine: the distinct least images of the
/// reachable markings under `renamings`, one value renaming per element of
/// the group (the identity included).
#[allow(dead_code)]
pub fn orbits_by_brute_force(net: &Net, renamings: &[Renaming<'_>]) -> usize {
    let space = ColouredSpace::new(net);
    let ex = explore(&space, &ExploreOptions::default()).expect("explores");
    let mut least: BTreeSet<Marking> = BTreeSet::new();
    for id in ex.ids() {
        let marking = space.decode(ex.state(id)).expect("decodes");
        let image = |rename: &dyn Fn(&Value) -> Value| Marking {
            places: (marking.places.iter())
                .map(|m| {
                    let mut out = Multiset::new();
                    for (v, c) in m.iter() {
                        out.add(rename(v), c).expect("small");
                    }
                    out
                })
                .collect(),
        };
        let images = renamings.iter().map(|rename| image(rename.as_ref()));
        least.insert(images.min().expect("a renaming"));
    }
    least.len()
}

/// `check` of `space` with its default options on a pool of `threads` threads.
pub fn run_on(space: &ColouredSpace<'_>, threads: usize) -> CheckReport {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a pool")
        .install(|| check(space, &ExploreOptions::default()).expect("explores"))
}

/// The full run of `net` and its run reduced by the symmetry alone, on two
/// threads.
pub fn full_and_symmetric(net: &Net) -> (CheckReport, CheckReport) {
    let symmetric = ColouredSpace::with_symmetry(net).expect("a small group");
    (run_on(&ColouredSpace::new(net), 2), run_on(&symmetric, 2))
}

/// Checks `net` (generated from `text`) with and without its symmetry: the
/// reduced run stores `orbits` markings (counted by brute force), stands for
/// every marking of the full run, gives its verdicts, deadlock answer and
/// trace lengths (the reduction keeps breadth-first depths), and its traces
/// replay on the unreduced net. Returns the full and the reduced report.
#[allow(dead_code)]
pub fn assert_one_marking_per_orbit(
    net: &Net,
    text: &str,
    orbits: usize,
) -> (CheckReport, CheckReport) {
    let (full, reduced) = full_and_symmetric(net);
    assert_eq!(reduced.states as usize, orbits, "{text}");
    assert_eq!(reduced.represented_states, Some(full.states), "{text}");
    assert_eq!(verdicts(&reduced), verdicts(&full), "{text}");
    assert_eq!(
        reduced.deadlock_reachable, full.deadlock_reachable,
        "{text}"
    );
    assert_eq!(trace_lengths(&reduced), trace_lengths(&full), "{text}");
    replay(net, &reduced);
    (full, reduced)
}

/// Each property's verdict, in order.
pub fn verdicts(report: &CheckReport) -> Vec<Option<bool>> {
    report.properties.iter().map(|p| p.holds).collect()
}

/// The transitions of `menu` whose bit is set in `mask` (bit `i` for
/// `menu[i]`), joined as the lines of a net's `transitions:` map.
#[allow(dead_code)]
pub fn chosen_transitions(menu: &[&str], mask: u8) -> String {
    let chosen: Vec<&str> = (menu.iter().enumerate())
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, t)| *t)
        .collect();
    chosen.join("\n  ")
}

/// Each property's trace, in order.
#[allow(dead_code)]
pub fn traces(report: &CheckReport) -> Vec<Option<Trace>> {
    report.properties.iter().map(|p| p.trace.clone()).collect()
}

/// The length of each property's trace, in order.
pub fn trace_lengths(report: &CheckReport) -> Vec<Option<usize>> {
    report
        .properties
        .iter()
        .map(|p| p.trace.as_ref().map(|t| t.steps.len()))
        .collect()
}

/// Every permutation of `items`.
#[allow(dead_code)]
pub fn permutations(items: &[Value]) -> Vec<Vec<Value>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first.clone());
            out.push(tail);
        }
    }
    out
}

/// Replays each trace of `reduced` on the unreduced space, step by step.
pub fn replay(net: &Net, reduced: &CheckReport) {
    replay_traces(net, &reduced.properties);
}

/// Replays the trace of each of `properties` that has one on the unreduced
/// `net`: each step is a labelled successor of the state before it, and the
/// trace ends in its last state.
pub fn replay_traces(net: &Net, properties: &[PropertyResult]) {
    let full = ColouredSpace::new(net);
    for property in properties {
        let Some(trace) = &property.trace else {
            continue;
        };
        let mut current = full.initial().expect("initial");
        assert_eq!(full.describe_state(&current), trace.initial);
        for step in &trace.steps {
            let next = full
                .labelled_successors(&current)
                .expect("successors")
                .into_iter()
                .find(|(s, _)| s == step)
                .unwrap_or_else(|| panic!("{}: step {step:?} does not replay", property.name));
            current = next.1;
        }
        assert_eq!(
            full.describe_state(&current),
            trace.last,
            "{}",
            property.name
        );
    }
}
