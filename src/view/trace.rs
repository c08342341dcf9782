//! Reading traces from the JSON that `sesphr check --json` writes.
//!
//! The reader is tolerant of the output's shape: it looks for every object
//! holding a `steps` list (at any depth, e.g. `properties[].trace`), names it
//! after the nearest enclosing object with a `name`, and accepts bindings as
//! `[[var, value]]` pairs, `{var: value}` objects or `[{name, value}]` lists,
//! changes as a list of `{place, ...}` objects or an object keyed by place,
//! each giving the marking `after` the step or the tokens `removed` and
//! `added`, and markings as strings (`{1, 2'x}`), counts (P/T nets) or JSON
//! lists of values or of `{value, count}`; values as the checker prints them
//! or as JSON (tuples as lists, terms as `{fn, args}`).

use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::Value;

/// One trace of the file, ready for the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedTrace {
    /// What the trace shows, e.g. `no_deadlock (deadlock-free): VIOLATED`.
    pub title: String,
    /// Whether it leads to a violation (shown first).
    pub violation: bool,
    /// Its steps, in order.
    pub steps: Vec<TraceStep>,
}

/// One firing of a trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceStep {
    /// The transition that fires.
    pub transition: String,
    /// Its binding, `p=1, u=(doctor, 1)` (empty for none).
    pub binding: String,
    /// The places whose marking changes, with their new marking.
    pub changes: Vec<PlaceChange>,
}

/// What a step did to a place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceChange {
    /// The place's name.
    pub place: String,
    /// How its marking changed.
    pub change: Change,
}

/// A place's new marking, or the tokens that left and entered it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Change {
    /// Its marking after the step, as text, and its token count.
    After {
        /// The marking, as text.
        text: String,
        /// The number of tokens.
        tokens: u64,
    },
    /// The tokens removed and added, as (value, multiplicity).
    Delta {
        /// Tokens taken.
        removed: Vec<(String, u64)>,
        /// Tokens put.
        added: Vec<(String, u64)>,
    },
}

/// Every trace in `json`, violations first (in file order otherwise).
pub fn read_traces(json: &Value) -> Result<Vec<NamedTrace>> {
    let mut traces = Vec::new();
    collect(json, &Context::default(), &mut traces)?;
    traces.sort_by_key(|t| !t.violation);
    Ok(traces)
}

/// What the enclosing objects say about the trace being read.
#[derive(Debug, Clone, Default)]
struct Context {
    name: Option<String>,
    kind: Option<String>,
    holds: Option<bool>,
}

fn collect(value: &Value, outer: &Context, out: &mut Vec<NamedTrace>) -> Result<()> {
    match value {
        Value::Array(items) => {
            for item in items {
                collect(item, outer, out)?;
            }
        }
        Value::Object(map) => {
            let mut context = outer.clone();
            if let Some(name) = map.get("name").and_then(Value::as_str) {
                context = Context {
                    name: Some(name.to_string()),
                    kind: map.get("kind").and_then(Value::as_str).map(str::to_string),
                    holds: map.get("holds").and_then(Value::as_bool),
                };
            }
            if let Some(Value::Array(steps)) = map.get("steps") {
                out.push(read_trace(steps, &context, out.len())?);
                return Ok(());
            }
            for item in map.values() {
                collect(item, &context, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn read_trace(steps: &[Value], context: &Context, index: usize) -> Result<NamedTrace> {
    let mut read = Vec::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        let Some(transition) = step.get("transition").and_then(text_of) else {
            bail!(
                "step {} of trace {} names no transition (expected a `transition` field)",
                i + 1,
                index + 1
            );
        };
        read.push(TraceStep {
            transition,
            binding: step.get("binding").map(binding_text).unwrap_or_default(),
            changes: step.get("changes").map(changes).unwrap_or_default(),
        });
    }
    let name = context
        .name
        .clone()
        .unwrap_or_else(|| format!("trace {}", index + 1));
    let kind = context
        .kind
        .as_ref()
        .map(|k| format!(" ({k})"))
        .unwrap_or_default();
    let witness = context.kind.as_deref() == Some("reachable");
    let violation = context.holds == Some(false);
    let verdict = match (context.holds, witness) {
        (Some(false), _) => ": VIOLATED",
        (Some(true), true) => ": witness",
        _ => "",
    };
    Ok(NamedTrace {
        title: format!("{name}{kind}{verdict}"),
        violation,
        steps: read,
    })
}

/// A JSON value as text: strings unquoted, numbers as written, lists and
/// tuples in the checker's notation.
fn text_of(value: &Value) -> Option<String> {
    Some(match value {
        Value::String(s) => s.clone(),
        Value::Null => return None,
        other => render(other),
    })
}

fn render(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(render).collect();
            format!("({})", inner.join(", "))
        }
        Value::Object(map) => match (map.get("fn").and_then(Value::as_str), map.get("args")) {
            (Some(f), Some(Value::Array(args))) => {
                let inner: Vec<String> = args.iter().map(render).collect();
                format!("{f}({})", inner.join(", "))
            }
            _ => {
                let inner: Vec<String> = map
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", render(v)))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
        },
        other => other.to_string(),
    }
}

fn binding_text(binding: &Value) -> String {
    let pairs: Vec<String> = match binding {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}={}", render(v)))
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::Array(pair) if pair.len() == 2 => {
                    Some(format!("{}={}", render(&pair[0]), render(&pair[1])))
                }
                Value::Object(map) => {
                    let name = map.get("name").or_else(|| map.get("variable"))?;
                    Some(format!("{}={}", render(name), render(map.get("value")?)))
                }
                _ => None,
            })
            .collect(),
        Value::String(s) => return s.clone(),
        _ => Vec::new(),
    };
    pairs.join(", ")
}

