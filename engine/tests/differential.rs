//! Differential test: on random small P/T nets, the parallel explorer (packed
//! markings, sharded tables, 1 or 2 threads) agrees with a plain sequential
//! breadth-first search written here over `Vec<u32>` markings: the same counts,
//! the same markings at the same distances, and the very same counterexamples.

use std::collections::{HashMap, VecDeque};

use proptest::prelude::*;
use sesphr_engine::explore::{CheckReport, ExploreOptions, check, explore};
use sesphr_engine::ptnet::{
    PackedNet, PlaceBounds, PtNet, PtProperty, TransitionArcs, structural_bounds,
};

/// What the reference search finds.
#[derive(Debug)]
struct Reference {
    states: HashMap<Vec<u32>, u32>,
    edges: u64,
    deadlocks: u64,
    max_total: u64,
    max_place: u64,
    depth: u32,
    /// Distance of the nearest dead marking.
    nearest_deadlock: Option<u32>,
    /// Distance of the nearest marking with a place above one token.
    nearest_unsafe: Option<u32>,
    /// The transitions leading to the first dead marking popped from the queue.
    deadlock_trace: Option<Vec<String>>,
    /// The transitions leading to the first unsafe marking popped from the queue.
    unsafe_trace: Option<Vec<String>>,
}

/// The transitions from the initial marking to `m`, following first-discovery links.
fn path(parents: &HashMap<Vec<u32>, (Vec<u32>, usize)>, net: &PtNet, m: &[u32]) -> Vec<String> {
    let mut steps = Vec::new();
    let mut current = m.to_vec();
    while let Some((parent, t)) = parents.get(&current) {
        steps.push(net.transitions[*t].name.clone());
        current = parent.clone();
    }
    steps.reverse();
    steps
}

fn fire(net: &PtNet, marking: &[u32], t: usize) -> Option<Vec<u32>> {
    let tr = &net.transitions[t];
    if tr.pre.iter().any(|&(p, w)| marking[p] < w) {
        return None;
    }
    let mut next = marking.to_vec();
    for &(p, w) in &tr.pre {
        next[p] -= w;
    }
    for &(p, w) in &tr.post {
        next[p] += w;
    }
    Some(next)
}

fn reference_bfs(net: &PtNet) -> Reference {
    let mut r = Reference {
        states: HashMap::new(),
        edges: 0,
        deadlocks: 0,
        max_total: 0,
        max_place: 0,
        depth: 0,
        nearest_deadlock: None,
        nearest_unsafe: None,
        deadlock_trace: None,
        unsafe_trace: None,
    };
    let mut parents: HashMap<Vec<u32>, (Vec<u32>, usize)> = HashMap::new();
    let mut queue = VecDeque::new();
    r.states.insert(net.initial.clone(), 0);
    queue.push_back((net.initial.clone(), 0u32));
    while let Some((m, d)) = queue.pop_front() {
        r.depth = r.depth.max(d + 1);
        r.max_total = r.max_total.max(m.iter().map(|&c| u64::from(c)).sum());
        let place_max = m.iter().copied().max().map_or(0, u64::from);
        r.max_place = r.max_place.max(place_max);
        if place_max > 1 && r.nearest_unsafe.is_none() {
            r.nearest_unsafe = Some(d);
            r.unsafe_trace = Some(path(&parents, net, &m));
        }
        let mut enabled = 0;
        for t in 0..net.transitions.len() {
            if let Some(next) = fire(net, &m, t) {
                enabled += 1;
                if !r.states.contains_key(&next) {
                    r.states.insert(next.clone(), d + 1);
                    parents.insert(next.clone(), (m.clone(), t));
                    queue.push_back((next, d + 1));
                }
            }
        }
        r.edges += enabled;
        if enabled == 0 {
            r.deadlocks += 1;
            if r.nearest_deadlock.is_none() {
                r.nearest_deadlock = Some(d);
                r.deadlock_trace = Some(path(&parents, net, &m));
            }
        }
    }
    r
}

/// Random nets whose transitions never add tokens overall, so that every
/// state space is finite (at most a few thousand markings).
fn nets() -> impl Strategy<Value = PtNet> {
    (1usize..=6, 1usize..=7).prop_flat_map(|(places, transitions)| {
        let arc = (0..places, 1u32..=3);
        let transition = (
            prop::collection::vec(arc.clone(), 1..=3),
            prop::collection::vec(arc, 0..=3),
        );
        (
            prop::collection::vec(0u32..=3, places),
            prop::collection::vec(transition, transitions),
        )
            .prop_map(move |(initial, ts)| {
                let arcs: Vec<TransitionArcs> = ts
                    .into_iter()
                    .enumerate()
                    .map(|(i, (pre, mut post))| {
                        let input: u32 = pre.iter().map(|&(_, w)| w).sum();
                        while post.iter().map(|&(_, w)| w).sum::<u32>() > input {
                            post.pop();
                        }
                        (format!("t{i}"), pre, post)
                    })
                    .collect();
                let names = (0..places).map(|p| format!("p{p}")).collect();
                PtNet::new("random", names, initial, arcs)
            })
    })
}

fn run(net: &PtNet, threads: usize) -> CheckReport {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    pool.install(|| {
        let props = [PtProperty::DeadlockFree, PtProperty::PlaceBound(1)];
        sesphr_engine::ptnet::check_pt(net, &props, &ExploreOptions::default()).expect("check")
    })
}

