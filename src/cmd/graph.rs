//! `sesphr graph --reachability`: export the reachability graph of a small net.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use sesphr_engine::explore::{GraphFormat, reachability_graph};
use sesphr_engine::ptnet::PackedNet;

use super::net::{NetFile, load};

/// Output format of `sesphr graph`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Graphviz DOT.
    Dot,
    /// JSON (nodes and arcs).
    Json,
}

/// Arguments of `sesphr graph`.
#[derive(Args, Debug)]
pub struct GraphArgs {
    /// The net: a PNML P/T net (`.pnml`).
    pub net: PathBuf,
    /// A net parameter `name=value` (YAML nets), repeatable.
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// Export the reachability graph (one node per reachable marking).
    #[arg(long)]
    pub reachability: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    pub format: Format,
    /// Refuse graphs with more states than this.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub limit: u64,
}

/// Runs `sesphr graph`: 0 on success, 2 on bad input or a graph above the limit.
pub fn run(args: &GraphArgs) -> ExitCode {
    match graph(args) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn graph(args: &GraphArgs) -> Result<String> {
    if !args.reachability {
        bail!("only --reachability graphs are available for now");
    }
    let format = match args.format {
        Format::Dot => GraphFormat::Dot,
        Format::Json => GraphFormat::Json,
    };
    let NetFile::Pnml(net) = load(&args.net, &args.params)?;
    let space = PackedNet::with_lane_bits(&net, Vec::new(), 32)?;
    match reachability_graph(&space, args.limit) {
        Ok(graph) => Ok(graph.render(format)),
        Err(sesphr_engine::explore::GraphError::TooLarge { limit }) => bail!(
            "the reachability graph has more than {limit} states; raise the limit with --limit N"
        ),
        Err(e) => Err(e.into()),
    }
}
