//! Operators on arcs: drop an input or output arc (or one of its items), and
//! redirect an output arc to another place of the same type.

use std::ops::Range;

use super::site::{Context, remove_element};
use super::{Edit, Operator};
use crate::load::raw::{ExprText, RawTransition, Spanned};

/// The arc mutants of the transition `name`.
pub(super) fn transition(ctx: &mut Context<'_>, name: &str, t: &RawTransition) {
    drop_arcs(ctx, name, "in", &t.inputs, Operator::DropInputArc);
    drop_arcs(ctx, name, "out", &t.outputs, Operator::DropOutputArc);
    redirect(ctx, name, &t.outputs);
}

type Arc = (Spanned<String>, Vec<ExprText>);

/// The bytes of the place name `key` where it is written unquoted.
fn key_range(ctx: &Context<'_>, key: &Spanned<String>) -> Option<Range<usize>> {
    let start = ctx.source.offset(key.pos)?;
    let end = start + key.value.len();
    (ctx.source.text().get(start..end)? == key.value).then_some(start..end)
}

/// The bytes of an arc `place: items`, from the place name to its last item
/// (and the closing `]` of a `[...]` list).
fn arc_range(ctx: &Context<'_>, (key, items): &Arc) -> Option<Range<usize>> {
    let keys = key_range(ctx, key)?;
    let text = ctx.source.text();
    let first = items.first()?.span.clone()?;
    let last = items.last()?.span.clone()?;
    let mut end = last.end;
    if text.get(keys.end..first.start)?.contains('[') {
        let rest = &text[end..];
        let skip = rest.find(|c: char| !(c.is_whitespace() || c == ','))?;
        if !rest[skip..].starts_with(']') {
            return None;
        }
        end += skip + 1;
    }
    Some(keys.start..end)
}

/// Drops each arc of one side of a transition, and each item of an arc with
/// several.
fn drop_arcs(ctx: &mut Context<'_>, transition: &str, side: &str, arcs: &[Arc], op: Operator) {
    let ranges: Option<Vec<Range<usize>>> = arcs.iter().map(|a| arc_range(ctx, a)).collect();
    let Some(ranges) = ranges else {
        return;
    };
    for (i, (key, items)) in arcs.iter().enumerate() {
        let site = format!("{transition}.{side}.{}", key.value);
        let edit = remove_element(&ranges, i);
        let shown = (ranges[i].clone(), ranges[i].start);
        ctx.push(op, site.clone(), shown, edit, "");
        if items.len() < 2 {
            continue;
        }
        let item_ranges: Option<Vec<Range<usize>>> = items.iter().map(|t| t.span.clone()).collect();
        let Some(item_ranges) = item_ranges else {
            continue;
        };
        for j in 0..items.len() {
            let edit = remove_element(&item_ranges, j);
            let shown = (item_ranges[j].clone(), item_ranges[j].start);
            ctx.push(op, format!("{site}[{j}]"), shown, edit, "");
        }
    }
}

/// Sends each output arc to each other place of its type that the
/// transition does not already put tokens in.
fn redirect(ctx: &mut Context<'_>, transition: &str, arcs: &[Arc]) {
    for arc in arcs {
        let key = &arc.0;
        let (Some(keys), Some(ty)) = (key_range(ctx, key), ctx.place_type(&key.value)) else {
            continue;
        };
        let shown = arc_range(ctx, arc).unwrap_or_else(|| keys.clone());
        let targets: Vec<String> = ctx
            .net
            .places
            .iter()
            .filter(|p| &p.ty == ty && p.name != key.value)
            .filter(|p| !arcs.iter().any(|(k, _)| k.value == p.name))
            .map(|p| p.name.clone())
            .collect();
        for target in targets {
            let edit = Edit {
                range: keys.clone(),
                text: target.clone(),
            };
            ctx.push(
                Operator::RedirectOutputArc,
                format!("{transition}.out.{}", key.value),
                (shown.clone(), keys.start),
                edit,
                &format!("-> {target}"),
            );
        }
    }
}
