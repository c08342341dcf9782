//! `sesphr mutate`: generate the mutants of a net, check each one, and print
//! the mutation score with every survivor's place in the net.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use sesphr_engine::explore::StopReason;
use sesphr_engine::load::source::Source;
use sesphr_engine::mutate::{
    Configuration, Equivalent, Equivalents, Judgement, Limits, Mutant, Operator, OriginalError,
    Verdict, check_mutant_under, check_original, generate,
};
use sesphr_model::symbolic::SymbolicFunctions;

use super::limits::{default_memory_limit, parse_seconds, parse_size, parse_threads, thread_count};
use super::write_out;
use crate::NetArgs;
use sesphr_engine::load::{Format, read_source};

/// Arguments of `sesphr mutate`.
#[derive(Args, Debug)]
#[command(mut_arg("net", |net| net.help("The net file: YAML (`.yaml`, `.yml`); a PNML net has no guards or coloured arcs to mutate")))]
pub struct MutateArgs {
    #[command(flatten)]
    pub net: NetArgs,
    /// Print one JSON object instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Write every mutant to this directory as a loadable net file, with a
    /// header comment saying what was mutated.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The equivalent-mutants file [default: NET's name with
    /// `.equivalent-mutants.yaml` in place of `.yaml`, if it exists].
    #[arg(long, value_name = "FILE")]
    pub equivalents: Option<PathBuf>,
    /// Only mutants of this operator (repeatable): drop-guard-conjunct,
    /// negate-comparison, replace-variable, drop-input-arc, drop-output-arc,
    /// redirect-output-arc, replace-constant.
    #[arg(long = "operator", value_name = "NAME")]
    pub operators: Vec<String>,
    /// Only the mutant with this id (repeatable), e.g. to recheck the
    /// survivors of a run after a property changed; an id that matches no
    /// mutant is an error.
    #[arg(long = "id", value_name = "ID")]
    pub ids: Vec<String>,
    /// Check the net and its mutants under this parameter set, e.g.
    /// `roles=1,partitions=4` (`""` for the net's defaults); repeatable, in
    /// the order given, cheapest first: a mutant is killed when one of them
    /// kills it. [default: the `configurations` of the equivalent-mutants
    /// file, or the net's defaults]. `--param` applies on top of each.
    #[arg(long = "config", value_name = "NAME=VALUE,...", value_parser = parse_configuration)]
    pub configs: Vec<Vec<(String, String)>>,
    /// List the mutants without checking them.
    #[arg(long)]
    pub list: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Per mutant: stop (undecided) once this many states are stored
    /// [default: 10 times the net's own state count, at least 10000]. The
    /// net itself is checked without a state limit, as `check` does; an
    /// unbounded net is refused.
    #[arg(long, value_name = "N")]
    pub max_states: Option<u64>,
    /// Stop a mutant (undecided) after this many seconds (depends on the
    /// machine's load, unlike --max-states) [default: no limit]. The net
    /// itself is checked under it too: if it stops there, the run is
    /// incomplete (exit 3).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,
    /// Stop a mutant (undecided) when the process's resident memory exceeds
    /// this (e.g. 500M) [default: 80% of the available memory]. The net
    /// itself is checked under it too: if it stops there, the run is
    /// incomplete (exit 3).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
    /// Explore every state: no symmetry reduction (on by default for nets
    /// with `symmetric: true` types, as in `sesphr check`).
    #[arg(long)]
    pub no_reduction: bool,
}

/// A `--config` value: `NAME=VALUE` pairs separated by commas, or nothing.
fn parse_configuration(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                Ok((k.trim().to_string(), v.trim().to_string()))
            }
            _ => Err(format!("`{pair}` is not NAME=VALUE")),
        })
        .collect()
}

/// Runs `sesphr mutate`: exit 0 when every non-equivalent mutant is killed,
/// 1 when one survives, 3 when none survives but some are undecided or the
/// net itself stops at a limit, 2 on bad input.
pub fn run(args: &MutateArgs) -> ExitCode {
    match mutate(args) {
        Ok(Some(report)) => report.exit_code(),
        // `--list`: the mutants were listed, not checked.
        Ok(None) => ExitCode::SUCCESS,
        Err(error) => {
            crate::output::report_error(&error);
            // In JSON too: the file and what is wrong.
            if args.json {
                super::print_error_json(&args.net.net, &error);
            }
            match error.downcast_ref::<OriginalError>() {
                Some(OriginalError::Limit { .. }) => ExitCode::from(3),
                _ => super::exit_bad_input(),
            }
        }
    }
}

