//! Operators inside expressions: drop a guard conjunct, negate a comparison,
//! replace a variable of an output arc, replace a constant.

use std::ops::Range;

use super::Operator;
use super::site::{Context, remove_element};
use crate::expr::ast::{BinOp, Expr, ExprKind};
use crate::expr::{parse_expr, parse_item};
use crate::load::raw::ExprText;
use crate::net::model::Transition;
use crate::net::types::Ty;

/// The mutants of transition `transition`'s guard `text`.
pub(super) fn guard(ctx: &mut Context<'_>, transition: &str, text: &ExprText, t: &Transition) {
    let Ok(e) = parse_expr(&text.text) else {
        return;
    };
    let Some(unit) = ctx.file_range(text, 0..text.text.len()) else {
        return;
    };
    let site = format!("{transition}.guard");
    let at = Spot {
        site: &site,
        text,
        unit,
        vars: &[],
    };
    if is_and(&e) {
        drop_conjuncts(ctx, &at, &e);
    } else if let Some(range) = ctx.file_range(text, e.span.clone()) {
        let edit = super::Edit {
            range,
            text: "true".into(),
        };
        let change = format!("{} -> true", &text.text[e.span.clone()]);
        let start = edit.range.start;
        ctx.push(
            Operator::DropGuardConjunct,
            site.clone(),
            (at.unit.clone(), start),
            edit,
            &change,
        );
    }
    negate_comparisons(ctx, &at, &e);
    replace_constants(ctx, &at, &e, &variables(t));
}

/// The mutants of item `index` of the input arc from `place` to `transition`.
pub(super) fn input_item(
    ctx: &mut Context<'_>,
    transition: &str,
    place: &str,
    index: usize,
    text: &ExprText,
    t: &Transition,
) {
    let site = format!("{transition}.in.{place}[{index}]");
    if let Some((at, e)) = item_spot(ctx, &site, text, &[]) {
        replace_constants(ctx, &at, &e, &variables(t));
    }
}

/// The mutants of item `index` of the output arc from `transition` to `place`.
pub(super) fn output_item(
    ctx: &mut Context<'_>,
    transition: &str,
    place: &str,
    index: usize,
    text: &ExprText,
    t: &Transition,
) {
    let site = format!("{transition}.out.{place}[{index}]");
    let vars: Vec<(String, Ty)> = t
        .vars
        .iter()
        .map(|v| (v.name.clone(), v.ty.clone()))
        .collect();
    if let Some((at, e)) = item_spot(ctx, &site, text, &vars) {
        negate_comparisons(ctx, &at, &e);
        replace_variables(ctx, &at, &e);
        replace_constants(ctx, &at, &e, &variables(t));
    }
}

/// The mutants of item `index` of the initial marking of `place`.
pub(super) fn init_item(ctx: &mut Context<'_>, place: &str, index: usize, text: &ExprText) {
    let site = format!("{place}.init[{index}]");
    if let Some((at, e)) = item_spot(ctx, &site, text, &[]) {
        replace_constants(ctx, &at, &e, &[]);
    }
}

/// An expression being mutated: its site, its text, the file bytes of that
/// text, and the variables (with types) an output arc may swap.
struct Spot<'s> {
    site: &'s str,
    text: &'s ExprText,
    unit: Range<usize>,
    vars: &'s [(String, Ty)],
}

fn item_spot<'s>(
    ctx: &Context<'_>,
    site: &'s str,
    text: &'s ExprText,
    vars: &'s [(String, Ty)],
) -> Option<(Spot<'s>, Expr)> {
    let item = parse_item(&text.text).ok()?;
    let unit = ctx.file_range(text, 0..text.text.len())?;
    Some((
        Spot {
            site,
            text,
            unit,
            vars,
        },
        item.expr,
    ))
}

impl Spot<'_> {
    /// Records the mutant replacing bytes `range` of the expression by `new`.
    fn replace(
        &self,
        ctx: &mut Context<'_>,
        operator: Operator,
        range: Range<usize>,
        new: &str,
        change: &str,
    ) {
        if let Some(file) = ctx.file_range(self.text, range) {
            let start = file.start;
            let edit = super::Edit {
                range: file,
                text: new.to_string(),
            };
            ctx.push(
                operator,
                self.site.to_string(),
                (self.unit.clone(), start),
                edit,
                change,
            );
        }
    }

    fn show(&self, e: &Expr) -> &str {
        &self.text.text[e.span.clone()]
    }
}

/// The names of `t`'s variables.
fn variables(t: &Transition) -> Vec<String> {
    t.vars.iter().map(|v| v.name.clone()).collect()
}

/// Every node of `e`, parents before children, left to right.
fn nodes(e: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(n) = stack.pop() {
        out.push(n);
        stack.extend(n.children().into_iter().rev());
    }
    out
}

