//! The boolean skeleton of an invariant, for explaining its violations.

use super::*;
use crate::net::explain::{Formula, FormulaKind};

impl Compiler<'_> {
    /// Compiles `e` (already type-checked as a property) into a [`Formula`]:
    /// quantifiers and boolean connectives keep their shape and text, other
    /// parts become atoms. Scoping follows [`Compiler::expr`], so slots bind
    /// as in the property's code.
    pub(super) fn formula(&self, text: &ExprText, e: &Expr, scope: &mut Scope) -> Result<Formula> {
        let source = text.text.get(e.span.clone()).unwrap_or(&text.text);
        let source = source.split_whitespace().collect::<Vec<_>>().join(" ");
        let boxed = |f: Formula| Box::new(f);
        let kind = match &e.kind {
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or | BinOp::Implies), a, b) => {
                let a = boxed(self.formula(text, a, scope)?);
                let b = boxed(self.formula(text, b, scope)?);
                match op {
                    BinOp::And => FormulaKind::And(a, b),
                    BinOp::Or => FormulaKind::Or(a, b),
                    _ => FormulaKind::Implies(a, b),
                }
            }
            ExprKind::Unary(UnOp::Not, a) => FormulaKind::Not(boxed(self.formula(text, a, scope)?)),
            ExprKind::Quantifier {
                kind,
                pattern,
                place,
                body,
            } => {
                let p = self.readable_place(text, e.at, place, scope)?;
                let depth = scope.vars.len();
                let outer: Vec<String> = scope.vars.iter().map(|v| v.name.clone()).collect();
                let pat =
                    self.quantifier_pattern(text, pattern, &self.places[p].ty.clone(), scope)?;
                let body = self.formula(text, body, scope);
                for (v, name) in scope.vars.iter_mut().zip(outer) {
                    v.name = name;
                }
                for v in &mut scope.vars[depth..] {
                    v.name = format!("{} (out of scope)", v.name);
                }
                let pattern_text = text
                    .text
                    .get(pattern.span.clone())
                    .unwrap_or("")
                    .to_string();
                FormulaKind::Quantifier {
                    forall: *kind == Quantifier::Forall,
                    place: p,
                    place_name: place.clone(),
                    pattern_text,
                    pattern: pat,
                    body: boxed(body?),
                }
            }
            _ => FormulaKind::Atom(self.bool_expr(text, e, scope)?),
        };
        Ok(Formula { text: source, kind })
    }
}
