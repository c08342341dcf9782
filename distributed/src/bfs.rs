//! The level-synchronous breadth-first search, spread over workers.
//!
//! Every worker owns the states whose hash maps to it ([`crate::owner`]).
//! A level takes two rounds ([`crate::superstep`]):
//! 1. each worker expands the frontier states it owns, in the frontier's
//!    order, sends each successor to its owner with its *discovery key*
//!    (the parent's global position in the frontier << 32 | the successor's
//!    rank among the parent's successors), and sends every worker its level
//!    summary (edges, dead states, token counts, first targets);
//! 2. each owner stores the successors it has not seen, each new state
//!    keeping its smallest key and, as parent, the frontier state at that
//!    key's position; it sends every worker its new keys, sorted.
//!
//! The sequential explorer orders each new level by the same keys, so every
//! worker can place each of its new states in that order by counting the
//! smaller keys of the others: the global positions, the first targets and
//! the parents are those of the sequential search, whatever the number of
//! workers. The shortest trace to a target is then rebuilt by following the
//! parent positions back, one round per level, each step answered by the
//! state's owner.

use std::time::{Duration, Instant};

use sesphr_engine::explore::{
    DriftHook, Progress, ProgressHook, StateBuf, StopReason, drift, growth,
};
use sesphr_engine::net::pos::Pos;
use timely::worker::Worker;

use crate::owner::{owner, state_hash};
use crate::portable::Portable;
use crate::store::{Inserted, OwnedStates};
use crate::superstep::{LevelKeys, LevelSummary, Message, Rounds, Silent, WorkerError};

/// The parent position of the initial state.
const NO_PARENT: u32 = u32::MAX;

/// The limits of a distributed run, applied by every worker alike (the
/// memory and the deadline also inside a level), and its progress hook.
#[derive(Clone, Default)]
pub struct DistOptions {
    /// Stop (incomplete) before a level once this many states are stored.
    pub max_states: Option<u64>,
    /// Judge the states this many steps from the initial one without
    /// storing their successors, and stop there (incomplete unless every
    /// one of those successors is already stored), as the single-process
    /// explorer does.
    pub max_depth: Option<u32>,
    /// Stop (incomplete) once a worker process's resident memory exceeds this.
    pub max_memory: Option<u64>,
    /// Stop (incomplete) after this long.
    pub timeout: Option<Duration>,
    /// Called by worker 0 (in process 0) after every level with the figures
    /// of the whole run (states, edges, frontier and memory of all workers
    /// together).
    pub progress: Option<ProgressHook>,
    /// Told once, by each worker that has it, if the states of a deep
    /// level differ from their ancestors only in integers that keep
    /// changing by the same amounts ([`drift`]).
    pub on_integer_drift: Option<DriftHook>,
}

/// What a distributed exploration found (the same on every worker, except
/// the paths, which worker 0 alone collects).
#[derive(Debug, Default)]
pub struct Outcome {
    /// States stored.
    pub states: u64,
    /// Edges of the expanded states.
    pub edges: u64,
    /// Expanded states without successor.
    pub deadlocks: u64,
    /// States the expanded ones stand for.
    pub represented: u64,
    /// Largest token count of an expanded state.
    pub max_total: u64,
    /// Largest token count of a place in an expanded state.
    pub max_place: u64,
    /// Breadth-first levels (the initial state is level 1).
    pub depth: u32,
    /// Why the run stopped early, if it did.
    pub stopped: Option<StopReason>,
    /// Per property, whether a target was found.
    pub found: Vec<bool>,
    /// Per found property, on worker 0, the states of the path from the
    /// initial state (excluded) to the first target.
    pub paths: Vec<Option<Path>>,
    /// Peak bytes of all workers' visited sets together.
    pub peak_bytes: u64,
    /// Bytes the workers sent to other processes, all together.
    pub sent: u64,
    /// The proof that the net is unbounded, if the run found one
    /// ([`StopReason::Unbounded`]).
    pub growth: Option<Grown>,
    /// On worker 0, the states of the path from the initial state
    /// (excluded) to the growth's later state.
    pub growth_path: Option<Path>,
}

/// A state that holds every token of one of its ancestors, and more: the
/// proof that the net is unbounded ([`growth`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grown {
    /// The level of the state that holds more (the initial state's is 0).
    pub level: usize,
    /// Its global position in that level.
    pub position: u32,
    /// How many steps before it its ancestor lies.
    pub back: usize,
    /// The places that hold more, by name, each with how many more tokens.
    pub places: Vec<(String, u64)>,
}

