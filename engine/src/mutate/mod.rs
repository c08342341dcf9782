//! Mutation testing of nets: small, plausible faults written into a net's
//! text, each checked against the net's own properties.
//!
//! A *mutant* is the net file with exactly one [`Edit`]: a byte range of the
//! file replaced by other text. Each mutant therefore has a file position, the
//! original and the mutated text, and can be written out as a loadable YAML
//! file ([`Mutant::file_text`]). Its id names the operator, the place in the
//! net (transition and arc, not a line number, so that an edit elsewhere in
//! the file does not change it) and the replacement, so results and the list
//! of equivalent mutants survive unrelated edits.
//!
//! The operators ([`Operator`]) are those that make sense for coloured nets:
//! drop a guard conjunct, negate a comparison, replace a variable of an
//! output arc by another of the same type, drop an input or output arc (or
//! one item of an arc that has several), redirect an output arc to another
//! place of the same type, and replace a constant by another of its type.
//! They are typed with the compiled net (variable and place types), so that
//! most mutants load; those that do not are counted as invalid, not killed.
//!
//! [`generate`] lists the mutants of a net; [`check_mutant`] explores one and
//! says whether a property kills it; [`Equivalents`] reads the file that
//! documents the mutants that cannot be killed because they do not change
//! the net's behaviour.

mod arcs;
mod equivalents;
mod expressions;
mod run;
mod site;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;

use crate::load::error::LoadError;
use crate::load::source::{Pos, Source};
use crate::load::{load_net_str, read_raw};
use crate::net::functions::FunctionLibrary;

pub use equivalents::{Equivalent, Equivalents, EquivalentsError};
pub use run::{
    Configuration, Judgement, Limits, OriginalError, Verdict, check_mutant, check_mutant_under,
    check_original,
};

/// The mutation operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operator {
    /// Removes one conjunct of a conjunction in a guard; a guard that is not a
    /// conjunction becomes `true`.
    DropGuardConjunct,
    /// Replaces a comparison by its negation (`<` by `>=`, `==` by `!=`, ...)
    /// in a guard or an output arc.
    NegateComparison,
    /// Replaces a variable in an output arc by another variable of the
    /// transition that has the same type.
    ReplaceVariable,
    /// Removes an input arc, or one item of an input arc that has several.
    DropInputArc,
    /// Removes an output arc, or one item of an output arc that has several.
    DropOutputArc,
    /// Sends an output arc to another place of the same type (one that the
    /// transition does not already put tokens in).
    RedirectOutputArc,
    /// Replaces a constant by another of its type: an enumeration constant by
    /// the next constant of its enumeration (cyclically), `true` by `false`,
    /// an integer `n` by `n - 1` and `n + 1`; in guards, arcs, and the
    /// initial marking of places some transition takes tokens from.
    ReplaceConstant,
}

impl Operator {
    /// Every operator, in report order.
    pub const ALL: [Operator; 7] = [
        Operator::DropGuardConjunct,
        Operator::NegateComparison,
        Operator::ReplaceVariable,
        Operator::DropInputArc,
        Operator::DropOutputArc,
        Operator::RedirectOutputArc,
        Operator::ReplaceConstant,
    ];

    /// The operator's name in ids and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Operator::DropGuardConjunct => "drop-guard-conjunct",
            Operator::NegateComparison => "negate-comparison",
            Operator::ReplaceVariable => "replace-variable",
            Operator::DropInputArc => "drop-input-arc",
            Operator::DropOutputArc => "drop-output-arc",
            Operator::RedirectOutputArc => "redirect-output-arc",
            Operator::ReplaceConstant => "replace-constant",
        }
    }

    /// The operator called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|op| op.name() == name)
    }
}

/// One replacement in a net file's text: the bytes `range` become `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The replaced bytes of the file.
    pub range: Range<usize>,
    /// What replaces them.
    pub text: String,
}

/// A mutant: one edit of a net file, with what it changes and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mutant {
    /// Stable id: `operator@site:change`, e.g.
    /// `negate-comparison@upload.guard:n < versions -> n >= versions`.
    pub id: String,
    /// The operator that made it.
    pub operator: Operator,
    /// Where in the net: `T.guard`, `T.in.P`, `T.out.P[1]` (item 1 of the
    /// arc from transition `T` to place `P`), `P.init[0]`.
    pub site: String,
    /// The line of the file where the edit starts.
    pub line: usize,
    /// The column (in characters, from 1) where the edit starts.
    pub column: usize,
    /// The enclosing guard, arc item or arc as written, spaces collapsed.
    pub original: String,
    /// The same text after the edit (empty when the edit removes it all).
    pub mutated: String,
    /// The edit itself.
    #[serde(skip)]
    pub edit: Edit,
}

