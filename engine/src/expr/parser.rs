//! A recursive-descent parser from tokens to [`Expr`] trees.

use super::ast::{BinOp, Expr, ExprKind, Item, PlaceName, Quantifier, UnOp};
use super::error::ParseError;
use super::lexer::{Tok, Token, tokenize};

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

/// Syntax trees deeper than this (e.g. `a + a + ... + a`, which nests to the
/// left without nesting the parser) are refused: compiling, evaluating and
/// dropping a tree recurse over its depth, and unoptimised builds need about
/// 20 KiB of stack per level to compile one (a main thread has 8 MiB).
const MAX_TREE_DEPTH: usize = 256;

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Byte offset just past the last token consumed.
    consumed: usize,
}

impl Parser {
    fn new(text: &str) -> Result<Self, ParseError> {
        Ok(Parser {
            tokens: tokenize(text)?,
            pos: 0,
            depth: 0,
            consumed: 0,
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
        self.consumed = t.end;
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

    /// Enters one level of parser recursion; refuses to go deeper than [`MAX_DEPTH`].
    fn descend(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error("expression nested too deeply");
        }
        Ok(())
    }

    /// A leaf or node starting at byte `start` and ending with the last token consumed.
    fn leaf(&self, kind: ExprKind, at: usize, start: usize) -> Expr {
        Expr {
            kind,
            at,
            span: start..self.consumed,
        }
    }

    /// A node over already parsed operands, refused if the tree gets too deep.
    fn node(&self, kind: ExprKind, at: usize, start: usize) -> Result<Expr, ParseError> {
        let e = self.leaf(kind, at, start);
        if tree_depth(&e) > MAX_TREE_DEPTH {
            return self.error("expression nested too deeply (split it into smaller parts)");
        }
        Ok(e)
    }

    fn binary(&self, op: BinOp, left: Expr, right: Expr) -> Result<Expr, ParseError> {
        let (at, start) = (left.at, left.span.start);
        self.node(
            ExprKind::Binary(op, Box::new(left), Box::new(right)),
            at,
            start,
        )
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.descend()?;
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
        let place = self.place_name()?;
        self.expect(Tok::Colon, ":")?;
        let body = self.expr()?;
        self.node(
            ExprKind::Quantifier {
                kind,
                pattern: Box::new(pattern),
                place,
                body: Box::new(body),
            },
            start.at,
            start.at,
        )
    }

    fn conditional(&mut self) -> Result<Expr, ParseError> {
        let at = self.next().at;
        let c = self.expr()?;
        self.expect_keyword("then")?;
        let a = self.expr()?;
        self.expect_keyword("else")?;
        let b = self.expr()?;
        self.node(ExprKind::If(Box::new(c), Box::new(a), Box::new(b)), at, at)
    }

    /// The place named after `in`, with where its name starts.
    fn place_name(&mut self) -> Result<PlaceName, ParseError> {
        let at = self.at();
        Ok(PlaceName {
            name: self.ident("a place name")?,
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
            return self.binary(BinOp::Implies, left, right);
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.is_op("||") || self.is_keyword("or") {
            self.next();
            let right = self.and()?;
            left = self.binary(BinOp::Or, left, right)?;
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not()?;
        while self.is_op("&&") || self.is_keyword("and") {
            self.next();
            let right = self.not()?;
            left = self.binary(BinOp::And, left, right)?;
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.is_op("!") || self.is_keyword("not") {
            let at = self.next().at;
            self.descend()?;
            let e = self.not()?;
            self.depth -= 1;
            return self.node(ExprKind::Unary(UnOp::Not, Box::new(e)), at, at);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let left = self.additive()?;
        if self.is_keyword("in") {
            self.next();
            let place = self.place_name()?;
            let (at, start) = (left.at, left.span.start);
            return self.node(ExprKind::In(Box::new(left), place), at, start);
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
        self.binary(op, left, right)
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
            left = self.binary(op, left, right)?;
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
            left = self.binary(op, left, right)?;
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.is_op("-") {
            let at = self.next().at;
            self.descend()?;
            let e = self.unary()?;
            self.depth -= 1;
            if let ExprKind::Int(i) = e.kind {
                return Ok(self.leaf(ExprKind::Int(-i), at, at));
            }
            return self.node(ExprKind::Unary(UnOp::Neg, Box::new(e)), at, at);
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let first = self.pos;
        let mut e = self.primary()?;
        // `1.5`, an integer token then `.` and digits; not `(1).5`, a field
        // of a parenthesised integer (a type error, for the type checker).
        if let ExprKind::Int(_) = e.kind
            && self.pos == first + 1
            && self.peek() == &Tok::Dot
            && matches!(
                self.tokens.get(self.pos + 1).map(|t| &t.kind),
                Some(Tok::Int(_))
            )
        {
            return Err(ParseError {
                at: e.at,
                message: "a decimal number is not a value of the net's language: its numbers \
                          are 64-bit integers"
                    .into(),
            });
        }
        while self.peek() == &Tok::Dot {
            self.next();
            match self.peek().clone() {
                Tok::Int(i) => {
                    self.next();
                    let (at, start) = (e.at, e.span.start);
                    let index = usize::try_from(i).unwrap_or(usize::MAX);
                    e = self.node(ExprKind::Field(Box::new(e), index), at, start)?;
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
                Ok(self.leaf(ExprKind::Int(i), at, at))
            }
            Tok::Ident(word) => match word.as_str() {
                "forall" | "exists" | "if" => self.expr(),
                "true" | "false" => {
                    self.next();
                    Ok(self.leaf(ExprKind::Bool(word == "true"), at, at))
                }
                "_" => {
                    self.next();
                    Ok(self.leaf(ExprKind::Wildcard, at, at))
                }
                "in" | "then" | "else" | "and" | "or" | "not" | "implies" => {
                    self.error(format!("expected an expression, found keyword `{word}`"))
                }
                _ => {
                    self.next();
                    if self.peek() == &Tok::LParen {
                        self.next();
                        if word == "sum" && self.peek() != &Tok::RParen {
                            return self.sum_or_call(at);
                        }
                        let args = self.list()?;
                        return Ok(self.leaf(ExprKind::Call(word, args), at, at));
                    }
                    Ok(self.leaf(ExprKind::Name(word), at, at))
                }
            },
            Tok::LParen => {
                self.next();
                let mut items = self.list()?;
                Ok(match items.len() {
                    0 => self.leaf(ExprKind::Unit, at, at),
                    1 => {
                        let mut inner = items.remove(0);
                        inner.span = at..self.consumed;
                        inner
                    }
                    _ => self.leaf(ExprKind::Tuple(items), at, at),
                })
            }
            _ => self.error(format!("expected an expression, found {}", self.found())),
        }
    }

    /// After `sum(`: `sum(body for pattern in P)`, or else a call of a
    /// function named `sum`.
    fn sum_or_call(&mut self, at: usize) -> Result<Expr, ParseError> {
        let body = self.expr()?;
        if !self.is_keyword("for") {
            let mut args = vec![body];
            if self.peek() == &Tok::Comma {
                self.next();
                args.extend(self.list()?);
            } else {
                self.expect(Tok::RParen, ")` or `for")?;
            }
            return Ok(self.leaf(ExprKind::Call("sum".into(), args), at, at));
        }
        self.next();
        let pattern = self.postfix()?;
        if !pattern.is_pattern() {
            return Err(ParseError {
                at: pattern.at,
                message: "a sum binds a pattern: names, literals, `_` and tuples".into(),
            });
        }
        self.expect_keyword("in")?;
        let place = self.place_name()?;
        self.expect(Tok::RParen, ")")?;
        let sum = ExprKind::Sum {
            body: Box::new(body),
            pattern: Box::new(pattern),
            place,
        };
        Ok(self.leaf(sum, at, at))
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

/// The depth of a syntax tree (a leaf has depth 1).
fn tree_depth(e: &Expr) -> usize {
    1 + e.children().into_iter().map(tree_depth).max().unwrap_or(0)
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
            ExprKind::Sum {
                body,
                pattern,
                place,
            } => format!("Sum({} for {} in {place})", show(body), show(pattern)),
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
        // A field of a parenthesised integer parses (the type checker refuses it).
        assert!(parse_expr("(0).0").is_ok());
        assert_eq!(
            show(&parse_expr("if a then 1 else f()").expect("parses")),
            "If(a, 1, f[])"
        );
    }

    #[test]
    fn spans_cover_operands_and_their_parentheses() {
        let text = "a && ( b || c ) && f(x, 1) > -2";
        let e = parse_expr(text).expect("parses");
        assert_eq!(&text[e.span.clone()], text);
        let ExprKind::Binary(BinOp::And, left, right) = &e.kind else {
            panic!("not a conjunction: {e:?}")
        };
        assert_eq!(&text[right.span.clone()], "f(x, 1) > -2");
        let ExprKind::Binary(BinOp::And, a, bc) = &left.kind else {
            panic!("not a conjunction: {left:?}")
        };
        assert_eq!(&text[a.span.clone()], "a");
        assert_eq!(&text[bc.span.clone()], "( b || c )");
        assert_eq!(&text[bc.at..bc.at + 1], "b");
        let ExprKind::Binary(BinOp::Gt, call, minus_two) = &right.kind else {
            panic!("not a comparison: {right:?}")
        };
        assert_eq!(&text[call.span.clone()], "f(x, 1)");
        assert_eq!(&text[minus_two.span.clone()], "-2");
        let item = parse_item("2'(p, t.1)").expect("parses");
        assert_eq!(item.expr.span, 2..10);
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
        for (text, at, message) in [
            (
                "x = 1",
                2,
                "unexpected character `=` (`==` compares, `=>` implies)",
            ),
            ("a & b", 2, "unexpected character `&` (did you mean `&&`?)"),
            ("a | b", 2, "unexpected character `|` (did you mean `||`?)"),
        ] {
            let err = parse_expr(text).expect_err("bad");
            assert_eq!((err.at, err.message.as_str()), (at, message));
        }
        assert!(parse_expr("99999999999999999999").is_err());
        for text in ["1.5", "x + -2.25"] {
            let err = parse_expr(text).expect_err("a decimal number");
            assert!(err.message.contains("decimal number"), "{}", err.message);
            assert_eq!(
                err.at,
                text.find(char::is_numeric).expect("a digit"),
                "{text}"
            );
        }
        assert_eq!(show(&parse_expr("t.0.1").expect("parses")), "t.0.1");
        // A field of a parenthesised integer parses (the type checker refuses it).
        assert!(parse_expr("(0).0").is_ok());
        assert!(parse_expr(&"(".repeat(1000)).is_err());
    }

    /// Regression: long operator chains, `!!!...` and `----...` used to
    /// overflow the stack (parsing, compiling or dropping the tree).
    #[test]
    fn deep_chains_are_errors_not_stack_overflows() {
        let long = 200_000;
        let cases = [
            "!".repeat(long) + "true",
            "-".repeat(long) + "x",
            vec!["x"; long].join(" + "),
            vec!["true"; long].join(" && "),
            vec!["a"; long].join(" || "),
            format!("x{}", ".0".repeat(long)),
        ];
        for text in &cases {
            let err = parse_expr(text).expect_err("too deep");
            assert!(err.message.contains("nested too deeply"), "{}", err.message);
        }
        let at_limit = vec!["x"; MAX_TREE_DEPTH].join(" + ");
        assert!(tree_depth(&parse_expr(&at_limit).expect("parses")) <= MAX_TREE_DEPTH);
        let over = vec!["x"; MAX_TREE_DEPTH + 1].join(" + ");
        assert!(parse_expr(&over).is_err());
    }
}
