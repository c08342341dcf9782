//! The explorer's proof that a net is unbounded, checked against the
//! firing rule: on random P/T nets, the steps it says repeat are fired
//! again and again from the marking they end in, and the places it names
//! keep growing.

use proptest::prelude::*;
use sesphr_engine::explore::{ExploreOptions, StateSpace, StopReason, explore};
use sesphr_engine::ptnet::{PackedNet, PtNet, with_widening_lanes};

/// A transition as (input weights, output weights), one per place.
type Arcs = (Vec<u32>, Vec<u32>);

fn net(initial: Vec<u32>, transitions: &[Arcs]) -> PtNet {
    let places = initial.len();
    let arcs = |weights: &[u32]| -> Vec<(usize, u32)> {
        (0..places)
            .filter(|&p| weights[p] > 0)
            .map(|p| (p, weights[p]))
            .collect()
    };
    PtNet::new(
        "random",
        (0..places).map(|p| format!("p{p}")).collect(),
        initial,
        (transitions.iter().enumerate())
            .map(|(t, (pre, post))| (format!("t{t}"), arcs(pre), arcs(post)))
            .collect(),
    )
}

/// Nets of two or three places and one to three transitions, with arcs
/// of weight 0 to 2: many grow, many do not.
fn random_net() -> impl Strategy<Value = (Vec<u32>, Vec<Arcs>)> {
    (2usize..4).prop_flat_map(|places| {
        let weights = move || prop::collection::vec(0u32..3, places);
        (
            weights(),
            prop::collection::vec((weights(), weights()), 1..4),
        )
    })
}

/// The marking after firing the transition with `arcs` in `marking`, if it
/// is enabled there.
fn fire(marking: &[u32], (pre, post): &Arcs) -> Option<Vec<u32>> {
    (marking.iter().zip(pre))
        .map(|(&m, &take)| m.checked_sub(take))
        .zip(post)
        .map(|(left, &put)| left.map(|l| l + put))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_steps_said_to_repeat_do_repeat_and_grow((initial, transitions) in random_net()) {
        let pt = net(initial, &transitions);
        let options = ExploreOptions { max_states: Some(100_000), ..ExploreOptions::default() };
        // Why the run stopped, the growth found, and the markings of the
        // stored path from the earlier state to the later one.
        let (stopped, found) = with_widening_lanes(&pt, &[], |space| {
            let ex = explore(space, &options)?;
            let found = ex.growth.clone().map(|growth| {
                let path = ex.path_to(growth.later);
                let from = path.iter().position(|&id| id == growth.earlier).unwrap();
                let markings: Vec<Vec<u32>> = (path[from..].iter())
                    .map(|&id| (0..pt.places.len()).map(|p| space.count(ex.state(id), p)).collect())
                    .collect();
                (growth, markings)
            });
            Ok((ex.stopped, found))
        })
        .unwrap();
        prop_assert_eq!(found.is_some(), stopped == Some(StopReason::Unbounded));
        let Some((growth, markings)) = found else { return Ok(()) };
        // A transition for each step of the path.
        let steps: Vec<&Arcs> = markings
            .windows(2)
            .map(|pair| {
                transitions.iter().find(|t| fire(&pair[0], t).as_deref() == Some(&pair[1][..]))
            })
            .collect::<Option<_>>()
            .expect("each step of the path is a firing");
        let (earlier, later) = (&markings[0], &markings[markings.len() - 1]);
        let gained: Vec<u32> = later.iter().zip(earlier).map(|(l, e)| l - e).collect();
        prop_assert!(gained.iter().any(|&g| g > 0));
        let named: Vec<(String, u64)> = (0..pt.places.len())
            .filter(|&p| gained[p] > 0)
            .map(|p| (pt.places[p].clone(), u64::from(gained[p])))
            .collect();
        prop_assert_eq!(&growth.places, &named);
        // Three more rounds from the later marking: every step enabled, and
        // each round adds what the first one added.
        let mut marking = later.clone();
        for round in 1..=3u32 {
            for step in &steps {
                marking = fire(&marking, step).expect("the repeated step is enabled");
            }
            let expected: Vec<u32> = later.iter().zip(&gained).map(|(l, g)| l + round * g).collect();
            prop_assert_eq!(&marking, &expected);
        }
    }
}

/// A generator (a transition with no input) makes every net unbounded, and
/// the explorer says so once the run is deep enough to look.
#[test]
fn a_generator_is_recognised() {
    let transitions: Vec<Arcs> = vec![
        (vec![1, 0], vec![0, 1]),
        (vec![0, 1], vec![1, 0]),
        (vec![0, 0], vec![0, 1]),
    ];
    let pt = net(vec![1, 0], &transitions);
    assert!(PackedNet::new(&pt, Vec::new()).unwrap().may_grow());
    let (stopped, growth) = with_widening_lanes(&pt, &[], |space| {
        explore(space, &ExploreOptions::default()).map(|ex| (ex.stopped, ex.growth))
    })
    .unwrap();
    assert_eq!(stopped, Some(StopReason::Unbounded));
    assert!(
        growth
            .unwrap()
            .places
            .iter()
            .any(|(place, _)| place == "p1")
    );
}
