//! Successors computed on interned ids (the effect memo) against the binding
//! search on decoded markings: on the example nets every reachable marking's
//! successors are the same list, in the same order, whether the memo has seen
//! the marking's keys or not, and past the memo's trial, where it gives up on
//! the coloured philosophers' transitions (their keys never repeat); and on a
//! net whose markings share their keys while the places that are only added
//! to (left out of the keys) differ.

use std::collections::{HashSet, VecDeque};
use std::path::Path;

use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::coloured::fire::successors;
use sesphr_engine::explore::{StateBuf, StateSpace};
use sesphr_engine::load::source::Source;
use sesphr_engine::load::{load_net, load_net_str};
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::model::Net;

/// Markings compared per net (breadth first from the initial one): enough to
/// pass the memo's trial of 4,096 look-ups per transition.
const MARKINGS: usize = 6_000;

fn load(path: &str) -> Net {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    load_net(&path, &[], &NoFunctions).expect("loads")
}

/// The successors the binding search finds on the decoded marking.
fn searched(space: &ColouredSpace<'_>, state: &[u32]) -> Vec<Vec<u32>> {
    let marking = space.decode(state).expect("decodes");
    successors(space.net(), &marking)
        .expect("fires")
        .iter()
        .map(|(_, next)| space.encode(next).expect("encodes"))
        .collect()
}

fn memoised(space: &ColouredSpace<'_>, state: &[u32]) -> Vec<Vec<u32>> {
    let mut out = StateBuf::new();
    space.successors(state, &mut out).expect("expands");
    out.iter().map(<[u32]>::to_vec).collect()
}

fn compare(path: &str) -> usize {
    compare_net(&load(path), path)
}

fn compare_net(net: &Net, path: &str) -> usize {
    let space = ColouredSpace::new(net);
    let initial = space.initial().expect("encodes");
    let mut seen = HashSet::from([initial.clone()]);
    let mut queue = VecDeque::from([initial]);
    let mut compared = 0;
    while let Some(state) = queue.pop_front() {
        if compared == MARKINGS {
            break;
        }
        let expected = searched(&space, &state);
        assert_eq!(
            memoised(&space, &state),
            expected,
            "{path}: first expansion"
        );
        assert_eq!(memoised(&space, &state), expected, "{path}: remembered");
        compared += 1;
        for next in expected {
            if seen.insert(next.clone()) {
                queue.push_back(next);
            }
        }
    }
    compared
}

#[test]
fn example_nets_have_the_same_successors_with_the_memo() {
    for net in [
        "nets/examples/mutex.yaml",
        "nets/examples/philosophers.yaml",
        "nets/examples/philosophers-deadlock.yaml",
        "nets/examples/philosophers-mcc.yaml",
        "nets/examples/producer-consumer.yaml",
    ] {
        assert!(compare(net) > 0, "{net}");
    }
}

/// `work` is keyed by `todo` alone and only adds to `done` and `log`, so
/// every marking with the same `todo` shares its memo entry whatever `done`,
/// `log` and `rounds` hold; `again` adds two copies of a token to `log`.
const ADDED_PLACES: &str = r#"
name: ledger
types:
  Item: { range: [1, 3] }
places:
  todo: { type: Item, init: ["all(Item)"] }
  done: { type: Item }
  log: { type: Item }
  rounds: { type: Int, init: ["0"] }
transitions:
  work:
    in: { todo: ["i"] }
    out: { done: ["i"], log: ["i"] }
  again:
    in: { done: ["i"], rounds: ["r"] }
    guard: "r < 3"
    out: { todo: ["i"], rounds: ["r + 1"], log: ["i", "i"] }
"#;

#[test]
fn places_only_added_to_are_summed_onto_each_marking() {
    let net =
        load_net_str(&Source::new("ledger.yaml", ADDED_PLACES), &[], &NoFunctions).expect("loads");
    let compared = compare_net(&net, "ledger.yaml");
    // Every reachable marking, so markings that share `todo` but not `log` were met.
    assert!(compared > 100 && compared < MARKINGS, "{compared} markings");
}

/// A ring of places that two tokens travel round, most places empty at any
/// time: a transition whose input place is empty is not looked up at all
/// (`coloured::empty_inputs`), which must leave the same successors in the
/// same order, including for `meet`, whose second input is the one usually
/// empty, and `skip`, which takes a token only from a place that is never
/// empty.
const SPARSE_RING: &str = r#"
name: sparse-ring
types:
  Walker: { range: [1, 2] }
places:
  p0: { type: Walker, init: ["1", "2"] }
  p1: { type: Walker }
  p2: { type: Walker }
  p3: { type: Walker }
  met: { type: Int, init: ["0"] }
transitions:
  a: { in: { p0: ["w"] }, out: { p1: ["w"] } }
  b: { in: { p1: ["w"] }, out: { p2: ["w"] } }
  c: { in: { p2: ["w"] }, out: { p3: ["w"] } }
  d: { in: { p3: ["w"] }, out: { p0: ["w"] } }
  meet:
    in: { met: ["n"], p2: ["v"], p3: ["w"] }
    guard: "n < 2"
    out: { met: ["n + 1"], p2: ["v"], p3: ["w"] }
  skip:
    in: { met: ["n"] }
    guard: "n > 5"
    out: { met: ["n"] }
"#;

#[test]
fn transitions_with_an_empty_input_are_skipped_without_changing_successors() {
    let net =
        load_net_str(&Source::new("sparse.yaml", SPARSE_RING), &[], &NoFunctions).expect("loads");
    let compared = compare_net(&net, "sparse.yaml");
    // Every reachable marking: the walkers' positions times the meetings.
    assert!(compared > 20 && compared < MARKINGS, "{compared} markings");
}
