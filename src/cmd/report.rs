//! `sesphr report`: timings, plots and the verification summary against the paper.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use sesphr_report::nets::NetSource;
use sesphr_report::{Generated, Options, generate, ticks};

/// Arguments of `sesphr report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The output directory.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Fewer points and repetitions, small user counts: under a minute (for CI).
    #[arg(long)]
    pub quick: bool,
    /// Read the SeSPHR nets (sesphr.yaml, sesphr-paper.yaml) from this
    /// directory instead of the copies built into sesphr.
    #[arg(long, value_name = "DIR")]
    pub nets: Option<PathBuf>,
    /// Seed of the protocol runs.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs the command.
pub fn run(args: &ReportArgs) -> Result<ExitCode> {
    let options = Options {
        out: args.out.clone(),
        quick: args.quick,
        nets: args.nets.clone().map_or(NetSource::BuiltIn, NetSource::Dir),
        seed: args.seed,
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(ticks(&options));
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let generated = generate(&options, &mut |step| {
        bar.inc(1);
        bar.set_message(step);
    })?;
    bar.finish_and_clear();
    outln!("report written to {}:", args.out.display());
    for file in &generated.files {
        outln!("  {}", file.display());
    }
    outln!("\nours against the paper (below 1: faster than the paper):");
    for r in &generated.ratios {
        outln!(
            "  {:<40} {:>8} {:<10} ours {:>9.4} s  paper {:>6} s  ratio {:.4}",
            r.figure,
            r.x,
            r.unit,
            r.ours,
            r.paper,
            r.ratio()
        );
    }
    Ok(verdicts(&generated))
}

/// Says on the terminal what report.md alone would show: the violated
/// properties of the verification summary, and protocol runs that compared
/// no plaintext, which fail the report (exit 1) as they fail
/// `simulate --crypto`.
fn verdicts(generated: &Generated) -> ExitCode {
    for (net, names) in &generated.violated {
        outln!("\nverification: {net}: VIOLATED: {}", names.join(", "));
    }
    if generated.plaintexts_compared == 0 {
        crate::output::report_error(&anyhow::anyhow!(
            "the protocol runs with real cryptography compared no decrypted plaintext with the \
             uploaded partitions: they checked nothing (see report.md)"
        ));
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
