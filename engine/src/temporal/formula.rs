//! Temporal formulas (CTL and LTL) and their parser.
//!
//! A formula is built from atomic propositions with the boolean connectives
//! and the temporal operators. The atoms are written in the expression
//! language of the net (`count(P) > 0`, `forall (u, p) in Member: ...`), or
//! are `fired(T)` / `fired(T, condition)` / `enabled(T)` / `enabled(T,
//! condition)`, where the condition is a boolean expression over the
//! variables of transition `T`.
//!
//! | operator | meaning |
//! |---|---|
//! | `X f`, `F f`, `G f`, `f U g`, `f R g` | LTL next, eventually, always, until, release |
//! | `EX f`, `AX f`, `EF f`, `AF f`, `EG f`, `AG f` | CTL |
//! | `E(f U g)`, `A(f U g)`, `E(f R g)`, `A(f R g)` | CTL until and release |
//! | `!f`, `f && g`, `f \|\| g`, `f => g` (and `not`, `and`, `or`, `implies`) | connectives |
//!
//! Unary operators bind tighter than `U` and `R`, which bind tighter than
//! `&&`, `||` and `=>` (right-associative). Within a formula the words `X F G U
//! R E A EX AX EF AF EG AG fired enabled` are operators wherever a formula may
//! start (and `U`, `R` after a complete operand), so a net's names should not
//! be those words.

use crate::expr::ast::Expr;
use crate::expr::lexer::{Tok, Token, tokenize};
use crate::expr::{ParseError, parse_expr};

/// Which logic a property is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Logic {
    /// Computation tree logic: every temporal operator under a path quantifier.
    Ctl,
    /// Linear temporal logic: over every run.
    Ltl,
}

impl Logic {
    /// The keyword of a property in this logic in net files (`ctl`, `ltl`).
    pub fn keyword(self) -> &'static str {
        match self {
            Logic::Ctl => "ctl",
            Logic::Ltl => "ltl",
        }
    }

    /// The logic's name with its article, as in "`F` is an LTL operator".
    pub fn article_name(self) -> &'static str {
        match self {
            Logic::Ctl => "a CTL",
            Logic::Ltl => "an LTL",
        }
    }
}

/// A path quantifier of CTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathQuantifier {
    /// Some run from the state.
    Exists,
    /// Every run from the state.
    All,
}

/// A temporal formula over atoms of type `A`.
#[derive(Debug, Clone, PartialEq)]
pub enum Formula<A> {
    /// `true` or `false`.
    Const(bool),
    /// An atomic proposition.
    Atom(A),
    /// `!f`.
    Not(Box<Formula<A>>),
    /// `f && g`.
    And(Box<Formula<A>>, Box<Formula<A>>),
    /// `f || g`.
    Or(Box<Formula<A>>, Box<Formula<A>>),
    /// `f => g`.
    Implies(Box<Formula<A>>, Box<Formula<A>>),
    /// `X f`: in the next state.
    Next(Box<Formula<A>>),
    /// `F f`: eventually.
    Finally(Box<Formula<A>>),
    /// `G f`: always.
    Globally(Box<Formula<A>>),
    /// `f U g`: `g` eventually, and `f` until then.
    Until(Box<Formula<A>>, Box<Formula<A>>),
    /// `f R g`: `g` up to and including the first state where `f` holds (for ever if never).
    Release(Box<Formula<A>>, Box<Formula<A>>),
    /// A CTL path quantifier over one path operator (`EX f` is `Path(Exists, Next(f))`).
    Path(PathQuantifier, Box<Formula<A>>),
}

