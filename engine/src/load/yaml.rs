//! Reads a YAML net file into a [`RawNet`], keeping every position.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use super::raw::{
    ExprText, RawBound, RawFunction, RawNet, RawParam, RawPlace, RawProperty, RawScalar,
    RawSymmetric, RawTransition, RawType, Spanned,
};
use crate::load::error::{LoadError, LoadErrorKind};
use crate::load::quoted;
use crate::load::source::{Pos, Source};

type Result<T> = std::result::Result<T, LoadError>;
type Node<'a> = MarkedYaml<'a>;

/// Parses the YAML text of `source` into a [`RawNet`].
pub fn read_net(source: &Source) -> Result<RawNet> {
    let docs = Node::load_from_str(source.text()).map_err(|e| {
        let m = e.marker();
        let mut pos = Pos {
            line: m.line().max(1),
            col: m.col() + 1,
        };
        if source.line(pos.line).is_none() {
            // The parser reports the end of input one line past a file that
            // does not end with a line break: point at the real end instead.
            pos = source.end();
        }
        if let Some(name) = duplicated_key(source, e.info(), pos) {
            let (kind, first) = declared_before(source, pos, &name);
            return LoadError::at(source, pos, LoadErrorKind::Duplicate { kind, name, first });
        }
        match tag_before(source, pos) {
            Some((tag_pos, message)) => LoadError::at(
                source,
                tag_pos,
                LoadErrorKind::Syntax(format!("{message}; YAML then stops: {}", e.info())),
            ),
            None => LoadError::at(source, pos, LoadErrorKind::Syntax(e.info().to_string())),
        }
    })?;
    let reader = Reader { source };
    let Some(root) = docs.first() else {
        return Err(LoadError::in_file(
            source.path(),
            LoadErrorKind::Structure(
                "the file is empty: a net needs `places` and `transitions`".into(),
            ),
        ));
    };
    if let Some(extra) = docs.get(1) {
        return Err(reader.error(extra, "a net file holds one YAML document"));
    }
    if matches!(root.data, YamlData::Value(Scalar::Null)) {
        return Err(LoadError::in_file(
            source.path(),
            LoadErrorKind::Structure(
                "the file holds no net (an empty YAML document): a net needs `places` and \
                 `transitions`"
                    .into(),
            ),
        ));
    }
    reader.reject_tags(root)?;
    reader.net(root)
}

/// What to say of `tag`, a YAML tag written where a value starts: most
/// often an expression that starts with `!` and was left unquoted. With the
/// value as written, when it fits on one line, the message shows it quoted.
fn tag_message(tag: &str, written: Option<&str>) -> String {
    let quoted = written
        .filter(|w| w.len() <= 80 && !w.contains(['"', '\\']))
        .map(|w| format!(" (`\"{w}\"`)"))
        .unwrap_or_default();
    format!(
        "`{tag}` starts a YAML tag here, which net files do not use: a value \
         that starts with `!` must be quoted{quoted}"
    )
}

/// The YAML tag written where a value starts on the line of a YAML syntax
/// error at `pos`, before it: where it is, and the message saying so. An
/// unquoted expression such as `!(a > 1)` fails so (its `>` then opens a
/// block scalar).
fn tag_before(source: &Source, pos: Pos) -> Option<(Pos, String)> {
    let line = source.line(pos.line)?;
    let col = tag_column(line).filter(|col| *col < pos.col)?;
    let rest: String = line.chars().skip(col - 1).collect();
    let written = rest.split(" #").next().unwrap_or_default().trim_end();
    let tag: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
    Some((
        Pos {
            line: pos.line,
            col,
        },
        tag_message(&tag, Some(written)),
    ))
}

/// The column of the first `!` on `line` where a value starts (and so where
/// YAML reads a tag): first on the line, after `: `, after `- ` or `? ` at
/// a value's start, or in a flow collection after `[`, `{` or `,`; quoted
/// values and comments are skipped.
fn tag_column(line: &str) -> Option<usize> {
    let chars: Vec<char> = line.chars().collect();
    let blank_after = |i: usize| chars.get(i + 1).is_none_or(|c| c.is_whitespace());
    let (mut value_starts, mut flow_depth) = (true, 0usize);
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '!' if value_starts => return Some(i + 1),
            '"' | '\'' if value_starts => {
                i = closing_quote(&chars, i)?;
                value_starts = false;
            }
            '#' if i == 0 || chars[i - 1].is_whitespace() => return None,
            '[' | '{' if value_starts => flow_depth += 1,
            ']' | '}' if flow_depth > 0 => {
                flow_depth -= 1;
                value_starts = false;
            }
            ',' if flow_depth > 0 => value_starts = true,
            '-' | '?' if value_starts && blank_after(i) => {}
            ':' if blank_after(i) || flow_depth > 0 => value_starts = true,
            c if c.is_whitespace() => {}
            _ => value_starts = false,
        }
        i += 1;
    }
    None
}

