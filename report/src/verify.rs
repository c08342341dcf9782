//! The verification summary: the checker run over the SeSPHR nets.

use std::time::Duration;

use sesphr_engine::check::{CheckOptions, Unfold};
use sesphr_engine::explore::{CheckReport, ExploreOptions};
use sesphr_model::symbolic::SymbolicFunctions;

use crate::ReportError;
use crate::nets::NetSource;

/// One net checked: its file, parameter overrides and the checker's report.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The net file's name.
    pub file: String,
    /// Parameter overrides.
    pub params: Vec<(String, String)>,
    /// What the checker found.
    pub report: CheckReport,
}

/// Each net with violated properties (`file` or `file (k=v, ...)`) and
/// the names of those properties.
pub fn violated(verified: &[Verified]) -> Vec<(String, Vec<String>)> {
    verified
        .iter()
        .filter_map(|v| {
            let names: Vec<String> = (v.report.properties.iter())
                .filter(|p| p.holds == Some(false))
                .map(|p| p.name.clone())
                .collect();
            (!names.is_empty()).then(|| (v.label(), names))
        })
        .collect()
}

impl Verified {
    /// The net's file and, when it has some, its parameters: `sesphr.yaml (roles=1)`.
    pub fn label(&self) -> String {
        if self.params.is_empty() {
            return self.file.clone();
        }
        let params: Vec<String> = (self.params.iter())
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("{} ({})", self.file, params.join(", "))
    }
}

/// The nets (file, overrides) the summary covers; the full report adds the
/// variants that show the paper's weaknesses.
pub fn nets(quick: bool) -> Vec<(&'static str, Vec<(String, String)>)> {
    let mut nets = vec![("sesphr-paper.yaml", vec![]), ("sesphr.yaml", vec![])];
    if !quick {
        nets.push(("sesphr.yaml", vec![("key_mode".into(), "paper".into())]));
        nets.push((
            "sesphr.yaml",
            vec![
                ("rekey_on_upload".into(), "false".into()),
                ("roles".into(), "1".into()),
                ("users_per_role".into(), "1".into()),
                ("partitions".into(), "2".into()),
                ("versions".into(), "2".into()),
            ],
        ));
    }
    nets
}

/// Checks the net `file` of `nets` with the symbolic functions.
pub fn verify(
    nets: &NetSource,
    file: &str,
    params: &[(String, String)],
) -> Result<Verified, ReportError> {
    let net = nets.load(file, params, &SymbolicFunctions::new())?;
    let options = CheckOptions {
        explore: ExploreOptions {
            max_states: Some(5_000_000),
            timeout: Some(Duration::from_secs(600)),
            ..ExploreOptions::default()
        },
        symmetry: false,
        partial_order: false,
        properties: Vec::new(),
        unfold: Unfold::Never,
        temporal_progress: None,
    };
    let report = net.check(&options)?;
    Ok(Verified {
        file: file.to_string(),
        params: params.to_vec(),
        report,
    })
}
