//! Random walks: a falsifier for state spaces too large to explore.
//!
//! [`random_walks`] fires, from the initial state, one uniformly chosen
//! enabled binding after another until the state is dead, or every enabled
//! binding leaves it unchanged (*stuck*: a net whose refusals are
//! self-loops ends that way), or the walk has taken
//! [`WalkOptions::max_steps`] steps; a binding that leaves the state
//! unchanged is never chosen, since it shows nothing new, and the steps
//! [`WalkOptions::deferred`] are chosen only where no other step is left. It judges every
//! property on every state it passes, as the breadth-first explorer would.
//! A target found is a real violation (or witness): its trace replays on
//! the net. Finding none proves nothing, so an invariant never *holds*
//! after random walks.
//!
//! Each walk keeps its path free of cycles (a state met again cuts the
//! path back to its first visit), so a trace holds each state once. Of the
//! targets of one property, the report keeps the shortest such path, the
//! walk with the lowest number among equals. Walk `i` draws its choices
//! from seed `seed + i`, so the same options give the same report whatever
//! the thread count (unless a time or memory limit stops the run).
//!
//! A walk whose path (looked at every 64 steps of its length) ends in a
//! state that holds every token of one of the states before it, and more,
//! proves the net unbounded, as in the breadth-first explorer
//! ([`super::growth`]): the walk ends there, the
//! batch of walks it was in is finished, and no later walk is taken.
//!
//! ```
//! use sesphr_engine::explore::{WalkOptions, random_walks};
//! use sesphr_engine::ptnet::{PackedNet, PtNet, PtProperty};
//!
//! // p0 -t-> p1 with two tokens in p0: every walk takes two steps to the dead end.
//! let net = PtNet::new(
//!     "two-tokens",
//!     vec!["p0".into(), "p1".into()],
//!     vec![2, 0],
//!     vec![("t".into(), vec![(0, 1)], vec![(1, 1)])],
//! );
//! let space = PackedNet::new(&net, vec![PtProperty::DeadlockFree]).unwrap();
//! let options = WalkOptions { walks: 10, ..WalkOptions::default() };
//! let report = random_walks(&space, &options).unwrap();
//! assert_eq!((report.walks, report.steps, report.dead_ends), (10, 20, 10));
//! assert_eq!(report.properties[0].holds, Some(false));
//! assert_eq!(report.properties[0].trace.as_ref().unwrap().steps.len(), 2);
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

use super::growth::{grown_from, looks_at};
use super::options::{ExploreError, StopReason};
use super::report::{PropertyResult, Unbounded, decided, safety_result, trace_along};
use super::{StateBuf, StateSpace, TargetHints};
use crate::budget::Budget;

/// Walks run side by side between two progress reports and two looks at
/// whether a limit stopped the run. A fixed number, so that which walks
/// run does not depend on the thread count.
const WALKS_PER_BATCH: u64 = 64;

/// Steps between two reads of the process's resident memory.
const STEPS_PER_MEMORY_CHECK: u32 = 16;

/// Called after each batch of walks, e.g. to print a progress line.
pub type WalkProgressHook = Arc<dyn Fn(&WalkProgress) + Send + Sync>;

/// How many random walks to take, how long, from which seed.
#[derive(Clone)]
pub struct WalkOptions {
    /// How many walks.
    pub walks: u64,
    /// The most steps a walk takes before it stops (a dead state stops it sooner).
    pub max_steps: u32,
    /// Walk `i` draws its choices from seed `seed + i`.
    pub seed: u64,
    /// The labels of steps ([`StateBuf::labels`]: a coloured net's
    /// transition numbers) a walk takes only where no other step changes
    /// the state, so that walks go deeper along the rest (revocations and
    /// attacks put off, users read first). Ignored by spaces that do not
    /// label their successors.
    pub deferred: Vec<u32>,
    /// Stop after this much time (the walks done by then are reported).
    pub timeout: Option<Duration>,
    /// Stop before the process's resident memory exceeds this many bytes
    /// (the walks done by then are reported): the space's tables keep every
    /// successor a walk looked at.
    pub max_memory: Option<u64>,
    /// Told after each batch of walks how far the run is.
    pub progress: Option<WalkProgressHook>,
}

