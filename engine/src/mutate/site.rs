//! What the operators share: the net in its three forms (text, raw tree,
//! compiled net), the constants of each enumeration, and the list of mutants
//! being built.

use std::collections::HashMap;
use std::ops::Range;

use super::{Edit, Mutant, Operator};
use crate::load::raw::{ExprText, RawNet, RawType};
use crate::load::source::Source;
use crate::net::model::Net;
use crate::net::types::Ty;

/// The net being mutated and the mutants found so far.
pub(super) struct Context<'a> {
    /// The file.
    pub source: &'a Source,
    /// The compiled net (types of places and variables).
    pub net: &'a Net,
    /// Every enumeration constant, with all the constants of its enumeration.
    constants: HashMap<String, Vec<String>>,
    mutants: Vec<Mutant>,
}

impl<'a> Context<'a> {
    /// A context for the net in `source`, read as `raw` and compiled as `net`.
    pub fn new(source: &'a Source, raw: &RawNet, net: &'a Net) -> Self {
        let mut constants = HashMap::new();
        let mut add = |names: Vec<String>| {
            for n in &names {
                constants.insert(n.clone(), names.clone());
            }
        };
        for (_, ty) in &raw.types {
            if let RawType::Enum(names) = ty {
                add(names.iter().map(|n| n.value.clone()).collect());
            }
        }
        // Indexed enumerations (`u1 .. uN`) exist only once compiled.
        let mut tys: Vec<&Ty> = net.places.iter().map(|p| &p.ty).collect();
        tys.extend(
            net.transitions
                .iter()
                .flat_map(|t| t.vars.iter().map(|v| &v.ty)),
        );
        while let Some(ty) = tys.pop() {
            match ty {
                Ty::Enum(e) => add(e.constants.iter().map(|c| c.to_string()).collect()),
                Ty::Tuple(_, items) => tys.extend(items),
                _ => {}
            }
        }
        Context {
            source,
            net,
            constants,
            mutants: Vec::new(),
        }
    }

    /// The constant after `name` in its enumeration (the first after the
    /// last), if `name` is a constant of an enumeration of two or more.
    /// One replacement per constant keeps the mutants few.
    pub fn next_constant(&self, name: &str) -> Option<String> {
        let all = self.constants.get(name)?;
        let at = all.iter().position(|c| c == name)?;
        let next = &all[(at + 1) % all.len()];
        (next != name).then(|| next.clone())
    }

    /// Whether `name` is a parameter of the net.
    pub fn is_param(&self, name: &str) -> bool {
        self.net.params.iter().any(|(p, _)| p == name)
    }

    /// The type of the place called `name`.
    pub fn place_type(&self, name: &str) -> Option<&'a Ty> {
        self.net.place_id(name).map(|id| &self.net.places[id].ty)
    }

    /// The bytes of the file that bytes `range` of an expression's text were
    /// read from, if they are known and hold exactly that text (a scalar with
    /// escapes or folded lines cannot be edited piecewise).
    pub fn file_range(&self, text: &ExprText, range: Range<usize>) -> Option<Range<usize>> {
        let start = self.source.offset(text.pos_of(range.start))?;
        let end = self.source.offset(text.pos_of(range.end))?;
        let written = self.source.text().get(start..end)?;
        (written == text.text.get(range)?).then_some(start..end)
    }

    /// The bytes of the file that the scalar of `text` occupies (quotes,
    /// block indicator and folded lines included, trailing line breaks and
    /// spaces left out), if they are known.
    pub fn scalar_range(&self, text: &ExprText) -> Option<Range<usize>> {
        let file = self.source.text();
        let span = match text.span.clone() {
            Some(span) => span,
            // A block scalar's text ends with a line break past its last line.
            None => {
                let start = self.source.offset(text.pos)?;
                start
                    ..self
                        .source
                        .offset(text.pos_of(text.text.trim_end().len()))?
            }
        };
        let end = span.start + file.get(span.clone())?.trim_end().len();
        let start = block_indicator(file, span.start).unwrap_or(span.start);
        (end > start).then_some(start..end)
    }

    /// Records a mutant: `edit` within `unit` (the guard, arc item or arc it
    /// changes, shown as original and mutated text; an edit that covers
    /// `unit` shows as the replacement alone), located at byte `at` (what it
    /// changes, e.g. the conjunct it drops, not the separator before it); its
    /// id is `operator@site` followed by `:change` when `change` is not empty.
    pub fn push(
        &mut self,
        operator: Operator,
        site: String,
        (unit, at): (Range<usize>, usize),
        edit: Edit,
        change: &str,
    ) {
        let text = self.source.text();
        let original = &text[unit.clone()];
        let mutated = if edit.range.start <= unit.start && unit.end <= edit.range.end {
            edit.text.clone()
        } else {
            format!(
                "{}{}{}",
                &text[unit.start..edit.range.start],
                edit.text,
                &text[edit.range.end..unit.end]
            )
        };
        let id = if change.is_empty() {
            format!("{}@{site}", operator.name())
        } else {
            format!("{}@{site}:{}", operator.name(), collapse(change))
        };
        let pos = self.source.pos_at(at);
        self.mutants.push(Mutant {
            id,
            operator,
            site,
            line: pos.line,
            column: pos.col,
            original: collapse(original),
            mutated: collapse(&mutated),
            edit,
        });
    }

    /// The mutants recorded.
    pub fn finish(self) -> Vec<Mutant> {
        self.mutants
    }
}

