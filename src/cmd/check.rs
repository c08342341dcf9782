//! `sesphr check`: explore a net and print the verdicts and statistics.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use sesphr_engine::check::{CheckOptions, StandardProperty, Unfold};
use sesphr_engine::explore::{
    CheckReport, ExploreOptions, Heartbeat, Progress, ProgressHook, Unbounded, WalkOptions,
    WalkProgress, WalkProgressHook, WalkReport,
};
use sesphr_engine::load::LoadedNet;
use sesphr_engine::load::error::suggestion;
use sesphr_engine::temporal::graph::{GraphProgress, GraphProgressHook};

use sesphr_engine::smt::bounded::{BoundedReport, check_bounded};

use super::check_json::report_json;
use super::check_smt;
use super::check_text::{TextOptions, TraceChoice, render};
use super::check_walks;
use super::limits::SearchLimits;
use super::{error_json, write_out};
use crate::NetArgs;

/// Arguments of `sesphr check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The net files: YAML (`.yaml`, `.yml`) or PNML (`.pnml`); each is checked in turn.
    #[arg(required = true, value_name = "NET")]
    pub nets: Vec<PathBuf>,
    /// Override a parameter of the nets: `--param users=5` (repeatable; the
    /// last value given for a name wins).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = crate::parse_param)]
    pub params: Vec<(String, String)>,
    /// Check this property (repeatable). A property of the net: check only the
    /// named ones (default: all; `sesphr validate NET` lists them). A standard
    /// property, deadlock-free (no dead marking is reachable) or one-safe (no
    /// place ever holds two tokens, of whatever colours): check it too.
    #[arg(long = "property", value_name = "NAME")]
    pub properties: Vec<String>,
    /// Which shortest traces to print [default: violations; with --json: all].
    #[arg(long, value_enum, value_name = "WHICH")]
    pub trace: Option<TraceChoice>,
    /// Show terms and markings whole (the default shortens long terms as `f(…)`) and every
    /// statistic (JSON always has them whole).
    #[arg(long, conflicts_with = "json")]
    pub full: bool,
    /// Print JSON instead of the human report (one object; an array for several nets).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub limits: SearchLimits,
    /// Print progress lines on standard error even when it is not a terminal
    /// (CI logs): states, states expanded per second, frontier, depth, memory,
    /// elapsed, one line every 2 s, also in the middle of a breadth-first
    /// level; then, while the graph of a coloured net's CTL/LTL properties is
    /// built, its markings, those expanded and its edges, and how many of those
    /// properties are checked (a line before the first and after each). On a terminal a
    /// live status line, updated twice a second, is shown anyway (not with
    /// --json). With --distributed: process 0's lines, after each level.
    #[arg(long)]
    pub progress: bool,
    /// Explore every state: no reduction (by default, coloured nets are
    /// reduced by the symmetry of their symmetric types (`symmetric: true`
    /// or `symmetric: { within: T }`), and by
    /// stubborn sets where some transition changes no place a property reads
    /// and no CTL/LTL property is checked, given up after 1,024 markings if
    /// they leave out under 30% of the bindings, after 128 if they leave
    /// out none). The explicit engine only.
    #[arg(long)]
    pub no_reduction: bool,
    /// When to explore a coloured net through its unfolding to a P/T net
    /// (one place per place and colour, one transition per binding), with
    /// the P/T explorer: the same states, edges and verdicts, faster where
    /// the net builds few colours. By default (`auto`) where the report stays
    /// the same but for the time; `--unfold` alone means `always`
    #[arg(
        long,
        value_enum,
        value_name = "WHEN",
        num_args = 0..=1,
        require_equals = true,
        default_value = "auto",
        default_missing_value = "always",
        conflicts_with = "distributed"
    )]
    pub unfold: UnfoldWhen,
    /// The checker: `explicit` (every reachable state), `smt` (the paper's
    /// method: every run of at most --depth steps, as SMT-LIB 2 solved by
    /// --solver; safety properties only) or `random` (--walks random runs
    /// of at most --depth steps, every marking they pass judged: a
    /// violation found is real, none found proves nothing; for nets too
    /// large to explore).
    #[arg(long, value_enum, default_value = "explicit", value_name = "ENGINE")]
    pub engine: Engine,
    /// Check every marking reachable in at most K steps, and no further (a
    /// bounded check: a violation found is real; "undecided" then means not
    /// violated within K steps). With --engine smt: search the runs of at
    /// most K steps. With --engine random: each walk takes at most K steps
    /// [default there: 1000].
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32))]
    pub depth: Option<u32>,
    /// With --engine random: how many walks [default: 1000].
    #[arg(long, value_name = "N")]
    pub walks: Option<u64>,
    /// With --engine random: walk i draws its choices from seed SEED + i (the
    /// same seed gives the same walks whatever the thread count) [default: 1].
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,
    /// With --engine random: fire these transitions only where no other
    /// step changes the marking (e.g. `--defer revoke,tamper` lets users
    /// read before revocations and attacks, so walks go deeper along the
    /// rest); a coloured net's transitions.
    #[arg(long, value_delimiter = ',', value_name = "T1,T2")]
    pub defer: Vec<String>,
    /// With --engine smt: the SMT solver (SMT-LIB 2 on standard input,
    /// `-smt2 -in`) [default: z3].
    #[arg(long, value_name = "PROGRAM")]
    pub solver: Option<String>,
    #[command(flatten)]
    pub distributed: DistributedArgs,
}