impl std::fmt::Debug for WalkOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalkOptions")
            .field("walks", &self.walks)
            .field("max_steps", &self.max_steps)
            .field("seed", &self.seed)
            .field("deferred", &self.deferred)
            .field("timeout", &self.timeout)
            .field("max_memory", &self.max_memory)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            walks: 1000,
            max_steps: 1000,
            seed: 1,
            deferred: Vec::new(),
            timeout: None,
            max_memory: None,
            progress: None,
        }
    }
}

/// A snapshot of a run of random walks.
#[derive(Debug, Clone, Copy)]
pub struct WalkProgress {
    /// Walks finished so far.
    pub walks: u64,
    /// Walks asked for.
    pub of: u64,
    /// Steps fired so far.
    pub steps: u64,
    /// Properties with a target (a violation or a witness) so far.
    pub targets_found: usize,
    /// Time since the run started.
    pub elapsed: Duration,
}

/// What the random walks found.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkReport {
    /// The net's name (left empty for the caller).
    pub net: String,
    /// Walks finished (fewer than asked when a limit stopped the run).
    pub walks: u64,
    /// The steps per walk asked for at most.
    pub max_steps: u32,
    /// The seed of the first walk.
    pub seed: u64,
    /// Steps fired over every finished walk.
    pub steps: u64,
    /// Different states the finished walks judged, the initial one included.
    pub distinct: u64,
    /// Walks that ended in a dead state.
    pub dead_ends: u64,
    /// Walks that ended where every enabled binding left the state
    /// unchanged (the others, neither dead nor stuck, took `max_steps` steps).
    pub stuck_ends: u64,
    /// The most steps one walk took.
    pub longest: u32,
    /// `Some(Timeout)` or `Some(MaxMemory)` when a limit stopped the run
    /// before every walk.
    pub stopped: Option<StopReason>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Threads that ran the walks.
    pub threads: usize,
    /// One verdict per property, in the space's order: `Some(false)` for an
    /// invariant violated on some walk (`Some(true)` for a goal reached),
    /// `None` where no walk found a target.
    pub properties: Vec<PropertyResult>,
    /// Why the net is unbounded, where a walk proved it (the run then
    /// stopped after that walk's batch, [`StopReason::Unbounded`]).
    pub unbounded: Option<Unbounded>,
}

impl WalkReport {
    /// Whether some walk violated a property.
    pub fn violated(&self) -> bool {
        self.properties.iter().any(|p| p.holds == Some(false))
    }
}

/// One finished walk.
struct Walk {
    steps: u32,
    end: End,
    /// Every state the walk judged, in order (a state met again, again).
    judged: Vec<Vec<u32>>,
    /// Per property, the walk's cycle-free path (initial state first) to
    /// its first target.
    targets: Vec<Option<Vec<Vec<u32>>>>,
    /// Where the walk proved the net unbounded: its path to a state that
    /// holds every token of an earlier one (at the index given), and more.
    growth: Option<WalkGrowth>,
}

/// A walk's proof that the net is unbounded.
struct WalkGrowth {
    /// The cycle-free path, initial state first, to the state that holds more.
    path: Vec<Vec<u32>>,
    /// The index on it of the state whose every token the last one holds.
    earlier: usize,
    /// The places that hold more, each with how many more tokens.
    places: Vec<(String, u64)>,
}

/// How a walk ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    /// In a dead state.
    Dead,
    /// Where every enabled binding leaves the state unchanged.
    Stuck,
    /// After `max_steps` steps.
    Length,
    /// At a state that proves the net unbounded.
    Growth,
}

