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
use sesphr_engine::smt::{Solved, prepare, solve, write_script};

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
    /// one-safe. A coloured net's own safety properties are always encoded.
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
/// input (a net without an SMT encoding: the reason is named), 3 when
/// --timeout stopped the unfolding or the script's writing, or the solver before it answered for
/// every depth (and nothing was violated).
pub fn run(args: &SmtArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let net = crate::host::load(&args.net)?;
    // The unfolding runs within the time limit: one marking's bindings can be
    // too many to enumerate.
    let budget = Arc::new(Budget::starting_at(started, args.timeout, None));
    let prepared = budget.install(|| prepare(&net, &args.properties));
    let (pt, properties) = match prepared {
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
    if !args.solve {
        let deadline = args.timeout.map(|limit| started + limit);
        let written = write_script(&pt, &properties, args.depth, &mut ScriptOut { deadline });
        return Ok(match written {
            Err(e) if e.kind() == ErrorKind::TimedOut => {
                crate::output::report_error(&anyhow::anyhow!(
                    "{}: --timeout stopped the script before it reached depth {}: it is incomplete",
                    args.net.net.display(),
                    args.depth
                ));
                ExitCode::from(3)
            }
            // Written, or its reader has gone (`sesphr smt ... | head`).
            _ => ExitCode::SUCCESS,
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
    Ok(print_verdicts(&solved, args.depth))
}

/// Prints one line per property of `solved` and returns the exit code: 1 if
/// one is violated within `depth` steps, else 3 if the solver was stopped
/// before it answered for every depth, else 0.
fn print_verdicts(solved: &Solved, depth: usize) -> ExitCode {
    let mut violated = false;
    for v in &solved.verdicts {
        match (&v.run, v.witness, solved.searched) {
            (Some(run), true, _) => outln!(
                "  reached   {} in {} step(s): {}",
                v.name,
                run.len(),
                run.join(", ")
            ),
            (Some(run), false, _) => {
                violated = true;
                outln!(
                    "  VIOLATED  {} in {} step(s): {}",
                    v.name,
                    run.len(),
                    run.join(", ")
                );
            }
            (None, _, Some(searched)) if searched < depth => outln!(
                "  undecided {}: not {} within {searched} steps, the solver stopped by --timeout",
                v.name,
                if v.witness { "reached" } else { "violated" }
            ),
            (None, _, None) => outln!(
                "  undecided {}: the solver stopped by --timeout before it answered",
                v.name
            ),
            (None, true, _) => outln!("  not reached within {depth} steps  {}", v.name),
            (None, false, _) => outln!("  not violated within {depth} steps  {}", v.name),
        }
    }
    match (violated, solved.searched) {
        (true, _) => ExitCode::from(1),
        (false, Some(searched)) if searched == depth => ExitCode::SUCCESS,
        (false, _) => ExitCode::from(3),
    }
}
