//! `sesphr mcc MODEL_DIR --examination E`: answer one of the Model Checking
//! Contest's examinations in the contest's own output format.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use clap::Args;
use sesphr_engine::explore::ExploreOptions;
use sesphr_engine::mcc::{Examination, Value, examine, read_property_file};

use super::limits::{default_memory_limit, parse_seconds, parse_size, parse_threads, thread_count};

/// Arguments of `sesphr mcc`.
#[derive(Args, Debug)]
pub struct MccArgs {
    /// The model directory, as the contest lays it out: `model.pnml` and
    /// one property file per examination (`ReachabilityCardinality.xml`, ...).
    pub model_dir: PathBuf,
    /// The examination: StateSpace, ReachabilityDeadlock, OneSafe,
    /// ReachabilityCardinality, ReachabilityFireability, UpperBounds,
    /// CTLCardinality, CTLFireability, LTLCardinality, LTLFireability.
    #[arg(long, value_parser = str::parse::<Examination>)]
    pub examination: Examination,
    /// The net file, if not MODEL_DIR/model.pnml.
    #[arg(long, value_name = "FILE")]
    pub net: Option<PathBuf>,
    /// Worker threads (default: one per core). Answers do not depend on it.
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Stop once this many states are stored (undecided answers: CANNOT_COMPUTE).
    #[arg(long, value_name = "N")]
    pub max_states: Option<u64>,
    /// Stop before the resident memory exceeds this (e.g. 2G).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<f64>,
}

/// Runs `sesphr mcc`: 0 when every formula is answered, 3 when some are
/// CANNOT_COMPUTE, 2 on bad input.
pub fn run(args: &MccArgs) -> Result<ExitCode> {
    let net_path = args
        .net
        .clone()
        .unwrap_or_else(|| args.model_dir.join("model.pnml"));
    let net = crate::host::load(&crate::NetArgs {
        net: net_path,
        params: Vec::new(),
    })?;
    let properties = if args.examination.has_property_file() {
        read_property_file(
            &args
                .model_dir
                .join(format!("{}.xml", args.examination.name())),
        )?
    } else {
        Vec::new()
    };
    let timeout = match args.timeout {
        Some(s) => Some(
            Duration::try_from_secs_f64(s)
                .map_err(|_| anyhow!("--timeout {s}: expected a number of seconds"))?,
        ),
        None => None,
    };
    let options = ExploreOptions {
        max_states: args.max_states,
        max_memory: args.max_memory.or_else(default_memory_limit),
        timeout,
        ..ExploreOptions::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(thread_count(args.threads))
        .build()
        .context("cannot start the worker threads")?;
    let answers = pool.install(|| examine(&net, args.examination, &properties, &options))?;
    for answer in &answers {
        outln!("{answer}");
    }
    let undecided = answers.iter().any(|a| a.value == Value::CannotCompute);
    Ok(if undecided {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}
