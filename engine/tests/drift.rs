//! The sign that a coloured net's integers keep changing: told once, with
//! the place, the change and the stride, where a counter never stops; not
//! where the integers wrap round before the explorer looks, nor where a
//! range type bounds them.

use std::sync::{Arc, Mutex};

use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::drift::FROM_STEPS;
use sesphr_engine::explore::{ExploreOptions, IntegerDrift, PlaceDrift, StopReason, explore};
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::NoFunctions;

/// Explores the YAML net `text` up to `max_states` states: why it stopped
/// and every drift it was told of.
fn drifts(text: &str, max_states: u64) -> (Option<StopReason>, Vec<IntegerDrift>) {
    let net = load_net_str(&Source::new("drift.yaml", text), &[], &NoFunctions).expect("loads");
    let told = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&told);
    let options = ExploreOptions {
        max_states: Some(max_states),
        on_integer_drift: Some(Arc::new(move |d: &IntegerDrift| {
            sink.lock().unwrap().push(d.clone());
        })),
        ..ExploreOptions::default()
    };
    let ex = explore(&ColouredSpace::new(&net), &options).expect("explores");
    let told = told.lock().unwrap().clone();
    (ex.stopped, told)
}

/// A light that turns green, lets cars pass one at a time while it is
/// green, and turns red again; `pass` counts them in `cars`, of type
/// `count` (`Int` or a declaration of `Count`), as `next` (of `n`) says,
/// where `guard` lets it.
fn crossing(count: &str, next: &str, guard: &str) -> String {
    let (declared, name) = match count {
        "Int" => (String::new(), "Int"),
        declaration => (format!("  Count: {declaration}\n"), "Count"),
    };
    let zero = if count.contains("tuple") {
        "(red, 0)"
    } else {
        "0"
    };
    format!(
        "types:
  Light: {{ enum: [red, green] }}
{declared}places:
  light: {{ type: Light, init: [red] }}
  cars: {{ type: {name}, init: [\"{zero}\"] }}
transitions:
  go: {{ in: {{ light: [red] }}, out: {{ light: [green] }} }}
  stop: {{ in: {{ light: [green] }}, out: {{ light: [red] }} }}
  pass:
    in: {{ light: [green], cars: [n] }}
    guard: \"{guard}\"
    out: {{ light: [green], cars: [\"{next}\"] }}
"
    )
}

/// The drift of a counter changed by `by` on each `pass`, at the first
/// level looked at: the state with a green light after `FROM_STEPS - 1`
/// passes, whose parent is the same state one pass earlier.
fn expected(by: i64) -> IntegerDrift {
    IntegerDrift {
        steps: FROM_STEPS,
        every: 1,
        places: vec![PlaceDrift {
            place: "cars".into(),
            by,
            now: by * i64::from(FROM_STEPS - 1),
        }],
    }
}

#[test]
fn a_counter_that_never_stops_is_told_once_with_its_place_and_change() {
    for by in [1, -3] {
        let net = crossing("Int", &format!("n + ({by})"), "true");
        // Two states a pass: the run goes four times past the first level
        // looked at, and is told once.
        let (stopped, told) = drifts(&net, 8 * u64::from(FROM_STEPS));
        assert_eq!(stopped, Some(StopReason::MaxStates));
        assert_eq!(told, vec![expected(by)]);
    }
}

#[test]
fn a_counter_that_wraps_round_before_the_first_look_is_not_told() {
    let wraps = FROM_STEPS - 24;
    let net = crossing("Int", &format!("(n + 1) % {wraps}"), "true");
    let (stopped, told) = drifts(&net, 100 * u64::from(FROM_STEPS));
    assert_eq!(stopped, None);
    assert!(told.is_empty());
}

#[test]
fn a_counter_of_a_range_type_is_not_told() {
    let most = 3 * FROM_STEPS;
    let net = crossing(
        &format!("{{ range: [0, {most}] }}"),
        "n + 1",
        &format!("n < {most}"),
    );
    let (stopped, told) = drifts(&net, 100 * u64::from(FROM_STEPS));
    assert_eq!(stopped, None);
    assert!(told.is_empty());
}

#[test]
fn an_integer_inside_a_tuple_is_told_too() {
    let net = crossing("{ tuple: [Light, Int] }", "(green, n.1 + 2)", "true");
    let (stopped, told) = drifts(&net, 8 * u64::from(FROM_STEPS));
    assert_eq!(stopped, Some(StopReason::MaxStates));
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].places[0].place, "cars");
    assert_eq!(told[0].places[0].by, 2);
}
