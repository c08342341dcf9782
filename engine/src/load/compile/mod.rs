//! Resolves the names of a [`RawNet`], checks its types and builds a [`Net`].

use std::collections::HashMap;
use std::sync::Arc;

use super::raw::{
    ExprText, RawBound, RawNet, RawParam, RawProperty, RawScalar, RawTransition, RawType, Spanned,
};
use crate::expr::ast::{BinOp, Expr, ExprKind, Item, Quantifier, UnOp};
use crate::expr::{parse_expr, parse_item};
use crate::load::error::{LoadError, LoadErrorKind, suggestion};
use crate::load::source::{Pos, Source};
use crate::net::code::{ArithOp, CmpOp, Code, Env, Pattern, PlaceId};
use crate::net::functions::{FunctionLibrary, NetFunction};
use crate::net::marking::{Marking, Multiset};
use crate::net::model::{
    GuardPart, InputItem, Matcher, Net, OutputItem, OutputTokens, Place, Property, PropertyKind,
    SymmetricType, Transition, Variable, wildcards_may_swap,
};
use crate::net::types::{EnumType, Ty};
use crate::net::value::Value;
use crate::standard::StandardProperty;
use crate::temporal::Logic;

type Result<T> = std::result::Result<T, LoadError>;

/// Compiles a raw net with parameter overrides `(name, value text)`.
pub fn compile(
    source: &Source,
    raw: &RawNet,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
) -> Result<Net> {
    let mut c = Compiler {
        source,
        params: HashMap::new(),
        types: HashMap::new(),
        constants: HashMap::new(),
        functions: HashMap::new(),
        places: Vec::new(),
        place_ids: HashMap::new(),
        within: HashMap::new(),
        param_bounds: Vec::new(),
    };
    c.check_symmetric_kinds(raw)?;
    c.declare_constants(raw)?;
    c.declare_params(raw, overrides, false)?;
    c.declare_types(raw)?;
    c.declare_within(raw)?;
    c.check_pairs_in_types(raw)?;
    // Constant-valued parameters may name constants of indexed enumerations,
    // which exist only once the types are resolved.
    c.declare_params(raw, overrides, true)?;
    let params = raw
        .params
        .iter()
        .filter_map(|p| {
            c.params
                .get(&p.name.value)
                .map(|(v, _)| (p.name.value.clone(), v.clone()))
        })
        .collect();
    c.declare_functions(raw, library)?;
    let initial = c.declare_places(raw)?;
    c.check_pairs_in_places()?;
    let transitions = raw
        .transitions
        .iter()
        .map(|(name, t)| c.transition(name, t))
        .collect::<Result<Vec<_>>>()?;
    check_unique(source, raw.transitions.iter().map(|(n, _)| n), "transition")?;
    c.check_transitions_are_not_places(raw)?;
    let mut properties = Vec::new();
    let mut temporal = Vec::new();
    for (name, p) in &raw.properties {
        match p {
            RawProperty::Ctl(text) => {
                temporal.push(c.temporal(name, text, Logic::Ctl, &transitions)?)
            }
            RawProperty::Ltl(text) => {
                temporal.push(c.temporal(name, text, Logic::Ltl, &transitions)?)
            }
            _ => properties.push(c.property(name, p)?),
        }
    }
    let fairness = c.fairness(&raw.fairness, &transitions)?;
    check_unique(source, raw.properties.iter().map(|(n, _)| n), "property")?;
    check_not_reserved(source, raw.properties.iter().map(|(n, _)| n))?;
    let name = raw.name.clone().unwrap_or_else(|| {
        source
            .path()
            .file_stem()
            .map_or_else(|| "net".to_string(), |s| s.to_string_lossy().into_owned())
    });
    Ok(Net {
        name,
        description: raw.description.clone(),
        params,
        param_bounds: c.param_bounds,
        places: c.places,
        transitions,
        properties,
        temporal,
        fairness,
        initial,
        symmetric: raw
            .symmetric
            .iter()
            .filter_map(|decl| match c.types.get(&decl.name.value) {
                Some(Ty::Enum(e)) => Some(SymmetricType {
                    ty: e.clone(),
                    within: c.within.get(&decl.name.value).cloned(),
                    pos: decl.name.pos,
                }),
                _ => None,
            })
            .collect(),
        canonical_form: library.canonical_form(),
    })
}

fn check_unique<'a>(
    source: &Source,
    names: impl Iterator<Item = &'a Spanned<String>>,
    kind: &'static str,
) -> Result<()> {
    let mut seen = HashMap::new();
    for n in names {
        if let Some(first) = seen.insert(n.value.as_str(), n.pos.line) {
            return Err(LoadError::at(
                source,
                n.pos,
                LoadErrorKind::Duplicate {
                    kind,
                    name: n.value.clone(),
                    first: Some(first),
                },
            ));
        }
    }
    Ok(())
}

/// Refuses a declared property named as a standard one (`deadlock-free`,
/// `one-safe`): `--property` names both kinds, so the net's own would
/// shadow the standard one unseen.
fn check_not_reserved<'a>(
    source: &Source,
    mut names: impl Iterator<Item = &'a Spanned<String>>,
) -> Result<()> {
    let reserved = |name: &str| StandardProperty::ALL.iter().any(|p| p.name() == name);
    match names.find(|n| reserved(&n.value)) {
        Some(n) => Err(LoadError::at(
            source,
            n.pos,
            LoadErrorKind::ReservedProperty(n.value.clone()),
        )),
        None => Ok(()),
    }
}

