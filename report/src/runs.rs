//! Protocol runs with real cryptography, summed over runs: per-transition and
//! per-function tables, the engine's overhead, the checks.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

use sesphr_model::real::{Checks, RunReport, Samples};

/// One transition over several runs.
#[derive(Debug, Clone, Default)]
pub struct TransitionSummary {
    /// Its name.
    pub name: String,
    /// One sample per firing (disk time apart).
    pub firings: Samples,
    /// Firings that left the marking unchanged.
    pub unchanged: u64,
    /// Time searching its enabled bindings, guards included.
    pub search: Duration,
    /// Time in the cloud store and the ledger for it.
    pub disk: Duration,
}

/// Several runs of one net, summed.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// Runs summed.
    pub runs: usize,
    /// Steps fired over all runs.
    pub steps: u64,
    /// Per transition, in the net's order.
    pub transitions: Vec<TransitionSummary>,
    /// Per function: calls, real computations, time.
    pub functions: BTreeMap<&'static str, (u64, u64, Duration)>,
    /// Engine wall time (cloud store excluded).
    pub engine: Duration,
    /// The same real operations called directly.
    pub direct: Duration,
    /// Real computation time recorded inside the engine.
    pub crypto: Duration,
    /// Time in the net functions altogether (real computation, symbolic twin,
    /// cache, agreement checks).
    pub functions_wall: Duration,
    /// Time in the on-disk cloud store.
    pub store: Duration,
    /// The final checks, summed.
    pub checks: Checks,
}

impl RunSummary {
    /// Sums `reports` (runs of one net).
    pub fn of(reports: &[RunReport]) -> RunSummary {
        let mut summary = RunSummary {
            runs: reports.len(),
            ..RunSummary::default()
        };
        for report in reports {
            summary.steps += report.steps;
            summary.engine += report.engine;
            summary.direct += report.direct;
            for (i, t) in report.transitions.iter().enumerate() {
                if summary.transitions.len() <= i {
                    summary.transitions.push(TransitionSummary {
                        name: t.name.clone(),
                        ..TransitionSummary::default()
                    });
                }
                let entry = &mut summary.transitions[i];
                entry.firings.extend(&t.firings);
                entry.unchanged += t.unchanged;
                entry.search += t.search;
                entry.disk += t.store;
                summary.store += t.store;
            }
            for call in &report.calls {
                let entry = summary.functions.entry(call.function).or_default();
                entry.0 += call.calls;
                entry.1 += call.computed;
                entry.2 += call.time;
                summary.crypto += call.time;
                summary.functions_wall += call.wall;
            }
            let c = &report.checks;
            summary.checks.plaintexts += c.plaintexts;
            summary.checks.refused += c.refused;
            summary.checks.stored += c.stored;
            summary.checks.fetched += c.fetched;
            summary.checks.ledger_records += c.ledger_records;
            summary.checks.ledger_blocks += c.ledger_blocks;
        }
        summary
    }

    /// The engine's own overhead over calling the library directly: the time
    /// outside the net functions (binding search, firing, markings) over the
    /// direct time of the same real operations.
    pub fn engine_overhead(&self) -> f64 {
        ratio(self.engine.saturating_sub(self.functions_wall), self.direct)
    }

    /// The whole overhead over calling the library directly: everything but
    /// the real operations (engine, symbolic twin, cache, agreement checks).
    pub fn total_overhead(&self) -> f64 {
        ratio(self.engine.saturating_sub(self.direct), self.direct)
    }

