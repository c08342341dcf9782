//! One module per subcommand; each returns the process exit code.

use std::process::ExitCode;

pub mod graph;
pub mod simulate;
pub mod validate;

/// Exit code 2: bad input or usage (clap uses 2 for usage errors too).
pub fn exit_bad_input() -> ExitCode {
    ExitCode::from(2)
}
