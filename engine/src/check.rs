//! One way from a loaded net to a verdict: [`LoadedNet::check`] picks the
//! state space (the packed fast path for P/T nets, the coloured space with
//! or without symmetry and partial-order reduction for coloured nets, or a
//! small coloured net's unfolding as [`Unfold`] says), adds the standard
//! properties asked for, explores, checks the net's CTL and LTL properties
//! (on the graph of the same space, without its partial-order reduction),
//! and names the report after the net.
//!
//! ```
//! use sesphr_engine::check::{CheckOptions, StandardProperty};
//! use sesphr_engine::load::LoadedNet;
//! use sesphr_engine::ptnet::PtNet;
//!
//! // p -t-> q with one token: two markings, the second one dead.
//! let net = PtNet::new(
//!     "one-step",
//!     vec!["p".into(), "q".into()],
//!     vec![1, 0],
//!     vec![("t".into(), vec![(0, 1)], vec![(1, 1)])],
//! );
//! let loaded = LoadedNet::PlaceTransition(Box::new(net));
//! let options = CheckOptions {
//!     properties: vec![StandardProperty::DeadlockFree, StandardProperty::OneSafe],
//!     ..CheckOptions::default()
//! };
//! let report = loaded.check(&options).unwrap();
//! assert_eq!((report.net.as_str(), report.states), ("one-step", 2));
//! assert_eq!(report.properties[0].holds, Some(false));
//! assert_eq!(report.properties[1].holds, Some(true));
//! ```

use std::sync::Arc;
use std::time::Instant;

use crate::budget::{Budget, time_left};
use crate::coloured::stubborn_trial::{Decision as StubbornDecision, TRIAL_MARKINGS};
use crate::coloured::symmetry::SymmetryError;
use crate::coloured::unfolded::{UnfoldedError, UnfoldedSpace};
use crate::coloured::{ColouredError, ColouredSpace};
use crate::explore::{
    CheckReport, ExploreError, ExploreOptions, PropertyResult, StopReason, UnfoldingSize,
    WalkOptions, WalkReport, check, check_keeping, explore as explore_states, random_walks,
};
use crate::load::LoadedNet;
use crate::mcc::observe::Checked;
use crate::net::code::EvalError;
use crate::net::model::Net;
use crate::net::pos::Pos;
use crate::ptnet::{LaneOverflow, PtError, check_pt, with_widening_lanes};
use crate::smt::unfold::{UnfoldLimits, unfold_within};
use crate::smt::{SmtError, unfolded_checks};
pub use crate::standard::{StandardProperty, pt_properties, with_standard_properties};
use crate::temporal::graph::{GraphProgressHook, Limits};
use crate::temporal::run::{GraphSize, check_temporal_in, undecided, undecided_after};

/// Whether a coloured net is explored through its unfolding to a P/T net
/// ([`crate::smt::unfold`]), with the P/T explorer's packed states and firing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unfold {
    /// Never: the coloured engine explores it.
    #[default]
    Never,
    /// Where the report stays the coloured engine's, only faster
    /// ([`UnfoldedSpace`]): no symmetry in force (the net has no symmetric
    /// type, or reductions are off), no partial-order reduction either (no
    /// transition that stubborn sets could leave out, or reductions are off)
    /// or one that its trial run gives up, no CTL or LTL property, every
    /// property expressed on token counts, and an unfolding within
    /// [`auto_unfold_limits`] (a larger one would make every state wide).
    /// The coloured engine otherwise.
    Auto,
    /// Always ([`check_unfolded`]), its markings and steps shown in the
    /// unfolding's terms (the token bounds stay per coloured place): no
    /// reduction; refused where the net or a property does not unfold.
    Always,
}

/// How large an unfolding [`Unfold::Auto`] takes where the net is small: a
/// packed state has one counter per unfolded place, so a net that builds many
/// colours in few places stays with the coloured engine (one word per place,
/// successors looked up by the tokens present). A larger net may unfold to as
/// many places and transitions as it has itself ([`auto_unfold_limits`]).
pub const AUTO_UNFOLD_LIMITS: UnfoldLimits = UnfoldLimits {
    bindings: 1024,
    colours: 256,
    searched: 1 << 16,
};

