//! The SVG drawings of the page: the net and its reachability graph.
//!
//! Places are circles with their name below and a token-count badge; the
//! full marking, type, guards and long inscriptions are in hover titles, so
//! nodes keep one size whatever they hold. Every element the page's script
//! touches has an id (`p3`, `t0`, `badge3`, `s12`).

use std::fmt::Write as _;

use anyhow::{Result, bail};
use sesphr_engine::explore::ReachabilityGraph;

use super::graphviz;
use super::layout::{self, Graph, Layout};
use super::picture::Picture;

/// Who computes the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutEngine {
    /// Graphviz `dot` when it is installed, else the built-in layout.
    Auto,
    /// Graphviz `dot` (an error when it is missing).
    Dot,
    /// The built-in layered layout (needs nothing installed).
    Builtin,
}

/// Radius of a place's circle.
const PLACE_R: f64 = 18.0;
/// Height of a transition's box.
const TRANSITION_H: f64 = 28.0;
/// Characters of a name shown on a node; the rest is in its title.
const NAME_CHARS: usize = 16;
/// Characters of an arc inscription shown; the rest is in its title.
const ARC_CHARS: usize = 18;
/// Radius of a state of the reachability graph.
const STATE_R: f64 = 14.0;

/// Lays `graph` out with `engine`; returns the layout and the engine used.
fn lay_out(graph: &Graph, round: &[bool], engine: LayoutEngine) -> Result<(Layout, &'static str)> {
    if engine != LayoutEngine::Builtin {
        if let Some(l) = graphviz::layout(graph, round) {
            return Ok((l, "Graphviz dot"));
        }
        if engine == LayoutEngine::Dot {
            bail!("--layout dot: Graphviz `dot` is not installed or failed; use --layout builtin");
        }
    }
    Ok((layout::layered(graph), "built-in layered layout"))
}

/// Width of a transition's box for its shown name.
fn transition_width(name: &str) -> f64 {
    (short(name, NAME_CHARS).chars().count() as f64 * 7.0 + 16.0).max(40.0)
}

/// The net as SVG, and the name of the layout engine used.
pub fn net_svg(picture: &Picture, engine: LayoutEngine) -> Result<(String, &'static str)> {
    let np = picture.places.len();
    let mut sizes: Vec<(f64, f64)> = vec![(2.0 * PLACE_R, 2.0 * PLACE_R); np];
    sizes.extend(
        picture
            .transitions
            .iter()
            .map(|t| (transition_width(&t.name), TRANSITION_H)),
    );
    let edges = picture
        .arcs
        .iter()
        .map(|a| {
            let t = np + a.transition;
            if a.input { (a.place, t) } else { (t, a.place) }
        })
        .collect();
    let starts = (0..np).filter(|&p| picture.places[p].tokens > 0).collect();
    let mut round = vec![true; np];
    round.resize(sizes.len(), false);
    let graph = Graph {
        sizes,
        edges,
        starts,
    };
    let (l, used) = lay_out(&graph, &round, engine)?;

    let mut svg = open_svg("net", l.size, &format!("The net {}", picture.name));
    svg += "<g class=\"arcs\">\n";
    for (a, (d, at)) in picture.arcs.iter().zip(l.paths.iter().zip(&l.label_at)) {
        let _ = writeln!(
            svg,
            "<path class=\"arc\" data-place=\"{}\" data-transition=\"{}\" d=\"{d}\" marker-end=\"url(#arrow)\"/>",
            a.place, a.transition
        );
        if !a.label.is_empty() {
            let _ = writeln!(
                svg,
                "<text class=\"inscription\" x=\"{:.1}\" y=\"{:.1}\"><title>{}</title>{}</text>",
                at.0,
                at.1 - 3.0,
                escape(&a.label),
                escape(&short(&a.label, ARC_CHARS))
            );
        }
    }
    svg += "</g>\n<g class=\"nodes\">\n";
    for (i, p) in picture.places.iter().enumerate() {
        let (x, y) = l.centres[i];
        let ty = if p.ty.is_empty() {
            String::new()
        } else {
            format!(": {}", p.ty)
        };
        let _ = writeln!(
            svg,
            "<g class=\"place\" id=\"p{i}\" data-name=\"{name}\"><title id=\"ptitle{i}\">{name}{ty}\n{marking}</title>\
             <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{PLACE_R}\"/>\
             <text class=\"label\" x=\"{x:.1}\" y=\"{:.1}\">{}</text>\
             <g class=\"badge\" id=\"badge{i}\"{hidden}><circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"9\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text></g></g>",
            y + PLACE_R + 13.0,
            escape(&short(&p.name, NAME_CHARS)),
            x + PLACE_R * 0.75,
            y - PLACE_R * 0.75,
            x + PLACE_R * 0.75,
            y - PLACE_R * 0.75 + 3.5,
            p.tokens,
            name = escape(&p.name),
            ty = escape(&ty),
            marking = escape(&p.initial),
            hidden = if p.tokens == 0 {
                " style=\"display:none\""
            } else {
                ""
            },
        );
    }
    for (i, t) in picture.transitions.iter().enumerate() {
        let (x, y) = l.centres[np + i];
        let w = transition_width(&t.name);
        let guard = t
            .guard
            .as_ref()
            .map(|g| format!("\n[{}]", escape(g)))
            .unwrap_or_default();
        let _ = writeln!(
            svg,
            "<g class=\"transition\" id=\"t{i}\" data-name=\"{name}\"><title>{name}{guard}</title>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{TRANSITION_H}\" rx=\"3\"/>\
             <text class=\"label\" x=\"{x:.1}\" y=\"{:.1}\">{}</text></g>",
            x - w / 2.0,
            y - TRANSITION_H / 2.0,
            y + 4.0,
            escape(&short(&t.name, NAME_CHARS)),
            name = escape(&t.name),
        );
    }
    svg += "</g>\n</svg>\n";
    Ok((svg, used))
}

