//! One module per subcommand; each returns the process exit code.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

pub use crate::output::write_out;

/// `println!` through [`crate::output`]: never panics, drops the text once
/// the reader has gone (`sesphr ... | head`).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub mod audit;
pub mod check;
pub mod check_drift;
pub mod check_json;
pub mod check_smt;
pub mod check_text;
pub mod check_walks;
pub mod demo;
pub mod distributed;
pub mod graph;
pub mod ledger;
pub mod limits;
pub mod mcc;
pub mod murphi;
pub mod mutate;
pub mod promela;
pub mod report;
pub mod schema;
pub mod simulate;
pub mod simulate_crypto;
pub mod simulate_game;
pub mod simulate_net;
pub mod smt;
pub mod validate;
pub mod view;

/// Exit code 2: bad input or usage (clap uses 2 for usage errors too).
pub fn exit_bad_input() -> ExitCode {
    ExitCode::from(2)
}

/// The JSON of a net (or other input) that could not be used: its file and
/// what is wrong, the shape every `--json` output takes on bad input.
pub fn error_json(shown: &str, error: &anyhow::Error) -> serde_json::Value {
    serde_json::json!({ "file": shown, "error": crate::output::render_error(error) })
}

/// Prints [`error_json`] of `file` on standard output.
pub fn print_error_json(file: &Path, error: &anyhow::Error) {
    print_json(&error_json(&file.display().to_string(), error));
}

/// Prints `value` on standard output as indented JSON: every `--json`
/// document.
pub fn print_json(value: &serde_json::Value) {
    outln!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// Makes sure `dir` is an empty directory, creating it if it is missing (so
/// that a place a command cannot write is refused before it starts, and no
/// file already there is ever overwritten or removed).
pub fn empty_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!(
            "{} is not a directory; give an empty or new directory",
            dir.display()
        );
    }
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty; give an empty or new directory",
                dir.display()
            );
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}
