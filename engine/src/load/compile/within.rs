//! Types symmetric within another (`Seat: { range: [1, 2], symmetric: {
//! within: Role } }`): the reduction permutes the seats separately for each
//! role, acting on the pairs `(role, seat)`. That is a symmetry of the net
//! only if a seat never leaves its pair, so these checks refuse, with their
//! position:
//! - a type, place or function that holds a seat outside a `(Role, Seat)`
//!   pair (a place of seats, a tuple `(Seat, Role)` or `(Seat, Patient)`);
//! - a pattern that binds a seat without binding its role to a variable, or
//!   that matches a known seat with a role it was not bound with;
//! - an expression that uses a seat variable other than as `(role, seat)`
//!   with the role it was bound with, or takes a seat out of a pair (`u.1`).
//!
//! Comparing whole pairs (`u == (role, seat)`) is allowed: two pairs are
//! equal exactly when their images under a permutation per role are.

use super::*;

impl Compiler<'_> {
    /// Records every `symmetric: { within: R }` declaration, once the types
    /// are resolved: `R` must be a plain (not symmetric) enumeration.
    pub(super) fn declare_within(&mut self, raw: &RawNet) -> Result<()> {
        for decl in &raw.symmetric {
            let Some(within) = &decl.within else {
                continue;
            };
            let outer = match self.types.get(&within.value) {
                Some(Ty::Enum(e)) if !e.symmetric && e.name != decl.name.value => e.clone(),
                Some(_) => {
                    return Err(self.error(
                        within.pos,
                        LoadErrorKind::Type(format!(
                            "`{}` is symmetric within `{}`, which must be an enumeration that is not itself symmetric",
                            decl.name.value, within.value
                        )),
                    ));
                }
                None => return Err(self.unknown_type(raw, within)),
            };
            self.within.insert(decl.name.value.clone(), outer);
        }
        Ok(())
    }

    /// The enumeration `ty` is symmetric within, if it is such a type.
    pub(super) fn within_of(&self, ty: &Ty) -> Option<&Arc<EnumType>> {
        match ty {
            Ty::Enum(e) => self.within.get(&e.name),
            _ => None,
        }
    }

    /// Refuses a type or function signature that holds a value of a type
    /// symmetric within another outside a pair with it.
    pub(super) fn check_pairs_in_types(&self, raw: &RawNet) -> Result<()> {
        for (name, _) in &raw.types {
            if let Some(ty @ Ty::Tuple(..)) = self.types.get(&name.value) {
                self.pairs_only(ty, name.pos, &format!("type `{}`", name.value))?;
            }
        }
        for (name, f) in &raw.functions {
            for ty in f.args.iter().chain([&f.returns]) {
                if let Ok(ty) = self.type_named(ty) {
                    self.pairs_only(&ty, name.pos, &format!("function `{}`", name.value))?;
                }
            }
        }
        Ok(())
    }

    /// Refuses a place whose tokens hold a value of a type symmetric within
    /// another outside a pair with it.
    pub(super) fn check_pairs_in_places(&self) -> Result<()> {
        for place in &self.places {
            self.pairs_only(&place.ty, place.pos, &format!("place `{}`", place.name))?;
        }
        Ok(())
    }

    /// Refuses `ty` if it holds a value of a type symmetric within another
    /// anywhere but as the second component of a pair with that type.
    fn pairs_only(&self, ty: &Ty, pos: Pos, what: &str) -> Result<()> {
        match ty {
            Ty::Enum(e) => match self.within.get(&e.name) {
                Some(outer) => Err(self.error(
                    pos,
                    LoadErrorKind::Type(format!(
                        "{what} holds a {seat} outside a ({role}, {seat}) pair: {seat} is symmetric within {role}, so its values must stay paired with their {role}",
                        seat = e.name,
                        role = outer.name
                    )),
                )),
                None => Ok(()),
            },
            Ty::Tuple(_, items) => {
                if let [Ty::Enum(role), Ty::Enum(seat)] = items.as_slice()
                    && self.within.get(&seat.name).is_some_and(|r| r == role)
                {
                    return Ok(());
                }
                items.iter().try_for_each(|t| self.pairs_only(t, pos, what))
            }
            _ => Ok(()),
        }
    }

    /// Checks a pattern `(a, b)` matching a pair whose second component is
    /// symmetric within the first: `b` is `_`, or a fresh variable next to a
    /// role variable (it is then tied to that role), or a known seat next to
    /// the very role variable it is tied to.
    pub(super) fn tie_pair_pattern(
        &self,
        text: &ExprText,
        at: usize,
        tys: &[Ty],
        items: &[Pattern],
        scope: &mut Scope,
    ) -> Result<()> {
        let [_, seat_ty] = tys else {
            return Ok(());
        };
        let Some(outer) = self.within_of(seat_ty) else {
            return Ok(());
        };
        match items {
            [_, Pattern::Wild] => Ok(()),
            [Pattern::Bind(role) | Pattern::Check(role), Pattern::Bind(seat)] => {
                scope.ties.push((*seat, *role));
                Ok(())
            }
            [Pattern::Check(role), Pattern::Check(seat)] if scope.tie(*seat) == Some(*role) => {
                Ok(())
            }
            _ => Err(self.type_error(
                text,
                at,
                format!(
                    "this pattern must bind the {seat} next to a {role} variable, the one it was first bound with: {seat} is symmetric within {role}, so a {seat} is only used paired with its {role}",
                    seat = seat_ty,
                    role = outer.name
                ),
            )),
        }
    }

    /// The ties the input patterns of `transition` made between its seat
    /// and role variables, for an expression over its variables compiled
    /// later (a `fired(T, cond)` condition).
    pub(super) fn ties_of(&self, transition: &Transition) -> Vec<(usize, usize)> {
        let mut ties = Vec::new();
        for input in &transition.inputs {
            if let Matcher::Scan { pattern, .. } = &input.matcher {
                self.collect_ties(pattern, &transition.vars, &mut ties);
            }
        }
        ties
    }

    fn collect_ties(&self, pattern: &Pattern, vars: &[Variable], ties: &mut Vec<(usize, usize)>) {
        let Pattern::Tuple(items) = pattern else {
            return;
        };
        if let [
            Pattern::Bind(role) | Pattern::Check(role),
            Pattern::Bind(seat) | Pattern::Check(seat),
        ] = items.as_slice()
            && vars
                .get(*seat)
                .is_some_and(|v| self.within_of(&v.ty).is_some())
        {
            ties.push((*seat, *role));
        }
        for item in items {
            self.collect_ties(item, vars, ties);
        }
    }

    /// The pair `(role, seat)` written with the two variables a pattern
    /// bound together, if `items` is one.
    pub(super) fn tied_pair(&self, items: &[Expr], scope: &Scope) -> Option<(Code, Ty)> {
        let [
            Expr {
                kind: ExprKind::Name(role),
                ..
            },
            Expr {
                kind: ExprKind::Name(seat),
                ..
            },
        ] = items
        else {
            return None;
        };
        let (role, seat) = (scope.slot(role)?, scope.slot(seat)?);
        self.within_of(&scope.vars[seat].ty)?;
        (scope.tie(seat) == Some(role)).then(|| {
            (
                Code::Tuple(vec![Code::Var(role), Code::Var(seat)]),
                Ty::Tuple(
                    None,
                    vec![scope.vars[role].ty.clone(), scope.vars[seat].ty.clone()],
                ),
            )
        })
    }

    /// Refuses an expression of a type symmetric within another anywhere but
    /// in [`Self::tied_pair`].
    pub(super) fn not_a_loose_seat(
        &self,
        text: &ExprText,
        at: usize,
        what: &str,
        ty: &Ty,
    ) -> Result<()> {
        match self.within_of(ty) {
            Some(outer) => Err(self.type_error(
                text,
                at,
                format!(
                    "{what} is a {ty} on its own: {ty} is symmetric within {role}, so write it only as `({r}, {s})` with the {role} variable it was bound with",
                    role = outer.name,
                    r = outer.name.to_lowercase(),
                    s = ty.to_string().to_lowercase()
                ),
            )),
            None => Ok(()),
        }
    }
}
