//! `sesphr ledger verify|show|head|prove|check-proof`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use sesphr_model::ledger::{Block, Inspection, Log, Outcome, Proof, Record, SignedHead, inspect};

use crate::output::escape_untrusted;

/// The ledger subcommands.
#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Check a ledger file: exit 0 intact, 1 tampered or not an extension of
    /// the pinned head (naming the first bad line), 2 unreadable.
    #[command(
        after_help = "Exit codes: 0 intact (and extends the pinned head), 1 tampered or \
not an extension of the pinned head, 2 unreadable or bad usage."
    )]
    Verify {
        /// The ledger file (e.g. DIR/ledger.jsonl from `sesphr demo`).
        file: PathBuf,
        /// A signed head printed earlier (`sesphr ledger head`, or by a
        /// command that appended): the ledger must extend it, so a cut or a
        /// rewrite of what it covered is caught.
        #[arg(long, value_name = "HEAD")]
        expect_head: Option<String>,
        /// Print the result as JSON (schema: docs/schema/ledger-verify.schema.json).
        #[arg(long)]
        json: bool,
    },
    /// Print a ledger's blocks and records (control characters escaped),
    /// then its verification result.
    #[command(after_help = "Exit codes: 0 intact, 1 tampered, 2 unreadable or bad usage.")]
    Show {
        /// The ledger file.
        file: PathBuf,
    },
    /// Print the ledger's latest signed head, one line, to pin and compare later.
    #[command(after_help = "Exit codes: 0 printed, 2 unreadable, tampered or bad usage.")]
    Head {
        /// The ledger file.
        file: PathBuf,
    },
    /// Print a proof (JSON): that record N is in the ledger (`--record N`),
    /// or that the ledger extends an older head (`--from HEAD`).
    #[command(
        group = clap::ArgGroup::new("what").required(true),
        after_help = "Exit codes: 0 printed, 1 the ledger is tampered or does not extend the \
--from head, 2 unreadable or bad usage."
    )]
    Prove {
        /// The ledger file.
        file: PathBuf,
        /// Prove that the record at this position (from 0) is in the latest head.
        #[arg(long, value_name = "N", group = "what")]
        record: Option<u64>,
        /// Prove that the latest head extends this older head.
        #[arg(long, value_name = "HEAD", group = "what")]
        from: Option<String>,
    },
    /// Check a proof from `ledger prove` against signed heads you trust:
    /// exit 0 valid, 1 invalid, 2 unreadable or not a proof.
    #[command(
        after_help = "Exit codes: 0 the proof checks, 1 it does not (a well-formed proof whose \
path or heads do not check), 2 unreadable, not a proof at all (not JSON, an unknown field, \
a malformed hash, over 16 MiB) or bad usage."
    )]
    CheckProof {
        /// The proof file (`-`: standard input).
        proof: PathBuf,
        /// The head the proof is about (for a consistency proof: the newer).
        #[arg(long, value_name = "HEAD")]
        head: String,
        /// For a consistency proof: the older head (refused with an inclusion proof).
        #[arg(long, value_name = "HEAD")]
        old_head: Option<String>,
    },
}

/// Run a ledger subcommand.
pub fn run(command: &LedgerCommand) -> ExitCode {
    let result = match command {
        LedgerCommand::Verify {
            file,
            expect_head,
            json: true,
        } => return verify_json(file, expect_head.as_deref()),
        LedgerCommand::Verify {
            file, expect_head, ..
        } => verify(file, expect_head.as_deref(), false),
        LedgerCommand::Show { file } => verify(file, None, true),
        LedgerCommand::Head { file } => head(file),
        LedgerCommand::Prove { file, record, from } => prove(file, *record, from.as_deref()),
        LedgerCommand::CheckProof {
            proof,
            head,
            old_head,
        } => check_proof(proof, head, old_head.as_deref()),
    };
    result.unwrap_or_else(|message| {
        errln(&message);
        ExitCode::from(2)
    })
}

/// Write one line to standard error (never panics).
fn errln(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "error: {message}");
}

fn parse_head(text: &str, option: &str) -> Result<SignedHead, String> {
    text.parse().map_err(|e| format!("{option}: {e}"))
}

fn read_ledger(file: &Path) -> Result<Inspection, String> {
    inspect(file).map_err(|e| e.to_string())
}