/// Why a distributed exploration failed.
#[derive(Debug)]
pub enum Failure<E> {
    /// A worker's space asked for a wider encoding: start again.
    Retry,
    /// This worker's space failed.
    Space(E),
    /// Another worker's space failed with this message.
    Peer {
        /// The failing worker.
        worker: usize,
        /// Its error.
        message: String,
        /// Where in the net the evaluation that failed is written, if it
        /// is one.
        at: Option<Pos>,
    },
    /// The other processes fell silent for this long past the deadline.
    Silent(Duration),
}

impl<E> From<Silent> for Failure<E> {
    fn from(Silent(waited): Silent) -> Self {
        Failure::Silent(waited)
    }
}

/// The states of a path, first to last, each in this process's encoding.
pub type Path = Vec<Vec<u32>>;

/// New states of a level: (smallest discovery key, index in the store).
type NewStates = Vec<(u64, u32)>;

/// Successors received from one worker.
struct Received {
    from: usize,
    keys: Vec<u64>,
    ends: Vec<u32>,
    words: Vec<u32>,
}

/// Successors bound for one owner.
#[derive(Default)]
struct Batch {
    keys: Vec<u64>,
    ends: Vec<u32>,
    words: Vec<u32>,
}

/// Explores `space` together with the other workers of `rounds`; `retry`
/// says whether an error of the space asks for a restart.
pub fn explore<S: Portable>(
    worker: &mut Worker,
    rounds: &mut Rounds,
    space: &S,
    options: &DistOptions,
    deadline: Option<Instant>,
    retry: impl Fn(&S::Error) -> bool,
) -> Result<Outcome, Failure<S::Error>> {
    rounds.deadline = deadline;
    let mut search = Search::start(space, options, deadline, rounds)?;
    while !search.stops_before_level() {
        // The frontier lies `depth - 1` steps from the initial state: at the
        // bound it is the last level expanded, its successors looked up, not
        // stored.
        let last = options.max_depth.is_some_and(|max| search.out.depth > max);
        let expanded = search.expand_round(worker, rounds, &retry)?;
        let lists = search.store_round(worker, rounds, expanded.incoming, last)?;
        search.close_level(&lists, expanded.cuts, last);
        if search.found_growth(worker, rounds)? {
            break;
        }
        if search.frontier_total > 0 {
            search.out.depth += 1;
        }
        search.report_progress(&lists);
    }
    search.finish(worker, rounds)
}

/// What a worker keeps from level to level of its search.
struct Search<'a, S: Portable> {
    space: &'a S,
    options: &'a DistOptions,
    started: Instant,
    limits: InLevel,
    /// This worker's index.
    me: usize,
    /// The number of workers.
    peers: usize,
    store: OwnedStates,
    channels: S::Channels,
    /// This worker's states of the level to expand next: (global position,
    /// index in the store).
    frontier: Vec<(u32, u32)>,
    /// The states of that level over all workers.
    frontier_total: u64,
    /// Per property, the (level, position) of its first target.
    first: Vec<Option<(usize, u32)>>,
    /// The levels stored after the initial one.
    level: usize,
    /// Whether a worker passed the deadline while storing the last level.
    timed_out: bool,
    /// Whether a worker passed the memory limit while storing the last level.
    over_memory: bool,
    /// Whether the hook of integers that keep changing has been called.
    drift_told: bool,
    out: Outcome,
}

/// Whether some worker cut its expansion of a level short: (by the
/// deadline, by the memory limit).
#[derive(Clone, Copy)]
struct Cuts {
    deadline: bool,
    memory: bool,
}

/// What the first round of a level brings a worker.
struct Expanded {
    /// The successors sent to it, by sender.
    incoming: Vec<Received>,
    cuts: Cuts,
}

