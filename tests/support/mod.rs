//! Helpers shared by the command-line tests: run `sesphr` from the
//! repository's root and read what it printed.

use std::process::{Command, Output};

/// Runs `sesphr ARGS` in the repository's root (net paths are relative to it).
pub fn sesphr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run sesphr: {e}"))
}

/// What the run printed on standard output (invalid UTF-8 replaced).
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What the run printed on standard error (invalid UTF-8 replaced).
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
