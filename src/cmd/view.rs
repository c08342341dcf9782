//! `sesphr view NET [--trace FILE.json] --out DIR`: a self-contained HTML page
//! showing the net, a trace step by step, and the reachability graph.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::{GraphError, StateSpace, reachability_graph_within};
use sesphr_engine::load::LoadedNet;
use sesphr_engine::load::source::{MAX_INPUT_BYTES, read_text};
use sesphr_engine::ptnet::PackedNet;

use crate::NetArgs;
use crate::view::page::{self, Reachability};
use crate::view::picture::Picture;
use crate::view::replay::{PageTrace, ReplayError, replay};
use crate::view::svg::{LayoutEngine, net_svg, reachability_svg};
use crate::view::trace::{NamedTrace, read_traces};

/// Arguments of `sesphr view`.
#[derive(Args, Debug)]
#[command(
    after_help = "Exit codes: 0 page written, 2 bad input (net, trace file, a trace the net cannot fire, or output directory)."
)]
pub struct ViewArgs {
    #[command(flatten)]
    pub net: NetArgs,
    /// A trace to step through: the JSON that `sesphr check --json` or
    /// `simulate --json` writes (every trace in it is offered, violations
    /// first; each is fired on the net, and one that cannot fire is refused).
    #[arg(long, value_name = "FILE.json")]
    pub trace: Option<PathBuf>,
    /// The directory to write `index.html` into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Draw the reachability graph when the net has at most this many states (0: never).
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub max_states: u64,
    /// Who lays the drawings out: Graphviz `dot` when installed (auto), or the built-in layout.
    #[arg(long, value_enum, default_value = "auto")]
    pub layout: LayoutEngine,
}

/// Runs `sesphr view`.
pub fn run(args: &ViewArgs) -> Result<ExitCode> {
    let net = crate::host::load(&args.net)?;
    let picture = match &net {
        LoadedNet::Coloured(net) => Picture::of_net(net),
        LoadedNet::PlaceTransition(net) => Picture::of_pt_net(net),
    };
    let traces = match &args.trace {
        Some(path) => replayed(&net, &read_trace_file(path, &picture.name)?)
            .with_context(|| path.display().to_string())?,
        None => Vec::new(),
    };
    let (svg, layout_by) = net_svg(&picture, args.layout)?;
    let reachability = if args.max_states == 0 {
        Reachability::Omitted("Not drawn (--max-states 0).".into())
    } else {
        match &net {
            LoadedNet::Coloured(net) => {
                let bare = crate::host::without_properties(net);
                reachability(&ColouredSpace::new(&bare), args, |e| {
                    let at = (e.evaluation()).and_then(|eval| net.position_of_failure(eval));
                    crate::host::located(e, at, &args.net.net)
                })?
            }
            LoadedNet::PlaceTransition(net) => reachability(
                &PackedNet::with_lane_bits(net, Vec::new(), 32)?,
                args,
                |e| crate::host::located(e, None, &args.net.net),
            )?,
        }
    };
    let html = page::render(&picture, &svg, layout_by, traces, &reachability)?;
    let file = write_page(&args.out, &html)?;
    outln!("wrote {}", file.display());
    Ok(ExitCode::SUCCESS)
}

/// The traces fired on `net` (a place/transition net as a coloured net
/// with `()` tokens, its markings shown as counts).
fn replayed(net: &LoadedNet, traces: &[NamedTrace]) -> Result<Vec<PageTrace>, ReplayError> {
    match net {
        LoadedNet::Coloured(coloured) => replay(coloured, false, traces),
        LoadedNet::PlaceTransition(_) => replay(&net.to_coloured(), true, traces),
    }
}

/// The traces of the net named `net` in the JSON file at `path`.
fn read_trace_file(path: &Path, net: &str) -> Result<Vec<NamedTrace>> {
    let text = read_text(path, MAX_INPUT_BYTES).with_context(|| path.display().to_string())?;
    let json: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not JSON (expected the output of `sesphr check --json`)",
            path.display()
        )
    })?;
    let traces = read_traces(&json, net).with_context(|| path.display().to_string())?;
    if traces.is_empty() {
        anyhow::bail!(
            "{}: holds no trace (no property was violated or witnessed)",
            path.display()
        );
    }
    Ok(traces)
}

/// The reachability graph drawn, or why it is not; `failed` turns an error
/// of the exploration into the message (located in the net file).
fn reachability<S: StateSpace>(
    space: &S,
    args: &ViewArgs,
    failed: impl FnOnce(GraphError<S::Error>) -> anyhow::Error,
) -> Result<Reachability> {
    match reachability_graph_within(
        space,
        args.max_states,
        super::limits::default_memory_limit(),
    ) {
        Ok(graph) => {
            let g = &graph.graph;
            let deadlocks = g
                .node_indices()
                .filter(|&n| g.neighbors(n).next().is_none())
                .count();
            Ok(Reachability::Drawn {
                svg: reachability_svg(&graph, args.layout)?,
                states: g.node_count(),
                deadlocks,
            })
        }
        Err(GraphError::TooLarge { limit }) => Ok(Reachability::Omitted(format!(
            "Not drawn: the net has more than {limit} reachable states (raise --max-states to draw it)."
        ))),
        Err(GraphError::OutOfMemory) => Ok(Reachability::Omitted(
            "Not drawn: the memory limit was reached while exploring the states.".into(),
        )),
        Err(GraphError::Unbounded { places }) => Ok(Reachability::Omitted(format!(
            "Not drawn: the net is unbounded ({} can grow for ever; `sesphr check` shows the steps that repeat).",
            places.join(" and ")
        ))),
        Err(e) => Err(failed(e)),
    }
}

/// Writes `DIR/index.html` through a temporary file renamed into place, so
/// a failed write leaves no half page behind.
fn write_page(dir: &Path, html: &str) -> Result<PathBuf> {
    if dir.exists() && !dir.is_dir() {
        bail!(
            "{} is not a directory: --out names the folder to write index.html in",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the output directory {}", dir.display()))?;
    let file = dir.join("index.html");
    let partial = dir.join(".index.html.partial");
    let written = std::fs::write(&partial, html).and_then(|()| std::fs::rename(&partial, &file));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e).with_context(|| format!("cannot write {}", file.display()));
    }
    Ok(file)
}
