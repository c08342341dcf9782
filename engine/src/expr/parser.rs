//! A recursive-descent parser from tokens to [`Expr`] trees.

use super::ast::{BinOp, Expr, ExprKind, Item, Quantifier, UnOp};
use super::lexer::{Tok, Token, tokenize};

/// A syntax error at a byte offset of the expression text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// Byte offset of the offending token.
    pub at: usize,
    /// What was expected or found.
    pub message: String,
}

/// Parses a whole expression.
pub fn parse_expr(text: &str) -> Result<Expr, ParseError> {
    let mut p = Parser::new(text)?;
    let e = p.expr()?;
    p.finish()?;
    Ok(e)
}

/// Parses a multiset item: `expr` or `mult'expr`.
pub fn parse_item(text: &str) -> Result<Item, ParseError> {
    let mut p = Parser::new(text)?;
    let first = p.expr()?;
    let item = if p.peek() == &Tok::Quote {
        p.next();
        let expr = p.expr()?;
        Item {
            mult: Some(first),
            expr,
        }
    } else {
        Item {
            mult: None,
            expr: first,
        }
    };
    p.finish()?;
    Ok(item)
}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 200;

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn new(text: &str) -> Result<Self, ParseError> {
        Ok(Parser {
            tokens: tokenize(text)?,
            pos: 0,
            depth: 0,
        })
    }

    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].kind
    }

    fn at(&self) -> usize {
        self.tokens[self.pos].at
    }

    fn next(&mut self) -> Token {
        let t = self.tokens[self.pos].clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            at: self.at(),
            message: message.into(),
        })
    }

    fn found(&self) -> String {
        match self.peek() {
            Tok::Int(i) => format!("`{i}`"),
            Tok::Ident(s) => format!("`{s}`"),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Dot => "`.`".into(),
            Tok::Colon => "`:`".into(),
            Tok::Quote => "`'`".into(),
            Tok::Op(op) => format!("`{op}`"),
            Tok::End => "the end of the expression".into(),
        }
    }

    fn finish(&self) -> Result<(), ParseError> {
        if self.peek() == &Tok::End {
            Ok(())
        } else {
            self.error(format!(
                "unexpected {} after a complete expression",
                self.found()
            ))
        }
    }

    fn is_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == word)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }

    fn expect_keyword(&mut self, word: &str) -> Result<(), ParseError> {
        if self.is_keyword(word) {
            self.next();
            Ok(())
        } else {
            self.error(format!("expected `{word}`, found {}", self.found()))
        }
    }

    fn expect(&mut self, tok: Tok, shown: &str) -> Result<(), ParseError> {
        if *self.peek() == tok {
            self.next();
            Ok(())
        } else {
            self.error(format!("expected `{shown}`, found {}", self.found()))
        }
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error("expression nested too deeply");
        }
        let e = if self.is_keyword("forall") || self.is_keyword("exists") {
            self.quantifier()
        } else if self.is_keyword("if") {
            self.conditional()
        } else {
            self.implies()
        };
        self.depth -= 1;
        e
    }

    fn quantifier(&mut self) -> Result<Expr, ParseError> {
        let start = self.next();
        let kind = match &start.kind {
            Tok::Ident(s) if s == "forall" => Quantifier::Forall,
            _ => Quantifier::Exists,
        };
        let pattern = self.postfix()?;
        if !pattern.is_pattern() {
            return Err(ParseError {
                at: pattern.at,
                message: "a quantifier binds a pattern: names, literals, `_` and tuples".into(),
            });
        }
        self.expect_keyword("in")?;
        let place = self.ident("a place name")?;
        self.expect(Tok::Colon, ":")?;
        let body = self.expr()?;
        Ok(Expr {
            kind: ExprKind::Quantifier {
                kind,
                pattern: Box::new(pattern),
                place,
                body: Box::new(body),
            },
            at: start.at,
        })
    }

    fn conditional(&mut self) -> Result<Expr, ParseError> {
        let at = self.next().at;
        let c = self.expr()?;
        self.expect_keyword("then")?;
        let a = self.expr()?;
        self.expect_keyword("else")?;
        let b = self.expr()?;
        Ok(Expr {
            kind: ExprKind::If(Box::new(c), Box::new(a), Box::new(b)),
            at,
        })
    }

    fn ident(&mut self, what: &str) -> Result<String, ParseError> {
        match self.peek().clone() {
            Tok::Ident(s) => {
                self.next();
                Ok(s)
            }
            _ => self.error(format!("expected {what}, found {}", self.found())),
        }
    }

    fn implies(&mut self) -> Result<Expr, ParseError> {
        let left = self.or()?;
        if self.is_op("=>") || self.is_keyword("implies") {
            self.next();
            let right = self.expr()?;
            return Ok(binary(BinOp::Implies, left, right));
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.is_op("||") || self.is_keyword("or") {
            self.next();
            let right = self.and()?;
            left = binary(BinOp::Or, left, right);
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not()?;
        while self.is_op("&&") || self.is_keyword("and") {
            self.next();
            let right = self.not()?;
            left = binary(BinOp::And, left, right);
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.is_op("!") || self.is_keyword("not") {
            let at = self.next().at;
            let e = self.not()?;
            return Ok(Expr {
                kind: ExprKind::Unary(UnOp::Not, Box::new(e)),
                at,
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let left = self.additive()?;
        if self.is_keyword("in") {
            self.next();
            let place = self.ident("a place name")?;
            let at = left.at;
            return Ok(Expr {
                kind: ExprKind::In(Box::new(left), place),
                at,
            });
        }
        let op = match self.peek() {
            Tok::Op("==") => BinOp::Eq,
            Tok::Op("!=") => BinOp::Ne,
            Tok::Op("<") => BinOp::Lt,
            Tok::Op("<=") => BinOp::Le,
            Tok::Op(">") => BinOp::Gt,
            Tok::Op(">=") => BinOp::Ge,
            _ => return Ok(left),
        };
        self.next();
        let right = self.additive()?;
        Ok(binary(op, left, right))
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => BinOp::Add,
                Tok::Op("-") => BinOp::Sub,
                _ => return Ok(left),
            };
            self.next();
            let right = self.multiplicative()?;
            left = binary(op, left, right);
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => BinOp::Mul,
                Tok::Op("/") => BinOp::Div,
                Tok::Op("%") => BinOp::Rem,
                _ => return Ok(left),
            };
            self.next();
            let right = self.unary()?;
            left = binary(op, left, right);
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.is_op("-") {
            let at = self.next().at;
            let e = self.unary()?;
            if let ExprKind::Int(i) = e.kind {
                return Ok(Expr {
                    kind: ExprKind::Int(-i),
                    at,
                });
            }
            return Ok(Expr {
                kind: ExprKind::Unary(UnOp::Neg, Box::new(e)),
                at,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.primary()?;
        while self.peek() == &Tok::Dot {
            self.next();
            match self.peek().clone() {
                Tok::Int(i) => {
                    self.next();
                    let at = e.at;
                    let index = usize::try_from(i).unwrap_or(usize::MAX);
                    e = Expr {
                        kind: ExprKind::Field(Box::new(e), index),
                        at,
                    };
                }
                _ => return self.error(format!("expected a field number, found {}", self.found())),
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let at = self.at();
        match self.peek().clone() {
            Tok::Int(i) => {
                self.next();
                Ok(Expr {
                    kind: ExprKind::Int(i),
                    at,
                })
            }
            Tok::Ident(word) => match word.as_str() {
                "forall" | "exists" | "if" => self.expr(),
                "true" | "false" => {
                    self.next();
                    Ok(Expr {
                        kind: ExprKind::Bool(word == "true"),
                        at,
                    })
                }
                "_" => {
                    self.next();
                    Ok(Expr {
                        kind: ExprKind::Wildcard,
                        at,
                    })
                }
                "in" | "then" | "else" | "and" | "or" | "not" | "implies" => {
                    self.error(format!("expected an expression, found keyword `{word}`"))
                }
                _ => {
                    self.next();
                    if self.peek() == &Tok::LParen {
                        self.next();
                        let args = self.list()?;
                        return Ok(Expr {
                            kind: ExprKind::Call(word, args),
                            at,
                        });
                    }
                    Ok(Expr {
                        kind: ExprKind::Name(word),
                        at,
                    })
                }
            },
            Tok::LParen => {
                self.next();
                let mut items = self.list()?;
                Ok(match items.len() {
                    0 => Expr {
                        kind: ExprKind::Unit,
                        at,
                    },
                    1 => items.remove(0),
                    _ => Expr {
                        kind: ExprKind::Tuple(items),
                        at,
                    },
                })
            }
            _ => self.error(format!("expected an expression, found {}", self.found())),
        }
    }

    /// Comma-separated expressions up to and including `)`; the `(` is consumed.
    fn list(&mut self) -> Result<Vec<Expr>, ParseError> {
        let mut items = Vec::new();
        if self.peek() == &Tok::RParen {
            self.next();
            return Ok(items);
        }
        loop {
            items.push(self.expr()?);
            match self.peek() {
                Tok::Comma => {
                    self.next();
                }
                Tok::RParen => {
                    self.next();
                    return Ok(items);
                }
                _ => return self.error(format!("expected `,` or `)`, found {}", self.found())),
            }
        }
    }
}

fn binary(op: BinOp, left: Expr, right: Expr) -> Expr {
    let at = left.at;
    Expr {
        kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int(i) => i.to_string(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Unit => "()".into(),
            ExprKind::Wildcard => "_".into(),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Tuple(items) => {
                format!(
                    "({})",
                    items.iter().map(show).collect::<Vec<_>>().join(", ")
                )
            }
            ExprKind::Field(e, i) => format!("{}.{i}", show(e)),
            ExprKind::Unary(op, e) => format!("{op:?}({})", show(e)),
            ExprKind::Binary(op, a, b) => format!("{op:?}({}, {})", show(a), show(b)),
            ExprKind::If(c, a, b) => format!("If({}, {}, {})", show(c), show(a), show(b)),
            ExprKind::Call(f, args) => {
                format!(
                    "{f}[{}]",
                    args.iter().map(show).collect::<Vec<_>>().join(", ")
                )
            }
            ExprKind::In(e, p) => format!("In({}, {p})", show(e)),
            ExprKind::Quantifier {
                kind,
                pattern,
                place,
                body,
            } => format!("{kind:?}({} in {place}: {})", show(pattern), show(body)),
        }
    }

    #[test]
    fn precedence_and_associativity() {
        let e = parse_expr("a + b * c - d == 3 && !x || y => z").expect("parses");
        assert_eq!(
            show(&e),
            "Implies(Or(And(Eq(Sub(Add(a, Mul(b, c)), d), 3), Not(x)), y), z)"
        );
        assert_eq!(
            show(&parse_expr("-3 - -x").expect("parses")),
            "Sub(-3, Neg(x))"
        );
    }

    #[test]
    fn tuples_fields_calls_and_quantifiers() {
        let e = parse_expr("forall (u, p) in Granted: count(Keys, (u, p.1)) > 0 and u in Users")
            .expect("parses");
        assert_eq!(
            show(&e),
            "Forall((u, p) in Granted: And(Gt(count[Keys, (u, p.1)], 0), In(u, Users)))"
        );
        assert_eq!(show(&parse_expr("(x)").expect("parses")), "x");
        assert_eq!(show(&parse_expr("()").expect("parses")), "()");
        assert_eq!(show(&parse_expr("t.0.1").expect("parses")), "t.0.1");
        assert_eq!(
            show(&parse_expr("if a then 1 else f()").expect("parses")),
            "If(a, 1, f[])"
        );
    }

    #[test]
    fn items_with_multiplicities() {
        let item = parse_item("2'(p, idle)").expect("parses");
        assert_eq!(item.mult.as_ref().map(show), Some("2".to_string()));
        assert_eq!(show(&item.expr), "(p, idle)");
        let item = parse_item("n'()").expect("parses");
        assert_eq!(item.mult.as_ref().map(show), Some("n".to_string()));
        assert!(parse_item("x").expect("parses").mult.is_none());
    }

    #[test]
    fn errors_point_at_the_offending_token() {
        let err = parse_expr("a + * b").expect_err("bad");
        assert_eq!(err.at, 4);
        assert!(
            err.message.contains("expected an expression"),
            "{}",
            err.message
        );
        let err = parse_expr("(a, b").expect_err("bad");
        assert_eq!(err.at, 5);
        let err = parse_expr("a b").expect_err("bad");
        assert!(err.message.contains("after a complete expression"));
        let err = parse_expr("x # y").expect_err("bad");
        assert_eq!(
            (err.at, err.message.as_str()),
            (2, "unexpected character `#`")
        );
        assert!(parse_expr("99999999999999999999").is_err());
        assert!(parse_expr(&"(".repeat(1000)).is_err());
    }
}
