//! `sesphr mcc MODEL_DIR --examination E`: answer one of the Model Checking
//! Contest's examinations in the contest's own output format.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use sesphr_engine::mcc::{Examination, Value, examine, read_property_file};

use super::limits::SearchLimits;

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
    #[command(flatten)]
    pub limits: SearchLimits,
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
    let options = args.limits.explore_options()?;
    let pool = args.limits.thread_pool()?;
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
