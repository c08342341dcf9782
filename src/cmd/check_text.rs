//! The human report of `sesphr check`: one line per property, traces only
//! where asked (violations by default), each step showing only what changed,
//! long terms shortened unless `--full`, and a summary line.

use sesphr_engine::explore::{
    CheckReport, Lasso, PlaceChange, PropertyKind, PropertyResult, Step, StopReason, Trace,
    Unbounded,
};
use sesphr_engine::net::explain::Explanation;

use crate::output::counted;
use crate::terms::{Node, abbreviate, parse, shown};

/// Which traces the report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceChoice {
    /// No trace.
    None,
    /// The counterexample of each violated property.
    Violations,
    /// Counterexamples and the witnesses of `reachable` properties.
    All,
}

impl TraceChoice {
    /// Whether the trace of `property` is shown.
    pub fn shows(self, property: &PropertyResult) -> bool {
        match self {
            TraceChoice::None => false,
            TraceChoice::Violations => property.holds == Some(false),
            TraceChoice::All => true,
        }
    }
}

/// How to print a report.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Which traces.
    pub traces: TraceChoice,
    /// Whole terms and markings instead of shortened ones.
    pub full: bool,
}

/// Binding values longer than this are shortened unless `--full`.
const SHOWN_BINDING_CHARS: usize = 24;

/// A change longer than this prints one token per line.
const CHANGE_LINE_CHARS: usize = 100;

/// Values longer than this are shortened (deepest parts first) unless `--full`.
const SHOWN_VALUE_CHARS: usize = 48;

/// The note on standard error for a report that checked no property (the
/// net declares none and none was asked for; `properties` is how many the
/// report judged): only statistics were computed, which a plain `sesphr
/// check` run could pass off as a verdict. The same for every engine.
pub fn note_nothing_checked(properties: usize, path: &str) {
    if properties == 0 {
        crate::output::write_err(format_args!(
            "note: {path} declares no property and none was asked for: only statistics were \
             computed; add --property deadlock-free or --property one-safe\n"
        ));
    }
}

/// The human report of one net.
pub fn render(report: &CheckReport, path: &str, options: TextOptions) -> String {
    let mut out = format!("{path}: net {}\n", report.net);
    let width = name_width(&report.properties);
    // A run bounded by --depth K judged every state within K steps.
    let bound = (report.stopped == Some(StopReason::MaxDepth)).then(|| report.depth as usize - 1);
    for p in &report.properties {
        let note = match bound {
            Some(depth)
                if p.holds.is_none()
                    && !matches!(p.kind, PropertyKind::Ctl | PropertyKind::Ltl) =>
            {
                format!(", {}", within(p, Some(depth)))
            }
            _ => String::new(),
        };
        out += &render_property(p, width, &note, options);
    }
    out += &statistics(report, options.full);
    let undecided = match bound {
        Some(depth) => format!("beyond {depth} step(s)"),
        None => "(incomplete run)".to_string(),
    };
    out += &summary(&report.properties, &undecided);
    out.push('\n');
    out
}

/// The width of the name column: the longest property name.
pub(crate) fn name_width(properties: &[PropertyResult]) -> usize {
    properties.iter().map(|p| p.name.len()).max().unwrap_or(0)
}

/// One property's line (verdict, name, kind, and `other_note` where there is
/// no trace to count), then the meaning of a CTL or LTL verdict, its trace
/// where `options` shows it, its explanation, and its lasso.
pub(crate) fn render_property(
    p: &PropertyResult,
    width: usize,
    other_note: &str,
    options: TextOptions,
) -> String {
    let mut out = String::new();
    let note = match (&p.trace, p.holds) {
        (Some(trace), Some(true)) if trace.steps.is_empty() => {
            ", met by the initial marking".to_string()
        }
        (Some(trace), Some(true)) => format!(", witness in {} step(s)", trace.steps.len()),
        (Some(trace), Some(false)) => {
            format!(", counterexample in {} step(s)", trace.steps.len())
        }
        _ => other_note.to_string(),
    };
    out += &format!(
        "  {:<9} {:<width$}  {}{note}\n",
        verdict(p.holds),
        p.name,
        p.kind.name()
    );
    // A CTL or LTL verdict's meaning points at the run below it.
    if let Some(meaning) = p
        .meaning
        .as_ref()
        .filter(|_| options.full || p.holds != Some(true))
    {
        let run_shown = options.traces.shows(p) && (p.trace.is_some() || p.lasso.is_some());
        out += &format!("      {}\n", shown_meaning(meaning, run_shown));
    }
    if let Some(trace) = p.trace.as_ref().filter(|_| options.traces.shows(p)) {
        out += &render_trace(trace, options.full);
    }
    if let Some(explanation) = &p.explanation {
        out += &render_explanation(explanation, options.full);
    }
    if let Some(lasso) = p.lasso.as_ref().filter(|_| options.traces.shows(p)) {
        out += &render_lasso(lasso, options.full);
    }
    if !options.full && out.contains('…') {
        out += "      (… stands for what was shortened: --full shows every term and token whole)\n";
    }
    out
}

