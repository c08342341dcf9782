//! Parallel breadth-first exploration of a state space, with properties and
//! shortest counterexamples.
//!
//! # Concepts
//!
//! A [`StateSpace`] describes a transition system whose states are encoded as
//! short slices of `u32` words: a place/transition net packs its token counters
//! into a fixed number of words, a coloured net writes one interned multiset id
//! per place; other spaces may use variable-length states. The explorer knows nothing else about the states: it
//! asks the space for the initial state and for the successors of a state, one
//! per enabled binding, in an order the space keeps deterministic.
//!
//! [`explore`] visits every reachable state level by level (breadth first). Each
//! level is expanded in parallel in fixed-size chunks; the successors are bucketed
//! by hash into `store::SHARDS` sub-tables, and each sub-table is then filled by
//! one task without locks. Because chunks, buckets and insertion order do not
//! depend on the number of threads, the state numbering, the parent links, the
//! statistics and the counterexamples are the same with 1 thread or with 64.
//!
//! Every state has a parent link; a trace is rebuilt by following the links back
//! to the initial state and asking the space which step leads from each state to
//! the next ([`StateSpace::labelled_successors`]), so no labels are stored.
//!
//! [`check`] runs an exploration and turns it into a [`CheckReport`]: the
//! statistics of the Model Checking Contest and a verdict per property, with the
//! shortest trace to the first violating (or witnessing) state in canonical order.
//!
//! [`random_walks`] is the falsifier for spaces too large to explore: random
//! runs judged state by state, whose targets are real but whose silence
//! proves nothing.
//!
//! ```
//! use sesphr_engine::explore::{check, ExploreOptions};
//! use sesphr_engine::ptnet::{PackedNet, PtNet, PtProperty};
//!
//! // p0 -t-> p1 with two tokens in p0: three markings, two edges, one deadlock.
//! let net = PtNet::new(
//!     "two-tokens",
//!     vec!["p0".into(), "p1".into()],
//!     vec![2, 0],
//!     vec![("t".into(), vec![(0, 1)], vec![(1, 1)])],
//! );
//! let space = PackedNet::new(&net, vec![PtProperty::DeadlockFree]).unwrap();
//! let report = check(&space, &ExploreOptions::default()).unwrap();
//! assert_eq!((report.states, report.edges, report.deadlocks), (3, 2, 1));
//! assert_eq!(report.properties[0].holds, Some(false));
//! assert_eq!(report.properties[0].trace.as_ref().unwrap().steps.len(), 2);
//! ```

mod bfs;
mod buf;
pub mod drift;
mod edges;
mod expand;
mod exploration;
mod graph;
pub mod growth;
mod insert;
mod levels;
mod options;
mod pump;
mod report;
mod store;
mod walks;

pub use bfs::explore;
pub use buf::StateBuf;
pub use drift::{DriftHook, IntegerChange, IntegerDrift, PlaceDrift};
pub use edges::{NodeGraph, RecordedEdges};
pub use exploration::Exploration;
pub use graph::{
    Firing, GraphError, GraphFormat, ReachabilityGraph, reachability_graph,
    reachability_graph_within,
};
pub use growth::Growth;
pub use options::{
    ExploreError, ExploreOptions, Heartbeat, Progress, ProgressHook, StopHook, StopReason,
};
pub use pump::MAX_PUMPED_STEPS;
pub use report::{
    CheckReport, Lasso, PlaceGrowth, PropertyResult, RunFigures, Trace, Unbounded, UnfoldingSize,
    check, check_keeping, decided, safety_result, settle_along_growth, trace_along,
};
pub use store::{StateId, advise_huge_pages};
pub(crate) use store::{hash_state, release_free_memory};
pub use walks::{WalkOptions, WalkProgress, WalkProgressHook, WalkReport, random_walks};

use serde::Serialize;

/// How a space lays out its encoded states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateLayout {
    /// Every state has exactly this many words (place/transition nets).
    Fixed(usize),
    /// States have varying lengths (coloured nets).
    Variable,
}

/// Token statistics of one state, for the bound statistics of the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenStats {
    /// Tokens in the whole marking.
    pub total: u64,
    /// Tokens in the fullest place.
    pub max_in_place: u64,
}

/// What the explorer knows about a state when it asks for its targets
/// ([`StateSpace::property_targets_with`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct TargetHints<'a> {
    /// A state from which the state is one step away, and which is a target
    /// of no invariant that is not `decided` (the state's parent in the
    /// breadth-first search; `None` for the initial state or when unknown).
    pub parent: Option<&'a [u32]>,
    /// Per property, whether its targets are no longer needed (a target was
    /// found in an earlier level): the space may leave them `false`. Shorter
    /// than the property list where the rest are not decided.
    pub decided: &'a [bool],
}

impl TargetHints<'_> {
    /// Whether the targets of property `property` are no longer needed.
    pub fn is_decided(&self, property: usize) -> bool {
        self.decided.get(property) == Some(&true)
    }
}