/// The unfolding [`Unfold::Auto`] takes for `net`: within
/// [`AUTO_UNFOLD_LIMITS`], or no larger than the net (a colour a place, a
/// binding a transition, as in a net of black tokens), whose packed state is
/// then no wider than the coloured engine's and whose successors the P/T
/// explorer finds by the transitions watching the marked places. The
/// bindings searched on the way may be 64 times the bindings, as in the
/// fixed limits.
pub fn auto_unfold_limits(net: &Net) -> UnfoldLimits {
    let bindings = AUTO_UNFOLD_LIMITS.bindings.max(net.transitions.len());
    UnfoldLimits {
        bindings,
        colours: AUTO_UNFOLD_LIMITS.colours.max(net.places.len()),
        searched: AUTO_UNFOLD_LIMITS.searched.max(bindings.saturating_mul(64)),
    }
}

/// How to check a net.
#[derive(Clone)]
pub struct CheckOptions {
    /// Limits and hooks of the exploration.
    pub explore: ExploreOptions,
    /// Reduce coloured nets by the symmetry of their symmetric types.
    pub symmetry: bool,
    /// Reduce coloured nets by stubborn sets of bindings (see
    /// [`crate::coloured::stubborn`]), combined with `symmetry` when both are
    /// set. Off by default: it changes the state count and leaves the token
    /// bounds unknown.
    pub partial_order: bool,
    /// Standard properties to check besides the net's own.
    pub properties: Vec<StandardProperty>,
    /// Whether a coloured net is explored through its unfolding to a P/T net.
    pub unfold: Unfold,
    /// Told how far the graph of a coloured net's CTL and LTL properties is
    /// built (after each chunk of markings), so that a long temporal check
    /// is not silent. It only observes.
    pub temporal_progress: Option<GraphProgressHook>,
}

impl std::fmt::Debug for CheckOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckOptions")
            .field("explore", &self.explore)
            .field("symmetry", &self.symmetry)
            .field("partial_order", &self.partial_order)
            .field("properties", &self.properties)
            .field("unfold", &self.unfold)
            .field("temporal_progress", &self.temporal_progress.is_some())
            .finish()
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            explore: ExploreOptions::default(),
            symmetry: true,
            partial_order: false,
            properties: Vec::new(),
            unfold: Unfold::Never,
            temporal_progress: None,
        }
    }
}

