//! Timing reports of the SeSPHR implementation, side by side with the figures
//! the paper reports (the paper's evaluation).
//!
//! [`generate`] measures key generation, encryption and decryption, upload and
//! download turnaround through the on-disk cloud store, and re-encryption
//! ([`bench`](mod@bench)); runs the full net with real cryptography ([`protocol`]); checks
//! the SeSPHR nets ([`verify`]); and writes `timings.csv`, `transitions.csv`,
//! one SVG and one PNG per figure ([`plot`]) and `report.md` ([`write`](mod@write)).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod bench;
pub mod figure;
pub mod growth;
pub mod machine;
pub mod modes;
pub mod nets;
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
use nets::NetSource;
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
    /// A user id or partition label is not a valid name.
    #[error(transparent)]
    Name(#[from] sesphr_model::policy::NameError),
    /// A net could not be loaded.
    #[error(transparent)]
    Load(#[from] sesphr_engine::load::error::LoadError),
    /// The checker failed.
    #[error(transparent)]
    Check(#[from] sesphr_engine::check::CheckError),
    /// A protocol run failed its checks.
    #[error("protocol run: {0}")]
    Run(#[from] sesphr_model::real::RunError),
    /// A net the report needs is not among the built-in ones.
    #[error("no built-in net named {0}")]
    UnknownNet(String),
    /// A plot could not be drawn.
    #[error("plot {0}")]
    Plot(String),
    /// A scale table to draw has a row that cannot be read.
    #[error("table line {line}: {message}")]
    Table {
        /// The row's line in the table's text (1-based).
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A scale table to draw has no row of a run.
    #[error(
        "no row of a run in the table (`| nets/NET.yaml | parameters | reduction | states | ...`)"
    )]
    EmptyTable,
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
    /// Where the SeSPHR nets come from (built in by default).
    pub nets: NetSource,
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
    /// Decrypted plaintexts the protocol runs compared with the uploaded
    /// partitions (none: the runs checked nothing).
    pub plaintexts_compared: usize,
    /// The verification summary's violated properties: each net (file and
    /// parameters) with the names of its violated properties.
    pub violated: Vec<(String, Vec<String>)>,
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
///
/// The nets are loaded first, so that a bad net fails before any
/// measurement. Every output is written into a scratch directory this call
/// creates under a name no other entry has (see [`fresh_work_dir`]); only
/// when all of them are written are they moved into `options.out`, by
/// renames on the same file system (see [`publish`]). The scratch directory
/// is removed when the call returns, and the output directory too when this
/// call created it and it is still empty. So a failure at any stage leaves
/// the files of an earlier report as they were, and nothing in
/// `options.out` but the report's own files is ever touched.
pub fn generate(options: &Options, tick: &mut dyn FnMut(String)) -> Result<Generated, ReportError> {
    let out = &options.out;
    let protocol = ProtocolPlan::new(options.quick);
    let functions = sesphr_model::symbolic::SymbolicFunctions::new();
    for (file, params) in verify::nets(options.quick)
        .into_iter()
        .chain([(protocol.file, protocol.params.clone())])
    {
        options.nets.load(file, &params, &functions)?;
    }
    let mut cleanup = Cleanup {
        out_created: (!out.exists()).then(|| out.clone()),
        work: None,
    };
    create_dir(out)?;
    let work = fresh_work_dir(out)?;
    cleanup.work = Some(work.clone());
    let staged = work.join(STAGED);
    create_dir(&staged)?;
    let mut names = Vec::new();
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
    let modes = modes::key_modes(&plan, &work, tick)?;
    let runs = protocol::protocol_runs(&protocol, &options.nets, &work, options.seed, tick)?;
    let mut verified = Vec::new();
    for (file, params) in verify::nets(options.quick) {
        tick(format!("checking {file}"));
        verified.push(verify::verify(&options.nets, file, &params)?);
    }
    for figure in &figures {
        tick(format!("plotting {}", figure.id));
        names.push(format!("{}.svg", figure.id));
        names.push(format!("{}.png", figure.id));
        plot::draw(figure, &staged)?;
    }
    tick("writing the report".into());
    let content = write::ReportContent {
        quick: options.quick,
        seed: options.seed,
        nets: &options.nets,
        machine: &machine,
        figures: &figures,
        runs: &runs,
        modes: &modes,
        protocol: &protocol,
        verified: &verified,
    };
    for (name, text) in [
        ("timings.csv", write::timings_csv(&figures)),
        ("transitions.csv", write::transitions_csv(&runs)),
        ("report.md", write::report_md(&content)),
    ] {
        let path = staged.join(name);
        names.push(name.to_owned());
        std::fs::write(&path, text).map_err(|source| ReportError::Io { path, source })?;
    }
    let files = publish(&staged, out, &names)?;
    drop(cleanup);
    let ratios = write::ratios(&figures);
    Ok(Generated {
        files,
        figures,
        ratios,
        plaintexts_compared: runs.checks.plaintexts,
        violated: verify::violated(&verified),
    })
}

/// The directory, in the scratch directory, that holds the report's files
/// until they are all written.
const STAGED: &str = "report";

/// Moves the files `names` from `staged` into `out`, replacing the files of
/// an earlier report, and returns their paths in `out`.
///
/// Every target is checked first: one that is a directory fails the report
/// before anything is moved. The moves are renames on one file system, so
/// each file in `out` is either the earlier one or the new one, never a part.
pub fn publish(staged: &Path, out: &Path, names: &[String]) -> Result<Vec<PathBuf>, ReportError> {
    for name in names {
        let target = out.join(name);
        if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
            return Err(ReportError::Io {
                path: target,
                source: std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "is a directory, where the report puts a file",
                ),
            });
        }
    }
    names
        .iter()
        .map(|name| {
            let target = out.join(name);
            std::fs::rename(staged.join(name), &target)
                .map(|()| target.clone())
                .map_err(|source| ReportError::Io {
                    path: target,
                    source,
                })
        })
        .collect()
}

/// What a report removes when it ends, finished or not: its scratch
/// directory (with the files not yet moved into place), and the output
/// directory when the report created it and it is still empty.
struct Cleanup {
    /// The output directory, when this report created it.
    out_created: Option<PathBuf>,
    /// The scratch directory, once created.
    work: Option<PathBuf>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(work) = &self.work {
            let _ = std::fs::remove_dir_all(work);
        }
        if let Some(out) = &self.out_created {
            // Fails, leaving it, unless it is empty.
            let _ = std::fs::remove_dir(out);
        }
    }
}

