//! Integers that keep changing: the sign of a state space with no end.
//!
//! A coloured net whose places hold values of the unbounded type `Int` may
//! have infinitely many reachable markings with the same number of tokens
//! (a counter incremented for ever), which the growth of token counts
//! ([`super::growth`]) cannot see. Whether such a counter is bounded
//! depends on its guards, which no check here decides, so this is a sign,
//! not a proof: the explorer goes on, and tells the caller once
//! ([`ExploreOptions::on_integer_drift`](super::ExploreOptions::on_integer_drift)).
//!
//! The sign: a state that differs from an ancestor `k` steps before it only
//! in integers of type `Int`, by the same amounts as that ancestor differs
//! from its own ancestor `k` steps before. It is looked for where the
//! growth of tokens is, at the first [`growth::SAMPLE`] states of every
//! [`growth::EVERY`]th level, so the answer does not depend on the thread
//! count, but only from [`FROM_STEPS`] steps on: a net whose every marking
//! lies closer to the initial one (a counter that wraps round sooner) is
//! never noted. A deeper bounded net whose last steps change only such
//! integers is (a counter `(x + 1) % 100` beside a longer one of a range
//! type), and its run completes all the same.

use std::sync::Arc;

use super::StateSpace;
use super::growth;
use super::store::{StateId, Store};

/// How many steps from the initial state the levels looked at lie at
/// least.
pub const FROM_STEPS: u32 = 1024;

/// A callback told once that a run's integers keep changing.
pub type DriftHook = Arc<dyn Fn(&IntegerDrift) + Send + Sync>;

/// The integers of type `Int` of one place in two states that differ in
/// nothing else there ([`StateSpace::integer_changes`]): the tokens' `Int`
/// components in the same order in both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegerChange {
    /// The place, by name.
    pub place: String,
    /// Its integers in the earlier state.
    pub earlier: Vec<i64>,
    /// Its integers in the later state.
    pub later: Vec<i64>,
}

/// Integers that changed by the same amounts twice in a row, `every`
/// steps apart, on the path to a state `steps` steps from the initial one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegerDrift {
    /// How many steps from the initial state the later state lies.
    pub steps: u32,
    /// How many steps each of the two equal changes took.
    pub every: usize,
    /// The places whose integers changed.
    pub places: Vec<PlaceDrift>,
}

/// One place's first changing integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceDrift {
    /// The place, by name.
    pub place: String,
    /// How much it changed by, each time.
    pub by: i64,
    /// Its value in the later state.
    pub now: i64,
}

/// The first of the first [`growth::SAMPLE`] states of `level` (in order)
/// whose integers changed by the same amounts twice in a row, `steps`
/// steps from the initial state, with the nearest such pair of ancestors.
pub fn find_drift<S: StateSpace>(
    space: &S,
    store: &Store,
    level: &[StateId],
    steps: u32,
) -> Option<IntegerDrift> {
    level.iter().take(growth::SAMPLE).find_map(|&later| {
        let line: Vec<&[u32]> = std::iter::successors(Some(later), |&id| store.parent(id))
            .take(growth::ANCESTORS + 1)
            .map(|id| store.state(id))
            .collect();
        drift_along(space, &line, steps)
    })
}

/// Whether the integers of `line`'s first state (a state, then its
/// parent, its parent's parent, and so on, `steps` steps from the initial
/// state) changed by the same amounts twice in a row, at the nearest such
/// pair of its ancestors. Shared by the explorer and the distributed one.
pub fn drift_along<S: StateSpace>(space: &S, line: &[&[u32]], steps: u32) -> Option<IntegerDrift> {
    (1..line.len())
        .take_while(|every| 2 * every < line.len())
        .find_map(|every| {
            let places = drift(space, line[0], line[every], line[2 * every])?;
            Some(IntegerDrift {
                steps,
                every,
                places,
            })
        })
}

/// Where `later` differs from `middle` only in integers, by the same
/// amounts as `middle` from `earlier`: each changed place's first changing
/// integer.
fn drift<S: StateSpace>(
    space: &S,
    later: &[u32],
    middle: &[u32],
    earlier: &[u32],
) -> Option<Vec<PlaceDrift>> {
    let recent = space.integer_changes(later, middle)?;
    let before = space.integer_changes(middle, earlier)?;
    if recent.len() != before.len() {
        return None;
    }
    let deltas = |c: &IntegerChange| -> Option<Vec<i64>> {
        (c.later.len() == c.earlier.len()).then_some(())?;
        let pairs = c.later.iter().zip(&c.earlier);
        pairs.map(|(l, e)| l.checked_sub(*e)).collect()
    };
    recent
        .iter()
        .zip(&before)
        .map(|(r, b)| {
            let by = deltas(r)?;
            if r.place != b.place || deltas(b)? != by {
                return None;
            }
            let (i, &by) = by.iter().enumerate().find(|&(_, &d)| d != 0)?;
            Some(PlaceDrift {
                place: r.place.clone(),
                by,
                now: r.later[i],
            })
        })
        .collect()
}
