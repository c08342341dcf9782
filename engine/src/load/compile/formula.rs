//! The boolean skeleton of an invariant or a goal, for explaining a
//! violation and locating a failed evaluation.

use super::*;
use crate::net::explain::{Formula, FormulaKind};

impl Compiler<'_> {
    /// Compiles `e` (already type-checked as a property) into a [`Formula`]:
    /// quantifiers and boolean connectives keep their shape and text, other
    /// parts become atoms. Quantifiers scope their variables by
    /// [`Compiler::quantified`], as in the property's code, so slots bind alike.
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
                let (p, pat, body) =
                    self.quantified(text, e.at, place, pattern, scope, |scope| {
                        self.formula(text, body, scope)
                    })?;
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
                    body: boxed(body),
                }
            }
            _ => FormulaKind::Atom(self.bool_expr(text, e, scope)?),
        };
        Ok(Formula {
            text: source,
            pos: text.pos_of(e.span.start),
            kind,
        })
    }
}
