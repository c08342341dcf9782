//! `sesphr check`: explore a net and print the verdicts and statistics.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use sesphr_engine::check::{CheckOptions, StandardProperty};
use sesphr_engine::explore::{CheckReport, ExploreOptions, Lasso, Progress, ProgressHook, Trace};

use super::limits::{default_memory_limit, parse_seconds, parse_size, parse_threads, thread_count};
use super::write_out;
use crate::NetArgs;

/// Arguments of `sesphr check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub net: NetArgs,
    /// Worker threads (default: one per core; at most 4 per core). Results do not depend on it.
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Print one JSON object instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Stop (incomplete) once this many states are stored.
    #[arg(long, value_name = "N")]
    pub max_states: Option<u64>,
    /// Stop (incomplete) before the process's resident memory exceeds this (e.g.
    /// 500M, 2G; default: 80% of the smaller of the available memory and the
    /// room under the cgroup's limit).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
    /// Stop (incomplete) after this many seconds (0 to 1e9).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<f64>,
    /// Explore every state: no reduction (by default, nets with `symmetric:
    /// true` types are reduced by their symmetry, other coloured nets by
    /// stubborn sets where some transition changes no place a property reads).
    #[arg(long)]
    pub no_reduction: bool,
    /// Also check a standard property (repeatable): deadlock-free (no dead
    /// marking is reachable) or one-safe (no place ever holds two tokens;
    /// place/transition nets).
    #[arg(long = "property", value_enum, value_name = "PROPERTY")]
    pub properties: Vec<Standard>,
}

/// The standard properties `--property` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Standard {
    /// No reachable dead marking.
    DeadlockFree,
    /// No place ever holds more than one token.
    OneSafe,
}

impl From<Standard> for StandardProperty {
    fn from(value: Standard) -> Self {
        match value {
            Standard::DeadlockFree => StandardProperty::DeadlockFree,
            Standard::OneSafe => StandardProperty::OneSafe,
        }
    }
}

