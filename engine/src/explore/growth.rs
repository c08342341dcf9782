//! Unbounded nets, recognised while they are explored.
//!
//! In a net whose bindings fire monotonically ([`StateSpace::may_grow`]), a
//! reachable marking `m'` that holds every token of a marking `m` it was
//! reached from, and more, proves the net unbounded: the steps from `m` to
//! `m'` are enabled again in `m'` and add the same tokens again, for ever
//! (the argument of Karp and Miller's coverability tree). Under a symmetry
//! reduction the stored states are canonical forms, and the steps reach a
//! permutation of `m'`; repeated once per power of that permutation, they
//! still add tokens, so the argument stands. Under a partial-order
//! reduction the steps are steps of the net all the same.
//!
//! Every infinite path of a monotone net holds such a pair (Dickson's
//! lemma), and an unbounded net's breadth-first tree has an infinite path,
//! so looking at every state against all its ancestors would find every
//! unbounded net. That costs a look-up per ancestor and state, so the
//! explorer looks only where a bounded net is unlikely to make it look: at
//! every [`EVERY`]th level ([`looks_at`]), at the first [`SAMPLE`] states of
//! the level, each against its [`ANCESTORS`] nearest ancestors. A shallow
//! net pays nothing, a deep one at most `SAMPLE * ANCESTORS` comparisons
//! every [`EVERY`] levels (the distributed explorer, which fetches the
//! ancestors from their owners one level a round, as many rounds). A net
//! whose growth this misses runs into a limit, as before.

use super::StateSpace;
use super::store::{StateId, Store};

/// Every how many steps from the initial state the states of a level (or
/// of a random walk) are compared with their ancestors.
pub const EVERY: u32 = 64;

/// Whether the states `steps` steps from the initial one are compared
/// with their ancestors: every [`EVERY`] steps.
pub fn looks_at(steps: u64) -> bool {
    steps > 0 && steps.is_multiple_of(u64::from(EVERY))
}

/// States of a level compared with their ancestors: the first ones in
/// level order, so that the answer does not depend on the thread count.
pub const SAMPLE: usize = 16;

/// Ancestors each of them is compared with, nearest first.
pub const ANCESTORS: usize = 64;

/// A stored state that holds every token of one of its ancestors, and
/// more: the proof that the net is unbounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Growth {
    /// The state that holds more.
    pub later: StateId,
    /// Its ancestor whose every token it holds.
    pub earlier: StateId,
    /// The places that hold more, by name, each with how many more tokens.
    pub places: Vec<(String, u64)>,
}

/// The first of the first [`SAMPLE`] states of `level` (in order) that
/// holds every token of one of its [`ANCESTORS`] nearest ancestors, and
/// more, with the nearest such ancestor.
pub fn find_growth<S: StateSpace>(space: &S, store: &Store, level: &[StateId]) -> Option<Growth> {
    level.iter().take(SAMPLE).find_map(|&later| {
        let ancestors = std::iter::successors(store.parent(later), |&id| store.parent(id))
            .map(|id| (id, store.state(id)));
        grown_from(space, store.state(later), ancestors).map(|(earlier, places)| Growth {
            later,
            earlier,
            places,
        })
    })
}