impl<'a, S: Portable> Search<'a, S> {
    /// The search before its first level: the initial state, stored by
    /// its owner.
    fn start(
        space: &'a S,
        options: &'a DistOptions,
        deadline: Option<Instant>,
        rounds: &Rounds,
    ) -> Result<Self, Failure<S::Error>> {
        let started = Instant::now();
        let (me, peers) = (rounds.index, rounds.peers);
        let properties = space.properties().len();
        let mut store = OwnedStates::default();
        let initial = space.initial().map_err(Failure::Space)?;
        let mut channels = space.channels(me, peers);
        let initial_hash = space
            .owner_hash(&mut channels, &initial)
            .map_err(Failure::Space)?;
        let mut frontier: Vec<(u32, u32)> = Vec::new();
        if owner(initial_hash, peers) == me
            && let Inserted::New(index) = store.insert(&initial, state_hash(&initial), NO_PARENT)
        {
            frontier.push((0, index));
        }
        store.push_level(frontier.clone());
        Ok(Search {
            space,
            options,
            started,
            limits: InLevel {
                deadline,
                max_memory: options.max_memory,
            },
            me,
            peers,
            store,
            channels,
            frontier,
            frontier_total: 1,
            first: vec![None; properties],
            level: 0,
            timed_out: false,
            over_memory: false,
            drift_told: false,
            out: Outcome {
                states: 1,
                depth: 1,
                found: vec![false; properties],
                ..Outcome::default()
            },
        })
    }

    /// Whether the search ends before the next level: nothing left to
    /// expand, or a limit reached (then said in the outcome).
    fn stops_before_level(&mut self) -> bool {
        if self.frontier_total == 0 {
            return true;
        }
        let reason = if self
            .options
            .max_states
            .is_some_and(|max| self.out.states >= max)
        {
            StopReason::MaxStates
        } else if self.over_memory {
            StopReason::MaxMemory
        } else if self.timed_out {
            StopReason::Timeout
        } else {
            return false;
        };
        self.out.stopped = Some(reason);
        true
    }

    /// The first round: expands this worker's frontier, sends the
    /// successors to their owners and the level summary to everyone, and
    /// adds every worker's summary to the outcome.
    fn expand_round(
        &mut self,
        worker: &mut Worker,
        rounds: &mut Rounds,
        retry: &impl Fn(&S::Error) -> bool,
    ) -> Result<Expanded, Failure<S::Error>> {
        let (mut summary, batches, error) = expand(
            self.space,
            &mut self.channels,
            &self.store,
            &self.frontier,
            &self.first,
            (self.me, self.peers),
            &self.limits,
        );
        let mut outgoing = match error {
            None => successor_messages(self.me, batches),
            Some(_) => Vec::new(),
        };
        summary.error = error.as_ref().map(|e| WorkerError {
            message: e.to_string(),
            retry: retry(e),
            at: self.space.locate(e),
        });
        outgoing.extend(rounds.to_all(&Message::Summary(summary)));
        let (summaries, incoming) = sort_received(rounds.exchange(worker, outgoing)?, self.peers);
        if let Some(failure) = level_failure(&summaries, self.me, error) {
            return Err(failure);
        }
        self.out.absorb(&summaries);
        for (i, slot) in self.first.iter_mut().enumerate() {
            if slot.is_none() {
                let hit = summaries
                    .iter()
                    .filter_map(|s| s.first_targets.get(i).copied().flatten())
                    .min();
                *slot = hit.map(|position| (self.level, position));
            }
        }
        let cuts = Cuts {
            deadline: summaries.iter().any(|s| s.cut_by_deadline),
            memory: summaries.iter().any(|s| s.cut_by_memory),
        };
        Ok(Expanded { incoming, cuts })
    }

    /// The second round: stores the successors received (at the depth
    /// bound only looks them up), sends every worker this worker's new
    /// keys and limits, and places its new states in the level made of
    /// everyone's keys. Returns every worker's key list.
    fn store_round(
        &mut self,
        worker: &mut Worker,
        rounds: &mut Rounds,
        incoming: Vec<Received>,
        last: bool,
    ) -> Result<Vec<LevelKeys>, Failure<S::Error>> {
        let (space, channels) = (self.space, &mut self.channels);
        let (new, stored, beyond) = if last {
            match any_new(space, channels, &self.store, incoming) {
                Ok(beyond) => (Vec::new(), Ok(()), beyond),
                Err(e) => (Vec::new(), Err(e), false),
            }
        } else {
            let (new, stored) = insert_level(space, channels, &mut self.store, incoming);
            (new, stored, false)
        };
        let over_memory = (self.options.max_memory)
            .is_some_and(|max| resident_bytes().unwrap_or_else(|| self.store.bytes()) > max);
        let timed_out = self.limits.deadline.is_some_and(|d| Instant::now() >= d);
        let keys = LevelKeys {
            worker: self.me as u32,
            keys: new.iter().map(|&(key, _)| key).collect(),
            timed_out,
            over_memory,
            bytes: self.store.bytes(),
            sent: rounds.sent,
            error: stored.as_ref().err().map(ToString::to_string),
            beyond,
        };
        let lists = key_lists(rounds.exchange(worker, rounds.to_all(&Message::Keys(keys)))?);
        if let Some(failed) = lists.iter().find(|l| l.error.is_some()) {
            return Err(match stored {
                Err(e) => Failure::Space(e),
                Ok(()) => Failure::Peer {
                    worker: failed.worker as usize,
                    message: failed.error.clone().unwrap_or_default(),
                    at: None,
                },
            });
        }
        self.frontier = positions(&new, &lists, self.me);
        self.store.push_level(self.frontier.clone());
        Ok(lists)
    }

