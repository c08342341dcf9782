//! Splits expression text into tokens.

use super::error::ParseError;

/// A token and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: Tok,
    pub at: usize,
    /// Byte offset just past its last character.
    pub end: usize,
}

/// Token kinds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Int(i64),
    Ident(String),
    LParen,
    RParen,
    Comma,
    Dot,
    Colon,
    Quote,
    Op(&'static str),
    End,
}

const OPERATORS: [&str; 19] = [
    "==", "!=", "<=", ">=", "&&", "||", "=>", "<", ">", "+", "-", "*", "/", "%", "!", "(", ")",
    ",", ":",
];

/// What a lone character that begins an operator of another language
/// stands for here, as a hint to follow the error, or empty.
fn meant(ch: char) -> &'static str {
    match ch {
        '=' => " (`==` compares, `=>` implies)",
        '&' => " (did you mean `&&`?)",
        '|' => " (did you mean `||`?)",
        '[' | ']' => {
            " (brackets are not part of the language: a CTL until is written `E(f U g)`, not `E[f U g]`; group with parentheses)"
        }
        _ => "",
    }
}

/// Tokenizes `text`; the last token is always [`Tok::End`].
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &text[start..i];
            let value = digits.parse::<i64>().map_err(|_| ParseError {
                at: start,
                message: format!("integer `{digits}` is too large"),
            })?;
            tokens.push(Token {
                kind: Tok::Int(value),
                at: start,
                end: i,
            });
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            tokens.push(Token {
                kind: Tok::Ident(text[start..i].to_string()),
                at: start,
                end: i,
            });
            continue;
        }
        let kind = match c {
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b',' => Tok::Comma,
            b'.' => Tok::Dot,
            b':' => Tok::Colon,
            b'\'' => Tok::Quote,
            _ => {
                let rest = &text[i..];
                match OPERATORS.iter().find(|op| rest.starts_with(**op)) {
                    Some(op) => Tok::Op(op),
                    None => {
                        let ch = rest.chars().next().unwrap_or('?');
                        return Err(ParseError {
                            at: start,
                            message: format!("unexpected character `{ch}`{}", meant(ch)),
                        });
                    }
                }
            }
        };
        i += match &kind {
            Tok::Op(op) => op.len(),
            _ => 1,
        };
        tokens.push(Token {
            kind,
            at: start,
            end: i,
        });
    }
    tokens.push(Token {
        kind: Tok::End,
        at: text.len(),
        end: text.len(),
    });
    Ok(tokens)
}
