//! `sesphr to-promela` (hidden): a P/T net as a Promela model for SPIN, used by
//! `scripts/bench-vs-spin`: one process whose loop holds one
//! `atomic { guard -> update }` per transition.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use sesphr_engine::ptnet::PtNet;

use sesphr_engine::load::LoadedNet;

/// Arguments of `sesphr to-promela`.
#[derive(Args, Debug)]
pub struct PromelaArgs {
    /// The net: a PNML P/T net (`.pnml`).
    pub net: PathBuf,
    /// Declare counters as `int` instead of `byte` (for places above 255 tokens).
    #[arg(long)]
    pub int: bool,
}

/// Prints the Promela translation: 0 on success, 2 on bad input.
pub fn run(args: &PromelaArgs) -> ExitCode {
    match crate::host::load(&crate::NetArgs {
        net: args.net.clone(),
        params: Vec::new(),
    }) {
        Ok(LoadedNet::PlaceTransition(net)) => {
            crate::cmd::write_out(format_args!("{}", promela(&net, args.int)));
            ExitCode::SUCCESS
        }
        Ok(LoadedNet::Coloured(_)) => {
            crate::output::report_error(&anyhow::anyhow!(
                "{}: only PNML P/T nets translate to Promela",
                args.net.display()
            ));
            ExitCode::from(2)
        }
        Err(error) => {
            crate::output::report_error(&anyhow::Error::from(error));
            ExitCode::from(2)
        }
    }
}

/// The Promela text of `net`; place `i` becomes the global `p{i}`.
pub fn promela(net: &PtNet, int: bool) -> String {
    let ty = if int { "int" } else { "byte" };
    let mut out = format!("/* {} translated by sesphr to-promela */\n", net.name);
    for (i, (name, count)) in net.places.iter().zip(&net.initial).enumerate() {
        let _ = writeln!(out, "{ty} p{i} = {count}; /* {name} */");
    }
    out += "\nactive proctype net() {\n  do\n";
    for t in &net.transitions {
        let guard: Vec<String> = t.pre.iter().map(|(p, w)| format!("p{p} >= {w}")).collect();
        let guard = if guard.is_empty() {
            "1".to_string()
        } else {
            guard.join(" && ")
        };
        let mut updates = Vec::new();
        for (p, w) in &t.pre {
            let post = t.post.iter().find(|(q, _)| q == p).map_or(0, |&(_, v)| v);
            let delta = i64::from(post) - i64::from(*w);
            if delta != 0 {
                updates.push(format!(
                    "p{p} = p{p} {} {}",
                    if delta < 0 { '-' } else { '+' },
                    delta.abs()
                ));
            }
        }
        for (p, w) in &t.post {
            if !t.pre.iter().any(|(q, _)| q == p) {
                updates.push(format!("p{p} = p{p} + {w}"));
            }
        }
        let updates = if updates.is_empty() {
            "skip".to_string()
        } else {
            updates.join("; ")
        };
        let _ = writeln!(
            out,
            "  :: atomic {{ ({guard}) -> {updates} }} /* {} */",
            t.name
        );
    }
    out += "  od\n}\n";
    out
}
