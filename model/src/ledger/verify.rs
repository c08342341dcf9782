//! Reading and checking a ledger file.

use std::io::Read;
use std::path::Path;

use super::block::{Block, ChainLink, FORMAT_VERSION, Line, Record};
use super::log::Log;
use super::merkle::{self, Accumulator};
use crate::error::{Error, Result, TamperReason, io_error};
use crate::files::{Links, open_regular};

/// The largest ledger file read (128 MiB, as for nets): a bigger input is
/// refused (and an endless one such as `/dev/zero` is no regular file).
pub const MAX_LEDGER_BYTES: u64 = 128 << 20;

/// What a ledger file holds: the part that verified, and the first fault.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// The verified log up to the first fault (`None` when the header
    /// line itself is bad).
    pub log: Option<Log>,
    /// The first bad line (from 1) and what is wrong, if any.
    pub fault: Option<(u64, TamperReason)>,
}

impl Inspection {
    /// The log, or [`Error::LedgerTampered`] naming the first bad line.
    pub fn into_log(self) -> Result<Log> {
        match (self.log, self.fault) {
            (Some(log), None) => Ok(log),
            (_, Some((line, reason))) => Err(Error::LedgerTampered { line, reason }),
            (None, None) => Err(Error::LedgerTampered {
                line: 1,
                reason: TamperReason::MissingHeader,
            }),
        }
    }
}

/// Read a ledger file (at most [`MAX_LEDGER_BYTES`]) and check every line.
/// I/O errors (a missing file, one that is not a regular file) are errors;
/// faults in the content are reported in the [`Inspection`].
pub fn inspect(path: &Path) -> Result<Inspection> {
    Ok(inspect_bytes(&read_capped(path, Links::Follow)?))
}

/// [`inspect`] for a ledger inside a directory others write: a symbolic
/// link at `path` is refused ([`Error::NotAFile`]), not followed.
pub fn inspect_no_follow(path: &Path) -> Result<Inspection> {
    Ok(inspect_bytes(&read_capped(path, Links::Refuse)?))
}

/// Read a whole regular file, refusing one over [`MAX_LEDGER_BYTES`].
pub(crate) fn read_capped(path: &Path, links: Links) -> Result<Vec<u8>> {
    let file = open_regular(path, links)?;
    let mut bytes = Vec::new();
    file.take(MAX_LEDGER_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error(path))?;
    if bytes.len() as u64 > MAX_LEDGER_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_LEDGER_BYTES,
        });
    }
    Ok(bytes)
}

/// Check the content of a ledger file: the header, then every block's
/// sequence number, size, Merkle root and signature (over its place in the
/// chain of heads too: its block count and the previous head's hash), that
/// its time is not earlier than the previous head's, the place of the owner
/// record and the uniqueness of uploads.
pub fn inspect_bytes(bytes: &[u8]) -> Inspection {
    let mut lines = bytes.split_inclusive(|&b| b == b'\n');
    let fail = |log, line, reason| Inspection {
        log,
        fault: Some((line, reason)),
    };
    let Some(first) = lines.next() else {
        return fail(None, 1, TamperReason::MissingHeader);
    };
    let header = match parse(first) {
        Ok(Line::Log(header)) => header,
        Ok(Line::Block(_)) => return fail(None, 1, TamperReason::MissingHeader),
        Err(reason) => return fail(None, 1, reason),
    };
    if header.version != FORMAT_VERSION {
        return fail(None, 1, TamperReason::UnsupportedVersion(header.version));
    }
    if header.head.size != 0 || header.head.root != merkle::empty_root() {
        return fail(None, 1, TamperReason::RootMismatch);
    }
    if header
        .head
        .verify(&header.key, &ChainLink::genesis())
        .is_err()
    {
        return fail(None, 1, TamperReason::BadSignature);
    }
    let mut log = Log::new(header.key, header.head);
    let mut tree = Accumulator::default();
    let mut uploads = std::collections::HashSet::new();
    for (i, raw) in lines.enumerate() {
        let line = i as u64 + 2;
        let block = match parse(raw) {
            Ok(Line::Block(block)) => block,
            Ok(Line::Log(_)) => return fail(Some(log), line, TamperReason::HeaderNotFirst),
            Err(reason) => return fail(Some(log), line, reason),
        };
        if block.seq != i as u64 {
            let reason = TamperReason::SequenceMismatch {
                expected: i as u64,
                found: block.seq,
            };
            return fail(Some(log), line, reason);
        }
        let mut leaves = Vec::with_capacity(block.records.len());
        for record in &block.records {
            if matches!(record, Record::Owner { .. }) && tree.size() != 0 {
                return fail(Some(log), line, TamperReason::OwnerNotFirst);
            }
            if let Record::Upload {
                file,
                version,
                partitions,
            } = record
            {
                for entry in partitions {
                    if !uploads.insert((file.clone(), *version, entry.label.clone())) {
                        let reason = TamperReason::DuplicateUpload {
                            file: file.to_string(),
                            version: *version,
                            partition: entry.label.clone(),
                        };
                        return fail(Some(log), line, reason);
                    }
                }
            }
            let leaf = record.leaf_hash();
            tree.push(leaf);
            leaves.push(leaf);
        }
        if block.head.size != tree.size() {
            let reason = TamperReason::SizeMismatch {
                expected: tree.size(),
                found: block.head.size,
            };
            return fail(Some(log), line, reason);
        }
        if block.head.root != tree.root() {
            return fail(Some(log), line, TamperReason::RootMismatch);
        }
        if block.head.verify(log.key(), &log.next_link()).is_err() {
            return fail(Some(log), line, TamperReason::BadSignature);
        }
        if let Some(reason) = time_went_back(&log, &block) {
            return fail(Some(log), line, reason);
        }
        log.push(block, leaves);
    }
    Inspection {
        log: Some(log),
        fault: None,
    }
}

/// [`TamperReason::TimeWentBack`] if `block`'s head is timestamped earlier
/// than the latest head of `log` (the block before it, or the header).
fn time_went_back(log: &Log, block: &Block) -> Option<TamperReason> {
    let previous_ms = log.head().head.timestamp_ms;
    (block.head.timestamp_ms < previous_ms).then_some(TamperReason::TimeWentBack {
        block: block.seq,
        timestamp_ms: block.head.timestamp_ms,
        previous_ms,
    })
}

/// Parse one raw line (with its newline), requiring the canonical form.
fn parse(raw: &[u8]) -> Result<Line, TamperReason> {
    let Some(body) = raw.strip_suffix(b"\n") else {
        return Err(TamperReason::IncompleteLine);
    };
    let line: Line = serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            TamperReason::WrongShape { column: e.column() }
        } else {
            TamperReason::NotJson { column: e.column() }
        }
    })?;
    if line.to_line() != raw {
        return Err(TamperReason::NotCanonical);
    }
    Ok(line)
}
