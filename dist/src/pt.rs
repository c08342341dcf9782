//! Checking a place/transition net with the distributed explorer: the
//! packed encoding of the single-machine explorer (widened and restarted
//! on a counter overflow, as it does), the report it gives.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sesphr_engine::explore::{
    CheckReport, RunFigures, StateSpace, decided, safety_result, trace_along,
};
use sesphr_engine::ptnet::{PackedNet, PtError, PtNet, PtProperty};
use timely::worker::Worker;

use crate::DistError;
use crate::bfs::{DistOptions, Failure, Outcome, explore};
use crate::cluster::Cluster;
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

/// Checks `net` for `properties` as process `cluster.process` of the run;
/// every process of the host file must call it. Returns the report on
/// process 0, `None` on the others.
pub fn check_pt_distributed(
    net: Arc<PtNet>,
    properties: Vec<PtProperty>,
    options: DistOptions,
    cluster: &Cluster,
) -> Result<Option<DistReport>, DistError> {
    let threads = cluster.threads.max(1);
    let config = timely::Config {
        communication: timely::CommunicationConfig::Cluster {
            threads,
            process: cluster.process,
            addresses: cluster.addresses.clone(),
            report: false,
            zerocopy: false,
        },
        worker: timely::WorkerConfig::default(),
    };
    let processes = cluster.addresses.len();
    let results = crate::stdout::to_stderr_during(|| {
        timely::execute(config, move |worker| {
            run_worker(
                worker,
                &net,
                &properties,
                options.clone(),
                threads,
                processes,
            )
        })
        .map(timely::communication::WorkerGuards::join)
    })
    .map_err(DistError::Start)?;
    let mut report = None;
    for result in results {
        match result.map_err(DistError::Panicked)?? {
            Some(r) if report.is_none() => report = Some(r),
            _ => {}
        }
    }
    Ok(report)
}

/// One worker's run: explore, widening the encoding on overflow; worker 0
/// builds the report.
fn run_worker(
    worker: &mut Worker,
    net: &PtNet,
    properties: &[PtProperty],
    options: DistOptions,
    threads: usize,
    processes: usize,
) -> Result<Option<DistReport>, DistError> {
    let started = Instant::now();
    let deadline = options.timeout.and_then(|t| started.checked_add(t));
    let mut rounds = Rounds::new(worker, threads);
    let space_error = |e: PtError| DistError::Space(e.to_string());
    let mut space = PackedNet::new(net, properties.to_vec()).map_err(space_error)?;
    let outcome = loop {
        let widen = space.lane_bits() < 32;
        let overflow = |e: &PtError| widen && matches!(e, PtError::Overflow { .. });
        match explore(worker, &mut rounds, &space, &options, deadline, overflow) {
            Ok(outcome) => break outcome,
            Err(Failure::Retry) => {
                space = PackedNet::with_lane_bits(net, properties.to_vec(), space.lane_bits() * 2)
                    .map_err(space_error)?;
            }
            Err(Failure::Space(e)) => return Err(space_error(e)),
            Err(Failure::Peer { worker, message }) => {
                return Err(DistError::Peer { worker, message });
            }
        }
    };
    if rounds.index != 0 {
        return Ok(None);
    }
    let mut report = report(&space, &outcome, started.elapsed())?;
    report.net = net.name.clone();
    report.threads = threads;
    Ok(Some(DistReport {
        report,
        processes,
        workers: rounds.peers,
        bytes_sent: outcome.sent,
    }))
}

/// The check report of an outcome, as the single-machine `check` writes it.
fn report<S: StateSpace>(
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
    Ok(CheckReport::from_run(space, figures, properties))
}
