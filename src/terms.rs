//! Token values as the engine prints them, read back into a tree: to shorten
//! long terms in human output ([`abbreviate`]) and to give JSON readers values
//! instead of strings ([`value_json`], [`multiset_json`], [`places_json`]).
//!
//! The engine prints a value as `true`, `3`, `doctor`, a tuple `(a, b)` (one
//! component: `(a,)`), a term `enc(k, m)`, opaque bytes `0x00112233..(32
//! bytes)`; a multiset as `{a, 2'b}`; a coloured marking as `Place: {…}; Other:
//! {…}`; a place/transition marking as `p q*2`. These forms nest brackets
//! properly and their atoms hold no brackets, commas or spaces, so the text
//! splits back into its tree without ambiguity.

use serde_json::{Map, Value as Json, json};

/// A printed value, split into its parts.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A number, boolean, enumeration constant or opaque bytes.
    Atom(String),
    /// A tuple: `(a, b)`.
    Tuple(Vec<Node>),
    /// A term: `f(a, b)`.
    Term(String, Vec<Node>),
    /// A multiset: `{a, 2'b}` (count, item).
    Multiset(Vec<(u64, Node)>),
}

/// Reads a printed value; `None` if the text is not one (then callers keep the text).
pub fn parse(text: &str) -> Option<Node> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        at: 0,
    };
    let node = parser.node()?;
    parser.skip_spaces();
    (parser.at == parser.chars.len()).then_some(node)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(' ') {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_spaces();
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> String {
        let start = self.at;
        while let Some(c) = self.peek() {
            if matches!(c, '(' | ')' | '{' | '}' | ',' | ' ' | '\'') {
                break;
            }
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    /// Comma-separated items up to `close` (the opening bracket already eaten).
    fn items<T>(
        &mut self,
        close: char,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Some(items);
        }
        loop {
            items.push(item(self)?);
            if self.eat(close) {
                return Some(items);
            }
            if !self.eat(',') {
                return None;
            }
            // `(a,)`: a one-component tuple.
            if self.eat(close) {
                return Some(items);
            }
        }
    }

    fn node(&mut self) -> Option<Node> {
        self.skip_spaces();
        match self.peek()? {
            '(' => {
                self.at += 1;
                Some(Node::Tuple(self.items(')', Self::node)?))
            }
            '{' => {
                self.at += 1;
                Some(Node::Multiset(self.items('}', Self::counted)?))
            }
            _ => {
                let word = self.word();
                if word.is_empty() {
                    return None;
                }
                if self.peek() != Some('(') {
                    return Some(Node::Atom(word));
                }
                if word.starts_with("0x") && word.ends_with("..") {
                    // Opaque bytes: `0x0011..(32 bytes)`.
                    let start = self.at;
                    while self.peek()? != ')' {
                        self.at += 1;
                    }
                    self.at += 1;
                    let tail: String = self.chars[start..self.at].iter().collect();
                    return Some(Node::Atom(word + &tail));
                }
                self.at += 1;
                Some(Node::Term(word, self.items(')', Self::node)?))
            }
        }
    }

    fn counted(&mut self) -> Option<(u64, Node)> {
        self.skip_spaces();
        let start = self.at;
        let word = self.word();
        if self.peek() == Some('\'')
            && let Ok(count) = word.parse()
        {
            self.at += 1;
            return Some((count, self.node()?));
        }
        self.at = start;
        Some((1, self.node()?))
    }
}

impl Node {
    /// The node printed as the engine prints it, nested parts deeper than
    /// `depth` replaced by `…` (`None`: whole).
    fn show(&self, depth: Option<usize>, out: &mut String) {
        let deeper = depth.map(|d| d.saturating_sub(1));
        let cut = depth == Some(0);
        let list = |items: &[Node], out: &mut String| {
            if cut && !items.is_empty() {
                out.push('…');
                return;
            }
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                item.show(deeper, out);
            }
        };
        match self {
            Node::Atom(a) => out.push_str(a),
            Node::Tuple(items) => {
                out.push('(');
                list(items, out);
                if items.len() == 1 && !cut {
                    out.push(',');
                }
                out.push(')');
            }
            Node::Term(f, args) => {
                out.push_str(f);
                out.push('(');
                list(args, out);
                out.push(')');
            }
            Node::Multiset(items) => {
                out.push('{');
                if cut && !items.is_empty() {
                    out.push('…');
                } else {
                    for (i, (count, item)) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        if *count != 1 {
                            out.push_str(&format!("{count}'"));
                        }
                        item.show(deeper, out);
                    }
                }
                out.push('}');
            }
        }
    }

    fn shown(&self, depth: Option<usize>) -> String {
        let mut out = String::new();
        self.show(depth, &mut out);
        out
    }

    /// The node as a JSON value: numbers and booleans as such, constants and
    /// bytes as strings, tuples as arrays, terms as `{"fn": f, "args": [...]}`,
    /// multisets as arrays of `{"value": v, "count": n}`.
    pub fn json(&self) -> Json {
        match self {
            Node::Atom(a) => match a.as_str() {
                "true" => Json::Bool(true),
                "false" => Json::Bool(false),
                _ => a
                    .parse::<i64>()
                    .map_or_else(|_| Json::String(a.clone()), Json::from),
            },
            Node::Tuple(items) => Json::Array(items.iter().map(Node::json).collect()),
            Node::Term(f, args) => {
                json!({"fn": f, "args": args.iter().map(Node::json).collect::<Vec<_>>()})
            }
            Node::Multiset(items) => Json::Array(
                items
                    .iter()
                    .map(|(count, item)| json!({"value": item.json(), "count": count}))
                    .collect(),
            ),
        }
    }
}