/// Why a net could not be checked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// Exploring a place/transition net failed.
    #[error(transparent)]
    PlaceTransition(#[from] ExploreError<PtError>),
    /// Exploring a coloured net failed.
    #[error(transparent)]
    Coloured(#[from] ExploreError<ColouredError>),
    /// The symmetry reduction cannot be used on the net.
    #[error(transparent)]
    Symmetry(#[from] SymmetryError),
    /// Checking a CTL or LTL property failed (a net function or an atom could not be evaluated).
    #[error(transparent)]
    Temporal(ColouredError),
    /// The coloured net or one of its properties has no unfolding (`unfold`).
    #[error(transparent)]
    Unfold(#[from] SmtError),
    /// Exploring a coloured net through its unfolding failed.
    #[error(transparent)]
    Unfolded(#[from] ExploreError<UnfoldedError>),
}

impl CheckError {
    /// The failed evaluation of a guard, an arc or a property behind this
    /// error, if it is one ([`Net::position_of_failure`] locates it).
    pub fn evaluation(&self) -> Option<&EvalError> {
        match self {
            CheckError::Coloured(ExploreError::Space { source }) | CheckError::Temporal(source) => {
                source.evaluation()
            }
            CheckError::Unfolded(ExploreError::Space {
                source: UnfoldedError::Coloured(source),
            }) => source.evaluation(),
            CheckError::Unfold(smt) => smt.evaluation(),
            _ => None,
        }
    }

    /// Where the error's cause is declared, where the error itself knows
    /// (the symmetric type whose group is too large to enumerate).
    pub fn position(&self) -> Option<Pos> {
        match self {
            CheckError::Symmetry(SymmetryError::TooLarge { at, .. }) => *at,
            _ => None,
        }
    }

    /// The place whose tokens outgrew a counter, if that is the error
    /// ([`LoadedNet::place_position`] locates it).
    pub fn place(&self) -> Option<&str> {
        match self {
            CheckError::PlaceTransition(ExploreError::Space {
                source: PtError::Overflow { place, .. },
            }) => Some(place),
            _ => None,
        }
    }

    /// The transition that could not be unfolded, if that is the error
    /// ([`LoadedNet::transition_position`] locates it).
    pub fn transition(&self) -> Option<&str> {
        match self {
            CheckError::Unfold(smt) => smt.transition(),
            _ => None,
        }
    }
}

impl LoadedNet {
    /// Explores the net and judges its properties and `options.properties`.
    pub fn check(&self, options: &CheckOptions) -> Result<CheckReport, CheckError> {
        let mut report = match self {
            LoadedNet::PlaceTransition(net) => {
                check_pt(net, &pt_properties(&options.properties), &options.explore)?
            }
            LoadedNet::Coloured(coloured) if options.unfold == Unfold::Always => {
                let mut report = check_unfolded(self, &options.properties, &options.explore)?;
                // The unfolding's states are the unreduced coloured graph's.
                let temporal = temporal_after(coloured, report.stopped, || {
                    let space = ColouredSpace::new(coloured);
                    let progress = options.temporal_progress.as_ref();
                    check_temporal_in(&space, limits(&options.explore), progress, None)
                })?;
                report.properties.extend(temporal);
                report
            }
            LoadedNet::Coloured(net) => {
                let net = with_standard_properties(net, &options.properties);
                let space = coloured_space(&net, options)?;
                let started = Instant::now();
                match check_unfolded_natively(&net, &space, options)? {
                    Some(report) => report,
                    // The time the attempt took is the run's too.
                    None => check_coloured(&net, &space, &with_time_left(options, started))?,
                }
            }
        };
        report.net = self.name().to_string();
        Ok(report)
    }

    /// Takes random walks through the net ([`random_walks`]) and judges its
    /// safety properties and `standard` on every marking they pass. A
    /// coloured net is walked without reduction: a walk stores nothing, so
    /// the symmetry would only cost the canonical form of every successor.
    /// CTL and LTL properties are left undecided: a walk is no graph of
    /// markings.
    pub fn walk(
        &self,
        standard: &[StandardProperty],
        options: &WalkOptions,
    ) -> Result<WalkReport, CheckError> {
        let mut report = match self {
            LoadedNet::PlaceTransition(net) => {
                with_widening_lanes(net, &pt_properties(standard), |space| {
                    random_walks(space, options)
                })?
            }
            LoadedNet::Coloured(net) => {
                let net = with_standard_properties(net, standard);
                let space = ColouredSpace::new(&net);
                let mut report = random_walks(&space, options)?;
                report.properties.extend(undecided(
                    &net,
                    "random walks decide no CTL or LTL property: they build no graph of markings",
                ));
                report
            }
        };
        report.net = self.name().to_string();
        Ok(report)
    }
}

/// The coloured engine's space of `net`, reduced as `options` ask.
fn coloured_space<'n>(
    net: &'n Net,
    options: &CheckOptions,
) -> Result<ColouredSpace<'n>, CheckError> {
    // CTL and LTL properties need every edge: an exploration reduced by
    // stubborn sets would leave some out, so their graph would be built
    // again, unreduced, after it. Under a depth bound stubborn sets could
    // put a step off beyond the bound.
    let partial_order =
        options.partial_order && net.temporal.is_empty() && options.explore.max_depth.is_none();
    Ok(match (options.symmetry, partial_order) {
        (true, true) => ColouredSpace::with_reductions(net)?,
        (true, false) => ColouredSpace::with_symmetry(net)?,
        (false, true) => ColouredSpace::with_partial_order(net),
        (false, false) => ColouredSpace::new(net),
    })
}

/// Checks the coloured `net` (standard properties included) with the
/// coloured engine in `space`.
fn check_coloured(
    net: &Net,
    space: &ColouredSpace<'_>,
    options: &CheckOptions,
) -> Result<CheckReport, CheckError> {
    let limits = limits(&options.explore);
    // CTL and LTL properties: on the graph of the same space, recorded by
    // the exploration where it can (see `temporal`).
    let explore = ExploreOptions {
        record_edges: !net.temporal.is_empty(),
        ..options.explore.clone()
    };
    let (mut report, explored) = check_keeping(space, &explore)?;
    let temporal = temporal_after(net, report.stopped, || {
        check_temporal_in(
            space,
            limits,
            options.temporal_progress.as_ref(),
            Some(explored),
        )
    })?;
    report.properties.extend(temporal);
    Ok(report)
}

/// The report of the coloured `net` (standard properties included)
/// explored through its unfolding and told in its own terms
/// ([`UnfoldedSpace`]), where [`Unfold::Auto`] takes that route: no CTL
/// or LTL property, no symmetry in force in the coloured engine's `space`,
/// and no partial-order reduction either, or one that its trial gives up
/// ([`stubborn_trial_on`]: the net is then explored in full, as the
/// coloured engine would after the trial, and the report says so); `None`
/// where it does not.
fn check_unfolded_natively(
    net: &Net,
    space: &ColouredSpace<'_>,
    options: &CheckOptions,
) -> Result<Option<CheckReport>, CheckError> {
    if options.unfold != Unfold::Auto || !net.temporal.is_empty() || space.symmetry().is_some() {
        return Ok(None);
    }
    // The search for the colours runs within the run's time and memory
    // limits: one marking's bindings can be too many to enumerate, and the
    // coloured engine, which would meet them too, stops at those limits.
    let started = Instant::now();
    let explore = &options.explore;
    let budget = Arc::new(Budget::starting_at(
        started,
        explore.timeout,
        explore.max_memory,
    ));
    let Ok((pt, colours)) = budget.install(|| unfold_within(net, auto_unfold_limits(net))) else {
        return Ok(None);
    };
    let Ok(checks) = unfolded_checks(net, &colours) else {
        return Ok(None);
    };
    let given_up = match space.has_partial_order() {
        false => None,
        true => match stubborn_trial_on(net, &time_left_in(explore, started))? {
            Some(decision) if !decision.kept => Some(decision),
            _ => return Ok(None),
        },
    };
    let explore = time_left_in(explore, started);
    let report = with_widening_lanes(&pt, &[], |packed| {
        let unfolded = UnfoldedSpace::new(packed, space, &colours, checks.clone());
        check(&unfolded, &explore)
    });
    // Counts past the widest lane (2^31 - 1) are the coloured engine's to
    // hold: in the initial marking or a weight, or reached on the way.
    let mut report = match report {
        Err(ExploreError::Space {
            source: UnfoldedError::Packed(PtError::TooLarge { .. }),
        }) => return Ok(None),
        Err(ExploreError::Space { source }) if source.lane_overflow() => return Ok(None),
        report => report?,
    };
    report.unfolding = Some(UnfoldingSize {
        places: pt.places.len(),
        transitions: pt.transitions.len(),
    });
    if let Some(decision) = given_up {
        // Every marking was explored, each standing for itself.
        report.reduction = Some(decision.describe());
        report.represented_states = Some(report.states);
    }
    Ok(Some(report))
}

/// `options` with the time spent since `started` taken off the time limit.
fn with_time_left(options: &CheckOptions, started: Instant) -> CheckOptions {
    CheckOptions {
        explore: time_left_in(&options.explore, started),
        ..options.clone()
    }
}

/// `explore` with the time spent since `started` taken off the time limit.
fn time_left_in(explore: &ExploreOptions, started: Instant) -> ExploreOptions {
    ExploreOptions {
        timeout: time_left(explore.timeout, started),
        ..explore.clone()
    }
}

/// Markings the trial run of [`stubborn_trial_on`] may store: eight times
/// what the trial counts before deciding, so that it decides on all but
/// the widest nets.
const STUBBORN_TRIAL_STATES: u64 = 8 * TRIAL_MARKINGS;

/// What the stubborn sets' trial decides on `net`
/// ([`crate::coloured::stubborn_trial`]), from
/// a run of the coloured engine with the partial-order reduction stopped
/// at the end of the level where [`STUBBORN_TRIAL_STATES`] markings are
/// stored (within the time and memory limits of `explore`, without its
/// progress hooks); `None` where it stopped before the trial decided. The
/// decision is made at the end of a breadth-first level, on the markings of
/// the levels before, so it does not depend on the thread count.
fn stubborn_trial_on(
    net: &Net,
    explore: &ExploreOptions,
) -> Result<Option<StubbornDecision>, CheckError> {
    let space = ColouredSpace::with_partial_order(net);
    let trial = ExploreOptions {
        max_states: Some(STUBBORN_TRIAL_STATES),
        max_memory: explore.max_memory,
        timeout: explore.timeout,
        // The run stops at the end of the level where the trial decides.
        until: Some(space.stubborn_trial_decided()),
        ..ExploreOptions::default()
    };
    explore_states(&space, &trial)?;
    Ok(space.stubborn_decision())
}

/// The CTL and LTL results of `net` after an exploration that stopped for
/// `stopped`: computed by `check`, unless a limit stopped the exploration.
/// Their graph holds every marking the exploration stored, so the same limit
/// would stop it too; they are then undecided at once.
fn temporal_after(
    net: &Net,
    stopped: Option<StopReason>,
    check: impl FnOnce() -> Result<(Vec<PropertyResult>, Option<GraphSize>), ColouredError>,
) -> Result<Vec<PropertyResult>, CheckError> {
    match stopped {
        Some(reason) if reason != StopReason::Decided => Ok(undecided_after(net, reason)),
        _ => Ok(check().map_err(CheckError::Temporal)?.0),
    }
}

/// The exploration's limits, with the deadline counted from now.
fn limits(options: &ExploreOptions) -> Limits {
    Limits {
        max_states: options.max_states,
        max_memory: options.max_memory,
        deadline: options.timeout.map(|t| std::time::Instant::now() + t),
    }
}

/// Explores the unfolding of the coloured `net` ([`crate::smt::unfold`]) with
/// the P/T explorer, judging its own safety properties and `standard` on the
/// unfolded places' token counts, as the SMT route encodes them. The state
/// space is the coloured net's (same states and edges); steps are named by
/// their bindings, as in the coloured net's traces; the token bounds count
/// a coloured place's tokens over all its colours, as the coloured engine
/// does. Refused, with the reason, where the net does not unfold or a
/// property is not encoded.
pub fn check_unfolded(
    net: &LoadedNet,
    standard: &[StandardProperty],
    options: &ExploreOptions,
) -> Result<CheckReport, CheckError> {
    // The unfolding is found within the run's time and memory limits (one
    // marking's bindings can be too many to enumerate), and its time counts.
    let started = Instant::now();
    let budget = Arc::new(Budget::starting_at(
        started,
        options.timeout,
        options.max_memory,
    ));
    let (pt, properties, places) =
        budget.install(|| crate::smt::prepare_with_places(net, standard))?;
    let options = &time_left_in(options, started);
    let checks = properties
        .iter()
        .map(|p| Ok((p.name.clone(), p.observer()?)))
        .collect::<Result<Vec<_>, SmtError>>()?;
    let mut report = with_widening_lanes(&pt, &[], |space| {
        let checked = Checked::new(space, checks.clone()).counting_together(places.clone());
        check(&checked, options)
    })?;
    report.net = net.name().to_string();
    report.unfolding = Some(UnfoldingSize {
        places: pt.places.len(),
        transitions: pt.transitions.len(),
    });
    for (result, property) in report.properties.iter_mut().zip(&properties) {
        result.kind = property.kind;
    }
    Ok(report)
}
