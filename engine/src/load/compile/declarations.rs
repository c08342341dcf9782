//! Declarations: parameters, types, functions, places and constant expressions.

use std::collections::BTreeMap;
use std::num::IntErrorKind;

use super::*;

impl Compiler<'_> {
    pub(super) fn declare_constants(&mut self, raw: &RawNet) -> Result<()> {
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
                    symmetric: self.is_symmetric(raw, &name.value),
                }));
                for c in constants {
                    self.add_constant(c, e.clone())?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn add_constant(&mut self, c: &Spanned<String>, ty: Ty) -> Result<()> {
        if self.params.contains_key(&c.value) {
            return Err(self.error(
                c.pos,
                LoadErrorKind::Duplicate {
                    kind: "name (a parameter and an enumeration constant)",
                    name: c.value.clone(),
                    first: None,
                },
            ));
        }
        if self.constants.insert(c.value.clone(), ty).is_some() {
            return Err(self.error(
                c.pos,
                LoadErrorKind::Duplicate {
                    kind: "enumeration constant",
                    name: c.value.clone(),
                    first: None,
                },
            ));
        }
        Ok(())
    }

    /// Declares the integer and boolean parameters (`constants == false`) or
    /// the constant-valued ones (`constants == true`).
    pub(super) fn declare_params(
        &mut self,
        raw: &RawNet,
        overrides: &[(String, String)],
        constants: bool,
    ) -> Result<()> {
        for (name, _) in overrides {
            if !raw.params.iter().any(|p| &p.name.value == name) {
                let known: Vec<&str> = raw.params.iter().map(|p| p.name.value.as_str()).collect();
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
        for param in &raw.params {
            let (name, default) = (&param.name, &param.default);
            if matches!(default.value, RawScalar::Name(_)) != constants {
                continue;
            }
            if self.constants.contains_key(&name.value) {
                return Err(self.error(
                    name.pos,
                    LoadErrorKind::Duplicate {
                        kind: "name (a parameter and an enumeration constant)",
                        name: name.value.clone(),
                        first: None,
                    },
                ));
            }
            if self.params.contains_key(&name.value) {
                return Err(self.error(
                    name.pos,
                    LoadErrorKind::Duplicate {
                        kind: "parameter",
                        name: name.value.clone(),
                        first: None,
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
            self.within_bounds(param, &value, over.is_some())?;
            self.params.insert(name.value.clone(), (value, ty));
        }
        Ok(())
    }

    /// Checks an integer parameter's value against the bounds it declares
    /// (an expression bound evaluated over the parameters declared before)
    /// and records their values: an override outside them is refused at the
    /// declaration that states them, a default outside them at the default.
    fn within_bounds(&mut self, param: &RawParam, value: &Value, overridden: bool) -> Result<()> {
        let &Value::Int(i) = value else {
            return Ok(());
        };
        let (min, max) = (
            self.bound(param.min.as_ref())?,
            self.bound(param.max.as_ref())?,
        );
        let name = &param.name.value;
        if min.is_some() || max.is_some() {
            self.param_bounds.push((name.clone(), min, max));
        }
        let written = |bound: &Option<RawBound>| match bound {
            Some(RawBound::Expr(e)) => format!(" (`{}`)", e.text.trim()),
            _ => String::new(),
        };
        let (lo, hi) = (written(&param.min), written(&param.max));
        let bounds = match (min, max) {
            (Some(l), Some(h)) if l > h => {
                let message = format!(
                    "`{name}` has no value: its bounds are crossed, min {l}{lo} above max {h}{hi}"
                );
                return Err(self.error(param.name.pos, LoadErrorKind::Param(message)));
            }
            (Some(l), Some(h)) if l == h && i != l => format!("{l}{hi}"),
            (Some(l), Some(h)) if i < l || i > h => format!("between {l}{lo} and {h}{hi}"),
            (Some(l), None) if i < l => format!("at least {l}{lo}"),
            (None, Some(h)) if i > h => format!("at most {h}{hi}"),
            _ => return Ok(()),
        };
        let (pos, message) = match overridden {
            true => (
                param.name.pos,
                format!("the override `{name}={i}`: `{name}` must be {bounds}, as declared here"),
            ),
            false => (
                param.default.pos,
                format!("the default {i} of `{name}` is not {bounds}, its declared bounds"),
            ),
        };
        Err(self.error(pos, LoadErrorKind::Param(message)))
    }

    /// A bound's value: its number, or its expression's value.
    fn bound(&self, bound: Option<&RawBound>) -> Result<Option<i64>> {
        match bound {
            None => Ok(None),
            Some(RawBound::Int(i)) => Ok(Some(*i)),
            Some(RawBound::Expr(text)) => self.const_int(text).map(Some),
        }
    }

    pub(super) fn override_value(
        &self,
        name: &str,
        default: &RawScalar,
        text: &str,
    ) -> Result<(Value, Ty)> {
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
                .map_err(|e| match e.kind() {
                    IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
                        bad(&format!("an integer from {} to {}", i64::MIN, i64::MAX))
                    }
                    _ => bad("an integer"),
                }),
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

    pub(super) fn declare_types(&mut self, raw: &RawNet) -> Result<()> {
        for (name, _) in &raw.types {
            if BUILTIN_TYPES.contains(&name.value.as_str()) {
                return Err(self.error(
                    name.pos,
                    LoadErrorKind::Duplicate {
                        kind: "type (it is built in)",
                        name: name.value.clone(),
                        first: None,
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

    pub(super) fn resolve_type(
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
            RawType::Range(lo, hi) => self.range_type(raw, decl, lo, hi)?,
            RawType::Enum(constants) => self.constants_type(&constants[0].value),
            RawType::IndexedEnum { prefix, count } => {
                self.indexed_enum(raw, decl, prefix, count)?
            }
            RawType::Tuple(items) => self.tuple_type(raw, decl, items, in_progress)?,
            RawType::Opaque => Ty::Opaque(Arc::from(decl.value.as_str())),
        };
        in_progress.pop();
        self.types.insert(name.value.clone(), ty.clone());
        Ok(ty)
    }

    /// The range `decl` from `lo` to `hi` (constant expressions), an
    /// enumeration of numerals where it is declared symmetric.
    fn range_type(
        &mut self,
        raw: &RawNet,
        decl: &Spanned<String>,
        lo: &ExprText,
        hi: &ExprText,
    ) -> Result<Ty> {
        let lo = self.const_int(lo)?;
        let hi = self.const_int(hi)?;
        if lo > hi {
            return Err(self.error(
                decl.pos,
                LoadErrorKind::Type(format!("range `{}` is empty: {lo} > {hi}", decl.value)),
            ));
        }
        if self.is_symmetric(raw, &decl.value) {
            return self.symmetric_range(decl, lo, hi);
        }
        Ok(Ty::Range {
            name: Arc::from(decl.value.as_str()),
            lo,
            hi,
        })
    }

    /// The enumeration `decl` of the constants `prefix1` to `prefixN`, `N`
    /// the value of `count`; declares its constants.
    fn indexed_enum(
        &mut self,
        raw: &RawNet,
        decl: &Spanned<String>,
        prefix: &Spanned<String>,
        count: &ExprText,
    ) -> Result<Ty> {
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
            symmetric: self.is_symmetric(raw, &decl.value),
        }));
        for c in constants {
            let spanned = Spanned {
                value: c.to_string(),
                pos: prefix.pos,
            };
            self.add_constant(&spanned, ty.clone())?;
        }
        Ok(ty)
    }

    /// The tuple type `decl` of the types named `items`, each resolved in
    /// turn.
    fn tuple_type(
        &mut self,
        raw: &RawNet,
        decl: &Spanned<String>,
        items: &[Spanned<String>],
        in_progress: &mut Vec<String>,
    ) -> Result<Ty> {
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
        Ok(Ty::Tuple(Some(Arc::from(decl.value.as_str())), tys))
    }

    /// Whether type `name` is declared `symmetric: true`.
    fn is_symmetric(&self, raw: &RawNet, name: &str) -> bool {
        raw.symmetric.iter().any(|d| d.name.value == name)
    }

    /// Rejects `symmetric: true` on a type that is neither an enumeration nor a range.
    pub(super) fn check_symmetric_kinds(&self, raw: &RawNet) -> Result<()> {
        for decl in &raw.symmetric {
            let (name, at) = (&decl.name, &decl.at);
            let kind = raw.types.iter().find(|(n, _)| n.value == name.value);
            if !matches!(
                kind,
                Some((
                    _,
                    RawType::Enum(_) | RawType::IndexedEnum { .. } | RawType::Range(..)
                ))
            ) {
                return Err(self.error(
                    *at,
                    LoadErrorKind::Type(format!(
                        "type `{}` cannot be symmetric: only an enumeration or a range can",
                        name.value
                    )),
                ));
            }
        }
        Ok(())
    }

    /// A symmetric range `lo..=hi`: an enumeration of the numerals, which no
    /// expression can name (a symmetric type has no usable constants). Two
    /// symmetric ranges must not share a numeral, so that every value names its type.
    fn symmetric_range(&self, decl: &Spanned<String>, lo: i64, hi: i64) -> Result<Ty> {
        if hi - lo >= 1_000 {
            return Err(self.error(
                decl.pos,
                LoadErrorKind::Type(format!(
                    "symmetric range `{}` has more than 1000 values",
                    decl.value
                )),
            ));
        }
        let constants: Vec<Arc<str>> = (lo..=hi)
            .map(|i| Arc::from(i.to_string().as_str()))
            .collect();
        for other in self.types.values() {
            if let Ty::Enum(e) = other
                && e.symmetric
                && e.constants.iter().any(|c| constants.contains(c))
            {
                return Err(self.error(
                    decl.pos,
                    LoadErrorKind::Type(format!(
                        "symmetric ranges `{}` and `{}` overlap: give them disjoint bounds",
                        e.name, decl.value
                    )),
                ));
            }
        }
        Ok(Ty::Enum(Arc::new(EnumType {
            name: decl.value.clone(),
            constants,
            symmetric: true,
        })))
    }

    /// The enumeration type that declares `constant`.
    pub(super) fn constants_type(&self, constant: &str) -> Ty {
        self.constants.get(constant).cloned().unwrap_or(Ty::Unit)
    }

    pub(super) fn unknown_type(&self, raw: &RawNet, name: &Spanned<String>) -> LoadError {
        let declared = raw.types.iter().map(|(n, _)| n.value.as_str());
        self.unknown(name.pos, "type", &name.value, declared.chain(BUILTIN_TYPES))
    }

    pub(super) fn type_named(&self, name: &Spanned<String>) -> Result<Ty> {
        if let Some(t) = builtin(&name.value) {
            return Ok(t);
        }
        self.types.get(&name.value).cloned().ok_or_else(|| {
            let declared = self.types.keys().map(String::as_str);
            self.unknown(name.pos, "type", &name.value, declared.chain(BUILTIN_TYPES))
        })
    }

    pub(super) fn declare_functions(
        &mut self,
        raw: &RawNet,
        library: &dyn FunctionLibrary,
    ) -> Result<()> {
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
                        first: None,
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
            if let Some(takes) = function.arity()
                && takes != args.len()
            {
                return Err(self.error(
                    name.pos,
                    LoadErrorKind::Arity {
                        function: name.value.clone(),
                        takes,
                        declared: args.len(),
                    },
                ));
            }
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

    pub(super) fn declare_places(&mut self, raw: &RawNet) -> Result<Marking> {
        check_unique(self.source, raw.places.iter().map(|(n, _)| n), "place")?;
        for (name, p) in &raw.places {
            let ty = self.type_named(&p.ty)?;
            self.place_ids.insert(name.value.clone(), self.places.len());
            self.places.push(Place {
                name: name.value.clone(),
                ty,
                pos: name.pos,
            });
        }
        let mut initial = Marking {
            places: Vec::with_capacity(self.places.len()),
        };
        for (id, (_, p)) in raw.places.iter().enumerate() {
            let ty = self.places[id].ty.clone();
            // Counted in an ordered map and made a multiset once: adding
            // token by token to a multiset copies it each time, quadratic
            // in `all(T)` of a large `T`.
            let mut counts: BTreeMap<Value, u32> = BTreeMap::new();
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
                    let count = counts.entry(v).or_insert(0);
                    *count = count.checked_add(mult).ok_or_else(|| {
                        self.type_error(text, 0, "too many copies of one token".into())
                    })?;
                }
            }
            // Distinct values with checked counts: nothing left to overflow.
            let tokens = Multiset::from_counts(counts).ok_or_else(|| {
                let message = "too many copies of one token".to_string();
                self.error(self.places[id].pos, LoadErrorKind::Type(message))
            })?;
            initial.places.push(tokens);
        }
        Ok(initial)
    }

    /// `all(T)` as an item: every value of `T`, which must fit the place type.
    pub(super) fn all_of(
        &self,
        text: &ExprText,
        e: &Expr,
        place_ty: &Ty,
    ) -> Result<Option<Vec<Value>>> {
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
                ..
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

    /// A multiplicity on an arc: a constant, which may not use the
    /// transition's variables (else the message would say "unknown name").
    pub(super) fn arc_multiplicity(
        &self,
        text: &ExprText,
        mult: Option<&Expr>,
        scope: &Scope,
    ) -> Result<u32> {
        if let Some(m) = mult {
            let mut names = Vec::new();
            m.names(&mut names);
            let variable = names.iter().find(|n| {
                scope.slot(n).is_some()
                    && !self.params.contains_key(*n)
                    && !self.constants.contains_key(*n)
            });
            if let Some(v) = variable {
                return Err(self.type_error(
                    text,
                    m.at,
                    format!(
                        "a multiplicity is a constant (literals and parameters); it cannot use the variable `{v}`"
                    ),
                ));
            }
        }
        self.multiplicity(text, mult)
    }

    pub(super) fn multiplicity(&self, text: &ExprText, mult: Option<&Expr>) -> Result<u32> {
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

    pub(super) fn eval_const(&self, text: &ExprText, at: usize, code: &Code) -> Result<Value> {
        let mut slots = Vec::new();
        code.eval(&mut Env::new(&mut slots, None))
            .map_err(|e| self.type_error(text, at, format!("cannot evaluate: {e}")))
    }

    pub(super) fn const_int(&self, text: &ExprText) -> Result<i64> {
        let e = self.parse(text)?;
        let (code, ty) = self.expr(text, &e, &mut Scope::default())?;
        if !ty.is_int() {
            return Err(self.type_error(text, e.at, format!("expected an integer, found {ty}")));
        }
        let v = self.eval_const(text, e.at, &code)?;
        v.as_int()
            .ok_or_else(|| self.type_error(text, e.at, format!("expected an integer, found {v}")))
    }

    pub(super) fn place(&self, text: &ExprText, at: usize, name: &str) -> Result<PlaceId> {
        self.place_at(text.pos_of(at), name)
    }

    pub(super) fn place_named(&self, name: &Spanned<String>) -> Result<PlaceId> {
        self.place_at(name.pos, &name.value)
    }

    pub(super) fn place_at(&self, pos: Pos, name: &str) -> Result<PlaceId> {
        self.place_ids.get(name).copied().ok_or_else(|| {
            let declared = self.places.iter().map(|p| p.name.as_str());
            self.unknown(pos, "place", name, declared)
        })
    }
}