/// The node printed whole, as the engine prints it.
pub fn shown(node: &Node) -> String {
    node.shown(None)
}

/// A printed value no longer than `max` characters where it can be: its
/// deepest parts replaced by `…`, as few as needed. The result depends on the
/// value alone, so one term is shortened the same way wherever it appears.
pub fn abbreviate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let Some(node) = parse(text) else {
        return text.to_string();
    };
    let mut best = node.shown(Some(0));
    for depth in 1.. {
        let shown = node.shown(Some(depth));
        if shown.chars().count() > max || shown == best {
            break;
        }
        best = shown;
    }
    best
}

/// A printed value as JSON (see [`Node::json`]); text that is not a printed value stays a string.
pub fn value_json(text: &str) -> Json {
    parse(text).map_or_else(|| Json::String(text.to_string()), |n| n.json())
}

/// A printed multiset (`{a, 2'b}`) as a JSON array of `{"value", "count"}`.
pub fn multiset_json(text: &str) -> Json {
    value_json(text)
}

/// Marked places as a JSON object from place to tokens: a count (a
/// place/transition net) stays a number, a multiset (`{a, 2'b}`) becomes an
/// array of `{"value", "count"}`; built from the places, never from a
/// marking's text, so no place name is split.
pub fn places_json(places: &[(String, String)]) -> Json {
    let map: Map<String, Json> = (places.iter())
        .map(|(place, tokens)| (place.clone(), value_json(tokens)))
        .collect();
    Json::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_values_read_back_whole() {
        for text in [
            "3",
            "(doctor, 1)",
            "(a,)",
            "know(g1(x((doctor, 1))), g2(x((doctor, 1))))",
            "{(p1, 0, 1), 2'(a, b), know()}",
            "0x00112233aabbccdd..(32 bytes)",
            "{}",
            "f()",
        ] {
            let node = parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(node.shown(None), text);
        }
        assert_eq!(parse("(a, b"), None);
        assert_eq!(parse("a b"), None);
    }

    #[test]
    fn long_terms_lose_their_deepest_parts_first() {
        let text = "enc(key(gt(r(p1, medical, 1))), (p1, medical, 1), phr(p1, medical, 1))";
        assert_eq!(abbreviate(text, 200), text);
        let short = abbreviate(text, 50);
        assert!(short.chars().count() <= 50, "{short}");
        assert_eq!(short, "enc(key(…), (…), phr(…))");
        assert_eq!(abbreviate(text, 1), "enc(…)");
        // The same term is shortened the same way wherever it appears.
        assert_eq!(abbreviate(text, 50), short);
    }

    #[test]
    fn values_become_json_values() {
        assert_eq!(
            value_json("((doctor, 1), true, f(2))"),
            json!([["doctor", 1], true, {"fn": "f", "args": [2]}])
        );
        assert_eq!(
            multiset_json("{a, 2'(b, 1)}"),
            json!([{"value": "a", "count": 1}, {"value": ["b", 1], "count": 2}])
        );
        let places = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            (pairs.iter())
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect()
        };
        assert_eq!(
            places_json(&places(&[("P: x; y", "{a}"), ("Q", "{(b, 1), c}")])),
            json!({"P: x; y": [{"value": "a", "count": 1}], "Q": [{"value": ["b", 1], "count": 1}, {"value": "c", "count": 1}]})
        );
        assert_eq!(
            places_json(&places(&[("a b", "1"), ("x: 1, y", "2")])),
            json!({"a b": 1, "x: 1, y": 2})
        );
        assert_eq!(places_json(&[]), json!({}));
    }
}
