//! Whether the partial-order reduction pays for itself on the net at hand.
//!
//! Seeking a stubborn set costs more than expanding the marking in full:
//! every enabled binding's tokens are indexed and its dependencies followed
//! ([`super::stubborn`]), two to three times the expansion on the nets of
//! `nets/`. Leaving bindings out pays only where many are left out: on the
//! coloured philosophers with deadlock freedom alone the sets leave out 44
//! to 53 bindings in a hundred and the reduced run stores 2.4 to 3.7 times
//! fewer markings, while on the SeSPHR net with deadlock freedom alone they
//! leave out 11 to 20 in a hundred, other paths reach nearly every marking
//! those would have led to (0 to 6% fewer stored), and the reduced run
//! takes 1.4 to 2.6 times as long as the full one. The trial counts, in
//! the markings expanded while it runs, the enabled bindings and those
//! fired; once [`TRIAL_MARKINGS`] markings are counted, at the end of a
//! breadth-first level, it decides for good: the reduction is kept if it
//! left out at least [`MIN_LEFT_OUT_PER_MILLE`] bindings in a thousand,
//! and given up otherwise (every later marking is expanded in full). A run
//! that has left out no binding at all in its first [`EARLY_MARKINGS`]
//! markings is given up then: a net whose markings enable one binding each
//! (a token going round a ring of thousands of places) would otherwise
//! spend a thousand levels of a slower engine learning nothing more.
//!
//! Giving up keeps every verdict: expanding a marking in full is always
//! allowed, and a cycle of the reduced graph through a later marking has a
//! fully expanded one. The decision depends only on the markings of the
//! levels expanded before it, which are the same whatever the thread count,
//! so the stored states and traces are too.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Markings counted before the trial decides (at the end of the level in
/// which they are reached).
pub const TRIAL_MARKINGS: u64 = 1024;

/// Markings after which a trial that has left out no binding gives the
/// reduction up without waiting for [`TRIAL_MARKINGS`].
pub const EARLY_MARKINGS: u64 = 128;

/// The reduction is kept if it leaves out at least this many bindings in a
/// thousand enabled ones: between the SeSPHR net's 200 at most, where the
/// reduction costs time, and the philosophers' 440 at least, where it saves
/// some (docs/checker.md, "Reductions").
pub const MIN_LEFT_OUT_PER_MILLE: u64 = 300;

/// The trial's counts and, once made, its decision.
#[derive(Debug, Default)]
pub struct StubbornTrial {
    markings: AtomicU64,
    enabled: AtomicU64,
    fired: AtomicU64,
    levels: AtomicU64,
    decision: OnceLock<Decision>,
}

/// What the trial decided, with the counts it decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the reduction is kept.
    pub kept: bool,
    /// Breadth-first levels expanded before the decision.
    pub levels: u64,
    /// Markings in which a stubborn set was sought.
    pub markings: u64,
    /// Their enabled bindings.
    pub enabled: u64,
    /// The bindings fired in them.
    pub fired: u64,
}

impl Decision {
    /// The reduction as a report names it, with the trial's counts.
    pub fn describe(&self) -> String {
        format!(
            "{SETS}, {} after {} levels: in {} markings they left out {} of {} enabled bindings",
            if self.kept { "kept" } else { "given up" },
            self.levels,
            self.markings,
            self.enabled - self.fired,
            self.enabled
        )
    }
}

/// The partial-order reduction, as a report names it.
pub const SETS: &str = "partial order (stubborn sets of bindings)";

impl StubbornTrial {
    /// Whether stubborn sets are still sought (not given up).
    pub fn active(&self) -> bool {
        self.decision.get().is_none_or(|d| d.kept)
    }

    /// Counts a marking with `enabled` enabled bindings, of which `fired`
    /// were fired (all when no stubborn set was found); nothing once the
    /// trial has decided.
    pub fn count(&self, enabled: usize, fired: usize) {
        if self.decision.get().is_some() {
            return;
        }
        self.markings.fetch_add(1, Ordering::Relaxed);
        self.enabled.fetch_add(enabled as u64, Ordering::Relaxed);
        self.fired.fetch_add(fired as u64, Ordering::Relaxed);
    }