/// The verified log, or the message naming the first bad line.
fn intact(file: &Path, inspection: Inspection) -> Result<Log, String> {
    match (inspection.log, inspection.fault) {
        (Some(log), None) => Ok(log),
        (_, Some((line, reason))) => Err(tampered(file, line, &reason.to_string())),
        (None, None) => Err(format!("ledger {} has no header", file.display())),
    }
}

fn tampered(file: &Path, line: u64, reason: &str) -> String {
    let block = line
        .checked_sub(2)
        .map_or_else(|| " (header)".to_owned(), |b| format!(" (block {b})"));
    format!(
        "ledger {} TAMPERED at line {line}{block}: {reason}",
        file.display()
    )
}

fn verify(file: &Path, expect: Option<&str>, show: bool) -> Result<ExitCode, String> {
    let pinned = expect.map(|h| parse_head(h, "--expect-head")).transpose()?;
    let inspection = read_ledger(file)?;
    if show && let Some(log) = &inspection.log {
        outln!("log key {}", log.key().to_hex());
        for block in log.blocks() {
            print_block(block);
        }
    }
    let log = match intact(file, inspection) {
        Ok(log) => log,
        Err(message) => {
            outln!("{message}");
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(pinned) = &pinned
        && let Err(why) = log.check_extends(pinned)
    {
        outln!(
            "ledger {} is NOT an extension of the pinned head: {why}",
            file.display()
        );
        return Ok(ExitCode::from(1));
    }
    let head = log.head();
    let against = pinned.map_or_else(String::new, |p| {
        format!(", extends the pinned head of {} records", p.head.size)
    });
    outln!(
        "ledger {} intact: {} blocks, {} records{against}",
        file.display(),
        log.blocks().len(),
        head.head.size
    );
    outln!("head {head}");
    Ok(ExitCode::SUCCESS)
}

/// `ledger verify --json`: one JSON object on standard output whatever the
/// outcome (an unreadable file too, with the message also on standard error).
fn verify_json(file: &Path, expect: Option<&str>) -> ExitCode {
    let shown = file.display().to_string();
    let (value, code) = match verify_value(file, expect) {
        Ok(done) => done,
        Err(message) => {
            errln(&message);
            (
                serde_json::json!({ "file": shown, "intact": null, "error": message }),
                2,
            )
        }
    };
    super::print_json(&value);
    ExitCode::from(code)
}

/// The JSON verdict on a ledger file and its exit code.
fn verify_value(file: &Path, expect: Option<&str>) -> Result<(serde_json::Value, u8), String> {
    use serde_json::json;
    let shown = file.display().to_string();
    let pinned = expect.map(|h| parse_head(h, "--expect-head")).transpose()?;
    let inspection = read_ledger(file)?;
    let log = match (inspection.log, inspection.fault) {
        (Some(log), None) => log,
        (_, fault) => {
            let (line, reason) = fault
                .map_or((1, "the ledger has no header".to_string()), |(l, r)| {
                    (l, r.to_string())
                });
            let value = json!({
                "file": shown,
                "intact": false,
                "line": line,
                "block": line.checked_sub(2),
                "reason": reason,
            });
            return Ok((value, 1));
        }
    };
    let head = log.head();
    let mut value = json!({
        "file": shown,
        "intact": true,
        "blocks": log.blocks().len(),
        "records": head.head.size,
        "head": head.to_string(),
    });
    let mut code = 0;
    if let Some(pinned) = &pinned {
        let extends = log.check_extends(pinned);
        value["extends_pinned_head"] = json!(extends.is_ok());
        if let Err(why) = extends {
            value["reason"] = json!(why.to_string());
            code = 1;
        }
    }
    Ok((value, code))
}

fn head(file: &Path) -> Result<ExitCode, String> {
    let log = intact(file, read_ledger(file)?)?;
    outln!("{}", log.head());
    Ok(ExitCode::SUCCESS)
}

fn prove(file: &Path, record: Option<u64>, from: Option<&str>) -> Result<ExitCode, String> {
    let from = from.map(|h| parse_head(h, "--from")).transpose()?;
    let log = match intact(file, read_ledger(file)?) {
        Ok(log) => log,
        Err(message) => {
            errln(&message);
            return Ok(ExitCode::from(1));
        }
    };
    let proof = match (record, from) {
        (Some(index), _) => log
            .prove_inclusion(index)
            .map_err(|e| format!("{}: {e}", file.display()))?,
        (None, Some(old)) => {
            if let Err(why) = log.check_extends(&old) {
                errln(&format!(
                    "ledger {} is NOT an extension of the --from head: {why}",
                    file.display()
                ));
                return Ok(ExitCode::from(1));
            }
            log.prove_consistency(old.head.size)
                .map_err(|e| format!("{}: {e}", file.display()))?
        }
        (None, None) => return Err("give --record N or --from HEAD".into()),
    };
    outln!(
        "{}",
        serde_json::to_string(&proof).map_err(|e| e.to_string())?
    );
    Ok(ExitCode::SUCCESS)
}

fn check_proof(path: &Path, head: &str, old_head: Option<&str>) -> Result<ExitCode, String> {
    let head = parse_head(head, "--head")?;
    let old = old_head.map(|h| parse_head(h, "--old-head")).transpose()?;
    let text = read_proof(path)?;
    let proof: Proof = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not a proof from `sesphr ledger prove` (line {}, column {})",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if old.is_some() && matches!(proof, Proof::Inclusion { .. }) {
        return Err(format!(
            "{}: --old-head applies to a consistency proof (`ledger prove --from`); \
             this is an inclusion proof, checked against --head alone",
            path.display()
        ));
    }
    match proof.check(&head, old.as_ref()) {
        Ok(()) => {
            match &proof {
                Proof::Inclusion {
                    index,
                    size,
                    record,
                    ..
                } => outln!(
                    "proof valid: record {index} ({}) is in the log of {size} records",
                    describe(record)
                ),
                Proof::Consistency {
                    old_size, new_size, ..
                } => outln!(
                    "proof valid: the log of {new_size} records extends the log of {old_size} records"
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            outln!("proof INVALID: {why}");
            Ok(ExitCode::from(1))
        }
    }
}

/// The largest proof read: a genuine one is a few KiB (its path has at most
/// 64 hashes), plus the record it proves.
const MAX_PROOF_BYTES: u64 = 1 << 24;

/// The text of the proof file (`-`: standard input), at most
/// [`MAX_PROOF_BYTES`].
fn read_proof(path: &Path) -> Result<String, String> {
    let mut bytes = Vec::new();
    let limited = MAX_PROOF_BYTES + 1;
    let read = if path == Path::new("-") {
        std::io::stdin().take(limited).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limited).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_PROOF_BYTES {
        return Err(format!(
            "{}: larger than {MAX_PROOF_BYTES} bytes, too large for a proof from `sesphr ledger prove`",
            path.display()
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        format!(
            "{}: not UTF-8, so not a proof from `sesphr ledger prove`",
            path.display()
        )
    })
}

fn print_block(block: &Block) {
    outln!(
        "block {}  {}  log size {}  root {}",
        block.seq,
        utc(block.head.timestamp_ms),
        block.head.size,
        short(&block.head.root.to_string())
    );
    for record in &block.records {
        outln!("  - {}", describe(record));
    }
}

fn short(hex: &str) -> &str {
    hex.get(..16).unwrap_or(hex)
}

fn describe(record: &Record) -> String {
    let text = match record {
        Record::Owner { user, upload_key } => {
            format!("owner {user}, upload key {}", short(&upload_key.to_hex()))
        }
        Record::Upload {
            file,
            version,
            partitions,
        } => {
            let parts: Vec<String> = partitions
                .iter()
                .map(|p| {
                    let signed = if p.signature.is_some() { " signed" } else { "" };
                    format!("{}={}{signed}", p.label, short(&p.digest.to_string()))
                })
                .collect();
            format!("upload {file} v{version}: {}", parts.join(", "))
        }
        Record::Grant {
            user,
            role,
            partitions,
        } => {
            let parts: Vec<&str> = partitions.iter().map(|l| l.as_str()).collect();
            format!("grant {user} ({role}): {}", parts.join(", "))
        }
        Record::Revoke { user } => format!("revoke {user}"),
        Record::Access {
            user,
            file,
            version,
            partition,
            outcome,
        } => {
            let result = match outcome {
                Outcome::Granted => "granted".to_owned(),
                Outcome::Denied(why) => format!("denied ({why})"),
            };
            format!("access {user} {file} v{version} {partition}: {result}")
        }
    };
    escape_untrusted(&text)
}

/// Milliseconds since the epoch as `YYYY-MM-DD hh:mm:ss.mmm UTC`.
fn utc(ms: u64) -> String {
    let secs = ms / 1000;
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:03} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00.000 UTC");
        assert_eq!(super::utc(951_782_400_123), "2000-02-29 00:00:00.123 UTC");
        assert_eq!(super::utc(1_764_086_400_000), "2025-11-25 16:00:00.000 UTC");
    }
}