/// The index of the quote closing the quoted value opening at `chars[open]`
/// (`\"` escapes a double quote, `''` is a single quote), if on the line.
fn closing_quote(chars: &[char], open: usize) -> Option<usize> {
    let quote = chars[open];
    let mut i = open + 1;
    loop {
        match *chars.get(i)? {
            '\\' if quote == '"' => i += 2,
            '\'' if quote == '\'' && chars.get(i + 1) == Some(&'\'') => i += 2,
            c if c == quote => return Some(i),
            _ => i += 1,
        }
    }
}

/// The key a "duplicated key" YAML error points at, read from the file (the
/// parser's message does not say which key it is).
fn duplicated_key(source: &Source, info: &str, pos: Pos) -> Option<String> {
    if !info.contains("duplicated key") {
        return None;
    }
    let key: String = source
        .line(pos.line)?
        .chars()
        .skip(pos.col - 1)
        .skip_while(|c| *c == '"' || *c == '\'')
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    (!key.is_empty()).then_some(key)
}

/// What a key repeated at `pos` declares (a place under `places:`, a
/// transition under `transitions:`, ...; `key` elsewhere) and the line of
/// its first declaration, read from the file's indentation: the parser
/// stops at the repeat and keeps no node to ask. A key inside a flow
/// mapping (`{ type: Unit, type: Int }`) is a plain `key`.
fn declared_before(source: &Source, pos: Pos, name: &str) -> (&'static str, Option<usize>) {
    let indent = pos.col - 1;
    let line_text = source.line(pos.line).unwrap_or_default();
    if !line_text.chars().take(indent).all(|c| c == ' ') {
        return ("key", None);
    }
    let indent_of = |text: &str| text.len() - text.trim_start_matches(' ').len();
    let is_content = |text: &str| !text.trim().is_empty() && !text.trim_start().starts_with('#');
    let Some(parent) = (1..pos.line).rev().find(|&l| {
        source
            .line(l)
            .is_some_and(|t| is_content(t) && indent_of(t) < indent)
    }) else {
        return ("key", None);
    };
    let parent_text = source.line(parent).unwrap_or_default();
    let kind = match (
        indent_of(parent_text),
        parent_text.trim().trim_end_matches(':'),
    ) {
        (0, "places") => "place",
        (0, "transitions") => "transition",
        (0, "properties") => "property",
        (0, "types") => "type",
        (0, "functions") => "function",
        (0, "params") => "parameter",
        _ => "key",
    };
    let declares = |text: &str| {
        if indent_of(text) != indent {
            return false;
        }
        let key = text[indent..].trim_start_matches(['"', '\'']);
        key.strip_prefix(name)
            .is_some_and(|rest| rest.trim_start_matches(['"', '\'']).starts_with(':'))
    };
    let first = (parent + 1..pos.line).find(|&l| source.line(l).is_some_and(declares));
    (kind, first)
}

struct Reader<'s> {
    source: &'s Source,
}

fn pos_of(node: &Node<'_>) -> Pos {
    Pos {
        line: node.span.start.line().max(1),
        col: node.span.start.col() + 1,
    }
}

