//! What every distributed check shares: starting the workers of this
//! process on timely, and turning worker 0's outcome into the
//! single-machine checker's report.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use sesphr_engine::explore::{
    CheckReport, RunFigures, StateSpace, Unbounded, decided, safety_result, settle_along_growth,
    trace_along,
};
use std::net::TcpStream;

use timely::WorkerConfig;
use timely::communication::allocator::ProcessBuilder;
use timely::communication::allocator::zero_copy::initialize::initialize_networking_from_sockets;
use timely::communication::{AllocatorBuilder, Hooks, WorkerGuards};
use timely::worker::Worker;

use crate::DistError;
use crate::bfs::{DistOptions, Failure, Outcome, explore};
use crate::cluster::Cluster;
use crate::portable::Portable;
use crate::superstep::Rounds;

/// What process 0 reports: the check report and the run's figures.
#[derive(Debug, Clone)]
pub struct DistReport {
    /// The same report as the single-machine checker's (its `threads` is
    /// the worker threads per process).
    pub report: CheckReport,
    /// Processes of the run.
    pub processes: usize,
    /// Workers of the run (processes times threads).
    pub workers: usize,
    /// Bytes the workers sent to other processes (successors, keys,
    /// summaries), all together.
    pub bytes_sent: u64,
}

/// Where one worker runs: its timely worker and the shape of the run.
pub struct WorkerRun<'w> {
    /// The timely worker.
    pub worker: &'w mut Worker,
    /// The level rounds of the run.
    pub rounds: Rounds,
    /// Worker threads per process.
    pub threads: usize,
    /// Processes of the run.
    pub processes: usize,
    /// When the run started.
    pub started: Instant,
}