/// Runs `sesphr check` and returns its exit code (0 hold, 1 violated, 2 error, 3 incomplete).
pub fn run(args: &CheckArgs) -> ExitCode {
    match run_check(args) {
        Ok(report) => {
            if report.violated() {
                ExitCode::from(1)
            } else if !report.complete {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => {
            crate::output::report_error(&error);
            ExitCode::from(2)
        }
    }
}

fn run_check(args: &CheckArgs) -> Result<CheckReport> {
    let net = crate::host::load(&args.net)?;
    let timeout = match args.timeout {
        Some(s) => Some(
            Duration::try_from_secs_f64(s)
                .map_err(|_| anyhow!("--timeout {s}: expected a number of seconds"))?,
        ),
        None => None,
    };
    let bar = (!args.json && std::io::stderr().is_terminal()).then(progress_bar);
    let explore = ExploreOptions {
        max_states: args.max_states,
        max_memory: args.max_memory.or_else(default_memory_limit),
        timeout,
        progress: bar.clone().map(|bar| {
            Arc::new(move |p: &Progress| {
                bar.set_message(format!(
                    "{} states, {:.0}/s, frontier {}, depth {}, {} MB",
                    p.states,
                    p.states as f64 / p.elapsed.as_secs_f64().max(1e-9),
                    p.frontier,
                    p.depth,
                    p.memory_bytes >> 20
                ));
                bar.tick();
            }) as ProgressHook
        }),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(thread_count(args.threads))
        .build()
        .context("cannot start the worker threads")?;
    let options = CheckOptions {
        explore,
        symmetry: !args.no_reduction,
        partial_order: !args.no_reduction,
        properties: args.properties.iter().map(|&p| p.into()).collect(),
    };
    let report = pool.install(|| net.check(&options))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        write_out(format_args!(
            "{}",
            render(&report, &args.net.net.display().to_string())
        ));
    }
    Ok(report)
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

/// The human report: verdicts with traces, then statistics (in the manner of TLC and SPIN).
pub fn render(report: &CheckReport, path: &str) -> String {
    let mut out = format!("sesphr check: net {} ({path})\n\n", report.net);
    let width = report
        .properties
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(0);
    for p in &report.properties {
        let kind = serde_json::to_value(p.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let verdict = match (p.holds, p.kind.target_is_witness()) {
            (Some(true), false) => "holds",
            (Some(true), true) => "holds (witness below)",
            (Some(false), _) => "VIOLATED",
            (None, _) => "undecided (incomplete run)",
        };
        out += &format!("property {:<width$} [{kind}]  {verdict}\n", p.name);
        if let Some(explanation) = &p.explanation {
            out += &format!("  {explanation}\n");
        }
        if let Some(trace) = &p.trace {
            out += &render_trace(trace);
        }
        if let Some(lasso) = &p.lasso {
            out += &render_lasso(lasso);
        }
    }
    let status = match report.stopped {
        None => "complete".to_string(),
        Some(reason) => format!(
            "INCOMPLETE (stopped: {})",
            serde_json::to_value(reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ),
    };
    out += &format!("\nState space {status}.\n");
    out += &format!("  {:>12} states (reachable markings)\n", report.states);
    if let (Some(reduction), Some(represented)) = (&report.reduction, report.represented_states) {
        out += &format!(
            "  reduction: {reduction}; the states stand for {represented} reachable markings\n"
        );
    }
    out += &format!("  {:>12} edges\n", report.edges);
    out += &format!("  {:>12} depth (breadth-first levels)\n", report.depth);
    out += &format!("  {:>12} deadlocks\n", report.deadlocks);
    out += &format!(
        "  {:>12} max tokens per marking\n",
        known(report.max_tokens_per_marking)
    );
    out += &format!(
        "  {:>12} max tokens in a place\n",
        known(report.max_tokens_in_place)
    );
    out += &format!(
        "  one-safe: {}, deadlock reachable: {}\n",
        known(report.one_safe),
        known(report.deadlock_reachable)
    );
    out += &format!(
        "Finished in {:.3} s, {:.0} states/s, {} thread(s), {:.1} bytes/state.\n",
        report.seconds, report.states_per_second, report.threads, report.bytes_per_state
    );
    out
}

/// A statistic, or `unknown` when an incomplete run cannot tell.
fn known<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "unknown".to_string(), |v| v.to_string())
}

fn render_trace(trace: &Trace) -> String {
    let mut out = format!("  shortest trace, {} step(s):\n", trace.steps.len());
    out += &format!("    0. initial state: {}\n", trace.initial);
    out += &render_steps(&trace.steps, 1);
    out += &format!("    reached: {}\n", trace.last);
    out
}

/// A lasso: the stem, then the cycle that repeats for ever.
fn render_lasso(lasso: &Lasso) -> String {
    let mut out = format!(
        "  lasso: a stem of {} step(s), then a cycle of {} step(s) repeated for ever:\n",
        lasso.stem.len(),
        lasso.cycle.len()
    );
    out += &format!("    0. initial state: {}\n", lasso.initial);
    out += &render_steps(&lasso.stem, 1);
    out += &format!("    cycle starts at: {}\n", lasso.cycle_start);
    if lasso.deadlock {
        out += "    (a deadlock: no binding is enabled, the marking stays for ever)\n";
    } else {
        out += &render_steps(&lasso.cycle, lasso.stem.len() + 1);
        out += "    (back to the start of the cycle)\n";
    }
    out
}

/// Steps numbered from `first`, one line each (one changed place per line when long).
fn render_steps(steps: &[sesphr_engine::explore::Step], first: usize) -> String {
    let mut out = String::new();
    for (i, step) in steps.iter().enumerate() {
        let i = i + first - 1;
        let binding = if step.binding.is_empty() {
            String::new()
        } else {
            let vars: Vec<String> = step
                .binding
                .iter()
                .map(|(k, v)| format!("{k}={}", abbreviate(v)))
                .collect();
            format!(" [{}]", vars.join(", "))
        };
        let changes: Vec<String> = step
            .changes
            .iter()
            .map(|c| match (&c.removed, &c.added) {
                (Some(removed), Some(added)) => {
                    let mut parts = vec![c.place.clone() + ":"];
                    if removed != "{}" {
                        parts.push(format!("-{removed}"));
                    }
                    if added != "{}" {
                        parts.push(format!("+{added}"));
                    }
                    parts.join(" ")
                }
                _ => format!("{}: {} -> {}", c.place, c.before, c.after),
            })
            .collect();
        let line = format!(
            "    {}. {}{binding}: {}",
            i + 1,
            step.transition,
            changes.join(", ")
        );
        if line.chars().count() <= TRACE_LINE_CHARS {
            out += &line;
            out.push('\n');
        } else {
            out += &format!("    {}. {}{binding}:\n", i + 1, step.transition);
            for change in changes {
                out += &format!("         {change}\n");
            }
        }
    }
    out
}

/// A step longer than this prints one changed place per line.
const TRACE_LINE_CHARS: usize = 120;

/// Values longer than this are shortened in human traces (`--json` keeps them whole).
const SHOWN_VALUE_CHARS: usize = 60;

/// A long binding value cut to its head and tail: `know(enc(..) … x((doctor, 1)))`.
fn abbreviate(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= SHOWN_VALUE_CHARS {
        return value.to_string();
    }
    let head: String = chars[..SHOWN_VALUE_CHARS / 2].iter().collect();
    let tail: String = chars[chars.len() - SHOWN_VALUE_CHARS / 4..]
        .iter()
        .collect();
    format!("{head} … {tail}")
}
