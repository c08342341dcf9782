//! `sesphr simulate NET`: random runs with a seed, or the interactive token game.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use sesphr_engine::budget::Budget;
use sesphr_engine::coloured::simulate::StopReason;

use super::limits::default_memory_limit;
use super::simulate_game::{Terminal, token_game};
use super::simulate_net::{Played, indent};
use crate::terms::{places_json, value_json};
use crate::{NetArgs, host};

/// Arguments of `sesphr simulate`.
#[derive(Args, Debug)]
pub struct SimulateArgs {
    #[command(flatten)]
    net: NetArgs,
    /// Fire at most this many steps per run [default: 20; with --crypto --random: 10000].
    #[arg(long, value_name = "N", alias = "steps")]
    max_steps: Option<u64>,
    /// Seed of the random choices: the same seed gives the same run (with --crypto it
    /// also derives every key and exponent, which are then public).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Play the token game: list the enabled bindings and pick one by number
    /// (`h` at its prompt explains it, `undo` takes a move back, `q` quits).
    #[arg(long, short, conflicts_with_all = ["max_steps", "seed", "json"])]
    interactive: bool,
    /// Print JSON instead of text (schema: docs/schema/simulate.schema.json).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub crypto: super::simulate_crypto::CryptoArgs,
}

/// `n` steps, in words: `1 step`, `2 steps`.
fn steps(n: u64) -> String {
    match n {
        1 => "1 step".to_string(),
        n => format!("{n} steps"),
    }
}

/// The default `--max-steps` of a random run.
const DEFAULT_STEPS: u64 = 20;

/// Runs the command. With `--json`, a net that cannot be run (it does not
/// load, or the memory limit stops the run) is reported in JSON too, as
/// `{file, error}`, besides the message on standard error.
pub fn run(args: &SimulateArgs) -> ExitCode {
    let (code, error) = match run_or_stop(args) {
        Ok(code) => return code,
        Err(Stop::MemoryLimit(error)) => (ExitCode::from(3), error),
        Err(Stop::Failed(error)) => (super::exit_bad_input(), error),
    };
    crate::output::report_error(&error);
    if args.json {
        super::print_error_json(&args.net.net, &error);
    }
    code
}

