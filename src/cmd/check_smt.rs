//! `sesphr check --engine smt --depth K`: the report of the SMT route, with
//! the explicit checker's layout (one line per property, traces of
//! violations, a summary line) and its JSON shapes for traces.

use serde_json::{Value as Json, json};
use sesphr_engine::smt::bounded::BoundedReport;

use super::check_json::properties_json;
use super::check_text::{TextOptions, render_property, within};

/// The human report of one net.
pub fn render(report: &BoundedReport, path: &str, options: TextOptions) -> String {
    let mut out = format!(
        "{path}: net {} (SMT route: {}, runs of at most {} step(s))\n",
        report.net, report.solver, report.depth
    );
    let width = report
        .properties
        .iter()
        .map(|p| p.name.len())
        .chain(report.not_encoded.iter().map(|n| n.name.len()))
        .max()
        .unwrap_or(0);
    for p in &report.properties {
        out += &render_property(
            p,
            width,
            &format!(", {}", within(p, report.searched)),
            options,
        );
    }
    for n in &report.not_encoded {
        out += &format!("  {:<9} {:<width$}  {}\n", "skipped", n.name, n.reason);
    }
    let violated = report
        .properties
        .iter()
        .filter(|p| p.holds == Some(false))
        .count();
    let open = report
        .properties
        .iter()
        .filter(|p| p.holds.is_none())
        .count();
    out += &match report.searched {
        Some(depth) if depth == report.depth => format!(
            "bounded model check: every run of at most {depth} step(s); {:.2} s ({})\n",
            report.seconds, report.solver
        ),
        Some(depth) => format!(
            "bounded model check stopped by --timeout: every run of at most {depth} of {} step(s); {:.2} s ({})\n",
            report.depth, report.seconds, report.solver
        ),
        None => format!(
            "bounded model check stopped by --timeout before any depth was searched; {:.2} s ({})\n",
            report.seconds, report.solver
        ),
    };
    // Every property counts, those skipped too.
    let total = report.properties.len() + report.not_encoded.len();
    let mut parts = vec![if violated > 0 {
        format!("{violated} of {total} VIOLATED")
    } else {
        format!(
            "{total} propert{}: none violated",
            if total == 1 { "y" } else { "ies" }
        )
    }];
    if open > 0 {
        parts.push(match report.searched {
            Some(depth) => format!("{open} undecided beyond {depth} step(s)"),
            None => format!("{open} undecided"),
        });
    }
    if !report.not_encoded.is_empty() {
        parts.push(format!("{} skipped", report.not_encoded.len()));
    }
    out += &parts.join(", ");
    out.push('\n');
    out
}

/// The report as JSON: `engine`, `solver`, `depth` (asked), `searched` (the
/// depth reached before the timeout, `null` if none), `timed_out`, `seconds`,
/// and the properties with the explicit checker's trace shapes.
pub fn report_json(report: &BoundedReport, path: &str, options: TextOptions) -> Json {
    json!({
        "file": path,
        "net": report.net,
        "engine": "smt",
        "solver": report.solver,
        "depth": report.depth,
        "searched": report.searched,
        "timed_out": report.searched != Some(report.depth),
        "complete": false,
        "seconds": report.seconds,
        "properties": properties_json(&report.properties, options.traces),
        "not_encoded": report.not_encoded,
    })
}
