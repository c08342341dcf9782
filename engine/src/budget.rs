//! The time and memory budget of a run, checked cheaply and often.
//!
//! A [`Budget`] holds a deadline and a ceiling on the process's resident
//! memory (RSS). The explorer installs it on each worker thread
//! ([`Budget::install`]) around the work of expanding states; the inner loops
//! that may run long on a single state (binding enumeration, successor
//! generation, a property's quantifiers) call [`tick`] at every step. Every [`TICKS_PER_CHECK`] ticks the
//! thread compares the clock, and every [`TICKS_PER_MEMORY_CHECK`] ticks its
//! RSS, against the installed budget; once a limit is met the budget is
//! *exhausted* for every thread, and `tick` returns the reason so the caller
//! can unwind. Code that runs without an installed budget (simulation, tests)
//! never stops.

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

/// Ticks between two looks at the clock (and at another thread's stop).
pub const TICKS_PER_CHECK: u32 = 1 << 10;

/// Ticks between two reads of the process's resident memory.
pub const TICKS_PER_MEMORY_CHECK: u32 = 1 << 16;

/// Which limit ended a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Exhausted {
    /// The deadline passed.
    #[error("the time limit was reached")]
    Time,
    /// The process's resident memory reached the ceiling.
    #[error("the memory limit was reached")]
    Memory,
}

impl Exhausted {
    fn code(self) -> u8 {
        match self {
            Exhausted::Time => 1,
            Exhausted::Memory => 2,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Exhausted::Time),
            2 => Some(Exhausted::Memory),
            _ => None,
        }
    }
}

/// A deadline and a resident-memory ceiling, shared by the threads of a run.
#[derive(Debug, Default)]
pub struct Budget {
    deadline: Option<Instant>,
    max_rss: Option<u64>,
    exhausted: AtomicU8,
}

impl Budget {
    /// A budget ending at `deadline` or when the process's RSS reaches
    /// `max_rss` bytes, whichever comes first (`None`: no such limit).
    pub fn new(deadline: Option<Instant>, max_rss: Option<u64>) -> Self {
        Budget {
            deadline,
            max_rss,
            exhausted: AtomicU8::new(0),
        }
    }

    /// A budget of `timeout` counted from `started` (a deadline beyond what
    /// the clock can represent is no deadline) and `max_rss` bytes.
    pub fn starting_at(started: Instant, timeout: Option<Duration>, max_rss: Option<u64>) -> Self {
        Budget::new(timeout.and_then(|t| started.checked_add(t)), max_rss)
    }

    /// The limit that ended the run, if one did.
    pub fn exhausted(&self) -> Option<Exhausted> {
        Exhausted::from_code(self.exhausted.load(Ordering::Relaxed))
    }

    /// Marks the budget exhausted for `reason` (the first reason stays).
    pub fn exhaust(&self, reason: Exhausted) {
        let _ =
            self.exhausted
                .compare_exchange(0, reason.code(), Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Compares the clock and, when `memory` is set, the RSS with the limits.
    pub fn check(&self, memory: bool) -> Result<(), Exhausted> {
        if let Some(reason) = self.exhausted() {
            return Err(reason);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.exhaust(Exhausted::Time);
        } else if memory
            && let Some(max) = self.max_rss
            && resident_bytes().is_some_and(|rss| rss >= max)
        {
            self.exhaust(Exhausted::Memory);
        }
        self.exhausted().map_or(Ok(()), Err)
    }

    /// Whether `extra` more bytes would take the RSS past the ceiling (for a
    /// large allocation that a later [`tick`] would notice too late).
    pub fn would_exceed(&self, extra: u64) -> bool {
        match (self.max_rss, resident_bytes()) {
            (Some(max), Some(rss)) => rss.saturating_add(extra) >= max,
            _ => false,
        }
    }

    /// Installs this budget on the current thread while `work` runs, so
    /// that [`tick`] checks it.
    pub fn install<R>(self: &Arc<Self>, work: impl FnOnce() -> R) -> R {
        let previous = ACTIVE.with(|active| active.replace(Some(Arc::clone(self))));
        let result = work();
        ACTIVE.with(|active| *active.borrow_mut() = previous);
        result
    }
}

/// What is left of `timeout` after the time spent since `started` (one
/// phase of a run giving the next the rest of its time limit).
pub fn time_left(timeout: Option<Duration>, started: Instant) -> Option<Duration> {
    timeout.map(|t| t.saturating_sub(started.elapsed()))
}

thread_local! {
    static ACTIVE: RefCell<Option<Arc<Budget>>> = const { RefCell::new(None) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
}

/// Counts one step of work on this thread; every [`TICKS_PER_CHECK`] steps
/// checks the installed budget (if any) and returns `Err` once it is exhausted.
#[inline]
pub fn tick() -> Result<(), Exhausted> {
    let ticks = TICKS.with(|t| {
        let n = t.get().wrapping_add(1);
        t.set(n);
        n
    });
    if !ticks.is_multiple_of(TICKS_PER_CHECK) {
        return Ok(());
    }
    ACTIVE.with(|active| match &*active.borrow() {
        Some(budget) => budget.check(ticks.is_multiple_of(TICKS_PER_MEMORY_CHECK)),
        None => Ok(()),
    })
}

/// The resident memory of this process in bytes (Linux: `/proc/self/status`),
/// or `None` where the system does not say.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ticks_stop_once_the_deadline_has_passed() {
        let budget = Arc::new(Budget::new(Some(Instant::now()), None));
        let stopped = budget.install(|| (0..TICKS_PER_CHECK * 2).find_map(|_| tick().err()));
        assert_eq!(stopped, Some(Exhausted::Time));
        assert_eq!(budget.exhausted(), Some(Exhausted::Time));
    }

    #[test]
    fn ticks_stop_once_the_memory_is_reached() {
        let budget = Arc::new(Budget::new(None, Some(1)));
        let stopped = budget.install(|| (0..TICKS_PER_MEMORY_CHECK * 2).find_map(|_| tick().err()));
        assert_eq!(stopped, Some(Exhausted::Memory));
    }

    #[test]
    fn without_a_budget_nothing_stops() {
        let far = Arc::new(Budget::new(
            Some(Instant::now() + Duration::from_secs(3600)),
            None,
        ));
        assert!((0..TICKS_PER_CHECK * 4).all(|_| tick().is_ok()));
        assert!(far.install(|| (0..TICKS_PER_CHECK * 4).all(|_| tick().is_ok())));
    }

    #[test]
    fn the_first_reason_stays() {
        let budget = Budget::new(None, None);
        budget.exhaust(Exhausted::Memory);
        budget.exhaust(Exhausted::Time);
        assert_eq!(budget.check(true), Err(Exhausted::Memory));
    }
}
