//! Compiles `ctl:` and `ltl:` properties and the `fairness:` section.

use super::*;
use crate::temporal::formula::{RawAtom, parse_formula};
use crate::temporal::{Atom, Fairness, Logic, Strength, TemporalProperty};

impl Compiler<'_> {
    /// A CTL or LTL property: its formula parsed, its atoms resolved and type-checked.
    pub(super) fn temporal(
        &self,
        name: &Spanned<String>,
        text: &ExprText,
        logic: Logic,
        transitions: &[Transition],
    ) -> Result<TemporalProperty> {
        let raw = parse_formula(&text.text, logic)
            .map_err(|e| self.err_at(text, e.at, LoadErrorKind::Expression(e.message)))?;
        let mut atoms = Vec::new();
        let formula = raw.map_atoms(&mut |atom: &RawAtom| -> Result<usize> {
            atoms.push(self.atom(&name.value, text, atom, transitions)?);
            Ok(atoms.len() - 1)
        })?;
        Ok(TemporalProperty {
            name: name.value.clone(),
            pos: name.pos,
            logic,
            text: text.text.clone(),
            formula,
            atoms,
        })
    }

    /// An atom of property `property`, resolved and type-checked.
    fn atom(
        &self,
        property: &str,
        text: &ExprText,
        atom: &RawAtom,
        transitions: &[Transition],
    ) -> Result<Atom> {
        match atom {
            RawAtom::State { expr, offset } => {
                let mut scope = Scope {
                    places: true,
                    ..Scope::default()
                };
                let text = sub_text(text, *offset);
                let code = self.predicate(&text, expr, &mut scope)?;
                Ok(Atom::State {
                    code,
                    slots: scope.vars.len(),
                    property: property.to_string(),
                    pos: text.pos_of(expr.at),
                })
            }
            RawAtom::Transition {
                fired,
                name,
                at,
                condition,
            } => {
                let transition = transitions
                    .iter()
                    .position(|t| &t.name == name)
                    .ok_or_else(|| {
                        self.not_a_transition(
                            text.pos_of(*at),
                            name,
                            transitions.iter().map(|t| t.name.as_str()),
                        )
                    })?;
                let (condition, pos) = match condition {
                    None => (None, text.pos_of(*at)),
                    Some((expr, offset)) => {
                        // Over the binding and the marking it fires in.
                        let mut scope = Scope {
                            vars: transitions[transition].vars.clone(),
                            ties: self.ties_of(&transitions[transition]),
                            places: true,
                            ..Scope::default()
                        };
                        let text = sub_text(text, *offset);
                        let code = self.predicate(&text, expr, &mut scope)?;
                        (Some((code, scope.vars.len())), text.pos_of(expr.at))
                    }
                };
                Ok(Atom::Transition {
                    fired: *fired,
                    transition,
                    condition,
                    property: property.to_string(),
                    pos,
                })
            }
        }
    }

    fn predicate(
        &self,
        text: &ExprText,
        expr: &Expr,
        scope: &mut Scope,
    ) -> Result<crate::net::code::Code> {
        let (code, ty) = self.expr(text, expr, scope)?;
        if ty != Ty::Bool {
            return Err(self.type_error(
                text,
                expr.at,
                format!("an atomic proposition is a boolean, not {ty}"),
            ));
        }
        Ok(super::folding::fold_constants(code))
    }

    /// The `fairness:` section: one assumption per listed transition.
    pub(super) fn fairness(
        &self,
        entries: &[(Spanned<String>, Spanned<String>)],
        transitions: &[Transition],
    ) -> Result<Vec<Fairness>> {
        entries
            .iter()
            .map(|(name, kind)| {
                let transition = transitions
                    .iter()
                    .position(|t| t.name == name.value)
                    .ok_or_else(|| {
                        self.not_a_transition(
                            name.pos,
                            &name.value,
                            transitions.iter().map(|t| t.name.as_str()),
                        )
                    })?;
                let (strength, per_binding) = match kind.value.as_str() {
                    "weak" => (Strength::Weak, false),
                    "strong" => (Strength::Strong, false),
                    "weak-per-binding" => (Strength::Weak, true),
                    "strong-per-binding" => (Strength::Strong, true),
                    other => {
                        return Err(self.error(
                            kind.pos,
                            LoadErrorKind::Structure(format!(
                                "unknown fairness `{other}`: write weak, strong, weak-per-binding or strong-per-binding"
                            )),
                        ));
                    }
                };
                Ok(Fairness {
                    transition,
                    strength,
                    per_binding,
                })
            })
            .collect()
    }
}

/// The part of `text` from byte `offset` on, positioned in the file.
fn sub_text(text: &ExprText, offset: usize) -> ExprText {
    let mut runs = vec![(0, text.pos_of(offset))];
    runs.extend(
        text.runs
            .iter()
            .filter(|(start, _)| *start > offset)
            .map(|(start, pos)| (start - offset, *pos)),
    );
    ExprText {
        text: text.text.get(offset..).unwrap_or_default().to_string(),
        pos: text.pos_of(offset),
        runs,
        span: None,
    }
}