/// Runs `work` on every worker thread of this process (`cluster.threads` of
/// them), connected to the other processes of the cluster; returns what
/// worker 0 of process 0 reports (`None` on the other processes).
pub fn execute<F>(cluster: &Cluster, work: F) -> Result<Option<DistReport>, DistError>
where
    F: Fn(&mut WorkerRun<'_>) -> Result<Option<DistReport>, DistError> + Send + Sync + 'static,
{
    let threads = cluster.threads.max(1);
    let meeting = cluster.clone();
    let processes = cluster.addresses.len();
    // Each worker says it started: timely has connected the processes.
    let (connected, started_workers) = mpsc::channel::<()>();
    // A worker that found the other processes silent says so at once: the
    // run's threads cannot be joined while their connections stay open.
    let (fell_silent, silence) = mpsc::channel::<Duration>();
    let run = move || {
        let sockets = crate::meet::meet(&meeting)?;
        execute_from_sockets(sockets, meeting.process, threads, move |worker| {
            let _ = connected.send(());
            let started = Instant::now();
            let rounds = Rounds::new(worker, threads);
            let result = work(&mut WorkerRun {
                worker,
                rounds,
                threads,
                processes,
                started,
            });
            if let Err(DistError::Silent { waited }) = result {
                let _ = fell_silent.send(waited);
            }
            result
        })
        .map(timely::communication::WorkerGuards::join)
        .map_err(DistError::Start)
    };
    let results = crate::stdout::redirected_during(cluster.quiet, || {
        run_connected_within(run, &started_workers, &silence, cluster.connect_within)
    })?;
    let mut report = None;
    let mut told = None;
    for result in results {
        match result.map_err(DistError::Panicked)? {
            Ok(Some(r)) if report.is_none() => report = Some(r),
            Ok(_) => {}
            // Another worker's error: the one that found it may be a thread
            // of this process, whose own error says more.
            Err(e @ DistError::Peer { .. }) => {
                told.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    match told {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

/// Starts timely's `threads` workers of process `process` over the
/// connections [`crate::meet::meet`] made, running `func` on each.
fn execute_from_sockets<T, F>(
    sockets: Vec<Option<TcpStream>>,
    process: usize,
    threads: usize,
    func: F,
) -> Result<WorkerGuards<T>, String>
where
    T: Send + 'static,
    F: Fn(&mut Worker) -> T + Send + Sync + 'static,
{
    let hooks = Hooks::default();
    let local =
        ProcessBuilder::new_typed_vector(threads, hooks.refill.clone(), hooks.spill.clone());
    let (builders, guard) =
        initialize_networking_from_sockets(local, sockets, process, threads, hooks)
            .map_err(|e| format!("failed to initialize networking: {e}"))?;
    let builders = builders.into_iter().map(AllocatorBuilder::Tcp).collect();
    timely::execute::execute_from(builders, Box::new(guard), WorkerConfig::default(), func)
}

/// The name of the thread that runs timely (and joins its threads): its
/// panics, like theirs, come from timely's.
pub const RUN_THREAD: &str = "sesphr-distributed-run";

/// What `run` returns, run on a thread of its own; an error if no worker of
/// it started within `limit` (the other processes have not all connected:
/// the thread, blocked in timely's connection set-up, is left to end with
/// the process), if a worker reports on `silence` that the others fell
/// silent (the thread, whose joins wait on their connections, is left
/// likewise), or if the thread panicked (timely's network threads do when a
/// peer's connection breaks).
fn run_connected_within<T: Send + 'static>(
    run: impl FnOnce() -> Result<T, DistError> + Send + 'static,
    started_workers: &mpsc::Receiver<()>,
    silence: &mpsc::Receiver<Duration>,
    limit: Option<Duration>,
) -> Result<T, DistError> {
    let thread = std::thread::Builder::new()
        .name(RUN_THREAD.into())
        .spawn(run)
        .map_err(|e| DistError::Start(e.to_string()))?;
    if let Some(limit) = limit
        && let Err(RecvTimeoutError::Timeout) = started_workers.recv_timeout(limit)
    {
        return Err(DistError::Start(format!(
            "the other processes did not all connect within {} s (--timeout); \
             are they running, with the same host file?",
            limit.as_secs_f64()
        )));
    }
    while !thread.is_finished() {
        match silence.recv_timeout(SILENCE_POLL) {
            Ok(waited) => return Err(DistError::Silent { waited }),
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(SILENCE_POLL),
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
    match thread.join() {
        Ok(result) => result,
        Err(payload) => Err(DistError::Panicked(panic_message(payload.as_ref()))),
    }
}

/// How often the run's thread is looked at while it runs.
const SILENCE_POLL: Duration = Duration::from_millis(50);

/// The message a panic carried.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    (payload.downcast_ref::<String>().cloned())
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "a thread of the run panicked".into())
}

impl WorkerRun<'_> {
    /// Explores `space` with the other workers; `retry` says whether an
    /// error of the space asks for a restart (with another space).
    pub fn explore<S: Portable>(
        &mut self,
        space: &S,
        options: &DistOptions,
        retry: impl Fn(&S::Error) -> bool,
    ) -> Result<Outcome, Failure<S::Error>> {
        let deadline = options.timeout.and_then(|t| self.started.checked_add(t));
        explore(
            self.worker,
            &mut self.rounds,
            space,
            options,
            deadline,
            retry,
        )
    }

    /// Worker 0's report of `outcome` on `space` (`None` on the other
    /// workers), named `net`.
    pub fn report<S: StateSpace>(
        &self,
        space: &S,
        outcome: &Outcome,
        net: &str,
    ) -> Result<Option<DistReport>, DistError> {
        if self.rounds.index != 0 {
            return Ok(None);
        }
        let mut report = check_report(space, outcome, self.started.elapsed())?;
        report.net = net.to_string();
        report.threads = self.threads;
        Ok(Some(DistReport {
            report,
            processes: self.processes,
            workers: self.rounds.peers,
            bytes_sent: outcome.sent,
        }))
    }
}

/// The distributed error of a failed exploration of `space` (other than a
/// retry), located in the net where an evaluation failed.
pub fn failure<S: Portable>(space: &S, failure: Failure<S::Error>) -> DistError {
    match failure {
        Failure::Retry => DistError::space("the exploration asked for a restart"),
        Failure::Space(e) => DistError::Space {
            message: e.to_string(),
            at: space.locate(&e),
        },
        Failure::Peer {
            worker,
            message,
            at,
        } => DistError::Peer {
            worker,
            message,
            at,
        },
        Failure::Silent(waited) => DistError::Silent { waited },
    }
}

/// The check report of an outcome, as the single-machine `check` writes it.
fn check_report<S: StateSpace>(
    space: &S,
    outcome: &Outcome,
    elapsed: Duration,
) -> Result<CheckReport, DistError> {
    let complete = outcome.stopped.is_none();
    let mut properties = Vec::new();
    for (index, spec) in space.properties().iter().enumerate() {
        let found = outcome.found.get(index).copied().unwrap_or(false);
        let holds = decided(found, spec.kind.target_is_witness(), complete);
        let reached = outcome
            .paths
            .get(index)
            .and_then(Option::as_ref)
            .map(|path| trace_along(space, path.iter().map(Vec::as_slice)))
            .transpose()
            .map_err(|e| DistError::Trace(e.to_string()))?;
        let result = safety_result(space, index, holds, reached)
            .map_err(|e| DistError::Trace(e.to_string()))?;
        properties.push(result);
    }
    let figures = RunFigures {
        stopped: outcome.stopped,
        states: outcome.states,
        edges: outcome.edges,
        depth: outcome.depth,
        deadlocks: outcome.deadlocks,
        max_tokens_per_marking: outcome.max_total,
        max_tokens_in_place: outcome.max_place,
        represented_states: outcome.represented,
        peak_bytes: outcome.peak_bytes,
        elapsed,
        // The caller sets the worker threads per process.
        threads: 1,
    };
    let mut report = CheckReport::from_run(space, figures, properties);
    if let (Some(grown), Some(path)) = (&outcome.growth, &outcome.growth_path) {
        let path: Vec<&[u32]> = path.iter().map(Vec::as_slice).collect();
        let unbounded = Unbounded::along(space, &path, grown.level - grown.back, &grown.places)
            .map_err(|e| DistError::Trace(e.to_string()))?;
        report.unbounded = Some(unbounded);
        settle_along_growth(space, &mut report).map_err(|e| DistError::Trace(e.to_string()))?;
    }
    Ok(report)
}
