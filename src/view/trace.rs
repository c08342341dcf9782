//! Reading traces from the JSON that `sesphr check --json` writes.
//!
//! The reader is tolerant of the output's shape: it looks for every object
//! holding a `steps` list (at any depth, e.g. `properties[].trace`) or a
//! lasso's `stem` and `cycle`, names it after the nearest enclosing object
//! with a `name`, and reads each step's transition and binding: `[[var,
//! value]]` pairs, `{var: value}` objects, `[{name, value}]` lists or text
//! (`p=1, u=(doctor, 1)`); values as the checker prints them or as JSON
//! (tuples as lists, terms as `{fn, args}`). The markings are not read from
//! the file: the page fires the steps on the net (see `super::replay`).

use anyhow::{Result, bail};
use serde_json::Value;

/// One trace of the file, ready for the page.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedTrace {
    /// What the trace shows, e.g. `no_deadlock (deadlock-free): VIOLATED`.
    pub title: String,
    /// Whether it leads to a violation (shown first).
    pub violation: bool,
    /// Its steps, in order.
    pub steps: Vec<TraceStep>,
}

/// One firing of a trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceStep {
    /// The transition that fires.
    pub transition: String,
    /// The binding's variables and their values as text (`p`, `1`), in the
    /// checker's notation; empty for none.
    pub values: Vec<(String, String)>,
    /// Where the step stands in a lasso (the cycle starts here), if it does.
    pub note: Option<String>,
}

/// Every trace in `json`, violations first (in file order otherwise). Of
/// the array of reports that `check A B --json` writes, only the reports
/// whose `net` is `net` are read, when there are some.
pub fn read_traces(json: &Value, net: &str) -> Result<Vec<NamedTrace>> {
    let mut traces = Vec::new();
    let of_net = |r: &Value| r.get("net").and_then(Value::as_str) == Some(net);
    match json {
        Value::Array(reports) if reports.iter().any(of_net) => {
            for report in reports.iter().filter(|r| of_net(r)) {
                collect(report, &Context::default(), &mut traces)?;
            }
        }
        _ => collect(json, &Context::default(), &mut traces)?,
    }
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
            if let (Some(Value::Array(stem)), Some(Value::Array(cycle))) =
                (map.get("stem"), map.get("cycle"))
            {
                out.push(read_lasso(stem, cycle, &context, out.len())?);
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

/// A lasso (an LTL counterexample) as one trace: its stem, then its cycle
/// once, the cycle's first step saying that the cycle repeats from there.
fn read_lasso(
    stem: &[Value],
    cycle: &[Value],
    context: &Context,
    index: usize,
) -> Result<NamedTrace> {
    let whole: Vec<Value> = stem.iter().chain(cycle).cloned().collect();
    let mut trace = read_trace(&whole, context, index)?;
    let (from, to) = (stem.len() + 1, stem.len() + cycle.len());
    let repeat = if cycle.is_empty() {
        format!(
            "the marking after step {} is a deadlock, kept for ever",
            stem.len()
        )
    } else if from == to {
        format!("step {from} repeats for ever")
    } else {
        format!("steps {from} to {to} repeat for ever")
    };
    trace.title = format!("{} (lasso: {repeat})", trace.title);
    if let Some(first) = trace.steps.get_mut(stem.len()) {
        first.note = Some(format!("The cycle starts here: {repeat}."));
    }
    Ok(trace)
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
        let values = step.get("binding").map(binding_values).unwrap_or_default();
        read.push(TraceStep {
            transition,
            values,
            note: None,
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

/// A binding's `(variable, value)` pairs, values in the checker's notation.
fn binding_values(binding: &Value) -> Vec<(String, String)> {
    match binding {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), render(v))).collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::Array(pair) if pair.len() == 2 => Some((render(&pair[0]), render(&pair[1]))),
                Value::Object(map) => {
                    let name = map.get("name").or_else(|| map.get("variable"))?;
                    Some((render(name), render(map.get("value")?)))
                }
                _ => None,
            })
            .collect(),
        Value::String(s) => text_binding(s),
        _ => Vec::new(),
    }
}