/// The reachability graph as SVG: states numbered in breadth-first order
/// (`s0` the initial one), deadlocks (states without successors) marked.
pub fn reachability_svg(graph: &ReachabilityGraph, engine: LayoutEngine) -> Result<String> {
    let g = &graph.graph;
    let n = g.node_count();
    let edges: Vec<(usize, usize)> = g
        .edge_indices()
        .filter_map(|e| g.edge_endpoints(e))
        .map(|(a, b)| (a.index(), b.index()))
        .collect();
    let layout_graph = Graph {
        sizes: vec![(2.0 * STATE_R, 2.0 * STATE_R); n],
        edges: edges.clone(),
        starts: vec![0],
    };
    let (l, _) = lay_out(&layout_graph, &vec![true; n], engine)?;
    let mut svg = open_svg("reachability", l.size, "The reachability graph");
    svg += "<g class=\"arcs\">\n";
    for (e, (d, at)) in g.edge_indices().zip(l.paths.iter().zip(&l.label_at)) {
        let firing = g[e].to_string();
        let _ = writeln!(
            svg,
            "<path class=\"arc\" d=\"{d}\" marker-end=\"url(#arrow)\"><title>{}</title></path>\
             <text class=\"inscription\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            escape(&firing),
            at.0,
            at.1 - 3.0,
            escape(&short(&g[e].transition, 12))
        );
    }
    svg += "</g>\n<g class=\"nodes\">\n";
    for node in g.node_indices() {
        let i = node.index();
        let (x, y) = l.centres[i];
        let dead = graph.is_deadlock(node);
        let class = match (i, dead) {
            (_, true) => "state deadlock",
            (0, false) => "state initial",
            _ => "state",
        };
        let note = if dead { " (deadlock)" } else { "" };
        let _ = writeln!(
            svg,
            "<g class=\"{class}\" id=\"s{i}\"><title>s{i}{note}: {}</title>\
             <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{STATE_R}\"/>\
             <text class=\"label\" x=\"{x:.1}\" y=\"{:.1}\">s{i}</text></g>",
            escape(&g[node]),
            y + 4.0
        );
    }
    svg += "</g>\n</svg>\n";
    Ok(svg)
}

fn open_svg(id: &str, (w, h): (f64, f64), label: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}-svg\" class=\"drawing\" \
         viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-label=\"{}\">\n\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" \
         markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>\n",
        escape(label)
    )
}

/// `text` cut to `max` characters with an ellipsis.
pub fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let head: String = text.chars().take(max - 1).collect();
        format!("{head}…")
    }
}

/// `text` safe inside HTML and SVG text and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::picture::{ArcInfo, PlaceInfo, TransitionInfo};

    fn picture() -> Picture {
        let place = |name: &str, tokens| PlaceInfo {
            name: name.into(),
            ty: "Phil".into(),
            initial: if tokens > 0 {
                "{1, 2, 3}".into()
            } else {
                "{}".into()
            },
            tokens,
        };
        Picture {
            name: "n".into(),
            description: None,
            places: vec![
                place("thinking", 3),
                place("a_place_with_a_very_long_name", 0),
            ],
            transitions: vec![TransitionInfo {
                name: "take".into(),
                guard: Some("p < n".into()),
            }],
            arcs: vec![
                ArcInfo {
                    place: 0,
                    transition: 0,
                    input: true,
                    label: "p".into(),
                },
                ArcInfo {
                    place: 1,
                    transition: 0,
                    input: false,
                    label: "p, p % n + 1".into(),
                },
            ],
        }
    }

    #[test]
    fn markings_are_badges_and_titles_not_node_text() {
        let (svg, _) = net_svg(&picture(), LayoutEngine::Builtin).unwrap();
        assert!(
            svg.contains("id=\"badge0\"><circle"),
            "a visible badge for 3 tokens"
        );
        assert!(
            svg.contains("id=\"badge1\" style=\"display:none\""),
            "no badge when empty"
        );
        assert!(svg.contains("thinking: Phil\n{1, 2, 3}</title>"));
        // The label is the (shortened) name only.
        assert!(svg.contains(">a_place_with_a_…</text>"));
        assert!(!svg.contains(">{1, 2, 3}</text>"));
        assert!(svg.contains("<title>take\n[p &lt; n]</title>"));
        assert!(svg.contains(">p, p % n + 1</text>"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(short("abcdef", 4), "abc…");
    }
}
