//! Resolves the names of a [`RawNet`], checks its types and builds a [`Net`].

use std::collections::HashMap;
use std::sync::Arc;

use super::raw::{ExprText, RawNet, RawProperty, RawScalar, RawTransition, RawType, Spanned};
use crate::error::{LoadError, LoadErrorKind, suggestion};
use crate::expr::ast::{BinOp, Expr, ExprKind, Item, Quantifier, UnOp};
use crate::expr::{parse_expr, parse_item};
use crate::functions::{FunctionLibrary, NetFunction};
use crate::net::code::{ArithOp, CmpOp, Code, Env, Pattern, PlaceId};
use crate::net::marking::{Marking, Multiset};
use crate::net::model::{
    GuardPart, InputItem, Matcher, Net, OutputItem, OutputTokens, Place, Property, PropertyKind,
    Transition, Variable,
};
use crate::net::types::{EnumType, Ty};
use crate::source::{Pos, Source};
use crate::value::Value;

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
    };
    c.declare_constants(raw)?;
    let params = c.declare_params(raw, overrides)?;
    c.declare_types(raw)?;
    c.declare_functions(raw, library)?;
    let initial = c.declare_places(raw)?;
    let transitions = raw
        .transitions
        .iter()
        .map(|(name, t)| c.transition(name, t))
        .collect::<Result<Vec<_>>>()?;
    check_unique(source, raw.transitions.iter().map(|(n, _)| n), "transition")?;
    let properties = raw
        .properties
        .iter()
        .map(|(name, p)| c.property(name, p))
        .collect::<Result<Vec<_>>>()?;
    check_unique(source, raw.properties.iter().map(|(n, _)| n), "property")?;
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
        places: c.places,
        transitions,
        properties,
        initial,
    })
}

fn check_unique<'a>(
    source: &Source,
    names: impl Iterator<Item = &'a Spanned<String>>,
    kind: &'static str,
) -> Result<()> {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if seen.contains(&n.value.as_str()) {
            return Err(LoadError::at(
                source,
                n.pos,
                LoadErrorKind::Duplicate {
                    kind,
                    name: n.value.clone(),
                },
            ));
        }
        seen.push(&n.value);
    }
    Ok(())
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
}

/// Variables visible to an expression, each with its slot (its index).
#[derive(Default)]
struct Scope {
    vars: Vec<Variable>,
    /// Whether place contents may be read (properties only).
    places: bool,
    /// Whether unknown names are reported as unbound transition variables.
    in_transition: bool,
}