/// Why a simulation printed no run.
enum Stop {
    /// The memory limit stopped the listing of enabled bindings (exit 3).
    MemoryLimit(anyhow::Error),
    /// Bad input, or an expression failing where no JSON run reports it (exit 2).
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for Stop {
    fn from(error: anyhow::Error) -> Self {
        Stop::Failed(error)
    }
}

/// Loads the net and plays it; the run's exit code, or why nothing was run.
fn run_or_stop(args: &SimulateArgs) -> Result<ExitCode, Stop> {
    if args.crypto.crypto {
        return Ok(super::simulate_crypto::run(
            &args.net,
            &args.crypto,
            args.seed,
            args.max_steps,
            args.json,
        )?);
    }
    let loaded = host::load(&args.net).map_err(anyhow::Error::from)?;
    let net = loaded.to_coloured();
    let played = Played::new(&loaded, &net, &args.net.net);
    // A marking with billions of enabled bindings must stop with a message,
    // not exhaust the machine: the default memory limit of `check` holds here too.
    let budget = Arc::new(Budget::new(None, default_memory_limit()));
    let result = budget.install(|| play(args, &played));
    match result {
        Err(e) if budget.exhausted().is_some() => Err(Stop::MemoryLimit(
            e.context("stopped: the memory limit was reached while listing the enabled bindings"),
        )),
        Err(e) if e.is::<Terminal>() => Err(Stop::Failed(e)),
        other => Ok(other.map_err(|e| played.located(e))?),
    }
}

/// The token game or a seeded random run of the net.
fn play(args: &SimulateArgs, played: &Played<'_>) -> anyhow::Result<ExitCode> {
    if args.interactive {
        return interactive(played);
    }
    let max_steps = args.max_steps.unwrap_or(DEFAULT_STEPS);
    if args.json {
        return random_run_json(args, played, max_steps);
    }
    let net = played.net;
    outln!(
        "net `{}`, seed {}, at most {} steps",
        net.name,
        args.seed,
        max_steps
    );
    let outcome = played.random_run(max_steps, args.seed, |step, binding, _| {
        outln!("{step:>5}  {}", binding.show(net));
        if crate::output::stdout_closed() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    match outcome.reason {
        StopReason::StepLimit => {
            outln!("stopped: step limit reached after {}", steps(outcome.steps))
        }
        StopReason::Dead => outln!(
            "stopped: dead marking after {} (no binding is enabled)",
            steps(outcome.steps)
        ),
        StopReason::Stopped => return Ok(ExitCode::SUCCESS),
    }
    outln!("final marking:");
    outln!("{}", indent(&played.show(&outcome.marking)));
    Ok(ExitCode::SUCCESS)
}

/// The token game on standard input and output; each answer is written
/// back when no terminal shows what is typed.
fn interactive(played: &Played<'_>) -> anyhow::Result<ExitCode> {
    let stdin = std::io::stdin();
    let echo = !stdin.is_terminal();
    match token_game(played, &mut stdin.lock(), &mut std::io::stdout(), echo) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // The reader has gone: the game is over, not failed.
        Err(e) if matches!(e.downcast_ref(), Some(Terminal::Write(io)) if io.kind() == std::io::ErrorKind::BrokenPipe) => {
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(e),
    }
}

/// A seeded random run as one JSON object: the steps with their bindings as
/// JSON values, why it stopped and the final marking. The steps are written
/// as they are taken (in blocks of about 64 KiB), so a long run holds none of
/// them in memory. A run that fails (an expression failing while the net
/// runs) is printed too, up to the marking it failed in, with `stopped:
/// "error"` and the located `error` (exit 2).
fn random_run_json(
    args: &SimulateArgs,
    played: &Played<'_>,
    max_steps: u64,
) -> anyhow::Result<ExitCode> {
    let net = played.net;
    let mut out = format!(
        "{{\n  \"file\": {},\n  \"net\": {},\n  \"mode\": \"random\",\n  \"seed\": {},\n  \"max_steps\": {},\n  \"steps\": [",
        serde_json::to_string(&args.net.net.display().to_string())?,
        serde_json::to_string(&net.name)?,
        args.seed,
        max_steps
    );
    let mut first = true;
    let mut reached = None;
    let outcome = played.random_run(max_steps, args.seed, |step, binding, marking| {
        reached = Some(marking.clone());
        let t = &net.transitions[binding.transition];
        let values: serde_json::Map<String, serde_json::Value> = t
            .vars
            .iter()
            .zip(&binding.values)
            .map(|(var, value)| (var.name.clone(), value_json(&value.to_string())))
            .collect();
        let step = serde_json::json!({
            "step": step,
            "transition": t.name,
            "binding": values,
        });
        out += if first { "\n    " } else { ",\n    " };
        out += &step.to_string();
        first = false;
        if out.len() >= 1 << 16 {
            crate::output::write_out(format_args!("{out}"));
            out.clear();
        }
        if crate::output::stdout_closed() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    let (stopped, last, error) = match outcome {
        Ok(outcome) => {
            let stopped = match outcome.reason {
                StopReason::StepLimit => "step-limit",
                StopReason::Dead => "dead",
                StopReason::Stopped => "stopped",
            };
            (stopped, outcome.marking, None)
        }
        Err(e) => {
            let error = played.located(e);
            crate::output::report_error(&error);
            let last = reached.unwrap_or_else(|| net.initial.clone());
            ("error", last, Some(crate::output::render_error(&error)))
        }
    };
    out += if first { "],\n" } else { "\n  ],\n" };
    out += &format!(
        "  \"stopped\": \"{stopped}\",\n  \"final\": {}",
        serde_json::to_string(&places_json(&net.marked_places(&last)))?
    );
    if let Some(error) = &error {
        out += &format!(",\n  \"error\": {}", serde_json::to_string(error)?);
    }
    out += "\n}";
    outln!("{out}");
    Ok(if error.is_some() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
