//! `sesphr smt NET --depth K`: the SMT-LIB 2 script of a bounded unrolling
//! of the net (the paper's method), or with `--solve` the verdicts of an SMT
//! solver (Z3) on it.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use sesphr_engine::check::StandardProperty;
use sesphr_engine::smt::{prepare, script, solve};

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
}

fn parse_standard(s: &str) -> Result<StandardProperty, String> {
    match s {
        "deadlock-free" => Ok(StandardProperty::DeadlockFree),
        "one-safe" => Ok(StandardProperty::OneSafe),
        other => Err(format!("{other:?} is not deadlock-free or one-safe")),
    }
}

/// Runs `sesphr smt`: 0 written (or, with --solve, nothing found within K
/// steps), 1 with --solve when a property is violated within K steps, 2 bad
/// input (a net without an SMT encoding: the reason is named).
pub fn run(args: &SmtArgs) -> Result<ExitCode> {
    let net = crate::host::load(&args.net)?;
    let (pt, properties) = prepare(&net, &args.properties)
        .map_err(|e| crate::host::located_check_error(e.into(), &net, &args.net.net))?;
    if !args.solve {
        super::write_out(format_args!("{}", script(&pt, &properties, args.depth)));
        return Ok(ExitCode::SUCCESS);
    }
    let verdicts = solve(&args.solver, &pt, &properties, args.depth, None)
        .map_err(|e| crate::host::located_check_error(e.into(), &net, &args.net.net))?
        .verdicts;
    let mut violated = false;
    for v in &verdicts {
        match (&v.run, v.witness) {
            (Some(run), true) => outln!(
                "  reached   {} in {} step(s): {}",
                v.name,
                run.len(),
                run.join(", ")
            ),
            (Some(run), false) => {
                violated = true;
                outln!(
                    "  VIOLATED  {} in {} step(s): {}",
                    v.name,
                    run.len(),
                    run.join(", ")
                );
            }
            (None, true) => outln!("  not reached within {} steps  {}", args.depth, v.name),
            (None, false) => outln!("  not violated within {} steps  {}", args.depth, v.name),
        }
    }
    Ok(if violated {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