/// The distribution flags of `sesphr check`.
#[derive(Args, Debug, Clone)]
pub struct DistributedArgs {
    /// Spread the exploration over worker processes (one NET; a coloured
    /// net's CTL/LTL properties are then checked by process 0 alone): on
    /// this machine with --processes, on several with --hosts. The report
    /// is the single-process one.
    #[arg(long)]
    pub distributed: bool,
    /// With --distributed and no --hosts: the worker processes to start on
    /// this machine (loopback only; ignored with --hosts).
    #[arg(long, value_name = "N", requires = "distributed", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub processes: Option<u16>,
    /// With --distributed: the host file, one `host:port` per line, process
    /// 0 first; every machine runs `sesphr check` with the same file and
    /// arguments and its own --process.
    #[arg(long, value_name = "FILE", requires_all = ["distributed", "process"])]
    pub hosts: Option<PathBuf>,
    /// With --hosts: this process's line in the host file (0 = the first
    /// line, which prints the report).
    #[arg(long, value_name = "I", requires = "hosts")]
    pub process: Option<usize>,
    /// Set by the supervisor of a --processes run on its workers: timely's
    /// connection messages are dropped, and a worker stopped by another
    /// one's error leaves that error to the worker that found it (all share
    /// one terminal).
    #[arg(long, hide = true, requires = "hosts")]
    pub supervised: bool,
}

/// Which checker `sesphr check` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// Explore every reachable state.
    Explicit,
    /// Bounded model checking with an SMT solver.
    Smt,
    /// Random walks judged marking by marking: a falsifier.
    Random,
}

/// When `sesphr check` explores a coloured net through its unfolding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UnfoldWhen {
    /// Where nothing in the report changes but the time: no reduction in
    /// force, no CTL/LTL property, every property on token counts, an
    /// unfolding of at most 256 places and 1,024 transitions or no larger
    /// than the net.
    Auto,
    /// Always, markings shown in the unfolding's terms (its places' counts;
    /// the token bounds stay per coloured place), with no reduction;
    /// refused, with the reason, where the net or a property does not unfold.
    Always,
    /// Never: the coloured engine.
    Never,
}

impl From<UnfoldWhen> for Unfold {
    fn from(when: UnfoldWhen) -> Unfold {
        match when {
            UnfoldWhen::Auto => Unfold::Auto,
            UnfoldWhen::Always => Unfold::Always,
            UnfoldWhen::Never => Unfold::Never,
        }
    }
}