/// `not violated within K steps`, or `not reached` for a `reachable` property
/// (K: the depth searched; `None` when the timeout came before any).
pub(crate) fn within(p: &PropertyResult, searched: Option<usize>) -> String {
    let what = target_word(p);
    match searched {
        Some(depth) => format!("not {what} within {depth} step(s)"),
        None => format!("not {what} before the timeout"),
    }
}

/// What finding a target of `p` means: `reached` for a `reachable`
/// property, `violated` otherwise.
pub(crate) fn target_word(p: &PropertyResult) -> &'static str {
    if p.kind.target_is_witness() {
        "reached"
    } else {
        "violated"
    }
}

fn verdict(holds: Option<bool>) -> &'static str {
    match holds {
        Some(true) => "holds",
        Some(false) => "VIOLATED",
        None => "undecided",
    }
}

/// `24 properties: 24 hold`, `2 of 24 VIOLATED`, or with undecided ones
/// `... 3 undecided WHY`, `why` saying why (`(incomplete run)`, `beyond K
/// step(s)` for a run bounded by `--depth K`).
pub fn summary(properties: &[PropertyResult], why: &str) -> String {
    let total = properties.len();
    let violated = properties.iter().filter(|p| p.holds == Some(false)).count();
    let undecided = properties.iter().filter(|p| p.holds.is_none()).count();
    let hold = total - violated - undecided;
    let mut parts = Vec::new();
    if violated > 0 {
        parts.push(format!("{violated} of {total} VIOLATED"));
    } else {
        parts.push(format!("{total} propert{}: {hold} hold", plural_y(total)));
    }
    if violated > 0 && hold > 0 {
        parts.push(format!("{hold} hold"));
    }
    if undecided > 0 {
        parts.push(format!("{undecided} undecided {why}"));
    }
    parts.join(", ")
}

fn plural_y(n: usize) -> &'static str {
    if n == 1 { "y" } else { "ies" }
}

/// Whether the report prints a trace that a partial-order reduction may
/// have made longer than the shortest.
fn traces_may_be_longer(report: &CheckReport) -> bool {
    !report.shortest_traces && (report.properties.iter()).any(|p| p.trace.is_some())
}

