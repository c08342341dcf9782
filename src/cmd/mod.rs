//! One module per subcommand; each returns the process exit code.

use std::fmt;
use std::io::{ErrorKind, Write};
use std::process::ExitCode;

/// `println!` that does not panic when the reader has gone (`sesphr ... | head`).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cmd::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub mod check;
pub mod demo;
pub mod graph;
pub mod ledger;
pub mod mutate;
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

/// Writes to standard output. When the reader has closed the pipe, ends the
/// program quietly (its output is no longer wanted); on another write error,
/// reports it and exits with code 2.
pub fn write_out(args: fmt::Arguments<'_>) {
    if let Err(e) = std::io::stdout().write_fmt(args) {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        let _ = writeln!(std::io::stderr(), "error: cannot write the output: {e}");
        std::process::exit(2);
    }
}
