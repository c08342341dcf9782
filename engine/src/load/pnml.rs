//! PNML import (ISO/IEC 15909-2, the 2009 grammar).
//!
//! Reads the first `<net>` of a document. The graph is read alike for every
//! type: places, transitions, arcs, nested pages, and reference places and
//! transitions (chains resolved, cycles rejected). A P/T net ([`parse_pnml`])
//! adds initial markings and arc weights (inscriptions); a symmetric net
//! ([`parse_any`]) adds sorts, variables, coloured markings, inscriptions and
//! guards, read by `load::symmetric` into the coloured engine. `graphics`,
//! `toolspecific` and unknown labels are ignored. Nets of other types are
//! refused with [`PnmlError::Unsupported`]. Errors carry the line and column of
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

use std::collections::{HashMap, HashSet};

use roxmltree::{Document, Node};

use crate::load::source::Pos;
use crate::ptnet::{PtNet, TransitionArcs};

/// The P/T net type of the 2009 grammar.
pub const PTNET_TYPE: &str = "http://www.pnml.org/version-2009/grammar/ptnet";

/// Why a PNML document could not be read as a P/T net.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PnmlError {
    /// The text is not well-formed XML.
    #[error("malformed XML: {message}")]
    Xml {
        /// Where the parser stopped.
        at: Pos,
        /// The XML parser's message.
        message: String,
    },
    /// The document has no `<net>` element.
    #[error("no <net> element in the document")]
    NoNet,
    /// The net is of a type this importer does not read.
    #[error(
        "nets of type {net_type} are not supported yet (only P/T nets, {PTNET_TYPE}, and symmetric nets, {SYMMETRIC_TYPE})"
    )]
    Unsupported {
        /// The net's `type` attribute.
        net_type: String,
        /// Where the net starts.
        at: Pos,
    },
    /// A required attribute is missing.
    #[error("<{element}> lacks the attribute {attribute}")]
    MissingAttribute {
        /// The element's name.
        element: String,
        /// The missing attribute.
        attribute: String,
        /// Where the element starts.
        at: Pos,
    },
    /// Two nodes share an id.
    #[error("the id {id} is used twice")]
    DuplicateId {
        /// The id.
        id: String,
        /// Where the second use starts.
        at: Pos,
    },
    /// An initial marking or an arc weight is not a number in range.
    #[error("{text:?} is not a valid {what}")]
    BadNumber {
        /// The text found.
        text: String,
        /// What was expected (initial marking, arc weight).
        what: String,
        /// Where the text element starts.
        at: Pos,
    },
    /// An arc or a reference names a node that does not exist.
    #[error("{element} {id} refers to {target}, which is not a node of the net")]
    Dangling {
        /// The element kind (arc source, arc target, reference).
        element: String,
        /// The referring element's id.
        id: String,
        /// The missing id.
        target: String,
        /// Where the referring element starts.
        at: Pos,
    },
    /// A chain of references loops.
    #[error("the reference {id} is part of a cycle of references")]
    ReferenceCycle {
        /// A reference on the cycle.
        id: String,
        /// Where it starts.
        at: Pos,
    },
    /// A reference place points at a transition, or the reverse.
    #[error("{id} refers to {target}, a node of the wrong kind")]
    WrongKind {
        /// The reference's id.
        id: String,
        /// What it refers to.
        target: String,
        /// Where it starts.
        at: Pos,
    },
    /// A symmetric net's declaration, term or inscription is wrong (an
    /// unknown sort, variable or constant, a type mismatch, a term where
    /// another kind of term is needed).
    #[error("{message}")]
    Colour {
        /// What is wrong.
        message: String,
        /// Where the offending element starts.
        at: Pos,
    },
    /// A symmetric net uses a construct this importer does not read.
    #[error("{what}")]
    UnsupportedConstruct {
        /// The construct, and why.
        what: String,
        /// Where its element starts.
        at: Pos,
    },
    /// An arc joins two places or two transitions.
    #[error("arc {id} joins two {kind}s")]
    BadArc {
        /// The arc's id.
        id: String,
        /// `place` or `transition`.
        kind: String,
        /// Where the arc starts.
        at: Pos,
    },
}