fn statistics(report: &CheckReport, full: bool) -> String {
    let status = match report.stopped {
        None => "complete".to_string(),
        Some(StopReason::MaxDepth) => format!(
            "bounded to {} step(s) (--depth)",
            report.depth.saturating_sub(1)
        ),
        Some(reason) => format!(
            "INCOMPLETE (stopped: {})",
            serde_json::to_value(reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ),
    };
    let mut out = format!(
        "state space {status}: {}, {}, depth {}, {} deadlock(s); {:.2} s, {} thread(s)\n",
        counted(report.states, "state", "states"),
        counted(report.edges, "edge", "edges"),
        report.depth,
        report.deadlocks,
        report.seconds,
        report.threads
    );
    if let (Some(reduction), Some(represented)) = (&report.reduction, report.represented_states) {
        for part in reduction.split("; ") {
            out += &format!("  reduction: {part}\n");
        }
        // A stopped run stored states it never expanded: only the expanded
        // ones are counted.
        let which = if report.stopped.is_none() {
            "states"
        } else {
            "expanded states"
        };
        if report.shortest_traces {
            out += &format!("  the {which} stand for {represented} markings\n");
        } else {
            // The stubborn sets left bindings out, and with them maybe
            // markings: the count is a lower bound.
            out += &format!(
                "  the {which} stand for at least {represented} markings: the partial-order \
                 reduction may have left some out (--no-reduction counts them all)\n"
            );
        }
        if traces_may_be_longer(report) {
            out += "  traces: shortest within the reduced state space, maybe not overall \
                    (--no-reduction gives the shortest)\n";
        }
    }
    if let Some(unbounded) = &report.unbounded {
        out += &render_unbounded(unbounded, full);
        if settled_past_the_proof(report, unbounded) {
            out += "  verdicts past the proof: found by repeating these steps; their traces \
                    may not be the shortest\n";
        }
    }
    if let Some(unfolding) = report.unfolding {
        out += &format!(
            "  explored through its P/T unfolding: {}, {}\n",
            counted(unfolding.places as u64, "place", "places"),
            counted(unfolding.transitions as u64, "transition", "transitions")
        );
    }
    if full {
        out += &format!(
            "  max tokens: {} per marking, {} in a place; one-safe: {}, deadlock reachable: {}\n",
            known(report.max_tokens_per_marking),
            known(report.max_tokens_in_place),
            known(report.one_safe),
            known(report.deadlock_reachable)
        );
        out += &format!(
            "  {:.0} states/s, {:.1} bytes/state\n",
            report.states_per_second, report.bytes_per_state
        );
    }
    out
}

/// Whether some verdict of `report` was settled by repeating the growth of
/// its unboundedness proof: its trace goes past the proof's end, deeper
/// than the exploration went.
fn settled_past_the_proof(report: &CheckReport, unbounded: &Unbounded) -> bool {
    let proof = unbounded.trace.steps.len();
    (report.properties.iter())
        .filter_map(|p| p.trace.as_ref())
        .any(|trace| trace.steps.len() > proof)
}

/// Why the net is unbounded: the places that grow, then the steps that
/// repeat (numbered as in the whole run), and whether the markings compare
/// only up to a permutation; with `full` the steps before them too, else a
/// line saying where they are.
pub(crate) fn render_unbounded(unbounded: &Unbounded, full: bool) -> String {
    let growth: Vec<String> = (unbounded.growth.iter())
        .map(|g| format!("{} +{}", g.place, g.more))
        .collect();
    let steps = unbounded.trace.steps.len();
    let (from, to) = (unbounded.repeat_from + 1, steps);
    let (which, they) = match from == to {
        true => (format!("step {from} ends"), "it"),
        false => (format!("steps {from} to {to} end"), "they"),
    };
    let mut out = format!(
        "  unbounded: {which} in a marking that holds every token of the one {they} started \
         from{}, and more ({}); {they} can be repeated for ever:\n",
        if unbounded.up_to_permutation {
            " (up to a permutation of the symmetric values)"
        } else {
            ""
        },
        growth.join(", ")
    );
    let show = |text: &str| {
        if full {
            text.to_string()
        } else {
            abbreviate(text, SHOWN_VALUE_CHARS)
        }
    };
    let (before, repeated) = unbounded
        .trace
        .steps
        .split_at(unbounded.repeat_from.min(steps));
    if full && !before.is_empty() {
        out += &render_steps(before, 1, &show, full);
        out += "      (then the steps that repeat:)\n";
    }
    out += &render_steps(repeated, before.len() + 1, &show, full);
    if !full && !before.is_empty() {
        out += &format!(
            "      (steps 1 to {} lead to where they start: --full shows them, \
             --json has the whole run as unbounded.trace)\n",
            before.len()
        );
    }
    out
}

/// A statistic, or `unknown` when an incomplete run cannot tell.
fn known<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "unknown".to_string(), |v| v.to_string())
}

fn render_trace(trace: &Trace, full: bool) -> String {
    let show = |text: &str| {
        if full {
            text.to_string()
        } else {
            abbreviate(text, SHOWN_VALUE_CHARS)
        }
    };
    let mut out = String::new();
    if full {
        out += &format!("      initial marking: {}\n", trace.initial);
    }
    out += &render_steps(&trace.steps, 1, &show, full);
    if full {
        out += &format!("      final marking: {}\n", trace.last);
    }
    out
}

