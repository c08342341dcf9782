//! Reading traces from the JSON that `sesphr check --json` writes.
//!
//! The reader is tolerant of the output's shape: it looks for every object
//! holding a `steps` list (at any depth, e.g. `properties[].trace`), names it
//! after the nearest enclosing object with a `name`, and accepts bindings as
//! `[[var, value]]` pairs, `{var: value}` objects or `[{name, value}]` lists,
//! changes as a list of `{place, after}` objects or an object keyed by place,
//! and markings as strings (`{1, 2'x}`) or JSON lists.

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

/// A place's marking after a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceChange {
    /// The place's name.
    pub place: String,
    /// Its marking after the step, as text.
    pub after: String,
    /// The number of tokens in it after the step.
    pub tokens: u64,
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
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}: {}", render(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
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
                Some(change(place, c.get("after").unwrap_or(&Value::Null)))
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(place, c)| change(place.clone(), c.get("after").unwrap_or(c)))
            .collect(),
        _ => Vec::new(),
    }
}

fn change(place: String, after: &Value) -> PlaceChange {
    let (after, tokens) = match after {
        Value::String(s) => (s.clone(), count_tokens(s)),
        Value::Array(items) => {
            let tokens = items.iter().map(multiplicity).sum();
            let inner: Vec<String> = items.iter().map(render).collect();
            (format!("{{{}}}", inner.join(", ")), tokens)
        }
        Value::Null => (String::new(), 0),
        other => (render(other), 1),
    };
    PlaceChange {
        place,
        after,
        tokens,
    }
}

/// Tokens an item of a JSON multiset stands for: its `count` when it has one.
fn multiplicity(item: &Value) -> u64 {
    item.get("count")
        .or_else(|| item.get("multiplicity"))
        .and_then(Value::as_u64)
        .unwrap_or(1)
}

/// Tokens in a multiset written as the checker prints it: `{}`, `{1, 2}`,
/// `{3'x, (a, b)}` (commas inside brackets and quotes do not separate), or
/// a bare count (P/T nets).
pub fn count_tokens(text: &str) -> u64 {
    let inner = text.trim();
    if let Ok(count) = inner.parse::<u64>() {
        return count;
    }
    let inner = inner
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(inner)
        .trim();
    if inner.is_empty() {
        return 0;
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
                Some((n, _)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                    n.parse().unwrap_or(1)
                }
                _ => 1,
            }
        })
        .sum()
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
        assert_eq!(step.changes[0].after, "{}");
        assert_eq!(step.changes[0].tokens, 0);
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
        assert_eq!(step.changes[0].tokens, 3);
    }

    #[test]
    fn a_step_without_transition_is_an_error() {
        let err = read_traces(&json!({"steps": [{"binding": []}]})).unwrap_err();
        assert!(err.to_string().contains("step 1 of trace 1"), "{err}");
    }
}
