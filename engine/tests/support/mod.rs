//! Helpers shared by the engine's reduction tests.

use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::{CheckReport, StateSpace};
use sesphr_engine::net::model::Net;

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
