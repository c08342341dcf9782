//! The net file as written: names, texts and positions, before resolution.

use std::ops::Range;

use crate::load::source::Pos;

/// A value with the position where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it starts in the file.
    pub pos: Pos,
}

/// The text of an expression and where its first character is.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprText {
    /// The expression as written.
    pub text: String,
    /// The position of its first character.
    pub pos: Pos,
    /// Where the parts of `text` were written: `(byte offset in text, file
    /// position)`, in order, each part's characters written one a column
    /// from its position on. A part is a line of a scalar written over
    /// several lines, or what lies between the escapes of a quoted one (an
    /// escape such as `\u0026` or `''` is a part of its own, at its first
    /// character). Empty when offsets cannot be mapped to the file (then
    /// every offset maps to `pos`).
    pub runs: Vec<(usize, Pos)>,
    /// The bytes of the file the scalar occupies, quotes included, where
    /// they are known (for tools that edit the file, such as mutation).
    pub span: Option<Range<usize>>,
}

impl ExprText {
    /// The file position of byte `offset` of the text.
    pub fn pos_of(&self, offset: usize) -> Pos {
        match self.runs.iter().rev().find(|(start, _)| *start <= offset) {
            Some((start, pos)) => {
                let chars = self
                    .text
                    .get(*start..offset)
                    .map_or(0, |s| s.chars().count());
                pos.shifted(chars)
            }
            None => self.pos,
        }
    }
}

/// A parameter as declared: `name: default` or `name: { default: d, min:
/// lo, max: hi }`.
#[derive(Debug, Clone, PartialEq)]
pub struct RawParam {
    /// Its name.
    pub name: Spanned<String>,
    /// Its default.
    pub default: Spanned<RawScalar>,
    /// The least value an integer parameter may be given, if bounded below.
    pub min: Option<RawBound>,
    /// The greatest value an integer parameter may be given, if bounded above.
    pub max: Option<RawBound>,
}

/// A parameter's bound as written: a number, or an expression over the
/// parameters declared before it (`max: 6 - roles`).
#[derive(Debug, Clone, PartialEq)]
pub enum RawBound {
    /// A number.
    Int(i64),
    /// An expression, evaluated once the parameters before it have their values.
    Expr(ExprText),
}

/// A parameter default as written.
#[derive(Debug, Clone, PartialEq)]
pub enum RawScalar {
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// A name (an enumeration constant).
    Name(String),
}

/// A type definition as written.
#[derive(Debug, Clone, PartialEq)]
pub enum RawType {
    /// Another type's name (`Bool`, `Proc`).
    Alias(Spanned<String>),
    /// `{ range: [lo, hi] }`.
    Range(ExprText, ExprText),
    /// `{ enum: [a, b] }`.
    Enum(Vec<Spanned<String>>),
    /// `{ enum: { prefix: u, count: n } }`.
    IndexedEnum {
        /// The constants' common prefix.
        prefix: Spanned<String>,
        /// How many constants.
        count: ExprText,
    },
    /// `{ tuple: [A, B] }`.
    Tuple(Vec<Spanned<String>>),
    /// `{ opaque: true }`.
    Opaque,
}

/// A function declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFunction {
    /// Argument type names.
    pub args: Vec<Spanned<String>>,
    /// Result type name.
    pub returns: Spanned<String>,
}

/// A place declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct RawPlace {
    /// Its type's name.
    pub ty: Spanned<String>,
    /// Its initial marking's items.
    pub init: Vec<ExprText>,
}

/// A transition declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTransition {
    /// Input arcs: place name and items.
    pub inputs: Vec<(Spanned<String>, Vec<ExprText>)>,
    /// The guard, if any.
    pub guard: Option<ExprText>,
    /// Output arcs: place name and items.
    pub outputs: Vec<(Spanned<String>, Vec<ExprText>)>,
}

/// A property as written.
#[derive(Debug, Clone, PartialEq)]
pub enum RawProperty {
    /// `invariant: expr`.
    Invariant(ExprText),
    /// `reachable: expr`.
    Reachable(ExprText),
    /// `deadlock-free: true` or `{ except: expr }`.
    DeadlockFree(Option<ExprText>),
    /// `ctl: formula`.
    Ctl(ExprText),
    /// `ltl: formula`.
    Ltl(ExprText),
    /// `bound: { place, max }`.
    Bound {
        /// The place.
        place: Spanned<String>,
        /// The largest allowed token count.
        max: ExprText,
    },
}

/// A type's `symmetric:` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSymmetric {
    /// The type declared symmetric.
    pub name: Spanned<String>,
    /// Where its `symmetric:` key's value is.
    pub at: crate::load::source::Pos,
    /// `within: R`: the enumeration whose constants each permute the type's
    /// constants separately.
    pub within: Option<Spanned<String>>,
}

/// A whole net file as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawNet {
    /// `name:`.
    pub name: Option<String>,
    /// `description:`.
    pub description: Option<String>,
    /// `params:`.
    pub params: Vec<RawParam>,
    /// `types:`.
    pub types: Vec<(Spanned<String>, RawType)>,
    /// The types declared `symmetric: true` or `symmetric: { within: R }`.
    pub symmetric: Vec<RawSymmetric>,
    /// `functions:`.
    pub functions: Vec<(Spanned<String>, RawFunction)>,
    /// `places:`.
    pub places: Vec<(Spanned<String>, RawPlace)>,
    /// `transitions:`.
    pub transitions: Vec<(Spanned<String>, RawTransition)>,
    /// `properties:`.
    pub properties: Vec<(Spanned<String>, RawProperty)>,
    /// `fairness:`: transition name and kind (`weak`, `strong`, `weak-per-binding`, `strong-per-binding`).
    pub fairness: Vec<(Spanned<String>, Spanned<String>)>,
}