impl Mutant {
    /// The file position where the edit starts.
    pub fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: self.column,
        }
    }

    /// The net's text with this mutant's edit applied.
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + self.edit.text.len());
        out.push_str(&text[..self.edit.range.start]);
        out.push_str(&self.edit.text);
        out.push_str(&text[self.edit.range.end..]);
        out
    }

    /// The mutant as a net file: a comment header saying what was mutated
    /// (id, position in the original file, original and mutated text), then
    /// the mutated net.
    pub fn file_text(&self, source: &Source) -> String {
        let header = format!(
            "# Mutant {}\n# of {}:{}:{} ({}).\n# original: {}\n# mutated:  {}\n",
            self.id,
            source.path().display(),
            self.line,
            self.column,
            self.operator.name(),
            one_line(&self.original),
            if self.mutated.is_empty() {
                "(removed)".to_string()
            } else {
                one_line(&self.mutated)
            },
        );
        header + &self.apply(source.text())
    }
}

/// Text on one line: line breaks become `\n`, so a header comment stays a comment.
fn one_line(text: &str) -> String {
    text.replace('\r', "\\r").replace('\n', "\\n")
}

/// Why mutants could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum MutateError {
    /// The net itself does not load.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// The mutants of the net in `source` (loaded with the parameter `overrides`
/// and the functions of `library`), in file order: by the position of their
/// edit, then by operator. Mutants whose text equals an earlier mutant's are
/// left out; ids are unique (a repeated id gets `#2`, `#3`, ...).
pub fn generate(
    source: &Source,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
) -> Result<Vec<Mutant>, MutateError> {
    let raw = read_raw(source)?;
    let net = load_net_str(source, overrides, library)?;
    let mut ctx = site::Context::new(source, &raw, &net);
    for ((name, raw_t), t) in raw.transitions.iter().zip(&net.transitions) {
        if let Some(guard) = &raw_t.guard {
            expressions::guard(&mut ctx, &name.value, guard, t);
        }
        for (place, items) in &raw_t.inputs {
            for (i, item) in items.iter().enumerate() {
                expressions::input_item(&mut ctx, &name.value, &place.value, i, item, t);
            }
        }
        for (place, items) in &raw_t.outputs {
            for (i, item) in items.iter().enumerate() {
                expressions::output_item(&mut ctx, &name.value, &place.value, i, item, t);
            }
        }
        arcs::transition(&mut ctx, &name.value, raw_t);
    }
    let read_places: HashSet<&str> = raw
        .transitions
        .iter()
        .flat_map(|(_, t)| t.inputs.iter().map(|(p, _)| p.value.as_str()))
        .collect();
    for (name, place) in &raw.places {
        if read_places.contains(name.value.as_str()) {
            for (i, item) in place.init.iter().enumerate() {
                expressions::init_item(&mut ctx, &name.value, i, item);
            }
        }
    }
    let mut mutants = ctx.finish();
    mutants.sort_by(|a, b| {
        (a.edit.range.start, a.operator, &a.id).cmp(&(b.edit.range.start, b.operator, &b.id))
    });
    let mut mutants = without_repeated_texts(mutants, source.text());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in &mut mutants {
        let n = seen.entry(m.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            m.id = format!("{}#{n}", m.id);
        }
    }
    Ok(mutants)
}

/// `mutants` without those whose text equals an earlier one's. Texts are
/// compared by a hash of their three pieces first and made whole only when
/// two hashes meet: keeping every text made memory grow as mutants times
/// file size (a net of 500 places has 250,000 mutants).
fn without_repeated_texts(mutants: Vec<Mutant>, text: &str) -> Vec<Mutant> {
    let hash_of = |m: &Mutant| {
        use std::hash::Hasher;
        let mut hasher = std::hash::DefaultHasher::new();
        let edited = [
            &text[..m.edit.range.start],
            m.edit.text.as_str(),
            &text[m.edit.range.end..],
        ];
        for piece in edited {
            hasher.write(piece.as_bytes());
        }
        hasher.finish()
    };
    let mut kept: Vec<Mutant> = Vec::with_capacity(mutants.len());
    let mut by_hash: HashMap<u64, Vec<usize>> = HashMap::new();
    for m in mutants {
        let same_hash = by_hash.entry(hash_of(&m)).or_default();
        let mutated = || m.apply(text);
        if same_hash.iter().any(|&k| kept[k].apply(text) == mutated()) {
            continue;
        }
        same_hash.push(kept.len());
        kept.push(m);
    }
    kept
}

#[cfg(test)]
mod tests;
