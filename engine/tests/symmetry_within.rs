//! A type symmetric within another (`S: { ..., symmetric: { within: R } }`)
//! against the full exploration: on random small nets whose users are pairs
//! `(role, seat)`, the reduced run stores exactly one marking per orbit of the
//! seat permutations chosen separately for each role (counted here by brute
//! force, independently of the engine), gives the same verdicts alone and
//! with the stubborn sets, stands for as many markings as the full run finds,
//! is the same with one thread or two, and its traces replay on the unreduced
//! net. The loader refuses, with the position, nets in which a seat leaves its
//! pair.

mod support;

use proptest::prelude::*;
use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::coloured::symmetry::Symmetry;
use sesphr_engine::net::model::Net;
use sesphr_engine::net::value::Value;
use support::{
    Renaming, assert_one_marking_per_orbit, chosen_transitions, full_and_symmetric, load,
    load_error, orbits_by_brute_force, permutations, replay, run_on, traces, verdicts,
};

/// Transitions a generated net may have (at least one is chosen). `u` and
/// `w` are whole users; `(r, s)` a user taken apart.
const MENU: [&str; 6] = [
    "go: { in: { A: [u] }, out: { B: [u] } }",
    "back: { in: { B: [u] }, out: { A: [u] } }",
    "pair: { in: { A: [u], B: [w] }, guard: \"u != w\", out: { Pair: [\"(u, w)\"] } }",
    "unpair: { in: { Pair: [\"(u, w)\"] }, out: { A: [w], B: [u] } }",
    "colleagues: { in: { A: [\"(r, s)\"], B: [\"(r, t)\"] }, out: { Pair: [\"((r, s), (r, t))\"] } }",
    "spend: { in: { A: [\"(r, s)\"], Budget: [b] }, guard: \"b > 0 && r == first\", out: { A: [\"(r, s)\"], C: [\"(r, s)\"], Budget: [\"b - 1\"] } }",
];

fn net_text(range: bool, roles: usize, seats: usize, menu: u8, budget: u8) -> String {
    let roles: Vec<String> = ["first", "second", "third"][..roles]
        .iter()
        .map(|r| r.to_string())
        .collect();
    let seat = if range {
        format!("{{ range: [1, {seats}], symmetric: {{ within: R }} }}")
    } else {
        let names: Vec<String> = (0..seats).map(|i| format!("s{i}")).collect();
        format!(
            "{{ enum: [{}], symmetric: {{ within: R }} }}",
            names.join(", ")
        )
    };
    format!(
        "name: generated\ntypes:\n  R: {{ enum: [{}] }}\n  S: {seat}\n  U: {{ tuple: [R, S] }}\n  UU: {{ tuple: [U, U] }}\nplaces:\n  A: {{ type: U, init: [\"all(U)\"] }}\n  B: {{ type: U }}\n  C: {{ type: U }}\n  Pair: {{ type: UU }}\n  Budget: {{ type: Int, init: [\"{budget}\"] }}\ntransitions:\n  {}\nproperties:\n  at_most_one_pair: {{ invariant: \"count(Pair) <= 1\" }}\n  shared: {{ reachable: \"exists (r, s) in A: (r, s) in B\" }}\n  first_spent: {{ reachable: \"exists (r, s) in C: r == first\" }}\n  no_deadlock: {{ deadlock-free: true }}\n",
        roles.join(", "),
        chosen_transitions(&MENU, menu)
    )
}

/// One seat permutation per role: `perms[k]` for the `k`-th role.
type PerRole<'a> = (&'a [Value], &'a [Value], Vec<&'a Vec<Value>>);

/// `value` with the seat of every pair `(role, seat)` renamed by its role's permutation.
fn rename(value: &Value, (roles, seats, perms): &PerRole<'_>) -> Value {
    let Value::Tuple(items) = value else {
        return value.clone();
    };
    if let [role, seat] = &items[..]
        && let Some(r) = roles.iter().position(|x| x == role)
        && let Some(s) = seats.iter().position(|x| x == seat)
    {
        return Value::tuple([role.clone(), perms[r][s].clone()]);
    }
    Value::tuple(
        items
            .iter()
            .map(|v| rename(v, &(roles, seats, perms.clone()))),
    )
}