impl PnmlError {
    /// Where in the text the error is, when it has a place.
    pub fn pos(&self) -> Option<Pos> {
        match self {
            PnmlError::NoNet => None,
            PnmlError::Xml { at, .. }
            | PnmlError::Unsupported { at, .. }
            | PnmlError::MissingAttribute { at, .. }
            | PnmlError::DuplicateId { at, .. }
            | PnmlError::BadNumber { at, .. }
            | PnmlError::Dangling { at, .. }
            | PnmlError::ReferenceCycle { at, .. }
            | PnmlError::WrongKind { at, .. }
            | PnmlError::BadArc { at, .. }
            | PnmlError::Colour { at, .. }
            | PnmlError::UnsupportedConstruct { at, .. } => Some(*at),
        }
    }
}

/// A place or a transition, or a reference to one.
#[derive(Debug, Clone)]
enum Entry {
    Place(usize),
    Transition(usize),
    Reference { target: String, place: bool },
}

struct Reader<'a, 'input> {
    doc: &'a Document<'input>,
    /// Nodes by id, with their element (for error positions, computed lazily).
    entries: HashMap<String, (Entry, Node<'a, 'input>)>,
    /// The place or transition each reference stands for, once resolved.
    resolved: HashMap<String, Entry>,
    places: Vec<String>,
    place_ids: Vec<String>,
    initial: Vec<u32>,
    transitions: Vec<String>,
    transition_ids: Vec<String>,
    arcs: Vec<Node<'a, 'input>>,
}

