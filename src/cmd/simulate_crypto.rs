//! `sesphr simulate NET --crypto`: protocol runs with real cryptography on the
//! net's transitions, timed per transition, checked against the symbolic semantics.
//!
//! By default the runs replay the checker's witnesses of the net's `reachable`
//! properties (its goals: every role reads its partitions, a revoked user is
//! refused, tampering is caught, ...), so that every run decrypts and compares;
//! `--random` fires random runs instead. A call that compared no plaintext fails.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use sesphr_engine::check::{CheckOptions, Unfold};
use sesphr_engine::explore::{ExploreOptions, Step};
use sesphr_engine::load::LoadedNet;
use sesphr_engine::net::model::PropertyKind;
use sesphr_model::real::{
    self, Config, Fault, RealFunctions, RunEnd, RunError, RunOptions, RunReport,
};
use sesphr_report::runs::RunSummary;

use super::limits::default_memory_limit;
use crate::{NetArgs, host};

/// The `--crypto` options of `sesphr simulate`.
#[derive(Args, Debug)]
pub struct CryptoArgs {
    /// Run the net's functions on the real cryptography (keys, ciphertexts, pairings,
    /// an on-disk cloud store), check every result against the symbolic semantics
    /// and every decrypted plaintext against the uploaded partition, and print
    /// per-transition timings. By default each run replays the checker's shortest
    /// witness of one of the net's `reachable` properties (its goals); exit 1 when
    /// no plaintext was compared. Every secret key and random exponent is derived
    /// from --seed: deterministic and NOT secret, for testing and measuring only;
    /// real keys come from `sesphr demo` or the library.
    #[arg(long, conflicts_with = "interactive")]
    pub crypto: bool,
    /// With --crypto: replay the witness of this `reachable` property only (repeatable;
    /// default: every one).
    #[arg(
        long = "property",
        value_name = "NAME",
        requires = "crypto",
        conflicts_with = "random"
    )]
    pub properties: Vec<String>,
    /// With --crypto: random runs instead of the witnesses (each goes until nothing is
    /// left to do, at most --max-steps steps, default 10000).
    #[arg(long, requires = "crypto")]
    pub random: bool,
    /// With --crypto: stop the search for witnesses after this many seconds (0 to 1e9;
    /// the goals without a witness by then are not replayed, and the run exits 3).
    #[arg(long, value_name = "SECONDS", default_value = "60", requires = "crypto", conflicts_with = "random", value_parser = super::limits::parse_seconds)]
    pub timeout: Duration,
    /// With --crypto: stop the search for witnesses once this many states are stored
    /// (as --timeout, the goals without a witness then are not replayed: exit 3).
    #[arg(long, value_name = "N", requires = "crypto", conflicts_with = "random")]
    pub max_states: Option<u64>,
    /// With --crypto --random: how many runs (seeds SEED, SEED+1, ...).
    #[arg(long, default_value_t = 1, requires = "random")]
    pub runs: u64,
    /// With --crypto --random: fire these transitions only when nothing else is left
    /// to do (e.g. `--defer revoke,tamper` lets users read before revocations and attacks).
    #[arg(long, value_delimiter = ',', value_name = "T1,T2", requires = "random")]
    pub defer: Vec<String>,
    /// With --crypto: keep the cloud store of each run in DIR/NAME (NAME: the
    /// property replayed, or run-N with --random; DIR must be empty or new;
    /// default: a temporary directory, removed afterwards).
    #[arg(long, value_name = "DIR", requires = "crypto")]
    pub dir: Option<PathBuf>,
    /// With --crypto: size of each partition plaintext (e.g. 1048576, 64K, 2M; at most 1G).
    #[arg(long, default_value = "1M", value_name = "BYTES", requires = "crypto", value_parser = parse_partition_size)]
    pub size: usize,
    /// With --crypto: plant a fault to see the checks catch it (the run must fail).
    #[arg(long, value_enum, requires = "crypto", hide = true)]
    pub inject_fault: Option<FaultArg>,
}

/// The largest `--size`: partitions are held in memory several times over.
const MAX_PARTITION_BYTES: u64 = 1 << 30;

/// The default `--max-steps` of a random run with real cryptography.
const RANDOM_RUN_STEPS: u64 = 10_000;

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

