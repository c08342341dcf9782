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
    /// Run the SeSPHR scenario on disk, narrated step by step (exit 0 when every step behaves as the scheme says).
    Demo(cmd::demo::DemoArgs),
    /// Verify or show a ledger file.
    #[command(subcommand)]
    Ledger(cmd::ledger::LedgerCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Demo(args) => cmd::demo::run(&args),
        Command::Ledger(command) => cmd::ledger::run(&command),
    }
}