/// The meaning of a CTL or LTL verdict as printed: where the run it points
/// at ("below") is not printed, it says how to see it instead.
pub(crate) fn shown_meaning(meaning: &str, run_shown: bool) -> String {
    if run_shown {
        return meaning.to_string();
    }
    const NOT_SHOWN: &str = "not printed here (--trace all prints it)";
    meaning
        .replace(
            "the lasso below (",
            "a lasso, not printed here (--trace all prints it; ",
        )
        .replace(
            "the run below shows why",
            &format!("a run shows why, {NOT_SHOWN}"),
        )
        .replace(
            "a witness run below",
            &format!("a witness run, {NOT_SHOWN}"),
        )
}

/// A lasso of an LTL or CTL verdict: the stem, then the cycle repeated for ever.
fn render_lasso(lasso: &Lasso, full: bool) -> String {
    let show = |text: &str| {
        if full {
            text.to_string()
        } else {
            abbreviate(text, SHOWN_VALUE_CHARS)
        }
    };
    let mut out = if lasso.deadlock {
        format!(
            "      lasso: a stem of {} step(s) to a deadlock, where the run stays for ever\n",
            lasso.stem.len()
        )
    } else {
        format!(
            "      lasso: a stem of {} step(s), then a cycle of {} step(s) repeated for ever\n",
            lasso.stem.len(),
            lasso.cycle.len()
        )
    };
    if full {
        out += &format!("      initial marking: {}\n", lasso.initial);
    }
    out += &render_steps(&lasso.stem, 1, &show, full);
    let loop_start = if full {
        lasso.cycle_start.clone()
    } else if lasso.stem.is_empty() {
        "the initial marking (--full shows it)".to_string()
    } else {
        format!(
            "the marking after step {} (--full shows it)",
            lasso.stem.len()
        )
    };
    if lasso.deadlock {
        out += &format!("      deadlock at: {loop_start}\n");
        out += "      (no binding is enabled: the marking stays for ever)\n";
    } else {
        out += &format!("      cycle starts at: {loop_start}\n");
        out += &render_steps(&lasso.cycle, lasso.stem.len() + 1, &show, full);
        out += "      (back to the start of the cycle)\n";
    }
    out
}

/// Steps numbered from `first`, each with only what changed.
fn render_steps(steps: &[Step], first: usize, show: &dyn Fn(&str) -> String, full: bool) -> String {
    let mut out = String::new();
    for (i, step) in steps.iter().enumerate() {
        let head = format!("{}. {}", i + first, step_head(step, &show, full));
        let changes: Vec<Vec<String>> = step
            .changes
            .iter()
            .map(|c| change_parts(c, &show))
            .collect();
        let one_line: Vec<String> = changes.iter().map(|parts| parts.join(" ")).collect();
        let line = format!("{head}: {}", one_line.join(", "));
        if line.chars().count() <= CHANGE_LINE_CHARS {
            out += &format!("      {line}\n");
            continue;
        }
        out += &format!("      {head}\n");
        for parts in changes {
            let line = parts.join(" ");
            if line.chars().count() <= CHANGE_LINE_CHARS {
                out += &format!("           {line}\n");
            } else {
                // One token per line under the place's name.
                out += &format!("           {}\n", parts[0]);
                for part in &parts[1..] {
                    out += &format!("             {part}\n");
                }
            }
        }
    }
    out
}

/// Why the last marking violates the invariant: the `forall` instances it
/// fails for, the premises that hold, and the false part.
fn render_explanation(explanation: &Explanation, full: bool) -> String {
    let show = |text: &str| {
        if full {
            text.to_string()
        } else {
            abbreviate(text, SHOWN_VALUE_CHARS)
        }
    };
    let mut lines: Vec<String> = explanation
        .instances
        .iter()
        .map(|i| format!("for {} = {} in {}", i.pattern, show(&i.token), i.place))
        .collect();
    lines.extend(
        explanation
            .given
            .iter()
            .map(|g| format!("where {} holds", show_text(g, full))),
    );
    let readings: Vec<String> = (explanation.readings.iter())
        .map(|r| format!("{} = {}", show_text(&r.expression, full), show(&r.value)))
        .collect();
    lines.push(match readings.is_empty() {
        true => format!("false: {}", show_text(&explanation.failing, full)),
        false => format!(
            "false: {}, where {}",
            show_text(&explanation.failing, full),
            readings.join(", ")
        ),
    });
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let label = if i == 0 { "why:" } else { "" };
        out += &format!("      {label:<4} {line}\n");
    }
    out
}