fn position(doc: &Document<'_>, node: Node<'_, '_>) -> Pos {
    let pos = doc.text_pos_at(node.range().start);
    Pos {
        line: pos.row as usize,
        col: pos.col as usize,
    }
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The `<text>` of a label child, with the `<text>` node.
fn label_text<'a, 'input>(
    node: Node<'a, 'input>,
    label: &str,
) -> Option<(Node<'a, 'input>, String)> {
    let text = child(child(node, label)?, "text")?;
    Some((text, text.text().unwrap_or("").trim().to_string()))
}

impl<'a, 'input> Reader<'a, 'input> {
    fn attribute(&self, node: Node<'a, 'input>, name: &str) -> Result<String, PnmlError> {
        node.attribute(name)
            .map(str::to_string)
            .ok_or_else(|| PnmlError::MissingAttribute {
                element: node.tag_name().name().to_string(),
                attribute: name.to_string(),
                at: position(self.doc, node),
            })
    }

    fn number(&self, node: Node<'a, 'input>, text: &str, what: &str) -> Result<u32, PnmlError> {
        text.parse::<u32>().map_err(|_| PnmlError::BadNumber {
            text: text.to_string(),
            what: what.to_string(),
            at: position(self.doc, node),
        })
    }

    fn add(&mut self, node: Node<'a, 'input>, entry: Entry) -> Result<(), PnmlError> {
        let id = self.attribute(node, "id")?;
        if self.entries.insert(id.clone(), (entry, node)).is_some() {
            let at = position(self.doc, node);
            return Err(PnmlError::DuplicateId { id, at });
        }
        Ok(())
    }

    /// Reads the nodes of a page and of its nested pages, in document order;
    /// arcs are kept for later. Iterative: nesting depth costs heap, not stack.
    fn page(&mut self, page: Node<'a, 'input>) -> Result<(), PnmlError> {
        let mut open = vec![page.children()];
        while let Some(children) = open.last_mut() {
            let Some(node) = children.next() else {
                open.pop();
                continue;
            };
            if !node.is_element() {
                continue;
            }
            match node.tag_name().name() {
                "page" => open.push(node.children()),
                "place" => {
                    let id = self.attribute(node, "id")?;
                    let count = match label_text(node, "initialMarking") {
                        Some((text, value)) => self.number(text, &value, "initial marking")?,
                        None => 0,
                    };
                    let name = label_text(node, "name")
                        .map(|(_, n)| n)
                        .filter(|n| !n.is_empty());
                    self.add(node, Entry::Place(self.places.len()))?;
                    self.places.push(name.unwrap_or_else(|| id.clone()));
                    self.place_ids.push(id);
                    self.initial.push(count);
                }
                "transition" => {
                    let id = self.attribute(node, "id")?;
                    let name = label_text(node, "name")
                        .map(|(_, n)| n)
                        .filter(|n| !n.is_empty());
                    self.add(node, Entry::Transition(self.transitions.len()))?;
                    self.transitions.push(name.unwrap_or_else(|| id.clone()));
                    self.transition_ids.push(id);
                }
                kind @ ("referencePlace" | "referenceTransition") => {
                    let target = self.attribute(node, "ref")?;
                    let place = kind == "referencePlace";
                    self.add(node, Entry::Reference { target, place })?;
                }
                "arc" => self.arcs.push(node),
                _ => {}
            }
        }
        Ok(())
    }

    /// Resolves every reference, in document order, to the place or
    /// transition it stands for. Each chain is followed once: a reference
    /// met again resolves from `resolved`, so the pass is linear in the
    /// number of references.
    fn resolve_references(&mut self) -> Result<(), PnmlError> {
        let mut references: Vec<(String, Node<'a, 'input>)> = self
            .entries
            .iter()
            .filter(|(_, (entry, _))| matches!(entry, Entry::Reference { .. }))
            .map(|(id, (_, node))| (id.clone(), *node))
            .collect();
        references.sort_by_key(|(_, node)| node.range().start);
        for (start, node) in references {
            if self.resolved.contains_key(&start) {
                continue;
            }
            // The references of the chain from `start`: (id, is a reference place).
            let mut chain: Vec<(String, bool)> = Vec::new();
            let mut on_chain = HashSet::new();
            let mut current = start.clone();
            let end = loop {
                if let Some(entry) = self.resolved.get(&current) {
                    break entry.clone();
                }
                match self.entries.get(&current) {
                    None => {
                        return Err(PnmlError::Dangling {
                            element: "reference".into(),
                            id: start,
                            target: current,
                            at: position(self.doc, node),
                        });
                    }
                    Some((Entry::Reference { target, place }, _)) => {
                        if !on_chain.insert(current.clone()) {
                            return Err(PnmlError::ReferenceCycle {
                                id: start,
                                at: position(self.doc, node),
                            });
                        }
                        chain.push((current, *place));
                        current = target.clone();
                    }
                    Some((entry, _)) => break entry.clone(),
                }
            };
            let is_place = chain[0].1;
            if let Some((id, _)) = chain.iter().find(|(_, place)| *place != is_place) {
                let (target, at) = match self.entries.get(id) {
                    Some((Entry::Reference { target, .. }, at)) => (target.clone(), *at),
                    _ => (current.clone(), node),
                };
                return Err(PnmlError::WrongKind {
                    id: id.clone(),
                    target,
                    at: position(self.doc, at),
                });
            }
            if matches!(end, Entry::Place(_)) != is_place {
                return Err(PnmlError::WrongKind {
                    id: start,
                    target: current,
                    at: position(self.doc, node),
                });
            }
            for (id, _) in chain {
                self.resolved.insert(id, end.clone());
            }
        }
        Ok(())
    }

    /// The place or transition `id` stands for (references already resolved).
    fn resolve(
        &self,
        id: &str,
        element: &str,
        from: &str,
        node: Node<'a, 'input>,
    ) -> Result<Entry, PnmlError> {
        match self.entries.get(id) {
            Some((Entry::Reference { .. }, _)) => {
                self.resolved
                    .get(id)
                    .cloned()
                    .ok_or_else(|| PnmlError::ReferenceCycle {
                        id: id.to_string(),
                        at: position(self.doc, node),
                    })
            }
            Some((entry, _)) => Ok(entry.clone()),
            None => Err(PnmlError::Dangling {
                element: element.to_string(),
                id: from.to_string(),
                target: id.to_string(),
                at: position(self.doc, node),
            }),
        }
    }

    fn arc(&self, node: Node<'a, 'input>) -> Result<(usize, usize, bool), PnmlError> {
        let id = self.attribute(node, "id")?;
        let source = self.resolve(&self.attribute(node, "source")?, "arc source of", &id, node)?;
        let target = self.resolve(&self.attribute(node, "target")?, "arc target of", &id, node)?;
        let at = position(self.doc, node);
        match (source, target) {
            (Entry::Place(p), Entry::Transition(t)) => Ok((p, t, true)),
            (Entry::Transition(t), Entry::Place(p)) => Ok((p, t, false)),
            (Entry::Place(_), _) => Err(PnmlError::BadArc {
                id,
                kind: "place".into(),
                at,
            }),
            _ => Err(PnmlError::BadArc {
                id,
                kind: "transition".into(),
                at,
            }),
        }
    }
}

/// The symmetric (coloured) net type of the 2009 grammar.
pub const SYMMETRIC_TYPE: &str = "http://www.pnml.org/version-2009/grammar/symmetricnet";

/// A net read from PNML: a P/T net, or a symmetric net as a coloured net.
#[derive(Debug, Clone)]
pub enum PnmlNet {
    /// A net of the P/T grammar.
    PlaceTransition(PtNet),
    /// A net of the symmetric-net grammar, loaded natively into the coloured engine.
    Symmetric(crate::net::model::Net),
}

/// The places, transitions and arcs of a PNML net, pages flattened and
/// references resolved, with their elements (for the labels the net's grammar reads).
pub(super) struct Graph<'a, 'input> {
    /// The document (for positions).
    pub doc: &'a Document<'input>,
    /// The `<net>` element.
    pub net: Node<'a, 'input>,
    /// The net's `id`.
    pub name: String,
    /// Places: `(id, name, element)`, in document order.
    pub places: Vec<(String, String, Node<'a, 'input>)>,
    /// Transitions: `(id, name, element)`, in document order.
    pub transitions: Vec<(String, String, Node<'a, 'input>)>,
    /// Arcs in document order: place, transition, whether the arc goes from
    /// the place to the transition, and the `<arc>` element.
    pub arcs: Vec<GraphArc<'a, 'input>>,
}

/// One arc of a [`Graph`].
pub(super) struct GraphArc<'a, 'input> {
    /// The place's number.
    pub place: usize,
    /// The transition's number.
    pub transition: usize,
    /// From the place to the transition.
    pub input: bool,
    /// The `<arc>` element.
    pub node: Node<'a, 'input>,
}

/// The position of `node` in the document.
pub(super) fn node_pos(doc: &Document<'_>, node: Node<'_, '_>) -> Pos {
    position(doc, node)
}

/// Parses PNML text, the XML error located.
fn parse_document(text: &str) -> Result<Document<'_>, PnmlError> {
    Document::parse(text).map_err(|e| {
        let pos = e.pos();
        PnmlError::Xml {
            at: Pos {
                line: pos.row as usize,
                col: pos.col as usize,
            },
            message: e.to_string(),
        }
    })
}

