//! The expression language of guards, arc inscriptions and properties.
//!
//! [`parse_expr`] and [`parse_item`] turn text into an untyped [`ast::Expr`];
//! the net compiler then resolves names and checks types.

pub mod ast;
mod error;
pub(crate) mod lexer;
mod parser;

pub use error::ParseError;
pub use parser::{parse_expr, parse_item};