    /// Adds the level just stored to the outcome: its states, the limits
    /// every worker reached, and whether the run stops after it.
    fn close_level(&mut self, lists: &[LevelKeys], cuts: Cuts, last: bool) {
        self.frontier_total = lists.iter().map(|l| l.keys.len() as u64).sum();
        self.timed_out = cuts.deadline || lists.iter().any(|l| l.timed_out);
        self.over_memory = cuts.memory || lists.iter().any(|l| l.over_memory);
        self.out.stopped = level_stop(
            cuts.deadline,
            cuts.memory,
            self.frontier_total,
            last && lists.iter().any(|l| l.beyond),
        );
        let bytes: u64 = lists.iter().map(|l| l.bytes).sum();
        self.out.peak_bytes = self.out.peak_bytes.max(bytes);
        self.out.sent = lists.iter().map(|l| l.sent).sum();
        self.out.states += self.frontier_total;
        self.level += 1;
    }

    /// Whether the level just stored proves the net unbounded (then said
    /// in the outcome); if it does not, tells the hook of integers that
    /// keep changing, where it applies. The new level lies `level` steps
    /// from the initial state; every worker decides alike whether to look,
    /// from the same figures. The integers are looked at only where the
    /// ancestors are fetched for the growth of tokens, where the space
    /// [may grow](sesphr_engine::explore::StateSpace::may_grow): every
    /// coloured space may (a P/T net has no integers), and fetching them
    /// for the note alone would make the workers without the hook take
    /// part in rounds they cannot know of.
    fn found_growth(
        &mut self,
        worker: &mut Worker,
        rounds: &mut Rounds,
    ) -> Result<bool, Failure<S::Error>> {
        if self.out.stopped.is_some()
            || self.frontier_total == 0
            || !growth::looks_at(self.level as u64)
            || !self.space.may_grow()
        {
            return Ok(false);
        }
        let level = (self.level, self.frontier_total);
        let lines = fetch_lines(worker, rounds, self.space, &self.store, level)?;
        let Some(grown) = growth_in(self.space, &lines, self.level) else {
            self.tell_drift(&lines);
            return Ok(false);
        };
        self.out.growth = Some(grown);
        self.out.stopped = Some(StopReason::Unbounded);
        Ok(true)
    }

    /// Tells the hook, once, if the integers of `lines` (the new level's
    /// first states and their ancestors) keep changing ([`drift`]).
    fn tell_drift(&mut self, lines: &[Option<Path>]) {
        let steps = u32::try_from(self.level).unwrap_or(u32::MAX);
        if self.drift_told || steps < drift::FROM_STEPS {
            return;
        }
        let Some(hook) = &self.options.on_integer_drift else {
            return;
        };
        let found = lines.iter().flatten().find_map(|line| {
            let line: Vec<&[u32]> = line.iter().map(Vec::as_slice).collect();
            drift::drift_along(self.space, &line, steps)
        });
        if let Some(found) = found {
            self.drift_told = true;
            hook(&found);
        }
    }

    /// Calls the progress hook, on worker 0, with the figures of the
    /// whole run.
    fn report_progress(&self, lists: &[LevelKeys]) {
        let Some(hook) = self.options.progress.as_ref().filter(|_| self.me == 0) else {
            return;
        };
        hook(&Progress {
            states: self.out.states,
            expanded: self.out.states - self.frontier_total,
            edges: self.out.edges,
            frontier: self.frontier_total,
            depth: self.out.depth,
            memory_bytes: lists.iter().map(|l| l.bytes).sum(),
            elapsed: self.started.elapsed(),
        });
    }

