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
    let site = format!("{transition}.guard");
    let Some(at) = Spot::new(ctx, &site, text, &[]) else {
        return;
    };
    if is_and(&e) {
        drop_conjuncts(ctx, &at, &e);
    } else {
        let change = format!("{} -> true", &text.text[e.span.clone()]);
        at.replace(
            ctx,
            Operator::DropGuardConjunct,
            e.span.clone(),
            "true",
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
    /// Whether the file holds the text byte for byte, so that a mutant
    /// edits only the bytes it changes; otherwise (a block scalar, a scalar
    /// folded over lines or written with escapes) a mutant rewrites `unit`,
    /// the whole scalar, as one double-quoted line.
    piecewise: bool,
    vars: &'s [(String, Ty)],
}

fn item_spot<'s>(
    ctx: &Context<'_>,
    site: &'s str,
    text: &'s ExprText,
    vars: &'s [(String, Ty)],
) -> Option<(Spot<'s>, Expr)> {
    let item = parse_item(&text.text).ok()?;
    Some((Spot::new(ctx, site, text, vars)?, item.expr))
}

impl<'s> Spot<'s> {
    /// The expression `text` at `site`: edited piecewise where the file holds
    /// its text byte for byte, else as a whole scalar; none where the file
    /// bytes of the scalar are not known.
    fn new(
        ctx: &Context<'_>,
        site: &'s str,
        text: &'s ExprText,
        vars: &'s [(String, Ty)],
    ) -> Option<Self> {
        let (unit, piecewise) = match ctx.file_range(text, 0..text.text.len()) {
            Some(unit) => (unit, true),
            None => (ctx.scalar_range(text)?, false),
        };
        Some(Spot {
            site,
            text,
            unit,
            piecewise,
            vars,
        })
    }

    /// Records the mutant replacing bytes `range` of the expression by `new`,
    /// located where `range` starts.
    fn replace(
        &self,
        ctx: &mut Context<'_>,
        operator: Operator,
        range: Range<usize>,
        new: &str,
        change: &str,
    ) {
        let start = range.start;
        self.replace_at(ctx, operator, (range, start), new, change);
    }

    /// Records the mutant replacing bytes `range` of the expression by `new`,
    /// located at byte `at` of the expression (what it changes).
    fn replace_at(
        &self,
        ctx: &mut Context<'_>,
        operator: Operator,
        (range, at): (Range<usize>, usize),
        new: &str,
        change: &str,
    ) {
        let edit = if self.piecewise {
            let Some(file) = ctx.file_range(self.text, range) else {
                return;
            };
            super::Edit {
                range: file,
                text: new.to_string(),
            }
        } else {
            let old = &self.text.text;
            let mutated = format!("{}{new}{}", &old[..range.start], &old[range.end..]);
            super::Edit {
                range: self.unit.clone(),
                text: double_quoted(&mutated),
            }
        };
        let start = (ctx.source.offset(self.text.pos_of(at)))
            .filter(|&start| self.unit.contains(&start))
            .unwrap_or(self.unit.start);
        ctx.push(
            operator,
            self.site.to_string(),
            (self.unit.clone(), start),
            edit,
            change,
        );
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
        let ranges: Vec<Range<usize>> = parts.iter().map(|p| p.span.clone()).collect();
        for (i, part) in parts.iter().enumerate() {
            let edit = remove_element(&ranges, i);
            let change = at.show(part).to_string();
            at.replace_at(
                ctx,
                Operator::DropGuardConjunct,
                (edit.range, ranges[i].start),
                &edit.text,
                &change,
            );
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

/// `text` as a YAML double-quoted scalar on one line: `\`, `"` and control
/// characters escaped.
fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
