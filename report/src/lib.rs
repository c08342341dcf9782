//! Timing reports of the SeSPHR implementation, side by side with the figures
//! the paper reports (the paper's evaluation).
//!
//! [`generate`] measures key generation, encryption and decryption, upload and
//! download turnaround through the on-disk cloud store, and re-encryption
//! ([`bench`]); runs the full net with real cryptography ([`protocol`]); checks
//! the SeSPHR nets ([`verify`]); and writes `timings.csv`, `transitions.csv`,
//! one SVG and one PNG per figure ([`plot`]) and `report.md` ([`write`]).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod bench;
pub mod figure;
pub mod machine;
pub mod paper;
pub mod plot;
pub mod protocol;
pub mod runs;
pub mod verify;
pub mod write;

use std::path::{Path, PathBuf};

use bench::Plan;
use figure::Figure;
use machine::Machine;
use protocol::ProtocolPlan;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A file or directory could not be written or removed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The SeSPHR library failed.
    #[error(transparent)]
    Model(#[from] sesphr_model::Error),
    /// A net could not be loaded.
    #[error(transparent)]
    Load(#[from] sesphr_engine::error::LoadError),
    /// The checker failed.
    #[error(transparent)]
    Check(#[from] sesphr_engine::check::CheckError),
    /// A protocol run failed its checks.
    #[error("protocol run: {0}")]
    Run(#[from] sesphr_model::real::RunError),
    /// A plot could not be drawn.
    #[error("plot {0}")]
    Plot(String),
    /// A measured operation returned a wrong result.
    #[error("wrong result: {0}")]
    Wrong(String),
}

/// What to make and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The output directory.
    pub out: PathBuf,
    /// Quick mode (CI): fewer points and repetitions, small user counts.
    pub quick: bool,
    /// The directory holding the SeSPHR nets.
    pub nets: PathBuf,
    /// Seed of the protocol runs.
    pub seed: u64,
}

/// What a report made.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The files written.
    pub files: Vec<PathBuf>,
    /// The figures.
    pub figures: Vec<Figure>,
    /// The comparisons with the paper.
    pub ratios: Vec<write::Ratio>,
}

/// How many progress ticks [`generate`] makes for `options`.
pub fn ticks(options: &Options) -> u64 {
    let plan = plan(options.quick);
    (plan.points()
        + ProtocolPlan::new(options.quick).runs as usize
        + verify::nets(options.quick).len()
        + FIGURES
        + 1) as u64
}

const FIGURES: usize = 7;

fn plan(quick: bool) -> Plan {
    if quick { Plan::quick() } else { Plan::full() }
}

/// Makes the report in `options.out`, calling `tick` before each step.
pub fn generate(options: &Options, tick: &mut dyn FnMut(String)) -> Result<Generated, ReportError> {
    let out = &options.out;
    create_dir(out)?;
    let work = out.join(".work");
    create_dir(&work)?;
    let plan = plan(options.quick);
    let machine = Machine::this();
    let mut figures = vec![
        bench::key_generation(&plan, tick)?,
        bench::key_generation_parallel(&plan, tick)?,
    ];
    let (enc, dec) = bench::encryption_decryption(&plan, tick)?;
    figures.extend([enc, dec]);
    let (up, down) = bench::turnaround(&plan, &work, tick)?;
    figures.extend([up, down]);
    figures.push(bench::reencryption(&plan, tick)?);
    let protocol = ProtocolPlan::new(options.quick);
    let runs = protocol::protocol_runs(&protocol, &options.nets, &work, options.seed, tick)?;
    let mut verified = Vec::new();
    for (file, params) in verify::nets(options.quick) {
        tick(format!("checking {file}"));
        verified.push(verify::verify(&options.nets, file, &params)?);
    }
    let mut files = Vec::new();
    for figure in &figures {
        tick(format!("plotting {}", figure.id));
        plot::draw(figure, out)?;
        files.push(out.join(format!("{}.svg", figure.id)));
        files.push(out.join(format!("{}.png", figure.id)));
    }
    tick("writing the report".into());
    let content = write::ReportContent {
        quick: options.quick,
        machine: &machine,
        figures: &figures,
        runs: &runs,
        protocol: &protocol,
        verified: &verified,
    };
    for (name, text) in [
        ("timings.csv", write::timings_csv(&figures)),
        ("transitions.csv", write::transitions_csv(&runs)),
        ("report.md", write::report_md(&content)),
    ] {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|source| ReportError::Io {
            path: path.clone(),
            source,
        })?;
        files.push(path);
    }
    let _ = std::fs::remove_dir_all(&work);
    let ratios = write::ratios(&figures);
    Ok(Generated {
        files,
        figures,
        ratios,
    })
}

fn create_dir(dir: &Path) -> Result<(), ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Io {
        path: dir.to_path_buf(),
        source,
    })
}
