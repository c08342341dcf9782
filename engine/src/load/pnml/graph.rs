//! The graph of a PNML net, read alike for every net type: places,
//! transitions and arcs, pages flattened and reference nodes resolved, each
//! with its element for the labels the net's grammar reads.

use std::collections::{HashMap, HashSet};

use roxmltree::{Document, Node};

use super::error::PnmlError;
use super::position::Positions;
use crate::load::source::Pos;

/// A place or a transition, or a reference to one.
#[derive(Debug, Clone)]
enum Entry {
    Place(usize),
    Transition(usize),
    Reference { target: String, place: bool },
}

/// Reads a net's pages into its places, transitions and arcs.
struct Reader<'a, 'input> {
    positions: &'a Positions<'input>,
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

pub(super) fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The `<text>` of a label child, with the `<text>` node.
pub(super) fn label_text<'a, 'input>(
    node: Node<'a, 'input>,
    label: &str,
) -> Option<(Node<'a, 'input>, String)> {
    let text = child(child(node, label)?, "text")?;
    Some((text, text.text().unwrap_or("").trim().to_string()))
}

/// The `<text>` of label `label` of `node`, which must have one when the
/// label is there: a count written otherwise (`<value>`, as some editors
/// do) would be read as no count at all.
pub(super) fn required_label_text<'a, 'input>(
    positions: &Positions<'_>,
    node: Node<'a, 'input>,
    label: &str,
) -> Result<Option<(Node<'a, 'input>, String)>, PnmlError> {
    let Some(element) = child(node, label) else {
        return Ok(None);
    };
    match label_text(node, label) {
        Some(found) => Ok(Some(found)),
        None => Err(PnmlError::MissingText {
            label: label.to_string(),
            at: positions.of(element),
        }),
    }
}

/// A label's value written as a `value` attribute or as its `<text>`, as
/// editors write an arc's `<type>` or a place's `<capacity>`.
fn label_value(label: Node<'_, '_>) -> String {
    let text = child(label, "text").or_else(|| child(label, "value"));
    let text = text.and_then(|t| t.text()).or_else(|| label.text());
    label
        .attribute("value")
        .or(text)
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The name a place or transition is shown by: its `name` label, or its
/// id where the label is missing or empty.
fn shown_name(node: Node<'_, '_>, id: &str) -> String {
    label_text(node, "name")
        .map(|(_, name)| name)
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| id.to_string())
}

/// The attribute `name` of `node`, which must have it.
pub(super) fn attribute(
    positions: &Positions<'_>,
    node: Node<'_, '_>,
    name: &str,
) -> Result<String, PnmlError> {
    node.attribute(name)
        .map(str::to_string)
        .ok_or_else(|| PnmlError::MissingAttribute {
            element: node.tag_name().name().to_string(),
            attribute: name.to_string(),
            at: positions.of(node),
        })
}

impl<'a, 'input> Reader<'a, 'input> {
    fn attribute(&self, node: Node<'a, 'input>, name: &str) -> Result<String, PnmlError> {
        attribute(self.positions, node, name)
    }

    fn number(&self, node: Node<'a, 'input>, text: &str, what: &str) -> Result<u32, PnmlError> {
        super::count(self.positions, node, text, what)
    }