fn changes(value: &Value) -> Vec<PlaceChange> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|c| {
                let place = c.get("place").and_then(text_of)?;
                Some(PlaceChange {
                    place,
                    change: change(c),
                })
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(place, c)| PlaceChange {
                place: place.clone(),
                change: if c.is_object() { change(c) } else { after(c) },
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A change object: its `after`, else its `removed` and `added`.
fn change(c: &Value) -> Change {
    match (c.get("after"), c.get("removed"), c.get("added")) {
        (Some(a), _, _) => after(a),
        (None, removed, added) => Change::Delta {
            removed: removed.map(multiset_items).unwrap_or_default(),
            added: added.map(multiset_items).unwrap_or_default(),
        },
    }
}

fn after(value: &Value) -> Change {
    let (text, tokens) = match value {
        Value::Number(n) => (n.to_string(), n.as_u64().unwrap_or(0)),
        Value::String(s) => (s.clone(), count_tokens(s)),
        Value::Null => ("{}".to_string(), 0),
        other => {
            let items = multiset_items(other);
            (render_multiset(&items), items.iter().map(|(_, n)| n).sum())
        }
    };
    Change::After { text, tokens }
}

/// The (value, multiplicity) items of a multiset: a JSON list of values or
/// of `{value, count}`, or text as the checker prints it.
pub fn multiset_items(value: &Value) -> Vec<(String, u64)> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| match item.get("value") {
                Some(v) if item.is_object() => (render(v), multiplicity(item)),
                _ => (render(item), 1),
            })
            .collect(),
        Value::String(s) => text_items(s),
        Value::Null => Vec::new(),
        other => vec![(render(other), 1)],
    }
}

/// Tokens an item of a JSON multiset stands for: its `count` when it has one.
fn multiplicity(item: &Value) -> u64 {
    item.get("count")
        .or_else(|| item.get("multiplicity"))
        .and_then(Value::as_u64)
        .unwrap_or(1)
}

/// A multiset as the checker prints it: `{1, 2'x}`.
pub fn render_multiset(items: &[(String, u64)]) -> String {
    let inner: Vec<String> = items
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(v, n)| {
            if *n == 1 {
                v.clone()
            } else {
                format!("{n}'{v}")
            }
        })
        .collect();
    format!("{{{}}}", inner.join(", "))
}

/// Tokens in a multiset written as the checker prints it: `{}`, `{1, 2}`,
/// `{3'x, (a, b)}`, or a bare count (P/T nets).
pub fn count_tokens(text: &str) -> u64 {
    match text.trim().parse::<u64>() {
        Ok(count) => count,
        Err(_) => text_items(text).iter().map(|(_, n)| n).sum(),
    }
}