/// The first `<net>` element of the document.
fn first_net<'a, 'input>(doc: &'a Document<'input>) -> Result<Node<'a, 'input>, PnmlError> {
    doc.descendants()
        .find(|n| n.is_element() && n.tag_name().name() == "net")
        .ok_or(PnmlError::NoNet)
}

/// Reads the graph of `net`; the P/T reader keeps each place's
/// `initialMarking` count (0 when it has none, as in symmetric nets).
fn read_graph<'a, 'input>(
    doc: &'a Document<'input>,
    net: Node<'a, 'input>,
) -> Result<(Graph<'a, 'input>, Vec<u32>), PnmlError> {
    let mut reader = Reader {
        doc,
        entries: HashMap::new(),
        resolved: HashMap::new(),
        places: Vec::new(),
        place_ids: Vec::new(),
        initial: Vec::new(),
        transitions: Vec::new(),
        transition_ids: Vec::new(),
        arcs: Vec::new(),
    };
    let name = reader.attribute(net, "id")?;
    reader.page(net)?;
    // Every reference must lead to a node of its kind, even when no arc uses it.
    reader.resolve_references()?;
    let mut arcs = Vec::with_capacity(reader.arcs.len());
    for &node in &reader.arcs {
        let (place, transition, input) = reader.arc(node)?;
        arcs.push(GraphArc {
            place,
            transition,
            input,
            node,
        });
    }
    let element = |id: &String| reader.entries[id].1;
    let places = reader
        .place_ids
        .iter()
        .zip(&reader.places)
        .map(|(id, name)| (id.clone(), name.clone(), element(id)))
        .collect();
    let transitions = reader
        .transition_ids
        .iter()
        .zip(&reader.transitions)
        .map(|(id, name)| (id.clone(), name.clone(), element(id)))
        .collect();
    let graph = Graph {
        doc,
        net,
        name,
        places,
        transitions,
        arcs,
    };
    Ok((graph, reader.initial))
}

