//! Symmetric nets (the coloured PNML of the Model Checking Contest) loaded
//! natively into the coloured engine, without unfolding.
//!
//! A place's sort becomes its type ([`sorts`]), its `hlinitialMarking` its
//! initial multiset, and each transition's arcs and `condition` become input
//! patterns, guards and output items ([`transitions`]) built from the terms of
//! [`terms`]. Places and transitions are named by their PNML ids (what the
//! contest's formulas name); enumeration constants by their `feconstant` ids
//! (the names of two sorts' constants may coincide, their ids do not).
//! Every error names the line and column of the element at fault.

mod sorts;
mod terms;
mod transitions;

use roxmltree::Node;

use super::error::PnmlError;
use super::graph::{Graph, attribute};
use crate::net::marking::{Marking, Multiset};
use crate::net::model::{Net, Place};
use sorts::Declarations;
use terms::Element;

/// Reads the declarations, places and transitions of a symmetric net's graph.
pub(super) fn net(graph: &Graph<'_, '_>) -> Result<Net, PnmlError> {
    let mut reader = Reader {
        graph,
        decls: Declarations::default(),
    };
    reader.declarations()?;
    let mut places = Vec::new();
    let mut initial = Marking { places: Vec::new() };
    for (id, _, node) in &graph.places {
        let ty = match label_structure(*node, "type") {
            Some(sort) => reader.sort(sort, id)?,
            None => {
                return Err(reader.colour(*node, format!("the place {id} has no <type>")));
            }
        };
        let tokens = match label_structure(*node, "hlinitialMarking") {
            Some(term) => reader.marking(term, &ty)?,
            None => Multiset::new(),
        };
        places.push(Place {
            name: id.clone(),
            ty,
            pos: graph.positions.of(*node),
        });
        initial.places.push(tokens);
    }
    let transitions = (0..graph.transitions.len())
        .map(|t| reader.transition(t, &places))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Net::bare(graph.name.clone(), places, transitions, initial))
}

/// Reads the coloured parts of one net.
struct Reader<'a, 'input> {
    graph: &'a Graph<'a, 'input>,
    decls: Declarations,
}

/// The element children of `node`.
fn elements<'a, 'input>(node: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(|c| c.is_element())
}

/// The first element inside the `<structure>` of label `label` of `node`.
fn label_structure<'a, 'input>(node: Node<'a, 'input>, label: &str) -> Option<Node<'a, 'input>> {
    let label = elements(node).find(|c| c.tag_name().name() == label)?;
    let structure = elements(label).find(|c| c.tag_name().name() == "structure")?;
    elements(structure).next()
}

impl Reader<'_, '_> {
    /// A [`PnmlError::Colour`] at `node`.
    fn colour(&self, node: Node<'_, '_>, message: String) -> PnmlError {
        PnmlError::Colour {
            message,
            at: self.graph.positions.of(node),
        }
    }

    /// A [`PnmlError::UnsupportedConstruct`] at `node`.
    fn unsupported(&self, node: Node<'_, '_>, what: String) -> PnmlError {
        PnmlError::UnsupportedConstruct {
            what,
            at: self.graph.positions.of(node),
        }
    }

    fn attribute(&self, node: Node<'_, '_>, name: &str) -> Result<String, PnmlError> {
        attribute(self.graph.positions, node, name)
    }

    /// The one element child of `node`.
    fn only_child<'a, 'input>(
        &self,
        node: Node<'a, 'input>,
    ) -> Result<Node<'a, 'input>, PnmlError> {
        let mut children = elements(node);
        match (children.next(), children.next()) {
            (Some(child), None) => Ok(child),
            _ => Err(self.colour(
                node,
                format!("<{}> must hold exactly one element", node.tag_name().name()),
            )),
        }
    }
}

impl<'a, 'input> Reader<'a, 'input> {
    /// The initial tokens of a place of type `ty`.
    fn marking(
        &mut self,
        term: Node<'a, 'input>,
        ty: &crate::net::types::Ty,
    ) -> Result<Multiset, PnmlError> {
        let mut tokens = Multiset::new();
        for item in self.multiset(term)? {
            let values = match &item.what {
                Element::Term(node) => {
                    let (value, found) = self.constant(*node)?;
                    if !found.compatible(ty) {
                        return Err(
                            self.colour(*node, format!("a {found} token in a place of {ty}"))
                        );
                    }
                    vec![(value, *node)]
                }
                Element::All(found, values) => {
                    if !found.compatible(ty) {
                        return Err(self.colour(term, format!("all of {found} in a place of {ty}")));
                    }
                    values.iter().map(|v| (v.clone(), term)).collect()
                }
            };
            for (value, node) in values {
                if !ty.admits(&value) {
                    return Err(self.colour(node, format!("{value} is not a value of {ty}")));
                }
                let done = if item.negative {
                    tokens.remove(&value, item.mult)
                } else {
                    tokens.add(value.clone(), item.mult)
                };
                if done.is_none() {
                    return Err(self.colour(
                        node,
                        format!("the marking takes away more copies of {value} than it has, or holds more than 4294967295"),
                    ));
                }
            }
        }
        Ok(tokens)
    }
}

#[cfg(test)]
mod tests;
