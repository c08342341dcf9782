//! PNML import (ISO/IEC 15909-2, the 2009 grammar).
//!
//! Reads the first `<net>` of a document. The graph is read alike for every
//! type: places, transitions, arcs, nested pages, and reference places and
//! transitions (chains resolved, cycles rejected). A P/T net ([`parse_pnml`])
//! adds initial markings and arc weights (inscriptions); a symmetric net
//! ([`parse_any`]) adds sorts, variables, coloured markings, inscriptions and
//! guards, read by the `symmetric` module into the coloured engine. `graphics`,
//! `toolspecific` and unknown labels are ignored. Nets of other types are
//! refused with [`PnmlError::Unsupported`]; so are, with
//! [`PnmlError::UnsupportedConstruct`], the extensions some editors write
//! into nets of these types that would change the behaviour if ignored
//! (inhibitor, reset and read arcs, place capacities, counts without
//! `<text>`, weights as attributes). Errors carry the line and column of
//! the offending element.
//!
//! ```
//! let pnml = r#"<pnml xmlns="http://www.pnml.org/version-2009/grammar/pnml">
//!   <net id="n" type="http://www.pnml.org/version-2009/grammar/ptnet"><page id="g">
//!     <place id="p"><initialMarking><text>2</text></initialMarking></place>
//!     <transition id="t"/>
//!     <arc id="a" source="p" target="t"><inscription><text>2</text></inscription></arc>
//!   </page></net></pnml>"#;
//! let net = sesphr_engine::load::pnml::parse_pnml(pnml).unwrap();
//! assert_eq!(net.initial, vec![2]);
//! assert_eq!(net.transitions[0].pre, vec![(0, 2)]);
//! ```

mod error;
mod grammar;
mod graph;
mod position;
mod symmetric;

use roxmltree::Node;

use crate::ptnet::{MAX_COUNT, PtNet, TransitionArcs};
pub use error::PnmlError;
pub use grammar::{PTNET_TYPE, SYMMETRIC_TYPE};
use graph::{parse_document, read_graph, required_label_text, the_net};
use position::Positions;

/// A net read from PNML: a P/T net, or a symmetric net as a coloured net.
#[derive(Debug, Clone)]
pub enum PnmlNet {
    /// A net of the P/T grammar.
    PlaceTransition(PtNet),
    /// A net of the symmetric-net grammar, loaded natively into the coloured engine.
    Symmetric(crate::net::model::Net),
}

/// Reads a P/T net from PNML text.
pub fn parse_pnml(text: &str) -> Result<PtNet, PnmlError> {
    let doc = parse_document(text)?;
    let positions = Positions::new(text);
    let net = the_net(&positions, &doc)?;
    let net_type = graph::attribute(&positions, net, "type")?;
    if net_type != PTNET_TYPE {
        return Err(PnmlError::Unsupported {
            net_type,
            at: positions.of(net),
        });
    }
    pt_net(&positions, net)
}

/// Reads a P/T net or a symmetric net from PNML text, by the net's type.
pub fn parse_any(text: &str) -> Result<PnmlNet, PnmlError> {
    let doc = parse_document(text)?;
    let positions = Positions::new(text);
    let net = the_net(&positions, &doc)?;
    match graph::attribute(&positions, net, "type")?.as_str() {
        PTNET_TYPE => pt_net(&positions, net).map(PnmlNet::PlaceTransition),
        SYMMETRIC_TYPE => {
            let (graph, _) = read_graph(&positions, net)?;
            symmetric::net(&graph).map(PnmlNet::Symmetric)
        }
        other => Err(PnmlError::Unsupported {
            net_type: other.to_string(),
            at: positions.of(net),
        }),
    }
}

fn pt_net(positions: &Positions<'_>, net: Node<'_, '_>) -> Result<PtNet, PnmlError> {
    let (graph, initial) = read_graph(positions, net)?;
    let mut transitions: Vec<TransitionArcs> = graph
        .transitions
        .iter()
        .map(|(_, name, _)| (name.clone(), Vec::new(), Vec::new()))
        .collect();
    for arc in &graph.arcs {
        let weight = arc_weight(positions, arc.node)?;
        let (_, pre, post) = &mut transitions[arc.transition];
        if arc.input {
            pre.push((arc.place, weight))
        } else {
            post.push((arc.place, weight))
        }
    }
    let positions = (graph.places.iter())
        .map(|&(_, _, element)| positions.of(element))
        .collect();
    let (place_ids, places) = graph
        .places
        .into_iter()
        .map(|(id, name, _)| (id, name))
        .unzip();
    let transition_ids = graph.transitions.into_iter().map(|(id, _, _)| id).collect();
    Ok(PtNet::new(graph.name, places, initial, transitions)
        .with_ids(place_ids, transition_ids)
        .with_positions(positions))
}

/// The weight of a P/T arc: its `inscription`, 1 when it has none. A
/// `weight` attribute, which some editors write instead, is refused rather
/// than read as weight 1.
fn arc_weight(positions: &Positions<'_>, node: Node<'_, '_>) -> Result<u32, PnmlError> {
    if let Some(weight) = node.attribute("weight") {
        return Err(PnmlError::UnsupportedConstruct {
            what: format!(
                "the arc gives its weight as an attribute, weight={weight:?}: PNML writes it as <inscription><text>{weight}</text></inscription>"
            ),
            at: positions.of(node),
        });
    }
    let Some((text, value)) = required_label_text(positions, node, "inscription")? else {
        return Ok(1);
    };
    match count(positions, text, &value, "arc weight")? {
        0 => Err(PnmlError::BadNumber {
            text: value,
            what: "arc weight (must be positive)".into(),
            at: positions.of(text),
        }),
        w => Ok(w),
    }
}

/// A token count or arc weight written as `text` in `node`: a number of at
/// most [`MAX_COUNT`], the most a place's counter holds (a larger one would
/// load and then stop the explorer, unlocated).
fn count(
    positions: &Positions<'_>,
    node: Node<'_, '_>,
    text: &str,
    what: &str,
) -> Result<u32, PnmlError> {
    let bad = |what: String| PnmlError::BadNumber {
        text: text.to_string(),
        what,
        at: positions.of(node),
    };
    match text.parse::<u32>() {
        Ok(n) if n <= MAX_COUNT => Ok(n),
        Ok(_) => Err(bad(format!("{what} (at most {MAX_COUNT})"))),
        Err(_) => Err(bad(what.to_string())),
    }
}