/// Runs the crypto simulation; exit 1 when a run fails its checks or no
/// plaintext was compared at all.
pub fn run(
    net_args: &NetArgs,
    args: &CryptoArgs,
    seed: u64,
    max_steps: Option<u64>,
    json: bool,
) -> Result<ExitCode> {
    if max_steps.is_some() && !args.random {
        bail!(
            "--max-steps applies to random runs: a witness replay fires the witness's steps \
             (add --random for random runs)"
        );
    }
    if args.random && args.runs == 0 {
        bail!("--runs 0: give at least one run");
    }
    let temporary = args.dir.is_none();
    let root = match &args.dir {
        Some(dir) => {
            super::empty_dir(dir)?;
            dir.clone()
        }
        None => std::env::temp_dir().join(format!("sesphr-simulate-{}", std::process::id())),
    };
    let mut out = Outcome {
        json,
        runs: Vec::new(),
        skipped: Vec::new(),
        limited: 0,
        reports: Vec::new(),
        net: String::new(),
        failure: None,
    };
    let result = if args.random {
        random_runs(
            net_args,
            args,
            seed,
            max_steps.unwrap_or(RANDOM_RUN_STEPS),
            &root,
            &mut out,
        )
    } else {
        witness_runs(net_args, args, seed, &root, &mut out)
    }
    .map(|()| out.finish(net_args, args));
    if temporary {
        let _ = std::fs::remove_dir_all(&root);
    }
    result
}

/// The fault `--inject-fault` plants.
fn fault(args: &CryptoArgs) -> Option<Fault> {
    args.inject_fault.map(|f| match f {
        FaultArg::Plaintext => Fault::DecryptedPlaintext,
        FaultArg::Ciphertext => Fault::StoredCiphertext,
    })
}

/// The real functions of one run and the net loaded with them.
fn real_net(
    net_args: &NetArgs,
    args: &CryptoArgs,
    seed: u64,
) -> Result<(RealFunctions, sesphr_engine::net::model::Net)> {
    let functions = RealFunctions::new(Config {
        seed,
        partition_size: args.size,
        fault: fault(args),
    });
    let net = host::load_with(net_args, &functions)?.into_coloured();
    Ok((functions, net))
}

/// An empty store directory for one run (`root` is new, or empty when the
/// command began: only a stale temporary directory of this process id is
/// cleared).
fn fresh_dir(root: &Path, name: &str) -> Result<PathBuf> {
    let dir = root.join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    Ok(dir)
}

/// A goal of the net: a `reachable` property and the checker's shortest witness.
struct Goal {
    name: String,
    /// The witness's steps; `None` when the checker found none.
    witness: Option<Vec<Step>>,
    /// Whether the search was complete (no witness then means unreachable).
    complete: bool,
}

/// Checks the net's `reachable` properties (those named in `wanted`, or all)
/// symbolically, stopping as soon as each has a witness.
fn goals(net_args: &NetArgs, args: &CryptoArgs) -> Result<Vec<Goal>> {
    let wanted = &args.properties;
    let LoadedNet::Coloured(mut net) = host::load(net_args)? else {
        bail!(
            "{}: a place/transition net has no functions to run on real cryptography",
            net_args.net.display()
        );
    };
    let reachable: Vec<String> = net
        .properties
        .iter()
        .filter(|p| matches!(p.kind, PropertyKind::Reachable(_)))
        .map(|p| p.name.clone())
        .collect();
    if let Some(unknown) = wanted.iter().find(|w| !reachable.contains(w)) {
        bail!(
            "{}: --property {unknown}: the net has no such `reachable` property (there are: {})",
            net_args.net.display(),
            if reachable.is_empty() {
                "none".to_string()
            } else {
                reachable.join(", ")
            }
        );
    }
    net.properties.retain(|p| {
        matches!(p.kind, PropertyKind::Reachable(_))
            && (wanted.is_empty() || wanted.contains(&p.name))
    });
    net.temporal.clear();
    if net.properties.is_empty() {
        return Ok(Vec::new());
    }
    let options = CheckOptions {
        explore: ExploreOptions {
            max_memory: default_memory_limit(),
            max_states: args.max_states,
            timeout: Some(args.timeout),
            stop_when_decided: true,
            ..ExploreOptions::default()
        },
        symmetry: true,
        partial_order: true,
        properties: Vec::new(),
        unfold: Unfold::Never,
        temporal_progress: None,
    };
    let report = LoadedNet::Coloured(net).check(&options)?;
    let complete = report.complete;
    Ok(report
        .properties
        .into_iter()
        .map(|p| Goal {
            name: p.name,
            witness: p.trace.map(|t| t.steps),
            complete,
        })
        .collect())
}

