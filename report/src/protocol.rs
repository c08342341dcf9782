//! Protocol runs of the full SeSPHR net with real cryptography.

use std::path::Path;

use sesphr_model::real::{Config, RealFunctions, RunOptions, run};

use crate::ReportError;
use crate::nets::NetSource;
use crate::runs::RunSummary;

/// The set-up of the protocol runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolPlan {
    /// The net file.
    pub file: &'static str,
    /// Parameter overrides.
    pub params: Vec<(String, String)>,
    /// Runs (seeds seed, seed + 1, ...).
    pub runs: u64,
    /// Partition size in bytes.
    pub partition_size: usize,
    /// Transitions deferred until nothing else is left.
    pub defer: Vec<String>,
}

impl ProtocolPlan {
    /// Three roles, three partitions, two versions; quick: 2 runs of 100 KiB
    /// partitions, full: 5 runs of 1 MiB.
    pub fn new(quick: bool) -> ProtocolPlan {
        ProtocolPlan {
            file: "sesphr.yaml",
            params: vec![
                ("roles".into(), "3".into()),
                ("users_per_role".into(), "1".into()),
                ("partitions".into(), "3".into()),
                ("versions".into(), "2".into()),
            ],
            runs: if quick { 2 } else { 5 },
            partition_size: if quick { 100 << 10 } else { 1 << 20 },
            defer: vec![
                "revoke".into(),
                "tamper".into(),
                "substitute".into(),
                "forge".into(),
                "plant_upload".into(),
            ],
        }
    }
}

/// Runs the plan; every run must pass its checks.
pub fn protocol_runs(
    plan: &ProtocolPlan,
    nets: &NetSource,
    work: &Path,
    seed: u64,
    tick: &mut dyn FnMut(String),
) -> Result<RunSummary, ReportError> {
    let mut reports = Vec::new();
    for i in 0..plan.runs {
        tick(format!("protocol run {} of {}", i + 1, plan.runs));
        let functions = RealFunctions::new(Config {
            seed: seed + i,
            partition_size: plan.partition_size,
            fault: None,
        });
        let net = nets
            .load(plan.file, &plan.params, &functions)?
            .into_coloured();
        let store = work.join(format!("run-{}", i + 1));
        let _ = std::fs::remove_dir_all(&store);
        let report = run(
            &net,
            &functions,
            &RunOptions {
                seed: seed + i,
                max_steps: 10_000,
                store: Some(&store),
                defer: &plan.defer,
                replays: 3,
            },
        )?;
        let _ = std::fs::remove_dir_all(&store);
        reports.push(report);
    }
    Ok(RunSummary::of(&reports))
}
