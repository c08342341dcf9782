//! `sesphr graph NET`: the net's structure, or its reachability graph, for Graphviz or JSON.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::{
    ExploreError, GraphError, GraphFormat, StateSpace, reachability_graph_within,
};
use sesphr_engine::load::LoadedNet;
use sesphr_engine::load::source::Pos;
use sesphr_engine::net::graph::to_dot;
use sesphr_engine::ptnet::{PackedNet, PtError};

use crate::NetArgs;
use crate::host::LimitReached;

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

/// Runs `sesphr graph`. With `--format json` a graph that cannot be built
/// (bad input, an unbounded net, more states than `--max-states`) is
/// reported in JSON too, as `{file, error}`, besides the message on
/// standard error. A graph that a limit stopped (`--max-states`, the memory
/// limit) exits 3, as an incomplete run does everywhere; other errors 2.
pub fn run(args: &GraphArgs) -> ExitCode {
    match export(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            crate::output::report_error(&error);
            if matches!(args.format, Format::Json) {
                super::print_error_json(&args.net.net, &error);
            }
            match error.downcast_ref::<LimitReached>() {
                Some(_) => ExitCode::from(3),
                None => super::exit_bad_input(),
            }
        }
    }
}

/// Writes the structure or the reachability graph on standard output.
fn export(args: &GraphArgs) -> Result<()> {
    let net = crate::host::load(&args.net)?;
    let text = if args.reachability {
        let format = match args.format {
            Format::Dot => GraphFormat::Dot,
            Format::Json => GraphFormat::Json,
        };
        let file = &args.net.net;
        match &net {
            LoadedNet::PlaceTransition(pt) => {
                let space = PackedNet::with_lane_bits(pt, Vec::new(), 32)?;
                reachability(&space, args.max_states, format).map_err(|e| {
                    let at = match &e {
                        GraphError::Explore(ExploreError::Space {
                            source: PtError::Overflow { place, .. },
                        }) => net.place_position(place),
                        _ => None,
                    };
                    graph_failure(e, at, &net, file)
                })?
            }
            LoadedNet::Coloured(coloured) => {
                let bare = crate::host::without_properties(coloured);
                reachability(&ColouredSpace::new(&bare), args.max_states, format).map_err(|e| {
                    let at = (e.evaluation()).and_then(|eval| coloured.position_of_failure(eval));
                    graph_failure(e, at, &net, file)
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
    Ok(())
}

/// The reachability graph of `space` in `format`.
fn reachability<S: StateSpace>(
    space: &S,
    limit: u64,
    format: GraphFormat,
) -> Result<String, GraphError<S::Error>> {
    let graph = reachability_graph_within(space, limit, super::limits::default_memory_limit())?;
    Ok(graph.render(format))
}

/// The error of a reachability graph that could not be built from `net`
/// (read from `file`): located at `at` (an evaluation that failed, a place
/// that outgrew its counter), else at
/// the first place that grows in an unbounded net. A graph that a limit
/// stopped is a [`LimitReached`].
fn graph_failure<E: std::error::Error + Send + Sync + 'static>(
    error: GraphError<E>,
    at: Option<Pos>,
    net: &LoadedNet,
    file: &Path,
) -> anyhow::Error {
    let at = at.or_else(|| match &error {
        GraphError::Unbounded { places } => places.first().and_then(|p| net.place_position(p)),
        _ => None,
    });
    let limit = matches!(error, GraphError::TooLarge { .. } | GraphError::OutOfMemory);
    let error = match error {
        GraphError::TooLarge { limit } => anyhow::anyhow!(
            "the reachability graph has more than {}; raise the limit with --max-states N",
            crate::output::counted(limit, "state", "states")
        ),
        e => e.into(),
    };
    let error = crate::host::located(error, at, file);
    match limit {
        true => anyhow::Error::new(LimitReached(error)),
        false => error,
    }
}
