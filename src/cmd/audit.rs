//! `sesphr audit DIR`: the cloud store checked against the ledger.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde_json::{Value, json};
use sesphr_model::audit::{self, AuditReport, Finding};
use sesphr_model::ledger::SignedHead;

use crate::output::escape_untrusted;

/// Options of `sesphr audit`.
#[derive(Args)]
pub struct AuditArgs {
    /// A system directory (as made by `sesphr demo --dir DIR`): DIR/ledger.jsonl and DIR/cloud.
    dir: PathBuf,
    /// A signed head printed earlier: the ledger must extend it.
    #[arg(long, value_name = "HEAD")]
    expect_head: Option<String>,
    /// Move leftover temporary files and orphaned objects into DIR/quarantine
    /// (nothing is deleted; run it only while nothing uploads); other
    /// findings are left and named.
    #[arg(long)]
    repair: bool,
    /// Print one JSON document (the findings, each with its kind, the
    /// counts, the head and what was repaired) instead of text; the exit
    /// code is the same.
    #[arg(long)]
    json: bool,
}

/// Run the audit: exit 0 when nothing is found (or all was repaired), 1 on
/// any finding (an entry that cannot be read is one), 2 when the directory
/// itself cannot be read.
pub fn run(args: &AuditArgs) -> ExitCode {
    let pinned = match args.expect_head.as_deref().map(str::parse::<SignedHead>) {
        None => None,
        Some(Ok(head)) => Some(head),
        Some(Err(e)) => return fail(args, &format!("--expect-head: {e}")),
    };
    let report = match audit::audit(&args.dir, pinned.as_ref()) {
        Ok(report) => report,
        Err(e) => return fail(args, &e.to_string()),
    };
    let mut document = args.json.then(|| report_json(&args.dir, &report));
    if !args.json {
        print_report(&args.dir, &report);
    }
    if report.findings.is_empty() || !args.repair {
        if let Some(document) = &mut document {
            if args.repair {
                // Nothing to repair: the keys a script reads are still there.
                document["repaired"] = json!([]);
                document["unrepaired"] = json!([]);
            }
            super::print_json(document);
        }
        return exit_code(report.findings.is_empty());
    }
    let fixed = match audit::repair(&args.dir, &report) {
        Ok(fixed) => fixed,
        Err(e) => return fail(args, &format!("repair stopped: {e}")),
    };
    let left: Vec<_> = report.findings.iter().filter(|f| !f.repairable()).collect();
    if let Some(document) = &mut document {
        document["repaired"] = fixed.iter().map(finding_json).collect();
        document["unrepaired"] = left.iter().copied().map(finding_json).collect();
        super::print_json(document);
        return exit_code(left.is_empty());
    }
    for finding in &fixed {
        outln!(
            "repaired: {} (moved into {})",
            escape_untrusted(&finding.to_string()),
            args.dir.join(audit::QUARANTINE_DIR).display()
        );
    }
    if left.is_empty() {
        outln!("repaired all {} findings", fixed.len());
    } else {
        outln!(
            "cannot repair {} findings: corrupted, missing, unsigned or forged objects need the owner to upload a new version, a tampered or unreadable ledger needs the copy whose head you pinned, unverified objects stay until the ledger verifies, and unreadable entries need their permissions fixed",
            left.len()
        );
    }
    exit_code(left.is_empty())
}

/// Exit 0 when nothing is left to report, else 1.
fn exit_code(clean: bool) -> ExitCode {
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// How far the reported head may be trusted.
enum HeadStanding {
    /// The whole ledger's head, verified (against the pin, if one was given).
    Verified,
    /// The head of the part before the first tampered line.
    VerifiedPartOnly,
    /// The head of a ledger that does not extend the pinned one.
    NotAnExtension,
}

fn head_standing(report: &AuditReport) -> HeadStanding {
    let any = |kind: fn(&Finding) -> bool| report.findings.iter().any(kind);
    if any(|f| matches!(f, Finding::LedgerTampered { .. })) {
        HeadStanding::VerifiedPartOnly
    } else if any(|f| matches!(f, Finding::NotAnExtension(..))) {
        HeadStanding::NotAnExtension
    } else {
        HeadStanding::Verified
    }
}

/// The report as JSON: the directory, whether it is clean, the counts,
/// each finding, the head and whether it may be pinned.
fn report_json(dir: &Path, report: &AuditReport) -> Value {
    json!({
        "dir": dir.display().to_string(),
        "clean": report.findings.is_empty(),
        "objects": report.objects,
        "listed": report.listed,
        "findings": report.findings.iter().map(finding_json).collect::<Value>(),
        "empty_ledger_beside_objects": report.empty_ledger_beside_objects(),
        "head": report.head.as_ref().map(ToString::to_string),
        "head_may_be_pinned": report.head.is_some()
            && matches!(head_standing(report), HeadStanding::Verified),
    })
}

/// One finding as JSON: its kind, the object it is about (if any), the
/// ledger line (for a tampered ledger), whether `--repair` fixes it and
/// its message.
fn finding_json(finding: &Finding) -> Value {
    let mut value = json!({
        "kind": finding.kind(),
        "repairable": finding.repairable(),
        "message": finding.to_string(),
    });
    if let Some(object) = finding.object() {
        value["object"] = json!(object.to_string());
    }
    if let Finding::LedgerTampered { line, .. } = finding {
        value["line"] = json!(line);
    }
    value
}

/// The findings, one a line (the store's names are untrusted: escaped),
/// the verdict, and the ledger's head.
fn print_report(dir: &Path, report: &AuditReport) {
    for finding in &report.findings {
        outln!("{}", escape_untrusted(&finding.to_string()));
    }
    if report.empty_ledger_beside_objects() {
        outln!(
            "warning: the ledger records nothing (no block) while the store holds {} objects: a ledger cut back to its header verifies on its own, so check it against a pinned head (--expect-head) before --repair moves them into the quarantine",
            report.objects
        );
    }
    let verdict = match report.findings.len() {
        0 => "clean".to_owned(),
        1 => "1 finding".to_owned(),
        n => format!("{n} findings"),
    };
    outln!(
        "audit {}: {verdict} ({} objects stored, {} listed by the ledger)",
        dir.display(),
        report.objects,
        report.listed
    );
    match (&report.head, head_standing(report)) {
        (Some(head), HeadStanding::VerifiedPartOnly) => {
            outln!("the verified part's head (not the ledger's; do not pin it): {head}")
        }
        (Some(head), HeadStanding::NotAnExtension) => {
            outln!(
                "the head of a ledger that does not extend the pinned one (do not pin it): {head}"
            )
        }
        (Some(head), HeadStanding::Verified) => outln!("head {head}"),
        (None, _) => {}
    }
}

/// Reports `message` (which may quote the store's untrusted names, so it is
/// cleaned; with `--json` also as a document naming the directory) and
/// returns exit 2.
fn fail(args: &AuditArgs, message: &str) -> ExitCode {
    let error = anyhow::anyhow!("{message}");
    crate::output::report_error(&error);
    if args.json {
        super::print_json(&json!({
            "dir": args.dir.display().to_string(),
            "error": crate::output::render_error(&error),
        }));
    }
    ExitCode::from(2)
}