    /// The tables as aligned text (`markdown`: as Markdown tables).
    pub fn render(&self, markdown: bool) -> String {
        let mut out = String::new();
        let total: Duration = self.transitions.iter().map(|t| t.firings.total()).sum();
        let mut rows = vec![vec![
            "transition".to_string(),
            "fired".into(),
            "unchanged".into(),
            "total ms".into(),
            "mean ms".into(),
            "p95 ms".into(),
            "share".into(),
            "search ms".into(),
            "disk ms".into(),
        ]];
        for t in &self.transitions {
            rows.push(vec![
                t.name.clone(),
                t.firings.count().to_string(),
                t.unchanged.to_string(),
                ms(t.firings.total()),
                ms(t.firings.mean()),
                ms(t.firings.p95()),
                percent(t.firings.total().as_secs_f64(), total.as_secs_f64()),
                ms(t.search),
                ms(t.disk),
            ]);
        }
        out += &table(&rows, markdown);
        out += "\n";
        let mut rows = vec![vec![
            "function".to_string(),
            "calls".into(),
            "computed".into(),
            "total ms".into(),
            "mean ms (computed)".into(),
        ]];
        let mut functions: Vec<_> = self.functions.iter().collect();
        functions.sort_by(|a, b| b.1.2.cmp(&a.1.2).then(a.0.cmp(b.0)));
        for (name, (calls, computed, time)) in functions {
            let mean = if *computed > 0 {
                *time / u32::try_from(*computed).unwrap_or(u32::MAX)
            } else {
                Duration::ZERO
            };
            rows.push(vec![
                name.to_string(),
                calls.to_string(),
                computed.to_string(),
                ms(*time),
                ms(mean),
            ]);
        }
        out += &table(&rows, markdown);
        if self
            .functions
            .values()
            .all(|(_, computed, _)| *computed == 0)
        {
            let _ = writeln!(
                out,
                "\nrun time {:.1} ms; the net ran no real operation, so there is no overhead to measure",
                self.engine.as_secs_f64() * 1e3
            );
        } else {
            let _ = writeln!(
                out,
                "\nrun time {:.1} ms (cloud store and ledger {:.1} ms apart): net functions {:.1} ms, of which real \
                 operations {:.1} ms; the same real operations called directly {:.1} ms.\n\
                 engine overhead (binding search, firing, markings) {:.1}% of the direct time; \
                 with the symbolic twin, cache and agreement checks {:.1}%",
                self.engine.as_secs_f64() * 1e3,
                self.store.as_secs_f64() * 1e3,
                self.functions_wall.as_secs_f64() * 1e3,
                self.crypto.as_secs_f64() * 1e3,
                self.direct.as_secs_f64() * 1e3,
                self.engine_overhead() * 100.0,
                self.total_overhead() * 100.0
            );
        }
        let c = &self.checks;
        let _ = writeln!(
            out,
            "checks: {} decrypted plaintexts equal the uploaded partitions, {} refused decryptions \
             carry no plaintext, {} ciphertexts written to the cloud store and {} read back intact, \
             {} ledger records in {} blocks verified",
            c.plaintexts, c.refused, c.stored, c.fetched, c.ledger_records, c.ledger_blocks
        );
        out
    }
}

fn ratio(part: Duration, whole: Duration) -> f64 {
    if whole.is_zero() {
        0.0
    } else {
        part.as_secs_f64() / whole.as_secs_f64()
    }
}

/// Milliseconds with three decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn percent(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.1}%", 100.0 * part / whole)
    } else {
        "-".into()
    }
}

/// A table: aligned text, or Markdown (first row is the header).
pub fn table(rows: &[Vec<String>], markdown: bool) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c == 0 {
                    format!("{cell:<w$}", w = widths[c])
                } else {
                    format!("{cell:>w$}", w = widths[c])
                }
            })
            .collect();
        if markdown {
            let _ = writeln!(out, "| {} |", cells.join(" | "));
            if i == 0 {
                let rule: Vec<String> = widths
                    .iter()
                    .enumerate()
                    .map(|(c, w)| {
                        if c == 0 {
                            "-".repeat(*w)
                        } else {
                            format!("{}:", "-".repeat(w.saturating_sub(1)))
                        }
                    })
                    .collect();
                let _ = writeln!(out, "| {} |", rule.join(" | "));
            }
        } else {
            let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        }
    }
    out
}