impl Scope {
    fn slot(&self, name: &str) -> Option<usize> {
        self.vars.iter().rposition(|v| v.name == name)
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

    // ---- declarations -------------------------------------------------------

    fn declare_constants(&mut self, raw: &RawNet) -> Result<()> {
        for (name, ty) in &raw.types {
            if let RawType::Enum(constants) = ty {
                if constants.is_empty() {
                    return Err(self.error(
                        name.pos,
                        LoadErrorKind::Type(format!(
                            "enumeration `{}` has no constants",
                            name.value
                        )),
                    ));
                }
                let e = Ty::Enum(Arc::new(EnumType {
                    name: name.value.clone(),
                    constants: constants
                        .iter()
                        .map(|c| Arc::from(c.value.as_str()))
                        .collect(),
                }));
                for c in constants {
                    self.add_constant(c, e.clone())?;
                }
            }
        }
        Ok(())
    }

    fn add_constant(&mut self, c: &Spanned<String>, ty: Ty) -> Result<()> {
        if self.constants.insert(c.value.clone(), ty).is_some() {
            return Err(self.error(
                c.pos,
                LoadErrorKind::Duplicate {
                    kind: "enumeration constant",
                    name: c.value.clone(),
                },
            ));
        }
        Ok(())
    }

    fn declare_params(
        &mut self,
        raw: &RawNet,
        overrides: &[(String, String)],
    ) -> Result<Vec<(String, Value)>> {
        for (name, _) in overrides {
            if !raw.params.iter().any(|(n, _)| &n.value == name) {
                let known: Vec<&str> = raw.params.iter().map(|(n, _)| n.value.as_str()).collect();
                let hint = suggestion(name, known.iter().copied());
                let listed = if known.is_empty() {
                    "the net declares no parameters".to_string()
                } else {
                    format!("the net declares: {}", known.join(", "))
                };
                return Err(LoadError::in_file(
                    self.source.path(),
                    LoadErrorKind::Param(format!("unknown parameter `{name}`{hint}; {listed}")),
                ));
            }
        }
        let mut values = Vec::new();
        for (name, default) in &raw.params {
            if self.constants.contains_key(&name.value) {
                return Err(self.error(
                    name.pos,
                    LoadErrorKind::Duplicate {
                        kind: "name (a parameter and an enumeration constant)",
                        name: name.value.clone(),
                    },
                ));
            }
            if self.params.contains_key(&name.value) {
                return Err(self.error(
                    name.pos,
                    LoadErrorKind::Duplicate {
                        kind: "parameter",
                        name: name.value.clone(),
                    },
                ));
            }
            let over = overrides.iter().rev().find(|(n, _)| *n == name.value);
            let (value, ty) = match (&default.value, over) {
                (RawScalar::Int(i), None) => (Value::Int(*i), Ty::Int),
                (RawScalar::Bool(b), None) => (Value::Bool(*b), Ty::Bool),
                (RawScalar::Name(n), None) => {
                    let ty = self.constants.get(n).cloned().ok_or_else(|| {
                        self.error(
                            default.pos,
                            LoadErrorKind::Unknown {
                                kind: "enumeration constant",
                                name: n.clone(),
                                hint: suggestion(n, self.constants.keys().map(String::as_str)),
                            },
                        )
                    })?;
                    (Value::sym(n), ty)
                }
                (kind, Some((_, text))) => self.override_value(&name.value, kind, text)?,
            };
            self.params.insert(name.value.clone(), (value.clone(), ty));
            values.push((name.value.clone(), value));
        }
        Ok(values)
    }

    fn override_value(&self, name: &str, default: &RawScalar, text: &str) -> Result<(Value, Ty)> {
        let bad = |expected: &str| {
            LoadError::in_file(
                self.source.path(),
                LoadErrorKind::Param(format!("`{name}={text}`: `{name}` takes {expected}")),
            )
        };
        match default {
            RawScalar::Int(_) => text
                .trim()
                .parse::<i64>()
                .map(|i| (Value::Int(i), Ty::Int))
                .map_err(|_| bad("an integer")),
            RawScalar::Bool(_) => match text.trim() {
                "true" => Ok((Value::Bool(true), Ty::Bool)),
                "false" => Ok((Value::Bool(false), Ty::Bool)),
                _ => Err(bad("`true` or `false`")),
            },
            RawScalar::Name(d) => {
                let ty = self
                    .constants
                    .get(d)
                    .cloned()
                    .ok_or_else(|| bad("a constant"))?;
                let Ty::Enum(e) = &ty else {
                    return Err(bad("a constant"));
                };
                let text = text.trim();
                if e.constants.iter().any(|c| &**c == text) {
                    Ok((Value::sym(text), ty.clone()))
                } else {
                    let list: Vec<&str> = e.constants.iter().map(|c| &**c).collect();
                    Err(bad(&format!("one of: {}", list.join(", "))))
                }
            }
        }
    }

    fn declare_types(&mut self, raw: &RawNet) -> Result<()> {
        for (name, _) in &raw.types {
            if BUILTIN_TYPES.contains(&name.value.as_str()) {
                return Err(self.error(
                    name.pos,
                    LoadErrorKind::Duplicate {
                        kind: "type (it is built in)",
                        name: name.value.clone(),
                    },
                ));
            }
        }
        check_unique(self.source, raw.types.iter().map(|(n, _)| n), "type")?;
        let mut in_progress = Vec::new();
        for (name, _) in &raw.types {
            self.resolve_type(raw, name, &mut in_progress)?;
        }
        Ok(())
    }

    fn resolve_type(
        &mut self,
        raw: &RawNet,
        name: &Spanned<String>,
        in_progress: &mut Vec<String>,
    ) -> Result<Ty> {
        if let Some(t) = builtin(&name.value) {
            return Ok(t);
        }
        if let Some(t) = self.types.get(&name.value) {
            return Ok(t.clone());
        }
        let Some((decl, def)) = raw.types.iter().find(|(n, _)| n.value == name.value) else {
            return Err(self.unknown_type(raw, name));
        };
        if in_progress.contains(&name.value) {
            return Err(self.error(
                name.pos,
                LoadErrorKind::Type(format!(
                    "type `{}` is defined in terms of itself",
                    name.value
                )),
            ));
        }
        if in_progress.len() >= MAX_TYPE_NESTING {
            return Err(self.error(
                name.pos,
                LoadErrorKind::Type(format!(
                    "type `{}` is nested more than {MAX_TYPE_NESTING} definitions deep",
                    name.value
                )),
            ));
        }
        in_progress.push(name.value.clone());
        let ty = match def {
            RawType::Alias(other) => self.resolve_type(raw, other, in_progress)?,
            RawType::Range(lo, hi) => {
                let lo = self.const_int(lo)?;
                let hi = self.const_int(hi)?;
                if lo > hi {
                    return Err(self.error(
                        decl.pos,
                        LoadErrorKind::Type(format!(
                            "range `{}` is empty: {lo} > {hi}",
                            decl.value
                        )),
                    ));
                }
                Ty::Range {
                    name: Arc::from(decl.value.as_str()),
                    lo,
                    hi,
                }
            }
            RawType::Enum(constants) => self.constants_type(&constants[0].value),
            RawType::IndexedEnum { prefix, count } => {
                let n = self.const_int(count)?;
                if !(1..=100_000).contains(&n) {
                    return Err(self.err_at(
                        count,
                        0,
                        LoadErrorKind::Type(format!(
                            "an enumeration needs 1 to 100000 constants, not {n}"
                        )),
                    ));
                }
                let constants: Vec<Arc<str>> = (1..=n)
                    .map(|i| Arc::from(format!("{}{i}", prefix.value).as_str()))
                    .collect();
                let ty = Ty::Enum(Arc::new(EnumType {
                    name: decl.value.clone(),
                    constants: constants.clone(),
                }));
                for c in constants {
                    let spanned = Spanned {
                        value: c.to_string(),
                        pos: prefix.pos,
                    };
                    self.add_constant(&spanned, ty.clone())?;
                }
                ty
            }
            RawType::Tuple(items) => {
                if items.len() < 2 {
                    return Err(self.error(
                        decl.pos,
                        LoadErrorKind::Type("a tuple type has at least two components".into()),
                    ));
                }
                let tys = items
                    .iter()
                    .map(|i| self.resolve_type(raw, i, in_progress))
                    .collect::<Result<Vec<_>>>()?;
                let components: usize = tys.iter().map(type_size).sum();
                if components > MAX_TYPE_SIZE {
                    return Err(self.error(
                        decl.pos,
                        LoadErrorKind::Type(format!(
                            "tuple type `{}` has more than {MAX_TYPE_SIZE} components in all",
                            decl.value
                        )),
                    ));
                }
                Ty::Tuple(Some(Arc::from(decl.value.as_str())), tys)
            }
            RawType::Opaque => Ty::Opaque(Arc::from(decl.value.as_str())),
        };
        in_progress.pop();
        self.types.insert(name.value.clone(), ty.clone());
        Ok(ty)
    }

    /// The enumeration type that declares `constant`.
    fn constants_type(&self, constant: &str) -> Ty {
        self.constants.get(constant).cloned().unwrap_or(Ty::Unit)
    }

    fn unknown_type(&self, raw: &RawNet, name: &Spanned<String>) -> LoadError {
        let declared = raw.types.iter().map(|(n, _)| n.value.as_str());
        self.unknown(name.pos, "type", &name.value, declared.chain(BUILTIN_TYPES))
    }

    fn type_named(&self, name: &Spanned<String>) -> Result<Ty> {
        if let Some(t) = builtin(&name.value) {
            return Ok(t);
        }
        self.types.get(&name.value).cloned().ok_or_else(|| {
            let declared = self.types.keys().map(String::as_str);
            self.unknown(name.pos, "type", &name.value, declared.chain(BUILTIN_TYPES))
        })
    }

    fn declare_functions(&mut self, raw: &RawNet, library: &dyn FunctionLibrary) -> Result<()> {
        check_unique(
            self.source,
            raw.functions.iter().map(|(n, _)| n),
            "function",
        )?;
        for (name, f) in &raw.functions {
            if ["count", "all"].contains(&name.value.as_str()) {
                return Err(self.error(
                    name.pos,
                    LoadErrorKind::Duplicate {
                        kind: "function (it is built in)",
                        name: name.value.clone(),
                    },
                ));
            }
            let args = f
                .args
                .iter()
                .map(|a| self.type_named(a))
                .collect::<Result<Vec<_>>>()?;
            let returns = self.type_named(&f.returns)?;
            let function = library.lookup(&name.value).ok_or_else(|| {
                self.error(name.pos, LoadErrorKind::MissingFunction(name.value.clone()))
            })?;
            self.functions.insert(
                name.value.clone(),
                Signature {
                    function,
                    args,
                    returns,
                },
            );
        }
        Ok(())
    }

    fn declare_places(&mut self, raw: &RawNet) -> Result<Marking> {
        check_unique(self.source, raw.places.iter().map(|(n, _)| n), "place")?;
        for (name, p) in &raw.places {
            let ty = self.type_named(&p.ty)?;
            self.places.push(Place {
                name: name.value.clone(),
                ty,
                pos: name.pos,
            });
        }
        let mut initial = Marking {
            places: vec![Multiset::new(); self.places.len()],
        };
        for (id, (_, p)) in raw.places.iter().enumerate() {
            let ty = self.places[id].ty.clone();
            for text in &p.init {
                let item = self.parse_item(text)?;
                let mult = self.multiplicity(text, item.mult.as_ref())?;
                let tokens = match self.all_of(text, &item.expr, &ty)? {
                    Some(values) => values,
                    None => {
                        let (code, t) = self.expr(text, &item.expr, &mut Scope::default())?;
                        self.expect(text, &item.expr, &t, &ty)?;
                        vec![self.eval_const(text, item.expr.at, &code)?]
                    }
                };
                for v in tokens {
                    if !ty.admits(&v) {
                        return Err(self.type_error(
                            text,
                            item.expr.at,
                            format!(
                                "`{v}` is not a value of {ty}, the type of place `{}`",
                                self.places[id].name
                            ),
                        ));
                    }
                    initial.places[id].add(v, mult).ok_or_else(|| {
                        self.type_error(text, 0, "too many copies of one token".into())
                    })?;
                }
            }
        }
        Ok(initial)
    }

    /// `all(T)` as an item: every value of `T`, which must fit the place type.
    fn all_of(&self, text: &ExprText, e: &Expr, place_ty: &Ty) -> Result<Option<Vec<Value>>> {
        let ExprKind::Call(f, args) = &e.kind else {
            return Ok(None);
        };
        if f != "all" {
            return Ok(None);
        }
        let [
            Expr {
                kind: ExprKind::Name(tname),
                at,
            },
        ] = args.as_slice()
        else {
            return Err(self.type_error(text, e.at, "write `all(TypeName)`".into()));
        };
        let ty = self.type_named(&Spanned {
            value: tname.clone(),
            pos: text.pos_of(*at),
        })?;
        if !ty.compatible(place_ty) {
            return Err(self.type_error(
                text,
                e.at,
                format!("`all({tname})` gives {ty} tokens, the place holds {place_ty}"),
            ));
        }
        ty.values().map(Some).ok_or_else(|| {
            self.type_error(
                text,
                e.at,
                format!("`{ty}` is not a finite type of at most 2^20 values"),
            )
        })
    }

    fn multiplicity(&self, text: &ExprText, mult: Option<&Expr>) -> Result<u32> {
        let Some(m) = mult else {
            return Ok(1);
        };
        let (code, ty) = self.expr(text, m, &mut Scope::default())?;
        if !ty.is_int() {
            return Err(self.type_error(
                text,
                m.at,
                format!("a multiplicity is an integer, not {ty}"),
            ));
        }
        let v = self.eval_const(text, m.at, &code)?;
        match v.as_int().and_then(|i| u32::try_from(i).ok()) {
            Some(n) if n > 0 => Ok(n),
            _ => Err(self.type_error(
                text,
                m.at,
                format!("a multiplicity must be between 1 and 2^32-1, not {v}"),
            )),
        }
    }

    fn eval_const(&self, text: &ExprText, at: usize, code: &Code) -> Result<Value> {
        let mut slots = Vec::new();
        code.eval(&mut Env {
            slots: &mut slots,
            marking: None,
        })
        .map_err(|e| self.type_error(text, at, format!("cannot evaluate: {e}")))
    }

    fn const_int(&self, text: &ExprText) -> Result<i64> {
        let e = self.parse(text)?;
        let (code, ty) = self.expr(text, &e, &mut Scope::default())?;
        if !ty.is_int() {
            return Err(self.type_error(text, e.at, format!("expected an integer, found {ty}")));
        }
        let v = self.eval_const(text, e.at, &code)?;
        v.as_int()
            .ok_or_else(|| self.type_error(text, e.at, format!("expected an integer, found {v}")))
    }

    fn place(&self, text: &ExprText, at: usize, name: &str) -> Result<PlaceId> {
        self.place_at(text.pos_of(at), name)
    }

    fn place_named(&self, name: &Spanned<String>) -> Result<PlaceId> {
        self.place_at(name.pos, &name.value)
    }

    fn place_at(&self, pos: Pos, name: &str) -> Result<PlaceId> {
        self.places
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| {
                let declared = self.places.iter().map(|p| p.name.as_str());
                self.unknown(pos, "place", name, declared)
            })
    }

