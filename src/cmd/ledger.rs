//! `sesphr ledger verify|show FILE`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use sesphr_model::ledger::{Block, Outcome, Record, inspect};

/// The ledger subcommands.
#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Check a ledger file: exit 0 intact, 1 tampered (naming the first bad block), 2 unreadable.
    Verify {
        /// The ledger file (e.g. DIR/ledger.jsonl from `sesphr demo`).
        file: PathBuf,
    },
    /// Print a ledger's blocks and records, then its verification result.
    Show {
        /// The ledger file.
        file: PathBuf,
    },
}

/// Run a ledger subcommand.
pub fn run(command: &LedgerCommand) -> ExitCode {
    match command {
        LedgerCommand::Verify { file } => verify(file, false),
        LedgerCommand::Show { file } => verify(file, true),
    }
}

fn verify(file: &Path, show: bool) -> ExitCode {
    let inspection = match inspect(file) {
        Ok(inspection) => inspection,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if show {
        for block in &inspection.blocks {
            print_block(block);
        }
    }
    match &inspection.fault {
        None => {
            let last = inspection
                .blocks
                .last()
                .map_or_else(|| "none".to_owned(), |b| b.hash.to_string());
            outln!(
                "ledger {} intact: {} blocks, last hash {last}",
                file.display(),
                inspection.blocks.len()
            );
            ExitCode::SUCCESS
        }
        Some((block, reason)) => {
            outln!(
                "ledger {} TAMPERED at block {block}: {reason}",
                file.display()
            );
            ExitCode::from(1)
        }
    }
}

fn print_block(block: &Block) {
    outln!(
        "block {}  {}  hash {}",
        block.seq,
        utc(block.timestamp_ms),
        short(&block.hash.to_string())
    );
    outln!(
        "  prev {}  merkle root {}",
        short(&block.prev.to_string()),
        short(&block.merkle_root.to_string())
    );
    for record in &block.records {
        outln!("  - {}", describe(record));
    }
}

fn short(hex: &str) -> &str {
    hex.get(..16).unwrap_or(hex)
}

fn describe(record: &Record) -> String {
    match record {
        Record::Upload {
            file,
            version,
            partitions,
        } => {
            let parts: Vec<String> = partitions
                .iter()
                .map(|p| format!("{}={}", p.label, short(&p.digest.to_string())))
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
    }
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
