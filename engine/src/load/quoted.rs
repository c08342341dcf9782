//! Maps the value of a quoted YAML scalar back to the characters written in
//! the file: through its escapes (`\u0026`, `''`), its escaped line breaks
//! (`\` at the end of a line) and its folded lines, so that an error in an
//! expression points at what was written.

use crate::load::source::{Pos, Source};

/// Where the parts of the quoted scalar whose opening quote is at `open`
/// were written, as [`crate::load::raw::ExprText::runs`] says, ending with
/// the closing quote at the value's end; `None` if reading the file does not
/// give `value` (the scalar is not where `open` says).
pub(super) fn runs(source: &Source, open: Pos, value: &str) -> Option<Vec<(usize, Pos)>> {
    let at = source.offset(open)?;
    let mut cursor = Cursor {
        text: &source.text()[at..],
        pos: open,
    };
    let quote = cursor.bump()?;
    let mut out = Runs::default();
    while let Some(next) = cursor.peek() {
        let doubled = quote == '\'' && cursor.peek_nth(1) == Some('\'');
        if next == quote && !doubled {
            out.runs.push((out.value.len(), cursor.pos));
            return (out.value == value).then_some(out.runs);
        }
        let broken = match quote {
            '"' => double_quoted_word(&mut cursor, &mut out)?,
            _ => single_quoted_word(&mut cursor, &mut out),
        };
        fold_blanks(&mut cursor, &mut out, broken);
    }
    None
}

/// The characters still to read, and the position of the first.
struct Cursor<'t> {
    text: &'t str,
    pos: Pos,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.text.chars().next()
    }

    fn peek_nth(&self, n: usize) -> Option<char> {
        self.text.chars().nth(n)
    }

    /// Reads one character of a line (not a line break).
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.text = &self.text[c.len_utf8()..];
        self.pos = self.pos.shifted(1);
        Some(c)
    }

    /// Reads a line break (`\n`, `\r\n` or `\r`).
    fn skip_break(&mut self) {
        let len = if self.text.starts_with("\r\n") { 2 } else { 1 };
        self.text = &self.text[len..];
        self.pos = Pos {
            line: self.pos.line + 1,
            col: 1,
        };
    }
}

/// The value read so far and where its parts were written.
#[derive(Default)]
struct Runs {
    value: String,
    runs: Vec<(usize, Pos)>,
    /// Where the next character continues the last part, if it can.
    next: Option<Pos>,
}

