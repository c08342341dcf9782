//! Source files and positions, for error messages that point at a line.

use std::path::{Path, PathBuf};

/// The largest input file the loaders read: 128 MiB (larger nets than any
/// of the Model Checking Contest's P/T nets this checker can explore).
pub const MAX_INPUT_BYTES: u64 = 128 << 20;

/// Why an input file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The system refused (missing file, no permission, a directory...).
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// The file is larger than the limit (e.g. `/dev/zero`).
    #[error("the file is larger than {limit} bytes, the input size limit")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is not UTF-8 text.
    #[error("the file is not UTF-8 text (invalid byte at offset {offset})")]
    NotText {
        /// Offset of the first invalid byte.
        offset: usize,
    },
}

/// Reads the whole text file at `path`, refusing files longer than `limit`
/// bytes without reading past the limit.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    String::from_utf8(bytes).map_err(|e| ReadError::NotText {
        offset: e.utf8_error().valid_up_to(),
    })
}

pub use crate::net::pos::Pos;

/// The text of a net file, kept to quote lines in diagnostics.
#[derive(Debug, Clone)]
pub struct Source {
    path: PathBuf,
    text: String,
    /// Byte offset where each line starts (line 1 at index 0).
    line_starts: Vec<usize>,
}

impl Source {
    /// A source with the given path (used in messages) and text.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let crlf_first_half = b == b'\r' && bytes.get(i + 1) == Some(&b'\n');
            if (b == b'\n' || b == b'\r') && !crlf_first_half {
                line_starts.push(i + 1);
            }
        }
        Source {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The file's path as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text of line `line` (1-based), without its line break. Lines end
    /// at `\n`, `\r\n` or a lone `\r`, as in YAML, so that line numbers agree
    /// with the YAML parser's; the (empty) line after a final break exists.
    pub fn line(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let rest = &self.text[start..];
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        Some(&rest[..end])
    }

    /// The byte offset of `pos` in the text, if the line exists and the
    /// column is on it (the column just past the line's end included).
    pub fn offset(&self, pos: Pos) -> Option<usize> {
        let start = *self.line_starts.get(pos.line.checked_sub(1)?)?;
        let line = self.line(pos.line)?;
        let col = pos.col.checked_sub(1)?;
        let within = match line.char_indices().nth(col) {
            Some((byte, _)) => byte,
            None if col == line.chars().count() => line.len(),
            None => return None,
        };
        Some(start + within)
    }

    /// The position of byte `offset` of the text (clamped to its end).
    pub fn pos_at(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let index = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[index];
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        Pos {
            line: index + 1,
            col: col + 1,
        }
    }

    /// The position just after the last character of the text.
    pub fn end(&self) -> Pos {
        let mut pos = Pos { line: 1, col: 1 };
        let mut chars = self.text.chars().peekable();
        while let Some(c) = chars.next() {
            let crlf = c == '\r' && chars.peek() == Some(&'\n');
            if crlf {
                chars.next();
            }
            if c == '\n' || c == '\r' {
                pos = Pos {
                    line: pos.line + 1,
                    col: 1,
                };
            } else {
                pos.col += 1;
            }
        }
        pos
    }

    /// A caret snippet under `pos`: the line, and a caret at the column. A
    /// line longer than [`SNIPPET_CHARS`] is cut to a window around the
    /// column (`…` marks the cuts); control characters show as `?`.
    pub fn snippet(&self, pos: Pos) -> Option<String> {
        let text = self.line(pos.line)?;
        let chars: Vec<char> = text.chars().collect();
        let col = pos.col.saturating_sub(1).min(chars.len());
        let start = col.saturating_sub(SNIPPET_CHARS / 2);
        let end = (start + SNIPPET_CHARS).min(chars.len());
        let start = end.saturating_sub(SNIPPET_CHARS).min(start);
        let shown = |c: &char| {
            if c.is_control() && *c != '\t' {
                '?'
            } else {
                *c
            }
        };
        let mut quoted: String = chars[start..end].iter().map(shown).collect();
        let mut caret_pad: String = chars[start..col]
            .iter()
            .map(|&c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        if start > 0 {
            quoted.insert(0, '…');
            caret_pad.insert(0, ' ');
        }
        if end < chars.len() {
            quoted.push('…');
        }
        Some(format!(
            "{blank:gutter$} |\n{line} | {quoted}\n{blank:gutter$} | {caret_pad}^",
            blank = "",
            line = pos.line,
            gutter = pos.line.to_string().len(),
        ))
    }
}

/// The most characters of a line a snippet quotes.
pub const SNIPPET_CHARS: usize = 120;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_points_at_the_column() {
        let src = Source::new("n.yaml", "a: 1\nplaces:\n  p: { type: Nope }\n");
        let snip = src.snippet(Pos { line: 3, col: 14 }).expect("line exists");
        assert_eq!(snip, "  |\n3 |   p: { type: Nope }\n  |              ^");
        assert!(src.snippet(Pos { line: 9, col: 1 }).is_none());
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let line = format!("{}X{}", "a".repeat(10_000), "b".repeat(10_000));
        let src = Source::new("n.yaml", line);
        let snip = src
            .snippet(Pos {
                line: 1,
                col: 10_001,
            })
            .expect("line");
        let lines: Vec<&str> = snip.lines().collect();
        assert!(lines[1].chars().count() < SNIPPET_CHARS + 10, "{snip}");
        assert!(
            lines[1].starts_with("1 | …a") && lines[1].ends_with("b…"),
            "{snip}"
        );
        let caret = lines[2].chars().position(|c| c == '^');
        let x = lines[1].chars().position(|c| c == 'X');
        assert_eq!(caret, x, "{snip}");
        let src = Source::new("n.yaml", "a\u{1b}[2Jb: c");
        assert!(
            src.snippet(Pos { line: 1, col: 1 })
                .expect("line")
                .contains("a?[2Jb")
        );
    }

    /// Regression: a lone `\r` ends a line for the YAML parser but not for
    /// `str::lines`, so snippets quoted the wrong line.
    #[test]
    fn lines_end_where_yaml_lines_end() {
        let src = Source::new("n.yaml", "a: 1\rb: 2\r\nc: 3\nd: 4\n");
        let lines: Vec<_> = (1..=6).map(|l| src.line(l)).collect();
        assert_eq!(
            lines,
            [
                Some("a: 1"),
                Some("b: 2"),
                Some("c: 3"),
                Some("d: 4"),
                Some(""),
                None
            ]
        );
        assert_eq!(src.line(0), None);
        assert_eq!(src.offset(Pos { line: 3, col: 3 }), Some(13));
        assert_eq!(src.offset(Pos { line: 3, col: 5 }), Some(15));
        assert_eq!(src.offset(Pos { line: 3, col: 6 }), None);
        assert_eq!(src.pos_at(13), Pos { line: 3, col: 3 });
        assert_eq!(src.pos_at(0), Pos { line: 1, col: 1 });
        assert_eq!(src.end(), Pos { line: 5, col: 1 });
        assert_eq!(Source::new("n", "ab\r\ncd").end(), Pos { line: 2, col: 3 });
    }
}
