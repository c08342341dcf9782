//! Transitions (input patterns, guards, outputs) and properties.

use super::*;

impl Compiler<'_> {
    /// Compiles transition `name`: its input arcs (patterns that bind its
    /// variables, then look-ups of known values), its guard and its outputs.
    pub(super) fn transition(
        &self,
        name: &Spanned<String>,
        t: &RawTransition,
    ) -> Result<Transition> {
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
                let mult = self.arc_multiplicity(text, item.mult.as_ref(), &scope)?;
                if item.expr.is_pattern() && !self.is_determined(&item.expr, &scope) {
                    let pattern = self.pattern(text, &item.expr, &ty, &mut scope)?;
                    bound_at.resize(scope.vars.len(), inputs.len() + 1);
                    let prefix = pattern.fixed_prefix();
                    inputs.push(InputItem {
                        place,
                        mult,
                        matcher: Matcher::Scan { pattern, prefix },
                        pos: text.pos,
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
                matcher: Matcher::Exact(super::folding::fold_constants(code)),
                pos: text.pos,
            });
        }
        let guards = match &t.guard {
            Some(text) => self.guard(text, &mut scope, &bound_at)?,
            None => Vec::new(),
        };
        let outputs = self.outputs(t, &mut scope, &mut inscriptions)?;
        Ok(Transition {
            name: name.value.clone(),
            pos: name.pos,
            vars: scope.vars,
            wildcards_may_swap: wildcards_may_swap(&inputs),
            inputs,
            guards,
            outputs,
            inscriptions,
            guard_text: t.guard.as_ref().map(|g| g.text.clone()),
        })
    }

    /// The guard `text`, split into conjuncts, each placed after the last
    /// input item that binds a variable it reads (`bound_at`: per slot, after
    /// how many input items it is bound).
    fn guard(
        &self,
        text: &ExprText,
        scope: &mut Scope,
        bound_at: &[usize],
    ) -> Result<Vec<GuardPart>> {
        let e = self.parse(text)?;
        // Type-checked whole on a copy of the scope (the slots its
        // quantifiers take are not kept), then compiled conjunct by
        // conjunct, so that an error while one is evaluated points at it,
        // not at the guard's start.
        let (_, ty) = self.expr(text, &e, &mut scope.clone())?;
        if ty != Ty::Bool {
            return Err(self.type_error(text, e.at, format!("a guard is a boolean, not {ty}")));
        }
        let mut parts = Vec::new();
        for conjunct in conjuncts(&e) {
            let (code, _) = self.expr(text, conjunct, scope)?;
            let pos = text.pos_of(conjunct.span.start);
            let mut split = Vec::new();
            super::folding::fold_constants(code).into_conjuncts(&mut split);
            parts.extend(split.into_iter().map(|code| (code, pos)));
        }
        // A conjunct that is true whatever the binding tests nothing.
        parts.retain(|(part, _)| !matches!(part, Code::Const(Value::Bool(true))));
        let mut guards: Vec<GuardPart> = parts
            .into_iter()
            .map(|(code, pos)| {
                let mut slots = Vec::new();
                code.read_slots(&mut slots);
                let after = slots
                    .iter()
                    .map(|&s| bound_at.get(s).copied().unwrap_or(0))
                    .max()
                    .unwrap_or(0);
                GuardPart { code, after, pos }
            })
            .collect();
        guards.sort_by_key(|g| g.after);
        Ok(guards)
    }

    /// The output items of `t`, their inscriptions added to `inscriptions`.
    fn outputs(
        &self,
        t: &RawTransition,
        scope: &mut Scope,
        inscriptions: &mut Vec<(PlaceId, String, bool)>,
    ) -> Result<Vec<OutputItem>> {
        let mut outputs = Vec::new();
        for (place_name, items) in &t.outputs {
            let place = self.place_named(place_name)?;
            let ty = self.places[place].ty.clone();
            for text in items {
                inscriptions.push((place, text.text.clone(), false));
                let item = self.parse_item(text)?;
                let mult = self.arc_multiplicity(text, item.mult.as_ref(), scope)?;
                let tokens = match self.all_of(text, &item.expr, &ty)? {
                    Some(values) => OutputTokens::All(values),
                    None => {
                        let (code, t) = self.expr(text, &item.expr, scope)?;
                        self.expect(text, &item.expr, &t, &ty)?;
                        OutputTokens::Expr(super::folding::fold_constants(code))
                    }
                };
                outputs.push(OutputItem {
                    place,
                    mult,
                    tokens,
                    pos: text.pos,
                });
            }
        }
        Ok(outputs)
    }

    /// Whether a pattern has no wildcard and no new variable: its value is known before matching.
    pub(super) fn is_determined(&self, e: &Expr, scope: &Scope) -> bool {
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

    pub(super) fn pattern(
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
                                    "variable `{n}` is {have} where it is first bound, but this position holds {expected}"
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
                let items = items
                    .iter()
                    .zip(tys)
                    .map(|(i, t)| self.pattern(text, i, t, scope))
                    .collect::<Result<Vec<_>>>()?;
                self.tie_pair_pattern(text, e.at, tys, &items, scope)?;
                Ok(Pattern::Tuple(items))
            }
            _ => {
                let (code, ty) = self.expr(text, e, scope)?;
                self.expect(text, e, &ty, expected)?;
                Ok(Pattern::Const(self.eval_const(text, e.at, &code)?))
            }
        }
    }

    pub(super) fn expect(
        &self,
        text: &ExprText,
        e: &Expr,
        found: &Ty,
        expected: &Ty,
    ) -> Result<()> {
        if found.compatible(expected) {
            Ok(())
        } else {
            Err(self.type_error(text, e.at, format!("expected {expected}, found {found}")))
        }
    }

    pub(super) fn property(&self, name: &Spanned<String>, p: &RawProperty) -> Result<Property> {
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
            Ok(super::kept_calls::keep_calls(
                super::folding::fold_constants(code),
            ))
        };
        let kind = match p {
            RawProperty::Invariant(t) => PropertyKind::Invariant(predicate(t, &mut scope)?),
            RawProperty::Reachable(t) => PropertyKind::Reachable(predicate(t, &mut scope)?),
            RawProperty::DeadlockFree(t) => PropertyKind::DeadlockFree(
                t.as_ref().map(|t| predicate(t, &mut scope)).transpose()?,
            ),
            RawProperty::Ctl(_) | RawProperty::Ltl(_) => {
                return Err(self.error(
                    name.pos,
                    LoadErrorKind::Structure(
                        "a CTL or LTL property is not a state property".into(),
                    ),
                ));
            }
            RawProperty::Bound { place, max } => {
                let place = self.place_named(place)?;
                let m = self.const_int(max)?;
                let max = u64::try_from(m).map_err(|_| {
                    self.type_error(max, 0, format!("a bound is at least 0, not {m}"))
                })?;
                PropertyKind::Bound {
                    places: vec![place],
                    max,
                }
            }
        };
        let formula = match p {
            RawProperty::Invariant(text)
            | RawProperty::Reachable(text)
            | RawProperty::DeadlockFree(Some(text)) => {
                let mut scope = Scope {
                    places: true,
                    ..Scope::default()
                };
                let e = self.parse(text)?;
                let formula = self.formula(text, &e, &mut scope)?;
                Some((formula, scope.vars.len()))
            }
            _ => None,
        };
        Ok(Property {
            name: name.value.clone(),
            pos: name.pos,
            kind,
            slots: scope.vars.len(),
            formula,
        })
    }
}

/// The conjuncts of `a && b && ...` as written (an expression that is not a
/// conjunction is its own only conjunct).
fn conjuncts(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Binary(BinOp::And, a, b) => {
            let mut all = conjuncts(a);
            all.extend(conjuncts(b));
            all
        }
        _ => vec![e],
    }
}