/// A binding written as text, `p=1, u=(doctor, 1)`, as pairs with each
/// value in the checker's notation.
pub fn text_binding(text: &str) -> Vec<(String, String)> {
    split_top_commas(text)
        .into_iter()
        .filter_map(|pair| {
            let (var, value) = pair.split_once('=')?;
            let value = render(&crate::terms::value_json(value.trim()));
            Some((var.trim().to_string(), value))
        })
        .collect()
}

/// Pairs shown as `p=1, u=(doctor, 1)`.
pub fn join_values(values: &[(String, String)]) -> String {
    let pairs: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join(", ")
}

/// A value as the checker prints it, in the notation of the trace reader
/// (so that a value of the net and one read from a file compare as text).
pub fn value_text(printed: &str) -> String {
    render(&crate::terms::value_json(printed))
}

/// `text` split at the commas outside brackets and quotes.
fn split_top_commas(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bindings_written_as_text_are_read_as_values() {
        assert_eq!(
            text_binding("p=1, u=(doctor, 1), s=\"a, b\""),
            vec![
                ("p".to_string(), "1".to_string()),
                ("u".to_string(), "(doctor, 1)".to_string()),
                ("s".to_string(), "\"a, b\"".to_string())
            ]
        );
        assert_eq!(value_text("(a, f(1))"), "(a, f(1))");
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
        let traces = read_traces(&report, "n").unwrap();
        assert_eq!(traces.len(), 2);
        assert_eq!(traces[0].title, "bad (deadlock-free): VIOLATED");
        assert_eq!(traces[1].title, "seen (reachable): witness");
        let step = &traces[1].steps[0];
        assert_eq!(join_values(&step.values), "p=1");
        assert_eq!(step.values, vec![("p".to_string(), "1".to_string())]);
    }

    #[test]
    fn structured_values_are_accepted() {
        let trace = json!({"steps": [{
            "transition": "grant",
            "binding": {"u": ["doctor", 1], "k": 3},
            "changes": {"acl": {"after": [["doctor", 1], {"value": "x", "count": 2}]}}
        }]});
        let traces = read_traces(&trace, "n").unwrap();
        let step = &traces[0].steps[0];
        assert_eq!(traces[0].title, "trace 1");
        assert_eq!(join_values(&step.values), "k=3, u=(doctor, 1)");
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
        let traces = read_traces(&report, "n").unwrap();
        let step = &traces[0].steps[0];
        assert_eq!(join_values(&step.values), "k=key((doctor, 1)), p=1");
    }

    #[test]
    fn a_lasso_is_its_stem_then_its_cycle() {
        let report = json!({"name": "live", "kind": "ltl", "holds": false,
            "lasso": {"stem": [{"transition": "a"}], "cycle": [{"transition": "b"}, {"transition": "c"}]}});
        let traces = read_traces(&report, "n").unwrap();
        assert_eq!(
            traces[0].title,
            "live (ltl): VIOLATED (lasso: steps 2 to 3 repeat for ever)"
        );
        let notes: Vec<_> = traces[0].steps.iter().map(|s| s.note.is_some()).collect();
        assert_eq!(notes, [false, true, false]);
    }

    #[test]
    fn of_several_reports_those_of_the_net_are_read() {
        let reports = json!([
            {"net": "m", "properties": [{"name": "x", "holds": false, "trace": {"steps": [{"transition": "t"}]}}]},
            {"net": "n", "properties": [{"name": "y", "holds": false, "trace": {"steps": [{"transition": "u"}]}}]}
        ]);
        let traces = read_traces(&reports, "n").unwrap();
        assert_eq!(traces.len(), 1);
        assert_eq!(traces[0].steps[0].transition, "u");
        assert_eq!(read_traces(&reports, "other").unwrap().len(), 2);
    }

    #[test]
    fn a_step_without_transition_is_an_error() {
        let err = read_traces(&json!({"steps": [{"binding": []}]}), "n").unwrap_err();
        assert!(err.to_string().contains("step 1 of trace 1"), "{err}");
    }
}