    // ---- transitions ----------------------------------------------------------

    fn transition(&self, name: &Spanned<String>, t: &RawTransition) -> Result<Transition> {
        let mut scope = Scope {
            in_transition: true,
            ..Scope::default()
        };
        let mut inputs = Vec::new();
        let mut bound_at: Vec<usize> = Vec::new();
        let mut deferred = Vec::new();
        let mut inscriptions = Vec::new();
        check_unique(
            self.source,
            t.inputs.iter().map(|(p, _)| p),
            "input arc from place",
        )?;
        check_unique(
            self.source,
            t.outputs.iter().map(|(p, _)| p),
            "output arc to place",
        )?;
        for (place_name, items) in &t.inputs {
            let place = self.place_named(place_name)?;
            let ty = self.places[place].ty.clone();
            for text in items {
                inscriptions.push((place, text.text.clone(), true));
                let item = self.parse_item(text)?;
                let mult = self.multiplicity(text, item.mult.as_ref())?;
                if item.expr.is_pattern() && !self.is_determined(&item.expr, &scope) {
                    let pattern = self.pattern(text, &item.expr, &ty, &mut scope)?;
                    bound_at.resize(scope.vars.len(), inputs.len() + 1);
                    let prefix = fixed_prefix(&pattern);
                    inputs.push(InputItem {
                        place,
                        mult,
                        matcher: Matcher::Scan { pattern, prefix },
                    });
                } else {
                    deferred.push((place, mult, text, item.expr, ty.clone()));
                }
            }
        }
        for (place, mult, text, expr, ty) in deferred {
            let (code, t) = self.expr(text, &expr, &mut scope)?;
            self.expect(text, &expr, &t, &ty)?;
            inputs.push(InputItem {
                place,
                mult,
                matcher: Matcher::Exact(code),
            });
        }
        let mut guards = Vec::new();
        if let Some(text) = &t.guard {
            let e = self.parse(text)?;
            let (code, ty) = self.expr(text, &e, &mut scope)?;
            if ty != Ty::Bool {
                return Err(self.type_error(text, e.at, format!("a guard is a boolean, not {ty}")));
            }
            let mut parts = Vec::new();
            split_conjuncts(code, &mut parts);
            for code in parts {
                let mut slots = Vec::new();
                code_slots(&code, &mut slots);
                let after = slots
                    .iter()
                    .map(|&s| bound_at.get(s).copied().unwrap_or(0))
                    .max()
                    .unwrap_or(0);
                guards.push(GuardPart { code, after });
            }
            guards.sort_by_key(|g| g.after);
        }
        let mut outputs = Vec::new();
        for (place_name, items) in &t.outputs {
            let place = self.place_named(place_name)?;
            let ty = self.places[place].ty.clone();
            for text in items {
                inscriptions.push((place, text.text.clone(), false));
                let item = self.parse_item(text)?;
                let mult = self.multiplicity(text, item.mult.as_ref())?;
                let tokens = match self.all_of(text, &item.expr, &ty)? {
                    Some(values) => OutputTokens::All(values),
                    None => {
                        let (code, t) = self.expr(text, &item.expr, &mut scope)?;
                        self.expect(text, &item.expr, &t, &ty)?;
                        OutputTokens::Expr(code)
                    }
                };
                outputs.push(OutputItem {
                    place,
                    mult,
                    tokens,
                });
            }
        }
        Ok(Transition {
            name: name.value.clone(),
            pos: name.pos,
            vars: scope.vars,
            inputs,
            guards,
            outputs,
            inscriptions,
            guard_text: t.guard.as_ref().map(|g| g.text.clone()),
        })
    }