/// Replays a trace's transitions from the initial marking.
fn replay(net: &PtNet, steps: &[String]) -> Vec<u32> {
    let mut m = net.initial.clone();
    for name in steps {
        let t = net
            .transitions
            .iter()
            .position(|t| &t.name == name)
            .expect("known transition");
        m = fire(net, &m, t).expect("the trace's step is enabled");
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn parallel_explorer_agrees_with_sequential_bfs(net in nets()) {
        let reference = reference_bfs(&net);
        let report = run(&net, 2);
        prop_assert!(report.complete);
        prop_assert_eq!(report.states, reference.states.len() as u64);
        prop_assert_eq!(report.edges, reference.edges);
        prop_assert_eq!(report.deadlocks, reference.deadlocks);
        prop_assert_eq!(report.max_tokens_per_marking, Some(reference.max_total));
        prop_assert_eq!(report.max_tokens_in_place, Some(reference.max_place));
        prop_assert_eq!(report.depth, reference.depth);

        // The same set of markings, at the same distances.
        let space = PackedNet::with_lane_bits(&net, vec![], 32).expect("pack");
        let ex = explore(&space, &ExploreOptions::default()).expect("explore");
        for (marking, &distance) in &reference.states {
            let id = ex.find(&space.pack(marking));
            prop_assert!(id.is_some(), "missing {:?}", marking);
            let path = ex.path_to(id.expect("found"));
            prop_assert_eq!(path.len() as u32, distance + 1);
        }

        // Shortest traces that really lead where they claim.
        let deadlock = &report.properties[0];
        prop_assert_eq!(deadlock.holds, Some(reference.nearest_deadlock.is_none()));
        if let (Some(trace), Some(d)) = (&deadlock.trace, reference.nearest_deadlock) {
            let names: Vec<String> = trace.steps.iter().map(|s| s.transition.clone()).collect();
            prop_assert_eq!(names.len() as u32, d);
            // Exactly the trace of the sequential search.
            prop_assert_eq!(Some(&names), reference.deadlock_trace.as_ref());
            let end = replay(&net, &names);
            prop_assert!((0..net.transitions.len()).all(|t| fire(&net, &end, t).is_none()));
        }
        let one_safe = &report.properties[1];
        prop_assert_eq!(one_safe.holds, Some(reference.nearest_unsafe.is_none()));
        if let (Some(trace), Some(d)) = (&one_safe.trace, reference.nearest_unsafe) {
            let names: Vec<String> = trace.steps.iter().map(|s| s.transition.clone()).collect();
            prop_assert_eq!(names.len() as u32, d);
            prop_assert_eq!(Some(&names), reference.unsafe_trace.as_ref());
            prop_assert!(replay(&net, &names).iter().any(|&c| c > 1));
        }
    }

    #[test]
    fn proven_bounds_hold_and_bounded_lanes_change_nothing(net in nets()) {
        let reference = reference_bfs(&net);
        let bounds = structural_bounds(&net);
        for marking in reference.states.keys() {
            for (place, &count) in marking.iter().enumerate() {
                prop_assert!(bounds.of(place).is_none_or(|b| count <= b),
                    "place {} holds {} above its proven bound {:?}", place, count, bounds.of(place));
            }
        }
        let props = vec![PtProperty::DeadlockFree, PtProperty::PlaceBound(1)];
        let uniform = PackedNet::with_bounds(&net, props.clone(), 32, &PlaceBounds::none(net.places.len()))
            .expect("pack");
        let bounded = PackedNet::with_bounds(&net, props, 32, &bounds).expect("pack");
        prop_assert!(bounded.words() <= uniform.words());
        let mut a = check(&uniform, &ExploreOptions::default()).expect("check");
        let mut b = check(&bounded, &ExploreOptions::default()).expect("check");
        for r in [&mut a, &mut b] {
            r.seconds = 0.0;
            r.states_per_second = 0.0;
            r.bytes_per_state = 0.0;
        }
        prop_assert_eq!(a, b);
    }

    #[test]
    fn one_and_two_threads_give_identical_reports(net in nets()) {
        let mut one = run(&net, 1);
        let mut two = run(&net, 2);
        for r in [&mut one, &mut two] {
            r.seconds = 0.0;
            r.states_per_second = 0.0;
            r.threads = 0;
        }
        prop_assert_eq!(one, two);
    }
}

#[test]
fn direct_check_of_a_packed_net() {
    // A ring of three places with one token: three states, each with one successor.
    let net = PtNet::new(
        "ring",
        vec!["a".into(), "b".into(), "c".into()],
        vec![1, 0, 0],
        vec![
            ("ab".into(), vec![(0, 1)], vec![(1, 1)]),
            ("bc".into(), vec![(1, 1)], vec![(2, 1)]),
            ("ca".into(), vec![(2, 1)], vec![(0, 1)]),
        ],
    );
    let space = PackedNet::new(&net, vec![PtProperty::DeadlockFree]).expect("pack");
    let report = check(&space, &ExploreOptions::default()).expect("check");
    assert_eq!((report.states, report.edges, report.depth), (3, 3, 3));
    assert_eq!(report.properties[0].holds, Some(true));
}
