//! Helpers shared by the engine's reduction tests (not every test file uses
//! every helper).

use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::{CheckReport, ExploreOptions, StateSpace, check};
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::model::Net;
use sesphr_engine::net::value::Value;

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

/// `check` of `space` with its default options on a pool of `threads` threads.
pub fn run_on(space: &ColouredSpace<'_>, threads: usize) -> CheckReport {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a pool")
        .install(|| check(space, &ExploreOptions::default()).expect("explores"))
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
    let full = ColouredSpace::new(net);
    for property in &reduced.properties {
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
