//! `sesphr check --engine random`: the report of random walks, with the
//! explicit checker's layout (one line per property, traces of violations,
//! a summary line) and its JSON shapes for traces.

use serde_json::{Value as Json, json};
use sesphr_engine::explore::{PropertyKind, PropertyResult, WalkReport};

use super::check_json::{properties_json, unbounded_json};
use super::check_text::{
    TextOptions, name_width, render_property, render_unbounded, summary, target_word,
};

/// The human report of one net.
pub fn render(report: &WalkReport, path: &str, options: TextOptions) -> String {
    let seeds = match report.walks {
        0 => String::new(),
        1 => format!(", seed {}", report.seed),
        n => format!(
            ", seeds {} to {}",
            report.seed,
            report.seed.wrapping_add(n - 1)
        ),
    };
    let mut out = format!(
        "{path}: net {} (random walks: {} of at most {} step(s){seeds})\n",
        report.net, report.walks, report.max_steps
    );
    out += &properties_text(report, options);
    let stopped = report
        .stopped
        .map(|reason| format!(" (stopped: {})", reason.name()))
        .unwrap_or_default();
    out += &format!(
        "random walks{stopped}: {} walk(s), {} steps, the longest {}, {} different markings judged; {} ended in a dead marking, {} where every enabled step changes nothing; {:.2} s, {} thread(s)\n",
        report.walks,
        report.steps,
        report.longest,
        report.distinct,
        report.dead_ends,
        report.stuck_ends,
        report.seconds,
        report.threads
    );
    if let Some(unbounded) = &report.unbounded {
        out += &render_unbounded(unbounded, options.full);
    }
    out += &summary(&report.properties, "(random walks prove no property)");
    out.push('\n');
    out
}

/// One line per property, its trace where `options` shows it; the CTL and
/// LTL properties, which walks cannot decide, named together on one line.
fn properties_text(report: &WalkReport, options: TextOptions) -> String {
    let mut out = String::new();
    let width = name_width(&report.properties);
    let mut temporal = Vec::new();
    for p in &report.properties {
        if matches!(p.kind, PropertyKind::Ctl | PropertyKind::Ltl) {
            // Each says the same: named once, below, without its formula.
            let bare = PropertyResult {
                meaning: None,
                ..p.clone()
            };
            out += &render_property(&bare, width, "", options);
            temporal.push(p.name.as_str());
            continue;
        }
        let note = format!(", {}", not_found(p, report.walks));
        out += &render_property(p, width, &note, options);
    }
    if !temporal.is_empty() {
        out += &format!(
            "  random walks decide no CTL or LTL property (they build no graph of markings): {}\n",
            temporal.join(", ")
        );
    }
    out
}

/// `not violated in N walk(s)`, or `not reached` for a `reachable` property.
fn not_found(p: &PropertyResult, walks: u64) -> String {
    format!("not {} in {walks} walk(s)", target_word(p))
}

/// The report as JSON: `engine`, the walks' figures (`walks`, `max_steps`,
/// `seed`, `steps`, `distinct`, `dead_ends`, `stuck_ends`, `longest`), `stopped`, `seconds`,
/// `threads`, the properties with the explicit checker's trace shapes, and
/// `unbounded` where a walk proved the net unbounded.
pub fn report_json(report: &WalkReport, path: &str, options: TextOptions) -> Json {
    let mut value = json!({
        "file": path,
        "net": report.net,
        "engine": "random",
        "walks": report.walks,
        "max_steps": report.max_steps,
        "seed": report.seed,
        "steps": report.steps,
        "distinct": report.distinct,
        "dead_ends": report.dead_ends,
        "stuck_ends": report.stuck_ends,
        "longest": report.longest,
        "complete": false,
        "stopped": report.stopped,
        "seconds": report.seconds,
        "threads": report.threads,
        "properties": properties_json(&report.properties, options.traces),
    });
    if let Some(unbounded) = &report.unbounded {
        value["unbounded"] = unbounded_json(unbounded);
    }
    value
}
