//! The declarations of a symmetric net: sorts (colour sets) and their
//! constants, variables, and the operators of cyclic enumerations.
//!
//! | PNML sort | engine type |
//! |---|---|
//! | `dot` | `Unit` |
//! | `bool` | `Bool` |
//! | `finiteenumeration`, `cyclicenumeration` | an enumeration (constants named by their ids) |
//! | `finiteintrange` | a range |
//! | `productsort` | a tuple |
//! | `integer`, `natural`, `positive` | `Int` |

use std::collections::HashMap;
use std::sync::Arc;

use roxmltree::Node;

use super::{Reader, elements};
use crate::load::pnml::error::PnmlError;
use crate::net::code::CmpOp;
use crate::net::functions::{FunctionError, NetFunction};
use crate::net::types::{EnumType, Ty};
use crate::net::value::Value;

/// Sorts may name each other at most this deep.
const MAX_SORT_NESTING: usize = 64;

/// What the declarations of a net define, by declaration id.
#[derive(Default)]
pub(super) struct Declarations {
    /// Named sorts.
    pub sorts: HashMap<String, Ty>,
    /// The constants of each cyclic enumeration, by the enumeration's type name.
    pub cyclic: HashMap<String, Arc<[Arc<str>]>>,
    /// The constants of each enumeration (cyclic or not), by type name.
    pub ordered: HashMap<String, Arc<[Arc<str>]>>,
    /// Enumeration constants (`feconstant`): value and sort.
    pub constants: HashMap<String, (Value, Ty)>,
    /// Variables (`variabledecl`): name and sort.
    pub variables: HashMap<String, (String, Ty)>,
    /// Declarations this importer does not read (operators, partitions), by id:
    /// the element's name, for the error when one is used.
    pub unsupported: HashMap<String, String>,
}

impl Declarations {
    /// The successor (`forward`) or predecessor function of a cyclic
    /// enumeration type, `None` when `ty` is not one.
    pub fn step(&self, ty: &Ty, forward: bool) -> Option<Arc<dyn NetFunction>> {
        let Ty::Enum(e) = ty else { return None };
        let constants = self.cyclic.get(&e.name)?.clone();
        let name = if forward { "successor" } else { "predecessor" };
        let values: Vec<Value> = constants.iter().map(|c| Value::sym(c)).collect();
        Some(Arc::new(move |args: &[Value]| {
            let n = constants.len();
            let i = position(&constants, args, name)?;
            Ok(values[if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }]
            .clone())
        }))
    }

    /// The order comparison `op` between two constants of an enumeration
    /// (declaration order), `None` when `ty` is not an enumeration.
    pub fn order(&self, ty: &Ty, op: CmpOp) -> Option<Arc<dyn NetFunction>> {
        let Ty::Enum(e) = ty else { return None };
        let constants = self.ordered.get(&e.name)?.clone();
        Some(Arc::new(move |args: &[Value]| {
            let a = position(&constants, &args[..1.min(args.len())], "order")?;
            let b = position(&constants, args.get(1..).unwrap_or(&[]), "order")?;
            Ok(Value::Bool(match op {
                CmpOp::Eq => a == b,
                CmpOp::Ne => a != b,
                CmpOp::Lt => a < b,
                CmpOp::Le => a <= b,
                CmpOp::Gt => a > b,
                CmpOp::Ge => a >= b,
            }))
        }))
    }
}

/// The index of the one argument (`args[0]`) among `constants`.
fn position(constants: &[Arc<str>], args: &[Value], name: &str) -> Result<usize, FunctionError> {
    match args.first() {
        Some(Value::Sym(s)) => constants.iter().position(|c| **c == **s),
        _ => None,
    }
    .ok_or_else(|| FunctionError::BadArguments {
        function: name.to_string(),
        reason: format!("{args:?} is not a constant of the enumeration"),
    })
}

impl Reader<'_, '_> {
    /// Reads every declaration of the net (sorts first, then variables).
    pub(super) fn declarations(&mut self) -> Result<(), PnmlError> {
        let mut named: HashMap<String, Node<'_, '_>> = HashMap::new();
        let mut names: HashMap<String, usize> = HashMap::new();
        let mut order = Vec::new();
        for node in self.graph.net.descendants().filter(|n| n.is_element()) {
            match node.tag_name().name() {
                "namedsort" => {
                    let id = self.attribute(node, "id")?;
                    *names.entry(self.sort_name(node, &id)).or_default() += 1;
                    order.push(id.clone());
                    if named.insert(id.clone(), node).is_some() {
                        return Err(
                            self.colour(node, format!("the sort id {id} is declared twice"))
                        );
                    }
                }
                kind @ ("namedoperator" | "partition" | "arbitrarysort") => {
                    let id = self.attribute(node, "id")?;
                    self.decls.unsupported.insert(id, kind.to_string());
                }
                _ => {}
            }
        }
        for id in &order {
            self.named_sort(id, &named, &names, 0)?;
        }
        for node in self.graph.net.descendants().filter(|n| n.is_element()) {
            if node.tag_name().name() == "variabledecl" {
                let id = self.attribute(node, "id")?;
                let name = node.attribute("name").unwrap_or(&id).to_string();
                let sort = self.only_child(node)?;
                let ty = self.sort(sort, &name)?;
                if self
                    .decls
                    .variables
                    .insert(id.clone(), (name, ty))
                    .is_some()
                {
                    return Err(
                        self.colour(node, format!("the variable id {id} is declared twice"))
                    );
                }
            }
        }
        Ok(())
    }