    /// Whether a pattern has no wildcard and no new variable: its value is known before matching.
    fn is_determined(&self, e: &Expr, scope: &Scope) -> bool {
        match &e.kind {
            ExprKind::Wildcard => false,
            ExprKind::Name(n) => {
                scope.slot(n).is_some()
                    || self.params.contains_key(n)
                    || self.constants.contains_key(n)
            }
            ExprKind::Tuple(items) => items.iter().all(|i| self.is_determined(i, scope)),
            _ => true,
        }
    }

    fn pattern(
        &self,
        text: &ExprText,
        e: &Expr,
        expected: &Ty,
        scope: &mut Scope,
    ) -> Result<Pattern> {
        match &e.kind {
            ExprKind::Wildcard => Ok(Pattern::Wild),
            ExprKind::Name(n)
                if !self.params.contains_key(n) && !self.constants.contains_key(n) =>
            {
                match scope.slot(n) {
                    Some(slot) => {
                        let have = &scope.vars[slot].ty;
                        if !have.compatible(expected) {
                            return Err(self.type_error(
                                text,
                                e.at,
                                format!(
                                    "variable `{n}` is a {have} here but a {expected} elsewhere"
                                ),
                            ));
                        }
                        Ok(Pattern::Check(slot))
                    }
                    None => {
                        scope.vars.push(Variable {
                            name: n.clone(),
                            ty: expected.clone(),
                        });
                        Ok(Pattern::Bind(scope.vars.len() - 1))
                    }
                }
            }
            ExprKind::Tuple(items) => {
                let Ty::Tuple(_, tys) = expected else {
                    return Err(self.type_error(
                        text,
                        e.at,
                        format!("a tuple pattern cannot match a {expected} token"),
                    ));
                };
                if tys.len() != items.len() {
                    return Err(self.type_error(
                        text,
                        e.at,
                        format!(
                            "a {}-tuple pattern cannot match a {expected} token ({} components)",
                            items.len(),
                            tys.len()
                        ),
                    ));
                }
                items
                    .iter()
                    .zip(tys)
                    .map(|(i, t)| self.pattern(text, i, t, scope))
                    .collect::<Result<Vec<_>>>()
                    .map(Pattern::Tuple)
            }
            _ => {
                let (code, ty) = self.expr(text, e, scope)?;
                self.expect(text, e, &ty, expected)?;
                Ok(Pattern::Const(self.eval_const(text, e.at, &code)?))
            }
        }
    }

