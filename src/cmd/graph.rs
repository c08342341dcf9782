//! `sesphr graph NET`: the net's structure, or its reachability graph, for Graphviz or JSON.

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::{GraphError, GraphFormat, StateSpace, reachability_graph_within};
use sesphr_engine::load::LoadedNet;
use sesphr_engine::net::graph::to_dot;
use sesphr_engine::ptnet::PackedNet;

use crate::NetArgs;

/// Output format of `sesphr graph`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Graphviz DOT (render with `dot -Tsvg`).
    Dot,
    /// JSON (nodes and arcs); reachability graphs only.
    Json,
}

/// Arguments of `sesphr graph`.
#[derive(Args, Debug)]
pub struct GraphArgs {
    #[command(flatten)]
    net: NetArgs,
    /// Export the reachability graph (one node per reachable marking) instead of the structure.
    #[arg(long)]
    reachability: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    format: Format,
    /// Refuse reachability graphs with more states than this (`--limit` is an old name).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 10_000,
        alias = "limit",
        requires = "reachability"
    )]
    max_states: u64,
}

/// Runs `sesphr graph`.
pub fn run(args: &GraphArgs) -> Result<ExitCode> {
    let net = crate::host::load(&args.net)?;
    let text = if args.reachability {
        let format = match args.format {
            Format::Dot => GraphFormat::Dot,
            Format::Json => GraphFormat::Json,
        };
        match &net {
            LoadedNet::PlaceTransition(net) => reachability(
                &PackedNet::with_lane_bits(net, Vec::new(), 32)?,
                args.max_states,
                format,
                |e| crate::host::located(e, None, &args.net.net),
            )?,
            LoadedNet::Coloured(net) => {
                reachability(&ColouredSpace::new(net), args.max_states, format, |e| {
                    let at = (e.evaluation()).and_then(|eval| net.position_of_failure(eval));
                    crate::host::located(e, at, &args.net.net)
                })?
            }
        }
    } else {
        match args.format {
            Format::Dot => to_dot(&net.into_coloured()),
            Format::Json => {
                bail!("the structure is exported as DOT only; use --reachability for JSON")
            }
        }
    };
    crate::cmd::write_out(format_args!("{text}"));
    Ok(ExitCode::SUCCESS)
}

/// The reachability graph of `space` in `format`; a failure other than the
/// limit is reported by `failed` (which names the net's file).
fn reachability<S: StateSpace>(
    space: &S,
    limit: u64,
    format: GraphFormat,
    failed: impl FnOnce(GraphError<S::Error>) -> anyhow::Error,
) -> Result<String> {
    match reachability_graph_within(space, limit, super::limits::default_memory_limit()) {
        Ok(graph) => Ok(graph.render(format)),
        Err(GraphError::TooLarge { limit }) => bail!(
            "the reachability graph has more than {limit} states; raise the limit with --max-states N"
        ),
        Err(e) => Err(failed(e)),
    }
}
