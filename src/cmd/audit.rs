//! `sesphr audit DIR`: the cloud store checked against the ledger.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
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
}

/// Run the audit: exit 0 when nothing is found (or all was repaired), 1 on
/// any finding (an entry that cannot be read is one), 2 when the directory
/// itself cannot be read.
pub fn run(args: &AuditArgs) -> ExitCode {
    let pinned = match args.expect_head.as_deref().map(str::parse::<SignedHead>) {
        None => None,
        Some(Ok(head)) => Some(head),
        Some(Err(e)) => return fail(&format!("--expect-head: {e}")),
    };
    let report = match audit::audit(&args.dir, pinned.as_ref()) {
        Ok(report) => report,
        Err(e) => return fail(&e.to_string()),
    };
    print_report(&args.dir, &report);
    if report.findings.is_empty() {
        return ExitCode::SUCCESS;
    }
    if !args.repair {
        return ExitCode::from(1);
    }
    let fixed = match audit::repair(&args.dir, &report) {
        Ok(fixed) => fixed,
        Err(e) => return fail(&format!("repair stopped: {e}")),
    };
    for finding in &fixed {
        outln!(
            "repaired: {} (moved into {})",
            escape_untrusted(&finding.to_string()),
            args.dir.join(audit::QUARANTINE_DIR).display()
        );
    }
    let left: Vec<_> = report.findings.iter().filter(|f| !f.repairable()).collect();
    if left.is_empty() {
        outln!("repaired all {} findings", fixed.len());
        ExitCode::SUCCESS
    } else {
        outln!(
            "cannot repair {} findings: corrupted, missing, unsigned or forged objects need the owner to upload a new version, a tampered or unreadable ledger needs the copy whose head you pinned, unverified objects stay until the ledger verifies, and unreadable entries need their permissions fixed",
            left.len()
        );
        ExitCode::from(1)
    }
}

/// The findings, one a line (the store's names are untrusted: escaped),
/// the verdict, and the ledger's head.
fn print_report(dir: &std::path::Path, report: &AuditReport) {
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
    let tampered = (report.findings.iter()).any(|f| matches!(f, Finding::LedgerTampered { .. }));
    let rolled_back = (report.findings.iter()).any(|f| matches!(f, Finding::NotAnExtension(..)));
    match &report.head {
        Some(head) if tampered => {
            outln!("the verified part's head (not the ledger's; do not pin it): {head}")
        }
        Some(head) if rolled_back => {
            outln!(
                "the head of a ledger that does not extend the pinned one (do not pin it): {head}"
            )
        }
        Some(head) => outln!("head {head}"),
        None => {}
    }
}

/// Reports `message` (which may quote the store's untrusted names, so it is
/// cleaned) and returns exit 2.
fn fail(message: &str) -> ExitCode {
    crate::output::report_error(&anyhow::anyhow!("{message}"));
    ExitCode::from(2)
}
