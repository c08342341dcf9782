//! What an exploration is told (its limits and hooks) and what it can
//! report: progress snapshots, why it stopped, why it failed.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::drift::DriftHook;
use crate::budget::Exhausted;

/// A progress callback, called after every level.
pub type ProgressHook = Arc<dyn Fn(&Progress) + Send + Sync>;

/// A condition that ends an exploration ([`ExploreOptions::until`]).
pub type StopHook = Arc<dyn Fn() -> bool + Send + Sync>;

/// A progress callback called from inside a level, at most once per `every`.
#[derive(Clone)]
pub struct Heartbeat {
    /// The shortest interval between two calls.
    pub every: Duration,
    /// The callback; it is called on one worker thread at a time.
    pub hook: ProgressHook,
}

/// Limits and hooks of an exploration.
#[derive(Clone, Default)]
pub struct ExploreOptions {
    /// Stop after the level at which this many states are stored.
    pub max_states: Option<u64>,
    /// Explore only the states reachable in at most this many steps: those
    /// this many steps from the initial one are expanded (judged, their
    /// edges and dead states counted) but their successors are not stored;
    /// the run stops there with [`StopReason::MaxDepth`] unless every one of
    /// those successors is already stored. Sound only for a space that
    /// expands every state in full (no partial-order reduction: its stubborn
    /// sets may put a step off beyond the bound).
    pub max_depth: Option<u32>,
    /// Stop before the process's resident memory (RSS) exceeds this many bytes
    /// (checked inside binding enumeration and insertion, not only between
    /// levels); where the system does not report RSS, the explorer's own
    /// tables and buffers are counted instead.
    pub max_memory: Option<u64>,
    /// Stop after this much time (checked inside binding enumeration too).
    pub timeout: Option<Duration>,
    /// Called after every level, e.g. to draw a progress bar.
    pub progress: Option<ProgressHook>,
    /// Called while a level is being expanded, so that long levels are not
    /// silent. It only observes: the result does not depend on it.
    pub heartbeat: Option<Heartbeat>,
    /// Told once, if the states of a deep level differ from their
    /// ancestors only in integers that keep changing by the same amounts
    /// ([`drift`](super::drift)): a sign that the run may never end. It only
    /// observes: the run goes on, and its result does not depend on it.
    pub on_integer_drift: Option<DriftHook>,
    /// Stop (with [`StopReason::Decided`]) after the level at which every
    /// property of the space has a target: their verdicts are then known.
    pub stop_when_decided: bool,
    /// Stop (with [`StopReason::Decided`]) after the level at the end of
    /// which this returns true: the run has learnt what it was for (the
    /// stubborn sets' trial, once it has decided).
    pub until: Option<StopHook>,
    /// Record every edge with its label ([`Exploration::recorded`](super::Exploration::recorded)), for
    /// spaces that label their successors ([`StateBuf::push_labelled`](super::StateBuf::push_labelled));
    /// the states are then stored in arenas whatever their width. The
    /// record is dropped if a state is expanded only partly (a partial-order
    /// reduction) or the exploration stops early.
    pub record_edges: bool,
}

impl std::fmt::Debug for ExploreOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExploreOptions")
            .field("max_states", &self.max_states)
            .field("max_depth", &self.max_depth)
            .field("max_memory", &self.max_memory)
            .field("timeout", &self.timeout)
            .field("progress", &self.progress.is_some())
            .field("heartbeat", &self.heartbeat.is_some())
            .field("on_integer_drift", &self.on_integer_drift.is_some())
            .field("stop_when_decided", &self.stop_when_decided)
            .field("until", &self.until.is_some())
            .field("record_edges", &self.record_edges)
            .finish()
    }
}

/// A snapshot of a running exploration.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// States stored so far.
    pub states: u64,
    /// States whose successors have been computed so far.
    pub expanded: u64,
    /// Edges found so far.
    pub edges: u64,
    /// States waiting to be expanded (in a heartbeat: the rest of this level).
    pub frontier: u64,
    /// Levels so far.
    pub depth: u32,
    /// Bytes held by the explorer's tables.
    pub memory_bytes: u64,
    /// Time since the start.
    pub elapsed: Duration,
}

/// Why an exploration stopped before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum StopReason {
    /// `max_states` was reached.
    MaxStates,
    /// The states `max_depth` steps from the initial one were judged, and
    /// their successors not stored.
    MaxDepth,
    /// `max_memory` would have been exceeded.
    MaxMemory,
    /// `timeout` passed.
    Timeout,
    /// A shard ran out of state ids (more than about 4 billion states).
    IdSpace,
    /// Every property had a target (`stop_when_decided`).
    Decided,
    /// A state holds every token of one of its ancestors, and more: the
    /// net is unbounded ([`Exploration::growth`](super::Exploration::growth)).
    Unbounded,
}

impl StopReason {
    /// The reason as the JSON output spells it.
    pub fn name(self) -> &'static str {
        match self {
            StopReason::MaxStates => "max-states",
            StopReason::MaxDepth => "max-depth",
            StopReason::MaxMemory => "max-memory",
            StopReason::Timeout => "timeout",
            StopReason::IdSpace => "id-space",
            StopReason::Decided => "decided",
            StopReason::Unbounded => "unbounded",
        }
    }
}

impl From<Exhausted> for StopReason {
    fn from(reason: Exhausted) -> Self {
        match reason {
            Exhausted::Time => StopReason::Timeout,
            Exhausted::Memory => StopReason::MaxMemory,
        }
    }
}

/// Why an exploration failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExploreError<E: std::error::Error + 'static> {
    /// The space failed to compute a state's successors or properties.
    #[error("state space error: {source}")]
    Space {
        /// The space's error.
        #[source]
        source: E,
    },
    /// The space's labelled successors lack a successor its plain successors
    /// have: the two methods disagree (a bug in the space).
    #[error("step {index} of a trace has no labelled successor")]
    UnlabelledStep {
        /// The step's position in the trace.
        index: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_reasons_are_named_as_the_json_spells_them() {
        use StopReason::*;
        for reason in [MaxStates, MaxDepth, MaxMemory, Timeout, IdSpace, Decided] {
            assert_eq!(
                serde_json::to_value(reason).ok(),
                Some(reason.name().into())
            );
        }
    }
}
