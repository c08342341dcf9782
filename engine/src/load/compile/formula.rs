//! The boolean skeleton of an invariant or a goal, for explaining a
//! violation and locating a failed evaluation.

use super::*;
use crate::net::explain::{Formula, FormulaKind};

impl Compiler<'_> {
    /// Compiles `e` (already type-checked as a property) into a [`Formula`]:
    /// quantifiers and boolean connectives keep their shape and text, other
    /// parts become atoms. Quantifiers scope their variables by
    /// [`Compiler::quantified`], as in the property's code. An atom's
    /// readings are compiled again in the same scope and take slots of their
    /// own, so the formula's slot count is the scope's after it is compiled.
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
                let (p, pat, body) = self.quantified(text, place, pattern, scope, |scope| {
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
                    place_name: place.name.clone(),
                    pattern_text,
                    pattern: pat,
                    body: boxed(body),
                }
            }
            _ => FormulaKind::Atom {
                code: self.bool_expr(text, e, scope)?,
                readings: self.readings(text, e, scope)?,
            },
        };
        Ok(Formula {
            text: source,
            pos: text.pos_of(e.span.start),
            kind,
        })
    }

    /// The token counts and sums `atom` reads outside its own quantifiers
    /// (whose variables an explanation does not bind), each with its text,
    /// once per text, in the order written.
    fn readings(
        &self,
        text: &ExprText,
        atom: &Expr,
        scope: &mut Scope,
    ) -> Result<Vec<(String, Code)>> {
        fn collect<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
            match &e.kind {
                ExprKind::Call(f, _) if f == "count" => out.push(e),
                ExprKind::Sum { .. } => out.push(e),
                ExprKind::Quantifier { .. } => {}
                _ => e.children().into_iter().for_each(|c| collect(c, out)),
            }
        }
        let mut found = Vec::new();
        collect(atom, &mut found);
        let mut readings: Vec<(String, Code)> = Vec::new();
        for e in found {
            let source = text.text.get(e.span.clone()).unwrap_or_default();
            let source = source.split_whitespace().collect::<Vec<_>>().join(" ");
            if readings.iter().all(|(seen, _)| *seen != source) {
                readings.push((source, self.int_expr(text, e, scope)?));
            }
        }
        Ok(readings)
    }
}