impl<A> Formula<A> {
    /// The same formula with every atom replaced by `f(atom)`.
    pub fn map_atoms<B, E>(&self, f: &mut dyn FnMut(&A) -> Result<B, E>) -> Result<Formula<B>, E> {
        let b = |x: &Formula<A>, f: &mut dyn FnMut(&A) -> Result<B, E>| -> Result<_, E> {
            Ok(Box::new(x.map_atoms(f)?))
        };
        Ok(match self {
            Formula::Const(v) => Formula::Const(*v),
            Formula::Atom(a) => Formula::Atom(f(a)?),
            Formula::Not(x) => Formula::Not(b(x, f)?),
            Formula::And(x, y) => Formula::And(b(x, f)?, b(y, f)?),
            Formula::Or(x, y) => Formula::Or(b(x, f)?, b(y, f)?),
            Formula::Implies(x, y) => Formula::Implies(b(x, f)?, b(y, f)?),
            Formula::Next(x) => Formula::Next(b(x, f)?),
            Formula::Finally(x) => Formula::Finally(b(x, f)?),
            Formula::Globally(x) => Formula::Globally(b(x, f)?),
            Formula::Until(x, y) => Formula::Until(b(x, f)?, b(y, f)?),
            Formula::Release(x, y) => Formula::Release(b(x, f)?, b(y, f)?),
            Formula::Path(q, x) => Formula::Path(*q, b(x, f)?),
        })
    }

    /// Whether the formula has a path operator outside a path quantifier
    /// (LTL style), and whether it has a path quantifier (CTL style).
    fn styles(&self, quantified: bool, ltl: &mut bool, ctl: &mut bool) {
        match self {
            Formula::Const(_) | Formula::Atom(_) => {}
            Formula::Not(x) => x.styles(false, ltl, ctl),
            Formula::And(x, y) | Formula::Or(x, y) | Formula::Implies(x, y) => {
                x.styles(false, ltl, ctl);
                y.styles(false, ltl, ctl);
            }
            Formula::Next(x) | Formula::Finally(x) | Formula::Globally(x) => {
                *ltl |= !quantified;
                x.styles(false, ltl, ctl);
            }
            Formula::Until(x, y) | Formula::Release(x, y) => {
                *ltl |= !quantified;
                x.styles(false, ltl, ctl);
                y.styles(false, ltl, ctl);
            }
            Formula::Path(_, x) => {
                *ctl = true;
                x.styles(true, ltl, ctl);
            }
        }
    }
}

/// An atom as written: where it is in the formula's text.
#[derive(Debug, Clone, PartialEq)]
pub enum RawAtom {
    /// A boolean expression over the marking; `offset` is where its text starts.
    State {
        /// The parsed expression (offsets relative to `offset`).
        expr: Expr,
        /// Byte offset of the expression in the formula text.
        offset: usize,
    },
    /// `fired(T[, condition])` or `enabled(T[, condition])`.
    Transition {
        /// `true` for `fired`, `false` for `enabled`.
        fired: bool,
        /// The transition's name.
        name: String,
        /// Byte offset of the name.
        at: usize,
        /// The condition over the transition's variables and its offset.
        condition: Option<(Expr, usize)>,
    },
}

/// Parses `text` as a formula of `logic`; errors carry byte offsets into `text`.
pub fn parse_formula(text: &str, logic: Logic) -> Result<Formula<RawAtom>, ParseError> {
    let tokens = tokenize(text)?;
    let mut p = Parser {
        text,
        tokens,
        pos: 0,
        depth: 0,
    };
    let f = p.formula()?;
    if p.peek() != &Tok::End {
        return p.error(format!("unexpected {} after a complete formula", p.found()));
    }
    let (mut ltl, mut ctl) = (false, false);
    f.styles(false, &mut ltl, &mut ctl);
    match logic {
        Logic::Ltl if ctl => Err(ParseError {
            at: 0,
            message: "an LTL formula has no path quantifiers (E, A, EF, AG, ...); write it under `ctl:`".into(),
        }),
        Logic::Ctl if ltl => Err(ParseError {
            at: 0,
            message: "in CTL every X, F, G, U, R is right under a path quantifier (EX, AF, E(f U g), ...); write it under `ltl:`".into(),
        }),
        _ => Ok(f),
    }
}

const MAX_DEPTH: usize = 200;

struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

type Parsed = Result<Formula<RawAtom>, ParseError>;