/// Takes `options.walks` random walks through `space` and judges its
/// properties on every state they pass (see the module's documentation).
pub fn random_walks<S: StateSpace>(
    space: &S,
    options: &WalkOptions,
) -> Result<WalkReport, ExploreError<S::Error>> {
    let started = Instant::now();
    let budget = Arc::new(Budget::starting_at(
        started,
        options.timeout,
        options.max_memory,
    ));
    let count = space.properties().len();
    let mut best: Vec<Option<Vec<Vec<u32>>>> = vec![None; count];
    let mut growth: Option<WalkGrowth> = None;
    let mut distinct: HashSet<Vec<u32>> = HashSet::new();
    let (mut walks, mut steps, mut longest) = (0, 0, 0);
    let (mut dead_ends, mut stuck_ends) = (0, 0);
    let mut stopped = None;
    let mut next = 0;
    while next < options.walks && stopped.is_none() {
        let end = options.walks.min(next.saturating_add(WALKS_PER_BATCH));
        let batch: Vec<Option<Walk>> = (next..end)
            .into_par_iter()
            .map(|i| budget.install(|| walk(space, options, options.seed.wrapping_add(i), &budget)))
            .collect::<Result<_, _>>()
            .map_err(|source| ExploreError::Space { source })?;
        next = end;
        for walk in batch {
            let Some(walk) = walk else {
                stopped = budget.exhausted().map(StopReason::from);
                continue;
            };
            walks += 1;
            steps += u64::from(walk.steps);
            dead_ends += u64::from(walk.end == End::Dead);
            stuck_ends += u64::from(walk.end == End::Stuck);
            longest = longest.max(walk.steps);
            distinct.extend(walk.judged);
            for (kept, found) in best.iter_mut().zip(walk.targets) {
                if let Some(path) = found
                    && kept.as_ref().is_none_or(|k| path.len() < k.len())
                {
                    *kept = Some(path);
                }
            }
            // The proof of the walk with the lowest number; no batch after it.
            if growth.is_none() && walk.growth.is_some() {
                growth = walk.growth;
                stopped = Some(StopReason::Unbounded);
            }
        }
        if let Some(hook) = &options.progress {
            hook(&WalkProgress {
                walks,
                of: options.walks,
                steps,
                targets_found: best.iter().flatten().count(),
                elapsed: started.elapsed(),
            });
        }
    }
    let mut properties = Vec::with_capacity(count);
    for (index, (spec, path)) in space.properties().iter().zip(best).enumerate() {
        let holds = decided(path.is_some(), spec.kind.target_is_witness(), false);
        let reached = path
            .map(|path| trace_along(space, path[1..].iter().map(Vec::as_slice)))
            .transpose()?;
        let result = safety_result(space, index, holds, reached)
            .map_err(|source| ExploreError::Space { source })?;
        properties.push(result);
    }
    let unbounded = growth
        .map(|growth| {
            let path: Vec<&[u32]> = growth.path[1..].iter().map(Vec::as_slice).collect();
            Unbounded::along(space, &path, growth.earlier, &growth.places)
        })
        .transpose()?;
    Ok(WalkReport {
        net: String::new(),
        walks,
        max_steps: options.max_steps,
        seed: options.seed,
        steps,
        distinct: distinct.len() as u64,
        dead_ends,
        stuck_ends,
        longest,
        stopped,
        seconds: started.elapsed().as_secs_f64(),
        threads: rayon::current_num_threads(),
        properties,
        unbounded,
    })
}

/// One walk drawn from `seed`; `None` if the budget ran out first.
fn walk<S: StateSpace>(
    space: &S,
    options: &WalkOptions,
    seed: u64,
    budget: &Budget,
) -> Result<Option<Walk>, S::Error> {
    match walk_within(space, options, seed, budget) {
        // The space stops at the budget's limits too, with an error.
        Err(_) if budget.exhausted().is_some() => Ok(None),
        other => other,
    }
}