struct Signature {
    function: Arc<dyn NetFunction>,
    args: Vec<Ty>,
    returns: Ty,
}

struct Compiler<'s> {
    source: &'s Source,
    params: HashMap<String, (Value, Ty)>,
    types: HashMap<String, Ty>,
    constants: HashMap<String, Ty>,
    functions: HashMap<String, Signature>,
    places: Vec<Place>,
    /// Each place's number by its name (nets of thousands of places look
    /// names up for every arc and property).
    place_ids: HashMap<String, PlaceId>,
    /// Each type declared `symmetric: { within: R }`, with `R`.
    within: HashMap<String, Arc<EnumType>>,
    /// Each bounded parameter with its bounds' values, in declaration order.
    param_bounds: Vec<(String, Option<i64>, Option<i64>)>,
}

/// Variables visible to an expression, each with its slot (its index).
#[derive(Default, Clone)]
struct Scope {
    vars: Vec<Variable>,
    /// Whether place contents may be read (properties only).
    places: bool,
    /// Whether unknown names are reported as unbound transition variables.
    in_transition: bool,
    /// (seat slot, role slot): each variable of a type symmetric within
    /// another, with the variable a pattern bound it next to ([`within`]).
    ties: Vec<(usize, usize)>,
}

impl Scope {
    fn slot(&self, name: &str) -> Option<usize> {
        self.vars.iter().rposition(|v| v.name == name)
    }

    /// The role variable the seat variable in `slot` was bound next to.
    fn tie(&self, slot: usize) -> Option<usize> {
        self.ties.iter().find(|(s, _)| *s == slot).map(|&(_, r)| r)
    }
}

const BUILTIN_TYPES: [&str; 3] = ["Bool", "Int", "Unit"];

/// Type definitions may refer to each other at most this deep (aliases and tuples).
const MAX_TYPE_NESTING: usize = 64;

/// A tuple type may have at most this many components, nested ones included
/// (`A: { tuple: [B, B] }, B: { tuple: [C, C] }, ...` would grow exponentially).
const MAX_TYPE_SIZE: usize = 4096;

impl Compiler<'_> {
    fn error(&self, pos: Pos, kind: LoadErrorKind) -> LoadError {
        LoadError::at(self.source, pos, kind)
    }

    fn err_at(&self, text: &ExprText, at: usize, kind: LoadErrorKind) -> LoadError {
        self.error(text.pos_of(at), kind)
    }

    /// Refuses a transition named like a place: traces, `fired(T)` and
    /// `enabled(T)` would read one for the other.
    fn check_transitions_are_not_places(&self, raw: &RawNet) -> Result<()> {
        for (name, _) in &raw.transitions {
            if let Some(&place) = self.place_ids.get(&name.value) {
                let line = self.places[place].pos.line;
                return Err(self.error(
                    name.pos,
                    LoadErrorKind::Structure(format!(
                        "`{}` names both a place (line {line}) and this transition; give them different names",
                        name.value
                    )),
                ));
            }
        }
        Ok(())
    }

    /// The error for `name`, used where a transition is expected and no
    /// transition has that name: says so when it is a place's.
    fn not_a_transition<'a>(
        &self,
        pos: Pos,
        name: &str,
        transitions: impl IntoIterator<Item = &'a str>,
    ) -> LoadError {
        if self.place_ids.contains_key(name) {
            return self.error(
                pos,
                LoadErrorKind::Structure(format!("`{name}` is a place, not a transition")),
            );
        }
        self.unknown(pos, "transition", name, transitions)
    }

    fn unknown<'a>(
        &self,
        pos: Pos,
        kind: &'static str,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> LoadError {
        self.error(
            pos,
            LoadErrorKind::Unknown {
                kind,
                name: name.to_string(),
                hint: suggestion(name, candidates),
            },
        )
    }

    fn type_error(&self, text: &ExprText, at: usize, message: String) -> LoadError {
        self.err_at(text, at, LoadErrorKind::Type(message))
    }

    fn parse(&self, text: &ExprText) -> Result<Expr> {
        parse_expr(&text.text)
            .map_err(|e| self.err_at(text, e.at, LoadErrorKind::Expression(e.message)))
    }

    fn parse_item(&self, text: &ExprText) -> Result<Item> {
        parse_item(&text.text)
            .map_err(|e| self.err_at(text, e.at, LoadErrorKind::Expression(e.message)))
    }
}

mod declarations;
mod expressions;
mod folding;
mod formula;
mod kept_calls;
mod temporal;
mod transitions;
mod within;

/// The number of nodes of a type: 1 for a scalar type, more for tuples.
fn type_size(ty: &Ty) -> usize {
    match ty {
        Ty::Tuple(_, tys) => 1 + tys.iter().map(type_size).sum::<usize>(),
        _ => 1,
    }
}

fn builtin(name: &str) -> Option<Ty> {
    match name {
        "Bool" => Some(Ty::Bool),
        "Int" => Some(Ty::Int),
        "Unit" => Some(Ty::Unit),
        _ => None,
    }
}