    fn expect(&self, text: &ExprText, e: &Expr, found: &Ty, expected: &Ty) -> Result<()> {
        if found.compatible(expected) {
            Ok(())
        } else {
            Err(self.type_error(text, e.at, format!("expected {expected}, found {found}")))
        }
    }

    // ---- properties -----------------------------------------------------------

    fn property(&self, name: &Spanned<String>, p: &RawProperty) -> Result<Property> {
        let mut scope = Scope {
            places: true,
            ..Scope::default()
        };
        let predicate = |text: &ExprText, scope: &mut Scope| -> Result<Code> {
            let e = self.parse(text)?;
            let (code, ty) = self.expr(text, &e, scope)?;
            if ty != Ty::Bool {
                return Err(self.type_error(
                    text,
                    e.at,
                    format!("a property is a boolean, not {ty}"),
                ));
            }
            Ok(code)
        };
        let kind = match p {
            RawProperty::Invariant(t) => PropertyKind::Invariant(predicate(t, &mut scope)?),
            RawProperty::Reachable(t) => PropertyKind::Reachable(predicate(t, &mut scope)?),
            RawProperty::DeadlockFree(t) => PropertyKind::DeadlockFree(
                t.as_ref().map(|t| predicate(t, &mut scope)).transpose()?,
            ),
            RawProperty::Bound { place, max } => {
                let place = self.place_named(place)?;
                let m = self.const_int(max)?;
                let max = u64::try_from(m).map_err(|_| {
                    self.type_error(max, 0, format!("a bound is at least 0, not {m}"))
                })?;
                PropertyKind::Bound { place, max }
            }
        };
        Ok(Property {
            name: name.value.clone(),
            pos: name.pos,
            kind,
            slots: scope.vars.len(),
        })
    }

