//! Every byte the program prints goes through here.
//!
//! Standard output: when the reader has gone (`sesphr check NET | head -1`), the
//! write fails with a broken pipe; from then on output is dropped quietly, and
//! the command finishes and exits with the status it would have had (a
//! violated property still exits 1). Commands that stream output for a long
//! time ask [`stdout_closed`] and stop early. Another write error (a full
//! disk) is reported once on standard error and ends the program with exit 2.
//!
//! Standard error: messages are written without panicking when it is closed,
//! once each, with control characters escaped and overlong lines cut
//! ([`render_error`], [`clean_message`]).

use std::fmt;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard output's reader has closed the pipe.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Longest message line shown whole; longer lines keep their head and tail.
const MAX_LINE_CHARS: usize = 400;

/// Writes to standard output, dropping the text once the reader has gone.
pub fn write_out(args: fmt::Arguments<'_>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            return;
        }
        write_err(format_args!("error: cannot write the output: {e}\n"));
        std::process::exit(2);
    }
}

/// Whether standard output's reader has gone (streaming commands stop then).
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// `n` followed by `one` if it is one, else by `many`: `1 place`, `2 places`.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// Writes to standard error, ignoring a closed standard error, in one
/// write (so that processes sharing the terminal do not interleave a
/// message's parts).
pub fn write_err(args: fmt::Arguments<'_>) {
    let _ = std::io::stderr()
        .lock()
        .write_all(args.to_string().as_bytes());
}

/// Prints `error: MESSAGE` on standard error, cleaned by [`render_error`].
pub fn report_error(error: &anyhow::Error) {
    write_err(format_args!("error: {}\n", render_error(error)));
}

/// An error and its causes as one message, each cause shown once: a cause
/// whose text its context already quotes (`in transition t: overflow` caused
/// by `overflow`) is not repeated. Cleaned by [`clean_message`].
pub fn render_error(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if text.is_empty() || message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    clean_message(&message)
}

/// A message safe for a terminal: control, zero-width and bidirectional
/// characters other than line breaks and tabs escaped (`\u{1b}`), lines longer than [`MAX_LINE_CHARS`] cut to
/// their head and tail around an `…`.
pub fn clean_message(message: &str) -> String {
    let lines: Vec<String> = message.split('\n').map(clean_line).collect();
    lines.join("\n")
}

/// Whether `c` could clear, recolour or reorder a terminal, or hide text:
/// a control character, a zero-width, invisible or bidirectional-formatting
/// one, or a line or paragraph separator.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// `text` from an untrusted source (a ledger record, a name in a cloud
/// store) made safe to print on one line: every [`invisible`] character,
/// line breaks and tabs included, escaped (`\u{1b}`).
pub fn escape_untrusted(text: &str) -> String {
    escaped(text, |_| true)
}

/// `text` with the [`invisible`] characters `which` selects escaped.
fn escaped(text: &str, which: impl Fn(char) -> bool) -> String {
    text.chars()
        .flat_map(|c| -> Box<dyn Iterator<Item = char>> {
            if invisible(c) && which(c) {
                Box::new(c.escape_unicode())
            } else {
                Box::new(std::iter::once(c))
            }
        })
        .collect()
}

fn clean_line(line: &str) -> String {
    let escaped = escaped(line, |c| c != '\t');
    let count = escaped.chars().count();
    if count <= MAX_LINE_CHARS {
        return escaped;
    }
    let head: String = escaped.chars().take(MAX_LINE_CHARS / 2).collect();
    let tail: String = escaped.chars().skip(count - MAX_LINE_CHARS / 4).collect();
    format!(
        "{head} … ({} characters left out) … {tail}",
        count - head.chars().count() - tail.chars().count()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cause_is_shown_once() {
        let error = anyhow::anyhow!("integer overflow")
            .context("in transition `inc`: integer overflow")
            .context("in transition `inc`: integer overflow");
        assert_eq!(
            render_error(&error),
            "in transition `inc`: integer overflow"
        );
        let error = anyhow::anyhow!("integer overflow").context("net.yaml");
        assert_eq!(render_error(&error), "net.yaml: integer overflow");
    }

    #[test]
    fn untrusted_text_is_escaped_to_one_line() {
        assert_eq!(escape_untrusted("ok é"), "ok é");
        assert_eq!(escape_untrusted("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            escape_untrusted("x\u{202e}y\n\t"),
            "x\\u{202e}y\\u{a}\\u{9}"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            clean_message("a\x1b[2Jb\tc\nd\re"),
            "a\\u{1b}[2Jb\tc\nd\\u{d}e"
        );
    }

    #[test]
    fn long_lines_keep_head_and_tail() {
        let line = format!("start{}end", "x".repeat(1_000_000));
        let cut = clean_message(&line);
        assert!(cut.chars().count() < MAX_LINE_CHARS + 60, "{}", cut.len());
        assert!(cut.starts_with("startx") && cut.ends_with("xend"), "{cut}");
        assert!(cut.contains("characters left out"), "{cut}");
    }
}