/// What one net's check gave.
enum Outcome {
    /// The report, and the error to print where the net is unbounded.
    Explicit(CheckReport, Option<anyhow::Error>),
    Smt(BoundedReport),
    /// The report, and the error to print where a walk proved the net unbounded.
    Walks(WalkReport, Option<anyhow::Error>),
}

/// The exit codes of `sesphr check`, for `--help`.
pub const EXIT_CODES: &str = "Exit codes: 0 every property holds, 1 a property is violated, \
2 bad input or usage, 3 incomplete (a limit stopped the run before a verdict; with \
--depth K: a property not violated within K steps; with --engine smt: that, or a property \
skipped, which the encoding cannot express; with --engine random: no walk found a violation, \
which proves nothing). With several nets: the first of 2, 1, 3 that applies to one of them, else 0.";

impl Engine {
    /// Its name on the command line.
    fn name(self) -> &'static str {
        match self {
            Engine::Explicit => "explicit",
            Engine::Smt => "smt",
            Engine::Random => "random",
        }
    }
}

/// Refuses a flag that only another engine than `--engine`'s reads: it
/// would change nothing, and a user who gave it expects it to. Called
/// before any check, distributed or not.
pub fn refuse_flags_of_other_engines(args: &CheckArgs) -> Result<()> {
    let given = [
        ("--walks", args.walks.is_some(), Engine::Random),
        ("--seed", args.seed.is_some(), Engine::Random),
        ("--defer", !args.defer.is_empty(), Engine::Random),
        ("--solver", args.solver.is_some(), Engine::Smt),
        (
            "--unfold",
            args.unfold != UnfoldWhen::Auto,
            Engine::Explicit,
        ),
        (
            "--distributed",
            args.distributed.distributed,
            Engine::Explicit,
        ),
        // Neither walks nor the SMT unrolling reduce anything.
        ("--no-reduction", args.no_reduction, Engine::Explicit),
    ];
    match given
        .into_iter()
        .find(|&(_, present, engine)| present && engine != args.engine)
    {
        Some((flag, _, engine)) => bail!(
            "{flag} only applies to --engine {}; this check runs --engine {}",
            engine.name(),
            args.engine.name()
        ),
        None => Ok(()),
    }
}