fn is_and(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Binary(BinOp::And, _, _))
}

/// The conjuncts of a conjunction written without parentheses around its
/// inner `&&`s: `a && b && (c && d)` has three, the last being `(c && d)`.
fn conjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    if let ExprKind::Binary(BinOp::And, a, b) = &e.kind {
        for side in [a, b] {
            let bare = side.span.start == side_start(side) && is_and(side);
            if bare {
                conjuncts(side, out);
            } else {
                out.push(side);
            }
        }
    }
}

/// Where a binary node's text starts without parentheses of its own.
fn side_start(e: &Expr) -> usize {
    match &e.kind {
        ExprKind::Binary(_, a, _) => a.span.start,
        _ => e.span.start,
    }
}

/// Drops each conjunct of every conjunction in `e` (nested ones included).
fn drop_conjuncts(ctx: &mut Context<'_>, at: &Spot<'_>, e: &Expr) {
    if is_and(e) {
        let mut parts = Vec::new();
        conjuncts(e, &mut parts);
        let ranges: Option<Vec<Range<usize>>> = parts
            .iter()
            .map(|p| ctx.file_range(at.text, p.span.clone()))
            .collect();
        if let Some(ranges) = ranges {
            for (i, part) in parts.iter().enumerate() {
                let edit = remove_element(&ranges, i);
                let change = at.show(part).to_string();
                ctx.push(
                    Operator::DropGuardConjunct,
                    at.site.to_string(),
                    (at.unit.clone(), ranges[i].start),
                    edit,
                    &change,
                );
            }
        }
        for part in parts {
            drop_conjuncts(ctx, at, part);
        }
    } else {
        for child in e.children() {
            drop_conjuncts(ctx, at, child);
        }
    }
}

/// The comparison that holds exactly when `op` does not.
fn negation(op: BinOp) -> Option<(&'static str, &'static str)> {
    Some(match op {
        BinOp::Eq => ("==", "!="),
        BinOp::Ne => ("!=", "=="),
        BinOp::Lt => ("<", ">="),
        BinOp::Ge => (">=", "<"),
        BinOp::Le => ("<=", ">"),
        BinOp::Gt => (">", "<="),
        _ => return None,
    })
}

/// Negates each comparison in `e`.
fn negate_comparisons(ctx: &mut Context<'_>, at: &Spot<'_>, e: &Expr) {
    for node in nodes(e) {
        let ExprKind::Binary(op, a, b) = &node.kind else {
            continue;
        };
        let Some((symbol, negated)) = negation(*op) else {
            continue;
        };
        let between = &at.text.text[a.span.end..b.span.start];
        let Some(offset) = between.find(symbol) else {
            continue;
        };
        let start = a.span.end + offset;
        let change = format!(
            "{} -> {}{negated}{}",
            at.show(node),
            &at.text.text[node.span.start..start],
            &at.text.text[start + symbol.len()..node.span.end]
        );
        at.replace(
            ctx,
            Operator::NegateComparison,
            start..start + symbol.len(),
            negated,
            &change,
        );
    }
}

/// Replaces each variable of `e` by each other variable of the same type.
fn replace_variables(ctx: &mut Context<'_>, at: &Spot<'_>, e: &Expr) {
    for node in nodes(e) {
        let ExprKind::Name(name) = &node.kind else {
            continue;
        };
        let Some((_, ty)) = at.vars.iter().find(|(v, _)| v == name) else {
            continue;
        };
        for (other, _) in at.vars.iter().filter(|(v, t)| v != name && t == ty) {
            at.replace(
                ctx,
                Operator::ReplaceVariable,
                node.span.clone(),
                other,
                &format!("{name} -> {other}"),
            );
        }
    }
}

/// Replaces each constant of `e`: an enumeration constant (a name not among
/// `variables`) by the next constant of its enumeration, a boolean by its
/// negation, an integer `n` by `n - 1` and `n + 1`.
fn replace_constants(ctx: &mut Context<'_>, at: &Spot<'_>, e: &Expr, variables: &[String]) {
    for node in nodes(e) {
        let old = at.show(node).to_string();
        let news: Vec<String> = match &node.kind {
            ExprKind::Bool(b) => vec![(!b).to_string()],
            ExprKind::Int(i) => [i.checked_sub(1), i.checked_add(1)]
                .into_iter()
                .flatten()
                .map(|n| n.to_string())
                .collect(),
            ExprKind::Name(name) if !variables.contains(name) && !ctx.is_param(name) => {
                ctx.next_constant(name).into_iter().collect()
            }
            _ => Vec::new(),
        };
        for new in news {
            at.replace(
                ctx,
                Operator::ReplaceConstant,
                node.span.clone(),
                &new,
                &format!("{old} -> {new}"),
            );
        }
    }
}