/// The number of orbits of the full space's markings, by brute force: each
/// marking's least image under every choice of one seat permutation per role.
fn orbits(net: &Net) -> usize {
    let symmetric = &net.symmetric[0];
    let values =
        |c: &[std::sync::Arc<str>]| -> Vec<Value> { c.iter().map(|c| Value::sym(c)).collect() };
    let seats = values(&symmetric.ty.constants);
    let roles = values(&symmetric.within.as_ref().expect("within R").constants);
    let perms = permutations(&seats);
    // Every tuple of one permutation per role.
    let mut choices: Vec<Vec<&Vec<Value>>> = vec![Vec::new()];
    for _ in &roles {
        choices = choices
            .iter()
            .flat_map(|c| {
                perms.iter().map(move |p| {
                    let mut c = c.clone();
                    c.push(p);
                    c
                })
            })
            .collect();
    }
    let (roles, seats) = (&roles[..], &seats[..]);
    let renamings: Vec<Renaming<'_>> = (choices.into_iter())
        .map(|choice| {
            Box::new(move |v: &Value| rename(v, &(roles, seats, choice.clone()))) as Renaming<'_>
        })
        .collect();
    orbits_by_brute_force(net, &renamings)
}

proptest! {
    #![proptest_config(support::cases(40))]

    #[test]
    fn reduced_runs_store_one_marking_per_orbit_of_the_seats_of_each_role(
        range in any::<bool>(),
        (roles, seats) in prop_oneof![Just((1usize, 2usize)), Just((1, 3)), Just((2, 2)), Just((2, 3)), Just((3, 2))],
        menu in 1u8..64,
        budget in 0u8..3,
    ) {
        let text = net_text(range, roles, seats, menu, budget);
        let net = load(&text);
        let (full, reduced) = assert_one_marking_per_orbit(&net, &text, orbits(&net));
        let one = run_on(&ColouredSpace::with_symmetry(&net).expect("a small group"), 1);
        prop_assert_eq!((one.states, one.edges), (reduced.states, reduced.edges));
        prop_assert_eq!(traces(&one), traces(&reduced));
        let combined = run_on(&ColouredSpace::with_reductions(&net).expect("a small group"), 2);
        prop_assert_eq!(verdicts(&combined), verdicts(&full), "{}", text);
        replay(&net, &combined);
    }
}

#[test]
fn the_seats_of_each_role_are_permuted_separately() {
    // Two roles of two seats, every user free to move from A to B: 16
    // markings; per role, 0, 1 or 2 of its seats in B, so 3 x 3 orbits (a
    // permutation of the seats alike in both roles would leave 10).
    let net = load(&net_text(true, 2, 2, 0b000011, 0));
    let (full, reduced) = full_and_symmetric(&net);
    assert_eq!((full.states, reduced.states), (16, 9));
    assert_eq!(reduced.represented_states, Some(16));
    assert!(
        reduced
            .reduction
            .as_deref()
            .is_some_and(|r| r.contains("S within R (4 permutations)")),
        "{:?}",
        reduced.reduction
    );
}

#[test]
fn too_many_seats_per_role_are_permuted_alike_in_every_role() {
    // Three roles of six seats would be 720^3 permutations: beyond the cap,
    // so the seats are permuted alike in every role (720), a subgroup.
    let text = net_text(true, 3, 6, 0b000001, 0);
    let symmetry = Symmetry::new(&load(&text))
        .expect("the subgroup is small enough")
        .expect("a group");
    assert_eq!(symmetry.order(), 720);
    assert_eq!(symmetry.types(), ["S (alike within every R)"]);
    // Two roles of three seats: 6 x 6 permutations, one factor per role.
    let two = Symmetry::new(&load(&net_text(true, 2, 3, 0b000001, 0)))
        .expect("small")
        .expect("a group");
    assert_eq!(
        (two.order(), two.types()),
        (36, &["S within R".to_string()][..])
    );
}

const HEAD: &str = "types:\n  R: { enum: [doctor, nurse] }\n  S: { range: [1, 2], symmetric: { within: R } }\n  U: { tuple: [R, S] }\nplaces:\n  A: { type: U, init: [\"all(U)\"] }\n  B: { type: U }\n";

