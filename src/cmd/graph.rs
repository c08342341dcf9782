//! `sesphr graph NET --format dot`: the net's structure for Graphviz.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use sesphr_engine::graph::to_dot;

use crate::{NetArgs, host};

/// Arguments of `sesphr graph`.
#[derive(Args, Debug)]
pub struct GraphArgs {
    #[command(flatten)]
    net: NetArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    format: Format,
}

/// Graph output formats.
#[derive(ValueEnum, Clone, Copy, Debug)]
enum Format {
    /// Graphviz DOT (render with `dot -Tsvg`).
    Dot,
}

/// Runs the command.
pub fn run(args: &GraphArgs) -> anyhow::Result<ExitCode> {
    let net = host::load(&args.net)?;
    match args.format {
        Format::Dot => crate::cmd::write_out(format_args!("{}", to_dot(&net))),
    }
    Ok(ExitCode::SUCCESS)
}