    fn add(&mut self, node: Node<'a, 'input>, entry: Entry) -> Result<(), PnmlError> {
        let id = self.attribute(node, "id")?;
        if self.entries.insert(id.clone(), (entry, node)).is_some() {
            let at = self.positions.of(node);
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
                    self.no_capacity(node, &id)?;
                    let count = match required_label_text(self.positions, node, "initialMarking")? {
                        Some((text, value)) => self.number(text, &value, "initial marking")?,
                        None => 0,
                    };
                    self.add(node, Entry::Place(self.places.len()))?;
                    self.places.push(shown_name(node, &id));
                    self.place_ids.push(id);
                    self.initial.push(count);
                }
                "transition" => {
                    let id = self.attribute(node, "id")?;
                    self.add(node, Entry::Transition(self.transitions.len()))?;
                    self.transitions.push(shown_name(node, &id));
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
                            at: self.positions.of(node),
                        });
                    }
                    Some((Entry::Reference { target, place }, _)) => {
                        if !on_chain.insert(current.clone()) {
                            return Err(PnmlError::ReferenceCycle {
                                id: start,
                                at: self.positions.of(node),
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
                    at: self.positions.of(at),
                });
            }
            if matches!(end, Entry::Place(_)) != is_place {
                return Err(PnmlError::WrongKind {
                    id: start,
                    target: current,
                    at: self.positions.of(node),
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
                        at: self.positions.of(node),
                    })
            }
            Some((entry, _)) => Ok(entry.clone()),
            None => Err(PnmlError::Dangling {
                element: element.to_string(),
                id: from.to_string(),
                target: id.to_string(),
                at: self.positions.of(node),
            }),
        }
    }

    /// Refuses a place with a capacity other than 0 (which editors write
    /// for "no capacity"): the standard's nets have none, and read without
    /// it the net would reach markings the author ruled out.
    fn no_capacity(&self, node: Node<'a, 'input>, id: &str) -> Result<(), PnmlError> {
        let Some(label) = child(node, "capacity") else {
            return Ok(());
        };
        let value = label_value(label);
        if value == "0" {
            return Ok(());
        }
        Err(PnmlError::UnsupportedConstruct {
            what: format!(
                "place {id} has a capacity ({value:?}): the PNML standard's nets have none, and this tool does not read them (a place's bound can be checked instead, as a property)"
            ),
            at: self.positions.of(label),
        })
    }

    /// Refuses an arc that is not a plain arc: the inhibitor, reset, read or
    /// transport arcs some editors write into nets of the standard types,
    /// as a `type` attribute or a `<type>` label. Read as plain arcs they
    /// would give other markings and other verdicts.
    fn plain_arc(&self, node: Node<'a, 'input>, id: &str) -> Result<(), PnmlError> {
        let attribute = node
            .attribute("type")
            .map(|kind| (kind.trim().to_string(), node));
        let label = child(node, "type").map(|label| (label_value(label), label));
        // Both are read: either one may say the arc is not plain.
        for (kind, at) in attribute.into_iter().chain(label) {
            if !kind.eq_ignore_ascii_case("normal") {
                return Err(PnmlError::UnsupportedConstruct {
                    what: format!(
                        "arc {id} is of type {kind:?}: the PNML standard's nets have only plain arcs, and this tool does not read inhibitor, reset, read or transport arcs"
                    ),
                    at: self.positions.of(at),
                });
            }
        }
        Ok(())
    }

    /// Refuses an arc whose id another arc (of `seen`, the arcs before it)
    /// or a node already has: PNML ids are unique across the document. The
    /// error is located at the later of the two.
    fn unique_arc_id(
        &self,
        node: Node<'a, 'input>,
        seen: &mut HashMap<String, Node<'a, 'input>>,
    ) -> Result<(), PnmlError> {
        let id = self.attribute(node, "id")?;
        let other = (seen.get(&id).copied()).or_else(|| self.entries.get(&id).map(|(_, n)| *n));
        if let Some(other) = other {
            let later = match other.range().start > node.range().start {
                true => other,
                false => node,
            };
            let at = self.positions.of(later);
            return Err(PnmlError::DuplicateId { id, at });
        }
        seen.insert(id, node);
        Ok(())
    }

    fn arc(&self, node: Node<'a, 'input>) -> Result<(usize, usize, bool), PnmlError> {
        let id = self.attribute(node, "id")?;
        self.plain_arc(node, &id)?;
        let source = self.resolve(&self.attribute(node, "source")?, "arc source of", &id, node)?;
        let target = self.resolve(&self.attribute(node, "target")?, "arc target of", &id, node)?;
        let at = self.positions.of(node);
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
/// The places, transitions and arcs of a PNML net, pages flattened and
/// references resolved, with their elements (for the labels the net's grammar reads).
pub(super) struct Graph<'a, 'input> {
    /// Where its elements stand in the text.
    pub positions: &'a Positions<'input>,
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

/// Parses PNML text, the XML error located.
pub(super) fn parse_document(text: &str) -> Result<Document<'_>, PnmlError> {
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

/// The document's one `<net>` element (a second one is refused).
pub(super) fn the_net<'a, 'input>(
    positions: &Positions<'input>,
    doc: &'a Document<'input>,
) -> Result<Node<'a, 'input>, PnmlError> {
    let mut nets = (doc.descendants()).filter(|n| n.is_element() && n.tag_name().name() == "net");
    let net = nets.next().ok_or(PnmlError::NoNet)?;
    // A second net would be left unread, and the answers given for the
    // first alone.
    match nets.next() {
        Some(second) => Err(PnmlError::UnsupportedConstruct {
            what: "a second <net> in the file: a PNML file here holds one net (put each in a file of its own)".into(),
            at: positions.of(second),
        }),
        None => Ok(net),
    }
}

/// Reads the graph of `net`; the P/T reader keeps each place's
/// `initialMarking` count (0 when it has none, as in symmetric nets).
pub(super) fn read_graph<'a, 'input>(
    positions: &'a Positions<'input>,
    net: Node<'a, 'input>,
) -> Result<(Graph<'a, 'input>, Vec<u32>), PnmlError> {
    let mut reader = Reader {
        positions,
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
    let mut arc_ids: HashMap<String, Node<'a, 'input>> = HashMap::new();
    for &node in &reader.arcs {
        reader.unique_arc_id(node, &mut arc_ids)?;
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
        positions,
        net,
        name,
        places,
        transitions,
        arcs,
    };
    Ok((graph, reader.initial))
}
