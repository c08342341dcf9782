//! Where an item of a net was written: a line and column of its source
//! file, kept in the compiled net so that errors found while it runs point
//! at the text (the loader, `load::source`, finds them and quotes the line).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A position in a source file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pos {
    /// The line, counting from 1.
    pub line: usize,
    /// The column in characters, counting from 1 (`column` in JSON).
    #[serde(rename = "column")]
    pub col: usize,
}

impl Pos {
    /// The position `chars` characters to the right on the same line.
    pub fn shifted(self, chars: usize) -> Pos {
        Pos {
            line: self.line,
            col: self.col + chars,
        }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}
