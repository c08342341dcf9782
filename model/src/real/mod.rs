//! Real cryptography on the nets' transitions: the same net that is checked
//! symbolically runs with real keys, ciphertexts and pairings.
//!
//! - [`RealFunctions`] binds every function name of the SeSPHR nets to this
//!   crate's cryptography and checks each result against the symbolic library.
//! - [`run()`] fires a net with them, times every transition, mirrors the cloud's
//!   ciphertexts to an on-disk [`CloudStore`](crate::cloud::CloudStore) and its
//!   ledger records to an on-disk [`Ledger`](crate::ledger::Ledger), checks
//!   every decrypted plaintext at the end and measures the engine's overhead
//!   against calling the library directly; its [`RunReport`] says what it
//!   timed and checked.
//! - [`replay`] does the same along a trace of the symbolic net (a checker's
//!   witness), matching each step's binding by its symbolic values.
//!
//! A value is `real(symbolic, bytes)` (see [`pair`]); net-built values such as
//! labels stay plain. Knowledge sets have no real counterpart and stay symbolic.

mod library;
mod mirror;
mod ops;
pub mod pair;
mod report;
mod run;
mod stats;

pub use library::{CallRecord, DISAGREEMENT, RealFunctions};
pub use mirror::CLOUD_PLACE;
pub use ops::{Config, Fault, plaintext};
pub use pair::symbolic;
pub use report::{Checks, RunEnd, RunError, RunReport, TransitionTiming};
pub use run::{RunOptions, check_plaintexts, replay, run};
pub use stats::Samples;