/// `text` with every run of white space (line breaks included) made one space.
pub(super) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The edit that removes element `index` of a list whose elements occupy
/// the byte ranges `elements`, in a flow (`[a, b]`, `{a: x, b: y}`) or a
/// block (`- a` lines, `a: x` lines) collection: from the end of the
/// previous element to the end of this one, or for the first element, from
/// its start to the start of the next, so separators and indentation stay
/// right.
pub(super) fn remove_element(elements: &[Range<usize>], index: usize) -> Edit {
    let range = match index {
        0 if elements.len() > 1 => elements[0].start..elements[1].start,
        0 => elements[0].clone(),
        i => elements[i - 1].end..elements[i].end,
    };
    Edit {
        range,
        text: String::new(),
    }
}

/// Where the indicator (`|`, `>-`, `>2`, ...) of the block scalar whose
/// content starts at byte `content` is, if the scalar is one: the last word
/// before its content, a comment after it left out. A comment line there
/// means no indicator (a block's header is the line just above its content).
fn block_indicator(file: &str, content: usize) -> Option<usize> {
    let before = file.get(..content)?.trim_end();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = &before[line_start..];
    let code = &line[..comment_start(line)].trim_end();
    let word_start = code.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let word = &code[word_start..];
    let is_indicator = word.starts_with(['|', '>'])
        && word
            .chars()
            .all(|c| matches!(c, '|' | '>' | '+' | '-' | '0'..='9'));
    is_indicator.then_some(line_start + word_start)
}

/// Where the comment of a YAML line starts (a `#` at the line's start or
/// after a space or tab), or its length if it has none.
fn comment_start(line: &str) -> usize {
    let bytes = line.as_bytes();
    (0..bytes.len())
        .find(|&i| bytes[i] == b'#' && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t')))
        .unwrap_or(line.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The indicator of `file`'s block, whose content starts at `marker`.
    fn indicator(file: &str, marker: &str) -> Option<usize> {
        block_indicator(file, file.find(marker).expect("the content"))
    }

    #[test]
    fn a_block_indicator_is_found_before_its_content_and_not_in_a_comment() {
        let file = "guard: |\t# a tab, then a comment\n  x > 1\n";
        assert_eq!(indicator(file, "x > 1"), Some(7));
        let file = "guard: >-  # folded\n  x > 1\n";
        assert_eq!(indicator(file, "x > 1"), Some(7));
        // A comment line just above a quoted scalar is no header, whatever its
        // last word.
        let file = "    q:\n# shifted by one >\n      \"x \\x2b 1\"\n";
        assert_eq!(indicator(file, "\"x"), None);
        let file = "    q:\n      # must be |\n      \"x\"\n";
        assert_eq!(indicator(file, "\"x\""), None);
        assert_eq!(comment_start("a#b # c"), 4);
        assert_eq!(comment_start("no comment"), 10);
    }
}
