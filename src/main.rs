//! `sesphr`: verify, simulate and measure the SeSPHR protocol as a High Level Petri Net.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Verify, simulate and measure the SeSPHR e-health protocol as a High Level Petri Net.
#[derive(Parser)]
#[command(name = "sesphr", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {}
}