/// The nearest of the [`ANCESTORS`] first `ancestors` (nearest first, each
/// with a key) whose every token `state` holds, and more: its key, and the
/// places that hold more. Shared by the explorer and random walks.
pub fn grown_from<'a, S: StateSpace, K>(
    space: &S,
    state: &[u32],
    ancestors: impl Iterator<Item = (K, &'a [u32])>,
) -> Option<(K, Vec<(String, u64)>)> {
    ancestors.take(ANCESTORS).find_map(|(key, earlier)| {
        let places = space.growth(state, earlier);
        (!places.is_empty()).then_some((key, places))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::{ExploreOptions, StopReason, check, explore};
    use crate::ptnet::{PackedNet, PtNet, with_widening_lanes};

    /// A token going round a ring of `ring` places; each round, `pump`
    /// puts one token in `out`. With `pump` false, `out` is fed only by a
    /// transition that can never fire: bounded, but no P-invariant says
    /// so, and the ring is deeper than [`EVERY`].
    fn ring(ring: usize, pump: bool) -> PtNet {
        let mut places: Vec<String> = (0..ring).map(|i| format!("r{i}")).collect();
        places.extend(["out".into(), "never".into()]);
        let (out, never) = (ring, ring + 1);
        let mut initial = vec![0; ring + 2];
        initial[0] = 1;
        let mut transitions: Vec<_> = (0..ring)
            .map(|i| {
                let next = (i + 1) % ring;
                let post = if pump && next == 0 {
                    vec![(next, 1), (out, 1)]
                } else {
                    vec![(next, 1)]
                };
                (format!("t{i}"), vec![(i, 1)], post)
            })
            .collect();
        transitions.push(("dead".into(), vec![(never, 1)], vec![(never, 1), (out, 1)]));
        PtNet::new("ring", places, initial, transitions)
    }

    fn counts(space: &PackedNet<'_>, state: &[u32]) -> Vec<u32> {
        (0..space.net().places.len())
            .map(|p| space.count(state, p))
            .collect()
    }

    /// The growth found, the length of the path to its later state, where
    /// the earlier one lies on that path, and both states' token counts.
    type Found = (Growth, usize, usize, Vec<u32>, Vec<u32>);

    /// What an exploration of `net` found: why it stopped, and the growth
    /// (explored with lanes widened as the counters grow, as `check` does).
    fn explored(net: &PtNet) -> (Option<StopReason>, Option<Found>) {
        with_widening_lanes(net, &[], |space| {
            let ex = explore(space, &ExploreOptions::default())?;
            let found = ex.growth.clone().map(|growth| {
                let path = ex.path_to(growth.later);
                let at = path
                    .iter()
                    .position(|&id| id == growth.earlier)
                    .expect("an ancestor");
                let later = counts(space, ex.state(growth.later));
                let earlier = counts(space, ex.state(growth.earlier));
                (growth, path.len() - 1, at, later, earlier)
            });
            Ok((ex.stopped, found))
        })
        .unwrap()
    }

    #[test]
    fn a_pump_stops_the_run_with_its_proof() {
        let net = ring(3, true);
        assert!(PackedNet::new(&net, Vec::new()).unwrap().may_grow());
        let (stopped, found) = explored(&net);
        assert_eq!(stopped, Some(StopReason::Unbounded));
        let (growth, steps, at, later, earlier) = found.expect("a proof");
        // The later state is a descendant of the earlier one, three steps
        // (one round) on, and holds all it holds and one more in `out`.
        assert_eq!(steps - at, 3);
        assert!(later.iter().zip(&earlier).all(|(l, e)| l >= e));
        assert_eq!(later[3], earlier[3] + 1);
        assert_eq!(growth.places, vec![("out".to_string(), 1)]);
        // Found on the first level the explorer looks at.
        assert_eq!(steps, EVERY as usize);
        // The report carries the run, its repeated steps and the growth.
        let report =
            with_widening_lanes(&net, &[], |space| check(space, &ExploreOptions::default()))
                .unwrap();
        let unbounded = report.unbounded.expect("reported");
        assert_eq!(unbounded.trace.steps.len(), steps);
        assert_eq!(unbounded.repeat_from, at);
        // One round of the ring, from wherever the earlier state lies on it.
        let mut names: Vec<&str> = unbounded.trace.steps[at..]
            .iter()
            .map(|s| s.transition.as_str())
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["t0", "t1", "t2"]);
        assert_eq!(unbounded.growth[0].place, "out");
        assert_eq!(unbounded.growth[0].more, 1);
    }

    #[test]
    fn levels_are_looked_at_every_so_many_steps() {
        let looked: Vec<u64> = (0..=3 * u64::from(EVERY))
            .filter(|&s| looks_at(s))
            .collect();
        let every = u64::from(EVERY);
        assert_eq!(looked, [every, 2 * every, 3 * every]);
    }

    #[test]
    fn a_growth_that_starts_late_is_found_at_the_next_level_looked_at() {
        // A token walks down a path of 70 places, then round the pump:
        // the first marking that covers an ancestor lies 73 steps away.
        let lead = 70;
        let mut net = ring(3, true);
        let shift = |p: usize| p + lead;
        for t in &mut net.transitions {
            for arc in t.pre.iter_mut().chain(t.post.iter_mut()) {
                arc.0 = shift(arc.0);
            }
        }
        let mut places: Vec<String> = (0..lead).map(|i| format!("lead{i}")).collect();
        places.append(&mut net.places);
        let mut initial = vec![0; lead];
        initial[0] = 1;
        initial.extend(net.initial.iter().map(|_| 0));
        let mut transitions: Vec<_> = (0..lead)
            .map(|i| (format!("l{i}"), vec![(i, 1)], vec![(i + 1, 1)]))
            .collect();
        transitions.extend(
            net.transitions
                .iter()
                .map(|t| (t.name.clone(), t.pre.clone(), t.post.clone())),
        );
        let net = PtNet::new("late", places, initial, transitions);
        let (stopped, found) = explored(&net);
        assert_eq!(stopped, Some(StopReason::Unbounded));
        let (_, steps, at, _, _) = found.expect("a proof");
        assert_eq!(steps, 2 * EVERY as usize);
        assert_eq!(steps - at, 3);
    }

    #[test]
    fn a_deep_bounded_net_is_explored_to_the_end() {
        let net = ring(100, false);
        // `out` has no structural bound: the explorer looks, and finds no growth.
        assert!(PackedNet::new(&net, Vec::new()).unwrap().may_grow());
        let ex = explore(
            &PackedNet::new(&net, Vec::new()).unwrap(),
            &ExploreOptions::default(),
        )
        .unwrap();
        assert_eq!(ex.stopped, None);
        assert_eq!(ex.states, 100);
        assert!(ex.growth.is_none());
    }

    #[test]
    fn nets_bounded_by_invariants_are_not_looked_at() {
        let mut net = ring(100, false);
        // Without the dead transition every place lies on the ring's invariant.
        net.transitions.pop();
        let space = PackedNet::new(&net, Vec::new()).unwrap();
        assert!(!space.may_grow());
    }

    #[test]
    fn the_proof_does_not_depend_on_the_thread_count() {
        let net = ring(5, true);
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| explored(&net))
        };
        let one = run(1);
        assert!(one.1.is_some());
        assert_eq!(one, run(2));
    }
}