/// Counts of mutants by outcome.
#[derive(Debug, Default, Clone, Serialize)]
struct Counts {
    mutants: usize,
    killed: usize,
    survived: usize,
    equivalent: usize,
    invalid: usize,
    undecided: usize,
}

impl Counts {
    fn add(&mut self, outcome: Outcome) {
        self.mutants += 1;
        match outcome {
            Outcome::Killed => self.killed += 1,
            Outcome::Survived => self.survived += 1,
            Outcome::Equivalent => self.equivalent += 1,
            Outcome::Invalid => self.invalid += 1,
            Outcome::Undecided => self.undecided += 1,
        }
    }

    /// Killed among the valid, non-equivalent mutants (undecided ones count
    /// against), if there are any.
    fn score(&self) -> Option<f64> {
        let judged = self.killed + self.survived + self.undecided;
        (judged > 0).then(|| self.killed as f64 / judged as f64)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Killed,
    Survived,
    Equivalent,
    Invalid,
    Undecided,
}

/// One mutant and what became of it.
#[derive(Debug, Serialize)]
struct Entry {
    #[serde(flatten)]
    mutant: Mutant,
    #[serde(flatten)]
    judgement: Judgement,
    /// The reason given in the equivalent-mutants file, if listed there
    /// (an undecided or invalid mutant stays so even when listed).
    #[serde(skip_serializing_if = "Option::is_none")]
    equivalent: Option<String>,
}

impl Entry {
    fn outcome(&self) -> Outcome {
        match (&self.judgement.verdict, &self.equivalent) {
            (Verdict::Killed { .. }, _) => Outcome::Killed,
            (Verdict::Invalid { .. }, _) => Outcome::Invalid,
            // A listed mutant that stopped at a limit may still be killed
            // further on: only a survivor can be equivalent.
            (Verdict::Undecided { .. }, _) => Outcome::Undecided,
            (Verdict::Survived, Some(_)) => Outcome::Equivalent,
            (Verdict::Survived, None) => Outcome::Survived,
        }
    }
}

/// An entry of the equivalent-mutants file that no longer fits.
#[derive(Debug, Serialize)]
struct Stale {
    #[serde(flatten)]
    entry: Equivalent,
    why: String,
}

/// One configuration of the run: its parameters, the net's size under them,
/// the state limit of each mutant, and how many mutants it killed first.
#[derive(Debug, Serialize)]
struct ConfigurationReport {
    params: BTreeMap<String, String>,
    original_states: u64,
    max_states: u64,
    killed: usize,
}

/// Everything a run found.
#[derive(Debug, Serialize)]
struct Report {
    net: String,
    path: String,
    equivalents_file: Option<String>,
    /// The configurations, in the order they are tried.
    configurations: Vec<ConfigurationReport>,
    timeout_seconds: Option<f64>,
    threads: usize,
    seconds: f64,
    counts: Counts,
    score: Option<f64>,
    by_operator: BTreeMap<&'static str, Counts>,
    /// Per property: mutants it kills, and mutants only it kills.
    kills: BTreeMap<String, (usize, usize)>,
    mutants: Vec<Entry>,
    stale: Vec<Stale>,
}

impl Report {
    fn exit_code(&self) -> ExitCode {
        if self.counts.survived > 0 {
            ExitCode::from(1)
        } else if self.counts.undecided > 0 {
            ExitCode::from(3)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// Generates the net's mutants and checks them, or with `--list` only lists
/// them (`None`).
fn mutate(args: &MutateArgs) -> Result<Option<Report>> {
    let started = Instant::now();
    let path = &args.net.net;
    let source = read_source(path)?;
    if Format::of(&source) == Format::Pnml {
        bail!(
            "{}: mutation works on YAML nets (a PNML net has no guards or coloured arcs)",
            path.display()
        );
    }
    let library = SymbolicFunctions::new();
    let overrides = &args.net.params;
    let mut mutants = generate(&source, overrides, &library)?;
    let equivalents = read_equivalents(args)?;
    // Entries naming no mutant of the net, judged before --operator and --id select some.
    let vanished: Vec<Equivalent> = equivalents.stale(&mutants).into_iter().cloned().collect();
    let operators = selected_operators(&args.operators)?;
    select_ids(&mut mutants, &args.ids)?;
    mutants.retain(|m| operators.contains(&m.operator));
    if mutants.is_empty() && !(args.ids.is_empty() && args.operators.is_empty()) {
        bail!(
            "no mutant matched{}{}: nothing to check (`--list` shows the mutants)",
            show_filter("--id", &args.ids),
            show_filter("--operator", &args.operators)
        );
    }
    if let Some(dir) = &args.out {
        write_mutants(dir, &source, &mutants)?;
    }
    if args.list {
        list(&source, &mutants, args.json)?;
        return Ok(None);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(thread_count(args.threads))
        .build()
        .context("cannot start the worker threads")?;
    let threads = pool.current_num_threads();
    let (configurations, sizes) = configurations(args, &equivalents, &source, &library, &pool)?;
    let judgements = pool.install(|| {
        judge(
            &source,
            &mutants,
            &configurations,
            &library,
            Progress {
                started,
                bar: !args.json,
            },
        )
    });
    let report = build_report(
        &source,
        mutants,
        judgements,
        &equivalents,
        vanished,
        Setting {
            configurations: sizes,
            timeout: args.timeout,
            threads,
            started,
        },
    )?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        write_out(format_args!("{}", render(&report)));
    }
    Ok(Some(report))
}

/// Each configuration of the run, with the limits its mutants are checked
/// under (the net itself checked first, on `pool`, to size them), and what
/// the report says of it.
fn configurations(
    args: &MutateArgs,
    equivalents: &Equivalents,
    source: &Source,
    library: &SymbolicFunctions,
    pool: &rayon::ThreadPool,
) -> Result<(Vec<Configuration>, Vec<ConfigurationReport>)> {
    let memory = args.max_memory.or_else(default_memory_limit);
    let mut configurations = Vec::new();
    let mut sizes = Vec::new();
    for (params, line) in configuration_params(args, equivalents) {
        let mut overrides = params.clone();
        overrides.extend(args.net.params.iter().cloned());
        let original = pool
            .install(|| {
                check_original(
                    source,
                    &overrides,
                    library,
                    &Limits {
                        max_memory: memory,
                        timeout: args.timeout,
                        reduction: !args.no_reduction,
                        ..Limits::default()
                    },
                )
            })
            .map_err(|e| quote_original_error(e, &args.net.net))
            .with_context(|| {
                let listed = line.map_or(String::new(), |line| {
                    format!("{}:{line}: ", equivalents.path.display())
                });
                format!("{listed}configuration {}", show_params(&params))
            })?;
        let max_states = args
            .max_states
            .unwrap_or_else(|| original.states.saturating_mul(10).max(10_000));
        sizes.push(ConfigurationReport {
            // What the run used: the configuration, then `--param`, the last value of a name winning.
            params: overrides.iter().cloned().collect(),
            original_states: original.states,
            max_states,
            killed: 0,
        });
        configurations.push(Configuration {
            overrides,
            limits: Limits {
                max_states: Some(max_states),
                max_memory: memory,
                timeout: args.timeout,
                reduction: !args.no_reduction,
            },
        });
    }
    Ok((configurations, sizes))
}

/// How a run shows its progress on standard error.
struct Progress {
    /// When the run started.
    started: Instant,
    /// Whether a progress bar may be drawn on a terminal (not with `--json`).
    bar: bool,
}

/// Judges every mutant under `configurations`, in parallel on the current
/// pool, in the mutants' order, showing a bar on a terminal or else a line
/// at every tenth of the run.
fn judge(
    source: &Source,
    mutants: &[Mutant],
    configurations: &[Configuration],
    library: &SymbolicFunctions,
    progress: Progress,
) -> Vec<Judgement> {
    let bar =
        (progress.bar && std::io::stderr().is_terminal()).then(|| progress_bar(mutants.len()));
    // Counted and told under one lock, so the log's counts rise in order.
    let done = Mutex::new(0usize);
    let total = mutants.len();
    let judgements = mutants
        .par_iter()
        .map(|m| {
            let j = check_mutant_under(source, m, configurations, library);
            let mut checked = done.lock().unwrap_or_else(PoisonError::into_inner);
            *checked += 1;
            let n = *checked;
            match &bar {
                Some(bar) => {
                    bar.set_message(m.id.chars().take(60).collect::<String>());
                    bar.inc(1);
                }
                // Logs get a line at every tenth of the run.
                None if n * 10 / total != (n - 1) * 10 / total => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "sesphr mutate: {n}/{total} mutants checked in {:.0} s",
                        progress.started.elapsed().as_secs_f64()
                    );
                }
                None => {}
            }
            j
        })
        .collect();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    judgements
}

/// A parameter set of the run, with the line of the equivalent-mutants file
/// that lists it (none for a `--config` value or the net's defaults).
type ListedParams = (Vec<(String, String)>, Option<usize>);

/// Why the net itself cannot be checked: where the error names a line of
/// `file`, that line is quoted below the message.
fn quote_original_error(error: OriginalError, file: &Path) -> anyhow::Error {
    match error {
        // As `sesphr check` says it, located at the first place that grows.
        OriginalError::Unbounded { at, unbounded, .. } => {
            let run = "the run `sesphr check` reports";
            let message = super::check::unbounded_message(&unbounded, run);
            crate::host::located(anyhow::anyhow!("{message}"), at, file)
        }
        OriginalError::Unchecked { at: Some(at), .. } => {
            crate::host::quoted(error.into(), at, file)
        }
        _ => error.into(),
    }
}

/// The parameter sets of the run: `--config` values, else the
/// equivalent-mutants file's `configurations`, else the net's defaults.
fn configuration_params(args: &MutateArgs, equivalents: &Equivalents) -> Vec<ListedParams> {
    if !args.configs.is_empty() {
        args.configs.iter().map(|c| (c.clone(), None)).collect()
    } else if !equivalents.configurations.is_empty() {
        (equivalents.configurations.iter())
            .map(|c| (c.params.clone(), Some(c.line)))
            .collect()
    } else {
        vec![(Vec::new(), None)]
    }
}

/// A parameter set as `roles=1, partitions=4`, or `the net's defaults`.
fn show_params(params: &[(String, String)]) -> String {
    if params.is_empty() {
        return "the net's defaults".into();
    }
    let pairs: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join(", ")
}

fn selected_operators(names: &[String]) -> Result<Vec<Operator>> {
    if names.is_empty() {
        return Ok(Operator::ALL.to_vec());
    }
    names
        .iter()
        .map(|n| {
            Operator::from_name(n).with_context(|| {
                let all: Vec<&str> = Operator::ALL.iter().map(|o| o.name()).collect();
                format!(
                    "--operator {n}: no such operator; expected one of: {}",
                    all.join(", ")
                )
            })
        })
        .collect()
}

/// Keeps only the mutants named by `--id` (all when none is given).
fn select_ids(mutants: &mut Vec<Mutant>, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    if let Some(unknown) = ids.iter().find(|id| !mutants.iter().any(|m| &m.id == *id)) {
        bail!("--id {unknown}: no mutant of the net has this id (`--list` shows them)");
    }
    mutants.retain(|m| ids.contains(&m.id));
    Ok(())
}

/// ` FLAG a FLAG b` for the values of a filter, or nothing.
fn show_filter(flag: &str, values: &[String]) -> String {
    values.iter().map(|v| format!(" {flag} {v}")).collect()
}

fn read_equivalents(args: &MutateArgs) -> Result<Equivalents> {
    match &args.equivalents {
        Some(file) => Ok(Equivalents::read(file)?),
        None => {
            let default = Equivalents::default_path(&args.net.net);
            if default.exists() {
                Ok(Equivalents::read(&default)?)
            } else {
                Ok(Equivalents::default())
            }
        }
    }
}

/// Writes each mutant to `dir` as `NNNN-operator-site.yaml`.
fn write_mutants(dir: &Path, source: &Source, mutants: &[Mutant]) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the directory", dir.display()))?;
    for (i, m) in mutants.iter().enumerate() {
        let file = dir.join(mutant_file_name(i, m));
        std::fs::write(&file, m.file_text(source))
            .with_context(|| format!("{}: cannot write the mutant", file.display()))?;
    }
    Ok(())
}

/// The file name of mutant number `index` (from 0): its number, operator
/// and site, with characters other than letters, digits, `.`, `_` and `-`
/// replaced by `_`.
pub fn mutant_file_name(index: usize, m: &Mutant) -> String {
    let site: String = m
        .site
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{:04}-{}-{site}.yaml", index + 1, m.operator.name())
}

fn list(source: &Source, mutants: &[Mutant], json: bool) -> Result<()> {
    if json {
        outln!("{}", serde_json::to_string_pretty(mutants)?);
        return Ok(());
    }
    for m in mutants {
        outln!(
            "{}:{}:{}  {}",
            source.path().display(),
            m.line,
            m.column,
            m.id
        );
    }
    outln!("{} mutants", mutants.len());
    Ok(())
}

fn progress_bar(len: usize) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template("{elapsed} [{bar:30}] {pos}/{len} mutants, eta {eta} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The run's settings, for the report.
struct Setting {
    /// Per configuration: its parameters, the net's states and the mutants'
    /// limit (the kills are counted with the report).
    configurations: Vec<ConfigurationReport>,
    timeout: Option<Duration>,
    threads: usize,
    started: Instant,
}

fn build_report(
    source: &Source,
    mutants: Vec<Mutant>,
    judgements: Vec<Judgement>,
    equivalents: &Equivalents,
    vanished: Vec<Equivalent>,
    setting: Setting,
) -> Result<Report> {
    let net = sesphr_engine::load::read_raw(source)?
        .name
        .unwrap_or_else(|| "net".into());
    let mut stale: Vec<Stale> = vanished
        .into_iter()
        .map(|entry| Stale {
            entry,
            why: "no mutant of the net has this id any more".into(),
        })
        .collect();
    let entries: Vec<Entry> = mutants
        .into_iter()
        .zip(judgements)
        .map(|(mutant, judgement)| {
            let equivalent = equivalents.get(&mutant.id).map(|e| e.reason.clone());
            Entry {
                mutant,
                judgement,
                equivalent,
            }
        })
        .collect();
    let mut counts = Counts::default();
    let mut by_operator: BTreeMap<&'static str, Counts> = BTreeMap::new();
    let mut kills: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for e in &entries {
        counts.add(e.outcome());
        by_operator
            .entry(e.mutant.operator.name())
            .or_default()
            .add(e.outcome());
        if let (Verdict::Invalid { message, .. }, Some(entry)) =
            (&e.judgement.verdict, equivalents.get(&e.mutant.id))
        {
            stale.push(Stale {
                entry: entry.clone(),
                why: format!("listed as equivalent, but it is invalid: {message}"),
            });
        }
        if let Verdict::Killed { properties } = &e.judgement.verdict {
            for p in properties {
                let k = kills.entry(p.clone()).or_default();
                k.0 += 1;
                if properties.len() == 1 {
                    k.1 += 1;
                }
            }
            if let Some(entry) = equivalents.get(&e.mutant.id) {
                stale.push(Stale {
                    entry: entry.clone(),
                    why: format!(
                        "listed as equivalent, but {} kills it",
                        properties.join(", ")
                    ),
                });
            }
        }
    }
    stale.sort_by_key(|s| s.entry.line);
    let mut configurations = setting.configurations;
    for (i, c) in configurations.iter_mut().enumerate() {
        c.killed = entries
            .iter()
            .filter(|e| {
                e.judgement.configuration == Some(i)
                    && matches!(e.judgement.verdict, Verdict::Killed { .. })
            })
            .count();
    }
    Ok(Report {
        net,
        path: source.path().display().to_string(),
        equivalents_file: (!equivalents.path.as_os_str().is_empty())
            .then(|| equivalents.path.display().to_string()),
        configurations,
        timeout_seconds: setting.timeout.map(|t| t.as_secs_f64()),
        threads: setting.threads,
        seconds: setting.started.elapsed().as_secs_f64(),
        score: counts.score(),
        counts,
        by_operator,
        kills,
        mutants: entries,
        stale,
    })
}

fn counts_row(name: &str, c: &Counts) -> String {
    format!(
        "  {name:<20} {:>7} {:>7} {:>8} {:>10} {:>7} {:>9}\n",
        c.mutants, c.killed, c.survived, c.equivalent, c.invalid, c.undecided
    )
}

/// The human report: the score, a table per operator, the survivors with
/// their place in the net, undecided mutants and stale equivalent entries.
fn render(r: &Report) -> String {
    let mut out = format!(
        "sesphr mutate: net {} ({}), {} mutants, checked under {} configuration(s) in this order\n",
        r.net,
        r.path,
        r.counts.mutants,
        r.configurations.len()
    );
    let timeout = r
        .timeout_seconds
        .map(|t| format!(", {t} s"))
        .unwrap_or_default();
    for (i, c) in r.configurations.iter().enumerate() {
        let params: Vec<(String, String)> = c.params.clone().into_iter().collect();
        out += &format!(
            "  {}. {}: the net has {} states, every property holds; limit per mutant {} states{timeout}; kills {}\n",
            i + 1,
            show_params(&params),
            c.original_states,
            c.max_states,
            c.killed
        );
    }
    out += "\n";
    out += &format!(
        "  {:<20} {:>7} {:>7} {:>8} {:>10} {:>7} {:>9}\n",
        "operator", "mutants", "killed", "survived", "equivalent", "invalid", "undecided"
    );
    for (name, c) in &r.by_operator {
        out += &counts_row(name, c);
    }
    out += &counts_row("total", &r.counts);
    let c = &r.counts;
    out += &match r.score {
        Some(score) => format!(
            "\nMutation score: {:.1}% ({} killed of {} valid non-equivalent mutants; {} survived, {} undecided; {} equivalent, {} invalid not counted)\n",
            score * 100.0,
            c.killed,
            c.killed + c.survived + c.undecided,
            c.survived,
            c.undecided,
            c.equivalent,
            c.invalid
        ),
        None => "\nMutation score: none (no valid non-equivalent mutant)\n".into(),
    };
    if !r.kills.is_empty() {
        out += "\nKills per property (a mutant's run stops at the first level where a property fails;\nthe properties violated there kill it: all such kills, and those where it failed alone):\n";
        let width = r.kills.keys().map(String::len).max().unwrap_or(0);
        for (p, (all, only)) in &r.kills {
            out += &format!("  {p:<width$} {all:>5} {only:>5}\n");
        }
    }
    let of = |o: Outcome| r.mutants.iter().filter(move |e| e.outcome() == o);
    if c.survived > 0 {
        out += "\nSurvivors: every property holds on these mutants. Each is a behaviour no property\nchecks, or an equivalent mutant to document in the equivalent-mutants file.\n";
        for e in of(Outcome::Survived) {
            out += &describe(r, e, "");
        }
    }
    if c.undecided > 0 {
        out += "\nUndecided: the exploration reached a limit, or proved the mutant unbounded, before any\nproperty failed.\n";
        for e in of(Outcome::Undecided) {
            let why = match &e.judgement.verdict {
                Verdict::Undecided {
                    stopped: StopReason::Unbounded,
                } => format!(
                    "    unbounded: no property failed within {} states\n",
                    e.judgement.states
                ),
                Verdict::Undecided { stopped } => format!(
                    "    stopped at {} states ({})\n",
                    e.judgement.states,
                    serde_json::to_value(stopped)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                ),
                _ => String::new(),
            };
            let listed = match &e.equivalent {
                Some(_) => {
                    "    listed as equivalent; counted so only once it survives a complete run\n"
                }
                None => "",
            };
            out += &describe(r, e, &format!("{why}{listed}"));
        }
    }
    if !r.stale.is_empty() {
        let file = r.equivalents_file.as_deref().unwrap_or("?");
        out += "\nStale entries of the equivalent-mutants file:\n";
        for s in &r.stale {
            out += &format!("  {file}:{}: {}\n    {}\n", s.entry.line, s.entry.id, s.why);
        }
    }
    out += &format!(
        "\nFinished in {:.1} s with {} thread(s).\n",
        r.seconds, r.threads
    );
    out
}

fn describe(r: &Report, e: &Entry, extra: &str) -> String {
    let m = &e.mutant;
    let mutated = if m.mutated.is_empty() {
        "(removed)"
    } else {
        &m.mutated
    };
    format!(
        "  {}:{}:{}  {}\n    original: {}\n    mutated:  {mutated}\n{extra}",
        r.path, m.line, m.column, m.id, m.original
    )
}
