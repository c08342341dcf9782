//! The subcommands of the `sesphr` CLI, one module each; each returns the exit code.

use std::process::ExitCode;

pub mod check;
pub mod demo;
pub mod graph;
pub mod ledger;
pub mod net;
pub mod promela;
pub mod report;
pub mod simulate;
pub mod simulate_crypto;
pub mod validate;

/// Exit code 2: bad input or usage (clap uses 2 for usage errors too).
pub fn exit_bad_input() -> ExitCode {
    ExitCode::from(2)
}
