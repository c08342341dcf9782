//! The structure of a net as a graph (petgraph) and as Graphviz DOT.

use std::fmt::Write as _;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::net::model::Net;

/// A node of the structure graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// A place, drawn as an ellipse: name, type and initial token count (the
    /// marking itself is its tooltip, so that it does not stretch the node).
    Place {
        /// Its name.
        name: String,
        /// Its type.
        ty: String,
        /// Its initial marking (empty when it has no token).
        initial: String,
        /// Its initial number of tokens.
        tokens: u64,
    },
    /// A transition, drawn as a box: name and guard.
    Transition {
        /// Its name.
        name: String,
        /// Its guard as written.
        guard: Option<String>,
    },
}

/// The bipartite graph of places and transitions; edges carry arc inscriptions.
pub fn structure(net: &Net) -> DiGraph<NodeKind, String> {
    let mut g = DiGraph::new();
    let places: Vec<NodeIndex> = net
        .places
        .iter()
        .zip(&net.initial.places)
        .map(|(p, m)| {
            g.add_node(NodeKind::Place {
                name: p.name.clone(),
                ty: p.ty.to_string(),
                initial: if m.is_empty() {
                    String::new()
                } else {
                    m.to_string()
                },
                tokens: m.total(),
            })
        })
        .collect();
    for t in &net.transitions {
        let node = g.add_node(NodeKind::Transition {
            name: t.name.clone(),
            guard: t.guard_text.clone(),
        });
        // One edge per (place, direction), with the items listed as one
        // inscription: `p, p % n + 1` (a `+` would read as arithmetic).
        let mut arcs: Vec<(usize, bool, Vec<&str>)> = Vec::new();
        for (place, text, input) in &t.inscriptions {
            match arcs.iter_mut().find(|(p, i, _)| p == place && i == input) {
                Some((_, _, items)) => items.push(text),
                None => arcs.push((*place, *input, vec![text])),
            }
        }
        for (place, input, items) in arcs {
            let label = items.join(", ");
            if input {
                g.add_edge(places[place], node, label);
            } else {
                g.add_edge(node, places[place], label);
            }
        }
    }
    g
}

/// Graphviz DOT of the net's structure.
pub fn to_dot(net: &Net) -> String {
    let g = structure(net);
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", escape(&net.name));
    let _ = writeln!(out, "  rankdir=LR;");
    for i in g.node_indices() {
        let line = match &g[i] {
            NodeKind::Place {
                name,
                ty,
                initial,
                tokens,
            } => {
                let mut label = format!("{}\\n: {}", escape(name), escape(ty));
                let mut tooltip = String::new();
                if *tokens > 0 {
                    let unit = if *tokens == 1 { "token" } else { "tokens" };
                    label.push_str(&format!("\\n({tokens} {unit})"));
                    tooltip = format!("tooltip=\"{}\", ", escape(initial));
                }
                format!(
                    "  n{} [shape=ellipse, {tooltip}label=\"{label}\"];",
                    i.index()
                )
            }
            NodeKind::Transition { name, guard } => {
                let mut label = escape(name);
                let mut tooltip = String::new();
                if let Some(g) = guard {
                    label.push_str("\\n[");
                    label.push_str(&escape(&shorten(g)));
                    label.push(']');
                    if g.chars().count() > SHOWN_CHARS {
                        tooltip = format!("tooltip=\"{}\", ", escape(g));
                    }
                }
                format!(
                    "  n{} [shape=box, style=filled, fillcolor=lightgrey, {tooltip}label=\"{label}\"];",
                    i.index()
                )
            }
        };
        let _ = writeln!(out, "{line}");
    }
    for e in g.edge_indices() {
        if let Some((a, b)) = g.edge_endpoints(e) {
            let text = &g[e];
            let tooltip = if text.chars().count() > SHOWN_CHARS {
                format!("labeltooltip=\"{}\", ", escape(text))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  n{} -> n{} [{tooltip}label=\"{}\"];",
                a.index(),
                b.index(),
                escape(&shorten(text))
            );
        }
    }
    out.push_str("}\n");
    out
}

/// Guards and inscriptions longer than this are shortened in the drawing
/// (their whole text is the tooltip), so one long term does not widen it.
const SHOWN_CHARS: usize = 40;

/// `text` cut to [`SHOWN_CHARS`] characters with an ellipsis.
fn shorten(text: &str) -> String {
    if text.chars().count() <= SHOWN_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(SHOWN_CHARS - 1).collect();
    format!("{head}…")
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