/// What a property asks of the reachable states.
///
/// The space flags, for every state, whether the state is a *target* of each
/// property ([`StateSpace::property_targets`]); the kind says what a target means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PropertyKind {
    /// Holds in every reachable state; a target is a state that violates it.
    Invariant,
    /// Holds in some reachable state; a target is a witness.
    Reachable,
    /// No reachable dead state (except proper ends); a target is an improper dead state.
    DeadlockFree,
    /// No place ever holds more tokens than a bound; a target exceeds it.
    Bound,
    /// A CTL formula holds in the initial state (checked on the explored graph, not by targets).
    Ctl,
    /// An LTL formula holds on every (fair) run (checked on the explored graph, not by targets).
    Ltl,
}

impl PropertyKind {
    /// The kind as net files and reports write it (`deadlock-free`), as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            PropertyKind::Invariant => "invariant",
            PropertyKind::Reachable => "reachable",
            PropertyKind::DeadlockFree => "deadlock-free",
            PropertyKind::Bound => "bound",
            PropertyKind::Ctl => "ctl",
            PropertyKind::Ltl => "ltl",
        }
    }

    /// Whether finding a target makes the property hold (`reachable`) rather than fail.
    pub fn target_is_witness(self) -> bool {
        matches!(self, PropertyKind::Reachable)
    }
}

/// A named property of a space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertySpec {
    /// The name shown in reports.
    pub name: String,
    /// What the property asks.
    pub kind: PropertyKind,
}

/// The tokens of one place before and after a step, rendered by the space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceChange {
    /// The place's name.
    pub place: String,
    /// Its marking before the step (e.g. `2`, or `{(a, 1)}` in a coloured net).
    pub before: String,
    /// Its marking after the step.
    pub after: String,
    /// The tokens the step took from the place, where the space tells them
    /// apart (coloured nets); shorter than `before` when the place is full.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<String>,
    /// The tokens the step put in the place, where the space tells them apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<String>,
}

/// One step of a trace: a transition firing under a binding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The transition's name.
    pub transition: String,
    /// The binding's variables and their values, in a stable order (empty for P/T nets).
    pub binding: Vec<(String, String)>,
    /// The places whose tokens changed.
    pub changes: Vec<PlaceChange>,
}

/// Whether [`StateSpace::reduced_successors`] gave every successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expansion {
    /// Every successor.
    Full,
    /// The successors through a stubborn set only.
    Partial,
    /// The successors through a stubborn set only, where no property reads a
    /// place: only dead markings matter, and stubborn sets preserve every one
    /// of them without the cycle proviso, so the explorer does not expand
    /// such a state again.
    PartialDeadlocksOnly,
}

/// A transition system the explorer can search.
///
/// States are encoded as `u32` word slices. Two states are the same state exactly
/// when their encodings are equal, so an encoding must be canonical (a coloured
/// marking, for instance, as one interned multiset id per place).
///
/// The space must be deterministic: the same state always yields the same
/// successors in the same order; otherwise counts and traces would depend on
/// scheduling.
pub trait StateSpace: Sync {
    /// Why a successor or a property could not be computed (e.g. a failing net function).
    type Error: std::error::Error + Send + Sync + 'static;

    /// Whether states have a fixed number of words.
    fn layout(&self) -> StateLayout;

    /// The initial state.
    fn initial(&self) -> Result<Vec<u32>, Self::Error>;

    /// The initial state before any reduction (the start of concrete traces);
    /// the same as [`StateSpace::initial`] for a space without reduction.
    fn initial_unreduced(&self) -> Result<Vec<u32>, Self::Error> {
        self.initial()
    }

    /// The stored representative of a concrete `state` (its orbit's canonical
    /// form under a symmetry reduction; `state` itself otherwise).
    fn representative(&self, state: &[u32]) -> Result<Vec<u32>, Self::Error> {
        Ok(state.to_vec())
    }

    /// How many concrete states the stored `state` stands for (1 without reduction).
    fn orbit_size(&self, state: &[u32]) -> Result<u64, Self::Error> {
        let _ = state;
        Ok(1)
    }

    /// The reduction in force, described for reports, if any.
    fn reduction(&self) -> Option<String> {
        None
    }

    /// Pushes the successors of `state` under the space's partial-order
    /// reduction, if it has one: the successors of [`StateSpace::successors`]
    /// through the enabled bindings of a stubborn set, in the same order, and
    /// says whether that was every successor. It pushes none exactly when
    /// `state` is dead. The explorer expands a [`Expansion::Partial`] state
    /// again in full when one of its successors closes a cycle.
    fn reduced_successors(
        &self,
        state: &[u32],
        out: &mut StateBuf,
    ) -> Result<Expansion, Self::Error> {
        self.successors(state, out)?;
        Ok(Expansion::Full)
    }

    /// Called by the explorer after each breadth-first level is expanded
    /// and inserted, while no state is being expanded. A space may then
    /// change how it expands later states, provided every verdict stays the
    /// same and the change depends only on the states expanded so far, not
    /// on their order or on the thread count (the coloured space gives up a
    /// partial-order reduction that leaves out next to nothing). The
    /// distributed explorer, whose processes each see part of a level, does
    /// not call it.
    fn level_expanded(&self) {}

