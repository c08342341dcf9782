//! `sesphr smt NET --depth K`: the SMT-LIB 2 script of a bounded unrolling
//! of the net (the paper's method), or with `--solve` the verdicts of an SMT
//! solver (Z3) on it.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;
use sesphr_engine::budget::{Budget, time_left};
use sesphr_engine::check::StandardProperty;
use sesphr_engine::ptnet::PtNet;
use sesphr_engine::smt::{
    SmtError, SmtProperty, SmtVerdict, Solved, prepare_encodable, solve, write_script,
};

use super::limits::parse_seconds;
use crate::host::LimitReached;

/// Arguments of `sesphr smt`.
#[derive(Args, Debug)]
pub struct SmtArgs {
    #[command(flatten)]
    pub net: crate::NetArgs,
    /// Unroll this many steps.
    #[arg(long, value_name = "K")]
    pub depth: usize,
    /// A standard property to encode too (repeatable): deadlock-free or
    /// one-safe. A coloured net's own safety properties are always encoded,
    /// but for those the encoding cannot express, which are left out with
    /// the reason (exit 3).
    #[arg(long = "property", value_name = "NAME", value_parser = parse_standard)]
    pub properties: Vec<StandardProperty>,
    /// Run the solver on the script and print, per property, whether it is
    /// violated (reached, for `reachable` ones) within K steps, with the run.
    #[arg(long)]
    pub solve: bool,
    /// The solver to run with --solve (SMT-LIB 2 on standard input, `-smt2 -in`).
    #[arg(long, value_name = "PROGRAM", default_value = "z3", requires = "solve")]
    pub solver: String,
    /// Stop after this many seconds (0 to 1e9): the unfolding of a coloured
    /// net, then the writing of the script (exit 3), or with --solve the
    /// solver, whose answers so far are kept.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,
}

fn parse_standard(s: &str) -> Result<StandardProperty, String> {
    match s {
        "deadlock-free" => Ok(StandardProperty::DeadlockFree),
        "one-safe" => Ok(StandardProperty::OneSafe),
        other => Err(format!("{other:?} is not deadlock-free or one-safe")),
    }
}

/// Standard output as the script's writer, a step at a time: an error once
/// its reader has gone (the rest is not wanted) or the deadline has passed.
struct ScriptOut {
    deadline: Option<Instant>,
}