/// Replays, with real cryptography, the witness of each goal.
fn witness_runs(
    net_args: &NetArgs,
    args: &CryptoArgs,
    seed: u64,
    root: &Path,
    out: &mut Outcome,
) -> Result<()> {
    let goals = goals(net_args, args)?;
    for goal in &goals {
        if crate::output::stdout_closed() {
            break;
        }
        let Some(witness) = &goal.witness else {
            let (why, text) = if goal.complete {
                (
                    "unreachable",
                    "unreachable (`sesphr check` reports it violated)",
                )
            } else {
                out.limited += 1;
                (
                    "limit",
                    "no witness found within the search's limits (--timeout, --max-states)",
                )
            };
            out.skip(
                &goal.name,
                why,
                &format!("{}: {text}; nothing replayed", goal.name),
            );
            continue;
        };
        if witness.is_empty() {
            out.skip(
                &goal.name,
                "vacuous",
                &format!(
                    "{}: holds in the initial marking (vacuous in this configuration); nothing to replay",
                    goal.name
                ),
            );
            continue;
        }
        let (functions, net) = real_net(net_args, args, seed)?;
        out.net.clone_from(&net.name);
        let dir = fresh_dir(root, &goal.name)?;
        match real::replay(&net, &functions, witness, Some(&dir), 3) {
            Ok(report) => out.ran(
                &goal.name,
                &format!(
                    "{}: witness of {} step(s) replayed; {}",
                    goal.name,
                    report.steps,
                    checked(&report)
                ),
                report,
            ),
            Err(error) => {
                out.failure = Some(failed(error, &format!("the witness of {}", goal.name)));
                return Ok(());
            }
        }
    }
    if goals.is_empty() && !out.json {
        outln!(
            "net `{}` has no `reachable` property: no witness to replay (add --random for random runs)",
            net_args.net.display()
        );
    }
    Ok(())
}

/// Random runs with seeds `seed`, `seed + 1`, ...
fn random_runs(
    net_args: &NetArgs,
    args: &CryptoArgs,
    seed: u64,
    max_steps: u64,
    root: &Path,
    out: &mut Outcome,
) -> Result<()> {
    for i in 0..args.runs {
        if crate::output::stdout_closed() {
            break;
        }
        let run_seed = seed.wrapping_add(i);
        let (functions, net) = real_net(net_args, args, run_seed)?;
        if let Some(unknown) = args.defer.iter().find(|t| net.transition_id(t).is_none()) {
            bail!("--defer {unknown}: the net has no such transition");
        }
        out.net.clone_from(&net.name);
        let dir = fresh_dir(root, &format!("run-{}", i + 1))?;
        let options = RunOptions {
            seed: run_seed,
            max_steps,
            store: Some(&dir),
            defer: &args.defer,
            replays: 3,
        };
        match real::run(&net, &functions, &options) {
            Ok(report) => {
                let text = format!(
                    "run {} (seed {run_seed}): {} steps, {}; {}",
                    i + 1,
                    report.steps,
                    match report.end {
                        RunEnd::StepLimit => "step limit reached",
                        _ => "nothing left to do",
                    },
                    checked(&report)
                );
                out.ran(&format!("run-{}", i + 1), &text, report);
            }
            Err(error) => {
                out.failure = Some(failed(error, &format!("run {} (seed {run_seed})", i + 1)));
                return Ok(());
            }
        }
    }
    Ok(())
}

/// What one run's final checks compared.
fn checked(report: &RunReport) -> String {
    let c = &report.checks;
    let mut text = format!(
        "{} plaintexts checked, {} refused decryptions",
        c.plaintexts, c.refused
    );
    if c.plaintexts == 0 {
        text += " (no plaintext compared; every real result agreed with the symbolic one)";
    }
    text
}

/// A failed run, reported on standard error; its message.
fn failed(error: RunError, what: &str) -> String {
    let error = anyhow::Error::new(error).context(format!("{what} failed"));
    crate::output::report_error(&error);
    format!("{error:#}")
}

