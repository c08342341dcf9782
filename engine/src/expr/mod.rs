//! The expression language of guards, arc inscriptions and properties.
//!
//! [`parse_expr`] and [`parse_item`] turn text into an untyped [`ast::Expr`];
//! the net compiler then resolves names and checks types.

pub mod ast;
pub(crate) mod lexer;
mod parser;

pub use parser::{ParseError, parse_expr, parse_item};