    // ---- expressions ------------------------------------------------------------

    fn expr(&self, text: &ExprText, e: &Expr, scope: &mut Scope) -> Result<(Code, Ty)> {
        match &e.kind {
            ExprKind::Int(i) => Ok((Code::Const(Value::Int(*i)), Ty::Int)),
            ExprKind::Bool(b) => Ok((Code::Const(Value::Bool(*b)), Ty::Bool)),
            ExprKind::Unit => Ok((Code::Const(Ty::unit_value()), Ty::Unit)),
            ExprKind::Wildcard => Err(self.type_error(
                text,
                e.at,
                "`_` matches tokens on input arcs and in quantifiers only".into(),
            )),
            ExprKind::Name(n) => self.name(text, e.at, n, scope),
            ExprKind::Tuple(items) => {
                let mut codes = Vec::new();
                let mut tys = Vec::new();
                for i in items {
                    let (c, t) = self.expr(text, i, scope)?;
                    codes.push(c);
                    tys.push(t);
                }
                Ok((Code::Tuple(codes), Ty::Tuple(None, tys)))
            }
            ExprKind::Field(inner, i) => {
                let (c, t) = self.expr(text, inner, scope)?;
                match &t {
                    Ty::Tuple(_, tys) if *i < tys.len() => {
                        Ok((Code::Field(Box::new(c), *i), tys[*i].clone()))
                    }
                    _ => Err(self.type_error(text, e.at, format!("{t} has no field {i}"))),
                }
            }
            ExprKind::Unary(UnOp::Neg, inner) => {
                let c = self.int_expr(text, inner, scope)?;
                Ok((Code::Neg(Box::new(c)), Ty::Int))
            }
            ExprKind::Unary(UnOp::Not, inner) => {
                let c = self.bool_expr(text, inner, scope)?;
                Ok((Code::Not(Box::new(c)), Ty::Bool))
            }
            ExprKind::Binary(op, a, b) => self.binary(text, *op, a, b, scope),
            ExprKind::If(c, a, b) => {
                let c = self.bool_expr(text, c, scope)?;
                let (ca, ta) = self.expr(text, a, scope)?;
                let (cb, tb) = self.expr(text, b, scope)?;
                if !ta.compatible(&tb) {
                    return Err(self.type_error(
                        text,
                        b.at,
                        format!("the branches differ: {ta} and {tb}"),
                    ));
                }
                Ok((Code::If(Box::new(c), Box::new(ca), Box::new(cb)), ta))
            }
            ExprKind::Call(f, args) => self.call(text, e, f, args, scope),
            ExprKind::In(v, place) => {
                let p = self.readable_place(text, e.at, place, scope)?;
                let (c, t) = self.expr(text, v, scope)?;
                self.expect(text, v, &t, &self.places[p].ty)?;
                let count = Code::CountOf(p, Box::new(c));
                Ok((
                    Code::Cmp(
                        CmpOp::Gt,
                        Box::new(count),
                        Box::new(Code::Const(Value::Int(0))),
                    ),
                    Ty::Bool,
                ))
            }
            ExprKind::Quantifier {
                kind,
                pattern,
                place,
                body,
            } => {
                let p = self.readable_place(text, e.at, place, scope)?;
                let depth = scope.vars.len();
                let shadow = std::mem::take(&mut scope.in_transition);
                let pat =
                    self.quantifier_pattern(text, pattern, &self.places[p].ty.clone(), scope)?;
                let body = self.bool_expr(text, body, scope);
                scope.in_transition = shadow;
                // The quantifier's variables go out of scope but keep their slots.
                for v in &mut scope.vars[depth..] {
                    v.name = format!("{} (out of scope)", v.name);
                }
                Ok((
                    Code::Quantifier {
                        forall: *kind == Quantifier::Forall,
                        place: p,
                        pattern: pat,
                        body: Box::new(body?),
                    },
                    Ty::Bool,
                ))
            }
        }
    }