/// A formula's text, cut to one readable line unless `full`.
fn show_text(text: &str, full: bool) -> String {
    let count = text.chars().count();
    if full || count <= FORMULA_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(FORMULA_CHARS - 1).collect();
    format!("{head}…")
}

/// Formula text longer than this is cut (`--full` shows it whole).
const FORMULA_CHARS: usize = 90;

/// `join (role=doctor, seat=1, kc=know(…))`; without `--full`, binding
/// values are shortened harder than tokens and the line is cut at
/// [`CHANGE_LINE_CHARS`], since the changes below say what the step did.
fn step_head(step: &Step, show: &dyn Fn(&str) -> String, full: bool) -> String {
    if step.binding.is_empty() {
        return step.transition.clone();
    }
    let vars: Vec<String> = step
        .binding
        .iter()
        .map(|(k, v)| {
            let v = if full {
                show(v)
            } else {
                abbreviate(v, SHOWN_BINDING_CHARS)
            };
            format!("{k}={v}")
        })
        .collect();
    let head = format!("{} ({})", step.transition, vars.join(", "));
    if full || head.chars().count() <= CHANGE_LINE_CHARS {
        return head;
    }
    let cut: String = head.chars().take(CHANGE_LINE_CHARS - 2).collect();
    format!("{cut}…)")
}

/// `Place:`, `-a`, `+b`, `+2'c` for a coloured place; `p: 1 -> 2` for a counter.
fn change_parts(change: &PlaceChange, show: &dyn Fn(&str) -> String) -> Vec<String> {
    let (Some(removed), Some(added)) = (&change.removed, &change.added) else {
        return vec![format!(
            "{}: {} -> {}",
            change.place, change.before, change.after
        )];
    };
    let mut parts = vec![format!("{}:", change.place)];
    for (sign, tokens) in [("-", removed), ("+", added)] {
        match parse(tokens) {
            Some(Node::Multiset(items)) => {
                parts.extend(items.iter().map(|(count, item)| {
                    let count = if *count == 1 {
                        String::new()
                    } else {
                        format!("{count}'")
                    };
                    format!("{sign}{count}{}", show(&shown(item)))
                }));
            }
            _ if tokens == "{}" => {}
            _ => parts.push(format!("{sign}{}", show(tokens))),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesphr_engine::explore::PropertyKind;

    fn property(holds: Option<bool>) -> PropertyResult {
        PropertyResult {
            name: "p".into(),
            kind: PropertyKind::Invariant,
            holds,
            trace: None,
            lasso: None,
            meaning: None,
            explanation: None,
        }
    }

    #[test]
    fn the_summary_counts_verdicts() {
        let all = vec![property(Some(true)); 14];
        assert_eq!(summary(&all, "-"), "14 properties: 14 hold");
        let mut two = all.clone();
        two[0].holds = Some(false);
        two[3].holds = Some(false);
        assert_eq!(summary(&two, "-"), "2 of 14 VIOLATED, 12 hold");
        let mut open = all;
        open[1].holds = None;
        assert_eq!(
            summary(&open, "(incomplete run)"),
            "14 properties: 13 hold, 1 undecided (incomplete run)"
        );
        assert_eq!(
            summary(&open, "beyond 6 step(s)"),
            "14 properties: 13 hold, 1 undecided beyond 6 step(s)"
        );
    }

    #[test]
    fn changes_list_tokens_one_by_one() {
        let change = PlaceChange {
            place: "Member".into(),
            before: "{}".into(),
            after: "{(a, 1)}".into(),
            removed: Some("{x}".into()),
            added: Some("{(a, 1), 2'b}".into()),
        };
        assert_eq!(
            change_parts(&change, &|s: &str| s.to_string()).join(" "),
            "Member: -x +(a, 1) +2'b"
        );
    }
}