/// Creates a new scratch directory in `out`, `.work-PID` (or `.work-PID-N`
/// when that name is taken): an existing entry is never reused, so removing
/// the directory at the end removes only what this report made.
pub fn fresh_work_dir(out: &Path) -> Result<PathBuf, ReportError> {
    let pid = std::process::id();
    let mut attempt = 0u32;
    loop {
        let name = match attempt {
            0 => format!(".work-{pid}"),
            n => format!(".work-{pid}-{n}"),
        };
        let dir = out.join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 1000 => {
                attempt += 1;
            }
            Err(source) => return Err(ReportError::Io { path: dir, source }),
        }
    }
}

fn create_dir(dir: &Path) -> Result<(), ReportError> {
    if dir.exists() && !dir.is_dir() {
        return Err(ReportError::Io {
            path: dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod work_dir_tests {
    use super::fresh_work_dir;

    #[test]
    fn a_fresh_work_dir_never_reuses_an_existing_entry() {
        let out = std::env::temp_dir().join(format!("sesphr-fresh-work-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).unwrap();
        let first = fresh_work_dir(&out).unwrap();
        std::fs::write(first.join("kept"), "x").unwrap();
        let second = fresh_work_dir(&out).unwrap();
        assert_ne!(first, second);
        assert!(first.join("kept").exists(), "the first is left as it was");
        assert_eq!(std::fs::read_dir(&second).unwrap().count(), 0);
        std::fs::remove_dir_all(&out).unwrap();
    }
}