impl Runs {
    /// Adds `c`, written at `pos`; `literal` when it was written as itself
    /// (one column), so that the character after it may continue its part.
    fn push(&mut self, c: char, pos: Pos, literal: bool) {
        if self.next != Some(pos) {
            self.runs.push((self.value.len(), pos));
        }
        self.value.push(c);
        self.next = literal.then(|| pos.shifted(1));
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_break(c: char) -> bool {
    c == '\n' || c == '\r'
}

/// Reads the characters of a double-quoted scalar up to a blank, a line
/// break or the closing quote, resolving escapes; whether it ended with an
/// escaped line break. `None` at an escape YAML does not know.
fn double_quoted_word(cursor: &mut Cursor<'_>, out: &mut Runs) -> Option<bool> {
    while let Some(c) = cursor.peek().filter(|c| !is_blank(*c) && !is_break(*c)) {
        let pos = cursor.pos;
        match c {
            '"' => break,
            '\\' if cursor.peek_nth(1).is_some_and(is_break) => {
                cursor.bump();
                cursor.skip_break();
                return Some(true);
            }
            '\\' => out.push(escape(cursor)?, pos, false),
            _ => {
                cursor.bump();
                out.push(c, pos, true);
            }
        }
    }
    Some(false)
}

/// Reads the characters of a single-quoted scalar up to a blank, a line
/// break or the closing quote (`''` being one quote); it never ends with an
/// escaped line break.
fn single_quoted_word(cursor: &mut Cursor<'_>, out: &mut Runs) -> bool {
    while let Some(c) = cursor.peek().filter(|c| !is_blank(*c) && !is_break(*c)) {
        let pos = cursor.pos;
        match c {
            '\'' if cursor.peek_nth(1) == Some('\'') => {
                cursor.bump();
                cursor.bump();
                out.push('\'', pos, false);
            }
            '\'' => break,
            _ => {
                cursor.bump();
                out.push(c, pos, true);
            }
        }
    }
    false
}

/// Reads the escape at the cursor (`\n`, `\u0026`, ...) and returns the
/// character it stands for.
fn escape(cursor: &mut Cursor<'_>) -> Option<char> {
    cursor.bump();
    let c = cursor.bump()?;
    let digits = match c {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => return simple_escape(c),
    };
    let hex = cursor.text.get(..digits)?;
    let code = u32::from_str_radix(hex, 16).ok()?;
    for _ in 0..digits {
        cursor.bump();
    }
    char::from_u32(code)
}

/// The character a one-letter escape (`\t`, `\"`, `\N`, ...) stands for.
fn simple_escape(c: char) -> Option<char> {
    Some(match c {
        '0' => '\0',
        'a' => '\x07',
        'b' => '\x08',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\x0b',
        'f' => '\x0c',
        'r' => '\r',
        'e' => '\x1b',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        _ => return None,
    })
}

/// Reads the blanks and line breaks after a word and adds what YAML makes
/// of them: the blanks within a line as written; a line break folded to a
/// space, or to one `\n` per blank line after it; nothing but those `\n`
/// after an escaped line break (`broken`). Blanks around line breaks are
/// dropped.
fn fold_blanks(cursor: &mut Cursor<'_>, out: &mut Runs, broken: bool) {
    let mut blanks = Vec::new();
    let mut first_break = None;
    let mut blank_lines = Vec::new();
    let mut leading = broken;
    while let Some(c) = cursor.peek().filter(|c| is_blank(*c) || is_break(*c)) {
        let pos = cursor.pos;
        if is_blank(c) {
            cursor.bump();
            if !leading {
                blanks.push((c, pos));
            }
            continue;
        }
        cursor.skip_break();
        if leading {
            blank_lines.push(pos);
        } else {
            blanks.clear();
            first_break = Some(pos);
            leading = true;
        }
    }
    match first_break {
        Some(pos) if blank_lines.is_empty() => out.push(' ', pos, false),
        _ => {
            for pos in blank_lines {
                out.push('\n', pos, false);
            }
        }
    }
    for (c, pos) in blanks {
        out.push(c, pos, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file position of each character of the value read at `open`.
    fn positions(text: &str, open: Pos, value: &str) -> Vec<(char, Pos)> {
        let source = Source::new("n.yaml", text);
        let runs = runs(&source, open, value).expect("the scalar is read");
        let expr = crate::load::raw::ExprText {
            text: value.to_string(),
            pos: open.shifted(1),
            runs,
            span: None,
        };
        value
            .char_indices()
            .map(|(i, c)| (c, expr.pos_of(i)))
            .collect()
    }

    fn at(line: usize, col: usize) -> Pos {
        Pos { line, col }
    }

    #[test]
    fn escapes_map_to_where_they_are_written() {
        let text = r#"a: "x \u0026\x26 y\"z""#;
        let found = positions(text, at(1, 4), "x && y\"z");
        let cols: Vec<usize> = found.iter().map(|(_, p)| p.col).collect();
        assert_eq!(cols, [5, 6, 7, 13, 17, 18, 19, 21]);
    }

    #[test]
    fn an_escaped_line_break_continues_on_the_next_line() {
        let text = "a: \"p &&\\\n     q\"\n";
        let found = positions(text, at(1, 4), "p &&q");
        assert_eq!(found[4], ('q', at(2, 6)));
        let text = "a: \"p && \\\n     q\"\n";
        assert_eq!(positions(text, at(1, 4), "p && q")[5], ('q', at(2, 6)));
    }

    #[test]
    fn folded_lines_and_blank_lines() {
        let text = "a: \"p  \n   q\n\n  r s\"";
        let found = positions(text, at(1, 4), "p q\nr s");
        let want = [
            ('p', at(1, 5)),
            (' ', at(1, 8)),
            ('q', at(2, 4)),
            ('\n', at(3, 1)),
            ('r', at(4, 3)),
            (' ', at(4, 4)),
            ('s', at(4, 5)),
        ];
        assert_eq!(found, want);
    }

    #[test]
    fn doubled_single_quotes() {
        let text = "a: ['2''x', 'y''', '''z']";
        assert_eq!(positions(text, at(1, 5), "2'x")[2], ('x', at(1, 9)));
        assert_eq!(positions(text, at(1, 13), "y'")[1], ('\'', at(1, 15)));
        assert_eq!(positions(text, at(1, 20), "'z")[1], ('z', at(1, 23)));
    }

    #[test]
    fn the_end_of_the_value_is_its_closing_quote() {
        let source = Source::new("n.yaml", "a: \"x\\t\"");
        let runs = runs(&source, at(1, 4), "x\t").expect("read");
        assert_eq!(runs.last(), Some(&(2, at(1, 8))));
    }

    #[test]
    fn a_value_the_file_does_not_give_is_refused() {
        let source = Source::new("n.yaml", "a: \"x\"");
        assert!(runs(&source, at(1, 4), "y").is_none());
        assert!(runs(&source, at(1, 9), "x").is_none());
        assert!(runs(&Source::new("n.yaml", "a: \"x"), at(1, 4), "x").is_none());
    }
}
