//! The JSON report of `sesphr check`: the engine's report with tokens,
//! markings and bindings as JSON values (see `docs/json.md` and the schema
//! in `docs/schema/`).

use serde_json::{Map, Value as Json, json};
use sesphr_engine::explore::{CheckReport, PlaceChange, PropertyResult, Step, Trace, Unbounded};
use sesphr_engine::net::explain::Explanation;

use super::check_text::TraceChoice;
use crate::terms::{multiset_json, places_json, value_json};

/// The report as JSON, with the traces `traces` selects.
pub fn report_json(report: &CheckReport, path: &str, traces: TraceChoice) -> Json {
    let mut value = serde_json::to_value(report).unwrap_or(Json::Null);
    if let Some(object) = value.as_object_mut() {
        object.insert("file".into(), Json::String(path.to_string()));
        object.insert(
            "properties".into(),
            properties_json(&report.properties, traces),
        );
        if let Some(unbounded) = &report.unbounded {
            object.insert("unbounded".into(), unbounded_json(unbounded));
        }
    }
    value
}

/// The proof that a net is unbounded as JSON, its run with the traces' shape.
pub(crate) fn unbounded_json(unbounded: &Unbounded) -> Json {
    let mut value = serde_json::to_value(unbounded).unwrap_or(Json::Null);
    value["trace"] = trace_json(&unbounded.trace);
    value
}

/// The properties as a JSON array, with the traces `traces` selects.
pub(crate) fn properties_json(properties: &[PropertyResult], traces: TraceChoice) -> Json {
    Json::Array(
        properties
            .iter()
            .map(|p| property_json(p, traces))
            .collect(),
    )
}

/// One property as JSON: its name, kind and verdict, its trace and lasso
/// where `traces` selects them, its explanation and its meaning.
fn property_json(p: &PropertyResult, traces: TraceChoice) -> Json {
    let mut entry = json!({
        "name": p.name,
        "kind": p.kind,
        "holds": p.holds,
    });
    if let Some(trace) = p.trace.as_ref().filter(|_| traces.shows(p)) {
        entry["trace"] = trace_json(trace);
    }
    if let Some(explanation) = &p.explanation {
        entry["explanation"] = explanation_json(explanation);
    }
    if let Some(meaning) = &p.meaning {
        // The run it points at is the trace or lasso beside it, if any.
        let run_shown = traces.shows(p) && (p.trace.is_some() || p.lasso.is_some());
        entry["meaning"] = Json::String(super::check_text::shown_meaning(meaning, run_shown));
    }
    if let Some(lasso) = p.lasso.as_ref().filter(|_| traces.shows(p)) {
        entry["lasso"] = json!({
            "initial": places_json(&lasso.initial_places),
            "stem": lasso.stem.iter().map(step_json).collect::<Vec<_>>(),
            "cycle_start": places_json(&lasso.cycle_start_places),
            "cycle": lasso.cycle.iter().map(step_json).collect::<Vec<_>>(),
            "deadlock": lasso.deadlock,
        });
    }
    entry
}

/// `{"instances": [{pattern, place, token}], "given": [...], "failing": text,
/// "readings": [{expression, value}]}`, tokens and values as JSON values.
fn explanation_json(explanation: &Explanation) -> Json {
    let instances: Vec<Json> = explanation
        .instances
        .iter()
        .map(|i| json!({"pattern": i.pattern, "place": i.place, "token": value_json(&i.token)}))
        .collect();
    let readings: Vec<Json> = explanation
        .readings
        .iter()
        .map(|r| json!({"expression": r.expression, "value": value_json(&r.value)}))
        .collect();
    json!({
        "instances": instances,
        "given": explanation.given,
        "failing": explanation.failing,
        "readings": readings,
    })
}

fn trace_json(trace: &Trace) -> Json {
    json!({
        "initial": places_json(&trace.initial_places),
        "steps": trace.steps.iter().map(step_json).collect::<Vec<_>>(),
        "final": places_json(&trace.last_places),
    })
}

/// `{"transition": t, "binding": {var: value}, "changes": [...]}`.
pub fn step_json(step: &Step) -> Json {
    let binding: Map<String, Json> = step
        .binding
        .iter()
        .map(|(k, v)| (k.clone(), value_json(v)))
        .collect();
    json!({
        "transition": step.transition,
        "binding": binding,
        "changes": step.changes.iter().map(change_json).collect::<Vec<_>>(),
    })
}

/// A coloured place: the tokens taken and put (`removed`, `added`); a
/// place/transition counter: its count `before` and `after`.
fn change_json(change: &PlaceChange) -> Json {
    match (&change.removed, &change.added) {
        (Some(removed), Some(added)) => json!({
            "place": change.place,
            "removed": multiset_json(removed),
            "added": multiset_json(added),
        }),
        _ => json!({
            "place": change.place,
            "before": value_json(&change.before),
            "after": value_json(&change.after),
        }),
    }
}
