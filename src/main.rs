//! `sesphr`: verify, simulate and measure the SeSPHR protocol as a High Level Petri Net.

mod cmd;
mod host;
mod output;
mod view;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Verify, simulate and measure the SeSPHR e-health protocol as a High Level Petri Net.
#[derive(Parser)]
#[command(name = "sesphr", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load, resolve and type-check a net; report the first error with its line.
    Validate(NetArgs),
    /// Fire a net: random steps with a seed, or the interactive token game.
    Simulate(cmd::simulate::SimulateArgs),
    /// Explore every reachable marking of a net and check its properties.
    Check(cmd::check::CheckArgs),
    /// Generate mutants of a net, check each, and print the mutation score and the survivors.
    Mutate(cmd::mutate::MutateArgs),
    /// Print the net's structure, or its reachability graph, as DOT or JSON.
    Graph(cmd::graph::GraphArgs),
    /// Translate a P/T net to Promela for SPIN (used by scripts/bench-vs-spin).
    #[command(hide = true)]
    ToPromela(cmd::promela::PromelaArgs),
    /// Translate a P/T net to Murphi for Rumur (used by scripts/bench-anchors).
    #[command(hide = true)]
    ToMurphi(cmd::murphi::MurphiArgs),
    /// Run the SeSPHR scenario on disk, narrated step by step (exit 0 when every step behaves as the scheme says).
    Demo(cmd::demo::DemoArgs),
    /// Verify, show or prove things about a ledger file (a signed transparency log).
    #[command(subcommand)]
    Ledger(cmd::ledger::LedgerCommand),
    /// Check a system directory's cloud store against its ledger (exit 1 on any finding).
    Audit(cmd::audit::AuditArgs),
    /// Print the JSON Schema of the YAML net format (for editors: see docs/net-format.md).
    #[command(after_help = "Exit codes: 0 printed.")]
    Schema,
    /// Write an HTML page showing the net, a trace step by step, and its reachability graph.
    View(cmd::view::ViewArgs),
    /// Measure the scheme and write timings.csv, plots and report.md against the paper's figures.
    Report(cmd::report::ReportArgs),
}

/// A net file and parameter overrides.
#[derive(Args, Debug, Clone)]
pub struct NetArgs {
    /// The net file: YAML (`.yaml`, `.yml`) or, where supported, PNML (`.pnml`).
    pub net: PathBuf,
    /// Override a parameter of the net: `--param users=5` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
}

fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("`{s}` is not NAME=VALUE")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(args) => cmd::validate::run(&args),
        Command::Simulate(args) => cmd::simulate::run(&args),
        Command::Check(args) => return cmd::check::run(&args),
        Command::Mutate(args) => return cmd::mutate::run(&args),
        Command::Graph(args) => cmd::graph::run(&args),
        Command::ToPromela(args) => return cmd::promela::run(&args),
        Command::ToMurphi(args) => return cmd::murphi::run(&args),
        Command::Demo(args) => return cmd::demo::run(&args),
        Command::Ledger(command) => return cmd::ledger::run(&command),
        Command::Audit(args) => return cmd::audit::run(&args),
        Command::Report(args) => cmd::report::run(&args),
        Command::View(args) => cmd::view::run(&args),
        Command::Schema => cmd::schema::run(),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            output::report_error(&err);
            cmd::exit_bad_input()
        }
    }
}