/// What the runs of one call did, printed as text while they go, or as one
/// JSON object at the end.
struct Outcome {
    json: bool,
    /// One JSON object per run.
    runs: Vec<serde_json::Value>,
    /// The goals not replayed, and why.
    skipped: Vec<serde_json::Value>,
    /// How many goals were not replayed because the search for their
    /// witness stopped at a limit (the run is then incomplete: exit 3).
    limited: usize,
    reports: Vec<RunReport>,
    /// The net's name.
    net: String,
    /// The message of the run that failed, if one did.
    failure: Option<String>,
}

impl Outcome {
    /// A goal not replayed: `why` for JSON, `text` for people.
    fn skip(&mut self, goal: &str, why: &str, text: &str) {
        if self.json {
            self.skipped
                .push(serde_json::json!({ "property": goal, "reason": why }));
        } else {
            outln!("{text}");
        }
    }

    /// A run that passed its checks.
    fn ran(&mut self, name: &str, text: &str, report: RunReport) {
        if self.json {
            let c = &report.checks;
            self.runs.push(serde_json::json!({
                "name": name,
                "seed": report.seed,
                "steps": report.steps,
                "end": match report.end {
                    RunEnd::Replayed => "replayed",
                    RunEnd::StepLimit => "step-limit",
                    _ => "quiescent",
                },
                "plaintexts": c.plaintexts,
                "refused": c.refused,
            }));
        } else {
            outln!("{text}");
        }
        self.reports.push(report);
    }

    /// Prints the summary and returns the exit code.
    fn finish(self, net_args: &NetArgs, args: &CryptoArgs) -> ExitCode {
        if self.json {
            self.print_json(net_args, args);
        }
        if self.failure.is_some() {
            return ExitCode::from(1);
        }
        summarize(&self.net, &self.reports, args, self.json, self.limited)
    }

    fn print_json(&self, net_args: &NetArgs, args: &CryptoArgs) {
        let summary = RunSummary::of(&self.reports);
        let c = &summary.checks;
        let transitions: Vec<serde_json::Value> = summary
            .transitions
            .iter()
            .filter(|t| t.firings.count() > 0)
            .map(|t| {
                serde_json::json!({
                    "name": t.name,
                    "fired": t.firings.count(),
                    "unchanged": t.unchanged,
                    "total_ms": t.firings.total().as_secs_f64() * 1e3,
                    "mean_ms": t.firings.mean().as_secs_f64() * 1e3,
                    "p95_ms": t.firings.p95().as_secs_f64() * 1e3,
                })
            })
            .collect();
        let value = serde_json::json!({
            "file": net_args.net.display().to_string(),
            "net": self.net,
            "mode": if args.random { "random" } else { "witnesses" },
            "partition_bytes": args.size,
            "runs": self.runs,
            "skipped": self.skipped,
            "transitions": transitions,
            "checks": {
                "plaintexts": c.plaintexts,
                "refused": c.refused,
                "stored": c.stored,
                "fetched": c.fetched,
                "ledger_records": c.ledger_records,
                "ledger_blocks": c.ledger_blocks,
            },
            "passed": self.failure.is_none() && c.plaintexts > 0 && self.limited == 0,
            "error": self.failure,
        });
        super::print_json(&value);
    }
}

/// Prints the timing table and the checks of all runs (not with `json`);
/// exit 3 when `limited` goals were not replayed because their search
/// stopped at a limit, otherwise exit 1 when the runs compared no plaintext.
fn summarize(
    name: &str,
    reports: &[RunReport],
    args: &CryptoArgs,
    json: bool,
    limited: usize,
) -> ExitCode {
    let summary = RunSummary::of(reports);
    if !reports.is_empty() && !json {
        outln!(
            "\nnet `{name}` with real cryptography: {} run(s), {} steps, partitions of {} bytes\n",
            summary.runs,
            summary.steps,
            args.size
        );
        crate::output::write_out(format_args!("{}", summary.render(false)));
    }
    if limited > 0 {
        crate::output::report_error(&anyhow::anyhow!(
            "incomplete: the search found no witness of {} within its limits (--timeout, \
             --max-states), so nothing was replayed for them; raise the limits",
            crate::output::counted(limited as u64, "goal", "goals")
        ));
        return ExitCode::from(3);
    }
    if summary.checks.plaintexts == 0 {
        crate::output::report_error(&anyhow::anyhow!(
            "no decrypted plaintext was compared with an uploaded partition: the real-crypto \
             check checked nothing{}",
            if args.random {
                " (random runs rarely reach a decryption: drop --random to replay the net's witnesses)"
            } else {
                ""
            }
        ));
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