#[test]
fn a_fired_condition_may_use_the_pairs_its_transition_bound() {
    let transition = "transitions:\n  t: { in: { A: [\"(r, s)\"], B: [\"(q, t)\"] }, out: { A: [\"(q, t)\"], B: [\"(r, s)\"] } }\n";
    let net = load(&format!(
        "{HEAD}{transition}properties:\n  swaps: {{ ltl: \"G !fired(t, (r, s) == (q, t))\" }}\n"
    ));
    assert_eq!(net.temporal.len(), 1);
    let message = load_error(&format!(
        "{HEAD}{transition}properties:\n  swaps: {{ ltl: \"G !fired(t, s == t)\" }}\n"
    ));
    assert!(
        message.contains("bad.yaml:11:") && message.contains("`s` is a S on its own"),
        "{message}"
    );
}

#[test]
fn nets_in_which_a_seat_leaves_its_pair_are_refused_with_the_position() {
    for (body, line, expected) in [
        (
            "transitions:\n  t: { in: { A: [\"(r, s)\"], B: [\"(q, t)\"] }, guard: \"s == t\", out: { A: [\"(r, s)\"], B: [\"(q, t)\"] } }\n",
            9,
            "`s` is a S on its own",
        ),
        (
            "transitions:\n  t: { in: { A: [\"(r, s)\"], B: [\"(q, t)\"] }, out: { A: [\"(q, s)\"], B: [\"(r, t)\"] } }\n",
            9,
            "`s` is a S on its own",
        ),
        (
            "transitions:\n  t: { in: { A: [\"(doctor, s)\"] }, out: { B: [\"(doctor, s)\"] } }\n",
            9,
            "must bind the S next to a R variable",
        ),
        (
            "transitions:\n  t: { in: { A: [\"(r, s)\"], B: [\"(q, s)\"] }, out: { A: [\"(r, s)\"], B: [\"(q, s)\"] } }\n",
            9,
            "must bind the S next to a R variable",
        ),
        (
            "transitions:\n  t: { in: { A: [u] }, guard: \"u.1 == u.1\", out: { B: [u] } }\n",
            9,
            "field 1 is a S on its own",
        ),
        (
            "transitions:\n  t: { in: { A: [u] }, out: { B: [u] } }\nproperties:\n  p: { invariant: \"forall (r, s) in A: forall (q, t) in B: s != t\" }\n",
            11,
            "`s` is a S on its own",
        ),
    ] {
        let message = load_error(&format!("{HEAD}{body}"));
        let at = format!("bad.yaml:{line}:");
        assert!(
            message.contains(&at) && message.contains(expected),
            "{body}: {message}"
        );
    }
    let declarations = [
        (
            "types:\n  R: { enum: [doctor, nurse] }\n  S: { range: [1, 2], symmetric: { within: Nope } }\n",
            "bad.yaml:3:",
            "unknown type `Nope`",
        ),
        (
            "types:\n  R: { enum: [a, b], symmetric: true }\n  S: { range: [1, 2], symmetric: { within: R } }\n",
            "bad.yaml:3:",
            "must be an enumeration that is not itself symmetric",
        ),
        (
            "types:\n  R: { enum: [doctor, nurse] }\n  S: { range: [1, 2], symmetric: { within: R } }\n  V: { tuple: [S, R] }\n",
            "bad.yaml:4:",
            "type `V` holds a S outside a (R, S) pair",
        ),
        (
            "types:\n  R: { enum: [doctor, nurse] }\n  S: { range: [1, 2], symmetric: { within: R } }\nplaces:\n  P: { type: S }\n  A: { type: R }\n",
            "bad.yaml:5:",
            "place `P` holds a S outside a (R, S) pair",
        ),
        (
            "types:\n  R: { enum: [doctor, nurse] }\n  S: { range: [1, 2], symmetric: { within: R, by: 2 } }\n",
            "bad.yaml:3:",
            "unknown key `by`",
        ),
    ];
    for (types, at, expected) in declarations {
        let places = if types.contains("places:") {
            ""
        } else {
            "places:\n  A: { type: R }\n"
        };
        let text = format!(
            "{types}{places}transitions:\n  t: {{ in: {{ A: [x] }}, out: {{ A: [x] }} }}\n"
        );
        let message = load_error(&text);
        assert!(
            message.contains(at) && message.contains(expected),
            "{text}: {message}"
        );
    }
}