    /// Quantifier patterns always bind fresh variables (shadowing outer ones).
    fn quantifier_pattern(
        &self,
        text: &ExprText,
        e: &Expr,
        expected: &Ty,
        scope: &mut Scope,
    ) -> Result<Pattern> {
        let mut names = Vec::new();
        e.names(&mut names);
        for n in &names {
            if !self.params.contains_key(n)
                && !self.constants.contains_key(n)
                && scope.slot(n).is_some()
            {
                // Hide the outer variable so that the pattern binds afresh.
                for v in scope.vars.iter_mut().filter(|v| &v.name == n) {
                    v.name = format!("{n} (shadowed)");
                }
            }
        }
        self.pattern(text, e, expected, scope)
    }

    fn readable_place(
        &self,
        text: &ExprText,
        at: usize,
        place: &str,
        scope: &Scope,
    ) -> Result<PlaceId> {
        let p = self.place(text, at, place)?;
        if !scope.places {
            return Err(self.type_error(
                text,
                at,
                format!("place contents (`{place}`) can be read in properties only, not in guards or arcs"),
            ));
        }
        Ok(p)
    }

    fn name(&self, text: &ExprText, at: usize, n: &str, scope: &Scope) -> Result<(Code, Ty)> {
        if let Some(slot) = scope.slot(n) {
            return Ok((Code::Var(slot), scope.vars[slot].ty.clone()));
        }
        if let Some((v, t)) = self.params.get(n) {
            return Ok((Code::Const(v.clone()), t.clone()));
        }
        if let Some(t) = self.constants.get(n) {
            return Ok((Code::Const(Value::sym(n)), t.clone()));
        }
        if scope.in_transition {
            // A short name is a variable; a longer one may be a misspelt constant.
            let hint = if n.chars().count() >= 3 {
                let known = self.params.keys().chain(self.constants.keys());
                suggestion(n, known.map(String::as_str))
            } else {
                String::new()
            };
            return Err(self.err_at(
                text,
                at,
                LoadErrorKind::Unbound {
                    name: n.to_string(),
                    hint,
                },
            ));
        }
        let mut known: Vec<&str> = scope.vars.iter().map(|v| v.name.as_str()).collect();
        known.extend(self.params.keys().map(String::as_str));
        known.extend(self.constants.keys().map(String::as_str));
        Err(self.err_at(
            text,
            at,
            LoadErrorKind::Unknown {
                kind: "name",
                name: n.to_string(),
                hint: suggestion(n, known),
            },
        ))
    }

    fn int_expr(&self, text: &ExprText, e: &Expr, scope: &mut Scope) -> Result<Code> {
        let (c, t) = self.expr(text, e, scope)?;
        if !t.is_int() {
            return Err(self.type_error(text, e.at, format!("expected an integer, found {t}")));
        }
        Ok(c)
    }

    fn bool_expr(&self, text: &ExprText, e: &Expr, scope: &mut Scope) -> Result<Code> {
        let (c, t) = self.expr(text, e, scope)?;
        if t != Ty::Bool {
            return Err(self.type_error(text, e.at, format!("expected a boolean, found {t}")));
        }
        Ok(c)
    }