    /// The type name of a named sort: its `name`, or its id when absent.
    fn sort_name(&self, node: Node<'_, '_>, id: &str) -> String {
        node.attribute("name").unwrap_or(id).to_string()
    }

    /// Resolves the named sort `id` (and the sorts it names, first).
    fn named_sort(
        &mut self,
        id: &str,
        named: &HashMap<String, Node<'_, '_>>,
        names: &HashMap<String, usize>,
        depth: usize,
    ) -> Result<Ty, PnmlError> {
        if let Some(ty) = self.decls.sorts.get(id) {
            return Ok(ty.clone());
        }
        let node = named[id];
        if depth > MAX_SORT_NESTING {
            return Err(self.colour(
                node,
                format!("the sort {id} names sorts more than {MAX_SORT_NESTING} deep (a cycle?)"),
            ));
        }
        // Names shared by two sorts are replaced by the sorts' ids.
        let name = self.sort_name(node, id);
        let name = if names.get(&name).copied().unwrap_or(0) > 1 {
            id.to_string()
        } else {
            name
        };
        let body = self.only_child(node)?;
        for used in body
            .descendants()
            .filter(|n| n.tag_name().name() == "usersort")
        {
            let target = self.attribute(used, "declaration")?;
            if named.contains_key(&target) {
                self.named_sort(&target, named, names, depth + 1)?;
            }
        }
        let ty = self.sort(body, &name)?;
        self.decls.sorts.insert(id.to_string(), ty.clone());
        Ok(ty)
    }

    /// The type of a sort element; `name` names a new enumeration, range or product.
    pub(super) fn sort(&mut self, node: Node<'_, '_>, name: &str) -> Result<Ty, PnmlError> {
        Ok(match node.tag_name().name() {
            "usersort" => {
                let id = self.attribute(node, "declaration")?;
                match self.decls.sorts.get(&id) {
                    Some(ty) => ty.clone(),
                    None => return Err(self.unknown_declaration(node, "sort", &id)),
                }
            }
            "dot" => Ty::Unit,
            "bool" => Ty::Bool,
            "integer" | "natural" | "positive" => Ty::Int,
            "finiteintrange" => {
                let lo = self.int_attribute(node, "start")?;
                let hi = self.int_attribute(node, "end")?;
                if lo > hi {
                    return Err(self.colour(node, format!("the range {lo}..{hi} is empty")));
                }
                Ty::Range {
                    name: name.into(),
                    lo,
                    hi,
                }
            }
            kind @ ("finiteenumeration" | "cyclicenumeration") => {
                let mut constants: Vec<Arc<str>> = Vec::new();
                for c in elements(node).filter(|c| c.tag_name().name() == "feconstant") {
                    constants.push(self.attribute(c, "id")?.into());
                }
                if constants.is_empty() {
                    return Err(self.colour(node, format!("the enumeration {name} is empty")));
                }
                let ty = Ty::Enum(Arc::new(EnumType {
                    name: name.to_string(),
                    constants: constants.clone(),
                    symmetric: false,
                }));
                for c in &constants {
                    let value = Value::sym(c);
                    if self
                        .decls
                        .constants
                        .insert(c.to_string(), (value, ty.clone()))
                        .is_some()
                    {
                        return Err(
                            self.colour(node, format!("the constant id {c} is declared twice"))
                        );
                    }
                }
                let constants: Arc<[Arc<str>]> = constants.into();
                if kind == "cyclicenumeration" {
                    self.decls
                        .cyclic
                        .insert(name.to_string(), constants.clone());
                }
                self.decls.ordered.insert(name.to_string(), constants);
                ty
            }
            "productsort" => {
                let mut parts = Vec::new();
                for (k, part) in elements(node).enumerate() {
                    parts.push(self.sort(part, &format!("{name}.{k}"))?);
                }
                if parts.len() < 2 {
                    return Err(self.colour(node, "a product sort has at least two sorts".into()));
                }
                Ty::Tuple(Some(name.into()), parts)
            }
            other => {
                return Err(self.unsupported(node, format!("the sort <{other}> in symmetric nets")));
            }
        })
    }

    fn int_attribute(&self, node: Node<'_, '_>, name: &str) -> Result<i64, PnmlError> {
        let text = self.attribute(node, name)?;
        text.trim()
            .parse()
            .map_err(|_| self.colour(node, format!("{name}={text:?} is not an integer")))
    }

    /// The error for a reference to an id that declares nothing (or
    /// something this importer does not read).
    pub(super) fn unknown_declaration(
        &self,
        node: Node<'_, '_>,
        kind: &str,
        id: &str,
    ) -> PnmlError {
        match self.decls.unsupported.get(id) {
            Some(element) => self.unsupported(node, format!("<{element}> declarations ({id})")),
            None => self.colour(node, format!("no {kind} is declared with the id {id}")),
        }
    }
}