impl Write for ScriptOut {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(ErrorKind::TimedOut.into());
        }
        super::write_out(format_args!("{}", String::from_utf8_lossy(bytes)));
        if crate::output::stdout_closed() {
            return Err(ErrorKind::BrokenPipe.into());
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `sesphr smt`: 0 written (or, with --solve, nothing found within K
/// steps), 1 with --solve when a property is violated within K steps, 2 bad
/// input (a net that does not unfold: the reason is named), 3 when a
/// property is left out (it has no encoding: named, with the reason, and
/// the others encoded), or --timeout stopped the unfolding or the script's
/// writing, or the solver before it answered for every depth (and nothing
/// was violated).
pub fn run(args: &SmtArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let net = crate::host::load(&args.net)?;
    // The unfolding runs within the time limit: one marking's bindings can be
    // too many to enumerate.
    let budget = Arc::new(Budget::starting_at(started, args.timeout, None));
    let prepared = budget.install(|| prepare_encodable(&net, &args.properties));
    let (pt, properties, left_out) = match prepared {
        Ok(prepared) => prepared,
        Err(e) => {
            let e = crate::host::located_check_error(e.into(), &net, &args.net.net);
            if e.downcast_ref::<LimitReached>().is_some() {
                crate::output::report_error(&e);
                return Ok(ExitCode::from(3));
            }
            return Err(e);
        }
    };
    let left_out: Vec<(String, String)> = left_out.into_iter().map(property_and_reason).collect();
    if properties.is_empty() && left_out.is_empty() {
        note_no_property(args);
    }
    if !args.solve {
        let code = write(args, &pt, &properties, started);
        // After the script: its reader sees it whole, then what it lacks.
        for (name, reason) in &left_out {
            let message = format!(
                "{}: property `{name}` is left out of the script: {reason}",
                args.net.net.display()
            );
            crate::output::write_err(format_args!(
                "warning: {}\n",
                crate::output::clean_message(&message)
            ));
        }
        return Ok(match code {
            0 if !left_out.is_empty() => ExitCode::from(3),
            code => ExitCode::from(code),
        });
    }
    let solved = solve(
        &args.solver,
        &pt,
        &properties,
        args.depth,
        time_left(args.timeout, started),
    )
    .map_err(|e| crate::host::located_check_error(e.into(), &net, &args.net.net))?;
    Ok(print_verdicts(&solved, &left_out, args.depth))
}

/// The note on standard error for a net that declares no property when
/// none was asked for: the script asks nothing, the solver answers nothing.
fn note_no_property(args: &SmtArgs) {
    crate::output::write_err(format_args!(
        "note: {} declares no property and none was asked for: the script has no \
         query; add --property deadlock-free or --property one-safe\n",
        args.net.net.display()
    ));
}

/// A property left out of the script, as its name and the reason.
fn property_and_reason(error: SmtError) -> (String, String) {
    match error {
        SmtError::Property { property, reason } => (property, reason),
        other => (String::new(), other.to_string()),
    }
}

/// Writes the script to standard output; returns the exit code: 3 when
/// --timeout stopped it (said on standard error), else 0.
fn write(args: &SmtArgs, pt: &PtNet, properties: &[SmtProperty], started: Instant) -> u8 {
    let deadline = args.timeout.map(|limit| started + limit);
    let written = write_script(pt, properties, args.depth, &mut ScriptOut { deadline });
    match written {
        Err(e) if e.kind() == ErrorKind::TimedOut => {
            crate::output::report_error(&anyhow::anyhow!(
                "{}: --timeout stopped the script before it reached depth {}: it is incomplete",
                args.net.net.display(),
                args.depth
            ));
            3
        }
        // Written, or its reader has gone (`sesphr smt ... | head`).
        _ => 0,
    }
}

/// Prints one line per property of `solved`, then one per property left
/// out, each `STATUS NAME DETAIL` in columns, and returns the exit code: 1
/// if one is violated within `depth` steps, else 3 if one was left out or
/// the solver was stopped before it answered for every depth, else 0.
fn print_verdicts(solved: &Solved, left_out: &[(String, String)], depth: usize) -> ExitCode {
    let width = (solved.verdicts.iter().map(|v| v.name.len()))
        .chain(left_out.iter().map(|(name, _)| name.len()))
        .max()
        .unwrap_or(0);
    for v in &solved.verdicts {
        let (status, detail) = verdict_line(v, solved.searched, depth);
        outln!("  {status:<12}  {:<width$}  {detail}", v.name);
    }
    for (name, reason) in left_out {
        outln!("  {:<12}  {name:<width$}  {reason}", "skipped");
    }
    let violated = (solved.verdicts.iter()).any(|v| v.run.is_some() && !v.witness);
    match (violated, solved.searched) {
        (true, _) => ExitCode::from(1),
        (false, Some(searched)) if searched == depth && left_out.is_empty() => ExitCode::SUCCESS,
        (false, _) => ExitCode::from(3),
    }
}

/// The status and detail of one property's line: `VIOLATED`/`reached` with
/// the run, `not violated`/`not reached` within the depth, or `undecided`
/// where the solver was stopped first.
fn verdict_line(v: &SmtVerdict, searched: Option<usize>, depth: usize) -> (&'static str, String) {
    let target = if v.witness { "reached" } else { "violated" };
    match (&v.run, searched) {
        (Some(run), _) => (
            if v.witness { "reached" } else { "VIOLATED" },
            match run.as_slice() {
                [] => "in 0 step(s): the initial marking".to_string(),
                run => format!("in {} step(s): {}", run.len(), run.join(", ")),
            },
        ),
        (None, Some(searched)) if searched < depth => (
            "undecided",
            format!("not {target} within {searched} step(s), the solver stopped by --timeout"),
        ),
        (None, None) => (
            "undecided",
            "the solver stopped by --timeout before it answered".to_string(),
        ),
        (None, Some(_)) => (
            if v.witness {
                "not reached"
            } else {
                "not violated"
            },
            format!("within {depth} step(s)"),
        ),
    }
}