    /// Whether every state was expanded in full, no partial-order reduction
    /// having left a binding out: the token bounds of the stored states are
    /// then those of every reachable state, and each trace a shortest one.
    fn expanded_in_full(&self) -> bool {
        true
    }

    /// Whether a state that holds every token of one of its ancestors, and
    /// more, proves the net unbounded, and the net may be: its bindings fire
    /// monotonically (one enabled in a marking is enabled, with the same
    /// effect, in every marking with more tokens: no guard or arc reads a
    /// whole place) and no structural bound holds every place. The
    /// explorer then looks for such a state ([`StateSpace::growth`]) and
    /// stops at it; a space wrapped for a search that must go on past it
    /// (a mutant's second run, a contest examination bounded by the user's
    /// limits) leaves this false.
    fn may_grow(&self) -> bool {
        false
    }

    /// The places where the stored state `later` holds more tokens than
    /// `earlier`, by name, each with how many more, if `later` holds every
    /// token `earlier` holds; empty otherwise (and where they are the same).
    /// Called only where [`StateSpace::may_grow`].
    fn growth(&self, later: &[u32], earlier: &[u32]) -> Vec<(String, u64)> {
        let _ = (later, earlier);
        Vec::new()
    }

    /// The places whose tokens differ between the stored states `later`
    /// and `earlier` in their integers of type `Int` and in nothing else,
    /// each with those integers in both (a range bounds its own); `None`
    /// where anything else differs, or nothing does. Read only to tell that
    /// a run's integers keep changing ([`drift`]); the default says nothing.
    fn integer_changes(&self, later: &[u32], earlier: &[u32]) -> Option<Vec<IntegerChange>> {
        let _ = (later, earlier);
        None
    }

    /// Pushes one successor per enabled binding of `state` into `out`, in a
    /// deterministic order; pushing none means `state` is dead. Two bindings
    /// with the same effect push the same successor twice (two edges). A
    /// space may label them ([`StateBuf::push_labelled`], a coloured net
    /// with the transition's number): the explorer keeps the labels with
    /// the edges it records ([`ExploreOptions::record_edges`]).
    fn successors(&self, state: &[u32], out: &mut StateBuf) -> Result<(), Self::Error>;

    /// The same successors as [`StateSpace::successors`], in the same order, each
    /// with a readable description of its step, but concrete: not replaced by
    /// their representatives under a reduction, so that a trace built from them
    /// replays on the unreduced net. Called only to print traces and export
    /// graphs, so it may be slow.
    fn labelled_successors(&self, state: &[u32]) -> Result<Vec<(Step, Vec<u32>)>, Self::Error>;

    /// The properties checked during exploration, in report order.
    fn properties(&self) -> &[PropertySpec];

    /// Why the concrete `state` violates property number `property` (an
    /// invariant): the quantifier instance and the false sub-formula. `None`
    /// where the space cannot tell (the default).
    fn explain(
        &self,
        property: usize,
        state: &[u32],
    ) -> Result<Option<crate::net::explain::Explanation>, Self::Error> {
        let _ = (property, state);
        Ok(None)
    }

    /// Sets `targets[i]` to whether `state` is a target of property `i` (see
    /// [`PropertyKind`]); `dead` says whether `state` has no successor. `targets`
    /// arrives all `false` and has one entry per property.
    fn property_targets(
        &self,
        state: &[u32],
        dead: bool,
        targets: &mut [bool],
    ) -> Result<(), Self::Error>;

    /// [`StateSpace::property_targets`], told what the explorer knows that
    /// may save work ([`TargetHints`]); the default ignores the hints.
    fn property_targets_with(
        &self,
        state: &[u32],
        dead: bool,
        hints: TargetHints<'_>,
        targets: &mut [bool],
    ) -> Result<(), Self::Error> {
        let _ = hints;
        self.property_targets(state, dead, targets)
    }

    /// Whether [`TargetHints::parent`] can save work in
    /// [`StateSpace::property_targets_with`] (the explorer looks the parent
    /// up only then).
    fn targets_use_parent(&self) -> bool {
        false
    }

    /// Token counts of `state`, for the bound statistics.
    fn token_stats(&self, state: &[u32]) -> TokenStats;

    /// A readable rendering of `state` (e.g. its marked places), for traces and graphs.
    fn describe_state(&self, state: &[u32]) -> String;

    /// The marked places of `state` in the net's order, each with its
    /// tokens as text (a count in a place/transition net, a multiset such
    /// as `{1, 2'x}` in a coloured net): what [`StateSpace::describe_state`]
    /// says, as data, for outputs that must not parse that text back.
    fn marked_places(&self, state: &[u32]) -> MarkedPlaces;
}

/// Marked places and their tokens as text (see [`StateSpace::marked_places`]).
pub type MarkedPlaces = Vec<(String, String)>;
