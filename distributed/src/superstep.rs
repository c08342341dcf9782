//! Bulk-synchronous rounds on timely-dataflow: every worker hands in the
//! messages it addresses to other workers (itself included), timely's
//! exchange channel carries each to its addressee (over TCP between
//! processes), and the round ends when timely's progress tracking says every
//! message of the round, from every worker, has been delivered.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sesphr_engine::net::pos::Pos;
use timely::container::CapacityContainerBuilder;
use timely::dataflow::channels::pact::Exchange;
use timely::dataflow::operators::generic::operator::Operator;
use timely::dataflow::operators::{Input, Probe};
use timely::dataflow::{InputHandle, ProbeHandle};
use timely::worker::Worker;

/// What one level of one worker found, sent to every worker.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LevelSummary {
    /// The worker that sends it.
    pub worker: u32,
    /// Edges of the worker's expanded states.
    pub edges: u64,
    /// Dead states among them.
    pub deadlocks: u64,
    /// States they stand for (orbit sizes summed).
    pub represented: u64,
    /// Largest token count of one of them.
    pub max_total: u64,
    /// Largest token count of a place in one of them.
    pub max_place: u64,
    /// Per property, the smallest global position of a target among them.
    pub first_targets: Vec<Option<u32>>,
    /// The error the space gave, if it failed.
    pub error: Option<WorkerError>,
    /// Whether the worker stopped expanding its frontier at the deadline.
    pub cut_by_deadline: bool,
    /// Whether it stopped expanding over the memory limit.
    pub cut_by_memory: bool,
}

/// Why a worker's space failed, as every worker reads it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WorkerError {
    /// The error's message.
    pub message: String,
    /// Whether it asks for a restart with a wider encoding (a P/T counter
    /// overflow).
    pub retry: bool,
    /// Where in the net the evaluation that failed is written, if it is one.
    pub at: Option<Pos>,
}

/// The new states one worker stored in a level, sent to every worker.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LevelKeys {
    /// The worker that sends them.
    pub worker: u32,
    /// Their discovery keys (parent's position << 32 | successor rank), sorted.
    pub keys: Vec<u64>,
    /// Whether the worker's process passed its deadline.
    pub timed_out: bool,
    /// Whether the worker's process exceeded its memory limit.
    pub over_memory: bool,
    /// Bytes of the worker's visited set.
    pub bytes: u64,
    /// Bytes the worker sent to other processes so far.
    pub sent: u64,
    /// Why the worker could not store a received state, if it could not.
    pub error: Option<String>,
    /// At the depth bound: whether a successor it received is a state it
    /// has not stored (one beyond the bound).
    pub beyond: bool,
}

/// A message between workers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Message {
    /// Successors for their owner: the words of each (`ends` marks where each
    /// ends in `words`) with its discovery key.
    Successors {
        /// The sending worker.
        from: u32,
        /// Discovery keys, one per state.
        keys: Vec<u64>,
        /// End of each state's words.
        ends: Vec<u32>,
        /// The states' words, concatenated.
        words: Vec<u32>,
    },
    /// A worker's level summary.
    Summary(LevelSummary),
    /// A worker's new states' keys.
    Keys(LevelKeys),
    /// One state of a counterexample path: for query `query`, the state's
    /// words and its parent's position in the previous level.
    PathStep {
        /// The query (property) it answers.
        query: u32,
        /// The state's words.
        words: Vec<u32>,
        /// Its parent's global position.
        parent: u32,
    },
}

impl Message {
    /// About the bytes the message takes on the wire.
    fn wire_bytes(&self) -> u64 {
        let payload = match self {
            Message::Successors {
                keys, ends, words, ..
            } => 4 + keys.len() * 8 + ends.len() * 4 + words.len() * 4,
            Message::Summary(s) => 48 + s.first_targets.len() * 8,
            Message::Keys(k) => 24 + k.keys.len() * 8,
            Message::PathStep { words, .. } => 8 + words.len() * 4,
        };
        payload as u64 + 16
    }
}

/// How long, at least, a worker waits for the end of a round past the
/// run's deadline before it takes the other processes for gone: every
/// worker stops expanding within 64 states of the deadline, so a round that
/// has not ended this long after it waits for a process that no longer
/// answers (a stopped process, a machine gone from the network with its
/// connections left open), and the run would otherwise wait for ever.
pub const SILENCE: Duration = Duration::from_secs(20);

/// How many times its longest round before the deadline a worker waits past
/// it, when that is more than [`SILENCE`]: a network slow enough to make a
/// round last minutes shows it in the rounds before.
pub const SILENCE_PER_ROUND: u32 = 4;

