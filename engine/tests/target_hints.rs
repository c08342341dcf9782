//! What the explorer tells a coloured space about a state's parent when it
//! asks for the state's targets ([`TargetHints`]): an invariant's conjuncts
//! that read the same multisets as in a parent that satisfied it are not
//! looked up, nor the instances of a nested `forall` that the parent had
//! and whose part reads the same places there, and properties already
//! decided are not evaluated. On random
//! nets whose invariants break in some markings, the targets with hints are
//! those computed without, along every edge; and the checker's verdicts and
//! shortest traces are those of a breadth-first search that evaluates every
//! property in every marking.

mod support;

use std::collections::{HashMap, VecDeque};

use proptest::prelude::*;
use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::{PropertyKind, StateBuf, StateSpace, TargetHints};
use support::{chosen_transitions, load, run_on, trace_lengths, verdicts};

/// Transitions a generated net may have (at least one is chosen).
const MENU: [&str; 5] = [
    "ab: { in: { A: [x] }, out: { B: [x] } }",
    "bc: { in: { B: [x] }, out: { C: [x] } }",
    "ca: { in: { C: [x] }, out: { A: [x] } }",
    "bump: { in: { A: [x] }, guard: \"x < 2\", out: { A: [\"x + 1\"] } }",
    "copy: { in: { B: [x], Budget: [n] }, guard: \"n > 0\", out: { B: [x], C: [x], Budget: [\"n - 1\"] } }",
];

/// A net with three places of small integers and invariants of several
/// conjuncts over different places, with bounds that some markings break.
fn net_text(tokens: &[u8], menu: u8, bound: u8, budget: u8) -> String {
    let init: Vec<String> = tokens.iter().map(|t| format!("\"{t}\"")).collect();
    format!(
        "name: hints\ntypes:\n  S: {{ range: [0, 2] }}\nplaces:\n  A: {{ type: S, init: [{}] }}\n  B: {{ type: S }}\n  C: {{ type: S }}\n  Budget: {{ type: Int, init: [\"{budget}\"] }}\ntransitions:\n  {}\nproperties:\n  bounds: {{ invariant: \"count(A) <= {bound} && count(B) <= {bound} && (forall x in C: x < 2)\" }}\n  across: {{ invariant: \"count(B) + count(C) <= {bound} && ((exists x in A: x == 0) || count(C) == 0)\" }}\n  pairs: {{ invariant: \"forall x in A: forall y in B: x == y => x < 2 || count(C) <= {bound}\" }}\n  seen: {{ reachable: \"count(C) >= 2 && count(A) == 0\" }}\n",
        init.join(", "),
        chosen_transitions(&MENU, menu)
    )
}

/// Every reachable state of `space` with its breadth-first depth, and for
/// each property the depth of its first target (the length of its shortest
/// trace), every property evaluated in every state without hints.
fn reference(space: &ColouredSpace<'_>) -> (Vec<Vec<u32>>, Vec<Option<usize>>) {
    let properties = space.properties().len();
    let initial = space.initial().expect("an initial state");
    let mut depth = HashMap::from([(initial.clone(), 0usize)]);
    let mut order = vec![initial.clone()];
    let mut queue = VecDeque::from([initial]);
    let mut first = vec![None; properties];
    let mut out = StateBuf::new();
    while let Some(state) = queue.pop_front() {
        out.clear();
        space.successors(&state, &mut out).expect("successors");
        let mut targets = vec![false; properties];
        space
            .property_targets(&state, out.is_empty(), &mut targets)
            .expect("targets");
        for (found, hit) in first.iter_mut().zip(targets) {
            if hit && found.is_none() {
                *found = Some(depth[&state]);
            }
        }
        for next in out.iter() {
            if !depth.contains_key(next) {
                depth.insert(next.to_vec(), depth[&state] + 1);
                order.push(next.to_vec());
                queue.push_back(next.to_vec());
            }
        }
    }
    (order, first)
}

proptest! {
    #![proptest_config(support::cases(64))]

    #[test]
    fn hints_change_no_target_and_no_verdict(
        tokens in proptest::collection::vec(0u8..=2, 1..=3),
        menu in 1u8..32,
        bound in 1u8..=2,
        budget in 0u8..=2,
    ) {
        let text = net_text(&tokens, menu, bound, budget);
        let net = load(&text);
        let space = ColouredSpace::new(&net);
        let specs = space.properties().to_vec();
        let (states, first) = reference(&space);
        let mut out = StateBuf::new();
        for parent in &states {
            out.clear();
            space.successors(parent, &mut out).expect("successors");
            // The parent satisfies every invariant it is no target of; the
            // others are decided, as the explorer would have found them.
            let mut decided = vec![false; specs.len()];
            space
                .property_targets(parent, out.is_empty(), &mut decided)
                .expect("targets");
            for (d, spec) in decided.iter_mut().zip(&specs) {
                *d &= spec.kind == PropertyKind::Invariant;
            }
            for state in out.iter() {
                let mut after = StateBuf::new();
                space.successors(state, &mut after).expect("successors");
                let dead = after.is_empty();
                let mut plain = vec![false; specs.len()];
                space.property_targets(state, dead, &mut plain).expect("targets");
                let mut hinted = vec![false; specs.len()];
                let hints = TargetHints { parent: Some(parent), decided: &decided };
                space
                    .property_targets_with(state, dead, hints, &mut hinted)
                    .expect("targets");
                for i in 0..specs.len() {
                    if !decided[i] {
                        prop_assert_eq!(hinted[i], plain[i], "property {} of\n{}", i, text);
                    } else {
                        prop_assert!(!hinted[i], "a decided property evaluated\n{}", text);
                    }
                }
            }
        }
        // The checker, which hints every state with its parent, on one thread
        // and on two: the reference's verdicts and shortest traces.
        for threads in [1, 2] {
            let report = run_on(&space, threads);
            let expected: Vec<Option<bool>> = specs
                .iter()
                .zip(&first)
                .map(|(spec, found)| Some(match spec.kind {
                    PropertyKind::Reachable => found.is_some(),
                    _ => found.is_none(),
                }))
                .collect();
            prop_assert_eq!(verdicts(&report), expected, "{}", &text);
            prop_assert_eq!(trace_lengths(&report), first.clone(), "{}", &text);
        }
    }
}
