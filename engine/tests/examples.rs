//! The example nets' invariants and bounds hold along seeded random runs,
//! and their reachability goals evaluate (the exploration issue checks them
//! exhaustively; this catches a broken example or property compiler early).

use sesphr_engine::coloured::simulate::simulate;
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::code::{Code, Env};
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::marking::Marking;
use sesphr_engine::net::model::{Net, PropertyKind};

const EXAMPLES: [(&str, &str); 5] = [
    ("mutex.yaml", include_str!("../../nets/examples/mutex.yaml")),
    (
        "philosophers.yaml",
        include_str!("../../nets/examples/philosophers.yaml"),
    ),
    (
        "philosophers-deadlock.yaml",
        include_str!("../../nets/examples/philosophers-deadlock.yaml"),
    ),
    (
        "producer-consumer.yaml",
        include_str!("../../nets/examples/producer-consumer.yaml"),
    ),
    ("bank.yaml", include_str!("../../nets/examples/bank.yaml")),
];

fn holds(code: &Code, slots: usize, marking: &Marking) -> bool {
    let mut slots = vec![sesphr_engine::net::value::Value::Bool(false); slots];
    code.holds(&mut Env::new(&mut slots, Some(marking)))
        .expect("a property evaluates")
}

/// The markings of a few seeded runs, the initial one included.
fn visited(net: &Net) -> Vec<Marking> {
    let mut markings = vec![net.initial.clone()];
    for seed in 0..8 {
        simulate(net, 150, seed, |_, _, m| markings.push(m.clone())).expect("runs");
    }
    markings
}

#[test]
fn invariants_and_bounds_hold_along_random_runs() {
    let seven = vec![("n".to_string(), "7".to_string())];
    let cases = EXAMPLES
        .iter()
        .map(|(file, text)| (*file, *text, Vec::new()))
        .chain([
            (EXAMPLES[1].0, EXAMPLES[1].1, seven.clone()),
            (EXAMPLES[2].0, EXAMPLES[2].1, seven),
        ]);
    for (file, text, overrides) in cases {
        let net = load_net_str(&Source::new(file, text), &overrides, &NoFunctions)
            .unwrap_or_else(|e| panic!("{e}"));
        let markings = visited(&net);
        let mut goals_met = vec![false; net.properties.len()];
        for m in &markings {
            for (i, p) in net.properties.iter().enumerate() {
                match &p.kind {
                    PropertyKind::Invariant(code) => {
                        assert!(
                            holds(code, p.slots, m),
                            "{file}: invariant `{}` fails in\n{}",
                            p.name,
                            net.show_marking(m)
                        );
                    }
                    PropertyKind::Bound { places, max } => {
                        for &place in places {
                            assert!(m.places[place].total() <= *max, "{file}: {}", p.name);
                        }
                    }
                    PropertyKind::Reachable(code) => {
                        goals_met[i] |= holds(code, p.slots, m);
                    }
                    PropertyKind::DeadlockFree(Some(code)) => {
                        holds(code, p.slots, m);
                    }
                    _ => {}
                }
            }
        }
        // Goals that random runs of these small nets always reach.
        for (i, p) in net.properties.iter().enumerate() {
            if matches!(p.kind, PropertyKind::Reachable(_)) {
                assert!(goals_met[i], "{file}: goal `{}` never met", p.name);
            }
        }
    }
}

/// The invariant of the deadlock example is a real check: it fails on a
/// marking where two neighbours eat.
#[test]
fn a_violated_invariant_evaluates_to_false() {
    let (file, text) = EXAMPLES[2];
    let net = load_net_str(&Source::new(file, text), &[], &NoFunctions).expect("loads");
    let eating = net.place_id("eating").expect("a place");
    let mut m = net.initial.clone();
    m.places[eating]
        .add(sesphr_engine::net::value::Value::Int(1), 1)
        .expect("no overflow");
    let p = &net.properties[0];
    let PropertyKind::Invariant(code) = &p.kind else {
        panic!("the first property is an invariant");
    };
    assert!(holds(code, p.slots, &m), "one philosopher eating is fine");
    m.places[eating]
        .add(sesphr_engine::net::value::Value::Int(2), 1)
        .expect("no overflow");
    assert!(!holds(code, p.slots, &m), "1 and 2 are neighbours");
}

/// The bank's conservation law is a real check: `sum` adds each token's
/// value once per copy, and a coin lost or made breaks it.
#[test]
fn a_sum_counts_every_copy_of_a_token() {
    use sesphr_engine::net::value::Value;
    let (file, text) = EXAMPLES[4];
    let net = load_net_str(&Source::new(file, text), &[], &NoFunctions).expect("loads");
    let place = |name: &str| net.place_id(name).expect("a place");
    let account = |name: &str| {
        let accounts = net.initial.places[place("accounts")].iter();
        accounts
            .map(|(v, _)| v.clone())
            .find(|v| v.to_string() == name)
            .expect("an account")
    };
    let p = &net.properties[0];
    assert_eq!(p.name, "coins_conserved");
    let PropertyKind::Invariant(code) = &p.kind else {
        panic!("the first property is an invariant");
    };
    // alice's 4 coins become 2, with two copies of the same transfer to bob
    // in flight: 2 + 2 == 4.
    let mut m = net.initial.clone();
    let (balance, in_flight) = (place("balance"), place("in_flight"));
    let alice = |coins: i64| Value::tuple([account("alice"), Value::Int(coins)]);
    assert_eq!(m.places[balance].remove(&alice(4), 1), Some(()));
    m.places[balance].add(alice(2), 1).expect("no overflow");
    let to_bob = Value::tuple([account("alice"), account("bob")]);
    m.places[in_flight]
        .add(to_bob.clone(), 2)
        .expect("no overflow");
    assert!(holds(code, p.slots, &m), "{}", net.show_marking(&m));
    // One copy of the transfer lost: 2 + 1 != 4.
    assert_eq!(m.places[in_flight].remove(&to_bob, 1), Some(()));
    assert!(!holds(code, p.slots, &m), "{}", net.show_marking(&m));
}