    /// The outcome, with the paths to the first targets and to the
    /// growth's later state.
    fn finish(
        self,
        worker: &mut Worker,
        rounds: &mut Rounds,
    ) -> Result<Outcome, Failure<S::Error>> {
        let mut out = self.out;
        out.found = self.first.iter().map(Option::is_some).collect();
        let mut targets = self.first;
        targets.push(out.growth.as_ref().map(|g| (g.level, g.position)));
        out.paths = trace_paths(worker, rounds, self.space, &self.store, &targets)?;
        out.growth_path = out.paths.pop().flatten();
        Ok(out)
    }
}

impl Outcome {
    /// Adds the workers' level summaries to the run's counts.
    fn absorb(&mut self, summaries: &[LevelSummary]) {
        for s in summaries {
            self.edges += s.edges;
            self.deadlocks += s.deadlocks;
            self.represented += s.represented;
            self.max_total = self.max_total.max(s.max_total);
            self.max_place = self.max_place.max(s.max_place);
        }
    }
}

/// The messages that send each owner its successors (`batches`, by owner),
/// from worker `me`.
fn successor_messages(me: usize, batches: Vec<Batch>) -> Vec<(usize, Message)> {
    batches
        .into_iter()
        .enumerate()
        .filter(|(_, batch)| !batch.keys.is_empty())
        .map(|(to, batch)| {
            let successors = Message::Successors {
                from: me as u32,
                keys: batch.keys,
                ends: batch.ends,
                words: batch.words,
            };
            (to, successors)
        })
        .collect()
}

/// The first round's messages: the level summaries of the `peers` workers,
/// by worker, and the successors received, by sender (so that each
/// channel's messages are read in order).
fn sort_received(received: Vec<Message>, peers: usize) -> (Vec<LevelSummary>, Vec<Received>) {
    let mut summaries = Vec::with_capacity(peers);
    let mut incoming = Vec::new();
    for message in received {
        match message {
            Message::Summary(s) => summaries.push(s),
            Message::Successors {
                from,
                keys,
                ends,
                words,
            } => incoming.push(Received {
                from: from as usize,
                keys,
                ends,
                words,
            }),
            Message::Keys(_) | Message::PathStep { .. } => {}
        }
    }
    summaries.sort_by_key(|s| s.worker);
    incoming.sort_by_key(|message| message.from);
    (summaries, incoming)
}

/// Why the run stops after a level, if it does: a level cut short by the
/// deadline or the memory limit that found nothing new (otherwise it is not
/// the last one), or the depth bound with a new successor `beyond` it (the
/// states at the bound are judged; what follows them is not explored). Every
/// worker decides alike, from the same figures.
fn level_stop(
    cut_by_deadline: bool,
    cut_by_memory: bool,
    new_states: u64,
    beyond: bool,
) -> Option<StopReason> {
    if cut_by_deadline || cut_by_memory {
        (new_states == 0).then_some(if cut_by_deadline {
            StopReason::Timeout
        } else {
            StopReason::MaxMemory
        })
    } else {
        beyond.then_some(StopReason::MaxDepth)
    }
}

/// The second round's messages: every worker's new keys.
fn key_lists(received: Vec<Message>) -> Vec<LevelKeys> {
    received
        .into_iter()
        .filter_map(|m| match m {
            Message::Keys(k) => Some(k),
            _ => None,
        })
        .collect()
}

/// How the run fails if a worker's space failed in this level (`error`:
/// worker `me`'s own): a restart if every failure asks for one; otherwise
/// the first worker's error, which that worker reports and the others name.
fn level_failure<E>(summaries: &[LevelSummary], me: usize, error: Option<E>) -> Option<Failure<E>> {
    let failed: Vec<&LevelSummary> = summaries.iter().filter(|s| s.error.is_some()).collect();
    let first = *failed.first()?;
    if failed
        .iter()
        .all(|s| s.error.as_ref().is_some_and(|e| e.retry))
    {
        return Some(Failure::Retry);
    }
    let peer = failed
        .iter()
        .find(|s| s.error.as_ref().is_some_and(|e| !e.retry))
        .copied()
        .unwrap_or(first);
    if peer.worker as usize == me
        && let Some(e) = error
    {
        return Some(Failure::Space(e));
    }
    let error = peer.error.clone().unwrap_or_default();
    Some(Failure::Peer {
        worker: peer.worker as usize,
        message: error.message,
        at: error.at,
    })
}