/// The constructor of a unary temporal operator.
type Unary = fn(Box<Formula<RawAtom>>) -> Formula<RawAtom>;

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].kind
    }

    fn peek_at(&self, k: usize) -> &Tok {
        &self.tokens[(self.pos + k).min(self.tokens.len() - 1)].kind
    }

    fn at(&self) -> usize {
        self.tokens[self.pos].at
    }

    fn next(&mut self) {
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            at: self.at(),
            message: message.into(),
        })
    }

    fn found(&self) -> String {
        match self.peek() {
            Tok::End => "the end of the formula".into(),
            _ => format!(
                "`{}`",
                &self.text[self.tokens[self.pos].at..self.tokens[self.pos].end]
            ),
        }
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == word)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }

    /// Whether the current token ends an operand (an atom's text stops here).
    fn at_terminator(&self) -> bool {
        matches!(self.peek(), Tok::End | Tok::RParen)
            || ["&&", "||", "=>"].iter().any(|op| self.is_op(op))
            || ["and", "or", "implies", "U", "R"]
                .iter()
                .any(|w| self.is_word(w))
    }

    fn descend(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error("formula nested too deeply");
        }
        Ok(())
    }

    fn formula(&mut self) -> Parsed {
        self.descend()?;
        let left = self.or()?;
        let f = if self.is_op("=>") || self.is_word("implies") {
            self.next();
            let right = self.formula()?;
            Formula::Implies(Box::new(left), Box::new(right))
        } else {
            left
        };
        self.depth -= 1;
        Ok(f)
    }

    fn or(&mut self) -> Parsed {
        let mut left = self.and()?;
        while self.is_op("||") || self.is_word("or") {
            self.next();
            let right = self.and()?;
            left = Formula::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Parsed {
        let mut left = self.binary()?;
        while self.is_op("&&") || self.is_word("and") {
            self.next();
            let right = self.binary()?;
            left = Formula::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn binary(&mut self) -> Parsed {
        let left = self.unary()?;
        let until = self.is_word("U");
        if until || self.is_word("R") {
            self.next();
            self.descend()?;
            let right = self.binary()?;
            self.depth -= 1;
            let (l, r) = (Box::new(left), Box::new(right));
            return Ok(if until {
                Formula::Until(l, r)
            } else {
                Formula::Release(l, r)
            });
        }
        Ok(left)
    }

    fn unary(&mut self) -> Parsed {
        self.descend()?;
        let f = self.unary_inner()?;
        self.depth -= 1;
        Ok(f)
    }

    fn unary_inner(&mut self) -> Parsed {
        if self.is_op("!") || self.is_word("not") {
            self.next();
            return Ok(Formula::Not(Box::new(self.unary()?)));
        }
        let word = match self.peek() {
            Tok::Ident(w) => w.clone(),
            _ => return self.primary(),
        };
        let simple: Option<Unary> = match word.as_str() {
            "X" => Some(Formula::Next),
            "F" => Some(Formula::Finally),
            "G" => Some(Formula::Globally),
            _ => None,
        };
        if let Some(op) = simple {
            self.next();
            return Ok(op(Box::new(self.unary()?)));
        }
        if word.len() == 2 && matches!(&word[..1], "E" | "A") {
            let quantifier = if &word[..1] == "E" {
                PathQuantifier::Exists
            } else {
                PathQuantifier::All
            };
            let inner: Option<Unary> = match &word[1..] {
                "X" => Some(Formula::Next),
                "F" => Some(Formula::Finally),
                "G" => Some(Formula::Globally),
                _ => None,
            };
            if let Some(op) = inner {
                self.next();
                let f = self.unary()?;
                return Ok(Formula::Path(quantifier, Box::new(op(Box::new(f)))));
            }
        }
        if (word == "E" || word == "A") && self.peek_at(1) == &Tok::LParen {
            let quantifier = if word == "E" {
                PathQuantifier::Exists
            } else {
                PathQuantifier::All
            };
            self.next();
            let open = self.at();
            self.next();
            let f = self.formula()?;
            if self.peek() != &Tok::RParen {
                return self.error(format!("expected `)`, found {}", self.found()));
            }
            self.next();
            return match f {
                Formula::Until(..) | Formula::Release(..) => {
                    Ok(Formula::Path(quantifier, Box::new(f)))
                }
                _ => Err(ParseError {
                    at: open,
                    message: format!("expected `{word}(f U g)` or `{word}(f R g)`"),
                }),
            };
        }
        self.primary()
    }

    fn primary(&mut self) -> Parsed {
        if (self.is_word("fired") || self.is_word("enabled")) && self.peek_at(1) == &Tok::LParen {
            return self.transition_atom();
        }
        if (self.is_word("true") || self.is_word("false")) && {
            let save = self.pos;
            self.next();
            let end = self.at_terminator();
            self.pos = save;
            end
        } {
            let v = self.is_word("true");
            self.next();
            return Ok(Formula::Const(v));
        }
        if self.peek() == &Tok::LParen {
            return self.group_or_atom();
        }
        self.state_atom()
    }

    /// At `(`: a parenthesised formula, unless the group is part of an atom
    /// (`(a + b) > 2`, `(u, p) in P`). When neither reading works, the error
    /// is the one found further on: `AG (EF x == 1` is a formula missing its
    /// `)`, not an atom with a misplaced `x`.
    fn group_or_atom(&mut self) -> Parsed {
        let (pos, depth) = (self.pos, self.depth);
        self.next();
        let group = self.formula().and_then(|f| {
            if self.peek() != &Tok::RParen {
                return self.error(format!("expected `)`, found {}", self.found()));
            }
            self.next();
            Ok(f)
        });
        let group_error = match group {
            Ok(f) if self.at_terminator() => return Ok(f),
            Ok(_) => None,
            Err(e) => Some(e),
        };
        (self.pos, self.depth) = (pos, depth);
        match (self.state_atom(), group_error) {
            (Err(atom), Some(group)) if group.at > atom.at => Err(group),
            (atom, _) => atom,
        }
    }

    /// `fired(T)`, `fired(T, cond)`, `enabled(T)`, `enabled(T, cond)`.
    fn transition_atom(&mut self) -> Parsed {
        let fired = self.is_word("fired");
        self.next();
        self.next(); // `(`
        let at = self.at();
        let name = match self.peek() {
            Tok::Ident(n) => n.clone(),
            _ => {
                return self.error(format!(
                    "expected a transition name, found {}",
                    self.found()
                ));
            }
        };
        self.next();
        let condition = if self.peek() == &Tok::Comma {
            self.next();
            let start = self.at();
            let end = self.group_end()?;
            let text = &self.text[start..end];
            let expr = parse_expr(text).map_err(|e| ParseError {
                at: start + e.at,
                message: e.message,
            })?;
            Some((expr, start))
        } else {
            None
        };
        if self.peek() != &Tok::RParen {
            return self.error(format!(
                "expected `)` or `, condition`, found {}",
                self.found()
            ));
        }
        self.next();
        Ok(Formula::Atom(RawAtom::Transition {
            fired,
            name,
            at,
            condition,
        }))
    }

    /// Advances to the `)` closing the current group; returns its byte offset.
    fn group_end(&mut self) -> Result<usize, ParseError> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Tok::End => return self.error("expected `)`, found the end of the formula"),
                Tok::LParen => depth += 1,
                Tok::RParen if depth == 0 => return Ok(self.at()),
                Tok::RParen => depth -= 1,
                _ => {}
            }
            self.next();
        }
    }

    /// An expression over the marking: the tokens up to the end of the operand.
    fn state_atom(&mut self) -> Parsed {
        let start = self.at();
        let to_group_end = self.is_word("forall") || self.is_word("exists") || self.is_word("if");
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Tok::End => break,
                Tok::RParen if depth == 0 => break,
                Tok::LParen => depth += 1,
                Tok::RParen => depth -= 1,
                _ if depth == 0 && !to_group_end && self.at_terminator() => break,
                _ => {}
            }
            self.next();
        }
        let end = self.at();
        if end == start {
            return self.error(format!("expected a formula, found {}", self.found()));
        }
        let text = &self.text[start..end];
        let expr = parse_expr(text).map_err(|e| {
            let at = start + e.at;
            self.operator_inside(start, at).unwrap_or(ParseError {
                at,
                message: e.message,
            })
        })?;
        Ok(Formula::Atom(RawAtom::State {
            expr,
            offset: start,
        }))
    }

    /// The error for an atom starting at byte `start` that does not parse
    /// at byte `at` because a temporal operator stands in it: right before
    /// `at` and followed by its operand (`F count(p) > 0`), or at `at`
    /// (`U`, `R`); `None` if none does. A quantifier or `if` before it in
    /// the atom is named: its body is what swallowed the operator.
    fn operator_inside(&self, start: usize, at: usize) -> Option<ParseError> {
        let k = self.tokens.iter().position(|t| t.at == at)?;
        let word = |t: &Token| match &t.kind {
            Tok::Ident(w) => operator_logic(w).map(|logic| (w.clone(), t.at, logic)),
            _ => None,
        };
        let prefix =
            k.checked_sub(1)
                .and_then(|i| word(&self.tokens[i]))
                .filter(|(w, op_at, _)| {
                    !matches!(w.as_str(), "U" | "R")
                        && *op_at >= start
                        && matches!(
                            self.tokens[k].kind,
                            Tok::Ident(_) | Tok::Int(_) | Tok::LParen | Tok::Op("!")
                        )
                });
        let binary = word(&self.tokens[k]).filter(|(w, _, _)| matches!(w.as_str(), "U" | "R"));
        let (w, op_at, logic) = prefix.or(binary)?;
        let body = self.tokens[..k].iter().rev().find_map(|t| match &t.kind {
            Tok::Ident(q) if t.at >= start && ["forall", "exists", "if"].contains(&q.as_str()) => {
                Some(q)
            }
            _ => None,
        });
        let hint = match body {
            Some(q) => format!(
                "; the `{q}` before it takes everything up to the closing `)` (or the end): \
                 put the `{q}` in parentheses to end it before `{w}`"
            ),
            None => String::new(),
        };
        Some(ParseError {
            at: op_at,
            message: format!(
                "`{w}` is {} operator, which cannot stand inside an atom (an expression \
                 of the net's language, judged on one marking){hint}",
                logic.article_name()
            ),
        })
    }
}