/// [`walk`], `None` where it saw the budget run out itself.
fn walk_within<S: StateSpace>(
    space: &S,
    options: &WalkOptions,
    seed: u64,
    budget: &Budget,
) -> Result<Option<Walk>, S::Error> {
    let mut rng = StdRng::seed_from_u64(seed);
    let count = space.properties().len();
    let initial = space.initial()?;
    let mut first_visit = HashMap::from([(initial.clone(), 0)]);
    let mut path = vec![initial];
    let mut targets: Vec<Option<Vec<Vec<u32>>>> = vec![None; count];
    let mut found = vec![false; count];
    let mut is_target = vec![false; count];
    let mut successors = StateBuf::new();
    let mut moves = Vec::new();
    let mut judged = Vec::new();
    let mut growth = None;
    let mut steps = 0;
    loop {
        if budget.check(steps % STEPS_PER_MEMORY_CHECK == 0).is_err() {
            return Ok(None);
        }
        let state = &path[path.len() - 1];
        successors.clear();
        space.successors(state, &mut successors)?;
        let dead = successors.is_empty();
        is_target.fill(false);
        // The path's previous state is a target of no property not yet
        // found: it was judged one step ago.
        let hints = TargetHints {
            parent: path.len().checked_sub(2).map(|i| path[i].as_slice()),
            decided: &found,
        };
        space.property_targets_with(state, dead, hints, &mut is_target)?;
        judged.push(state.clone());
        for (index, _) in is_target.iter().enumerate().filter(|(_, t)| **t) {
            if !found[index] {
                found[index] = true;
                targets[index] = Some(path.clone());
            }
        }
        moves.clear();
        moves.extend((0..successors.len()).filter(|&i| successors.get(i) != Some(state)));
        let labels = successors.labels();
        if !options.deferred.is_empty()
            && !labels.is_empty()
            && moves
                .iter()
                .any(|&i| !options.deferred.contains(&labels[i]))
        {
            moves.retain(|&i| !options.deferred.contains(&labels[i]));
        }
        let end = match () {
            _ if growth.is_some() => Some(End::Growth),
            _ if dead => Some(End::Dead),
            _ if moves.is_empty() => Some(End::Stuck),
            _ if steps == options.max_steps => Some(End::Length),
            _ => None,
        };
        if let Some(end) = end {
            return Ok(Some(Walk {
                steps,
                end,
                judged,
                targets,
                growth,
            }));
        }
        let chosen = moves[rng.random_range(0..moves.len())];
        let next = successors.get(chosen).unwrap_or_default().to_vec();
        steps += 1;
        match first_visit.get(&next) {
            // A cycle: the path goes back to the state's first visit.
            Some(&at) => {
                path.truncate(at + 1);
                first_visit.retain(|_, visit| *visit <= at);
            }
            None => {
                first_visit.insert(next.clone(), path.len());
                path.push(next);
                growth = growth_on(space, &path);
            }
        }
    }
}