/// The limits a worker checks while it expands a level, so that a long
/// level does not overrun them.
struct InLevel {
    deadline: Option<Instant>,
    max_memory: Option<u64>,
}

/// How many states a worker expands between two looks at the clock.
const CLOCK_EVERY: usize = 64;

/// How many states a worker expands between two reads of its memory.
const MEMORY_EVERY: usize = 4096;

/// Expands the owned frontier states: the level summary, the successors
/// by owner, and the space's error if it failed. Past the deadline or the
/// memory limit it stops early and says so in the summary (the run then
/// ends after this level, incomplete).
fn expand<S: Portable>(
    space: &S,
    channels: &mut S::Channels,
    store: &OwnedStates,
    frontier: &[(u32, u32)],
    first: &[Option<(usize, u32)>],
    (me, peers): (usize, usize),
    limits: &InLevel,
) -> (LevelSummary, Vec<Batch>, Option<S::Error>) {
    let properties = first.len();
    let mut summary = LevelSummary {
        worker: me as u32,
        first_targets: vec![None; properties],
        ..LevelSummary::default()
    };
    let mut batches: Vec<Batch> = (0..peers).map(|_| Batch::default()).collect();
    let mut successors = StateBuf::new();
    let mut targets = vec![false; properties];
    for (done, &(position, index)) in frontier.iter().enumerate() {
        if done > 0 && done % CLOCK_EVERY == 0 {
            summary.cut_by_deadline = limits.deadline.is_some_and(|d| Instant::now() >= d);
            summary.cut_by_memory = done % MEMORY_EVERY == 0
                && limits
                    .max_memory
                    .is_some_and(|max| resident_bytes().unwrap_or(0) > max);
            if summary.cut_by_deadline || summary.cut_by_memory {
                break;
            }
        }
        let state = store.state(index);
        successors.clear();
        let step = (|| -> Result<(), S::Error> {
            space.successors(state, &mut successors)?;
            let dead = successors.is_empty();
            summary.edges += successors.len() as u64;
            summary.deadlocks += u64::from(dead);
            summary.represented += space.orbit_size(state)?;
            let stats = space.token_stats(state);
            summary.max_total = summary.max_total.max(stats.total);
            summary.max_place = summary.max_place.max(stats.max_in_place);
            if properties > 0 {
                targets.fill(false);
                space.property_targets(state, dead, &mut targets)?;
                for (i, &hit) in targets.iter().enumerate() {
                    if hit && first[i].is_none() && summary.first_targets[i].is_none() {
                        summary.first_targets[i] = Some(position);
                    }
                }
            }
            Ok(())
        })();
        if let Err(e) = step {
            return (summary, batches, Some(e));
        }
        for (rank, successor) in successors.iter().enumerate() {
            let sent = space.owner_hash(channels, successor).and_then(|hash| {
                let to = owner(hash, peers);
                let batch = &mut batches[to];
                space.send(channels, to, successor, &mut batch.words)?;
                batch.keys.push(u64::from(position) << 32 | rank as u64);
                batch.ends.push(batch.words.len() as u32);
                Ok(())
            });
            if let Err(e) = sent {
                return (summary, batches, Some(e));
            }
        }
    }
    (summary, batches, None)
}

/// Reads each received successor in this process's encoding, in the
/// channels' order (so that their dictionaries stay in step), and hands it
/// to `each` with its discovery key.
fn read_received<S: Portable>(
    space: &S,
    channels: &mut S::Channels,
    incoming: Vec<Received>,
    mut each: impl FnMut(u64, &[u32]),
) -> Result<(), S::Error> {
    for Received {
        from: sender,
        keys,
        ends,
        words,
    } in incoming
    {
        let mut from = 0usize;
        for (&key, &end) in keys.iter().zip(&ends) {
            let state = space.receive(channels, sender, &words[from..end as usize])?;
            from = end as usize;
            each(key, &state);
        }
    }
    Ok(())
}