    fn binary(
        &self,
        text: &ExprText,
        op: BinOp,
        a: &Expr,
        b: &Expr,
        scope: &mut Scope,
    ) -> Result<(Code, Ty)> {
        let arith = match op {
            BinOp::Add => Some(ArithOp::Add),
            BinOp::Sub => Some(ArithOp::Sub),
            BinOp::Mul => Some(ArithOp::Mul),
            BinOp::Div => Some(ArithOp::Div),
            BinOp::Rem => Some(ArithOp::Rem),
            _ => None,
        };
        if let Some(o) = arith {
            let ca = self.int_expr(text, a, scope)?;
            let cb = self.int_expr(text, b, scope)?;
            return Ok((Code::Arith(o, Box::new(ca), Box::new(cb)), Ty::Int));
        }
        match op {
            BinOp::And | BinOp::Or | BinOp::Implies => {
                let ca = Box::new(self.bool_expr(text, a, scope)?);
                let cb = Box::new(self.bool_expr(text, b, scope)?);
                Ok((
                    match op {
                        BinOp::And => Code::And(ca, cb),
                        BinOp::Or => Code::Or(ca, cb),
                        _ => Code::Implies(ca, cb),
                    },
                    Ty::Bool,
                ))
            }
            BinOp::Eq | BinOp::Ne => {
                let (ca, ta) = self.expr(text, a, scope)?;
                let (cb, tb) = self.expr(text, b, scope)?;
                if !ta.compatible(&tb) {
                    return Err(self.type_error(
                        text,
                        b.at,
                        format!("cannot compare {ta} with {tb}"),
                    ));
                }
                let o = if op == BinOp::Eq {
                    CmpOp::Eq
                } else {
                    CmpOp::Ne
                };
                Ok((Code::Cmp(o, Box::new(ca), Box::new(cb)), Ty::Bool))
            }
            _ => {
                let ca = self.int_expr(text, a, scope)?;
                let cb = self.int_expr(text, b, scope)?;
                let o = match op {
                    BinOp::Lt => CmpOp::Lt,
                    BinOp::Le => CmpOp::Le,
                    BinOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                Ok((Code::Cmp(o, Box::new(ca), Box::new(cb)), Ty::Bool))
            }
        }
    }

    fn call(
        &self,
        text: &ExprText,
        e: &Expr,
        f: &str,
        args: &[Expr],
        scope: &mut Scope,
    ) -> Result<(Code, Ty)> {
        if f == "count" {
            let (place, value) = match args {
                [
                    Expr {
                        kind: ExprKind::Name(p),
                        at,
                    },
                ] => (self.readable_place(text, *at, p, scope)?, None),
                [
                    Expr {
                        kind: ExprKind::Name(p),
                        at,
                    },
                    v,
                ] => (self.readable_place(text, *at, p, scope)?, Some(v)),
                _ => {
                    return Err(self.type_error(
                        text,
                        e.at,
                        "write `count(Place)` or `count(Place, value)`".into(),
                    ));
                }
            };
            return Ok(match value {
                None => (Code::Count(place), Ty::Int),
                Some(v) => {
                    let (c, t) = self.expr(text, v, scope)?;
                    self.expect(text, v, &t, &self.places[place].ty)?;
                    (Code::CountOf(place, Box::new(c)), Ty::Int)
                }
            });
        }
        if f == "all" {
            return Err(self.type_error(
                text,
                e.at,
                "`all(T)` is a whole marking item, not part of an expression".into(),
            ));
        }
        let sig = self.functions.get(f).ok_or_else(|| {
            let mut known: Vec<&str> = self.functions.keys().map(String::as_str).collect();
            known.push("count");
            self.err_at(
                text,
                e.at,
                LoadErrorKind::Unknown {
                    kind: "function",
                    name: f.to_string(),
                    hint: suggestion(f, known),
                },
            )
        })?;
        if sig.args.len() != args.len() {
            return Err(self.type_error(
                text,
                e.at,
                format!(
                    "`{f}` takes {} argument(s), {} given",
                    sig.args.len(),
                    args.len()
                ),
            ));
        }
        let mut codes = Vec::new();
        for (a, ty) in args.iter().zip(&sig.args) {
            let (c, t) = self.expr(text, a, scope)?;
            self.expect(text, a, &t, ty)?;
            codes.push(c);
        }
        Ok((
            Code::Call {
                name: Arc::from(f),
                function: sig.function.clone(),
                args: codes,
                returns: sig.returns.clone(),
            },
            sig.returns.clone(),
        ))
    }
}

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

/// How many leading components of a tuple pattern are known before matching.
fn fixed_prefix(p: &Pattern) -> usize {
    match p {
        Pattern::Tuple(items) => items
            .iter()
            .take_while(|i| matches!(i, Pattern::Const(_) | Pattern::Check(_)))
            .count(),
        _ => 0,
    }
}

fn split_conjuncts(code: Code, out: &mut Vec<Code>) {
    match code {
        Code::And(a, b) => {
            split_conjuncts(*a, out);
            split_conjuncts(*b, out);
        }
        other => out.push(other),
    }
}

/// The variable slots an expression reads.
fn code_slots(code: &Code, out: &mut Vec<usize>) {
    match code {
        Code::Var(s) => out.push(*s),
        Code::Const(_) | Code::Count(_) => {}
        Code::Tuple(items) => items.iter().for_each(|c| code_slots(c, out)),
        Code::Call { args, .. } => args.iter().for_each(|c| code_slots(c, out)),
        Code::Field(c, _) | Code::Neg(c) | Code::Not(c) | Code::CountOf(_, c) => code_slots(c, out),
        Code::Arith(_, a, b)
        | Code::Cmp(_, a, b)
        | Code::And(a, b)
        | Code::Or(a, b)
        | Code::Implies(a, b) => {
            code_slots(a, out);
            code_slots(b, out);
        }
        Code::If(c, a, b) => {
            code_slots(c, out);
            code_slots(a, out);
            code_slots(b, out);
        }
        Code::Quantifier { body, .. } => code_slots(body, out),
    }
}