/// Runs `sesphr check` on each net in turn and returns the exit code (see
/// [`EXIT_CODES`]); a `--distributed` run is the distributed module's.
pub fn run(args: &CheckArgs) -> ExitCode {
    let (mut error, mut violated, mut incomplete) = (false, false, false);
    let mut reports = Vec::new();
    let traces = args.trace.unwrap_or(if args.json {
        TraceChoice::All
    } else {
        TraceChoice::Violations
    });
    for (i, path) in args.nets.iter().enumerate() {
        let net = NetArgs {
            net: path.clone(),
            params: args.params.clone(),
        };
        let outcome = match (args.engine, args.depth) {
            (Engine::Smt, Some(depth)) => run_smt(args, &net, depth as usize).map(Outcome::Smt),
            (Engine::Smt, None) => Err(anyhow::anyhow!("--engine smt needs --depth K")),
            (Engine::Explicit, _) => run_check(args, &net)
                .map(|(report, unbounded)| Outcome::Explicit(report, unbounded)),
            (Engine::Random, depth) => run_walks(args, &net, depth)
                .map(|(report, unbounded)| Outcome::Walks(report, unbounded)),
        };
        let options = TextOptions {
            traces,
            full: args.full,
        };
        let shown = path.display().to_string();
        // One net's report: JSON kept for the end, or its text now (a blank
        // line between two nets).
        let mut show = |json: &dyn Fn() -> serde_json::Value, text: &dyn Fn() -> String| {
            if args.json {
                reports.push(json());
            } else {
                if i > 0 {
                    outln!("");
                }
                write_out(format_args!("{}", text()));
            }
        };
        match outcome {
            Ok(Outcome::Smt(report)) => {
                violated |= report.violated();
                incomplete |= report.incomplete();
                show(
                    &|| check_smt::report_json(&report, &shown, options),
                    &|| check_smt::render(&report, &shown, options),
                );
                super::check_text::note_nothing_checked(report.properties.len(), &shown);
            }
            Ok(Outcome::Walks(report, unbounded)) => {
                violated |= report.violated();
                // Walks never cover the state space: without a violation
                // they decide nothing, even with no property to judge.
                incomplete = true;
                show(
                    &|| check_walks::report_json(&report, &shown, options),
                    &|| check_walks::render(&report, &shown, options),
                );
                super::check_text::note_nothing_checked(report.properties.len(), &shown);
                error |= report_unbounded(unbounded);
            }
            Ok(Outcome::Explicit(report, unbounded)) => {
                violated |= report.violated();
                // A temporal check may stop at a limit after a complete
                // exploration: its property is undecided too.
                incomplete |=
                    !report.complete || report.properties.iter().any(|p| p.holds.is_none());
                show(&|| report_json(&report, &shown, traces), &|| {
                    render(&report, &shown, options)
                });
                super::check_text::note_nothing_checked(report.properties.len(), &shown);
                error |= report_unbounded(unbounded);
            }
            Err(e) => {
                crate::output::report_error(&e);
                // A limit met before there was a report leaves the run
                // incomplete; anything else is bad input.
                match e.downcast_ref::<crate::host::LimitReached>() {
                    Some(_) => incomplete = true,
                    None => error = true,
                }
                // In JSON the net keeps its place: its file and what is wrong.
                if args.json {
                    reports.push(error_json(&shown, &e));
                }
            }
        }
    }
    if args.json && !reports.is_empty() {
        let value = if args.nets.len() == 1 {
            reports.remove(0)
        } else {
            serde_json::Value::Array(reports)
        };
        super::print_json(&value);
    }
    if error {
        ExitCode::from(2)
    } else if violated {
        ExitCode::from(1)
    } else if incomplete {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

/// The most property names an unknown `--property` lists in its message;
/// past it the message points at `sesphr validate`, which lists them all.
const LISTED_INLINE: usize = 8;

/// Splits the `--property` names into the net's own (a subset to check) and
/// standard ones (to add); refuses a name that is neither, listing those
/// there are.
pub fn choose_properties(
    wanted: &[String],
    own: &[&str],
    path: &std::path::Path,
) -> Result<(Vec<String>, Vec<StandardProperty>)> {
    let mut selected = Vec::new();
    let mut standard = Vec::new();
    for name in wanted {
        if own.contains(&name.as_str()) {
            selected.push(name.clone());
        } else if let Some(p) = StandardProperty::ALL.iter().find(|p| p.name() == name) {
            standard.push(*p);
        } else {
            let standard_names = StandardProperty::ALL.map(|p| p.name());
            let hint = suggestion(name, own.iter().copied().chain(standard_names));
            let declared = match own.len() {
                0 => "it declares none".to_string(),
                n if n <= LISTED_INLINE => format!("it declares {}", own.join(", ")),
                n => format!(
                    "`sesphr validate {}` lists the {n} it declares",
                    path.display()
                ),
            };
            bail!(
                "{}: --property {name}: the net has no such property{hint}; {declared}, \
                 and {} are always available",
                path.display(),
                standard_names.join(" and ")
            );
        }
    }
    Ok((selected, standard))
}

/// Loads a net and keeps the properties `--property` selects; returns the
/// standard properties to add.
pub(super) fn load_selected(
    args: &CheckArgs,
    net_args: &NetArgs,
) -> Result<(LoadedNet, Vec<StandardProperty>)> {
    let mut net = crate::host::load(net_args)?;
    let own: Vec<String> = match &net {
        LoadedNet::Coloured(net) => net
            .properties
            .iter()
            .map(|p| p.name.clone())
            .chain(net.temporal.iter().map(|p| p.name.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let own: Vec<&str> = own.iter().map(String::as_str).collect();
    let (selected, standard) = choose_properties(&args.properties, &own, &net_args.net)?;
    if let LoadedNet::Coloured(net) = &mut net
        && !selected.is_empty()
    {
        net.properties.retain(|p| selected.contains(&p.name));
        net.temporal.retain(|p| selected.contains(&p.name));
    }
    Ok((net, standard))
}

/// `check --engine smt`: the SMT route on every run of at most `depth` steps.
fn run_smt(args: &CheckArgs, net_args: &NetArgs, depth: usize) -> Result<BoundedReport> {
    let limits = &args.limits;
    if limits.max_states.is_some() || limits.max_memory.is_some() {
        anyhow::bail!(
            "--max-states and --max-memory bound the explicit explorer; \
             the SMT route is bounded by --depth and --timeout"
        );
    }
    let (net, standard) = load_selected(args, net_args)?;
    let timeout = limits.timeout;
    let solver = args.solver.as_deref().unwrap_or(SOLVER);
    check_bounded(&net, &standard, depth, solver, timeout)
        .map_err(|e| crate::host::located_check_error(e.into(), &net, &net_args.net))
}

/// The solver of `--engine smt` where `--solver` does not say.
const SOLVER: &str = "z3";

/// The number of random walks where `--walks` does not say.
const WALKS: u64 = 1000;

/// The seed of the first random walk where `--seed` does not say.
const WALK_SEED: u64 = 1;

/// The most steps a random walk takes where `--depth` does not say.
const WALK_STEPS: u32 = 1000;

/// `check --engine random`: random walks of at most `depth` steps; and
/// where a walk proved the net unbounded, the error that says so.
fn run_walks(
    args: &CheckArgs,
    net_args: &NetArgs,
    depth: Option<u32>,
) -> Result<(WalkReport, Option<anyhow::Error>)> {
    let limits = &args.limits;
    if limits.max_states.is_some() {
        bail!(
            "--max-states bounds the explicit explorer; \
             random walks are bounded by --walks, --depth, --timeout and --max-memory"
        );
    }
    let (net, standard) = load_selected(args, net_args)?;
    let deferred = deferred_transitions(&net, &args.defer, &net_args.net)?;
    let explore = limits.explore_options();
    let bar = (!args.json && std::io::stderr().is_terminal()).then(progress_bar);
    let progress: Option<WalkProgressHook> = report_hook(
        bar.as_ref(),
        args.progress,
        &net_args.net,
        walk_progress_text,
        |p| (p.elapsed, false),
    );
    let options = WalkOptions {
        walks: args.walks.unwrap_or(WALKS),
        max_steps: depth.unwrap_or(WALK_STEPS),
        seed: args.seed.unwrap_or(WALK_SEED),
        deferred,
        timeout: explore.timeout,
        max_memory: explore.max_memory,
        progress,
    };
    let pool = limits.thread_pool()?;
    let report = pool
        .install(|| net.walk(&standard, &options))
        .map_err(|e| crate::host::located_check_error(e, &net, &net_args.net))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let unbounded = (report.unbounded.as_ref()).map(|u| unbounded_error(u, &net, &net_args.net));
    Ok((report, unbounded))
}

/// The numbers of the transitions `--defer` names, refused where `net`
/// has no such transition or is a place/transition net (whose walks do not
/// tell transitions apart).
fn deferred_transitions(
    net: &LoadedNet,
    names: &[String],
    file: &std::path::Path,
) -> Result<Vec<u32>> {
    let Some(name) = names.first() else {
        return Ok(Vec::new());
    };
    let LoadedNet::Coloured(coloured) = net else {
        bail!(
            "{}: --defer {name}: only the walks of a coloured (YAML) net put transitions off",
            file.display()
        );
    };
    names
        .iter()
        .map(|name| match coloured.transition_id(name) {
            Some(t) => Ok(t as u32),
            None => {
                let names = coloured.transitions.iter().map(|t| t.name.as_str());
                bail!(
                    "{}: --defer {name}: the net has no such transition{}",
                    file.display(),
                    suggestion(name, names)
                )
            }
        })
        .collect()
}

/// One progress report of random walks: `W of N walks, S steps, T targets found`.
fn walk_progress_text(p: &WalkProgress) -> String {
    format!(
        "{} of {} walks, {} steps, {} propert{} with a violation or witness",
        p.walks,
        p.of,
        p.steps,
        p.targets_found,
        if p.targets_found == 1 { "y" } else { "ies" }
    )
}

/// `check` (the explicit engine): the report, and where the net proved
/// unbounded, the error that says so.
fn run_check(args: &CheckArgs, net_args: &NetArgs) -> Result<(CheckReport, Option<anyhow::Error>)> {
    let (net, standard) = load_selected(args, net_args)?;
    let terminal = std::io::stderr().is_terminal();
    let bar = (!args.json && terminal).then(progress_bar);
    let (lines, net_path) = (args.progress, &net_args.net);
    let hook: Option<ProgressHook> =
        report_hook(bar.as_ref(), lines, net_path, progress_text, |p| {
            (p.elapsed, false)
        });
    let temporal_progress: Option<GraphProgressHook> =
        report_hook(bar.as_ref(), lines, net_path, graph_progress_text, |p| {
            (p.elapsed, p.properties.is_some())
        });
    let heartbeat = hook.clone().map(|hook| Heartbeat {
        every: HEARTBEAT,
        hook,
    });
    let explore = ExploreOptions {
        progress: hook,
        heartbeat,
        on_integer_drift: Some(super::check_drift::drift_note(
            &net,
            &net_args.net,
            bar.as_ref(),
        )),
        max_depth: args.depth,
        ..args.limits.explore_options()
    };
    let pool = args.limits.thread_pool()?;
    let options = CheckOptions {
        explore,
        symmetry: !args.no_reduction,
        partial_order: !args.no_reduction,
        properties: standard,
        unfold: args.unfold.into(),
        temporal_progress,
    };
    let report = pool
        .install(|| net.check(&options))
        .map_err(|e| crate::host::located_check_error(e, &net, &net_args.net))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let unbounded = (report.unbounded.as_ref()).map(|u| unbounded_error(u, &net, &net_args.net));
    Ok((report, unbounded))
}

/// Prints the error of an unbounded net, if there is one (an unbounded net
/// is bad input; called after its text report is shown); returns whether
/// there was.
fn report_unbounded(error: Option<anyhow::Error>) -> bool {
    error.inspect(crate::output::report_error).is_some()
}

/// The error of an unbounded net: the places that grow and the steps that
/// repeat, located at the first place's declaration where the net says.
pub(crate) fn unbounded_error(
    unbounded: &Unbounded,
    net: &LoadedNet,
    file: &std::path::Path,
) -> anyhow::Error {
    let run = "the run in the report (all of it with --full, or --json's unbounded.trace)";
    let error = anyhow::anyhow!("{}", unbounded_message(unbounded, run));
    let at = (unbounded.growth.first()).and_then(|first| net.place_position(&first.place));
    crate::host::located(error, at, file)
}

/// Why a net is unbounded: the places that grow each time the steps of
/// `run` (the run where the steps are numbered) from the proof's repeated
/// part on are repeated.
pub(crate) fn unbounded_message(unbounded: &Unbounded, run: &str) -> String {
    let gains: Vec<String> = (unbounded.growth.iter())
        .map(|g| {
            format!(
                "{} gains {} token{}",
                g.place,
                g.more,
                if g.more == 1 { "" } else { "s" }
            )
        })
        .collect();
    let (from, to) = (unbounded.repeat_from + 1, unbounded.trace.steps.len());
    let steps = match from == to {
        true => format!("step {from} of {run} is repeated, which it can be"),
        false => format!("steps {from} to {to} of {run} are repeated, which they can be"),
    };
    format!(
        "the net is unbounded: {} each time {steps} for ever",
        gains.join(", ")
    )
}

/// How often the progress is reported from inside a breadth-first level.
const HEARTBEAT: Duration = Duration::from_millis(500);

/// One progress report: `N states, R expanded/s, frontier F, depth D, M MB`.
fn progress_text(p: &Progress) -> String {
    format!(
        "{} states, {:.0} expanded/s, frontier {}, depth {}, {} MB",
        p.states,
        p.expanded as f64 / p.elapsed.as_secs_f64().max(1e-9),
        p.frontier,
        p.depth,
        p.memory_bytes >> 20
    )
}

/// The smallest interval between two `--progress` lines.
const PROGRESS_EVERY: Duration = Duration::from_secs(2);

/// A hook printing `progress: NET: ...` lines on standard error, at most one
/// every [`PROGRESS_EVERY`] (the first report always); called after every
/// level and every [`HEARTBEAT`] inside one, it prints one line every 2 s.
pub fn progress_lines(net: &std::path::Path) -> ProgressHook {
    Arc::new(throttled_lines(net, progress_text, |p| (p.elapsed, false)))
}

/// One progress report of the CTL/LTL properties' graph: `CTL/LTL
/// properties: graph of N markings, E expanded, M edges`, then `; K of N
/// properties checked` once the graph is complete.
fn graph_progress_text(p: &GraphProgress) -> String {
    let graph = format!(
        "CTL/LTL properties: graph of {} markings, {} expanded, {} edges",
        p.markings, p.expanded, p.edges
    );
    match p.properties {
        Some((checked, of)) => format!("{graph}; {checked} of {of} properties checked"),
        None => graph,
    }
}

/// A progress callback for reports of type `P` ([`ProgressHook`] and
/// [`GraphProgressHook`] are two).
type Hook<P> = Arc<dyn Fn(&P) + Send + Sync>;

/// Where reports of type `P` go: the terminal's status line `bar` when
/// there is one, else `--progress` lines (`lines`) throttled by `when`,
/// else nowhere.
fn report_hook<P: 'static>(
    bar: Option<&ProgressBar>,
    lines: bool,
    net: &std::path::Path,
    text: fn(&P) -> String,
    when: fn(&P) -> (Duration, bool),
) -> Option<Hook<P>> {
    if let Some(bar) = bar.cloned() {
        Some(Arc::new(move |p: &P| {
            bar.set_message(text(p));
            bar.tick();
        }))
    } else if lines {
        Some(Arc::new(throttled_lines(net, text, when)))
    } else {
        None
    }
}

/// Prints `progress: NET: TEXT, ELAPSED s` for reports of type `P`, `when`
/// giving a report's elapsed time and whether it is a milestone: the first
/// report and every milestone, else at most one every [`PROGRESS_EVERY`] of
/// elapsed time (the text of a report not printed is not written).
fn throttled_lines<P>(
    net: &std::path::Path,
    text: fn(&P) -> String,
    when: fn(&P) -> (Duration, bool),
) -> impl Fn(&P) + Send + Sync + use<P> {
    let net = net.display().to_string();
    let last: std::sync::Mutex<Option<Duration>> = std::sync::Mutex::new(None);
    move |p: &P| {
        let (elapsed, milestone) = when(p);
        let mut last = last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !milestone && last.is_some_and(|at| elapsed < at + PROGRESS_EVERY) {
            return;
        }
        *last = Some(elapsed);
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "progress: {net}: {}, {:.1} s",
            text(p),
            elapsed.as_secs_f64()
        );
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
