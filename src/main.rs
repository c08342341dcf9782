//! `sesphr`: verify, simulate and measure the SeSPHR protocol as a High Level Petri Net.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// Verify, simulate and measure the SeSPHR e-health protocol as a High Level Petri Net.
#[derive(Parser)]
#[command(name = "sesphr", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Explore every reachable marking of a net and check its properties.
    Check(cmd::check::CheckArgs),
    /// Export a graph of a net (for now: its reachability graph).
    Graph(cmd::graph::GraphArgs),
    /// Translate a P/T net to Promela for SPIN (used by scripts/bench-vs-spin).
    #[command(hide = true)]
    ToPromela(cmd::promela::PromelaArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => cmd::check::run(&args),
        Command::Graph(args) => cmd::graph::run(&args),
        Command::ToPromela(args) => cmd::promela::run(&args),
    }
}