/// Where the last state of the cycle-free `path` holds every token of one
/// of its nearest predecessors on it, and more ([`super::growth`]). Looked
/// for where the path is a multiple of [`EVERY`](super::growth::EVERY) steps long: a walk
/// takes every step a breadth-first level would hold, and comparing each
/// step's state made walks through a deep bounded net ten times slower.
fn growth_on<S: StateSpace>(space: &S, path: &[Vec<u32>]) -> Option<WalkGrowth> {
    let steps = path.len() - 1;
    if !looks_at(steps as u64) || !space.may_grow() {
        return None;
    }
    let (last, before) = path.split_last()?;
    let ancestors = (before.iter().enumerate().rev()).map(|(i, state)| (i, state.as_slice()));
    grown_from(space, last, ancestors).map(|(earlier, places)| WalkGrowth {
        path: path.to_vec(),
        earlier,
        places,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::growth::EVERY;
    use crate::ptnet::{PackedNet, PtNet, PtProperty};

    /// A ring of `n` places with one token, and an exit from place 0 to a
    /// dead end: walks circle the ring until they leave it.
    fn ring_with_exit(n: usize) -> PtNet {
        let mut places: Vec<String> = (0..n).map(|i| format!("r{i}")).collect();
        places.push("out".into());
        let mut initial = vec![0; n + 1];
        initial[0] = 1;
        let mut transitions: Vec<_> = (0..n)
            .map(|i| (format!("t{i}"), vec![(i, 1)], vec![((i + 1) % n, 1)]))
            .collect();
        transitions.push(("exit".into(), vec![(0, 1)], vec![(n, 1)]));
        PtNet::new("ring", places, initial, transitions)
    }

    fn walks(net: &PtNet, options: &WalkOptions) -> WalkReport {
        let space = PackedNet::new(net, vec![PtProperty::DeadlockFree]).unwrap();
        random_walks(&space, options).unwrap()
    }

    #[test]
    fn a_trace_keeps_no_cycle() {
        // Every walk ends in the dead end, after circling the ring any number
        // of times: the trace of one that circled is still the one step from
        // r0 to it.
        let net = ring_with_exit(5);
        let circled = (0..64)
            .map(|seed| {
                let one = WalkOptions {
                    walks: 1,
                    seed,
                    ..WalkOptions::default()
                };
                walks(&net, &one)
            })
            .find(|report| report.longest > 5)
            .expect("a walk that circles the ring");
        assert_eq!(circled.dead_ends, 1);
        // Five places of the ring and the dead end, each judged once or more.
        assert_eq!(circled.distinct, 6);
        let trace = circled.properties[0].trace.as_ref().unwrap();
        assert_eq!(trace.steps.len(), 1);
        assert_eq!(trace.steps[0].transition, "exit");
    }

    /// A token going round three places, each round putting one token in
    /// `out`: the only walk there is proves the net unbounded.
    #[test]
    fn a_walk_that_pumps_proves_the_net_unbounded() {
        let net = PtNet::new(
            "pump",
            vec!["a".into(), "b".into(), "c".into(), "out".into()],
            vec![1, 0, 0, 0],
            vec![
                ("t0".into(), vec![(0, 1)], vec![(1, 1)]),
                ("t1".into(), vec![(1, 1)], vec![(2, 1)]),
                ("t2".into(), vec![(2, 1)], vec![(0, 1), (3, 1)]),
            ],
        );
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                crate::ptnet::with_widening_lanes(&net, &[], |space| {
                    random_walks(space, &WalkOptions::default())
                })
            })
            .unwrap()
        };
        let report = run(2);
        assert_eq!(report.stopped, Some(StopReason::Unbounded));
        // The first batch of walks is finished, and no other is taken.
        assert_eq!(report.walks, WALKS_PER_BATCH);
        let unbounded = report.unbounded.clone().expect("a proof");
        // Found on the first state looked at, 64 steps in, against the state
        // one round (three steps) before it.
        assert_eq!(unbounded.trace.steps.len(), EVERY as usize);
        assert_eq!(unbounded.repeat_from, EVERY as usize - 3);
        assert_eq!(unbounded.growth.len(), 1);
        assert_eq!(
            (unbounded.growth[0].place.as_str(), unbounded.growth[0].more),
            ("out", 1)
        );
        assert_eq!(run(1).unbounded, report.unbounded);
    }

    #[test]
    fn a_walk_where_every_step_changes_nothing_is_stuck() {
        // t takes the token from p and puts it back.
        let net = PtNet::new(
            "self-loop",
            vec!["p".into()],
            vec![1],
            vec![("t".into(), vec![(0, 1)], vec![(0, 1)])],
        );
        let report = walks(&net, &WalkOptions::default());
        assert_eq!(
            (report.steps, report.stuck_ends, report.dead_ends),
            (0, 1000, 0)
        );
        assert_eq!(report.properties[0].holds, None);
    }

    #[test]
    fn walks_stop_at_their_length() {
        let options = WalkOptions {
            walks: 3,
            max_steps: 0,
            ..WalkOptions::default()
        };
        let report = walks(&ring_with_exit(3), &options);
        assert_eq!((report.walks, report.steps, report.dead_ends), (3, 0, 0));
        assert_eq!(report.properties[0].holds, None);
    }

    #[test]
    fn the_report_does_not_depend_on_the_thread_count() {
        let options = WalkOptions {
            walks: 300,
            // The walks pass r0, where they may leave, at steps 0 and 4:
            // about a quarter take all 8 steps.
            max_steps: 8,
            seed: 7,
            ..WalkOptions::default()
        };
        let net = ring_with_exit(4);
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut report = pool.install(|| walks(&net, &options));
            (report.seconds, report.threads) = (0.0, 0);
            report
        };
        let one = run(1);
        assert_eq!(one, run(3));
        assert!(one.steps > 300 && one.dead_ends > 0 && one.dead_ends < 300);
    }

    #[test]
    fn a_memory_limit_stops_the_walks() {
        let options = WalkOptions {
            max_memory: Some(1),
            ..WalkOptions::default()
        };
        let report = walks(&ring_with_exit(3), &options);
        assert_eq!(report.stopped, Some(StopReason::MaxMemory));
        assert_eq!(report.walks, 0);
    }

    #[test]
    fn a_timeout_stops_the_walks() {
        let options = WalkOptions {
            walks: u64::MAX,
            max_steps: 10,
            timeout: Some(Duration::ZERO),
            ..WalkOptions::default()
        };
        let report = walks(&ring_with_exit(3), &options);
        assert_eq!(report.stopped, Some(StopReason::Timeout));
        assert_eq!(report.walks, 0);
    }
}
