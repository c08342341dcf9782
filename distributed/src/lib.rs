//! Distributed breadth-first state-space exploration on timely-dataflow.
//!
//! The workers of a run (threads of one or several processes, on one or
//! several machines) each own the states whose hash maps to them
//! ([`owner`]), explore the frontier they own level by level, and exchange
//! successors in batches through timely's exchange channels; each level
//! ends when timely's progress tracking says every worker's messages are
//! delivered ([`superstep`]). The search ([`bfs`]) reproduces the
//! single-machine explorer's breadth-first order exactly, so the report,
//! from the state count to the shortest counterexamples, is the same
//! whatever the number of processes and threads.
//!
//! Place/transition nets ([`check_pt_distributed`]) send their packed
//! markings as they are; coloured nets ([`check_coloured_distributed`])
//! send theirs spelled out, since each process interns multisets in its own
//! order ([`portable`]). Both share the timely set-up and the report
//! ([`run`]).

#![deny(unsafe_code)]

use std::time::Duration;

use sesphr_engine::net::pos::Pos;

pub mod bfs;
pub mod cluster;
pub mod coloured;
pub mod fingerprint;
pub mod meet;
pub mod owner;
pub mod portable;
pub mod pt;
pub mod run;
pub mod stdout;
pub mod store;
pub mod superstep;

pub use bfs::DistOptions;
pub use cluster::{Cluster, WaitingHook, parse_hosts, read_hosts};
pub use coloured::check_coloured_distributed;
pub use fingerprint::Fingerprint;
pub use pt::check_pt_distributed;
pub use run::{DistReport, RUN_THREAD, panic_message};

/// Why a distributed run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DistError {
    /// A host file cannot be read or has a bad line (line 0: the whole file).
    #[error("{path}{}: {message}", if *line > 0 { format!(":{line}") } else { String::new() })]
    Hosts {
        /// The host file.
        path: String,
        /// The bad line (1-based), 0 for the whole file.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The processes could not connect.
    #[error("cannot start the distributed run: {0}")]
    Start(String),
    /// Another process was started on another net, or with other options,
    /// host file or thread count: the run is refused before it explores.
    #[error(
        "process {process} was not started like this one: {what}; every process of a run \
         needs the same net file, host file, --threads and options"
    )]
    Mismatch {
        /// The process that differs.
        process: usize,
        /// What differs, in words.
        what: String,
    },
    /// A thread of this process's run panicked: a worker, or timely's
    /// network threads when the connection to a peer process broke (the
    /// message is the panic's).
    #[error("a worker stopped abnormally (did a peer process die?): {0}")]
    Panicked(String),
    /// This process's state space failed.
    #[error("state space error: {message}")]
    Space {
        /// Its error.
        message: String,
        /// Where in the net the evaluation that failed is written, if it
        /// is one.
        at: Option<Pos>,
    },
    /// Another worker's state space failed.
    #[error("state space error on worker {worker}: {message}")]
    Peer {
        /// The failing worker.
        worker: usize,
        /// Its error.
        message: String,
        /// Where in the net the evaluation that failed is written, if it
        /// is one.
        at: Option<Pos>,
    },
    /// A round waited `waited` past the deadline (`--timeout`) for the
    /// other processes ([`superstep::SILENCE`], or longer after long
    /// rounds): one of them stopped answering.
    #[error(
        "the other processes fell silent: a round waited {} s past the time limit (--timeout) \
         without word from them; did a process or a machine stop? The run is abandoned without a verdict",
        waited.as_secs()
    )]
    Silent {
        /// How long the round waited past the deadline.
        waited: Duration,
    },
    /// A counterexample could not be rebuilt.
    #[error("cannot rebuild a trace: {0}")]
    Trace(String),
}

impl DistError {
    /// The state space error of this process (not located in the net).
    pub fn space(error: impl std::fmt::Display) -> DistError {
        DistError::Space {
            message: error.to_string(),
            at: None,
        }
    }

    /// Where in the net the evaluation behind this error is written, if a
    /// guard, an arc or a property failed to evaluate.
    pub fn position(&self) -> Option<Pos> {
        match self {
            DistError::Space { at, .. } | DistError::Peer { at, .. } => *at,
            _ => None,
        }
    }
}
