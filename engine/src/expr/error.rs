//! The one error of the expression language, from the lexer and the parser.

/// A syntax error at a byte offset of the expression text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// Byte offset of the offending token.
    pub at: usize,
    /// What was expected or found.
    pub message: String,
}
