//! `sesphr`: verify, simulate and measure the SeSPHR protocol as a High Level Petri Net.

mod cmd;
mod host;
mod output;
mod terms;
mod view;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Verify, simulate and measure the SeSPHR e-health protocol as a High Level Petri Net.
#[derive(Parser)]
#[command(
    name = "sesphr",
    version,
    about,
    max_term_width = 100,
    after_help = "Exit codes: 0 success, 1 a property, check or step failed, 2 bad input or usage, \
3 incomplete (a limit stopped the run); each command's --help says what they mean for it."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load, resolve and type-check a net; report the first error with its line.
    #[command(after_help = cmd::validate::EXIT_CODES)]
    Validate(cmd::validate::ValidateArgs),
    /// Fire a net: random steps with a seed, or the interactive token game.
    #[command(
        after_help = "Exit codes: 0 the run ended (dead marking, step limit, or quit), \
1 a real-crypto run failed or compared nothing, 2 bad input or usage, 3 incomplete: the memory \
limit stopped it, or with --crypto a goal found no witness within --timeout or --max-states \
(nothing replayed for it)."
    )]
    Simulate(cmd::simulate::SimulateArgs),
    /// Explore every reachable marking of one or more nets and check their properties.
    #[command(after_help = cmd::check::EXIT_CODES)]
    Check(cmd::check::CheckArgs),
    /// Generate mutants of a YAML net, check each, and print the mutation score and the survivors.
    #[command(
        after_help = "Exit codes: 0 every non-equivalent mutant is killed, 1 a mutant \
survives, 2 bad input or usage (or no mutant matches --id and --operator), 3 some mutant stays \
undecided at its limits, or the net itself stops at --timeout or --max-memory."
    )]
    Mutate(cmd::mutate::MutateArgs),
    /// Answer a Model Checking Contest examination, in the contest's output format.
    #[command(after_help = cmd::mcc::EXIT_CODES)]
    Mcc(cmd::mcc::MccArgs),
    /// Write the SMT-LIB 2 script of a bounded unrolling of the net, or solve it with Z3.
    #[command(
        after_help = "Exit codes: 0 written (with --solve: nothing violated within K steps), \
1 with --solve a property is violated within K steps, 2 bad input or usage (or a net that does \
not unfold), 3 incomplete: a property left out (the encoding cannot express it; the others are \
encoded), or --timeout stopped the unfolding, the script's writing, or the solver before every \
depth was answered."
    )]
    Smt(cmd::smt::SmtArgs),
    /// Print the net's structure, or its reachability graph, as DOT or JSON.
    #[command(
        after_help = "Exit codes: 0 written, 2 bad input or usage (or an unbounded net), 3 incomplete: \
the reachability graph has more than --max-states states, or the memory limit stopped it."
    )]
    Graph(cmd::graph::GraphArgs),
    /// Translate a P/T net to Promela for SPIN (used by scripts/bench-vs-spin).
    #[command(
        hide = true,
        after_help = "Exit codes: 0 written, 2 bad input or usage (a net that is not P/T)."
    )]
    ToPromela(cmd::promela::PromelaArgs),
    /// Translate a P/T net to Murphi for Rumur (used by scripts/bench-anchors).
    #[command(
        hide = true,
        after_help = "Exit codes: 0 written, 2 bad input or usage (a net that is not P/T)."
    )]
    ToMurphi(cmd::murphi::MurphiArgs),
    /// Run the SeSPHR scenario on disk, narrated step by step (exit 0 when every step behaves as the scheme says).
    #[command(
        after_help = "Exit codes: 0 every step behaved as the scheme says, 1 one did not, \
2 bad input or usage."
    )]
    Demo(cmd::demo::DemoArgs),
    /// Verify, show or prove things about a ledger file (a signed transparency log).
    #[command(
        subcommand,
        after_help = "Exit codes: 0 intact (or printed), 1 tampered, not an extension of \
the pinned head, or a proof that does not check, 2 unreadable or bad usage."
    )]
    Ledger(cmd::ledger::LedgerCommand),
    /// Check a system directory's cloud store against its ledger (exit 1 on any finding).
    #[command(after_help = "Exit codes: 0 no finding, 1 a finding, 2 bad input or usage.")]
    Audit(cmd::audit::AuditArgs),
    /// Print the JSON Schema of the YAML net format (for editors: see docs/net-format.md).
    #[command(after_help = "Exit codes: 0 printed.")]
    Schema,
    /// Write an HTML page showing the net, a trace step by step, and its reachability graph.
    View(cmd::view::ViewArgs),
    /// Measure the scheme and write timings.csv, plots and report.md against the paper's figures.
    #[command(
        after_help = "Exit codes: 0 written, 1 written but the protocol runs compared no plaintext, \
                      2 bad input, usage or a failed measurement. Violated properties of the \
                      verification summary are listed on the terminal too."
    )]
    Report(cmd::report::ReportArgs),
}

/// A net file and parameter overrides.
#[derive(Args, Debug, Clone)]
pub struct NetArgs {
    /// The net file: YAML (`.yaml`, `.yml`) or PNML (`.pnml`).
    pub net: PathBuf,
    /// Override a parameter of the net: `--param users=5` (repeatable; the
    /// last value given for a name wins).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
}

pub(crate) fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("`{s}` is not NAME=VALUE")),
    }
}

/// A command line clap refuses: clap's message on standard error (help and
/// `--version`, which clap reports the same way, are printed and exit 0).
/// With `--json` among the arguments, the object of bad input goes to
/// standard output too, so that a script reading the JSON never finds it
/// empty: `{file, error}` (with `valid: false` from `validate`, `intact:
/// null` from `ledger`), `file` the first argument naming a file, or empty.
/// Exit 2.
fn usage_error(error: &clap::Error) -> ExitCode {
    if !error.use_stderr() {
        error.exit();
    }
    let _ = error.print();
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.iter().any(|a| a == "--json") {
        let file = (args.iter().skip(1).map(PathBuf::from))
            .find(|p| p.is_file())
            .unwrap_or_default();
        let text = error.render().to_string();
        let first = text.lines().next().unwrap_or_default();
        let message = first.strip_prefix("error: ").unwrap_or(first);
        let mut value = cmd::error_json(&file.display().to_string(), &anyhow::anyhow!("{message}"));
        match args[0].to_str() {
            Some("validate") => value["valid"] = serde_json::Value::Bool(false),
            Some("ledger") => value["intact"] = serde_json::Value::Null,
            _ => {}
        }
        output::write_out(format_args!(
            "{}\n",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        ));
    }
    cmd::exit_bad_input()
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    let result = match cli.command {
        Command::Validate(args) => return cmd::validate::run(&args),
        Command::Simulate(args) => return cmd::simulate::run(&args),
        Command::Check(args) => {
            // Flags of another engine are refused rather than ignored.
            if let Err(e) = cmd::check::refuse_flags_of_other_engines(&args) {
                output::report_error(&e);
                if args.json {
                    let file = args.nets.first().map_or(Path::new(""), PathBuf::as_path);
                    cmd::print_error_json(file, &e);
                }
                return ExitCode::from(2);
            }
            return match args.distributed.distributed {
                true => cmd::distributed::run(&args),
                false => cmd::check::run(&args),
            };
        }
        Command::Mutate(args) => return cmd::mutate::run(&args),
        Command::Graph(args) => return cmd::graph::run(&args),
        Command::Mcc(args) => return cmd::mcc::run(&args),
        Command::Smt(args) => cmd::smt::run(&args),
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