/// Whether a received successor is a state not stored.
fn any_new<S: Portable>(
    space: &S,
    channels: &mut S::Channels,
    store: &OwnedStates,
    incoming: Vec<Received>,
) -> Result<bool, S::Error> {
    let mut beyond = false;
    read_received(space, channels, incoming, |_, state| {
        beyond |= !store.contains(state, state_hash(state));
    })?;
    Ok(beyond)
}

/// Stores the received successors (in this process's encoding); returns
/// the new states as (smallest discovery key, index), sorted by key, and
/// whether every received state could be read.
fn insert_level<S: Portable>(
    space: &S,
    channels: &mut S::Channels,
    store: &mut OwnedStates,
    incoming: Vec<Received>,
) -> (NewStates, Result<(), S::Error>) {
    let start = store.len();
    let mut new: Vec<(u64, u32)> = Vec::new();
    let read = read_received(space, channels, incoming, |key, state| {
        let parent = (key >> 32) as u32;
        match store.insert(state, state_hash(state), parent) {
            Inserted::New(index) => new.push((key, index)),
            Inserted::Known(index) if index as usize >= start => {
                let slot = &mut new[index as usize - start];
                if key < slot.0 {
                    slot.0 = key;
                    store.set_parent(index, parent);
                }
            }
            Inserted::Known(_) => {}
        }
    });
    new.sort_unstable();
    (new, read)
}

/// The global positions of this worker's new states (sorted by key) in the
/// level made of every worker's keys: its rank among all keys.
fn positions(new: &[(u64, u32)], lists: &[LevelKeys], me: usize) -> Vec<(u32, u32)> {
    let others: Vec<&[u64]> = lists
        .iter()
        .filter(|l| l.worker as usize != me)
        .map(|l| l.keys.as_slice())
        .collect();
    let mut cursors = vec![0usize; others.len()];
    new.iter()
        .enumerate()
        .map(|(mine, &(key, index))| {
            let mut position = mine;
            for (cursor, keys) in cursors.iter_mut().zip(&others) {
                while *cursor < keys.len() && keys[*cursor] < key {
                    *cursor += 1;
                }
                position += *cursor;
            }
            (position as u32, index)
        })
        .collect()
}

/// Follows the parent positions of each first target back to the initial
/// state, one round per level; worker 0 collects the states (in its
/// process's encoding), the initial state left out.
fn trace_paths<S: Portable>(
    worker: &mut Worker,
    rounds: &mut Rounds,
    space: &S,
    store: &OwnedStates,
    first: &[Option<(usize, u32)>],
) -> Result<Vec<Option<Path>>, Failure<S::Error>> {
    let collect = rounds.index == 0;
    let mut paths = follow_parents(worker, rounds, space, store, first, usize::MAX, collect)?;
    for path in paths.iter_mut().flatten() {
        // Nearest first, the initial state last: turned round, without it.
        path.pop();
        path.reverse();
    }
    Ok(paths)
}

/// From each state `from` names by (level, global position), the states
/// met following parents back: the state itself, its parent, and so on,
/// at most `most` of them, the initial state included when reached. One
/// round per level, each state sent by its owner to every worker; the
/// workers that `collect` read them (in their process's encoding), the
/// others get empty lists.
fn follow_parents<S: Portable>(
    worker: &mut Worker,
    rounds: &mut Rounds,
    space: &S,
    store: &OwnedStates,
    from: &[Option<(usize, u32)>],
    most: usize,
    collect: bool,
) -> Result<Vec<Option<Path>>, Failure<S::Error>> {
    // Per query, the state to fetch next (none once done).
    let mut at: Vec<Option<(usize, u32)>> = from.to_vec();
    let mut chains: Vec<Option<Path>> = from.iter().map(|f| f.map(|_| Vec::new())).collect();
    let mut fetched = 0usize;
    while fetched < most && at.iter().any(Option::is_some) {
        let mut outgoing = Vec::new();
        for (query, spot) in at.iter().enumerate() {
            if let Some((level, position)) = *spot
                && let Some(index) = store.at(level, position)
            {
                outgoing.extend(rounds.to_all(&Message::PathStep {
                    query: query as u32,
                    words: space.spell(store.state(index)).map_err(Failure::Space)?,
                    parent: store.parent(index),
                }));
            }
        }
        for message in rounds.exchange(worker, outgoing)? {
            if let Message::PathStep {
                query,
                words,
                parent,
            } = message
            {
                let query = query as usize;
                at[query] = match at[query] {
                    Some((level, _)) if level > 0 => Some((level - 1, parent)),
                    _ => None,
                };
                if collect && let Some(chain) = &mut chains[query] {
                    chain.push(space.read_spelled(&words).map_err(Failure::Space)?);
                }
            }
        }
        fetched += 1;
    }
    Ok(chains)
}