/// Reads a P/T net from PNML text.
pub fn parse_pnml(text: &str) -> Result<PtNet, PnmlError> {
    let doc = parse_document(text)?;
    let net = first_net(&doc)?;
    let net_type = net.attribute("type").unwrap_or("").to_string();
    if net_type != PTNET_TYPE {
        return Err(PnmlError::Unsupported {
            net_type,
            at: position(&doc, net),
        });
    }
    pt_net(&doc, net)
}

/// Reads a P/T net or a symmetric net from PNML text, by the net's type.
pub fn parse_any(text: &str) -> Result<PnmlNet, PnmlError> {
    let doc = parse_document(text)?;
    let net = first_net(&doc)?;
    match net.attribute("type").unwrap_or("") {
        PTNET_TYPE => pt_net(&doc, net).map(PnmlNet::PlaceTransition),
        SYMMETRIC_TYPE => {
            let (graph, _) = read_graph(&doc, net)?;
            super::symmetric::net(&graph).map(PnmlNet::Symmetric)
        }
        other => Err(PnmlError::Unsupported {
            net_type: other.to_string(),
            at: position(&doc, net),
        }),
    }
}

fn pt_net(doc: &Document<'_>, net: Node<'_, '_>) -> Result<PtNet, PnmlError> {
    let (graph, initial) = read_graph(doc, net)?;
    let mut transitions: Vec<TransitionArcs> = graph
        .transitions
        .iter()
        .map(|(_, name, _)| (name.clone(), Vec::new(), Vec::new()))
        .collect();
    for arc in &graph.arcs {
        let weight = arc_weight(doc, arc.node)?;
        let (_, pre, post) = &mut transitions[arc.transition];
        if arc.input {
            pre.push((arc.place, weight))
        } else {
            post.push((arc.place, weight))
        }
    }
    let (place_ids, places) = graph
        .places
        .into_iter()
        .map(|(id, name, _)| (id, name))
        .unzip();
    let transition_ids = graph.transitions.into_iter().map(|(id, _, _)| id).collect();
    Ok(PtNet::new(graph.name, places, initial, transitions).with_ids(place_ids, transition_ids))
}

/// The weight of a P/T arc: its `inscription`, 1 when it has none.
fn arc_weight(doc: &Document<'_>, node: Node<'_, '_>) -> Result<u32, PnmlError> {
    let Some((text, value)) = label_text(node, "inscription") else {
        return Ok(1);
    };
    match value.parse::<u32>() {
        Ok(w) if w > 0 => Ok(w),
        Ok(_) => Err(PnmlError::BadNumber {
            text: value,
            what: "arc weight (must be positive)".into(),
            at: position(doc, text),
        }),
        Err(_) => Err(PnmlError::BadNumber {
            text: value,
            what: "arc weight".into(),
            at: position(doc, text),
        }),
    }
}