/// The logic whose operator `word` is (`F` is LTL's, `EF` CTL's), if it is one.
pub(crate) fn operator_logic(word: &str) -> Option<Logic> {
    match word {
        "X" | "F" | "G" | "U" | "R" => Some(Logic::Ltl),
        "E" | "A" | "EX" | "AX" | "EF" | "AF" | "EG" | "AG" => Some(Logic::Ctl),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str, logic: Logic) -> String {
        let f = parse_formula(text, logic).unwrap();
        show(&f, text)
    }

    fn show(f: &Formula<RawAtom>, text: &str) -> String {
        let s = |x: &Formula<RawAtom>| show(x, text);
        match f {
            Formula::Const(v) => v.to_string(),
            Formula::Atom(RawAtom::State { expr, offset }) => {
                format!(
                    "[{}]",
                    &text[offset + expr.span.start..offset + expr.span.end]
                )
            }
            Formula::Atom(RawAtom::Transition {
                fired,
                name,
                condition,
                ..
            }) => format!(
                "{}({name}{})",
                if *fired { "fired" } else { "enabled" },
                if condition.is_some() { ", c" } else { "" }
            ),
            Formula::Not(x) => format!("!{}", s(x)),
            Formula::And(x, y) => format!("({} & {})", s(x), s(y)),
            Formula::Or(x, y) => format!("({} | {})", s(x), s(y)),
            Formula::Implies(x, y) => format!("({} => {})", s(x), s(y)),
            Formula::Next(x) => format!("X{}", s(x)),
            Formula::Finally(x) => format!("F{}", s(x)),
            Formula::Globally(x) => format!("G{}", s(x)),
            Formula::Until(x, y) => format!("({} U {})", s(x), s(y)),
            Formula::Release(x, y) => format!("({} R {})", s(x), s(y)),
            Formula::Path(q, x) => format!(
                "{}{}",
                if *q == PathQuantifier::Exists {
                    "E"
                } else {
                    "A"
                },
                s(x)
            ),
        }
    }

    #[test]
    fn ltl_operators_and_atoms() {
        assert_eq!(
            shape(
                "G (count(Requests) > 0 => F fired(serve, u == (doctor, 1)))",
                Logic::Ltl
            ),
            "G([count(Requests) > 0] => Ffired(serve, c))"
        );
        assert_eq!(
            shape("a U b U c && !X d", Logic::Ltl),
            "(([a] U ([b] U [c])) & !X[d])"
        );
        assert_eq!(
            shape("(a + 1) > 2 R (u, p) in P", Logic::Ltl),
            "([(a + 1) > 2] R [(u, p) in P])"
        );
        assert_eq!(
            shape("G forall (u, p) in M: u in P && p > 0 || true", Logic::Ltl),
            "G[forall (u, p) in M: u in P && p > 0 || true]"
        );
        assert_eq!(
            shape("(F enabled(t)) || false", Logic::Ltl),
            "(Fenabled(t) | false)"
        );
    }

    #[test]
    fn ctl_operators() {
        assert_eq!(
            shape("AG (x => EF y) && E(a U b) && A(c R d)", Logic::Ctl),
            "((AG([x] => EF[y]) & E([a] U [b])) & A([c] R [d]))"
        );
        assert_eq!(shape("AX !EX true", Logic::Ctl), "AX!EXtrue");
    }

    #[test]
    fn errors_are_located() {
        let e = parse_formula("G (x > 0 && F", Logic::Ltl).unwrap_err();
        assert_eq!(e.at, 13, "{e:?}");
        let e = parse_formula("AG F x", Logic::Ctl).unwrap_err();
        assert!(e.message.contains("ltl"), "{e:?}");
        let e = parse_formula("G EF x", Logic::Ltl).unwrap_err();
        assert!(e.message.contains("ctl"), "{e:?}");
        let e = parse_formula("fired(3)", Logic::Ltl).unwrap_err();
        assert_eq!(e.at, 6);
        let e = parse_formula("F (x >)", Logic::Ltl).unwrap_err();
        assert_eq!(e.at, 6, "{e:?}");
        let e = parse_formula("E(F x)", Logic::Ctl).unwrap_err();
        assert_eq!(e.at, 1, "{e:?}");
    }

    /// A `(` never closed is reported where the `)` is missing, not inside
    /// the group, which read as an atom fails earlier.
    #[test]
    fn a_missing_parenthesis_is_reported_at_the_end() {
        for text in ["AG (EF count(critical) == 1", "AG (count(critical) == 1"] {
            let e = parse_formula(text, Logic::Ctl).unwrap_err();
            assert_eq!(e.at, text.len(), "{text}: {e:?}");
            assert!(e.message.starts_with("expected `"), "{text}: {e:?}");
            assert!(e.message.contains("`)`, found the end"), "{text}: {e:?}");
        }
    }

    /// A temporal operator caught in an atom (a quantifier's body runs to
    /// the closing parenthesis) is named, where it is written.
    #[test]
    fn a_temporal_operator_inside_an_atom_is_named() {
        let text = "G (exists p in waiting: true => F count(critical) == 1)";
        let e = parse_formula(text, Logic::Ltl).unwrap_err();
        assert_eq!(e.at, text.find("F c").unwrap(), "{e:?}");
        assert!(e.message.starts_with("`F` is an LTL operator"), "{e:?}");
        assert!(
            e.message.contains("put the `exists` in parentheses"),
            "{e:?}"
        );
        let fixed = "G ((exists p in waiting: true) => F count(critical) == 1)";
        assert!(parse_formula(fixed, Logic::Ltl).is_ok());
        let text = "AG count(p) > EF x";
        let e = parse_formula(text, Logic::Ctl).unwrap_err();
        assert_eq!(e.at, text.find("EF").unwrap(), "{e:?}");
        assert!(e.message.starts_with("`EF` is a CTL operator"), "{e:?}");
        assert!(!e.message.contains("parentheses"), "{e:?}");
        let text = "G forall p in q: p > 0 U p in r";
        let e = parse_formula(text, Logic::Ltl).unwrap_err();
        assert_eq!(e.at, text.find('U').unwrap(), "{e:?}");
        assert!(
            e.message.contains("put the `forall` in parentheses"),
            "{e:?}"
        );
    }
}
