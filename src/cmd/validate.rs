//! `sesphr validate NET`: load and type-check, then summarise.

use std::process::ExitCode;

use clap::Args;
use serde_json::{Value as Json, json};
use sesphr_engine::load::LoadedNet;

use crate::output::counted;
use crate::terms::value_json;
use crate::{NetArgs, host};

/// Arguments of `sesphr validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub net: NetArgs,
    /// Print one JSON object (`valid`, the counts and the properties, or the `error`) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The exit codes of `sesphr validate`, for `--help`.
pub const EXIT_CODES: &str = "Exit codes: 0 the net is valid, 2 it is not (the message names \
the file, line and column) or bad usage.";

/// Runs the command: exit 0 for a valid net, 2 otherwise.
pub fn run(args: &ValidateArgs) -> ExitCode {
    let file = args.net.net.display().to_string();
    match host::load(&args.net) {
        Ok(net) => {
            let summary = summary(&net, &file);
            if args.json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&summary).unwrap_or_default()
                );
            } else {
                outln!("{}", text(&summary));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let error = anyhow::Error::from(e);
            crate::output::report_error(&error);
            if args.json {
                let message = crate::output::render_error(&error);
                outln!(
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({"file": file, "valid": false, "error": message})
                    )
                    .unwrap_or_default()
                );
            }
            ExitCode::from(2)
        }
    }
}

/// The facts `validate` reports, as JSON.
fn summary(net: &LoadedNet, file: &str) -> Json {
    match net {
        LoadedNet::PlaceTransition(net) => json!({
            "file": file,
            "valid": true,
            "kind": "place/transition",
            "net": net.name,
            "places": net.places.len(),
            "transitions": net.transitions.len(),
            "properties": 0,
            "initial_tokens": net.initial.iter().map(|&n| u64::from(n)).sum::<u64>(),
            "parameters": {},
            "parameter_bounds": {},
        }),
        LoadedNet::Coloured(net) => {
            let params: serde_json::Map<String, Json> = net
                .params
                .iter()
                .map(|(k, v)| (k.clone(), value_json(&v.to_string())))
                .collect();
            let bounds: serde_json::Map<String, Json> = (net.param_bounds.iter())
                .map(|(name, min, max)| {
                    let mut bound = serde_json::Map::new();
                    bound.extend(min.map(|lo| ("min".to_string(), json!(lo))));
                    bound.extend(max.map(|hi| ("max".to_string(), json!(hi))));
                    (name.clone(), Json::Object(bound))
                })
                .collect();
            let listed: Vec<Json> = net
                .properties
                .iter()
                .map(|p| json!({"name": p.name, "kind": p.kind.keyword()}))
                .chain(
                    net.temporal
                        .iter()
                        .map(|p| json!({"name": p.name, "kind": p.logic.keyword()})),
                )
                .collect();
            json!({
                "file": file,
                "valid": true,
                "kind": "coloured",
                "net": net.name,
                "places": net.places.len(),
                "transitions": net.transitions.len(),
                "properties": listed.len(),
                "property_list": listed,
                "initial_tokens": net.initial.total(),
                "parameters": params,
                "parameter_bounds": bounds,
            })
        }
    }
}

/// The text report, from the JSON summary.
fn text(summary: &Json) -> String {
    let kind = if summary["kind"] == "coloured" {
        "net"
    } else {
        "place/transition net"
    };
    let count =
        |key: &str, one: &str, many: &str| counted(summary[key].as_u64().unwrap_or(0), one, many);
    let mut out = format!(
        "{}: valid {kind} `{}`: {}, {}, ",
        summary["file"].as_str().unwrap_or_default(),
        summary["net"].as_str().unwrap_or_default(),
        count("places", "place", "places"),
        count("transitions", "transition", "transitions"),
    );
    if summary["kind"] == "coloured" {
        out += &format!("{}, ", count("properties", "property", "properties"));
    }
    out += &count("initial_tokens", "initial token", "initial tokens");
    if let Some(params) = summary["parameters"].as_object().filter(|p| !p.is_empty()) {
        let bounds = &summary["parameter_bounds"];
        let params: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}{}", plain(v), bounds_text(&bounds[k])))
            .collect();
        out += &format!("\nparameters: {}", params.join(", "));
    }
    out += &property_lines(summary);
    out
}

/// The net's properties by kind, a line a kind in the order kinds first
/// appear, each named with the keyword of the net format (`invariant: a, b`).
fn property_lines(summary: &Json) -> String {
    let mut kinds: Vec<(&str, Vec<&str>)> = Vec::new();
    for property in summary["property_list"].as_array().into_iter().flatten() {
        let (Some(kind), Some(name)) = (property["kind"].as_str(), property["name"].as_str())
        else {
            continue;
        };
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, names)) => names.push(name),
            None => kinds.push((kind, vec![name])),
        }
    }
    kinds
        .iter()
        .map(|(kind, names)| format!("\n{kind}: {}", names.join(", ")))
        .collect()
}

/// A parameter's declared bounds as they follow its value: ` (1 to 5)`,
/// ` (at least 0)`, ` (at most 9)`; nothing when it has none.
fn bounds_text(bounds: &Json) -> String {
    match (bounds["min"].as_i64(), bounds["max"].as_i64()) {
        (Some(lo), Some(hi)) => format!(" ({lo} to {hi})"),
        (Some(lo), None) => format!(" (at least {lo})"),
        (None, Some(hi)) => format!(" (at most {hi})"),
        (None, None) => String::new(),
    }
}

/// A JSON value as the net file would write it (strings without quotes).
fn plain(value: &Json) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string)
}
