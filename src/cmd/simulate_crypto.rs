//! `sesphr simulate NET --crypto`: protocol runs with real cryptography on the
//! net's transitions, timed per transition, checked against the symbolic semantics.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use sesphr_model::real::{self, Config, Fault, RealFunctions, RunEnd, RunOptions};
use sesphr_report::runs::RunSummary;

use crate::{NetArgs, host};

/// The `--crypto` options of `sesphr simulate`.
#[derive(Args, Debug)]
pub struct CryptoArgs {
    /// Run the net's functions on the real cryptography (keys, ciphertexts, pairings,
    /// an on-disk cloud store), check every result against the symbolic semantics
    /// and print per-transition timings (each run goes until nothing is left to do,
    /// at most --max-steps). Every secret key and random exponent of such a run is
    /// derived from --seed: deterministic and NOT secret, for testing and measuring
    /// only; real keys come from `sesphr demo` or the library.
    #[arg(long, conflicts_with_all = ["interactive", "steps"])]
    pub crypto: bool,
    /// With --crypto: how many runs (seeds SEED, SEED+1, ...).
    #[arg(long, default_value_t = 1, requires = "crypto")]
    pub runs: u64,
    /// With --crypto: keep the cloud store of each run in DIR/run-N (default: a
    /// temporary directory, removed afterwards).
    #[arg(long, value_name = "DIR", requires = "crypto")]
    pub dir: Option<PathBuf>,
    /// With --crypto: size of each partition plaintext (e.g. 1048576, 64K, 2M; at most 1G).
    #[arg(long, default_value = "1M", value_name = "BYTES", requires = "crypto", value_parser = parse_partition_size)]
    pub size: usize,
    /// With --crypto: stop each run after this many steps.
    #[arg(long, default_value_t = 10_000, requires = "crypto")]
    pub max_steps: u64,
    /// With --crypto: fire these transitions only when nothing else is left to do
    /// (e.g. `--defer revoke,tamper` lets users read before revocations and attacks).
    #[arg(long, value_delimiter = ',', value_name = "T1,T2", requires = "crypto")]
    pub defer: Vec<String>,
    /// With --crypto: plant a fault to see the checks catch it (the run must fail).
    #[arg(long, value_enum, requires = "crypto", hide = true)]
    pub inject_fault: Option<FaultArg>,
}

/// The largest `--size`: partitions are held in memory several times over.
const MAX_PARTITION_BYTES: u64 = 1 << 30;

fn parse_partition_size(text: &str) -> Result<usize, String> {
    let bytes = super::limits::parse_size(text)?;
    if bytes > MAX_PARTITION_BYTES {
        return Err(format!(
            "{text:?} is too large: at most 1G ({MAX_PARTITION_BYTES} bytes) per partition"
        ));
    }
    usize::try_from(bytes).map_err(|_| format!("{text:?} is too large for this machine"))
}

/// Faults that `--inject-fault` can plant.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FaultArg {
    /// Flip a bit of every decrypted plaintext.
    Plaintext,
    /// Flip a bit of every ciphertext after encryption.
    Ciphertext,
}

/// Runs the crypto simulation; exit 1 when a run fails its checks.
pub fn run(net_args: &NetArgs, args: &CryptoArgs, seed: u64) -> Result<ExitCode> {
    let temporary = args.dir.is_none();
    let root = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("sesphr-simulate-{}", std::process::id())),
    };
    let result = runs(net_args, args, seed, &root);
    if temporary {
        let _ = std::fs::remove_dir_all(&root);
    }
    result
}

fn runs(net_args: &NetArgs, args: &CryptoArgs, seed: u64, root: &Path) -> Result<ExitCode> {
    let fault = args.inject_fault.map(|f| match f {
        FaultArg::Plaintext => Fault::DecryptedPlaintext,
        FaultArg::Ciphertext => Fault::StoredCiphertext,
    });
    let mut reports = Vec::new();
    let mut name = String::new();
    for i in 0..args.runs {
        if crate::output::stdout_closed() {
            break;
        }
        let run_seed = seed.wrapping_add(i);
        let functions = RealFunctions::new(Config {
            seed: run_seed,
            partition_size: args.size,
            fault,
        });
        let net = host::load_with(net_args, &functions)?.into_coloured();
        if let Some(unknown) = args.defer.iter().find(|t| net.transition_id(t).is_none()) {
            anyhow::bail!("--defer {unknown}: the net has no such transition");
        }
        name.clone_from(&net.name);
        let dir = root.join(format!("run-{}", i + 1));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        let options = RunOptions {
            seed: run_seed,
            max_steps: args.max_steps,
            store: Some(&dir),
            defer: &args.defer,
            replays: 3,
        };
        match real::run(&net, &functions, &options) {
            Ok(report) => {
                outln!(
                    "run {} (seed {run_seed}): {} steps, {}; {} plaintexts checked, {} refused decryptions",
                    i + 1,
                    report.steps,
                    match report.end {
                        RunEnd::Quiescent => "nothing left to do",
                        RunEnd::StepLimit => "step limit reached",
                    },
                    report.checks.plaintexts,
                    report.checks.refused
                );
                reports.push(report);
            }
            Err(error) => {
                crate::output::report_error(
                    &anyhow::Error::new(error)
                        .context(format!("run {} (seed {run_seed}) failed", i + 1)),
                );
                return Ok(ExitCode::from(1));
            }
        }
    }
    let summary = RunSummary::of(&reports);
    outln!(
        "\nnet `{name}` with real cryptography: {} run(s), {} steps, partitions of {} bytes\n",
        summary.runs,
        summary.steps,
        args.size
    );
    crate::output::write_out(format_args!("{}", summary.render(false)));
    Ok(ExitCode::SUCCESS)
}
