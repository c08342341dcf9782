//! The untyped syntax tree of expressions, as parsed.

use std::ops::Range;

/// An expression with the byte offset where it starts in its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Byte offset of its first character in the expression text.
    pub at: usize,
    /// The bytes of the text it was parsed from, parentheses written around
    /// it included (`(a || b)` spans the parentheses, its `at` is at `a`), so
    /// that replacing the span by other text keeps the rest well formed.
    pub span: Range<usize>,
}

/// The forms of expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// An integer literal.
    Int(i64),
    /// `true` or `false`.
    Bool(bool),
    /// `()`, the value of `Unit`.
    Unit,
    /// `_`, the wildcard (patterns only).
    Wildcard,
    /// A name: variable, parameter or enumeration constant.
    Name(String),
    /// `(a, b, ...)` with at least two components.
    Tuple(Vec<Expr>),
    /// `e.N`: component N of a tuple.
    Field(Box<Expr>, usize),
    /// A unary operator.
    Unary(UnOp, Box<Expr>),
    /// A binary operator.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `f(args)`: a declared function or a built-in (`count`, `all`).
    Call(String, Vec<Expr>),
    /// `e in P`: membership of a value in a place.
    In(Box<Expr>, PlaceName),
    /// `forall pat in P: body` or `exists pat in P: body`.
    Quantifier {
        /// Which quantifier.
        kind: Quantifier,
        /// The pattern each distinct token is matched against.
        pattern: Box<Expr>,
        /// The place ranged over.
        place: PlaceName,
        /// The predicate.
        body: Box<Expr>,
    },
    /// `sum(body for pat in P)`: the sum of `body` over the tokens of `P`
    /// that `pat` matches, each counted with its multiplicity.
    Sum {
        /// The integer summed, once per token.
        body: Box<Expr>,
        /// The pattern each token is matched against.
        pattern: Box<Expr>,
        /// The place summed over.
        place: PlaceName,
    },
}

/// A place named after `in`, with where its name starts in the source
/// (errors about the place point there, not at the whole expression).
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceName {
    /// The name as written.
    pub name: String,
    /// Byte offset of the name in the source.
    pub at: usize,
}

impl std::fmt::Display for PlaceName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    /// Integer negation.
    Neg,
    /// Boolean negation.
    Not,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `=>`
    Implies,
}

/// The bounded quantifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// Every token satisfies the body.
    Forall,
    /// Some token satisfies the body.
    Exists,
}

/// A multiset item: `mult'expr`, or `expr` with multiplicity one.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The multiplicity expression, if one was written.
    pub mult: Option<Expr>,
    /// The token expression (or pattern, on input arcs).
    pub expr: Expr,
}

impl Expr {
    /// The variable names this expression mentions (free names, in order of appearance).
    pub fn names(&self, out: &mut Vec<String>) {
        match &self.kind {
            ExprKind::Name(n) => {
                if !out.contains(n) {
                    out.push(n.clone());
                }
            }
            ExprKind::Int(_) | ExprKind::Bool(_) | ExprKind::Unit | ExprKind::Wildcard => {}
            ExprKind::Tuple(items) | ExprKind::Call(_, items) => {
                items.iter().for_each(|e| e.names(out));
            }
            ExprKind::Field(e, _) | ExprKind::Unary(_, e) | ExprKind::In(e, _) => e.names(out),
            ExprKind::Binary(_, a, b) => {
                a.names(out);
                b.names(out);
            }
            ExprKind::If(c, a, b) => {
                c.names(out);
                a.names(out);
                b.names(out);
            }
            ExprKind::Quantifier { pattern, body, .. } | ExprKind::Sum { pattern, body, .. } => {
                let mut bound = Vec::new();
                pattern.names(&mut bound);
                let mut inner = Vec::new();
                body.names(&mut inner);
                for n in inner {
                    if !bound.contains(&n) && !out.contains(&n) {
                        out.push(n);
                    }
                }
            }
        }
    }

    /// The direct sub-expressions, left to right (a quantifier's pattern,
    /// then its body; a sum's body, then its pattern).
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Int(_)
            | ExprKind::Bool(_)
            | ExprKind::Unit
            | ExprKind::Wildcard
            | ExprKind::Name(_) => Vec::new(),
            ExprKind::Tuple(items) | ExprKind::Call(_, items) => items.iter().collect(),
            ExprKind::Field(a, _) | ExprKind::Unary(_, a) | ExprKind::In(a, _) => vec![a],
            ExprKind::Binary(_, a, b) => vec![a, b],
            ExprKind::If(c, a, b) => vec![c, a, b],
            ExprKind::Quantifier { pattern, body, .. } => vec![pattern, body],
            ExprKind::Sum { body, pattern, .. } => vec![body, pattern],
        }
    }

    /// Whether this expression has the shape of a pattern: names, literals, `_` and tuples.
    pub fn is_pattern(&self) -> bool {
        match &self.kind {
            ExprKind::Int(_)
            | ExprKind::Bool(_)
            | ExprKind::Unit
            | ExprKind::Wildcard
            | ExprKind::Name(_) => true,
            ExprKind::Unary(UnOp::Neg, e) => matches!(e.kind, ExprKind::Int(_)),
            ExprKind::Tuple(items) => items.iter().all(Expr::is_pattern),
            _ => false,
        }
    }
}