/// A round that did not end: the other processes fell silent for this long
/// past the deadline ([`SILENCE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Silent(pub Duration);

/// Messages received in one round, by round.
type Inbox = Rc<RefCell<BTreeMap<u64, Vec<Message>>>>;

/// The rounds of one worker.
pub struct Rounds {
    input: InputHandle<u64, CapacityContainerBuilder<Vec<(u32, Message)>>>,
    probe: ProbeHandle<u64>,
    inbox: Inbox,
    round: u64,
    /// This worker's index.
    pub index: usize,
    /// Workers in the whole run.
    pub peers: usize,
    /// Workers per process.
    threads: usize,
    /// Bytes sent so far to workers of other processes.
    pub sent: u64,
    /// The run's deadline (`--timeout`), past which a round that waits
    /// [`Rounds::silence`] for the other processes gives up on them.
    pub deadline: Option<Instant>,
    /// The longest a round has waited so far.
    longest: Duration,
}

impl Rounds {
    /// Builds the exchange dataflow on `worker`, whose processes run
    /// `threads` workers each.
    pub fn new(worker: &mut Worker, threads: usize) -> Self {
        let mut input = InputHandle::new();
        let inbox: Inbox = Rc::default();
        let delivered = Rc::clone(&inbox);
        let probe = worker.dataflow::<u64, _, _>(|scope| {
            let (probe, _) = scope
                .input_from(&mut input)
                .unary::<CapacityContainerBuilder<Vec<()>>, _, _, _>(
                    Exchange::new(|message: &(u32, Message)| u64::from(message.0)),
                    "Deliver",
                    move |_, _| {
                        move |input, _output| {
                            input.for_each(|time, data| {
                                // Every message is sent at its round's time.
                                let Some(&round) = time.least() else { return };
                                delivered
                                    .borrow_mut()
                                    .entry(round)
                                    .or_default()
                                    .extend(data.drain(..).map(|(_, message)| message));
                            });
                        }
                    },
                )
                .probe();
            probe
        });
        Rounds {
            input,
            probe,
            inbox,
            round: 0,
            index: worker.index(),
            peers: worker.peers(),
            threads: threads.max(1),
            sent: 0,
            deadline: None,
            longest: Duration::ZERO,
        }
    }

    /// Sends `outgoing` (addressee, message) and returns what this worker
    /// received in the round, once every worker's messages are delivered;
    /// [`Silent`] if they still are not [`Rounds::silence`] after the deadline.
    pub fn exchange(
        &mut self,
        worker: &mut Worker,
        outgoing: Vec<(usize, Message)>,
    ) -> Result<Vec<Message>, Silent> {
        let process = self.index / self.threads;
        for (to, message) in outgoing {
            if to / self.threads != process {
                self.sent += message.wire_bytes();
            }
            self.input.send((to as u32, message));
        }
        let round = self.round;
        self.round += 1;
        self.input.advance_to(self.round);
        let waiting = Instant::now();
        let silence = self.silence();
        while self.probe.less_than(&self.round) {
            worker.step_or_park(Some(Duration::from_millis(1)));
            if let Some(deadline) = self.deadline
                && Instant::now() > waiting.max(deadline) + silence
            {
                return Err(Silent(silence));
            }
        }
        self.longest = self.longest.max(waiting.elapsed());
        Ok(self.inbox.borrow_mut().remove(&round).unwrap_or_default())
    }

    /// How long a round waits past the deadline before it gives up:
    /// [`SILENCE`], or [`SILENCE_PER_ROUND`] times the longest round so far
    /// if that is longer.
    pub fn silence(&self) -> Duration {
        SILENCE.max(self.longest.saturating_mul(SILENCE_PER_ROUND))
    }

    /// `message` addressed to every worker.
    pub fn to_all(&self, message: &Message) -> Vec<(usize, Message)> {
        (0..self.peers).map(|to| (to, message.clone())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_silence_grows_with_the_longest_round() {
        timely::execute_directly(|worker| {
            let mut rounds = Rounds::new(worker, 1);
            assert_eq!(rounds.silence(), SILENCE);
            // A round of one worker ends at once: its wait stays short.
            let message = Message::Summary(LevelSummary::default());
            let received = rounds.exchange(worker, vec![(0, message)]);
            assert_eq!(received.map(|r| r.len()), Ok(1));
            assert_eq!(rounds.silence(), SILENCE);
            rounds.longest = Duration::from_secs(30);
            assert_eq!(rounds.silence(), Duration::from_secs(120));
        });
    }
}