    /// At the end of a breadth-first level (no marking being expanded):
    /// decides, once [`TRIAL_MARKINGS`] markings are counted, or
    /// [`EARLY_MARKINGS`] of which none had a binding left out.
    pub fn level_expanded(&self) {
        let levels = self.levels.fetch_add(1, Ordering::Relaxed) + 1;
        if self.decision.get().is_some() {
            return;
        }
        let markings = self.markings.load(Ordering::Relaxed);
        let enabled = self.enabled.load(Ordering::Relaxed);
        let fired = self.fired.load(Ordering::Relaxed);
        let left_out = enabled.saturating_sub(fired);
        let nothing_yet = markings >= EARLY_MARKINGS && left_out == 0;
        if markings < TRIAL_MARKINGS && !nothing_yet {
            return;
        }
        let _ = self.decision.set(Decision {
            kept: left_out * 1000 >= enabled * MIN_LEFT_OUT_PER_MILLE,
            levels,
            markings,
            enabled,
            fired,
        });
    }

    /// The decision, once made.
    pub fn decision(&self) -> Option<Decision> {
        self.decision.get().copied()
    }

    /// Whether no binding was ever left out: true until the trial decides
    /// (if it has counted none left out so far) and after it gave up on
    /// such a run, false once the reduction is kept (its later markings are
    /// not counted). Every stored marking was then expanded in full, so the
    /// stored states are every reachable one.
    pub fn left_nothing_out(&self) -> bool {
        let counted_all = self.decision.get().is_none_or(|d| !d.kept);
        counted_all && self.fired.load(Ordering::Relaxed) == self.enabled.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trial_of(markings: u64, enabled: usize, fired: usize) -> StubbornTrial {
        let trial = StubbornTrial::default();
        for _ in 0..markings {
            trial.count(enabled, fired);
        }
        trial
    }

    /// The decision to give the sets up after `levels` levels with these counts.
    fn given_up(levels: u64, markings: u64, enabled: u64, fired: u64) -> Option<Decision> {
        Some(Decision {
            kept: false,
            levels,
            markings,
            enabled,
            fired,
        })
    }

    #[test]
    fn a_run_that_leaves_nothing_out_is_given_up_early() {
        let trial = trial_of(EARLY_MARKINGS - 1, 1, 1);
        trial.level_expanded();
        assert!(trial.decision().is_none(), "too few markings");
        trial.count(1, 1);
        trial.level_expanded();
        assert_eq!(
            trial.decision(),
            given_up(2, EARLY_MARKINGS, EARLY_MARKINGS, EARLY_MARKINGS)
        );
        assert!(trial.left_nothing_out());
        // One binding left out in those markings: the trial goes on.
        let trial = trial_of(EARLY_MARKINGS, 2, 2);
        trial.count(2, 1);
        trial.level_expanded();
        assert!(trial.decision().is_none());
    }

    #[test]
    fn it_decides_at_the_first_level_end_after_enough_markings() {
        let trial = trial_of(TRIAL_MARKINGS - 1, 10, 9);
        trial.level_expanded();
        assert!(
            trial.active() && trial.decision().is_none(),
            "too few markings"
        );
        trial.count(10, 9);
        trial.level_expanded();
        assert_eq!(
            trial.decision(),
            given_up(2, TRIAL_MARKINGS, 10 * TRIAL_MARKINGS, 9 * TRIAL_MARKINGS)
        );
        assert!(!trial.active());
        assert!(!trial.left_nothing_out(), "one binding in ten was left out");
        // Decided for good: later counts are ignored.
        trial.count(10, 1);
        trial.level_expanded();
        assert_eq!(trial.decision().map(|d| d.markings), Some(TRIAL_MARKINGS));
    }

    #[test]
    fn a_reduction_that_leaves_out_three_bindings_in_ten_is_kept() {
        // 3 of 10 left out: exactly the threshold.
        let kept = trial_of(TRIAL_MARKINGS, 10, 7);
        kept.level_expanded();
        assert!(kept.active() && kept.decision().is_some_and(|d| d.kept));
        assert!(!kept.left_nothing_out());
        // 299 of 1000 left out: under it.
        let given_up = trial_of(TRIAL_MARKINGS, 1000, 701);
        given_up.level_expanded();
        assert!(!given_up.active());
        assert!(!given_up.left_nothing_out(), "a binding was left out");
    }
}