impl Reader<'_> {
    /// Refuses the first YAML tag (`!flag`), and the first value its core
    /// tag does not fit (`!!int x`), anywhere in the document: net files use
    /// no tags, and a tag is most often an expression starting with `!` left
    /// unquoted.
    fn reject_tags(&self, root: &Node<'_>) -> Result<()> {
        let mut pending = vec![root];
        while let Some(node) = pending.pop() {
            match &node.data {
                YamlData::Tagged(tag, _) => {
                    let tag = self.written_tag(node).unwrap_or_else(|| tag.to_string());
                    let message = tag_message(&tag, self.one_line_text(node).as_deref());
                    return Err(self.error(node, message));
                }
                YamlData::BadValue => {
                    let tag = self.written_tag(node).unwrap_or_default();
                    return Err(self.error(
                        node,
                        format!(
                            "the value does not fit its YAML tag `{tag}` (net files need no tags)"
                        ),
                    ));
                }
                YamlData::Sequence(items) => pending.extend(items.iter().rev()),
                YamlData::Mapping(m) => {
                    let entries: Vec<_> = m.iter().collect();
                    pending.extend(entries.into_iter().rev().flat_map(|(k, v)| [v, k]));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The tag written where `node` starts (`!EF`, `!!int`), if one is.
    fn written_tag(&self, node: &Node<'_>) -> Option<String> {
        let pos = pos_of(node);
        let rest = self.source.line(pos.line)?.chars().skip(pos.col - 1);
        let tag: String = rest
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
            .collect();
        tag.starts_with('!').then_some(tag)
    }

    /// The text of the file `node` spans, if on one line.
    fn one_line_text(&self, node: &Node<'_>) -> Option<String> {
        let (start, end) = (node.span.start, node.span.end);
        if start.line() != end.line() {
            return None;
        }
        let line = self.source.line(start.line())?;
        let len = end.col().saturating_sub(start.col());
        Some(line.chars().skip(start.col()).take(len).collect())
    }

    /// The error for a number YAML reads as a float: an integer too large
    /// for 64 bits, or a decimal number, which the net's language has not.
    fn float_error(&self, node: &Node<'_>) -> LoadError {
        let written = self.one_line_text(node).unwrap_or_default();
        let digits = written.strip_prefix(['-', '+']).unwrap_or(&written);
        let message = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            format!("integer `{written}` is too large for a 64-bit integer")
        } else {
            format!(
                "`{written}` is not a value of the net's language: YAML reads it as a \
                 decimal number, and the net's numbers are 64-bit integers"
            )
        };
        self.error(node, message)
    }

    fn error(&self, node: &Node<'_>, message: impl Into<String>) -> LoadError {
        LoadError::at(
            self.source,
            pos_of(node),
            LoadErrorKind::Structure(message.into()),
        )
    }

    fn map<'n, 'a>(
        &self,
        node: &'n Node<'a>,
        what: &str,
    ) -> Result<Vec<(&'n Node<'a>, &'n Node<'a>)>> {
        match &node.data {
            YamlData::Mapping(m) => Ok(m.iter().collect()),
            _ => Err(self.error(
                node,
                format!("{what} must be a mapping (`key: value` lines)"),
            )),
        }
    }

    fn seq<'n, 'a>(&self, node: &'n Node<'a>, what: &str) -> Result<&'n [Node<'a>]> {
        match &node.data {
            YamlData::Sequence(s) => Ok(s),
            _ => Err(self.error(
                node,
                format!("{what} must be a list (`[a, b]` or `- a` lines)"),
            )),
        }
    }

    /// A scalar read as plain text (numbers and booleans as written).
    fn text(&self, node: &Node<'_>, what: &str) -> Result<String> {
        match &node.data {
            YamlData::Value(Scalar::String(s)) => Ok(s.to_string()),
            YamlData::Value(Scalar::Integer(i)) => Ok(i.to_string()),
            YamlData::Value(Scalar::Boolean(b)) => Ok(b.to_string()),
            YamlData::Value(Scalar::FloatingPoint(f)) => {
                Ok(self.one_line_text(node).unwrap_or_else(|| f.to_string()))
            }
            YamlData::Representation(s, _, _) => Ok(s.to_string()),
            _ => Err(self.error(
                node,
                format!("{what} must be a single value, not a list or mapping"),
            )),
        }
    }

    fn name(&self, node: &Node<'_>, what: &str) -> Result<Spanned<String>> {
        let value = self.text(node, what)?;
        if value.is_empty()
            || !value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            || value.starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(self.error(
                node,
                format!("{what} `{value}` is not a valid name (ASCII letters, digits, `_` and `-`, not starting with a digit)"),
            ));
        }
        Ok(Spanned {
            value,
            pos: pos_of(node),
        })
    }

    fn expr(&self, node: &Node<'_>, what: &str) -> Result<ExprText> {
        if let YamlData::Value(Scalar::FloatingPoint(_)) = node.data {
            return Err(self.float_error(node));
        }
        let text = self.text(node, what)?;
        let start = self.past_properties(pos_of(node), &text);
        let quote = self
            .source
            .line(start.line)
            .and_then(|l| l.chars().nth(start.col - 1))
            .filter(|c| *c == '"' || *c == '\'');
        let quoted = quote.and_then(|q| Some((q, quoted::runs(self.source, start, &text)?)));
        let (pos, quote, runs) = match quoted {
            Some((q, runs)) => (start.shifted(1), Some(q), runs),
            None => (start, None, self.plain_runs(node, &text, start)),
        };
        let mut expr = ExprText {
            text,
            pos,
            runs,
            span: None,
        };
        expr.span = self.scalar_span(start, quote, &expr);
        Ok(expr)
    }

    /// Where the parts of a plain or block scalar's `text`, starting at
    /// `pos`, were written (see [`ExprText::runs`]).
    fn plain_runs(&self, node: &Node<'_>, text: &str, pos: Pos) -> Vec<(usize, Pos)> {
        let one_line = node.span.start.line() == node.span.end.line() || node.span.end.line() == 0;
        match one_line {
            true => vec![(0, pos)],
            false => self.line_starts(text, pos),
        }
    }

    /// Where a scalar's content starts when `start`, its node's position,
    /// is at an anchor (`&name`) or a tag (`!!str`) written before it: past
    /// them and the spaces that follow, or, where a block indicator (`|`,
    /// `>`) follows them, at the block's first line of content. A node that
    /// starts with its own text (a block scalar's first line, which may open
    /// with `!` for a negation) is left as it is.
    fn past_properties(&self, start: Pos, text: &str) -> Pos {
        let Some(line) = self.source.line(start.line) else {
            return start;
        };
        let at: String = line.chars().skip(start.col - 1).collect();
        let first_line = text.trim_start_matches('\n').lines().next().unwrap_or("");
        if !at.starts_with(['&', '!']) || (!first_line.is_empty() && at.starts_with(first_line)) {
            return start;
        }
        let mut rest = at.chars().peekable();
        let mut col = start.col;
        while rest.peek().is_some_and(|c| *c == '&' || *c == '!') {
            while rest.next_if(|c| !c.is_whitespace()).is_some() {
                col += 1;
            }
            while rest.next_if(|c| *c == ' ' || *c == '\t').is_some() {
                col += 1;
            }
        }
        match rest.peek() {
            None => start,
            Some('|' | '>') => self.block_content_start(start.line).unwrap_or(start),
            Some(_) => Pos { col, ..start },
        }
    }

    /// The first non-blank line after `line`, at its first non-blank
    /// character: where a block scalar whose indicator is on `line` starts.
    fn block_content_start(&self, line: usize) -> Option<Pos> {
        (line + 1..)
            .map_while(|n| Some((n, self.source.line(n)?)))
            .find_map(|(n, text)| {
                let indent = text.chars().take_while(|c| *c == ' ').count();
                (!text.trim().is_empty()).then_some(Pos {
                    line: n,
                    col: indent + 1,
                })
            })
    }

    /// The bytes of the file a scalar starting at `start` occupies: up to its
    /// closing quote, or to the end of its mapped text when it is plain.
    fn scalar_span(
        &self,
        start: Pos,
        quote: Option<char>,
        expr: &ExprText,
    ) -> Option<std::ops::Range<usize>> {
        let from = self.source.offset(start)?;
        let bytes = self.source.text().as_bytes();
        let end = match quote {
            Some(q) => {
                let q = q as u8;
                let mut i = from + 1;
                loop {
                    match bytes.get(i)? {
                        b'\\' if q == b'"' => i += 2,
                        &b if b == q && q == b'\'' && bytes.get(i + 1) == Some(&q) => i += 2,
                        &b if b == q => break i + 1,
                        _ => i += 1,
                    }
                }
            }
            None if expr.runs.is_empty() => return None,
            None => self.source.offset(expr.pos_of(expr.text.len()))?,
        };
        Some(from..end)
    }

    /// Maps a scalar written over several lines (plain, `|` or `>`) back to
    /// the file: each source line must hold the next part of `text`,
    /// the parts joined by one space or line break (leading blank lines
    /// being leading line breaks). A more-indented line of a
    /// block scalar keeps its extra indentation in `text`, and a blank line is
    /// a line break of its own (literal) or none (folded). Empty if the lines
    /// do not match the text, and positions then fall back to the scalar's
    /// start.
    fn line_starts(&self, text: &str, start: Pos) -> Vec<(usize, Pos)> {
        let mut starts = Vec::new();
        // A block scalar's node starts at its first line of content; the
        // blank lines before it are line breaks at the start of the text.
        let mut offset = text.len() - text.trim_start_matches('\n').len();
        let mut line_no = start.line;
        loop {
            let Some(line) = self.source.line(line_no) else {
                return Vec::new();
            };
            let first = line_no == start.line;
            let skip = if first {
                start.col - 1
            } else {
                line.chars().take_while(|c| c.is_whitespace()).count()
            };
            let content: String = line.chars().skip(skip).collect();
            let content = content.trim_end();
            if content.is_empty() && !first {
                offset += usize::from(text[offset..].starts_with('\n'));
                line_no += 1;
                continue;
            }
            // The extra indentation a more-indented line keeps.
            let kept = match first {
                true => 0,
                false => text[offset..]
                    .bytes()
                    .take_while(|&b| b == b' ')
                    .count()
                    .min(skip),
            };
            offset += kept;
            let rest = &text[offset..];
            let pos = Pos {
                line: line_no,
                col: skip + 1,
            };
            if content.starts_with(rest) && !rest.is_empty() {
                // The text ends on this line (maybe before a closing quote).
                starts.push((offset, pos));
                return starts;
            }
            if content.is_empty() || !rest.starts_with(content) {
                return Vec::new();
            }
            starts.push((offset, pos));
            offset += content.len();
            match text.as_bytes().get(offset) {
                Some(b' ' | b'\n') => offset += 1,
                _ => return Vec::new(),
            }
            if offset >= text.len() {
                return starts;
            }
            line_no += 1;
        }
    }

    fn exprs(&self, node: &Node<'_>, what: &str) -> Result<Vec<ExprText>> {
        match &node.data {
            YamlData::Sequence(items) => items.iter().map(|n| self.expr(n, what)).collect(),
            YamlData::Value(Scalar::Null) => Ok(Vec::new()),
            _ => Ok(vec![self.expr(node, what)?]),
        }
    }

    fn check_keys(
        &self,
        entries: &[(&Node<'_>, &Node<'_>)],
        allowed: &[&str],
        what: &str,
    ) -> Result<()> {
        for (k, _) in entries {
            let key = self.text(k, "a key")?;
            if !allowed.contains(&key.as_str()) {
                let mut hint = crate::load::error::suggestion(&key, allowed.iter().copied());
                if hint.is_empty() && key.ends_with(')') {
                    // `{ type: (A, B) }`: the comma ended the value.
                    hint = " (inside `{ }` a comma separates keys: quote a value that holds one, \
                            or declare a tuple type under `types:`)"
                        .to_string();
                }
                return Err(self.error(
                    k,
                    format!(
                        "unknown key `{key}` in {what}{hint}; expected one of: {}",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    fn get<'n, 'a>(entries: &[(&'n Node<'a>, &'n Node<'a>)], key: &str) -> Option<&'n Node<'a>> {
        entries.iter().find_map(|(k, v)| match &k.data {
            YamlData::Value(Scalar::String(s)) if s == key => Some(*v),
            _ => None,
        })
    }

    fn net(&self, root: &Node<'_>) -> Result<RawNet> {
        let top = self.map(root, "a net file")?;
        self.check_keys(
            &top,
            &[
                "name",
                "description",
                "params",
                "types",
                "functions",
                "places",
                "transitions",
                "properties",
                "fairness",
            ],
            "the net",
        )?;
        let mut net = RawNet {
            name: Self::get(&top, "name")
                .map(|n| self.text(n, "`name`"))
                .transpose()?,
            description: Self::get(&top, "description")
                .map(|n| self.text(n, "`description`"))
                .transpose()?,
            ..RawNet::default()
        };
        if let Some(params) = Self::get(&top, "params") {
            for (k, v) in self.section(params, "`params`")? {
                net.params.push(self.param(k, v)?);
            }
        }
        if let Some(types) = Self::get(&top, "types") {
            for (k, v) in self.section(types, "`types`")? {
                let name = self.name(k, "a type name")?;
                if let Some((at, within)) = self.symmetric_flag(v)? {
                    net.symmetric.push(RawSymmetric {
                        name: name.clone(),
                        at,
                        within,
                    });
                }
                net.types.push((name, self.ty(v)?));
            }
        }
        if let Some(functions) = Self::get(&top, "functions") {
            for (k, v) in self.section(functions, "`functions`")? {
                net.functions
                    .push((self.name(k, "a function name")?, self.function(v)?));
            }
        }
        let places = Self::get(&top, "places")
            .ok_or_else(|| self.error(root, "the net has no `places` section"))?;
        for (k, v) in self.section(places, "`places`")? {
            net.places
                .push((self.name(k, "a place name")?, self.place(v)?));
        }
        let transitions = Self::get(&top, "transitions")
            .ok_or_else(|| self.error(root, "the net has no `transitions` section"))?;
        for (k, v) in self.section(transitions, "`transitions`")? {
            net.transitions
                .push((self.name(k, "a transition name")?, self.transition(v)?));
        }
        if let Some(properties) = Self::get(&top, "properties") {
            for (k, v) in self.section(properties, "`properties`")? {
                net.properties
                    .push((self.name(k, "a property name")?, self.property(v)?));
            }
        }
        if let Some(fairness) = Self::get(&top, "fairness") {
            for (k, v) in self.section(fairness, "`fairness`")? {
                net.fairness.push((
                    self.name(k, "a transition name")?,
                    self.name(
                        v,
                        "a fairness (weak, strong, weak-per-binding, strong-per-binding)",
                    )?,
                ));
            }
        }
        Ok(net)
    }

    /// A section mapping; an empty (null) section is an empty list.
    fn section<'n, 'a>(
        &self,
        node: &'n Node<'a>,
        what: &str,
    ) -> Result<Vec<(&'n Node<'a>, &'n Node<'a>)>> {
        if matches!(node.data, YamlData::Value(Scalar::Null)) {
            return Ok(Vec::new());
        }
        self.map(node, what)
    }

    /// A parameter: `name: default`, or `name: { default: d, min: lo, max:
    /// hi }` for an integer with bounds (each optional, a number or an
    /// expression over the parameters declared before).
    fn param(&self, key: &Node<'_>, value: &Node<'_>) -> Result<RawParam> {
        let name = self.name(key, "a parameter name")?;
        let YamlData::Mapping(_) = &value.data else {
            return Ok(RawParam {
                name,
                default: self.scalar(value)?,
                min: None,
                max: None,
            });
        };
        let what = format!("parameter `{}`", name.value);
        let entries = self.map(value, &what)?;
        self.check_keys(&entries, &["default", "min", "max"], &what)?;
        let default = Self::get(&entries, "default")
            .ok_or_else(|| self.error(value, format!("{what} has bounds but no `default`")))?;
        let default = self.scalar(default)?;
        let bound = |key: &str| -> Result<Option<RawBound>> {
            let Some(node) = Self::get(&entries, key) else {
                return Ok(None);
            };
            match (&node.data, &default.value) {
                (YamlData::Value(Scalar::Integer(i)), RawScalar::Int(_)) => Ok(Some(RawBound::Int(*i))),
                (YamlData::Value(Scalar::String(_) | Scalar::FloatingPoint(_)), RawScalar::Int(_)) => {
                    Ok(Some(RawBound::Expr(self.expr(node, &format!("`{key}` of {what}"))?)))
                }
                (_, RawScalar::Int(_)) => Err(self.error(
                    node,
                    format!("`{key}` must be an integer, or an expression over the parameters declared before"),
                )),
                _ => Err(self.error(
                    node,
                    format!("`{key}` bounds integer parameters only, and the default of {what} is not an integer"),
                )),
            }
        };
        let (min, max) = (bound("min")?, bound("max")?);
        if let (Some(RawBound::Int(lo)), Some(RawBound::Int(hi))) = (&min, &max)
            && lo > hi
        {
            return Err(self.error(value, format!("{what} has `min: {lo}` above `max: {hi}`")));
        }
        Ok(RawParam {
            name,
            default,
            min,
            max,
        })
    }

    fn scalar(&self, node: &Node<'_>) -> Result<Spanned<RawScalar>> {
        let value = match &node.data {
            YamlData::Value(Scalar::Integer(i)) => RawScalar::Int(*i),
            YamlData::Value(Scalar::Boolean(b)) => RawScalar::Bool(*b),
            YamlData::Value(Scalar::String(_)) => {
                RawScalar::Name(self.name(node, "a parameter value")?.value)
            }
            YamlData::Value(Scalar::FloatingPoint(_)) => return Err(self.float_error(node)),
            _ => {
                return Err(self.error(
                    node,
                    "a parameter's value must be an integer, a boolean or a name",
                ));
            }
        };
        Ok(Spanned {
            value,
            pos: pos_of(node),
        })
    }

    /// Where a type definition says `symmetric: true` or `symmetric: {
    /// within: R }`, if it does, with `R`.
    fn symmetric_flag(&self, node: &Node<'_>) -> Result<Option<(Pos, Option<Spanned<String>>)>> {
        if let YamlData::Value(_) = &node.data {
            return Ok(None);
        }
        let entries = self.map(node, "a type definition")?;
        let Some(value) = Self::get(&entries, "symmetric") else {
            return Ok(None);
        };
        match &value.data {
            YamlData::Value(Scalar::Boolean(true)) => Ok(Some((pos_of(value), None))),
            YamlData::Value(Scalar::Boolean(false)) => Ok(None),
            YamlData::Mapping(_) => {
                let inner = self.map(value, "`symmetric:`")?;
                self.check_keys(&inner, &["within"], "`symmetric:`")?;
                let within = Self::get(&inner, "within")
                    .ok_or_else(|| self.error(value, "write `symmetric: { within: R }`"))?;
                Ok(Some((
                    pos_of(value),
                    Some(self.name(within, "a type name")?),
                )))
            }
            _ => Err(self.error(
                value,
                "write `symmetric: true`, `symmetric: false` or `symmetric: { within: R }`",
            )),
        }
    }

    fn ty(&self, node: &Node<'_>) -> Result<RawType> {
        if let YamlData::Value(_) = &node.data {
            return Ok(RawType::Alias(self.name(node, "a type name")?));
        }
        let mut entries = self.map(node, "a type definition")?;
        self.check_keys(
            &entries,
            &["range", "enum", "tuple", "opaque", "symmetric"],
            "a type definition",
        )?;
        entries.retain(
            |(k, _)| !matches!(&k.data, YamlData::Value(Scalar::String(s)) if s == "symmetric"),
        );
        let [(key, value)] = entries.as_slice() else {
            return Err(self.error(
                node,
                "a type definition has exactly one of `range`, `enum`, `tuple`, `opaque`",
            ));
        };
        match self.text(key, "a key")?.as_str() {
            "range" => match self.seq(value, "`range`")? {
                [lo, hi] => Ok(RawType::Range(
                    self.expr(lo, "a bound")?,
                    self.expr(hi, "a bound")?,
                )),
                _ => Err(self.error(value, "`range` takes two bounds: `[lo, hi]`")),
            },
            "enum" => {
                if let YamlData::Mapping(_) = &value.data {
                    let e = self.map(value, "`enum`")?;
                    self.check_keys(&e, &["prefix", "count"], "an indexed enumeration")?;
                    let prefix = Self::get(&e, "prefix")
                        .ok_or_else(|| self.error(value, "missing `prefix`"))?;
                    let count = Self::get(&e, "count")
                        .ok_or_else(|| self.error(value, "missing `count`"))?;
                    return Ok(RawType::IndexedEnum {
                        prefix: self.name(prefix, "a prefix")?,
                        count: self.expr(count, "a count")?,
                    });
                }
                let names = self.seq(value, "`enum`")?;
                names
                    .iter()
                    .map(|n| self.name(n, "a constant"))
                    .collect::<Result<_>>()
                    .map(RawType::Enum)
            }
            "tuple" => {
                let names = self.seq(value, "`tuple`")?;
                names
                    .iter()
                    .map(|n| self.name(n, "a type name"))
                    .collect::<Result<_>>()
                    .map(RawType::Tuple)
            }
            _ => match &value.data {
                YamlData::Value(Scalar::Boolean(true)) => Ok(RawType::Opaque),
                _ => Err(self.error(value, "write `opaque: true`")),
            },
        }
    }

    fn function(&self, node: &Node<'_>) -> Result<RawFunction> {
        let entries = self.map(node, "a function declaration")?;
        self.check_keys(&entries, &["args", "returns"], "a function declaration")?;
        let args = match Self::get(&entries, "args") {
            Some(a) => self
                .seq(a, "`args`")?
                .iter()
                .map(|n| self.name(n, "a type name"))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        let returns = Self::get(&entries, "returns")
            .ok_or_else(|| self.error(node, "missing `returns: Type`"))?;
        Ok(RawFunction {
            args,
            returns: self.name(returns, "a type name")?,
        })
    }

    fn place(&self, node: &Node<'_>) -> Result<RawPlace> {
        let entries = self.map(node, "a place")?;
        self.check_keys(&entries, &["type", "init"], "a place")?;
        let ty = Self::get(&entries, "type")
            .ok_or_else(|| self.error(node, "a place needs a `type`"))?;
        Ok(RawPlace {
            ty: self.place_type(ty)?,
            init: match Self::get(&entries, "init") {
                Some(init) => self.exprs(init, "a marking item")?,
                None => Vec::new(),
            },
        })
    }

    /// A place's type: the name of a declared type. A tuple written in its
    /// place is refused with how to declare it.
    fn place_type(&self, node: &Node<'_>) -> Result<Spanned<String>> {
        let value = self.text(node, "a place's type")?;
        let Some(components) = value.strip_prefix('(').and_then(|v| v.strip_suffix(')')) else {
            return self.name(node, "a place's type");
        };
        let example = match components.contains('(') {
            false => format!(", e.g. `Pair: {{ tuple: [{components}] }}`,"),
            true => " (`Pair: { tuple: [A, B] }`, a component being a declared tuple type),".into(),
        };
        Err(self.error(
            node,
            format!(
                "a place's type `{value}` is not a valid name: declare the tuple under \
                 `types:`{example} and write `type: Pair`"
            ),
        ))
    }

    fn arcs(&self, node: &Node<'_>, what: &str) -> Result<Vec<(Spanned<String>, Vec<ExprText>)>> {
        self.section(node, what)?
            .into_iter()
            .map(|(k, v)| Ok((self.name(k, "a place name")?, self.exprs(v, "an arc item")?)))
            .collect()
    }

    fn transition(&self, node: &Node<'_>) -> Result<RawTransition> {
        if matches!(node.data, YamlData::Value(Scalar::Null)) {
            return Ok(RawTransition {
                inputs: Vec::new(),
                guard: None,
                outputs: Vec::new(),
            });
        }
        let entries = self.map(node, "a transition")?;
        self.check_keys(&entries, &["in", "out", "guard"], "a transition")?;
        Ok(RawTransition {
            inputs: Self::get(&entries, "in")
                .map(|n| self.arcs(n, "`in`"))
                .transpose()?
                .unwrap_or_default(),
            guard: Self::get(&entries, "guard")
                .map(|n| self.expr(n, "a guard"))
                .transpose()?,
            outputs: Self::get(&entries, "out")
                .map(|n| self.arcs(n, "`out`"))
                .transpose()?
                .unwrap_or_default(),
        })
    }

    fn property(&self, node: &Node<'_>) -> Result<RawProperty> {
        let entries = self.map(node, "a property")?;
        let kinds = [
            "invariant",
            "reachable",
            "deadlock-free",
            "bound",
            "ctl",
            "ltl",
        ];
        self.check_keys(&entries, &kinds, "a property")?;
        let [(key, value)] = entries.as_slice() else {
            return Err(self.error(
                node,
                "a property has exactly one of: invariant, reachable, deadlock-free, bound, ctl, ltl",
            ));
        };
        match self.text(key, "a key")?.as_str() {
            "invariant" => Ok(RawProperty::Invariant(self.expr(value, "an invariant")?)),
            "ctl" => Ok(RawProperty::Ctl(self.expr(value, "a CTL formula")?)),
            "ltl" => Ok(RawProperty::Ltl(self.expr(value, "an LTL formula")?)),
            "reachable" => Ok(RawProperty::Reachable(self.expr(value, "a goal")?)),
            "deadlock-free" => match &value.data {
                YamlData::Value(Scalar::Boolean(true)) => Ok(RawProperty::DeadlockFree(None)),
                YamlData::Mapping(_) => {
                    let e = self.map(value, "`deadlock-free`")?;
                    self.check_keys(&e, &["except"], "`deadlock-free`")?;
                    let except = Self::get(&e, "except")
                        .ok_or_else(|| self.error(value, "write `{ except: expr }`"))?;
                    Ok(RawProperty::DeadlockFree(Some(
                        self.expr(except, "a predicate")?,
                    )))
                }
                _ => Err(self.error(
                    value,
                    "write `deadlock-free: true` or `deadlock-free: { except: expr }`",
                )),
            },
            _ => {
                let e = self.map(value, "`bound`")?;
                self.check_keys(&e, &["place", "max"], "`bound`")?;
                let place = Self::get(&e, "place")
                    .ok_or_else(|| self.error(value, "`bound` needs `place`"))?;
                let max =
                    Self::get(&e, "max").ok_or_else(|| self.error(value, "`bound` needs `max`"))?;
                Ok(RawProperty::Bound {
                    place: self.name(place, "a place name")?,
                    max: self.expr(max, "a bound")?,
                })
            }
        }
    }
}
