//! Expressions: name resolution and type checking into compiled code.

use super::*;
use crate::expr::ast::PlaceName;
use crate::net::code::CallSite;
use crate::net::prefix::scan_prefix;

impl Compiler<'_> {
    pub(super) fn expr(&self, text: &ExprText, e: &Expr, scope: &mut Scope) -> Result<(Code, Ty)> {
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
                if let Some(pair) = self.tied_pair(items, scope) {
                    return Ok(pair);
                }
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
                        self.not_a_loose_seat(text, e.at, &format!("field {i}"), &tys[*i])?;
                        Ok((Code::Field(Box::new(c), *i), tys[*i].clone()))
                    }
                    _ => Err(self.type_error(text, e.at, format!("{t} has no field {i}"))),
                }
            }
            ExprKind::Unary(UnOp::Neg, inner) => {
                let c = self.int_expr(text, inner, scope)?;
                Ok((Code::Neg(Box::new(c), text.pos_of(e.at)), Ty::Int))
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
                let p = self.readable_place(text, place.at, &place.name, scope)?;
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
                let (p, pat, body) = self.quantified(text, place, pattern, scope, |scope| {
                    self.bool_expr(text, body, scope)
                })?;
                let forall = *kind == Quantifier::Forall;
                Ok((
                    Code::Quantifier {
                        forall,
                        place: p,
                        prefix: scan_prefix(forall, &pat, &body),
                        pattern: pat,
                        body: Box::new(body),
                    },
                    Ty::Bool,
                ))
            }
            ExprKind::Sum {
                body,
                pattern,
                place,
            } => {
                let (place, pattern, body) =
                    self.quantified(text, place, pattern, scope, |scope| {
                        self.int_expr(text, body, scope)
                    })?;
                let sum = Code::Sum {
                    place,
                    pattern,
                    body: Box::new(body),
                    pos: text.pos_of(e.at),
                };
                Ok((sum, Ty::Int))
            }
        }
    }

    /// What to say of `n`, a name a transition does not bind: a place, which
    /// guards and arcs do not read; a misspelt variable, constant or
    /// parameter (a name of three characters or more); else how a
    /// transition binds a variable to any value of a type.
    fn unbound_hint(&self, n: &str, scope: &Scope) -> String {
        if self.place_ids.contains_key(n) {
            return format!(
                " (`{n}` is a place: a transition reads a token of it by taking it \
                 on an input arc, `{n}: [x]`, and putting it back on an output arc)"
            );
        }
        if n.chars().count() >= 3 {
            // The transition's own variables first: `sendr` for `sender`.
            let variables = scope.vars.iter().map(|v| v.name.as_str());
            let known = variables
                .chain(self.params.keys().map(String::as_str))
                .chain(self.constants.keys().map(String::as_str));
            let misspelt = suggestion(n, known);
            if !misspelt.is_empty() {
                return misspelt;
            }
        }
        format!(
            ": to let `{n}` take any value of a type T, take it from a place \
             that holds `all(T)` and put it back (`in: {{ P: [{n}] }}`, \
             `out: {{ P: [{n}] }}`)"
        )
    }

    /// Compiles a quantifier over `place`: its pattern, which binds fresh
    /// variables, then its body by `body` with them in scope. Afterwards the
    /// variables the pattern shadowed are visible again, and the quantifier's
    /// own are out of scope but keep their slots. Shared by the code and the
    /// explanation of a property (and by sums), so both scope their
    /// variables alike.
    pub(super) fn quantified<T>(
        &self,
        text: &ExprText,
        place: &PlaceName,
        pattern: &Expr,
        scope: &mut Scope,
        body: impl FnOnce(&mut Scope) -> Result<T>,
    ) -> Result<(PlaceId, Pattern, T)> {
        let p = self.readable_place(text, place.at, &place.name, scope)?;
        let depth = scope.vars.len();
        let outer: Vec<String> = scope.vars.iter().map(|v| v.name.clone()).collect();
        let shadow = std::mem::take(&mut scope.in_transition);
        let pat = self.quantifier_pattern(text, pattern, &self.places[p].ty.clone(), scope)?;
        let body = body(scope);
        scope.in_transition = shadow;
        for (v, name) in scope.vars.iter_mut().zip(outer) {
            v.name = name;
        }
        for v in &mut scope.vars[depth..] {
            v.name = format!("{} (out of scope)", v.name);
        }
        Ok((p, pat, body?))
    }

    /// Quantifier patterns always bind fresh variables (shadowing outer ones).
    pub(super) fn quantifier_pattern(
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

    pub(super) fn readable_place(
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

    pub(super) fn name(
        &self,
        text: &ExprText,
        at: usize,
        n: &str,
        scope: &Scope,
    ) -> Result<(Code, Ty)> {
        if let Some(slot) = scope.slot(n) {
            let ty = scope.vars[slot].ty.clone();
            self.not_a_loose_seat(text, at, &format!("`{n}`"), &ty)?;
            return Ok((Code::Var(slot), ty));
        }
        if let Some((v, t)) = self.params.get(n) {
            self.not_symmetric(text, at, n, t)?;
            return Ok((Code::Const(v.clone()), t.clone()));
        }
        if let Some(t) = self.constants.get(n) {
            self.not_symmetric(text, at, n, t)?;
            return Ok((Code::Const(Value::sym(n)), t.clone()));
        }
        if scope.in_transition {
            let hint = self.unbound_hint(n, scope);
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
        let hint = if scope.places && self.place_ids.contains_key(n) {
            format!(
                " (`{n}` is a place: a formula reads its tokens with `count({n})`, \
                 `v in {n}` or `forall x in {n}: ...`)"
            )
        } else {
            suggestion(n, known)
        };
        Err(self.err_at(
            text,
            at,
            LoadErrorKind::Unknown {
                kind: "name",
                name: n.to_string(),
                hint,
            },
        ))
    }

    /// Rejects naming a constant of a symmetric type: it would single the
    /// constant out, and permuting the type's constants would change the net.
    fn not_symmetric(&self, text: &ExprText, at: usize, n: &str, t: &Ty) -> Result<()> {
        match t {
            Ty::Enum(e) if e.symmetric => Err(self.type_error(
                text,
                at,
                format!(
                    "`{n}` is a constant of the symmetric type {}: a net may not name one (it would break the symmetry)",
                    e.name
                ),
            )),
            _ => Ok(()),
        }
    }

    pub(super) fn int_expr(&self, text: &ExprText, e: &Expr, scope: &mut Scope) -> Result<Code> {
        let (c, t) = self.expr(text, e, scope)?;
        if !t.is_int() {
            return Err(self.type_error(text, e.at, format!("expected an integer, found {t}")));
        }
        Ok(c)
    }

    pub(super) fn bool_expr(&self, text: &ExprText, e: &Expr, scope: &mut Scope) -> Result<Code> {
        let (c, t) = self.expr(text, e, scope)?;
        if t != Ty::Bool {
            return Err(self.type_error(text, e.at, format!("expected a boolean, found {t}")));
        }
        Ok(c)
    }

    pub(super) fn binary(
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
            let at = text.pos_of(operator_offset(&text.text, a, b));
            return Ok((Code::Arith(o, Box::new(ca), Box::new(cb), at), Ty::Int));
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

    pub(super) fn call(
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
                        ..
                    },
                ] => (self.readable_place(text, *at, p, scope)?, None),
                [
                    Expr {
                        kind: ExprKind::Name(p),
                        at,
                        ..
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
        if f == "sum" && !self.functions.contains_key(f) {
            return Err(self.type_error(
                text,
                e.at,
                "write `sum(expression for pattern in Place)`: the sum of the expression over the place's tokens that the pattern matches".into(),
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
                    hint: not_a_function_hint(f).unwrap_or_else(|| suggestion(f, known)),
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
                site: CallSite::new(f, text.pos_of(e.at)),
                function: sig.function.clone(),
                args: codes,
                returns: sig.returns.clone(),
            },
            sig.returns.clone(),
        ))
    }
}

/// The byte offset of the operator of `a op b` in `text`: the first
/// character after `a` (its parentheses included) that is not a space;
/// `a`'s start if there is none.
fn operator_offset(text: &str, a: &Expr, b: &Expr) -> usize {
    let between = text.get(a.span.end..b.span.start).unwrap_or("");
    match between.find(|c: char| !c.is_whitespace()) {
        Some(i) => a.span.end + i,
        None => a.span.start,
    }
}

/// What to say of `f`, called like a function, when it is a word of the
/// temporal logics: those stand only in `ctl:` and `ltl:` properties, and
/// there only outside a formula judged on one marking (a quantifier, a
/// count, a comparison).
fn not_a_function_hint(f: &str) -> Option<String> {
    if let Some(logic) = crate::temporal::formula::operator_logic(f) {
        return Some(format!(
            " (`{f}` is {} operator: it belongs to `{}:` properties, and there not inside \
             a quantifier, `count` or comparison, which are judged on one marking)",
            logic.article_name(),
            logic.keyword()
        ));
    }
    matches!(f, "fired" | "enabled").then(|| {
        format!(
            " (`{f}(t)` is an atom of `ctl:` and `ltl:` properties; guards, arcs, invariants \
             and quantifiers are judged on one marking, without a step)"
        )
    })
}