/// The first [`growth::SAMPLE`] states of level `level` (of `states`, in
/// the level's order), each followed by its [`growth::ANCESTORS`] nearest
/// ancestors, nearest first: every worker fetches the same states.
fn fetch_lines<S: Portable>(
    worker: &mut Worker,
    rounds: &mut Rounds,
    space: &S,
    store: &OwnedStates,
    (level, states): (usize, u64),
) -> Result<Vec<Option<Path>>, Failure<S::Error>> {
    let sample = states.min(growth::SAMPLE as u64) as u32;
    let from: Vec<Option<(usize, u32)>> = (0..sample).map(|p| Some((level, p))).collect();
    follow_parents(
        worker,
        rounds,
        space,
        store,
        &from,
        growth::ANCESTORS + 1,
        true,
    )
}

/// The first of `lines` (from [`fetch_lines`], of level `level`) whose
/// state holds every token of one of its ancestors, and more, as the
/// sequential explorer looks for it: its position, how many steps the
/// ancestor lies before it, and the places that grow. Every worker comes
/// to the same answer.
fn growth_in<S: Portable>(space: &S, lines: &[Option<Path>], level: usize) -> Option<Grown> {
    lines.iter().zip(0u32..).find_map(|(line, position)| {
        let (later, ancestors) = line.as_deref()?.split_first()?;
        let nearest = (1usize..).zip(ancestors.iter().map(Vec::as_slice));
        let (back, places) = growth::grown_from(space, later, nearest)?;
        Some(Grown {
            level,
            position,
            back,
            places,
        })
    })
}

/// The resident memory of this process, where the system reports it.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesphr_engine::explore::StateSpace;
    use sesphr_engine::ptnet::{PackedNet, PtNet};
    use std::time::Duration;

    /// Eight places each toggled by two transitions: 256 markings.
    fn toggles() -> PtNet {
        let mut places = Vec::new();
        let mut transitions = Vec::new();
        for i in 0..8 {
            places.push(format!("off{i}"));
            places.push(format!("on{i}"));
            transitions.push((format!("up{i}"), vec![(2 * i, 1)], vec![(2 * i + 1, 1)]));
            transitions.push((format!("down{i}"), vec![(2 * i + 1, 1)], vec![(2 * i, 1)]));
        }
        let initial = (0..16).map(|p| u32::from(p % 2 == 0)).collect();
        PtNet::new("toggles", places, initial, transitions)
    }

    #[test]
    fn a_level_is_cut_short_past_the_deadline() {
        let net = toggles();
        let space = PackedNet::new(&net, Vec::new()).unwrap();
        // The 256 markings, stored as one frontier.
        let mut store = OwnedStates::default();
        let mut frontier = Vec::new();
        let mut pending = vec![space.initial().unwrap()];
        let mut next = StateBuf::new();
        while let Some(state) = pending.pop() {
            if let Inserted::New(index) = store.insert(&state, state_hash(&state), NO_PARENT) {
                frontier.push((frontier.len() as u32, index));
                next.clear();
                space.successors(&state, &mut next).unwrap();
                pending.extend(next.iter().map(<[u32]>::to_vec));
            }
        }
        assert_eq!(frontier.len(), 256);
        let expand_with = |deadline| {
            let limits = InLevel {
                deadline,
                max_memory: None,
            };
            // A P/T space's channels remember nothing.
            expand(&space, &mut (), &store, &frontier, &[], (0, 1), &limits)
        };
        let (whole, _, _) = expand_with(Some(Instant::now() + Duration::from_secs(3600)));
        assert!(!whole.cut_by_deadline);
        assert_eq!(whole.edges, 256 * 8);
        let past = Instant::now().checked_sub(Duration::from_secs(1));
        let (cut, batches, _) = expand_with(past);
        assert!(cut.cut_by_deadline);
        // Every marking has 8 successors; the clock is read every CLOCK_EVERY states.
        assert_eq!(cut.edges, CLOCK_EVERY as u64 * 8);
        assert_eq!(batches[0].keys.len(), CLOCK_EVERY * 8);
    }
}
