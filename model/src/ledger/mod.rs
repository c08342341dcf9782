//! The ledger ("blockchain"): an append-only, hash-chained file of blocks.
//!
//! File format: JSON lines. Each line but the last is a [`Block`] in
//! canonical compact JSON (`{"block":{...}}`); the last line is the
//! [`Head`] (`{"head":{"blocks":N,"last":"<hash>"}}`). A block's hash
//! covers its sequence number, the previous block's hash, its timestamp
//! and the Merkle root of its records, so changing, removing, reordering
//! or cutting anything breaks a check that [`verify`] names by block.
//!
//! Appending replaces the head line by the new block and a new head, then
//! flushes the file to disk. A crash in between leaves a file without head,
//! which [`verify`] reports as truncated.

mod block;
mod verify;

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub use block::{Block, Hash, Head, Line, Outcome, PartitionDigest, Record, merkle_root};
pub use verify::{Inspection, inspect, inspect_bytes};

use crate::error::{Error, Result, io_error};
use crate::policy::Label;

/// Verify a ledger file: the blocks when intact, else
/// [`Error::LedgerTampered`] naming the first bad block.
pub fn verify(path: &Path) -> Result<Vec<Block>> {
    inspect(path)?.into_verified()
}

/// An open, verified ledger file that blocks can be appended to.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    file: File,
    blocks: Vec<Block>,
    head_offset: u64,
}

impl Ledger {
    /// Create a new, empty ledger file (fails if the file exists).
    pub fn create(path: impl Into<PathBuf>) -> Result<Ledger> {
        let path = path.into();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_error(&path))?;
        let head = Line::Head(Head {
            blocks: 0,
            last: Hash::ZERO,
        });
        file.write_all(&head.to_line()).map_err(io_error(&path))?;
        file.sync_all().map_err(io_error(&path))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io_error(dir))?;
        }
        Ok(Ledger {
            path,
            file,
            blocks: Vec::new(),
            head_offset: 0,
        })
    }

    /// Open an existing ledger file, verifying it first.
    pub fn open(path: impl Into<PathBuf>) -> Result<Ledger> {
        let path = path.into();
        let inspection = inspect(&path)?;
        let head_offset = inspection.head_offset;
        let blocks = inspection.into_verified()?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io_error(&path))?;
        Ok(Ledger {
            path,
            file,
            blocks,
            head_offset,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The blocks so far.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Append one block holding `records` and flush it to disk.
    pub fn append(&mut self, records: Vec<Record>) -> Result<&Block> {
        let prev = self.blocks.last().map_or(Hash::ZERO, |b| b.hash);
        let timestamp_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let block = Block::new(self.blocks.len() as u64, prev, timestamp_ms, records);
        let block_line = Line::Block(block.clone()).to_line();
        let head = Line::Head(Head {
            blocks: block.seq + 1,
            last: block.hash,
        });
        let mut bytes = block_line.clone();
        bytes.extend(head.to_line());
        let path = &self.path;
        self.file
            .set_len(self.head_offset)
            .map_err(io_error(path))?;
        self.file
            .seek(SeekFrom::Start(self.head_offset))
            .map_err(io_error(path))?;
        self.file.write_all(&bytes).map_err(io_error(path))?;
        self.file.sync_data().map_err(io_error(path))?;
        self.head_offset += block_line.len() as u64;
        self.blocks.push(block);
        Ok(&self.blocks[self.blocks.len() - 1])
    }

    /// The digest recorded for a partition of an uploaded version.
    pub fn upload_digest(&self, file: &Label, version: u32, label: &Label) -> Result<Hash> {
        self.blocks
            .iter()
            .flat_map(|b| &b.records)
            .find_map(|record| match record {
                Record::Upload {
                    file: f,
                    version: v,
                    partitions,
                } if f == file && *v == version => partitions
                    .iter()
                    .find(|p| &p.label == label)
                    .map(|p| p.digest),
                _ => None,
            })
            .ok_or_else(|| Error::NotInLedger {
                file: file.to_string(),
                partition: label.clone(),
                version,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TamperReason;
    use crate::policy::UserId;

    fn sample(path: &Path, blocks: usize) -> Vec<u8> {
        let _ = std::fs::remove_file(path);
        let mut ledger = Ledger::create(path).unwrap();
        for i in 0..blocks {
            ledger
                .append(vec![Record::Revoke {
                    user: UserId::new(&format!("u{i}")).unwrap(),
                }])
                .unwrap();
        }
        std::fs::read(path).unwrap()
    }

    fn fault(bytes: &[u8]) -> Option<(u64, TamperReason)> {
        inspect_bytes(bytes).fault
    }

    #[test]
    fn appends_survive_reopening_and_verify() {
        let path = std::env::temp_dir().join(format!("ledger-unit-{}.jsonl", std::process::id()));
        let bytes = sample(&path, 3);
        assert_eq!(fault(&bytes), None);
        let mut again = Ledger::open(&path).unwrap();
        assert_eq!(again.blocks().len(), 3);
        again.append(vec![]).unwrap();
        assert_eq!(verify(&path).unwrap().len(), 4);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn removing_reordering_and_cutting_name_the_block() {
        let path = std::env::temp_dir().join(format!("ledger-unit2-{}.jsonl", std::process::id()));
        let bytes = sample(&path, 4);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 5);
        let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
        let join = |ls: &[&[u8]]| ls.concat();
        // Remove block 1.
        let removed = join(&[lines[0], lines[2], lines[3], lines[4]]);
        assert!(matches!(
            fault(&removed),
            Some((1, TamperReason::SequenceMismatch { .. }))
        ));
        // Remove the last block.
        let last_removed = join(&[lines[0], lines[1], lines[2], lines[4]]);
        assert_eq!(fault(&last_removed), Some((3, TamperReason::HeadMismatch)));
        // Swap blocks 2 and 3.
        let swapped = join(&[lines[0], lines[1], lines[3], lines[2], lines[4]]);
        assert!(matches!(fault(&swapped), Some((2, _))));
        // Cut after block 3, and in the middle of block 2.
        let cut = join(&lines[..4]);
        assert_eq!(fault(&cut), Some((4, TamperReason::MissingHead)));
        let mid = &bytes[..lines[0].len() + lines[1].len() + 10];
        assert!(matches!(fault(mid), Some((2, _))));
        assert_eq!(fault(b""), Some((0, TamperReason::MissingHead)));
    }
}