/// The items of a multiset as the checker prints it (commas inside
/// brackets and quotes do not separate; `3'x` is x three times).
pub fn text_items(text: &str) -> Vec<(String, u64)> {
    let inner = text.trim();
    let inner = inner
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(inner)
        .trim();
    if inner.is_empty() {
        return Vec::new();
    }
    let mut items = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .iter()
        .map(|item| {
            let item = item.trim();
            match item.split_once('\'') {
                Some((n, rest)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                    (rest.to_string(), n.parse().unwrap_or(1))
                }
                _ => (item.to_string(), 1),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn multisets_are_counted_as_printed() {
        assert_eq!(count_tokens("{}"), 0);
        assert_eq!(count_tokens("7"), 7);
        assert_eq!(count_tokens("{1, 2, 3}"), 3);
        assert_eq!(count_tokens("{3'x, (a, b)}"), 4);
        assert_eq!(count_tokens("{\"a, b\", f(x, y)}"), 2);
        assert_eq!(
            text_items("{2'(a, b), c}"),
            vec![("(a, b)".to_string(), 2), ("c".to_string(), 1)]
        );
        assert_eq!(
            render_multiset(&text_items("{2'(a, b), c}")),
            "{2'(a, b), c}"
        );
    }

    #[test]
    fn the_check_report_shape_is_read() {
        let report = json!({
            "net": "n",
            "properties": [
                {"name": "ok", "kind": "invariant", "holds": true, "trace": null},
                {"name": "seen", "kind": "reachable", "holds": true, "trace": {
                    "initial": "a: {1}", "final": "b: {1}",
                    "steps": [{"transition": "t", "binding": [["p", "1"]],
                               "changes": [{"place": "a", "before": "{1}", "after": "{}",
                                            "removed": "{1}", "added": "{}"}]}]}},
                {"name": "bad", "kind": "deadlock-free", "holds": false, "trace": {
                    "steps": [{"transition": "u", "binding": [], "changes": []}]}}
            ]
        });
        let traces = read_traces(&report).unwrap();
        assert_eq!(traces.len(), 2);
        assert_eq!(traces[0].title, "bad (deadlock-free): VIOLATED");
        assert_eq!(traces[1].title, "seen (reachable): witness");
        let step = &traces[1].steps[0];
        assert_eq!(step.binding, "p=1");
        assert_eq!(
            step.changes[0].change,
            Change::After {
                text: "{}".into(),
                tokens: 0
            }
        );
    }

    #[test]
    fn structured_values_are_accepted() {
        let trace = json!({"steps": [{
            "transition": "grant",
            "binding": {"u": ["doctor", 1], "k": 3},
            "changes": {"acl": {"after": [["doctor", 1], {"value": "x", "count": 2}]}}
        }]});
        let traces = read_traces(&trace).unwrap();
        let step = &traces[0].steps[0];
        assert_eq!(traces[0].title, "trace 1");
        assert_eq!(step.binding, "k=3, u=(doctor, 1)");
        assert_eq!(step.changes[0].place, "acl");
        assert_eq!(
            step.changes[0].change,
            Change::After {
                text: "{(doctor, 1), 2'x}".into(),
                tokens: 3
            }
        );
    }

    /// The shape `check --json` writes with tokens as JSON values: bindings
    /// as objects, changes as tokens removed and added, terms as `{fn, args}`
    /// (a step of the philosophers' output, and a P/T counter).
    #[test]
    fn tokens_as_json_values_are_read() {
        let report = json!({"properties": [{"holds": false, "kind": "deadlock-free", "name": "no_deadlock",
            "trace": {"initial": {"forks": [{"count": 1, "value": 1}]},
                      "steps": [{"binding": {"p": 1, "k": {"fn": "key", "args": [["doctor", 1]]}},
                                 "changes": [{"added": [], "place": "thinking", "removed": [{"count": 1, "value": 1}]},
                                             {"added": [{"count": 2, "value": [1, "a"]}], "place": "has_left", "removed": []},
                                             {"place": "lock", "before": 1, "after": 0}],
                                 "transition": "take_left"}]}}]});
        let traces = read_traces(&report).unwrap();
        let step = &traces[0].steps[0];
        assert_eq!(step.binding, "k=key((doctor, 1)), p=1");
        assert_eq!(
            step.changes[0].change,
            Change::Delta {
                removed: vec![("1".into(), 1)],
                added: vec![]
            }
        );
        assert_eq!(
            step.changes[1].change,
            Change::Delta {
                removed: vec![],
                added: vec![("(1, a)".into(), 2)]
            }
        );
        assert_eq!(
            step.changes[2].change,
            Change::After {
                text: "0".into(),
                tokens: 0
            }
        );
    }

    #[test]
    fn a_step_without_transition_is_an_error() {
        let err = read_traces(&json!({"steps": [{"binding": []}]})).unwrap_err();
        assert!(err.to_string().contains("step 1 of trace 1"), "{err}");
    }
}
