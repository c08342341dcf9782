//! What a protocol run reports: how it ended, its timings, the checks it
//! made, and why it failed when it did.

use std::time::Duration;

use sesphr_engine::net::code::EvalError;
use sesphr_engine::net::functions::FunctionError;
use sesphr_engine::net::marking::Marking;

use super::library::CallRecord;
use super::stats::Samples;
use crate::policy::NameError;

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The engine stopped: a guard or arc failed to evaluate, or a net function
    /// failed (a disagreement between the real and symbolic semantics among them).
    #[error(transparent)]
    Engine(#[from] EvalError),
    /// The on-disk cloud store failed.
    #[error("cloud store: {0}")]
    Store(#[from] crate::Error),
    /// A ciphertext read back from the cloud store is not the one the net holds.
    #[error("the cloud store holds other bytes for {object} than the net's Cloud place")]
    StoreMismatch {
        /// The object.
        object: String,
    },
    /// A label or user id in a token is not a valid name.
    #[error(transparent)]
    Name(#[from] NameError),
    /// A token of a ledger place does not have the shape of its record.
    #[error("ledger token {token}: expected {expected}")]
    LedgerToken {
        /// The token.
        token: String,
        /// The shape expected.
        expected: String,
    },
    /// A decrypted plaintext in the final marking is not the uploaded partition.
    #[error(
        "place {place}: the plaintext of {value} differs from the partition the patient uploaded"
    )]
    PlaintextMismatch {
        /// The place holding it.
        place: String,
        /// The symbolic plaintext.
        value: String,
    },
    /// A decryption that was refused nonetheless carries a plaintext.
    #[error("place {place}: the refused decryption {value} carries bytes")]
    RefusedWithPlaintext {
        /// The place holding it.
        place: String,
        /// The symbolic value.
        value: String,
    },
    /// A step of the trace given to [`replay`](super::replay) cannot be fired with real values.
    #[error("step {step} ({transition}) of the trace cannot be replayed: {reason}")]
    ReplayDiverged {
        /// The step's number, from 1.
        step: usize,
        /// The step's transition.
        transition: String,
        /// What went wrong.
        reason: String,
    },
    /// Replaying the run's operations directly failed.
    #[error("direct replay: {0}")]
    Replay(#[from] FunctionError),
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// Nothing left to do: no binding is enabled except refusals already made
    /// (bindings whose firing leaves the marking unchanged fire once).
    Quiescent,
    /// The step limit was reached.
    StepLimit,
    /// Every step of the trace given to [`replay`](super::replay) was fired.
    Replayed,
}

/// The timing of one transition over a run.
#[derive(Debug, Clone, Default)]
pub struct TransitionTiming {
    /// The transition's name.
    pub name: String,
    /// One sample per firing: the firing itself and the real computation its
    /// guard did since its previous firing (disk time apart, see `store`).
    pub firings: Samples,
    /// Firings that left the marking unchanged (refusals such as D_R_F).
    pub unchanged: u64,
    /// Time spent searching this transition's enabled bindings (guards included).
    pub search: Duration,
    /// Time spent writing and reading the cloud store and the ledger for it.
    pub store: Duration,
}

/// What the final checks verified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checks {
    /// Decrypted plaintexts compared with the uploaded partitions.
    pub plaintexts: usize,
    /// Refused decryptions confirmed to carry no plaintext.
    pub refused: usize,
    /// Ciphertexts written to the cloud store.
    pub stored: usize,
    /// Ciphertexts read back from the cloud store and compared.
    pub fetched: usize,
    /// Records appended to the on-disk ledger.
    pub ledger_records: usize,
    /// Blocks of the on-disk ledger, verified from the file at the end.
    pub ledger_blocks: usize,
}

/// The result of one run.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The seed of the run.
    pub seed: u64,
    /// Steps fired.
    pub steps: u64,
    /// How it ended.
    pub end: RunEnd,
    /// Per transition, in the net's order.
    pub transitions: Vec<TransitionTiming>,
    /// Calls per transition and function.
    pub calls: Vec<CallRecord>,
    /// Wall time of the run through the engine, cloud store excluded.
    pub engine: Duration,
    /// Time of the same real operations called directly.
    pub direct: Duration,
    /// What the final checks verified.
    pub checks: Checks,
    /// The final marking.
    pub marking: Marking,
}
