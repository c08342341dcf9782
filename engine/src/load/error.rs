//! Errors of loading a net: each names the file and, where there is one, the line.

use std::fmt;
use std::path::PathBuf;

use crate::load::source::{Pos, Source};

/// What is wrong with a net file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Io(String),
    /// The YAML (or XML) is malformed.
    #[error("syntax error: {0}")]
    Syntax(String),
    /// An expression does not parse.
    #[error("expression syntax error: {0}")]
    Expression(String),
    /// A key the format does not know, or a section of the wrong shape.
    #[error("{0}")]
    Structure(String),
    /// A name that is not declared.
    #[error("unknown {kind} `{name}`{hint}")]
    Unknown {
        /// What kind of name: place, type, variable, function, parameter.
        kind: &'static str,
        /// The name as written.
        name: String,
        /// A suggestion, e.g. ` (did you mean `idle`?)`, or empty.
        hint: String,
    },
    /// A name declared twice.
    #[error("duplicate {kind} `{name}`{}", first_at(*first))]
    Duplicate {
        /// What kind of name.
        kind: &'static str,
        /// The name.
        name: String,
        /// The line of its first declaration, where it is known.
        first: Option<usize>,
    },
    /// A declared property named as one of the standard properties every
    /// net has, which `--property` would then not tell apart.
    #[error(
        "`{0}` is the name of a standard property every net has; give this property another name"
    )]
    ReservedProperty(String),
    /// An expression of the wrong type.
    #[error("type error: {0}")]
    Type(String),
    /// A variable used but not bound by an input arc.
    #[error("variable `{name}` is not bound by any input arc of this transition{hint}")]
    Unbound {
        /// The name as written.
        name: String,
        /// A suggestion when the name looks like a misspelt constant or
        /// parameter, e.g. ` (did you mean `idle`?)`, what to do when it
        /// names a place, or else how a transition binds a variable to any
        /// value of a type.
        hint: String,
    },
    /// A bad `--param` override.
    #[error("parameter: {0}")]
    Param(String),
    /// The host program provides no implementation of a declared function.
    #[error("function `{0}` is declared, but this program does not provide it")]
    MissingFunction(String),
    /// A function declared with another number of arguments than the host's takes.
    #[error("function `{function}` takes {takes} argument(s), but is declared with {declared}")]
    Arity {
        /// The function.
        function: String,
        /// The arguments the host's implementation takes.
        takes: usize,
        /// The arguments the net declares.
        declared: usize,
    },
    /// A net that is not supported (e.g. a PNML net of another type).
    #[error("not supported yet: {0}")]
    Unsupported(String),
}

/// An error of loading a net, with the file, the position and the line's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(Box<Located>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Located {
    file: PathBuf,
    pos: Option<Pos>,
    kind: LoadErrorKind,
    snippet: Option<String>,
}

/// ` (first at line N)` for a duplicate whose first declaration is known.
fn first_at(first: Option<usize>) -> String {
    first.map_or_else(String::new, |line| format!(" (first at line {line})"))
}

impl LoadError {
    /// An error at `pos` in `source`, quoting the line.
    pub fn at(source: &Source, pos: Pos, kind: LoadErrorKind) -> Self {
        LoadError(Box::new(Located {
            file: source.path().to_path_buf(),
            pos: Some(pos),
            kind,
            snippet: source.snippet(pos),
        }))
    }

    /// An error about a whole file (e.g. it cannot be read).
    pub fn in_file(file: impl Into<PathBuf>, kind: LoadErrorKind) -> Self {
        LoadError(Box::new(Located {
            file: file.into(),
            pos: None,
            kind,
            snippet: None,
        }))
    }

    /// The file the error is in.
    pub fn file(&self) -> &std::path::Path {
        &self.0.file
    }

    /// Where in the file, when known.
    pub fn pos(&self) -> Option<Pos> {
        self.0.pos
    }

    /// What is wrong.
    pub fn kind(&self) -> &LoadErrorKind {
        &self.0.kind
    }

    /// The line of the error, if known.
    pub fn line(&self) -> Option<usize> {
        self.0.pos.map(|p| p.line)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        match e.pos {
            Some(pos) => write!(f, "{}:{}: {}", e.file.display(), pos, e.kind)?,
            None => write!(f, "{}: {}", e.file.display(), e.kind)?,
        }
        if let Some(snippet) = &e.snippet {
            write!(f, "\n{snippet}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// A ` (did you mean `x`?)` hint: the closest candidate by edit distance, if close.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let best = candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min();
    match best {
        Some((_, c)) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            suggestion("idel", ["idle", "busy"]),
            " (did you mean `idle`?)"
        );
        assert_eq!(suggestion("zzzz", ["idle", "busy"]), "");
    }

    #[test]
    fn display_names_file_line_and_caret() {
        let src = Source::new("nets/x.yaml", "places:\n  p: { type: Nope }\n");
        let err = LoadError::at(
            &src,
            Pos { line: 2, col: 13 },
            LoadErrorKind::Unknown {
                kind: "type",
                name: "Nope".into(),
                hint: String::new(),
            },
        );
        let text = err.to_string();
        assert!(
            text.starts_with("nets/x.yaml:2:13: unknown type `Nope`"),
            "{text}"
        );
        assert!(text.ends_with("|             ^"), "{text}");
    }
}
